"""Compiled shot-noise spectrum: accuracy against mpmath, limits, properties."""
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from shotnoise.numerics.densities import gaussian, lorentzian, uniform
from shotnoise.numerics.linear_response import annealed_rate
from shotnoise.numerics.mpr import fixed_points
from shotnoise.numerics.parameters import MPRParameters
from shotnoise.numerics.shot_spectrum import (harmonic_terms_needed, shot_spectrum_asymptote, shot_spectrum_harmonic,
                                             shot_spectrum_lorentzian)
from shotnoise.theory.errors import ParameterError
from shotnoise.theory.shot_noise import closed_form_mpmath
from shotnoise.validation.strategies import stable_asynchronous


def mp_reference(w, eta_t, D, tau=1.0, N=1.0):
    """Closed form in 60-digit arithmetic (the formula cancels ~25 digits at the smallest omega)."""
    return float(closed_form_mpmath(w, eta_t, D, tau, N, dps=60))


@pytest.mark.parametrize("eta_t", [1.0, -1.0])
def test_relative_accuracy_1e10_over_the_full_range(eta_t):
    """omega in [1e-4, 1e4], Delta/|eta_t| in [1e-4, 1e4]: relative error <= 1e-10."""
    worst = 0.0
    for ratio in np.logspace(-4, 4, 17):
        p = MPRParameters(eta_bar=eta_t, Delta=ratio * abs(eta_t), J=0.0)
        ws = np.logspace(-4, 4, 41)
        S = shot_spectrum_lorentzian(ws, p, N=1.0, r0=1.0)  # r0 irrelevant for J = 0
        assert np.all(np.isfinite(S)) and np.all(S >= 0)
        for w, s in zip(ws, S):
            ref = mp_reference(w, eta_t, p.Delta)
            worst = max(worst, abs(s - ref) / abs(ref))
    assert worst <= 1e-10, worst


def test_tau_and_N_enter_as_derived():
    p = MPRParameters(0.8, 0.3, 2.0, 0.1, 1.7)
    r0 = 0.4
    eta_t = p.eta_bar + p.I + p.J * p.tau * r0
    for w in (0.01, 0.9, 3.0, 50.0):
        s = shot_spectrum_lorentzian([w], p, N=13.0, r0=r0)[0]
        assert s == pytest.approx(mp_reference(w, eta_t, p.Delta, p.tau, 13.0), rel=1e-11)


@given(stable_asynchronous())
def test_limits_positivity_symmetry_and_scaling(p):
    p = MPRParameters(p.eta_bar, p.Delta, p.J, p.I, p.tau)  # the strategy may draw a Model
    r0 = fixed_points(p)[0].r
    w = np.logspace(-3, 2, 60)
    S = shot_spectrum_lorentzian(w, p, N=100, r0=r0)
    assert np.all(S >= 0)
    assert np.array_equal(S, shot_spectrum_lorentzian(-w, p, N=100, r0=r0))
    assert np.allclose(shot_spectrum_lorentzian(w, p, N=1000, r0=r0) * 10, S, rtol=1e-14)
    # high frequency: cot -> i exponentially, leaving r0/N - 2 Delta/(pi^2 tau^2 N omega) -> r0/N
    # far enough that |Im(pi z)| >= 15, i.e. the exponential correction is < e^-30 relative
    eta_t = p.eta_bar + p.I + p.J * p.tau * r0
    k = abs((1 / complex(eta_t, p.Delta) ** 0.5).imag) * p.tau / 2  # |Im z| per unit omega
    wh = max(1e4 / p.tau, 15 / (math.pi * k))
    hi = shot_spectrum_lorentzian([wh], p, N=100, r0=r0)[0]
    assert hi == pytest.approx(r0 / 100 - 2 * p.Delta / (math.pi**2 * p.tau**2 * 100 * wh), rel=1e-9)
    # low frequency: S ~ A omega^3 with A = pi^2 tau^2 Delta / (360 N |c|^2)
    eta_t = p.eta_bar + p.I + p.J * p.tau * r0
    A = math.pi**2 * p.tau**2 * p.Delta / (360 * 100 * (eta_t**2 + p.Delta**2))
    w0 = 1e-4 * min(1.0, math.sqrt(abs(eta_t) + p.Delta)) / p.tau
    assert shot_spectrum_lorentzian([w0], p, N=100, r0=r0)[0] == pytest.approx(A * w0**3, rel=1e-5)


def test_asymptote_is_the_large_omega_limit_and_terms_needed_is_minimal():
    p = MPRParameters(0.8, 0.3, 2.0, 0.1, 1.7)
    r0 = 0.4
    s_inf, a = shot_spectrum_asymptote(p, N=13.0, r0=r0)
    c = complex(p.eta_bar + p.I + p.J * p.tau * r0, p.Delta)
    assert s_inf == pytest.approx((c**0.5).real / (math.pi * p.tau * 13.0), rel=1e-14)
    wh = 1e4
    assert shot_spectrum_lorentzian([wh], p, N=13.0, r0=r0)[0] == pytest.approx(s_inf - a / wh, rel=1e-9)
    bound = lambda k: 1.3**2 * 0.7 * 5.0**3 / (12 * math.pi * 2.0 * k**3)
    K = harmonic_terms_needed(5.0, sup_g=0.7, tau=1.3, N=2.0, atol=1e-6)
    assert bound(K) <= 1e-6 < bound(K - 1)


