"""Linear response: symbolic identities, general-g integral, finite differences, linear SDE."""
import math

import numpy as np
import pytest
import sympy as sp
from hypothesis import given

from shotnoise.numerics.densities import gaussian, lorentzian
from shotnoise.numerics import Model, ParameterError
from shotnoise.numerics.linear_response import annealed_rate, susceptibility, susceptibility_general, variance
from shotnoise.numerics.mpr import rhs
from shotnoise.numerics.parameters import MPRParameters
from shotnoise.theory import linear_response as lr
from shotnoise.theory.symbols import r, tau, v
from shotnoise.validation.strategies import stable_asynchronous


def test_open_loop_G_has_the_theory_form():
    G, Gv = lr.susceptibilities()
    expected = (2 * r / tau) / ((lr.i_omega - 2 * v / tau) ** 2 + 4 * sp.pi**2 * r**2)
    assert sp.simplify(G - expected) == 0
    assert sp.simplify(Gv - (lr.i_omega - 2 * v / tau) / ((lr.i_omega - 2 * v / tau) ** 2 + 4 * sp.pi**2 * r**2)) == 0


def test_closed_loop_poles_are_the_eigenvalues_of_the_full_jacobian():
    det = (lr.i_omega * sp.eye(2) - lr.full_jacobian()).det()
    assert sp.simplify(lr.closed_loop_denominator() - det * tau**2) == 0
    res = lr.resonance()
    lam = 2 * v / tau + sp.I * res["omega_res"]
    assert sp.simplify(det.subs(lr.i_omega, lam)) == 0


def test_G_against_finite_difference_linearisation_of_the_numba_rhs():
    p = MPRParameters(0.5, 0.4, 3.0, 0.2, 1.3)
    fp = Model(eta_bar=0.5, Delta=0.4, J=3.0, I=0.2, tau=1.3).operating_point()
    h = 1e-6
    A = np.empty((2, 2))
    # open loop: the mean input J tau r0 becomes a constant current, J = 0 in the linearised RHS
    base_I = p.I + p.J * p.tau * fp.r
    for j, d in enumerate([(h, 0.0), (0.0, h)]):
        plus = np.array(rhs(fp.r + d[0], fp.v + d[1], MPRParameters(p.eta_bar, p.Delta, 0.0, base_I, p.tau)))
        minus = np.array(rhs(fp.r - d[0], fp.v - d[1], MPRParameters(p.eta_bar, p.Delta, 0.0, base_I, p.tau)))
        A[:, j] = (plus - minus) / (2 * h)
    # input: ds enters dv/dt as J ds (tau dv/dt has J tau s)
    dI = 1e-6
    up = np.array(rhs(fp.r, fp.v, MPRParameters(p.eta_bar, p.Delta, 0.0, base_I + dI, p.tau)))
    dn = np.array(rhs(fp.r, fp.v, MPRParameters(p.eta_bar, p.Delta, 0.0, base_I - dI, p.tau)))
    B = (up - dn) / (2 * dI) * p.tau  # per unit tau * ds  ->  per unit ds (times J below)
    for w in (0.1, 1.0, 3.7):
        x = np.linalg.solve(1j * w * np.eye(2) - A, B)
        G, Gv = susceptibility([w], r=fp.r, v=fp.v, tau=p.tau)
        assert G[0] == pytest.approx(x[0], rel=1e-7) and Gv[0] == pytest.approx(x[1], rel=1e-7)


@pytest.mark.parametrize("eta_bar,D,Jc", [(1.0, 0.3, -2.0), (2.0, 0.5, 1.0), (-0.5, 0.6, 0.5)])
def test_general_population_integral_reproduces_lorentzian_G(eta_bar, D, Jc):
    fp = [q for q in Model(eta_bar=eta_bar, Delta=D, J=Jc).fixed_points() if q.stable][0]
    w = np.array([0.2, 1.0, 2.0 * math.sqrt(max(fp.eta_t, 0.05)), 5.0])
    G, _ = susceptibility(w, r=fp.r, v=fp.v)
    Gg = susceptibility_general(w, lorentzian(eta_bar, D), r=fp.r, J=Jc)
    assert np.allclose(Gg, G, rtol=1e-7, atol=1e-10)


