"""The bifurcation diagram against AUTO-07p run on the package's AUTO export (issue 13).

``shotnoise derive --model mpr --format auto`` prints one AUTO-07p script (theory.export_targets.to_auto) that
writes the equations file (FUNC calling the exported Fortran ``mpr_rhs``, STPNT at the package's stable fixed
point of the defaults eta_bar = -5, Delta = 1, J = 15) and continues the equilibria in eta_bar in both
directions, detecting the limit points (LP).  The script is run as a user runs it (``auto-07p mpr.auto``); the
same export with user points (UZ) at the integers -9..-1 checks the branches.  AUTO's Newton tolerances are
EPSL = EPSU = 1e-12 and its LP location tolerance EPSS = 1e-10; its output files carry 11 significant digits
(rounding <= 5e-11 relative).  So both the LP parameter values (against the closed-form saddle-nodes) and the
rates at the UZ points (against the branches of ``numerics.bifurcation``) must agree to 1e-8, the issue's
tolerance, with a margin of ~100 over AUTO's own accuracy; AUTO's stability (the sign of the point number) must
agree with the diagram's labels.
"""
import subprocess
import sys

import numpy as np
import pytest

from shotnoise.numerics import Model
from shotnoise.numerics.bifurcation import bifurcation_diagram
from tests.tools import require_tool

#: the issue's parameters and its AUTO-07p limit points (11 digits)
DELTA, J = 1.0, 15.0
ISSUE_LP = (-5.7435271617, -3.1361340862)
TOL = 1e-8

#: the user points of the branch check (AUTO's UZR) and the window (UZSTOP) of that run
USER_POINTS = tuple(float(x) for x in range(-9, 0))
WINDOW = (-10.5, 0.0)


