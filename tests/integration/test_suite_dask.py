"""Long validation runs on Dask: the checks as tasks of a real two-worker LocalCluster give the serial results."""
from shotnoise.validation.suite import run_check, run_suite

LABELS = ["periodic-trains", "rate-quantile-bias"]


def test_checks_on_a_local_cluster_equal_the_serial_run():
    seen = []
    on_dask = run_suite("quick", only=LABELS, scheduler="local", workers=2, progress=seen.append)
    assert sorted(seen) == sorted(LABELS)
    for label, res in zip(LABELS, on_dask):
        serial = run_check(label, "quick")
        assert res.details["label"] == label and res.passed == serial.passed
        assert res.measured == serial.measured and res.tolerance == serial.tolerance  # seeded: identical
