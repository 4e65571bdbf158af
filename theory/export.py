"""Export derived equations to other languages from the same sympy objects.

Formats: LaTeX, Python/numpy, C (C99), Fortran (F95), Julia, Octave/MATLAB,
XPPAUT ``.ode`` (usable for AUTO continuation) and JSON (expressions as
strings plus parameter metadata and conventions); the tools' own formats
(PyRates, TVB, jitcsde, and an AUTO-07p continuation script) are in
:mod:`shotnoise.theory.export_targets`.  Every format carries the default
parameters and the initial state (C: ``<name>_defaults[]``/``<name>_initial[]``;
Fortran: ``<name>_defaults(p)``/``<name>_initial(y)``; Octave: functions of the
same names).  A format that cannot express a model refuses it naming the
formats that accept it (:func:`accepting_formats`).  Every exporter takes a
:class:`ExportModel` so later derived systems (e.g. the stochastic MPR model,
the reduced multi-pole models) are exported by the same code.

Noise: by default each noisy state has its own independent Wiener process
(diagonal noise).  With ``common_noise`` the coefficients form one vector b
multiplying a single Wiener increment dW shared by all states (the shot noise
of one population enters every mode of a multi-pole model with the same xi).
With ``wiener`` (names of independent Wiener processes, e.g. one shot noise per
population of a circuit) the coefficients form a matrix: ``noise[state]`` is a
tuple with one coefficient per Wiener process, and the exported noise function
returns the n_state x n_wiener matrix B of dy = f dt + B dW.
Observables (e.g. the population rate r of a multi-pole model) are exported as
auxiliary outputs: ``observables`` in Python, ``<name>_observables`` in C,
Fortran, Julia and Octave, ``aux`` in XPP, an ``"observables"`` block in JSON.

How each format runs in its tool (each is tested with the real tool):
C compiles with ``cc -std=c99 -pedantic -Wall -Werror`` (pi is a literal, no ``M_PI`` needed);
Fortran with ``gfortran -std=f95 -pedantic -Wall -Werror``; the Octave file is a script file
(it starts with ``1;``): ``source("file.m")`` defines its functions; XPPAUT
runs ``xppaut -silent file.ode`` to its ``total`` and AUTO starts from the
initial data (a stable steady state when the model went through
``shotnoise.numerics.export_state.at_steady_state``, as in ``shotnoise derive``
and ``shotnoise export``; ``initial_note`` says which, in every format);
LaTeX is a fragment needing amsmath or, ``standalone``, a document for pdflatex; JSON declares every symbol so that
``sympy.sympify(expr, locals=...)`` reads it back.  A model with surrogate
shot noise (``ExportModel.surrogate``, theory/THEORY.md eqs. (51), (58)) is
exported by :mod:`shotnoise.theory.shot_noise_export` (Python, C, LaTeX, JSON).
"""
from __future__ import annotations

import json
import textwrap
from dataclasses import dataclass, field

import sympy as sp
from sympy.printing.c import C99CodePrinter
from sympy.printing.fortran import FCodePrinter
from sympy.printing.julia import julia_code
from sympy.printing.octave import octave_code
from sympy.printing.numpy import NumPyPrinter

from .errors import ParameterError
from .export_targets import EXPORTERS as _TARGET_EXPORTERS
from .export_targets import TARGETS, ModelRefused
from .symbols import PARAMETER_INFO, STATE_INFO
from .version import package_version

FORMATS = ("latex", "python", "c", "fortran", "julia", "octave", "xpp", "json")

#: version of the JSON export's layout (bump when keys change meaning; 3: the surrogate model's equations carry xi,
#: its drift is under "drift")
JSON_SCHEMA_VERSION = 3
#: 20 significant digits of pi, written into C and Fortran sources as a literal (C99 has no M_PI)
PI_LITERAL = "3.14159265358979323846"

CONVENTIONS = {
    "time": "time in the same units as tau; rates r in spikes per unit time",
    "spectra": "two-sided, angular frequency: S(omega) = int C(t) exp(-i omega t) dt, variance = int S d omega / (2 pi)",
    "coupling": "J tau s enters tau dv/dt; each spike of an N-neuron network kicks every V by J/N",
}


@dataclass(frozen=True)
class ExportModel:
    """What an exporter needs: named state, d/dt right-hand sides, parameters.

    ``noise`` optionally maps a state name to the coefficient b of dW in
    d state = drift dt + b dW (Ito; white noise of unit intensity).  The
    Wiener processes of different states are independent unless
    ``common_noise``: then every coefficient multiplies the same dW; with
    ``wiener`` (names of independent Wiener processes) ``noise[state]`` is a
    tuple of coefficients, one per Wiener process (a noise matrix).
    ``observables`` maps a name to an expression in the state and parameters
    (auxiliary outputs, e.g. the population rate); ``state_info`` gives the
    description/range metadata of states that are not in ``STATE_INFO``.
    ``time_scale`` maps a state name to its time constant T (a parameter
    symbol): LaTeX writes that equation as T d x/dt = T f.  ``surrogate``
    (a :class:`shotnoise.theory.shot_noise_export.SurrogateNoise`) makes the
    model a shot-noise mass model driven by surrogate oscillators.
    ``initial`` maps every state name to its initial value and ``initial_note``
    says in one format-neutral line what that state is (e.g. whether it is a
    steady state); every format prints it beside the initial state.
    """

    name: str
    title: str
    state: tuple
    rhs: tuple
    parameters: tuple
    defaults: dict
    initial: dict
    noise: dict = field(default_factory=dict)
    extra_parameters: dict = field(default_factory=dict)
    common_noise: bool = False
    observables: dict = field(default_factory=dict)
    state_info: dict = field(default_factory=dict)
    wiener: tuple = ()
    time_scale: dict = field(default_factory=dict)
    surrogate: object = None
    initial_note: str = "initial state"


