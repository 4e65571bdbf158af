"""The spine: Model -> OperatingPoint (validation, caching, data round trips, what it returns)."""
import json
import math

import numpy as np
import pytest

import shotnoise.numerics.mpr as mpr
from shotnoise.numerics import Model, OperatingPoint, ParameterError, welch


def test_model_is_keyword_only_with_defaults():
    with pytest.raises(TypeError):
        Model(1.0, 0.1, -2.0)  # noqa: the order of positional arguments is not part of the API
    m = Model(eta_bar=1.0, Delta=0.1, J=-2.0)
    assert (m.I, m.tau, m.N, m.M, m.heterogeneity) == (0.0, 1.0, None, None, "lorentzian")


@pytest.mark.parametrize("kw,name", [({"Delta": 0}, "Delta"), ({"tau": -1}, "tau"), ({"eta_bar": math.nan}, "eta_bar"),
                                     ({"J": math.inf}, "J"), ({"N": 0.5}, "N"), ({"N": 10, "M": 11}, "M"),
                                     ({"M": 3}, "M"), ({"heterogeneity": "cauchy"}, "heterogeneity")])
def test_bad_parameters_raise_parameter_error_naming_them(kw, name):
    with pytest.raises(ParameterError, match=name):
        Model(**{"eta_bar": 1.0, "Delta": 0.1, "J": -2.0, **kw})
    assert issubclass(ParameterError, ValueError)


def test_fixed_points_are_solved_once_per_model(monkeypatch):
    calls = []
    real = mpr.fixed_points
    monkeypatch.setattr(mpr, "fixed_points", lambda p: calls.append(p) or real(p))
    m = Model(eta_bar=1.0, Delta=0.05, J=-3.0, N=200)
    op = m.operating_point()
    op.expected_welch(segment=50.0, bin_width=0.02)
    op.spectra(np.linspace(0.1, 5, 7))
    m.fixed_points()
    assert len(calls) == 1


def test_operating_point_values_and_dict():
    m = Model(eta_bar=2.0, Delta=0.2, J=-4.0, N=1000)
    op = m.operating_point()
    assert isinstance(op, OperatingPoint) and op.stable and op.branch is None
    # pi tau r0 = Re sqrt(eta_t + i Delta) and v0 = -Delta / (2 pi tau r0)
    assert math.pi * op.r == pytest.approx(np.sqrt(complex(op.eta_t, 0.2)).real, rel=1e-12)
    assert op.v == pytest.approx(-0.2 / (2 * math.pi * op.r), rel=1e-12)
    assert op.eta_t == pytest.approx(2.0 - 4.0 * op.r, rel=1e-14)
    d = op.to_dict()
    assert json.loads(json.dumps(d)) == d and set(d) >= {"r", "v", "stability", "eigenvalues", "eta_t", "branch"}


def test_spectra_need_N_and_stability():
    with pytest.raises(ParameterError, match="N"):
        Model(eta_bar=1.0, Delta=0.1, J=-2.0).operating_point().spectra([1.0])
    saddle = Model(eta_bar=-5, Delta=1, J=15, N=100).operating_point(branch="mid", require_stable=False)
    with pytest.raises(ParameterError, match="saddle"):
        saddle.binned(bin_width=0.02)
    with pytest.raises(ParameterError, match="kind"):
        Model(eta_bar=1.0, Delta=0.1, J=-2.0, N=10).operating_point().binned(bin_width=0.1, kind="pink")


def test_expected_welch_lies_on_the_welch_grid_and_integrates_to_the_variance():
    m = Model(eta_bar=1.0, Delta=0.1, J=-2.0, N=500)
    op = m.operating_point()
    e = op.expected_welch(segment=50.0, bin_width=0.02)
    est = welch(np.random.default_rng(0).standard_normal(10_000), dt=0.02, segment=50.0)
    assert np.array_equal(e.omega, est.omega)
    # variance of the binned activity = int S_d d omega / 2 pi over the Nyquist band; the
    # window expectation preserves it (a circular convolution with a kernel of unit mass)
    S_d = op.binned(bin_width=0.02)
    w = np.linspace(-np.pi / 0.02, np.pi / 0.02, 200_001)
    var = np.trapezoid(S_d(w), w) / (2 * np.pi)
    dw = e.omega[1] - e.omega[0]
    var_e = (2 * e.psd[1:].sum() + e.psd[0]) * dw / (2 * np.pi)
    assert var_e == pytest.approx(var, rel=2e-3)
    assert set(e.to_dict()) >= {"convention", "omega", "psd", "segment", "bin_width", "kind"}


def test_binned_spectrum_tends_to_the_unbinned_one_for_small_bins():
    op = Model(eta_bar=1.0, Delta=0.1, J=-2.0, N=500).operating_point()
    w = np.array([0.5, 1.5, 3.0])
    coarse = op.binned(bin_width=0.05)(w)
    fine = op.binned(bin_width=0.001)(w)
    exact = op.spectra(w).activity
    assert np.allclose(fine, exact, rtol=1e-3) and not np.allclose(coarse, exact, rtol=1e-3)


