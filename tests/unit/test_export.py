"""Every export format is syntactically valid and agrees with the numba kernel."""
import json
import shutil
import subprocess

import numpy as np
import pytest

from shotnoise.numerics._generated.mpr_kernels import mpr_rhs
from shotnoise.theory.export import export
from shotnoise.theory.models import get_model

P = {"eta_bar": -4.2, "Delta": 0.8, "J": 11.0, "I": 0.3, "tau": 1.7}
Y = (0.37, -0.61)


@pytest.fixture(scope="module")
def model():
    return get_model("mpr")


def test_python_export_compiles_and_matches_numba(model):
    src = export(model, "python")
    ns = {}
    exec(compile(src, "<mpr-export>", "exec"), ns)
    got = ns["rhs"](0.0, np.array(Y), P)
    want = mpr_rhs(*Y, P["eta_bar"], P["Delta"], P["J"], P["I"], P["tau"])
    assert np.allclose(got, want, rtol=1e-14, atol=0)


@pytest.mark.skipif(shutil.which("cc") is None, reason="no C compiler")
def test_c_export_compiles_runs_and_matches(model, tmp_path):
    src = export(model, "c")
    main = src + """
#include <stdio.h>
int main(void) { double y[2] = {%r, %r}; double p[5] = {%r, %r, %r, %r, %r}; double d[2];
  mpr_rhs(0.0, y, p, d); printf("%%.17g %%.17g\\n", d[0], d[1]); return 0; }
""" % (Y + tuple(P[k] for k in ("eta_bar", "Delta", "J", "I", "tau")))
    (tmp_path / "m.c").write_text(main)
    subprocess.run(["cc", "-std=c99", "-D_DEFAULT_SOURCE", "-Wall", "-Werror", "-o", str(tmp_path / "m"),
                    str(tmp_path / "m.c"), "-lm"], check=True)
    out = subprocess.run([str(tmp_path / "m")], check=True, capture_output=True, text=True).stdout.split()
    want = mpr_rhs(*Y, P["eta_bar"], P["Delta"], P["J"], P["I"], P["tau"])
    assert np.allclose([float(x) for x in out], want, rtol=1e-14)


@pytest.mark.skipif(shutil.which("gfortran") is None, reason="no Fortran compiler")
def test_fortran_export_compiles(model, tmp_path):
    (tmp_path / "m.f90").write_text(export(model, "fortran"))
    subprocess.run(["gfortran", "-fsyntax-only", str(tmp_path / "m.f90")], check=True)


def test_json_export_parses_with_metadata(model):
    doc = json.loads(export(model, "json"))
    assert set(doc["equations"]) == {"dr/dt", "dv/dt"}
    assert doc["parameters"]["Delta"]["range"] == "> 0"
    assert "two-sided, angular frequency" in doc["conventions"]["spectra"]
    # the expression strings round-trip through sympy to the same numbers
    import sympy as sp
    syms = {k: sp.Symbol(k) for k in list(P) + ["r", "v"]}
    vals = {syms[k]: v for k, v in P.items()} | {syms["r"]: Y[0], syms["v"]: Y[1]}
    got = [float(sp.sympify(doc["equations"][k], locals=syms).subs(vals)) for k in ("dr/dt", "dv/dt")]
    assert np.allclose(got, mpr_rhs(*Y, *P.values()), rtol=1e-14)


def test_xpp_export_structure(model):
    text = export(model, "xpp")
    lines = text.splitlines()
    assert lines[-1] == "done"
    assert any(l.startswith("par ") and "etabar=" in l for l in lines)
    odes = [l for l in lines if "'" in l and "=" in l]
    assert [l.split("'")[0] for l in odes] == ["r", "v"]
    assert "eta_bar" not in text.replace("#", "") or all("eta_bar" not in l for l in odes)
    assert "**" not in text


_RHS_LINES = {  # format -> regex capturing (equation index or state, right-hand side)
    "c": r"dydt\[(\d)\] = (.*);", "fortran": r"dydt\((\d)\) = (.*)", "julia": r"du\[(\d)\] = (.*)",
    "octave": r"dydt\((\d)\) = (.*);", "xpp": r"^(r|v)' = (.*)",
}


def _to_python(expr: str) -> str:
    """Translate one exported right-hand side to Python syntax (for a numerical check)."""
    import re
    expr = expr.replace(".^", "**").replace("./", "/").replace(".*", "*").replace("^", "**")
    expr = expr.replace("M_PI", "pi").replace("etabar", "eta_bar")
    return re.sub(r"\bdelta\b", "Delta", expr)


@pytest.mark.parametrize("fmt", sorted(_RHS_LINES))
def test_every_format_contains_both_equations_with_the_right_values(model, fmt):
    """Both right-hand sides are present in each format and evaluate to the numba kernel's values."""
    import math
    import re
    found = re.findall(_RHS_LINES[fmt], export(model, fmt), re.M)
    assert len(found) == 2, found
    env = dict(P, r=Y[0], v=Y[1], pi=math.pi, pow=pow)
    got = [eval(_to_python(rhs), {"__builtins__": {}}, env) for _, rhs in found]
    assert np.allclose(got, mpr_rhs(*Y, *P.values()), rtol=1e-14, atol=0)


def test_latex_shows_both_equations(model):
    import sympy as sp
    tex = export(model, "latex")
    for state, rhs in zip(model.state, model.rhs):
        assert "\\frac{d %s}{d t}" % sp.latex(state) in tex
    assert tex.count("&=") == 2


def test_latex_is_balanced(model):
    tex = export(model, "latex")
    assert tex.count("{") == tex.count("}") and "\\begin{align}" in tex and "\\bar{\\eta}" in tex


def test_stochastic_model_exports(tmp_path):
    m = get_model("stochastic-mpr")
    ns = {}
    exec(compile(export(m, "python"), "<smpr>", "exec"), ns)
    params = dict(P, N=400.0)
    drift = ns["rhs"](0.0, np.array(Y), params)
    assert np.allclose(drift, mpr_rhs(*Y, *P.values()), rtol=1e-14)
    b = ns["noise"](0.0, np.array(Y), params)
    assert b[0] == 0 and b[1] == pytest.approx(P["J"] * np.sqrt(Y[0] / 400.0), rel=1e-14)
    if shutil.which("cc"):
        (tmp_path / "s.c").write_text(export(m, "c"))
        subprocess.run(["cc", "-std=c99", "-D_DEFAULT_SOURCE", "-Wall", "-Werror", "-c", "-o",
                        str(tmp_path / "s.o"), str(tmp_path / "s.c")], check=True)
    xpp = export(m, "xpp")
    assert "wiener wv" in xpp and "meth=euler" in xpp
    doc = json.loads(export(m, "json"))
    assert doc["noise"]["coefficients"] == {"v": "J*sqrt(r)/sqrt(N)"}


def test_stochastic_mpr_theory():
    import sympy as sp
    from shotnoise.theory import stochastic_mpr as sm
    from shotnoise.theory.lorentzian_ansatz import mpr_model
    from shotnoise.theory.symbols import J, N, r
    assert all(sp.simplify(a - b) == 0 for a, b in zip(sm.drift(), mpr_model().rhs))
    assert sm.noise_coupling() == (0, J)
    assert sp.simplify(sm.diffusion_matrix() - sp.Matrix([[0, 0], [0, J**2 * r / N]])) == sp.zeros(2)
    assert sm.ito_stratonovich_correction() == (0, 0)
