"""Bifurcation diagrams (numerics.bifurcation, ``shotnoise bifurcation``): schema, bad input, stability, folds."""
import json

import numpy as np
import pytest

from shotnoise.numerics import Model
from shotnoise.numerics import bifurcation as bif
from shotnoise.numerics.bifurcation import (PARAMETERS, STABILITY_LABELS, bifurcation_diagram,
                                            closed_form_saddle_nodes)
from shotnoise.numerics.mpr import jacobian, rhs
from shotnoise.theory.errors import ParameterError
from shotnoise.validation import commands_bifurcation as cb

EPS = np.finfo(float).eps
#: the issue's example: Delta = 1, J = 15 has two saddle-nodes in eta_bar (AUTO-07p: -3.1361340862, -5.7435271617)
BASE = Model(eta_bar=-4.0, Delta=1.0, J=15.0)


@pytest.fixture(scope="module")
def diagram():
    return bifurcation_diagram(BASE, vary="eta_bar", start=-10.0, stop=0.0, points=41)


def run_cli(capsys, *argv):
    """``cmd_bifurcation`` through its own parser (as ``shotnoise bifurcation``)."""
    from shotnoise.validation.cli import _Parser
    ap = _Parser(prog="shotnoise")
    cb.add_bifurcation_parser(ap.add_subparsers(dest="command", required=True))
    a = ap.parse_args(["bifurcation", *argv])
    code = a.func(a)
    out, err = capsys.readouterr()
    return code, out, err


# ----------------------------------------------------------------------------- schema
def test_json_schema_as_in_the_issue(diagram):
    """{"parameter", "branches": [{"values", "r", "v", "stability"}], "saddle_nodes": [{"value", "r"}]}."""
    doc = json.loads(json.dumps(diagram.to_dict(), allow_nan=False))
    assert {"parameter", "branches", "saddle_nodes"} <= set(doc)
    assert doc["parameter"] == "eta_bar"
    assert len(doc["branches"]) == 3 and len(doc["saddle_nodes"]) == 2
    for b in doc["branches"]:
        assert set(b) == {"values", "r", "v", "stability"}
        n = len(b["values"])
        assert n >= 2 and len(b["r"]) == len(b["v"]) == len(b["stability"]) == n
        assert all(isinstance(x, float) for k in ("values", "r", "v") for x in b[k])
        assert b["values"] == sorted(b["values"]) and all(r > 0 for r in b["r"])
        assert set(b["stability"]) <= set(STABILITY_LABELS)
        assert all(-10.0 <= x <= 0.0 for x in b["values"])
    for s in doc["saddle_nodes"]:
        assert set(s) == {"value", "r"} and all(isinstance(s[k], float) for k in s)
    assert doc["saddle_node_method"].startswith("closed form")


def test_cli_json_equals_the_library(capsys, diagram):
    code, out, _ = run_cli(capsys, "--vary", "eta_bar", "--from", "-10", "--to", "0", "--points", "41",
                           "--delta", "1", "--J", "15", "--json")
    assert code == 0
    assert json.loads(out) == json.loads(json.dumps(diagram.to_dict()))


def test_cli_table_and_plot(capsys, tmp_path):
    png = tmp_path / "b.png"
    code, out, _ = run_cli(capsys, "--vary", "J", "--from", "5", "--to", "30", "--points", "11",
                           "--eta-bar", "-4", "--delta", "1", "--plot", str(png))
    assert code == 0 and png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "saddle-nodes: closed form" in out and "J = 12.4644763201" in out


def test_cli_vary_matches_the_library():
    assert tuple(cb.VARY) == PARAMETERS and cb.MAX_POINTS == bif.MAX_POINTS


# ----------------------------------------------------------------------------- bad input
@pytest.mark.parametrize("kw, words", [
    (dict(start=1.0, stop=1.0), "start and stop must differ"),
    (dict(start=float("nan"), stop=1.0), "start must be finite"),
    (dict(start=0.0, stop=float("inf")), "stop must be finite"),
    (dict(points=1), "points must be an integer >= 2"),
    (dict(points=bif.MAX_POINTS + 1), "points must be an integer in 2..%d" % bif.MAX_POINTS),
    (dict(points=10.5), "points must be an integer"),
    (dict(vary="N"), "N does not change the fixed points"),
    (dict(vary="kappa"), "vary must be one of eta_bar, J, Delta, I, tau"),
    (dict(vary="Delta", start=-1.0, stop=1.0), "start = -1.0 is not a valid Delta: Delta must be > 0"),
    (dict(vary="tau", start=1.0, stop=0.0), "stop = 0.0 is not a valid tau: tau must be > 0"),
])
def test_bad_ranges_are_parameter_errors(kw, words):
    args = dict(vary="eta_bar", start=-10.0, stop=0.0, points=11)
    args.update(kw)
    with pytest.raises(ParameterError, match=words.replace("(", r"\(").replace(".", r"\.")):
        bifurcation_diagram(BASE, **args)


