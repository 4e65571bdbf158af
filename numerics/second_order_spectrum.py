"""O(1/N^2) correction to the closed-loop spectra of the MPR model driven by its shot noise (fast, compiled).

Implements the terms of :mod:`shotnoise.theory.second_order_spectrum` (theory/THEORY.md section 13, eqs. (110)-(111),
beyond eqs. (93)-(96)) for the Lorentzian population at a stable fixed point, for the activity s = r + xi (the
correction to add to the linear ``activity`` column S_xi/|1 - J G|^2), the rate r and the voltage v.  Two-sided
spectra, angular frequency, time in units of tau; with x = (r, v) - x0, A the closed-loop Jacobian,
H(w) = (iw - A)^(-1) B, K2(w1, w2) = (i(w1 + w2) - A)^(-1) q_b(H(w1), H(w2)), K1_s = 1 + H_r:

    gaussian_k2      = 2 int |K2(w', w - w')|^2 S_xi(w') S_xi(w - w') dw'/2pi
    k1_k3            = 2 Re[conj K1(w) 3 int K3(w, w', -w') S_xi(w') dw'/2pi] S_xi(w)
                     = k1_k3_mean_shift (the O(1/N) mean shift <x2> feeding back) + k1_k3_mixing
    bispectrum       = 2 Re[conj K1(w) (1/N^2) sum_{m>=1} (f_m^3 p_f(f_m)/m) sum_{n != 0, m} K2(n w/m, (m - n) w/m)]
    shot_mean_shift  = |K1(w)|^2 (d S_xi/d r0) <delta r>   (mass model: the oscillators follow the mean input)
                     = |K1(w)|^2 (dS_xi/d eta_t)/(dS_xi(inf)/d eta_t) R/N   (``rate_shift=R``, network: the trains
                       fire at r0 + R, R = c/N, so the correction tends to c/N^2 at high frequency)

The total is the sum of these four.  Numerical method (error stated in :class:`SecondOrderSpectrum`):
the w' integrals by composite Gauss-Legendre on panels graded geometrically (ratio 2, smallest panel half the
width) towards every pole of the integrand (the harmonics k w_peak of S_xi with their widths
2 k Im sqrt(c)/tau, the eigenvalues of A, each shifted by 0, +-w), up to |w'| = W where the ripple of S_xi is
below 1e-10 of its asymptote, and the tail |w'| > W by the map w' = W/t; the inner bispectrum sum over n in
closed form from the partial fractions of H (sum_n 1/((n - a)(n - b)) = pi (cot(pi b) - cot(pi a))/(a - b)),
the sum over the lines m until a term is below rtol of the sum (tail bound by its m^-4 decay).  That rule on the
full line is ``method="adaptive"``; the default ``method="fast"`` applies it on half lines (the Gaussian integrand is
even about w' = w/2, the mixing integrand even in w'), grades from the full peak widths, stops the graded range
where the ripple weighted by the 1/w'^3 decay of these integrands is below RIPPLE, and runs the omegas in parallel
(agreement with "adaptive" ~1e-6 of max|activity|, see :func:`second_order_spectrum`).  The readable reference is
``theory.second_order_spectrum.spectrum_mpmath``.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numba
import numpy as np

from shotnoise.theory.errors import ParameterError

from ._generated.mpr_kernels import mpr_jacobian
from ._generated.second_order_kernels import bispectrum_line_weight, drift_hessians, noise_vector
from ._generated.spectrum_kernels import (lorentzian_c, shot_high_frequency_limit, shot_inverse_omega_coefficient,
                                         shot_spectrum_from_c)
from ._jit import pure
from .parameters import finite, finite_array, positive
from .shot_spectrum import CONVENTION, _lorentzian_grid

#: the components, in the order of the compiled kernel's output
COMPONENTS = ("gaussian_k2", "k1_k3_mean_shift", "k1_k3_mixing", "bispectrum", "shot_mean_shift")
#: outputs (activity s = r + xi, rate, voltage)
OUTPUTS = ("activity", "rate", "voltage")
#: most bispectrum lines summed (the sum stops earlier at rtol; error_bound is inf if it does not)
M_LINES = 400
#: ripple of S_xi (relative to its asymptote) beyond the last graded harmonic
RIPPLE = 1e-7
#: largest |omega| tau evaluated (beyond it the kernels lose every digit to cancellation; the correction is c/N^2)
W_MAX = 1e8
#: Gauss-Legendre nodes per panel
GL_NODES = 6
#: method="fast": panels graded from this many widths of each peak (the adaptive path starts at 0.5)
FAST_GRADE = 1.0
#: method="fast": the graded range extends at least to this many times the largest |eigenvalue| of A
FAST_EIG_FACTOR = 10.0


def _constant_pieces(P):
    """Closed-loop Jacobian A (2x2), noise vector B and T = Hess/2 (T[k, i, j]) at P = (r, v, eta_bar, Delta, J, I,
    tau), from the generated kernels (theory.second_order via numerics.codegen; A is the MPR Jacobian)."""
    A = np.array(mpr_jacobian(*P), dtype=float).reshape(2, 2)
    B = np.array(noise_vector(*P), dtype=float)
    T = np.array(drift_hessians(*P), dtype=float).reshape(2, 2, 2) / 2.0
    return A, B, T


@dataclass
class SecondOrderSpectrum:
    """O(1/N^2) spectral correction at a stable fixed point (two-sided, angular frequency).

    omega; activity, rate, voltage: the total correction to add to the linear S_s, S_r, S_v; components:
    {name: {"activity", "rate", "voltage"}} (names in ``COMPONENTS`` plus "k1_k3" = mean_shift + mixing);
    rate_shift, voltage_shift: the O(1/N) mean shift <delta r>, <delta v> (eq. (95)); error_bound: estimated
    absolute error of the activity total per omega (difference to a run with 1.6x more nodes per panel plus
    the bispectrum truncation bound).
    """

    omega: np.ndarray
    activity: np.ndarray
    rate: np.ndarray
    voltage: np.ndarray
    components: dict
    rate_shift: float
    voltage_shift: float
    N: float
    error_bound: np.ndarray | None = None
    convention: str = CONVENTION

    def to_dict(self) -> dict:
        """Lists; the CLI's ``second_order`` key uses activity, rate_shift and components[name]['activity']."""
        return {"convention": self.convention, "N": self.N, "omega": self.omega.tolist(),
                "activity": self.activity.tolist(), "rate": self.rate.tolist(), "voltage": self.voltage.tolist(),
                "rate_shift": self.rate_shift, "voltage_shift": self.voltage_shift,
                "components": {k: {o: v[o].tolist() for o in OUTPUTS} for k, v in self.components.items()},
                "error_bound": None if self.error_bound is None else self.error_bound.tolist()}


