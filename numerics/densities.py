"""Excitability densities g(eta): Lorentzian, Gaussian, uniform, or user-supplied.

Each density provides a vectorised pdf, its supremum (for the truncation bound
of the harmonic sum), its support, deterministic quantiles and seeded random
draws.  Conventions: ``centre`` = eta_bar; ``width`` = Delta is the Lorentzian
half-width, the Gaussian standard deviation, or the uniform half-width.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np

from .parameters import finite, integer_at_least, positive


@dataclass(frozen=True)
class Density:
    """An excitability density g(eta) with sup g and support [lo, hi]."""

    name: str
    centre: float
    width: float
    pdf: Callable[[np.ndarray], np.ndarray]
    sup: float
    lo: float = -math.inf
    hi: float = math.inf
    ppf: Callable[[np.ndarray], np.ndarray] | None = None

    def quantiles(self, n: int) -> np.ndarray:
        """Deterministic sample eta_j = G^{-1}((2j - 1)/(2n))... for the Lorentzian the
        literature's eta_bar + Delta tan(pi/2 (2j - n - 1)/(n + 1)), j = 1..n."""
        n = integer_at_least("N", n, 1)
        if self.ppf is None:
            raise ValueError("density %r has no quantile function; use random draws" % self.name)
        j = np.arange(1, n + 1)
        if self.name == "lorentzian":
            return self.centre + self.width * np.tan(0.5 * np.pi * (2 * j - n - 1) / (n + 1))
        return self.ppf((j - 0.5) / n)

    def sample(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """i.i.d. draws (inverse-CDF of uniforms from ``rng``)."""
        n = integer_at_least("N", n, 1)
        if self.ppf is None:
            raise ValueError("density %r has no quantile function" % self.name)
        return self.ppf(rng.random(n))


def lorentzian(eta_bar: float, Delta: float) -> Density:
    """g = (Delta/pi) / ((eta - eta_bar)^2 + Delta^2)."""
    e, d = finite("eta_bar", eta_bar), positive("Delta", Delta)
    return Density("lorentzian", e, d, lambda x: d / np.pi / ((np.asarray(x) - e) ** 2 + d * d), 1 / (np.pi * d),
                   ppf=lambda u: e + d * np.tan(np.pi * (np.asarray(u) - 0.5)))


def gaussian(eta_bar: float, sigma: float) -> Density:
    """g = exp(-(eta - eta_bar)^2 / (2 sigma^2)) / sqrt(2 pi sigma^2)."""
    from scipy.special import ndtri
    e, s = finite("eta_bar", eta_bar), positive("Delta (Gaussian standard deviation)", sigma)
    return Density("gaussian", e, s, lambda x: np.exp(-0.5 * ((np.asarray(x) - e) / s) ** 2) / (s * math.sqrt(2 * np.pi)),
                   1 / (s * math.sqrt(2 * np.pi)), ppf=lambda u: e + s * ndtri(np.asarray(u)))


def uniform(eta_bar: float, half_width: float) -> Density:
    """g = 1/(2 h) on [eta_bar - h, eta_bar + h]."""
    e, h = finite("eta_bar", eta_bar), positive("Delta (uniform half-width)", half_width)
    pdf = lambda x: np.where(np.abs(np.asarray(x) - e) <= h, 0.5 / h, 0.0)
    return Density("uniform", e, h, pdf, 0.5 / h, e - h, e + h, ppf=lambda u: e - h + 2 * h * np.asarray(u))


def user_density(pdf: Callable, sup: float, lo: float = -math.inf, hi: float = math.inf,
                 name: str = "user") -> Density:
    """A user-supplied normalised density with known supremum ``sup`` (for the error bound)."""
    return Density(name, math.nan, math.nan, pdf, positive("sup", sup), lo, hi)


def make_density(kind: str, eta_bar: float, Delta: float) -> Density:
    """'lorentzian' | 'gaussian' | 'uniform' with centre eta_bar and width Delta."""
    table = {"lorentzian": lorentzian, "gaussian": gaussian, "uniform": uniform}
    if kind not in table:
        raise ValueError("heterogeneity density must be one of %s, got %r" % (", ".join(table), kind))
    return table[kind](eta_bar, Delta)
