"""Welch estimation on the fly: segments accumulated as a simulation runs (memory independent of T).

:class:`WelchAccumulator` gives exactly the estimate of
:func:`~shotnoise.numerics.spectral_estimation.welch` on the concatenation of everything it was fed
(Hann window, mean removed per segment, two-sided density in angular frequency, S(omega) =
int C(t) exp(-i omega t) dt, variance = int S d omega / (2 pi)), but holds only one partial segment,
the running sum of periodograms and the running moments of the signal.  A test checks that it agrees
with ``welch`` to rounding for any chunking of the input.
"""
from __future__ import annotations

import numpy as np
from scipy import signal

from shotnoise.theory.errors import ParameterError

from .parameters import finite, finite_array, positive
from .spectral_estimation import CONVENTION, Spectrum, chi2_interval, equivalent_dof


class WelchAccumulator:
    """Accumulate a Welch estimate of a real signal sampled at ``dt`` (segments of length ``segment``).

    Parameters (keyword-only) as for ``welch``: dt, segment (time units, >= 8 samples),
    overlap in [0, 1) (default 0.5), confidence in (0, 1) for the chi-square interval.
    ``add(x)`` feeds the next samples; ``spectrum()`` returns the Welch estimate so far;
    ``mean``, ``variance`` and ``n_samples`` summarise the signal itself.
    """

    def __init__(self, *, dt: float, segment: float, overlap: float = 0.5, confidence: float = 0.95):
        self.dt = positive("dt", dt)
        segment = positive("segment", segment)
        self.overlap = finite("overlap", overlap)
        if not 0 <= self.overlap < 1:
            raise ParameterError("overlap must be in [0, 1), got %r" % overlap)
        self.confidence = finite("confidence", confidence)
        if not 0 < self.confidence < 1:
            raise ParameterError("confidence must be in (0, 1), got %r" % confidence)
        self.nperseg = int(round(segment / self.dt))
        if self.nperseg < 8:
            raise ParameterError("segment must be at least 8 samples (segment/dt = %d)" % self.nperseg)
        self.noverlap = int(round(self.overlap * self.nperseg))
        self._step = self.nperseg - self.noverlap
        self._window = signal.get_window("hann", self.nperseg)
        self._scale = self.dt / np.sum(self._window**2)
        self._nkeep = (self.nperseg + 1) // 2  # the bins omega >= 0 of the two-sided grid
        self._sum = np.zeros(self._nkeep)
        self._buf = np.zeros(0)
        self.n_segments = 0
        self.n_samples = 0
        self._s1 = 0.0
        self._s2 = 0.0
        self._shift = None  # first sample, subtracted from the moments for accuracy

    def add(self, x) -> None:
        """Feed the next samples (any length, including 0)."""
        x = finite_array("x", x)
        if x.size == 0:
            return
        if self._shift is None:
            self._shift = float(x[0])
        d = x - self._shift
        self._s1 += float(d.sum())
        self._s2 += float(d @ d)
        self.n_samples += x.size
        buf = np.concatenate([self._buf, x]) if self._buf.size else x
        n_new = 0 if buf.size < self.nperseg else 1 + (buf.size - self.nperseg) // self._step
        if n_new:
            segs = np.lib.stride_tricks.sliding_window_view(buf, self.nperseg)[::self._step][:n_new]
            segs = (segs - segs.mean(axis=1, keepdims=True)) * self._window
            X = np.fft.rfft(segs, axis=1)[:, : self._nkeep]
            self._sum += np.sum(X.real**2 + X.imag**2, axis=0)
            self.n_segments += n_new
        self._buf = buf[n_new * self._step:].copy()

    @property
    def mean(self) -> float:
        """Mean of all samples fed so far."""
        if self.n_samples == 0:
            raise ParameterError("no samples were accumulated")
        return self._shift + self._s1 / self.n_samples

    @property
    def variance(self) -> float:
        """Population variance of all samples fed so far."""
        if self.n_samples == 0:
            raise ParameterError("no samples were accumulated")
        m = self._s1 / self.n_samples
        return max(self._s2 / self.n_samples - m * m, 0.0)

    def spectrum(self) -> Spectrum:
        """The Welch estimate of everything fed so far (ParameterError if not one full segment yet)."""
        if self.n_segments == 0:
            raise ParameterError("segment (%g) is longer than the signal (%g)"
                                 % (self.nperseg * self.dt, self.n_samples * self.dt))
        P = self._sum * self._scale / self.n_segments
        f = np.fft.fftfreq(self.nperseg, 1.0 / (1.0 / self.dt))  # exactly welch()'s grid (scipy uses fs = 1/dt)
        omega = 2 * np.pi * f[: self._nkeep]
        nu = equivalent_dof(self.n_segments, nperseg=self.nperseg, noverlap=self.noverlap)
        lo, hi = chi2_interval(nu, confidence=self.confidence)
        return Spectrum(omega, P, P * lo, P * hi, nu, self.n_segments, self.nperseg, self.dt, self.confidence,
                        CONVENTION, overlap=self.overlap)
