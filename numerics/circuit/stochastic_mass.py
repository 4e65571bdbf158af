"""Stochastic (finite-size) mass model of a circuit: P populations, each with its own shot noise xi_b.

The state x and its drift are the circuit's mass model (numerics.circuit.jacobian.Structure, THEORY.md section 9):
per population a its complex modes, tau_a dw_{a,k}/dt = i (eta_{a,k} + I_a + tau_a h_a - w_{a,k}^2) (generated
``mode_rhs``), per exponential synapse b one real state, tau_s,b ds_b/dt = -s_b + A_b (generated ``synapse_rhs``),
and the coupling h = J s.  The activity of population b is A_b = r_b + xi_b, with the shot noises xi_b
independent across populations.  Since the drift is linear in the noise,

    dx = f(x) dt + B xi dt,       f(x) = rhs(x, 0),   B = Structure.noise_matrix()   (D x P, constant),

where column b of B is where xi_b enters: 1/tau_s,b in the equation of s_b (exponential synapse), or J_ab times
the input gain d(dw/dt)/dh = i (i.e. the Im w rows) in every mode of every population a (delta synapse, where
s_b = r_b + xi_b).  xi_b is one of

(a) ``white``: Gaussian white noise of intensity r_b(t)/N_b (the diffusion limit), xi_b dt = sqrt(r_b/N_b) dW_b
    (generated ``white_noise_intensity`` / ``white_noise_amplitude``), i.e. the Ito SDE

        dx = f(x) dt + sum_b B[:, b] g_b(x) dW_b,     g_b(x) = sqrt(max(r_b, 0)/N_b),   r = R_r x.

    Euler-Maruyama or stochastic Heun (the Stratonovich scheme).  **Ito = Stratonovich here**: the correction
    (1/2) sum_b sum_k B[k, b] g_b d(B[:, b] g_b)/dx_k = (1/2) sum_b B[:, b] g_b g_b'(r_b) (R_r B)[b, b] vanishes
    because R_r B = 0 (every rate has no noise term): an exponential synapse's noise enters s_b, which no rate
    reads (R_r is zero on synaptic states); a delta synapse's noise enters every mode k of population a as
    i J_ab xi_b, and r_a = sum_k Re(c_k w_k)/(pi tau_a) receives -J_ab xi_b sum_k Im(c_k)/(pi tau_a) = 0 because
    sum_k c_k = 1 (Lorentzian: c = 1 and r reads Re w only).  This is the circuit form of the one-population
    statement of theory/stochastic_mpr.py; ``stochastic_mass_reference.ito_stratonovich_drift`` evaluates the
    correction and a test checks it is zero to rounding for mixed and multi-pole circuits.
(b) ``colored``: stationary Gaussian noise per population with the theoretical spectrum S_xi,b of the fixed point
    (population b alone at its fixed-point drive, ``CircuitOperatingPoint.population_points[b]``), binned over dt
    with aliases, synthesised by the streaming FFT filter numerics.colored_noise.ColoredNoise (exactly as the
    one-population model).  Independent streams for independent populations.
(c) ``surrogate``: per population N_b uniform-phase oscillators at the population's quantiles eta_j, with
    frequencies f_j(t) = sqrt(max(eta_j + I_b + tau_b h_b(t), 0))/(pi tau_b) (generated ``effective_drive``
    with s = h_b, J = 1 and ``frequency_of_drive``), h_b the current noise-free input J R_s x;
    xi_b = (their spikes in the step)/(N_b dt) - mean_j f_j(t).

What each captures and misses is as for one population (numerics/stochastic_mass.py).  The run starts at the
chosen fixed point (``circuit.operating_point(index=index, require_stable=False).x``); with coloured noise its
S_xi is used even if the point is unstable (the noise is then that of the fixed point, not of the oscillation).

The outputs are bin averages of A_b = r_b + xi_b (the noise of step k is the average over [t_k, t_k + dt), as in
the one-population model), r_b, v_b and the synaptic variable s_b (= A_b for a delta synapse).  For P = 1 with a
delta synapse the random streams are those of ``Model.simulate_stochastic_mass``: the runs agree to rounding
(tested).  With ``segment`` the Welch estimates of every A_b and the cross-spectra X_a conj(X_b) (estimating
S_ab(omega) = int <A_a(t + u) A_b(t)> exp(-i omega u) du, the convention of CircuitOperatingPoint.spectral_matrix;
numerics.circuit.cross_welch) are accumulated during the run (two-sided, angular frequency).

Beside it: the readable reference of the compiled loop (``stochastic_mass_reference``) and the O(1/N) mean-rate
shift of the second-order system-size expansion (``mean_shift``).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numba
import numpy as np

from shotnoise.theory.errors import ParameterError

from .._generated.circuit_kernels import synapse_rhs
from .._generated.mpr_kernels import white_noise_amplitude, white_noise_intensity
from .._generated.multipole_kernels import mode_rhs
from .._generated.spectrum_kernels import effective_drive, frequency_of_drive
from ..parameters import integer_at_least
from ..progress import progress_bar
from .cross_welch import CrossWelchAccumulator
from .run_grid import check_synapse_resolution, run_grid

NOISE_KINDS = ("white", "colored", "surrogate")
SCHEMES = ("euler", "heun")
#: steps per compiled call (as numerics.stochastic_mass)
CHUNK_STEPS = 2**18


# ---------------------------------------------------------------------------------------------- compiled loop
@numba.njit(cache=True, inline="always")
def _drift(x, out, s, h, r, mode_pop, poles, I, tau, tau_s, syn, J, R_r, R_s):
    """out = f(x) = rhs(x, 0): the noise-free drift (Structure.rhs); fills s = R_s x, h = J s, r = R_r x."""
    P = h.size
    D = x.size
    for a in range(P):
        acc_s = 0.0
        acc_r = 0.0
        for d in range(D):
            acc_s += R_s[a, d] * x[d]
            acc_r += R_r[a, d] * x[d]
        s[a] = acc_s
        r[a] = acc_r
    for a in range(P):
        acc = 0.0
        for b in range(P):
            acc += J[a, b] * s[b]
        h[a] = acc
    for m in range(mode_pop.size):
        a = mode_pop[m]
        dw = mode_rhs(complex(x[2 * m], x[2 * m + 1]), poles[m], h[a], 1.0, I[a], tau[a])
        out[2 * m] = dw.real
        out[2 * m + 1] = dw.imag
    for a in range(P):
        k = syn[a]
        if k >= 0:
            out[k] = synapse_rhs(x[k], r[a], tau_s[a])


@numba.njit(cache=True, inline="always")
def _rates(x, R_r, r):
    for a in range(r.size):
        acc = 0.0
        for d in range(x.size):
            acc += R_r[a, d] * x[d]
        r[a] = acc


@numba.njit(cache=True)
def _integrate(x, dt, step0, n_steps, bin_steps, transient_steps, bin0, scheme, kind, xi_series, N, eta, eta_off,
               phases, mode_pop, poles, I, tau, tau_s, syn, J, R_r, R_v, R_s, D_delta, B, seed,
               out_A, out_r, out_v, out_s):
    """Advance the state x (in place) over steps step0 .. step0 + n_steps - 1 (one chunk of the run).

    kind: 0 white (numba's generator, seeded with ``seed`` >= 0 on the first chunk; one normal per population per
    step, in population order), 1 colored (xi_series[b, kk]), 2 surrogate (oscillators eta[eta_off[b]:eta_off[b+1]]
    of population b, phases advanced in place).  scheme: 0 Euler(-Maruyama), 1 Heun.
    Bin j (counted from the end of the transient) accumulates into column j - bin0 of the outputs (P x bins).
    Returns the global step of divergence, or -1.
    """
    if seed >= 0:
        np.random.seed(seed)
    P = N.size
    D = x.size
    sqdt = math.sqrt(dt)
    f = np.empty(D)
    fp = np.empty(D)
    g = np.empty(D)
    xp = np.empty(D)
    s = np.empty(P)
    h = np.empty(P)
    r = np.empty(P)
    rp = np.empty(P)
    xi = np.zeros(P)
    amp = np.zeros(P)
    dW = np.zeros(P)
    n_out = out_A.shape[1]
    for kk in range(n_steps):
        k = step0 + kk
        _drift(x, f, s, h, r, mode_pop, poles, I, tau, tau_s, syn, J, R_r, R_s)
        # this step's shot noises (xi_b: the average over [t, t + dt))
        for b in range(P):
            if kind == 0:
                rb = max(r[b], 0.0)
                dW[b] = sqdt * np.random.standard_normal()
                xi[b] = math.sqrt(white_noise_intensity(rb, N[b])) * dW[b] / dt
                amp[b] = white_noise_amplitude(rb, 1.0, N[b])
            elif kind == 1:
                xi[b] = xi_series[b, kk]
            else:
                spikes = 0.0
                fsum = 0.0
                for j in range(eta_off[b], eta_off[b + 1]):
                    a_j = effective_drive(eta[j], h[b], 1.0, I[b], tau[b])
                    if a_j > 0.0:
                        fj = frequency_of_drive(a_j, tau[b])
                        fsum += fj
                        ph = phases[j] + fj * dt
                        nsp = math.floor(ph)
                        spikes += nsp
                        phases[j] = ph - nsp
                n_b = eta_off[b + 1] - eta_off[b]
                xi[b] = spikes / (n_b * dt) - fsum / n_b
        # outputs at the start of the step (A = r + xi, s = R_s x + D_delta xi)
        if k >= transient_steps:
            jb = (k - transient_steps) // bin_steps - bin0
            if 0 <= jb < n_out:
                for a in range(P):
                    va = 0.0
                    for d in range(D):
                        va += R_v[a, d] * x[d]
                    sa = s[a]
                    for b in range(P):
                        sa += D_delta[a, b] * xi[b]
                    out_A[a, jb] += (r[a] + xi[a]) / bin_steps
                    out_r[a, jb] += r[a] / bin_steps
                    out_v[a, jb] += va / bin_steps
                    out_s[a, jb] += sa / bin_steps
        # the noise increment B xi dt (white: sum_b B[:, b] g_b(x) dW_b)
        for d in range(D):
            acc = 0.0
            for b in range(P):
                acc += B[d, b] * (amp[b] * dW[b] if kind == 0 else dt * xi[b])
            g[d] = acc
        if scheme == 0:
            for d in range(D):
                x[d] = x[d] + dt * f[d] + g[d]
        else:
            for d in range(D):
                xp[d] = x[d] + dt * f[d] + g[d]
            if kind == 0:  # Stratonovich Heun: the amplitude averaged over both ends of the step
                _rates(xp, R_r, rp)
                for d in range(D):
                    acc = 0.0
                    for b in range(P):
                        acc += B[d, b] * 0.5 * (amp[b] + white_noise_amplitude(max(rp[b], 0.0), 1.0, N[b])) * dW[b]
                    g[d] = acc
            _drift(xp, fp, s, h, rp, mode_pop, poles, I, tau, tau_s, syn, J, R_r, R_s)
            for d in range(D):
                x[d] = x[d] + 0.5 * dt * (f[d] + fp[d]) + g[d]
        for d in range(D):
            if not math.isfinite(x[d]):
                return k
    return -1


# ---------------------------------------------------------------------------------------------- result
@dataclass
class CircuitMassRun:
    """Output of a circuit's stochastic mass-model run.

    Per population (rows in the order of ``names``) and output bin: the activity A = r + xi, the rate r, the mean
    voltage v and the synaptic variable s (bin averages; None without ``keep_series``).  Means are accumulated
    during the run; with ``segment`` the Welch spectra of every activity (``spectra[name]``, a Spectrum) and the
    cross-spectra (``cross['a|b']``, estimating S_ab) as well.
    """

    names: tuple
    noise: str
    scheme: str
    bin_width: float
    T: float
    dt: float
    transient: float
    steps: int
    seed: int
    n_bins: int
    start: dict
    activity: np.ndarray | None
    r: np.ndarray | None
    v: np.ndarray | None
    s: np.ndarray | None
    mean_activity: np.ndarray
    mean_r: np.ndarray
    mean_v: np.ndarray
    mean_s: np.ndarray
    spectra: dict = field(default_factory=dict)
    cross: dict = field(default_factory=dict)

    @property
    def mean_rate(self) -> np.ndarray:
        """Mean activity of every population (spikes per unit time per neuron)."""
        return self.mean_activity

    def series(self, name: str, output: str = "activity") -> np.ndarray:
        """One population's binned series of 'activity', 'r', 'v' or 's'."""
        if output not in ("activity", "r", "v", "s"):
            raise ParameterError("output must be one of activity, r, v, s, got %r" % (output,))
        arr = getattr(self, output)
        if arr is None:
            raise ParameterError("the series were not kept (keep_series=False)")
        if name not in self.names:
            raise ParameterError("unknown population %r (known: %s)" % (name, ", ".join(self.names)))
        return arr[self.names.index(name)]

    def to_dict(self) -> dict:
        """Metadata, means per population and (if accumulated) the spectra; the arrays stay in the object."""
        d = {"noise": self.noise, "scheme": self.scheme, "bin_width": self.bin_width, "T": self.T, "dt": self.dt,
             "transient": self.transient, "steps": self.steps, "bins": self.n_bins, "seed": self.seed,
             "populations": list(self.names), "start": self.start, "series_kept": self.activity is not None,
             "mean": {n: {"activity": float(self.mean_activity[a]), "r": float(self.mean_r[a]),
                          "v": float(self.mean_v[a]), "s": float(self.mean_s[a])} for a, n in enumerate(self.names)}}
        if self.spectra:
            d["spectra"] = {n: sp.to_dict() for n, sp in self.spectra.items()}
            d["cross"] = {k: c.to_dict() for k, c in self.cross.items()}
        return d


