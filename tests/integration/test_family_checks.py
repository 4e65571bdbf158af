"""Quick network-vs-theory checks of the non-Lorentzian families (validation/family_checks.py).

Each runs the quick size of its suite entry (seeded; memoised, so it costs nothing extra after the
quick_suite fixture) and must pass with a stated tolerance; the tests also pin what the checks claim
to test (bands around the shot-noise peak, the collective-mode flag, the second-order rate shift).
"""
import math

import numpy as np
import pytest

from shotnoise.numerics.model import Model
from shotnoise.validation.suite import FAMILY_CASES, run_check

LABELS = ["family-" + c[0] for c in FAMILY_CASES if c[2]]
KW = {"family-" + c[0]: c[3] for c in FAMILY_CASES}


def _theory_available(kw) -> bool:
    try:
        Model(eta_bar=1.0, Delta=kw["Delta"], J=kw["J"], heterogeneity=kw["heterogeneity"],
              poles=kw.get("poles")).operating_point()
    except ImportError:  # general_response (Gaussian / uniform theory) not finished yet
        return False
    return True


def _run(label):
    if not _theory_available(KW[label]):
        pytest.skip("the %s theory is not importable yet" % KW[label]["heterogeneity"])
    if label in LABELS:
        return run_check(label, "quick")
    from shotnoise.validation.family_checks import check_family_network
    seed = {"family-" + c[0]: c[1] for c in FAMILY_CASES}[label]
    return check_family_network(**KW[label], seed=seed)


@pytest.mark.parametrize("label", LABELS)
def test_family_check_passes(label):
    r = _run(label)
    assert r.passed, r
    assert r.tolerance_origin and r.tolerance > 0 and math.isfinite(r.measured)
    d = r.details
    assert d["bands_passed"] and d["rate_passed"]
    # not vacuous: the tested bands cover the shot-noise peak region and the flat tail
    assert len(d["band_theory"]) >= 6 and d["band_theory"].max() / d["band_theory"].min() > 3
    # the rate: network - quenched is the positive second-order shift c/N (fluctuating input), c ~ J^2
    assert d["rate_c"] > 0 and d["rate_chi2"] <= d["rate_chi2_crit"]


def test_resonant_mode_is_resolved_and_its_band_tested():
    d = _run("family-multipole2-resonant").details
    (mode,) = d["modes"]
    assert mode["trustworthy"] and mode["damping"] > 0.05
    assert not d["excluded_bands"]
    c = d["band_centres"]
    assert np.any(np.abs(c - mode["frequency"]) < 0.1 * mode["frequency"])  # the resonance band is in the test


@pytest.mark.xfail(strict=True, reason="known discrepancy: band [2.27, 2.46) of the README multi-pole case is 13% "
                   "below the linear theory (t ~ -9), independent of dt (2e-3, 1e-3, 5e-4) and still 0.89 +- 0.04 "
                   "at N=2000; cause not found yet")
def test_unresolved_mode_case_passes():
    assert _run("family-multipole2-unresolved-mode").passed


def test_unresolved_mode_is_flagged_and_compared_only_outside_its_band():
    """README parameters: the multi-pole n=2 mode at omega ~ 1.685 (damping 2.6e-3) needs ~1e5 x more neurons
    than N=500 to be Landau-damped as in the infinite population; its band is excluded, the rest agrees."""
    d = _run("family-multipole2-unresolved-mode").details
    (mode,) = d["modes"]
    assert not mode["trustworthy"] and mode["resolved_neurons"] < 0.1
    (lo, hi), = d["excluded_bands"]
    assert lo < mode["frequency"] < hi
    assert not np.any((d["band_centres"] > lo) & (d["band_centres"] < hi))
    # the shot-noise peak (omega ~ 1.26) and the tail are tested
    assert d["band_centres"].min() < 1.26 and d["band_centres"].max() > 10


def test_subpopulation_check_uses_the_subset_spectrum():
    d = _run("family-multipole2-subpopulation").details
    # the flat tail of S_sM is S1/M-dominated: (1/N + 1/M - 1/N) S1 -> N/M times the activity tail
    top = int(np.argmax(d["band_centres"]))
    m = Model(eta_bar=1.0, Delta=0.2, J=-2.0, N=500, M=100, heterogeneity="multipole", poles=2)
    op = m.operating_point()
    assert d["band_theory"][top] == pytest.approx(op.r / 100, rel=0.1)
