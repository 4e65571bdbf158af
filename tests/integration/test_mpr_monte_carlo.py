"""Network-free Monte-Carlo check of the derived MPR equations.

Uncoupled QIF neurons (J = 0) with Lorentzian excitabilities, started on the
Lorentzian manifold (V_j ~ Cauchy(v0, pi tau r0) for every eta), are advanced
*exactly* (Riccati flow = Moebius map).  The Kuramoto order parameter of the
sample is compared with the MPR prediction Z = conj((1 - W)/(1 + W)),
W = pi tau r + i v, within 5 Monte-Carlo standard errors.
"""
import numpy as np

from shotnoise.numerics._generated.network_kernels import order_parameter_of_w, phase_factor_parts
from shotnoise.numerics._jit import pure
from shotnoise.numerics.mpr import integrate
from shotnoise.numerics.parameters import MPRParameters


def _exact_flow(V0, a, t, tau):
    s = np.sqrt(a.astype(complex))
    T = np.tan(s * t / tau)
    return ((V0 + s * T) / (1 - V0 * T / s)).real


def test_mpr_matches_monte_carlo_of_uncoupled_neurons():
    rng = np.random.default_rng(12345)
    p = MPRParameters(eta_bar=1.0, Delta=0.5, J=0.0, I=0.2, tau=1.3)
    r0, v0, t = 0.3, -0.5, 1.7
    n = 400_000
    eta = p.eta_bar + p.Delta * rng.standard_cauchy(n)
    V0 = v0 + np.pi * p.tau * r0 * rng.standard_cauchy(n)
    V = _exact_flow(V0, eta + p.I, t, p.tau)
    re, im = pure(phase_factor_parts)(V)  # exp(i theta), theta = 2 atan V (theory.observables)
    z = re + 1j * im
    Z, se = z.mean(), np.sqrt(z.real.var() / n) + 1j * np.sqrt(z.imag.var() / n)
    tr = integrate(p, r0=r0, v0=v0, T=t, dt=1e-4)
    W = np.pi * p.tau * tr.r[-1] + 1j * tr.v[-1]
    Z_pred = order_parameter_of_w(W)
    assert abs(Z.real - Z_pred.real) < 5 * se.real
    assert abs(Z.imag - Z_pred.imag) < 5 * se.imag
    # the check has power: the untransformed initial state is far outside the error bars
    W0 = np.pi * p.tau * r0 + 1j * v0
    assert abs(order_parameter_of_w(W0) - Z) > 50 * abs(se)
