"""The ``shotnoise`` command-line tool: parse, call one library function, print or write its dict.

Every subcommand builds a :class:`~shotnoise.numerics.model.Model` from its options, calls one
function of :mod:`shotnoise.validation.tasks` (or the demo; for a circuit model file -- several
populations or synapses -- one of :mod:`shotnoise.validation.circuit_commands`, which also holds
``hopf`` and ``export``), and prints the returned dict as a table or as JSON (``--json``); file
outputs are checked before any work and written atomically (:mod:`shotnoise.validation.writers`).
Choices come from library constants.

Exit status: 0 success; 1 a validation check failed (``validate``, ``demo``); 2 bad input — exactly
the package's :class:`~shotnoise.theory.errors.ParameterError`, reported on one line; 130 interrupted
(Ctrl-C; nothing partial is written, since files are written atomically after the work).  Any other
exception is a bug and is shown with its traceback.  Heavy imports happen inside the
subcommands so that numeric subcommands start fast.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import math
import re
import signal
import sys
import threading

from shotnoise.theory.errors import ParameterError

#: export formats and models (mirror shotnoise.theory.export.FORMATS / theory.models.MODELS, which import
#: sympy; a test checks that they agree)
FORMATS = ("latex", "python", "c", "fortran", "julia", "octave", "xpp", "json")
EXPORT_MODELS = ("mpr", "stochastic-mpr", "multipole-2", "multipole-3", "multipole-4", "stochastic-multipole-2",
                 "stochastic-multipole-3", "stochastic-multipole-4")
#: mirrors of numerics constants (numerics imports numba; tests check that they agree)
BRANCHES = ("low", "mid", "high")
#: excitability families (numerics.model.HETEROGENEITIES) and multi-pole orders (numerics.multipole.ORDERS)
HETEROGENEITIES = ("lorentzian", "multipole", "gaussian", "uniform")
POLE_ORDERS = (1, 2, 3, 4)
#: how a network draws its excitabilities (numerics.model.DRAWS); also accepted by ``simulate network
#: --heterogeneity`` as the legacy spelling of "a Lorentzian drawn that way"
DRAWS = ("quantile", "random")
NETWORK_HETEROGENEITY = HETEROGENEITIES + DRAWS
NOISE_KINDS = ("white", "colored", "surrogate")
SCHEMES = ("euler", "heun")
BENCH_NAMES = ("spectrum", "network", "stochastic-mass", "circuit-network", "all")


def version() -> str:
    """The installed package version (package metadata)."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as v

    try:
        return v("shotnoise")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
        return "unknown (not installed)"


