"""Synthetic Gaussian AR(2) series with a known resonant spectrum, shared by the meta tests.

x_k = a1 x_{k-1} + a2 x_{k-2} + sigma e_k sampled at dt has the two-sided angular-frequency
spectrum (package convention, variance = int S d omega / 2 pi over the Nyquist band)

    S(omega) = sigma^2 dt / |1 - a1 exp(-i omega dt) - a2 exp(-2 i omega dt)|^2,

periodic in omega, so it is already the "binned" spectrum that ``welch_expectation`` wants.
Poles r exp(+-i theta) with r = 0.9, theta = 0.2 pi: a peak at omega ~ theta/dt about four
Welch bins wide (nperseg = 128), like the network resonances relative to their bins.

Estimates are generated vectorised (``lfilter`` over columns, Welch by stride tricks);
:func:`check_against_package_welch` asserts that this reproduces the package's ``welch``
bit for bit (to 1e-12), so every statistic downstream is the package's estimate.
Everything is cached per session and seeded, hence deterministic.
"""
from __future__ import annotations

import dataclasses
from functools import lru_cache

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from scipy import signal

from shotnoise.numerics.spectral_estimation import welch, welch_expectation

DT = 0.02
R_POLE, THETA, SIGMA = 0.9, 0.2 * np.pi, 1.0
A1, A2 = 2 * R_POLE * np.cos(THETA), -R_POLE**2
L = 128                      # nperseg
STEP = L // 2                # 50 % overlap (welch default)
SEGMENT = L * DT
BURN = 400                   # r^400 ~ 5e-19: start-up transient gone
# bands in Welch-bin units (bin j at omega = 2 pi j / (L dt)); peak at bin 12.8.  Narrow bands
# around the peak, wider ones on the flank, like the package's _default_edges.
BAND_BINS = np.array([2, 4, 7, 10, 12, 14, 16, 20, 26, 36, 63])
EDGES = (BAND_BINS - 0.5) * 2 * np.pi / (L * DT)
N_BANDS = len(EDGES) - 1

K_T = 39          # segments per realization in band_comparison (check_network_spectrum: T=1000, segment=50)
R_T = 8           # realizations per draw (check_network_spectrum default)
D_T = 1000        # independent draws for band_comparison
K_CHI2 = 159      # segments of the one long series (check_stochastic_mass_spectrum: T=4000, segment=50)
D_CHI2 = 2000     # independent draws for chi2_band_comparison


def spectrum(omega):
    z = np.exp(-1j * np.asarray(omega, dtype=float) * DT)
    return SIGMA**2 * DT / np.abs(1 - A1 * z - A2 * z * z) ** 2


def n_samples(K: int) -> int:
    return L + (K - 1) * STEP


def ar2(rng, n_series: int, n: int, white: bool = False) -> np.ndarray:
    """(n_series, n) independent stationary series (AR(2), or white noise of variance sigma^2)."""
    e = rng.standard_normal((n + BURN, n_series))
    x = SIGMA * e if white else signal.lfilter([SIGMA], [1.0, -A1, -A2], e, axis=0)
    return np.ascontiguousarray(x[BURN:].T)


_WIN = signal.get_window("hann", L)


def fast_welch(X: np.ndarray, chunk: int = 500) -> np.ndarray:
    """Welch psd (rows of X) exactly as ``welch(x, DT, SEGMENT)`` computes it, omega >= 0 bins."""
    out = []
    for i in range(0, len(X), chunk):
        seg = sliding_window_view(X[i:i + chunk], L, axis=-1)[:, ::STEP, :]
        seg = seg - seg.mean(axis=-1, keepdims=True)
        F = np.fft.rfft(seg * _WIN, axis=-1)[..., : L // 2]
        out.append((F.real**2 + F.imag**2).mean(axis=1) * DT / np.sum(_WIN**2))
    return np.concatenate(out)


def check_against_package_welch(X: np.ndarray, P: np.ndarray, n_check: int = 20):
    """The package's Spectrum for X[0] (template), after asserting fast_welch == welch on n_check rows."""
    spec = None
    for x, p in zip(X[:n_check], P[:n_check]):
        spec = welch(x, dt=DT, segment=SEGMENT)
        np.testing.assert_allclose(spec.psd, p, rtol=1e-12, atol=0)
    return spec


def as_spectrum(template, psd):
    return dataclasses.replace(template, psd=psd)


@lru_cache(maxsize=None)
def t_data():
    """(psd (D_T, R_T, bins), template Spectrum, exact expected estimate) for band_comparison."""
    rng = np.random.default_rng(20240611)
    X = ar2(rng, D_T * R_T, n_samples(K_T))
    P = fast_welch(X)
    spec = check_against_package_welch(X, P)
    assert spec.n_segments == K_T
    return P.reshape(D_T, R_T, -1), spec, welch_expectation(spectrum, spec)


@lru_cache(maxsize=None)
def chi2_data():
    """(psd (D_CHI2, bins), template Spectrum, exact expected estimate) for chi2_band_comparison."""
    rng = np.random.default_rng(977)
    X = ar2(rng, D_CHI2, n_samples(K_CHI2))
    P = fast_welch(X)
    spec = check_against_package_welch(X, P, n_check=5)
    assert spec.n_segments == K_CHI2
    return P, spec, welch_expectation(spectrum, spec)


@lru_cache(maxsize=None)
def white_data():
    """Welch estimates of white noise (flat S = sigma^2 dt), 8000 series of K_T segments."""
    rng = np.random.default_rng(31337)
    X = ar2(rng, 8000, n_samples(K_T), white=True)
    P = fast_welch(X)
    spec = check_against_package_welch(X, P, n_check=5)
    return P, spec, np.full(spec.omega.shape, SIGMA**2 * DT)


def band_selections(omega):
    return [np.flatnonzero((omega >= a) & (omega < b) & (omega > 0)) for a, b in zip(EDGES[:-1], EDGES[1:])]