# ------------------------------------------------------------------ compiled pieces


@numba.njit(cache=True)
def _resolvent(s, A, y0, y1):
    """(s - A)^(-1) (y0, y1) for complex s."""
    a, b, c, d = s - A[0, 0], -A[0, 1], -A[1, 0], s - A[1, 1]
    det = a * d - b * c
    return (d * y0 - b * y1) / det, (a * y1 - c * y0) / det


@numba.njit(cache=True)
def _H(w, A, B):
    return _resolvent(1j * w, A, B[0] + 0j, B[1] + 0j)


@numba.njit(cache=True)
def _qb(a0, a1, b0, b1, T):
    """q_b(a, b)_k = sum_ij T[k, i, j] a_i b_j with T = Hess/2."""
    q0 = T[0, 0, 0] * a0 * b0 + T[0, 0, 1] * a0 * b1 + T[0, 1, 0] * a1 * b0 + T[0, 1, 1] * a1 * b1
    q1 = T[1, 0, 0] * a0 * b0 + T[1, 0, 1] * a0 * b1 + T[1, 1, 0] * a1 * b0 + T[1, 1, 1] * a1 * b1
    return q0, q1


@numba.njit(cache=True)
def _K2(w1, w2, A, B, T):
    h0, h1 = _H(w1, A, B)
    g0, g1 = _H(w2, A, B)
    q0, q1 = _qb(h0, h1, g0, g1, T)
    return _resolvent(1j * (w1 + w2), A, q0, q1)


@numba.njit(cache=True)
def _gl(n):
    """Gauss-Legendre nodes and weights on [-1, 1] (Newton on P_n)."""
    x = np.empty(n)
    wt = np.empty(n)
    for i in range(n):
        z = math.cos(math.pi * (i + 0.75) / (n + 0.5))
        for _ in range(100):
            p0, p1 = 1.0, z
            for k in range(2, n + 1):
                p0, p1 = p1, ((2 * k - 1) * z * p1 - (k - 1) * p0) / k
            dp = n * (z * p1 - p0) / (z * z - 1)
            dz = p1 / dp
            z -= dz
            if abs(dz) < 1e-16:
                break
        p0, p1 = 1.0, z
        for k in range(2, n + 1):
            p0, p1 = p1, ((2 * k - 1) * z * p1 - (k - 1) * p0) / k
        dp = n * (z * p1 - p0) / (z * z - 1)
        x[i] = z
        wt[i] = 2.0 / ((1 - z * z) * dp * dp)
    return x, wt


@numba.njit(cache=True, inline="always")
def _fill_panels(edges, npan, xg, wg, x, wt, k):
    """Gauss-Legendre nodes x and weights wt of the panels [edges[i], edges[i + 1]], i < npan, written from index
    k on; returns the next free index."""
    n = xg.size
    for i in range(npan):
        a, b = edges[i], edges[i + 1]
        h = 0.5 * (b - a)
        for j in range(n):
            x[k] = a + h + h * xg[j]
            wt[k] = h * wg[j]
            k += 1
    return k


@numba.njit(cache=True)
def _nodes(centers, widths, W, D, xg, wg, n_tail):
    """Composite Gauss-Legendre nodes/weights on R: breakpoints every D on [-W, W], panels graded (ratio 2, from
    half the width up to D) towards each (center, width), plus the tails |w'| > W by w' = +-W/t, t in (0, 1]
    (n_tail panels)."""
    nu = int(math.ceil(2 * W / D))
    pts = [-W + 2 * W * i / nu for i in range(nu + 1)]
    for i in range(centers.size):
        c, d = centers[i], 0.5 * widths[i]
        if -W < c < W:
            pts.append(c)
        while d < D:
            if -W < c + d < W:
                pts.append(c + d)
            if -W < c - d < W:
                pts.append(c - d)
            d *= 2.0
    p = np.sort(np.array(pts))
    keep = [p[0]]
    for i in range(1, p.size):
        if p[i] - keep[-1] > 1e-12 * W:
            keep.append(p[i])
    n = xg.size
    npan = len(keep) - 1
    x = np.empty(npan * n + 2 * n_tail * n)
    wt = np.empty_like(x)
    k = _fill_panels(keep, npan, xg, wg, x, wt, 0)
    for sg in (-1.0, 1.0):
        for i in range(n_tail):
            a, b = i / n_tail, (i + 1) / n_tail
            h = 0.5 * (b - a)
            for j in range(n):
                t = a + h + h * xg[j]
                x[k] = sg * W / t
                wt[k] = h * wg[j] * W / (t * t)
                k += 1
    return x, wt


