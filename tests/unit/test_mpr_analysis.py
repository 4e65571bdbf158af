"""Fixed points, stability and the saddle-node curve: symbolic and numeric."""
import math

import numpy as np
import pytest
import sympy as sp
from hypothesis import given

from shotnoise.numerics import Model, ParameterError
from shotnoise.numerics.mpr import fixed_points, jacobian, rhs
from shotnoise.numerics.parameters import MPRParameters
from shotnoise.theory import mpr_analysis as ma
from shotnoise.theory.lorentzian_ansatz import mpr_model
from shotnoise.theory.symbols import Delta, J, eta_bar, r, tau, v
from shotnoise.validation.strategies import models


def test_known_bistable_values():
    pts = fixed_points(MPRParameters(-5, 1, 15))
    assert [round(q.r, 4) for q in pts] == [0.0811, 0.4730, 1.0306]
    assert [q.stability for q in pts] == ["stable-node", "saddle", "stable-focus"]


def _residual(p, q):
    """Relative residual of the fixed-point equations (scaled by the largest term)."""
    dr, dv = rhs(q.r, q.v, p)
    scale_r = abs(p.Delta / (math.pi * p.tau**2)) + abs(2 * q.r * q.v / p.tau)
    scale_v = (abs(p.eta_bar) + abs(p.I) + q.v**2) / p.tau + abs(p.J * q.r) + math.pi**2 * q.r**2 * p.tau
    return abs(dr) / scale_r, abs(dv) / scale_v


@given(models())
def test_fixed_points_satisfy_equations_and_stability_matches_eigenvalues(m):
    p = m.parameters
    pts = fixed_points(p)
    assert len(pts) in (1, 2, 3)
    for q in pts:
        assert q.r > 0
        assert q.v == pytest.approx(-p.Delta / (2 * math.pi * p.tau * q.r), rel=1e-14)
        er, ev = _residual(p, q)
        assert er < 1e-12 and ev < 1e-12
        eig = np.linalg.eigvals(jacobian(q.r, q.v, p))
        if q.stability.startswith("stable"):
            assert np.all(eig.real < 0)
        if q.stability == "saddle":
            assert np.sum(eig.real > 0) == 1


@given(models(J_min=-20, J_max=0))
def test_inhibitory_or_uncoupled_has_exactly_one_stable_fixed_point(m):
    pts = m.fixed_points()
    assert len(pts) == 1 and pts[0].stable


def test_operating_point_requires_a_branch_when_ambiguous():
    m = Model(eta_bar=-5, Delta=1, J=15)
    with pytest.raises(ParameterError, match="branch"):
        m.operating_point()
    assert m.operating_point(branch="high").r == pytest.approx(1.0306, abs=1e-4)
    assert [q.branch for q in m.fixed_points()] == ["low", "mid", "high"]
    with pytest.raises(ParameterError, match="branch"):
        Model(eta_bar=1, Delta=1, J=0).operating_point(branch="mid")


def test_symbolic_fixed_points_by_substitution():
    """Quartic roots substituted back into the symbolic RHS give zero (exact arithmetic)."""
    vals = {eta_bar: -5, Delta: 1, J: 15, tau: 1, sp.Symbol("I", real=True): 0}
    quart = ma.fixed_point_quartic().as_expr().subs(vals)
    dr, dv = mpr_model().rhs
    for root in sp.Poly(quart, r).nroots(n=40):
        if sp.im(root) != 0 or sp.re(root) <= 0:
            continue
        v0 = ma.fixed_point_v().subs(vals).subs(r, root)
        assert abs(sp.N(dr.subs(vals).subs({r: root, v: v0}), 40)) < 1e-30
        assert abs(sp.N(dv.subs(vals).subs({r: root, v: v0}), 40)) < 1e-30


def test_jacobian_against_finite_differences():
    p = MPRParameters(-2.0, 0.7, 6.0, 0.3, 1.5)
    r0, v0, h = 0.4, -0.3, 1e-6
    num = np.empty((2, 2))
    for j, (dr, dv) in enumerate([(h, 0), (0, h)]):
        plus = np.array(rhs(r0 + dr, v0 + dv, p))
        minus = np.array(rhs(r0 - dr, v0 - dv, p))
        num[:, j] = (plus - minus) / (2 * h)
    assert np.allclose(jacobian(r0, v0, p), num, rtol=1e-8, atol=1e-8)


def test_eigenvalue_formula():
    lp, lm = ma.eigenvalues()
    Jm = ma.jacobian()
    for lam in (lp, lm):
        assert sp.simplify((Jm - lam * sp.eye(2)).det()) == 0


def test_saddle_node_curve_is_where_fixed_points_collide():
    eta_sn, J_sn = ma.saddle_node_curve()
    for r_val in (0.2, 0.5, 1.3):
        e = float(eta_sn.subs({r: r_val, Delta: 1, tau: 1}))
        j = float(J_sn.subs({r: r_val, Delta: 1, tau: 1}))
        # slightly inside / outside the curve the number of fixed points changes by two
        counts = {len(fixed_points(MPRParameters(e + d, 1, j))) for d in (-1e-3, 1e-3)}
        assert counts == {1, 3}


def test_cusp_point():
    c = ma.cusp_point()
    assert sp.simplify(c["eta_bar"] + sp.sqrt(3) * Delta) == 0
    e, j = float(c["eta_bar"].subs(Delta, 1)), float(c["J"].subs({Delta: 1, tau: 1}))
    assert e == pytest.approx(-math.sqrt(3))
    # beyond the cusp (weaker coupling) there is never bistability
    assert all(len(fixed_points(MPRParameters(x, 1, 0.95 * j))) == 1 for x in np.linspace(-6, 2, 41))
