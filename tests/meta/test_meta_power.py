"""Meta test: the power claimed by chi2_comparison_power / t_comparison_power is the power obtained.

A 20 % spectral error is planted by multiplying the exact expected Welch estimate of the
known AR(2) spectrum (``meta_ar2``) by 1.2, either in every band or in one band only,
and the comparisons are run at the package default alpha = 1e-3 at the package's sizes
(band_comparison: R = 8 realizations of K = 39 segments; chi2_band_comparison: one
series of K = 159 segments).  The claimed power comes from the analytic functions in
validation/results.py (chi-square law with each band's dof, resp. noncentral t with
R - 1 dof and noncentrality 0.2 sqrt(R nu / 2), Bonferroni thresholds, bands independent).
The single erroneous band is the narrowest one whose claimed power is >= 0.8 (narrower
bands have far less power at these sizes: see the report of the meta tests).

Tolerance: the number of detections k in n independent draws is binomial(n, power);
the test accepts binom.ppf(P/2, n, claimed) <= k <= binom.isf(P/2, n, claimed) with
P = 1e-3, so it fails spuriously with probability <= 1e-3 if the claim is right.
"""
import numpy as np
import pytest
from scipy import stats

import meta_ar2 as ar
from shotnoise.numerics.welch_dof import band_dof
from shotnoise.validation.results import band_comparison, chi2_band_comparison, chi2_comparison_power, t_comparison_power

P_SPURIOUS = 1e-3
ALPHA = 1e-3
ERROR = 1.2


def _ratio(single_band):
    r = np.ones(ar.N_BANDS)
    if single_band is None:
        r[:] = ERROR
    else:
        r[single_band] = ERROR
    return r


def _theory(E, omega, ratio):
    out = E.copy()
    for sel, r in zip(ar.band_selections(omega), ratio):
        out[sel] *= r
    return out


def _assert_power(k, n, claimed, label):
    lo, hi = stats.binom.ppf(P_SPURIOUS / 2, n, claimed), stats.binom.isf(P_SPURIOUS / 2, n, claimed)
    print("%s: detected %d/%d (%.4f), claimed power %.4f, accepted [%d, %d]" % (label, k, n, k / n, claimed, lo, hi))
    assert lo <= k <= hi, "%s: empirical power %.4f vs claimed %.4f outside the binomial interval [%g, %g]/%d" % (
        label, k / n, claimed, lo, hi, n)


def _pick_band(power_of_band):
    """Narrowest band (lowest index: the bands widen with the index) with claimed power >= 0.8."""
    for b in range(ar.N_BANDS):
        if power_of_band(b) >= 0.8:
            return b
    raise AssertionError("no band reaches power 0.8")


@pytest.mark.parametrize("where", ["all bands", "one band"])
def test_chi2_comparison_power(where):
    P, spec, E = ar.chi2_data()
    nu = band_dof(spec, E, ar.EDGES)  # the dof chi2_band_comparison uses (checked in test_meta_dof)
    b = None if where == "all bands" else _pick_band(lambda b: chi2_comparison_power(nu, _ratio(b), alpha=ALPHA))
    ratio = _ratio(b)
    claimed = chi2_comparison_power(nu, ratio, alpha=ALPHA)
    assert claimed >= 0.8
    th = _theory(E, spec.omega, ratio)
    k = sum(not chi2_band_comparison("meta", ar.as_spectrum(spec, P[d]), th, ar.EDGES, alpha=ALPHA).passed
            for d in range(ar.D_CHI2))
    _assert_power(k, ar.D_CHI2, claimed, "chi2_band_comparison, +20%% in %s%s" % (where, "" if b is None else " (%d)" % b))


@pytest.mark.parametrize("where", ["all bands", "one band"])
def test_t_comparison_power(where):
    P, spec, E = ar.t_data()
    nu = band_dof(spec, E, ar.EDGES, spectrum=ar.spectrum)  # exact dof of one realization's band means
    b = None if where == "all bands" else _pick_band(
        lambda b: t_comparison_power(nu, _ratio(b), realizations=ar.R_T, alpha=ALPHA))
    ratio = _ratio(b)
    claimed = t_comparison_power(nu, ratio, realizations=ar.R_T, alpha=ALPHA)
    assert claimed >= 0.8
    th = _theory(E, spec.omega, ratio)
    k = sum(not band_comparison("meta", spec.omega, P[d], th, ar.EDGES, alpha=ALPHA).passed for d in range(ar.D_T))
    _assert_power(k, ar.D_T, claimed, "band_comparison, +20%% in %s%s" % (where, "" if b is None else " (%d)" % b))


def test_power_is_the_size_when_the_theory_is_right():
    """ratio = 1: the claimed 'power' is the Sidak size 1 - (1 - alpha/B)^B <= alpha."""
    nu = np.full(10, 200.0)
    for a in (1e-3, 0.05):
        s = 1 - (1 - a / 10) ** 10
        assert chi2_comparison_power(nu, 1.0, alpha=a) == pytest.approx(s, rel=1e-9)
        assert t_comparison_power(nu, 1.0, realizations=8, alpha=a) == pytest.approx(s, rel=1e-9)
