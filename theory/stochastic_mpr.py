"""Stochastic (finite-size) MPR model: drift and shot-noise diffusion (theory/THEORY.md eqs. (51)-(57)).

The activity of N neurons is s = r + xi; replacing J tau s by J tau (r + xi) in
the MPR equations gives

    tau dr/dt = Delta/(pi tau) + 2 r v
    tau dv/dt = v^2 + eta_bar + I + J tau r - (pi tau r)^2 + J tau xi(t).

Drift: the MPR vector field.  In the white-noise (diffusion) limit xi has
intensity r/N, <xi(t) xi(t')> = (r/N) delta(t - t'), so the Ito SDE is

    dr = f_r dt,    dv = f_v dt + J sqrt(r/N) dW,

with diffusion matrix B = b b^T = diag(0, J^2 r / N) (Fokker-Planck term
(1/2) d_v^2 (B_vv p)).  Since b depends only on r and dr has no noise, Ito and
Stratonovich readings coincide.
"""
from __future__ import annotations

from functools import lru_cache

import sympy as sp

from .lorentzian_ansatz import mpr_rhs
from .symbols import N, r, s, v, xi


@lru_cache(maxsize=None)
def stochastic_rhs() -> tuple[sp.Expr, sp.Expr]:
    """(dr/dt, dv/dt) with s = r + xi: the v equation gains J xi, the r equation nothing."""
    return tuple(sp.expand(e.subs(s, r + xi)) for e in mpr_rhs())


def drift() -> tuple[sp.Expr, sp.Expr]:
    """Mean vector field (xi has zero mean): the MPR right-hand side with s = r."""
    return tuple(sp.expand(e.subs(xi, 0)) for e in stochastic_rhs())


def noise_coupling() -> tuple[sp.Expr, sp.Expr]:
    """d(dr/dt, dv/dt)/d xi = (0, J): how the shot noise enters."""
    return tuple(sp.diff(e, xi) for e in stochastic_rhs())


def white_noise_intensity() -> sp.Expr:
    """Intensity of xi in the diffusion limit: r/N (Poisson-like, high-frequency limit of S_xi)."""
    return r / N


def diffusion_coefficients() -> tuple[sp.Expr, sp.Expr]:
    """Ito coefficients b with d(r, v) = drift dt + b dW: (0, J sqrt(r/N))."""
    cr, cv = noise_coupling()
    q = sp.sqrt(white_noise_intensity())
    return cr * q, cv * q


def diffusion_matrix() -> sp.Matrix:
    """B = b b^T = [[0, 0], [0, J^2 r / N]]."""
    b = sp.Matrix(diffusion_coefficients())
    return sp.simplify(b * b.T)


def ito_stratonovich_correction() -> tuple[sp.Expr, sp.Expr]:
    """(1/2) sum_j b_j d b_i / d x_j: zero here, so both readings agree."""
    b = diffusion_coefficients()
    x = (r, v)
    return tuple(sp.simplify(sp.Rational(1, 2) * sum(b[j] * sp.diff(b[i], x[j]) for j in range(2))) for i in range(2))
