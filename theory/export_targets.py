"""Exports to simulation tools people use: PyRates (YAML template), The Virtual Brain (model + noise class)
and jitcsde/jitcode (script), from the same :class:`~shotnoise.theory.export.ExportModel` objects as the
other formats of :mod:`shotnoise.theory.export`.

Equations: the MPR model, theory/THEORY.md eq. (17), its stochastic form with the white-noise limit of the
shot noise, eqs. (52), (55) (Ito: d v = f_v dt + J sqrt(r/N) dW), and the reduced multi-pole models, eqs.
(66)-(68).  Every expression is printed from the sympy objects; nothing is retyped.

- ``pyrates``: operator, node and circuit templates in PyRates' YAML format (like PyRates' own
  ``model_templates.neural_mass_models.qif``).  PyRates reserves ``I``: the current is named ``I_ext``.
  Deterministic models only (the drift of a stochastic model is its deterministic model).  Observables of a
  multi-pole model (the population rate r and voltage v) are algebraic equations of the operator.
- ``tvb``: a ``tvb.simulator.models.base.Model`` subclass for the two-variable (r, V) models, coupled like
  TVB's own ``MontbrioPazoRoxin`` (the network input ``cr C_r + cv C_V`` enters as an external current, i.e.
  times d f / d I); for the stochastic model also a ``tvb.simulator.noise.Noise`` subclass whose ``gfun`` is
  the finite-size diffusion b_v = J sqrt(r/N) (TVB's ``Additive`` and ``Multiplicative`` noise classes cannot
  express it).  TVB names the voltage ``V``.
- ``jitcsde``: a script with the drift and the diffusion as symengine expressions in jitcsde's ``y(i)``,
  ``make_sde`` (jitcsde, Ito, diagonal noise) and ``make_ode`` (jitcode, the drift).  jitcsde's noise is
  diagonal: models with a common or matrix noise are refused.
- ``auto``: one self-contained AUTO-07p script (run ``auto-07p mpr.auto``; needs gfortran): it writes the AUTO
  equations file (FUNC calling the Fortran export's ``<name>_rhs``, STPNT with the default parameters and the
  initial state, PVLS storing the observables), continues the equilibria in one parameter in both directions
  from the initial state (a stable steady state when the export went through
  ``numerics.export_state.at_steady_state``, as ``shotnoise derive`` and ``shotnoise export`` do), prints the
  limit points (LP) and Hopf points (HB) it finds and saves the diagram (``b.<name>``, ``s.<name>``,
  ``d.<name>``).  Deterministic models only (mpr, multipole-n, circuits).
"""
from __future__ import annotations

import re
import textwrap
from typing import TYPE_CHECKING

import sympy as sp

from .errors import ParameterError
from .symbols import PARAMETER_INFO, STATE_INFO

if TYPE_CHECKING:  # export.py imports this module for its registry: no import of it at run time
    from .export import ExportModel

TARGETS = ("pyrates", "tvb", "jitcsde", "auto")


#: how to get the deterministic model of a stochastic export (in refusals of deterministic-only formats)
DETERMINISTIC_HINT = "export its deterministic model: mpr, multipole-n, or a circuit without --stochastic"


class ModelRefused(ParameterError):
    """A format cannot express this model (noise, state layout, surrogate oscillators).

    :func:`shotnoise.theory.export.export` appends the formats that do accept the model (computed by trying
    each exporter), so a refusal never suggests a format that refuses too."""

#: PyRates reserves ``I`` (the imaginary unit of its sympy parser): renamed in the template
PYRATES_RENAME = {"I": "I_ext"}


def _refuse_surrogate(m: "ExportModel", target: str) -> None:
    """A shot-noise model driven by surrogate oscillators has no closed-form drift/diffusion for these tools."""
    if getattr(m, "surrogate", None) is not None:
        raise ModelRefused("model: %r is driven by surrogate oscillators, which the %s export cannot express "
                           "(export mpr or stochastic-mpr)" % (m.name, target))


def _names(symbols) -> list[str]:
    return [str(s) for s in symbols]


def _noise(m: "ExportModel") -> list[sp.Expr]:
    """Ito coefficients of the independent (diagonal) Wiener processes in state order, 0 for noiseless states."""
    return [sp.sympify(m.noise.get(s, 0)) for s in _names(m.state)]


