"""Circuits of populations export to every format: Python executes and equals the sympy rhs, C compiles and
agrees, the stochastic model has one Wiener process per population with the right noise matrix."""
import json
import math
import re
import subprocess

import numpy as np
import pytest

from tests.tools import require_tool
import sympy as sp

from shotnoise.theory import circuit as cc
from shotnoise.theory.errors import ParameterError
from shotnoise.theory.export import FORMATS, export
from shotnoise.theory.models import circuit_export_model

DOC = {"populations": {"E": {"N": 800, "eta_bar": 1.0, "Delta": 0.1, "tau": 1.0, "tau_s": 0.2},
                       "I": {"N": 200, "eta_bar": 0.5, "Delta": 0.1, "tau": 0.5, "tau_s": 0.3,
                             "heterogeneity": "lorentzian"}},
       "coupling": {"E": {"E": 2.0, "I": -4.0}, "I": {"E": 3.0, "I": -2.0}},
       "input": {"E": 0.0, "I": 0.0}}
#: E exponential and Lorentzian, I delta synapse with two poles: every kind of block in one model
MIXED = {"populations": {"E": {"N": 800, "eta_bar": 1.0, "Delta": 0.1, "tau_s": 0.2},
                         "I": {"N": 200, "eta_bar": 0.5, "Delta": 0.2, "tau": 0.5, "heterogeneity": "multipole",
                               "poles": 2}},
         "coupling": {"E": {"I": -4.0}, "I": {"E": 3.0, "I": -2.0}}, "input": {"I": 0.3}}


def _sympy_values(m, y, params):
    vals = {sp.Symbol(str(s)): float(x) for s, x in zip(m.state, y)}
    vals.update({sp.Symbol(str(p)): params[str(p)] for p in m.parameters})
    return vals


def _numeric(exprs, m, y, params):
    vals = _sympy_values(m, y, params)
    rename = {s: sp.Symbol(s.name) for e in exprs for s in sp.sympify(e).free_symbols}
    return np.array([float(sp.sympify(e).xreplace(rename).xreplace(vals)) for e in exprs])


def _random(m, rng):
    y = np.array([rng.uniform(0.2, 1.0) if str(s).startswith(("r_", "s_")) else rng.uniform(-1, 1)
                  for s in m.state])
    params = {k: v * rng.uniform(0.8, 1.2) for k, v in m.defaults.items()}
    return y, params


def _load(m):
    ns = {}
    exec(compile(export(m, "python"), "<%s>" % m.name, "exec"), ns)
    return ns


@pytest.mark.parametrize("doc", [DOC, MIXED], ids=["EI-exponential", "mixed"])
def test_python_export_equals_sympy_rhs(doc):
    m = circuit_export_model(doc)
    st = cc.structure_from_dict(doc)
    assert m.state == cc.state_symbols(st) and m.rhs == cc.circuit_rhs(st)
    ns = _load(m)
    rng = np.random.default_rng(11)
    for _ in range(5):
        y, params = _random(m, rng)
        got = ns["rhs"](0.0, y, params)
        assert np.allclose(got, _numeric(cc.circuit_rhs(st), m, y, params), rtol=1e-13, atol=1e-13)


def test_defaults_come_from_the_file():
    m = circuit_export_model(MIXED)
    assert m.defaults["J_E_E"] == 0.0 and m.defaults["J_E_I"] == -4.0 and m.defaults["I_I"] == 0.3
    assert m.defaults["tau_E"] == 1.0 and m.defaults["tau_s_E"] == 0.2 and "tau_s_I" not in m.defaults
    assert list(m.observables) == ["r_I", "v_I"]
    assert [str(s) for s in m.state] == ["r_E", "v_E", "s_E", "r_I_1", "v_I_1", "r_I_2", "v_I_2"]


