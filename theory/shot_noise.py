"""Shot-noise spectrum of a finite QIF population (theory/THEORY.md eqs. (27)-(40)).

For finite N the activity is s = r + xi.  In the asynchronous state every
firing neuron is periodic with frequency f(eta) = sqrt(eta + I + J tau r0)/(pi tau),
so xi is a sum of N periodic spike trains with independent phases.  A train of
rate f has lines of weight f^2 at omega = 2 pi n f (n != 0); averaging over the
excitability density g gives the harmonic sum (two-sided, angular frequency)

    S_xi(omega) = (1/N) sum_{n>=1} (1/n) f_n^2 p_f(f_n),   f_n = |omega| / (2 pi n),

valid for any g, with p_f the density of firing frequencies.  For the
Lorentzian the Mittag-Leffler expansion pi z cot(pi z) - 1 = sum_n 2 z^2/(z^2 - n^2)
gives the closed form

    S_xi(omega) = 2 / (pi^2 tau^2 N omega) Im[c (pi z cot(pi z) - 1)],
    c = eta_t + i Delta,  z = omega tau / (2 sqrt(c)),  eta_t = eta_bar + I + J tau r0.

Every step of that derivation is checked here (:func:`verify_closed_form`).
"""
from __future__ import annotations

from functools import lru_cache

import sympy as sp

from .lorentzian_ansatz import eta, lorentzian_g
from .symbols import Delta, I_ext, J, N, eta_bar, r, tau

f = sp.Symbol("f", positive=True)
n = sp.Symbol("n", positive=True, integer=True)
z = sp.Symbol("z")
c = sp.Symbol("c")
w = sp.Symbol("omega_p", positive=True)  # |omega| > 0
#: effective drive eta_t = eta_bar + I + J tau r0 of the Lorentzian centre
eta_t = sp.Symbol("eta_t", real=True)


def lorentzian_c(e_t: sp.Expr = eta_t) -> sp.Expr:
    """c = eta_t + i Delta: the complex drive at the Lorentzian pole (the one definition of c)."""
    return e_t + sp.I * Delta


def mode_z(cc: sp.Expr | None = None, sqrt_c: sp.Expr | None = None) -> sp.Expr:
    """z = omega tau / (2 sqrt(c)) (principal root; omega = omega_p > 0): the one definition of z.

    ``sqrt_c`` gives the root directly (e.g. a + i b) instead of sqrt(cc)."""
    if sqrt_c is None:
        sqrt_c = sp.sqrt(lorentzian_c() if cc is None else cc)
    return w * tau / (2 * sqrt_c)


a_drive = sp.Symbol("a", nonnegative=True)


def frequency_of_drive() -> sp.Expr:
    """f(a) = sqrt(a)/(pi tau) for a neuron with constant drive a = eta + I + J tau r0 >= 0."""
    return firing_frequency().subs(eta, a_drive - I_ext - J * tau * r)


def effective_drive(e: sp.Expr = eta) -> sp.Expr:
    """eta + I + J tau r0: the constant drive of a neuron with excitability eta."""
    return e + I_ext + J * tau * r


def firing_frequency(e: sp.Expr = eta) -> sp.Expr:
    """f(eta) = sqrt(eta + I + J tau r0) / (pi tau) (period of tau dV/dt = V^2 + a is pi tau / sqrt(a))."""
    return sp.sqrt(effective_drive(e)) / (sp.pi * tau)


@lru_cache(maxsize=None)
def eta_of_frequency() -> sp.Expr:
    """Inverse of :func:`firing_frequency`: eta(f) = (pi tau f)^2 - I - J tau r0."""
    sol = sp.solve(sp.Eq(firing_frequency(), f), eta)
    assert len(sol) == 1
    return sp.expand(sol[0])


def frequency_density(g: sp.Expr) -> sp.Expr:
    """p_f(f) = g(eta(f)) d eta / d f for a density g(eta) (an expression in ``eta``)."""
    e = eta_of_frequency()
    return g.subs(eta, e) * sp.diff(e, f)


def harmonic_term(g: sp.Expr) -> sp.Expr:
    """n-th term (1/N)(1/n) f_n^2 p_f(f_n), f_n = omega / (2 pi n), omega > 0."""
    return (f**2 * frequency_density(g) / (N * n)).subs(f, w / (2 * sp.pi * n))


def line_weight_check() -> sp.Expr:
    """Power of a periodic delta train at its n-th line: |c_n|^2 with c_n = f (Fourier coefficient).

    For a train of period P = 1/f, the Fourier coefficients are c_n = (1/P) = f, so
    the autocorrelation has lines f^2 exp(i 2 pi n f t); in the two-sided angular
    convention each line is 2 pi f^2 delta(omega - 2 pi n f).  Returned: the
    density obtained by averaging a line at 2 pi n f over p_f, i.e.
    int 2 pi f^2 p_f(f) delta(omega - 2 pi n f) df = (1/n) f_n^2 p_f(f_n) (here f_n
    is the root); returned as an expression in f_n for a generic p_f = P(f).
    """
    P = sp.Function("P")
    fn = w / (2 * sp.pi * n)
    # delta(omega - 2 pi n f) = delta(f - f_n) / (2 pi n)
    return sp.simplify(2 * sp.pi * fn**2 * P(fn) / (2 * sp.pi * n))


