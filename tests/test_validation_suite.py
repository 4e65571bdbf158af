"""The validation suite as part of the test run: quick mode by default, full mode marked slow."""
import json

import pytest

from shotnoise.validation.cli import main
from shotnoise.validation.suite import CHECKS, run_suite


def test_quick_suite_passes():
    results = run_suite("quick")
    assert len(results) == len([c for c in CHECKS if c[2] is not None])
    failed = [r for r in results if not r.passed]
    assert not failed, failed
    for r in results:
        assert r.tolerance_origin and r.tolerance > 0


@pytest.mark.slow
def test_full_suite_passes():
    results = run_suite("full")
    assert all(r.passed for r in results), [r for r in results if not r.passed]


def test_validate_cli_json_and_report(capsys, tmp_path):
    code = main(["validate", "--quick", "--only", "rate-random-draws,mass-white", "--json",
                 "--report", str(tmp_path / "rep")])
    out = capsys.readouterr().out
    assert code == 0
    doc = json.loads(out)
    assert [set(c) >= {"name", "measured", "predicted", "tolerance", "tolerance_origin", "passed"}
            for c in doc["checks"]] == [True, True]
    assert (tmp_path / "rep" / "report.md").exists() and (tmp_path / "rep" / "mass-white.png").exists()


def test_validate_rejects_conflicting_modes(capsys):
    assert main(["validate", "--quick", "--full"]) == 2


def test_demo_runs(tmp_path, capsys):
    assert main(["demo", "--out", str(tmp_path / "d"), "--quiet"]) == 0
    for f in ("mpr.tex", "mpr.c", "mpr.ode", "spectra.png", "network_vs_theory.png", "summary.json"):
        assert (tmp_path / "d" / f).exists(), f
