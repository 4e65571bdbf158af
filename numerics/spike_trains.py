"""Independent periodic spike trains with random phases (the J = 0 shot noise, no network).

Neuron j fires at t = (k - phase_j) / f_j, k = 1, 2, ...; silent neurons (f_j = 0)
never fire.  Counts are binned exactly: the number of spikes in [a, b) is
floor(f b + phase) - floor(f a + phase).  This is the model behind S_xi of
theory/THEORY.md eqs. (27), (31)-(32).  The firing frequency f = sqrt(max(a, 0))/(pi tau) of the drive
a = eta + I + J tau r is printed from theory.shot_noise (generated kernels
``effective_drive`` and ``frequency_of_drive``).
"""
from __future__ import annotations

import math

import numba
import numpy as np

from shotnoise.theory.errors import ParameterError

from ._generated.spectrum_kernels import effective_drive, frequency_of_drive
from .parameters import finite, finite_array, integer_at_least, positive


#: periodic_activity refuses more bins than this (memory: 8 bytes each)
MAX_BINS = 2 * 10**8


@numba.njit(cache=True)
def _binned_counts(freqs, phases, bin_width, n_bins):
    counts = np.zeros(n_bins)
    for j in range(freqs.size):
        f = freqs[j]
        if f <= 0.0:
            continue
        prev = math.floor(phases[j])
        for b in range(n_bins):
            cur = math.floor(f * (b + 1) * bin_width + phases[j])
            counts[b] += cur - prev
            prev = cur
    return counts


def periodic_activity(freqs, phases, *, bin_width: float, n_bins: int) -> np.ndarray:
    """Activity s_b = (spikes in bin b) / (N bin_width) of N periodic trains (N = len(freqs)).

    Parameters
    ----------
    freqs, phases : array_like
        Firing frequency f_j >= 0 (0: silent) and phase in [0, 1) of each train;
        train j fires at t = (k - phase_j)/f_j, k = 1, 2, ...
    bin_width : float
        Bin width (> 0); bins start at t = 0.
    n_bins : int
        Number of bins (>= 1).
    """
    f = finite_array("freqs", freqs)
    ph = finite_array("phases", phases)
    if f.size < 1:
        raise ParameterError("freqs must contain at least one train (N >= 1)")
    if f.shape != ph.shape:
        raise ParameterError("freqs and phases must have the same length, got %d and %d" % (f.size, ph.size))
    if np.any(f < 0):
        raise ParameterError("freqs must be >= 0")
    if np.any((ph < 0) | (ph >= 1)):
        raise ParameterError("phases must be in [0, 1)")
    bw = positive("bin_width", bin_width)
    nb = integer_at_least("n_bins", n_bins, 1)
    if nb > MAX_BINS:
        raise ParameterError("n_bins must be <= %.0e (memory), got %d" % (MAX_BINS, nb))
    if not np.all(np.isfinite(f * (nb * bw))):
        raise ParameterError("freqs * n_bins * bin_width must be finite (spike counts overflow)")
    return _binned_counts(f, ph, bw, nb) / (f.size * bw)


@numba.njit(cache=True)
def _frequencies(eta, r, J, I, tau):
    out = np.empty(eta.size)
    for j in range(eta.size):
        out[j] = frequency_of_drive(max(effective_drive(eta[j], r, J, I, tau), 0.0), tau)
    return out


def qif_frequencies(eta, *, r: float = 0.0, J: float = 0.0, I: float = 0.0, tau: float = 1.0) -> np.ndarray:
    """QIF firing frequencies f_j = sqrt(max(eta_j + I + J tau r, 0)) / (pi tau) (silent neurons: 0).

    Parameters
    ----------
    eta : array_like
        Excitabilities.
    r : float
        Population rate entering the recurrent drive J tau r.
    J, I, tau : float
        Coupling, external current, membrane time constant (> 0).
    """
    e = finite_array("eta", eta)
    return _frequencies(e, finite("r", r), finite("J", J), finite("I", I), positive("tau", tau))
