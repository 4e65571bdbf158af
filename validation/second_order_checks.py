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
from shotnoise.theory.errors import ParameterError
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
        pred = Model(**params, N=Ns[0]).operating_point().rate_shift()  # c does not depend on N
        for i, N in enumerate(Ns):
            meas = measure_rate_shift(params, N=int(N), runs=runs, T=T, dt=dt, seed=seed + 1000 * i)
            t = (meas["c"] - pred.c) / meas["se"]
            if not math.isfinite(t):
                raise RuntimeError("non-finite t statistic (%s, N=%d): c %r, se %r" % (name, N, meas["c"], meas["se"]))
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


#: cases of the O(1/N^2) spectral check: near resonance, inhibitory, excitatory resonant (issue 14)
SPECTRUM_CASES = {
    "near-resonance": dict(eta_bar=1.0, Delta=0.05, J=-3.0),
    "inhibitory-main": dict(eta_bar=2.0, Delta=0.2, J=-4.0),
    "excitatory-resonant": dict(eta_bar=1.5, Delta=0.15, J=3.0),
}


def second_order_bands(op) -> dict:
    """The bands where the O(1/N^2) terms show: below 0.4 omega_peak (from omega = 0.25, the third Welch bin of a
    50-long segment) and twice the resonance +- 0.3 (the second harmonic of the resonant peak).  A ParameterError
    when the operating point has no shot-noise peak above 0.625 or no resonance."""
    res = op.resonance()
    if not (res.omega_res is not None and math.isfinite(res.omega_res) and res.omega_res > 0.3):
        raise ParameterError("second-order bands: the fixed point r=%.6g has no resonance (omega_res=%r)"
                             % (op.r, res.omega_res))
    if not (math.isfinite(res.omega_peak) and 0.4 * res.omega_peak > 0.25):
        raise ParameterError("second-order bands: the low band [0.25, 0.4 omega_peak) is empty (omega_peak=%.4g)"
                             % res.omega_peak)
    return {"low": (0.25, 0.4 * res.omega_peak), "twice_resonance": (2 * res.omega_res - 0.3, 2 * res.omega_res + 0.3)}


def expected_welch_order2(op, *, segment: float, bin_width: float, oversample: int = 4) -> dict:
    """Expected Welch estimates of the activity at linear order and with the O(1/N^2) correction S2 added, both
    through the same exact path (``numerics.spectral_estimation.binned_spectrum``: sinc^2 and aliases;
    ``welch_expectation``: window leakage and the per-segment mean removal).

    S2 is the network's correction (``numerics.second_order_spectrum`` with the trains firing at r0 + c/N,
    ``OperatingPoint.rate_shift``); its aliases: the first pair explicitly, the rest through its exact
    high-frequency limit c/N^2 (the sum rule of a spike train), summed in closed form.  Returns {"omega",
    "linear", "order2", "rate_shift"} on the grid of ``welch(x, dt=bin_width, segment=segment)``."""
    from shotnoise.numerics.operating_point import _WelchGrid
    from shotnoise.numerics.second_order_spectrum import second_order_spectrum
    from shotnoise.numerics.spectral_estimation import binned_spectrum, welch_expectation

    L = int(round(segment / bin_width))
    f = np.fft.fftfreq(L, d=bin_width)
    grid = _WelchGrid(nperseg=L, dt=bin_width, omega=2 * np.pi * np.sort(f[f >= 0]))
    lin = op.binned(bin_width=bin_width, kind="activity")
    rs = op.rate_shift()
    S2 = lambda w: second_order_spectrum(point=op, omega=np.abs(w), rate_shift=rs.delta_r).activity
    both = lambda w: lin(w) + binned_spectrum(S2, w, dt=bin_width, s_inf=rs.delta_r / rs.N, n_alias=1)
    return {"omega": grid.omega, "linear": welch_expectation(S_binned=lin, spec=grid, oversample=oversample),
            "order2": welch_expectation(S_binned=both, spec=grid, oversample=oversample), "rate_shift": rs}


