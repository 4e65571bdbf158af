"""O(1/N^2) spectrum of the MPR model driven by its shot noise: Volterra kernels K2, K3 and the shot noise's
bispectrum (theory/THEORY.md section 13, eqs. (110)-(111), continuing eqs. (93)-(96); S_xi is eqs. (32)-(35)).

Notation of :mod:`.second_order`: dx/dt = A x + q(x, x) + B xi, x = (r, v) - x0, q the constant quadratic form of
the MPR drift (no cubic terms), q_b(a, b) its symmetric bilinear form, H(s) = (s - A)^(-1) B with s = i omega.
Volterra expansion x = x1 + x2 + x3 + ..., x_n = int K_n xi ... xi:

    K1(s)          = H(s)
    K2(s1, s2)     = (s1 + s2 - A)^(-1) q_b(H(s1), H(s2))                       (symmetric)
    K3(s1, s2, s3) = (1/3) sum_i (s1 + s2 + s3 - A)^(-1) 2 q_b(H(s_i), K2(s_j, s_k))   (symmetrized)

The activity s = r + xi has K1_s = 1 + H_r, K2_s = K2_r, K3_s = K3_r.  To order N^-2 (xi ~ N^-1/2, S_xi ~ 1/N,
its third cumulant ~ N^-2, fourth ~ N^-3) the spectrum of a component x is |K1|^2 S_xi plus

    (a) gaussian_k2 = 2 int |K2(w', w - w')|^2 S_xi(w') S_xi(w - w') dw'/2pi
    (b) k1_k3       = 2 Re[conj K1(w) 3 int K3(w, w', -w') S_xi(w') dw'/2pi] S_xi(w)
        of which k1_k3_mean_shift = 2 Re[conj K1 (iw - A)^(-1) 2 q_b(H(w), <x2>)] S_xi(w) is the O(1/N) mean shift
        <x2> = int K2(w', -w') S_xi dw'/2pi (eq. (95)) feeding back (the linear transfer at the shifted state);
        the rest, k1_k3_mixing, pairs w with w'.  Each Wick pairing appears once (no double counting).
    (c) bispectrum  = 2 Re[conj K1(w) int K2(w', w - w') B_xi(w', w - w') dw'/2pi]

with the bispectrum B_xi of N independent periodic trains (harmonic representation: a train of frequency f is
f sum_{n != 0} exp(i n (2 pi f t + psi)), psi uniform; the phase average keeps n1 + n2 + n3 = 0):

    B_xi(wa, wb) = (1/N^2) int p_f(f) f^3 sum_{n2, n3 != 0, n2 + n3 != 0} (2pi)^2 delta(wa - 2pi n2 f)
                   delta(wb - 2pi n3 f) df,

which on the line wa + wb = w > 0 gives (m = n2 + n3 >= 1, f_m = w/(2 pi m), Omega_m = w/m)

    (c) = 2 Re[conj K1(w) (1/N^2) sum_{m>=1} (f_m^3 p_f(f_m)/m) sum_{n != 0, m} K2(n Omega_m, (m - n) Omega_m)].

A further O(1/N^2) term is the change of S_xi itself with the mean shift (shot_mean_shift = |K1|^2
dS_xi/dr0 <delta r>: the neurons fire at the shifted mean input).  Not included: the modulation of the spike
trains by the fluctuating input (phase modulation; same order), see the report in THEORY.md section 11.

Checks: :func:`verify_kernels` (sympy identities), :func:`spectrum_mpmath` (readable quadrature reference).
"""
from __future__ import annotations

from functools import lru_cache

import sympy as sp

from .errors import ParameterError
from .linear_response import i_omega
from .lorentzian_ansatz import lorentzian_g
from .mpr_analysis import fixed_point_quartic, fixed_point_v
from .second_order import (closed_loop_jacobian, eps, fixed_point_second_derivative, hessians,
                           kernel_on_diagonal, noise_vector, transfer)
from .shot_noise import f as f_sym
from .shot_noise import frequency_density
from .symbols import Delta, I_ext, J, N, eta_bar, r, tau, v

#: Laplace variables s_k = i omega_k of the kernels
s1, s2, s3 = sp.symbols("s1 s2 s3")
#: harmonic index m of the bispectrum line, n the split n + (m - n), psi the uniform phase
m_idx = sp.Symbol("m", positive=True, integer=True)
psi = sp.Symbol("psi", real=True)
omega_p = sp.Symbol("omega_p", positive=True)

