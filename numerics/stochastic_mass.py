"""Stochastic (finite-size) neural mass model: three models of the shot noise xi (theory/THEORY.md eqs. (51)-(58)).

Lorentzian (MPR):

    dr = f_r(r, v) dt,    dv = f_v(r, v) dt + J xi dt      (tau dv/dt contains J tau xi)

with the drift f from the generated MPR kernel.  Multi-pole family g_n (eqs. (61)-(73)): the n complex
modes of the reduced model, drift from the generated ``mode_rhs``,

    tau dw_k = i (eta_k + I + J tau r - w_k^2) dt + i J tau xi dt,   pi tau r + i v = sum_k c_k w_k,

i.e. s = r + xi is the common input of every mode (dv_k += J xi dt for all k), started at the fixed
point's modes; the output r, v is the mean field.  Gaussian and uniform densities have no exact
finite-dimensional mass model and are refused (ParameterError; the Gaussian-like family with an exact
reduced model is heterogeneity='multipole', poles=2..4).  In every family xi is one of

(a) ``white``: Gaussian white noise of intensity r(t)/N (the diffusion limit):
    dv gets J sqrt(r/N) dW.  Euler-Maruyama or stochastic Heun (Ito = Stratonovich
    here because the noise amplitude depends on r only and dr has no noise).
    Captures the total shot-noise power at high frequency and its dependence on
    the current rate; misses the peak of S_xi at the firing rate (and the dip at
    low frequency): wrong near the shot-noise peak and resonance.
(b) ``colored``: stationary Gaussian noise with the theoretical spectrum S_xi of the
    fixed point (binned over dt, with aliasing), synthesised by FFT.  Captures the
    spectral shape exactly in the linear regime; misses non-Gaussian and non-
    stationary effects (rate-dependent intensity, switching between states).
(c) ``surrogate``: N uniform-phase oscillators with frequencies
    f_j(t) = sqrt(max(eta_j + I + J tau r(t), 0))/(pi tau) (eta_j: the family's quantiles) driven by
    the current mean field; xi = (their spikes)/(N dt) - mean_j f_j(t).  Captures the periodic,
    non-Gaussian, rate-dependent shot noise; misses the QIF phase response (the
    phases do not react to input) and costs O(N) per step.

The output activity is s = r + xi averaged over bins (compare with the network activity).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numba
import numpy as np

from ._generated.mpr_kernels import mpr_rhs, white_noise_amplitude, white_noise_intensity
from ._generated.multipole_kernels import mode_mean_field, mode_rhs
from ._generated.spectrum_kernels import effective_drive, frequency_of_drive
from shotnoise.theory.errors import ParameterError

from .families import require_reduced
from .parameters import finite, finite_array, positive
from .circuit.run_grid import run_grid
from .progress import progress_bar

NOISE_KINDS = ("white", "colored", "surrogate")
SCHEMES = ("euler", "heun")


@numba.njit(cache=True, inline="always")
def _mean_field(w, weights, tau):
    """(r, v) = (Re, Im) of sum_k c_k w_k, with r scaled by 1/(pi tau)."""
    r = 0.0
    v = 0.0
    for j in range(w.size):
        rk, vk = mode_mean_field(weights[j], w[j], tau)
        r += rk
        v += vk
    return r, v


@numba.njit(cache=True, inline="always")
def _shot_noise(kind, kk, r, dt, sqdt, J, N, I, tau, xi_series, eta, phases):
    """This step's shot noise: (xi, b, dW) with xi the bin average over [t, t + dt).

    kind 0 (white): dW ~ N(0, dt), b = J sqrt(r/N) the Ito coefficient of dW in every dv_k;
    kind 1 (colored): xi = xi_series[kk]; kind 2 (surrogate): the spikes of the oscillators
    (phases advanced in place) minus their mean rate.  b = dW = 0 for kinds 1 and 2.
    """
    if kind == 0:
        rp = max(r, 0.0)
        dW = sqdt * np.random.standard_normal()
        return math.sqrt(white_noise_intensity(rp, N)) * dW / dt, white_noise_amplitude(rp, J, N), dW
    if kind == 1:
        return xi_series[kk], 0.0, 0.0
    spikes = 0.0
    fsum = 0.0
    for j in range(eta.size):
        a = effective_drive(eta[j], r, J, I, tau)
        if a > 0.0:
            f = frequency_of_drive(a, tau)
            fsum += f
            ph = phases[j] + f * dt
            n = math.floor(ph)
            spikes += n
            phases[j] = ph - n
    return spikes / (eta.size * dt) - fsum / eta.size, 0.0, 0.0


@numba.njit(cache=True)
def _integrate_mpr(r, v, dt, step0, n_steps, bin_steps, transient_steps, bin0, scheme, kind, xi_series, N, eta, phases,
                   eta_bar, Delta, J, I, tau, seed, out_s, out_r, out_v):
    """The Lorentzian on the scalars (r, v) with the generated MPR kernel: the one-mode case of
    :func:`_integrate_modes` (same noise, schemes and binning; equal to it to rounding, tested), kept because
    the complex one-mode loop is about 2x slower.  Returns (global step of divergence or -1, r, v).
    """
    if seed >= 0:
        np.random.seed(seed)
    sqdt = math.sqrt(dt)
    for kk in range(n_steps):
        k = step0 + kk
        xi, amp, dW = _shot_noise(kind, kk, r, dt, sqdt, J, N, I, tau, xi_series, eta, phases)
        fr, fv = mpr_rhs(r, v, eta_bar, Delta, J, I, tau)
        if kind == 0:
            if scheme == 0:
                rn = r + dt * fr
                vn = v + dt * fv + amp * dW
            else:
                rp = r + dt * fr
                vp = v + dt * fv + amp * dW
                gr, gv = mpr_rhs(rp, vp, eta_bar, Delta, J, I, tau)
                amp2 = white_noise_amplitude(max(rp, 0.0), J, N)
                rn = r + 0.5 * dt * (fr + gr)
                vn = v + 0.5 * dt * (fv + gv) + 0.5 * (amp + amp2) * dW
        else:
            if scheme == 0:
                rn = r + dt * fr
                vn = v + dt * (fv + J * xi)
            else:
                rp = r + dt * fr
                vp = v + dt * (fv + J * xi)
                gr, gv = mpr_rhs(rp, vp, eta_bar, Delta, J, I, tau)
                rn = r + 0.5 * dt * (fr + gr)
                vn = v + 0.5 * dt * (fv + gv) + dt * J * xi
        if k >= transient_steps:
            b = (k - transient_steps) // bin_steps - bin0
            if 0 <= b < out_s.size:
                out_s[b] += (r + xi) / bin_steps
                out_r[b] += r / bin_steps
                out_v[b] += v / bin_steps
        r, v = rn, vn
        if not (math.isfinite(r) and math.isfinite(v)):
            return k, r, v
    return -1, r, v


@numba.njit(cache=True)
def _integrate_modes(w, poles, weights, dt, step0, n_steps, bin_steps, transient_steps, bin0, scheme, kind, xi_series,
                     N, eta, phases, J, I, tau, seed, out_s, out_r, out_v):
    """Integrator loop of the multi-pole model over steps step0 .. step0 + n_steps - 1 (one chunk of the run).

    State: the complex modes w (advanced in place), tau dw_k/dt = i (eta_k + I + J tau (r + xi) - w_k^2)
    with eta_k = ``poles`` (generated ``mode_rhs``), (pi tau r, v) = (Re, Im) sum_k c_k w_k (c_k = ``weights``).
    kind: 0 white, 1 colored (xi_series: this chunk's values), 2 surrogate oscillators.
    scheme: 0 Euler(-Maruyama), 1 Heun.  seed >= 0 seeds numba's generator (first chunk only).
    Bin b (counted from the end of the transient) accumulates into index b - bin0 of the outputs.
    Returns the global step of divergence, or -1.
    """
    if seed >= 0:
        np.random.seed(seed)
    sqdt = math.sqrt(dt)
    n = w.size
    f = np.empty(n, dtype=np.complex128)
    wp = np.empty(n, dtype=np.complex128)
    r, v = _mean_field(w, weights, tau)
    for kk in range(n_steps):
        k = step0 + kk
        xi, amp, dW = _shot_noise(kind, kk, r, dt, sqdt, J, N, I, tau, xi_series, eta, phases)
        # the common input J tau xi enters every mode: dv_k += J xi dt (white: J sqrt(r/N) dW)
        kick = 1j * (amp * dW) if kind == 0 else 1j * (dt * J * xi)
        for j in range(n):
            f[j] = mode_rhs(w[j], poles[j], r, J, I, tau)
        if scheme == 0:
            for j in range(n):
                w[j] = w[j] + dt * f[j] + kick
        else:
            for j in range(n):
                wp[j] = w[j] + dt * f[j] + kick
            rp, _ = _mean_field(wp, weights, tau)
            if kind == 0:
                kick = 1j * (0.5 * (amp + white_noise_amplitude(max(rp, 0.0), J, N)) * dW)
            for j in range(n):
                w[j] = w[j] + 0.5 * dt * (f[j] + mode_rhs(wp[j], poles[j], rp, J, I, tau)) + kick
        if k >= transient_steps:
            b = (k - transient_steps) // bin_steps - bin0
            if 0 <= b < out_s.size:
                out_s[b] += (r + xi) / bin_steps
                out_r[b] += r / bin_steps
                out_v[b] += v / bin_steps
        r, v = _mean_field(w, weights, tau)
        if not (math.isfinite(r) and math.isfinite(v)):
            return k
    return -1


@dataclass
class MassRun:
    """Output of a stochastic mass-model run: activity s = r + xi, rate r, voltage v (per bin).

    The binned series are kept only with ``keep_series`` (else None); the means, and the Welch
    estimate of s when a ``segment`` was given, are accumulated during the run.
    """

    noise: str
    scheme: str
    bin_width: float
    s: np.ndarray | None
    r: np.ndarray | None
    v: np.ndarray | None
    dt: float
    steps: int
    start: tuple
    seed: int
    n_bins: int
    mean_rate: float
    mean_r: float
    mean_v: float
    spectrum: object = None

    def to_dict(self) -> dict:
        """Metadata and means (the arrays stay in the object)."""
        d = {"noise": self.noise, "scheme": self.scheme, "bin_width": self.bin_width, "dt": self.dt,
             "steps": self.steps, "bins": self.n_bins, "start": {"r": self.start[0], "v": self.start[1]},
             "seed": self.seed, "mean_rate": self.mean_rate, "mean_r": self.mean_r, "mean_v": self.mean_v,
             "series_kept": self.s is not None}
        if self.spectrum is not None:
            d["spectrum"] = self.spectrum.to_dict()
        return d


def _initial_modes(model, op, r_init: float, v_init: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(eta_k, c_k, w_k) of the multi-pole model: poles, residue weights and initial modes.

    The modes of the fixed point ``op``; when a start (r0, v0) is given, every mode is displaced by the
    same pi tau (r0 - r*) + i (v0 - v*) (sum_k c_k = 1, so the mean field starts there), and each must keep
    Re w_k > 0 (a mode is a Lorentzian of positive width).
    """
    from .multipole import coefficients

    u, c = coefficients(model.poles)
    w = np.array(op.modes, dtype=complex)
    if r_init != op.r or v_init != op.v:
        w = w + complex(math.pi * model.tau * (r_init - op.r), v_init - op.v)
    if np.any(w.real <= 0):
        raise ParameterError("the start (r0=%g, v0=%g) shifts a mode of the %d-pole model to Re w_k <= 0 (each "
                             "mode is a Lorentzian of positive width); choose r0 closer to the fixed point's rate %g"
                             % (r_init, v_init, model.poles, op.r))
    return model.eta_bar + model.Delta * u, c.copy(), w


#: steps per compiled call: bounds the reaction time to Ctrl-C and the memory of one chunk
CHUNK_STEPS = 2**18


def simulate_stochastic_mass(model, *, T: float, dt: float, noise: str = "white", scheme: str = "heun",
                             transient: float = 0.0, bin_width: float | None = None, branch: str | None = None,
                             r0: float | None = None, v0: float | None = None, eta=None, seed: int = 0,
                             keep_series: bool = True, segment: float | None = None,
                             progress: bool = False) -> MassRun:
    """Integrate the stochastic mass model of ``model`` with shot noise of kind ``noise``.

    Parameters
    ----------
    model : Model
        The population (its N sets the noise intensity r/N); heterogeneity 'lorentzian' or 'multipole'.
    T, dt : float
        Duration (including the transient) and step, in units of time (tau).
    noise : 'white' | 'colored' | 'surrogate'
        See the module docstring for what each captures.
    scheme : 'euler' | 'heun'
    transient : float
        Initial time discarded from the output.
    bin_width : float
        Output bin (multiple of dt; default dt).
    branch : str, optional
        Fixed point to start from (and, for coloured noise, whose S_xi is used) when several exist.
    r0, v0 : float, optional
        Initial state; default: the chosen fixed point.  Multi-pole: every mode of the fixed point is
        displaced by pi tau (r0 - r*) + i (v0 - v*), so that the mean field starts at (r0, v0).
    eta : array, optional
        Excitabilities of the surrogate oscillators (default: the model's quantiles).
    seed : int
    keep_series : bool
        Keep the binned series s, r, v (24 bytes per bin); with False memory does not grow with T.
    segment : float, optional
        Accumulate the Welch estimate of s during the run (``result.spectrum``).
    progress : bool
        Show a progress bar on stderr.
    """
    from .colored_noise import ColoredNoise, filter_taps
    from .streaming_welch import WelchAccumulator

    if noise not in NOISE_KINDS:
        raise ParameterError("noise must be one of %s, got %r" % (", ".join(NOISE_KINDS), noise))
    if scheme not in SCHEMES:
        raise ParameterError("scheme must be one of %s, got %r" % (", ".join(SCHEMES), scheme))
    N = model.require_N()
    T, dt, transient, bw, n_steps, tr, bin_steps, n_bins = run_grid(T=T, dt=dt, transient=transient,
                                                                    bin_width=bin_width)
    require_reduced(model, "the stochastic mass model")
    op = model.operating_point(branch=branch, require_stable=(noise == "colored"))
    r_init = op.r if r0 is None else positive("r0", r0)
    v_init = op.v if v0 is None else finite("v0", v0)
    # the Lorentzian runs on (r, v) with the MPR kernel, the multi-pole family on its n complex modes
    r, v = r_init, v_init
    pole_arr, weights, w = _initial_modes(model, op, r_init, v_init) if op.modes is not None else (None, None, None)
    rng = np.random.default_rng(seed)
    noise_gen = None
    eta_s = np.zeros(0)
    phases = np.zeros(0)
    if noise == "colored":
        noise_gen = ColoredNoise(spectrum=op.binned(bin_width=dt, kind="shot"), dt=dt, rng=rng,
                                 taps=filter_taps(n_steps))
    elif noise == "surrogate":
        eta_s = model.excitabilities(draw="quantile") if eta is None else finite_array("eta", eta)
        phases = rng.random(eta_s.size)
    welch_s = WelchAccumulator(dt=bw, segment=segment) if segment is not None else None
    if welch_s is not None and welch_s.nperseg > n_bins:
        raise ParameterError("segment (%g) must not exceed T - transient (%g)" % (segment, n_bins * bw))
    # surrogate noise costs O(N) per step: keep one compiled call near 2e7 oscillator-steps (Ctrl-C within ~0.1 s)
    chunk_steps = CHUNK_STEPS if noise != "surrogate" else max(1024, min(CHUNK_STEPS, int(2e7 // max(eta_s.size, 1))))
    chunk_bins = max(1, chunk_steps // bin_steps)
    out_s, out_r, out_v = np.zeros(chunk_bins), np.zeros(chunk_bins), np.zeros(chunk_bins)
    kept = ([], [], []) if keep_series else None
    sums = np.zeros(3)
    numba_seed = int(rng.integers(2**31))
    rec_end = tr + n_bins * bin_steps
    with progress_bar(total=n_steps, desc="mass model (%s noise)" % noise, enabled=progress) as bar:
        step, bin0 = 0, 0
        while step < n_steps:
            if tr <= step < rec_end:
                n = min(chunk_bins, n_bins - bin0) * bin_steps
            else:
                n = min(chunk_steps, (tr if step < tr else n_steps) - step)
            xi = noise_gen.next(n) if noise_gen is not None else np.zeros(1)
            out_s[:] = 0.0
            out_r[:] = 0.0
            out_v[:] = 0.0
            args = (dt, step, n, bin_steps, tr, bin0, SCHEMES.index(scheme), NOISE_KINDS.index(noise), xi,
                    float(N), eta_s, phases)
            tail = (numba_seed if step == 0 else -1, out_s, out_r, out_v)
            if w is None:
                bad, r, v = _integrate_mpr(r, v, *args, *model.parameters.as_tuple(), *tail)
            else:
                bad = _integrate_modes(w, pole_arr, weights, *args, model.J, model.I, model.tau, *tail)
            if bad >= 0:
                raise ParameterError("the stochastic mass model diverged at t=%g (step %d): dt=%g is too large for "
                                     "this noise (N=%g); reduce dt or raise N" % (bad * dt, bad, dt, N))
            if tr <= step < rec_end:
                nb = n // bin_steps
                chunk = (out_s[:nb], out_r[:nb], out_v[:nb])
                sums += [c.sum() for c in chunk]
                if welch_s is not None:
                    welch_s.add(chunk[0])
                if kept is not None:
                    for lst, c in zip(kept, chunk):
                        lst.append(c.copy())
                bin0 += nb
            step += n
            bar.update(n)
    s_, r_, v_ = (np.concatenate(k) for k in kept) if kept is not None else (None, None, None)
    m = sums / n_bins
    return MassRun(noise, scheme, bw, s_, r_, v_, dt, n_steps, (r_init, v_init), seed, n_bins, float(m[0]),
                   float(m[1]), float(m[2]), welch_s.spectrum() if welch_s is not None else None)