class _Parser(argparse.ArgumentParser):
    """argparse with two changes: negative numbers in any float syntax (-5e-1, -1E1, -inf) are values,
    not options, and a usage error is one line on stderr (exit 2), like every other input error."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._negative_number_matcher = re.compile(r"^-(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$|^-(inf|infinity|nan)$",
                                                   re.IGNORECASE)

    def error(self, message):
        self.exit(2, "shotnoise: error: %s (see %s --help)\n" % (message, self.prog))


def _float(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError("not a number: %r" % text) from None


DELTA_HELP = ("scale Delta > 0 of the excitability distribution: half-width at half-maximum (lorentzian, "
              "multipole), standard deviation (gaussian), half-width of the support (uniform)")
HETEROGENEITY_HELP = ("family of the excitability distribution (default lorentzian, or the model file's): lorentzian "
                      "(MPR), multipole (g_n ~ 1/(1 + ((eta - eta_bar)/Delta)^(2n)), needs --poles), gaussian, "
                      "uniform")


def _add_model_options(p: argparse.ArgumentParser, *, with_N: bool = False, families: str | None = None) -> None:
    """Model options; ``families`` = "model" adds --heterogeneity/--poles, "network" also the legacy
    --heterogeneity values quantile/random."""
    g = p.add_argument_group("model (or --model FILE)")
    g.add_argument("--model", "--model-file", dest="model_file", metavar="FILE.json",
                   help="read the model from a JSON model file: one population with delta synapses (explicit options "
                   "override it), or a circuit (several populations or tau_s > 0; the model options are refused)")
    g.add_argument("--eta-bar", type=_float, help="centre of the excitability distribution")
    g.add_argument("--delta", type=_float, help=DELTA_HELP)
    g.add_argument("--J", type=_float, help="coupling J")
    g.add_argument("--I", type=_float, default=None, help="external current (default 0)")
    g.add_argument("--tau", type=_float, default=None, help="membrane time constant tau > 0 (default 1)")
    if with_N:
        g.add_argument("--N", type=_float, help="number of neurons N >= 1")
    if families == "network":
        g.add_argument("--heterogeneity", choices=NETWORK_HETEROGENEITY, default=None,
                       metavar="{%s}" % ",".join(HETEROGENEITIES),
                       help=HETEROGENEITY_HELP + "; the legacy values quantile and random mean a Lorentzian drawn "
                       "that way (= --sampling quantile | random)")
    elif families == "model":
        g.add_argument("--heterogeneity", choices=HETEROGENEITIES, default=None, help=HETEROGENEITY_HELP)
    if families:
        g.add_argument("--poles", metavar="N", help="order n = %d..%d of the multipole family (required with "
                       "--heterogeneity multipole, rejected with the other families)" % (POLE_ORDERS[0],
                                                                                        POLE_ORDERS[-1]))


def _poles(text: str | None) -> int | None:
    """The value of --poles as an integer in POLE_ORDERS (ParameterError naming --poles otherwise)."""
    if text is None:
        return None
    try:
        n = int(text.strip())
    except ValueError:
        n = None
    if n not in POLE_ORDERS:
        raise ParameterError("--poles must be an integer in %d..%d (the order of the multipole family), got %r"
                             % (POLE_ORDERS[0], POLE_ORDERS[-1], text))
    return n


def _family(a) -> str | None:
    """The family asked for with --heterogeneity (None: not given, or a legacy sampling value)."""
    het = getattr(a, "heterogeneity", None)
    return het if het in HETEROGENEITIES else None


def _model(a, *, M=None):
    """The Model of the parsed options (a model file, possibly overridden by explicit options).

    --heterogeneity overrides the file's family (and drops the file's poles unless it is multipole again);
    --poles is required with multipole (unless the file gives it) and rejected with every other family.
    """
    from shotnoise.numerics.model import Model

    over = {k: v for k, v in (("eta_bar", a.eta_bar), ("Delta", a.delta), ("J", a.J), ("I", a.I), ("tau", a.tau),
                              ("N", getattr(a, "N", None)), ("M", M)) if v is not None}
    family, poles = _family(a), _poles(getattr(a, "poles", None))
    explicit = family is not None
    base = Model.file_fields(a.model_file) if a.model_file else None  # the options complete or correct the file
    if family is None:
        family = base.get("heterogeneity", "lorentzian") if base is not None else "lorentzian"
    else:
        over["heterogeneity"] = family
    if family == "multipole":
        if poles is None and (base is None or base.get("poles") is None):
            raise ParameterError("--heterogeneity multipole needs --poles N (the order, %d..%d)"
                                 % (POLE_ORDERS[0], POLE_ORDERS[-1]))
        if poles is not None:
            over["poles"] = poles
    elif poles is not None:
        raise ParameterError("--poles is only used with --heterogeneity multipole (the family is %s)" % family)
    elif explicit and base is not None and base.get("poles") is not None:
        over["poles"] = None  # the file was multipole, --heterogeneity chose another family
    if base is not None:
        return Model.from_file(a.model_file, **over)
    missing = [o for o, k in (("--eta-bar", "eta_bar"), ("--delta", "Delta"), ("--J", "J")) if k not in over]
    if missing:
        raise ParameterError("missing %s (or give --model-file)" % ", ".join(missing))
    return Model(**over)


def _circuit(a):
    """The Circuit of a circuit model file (None: the single-population path; circuit_commands.circuit_of_options)."""
    from .circuit_commands import circuit_of_options
    return circuit_of_options(a)


def _show_progress(a) -> bool:
    """Progress bars only for a person at a terminal (not with --json/--quiet, not into a pipe or log)."""
    return not a.quiet and not a.json and sys.stderr.isatty()


def _print_json(doc) -> None:
    print(json.dumps(doc, indent=2, allow_nan=False))


def _without_arrays(doc: dict) -> dict:
    return {k: v for k, v in doc.items() if k != "arrays"}


# ----------------------------------------------------------------------------- subcommands
def cmd_derive(a) -> int:
    from .tasks import derive_equations
    doc = derive_equations(model=a.model, fmt=a.format)
    sys.stdout.write(doc["text"])
    return 0


def cmd_fixed_points(a) -> int:
    from .report import format_fixed_points
    from .tasks import fixed_points_report
    circuit = _circuit(a)
    if circuit is not None:
        from .circuit_commands import circuit_fixed_points_report
        from .circuit_report import format_circuit_fixed_points
        doc = circuit_fixed_points_report(circuit)
        _print_json(doc) if a.json else print(format_circuit_fixed_points(doc))
        return 0
    doc = fixed_points_report(_model(a))
    _print_json(doc) if a.json else print(format_fixed_points(doc))
    return 0


def cmd_simulate_mass(a) -> int:
    from .tasks import trajectory_report
    from .writers import check_output, write_table
    out = check_output(a.out, option="--out", extensions=(".csv", ".npz"))
    doc = trajectory_report(_model(a), r0=a.r0, v0=a.v0, T=a.T, dt=a.dt, method=a.method, save_every=a.save_every)
    if out is not None:
        write_table(out, columns=doc["arrays"])
        doc["written"] = str(out)
    doc = _without_arrays(doc)
    if a.json:
        _print_json(doc)
    else:
        print("final r = %.10g, v = %.10g at t = %g (%d samples)" % (doc["r_final"], doc["v_final"],
                                                                     doc["t_final"], doc["samples"]))
    return 0


def cmd_spectrum(a) -> int:
    from .report import format_spectrum
    from .tasks import spectrum_report
    from .writers import atomic_path, check_output, write_csv
    csv = check_output(a.csv, option="--csv", extensions=(".csv",))
    png = check_output(a.plot, option="--plot", extensions=(".png",))
    circuit = _circuit(a)
    if circuit is not None:
        from . import circuit_commands as cc
        doc = cc.circuit_spectrum_report(circuit, omega=_omega_grid(a), index=a.index)
        from . import circuit_report as cr
        plot, columns, table = cr.plot_circuit_spectrum, cr.spectrum_columns(doc), cr.format_circuit_spectrum
    else:
        from .plots import plot_spectrum_report as plot
        doc = spectrum_report(_model(a, M=a.M), omega=_omega_grid(a), branch=a.branch)
        keys = [k for k in ("omega", "shot", "activity", "rate", "voltage", "subpopulation") if k in doc]
        columns, table = {k: doc[k] for k in keys}, format_spectrum
    with contextlib.ExitStack() as outputs:  # both files are renamed into place only after both were written
        if png is not None:
            plot(doc, outputs.enter_context(atomic_path(png)))
        if csv is not None:
            write_csv(outputs.enter_context(atomic_path(csv)), columns=columns, atomic=False)
    if a.json:
        _print_json(doc)
    elif not (csv or png):
        print(table(doc))
    return 0


def _omega_grid(a):
    """The angular-frequency grid of ``spectrum``: an explicit list or a (log-)spaced range."""
    import math

    import numpy as np
    if a.omega is not None:
        if a.omega_min is not None or a.omega_max is not None:
            raise ParameterError("give either --omega or --omega-min/--omega-max/--points, not both")
        try:
            w = np.array([float(x) for x in a.omega.split(",")])
        except ValueError:
            raise ParameterError("--omega must be a comma-separated list of numbers, got %r" % a.omega) from None
        if w.size == 0 or not np.all(np.isfinite(w)):
            raise ParameterError("--omega must contain finite numbers")
        return w
    if a.omega_min is None or a.omega_max is None:
        raise ParameterError("give --omega w1,w2,.. or both --omega-min and --omega-max")
    lo, hi, n = a.omega_min, a.omega_max, a.points
    if not (math.isfinite(lo) and math.isfinite(hi)) or lo < 0 or hi <= lo:
        raise ParameterError("need 0 <= --omega-min < --omega-max (finite), got %r, %r" % (lo, hi))
    if not 2 <= n <= 10_000_000:
        raise ParameterError("--points must be in [2, 1e7], got %d" % n)
    if a.log:
        if lo <= 0:
            raise ParameterError("--log needs --omega-min > 0")
        return np.geomspace(lo, hi, n)
    return np.linspace(lo, hi, n)


def _sampling(a) -> tuple[str, str | None]:
    """(draw, legacy): how the network draws its excitabilities (--sampling, default quantile) and the legacy
    --heterogeneity quantile | random if one was given (a contradicting --sampling is a ParameterError)."""
    legacy = a.heterogeneity if a.heterogeneity in DRAWS else None
    if legacy is not None and a.sampling is not None and a.sampling != legacy:
        raise ParameterError("--heterogeneity %s (legacy: a Lorentzian drawn by %s) contradicts --sampling %s; "
                             "use --heterogeneity lorentzian --sampling %s" % (legacy, legacy, a.sampling, a.sampling))
    return a.sampling or legacy or "quantile", legacy


def cmd_simulate_network(a) -> int:
    from .report import format_run
    from .tasks import network_report
    from .writers import check_output, write_npz
    save = check_output(a.save, option="--save", extensions=(".npz",))
    circuit = _circuit(a)
    if circuit is not None:
        from .circuit_commands import circuit_network_report, print_run
        return print_run(a, save, circuit_network_report(
            circuit, T=a.T, dt=a.dt, transient=a.transient, segment=a.segment, bin_width=a.bin,
            draw=a.sampling or "quantile", seed=a.seed, index=a.index, keep_series=save is not None,
            progress=_show_progress(a)))
    draw, legacy = _sampling(a)
    model = _model(a, M=a.M)
    doc = network_report(model, T=a.T, dt=a.dt, transient=a.transient, segment=a.segment, bin_width=a.bin,
                         draw=draw, seed=a.seed, keep_series=save is not None, progress=_show_progress(a))
    if legacy is not None and model.heterogeneity == "lorentzian":
        doc["parameters"]["heterogeneity"] = legacy  # what the legacy spelling always reported (README)
    if save is not None:
        write_npz(save, arrays=doc["arrays"])
        doc["written"] = str(save)
    doc = _without_arrays(doc)
    _print_json(doc) if a.json else print(format_run(doc))
    return 0


def cmd_simulate_stochastic_mass(a) -> int:
    from .report import format_run
    from .tasks import stochastic_mass_report
    from .writers import check_output, write_npz
    save = check_output(a.save, option="--save", extensions=(".npz",))
    circuit = _circuit(a)
    if circuit is not None:
        from .circuit_commands import circuit_stochastic_mass_report, print_run
        return print_run(a, save, circuit_stochastic_mass_report(
            circuit, T=a.T, dt=a.dt, noise=a.noise, scheme=a.scheme, transient=a.transient, segment=a.segment,
            bin_width=a.bin, seed=a.seed, index=a.index, keep_series=save is not None, progress=_show_progress(a)))
    doc = stochastic_mass_report(_model(a), T=a.T, dt=a.dt, noise=a.noise, scheme=a.scheme, transient=a.transient,
                                 segment=a.segment, bin_width=a.bin, branch=a.branch, seed=a.seed,
                                 keep_series=save is not None, progress=_show_progress(a))
    if save is not None:
        write_npz(save, arrays=doc["arrays"])
        doc["written"] = str(save)
    doc = _without_arrays(doc)
    _print_json(doc) if a.json else print(format_run(doc))
    return 0


def cmd_validate_property(a) -> int:
    from .property_checks import run_property
    if a.quick or a.full or a.only is not None or a.report is not None or a.list:
        raise ParameterError("--property does not combine with --quick, --full, --only, --report or --list")
    quiet = a.json or a.quiet
    say = None if quiet else (lambda i, n, ex: print("example %d/%d: %s ..." % (i + 1, n, ex.parameters()),
                                                     file=sys.stderr, flush=True))
    kw = {}
    if a.families is not None:
        kw["families"] = tuple(x.strip() for x in a.families.split(","))
    doc = run_property(examples=a.examples, seed=a.seed, theory_scale=a.theory_scale, replay=a.replay,
                       alpha_per_example=a.alpha_per_example, progress=say, **kw)
    p = doc["property"]
    if a.json:
        _print_json(doc)
    else:
        for e in p["examples"]:
            w = e["worst_band"] or {}
            g = lambda k: math.nan if w.get(k) is None else w[k]
            pars = " ".join("%s=%.4g" % (k, v) for k, v in e["parameters"].items()
                            if isinstance(v, float) and k not in ("I", "tau"))
            rt = lambda x: max(abs(v) for v in x) if isinstance(x, list) else abs(x)
            print("%s %s %s N=%d: worst band [%.3g, %.3g)%s ratio %.3f |t|=%.2f (crit %.2f); rate |t|=%.2f; %.1f s"
                  % ("PASS" if e["passed"] else "FAIL", e["family"], pars, e["N"], g("omega_low"), g("omega_high"),
                     " " + w["quantity"] if "quantity" in w else "", g("ratio"), abs(g("t")), g("critical_t"),
                     rt(e["rate"]["t"]), e["seconds"]))
        print("%d/%d examples pass (alpha per example %.3g, family-wise %.3g; draws rejected by validity criteria: %s; "
              "bands excluded: %s; %.1f s)" % (
                  sum(e["passed"] for e in p["examples"]), len(p["examples"]), p["alpha_per_example"],
                  p["family_wise_alpha"], p["rejected_draws"] or "none (replay)", p["excluded_bands"],
                  p["wall_time_s"]))
    for cmd in p["failed_replay"]:
        print("failing example, reproduce with: %s" % cmd, file=sys.stderr)
    return 0 if p["passed"] else 1


def cmd_validate(a) -> int:
    if a.property:
        return cmd_validate_property(a)
    if a.replay is not None or a.theory_scale != 1.0 or a.alpha_per_example is not None or a.families is not None:
        raise ParameterError("--replay, --theory-scale, --families and --alpha-per-example need --property")
    from .report import format_checks
    from .tasks import validate
    if a.list:
        from .suite import check_list
        checks = check_list()
        if a.json:
            _print_json({"checks": checks})
        else:
            for c in checks:
                print("%-30s %-11s %s" % (c["label"], "+".join(c["modes"]), c["summary"]))
        return 0
    if a.quick and a.full:
        raise ParameterError("choose one of --quick and --full")
    mode = "full" if a.full else "quick"
    say = None if (a.json or a.quiet) else (lambda label: print("running %s ..." % label, file=sys.stderr, flush=True))
    only = None
    if a.only is not None:
        only = [x.strip() for x in a.only.split(",")]
        if not all(only):
            raise ParameterError("--only must be a comma-separated list of check labels (see --list), got %r" % a.only)
    if a.report is not None:
        from .writers import check_output_dir
        check_output_dir(a.report, option="--report")
    doc = validate(mode=mode, only=only, report=a.report, progress=say, scheduler=a.scheduler, workers=a.workers)
    if a.json:
        _print_json(doc)
    else:
        print(format_checks(doc["checks"]))
        print("%d/%d checks pass (%s, %.1f s)%s" % (sum(c["passed"] for c in doc["checks"]), len(doc["checks"]), mode,
                                                      doc["wall_time_s"],
                                                      "; report in %s/report.md" % a.report if a.report else ""))
    return 0 if doc["passed"] else 1


def cmd_bench(a) -> int:
    from .tasks import bench
    say = None if a.json else (lambda name: print("running %s ..." % name, file=sys.stderr, flush=True))
    doc = bench(what=a.what, progress=say)
    if a.json:
        _print_json(doc)
    else:
        for name, d in doc.items():
            print("== %s" % name)
            for k, v in d.items():
                print("  %-36s %s" % (k, "%.4g" % v if isinstance(v, float) else v))
    return 0


def cmd_demo(a) -> int:
    from .demo import run_demo
    doc = run_demo(out=a.out, quiet=a.quiet)
    return 0 if doc["passed"] else 1


# ----------------------------------------------------------------------------- parser
def build_parser() -> argparse.ArgumentParser:
    ap = _Parser(prog="shotnoise",
                                 description="Shot noise in next-generation neural mass models (MPR / QIF).")
    ap.add_argument("--version", action="version", version="shotnoise %s" % version())
    sub = ap.add_subparsers(dest="command", required=True)

    d = sub.add_parser("derive", help="print the derived equations in a chosen format")
    d.add_argument("--model", default="mpr", choices=EXPORT_MODELS)
    d.add_argument("--format", default="latex", choices=FORMATS)
    d.set_defaults(func=cmd_derive)

    f = sub.add_parser("fixed-points", help="all fixed points of the mass model with stability")
    _add_model_options(f, families="model")
    f.add_argument("--json", action="store_true")
    f.set_defaults(func=cmd_fixed_points)

    s = sub.add_parser("simulate", help="simulate a model")
    ssub = s.add_subparsers(dest="what", required=True)
    m = ssub.add_parser("mass", help="deterministic MPR trajectory")
    _add_model_options(m)
    m.add_argument("--r0", type=_float, required=True, help="initial rate r0 > 0")
    m.add_argument("--v0", type=_float, required=True, help="initial mean voltage")
    m.add_argument("--T", type=_float, required=True, help="duration T > 0")
    m.add_argument("--dt", type=_float, required=True, help="time step (output spacing) dt > 0")
    m.add_argument("--method", choices=("rk4", "solve_ivp"), default="rk4")
    m.add_argument("--save-every", type=int, default=1, help="keep every n-th step (default 1)")
    m.add_argument("--out", help="write the full trajectory to FILE.csv or FILE.npz (overwritten if it exists)")
    m.add_argument("--json", action="store_true")
    m.set_defaults(func=cmd_simulate_mass)

    sp_ = sub.add_parser("spectrum", help="shot-noise and network spectra at a stable fixed point")
    _add_model_options(sp_, with_N=True, families="model")
    sp_.add_argument("--M", type=_float, help="read out a random subset of M neurons (1 <= M <= N)")
    sp_.add_argument("--branch", choices=BRANCHES, help="fixed point when several exist")
    sp_.add_argument("--index", type=int, help="circuit model file: which fixed point (0, 1, ..; see fixed-points)")
    sp_.add_argument("--omega", help="comma-separated angular frequencies")
    sp_.add_argument("--omega-min", type=_float)
    sp_.add_argument("--omega-max", type=_float)
    sp_.add_argument("--points", type=int, default=200)
    sp_.add_argument("--log", action="store_true", help="log-spaced grid")
    sp_.add_argument("--json", action="store_true")
    sp_.add_argument("--csv", metavar="FILE", help="write a CSV table (overwritten if it exists)")
    sp_.add_argument("--plot", metavar="FILE.png", help="draw all spectra on log axes (overwritten if it exists)")
    sp_.set_defaults(func=cmd_spectrum)

    net = ssub.add_parser("network", help="finite-N QIF network (exact between kicks)")
    st = ssub.add_parser("stochastic-mass", help="mass model with shot noise (white | colored | surrogate; "
                         "lorentzian or multipole)")
    for q in (net, st):
        _add_model_options(q, with_N=True, families="network" if q is net else "model")
        q.add_argument("--T", type=_float, required=True, help="duration including the transient")
        q.add_argument("--dt", type=_float, required=True, help="time step")
        q.add_argument("--transient", type=_float, default=0.0)
        q.add_argument("--segment", type=_float, default=None,
                       help="Welch segment length in time units (default min(50, (T - transient)/4))")
        q.add_argument("--bin", type=_float, help="activity bin width (multiple of dt; default ~0.02)")
        q.add_argument("--seed", type=int, default=0)
        q.add_argument("--save", metavar="FILE.npz", help="also keep the binned series and save them "
                       "(an existing file is overwritten; without --save memory does not grow with T)")
        q.add_argument("--json", action="store_true")
        q.add_argument("--quiet", action="store_true")
    net.add_argument("--sampling", choices=DRAWS, default=None,
                     help="how the N excitabilities are drawn from the family: quantile (deterministic quantiles, "
                     "default) or random (i.i.d., seeded by --seed)")
    net.add_argument("--M", type=_float, help="also record a random subset of M neurons")
    for q in (net, st):
        q.add_argument("--index", type=int, help="circuit model file: the fixed point the run starts from and is "
                       "compared with (0, 1, ..; see fixed-points)")
    net.set_defaults(func=cmd_simulate_network)
    st.add_argument("--noise", choices=NOISE_KINDS, default="white")
    st.add_argument("--scheme", choices=SCHEMES, default="heun")
    st.add_argument("--branch", choices=BRANCHES)
    st.set_defaults(func=cmd_simulate_stochastic_mass)

    from .circuit_commands import add_circuit_parsers
    add_circuit_parsers(sub, model_options=_add_model_options, number=_float, formats=FORMATS)

    va = sub.add_parser("validate", help="theory-vs-simulation checks with a report")
    va.add_argument("--quick", action="store_true", help="small sizes, < 2 min (default)")
    va.add_argument("--full", action="store_true", help="larger sizes, < 30 min")
    va.add_argument("--report", metavar="DIR", help="write DIR/report.md and PNG figures")
    va.add_argument("--only", help="comma-separated check labels (see --list)")
    va.add_argument("--list", action="store_true", help="list the checks and exit")
    va.add_argument("--json", action="store_true")
    va.add_argument("--quiet", action="store_true")
    va.add_argument("--scheduler", default=None, metavar="local|tcp://HOST:PORT",
                    help="run the checks as Dask tasks: 'local' (a LocalCluster on all cores) or an existing "
                         "dask.distributed scheduler (default: one after the other in this process)")
    va.add_argument("--workers", type=int, default=None, help="workers of --scheduler local (default: all cores)")
    pr = va.add_argument_group("property-based theory-vs-network checks (validation/property_checks.py)")
    pr.add_argument("--property", action="store_true",
                    help="draw models where the linear theory claims to hold (hypothesis), simulate each network and "
                         "compare band spectra and mean rate with the theory (family-wise false-alarm level 1e-3)")
    pr.add_argument("--examples", type=int, default=20, help="number of drawn examples (default 20)")
    pr.add_argument("--seed", type=int, default=0, help="hypothesis seed of the draws (default 0)")
    pr.add_argument("--theory-scale", type=_float, default=1.0,
                    help="multiply the predicted spectra by X (a deliberately wrong theory: 1.2 must fail)")
    pr.add_argument("--families", default=None,
                    help="comma-separated families to draw from (examples split evenly): lorentzian, multipole2, "
                         "multipole3, multipole4, gaussian, uniform, ing, ping (circuits with exponential synapses); default "
                         "lorentzian,multipole2,multipole3,ing,ping (a gaussian or uniform example takes ~10-30 s more)")
    pr.add_argument("--replay", metavar="SPEC",
                    help="replay one example: [heterogeneity=F,[poles=n,]]eta_bar=X,Delta=X,J=X,N=N,seed=S or "
                         "circuit=ing|ping,<parameters>,N=N,seed=S (printed for every failing example)")
    pr.add_argument("--alpha-per-example", type=_float, default=None,
                    help="false-alarm level of each example (default 1e-3 / examples; 1e-3 with --replay)")
    va.set_defaults(func=cmd_validate)

    b = sub.add_parser("bench", help="throughput benchmarks (ratios measured in one run)")
    b.add_argument("--what", default="all", choices=BENCH_NAMES)
    b.add_argument("--json", action="store_true")
    b.set_defaults(func=cmd_bench)

    dm = sub.add_parser("demo", help="short default run of the main job")
    dm.add_argument("--out", default="demo-output", help="directory for figures and exports")
    dm.add_argument("--quiet", action="store_true")
    dm.set_defaults(func=cmd_demo)
    from .validity_map import add_map_parser  # the validity map (dask and xarray imported only when it runs)
    add_map_parser(sub)
    return ap


class _SigintWatch:
    """SIGINT handler that remembers it fired. Ctrl-C during a numba compilation can be swallowed inside a ctypes
    callback and resurface as an unrelated error (e.g. numba's ``RuntimeError: no compiled object yet``); any
    failure after the user pressed Ctrl-C is reported as the interrupt it is."""

    def __init__(self):
        self.fired = False

    def __call__(self, signum, frame):
        self.fired = True
        raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; returns the exit status (ParameterError -> 2 with one line on stderr; Ctrl-C -> 130)."""
    a = build_parser().parse_args(argv)
    watch = _SigintWatch()
    in_main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGINT, watch) if in_main_thread else None
    try:
        return int(a.func(a) or 0)
    except ParameterError as e:
        print("shotnoise: error: %s" % str(e).splitlines()[0], file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # Ctrl-C: long work runs in short compiled chunks, files are written at the end
        print("shotnoise: interrupted", file=sys.stderr)
        return 130
    except Exception:
        if not watch.fired:
            raise
        print("shotnoise: interrupted", file=sys.stderr)
        return 130
    finally:
        if in_main_thread:
            signal.signal(signal.SIGINT, previous)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
