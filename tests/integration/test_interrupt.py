"""Ctrl-C during a long run: exit 130 within about a second, one line on stderr, no partial file; also with
long output bins (a compiled call ends inside a bin), and the results do not depend on where the calls end."""
import json
import signal
import subprocess
import sys
import time

import numba
import numpy as np
import pytest

from shotnoise.numerics import qif_network
from shotnoise.numerics.circuit import network as circuit_network
from shotnoise.numerics.densities import lorentzian

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


#: long output bins with a large N: one bin is 4e10 neuron-steps (~20-100 s of compute); a compiled call still
#: ends after ~1e7 of them, inside the bin, so Ctrl-C is answered as quickly as with short bins
EI_LONG = {"populations": {"E": {"N": 160000, "eta_bar": 1.0, "Delta": 0.1, "tau": 1.0, "tau_s": 0.2},
                           "I": {"N": 40000, "eta_bar": 0.5, "Delta": 0.1, "tau": 0.5, "tau_s": 0.3}},
           "coupling": {"E": {"E": 2.0, "I": -4.0}, "I": {"E": 3.0, "I": -2.0}}}
LONG_BIN = ["--T", "1000000", "--dt", "0.001", "--bin", "200", "--segment", "1600", "--quiet"]


@pytest.mark.parametrize("what", ["network", "circuit"])
def test_sigint_is_answered_inside_a_long_bin(tmp_path, what):
    if what == "circuit":
        model = tmp_path / "ei.json"
        model.write_text(json.dumps(EI_LONG))
        args = ["simulate", "network", "--model", str(model), *LONG_BIN]
    else:
        args = ["simulate", "network", "--eta-bar", "1", "--delta", "0.2", "--J", "-1", "--N", "200000", *LONG_BIN]
    p = subprocess.Popen([sys.executable, "-m", "shotnoise.validation.cli", *args],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(5.0)  # start-up (~3 s on a loaded 2-core machine), then ~2 s into the first bin
    assert p.poll() is None, "the run ended before the signal"
    t0 = time.perf_counter()
    p.send_signal(signal.SIGINT)
    _, err = p.communicate(timeout=60)
    took = time.perf_counter() - t0
    assert p.returncode == 130 and err.strip().splitlines()[-1] == "shotnoise: interrupted"
    assert took < 1.5, took  # measured 0.2-0.3 s; when a compiled call covered a whole bin: ~20 s


# ----------------------------------------------------------------------------- calls inside bins change nothing
def _single(**kw):
    eta = lorentzian(1.0, 0.3).quantiles(20000)
    r = qif_network.simulate_network(eta, J=-1.5, T=40.33, dt=0.01, transient=1.37, bin_width=2.0, M=3000,
                                     raster=40, seed=2, **kw)
    out = {k: getattr(r, k) for k in ("activity", "activity_M", "Z", "r_Z", "v_Z", "raster_t", "raster_i",
                                      "mean_rate", "mean_rate_M", "mean_rate_Z", "final_V")}
    if r.spectrum is not None:
        out["spectrum"] = r.spectrum.psd
        out["spectrum_M"] = r.spectrum_M.psd
    return out


def _circuit(**kw):
    rng = np.random.default_rng(3)
    etas = [lorentzian(1.0, 0.3).sample(16000, rng), lorentzian(0.5, 0.2).sample(4000, rng)]
    r = circuit_network.simulate_populations(etas, J=[[2.0, -3.0], [3.0, -1.0]], tau=[1.0, 0.7], tau_s=[0.3, 0.0],
                                             I=[0.1, 0.0], r_init=[0.3, 0.4], T=40.33, dt=0.01, transient=1.37,
                                             bin_width=2.0, seed=5, **kw)
    out = {k: getattr(r, k) for k in ("activity", "synaptic", "Z", "r_Z", "v_Z", "mean_rate", "mean_synaptic",
                                      "mean_rate_Z", "cross_spectra")}
    out["final_V"] = np.concatenate(r.final_V)
    return out


@pytest.mark.parametrize("run,module", [(_single, qif_network), (_circuit, circuit_network)], ids=["single", "circuit"])
@pytest.mark.parametrize("kw", [dict(threads=1, segment=16.0), dict(threads=1, order_parameter_interval=0.07),
                                dict(threads=2, keep_series=False, segment=16.0)], ids=["welch", "z-interval", "threads"])
def test_results_do_not_depend_on_where_the_compiled_calls_end(monkeypatch, run, module, kw):
    """Bins of 2e4 neurons x 200 steps: calls of 1 step, of 7 steps (ending inside bins and between order-parameter
    samples), the default (5 bins), and whole blocks give identical spikes, activity, Z, synaptic averages, spectra."""
    kw = dict(kw, threads=min(kw["threads"], numba.config.NUMBA_NUM_THREADS))
    ref = run(**kw)
    assert ref["mean_rate"] is not None
    for chunk in (2e4, 1.4e5, 1e12):
        monkeypatch.setattr(module, "CHUNK_NEURON_STEPS", chunk)
        got = run(**kw)
        for k, v in ref.items():
            assert (got[k] is None if v is None else np.array_equal(got[k], v, equal_nan=True)), (chunk, k)


# ----------------------------------------------------------------------------- Ctrl-C swallowed by a library
def _run_cli_with(monkeypatch, func):
    from shotnoise.validation import cli
    real = cli.build_parser

    def parser():
        ap = real()
        ap.parse_args = lambda argv=None: type("A", (), {"func": staticmethod(func)})()
        return ap
    monkeypatch.setattr(cli, "build_parser", parser)
    return cli.main([])


def test_an_error_after_ctrl_c_is_reported_as_the_interrupt(monkeypatch, capsys):
    """Ctrl-C inside a numba compilation is swallowed by a ctypes callback and resurfaces as numba's
    'RuntimeError: no compiled object yet' (seen on CI with a cold cache): exit 130, not a traceback."""
    import os

    def swallowed(a):
        try:
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(1.0)
        except KeyboardInterrupt:
            pass  # what the ctypes callback does
        raise RuntimeError("no compiled object yet")
    # a shell's background job starts with SIGINT ignored; the test needs Python's default handler in place
    outer = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        assert _run_cli_with(monkeypatch, swallowed) == 130
        assert capsys.readouterr().err.strip().splitlines()[-1] == "shotnoise: interrupted"
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # restored
    finally:
        signal.signal(signal.SIGINT, outer)


def test_an_error_without_ctrl_c_stays_a_bug(monkeypatch):
    def broken(a):
        raise RuntimeError("a real bug")
    with pytest.raises(RuntimeError, match="a real bug"):
        _run_cli_with(monkeypatch, broken)
