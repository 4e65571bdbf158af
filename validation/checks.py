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


def _binned_theory(p: MPRParameters, N: float, M: float | None, bin_width: float, white: bool = False,
                   branch: str | None = None):
    """Binned linear-theory spectrum of the (sub)population activity as a callable, plus r0.

    white=True replaces S_xi by its white-noise limit r0/N (the diffusion approximation).
    """
    from shotnoise.numerics.linear_response import network_spectra

    ns0 = network_spectra([1.0], p, N, M=M, branch=branch)
    r0 = ns0.fixed_point.r
    s_inf, a = shot_spectrum_asymptote(p, N, r0)

    def S(w):
        ns = network_spectra(w, p, N, M=M, branch=branch)
        if white:
            return (r0 / N) / np.abs(1 - p.J * ns.G) ** 2
        return ns.subpopulation if M else ns.activity

    if white:
        a = 0.0
        s_inf = r0 / N
    if M:
        s_inf, a = s_inf * N / M, a * N / M
    return (lambda w: binned_spectrum(S, w, bin_width, s_inf, a)), r0


def check_network_spectrum(eta_bar: float = 1.0, Delta: float = 0.1, J: float = 0.0, N: int = 200,
                           T: float = 1000.0, dt: float = 2e-3, bin_width: float = 0.02, segment: float = 50.0,
                           realizations: int = 8, seed: int = 11, edges=None, M: int | None = None,
                           name: str | None = None) -> CheckResult:
    """Network activity spectrum vs S_xi / |1 - J G|^2 (band averages over realizations of random draws).

    Each realization draws eta_j i.i.d. from the Lorentzian (and initial phases), simulates
    the network, and estimates the spectrum of the activity (or of a random subset of M).
    """
    from shotnoise.numerics.qif_network import simulate_network

    p = MPRParameters(eta_bar, Delta, J)
    Sb, r0 = _binned_theory(p, N, M, bin_width)
    g = lorentzian(eta_bar, Delta)
    rng = np.random.default_rng(seed)
    ests, spec = [], None
    for k in range(realizations):
        eta = g.sample(N, rng)
        res = simulate_network(eta, J, T=T + 20.0, dt=dt, transient=20.0, bin_width=bin_width, M=M or 0,
                               seed=int(rng.integers(2**31)), r_init=r0)
        x = res.activity_M if M else res.activity
        spec = welch(x, bin_width, segment)
        ests.append(spec.psd)
    E = welch_expectation(Sb, spec)
    if edges is None:
        edges = _default_edges(p, r0)
    nm = name or ("network spectrum J=%g%s" % (J, "" if not M else " (M=%d of N=%d)" % (M, N)))
    ns = __import__("shotnoise.numerics.linear_response", fromlist=["network_spectra"]).network_spectra(
        spec.omega, p, N, M=M)
    return band_comparison(nm, spec.omega, np.array(ests), E, edges,
                           note="random Lorentzian draws; kicks at step ends (delay dt/2)",
                           details={"omega": spec.omega, "mean_psd": np.mean(ests, axis=0), "expectation": E,
                                    "theory": ns.subpopulation if M else ns.activity, "shot": ns.shot})


def _default_edges(p: MPRParameters, r0: float) -> np.ndarray:
    """Bands resolving the shot-noise peak, its second harmonic, the resonance and the flat tail."""
    eta_t = p.eta_bar + p.I + p.J * p.tau * r0
    w1 = 2 * math.sqrt(max(eta_t, 1e-3)) / p.tau
    pts = {0.15 * w1, 0.4 * w1, 0.7 * w1, 0.85 * w1, 0.95 * w1, 1.05 * w1, 1.15 * w1, 1.4 * w1, 1.8 * w1,
           1.95 * w1, 2.05 * w1, 2.3 * w1, 3.5 * w1, 6 * w1, 12 * w1}
    x = 4 * math.pi**2 * r0**2 - 2 * p.J * r0 / p.tau
    if x > 0:
        wr = math.sqrt(x)
        pts |= {0.9 * wr, 1.1 * wr}
    e = np.array(sorted(pts))
    keep = [e[0]]
    for v in e[1:]:
        if v - keep[-1] > 0.12:  # at least two Welch bins per band (segment 50 -> 0.126)
            keep.append(v)
    return np.array(keep)


def check_stochastic_mass_spectrum(noise: str = "white", eta_bar: float = 1.0, Delta: float = 0.1, J: float = -2.0,
                                   N: float = 10_000, T: float = 4000.0, dt: float = 5e-3, bin_width: float = 0.02,
                                   segment: float = 50.0, seed: int = 3, reference: str = "own") -> CheckResult:
    """Spectrum of s = r + xi of the stochastic mass model vs linear theory (one long run, chi-square bands).

    reference='own': the model's own linear theory ((r0/N)/|1-JG|^2 for white noise,
    S_xi/|1-JG|^2 for coloured and surrogate noise); reference='network': always
    S_xi/|1-JG|^2, which shows where the white-noise approximation fails.
    """
    from shotnoise.numerics.stochastic_mass import simulate_stochastic_mass

    p = MPRParameters(eta_bar, Delta, J)
    run = simulate_stochastic_mass(p, N, T=T + 20.0, dt=dt, noise=noise, transient=20.0, bin_width=bin_width,
                                   seed=seed)
    spec = welch(run.s, bin_width, segment)
    white = noise == "white" and reference == "own"
    Sb, r0 = _binned_theory(p, N, None, bin_width, white=white)
    E = welch_expectation(Sb, spec)
    from .results import chi2_band_comparison
    return chi2_band_comparison("stochastic mass (%s noise) vs %s" % (noise, "white-noise theory" if white
                                                                       else "shot-noise theory"),
                                spec, E, _default_edges(p, r0),
                                details={"omega": spec.omega, "psd": spec.psd, "ci_low": spec.ci_low,
                                         "ci_high": spec.ci_high, "expectation": E})
