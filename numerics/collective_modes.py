"""Stability of the asynchronous state of any population and its collective modes (theory/THEORY.md eqs. (78)-(79)).

D(s) = 1 - J G(s) is analytic in Re s > 0 (G from :mod:`shotnoise.numerics.general_response`) and tends to 1 at
large |s|, so the number of its zeros in Re s > 0 -- unstable modes -- follows from the argument of D along the
imaginary axis alone (the argument principle, eq. (79)): :func:`argument_principle` (any callable G, so the
count can be cross-checked against a reduced model's eigenvalues) and :func:`stability` (any density g, with the
near-neutral modes refined on the analytic continuation of D into Re s < 0).  Collective modes outside the band
of firing frequencies have no resonant neurons (Im G = 0 there) and can be (nearly) undamped:
:func:`linear_spectrum_trustworthy` says whether N neurons can produce a mode's Landau damping.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Callable

import numpy as np

from shotnoise.theory.errors import ParameterError

from ._generated.general_kernels import general_characteristic
from .general_response import _GL, _Geometry, _common, _geometry, susceptibility_any, susceptibility_laplace
from .parameters import finite, positive


@dataclass(frozen=True)
class CollectiveMode:
    """A near-neutral collective mode: a local minimum of |D(i omega)| on the axis and the zero s* of D
    (the analytic continuation of the boundary value D(i omega + 0)) next to it.

    frequency = Im s*, damping = -Re s* (> 0: decaying), axis_frequency (where |D| is smallest),
    min_abs_D = that minimum, outside_band (no resonant neurons there: Im G = 0 up to exp. small terms;
    None if the band is unknown), method ('quadratic' from the axis values, or 'continued' = Newton on
    the continued D(s) = 1 - J [G_int(s) - i h(a*)])."""

    frequency: float
    damping: float
    axis_frequency: float
    min_abs_D: float
    outside_band: bool | None
    method: str = "quadratic"

    def to_dict(self) -> dict:
        return {k: (v + 0.0 if isinstance(v, float) else v) for k, v in asdict(self).items()}  # no negative zero


@dataclass(frozen=True)
class StabilityReport:
    """Zeros of D(s) = 1 - J G(s) in Re s > 0 by the argument principle along the imaginary axis.

    zeros_in_right_half_plane = -(1/pi) [arg D(i inf) - arg D(i 0)] (argument continued along omega
    from 0 to inf; D(-i omega) = conj D(i omega)); winding = the unrounded value; stable = no zero and
    no zero on the axis; on_axis_zero = min |D(i omega)| below ``neutral_tol`` (a neutral mode: the count
    is then ambiguous); D0 = D(0) (< 0: a real unstable root); modes = local minima of |D| with
    min |D| < mode_threshold; samples = number of axis evaluations."""

    zeros_in_right_half_plane: int
    stable: bool
    winding: float
    D0: float
    on_axis_zero: bool
    modes: list = field(default_factory=list)
    omega_max: float = math.nan
    samples: int = 0

    def to_dict(self) -> dict:
        d = asdict(self)
        d["modes"] = [m.to_dict() for m in self.modes]
        return d


def argument_principle(G: Callable[[np.ndarray], np.ndarray], *, J: float, omega_scale: float = 1.0,
                       band: tuple[float, float] | None = None, max_arg_step: float = 0.3,
                       mode_threshold: float = 0.5, neutral_tol: float = 1e-9,
                       max_rounds: int = 60) -> StabilityReport:
    """Count the zeros of D(s) = 1 - J G(s) in Re s > 0 from the boundary values G(omega) (omega >= 0).

    Requires G analytic and bounded in Re s > 0 with G -> 0 at infinity (true for the population G).
    Samples omega = 0, a log grid around ``omega_scale`` and a dense grid over ``band`` (firing
    frequencies), extends omega_max until |J G| < 0.05, and bisects every interval where arg D changes
    by more than ``max_arg_step`` or next to a local minimum of |D|, so no fast argument swing is missed.
    Zeros = -(1/pi) x (total continuous change of arg D from omega = 0 to inf).  Near-neutral modes: local
    minima of |D| below ``mode_threshold``; the zero next to each from a quadratic Taylor model of
    D(i omega) about the minimum (complex omega* with D = 0, s* = i omega*).
    """
    if not callable(G):
        raise ParameterError("G must be a callable omega (array) -> complex array")
    J, sc = finite("J", J), positive("omega_scale", omega_scale)
    def Dfun(w):
        w = np.asarray(w, float)
        D = general_characteristic(np.asarray(G(w), complex), J)
        bad = ~np.isfinite(D)  # a log singularity of G (edge of a jump of g): step off it (arg D is continuous there)
        if bad.any():
            D[bad] = general_characteristic(np.asarray(G(w[bad] * (1 + 1e-10) + 1e-300), complex), J)
        return D
    grid = [np.array([0.0]), np.geomspace(1e-4 * sc, 1e3 * sc, 300)]
    if band is not None:
        lo, hi = float(band[0]), float(band[1])
        grid.append(np.linspace(max(lo - 0.2 * (hi - lo), 0.0), hi + 0.2 * (hi - lo), 400))
    w = np.unique(np.concatenate(grid))
    w_max = w[-1]
    for _ in range(80):
        if abs(J * G(np.array([w_max]))[0]) < 0.05:
            break
        w_max *= 2
        w = np.append(w, w_max)
    D = Dfun(w)
    for _ in range(max_rounds):
        dphi = np.angle(D[1:] / D[:-1])
        flag = np.abs(dphi) > max_arg_step
        aD = np.abs(D)
        mins = np.where((aD[1:-1] < aD[:-2]) & (aD[1:-1] < aD[2:]) & (aD[1:-1] < mode_threshold))[0] + 1
        flag[mins] |= True
        flag[mins - 1] |= True
        flag &= np.diff(w) > 1e-12 * np.maximum(w[1:], sc)
        if not flag.any():
            break
        mid = 0.5 * (w[:-1] + w[1:])[flag]
        w = np.concatenate([w, mid])
        D = np.concatenate([D, Dfun(mid)])
        order = np.argsort(w)
        w, D = w[order], D[order]
    dphi = np.angle(D[1:] / D[:-1])
    # an interval still flipping the sign of D after full refinement holds a zero ON the axis: pass it on
    # a small indentation into Re s > 0 (arg D changes by +pi), so that only zeros with Re s > 0 count
    flip = np.abs(dphi) > math.pi - max_arg_step
    dphi[flip] = math.pi
    total = float(np.sum(dphi) - np.angle(D[-1]))  # D(i inf) = 1
    winding = -total / math.pi
    aD = np.abs(D)
    modes = []
    for i in np.where((aD[1:-1] <= aD[:-2]) & (aD[1:-1] <= aD[2:]) & (aD[1:-1] < mode_threshold))[0] + 1:
        m = _mode_from_axis(Dfun, w[i - 1], w[i + 1], sc, band)
        if not any(abs(m.axis_frequency - o.axis_frequency) <= 1e-6 * max(sc, m.axis_frequency) for o in modes):
            modes.append(m)
    on_axis = bool(flip.any() or aD.min() < neutral_tol) or any(m.min_abs_D < neutral_tol for m in modes)
    if not math.isfinite(winding):
        raise ParameterError("the argument of 1 - J G along the imaginary axis is not finite (G not resolved for "
                             "these parameters): the stability count is undefined")
    Z = int(round(winding))
    return StabilityReport(Z, Z == 0 and not on_axis, winding, float(D[0].real), on_axis, modes, float(w[-1]), w.size)


def _mode_from_axis(Dfun, a, b, sc, band) -> CollectiveMode:
    """Minimum of |D| on [a, b] (golden section) and the nearest zero of the quadratic Taylor model."""
    from scipy.optimize import minimize_scalar
    res = minimize_scalar(lambda x: abs(Dfun([x])[0]), bounds=(a, b), method="bounded",
                          options={"xatol": 1e-12 * max(b, sc)})
    wm = float(res.x)
    h = 1e-4 * max(wm, 1e-3 * sc)
    fm, f0, fp = Dfun([wm - h, wm, wm + h])
    c1, c2 = (fp - fm) / (2 * h), (fp - 2 * f0 + fm) / (2 * h * h)
    if abs(c2) * h < 1e-300 * abs(c1) or c2 == 0:
        roots = [-f0 / c1]
    else:
        disc = np.sqrt(c1 * c1 - 4 * c2 * f0 + 0j)
        roots = [(-c1 + disc) / (2 * c2), (-c1 - disc) / (2 * c2)]
    dmin = min(abs(z) for z in roots)  # the nearest root; of two about equally near, the less damped
    roots.sort(key=lambda z: (abs(z) > 1.1 * dmin, z.imag))
    om = wm + roots[0]  # complex omega*; s* = i omega*: frequency Re omega*, damping Im omega*
    outside = None if band is None else bool(wm < band[0] or wm > band[1])
    return CollectiveMode(float(om.real), float(om.imag), wm, float(abs(f0)), outside)


def _band(geo: _Geometry, tau: float, tail: float = 1e-9) -> tuple[float, float]:
    """Band of firing angular frequencies 2a/tau: the support edges for a finite support, else the central
    part holding all but ``tail`` of the firing probability on each side (quantiles of 2 h(a) da)."""
    if math.isfinite(geo.a_hi):
        return 2 * geo.a_lo / tau, 2 * geo.a_hi / tau
    fb = geo.a_breaks
    x, w = _GL[32]
    c, hw = 0.5 * (fb[1:] + fb[:-1]), 0.5 * np.diff(fb)
    a = (c[:, None] + hw[:, None] * x).ravel()
    mass = (hw[:, None] * w).ravel() * 2 * geo.h(a)
    cdf = np.cumsum(mass) / max(mass.sum(), 1e-300)
    lo = a[max(np.searchsorted(cdf, tail) - 1, 0)]
    hi = a[min(np.searchsorted(cdf, 1 - tail), a.size - 1)]
    return 2 * lo / tau, 2 * hi / tau


def stability(g, *, r: float, J: float, I: float = 0.0, tau: float = 1.0, rtol: float = 1e-10,
              mode_threshold: float = 0.5) -> StabilityReport:
    """Linear stability of the asynchronous state (rate r) of a population with density g.

    :func:`argument_principle` on G = :func:`susceptibility_any`; each near-neutral mode is refined, for
    the gaussian, lorentzian and uniform families, by Newton's method on the analytic continuation
    D(s) = 1 - J G(s) into Re s < 0 (:func:`susceptibility_laplace`), which gives the Landau damping of
    modes outside the band (exponentially small for the Gaussian, exactly 0 for the uniform density).
    The band is that of the firing frequencies (all but 1e-9 of the firing probability on each side).
    """
    g, r, J, I, tau, rtol = _common(g, r, J, I, tau, rtol)
    geo = _geometry(g, I + J * tau * r)
    band = _band(geo, tau) if geo.fires else None
    sc = max(band[1], 1e-3) if band else 1.0 / tau
    Gf = lambda w: susceptibility_any(w, g, r=r, J=J, I=I, tau=tau, rtol=rtol).G
    rep = argument_principle(Gf, J=J, omega_scale=sc, band=band, mode_threshold=mode_threshold)
    if g.name not in ("gaussian", "lorentzian", "uniform"):
        return rep
    modes = []
    for m in rep.modes:
        s = complex(-m.damping, m.frequency)
        Dc = lambda z: 1 - J * susceptibility_laplace([z], g, r=r, J=J, I=I, tau=tau, rtol=rtol)[0][0]
        ok = False
        for _ in range(30):
            hs = 1e-6 * max(abs(s), sc)
            d0, dd = Dc(s), (Dc(s + hs) - Dc(s - hs)) / (2 * hs)
            if not (np.isfinite(d0) and np.isfinite(dd)) or dd == 0:
                break
            step = d0 / dd
            s -= step
            if not np.isfinite(s) or abs(s) > 1e3 * sc:
                break
            if abs(step) < 1e-12 * max(abs(s), sc):
                ok = abs(Dc(s)) < 1e-8
                break
        if ok and abs(s - complex(-m.damping, m.frequency)) < 0.1 * sc:
            m = CollectiveMode(float(s.imag), float(-s.real), m.axis_frequency, m.min_abs_D, m.outside_band,
                               "continued")
        modes.append(m)
    return StabilityReport(rep.zeros_in_right_half_plane, rep.stable, rep.winding, rep.D0, rep.on_axis_zero,
                           modes, rep.omega_max, rep.samples)


def resolved_neurons(mode: CollectiveMode, g, *, r: float, N: float, J: float = 0.0, I: float = 0.0,
                     tau: float = 1.0) -> float:
    """Expected number of the N neurons whose firing frequency 2a/tau lies within the damping width of the
    mode, N int_{|2a/tau - omega_m| < max(damping, 0)} 2 h(a) da: the neurons that produce its Landau damping."""
    g, r, J, I, tau, _ = _common(g, r, J, I, tau, 1e-8)
    N = positive("N", N)
    geo = _geometry(g, I + J * tau * r)
    gam = max(mode.damping, 0.0)
    if gam == 0.0 or not geo.fires:
        return 0.0
    lo = max(0.5 * tau * (mode.frequency - gam), geo.a_lo)
    hi = min(0.5 * tau * (mode.frequency + gam), geo.a_hi)
    if hi <= lo:
        return 0.0
    x, w = _GL[64]
    a = 0.5 * (lo + hi) + 0.5 * (hi - lo) * x
    return float(N * 0.5 * (hi - lo) * np.sum(w * 2 * geo.h(a)))


def linear_spectrum_trustworthy(mode: CollectiveMode, g, *, r: float, N: float, J: float = 0.0, I: float = 0.0,
                                tau: float = 1.0, n_min: float = 10.0) -> bool:
    """Policy: is the linear (|1/D|^2) spectrum of a finite network trustworthy near this mode?

    The infinite-N damping of a collective mode is Landau damping by the neurons firing within about
    one damping width of the mode frequency.  A network of N neurons reproduces it only if that window
    holds many neurons, N_res = :func:`resolved_neurons` >= n_min (default 10); otherwise the finite
    network's mode is (nearly) undamped at linear order, the shot noise drives it resonantly and the
    linear prediction |1/D|^2 ~ 1/damping^2 near the mode fails (the mode saturates nonlinearly or
    rings on the discrete frequencies).  Neutral (damping <= 0) modes are never trustworthy.  Required
    N grows like n_min / (probability mass of the window): for an outside-band Gaussian mode, like
    exp(+const/sigma^2).
    """
    if mode.damping <= 0:
        return False
    return resolved_neurons(mode, g, r=r, N=N, J=J, I=I, tau=tau) >= n_min
