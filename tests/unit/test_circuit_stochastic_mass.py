"""Stochastic mass model of a circuit: parity with the one-population model, the compiled loop against its readable
reference, the Ito = Stratonovich statement, the covariance of the mean-shift prediction, and input validation."""
import json

import numpy as np
import pytest

from shotnoise.numerics import Model, ParameterError
from shotnoise.numerics.circuit.model import Circuit, Population
from shotnoise.numerics.circuit import stochastic_mass as csm
from shotnoise.numerics.circuit.mean_shift import state_covariance
from shotnoise.numerics.circuit.stochastic_mass_reference import ito_stratonovich_drift, reference_run


def ei(N_E=800, N_I=200, delta_I=False, poles=None):
    """The issue's E-I model (optionally: delta synapses for I, multi-pole E)."""
    extra = {} if poles is None else {"heterogeneity": "multipole", "poles": poles}
    pops = [Population(name="E", N=N_E, eta_bar=1.0, Delta=0.1, tau=1.0, tau_s=0.2, **extra),
            Population(name="I", N=N_I, eta_bar=0.5, Delta=0.1, tau=0.5, tau_s=0.0 if delta_I else 0.3)]
    return Circuit(populations=pops, coupling={"E": {"E": 2.0, "I": -4.0}, "I": {"E": 3.0, "I": -2.0}})


@pytest.mark.parametrize("family", [{}, {"heterogeneity": "multipole", "poles": 2}], ids=["lorentzian", "multipole2"])
@pytest.mark.parametrize("noise", ["white", "colored", "surrogate"])
@pytest.mark.parametrize("scheme", ["euler", "heun"])
def test_one_population_equals_todays_model_to_rounding(family, noise, scheme):
    """P = 1, delta synapse: same random streams as Model.simulate_stochastic_mass, so the same run to rounding."""
    m = Model(eta_bar=1.0, Delta=0.1, J=-2.0, N=300, **family)
    kw = dict(T=6.0, dt=1e-3, noise=noise, scheme=scheme, seed=11, bin_width=0.01, transient=1.0)
    a = m.simulate_stochastic_mass(**kw)
    b = Circuit.from_model(m).simulate_stochastic_mass(**kw)
    assert b.activity.shape == (1, a.s.size)
    for x, y in ((a.s, b.activity[0]), (a.r, b.r[0]), (a.v, b.v[0]), (a.s, b.s[0])):
        np.testing.assert_allclose(y, x, rtol=0, atol=1e-12 * np.abs(x).max())
    assert b.mean_activity[0] == pytest.approx(a.mean_rate, rel=1e-12)


def _compiled(circuit, x0, *, dt, n, kind, scheme, xi=None, seed=-1):
    """Run the compiled loop directly on a given state (bins of one step, no transient); returns the states."""
    st = circuit.structure
    P = st.P
    arrays = (st.mode_pop.astype(np.int64), st.poles.astype(complex), st.I.astype(float), st.tau.astype(float),
              st.tau_s.astype(float), st.synapse_index.astype(np.int64), np.array(st.J), np.array(st.R_r),
              np.array(st.R_v), np.array(st.R_s), np.array(st.D_delta), st.noise_matrix())
    x = np.array(x0, dtype=float)
    states = [x.copy()]
    for k in range(n):  # one step per call, to record every state
        outs = [np.zeros((P, 1)) for _ in range(4)]
        xs = xi[:, k:k + 1] if xi is not None else np.zeros((P, 1))
        bad = csm._integrate(x, dt, k, 1, 1, 0, k, scheme, kind, xs, np.array(circuit.N, dtype=float), np.zeros(0),
                             np.zeros(P + 1, dtype=np.int64), np.zeros(0), *arrays, seed if k == 0 else -1, *outs)
        assert bad == -1
        states.append(x.copy())
    return np.array(states)


@pytest.mark.parametrize("scheme", ["euler", "heun"])
@pytest.mark.parametrize("circuit", [ei(), ei(delta_I=True, poles=3)], ids=["exponential", "mixed-multipole"])
def test_compiled_loop_equals_readable_reference(circuit, scheme):
    """The numba loop (drift from mode_rhs/synapse_rhs, noise B xi) vs reference_run on Structure.rhs(x, xi)."""
    op = circuit.operating_point(require_stable=False)
    rng = np.random.default_rng(2)
    x0 = op.x * (1 + 0.05 * rng.standard_normal(op.x.size))
    dt, n, sch = 1e-3, 300, csm.SCHEMES.index(scheme)
    xi = 3.0 * rng.standard_normal((circuit.P, n))
    got = _compiled(circuit, x0, dt=dt, n=n, kind=1, scheme=sch, xi=xi)
    ref = reference_run(circuit, x0=x0, xi=xi, dt=dt, scheme=scheme)
    np.testing.assert_allclose(got, ref, rtol=1e-11, atol=1e-12)
    # white noise: numba's generator is numpy's legacy Mersenne twister, one normal per population per step
    got = _compiled(circuit, x0, dt=dt, n=n, kind=0, scheme=sch, seed=99)
    dW = np.sqrt(dt) * np.random.RandomState(99).standard_normal((n, circuit.P)).T
    ref = reference_run(circuit, x0=x0, xi=None, dW=dW, N=circuit.N, dt=dt, scheme=scheme)
    np.testing.assert_allclose(got, ref, rtol=1e-11, atol=1e-12)


