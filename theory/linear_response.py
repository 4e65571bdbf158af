"""Linear response of the MPR fixed point and the network spectra (theory/THEORY.md eqs. (44)-(49)).

Linearising the MPR equations around (r0, v0) with the activity s as an input
(tau dv/dt contains J tau s) gives, in the convention x(omega) = int x(t) exp(-i omega t) dt,

    (i omega - A) (dr, dv)^T = (0, J ds)^T,     A = open-loop Jacobian (s held fixed),

so dr = J G ds and dv = J G_v ds with

    G(omega)   = (2 r0/tau) / ((i omega - 2 v0/tau)^2 + 4 pi^2 r0^2)
    G_v(omega) = (i omega - 2 v0/tau) / ((i omega - 2 v0/tau)^2 + 4 pi^2 r0^2).

Closing the loop with ds = dr + xi:  ds = xi / (1 - J G),  hence

    S_s = S_xi / |1 - J G|^2,  S_r = |J G|^2 S_s,  S_v = |J G_v|^2 S_s,
    S_rv = (J G)(J G_v)^* S_s   (S_xy = <x(omega) y(omega)^*> per unit time).

For a non-Lorentzian g the open-loop G is the population integral

    G(omega) = (1/2 pi) int g(eta) [1/(omega tau + 2 w0) + 1/(2 w0^* - omega tau)] d eta,

w0 = sqrt(eta + I + J tau r0 - i0): real for firing neurons (with the causal
prescription omega -> omega - i0), and giving no contribution for silent ones.
"""
from __future__ import annotations

from functools import lru_cache

import sympy as sp

from .lorentzian_ansatz import mpr_rhs
from .symbols import J, r, s, tau, v

i_omega = sp.Symbol("iomega")  # stands for i*omega (keeps expressions rational)


@lru_cache(maxsize=None)
def open_loop_matrix() -> sp.Matrix:
    """A = d(dr/dt, dv/dt)/d(r, v) with the activity s held fixed (open loop)."""
    return sp.Matrix(mpr_rhs()).jacobian([r, v])


@lru_cache(maxsize=None)
def input_vector() -> sp.Matrix:
    """B = d(dr/dt, dv/dt)/d s = (0, J): how the activity enters."""
    return sp.Matrix(mpr_rhs()).jacobian([s])


@lru_cache(maxsize=None)
def susceptibilities() -> tuple[sp.Expr, sp.Expr]:
    """(G, G_v) as rational functions of iomega = i omega, solved from (iomega - A) x = B / J."""
    A = open_loop_matrix()
    B = input_vector() / J
    x = (i_omega * sp.eye(2) - A).LUsolve(B)
    return sp.simplify(x[0]), sp.simplify(x[1])


def closed_loop_denominator() -> sp.Expr:
    """Numerator of 1 - J G: equals det(iomega - A_full) of the s = r Jacobian (checked in tests)."""
    G, _ = susceptibilities()
    return sp.factor(sp.numer(sp.together(1 - J * G)))


def full_jacobian() -> sp.Matrix:
    """Jacobian of the closed-loop MPR model (s = r)."""
    return sp.Matrix([e.subs(s, r) for e in mpr_rhs()]).jacobian([r, v])


def resonance() -> dict:
    """Damped mode of the closed loop: eigenvalues 2 v0/tau +- i omega_res.

    omega_res = sqrt(4 pi^2 r0^2 - 2 J r0 / tau), damping gamma = -2 v0 / tau,
    quality factor Q = omega_res / (2 gamma).
    """
    omega_res = sp.sqrt(4 * sp.pi**2 * r**2 - 2 * J * r / tau)
    gamma = -2 * v / tau
    return {"omega_res": omega_res, "damping": gamma, "Q": quality_factor(omega_res, gamma)}


def quality_factor(omega_res: sp.Expr = sp.Symbol("omega_res", positive=True),
                   damping: sp.Expr = sp.Symbol("damping", positive=True)) -> sp.Expr:
    """Q = omega_res / (2 damping) of a mode with eigenvalues -damping +- i omega_res."""
    return omega_res / (2 * damping)


def closed_loop_transfer(G: sp.Expr, Gv: sp.Expr) -> dict:
    """Transfer functions from xi to (s, r, v) given the open-loop G, G_v:
    ds = xi + dr and dr = J G ds  =>  T_s = 1/(1 - J G), T_r = J G T_s, T_v = J G_v T_s."""
    Ts = sp.solve(sp.Eq(sp.Symbol("T"), 1 + J * G * sp.Symbol("T")), sp.Symbol("T"))[0]
    return {"T_s": Ts, "T_r": J * G * Ts, "T_v": J * Gv * Ts}


def spectra_symbols() -> dict:
    """G, G_v and the closed-loop transfer functions with the MPR susceptibilities substituted."""
    G, Gv = susceptibilities()
    return {"G": G, "G_v": Gv, **closed_loop_transfer(G, Gv)}


def subpopulation_spectrum() -> sp.Expr:
    """Readout of M of the N neurons (theory/THEORY.md eq. (50)), with S1 = N S_xi:

    S_sM = (1/N) |1/(1 - J G)|^2 S1 + (1/M - 1/N) S1.
    Returned with symbols S1, T2 = |1/(1 - J G)|^2.
    """
    S1, T2 = sp.symbols("S1 T2", nonnegative=True)
    N, M = sp.symbols("N M", positive=True)
    return T2 * S1 / N + (1 / M - 1 / N) * S1
