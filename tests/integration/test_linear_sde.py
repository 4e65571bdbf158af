"""The closed-loop transfer function against a simulated linearised network (theory vs simulation).

The MPR Jacobian at the fixed point, driven by white noise xi of intensity D entering dv/dt as J xi,
must give S_s = D / |1 - J G|^2; tested band by band with chi-square intervals (Bonferroni).
"""
import math

import numba
import numpy as np
from scipy import stats

from shotnoise.numerics import Model
from shotnoise.numerics.linear_response import susceptibility
from shotnoise.numerics.mpr import jacobian
from shotnoise.numerics.parameters import MPRParameters
from shotnoise.numerics.spectral_estimation import band_average, welch, welch_expectation


@numba.njit(cache=True)
def _linear_sde(A, b, dt, n, D, seed):
    """Euler-Maruyama for dx = A x dt + b xi dt with white xi of intensity D; returns s = x_r + xi."""
    np.random.seed(seed)
    x0, x1 = 0.0, 0.0
    s = np.empty(n)
    sq = math.sqrt(D / dt)
    for k in range(n):
        xi = sq * np.random.standard_normal()
        s[k] = x0 + xi
        d0 = A[0, 0] * x0 + A[0, 1] * x1 + b[0] * xi
        d1 = A[1, 0] * x0 + A[1, 1] * x1 + b[1] * xi
        x0 += dt * d0
        x1 += dt * d1
    return s


def test_closed_loop_spectrum_against_a_simulated_linear_sde():
    """Linearised network driven by white xi (intensity D): S_s = D / |1 - J G|^2 within chi-square bands."""
    p = MPRParameters(1.0, 0.1, 2.0)
    fp = Model(eta_bar=1.0, Delta=0.1, J=2.0).operating_point()
    A = jacobian(fp.r, fp.v, p)            # closed loop (s = r)
    b = np.array([0.0, p.J])               # xi enters dv/dt as J xi
    D, dt = 1.0, 2e-3
    s = _linear_sde(A, b, dt, 2_000_000, D, 7)
    spec = welch(s, dt=dt, segment=40.0)
    edges = np.linspace(0.5, 12, 24)
    c, m, nu = band_average(spec, edges)

    def S_theory(w):
        G, _ = susceptibility(w, r=fp.r, v=fp.v)
        return D / np.abs(1 - p.J * G) ** 2

    # exact expectation of the Welch estimate (window leakage matters at the sharp resonance)
    E = welch_expectation(S_binned=S_theory, spec=spec)
    th = np.array([E[(spec.omega >= a) & (spec.omega < b_)].mean() for a, b_ in zip(edges[:-1], edges[1:])])
    alpha = 1e-3 / len(c)  # Bonferroni over bands
    lo, hi = stats.chi2.ppf(alpha / 2, nu) / nu, stats.chi2.ppf(1 - alpha / 2, nu) / nu
    ratio = m / th
    assert np.all((ratio > lo) & (ratio < hi)), list(zip(c, ratio, lo, hi))
    # and the resonance is really there: the theory varies by far more than the error bars
    assert th.max() / th.min() > 3