@pytest.mark.parametrize("circuit", [ei(), ei(delta_I=True), ei(delta_I=True, poles=4)],
                         ids=["exponential", "mixed", "mixed-multipole"])
def test_ito_equals_stratonovich(circuit):
    """No rate has a noise term (R_r B = 0), so the Ito-Stratonovich drift correction vanishes."""
    st = circuit.structure
    B = st.noise_matrix()
    assert np.abs(st.R_r @ B).max() <= 1e-14 * np.abs(B).max()
    x = st.fixed_state(np.array([0.05, 0.3]))  # any state (the 4-pole E-I fixed point: E nearly silent)
    assert np.abs(ito_stratonovich_drift(circuit, x)).max() <= 1e-14 * np.abs(B).max() ** 2
    # and the noise does enter: the synaptic rows (exponential) or the Im w rows (delta)
    for b, p in enumerate(circuit.populations):
        k = st.synapse_index[b]
        if k >= 0:
            assert B[k, b] == pytest.approx(1 / p.tau_s) and np.count_nonzero(B[:, b]) == 1
        else:
            M = st.n_modes
            assert np.all(B[0:2 * M:2, b] == 0)
            np.testing.assert_allclose(B[1:2 * M:2, b], circuit.J[st.mode_pop, b])


def test_runs_are_seeded_streamed_and_serialisable():
    c = ei()
    kw = dict(T=30.0, dt=2e-3, bin_width=0.02, transient=5.0, segment=5.0)
    a = c.simulate_stochastic_mass(seed=4, **kw)
    b = c.simulate_stochastic_mass(seed=4, **kw)
    d = c.simulate_stochastic_mass(seed=5, **kw)
    assert np.array_equal(a.activity, b.activity) and not np.array_equal(a.activity, d.activity)
    assert a.activity.shape == a.r.shape == a.v.shape == a.s.shape == (2, a.n_bins) == (2, 1250)
    np.testing.assert_allclose(a.mean_activity, a.activity.mean(axis=1), rtol=1e-12)
    lean = c.simulate_stochastic_mass(seed=4, keep_series=False, **kw)
    assert lean.activity is None
    np.testing.assert_allclose(lean.mean_activity, a.mean_activity, rtol=1e-13)
    np.testing.assert_allclose(lean.spectra["I"].psd, a.spectra["I"].psd, rtol=1e-12)
    np.testing.assert_allclose(a.cross["E|I"].psd, lean.cross["E|I"].psd, rtol=1e-12)
    d = json.loads(json.dumps(a.to_dict()))
    assert d["populations"] == ["E", "I"] and d["bins"] == 1250 and "E|I" in d["cross"]
    assert set(d["mean"]["E"]) == {"activity", "r", "v", "s"}
    np.testing.assert_array_equal(a.series("I", "s"), a.s[1])


@pytest.mark.parametrize("noise", ["white", "colored", "surrogate"])
def test_mixed_circuit_runs_every_noise(noise):
    """A delta-synapse I with an exponential-synapse E: activity of I is its synaptic variable."""
    c = ei(N_E=400, N_I=100, delta_I=True)
    run = c.simulate_stochastic_mass(T=20.0, dt=2e-3, noise=noise, bin_width=0.02, transient=2.0, seed=1)
    assert np.all(np.isfinite(run.activity)) and np.all(run.r > 0)
    np.testing.assert_allclose(run.s[1], run.activity[1], rtol=1e-12)  # delta synapse: s = A
    assert not np.allclose(run.s[0], run.activity[0])                   # exponential: s filters A


def test_covariance_quadrature_reproduces_lyapunov():
    op = ei().operating_point()
    a = state_covariance(op, noise="white")
    b = state_covariance(op, noise="white", quadrature=True)
    np.testing.assert_allclose(b, a, rtol=0, atol=1e-8 * np.abs(a).max())


def test_inputs_are_validated_with_the_parameter_named():
    c = ei()
    ok = dict(T=1.0, dt=1e-3)
    for kw, name in [(dict(noise="pink"), "noise"), (dict(scheme="rk4"), "scheme"), (dict(T=-1.0), "T"),
                     (dict(dt=0.0), "dt"), (dict(bin_width=0.0025), "bin_width"), (dict(transient=1.0), "transient"),
                     (dict(segment=5.0), "segment"), (dict(seed=-1), "seed")]:
        with pytest.raises(ParameterError, match=name):
            c.simulate_stochastic_mass(**{**ok, **kw})
    no_N = Circuit(populations=[Population(name="E", eta_bar=1.0, Delta=0.1, tau_s=0.2, N=100),
                                Population(name="I", eta_bar=1.0, Delta=0.1)], coupling=[[0, -1], [1, 0]])
    with pytest.raises(ParameterError, match=r"populations\.I\.N"):
        no_N.simulate_stochastic_mass(**ok)
    with pytest.raises(ParameterError, match="index"):
        c.simulate_stochastic_mass(index=3, **ok)
