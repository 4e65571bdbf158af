"""Options and model construction shared by the ``shotnoise`` subcommands (:mod:`shotnoise.validation.cli`):
number parsing, the model options, building a Model or Circuit from them, JSON printing."""
from __future__ import annotations

import argparse
import json
import sys

from shotnoise.theory.errors import ParameterError

#: export formats and models (mirror shotnoise.theory.export.ALL_FORMATS / theory.models.MODELS, which import
#: sympy; a test checks that they agree)
FORMATS = ("latex", "python", "c", "fortran", "julia", "octave", "xpp", "json", "pyrates", "tvb", "jitcsde",
           "auto")
EXPORT_MODELS = ("mpr", "stochastic-mpr", "multipole-2", "multipole-3", "multipole-4", "stochastic-multipole-2",
                 "stochastic-multipole-3", "stochastic-multipole-4", "surrogate-mpr")
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
BENCH_NAMES = ("spectrum", "network", "stochastic-mass", "circuit-network", "second-order", "all")


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


def _sampling(a) -> tuple[str, str | None]:
    """(draw, legacy): how the network draws its excitabilities (--sampling, default quantile) and the legacy
    --heterogeneity quantile | random if one was given (a contradicting --sampling is a ParameterError)."""
    legacy = a.heterogeneity if a.heterogeneity in DRAWS else None
    if legacy is not None and a.sampling is not None and a.sampling != legacy:
        raise ParameterError("--heterogeneity %s (legacy: a Lorentzian drawn by %s) contradicts --sampling %s; "
                             "use --heterogeneity lorentzian --sampling %s" % (legacy, legacy, a.sampling, a.sampling))
    return a.sampling or legacy or "quantile", legacy