@pytest.mark.parametrize("argv, words", [
    (["--vary", "eta_bar", "--from", "1", "--to", "1"], "--from and --to must differ"),
    (["--vary", "eta_bar", "--from", "0", "--to", "1", "--points", "1"], "--points must be an integer >= 2"),
    (["--vary", "N", "--from", "10", "--to", "100"], "--vary N: N does not change the fixed points"),
    (["--vary", "Delta", "--from", "-1", "--to", "1"], "--from = -1.0 is not a valid Delta"),
])
def test_cli_errors_name_the_option(capsys, argv, words):
    with pytest.raises(ParameterError) as e:
        run_cli(capsys, *argv, "--eta-bar", "-4", "--delta", "1", "--J", "15")
    assert str(e.value).startswith(words)


# ----------------------------------------------------------------------------- stability and branches
def test_stability_agrees_with_the_eigenvalues(diagram):
    """Each label against the eigenvalues of the Jacobian at (r, v), computed here (numerics.mpr.jacobian)."""
    checked = 0
    for b in diagram.branches:
        for x, r, v, lab in zip(b.values, b.r, b.v, b.stability):
            if lab == "saddle-node":
                continue
            lam = np.linalg.eigvals(jacobian(r, v, BASE.replace(eta_bar=x).parameters))
            if lab == "stable":
                assert lam.real.max() < 0
            elif lab == "saddle":
                assert np.all(lam.imag == 0) and lam.real.min() < 0 < lam.real.max()
            else:
                pytest.fail("unexpected label %r at eta_bar=%g" % (lab, x))
            checked += 1
    assert checked >= 41


def test_branch_points_are_fixed_points(diagram):
    """|dr/dt|, |dv/dt| at every point (folds included) at rounding level of the terms (pi r)^2, eta_bar, J r."""
    for b in diagram.branches:
        for x, r, v in zip(b.values, b.r, b.v):
            scale = max(abs(x), (np.pi * r) ** 2, 15 * r, v * v, 1.0)
            assert np.max(np.abs(rhs(r, v, BASE.replace(eta_bar=x).parameters))) < 64 * EPS * scale


