"""Finite network of P all-to-all coupled QIF populations with delta or exponential synapses.

Population a (N_a neurons, excitabilities eta_j, time constant tau_a, input I_a; its outgoing synapses have
the time constant tau_s,a, 0 = delta):

    tau_a dV_j/dt = V_j^2 + eta_j + I_a + tau_a h_a(t),      h_a = sum_b J_ab s_b(t)
    tau_s,b ds_b/dt = -s_b + A_b(t),   A_b = (1/N_b) sum_spikes delta(t - t_spike)   (s_b = A_b if tau_s,b = 0)

Integration scheme (step dt, grid t_k = k dt)
---------------------------------------------
Split the drive into a constant part and the fluctuations: a_j = eta_j + I_a + ubar_a with
ubar_a = tau_a sum_{b exp} J_ab r_b (r_b = ``r_init[b]``, the caller's fixed-point rates), and
h_a(t) - hbar_a, hbar_a = ubar_a / tau_a.  The two flows are each exact and each a Moebius map:

    M(dt):  tau dV/dt = V^2 + a_j  ->  V -> (A V + B)/(C V + A)     (coefficients once, whole turns counted)
    S(c):   dV/dt = h_a(t) - hbar_a  ->  V -> V + c

Per step k, for every neuron of population a:

    V <- V + sum_{b delta} J_ab n_b(k-1)/N_b  +  w_k dt sum_{b exp} J_ab (s_b(t_k) - r_b)     (w_0 = 1/2, else 1)
    V <- M(dt) V                                         (a pass through infinity is a spike, n_a(k) counts them)
    s_b(t_{k+1}) = s_b(t_k) exp(-dt/tau_s,b) + n_b(k) exp(-dt/(2 tau_s,b)) / (N_b tau_s,b)     (exp synapses)

(the synapse's exact update and its step means are the generated kernels of theory.circuit: synapse_decay,
synapse_jump, synapse_step_mean_start, synapse_step_mean_spike).

* Delta synapses: exact flow between kicks; the spikes of step k kick at the start of step k+1 (a delay of
  dt/2 on average, so an O(dt) phase lag exp(-i omega dt/2) of the loop, as in ``numerics.qif_network``;
  P = 1 with tau_s = 0 reproduces that simulator spike for spike).
* Exponential synapses: the composition is the symmetric Strang splitting S(dt/2) M(dt) S(dt/2) with the
  half-shifts of consecutive steps merged (the shift at t_k integrates h over [t_k - dt/2, t_k + dt/2]
  by the midpoint rule), and the spikes of a step are put at its midpoint (midpoint quadrature of the
  synaptic kernel): second order in dt for the population dynamics, with the spike-time jitter inside
  a step (zero mean) adding O(dt) noise of relative size O(N^-1/2).  Measured
  (tests/integration/test_circuit_network_convergence.py): Richardson ratio
  (x_dt - x_dt/2)/(x_dt/2 - x_dt/4) ~ 4 for the binned rates of a large quantile network.  Both maps
  are Moebius maps, so passes through infinity stay exact, whole turns are counted, and the step costs
  what the delta step costs.

Observables: spike counts per bin and population (free), bin averages of s_b (exact integrals of the
piecewise-exponential s_b), the Kuramoto order parameter Z_a = <(1 + i V)/(1 - i V)> per population every
``order_parameter_interval`` (by default at least ``qif_network.Z_MIN_STEPS`` steps apart, so that it costs
<= 10 % of the steps), and streaming Welch estimates of the activities: auto- and cross-spectra (two-sided, angular).
The readable reference (tan/atan per neuron per step) is ``numerics.circuit.network_reference``.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numba
import numpy as np

from shotnoise.theory.errors import ParameterError

from .._generated.circuit_kernels import (synapse_decay, synapse_jump, synapse_step_mean_spike,
                                          synapse_step_mean_start)
from .._generated.network_kernels import phase_factor_parts, rate_voltage_of_order_parameter
from ..parameters import finite, finite_array, integer_at_least, nonnegative, positive
from ..progress import progress_bar
from ..qif_network import (_advance, _advance_items_parallel, _coefficients, order_parameter_steps,
                           thread_count)
from ..quenched import stationary_initial_state
from ..run_blocks import schedule
from ..thread_governor import ThreadGovernor
from .cross_welch import CrossWelchAccumulator
from .operating_point import pair_key
from .run_grid import run_grid

#: neuron-steps per compiled call at most (~10 ms): bounds the reaction time to Ctrl-C at any bin width (a call
#: may end inside an output bin: the bin is closed when complete)
CHUNK_NEURON_STEPS = 2e7
#: neuron-steps per block of output bins (at least one bin): the bins of a block are closed together (activity,
#: synaptic averages, Welch, kept series, means), so the results depend on the block, never on the calls
BLOCK_NEURON_STEPS = 2e7
#: output bins per block at most
CHUNK_BINS = 16384


# --------------------------------------------------------------------------- compiled kernels
@numba.njit(cache=True, fastmath={"reassoc"})
def _phase_sum(V, c):
    """(sum Re, sum Im) of exp(i theta) = (1 + i v)/(1 - i v), v = V + c (clamped: finite for |V| -> inf)."""
    zr = 0.0
    zi = 0.0
    for j in range(V.size):
        v = min(max(V[j] + c, -1e150), 1e150)
        re, im = phase_factor_parts(v)
        zr += re
        zi += im
    return zr, zi


@numba.njit(cache=True, parallel=True)
def _phase_items_parallel(V, lo, hi, pop, half, zr, zi):
    for i in numba.prange(lo.size):
        zr[i], zi[i] = _phase_sum(V[lo[i]:hi[i]], half[pop[i]])


@numba.njit(cache=True)
def _half_shift(shift_exp, is_exp, s, r_init, half):
    """The trailing half-shift S(dt/2) of the Strang step, per population: the state at a grid time is
    M(dt) V plus half[a] (the fast path merges it with the next step's leading half)."""
    for a in range(half.size):
        h = 0.0
        for b in range(half.size):
            if is_exp[b]:
                h += shift_exp[a, b] * (s[b] - r_init[b])
        half[a] = 0.5 * h


@numba.njit(cache=True, error_model="numpy")
def _run_chunk(V, A, B, C, lo, hi, pop, parallel, pop_lo, pop_hi, turns_pop, kick_delta, shift_exp, is_exp,
               r_init, decay, jump, mean_s, mean_n, s, prev, step0, n_steps, transient_steps, bin_steps,
               z_steps, counts, syn, Z, bin0, z0):
    """Advance ``n_steps`` from global step ``step0``; record bins [bin0, bin0 + counts.shape[1]) and
    order-parameter samples [z0, z0 + Z.shape[1]) (counted from the end of the transient)."""
    P = pop_lo.size
    n_items = lo.size
    shift = np.zeros(P)
    cnt = np.zeros(n_items, dtype=np.int64)
    zr = np.zeros(n_items)
    zi = np.zeros(n_items)
    step_mean = np.zeros(P)
    half = np.zeros(P)
    for k in range(n_steps):
        step = step0 + k
        w = 0.5 if step == 0 else 1.0
        for a in range(P):
            sd = 0.0
            se = 0.0
            for b in range(P):
                if is_exp[b]:
                    se += shift_exp[a, b] * (s[b] - r_init[b])
                else:
                    sd += kick_delta[a, b] * prev[b]
            shift[a] = sd + w * se if se != 0.0 else sd
        if parallel:
            _advance_items_parallel(V, A, B, C, lo, hi, pop, shift, cnt)
        else:
            for i in range(n_items):
                a, b = lo[i], hi[i]
                cnt[i] = _advance(V[a:b], A[a:b], B[a:b], C[a:b], shift[pop[i]])
        for b in range(P):
            prev[b] = turns_pop[b]
        for i in range(n_items):
            prev[pop[i]] += cnt[i]
        for b in range(P):
            if is_exp[b]:
                step_mean[b] = s[b] * mean_s[b] + prev[b] * mean_n[b]
                s[b] = s[b] * decay[b] + prev[b] * jump[b]
        if step >= transient_steps:
            rel = step - transient_steps
            bi = rel // bin_steps - bin0
            if 0 <= bi < counts.shape[1]:
                for b in range(P):
                    counts[b, bi] += prev[b]
                    syn[b, bi] += step_mean[b]
            if z_steps > 0 and (rel + 1) % z_steps == 0:
                zk = (rel + 1) // z_steps - 1 - z0
                if 0 <= zk < Z.shape[1]:
                    _half_shift(shift_exp, is_exp, s, r_init, half)
                    if parallel:
                        _phase_items_parallel(V, lo, hi, pop, half, zr, zi)
                    else:
                        for i in range(n_items):
                            zr[i], zi[i] = _phase_sum(V[lo[i]:hi[i]], half[pop[i]])
                    for a in range(P):
                        Z[a, zk] = 0.0
                    for i in range(n_items):
                        Z[pop[i], zk] += complex(zr[i], zi[i])
                    for a in range(P):
                        Z[a, zk] /= pop_hi[a] - pop_lo[a]


@numba.njit(cache=True)
def _rate_voltage(Z, tau):
    """(r_Z, v_Z) per sample from W = (1 - conj Z)/(1 + conj Z) = pi tau r + i v (one tau per row)."""
    r = np.empty(Z.shape)
    v = np.empty(Z.shape)
    for a in range(Z.shape[0]):
        for k in range(Z.shape[1]):
            r[a, k], v[a, k] = rate_voltage_of_order_parameter(Z[a, k], tau[a])
    return r, v


# --------------------------------------------------------------------------- result
@dataclass
class PopulationNetworkResult:
    """Observables of a P-population network run (all after the transient).

    activity: (P, n_bins) spikes per bin / (N_a bin_width) (rate units); None unless the series was kept
    synaptic: (P, n_bins) bin averages of s_b (for delta synapses s_b = A_b: the activity); None unless kept
    Z: (P, n_Z) order parameter per population every ``order_parameter_interval`` (None when not kept or
      not requested); r_Z, v_Z from W = (1 - conj Z)/(1 + conj Z) = pi tau r + i v
    mean_rate, mean_synaptic, mean_rate_Z: (P,) time averages (mean_rate_Z nan without Z samples)
    spectra: per population Welch estimate of the activity (with ``segment``); cross_omega, cross_spectra:
      the spectral matrix S_ab(omega) = <A_a(omega) conj A_b(omega)>/T, shape (P, P, n_omega)
    final_V: per population the voltages at T (in the caller's neuron order)
    """

    N: np.ndarray
    T: float
    dt: float
    transient: float
    bin_width: float
    n_bins: int
    activity: np.ndarray | None
    synaptic: np.ndarray | None
    Z: np.ndarray | None
    order_parameter_interval: float
    r_Z: np.ndarray | None
    v_Z: np.ndarray | None
    mean_rate: np.ndarray
    mean_synaptic: np.ndarray
    mean_rate_Z: np.ndarray
    wall_time: float
    neuron_steps_per_second: float
    threads: int
    max_phase_per_step: float
    spectra: list | None = None
    cross_omega: np.ndarray | None = None
    cross_spectra: np.ndarray | None = None
    coherence: np.ndarray | None = None
    final_V: list = field(repr=False, default=None)
    names: tuple | None = None

    def population_names(self) -> tuple:
        """The populations' names (``Circuit.simulate_network`` sets them; '0', '1', ... otherwise)."""
        return tuple(self.names) if self.names is not None else tuple(str(a) for a in range(len(self.N)))

    def to_dict(self) -> dict:
        """Scalars, per-population means and metadata; with a segment the spectra by population name and the
        cross-spectra by pair 'a|b' (S_ab, re/im lists with the coherence), as the stochastic mass model's."""
        names = self.population_names()
        d = {"populations": list(names), "N": [int(n) for n in self.N], "T": self.T, "dt": self.dt,
             "transient": self.transient,
             "bin_width": self.bin_width, "bins": self.n_bins, "mean_rate": self.mean_rate.tolist(),
             "mean_synaptic": self.mean_synaptic.tolist(),
             "mean_rate_Z": [None if not math.isfinite(x) else float(x) for x in self.mean_rate_Z],
             "order_parameter_interval": self.order_parameter_interval,
             "timing": {"wall_time_s": self.wall_time, "neuron_steps_per_second": self.neuron_steps_per_second,
                        "threads": self.threads},
             "max_phase_per_step": self.max_phase_per_step, "series_kept": self.activity is not None}
        if self.spectra is not None:
            d["spectra"] = {n: s.to_dict() for n, s in zip(names, self.spectra)}
            d["cross"] = {pair_key(a, b): {"omega": self.cross_omega.tolist(), "re": self.cross_spectra[i, j].real.tolist(),
                                           "im": self.cross_spectra[i, j].imag.tolist(),
                                           "coherence": [None if not math.isfinite(c) else float(c)
                                                         for c in self.coherence[i, j]]}
                          for i, a in enumerate(names) for j, b in enumerate(names) if i < j}
        return d


# --------------------------------------------------------------------------- set-up
def _vector(name, value, P, check):
    arr = np.asarray(value, dtype=float) if not isinstance(value, (str, bytes)) else None
    if arr is None or arr.ndim != 1 or arr.size != P:
        raise ParameterError("%s must have one value per population (P=%d), got %r" % (name, P, value))
    return np.array([check("%s[%d]" % (name, a), float(x)) for a, x in enumerate(arr)])


def _populations(etas, J, tau, tau_s, I, r_init):
    if isinstance(etas, np.ndarray) and etas.ndim == 1:
        raise ParameterError("etas must be a sequence of P arrays (one per population), got one array")
    try:
        etas = [finite_array("etas[%d]" % a, e) for a, e in enumerate(etas)]
    except TypeError:
        raise ParameterError("etas must be a sequence of P 1-d arrays, got %r" % (etas,)) from None
    P = len(etas)
    if P < 1:
        raise ParameterError("etas must hold at least one population (P >= 1)")
    for a, e in enumerate(etas):
        if e.ndim != 1 or e.size < 1:
            raise ParameterError("etas[%d] must be a 1-d array with N >= 1 values, got shape %r" % (a, e.shape))
    J = np.asarray(J, dtype=float)
    if J.shape != (P, P) or not np.all(np.isfinite(J)):
        raise ParameterError("J must be a finite (P, P) = (%d, %d) array, got shape %r" % (P, P, J.shape))
    return (etas, J, _vector("tau", tau, P, positive), _vector("tau_s", tau_s, P, nonnegative),
            _vector("I", I, P, finite), _vector("r_init", r_init, P, nonnegative))


def initial_states(etas, *, J, tau, I, r_init, seed=0) -> list:
    """The asynchronous initial state per population: ``stationary_initial_state`` at r_init[a] with the
    mean input tau_a h_a, h_a = sum_b J_ab r_init[b] (one generator, populations in order)."""
    etas, J, tau, _, I, r_init = _populations(etas, J, tau, np.zeros(len(etas)), I, r_init)
    rng = np.random.default_rng(integer_at_least("seed", seed, 0))
    h = J @ r_init
    return [stationary_initial_state(e, r0=r_init[a], J=0.0, I=I[a] + tau[a] * h[a], tau=tau[a], rng=rng)
            for a, e in enumerate(etas)]


def _synapse_coefficients(dt, tau_s, N):
    """Per population b (zeros for a delta synapse): the exact update s <- s decay + n jump over a step with n
    spikes at its midpoint, and the step mean of s, s mean_s + n mean_n (s at the start of the step)."""
    out = np.zeros((4, tau_s.size))
    for b, ts in enumerate(tau_s):
        if ts > 0:
            n = float(N[b])
            out[:, b] = (synapse_decay(dt, ts), synapse_jump(dt / 2, ts, n), synapse_step_mean_start(dt, ts),
                         synapse_step_mean_spike(dt, ts, n))
    return out


def _items(N, threads):
    """Work items: thread t gets chunk t of every population (items t*P .. t*P + P - 1): balanced under the
    static schedule of numba's prange whatever the population sizes."""
    off = np.concatenate([[0], np.cumsum(N)])
    lo, hi, pop = [], [], []
    for t in range(threads):
        for a in range(len(N)):
            e = np.linspace(off[a], off[a + 1], threads + 1).round().astype(np.int64)
            lo.append(e[t])
            hi.append(e[t + 1])
            pop.append(a)
    return (np.array(lo, dtype=np.int64), np.array(hi, dtype=np.int64), np.array(pop, dtype=np.int64),
            off[:-1].astype(np.int64), off[1:].astype(np.int64))


def simulate_populations(etas, *, J, tau, tau_s, I, r_init, T, dt, transient=0.0, bin_width=None, seed=0,
                         threads=None, order_parameter_interval=None, keep_series=True, segment=None,
                         progress=False) -> PopulationNetworkResult:
    """Simulate P QIF populations (the scheme of the module docstring); see PopulationNetworkResult.

    Parameters
    ----------
    etas : sequence of P 1-d arrays
        Excitabilities per population (N_a = len(etas[a])).
    J : (P, P) array
        J[a, b], from population b onto a: a spike of b kicks V in a by J_ab/N_b (delta synapses) or makes
        s_b jump by 1/(N_b tau_s,b).
    tau, tau_s, I, r_init : length-P arrays
        Membrane time constants (> 0), outgoing synaptic time constants (>= 0, 0 = delta), inputs, and the
        fixed-point rates of the mass model (>= 0): they set the initial state and the constant part of the
        synaptic drive (the scheme splits off only the fluctuations); the engine solves for nothing.
    T, dt, transient, bin_width : float
        Duration including the transient, step, discarded initial time, output bin (a multiple of dt;
        default dt).  Any dt is exact for the free flow and the algorithm (the readable reference agrees spike
        for spike); the exponential synapses are resolved to second order only for dt <= tau_s/2, which
        ``Circuit.simulate_network`` requires (``run_grid.check_synapse_resolution``).
    seed : int
        Seeds the initial phases (``initial_states``).
    threads : int, optional
        Threads for the neuron loop (spikes identical for any number); default all cores when the total
        N >= ``qif_network.THREADS_MIN_N``, else 1.
    order_parameter_interval : float, optional
        Spacing of the Z samples, a multiple of dt; 0 = none; default the smallest multiple of the bin width
        that is >= ``qif_network.Z_MIN_STEPS`` dt (so Z costs <= 10 % of the steps at any bin width).
    keep_series : bool
        Keep the binned series (activity, synaptic, Z, r_Z, v_Z); with False memory does not grow with T.
    segment : float, optional
        Accumulate Welch estimates of the activities (auto- and cross-spectra) with this segment length.
    """
    etas, J, tau, tau_s, I, r_init = _populations(etas, J, tau, tau_s, I, r_init)
    P = len(etas)
    N = np.array([e.size for e in etas], dtype=np.int64)
    T, dt, transient, bw, n_steps, transient_steps, bin_steps, n_bins = run_grid(T=T, dt=dt, transient=transient,
                                                                                bin_width=bin_width)
    z_steps = order_parameter_steps(order_parameter_interval, dt=dt, bin_steps=bin_steps)
    if not isinstance(keep_series, (bool, np.bool_)):
        raise ParameterError("keep_series must be True or False, got %r" % (keep_series,))
    nthreads = thread_count(threads, int(N.sum()))
    welch = None
    if segment is not None:
        welch = CrossWelchAccumulator(channels=P, dt=bw, segment=segment)
        if welch.nperseg > n_bins:
            raise ParameterError("segment (%g) must not exceed T - transient (%g)" % (segment, n_bins * bw))
    V = np.concatenate(initial_states(etas, J=J, tau=tau, I=I, r_init=r_init, seed=seed))
    # constant drive: a_j = eta_j + I_a + ubar_a, ubar_a = tau_a sum_{b exp} J_ab r_b
    is_exp = tau_s > 0
    ubar = tau * (J[:, is_exp] @ r_init[is_exp])
    A, B, C = (np.empty(V.size) for _ in range(3))
    turns = np.zeros(V.size, dtype=np.int64)
    off = np.concatenate([[0], np.cumsum(N)])
    max_phase = 0.0
    for a in range(P):
        sl = slice(off[a], off[a + 1])
        drive = etas[a] + I[a] + ubar[a]
        _coefficients(drive, dt / tau[a], A[sl], B[sl], C[sl], turns[sl])
        max_phase = max(max_phase, math.sqrt(max(float(drive.max()), 0.0)) * dt / tau[a])
    turns_pop = np.array([turns[off[a]:off[a + 1]].sum() for a in range(P)], dtype=np.int64)
    kick_delta = np.where(is_exp[None, :], 0.0, J / N[None, :])
    shift_exp = np.where(is_exp[None, :], dt * J, 0.0)
    decay, jump, mean_s, mean_n = _synapse_coefficients(dt, tau_s, N)
    s = r_init.copy()
    prev = np.zeros(P, dtype=np.int64)
    lo, hi, pop, pop_lo, pop_hi = _items(N, nthreads)
    # output bins are produced block by block (memory independent of T unless kept); a block takes one or more
    # compiled calls of at most CHUNK_NEURON_STEPS neuron-steps and is closed when complete
    block_bins = max(1, min(n_bins, CHUNK_BINS, int(BLOCK_NEURON_STEPS // max(int(N.sum()) * bin_steps, 1))))
    block_z = block_bins * bin_steps // z_steps + 1 if z_steps else 0
    counts = np.zeros((P, block_bins))
    syn = np.zeros((P, block_bins))
    Zbuf = np.zeros((P, block_z), dtype=np.complex128)
    kept = {"A": [], "S": [], "Z": []}
    tot_A, tot_S, tot_rZ = np.zeros(P), np.zeros(P), np.zeros(P)
    n_z_total = (n_bins * bin_steps) // z_steps if z_steps else 0
    outer = numba.get_num_threads()
    governor = ThreadGovernor(nthreads)  # threaded or serial loop per chunk, whichever runs faster now
    if nthreads > 1:
        numba.set_num_threads(nthreads)
    t0 = time.perf_counter()
    try:
        with progress_bar(total=n_steps, desc="circuit network N=%d" % int(N.sum()), enabled=progress) as bar:
            z0 = 0  # first Z sample of the open block
            free = max(1, int(CHUNK_NEURON_STEPS // int(N.sum())))  # steps per compiled call
            for step, n, bin0, nb, starts, ends in schedule(n_steps=n_steps, transient_steps=transient_steps,
                                                            n_bins=n_bins, bin_steps=bin_steps,
                                                            block_bins=block_bins, free=free):
                if starts:
                    counts[:] = 0.0
                    syn[:] = 0.0
                par = governor.parallel()
                with governor.timed(par, float(n) * float(N.sum())):
                    _run_chunk(V, A, B, C, lo, hi, pop, par, pop_lo, pop_hi, turns_pop, kick_delta,
                               shift_exp, is_exp, r_init, decay, jump, mean_s, mean_n, s, prev, step, n,
                               transient_steps, bin_steps, z_steps, counts, syn, Zbuf, bin0, z0)
                if np.isnan(V).any():
                    raise ParameterError("non-finite voltages in the network (a denominator hit exactly zero); "
                                         "change dt")
                bar.update(n)
                if ends:  # the block is complete: close its bins and Z samples
                    act = counts[:, :nb] / (N[:, None] * bw)
                    sav = np.where(is_exp[:, None], syn[:, :nb] / bin_steps, act)
                    tot_A += act.sum(axis=1)
                    tot_S += sav.sum(axis=1)
                    nz = 0
                    if z_steps:
                        nz = min((bin0 + nb) * bin_steps // z_steps, n_z_total) - z0
                        rZ, _ = _rate_voltage(Zbuf[:, :nz], tau)
                        tot_rZ += rZ.sum(axis=1)
                    if welch is not None:
                        welch.add(act)
                    if keep_series:
                        kept["A"].append(act)
                        kept["S"].append(sav)
                        kept["Z"].append(Zbuf[:, :nz].copy())
                    z0 += nz
    finally:
        if nthreads > 1:
            numba.set_num_threads(outer)
    wall = time.perf_counter() - t0
    act = sav = Zs = r_Z = v_Z = None
    if keep_series:
        act = np.concatenate(kept["A"], axis=1)
        sav = np.concatenate(kept["S"], axis=1)
        if z_steps:
            Zs = np.concatenate(kept["Z"], axis=1)
            r_Z, v_Z = _rate_voltage(Zs, tau)
    half = np.zeros(P)
    _half_shift(shift_exp, is_exp, s, r_init, half)
    spectra = cross_omega = cross = coh = None
    if welch is not None:
        spectra = [welch.spectrum(a) for a in range(P)]
        cross_omega, cross = welch.matrix()
        coh = welch.coherence()
    mean_Z = tot_rZ / n_z_total if n_z_total else np.full(P, np.nan)
    return PopulationNetworkResult(N, T, dt, transient, bw, n_bins, act, sav, Zs, z_steps * dt, r_Z, v_Z,
                                   tot_A / n_bins, tot_S / n_bins, mean_Z, wall,
                                   float(N.sum()) * n_steps / wall if wall > 0 else math.inf, nthreads, max_phase,
                                   spectra, cross_omega, cross, coh,
                                   [V[off[a]:off[a + 1]] + half[a] for a in range(P)])
