"""Circuit model: the model file, validation of every key, parameter paths, fixed points (all of them)."""
import json

import numpy as np
import pytest

from shotnoise.numerics import Model, ParameterError
from shotnoise.numerics.circuit.fixed_points import index_of, rate_box, rates, transfer
from shotnoise.numerics.circuit.model import Circuit, Population, load_model

EI = {"populations": {"E": {"N": 800, "eta_bar": 1.0, "Delta": 0.1, "tau": 1.0, "tau_s": 0.2},
                      "I": {"N": 200, "eta_bar": 0.5, "Delta": 0.1, "tau": 0.5, "tau_s": 0.3,
                            "heterogeneity": "lorentzian"}},
      "coupling": {"E": {"E": 2.0, "I": -4.0}, "I": {"E": 3.0, "I": -2.0}},
      "input": {"E": 0.0, "I": 0.0}}


def test_model_file_round_trip(tmp_path):
    c = Circuit.from_dict(EI)
    assert c.names == ("E", "I")
    assert c.J[0, 1] == -4.0 and c.J[1, 0] == 3.0  # coupling[a][b] = J_ab from b onto a
    assert Circuit.from_dict(c.to_dict()) == c
    f = tmp_path / "ei.json"
    f.write_text(json.dumps(EI))
    assert load_model(f) == c
    # one population with delta synapses is a Model; with a synapse a Circuit
    one = {"populations": {"p": {"N": 100, "eta_bar": 1.0, "Delta": 0.1}}, "coupling": {"p": {"p": -2.0}}}
    f.write_text(json.dumps(one))
    assert isinstance(load_model(f), Model)
    one["populations"]["p"]["tau_s"] = 0.5
    f.write_text(json.dumps(one))
    assert isinstance(load_model(f), Circuit)


@pytest.mark.parametrize("edit, key", [
    (lambda d: d.update(extra=1), "extra"),
    (lambda d: d["populations"]["E"].update(color="red"), "color"),
    (lambda d: d["populations"]["E"].pop("eta_bar"), "populations.E.eta_bar"),
    (lambda d: d["populations"]["E"].update(N=0), "populations.E.N"),
    (lambda d: d["populations"]["E"].update(tau=0.0), "populations.E.tau"),
    (lambda d: d["populations"]["I"].update(tau_s=-0.1), "populations.I.tau_s"),
    (lambda d: d["populations"]["I"].update(Delta=-1), "populations.I.Delta"),
    (lambda d: d["coupling"]["E"].update(X=1.0), "coupling.E.X"),
    (lambda d: d["coupling"].update(X={"E": 1.0}), "coupling.X"),
    (lambda d: d["input"].update(X=1.0), "input.X"),
    (lambda d: d["populations"]["E"].update(heterogeneity="gaussian"), "populations.E.heterogeneity"),
    (lambda d: d["populations"]["E"].update(eta_bar="1"), "populations.E.eta_bar"),
    (lambda d: d["populations"].clear(), "populations"),
])
def test_bad_model_files_name_the_key(edit, key):
    doc = json.loads(json.dumps(EI))
    edit(doc)
    with pytest.raises(ParameterError, match=key.replace(".", r"\.")):
        Circuit.from_dict(doc)


def test_parameter_paths():
    c = Circuit.from_dict(EI)
    assert c.parameter("J.E.I") == -4.0 == c.parameter("coupling.E.I")
    assert c.parameter("I.tau_s") == 0.3
    assert c.with_parameter("input.E", 0.5).population("E").I == 0.5
    assert c.with_parameter("J.I.E", 1.0).J[1, 0] == 1.0
    with pytest.raises(ParameterError, match="populations.E.tau_s"):
        c.with_parameter("E.tau_s", -1.0)
    for bad in ("E.color", "X.tau", "J.E", "J.E.X", 3):
        with pytest.raises(ParameterError):
            c.parameter(bad)


def test_one_population_fixed_points_are_the_models():
    """Including the bistable case (three fixed points) and the eigenvalues, to rounding."""
    for kw in (dict(eta_bar=-5.0, Delta=1.0, J=15.0), dict(eta_bar=2.0, Delta=0.2, J=-4.0),
               dict(eta_bar=1.0, Delta=0.3, J=2.0, heterogeneity="multipole", poles=3)):
        m = Model(N=100, **kw)
        c = Circuit.from_model(m)
        ref, got = m.fixed_points(), c.fixed_points()
        assert len(ref) == len(got)
        for q, p in zip(ref, got):
            assert p.r[0] == pytest.approx(q.r, rel=1e-13)
            assert p.v[0] == pytest.approx(q.v, rel=1e-11, abs=1e-13)
            e1 = np.sort_complex(np.array(q.eigenvalues))
            e2 = np.sort_complex(np.array(p.eigenvalues))
            assert np.allclose(e1, e2, rtol=1e-9, atol=1e-12)
            assert p.stability == q.stability


