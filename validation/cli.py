"""The ``shotnoise`` command-line tool: parse, call one library function, print or write its dict.

Every subcommand (here, or in ``commands_derive``, ``commands_simulate``, ``commands_spectrum``, with the
shared options in ``cli_options``) builds a :class:`~shotnoise.numerics.model.Model` from its options, calls one
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
import math
import re
import signal
import sys
import threading

from shotnoise.theory.errors import ParameterError

from .cli_options import (BENCH_NAMES, BRANCHES, DRAWS, EXPORT_MODELS, FORMATS, HETEROGENEITIES, NETWORK_HETEROGENEITY, NOISE_KINDS, POLE_ORDERS, SCHEMES, _add_model_options, _circuit, _float, _model, _print_json)  # noqa: F401



def version() -> str:
    """The installed package version (package metadata; :func:`shotnoise.theory.version.package_version`)."""
    from shotnoise.theory.version import package_version
    return package_version()


class _HelpFormatter(argparse.HelpFormatter):
    """Every option's default in --help: appended as "(default: X)" unless the help text already names its default;
    options whose default is None (computed or "not given") say in words what happens without them."""

    def _get_help_string(self, action):
        text = action.help or ""
        if (action.option_strings and action.default is not None and action.default is not False
                and action.default != argparse.SUPPRESS and "default" not in text):  # 0 is a default to show
            text += " (default: %(default)s)"
        return text


class _Parser(argparse.ArgumentParser):
    """argparse with three changes: negative numbers in any float syntax (-5e-1, -1E1, -inf) are values,
    not options, a usage error is one line on stderr (exit 2), like every other input error, and --help shows
    every default (:class:`_HelpFormatter`)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", _HelpFormatter)
        super().__init__(*args, **kwargs)
        self._negative_number_matcher = re.compile(r"^-(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$|^-(inf|infinity|nan)$",
                                                   re.IGNORECASE)

    def error(self, message):
        self.exit(2, "shotnoise: error: %s (see %s --help)\n" % (message, self.prog))


# ----------------------------------------------------------------------------- subcommands
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

    from .commands_derive import add_derive_parser
    add_derive_parser(sub)

    f = sub.add_parser("fixed-points", help="all fixed points of the mass model with stability")
    _add_model_options(f, families="model")
    f.add_argument("--json", action="store_true", help="print JSON instead of a table")
    f.set_defaults(func=cmd_fixed_points)

    from .commands_simulate import add_simulate_parser
    add_simulate_parser(sub)

    from .commands_spectrum import add_spectrum_parser
    add_spectrum_parser(sub)

    from .commands_bifurcation import add_bifurcation_parser
    add_bifurcation_parser(sub)

    from .circuit_commands import add_circuit_parsers
    add_circuit_parsers(sub, model_options=_add_model_options, number=_float, formats=FORMATS)

    va = sub.add_parser("validate", help="theory-vs-simulation checks with a report")
    va.add_argument("--quick", action="store_true", help="small sizes, < 2 min (default)")
    va.add_argument("--full", action="store_true", help="larger sizes, < 30 min")
    va.add_argument("--report", metavar="DIR", help="write DIR/report.md and PNG figures")
    va.add_argument("--only", help="comma-separated check labels (see --list)")
    va.add_argument("--list", action="store_true", help="list the checks and exit")
    va.add_argument("--json", action="store_true", help="print the results as JSON instead of a table")
    va.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
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
    b.add_argument("--what", default="all", choices=BENCH_NAMES, help="which benchmark to run")
    b.add_argument("--json", action="store_true", help="print JSON instead of a table")
    b.set_defaults(func=cmd_bench)

    dm = sub.add_parser("demo", help="short default run of the main job")
    dm.add_argument("--out", default="demo-output", help="directory for figures and exports")
    dm.add_argument("--quiet", action="store_true", help="no progress lines")
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
    a.argv = list(sys.argv[1:] if argv is None else argv)  # recorded in the files a command writes
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
    except BrokenPipeError:  # the reader went away (`shotnoise spectrum ... | head`): stop quietly, as cat does
        import os
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error when Python flushes
        return 141
    except Exception:
        if not watch.fired:
            raise
        print("shotnoise: interrupted", file=sys.stderr)
        return 130
    finally:
        if in_main_thread:  # a handler installed outside Python reads back as None: restore the default then
            signal.signal(signal.SIGINT, previous if previous is not None else signal.SIG_DFL)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
