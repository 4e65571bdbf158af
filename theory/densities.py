"""Excitability densities g(eta): pdf, cdf (by integration) and ppf (by solving) (theory/THEORY.md eqs. (2)-(6)).

    Lorentzian:  g = (Delta/pi) / ((eta - eta_bar)^2 + Delta^2),  G = 1/2 + atan((eta - eta_bar)/Delta)/pi,
                 G^-1(u) = eta_bar + Delta tan(pi (u - 1/2))
    Gaussian:    g = exp(-(eta - eta_bar)^2/(2 sigma^2)) / sqrt(2 pi sigma^2),
                 G = (1 + erf((eta - eta_bar)/(sqrt 2 sigma)))/2,  G^-1(u) = eta_bar + sqrt 2 sigma erfinv(2u - 1)
    uniform:     g = 1/(2 h) on [eta_bar - h, eta_bar + h],  G = (eta - eta_bar + h)/(2 h) there,
                 G^-1(u) = eta_bar - h + 2 h u

The literature's deterministic Lorentzian sample eta_j = eta_bar + Delta tan(pi/2 (2j - N - 1)/(N + 1)),
j = 1..N, is G^-1(j/(N + 1)) (:func:`verify_densities`).  Widths: Delta is the Lorentzian
half-width, the Gaussian standard deviation sigma, or the uniform half-width h.
"""
from __future__ import annotations

from functools import lru_cache

import sympy as sp

from .symbols import Delta, eta_bar

x = sp.Symbol("x", real=True)  # the excitability eta
u = sp.Symbol("u", positive=True)  # a probability in (0, 1)
j = sp.Symbol("j", positive=True, integer=True)
n_pop = sp.Symbol("N", positive=True, integer=True)
_t = sp.Symbol("t", real=True)


def pdf(kind: str) -> sp.Expr:
    """g(x) of the family ``kind`` ('lorentzian' | 'gaussian' | 'uniform'), centre eta_bar, width Delta."""
    if kind == "lorentzian":
        return Delta / (sp.pi * ((x - eta_bar) ** 2 + Delta**2))
    if kind == "gaussian":
        return sp.exp(-(x - eta_bar) ** 2 / (2 * Delta**2)) / sp.sqrt(2 * sp.pi * Delta**2)
    if kind == "uniform":
        return sp.Piecewise((1 / (2 * Delta), sp.Abs(x - eta_bar) <= Delta), (0, True))
    raise ValueError("density must be lorentzian, gaussian or uniform, got %r" % kind)


def supremum(kind: str) -> sp.Expr:
    """sup g (attained at the centre for all three families)."""
    return sp.simplify(pdf(kind).subs(x, eta_bar))


@lru_cache(maxsize=None)
def cdf(kind: str) -> sp.Expr:
    """G(x) = int_{-inf}^x g: by integration (uniform: the closed form on each piece, clipped to [0, 1])."""
    if kind == "uniform":
        inside = sp.factor(sp.integrate(1 / (2 * Delta), (_t, eta_bar - Delta, x)))
        return sp.Piecewise((0, x < eta_bar - Delta), (inside, x <= eta_bar + Delta), (1, True))
    return sp.simplify(sp.integrate(pdf(kind).subs(x, _t), (_t, -sp.oo, x)))


@lru_cache(maxsize=None)
def ppf(kind: str) -> sp.Expr:
    """G^{-1}(u) for u in (0, 1), by solving G(x) = u (uniform: on the support)."""
    G = cdf(kind)
    if kind == "uniform":
        G = G.args[1][0]
    sol = sp.solve(sp.Eq(G, u), x)
    if len(sol) != 1:
        raise RuntimeError("ppf(%s): expected one solution, got %r" % (kind, sol))
    P = sp.simplify(sol[0])
    if kind == "lorentzian":  # solve gives eta_bar - Delta cot(pi u); return the usual tan form
        tan_form = eta_bar + Delta * sp.tan(sp.pi * (u - sp.Rational(1, 2)))
        if sp.simplify((P - tan_form).rewrite(sp.sin)) != 0:
            raise RuntimeError("ppf(lorentzian): tan form does not match %s" % P)
        P = tan_form
    return P


def lorentzian_quantile_rule() -> sp.Expr:
    """eta_j = eta_bar + Delta tan(pi/2 (2j - N - 1)/(N + 1)) (the literature's deterministic sample)."""
    return eta_bar + Delta * sp.tan(sp.pi / 2 * (2 * j - n_pop - 1) / (n_pop + 1))


@lru_cache(maxsize=None)
def verify_densities() -> dict[str, bool]:
    """Normalisation, G' = g, G(ppf(u)) = u and ppf(G(x)) = x, and the quantile rule."""
    out = {}
    for kind in ("lorentzian", "gaussian", "uniform"):
        g, G, P = pdf(kind), cdf(kind), ppf(kind)
        out[kind + "_normalised"] = sp.simplify(sp.integrate(g, (x, -sp.oo, sp.oo))) == 1
        if kind == "uniform":
            inner = G.args[1][0]
            out[kind + "_cdf_derivative"] = sp.simplify(sp.diff(inner, x) - 1 / (2 * Delta)) == 0
            out[kind + "_cdf_ends"] = (sp.simplify(inner.subs(x, eta_bar - Delta)) == 0
                                       and sp.simplify(inner.subs(x, eta_bar + Delta)) == 1)
            G = inner
        else:
            out[kind + "_cdf_derivative"] = sp.simplify(sp.diff(G, x) - g) == 0
            out[kind + "_cdf_limits"] = sp.limit(G, x, -sp.oo) == 0 and sp.limit(G, x, sp.oo) == 1
        if kind == "lorentzian":  # atan(tan(pi (u - 1/2))) = pi (u - 1/2) needs u in (0, 1): exact at u = k/17
            out[kind + "_cdf_of_ppf"] = all(sp.simplify(G.subs(x, P).subs(u, sp.Rational(k, 17)))
                                            == sp.Rational(k, 17) for k in range(1, 17))
        else:
            out[kind + "_cdf_of_ppf"] = sp.simplify(G.subs(x, P) - u) == 0
        back = sp.simplify(P.subs(u, G))
        if kind == "lorentzian":  # tan(atan(y)) = y
            back = sp.simplify(back.rewrite(sp.tan))
        out[kind + "_ppf_of_cdf"] = sp.simplify(back - x) == 0
    rule = lorentzian_quantile_rule()
    out["lorentzian_quantile_rule"] = sp.simplify(ppf("lorentzian").subs(u, j / (n_pop + 1)) - rule) == 0
    return out