def test_general_solver_finds_every_fixed_point():
    """Two uncoupled bistable populations: 3 x 3 = 9 fixed points, indices adding up to +1 (the degree), each
    equal to the single-population roots."""
    pops = [Population(name=n, eta_bar=-5.0, Delta=1.0, N=100) for n in "AB"]
    c = Circuit(populations=pops, coupling=[[15.0, 0.0], [0.0, 15.0]])
    single = sorted(q.r for q in Model(eta_bar=-5.0, Delta=1.0, J=15.0).fixed_points())
    got = c.fixed_points()
    assert len(got) == 9
    assert sum(q.index for q in got) == 1
    key = lambda t: tuple(np.round(t, 9))
    pairs = sorted((tuple(q.r) for q in got), key=key)
    want = sorted(((a, b) for a in single for b in single), key=key)
    assert np.allclose(pairs, want, rtol=1e-12)
    # a weak cross-coupling keeps nine; the residual r - Phi(J r) vanishes at every root
    c2 = c.with_parameter("J.A.B", 0.3)
    for q in c2.fixed_points():
        phi, _ = transfer(c2.structure, c2.J @ q.r)
        assert np.allclose(phi, q.r, rtol=1e-13)
    assert len(c2.fixed_points()) == 9


def test_rate_box_bounds_every_root():
    c = Circuit.from_dict(EI)
    lo, hi = rate_box(c)
    for r in rates(c):
        assert np.all(lo <= r) and np.all(r <= hi)
        assert index_of(c.structure, r) in (-1, 1)


def test_operating_point_choice_and_refusal():
    pops = [Population(name="A", eta_bar=-5.0, Delta=1.0, N=100, tau_s=0.1)]
    c = Circuit(populations=pops, coupling=[[15.0]])
    with pytest.raises(ParameterError, match="3 fixed points"):
        c.operating_point()
    assert c.operating_point(index=0).stable
    with pytest.raises(ParameterError, match="linear response needs a stable"):
        c.operating_point(index=1)
    with pytest.raises(ParameterError, match="index must be < 3"):
        c.operating_point(index=3)


def test_nearly_silent_multipole_population():
    """A 4-pole E population that barely fires (r ~ 5e-5; Phi near the rounding of its modes on part of the rate
    box): the seeds that leave the representable range are abandoned, the root is found (regression: was a
    ZeroDivisionError in the compiled Newton)."""
    doc = json.loads(json.dumps(EI))
    doc["populations"]["E"].update(heterogeneity="multipole", poles=4)
    c = Circuit.from_dict(doc)
    (q,) = c.fixed_points()
    assert q.index == 1 and 1e-5 < q.r[0] < 1e-4
    phi, _ = transfer(c.structure, c.J @ q.r)
    assert np.allclose(phi, q.r, rtol=1e-12)


def test_synapse_time_constant_range_and_step():
    """tau_s is 0 or within [1e-8, 1e8] tau (beyond, the synapse's eigenvalue is below the rounding of the others);
    simulations need dt <= tau_s/2 (a faster synapse would lose its input between grid times: the reviewer's
    tau_s = 1e-5, dt = 1e-3 network ran uncoupled)."""
    for bad in (1e-9, 1e9, -1.0):
        with pytest.raises(ParameterError, match="populations.E.tau_s"):
            Population(name="E", eta_bar=1.0, Delta=0.1, tau_s=bad)
    c = Circuit(populations=[Population(name="E", eta_bar=1.0, Delta=0.1, tau_s=1e-3, N=50)], coupling=[[-1.0]])
    with pytest.raises(ParameterError, match="tau_s/2"):
        c.simulate_network(T=1.0, dt=1e-3)
    with pytest.raises(ParameterError, match="tau_s/2"):
        c.simulate_stochastic_mass(T=1.0, dt=1e-3)
    assert c.simulate_network(T=0.1, dt=5e-4).mean_rate[0] > 0
