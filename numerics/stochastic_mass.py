"""Stochastic (finite-size) MPR neural mass model: three models of the shot noise xi (theory/THEORY.md eqs. (51)-(58)).

    dr = f_r(r, v) dt,    dv = f_v(r, v) dt + J xi dt      (tau dv/dt contains J tau xi)

with the drift f from the generated MPR kernel and xi one of

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
    f_j(t) = sqrt(max(eta_j + I + J tau r(t), 0))/(pi tau) driven by the current
    mean field; xi = (their spikes)/(N dt) - mean_j f_j(t).  Captures the periodic,
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
from ._generated.spectrum_kernels import effective_drive, frequency_of_drive
from shotnoise.theory.errors import ParameterError

from .parameters import finite, finite_array, integer_at_least, nonnegative, positive

NOISE_KINDS = ("white", "colored", "surrogate")
SCHEMES = ("euler", "heun")


@numba.njit(cache=True)
def _integrate(r, v, dt, n_steps, bin_steps, transient_steps, scheme, kind, xi_series, N, eta, phases,
               eta_bar, Delta, J, I, tau, seed, out_s, out_r, out_v):
    """Shared integrator loop.  kind: 0 white, 1 colored (xi_series), 2 surrogate oscillators.
    scheme: 0 Euler(-Maruyama), 1 Heun.  Bins accumulate after the transient."""
    np.random.seed(seed)
    sqdt = math.sqrt(dt)
    for k in range(n_steps):
        # the shot-noise value of this step (bin average over [t, t + dt))
        if kind == 0:
            dW = sqdt * np.random.standard_normal()
            amp = white_noise_amplitude(max(r, 0.0), J, N)
            xi = math.sqrt(white_noise_intensity(max(r, 0.0), N)) * dW / dt
        elif kind == 1:
            xi = xi_series[k]
            amp = 0.0
            dW = 0.0
        else:
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
            xi = spikes / (eta.size * dt) - fsum / eta.size
            amp = 0.0
            dW = 0.0
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
            b = (k - transient_steps) // bin_steps
            if b < out_s.size:
                out_s[b] += (r + xi) / bin_steps
                out_r[b] += r / bin_steps
                out_v[b] += v / bin_steps
        r, v = rn, vn
        if not (math.isfinite(r) and math.isfinite(v)):
            return k
    return -1


def colored_shot_noise(n: int, dt: float, spectrum, rng: np.random.Generator) -> np.ndarray:
    """Stationary Gaussian series x_k (k < n, spacing dt) with two-sided spectrum S_d(omega) on the
    Nyquist band (``spectrum`` must already include binning/aliasing), by FFT synthesis:

        X_m = sqrt(S_d(omega_m) n / dt) (a_m + i b_m)/sqrt 2  (Hermitian), x = ifft(X).real,

    so that var x = (1/(n dt)) sum_m S_d(omega_m) = int S_d d omega / (2 pi).  Periodic with period n dt.
    """
    n = integer_at_least("n", n, 2)
    dt = positive("dt", dt)
    w = 2 * np.pi * np.fft.rfftfreq(n, d=dt)
    S = np.asarray(spectrum(w), dtype=float)
    if not np.all(np.isfinite(S)) or np.any(S < -1e-12 * np.max(np.abs(S))):
        raise ParameterError("spectrum must be finite and >= 0")
    S = np.maximum(S, 0.0)  # rounding at omega = 0, where S_d vanishes exactly
    amp = np.sqrt(S * n / dt)
    X = amp * (rng.standard_normal(w.size) + 1j * rng.standard_normal(w.size)) / math.sqrt(2)
    X[0] = 0.0  # zero mean
    if n % 2 == 0:
        X[-1] = amp[-1] * rng.standard_normal()  # Nyquist bin is real
    return np.fft.irfft(X, n=n)


@dataclass
class MassRun:
    """Binned output of a stochastic mass-model run: activity s = r + xi, rate r, voltage v (per bin)."""

    noise: str
    scheme: str
    bin_width: float
    s: np.ndarray
    r: np.ndarray
    v: np.ndarray
    dt: float
    steps: int
    start: tuple
    seed: int

    @property
    def mean_rate(self) -> float:
        """Time average of the activity s = r + xi."""
        return float(self.s.mean())

    def to_dict(self) -> dict:
        """Metadata and means (the arrays stay in the object)."""
        return {"noise": self.noise, "scheme": self.scheme, "bin_width": self.bin_width, "dt": self.dt,
                "steps": self.steps, "bins": int(self.s.size), "start": {"r": self.start[0], "v": self.start[1]},
                "seed": self.seed, "mean_rate": self.mean_rate, "mean_r": float(self.r.mean()),
                "mean_v": float(self.v.mean())}


def simulate_stochastic_mass(model, *, T: float, dt: float, noise: str = "white", scheme: str = "heun",
                             transient: float = 0.0, bin_width: float | None = None, branch: str | None = None,
                             r0: float | None = None, v0: float | None = None, eta=None, seed: int = 0) -> MassRun:
    """Integrate the stochastic MPR model of ``model`` with shot noise of kind ``noise``.

    Parameters
    ----------
    model : Model
        The population (its N sets the noise intensity r/N).
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
        Initial state; default: the chosen fixed point.
    eta : array, optional
        Excitabilities of the surrogate oscillators (default: the model's quantiles).
    seed : int
    """
    if noise not in NOISE_KINDS:
        raise ParameterError("noise must be one of %s, got %r" % (", ".join(NOISE_KINDS), noise))
    if scheme not in SCHEMES:
        raise ParameterError("scheme must be one of %s, got %r" % (", ".join(SCHEMES), scheme))
    N = model.require_N()
    T, dt = positive("T", T), positive("dt", dt)
    transient = nonnegative("transient", transient)
    if transient >= T:
        raise ParameterError("T must be > transient, got T=%r, transient=%r" % (T, transient))
    bw = dt if bin_width is None else positive("bin_width", bin_width)
    bin_steps = int(round(bw / dt))
    if bin_steps < 1 or abs(bin_steps * dt - bw) > 1e-9 * bw:
        raise ParameterError("bin_width must be a positive multiple of dt, got %r" % bw)
    op = model.operating_point(branch=branch, require_stable=(noise == "colored"))
    r_init = op.r if r0 is None else positive("r0", r0)
    v_init = op.v if v0 is None else finite("v0", v0)
    n_steps = int(round(T / dt))
    tr = int(round(transient / dt))
    n_bins = (n_steps - tr) // bin_steps
    if n_bins < 1:
        raise ParameterError("T - transient must cover at least one bin")
    rng = np.random.default_rng(seed)
    xi_series = np.zeros(1)
    eta_s = np.zeros(0)
    phases = np.zeros(0)
    if noise == "colored":
        xi_series = colored_shot_noise(n_steps, dt, op.binned(bin_width=dt, kind="shot"), rng)
    elif noise == "surrogate":
        eta_s = model.excitabilities(draw="quantile") if eta is None else finite_array("eta", eta)
        phases = rng.random(eta_s.size)
    out_s, out_r, out_v = np.zeros(n_bins), np.zeros(n_bins), np.zeros(n_bins)
    bad = _integrate(r_init, v_init, dt, n_steps, bin_steps, tr, SCHEMES.index(scheme), NOISE_KINDS.index(noise),
                     xi_series, float(N), eta_s, phases, *model.parameters.as_tuple(), int(rng.integers(2**31)),
                     out_s, out_r, out_v)
    if bad >= 0:
        raise FloatingPointError("stochastic mass model diverged at step %d (t=%g); reduce dt or raise N"
                                 % (bad, bad * dt))
    return MassRun(noise, scheme, bw, out_s, out_r, out_v, dt, n_steps, (r_init, v_init), seed)