@numba.njit(cache=True)
def _cot(z):
    """cot z without overflow for large |Im z| (= -+i to double precision for |Im z| > 20)."""
    if z.imag > 20.0:
        return -1j + 0j
    if z.imag < -20.0:
        return 1j + 0j
    if z.imag > 0:
        e = np.exp(2j * z)
        return 1j * (e + 1) / (e - 1)
    e = np.exp(-2j * z)
    return 1j * (1 + e) / (1 - e)


@numba.njit(cache=True)
def _pair_sums(Om, m, lam, R):
    """P[a, b] = sum_{n in Z} H_a(n Om) H_b((m - n) Om) with H(u) = sum_k R[k]/(iu - lam_k) (distinct eigenvalues):
    sum_n 1/((n - a_k)(n - b_l)) = pi (cot(pi b_l) - cot(pi a_k))/(a_k - b_l), a_k = lam_k/(i Om),
    b_l = m - lam_l/(i Om)."""
    a = np.empty(2, dtype=np.complex128)
    b = np.empty(2, dtype=np.complex128)
    ca = np.empty(2, dtype=np.complex128)
    cb = np.empty(2, dtype=np.complex128)
    for k in range(2):
        a[k] = lam[k] / (1j * Om)
        b[k] = m - lam[k] / (1j * Om)
        ca[k] = _cot(math.pi * a[k])
        cb[k] = -ca[k]  # cot(pi (m - x)) = -cot(pi x) for integer m
    P = np.zeros((2, 2), dtype=np.complex128)
    for k in range(2):
        for l in range(2):
            g = math.pi * (cb[l] - ca[k]) / ((a[k] - b[l]) * Om * Om)
            for i in range(2):
                for j in range(2):
                    P[i, j] += R[k, i] * R[l, j] * g
    return P


@numba.njit(cache=True)
def _bispectrum_inner(w, m, A, B, T, lam, R, direct):
    """sum_{n != 0, m} K2(n Om, (m - n) Om), Om = w/m, for (r, v)."""
    Om = w / m
    if direct:  # nearly degenerate eigenvalues: direct sum with the 1/(n (n - m)) tail summed by telescoping
        L = 20000
        s0, s1 = 0j, 0j
        for n in range(-L, L + 1):
            if n == 0 or n == m:
                continue
            k0, k1 = _K2(n * Om, (m - n) * Om, A, B, T)
            s0 += k0
            s1 += k1
        q0, q1 = _qb(B[0] + 0j, B[1] + 0j, B[0] + 0j, B[1] + 0j, T)
        c0, c1 = _resolvent(1j * w, A, q0, q1)
        # sum_{n>L} [1/(n(n-m)) + 1/(n(n+m))] = (1/m) [sum_{j=L+1-m}^{L} 1/j + sum_{j=L+1}^{L+m} 1/j]
        tail = 0.0
        for j in range(1, m + 1):
            tail += (1.0 / (L + 1 - j) + 1.0 / (L + j)) / m
        return s0 + c0 * tail / (Om * Om), s1 + c1 * tail / (Om * Om)
    # pair sums S_ab over all n, minus the n = 0 and n = m terms
    h00, h01 = _H(0.0, A, B)
    hm0, hm1 = _H(w, A, B)
    H0 = (h00, h01)
    Hm = (hm0, hm1)
    P = _pair_sums(Om, m, lam, R)
    for a in range(2):
        for b in range(2):
            P[a, b] -= H0[a] * Hm[b] + Hm[a] * H0[b]
    q0 = 0j
    q1 = 0j
    for a in range(2):
        for b in range(2):
            q0 += T[0, a, b] * P[a, b]
            q1 += T[1, a, b] * P[a, b]
    return _resolvent(1j * w, A, q0, q1)


@numba.njit(cache=True, inline="always")
def _bispectrum_lines(w, weights, A, B, T, lam, R, direct, rtol):
    """(bs_r, bs_v, tail bound): the bispectrum line sum over m (inner sums in closed form), stopped when three
    successive terms are below rtol of the sum by the tail bound of the m^-4 decay (inf if it never stops)."""
    bs0 = 0j
    bs1 = 0j
    small = 0
    last = 0.0
    m = 1
    m_max = weights.shape[0] if w > 0 else 0  # at w = 0 the line weights (~ w^4) vanish: no bispectrum term
    while m <= m_max:
        wgt = weights[m - 1]
        i0, i1 = _bispectrum_inner(w, m, A, B, T, lam, R, direct)
        bs0 += wgt * i0
        bs1 += wgt * i1
        last = abs(wgt * i0) + abs(wgt * i1)
        if m >= 8 and last * m / 3.0 <= rtol * (abs(bs0) + abs(bs1)):  # tail bound of the m^-4 decay
            small += 1
            if small >= 3:
                break
        else:
            small = 0
        m += 1
    return bs0, bs1, (last * m / 3.0 if (small >= 3 or w == 0) else math.inf)


