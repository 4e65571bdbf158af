"""``shotnoise bifurcation``: every branch of fixed points in one parameter, with stability and the saddle-nodes
(numerics.bifurcation; table, JSON, plot)."""
from __future__ import annotations

import re

from shotnoise.theory.errors import ParameterError

from .cli_options import _add_model_options, _float, _model, _print_json, _show_progress

#: --vary values (numerics.bifurcation.PARAMETERS; a test checks that they agree) and the model option of each
VARY = {"eta_bar": "eta_bar", "J": "J", "Delta": "delta", "I": "I", "tau": "tau"}
#: accepted spellings of --vary
ALIASES = {"eta-bar": "eta_bar", "delta": "Delta", "j": "J", "i": "I"}
#: default and cap of --points (numerics.bifurcation.MAX_POINTS)
DEFAULT_POINTS = 201
MAX_POINTS = 100_001
#: a value of each parameter valid for every family (to tell an error of --from/--to from one of the other options)
NEUTRAL = {"eta_bar": 0.0, "J": 0.0, "Delta": 1.0, "I": 0.0, "tau": 1.0}
MODEL_HELP = ("read the model from a JSON model file: one population with delta synapses (explicit options override "
              "it); a circuit file (several populations or tau_s > 0) is refused: circuits are handled by "
              "shotnoise hopf")


def add_bifurcation_parser(sub) -> None:
    """Add the ``bifurcation`` subcommand to the ``shotnoise`` subparsers."""
    p = sub.add_parser("bifurcation", help="bifurcation diagram: all branches of fixed points in one parameter, with "
                       "stability and the saddle-node points")
    p.add_argument("--vary", required=True, metavar="{%s}" % ",".join(VARY),
                   help="the parameter to vary (N does not change the fixed points); its model option, if given, "
                        "is replaced along the diagram")
    p.add_argument("--from", dest="start", type=_float, required=True, help="first value of the parameter")
    p.add_argument("--to", dest="stop", type=_float, required=True, help="last value of the parameter")
    p.add_argument("--points", type=int, default=DEFAULT_POINTS,
                   help="evenly spaced values, 2..%d; the saddle-nodes in the range are added" % MAX_POINTS)
    p.add_argument("--plot", metavar="F.png", help="write the diagram (r against the parameter) to F.png (default: no "
                   "figure)")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.add_argument("--quiet", action="store_true", help="no progress bar (it is shown only on a terminal, never with "
                   "--json)")
    _add_model_options(p, families="model")
    for action in p._actions:  # this command takes no circuit file
        if action.dest == "model_file":
            action.help = MODEL_HELP
    p.set_defaults(func=cmd_bifurcation)


def _vary(text: str) -> str:
    name = ALIASES.get(text, text)
    if name in ("N", "M"):
        raise ParameterError("--vary %s: N does not change the fixed points (they are those of the mass model, the "
                             "limit N -> infinity); vary one of %s" % (text, ", ".join(VARY)))
    if name not in VARY:
        raise ParameterError("--vary must be one of %s, got %r" % (", ".join(VARY), text))
    return name


def _base_model(a, vary: str):
    """The Model of the options, with the varied parameter taken from --from (or --to) when its option is not given.

    A circuit model file is refused first; when neither --from nor --to gives a valid model, the other options are
    checked with a value of the varied parameter that every family accepts, so the error names the option that is
    actually wrong (e.g. --delta) and blames --from only when it is --from's value."""
    if a.model_file is not None:
        from .circuit_commands import is_circuit_file
        if is_circuit_file(a.model_file):
            raise ParameterError("bifurcation: the model file %s describes a circuit (several populations or tau_s > "
                                 "0); this command takes one population with delta synapses: for circuits use "
                                 "shotnoise hopf" % a.model_file)
    option = VARY[vary]
    if getattr(a, option) is not None:
        return _model(a)
    errors = []
    for flag, value in (("--from", a.start), ("--to", a.stop)):
        setattr(a, option, value)
        try:
            return _model(a)
        except ParameterError as e:
            errors.append("%s = %r is not a valid %s: %s" % (flag, value, vary, e))
        finally:
            setattr(a, option, None)
    if a.model_file is None:  # the model file's own value, else a neutral one
        setattr(a, option, NEUTRAL[vary])
    try:
        _model(a)  # raises the error of the other options
    finally:
        setattr(a, option, None)
    raise ParameterError(errors[0])


