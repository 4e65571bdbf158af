"""The finite sample's own asynchronous state: its self-consistent ("quenched") rate and stationary voltages.

For a fixed sample eta_1..eta_N the rate that the network fires at, to leading order, solves
r = mean_j f(eta_j + I + J tau r) with f(a) = sqrt(max(a, 0))/(pi tau) (theory/THEORY.md eqs. (27)-(28));
unlike the MPR rate it knows the truncated tail of a quantile sample (bias O(N^-1/2)) and the scatter of a
random one.  The stationary voltages put firing neurons at uniform phase and silent ones at rest.
"""
from __future__ import annotations

import numpy as np

from shotnoise.theory.errors import ParameterError

from ._generated.spectrum_kernels import effective_drive
from ._jit import pure
from .parameters import finite, finite_array, positive
from .spike_trains import qif_frequencies


def stationary_initial_state(eta, *, r0: float, J: float, I: float = 0.0, tau: float = 1.0,
                             rng: np.random.Generator) -> np.ndarray:
    """V_j in the asynchronous state at rate r0: uniform phase for firing neurons
    (V = sqrt(a) tan(pi (u - 1/2)), the stationary density of an oscillator), rest
    potential -sqrt(-a) for silent ones; a = eta + I + J tau r0 (generated ``effective_drive``)."""
    a = pure(effective_drive)(finite_array("eta", eta), finite("r0", r0), finite("J", J), finite("I", I),
                                positive("tau", tau))
    V = np.empty_like(a)
    fire = a > 0
    V[fire] = np.sqrt(a[fire]) * np.tan(np.pi * (rng.random(int(fire.sum())) - 0.5))
    V[~fire] = -np.sqrt(-a[~fire])
    return V


def quenched_rate(eta, *, J: float, I: float = 0.0, tau: float = 1.0, near: float | None = None) -> float:
    """Self-consistent rate over the actual sample: r = mean_j sqrt(max(eta_j + I + J tau r, 0))/(pi tau).

    Parameters
    ----------
    eta : array_like
        The sample of excitabilities.
    J, I, tau : float
        Coupling, external current, membrane time constant (> 0).
    near : float, optional
        Several roots can exist for J > 0 (bistability); the root closest to
        ``near`` (default: the largest) is returned.

    Raises
    ------
    ParameterError
        When no self-consistent rate exists (runaway excitation) or bad input.
    """
    from scipy.optimize import brentq

    eta = np.sort(finite_array("eta", eta))
    J, I, tau = finite("J", J), finite("I", I), positive("tau", tau)
    F = lambda r: np.mean(qif_frequencies(eta, r=r, J=J, I=I, tau=tau)) - r
    r_hi = 1.0
    while F(r_hi) > 0:
        r_hi *= 2
        if r_hi > 1e12:
            raise ParameterError("no self-consistent rate (runaway excitation, J=%r)" % J)
    grid = np.concatenate([[0.0], np.geomspace(1e-9, r_hi, 400)])
    vals = np.array([F(x) for x in grid])
    roots = []
    for i in range(grid.size - 1):
        if vals[i] == 0:
            roots.append(grid[i])
        elif vals[i] * vals[i + 1] < 0:
            roots.append(brentq(F, grid[i], grid[i + 1], xtol=1e-15, rtol=1e-13))
    if not roots:
        raise ParameterError("no self-consistent rate found")
    if near is None:
        return float(max(roots))
    return float(min(roots, key=lambda x: abs(x - near)))
