"""The rational multi-pole family g_n and its exact reduced mass model (theory/THEORY.md eqs. (61)-(73)).

    g_n(eta) = n sin(pi/(2n)) / (pi Delta) / (1 + ((eta - eta_bar)/Delta)^(2n)),   n = 1, 2, 3, 4

is normalised, has half-width at half-maximum Delta for every n, and is the Lorentzian for n = 1.
It is rational, so the residue integration of the Lorentzian ansatz (Montbrio, Pazo & Roxin 2015)
closes exactly on its n poles in the lower half-plane,

    eta_k = eta_bar + Delta u_k,   u_k = exp(-i pi (2k - 1)/(2n)),   k = 1..n,

with the residue weights c_k = -2 pi i Res_{eta_k} g_n = i sin(pi/(2n)) u_k (sum_k c_k = 1):

    tau dw_k/dt = i (eta_k + I + J tau s - w_k^2),      pi tau r + i v = sum_k c_k w_k,

a system of n complex (2n real) equations; with w_k = pi tau r_k + i v_k, n = 1 is MPR exactly.
Everything else follows from the same poles and weights:

* partial fractions g_n = -(1/pi) Im sum_k c_k/(eta - eta_k) and the cdf
  G_n(eta) = 1 - (1/pi) Im sum_k c_k log(eta - eta_k);
* fixed points w_k = sqrt(eta_k + I + J tau r0) (principal root), pi tau r0 = Re sum_k c_k w_k;
* the open-loop susceptibilities, mode by mode (convention exp(-i omega t), dr = J G ds, dv = J G_v ds),
  G = (1/2 pi) sum_k [c_k/(omega tau + 2 w_k) + conj(c_k)/(2 conj(w_k) - omega tau)],
  G_v = (tau/2i) sum_k [c_k/(omega tau + 2 w_k) - conj(c_k)/(2 conj(w_k) - omega tau)];
* the shot-noise spectrum in closed form (partial fractions plus the Mittag-Leffler series of cot),
  S_xi = 2/(pi^2 tau^2 N omega) sum_k Im[conj(c_k) C_k h(z_k)],
  C_k = conj(eta_k) + I + J tau r0, z_k = omega tau/(2 sqrt(C_k)), h(z) = pi z cot(pi z) - 1 + pi^2 z^2/3
  (the pi^2 z^2/3 terms cancel in the sum because sum_k conj(c_k) C_k z_k^2 = (omega tau/2)^2 is real).

:func:`verify_multipole` checks each statement (weights from sympy's residues, normalisation, the
half-width, partial fractions, cdf, n = 1 = MPR, the linear response against the linearised
system, and the closed form against the harmonic sum term by term).
"""
from __future__ import annotations

from functools import lru_cache

import sympy as sp

from .lorentzian_ansatz import eta, mpr_model
from .shot_noise import inverse_omega_coefficient
from .symbols import PARAMETERS, Delta, I_ext, J, N, eta_bar, r, s, tau, v, xi

#: the orders of the family the package supports (n = 1 is the Lorentzian)
ORDERS = (1, 2, 3, 4)

x = sp.Symbol("x", real=True)  # an excitability eta (real axis)
omega_p = sp.Symbol("omega_p", positive=True)  # |omega| > 0
#: one mode's pole, weight and state (complex symbols, for the mode-by-mode kernels)
eta_k = sp.Symbol("eta_k")
c_k = sp.Symbol("c_k")
w_k = sp.Symbol("w_k")
C_k = sp.Symbol("C_k")


def _order(n) -> int:
    if n not in ORDERS:
        raise ValueError("the multi-pole order n must be one of %s, got %r" % (ORDERS, n))
    return int(n)


def normalisation(n: int) -> sp.Expr:
    """n sin(pi/(2n)) / (pi Delta): the prefactor of g_n."""
    n = _order(n)
    return n * sp.sin(sp.pi / (2 * n)) / (sp.pi * Delta)


def density(n: int, at: sp.Expr = x) -> sp.Expr:
    """g_n(at) = n sin(pi/(2n)) / (pi Delta) / (1 + ((at - eta_bar)/Delta)^(2n))."""
    return normalisation(n) / (1 + ((at - eta_bar) / Delta) ** (2 * _order(n)))