PARAMS = (r, v, eta_bar, Delta, J, I_ext, tau)
#: state component (0: r, 1: v) behind each output (activity s = r + xi, rate r, voltage v)
COMP = (0, 0, 1)


def bilinear(a: sp.Matrix, b: sp.Matrix) -> sp.Matrix:
    """q_b(a, b)_k = (1/2) a^T Hess F_k b: the symmetric bilinear form of q (q(x, x) = q_b(x, x), eq. (93))."""
    return sp.Matrix([(a.T * Hk * b)[0, 0] / 2 for Hk in hessians()])


def _resolvent_apply(s: sp.Expr, y: sp.Matrix) -> sp.Matrix:
    """(s - A)^(-1) y."""
    return (s * sp.eye(2) - closed_loop_jacobian()).LUsolve(y)


@lru_cache(maxsize=None)
def first_order_kernel() -> sp.Matrix:
    """K1(s1) = H(s1) = (s1 - A)^(-1) B (eq. (94)) for (r, v)."""
    return transfer().subs(i_omega, s1)


@lru_cache(maxsize=None)
def second_order_kernel() -> sp.Matrix:
    """K2(s1, s2) = (s1 + s2 - A)^(-1) q_b(H(s1), H(s2)) for (r, v); symmetric in s1, s2."""
    H1, H2 = first_order_kernel(), first_order_kernel().subs(s1, s2)
    return _resolvent_apply(s1 + s2, bilinear(H1, H2))


@lru_cache(maxsize=None)
def third_order_kernel() -> sp.Matrix:
    """K3(s1, s2, s3), symmetrized: (1/3) sum over the singled-out argument of (S - A)^(-1) 2 q_b(H(s_i), K2(s_j, s_k))."""
    K2 = second_order_kernel()
    H = first_order_kernel()
    def k2(a, b):
        return K2.xreplace({s1: a, s2: b})

    def h(a):
        return H.xreplace({s1: a})

    S = s1 + s2 + s3
    total = bilinear(h(s1), k2(s2, s3)) + bilinear(h(s2), k2(s1, s3)) + bilinear(h(s3), k2(s1, s2))
    return _resolvent_apply(S, 2 * total / 3)


@lru_cache(maxsize=None)
def fixed_point_third_derivative() -> sp.Expr:
    """d^3 r0/d eps^3 for a constant input xi = eps (I -> I + J tau eps), implicit differentiation of the quartic."""
    P = fixed_point_quartic().as_expr().subs(I_ext, I_ext + J * tau * eps)
    rf = sp.Function("rf")(eps)
    Pf = P.subs(r, rf)
    d1s, d2s, d3s = sp.symbols("d1 d2 d3")
    e1 = sp.diff(Pf, eps)
    e2 = sp.diff(Pf, eps, 2)
    e3 = sp.diff(Pf, eps, 3)
    rep = lambda e: e.subs({sp.Derivative(rf, (eps, 3)): d3s}).subs({sp.Derivative(rf, (eps, 2)): d2s}) \
        .subs({sp.Derivative(rf, eps): d1s}).subs(rf, r).subs(eps, 0)
    d1 = sp.solve(rep(e1), d1s)[0]
    d2 = sp.solve(rep(e2).subs(d1s, d1), d2s)[0]
    d3 = sp.solve(rep(e3).subs({d1s: d1, d2s: d2}), d3s)[0]
    return d3


@lru_cache(maxsize=None)
def bispectrum_line_term() -> sp.Expr:
    """(1/N^2) f_m^3 p_f(f_m)/m with f_m = omega/(2 pi m): the weight of harmonic m of the bispectrum line
    sum (Lorentzian p_f of eq. (30), omega = omega_p > 0); p_f(f) = g(eta(f)) d eta/d f."""
    pf = frequency_density(lorentzian_g())
    return (f_sym**3 * pf / (N**2 * m_idx)).subs(f_sym, omega_p / (2 * sp.pi * m_idx))


def _sample_points():
    """Rational fixed points (r0, Delta, J, tau) with eta_bar chosen so that r0 is the fixed point."""
    from .second_order import drift

    F = drift()
    out = []
    for r0, D, Jv, tv in [(sp.Rational(3, 10), sp.Rational(1, 2), -1, 1), (sp.Rational(1, 4), sp.Rational(1, 5), -4, 1),
                          (sp.Rational(7, 10), sp.Rational(3, 20), 2, sp.Rational(3, 2))]:
        sub = {r: r0, Delta: D, J: Jv, tau: tv, I_ext: 0}
        v0 = fixed_point_v().subs(sub)
        eb = sp.solve(F[1].subs(sub).subs(v, v0), eta_bar)[0]
        out.append({**sub, v: v0, eta_bar: eb})
    return out