def _run_auto(tmp_path, script: str) -> tuple[list, str]:
    """Run ``auto-07p mpr.auto`` on an exported script in tmp_path: (rows of b.mpr, AUTO's stdout)."""
    require_tool("gfortran")
    auto = require_tool("auto-07p")
    (tmp_path / "mpr.auto").write_text(script)
    proc = subprocess.run([auto, "mpr.auto"], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    b = tmp_path / "b.mpr"
    assert proc.returncode == 0 and b.exists() and "Traceback" not in proc.stdout + proc.stderr, (
        "AUTO-07p failed:\n%s\n%s" % (proc.stdout[-3000:], proc.stderr[-3000:]))
    rows = []  # (point number, type, eta_bar, r, v): BR PT TY LAB PAR(1) L2-NORM U(1) U(2)
    for line in b.read_text().splitlines():
        f = line.split()
        if len(f) == 8 and f[0] != "0":
            rows.append((int(f[1]), int(f[2]), float(f[4]), float(f[6]), float(f[7])))
    assert rows, "no branch in b.mpr:\n%s" % proc.stdout[-3000:]
    return rows, proc.stdout


@pytest.fixture(scope="module")
def cli_run(tmp_path_factory):
    """``shotnoise derive --model mpr --format auto > mpr.auto; auto-07p mpr.auto``: the user's path, with the MPR
    defaults eta_bar = -5, Delta = 1, J = 15 (the issue's parameters) and the continuation in eta_bar."""
    tmp = tmp_path_factory.mktemp("auto_cli")
    require_tool("gfortran")
    require_tool("auto-07p")
    proc = subprocess.run([sys.executable, "-c", "from shotnoise.validation.cli import main; raise SystemExit(main())",
                           "derive", "--model", "mpr", "--format", "auto"], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    return _run_auto(tmp, proc.stdout)


@pytest.fixture(scope="module")
def uz_rows(tmp_path_factory):
    """The same exported script (theory.export_targets.to_auto) with user points at the integers -9..-1 and the
    window (-10.5, 0)."""
    from shotnoise.numerics.export_state import at_steady_state
    from shotnoise.theory.export_targets import to_auto
    from shotnoise.theory.models import get_model

    exported = at_steady_state(export_model=get_model("mpr"))
    assert (exported.defaults["Delta"], exported.defaults["J"]) == (DELTA, J)
    (low, *_) = Model(eta_bar=exported.defaults["eta_bar"], Delta=DELTA, J=J).fixed_points()
    assert exported.initial == {"r": low.r, "v": low.v} and low.stable  # AUTO starts on the stable low branch
    script = to_auto(exported, parameter="eta_bar", window=WINDOW, user_points=USER_POINTS)
    return _run_auto(tmp_path_factory.mktemp("auto_uz"), script)[0]


@pytest.fixture(scope="module")
def diagram():
    return bifurcation_diagram(Model(eta_bar=-10.0, Delta=DELTA, J=J), vary="eta_bar", start=-10.0, stop=0.0,
                               points=11)


def test_limit_points_equal_the_closed_form_saddle_nodes(cli_run, diagram):
    """The script printed by ``shotnoise derive --format auto``, run as it is, finds both limit points in eta_bar
    (printed on stdout and in b.mpr) at the closed-form saddle-nodes."""
    rows, stdout = cli_run
    lp = sorted((eta, r) for _, ty, eta, r, _ in rows if ty == 2)  # TY 2: limit point
    printed = sorted(float(line.split(",")[0].split("=")[1]) for line in stdout.splitlines()
                     if line.startswith("LP eta_bar = "))
    assert printed == [eta for eta, _ in lp]
    sn = sorted((s.value, s.r) for s in diagram.saddle_nodes)
    assert len(lp) == len(sn) == 2
    for (eta_a, r_a), (eta_p, r_p), issue in zip(lp, sn, ISSUE_LP):
        assert abs(eta_a - eta_p) <= TOL
        assert abs(r_a - r_p) <= TOL * r_p
        assert abs(eta_a - issue) <= 1e-10  # the issue's AUTO values, to their 11 digits


def test_branches_equal_auto_at_the_user_points(uz_rows, diagram):
    """Every UZ point (eta_bar an integer, on each branch that passes there) and the start point (EP, the package's
    low stable state at eta_bar = -5, where AUTO stores no UZ) is a point of the diagram, and every diagram point at
    -9..-1 is met by AUTO: rates to 1e-8, stability from the sign of AUTO's point number.  AUTO locates a UZ point
    to its tolerance EPSS = 1e-10 (one lands at -4.0000000001), so points within 1e-9 of an integer are the user
    points; that offset moves r by |dr/d eta_bar| 1e-9 < 1e-10 r, far inside the tolerance."""
    uz = [(pt, eta, r) for pt, ty, eta, r, _ in uz_rows if ty == -4 and abs(eta - round(eta)) < 1e-9
          and -9 <= round(eta) <= -1]
    starts = {(pt, eta, r) for pt, ty, eta, r, _ in uz_rows if ty == 9 and abs(pt) == 1}  # one per direction
    assert len(starts) == 1 and next(iter(starts))[1] == -5.0
    uz += list(starts)
    ours = [(x, r, lab) for b in diagram.branches for x, r, lab in zip(b.values, b.r, b.stability)
            if -9 <= x <= -1 and x == round(x)]
    assert len(uz) == len(ours) == 13  # one branch at -9..-6 and -3..-1, three at -5 and -4
    for pt, eta, r in uz:
        cand = [(abs(r - rp), lab) for x, rp, lab in ours if x == round(eta)]
        err, lab = min(cand)
        assert err <= TOL * r, (eta, r, err)
        assert (pt < 0) == (lab == "stable"), (eta, r, pt, lab)  # AUTO: negative point number = stable


def test_auto_branch_points_are_the_package_fixed_points(cli_run, diagram):
    """Every point of AUTO's continuation (eta_bar, r) is a fixed point of Model.fixed_points() at that eta_bar
    (to 1e-8 relative: AUTO's 11 printed digits and its Newton tolerance 1e-12).  Points within 1e-4 of a limit
    point are left out: there dr/d eta_bar ~ |eta_bar - eta_LP|^(-1/2) turns the 5e-11 rounding of the printed
    eta_bar into up to ~1e-8 in r."""
    folds = [s.value for s in diagram.saddle_nodes]
    checked = 0
    for _, _, eta, r, _ in cli_run[0]:
        if min(abs(eta - f) for f in folds) < 1e-4:
            continue
        rs = np.array([q.r for q in Model(eta_bar=eta, Delta=DELTA, J=J).fixed_points()])
        assert np.min(np.abs(rs - r)) <= TOL * r, (eta, r, rs)
        checked += 1
    assert checked >= 300


def _printed_points(stdout: str, kind: str) -> list[dict]:
    """The ``LP``/``HB`` lines the exported script prints: [{name: value}] (11 significant digits)."""
    out = []
    for line in stdout.splitlines():
        if line.startswith(kind + " "):
            out.append({k.strip(): float(v) for k, v in (item.split("=") for item in line[len(kind):].split(","))})
    return out


def _run_export(tmp_path, script: str, name: str) -> str:
    require_tool("gfortran")
    auto = require_tool("auto-07p")
    (tmp_path / ("%s.auto" % name)).write_text(script)
    proc = subprocess.run([auto, "%s.auto" % name], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0 and (tmp_path / ("b.%s" % name)).exists() and "Traceback" not in proc.stdout, (
        "AUTO-07p failed:\n%s\n%s" % (proc.stdout[-3000:], proc.stderr[-3000:]))
    return proc.stdout


def test_multipole_auto_limit_points_bound_the_bistable_range(tmp_path):
    """``derive --model multipole-2 --format auto`` run in AUTO: two limit points in eta_bar, and the package's
    fixed points (Model(heterogeneity='multipole', poles=2)) number 3 just inside and 1 just outside each.  The
    offset 1e-3 is far above AUTO's location error (EPSS = 1e-10) and above the distance within which the
    package's multi-pole solver loses the two colliding roots of a fold (measured at the upper LP -1.3087: found at
    3e-4 inside, lost at 1e-4 inside, where they are ~1e-3 apart in r)."""
    from shotnoise.numerics.export_state import at_steady_state
    from shotnoise.theory.export import export
    from shotnoise.theory.models import get_model

    m = at_steady_state(export_model=get_model("multipole-2"))
    lps = sorted(p["eta_bar"] for p in _printed_points(_run_export(tmp_path, export(m, "auto"), "multipole_2"), "LP"))
    assert len(lps) == 2

    def count(eta):
        return len(Model(eta_bar=eta, Delta=DELTA, J=J, heterogeneity="multipole", poles=2).fixed_points())

    lo, hi = lps
    assert (count(lo - 1e-3), count(lo + 1e-3), count(hi - 1e-3), count(hi + 1e-3)) == (1, 3, 3, 1)


def test_circuit_auto_hopf_point_is_where_the_package_loses_stability(tmp_path):
    """A circuit export (exponential synapse, two-pole population) run in AUTO: the Hopf point it prints in
    eta_bar_E is where the package's Circuit fixed point changes from stable to unstable focus; there the largest
    real part of the package's eigenvalues vanishes to within its slope (~0.15 per unit of eta_bar_E, measured)
    times the 11 printed digits' rounding (< 1e-9 absolute), bounded here by 1e-8."""
    import copy

    from shotnoise.numerics.circuit.model import Circuit
    from shotnoise.numerics.export_state import at_steady_state
    from shotnoise.theory.export import export
    from shotnoise.theory.models import circuit_export_model
    from tests.integration.test_exports_in_tools import CIRCUIT

    m = at_steady_state(export_model=circuit_export_model(CIRCUIT), model=Circuit.from_dict(CIRCUIT))
    hbs = _printed_points(_run_export(tmp_path, export(m, "auto"), "circuit"), "HB")
    assert len(hbs) == 1

    def point(eta):
        doc = copy.deepcopy(CIRCUIT)
        doc["populations"]["E"]["eta_bar"] = eta
        (fp,) = Circuit.from_dict(doc).fixed_points()
        return fp

    eta = hbs[0]["eta_bar_E"]
    assert point(eta - 1e-6).stability == "stable-focus" and point(eta + 1e-6).stability == "unstable-focus"
    assert abs(max(np.real(point(eta).eigenvalues))) <= 1e-8