def _info(m: "ExportModel", name: str) -> str:
    meta = PARAMETER_INFO.get(name, m.extra_parameters.get(name, STATE_INFO.get(name, m.state_info.get(name, {}))))
    text = meta.get("description", name)
    return "%s (%s)" % (text, meta["range"]) if "range" in meta else text


def _ident(name: str) -> str:
    """A Python / YAML identifier from a model name: stochastic-mpr -> stochastic_mpr."""
    return re.sub(r"\W", "_", name)


def _camel(name: str) -> str:
    return "".join(part.capitalize() for part in re.split(r"[\W_]+", name) if part)


# ---------------------------------------------------------------------------------------------------- PyRates
def to_pyrates(m: "ExportModel") -> str:
    """PyRates YAML: operator ``<name>_op`` (the equations), node ``<name>_pop`` and circuit ``<name>``.

    The state variables are PyRates ``variable``s with the model's initial state (the rate ``r`` of an MPR
    model is the node's ``output``); observables (the rate r and voltage v of a multi-pole model) are algebraic
    equations, which PyRates evaluates but does not record (record the modes); parameters carry the defaults;
    the current ``I`` is ``I_ext`` (PyRates reserves ``I``), an ``input`` so that a time-dependent current can
    be fed in.  Load with
    ``pyrates.CircuitTemplate.from_yaml("path/to/<file without .yaml>/<name>")``; run with
    ``float_precision="float64"`` (PyRates' default is float32).
    """
    _refuse_surrogate(m, "pyrates")
    if m.noise:
        raise ModelRefused("model: the PyRates export is deterministic; %r has noise (%s)"
                           % (m.name, DETERMINISTIC_HINT))
    ren = {s: sp.Symbol(PYRATES_RENAME[s.name]) for f in list(m.rhs) + list(m.observables.values())
           for s in sp.sympify(f).free_symbols if s.name in PYRATES_RENAME}
    states, params = _names(m.state), _names(m.parameters)
    clash = set(PYRATES_RENAME) & set(states + list(m.observables))
    if clash:
        raise ModelRefused("model: state or observable names %s are reserved in PyRates" % sorted(clash))

    def pr(e):
        return sp.sstr(sp.sympify(e).xreplace(ren))

    def pname(p):
        return PYRATES_RENAME.get(p, p)

    base = _ident(m.name)
    out = ["%YAML 1.2", "---", "# %s, exported by shotnoise (generated; do not edit)." % m.title,
           "# Time in units of tau's time unit; rates r in spikes per unit time (theory/THEORY.md eq. (17)).",
           "# PyRates reserves the name I: the external current is I_ext here (an input, default %s)."
           % _num(m.defaults.get("I", 0.0)) if "I" in params else
           "# Parameters keep the package's names.",
           "# Load: pyrates.CircuitTemplate.from_yaml('path/to/%s/%s') (the file without .yaml, then the"
           % ("<this file's name>", base),
           "# template); run with float_precision='float64' (PyRates' default is float32).",
           "# Initial values: %s." % getattr(m, "initial_note", "the initial state"),
           "", "%s_op:" % base, "  base: OperatorTemplate", "  equations:"]
    for s, f in zip(states, m.rhs):
        out.append('    - "%s\' = %s"' % (s, pr(f)))
    for k, e in m.observables.items():
        out.append('    - "%s = %s"' % (k, pr(e)))
    out.append("  variables:")
    output = "r" if "r" in states else None  # a multi-pole model's rate is algebraic: no output marker
    for s in states:
        kind = "output" if s == output else "variable"
        out.append("    %s: %s(%s)  # %s" % (s, kind, _num(m.initial[s]), _info(m, s)))
    for k, e in m.observables.items():
        e = sp.sympify(e)
        value = float(e.subs({x: dict(m.initial, **m.defaults)[x.name] for x in e.free_symbols}))
        out.append("    %s: variable(%s)  # observable (algebraic; PyRates records state variables only): %s"
                   % (k, _num(value), _info(m, k)))
    for p in params:
        value = _num(m.defaults[p])
        out.append("    %s: %s  # %s" % (pname(p), "input(%s)" % value if p == "I" else value, _info(m, p)))
    out += ["", "%s_pop:" % base, "  base: NodeTemplate", "  operators:", "    - %s_op" % base,
            "", "%s:" % base, "  base: CircuitTemplate", "  nodes:", "    p: %s_pop" % base, ""]
    return "\n".join(out)


