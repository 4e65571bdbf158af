"""The multi-pole family g_n: symbolic derivation, Monte-Carlo check of the reduction, n = 1 = MPR, closed-form
shot noise against mpmath and the harmonic sum, density sampling, and the Model API."""
from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest

from shotnoise.numerics import Model, ParameterError
from shotnoise.numerics import multipole as mpn
from shotnoise.numerics.shot_spectrum import shot_spectrum_harmonic
from shotnoise.theory import multipole as mpt


@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_symbolic_derivation_holds(n):
    """Weights = residues, sum to 1, normalisation, HWHM, partial fractions, cdf, n = 1 is MPR, the mode
    susceptibilities equal the transfer function of the linearised 2n system, the closed form's terms."""
    checks = mpt.verify_multipole(n)
    assert all(checks.values()), {k: v for k, v in checks.items() if not v}
    if n == 1:
        assert "n1_is_mpr" in checks


def _rk4(f, y, dt, steps):
    out = [y]
    for _ in range(steps):
        k1 = f(y)
        k2 = f(y + 0.5 * dt * k1)
        k3 = f(y + 0.5 * dt * k2)
        k4 = f(y + dt * k3)
        y = y + dt / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
        out.append(y)
    return np.array(out)


@pytest.mark.parametrize("n", [2, 3])
def test_reduction_matches_monte_carlo_of_the_per_eta_lorentzians(n):
    """Network-free Monte-Carlo: K excitabilities (quantiles of g_n), each with its own Lorentzian-ansatz w(eta, t)
    driven by the common mean-field rate, against the n-mode reduced model from the same analytic initial state."""
    e, D, J, I, tau = 0.4, 0.3, 1.5, 0.1, 1.0
    w0 = 0.8 - 0.6j  # every neuron's voltage density Lorentzian (centre -0.6, width 0.8): analytic in eta
    u, c = mpn.coefficients(n)
    poles = e + D * u

    def reduced(wk):
        r = np.sum(c * wk).real / (math.pi * tau)
        return 1j * (poles + I + J * tau * r - wk**2) / tau

    dt, steps = 2e-3, 3000
    r_red = np.array([np.sum(c * y).real / (math.pi * tau) for y in _rk4(reduced, np.full(n, w0), dt, steps)])
    errs = []
    for K in (2000, 16000):
        eta = mpn.density(n=n, eta_bar=e, Delta=D).ppf((np.arange(K) + 0.5) / K)

        def per_eta(w):
            r = np.mean(w.real) / (math.pi * tau)
            return 1j * (eta + I + J * tau * r - w**2) / tau
        r_mc = np.mean(_rk4(per_eta, np.full(K, w0), dt, steps).real, axis=1) / (math.pi * tau)
        errs.append(np.max(np.abs(r_mc - r_red)))
    assert errs[1] < 2e-3 * np.max(r_red)  # the quantile sample converges to the density ...
    assert errs[1] < errs[0] / 2  # ... and the error falls with K (a systematic mismatch would not)


@pytest.mark.parametrize("e,D,J", [(1.0, 0.05, -3.0), (-5.0, 1.0, 15.0), (0.5, 0.3, 2.0), (-0.2, 0.4, -8.0)])
def test_order_one_is_the_mpr_model(e, D, J):
    a = Model(eta_bar=e, Delta=D, J=J, N=500)
    b = Model(eta_bar=e, Delta=D, J=J, N=500, heterogeneity="multipole", poles=1)
    pa, pb = a.fixed_points(), b.fixed_points()
    assert len(pa) == len(pb)
    w = np.geomspace(0.05, 40, 60)
    for qa, qb in zip(pa, pb):
        assert qb.r == pytest.approx(qa.r, rel=1e-12) and qb.v == pytest.approx(qa.v, rel=1e-10, abs=1e-13)
        assert qa.stability == qb.stability
        np.testing.assert_allclose(sorted(np.array(qb.eigenvalues), key=lambda z: (z.real, z.imag)),
                                   sorted(np.array(qa.eigenvalues), key=lambda z: (z.real, z.imag)), rtol=1e-9)
        np.testing.assert_allclose(qb.shot(w), qa.shot(w), rtol=1e-12)
        Ga, Gva = qa.susceptibility(w)
        Gb, Gvb = qb.susceptibility(w)
        np.testing.assert_allclose(Gb, Ga, rtol=1e-11)
        np.testing.assert_allclose(Gvb, Gva, rtol=1e-11)
        assert qb.asymptote() == pytest.approx(qa.asymptote(), rel=1e-12)


