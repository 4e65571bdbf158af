"""Readable reference path of the QIF network: tan/atan per neuron and per step.

An independent implementation of the free Riccati flow tau dV/dt = V^2 + a (not generated from
the theory, on purpose): a > 0 through the phase theta = atan(V / sqrt a), a < 0 through tanh /
coth, a = 0 through u = -1/V.  The fast path of ``numerics.qif_network`` (Moebius coefficients
generated from theory.riccati) must agree with it spike for spike; the benchmark reports the
speed ratio of the two, both compiled with numba.
"""
from __future__ import annotations

import math

import numba
import numpy as np

from shotnoise.theory.errors import ParameterError

from .parameters import finite, finite_array, integer_at_least, positive


@numba.njit(cache=True)
def _reference_step(V: np.ndarray, a: np.ndarray, dt_over_tau: float) -> np.ndarray:
    """Readable reference for one step of the free Riccati flow: returns spikes per neuron.

    a > 0: theta = atan(V/sqrt a) advances by sqrt(a) dt/tau; every crossing of
    pi/2 (mod pi) is a spike; V = sqrt(a) tan(theta).  a < 0: V = -b tanh(psi)
    inside (-b, b), V = -b coth(psi) outside; psi advances by b dt/tau and a
    spike happens when psi crosses 0 from below with |V| > b.  a = 0: u = -1/V
    advances by dt/tau; a spike when u crosses 0.  Modifies V in place.
    """
    spikes = np.zeros(V.size, dtype=np.int64)
    for j in range(V.size):
        v, aj = V[j], a[j]
        if aj > 0:
            s = math.sqrt(aj)
            theta = math.atan(v / s) + s * dt_over_tau
            n = math.floor((theta + math.pi / 2) / math.pi)
            spikes[j] = n
            V[j] = s * math.tan(theta - n * math.pi)
        elif aj < 0:
            b = math.sqrt(-aj)
            beta = b * dt_over_tau
            if abs(v) < b:
                V[j] = -b * math.tanh(math.atanh(-v / b) + beta)
            else:
                psi = math.atanh(-b / v)  # V = -b coth(psi)  <=>  tanh(psi) = -b/V
                psi_new = psi + beta
                if psi < 0.0 <= psi_new:
                    spikes[j] = 1
                V[j] = -b / math.tanh(psi_new) if psi_new != 0.0 else -math.inf
        else:
            u = -1.0 / v if v != 0.0 else -math.inf
            u_new = u + dt_over_tau
            if u < 0.0 <= u_new:
                spikes[j] = 1
            V[j] = -1.0 / u_new
    return spikes


def reference_network(eta, *, J: float, I: float = 0.0, tau: float = 1.0, dt: float, n_steps: int, V0,
                      per_neuron: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Straightforward per-step simulation (tan/atan per neuron per step), kicks at step ends.

    Returns (spike count per step, spikes per step and neuron as an (n_steps, N) array,
    or None when ``per_neuron`` is False).  Compiled with numba like the fast path, so
    the benchmark ratio measures the algorithm, not the language.
    """
    eta = finite_array("eta", eta)
    if eta.size < 1:
        raise ParameterError("eta must contain at least one excitability (N >= 1)")
    if V0 is None:
        raise ParameterError("V0 (the initial voltages, one per neuron) is required")
    V = finite_array("V0", V0).copy()
    if V.size != eta.size:
        raise ParameterError("V0 must have one value per neuron (N=%d), got %d" % (eta.size, V.size))
    if not isinstance(per_neuron, (bool, np.bool_)):
        raise ParameterError("per_neuron must be True or False, got %r" % (per_neuron,))
    n_steps = integer_at_least("n_steps", n_steps, 1)
    if n_steps * (eta.size if per_neuron else 1) > MAX_STORED:
        raise ParameterError("the reference run would store %.3g counts (more than %.0e): fewer steps%s"
                             % (n_steps * (eta.size if per_neuron else 1), MAX_STORED,
                                " or per_neuron=False" if per_neuron else ""))
    return _reference_kernel(V, eta + finite("I", I), finite("J", J) / eta.size,
                             positive("dt", dt) / positive("tau", tau), n_steps, bool(per_neuron))


#: reference_network refuses to store more spike counts than this (memory: 8 bytes each)
MAX_STORED = 2 * 10**8


@numba.njit(cache=True)
def _reference_kernel(V, a, kick_per_spike, dt_over_tau, n_steps, per_neuron):
    counts = np.zeros(n_steps, dtype=np.int64)
    per = np.zeros((n_steps if per_neuron else 0, V.size), dtype=np.int64)
    kick = 0.0
    for k in range(n_steps):
        V += kick
        sp = _reference_step(V, a, dt_over_tau)
        if per_neuron:
            per[k] = sp
        counts[k] = sp.sum()
        kick = kick_per_spike * counts[k]
    return counts, per
