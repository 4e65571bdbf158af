"""Constant memory in T: Welch estimates and means accumulated on the fly, coloured noise in chunks."""
import tracemalloc

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from shotnoise.numerics import Model, ParameterError, welch
from shotnoise.numerics.colored_noise import ColoredNoise, colored_shot_noise
from shotnoise.numerics.spectral_estimation import welch_expectation
from shotnoise.numerics.streaming_welch import WelchAccumulator

X = np.random.default_rng(7).standard_normal(20_011) + 2.5


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(0, 3000), min_size=1, max_size=30), st.sampled_from([(0.02, 5.0), (0.01, 2.56), (0.03, 1.0)]))
def test_accumulator_equals_welch_for_any_chunking(cuts, grid):
    dt, seg = grid
    edges = np.clip(np.cumsum(cuts), 0, X.size)
    acc = WelchAccumulator(dt=dt, segment=seg)
    for part in np.split(X, edges):
        acc.add(part)
    ref, got = welch(X, dt=dt, segment=seg), acc.spectrum()
    assert np.array_equal(ref.omega, got.omega) and got.n_segments == ref.n_segments and got.dof == ref.dof
    assert np.allclose(got.psd, ref.psd, rtol=1e-12, atol=0)
    assert acc.mean == pytest.approx(X.mean(), rel=1e-13) and acc.variance == pytest.approx(X.var(), rel=1e-10)


def test_accumulator_needs_a_full_segment():
    acc = WelchAccumulator(dt=0.1, segment=10.0)
    acc.add(np.ones(50))
    with pytest.raises(ParameterError, match="segment"):
        acc.spectrum()


def test_network_streaming_equals_the_kept_series():
    m = Model(eta_bar=1.0, Delta=0.2, J=-1.0, N=400, M=40)
    kw = dict(T=60.0, dt=5e-3, transient=5.0, bin_width=0.02, draw="random", seed=4, segment=10.0)
    kept = m.simulate_network(keep_series=True, **kw)
    lean = m.simulate_network(keep_series=False, **kw)
    assert lean.activity is None and lean.Z is None
    assert np.array_equal(kept.activity.size, lean.n_bins)
    assert lean.mean_rate == pytest.approx(kept.activity.mean(), rel=1e-12)
    assert lean.mean_rate_M == pytest.approx(kept.activity_M.mean(), rel=1e-12)
    assert lean.mean_rate_Z == pytest.approx(kept.r_Z.mean(), rel=1e-12)
    ref = welch(kept.activity, dt=0.02, segment=10.0)
    assert np.allclose(lean.spectrum.psd, ref.psd, rtol=1e-12) and np.allclose(kept.spectrum.psd, ref.psd, rtol=1e-12)
    assert np.allclose(lean.spectrum_M.psd, welch(kept.activity_M, dt=0.02, segment=10.0).psd, rtol=1e-12)


@pytest.mark.parametrize("noise", ["white", "colored", "surrogate"])
def test_mass_streaming_equals_the_kept_series(noise):
    m = Model(eta_bar=1.0, Delta=0.1, J=-2.0, N=500)
    kw = dict(T=300.0, dt=5e-3, noise=noise, transient=10.0, bin_width=0.02, seed=9, segment=20.0)
    kept = m.simulate_stochastic_mass(keep_series=True, **kw)
    lean = m.simulate_stochastic_mass(keep_series=False, **kw)
    assert lean.s is None and lean.n_bins == kept.s.size
    assert lean.mean_rate == pytest.approx(kept.s.mean(), rel=1e-12)
    assert np.allclose(lean.spectrum.psd, welch(kept.s, dt=0.02, segment=20.0).psd, rtol=1e-12)


def test_network_memory_does_not_grow_with_T():
    m = Model(eta_bar=1.0, Delta=0.2, J=-1.0, N=200)
    m.simulate_network(T=2.0, dt=0.01, keep_series=False, segment=1.0)  # compile outside the measurement
    peaks = []
    for T in (1000.0, 5000.0):  # 5e4 and 2.5e5 bins, both beyond one chunk (CHUNK_BINS)
        tracemalloc.start()
        m.simulate_network(T=T, dt=0.01, bin_width=0.02, keep_series=False, segment=10.0)
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
    assert peaks[1] < 1.3 * peaks[0], peaks  # kept series would grow 5x (~100 bytes per bin)


def test_colored_noise_chunks_continue_one_series():
    S = lambda w: 1.0 / (1.0 + (np.abs(w) - 3.0) ** 2)
    a = ColoredNoise(spectrum=S, dt=0.01, rng=np.random.default_rng(3), taps=4096)
    b = ColoredNoise(spectrum=S, dt=0.01, rng=np.random.default_rng(3), taps=4096)
    whole = a.next(30_000)
    parts = np.concatenate([b.next(n) for n in (1, 9_999, 0, 15_000, 5_000)])
    assert np.allclose(whole, parts, rtol=0, atol=1e-12)


@pytest.mark.parametrize("generator", ["chunked", "reference"])
def test_colored_noise_has_the_requested_spectrum(generator):
    """Welch estimate of the generated noise vs the exact expectation: chi-square bands, Bonferroni 1e-3."""
    dt, n = 0.01, 2**19
    S = lambda w: 0.2 / (1.0 + ((np.abs(w) - 6.0) / 0.5) ** 2) + 0.01
    rng = np.random.default_rng(11)
    x = (ColoredNoise(spectrum=S, dt=dt, rng=rng, taps=2**14).next(n) if generator == "chunked"
         else colored_shot_noise(n, dt, S, rng))
    spec = welch(x, dt=dt, segment=81.92)
    E = welch_expectation(S_binned=S, spec=spec)
    edges = np.array([1.0, 3.0, 5.0, 5.6, 5.9, 6.1, 6.4, 7.0, 9.0, 15.0, 40.0])
    from shotnoise.numerics.spectral_estimation import band_average
    c, mean, nu = band_average(spec, edges, expectation=E)
    th = np.array([E[(spec.omega >= a) & (spec.omega < b)].mean() for a, b in zip(edges[:-1], edges[1:])])
    alpha = 1e-3 / len(c)
    lo, hi = stats.chi2.ppf(alpha / 2, nu) / nu, stats.chi2.ppf(1 - alpha / 2, nu) / nu
    ratio = mean / th
    assert np.all((ratio > lo) & (ratio < hi)), list(zip(c, ratio, lo, hi))
    assert th.max() / th.min() > 10  # the peak is resolved: the test has power