def _state_names(m: ExportModel) -> list[str]:
    return [str(s) for s in m.state]


def _param_names(m: ExportModel) -> list[str]:
    return [str(p) for p in m.parameters]


def _noise_vector(m: ExportModel) -> tuple:
    """The Ito coefficients in state order (0 for states without noise); for a noise matrix (``wiener``) its
    entries row by row (state-major)."""
    if m.wiener:
        return tuple(e for row in _noise_rows(m) for e in row)
    return tuple(sp.sympify(m.noise.get(s, sp.Integer(0))) for s in _state_names(m))


def _noise_rows(m: ExportModel) -> list[tuple]:
    """The noise matrix B (one row per state, one column per Wiener process)."""
    zero = (sp.Integer(0),) * len(m.wiener)
    return [tuple(sp.sympify(e) for e in m.noise.get(s, zero)) for s in _state_names(m)]


def _noise_comment(m: ExportModel) -> str:
    """One sentence on how the noise coefficients are meant (diagonal or one shared Wiener process)."""
    if m.wiener:
        return ("Ito: d y = rhs dt + B dW with independent Wiener processes W = (%s); B is %d x %d (states x "
                "Wiener processes, row-major)" % (", ".join(m.wiener), len(m.state), len(m.wiener)))
    if m.common_noise:
        return ("Ito: d y = rhs dt + b dW with ONE scalar Wiener process W shared by all states "
                "(b is a column vector, not diagonal noise)")
    return "Ito: d y_i = rhs_i dt + b_i dW_i with independent Wiener processes W_i (diagonal noise)"


_LATEX_NAMES = {"eta_bar": r"\bar{\eta}"}


def _latex_name(name: str) -> str | None:
    """LaTeX of a symbol name that sympy would print badly: eta_bar, and the per-population eta_bar_E, tau_s_E."""
    if name in _LATEX_NAMES:
        return _LATEX_NAMES[name]
    for prefix, form in (("eta_bar_", r"\bar{\eta}_{%s}"), ("tau_s_", r"\tau_{s,%s}")):
        if name.startswith(prefix) and len(name) > len(prefix):
            return form % name[len(prefix):]
    return None


def _latex(expr: sp.Expr) -> str:
    names = {s: _latex_name(str(s)) for s in expr.free_symbols if _latex_name(str(s)) is not None}
    return sp.latex(expr, symbol_names=names)


def _latex_term(coefficient: sp.Expr, noise: str) -> str:
    """`` + b\\,xi`` (or `` - ...``) for a noise term with coefficient b."""
    b = sp.sympify(coefficient)
    sign = " + "
    if not isinstance(b, sp.Add) and b.could_extract_minus_sign():
        sign, b = " - ", -b
    body = _latex(b)
    if isinstance(b, sp.Add):
        body = r"\left(%s\right)" % body
    return r"%s%s\,%s" % (sign, body, noise)


def _noise_terms(m: ExportModel, name: str) -> list[tuple[sp.Expr, str]]:
    """(coefficient, LaTeX of the noise) pairs entering d name/dt: xi_j of a Wiener column, the common xi, the
    state's own xi_x, or (surrogate shot noise) the coefficient of xi."""
    if m.surrogate is not None:
        c = m.surrogate.coupling.get(name, 0)
        return [(c, r"\xi(t)")] if sp.sympify(c) != 0 else []
    if name not in m.noise:
        return []
    if m.wiener:
        return [(b, r"\xi_{%s}(t)" % w) for b, w in zip(m.noise[name], m.wiener) if sp.sympify(b) != 0]
    return [(m.noise[name], r"\xi(t)" if m.common_noise else r"\xi_{%s}(t)" % name)]


def _noise_definition(m: ExportModel) -> str:
    """The sentence defining the white noises of the LaTeX equations (empty for a deterministic model)."""
    if m.surrogate is not None:
        from .shot_noise_export import latex_definition
        return latex_definition(m)

    def white(x: str) -> str:
        return (r"unit-intensity Gaussian white noise, $\langle \xi%s(t)\,\xi%s(t')\rangle = \delta(t - t')$ "
                r"(It\^o interpretation: $\xi%s(t)\,dt = dW%s$ with a Wiener process $W%s$)" % ((x,) * 5))
    if m.wiener:
        names = ", ".join(r"$\xi_{%s}$" % w for w in m.wiener)
        return "where %s are independent, each a %s.\n" % (names, white("_a"))
    if m.common_noise:
        return "where $\\xi$ (the same in every equation) is %s.\n" % white("")
    if len(m.noise) == 1:
        x = "_{%s}" % next(iter(m.noise))
        return "where $\\xi%s$ is %s.\n" % (x, white(x))
    if m.noise:
        names = ", ".join(r"$\xi_{%s}$" % x for x in m.noise)
        return "where %s are independent, each a %s.\n" % (names, white("_x"))
    return ""


