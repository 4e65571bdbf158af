"""The multi-pole family g_n (n = 1..4): density, fixed points, eigenvalues, linear response, shot noise.

Everything comes from the generated kernels of :mod:`shotnoise.theory.multipole` (theory/THEORY.md
eqs. (61)-(73)): the poles eta_k = eta_bar + Delta u_k and weights c_k, the reduced model
tau dw_k/dt = i (eta_k + I + J tau s - w_k^2) with pi tau r + i v = sum_k c_k w_k, its fixed points
w_k = sqrt(eta_k + I + J tau r0), the mode-by-mode susceptibilities and the closed-form shot-noise
spectrum S_xi = 2/(pi^2 tau^2 N omega) sum_k Im[conj(c_k) C_k h(z_k)] (two-sided, angular frequency).
The readable references beside the fast paths: the harmonic sum (numerics.shot_spectrum) and the
mpmath closed form (theory.multipole.closed_form_mpmath) for S_xi, the transfer function of the
generated Jacobian for G.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numba
import numpy as np

from shotnoise.theory.errors import ParameterError

from ._generated import multipole_kernels as mk
from .parameters import finite, finite_array, positive

ORDERS = mk.ORDERS


def order(n) -> int:
    """Validated order n of the family (ParameterError outside 1..4)."""
    from .families import pole_order
    return pole_order(n)


@lru_cache(maxsize=None)
def coefficients(n: int) -> tuple[np.ndarray, np.ndarray]:
    """(u_k, c_k) as complex arrays: unit poles (eta_k = eta_bar + Delta u_k) and residue weights."""
    n = order(n)
    return np.array(mk.UNIT_POLES[n - 1], dtype=complex), np.array(mk.WEIGHTS[n - 1], dtype=complex)


def poles(*, n: int, eta_bar: float, Delta: float) -> np.ndarray:
    """eta_k = eta_bar + Delta u_k (lower half-plane)."""
    u, _ = coefficients(n)
    return eta_bar + Delta * u


# ----------------------------------------------------------------------------- density
@numba.njit(cache=True)
def _cdf_scalar(x, weights, pole_arr):
    acc = 1.0
    for k in range(weights.size):
        acc += mk.multipole_cdf_term(x, weights[k], pole_arr[k])
    return min(1.0, max(0.0, acc))


@numba.njit(cache=True)
def _cdf(xs, weights, pole_arr, eta_bar):
    out = np.empty(xs.size)
    for i in range(xs.size):
        x = xs[i]
        if x == math.inf:
            out[i] = 1.0
        elif x == -math.inf:
            out[i] = 0.0
        elif x <= eta_bar:
            out[i] = _cdf_scalar(x, weights, pole_arr)
        else:  # symmetric density: the upper tail as 1 - G(mirror image), same accuracy on both sides
            out[i] = 1.0 - _cdf_scalar(2.0 * eta_bar - x, weights, pole_arr)
    return out


@numba.njit(cache=True)
def _ppf(us, weights, pole_arr, eta_bar, Delta, n):
    """G^-1(u) by safeguarded Newton on the monotone cdf (bracket kept; bisection when Newton leaves it)."""
    out = np.empty(us.size)
    for i in range(us.size):
        u = us[i]
        if u <= 0.0:
            out[i] = -math.inf
            continue
        if u >= 1.0:
            out[i] = math.inf
            continue
        q = min(u, 1.0 - u)  # solve in the lower half, mirror back
        step = max(Delta, 4e-16 * abs(eta_bar), 1e-300)  # moves lo even when Delta is below eta_bar's rounding
        lo = eta_bar - step
        doublings = 0
        while _cdf_scalar(lo, weights, pole_arr) > q and doublings < 2100:
            step *= 2.0
            lo = eta_bar - step
            doublings += 1
        if doublings >= 2100:
            out[i] = math.nan  # not bracketed (the caller raises)
            continue
        hi = eta_bar
        x = 0.5 * (lo + hi)
        for _ in range(200):
            F = _cdf_scalar(x, weights, pole_arr) - q
            if F > 0.0:
                hi = x
            else:
                lo = x
            g = mk.multipole_pdf(x, eta_bar, Delta, n)
            step = F / g if g > 0.0 else 0.0
            xn = x - step
            if not (lo < xn < hi) or g == 0.0:
                xn = 0.5 * (lo + hi)
            if abs(xn - x) <= 1e-15 * (abs(x) + Delta) or hi - lo <= 1e-15 * (abs(x) + Delta):
                x = xn
                break
            x = xn
        out[i] = x if u <= 0.5 else 2.0 * eta_bar - x
    return out


def density(*, n: int, eta_bar: float, Delta: float):
    """g_n as a :class:`~shotnoise.numerics.densities.Density` (pdf, cdf, ppf by safeguarded Newton, sup)."""
    from .densities import Density, _as_float, _as_probability

    n = order(n)
    e, d = finite("eta_bar", eta_bar), positive("Delta", Delta)
    _, c = coefficients(n)
    p = poles(n=n, eta_bar=e, Delta=d)
    sup = float(mk.multipole_pdf(e, e, d, float(n)))

    def pdf(x):
        return mk.multipole_pdf(_as_float(x), e, d, float(n))

    def cdf(x):
        a = _as_float(x)
        return _cdf(np.ravel(a).astype(float), c, p, e).reshape(a.shape)

    def ppf(u):
        a = _as_probability(u)
        x = _ppf(np.ravel(a).astype(float), c, p, e, d, float(n)).reshape(a.shape)
        if np.any(np.isnan(x)):
            raise ParameterError("the multi-pole quantile is not resolved for eta_bar=%g, Delta=%g (Delta too small "
                                 "against eta_bar in double precision)" % (e, d))
        return x

    return Density("multipole%d" % n, e, d, pdf, sup, ppf=ppf, cdf=cdf)


# ----------------------------------------------------------------------------- fixed points
@numba.njit(cache=True)
def _rate_map(r, pole_arr, weights, J, I, tau):
    """Phi(r) = Re sum_k c_k sqrt(eta_k + I + J tau r) / (pi tau): the rate the modes fire at given r."""
    acc = 0.0
    for k in range(weights.size):
        acc += mk.mode_mean_field(weights[k], mk.mode_fixed_point(pole_arr[k], r, J, I, tau), tau)[0]
    return acc


@dataclass(frozen=True)
class MultipolePoint:
    """A fixed point of the order-n reduced model: rate r, mean voltage v, modes w_k, eigenvalues (1/time)."""

    r: float
    v: float
    modes: tuple
    eigenvalues: tuple
    stability: str


def fixed_points(*, n: int, eta_bar: float, Delta: float, J: float, I: float = 0.0, tau: float = 1.0
                 ) -> list[MultipolePoint]:
    """All fixed points (r > 0) of the order-n reduced model, sorted by r, with eigenvalues of the 2n Jacobian.

    Roots of r = Phi(r) = Re sum_k c_k sqrt(eta_k + I + J tau r) / (pi tau) (theory.multipole.rate_equation),
    bracketed on a scan of r and polished with brentq (Phi is increasing in the drive, so J <= 0 has exactly
    one root, J > 0 at most three).
    """
    from scipy.optimize import brentq

    n = order(n)
    e, d, J, I, tau = finite("eta_bar", eta_bar), positive("Delta", Delta), finite("J", J), finite("I", I), \
        positive("tau", tau)
    _, c = coefficients(n)
    p = poles(n=n, eta_bar=e, Delta=d)
    F = lambda r: _rate_map(r, p, c, J, I, tau) - r
    # every root lies below the root of pi tau r = sqrt(J tau r + X) for J > 0, X >= eta_bar + I + 2 Delta
    X = max(e + I, 0.0) + 2.0 * d
    hi = max(_rate_map(0.0, p, c, J, I, tau),
             (max(J, 0.0) * tau + math.sqrt((J * tau) ** 2 + 4 * math.pi**2 * tau**2 * X)) / (2 * math.pi**2 * tau**2),
             1e-300)
    while F(hi) >= 0:  # strictly beyond the last root (a root exactly at hi would be missed)
        hi *= 2.0
        if hi > 1e150:
            raise ParameterError("no fixed point below r = 1e150 (runaway excitation): J=%g is too large" % J)
    grid = np.unique(np.concatenate([[0.0], np.geomspace(max(hi, 1e-300) * 1e-14, hi, 600),
                                     np.linspace(0, hi, 600)[1:]]))
    vals = np.array([F(r) for r in grid])
    roots = []
    for a, b, fa, fb in zip(grid[:-1], grid[1:], vals[:-1], vals[1:]):
        if fa == 0.0:
            roots.append(a)
        elif fa * fb < 0:
            roots.append(brentq(F, a, b, xtol=1e-300, rtol=4 * np.finfo(float).eps, maxiter=500))
    out = []
    for r0 in sorted(set(roots)):
        w = np.array([mk.mode_fixed_point(pk, r0, J, I, tau) for pk in p])
        # pi tau r = Re sum_k c_k w_k cancels between the modes when almost no neuron fires: a rate below
        # 1e-11 of the terms' size is not resolved in double precision (a numerically quiescent branch)
        if r0 <= 1e-11 * float(np.sum(np.abs(c * w))) / (math.pi * tau):
            continue
        v0 = sum(mk.mode_mean_field(ck, wk, tau)[1] for ck, wk in zip(c, w))
        eigs = np.linalg.eigvals(jacobian(n=n, modes=w, eta_bar=e, Delta=d, J=J, I=I, tau=tau))
        eigs = tuple(sorted(eigs, key=lambda z: (z.real, z.imag)))
        out.append(MultipolePoint(float(r0), float(v0), tuple(complex(x) for x in w), eigs, classify(eigs)))
    return out


#: |Re| of the leading eigenvalue below this fraction of the largest |eigenvalue| is not resolved (eig of a
#: 2n x 2n matrix is backward stable to ~1e-16 of its norm): such a point is 'marginal', not stable
MARGINAL_RTOL = 1e-12


def classify(eigs) -> str:
    """Fixed-point type from the eigenvalues (two: as numerics.mpr.classify; more: by the leading eigenvalue).

    'stable-node' | 'stable-focus' (all Re < 0; leading eigenvalue real | complex), 'saddle' (real leading
    eigenvalue > 0 and some Re < 0), 'unstable-node', 'unstable-focus' (leading complex pair with Re > 0),
    'marginal' (the leading real part is zero to rounding: linear response is undefined there).
    """
    from .mpr import classify as classify_planar

    if len(eigs) == 2:
        return classify_planar(eigs)
    lead = max(eigs, key=lambda z: z.real)
    if abs(lead.real) <= MARGINAL_RTOL * max(abs(z) for z in eigs):  # the sign is below rounding
        return "marginal"
    if lead.real < 0:
        return "stable-focus" if abs(lead.imag) > 0 else "stable-node"
    if abs(lead.imag) > 0:
        return "unstable-focus"
    return "saddle" if min(z.real for z in eigs) < 0 else "unstable-node"


def jacobian(*, n: int, modes, eta_bar: float, Delta: float, J: float, I: float, tau: float) -> np.ndarray:
    """The 2n x 2n Jacobian of the reduced model (generated ``multipole{n}_jacobian``) at modes w_k."""
    n = order(n)
    w = np.asarray(modes, dtype=complex)
    state = []
    for wk in w:
        state += [wk.real / (math.pi * tau), wk.imag]
    fn = getattr(mk, "multipole%d_jacobian" % n)
    return np.array(fn(*state, eta_bar, Delta, J, I, tau), dtype=float).reshape(2 * n, 2 * n)


def rhs_function(n: int):
    """The generated d/dt (r_1, v_1, ..., r_n, v_n) kernel of order n."""
    return getattr(mk, "multipole%d_rhs" % order(n))


# ----------------------------------------------------------------------------- linear response
@numba.njit(cache=True)
def _susceptibility_grid(omegas, weights, modes, tau):
    G = np.zeros(omegas.size, dtype=np.complex128)
    Gv = np.zeros(omegas.size, dtype=np.complex128)
    for i in range(omegas.size):
        for k in range(weights.size):
            g, gv = mk.mode_susceptibility(omegas[i], weights[k], modes[k], tau)
            G[i] += g
            Gv[i] += gv
    return G, Gv


def susceptibility(omega, *, n: int, modes, tau: float) -> tuple[np.ndarray, np.ndarray]:
    """Open-loop (G, G_v) at angular frequencies omega: sums of the mode shares (dr = J G ds, dv = J G_v ds)."""
    w = finite_array("omega", omega)
    _, c = coefficients(n)
    m = np.asarray(modes, dtype=complex).ravel()
    if m.size != c.size or not np.all(np.isfinite(m)):
        raise ParameterError("modes must be the %d finite complex modes w_k of the order-%d model, got %r"
                             % (c.size, c.size, modes))
    return _susceptibility_grid(w, c, m, positive("tau", tau))


# ----------------------------------------------------------------------------- shot noise
@numba.njit(cache=True)
def _shot_grid(omegas, weights, pole_arr, r0, J, I, tau, N):
    K = weights.size
    Cs = np.empty(K, dtype=np.complex128)
    inv = np.empty(K, dtype=np.complex128)
    kz = np.empty(K, dtype=np.complex128)
    s_inf = 0.0
    a_inv = 0.0
    im_min = math.inf
    for k in range(K):
        Cs[k] = mk.conjugate_drive(pole_arr[k], r0, J, I, tau)
        inv[k] = 1.0 / Cs[k]
        kz[k] = tau / (2.0 * np.sqrt(Cs[k]))
        s_inf += mk.mode_high_frequency_term(weights[k], Cs[k], tau, N)
        a_inv += mk.mode_inverse_omega_term(weights[k], Cs[k], tau, N)
        im_min = min(im_min, math.pi * abs(kz[k].imag))
    out = np.empty(omegas.size)
    for i in range(omegas.size):
        w = abs(omegas[i])
        if w == 0.0:
            out[i] = 0.0
        elif w * im_min > 20.0:  # every cot = -+i to double precision: the asymptote, exactly
            out[i] = s_inf - a_inv / w
        else:
            acc = 0.0
            for k in range(K):
                acc += mk.mode_shot_term(w, weights[k], Cs[k], inv[k], w * kz[k], 0.5 * w * tau, tau, N)
            out[i] = acc
    return out


def shot_spectrum(omega, *, n: int, eta_bar: float, Delta: float, J: float, I: float, tau: float, N: float,
                  r0: float) -> np.ndarray:
    """S_xi(omega) of N neurons with density g_n at rate r0 (closed form; two-sided, angular frequency).

    S_xi = 2/(pi^2 tau^2 N omega) sum_k Im[conj(c_k) C_k h(z_k)], C_k = conj(eta_k) + I + J tau r0,
    z_k = omega tau/(2 sqrt C_k), h(z) = pi z cot(pi z) - 1 + pi^2 z^2/3; -> r0/N - a/|omega| at large omega.
    """
    w = finite_array("omega", omega)
    _, c = coefficients(n)
    p = poles(n=n, eta_bar=eta_bar, Delta=Delta)
    S = _shot_grid(w, c, p, positive("r0", r0), finite("J", J), finite("I", I), positive("tau", tau),
                   positive("N", N))
    if not np.all(np.isfinite(S)):
        raise ParameterError("omega=%g is outside the range where the closed form is finite for these parameters"
                             % w[~np.isfinite(S)][0])
    return S


def shot_asymptote(*, n: int, eta_bar: float, Delta: float, J: float, I: float, tau: float, N: float,
                   r0: float) -> tuple[float, float]:
    """(s_inf, a) with S_xi = s_inf - a/|omega| + (exponentially small); a = 0 for n >= 2 (tails ~ eta^-2n)."""
    _, c = coefficients(n)
    p = poles(n=n, eta_bar=eta_bar, Delta=Delta)
    Cs = [mk.conjugate_drive(pk, r0, J, I, tau) for pk in p]
    s_inf = sum(mk.mode_high_frequency_term(ck, Ck, tau, N) for ck, Ck in zip(c, Cs))
    a = sum(mk.mode_inverse_omega_term(ck, Ck, tau, N) for ck, Ck in zip(c, Cs))
    return float(s_inf), float(a)
