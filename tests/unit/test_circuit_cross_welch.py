"""The streaming Welch spectral matrix of several channels (numerics.circuit.cross_welch), shared by the circuit
network and the circuit's stochastic mass model: its diagonal is WelchAccumulator's estimate, its off-diagonal the
package convention S_ab = < X_a conj(X_b) > (scipy's csd(x_b, x_a)), independent of the chunking."""
import json

import numpy as np
import pytest
from scipy import signal

from shotnoise.numerics.circuit.cross_welch import CrossSpectrum, CrossWelchAccumulator
from shotnoise.numerics.streaming_welch import WelchAccumulator
from shotnoise.theory.errors import ParameterError


def test_matches_welch_and_the_csd_convention():
    rng = np.random.default_rng(0)
    n, dt, seg = 5000, 0.1, 12.8
    e = rng.standard_normal(n + 3)
    x = np.stack([e[3:], 0.5 * e[:-3] + rng.standard_normal(n)])  # channel 1 lags channel 0 by 3 samples
    acc = CrossWelchAccumulator(channels=2, dt=dt, segment=seg)
    for chunk in np.array_split(np.arange(n), 7):
        acc.add(x[:, chunk])
    omega, M = acc.matrix()
    for a in range(2):
        w = WelchAccumulator(dt=dt, segment=seg)
        w.add(x[a])
        ref = w.spectrum()
        np.testing.assert_allclose(M[a, a].real, ref.psd, rtol=1e-12)
        np.testing.assert_array_equal(omega, ref.omega)
        assert np.all(M[a, a].imag == 0) and acc.spectrum(a).dof == ref.dof
    L = acc.nperseg
    f, Pxy = signal.csd(x[1], x[0], fs=1 / dt, window="hann", nperseg=L, noverlap=L // 2, return_onesided=False,
                        detrend="constant")  # scipy: conj(X_first) X_second = X_0 conj(X_1)
    np.testing.assert_allclose(M[0, 1], Pxy[: M.shape[2]], rtol=1e-10, atol=1e-14)
    np.testing.assert_array_equal(M[1, 0], np.conj(M[0, 1]))
    # a pure delay x_1(t) = x_0(t - 3 dt): S_01 = exp(+3 i omega dt) S_00
    # (S_ab = int <x_a(t+u) x_b(t)> e^{-i omega u} du)
    acc = CrossWelchAccumulator(channels=2, dt=dt, segment=seg)
    acc.add(np.stack([e[3:], e[:-3]]))
    omega, M = acc.matrix()
    phase = np.angle(M[0, 1][1:40] * np.exp(-3j * omega[1:40] * dt))
    assert np.abs(phase).max() < 0.1


def test_is_independent_of_chunking():
    x = np.random.default_rng(1).standard_normal((3, 5003))
    a = CrossWelchAccumulator(channels=3, dt=0.1, segment=12.8)
    b = CrossWelchAccumulator(channels=3, dt=0.1, segment=12.8)
    a.add(x)
    for part in np.split(x, [7, 300, 301, 2500], axis=1):
        b.add(part)
    assert np.allclose(a.matrix()[1], b.matrix()[1], rtol=1e-12) and a.n_segments == b.n_segments


def test_cross_spectra_of_every_pair():
    x = np.random.default_rng(2).standard_normal((3, 4000))
    acc = CrossWelchAccumulator(channels=3, dt=0.05, segment=5.0)
    acc.add(x)
    omega, M = acc.matrix()
    pairs = acc.cross_spectra(("E", "I", "X"))
    assert list(pairs) == ["E|I", "E|X", "I|X"]
    c = pairs["I|X"]
    assert isinstance(c, CrossSpectrum) and (c.a, c.b) == ("I", "X")
    np.testing.assert_array_equal(c.psd, M[1, 2])
    np.testing.assert_array_equal(c.omega, omega)
    assert c.dof == acc.spectrum(0).dof and c.n_segments == acc.n_segments and c.nperseg == acc.nperseg
    d = json.loads(json.dumps(c.to_dict()))
    assert set(d) == {"convention", "pair", "omega", "re", "im", "dof", "n_segments"} and d["pair"] == "I|X"
    with pytest.raises(ParameterError, match="names"):
        acc.cross_spectra(("E", "I"))


@pytest.mark.parametrize("kw,name", [(dict(channels=0), "channels"), (dict(dt=0.0), "dt"),
                                     (dict(segment=0.3), "segment"), (dict(overlap=1.0), "overlap"),
                                     (dict(confidence=1.0), "confidence")])
def test_bad_input(kw, name):
    with pytest.raises(ParameterError, match=name):
        CrossWelchAccumulator(**{**dict(channels=2, dt=0.1, segment=12.8), **kw})
    acc = CrossWelchAccumulator(channels=2, dt=0.1, segment=12.8)
    with pytest.raises(ParameterError, match="shape"):
        acc.add(np.zeros((3, 10)))
    with pytest.raises(ParameterError, match="segment"):
        acc.matrix()
