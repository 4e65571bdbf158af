"""Export derived equations to other languages from the same sympy objects.

Formats: LaTeX, Python/numpy, C (C99), Fortran (F95), Julia, Octave/MATLAB,
XPPAUT ``.ode`` (usable for AUTO continuation) and JSON (expressions as
strings plus parameter metadata and conventions).  Every exporter takes a
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
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field

import sympy as sp
from sympy.printing.c import C99CodePrinter
from sympy.printing.fortran import FCodePrinter
from sympy.printing.julia import julia_code
from sympy.printing.octave import octave_code
from sympy.printing.numpy import NumPyPrinter

from .symbols import PARAMETER_INFO, STATE_INFO

FORMATS = ("latex", "python", "c", "fortran", "julia", "octave", "xpp", "json")

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


def to_latex(m: ExportModel) -> str:
    """LaTeX ``align`` environment: d x/dt = f(x) (and the noise terms, if any), then the observables."""
    lines = []
    for s, f in zip(m.state, m.rhs):
        rhs = _latex(f)
        name = str(s)
        if name in m.noise and m.wiener:
            terms = [r"%s\,\xi_{%s}(t)" % (_latex(sp.sympify(b)), w) for b, w in zip(m.noise[name], m.wiener)
                     if sp.sympify(b) != 0]
            if terms:
                rhs = r"\left(%s\right) + %s" % (rhs, " + ".join(terms))
        elif name in m.noise:
            white = r"\xi(t)" if m.common_noise else r"\xi_{%s}(t)" % name
            rhs = r"\left(%s\right) + %s\,%s" % (rhs, _latex(m.noise[name]), white)
        lines.append(r"\frac{d %s}{d t} &= %s" % (sp.latex(s), rhs))
    for name, e in m.observables.items():
        lines.append(r"%s &= %s" % (sp.latex(sp.Symbol(name)), _latex(sp.sympify(e))))
    out = "\\begin{align}\n" + " \\\\\n".join(lines) + "\n\\end{align}\n"
    if m.noise and m.wiener:
        out += "%% independent white noises xi_j(t) (unit intensity), j = %s\n" % ", ".join(m.wiener)
    elif m.noise and m.common_noise:
        out += "% one white noise xi(t) (unit intensity) drives every noisy equation\n"
    return out


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
    (and ``<name>_noise``, ``<name>_observables``)."""
    pr = C99CodePrinter()
    out = ["/* %s, exported by shotnoise (generated). */" % m.title, "#include <math.h>", "",
           "/* p[] = {%s} */" % ", ".join(_param_names(m)),
           "void %s_rhs(double t, const double *y, const double *p, double *dydt)" % _cname(m.name), "{"]
    out += _c_unpack(m)
    for i, f in enumerate(m.rhs):
        out.append("    dydt[%d] = %s;" % (i, pr.doprint(f)))
    out.append("}")
    if m.noise:
        out += ["", "/* %s */" % _noise_comment(m),
                "void %s_noise(double t, const double *y, const double *p, double *b)" % _cname(m.name), "{"]
        out += _c_unpack(m)
        for i, b in enumerate(_noise_vector(m)):
            out.append("    b[%d] = %s;" % (i, pr.doprint(b)))
        out.append("}")
    if m.observables:
        out += ["", "/* out[] = {%s} */" % ", ".join(m.observables),
                "void %s_observables(double t, const double *y, const double *p, double *out)" % _cname(m.name),
                "{"]
        out += _c_unpack(m)
        for i, e in enumerate(m.observables.values()):
            out.append("    out[%d] = %s;" % (i, pr.doprint(sp.sympify(e))))
        out.append("}")
    return "\n".join(out) + "\n"


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
    import textwrap
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


def to_fortran(m: ExportModel) -> str:
    """Fortran 95 subroutines ``<name>_rhs(t, y, p, dydt)`` (and ``<name>_noise``, ``<name>_observables``)."""
    pr = FCodePrinter({"source_format": "free", "standard": 95})
    nm = _cname(m.name)
    n, k = len(m.state), len(m.parameters)
    out = _fortran_comment("%s, exported by shotnoise (generated)." % m.title, "")
    for kind, vec in _vectors(m):
        res = "out" if kind == "observables" else "dydt"
        matrix = kind == "noise" and bool(m.wiener)
        out.append("subroutine %s_%s(t, y, p, %s)" % (nm, kind, res))
        out += _fortran_comment(_vector_comment(m, kind), "  ")
        out += ["  implicit none",
                "  real(8), intent(in) :: t", "  real(8), intent(in) :: y(%d), p(%d)" % (n, k),
                "  real(8), intent(out) :: %s(%s)" % (res, "%d, %d" % (n, len(m.wiener)) if matrix else len(vec)),
                *_fortran_declarations(_state_names(m) + _param_names(m)),
                "  real(8), parameter :: pi = 3.14159265358979323846d0"]
        out += ["  %s = y(%d)" % (s, i + 1) for i, s in enumerate(_state_names(m))]
        out += ["  %s = p(%d)" % (q, i + 1) for i, q in enumerate(_param_names(m))]
        for i, f in enumerate(vec):
            index = "%d, %d" % (i // len(m.wiener) + 1, i % len(m.wiener) + 1) if matrix else "%d" % (i + 1)
            code = pr.doprint(sp.sympify(f).xreplace({sp.pi: _PI}), assign_to=sp.Symbol("%s(%s)" % (res, index)))
            out += ["  " + line for line in code.splitlines()]  # long lines are continued with &
        out.append("end subroutine %s_%s" % (nm, kind))
    return "\n".join(out) + "\n"


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
    as further ``<name>_noise`` / ``<name>_observables`` functions (Octave script-file style)."""
    nm = _cname(m.name)
    out = []
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
    return "\n".join(out) + "\n"


_XPP_RENAME = {"eta_bar": "etabar", "Delta": "delta"}
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

    out = ["# %s, exported by shotnoise (generated)." % m.title]
    pars = ", ".join("%s=%s" % (_xpp_name(str(p)), _num(m.defaults[str(p)])) for p in m.parameters)
    out.append("par %s" % pars)
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
    out.append("@ total=200, dt=0.005, meth=%s, bounds=1e6, xp=t, yp=%s, xlo=0, xhi=200, ylo=0, yhi=3" % (meth, yp))
    out.append("@ ntst=50, nmax=2000, npr=500, dsmax=0.05, ds=0.01, parmin=-20, parmax=20")
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


def to_json(m: ExportModel) -> str:
    """JSON: expressions as sympy strings plus parameter metadata and conventions."""
    doc = {
        "model": m.name,
        "title": m.title,
        "state": {s: dict(STATE_INFO.get(s, m.state_info.get(s, {})), initial=float(m.initial[s]))
                  for s in _state_names(m)},
        "parameters": {p: dict(PARAMETER_INFO.get(p, m.extra_parameters.get(p, {})),
                               default=float(m.defaults[p])) for p in _param_names(m)},
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
    return json.dumps(doc, indent=2, sort_keys=False) + "\n"


_EXPORTERS = {"latex": to_latex, "python": to_python, "c": to_c, "fortran": to_fortran,
              "julia": to_julia, "octave": to_octave, "xpp": to_xpp, "json": to_json}


def export(m: ExportModel, fmt: str) -> str:
    """Export ``m`` in format ``fmt`` (one of :data:`FORMATS`)."""
    if fmt not in _EXPORTERS:
        raise ValueError("format must be one of %s, got %r" % (", ".join(FORMATS), fmt))
    return _EXPORTERS[fmt](m)
