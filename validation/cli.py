"""The ``shotnoise`` command-line tool (top layer: uses theory and numerics).

Subcommands print human-readable text by default and JSON with ``--json``.
Bad parameters exit with status 2 and a one-line message naming the parameter;
nothing is written in that case.  Heavy imports (sympy, scipy, matplotlib) are
done inside the subcommands so that numeric subcommands start fast.
"""
from __future__ import annotations

import argparse
import json
import math
import sys


#: export formats (mirrors shotnoise.theory.export.FORMATS; importing that module imports sympy)
FORMATS = ("latex", "python", "c", "fortran", "julia", "octave", "xpp", "json")


class UsageError(ValueError):
    """Bad command-line input (exit status 2)."""


def _float(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError("not a number: %r" % text) from None


def _add_mpr_params(p: argparse.ArgumentParser, *, defaults: dict | None = None) -> None:
    d = defaults or {}
    p.add_argument("--eta-bar", type=_float, required="eta_bar" not in d, default=d.get("eta_bar"),
                   help="centre of the Lorentzian excitability distribution")
    p.add_argument("--delta", type=_float, required="Delta" not in d, default=d.get("Delta"),
                   help="half-width Delta > 0 of the excitability distribution")
    p.add_argument("--J", type=_float, required="J" not in d, default=d.get("J"), help="coupling J")
    p.add_argument("--I", type=_float, default=0.0, help="external current (default 0)")
    p.add_argument("--tau", type=_float, default=1.0, help="membrane time constant tau > 0 (default 1)")


def _mpr_params(a):
    from shotnoise.numerics.parameters import MPRParameters
    return MPRParameters(a.eta_bar, a.delta, a.J, a.I, a.tau)


def _print_json(obj) -> None:
    print(json.dumps(obj, indent=2, allow_nan=False))


# ----------------------------------------------------------------------------- derive
def cmd_derive(a) -> int:
    from shotnoise.theory.export import export
    from shotnoise.theory.models import get_model
    sys.stdout.write(export(get_model(a.model), a.format))
    return 0


# ----------------------------------------------------------------------------- fixed-points
def cmd_fixed_points(a) -> int:
    from shotnoise.numerics.mpr import fixed_points
    pts = fixed_points(_mpr_params(a))
    doc = {"fixed_points": [q.as_dict() for q in pts]}
    if a.json:
        _print_json(doc)
    else:
        print("%-12s %-12s %-15s %s" % ("r", "v", "stability", "eigenvalues"))
        for q in pts:
            ev = ", ".join("%.6g%+.6gi" % (l.real, l.imag) for l in q.eigenvalues)
            print("%-12.6g %-12.6g %-15s %s" % (q.r, q.v, q.stability, ev))
    return 0


# ----------------------------------------------------------------------------- simulate mass
def cmd_simulate_mass(a) -> int:
    import numpy as np
    from shotnoise.numerics.mpr import integrate
    p = _mpr_params(a)
    out = a.out
    if out is not None and not (out.endswith(".csv") or out.endswith(".npz")):
        raise UsageError("--out must end in .csv or .npz, got %r" % out)
    tr = integrate(p, a.r0, a.v0, a.T, a.dt, method=a.method, save_every=a.save_every)
    if not (np.all(np.isfinite(tr.r)) and np.all(np.isfinite(tr.v))):
        raise UsageError("the trajectory diverged (non-finite r or v); reduce --dt")
    doc = {"model": "mpr", "method": a.method, "parameters": _param_doc(p), "initial": {"r": a.r0, "v": a.v0},
           "T": a.T, "dt": a.dt, **tr.summary()}
    if out is not None:
        if out.endswith(".csv"):
            np.savetxt(out, np.column_stack([tr.t, tr.r, tr.v]), delimiter=",", header="t,r,v", comments="")
        else:
            np.savez(out, t=tr.t, r=tr.r, v=tr.v)
        doc["written"] = out
    if a.json:
        _print_json(doc)
    else:
        print("final r = %.10g, v = %.10g at t = %g (%d samples)" % (doc["r_final"], doc["v_final"],
                                                                     doc["t_final"], doc["samples"]))
    return 0


def _param_doc(p) -> dict:
    return {"eta_bar": p.eta_bar, "Delta": p.Delta, "J": p.J, "I": p.I, "tau": p.tau}


# ----------------------------------------------------------------------------- spectrum
def _omega_grid(a):
    import numpy as np
    if a.omega is not None:
        if a.omega_min is not None or a.omega_max is not None:
            raise UsageError("give either --omega or --omega-min/--omega-max/--points, not both")
        try:
            w = np.array([float(x) for x in a.omega.split(",") if x.strip()])
        except ValueError:
            raise UsageError("--omega must be a comma-separated list of numbers, got %r" % a.omega) from None
        if w.size == 0 or not np.all(np.isfinite(w)):
            raise UsageError("--omega must contain finite numbers")
        return w
    if a.omega_min is None or a.omega_max is None:
        raise UsageError("give --omega w1,w2,.. or both --omega-min and --omega-max")
    lo, hi, n = a.omega_min, a.omega_max, a.points
    if not (math.isfinite(lo) and math.isfinite(hi)) or lo < 0 or hi <= lo:
        raise UsageError("need 0 <= --omega-min < --omega-max (finite), got %r, %r" % (lo, hi))
    if n < 2:
        raise UsageError("--points must be >= 2, got %d" % n)
    if a.log:
        if lo <= 0:
            raise UsageError("--log needs --omega-min > 0")
        return np.geomspace(lo, hi, n)
    return np.linspace(lo, hi, n)


def cmd_spectrum(a) -> int:
    import numpy as np
    from shotnoise.numerics.linear_response import network_spectra, resonance
    p = _mpr_params(a)
    w = _omega_grid(a)
    for path, ext in ((a.csv, ".csv"), (a.plot, ".png")):
        if path is not None and not path.endswith(ext):
            raise UsageError("output file %r must end in %s" % (path, ext))
    ns = network_spectra(w, p, a.N, M=a.M, branch=a.branch)
    res = resonance(p, ns.fixed_point)
    doc = {"convention": "two-sided, angular frequency", "parameters": dict(_param_doc(p), N=a.N),
           "fixed_point": {"r": ns.fixed_point.r, "v": ns.fixed_point.v, "stability": ns.fixed_point.stability},
           "resonance": {"omega_res": _fin(res.omega_res), "damping": res.damping, "Q": _fin(res.Q),
                         "omega_shot_peak": _fin(res.omega_peak), "gain_at_shot_peak": _fin(res.gain_at_peak)},
           "omega": w.tolist(), "shot": ns.shot.tolist(), "activity": ns.activity.tolist(),
           "rate": ns.rate.tolist(), "voltage": ns.voltage.tolist()}
    if ns.subpopulation is not None:
        doc["subpopulation"] = ns.subpopulation.tolist()
        doc["parameters"]["M"] = a.M
    if a.csv:
        cols = [w, ns.shot, ns.activity, ns.rate, ns.voltage] + ([ns.subpopulation] if a.M else [])
        head = "omega,shot,activity,rate,voltage" + (",subpopulation" if a.M else "")
        np.savetxt(a.csv, np.column_stack(cols), delimiter=",", header=head, comments="")
    if a.plot:
        from shotnoise.validation.plots import plot_network_spectra
        plot_network_spectra(ns, a.plot, "eta_bar=%g, Delta=%g, J=%g, N=%g" % (p.eta_bar, p.Delta, p.J, a.N), res)
    if a.json:
        _print_json(doc)
    elif not (a.csv or a.plot):
        print("# two-sided, angular frequency; fixed point r=%.6g v=%.6g (%s)" % (
            ns.fixed_point.r, ns.fixed_point.v, ns.fixed_point.stability))
        print("%-12s %-14s %-14s %-14s %-14s" % ("omega", "shot", "activity", "rate", "voltage"))
        for row in zip(w, ns.shot, ns.activity, ns.rate, ns.voltage):
            print("%-12.6g %-14.6g %-14.6g %-14.6g %-14.6g" % row)
    return 0


def _fin(x):
    return x if math.isfinite(x) else None


# ----------------------------------------------------------------------------- simulate network / stochastic-mass
def _default_bin(dt: float, requested) -> float:
    if requested is not None:
        return requested
    return dt * max(1, int(round(0.02 / dt)))


def _check_run_args(a) -> None:
    from shotnoise.numerics.parameters import finite, positive
    finite("N", a.N)
    if a.N < 1 or (a.what == "network" and a.N != int(a.N)):
        raise UsageError("N must be %s >= 1, got %r" % ("an integer" if a.what == "network" else "a number", a.N))
    positive("T", a.T)
    positive("dt", a.dt)
    finite("transient", a.transient)
    if a.transient < 0:
        raise UsageError("transient must be >= 0, got %r" % a.transient)
    if a.T <= a.transient:
        raise UsageError("T must be > transient, got T=%r, transient=%r" % (a.T, a.transient))
    positive("segment", a.segment)
    if a.segment > a.T - a.transient:
        raise UsageError("segment (%g) must not exceed T - transient (%g)" % (a.segment, a.T - a.transient))
    if a.save is not None and not a.save.endswith(".npz"):
        raise UsageError("--save must end in .npz, got %r" % a.save)


def _spectrum_with_theory(x, bw, segment, p, N, M=None, branch_hint=None):
    """Welch estimate of x plus the expected estimate from the linear theory (None if not applicable)."""
    from shotnoise.numerics.linear_response import binned_network_spectrum
    from shotnoise.numerics.mpr import fixed_points, nearest_stable_branch
    from shotnoise.numerics.spectral_estimation import welch, welch_expectation
    spec = welch(x, bw, segment)
    doc = spec.as_dict()
    try:
        pts = fixed_points(p)
        branch = nearest_stable_branch(pts, branch_hint if branch_hint is not None else pts[-1].r)
        S, fp = binned_network_spectrum(p, N, bw, M=M, branch=branch)
        doc["theory"] = welch_expectation(S, spec).tolist()
        doc["theory_note"] = "expected Welch estimate of the linear theory at the fixed point r=%.6g (binning, window)" % fp.r
    except ValueError as e:
        doc["theory"] = None
        doc["theory_note"] = "linear theory not applicable: %s" % e
    return spec, doc


def cmd_simulate_network(a) -> int:
    import numpy as np
    from shotnoise.numerics.densities import make_density
    from shotnoise.numerics.linear_response import annealed_rate
    from shotnoise.numerics.mpr import fixed_points
    from shotnoise.numerics.qif_network import quenched_rate, simulate_network
    p = _mpr_params(a)
    _check_run_args(a)
    N = int(a.N)
    if a.M is not None and not 1 <= a.M <= N:
        raise UsageError("M must satisfy 1 <= M <= N, got M=%r" % a.M)
    bw = _default_bin(a.dt, a.bin)
    rng = np.random.default_rng(a.seed)
    kind = "lorentzian" if a.heterogeneity in ("quantile", "random") else a.heterogeneity
    g = make_density(kind, p.eta_bar, p.Delta)
    eta = g.quantiles(N) if a.heterogeneity == "quantile" else g.sample(N, rng)
    res = simulate_network(eta, p.J, a.T, a.dt, I=p.I, tau=p.tau, transient=a.transient, bin_width=bw,
                           M=int(a.M or 0), seed=a.seed, progress=not a.quiet and not a.json)
    mean = res.mean_rate
    if kind == "lorentzian":
        mpr = min(fixed_points(p), key=lambda q: abs(q.r - mean)).r
    else:
        mpr = annealed_rate(g, J=p.J, I=p.I, tau=p.tau)
    spec, sdoc = _spectrum_with_theory(res.activity, bw, a.segment, p, N, branch_hint=mean) \
        if kind == "lorentzian" else (None, None)
    if sdoc is None:
        from shotnoise.numerics.spectral_estimation import welch
        sdoc = welch(res.activity, bw, a.segment).as_dict()
        sdoc["theory"] = None
        sdoc["theory_note"] = "linear theory implemented for the Lorentzian only"
    doc = {"parameters": dict(_param_doc(p), N=N, heterogeneity=a.heterogeneity, seed=a.seed),
           "mean_rate": mean, "quenched_rate": quenched_rate(res.eta, p.I, p.J, p.tau, near=mean),
           "mpr_rate": mpr, "mean_rate_Z": float(np.mean(res.r_Z)), "bin_width": bw, "spectrum": sdoc,
           "timing": {"neuron_steps_per_second": res.neuron_steps_per_second, "wall_time_s": res.wall_time},
           "max_phase_per_step": res.max_phase_per_step}
    if a.M:
        _, subdoc = _spectrum_with_theory(res.activity_M, bw, a.segment, p, N, M=int(a.M), branch_hint=mean)
        doc["subpopulation"] = {"M": int(a.M), "mean_rate": float(res.activity_M.mean()), "spectrum": subdoc}
    if a.save:
        np.savez(a.save, activity=res.activity, activity_M=res.activity_M if a.M else np.zeros(0),
                 Z=res.Z, r_Z=res.r_Z, v_Z=res.v_Z, eta=res.eta, bin_width=bw, omega=np.array(sdoc["omega"]),
                 psd=np.array(sdoc["psd"]))
        doc["written"] = a.save
    if res.max_phase_per_step > math.pi:
        print("shotnoise: warning: fastest neuron turns %.2g times per step; spikes are exact but kicks "
              "are delayed to step ends" % (res.max_phase_per_step / math.pi), file=sys.stderr)
    _report_run(a, doc)
    return 0


def _report_run(a, doc) -> None:
    if a.json:
        _print_json(doc)
        return
    for k in ("mean_rate", "quenched_rate", "mpr_rate", "mean_rate_Z"):
        if k in doc:
            print("%-16s %.6g" % (k, doc[k]))
    if "timing" in doc:
        print("%-16s %.3g neuron-steps/s" % ("speed", doc["timing"]["neuron_steps_per_second"]))
    sp = doc["spectrum"]
    print("spectrum: %d bins, %d segments, %.1f dof per bin (two-sided, angular frequency)"
          % (len(sp["omega"]), sp["n_segments"], sp["dof"]))


def cmd_simulate_stochastic_mass(a) -> int:
    import numpy as np
    from shotnoise.numerics.stochastic_mass import simulate_stochastic_mass
    p = _mpr_params(a)
    _check_run_args(a)
    bw = _default_bin(a.dt, a.bin)
    run = simulate_stochastic_mass(p, a.N, a.T, a.dt, noise=a.noise, scheme=a.scheme, transient=a.transient,
                                   bin_width=bw, seed=a.seed, branch=a.branch)
    _, sdoc = _spectrum_with_theory(run.s, bw, a.segment, p, a.N, branch_hint=float(run.s.mean()))
    doc = {"parameters": dict(_param_doc(p), N=a.N, noise=a.noise, scheme=a.scheme, seed=a.seed),
           "mean_rate": run.mean_rate, "mean_r": float(run.r.mean()), "mean_v": float(run.v.mean()),
           "bin_width": bw, "spectrum": sdoc}
    if a.save:
        np.savez(a.save, s=run.s, r=run.r, v=run.v, bin_width=bw)
        doc["written"] = a.save
    _report_run(a, doc)
    return 0


# ----------------------------------------------------------------------------- validate
def cmd_validate(a) -> int:
    import time
    from shotnoise.validation.report import format_table, write_report
    from shotnoise.validation.suite import run_suite
    if a.quick and a.full:
        raise UsageError("choose one of --quick and --full")
    mode = "full" if a.full else "quick"
    say = (lambda label: print("running %s ..." % label, file=sys.stderr, flush=True)) if not (a.json or a.quiet) \
        else None
    t0 = time.perf_counter()
    results = run_suite(mode, only=a.only.split(",") if a.only else None, progress=say)
    wall = time.perf_counter() - t0
    if a.report:
        write_report(results, a.report, mode, wall)
    if a.json:
        _print_json({"mode": mode, "wall_time_s": wall, "checks": [r.as_dict() for r in results]})
    else:
        print(format_table(results))
        print("%d/%d checks pass (%s, %.1f s)%s" % (sum(r.passed for r in results), len(results), mode, wall,
                                                      "; report in %s/report.md" % a.report if a.report else ""))
    return 0 if all(r.passed for r in results) else 1


# ----------------------------------------------------------------------------- bench
def cmd_bench(a) -> int:
    from shotnoise.validation.bench import BENCHES, run_benchmarks
    names = list(BENCHES) if a.what == "all" else [a.what]
    res = run_benchmarks(names)
    if a.json:
        _print_json(res)
    else:
        for name, d in res.items():
            print("== %s" % name)
            for k, v in d.items():
                print("  %-36s %s" % (k, "%.4g" % v if isinstance(v, float) else v))
    return 0


# ----------------------------------------------------------------------------- demo
def cmd_demo(a) -> int:
    from shotnoise.validation.demo import run_demo
    return run_demo(a.out, quiet=a.quiet)


# ----------------------------------------------------------------------------- parser
def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="shotnoise",
                                 description="Shot noise in next-generation neural mass models (MPR / QIF).")
    sub = ap.add_subparsers(dest="command", required=True)

    d = sub.add_parser("derive", help="print the derived equations in a chosen format")
    d.add_argument("--model", default="mpr", help="model name (mpr)")
    d.add_argument("--format", default="latex", choices=FORMATS)
    d.set_defaults(func=cmd_derive)

    f = sub.add_parser("fixed-points", help="all fixed points of the MPR model with stability")
    _add_mpr_params(f)
    f.add_argument("--json", action="store_true")
    f.set_defaults(func=cmd_fixed_points)

    s = sub.add_parser("simulate", help="simulate a model")
    ssub = s.add_subparsers(dest="what", required=True)
    m = ssub.add_parser("mass", help="deterministic MPR trajectory")
    _add_mpr_params(m)
    m.add_argument("--r0", type=_float, required=True, help="initial rate r0 > 0")
    m.add_argument("--v0", type=_float, required=True, help="initial mean voltage")
    m.add_argument("--T", type=_float, required=True, help="duration T > 0")
    m.add_argument("--dt", type=_float, required=True, help="time step (output spacing) dt > 0")
    m.add_argument("--method", choices=("rk4", "solve_ivp"), default="rk4")
    m.add_argument("--save-every", type=int, default=1, help="keep every n-th step (default 1)")
    m.add_argument("--out", help="write the full trajectory to FILE.csv or FILE.npz")
    m.add_argument("--json", action="store_true")
    m.set_defaults(func=cmd_simulate_mass)

    sp_ = sub.add_parser("spectrum", help="shot-noise and network spectra at a stable fixed point")
    _add_mpr_params(sp_)
    sp_.add_argument("--N", type=_float, required=True, help="number of neurons N >= 1")
    sp_.add_argument("--M", type=_float, help="read out a random subset of M neurons (1 <= M <= N)")
    sp_.add_argument("--branch", choices=("low", "mid", "high"), help="fixed point when several exist")
    sp_.add_argument("--omega", help="comma-separated angular frequencies")
    sp_.add_argument("--omega-min", type=_float)
    sp_.add_argument("--omega-max", type=_float)
    sp_.add_argument("--points", type=int, default=200)
    sp_.add_argument("--log", action="store_true", help="log-spaced grid")
    sp_.add_argument("--json", action="store_true")
    sp_.add_argument("--csv", metavar="FILE", help="write a CSV table")
    sp_.add_argument("--plot", metavar="FILE.png", help="draw all spectra on log axes")
    sp_.set_defaults(func=cmd_spectrum)

    va = sub.add_parser("validate", help="theory-vs-simulation checks with a report")
    va.add_argument("--quick", action="store_true", help="small sizes, < 2 min (default)")
    va.add_argument("--full", action="store_true", help="larger sizes, < 30 min")
    va.add_argument("--report", metavar="DIR", help="write DIR/report.md and PNG figures")
    va.add_argument("--only", help="comma-separated check labels")
    va.add_argument("--json", action="store_true")
    va.add_argument("--quiet", action="store_true")
    va.set_defaults(func=cmd_validate)

    b = sub.add_parser("bench", help="throughput benchmarks (ratios measured in one run)")
    b.add_argument("--what", default="all", help="spectrum | network | stochastic-mass | all")
    b.add_argument("--json", action="store_true")
    b.set_defaults(func=cmd_bench)

    net = ssub.add_parser("network", help="finite-N QIF network (exact between kicks)")
    st = ssub.add_parser("stochastic-mass", help="MPR model with shot noise (white | colored | surrogate)")
    for q in (net, st):
        _add_mpr_params(q)
        q.add_argument("--N", type=_float, required=True, help="number of neurons")
        q.add_argument("--T", type=_float, required=True, help="duration including the transient")
        q.add_argument("--dt", type=_float, required=True, help="time step")
        q.add_argument("--transient", type=_float, default=0.0)
        q.add_argument("--segment", type=_float, default=50.0, help="Welch segment length in units of tau (50)")
        q.add_argument("--bin", type=_float, help="activity bin width (multiple of dt; default ~0.02)")
        q.add_argument("--seed", type=int, default=0)
        q.add_argument("--save", metavar="FILE.npz")
        q.add_argument("--json", action="store_true")
        q.add_argument("--quiet", action="store_true")
    net.add_argument("--heterogeneity", choices=("quantile", "random", "gaussian", "uniform"), default="quantile")
    net.add_argument("--M", type=_float, help="also record a random subset of M neurons")
    net.set_defaults(func=cmd_simulate_network)
    st.add_argument("--noise", choices=("white", "colored", "surrogate"), default="white")
    st.add_argument("--scheme", choices=("euler", "heun"), default="heun")
    st.add_argument("--branch", choices=("low", "mid", "high"))
    st.set_defaults(func=cmd_simulate_stochastic_mass)

    dm = sub.add_parser("demo", help="short default run of the main job")
    dm.add_argument("--out", default="demo-output", help="directory for figures and exports")
    dm.add_argument("--quiet", action="store_true")
    dm.set_defaults(func=cmd_demo)
    return ap


def main(argv: list[str] | None = None) -> int:
    ap = build_parser()
    a = ap.parse_args(argv)
    try:
        return int(a.func(a) or 0)
    except ValueError as e:  # includes UsageError: bad parameters -> exit 2, one line
        print("shotnoise: error: %s" % str(e).splitlines()[0], file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
