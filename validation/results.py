"""Structured results of theory-vs-simulation checks (used by pytest, the CLI and notebooks)."""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from scipy import stats


@dataclass
class CheckResult:
    """One check: measured vs predicted, the tolerance and where it comes from, the verdict.

    ``details`` holds the arrays needed for plots (not printed in tables).
    """

    name: str
    measured: float
    predicted: float
    tolerance: float
    tolerance_origin: str
    passed: bool
    note: str = ""
    details: dict = field(default_factory=dict, repr=False)

    def to_dict(self) -> dict:
        return {"name": self.name, "measured": _num(self.measured), "predicted": _num(self.predicted),
                "tolerance": _num(self.tolerance), "tolerance_origin": self.tolerance_origin,
                "passed": bool(self.passed), "note": self.note}


def _num(x):
    x = float(x)
    return x if math.isfinite(x) else None


def band_comparison(name: str, omega: np.ndarray, estimates: np.ndarray, expectation: np.ndarray,
                    edges, alpha: float = 1e-3, note: str = "", details: dict | None = None) -> CheckResult:
    """Compare R independent spectral estimates (R x bins) with the expected estimate, band by band.

    Each band mean over realizations is compared with the band mean of the
    expectation; the standard error comes from the realization-to-realization
    scatter (it contains the Welch chi-square spread *and* the quenched-disorder
    scatter), the critical value from Student's t with R - 1 dof, Bonferroni-
    corrected over the bands at family-wise level ``alpha``.  The reported
    numbers are those of the worst band (largest |t|).
    """
    estimates = np.atleast_2d(estimates)
    R = estimates.shape[0]
    if R < 3:
        raise ValueError("need at least 3 realizations for a standard error, got %d" % R)
    edges = np.asarray(edges, dtype=float)
    B = len(edges) - 1
    crit = float(stats.t.ppf(1 - alpha / (2 * B), R - 1))
    rows = []
    for a, b in zip(edges[:-1], edges[1:]):
        sel = (omega >= a) & (omega < b) & (omega > 0)
        if not np.any(sel):
            raise ValueError("band [%g, %g) contains no frequency bin" % (a, b))
        per_real = estimates[:, sel].mean(axis=1)
        m, se = per_real.mean(), per_real.std(ddof=1) / math.sqrt(R)
        th = expectation[sel].mean()
        rows.append((0.5 * (a + b), m, se, th, (m - th) / se if se > 0 else math.inf))
    rows = np.array(rows)
    worst = int(np.argmax(np.abs(rows[:, 4])))
    c, m, se, th, t = rows[worst]
    d = {"band_centres": rows[:, 0], "band_means": rows[:, 1], "band_se": rows[:, 2], "band_theory": rows[:, 3],
         "band_t": rows[:, 4], "critical_t": crit}
    if details:
        d.update(details)
    return CheckResult(name, m, th, crit * se,
                       "Student t (%d dof) x standard error over %d realizations, Bonferroni over %d bands, "
                       "family-wise alpha=%g; worst band at omega=%.3g (|t|=%.2f)" % (R - 1, R, B, alpha, c, abs(t)),
                       bool(np.all(np.abs(rows[:, 4]) <= crit)), note, d)


def inverse_n_fit(Ns, means, ses, *, realizations=None) -> tuple[float, float, float, int]:
    """Weighted least-squares fit d(N) = c/N (weights 1/se^2): (c, its standard error, chi-square, dof = len - 1).

    ``realizations`` (one R per N, or one for all): the standard errors were estimated from R realizations, so
    each standardized residual is Student t with R - 1 dof, not normal; it is mapped to the normal score of the
    same tail probability before squaring, so that the statistic is chi-square distributed (without this the
    test rejected 5.5x too often at alpha = 1e-3 with R = 8: tests/meta/test_meta_calibration.py)."""
    N_, m, se = (np.asarray(a, dtype=float) for a in (Ns, means, ses))
    x, w = 1.0 / N_, 1.0 / se**2
    c = float(np.sum(w * x * m) / np.sum(w * x * x))
    c_se = float(1.0 / math.sqrt(np.sum(w * x * x)))
    z = (m - c * x) / se
    if realizations is not None:
        R = np.broadcast_to(np.asarray(realizations, dtype=float), z.shape)
        z = np.sign(z) * stats.norm.isf(stats.t.sf(np.abs(z), R - 1))
    return c, c_se, float(np.sum(z ** 2)), len(N_) - 1


def _independent_union(p: np.ndarray) -> float:
    return float(1 - np.prod(1 - np.clip(p, 0, 1)))