def test_peaks_at_harmonics_of_the_mean_rate_and_sharpen_as_delta_shrinks():
    widths = []
    for D in (0.2, 0.05, 0.0125):
        p = MPRParameters(1.0, D, 0.0)
        r0 = fixed_points(p)[0].r
        w = np.linspace(0.5, 7.0, 40001)
        S = shot_spectrum_lorentzian(w, p, N=1, r0=r0)
        for n in (1, 2, 3):
            sel = np.abs(w - 2 * n) < 0.5
            assert abs(w[sel][np.argmax(S[sel])] - 2 * n) < 0.5 * n * D  # within the peak half-width
        sel = np.abs(w - 2) < 0.5
        half = w[sel][S[sel] > 0.5 * S[sel].max()]
        widths.append(half.max() - half.min())
    # line spectrum as Delta -> 0: the width of the first peak shrinks in proportion to Delta
    assert widths[0] / widths[1] == pytest.approx(4, rel=0.1) and widths[1] / widths[2] == pytest.approx(4, rel=0.1)


def test_line_weight_conserved_as_delta_to_zero():
    """As Delta -> 0 the first peak becomes the line of one periodic train: int_peak S d omega/(2 pi) = f0^2/N."""
    p = MPRParameters(1.0, 1e-3, 0.0)
    w = np.linspace(1.0, 3.0, 2000001)
    S = shot_spectrum_lorentzian(w, p, N=1, r0=0.3)
    power = np.trapezoid(S, w) / (2 * np.pi)
    f0 = 1 / np.pi  # sqrt(eta_t) / (pi tau)
    assert power == pytest.approx(f0**2, rel=1e-3)


@pytest.mark.parametrize("make", [lambda: lorentzian(1.0, 0.2), lambda: gaussian(1.0, 0.2)])
def test_harmonic_sum_bound_holds(make):
    g = make()
    w = np.array([0.3, 1.9, 2.0, 4.1, 7.0])
    S_ref, _ = shot_spectrum_harmonic(w, g, N=1.0, r0=0.3, atol=1e-14)
    S_K, bound = shot_spectrum_harmonic(w, g, N=1.0, r0=0.3, n_max=5)
    assert np.all(np.abs(S_K - S_ref) <= bound + 1e-14)
    assert bound > 0


def test_harmonic_sum_matches_closed_form_for_lorentzian():
    p = MPRParameters(1.0, 0.2, 0.0)
    r0 = fixed_points(p)[0].r
    w = np.linspace(0.1, 8, 50)
    S_h, bound = shot_spectrum_harmonic(w, lorentzian(1.0, 0.2), N=3.0, r0=r0, atol=1e-12)
    assert np.max(np.abs(S_h - shot_spectrum_lorentzian(w, p, N=3.0, r0=r0))) <= bound + 1e-14


def test_uniform_density_sum_is_finite_and_exact():
    g = uniform(2.0, 0.5)  # all neurons fire with f in [sqrt(1.5), sqrt(2.5)]/pi
    r0 = annealed_rate(g)
    w = np.array([1.0, 2 * math.sqrt(2.0), 5.0])
    S, _ = shot_spectrum_harmonic(w, g, N=1.0, r0=r0, n_max=200)
    S2, _ = shot_spectrum_harmonic(w, g, N=1.0, r0=r0, n_max=400)
    assert np.array_equal(S, S2)  # terms vanish beyond n = omega / (2 pi f_min)
    assert S[0] == 0.0 and S[1] > 0


@pytest.mark.parametrize("bad", [dict(N=0.5), dict(N=float("nan")), dict(r0=-1.0), dict(omega=[float("inf")])])
def test_bad_input(bad):
    args = dict(omega=[1.0], p=MPRParameters(1, 0.1, 0), N=10.0, r0=0.3) | bad
    with pytest.raises(ParameterError, match=list(bad)[0]):
        shot_spectrum_lorentzian(**args)


@given(st.floats(0.01, 5), st.floats(-3, 3))
def test_annealed_rate_of_lorentzian_is_re_sqrt_c(D, e):
    r = annealed_rate(lorentzian(e, D))
    assert r == pytest.approx((complex(e, D) ** 0.5).real / math.pi, rel=1e-9)


def test_uniform_closed_form_equals_the_harmonic_sum():
    """The Hurwitz-zeta closed form (theory.uniform_shot, eq. (80)) against the harmonic sum with its bound,
    including a support that straddles threshold (f_lo = 0) and the zeta identity in sympy."""
    from shotnoise.numerics import Model
    from shotnoise.theory.uniform_shot import verify_uniform_shot
    assert all(verify_uniform_shot().values())
    for e, h, J in [(1.0, 0.2, -1.0), (0.1, 0.3, 1.0), (2.0, 0.5, -3.0)]:
        op = Model(eta_bar=e, Delta=h, J=J, N=500, heterogeneity="uniform").operating_point(require_stable=False)
        w = np.concatenate([[0.0, 1e-3], np.linspace(0.05, 60, 1500)])
        ref, bound = shot_spectrum_harmonic(w, op.density, N=500, r0=op.r, J=J, atol=1e-15)
        assert bound <= 1e-15
        np.testing.assert_allclose(op.shot(w), ref, rtol=1e-10, atol=2e-15)
