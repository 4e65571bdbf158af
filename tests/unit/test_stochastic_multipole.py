"""Stochastic mass model of the multi-pole family g_n: n complex modes driven by one common shot noise.

n = 1 must reproduce the Lorentzian (MPR) run; for n = 2, 3 the runs are compared with the family's
linear theory: the mean rate within its batch-means standard error, the Welch spectrum band by band with
chi-square tolerances (numerics.welch_dof via validation.results.chi2_band_comparison), as the Lorentzian
check_stochastic_mass_spectrum does.
"""
import math

import numpy as np
import pytest

from shotnoise.numerics import Model, ParameterError
from shotnoise.validation.checks import default_edges
from shotnoise.validation.results import chi2_band_comparison

LORENTZ = Model(eta_bar=1.0, Delta=0.1, J=-2.0, N=500)


@pytest.mark.parametrize("noise,scheme", [("white", "heun"), ("white", "euler"), ("colored", "heun"),
                                          ("surrogate", "euler")])
def test_one_pole_reproduces_the_lorentzian_run(noise, scheme):
    one = LORENTZ.replace(heterogeneity="multipole", poles=1)
    eta = LORENTZ.excitabilities(draw="quantile")  # the families' quantile rules differ: give both the same sample
    kw = dict(T=30.0, dt=2e-3, noise=noise, scheme=scheme, transient=2.0, bin_width=0.01, seed=7, eta=eta)
    a = LORENTZ.simulate_stochastic_mass(**kw)
    b = one.simulate_stochastic_mass(**kw)
    assert a.to_dict().keys() == b.to_dict().keys()
    assert b.start == pytest.approx(a.start, rel=1e-12)
    for x, y in ((a.s, b.s), (a.r, b.r), (a.v, b.v)):
        assert np.allclose(y, x, rtol=1e-10, atol=1e-11 * np.abs(x).max())
    assert b.mean_rate == pytest.approx(a.mean_rate, rel=1e-9)


def _multipole(n):
    return Model(eta_bar=1.0, Delta=0.3, J=-1.0, N=1000, heterogeneity="multipole", poles=n)


@pytest.mark.parametrize("n", [2, 3])
@pytest.mark.parametrize("noise,kind", [("white", "white"), ("colored", "activity")])
def test_spectrum_and_mean_rate_match_the_linear_theory(n, noise, kind):
    m = _multipole(n)
    op = m.operating_point()
    assert op.stable and len(op.modes) == n
    bw, seg = 0.02, 50.0
    run = m.simulate_stochastic_mass(T=4020.0, dt=5e-3, noise=noise, transient=20.0, bin_width=bw, seed=3,
                                     segment=seg)
    # mean rate: batch means of s = r + xi (the O(1/N) nonlinear shift is far below this standard error)
    B = 40
    bm = run.s[: run.s.size // B * B].reshape(B, -1).mean(axis=1)
    se = bm.std(ddof=1) / math.sqrt(B)
    assert abs(run.mean_rate - op.r) < 4 * se, (run.mean_rate, op.r, se)
    # spectrum: chi-square band test of the streamed Welch estimate against its exact expectation
    E = op.expected_welch(segment=seg, bin_width=bw, kind=kind)
    assert np.allclose(E.omega, run.spectrum.omega)
    res = chi2_band_comparison("multipole %d (%s)" % (n, noise), run.spectrum, E.psd, default_edges(op),
                               spectrum=op.binned(bin_width=bw, kind=kind))
    assert res.passed, (res.measured, res.predicted, res.tolerance, res.tolerance_origin)


def test_surrogate_runs_and_to_dict_keys_are_those_of_the_lorentzian():
    m = _multipole(2)
    run = m.simulate_stochastic_mass(T=20.0, dt=1e-2, noise="surrogate", transient=5.0, bin_width=0.02, seed=1)
    assert run.to_dict().keys() == LORENTZ.simulate_stochastic_mass(T=2.0, dt=1e-2).to_dict().keys()
    assert run.s.size == run.n_bins == 750
    assert abs(run.mean_r - m.operating_point().r) < 0.1 * m.operating_point().r


def test_start_shifts_the_mean_field_and_must_keep_the_modes_valid():
    m = _multipole(3)
    op = m.operating_point()
    run = m.simulate_stochastic_mass(T=0.01, dt=1e-3, r0=1.1 * op.r, v0=op.v + 0.05, seed=2)
    assert run.start == (1.1 * op.r, op.v + 0.05)
    assert run.r[0] == pytest.approx(1.1 * op.r, rel=1e-12) and run.v[0] == pytest.approx(op.v + 0.05, rel=1e-12)
    with pytest.raises(ParameterError, match="Re w_k"):
        m.simulate_stochastic_mass(T=0.01, dt=1e-3, r0=1e-3 * op.r)


@pytest.mark.parametrize("family", ["gaussian", "uniform"])
def test_families_without_a_reduced_model_are_refused(family):
    with pytest.raises(ParameterError, match="multipole"):
        Model(eta_bar=1.0, Delta=0.3, J=-1.0, N=1000, heterogeneity=family).simulate_stochastic_mass(T=1.0, dt=1e-2)
