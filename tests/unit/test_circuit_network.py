"""P-population network engine: agreement with the tan/atan reference and with the single-population
simulator, threads, streaming estimates, the order-parameter interval, input validation."""
import math

import numpy as np
import pytest
from scipy import signal

from shotnoise.numerics._generated.circuit_kernels import synapse_step_mean_spike, synapse_step_mean_start
from shotnoise.numerics.circuit.network import initial_states, simulate_populations
from shotnoise.numerics.circuit.network_reference import order_parameter, reference_populations
from shotnoise.numerics.densities import lorentzian
from shotnoise.numerics.qif_network import simulate_network
from shotnoise.numerics.quenched import quenched_rate
from shotnoise.numerics.streaming_welch import WelchAccumulator
from shotnoise.theory.errors import ParameterError

TWO = dict(J=[[1.5, -3.0], [2.5, -1.0]], tau=[1.0, 0.6], I=[0.1, -0.2], r_init=[0.3, 0.5])


def _etas(scale=1.0):
    rng = np.random.default_rng(3)
    return [scale * lorentzian(0.8, 0.4).sample(40, rng), scale * lorentzian(1.2, 0.3).sample(25, rng)]


@pytest.mark.parametrize("tau_s,dt,scale", [((0.3, 0.2), 0.01, 1.0), ((0.0, 0.25), 0.02, 1.0),
                                            ((0.0, 0.0), 0.05, 1.0), ((0.4, 0.0), 0.3, 1.0),
                                            ((0.3, 0.2), 0.4, 300.0)])
def test_fast_path_agrees_with_reference_spike_for_spike(tau_s, dt, scale):
    """P = 2, exponential, delta and mixed synapses; the last case turns fast neurons several times a step."""
    etas = _etas(scale)
    kw = dict(TWO, tau_s=list(tau_s))
    n = int(max(1200, 40 / dt))
    V0s = initial_states(etas, J=kw["J"], tau=kw["tau"], I=kw["I"], r_init=kw["r_init"], seed=7)
    counts, s_ref, _, V_ref = reference_populations(etas, dt=dt, n_steps=n, V0s=V0s, **kw)
    res = simulate_populations(etas, T=n * dt, dt=dt, seed=7, order_parameter_interval=n * dt, threads=1, **kw)
    got = np.round(res.activity * res.N[:, None] * dt).astype(np.int64)
    assert np.array_equal(got, counts.T)
    assert counts.sum() > 200
    for a in range(2):
        assert np.allclose(np.arctan(res.final_V[a]), np.arctan(V_ref[a]), atol=1e-8)
        assert res.Z[a, -1] == pytest.approx(order_parameter(V_ref[a]), abs=1e-9)
        if tau_s[a] > 0:  # bin averages of s: the exact step means from the reference's s at the step starts
            ts, N = tau_s[a], float(res.N[a])
            s_start = np.concatenate([[kw["r_init"][a]], s_ref[:-1, a]])
            expected = s_start * synapse_step_mean_start(dt, ts) + counts[:, a] * synapse_step_mean_spike(dt, ts, N)
            assert np.allclose(res.synaptic[a], expected, rtol=1e-9, atol=0)
    if scale > 1:
        assert res.max_phase_per_step > 2 * math.pi


def test_one_delta_population_reproduces_the_single_population_simulator():
    eta = lorentzian(1.0, 0.3).quantiles(500)
    r = quenched_rate(eta, J=-2.0, I=0.1)
    kw = dict(J=[[-2.0]], tau=[1.0], I=[0.1], r_init=[r])
    res = simulate_populations([eta], tau_s=[0.0], T=30.0, dt=0.01, bin_width=0.01, seed=3, **kw)
    V0 = initial_states([eta], seed=3, **kw)[0]
    ref = simulate_network(eta, J=-2.0, I=0.1, T=30.0, dt=0.01, V0=V0, seed=11)
    assert np.array_equal(res.activity[0], ref.activity)
    assert np.array_equal(res.final_V[0], ref.final_V)


