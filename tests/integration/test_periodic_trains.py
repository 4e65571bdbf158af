"""First theory-vs-simulation check: S_xi against independent periodic spike trains (J = 0)."""
import numpy as np

from shotnoise.numerics.spike_trains import periodic_activity


def test_periodic_trains_match_shot_noise_spectrum(quick_suite):
    res = quick_suite["periodic-trains"]
    assert res.passed, res
    # the check has power: the white-noise (Poisson) approximation r0/N is rejected near the peak
    d = res.details
    t_white = (d["band_means"] - d["band_theory"][-1]) / d["band_se"]
    assert np.max(np.abs(t_white)) > 5 * d["critical_t"]


def test_binned_counts_are_exact():
    s = periodic_activity(np.array([0.5, 0.0, 2.0]), np.array([0.25, 0.1, 0.0]), bin_width=0.1, n_bins=100)
    # over 10 time units: 0.5 Hz -> 5 spikes, silent -> 0, 2 Hz -> 20 spikes (phase 0: spike at t=0.5, ...)
    assert np.isclose(s.sum() * 3 * 0.1, 25)


def test_frequencies_use_the_effective_drive():
    from shotnoise.numerics.spike_trains import qif_frequencies
    f = qif_frequencies([1.0, -3.0, 0.5], r=0.2, J=2.0, I=0.1, tau=0.5)
    a = np.array([1.0, -3.0, 0.5]) + 0.1 + 2.0 * 0.5 * 0.2
    assert np.allclose(f, np.sqrt(np.maximum(a, 0)) / (np.pi * 0.5), rtol=1e-15) and f[1] == 0.0