@pytest.mark.parametrize("n", [2, 3, 4])
def test_closed_form_shot_noise_matches_mpmath_over_eight_decades(n):
    """Compiled closed form vs the 60-digit mpmath closed form, omega in [1e-4, 1e4]: 1e-10 relative."""
    m = Model(eta_bar=1.0, Delta=0.3, J=-2.0, I=0.2, tau=1.3, N=100, heterogeneity="multipole", poles=n)
    op = m.operating_point()
    w = np.geomspace(1e-4, 1e4, 81)
    kw = dict(n=n, eta_bar_value=1.0, Delta_value=0.3, J_value=-2.0, I_value=0.2, tau_value=1.3, N_value=100,
              r0=op.r)
    ref = np.array([float(mpt.closed_form_mpmath(x, dps=60, **kw)) for x in w])
    np.testing.assert_allclose(op.shot(w), ref, rtol=1e-10, atol=0)


@pytest.mark.parametrize("n", [2, 3])
def test_closed_form_equals_the_harmonic_sum(n):
    """Against the harmonic sum of any density (the readable reference) with its rigorous truncation bound, and
    against mpmath's nsum of the same series at a few points."""
    m = Model(eta_bar=0.7, Delta=0.2, J=1.0, N=200, heterogeneity="multipole", poles=n)
    op = m.operating_point()
    w = np.linspace(0.05, 12.0, 200)
    S_h, bound = shot_spectrum_harmonic(w, op.density, N=200, r0=op.r, J=1.0, atol=1e-13)
    assert bound <= 1e-13
    np.testing.assert_allclose(op.shot(w), S_h, rtol=1e-9, atol=2e-13)
    for x in (0.3, 2.1, 7.0):
        nsum = mpt.harmonic_sum_mpmath(x, n=n, eta_bar_value=0.7, Delta_value=0.2, J_value=1.0, I_value=0.0,
                                       tau_value=1.0, N_value=200, r0=op.r)
        assert op.shot(np.array([x]))[0] == pytest.approx(float(nsum), rel=1e-10)


def test_shot_asymptote_and_low_frequency_behaviour():
    m = Model(eta_bar=1.0, Delta=0.3, J=-1.0, N=100, heterogeneity="multipole", poles=3)
    op = m.operating_point()
    s_inf, a = op.asymptote(kind="shot")
    assert s_inf == pytest.approx(op.r / 100, rel=1e-12)  # S_xi -> r0/N
    assert a == pytest.approx(0.0, abs=1e-15)  # tails ~ eta^-6: no 1/omega term
    lo = op.shot(np.array([1e-3, 2e-3]))
    assert lo[1] / lo[0] == pytest.approx(8.0, rel=1e-3)  # S ~ omega^3
    assert np.all(op.shot(np.geomspace(1e-3, 1e3, 400)) >= 0)