def chi2_comparison_power(dof, ratio=1.2, *, alpha: float = 1e-3) -> float:
    """Claimed power of :func:`chi2_band_comparison`: P(at least one band rejects).

    ``dof``: the B band dofs; ``ratio``: theory / true expectation per band (scalar or
    B values; 1 = theory right).  Band b's statistic is (chi2_nu/nu)/ratio_b; it is
    rejected outside the central 1 - alpha/B chi-square interval.  Bands are taken as
    independent, so ratio = 1 gives the actual (Sidak) size 1 - (1 - alpha/B)^B <= alpha.
    """
    nu = np.atleast_1d(np.asarray(dof, dtype=float))
    r = np.broadcast_to(np.asarray(ratio, dtype=float), nu.shape)
    B = nu.size
    lo = stats.chi2.ppf(alpha / (2 * B), nu)
    hi = stats.chi2.isf(alpha / (2 * B), nu)
    p = stats.chi2.cdf(lo * r, nu) + stats.chi2.sf(hi * r, nu)
    return _independent_union(p)


def t_comparison_power(dof, ratio=1.2, *, realizations: int = 8, alpha: float = 1e-3) -> float:
    """Claimed power of :func:`band_comparison` for Welch scatter alone: P(at least one band rejects).

    Per realization a band mean is E_b (1 + sqrt(2/nu_b) Z) (Gaussian approximation of
    chi2_nu/nu); the theory is ratio_b E_b, so the band's t statistic is noncentral t with
    R - 1 dof and noncentrality (1 - ratio_b) sqrt(R nu_b / 2); rejected beyond the
    Bonferroni critical value t_{R-1}(1 - alpha/2B).  Bands independent, as in
    :func:`chi2_comparison_power`.  (Quenched-disorder scatter in real checks lowers the power.)
    """
    nu = np.atleast_1d(np.asarray(dof, dtype=float))
    r = np.broadcast_to(np.asarray(ratio, dtype=float), nu.shape)
    B, R = nu.size, int(realizations)
    crit = stats.t.isf(alpha / (2 * B), R - 1)
    delta = (1 - r) * np.sqrt(R * nu / 2)
    p = stats.nct.sf(crit, R - 1, delta) + stats.nct.cdf(-crit, R - 1, delta)
    return _independent_union(p)


def chi2_band_comparison(name: str, spec, expectation: np.ndarray, edges, alpha: float = 1e-3, note: str = "",
                         details: dict | None = None, spectrum=None) -> CheckResult:
    """Compare one Welch estimate with its expectation band by band using the chi-square law.

    A band mean of a Welch estimate is approximately (expectation) x chi2_nu / nu with nu
    the band's equivalent dof (:func:`band_dof`: the expectation's variation across the
    band is weighted in; exact Gaussian covariance if the binned ``spectrum`` is given);
    the acceptance interval per band is the central 1 - alpha/B chi-square interval
    (Bonferroni over B bands).  The worst band (smallest tail probability) is reported.
    """
    from shotnoise.numerics.spectral_estimation import band_average

    c, m, nu = band_average(spec, edges, expectation=expectation, spectrum=spectrum)
    edges = np.asarray(edges, dtype=float)
    B = len(c)
    th = np.array([expectation[(spec.omega >= a) & (spec.omega < b) & (spec.omega > 0)].mean()
                   for a, b in zip(edges[:-1], edges[1:])])
    nu_flat = band_average(spec, edges)[2]
    lo = stats.chi2.ppf(alpha / (2 * B), nu) / nu
    hi = stats.chi2.ppf(1 - alpha / (2 * B), nu) / nu
    ratio = m / th
    cdf = stats.chi2.cdf(ratio * nu, nu)
    tail = np.minimum(cdf, 1 - cdf)
    worst = int(np.argmin(tail))
    ok = bool(np.all((ratio >= lo) & (ratio <= hi)))
    d = {"band_centres": c, "band_means": m, "band_theory": th, "band_dof": nu, "band_dof_flat": nu_flat,
         "band_lo": lo * th, "band_hi": hi * th}
    if details:
        d.update(details)
    tol = (hi[worst] - 1) * th[worst] if ratio[worst] >= 1 else (1 - lo[worst]) * th[worst]
    return CheckResult(name, m[worst], th[worst], tol,
                       "chi-square with %.0f equivalent dof (Welch overlap + bin correlation, expectation-"
                       "weighted), Bonferroni over %d bands, family-wise alpha=%g; worst band at omega=%.3g"
                       % (nu[worst], B, alpha, c[worst]),
                       ok, note, d)
