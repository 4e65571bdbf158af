"""Finite-N QIF network: exactness against the reference path, reproducibility, rates, spectra."""
import math

import numpy as np
import pytest

from shotnoise.numerics.densities import lorentzian
from shotnoise.theory.errors import ParameterError
from shotnoise.numerics.qif_network import _order_parameter, simulate_network
from shotnoise.numerics.quenched import quenched_rate
from shotnoise.numerics.qif_reference import reference_network
from shotnoise.numerics.qif_vpeak import simulate_network_vpeak


def _fast_per_neuron(res, n_steps, N, dt):
    steps = np.round(res.raster_t / dt).astype(int) - 1
    out = np.zeros((n_steps, N), dtype=np.int64)
    np.add.at(out, (steps, res.raster_i), 1)
    return out


@pytest.mark.parametrize("J,dt,I,scale", [(3.0, 0.01, 0.1, 1.0), (-4.0, 0.02, 0.1, 1.0), (2.0, 0.3, 0.0, 1.0),
                                          (1.0, 0.5, 0.0, 400.0)])
def test_fast_path_agrees_with_reference_spike_for_spike(J, dt, I, scale):
    """Including a large-dt case where fast neurons turn several times per step (scale 400)."""
    rng = np.random.default_rng(3)
    N, n = 60, 1500
    eta = scale * lorentzian(0.5, 0.5).sample(N, rng)
    V0 = rng.standard_normal(N) * 2
    cnt, per = reference_network(eta, J=J, I=I, tau=1.0, dt=dt, n_steps=n, V0=V0)
    res = simulate_network(eta, J=J, T=n * dt, dt=dt, I=I, V0=V0, raster=N, seed=5)
    assert np.array_equal(np.round(res.activity * N * dt).astype(int), cnt)
    assert np.array_equal(_fast_per_neuron(res, n, N, dt), per)
    if scale > 1:
        assert res.max_phase_per_step > 2 * math.pi  # the multi-turn branch was exercised
    assert cnt.sum() > 100


def test_time_series_input_matches_constant_input():
    eta = lorentzian(1.0, 0.3).quantiles(300)
    n, dt = 2000, 0.005
    a = simulate_network(eta, J=1.5, T=n * dt, dt=dt, I=0.2, bin_width=0.05, M=30, seed=2)
    b = simulate_network(eta, J=1.5, T=n * dt, dt=dt, I=np.full(n, 0.2), bin_width=0.05, M=30, seed=2)
    assert np.array_equal(a.activity, b.activity) and np.array_equal(a.activity_M, b.activity_M)
    c = simulate_network(eta, J=1.5, T=n * dt, dt=dt, I=0.2 + 0.5 * np.sin(np.arange(n) * dt), bin_width=0.05, seed=2)
    assert not np.array_equal(a.activity, c.activity)


def test_seeded_runs_are_bit_reproducible():
    g = lorentzian(-0.5, 0.8)
    runs = [simulate_network(g.sample(400, np.random.default_rng(9)), J=4.0, T=30, dt=0.01, bin_width=0.05, M=40,
                             raster=20, seed=4) for _ in range(2)]
    for attr in ("activity", "activity_M", "Z", "raster_t", "raster_i"):
        assert np.array_equal(getattr(runs[0], attr), getattr(runs[1], attr))


