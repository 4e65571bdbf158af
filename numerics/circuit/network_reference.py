"""Readable reference of the P-population network (``numerics.circuit.network``): tan/atan per neuron per step.

Plain Python and numpy for small N (the per-neuron flow compiled, as in qif_reference): the same scheme as
the fast path (see its module docstring) written out step by step, with the free Riccati flow
tau dV/dt = V^2 + a evaluated through the phase instead of the generated Moebius coefficients, by the
single-population reference step of ``numerics.qif_reference`` (a > 0 through theta = atan(V/sqrt a), a
spike per crossing of pi/2 mod pi; a < 0 through tanh / coth, a spike when V passes +inf; a = 0 through
u = -1/V).  The fast path must agree with it spike for spike (tests/unit/test_circuit_network.py).
"""
from __future__ import annotations

import numpy as np

from shotnoise.theory.errors import ParameterError

from .._generated.circuit_kernels import synapse_decay, synapse_jump
from ..parameters import integer_at_least, positive
from ..qif_reference import _reference_step as free_flow  # the tan/atan flow over dt/tau, spikes per neuron


def order_parameter(V: np.ndarray) -> complex:
    """Z = <exp(i theta)>, theta = 2 atan V."""
    return complex(np.mean(np.exp(2j * np.arctan(V))))


def reference_populations(etas, *, J, tau, tau_s, I, r_init, dt: float, n_steps: int, V0s):
    """Run the scheme for ``n_steps`` steps from the voltages ``V0s`` (one array per population).

    Returns (counts, s, per_neuron, V): spikes per step and population (n_steps, P); s_b at the step
    ends (n_steps, P) (the activity n_b/(N_b dt) for delta synapses); per population the spikes per step
    and neuron (n_steps, N_a); the voltages at T (after the trailing half-shift of the last Strang step).
    """
    P = len(etas)
    etas = [np.asarray(e, dtype=float) for e in etas]
    J = np.asarray(J, dtype=float)
    tau, tau_s, I, r_init = (np.asarray(x, dtype=float) for x in (tau, tau_s, I, r_init))
    if J.shape != (P, P) or any(x.shape != (P,) for x in (tau, tau_s, I, r_init)):
        raise ParameterError("J must be (P, P) and tau, tau_s, I, r_init of length P=%d" % P)
    dt = positive("dt", dt)
    n_steps = integer_at_least("n_steps", n_steps, 1)
    if len(V0s) != P or any(len(v) != e.size for v, e in zip(V0s, etas)):
        raise ParameterError("V0s must hold one voltage per neuron of every population")
    N = np.array([e.size for e in etas])
    exp_syn = tau_s > 0
    # constant drive: eta_j + I_a + tau_a sum_{b exp} J_ab r_b; only the fluctuations are shifts
    drive = [etas[a] + I[a] + tau[a] * sum(J[a, b] * r_init[b] for b in range(P) if exp_syn[b])
             for a in range(P)]
    V = [np.array(v, dtype=float) for v in V0s]
    s = r_init.copy()
    n_prev = np.zeros(P, dtype=np.int64)
    counts = np.zeros((n_steps, P), dtype=np.int64)
    s_out = np.zeros((n_steps, P))
    per = [np.zeros((n_steps, N[a]), dtype=np.int64) for a in range(P)]
    for k in range(n_steps):
        weight = 0.5 if k == 0 else 1.0  # Strang: half a shift before the first map
        for a in range(P):
            kick = 0.0
            for b in range(P):
                if exp_syn[b]:
                    kick += weight * dt * J[a, b] * (s[b] - r_init[b])
                else:
                    kick += J[a, b] * n_prev[b] / N[b]
            V[a] += kick
        for a in range(P):
            per[a][k] = free_flow(V[a], drive[a], dt / tau[a])
            counts[k, a] = per[a][k].sum()
        for b in range(P):
            if exp_syn[b]:  # the exact decay, the spikes of the step at its midpoint
                s[b] = s[b] * synapse_decay(dt, tau_s[b]) + counts[k, b] * synapse_jump(dt / 2, tau_s[b], float(N[b]))
            else:
                s[b] = counts[k, b] / (N[b] * dt)
        s_out[k] = s
        n_prev = counts[k].copy()
    # the state at T: the trailing half-shift of the last Strang step
    for a in range(P):
        V[a] = V[a] + 0.5 * dt * sum(J[a, b] * (s[b] - r_init[b]) for b in range(P) if exp_syn[b])
    return counts, s_out, per, V
