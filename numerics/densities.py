"""Excitability densities g(eta): Lorentzian, Gaussian, uniform, or user-supplied.

Each density provides a vectorised pdf and cdf, its supremum (for the truncation
bound of the harmonic sum), its support, deterministic quantiles and seeded random
draws.  The formulas are generated from theory.densities (numba ufuncs in
``_generated/density_kernels.py``); the Gaussian ppf uses scipy.special.ndtri
(sympy's erfinv has no ``math`` equivalent; a test checks ndtri against the
theory's expression).  Conventions: ``centre`` = eta_bar; ``width`` = Delta is the
Lorentzian half-width, the Gaussian standard deviation, or the uniform half-width.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np

from shotnoise.theory.errors import ParameterError

from ._generated.density_kernels import (gaussian_cdf, gaussian_pdf, gaussian_sup, lorentzian_cdf, lorentzian_pdf,
                                         lorentzian_ppf, lorentzian_quantile, lorentzian_sup, uniform_cdf,
                                         uniform_pdf, uniform_ppf, uniform_sup)
from .parameters import finite, finite_array, integer_at_least, positive


@dataclass(frozen=True)
class Density:
    """An excitability density g(eta) with sup g, support [lo, hi], and optional cdf and ppf (vectorised)."""

    name: str
    centre: float
    width: float
    pdf: Callable[[np.ndarray], np.ndarray]
    sup: float
    lo: float = -math.inf
    hi: float = math.inf
    ppf: Callable[[np.ndarray], np.ndarray] | None = None
    cdf: Callable[[np.ndarray], np.ndarray] | None = None

    def quantiles(self, n: int) -> np.ndarray:
        """Deterministic sample of size n: G^{-1}((j - 1/2)/n), j = 1..n; for the Lorentzian the
        literature's eta_bar + Delta tan(pi/2 (2j - n - 1)/(n + 1)) = G^{-1}(j/(n + 1))."""
        n = integer_at_least("N", n, 1)
        if self.ppf is None:
            raise ParameterError("density %r has no quantile function; use random draws" % self.name)
        j = np.arange(1, n + 1, dtype=float)
        if self.name == "lorentzian":
            return lorentzian_quantile(j, float(n), self.centre, self.width)
        return self.ppf((j - 0.5) / n)

    def sample(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """i.i.d. draws (inverse-CDF of uniforms from ``rng``)."""
        n = integer_at_least("N", n, 1)
        if not isinstance(rng, np.random.Generator):
            raise ParameterError("rng must be a numpy.random.Generator (e.g. numpy.random.default_rng(seed)), got %s"
                                 % type(rng).__name__)
        if self.ppf is None:
            raise ParameterError("density %r has no quantile function" % self.name)
        return self.ppf(rng.random(n))


def _as_float(x, name: str = "eta") -> np.ndarray:
    """Real float array of any shape (inf allowed: the pdf and cdf have limits there)."""
    return finite_array(name, x, ndim=None, allow_inf=True)


def _as_probability(u) -> np.ndarray:
    a = _as_float(u, "u")
    if np.any((a < 0) | (a > 1)):
        raise ParameterError("u (a probability for the quantile function) must be in [0, 1]")
    return a


def lorentzian(eta_bar: float, Delta: float) -> Density:
    """g = (Delta/pi) / ((eta - eta_bar)^2 + Delta^2)."""
    e, d = finite("eta_bar", eta_bar), positive("Delta", Delta)
    return Density("lorentzian", e, d, lambda x: lorentzian_pdf(_as_float(x), e, d), lorentzian_sup(e, d),
                   ppf=lambda u: lorentzian_ppf(_as_probability(u), e, d), cdf=lambda x: lorentzian_cdf(_as_float(x), e, d))


def gaussian(eta_bar: float, sigma: float) -> Density:
    """g = exp(-(eta - eta_bar)^2 / (2 sigma^2)) / sqrt(2 pi sigma^2)."""
    from scipy.special import ndtri
    e, s = finite("eta_bar", eta_bar), positive("Delta (Gaussian standard deviation)", sigma)
    return Density("gaussian", e, s, lambda x: gaussian_pdf(_as_float(x), e, s), gaussian_sup(e, s),
                   ppf=lambda u: e + s * ndtri(_as_probability(u)), cdf=lambda x: gaussian_cdf(_as_float(x), e, s))


def uniform(eta_bar: float, half_width: float) -> Density:
    """g = 1/(2 h) on [eta_bar - h, eta_bar + h]."""
    e, h = finite("eta_bar", eta_bar), positive("Delta (uniform half-width)", half_width)
    return Density("uniform", e, h, lambda x: uniform_pdf(_as_float(x), e, h), uniform_sup(e, h), e - h, e + h,
                   ppf=lambda u: uniform_ppf(_as_probability(u), e, h), cdf=lambda x: uniform_cdf(_as_float(x), e, h))


def user_density(pdf: Callable, *, sup: float, lo: float = -math.inf, hi: float = math.inf,
                 name: str = "user", cdf: Callable | None = None, ppf: Callable | None = None) -> Density:
    """A user-supplied normalised density with known supremum ``sup`` (for the error bound)."""
    for nm, fn in (("pdf", pdf), ("cdf", cdf), ("ppf", ppf)):
        if fn is not None and not callable(fn):
            raise ParameterError("%s must be a callable (vectorised over numpy arrays), got %r" % (nm, fn))
    if pdf is None:
        raise ParameterError("pdf must be a callable (vectorised over numpy arrays), got None")
    lo, hi = _bound("lo", lo), _bound("hi", hi)
    if not lo < hi:
        raise ParameterError("the support must satisfy lo < hi, got lo=%r, hi=%r" % (lo, hi))
    return Density(str(name), math.nan, math.nan, pdf, positive("sup", sup), lo, hi, ppf=ppf, cdf=cdf)


def _bound(name: str, value) -> float:
    """A support bound: a real number or +-inf (not nan, str or bool)."""
    if isinstance(value, float) and math.isinf(value):
        return value
    return finite(name, value)


def make_density(kind: str, eta_bar: float, Delta: float) -> Density:
    """'lorentzian' | 'gaussian' | 'uniform' with centre eta_bar and width Delta."""
    table = {"lorentzian": lorentzian, "gaussian": gaussian, "uniform": uniform}
    if not isinstance(kind, str) or kind not in table:
        raise ParameterError("heterogeneity density must be one of %s, got %r" % (", ".join(table), kind))
    return table[kind](eta_bar, Delta)