def _latex_escape(text: str) -> str:
    """Plain text for a LaTeX document (title line)."""
    special = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
               "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}
    return "".join(special.get(ch, ch) for ch in text)


def to_latex(m: ExportModel, *, standalone: bool = False) -> str:
    """LaTeX ``align`` environment (needs amsmath): T dx/dt = T f(x) (+ noise terms) per state, T the state's
    time constant (``time_scale``; tau for the MPR model: tau dr/dt = Delta/(pi tau) + 2 r v), then the
    observables, then a sentence defining the noise xi.  With ``standalone`` a complete document for pdflatex.
    """
    lines = []
    for s, f in zip(m.state, m.rhs):
        name = str(s)
        T = m.time_scale.get(name)
        scale = 1 if T is None else T
        rhs = _latex(sp.expand(scale * f))
        rhs += "".join(_latex_term(sp.expand(scale * sp.sympify(b)), x) for b, x in _noise_terms(m, name))
        lhs = r"\frac{d %s}{d t}" % sp.latex(s)
        if T is not None:
            lhs = "%s %s" % (_latex(T), lhs)
        lines.append("%s &= %s" % (lhs, rhs))
    for name, e in m.observables.items():
        lines.append(r"%s &= %s" % (sp.latex(sp.Symbol(name)), _latex(sp.sympify(e))))
    body = "\\begin{align}\n" + " \\\\\n".join(lines) + "\n\\end{align}\n" + _noise_definition(m)
    if not standalone:
        return ("%% Needs \\usepackage{amsmath} (align environment).\n"
                "%% %s, exported by shotnoise %s (generated).\n" % (m.title, package_version()) + body)
    return ("\\documentclass{article}\n\\usepackage{amsmath}\n\\begin{document}\n"
            "\\section*{%s}\n" % _latex_escape(m.title)
            + "Exported by shotnoise %s (generated); time in units of the membrane time constant.\n"
            % _latex_escape(package_version()) + body + "\\end{document}\n")


def to_python(m: ExportModel) -> str:
    """A self-contained numpy module with ``rhs(t, y, params)`` (solve_ivp-compatible), ``noise`` for
    stochastic models and ``observables`` (dict name -> value) when the model has any."""
    pr = NumPyPrinter({"fully_qualified_modules": True})
    out = [
        '"""%s, exported by shotnoise (generated; do not edit)."""' % m.title,
        "import numpy",
        "",
        "PARAMETERS = %r" % (_param_names(m),),
        "STATE = %r" % (_state_names(m),),
        "DEFAULTS = %r" % ({k: float(v) for k, v in m.defaults.items()},),
        "#: %s" % m.initial_note,
        "INITIAL = %r" % ({k: float(m.initial[k]) for k in _state_names(m)},),
    ]
    if m.observables:
        out.append("OBSERVABLES = %r" % (list(m.observables),))
    if m.noise and m.wiener:
        out.append("WIENER = %r  # %s" % (list(m.wiener), _noise_comment(m)))
    elif m.noise:
        out.append("COMMON_NOISE = %r  # %s" % (bool(m.common_noise), _noise_comment(m)))

    def unpack():
        lines = ["    %s = y[%d]" % (s, i) for i, s in enumerate(_state_names(m))]
        return lines + ["    %s = params[%r]" % (p, p) for p in _param_names(m)]

    out += ["", "", "def rhs(t, y, params):",
            '    """d y / d t; y = %s, params = dict with keys PARAMETERS."""' % _state_names(m)]
    out += unpack()
    out.append("    return numpy.array([%s])" % ", ".join(pr.doprint(f) for f in m.rhs))
    if m.noise:
        doc = "Coefficients b of dW. %s." % _noise_comment(m)
        out += ["", "", "def noise(t, y, params):", '    """%s"""' % doc]
        out += unpack()
        if m.wiener:
            out.append("    return numpy.array([%s])" % ", ".join(
                "[%s]" % ", ".join(pr.doprint(b) for b in row) for row in _noise_rows(m)))
        else:
            out.append("    return numpy.array([%s])" % ", ".join(pr.doprint(b) for b in _noise_vector(m)))
    if m.observables:
        out += ["", "", "def observables(t, y, params):",
                '    """Auxiliary outputs %s as a dict (y may be 2-d, one column per time)."""'
                % list(m.observables)]
        out += unpack()
        out.append("    return {%s}" % ", ".join("%r: %s" % (k, pr.doprint(sp.sympify(e)))
                                            for k, e in m.observables.items()))
    return "\n".join(out) + "\n"