# ---------------------------------------------------------------------------------------------------- TVB
_TVB_STATE = {"r": "r", "v": "V"}


def to_tvb(m: "ExportModel") -> str:
    """Python module with a TVB model class (and, for a stochastic model, its finite-size noise class).

    ``<Name>`` subclasses ``tvb.simulator.models.base.Model``: state variables (r, V), the parameters as
    ``NArray``s with the package's defaults, ``dfun`` the package's drift plus TVB's long-range coupling
    ``cr * C_r + cv * C_V`` entered as an external current (times d f / d I: (cr C_r + cv C_V)/tau in dV/dt, as in
    TVB's ``MontbrioPazoRoxin``).  For a stochastic model ``<Name>Noise`` subclasses ``noise.Noise`` with
    ``gfun`` = the Ito coefficients (0, J sqrt(r/N)) of TVB's dX = f dt + g dW (its white noise is sqrt(dt) N(0,
    1) per step); ``<name>_noise(model, **kw)`` builds it with the model's parameter values.
    """
    _refuse_surrogate(m, "tvb")
    states = _names(m.state)
    if states != ["r", "v"] or m.wiener or m.common_noise:
        raise ModelRefused("model: the TVB export supports the two-variable (r, v) models (mpr, stochastic-mpr), "
                           "got %r with state %s" % (m.name, ", ".join(states)))
    params = _names(m.parameters)
    I = sp.Symbol("I", real=True)
    if "I" not in params:
        raise ModelRefused("model: the TVB export couples through the current I; %r has no I" % m.name)

    def npy(e):
        from sympy.printing.numpy import NumPyPrinter
        e = sp.sympify(e)
        e = e.xreplace({s: sp.Symbol(_TVB_STATE.get(s.name, s.name)) for s in e.free_symbols})
        return NumPyPrinter({"fully_qualified_modules": True}).doprint(e)

    cls = "Shotnoise" + _camel(m.name)
    used = {s.name for f in m.rhs for s in sp.sympify(f).free_symbols}
    drift_params = [p for p in params if p in used]
    out = ['"""%s, exported by shotnoise for The Virtual Brain (generated; do not edit).' % m.title, "",
           "Model class %s: state (r, V) = (rate, mean voltage), time in the units of tau (TVB's ms when tau is"
           % cls,
           "in ms), d(r, V)/dt = the package's MPR drift (theory/THEORY.md eq. (17)); TVB's long-range coupling",
           "cr * C_r + cv * C_V enters as an external current, as in TVB's MontbrioPazoRoxin (there: eta = eta_bar).",
           ]
    if m.noise:
        out += ["Noise class %sNoise: the finite-size (shot-noise) diffusion of theory/THEORY.md eqs. (52), (55):"
                % cls,
                "gfun = Ito coefficients g of dX = f dt + g dW, g_r = 0, g_V = %s; TVB's Additive and"
                % npy(m.noise["v"]),
                "Multiplicative classes cannot express it (their g is sqrt(2 nsig) times a fixed function).  Its nsig",
                "scales g by sqrt(2 nsig) as in TVB; the default nsig = 0.5 is the finite-size noise exactly.",
                "Build it with %s_noise(model) so that it uses the model's parameter values." % _ident(m.name)]
    out += ['"""', "import numpy", "from tvb.basic.neotraits.api import Final, List, NArray, Range",
            "from tvb.simulator import noise as _tvb_noise", "from tvb.simulator.models.base import Model", "", ""]
    out += ["class %s(Model):" % cls, '    """%s (shotnoise export; conventions in the module docstring)."""' % m.title,
            ""]
    for p in params:
        if p not in drift_params:
            continue
        out += _tvb_narray(m, p)
    out += ["    cr = NArray(label='cr', default=numpy.array([1.0]), domain=Range(lo=0.0, hi=1.0, step=0.1),",
            "                doc='weight of the coupling through r')",
            "    cv = NArray(label='cv', default=numpy.array([0.0]), domain=Range(lo=0.0, hi=1.0, step=0.1),",
            "                doc='weight of the coupling through V')",
            "    state_variable_range = Final(label='State variable ranges [lo, hi]',",
            "                                 default={'r': numpy.array([0.0, 2.0]), 'V': numpy.array([-2.0, 1.5])})",
            "    state_variable_boundaries = Final(label='State variable boundaries [lo, hi]',",
            "                                      default={'r': numpy.array([0.0, numpy.inf])})",
            "    variables_of_interest = List(of=str, label='Variables available to monitors', choices=('r', 'V'),",
            "                                 default=('r', 'V'))",
            "    state_variables = ('r', 'V')",
            "    _nvar = 2",
            "    cvar = numpy.array([0, 1], dtype=numpy.int32)",
            "    stvar = numpy.array([1], dtype=numpy.int32)",
            "    #: %s" % getattr(m, "initial_note", "the package's initial state"),
            "    initial_state = %r" % ({_TVB_STATE[s]: float(m.initial[s]) for s in states},),
            "",
            "    def dfun(self, state_variables, coupling, local_coupling=0.0):",
            '        """d(r, V)/dt; coupling[0] = C_r, coupling[1] = C_V enter as the current cr C_r + cv C_V."""',
            "        r, V = state_variables"]
    out += ["        %s = self.%s" % (p, p) for p in drift_params]
    out += ["        cr, cv = self.cr, self.cv",
            "        I_net = cr * coupling[0, :] + cv * coupling[1, :]",
            "        derivative = numpy.empty_like(state_variables)"]
    for i, f in enumerate(m.rhs):
        f = sp.sympify(f)
        gain = sp.simplify(sp.diff(f, I))
        line = "        derivative[%d] = %s" % (i, npy(f))
        if gain != 0:
            line += " + (%s) * I_net" % npy(gain)
        out.append(line)
    out += ["        return derivative", ""]
    if m.noise:
        nparams = sorted({s.name for s in sp.sympify(m.noise["v"]).free_symbols} & set(params),
                         key=params.index)
        out += ["", "class %sNoise(_tvb_noise.Noise):" % cls,
                '    """Finite-size (shot) noise of %s: gfun = Ito coefficients (g_r, g_V) = (0, %s)."""'
                % (cls, npy(m.noise["v"])), ""]
        for p in nparams:
            out += _tvb_narray(m, p)
        out += ["    nsig = NArray(label='nsig', default=numpy.array([0.5]),",
                "                  doc='TVB noise scale: g is multiplied by sqrt(2 nsig), as in TVB; the default 0.5 "
                "gives the finite-size noise exactly')",
                "",
                "    def gfun(self, state_variables):",
                '        """g of dX = f dt + g dW at the state (shape of the state: (2, nodes, modes))."""',
                "        r, V = state_variables"]
        out += ["        %s = self.%s" % (p, p) for p in nparams]
        out += ["        g = numpy.zeros_like(state_variables)"]
        for i, b in enumerate(_noise(m)):
            if b != 0:
                out.append("        g[%d] = %s" % (i, npy(b)))
        out.append("        return numpy.sqrt(2.0 * self.nsig) * g")
        out += ["", "",
                "def %s_noise(model, **kwargs):" % _ident(m.name),
                '    """%sNoise with the parameters it shares with ``model`` (%s) copied from it; ``kwargs`` for the'
                % (cls, ", ".join(p for p in nparams if p in drift_params)),
                '    others (%s) and TVB Noise options (noise_seed, ...)."""'
                % ", ".join(p for p in nparams if p not in drift_params),
                "    shared = {k: numpy.array(getattr(model, k), dtype=float) for k in %r}"
                % ([p for p in nparams if p in drift_params],),
                "    return %sNoise(**dict(shared, **kwargs))" % cls]
    return "\n".join(out) + "\n"