def unit_poles(n: int) -> list[sp.Expr]:
    """u_k = exp(-i pi (2k - 1)/(2n)), k = 1..n: the poles of g_n in the lower half-plane, (eta_k - eta_bar)/Delta."""
    n = _order(n)
    return [sp.exp(-sp.I * sp.pi * (2 * k - 1) / (2 * n)) for k in range(1, n + 1)]


def poles(n: int) -> list[sp.Expr]:
    """eta_k = eta_bar + Delta u_k (lower half-plane)."""
    return [eta_bar + Delta * u for u in unit_poles(n)]


def weights(n: int) -> list[sp.Expr]:
    """Residue weights c_k = i sin(pi/(2n)) u_k (the closed form; :func:`weights_by_residues` derives them)."""
    n = _order(n)
    return [sp.I * sp.sin(sp.pi / (2 * n)) * u for u in unit_poles(n)]


@lru_cache(maxsize=None)
def weights_by_residues(n: int) -> tuple:
    """c_k = -2 pi i Res_{eta = eta_k} g_n(eta), computed by sympy (Delta = 1, eta_bar = 0: the weights are
    dimensionless and independent of both)."""
    g = density(n).subs({Delta: 1, eta_bar: 0})
    return tuple(sp.simplify(-2 * sp.pi * sp.I * sp.residue(g, x, sp.expand_complex(u))) for u in unit_poles(n))


def partial_fractions(n: int, at: sp.Expr = x) -> sp.Expr:
    """-(1/pi) Im sum_k c_k/(at - eta_k): equals g_n on the real axis."""
    return -sp.im(sum(c / (at - p) for c, p in zip(weights(n), poles(n)))) / sp.pi


def cdf(n: int, at: sp.Expr = x) -> sp.Expr:
    """G_n(at) = 1 - (1/pi) Im sum_k c_k log(at - eta_k) (principal log; at - eta_k is in the upper half-plane)."""
    return 1 - sp.im(sum(c * sp.log(at - p) for c, p in zip(weights(n), poles(n)))) / sp.pi


# ----------------------------------------------------------------------------- the reduced model
def mode_rhs(w: sp.Expr = w_k, pole: sp.Expr = eta_k, drive: sp.Expr = s) -> sp.Expr:
    """dw_k/dt = i (eta_k + I + J tau s - w_k^2) / tau: the Lorentzian-ansatz mode at a (complex) pole."""
    return sp.I * (pole + I_ext + J * tau * drive - w**2) / tau


def mode_state(n: int) -> tuple:
    """State symbols (r_1, v_1, ..., r_n, v_n) with w_k = pi tau r_k + i v_k (n = 1: the MPR (r, v))."""
    n = _order(n)
    if n == 1:
        return (r, v)
    out = []
    for k in range(1, n + 1):
        out += [sp.Symbol("r%d" % k, real=True), sp.Symbol("v%d" % k, real=True)]
    return tuple(out)


def _modes(n: int) -> list[sp.Expr]:
    st = mode_state(n)
    return [sp.pi * tau * st[2 * k] + sp.I * st[2 * k + 1] for k in range(_order(n))]


def mean_field(n: int) -> tuple[sp.Expr, sp.Expr]:
    """(r, v) of the population: pi tau r + i v = sum_k c_k w_k, in the real state of :func:`mode_state`."""
    total = sp.expand(sum(c * w for c, w in zip(weights(n), _modes(n))))
    re, im = total.as_real_imag()
    return sp.simplify(re / (sp.pi * tau)), sp.simplify(im)


@lru_cache(maxsize=None)
def reduced_rhs(n: int, noise: bool = False) -> tuple:
    """d/dt of (r_1, v_1, ..., r_n, v_n) with s = r (the mean field), or s = r + xi when ``noise``."""
    rate, _ = mean_field(n)
    drive = rate + xi if noise else rate
    out = []
    for w, p in zip(_modes(n), poles(n)):
        d = sp.expand(mode_rhs(w, p, drive))
        re, im = d.as_real_imag()
        out += [sp.simplify(re / (sp.pi * tau)), sp.simplify(im)]
    return tuple(out)


