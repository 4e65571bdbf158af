"""Symbolic derivation of the shot-noise spectrum, verified step by step and against mpmath."""
import mpmath
import pytest
import sympy as sp

from shotnoise.theory import shot_noise as sn
from shotnoise.theory.symbols import Delta, N, tau


def test_every_derivation_step_holds():
    checks = sn.verify_closed_form()
    assert checks and all(checks.values()), checks


def test_frequency_map_inverts():
    assert sp.simplify(sn.firing_frequency(sn.eta_of_frequency()) - sn.f) == 0


def test_line_weight_of_periodic_train():
    P = sp.Function("P")
    fn = sn.w / (2 * sp.pi * sn.n)
    assert sp.simplify(sn.line_weight_check() - fn**2 * P(fn) / sn.n) == 0


def test_high_frequency_limit_is_rate_over_N():
    a = sp.Symbol("a", real=True)
    assert sp.simplify(sn.high_frequency_limit() - a / (sp.pi * N * tau)) == 0
    # the kernel form Re sqrt(c)/(pi tau N) is the limit of the closed form at large omega (mpmath)
    s_inf = sp.lambdify((sn.c, tau, N), sn.high_frequency_limit_of_c(), "mpmath")
    with mpmath.workdps(40):
        big = sn.closed_form_mpmath(mpmath.mpf(10) ** 6, 0.7, 0.3, 1.3, 10, dps=40)
        a_inv = 2 * mpmath.mpf(0.3) / (mpmath.pi**2 * mpmath.mpf(1.3) ** 2 * 10)  # the -a/omega term
        assert abs(big + a_inv / 10**6 - s_inf(mpmath.mpc(0.7, 0.3), mpmath.mpf(1.3), 10)) < mpmath.mpf(10) ** -30


def test_c_and_z_are_defined_once():
    assert sn.closed_form_kernel_parts()["c"] == sn.lorentzian_c()
    assert sp.simplify(sn.mode_z() ** 2 * sn.lorentzian_c() - (sn.w * tau / 2) ** 2) == 0
    assert sp.simplify(sn.shot_peak_frequency() - 2 * sp.sqrt(sn.eta_t) / tau) == 0


def test_low_frequency_cubic_coefficient_matches_closed_form():
    A = sn.low_frequency_coefficient()
    vals = {sn.eta_t: 0.7, Delta: 0.3, tau: 1.3, N: 10}
    with mpmath.workdps(60):
        w = mpmath.mpf("1e-5")
        num = _mp_closed(w, 0.7, 0.3, 1.3, 10) / w**3
    assert abs(float(num) / float(A.subs(vals)) - 1) < 1e-8


def _mp_harmonic(w, eta_t, D, tau_, N_):
    """30-digit harmonic sum (1/N) sum_n (1/n) f_n^2 p_f(f_n) for a Lorentzian."""
    eta_t, D, tau_ = mpmath.mpf(eta_t), mpmath.mpf(D), mpmath.mpf(tau_)
    def term(n):
        fn = w / (2 * mpmath.pi * n)
        e = (mpmath.pi * tau_ * fn) ** 2 - eta_t  # eta - eta_bar, with eta_t absorbing I + J tau r0
        g = D / mpmath.pi / (e**2 + D**2)
        return fn**2 * 2 * (mpmath.pi * tau_) ** 2 * fn * g / n
    return mpmath.nsum(term, [1, mpmath.inf]) / N_


def _mp_closed(w, eta_t, D, tau_, N_):
    return sn.closed_form_mpmath(w, eta_t, D, tau_, N_, dps=mpmath.mp.dps)


@pytest.mark.parametrize("w,eta_t,D,tau_", [(0.3, 1.0, 0.1, 1.0), (2.0, 1.0, 0.1, 1.0), (5.0, -0.5, 0.4, 1.5),
                                            (40.0, 3.0, 2.0, 0.7), (1.1, 0.01, 1.0, 2.0)])
def test_closed_form_equals_harmonic_sum_to_30_digits(w, eta_t, D, tau_):
    with mpmath.workdps(40):
        a = _mp_harmonic(mpmath.mpf(w), eta_t, D, tau_, 7)
        b = _mp_closed(mpmath.mpf(w), eta_t, D, tau_, 7)
        assert abs(a - b) <= mpmath.mpf("1e-30") * abs(b)
