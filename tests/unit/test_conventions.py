"""Spectral convention converters preserve the variance."""
import numpy as np
import pytest

from shotnoise.numerics.conventions import from_per_frequency, to_one_sided_angular, to_per_frequency
from shotnoise.numerics.spectral_estimation import welch


def test_converters_preserve_variance():
    w = np.linspace(0, 200, 200001)
    S = 2.0 / (1 + w**2)  # OU-like: variance = (1/pi) int_0^inf 2/(1+w^2) = 1
    var = np.trapezoid(S, w) / np.pi
    f, P1 = to_per_frequency(w, S, one_sided=True)
    assert np.trapezoid(P1, f) == pytest.approx(var, rel=1e-12)
    w2, G1 = to_one_sided_angular(w, S)
    assert np.trapezoid(G1, w2) == pytest.approx(var, rel=1e-12)
    w3, S3 = from_per_frequency(f, P1, one_sided=True)
    assert np.allclose(w3, w) and np.allclose(S3, S)


def test_welch_estimate_integrates_to_the_sample_variance():
    rng = np.random.default_rng(0)
    x = rng.standard_normal(2**16)
    spec = welch(x, dt=0.01, segment=10.24, overlap=0.0)
    # white noise of variance 1 sampled at dt: S = var * dt (two-sided, angular)
    assert np.median(spec.psd) == pytest.approx(0.01, rel=0.05)
    dw = spec.omega[1] - spec.omega[0]
    var = (2 * spec.psd[1:-1].sum() + spec.psd[-1]) * dw / (2 * np.pi)
    assert var == pytest.approx(x.var(), rel=0.02)
    with pytest.raises(ValueError, match="one-sided"):
        to_per_frequency([-1.0], [1.0], one_sided=True)
    assert set(spec.to_dict()) >= {"convention", "omega", "psd", "dof"}