@numba.njit(cache=True, inline="always")
def _assemble(row, Hw0, Hw1, ga0, ga1, z0, z1, y0, y1, bs0, bs1, Sw, dSdr):
    """row[component, output] for outputs (activity: K1 = 1 + H_r; rate: H_r; voltage: H_v)."""
    K1 = (1.0 + Hw0, Hw0, Hw1)
    comp = (0, 0, 1)
    for o in range(3):
        K = K1[o]
        cc = comp[o]
        row[0, o] = ga0 if cc == 0 else ga1
        zz = z0 if cc == 0 else z1
        yy = y0 if cc == 0 else y1
        bb = bs0 if cc == 0 else bs1
        row[1, o] = 2 * (K.conjugate() * zz).real * Sw
        row[2, o] = 2 * (K.conjugate() * yy).real * Sw
        row[3, o] = 2 * (K.conjugate() * bb).real
        row[4, o] = (K.real ** 2 + K.imag ** 2) * dSdr


@numba.njit(cache=True)
def _spectrum_kernel(omegas, A, B, T, lam, R, direct, x2r, x2v, dr, sp_args, dS_args, harm_c, harm_w, eig_c, eig_w,
                     W, D, n_gl, n_tail, weights, rtol):
    """Per omega: the five components for (activity, rate, voltage); out[i, comp, output], mtail[i] the
    bispectrum truncation bound (activity)."""
    xg, wg = _gl(n_gl)
    r0, eta_bar, Delta, J, I, tau, N = sp_args
    h = dS_args
    nw = omegas.size
    out = np.zeros((nw, 5, 3))
    mtail = np.zeros(nw)
    nh, ne = harm_c.size, eig_c.size
    for i in range(nw):
        w = omegas[i]
        # S_xi(w') and S_xi(w - w') peak at the harmonics shifted by 0 and w; H(+-w'), K2(w, -+w') at the
        # eigen-frequencies shifted by 0, +w, -w
        cen = np.empty(2 * nh + 3 * ne)
        wid = np.empty(2 * nh + 3 * ne)
        for j in range(nh):
            cen[2 * j], cen[2 * j + 1] = harm_c[j], harm_c[j] + w
            wid[2 * j], wid[2 * j + 1] = harm_w[j], harm_w[j]
        for j in range(ne):
            for s in range(3):
                cen[2 * nh + 3 * j + s] = eig_c[j] + (s - 1) * w
                wid[2 * nh + 3 * j + s] = eig_w[j]
        x, wt = _nodes(cen, wid, W, D, xg, wg, n_tail)
        Sx = _lorentzian_grid(x, r0, eta_bar, Delta, J, I, tau, N)
        Sd = _lorentzian_grid(w - x, r0, eta_bar, Delta, J, I, tau, N)
        Sw = _lorentzian_grid(np.array([w]), r0, eta_bar, Delta, J, I, tau, N)[0]
        Hw0, Hw1 = _H(w, A, B)
        ga0 = 0.0
        ga1 = 0.0
        mx0 = 0j
        mx1 = 0j
        for k in range(x.size):
            wp = x[k]
            k0, k1 = _K2(wp, w - wp, A, B, T)
            f = wt[k] * Sx[k] * Sd[k]
            ga0 += f * (k0.real ** 2 + k0.imag ** 2)
            ga1 += f * (k1.real ** 2 + k1.imag ** 2)
            # mixing part of 3 K3(w, w', -w'): (iw - A)^(-1) 2 [q_b(H(w'), K2(w, -w')) + q_b(H(-w'), K2(w, w'))]
            hp0, hp1 = _H(wp, A, B)
            hm0, hm1 = _H(-wp, A, B)
            a0, a1 = _K2(w, -wp, A, B, T)
            b0, b1 = _K2(w, wp, A, B, T)
            u0, u1 = _qb(hp0, hp1, a0, a1, T)
            v0, v1 = _qb(hm0, hm1, b0, b1, T)
            mx0 += wt[k] * Sx[k] * (u0 + v0)
            mx1 += wt[k] * Sx[k] * (u1 + v1)
        ga0 /= math.pi  # 2/(2 pi)
        ga1 /= math.pi
        y0, y1 = _resolvent(1j * w, A, 2 * mx0 / (2 * math.pi), 2 * mx1 / (2 * math.pi))
        q0, q1 = _qb(Hw0, Hw1, x2r + 0j, x2v + 0j, T)
        z0, z1 = _resolvent(1j * w, A, 2 * q0, 2 * q1)
        # bispectrum lines
        bs0, bs1, mtail[i] = _bispectrum_lines(w, weights[i], A, B, T, lam, R, direct, rtol)
        # dS_xi/dr0 by central differences of the closed form (step h: error ~ h^2 S''' + eps S/h)
        Sp = _lorentzian_grid(np.array([w]), r0 + h, eta_bar, Delta, J, I, tau, N)[0]
        Sm = _lorentzian_grid(np.array([w]), r0 - h, eta_bar, Delta, J, I, tau, N)[0]
        dS = (Sp - Sm) / (2 * h)
        _assemble(out[i], Hw0, Hw1, ga0, ga1, z0, z1, y0, y1, bs0, bs1, Sw, dS * dr)
    return out, mtail


