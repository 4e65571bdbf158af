"""Ctrl-C during a long run: exit 130 within about a second, one line on stderr, no partial file."""
import signal
import subprocess
import sys
import time

import pytest

LONG = {"network": ["simulate", "network", "--eta-bar", "1", "--delta", "0.2", "--J", "-1", "--N", "2000",
                    "--T", "100000", "--dt", "0.01", "--quiet"],
        "stochastic-mass": ["simulate", "stochastic-mass", "--noise", "surrogate", "--eta-bar", "1", "--delta", "0.2",
                            "--J", "-1", "--N", "2000", "--T", "100000", "--dt", "0.01"]}


@pytest.mark.parametrize("what", sorted(LONG))
def test_sigint_ends_a_long_run_cleanly(tmp_path, what):
    out = tmp_path / "series.npz"
    p = subprocess.Popen([sys.executable, "-m", "shotnoise.validation.cli", *LONG[what], "--save", str(out)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(4.0)  # start-up, cache load, then well inside the run (which would take minutes)
    assert p.poll() is None, "the run ended before the signal"
    t0 = time.perf_counter()
    p.send_signal(signal.SIGINT)
    _, err = p.communicate(timeout=30)
    assert p.returncode == 130 and err.strip().splitlines()[-1] == "shotnoise: interrupted"
    assert time.perf_counter() - t0 < 3.0  # about a second on a loaded 2-core machine
    assert list(tmp_path.iterdir()) == []
