"""Stochastic mass model: spectra against the linear theory, and where the white-noise limit fails."""
import numpy as np
import pytest

from shotnoise.numerics import Model, ParameterError
from shotnoise.numerics.colored_noise import colored_shot_noise


def test_colored_noise_has_the_requested_variance():
    rng = np.random.default_rng(0)
    dt, n = 0.01, 2**16
    S = lambda w: 1.0 / (1.0 + w**2)  # variance int S dw / 2 pi restricted to the Nyquist band
    x = colored_shot_noise(n, dt, S, rng)
    w = 2 * np.pi * np.fft.rfftfreq(n, d=dt)
    expected = (2 * S(w[1:-1]).sum() + S(w[-1])) / (n * dt)
    assert x.var() == pytest.approx(expected, rel=0.03)


def test_runs_are_seeded_and_validated():
    m = Model(eta_bar=1.0, Delta=0.1, J=-2.0, N=100)
    a = m.simulate_stochastic_mass(T=10, dt=1e-3, seed=4)
    b = m.simulate_stochastic_mass(T=10, dt=1e-3, seed=4)
    c = m.simulate_stochastic_mass(T=10, dt=1e-3, seed=5)
    assert np.array_equal(a.s, b.s) and not np.array_equal(a.s, c.s)
    assert a.to_dict()["bins"] == a.s.size == 10_000
    with pytest.raises(ParameterError, match="noise"):
        m.simulate_stochastic_mass(T=10, dt=1e-3, noise="pink")
    with pytest.raises(ParameterError, match="N"):
        Model(eta_bar=1.0, Delta=0.1, J=-2.0).simulate_stochastic_mass(T=10, dt=1e-3)
    with pytest.raises(ParameterError, match="branch"):
        Model(eta_bar=-5, Delta=1, J=15, N=100).simulate_stochastic_mass(T=10, dt=1e-3)