@numba.njit(cache=True)
def _mean_shift_kernel(A, B, T, sp_args, fixed_c, fixed_w, W, D, n_gl, n_tail):
    """<x2> = int K2(w', -w') S_xi(w') dw'/2pi (eq. (95)) for (r, v)."""
    xg, wg = _gl(n_gl)
    r0, eta_bar, Delta, J, I, tau, N = sp_args
    x, wt = _nodes(fixed_c, fixed_w, W, D, xg, wg, n_tail)
    Sx = _lorentzian_grid(x, r0, eta_bar, Delta, J, I, tau, N)
    s0, s1 = 0.0, 0.0
    for k in range(x.size):
        k0, k1 = _K2(x[k], -x[k], A, B, T)
        s0 += wt[k] * Sx[k] * k0.real
        s1 += wt[k] * Sx[k] * k1.real
    return s0 / (2 * math.pi), s1 / (2 * math.pi)


# ------------------------------------------------------------------ fast path (method="fast")


@numba.njit(cache=True)
def _S_point(x, c, inv_c, k, im_pi_k, s_inf, a_inv, tau, N):
    """S_xi(x) at one frequency (the closed form of shot_spectrum._lorentzian_grid, without the array)."""
    w = abs(x)
    if w == 0.0:
        return 0.0
    if w * im_pi_k > 20.0:
        return s_inf - a_inv / w
    return shot_spectrum_from_c(w, c, inv_c, w * k, 0.5 * w * tau, tau, N)


@numba.njit(cache=True)
def _half_nodes(lo, centers, widths, W, D, xg, wg, n_tail, grade):
    """Composite Gauss-Legendre nodes/weights on [lo, inf): breakpoints every <= D on [lo, W], graded (ratio 2, from
    ``grade`` times the width up to D) towards each (center, width) inside, and the tail x > W by x = W/t,
    t in (0, 1] (n_tail panels)."""
    if W < lo + D:
        W = lo + D
    nu = int(math.ceil((W - lo) / D))
    nlev = 1
    for i in range(widths.size):
        d = grade * widths[i]
        lv = 1
        while d < D:
            d *= 2.0
            lv += 1
        nlev = max(nlev, lv)
    pts = np.empty(nu + 1 + centers.size * (1 + 2 * nlev))
    n = 0
    for i in range(nu + 1):
        pts[n] = lo + (W - lo) * i / nu
        n += 1
    for i in range(centers.size):
        c, d = centers[i], grade * widths[i]
        if lo < c < W:
            pts[n] = c
            n += 1
        while d < D:
            if lo < c + d < W:
                pts[n] = c + d
                n += 1
            if lo < c - d < W:
                pts[n] = c - d
                n += 1
            d *= 2.0
    p = np.sort(pts[:n])
    keep = np.empty(n)
    keep[0] = p[0]
    nk = 1
    for i in range(1, n):
        if p[i] - keep[nk - 1] > 1e-12 * W:
            keep[nk] = p[i]
            nk += 1
    ng = xg.size
    x = np.empty((nk - 1) * ng + n_tail * ng)
    wt = np.empty_like(x)
    k = _fill_panels(keep, nk - 1, xg, wg, x, wt, 0)
    for i in range(n_tail):
        a, b = i / n_tail, (i + 1) / n_tail
        h = 0.5 * (b - a)
        for j in range(ng):
            t = a + h + h * xg[j]
            x[k] = W / t
            wt[k] = h * wg[j] * W / (t * t)
            k += 1
    return x, wt


@numba.njit(cache=True)
def _fast_one(w, A, B, T, sp, harm_c, harm_w, eig_c, eig_w, W, D, xg, wg, n_tail, grade):
    """gaussian_k2 (g0, g1) and the mixing integral (m0, m1) at one w, both on half lines by symmetry:
    |K2(x, w - x)|^2 S(x) S(w - x) is even about x = w/2, the mixing integrand even in x."""
    c, inv_c, kk, im_pi_k, s_inf, a_inv, tau, N = sp
    Hw0, Hw1 = _H(w, A, B)
    nh, ne = harm_c.size, eig_c.size
    # Gaussian: x >= w/2; S(x) at the harmonics, S(w - x) at w - harmonics, H(x), H(w - x) at the eigen-frequencies
    cen = np.empty(2 * nh + 2 * ne)
    wid = np.empty(2 * nh + 2 * ne)
    for j in range(nh):
        cen[2 * j], cen[2 * j + 1] = harm_c[j], w - harm_c[j]
        wid[2 * j], wid[2 * j + 1] = harm_w[j], harm_w[j]
    for j in range(ne):
        cen[2 * nh + 2 * j], cen[2 * nh + 2 * j + 1] = eig_c[j], w - eig_c[j]
        wid[2 * nh + 2 * j], wid[2 * nh + 2 * j + 1] = eig_w[j], eig_w[j]
    x, wt = _half_nodes(0.5 * w, cen, wid, W, D, xg, wg, n_tail, grade)
    g0 = 0.0
    g1 = 0.0
    for k in range(x.size):
        xp = x[k]
        f = wt[k] * _S_point(xp, c, inv_c, kk, im_pi_k, s_inf, a_inv, tau, N) * \
            _S_point(w - xp, c, inv_c, kk, im_pi_k, s_inf, a_inv, tau, N)
        h0, h1 = _H(xp, A, B)
        e0, e1 = _H(w - xp, A, B)
        q0, q1 = _qb(h0, h1, e0, e1, T)
        k0, k1 = _resolvent(1j * w, A, q0, q1)
        g0 += f * (k0.real ** 2 + k0.imag ** 2)
        g1 += f * (k1.real ** 2 + k1.imag ** 2)
    # mixing: x >= 0; S(x) at the harmonics, H(x) at the eigen-frequencies, K2(w, -+x) at them shifted by +-w
    cen2 = np.empty(nh + 3 * ne)
    wid2 = np.empty(nh + 3 * ne)
    cen2[:nh] = harm_c
    wid2[:nh] = harm_w
    for j in range(ne):
        for s in range(3):
            cen2[nh + 3 * j + s] = eig_c[j] + (s - 1) * w
            wid2[nh + 3 * j + s] = eig_w[j]
    x, wt = _half_nodes(0.0, cen2, wid2, W, D, xg, wg, n_tail, grade)
    m0 = 0j
    m1 = 0j
    for k in range(x.size):
        xp = x[k]
        f = wt[k] * _S_point(xp, c, inv_c, kk, im_pi_k, s_inf, a_inv, tau, N)
        hp0, hp1 = _H(xp, A, B)
        hm0, hm1 = hp0.conjugate(), hp1.conjugate()  # H(-x) = conj H(x) (A, B real)
        p0, p1 = _qb(Hw0, Hw1, hm0, hm1, T)
        a0, a1 = _resolvent(1j * (w - xp), A, p0, p1)  # K2(w, -x)
        p0, p1 = _qb(Hw0, Hw1, hp0, hp1, T)
        b0, b1 = _resolvent(1j * (w + xp), A, p0, p1)  # K2(w, x)
        u0, u1 = _qb(hp0, hp1, a0, a1, T)
        v0, v1 = _qb(hm0, hm1, b0, b1, T)
        m0 += f * (u0 + v0)
        m1 += f * (u1 + v1)
    return 2 * g0, 2 * g1, 2 * m0, 2 * m1