@lru_cache(maxsize=None)
def reduced_jacobian(n: int) -> sp.Matrix:
    """Jacobian of :func:`reduced_rhs` (2n x 2n, real state)."""
    return sp.Matrix(reduced_rhs(n)).jacobian(sp.Matrix(mode_state(n)))


def noise_coefficients(n: int) -> tuple:
    """d(rhs)/d xi: the shot noise J xi enters every v_k equation with weight J (s = r + xi is common input)."""
    return tuple(sp.simplify(sp.diff(f, xi)) for f in reduced_rhs(n, noise=True))


# ----------------------------------------------------------------------------- fixed point, response, shot noise
def mode_fixed_point(pole: sp.Expr = eta_k) -> sp.Expr:
    """w_k = sqrt(eta_k + I + J tau r0) (principal root: Re w_k > 0, Im w_k < 0 for Im eta_k < 0)."""
    return sp.sqrt(pole + I_ext + J * tau * r)


def rate_equation(n: int) -> sp.Expr:
    """pi tau r0 - Re sum_k c_k sqrt(eta_k + I + J tau r0): zero at the fixed points."""
    return sp.pi * tau * r - sp.re(sum(c * mode_fixed_point(p) for c, p in zip(weights(n), poles(n))))


@lru_cache(maxsize=None)
def mode_susceptibilities() -> tuple[sp.Expr, sp.Expr]:
    """One mode's contributions (G_k, G_vk) to G and G_v, derived from the linearised mode equation.

    tau i omega dw = i (du - 2 w dw) and its conjugate (u = J tau ds real): Re/Im of c_k dw_k give
    G_k = (1/2 pi) [c/(omega tau + 2 w) + conj(c)/(2 conj(w) - omega tau)],
    G_vk = (tau/2i) [c/(omega tau + 2 w) - conj(c)/(2 conj(w) - omega tau)].
    """
    om = sp.Symbol("omega", real=True)
    dw, dwc = sp.symbols("dw dwc")
    cc, wc = sp.symbols("c_conj w_conj")
    # the mode and its complex conjugate, linearised around w (resp. conj w), at one frequency
    lin = sp.diff(mode_rhs(w_k, eta_k, s), w_k)  # d(dw/dt)/dw
    lin_u = sp.diff(mode_rhs(w_k, eta_k, s), s) / (J * tau)  # per unit additive input u
    sol = sp.solve(sp.I * om * dw - lin * dw - lin_u, dw)[0]
    sol_c = sp.solve(sp.I * om * dwc - sp.conjugate(lin).subs(sp.conjugate(w_k), wc) * dwc
                     - sp.conjugate(lin_u), dwc)[0]
    # FT of conj(dw)(t) at omega is conj(dw(-omega)): sol_c already solves the conjugate equation at omega
    re_part = (c_k * sol + cc * sol_c) / 2  # Re(c dw)
    im_part = (c_k * sol - cc * sol_c) / (2 * sp.I)  # Im(c dw)
    G = sp.simplify(J * tau * re_part / (sp.pi * tau) / J)  # dr = Re(c dw)/(pi tau), du = J tau ds
    Gv = sp.simplify(J * tau * im_part / J)
    conj = {cc: sp.conjugate(c_k), wc: sp.conjugate(w_k)}
    return sp.simplify(G.xreplace(conj)), sp.simplify(Gv.xreplace(conj))


def mode_shot_term(helper: sp.Expr | None = None) -> sp.Expr:
    """2/(pi^2 tau^2 N omega) Im[conj(c_k) C_k h(z_k)]: one pole's share of S_xi (``helper`` = C h(z))."""
    zz = omega_p * tau / (2 * sp.sqrt(C_k))
    h = sp.pi * zz * sp.cot(sp.pi * zz) - 1 + sp.pi**2 * zz**2 / 3
    ch = C_k * h if helper is None else helper
    return 2 / (sp.pi**2 * tau**2 * N * omega_p) * sp.im(sp.conjugate(c_k) * ch)


def conjugate_drive(pole: sp.Expr = eta_k) -> sp.Expr:
    """C_k = conj(eta_k) + I + J tau r0 (upper half-plane, like the Lorentzian c = eta_t + i Delta)."""
    return sp.conjugate(pole) + I_ext + J * tau * r