def _tvb_narray(m: "ExportModel", p: str) -> list[str]:
    return ["    %s = NArray(label=%r, default=numpy.array([%s]), doc=%r)" % (p, p, _num(m.defaults[p]), _info(m, p))]


# ---------------------------------------------------------------------------------------------------- jitcsde
def to_jitcsde(m: "ExportModel") -> str:
    """Python script for jitcsde (stochastic models) and jitcode (the drift).

    ``drift(p)`` and ``diffusion(p)`` return symengine expressions in jitcsde's dynamical variables y(i)
    (state order ``STATE``) with the parameter values ``p`` (dict, default ``DEFAULTS``) substituted;
    ``make_sde(p)`` returns ``jitcsde(drift, diffusion, ito=True)`` (Ito, one independent Wiener process per
    state: the noise is diagonal), ``make_ode(p)`` ``jitcode(drift)``.  Run as a script it integrates the SDE (or
    the ODE) from ``INITIAL`` and prints the state every time unit.
    """
    _refuse_surrogate(m, "jitcsde")
    if m.wiener or m.common_noise:
        raise ModelRefused("model: jitcsde's noise is diagonal (one Wiener process per state); %r has a common "
                           "or matrix noise" % m.name)
    states, params = _names(m.state), _names(m.parameters)
    ren = {}
    for e in list(m.rhs) + _noise(m) + [sp.sympify(x) for x in m.observables.values()]:
        for s in e.free_symbols:
            if s.name in states:
                ren[s] = sp.Symbol("y(%d)" % states.index(s.name))
            elif s.name in params:
                ren[s] = sp.Symbol("p[%r]" % s.name)

    def sym(e):
        return sp.sstr(sp.sympify(e).xreplace(ren), full_prec=True)

    out = ['"""%s, exported by shotnoise for jitcsde / jitcode (generated; do not edit).' % m.title, "",
           "Ito SDE d y = f(y) dt + g(y) dW, W independent Wiener processes (diagonal noise), y = %s; time in the"
           % states,
           "units of tau (theory/THEORY.md eqs. (17), (52), (55)).  INITIAL: %s.  Usage:"
           % getattr(m, "initial_note", "the initial state")]
    if m.noise:
        out.append("    sde = make_sde(); sde.set_initial_value(initial(), 0.0); y1 = sde.integrate(1.0)")
    out += ["    ode = make_ode(); ode.set_integrator('dopri5'); ode.set_initial_value(initial(), 0.0)",
            "Parameters are substituted as numbers: rebuild after changing them.",
            '"""', "import sys", "", "import numpy", "from symengine import Abs, exp, log, pi, sqrt  # noqa: F401",
            "from %s import y" % ("jitcsde" if m.noise else "jitcode"), "",
            "PARAMETERS = %r" % params, "STATE = %r" % states,
            "DEFAULTS = %r" % {k: float(m.defaults[k]) for k in params},
            "INITIAL = %r" % {k: float(m.initial[k]) for k in states}]
    if m.observables:
        out.append("OBSERVABLES = %r" % list(m.observables))
    out += ["", "", "def initial():", '    """The initial state as an array in STATE order."""',
            "    return numpy.array([INITIAL[k] for k in STATE])", "", "",
            "def drift(p=DEFAULTS):", '    """f(y): d y/dt of the deterministic part (list in STATE order)."""',
            "    return [%s]" % ",\n            ".join(sym(f) for f in m.rhs)]
    if m.noise:
        out += ["", "", "def diffusion(p=DEFAULTS):",
                '    """g(y): Ito coefficient of each state\'s own dW (0: no noise)."""',
                "    return [%s]" % ", ".join(sym(b) for b in _noise(m))]
    if m.observables:
        out += ["", "", "def observables(p=DEFAULTS):",
                '    """Auxiliary outputs (dict name -> expression in y(i))."""',
                "    return {%s}" % ", ".join("%r: %s" % (k, sym(e)) for k, e in m.observables.items())]
    if m.noise:
        out += ["", "", "def make_sde(p=DEFAULTS, **kwargs):",
                '    """jitcsde(drift, diffusion) in Ito form; kwargs go to jitcsde (e.g. verbose=False)."""',
                "    from jitcsde import jitcsde",
                "    return jitcsde(drift(p), diffusion(p), ito=True, **kwargs)"]
    out += ["", "", "def make_ode(p=DEFAULTS, **kwargs):",
            '    """jitcode(drift): the deterministic model; kwargs go to jitcode."""',
            "    from jitcode import jitcode",
            "    return jitcode(drift(p), **kwargs)", "", "",
            "if __name__ == '__main__':",
            "    T = float(sys.argv[1]) if len(sys.argv) > 1 else 10.0"]
    if m.noise:
        out += ["    sde = make_sde(verbose=False)",
                "    sde.set_initial_value(initial(), 0.0)",
                "    sde.set_seed(1)",
                "    for t in numpy.arange(1.0, T + 0.5, 1.0):",
                "        print(t, *sde.integrate(t))"]
    else:
        out += ["    ode = make_ode(verbose=False)",
                "    ode.set_integrator('dopri5', atol=1e-12, rtol=1e-10)",
                "    ode.set_initial_value(initial(), 0.0)",
                "    for t in numpy.arange(1.0, T + 0.5, 1.0):",
                "        print(t, *ode.integrate(t))"]
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------------------------------------------- AUTO-07p
#: AUTO reserves PAR(11) for the period of periodic orbits: model parameters skip it
AUTO_RESERVED_PAR = 11
#: half-width of the default continuation window around the default value of an excitability (eta_bar)
AUTO_ETA_WINDOW = 15.0
#: AUTO constants of the continuation (Newton tolerances 1e-12, LP/HB location 1e-10)
AUTO_CONSTANTS = (("IPS", 1), ("IRS", 0), ("ILP", 1), ("ISP", 1), ("ISW", 1), ("NTST", 20), ("NCOL", 4),
                  ("IAD", 3), ("IPLT", 0), ("NBC", 0), ("NINT", 0), ("NMX", 5000), ("NPR", 10000), ("MXBF", 0),
                  ("IID", 2), ("ITMX", 8), ("ITNW", 20), ("NWTN", 3), ("JAC", 0), ("EPSL", 1e-12),
                  ("EPSU", 1e-12), ("EPSS", 1e-10), ("DSMIN", 1e-8), ("DSMAX", 0.05), ("IADS", 1))
