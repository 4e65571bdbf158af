"""The bifurcation diagram against AUTO-07p run on the exported Fortran model (issue 13).

AUTO-07p continues the equilibria of the exported ``mpr_rhs`` (shotnoise.theory.export, Fortran) in eta_bar at
Delta = 1, J = 15 from the package's fixed point at eta_bar = -10 to eta_bar = 0, detecting the limit points (LP)
and stopping at user points (UZ) at the integers.  AUTO's Newton tolerances are EPSL = EPSU = 1e-12 and its LP
location tolerance EPSS = 1e-10; its output files carry 11 significant digits (rounding <= 5e-11 relative).
So both the LP parameter values (against the closed-form saddle-nodes) and the rates at the UZ points (against the
branches of ``numerics.bifurcation``) must agree to 1e-8, the issue's tolerance, with a margin of ~100 over AUTO's
own accuracy; AUTO's stability (the sign of the point number) must agree with the diagram's labels.
"""
import subprocess

import numpy as np
import pytest

from shotnoise.numerics import Model
from shotnoise.numerics.bifurcation import bifurcation_diagram
from tests.tools import require_tool

#: the issue's parameters and its AUTO-07p limit points (11 digits)
DELTA, J = 1.0, 15.0
ISSUE_LP = (-5.7435271617, -3.1361340862)
TOL = 1e-8

DRIVER = """\
! AUTO-07p equations: equilibria of the exported MPR model (mpr_rhs below); PAR(1..5) = eta_bar, Delta, J, I, tau
SUBROUTINE FUNC(NDIM, U, ICP, PAR, IJAC, F, DFDU, DFDP)
  IMPLICIT NONE
  INTEGER, INTENT(IN) :: NDIM, ICP(*), IJAC
  DOUBLE PRECISION, INTENT(IN) :: U(NDIM), PAR(*)
  DOUBLE PRECISION, INTENT(OUT) :: F(NDIM)
  DOUBLE PRECISION, INTENT(INOUT) :: DFDU(NDIM, NDIM), DFDP(NDIM, *)
  CALL mpr_rhs(0.0d0, U(1:2), PAR(1:5), F(1:2))
END SUBROUTINE FUNC

SUBROUTINE STPNT(NDIM, U, PAR, T)
  IMPLICIT NONE
  INTEGER, INTENT(IN) :: NDIM
  DOUBLE PRECISION, INTENT(INOUT) :: U(NDIM), PAR(*)
  DOUBLE PRECISION, INTENT(IN) :: T
  PAR(1) = {eta_bar}
  PAR(2) = {Delta}
  PAR(3) = {J}
  PAR(4) = {I}
  PAR(5) = {tau}
  U(1) = {r}
  U(2) = {v}
END SUBROUTINE STPNT

SUBROUTINE BCND
END SUBROUTINE BCND

SUBROUTINE ICND
END SUBROUTINE ICND

SUBROUTINE FOPT
END SUBROUTINE FOPT

SUBROUTINE PVLS
END SUBROUTINE PVLS

"""

CONSTANTS = """\
e = 'mpr'
unames = {1: 'r', 2: 'v'}
parnames = {1: 'eta_bar', 2: 'Delta', 3: 'J', 4: 'I', 5: 'tau'}
NDIM = 2, IPS = 1, IRS = 0, ILP = 1
ICP = [1]
NTST = 20, NCOL = 4, IAD = 3, ISP = 1, ISW = 1, IPLT = 0, NBC = 0, NINT = 0
NMX = 5000, NPR = 10000, MXBF = 0, IID = 2, ITMX = 8, ITNW = 20, NWTN = 3, JAC = 0
EPSL = 1e-12, EPSU = 1e-12, EPSS = 1e-10
DS = 0.01, DSMIN = 1e-8, DSMAX = 0.05, IADS = 1
UZR = {1: [-9, -8, -7, -6, -5, -4, -3, -2, -1]}
UZSTOP = {1: [-10.5, 0.0]}
"""


def _d(x: float) -> str:
    """A double-precision Fortran literal that round-trips x."""
    return ("%.17e" % x).replace("e", "d")


