"""The O(1/N) mean-rate shift: own-spike feedback (theory/THEORY.md eqs. (97)-(100)) and the numerics of eq. (96)
+ (100) against their mpmath references."""
from __future__ import annotations

import math

import numpy as np
import pytest

from shotnoise.numerics import Model
from shotnoise.numerics.rate_shift import rate_shift
from shotnoise.theory import own_spike_feedback as osf
from shotnoise.theory.errors import ParameterError
from shotnoise.theory.second_order import rate_shift_mpmath

CASES = [dict(eta_bar=1.0, Delta=0.5, J=-1.0), dict(eta_bar=2.0, Delta=0.2, J=-4.0),
         dict(eta_bar=1.5, Delta=0.15, J=3.0), dict(eta_bar=1.0, Delta=0.3, J=0.5, I=0.2, tau=0.7)]


def _op(p, N=1.0):
    ops = [o for o in Model(**p, N=N).fixed_points() if o.stable]
    assert len(ops) == 1
    return ops[0]


def test_own_spike_identities():
    checks = osf.verify_own_spike_feedback()
    assert checks and all(checks.values()), checks


def test_phase_response_vanishes_at_the_spike_only():
    Z = osf.phase_response()
    vals = [float(Z.subs({osf.psi: x, osf.a: 1.3})) for x in np.linspace(-3.1, 3.1, 41)]
    assert min(vals) > 0 and Z.subs({osf.psi: osf.sp.pi, osf.a: 1.3}) == 0


@pytest.mark.parametrize("p, dps, harmonics", [
    (CASES[0], 15, 40), (CASES[1], 15, 40), (CASES[3], 15, 40),
    # Q = 18: at dps 15 mpmath's own result is off by 1.6e-5 relative (the sharp resonance); dps 25 agrees
    pytest.param(CASES[2], 25, 80, marks=pytest.mark.slow)])
def test_numerics_match_mpmath_references(p, dps, harmonics):
    """scipy quadrature with the generated kernels vs mpmath quadrature of the sympy expressions: both integrals
    are smooth and requested to 1e-8 relative; agreement to 1e-7 relative of c."""
    op = _op(p, N=250.0)
    rs = rate_shift(point=op)
    kw = dict(eta_bar=p["eta_bar"], Delta=p["Delta"], J=p["J"], I=p.get("I", 0.0), tau=p.get("tau", 1.0))
    hess = rate_shift_mpmath(**kw, N=250.0, r0=op.r, dps=dps, harmonics=harmonics)
    own, err = osf.own_spike_shift_mpmath(**kw, N=250.0, r0=op.r)
    assert rs.components["mpr_nonlinearity"] == pytest.approx(hess.c, rel=1e-7)
    assert rs.components["own_spike_feedback"] == pytest.approx(own, rel=1e-7, abs=1e-12)
    assert rs.c == pytest.approx(hess.c + own, rel=1e-7)
    assert rs.delta_r == pytest.approx(rs.c / 250.0) and rs.quad_error < 1e-6 * abs(rs.c)


def test_own_spike_term_alone_from_a_direct_sum():
    """Independent route for eq. (100): sum Delta f over a fine quantile sample of eta (midpoint rule on the
    cdf), T_s from the closed-loop transfer of the operating point, no change of variables."""
    p = CASES[0]
    op = _op(p)
    m = op.model
    n = 400000
    eta = m.eta_bar + m.Delta * np.tan(np.pi * ((np.arange(n) + 0.5) / n - 0.5))
    e = eta + m.I + m.J * m.tau * op.r
    w1 = 2 * np.sqrt(e[e > 0]) / m.tau
    G, _ = op.susceptibility(w1)
    Ts = 1 / (1 - m.J * G)
    per_neuron = -m.J * Ts.real / (2 * np.pi**2 * m.tau)
    L0 = (1 / (1 - m.J * op.susceptibility(np.array([0.0]))[0][0])).real
    direct = L0 * per_neuron.sum() / n
    assert rate_shift(point=op).components["own_spike_feedback"] == pytest.approx(direct, rel=2e-3)


def test_uncoupled_network_has_no_shift():
    op = _op(dict(eta_bar=1.0, Delta=0.5, J=0.0), N=100.0)
    rs = rate_shift(point=op)
    assert rs.c == 0.0 and rs.components == {"mpr_nonlinearity": 0.0, "own_spike_feedback": 0.0}


def test_sign_follows_the_coupling():
    """Inhibition raises the rate of a finite network, excitation (here) lowers it (c < 0)."""
    assert rate_shift(point=_op(CASES[0])).c > 0 and rate_shift(point=_op(CASES[2])).c < 0


def test_refuses_other_families_and_missing_N():
    with pytest.raises(ParameterError, match="Lorentzian"):
        rate_shift(point=Model(eta_bar=1.0, Delta=0.5, J=-1.0, N=100, heterogeneity="gaussian").operating_point())
    with pytest.raises(ParameterError):
        rate_shift(point=Model(eta_bar=1.0, Delta=0.5, J=-1.0).operating_point())


def test_to_dict_round_trip():
    d = rate_shift(point=_op(CASES[0], N=100.0)).to_dict()
    assert set(d) == {"r0", "N", "c", "delta_r", "relative", "components", "quad_error"}
    assert d["c"] == pytest.approx(sum(d["components"].values()))