@pytest.mark.parametrize("tau_s", [(0.0, 0.0), (0.3, 0.2)])
def test_threads_give_the_same_spikes(tau_s):
    import numba
    if numba.config.NUMBA_NUM_THREADS < 2:
        pytest.skip("one core")
    g = lorentzian(1.0, 0.3)
    etas = [g.quantiles(3000), g.quantiles(1000)]
    kw = dict(TWO, tau_s=list(tau_s), T=5.0, dt=0.01, bin_width=0.02, order_parameter_interval=0.1, seed=2)
    one = simulate_populations(etas, threads=1, **kw)
    two = simulate_populations(etas, threads=2, **kw)
    assert one.threads == 1 and two.threads == 2
    assert np.array_equal(one.activity, two.activity) and np.array_equal(one.synaptic, two.synaptic)
    assert np.allclose(one.Z, two.Z, rtol=0, atol=1e-12)  # summed in another order


def test_streaming_estimates_equal_the_kept_series():
    g = lorentzian(1.0, 0.3)
    etas = [g.quantiles(300), g.quantiles(150)]
    kw = dict(TWO, tau_s=[0.2, 0.0], T=120.0, dt=0.01, transient=10.0, bin_width=0.02, segment=10.0, seed=5)
    kept = simulate_populations(etas, keep_series=True, **kw)
    lean = simulate_populations(etas, keep_series=False, **kw)
    assert lean.activity is None and lean.Z is None and kept.activity.shape == (2, kept.n_bins)
    assert np.allclose(lean.mean_rate, kept.activity.mean(axis=1), rtol=1e-12)
    assert np.allclose(lean.mean_synaptic, kept.synaptic.mean(axis=1), rtol=1e-12)
    assert np.allclose(lean.mean_rate_Z, kept.r_Z.mean(axis=1), rtol=1e-12)
    assert np.array_equal(kept.synaptic[1], kept.activity[1])  # delta synapses: s = A
    for a in range(2):
        acc = WelchAccumulator(dt=0.02, segment=10.0)
        acc.add(kept.activity[a])
        assert np.allclose(lean.spectra[a].psd, acc.spectrum().psd, rtol=1e-10)
        assert np.allclose(lean.cross_spectra[a, a].real, acc.spectrum().psd, rtol=1e-10)
    # convention S_ab = <A_a conj A_b>: scipy's csd(x, y) is conj(X) Y, i.e. S_ba
    _, csd = signal.csd(kept.activity[1], kept.activity[0], fs=50.0, window="hann", nperseg=500,
                        return_onesided=False, scaling="density")
    n = lean.cross_omega.size
    assert np.allclose(lean.cross_spectra[0, 1], csd[:n], rtol=1e-9, atol=1e-12 * np.abs(csd).max())
    assert np.allclose(lean.cross_spectra[1, 0], np.conj(lean.cross_spectra[0, 1]))
    assert np.all((lean.coherence[0, 1] >= 0) & (lean.coherence[0, 1] <= 1 + 1e-12))
    d = lean.to_dict()
    assert d["populations"] == ["0", "1"] and set(d["spectra"]) == {"0", "1"} and set(d["cross"]) == {"0|1"}
    assert np.allclose(d["cross"]["0|1"]["re"], lean.cross_spectra[0, 1].real)
    assert np.allclose(d["cross"]["0|1"]["im"], lean.cross_spectra[0, 1].imag)


@pytest.mark.parametrize("bw_steps,interval,expected", [(1, None, 20), (3, None, 21), (24, None, 24),
                                                       (1, 0.03, 3), (2, 0.0, 0)])
