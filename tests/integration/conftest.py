"""Session fixtures for the theory-vs-simulation tests: the quick validation suite runs once."""
import pytest

from shotnoise.validation.suite import run_suite


@pytest.fixture(scope="session")
def quick_suite():
    """{label: CheckResult} of ``shotnoise validate --quick`` (run once per test session)."""
    return {r.details["label"]: r for r in run_suite("quick")}
