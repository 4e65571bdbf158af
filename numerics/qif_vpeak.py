"""The literature's V_peak / V_reset scheme for the QIF network, for comparison with the exact method.

Threshold V_peak, reset to -V_peak after a refractory period 2 tau/V_peak, spike emitted half-way
(tau/V_peak after the threshold crossing); the flow between events is still the exact Moebius map
of ``numerics.qif_network`` (kicks at step ends as there).  It converges to the exact method as
V_peak -> infinity (tested).
"""
from __future__ import annotations

import numba
import numpy as np

from shotnoise.theory.errors import ParameterError

from .parameters import finite, finite_array, nonnegative, positive, rng_from
from .qif_network import _coefficients
from .quenched import quenched_rate, stationary_initial_state


#: refuse runs of more steps than this (time; int64 step counters)
MAX_STEPS = 10**13
#: ... and more bins (or refractory steps) than this (memory: 8 bytes each)
MAX_BINS = 2 * 10**8


@numba.njit(cache=True, error_model="numpy")
def _run_vpeak(V, A, B, C, turns, kick_per_spike, n_steps, bin_steps, transient_steps, v_peak, ref_steps,
               half_steps, counts):
    """Literature practice: threshold V_peak, reset to -V_peak after a refractory period 2 tau/V_peak,
    spike emitted half-way (tau/V_peak after the threshold crossing).  The flow between events is
    still the exact Moebius map.  Whole turns within one step are not resolved in this mode."""
    N = V.size
    refr = np.zeros(N, dtype=np.int64)
    L = ref_steps + 2
    ring = np.zeros(L, dtype=np.int64)
    prev = 0
    for step in range(n_steps):
        kick = kick_per_spike * prev
        for j in range(N):
            if refr[j] > 0:
                refr[j] -= 1
                if refr[j] == 0:
                    V[j] = -v_peak
                continue
            v = V[j] + kick
            den = C[j] * v + A[j]
            vn = (A[j] * v + B[j]) / den
            if den < 0.0 or vn >= v_peak or turns[j] > 0:
                refr[j] = ref_steps
                ring[(step + half_steps) % L] += 1
                V[j] = v_peak
            else:
                V[j] = vn
        cnt = ring[step % L]
        ring[step % L] = 0
        prev = cnt
        if step >= transient_steps:
            b = (step - transient_steps) // bin_steps
            if b < counts.size:
                counts[b] += cnt
    return counts


def simulate_network_vpeak(eta, *, J: float, T: float, dt: float, I: float = 0.0, tau: float = 1.0,
                           v_peak: float = 100.0, transient: float = 0.0, bin_width: float | None = None,
                           V0=None, seed: int = 0) -> np.ndarray:
    """Network with the usual V_peak/V_reset cut-off (refractory 2 tau/V_peak); returns the activity per bin.

    For comparison with the exact method of :func:`simulate_network` (same kicks at step ends).
    ``eta`` is the 1-D sample of N >= 1 excitabilities; ``V0`` (optional) must have N values;
    ``seed`` is an integer >= 0 or a numpy Generator (used for the stationary initial state).
    """
    eta = finite_array("eta", eta)
    N = eta.size
    if N < 1:
        raise ParameterError("eta must contain at least one excitability (N >= 1)")
    J, tau, T, dt = finite("J", J), positive("tau", tau), positive("T", T), positive("dt", dt)
    v_peak = positive("v_peak", v_peak)
    transient = nonnegative("transient", transient)
    if transient >= T:
        raise ParameterError("T must be > transient, got T=%r, transient=%r" % (T, transient))
    if dt > T - transient:
        raise ParameterError("dt must be <= T - transient, got dt=%r, T - transient=%r" % (dt, T - transient))
    if T / dt > MAX_STEPS:
        raise ParameterError("T/dt = %.3g steps is more than %.0e: raise dt or shorten T" % (T / dt, MAX_STEPS))
    bw = dt if bin_width is None else positive("bin_width", bin_width)
    if bw > T - transient:
        raise ParameterError("bin_width must be <= T - transient, got bin_width=%r, T - transient=%r"
                             % (bw, T - transient))
    bin_steps = max(1, int(round(bw / dt)))
    if 2 * tau / v_peak >= T:
        raise ParameterError("v_peak must exceed 2 tau/T = %g (the refractory period 2 tau/v_peak must be shorter "
                             "than the run), got v_peak=%r" % (2 * tau / T, v_peak))
    ref_steps = max(1, int(round(2 * tau / (v_peak * dt))))
    n_steps = int(round(T / dt))
    tr = int(round(transient / dt))
    n_bins = (n_steps - tr) // bin_steps
    if n_bins < 1:
        raise ParameterError("no complete bin of width %g after the transient: raise T or lower bin_width" % bw)
    if n_bins > MAX_BINS or ref_steps > MAX_BINS:
        raise ParameterError("the run would store %.3g bins (more than %.0e): raise bin_width or dt"
                             % (max(n_bins, ref_steps), MAX_BINS))
    rng = rng_from("seed", seed)
    I = finite("I", I)
    if V0 is None:
        V = stationary_initial_state(eta, r0=quenched_rate(eta, J=J, I=I, tau=tau), J=J, I=I, tau=tau, rng=rng)
    else:
        V = finite_array("V0", V0).copy()
        if V.size != N:
            raise ParameterError("V0 must have one value per neuron (N=%d), got %d" % (N, V.size))
    V = np.clip(V, -v_peak, v_peak)
    A, B, C = np.empty(N), np.empty(N), np.empty(N)
    turns = np.zeros(N, dtype=np.int64)
    _coefficients(eta + I, dt / tau, A, B, C, turns)
    counts = np.zeros(n_bins)
    _run_vpeak(V, A, B, C, turns, J / N, n_steps, bin_steps, tr, v_peak, ref_steps, ref_steps // 2, counts)
    return counts / (N * bw)
