"""Continuation and Hopf points: the ING-type Hopf of one inhibitory population with an exponential synapse and
the PING-type Hopf of an E-I pair; folds of a bistable population."""
import numpy as np
import pytest

from shotnoise.numerics import ParameterError
from shotnoise.numerics.circuit.model import Circuit, Population

EI = {"populations": {"E": {"N": 800, "eta_bar": 1.0, "Delta": 0.1, "tau": 1.0, "tau_s": 0.2},
                      "I": {"N": 200, "eta_bar": 0.5, "Delta": 0.1, "tau": 0.5, "tau_s": 0.3}},
      "coupling": {"E": {"E": 2.0, "I": -4.0}, "I": {"E": 3.0, "I": -2.0}}, "input": {"E": 0.0, "I": 0.0}}


def ing(J=-20.0, tau_s=1.0):
    return Circuit(populations=[Population(name="I", eta_bar=1.0, Delta=0.05, tau_s=tau_s, N=1000)], coupling=[[J]])


def _crossing_real_part(c):
    (q,) = c.fixed_points()
    return min((z for z in q.eigenvalues if z.imag > 0), key=lambda z: abs(z.real))


def test_ing_hopf_point_is_where_a_complex_pair_crosses():
    res = ing().hopf(parameter="J.I.I", start=-20.0, stop=-45.0, points=26)
    assert len(res.hopf) == 1
    h = res.hopf[0]
    assert -45 < h.value < -20 and h.stable_side == "below"  # strong inhibition stabilises (J below J_H)
    z = _crossing_real_part(ing(J=h.value))
    assert abs(z.real) < 1e-9 * abs(z)
    assert z.imag == pytest.approx(h.frequency, rel=1e-9)
    assert ing(J=h.value - 0.5).operating_point().stable
    assert not ing(J=h.value + 0.5).fixed_points()[0].stable
    # delta synapses: no Hopf at all for one Lorentzian population (its two eigenvalues stay stable)
    res0 = ing(tau_s=0.0).hopf(parameter="J.I.I", start=-1.0, stop=-45.0, points=12)
    assert res0.hopf == [] and all(s.startswith("stable") for s in res0.branches[0].stability)


def test_ping_hopf_point_of_an_e_i_pair():
    c = Circuit.from_dict(EI)
    res = c.hopf(parameter="input.E", start=-1.0, stop=3.0, points=21)
    assert len(res.hopf) == 1
    h = res.hopf[0]
    z = _crossing_real_part(c.with_parameter("input.E", h.value))
    assert abs(z.real) < 1e-9 * abs(z) and z.imag == pytest.approx(h.frequency, rel=1e-9)
    # the quasi-cycle: damping -> 0 and the activity peak grows ~ 1/damping^2 on the approach
    peaks, damp = [], []
    for d in (0.6, 0.3, 0.15):
        op = c.with_parameter("input.E", h.value - d).operating_point()
        qc = op.quasi_cycle()
        w = qc.frequency + np.linspace(-0.5, 0.5, 201) * qc.frequency
        peaks.append(op.spectra(w).auto("activity", "E").max())
        damp.append(qc.damping)
    assert damp[0] > damp[1] > damp[2] > 0
    assert peaks[0] < peaks[1] < peaks[2]
    d = res.to_dict()
    assert d["parameter"] == "input.E" and d["hopf"][0]["frequency"] == h.frequency
    assert set(d["branches"][0]["r"]) == {"E", "I"}


def test_folds_of_a_bistable_population():
    c = Circuit(populations=[Population(name="A", eta_bar=-5.0, Delta=1.0, tau_s=0.2, N=100)], coupling=[[15.0]])
    res = c.hopf(parameter="A.eta_bar", start=-7.0, stop=-2.0, points=26)
    # the closed-form saddle-node values of MPR for Delta = 1, J = 15 (issue 13: AUTO-07p agrees to 1e-10)
    assert sorted(f.value for f in res.folds) == pytest.approx([-5.7435271617, -3.1361340862], abs=1e-8)