@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_density_cdf_and_quantiles(n):
    from scipy.integrate import quad
    g = mpn.density(n=n, eta_bar=0.5, Delta=0.2)
    for x in (-3.0, 0.1, 0.5, 0.62, 2.0):
        assert g.cdf(x) == pytest.approx(quad(lambda t: float(g.pdf(t)), -np.inf, x, epsabs=1e-14)[0], abs=1e-12)
    u = np.array([1e-9, 1e-4, 0.02, 0.5, 0.7, 0.999, 1 - 1e-7])
    np.testing.assert_allclose(g.cdf(g.ppf(u)), u, rtol=1e-10, atol=1e-15)
    assert g.pdf(0.7) == pytest.approx(g.sup / 2)  # half width at half maximum: Delta
    q = Model(eta_bar=0.5, Delta=0.2, J=0.0, N=1001, heterogeneity="multipole", poles=n).excitabilities()
    assert q[500] == pytest.approx(0.5, abs=1e-12) and np.all(np.diff(q) > 0)


def test_model_poles_validation_and_round_trip():
    m = Model(eta_bar=1.0, Delta=0.05, J=-3.0, N=100, heterogeneity="multipole", poles=2)
    assert Model.from_dict(m.to_dict()) == m
    assert m.to_dict()["populations"]["pop"]["poles"] == 2
    with pytest.raises(ParameterError, match="poles"):
        Model(eta_bar=1.0, Delta=0.05, J=-3.0, heterogeneity="multipole")
    with pytest.raises(ParameterError, match="poles"):
        Model(eta_bar=1.0, Delta=0.05, J=-3.0, heterogeneity="multipole", poles=5)
    with pytest.raises(ParameterError, match="poles"):
        Model(eta_bar=1.0, Delta=0.05, J=-3.0, heterogeneity="gaussian", poles=2)
    with pytest.raises(ParameterError, match="poles"):
        Model(eta_bar=1.0, Delta=0.05, J=-3.0, heterogeneity="multipole", poles=2.0)


def test_weakly_damped_collective_mode_sharpens_with_the_order():
    """At the README parameters the leading eigenvalue pair approaches the imaginary axis as n grows (the
    Gaussian-like limit): a collective mode outside the band of firing frequencies, nearly undamped."""
    damp = []
    for n in (1, 2, 3, 4):
        op = Model(eta_bar=1.0, Delta=0.05, J=-3.0, N=1000, heterogeneity="multipole", poles=n).operating_point()
        res = op.resonance()
        damp.append(res.damping)
        assert res.omega_res > op.resonance().omega_peak  # above the firing band (omega_peak ~ 1.26)
    assert all(b < a / 10 for a, b in zip(damp, damp[1:]))


def test_review_edge_cases_are_clear_errors_or_right_answers():
    """Found in review: the quantile bracket for Delta below eta_bar's rounding (was an endless compiled loop),
    a root exactly at the scan's upper bound (n = 1 lost MPR parity at J = 1e10), unchecked modes."""
    from shotnoise.numerics import families
    assert families.POLE_ORDERS == mpn.ORDERS
    q = Model(eta_bar=1.0, Delta=1e-17, J=0.0, N=10, heterogeneity="multipole", poles=2).excitabilities()
    assert np.all(np.abs(q - 1.0) <= 1e-14)  # returns (all at eta_bar to rounding) instead of looping forever
    a = Model(eta_bar=1.0, Delta=0.5, J=1e10).fixed_points()[-1].r
    b = Model(eta_bar=1.0, Delta=0.5, J=1e10, heterogeneity="multipole", poles=1).fixed_points()[-1].r
    assert b == pytest.approx(a, rel=1e-9)
    with pytest.raises(ParameterError, match="modes"):
        mpn.susceptibility([1.0], n=2, modes=[1 - 0.1j], tau=1.0)
    with pytest.raises(ParameterError, match="J must satisfy"):
        Model(eta_bar=1.0, Delta=0.1, J=1e6, heterogeneity="gaussian")
    with pytest.raises(ParameterError, match="Delta must be"):
        Model(eta_bar=1.0, Delta=1e-10, J=-1.0, heterogeneity="uniform")
    op = Model(eta_bar=1.0, Delta=0.2, J=-1.0, N=100, heterogeneity="uniform").operating_point()
    with pytest.raises(ParameterError, match="overflows"):
        op.shot(np.array([1e200]))