def test_mean_rate_matches_quenched_rate_within_batch_standard_error():
    """N = 500 quantile draws; tolerance: 4 standard errors from 50 batch means of the run itself."""
    eta = lorentzian(1.0, 0.2).quantiles(500)
    for J in (-2.0, 2.0):
        res = simulate_network(eta, J=J, T=600, dt=2e-3, transient=50, bin_width=0.02)
        a = res.activity
        bm = a[: len(a) // 50 * 50].reshape(50, -1).mean(axis=1)
        se = bm.std(ddof=1) / math.sqrt(50)
        q = quenched_rate(eta, J=J, I=0.0, tau=1.0, near=a.mean())
        assert abs(a.mean() - q) < 4 * se, (J, a.mean(), q, se)
        # the Kuramoto/conformal-map rate is close as well (it assumes a Lorentzian density)
        assert abs(res.r_Z.mean() - q) < 0.02 * q


def test_quantile_tail_bias_is_removed_by_the_quenched_rate():
    from shotnoise.numerics.mpr import fixed_points
    from shotnoise.numerics.parameters import MPRParameters
    eta = lorentzian(1.0, 0.5).quantiles(250)
    res = simulate_network(eta, J=0.0, T=400, dt=2e-3, transient=20, bin_width=0.02)
    mpr = fixed_points(MPRParameters(1.0, 0.5, 0.0))[0].r
    q = quenched_rate(eta, J=0.0)
    assert abs(res.mean_rate - q) < 0.2 * abs(res.mean_rate - mpr)


def test_order_parameter_handles_infinite_voltages():
    zr, zi = _order_parameter(np.array([0.0, 1e300, -1e300, 1.0]))
    assert np.isfinite(zr) and np.isfinite(zi)
    assert zr == pytest.approx((1 - 1 - 1 + 0) / 4) and zi == pytest.approx(1 / 4)  # V=1: exp(i pi/2) = i


def test_vpeak_mode_converges_to_the_exact_method():
    eta = lorentzian(1.0, 0.2).quantiles(500)
    exact = simulate_network(eta, J=2.0, T=80, dt=1e-3, transient=10, bin_width=0.05).mean_rate
    rates = [simulate_network_vpeak(eta, J=2.0, T=80, dt=1e-3, v_peak=vp, transient=10, bin_width=0.05).mean()
             for vp in (10.0, 100.0)]
    # the cut-off model is an O(1/V_peak, dt) approximation of the exact one: both within 1 %
    assert all(abs(r - exact) < 0.01 * exact for r in rates)


def test_million_neurons_run_with_linear_memory():
    eta = lorentzian(1.0, 0.2).quantiles(1_000_000)
    res = simulate_network(eta, J=1.0, T=0.05, dt=1e-3, bin_width=0.01)
    assert res.N == 1_000_000 and res.final_V.nbytes == 8_000_000 and np.all(np.isfinite(res.activity))


@pytest.mark.parametrize("kw,name", [(dict(dt=0.0), "dt"), (dict(T=1.0, transient=2.0), "T"),
                                     (dict(eta=[]), "N"), (dict(eta=[0.0, float("nan")]), "eta"),
                                     (dict(M=5), "M"), (dict(bin_width=0.015), "bin_width"),
                                     (dict(V0=[0.0, 1.0]), "V0"), (dict(tau=-1.0), "tau")])
def test_bad_input(kw, name):
    args = dict(eta=[1.0, 2.0, 3.0], J=1.0, T=1.0, dt=0.01) | kw
    with pytest.raises(ParameterError, match=name):
        simulate_network(**args)


@pytest.mark.parametrize("J", [-2.0, 2.0])
def test_kick_timing_effect_of_dt_is_below_statistical_resolution(J):
    """Kicks at step ends = average delay dt/2; halving dt changes the mean rate by < 3 batch standard errors."""
    eta = lorentzian(1.0, 0.2).quantiles(500)
    a = simulate_network(eta, J=J, T=400, dt=2e-3, transient=20, bin_width=0.02)
    b = simulate_network(eta, J=J, T=400, dt=1e-3, transient=20, bin_width=0.02)
    se = math.hypot(*[x[: len(x) // 40 * 40].reshape(40, -1).mean(axis=1).std(ddof=1) / math.sqrt(40)
                      for x in (a.activity, b.activity)])
    assert abs(a.mean_rate - b.mean_rate) < 3 * se


def test_raster_indices_eta_and_final_voltages_share_the_callers_order():
    """raster_i, eta and final_V all index the caller's neurons (the run permutes them internally): at J = 0 the
    spike count of neuron i over T is its own frequency sqrt(eta_i)/pi times T, to within one spike."""
    from shotnoise.numerics import Model
    m = Model(eta_bar=1.0, Delta=0.3, J=0.0, N=40)
    eta = m.excitabilities(draw="random", seed=5)
    res = m.simulate_network(eta=eta, T=100.0, dt=1e-3, bin_width=0.1, raster=40, seed=3)
    assert np.array_equal(res.eta, eta)
    counts = np.bincount(res.raster_i, minlength=40)
    expected = np.sqrt(np.maximum(eta, 0.0)) / np.pi * 100.0
    assert np.all(np.abs(counts - expected) <= 1.0 + 1e-9)
    # the final state continues the run in the same order: a second run from it keeps every neuron's phase
    more = m.simulate_network(eta=eta, T=1e-3, dt=1e-3, bin_width=1e-3, V0=res.final_V, seed=9)
    assert np.allclose(np.arctan(more.final_V), np.arctan(res.final_V), atol=0.05)
