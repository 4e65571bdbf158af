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


def test_gaussian_and_uniform_checks_are_quick():
    """Both any-density families run in the quick suite (and hence in the default test run)."""
    assert {"family-gaussian", "family-uniform"} <= set(LABELS)


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


@pytest.mark.xfail(strict=True, reason="second order, not in the linear theory: the nearly undamped mode (omega "
                   "1.685, damping 2.6e-3, unresolved at N=500) phase-modulates every neuron (power from the "
                   "harmonic lines n omega_j into sidebands n omega_j +- omega_m, ~n^2) and speeds it up (the c/N "
                   "rate shift), so the lower flank of the 2nd harmonic, band [2.27, 2.46), is 6-13% low at N=500 "
                   "(seed-dependent: the network's mode power is 1.4-3.4x the linear one); the same deficit is "
                   "reproduced at J = 0 by injecting I(t) = A cos(1.685 t) (grows as A^2) and it is gone by N=1000 "
                   "(0.998 +- 0.031); O(1/N) relative with a coefficient ~ J^2/damping")
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


def test_gaussian_mode_is_resolved_and_its_band_tested():
    """Gaussian sigma=0.1, J=-1: the collective mode (omega ~ 1.94, damping ~ 0.039) inside the band of firing
    frequencies is Landau-damped by ~17 of the N=500 neurons: trusted, and the bands around it are compared."""
    d = _run("family-gaussian").details
    (mode,) = d["modes"]
    assert mode["trustworthy"] and mode["damping"] > 0.01 and mode["resolved_neurons"] >= 10
    assert not d["excluded_bands"]
    assert np.any(np.abs(d["band_centres"] - mode["frequency"]) < 0.1 * mode["frequency"])
    assert d["draw"] == "random" and d["rate_theory_ok"]


def test_uniform_neutral_mode_is_flagged_and_compared_only_outside_its_band():
    """Uniform g (half-width 0.2), J=-1: the fixed point is marginal, with an exactly neutral collective mode just
    above the band of firing frequencies 2 sqrt(eta + J r0), eta in [0.8, 1.2]; the package never trusts the
    linear spectrum there, so its band [0.9, 1.1] omega_mode is excluded; the peak and the tail are tested."""
    r = _run("family-uniform")
    d = r.details
    (mode,) = d["modes"]
    assert mode["damping"] <= 0 and not mode["trustworthy"] and mode["resolved_neurons"] == 0
    top = 2 * math.sqrt(1.2 - 1.0 * d["r_theory"])
    assert top < mode["frequency"] < 1.05 * top  # just outside the band
    (lo, hi), = d["excluded_bands"]
    assert lo < mode["frequency"] < hi
    assert not np.any((d["band_centres"] > lo) & (d["band_centres"] < hi))
    (ratio,) = d["excluded_ratios"]
    assert math.isfinite(ratio) and "untested (mode not resolved" in r.note
    # bands inside the firing band (below the mode), at the second harmonic and in the tail are tested
    c = d["band_centres"]
    assert np.any(c < lo) and np.any((c > 2 * 1.46) & (c < 2 * top)) and c.max() > 10
    assert d["draw"] == "random" and d["rate_theory_ok"]


@pytest.mark.slow
def test_resonant_gaussian_mode_is_resolved_and_its_band_tested():
    """Inhibitory Gaussian near its resonance (sigma=0.25, J=-3: mode omega ~ 1.96, damping ~ 0.107, ~17 neurons
    within its width at N=500).  Full only (~100 s: its expected Welch estimate is slow), so marked slow."""
    r = _run("family-gaussian-resonant")
    assert r.passed, r
    d = r.details
    (mode,) = d["modes"]
    assert mode["trustworthy"] and 0.05 < mode["damping"] < 0.2
    assert not d["excluded_bands"]
    assert np.any(np.abs(d["band_centres"] - mode["frequency"]) < 0.1 * mode["frequency"])
