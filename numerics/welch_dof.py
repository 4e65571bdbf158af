"""Equivalent degrees of freedom of Welch band means, from the exact Gaussian covariance of the estimate.

A band mean of a Welch estimate is approximately E_b chi2_nu / nu.  Its dof nu_b = 2 E_b^2 /
Var(band mean) depends on the segment overlap, on the correlation of neighbouring bins (Hann
window), and on how the spectrum varies within the band; :func:`band_dof` computes it from
:func:`welch_covariance` (exact for a Gaussian stationary process), or per bin locally white
when only the expectation is known.  Tested against simulated AR(2) processes in tests/meta.
"""
from __future__ import annotations

from functools import lru_cache
from types import SimpleNamespace

import numpy as np
from scipy import signal

from shotnoise.theory.errors import ParameterError


def _band_selections(omega: np.ndarray, edges) -> list[np.ndarray]:
    edges = np.asarray(edges, dtype=float)
    out = []
    for a, b in zip(edges[:-1], edges[1:]):
        sel = np.flatnonzero((omega >= a) & (omega < b) & (omega > 0))
        if sel.size == 0:
            raise ParameterError("band [%g, %g) contains no frequency bin; widen it" % (a, b))
        out.append(sel)
    return out


def welch_covariance(spec, bins, S_grid=None, *, oversample: int = 8, reach: int = 32,
                     overlap: float = 0.5, pseudo: bool = True) -> np.ndarray:
    """Covariance matrix of the Welch ordinates ``spec.psd[bins]`` of a Gaussian stationary process.

    Cov(P_i, P_j) = c^2/K^2 sum_{k,l} (|A_{kl}(i,j)|^2 + |B_{kl}(i,j)|^2), c = dt/sum w^2, with
    A = int S(w) e^{i w D} W(w_i - w) W*(w_j - w) dw/2pi and B the same with W(w_j + w)
    (segments k, l a lag D apart; W the window transform).  ``S_grid`` holds the (binned)
    spectrum on the grid 2 pi fftfreq(M, dt), M = oversample * nperseg (``None``: white,
    S = 1).  Only segment pairs that overlap are summed and the window response is cut
    ``reach`` bins away from the band (Hann sidelobes ~ 1e-9 there); the per-segment mean
    removal is ignored (it affects only the two lowest bins).  ``overlap`` as given to ``welch``;
    ``pseudo=False`` drops the B term (negligible except next to omega = 0 and Nyquist).
    """
    L, K, dt = spec.nperseg, spec.n_segments, spec.dt
    step = L - int(round(overlap * L))
    M = oversample * L
    w = signal.get_window("hann", L)
    Wf = np.fft.fft(w, n=M)
    S_grid = np.ones(M) if S_grid is None else np.asarray(S_grid, dtype=float)
    bins = np.asarray(bins, dtype=int)
    q = bins * oversample
    m = np.arange(q.min() - reach * oversample, q.max() + reach * oversample + 1) % M
    WA = Wf[(q[:, None] - m[None, :]) % M]          # W(w_i - w_m)
    WB = Wf[(q[:, None] + m[None, :]) % M]          # W(w_j + w_m)
    Sm = S_grid[m] / (M * dt)
    c = dt / np.sum(w**2)
    cov = np.zeros((bins.size, bins.size))
    d_max = min(K - 1, (L - 1) // step)
    for d in range(-d_max, d_max + 1):
        D = d * step
        ph = Sm * np.exp(2j * np.pi * m * D / M)
        A = (WA * ph) @ WA.conj().T
        cov += (K - abs(d)) * np.abs(A) ** 2
        if pseudo:
            cov += (K - abs(d)) * np.abs((WA * ph) @ WB.T) ** 2
    return cov * c**2 / K**2


@lru_cache(maxsize=64)
def _white_gamma(nperseg: int, n_segments: int, dt: float, n: int, oversample: int, overlap: float) -> np.ndarray:
    """gamma[d] = Cov(P_i, P_{i+d}) / E^2 of a Welch estimate of white noise (away from 0 and Nyquist)."""
    spec = SimpleNamespace(nperseg=nperseg, n_segments=n_segments, dt=dt)
    g = welch_covariance(spec, np.arange(n), None, oversample=oversample, overlap=overlap, pseudo=False)[0]
    g.setflags(write=False)
    return g  # white S = 1 has E = 1


def band_dof(spec, expectation: np.ndarray, edges, *, spectrum=None, oversample: int = 8,
             overlap: float = 0.5) -> np.ndarray:
    """Equivalent chi-square dof of each band mean of a Welch estimate, nu_b = 2 E_b^2 / Var(band mean).

    With ``spectrum`` (the callable binned spectrum given to ``welch_expectation``) the
    variance is the exact Gaussian one from :func:`welch_covariance` (overlap, bin offsets
    and the shape of S within and between bins all included).  Without it the process is
    taken locally white *per bin*: Cov(P_i, P_j) = E_i E_j Gamma(i - j), Gamma the exact
    white-noise covariance of the overlapped Hann-Welch estimate, so the variation of the
    expectation across the band is weighted in (nu_b = 2 (sum E_i)^2 / sum E_i E_j Gamma).
    ``overlap`` as given to ``welch`` (default 0.5, the package's).
    """
    expectation = np.asarray(expectation, dtype=float)
    sels = _band_selections(spec.omega, edges)
    S_grid = None
    if spectrum is not None:
        M = oversample * spec.nperseg
        S_grid = spectrum(2 * np.pi * np.fft.fftfreq(M, d=spec.dt))
    else:
        gamma = _white_gamma(spec.nperseg, spec.n_segments, spec.dt, max(s.size for s in sels), oversample, overlap)
    out = []
    for sel in sels:
        E = expectation[sel]
        if S_grid is not None:
            V = welch_covariance(spec, sel, S_grid, oversample=oversample, overlap=overlap).sum() / sel.size**2
        else:
            d = np.abs(np.subtract.outer(np.arange(sel.size), np.arange(sel.size)))
            V = E @ gamma[d] @ E / sel.size**2
        out.append(2 * E.mean() ** 2 / V)
    return np.array(out)
