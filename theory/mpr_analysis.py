"""Fixed points, Jacobian, eigenvalues and the saddle-node boundary of the MPR model.

Implements theory/THEORY.md eqs. (21)-(26) (fixed points): from tau dr/dt = 0,
v0 = -Delta / (2 pi tau r0); substituting into tau dv/dt = 0 and multiplying by
r0^2 gives the quartic

    -(pi tau)^2 r^4 + J tau r^3 + (eta_bar + I) r^2 + Delta^2 / (2 pi tau)^2 = 0,

whose positive roots are the fixed points.  The saddle-node (bistability)
boundary det(Jacobian) = 0 is given in closed parametric form in r0.
"""
from __future__ import annotations

from functools import lru_cache

import sympy as sp

from .lorentzian_ansatz import mpr_model
from .symbols import I_ext, J, eta_bar, r, tau, v


@lru_cache(maxsize=None)
def fixed_point_v() -> sp.Expr:
    """v0(r0) solving dr/dt = 0:  v0 = -Delta / (2 pi tau r0)."""
    dr, _ = mpr_model().rhs
    sol = sp.solve(sp.Eq(dr, 0), v)
    assert len(sol) == 1
    return sp.simplify(sol[0])


@lru_cache(maxsize=None)
def fixed_point_quartic() -> sp.Poly:
    """Quartic polynomial in r whose positive roots are the fixed-point rates."""
    _, dv = mpr_model().rhs
    expr = sp.expand(dv.subs(v, fixed_point_v()) * r**2 * tau)
    return sp.Poly(expr, r)


def quartic_coefficients() -> list[sp.Expr]:
    """Coefficients of :func:`fixed_point_quartic`, highest degree first."""
    return fixed_point_quartic().all_coeffs()


@lru_cache(maxsize=None)
def jacobian() -> sp.Matrix:
    """Jacobian d(dr/dt, dv/dt)/d(r, v) of the MPR model (units 1/time)."""
    return sp.Matrix(mpr_model().rhs).jacobian([r, v])


@lru_cache(maxsize=None)
def eigenvalues() -> tuple[sp.Expr, sp.Expr]:
    """Eigenvalues lambda_{+,-} = (2 v +- sqrt(2 r (J tau - 2 (pi tau)^2 r))) / tau."""
    Jm = jacobian()
    tr, det = sp.simplify(Jm.trace()), sp.simplify(Jm.det())
    disc = sp.sqrt(sp.simplify(tr**2 / 4 - det))
    return sp.simplify(tr / 2 + disc), sp.simplify(tr / 2 - disc)


@lru_cache(maxsize=None)
def saddle_node_curve() -> tuple[sp.Expr, sp.Expr]:
    """Saddle-node boundary in the (eta_bar + I, J) plane, parametrised by r0 > 0.

    On the curve the fixed point exists (dv/dt = 0) and det(Jacobian) = 0.
    Returns (eta_bar_sn(r0), J_sn(r0)) with I = 0 absorbed in eta_bar.
    """
    Jm = jacobian().subs(v, fixed_point_v())
    det = sp.simplify(Jm.det())
    J_sol = sp.solve(sp.Eq(det, 0), J)
    assert len(J_sol) == 1
    J_sn = sp.simplify(J_sol[0])
    _, dv = mpr_model().rhs
    eta_sol = sp.solve(sp.Eq(dv.subs(v, fixed_point_v()).subs(J, J_sn), 0), eta_bar)
    assert len(eta_sol) == 1
    return sp.simplify(eta_sol[0].subs(I_ext, 0)), J_sn


def cusp_point() -> dict:
    """Cusp of the saddle-node curve (where the two branches meet): d eta_sn/d r0 = 0."""
    eta_sn, J_sn = saddle_node_curve()
    r_c = [s for s in sp.solve(sp.diff(eta_sn, r), r) if s.is_positive]
    assert len(r_c) == 1
    rc = sp.simplify(r_c[0])
    return {"r": rc, "eta_bar": sp.simplify(eta_sn.subs(r, rc)), "J": sp.simplify(J_sn.subs(r, rc))}
