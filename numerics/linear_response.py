"""Linear response of the MPR fixed point and the closed-loop network spectra.

Implements theory/THEORY.md eqs. (44)-(50) with the generated kernels of
:mod:`shotnoise.theory.linear_response` (convention exp(-i omega t); spectra
two-sided, angular frequency):

    G(omega)   = (2 r0/tau) / ((i omega - 2 v0/tau)^2 + 4 pi^2 r0^2)     (dr = J G ds)
    G_v(omega) = (i omega - 2 v0/tau) / ((i omega - 2 v0/tau)^2 + 4 pi^2 r0^2)
    S_s = S_xi / |1 - J G|^2,  S_r = |J G|^2 S_s,  S_v = |J G_v|^2 S_s,  S_rv = (J G)(J G_v)^* S_s
    S_sM = (1/N) |1/(1 - J G)|^2 S1 + (1/M - 1/N) S1,  S1 = N S_xi.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import math
from dataclasses import dataclass

import numba
import numpy as np

from shotnoise.theory.errors import ParameterError

from ._generated.spectrum_kernels import (closed_loop_transfer, effective_drive,
                                         quality_factor, resonance_terms, shot_peak_frequency,
                                         subpopulation_spectrum, susceptibility_rate, susceptibility_voltage)
from ._jit import pure
from .parameters import finite, finite_array, positive
from .shot_spectrum import CONVENTION

if TYPE_CHECKING:  # the density kernels are numba ufuncs compiled at import: imported lazily
    from .densities import Density


@numba.njit(cache=True)
def _susceptibility_grid(omegas, r0, v0, tau):
    G = np.empty(omegas.size, dtype=np.complex128)
    Gv = np.empty(omegas.size, dtype=np.complex128)
    for i in range(omegas.size):
        G[i] = susceptibility_rate(omegas[i], r0, v0, tau)
        Gv[i] = susceptibility_voltage(omegas[i], r0, v0, tau)
    return G, Gv


def susceptibility(omega, *, r: float, v: float, tau: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """Open-loop (G, G_v) at angular frequencies omega (real, 1-D) for the MPR fixed point (r > 0, v finite)."""
    w = finite_array("omega", omega)
    return _susceptibility_grid(w, positive("r", r), finite("v", v), positive("tau", tau))


def _check_density(g) -> None:
    from .densities import Density  # lazy: see numerics.densities

    if not isinstance(g, Density):
        raise ParameterError("g must be a Density (numerics.densities), got %s" % type(g).__name__)


def susceptibility_general(omega, g: Density, *, r: float, J: float = 0.0, I: float = 0.0,
                           tau: float = 1.0) -> np.ndarray:
    """Open-loop G(omega) of the rate for any density g (population integral, omega > 0).

    With a = sqrt(eta + I + J tau r0) (firing neurons only) and h(a) = a g(a^2 - I - J tau r0):

        G = (1/pi) [int h/(omega tau + 2a) da + PV int h/(2a - omega tau) da] - i h(omega tau/2) / 2,

    from G = (1/2 pi) int g [1/(omega tau + 2 w0) + 1/(2 w0 - (omega - i0) tau)] d eta.
    Silent neurons do not respond (their Lorentzian width stays 0).  Slow (quadrature per point): the
    readable reference of ``numerics.general_response.susceptibility_any`` (theory/THEORY.md eq. (76)).
    """
    from scipy.integrate import quad

    w = finite_array("omega", omega)
    if np.any(w <= 0):
        raise ParameterError("omega must be > 0 for susceptibility_general")
    _check_density(g)
    r, J, I, tau = positive("r", r), finite("J", J), finite("I", I), positive("tau", tau)
    shift = pure(effective_drive)(0.0, r, J, I, tau)  # a = eta + shift
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
            im = -h(a0) / 2
        else:
            pv = quad(lambda a: h(a) / (2 * a - om * tau), a_min, a_max, limit=400, epsabs=1e-13)[0]
            im = 0.0
        out[i] = (reg + pv) / math.pi + 1j * im
    return out


def annealed_rate(g: Density, *, J: float = 0.0, I: float = 0.0, tau: float = 1.0) -> float:
    """Self-consistent rate r = int g(eta) f(eta + I + J tau r) d eta with f(a) = sqrt(max(a, 0))/(pi tau):
    the highest root of ``numerics.general_response.self_consistent_rates`` (for the Lorentzian the MPR fixed
    point; with several roots, J > 0, the highest active branch), 0.0 for a quiescent population."""
    from .general_response import self_consistent_rates

    _check_density(g)
    rates = self_consistent_rates(g, J=J, I=I, tau=tau)
    return rates[-1].r if rates else 0.0


@dataclass
class NetworkSpectra:
    """Spectra of a finite network at a stable fixed point (two-sided, angular frequency).

    omega, shot (S_xi), activity (S_s), rate (S_r), voltage (S_v), cross_rv (S_rv, complex),
    subpopulation (S_sM or None), G, G_v (open-loop susceptibilities) and
    gain = |T_s|^2 = |1/(1 - J G)|^2.  voltage, cross_rv and G_v are None where the family has no
    voltage response (not the case for any family so far).
    """

    omega: np.ndarray
    shot: np.ndarray
    activity: np.ndarray
    rate: np.ndarray
    voltage: np.ndarray | None
    cross_rv: np.ndarray | None
    subpopulation: np.ndarray | None
    G: np.ndarray
    G_v: np.ndarray | None
    gain: np.ndarray
    convention: str = CONVENTION
    #: ``numerics.order2.SecondOrder`` when computed with order=2, else None
    second_order: object = None

    def to_dict(self) -> dict:
        """Real-valued spectra as lists (cross_rv as [re, im] pairs, G and G_v omitted); ``second_order`` when
        computed with order=2."""
        d = {"convention": self.convention, "omega": self.omega.tolist(), "shot": self.shot.tolist(),
             "activity": self.activity.tolist(), "rate": self.rate.tolist(),
             "voltage": None if self.voltage is None else self.voltage.tolist(),
             "cross_rv": None if self.cross_rv is None else [[float(z.real), float(z.imag)] for z in self.cross_rv],
             "gain": self.gain.tolist()}
        if self.subpopulation is not None:
            d["subpopulation"] = self.subpopulation.tolist()
        if self.second_order is not None:
            d["second_order"] = self.second_order.to_dict()
        return d


def closed_loop_spectra(omega, *, S_xi, r: float, v: float, J: float, tau: float, N: float,
                        M: float | None = None) -> NetworkSpectra:
    """Closed-loop spectra from the shot-noise spectrum S_xi at the fixed point (r, v).

    S_s = |T_s|^2 S_xi, S_r = |T_r|^2 S_xi, S_v = |T_v|^2 S_xi, S_rv = T_r T_v^* S_xi with
    T_s = 1/(1 - J G), T_r = J G T_s, T_v = J G_v T_s, and
    S_sM = (1/N) |T_s|^2 S1 + (1/M - 1/N) S1 with S1 = N S_xi (generated kernels).
    The caller (``OperatingPoint.spectra``) guarantees a stable fixed point.
    """
    w = finite_array("omega", omega)
    S_xi = finite_array("S_xi", S_xi)
    if S_xi.shape != w.shape:
        raise ParameterError("S_xi must have one value per omega (%d), got %d" % (w.size, S_xi.size))
    r, v, tau = positive("r", r), finite("v", v), positive("tau", tau)
    G, Gv = _susceptibility_grid(w, float(r), float(v), float(tau))
    return closed_loop_from_susceptibility(w, S_xi=S_xi, G=G, G_v=Gv, J=J, N=N, M=M)


def closed_loop_from_susceptibility(omega, *, S_xi, G, G_v, J: float, N: float, M: float | None = None
                                    ) -> NetworkSpectra:
    """Closed-loop spectra from S_xi and the open-loop susceptibilities G, G_v on the grid omega (any family).

    T_s = 1/(1 - J G), T_r = J G T_s, T_v = J G_v T_s; S_s = |T_s|^2 S_xi, S_r = |T_r|^2 S_xi,
    S_v = |T_v|^2 S_xi, S_rv = T_r T_v^* S_xi, S_sM = (1/N) |T_s|^2 S1 + (1/M - 1/N) S1, S1 = N S_xi.
    G_v may be None (no voltage response known): S_v and S_rv are then None.
    """
    w = finite_array("omega", omega)
    S_xi = finite_array("S_xi", S_xi)
    G = np.asarray(G, dtype=complex)
    no_v = G_v is None
    Gv = np.zeros_like(G) if no_v else np.asarray(G_v, dtype=complex)
    for name, arr in (("S_xi", S_xi), ("G", G), ("G_v", Gv)):
        if arr.shape != w.shape:
            raise ParameterError("%s must have one value per omega (%d), got %d" % (name, w.size, arr.size))
    J, N = finite("J", J), positive("N", N)
    if N < 1:
        raise ParameterError("N must be >= 1, got %r" % N)
    if M is not None:
        M = finite("M", M)
        if not 1 <= M <= N:
            raise ParameterError("M must satisfy 1 <= M <= N, got M=%r, N=%r" % (M, N))
    edge = ~np.isfinite(G)
    if np.any(edge):  # a density with a jump (uniform): Re G has a log singularity at the band edge
        raise ParameterError("omega=%.17g is an edge of the band of firing frequencies of a density with a jump (Re G "
                             "is infinite there, a log singularity): evaluate next to it" % w[np.argmax(edge)])
    D = 1.0 - J * G
    if np.any(D == 0):  # exactly on a neutral collective mode (e.g. a uniform density): the spectrum diverges
        raise ParameterError("omega=%.17g is the frequency of a neutral collective mode (1 - J G = 0): the linear "
                             "spectrum diverges there; evaluate next to it" % w[np.argmax(D == 0)])
    Ts2, S_r, S_v, S_rv, S_sM = _closed_loop_grid(S_xi, G, Gv, float(J), float(N), float(N if M is None else M))
    return NetworkSpectra(w, S_xi, Ts2 * S_xi, S_r, None if no_v else S_v, None if no_v else S_rv,
                          None if M is None else S_sM, G, None if no_v else Gv, Ts2)


@numba.njit(cache=True)
def _closed_loop_grid(S_xi, G, Gv, J, N, M):
    """Closed-loop spectra on a grid from the generated transfer functions (all two-sided, angular)."""
    n = S_xi.size
    Ts2, S_r, S_v, S_sM = np.empty(n), np.empty(n), np.empty(n), np.empty(n)
    S_rv = np.empty(n, dtype=np.complex128)
    for i in range(n):
        Ts, Tr, Tv = closed_loop_transfer(G[i], Gv[i], J)
        Ts2[i] = abs(Ts) ** 2
        S_r[i] = abs(Tr) ** 2 * S_xi[i]
        S_v[i] = abs(Tv) ** 2 * S_xi[i]
        S_rv[i] = Tr * np.conj(Tv) * S_xi[i]
        S_sM[i] = subpopulation_spectrum(N * S_xi[i], Ts2[i], N, M)
    return Ts2, S_r, S_v, S_rv, S_sM


@dataclass(frozen=True)
class Resonance:
    """Damped mode of the closed loop and its effect on the shot-noise peak.

    omega_res = sqrt(4 pi^2 r0^2 - 2 J r0/tau) (nan if overdamped), damping = -2 v0/tau,
    Q = omega_res/(2 damping), omega_peak = 2 sqrt(eta_t)/tau (first shot-noise peak, nan if
    eta_t <= 0), gain_at_peak = |1/(1 - J G(omega_peak))|^2.
    """

    omega_res: float
    damping: float
    Q: float
    omega_peak: float
    gain_at_peak: float

    def to_dict(self) -> dict:
        """Values with nan (not defined) as None; keys as in the CLI JSON."""
        f = lambda x: float(x) + 0.0 if math.isfinite(x) else None  # + 0.0: no negative zero
        return {"omega_res": f(self.omega_res), "damping": f(self.damping), "Q": f(self.Q),
                "omega_shot_peak": f(self.omega_peak), "gain_at_shot_peak": f(self.gain_at_peak)}


def resonance_of(*, r: float, v: float, eta_t: float, J: float, tau: float) -> Resonance:
    """Resonance frequency, damping, quality factor, and closed-loop gain at the shot-noise peak of the MPR
    fixed point (all from the generated kernels of theory.linear_response and theory.shot_noise)."""
    r, v, eta_t = positive("r", r), finite("v", v), finite("eta_t", eta_t)
    J, tau = finite("J", J), positive("tau", tau)
    w2, gamma = pure(resonance_terms)(r, v, J, tau)
    w_res = math.sqrt(w2) if w2 > 0 else math.nan
    G_peak = None
    if eta_t > 0:
        G_peak = susceptibility([pure(shot_peak_frequency)(eta_t, tau)], r=r, v=v, tau=tau)[0][0]
    return resonance_from(omega_res=w_res, damping=gamma, eta_t=eta_t, J=J, tau=tau, G_peak=G_peak)


def resonance_from(*, omega_res: float, damping: float, eta_t: float, J: float, tau: float,
                   G_peak: complex | None) -> Resonance:
    """A Resonance from a closed-loop mode (omega_res, damping; nan if none) and G at the shot-noise peak
    omega_peak = 2 sqrt(eta_t)/tau (None: no peak, eta_t <= 0, or no stable linear response)."""
    w_pk = pure(shot_peak_frequency)(eta_t, tau) if eta_t > 0 else math.nan
    gain = math.nan
    if G_peak is not None and math.isfinite(w_pk):
        gain = float(abs(pure(closed_loop_transfer)(complex(G_peak), 0j, J)[0]) ** 2)
    ok = math.isfinite(omega_res) and math.isfinite(damping) and damping > 0
    Q = pure(quality_factor)(omega_res, damping) if ok else math.nan
    return Resonance(omega_res, damping, Q, w_pk, gain)


def variance(spectrum_fn, *, omega_max: float = math.inf) -> float:
    """Variance = int S d omega / (2 pi) over the real line (S even): (1/pi) int_0^inf S d omega."""
    from scipy.integrate import quad
    if not callable(spectrum_fn):
        raise ParameterError("spectrum_fn must be callable (omega array -> spectrum array)")
    if not (isinstance(omega_max, float) and omega_max == math.inf):
        omega_max = positive("omega_max", omega_max)
    val = quad(lambda x: float(spectrum_fn(np.array([x]))[0]), 0, omega_max, limit=500)[0]
    return val / math.pi