def test_model_dict_and_file_round_trip(tmp_path):
    m = Model(eta_bar=1.5, Delta=0.15, J=3.0, I=0.2, tau=2.0, N=1500, M=100)
    assert Model.from_dict(m.to_dict()) == m
    assert Model.from_dict(m.flat_dict()) == m
    f = tmp_path / "m.json"
    f.write_text(json.dumps(m.to_dict()))
    assert Model.from_file(f) == m
    assert m.replace(J=-1.0).J == -1.0 and m.replace(J=-1.0).N == 1500


def test_circuit_documents_give_a_circuit():
    """Several populations or synaptic filtering: Model.from_dict / from_file give a Circuit."""
    from shotnoise.numerics.circuit.model import Circuit

    for doc in ({"populations": {"E": {"eta_bar": 1, "Delta": 1, "tau_s": 0.2}}},
                {"populations": {"E": {"eta_bar": 1, "Delta": 1}, "I": {"eta_bar": 1, "Delta": 1}}}):
        assert isinstance(Model.from_dict(doc), Circuit)
        with pytest.raises(ParameterError, match="overrides"):
            Model.from_dict(doc, J=1.0)
    with pytest.raises(ParameterError, match="a Model has exactly one population"):
        Model.fields_of({"populations": {"E": {"eta_bar": 1, "Delta": 1}, "I": {"eta_bar": 1, "Delta": 1}}})


@pytest.mark.parametrize("doc,needle", [
    ({"populations": {"E": {"eta_bar": 1, "Delta": 1, "tau_s": -0.2}}}, "tau_s"),
    ({"populations": {"E": {"eta_bar": 1, "Delta": 1}, "I": {"eta_bar": 1}}}, "populations.I.Delta"),
    ({"populations": {"E": {"eta_bar": 1, "Delta": 1}}, "coupling": {"E": {"X": 1.0}}}, "coupling"),
    ({"populations": {"E": {"eta_bar": 1}}}, "Delta"),
    ({"eta_bar": 1, "Delta": 1, "J": 0, "gain": 2}, "gain"),
])
def test_model_dict_errors_name_the_key(doc, needle):
    with pytest.raises(ParameterError, match=needle):
        Model.from_dict(doc)


def test_model_file_errors(tmp_path):
    with pytest.raises(ParameterError, match="cannot read"):
        Model.from_file(tmp_path / "missing.json")
    (tmp_path / "bad.json").write_text("{not json")
    with pytest.raises(ParameterError, match="not valid JSON"):
        Model.from_file(tmp_path / "bad.json")


def test_excitabilities_and_self_consistent_rate():
    m = Model(eta_bar=1.0, Delta=0.5, J=-1.0, N=5)
    j = np.arange(1, 6)
    assert np.allclose(m.excitabilities(draw="quantile"), 1.0 + 0.5 * np.tan(np.pi / 2 * (2 * j - 6) / 6))
    a, b = m.excitabilities(draw="random", seed=3), m.excitabilities(draw="random", seed=3)
    assert np.array_equal(a, b) and not np.array_equal(a, m.excitabilities(draw="random", seed=4))
    with pytest.raises(ParameterError, match="draw"):
        m.excitabilities(draw="sobol")
    assert m.self_consistent_rate() == pytest.approx(m.operating_point().r, rel=1e-12)
    g = m.replace(heterogeneity="gaussian")
    r = g.self_consistent_rate()
    assert 0 < r < 1 and r == g.fixed_points()[-1].r  # every family has fixed points now
    with pytest.raises(ParameterError, match="trajectory"):  # but only the Lorentzian an (r, v) trajectory
        g.integrate(r0=0.1, v0=-1.0, T=1.0, dt=0.1)


def test_nearest_stable_point_of_a_bistable_model():
    m = Model(eta_bar=-5, Delta=1, J=15)
    assert m.nearest_stable_point(r=0.9).branch == "high"
    assert m.nearest_stable_point(r=0.3).branch == "low"  # the saddle (0.47) is never chosen


def test_network_and_mass_runs_are_reproducible_results():
    m = Model(eta_bar=1.0, Delta=0.2, J=-1.0, N=200, M=20)
    a = m.simulate_network(T=5.0, dt=0.01, bin_width=0.02, draw="random", seed=2)
    b = m.simulate_network(T=5.0, dt=0.01, bin_width=0.02, draw="random", seed=2)
    assert np.array_equal(a.activity, b.activity) and a.activity_M is not None
    s = m.simulate_stochastic_mass(T=5.0, dt=0.01, noise="colored", seed=1)
    assert json.loads(json.dumps(s.to_dict()))["noise"] == "colored"