@lru_cache(maxsize=None)
def lorentzian_term_in_z() -> sp.Expr:
    """The Lorentzian harmonic term rewritten as Im of (tau^2 omega^3/(4 pi^2 N n^2)) / (c (z^2 - n^2))."""
    return tau**2 * w**3 / (4 * sp.pi**2 * N * n**2) / (c * (z**2 - n**2))


def mittag_leffler_series_coefficients(kmax: int = 12) -> list[sp.Expr]:
    """Differences between the Taylor coefficients of pi z cot(pi z) - 1 and of
    sum_n 2 z^2/(z^2 - n^2) = -2 sum_k zeta(2k) z^(2k); all must be 0."""
    lhs = sp.series(sp.pi * z * sp.cot(sp.pi * z) - 1, z, 0, 2 * kmax + 1).removeO()
    return [sp.simplify(lhs.coeff(z, 2 * j) + 2 * sp.zeta(2 * j)) for j in range(1, kmax + 1)]


@lru_cache(maxsize=None)
def lorentzian_closed_form() -> sp.Expr:
    """S_xi(omega) for the Lorentzian: 2/(pi^2 tau^2 N omega) Im[c (pi z cot(pi z) - 1)].

    Returned with c, z substituted (c = eta_t + i Delta, z = omega tau/(2 sqrt c)),
    as a sympy expression in omega_p (= |omega| > 0), eta_t, Delta, tau, N.
    """
    cc, zz = lorentzian_c(), mode_z()
    return 2 / (sp.pi**2 * tau**2 * N * w) * sp.im(cc * (sp.pi * zz * sp.cot(sp.pi * zz) - 1))


def closed_form_kernel_parts() -> dict:
    """Pieces for the compiled kernel: c, z and the prefactor of Im[c (pi z cot pi z - 1)]."""
    return {"c": lorentzian_c(), "z": mode_z(), "prefactor": 2 / (sp.pi**2 * tau**2 * N * w),
            "eta_t": effective_drive(eta_bar)}


def verify_closed_form() -> dict[str, bool]:
    """Check each step of the closed-form derivation symbolically.

    1. the Lorentzian harmonic term equals Im of :func:`lorentzian_term_in_z`
       (checked in exact arithmetic with g = (1/pi) Im 1/(eta - eta_bar - i Delta));
    2. partial fractions 1/(n^2 (z^2-n^2)) = (1/z^2)(1/(z^2-n^2) + 1/n^2), the 1/n^2
       part summing to a real number (pi^2/6 times a real factor), so Im drops it;
    3. c z^2 = (omega tau)^2 / 4 is real;
    4. Mittag-Leffler: Taylor coefficients agree (to order z^24);
    5. the assembled prefactor: (tau^2 w^3/(4 pi^2 N)) (4/(w tau)^2) (1/(2 z^2)) c z^2 ... = closed form.
    """
    out = {}
    # 1. term vs complex form, with g written through its complex resolvent
    term = harmonic_term(lorentzian_g())
    x_sym = sp.Symbol("X", real=True)
    g_complex = sp.im(1 / (x_sym - eta_bar - sp.I * Delta)) / sp.pi
    out["lorentzian_is_im_resolvent"] = sp.simplify(g_complex - lorentzian_g().subs(eta, x_sym)) == 0
    cc = lorentzian_c(effective_drive(eta_bar))
    zz2 = mode_z(cc) ** 2
    complex_term = lorentzian_term_in_z().subs({c: cc, z**2: zz2})
    resolvent_form = (f**2 * 2 * sp.pi**2 * tau**2 * f / (N * n) / sp.pi
                      / ((sp.pi * tau * f) ** 2 - cc)).subs(f, w / (2 * sp.pi * n))
    out["term_complex_form"] = sp.simplify(sp.expand(complex_term - resolvent_form)) == 0
    # the real term is Im of the resolvent form: check via the real and imaginary parts
    re_part, im_part = sp.expand_complex(resolvent_form).as_real_imag()
    out["term_is_im"] = sp.simplify(im_part - term) == 0
    # 2. partial fractions
    out["partial_fractions"] = sp.simplify(1 / (n**2 * (z**2 - n**2)) - (1 / (z**2 - n**2) + 1 / n**2) / z**2) == 0
    out["sum_inverse_squares"] = sp.summation(1 / n**2, (n, 1, sp.oo)) == sp.pi**2 / 6
    # 3. c z^2 real
    out["c_z2_real"] = sp.simplify(cc * zz2 - (w * tau) ** 2 / 4) == 0
    # 4. Mittag-Leffler
    out["mittag_leffler"] = all(d == 0 for d in mittag_leffler_series_coefficients())
    # 5. assembly: S = Im[ sum_n term ] = (tau^2 w^3/(4 pi^2 N)) (1/(c z^2)) Im sum 1/(z^2-n^2)
    #    and sum 1/(z^2-n^2) = (pi z cot(pi z) - 1)/(2 z^2)
    Z2 = sp.Symbol("Z2")
    assembled = tau**2 * w**3 / (4 * sp.pi**2 * N) / (c * Z2) * (sp.Symbol("F") / (2 * Z2))
    target = 2 / (sp.pi**2 * tau**2 * N * w) * c * sp.Symbol("F")
    out["assembly"] = sp.simplify(assembled.subs(Z2, (w * tau) ** 2 / (4 * c)) - target) == 0
    return out


