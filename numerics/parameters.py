"""Validation of user parameters: one clear ``ValueError`` per bad value.

Every public numerical function validates through these helpers so that bad
input never turns into a silent NaN.  Messages name the parameter and the
allowed range.
"""
from __future__ import annotations

import math
import numbers
from dataclasses import dataclass

import numpy as np

from shotnoise.theory.errors import ParameterError


def _is_real_scalar(value) -> bool:
    """True for int, float and numpy real scalars (also 0-d real arrays); False for bool, str, complex, None."""
    if isinstance(value, np.ndarray):
        return value.ndim == 0 and value.dtype.kind in "iuf"
    if isinstance(value, (bool, np.bool_)):
        return False
    return isinstance(value, numbers.Real)


def finite(name: str, value) -> float:
    """Return ``value`` as float; ParameterError unless it is a finite real number.

    Accepted: int, float and numpy real scalars.  Rejected: bool, str (numbers given as
    text), complex, None, arrays with more than one value, nan and +-inf.
    """
    if not _is_real_scalar(value):
        raise ParameterError("%s must be a finite real number (int or float), got %r (%s)"
                             % (name, value, type(value).__name__))
    try:
        x = float(value)
    except (TypeError, ValueError, OverflowError):
        raise ParameterError("%s must be a finite real number, got %r" % (name, value)) from None
    if not math.isfinite(x):
        raise ParameterError("%s must be finite, got %r" % (name, value))
    return x


def positive(name: str, value) -> float:
    """Finite and > 0."""
    x = finite(name, value)
    if x <= 0:
        raise ParameterError("%s must be > 0, got %r" % (name, value))
    return x


def nonnegative(name: str, value) -> float:
    """Finite and >= 0."""
    x = finite(name, value)
    if x < 0:
        raise ParameterError("%s must be >= 0, got %r" % (name, value))
    return x


def in_range(name: str, value, lo: float, hi: float) -> float:
    """Finite with lo <= value <= hi."""
    x = finite(name, value)
    if not lo <= x <= hi:
        raise ParameterError("%s must be in [%g, %g], got %r" % (name, lo, hi, value))
    return x


def integer_at_least(name: str, value, minimum: int) -> int:
    """An integer >= ``minimum`` (int, numpy integer, or a float with an integral value; not bool or str)."""
    x = finite(name, value)
    if x != int(x) or x < minimum:
        raise ParameterError("%s must be an integer >= %d, got %r" % (name, minimum, value))
    return int(value) if isinstance(value, (int, np.integer)) else int(x)


def seed_value(name: str, value):
    """A seed for ``numpy.random.default_rng``: an int >= 0 (numpy integers too), a
    ``numpy.random.SeedSequence`` or a ``numpy.random.Generator`` (returned unchanged).
    Rejected: bool, float (also 1.0: a seed is not a measurement), str, None."""
    if isinstance(value, (np.random.Generator, np.random.SeedSequence)):
        return value
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)) or value < 0:
        raise ParameterError("%s must be an integer >= 0 (or a numpy Generator), got %r (%s)"
                             % (name, value, type(value).__name__))
    return int(value)


def rng_from(name: str, value) -> np.random.Generator:
    """``numpy.random.default_rng`` of a validated seed (see :func:`seed_value`)."""
    s = seed_value(name, value)
    return s if isinstance(s, np.random.Generator) else np.random.default_rng(s)


def finite_array(name: str, values, *, ndim: int | None = 1, allow_inf: bool = False) -> np.ndarray:
    """Float array with only finite real entries (``allow_inf``: +-inf allowed too, never nan).

    ``ndim=1`` (default): a 1-D array (a scalar becomes one value); input with more
    dimensions is a ParameterError.  ``ndim=None``: any shape.  Strings, bools, complex
    numbers, None and ragged lists are rejected.
    """
    if isinstance(values, (str, bytes)):
        raise ParameterError("%s must be an array of finite real numbers, got a string %r" % (name, values))
    try:
        a = np.asarray(values)
    except (TypeError, ValueError):
        raise ParameterError("%s must be an array of finite real numbers (ragged or invalid input)" % name) from None
    if a.dtype.kind not in "iuf":
        what = {"c": "complex", "b": "boolean", "U": "string", "S": "string", "O": "non-numeric"}.get(
            a.dtype.kind, a.dtype.name)
        raise ParameterError("%s must be an array of finite real numbers, got %s values" % (name, what))
    a = np.asarray(a, dtype=float)
    if ndim == 1:
        if a.ndim == 0:
            a = a.reshape(1)
        elif a.ndim != 1:
            raise ParameterError("%s must be one-dimensional, got an array of shape %s" % (name, a.shape))
    if allow_inf:
        if np.any(np.isnan(a)):
            raise ParameterError("%s must not contain nan" % name)
    elif not np.all(np.isfinite(a)):
        raise ParameterError("%s must contain only finite values" % name)
    return a


#: Supported magnitudes of the MPR parameters: |eta_bar|, |J|, |I| <= PARAMETER_BOUND and
#: DELTA_RANGE, TAU_RANGE for Delta and tau.  Inside these ranges every term of the MPR equations
#: (e.g. Delta/(pi tau^2), pi^2 tau r^2, J r) and the fixed points are representable in double
#: precision; outside them (e.g. tau = 1e-300, whose square underflows) a ParameterError says so.
PARAMETER_BOUND = 1e100
DELTA_RANGE = (1e-100, 1e100)
TAU_RANGE = (1e-50, 1e50)


def _bounded(name: str, value, lo: float, hi: float) -> float:
    x = finite(name, value)
    if not lo <= x <= hi:
        raise ParameterError("%s must be in [%g, %g] (the supported range of the MPR model), got %r"
                             % (name, lo, hi, value))
    return x


@dataclass(frozen=True)
class MPRParameters:
    """Validated MPR parameters (keyword order eta_bar, Delta, J, I, tau).

    Supported ranges (ParameterError outside, naming the parameter): eta_bar, J, I real with
    |value| <= 1e100; 1e-100 <= Delta <= 1e100; 1e-50 <= tau <= 1e50.  Values must be int,
    float or numpy real scalars (not str, bool or complex).  Inside these ranges the fixed
    points and every term of the MPR equations are finite double-precision numbers.
    """

    eta_bar: float
    Delta: float
    J: float
    I: float = 0.0
    tau: float = 1.0

    def __post_init__(self):
        b = PARAMETER_BOUND
        object.__setattr__(self, "eta_bar", _bounded("eta_bar", self.eta_bar, -b, b))
        object.__setattr__(self, "Delta", _bounded("Delta", positive("Delta", self.Delta), *DELTA_RANGE))
        object.__setattr__(self, "J", _bounded("J", self.J, -b, b))
        object.__setattr__(self, "I", _bounded("I", self.I, -b, b))
        object.__setattr__(self, "tau", _bounded("tau", positive("tau", self.tau), *TAU_RANGE))

    def as_tuple(self) -> tuple:
        """Kernel argument order (eta_bar, Delta, J, I, tau)."""
        return (self.eta_bar, self.Delta, self.J, self.I, self.tau)
