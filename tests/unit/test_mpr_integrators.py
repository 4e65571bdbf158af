"""Deterministic integrators of the MPR model."""
import numpy as np
import pytest

from shotnoise.numerics import Model, ParameterError
from shotnoise.numerics.mpr import integrate
from shotnoise.numerics.parameters import MPRParameters


def test_rk4_and_solve_ivp_agree_and_converge_to_fixed_points():
    m = Model(eta_bar=-5, Delta=1, J=15)
    a = m.integrate(r0=0.1, v0=-2.0, T=30.0, dt=1e-3, save_every=100)
    b = m.integrate(r0=0.1, v0=-2.0, T=30.0, dt=1e-3, method="solve_ivp", save_every=100)
    assert np.allclose(a.r, b.r, rtol=1e-7, atol=1e-9) and np.allclose(a.v, b.v, rtol=1e-7, atol=1e-9)
    low, _, high = m.fixed_points()
    assert a.r[-1] == pytest.approx(low.r, rel=1e-9)
    c = m.integrate(r0=1.5, v0=-0.1, T=60.0, dt=1e-3)
    assert c.r[-1] == pytest.approx(high.r, rel=1e-8)


def test_rk4_fourth_order():
    p = MPRParameters(-2, 0.5, 3, 0.0, 1.0)
    ref = integrate(p, r0=0.2, v0=-1.0, T=2.0, dt=1e-4)
    errs = [abs(integrate(p, r0=0.2, v0=-1.0, T=2.0, dt=dt).r[-1] - ref.r[-1]) for dt in (0.02, 0.01)]
    assert 12 < errs[0] / errs[1] < 20  # 2^4 = 16


@pytest.mark.parametrize("kw,name", [(dict(T=-1.0), "T"), (dict(dt=0.0), "dt"), (dict(r0=-0.1), "r0"),
                                     (dict(v0=float("nan")), "v0")])
def test_bad_input_raises_named_value_error(kw, name):
    args = dict(r0=0.1, v0=-1.0, T=1.0, dt=0.01) | kw
    with pytest.raises(ParameterError, match=name):
        integrate(MPRParameters(-5, 1, 15), **args)


@pytest.mark.parametrize("kw,name", [(dict(Delta=0.0), "Delta"), (dict(tau=-1.0), "tau"),
                                     (dict(eta_bar=float("inf")), "eta_bar"), (dict(J=float("nan")), "J")])
def test_bad_parameters(kw, name):
    args = dict(eta_bar=-5, Delta=1, J=15) | kw
    with pytest.raises(ParameterError, match=name):
        MPRParameters(**args)
    with pytest.raises(ParameterError, match=name):
        Model(**args)
