"""Validation of user parameters: one clear ``ValueError`` per bad value.

Every public numerical function validates through these helpers so that bad
input never turns into a silent NaN.  Messages name the parameter and the
allowed range.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from shotnoise.theory.errors import ParameterError


def finite(name: str, value) -> float:
    """Return ``value`` as float; ValueError if it is not a finite real number."""
    try:
        x = float(value)
    except (TypeError, ValueError):
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


def integer_at_least(name: str, value, minimum: int) -> int:
    """An integer >= ``minimum`` (floats with integral values are accepted)."""
    x = finite(name, value)
    if x != int(x) or x < minimum:
        raise ParameterError("%s must be an integer >= %d, got %r" % (name, minimum, value))
    return int(x)


def finite_array(name: str, values) -> np.ndarray:
    """1-D float array with only finite entries."""
    a = np.asarray(values, dtype=float)
    if a.ndim == 0:
        a = a.reshape(1)
    if not np.all(np.isfinite(a)):
        raise ParameterError("%s must contain only finite values" % name)
    return a


@dataclass(frozen=True)
class MPRParameters:
    """Validated MPR parameters (eta_bar real, Delta > 0, J real, I real, tau > 0)."""

    eta_bar: float
    Delta: float
    J: float
    I: float = 0.0
    tau: float = 1.0

    def __post_init__(self):
        object.__setattr__(self, "eta_bar", finite("eta_bar", self.eta_bar))
        object.__setattr__(self, "Delta", positive("Delta", self.Delta))
        object.__setattr__(self, "J", finite("J", self.J))
        object.__setattr__(self, "I", finite("I", self.I))
        object.__setattr__(self, "tau", positive("tau", self.tau))

    def as_tuple(self) -> tuple:
        """Kernel argument order (eta_bar, Delta, J, I, tau)."""
        return (self.eta_bar, self.Delta, self.J, self.I, self.tau)