@numba.njit(cache=True, parallel=True)
def _fast_kernel(omegas, A, B, T, lam, R, direct, x2r, x2v, dr, sp_args, dS_args, harm_c, harm_w, eig_c, eig_w,
                 W, D, n_gl, n_tail, grade, weights, rtol):
    """As :func:`_spectrum_kernel` (same output layout) with half-line quadratures, shared closed-form constants and
    a parallel loop over omega."""
    xg, wg = _gl(n_gl)
    r0, eta_bar, Delta, J, I, tau, N = sp_args
    c = lorentzian_c(r0, eta_bar, Delta, J, I, tau)
    kk = tau / (2.0 * np.sqrt(c + 0j))
    sp = (c, 1.0 / c, kk, math.pi * abs(kk.imag), shot_high_frequency_limit(c, tau, N),
          shot_inverse_omega_coefficient(Delta, tau, N), tau, N)
    spm = (lorentzian_c(r0 - dS_args, eta_bar, Delta, J, I, tau), lorentzian_c(r0 + dS_args, eta_bar, Delta, J, I,
                                                                                    tau))
    h = dS_args
    nw = omegas.size
    out = np.zeros((nw, 5, 3))
    mtail = np.zeros(nw)
    for i in numba.prange(nw):
        w = omegas[i]
        ga0, ga1, mx0, mx1 = _fast_one(w, A, B, T, sp, harm_c, harm_w, eig_c, eig_w, W, D, xg, wg, n_tail, grade)
        ga0 /= math.pi  # 2/(2 pi)
        ga1 /= math.pi
        Sw = _S_point(w, c, 1.0 / c, kk, math.pi * abs(kk.imag), sp[4], sp[5], tau, N)
        Hw0, Hw1 = _H(w, A, B)
        y0, y1 = _resolvent(1j * w, A, 2 * mx0 / (2 * math.pi), 2 * mx1 / (2 * math.pi))
        q0, q1 = _qb(Hw0, Hw1, x2r + 0j, x2v + 0j, T)
        z0, z1 = _resolvent(1j * w, A, 2 * q0, 2 * q1)
        bs0, bs1, mtail[i] = _bispectrum_lines(w, weights[i], A, B, T, lam, R, direct, rtol)
        dS = 0.0
        for sg in range(2):
            cs = spm[sg]
            ks = tau / (2.0 * np.sqrt(cs + 0j))
            Ss = _S_point(w, cs, 1.0 / cs, ks, math.pi * abs(ks.imag), shot_high_frequency_limit(cs, tau, N),
                          shot_inverse_omega_coefficient(Delta, tau, N), tau, N)
            dS += Ss if sg == 1 else -Ss
        dS /= 2 * h
        _assemble(out[i], Hw0, Hw1, ga0, ga1, z0, z1, y0, y1, bs0, bs1, Sw, dS * dr)
    return out, mtail


# ------------------------------------------------------------------ public


