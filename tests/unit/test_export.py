"""Every export format is syntactically valid and agrees with the numba kernel."""
import json
import shutil
import subprocess

import numpy as np
import pytest

from tests.tools import REQUIRED, require_tool

from shotnoise.numerics._generated.mpr_kernels import mpr_rhs
from shotnoise.theory.export import export
from shotnoise.theory.models import get_model

#: strict Fortran 95; the time argument t of the autonomous models' subroutines is unused (uniform signature)
FORTRAN_FLAGS = ("-std=f95", "-pedantic", "-Wall", "-Werror", "-Wno-unused-dummy-argument")

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


def test_c_export_compiles_runs_and_matches(model, tmp_path):
    require_tool("cc")
    src = export(model, "c")
    main = src + """
#include <stdio.h>
int main(void) { double y[2] = {%r, %r}; double p[5] = {%r, %r, %r, %r, %r}; double d[2];
  mpr_rhs(0.0, y, p, d); printf("%%.17g %%.17g\\n", d[0], d[1]); return 0; }
""" % (Y + tuple(P[k] for k in ("eta_bar", "Delta", "J", "I", "tau")))
    (tmp_path / "m.c").write_text(main)
    subprocess.run(["cc", "-std=c99", "-pedantic", "-Wall", "-Werror", "-o", str(tmp_path / "m"),
                    str(tmp_path / "m.c"), "-lm"], check=True)
    out = subprocess.run([str(tmp_path / "m")], check=True, capture_output=True, text=True).stdout.split()
    want = mpr_rhs(*Y, P["eta_bar"], P["Delta"], P["J"], P["I"], P["tau"])
    assert np.allclose([float(x) for x in out], want, rtol=1e-14)


