"""Fast, error-controlled linear response of a QIF population with ANY density g (theory/THEORY.md eqs. (74)-(78)).

Stability (the zeros of D = 1 - J G) and the collective modes are in :mod:`shotnoise.numerics.collective_modes`.  Formulas (derived and checked in :mod:`shotnoise.theory.general_response`; convention
x(omega) = int x(t) exp(-i omega t) dt, s = i omega, two-sided angular spectra).  With the
shift q = I + J tau r0, a = sqrt(eta + q) (firing), b = sqrt(-(eta + q)) (silent), h(a) = a g(a^2 - q)
and the pole a* = -i tau s/2:

    G(s)   = (1/pi) int h(a) a/((a - a*)(a + a*)) da                  (dr = J G ds)
    G_v(s) = i tau int h(a) a*/((a - a*)(a + a*)) da + tau int g(-b^2 - q) 2b/(tau s + 2b) db
    on the axis (a* -> a0 - i0, a0 = omega tau/2): PV integrals, plus -(i/2) h(a0) in G and
    +(pi tau/2) h(a0) in G_v (resonant neurons);  G(-omega) = conj G(omega).
    r0 = (1/(pi tau)) int g sqrt(max(eta + q, 0)) d eta,   v0 = -int_silent g sqrt(-(eta + q)) d eta,
    D(s) = 1 - J G(s); zeros of D in Re s > 0 = unstable modes.

Quadrature: composite Gauss-Legendre panels in a (resp. b), split at the support edges, at the
threshold, around the bulk of g (centre +- width * 2^k), at the singular point and graded
geometrically towards it when it lies close to the real axis or just outside a jump of g; the
principal value by singularity subtraction,
PV int phi/(a - a*) = int (phi - phi(p))/(a - a*) + phi(p) log((A - a*)/(a_lo - a*)), p = Re a* clipped
to the support; an infinite tail by a = A/t.  The node count per panel is doubled until two
resolutions agree to ``rtol``; the difference is returned as the error estimate.
At a support edge where g jumps (uniform) Re G has a log singularity: there G has real part
+inf (lower edge) / -inf (upper edge) and imaginary part the mean of the two one-sided limits.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numba
import numpy as np

from shotnoise.theory.errors import ParameterError

from ._generated.general_kernels import (general_mean_voltage_integrand, general_pole,
                                         general_rate_integrand, general_rate_weight, general_resonant_terms,
                                         general_silent_voltage, general_voltage_weight)
from .parameters import finite, finite_array, positive

CONVENTION = "two-sided, angular frequency; x(omega) = int x(t) exp(-i omega t) dt; s = i omega"
_LEVELS = (8, 16, 32, 64, 128)
_GL = {n: np.polynomial.legendre.leggauss(n) for n in _LEVELS}
_BULK = (0.0, 0.25, 0.5, 1.0, 2.0, 3.0, 4.0, 6.0, 8.0, 12.0, 16.0, 32.0, 64.0)


# ----------------------------------------------------------------------------- geometry of g
@dataclass(frozen=True)
class _Geometry:
    """Support and breakpoints of g in the a (firing) and b (silent) variables for a shift q."""

    g: object
    q: float
    a_lo: float
    a_hi: float          # inf for an infinite upper support
    a_breaks: np.ndarray  # sorted, a_lo .. finite top
    b_lo: float
    b_hi: float
    b_breaks: np.ndarray
    scale: float = 1.0    # |G| scale (1/pi) int h/a da, for the absolute tolerance

    @property
    def fires(self) -> bool:
        return self.a_hi > self.a_lo

    @property
    def silent(self) -> bool:
        return self.b_hi > self.b_lo

    def h(self, a: np.ndarray) -> np.ndarray:
        """h(a) = a g(a^2 - q), the eta argument clipped to the support (one-sided values at the edges)."""
        return np.asarray(a) * self._pdf(np.asarray(a) ** 2 - self.q)

    def g_silent(self, b: np.ndarray) -> np.ndarray:
        return self._pdf(-np.asarray(b) ** 2 - self.q)

    def _pdf(self, e: np.ndarray) -> np.ndarray:
        """g(e) with e clipped a few ulp inside a finite support (the one-sided value at a jump)."""
        lo, hi = self.g.lo, self.g.hi
        d = 16 * np.finfo(float).eps * max([abs(x) for x in (lo, hi, self.q) if math.isfinite(x)] + [1.0])
        return np.asarray(self.g.pdf(np.clip(e, lo + d, hi - d)), dtype=float)


def _check_density(g):
    from .densities import Density  # lazy: the density ufuncs compile at import
    if not isinstance(g, Density):
        raise ParameterError("g must be a Density (numerics.densities), got %s" % type(g).__name__)
    hints = math.isfinite(g.centre) and math.isfinite(g.width) and g.width > 0
    if not (hints or (math.isfinite(g.lo) and math.isfinite(g.hi))):
        raise ParameterError("g must have a finite support [lo, hi] or finite centre/width hints (width > 0), "
                             "got lo=%r, hi=%r, centre=%r, width=%r" % (g.lo, g.hi, g.centre, g.width))
    return g


def _eta_breaks(g) -> list[float]:
    pts = [x for x in (g.lo, g.hi) if math.isfinite(x)]
    if math.isfinite(g.centre) and math.isfinite(g.width) and g.width > 0:
        pts += [g.centre + sgn * k * g.width for k in _BULK for sgn in (-1, 1)]
    else:  # finite support without hints: 16 equal panels
        pts += list(np.linspace(g.lo, g.hi, 17))
    return [x for x in pts if g.lo <= x <= g.hi]


def _geometry(g, q: float) -> _Geometry:
    eb = _eta_breaks(g) + [-q]
    e_top = max(eb)
    a_lo = math.sqrt(max(g.lo + q, 0.0))
    a_hi = math.sqrt(max(g.hi + q, 0.0)) if math.isfinite(g.hi) else math.inf
    if math.isfinite(g.hi) and g.hi + q <= 0:
        a_lo = a_hi = 0.0
    ab = sorted({math.sqrt(e + q) for e in eb if e + q >= 0 and e <= g.hi} | {a_lo})
    ab = [x for x in ab if x >= a_lo and x <= a_hi]
    if not math.isfinite(a_hi) and ab and ab[-1] <= a_lo * (1 + 1e-12) + 1e-300:
        ab.append(math.sqrt(max(e_top + q, 0.0)) + 1.0)
    b_lo = math.sqrt(max(-(g.hi + q), 0.0)) if math.isfinite(g.hi) else 0.0
    b_hi = math.sqrt(max(-(g.lo + q), 0.0)) if math.isfinite(g.lo) else math.inf
    bb = sorted({math.sqrt(-(e + q)) for e in eb if e + q <= 0 and e >= g.lo} | {b_lo})
    bb = [x for x in bb if b_lo <= x <= b_hi]
    if not math.isfinite(b_hi) and bb[-1] <= b_lo * (1 + 1e-12) + 1e-300:
        bb.append(b_lo + math.sqrt(abs(q) + (g.width if math.isfinite(g.width) else 1.0)) + 1.0)
    geo = _Geometry(g, q, a_lo, a_hi, np.array(ab if len(ab) > 1 else [a_lo, a_lo]), b_lo, b_hi,
                    np.array(bb if len(bb) > 1 else [b_lo, b_lo]))
    x, w = _GL[32]
    fb = geo.a_breaks
    c, hw = 0.5 * (fb[1:] + fb[:-1]), 0.5 * np.diff(fb)
    A = (c[:, None] + hw[:, None] * x).ravel()
    scale = float(np.sum((hw[:, None] * w).ravel() * geo.h(A) / np.maximum(A, 1e-300))) / math.pi if geo.fires else 0.0
    return _Geometry(g, q, a_lo, a_hi, geo.a_breaks, b_lo, b_hi, geo.b_breaks, max(scale, 1e-300))


# ----------------------------------------------------------------------------- panel engine (numba)
@numba.njit(cache=True)
def _panel_breaks(fb, lo, hi, infinite, z, grade):
    """Breakpoints for a singular point z near [lo, top]: fixed breaks fb, a geometric extension up to
    2|z| for an infinite support, p = Re z clipped, and (grade) points p +- d 2^k with d = |z - p|."""
    top = fb[-1]
    pts = list(fb)
    if infinite:
        while top < 2.0 * abs(z) + 1e-300:
            top *= 2.0
            pts.append(top)
    p = min(max(z.real, lo), top)
    pts.append(p)
    d = abs(z - p)
    if grade and d > 0.0:
        for sgn in (-1.0, 1.0):
            x = d
            while x < top - lo:
                y = p + sgn * x
                if lo < y < top:
                    pts.append(y)
                x *= 2.0
    if grade:  # the regular factor 1/(a + z) is singular at a = -z, near lo = 0 for small |z|
        x = abs(z + lo)
        while 0.0 < x < fb[1] - lo:  # (only where -z is closer to lo than the first fixed panel is long)
            pts.append(lo + x)
            x *= 2.0
    arr = np.unique(np.array(pts))
    return arr, p, top


@numba.njit(cache=True)
def _nodes(fb, lo, hi, infinite, zs, x_ref, w_ref, grade):
    """Flattened nodes/weights for every singular point zs[i]; tail nodes (a = top/t) flagged sub = 0."""
    n = x_ref.size
    counts = np.empty(zs.size, dtype=np.int64)
    lists = []
    ps = np.empty(zs.size)
    tops = np.empty(zs.size)
    for i in range(zs.size):
        br, p, top = _panel_breaks(fb, lo, hi, infinite, zs[i], grade)
        lists.append(br)
        ps[i] = p
        tops[i] = top
        counts[i] = (br.size - 1) * n + (n if infinite else 0)
    off = np.zeros(zs.size + 1, dtype=np.int64)
    for i in range(zs.size):
        off[i + 1] = off[i] + counts[i]
    X = np.empty(off[-1])
    W = np.empty(off[-1])
    S = np.empty(off[-1])
    for i in range(zs.size):
        br = lists[i]
        k = off[i]
        for j in range(br.size - 1):
            c, hw = 0.5 * (br[j] + br[j + 1]), 0.5 * (br[j + 1] - br[j])
            for m in range(n):
                X[k] = c + hw * x_ref[m]
                W[k] = hw * w_ref[m]
                S[k] = 1.0
                k += 1
        if infinite:
            for m in range(n):
                t = 0.5 * (1.0 + x_ref[m])
                X[k] = tops[i] / t
                W[k] = 0.5 * w_ref[m] * tops[i] / (t * t)
                S[k] = 0.0
                k += 1
    return X, W, S, off, ps, tops


@numba.njit(cache=True)
def _firing_sums(X, W, S, off, H, zs, ps, hp, lo, tops, axis):
    """Q_phi, Q_psi = int phi/(a - z), int psi/(a - z) (PV on the axis) by subtraction at p."""
    m = zs.size
    Qf = np.empty(m, dtype=np.complex128)
    Qp = np.empty(m, dtype=np.complex128)
    for i in range(m):
        z = zs[i]
        p = ps[i]
        fp = 0j
        sp_ = 0j
        if hp[i] != 0.0:  # (h(0) = 0: p = z = 0 at omega = 0 has no subtraction)
            fp = hp[i] * general_rate_weight(p, z)
            sp_ = hp[i] * general_voltage_weight(p, z)
        accf = 0j
        accp = 0j
        for k in range(off[i], off[i + 1]):
            x = X[k]
            den = x - z
            f = H[k] * general_rate_weight(x, z)
            g = H[k] * general_voltage_weight(x, z)
            if S[k] > 0.0:
                accf += W[k] * (f - fp) / den
                accp += W[k] * (g - sp_) / den
            else:
                accf += W[k] * f / den
                accp += W[k] * g / den
        if axis:
            num, dd = abs(tops[i] - z.real), abs(lo - z.real)  # phi(p), psi(p) are real on the axis
            L = math.inf if dd == 0.0 else (-math.inf if num == 0.0 else math.log(num / dd))
            if fp.real != 0.0:
                accf += fp.real * L
            if sp_.real != 0.0:
                accp += sp_.real * L
        else:
            L = cmath_log(tops[i] - z) - cmath_log(lo - z)
            accf += fp * L
            accp += sp_ * L
        Qf[i] = accf
        Qp[i] = accp
    return Qf, Qp


@numba.njit(cache=True)
def cmath_log(z):
    return np.log(z + 0j)


@numba.njit(cache=True)
def _plain_sums(X, W, off, F, zs, tau, kind):
    """kind 0: int F 2b/(tau s + 2b) with tau s = 2 i zs... (silent G_v); kind 1: int F * integrand(X)."""
    out = np.empty(zs.size, dtype=np.complex128)
    for i in range(zs.size):
        acc = 0j
        for k in range(off[i], off[i + 1]):
            if kind == 0:
                acc += W[k] * F[k] * general_silent_voltage(X[k], -2.0 * zs[i])
            else:
                acc += W[k] * F[k]
        out[i] = acc
    return out


# ----------------------------------------------------------------------------- adaptive drivers
def _adaptive(build, evaluate, m: int, rtol: float, atol: float):
    """Double the Gauss-Legendre order per panel until two resolutions agree (|I_2n - I_n| <= rtol |I| + atol).
    build(idx, x_ref, w_ref) -> nodes; evaluate(idx, nodes) -> tuple of complex arrays.  Returns values, errors
    (the last difference, per output) and the largest node count used."""
    todo = np.arange(m)
    vals = errs = None
    prev = None
    n_used = 0
    for n in _LEVELS:
        nodes = build(todo, *_GL[n])
        out = evaluate(todo, nodes)
        n_used = max(n_used, int(np.max(np.diff(nodes[3]))) if todo.size else 0)
        if vals is None:
            vals = [np.zeros(m, complex) for _ in out]
            errs = [np.full(m, np.inf) for _ in out]
        for v, o in zip(vals, out):
            v[todo] = o
        if prev is not None:
            ok = np.ones(todo.size, bool)
            for e, o, pr in zip(errs, out, prev):
                with np.errstate(invalid="ignore"):
                    d = np.abs(o - pr)
                d[~np.isfinite(o)] = 0.0  # edge of a jump: +-inf exactly
                e[todo] = d
                ok &= d <= rtol * np.abs(np.where(np.isfinite(o), o, 0)) + atol
            todo = todo[~ok]
            prev = [o[~ok] for o in out]
            if todo.size == 0:
                break
        else:
            prev = list(out)
    return vals, errs, n_used, todo.size == 0


def _firing_integrals(geo: _Geometry, zs: np.ndarray, axis: bool, rtol: float):
    """Q_phi = int phi/(a - z), Q_psi = int psi/(a - z) (PV when axis) with errors; phi = h a/(a + z), psi = h z/(a + z)."""
    if not geo.fires:
        zero = np.zeros(zs.size, complex)
        return [zero, zero.copy()], [np.zeros(zs.size)] * 2, 0, True
    inf = not math.isfinite(geo.a_hi)
    hi = geo.a_breaks[-1] if inf else geo.a_hi

    def build(idx, x, w):
        return _nodes(geo.a_breaks, geo.a_lo, hi, inf, zs[idx], x, w, True)

    def evaluate(idx, nd):
        X, W, S, off, ps, tops = nd
        return _firing_sums(X, W, S, off, geo.h(X), zs[idx], ps, geo.h(ps), geo.a_lo, tops, axis)

    return _adaptive(build, evaluate, zs.size, rtol, 1e-15 * geo.scale)


def _silent_integral(geo: _Geometry, s_tau: np.ndarray, rtol: float):
    """int g(-b^2 - q) 2b/(tau s + 2b) db (silent part of G_v / tau) with error."""
    if not geo.silent:
        return [np.zeros(s_tau.size, complex)], [np.zeros(s_tau.size)], 0, True
    inf = not math.isfinite(geo.b_hi)
    hi = geo.b_breaks[-1] if inf else geo.b_hi
    zb = -0.5 * s_tau  # singular point b* = -tau s/2 (off the positive axis for Re s >= 0, s != 0)

    def build(idx, x, w):
        return _nodes(geo.b_breaks, geo.b_lo, hi, inf, zb[idx], x, w, True)

    def evaluate(idx, nd):
        X, W, S, off, ps, tops = nd
        return (_plain_sums(X, W, off, geo.g_silent(X), zb[idx], 1.0, 0),)

    return _adaptive(build, evaluate, s_tau.size, rtol, 1e-15)


def _fixed_integral(breaks, lo, hi, infinite, F, rtol):
    """int F(x) dx over [lo, hi] (hi = inf: tail by x = top/t) with doubling; returns (value, error)."""
    z = np.array([complex(lo)])

    def build(idx, x, w):
        return _nodes(breaks, lo, hi, infinite, z, x, w, False)

    def evaluate(idx, nd):
        X, W, S, off, ps, tops = nd
        return (np.array([np.sum(W * F(X))], complex),)

    vals, errs, _, _ = _adaptive(build, evaluate, 1, rtol, 1e-300)
    return float(vals[0][0].real), float(errs[0][0])


# ----------------------------------------------------------------------------- analytic continuation
def _h_continued(g, a: np.ndarray, q: float) -> np.ndarray:
    """h(a) = a g(a^2 - q) continued to complex a for the named families (gaussian, lorentzian, uniform)."""
    e = a * a - q
    if g.name == "gaussian":
        return a * np.exp(-(e - g.centre) ** 2 / (2 * g.width**2)) / math.sqrt(2 * math.pi * g.width**2)
    if g.name == "lorentzian":
        return a * g.width / math.pi / ((e - g.centre) ** 2 + g.width**2)
    if g.name == "uniform":
        return a / (2 * g.width)
    raise ParameterError("analytic continuation into Re s < 0 needs g in (gaussian, lorentzian, uniform), got %r"
                         % g.name)


# ----------------------------------------------------------------------------- public: susceptibilities
@dataclass(frozen=True)
class GeneralSusceptibility:
    """G(omega), G_v(omega) of a population with density g, with quadrature error estimates.

    omega (angular, two-sided: G(-omega) = conj G(omega)), G (dr = J G ds), G_v (dv = J G_v ds),
    G_err, G_v_err (|difference of two resolutions|), nodes (largest node count per omega),
    converged (all points met rtol)."""

    omega: np.ndarray
    G: np.ndarray
    G_v: np.ndarray
    G_err: np.ndarray
    G_v_err: np.ndarray
    nodes: int
    converged: bool
    convention: str = CONVENTION

    def to_dict(self) -> dict:
        """Lists; complex values as [re, im] pairs (inf as None)."""
        c = lambda z: [[_f(x.real), _f(x.imag)] for x in z]
        return {"convention": self.convention, "omega": self.omega.tolist(), "G": c(self.G), "G_v": c(self.G_v),
                "G_err": self.G_err.tolist(), "G_v_err": self.G_v_err.tolist(), "nodes": self.nodes,
                "converged": self.converged}


def _cplx(re, im) -> np.ndarray:
    out = np.empty(np.shape(re), complex)
    out.real, out.imag = re, im
    return out


def _f(x):
    return float(x) if math.isfinite(x) else None


def _common(g, r, J, I, tau, rtol):
    g = _check_density(g)
    r, J, I, tau = finite("r", r), finite("J", J), finite("I", I), positive("tau", tau)
    if r < 0:
        raise ParameterError("r must be >= 0, got %r" % r)
    rtol = positive("rtol", rtol)
    if not 1e-14 <= rtol <= 1e-2:
        raise ParameterError("rtol must be in [1e-14, 1e-2], got %r" % rtol)
    return g, r, J, I, tau, rtol


def susceptibility_any(omega, g, *, r: float, J: float = 0.0, I: float = 0.0, tau: float = 1.0,
                       rtol: float = 1e-8) -> GeneralSusceptibility:
    """Open-loop G(omega) and G_v(omega) on the real axis for any density g (fast, error-controlled).

    Parameters
    ----------
    omega : array of real angular frequencies (any sign; G(-omega) = conj G(omega)).
    g : Density (numerics.densities): gaussian, uniform, lorentzian, or a user density with a finite
        support or centre/width hints.
    r, J, I, tau : fixed-point rate r0 >= 0 (spikes per unit time), coupling, current, time constant.
    rtol : relative accuracy target (the quadrature doubles its order until two resolutions agree).

    Notes
    -----
    G = (1/pi) PV int h a/((a - a0)(a + a0)) da - (i/2) h(a0),
    G_v = tau [i PV int h a0/((a - a0)(a + a0)) da + (pi/2) h(a0) + int g(-b^2 - q) 2b/(i omega tau + 2b) db],
    a0 = |omega| tau/2, h(a) = a g(a^2 - q), q = I + J tau r0.  At an edge a0 of the firing support where
    g jumps, Re G = +inf (lower edge) or -inf (upper edge) (a log singularity) and Im G is the mean of
    the one-sided limits; G_v likewise.
    """
    g, r, J, I, tau, rtol = _common(g, r, J, I, tau, rtol)
    w = finite_array("omega", omega)
    geo = _geometry(g, I + J * tau * r)
    aw = np.abs(w)
    a0 = 0.5 * aw * tau
    for e in (geo.a_lo, geo.a_hi):  # snap to a support edge (within rounding): the exact log singularity
        if geo.fires and 0 < e < math.inf:
            a0[np.abs(a0 - e) <= 8 * np.finfo(float).eps * e] = e
    (Qf, Qp), (ef, ep), n1, c1 = _firing_integrals(geo, a0.astype(complex), True, rtol)
    h0 = geo.h(a0) if geo.fires else np.zeros(w.size)
    inside = (a0 > geo.a_lo) & (a0 < geo.a_hi)
    edge = geo.fires & ((a0 == geo.a_lo) | (a0 == geo.a_hi))
    wres = np.where(inside, 1.0, np.where(edge, 0.5, 0.0)) * h0
    resG, resV = general_resonant_terms(wres, tau) if w.size else (np.zeros(0), np.zeros(0))
    resG, resV = np.asarray(resG, complex), np.asarray(resV, complex)
    G = _cplx(Qf.real / math.pi + resG.real, Qf.imag / math.pi + resG.imag)  # (no 0 * inf at an edge)
    (Sv,), (es,), n2, c2 = _silent_integral(geo, 1j * aw * tau, rtol)
    iQp = np.empty(w.size, complex)  # i Q_psi without 0 * inf
    iQp.real, iQp.imag = -Qp.imag, Qp.real
    Gv = _cplx(tau * (iQp.real + Sv.real) + resV.real, tau * (iQp.imag + Sv.imag) + resV.imag)
    neg = w < 0
    G[neg], Gv[neg] = np.conj(G[neg]), np.conj(Gv[neg])
    return GeneralSusceptibility(w, G, Gv, ef / math.pi, tau * (ep + es), max(n1, n2), bool(c1 and c2))


def susceptibility_laplace(s, g, *, r: float, J: float = 0.0, I: float = 0.0, tau: float = 1.0,
                           rtol: float = 1e-8) -> tuple[np.ndarray, np.ndarray]:
    """G(s) at complex Laplace frequencies s; returns (G, error estimate).

    Re s > 0: G(s) = (1/pi) int h a/((a - a*)(a + a*)) da, a* = -i tau s/2 (Im s >= 0 and < 0 both;
    G(conj s) = conj G(s)).  Re s = 0: the axis boundary value (as :func:`susceptibility_any`).
    Re s < 0: the analytic continuation G_int(s) - i h(a*) (the residue term where Re a* lies in the
    firing support), available for the gaussian, lorentzian and uniform families.
    """
    g, r, J, I, tau, rtol = _common(g, r, J, I, tau, rtol)
    s = np.atleast_1d(np.asarray(s, dtype=complex))
    if not np.all(np.isfinite(s)):
        raise ParameterError("s must contain only finite complex values")
    geo = _geometry(g, I + J * tau * r)
    flip = s.imag < 0
    ss = np.where(flip, np.conj(s), s)  # work with Im s >= 0 (Re a* >= 0)
    out = np.zeros(s.size, complex)
    err = np.zeros(s.size)
    on_axis = ss.real == 0
    if np.any(on_axis):
        res = susceptibility_any(ss[on_axis].imag, g, r=r, J=J, I=I, tau=tau, rtol=rtol)
        out[on_axis], err[on_axis] = res.G, res.G_err
    off = ~on_axis
    if np.any(off):
        zs = general_pole(ss[off], tau)
        (Qf, _), (ef, _), _, _ = _firing_integrals(geo, zs, False, rtol)
        Gs = Qf / math.pi
        left = ss[off].real < 0
        if np.any(left) and geo.fires:
            z = zs[left]
            cross = (z.real > geo.a_lo) & (z.real < geo.a_hi)
            Gs[left] += np.where(cross, -1j * _h_continued(g, z, geo.q), 0)
        out[off], err[off] = Gs, ef / math.pi
    out[flip] = np.conj(out[flip])
    return out, err


def mean_voltage(g, *, r: float, J: float = 0.0, I: float = 0.0, tau: float = 1.0,
                 rtol: float = 1e-10) -> tuple[float, float]:
    """v0 = Im int g w0 d eta = -int_{eta + q < 0} g sqrt(-(eta + q)) d eta, q = I + J tau r; (value, error)."""
    g, r, J, I, tau, rtol = _common(g, r, J, I, tau, rtol)
    return _mean_voltage(_geometry(g, I + J * tau * r), rtol)


def _mean_voltage(geo, rtol):
    if not geo.silent:
        return 0.0, 0.0
    inf = not math.isfinite(geo.b_hi)
    return _fixed_integral(geo.b_breaks, geo.b_lo, geo.b_breaks[-1] if inf else geo.b_hi, inf,
                           lambda b: geo.g_silent(b) * general_mean_voltage_integrand(b), rtol)


def _rate_map(g, rr, J, I, tau, rtol):
    """Phi(r) = (1/(pi tau)) int g sqrt(max(eta + I + J tau r, 0)) d eta and its error."""
    geo = _geometry(g, I + J * tau * rr)
    if not geo.fires:
        return 0.0, 0.0, geo
    inf = not math.isfinite(geo.a_hi)
    val, err = _fixed_integral(geo.a_breaks, geo.a_lo, geo.a_breaks[-1] if inf else geo.a_hi, inf,
                               lambda a: geo.h(a) * general_rate_integrand(a, tau), rtol)
    return val, err, geo


@dataclass(frozen=True)
class SelfConsistentRate:
    """One self-consistent rate r0 = Phi(r0) with error bound r_err = |dPhi| / |1 - Phi'(r0)|
    (Phi'(r0) = J G(0), so 1 - Phi' = D(0) < 0 marks the middle, saddle branch), its mean voltage
    v0 (+- v_err) and D(0) = 1 - J G(omega = 0)."""

    r: float
    r_err: float
    v: float
    v_err: float
    D0: float

    def to_dict(self) -> dict:
        return asdict(self)


def self_consistent_rates(g, *, J: float, I: float = 0.0, tau: float = 1.0,
                          rtol: float = 1e-11, n_scan: int = 400) -> list[SelfConsistentRate]:
    """All self-consistent rates r = (1/(pi tau)) int g(eta) sqrt(max(eta + I + J tau r, 0)) d eta.

    Roots of F(r) = Phi(r) - r are bracketed on a scan of n_scan points (uniform in r^(1/2) on [0, r_max],
    r_max from doubling until F < 0) and polished by brentq; r = 0 is reported when the population is
    quiescent there (Phi(0) = 0).  Up to three roots for J > 0.  Sorted by r.  Roots closer together than
    the scan resolution (right at a saddle-node) can be missed.
    """
    g = _check_density(g)
    J, I, tau = finite("J", J), finite("I", I), positive("tau", tau)
    from scipy.optimize import brentq
    F = lambda x: _rate_map(g, x, J, I, tau, rtol)[0] - x
    # Phi(r) <= Phi_0 + sqrt(max(J, 0) tau r)/(pi tau) (sqrt(x + y) <= sqrt x + sqrt y): every root lies below r_max
    phi0 = _rate_map(g, 0.0, 0.0, I, tau, rtol)[0]
    c = math.sqrt(max(J, 0.0) * tau) / (math.pi * tau)
    r_max = 1.01 * ((c + math.sqrt(c * c + 4 * phi0)) / 2) ** 2 + 1e-300
    xs = r_max * np.linspace(0, 1, n_scan) ** 2
    fs = np.array([F(x) for x in xs])
    roots = [0.0] if fs[0] == 0.0 else []
    for k in range(n_scan - 1):
        if fs[k] == 0.0 and k > 0:
            roots.append(xs[k])
        elif fs[k] * fs[k + 1] < 0:
            # xtol far below any rate: a rate of 1e-17 (a Gaussian tail) is resolved to rtol, not to 1e-15 absolute
            roots.append(brentq(F, xs[k], xs[k + 1], xtol=1e-300, rtol=1e-15, maxiter=200))
    out = []
    for r0 in roots:
        phi, dphi, geo = _rate_map(g, r0, J, I, tau, rtol)
        G0 = susceptibility_any([0.0], g, r=r0, J=J, I=I, tau=tau, rtol=1e-10).G[0].real if geo.fires else 0.0
        D0 = 1.0 - J * G0
        r_err = (dphi + 4e-16 * max(r0, 1e-300)) / max(abs(D0), 1e-300)
        v0, dv = _mean_voltage(geo, rtol)
        hstep = max(1e-7 * r0, 1e-12)
        v1 = _mean_voltage(_geometry(g, I + J * tau * (r0 + hstep)), rtol)[0]
        out.append(SelfConsistentRate(float(r0), float(r_err), float(v0), float(dv + abs(v1 - v0) / hstep * r_err),
                                      float(D0)))
    return out