def mode_high_frequency_term() -> sp.Expr:
    """One pole's share of s_inf in S_xi -> s_inf (omega -> oo): Re(conj(c_k) sqrt(C_k))/(pi tau N), the limit of
    :func:`mode_shot_term` with cot(pi z) -> i (Im z < 0) and the real pi^2 z^2/3 part dropped (it cancels in
    the sum over poles); the shares add up to r0/N at the fixed point."""
    zz = omega_p * tau / (2 * sp.sqrt(C_k))
    big = 2 / (sp.pi**2 * tau**2 * N * omega_p) * sp.im(sp.conjugate(c_k) * C_k * sp.I * sp.pi * zz)
    return sp.simplify(sp.re(sp.expand(big)))


def mode_inverse_omega_term() -> sp.Expr:
    """One pole's share of a in S_xi = r0/N - a/|omega| + (exp. small): (2/(pi^2 tau^2 N)) Im(conj(c_k) C_k)
    (the "-1" of h(z) with cot -> i; the sum over poles vanishes for n >= 2 since sum_k c_k u_k = 0 there)."""
    return 2 / (sp.pi**2 * tau**2 * N) * sp.im(sp.conjugate(c_k) * C_k)


# ----------------------------------------------------------------------------- verification
def _harmonic_term(n: int, order: int) -> sp.Expr:
    """The order-th term of the harmonic sum (1/N)(1/m) f_m^2 p_f(f_m) for g_n (theory.shot_noise)."""
    from .shot_noise import harmonic_term, n as m_sym, w as w_sym

    g = density(n, eta)
    return harmonic_term(g).subs({m_sym: order, w_sym: omega_p})


@lru_cache(maxsize=None)
def verify_multipole(n: int) -> dict[str, bool]:
    """Symbolic checks of the family and its reduced model for order n (exact or at 30-digit points)."""
    n = _order(n)
    out = {}
    u = sp.Symbol("u", real=True)
    unit = sp.integrate(1 / (1 + u ** (2 * n)), (u, -sp.oo, sp.oo))
    out["normalised"] = sp.simplify(unit * normalisation(n) * Delta - 1) == 0
    out["half_width"] = sp.simplify(density(n, eta_bar + Delta) - density(n, eta_bar) / 2) == 0
    cw = weights(n)
    out["weights_are_residues"] = all(sp.simplify(sp.expand_complex(a - b)) == 0
                                      for a, b in zip(cw, weights_by_residues(n)))
    out["weights_sum_to_one"] = sp.simplify(sp.expand_complex(sum(cw))) == 1
    out["poles_lower_half_plane"] = all(sp.im(sp.expand_complex(p)).subs(Delta, 1) < 0 for p in unit_poles(n))
    pts = {eta_bar: sp.Rational(3, 10), Delta: sp.Rational(7, 10)}
    xs = [sp.Rational(k, 7) for k in range(-9, 10, 3)]
    out["partial_fractions"] = all(abs(sp.N((partial_fractions(n, q) - density(n, q)).subs(pts), 30)) < 1e-25
                                   for q in xs)
    G = cdf(n)
    out["cdf_derivative"] = all(abs(sp.N((sp.diff(G, x) - density(n)).subs(pts).subs(x, q), 30)) < 1e-25
                                for q in xs)
    out["cdf_limits"] = (abs(sp.N(G.subs(pts).subs(x, -10**12), 30)) < 1e-10
                         and abs(sp.N(G.subs(pts).subs(x, 10**12), 30) - 1) < 1e-10
                         and abs(sp.N(G.subs(pts).subs(x, pts[eta_bar]), 30) - sp.Rational(1, 2)) < 1e-25)
    if n == 1:
        m = mpr_model()
        out["n1_is_mpr"] = all(sp.simplify(a - b) == 0 for a, b in zip(reduced_rhs(1), m.rhs))
    # the reduced model's fixed point: w_k^2 = eta_k + I + J tau r0 solves every mode equation
    out["mode_fixed_point"] = sp.simplify(mode_rhs(mode_fixed_point(), eta_k, r)) == 0
    # linear response: the mode formula equals the transfer function of the linearised real system
    out["response_matches_linearisation"] = _response_check(n)
    # the 1/omega coefficient: the Lorentzian's 2 Delta/(pi^2 tau^2 N) for n = 1, zero for n >= 2
    a_sum = sum(mode_inverse_omega_term().subs({c_k: c, C_k: conjugate_drive(p)}) for c, p in zip(cw, poles(n)))
    a_ref = inverse_omega_coefficient() if n == 1 else 0
    at = {Delta: sp.Rational(7, 10), eta_bar: sp.Rational(3, 10), I_ext: sp.Rational(1, 5), J: -1, tau: 2, N: 10,
          r: sp.Rational(1, 3)}
    out["inverse_omega_coefficient"] = abs(sp.N((a_sum - a_ref).subs(at), 30)) < 1e-25
    # the high-frequency limit: the shares Re(conj(c_k) sqrt(C_k))/(pi tau N) add up to r0/N at the fixed point
    r0n = float(mpmath_rate(n))
    at2 = {eta_bar: 1.0, Delta: 0.3, I_ext: 0.2, J: -2.0, tau: 1.3, N: 10, r: r0n}
    s_inf = sum(mode_high_frequency_term().subs({c_k: c, C_k: conjugate_drive(p)}) for c, p in zip(cw, poles(n)))
    out["high_frequency_limit"] = abs(complex(sp.N(s_inf.subs(at2), 30)) - r0n / 10) < 1e-12 * r0n
    # closed form vs harmonic sum: the m-th term of sum_k Im[conj(c_k) ...] partial fractions equals g_n's term
    out["shot_partial_fractions"] = _shot_term_check(n)
    return out