def _setup(point, n_gl):
    m = point.model
    if m.heterogeneity != "lorentzian":
        raise ParameterError("the O(1/N^2) spectrum is implemented for heterogeneity='lorentzian' only, got %r"
                             % m.heterogeneity)
    if not point.stable:
        raise ParameterError("the fixed point r=%.6g is a %s: the O(1/N^2) spectrum needs a stable fixed point"
                             % (point.r, point.stability))
    N = m.require_N()
    A, B, T = _constant_pieces((float(point.r), float(point.v), m.eta_bar, m.Delta, m.J, m.I, m.tau))
    lam = np.linalg.eigvals(A).astype(complex)
    direct = abs(lam[0] - lam[1]) < 1e-6 * max(abs(lam[0]), abs(lam[1]))
    R = np.zeros((2, 2), dtype=complex)
    if not direct:
        for k in range(2):
            Pk = (A - lam[1 - k] * np.eye(2)) / (lam[k] - lam[1 - k])
            R[k] = Pk @ B
    c = complex(pure(lorentzian_c)(float(point.r), m.eta_bar, m.Delta, m.J, m.I, m.tau))  # eta_t + i Delta
    sq = np.sqrt(c)
    wpk = 2 * sq.real / m.tau
    w1 = 2 * abs(sq.imag) / m.tau  # half-width of the first shot-noise peak
    # |w'| > W: ripple of S_xi ~ 2 exp(-2 pi |Im z|) < RIPPLE, |Im z| = w' tau |Im sqrt c|/(2 |c|)
    lam_max = float(np.max(np.abs(lam)))
    # the integrands decay at least as 1/w'^2 beyond L, so a ripple of relative size rho at w' changes them by about
    # rho L/w': W solves 2 exp(-2 pi kappa W) L/W = RIPPLE, kappa = tau |Im sqrt c|/(2 |c|)
    kappa = m.tau * abs(sq.imag) / (2 * abs(c))
    L = max(wpk, lam_max)
    W_S = max(4 * wpk, 20 * lam_max)
    for _ in range(60):
        if 2 * math.exp(-2 * math.pi * kappa * W_S) * L / W_S < RIPPLE:
            break
        W_S *= 1.1
    # method="fast": the per-omega integrands (not the mean shift's) decay at least as 1/w'^3 beyond L
    # (|K2(w', w - w')|^2 as 1/w'^4, the mixing integrand as 1/w'^3): the ripple rho changes them by ~rho (L/w')^2
    W_F = max(4 * wpk, FAST_EIG_FACTOR * lam_max)
    for _ in range(60):
        if 2 * math.exp(-2 * math.pi * kappa * W_F) * (L / W_F) ** 2 < RIPPLE:
            break
        W_F *= 1.1
    K = int(math.ceil(W_S / wpk)) + 1
    cen = [0.0] + [s * k * wpk for k in range(1, K + 1) for s in (1, -1)]
    wid = [w1] + [k * w1 for k in range(1, K + 1) for s in (1, -1)]
    ecen = [0.0] + [l.imag for l in lam]
    ewid = [w1] + [max(abs(l.real), 1e-3 * abs(l)) for l in lam]
    D = max(wpk, min(ewid))
    sp_args = (float(point.r), m.eta_bar, m.Delta, m.J, m.I, m.tau, float(N))
    lp = (m.eta_bar, m.Delta, m.J, m.I, m.tau, float(point.r), float(N))
    return dict(A=A, B=B, T=T, lam=lam, R=R, direct=direct, cen=np.array(cen), wid=np.array(wid), ecen=np.array(ecen),
                ewid=np.array(ewid), W=W_S, W_fast=min(W_F, W_S), D=D,
                sp_args=sp_args, lp=lp, N=N, n_gl=n_gl)


#: evaluation methods of :func:`second_order_spectrum`
METHODS = ("fast", "adaptive")


