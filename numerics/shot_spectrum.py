"""Shot-noise spectrum S_xi(omega) (theory/THEORY.md eqs. (27)-(43): harmonic sum (32), closed form (35)), fast and general.

Convention: two-sided, angular frequency, S(omega) = int C(t) exp(-i omega t) dt,
variance = int S d omega / (2 pi).  For the per-Hz two-sided PSD use S(2 pi f).

* :func:`shot_spectrum_lorentzian` -- the closed form
  2/(pi^2 tau^2 N omega) Im[c (pi z cot(pi z) - 1)], compiled (numba), with the
  stable evaluation of the generated kernel (small-|z| series, overflow-free cot).
* :func:`shot_spectrum_harmonic` -- the harmonic sum for any density g,
  (1/N) sum_n (1/n) f_n^2 p_f(f_n), with the rigorous truncation bound

      |tail after K terms| <= tau^2 sup(g) omega^3 / (12 pi N K^3)

  (theory.harmonic_bound; the term factor, the bound and K are generated kernels).
* :func:`shot_spectrum_asymptote` -- s_inf = Re sqrt(c)/(pi tau N) and the 1/omega
  coefficient (theory.shot_noise).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import math

import numba
import numpy as np

from shotnoise.theory.errors import ParameterError

from ._generated.spectrum_kernels import (effective_drive, eta_of_frequency, frequency_of_drive, harmonic_tail_bound,
                                         harmonic_term_factor,
                                         harmonic_terms_root, lorentzian_c, shot_high_frequency_limit,
                                         shot_inverse_omega_coefficient, shot_spectrum_from_c)
from ._jit import pure
from .parameters import MPRParameters, finite, finite_array, integer_at_least, positive

if TYPE_CHECKING:  # the density kernels are numba ufuncs compiled at import: imported lazily
    from .densities import Density

CONVENTION = "two-sided, angular frequency"


def _parameters(p) -> tuple:
    """(eta_bar, Delta, J, I, tau) of an MPRParameters or any object with those attributes (e.g. a Model),
    validated (finite reals, Delta and tau > 0)."""
    try:
        vals = (p.eta_bar, p.Delta, p.J, p.I, p.tau)
    except AttributeError:
        raise ParameterError("p must be an MPRParameters (or a Model), got %s" % type(p).__name__) from None
    if isinstance(p, MPRParameters):
        return vals
    return (finite("eta_bar", vals[0]), positive("Delta", vals[1]), finite("J", vals[2]), finite("I", vals[3]),
            positive("tau", vals[4]))


@numba.njit(cache=True)
def _lorentzian_grid(omegas, r0, eta_bar, Delta, J, I, tau, N):
    out = np.empty(omegas.size)
    c = lorentzian_c(r0, eta_bar, Delta, J, I, tau)
    inv_c = 1.0 / c
    k = tau / (2.0 * _csqrt(c))
    im_pi_k = math.pi * abs(k.imag)
    s_inf = shot_high_frequency_limit(c, tau, N)
    a_inv = shot_inverse_omega_coefficient(Delta, tau, N)
    for i in range(omegas.size):
        w = abs(omegas[i])
        if w == 0.0:
            out[i] = 0.0
        elif w * im_pi_k > 20.0:
            # |Im(pi z)| > 20: cot(pi z) = -+i to double precision, where the closed form equals its
            # asymptote s_inf - a/omega exactly (evaluated so, it cannot overflow at huge omega)
            out[i] = s_inf - a_inv / w
        else:
            out[i] = shot_spectrum_from_c(w, c, inv_c, w * k, 0.5 * w * tau, tau, N)
    return out


@numba.njit(cache=True)
def _csqrt(c):
    """Principal complex square root (numba-compiled)."""
    return np.sqrt(c + 0j)


def shot_spectrum_lorentzian(omega, p: MPRParameters, *, N: float, r0: float) -> np.ndarray:
    """S_xi(omega) of N neurons with Lorentzian g, at firing rate r0 (closed form).

    Parameters
    ----------
    omega : array_like
        Angular frequencies (rad per unit time); S is even in omega, S(0) = 0.
    p : MPRParameters
        eta_bar, Delta, J, I, tau.
    N : float
        Population size (>= 1).
    r0 : float
        Population rate of the asynchronous state (> 0), entering eta_t = eta_bar + I + J tau r0.

    Returns
    -------
    numpy.ndarray
        S_xi (two-sided, angular frequency) at each omega; -> r0/N as omega -> inf when
        pi tau r0 = Re sqrt(eta_t + i Delta) (the MPR fixed point).
    """
    w = finite_array("omega", omega)
    N = positive("N", N)
    if N < 1:
        raise ParameterError("N must be >= 1, got %r" % N)
    r0 = positive("r0", r0)
    S = _lorentzian_grid(w, r0, *_parameters(p), N)
    if not np.all(np.isfinite(S)):
        bad = w[~np.isfinite(S)]
        raise ParameterError("omega=%g is outside the range where the closed form is finite for these parameters "
                             "(use smaller |omega|)" % bad[0])
    return S


def shot_spectrum_uniform(omega, *, eta_bar: float, h: float, N: float, r0: float, J: float = 0.0, I: float = 0.0,
                          tau: float = 1.0) -> np.ndarray:
    """S_xi(omega) of N neurons with a uniform density (half-width h) at rate r0: the harmonic sum in closed form.

    S_xi = tau^2 omega^3/(8 pi h N) [zeta(4, n_1) - zeta(4, n_2 + 1)] (Hurwitz zeta, generated from
    theory.uniform_shot), n_1 = ceil(omega/(2 pi f_hi)), n_2 = floor(omega/(2 pi f_lo)), the band of firing
    frequencies f = sqrt(eta + I + J tau r0)/(pi tau) over the support.  Two-sided, angular frequency;
    :func:`shot_spectrum_harmonic` is the readable reference.
    """
    from ._generated.binning_kernels import uniform_shot_spectrum

    w = np.abs(finite_array("omega", omega))
    e, h, N, r0 = finite("eta_bar", eta_bar), positive("h", h), positive("N", N), positive("r0", r0)
    J, I, tau = finite("J", J), finite("I", I), positive("tau", tau)
    f_of_a, drive = pure(frequency_of_drive), pure(effective_drive)
    f_lo, f_hi = (f_of_a(max(drive(x, r0, J, I, tau), 0.0), tau) for x in (e - h, e + h))
    S = np.zeros_like(w)
    on = w > 0
    if f_hi == 0.0 or not np.any(on):
        return S
    x = w[on] / (2 * np.pi)
    n1 = np.maximum(np.ceil(x / f_hi), 1.0)
    n2 = np.floor(x / f_lo) if f_lo > 0 else np.full(x.shape, np.inf)
    with np.errstate(over="ignore", invalid="ignore"):
        S[on] = uniform_shot_spectrum(w[on], n1, n2, tau, h, N)
    if not np.all(np.isfinite(S)):
        raise ParameterError("omega=%g is outside the range where the uniform closed form is finite (omega^3 "
                             "overflows); use smaller |omega|" % w[~np.isfinite(S)][0])
    return S


def shot_spectrum_asymptote(p: MPRParameters, *, N: float, r0: float) -> tuple[float, float]:
    """(s_inf, a) with S_xi = s_inf - a/|omega| + (exponentially small) at large omega.

    s_inf = Re sqrt(eta_t + i Delta) / (pi tau N) (= r0/N at the MPR fixed point) and
    a = 2 Delta / (pi^2 tau^2 N) (the "-1" term of the closed form).  Used to sum the
    aliases of binned spectra in closed form.  Two-sided, angular frequency.
    """
    N = positive("N", N)
    args = _parameters(p)
    c = pure(lorentzian_c)(positive("r0", r0), *args)
    return (pure(shot_high_frequency_limit)(c, args[4], N),
            pure(shot_inverse_omega_coefficient)(args[1], args[4], N))


def harmonic_terms_needed(omega_max: float, *, sup_g: float, tau: float, N: float, atol: float) -> int:
    """Smallest K with tau^2 sup(g) omega^3 / (12 pi N K^3) <= atol (ceil of the generated root, >= 1)."""
    omega_max = abs(finite("omega_max", omega_max))
    args = (positive("sup_g", sup_g), positive("tau", tau), positive("N", N), positive("atol", atol))
    try:
        K = pure(harmonic_terms_root)(omega_max, *args)
    except (OverflowError, ZeroDivisionError):
        K = math.inf
    if not K < 1e18:
        raise ParameterError("omega_max=%g needs more than 1e18 harmonic terms for atol=%g; lower omega or raise atol"
                             % (omega_max, args[3]))
    return max(1, int(math.ceil(K)))


def shot_spectrum_harmonic(omega, g: Density, *, N: float, r0: float, J: float = 0.0, I: float = 0.0,
                           tau: float = 1.0, atol: float = 1e-12, n_max: int | None = None
                           ) -> tuple[np.ndarray, float]:
    """S_xi(omega) for any density g by the harmonic sum, with its truncation bound.

    S_xi(omega) = (1/N) sum_{n=1}^K (1/n) f_n^2 p_f(f_n), f_n = |omega|/(2 pi n),
    p_f(f) = 2 (pi tau)^2 f g((pi tau f)^2 - I - J tau r0).  K is chosen so that
    the tail is <= ``atol`` (bound tau^2 sup(g) omega^3/(12 pi N K^3), with sup(g) taken over the
    lower tail eta <= eta(f_K) for the package's unimodal families) unless ``n_max`` is given; K is
    chosen per omega.  Returns (S, largest bound on the truncation error over the grid).
    """
    w = np.abs(finite_array("omega", omega))
    from .densities import Density  # lazy: see numerics.densities

    if not isinstance(g, Density):
        raise ParameterError("g must be a Density (numerics.densities), got %s" % type(g).__name__)
    N, r0, tau = positive("N", N), positive("r0", r0), positive("tau", tau)
    J, I = finite("J", J), finite("I", I)
    atol = positive("atol", atol)
    wmax = float(w.max()) if w.size else 0.0
    eta_f, factor = pure(eta_of_frequency), pure(harmonic_term_factor)  # polynomial: evaluate on arrays
    if n_max is not None:
        K = np.full(w.shape, integer_at_least("n_max", n_max, 1))
    else:
        K = _terms_per_omega(w, g, r0=r0, J=J, I=I, tau=tau, N=N, atol=atol)
    Kmax = int(K.max()) if w.size else 0
    if Kmax > 50_000_000:
        raise ParameterError("atol=%g needs K=%d harmonic terms at omega=%g; raise atol or lower omega"
                             % (atol, Kmax, wmax))
    S = np.zeros_like(w)
    t1 = factor(w, 1, tau, N)  # the array part once; t_n = t_1 (t_n / t_1), the ratio a scalar of the same kernel
    live = np.argsort(-K)  # omegas by decreasing K: the first `count` of them still need term n
    Ks = K[live]
    for n in range(1, Kmax + 1):
        count = int(np.searchsorted(-Ks, -n, side="right"))
        idx = live[:count]
        fn = w[idx] / (2 * np.pi * n)
        S[idx] += g.pdf(eta_f(fn, r0, J, I, tau)) * (t1[idx] * (factor(1.0, n, 1.0, 1.0) / factor(1.0, 1, 1.0, 1.0)))
    tails = _tail_sup(g, eta_f(w / (2 * np.pi * K), r0, J, I, tau))
    bound = float(np.max(pure(harmonic_tail_bound)(w, tails, tau, N, K.astype(float)))) if w.size else 0.0
    return S, bound


def _tail_sup(g, x: np.ndarray) -> np.ndarray:
    """sup of g over eta <= x (elementwise): g(min(x, centre)) for the package's families (unimodal about their
    centre), sup g for a user density (no shape known)."""
    x = np.asarray(x, dtype=float)
    if not math.isfinite(g.centre):
        return np.full(x.shape, g.sup)
    return np.where(x >= g.centre, g.sup, g.pdf(np.minimum(x, g.centre)))


def _terms_per_omega(w: np.ndarray, g, *, r0: float, J: float, I: float, tau: float, N: float, atol: float
                     ) -> np.ndarray:
    """Smallest K per omega with tail bound tau^2 sup_{eta <= eta(f_K)} g omega^3 / (12 pi N K^3) <= atol.

    Terms n > K have eta(f_n) < eta(f_K) (f_n = omega/(2 pi n) decreases), so the supremum of g over the lower
    tail bounds them: a density that vanishes below threshold needs far fewer terms than the global bound
    with sup g (theory.harmonic_bound).  Bisection on the monotone bound, vectorised over omega."""
    eta_f, bound = pure(eta_of_frequency), pure(harmonic_tail_bound)
    x = np.abs(w).astype(float)
    if not x.size:
        return np.zeros(0, dtype=np.int64)
    def ok(K, sel=slice(None)):
        xs = x[sel]
        return bound(xs, _tail_sup(g, eta_f(xs / (2 * np.pi * K), r0, J, I, tau)), tau, N, K) <= atol

    hi = np.array([harmonic_terms_needed(v, sup_g=g.sup, tau=tau, N=N, atol=atol) for v in
                   np.unique(x)])[np.searchsorted(np.unique(x), x)].astype(float)  # the global bound: enough
    lo = np.zeros_like(hi)  # invariant: ok(hi), not ok(lo) (K = 0 never suffices unless omega = 0)
    one = ok(np.ones_like(hi))
    hi[one] = 1.0
    lo[one] = 0.0
    while np.any(hi - lo > 1):
        mid = np.floor(0.5 * (lo + hi))
        act = hi - lo > 1
        good = np.zeros_like(act)
        good[act] = ok(mid[act], act)
        hi = np.where(act & good, mid, hi)
        lo = np.where(act & ~good, mid, lo)
    K = hi.astype(np.int64)
    K[x == 0] = 1
    return K
