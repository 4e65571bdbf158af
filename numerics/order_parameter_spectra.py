"""Spectra of the network's order parameter Z and of r_Z, v_Z at linear order (theory.order_parameter_noise).

Implements the harmonic sums S_Zf, S_Zf,xi of ``theory/order_parameter_noise.py`` (the analogue of
theory/THEORY.md eq. (32) for exp(i theta) of N periodic QIF neurons), closed with the MPR linear response
(eqs. (45)-(49)) and the linearised map W_Z = (1 - conj Z)/(1 + conj Z) = pi tau r_Z + i v_Z.  Lorentzian
population only (the single-population MPR model).  Conventions: two-sided, angular frequency,
S(omega) = int C(t) exp(-i omega t) dt, variance = int S d omega/(2 pi), S_xy = <x(omega) conj y(omega)>.

* :func:`order_parameter_spectra` -- S_Z (complex Z: not even in omega), S_ReZ, S_ImZ, S_rZ, S_vZ, S_rZvZ,
  each split into free (the sample's own noise), collective (the mass model's response) and interference parts;
* :func:`order_parameter_variances` -- N var of each observable (frequency integral with a stated error);
* :func:`sampled_order_parameter_spectra` -- the spectrum of point samples every ``interval`` (what the
  simulator stores: Z evaluated at the end of every ``order_parameter_interval``, no bin averaging), i.e.
  sum_m S(omega + 2 pi m/interval), and :func:`expected_welch_order_parameter`, the exact expectation of the
  package's Welch estimate on those samples;
* :func:`expected_welch_quenched`, :func:`quenched_variance` -- the same for one actual sample eta_1..eta_N: the
  free and interference parts as the sample's own lines at 2 n a_j/tau (at the sample's quenched rate), the
  collective part from the density.  At small N the quantile sample's discrete slow neurons and missing tail
  make its free spectrum differ from the density average.

Every formula of the theory is a generated kernel (``_generated/order_parameter_kernels.py``, specs in
``order_parameter_kernel_specs.py``, from theory/order_parameter_noise.py; theory/THEORY.md eqs. (101)-(108)): the
line weights of the harmonic sums and their truncation bounds, the equal-time integrand, one neuron's c_n, b_n and
line frequencies, the coefficients (alpha, beta, gamma) of each observable and the free/collective/interference
split of the quadratic form (also per line of a sample); T = 1/(1 - J G) is ``closed_loop_transfer`` and the drive
``effective_drive`` (spectrum kernels).  Written here: the estimator's arithmetic (Hann window transform, the
alias tail sum of a 1/omega^2 decay in trigamma form, quadrature nodes) and the truncation rules.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numba
import numpy as np
from scipy.special import polygamma

from shotnoise.theory.errors import ParameterError

from ._generated.density_kernels import lorentzian_sup
from ._generated.order_parameter_kernels import (op_equal_time_integrand, op_line_coefficient, op_line_density,
                                                 op_line_tail_bound, op_line_weight_bounds, op_line_weights,
                                                 op_log_q_bound, op_neuron_coefficients, op_observable_coefficients,
                                                 op_spectral_parts, op_tail_decay)
from ._generated.spectrum_kernels import closed_loop_transfer, effective_drive, shot_peak_frequency
from .parameters import finite_array, integer_at_least, positive
from .shot_spectrum import CONVENTION

#: the real observables (even spectra) and the complex one; the order of theory.order_parameter_noise.OBSERVABLES
#: (the rows of op_observable_coefficients)
REAL_OBSERVABLES = ("ReZ", "ImZ", "rZ", "vZ")
OBSERVABLES = ("Z",) + REAL_OBSERVABLES
#: absolute accuracy of the harmonic sums, relative to 1/N (S_Zf in units of tau/N, S_Zf,xi of 1/N)
HARMONIC_EPS = 1e-10
#: alias pairs summed explicitly for point samples (the rest: the 1/omega^2 tail in closed form)
ALIAS_PAIRS = 64


# --------------------------------------------------------------------------- harmonic sums (numba)
@numba.njit(cache=True)
def _free_sums(w_tau, eta_bar, Delta, shift, eps):
    """N tau^-1 S_Zf and N S_Zf,xi at omega tau = w_tau (> 0) for a Lorentzian; sums to an error <= eps.

    Term n: :func:`_line_term` (2 pi g(eta_n) |c_n|^2 a_n/n and 2 pi g(eta_n) c_n (-1)^n a_n^2/(pi n),
    a_n = w_tau/(2n), c_n = (1 - q^2)(-q)^(n-1), q = (1 - a_n)/(1 + a_n)).  Bounds (``op_line_weight_bounds``):
    |term| <= 4 pi sup g w^3 |q_n|^(2n-2)/n^4 (auto), sup g w^3 |q_n|^(n-1)/n^4 (cross), with
    log|q_n| <= -2/(a_n + 1) (``op_log_q_bound``) for a_n >= 1 and <= -2 a_n for a_n < 1, both decreasing along n
    in their range: the a_n >= 1 range is left once the per-term bound times the terms left in it is <= eps,
    the rest once the n^-4 tail bound (``op_line_tail_bound``) is.
    """
    sup_g = lorentzian_sup(eta_bar, Delta)
    auto = 0.0
    cross = 0.0
    n_switch = int(math.floor(w_tau / 2.0))  # a_n >= 1 for n <= n_switch
    nn = 1
    while nn <= n_switch:
        an = w_tau / (2.0 * nn)
        b_auto, b_cross = op_line_weight_bounds(w_tau, nn, op_log_q_bound(an), sup_g)
        if max(b_auto, b_cross) * (n_switch - nn + 1) <= eps:
            break
        wa, wc = _line_term(an, nn, shift, eta_bar, Delta)
        auto += wa
        cross += wc
        nn += 1
    nn = max(nn, n_switch + 1)
    # a_n < 1: |q|^(n-1) <= exp(-2 a_n (n-1)) = exp(-w (n-1)/n), falling along n; n^-4 tail from K = nn
    while True:
        if nn >= 2 and op_line_tail_bound(w_tau, nn, sup_g, op_tail_decay(w_tau, nn)) <= eps:
            break
        wa, wc = _line_term(w_tau / (2.0 * nn), nn, shift, eta_bar, Delta)
        auto += wa
        cross += wc
        nn += 1
    return auto, cross


@numba.njit(cache=True, inline="always")
def _line_term(an, nn, shift, eta_bar, Delta):
    """n-th line weights of (N/tau) S_Zf and N S_Zf,xi at a_n (``op_line_weights`` of c_n and g(eta_n))."""
    return op_line_weights(an, nn, op_line_coefficient(an, nn), op_line_density(an, shift, eta_bar, Delta))


@numba.njit(cache=True)
def _free_grid(w_tau, eta_bar, Delta, shift, eps):
    A = np.zeros(w_tau.size)
    C = np.zeros(w_tau.size)
    for i in range(w_tau.size):
        if w_tau[i] > 0.0:
            A[i], C[i] = _free_sums(w_tau[i], eta_bar, Delta, shift, eps)
    return A, C


def free_spectra(omega, *, eta_bar: float, Delta: float, J: float, r0: float, N: float, I: float = 0.0,
                 tau: float = 1.0, eps: float = HARMONIC_EPS) -> tuple[np.ndarray, np.ndarray]:
    """(S_Zf, S_Zf,xi) of N free neurons with Lorentzian g (harmonic sums; 0 for omega <= 0).

    S_Zf = (2 pi/N) sum_n g(eta_n) |c_n|^2 a_n tau/n,  S_Zf,xi = (2 pi/N) sum_n g(eta_n) c_n (-1)^n a_n^2/(pi n),
    a_n = omega tau/(2n), eta_n = a_n^2 - I - J tau r0.  Absolute error <= eps tau/N and eps/N.
    Two-sided, angular frequency.
    """
    w = finite_array("omega", omega)
    Delta, tau, N, r0 = positive("Delta", Delta), positive("tau", tau), positive("N", N), positive("r0", r0)
    A, C = _free_grid(np.ascontiguousarray(w * tau, dtype=float), float(eta_bar), Delta,
                      float(effective_drive(0.0, r0, J, I, tau)), positive("eps", eps))  # shift = e - eta
    return A * tau / N, C / N


# --------------------------------------------------------------------------- coefficients from the theory
@numba.njit(cache=True)
def _coefficient_grid(W0, G, Gv, Gm_, Gvm_, J, tau):
    """Rows 3k..3k+2 = (alpha, beta, gamma) of OBSERVABLES[k] at every omega (``op_observable_coefficients``), with
    T = T_s(omega), T_m = T_s(-omega) of ``closed_loop_transfer``."""
    out = np.empty((15, G.size), dtype=np.complex128)
    for i in range(G.size):
        T = closed_loop_transfer(G[i], Gv[i], J)[0]
        Tm_ = closed_loop_transfer(Gm_[i], Gvm_[i], J)[0]
        (out[0, i], out[1, i], out[2, i], out[3, i], out[4, i], out[5, i], out[6, i], out[7, i], out[8, i],
         out[9, i], out[10, i], out[11, i], out[12, i], out[13, i], out[14, i]) = op_observable_coefficients(
            W0, G[i], Gv[i], T, Gm_[i], Gvm_[i], Tm_, J, tau)
    return out


def _coefficients(*, W0, G, Gv, Gm_, Gvm_, J, tau) -> dict:
    """{name: (alpha, beta, gamma)} arrays over omega for every observable."""
    cx = lambda x: np.ascontiguousarray(x, dtype=np.complex128)
    rows = _coefficient_grid(complex(W0), cx(G), cx(Gv), cx(Gm_), cx(Gvm_), float(J), float(tau))
    return {k: (rows[3 * i], rows[3 * i + 1], rows[3 * i + 2]) for i, k in enumerate(OBSERVABLES)}


@numba.njit(cache=True)
def _parts_grid(ux, uy, Sp, Sm, Cp, Cm, Sx):
    """(free, collective, interference) of S_xy at every omega (``op_spectral_parts``; ux, uy: (3, n) rows)."""
    free = np.empty(Sp.size, dtype=np.complex128)
    coll = np.empty(Sp.size, dtype=np.complex128)
    inter = np.empty(Sp.size, dtype=np.complex128)
    for i in range(Sp.size):
        free[i], coll[i], inter[i] = op_spectral_parts(ux[0, i], ux[1, i], ux[2, i], uy[0, i], uy[1, i], uy[2, i],
                                                       Sp[i], Sm[i], Cp[i], Cm[i], Sx[i])
    return free, coll, inter


# --------------------------------------------------------------------------- results
@dataclass(frozen=True)
class OrderParameterSpectra:
    """Linear-order spectra of Z, Re Z, Im Z, r_Z, v_Z (two-sided, angular frequency; S_Z is not even).

    ``total[name]`` = ``free[name]`` + ``collective[name]`` + ``interference[name]`` for name in
    ('Z', 'ReZ', 'ImZ', 'rZ', 'vZ'); ``cross_rZvZ`` = <r_Z conj v_Z> (complex).  free: the sample's own noise
    (N periodic neurons, the kappa conj(Z_f) part of W_Z); collective: |gamma|^2 S_xi (for r_Z, v_Z the mass
    model's S_r, S_v); interference: the free-collective cross terms (through S_Zf,xi).
    """

    omega: np.ndarray
    total: dict
    free: dict
    collective: dict
    interference: dict
    cross_rZvZ: np.ndarray
    S_Zf: np.ndarray
    S_Zf_xi: np.ndarray
    S_xi: np.ndarray
    convention: str = CONVENTION

    @property
    def S_Z(self) -> np.ndarray:
        return self.total["Z"]

    @property
    def S_rZ(self) -> np.ndarray:
        return self.total["rZ"]

    @property
    def S_vZ(self) -> np.ndarray:
        return self.total["vZ"]

    @property
    def S_rZvZ(self) -> np.ndarray:
        return self.cross_rZvZ

    def to_dict(self) -> dict:
        """Lists; complex arrays as [re, im] pairs."""
        pairs = lambda z: [[float(x.real), float(x.imag)] for x in z]
        part = lambda d: {k: v.tolist() for k, v in d.items()}
        return {"convention": self.convention, "omega": self.omega.tolist(), "total": part(self.total),
                "free": part(self.free), "collective": part(self.collective),
                "interference": part(self.interference), "cross_rZvZ": pairs(self.cross_rZvZ),
                "S_Zf": self.S_Zf.tolist(), "S_Zf_xi": pairs(self.S_Zf_xi), "S_xi": self.S_xi.tolist()}


def _require_lorentzian(point) -> None:
    m = point.model
    if m.heterogeneity != "lorentzian":
        raise ParameterError("order-parameter spectra need a Lorentzian population (heterogeneity='lorentzian'), "
                             "got %r" % m.heterogeneity)
    if not point.linear_response_defined:
        raise ParameterError("the fixed point r=%.6g is a %s: linear response needs a stable fixed point"
                             % (point.r, point.stability))


def order_parameter_spectra(*, point, omega) -> OrderParameterSpectra:
    """Linear-order (O(1/N)) spectra of the order parameter and of r_Z, v_Z at an operating point.

    y(omega) = alpha_y Z_f(omega) + beta_y Zbar_f(omega) + gamma_y xi(omega) (theory.order_parameter_noise),
    S_xy = (alpha, beta, gamma)_x M (alpha, beta, gamma)_y^dagger with M the spectral matrix of (Z_f, Zbar_f, xi):
    [[S_Zf(w), 0, S_Zx(w)], [0, S_Zf(-w), conj S_Zx(-w)], [conj S_Zx(w), S_Zx(-w), S_xi(w)]].

    Parameters
    ----------
    point : OperatingPoint
        A stable fixed point of a Lorentzian Model with N.
    omega : array_like
        Angular frequencies (any sign; S_Z differs between omega and -omega).
    """
    _require_lorentzian(point)
    m = point.model
    N = m.require_N()
    w = finite_array("omega", omega)
    tau, J = m.tau, m.J
    kw = dict(eta_bar=m.eta_bar, Delta=m.Delta, J=J, r0=point.r, N=N, I=m.I, tau=tau)
    Sp, Cp = free_spectra(w, **kw)
    Sm, Cm = free_spectra(-w, **kw)
    Sx = point.shot(np.abs(w))
    G, Gv = point.susceptibility(w)
    Gm_, Gvm_ = point.susceptibility(-w)
    W0 = math.pi * tau * point.r + 1j * point.v  # the definition W = pi tau r + i v
    vec = {k: np.array(v) for k, v in _coefficients(W0=W0, G=G, Gv=Gv, Gm_=Gm_, Gvm_=Gvm_, J=J, tau=tau).items()}
    cx = lambda x: np.ascontiguousarray(np.broadcast_to(x, w.shape), dtype=np.complex128)
    spec = tuple(cx(x) for x in (Sp, Sm, Cp, Cm, Sx))

    def parts(x, y):
        return _parts_grid(vec[x], vec[y], *spec)

    total, free, coll, inter = {}, {}, {}, {}
    for k in OBSERVABLES:
        f, c, i = (np.real(x) for x in parts(k, k))
        free[k], coll[k], inter[k], total[k] = f, c, i, f + c + i
    f, c, i = parts("rZ", "vZ")
    return OrderParameterSpectra(omega=w, total=total, free=free, collective=coll, interference=inter,
                                 cross_rZvZ=f + c + i, S_Zf=Sp + Sm, S_Zf_xi=np.where(w > 0, Cp, Cm), S_xi=Sx)


# --------------------------------------------------------------------------- variances
@dataclass(frozen=True)
class OrderParameterVariances:
    """N var of each observable (time variance of one run, linear order): total, free, collective, interference;
    ``error`` bounds the quadrature error of the totals (difference of two node counts)."""

    total: dict
    free: dict
    collective: dict
    interference: dict
    error: dict
    free_equal_time_Z: float

    def to_dict(self) -> dict:
        return {"total": dict(self.total), "free": dict(self.free), "collective": dict(self.collective),
                "interference": dict(self.interference), "error": dict(self.error),
                "free_equal_time_Z": self.free_equal_time_Z}


def _variance_nodes(scale: float, panels: int, order: int):
    """Gauss-Legendre nodes on u in (0, pi/2), omega = scale tan(u): int_0^inf S d omega = int S scale sec^2 u du."""
    x, wq = np.polynomial.legendre.leggauss(order)
    edges = np.linspace(0.0, 0.5 * np.pi, panels + 1)
    mid, half = 0.5 * (edges[1:] + edges[:-1]), 0.5 * np.diff(edges)
    u = (mid[:, None] + half[:, None] * x[None, :]).ravel()
    wu = (half[:, None] * wq[None, :]).ravel()
    return scale * np.tan(u), wu * scale / np.cos(u) ** 2


def order_parameter_variances(*, point, panels: int = 1500, order: int = 8) -> OrderParameterVariances:
    """N var(y) = N int S_y d omega/(2 pi) over all omega, for y in Z, Re Z, Im Z, r_Z, v_Z (var Z = <|dZ|^2>).

    Quadrature in u = atan(omega/omega_s) (omega_s = the first shot-noise peak 2 sqrt(eta_t)/tau, or 1/tau),
    composite Gauss-Legendre; ``error`` is the difference to half the panels.  Also the equal-time check
    N var(Z_f) = int_{e > 0} g (1 - q^2) d eta of the free part (theory: Parseval).
    """
    _require_lorentzian(point)
    panels, order = integer_at_least("panels", panels, 2), integer_at_least("order", order, 2)
    m = point.model
    N = m.require_N()
    scale = shot_peak_frequency(point.eta_t, m.tau) if point.eta_t > 0 else 1.0 / m.tau

    def integrate(p):
        w, wt = _variance_nodes(scale, p, order)
        sp_ = order_parameter_spectra(point=point, omega=np.concatenate([w, -w]))
        wt2 = np.concatenate([wt, wt]) * N / (2 * np.pi)
        return {part: {k: float(np.sum(getattr(sp_, part)[k] * wt2)) for k in OBSERVABLES}
                for part in ("total", "free", "collective", "interference")}

    fine, coarse = integrate(panels), integrate(panels // 2)
    err = {k: abs(fine["total"][k] - coarse["total"][k]) for k in OBSERVABLES}
    return OrderParameterVariances(fine["total"], fine["free"], fine["collective"], fine["interference"], err,
                                   free_equal_time_variance(point=point))


def free_equal_time_variance(*, point) -> float:
    """N var(Z_f) = int g(eta) (1 - q(eta)^2) d eta over firing neurons, q = (1 - a)/(1 + a), a = sqrt(eta + shift).

    (Parseval: sum_{n>=1} |c_n|^2 = 1 - q^2 = 4a/(1 + a)^2; eq. (103).)  Quadrature in a (scipy quad) of
    ``op_equal_time_integrand``."""
    from scipy.integrate import quad

    m = point.model
    shift = effective_drive(0.0, point.r, m.J, m.I, m.tau)  # e - eta
    f = lambda a: op_equal_time_integrand(a, shift, m.eta_bar, m.Delta)  # g (1 - q^2) d eta/da
    a_c = math.sqrt(max(m.eta_bar + shift, 0.0)) or 1.0  # the centre of g, as a breakpoint
    return float(quad(f, 0.0, a_c, limit=200)[0] + quad(f, a_c, np.inf, limit=200)[0])


# --------------------------------------------------------------------------- point samples and Welch
def sampled_order_parameter_spectra(*, point, omega, interval: float, name: str,
                                    alias_pairs: int = ALIAS_PAIRS) -> np.ndarray:
    """Spectrum of the samples y(k interval) (point samples, as the simulator stores Z): sum_m S_y(omega_m).

    omega_m = omega + 2 pi m/interval; |m| <= alias_pairs explicitly, the rest as the 1/omega^2 tail
    c2 sum_{|m| > M} omega_m^-2 = c2 (interval/2 pi)^2 [psi1(M + 1 + u) + psi1(M + 1 - u)], u = omega interval/(2 pi),
    c2 = omega^2 S at the outermost aliases (the collective part decays like 1/omega^2).  ``name`` in 'ReZ', 'ImZ',
    'rZ', 'vZ', 'Z'; omega in the Nyquist band |omega| <= pi/interval.  Two-sided, angular frequency.
    """
    dt = positive("interval", interval)
    if name not in OBSERVABLES:
        raise ParameterError("name must be one of %s, got %r" % (", ".join(OBSERVABLES), name))
    w = finite_array("omega", omega)
    if w.size and np.max(np.abs(w)) > np.pi / dt * (1 + 1e-12):
        raise ParameterError("omega must lie in the Nyquist band |omega| <= pi/interval = %g" % (np.pi / dt))
    M = integer_at_least("alias_pairs", alias_pairs, 1)
    ms = np.arange(-M, M + 1)
    W = (w[None, :] + 2 * np.pi * ms[:, None] / dt).ravel()
    S = order_parameter_spectra(point=point, omega=W).total[name].reshape(ms.size, w.size)
    out = S.sum(axis=0)
    wl, wr = W.reshape(ms.size, w.size)[0], W.reshape(ms.size, w.size)[-1]
    c2_left, c2_right = S[0] * wl**2, S[-1] * wr**2
    u = w * dt / (2 * np.pi)
    k = (dt / (2 * np.pi)) ** 2
    out = out + k * (c2_right * polygamma(1, M + 1 + u) + c2_left * polygamma(1, M + 1 - u))
    return out


def expected_welch_order_parameter(*, point, spec, interval: float, name: str) -> np.ndarray:
    """Exact expectation of ``spectral_estimation.welch(y, dt=interval, segment=...)`` for the point samples of
    observable ``name`` ('ReZ', 'ImZ', 'rZ', 'vZ'), on the grid of ``spec`` (a Spectrum, or any object with
    nperseg, dt, omega); window leakage and mean removal included (``welch_expectation``)."""
    from .spectral_estimation import welch_expectation

    if name not in REAL_OBSERVABLES:
        raise ParameterError("name must be one of %s (real signals), got %r" % (", ".join(REAL_OBSERVABLES), name))
    dt = positive("interval", interval)
    if abs(spec.dt - dt) > 1e-9 * dt:
        raise ParameterError("spec.dt (%g) must equal the sampling interval (%g)" % (spec.dt, dt))
    S = lambda om: sampled_order_parameter_spectra(point=point, omega=np.clip(om, -np.pi / dt, np.pi / dt),
                                                   interval=dt, name=name)
    return welch_expectation(S, spec)


# --------------------------------------------------------------------------- the quenched sample's own lines
#: relative size of the last Fourier coefficient kept per neuron, |c_n| <= LINE_RTOL (1 - q^2)
LINE_RTOL = 1e-8


def _hann_dtft(x: np.ndarray, L: int) -> np.ndarray:
    """W(x) = sum_{t<L} w_t exp(-i x t) of scipy's periodic Hann window w_t = (1 - cos(2 pi t/L))/2."""
    return 0.5 * _dirichlet(x, L) - 0.25 * _dirichlet(x - 2 * np.pi / L, L) - 0.25 * _dirichlet(x + 2 * np.pi / L, L)


def _dirichlet(x: np.ndarray, L: int) -> np.ndarray:
    """D(x) = sum_{t<L} exp(-i x t) = (1 - exp(-i x L))/(1 - exp(-i x)), = L at x = 0 mod 2 pi."""
    x = np.mod(np.asarray(x, dtype=float) + np.pi, 2 * np.pi) - np.pi  # D is 2 pi-periodic
    e = np.exp(-1j * x)
    near = np.abs(1 - e) < 1e-9
    den = np.where(near, 1.0, 1 - e)
    out = (1 - np.exp(-1j * x * L)) / den
    # near x = 0 mod 2 pi: D = L exp(-i x (L - 1)/2) sin(L x/2)/(L sin(x/2)) -> L (to O(x^2 L^2))
    return np.where(near, L * np.exp(-0.5j * x * (L - 1)), out)


@dataclass(frozen=True)
class QuenchedExpectation:
    """Expected Welch estimate for one network sample: ``total`` = ``lines`` (the sample's own free and interference
    lines) + ``collective`` (the density's |gamma|^2 S_xi, aliased); ``rate`` the sample's quenched rate used."""

    omega: np.ndarray
    total: np.ndarray
    lines: np.ndarray
    collective: np.ndarray
    rate: float
    n_lines: int

    def to_dict(self) -> dict:
        return {"convention": CONVENTION, "omega": self.omega.tolist(), "total": self.total.tolist(),
                "lines": self.lines.tolist(), "collective": self.collective.tolist(), "rate": self.rate,
                "n_lines": self.n_lines}


def expected_welch_quenched(*, point, eta, spec, interval: float, name: str, alias_pairs: int = ALIAS_PAIRS,
                            chunk: int = 4096, collective=None) -> QuenchedExpectation:
    """Expected Welch estimate of ``name`` for the actual sample ``eta`` (its discrete lines, not the density).

    The free part of Z and its interference with the collective response are lines: neuron j (drive
    e_j = eta_j + I + J tau r_q > 0 at the sample's quenched rate r_q, a_j = sqrt(e_j)) contributes, at
    Omega = 2 n a_j/tau (n >= 1), the random-phase sinusoids of amplitude (alpha(Omega) c_n + gamma(Omega) b_n)/N at
    +Omega and (beta(-Omega) conj c_n + gamma(-Omega) b_n)/N at -Omega; their expected Welch estimate (point samples
    every ``interval``, Hann, segment mean removed) is |A|^2 dt |W_k(Omega)|^2 / sum w^2 with
    W_k(Omega) = W((omega_k - Omega) dt) - W(omega_k dt) D(-Omega dt)/L.  The collective part |gamma b_n|^2 of the
    lines (not decaying with n) is left to the density (:func:`sampled_order_parameter_spectra` of the
    collective spectrum), so ``total`` = lines (free + interference) + collective.  Harmonics are kept while
    |c_n| > LINE_RTOL (1 - q^2) and Omega is within ``alias_pairs`` sampling bands.  Silent neurons give no line.
    ``collective``: the collective expectation on spec's grid if already computed (it does not depend on eta).
    """
    from .spectral_estimation import welch_expectation

    dt = positive("interval", interval)
    if abs(spec.dt - dt) > 1e-9 * dt:
        raise ParameterError("spec.dt (%g) must equal the sampling interval (%g)" % (spec.dt, dt))
    Om, amp_p2, amp_m2, r_q = _sample_lines(point, eta, name, 2 * np.pi * (alias_pairs + 0.5) / dt)
    L = int(spec.nperseg)
    wk = np.asarray(spec.omega, dtype=float)
    win = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(L) / L)
    norm = dt / np.sum(win**2)
    Wk0 = _hann_dtft(wk * dt, L)
    lines = np.zeros(wk.size)
    for s0 in range(0, Om.size, chunk):
        sl = slice(s0, s0 + chunk)
        for sgn, amp in ((1.0, amp_p2[sl]), (-1.0, amp_m2[sl])):
            x = sgn * Om[sl] * dt
            Gk = _hann_dtft(wk[:, None] * dt - x[None, :], L) - Wk0[:, None] * _dirichlet(-x, L)[None, :] / L
            lines += norm * (np.abs(Gk) ** 2 @ amp)
    if collective is None:
        S_coll = lambda om: _sampled_part(point, np.clip(om, -np.pi / dt, np.pi / dt), dt, name, "collective",
                                          alias_pairs)
        coll = welch_expectation(S_coll, spec)
    else:
        coll = finite_array("collective", collective)
        if coll.shape != wk.shape:
            raise ParameterError("collective must have one value per Welch bin (%d), got %d" % (wk.size, coll.size))
    return QuenchedExpectation(omega=wk, total=lines + coll, lines=lines, collective=coll, rate=float(r_q),
                               n_lines=int(2 * Om.size))


