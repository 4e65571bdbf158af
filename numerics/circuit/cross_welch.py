"""Streaming Welch estimate of the spectral matrix of several real signals (auto- and cross-spectra).

:class:`CrossWelchAccumulator` is :class:`~shotnoise.numerics.streaming_welch.WelchAccumulator` for P
channels at once: the same segments (Hann window, mean removed per segment, 50 % overlap by default), the
same scale, the same frequency grid, so its diagonal equals the single-channel estimate to rounding.  The
off-diagonal elements follow the package convention (theory/THEORY.md, "Conventions"):

    S_ab(omega) = < x_a(omega) conj(x_b(omega)) > per unit time,   x(omega) = int x(t) exp(-i omega t) dt,

two-sided, angular frequency, returned at omega >= 0 (S_ab(-omega) = conj S_ab(omega) for real signals);
S_ba = conj S_ab.  (scipy.signal.csd(x_a, x_b) estimates conj S_ab, i.e. S_ba.)  Memory: one partial segment
per channel and the running (P, P, n_omega) sum, independent of the signal length.

Both circuit simulators use it: the network engine (numerics.circuit.network: the whole matrix, the auto-spectra
and the coherence) and the stochastic mass model (numerics.circuit.stochastic_mass: one :class:`CrossSpectrum`
per pair a < b, :meth:`CrossWelchAccumulator.cross_spectra`).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import signal

from shotnoise.theory.errors import ParameterError

from ..parameters import integer_at_least
from ..spectral_estimation import CONVENTION, Spectrum, chi2_interval, equivalent_dof
from ..streaming_welch import WelchAccumulator
from .operating_point import pair_key


@dataclass
class CrossSpectrum:
    """Welch estimate of the cross-spectrum S_ab = < X_a conj(X_b) > of channels a and b (complex, omega >= 0;
    two-sided, angular frequency), with the segmentation of the auto-spectra (Hann, mean removed per segment)."""

    a: str
    b: str
    omega: np.ndarray
    psd: np.ndarray
    dof: float
    n_segments: int
    nperseg: int
    dt: float
    convention: str = CONVENTION

    def to_dict(self) -> dict:
        return {"convention": self.convention, "pair": pair_key(self.a, self.b), "omega": self.omega.tolist(),
                "re": self.psd.real.tolist(), "im": self.psd.imag.tolist(), "dof": self.dof,
                "n_segments": self.n_segments}


class CrossWelchAccumulator:
    """Accumulate the Welch spectral matrix of ``channels`` real signals sampled at ``dt``.

    ``add(x)`` feeds the next samples, x of shape (channels, n); ``matrix()`` returns (omega, S) with S of
    shape (channels, channels, n_omega), complex; ``spectrum(a)`` the auto-spectrum of channel a as a
    :class:`Spectrum` (with its chi-square interval), identical to ``WelchAccumulator``'s; ``cross_spectra(names)``
    every pair a < b as a :class:`CrossSpectrum`; ``coherence()`` the magnitude-squared coherence
    |S_ab|^2 / (S_aa S_bb).
    """

    def __init__(self, *, channels: int, dt: float, segment: float, overlap: float = 0.5,
                 confidence: float = 0.95):
        self.channels = integer_at_least("channels", channels, 1)
        # the segmentation (and its validation) of the single-channel estimate, so the same segments by construction
        single = WelchAccumulator(dt=dt, segment=segment, overlap=overlap, confidence=confidence)
        self.dt, self.overlap, self.confidence = single.dt, single.overlap, single.confidence
        self.nperseg, self.noverlap = single.nperseg, single.noverlap
        self._step = self.nperseg - self.noverlap
        self._window = signal.get_window("hann", self.nperseg)
        self._scale = self.dt / np.sum(self._window**2)
        self._nkeep = (self.nperseg + 1) // 2
        self._sum = np.zeros((self.channels, self.channels, self._nkeep), dtype=np.complex128)
        self._buf = np.zeros((self.channels, 0))
        self.n_segments = 0
        self.n_samples = 0

    def add(self, x) -> None:
        """Feed the next samples: an array of shape (channels, n), n >= 0, finite."""
        x = np.asarray(x, dtype=float)
        if x.ndim != 2 or x.shape[0] != self.channels:
            raise ParameterError("x must have shape (channels=%d, n), got %r" % (self.channels, x.shape))
        if not np.all(np.isfinite(x)):
            raise ParameterError("x must be finite")
        if x.shape[1] == 0:
            return
        self.n_samples += x.shape[1]
        buf = np.concatenate([self._buf, x], axis=1) if self._buf.shape[1] else x
        n = buf.shape[1]
        n_new = 0 if n < self.nperseg else 1 + (n - self.nperseg) // self._step
        if n_new:
            segs = np.lib.stride_tricks.sliding_window_view(buf, self.nperseg, axis=1)[:, ::self._step][:, :n_new]
            segs = (segs - segs.mean(axis=2, keepdims=True)) * self._window
            X = np.fft.rfft(segs, axis=2)[:, :, : self._nkeep]  # (channels, segments, n_omega)
            self._sum += np.einsum("asf,bsf->abf", X, X.conj())
            self.n_segments += n_new
        self._buf = buf[:, n_new * self._step:].copy()

    def _check(self):
        if self.n_segments == 0:
            raise ParameterError("segment (%g) is longer than the signal (%g)"
                                 % (self.nperseg * self.dt, self.n_samples * self.dt))

    @property
    def omega(self) -> np.ndarray:
        f = np.fft.fftfreq(self.nperseg, 1.0 / (1.0 / self.dt))
        return 2 * np.pi * f[: self._nkeep]

    def matrix(self) -> tuple[np.ndarray, np.ndarray]:
        """(omega, S): the spectral matrix S[a, b, :] = S_ab(omega) (ParameterError before one full segment)."""
        self._check()
        S = self._sum * (self._scale / self.n_segments)
        for a in range(self.channels):
            S[a, a] = S[a, a].real  # exactly real on the diagonal
        return self.omega, S

    @property
    def dof(self) -> float:
        """Equivalent degrees of freedom of an auto-spectrum estimate per bin (overlapping Hann segments)."""
        return equivalent_dof(self.n_segments, nperseg=self.nperseg, noverlap=self.noverlap)

    def spectrum(self, a: int) -> Spectrum:
        """Auto-spectrum of channel ``a`` as a Spectrum (equal to WelchAccumulator's on the same samples)."""
        self._check()
        P = self._sum[a, a].real * self._scale / self.n_segments
        nu = self.dof
        lo, hi = chi2_interval(nu, confidence=self.confidence)
        return Spectrum(self.omega, P, P * lo, P * hi, nu, self.n_segments, self.nperseg, self.dt,
                        self.confidence, CONVENTION, overlap=self.overlap)

    def cross_spectra(self, names) -> dict:
        """The cross-spectrum of every pair of channels a < b as a :class:`CrossSpectrum` (names: one per channel,
        in channel order), keyed 'a|b' (``operating_point.pair_key``)."""
        if len(names) != self.channels:
            raise ParameterError("names must name the %d channels, got %r" % (self.channels, names))
        omega, S = self.matrix()
        nu = self.dof
        return {pair_key(names[a], names[b]): CrossSpectrum(names[a], names[b], omega, S[a, b], nu, self.n_segments,
                                                            self.nperseg, self.dt)
                for a in range(self.channels) for b in range(a + 1, self.channels)}

    def coherence(self) -> np.ndarray:
        """|S_ab|^2 / (S_aa S_bb), shape (channels, channels, n_omega) (nan where an auto-spectrum is 0)."""
        _, S = self.matrix()
        d = S[np.arange(self.channels), np.arange(self.channels)].real
        den = d[:, None, :] * d[None, :, :]
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(den > 0, np.abs(S) ** 2 / np.where(den > 0, den, 1.0), np.nan)
