"""Theory-vs-simulation checks, each returning a :class:`~shotnoise.validation.results.CheckResult`.

Every check states where its tolerance comes from (standard errors over
realizations, chi-square spread of Welch estimates, Bonferroni over bands).
"""
from __future__ import annotations

import math

import numpy as np

from shotnoise.numerics.densities import lorentzian
from shotnoise.numerics.mpr import fixed_points
from shotnoise.numerics.parameters import MPRParameters
from shotnoise.numerics.shot_spectrum import shot_spectrum_asymptote, shot_spectrum_lorentzian
from shotnoise.numerics.spectral_estimation import binned_spectrum, welch, welch_expectation
from shotnoise.numerics.spike_trains import periodic_activity, qif_frequencies

from .results import CheckResult, band_comparison


def check_periodic_trains(eta_bar: float = 1.0, Delta: float = 0.1, N: int = 200, T: float = 2000.0,
                          bin_width: float = 0.05, segment: float = 100.0, realizations: int = 12,
                          seed: int = 1, edges=None) -> CheckResult:
    """J = 0 shot noise without a network: N independent periodic trains with random phases.

    Each realization draws eta_j i.i.d. from the Lorentzian and phases uniformly,
    bins the spikes, and estimates the spectrum by Welch.  The prediction is the
    exact expectation of that estimate for S_xi (binning: sinc^2 and aliasing;
    window leakage), compared band by band over realizations.
    """
    p = MPRParameters(eta_bar, Delta, 0.0)
    r0 = fixed_points(p)[0].r
    g = lorentzian(eta_bar, Delta)
    rng = np.random.default_rng(seed)
    n_bins = int(round(T / bin_width))
    ests = []
    spec = None
    for _ in range(realizations):
        eta = g.sample(N, rng)
        s = periodic_activity(qif_frequencies(eta), rng.random(N), bin_width, n_bins)
        spec = welch(s, bin_width, segment)
        ests.append(spec.psd)
    S = lambda w: shot_spectrum_lorentzian(w, p, N, r0)
    s_inf, a = shot_spectrum_asymptote(p, N, r0)
    E = welch_expectation(lambda w: binned_spectrum(S, w, bin_width, s_inf, a), spec)
    if edges is None:
        w1 = 2 * math.sqrt(eta_bar)
        edges = np.concatenate([np.linspace(0.2, 0.8 * w1, 4), np.linspace(0.9 * w1, 1.1 * w1, 5),
                                np.linspace(1.25 * w1, 2.8 * w1, 5), [3.5 * w1, 6 * w1, 12 * w1]])
    res = band_comparison("shot noise of periodic trains (J=0)", spec.omega, np.array(ests), E, edges,
                          details={"omega": spec.omega, "mean_psd": np.mean(ests, axis=0), "expectation": E,
                                   "theory": S(spec.omega)})
    return res