def test_general_G_for_gaussian_is_causal_and_consistent_at_zero_frequency():
    g = gaussian(1.0, 0.3)
    r0 = annealed_rate(g)
    w = np.array([1e-3, 0.5, 2.0, 4.0])
    G = susceptibility_general(w, g, r=r0)
    # omega -> 0: the static response d r / d(tau ds... ) = d/dI of int g sqrt(eta+I)/pi
    dI = 1e-5
    from shotnoise.numerics.densities import gaussian as gs
    up = annealed_rate(gs(1.0 + dI, 0.3))
    dn = annealed_rate(gs(1.0 - dI, 0.3))
    assert G[0].real == pytest.approx((up - dn) / (2 * dI), rel=1e-4)
    assert np.all(G.imag <= 0)  # absorptive part negative for omega > 0 (exp(-i omega t) convention)


def test_resonance_numbers():
    fp = Model(eta_bar=1.0, Delta=0.05, J=3.0).operating_point()
    res = fp.resonance()
    ev = fp.eigenvalues[0]
    assert res.omega_res == pytest.approx(abs(ev.imag), rel=1e-12)
    assert res.damping == pytest.approx(-ev.real, rel=1e-12)
    assert res.Q > 5  # weakly damped for small Delta
    assert res.omega_peak == pytest.approx(2 * math.sqrt(fp.eta_t), rel=1e-14)
    G, Gv = susceptibility([res.omega_peak], r=fp.r, v=fp.v)
    assert res.gain_at_peak == pytest.approx(1 / abs(1 - 3.0 * G[0]) ** 2, rel=1e-12)


@given(stable_asynchronous(N=1000))
def test_spectra_properties(m):
    w = np.linspace(0.01, 30, 200)
    ns = m.replace(M=100).operating_point().spectra(w)
    for S in (ns.shot, ns.activity, ns.rate, ns.voltage, ns.subpopulation):
        assert np.all(np.isfinite(S)) and np.all(S >= 0)
    assert np.allclose(np.abs(ns.cross_rv) ** 2, ns.rate * ns.voltage, rtol=1e-10)  # coherence 1
    if m.J == 0:
        assert np.array_equal(ns.activity, ns.shot)
    # M = N gives the network activity; 1/N scaling
    assert np.allclose(m.replace(M=1000).operating_point().spectra(w).subpopulation, ns.activity, rtol=1e-12)
    assert np.allclose(m.replace(N=2000).operating_point().spectra(w).activity * 2, ns.activity, rtol=1e-12)


def test_uncoupled_activity_is_the_bare_shot_noise():
    sp = Model(eta_bar=1.0, Delta=0.1, J=0.0, N=300).operating_point().spectra(np.linspace(0.1, 10, 50))
    assert np.array_equal(sp.activity, sp.shot) and np.all(sp.rate == 0)


def test_unstable_or_ambiguous_fixed_point_is_rejected():
    m = Model(eta_bar=-5, Delta=1, J=15, N=100)
    with pytest.raises(ParameterError, match="branch"):
        m.operating_point()
    with pytest.raises(ParameterError, match="saddle"):
        m.operating_point(branch="mid")
    assert m.operating_point(branch="mid", require_stable=False).stability == "saddle"
    with pytest.raises(ParameterError, match="saddle"):
        m.operating_point(branch="mid", require_stable=False).spectra([1.0])
    assert m.operating_point(branch="high").stable
    with pytest.raises(ParameterError, match="M"):
        Model(eta_bar=1, Delta=0.1, J=0, N=100, M=200)


def test_variance_of_rate_is_finite_and_scales_as_1_over_N():
    m = Model(eta_bar=1.0, Delta=0.2, J=-1.0)
    v1 = variance(lambda w: m.replace(N=100).operating_point().spectra(w).rate)
    v2 = variance(lambda w: m.replace(N=400).operating_point().spectra(w).rate)
    assert v1 > 0 and v1 / v2 == pytest.approx(4, rel=1e-6)