def to_c(m: ExportModel) -> str:
    """C99 function ``void <name>_rhs(double t, const double *y, const double *p, double *dydt)``
    (and ``<name>_noise``, ``<name>_observables``) and the arrays ``<name>_defaults[]`` (default parameters) and
    ``<name>_initial[]`` (initial state); compiles with ``cc -std=c99 -pedantic -Wall -Werror``."""
    out = c_preamble(m) + c_defaults(m) + ["/* p[] = {%s} */" % ", ".join(_param_names(m)),
                           "void %s_rhs(double t, const double *y, const double *p, double *dydt)" % _cname(m.name),
                           "{"]
    out += _c_unpack(m)
    for i, f in enumerate(m.rhs):
        out.append("    dydt[%d] = %s;" % (i, c_code(f)))
    out.append("}")
    if m.noise:
        out += ["", "/* %s */" % _noise_comment(m),
                "void %s_noise(double t, const double *y, const double *p, double *b)" % _cname(m.name), "{"]
        out += _c_unpack(m)
        for i, b in enumerate(_noise_vector(m)):
            out.append("    b[%d] = %s;" % (i, c_code(b)))
        out.append("}")
    if m.observables:
        out += ["", "/* out[] = {%s} */" % ", ".join(m.observables),
                "void %s_observables(double t, const double *y, const double *p, double *out)" % _cname(m.name),
                "{"]
        out += _c_unpack(m)
        for i, e in enumerate(m.observables.values()):
            out.append("    out[%d] = %s;" % (i, c_code(e)))
        out.append("}")
    return "\n".join(out) + "\n"


#: the C name of pi: C99 does not declare M_PI (POSIX does), so the preamble defines it when missing
_C_PI = sp.Symbol("M_PI")


def _c_printer() -> C99CodePrinter:
    """C99 printer without math.h macros (M_SQRT2, M_1_PI, ... are POSIX, not C99)."""
    return C99CodePrinter({"math_macros": {}})


def c_code(expr) -> str:
    """C99 text of ``expr``; pi is written M_PI, which :func:`c_preamble` defines when math.h does not."""
    return _c_printer().doprint(sp.sympify(expr).xreplace({sp.pi: _C_PI}))


def c_preamble(m: ExportModel) -> list[str]:
    """Title comment, math.h and the literal value of pi (``#define M_PI`` when math.h lacks it, as in strict
    C99)."""
    return ["/* %s, exported by shotnoise %s (generated). C99: cc -std=c99 -pedantic -c file.c */"
            % (m.title, package_version()), "#include <math.h>", "",
            "#ifndef M_PI  /* strict C99 (-std=c99) does not declare M_PI */",
            "#define M_PI %s" % PI_LITERAL, "#endif", ""]


def c_defaults(m: ExportModel) -> list[str]:
    """``const double <name>_defaults[]`` (parameters in p[] order) and ``<name>_initial[]`` (state in y[] order),
    with the order in a comment.  External linkage (not static): -Wall warns about unused static constants."""
    nm = _cname(m.name)
    params, states = _param_names(m), _state_names(m)
    return ["/* default parameters, in the order of p[]: {%s} */" % ", ".join(params),
            "const double %s_defaults[%d] = {%s};" % (nm, len(params), ", ".join(_num(m.defaults[q]) for q in params)),
            "/* initial state, in the order of y[]: {%s}; %s */"
            % (", ".join(states), m.initial_note.replace("*/", "")),
            "const double %s_initial[%d] = {%s};" % (nm, len(states), ", ".join(_num(m.initial[x]) for x in states)),
            ""]


def _cname(name: str) -> str:
    return name.replace("-", "_")


def _c_unpack(m: ExportModel) -> list[str]:
    out = ["    (void)t;"]
    out += ["    const double %s = y[%d];" % (s, i) for i, s in enumerate(_state_names(m))]
    out += ["    const double %s = p[%d];" % (q, i) for i, q in enumerate(_param_names(m))]
    out.append("    %s" % " ".join("(void)%s;" % x for x in _state_names(m) + _param_names(m)))
    return out


_PI = sp.Symbol("pi")


def _vectors(m: ExportModel) -> list[tuple[str, tuple]]:
    """("rhs", drift), for stochastic models ("noise", Ito coefficients of dW), and ("observables", ...)."""
    out = [("rhs", tuple(m.rhs))]
    if m.noise:
        out.append(("noise", _noise_vector(m)))
    if m.observables:
        out.append(("observables", tuple(sp.sympify(e) for e in m.observables.values())))
    return out


def _vector_comment(m: ExportModel, kind: str) -> str:
    if kind == "noise":
        return _noise_comment(m)
    if kind == "observables":
        return "outputs (%s)" % ", ".join(m.observables)
    return "d y / d t"


def _fortran_comment(text: str, indent: str) -> list[str]:
    """Comment lines within free-form Fortran's 132 characters."""
    return [indent + "! " + line for line in textwrap.wrap(text, 120 - len(indent))]


def _fortran_declarations(names: list[str]) -> list[str]:
    """``real(8) :: a, b, ...`` lines, each within free-form Fortran's 132 characters."""
    lines, current = [], []
    for name in names:
        if current and len("  real(8) :: " + ", ".join(current + [name])) > 120:
            lines.append("  real(8) :: " + ", ".join(current))
            current = []
        current.append(name)
    return lines + ["  real(8) :: " + ", ".join(current)]


#: Fortran 95 names have at most 31 characters
FORTRAN_NAME_LIMIT = 31


