"""Network-vs-theory checks of circuits with synapses near and past their Hopf points (validation/circuit_checks.py).

The quick checks of the suite must pass (memoised: free after the quick_suite fixture); a deliberately wrong
theory (spectra scaled by 1.2) must fail, so the checks can fail; past the Hopf point the package must refuse
linear response while the network oscillates near the Hopf frequency.
"""
import math

import numpy as np
import pytest

from shotnoise.validation.circuit_checks import FLUCTUATION_MAX, check_circuit_near_hopf
from shotnoise.validation.suite import run_check


@pytest.mark.parametrize("label", ["circuit-ing-near-hopf", "circuit-ping-near-hopf"])
def test_near_hopf_check_passes_and_approaches_the_hopf_point(label):
    r = run_check(label, "quick")
    assert r.passed, r
    assert r.tolerance_origin and r.tolerance > 0 and math.isfinite(r.measured)
    d = r.details
    levels = d["levels"]
    gammas = [lv["quasi_cycle"]["damping"] for lv in levels]
    assert gammas == sorted(gammas, reverse=True) and gammas[-1] < 0.3 * gammas[0]  # closer and closer
    assert all(lv["relative_distance"] > 0 for lv in levels)  # all on the stable side
    assert sum(d["valid"]) >= 2
    for lv, ok in zip(levels, d["valid"]):
        assert ok == (max(lv["fluctuation_level"]) <= FLUCTUATION_MAX)
        edges = lv["_edges"]
        w0 = lv["quasi_cycle"]["frequency"]
        assert edges[0] < w0 < edges[-1] and edges[-1] > 4 * w0  # the quasi-cycle band and the tail are tested
        # not vacuous: the theory varies strongly across the bands (quasi-cycle peak over the tail)
        th = lv["_rows"][0]["band_theory"]
        assert th.max() / th.min() > 3
    if not all(d["valid"]):
        assert "beyond linear validity" in r.note


def test_ping_check_tests_the_cross_spectrum():
    d = run_check("circuit-ping-near-hopf", "quick").details
    for lv in d["levels"]:
        q = [row["quantity"] for row in lv["_rows"]]
        assert q == ["S_E", "S_I", "Re S_E|I", "Im S_E|I"]
        im = lv["_rows"][3]
        # the imaginary part is not negligible at the quasi-cycle: the test constrains the phase of S_EI
        assert np.max(np.abs(im["band_theory"])) > 0.2 * np.max(np.abs(lv["_rows"][2]["band_theory"]))


@pytest.mark.parametrize("kind, levels", [("ing", (-1.0,)), ("ping", (-0.42,))])
def test_wrong_theory_fails(kind, levels):
    """The same runs against spectra scaled by 1.2 (rates untouched): the band tests reject."""
    r = check_circuit_near_hopf(kind, levels=levels, theory_scale=1.2)
    assert not r.passed
    lv = r.details["levels"][0]
    assert not lv["bands_passed"] and lv["rates"]["passed"]


@pytest.mark.parametrize("label", ["circuit-ing-past-hopf", "circuit-ping-past-hopf"])
def test_past_hopf_refuses_linear_response_and_oscillates(label):
    r = run_check(label, "quick")
    assert r.passed, r
    d = r.details
    assert d["refused"] and "stable" in d["message"]
    assert np.all(d["excess"] >= 10)
    # the oscillation is near the Hopf frequency (beyond it the frequency moves at O(distance))
    assert abs(d["dominant_frequency"] / d["hopf"]["frequency"] - 1) < 0.15