def second_order_band_means(ew: dict, psd: np.ndarray, band: tuple[float, float]) -> dict:
    """Band means of measured Welch estimates ``psd`` (runs x bins) and of the two expected estimates."""
    sel = (ew["omega"] >= band[0]) & (ew["omega"] < band[1])
    if not np.any(sel):
        raise ParameterError("band [%g, %g) holds no Welch bin (segment too short, or the band is empty)" % band)
    x = psd[:, sel].mean(axis=1)
    return {"runs": x, "linear": float(ew["linear"][sel].mean()), "order2": float(ew["order2"][sel].mean())}


def check_second_order_spectrum(cases: tuple[str, ...] = tuple(SPECTRUM_CASES), Ns=(100, 200), realizations: int = 8,
                                T: float = 2020.0, dt: float = 2e-3, bin_width: float = 0.05, segment: float = 50.0,
                                seed: int = 41) -> CheckResult:
    """O(1/N^2) spectrum: the network's band means below 0.4 omega_peak and at twice the resonance vs the linear
    theory plus the second-order correction (expected Welch estimates; random draws of eta per run).

    Per case, N and band: Student t of the band mean over runs against linear + O(1/N^2); pass if every |t| is
    below the two-sided Bonferroni critical value (family-wise alpha = 1e-3).  Reported per band: measured and
    predicted ratio to the linear theory and the fraction of the measured excess the correction explains; the
    same t against the linear theory alone shows the power (the low band rejects it).
    """
    from scipy import stats

    n_tests = len(cases) * len(Ns) * 2
    crit = float(stats.t.ppf(1 - FAMILY_WISE_ALPHA / (2 * n_tests), realizations - 1))
    rows, worst = [], 0.0
    for name in cases:
        params = SPECTRUM_CASES[name]
        for i, N in enumerate(Ns):
            m = Model(**params, N=int(N))
            op = m.operating_point()
            psd = []
            for k in range(realizations):
                res = m.simulate_network(T=T, dt=dt, transient=20.0, bin_width=bin_width, draw="random",
                                         seed=seed + 1000 * i + k, segment=segment, keep_series=False)
                psd.append(res.spectrum.psd)
            psd = np.array(psd)
            ew = expected_welch_order2(op, segment=segment, bin_width=bin_width)
            if not np.array_equal(ew["omega"], res.spectrum.omega):
                raise RuntimeError("Welch grid of the network and of the expectation differ")
            for band, (a, b) in second_order_bands(op).items():
                bm = second_order_band_means(ew, psd, (a, b))
                x = bm["runs"]
                mean, se = float(x.mean()), float(x.std(ddof=1) / math.sqrt(realizations))
                lin, pred = bm["linear"], bm["order2"]
                t = (mean - pred) / se
                if not math.isfinite(t):
                    raise RuntimeError("non-finite t statistic (%s, N=%d, %s): mean %r, se %r, predicted %r"
                                       % (name, N, band, mean, se, pred))
                worst = max(worst, abs(t))
                rows.append({"case": name, "N": int(N), "band": band, "omega": [a, b], "measured": mean, "se": se,
                             "linear": lin, "order2": pred, "t": t, "t_linear": (mean - lin) / se,
                             "explained": (pred - lin) / (mean - lin) if mean != lin else math.nan})
    note = "; ".join("%s N=%d %s: %.3f+-%.3f of linear, predicted %.3f" % (
        r["case"], r["N"], r["band"], r["measured"] / r["linear"], r["se"] / r["linear"], r["order2"] / r["linear"])
        for r in rows)
    return CheckResult("O(1/N^2) spectrum: low band and twice the resonance", worst, 0.0, crit,
                       "|t| of the band means against linear + O(1/N^2) (expected Welch): two-sided Student t(%d) "
                       "critical value, Bonferroni over %d comparisons, family-wise alpha %.0e; %d runs of T=%g "
                       "(random draws)" % (realizations - 1, n_tests, FAMILY_WISE_ALPHA, realizations, T),
                       bool(worst <= crit), note, {"rows": rows})
