"""Meta test: the expected Welch estimate includes welch()'s per-segment mean removal.

For a process whose spectrum vanishes at omega -> 0 (here differenced white noise, S = 2 sigma^2 dt
(1 - cos omega dt) ~ omega^2), the first Welch bins (k = 0, 1 for the Hann window) are dominated by
power that the mean removal leaks in from the rest of the band.  Over 4000 seeded series the mean
estimate at bins 0..3 must equal ``welch_expectation`` within 5 standard errors (Bonferroni over 4
bins: a spurious failure has probability < 1e-5), and the expectation without the mean-removal term
(the plain window convolution) must be rejected at bin 1 -- this is what made shot-noise networks look
60-90x above the theory at omega = 2 pi/segment.
"""
import numpy as np

from shotnoise.numerics.spectral_estimation import _window, welch, welch_expectation

DT, SEG, N_SAMPLES, DRAWS = 0.02, 2.56, 1280, 4000


def _spectrum(w):
    return 2.0 * DT * (1.0 - np.cos(w * DT))


def test_first_bins_match_the_expectation_with_mean_removal():
    rng = np.random.default_rng(2026)
    e = rng.standard_normal((DRAWS, N_SAMPLES + 1))
    x = np.diff(e, axis=1)
    P = np.array([welch(xi, dt=DT, segment=SEG).psd[:4] for xi in x])
    spec = welch(x[0], dt=DT, segment=SEG)
    E = welch_expectation(S_binned=_spectrum, spec=spec)[:4]
    mean, se = P.mean(axis=0), P.std(axis=0, ddof=1) / np.sqrt(DRAWS)
    assert np.all(np.abs(mean - E) < 5 * se), (mean, E, se)
    # the plain window convolution (no mean-removal term) is far off at bin 1
    L, M = spec.nperseg, 8 * spec.nperseg
    grid = 2 * np.pi * np.fft.fftfreq(M, d=DT)
    w = _window(L)
    K = np.abs(np.fft.fft(w, n=M)) ** 2 / (M * np.sum(w**2))
    plain = np.real(np.fft.ifft(np.fft.fft(_spectrum(grid)) * np.fft.fft(K)))[8]
    assert abs(mean[1] - plain) > 20 * se[1]