def fortran_name(m: ExportModel, kind: str) -> str:
    """Name of the Fortran subroutine of ``kind`` (rhs, noise, observables): ``<name>_<kind>``; ``observables``
    is shortened to ``obs`` when the full name exceeds Fortran 95's 31 characters (stochastic_multipole_n)."""
    name = "%s_%s" % (_cname(m.name), kind)
    if len(name) > FORTRAN_NAME_LIMIT and kind == "observables":
        name = "%s_obs" % _cname(m.name)
    if len(name) > FORTRAN_NAME_LIMIT:
        raise ParameterError("model name %r is too long for Fortran 95 (subroutine %s has more than %d characters)"
                             % (m.name, name, FORTRAN_NAME_LIMIT))
    return name


def to_fortran(m: ExportModel) -> str:
    """Fortran 95 subroutines ``<name>_rhs(t, y, p, dydt)`` (and ``<name>_noise``, ``<name>_observables``),
    ``<name>_defaults(p)`` (the default parameters) and ``<name>_initial(y)`` (the initial state); compile with
    ``gfortran -std=f95 -pedantic -Wall -Werror`` (the time argument t of the autonomous model is referenced by a
    dead ``if (.false.)`` statement, so it is not reported as unused).  Each subroutine unpacks only the states and
    parameters it uses."""
    pr = FCodePrinter({"source_format": "free", "standard": 95})
    n, k = len(m.state), len(m.parameters)
    out = _fortran_comment("%s, exported by shotnoise %s (generated)." % (m.title, package_version()), "")
    for kind, vec in _vectors(m):
        res = "out" if kind == "observables" else "dydt"
        matrix = kind == "noise" and bool(m.wiener)
        used = set().union(*(sp.sympify(f).free_symbols for f in vec))
        used_names = {str(x) for x in used}
        states = [(i, x) for i, x in enumerate(_state_names(m)) if x in used_names]
        params = [(i, q) for i, q in enumerate(_param_names(m)) if q in used_names]
        name = fortran_name(m, kind)
        out.append("subroutine %s(t, y, p, %s)" % (name, res))
        out += _fortran_comment(_vector_comment(m, kind), "  ")
        out += ["  implicit none",
                "  real(8), intent(in) :: t", "  real(8), intent(in) :: y(%d), p(%d)" % (n, k),
                "  real(8), intent(out) :: %s(%s)" % (res, "%d, %d" % (n, len(m.wiener)) if matrix else len(vec))]
        if states or params:
            out += _fortran_declarations([x for _, x in states] + [q for _, q in params])
        if any(sp.sympify(f).has(sp.pi) for f in vec):
            out.append("  real(8), parameter :: pi = %sd0" % PI_LITERAL)
        out += ["  %s = y(%d)" % (x, i + 1) for i, x in states]
        out += ["  %s = p(%d)" % (q, i + 1) for i, q in params]
        # the model is autonomous: this dead statement references t so that -Wall reports no unused argument
        out.append("  if (.false.) %s(%s) = t" % (res, "1, 1" if matrix else "1"))
        for i, f in enumerate(vec):
            index = "%d, %d" % (i // len(m.wiener) + 1, i % len(m.wiener) + 1) if matrix else "%d" % (i + 1)
            code = pr.doprint(sp.sympify(f).xreplace({sp.pi: _PI}), assign_to=sp.Symbol("%s(%s)" % (res, index)))
            out += ["  " + line for line in code.splitlines()]  # long lines are continued with &
        out.append("end subroutine %s" % name)
    for kind, arg, names, values, what in (
            ("defaults", "p", _param_names(m), m.defaults, "default parameters"),
            ("initial", "y", _state_names(m), m.initial, "initial state")):
        name = fortran_name(m, kind)
        out.append("subroutine %s(%s)" % (name, arg))
        note = "; %s" % m.initial_note if kind == "initial" else ""
        out += _fortran_comment("%s %s = (%s)%s" % (what, arg, ", ".join(names), note), "  ")
        out += ["  implicit none", "  real(8), intent(out) :: %s(%d)" % (arg, len(names))]
        out += ["  %s(%d) = %s" % (arg, i + 1, fortran_double(values[x])) for i, x in enumerate(names)]
        out.append("end subroutine %s" % name)
    return "\n".join(out) + "\n"


def fortran_double(x) -> str:
    """A double-precision Fortran literal that round-trips the float x (17 significant digits, d exponent)."""
    return ("%.17e" % float(x)).replace("e", "d")


def to_julia(m: ExportModel) -> str:
    """Julia in-place ``<name>_rhs!(du, u, p, t)`` (and ``<name>_noise!`` for SDEProblem; with common noise it
    fills an n x 1 matrix, use ``noise_rate_prototype = zeros(n, 1)``), ``<name>_observables(u, p, t)``."""
    nm = _cname(m.name)
    n = len(m.state)
    out = ["# %s, exported by shotnoise (generated)." % m.title]

    def unpack():
        lines = ["    %s = u[%d]" % (s, i + 1) for i, s in enumerate(_state_names(m))]
        return lines + ["    %s = p[%d]" % (q, i + 1) for i, q in enumerate(_param_names(m))]

    for kind, vec in _vectors(m):
        if kind == "observables":
            out.append("# outputs as a NamedTuple (%s)" % ", ".join(m.observables))
            out.append("function %s_observables(u, p, t)" % nm)
            out += unpack()
            out.append("    return (%s,)" % ", ".join("%s = %s" % (name, julia_code(e))
                                                  for name, e in zip(m.observables, vec)))
            out.append("end")
            continue
        if kind == "noise":
            out.append("# %s" % _noise_comment(m))
            if m.common_noise or m.wiener:
                out.append("# SDEProblem(%s_rhs!, %s_noise!, u0, tspan, p; noise_rate_prototype = zeros(%d, %d))"
                           % (nm, nm, n, max(len(m.wiener), 1)))
        out.append("function %s_%s!(du, u, p, t)" % (nm, kind))
        out += unpack()
        for i, f in enumerate(vec):
            index = "%d, 1" % (i + 1) if kind == "noise" and m.common_noise else "%d" % (i + 1)
            if kind == "noise" and m.wiener:
                index = "%d, %d" % (i // len(m.wiener) + 1, i % len(m.wiener) + 1)
            out.append("    du[%s] = %s" % (index, julia_code(sp.sympify(f))))
        out += ["    return nothing", "end"]
    return "\n".join(out) + "\n"


def to_octave(m: ExportModel) -> str:
    """Octave/MATLAB ``dydt = <name>_rhs(t, y, p)`` (ode45 compatible); noise coefficients and observables
    as further ``<name>_noise`` / ``<name>_observables`` functions, ``<name>_defaults()`` (row of the default
    parameters) and ``<name>_initial()`` (column of the initial state).  The file is an Octave script file: it
    starts with ``1;`` so that ``source("<name>.m")`` (or ``octave <name>.m``) defines all its functions."""
    nm = _cname(m.name)
    out = ["1;  %% this line makes the file an Octave script file: source(\"%s.m\") defines the functions below"
           % nm,
           "%% %s, exported by shotnoise %s (generated)." % (m.title, package_version()),
           "%% Usage: source(\"%s.m\"); dydt = %s_rhs(t, y, p) with column y = [%s]" % (nm, nm, "; ".join(
               _state_names(m))) + " and p = [%s] (ode45 compatible)." % ", ".join(_param_names(m)),
           "%% Defaults: p = [%s]; initial state (%s): y0 = [%s]."
           % (", ".join(_num(m.defaults[q]) for q in _param_names(m)), m.initial_note,
              "; ".join(_num(m.initial[x]) for x in _state_names(m)))]
    out.append("%% p = %s_defaults() and y0 = %s_initial() return the defaults and the initial state." % (nm, nm))
    if m.noise:
        coefficient = "B" if m.wiener else "b"
        em = ("B*dW (dW: column of %d independent N(0, dt) increments)" % len(m.wiener) if m.wiener else
              "b*dW (dW: one scalar N(0, dt) increment)" if m.common_noise else
              "b.*dW (dW: column of independent N(0, dt) increments)")
        out.append("%% Noise (%s)." % _noise_comment(m))
        out.append("%% Euler-Maruyama step: y = y + dt*%s_rhs(t, y, p) + %s with %s = %s_noise(t, y, p)."
                   % (nm, em, coefficient, nm))
    for kind, vec in _vectors(m):
        res = "out" if kind == "observables" else "dydt"
        out += ["function %s = %s_%s(t, y, p)" % (res, nm, kind),
                "  %% %s, exported by shotnoise (generated)." % m.title]
        if kind != "rhs":
            out.append("  %% %s" % _vector_comment(m, kind))
        out += ["  %s = y(%d);" % (s, i + 1) for i, s in enumerate(_state_names(m))]
        out += ["  %s = p(%d);" % (q, i + 1) for i, q in enumerate(_param_names(m))]
        if kind == "noise" and m.wiener:
            nw = len(m.wiener)
            out.append("  %s = zeros(%d, %d);" % (res, len(m.state), nw))
            for i, f in enumerate(vec):
                out.append("  %s(%d, %d) = %s;" % (res, i // nw + 1, i % nw + 1, octave_code(sp.sympify(f))))
        else:
            out.append("  %s = zeros(%d, 1);" % (res, len(vec)))
            for i, f in enumerate(vec):
                out.append("  %s(%d) = %s;" % (res, i + 1, octave_code(sp.sympify(f))))
        out.append("end")
    out += ["function p = %s_defaults()" % nm,
            "  %% default parameters, row p = [%s]" % ", ".join(_param_names(m)),
            "  p = [%s];" % ", ".join(_num(m.defaults[q]) for q in _param_names(m)),
            "end",
            "function y0 = %s_initial()" % nm,
            "  %% initial state, column y0 = [%s]; %s" % ("; ".join(_state_names(m)), m.initial_note),
            "  y0 = [%s];" % "; ".join(_num(m.initial[x]) for x in _state_names(m)),
            "end"]
    return "\n".join(out) + "\n"


_XPP_RENAME = {"eta_bar": "etabar", "Delta": "delta"}
#: XPP run length and step (time in units of tau) and AUTO's parameter window
XPP_TOTAL = 200.0
XPP_DT = 0.005
XPP_PARMIN, XPP_PARMAX = -20.0, 20.0
#: name of the single XPP wiener variable of a model with common noise
XPP_COMMON_WIENER = "wxi"


def to_xpp(m: ExportModel) -> str:
    """XPPAUT ``.ode`` file (parameters, initial data, numerics block) for AUTO.

    XPP names are case-insensitive and short; ``eta_bar`` becomes ``etabar``.
    Observables become ``aux`` variables; common noise is one ``wiener`` variable in every noisy equation.
    """
    ren = {p: sp.Symbol(_xpp_name(str(p))) for p in m.parameters if _xpp_name(str(p)) != str(p)}

    def xpp(e):
        return sp.sstr(sp.sympify(e).xreplace(ren)).replace("**", "^")

    out = ["# %s, exported by shotnoise %s (generated)." % (m.title, package_version()),
           "# run: xppaut -silent file.ode (writes output.dat: t and the states); AUTO from the GUI"]
    pars = ", ".join("%s=%s" % (_xpp_name(str(p)), _num(m.defaults[str(p)])) for p in m.parameters)
    out.append("par %s" % pars)
    out.append("# initial data: %s" % m.initial_note)
    out.append("init %s" % ", ".join("%s=%s" % (s, _num(m.initial[s])) for s in _state_names(m)))
    wiener = {}
    if m.noise:
        out.append("# white noise: XPP's wiener variables are scaled by 1/sqrt(dt) (Ito, Euler)")
        if m.wiener:
            out.append("# independent Wiener processes, one per column of the noise matrix")
            out.append("wiener %s" % ", ".join("w%s" % w for w in m.wiener))
        elif m.common_noise:
            out.append("# one Wiener process shared by all noisy equations")
            wiener = {s: XPP_COMMON_WIENER for s in m.noise}
            out.append("wiener %s" % XPP_COMMON_WIENER)
        else:
            wiener = {s: "w%s" % s for s in m.noise}
            out.append("wiener %s" % ", ".join(wiener[s] for s in m.noise))
    for s, f in zip(_state_names(m), m.rhs):
        expr = xpp(f)
        if s in m.noise and m.wiener:
            expr += "".join(" + (%s)*w%s" % (xpp(b), w) for b, w in zip(m.noise[s], m.wiener) if sp.sympify(b) != 0)
        elif s in m.noise:
            expr += " + (%s)*%s" % (xpp(m.noise[s]), wiener[s])
        out.append("%s' = %s" % (s, expr))
    for name, e in m.observables.items():
        out.append("aux %s=%s" % (name, xpp(e)))
    meth = "euler" if m.noise else "rk4"  # XPP integrates wiener terms correctly only with Euler
    yp = "r" if "r" in _state_names(m) or "r" in m.observables else _state_names(m)[0]
    # XPP stores every step in memory (single precision): maxstor must hold total/dt + 1 rows
    maxstor = int(round(XPP_TOTAL / XPP_DT)) + 1 + 100
    out.append("@ total=%g, dt=%g, maxstor=%d, meth=%s, bounds=1e6" % (XPP_TOTAL, XPP_DT, maxstor, meth))
    out.append("@ xp=t, yp=%s, xlo=0, xhi=%g, ylo=0, yhi=3" % (yp, XPP_TOTAL))
    out.append("# AUTO: continuation in the first parameter (%s) from the initial data above (it must be a "
               "steady state: see the note there)" % _xpp_name(_param_names(m)[0]))
    out.append("@ ntst=50, nmax=2000, npr=500, dsmin=1e-5, dsmax=0.05, ds=0.01, parmin=%g, parmax=%g"
               % (XPP_PARMIN, XPP_PARMAX))
    out.append("@ autoxmin=%g, autoxmax=%g, autoymin=0, autoymax=3" % (XPP_PARMIN, XPP_PARMAX))
    out.append("done")
    return "\n".join(out) + "\n"


def _xpp_name(name: str) -> str:
    """XPP spelling of a parameter name: eta_bar -> etabar, Delta -> delta (also as prefixes: eta_bar_E ->
    etabar_E), other names unchanged."""
    if name in _XPP_RENAME:
        return _XPP_RENAME[name]
    for old, new in _XPP_RENAME.items():
        if name.startswith(old + "_"):
            return new + name[len(old):]
    return name


def _num(x) -> str:
    return repr(float(x))


def _assumptions(x: sp.Symbol) -> dict:
    """The assumptions a symbol was created with (e.g. {"positive": true}), for ``sp.Symbol(name, **a)``."""
    orig = getattr(x, "_assumptions_orig", None)
    if orig is None:
        orig = {k: v for k, v in x.assumptions0.items() if k in ("positive", "real", "nonnegative", "integer")}
    return {k: bool(v) for k, v in orig.items()}


def json_symbols(m: ExportModel, extra: tuple = ()) -> dict:
    """The "symbols" block: every symbol of the equations with its role and sympy assumptions, so that
    ``sympify(expr, locals={name: Symbol(name, **assumptions)})`` reads I as the current (not the imaginary unit)
    and N as a symbol (not sympy's N function)."""
    roles = {str(x): "state" for x in m.state}
    roles.update({str(q): "parameter" for q in m.parameters})
    exprs = list(m.rhs) + list(_noise_vector(m)) + [sp.sympify(e) for e in m.observables.values()] + list(extra)
    found = {}
    for e in exprs:
        for x in sp.sympify(e).free_symbols:
            found[str(x)] = x
    for x in list(m.state) + list(m.parameters):
        found.setdefault(str(x), x)
    order = _state_names(m) + _param_names(m) + sorted(set(found) - set(roles))
    return {k: {"role": roles.get(k, "auxiliary"), "assumptions": _assumptions(found[k])} for k in order}


def to_json(m: ExportModel) -> str:
    """JSON: expressions as sympy strings with every symbol declared (``"symbols"``), parameter defaults,
    the initial state, conventions, schema and package version.

    Load safely: ``loc = {k: sympy.Symbol(k, **d["assumptions"]) for k, d in doc["symbols"].items()}`` then
    ``sympy.sympify(doc["equations"]["dr/dt"], locals=loc)`` (without ``locals`` sympy reads I as the imaginary
    unit and N as its evaluation function)."""
    if m.surrogate is not None:
        from .shot_noise_export import to_json as surrogate_json
        return surrogate_json(m)
    return json.dumps(json_document(m), indent=2, sort_keys=False) + "\n"


def json_document(m: ExportModel) -> dict:
    """The dict behind :func:`to_json`."""
    doc = {
        "schema_version": JSON_SCHEMA_VERSION,
        "package": {"name": "shotnoise", "version": package_version()},
        "model": m.name,
        "title": m.title,
        "loading": "sympify each expression with locals={name: Symbol(name, **symbols[name]['assumptions'])}",
        "symbols": json_symbols(m),
        "state": {s: dict(STATE_INFO.get(s, m.state_info.get(s, {})), initial=float(m.initial[s]))
                  for s in _state_names(m)},
        "parameters": {p: dict(PARAMETER_INFO.get(p, m.extra_parameters.get(p, {})),
                               default=float(m.defaults[p])) for p in _param_names(m)},
        "defaults": {p: float(m.defaults[p]) for p in _param_names(m)},
        "initial_state": {s: float(m.initial[s]) for s in _state_names(m)},
        "initial_state_note": m.initial_note,
        "equations": {"d%s/dt" % s: sp.sstr(f) for s, f in zip(_state_names(m), m.rhs)},
        "latex": {"d%s/dt" % s: _latex(f) for s, f in zip(_state_names(m), m.rhs)},
        "conventions": CONVENTIONS,
    }
    if m.observables:
        doc["observables"] = {k: dict(STATE_INFO.get(k, {}), expression=sp.sstr(sp.sympify(e)),
                                      latex=_latex(sp.sympify(e)))
                              for k, e in m.observables.items()}
    if m.noise:
        doc["noise"] = {"interpretation": "Ito; d state = drift dt + b dW with unit-intensity Wiener W",
                        "coefficients": {s: sp.sstr(b) for s, b in m.noise.items()}}
        if m.wiener:
            doc["noise"]["interpretation"] = ("Ito; d state = drift dt + B dW with independent unit-intensity "
                                              "Wiener processes W_j")
            doc["noise"]["wiener"] = list(m.wiener)
            doc["noise"]["coefficients"] = {s: {w: sp.sstr(b) for w, b in zip(m.wiener, row) if sp.sympify(b) != 0}
                                            for s, row in m.noise.items()}
        elif m.common_noise:
            doc["noise"]["wiener"] = "common: one Wiener process W shared by all coefficients"
    return doc


_EXPORTERS = {"latex": to_latex, "python": to_python, "c": to_c, "fortran": to_fortran,
              "julia": to_julia, "octave": to_octave, "xpp": to_xpp, "json": to_json}
#: every format: the languages above plus the tools' own model formats (PyRates YAML, a TVB model class with a
#: finite-size noise class, a jitcsde/jitcode script), which take the models their tool can express
ALL_FORMATS = FORMATS + TARGETS
_EXPORTERS.update(_TARGET_EXPORTERS)


def export(m: ExportModel, fmt: str, *, standalone: bool = False) -> str:
    """Export ``m`` in format ``fmt`` (one of :data:`ALL_FORMATS`).

    ``standalone`` (LaTeX only): a complete document for pdflatex instead of an amsmath fragment.
    A model with surrogate shot noise exports to :data:`shotnoise.theory.shot_noise_export.FORMATS` only
    (ParameterError otherwise).  A format that cannot express the model raises ParameterError naming the formats
    that accept it (:func:`accepting_formats`).
    """
    try:
        return _export(m, fmt, standalone=standalone)
    except ModelRefused as e:
        raise ParameterError("%s; formats that accept %r: %s" % (e, m.name, ", ".join(accepting_formats(m)))) from None


def _export(m: ExportModel, fmt: str, *, standalone: bool) -> str:
    if fmt not in _EXPORTERS:
        raise ParameterError("format must be one of %s, got %r" % (", ".join(ALL_FORMATS), fmt))
    if standalone and fmt != "latex":
        raise ParameterError("standalone applies to the latex format only, got format %r" % fmt)
    if m.surrogate is not None:
        from .shot_noise_export import export_surrogate
        return export_surrogate(m, fmt, standalone=standalone)
    if fmt == "latex":
        return to_latex(m, standalone=standalone)
    return _EXPORTERS[fmt](m)


def accepting_formats(m: ExportModel) -> tuple[str, ...]:
    """The formats of :data:`ALL_FORMATS` that export ``m``: each exporter is run and those that raise
    ParameterError are left out (so refusal messages never suggest a format that refuses too)."""
    out = []
    for fmt in ALL_FORMATS:
        try:
            _export(m, fmt, standalone=False)
        except ParameterError:
            continue
        out.append(fmt)
    return tuple(out)
