"""The symbolic verifications of the theory modules behind the generated kernels, plus mpmath checks."""
import mpmath
import pytest

from shotnoise.theory import binning, densities, harmonic_bound, observables, riccati


@pytest.mark.parametrize("verify", [riccati.verify_flow, observables.verify_observables, densities.verify_densities,
                                    harmonic_bound.verify_bound, binning.verify_alias_sum])
def test_every_symbolic_step_holds(verify):
    checks = verify()
    assert checks and all(checks.values()), {k: v for k, v in checks.items() if not v}


def test_lorentzian_mean_of_phase_factor_by_quadrature():
    """<exp(i 2 atan V)> over a Lorentzian (x, y) equals conj((1 - W)/(1 + W)), W = x + i y (30 digits)."""
    x, y = mpmath.mpf("0.7"), mpmath.mpf("-1.3")
    with mpmath.workdps(30):
        rho = lambda V: x / (mpmath.pi * ((V - y) ** 2 + x**2))
        val = mpmath.quad(lambda V: rho(V) * mpmath.exp(2j * mpmath.atan(V)), [-mpmath.inf, y, mpmath.inf])
        W = mpmath.mpc(x, y)
        assert abs(val - mpmath.conj((1 - W) / (1 + W))) < mpmath.mpf(10) ** -25


@pytest.mark.parametrize("omega,dt", [(0.3, 0.1), (31.0, 0.1), (-2.0, 0.5), (3.14159, 1.0), (1e-3, 0.01)])
def test_alias_sum_closed_form_against_nsum(omega, dt):
    closed = mpmath.mpf(float(binning.alias_inverse_omega_sum().subs({binning.omega: omega, binning.dt: dt}).evalf(30)))
    with mpmath.workdps(30):
        w, h = mpmath.mpf(omega), mpmath.mpf(dt)
        term = lambda m: (mpmath.sinc((w + 2 * mpmath.pi * m / h) * h / 2) ** 2 / abs(w + 2 * mpmath.pi * m / h))
        direct = mpmath.nsum(term, [1, mpmath.inf]) + mpmath.nsum(term, [-mpmath.inf, -1])
        assert abs(direct - closed) <= mpmath.mpf(10) ** -14 * abs(direct)


def test_harmonic_tail_bound_holds_for_the_lorentzian():
    """The tail of the actual Lorentzian series after K terms is below the bound (30-digit nsum)."""
    import sympy as sp
    bound = sp.lambdify((harmonic_bound.w, harmonic_bound.sup_g, harmonic_bound.tau, harmonic_bound.N,
                         harmonic_bound.K), harmonic_bound.tail_bound(), "mpmath")
    eta_t, D, tau_, N_, w = mpmath.mpf(1), mpmath.mpf("0.2"), mpmath.mpf(1), mpmath.mpf(1), mpmath.mpf(6)
    with mpmath.workdps(30):
        def term(n):
            fn = w / (2 * mpmath.pi * n)
            e = (mpmath.pi * tau_ * fn) ** 2 - eta_t
            return fn**2 * 2 * (mpmath.pi * tau_) ** 2 * fn * (D / mpmath.pi / (e**2 + D**2)) / (n * N_)
        for K in (1, 3, 10):
            tail = mpmath.nsum(term, [K + 1, mpmath.inf])
            assert 0 < tail <= bound(w, 1 / (mpmath.pi * D), tau_, N_, K)


def test_quantile_rule_equals_ppf_numerically():
    import numpy as np
    from shotnoise.numerics.densities import lorentzian
    g = lorentzian(0.4, 1.7)
    q = g.quantiles(101)
    assert np.allclose(q, g.ppf(np.arange(1, 102) / 102), rtol=1e-13, atol=1e-13)
    assert np.allclose(g.cdf(q), np.arange(1, 102) / 102, rtol=1e-13)
    assert q[50] == pytest.approx(0.4, abs=1e-14)
