"""Derivation of the MPR neural mass model from the QIF continuity equation.

Implements theory/THEORY.md eqs. (11)-(17):

1. continuity equation  d_t rho + d_V[(V^2 + eta + I + J tau s) rho / tau] = 0;
2. Lorentzian ansatz    rho = (1/pi) x / ((V - y)^2 + x^2), solved exactly iff
   w = x + i y obeys    tau dw/dt = i (eta + I + J tau s - w^2);
3. residue integration over a Lorentzian g(eta) (pole eta_bar - i Delta);
4. firing rate as the probability flux at V -> +inf (equals x / (pi tau)).

The result, :func:`mpr_rhs`, is the single source of truth for the mass model.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import sympy as sp

from .symbols import PARAMETERS, Delta, I_ext, J, eta_bar, r, s, tau, v

V = sp.Symbol("V", real=True)
eta = sp.Symbol("eta", real=True)
t = sp.Symbol("t", real=True)
x = sp.Symbol("x", positive=True)
y = sp.Symbol("y", real=True)
x_dot = sp.Symbol("xdot", real=True)
y_dot = sp.Symbol("ydot", real=True)


def velocity() -> sp.Expr:
    """QIF voltage velocity dV/dt = (V^2 + eta + I + J tau s) / tau."""
    return (V**2 + eta + I_ext + J * tau * s) / tau


def lorentzian_density() -> sp.Expr:
    """Lorentzian ansatz rho(V) = (1/pi) x / ((V - y)^2 + x^2) (x > 0 width, y centre)."""
    return x / (sp.pi * ((V - y) ** 2 + x**2))


def continuity_residual(xdot: sp.Expr = x_dot, ydot: sp.Expr = y_dot) -> sp.Expr:
    """d_t rho + d_V(velocity rho) for the ansatz, with dx/dt = xdot, dy/dt = ydot."""
    rho = lorentzian_density()
    d_t_rho = sp.diff(rho, x) * xdot + sp.diff(rho, y) * ydot
    return d_t_rho + sp.diff(velocity() * rho, V)


@lru_cache(maxsize=None)
def ansatz_dynamics() -> tuple[sp.Expr, sp.Expr]:
    """Solve for (dx/dt, dy/dt) such that the ansatz solves the continuity equation.

    The residual times its denominator is a polynomial in V; requiring every
    coefficient to vanish is a linear system for (xdot, ydot) whose *unique*
    solution is returned (this is the "iff").
    """
    num = sp.numer(sp.together(continuity_residual()))
    coeffs = sp.Poly(sp.expand(num), V).all_coeffs()
    sol = sp.solve(coeffs, [x_dot, y_dot], dict=True)
    if len(sol) != 1:
        raise RuntimeError("Lorentzian ansatz: expected a unique solution, got %r" % sol)
    return sp.simplify(sol[0][x_dot]), sp.simplify(sol[0][y_dot])


def complex_ansatz_equation() -> sp.Expr:
    """Right-hand side of tau dw/dt = i (eta + I + J tau s - w^2) with w = x + i y."""
    w = x + sp.I * y
    return sp.I * (eta + I_ext + J * tau * s - w**2)


def ansatz_matches_complex_equation() -> bool:
    """Check that the solved (xdot, ydot) equal Re/Im of the complex w equation / tau."""
    xd, yd = ansatz_dynamics()
    rhs = sp.expand(complex_ansatz_equation() / tau)
    return sp.simplify(xd - sp.re(rhs)) == 0 and sp.simplify(yd - sp.im(rhs)) == 0


def residual_with_complex_equation() -> sp.Expr:
    """Continuity residual with the complex w equation substituted; simplifies to 0."""
    rhs = sp.expand(complex_ansatz_equation() / tau)
    return sp.simplify(continuity_residual(sp.re(rhs), sp.im(rhs)))


def firing_rate_flux() -> sp.Expr:
    """Firing rate of one eta class: lim_{V->inf} velocity * rho  (= x / (pi tau))."""
    return sp.limit(velocity() * lorentzian_density(), V, sp.oo)


def lorentzian_g() -> sp.Expr:
    """Lorentzian density g(eta) = (Delta/pi) / ((eta - eta_bar)^2 + Delta^2)."""
    return Delta / (sp.pi * ((eta - eta_bar) ** 2 + Delta**2))


@lru_cache(maxsize=None)
def lorentzian_average_weight() -> tuple[sp.Expr, sp.Expr]:
    """Residue integration of g(eta) w(eta) over the real line.

    For w analytic and bounded in the lower half eta plane, closing the contour
    there (clockwise) gives  int g w d eta = -2 pi i Res_{eta_bar - i Delta}(g) w(eta_bar - i Delta).
    Returns (pole, weight) with weight = -2 pi i Res, which must equal 1.
    """
    pole = eta_bar - sp.I * Delta
    res = sp.residue(lorentzian_g(), eta, pole)
    return pole, sp.simplify(-2 * sp.pi * sp.I * res)


@dataclass(frozen=True)
class MassModel:
    """A derived neural mass model: state symbols, right-hand sides tau-free (d/dt)."""

    state: tuple
    rhs: tuple
    parameters: tuple
    name: str


@lru_cache(maxsize=None)
def mpr_rhs() -> tuple[sp.Expr, sp.Expr]:
    """MPR equations (dr/dt, dv/dt) derived by residues.

    W = w(eta_bar - i Delta) = pi tau r + i v obeys
    tau dW/dt = i (eta_bar - i Delta + I + J tau s - W^2), hence

        tau dr/dt = Delta / (pi tau) + 2 r v
        tau dv/dt = v^2 + eta_bar + I + J tau s - (pi tau r)^2

    Returned as dr/dt, dv/dt (divided by tau), with s kept as a symbol
    (substitute s = r for the thermodynamic limit).
    """
    pole, weight = lorentzian_average_weight()
    if weight != 1:
        raise RuntimeError("residue weight should be 1, got %s" % weight)
    W = sp.Symbol("W")
    # per-class complex equation with eta evaluated at the pole (weight 1)
    dW = (sp.I * (pole + I_ext + J * tau * s - W**2) / tau).subs(W, sp.pi * tau * r + sp.I * v)
    dW = sp.expand(dW)
    # W = pi tau r + i v  =>  dr/dt = Re(dW)/(pi tau), dv/dt = Im(dW)
    dr = sp.simplify(sp.re(dW) / (sp.pi * tau))
    dv = sp.expand(sp.im(dW))
    return dr, dv


def mpr_model(thermodynamic_limit: bool = True) -> MassModel:
    """The MPR model as a :class:`MassModel` (s = r when ``thermodynamic_limit``)."""
    dr, dv = mpr_rhs()
    if thermodynamic_limit:
        dr, dv = dr.subs(s, r), sp.expand(dv.subs(s, r))
    return MassModel(state=(r, v), rhs=(dr, dv), parameters=PARAMETERS, name="mpr")
