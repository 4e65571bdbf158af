"""Meta test: false-positive rate of band_comparison and chi2_band_comparison on a known spectrum.

Synthetic Gaussian AR(2) series with a resonant spectrum (``meta_ar2``) are compared with
the EXACT expected Welch estimate (``welch_expectation`` of the known spectrum, window
leakage included), so every rejection is a false positive.  Sizes are those of the
package's checks: band_comparison with R = 8 realizations of K = 39 segments
(check_network_spectrum), chi2_band_comparison with one series of K = 159 segments
(check_stochastic_mass_spectrum), B = 10 bands.

Expected rate.  With B bands each tested at alpha/B, Bonferroni bounds the family-wise
rate by alpha; for independent bands it is 1 - (1 - alpha/B)^B (Sidak), slightly below
alpha (0.183 for alpha = 0.2, 0.0489 for 0.05).  So the true rate should lie in
[p_sidak, alpha] (adjacent bands are only weakly correlated through their edge bins).

Tolerance.  The number of rejections k in n independent draws is binomial.  The test
accepts binom.ppf(P/2, n, p_sidak) <= k <= binom.isf(P/2, n, alpha), P = 1e-3: if the
true rate lies in [p_sidak, alpha] the meta test fails spuriously with probability
<= 1e-3.  At alpha = 1e-3 only the upper bound k <= binom.isf(1e-3, n, alpha) is
checked (the expected count, ~1, is too small for a lower bound).
"""
import pytest
from scipy import stats

import meta_ar2 as ar
from shotnoise.validation.results import band_comparison, chi2_band_comparison

P_SPURIOUS = 1e-3


def _sidak(alpha, B):
    return 1 - (1 - alpha / B) ** B


def _assert_rate(k, n, alpha, B, label):
    if alpha >= 0.01:
        lo = stats.binom.ppf(P_SPURIOUS / 2, n, _sidak(alpha, B))
        hi = stats.binom.isf(P_SPURIOUS / 2, n, alpha)
    else:
        lo, hi = 0, stats.binom.isf(P_SPURIOUS, n, alpha)
    print("%s alpha=%g: %d/%d rejections (rate %.4f), accepted [%d, %d]" % (label, alpha, k, n, k / n, lo, hi))
    assert lo <= k <= hi, ("%s: false-positive rate %.4f at nominal family-wise alpha=%g is outside the "
                           "binomial interval [%g, %g] (counts, n=%d)" % (label, k / n, alpha, lo, hi, n))


@pytest.mark.parametrize("alpha", [0.2, 0.05, 1e-3])
def test_band_comparison_false_positive_rate(alpha):
    P, spec, E = ar.t_data()
    k = sum(not band_comparison("meta", spec.omega, P[d], E, ar.EDGES, alpha=alpha).passed
            for d in range(ar.D_T))
    _assert_rate(k, ar.D_T, alpha, ar.N_BANDS, "band_comparison (t, R=%d)" % ar.R_T)


@pytest.mark.parametrize("alpha", [0.2, 0.05, 1e-3])
def test_chi2_band_comparison_false_positive_rate(alpha):
    P, spec, E = ar.chi2_data()
    k = sum(not chi2_band_comparison("meta", ar.as_spectrum(spec, P[d]), E, ar.EDGES, alpha=alpha).passed
            for d in range(ar.D_CHI2))
    _assert_rate(k, ar.D_CHI2, alpha, ar.N_BANDS, "chi2_band_comparison (K=%d)" % ar.K_CHI2)
