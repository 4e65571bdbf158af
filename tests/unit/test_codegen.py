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


def test_expm1_form_removes_the_cancellation():
    """1 - exp(-x) is printed as -expm1(-x) (no cancellation as x -> 0), and the synapse's step means, printed that
    way, are the theory's (theory.circuit.synapse_step_mean)."""
    import sympy as sp

    from shotnoise.theory import circuit as cc

    x = sp.Symbol("x", positive=True)
    assert codegen._KernelPrinter(False).doprint(codegen.expm1_form((1 - sp.exp(-x)) / x)) == "-math.expm1(-x)/x"
    specs = {s.name: s for s in codegen.circuit_specs()}
    for key, name in (("start", "synapse_step_mean_start"), ("midpoint_spike", "synapse_step_mean_spike")):
        out = specs[name].outputs[0]
        assert "expm1" in str(out)
        assert sp.simplify(out.rewrite(sp.exp) - cc.synapse_step_mean()[key]) == 0
