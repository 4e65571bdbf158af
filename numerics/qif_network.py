"""Finite-N network of all-to-all coupled QIF neurons with delta synapses (theory/THEORY.md eqs. (1), (7)-(10)).

    tau dV_j/dt = V_j^2 + eta_j + I(t) + J tau s(t),   s(t) = (1/N) sum_spikes delta(t - t_spike)

Between kicks each V_j obeys a Riccati equation with constant a_j = eta_j + I,
whose flow over a step dt is a Moebius map

    V -> (A V + B) / (C V + A)
    a > 0:  A = cos phi, B = sqrt(a) sin phi, C = -sin(phi)/sqrt(a),   phi = sqrt(a) dt/tau (mod pi)
    a < 0:  A = 1, B = -b tanh beta, C = -tanh(beta)/b,                beta = sqrt(-a) dt/tau
    a = 0:  A = 1, B = 0, C = -dt/tau

(the tanh form divided by cosh beta, so it never overflows).  The neuron passes
through V = +inf (spikes, and is reset to -inf by the same map) during the step
exactly when the denominator C V + A is negative; whole turns (phi >= pi) are
counted separately, so no V_peak cut-off, no refractory fudge, and any dt works.

Kicks: all spikes of a step are applied at the *end* of the step (each spike
adds J/N to every V).  A spike at a uniformly distributed time inside the step
is thus delayed by dt/2 on average: the loop G(omega) acquires the factor
exp(-i omega dt/2), an O(omega dt) phase error of the closed loop.  The mean
input J tau r is unaffected, so the rate changes only through fluctuations:
measured for N = 500, J = +-2 (``tests/test_qif_network.py``), halving dt from
2e-3 changes the mean rate by less than its batch-means standard error (~1e-4
relative); near a sharp resonance (Q ~ 10) keep omega_res dt / 2 << 1/Q.

The readable reference (``numerics.qif_reference``) evaluates tan/atan per neuron
and per step; the fast path must agree with it spike for spike.  The literature's
V_peak / V_reset scheme, for comparison, is in ``numerics.qif_vpeak``.

Formulas generated from the theory (``numerics/_generated/network_kernels.py``):
the Moebius coefficients (theory.riccati), exp(i theta) = (1 + i V)/(1 - i V) and
W = (1 - conj Z)/(1 + conj Z) = pi tau r + i v (theory.observables).  The initial state and the
sample's own rate are in ``numerics.quenched``.  The mod-pi reduction of phi and the count of whole
turns are algorithm and stay here.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numba
import numpy as np

from shotnoise.theory.errors import ParameterError

from ._generated.network_kernels import (moebius_critical, moebius_excitable, moebius_oscillating,
                                         phase_factor_parts, rate_voltage_of_order_parameter)
from .parameters import finite, finite_array, integer_at_least, nonnegative, positive
from .progress import progress_bar
from .run_blocks import schedule
from .thread_governor import ThreadGovernor
from .quenched import quenched_rate, stationary_initial_state

RASTER_CAP = 2_000_000


# --------------------------------------------------------------------------- coefficients
@numba.njit(cache=True)
def _coefficients(a, dt_over_tau, A, B, C, turns):
    """Moebius coefficients of the Riccati flow over one step, per neuron (in place).

    The coefficients are the generated theory.riccati kernels; here only the case
    split on the sign of a and, for a > 0, the reduction phi mod pi with the whole
    turns counted in ``turns`` (the map is pi-periodic in phi).
    """
    for j in range(a.size):
        aj = a[j]
        if aj > 0.0:
            s = math.sqrt(aj)
            phi = s * dt_over_tau
            n = math.floor(phi / math.pi)
            A[j], B[j], C[j] = moebius_oscillating(s, phi - n * math.pi)
            turns[j] = n
        elif aj < 0.0:
            A[j], B[j], C[j] = moebius_excitable(math.sqrt(-aj), dt_over_tau)
            turns[j] = 0
        else:
            A[j], B[j], C[j] = moebius_critical(dt_over_tau)
            turns[j] = 0


@numba.njit(cache=True, error_model="numpy")
def _advance(V, A, B, C, kick):
    """One exact step for all neurons of the (sliced) arrays, kick from the previous step first.

    Returns the number of passes through infinity.  Called on slices rather than
    with index bounds: with a runtime lower bound LLVM does not vectorise the loop
    (measured: 0.4e9 vs 2.1e9 neuron-steps/s).
    """
    cnt = 0
    for j in range(V.size):
        v = V[j] + kick
        den = C[j] * v + A[j]
        cnt += den < 0.0
        V[j] = (A[j] * v + B[j]) / den
    return cnt


@numba.njit(cache=True, fastmath={"reassoc"})
def _phase_sum(V):
    """sum of exp(i theta) = (1 + i V)/(1 - i V), theta = 2 atan V (branch-free, no overflow); the sum may
    be reassociated (vectorised: one pass costs about one step)."""
    zr = 0.0
    zi = 0.0
    for j in range(V.size):
        v = min(max(V[j], -1e150), 1e150)  # exp(i theta) = -1 to 1e-300 beyond; avoids V^2 overflow
        re, im = phase_factor_parts(v)
        zr += re
        zi += im
    return zr, zi


@numba.njit(cache=True)
def _order_parameter(V):
    """Z = <exp(i theta)> = <(1 + i V)/(1 - i V)>, theta = 2 atan V."""
    zr, zi = _phase_sum(V)
    return zr / V.size, zi / V.size


@numba.njit(cache=True, parallel=True, error_model="numpy")
def _advance_items_parallel(V, A, B, C, lo, hi, pop, shift, cnt):
    """One step for every work item (the slice lo[i]:hi[i], kicked by shift[pop[i]]), items over the threads
    (numba's static schedule gives each thread a contiguous, equal share of the items)."""
    for i in numba.prange(lo.size):
        a, b = lo[i], hi[i]
        cnt[i] = _advance(V[a:b], A[a:b], B[a:b], C[a:b], shift[pop[i]])


@numba.njit(cache=True, parallel=True)
def _phase_sum_parallel(V, lo, hi, zr, zi):
    for i in numba.prange(lo.size):
        zr[i], zi[i] = _phase_sum(V[lo[i]:hi[i]])


@numba.njit(cache=True)
def _rate_voltage(Z, tau):
    """(r_Z, v_Z) per bin from W = (1 - conj Z)/(1 + conj Z) = pi tau r + i v."""
    r = np.empty(Z.size)
    v = np.empty(Z.size)
    for k in range(Z.size):
        r[k], v[k] = rate_voltage_of_order_parameter(Z[k], tau)
    return r, v


@numba.njit(cache=True)
def _sum_turns(turns, n, M):
    """(whole turns of neurons 0..n-1, of those among the first M)."""
    tot = 0
    tot_M = 0
    for j in range(n):
        tot += turns[j]
        if j < M:
            tot_M += turns[j]
    return tot, tot_M


@numba.njit(cache=True, error_model="numpy")
def _run_chunk(V, a_base, I_series, varying, dt_over_tau, kick_per_spike, step0, n_steps, bin_steps,
               n_raster, M, A, B, C, turns, counts, counts_M, Z, raster_t, raster_i, n_raster_events,
               prev_count, transient_steps, bin0, z_steps, z0, parallel, lo, hi, region):
    """Advance ``n_steps`` steps from global step ``step0``; accumulate observables after the transient.

    Returns (prev_count, n_raster_events).  Output bin b (counted from the end of the transient) goes
    to index b - bin0 of counts and counts_M, order-parameter sample k (every z_steps steps, none if 0) to
    index k - z0 of Z (outside the arrays: not recorded).  With ``parallel`` the neurons beyond the raster
    set run as the work items lo:hi over the threads (region 0: the rest of the M-subset, 1: the others).
    With several items (a threaded run) Z sums the same shares in the same order in both loops, so that it
    does not depend on which loop the thread governor chose for a chunk.
    """
    N = V.size
    hi1 = n_raster
    hi2 = max(n_raster, M)
    turns_total, turns_M = _sum_turns(turns, N, M)
    a = a_base.copy()
    shift = np.zeros(2)
    cnt_items = np.zeros(lo.size, dtype=np.int64)
    zr_items = np.zeros(lo.size)
    zi_items = np.zeros(lo.size)
    for k in range(n_steps):
        step = step0 + k
        if varying:
            for j in range(N):
                a[j] = a_base[j] + I_series[step]
            _coefficients(a, dt_over_tau, A, B, C, turns)
            turns_total, turns_M = _sum_turns(turns, N, M)
        kick = kick_per_spike * prev_count
        # raster neurons: record spike events (step index, neuron)
        cnt_M = 0
        cnt = 0
        for j in range(hi1):
            v = V[j] + kick
            den = C[j] * v + A[j]
            V[j] = (A[j] * v + B[j]) / den
            n_sp = turns[j] + (1 if den < 0.0 else 0)
            if n_sp > 0:
                cnt += n_sp
                if j < M:
                    cnt_M += n_sp
                if step >= transient_steps:
                    for _ in range(n_sp):
                        if n_raster_events < raster_t.size:
                            raster_t[n_raster_events] = step - transient_steps
                            raster_i[n_raster_events] = j
                            n_raster_events += 1
        if parallel:
            shift[0] = kick
            shift[1] = kick
            _advance_items_parallel(V, A, B, C, lo, hi, region, shift, cnt_items)
            c2 = 0
            c3 = 0
            for i in range(lo.size):
                if region[i] == 0:
                    c2 += cnt_items[i]
                else:
                    c3 += cnt_items[i]
        else:
            c2 = _advance(V[hi1:hi2], A[hi1:hi2], B[hi1:hi2], C[hi1:hi2], kick)
            c3 = _advance(V[hi2:], A[hi2:], B[hi2:], C[hi2:], kick)
        # whole turns of the non-raster neurons (raster ones were counted above)
        t_r, t_rM = _sum_turns(turns, hi1, M)
        cnt += c2 + c3 + turns_total - t_r
        if M > 0:
            cnt_M += (c2 if hi2 > hi1 else 0) + turns_M - t_rM
        prev_count = cnt
        if step >= transient_steps:
            rel = step - transient_steps
            b = rel // bin_steps - bin0
            if 0 <= b < counts.size:
                counts[b] += cnt
                counts_M[b] += cnt_M
            if z_steps > 0 and (rel + 1) % z_steps == 0:
                zk = (rel + 1) // z_steps - 1 - z0
                if 0 <= zk < Z.size:
                    if parallel:
                        _phase_sum_parallel(V, lo, hi, zr_items, zi_items)
                        zr, zi = _phase_sum(V[:hi1])
                        for i in range(lo.size):
                            zr += zr_items[i]
                            zi += zi_items[i]
                    elif lo.size > 2:  # serial chunk of a threaded run: summed as the threads sum it
                        zr, zi = _phase_sum(V[:hi1])
                        for i in range(lo.size):
                            zr_i, zi_i = _phase_sum(V[lo[i]:hi[i]])
                            zr += zr_i
                            zi += zi_i
                    else:
                        zr, zi = _phase_sum(V)
                    Z[zk] = complex(zr / N, zi / N)
    return prev_count, n_raster_events


# --------------------------------------------------------------------------- public API
@dataclass
class NetworkResult:
    """Observables of a network run (all after the transient).

    activity: spikes per bin / (N bin_width)  (the activity s, rate units); None unless the series was kept
    activity_M: same for the random subset of M neurons (or None)
    Z: Kuramoto order parameter every ``order_parameter_interval`` (a multiple of the bin width by default:
      every bin when bins are >= Z_MIN_STEPS steps); r_Z, v_Z from W = (1 - conj Z)/(1 + conj Z) =
      pi tau r + i v (None unless the series was kept or when no order parameter was requested)
    spectrum, spectrum_M: Welch estimates accumulated during the run (when a ``segment`` was given)
    mean_rate, mean_rate_M, mean_rate_Z: time averages (accumulated on the fly; mean_rate_Z nan without Z)
    threads: threads used for the neuron loop
    raster_t, raster_i: spike times and neuron indices of the first ``raster`` neurons
    eta, final_V: excitabilities and final voltages, both in the caller's neuron order (the order raster_i
      indexes; internally the neurons are permuted so that a random subset comes first)
    """

    bin_width: float
    activity: np.ndarray | None
    activity_M: np.ndarray | None
    Z: np.ndarray | None
    r_Z: np.ndarray | None
    v_Z: np.ndarray | None
    raster_t: np.ndarray
    raster_i: np.ndarray
    raster_truncated: bool
    eta: np.ndarray
    N: int
    M: int
    dt: float
    T: float
    transient: float
    wall_time: float
    neuron_steps_per_second: float
    max_phase_per_step: float
    mean_rate: float
    mean_rate_M: float | None
    mean_rate_Z: float
    n_bins: int
    spectrum: object = None
    spectrum_M: object = None
    final_V: np.ndarray = field(repr=False, default=None)
    order_parameter_interval: float = 0.0
    threads: int = 1

    def to_dict(self) -> dict:
        """Scalars and metadata (arrays stay in the object; spectra as their own dicts)."""
        d = {"N": self.N, "M": self.M, "dt": self.dt, "T": self.T, "transient": self.transient,
             "bin_width": self.bin_width, "bins": self.n_bins, "mean_rate": self.mean_rate,
             "mean_rate_Z": self.mean_rate_Z, "wall_time_s": self.wall_time,
             "neuron_steps_per_second": self.neuron_steps_per_second,
             "max_phase_per_step": self.max_phase_per_step, "series_kept": self.activity is not None,
             "order_parameter_interval": self.order_parameter_interval, "threads": self.threads}
        if not math.isfinite(self.mean_rate_Z):
            d["mean_rate_Z"] = None
        if self.M:
            d["mean_rate_M"] = self.mean_rate_M
        if self.spectrum is not None:
            d["spectrum"] = self.spectrum.to_dict()
        return d


#: neuron-steps per compiled call at most (~10 ms): bounds the reaction time to Ctrl-C and the progress
#: granularity at any bin width (a call may end inside an output bin: the bin is closed when complete)
CHUNK_NEURON_STEPS = 2e7
#: neuron-steps per block of output bins (a block is at least one bin): the bins of a block are closed together
#: (activity computed, Welch fed, series kept, means summed), so the results depend on the block, never on the
#: calls; with CHUNK_BINS it bounds the memory of a run without kept series (below ~1 MB)
BLOCK_NEURON_STEPS = 2e7
#: output bins per block at most
CHUNK_BINS = 16384
#: default spacing of the order parameter, in steps: a Z pass costs about one step (measured: Z every step
#: halves the speed), so a Z every Z_MIN_STEPS steps costs ~5 % of the run at any bin width
Z_MIN_STEPS = 20
#: N from which threads pay (measured on the 2-core machine: the per-step barrier costs ~3 us)
THREADS_MIN_N = 50_000


def thread_count(threads, N: int) -> int:
    """Threads for a run of N neurons: ``threads`` (1 .. the cores numba may use), or by default all cores
    when N >= THREADS_MIN_N, else 1."""
    avail = numba.config.NUMBA_NUM_THREADS
    if threads is None:
        return avail if N >= THREADS_MIN_N else 1
    t = integer_at_least("threads", threads, 1)
    if t > avail:
        raise ParameterError("threads must be in [1, %d] (the cores numba may use), got %r" % (avail, threads))
    return t


def order_parameter_steps(interval, *, dt: float, bin_steps: int) -> int:
    """Steps between order-parameter samples: ``interval`` (0 = none, else a multiple of dt), by default the
    smallest multiple of the bin that is >= Z_MIN_STEPS steps."""
    if interval is None:
        return bin_steps * max(1, -(-Z_MIN_STEPS // bin_steps))
    zi = nonnegative("order_parameter_interval", interval)
    z = int(round(zi / dt))
    if zi > 0 and (z < 1 or abs(z * dt - zi) > 1e-9 * zi):
        raise ParameterError("order_parameter_interval must be 0 or a positive multiple of dt, got %r (dt=%r)"
                             % (interval, dt))
    return z


def _split(lo: int, hi: int, parts: int) -> np.ndarray:
    return np.linspace(lo, hi, parts + 1).round().astype(np.int64)


def simulate_network(eta, *, J: float, T: float, dt: float, I: float | np.ndarray = 0.0, tau: float = 1.0,
                     transient: float = 0.0, bin_width: float | None = None, M: int = 0, raster: int = 0,
                     V0=None, r_init: float | None = None, seed: int = 0, progress: bool = False,
                     keep_series: bool = True, segment: float | None = None, threads: int | None = None,
                     order_parameter_interval: float | None = None) -> NetworkResult:
    """Simulate N = len(eta) all-to-all QIF neurons exactly between kicks.

    Parameters
    ----------
    eta : array_like
        Excitabilities eta_j (the population; N = len(eta)).
    J, tau : float
        Coupling (each spike kicks every V by J/N) and membrane time constant (> 0).
    T, dt : float
        Duration (including the transient) and step (> 0).  Any dt is exact for
        the free flow; kicks are applied at step ends (O(dt) effect, see module doc).
    I : float or array
        Constant current, or a series of length round(T/dt) (one value per step).
    transient : float
        Initial time discarded from all observables (0 <= transient < T).
    bin_width : float
        Width of activity bins, a multiple of dt (default: dt).
    M : int
        Size of a random subset whose activity is recorded separately (0: none).
    raster : int
        Number of (random) neurons whose spike times are stored.
    V0 : array, optional
        Initial voltages; default: the stationary asynchronous state at rate ``r_init``
        (default: the quenched rate of the sample).
    seed : int
        Seeds the choice of the subsets and of the initial phases.
    keep_series : bool
        Keep the binned series (activity, Z, r_Z, v_Z: ~100 bytes per bin).  With False the
        memory does not grow with T: means (and Welch spectra, with ``segment``) are accumulated
        on the fly.
    segment : float, optional
        Accumulate Welch estimates (segment length in time units, Hann, 50 % overlap) of the
        activity (and of the M-subset) during the run: ``result.spectrum``, ``result.spectrum_M``.
    threads : int, optional
        Threads for the neuron loop (spikes identical for any number); default all cores when
        N >= THREADS_MIN_N, else 1.
    order_parameter_interval : float, optional
        Spacing of the Z (r_Z, v_Z) samples, a multiple of dt; 0 = none; default the smallest multiple of
        the bin width that is >= Z_MIN_STEPS dt (so that Z costs <= 10 % of the run at any bin width).
    """
    from .streaming_welch import WelchAccumulator

    eta = finite_array("eta", eta)
    N = eta.size
    integer_at_least("N", N, 1)
    J, tau = finite("J", J), positive("tau", tau)
    T, dt = positive("T", T), positive("dt", dt)
    transient = nonnegative("transient", transient)
    if transient >= T:
        raise ParameterError("T must be > transient, got T=%r, transient=%r" % (T, transient))
    n_steps = int(round(T / dt))
    transient_steps = int(round(transient / dt))
    bw = dt if bin_width is None else positive("bin_width", bin_width)
    bin_steps = int(round(bw / dt))
    if bin_steps < 1 or abs(bin_steps * dt - bw) > 1e-9 * bw:
        raise ParameterError("bin_width must be a positive multiple of dt, got %r (dt=%r)" % (bw, dt))
    M = integer_at_least("M", M, 0)
    raster = integer_at_least("raster", raster, 0)
    if M > N or raster > N:
        raise ParameterError("M and raster must be <= N=%d, got M=%d, raster=%d" % (N, M, raster))
    varying = not np.isscalar(I) and np.ndim(I) > 0
    if varying:
        I_series = finite_array("I", I)
        if I_series.size != n_steps:
            raise ParameterError("I series must have round(T/dt)=%d values, got %d" % (n_steps, I_series.size))
        I0 = float(I_series[0])
    else:
        I0 = finite("I", I)
        I_series = np.zeros(1)
    rng = np.random.default_rng(integer_at_least("seed", seed, 0))
    # put a random subset first: neurons [0, raster) form the raster set, [0, M) the M-subset
    order = rng.permutation(N)
    eta_o = eta[order]
    if V0 is None:
        r_i = quenched_rate(eta_o, J=J, I=I0, tau=tau) if r_init is None else positive("r_init", r_init)
        V = stationary_initial_state(eta_o, r0=r_i, J=J, I=I0, tau=tau, rng=rng)
    else:
        V = finite_array("V0", V0)
        if V.size != N:
            raise ParameterError("V0 must have N=%d values, got %d" % (N, V.size))
        V = V[order].copy()
    a_base = eta_o + (0.0 if varying else I0)
    A, B, C = np.empty(N), np.empty(N), np.empty(N)
    turns = np.zeros(N, dtype=np.int64)
    _coefficients(a_base if not varying else a_base + I0, dt / tau, A, B, C, turns)
    amax = float(np.max(eta_o)) + (float(np.max(I_series)) if varying else I0)
    max_phase = math.sqrt(max(amax, 0.0)) * dt / tau
    n_bins = (n_steps - transient_steps) // bin_steps
    if n_bins < 1:
        raise ParameterError("T - transient must cover at least one bin")
    z_steps = order_parameter_steps(order_parameter_interval, dt=dt, bin_steps=bin_steps)
    nthreads = thread_count(threads, N)
    hi2 = max(raster, M)
    e1, e2 = _split(raster, hi2, nthreads), _split(hi2, N, nthreads)
    # thread t gets items 2t (its share of the M-subset beyond the raster) and 2t + 1 (of the others)
    lo_items = np.array([x for t in range(nthreads) for x in (e1[t], e2[t])], dtype=np.int64)
    hi_items = np.array([x for t in range(nthreads) for x in (e1[t + 1], e2[t + 1])], dtype=np.int64)
    region = np.array([0, 1] * nthreads, dtype=np.int64)
    welch_s = welch_M = None
    if segment is not None:
        welch_s = WelchAccumulator(dt=bw, segment=segment)
        if welch_s.nperseg > n_bins:
            raise ParameterError("segment (%g) must not exceed T - transient (%g)" % (segment, n_bins * bw))
        welch_M = WelchAccumulator(dt=bw, segment=segment) if M else None
    # output bins are produced block by block (memory independent of T unless kept); a block takes one or
    # more compiled calls of at most CHUNK_NEURON_STEPS neuron-steps and is closed when complete
    block_bins = max(1, min(n_bins, CHUNK_BINS, int(BLOCK_NEURON_STEPS // max(N * bin_steps, 1))))
    counts = np.zeros(block_bins)
    counts_M = np.zeros(block_bins)
    Z = np.zeros(block_bins * bin_steps // z_steps + 1 if z_steps else 0, dtype=np.complex128)
    n_z_total = (n_bins * bin_steps) // z_steps if z_steps else 0
    kept = {"s": [], "sM": [], "Z": []} if keep_series else None
    tot, tot_M, tot_rZ = 0.0, 0.0, 0.0
    cap = RASTER_CAP if raster else 0
    raster_t = np.zeros(cap, dtype=np.int64)
    raster_i = np.zeros(cap, dtype=np.int64)
    n_ev = 0
    prev = 0
    outer_threads = numba.get_num_threads()
    governor = ThreadGovernor(nthreads)  # threaded or serial loop per chunk, whichever runs faster now
    if nthreads > 1:
        numba.set_num_threads(nthreads)
    try:
        t0 = time.perf_counter()
        free = max(1, int(CHUNK_NEURON_STEPS // N))  # steps per compiled call
        with progress_bar(total=n_steps, desc="network N=%d" % N, enabled=progress) as bar:
            z0 = 0  # first Z sample of the open block
            for step, n, bin0, nb, starts, ends in schedule(n_steps=n_steps, transient_steps=transient_steps,
                                                            n_bins=n_bins, bin_steps=bin_steps,
                                                            block_bins=block_bins, free=free):
                if starts:
                    counts[:] = 0.0
                    counts_M[:] = 0.0
                par = governor.parallel()
                with governor.timed(par, float(n) * N):
                    prev, n_ev = _run_chunk(V, a_base, I_series, varying, dt / tau, J / N, step, n, bin_steps, raster,
                                            M, A, B, C, turns, counts, counts_M, Z, raster_t, raster_i, n_ev, prev,
                                            transient_steps, bin0, z_steps, z0, par, lo_items, hi_items, region)
                if np.isnan(V).any():
                    raise ParameterError("non-finite voltages in the network (a denominator hit exactly zero); "
                                         "change dt")
                bar.update(n)
                if ends:  # the block is complete: close its bins and Z samples
                    nz = min((bin0 + nb) * bin_steps // z_steps, n_z_total) - z0 if z_steps else 0
                    act = counts[:nb] / (N * bw)
                    rZ, vZ = _rate_voltage(Z[:nz], tau)
                    tot += float(act.sum())
                    tot_rZ += float(rZ.sum())
                    if M:
                        act_M = counts_M[:nb] / (M * bw)
                        tot_M += float(act_M.sum())
                    if welch_s is not None:
                        welch_s.add(act)
                        if welch_M is not None:
                            welch_M.add(act_M)
                    if kept is not None:
                        kept["s"].append(act)
                        kept["Z"].append(Z[:nz].copy())
                        if M:
                            kept["sM"].append(act_M)
                    z0 += nz
    finally:
        if nthreads > 1:
            numba.set_num_threads(outer_threads)
    wall = time.perf_counter() - t0
    act = act_M = Zs = r_Z = v_Z = None
    if kept is not None:
        act = np.concatenate(kept["s"])
        if z_steps:
            Zs = np.concatenate(kept["Z"])
            r_Z, v_Z = _rate_voltage(Zs, tau)
        act_M = np.concatenate(kept["sM"]) if M else None
    V_out = np.empty_like(V)
    V_out[order] = V  # back to the caller's neuron order, like raster_i and eta
    return NetworkResult(bw, act, act_M, Zs, r_Z, v_Z,
                         raster_t[:n_ev] * dt + dt, order[raster_i[:n_ev]] if n_ev else raster_i[:0],
                         n_ev >= cap and cap > 0, eta, N, M, dt, T, transient, wall,
                         N * n_steps / wall if wall > 0 else math.inf, max_phase, tot / n_bins,
                         tot_M / n_bins if M else None, tot_rZ / n_z_total if n_z_total else math.nan, n_bins,
                         welch_s.spectrum() if welch_s is not None else None,
                         welch_M.spectrum() if welch_M is not None else None, V_out, z_steps * dt, nthreads)
