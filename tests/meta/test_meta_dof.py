"""Meta test: equivalent dof of Welch band means (equivalent_dof, band_average, band_dof).

A band mean of a Welch estimate is taken to be E chi2_nu / nu, so Var = 2 E^2 / nu.  Over
n independent series the sample variance s^2 of a band mean has relative standard
deviation sqrt(2/(n-1) + kappa/n), kappa = 12/nu the excess kurtosis of chi2_nu/nu; the
test requires |s^2 / (2 E^2/nu) - 1| <= z sqrt(2/(n-1) + kappa/n) in every band, z the
two-sided normal quantile at P/B per band (Bonferroni over the B bands of a test,
P = 1e-4), so each test fails spuriously with probability <= 1e-4 if the dofs are right
(n = 8000: tolerance ~ 7 %).  E is the exact expected estimate of the known spectrum.

* white noise: the assumptions of ``equivalent_dof`` / ``band_average`` (locally white
  process, flat expectation across a band) hold; bands of 1 to 20 bins.
* resonant AR(2) (``meta_ar2``), the bands of the other meta tests: ``band_dof`` with the
  exact Gaussian covariance (spectrum given) and its expectation-weighted locally-white
  fallback (what chi2_band_comparison uses); ``band_average`` without the expectation fails here (asserted):
  it ignores the variation of E across a band, and overstates the dof of the bands on
  the flank of the peak by 13-16 % (exact 155/221/351/903 vs 175/250/401/1047 at K = 39).
"""
import numpy as np
import pytest
from scipy import stats

import meta_ar2 as ar
from shotnoise.numerics.spectral_estimation import band_average, equivalent_dof
from shotnoise.numerics.welch_dof import band_dof

P_SPURIOUS = 1e-4


def _check_variance(P, E, omega, edges, nu, label):
    sels = [np.flatnonzero((omega >= a) & (omega < b) & (omega > 0)) for a, b in zip(edges[:-1], edges[1:])]
    n, B = P.shape[0], len(sels)
    z = stats.norm.isf(P_SPURIOUS / (2 * B))
    bad = []
    for sel, v in zip(sels, nu):
        Eb = E[sel].mean()
        ratio = P[:, sel].mean(axis=1).var(ddof=1) / (2 * Eb**2 / v)
        tol = z * np.sqrt(2 / (n - 1) + 12 / (v * n))
        print("%s: %2d bins, nu=%7.1f, empirical/predicted variance %.3f +- %.3f" % (label, sel.size, v, ratio, tol))
        if abs(ratio - 1) > tol:
            bad.append((sel.size, round(float(v), 1), round(float(ratio), 3), round(float(tol), 3)))
    assert not bad, "%s: band variance off (bins, nu, var ratio, tolerance): %s" % (label, bad)


WHITE_EDGES = (np.array([5, 6, 8, 13, 23, 43, 63]) - 0.5) * 2 * np.pi / (ar.L * ar.DT)  # 1, 2, 5, 10, 20, 20 bins


def test_equivalent_dof_and_band_average_on_white_noise():
    P, spec, E = ar.white_data()
    L = ar.L
    assert spec.dof == equivalent_dof(spec.n_segments, nperseg=L, noverlap=L - ar.STEP)
    _, _, nu = band_average(spec, WHITE_EDGES)
    assert nu[0] == pytest.approx(spec.dof, rel=1e-8)  # one bin: the per-bin Welch dof (equivalent_dof)
    _check_variance(P, E, spec.omega, WHITE_EDGES, nu, "band_average, white")


def _ar2_pooled():
    P, spec, E = ar.t_data()
    return P.reshape(-1, P.shape[-1]), spec, E  # 8000 independent series of K = 39 segments


def test_band_dof_exact_on_resonant_spectrum():
    P, spec, E = _ar2_pooled()
    nu = band_dof(spec, E, ar.EDGES, spectrum=ar.spectrum)
    _check_variance(P, E, spec.omega, ar.EDGES, nu, "band_dof exact, AR(2)")


def test_band_dof_weighted_on_resonant_spectrum():
    P, spec, E = _ar2_pooled()
    nu = band_dof(spec, E, ar.EDGES)
    _check_variance(P, E, spec.omega, ar.EDGES, nu, "band_dof weighted, AR(2)")


def test_band_dof_reduces_to_band_average_for_a_single_bin_and_white_noise():
    _, spec, E = ar.white_data()
    nu = band_dof(spec, E, WHITE_EDGES)
    _, _, nu_ba = band_average(spec, WHITE_EDGES)
    assert nu[0] == pytest.approx(spec.dof, rel=1e-6)
    # white noise has a flat expectation, so band_average without it is exact here (it uses the
    # exact white-noise covariance; the former factorisation overlap x bin correlation gave 1-3 %
    # too many dof, e.g. 781 instead of 761 for 20 bins at K = 39)
    assert np.allclose(nu, nu_ba, rtol=1e-9)
    assert nu[-1] == pytest.approx(761, abs=1)


def test_band_average_needs_the_expectation_on_a_resonant_spectrum():
    """Without the expectation, band_average takes each band's spectrum flat: on the flank of a peak
    that overstates the dof (by 13-16 % here) and the variance test must detect it; with the
    expectation (what chi2_band_comparison passes) the dof are right."""
    P, spec, E = _ar2_pooled()
    _, _, nu_flat = band_average(spec, ar.EDGES)
    with pytest.raises(AssertionError, match="band variance off"):
        _check_variance(P, E, spec.omega, ar.EDGES, nu_flat, "band_average flat, AR(2)")
    _, _, nu = band_average(spec, ar.EDGES, expectation=E)
    _check_variance(P, E, spec.omega, ar.EDGES, nu, "band_average with expectation, AR(2)")