def test_stochastic_export_has_one_wiener_per_population():
    m = circuit_export_model(MIXED, stochastic=True)
    st = cc.structure_from_dict(MIXED)
    assert m.wiener == ("E", "I") and "N_E" in m.defaults
    ns = _load(m)
    rng = np.random.default_rng(3)
    y, params = _random(m, rng)
    B = ns["noise"](0.0, y, params)
    assert B.shape == (len(m.state), 2)
    want = np.array([_numeric(list(row), m, y, params) for row in cc.diffusion_coefficients(st).tolist()])
    assert np.allclose(B, want, rtol=1e-13)
    # E's shot noise enters only ds_E/dt (exponential synapse); I's enters every v mode (delta synapse, J_aI)
    rate_I = ns["observables"](0.0, y, params)["r_I"]
    assert B[2, 0] == pytest.approx(math.sqrt(y[0] / params["N_E"]) / params["tau_s_E"], rel=1e-13)
    assert B[1, 1] == pytest.approx(params["J_E_I"] * math.sqrt(rate_I / params["N_I"]), rel=1e-13)
    assert B[4, 1] == pytest.approx(params["J_I_I"] * math.sqrt(rate_I / params["N_I"]), rel=1e-13)
    assert np.count_nonzero(B) == 4
    doc = json.loads(export(m, "json"))
    assert doc["noise"]["wiener"] == ["E", "I"] and set(doc["noise"]["coefficients"]["s_E"]) == {"E"}
    xpp = export(m, "xpp")
    assert "wiener wE, wI" in xpp and "meth=euler" in xpp and "*wI" in xpp
    assert "zeros(7, 2)" in export(m, "julia") and "dydt(7, 2) =" in export(m, "octave")


@pytest.mark.parametrize("stochastic", [False, True])
@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_exports_a_circuit(fmt, stochastic):
    m = circuit_export_model(MIXED, stochastic=stochastic)
    text = export(m, fmt)
    if fmt == "latex":
        assert text.count(r"\frac{d ") == len(m.state)
    else:
        for s in m.state:
            assert str(s) in text
    if fmt == "fortran":
        assert max(len(line) for line in text.splitlines()) <= 132
    if fmt == "latex":
        assert text.count("{") == text.count("}") and r"\bar{\eta}_{E}" in text and r"\tau_{s,E}" in text


_RHS_LINES = {"c": r"dydt\[(\d+)\] = (.*);", "julia": r"du\[(\d+)\] = (.*)", "octave": r"dydt\((\d+)\) = (.*);"}


def _to_python(expr: str) -> str:
    expr = expr.replace(".^", "**").replace("./", "/").replace(".*", "*").replace("^", "**")
    return expr.replace("M_SQRT2", "sqrt(2)").replace("M_PI", "pi")


@pytest.mark.parametrize("fmt", sorted(_RHS_LINES))
def test_text_formats_evaluate_to_the_sympy_rhs(fmt):
    m = circuit_export_model(MIXED)
    found = re.findall(_RHS_LINES[fmt], export(m, fmt), re.M)
    assert len(found) == len(m.state)
    y, params = _random(m, np.random.default_rng(5))
    env = dict(params, pi=math.pi, pow=pow, sqrt=math.sqrt, **{str(s): x for s, x in zip(m.state, y)})
    got = [eval(_to_python(rhs), {"__builtins__": {}}, env) for _, rhs in found]
    assert np.allclose(got, _numeric(m.rhs, m, y, params), rtol=1e-13, atol=1e-13)


