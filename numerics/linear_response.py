"""Linear response of the MPR fixed point and the closed-loop network spectra.

Implements THEORY.md sections 5-6 with the generated kernels of
:mod:`shotnoise.theory.linear_response` (convention exp(-i omega t); spectra
two-sided, angular frequency):

    G(omega)   = (2 r0/tau) / ((i omega - 2 v0/tau)^2 + 4 pi^2 r0^2)     (dr = J G ds)
    G_v(omega) = (i omega - 2 v0/tau) / ((i omega - 2 v0/tau)^2 + 4 pi^2 r0^2)
    S_s = S_xi / |1 - J G|^2,  S_r = |J G|^2 S_s,  S_v = |J G_v|^2 S_s,  S_rv = (J G)(J G_v)^* S_s
    S_sM = (1/N) |1/(1 - J G)|^2 S1 + (1/M - 1/N) S1,  S1 = N S_xi.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numba
import numpy as np

from ._generated.spectrum_kernels import (closed_loop_transfer, frequency_of_drive, resonance_terms,
                                         subpopulation_spectrum, susceptibility_rate, susceptibility_voltage)
from .densities import Density
from .mpr import FixedPoint, fixed_points, select_branch
from .parameters import MPRParameters, finite_array, positive
from .shot_spectrum import CONVENTION, shot_spectrum_asymptote, shot_spectrum_lorentzian


@numba.njit(cache=True)
def _susceptibility_grid(omegas, r0, v0, tau):
    G = np.empty(omegas.size, dtype=np.complex128)
    Gv = np.empty(omegas.size, dtype=np.complex128)
    for i in range(omegas.size):
        G[i] = susceptibility_rate(omegas[i], r0, v0, tau)
        Gv[i] = susceptibility_voltage(omegas[i], r0, v0, tau)
    return G, Gv


def susceptibility(omega, r0: float, v0: float, tau: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """Open-loop (G, G_v) at angular frequencies omega for the MPR fixed point (r0, v0)."""
    w = finite_array("omega", omega)
    return _susceptibility_grid(w, positive("r0", r0), float(v0), positive("tau", tau))


def susceptibility_general(omega, g: Density, r0: float, J: float = 0.0, I: float = 0.0,
                           tau: float = 1.0) -> np.ndarray:
    """Open-loop G(omega) of the rate for any density g (population integral, omega > 0).

    With a = sqrt(eta + I + J tau r0) (firing neurons only) and h(a) = a g(a^2 - I - J tau r0):

        G = (1/(pi tau)) [int h/(omega tau + 2a) da + PV int h/(2a - omega tau) da]
            - i h(omega tau/2) / (2 tau),

    from G = (1/2 pi) int g [1/(omega tau + 2 w0) + 1/(2 w0 - (omega - i0) tau)] d eta.
    Silent neurons do not respond (their Lorentzian width stays 0).  Slow (quadrature).
    """
    from scipy.integrate import quad

    w = finite_array("omega", omega)
    if np.any(w <= 0):
        raise ValueError("omega must be > 0 for susceptibility_general")
    shift = I + J * tau * r0
    a_min = math.sqrt(max(g.lo + shift, 0.0)) if math.isfinite(g.lo) else 0.0
    a_max = math.sqrt(g.hi + shift) if math.isfinite(g.hi) else math.inf
    h = lambda a: a * float(g.pdf(a * a - shift))
    out = np.empty(w.size, dtype=complex)
    for i, om in enumerate(w):
        a0 = 0.5 * om * tau
        reg = quad(lambda a: h(a) / (om * tau + 2 * a), a_min, a_max, limit=400, epsabs=1e-13, epsrel=1e-11)[0]
        if a_min < a0 < a_max:
            hi_f = min(a_max, 4 * a0 + 10.0 * (1 + (g.width if math.isfinite(g.width) else 1)))
            pv = 0.5 * quad(h, a_min, hi_f, weight="cauchy", wvar=a0, limit=400, epsabs=1e-13)[0]
            if hi_f < a_max:
                pv += quad(lambda a: h(a) / (2 * a - om * tau), hi_f, a_max, limit=400, epsabs=1e-13)[0]
            im = -h(a0) / (2 * tau)
        else:
            pv = quad(lambda a: h(a) / (2 * a - om * tau), a_min, a_max, limit=400, epsabs=1e-13)[0]
            im = 0.0
        out[i] = (reg + pv) / (math.pi * tau) + 1j * im
    return out


def annealed_rate(g: Density, J: float = 0.0, I: float = 0.0, tau: float = 1.0) -> float:
    """Self-consistent rate r = int g(eta) f(eta + I + J tau r) d eta with f(a) = sqrt(max(a, 0))/(pi tau)
    (root bracketing); for the Lorentzian this is the MPR fixed point."""
    from scipy.integrate import quad
    from scipy.optimize import brentq

    def F(rr):
        shift = I + J * tau * rr
        lo = max(-shift, g.lo)
        if lo >= g.hi:
            return -rr
        h = lambda e: float(g.pdf(e)) * f_of_a(max(e + shift, 0.0), tau)
        # split at the bulk of g so quad cannot miss a narrow density on an infinite range
        cuts = [lo]
        if math.isfinite(g.centre) and math.isfinite(g.width):
            cuts += [x for x in (g.centre - 50 * g.width, g.centre, g.centre + 50 * g.width) if lo < x < g.hi]
        cuts.append(g.hi)
        val = sum(quad(h, a, b, limit=400, epsabs=1e-14, epsrel=1e-12)[0] for a, b in zip(cuts[:-1], cuts[1:]))
        return val - rr

    f_of_a = frequency_of_drive.py_func
    lo, hi = 1e-12, 1.0
    while F(hi) > 0:
        hi *= 2
        if hi > 1e8:
            raise ValueError("no self-consistent rate below 1e8 (runaway excitation)")
    return brentq(F, lo, hi, xtol=1e-15, rtol=1e-14)


@dataclass
class NetworkSpectra:
    """Spectra of a finite MPR network at a stable fixed point (two-sided, angular frequency).

    Attributes: omega, shot (S_xi), activity (S_s), rate (S_r), voltage (S_v), cross_rv
    (S_rv, complex), subpopulation (S_sM or None), fixed_point, G, G_v, gain = |T_s|^2 = |1/(1 - J G)|^2.
    """

    omega: np.ndarray
    shot: np.ndarray
    activity: np.ndarray
    rate: np.ndarray
    voltage: np.ndarray
    cross_rv: np.ndarray
    subpopulation: np.ndarray | None
    fixed_point: FixedPoint
    G: np.ndarray
    G_v: np.ndarray
    gain: np.ndarray
    convention: str = CONVENTION


def network_spectra(omega, p: MPRParameters, N: float, M: float | None = None,
                    branch: str | None = None) -> NetworkSpectra:
    """Shot-noise, activity, rate and voltage spectra of N neurons (Lorentzian g).

    Raises ValueError if the fixed point is not unique and no ``branch`` is
    chosen, or if the chosen fixed point is unstable (linear response does not apply).
    """
    N = positive("N", N)
    if N < 1:
        raise ValueError("N must be >= 1, got %r" % N)
    if M is not None:
        M = positive("M", M)
        if not 1 <= M <= N:
            raise ValueError("M must satisfy 1 <= M <= N, got M=%r, N=%r" % (M, N))
    fp = select_branch(fixed_points(p), branch)
    if not fp.stable:
        raise ValueError("the %s fixed point (r=%.6g) is a %s: linear response needs a stable fixed point"
                         % (branch or "selected", fp.r, fp.stability))
    w = finite_array("omega", omega)
    S_xi = shot_spectrum_lorentzian(w, p, N, fp.r)
    G, Gv, Ts2, S_r, S_v, S_rv, S_sM = _closed_loop_grid(w, S_xi, fp.r, fp.v, p.J, p.tau, N,
                                                         N if M is None else M)
    return NetworkSpectra(w, S_xi, Ts2 * S_xi, S_r, S_v, S_rv, None if M is None else S_sM, fp, G, Gv, Ts2)


@numba.njit(cache=True)
def _closed_loop_grid(omegas, S_xi, r0, v0, J, tau, N, M):
    """Closed-loop spectra on a grid from the generated transfer functions (all two-sided, angular)."""
    n = omegas.size
    G = np.empty(n, dtype=np.complex128)
    Gv = np.empty(n, dtype=np.complex128)
    Ts2, S_r, S_v, S_sM = np.empty(n), np.empty(n), np.empty(n), np.empty(n)
    S_rv = np.empty(n, dtype=np.complex128)
    for i in range(n):
        G[i] = susceptibility_rate(omegas[i], r0, v0, tau)
        Gv[i] = susceptibility_voltage(omegas[i], r0, v0, tau)
        Ts, Tr, Tv = closed_loop_transfer(G[i], Gv[i], J)
        Ts2[i] = abs(Ts) ** 2
        S_r[i] = abs(Tr) ** 2 * S_xi[i]
        S_v[i] = abs(Tv) ** 2 * S_xi[i]
        S_rv[i] = Tr * np.conj(Tv) * S_xi[i]
        S_sM[i] = subpopulation_spectrum(N * S_xi[i], Ts2[i], N, M)
    return G, Gv, Ts2, S_r, S_v, S_rv, S_sM


def binned_network_spectrum(p: MPRParameters, N: float, bin_width: float, M: float | None = None,
                            kind: str = "activity", branch: str | None = None):
    """Spectrum of a bin-averaged signal (bin ``bin_width``) predicted by the linear theory, as a callable.

    kind: 'activity' (S_s, or S_sM when M is given), 'shot' (S_xi) or 'white' (the diffusion
    limit, (r0/N) |T_s|^2).  Aliasing and the sinc^2 filter are included by
    :func:`~shotnoise.numerics.spectral_estimation.binned_spectrum`, with the large-omega
    behaviour s_inf - a/|omega| of S_xi summed in closed form.  Returns (callable, fixed point).
    """
    from .spectral_estimation import binned_spectrum

    if kind not in ("activity", "shot", "white"):
        raise ValueError("kind must be 'activity', 'shot' or 'white', got %r" % kind)
    fp = network_spectra([1.0], p, N, M=M, branch=branch).fixed_point
    s_inf, a = shot_spectrum_asymptote(p, N, fp.r)
    if kind == "white":
        s_inf, a = fp.r / N, 0.0
    if M is not None and kind == "activity":
        s_inf, a = s_inf * N / M, a * N / M  # S_sM -> N S_xi / M at large omega

    def S(w):
        if kind == "shot":
            return shot_spectrum_lorentzian(w, p, N, fp.r)
        ns = network_spectra(w, p, N, M=M, branch=branch)
        if kind == "white":
            return (fp.r / N) * ns.gain
        return ns.subpopulation if M is not None else ns.activity

    return (lambda w: binned_spectrum(S, w, bin_width, s_inf, a)), fp


@dataclass(frozen=True)
class Resonance:
    """Damped mode of the closed loop and its effect on the shot-noise peak."""

    omega_res: float       # sqrt(4 pi^2 r0^2 - 2 J r0/tau), nan if overdamped (non-oscillatory)
    damping: float         # -2 v0 / tau
    Q: float               # omega_res / (2 damping)
    omega_peak: float      # first shot-noise peak, 2 sqrt(eta_t)/tau (nan if eta_t <= 0)
    gain_at_peak: float    # |1/(1 - J G(omega_peak))|^2


def resonance(p: MPRParameters, fp: FixedPoint) -> Resonance:
    """Resonance frequency, damping, quality factor, and closed-loop gain at the shot-noise peak
    (all from the generated kernels of theory.linear_response and theory.shot_noise)."""
    w2, gamma = resonance_terms.py_func(fp.r, fp.v, p.J, p.tau)
    w_res = math.sqrt(w2) if w2 > 0 else math.nan
    eta_t = p.eta_bar + p.I + p.J * p.tau * fp.r
    w_pk = 2 * math.pi * frequency_of_drive.py_func(eta_t, p.tau) if eta_t > 0 else math.nan
    gain = math.nan
    if math.isfinite(w_pk):
        G, Gv = susceptibility([w_pk], fp.r, fp.v, p.tau)
        gain = float(abs(closed_loop_transfer.py_func(G[0], Gv[0], p.J)[0]) ** 2)
    return Resonance(w_res, gamma, w_res / (2 * gamma) if math.isfinite(w_res) else math.nan, w_pk, gain)


def variance(spectrum_fn, omega_max: float = math.inf) -> float:
    """Variance = int S d omega / (2 pi) over the real line (S even): (1/pi) int_0^inf S d omega."""
    from scipy.integrate import quad
    val = quad(lambda x: float(spectrum_fn(np.array([x]))[0]), 0, omega_max, limit=500)[0]
    return val / math.pi