def _zero(e: sp.Expr) -> bool:
    """An exact expression (rational parameters, pi) is zero: |e| < 1e-45 evaluated with 60 digits."""
    return abs(sp.N(e, 60)) < 1e-45


def verify_kernels() -> dict[str, bool]:
    """Identity checks of the kernels and of the bispectrum weight.

    1. K2 is symmetric; K3 is symmetric under all permutations (checked at random rational s);
    2. K2(s, -s) at s = i omega equals :func:`second_order.kernel_on_diagonal` (eq. (96)) for both components;
    3. constant input: K1(0) = d r0/d eps, K2(0, 0) = (1/2) d^2 r0/d eps^2, K3(0, 0, 0) = (1/6) d^3 r0/d eps^3
       (implicit differentiation of the quartic, eq. (22)) at three rational fixed points;
    4. K2 is the second-order response of the ODE: with x1 = H xi, the kernel satisfies
       (s1 + s2 - A) K2 = q_b(H(s1), H(s2)) (the defining equation, checked exactly);
    5. phase average of three harmonics: <exp(i (n1 + n2 + n3) psi)>_psi = 1 if n1 + n2 + n3 = 0 else 0;
    6. the line weight: int p(f) f^3 2 pi delta(omega - 2 pi m f) df = f_m^3 p(f_m)/m for a generic p.
    """
    out = {}
    K2, K3, H = second_order_kernel(), third_order_kernel(), first_order_kernel()
    pts = _sample_points()
    sa, sb, sc = sp.Rational(1, 3) + sp.I / 2, sp.Rational(-2, 5) + sp.I, sp.Rational(1, 7) - 2 * sp.I
    p0 = pts[1]
    ev = lambda e, a, b, c=0: e.xreplace(p0).xreplace({s1: a, s2: b, s3: c})
    out["K2_symmetric"] = all(_zero(ev(K2[k], sa, sb) - ev(K2[k], sb, sa)) for k in range(2))
    out["K3_symmetric"] = all(_zero(ev(K3[k], sa, sb, sc) - ev(K3[k], sc, sa, sb))
                              and _zero(ev(K3[k], sa, sb, sc) - ev(K3[k], sb, sa, sc)) for k in range(2))
    # 2. diagonal against eq. (96) (r component; the v component through mean_shift()[1] likewise)
    from .second_order import C_rr, C_rv, C_vv, mean_shift

    wv = sp.Rational(7, 5)
    ok = True
    for p in pts:
        Hw = [h.xreplace(p).xreplace({i_omega: sp.I * wv}) for h in transfer()]
        Hr, Hv = sp.symbols("H_r H_v")
        diag_r = kernel_on_diagonal().subs({Hr: Hw[0], Hv: Hw[1]}).subs(p)
        sec = {C_rr: sp.re(Hw[0] * sp.conjugate(Hw[0])), C_vv: sp.re(Hw[1] * sp.conjugate(Hw[1])),
               C_rv: sp.re(Hw[0] * sp.conjugate(Hw[1]))}
        diag_v = mean_shift()[1].subs(sec).subs(p)
        k2d = [K2[k].subs(p).subs({s1: sp.I * wv, s2: -sp.I * wv}, simultaneous=True) for k in range(2)]
        ok = ok and _zero(k2d[0] - diag_r) and _zero(k2d[1] - diag_v) and not _zero(k2d[0])
    out["K2_diagonal_is_mean_shift_kernel"] = ok
    # 3. constant input
    d1 = -sp.diff(fixed_point_quartic().as_expr().subs(I_ext, I_ext + J * tau * eps), eps) / \
        sp.diff(fixed_point_quartic().as_expr().subs(I_ext, I_ext + J * tau * eps), r)
    d1 = d1.subs(eps, 0)
    d2, d3 = fixed_point_second_derivative(), fixed_point_third_derivative()
    ok = True
    for p in pts:
        z = {s1: 0, s2: 0, s3: 0}
        ok = ok and _zero(H[0].xreplace(z).xreplace(p) - d1.xreplace(p))
        ok = ok and _zero(K2[0].xreplace(z).xreplace(p) - d2.xreplace(p) / 2)
        ok = ok and _zero(K3[0].xreplace(z).xreplace(p) - d3.xreplace(p) / 6) and not _zero(d3.xreplace(p))
    out["constant_input_matches_fixed_point"] = ok
    # 4. defining equation
    lhs = ((s1 + s2) * sp.eye(2) - closed_loop_jacobian()) * K2 - bilinear(H, H.subs(s1, s2))
    out["K2_defining_equation"] = all(_zero(e.xreplace(p0).xreplace({s1: sa, s2: sb})) for e in lhs)
    # 5. phase average
    n1, n2, n3 = sp.symbols("n1 n2 n3", integer=True)
    avg = lambda a, b, c: sp.integrate(sp.exp(sp.I * (a + b + c) * psi), (psi, 0, 2 * sp.pi)) / (2 * sp.pi)
    out["phase_average"] = avg(2, -3, 1) == 1 and avg(1, 1, 1) == 0 and avg(-4, 1, 2) == 0
    # 6. line weight with a generic density P
    P = sp.Function("P")
    fm = omega_p / (2 * sp.pi * m_idx)
    # delta(omega - 2 pi m f) = delta(f - f_m)/(2 pi m)
    out["line_weight"] = sp.simplify(2 * sp.pi * fm**3 * P(fm) / (2 * sp.pi * m_idx) - fm**3 * P(fm) / m_idx) == 0
    return out


