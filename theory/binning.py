"""Spectrum of a binned signal: the sinc^2 filter and the alias sum of a 1/|omega| tail (theory/THEORY.md eqs. (59)-(60)).

Bin averages x_k = (1/dt) int_{k dt}^{(k+1) dt} x(t) dt have the spectrum
S_d(omega) = sum_m S(omega_m) sinc^2(omega_m dt/2), omega_m = omega + 2 pi m/dt.  For a
tail S ~ -a/|omega| the aliases m != 0 sum in closed form: since sin^2 is
2 pi/dt-periodic in omega, sinc^2(omega_m dt/2) = sin^2(omega dt/2) / (omega_m dt/2)^2, so

    sum_{m != 0} sinc^2(omega_m dt/2)/|omega_m| = sin^2(omega dt/2) (4/dt^2) sum_{m != 0} |omega_m|^-3
        = sin^2(omega dt/2) (4/dt^2) (dt/2 pi)^3 [zeta(3, 1 + u) + zeta(3, 1 - u)],   u = |omega| dt/(2 pi),

with the Hurwitz zeta, on the Nyquist band |omega| <= pi/dt (0 <= u <= 1/2).  Two-sided,
angular frequency.  :func:`verify_alias_sum` checks the steps.
"""
from __future__ import annotations

from functools import lru_cache

import sympy as sp

omega = sp.Symbol("omega", real=True)
dt = sp.Symbol("dt", positive=True)
m = sp.Symbol("m", integer=True)
k = sp.Symbol("k", integer=True, positive=True)
u = sp.Symbol("u", nonnegative=True)


def omega_alias(mm: sp.Expr = m) -> sp.Expr:
    """omega_m = omega + 2 pi m / dt."""
    return omega + 2 * sp.pi * mm / dt


def sinc2(xx: sp.Expr) -> sp.Expr:
    """sinc^2(x) = sin^2(x)/x^2 (unnormalised sinc)."""
    return sp.sin(xx) ** 2 / xx**2


def alias_u() -> sp.Expr:
    """u = |omega| dt / (2 pi) (in [0, 1/2] on the Nyquist band)."""
    return sp.Abs(omega) * dt / (2 * sp.pi)


def alias_inverse_omega_sum() -> sp.Expr:
    """sum_{m != 0} sinc^2(omega_m dt/2)/|omega_m| in closed form (Hurwitz zeta)."""
    uu = alias_u()
    return (sp.sin(omega * dt / 2) ** 2 * (4 / dt**2) * (dt / (2 * sp.pi)) ** 3
            * (sp.zeta(3, 1 + uu) + sp.zeta(3, 1 - uu)))


@lru_cache(maxsize=None)
def verify_alias_sum() -> dict[str, bool]:
    """Periodicity of sin^2, the sinc^2 rewrite and the two Hurwitz half-sums."""
    out = {}
    xm = omega_alias() * dt / 2
    out["sin2_periodic"] = sp.simplify(sp.sin(xm) ** 2 - sp.sin(omega * dt / 2) ** 2) == 0
    out["sinc2_rewrite"] = sp.simplify(sinc2(xm).subs(sp.sin(xm) ** 2, sp.sin(omega * dt / 2) ** 2)
                                       - sp.sin(omega * dt / 2) ** 2 * 4 / (dt**2 * omega_alias() ** 2)) == 0
    # for omega >= 0 (u >= 0): |omega_m| = (2 pi/dt)(m + u) for m >= 1 and (2 pi/dt)(k - u) for m = -k <= -1
    w_pos = 2 * sp.pi * u / dt
    out["positive_aliases"] = sp.simplify(omega_alias(k).subs(omega, w_pos) - 2 * sp.pi / dt * (k + u)) == 0
    out["negative_aliases"] = sp.simplify(-omega_alias(-k).subs(omega, w_pos) - 2 * sp.pi / dt * (k - u)) == 0
    # sympy sums to lerchphi(1, s, a) = sum_{k>=0} (k + a)^-s, which is zeta(s, a) by definition
    def hurwitz(e):
        return sp.simplify(e.replace(sp.lerchphi, lambda z_, s_, a_: sp.zeta(s_, a_) if z_ == 1 else sp.lerchphi(z_, s_, a_)))
    out["hurwitz_plus"] = hurwitz(sp.summation((k + u) ** -3, (k, 1, sp.oo)) - sp.zeta(3, 1 + u)) == 0
    out["hurwitz_minus"] = hurwitz(sp.summation((k - u) ** -3, (k, 1, sp.oo)) - sp.zeta(3, 1 - u)) == 0
    return out
