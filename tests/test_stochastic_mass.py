"""Stochastic mass model: spectra against the linear theory, and where the white-noise limit fails."""
import numpy as np
import pytest

from shotnoise.numerics.parameters import MPRParameters
from shotnoise.numerics.stochastic_mass import colored_shot_noise, simulate_stochastic_mass
from shotnoise.validation.checks import check_stochastic_mass_spectrum


@pytest.mark.parametrize("noise", ["white", "colored"])
def test_spectrum_matches_own_linear_theory(noise):
    res = check_stochastic_mass_spectrum(noise)
    assert res.passed, res


def test_white_noise_approximation_fails_near_the_shot_noise_peak():
    res = check_stochastic_mass_spectrum("white", reference="network")
    assert not res.passed


def test_surrogate_oscillators_reproduce_shot_noise_theory():
    res = check_stochastic_mass_spectrum("surrogate", N=1000, T=1500, dt=1e-2)
    assert res.passed, res


def test_colored_noise_has_the_requested_variance():
    rng = np.random.default_rng(0)
    dt, n = 0.01, 2**16
    S = lambda w: 1.0 / (1.0 + w**2)  # variance int S dw / 2 pi restricted to the Nyquist band
    x = colored_shot_noise(n, dt, S, rng)
    w = 2 * np.pi * np.fft.rfftfreq(n, d=dt)
    expected = (2 * S(w[1:-1]).sum() + S(w[-1])) / (n * dt)
    assert x.var() == pytest.approx(expected, rel=0.03)


def test_runs_are_seeded_and_validated():
    p = MPRParameters(1.0, 0.1, -2.0)
    a = simulate_stochastic_mass(p, 100, T=10, dt=1e-3, seed=4)
    b = simulate_stochastic_mass(p, 100, T=10, dt=1e-3, seed=4)
    assert np.array_equal(a.s, b.s)
    with pytest.raises(ValueError, match="noise"):
        simulate_stochastic_mass(p, 100, T=10, dt=1e-3, noise="pink")
    with pytest.raises(ValueError, match="N"):
        simulate_stochastic_mass(p, 0.5, T=10, dt=1e-3)
    with pytest.raises(ValueError, match="branch"):
        simulate_stochastic_mass(MPRParameters(-5, 1, 15), 100, T=10, dt=1e-3)