# ---------------------------------------------------------------- mpmath reference


@lru_cache(maxsize=None)
def _lambdified():
    args = (s1, s2, s3) + PARAMS
    K1 = sp.lambdify((s1,) + PARAMS, list(first_order_kernel()), modules="mpmath")
    K2 = sp.lambdify((s1, s2) + PARAMS, list(second_order_kernel()), modules="mpmath")
    K3 = sp.lambdify(args, list(third_order_kernel()), modules="mpmath")
    line = sp.lambdify((omega_p, m_idx, eta_bar, Delta, J, I_ext, tau, r, N), bispectrum_line_term(), modules="mpmath")
    return K1, K2, K3, line


def spectrum_mpmath(*, eta_bar: float, Delta: float, J: float, I: float = 0.0, tau: float = 1.0, N: float,
                    omega: float, r0: float, dps: int = 15, m_max: int = 60, n_max: int = 400,
                    harmonics: int = 12, components: tuple = ("gaussian_k2", "k1_k3", "bispectrum")) -> dict:
    """Readable reference of the O(1/N^2) spectral correction at one omega > 0 (mpmath quadrature and sums).

    Returns {component: {"activity": ..., "rate": ..., "voltage": ...}} for gaussian_k2, k1_k3 (and its parts
    k1_k3_mean_shift, k1_k3_mixing) and bispectrum, all floats (two-sided, angular frequency).  r0 must be the
    stable fixed point.  The integrals over omega' in R use mpmath.quad split at the features (multiples of the
    shot-noise peak, +-omega, the resonance and their shifts); the bispectrum sums run to m_max lines and
    |n| <= n_max (direct summation plus the 1/n^2 tail K2 ~ c/n^2 summed exactly); result["bispectrum_last_term"]
    is the size of the m = m_max term (the omitted lines m > m_max add about m_max/3 times it: terms decay as m^-4).
    ``harmonics``: shot-noise peaks used as breakpoints; ``components``: the subset to evaluate.
    """
    import mpmath

    from .shot_noise import closed_form_mpmath

    if not omega > 0:
        raise ParameterError(f"omega must be > 0, got {omega}")
    K1f, K2f, K3f, linef = _lambdified()
    with mpmath.workdps(int(dps)):
        p = [mpmath.mpf(x) for x in (eta_bar, Delta, J, I, tau)]
        rr = mpmath.mpf(r0)
        vv = -p[1] / (2 * mpmath.pi * p[4] * rr)
        P = (rr, vv, *p)
        eta_t = p[0] + p[3] + p[2] * p[4] * rr
        Nm = mpmath.mpf(N)
        w = mpmath.mpf(omega)

        def S(x):
            x = abs(x)
            return mpmath.mpf(0) if x == 0 else closed_form_mpmath(x, eta_t, p[1], p[4], Nm, dps=int(dps) + 25)

        j = lambda x: mpmath.mpc(0, x)
        wp = 2 * mpmath.sqrt(eta_t) / p[4]
        wres2 = 4 * mpmath.pi**2 * rr**2 - 2 * p[2] * rr / p[4]
        feats = [mpmath.mpf(0), w, -w] + [k * wp * sg for k in range(1, int(harmonics) + 1) for sg in (1, -1)]
        if wres2 > 0:
            feats += [mpmath.sqrt(wres2) * sg for sg in (1, -1)]
        pts = sorted({x + y for x in feats for y in (0, w, -w)})
        grid = [-mpmath.inf] + pts + [mpmath.inf]
        K1w = K1f(j(w), *P)
        K1s = [K1w[0] + 1, K1w[0], K1w[1]]
        out = {}
        res = {}
        # (a)
        ga = [] if "gaussian_k2" not in components else \
            [mpmath.quad(lambda x: abs(K2f(j(x), j(w - x), *P)[k]) ** 2 * S(x) * S(w - x), grid) / mpmath.pi
             for k in range(2)]
        if ga:
            out["gaussian_k2"] = [ga[0], ga[0], ga[1]]
        # mean shift <x2>
        x2 = [mpmath.mpf(0), mpmath.mpf(0)] if "k1_k3" not in components else \
            [mpmath.quad(lambda x: mpmath.re(K2f(j(x), j(-x), *P)[k]) * S(x), grid) / (2 * mpmath.pi) for k in range(2)]
        H = K1w
        Hess = [sp.lambdify(PARAMS, hk, modules="mpmath")(*P) for hk in hessians()]
        Amat = sp.lambdify(PARAMS, closed_loop_jacobian(), modules="mpmath")(*P)

        def qb(a, b):
            return [sum(Hess[k][i, jj] * a[i] * b[jj] for i in range(2) for jj in range(2)) / 2 for k in range(2)]

        M = mpmath.matrix([[j(w) - Amat[0, 0], -Amat[0, 1]], [-Amat[1, 0], j(w) - Amat[1, 1]]])
        ms = mpmath.lu_solve(M, mpmath.matrix([2 * c for c in qb(H, x2)]))
        Sw = S(w)
        mix = [] if "k1_k3" not in components else \
            [mpmath.quad(lambda x: 3 * K3f(j(w), j(x), j(-x), *P)[k] * S(x), grid) / (2 * mpmath.pi) for k in range(2)]

        def two_re(K, val):
            return 2 * mpmath.re(mpmath.conj(K) * val)

        if mix:
            tot = [two_re(K1s[i], mix[COMP[i]]) * Sw for i in range(3)]
            msh = [two_re(K1s[i], ms[COMP[i]]) * Sw for i in range(3)]
            out["k1_k3"] = tot
            out["k1_k3_mean_shift"] = msh
            out["k1_k3_mixing"] = [a - b for a, b in zip(tot, msh)]
        # (c) bispectrum line sums
        Bvec = list(sp.lambdify(PARAMS, noise_vector(), modules="mpmath")(*P))
        acc = [mpmath.mpc(0), mpmath.mpc(0)]
        last = mpmath.mpf(0)
        for m in range(1 if "bispectrum" in components else int(m_max) + 1, int(m_max) + 1):
            Om = w / m
            wt = linef(w, m, *p, rr, Nm)
            inner = [mpmath.mpc(0), mpmath.mpc(0)]
            for n in range(-int(n_max), int(n_max) + 1):
                if n == 0 or n == m:
                    continue
                k2 = K2f(j(n * Om), j((m - n) * Om), *P)
                inner = [inner[k] + k2[k] for k in range(2)]
            # tail |n| > n_max: K2 -> (iw - A)^(-1) q_b(B/(i n Om), B/(i (m-n) Om)) = c/(n (n - m)) + O(n^-3)
            cq = mpmath.lu_solve(M, mpmath.matrix(qb(Bvec, Bvec)))
            lo = int(n_max) + 1
            # sum_{n >= lo} 1/(n (n - m)) + sum_{n <= -lo} 1/(n (n - m)), by mpmath.nsum
            tail = mpmath.nsum(lambda n: 1 / (n * (n - m)), [lo, mpmath.inf]) + \
                mpmath.nsum(lambda n: 1 / (n * (n + m)), [lo, mpmath.inf])
            inner = [inner[k] + cq[k] * tail / Om**2 for k in range(2)]
            acc = [acc[k] + wt * inner[k] for k in range(2)]
            last = abs(wt * inner[0]) + abs(wt * inner[1])
        if "bispectrum" in components:
            out["bispectrum"] = [two_re(K1s[i], acc[COMP[i]]) for i in range(3)]
            res["bispectrum_last_term"] = float(last)
        for name, vals in out.items():
            res[name] = {"activity": float(vals[0]), "rate": float(vals[1]), "voltage": float(vals[2])}
        if "k1_k3" in components:
            res["mean_shift"] = {"rate": float(x2[0]), "voltage": float(x2[1])}
        return res