# ---------------------------------------------------------------------------------------------- driver
def simulate_circuit_stochastic_mass(circuit, *, T: float, dt: float, noise: str = "white", scheme: str = "heun",
                                     transient: float = 0.0, bin_width: float | None = None, index: int | None = None,
                                     seed: int = 0, keep_series: bool = True, segment: float | None = None,
                                     progress: bool = False) -> CircuitMassRun:
    """Integrate the circuit's stochastic mass model with shot noise of kind ``noise`` in every population.

    Parameters (keyword-only)
    -------------------------
    T, dt : float
        Duration (including the transient) and step, in units of time.
    noise : 'white' | 'colored' | 'surrogate'
        See the module docstring.
    scheme : 'euler' | 'heun'
    transient : float
        Initial time discarded from the outputs (< T).
    bin_width : float
        Output bin, a multiple of dt (default dt).
    index : int or None
        Which fixed point to start from (``Circuit.operating_point``); None: the unique one.
    seed : int
        Seeds every random stream (the same streams as Model.simulate_stochastic_mass for one population).
    keep_series : bool
        Keep the binned series (4 P values per bin); with False memory does not grow with T.
    segment : float, optional
        Accumulate the Welch spectra and cross-spectra of the activities (``spectra``, ``cross``).
    progress : bool
        Progress bar on stderr.
    """
    from ..colored_noise import ColoredNoise, filter_taps
    from ..streaming_welch import WelchAccumulator

    if noise not in NOISE_KINDS:
        raise ParameterError("noise must be one of %s, got %r" % (", ".join(NOISE_KINDS), noise))
    if scheme not in SCHEMES:
        raise ParameterError("scheme must be one of %s, got %r" % (", ".join(SCHEMES), scheme))
    N = np.array(circuit.N, dtype=float)  # ParameterError naming populations.X.N if missing
    T, dt, transient, bw, n_steps, tr, bin_steps, n_bins = run_grid(T=T, dt=dt, transient=transient,
                                                                    bin_width=bin_width)
    check_synapse_resolution(dt=dt, tau_s=circuit.tau_s, names=circuit.names)
    seed = integer_at_least("seed", seed, 0)
    op = circuit.operating_point(index=index, require_stable=False)
    st = circuit.structure
    P = st.P
    x = np.array(op.x, dtype=float)
    rng = np.random.default_rng(seed)
    gens = []
    eta_s, eta_off, phases = np.zeros(0), np.zeros(P + 1, dtype=np.int64), np.zeros(0)
    if noise == "colored":
        taps = filter_taps(n_steps)
        gens = [ColoredNoise(spectrum=q.binned(bin_width=dt, kind="shot"), dt=dt, rng=rng, taps=taps)
                for q in op.population_points]
    elif noise == "surrogate":
        from .simulate import excitabilities

        etas = excitabilities(circuit, draw="quantile")
        eta_s = np.concatenate(etas)
        eta_off = np.concatenate([[0], np.cumsum([e.size for e in etas])]).astype(np.int64)
        phases = rng.random(eta_s.size)
    if segment is not None:
        welch = [WelchAccumulator(dt=bw, segment=segment) for _ in range(P)]
        if welch[0].nperseg > n_bins:
            raise ParameterError("segment (%g) must not exceed T - transient (%g)" % (segment, n_bins * bw))
        cross_acc = CrossWelchAccumulator(channels=P, dt=bw, segment=segment) if P > 1 else None
    else:
        welch, cross_acc = None, None
    chunk_steps = CHUNK_STEPS if noise != "surrogate" else max(1024, min(CHUNK_STEPS, int(2e7 // max(eta_s.size, 1))))
    chunk_bins = max(1, chunk_steps // bin_steps)
    outs = [np.zeros((P, chunk_bins)) for _ in range(4)]
    kept = [[] for _ in range(4)] if keep_series else None
    sums = np.zeros((4, P))
    numba_seed = int(rng.integers(2**31))
    rec_end = tr + n_bins * bin_steps
    kind = NOISE_KINDS.index(noise)
    arrays = (st.mode_pop.astype(np.int64), st.poles.astype(complex), st.I.astype(float), st.tau.astype(float),
              st.tau_s.astype(float), st.synapse_index.astype(np.int64), np.ascontiguousarray(st.J, dtype=float),
              *(np.ascontiguousarray(m, dtype=float) for m in (st.R_r, st.R_v, st.R_s, st.D_delta,
                                                              st.noise_matrix())))
    with progress_bar(total=n_steps, desc="circuit mass model (%s noise)" % noise, enabled=progress) as bar:
        step, bin0 = 0, 0
        while step < n_steps:
            if tr <= step < rec_end:
                n = min(chunk_bins, n_bins - bin0) * bin_steps
            else:
                n = min(chunk_steps, (tr if step < tr else n_steps) - step)
            xi = np.array([gn.next(n) for gn in gens]) if gens else np.zeros((P, 1))
            for o in outs:
                o[:] = 0.0
            bad = _integrate(x, dt, step, n, bin_steps, tr, bin0, SCHEMES.index(scheme), kind, xi, N, eta_s, eta_off,
                             phases, *arrays, numba_seed if step == 0 else -1, *outs)
            if bad >= 0:
                raise ParameterError("the circuit's stochastic mass model diverged at t=%g (step %d): dt=%g is too "
                                     "large for this noise (N=%s); reduce dt or raise N"
                                     % (bad * dt, bad, dt, ", ".join("%g" % v for v in N)))
            if tr <= step < rec_end:
                nb = n // bin_steps
                chunk = [o[:, :nb] for o in outs]
                sums += [c.sum(axis=1) for c in chunk]
                if welch is not None:
                    for a in range(P):
                        welch[a].add(chunk[0][a])
                    if cross_acc is not None:
                        cross_acc.add(chunk[0])
                if kept is not None:
                    for lst, c in zip(kept, chunk):
                        lst.append(c.copy())
                bin0 += nb
            step += n
            bar.update(n)
    series = [np.concatenate(k, axis=1) for k in kept] if kept is not None else [None] * 4
    means = sums / n_bins
    names = circuit.names
    spectra, cross = {}, {}
    if welch is not None:
        spectra = {n: w.spectrum() for n, w in zip(names, welch)}
        if cross_acc is not None:
            cross = cross_acc.cross_spectra(names)
    start = {n: {"r": float(op.r[a]), "v": float(op.v[a])} for a, n in enumerate(names)}
    return CircuitMassRun(names, noise, scheme, bw, T, dt, transient, n_steps, seed, n_bins, start, *series,
                          *(means[i] for i in range(4)), spectra=spectra, cross=cross)
