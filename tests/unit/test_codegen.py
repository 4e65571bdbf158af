"""The committed generated kernels are exactly what the theory regenerates."""
from shotnoise.numerics import codegen


def test_generated_modules_are_up_to_date():
    for name, text in codegen.generate(write=False).items():
        on_disk = (codegen.GENERATED_DIR / name).read_text()
        assert on_disk == text, "%s is stale: run python -m shotnoise.numerics.codegen" % name


def test_generated_modules_do_not_import_sympy():
    import re
    for name in codegen.MODULES:
        text = (codegen.GENERATED_DIR / name).read_text()
        assert not re.search(r"^\s*(import|from)\s+sympy", text, re.M)