def high_frequency_limit() -> sp.Expr:
    """omega -> inf: cot(pi z) -> +i (Im z < 0), so S_xi -> Re sqrt(c) / (pi tau N) = r0 / N.

    With sqrt(c) = a + i b (a = pi tau r0 > 0 at the MPR fixed point), returns
    lim_{omega -> inf} of the closed form with cot replaced by i; equals a/(pi tau N).
    """
    a, b = sp.symbols("a b", real=True)
    sc = a + sp.I * b
    zz = mode_z(sqrt_c=sc)
    asym = 2 / (sp.pi**2 * tau**2 * N * w) * sp.im(sp.expand(sc**2 * (sp.pi * zz * sp.I - 1)))
    return sp.limit(sp.simplify(asym), w, sp.oo)


def high_frequency_limit_of_c() -> sp.Expr:
    """s_inf = Re sqrt(c) / (pi tau N) for a complex symbol c (principal root).

    :func:`high_frequency_limit` with a = Re sqrt(c); equals r0/N at the MPR fixed
    point, where pi tau r0 = Re sqrt(eta_t + i Delta).
    """
    a = sp.Symbol("a", real=True)
    # UnevaluatedExpr keeps Re sqrt(c) as written (sympy would rewrite it in polar form)
    return high_frequency_limit().xreplace({a: sp.re(sp.UnevaluatedExpr(sp.sqrt(c)))})


def shot_peak_frequency() -> sp.Expr:
    """omega_peak = 2 pi f(eta_t) = 2 sqrt(eta_t)/tau: the first shot-noise peak (angular frequency)."""
    return 2 * sp.pi * frequency_of_drive().subs(a_drive, eta_t)


def inverse_omega_coefficient() -> sp.Expr:
    """a in S_xi = r0/N - a/omega + (exponentially small): the "-1" term of the closed form,
    2/(pi^2 tau^2 N omega) Im(-c) = -2 Delta/(pi^2 tau^2 N omega), so a = 2 Delta/(pi^2 tau^2 N)."""
    parts = closed_form_kernel_parts()
    return sp.simplify(-parts["prefactor"] * sp.im(-parts["c"]) * w)


def low_frequency_coefficient() -> sp.Expr:
    """A in S_xi ~ A omega^3 as omega -> 0: pi^2 tau^2 Delta / (360 N (eta_t^2 + Delta^2))."""
    cc, zz = lorentzian_c(), mode_z()
    lead = sp.series(sp.pi * z * sp.cot(sp.pi * z) - 1, z, 0, 6).removeO()
    s_low = 2 / (sp.pi**2 * tau**2 * N * w) * sp.im(sp.expand(cc * lead.subs(z, zz)))
    return sp.simplify(sp.expand_complex(s_low / w**3))


def mittag_leffler_zeta_coefficients(kmax: int) -> list[sp.Expr]:
    """zeta(2k) for k = 2..kmax (exact), for the small-|z| series of the regularised
    h(z) = pi z cot(pi z) - 1 + pi^2 z^2/3 = -2 sum_{k>=2} zeta(2k) z^(2k)."""
    return [sp.zeta(2 * j) for j in range(2, kmax + 1)]


@lru_cache(maxsize=None)
def _closed_form_mp():
    return sp.lambdify((w, eta_t, Delta, tau, N), lorentzian_closed_form(), modules="mpmath", cse=True)


def closed_form_mpmath(omega, eta_t, Delta, tau=1, N=1, dps: int = 30):
    """The Lorentzian closed form evaluated in ``dps``-digit mpmath arithmetic (an ``mpf``).

    lambdify of :func:`lorentzian_closed_form` (modules='mpmath'); omega is used as
    |omega| (> 0).  Two-sided, angular frequency.  The formula cancels up to ~25
    digits at small omega, so use dps >= 40 there.
    """
    import mpmath

    with mpmath.workdps(dps):
        args = [mpmath.mpf(abs(omega)) if not isinstance(omega, mpmath.mpf) else abs(omega)]
        args += [mpmath.mpf(x) if not isinstance(x, mpmath.mpf) else x for x in (eta_t, Delta, tau, N)]
        return +_closed_form_mp()(*args)