def _run_auto(tmp_path):
    import dataclasses

    from shotnoise.numerics.export_state import at_steady_state
    from shotnoise.theory.export import export
    from shotnoise.theory.models import get_model

    require_tool("gfortran")
    auto = require_tool("auto-07p")
    m = Model(eta_bar=-10.0, Delta=DELTA, J=J)
    # the exported model at these parameters, started as the CLI exports it: at the package's fixed point (unique
    # here), so AUTO starts on the low branch
    raw = get_model("mpr")
    exported = at_steady_state(export_model=dataclasses.replace(raw, defaults=dict(
        raw.defaults, eta_bar=m.eta_bar, Delta=m.Delta, J=m.J, I=m.I, tau=m.tau)))
    (start,) = m.fixed_points()
    assert exported.initial == {"r": start.r, "v": start.v} and start.stable
    (tmp_path / "mpr.f90").write_text(DRIVER.format(eta_bar=_d(m.eta_bar), Delta=_d(m.Delta), J=_d(m.J), I=_d(m.I),
                                                    tau=_d(m.tau), r=_d(exported.initial["r"]),
                                                    v=_d(exported.initial["v"]))
                                      + export(exported, "fortran"))
    (tmp_path / "c.mpr").write_text(CONSTANTS)
    (tmp_path / "run.auto").write_text("r = run(e='mpr', c='mpr')\nsave(r, 'mpr')\n")
    proc = subprocess.run([auto, "run.auto"], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    b = tmp_path / "b.mpr"
    assert proc.returncode == 0 and b.exists(), "AUTO-07p failed:\n%s\n%s" % (proc.stdout[-3000:], proc.stderr[-3000:])
    rows = []  # (point number, type, eta_bar, r, v): BR PT TY LAB PAR(1) L2-NORM U(1) U(2)
    for line in b.read_text().splitlines():
        f = line.split()
        if len(f) == 8 and f[0] != "0":
            rows.append((int(f[1]), int(f[2]), float(f[4]), float(f[6]), float(f[7])))
    assert rows, "no branch in b.mpr:\n%s" % proc.stdout[-3000:]
    return rows


@pytest.fixture(scope="module")
def auto_rows(tmp_path_factory):
    return _run_auto(tmp_path_factory.mktemp("auto"))


@pytest.fixture(scope="module")
def diagram():
    return bifurcation_diagram(Model(eta_bar=-10.0, Delta=DELTA, J=J), vary="eta_bar", start=-10.0, stop=0.0,
                               points=11)


def test_limit_points_equal_the_closed_form_saddle_nodes(auto_rows, diagram):
    lp = sorted((eta, r) for _, ty, eta, r, _ in auto_rows if ty == 2)  # TY 2: limit point
    sn = sorted((s.value, s.r) for s in diagram.saddle_nodes)
    assert len(lp) == len(sn) == 2
    for (eta_a, r_a), (eta_p, r_p), issue in zip(lp, sn, ISSUE_LP):
        assert abs(eta_a - eta_p) <= TOL
        assert abs(r_a - r_p) <= TOL * r_p
        assert abs(eta_a - issue) <= 1e-10  # the issue's AUTO values, to their 11 digits


def test_branches_equal_auto_at_the_user_points(auto_rows, diagram):
    """Every UZ point (eta_bar an integer, on each branch that passes there) is a point of the diagram, and
    every diagram point at -9..-1 is met by AUTO: rates to 1e-8, stability from the sign of AUTO's point number."""
    uz = [(pt, eta, r) for pt, ty, eta, r, _ in auto_rows if ty == -4 and abs(eta - round(eta)) < 1e-12
          and -9 <= round(eta) <= -1]
    ours = [(x, r, lab) for b in diagram.branches for x, r, lab in zip(b.values, b.r, b.stability)
            if -9 <= x <= -1 and x == round(x)]
    assert len(uz) == len(ours) == 13  # one branch at -9..-6 and -3..-1, three at -5 and -4
    for pt, eta, r in uz:
        cand = [(abs(r - rp), lab) for x, rp, lab in ours if x == round(eta)]
        err, lab = min(cand)
        assert err <= TOL * r, (eta, r, err)
        assert (pt < 0) == (lab == "stable"), (eta, r, pt, lab)  # AUTO: negative point number = stable


def test_auto_branch_points_are_the_package_fixed_points(auto_rows, diagram):
    """Every point of AUTO's continuation (eta_bar, r) is a fixed point of Model.fixed_points() at that eta_bar
    (to 1e-8 relative: AUTO's 11 printed digits and its Newton tolerance 1e-12).  Points within 1e-4 of a limit
    point are left out: there dr/d eta_bar ~ |eta_bar - eta_LP|^(-1/2) turns the 5e-11 rounding of the printed
    eta_bar into up to ~1e-8 in r."""
    folds = [s.value for s in diagram.saddle_nodes]
    checked = 0
    for _, _, eta, r, _ in auto_rows:
        if min(abs(eta - f) for f in folds) < 1e-4:
            continue
        rs = np.array([q.r for q in Model(eta_bar=eta, Delta=DELTA, J=J).fixed_points()])
        assert np.min(np.abs(rs - r)) <= TOL * r, (eta, r, rs)
        checked += 1
    assert checked >= 300
