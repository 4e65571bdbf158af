"""Exact flow of the Riccati equation of one QIF neuron between kicks (theory/THEORY.md eqs. (7)-(10)).

Between kicks a neuron with constant drive a = eta + I obeys tau dV/dt = V^2 + a.
Over a step of reduced length h = dt / tau its flow is a Moebius map

    V -> (A V + B) / (C V + A),

    a > 0:  A = cos phi,  B = s sin phi,         C = -sin(phi) / s,       s = sqrt(a),  phi = s h
    a < 0:  A = 1,        B = -b tanh(b h),      C = -tanh(b h) / b,      b = sqrt(-a)
    a = 0:  A = 1,        B = 0,                 C = -h

(the a < 0 coefficients are the cosh/sinh ones divided by cosh(b h), so they never
overflow).  The map passes V = +inf -> -inf (a spike) when C V + A < 0.  For a > 0
the coefficients change sign under phi -> phi + pi, which leaves the map unchanged:
phi may be reduced mod pi with the whole turns counted separately (that reduction
is algorithm and lives in numerics).  :func:`verify_flow` checks every claim.
"""
from __future__ import annotations

from functools import lru_cache

import sympy as sp

#: reduced time h = t / tau, initial voltage V0 (the flow variable)
h = sp.Symbol("h", nonnegative=True)
V0 = sp.Symbol("V0", real=True)
#: sqrt(a) for a > 0, sqrt(-a) for a < 0, and the reduced phase phi = s h
s_osc = sp.Symbol("s", positive=True)
b_dec = sp.Symbol("b", positive=True)
phi = sp.Symbol("phi", nonnegative=True)


def moebius_oscillating() -> tuple[sp.Expr, sp.Expr, sp.Expr]:
    """(A, B, C) for a = s^2 > 0 as functions of (s, phi = s h): (cos phi, s sin phi, -sin(phi)/s)."""
    return sp.cos(phi), s_osc * sp.sin(phi), -sp.sin(phi) / s_osc


def moebius_excitable() -> tuple[sp.Expr, sp.Expr, sp.Expr]:
    """(A, B, C) for a = -b^2 < 0 as functions of (b, h): (1, -b tanh(b h), -tanh(b h)/b)."""
    th = sp.tanh(b_dec * h)
    return sp.Integer(1), -b_dec * th, -th / b_dec


def moebius_critical() -> tuple[sp.Expr, sp.Expr, sp.Expr]:
    """(A, B, C) for a = 0 as functions of h: (1, 0, -h)."""
    return sp.Integer(1), sp.Integer(0), -h


def moebius_map(coeffs: tuple, v: sp.Expr = V0) -> sp.Expr:
    """(A v + B) / (C v + A)."""
    A, B, C = coeffs
    return (A * v + B) / (C * v + A)


@lru_cache(maxsize=None)
def resting_state() -> tuple[sp.Expr, sp.Expr]:
    """(V_rest, lambda) of a neuron with a = eta + I = -b^2 < 0: the stable node V_rest = -b of
    tau dV/dt = V^2 + a and its eigenvalue d/dV((V^2 + a)/tau) = -2 b/tau (the quiescent state of a family with
    bounded support relaxes no slower than its top neuron's lambda)."""
    tau = sp.Symbol("tau", positive=True)
    v = sp.Symbol("V", real=True)
    rest = -b_dec
    assert sp.simplify((rest ** 2 - b_dec ** 2)) == 0
    lam = sp.diff((v ** 2 - b_dec ** 2) / tau, v).subs(v, rest)
    return rest, sp.simplify(lam)


def verify_flow() -> dict[str, bool]:
    """Each case: V(h) = Moebius map solves dV/dh = V^2 + a with V(0) = V0 (h = t/tau).

    Also: the a > 0 map is pi-periodic in phi (reduction mod pi is exact), and the
    a < 0 tanh form equals the cosh/sinh form (same map, coefficients divided by cosh).
    """
    out = {}
    cases = {
        "oscillating": (moebius_oscillating(), {phi: s_osc * h}, s_osc**2),
        "excitable": (moebius_excitable(), {}, -b_dec**2),
        "critical": (moebius_critical(), {}, sp.Integer(0)),
    }
    for name, (coeffs, subs, a) in cases.items():
        V = moebius_map(tuple(sp.sympify(c).subs(subs) for c in coeffs))
        ode = sp.simplify((sp.diff(V, h) - (V**2 + a)).rewrite(sp.exp))
        out[name + "_solves_riccati"] = ode == 0
        out[name + "_initial_value"] = sp.simplify(V.subs(h, 0) - V0) == 0
    A, B, C = moebius_oscillating()
    shifted = tuple(x.subs(phi, phi + sp.pi) for x in (A, B, C))
    out["oscillating_pi_periodic"] = all(sp.simplify(x + y) == 0 for x, y in zip(shifted, (A, B, C)))
    ch, sh = sp.cosh(b_dec * h), sp.sinh(b_dec * h)
    hyperbolic = moebius_map((ch, -b_dec * sh, -sh / b_dec))
    out["excitable_tanh_form"] = sp.simplify((hyperbolic - moebius_map(moebius_excitable())).rewrite(sp.exp)) == 0
    return out