def test_fortran_export_compiles(model, tmp_path):
    require_tool("gfortran")
    (tmp_path / "m.f90").write_text(export(model, "fortran"))
    subprocess.run(["gfortran", *FORTRAN_FLAGS, "-fsyntax-only", str(tmp_path / "m.f90")], check=True)


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
    "c": r"dydt\[(\d)\] = (.*);", "fortran": r"^  dydt\((\d)\) = (.*)", "julia": r"du\[(\d)\] = (.*)",
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
    if shutil.which("cc") or REQUIRED:  # in CI the C check must run
        (tmp_path / "s.c").write_text(export(m, "c"))
        subprocess.run(["cc", "-std=c99", "-pedantic", "-Wall", "-Werror", "-c", "-o",
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


# ----------------------------------------------------------------------------- reduced multi-pole models
from shotnoise.numerics._generated import multipole_kernels as mk  # noqa: E402
from shotnoise.theory.export import FORMATS  # noqa: E402

ORDERS = (2, 3, 4)
MULTIPOLE_MODELS = ["multipole-%d" % n for n in ORDERS] + ["stochastic-multipole-%d" % n for n in ORDERS]
PARAM_ORDER = ("eta_bar", "Delta", "J", "I", "tau")


def _order_of(name):
    return int(name.rsplit("-", 1)[1])


def _random_point(n, rng):
    """Random parameters and a state with positive population rate (Re c_k > 0, small |v_k|)."""
    p = {"eta_bar": rng.uniform(-6, 2), "Delta": rng.uniform(0.2, 2), "J": rng.uniform(-10, 15),
         "I": rng.uniform(-1, 1), "tau": rng.uniform(0.5, 2), "N": rng.uniform(100, 1e4)}
    y = np.empty(2 * n)
    y[0::2] = rng.uniform(0.3, 1.0, n)
    y[1::2] = rng.uniform(-0.3, 0.3, n)
    return p, y


def _kernel(n, y, p):
    """Reference values from the generated numba kernels: drift, common-noise vector, (r, v)."""
    drift = np.array(getattr(mk, "multipole%d_rhs" % n)(*y, *(p[k] for k in PARAM_ORDER)))
    w = y[0::2] * np.pi * p["tau"] + 1j * y[1::2]
    mean = sum(np.array(mk.mode_mean_field(c, wk, p["tau"])) for c, wk in zip(mk.WEIGHTS[n - 1], w))
    b = np.zeros(2 * n)
    b[1::2] = p["J"] * np.sqrt(mean[0] / p["N"])
    return drift, b, mean


def _load_python(m):
    ns = {}
    exec(compile(export(m, "python"), "<%s-export>" % m.name, "exec"), ns)
    return ns


def test_registry_lists_the_multipole_models():
    from shotnoise.theory.models import MODELS
    assert tuple(MODELS) == ("mpr", "stochastic-mpr", "multipole-2", "multipole-3", "multipole-4",
                             "stochastic-multipole-2", "stochastic-multipole-3", "stochastic-multipole-4",
                             "surrogate-mpr")
    for name in MULTIPOLE_MODELS:
        m = get_model(name)
        n = _order_of(name)
        assert [str(s) for s in m.state] == [x for k in range(1, n + 1) for x in ("r%d" % k, "v%d" % k)]
        assert list(m.observables) == ["r", "v"] and set(m.state_info) == {str(s) for s in m.state}
        assert set(m.initial) == {str(s) for s in m.state} and m.common_noise == name.startswith("stochastic")


@pytest.mark.parametrize("name", MULTIPOLE_MODELS)
@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_exports_the_multipole_models(name, fmt):
    text = export(get_model(name), fmt)
    n = _order_of(name)
    assert text.endswith("\n") and ("r_{%d}" % n if fmt == "latex" else "r%d" % n) in text
    assert text.count("(") == text.count(")") and text.count("[") == text.count("]")
    if fmt in ("c", "julia", "octave", "xpp", "latex"):
        assert "**" not in text
    if fmt == "fortran":
        assert max(len(l) for l in text.splitlines()) <= 132  # free-form limit (long lines are continued)
    if fmt == "xpp":
        assert max(len(l) for l in text.splitlines()) <= 1024  # XPP's line limit
    if fmt in ("julia", "octave"):
        assert text.count("function ") == len([l for l in text.splitlines() if l == "end"])


@pytest.mark.parametrize("n", ORDERS)
def test_python_export_matches_the_multipole_kernel(n):
    rng = np.random.default_rng(20 + n)
    det = _load_python(get_model("multipole-%d" % n))
    sto = _load_python(get_model("stochastic-multipole-%d" % n))
    assert det["STATE"] == sto["STATE"] and det["OBSERVABLES"] == ["r", "v"] and sto["COMMON_NOISE"] is True
    for _ in range(5):
        p, y = _random_point(n, rng)
        drift, b, mean = _kernel(n, y, p)
        assert np.allclose(det["rhs"](0.0, y, p), drift, rtol=1e-12, atol=1e-12)
        assert np.allclose(sto["rhs"](0.0, y, p), drift, rtol=1e-12, atol=1e-12)
        assert np.allclose(sto["noise"](0.0, y, p), b, rtol=1e-12, atol=0)
        for ns in (det, sto):
            obs = ns["observables"](0.0, y, p)
            assert np.allclose([obs["r"], obs["v"]], mean, rtol=1e-12, atol=1e-12)


def test_python_export_of_two_poles_converges_to_the_rate_equation_root():
    """Integrated with solve_ivp, the exported n = 2 model settles where rate_equation(2) vanishes."""
    import mpmath
    import sympy as sp
    from scipy.integrate import solve_ivp

    from shotnoise.theory import multipole
    from shotnoise.theory.symbols import r as r_sym
    m = get_model("multipole-2")
    ns = _load_python(m)
    p = {"eta_bar": -1.0, "Delta": 0.5, "J": 2.0, "I": 0.5, "tau": 1.0}
    y0 = [ns["INITIAL"][s] for s in ns["STATE"]]
    sol = solve_ivp(ns["rhs"], (0, 200), y0, args=(p,), method="LSODA", rtol=1e-11, atol=1e-13)
    y_end = sol.y[:, -1]
    assert np.max(np.abs(ns["rhs"](0.0, y_end, p))) < 1e-9  # at rest
    r_end = ns["observables"](0.0, y_end, p)["r"]
    syms = {sp.Symbol(k, **a): v for (k, v), a in zip(p.items(), ({"real": True}, {"positive": True},
                                                                   {"real": True}, {"real": True},
                                                                   {"positive": True}))}
    f = sp.lambdify(r_sym, multipole.rate_equation(2).subs(syms), "mpmath")
    assert not any(s.name in p for s in multipole.rate_equation(2).subs(syms).free_symbols)
    root = float(mpmath.findroot(f, r_end))
    assert r_end == pytest.approx(root, rel=1e-8)
    # every mode sits at its fixed point w_k = sqrt(eta_k + I + J tau r0)
    for k, u in enumerate(mk.UNIT_POLES[1]):
        w = np.sqrt(p["eta_bar"] + p["Delta"] * u + p["I"] + p["J"] * p["tau"] * root)
        assert y_end[2 * k] * np.pi * p["tau"] + 1j * y_end[2 * k + 1] == pytest.approx(w, rel=1e-8)


# per format: how to cut the text into its functions and find their assignments (index, expression)
def _join_fortran(text):
    import re
    return re.sub(r"&\n\s*", "", text)


_BLOCK_RE = {"c": (r"\nvoid \w+?_(rhs|noise|observables)\(", r"^\s+\w+\[(\d+)\] = (.*);$"),
             "fortran": (r"\nsubroutine \w+?_(rhs|noise|observables|obs|defaults|initial)\(",
                         r"^\s+\w+\((\d+)\) = (.*)$"),
             "julia": (r"\nfunction \w+?_(rhs|noise|observables)!?\(", r"^\s+du\[(\d+)(?:, 1)?\] = (.*)$"),
             "octave": (r"(?:^|\n)function \w+ = \w+?_(rhs|noise|observables)\(", r"^\s+\w+\((\d+)\) = (.*);$")}


def _blocks(fmt, text):
    """{"rhs": [expr, ...], "noise": [...], "observables": [...]} from an exported text."""
    import re
    if fmt == "fortran":
        text = _join_fortran(text)
    head, line = _BLOCK_RE[fmt]
    parts = re.split(head, "\n" + text)
    out = {}
    for kind, body in zip(parts[1::2], parts[2::2]):
        kind = "observables" if kind == "obs" else kind  # Fortran 95's 31-character names
        if kind in ("defaults", "initial"):  # Fortran's <name>_defaults(p) / <name>_initial(y): checked elsewhere
            continue
        if fmt == "julia" and kind == "observables":
            ret = re.search(r"return \((.*),\)$", body, re.M).group(1)
            out[kind] = [e for e in re.split(r"(?:^|, )\w+ = ", ret) if e]
            continue
        found = re.findall(line, body, re.M)
        assert [int(i) for i, _ in found] == list(range(1 if fmt != "c" else 0, len(found) + (1 if fmt != "c" else 0)))
        out[kind] = [e for _, e in found]
    return out


def _evaluate(expr, env):
    import re
    py = _to_python(re.sub(r"(\d+\.\d+)d0", r"\1", expr))
    return eval(py, {"__builtins__": {}}, env)


def _env(m, p, y):
    import math
    env = dict(p, pi=math.pi, pow=pow, sqrt=math.sqrt)
    # math.h constants C99CodePrinter uses (M_PI_2 reads pi_2 after _to_python's M_PI -> pi)
    env.update(M_SQRT2=math.sqrt(2), M_SQRT1_2=math.sqrt(0.5), M_1_PI=1 / math.pi, M_2_PI=2 / math.pi,
               pi_2=math.pi / 2, pi_4=math.pi / 4, M_2_SQRTPI=2 / math.sqrt(math.pi))
    env.update({str(s): float(v) for s, v in zip(m.state, y)})
    return env


@pytest.mark.parametrize("name", MULTIPOLE_MODELS)
@pytest.mark.parametrize("fmt", sorted(_BLOCK_RE))
def test_code_exports_of_multipole_models_evaluate_to_the_kernel(name, fmt):
    """C, Fortran, Julia and Octave: drift, noise vector and observables evaluate to the kernel's values."""
    n = _order_of(name)
    m = get_model(name)
    p, y = _random_point(n, np.random.default_rng(7 * n))
    drift, b, mean = _kernel(n, y, p)
    blocks = _blocks(fmt, export(m, fmt))
    env = _env(m, p, y)
    want = {"rhs": drift, "observables": mean}
    if m.noise:
        want["noise"] = b
    assert set(blocks) == set(want)
    for kind, exprs in blocks.items():
        got = [_evaluate(e, env) for e in exprs]
        assert np.allclose(got, want[kind], rtol=1e-12, atol=1e-12), (kind, exprs)


@pytest.mark.parametrize("name", MULTIPOLE_MODELS)
def test_xpp_export_of_multipole_models(name):
    import math
    import re
    n = _order_of(name)
    m = get_model(name)
    text = export(m, "xpp")
    lines = text.splitlines()
    assert lines[-1] == "done"
    odes = [l for l in lines if re.match(r"^\w+' = ", l)]
    assert [l.split("'")[0] for l in odes] == [str(s) for s in m.state]
    aux = dict(re.findall(r"^aux (\w+)=(.*)$", text, re.M))
    assert list(aux) == ["r", "v"]
    p, y = _random_point(n, np.random.default_rng(3 * n))
    drift, b, mean = _kernel(n, y, p)
    env = _env(m, p, y)
    rhs = [l.split("' = ", 1)[1] for l in odes]
    assert np.allclose([_evaluate(e, dict(env, wxi=0.0)) for e in rhs], drift, rtol=1e-12, atol=1e-12)
    assert np.allclose([_evaluate(e, env) for e in aux.values()], mean, rtol=1e-12, atol=1e-12)
    wiener = [l for l in lines if l.startswith("wiener")]
    if m.noise:
        # ONE wiener variable, used in every v_k equation and in no r_k equation
        assert wiener == ["wiener wxi"] and "meth=euler" in text
        assert [("wxi" in l) for l in odes] == [k % 2 == 1 for k in range(2 * n)]
        got = [_evaluate(e, dict(env, wxi=1.0)) - _evaluate(e, dict(env, wxi=0.0)) for e in rhs]
        assert np.allclose(got, b, rtol=1e-10, atol=1e-12)
    else:
        assert wiener == [] and "meth=rk4" in text
    assert not math.isnan(sum(drift))


@pytest.mark.parametrize("name", MULTIPOLE_MODELS)
def test_json_export_of_multipole_models(name):
    import sympy as sp
    n = _order_of(name)
    m = get_model(name)
    doc = json.loads(export(m, "json"))
    states = [str(s) for s in m.state]
    assert list(doc["state"]) == states and list(doc["equations"]) == ["d%s/dt" % s for s in states]
    assert all({"description", "range", "initial"} <= set(doc["state"][s]) for s in states)
    assert doc["state"]["r1"]["range"] == "> 0" and doc["state"]["v1"]["range"] == "real"
    p, y = _random_point(n, np.random.default_rng(11 * n))
    drift, b, mean = _kernel(n, y, p)
    loc = {k: sp.Symbol(k) for k in list(doc["parameters"]) + states}
    vals = {loc[k]: v for k, v in p.items() if k in loc} | {loc[s]: v for s, v in zip(states, y)}
    num = lambda e: complex(sp.sympify(e, locals=loc).subs(vals).evalf(30)).real  # noqa: E731
    assert np.allclose([num(doc["equations"]["d%s/dt" % s]) for s in states], drift, rtol=1e-12, atol=1e-12)
    assert np.allclose([num(doc["observables"][k]["expression"]) for k in ("r", "v")], mean, rtol=1e-12,
                       atol=1e-12)
    assert doc["observables"]["r"]["description"].startswith("population firing rate")
    if m.noise:
        assert doc["noise"]["wiener"].startswith("common") and "N" in doc["parameters"]
        assert list(doc["noise"]["coefficients"]) == states[1::2]
        assert np.allclose([num(e) for e in doc["noise"]["coefficients"].values()], b[1::2], rtol=1e-12)
    else:
        assert "noise" not in doc


@pytest.mark.parametrize("name", MULTIPOLE_MODELS)
def test_latex_export_of_multipole_models(name):
    n = _order_of(name)
    m = get_model(name)
    tex = export(m, "latex")
    assert tex.count("{") == tex.count("}") and tex.count(r"\left") == tex.count(r"\right")
    assert tex.count("&=") == 2 * n + 2 and "\\frac{d v_{%d}}{d t}" % n in tex
    align = tex.split("\\end{align}")[0]
    assert align.count(r"\xi(t)") == (n if m.noise else 0) and r"\xi_{" not in tex
    assert tex.startswith("% Needs \\usepackage{amsmath}")
    assert (r"\langle \xi(t)\,\xi(t')\rangle = \delta(t - t')" in tex) == bool(m.noise)


@pytest.mark.parametrize("name", MULTIPOLE_MODELS)
def test_c_export_of_multipole_models_compiles_runs_and_matches(name, tmp_path):
    require_tool("cc")
    n = _order_of(name)
    m = get_model(name)
    p, y = _random_point(n, np.random.default_rng(5 * n))
    drift, b, mean = _kernel(n, y, p)
    nm = name.replace("-", "_")
    pv = [p[str(q)] for q in m.parameters]
    calls = [("rhs", 2 * n), ("observables", 2)] + ([("noise", 2 * n)] if m.noise else [])
    body = "".join('  { double d[%d]; %s_%s(0.0, y, p, d); for (int i = 0; i < %d; i++) printf("%%.17g\\n", d[i]); }\n'
                   % (k, nm, kind, k) for kind, k in calls)
    main = export(m, "c") + """
#include <stdio.h>
int main(void) { double y[%d] = {%s}; double p[%d] = {%s};
%s  return 0; }
""" % (2 * n, ", ".join(repr(float(v)) for v in y), len(pv), ", ".join(repr(float(v)) for v in pv), body)
    (tmp_path / "m.c").write_text(main)
    subprocess.run(["cc", "-std=c99", "-pedantic", "-Wall", "-Werror", "-o", str(tmp_path / "m"),
                    str(tmp_path / "m.c"), "-lm"], check=True)
    out = [float(x) for x in subprocess.run([str(tmp_path / "m")], check=True, capture_output=True,
                                            text=True).stdout.split()]
    want = list(drift) + list(mean) + (list(b) if m.noise else [])
    assert np.allclose(out, want, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name", MULTIPOLE_MODELS)
def test_fortran_export_of_multipole_models_compiles(name, tmp_path):
    require_tool("gfortran")
    (tmp_path / "m.f90").write_text(export(get_model(name), "fortran"))
    subprocess.run(["gfortran", *FORTRAN_FLAGS, "-fsyntax-only", str(tmp_path / "m.f90")], check=True)


@pytest.mark.parametrize("name", ["multipole-2", "stochastic-multipole-3"])
def test_octave_export_of_multipole_models_runs(name, tmp_path):
    require_tool("octave")
    n = _order_of(name)
    m = get_model(name)
    p, y = _random_point(n, np.random.default_rng(13 * n))
    drift, _, _ = _kernel(n, y, p)
    nm = name.replace("-", "_")
    pv = [p[str(q)] for q in m.parameters]
    script = export(m, "octave") + "format long;\nd = %s_rhs(0, [%s]', [%s]);\nprintf('%%.17g\\n', d);\n" % (
        nm, " ".join(repr(float(v)) for v in y), " ".join(repr(float(v)) for v in pv))
    (tmp_path / "m.m").write_text(script)
    out = subprocess.run(["octave", "--no-gui", "-q", str(tmp_path / "m.m")], check=True, capture_output=True,
                         text=True, timeout=120).stdout.split()
    assert np.allclose([float(x) for x in out], drift, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name", ["multipole-2", "stochastic-multipole-3"])
def test_julia_export_of_multipole_models_runs(name, tmp_path):
    require_tool("julia")
    n = _order_of(name)
    m = get_model(name)
    p, y = _random_point(n, np.random.default_rng(17 * n))
    drift, _, _ = _kernel(n, y, p)
    nm = name.replace("-", "_")
    pv = [p[str(q)] for q in m.parameters]
    script = export(m, "julia") + ("du = zeros(%d); %s_rhs!(du, [%s], [%s], 0.0)\n"
                                    "foreach(x -> println(repr(x)), du)\n") % (
        2 * n, nm, ", ".join(repr(float(v)) for v in y), ", ".join(repr(float(v)) for v in pv))
    (tmp_path / "m.jl").write_text(script)
    out = subprocess.run(["julia", str(tmp_path / "m.jl")], check=True, capture_output=True, text=True,
                         timeout=300).stdout.split()
    assert np.allclose([float(x) for x in out], drift, rtol=1e-12, atol=1e-12)


# ----------------------------------------------------------------------------- issue 13: exports as the tools expect
def _every_model():
    from shotnoise.theory.models import MODELS, circuit_export_model
    from tests.unit.test_circuit_export import MIXED
    return [get_model(name) for name in MODELS] + [circuit_export_model(MIXED),
                                                   circuit_export_model(MIXED, stochastic=True)]


def _json_expressions(doc: dict) -> list[str]:
    """Every sympy expression string of a JSON export: equations, drift, observables, noise coefficients and the
    shot-noise block's drive, frequency and coupling."""
    out = list(doc["equations"].values()) + list(doc.get("drift", {}).values())
    out += [o["expression"] for o in doc.get("observables", {}).values()]
    for b in doc.get("noise", {}).get("coefficients", {}).values():
        out += list(b.values()) if isinstance(b, dict) else [b]
    sn = doc.get("shot_noise")
    if sn is not None:
        out += [sn["drive"], sn["frequency"]] + list(sn["xi_coupling"].values())
    return out


def test_surrogate_json_declares_xi_a_and_eta():
    """The shot-noise model's JSON: dv/dt carries J xi, and xi, the drive a and the excitability eta are declared;
    the frequency is a function of the declared drive symbol."""
    import sympy as sp
    doc = json.loads(export(get_model("surrogate-mpr"), "json"))
    assert {"xi", "a", "eta"} <= set(doc["symbols"])
    loc = {k: sp.Symbol(k, **d["assumptions"]) for k, d in doc["symbols"].items()}
    dv = sp.sympify(doc["equations"]["dv/dt"], locals=loc)
    assert sp.diff(dv, loc["xi"]) == loc["J"]
    drive = loc[doc["shot_noise"]["drive_symbol"]]
    assert sp.sympify(doc["shot_noise"]["frequency"], locals=loc).free_symbols == {drive, loc["tau"]}
    assert loc["eta"] in sp.sympify(doc["shot_noise"]["drive"], locals=loc).free_symbols


def test_json_is_loadable_with_the_declared_symbols():
    """Every expression of every model parses back, with the "symbols" block as locals, to the sympy expression
    it was printed from (I the current, N a symbol); schema and package version, defaults and initial state."""
    import sympy as sp
    from shotnoise.theory.export import JSON_SCHEMA_VERSION, package_version
    for m in _every_model():
        doc = json.loads(export(m, "json"))
        assert doc["schema_version"] == JSON_SCHEMA_VERSION and doc["package"]["version"] == package_version()
        assert doc["package"]["version"] != "unknown"  # the package is installed in the test environment
        loc = {k: sp.Symbol(k, **d["assumptions"]) for k, d in doc["symbols"].items()}
        assert {str(x) for x in m.state} | {str(q) for q in m.parameters} <= set(loc)
        assert doc["defaults"] == {str(q): float(m.defaults[str(q)]) for q in m.parameters}
        assert doc["initial_state"] == {str(x): float(m.initial[str(x)]) for x in m.state}

        def same(text, source):
            got = sp.sympify(text, locals=loc)
            return got == sp.sympify(source) or sp.simplify(got - source) == 0
        xi = {}
        if m.surrogate is not None:  # d y/dt = drift + c xi; the drift alone under "drift"
            xi = {x: sp.sympify(c) * loc["xi"] for x, c in m.surrogate.coupling.items()}
            for x, f in zip(m.state, m.rhs):
                assert same(doc["drift"]["d%s/dt" % x], f), (m.name, x)
        for x, f in zip(m.state, m.rhs):
            assert same(doc["equations"]["d%s/dt" % x], f + xi.get(str(x), 0)), (m.name, x)
        # every expression of the document parses with the declared symbols only (no undefined name)
        for text in _json_expressions(doc):
            assert sp.sympify(text, locals=loc).free_symbols <= set(loc.values()), (m.name, text)
        for k, e in m.observables.items():
            assert same(doc["observables"][k]["expression"], e)
        for x, b in m.noise.items():
            if m.wiener:
                for w, bw in zip(m.wiener, b):
                    if sp.sympify(bw) != 0:
                        assert same(doc["noise"]["coefficients"][x][w], bw)
            else:
                assert same(doc["noise"]["coefficients"][x], b)
        if m.surrogate is not None:
            sn = m.surrogate
            assert same(doc["shot_noise"]["drive"], sn.drive) and same(doc["shot_noise"]["frequency"], sn.frequency)
            assert all(same(doc["shot_noise"]["xi_coupling"][x], c) for x, c in sn.coupling.items())


def test_json_without_the_symbols_misreads_I_and_N():
    """Why the symbols block is there: plain sympify reads I as the imaginary unit and N as a function."""
    import sympy as sp
    doc = json.loads(export(get_model("stochastic-mpr"), "json"))
    assert sp.I in sp.sympify(doc["equations"]["dv/dt"]).atoms()
    with pytest.raises((TypeError, AttributeError, sp.SympifyError)):
        float(sp.sympify(doc["noise"]["coefficients"]["v"]).subs({sp.Symbol("J"): 1.0, sp.Symbol("r"): 1.0}))
    loc = {k: sp.Symbol(k, **d["assumptions"]) for k, d in doc["symbols"].items()}
    b = sp.sympify(doc["noise"]["coefficients"]["v"], locals=loc)
    assert float(b.subs({loc["J"]: 2.0, loc["r"]: 0.25, loc["N"]: 4.0})) == 0.5


def test_latex_is_in_the_tau_form_and_defines_xi():
    tex = export(get_model("mpr"), "latex")
    assert r"\tau \frac{d r}{d t} &= \frac{\Delta}{\pi \tau} + 2 r v" in tex
    assert r"\tau \frac{d v}{d t} &= I + J r \tau + \bar{\eta} - \pi^{2} r^{2} \tau^{2} + v^{2}" in tex
    assert r"\xi" not in tex
    sto = export(get_model("stochastic-mpr"), "latex")
    assert r"\frac{J \tau \sqrt{r}}{\sqrt{N}}\,\xi_{v}(t)" in sto.replace(r"J \sqrt{r} \tau", r"J \tau \sqrt{r}")
    assert r"unit-intensity Gaussian white noise, $\langle \xi_{v}(t)\,\xi_{v}(t')\rangle = \delta(t - t')$" in sto
    assert "It\\^o" in sto
    sur = export(get_model("surrogate-mpr"), "latex")
    assert r"J \tau\,\xi(t)" in sur and "surrogate oscillators" in sur and r"\max\left(" in sur
    doc = export(get_model("mpr"), "latex", standalone=True)
    assert doc.startswith("\\documentclass{article}\n\\usepackage{amsmath}\n") and doc.endswith("\\end{document}\n")
    with pytest.raises(ValueError, match="latex"):
        export(get_model("mpr"), "c", standalone=True)


def test_c_has_no_posix_macros_and_octave_is_a_script_file():
    for m in _every_model():
        c = export(m, "c")
        assert "#ifndef M_PI" in c and "#define M_PI 3.14159265358979323846" in c
        assert not any(x in c for x in ("M_SQRT", "M_1_PI", "M_2_PI", "M_PI_2", "M_PI_4", "M_2_SQRTPI"))
        if m.surrogate is None:
            assert export(m, "octave").startswith("1;")


def _steady(m):
    """``m`` at the stable fixed point of its defaults, as the CLI exports it (circuits: the MIXED circuit)."""
    from shotnoise.numerics.circuit.model import Circuit
    from shotnoise.numerics.export_state import at_steady_state
    from tests.unit.test_circuit_export import MIXED
    return at_steady_state(export_model=m, model=Circuit.from_dict(MIXED) if "circuit" in m.name else None)


def test_xpp_stores_the_whole_run_and_says_what_its_initial_data_are():
    import re
    from shotnoise.theory.export import XPP_DT, XPP_TOTAL
    for raw in _every_model():
        if raw.surrogate is not None:
            continue
        for m in (raw, _steady(raw)):
            text = export(m, "xpp")
            opts = dict(re.findall(r"(\w+)=([^,\s]+)", " ".join(l for l in text.splitlines() if l.startswith("@"))))
            assert int(opts["maxstor"]) >= XPP_TOTAL / XPP_DT + 1
            assert {"dsmin", "dsmax", "ds", "parmin", "parmax", "autoxmin", "autoxmax", "autoymin", "autoymax"} <= set(
                opts)
            lines = text.splitlines()
            note = lines[lines.index(next(l for l in lines if l.startswith("init"))) - 1]
            assert note == "# initial data: %s" % m.initial_note
        # theory alone gives a plain start and says so; the spine's steady state says which fixed point it is
        assert raw.initial_note.startswith("NOT a steady state") and "0.1" in raw.initial_note
        assert _steady(raw).initial_note.startswith("steady state")


def test_initial_note_is_format_neutral_and_printed_in_every_format():
    """One line, no tool named in it (it is copied into PyRates, TVB, jitcsde and Octave headers too), and printed
    beside the initial state of every format that has one."""
    from shotnoise.theory.export_targets import to_jitcsde, to_pyrates, to_tvb
    from shotnoise.theory.shot_noise_export import FORMATS as SURROGATE_FORMATS
    for raw in _every_model():
        for m in (raw, _steady(raw)):
            note = m.initial_note
            assert "\n" not in note and len(note) < 250 and not any(w in note for w in ("AUTO", "XPP", "TVB"))
            fmts = SURROGATE_FORMATS if m.surrogate is not None else FORMATS
            for fmt in set(fmts) & {"python", "octave", "xpp", "json"}:
                assert note in export(m, fmt), (m.name, fmt)
    for name, exporter in (("mpr", to_pyrates), ("stochastic-mpr", to_tvb), ("stochastic-mpr", to_jitcsde)):
        m = _steady(get_model(name))
        assert m.initial_note in exporter(m)


def test_export_initial_state_is_the_spine_fixed_point():
    """Parity: the exported initial state is the stable point of Model.fixed_points() (the lowest one of the
    bistable defaults), written in the export's variables: the observables (r, v) of the exported Python give
    the fixed point's r0, v0, and the exported drift vanishes there (both to rounding, 1e-12)."""
    from shotnoise.numerics import Model
    from shotnoise.numerics.export_state import at_steady_state
    for name in ("mpr", "stochastic-mpr", "surrogate-mpr", "multipole-2", "multipole-3", "multipole-4",
                 "stochastic-multipole-3"):
        raw = get_model(name)
        m = at_steady_state(export_model=raw)
        family = {} if "multipole" not in name else dict(heterogeneity="multipole", poles=_order_of(name))
        pts = Model(**{k: raw.defaults[k] for k in PARAM_ORDER}, **family).fixed_points()
        assert [q.stable for q in pts] == [True, False, True]  # bistable defaults: the low point is chosen
        low = pts[0]
        assert "lowest rate" in m.initial_note and "stable-node" in m.initial_note
        y = np.array([m.initial[str(x)] for x in m.state])
        params = {k: float(v) for k, v in m.defaults.items()}
        if m.surrogate is None:
            ns = _load_python(m)
            assert np.max(np.abs(ns["rhs"](0.0, y, params))) < 1e-12
            obs = ns["observables"](0.0, y, params) if m.observables else dict(zip(("r", "v"), y))
            rv = (obs["r"], obs["v"])
        else:
            rv = y
        # pi tau r = Re sum_k c_k w_k cancels between O(1) modes (r0 ~ 1e-5 for n = 3): its rounding is absolute,
        # ~1e-16 of the modes (1e-14 allows 100 ulps), not relative to r0
        assert rv[0] == pytest.approx(low.r, rel=1e-12, abs=1e-14) and rv[1] == pytest.approx(low.v, rel=1e-12)
        if low.modes is not None:  # the modes themselves: w_k = pi tau r_k + i v_k
            w = np.pi * params["tau"] * y[0::2] + 1j * y[1::2]
            assert np.allclose(w, low.modes, rtol=1e-12, atol=0)


def test_circuit_export_initial_state_is_the_circuit_fixed_point():
    from shotnoise.numerics.circuit.model import Circuit
    from shotnoise.numerics.export_state import at_steady_state
    from shotnoise.theory.models import circuit_export_model
    from tests.unit.test_circuit_export import MIXED
    circuit = Circuit.from_dict(MIXED)
    (op,) = circuit.fixed_points()
    assert op.stable
    m = at_steady_state(export_model=circuit_export_model(MIXED), model=circuit)
    ns = _load_python(m)
    y = np.array([m.initial[str(x)] for x in m.state])
    params = {k: float(v) for k, v in m.defaults.items()}
    assert np.max(np.abs(ns["rhs"](0.0, y, params))) < 1e-12
    assert m.initial["r_E"] == pytest.approx(op.r[0], rel=1e-12) and m.initial["v_E"] == pytest.approx(op.v[0], rel=1e-12)
    assert m.initial["s_E"] == pytest.approx(op.r[0], rel=1e-12)
    obs = ns["observables"](0.0, y, params)  # the two-pole population's r_I, v_I
    assert obs["r_I"] == pytest.approx(op.r[1], rel=1e-12) and obs["v_I"] == pytest.approx(op.v[1], rel=1e-12)


def test_derive_xpp_starts_at_the_low_fixed_point(capsys):
    import re
    from shotnoise.numerics import Model
    from shotnoise.theory.models import MPR_DEFAULTS
    from shotnoise.validation.cli import main
    assert main(["derive", "--format", "xpp"]) == 0
    init = dict(re.findall(r"(\w+)=([^,\s]+)", next(l for l in capsys.readouterr().out.splitlines()
                                                     if l.startswith("init "))))
    low = Model(**MPR_DEFAULTS).fixed_points()[0]
    assert low.stable and float(init["r"]) == low.r and float(init["v"]) == low.v  # printed with repr: exact
    assert main(["derive", "--model", "multipole-2", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["initial_state_note"].startswith("steady state") and doc["initial_state"]["r1"] != 0.1


def test_no_stable_fixed_point_keeps_the_start_and_says_so():
    """ING past its Hopf point (one inhibitory population, slow synapse): its only fixed point is an unstable focus,
    so the export keeps the plain start and says that it is not a steady state."""
    from shotnoise.numerics.circuit.model import Circuit
    from shotnoise.numerics.export_state import at_steady_state, spine_model
    from shotnoise.theory.errors import ParameterError
    from shotnoise.theory.models import circuit_export_model
    ing = {"populations": {"I": {"eta_bar": 1.0, "Delta": 0.05, "tau_s": 1.0, "N": 1000}},
           "coupling": {"I": {"I": -10.0}}}
    raw = circuit_export_model(ing)
    m = at_steady_state(export_model=raw, model=Circuit.from_dict(ing))
    assert m.initial == raw.initial == {"r_I": 0.1, "v_I": -2.0, "s_I": 0.1}
    assert m.initial_note.startswith("NOT a steady state") and "unstable-focus" in m.initial_note
    # no fixed point resolved at all (a quiescent four-pole population): the start is kept, the reason given
    import dataclasses
    mp4 = get_model("multipole-4")
    quiet = dataclasses.replace(mp4, defaults=dict(mp4.defaults, eta_bar=-1000.0, J=0.0))
    m = at_steady_state(export_model=quiet)
    assert m.initial == mp4.initial and m.initial_note.startswith("NOT a steady state") and "quiescent" in m.initial_note
    # a model that is not the export's: refused, naming the parameter
    with pytest.raises(ParameterError, match="I.eta_bar"):
        at_steady_state(export_model=raw, model=Circuit.from_dict(dict(ing, populations={"I": dict(
            ing["populations"]["I"], eta_bar=2.0)})))
    with pytest.raises(ParameterError, match="J = 3.0"):
        from shotnoise.numerics import Model
        at_steady_state(export_model=get_model("mpr"), model=Model(eta_bar=-5.0, Delta=1.0, J=3.0))
    with pytest.raises(ParameterError, match="Circuit"):
        spine_model(export_model=raw)


def test_surrogate_model_formats_and_cli(capsys):
    from shotnoise.theory.errors import ParameterError
    from shotnoise.theory.shot_noise_export import FORMATS as SURROGATE_FORMATS
    from shotnoise.validation.cli import main
    m = get_model("surrogate-mpr")
    for fmt in FORMATS:
        if fmt in SURROGATE_FORMATS:
            assert export(m, fmt).endswith("\n")
        else:
            with pytest.raises(ParameterError, match="surrogate-mpr"):
                export(m, fmt)
    assert main(["derive", "--model", "surrogate-mpr", "--format", "python"]) == 0
    assert "def simulate(" in capsys.readouterr().out
    assert main(["derive", "--model", "surrogate-mpr", "--format", "fortran"]) == 2
    assert main(["derive", "--format", "latex", "--standalone"]) == 0
    assert capsys.readouterr().out.startswith("\\documentclass")
    assert main(["derive", "--format", "json", "--standalone"]) == 2


# ----------------------------------------------------------------------------- AUTO-07p script (issue 13)
#: AUTO's console rewrites a script line whose first word is one of these (or starts with ! or @) into a shell call
_AUTO_SHORTHANDS = ("ls", "cd", "cat", "clear", "less", "mkdir", "rmdir", "rm", "cp", "mv", "shell")


def test_auto_script_is_plain_python_that_auto_reads_unchanged():
    """The AUTO export is valid Python, no line is one AUTO's console would rewrite (its processShorthand: the
    Fortran source is quoted), and it writes FUNC/STPNT/BCND/ICND/FOPT/PVLS around the Fortran export."""
    from shotnoise.numerics.export_state import at_steady_state
    from shotnoise.theory.export import to_fortran
    m = at_steady_state(export_model=get_model("mpr"))
    text = export(m, "auto")
    compile(text, "mpr.auto", "exec")
    for line in text.splitlines():
        words = line.split()
        if words:
            assert not words[0].startswith(("!", "@")), line
            assert words[0] not in _AUTO_SHORTHANDS or (len(words) > 1 and words[1].startswith("(")), line
    env = {}
    exec(text.split("with open(")[0], env)  # the settings and the Fortran source, without running AUTO
    fortran = "\n".join(env["FORTRAN"])
    for routine in ("FUNC", "STPNT", "BCND", "ICND", "FOPT", "PVLS"):
        assert "SUBROUTINE %s" % routine in fortran and "END SUBROUTINE %s" % routine in fortran
    assert to_fortran(m) in fortran + "\n" and "CALL mpr_rhs(0.0d0, U(1:2), P, F(1:2))" in fortran
    assert env["PARAMETER"] == "eta_bar" and env["PARNAMES"] == {1: "eta_bar", 2: "Delta", 3: "J", 4: "I", 5: "tau"}
    assert env["UNAMES"] == {1: "r", 2: "v"} and env["INITIAL"] == m.initial and env["DEFAULTS"] == m.defaults
    assert env["WINDOW"][0] < m.defaults["eta_bar"] < env["WINDOW"][1]


def test_auto_script_parameters_skip_auto_period_and_store_observables():
    """A circuit with more than 10 parameters: PAR(11) (AUTO's period) is skipped; a multi-pole population's
    rate and voltage are PVLS outputs after the parameters."""
    from shotnoise.theory.export_targets import auto_par_index
    from shotnoise.theory.models import circuit_export_model
    from tests.unit.test_circuit_export import MIXED
    m = circuit_export_model(MIXED)
    env = {}
    exec(export(m, "auto").split("with open(")[0], env)
    params = [str(q) for q in m.parameters]
    assert len(params) > 10 and 11 not in env["PARNAMES"]
    assert [env["PARNAMES"][auto_par_index(i)] for i in range(len(params))] == params
    assert [env["PARNAMES"][i] for i in env["OUTPUTS"]] == list(m.observables)
    assert env["PARAMETER"] == next(p for p in params if p.startswith("eta_bar_"))


def test_auto_refuses_noise_surrogate_and_bad_settings():
    from shotnoise.theory.errors import ParameterError
    from shotnoise.theory.export_targets import to_auto
    for name in ("stochastic-mpr", "stochastic-multipole-2", "surrogate-mpr"):
        with pytest.raises(ParameterError, match=name):
            export(get_model(name), "auto")
    with pytest.raises(ParameterError, match="parameter must be one of"):
        to_auto(get_model("mpr"), parameter="N")
    with pytest.raises(ParameterError, match="window must contain the default eta_bar"):
        to_auto(get_model("mpr"), window=(0.0, 1.0))


def test_derive_auto_is_the_steady_state_export(capsys):
    from shotnoise.numerics.export_state import at_steady_state
    from shotnoise.validation.cli import main
    assert main(["derive", "--model", "mpr", "--format", "auto"]) == 0
    assert capsys.readouterr().out == export(at_steady_state(export_model=get_model("mpr")), "auto")


def test_refusals_suggest_only_formats_that_accept_the_model(capsys):
    """Every refusal names the formats that do export the model, and each of them does (none refuses)."""
    import re

    from shotnoise.theory.errors import ParameterError
    from shotnoise.theory.export import ALL_FORMATS, accepting_formats
    from shotnoise.validation.cli import main
    refused = 0
    for m in _every_model():
        if m.surrogate is not None:
            continue  # refused before any exporter runs, naming the surrogate formats (test above)
        ok = accepting_formats(m)
        for fmt in ALL_FORMATS:
            if fmt in ok:
                continue
            with pytest.raises(ParameterError) as info:
                export(m, fmt)
            message = str(info.value)
            suggested = re.search(r"formats that accept '[^']+': (.*)$", message).group(1).split(", ")
            assert suggested == list(ok), (m.name, fmt, message)
            assert "tvb or jitcsde" not in message
            refused += 1
        for fmt in ok:
            export(m, fmt)
    assert refused >= 8
    assert main(["derive", "--model", "stochastic-multipole-2", "--format", "pyrates"]) == 2
    err = capsys.readouterr().err
    assert "tvb" not in err and "jitcsde" not in err and "fortran" in err


def test_octave_noise_matrix_is_named_B_throughout():
    """The stochastic circuit's Octave comments call the noise matrix B (not b) everywhere."""
    import re

    from shotnoise.theory.models import circuit_export_model
    from tests.unit.test_circuit_export import MIXED
    text = export(circuit_export_model(MIXED, stochastic=True), "octave")
    comments = "\n".join(line for line in text.splitlines() if line.lstrip().startswith("%"))
    assert "B = stochastic_circuit_noise(t, y, p)" in comments
    assert not re.search(r"\bb\b", comments), comments
