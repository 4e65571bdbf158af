"""The committed generated kernels are exactly what the theory regenerates."""
from shotnoise.numerics import codegen


def test_generated_modules_are_up_to_date():
    for name, text in codegen.generate(write=False).items():
        on_disk = (codegen.GENERATED_DIR / name).read_text()
        assert on_disk == text, "%s is stale: run python -m shotnoise.numerics.codegen" % name


def test_generated_modules_do_not_import_sympy():
    for name in codegen.MODULES:
        text = (codegen.GENERATED_DIR / name).read_text()
        assert "import sympy" not in text and "from sympy" not in text
