"""The O(1/N) mean-rate shift against networks (theory/THEORY.md eqs. (96) + (100); validation/second_order_checks).

Quantile samples, independent initial phases per run; c = N (network rate - quenched rate of the sample)."""
from __future__ import annotations

import math

import pytest
from scipy import stats

from shotnoise.numerics import Model
from shotnoise.validation.second_order_checks import (RATE_SHIFT_CASES, UNEXPLAINED_CASES, check_rate_shift,
                                                      measure_rate_shift)


def test_rate_shift_check_passes_and_the_mass_model_term_alone_fails():
    """The check passes (every |t| below its Bonferroni critical value), and it has the power to reject the
    mass-model term alone (eq. (96) without the own-spike feedback), which explains 22% of c for J = -1 and has
    the wrong sign for J = +1."""
    r = check_rate_shift(cases=("inhibitory-broad", "excitatory-broad"), Ns=(100,), runs=8, T=1500.0, seed=5)
    assert r.passed, r.note
    crit = r.tolerance
    for row in r.details["rows"]:
        t_mpr_only = (row["c"] - row["components"]["mpr_nonlinearity"]) / row["se"]
        assert abs(t_mpr_only) > crit, row
    signs = {row["case"]: math.copysign(1, row["c"]) for row in r.details["rows"]}
    assert signs == {"inhibitory-broad": 1.0, "excitatory-broad": -1.0}


@pytest.mark.xfail(strict=True, reason="strong inhibition with narrow heterogeneity at small N: the network's c is 95% "
                   "of eqs. (96)+(100) (0.221+-0.001 vs 0.234 at eta_bar=2, Delta=0.2, J=-4, N = 100 and 400, "
                   "dt-independent; the per-neuron shift ~8% below the per-neuron theory, uniformly in eta) but "
                   "0.231+-0.004 at N = 6400: a slowly decaying higher-order effect, not derived")
def test_strong_inhibition_rate_shift():
    params = UNEXPLAINED_CASES["inhibitory-main"]
    meas = measure_rate_shift(params, N=100, runs=12, T=2000.0, dt=2e-3, seed=3)
    pred = Model(**params, N=100).operating_point().rate_shift()
    crit = stats.t.ppf(1 - 1e-3 / 2, 11)
    assert abs(meas["c"] - pred.c) / meas["se"] <= crit, (meas["c"], meas["se"], pred.c)


def test_cases_are_stable_single_fixed_points():
    for params in {**RATE_SHIFT_CASES, **UNEXPLAINED_CASES}.values():
        ops = Model(**params, N=100).fixed_points()
        assert sum(o.stable for o in ops) == 1