def second_order_spectrum(*, point, omega, rtol: float = 1e-5, n_gl: int = GL_NODES, n_tail: int = 4,
                          error_estimate: bool = False, method: str = "fast",
                          rate_shift: float | None = None) -> SecondOrderSpectrum:
    """O(1/N^2) correction to the activity, rate and voltage spectra at a stable Lorentzian fixed point.

    Parameters
    ----------
    point : OperatingPoint
        ``Model(...).operating_point()`` of a model with N and heterogeneity 'lorentzian'.
    omega : array_like
        Angular frequencies (1-D, finite; evaluated at |omega|, the spectra are even; at 0 the bispectrum term is 0).
    rtol : float
        Relative truncation of the bispectrum line sum (0 < rtol < 1e-2).
    n_gl : int
        Gauss-Legendre nodes per panel (>= 4).
    n_tail : int
        Panels of the mapped tail |w'| > W (>= 1).
    error_estimate : bool
        Also evaluate with 1.6x the nodes per panel (and twice the tail panels) by the same method and report the
        difference (plus the line-sum tail bound) as ``error_bound``.
    rate_shift : float, optional
        The mean-rate shift of the spike trains behind ``shot_mean_shift``.  None (mass model): the trains are
        oscillators driven by the mean input, which moves by J tau <delta r> (eq. (95)):
        shot_mean_shift = |K1|^2 dS_xi/dr0 <delta r>.  A value (network: the total c/N of ``numerics.rate_shift``,
        own-spike feedback included): the trains fire at r0 + rate_shift, the shift distributed over the neurons
        as a common shift of the drive: shot_mean_shift = |K1|^2 (dS_xi/deta_t)/(dS_xi(inf)/deta_t) rate_shift/N,
        so that the activity correction tends to rate_shift/N = c/N^2 at high frequency, as the spectrum of
        spike trains firing at the mean rate r0 + c/N must.
    method : {"fast", "adaptive"}
        "adaptive": the readable reference path, full-line graded quadrature per omega (panels from half the
        width of each peak, range W with ripple < RIPPLE for 1/w'^2 decay).  "fast" (default): the same rule on half
        lines by the symmetries w' <-> w - w' (Gaussian term) and w' <-> -w' (mixing term), panels from the full
        width (FAST_GRADE), the range W_fast set by the 1/w'^3 decay of the per-omega integrands, and a parallel
        loop over omega (numba prange).  Measured on 2000 omegas in [0.05, 15] (``shotnoise bench --what
        second-order``): the two agree to ~1e-6 of max|activity| (and both to ~1e-6 of a 16-node, rtol 1e-9 run).

    Returns
    -------
    SecondOrderSpectrum
        totals (activity, rate, voltage) = gaussian_k2 + k1_k3 + bispectrum + shot_mean_shift, the components,
        and the O(1/N) mean shift.  Two-sided, angular frequency; all scale as N^-2 (the shift as N^-1).
    """
    w_in = finite_array("omega", omega)
    if w_in.ndim != 1 or w_in.size == 0:
        raise ParameterError("omega must be a non-empty 1-D array of angular frequencies")
    w = np.abs(w_in)  # the spectra are even
    if np.max(w) * point.model.tau > W_MAX:
        raise ParameterError("omega: the O(1/N^2) correction is evaluated for |omega| tau <= %.0e (beyond, it equals "
                             "its high-frequency limit c/N^2 to rounding); got max |omega| = %.3g" % (W_MAX, np.max(w)))
    rtol = positive("rtol", rtol)
    if not rtol < 1e-2:
        raise ParameterError("rtol must be in (0, 1e-2), got %r" % rtol)
    if int(n_gl) < 4 or int(n_tail) < 1:
        raise ParameterError("n_gl must be >= 4 and n_tail >= 1, got n_gl=%r, n_tail=%r" % (n_gl, n_tail))
    if method not in METHODS:
        raise ParameterError("method must be one of %s, got %r" % (", ".join(METHODS), method))
    evaluate = _evaluate_fast if method == "fast" else _evaluate
    if rate_shift is not None:
        rate_shift = finite("rate_shift", rate_shift)
    s = _setup(point, int(n_gl))
    s["rate_shift"] = rate_shift
    out, mtail = evaluate(s, w, rtol, int(n_gl), int(n_tail))
    err = None
    if error_estimate:
        out2, _ = evaluate(s, w, rtol, int(math.ceil(1.6 * n_gl)), int(n_tail) * 2)
        err = np.abs(out2[:, :, 0].sum(axis=1) - out[:, :, 0].sum(axis=1)) + mtail
    comps = {name: {o: out[:, j, k].copy() for k, o in enumerate(OUTPUTS)} for j, name in enumerate(COMPONENTS)}
    comps["k1_k3"] = {o: comps["k1_k3_mean_shift"][o] + comps["k1_k3_mixing"][o] for o in OUTPUTS}
    tot = out.sum(axis=1)
    return SecondOrderSpectrum(omega=w_in, activity=tot[:, 0], rate=tot[:, 1], voltage=tot[:, 2], components=comps,
                               rate_shift=s["x2"][0], voltage_shift=s["x2"][1], N=float(s["N"]), error_bound=err)


def _prepare(s, w, n_gl, n_tail):
    """The O(1/N) mean shift <x2> (stored in s["x2"]), the dS_xi/dr0 step and the bispectrum line weights."""
    x2 = _mean_shift_kernel(s["A"], s["B"], s["T"], s["sp_args"], np.concatenate([s["cen"], s["ecen"]]),
                            np.concatenate([s["wid"], s["ewid"]]), s["W"], s["D"], n_gl, n_tail)
    s["x2"] = (float(x2[0]), float(x2[1]))
    h = 1e-4 * s["sp_args"][0]
    m = np.arange(1, M_LINES + 1, dtype=float)
    weights = bispectrum_line_weight(w[:, None], m[None, :], *s["lp"])
    return float(x2[0]), float(x2[1]), h, weights


def _shot_shift_factor(s, h: float) -> float:
    """The factor multiplying dS_xi/dr0 in ``shot_mean_shift``: <delta r> (mass model) or, for an imposed rate
    shift R (network), R/(N dS_xi(inf)/dr0) with S_xi(inf) the generated high-frequency limit (same central
    difference as dS_xi/dr0); 0 for J = 0 (S_xi does not depend on r0, and there is no shift)."""
    R = s.get("rate_shift")
    if R is None:
        return s["x2"][0]
    r0, eta_bar, Delta, J, I, tau, N = s["sp_args"]
    lim = lambda r: pure(shot_high_frequency_limit)(pure(lorentzian_c)(r, eta_bar, Delta, J, I, tau), tau, N)
    d_inf = (lim(r0 + h) - lim(r0 - h)) / (2 * h)
    return 0.0 if d_inf == 0.0 else R / (N * d_inf)


def _evaluate_fast(s, w, rtol, n_gl, n_tail):
    x2r, x2v, h, weights = _prepare(s, w, n_gl, n_tail)
    pos = s["cen"] >= 0
    return _fast_kernel(w, s["A"], s["B"], s["T"], s["lam"], s["R"], s["direct"], x2r, x2v, _shot_shift_factor(s, h),
                        s["sp_args"], h,
                        s["cen"][pos], s["wid"][pos], s["ecen"], s["ewid"], float(s["W_fast"]), float(s["D"]), n_gl,
                        n_tail, FAST_GRADE, weights, rtol)


def _evaluate(s, w, rtol, n_gl, n_tail):
    x2r, x2v, h, weights = _prepare(s, w, n_gl, n_tail)
    return _spectrum_kernel(w, s["A"], s["B"], s["T"], s["lam"], s["R"], s["direct"], x2r, x2v,
                            _shot_shift_factor(s, h), s["sp_args"], h,
                            s["cen"], s["wid"], s["ecen"], s["ewid"], float(s["W"]), float(s["D"]), n_gl, n_tail,
                            weights, rtol)
