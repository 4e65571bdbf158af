"""Truncation bound of the harmonic sum for the shot-noise spectrum (theory/THEORY.md eqs. (41)-(43)).

The n-th term of S_xi(omega) = sum_n (1/N)(1/n) f_n^2 p_f(f_n), f_n = omega/(2 pi n),
is g(eta(f_n)) times the *term factor*

    t_n = f_n^2 (d eta/d f)(f_n) / (N n) = tau^2 omega^3 / (4 pi N n^4),

because p_f(f) = g(eta(f)) d eta/d f with d eta/d f = 2 (pi tau)^2 f.  Hence
term_n <= sup(g) t_n, and with sum_{n>K} n^-4 <= int_K^inf x^-4 dx = 1/(3 K^3)

    |tail after K terms| <= tau^2 sup(g) omega^3 / (12 pi N K^3),

so K = ceil((tau^2 sup(g) omega^3 / (12 pi N atol))^(1/3)) terms reach an absolute
error atol.  :func:`verify_bound` checks each step.  omega = omega_p > 0.
"""
from __future__ import annotations

from functools import lru_cache

import sympy as sp

from .shot_noise import eta_of_frequency, f, frequency_density, harmonic_term, n, w
from .symbols import N, tau

#: sup of the density g, number of kept terms K, absolute tolerance atol
sup_g = sp.Symbol("sup_g", positive=True)
K = sp.Symbol("K", positive=True)
atol = sp.Symbol("atol", positive=True)
_G = sp.Symbol("G", positive=True)  # the value g(eta(f_n)) in one term


def term_factor() -> sp.Expr:
    """t_n = term_n / g(eta(f_n)) = tau^2 omega^3 / (4 pi N n^4)."""
    return sp.simplify(harmonic_term(_G) / _G)


def tail_bound() -> sp.Expr:
    """sup(g) sum_{n>K} t_n <= tau^2 sup(g) omega^3 / (12 pi N K^3) (via sum_{n>K} n^-4 <= 1/(3 K^3))."""
    x = sp.Symbol("x", positive=True)
    tail_of_inverse_fourth = sp.integrate(x**-4, (x, K, sp.oo))
    return sp.simplify(sup_g * term_factor().subs(n, 1) * tail_of_inverse_fourth)


def terms_needed() -> sp.Expr:
    """K* solving tail_bound = atol: (tau^2 sup(g) omega^3 / (12 pi N atol))^(1/3); use ceil(K*)."""
    sol = sp.solve(sp.Eq(tail_bound(), atol), K)
    assert len(sol) == 1
    return sol[0]


@lru_cache(maxsize=None)
def verify_bound() -> dict[str, bool]:
    """The steps of the bound, checked symbolically."""
    out = {}
    out["jacobian"] = sp.simplify(frequency_density(_G) / _G - 2 * (sp.pi * tau) ** 2 * f) == 0
    out["jacobian_is_deta_df"] = sp.simplify(sp.diff(eta_of_frequency(), f) - 2 * (sp.pi * tau) ** 2 * f) == 0
    out["term_factor"] = sp.simplify(term_factor() - tau**2 * w**3 / (4 * sp.pi * N * n**4)) == 0
    # n^-4 <= int_{n-1}^{n} x^-4 dx because x^-4 is decreasing (derivative < 0 for x > 0)
    x = sp.Symbol("x", positive=True)
    out["decreasing"] = sp.ask(sp.Q.negative(sp.diff(x**-4, x)), sp.Q.positive(x)) is True
    m = sp.Symbol("m", integer=True, positive=True)
    cell = sp.integrate(x**-4, (x, m, m + 1))
    out["cell_dominates_term"] = all(cell.subs(m, k) > sp.Integer(k + 1) ** -4 for k in range(1, 50))
    out["integral"] = sp.simplify(sp.integrate(x**-4, (x, K, sp.oo)) - 1 / (3 * K**3)) == 0
    out["bound"] = sp.simplify(tail_bound() - tau**2 * sup_g * w**3 / (12 * sp.pi * N * K**3)) == 0
    out["terms_needed"] = sp.simplify(tail_bound().subs(K, terms_needed()) - atol) == 0
    return out
