"""Cheap simulation properties over parameter space (hypothesis)."""
import math

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from shotnoise.numerics.densities import gaussian
from shotnoise.numerics.linear_response import annealed_rate
from shotnoise.numerics.spike_trains import periodic_activity, qif_frequencies


@given(st.floats(0.2, 4.0), st.floats(0.05, 1.0), st.integers(0, 2**31 - 1))
def test_mean_rate_of_periodic_trains_equals_the_annealed_rate(eta_bar, sigma, seed):
    """N Gaussian-heterogeneous periodic trains: the measured rate equals the sample mean frequency
    (each count is within 1 of f_j T), which equals the annealed rate within 5 standard errors."""
    rng = np.random.default_rng(seed)
    g = gaussian(eta_bar, sigma)
    N, T, bw = 400, 200.0, 0.05
    f = qif_frequencies(g.sample(N, rng))
    s = periodic_activity(f, rng.random(N), bin_width=bw, n_bins=int(T / bw))
    assert abs(s.mean() - f.mean()) <= 1.0 / T
    se = f.std(ddof=1) / math.sqrt(N)
    assert abs(f.mean() - annealed_rate(g, J=0.0)) <= 5 * se + 1.0 / T