def _sampled_part(point, w, dt, name, part, M):
    ms = np.arange(-M, M + 1)
    W = (w[None, :] + 2 * np.pi * ms[:, None] / dt).ravel()
    S = getattr(order_parameter_spectra(point=point, omega=W), part)[name].reshape(ms.size, w.size)
    wl, wr = W.reshape(ms.size, w.size)[0], W.reshape(ms.size, w.size)[-1]
    u = w * dt / (2 * np.pi)
    k = (dt / (2 * np.pi)) ** 2
    return S.sum(axis=0) + k * (S[-1] * wr**2 * polygamma(1, M + 1 + u) + S[0] * wl**2 * polygamma(1, M + 1 - u))


@numba.njit(cache=True)
def _neuron_lines(a, nn, tau):
    """(q, c_n, b_n, Omega_n) of neurons with drive roots a at harmonics nn (``op_neuron_coefficients``)."""
    q, c, b, Om = np.empty(a.size), np.empty(a.size), np.empty(a.size), np.empty(a.size)
    for i in range(a.size):
        q[i], c[i], b[i], Om[i] = op_neuron_coefficients(a[i], nn[i], tau)
    return q, c, b, Om


def _sample_lines(point, eta, name, w_max):
    """Lines (Omega > 0, |A+|^2, |A-|^2 without the collective |gamma b|^2, quenched rate) of the sample eta."""
    from .quenched import quenched_rate

    _require_lorentzian(point)
    if name not in REAL_OBSERVABLES:
        raise ParameterError("name must be one of %s (real signals), got %r" % (", ".join(REAL_OBSERVABLES), name))
    m = point.model
    eta = finite_array("eta", eta)
    N = eta.size
    tau, J = m.tau, m.J
    r_q = quenched_rate(eta, J=J, I=m.I, tau=tau, near=point.r)
    e = effective_drive(eta, r_q, J, m.I, tau)  # numba array arithmetic
    a = np.sqrt(e[e > 0])
    q = _neuron_lines(a, np.ones(a.size, dtype=np.int64), tau)[0]
    n_c = np.where(np.abs(q) > 0, np.ceil(1 + np.log(LINE_RTOL) / np.log(np.maximum(np.abs(q), 1e-300))), 1)
    n_j = np.maximum(1, np.minimum(n_c, np.floor(w_max * tau / (2 * a)))).astype(np.int64)
    jj = np.repeat(np.arange(a.size), n_j)
    nn = np.arange(n_j.sum()) - np.repeat(np.cumsum(n_j) - n_j, n_j) + 1
    _, c, b, Om = _neuron_lines(a[jj], nn.astype(np.int64), tau)
    W0 = math.pi * tau * point.r + 1j * point.v  # the definition W = pi tau r + i v
    G, Gv = point.susceptibility(Om)
    Gm_, Gvm_ = point.susceptibility(-Om)
    al, be, ga = _coefficients(W0=W0, G=G, Gv=Gv, Gm_=Gm_, Gvm_=Gvm_, J=J, tau=tau)[name]
    # at -Omega the coefficients of a real observable are conj(beta), conj(alpha), conj(gamma) at +Omega
    # (alpha, beta, gamma) at -Omega of a real observable: conj of (beta, alpha, gamma) at +Omega.  One line's
    # spectral matrix (op_spectral_parts): S_Zf -> |c_n|^2 at +Omega (S_Zf(-w) at -Omega), S_Zf,xi -> c_n b_n,
    # S_xi -> 0 (the collective |gamma b_n|^2 is left to the density)
    z = np.zeros(Om.size, dtype=np.complex128)
    c2, cb = (c * c).astype(np.complex128), (c * b).astype(np.complex128)
    u_p = np.ascontiguousarray([al, be, ga])
    u_m = np.ascontiguousarray(np.conj([be, al, ga]))
    f, _, i = _parts_grid(u_p, u_p, c2, z, cb, z, z)
    amp_p2 = np.real(f + i) / N**2
    f, _, i = _parts_grid(u_m, u_m, z, c2, z, cb, z)
    amp_m2 = np.real(f + i) / N**2
    return Om, amp_p2, amp_m2, float(r_q)


def quenched_variance(*, point, eta, name: str) -> dict:
    """N var of ``name`` for the sample eta: its lines (free + interference, sum of |A|^2) plus the density's
    collective part (:func:`order_parameter_variances`); keys 'total', 'lines', 'collective', 'rate'."""
    Om, p2, m2, r_q = _sample_lines(point, eta, name, np.inf)
    N = finite_array("eta", eta).size
    coll = order_parameter_variances(point=point, panels=600).collective[name]
    lines = float(N * (p2.sum() + m2.sum()))
    return {"total": lines + coll, "lines": lines, "collective": coll, "rate": r_q}