def test_c_export_compiles_runs_and_matches(tmp_path):
    require_tool("cc")
    m = circuit_export_model(MIXED, stochastic=True)
    y, params = _random(m, np.random.default_rng(9))
    n, k = len(m.state), len(m.parameters)
    p = [params[str(q)] for q in m.parameters]
    main = export(m, "c") + """
#include <stdio.h>
int main(void) { double y[%d] = {%s}; double p[%d] = {%s}; double d[%d]; double b[%d]; int i;
  stochastic_circuit_rhs(0.0, y, p, d); stochastic_circuit_noise(0.0, y, p, b);
  for (i = 0; i < %d; i++) printf("%%.17g\\n", d[i]);
  for (i = 0; i < %d; i++) printf("%%.17g\\n", b[i]);
  return 0; }
""" % (n, ", ".join(repr(float(x)) for x in y), k, ", ".join(map(repr, p)), n, 2 * n, n, 2 * n)
    (tmp_path / "m.c").write_text(main)
    subprocess.run(["cc", "-std=c99", "-pedantic", "-Wall", "-Werror", "-o", str(tmp_path / "m"),
                    str(tmp_path / "m.c"), "-lm"], check=True)
    out = [float(x) for x in subprocess.run([str(tmp_path / "m")], check=True, capture_output=True,
                                            text=True).stdout.split()]
    ns = _load(m)
    assert np.allclose(out[:n], ns["rhs"](0.0, y, params), rtol=1e-13, atol=1e-13)
    assert np.allclose(out[n:], ns["noise"](0.0, y, params).ravel(), rtol=1e-13, atol=1e-13)


def test_fortran_export_compiles(tmp_path):
    require_tool("gfortran")
    (tmp_path / "m.f90").write_text(export(circuit_export_model(MIXED, stochastic=True), "fortran"))
    subprocess.run(["gfortran", "-std=f95", "-pedantic", "-Wall", "-Werror", "-Wno-unused-dummy-argument",
                    "-fsyntax-only", str(tmp_path / "m.f90")], check=True)


@pytest.mark.parametrize("doc,key", [
    ({"populations": {"E": {"N": 10, "Delta": 0.1}}}, "populations.E.eta_bar"),
    ({"populations": {"E": {"N": 10, "eta_bar": "x", "Delta": 0.1}}}, "populations.E.eta_bar"),
    ({"populations": {"E": {"eta_bar": 1.0, "Delta": 0.1}}}, "populations.E.N"),
    ({"populations": {"E": {"N": 10, "eta_bar": 1.0, "Delta": 0.1}}, "coupling": {"E": {"E": "strong"}}},
     "coupling.E.E"),
])
def test_missing_or_bad_values_name_the_key(doc, key):
    with pytest.raises(ParameterError, match=re.escape(key)):
        circuit_export_model(doc, stochastic=True)


def test_shotnoise_export_starts_at_the_circuit_fixed_point(tmp_path, capsys):
    """``shotnoise export`` writes the stable fixed point of the file's parameters (Circuit.fixed_points) as the
    initial state: the exported drift vanishes there and the rates are the circuit's; a one-population file the
    same through its one-population circuit."""
    from shotnoise.numerics.circuit.model import Circuit
    from shotnoise.validation.cli import main
    for doc, name in ((MIXED, "mixed.json"), ({"populations": {"pop": {"N": 100, "eta_bar": -5.0, "Delta": 1.0}},
                                                "coupling": {"pop": {"pop": 15.0}}}, "one.json")):
        f = tmp_path / name
        f.write_text(json.dumps(doc))
        assert main(["export", "--model", str(f), "--format", "json"]) == 0
        out = json.loads(capsys.readouterr().out)
        circuit = Circuit.from_dict(doc)
        op = next(q for q in circuit.fixed_points() if q.stable)  # bistable one.json: the low point
        assert out["initial_state_note"].startswith("steady state")
        m = circuit_export_model(doc)
        y = np.array([out["initial_state"][str(x)] for x in m.state])
        params = {k: float(v) for k, v in m.defaults.items()}
        assert np.max(np.abs(_load(m)["rhs"](0.0, y, params))) < 1e-12
        first = circuit.names[0]
        assert out["initial_state"]["r_%s" % first] == pytest.approx(op.r[0], rel=1e-12)
    assert len(circuit.fixed_points()) == 3 and op.r[0] == pytest.approx(0.0811344419501197, rel=1e-12)