AUTO_DS = 0.01


def auto_par_index(i: int) -> int:
    """AUTO's PAR index of the model parameter i (0-based): 1..10, then 12, 13, ... (PAR(11) is the period)."""
    return i + 1 if i + 1 < AUTO_RESERVED_PAR else i + 2


def auto_parameter(m: "ExportModel") -> str:
    """The default continuation parameter: the first excitability centre (eta_bar, eta_bar_<population>), else
    the first parameter."""
    params = _names(m.parameters)
    return next((p for p in params if p == "eta_bar" or p.startswith("eta_bar_")), params[0])


def to_auto(m: "ExportModel", *, parameter: str | None = None, window: tuple | None = None,
            user_points: tuple = ()) -> str:
    """One self-contained AUTO-07p script: ``auto-07p <file>`` writes ``<name>.f90`` and continues the equilibria.

    The equations file holds the Fortran export (``<name>_rhs``, ``<name>_observables``) and AUTO's user
    routines: FUNC (the drift, parameters PAR in :func:`auto_par_index` order), STPNT (the default parameters and
    the initial state: the continuation must start at a steady state, see the model's ``initial_note``), PVLS
    (the observables, e.g. the population rate of a multi-pole model, stored after the parameters and printed
    with them), and the empty BCND/ICND/FOPT that AUTO requires.  The script then runs AUTO in ``parameter``
    (default :func:`auto_parameter`; eta_bar for MPR) from the initial state in both directions until the
    parameter leaves ``window`` (default: the default value +- 15 for an excitability, +- max(1, 2|x|)
    otherwise), storing user points (UZ) at ``user_points``; prints every limit point (LP) and Hopf point (HB)
    with the parameter value and the state, and saves the diagram to ``b.<name>``, ``s.<name>``, ``d.<name>``
    (AUTO's stability: a negative point number PT is a stable point).

    Raises
    ------
    ParameterError
        For a stochastic model (AUTO continues the deterministic drift: export the deterministic model) or a
        surrogate one, an unknown ``parameter``, or a ``window`` that does not contain the default value.
    """
    from .export import fortran_name, to_fortran

    _refuse_surrogate(m, "auto")
    if m.noise:
        raise ModelRefused("model: AUTO-07p continues equilibria of a deterministic model; %r has noise (%s)"
                           % (m.name, DETERMINISTIC_HINT))
    params, states = _names(m.parameters), _names(m.state)
    parameter = auto_parameter(m) if parameter is None else parameter
    if parameter not in params:
        raise ParameterError("parameter must be one of %s, got %r" % (", ".join(params), parameter))
    x0 = float(m.defaults[parameter])
    if window is None:
        half = AUTO_ETA_WINDOW if parameter.startswith("eta_bar") else max(1.0, 2.0 * abs(x0))
        window = (x0 - half, x0 + half)
    lo, hi = (float(w) for w in window)
    if not lo < x0 < hi:
        raise ParameterError("window must contain the default %s = %r, got (%r, %r)" % (parameter, x0, lo, hi))
    name = _ident(m.name)
    n, k = len(states), len(params)
    parnames = {auto_par_index(i): p for i, p in enumerate(params)}
    npar = max(parnames)
    outputs = {npar + 1 + j: o for j, o in enumerate(m.observables)}
    fortran = ["! AUTO-07p equations file of %s (written by %s.auto, exported by shotnoise; generated)"
               % (m.title, name),
               "! PAR: %s" % ", ".join("%d %s" % kv for kv in sorted(parnames.items())),
               "SUBROUTINE FUNC(NDIM, U, ICP, PAR, IJAC, F, DFDU, DFDP)",
               "  IMPLICIT NONE",
               "  INTEGER, INTENT(IN) :: NDIM, ICP(*), IJAC",
               "  DOUBLE PRECISION, INTENT(IN) :: U(NDIM), PAR(*)",
               "  DOUBLE PRECISION, INTENT(OUT) :: F(NDIM)",
               "  DOUBLE PRECISION, INTENT(INOUT) :: DFDU(NDIM, NDIM), DFDP(NDIM, *)",
               "  DOUBLE PRECISION :: P(%d)" % k,
               "  CALL AUTO_PARAMETERS(PAR, P)",
               "  CALL %s_rhs(0.0d0, U(1:%d), P, F(1:%d))" % (name, n, n),
               "END SUBROUTINE FUNC", "",
               "SUBROUTINE AUTO_PARAMETERS(PAR, P)",
               "  IMPLICIT NONE",
               "  DOUBLE PRECISION, INTENT(IN) :: PAR(*)",
               "  DOUBLE PRECISION, INTENT(OUT) :: P(%d)" % k]
    fortran += ["  P(%d) = PAR(%d)" % (i + 1, auto_par_index(i)) for i in range(k)]
    fortran += ["END SUBROUTINE AUTO_PARAMETERS", "",
                "SUBROUTINE STPNT(NDIM, U, PAR, T)",
                "  IMPLICIT NONE",
                "  INTEGER, INTENT(IN) :: NDIM",
                "  DOUBLE PRECISION, INTENT(INOUT) :: U(NDIM), PAR(*)",
                "  DOUBLE PRECISION, INTENT(IN) :: T"]
    fortran += ["  DOUBLE PRECISION :: P(%d)" % k,
                "  CALL %s(P)" % fortran_name(m, "defaults"),
                "  CALL %s(U(1:%d))" % (fortran_name(m, "initial"), n)]
    fortran += ["  PAR(%d) = P(%d)  ! %s" % (auto_par_index(i), i + 1, p) for i, p in enumerate(params)]
    fortran += ["END SUBROUTINE STPNT", "",
                "SUBROUTINE PVLS(NDIM, U, PAR)",
                "  IMPLICIT NONE",
                "  INTEGER, INTENT(IN) :: NDIM",
                "  DOUBLE PRECISION, INTENT(IN) :: U(NDIM)",
                "  DOUBLE PRECISION, INTENT(INOUT) :: PAR(*)"]
    if m.observables:
        fortran += ["  DOUBLE PRECISION :: P(%d), OUT(%d)" % (k, len(m.observables)),
                    "  CALL AUTO_PARAMETERS(PAR, P)",
                    "  CALL %s(0.0d0, U(1:%d), P, OUT)" % (fortran_name(m, "observables"), n)]
        fortran += ["  PAR(%d) = OUT(%d)  ! %s" % (idx, j + 1, o) for j, (idx, o) in enumerate(outputs.items())]
    fortran += ["END SUBROUTINE PVLS", "",
                "SUBROUTINE BCND", "END SUBROUTINE BCND", "",
                "SUBROUTINE ICND", "END SUBROUTINE ICND", "",
                "SUBROUTINE FOPT", "END SUBROUTINE FOPT", ""]
    fortran += to_fortran(m).splitlines()
    constants = ", ".join("%s=%r" % kv for kv in AUTO_CONSTANTS)
    note = getattr(m, "initial_note", "the initial state")
    # every line of the script is plain Python; AUTO's console rewrites lines that start with '!' or a shell
    # word (ls, cat, rm, ...), so the Fortran source is a list of quoted lines
    out = ["# %s: AUTO-07p continuation script, exported by shotnoise (generated)." % m.title,
           "# Run: auto-07p %s.auto   (needs gfortran; writes %s.f90 and the diagram b.%s, s.%s, d.%s)"
           % (name, name, name, name, name),
           "# Equilibria of the deterministic model are continued in PARAMETER from the initial state in both",
           "# directions until PARAMETER leaves WINDOW; limit points (LP) and Hopf points (HB) are printed.",
           "# AUTO's stability: a negative point number PT is a stable point.  Edit the settings below.",
           "# Initial state: %s." % note,
           "NAME = %r" % name,
           "#: continuation parameter (one of PARNAMES' values)",
           "PARAMETER = %r" % parameter,
           "#: the run stops when PARAMETER leaves this interval",
           "WINDOW = (%r, %r)" % (lo, hi),
           "#: PARAMETER values at which AUTO stores a labelled point (UZ)",
           "USER_POINTS = %r" % ([float(u) for u in user_points],),
           "#: AUTO index -> name: the model's parameters (PAR(11) is AUTO's period), then the observables",
           "PARNAMES = %r" % ({**parnames, **outputs},),
           "UNAMES = %r" % ({i + 1: x for i, x in enumerate(states)},),
           "#: what STPNT sets (the Fortran <name>_defaults / <name>_initial below); export again for other values",
           "DEFAULTS = %r" % ({p: float(m.defaults[p]) for p in params},),
           "INITIAL = %r" % ({x: float(m.initial[x]) for x in states},),
           "OUTPUTS = %r" % (sorted(outputs),),
           "FORTRAN = ["]
    if note.startswith("NOT"):  # theory.models' plain start, or no stable fixed point (numerics.export_state)
        out.insert(len(out) - 1, "print('warning: the initial state is not a steady state (see the header); AUTO may "
                                 "not converge')")
    out += ["    %r," % line for line in fortran]
    out += ["]",
            "with open(NAME + '.f90', 'w') as handle:",
            "    handle.write('\\n'.join(FORTRAN) + '\\n')",
            "INDEX = [i for i, p in PARNAMES.items() if p == PARAMETER][0]",
            "CONSTANTS = dict(e=NAME, unames=UNAMES, parnames=PARNAMES, NDIM=%d, NPAR=%d, ICP=[INDEX] + OUTPUTS,"
            % (n, max([npar] + sorted(outputs))),
            "                 UZSTOP={INDEX: list(WINDOW)},"]
    out += textwrap.wrap(constants + ")", 110, initial_indent=" " * 17, subsequent_indent=" " * 17)
    out += [
            "if USER_POINTS:",
            "    CONSTANTS['UZR'] = {INDEX: USER_POINTS}",
            "diagram = run(DS=%r, **CONSTANTS) + run(DS=%r, **CONSTANTS)" % (AUTO_DS, -AUTO_DS),
            "save(diagram, NAME)",
            "# the special points (AUTO's output carries 11 significant digits; it keeps only the first states)",
            "SHOWN = [PARNAMES[k] for k in OUTPUTS] + list(UNAMES.values())",
            "for branch in diagram:",
            "    for i in range(len(branch)):",
            "        point = branch[i]",
            "        if point['TY name'] in ('LP', 'HB'):",
            "            print('%s %s = %.11g' % (point['TY name'], PARAMETER, point[PARAMETER]) + ''.join(",
            "                ', %s = %.11g' % (x, point[x]) for x in SHOWN if x in branch.coordnames))",
            ""]
    return "\n".join(out)


def _num(x) -> str:
    return repr(float(x))


#: format name -> exporter (registered in :mod:`shotnoise.theory.export`)
EXPORTERS = {"pyrates": to_pyrates, "tvb": to_tvb, "jitcsde": to_jitcsde, "auto": to_auto}