def cmd_bifurcation(a) -> int:
    """Run ``shotnoise bifurcation`` on parsed options; 0 on success (ParameterError for bad input)."""
    from .writers import atomic_path, check_output

    png = check_output(a.plot, option="--plot", extensions=(".png",))
    vary = _vary(a.vary)
    model = _base_model(a, vary)
    from shotnoise.numerics.model import Model
    if not isinstance(model, Model):
        raise ParameterError("bifurcation: the model file describes a circuit (several populations or synapses); "
                             "this command takes one population with delta synapses (circuits: shotnoise hopf)")
    from shotnoise.numerics.bifurcation import bifurcation_diagram
    from shotnoise.numerics.progress import progress_bar
    try:
        with progress_bar(total=a.points, desc="bifurcation in %s" % vary, enabled=_show_progress(a)) as bar:
            diagram = bifurcation_diagram(model, vary=vary, start=a.start, stop=a.stop, points=a.points,
                                          progress=bar.update)
    except ParameterError as e:  # name the options, not the library's keywords
        msg = re.sub(r"\bstart\b", "--from", re.sub(r"\bstop\b", "--to", str(e)))
        raise ParameterError(re.sub(r"^(points|vary)\b", r"--\1", msg)) from None
    doc = diagram.to_dict()
    if png is not None:
        from .bifurcation_plot import plot_bifurcation
        with atomic_path(png) as tmp:
            plot_bifurcation(doc, tmp)
    if a.json:
        _print_json(doc)
    else:
        print(format_bifurcation(doc))
    return 0


def format_bifurcation(doc: dict) -> str:
    """Summary table: the saddle-nodes, then each branch's range, rates and stretches of equal stability (the
    quiescent branch r = 0 explained), and the grid values without a fixed point with the reason."""
    par = doc["parameter"]
    m = ", ".join("%s=%g" % (k, v) for k, v in doc["model"].items() if k in ("eta_bar", "Delta", "J", "I", "tau"))
    lines = ["# fixed points vs %s from %g to %g (%d points; %s, %s)" % (par, doc["from"], doc["to"], doc["points"],
                                                                       doc["model"]["heterogeneity"], m),
             "# saddle-nodes: %s" % doc["saddle_node_method"]]
    if not doc["saddle_nodes"]:
        lines.append("  none in the range")
    for s in doc["saddle_nodes"]:
        lines.append("  %s = %-18.12g r = %.12g" % (par, s["value"], s["r"]))
    lines.append("# branches (r in spikes per unit time)")
    lines.append("%-7s %-14s %-14s %-12s %-12s %s" % ("branch", par + " from", par + " to", "r from", "r to",
                                                      "stability"))
    for k, b in enumerate(doc["branches"], 1):
        stretches = []
        for s in b["stability"]:
            if s != "saddle-node" and (not stretches or stretches[-1] != s):
                stretches.append(s)
        ends = [("saddle-node at start" if b["stability"][0] == "saddle-node" else None),
                ("saddle-node at end" if b["stability"][-1] == "saddle-node" and len(b["values"]) > 1 else None)]
        lines.append("%-7d %-14.8g %-14.8g %-12.6g %-12.6g %s%s" % (
            k, b["values"][0], b["values"][-1], b["r"][0], b["r"][-1], " -> ".join(stretches) or "saddle-node",
            "".join("; " + e for e in ends if e)))
    if any(lab.endswith("(quiescent)") for b in doc["branches"] for lab in b["stability"]):
        lines.append("# quiescent: r = 0 with every neuron below threshold (top of the support + I <= 0), v = mean "
                     "resting voltage; stable while that margin is < 0, marginal where it is 0")
    missing = doc.get("missing", [])
    if missing:
        reasons = {}
        for m in missing:
            # the reason without its trailing model description (which differs from value to value)
            reasons.setdefault(re.sub(r" \([^()]*\)$", "", m["reason"]), []).append(m["value"])
        for reason, values in reasons.items():
            lines.append("# no fixed point at %d grid value(s), %s = %s: %s" % (
                len(values), par, ", ".join("%g" % x for x in values) if len(values) <= 4
                else "%g .. %g" % (min(values), max(values)), reason))
    return "\n".join(lines)