def test_bad_continuation_requests():
    c = ing()
    with pytest.raises(ParameterError, match="start and stop"):
        c.hopf(parameter="J.I.I", start=-1.0, stop=-1.0)
    with pytest.raises(ParameterError, match="parameter"):
        c.hopf(parameter="I.colour", start=0.0, stop=1.0)
    with pytest.raises(ParameterError, match="tau_s"):
        c.hopf(parameter="I.tau_s", start=1.0, stop=-1.0, points=5)


def test_ing_hopf_point_equals_the_routh_hurwitz_closed_form():
    """One Lorentzian population with an exponential synapse: the continuation's Hopf point is the root of
    a1 a2 - a3 of the cubic characteristic polynomial (theory.circuit_hopf, 30-digit mpmath)."""
    from shotnoise.theory.circuit_hopf import hopf_point_mpmath

    ref = hopf_point_mpmath(eta_bar_value=1.0, Delta_value=0.1, tau_value=1.0, tau_s_value=0.5)
    c = Circuit(populations=[Population(name="I", eta_bar=1.0, Delta=0.1, tau_s=0.5, N=1000)], coupling=[[-1.0]])
    res = c.hopf(parameter="J.I.I", start=-0.5, stop=-4.0, points=15)
    hs = [h for h in res.hopf if abs(h.value - float(ref["J_H"])) < 0.3]
    assert len(hs) == 1
    assert hs[0].value == pytest.approx(float(ref["J_H"]), rel=1e-9)
    assert hs[0].frequency == pytest.approx(float(ref["omega_H"]), rel=1e-9)
    assert hs[0].rates["I"] == pytest.approx(float(ref["r0"]), rel=1e-9)


def test_continuation_through_the_folds_of_an_e_i_pair():
    """P = 2 through both folds of a bistable E-I pair (regression: the degree check raised at the fold); the
    fold values are where the low and high branches end, and at them det(1 - diag(Phi') J) vanishes."""
    from shotnoise.numerics.circuit.fixed_points import transfer

    c = Circuit(populations=[Population(name="E", eta_bar=-2.0, Delta=0.5, tau_s=0.5, N=1000),
                             Population(name="I", eta_bar=-1.0, Delta=0.5, tau_s=0.2, N=1000)],
                coupling={"E": {"E": 10.0, "I": -1.0}, "I": {"E": 2.0, "I": -1.0}})
    res = c.hopf(parameter="E.eta_bar", start=-4.0, stop=0.0, points=41)
    assert len(res.folds) == 2 and len(res.branches) == 3
    for f in res.folds:
        cf = c.with_parameter("E.eta_bar", f.value)
        r = np.array([f.rates["E"], f.rates["I"]])
        _, dphi = transfer(cf.structure, cf.J @ r)
        assert abs(np.linalg.det(np.eye(2) - dphi[:, None] * cf.J)) < 1e-4
        assert len(c.with_parameter("E.eta_bar", f.value + (0.01 if f.value < -2 else -0.01)).fixed_points()) == 3


def test_hopf_point_found_while_another_pair_is_unstable():
    """Two uncoupled ING populations, A unstable throughout: B's Hopf point in B.tau_s is found (the crossing
    pair is matched between the grid points) and changes no stability (stable_side None)."""
    pops = [Population(name="A", eta_bar=1.0, Delta=0.1, tau_s=1.0, N=1000),
            Population(name="B", eta_bar=1.0, Delta=0.1, tau_s=0.5, N=1000)]
    c = Circuit(populations=pops, coupling={"A": {"A": -5.0}, "B": {"B": -5.0}})
    alone = Circuit(populations=[pops[1]], coupling=[[-5.0]]).hopf(parameter="B.tau_s", start=0.1, stop=1.0, points=3)
    res = c.hopf(parameter="B.tau_s", start=0.1, stop=1.0, points=3)
    assert len(res.hopf) == 1 == len(alone.hopf)
    assert res.hopf[0].value == pytest.approx(alone.hopf[0].value, rel=1e-9)
    assert res.hopf[0].stable_side is None and alone.hopf[0].stable_side is not None
