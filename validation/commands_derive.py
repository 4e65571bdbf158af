"""``shotnoise derive``: print the derived equations in a chosen format, starting from the stable fixed point of the
default parameters (``numerics.export_state.at_steady_state``)."""
from __future__ import annotations

import sys

from .cli_options import FORMATS, EXPORT_MODELS


def cmd_derive(a) -> int:
    if a.standalone and a.format != "latex":
        from shotnoise.theory.errors import ParameterError
        raise ParameterError("--standalone applies to --format latex only, got --format %s" % a.format)
    from shotnoise.numerics.export_state import at_steady_state
    from shotnoise.theory.export import export
    from shotnoise.theory.models import get_model
    m = at_steady_state(export_model=get_model(a.model))  # starts at the stable fixed point of the defaults
    sys.stdout.write(export(m, a.format, standalone=a.standalone))
    return 0


def add_derive_parser(sub) -> None:
    """``shotnoise derive``."""
    d = sub.add_parser("derive", help="print the derived equations in a chosen format")
    d.add_argument("--model", default="mpr", choices=EXPORT_MODELS,
                   help="which model: the MPR mass model, its white-noise (diffusion) stochastic version, the "
                        "reduced multi-pole models, or surrogate-mpr, the shot-noise mass model with surrogate "
                        "oscillators (formats latex, python, c, json)")
    d.add_argument("--format", default="latex", choices=FORMATS,
                   help="output language: latex (amsmath fragment), python (numpy), c (C99), fortran (F95), "
                        "julia, octave (script file: source it), xpp (XPPAUT .ode with AUTO settings), json "
                        "(expressions with declared symbols), pyrates (YAML template; I is I_ext), tvb (TVB model + "
                        "finite-size noise class; mpr, stochastic-mpr), jitcsde (jitcsde/jitcode script), auto "
                        "(AUTO-07p script: run auto-07p FILE.auto to continue the equilibria in eta_bar, print the "
                        "limit points and save the diagram; deterministic models)")
    d.add_argument("--standalone", action="store_true",
                   help="with --format latex: a complete document for pdflatex (without it: a fragment that "
                        "needs \\usepackage{amsmath})")
    d.set_defaults(func=cmd_derive)