def test_order_parameter_interval(bw_steps, interval, expected):
    """Default: the smallest multiple of the bin >= Z_MIN_STEPS = 20 steps; explicit multiples of dt; 0 = none."""
    g = lorentzian(1.0, 0.3)
    res = simulate_populations([g.quantiles(100)], J=[[0.5]], tau=[1.0], tau_s=[0.1], I=[0.0], r_init=[0.3],
                               T=1.2, dt=0.01, bin_width=bw_steps * 0.01, order_parameter_interval=interval)
    assert res.order_parameter_interval == pytest.approx(expected * 0.01)
    if expected:
        assert res.Z.shape == (1, 120 // expected) and np.all(np.abs(res.Z) <= 1 + 1e-12)
    else:
        assert res.Z is None and np.isnan(res.mean_rate_Z[0])


def test_exponential_synapses_rate_matches_the_quenched_rate():
    """One population with exponential synapses: the mean input is J tau r whatever tau_s, so the rate is the
    sample's self-consistent rate; tolerance 4 standard errors of 40 batch means of the run itself."""
    eta = lorentzian(1.0, 0.2).quantiles(400)
    for J in (-2.0, 2.0):
        q = quenched_rate(eta, J=J)
        res = simulate_populations([eta], J=[[J]], tau=[1.0], tau_s=[0.5], I=[0.0], r_init=[q], T=320.0, dt=0.01,
                                   transient=20.0, bin_width=0.05)
        a = res.activity[0]
        bm = a[: a.size // 40 * 40].reshape(40, -1).mean(axis=1)
        se = bm.std(ddof=1) / math.sqrt(40)
        assert abs(a.mean() - q) < 4 * se, (J, a.mean(), q, se)
        # s integrates the same spikes: equal means up to the boundary terms (s(T) - s(T0)) tau_s / (T - T0)
        assert abs(res.mean_synaptic[0] - res.mean_rate[0]) < 5 * q * 0.5 / 300.0


@pytest.mark.parametrize("kw,name", [(dict(etas=np.ones(3)), "etas"), (dict(J=[[1.0]]), "J"),
                                     (dict(tau=[1.0, 0.0]), "tau"), (dict(tau_s=[-0.1, 0.0]), "tau_s"),
                                     (dict(r_init=[0.1]), "r_init"), (dict(I=[0.0, np.nan]), "I"),
                                     (dict(dt=0.0), "dt"), (dict(T=1.0, transient=1.0), "T"),
                                     (dict(bin_width=0.015), "bin_width"), (dict(threads=0), "threads"),
                                     (dict(threads=10**6), "threads"), (dict(order_parameter_interval=0.005), "order_"),
                                     (dict(segment=100.0), "segment"), (dict(etas=[[1.0], []]), "etas"),
                                     (dict(seed=-1), "seed"), (dict(keep_series="yes"), "keep_series")])
def test_bad_input(kw, name):
    args = dict(etas=[[1.0, 2.0], [0.5]], J=[[0.0, 1.0], [1.0, 0.0]], tau=[1.0, 1.0], tau_s=[0.0, 0.1],
                I=[0.0, 0.0], r_init=[0.2, 0.2], T=1.0, dt=0.01) | kw
    etas = args.pop("etas")
    with pytest.raises(ParameterError, match=name):
        simulate_populations(etas, **args)


def test_single_population_simulator_threads_and_order_parameter_interval():
    """qif_network with 2 threads: the same spikes (raster, M-subset) as with 1; Z at its own interval."""
    import numba
    if numba.config.NUMBA_NUM_THREADS < 2:
        pytest.skip("one core")
    eta = lorentzian(1.0, 0.3).quantiles(3000)
    kw = dict(J=-1.5, T=4.0, dt=0.01, bin_width=0.01, M=700, raster=300, seed=4)
    one = simulate_network(eta, threads=1, **kw)
    two = simulate_network(eta, threads=2, **kw)
    assert one.threads == 1 and two.threads == 2
    for attr in ("activity", "activity_M", "raster_t", "raster_i", "final_V"):
        assert np.array_equal(getattr(one, attr), getattr(two, attr)), attr
    assert one.order_parameter_interval == pytest.approx(0.2) and one.Z.size == 20
    assert np.allclose(one.Z, two.Z, rtol=0, atol=1e-12)
    every = simulate_network(eta, threads=1, order_parameter_interval=0.01, **kw)
    assert np.allclose(every.Z[19::20], one.Z, rtol=0, atol=1e-13) and every.r_Z.size == 400
    none = simulate_network(eta, threads=1, order_parameter_interval=0.0, **kw)
    assert none.Z is None and math.isnan(none.mean_rate_Z) and none.to_dict()["mean_rate_Z"] is None
