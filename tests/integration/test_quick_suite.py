"""The quick validation suite (run once per session) and what each of its checks must show.

Each check is a theory-vs-simulation comparison with a tolerance derived from its statistics
(validation/checks.py); here we assert the verdicts and, for the expected failures, where and in
which direction the discrepancy appears.  The full suite is marked slow.
"""
import json
import math

import numpy as np
import pytest

from shotnoise.validation.cli import main
from shotnoise.validation.suite import CHECKS, run_suite

QUICK = [c[0] for c in CHECKS if c[2] is not None]


def test_quick_suite_runs_every_quick_check(quick_suite):
    assert sorted(quick_suite) == sorted(QUICK)


@pytest.mark.parametrize("label", QUICK)
def test_quick_check_passes_with_a_stated_tolerance(quick_suite, label):
    r = quick_suite[label]
    assert r.passed, r
    assert r.tolerance_origin and r.tolerance > 0 and math.isfinite(r.measured)


def test_every_quick_check_is_labelled_in_the_tables(quick_suite):
    """The tables read each check's statistic from its tolerance_origin (report.describe_check): a check whose
    origin text is not recognised would silently get the generic label; none may."""
    from shotnoise.validation.report import describe_check
    for label, r in quick_suite.items():
        d = describe_check(r.to_dict())
        assert d["statistic"] != "value (see tolerance origin)" and d["units"] != "-", (label, r.tolerance_origin)
        assert d["sided"] in ("one-sided", "two-sided"), label


def test_network_spectra_cover_the_shot_noise_peak(quick_suite):
    """The band tests are not vacuous: the theory varies strongly across the tested bands."""
    for label in ("network-J0", "network-inhibitory-resonant", "network-excitatory"):
        th = quick_suite[label].details["band_theory"]
        assert th.max() / th.min() > 3, label


def test_white_noise_is_rejected_where_and_how_the_theory_says(quick_suite):
    d = quick_suite["mass-white-vs-shot-noise"].details
    assert d["low_excess"] and d["peak_missing"] and d["tail_accepted"]
    ratio = d["band_means"] / d["band_theory"]
    below = d["band_centres"] < 0.8 * d["omega_peak"]
    assert np.all(ratio[below] > 2)  # white noise: flat r0/N where S_xi ~ omega^3
    k = int(np.argmin(np.abs(d["band_centres"] - d["omega_peak"])))
    assert ratio[k] < 0.6  # ... and no peak at the firing rate


def test_bistable_white_noise_escapes_more_often_than_the_network(quick_suite):
    r = quick_suite["bistable-switching"]
    table, N = r.details["table"], max(r.details["table"])
    escaped = {k: sum(math.isfinite(x) for x in table[N][k]) for k in ("network", "white")}
    assert escaped["white"] > escaped["network"]
    assert r.measured - r.predicted > r.tolerance  # the one-sided z-test, in the predicted direction


@pytest.mark.slow
def test_full_suite_passes():
    from shotnoise.validation.report import describe_check
    results = run_suite("full")
    assert all(r.passed for r in results), [r for r in results if not r.passed]
    for r in results:  # the full-only checks get a specific label in the tables too (see the quick-suite test)
        d = describe_check(r.to_dict())
        assert d["statistic"] != "value (see tolerance origin)" and d["sided"] in ("one-sided", "two-sided"), \
            (r.name, r.tolerance_origin)


def test_validate_cli_json_and_report(capsys, tmp_path):
    code = main(["validate", "--quick", "--only", "rate-random-draws,mass-white", "--json",
                 "--report", str(tmp_path / "rep")])
    out = capsys.readouterr().out
    assert code == 0
    doc = json.loads(out)
    assert doc["passed"] is True and doc["mode"] == "quick"
    assert [set(c) >= {"name", "measured", "predicted", "tolerance", "tolerance_origin", "passed"}
            for c in doc["checks"]] == [True, True]
    assert (tmp_path / "rep" / "report.md").exists() and (tmp_path / "rep" / "mass-white.png").exists()


def test_validate_rejects_conflicting_modes(capsys):
    assert main(["validate", "--quick", "--full"]) == 2


def test_demo_runs(tmp_path, capsys):
    assert main(["demo", "--out", str(tmp_path / "d"), "--quiet"]) == 0
    for f in ("mpr.tex", "mpr.c", "mpr.ode", "spectra.png", "network_vs_theory.png", "summary.json"):
        assert (tmp_path / "d" / f).exists(), f
    assert json.loads((tmp_path / "d" / "summary.json").read_text())["passed"] is True
