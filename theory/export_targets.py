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
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

import sympy as sp

from .errors import ParameterError
from .symbols import PARAMETER_INFO, STATE_INFO

if TYPE_CHECKING:  # export.py imports this module for its registry: no import of it at run time
    from .export import ExportModel

TARGETS = ("pyrates", "tvb", "jitcsde")

#: PyRates reserves ``I`` (the imaginary unit of its sympy parser): renamed in the template
PYRATES_RENAME = {"I": "I_ext"}


def _refuse_surrogate(m: "ExportModel", target: str) -> None:
    """A shot-noise model driven by surrogate oscillators has no closed-form drift/diffusion for these tools."""
    if getattr(m, "surrogate", None) is not None:
        raise ParameterError("model: %r is driven by surrogate oscillators, which the %s export cannot express; "
                             "export mpr or stochastic-mpr" % (m.name, target))


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
        raise ParameterError("model: the PyRates export is deterministic; %r has noise (export its deterministic "
                             "model, e.g. mpr or multipole-n, or use the tvb or jitcsde format)" % m.name)
    ren = {s: sp.Symbol(PYRATES_RENAME[s.name]) for f in list(m.rhs) + list(m.observables.values())
           for s in sp.sympify(f).free_symbols if s.name in PYRATES_RENAME}
    states, params = _names(m.state), _names(m.parameters)
    clash = set(PYRATES_RENAME) & set(states + list(m.observables))
    if clash:
        raise ParameterError("model: state or observable names %s are reserved in PyRates" % sorted(clash))

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
        raise ParameterError("model: the TVB export supports the two-variable (r, v) models (mpr, stochastic-mpr), "
                             "got %r with state %s" % (m.name, ", ".join(states)))
    params = _names(m.parameters)
    I = sp.Symbol("I", real=True)
    if "I" not in params:
        raise ParameterError("model: the TVB export couples through the current I; %r has no I" % m.name)

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
        raise ParameterError("model: jitcsde's noise is diagonal (one Wiener process per state); %r has a common "
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


def _num(x) -> str:
    return repr(float(x))


#: format name -> exporter (registered in :mod:`shotnoise.theory.export`)
EXPORTERS = {"pyrates": to_pyrates, "tvb": to_tvb, "jitcsde": to_jitcsde}
