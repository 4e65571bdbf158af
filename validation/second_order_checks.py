"""Checks of the second-order theory against networks: the O(1/N) mean-rate shift (theory/THEORY.md eqs. (96),
(100)).

The network fires at its sample's quenched rate plus c/N.  The theory predicts c without fitted parameters
(``OperatingPoint.rate_shift``): the MPR nonlinearity on the shot-noise fluctuations plus each neuron's own
spikes fed back through the closed loop.  The measurement uses quantile samples (deterministic eta, so the
quenched rate is one number per N) and independent initial phases per run.
"""
from __future__ import annotations

import math

import numpy as np

from shotnoise.numerics.model import Model
from shotnoise.numerics.quenched import quenched_rate

from .results import CheckResult

#: cases where the O(1/N) theory is tested: broad heterogeneity of both signs of J (the own-spike term dominates
#: and sets the sign for J > 0) and a resonant excitatory network (Q = 18)
RATE_SHIFT_CASES = {
    "inhibitory-broad": dict(eta_bar=1.0, Delta=0.5, J=-1.0),
    "excitatory-broad": dict(eta_bar=1.0, Delta=0.5, J=1.0),
    "excitatory-resonant": dict(eta_bar=1.5, Delta=0.15, J=3.0),
}
#: strongly inhibitory, narrow heterogeneity: measured c is 95% of the prediction at N = 100-1600 and 99-98% at
#: N = 6400 (0.231 +- 0.004 vs 0.234; 0.187 +- 0.005 vs 0.191): a slowly decaying higher-order effect
#: (tests/integration/test_rate_shift_network.py keeps the small-N case as a strict expected failure)
UNEXPLAINED_CASES = {
    "inhibitory-main": dict(eta_bar=2.0, Delta=0.2, J=-4.0),
    "inhibitory-near-resonance": dict(eta_bar=1.0, Delta=0.05, J=-3.0),
}
FAMILY_WISE_ALPHA = 1e-3


def measure_rate_shift(params: dict, *, N: int, runs: int, T: float, dt: float, transient: float = 20.0,
                       seed: int = 0) -> dict:
    """c = N (network rate - quenched rate) over ``runs`` runs of one quantile sample (independent phases).

    Returns {"c": mean, "se": standard error over runs, "runs": runs, "quenched": r_q, "rates": [...]}."""
    m = Model(**params, N=N)
    eta = m.excitabilities(draw="quantile")
    rates = []
    for k in range(runs):
        res = m.simulate_network(eta=eta, T=T, dt=dt, transient=transient, seed=seed + k, keep_series=False)
        rates.append(res.mean_rate)
    rates = np.array(rates)
    q = quenched_rate(eta, J=m.J, I=m.I, tau=m.tau, near=float(rates.mean()))
    d = N * (rates - q)
    return {"c": float(d.mean()), "se": float(d.std(ddof=1) / math.sqrt(runs)), "runs": runs, "quenched": q,
            "rates": rates.tolist()}


def check_rate_shift(cases: tuple[str, ...] = tuple(RATE_SHIFT_CASES), Ns=(100, 400), runs: int = 8,
                     T: float = 1000.0, dt: float = 2e-3, seed: int = 31) -> CheckResult:
    """O(1/N) mean-rate shift: measured c = N (rate - quenched rate) vs the predicted c (eqs. (96) + (100)).

    Per case and N: Student t of the mean over ``runs`` runs against the prediction; pass if every |t| is below
    the two-sided critical value at family-wise alpha = 1e-3 (Bonferroni over cases and N).  Reported: the
    fraction of the measured c that the theory explains, and the smallest relative error each comparison could
    detect (critical t times the standard error over |c|).
    """
    from scipy import stats

    n_tests = len(cases) * len(Ns)
    crit = float(stats.t.ppf(1 - FAMILY_WISE_ALPHA / (2 * n_tests), runs - 1))
    rows, worst = [], 0.0
    for name in cases:
        params = RATE_SHIFT_CASES.get(name) or UNEXPLAINED_CASES[name]
        pred = Model(**params, N=Ns[0]).operating_point().rate_shift()
        for i, N in enumerate(Ns):
            meas = measure_rate_shift(params, N=int(N), runs=runs, T=T, dt=dt, seed=seed + 1000 * i)
            t = (meas["c"] - pred.c) / meas["se"]
            worst = max(worst, abs(t))
            rows.append({"case": name, "N": int(N), "c": meas["c"], "se": meas["se"], "predicted": pred.c,
                         "components": pred.components, "t": t, "explained": pred.c / meas["c"],
                         "detectable_rel_error": crit * meas["se"] / abs(pred.c)})
    note = "; ".join("%s N=%d: c=%.4f+-%.4f vs %.4f (%.0f%%)" % (r["case"], r["N"], r["c"], r["se"], r["predicted"],
                                                                 100 * r["explained"]) for r in rows)
    return CheckResult("mean rate: network - quenched = c/N, c from eqs. (96)+(100)", worst, 0.0, crit,
                       "|t| of c = N (rate - quenched rate) against the prediction: two-sided Student t(%d) "
                       "critical value, Bonferroni over %d comparisons, family-wise alpha %.0e; standard errors "
                       "over %d runs of T=%g" % (runs - 1, n_tests, FAMILY_WISE_ALPHA, runs, T),
                       bool(worst <= crit), note, {"rows": rows})
