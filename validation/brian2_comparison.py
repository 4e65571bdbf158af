"""Speed of the exact QIF network simulator against Brian2's C++ standalone mode (issue 11, point 3).

A standalone script, not part of the package: nothing imports it, and it needs Brian2, which lives in
a separate environment (Brian2 2.9 needs numpy < 2.4).  It measures neuron-steps per second,
N * (T/dt) / (wall time of the simulation loop), of the same network in both simulators, for
N = 1e3, 1e4, 1e5 and output bins of one step (dt) and of 0.1, and prints a table and a JSON with
the ratios ours / Brian2.

Setup (once; about 2 minutes; g++ must exist: ``apt-get update && apt-get install -y g++`` if not)::

    python -m venv /tmp/brian2env
    /tmp/brian2env/bin/pip install "brian2==2.9.*" "numpy<2.4"

Run (from the repository root; about 6 minutes on the shared 2-core machine, plus ~3 minutes of compiling
the six Brian2 projects the first time)::

    /tmp/brian2env/bin/python validation/brian2_comparison.py --json /tmp/brian2_comparison.json

Which shotnoise is measured: the source tree this file sits in (``numerics/`` etc. of its repository,
whatever is installed), run by a separate Python interpreter (``--ours-python``; default: the first
``python3``/``python`` on PATH outside the Brian2 environment that has numpy, numba, scipy and sympy,
i.e. the project's own environment; ``SHOTNOISE_PYTHON`` overrides it).  Both simulators run one at a
time (the measurements alternate, ours / Brian2, never concurrently); each number is the median of
``--repeats`` runs.  The worker inherits the environment: ``NUMBA_NUM_THREADS=1 /tmp/brian2env/bin/python
validation/brian2_comparison.py ...`` measures ours single-threaded (Brian2 ignores the variable).

The network (the same in both)
------------------------------
N all-to-all QIF neurons, tau = 1 (Brian2: 1 ms, with every time in ms, so the numbers are the same),
``tau dV_j/dt = V_j^2 + eta_j + J tau s(t)``, eta_j the Lorentzian quantiles of
``Model(eta_bar=2, Delta=0.2, J=-4, N=N).excitabilities(draw='quantile')`` (taken from the package and
handed to Brian2), J = -4: every spike kicks every V by J/N; dt = 1e-3.

* ours: ``Model(eta_bar=2, Delta=0.2, J=-4, N=N).simulate_network(T=T, dt=1e-3, bin_width=bin,
  keep_series=True)``: the exact Moebius step (V passes through infinity, no V_peak), kicks of the
  previous step's spikes at the step start; it records the activity per bin and the order parameter Z
  (per bin, or at the coarser default interval of the simulator where it has one).
* Brian2 cannot take the exact step: it integrates ``dv/dt = (v**2 + eta)/tau + J*count/(N*dt)`` with
  forward Euler and the literature's V_peak scheme (as ``numerics.qif_vpeak``): threshold v >= 100,
  reset to -100, refractory 2 tau/V_peak during which v is frozen, the spike delivered tau/V_peak after
  the threshold crossing (synaptic delay), i.e. half-way through the refractory period.
  The all-to-all delta coupling is not N^2 synapses (8e10 at N = 1e5) but a "hub": N synapses from the
  neurons onto a one-neuron group, ``on_pre: count_post += 1``, so the hub counts the spikes arriving in
  a step; every neuron reads that count through a linked variable, and the hub sets it to 0 after the
  neurons' state update (``run_regularly`` at 'before_synapses').  The Euler step is then
  ``v += dt (v^2 + eta)/tau + J count/N``: each spike of the previous step kicks every v by J/N at the
  start of the step, the same coupling as ours (same to first order in dt: Euler evaluates the drift at
  the pre-kick v).  Recording: bin = dt, the hub's count every step (StateMonitor); bin = 0.1, a
  cumulative count of the hub sampled every 0.1 (StateMonitor with dt=0.1; the activity is its
  difference).  Brian2 does not evaluate the order parameter Z (``--brian2-order-parameter`` adds it,
  as summed variables over N neuron->(second hub) synapses, evaluated once per bin): by default it does less
  work per bin than ours, so the ratio is conservative.
  Compiled with Brian2's default flags (-O3 -ffast-math -march=native); single-threaded (Brian2's
  default standalone mode) unless ``--brian2-threads K`` (OpenMP).

What is timed
-------------
* ours: ``NetworkResult.wall_time``: perf_counter around the loop of ``simulate_network`` (all steps, the
  per-bin observables and their per-chunk post-processing), after a warm-up run of the same bin width
  (numba compilation excluded); not the drawing of eta, the initial state or the coefficients.  The whole
  call is reported too (``ours_call_s``).
* Brian2: wall time (CLOCK_MONOTONIC, code inserted into main.cpp with ``device.insert_code``) around
  ``Network.run`` inside the compiled binary: the time-step loop with all code objects and monitors (plus
  Brian2's before-run preparations, which are tiny); not code generation, compilation
  (``device.build``), process start, loading the initial values or writing the results.  Brian2's own
  ``_last_run_time`` (std::clock: CPU time of the process when single-threaded) and the wall time of
  the whole binary (``device.run``) are reported too.  The run length: the binary is built for a long T
  and stopped by Brian2's ``maximum_run_time`` after ``--brian2-seconds`` (default 5.5) of its own clock,
  so each Brian2 measurement covers >= 5 s of run time on any machine; ours then simulates the same
  number of steps (rounded down to whole bins).
* ratio: the median over the repeats of ours/Brian2 from adjacent measurements (which see about the same
  load of the shared machine); the ratio of the medians is in the JSON too.

The builds go to ``--build-dir`` (default /tmp/brian2_comparison_builds); a second invocation reuses
them (only changed files are recompiled).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ETA_BAR, DELTA, J, TAU, DT = 2.0, 0.2, -4.0, 1.0, 1e-3
V_PEAK = 100.0


# ============================================================================ ours: worker process
def _install_tree_finder(repo: Path) -> None:
    """Import ``shotnoise.X`` from ``repo/X`` (the package-dir mapping of pyproject.toml), whatever is installed."""
    import importlib.machinery
    import importlib.util

    class _TreeFinder:
        @classmethod
        def find_spec(cls, fullname, path=None, target=None):
            if fullname == "shotnoise":
                spec = importlib.machinery.ModuleSpec("shotnoise", None, is_package=True)
                spec.submodule_search_locations = []
                return spec
            parts = fullname.split(".")
            if len(parts) == 2 and parts[0] == "shotnoise" and (repo / parts[1] / "__init__.py").is_file():
                d = repo / parts[1]
                return importlib.util.spec_from_file_location(fullname, d / "__init__.py",
                                                              submodule_search_locations=[str(d)])
            return None

    sys.meta_path.insert(0, _TreeFinder)


def _worker(repo: str) -> None:
    """Serve measurement requests of our simulator, one JSON object per line (stdin -> protocol fd)."""
    proto = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)  # anything else printed goes to stderr, never into the protocol
    _install_tree_finder(Path(repo))
    import numpy as np
    import numba
    from shotnoise.numerics import Model
    from shotnoise.numerics import qif_network

    def reply(obj):
        proto.write(json.dumps(obj) + "\n")

    for line in sys.stdin:
        req = json.loads(line)
        cmd = req["cmd"]
        try:
            if cmd == "info":
                reply({"python": sys.executable, "numpy": np.__version__, "numba": numba.__version__,
                       "numba_threads": numba.config.NUMBA_NUM_THREADS,
                       "shotnoise_network_module": qif_network.__file__})
            elif cmd == "setup":  # eta and a state on the attractor (after a short run) for Brian2
                N = req["N"]
                m = Model(eta_bar=ETA_BAR, Delta=DELTA, J=J, tau=TAU, N=N)
                eta = m.excitabilities(draw="quantile")
                res = m.simulate_network(T=req["T_state"], dt=DT, keep_series=False)
                np.save(req["eta_file"], eta)
                np.save(req["v0_file"], res.final_V)
                reply({"r_theory": m.self_consistent_rate()})
            elif cmd == "run":
                m = Model(eta_bar=ETA_BAR, Delta=DELTA, J=J, tau=TAU, N=req["N"])
                t0 = time.perf_counter()
                res = m.simulate_network(T=req["T"], dt=DT, bin_width=req["bin"], keep_series=req["keep_series"])
                call = time.perf_counter() - t0
                reply({"wall_s": res.wall_time, "call_s": call, "mean_rate": res.mean_rate, "bins": res.n_bins,
                       "steps": int(round(req["T"] / DT))})
            elif cmd == "quit":
                reply({})
                return
            else:
                reply({"error": "unknown command %r" % cmd})
        except Exception as exc:  # report, keep serving
            reply({"error": "%s: %s" % (type(exc).__name__, exc)})


class Ours:
    """Client of the worker process (our simulator in its own interpreter)."""

    def __init__(self, python: str):
        self.proc = subprocess.Popen([python, str(Path(__file__).resolve()), "--worker", str(REPO)],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)

    def ask(self, **req):
        self.proc.stdin.write(json.dumps(req) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("the shotnoise worker died (see its stderr above)")
        out = json.loads(line)
        if "error" in out:
            raise RuntimeError("shotnoise worker: " + out["error"])
        return out

    def close(self):
        try:
            self.ask(cmd="quit")
        finally:
            self.proc.wait(timeout=30)


def _find_ours_python(explicit: str | None) -> str:
    if explicit:
        return explicit
    if os.environ.get("SHOTNOISE_PYTHON"):
        return os.environ["SHOTNOISE_PYTHON"]
    venv_bin = str(Path(sys.prefix) / "bin")
    path = os.pathsep.join(p for p in os.environ.get("PATH", "").split(os.pathsep)
                           if p and Path(p).resolve() != Path(venv_bin).resolve())
    for name in ("python3", "python"):
        cand = shutil.which(name, path=path)
        if cand and subprocess.run([cand, "-c", "import numpy, numba, scipy, sympy"],
                                   capture_output=True).returncode == 0:
            return cand
    return sys.executable


# ============================================================================ Brian2 standalone
class Brian2Net:
    """One compiled Brian2 C++ standalone project of the network (one N, one bin width)."""

    def __init__(self, N, bin_width, eta, v0, directory, T_max, max_seconds, threads, order_parameter):
        import numpy as np
        import brian2 as b2
        from brian2 import ms

        b2.set_device("cpp_standalone", build_on_run=False)
        b2.device.reinit()  # one process builds several projects
        b2.device.activate(build_on_run=False)
        b2.prefs.devices.cpp_standalone.openmp_threads = threads
        b2.prefs.logging.console_log_level = "WARNING"
        b2.device._set_maximum_run_time(max_seconds)
        self.N, self.bin, self.directory = N, bin_width, Path(directory)
        b2.defaultclock.dt = DT * ms
        tau = TAU * ms
        ns = {"tau": tau, "Jc": J, "N_": float(N), "vp": V_PEAK}
        G = b2.NeuronGroup(N, """dv/dt = (v**2 + eta)/tau + Jc*count_hub/(N_*dt) : 1 (unless refractory)
                                 eta : 1 (constant)
                                 count_hub : 1 (linked)""",
                           threshold="v >= vp", reset="v = -vp", refractory=2 * tau / V_PEAK, method="euler",
                           namespace=ns, name="qif")
        hub = b2.NeuronGroup(1, "count : 1\nacc : 1", name="hub")
        G.count_hub = b2.linked_var(hub, "count", index=np.zeros(N, dtype=int))
        S = b2.Synapses(G, hub, on_pre="count_post += 1", delay=tau / V_PEAK, name="to_hub")
        S.connect()
        one_step = abs(bin_width - DT) < 1e-12
        hub.run_regularly("count = 0" if one_step else "acc += count\ncount = 0", when="before_synapses")
        G.eta = eta
        G.v = np.clip(v0, -V_PEAK, V_PEAK * (1 - 1e-12))
        objs = [G, hub, S]
        if one_step:
            self.mon = b2.StateMonitor(hub, "count", record=0, when="after_synapses", name="activity")
        else:
            self.mon = b2.StateMonitor(hub, "acc", record=0, dt=bin_width * ms, when="end", name="activity")
        objs.append(self.mon)
        if order_parameter:  # Z = <(1 + i v)^2/(1 + v^2)>, once per bin (a summed variable runs on its target's clock)
            zhub = b2.NeuronGroup(1, "Zre : 1\nZim : 1", dt=bin_width * ms, name="zhub")
            SZ = b2.Synapses(G, zhub, """Zre_post = (1 - v_pre**2)/(1 + v_pre**2)/N_ : 1 (summed)
                                         Zim_post = 2*v_pre/(1 + v_pre**2)/N_ : 1 (summed)""",
                             dt=bin_width * ms, namespace=ns, name="order_parameter")
            SZ.connect()
            zmon = b2.StateMonitor(zhub, ["Zre", "Zim"], record=0, when="end", name="zmon")
            objs += [zhub, SZ, zmon]
        net = b2.Network(*objs)
        wall_file = self.directory / "wall_run_time.txt"
        self.wall_file = wall_file
        b2.device.insert_code("main", "struct timespec _sn_w0, _sn_w1; clock_gettime(CLOCK_MONOTONIC, &_sn_w0);")
        net.run(T_max * ms, namespace=ns)
        b2.device.insert_code("main", 'clock_gettime(CLOCK_MONOTONIC, &_sn_w1); { std::ofstream _sn_f("%s"); '
                                      "_sn_f.precision(17); _sn_f << (double)(_sn_w1.tv_sec - _sn_w0.tv_sec) "
                                      "+ 1e-9*(double)(_sn_w1.tv_nsec - _sn_w0.tv_nsec) << std::endl; }"
                              % wall_file)
        self.T_max = T_max
        t0 = time.perf_counter()
        b2.device.build(directory=str(directory), compile=True, run=False)
        self.build_s = time.perf_counter() - t0
        self.b2 = b2

    def run(self):
        import numpy as np

        dev = self.b2.device
        t0 = time.perf_counter()
        dev.run(directory=str(self.directory), with_output=False)
        binary_s = time.perf_counter() - t0
        wall = float(self.wall_file.read_text().split()[0])
        frac = float(dev._last_run_completed_fraction)
        steps = int(round(frac * self.T_max / DT))
        # the recorded series, read from the results files (the monitor's cached shape is that of the first run)
        var = self.mon.variables["count" if abs(self.bin - DT) < 1e-12 else "acc"]
        rec = np.fromfile(os.path.join(dev.results_dir, dev.get_array_filename(var)), dtype=var.dtype)
        if abs(self.bin - DT) < 1e-12:
            spikes = float(np.sum(rec))
            steps = rec_steps = rec.size
        else:
            acc = rec
            spikes = float(acc[-1]) if acc.size else 0.0
            rec_steps = acc.size * int(round(self.bin / DT))
        return {"wall_s": wall, "brian2_reported_s": float(dev._last_run_time), "binary_s": binary_s,
                "steps": steps, "mean_rate": spikes / (self.N * rec_steps * DT) if rec_steps else float("nan")}


# ============================================================================ driver
def _median(xs):
    return statistics.median(xs)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--json", help="write the results here")
    p.add_argument("--N", default="1e3,1e4,1e5", help="network sizes (comma-separated; default 1e3,1e4,1e5)")
    p.add_argument("--bins", default="0.001,0.1", help="output bin widths (multiples of dt=1e-3; default 0.001,0.1)")
    p.add_argument("--repeats", type=int, default=3, help="measurements per case (median reported; default 3)")
    p.add_argument("--brian2-seconds", type=float, default=5.5,
                   help="Brian2 run time per measurement (its maximum_run_time, on its own clock; default 5.5)")
    p.add_argument("--brian2-threads", type=int, default=0,
                   help="OpenMP threads for Brian2 (0: its default single-threaded standalone; default 0)")
    p.add_argument("--brian2-order-parameter", action="store_true",
                   help="Brian2 also computes the order parameter Z once per bin (as ours does)")
    p.add_argument("--no-keep-series", action="store_true", help="ours with keep_series=False")
    p.add_argument("--ours-python", help="interpreter that runs our simulator (default: see the module doc)")
    p.add_argument("--build-dir", default="/tmp/brian2_comparison_builds")
    p.add_argument("--worker", help=argparse.SUPPRESS)
    a = p.parse_args(argv)
    if a.worker:
        _worker(a.worker)
        return 0

    import numpy as np
    import brian2

    Ns = [int(float(x)) for x in a.N.split(",")]
    bins = [float(x) for x in a.bins.split(",")]
    build_dir = Path(a.build_dir)
    build_dir.mkdir(parents=True, exist_ok=True)
    ours = Ours(_find_ours_python(a.ours_python))
    info = ours.ask(cmd="info")
    git = {}
    for key, cmd in (("commit", ["git", "rev-parse", "HEAD"]),
                     ("dirty", ["git", "--no-optional-locks", "status", "--porcelain", "--untracked-files=no"])):
        try:
            git[key] = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True).stdout.strip()
        except OSError:
            pass
    meta = {"network": {"eta_bar": ETA_BAR, "Delta": DELTA, "J": J, "tau": TAU, "dt": DT, "V_peak (Brian2)": V_PEAK},
            "ours": info, "repo": str(REPO), "git_commit": git.get("commit"), "git_dirty": bool(git.get("dirty")),
            "brian2": {"version": brian2.__version__, "numpy": np.__version__, "python": sys.executable,
                       "openmp_threads": a.brian2_threads, "order_parameter": a.brian2_order_parameter,
                       "seconds_per_measurement": a.brian2_seconds},
            "repeats": a.repeats, "keep_series": not a.no_keep_series, "cpus": os.cpu_count(),
            "loadavg_start": os.getloadavg()}
    print("ours: %s (numpy %s, numba %s, NUMBA_NUM_THREADS=%s), %s" % (
        info["python"], info["numpy"], info["numba"], info["numba_threads"], info["shotnoise_network_module"]))
    print("Brian2 %s (numpy %s), C++ standalone, %s" % (
        brian2.__version__, np.__version__,
        "single-threaded" if a.brian2_threads == 0 else "%d OpenMP threads" % a.brian2_threads))
    rows = []
    t_start = time.perf_counter()
    for N in Ns:
        eta_file, v0_file = build_dir / ("eta_%d.npy" % N), build_dir / ("v0_%d.npy" % N)
        setup = ours.ask(cmd="setup", N=N, T_state=max(5.0, min(50.0, 2e8 / N * DT)),
                         eta_file=str(eta_file), v0_file=str(v0_file))
        eta, v0 = np.load(eta_file), np.load(v0_file)
        for bw in bins:
            bin_steps = int(round(bw / DT))
            # long enough never to be reached: Brian2 stops after brian2_seconds of its clock
            T_max = round(a.brian2_seconds * 4e9 / N * DT / bw) * bw
            b2net = Brian2Net(N, bw, eta, v0, build_dir / ("N%d_bin%g" % (N, bw)), T_max, a.brian2_seconds,
                              a.brian2_threads, a.brian2_order_parameter)
            ours.ask(cmd="run", N=N, T=max(bw, 20 * bw, 1e6 / N * DT), bin=bw, keep_series=not a.no_keep_series)
            rb, ro = [], []
            for rep in range(a.repeats):
                b = b2net.run()
                T_ours = max(1, (b["steps"] // bin_steps)) * bin_steps * DT
                o = ours.ask(cmd="run", N=N, T=T_ours, bin=bw, keep_series=not a.no_keep_series)
                rb.append(b)
                ro.append(o)
            nsps_o = [N * o["steps"] / o["wall_s"] for o in ro]
            nsps_b = [N * b["steps"] / b["wall_s"] for b in rb]
            row = {"N": N, "bin": bw, "T_brian2": _median([b["steps"] for b in rb]) * DT,
                   "T_ours": _median([o["steps"] for o in ro]) * DT,
                   "ours_nsps": _median(nsps_o), "brian2_nsps": _median(nsps_b),
                   "ratio": _median([o / b for o, b in zip(nsps_o, nsps_b)]),
                   "ratio_of_medians": _median(nsps_o) / _median(nsps_b),
                   "ours_nsps_all": nsps_o, "brian2_nsps_all": nsps_b,
                   "ours_wall_s": [o["wall_s"] for o in ro], "ours_call_s": [o["call_s"] for o in ro],
                   "brian2_wall_s": [b["wall_s"] for b in rb],
                   "brian2_reported_s": [b["brian2_reported_s"] for b in rb],
                   "brian2_binary_s": [b["binary_s"] for b in rb], "brian2_build_s": b2net.build_s,
                   "brian2_nsps_reported_clock": _median([N * b["steps"] / b["brian2_reported_s"] for b in rb]),
                   "mean_rate_ours": _median([o["mean_rate"] for o in ro]),
                   "mean_rate_brian2": _median([b["mean_rate"] for b in rb]), "mean_rate_theory": setup["r_theory"]}
            rows.append(row)
            print("  N=%-6d bin=%-5g ours %.3g  Brian2 %.3g  ratio %.2f   (Brian2 run %.1f s, ours %.1f s; "
                  "rates %.4f / %.4f, theory %.4f)" % (N, bw, row["ours_nsps"], row["brian2_nsps"], row["ratio"],
                                                        _median(row["brian2_wall_s"]), _median(row["ours_wall_s"]),
                                                        row["mean_rate_ours"], row["mean_rate_brian2"],
                                                        row["mean_rate_theory"]), flush=True)
    ours.close()
    meta["elapsed_s"] = time.perf_counter() - t_start
    meta["loadavg_end"] = os.getloadavg()
    print("\nneuron-steps/s (median of %d; wall time of the simulation loop; Brian2 C++ standalone, %s; "
          "ratio: median of the paired ratios ours/Brian2; load average %.1f at the start, %.1f at the end)" % (
              a.repeats, "single-threaded" if a.brian2_threads == 0 else "%d threads" % a.brian2_threads,
              meta["loadavg_start"][0], meta["loadavg_end"][0]))
    print("%8s %7s %12s %12s %8s %14s" % ("N", "bin", "ours", "Brian2", "ratio", "ratio >= 3"))
    for r in rows:
        print("%8d %7g %12.3g %12.3g %8.2f %14s" % (r["N"], r["bin"], r["ours_nsps"], r["brian2_nsps"], r["ratio"],
                                                   "yes" if r["ratio"] >= 3 else "NO"))
    summary = {"min_ratio": min(r["ratio"] for r in rows), "all_ratios_at_least_3": all(r["ratio"] >= 3 for r in rows),
               "ratios": {"N=%d,bin=%g" % (r["N"], r["bin"]): round(r["ratio"], 3) for r in rows}}
    doc = {"meta": meta, "rows": rows, "summary": summary}
    print(json.dumps(summary, indent=1))
    if a.json:
        Path(a.json).write_text(json.dumps(doc, indent=1))
        print("wrote", a.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