def mpmath_rate(n: int):
    """The fixed-point rate at eta_bar = 1, Delta = 0.3, J = -2, I = 0.2, tau = 1.3 (the checks' test point)."""
    import mpmath

    vals = {eta_bar: 1.0, Delta: 0.3, J: -2.0, I_ext: 0.2, tau: 1.3}
    return mpmath.findroot(sp.lambdify(r, rate_equation(n).subs(vals), "mpmath"), 0.3)


def _response_check(n: int) -> bool:
    """G and G_v from the mode formula vs e_r^T (i omega - A)^-1 b of the real 2n system, at a stable point."""
    import mpmath

    vals = {eta_bar: 1.0, Delta: 0.3, J: -2.0, I_ext: 0.2, tau: 1.3}
    p = [complex(sp.N(q.subs(vals))) for q in poles(n)]
    cw = [complex(sp.N(q)) for q in weights(n)]
    r0 = float(mpmath_rate(n))
    ws = [complex(mpmath.sqrt(q + vals[I_ext] + vals[J] * vals[tau] * r0)) for q in p]
    st = mode_state(n)
    sub = dict(vals)
    for k, wv in enumerate(ws):
        sub[st[2 * k]] = wv.real / (sp.pi * vals[tau])
        sub[st[2 * k + 1]] = wv.imag
    num = lambda e: mpmath.mpf(float(sp.N(e.subs(sub))))
    A = mpmath.matrix([[num(e) for e in row] for row in reduced_jacobian(n).tolist()])
    b = mpmath.matrix([num(e) for e in noise_coefficients(n)])  # per unit of xi = ds
    rate, volt = mean_field(n)
    er = [num(sp.diff(rate, q)) for q in st]
    ev = [num(sp.diff(volt, q)) for q in st]
    Gk, Gvk = mode_susceptibilities()
    om = sp.Symbol("omega", real=True)
    A_open = A - b * mpmath.matrix([er])  # s = r + xi: the closed-loop Jacobian is A_open + b er^T
    for wv in (0.37, 1.9):
        T = mpmath.lu_solve(1j * wv * mpmath.eye(2 * n) - A_open, b)  # open loop: d state = T ds, dr = J G ds
        G_lin = complex(sum(e * t for e, t in zip(er, T)) / vals[J])
        Gv_lin = complex(sum(e * t for e, t in zip(ev, T)) / vals[J])
        G_mode = sum(complex(sp.N(Gk.subs({om: wv, c_k: c, w_k: q, tau: vals[tau]}))) for c, q in zip(cw, ws))
        Gv_mode = sum(complex(sp.N(Gvk.subs({om: wv, c_k: c, w_k: q, tau: vals[tau]}))) for c, q in zip(cw, ws))
        if abs(G_lin - G_mode) > 1e-10 * abs(G_lin) or abs(Gv_lin - Gv_mode) > 1e-10 * abs(Gv_lin):
            return False
    return True


