"""Shot noise of a uniform population in closed form: a finite Hurwitz-zeta sum (theory/THEORY.md eq. (80)).

For g = 1/(2 h) on [eta_bar - h, eta_bar + h] the harmonic term (theory.shot_noise, eq. (32)) is, for the
harmonics n whose frequency f_n = omega/(2 pi n) lies in the band of firing frequencies [f_lo, f_hi],

    (1/N)(1/n) f_n^2 p_f(f_n) = tau^2 omega^3 / (8 pi h N n^4),

and zero otherwise, so the sum over n is a difference of Hurwitz zeta functions:

    S_xi(omega) = tau^2 omega^3 / (8 pi h N) [zeta(4, n_1) - zeta(4, n_2 + 1)],
    n_1 = ceil(omega/(2 pi f_hi)),  n_2 = floor(omega/(2 pi f_lo))   (zeta(4, oo) = 0 when f_lo = 0),

f_lo,hi = sqrt(max(eta_bar -+ h + I + J tau r0, 0))/(pi tau).  Two-sided, angular frequency.
:func:`verify_uniform_shot` checks the term against the general harmonic term and the zeta identity.
"""
from __future__ import annotations

from functools import lru_cache

import sympy as sp

from .shot_noise import harmonic_term, n, w
from .symbols import N, tau

h = sp.Symbol("h", positive=True)  # the uniform half-width (Delta of the family)
n1, n2 = sp.symbols("n_1 n_2", positive=True, integer=True)


def uniform_term() -> sp.Expr:
    """tau^2 omega^3 / (8 pi h N n^4): the harmonic term of a harmonic inside the firing band."""
    from .lorentzian_ansatz import eta
    return sp.simplify(harmonic_term(sp.Integer(1) / (2 * h) + 0 * eta))


def closed_form() -> sp.Expr:
    """S_xi = tau^2 omega^3/(8 pi h N) [zeta(4, n_1) - zeta(4, n_2 + 1)] (omega = omega_p > 0)."""
    return tau**2 * w**3 / (8 * sp.pi * h * N) * (sp.zeta(4, n1) - sp.zeta(4, n2 + 1))


@lru_cache(maxsize=None)
def verify_uniform_shot() -> dict[str, bool]:
    """The term is tau^2 omega^3/(8 pi h N n^4); sum_{n=n_1}^{n_2} n^-4 = zeta(4, n_1) - zeta(4, n_2 + 1)."""
    out = {"term": sp.simplify(uniform_term() - tau**2 * w**3 / (8 * sp.pi * h * N * n**4)) == 0}
    vals = {tau: sp.Rational(6, 5), w: sp.Rational(17, 3), h: sp.Rational(3, 10), N: 7}
    ok = True
    for a, b in ((1, 1), (2, 9), (5, 40)):
        direct = sum(uniform_term().subs(vals).subs(n, k) for k in range(a, b + 1))
        zeta = closed_form().subs(vals).subs({n1: a, n2: b})
        ok &= abs(sp.N(direct - zeta, 30)) < 1e-25
    out["hurwitz_sum"] = bool(ok)
    return out
