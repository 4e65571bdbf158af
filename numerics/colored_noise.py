"""Stationary Gaussian noise with a prescribed spectrum: the coloured shot-noise model of the mass model.

Two generators of x_k (spacing dt) with two-sided spectrum S_d(omega) on the Nyquist band
(``spectrum`` must already include binning and aliasing; S(omega) = int C(t) exp(-i omega t) dt):

* :func:`colored_shot_noise` — the readable reference: one FFT synthesis of the whole series
  (periodic with period n dt, memory grows with n);
* :class:`ColoredNoise` — the streaming generator used by the simulator: white Gaussian noise
  filtered by the zero-phase FIR filter h = IDFT(sqrt(S_d / dt)) of L taps, by overlap-save in
  chunks, so memory does not grow with the run.  Its spectrum is dt |H(omega)|^2 = S_d(omega)
  exactly on the grid 2 pi m/(L dt) and interpolated in between (L = 2^12 .. 2^18, i.e. a
  resolution far below a Welch bin).  Tests compare both with S_d.
"""
from __future__ import annotations

import math

import numpy as np
from scipy import signal

from shotnoise.theory.errors import ParameterError

from .parameters import integer_at_least, positive


def colored_shot_noise(n: int, dt: float, spectrum, rng: np.random.Generator) -> np.ndarray:
    """Stationary Gaussian series x_k (k < n, spacing dt) with two-sided spectrum S_d(omega) on the
    Nyquist band (``spectrum`` must already include binning/aliasing), by FFT synthesis:

        X_m = sqrt(S_d(omega_m) n / dt) (a_m + i b_m)/sqrt 2  (Hermitian), x = ifft(X).real,

    so that var x = (1/(n dt)) sum_m S_d(omega_m) = int S_d d omega / (2 pi).  Periodic with period n dt.
    """
    n = integer_at_least("n", n, 2)
    dt = positive("dt", dt)
    w = 2 * np.pi * np.fft.rfftfreq(n, d=dt)
    S = np.asarray(spectrum(w), dtype=float)
    if not np.all(np.isfinite(S)) or np.any(S < -1e-12 * np.max(np.abs(S))):
        raise ParameterError("spectrum must be finite and >= 0")
    S = np.maximum(S, 0.0)  # rounding at omega = 0, where S_d vanishes exactly
    amp = np.sqrt(S * n / dt)
    X = amp * (rng.standard_normal(w.size) + 1j * rng.standard_normal(w.size)) / math.sqrt(2)
    X[0] = 0.0  # zero mean
    if n % 2 == 0:
        X[-1] = amp[-1] * rng.standard_normal()  # Nyquist bin is real
    return np.fft.irfft(X, n=n)


class ColoredNoise:
    """Chunked Gaussian noise with two-sided spectrum S_d (see module docstring).

    Parameters (keyword-only): spectrum (callable on angular-frequency arrays), dt, rng
    (numpy Generator), taps (filter length, a power of two; default 2^16).
    ``next(n)`` returns the next n samples; successive calls continue one stationary series.
    """

    def __init__(self, *, spectrum, dt: float, rng: np.random.Generator, taps: int = 2**16):
        self.dt = positive("dt", dt)
        L = integer_at_least("taps", taps, 16)
        w = 2 * np.pi * np.fft.rfftfreq(L, d=self.dt)
        S = np.asarray(spectrum(w), dtype=float)
        if not np.all(np.isfinite(S)) or np.any(S < -1e-12 * np.max(np.abs(S))):
            raise ParameterError("spectrum must be finite and >= 0")
        h = np.fft.irfft(np.sqrt(np.maximum(S, 0.0) / self.dt), n=L)
        self._h = np.roll(h, L // 2)  # zero-phase response made causal by a delay of L/2 samples
        self._h[0] = 0.5 * self._h[0]  # split the Nyquist-lag tap symmetrically (keeps the response real-even)
        self._h = np.concatenate([self._h, self._h[:1]])
        self._rng = rng
        self._tail = rng.standard_normal(self._h.size - 1)

    def next(self, n: int) -> np.ndarray:
        """The next ``n`` samples of the series."""
        n = integer_at_least("n", n, 0)
        if n == 0:
            return np.zeros(0)
        e = np.concatenate([self._tail, self._rng.standard_normal(n)])
        self._tail = e[-(self._h.size - 1):]
        return signal.fftconvolve(e, self._h, mode="valid")


def filter_taps(n_steps: int) -> int:
    """Filter length for a run of n_steps: the next power of two, clipped to [2^12, 2^18]."""
    return int(2 ** min(18, max(12, math.ceil(math.log2(max(n_steps, 2))))))
