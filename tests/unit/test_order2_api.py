"""spectra(omega, order=2), spectrum --order 2 and simulate network --order 2: layout, units and refusals."""
from __future__ import annotations

import json

import numpy as np
import pytest

from shotnoise.numerics import Model
from shotnoise.theory.errors import ParameterError
from shotnoise.validation.cli import main

W = np.array([0.3, 1.6, 3.3])


def test_spectra_order2_attaches_the_second_order_terms():
    op = Model(eta_bar=1.0, Delta=0.05, J=-3.0, N=100).operating_point()
    lin = op.spectra(W)
    sp = op.spectra(W, order=2)
    assert lin.second_order is None and "second_order" not in lin.to_dict()
    np.testing.assert_array_equal(sp.activity, lin.activity)  # the linear columns are unchanged
    so = sp.second_order
    assert so.activity.shape == W.shape and set(so.components) == {
        "gaussian_k2", "k1_k3_mean_shift", "k1_k3_mixing", "bispectrum", "shot_mean_shift"}
    np.testing.assert_allclose(sum(so.components.values()), so.activity, rtol=1e-12, atol=0)
    rs = op.rate_shift()
    assert so.rate_shift == rs.delta_r and so.rate_shift_components["own_spike_feedback"] == pytest.approx(
        rs.components["own_spike_feedback"] / 100)
    d = sp.to_dict()["second_order"]
    assert {"activity", "rate_shift", "components"} <= set(d) and len(d["activity"]) == W.size


def test_the_correction_scales_as_one_over_N_squared():
    a = Model(eta_bar=2.0, Delta=0.2, J=-4.0, N=100).operating_point().spectra(W, order=2).second_order
    b = Model(eta_bar=2.0, Delta=0.2, J=-4.0, N=400).operating_point().spectra(W, order=2).second_order
    np.testing.assert_allclose(b.activity * 16, a.activity, rtol=1e-9)
    assert b.rate_shift * 4 == pytest.approx(a.rate_shift, rel=1e-12)


def test_order_is_validated():
    op = Model(eta_bar=1.0, Delta=0.5, J=-1.0, N=100).operating_point()
    with pytest.raises(ParameterError, match="order"):
        op.spectra(W, order=3)
    with pytest.raises(ParameterError, match="Lorentzian"):
        Model(eta_bar=1.0, Delta=0.5, J=-1.0, N=100, heterogeneity="gaussian").operating_point().spectra(W, order=2)


def test_spectrum_order2_json(capsys):
    assert main(["spectrum", "--eta-bar", "1", "--delta", "0.05", "--J", "-3", "--N", "100", "--omega", "0.3,1.6",
                 "--order", "2", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    so = d["second_order"]
    assert isinstance(so["rate_shift"], float) and len(so["activity"]) == 2 and so["components"]
    np.testing.assert_allclose(np.array(d["activity"]) + np.array(so["activity"]), d["activity_order2"])


def test_spectrum_order2_refuses_other_families(capsys):
    assert main(["spectrum", "--eta-bar", "1", "--delta", "0.5", "--J", "-1", "--N", "100", "--omega", "0.3",
                 "--order", "2", "--heterogeneity", "gaussian"]) == 2
    assert "Lorentzian" in capsys.readouterr().err


def test_simulate_network_order2(capsys):
    assert main(["simulate", "network", "--eta-bar", "1", "--delta", "0.5", "--J", "-1", "--N", "50", "--T", "120",
                 "--dt", "2e-3", "--transient", "20", "--order", "2", "--quiet", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    c = Model(eta_bar=1.0, Delta=0.5, J=-1.0, N=50).operating_point().rate_shift().delta_r
    assert d["quenched_rate_order2"] == pytest.approx(d["quenched_rate"] + c, rel=1e-12)
    sp = d["spectrum"]
    assert len(sp["theory_order2"]) == len(sp["theory"]) and sp["rate_shift"]["c"] == pytest.approx(c * 50)


@pytest.mark.parametrize("params", [dict(eta_bar=1.0, Delta=0.5, J=-1.0), dict(eta_bar=1.5, Delta=0.15, J=3.0)])
def test_correction_obeys_the_spike_train_sum_rule(params):
    """A spike train's spectrum tends to its mean rate/N at high frequency; the network fires at r0 + c/N, so the
    O(1/N^2) correction must tend to c/N^2 (the other terms decay like 1/omega^2 and faster)."""
    op = Model(**params, N=100).operating_point()
    so = op.spectra(np.array([2000.0]), order=2).second_order
    c = op.rate_shift().c
    assert so.activity[0] * 100**2 == pytest.approx(c, rel=1e-3)


def test_time_and_input_rescaling():
    """tau -> 2 tau halves every rate: c/N halves, S2_activity(omega/2) halves (S_s ~ rate, omega ~ 1/tau), the
    voltage correction doubles; I shifts eta_bar (eta_bar = 1, I = 0.5 equals eta_bar = 1.5, I = 0)."""
    w = np.array([0.3, 1.7, 4.0])
    a = Model(eta_bar=1.5, Delta=0.15, J=3.0, N=100).operating_point().spectra(w, order=2).second_order
    b = Model(eta_bar=1.5, Delta=0.15, J=3.0, N=100, tau=2.0).operating_point().spectra(w / 2, order=2).second_order
    c = Model(eta_bar=1.0, Delta=0.15, J=3.0, N=100, I=0.5).operating_point().spectra(w, order=2).second_order
    np.testing.assert_allclose(b.activity, a.activity / 2, rtol=1e-4)
    np.testing.assert_allclose(b.voltage, a.voltage * 2, rtol=1e-4)
    assert b.rate_shift == pytest.approx(a.rate_shift / 2, rel=1e-6)
    np.testing.assert_allclose(c.activity, a.activity, rtol=1e-6)
    assert c.rate_shift == pytest.approx(a.rate_shift, rel=1e-9)


def test_order_must_be_an_integer_keyword():
    op = Model(eta_bar=1.0, Delta=0.5, J=-1.0, N=100).operating_point()
    for bad in (True, 2.5, "2"):
        with pytest.raises(ParameterError, match="order"):
            op.spectra(W, order=bad)
    with pytest.raises(TypeError):
        op.spectra(W, 2)  # keyword-only