def test_each_fold_joins_two_branches(diagram):
    """Low (stable) to fold 2, middle (saddle) between the folds, high (stable) from fold 1: the fold points are
    the ends of exactly two branches, with the same (value, r)."""
    sn = {(s.value, s.r) for s in diagram.saddle_nodes}
    ends = [(b.values[k], b.r[k]) for b in diagram.branches for k in (0, -1) if b.stability[k] == "saddle-node"]
    assert sorted(ends) == sorted(list(sn) * 2)
    low, mid, high = sorted(diagram.branches, key=lambda b: b.r[len(b.r) // 2])
    assert low.values[0] == -10.0 and high.values[-1] == 0.0
    assert set(low.stability[:-1]) == {"stable"} and set(mid.stability[1:-1]) == {"saddle"}
    assert set(high.stability[1:]) == {"stable"}


def test_descending_range_gives_the_same_diagram(diagram):
    d2 = bifurcation_diagram(BASE, vary="eta_bar", start=0.0, stop=-10.0, points=41)
    assert [b.to_dict() for b in d2.branches] == [b.to_dict() for b in diagram.branches]


# ----------------------------------------------------------------------------- saddle-nodes
@pytest.mark.parametrize("vary, lo, hi, n", [("eta_bar", -10, 0, 2), ("I", -6, 2, 2), ("J", 5, 30, 2),
                                             ("Delta", 0.05, 3, 1), ("tau", 0.5, 2, 0)])
def test_closed_form_folds_are_double_roots(vary, lo, hi, n):
    """At each closed-form fold the model has a double fixed point: rhs = 0 and det(Jacobian) = 0 (to rounding),
    and the number of fixed points changes by two across it (1e-7 of the value on either side)."""
    folds = [s for s in closed_form_saddle_nodes(BASE, vary=vary) if lo <= s.value <= hi]
    assert len(folds) == n
    for s in folds:
        m = BASE.replace(**{vary: s.value})
        p = m.parameters
        scale = max(abs(m.eta_bar + m.I), (np.pi * m.tau * s.r) ** 2, abs(m.J) * m.tau * s.r, 1.0) / m.tau
        assert np.max(np.abs(rhs(s.r, s.v, p))) < 64 * EPS * scale
        jac = jacobian(s.r, s.v, p)
        assert abs(np.linalg.det(jac)) < 64 * EPS * np.abs(jac).max() ** 2
        below = len(BASE.replace(**{vary: s.value * (1 - 1e-7)}).fixed_points())
        above = len(BASE.replace(**{vary: s.value * (1 + 1e-7)}).fixed_points())
        assert abs(below - above) == 2


def test_issue_values():
    """The issue's saddle-nodes (AUTO-07p, 11 digits) at Delta = 1, J = 15."""
    values = [s.value for s in closed_form_saddle_nodes(BASE, vary="eta_bar")]
    assert np.allclose(values, [-5.7435271617, -3.1361340862], rtol=0, atol=1e-10)


@pytest.mark.parametrize("vary, lo, hi", [("eta_bar", -10, 0), ("J", 5, 30), ("Delta", 0.3, 3)])
def test_numerical_folds_of_the_one_pole_family_equal_the_closed_form(vary, lo, hi):
    """The multi-pole family with n = 1 is the Lorentzian: its folds, located numerically (bisection on the number
    of fixed points, then Newton on the double root of the rate equation), equal the closed form.  Newton
    stops at a parameter step < 1e-14 of its scale: the value agrees to ~1e-14 relative; r is limited by the
    rounding of the central difference dF/dr (eps |F| / h_r with h_r = 6e-6 r: ~1e-10 relative)."""
    m1 = BASE.replace(heterogeneity="multipole", poles=1)
    d = bifurcation_diagram(m1, vary=vary, start=lo, stop=hi, points=21)
    exact = [s for s in closed_form_saddle_nodes(BASE, vary=vary) if lo <= s.value <= hi]
    assert d.saddle_node_method.startswith("numerical") and "not refined" not in d.saddle_node_method
    assert len(d.saddle_nodes) == len(exact) >= 1
    for s, e in zip(d.saddle_nodes, exact):
        assert abs(s.value - e.value) <= 1e-12 * max(abs(e.value), 1.0)
        assert abs(s.r - e.r) <= 1e-9 * e.r


def test_multipole_diagram_has_folds_joining_branches():
    d = bifurcation_diagram(BASE.replace(heterogeneity="multipole", poles=3), vary="eta_bar", start=-10.0, stop=0.0,
                            points=21)
    assert len(d.saddle_nodes) == 2 and "not refined" not in d.saddle_node_method
    ends = sorted((b.values[k], b.r[k]) for b in d.branches for k in (0, -1) if b.stability[k] == "saddle-node")
    assert ends == sorted([(s.value, s.r) for s in d.saddle_nodes] * 2)
    for s in d.saddle_nodes:  # the count of fixed points changes by two across each fold
        n = [len(BASE.replace(heterogeneity="multipole", poles=3, eta_bar=s.value + h).fixed_points())
             for h in (-1e-3, 1e-3)]
        assert abs(n[0] - n[1]) == 2


def test_tau_only_rescales_rates():
    """tau r0 does not depend on tau: no fold, and r tau is constant along every branch."""
    d = bifurcation_diagram(BASE, vary="tau", start=0.5, stop=2.0, points=7)
    assert d.saddle_nodes == () and len(d.branches) == 3
    for b in d.branches:
        rt = b.r * b.values
        assert np.max(np.abs(rt - rt[0])) < 16 * EPS * rt[0]


def test_plot_runs_reach_the_folds():
    from shotnoise.validation.bifurcation_plot import _runs
    b = {"stability": ["saddle-node", "saddle", "saddle", "saddle-node"]}
    assert _runs(b) == [["saddle", 0, 3]]
    b = {"stability": ["stable", "stable", "saddle-node"]}
    assert _runs(b) == [["stable", 0, 2]]


def test_cli_varied_parameter_needs_no_model_option(capsys):
    """Without --delta the model takes --from (or --to, if --from is not a valid value) for Delta."""
    with pytest.raises(ParameterError, match=r"^--from = -1\.0 is not a valid Delta: Delta must be > 0"):
        run_cli(capsys, "--vary", "Delta", "--from", "-1", "--to", "-2", "--eta-bar", "-4", "--J", "15")
    code, out, _ = run_cli(capsys, "--vary", "Delta", "--from", "0.5", "--to", "3", "--points", "6",
                           "--eta-bar", "-4", "--J", "15", "--json")
    doc = json.loads(out)
    assert code == 0 and doc["parameter"] == "Delta" and "Delta" not in doc["model"]
    assert [round(s["value"], 10) for s in doc["saddle_nodes"]] == [1.5000978464]


# ----------------------------------------------------------------------------- quiescent state, gaps (issue 13 trial)
UNIFORM = Model(eta_bar=-4.0, Delta=1.0, J=15.0, heterogeneity="uniform")


def test_quiescent_state_of_the_uniform_family():
    """r = 0 is a fixed point iff the top of the support is at or below threshold (eta_bar + Delta + I <= 0);
    v = -int g sqrt(-(eta + I)) d eta = -((b^3/2 - a^3/2)/(3 Delta)) with a = -(eta_bar + Delta + I),
    b = -(eta_bar - Delta + I) (the uniform density integrated by hand here; quadrature rtol 1e-11)."""
    for eta_bar, I in ((-5.0, 0.0), (-3.0, -1.5), (-1.0, 0.0)):
        q = UNIFORM.replace(eta_bar=eta_bar, I=I).quiescent_state()
        a, b = -(eta_bar + 1.0 + I), -(eta_bar - 1.0 + I)
        assert q.r == 0.0 and q.margin == -a
        assert abs(q.v + (b ** 1.5 - a ** 1.5) / 3.0) < 1e-10 * abs(q.v)
        assert q.slowest_rate == -2.0 * np.sqrt(a)
        assert q.stability == ("marginal" if a == 0 else "stable")
    assert UNIFORM.replace(eta_bar=-0.999).quiescent_state() is None  # the top neurons fire
    for fam in ("lorentzian", "gaussian"):  # unbounded support: Phi(0) > 0, no quiescent state
        assert UNIFORM.replace(heterogeneity=fam, eta_bar=-8.0).quiescent_state() is None
    assert UNIFORM.replace(heterogeneity="multipole", poles=2, eta_bar=-8.0).quiescent_state() is None


def test_fixed_points_of_a_quiescent_model_say_so():
    """Model.fixed_points() lists the asynchronous states r > 0; a quiescent model's error names r = 0 and its
    stability (the CLI prints it as one line, exit 2)."""
    with pytest.raises(ParameterError, match=r"^no asynchronous state with r > 0: the population is quiescent, its "
                                             r"only fixed point is r = 0, stable .*-4 <= 0"):
        UNIFORM.replace(eta_bar=-5.0, J=5.0).fixed_points()


def test_uniform_diagram_has_the_stable_quiescent_branch():
    """The trial's diagram (eta_bar from -8 to -1, Delta = 1, J = 15, uniform): besides the saddle and upper
    branches from the fold, the quiescent branch r = 0 over the whole range, stable, marginal at eta_bar = -1
    (top of the support at threshold); JSON as documented."""
    d = bifurcation_diagram(UNIFORM, vary="eta_bar", start=-8.0, stop=-1.0, points=8)
    doc = json.loads(json.dumps(d.to_dict(), allow_nan=False))
    quiet = [b for b in doc["branches"] if b["stability"][0].endswith("(quiescent)")]
    assert len(quiet) == 1 and len(doc["branches"]) == 3 and doc["missing"] == []
    q = quiet[0]
    assert q["values"] == [-8.0, -7.0, -6.0, -5.0, -4.0, -3.0, -2.0, -1.0] and set(q["r"]) == {0.0}
    assert q["stability"] == ["stable (quiescent)"] * 7 + ["marginal (quiescent)"]
    assert q["v"][3] == UNIFORM.replace(eta_bar=-5.0).quiescent_state().v
    assert set(q["stability"]) <= set(STABILITY_LABELS)
    assert len(doc["saddle_nodes"]) == 1


def test_quiescent_branch_ends_where_the_top_neuron_reaches_threshold():
    """eta_bar on the grid -1.6, -1.2, -0.8, -0.4, 0 (-1 is not a grid value): the quiescent branch ends at
    eta_bar = -Delta - I = -1 exactly (brentq on the margin, which is linear in eta_bar), labelled marginal; the
    low state born there meets the saddle in a fold in (-1, 0), found although the count of fixed points with
    r > 0 changes by one only (r = 0 included, it drops by two)."""
    d = bifurcation_diagram(UNIFORM, vary="eta_bar", start=-1.6, stop=0.0, points=5)
    quiet = [b for b in d.branches if b.stability[0].endswith("(quiescent)")]
    assert len(quiet) == 1
    assert quiet[0].values[-1] == -1.0 and quiet[0].stability[-1] == "marginal (quiescent)"
    assert quiet[0].values[0] == -1.6
    assert len(d.saddle_nodes) == 1 and -1.0 < d.saddle_nodes[0].value < 0.0
    ends = [b for b in d.branches if b.stability[-1] == "saddle-node"]
    assert len(ends) == 1 and ends[0].stability[:-1] == ("saddle",) * (len(ends[0].values) - 1)


def test_J_diagram_reports_the_silent_population_below_the_fold():
    """Trial: --vary J --eta-bar -5 (uniform) reported nothing for J < 14.07; the quiescent branch covers [0, 25]."""
    d = bifurcation_diagram(UNIFORM.replace(eta_bar=-5.0), vary="J", start=0.0, stop=25.0, points=6)
    quiet = [b for b in d.branches if b.stability[0].endswith("(quiescent)")]
    assert len(quiet) == 1 and list(quiet[0].values) == [0.0, 5.0, 10.0, 15.0, 20.0, 25.0]
    assert set(quiet[0].stability) == {"stable (quiescent)"}
    assert d.missing == ()


def test_gaussian_tail_rates_are_kept():
    """A Gaussian population at eta_bar = -8 (Delta = 1) fires at r = Phi(0)/(1 - J G(0)) ~ 6e-17: a fixed point,
    not dropped (the root finder's absolute tolerance was 1e-15, which returned r = 0)."""
    m = UNIFORM.replace(heterogeneity="gaussian", eta_bar=-8.0)
    (q,) = m.fixed_points()
    assert 1e-17 < q.r < 1e-16 and q.stability == "stable"
    d = bifurcation_diagram(m, vary="eta_bar", start=-8.0, stop=-7.5, points=3)
    assert d.missing == () and len(d.branches) == 1 and list(d.branches[0].values) == [-8.0, -7.75, -7.5]


def test_values_without_a_fixed_point_are_listed_with_the_reason():
    """A Gaussian rate below double precision (eta_bar = -60: Phi(0) ~ exp(-1800) underflows) is no silent gap:
    the grid values are listed with the model's reason."""
    m = UNIFORM.replace(heterogeneity="gaussian", eta_bar=-60.0)
    d = bifurcation_diagram(m, vary="eta_bar", start=-60.0, stop=-59.0, points=2)
    assert [x.value for x in d.missing] == [-60.0, -59.0] and d.branches == ()
    assert all("below the solver's double-precision resolution" in x.reason for x in d.missing)
    doc = d.to_dict()
    assert doc["missing"][0] == {"value": -60.0, "reason": d.missing[0].reason}
    table = cb.format_bifurcation(doc)
    assert "# no fixed point at 2 grid value(s), eta_bar = -60, -59: no asynchronous state" in table


def test_progress_is_called_once_per_grid_value():
    calls = []
    bifurcation_diagram(BASE, vary="J", start=5.0, stop=30.0, points=7, progress=calls.append)
    assert calls == [1] * 7


def test_cli_quiescent_table_and_plot(capsys, tmp_path):
    png = tmp_path / "u.png"
    code, out, err = run_cli(capsys, "--vary", "eta_bar", "--from", "-8", "--to", "-1", "--points", "8",
                             "--delta", "1", "--J", "15", "--heterogeneity", "uniform", "--plot", str(png))
    assert code == 0 and png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and err == ""  # no bar: not a terminal
    assert "stable (quiescent) -> marginal (quiescent)" in out and "# quiescent: r = 0" in out


# ----------------------------------------------------------------------------- errors name the bad option
CIRCUIT = {"populations": {"E": {"N": 800, "eta_bar": 1.0, "Delta": 0.1, "tau": 1.0, "tau_s": 0.2},
                           "I": {"N": 200, "eta_bar": 0.5, "Delta": 0.1, "tau": 0.5, "tau_s": 0.3}},
           "coupling": {"E": {"E": 2.0, "I": -4.0}, "I": {"E": 3.0, "I": -2.0}}, "input": {"E": 0.0, "I": 0.0}}


@pytest.mark.parametrize("argv, message", [
    (["--vary", "J", "--from", "0", "--to", "10", "--eta-bar", "-5", "--delta", "nan"], "Delta must be finite"),
    (["--vary", "J", "--from", "0", "--to", "10", "--delta", "1"], "missing --eta-bar (or give --model-file)"),
    (["--vary", "eta_bar", "--from", "-8", "--to", "-1", "--J", "15"], "missing --delta (or give --model-file)"),
    (["--vary", "eta_bar", "--from", "nan", "--to", "-1", "--J", "15", "--delta", "1"],
     "--from must be finite, got nan"),
    (["--vary", "J", "--from", "0", "--to", "1e5", "--eta-bar", "-4", "--delta", "1", "--heterogeneity", "uniform"],
     "--to = 100000.0 is not a valid J: J must satisfy |J| <= 10000"),
])
def test_cli_errors_blame_the_right_option(capsys, argv, message):
    with pytest.raises(ParameterError) as e:
        run_cli(capsys, *argv)
    assert str(e.value).startswith(message) and "\n" not in str(e.value)


def test_cli_refuses_a_circuit_file(capsys, tmp_path):
    f = tmp_path / "ei.json"
    f.write_text(json.dumps(CIRCUIT))
    with pytest.raises(ParameterError, match=r"^bifurcation: the model file .*ei\.json describes a circuit .*"
                                             r"for circuits use shotnoise hopf$"):
        run_cli(capsys, "--vary", "eta_bar", "--from", "-8", "--to", "-1", "--model", str(f))


def test_cli_help_does_not_offer_circuits():
    from shotnoise.validation.cli import _Parser
    ap = _Parser(prog="shotnoise")
    cb.add_bifurcation_parser(ap.add_subparsers(dest="command", required=True))
    sub = ap._subparsers._group_actions[0].choices["bifurcation"]
    (action,) = [x for x in sub._actions if x.dest == "model_file"]
    assert action.help == cb.MODEL_HELP and "refused" in action.help and "quiet" in {x.dest for x in sub._actions}


def test_unbounded_support_families_are_the_ones_without_a_quiescent_state():
    """families.UNBOUNDED_SUPPORT (the short cut that keeps fixed-points light) agrees with the densities."""
    import math

    from shotnoise.numerics.families import UNBOUNDED_SUPPORT, density
    from shotnoise.numerics.model import Model
    for het, kw in (("lorentzian", {}), ("multipole", {"poles": 2}), ("gaussian", {}), ("uniform", {})):
        g = density(Model(eta_bar=-5.0, Delta=1.0, J=0.0, heterogeneity=het, **kw))
        assert (not math.isfinite(g.hi)) == (het in UNBOUNDED_SUPPORT), het


def test_quiescent_state_eigenvalue_is_the_theorys_resting_neuron():
    """families.quiescent_state's slowest eigenvalue -2 sqrt(-(eta_max + I))/tau is theory.riccati.resting_state's
    lambda at the top neuron (one source of truth for the formula)."""
    import math

    import sympy as sp

    from shotnoise.numerics.model import Model
    from shotnoise.theory import riccati
    _, lam = riccati.resting_state()
    for eta_bar, Delta, I, tau in ((-5.0, 1.0, 0.0, 1.0), (-2.0, 0.5, -0.3, 1.7)):
        q = Model(eta_bar=eta_bar, Delta=Delta, J=3.0, I=I, tau=tau, heterogeneity="uniform").quiescent_state()
        b = math.sqrt(-(eta_bar + Delta + I))
        want = float(lam.subs({riccati.b_dec: b, sp.Symbol("tau", positive=True): tau}))
        assert q.slowest_rate == pytest.approx(want, rel=1e-14) and q.margin == pytest.approx(-(b * b), rel=1e-14)