def _shot_term_check(n: int) -> bool:
    """The harmonic term of g_n equals sum_k of the Lorentzian-like resolvent terms that the closed form sums
    (at 30-digit points): (1/N)(1/m) f^2 p_f(f) = -(1/pi) Im sum_k c_k T(eta_k), T the resolvent term."""
    vals = {eta_bar: sp.Rational(1, 2), Delta: sp.Rational(3, 10), J: -1, I_ext: sp.Rational(1, 5),
            tau: sp.Rational(6, 5), N: 100, r: sp.Rational(1, 4), omega_p: sp.Rational(17, 10)}
    for order in (1, 2, 5):
        lhs = _harmonic_term(n, order).subs(vals)
        fm = omega_p / (2 * sp.pi * order)
        res = 0
        for c, p in zip(weights(n), poles(n)):
            # p_f(f) = 2 (pi tau)^2 f g(eta(f)), g = -(1/pi) Im sum c/(eta - eta_k)
            term = fm**2 * 2 * (sp.pi * tau) ** 2 * fm * c / ((sp.pi * tau * fm) ** 2 - I_ext - J * tau * r - p)
            res += term / (N * order)
        rhs = -sp.im(sp.expand_complex(res.subs(vals))) / sp.pi
        if abs(sp.N(lhs - rhs, 30)) > 1e-25 * abs(sp.N(lhs, 30)):
            return False
    return True


def closed_form_mpmath(omega, *, n: int, eta_bar_value, Delta_value, J_value, I_value, tau_value, N_value, r0,
                       dps: int = 40):
    """S_xi of g_n by the closed form, in dps-digit mpmath (the reference for the compiled kernel)."""
    import mpmath

    with mpmath.workdps(dps):
        wv = mpmath.mpf(abs(omega))
        tv = mpmath.mpf(tau_value)
        total = mpmath.mpf(0)
        for k in range(1, n + 1):
            u = mpmath.exp(-1j * mpmath.pi * (2 * k - 1) / (2 * n))
            c = 1j * mpmath.sin(mpmath.pi / (2 * n)) * u
            Ck = mpmath.conj(eta_bar_value + Delta_value * u) + I_value + J_value * tv * r0
            z = wv * tv / (2 * mpmath.sqrt(Ck))
            h = mpmath.pi * z * mpmath.cot(mpmath.pi * z) - 1 + mpmath.pi**2 * z**2 / 3
            total += mpmath.im(mpmath.conj(c) * Ck * h)
        return +(2 / (mpmath.pi**2 * tv**2 * N_value * wv) * total)


def harmonic_sum_mpmath(omega, *, n: int, eta_bar_value, Delta_value, J_value, I_value, tau_value, N_value, r0,
                        dps: int = 30):
    """S_xi of g_n by the harmonic sum (1/N) sum_m (1/m) f_m^2 p_f(f_m) with mpmath.nsum (independent reference)."""
    import mpmath

    with mpmath.workdps(dps):
        wv, tv = mpmath.mpf(abs(omega)), mpmath.mpf(tau_value)
        A = n * mpmath.sin(mpmath.pi / (2 * n)) / (mpmath.pi * Delta_value)

        def g(e):
            return A / (1 + ((e - eta_bar_value) / Delta_value) ** (2 * n))

        def term(m):
            fm = wv / (2 * mpmath.pi * m)
            return fm**2 * 2 * (mpmath.pi * tv) ** 2 * fm * g((mpmath.pi * tv * fm) ** 2 - I_value - J_value * tv * r0) / m
        return +(mpmath.nsum(term, [1, mpmath.inf]) / N_value)


def reduced_model_symbols() -> tuple:
    """The model parameters in kernel order (eta_bar, Delta, J, I, tau), as for MPR."""
    return PARAMETERS
