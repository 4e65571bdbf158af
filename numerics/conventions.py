"""Spectral conventions: converters from the package convention to other common forms.

Package convention (everywhere): two-sided, angular frequency,
S(omega) = int C(t) exp(-i omega t) dt, so variance = int_{-inf}^{inf} S d omega / (2 pi).

* two-sided per unit frequency f (Hz if time is in s):  P2(f) = S(2 pi f),  variance = int P2 df
* one-sided per unit frequency (f >= 0):               P1(f) = 2 S(2 pi f), variance = int_0^inf P1 df
* one-sided per unit angular frequency (omega >= 0):   G1(omega) = S(omega) / pi, variance = int_0^inf G1 d omega
"""
from __future__ import annotations

import numpy as np

from .parameters import finite_array

CONVENTION = "two-sided, angular frequency"


def to_per_frequency(omega, S, one_sided: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """(f, P) with f = omega/(2 pi) and P = S (two-sided) or 2 S (one-sided, f >= 0 only)."""
    w, s = finite_array("omega", omega), finite_array("S", S)
    if w.shape != s.shape:
        raise ValueError("omega and S must have the same shape")
    f = w / (2 * np.pi)
    if one_sided:
        if np.any(w < 0):
            raise ValueError("one-sided spectra need omega >= 0")
        return f, 2 * s
    return f, s.copy()


def to_one_sided_angular(omega, S) -> tuple[np.ndarray, np.ndarray]:
    """(omega, S/pi) for omega >= 0: variance = int_0^inf (S/pi) d omega."""
    w, s = finite_array("omega", omega), finite_array("S", S)
    if np.any(w < 0):
        raise ValueError("one-sided spectra need omega >= 0")
    return w, s / np.pi


def from_per_frequency(f, P, one_sided: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Inverse of :func:`to_per_frequency`: back to (omega, S) in the package convention."""
    f, p = finite_array("f", f), finite_array("P", P)
    return 2 * np.pi * f, (p / 2 if one_sided else p.copy())
