"""Failure paths of the command-line tool: one line and exit 2, nothing written, exit 130 on Ctrl-C."""
import json

import pytest

from shotnoise.validation.cli import main

NET = ["simulate", "network", "--eta-bar", "1", "--delta", "0.2", "--J", "-1", "--N", "100", "--T", "30",
       "--dt", "0.01", "--quiet"]


def run(capsys, *argv):
    try:
        code = main(list(argv))
    except SystemExit as e:  # argparse
        code = e.code
    out, err = capsys.readouterr()
    return code, out, err


def test_negative_numbers_in_any_float_syntax_are_values(capsys):
    code, out, _ = run(capsys, "fixed-points", "--eta-bar", "-5e0", "--delta", "1", "--J", "1.5E1", "--json")
    assert code == 0 and len(json.loads(out)["fixed_points"]) == 3
    code, out, _ = run(capsys, "fixed-points", "--eta-bar", "1", "--delta", "1", "--J", "-1E1", "--json")
    assert code == 0
    code, _, err = run(capsys, "fixed-points", "--eta-bar", "-inf", "--delta", "1", "--J", "0")
    assert code == 2 and "eta_bar" in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("argv", [["fixed-points", "--eta-bar", "x", "--delta", "1", "--J", "0"],
                                  ["simulate", "mass", "--eta-bar", "1"], ["bench", "--what", "bogus"], [],
                                  ["spectrum", "--unknown"]])
def test_usage_errors_are_one_line(capsys, argv):
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 1 and err.startswith("shotnoise: error:")


def test_ctrl_c_is_exit_130_with_one_line_and_no_file(capsys, tmp_path, monkeypatch):
    from shotnoise.validation import tasks

    def interrupted(*a, **k):
        raise KeyboardInterrupt
    monkeypatch.setattr(tasks, "network_report", interrupted)
    code, out, err = run(capsys, *NET, "--save", str(tmp_path / "x.npz"))
    assert code == 130 and err.strip() == "shotnoise: interrupted" and list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("extra,needle", [
    (["--segment", "1e-9"], "segment"), (["--segment", "0.05"], "8 bins"), (["--bin", "100"], "segment"),
    (["--bin", "0.015"], "multiple of dt"), (["--dt", "1e-300"], "steps"), (["--N", "1e12"], "neuron-steps"),
    (["--N", "1e9", "--T", "120"], "memory"), (["--seed", "-1"], "seed"), (["--M", "2.5"], "M"),
])
def test_network_requests_rejected_before_any_work(capsys, tmp_path, extra, needle):
    argv = list(NET)
    for k, v in zip(extra[::2], extra[1::2]):
        if k in argv:
            argv[argv.index(k) + 1] = v
        else:
            argv += [k, v]
    code, out, err = run(capsys, *argv, "--save", str(tmp_path / "x.npz"))
    assert code == 2 and needle in err and out == "" and list(tmp_path.iterdir()) == []


def test_default_segment_adapts_to_short_runs(capsys):
    code, out, _ = run(capsys, *NET, "--json")
    doc = json.loads(out)
    assert code == 0 and doc["segment"] == pytest.approx(7.5) and doc["spectrum"]["n_segments"] >= 4


def test_diverging_stochastic_mass_is_a_parameter_error(capsys):
    code, out, err = run(capsys, "simulate", "stochastic-mass", "--eta-bar", "1", "--delta", "0.2", "--J", "-1",
                         "--N", "1", "--dt", "0.5", "--T", "50")
    assert code == 2 and "diverged" in err and out == ""


@pytest.mark.parametrize("argv,needle", [
    (["spectrum", "--eta-bar", "1", "--delta", "0.1", "--J", "-2", "--N", "50", "--omega", "1,,2"], "omega"),
    (["spectrum", "--eta-bar", "1", "--delta", "0.1", "--J", "-2", "--N", "50", "--omega-min", "0.1",
      "--omega-max", "1", "--points", "1000000000000"], "points"),
    (["spectrum", "--eta-bar", "1", "--delta", "0.1", "--J", "-2", "--N", "50", "--omega", "1", "--plot",
      "/proc/x.png"], "--plot"),
    (["simulate", "mass", "--eta-bar", "1", "--delta", "1", "--J", "0", "--r0", "1", "--v0", "0", "--T", "1e8",
      "--dt", "1e-3"], "memory"),
    (["simulate", "mass", "--eta-bar", "1", "--delta", "1", "--J", "0", "--r0", "1", "--v0", "0", "--T", "1",
      "--dt", "1e-300"], "steps"),
    (["validate", "--only", "bogus"], "bogus"), (["validate", "--only", ""], "--only"),
    (["demo", "--out", ""], "--out"),
])
def test_bad_requests_exit_2_with_one_line(capsys, argv, needle):
    code, out, err = run(capsys, *argv)
    assert code == 2 and needle in err and out == "" and len(err.strip().splitlines()) == 1, err


def test_demo_and_report_refuse_a_file_as_directory(capsys, tmp_path):
    f = tmp_path / "file"
    f.write_text("x")
    for argv in (["demo", "--out", str(f)], ["validate", "--only", "mass-white", "--report", str(f)],
                 ["demo", "--out", str(f / "sub")]):
        code, out, err = run(capsys, *argv)
        assert code == 2 and out == "" and len(err.strip().splitlines()) == 1, argv
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]


def test_validate_list(capsys):
    code, out, _ = run(capsys, "validate", "--list")
    assert code == 0 and "periodic-trains" in out and "low-frequency-second-order" in out


def test_warnings_where_the_theory_assumptions_fail(capsys):
    code, out, _ = run(capsys, "simulate", "network", "--eta-bar", "1", "--delta", "1e-6", "--J", "-1", "--N", "100",
                       "--T", "40", "--dt", "0.01", "--quiet", "--json")
    doc = json.loads(out)
    assert code == 0 and any("marginal" in w for w in doc["warnings"])
    code, out, _ = run(capsys, *NET, "--json")
    assert not any("marginal" in w or "dt too large" in w for w in json.loads(out)["warnings"])


def test_a_closed_pipe_ends_quietly():
    """`shotnoise spectrum ... | head -1`: the reader goes away; no traceback, exit 141 (as for SIGPIPE)."""
    import subprocess
    import sys
    p = subprocess.Popen([sys.executable, "-m", "shotnoise.validation.cli", "spectrum", "--eta-bar", "1", "--delta",
                          "0.05", "--J", "-3", "--N", "1000", "--omega-min", "0.1", "--omega-max", "10", "--points",
                          "20000"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    p.stdout.readline()
    p.stdout.close()  # like head after its first line
    err = p.stderr.read().decode()
    assert p.wait(timeout=60) == 141 and "Traceback" not in err and err == "", err
