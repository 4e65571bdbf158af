"""Export derived equations to other languages from the same sympy objects.

Formats: LaTeX, Python/numpy, C (C99), Fortran (F95), Julia, Octave/MATLAB,
XPPAUT ``.ode`` (usable for AUTO continuation) and JSON (expressions as
strings plus parameter metadata and conventions).  Every exporter takes a
:class:`ExportModel` so later derived systems (e.g. the stochastic MPR model)
are exported by the same code.
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
    d state = drift dt + b dW (Ito; white noise of unit intensity).
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


def _state_names(m: ExportModel) -> list[str]:
    return [str(s) for s in m.state]


def _param_names(m: ExportModel) -> list[str]:
    return [str(p) for p in m.parameters]


_LATEX_NAMES = {"eta_bar": r"\bar{\eta}"}


def _latex(expr: sp.Expr) -> str:
    names = {s: _LATEX_NAMES[str(s)] for s in expr.free_symbols if str(s) in _LATEX_NAMES}
    return sp.latex(expr, symbol_names=names)


def to_latex(m: ExportModel) -> str:
    """LaTeX ``align`` environment: d x/dt = f(x) (and the noise terms, if any)."""
    lines = []
    for s, f in zip(m.state, m.rhs):
        rhs = _latex(f)
        name = str(s)
        if name in m.noise:
            rhs = r"\left(%s\right) + %s\,\xi_{%s}(t)" % (rhs, _latex(m.noise[name]), name)
        lines.append(r"\frac{d %s}{d t} &= %s" % (sp.latex(s), rhs))
    return "\\begin{align}\n" + " \\\\\n".join(lines) + "\n\\end{align}\n"


def to_python(m: ExportModel) -> str:
    """A self-contained numpy module with ``rhs(t, y, params)`` (solve_ivp-compatible)."""
    pr = NumPyPrinter({"fully_qualified_modules": True})
    out = [
        '"""%s, exported by shotnoise (generated; do not edit)."""' % m.title,
        "import numpy",
        "",
        "PARAMETERS = %r" % (_param_names(m),),
        "STATE = %r" % (_state_names(m),),
        "DEFAULTS = %r" % ({k: float(v) for k, v in m.defaults.items()},),
        "",
        "",
        "def rhs(t, y, params):",
        '    """d y / d t; y = %s, params = dict with keys PARAMETERS."""' % _state_names(m),
    ]
    for i, s in enumerate(_state_names(m)):
        out.append("    %s = y[%d]" % (s, i))
    for p in _param_names(m):
        out.append("    %s = params[%r]" % (p, p))
    out.append("    return numpy.array([%s])" % ", ".join(pr.doprint(f) for f in m.rhs))
    if m.noise:
        out += ["", "", "def noise(t, y, params):",
                '    """Coefficients b of dW in d y = rhs dt + b dW (Ito)."""']
        for i, s in enumerate(_state_names(m)):
            out.append("    %s = y[%d]" % (s, i))
        for p in _param_names(m):
            out.append("    %s = params[%r]" % (p, p))
        out.append("    return numpy.array([%s])" % ", ".join(
            pr.doprint(m.noise.get(s, sp.Integer(0))) for s in _state_names(m)))
    return "\n".join(out) + "\n"


def to_c(m: ExportModel) -> str:
    """C99 function ``void <name>_rhs(double t, const double *y, const double *p, double *dydt)``."""
    pr = C99CodePrinter()
    out = ["/* %s, exported by shotnoise (generated). */" % m.title, "#include <math.h>", "",
           "/* p[] = {%s} */" % ", ".join(_param_names(m)),
           "void %s_rhs(double t, const double *y, const double *p, double *dydt)" % _cname(m.name), "{"]
    out += _c_unpack(m)
    for i, f in enumerate(m.rhs):
        out.append("    dydt[%d] = %s;" % (i, pr.doprint(f)))
    out.append("}")
    if m.noise:
        out += ["", "void %s_noise(double t, const double *y, const double *p, double *b)" % _cname(m.name), "{"]
        out += _c_unpack(m)
        for i, s in enumerate(_state_names(m)):
            out.append("    b[%d] = %s;" % (i, pr.doprint(m.noise.get(s, sp.Integer(0)))))
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
    """("rhs", drift) and, for stochastic models, ("noise", Ito coefficients of dW)."""
    out = [("rhs", tuple(m.rhs))]
    if m.noise:
        out.append(("noise", tuple(m.noise.get(s, sp.Integer(0)) for s in _state_names(m))))
    return out


def to_fortran(m: ExportModel) -> str:
    """Fortran 95 subroutines ``<name>_rhs(t, y, p, dydt)`` (and ``<name>_noise``)."""
    pr = FCodePrinter({"source_format": "free", "standard": 95})
    nm = _cname(m.name)
    n, k = len(m.state), len(m.parameters)
    out = ["! %s, exported by shotnoise (generated)." % m.title]
    for kind, vec in _vectors(m):
        out += ["subroutine %s_%s(t, y, p, dydt)" % (nm, kind), "  implicit none",
                "  real(8), intent(in) :: t", "  real(8), intent(in) :: y(%d), p(%d)" % (n, k),
                "  real(8), intent(out) :: dydt(%d)" % n,
                "  real(8) :: %s" % ", ".join(_state_names(m) + _param_names(m)),
                "  real(8), parameter :: pi = 3.14159265358979323846d0"]
        out += ["  %s = y(%d)" % (s, i + 1) for i, s in enumerate(_state_names(m))]
        out += ["  %s = p(%d)" % (q, i + 1) for i, q in enumerate(_param_names(m))]
        for i, f in enumerate(vec):
            out.append("  dydt(%d) = %s" % (i + 1, pr.doprint(sp.sympify(f).xreplace({sp.pi: _PI}))))
        out.append("end subroutine %s_%s" % (nm, kind))
    return "\n".join(out) + "\n"


def to_julia(m: ExportModel) -> str:
    """Julia in-place ``<name>_rhs!(du, u, p, t)`` (and ``<name>_noise!`` for SDEProblem)."""
    nm = _cname(m.name)
    out = ["# %s, exported by shotnoise (generated)." % m.title]
    for kind, vec in _vectors(m):
        out.append("function %s_%s!(du, u, p, t)" % (nm, kind))
        out += ["    %s = u[%d]" % (s, i + 1) for i, s in enumerate(_state_names(m))]
        out += ["    %s = p[%d]" % (q, i + 1) for i, q in enumerate(_param_names(m))]
        for i, f in enumerate(vec):
            out.append("    du[%d] = %s" % (i + 1, julia_code(sp.sympify(f))))
        out += ["    return nothing", "end"]
    return "\n".join(out) + "\n"


def to_octave(m: ExportModel) -> str:
    """Octave/MATLAB ``dydt = <name>_rhs(t, y, p)`` (ode45 compatible); noise coefficients as
    a nested ``<name>_noise`` function (Octave script-file style)."""
    nm = _cname(m.name)
    out = []
    for kind, vec in _vectors(m):
        out += ["function dydt = %s_%s(t, y, p)" % (nm, kind),
                "  %% %s, exported by shotnoise (generated)." % m.title]
        out += ["  %s = y(%d);" % (s, i + 1) for i, s in enumerate(_state_names(m))]
        out += ["  %s = p(%d);" % (q, i + 1) for i, q in enumerate(_param_names(m))]
        out.append("  dydt = zeros(%d, 1);" % len(m.state))
        for i, f in enumerate(vec):
            out.append("  dydt(%d) = %s;" % (i + 1, octave_code(sp.sympify(f))))
        out.append("end")
    return "\n".join(out) + "\n"


_XPP_RENAME = {"eta_bar": "etabar", "Delta": "delta"}


def to_xpp(m: ExportModel) -> str:
    """XPPAUT ``.ode`` file (parameters, initial data, numerics block) for AUTO.

    XPP names are case-insensitive and short; ``eta_bar`` becomes ``etabar``.
    """
    ren = {p: sp.Symbol(_XPP_RENAME[str(p)]) for p in m.parameters if str(p) in _XPP_RENAME}
    out = ["# %s, exported by shotnoise (generated)." % m.title]
    pars = ", ".join("%s=%s" % (_XPP_RENAME.get(str(p), str(p)), _num(m.defaults[str(p)])) for p in m.parameters)
    out.append("par %s" % pars)
    out.append("init %s" % ", ".join("%s=%s" % (s, _num(m.initial[s])) for s in _state_names(m)))
    if m.noise:
        out.append("# white noise: XPP's wiener variables are scaled by 1/sqrt(dt) (Ito, Euler)")
        out.append("wiener %s" % ", ".join("w%s" % s for s in m.noise))
    for s, f in zip(_state_names(m), m.rhs):
        expr = sp.sstr(f.xreplace(ren)).replace("**", "^")
        if s in m.noise:
            expr += " + (%s)*w%s" % (sp.sstr(m.noise[s].xreplace(ren)).replace("**", "^"), s)
        out.append("%s' = %s" % (s, expr))
    meth = "euler" if m.noise else "rk4"  # XPP integrates wiener terms correctly only with Euler
    out.append("@ total=200, dt=0.005, meth=%s, bounds=1e6, xp=t, yp=r, xlo=0, xhi=200, ylo=0, yhi=3" % meth)
    out.append("@ ntst=50, nmax=2000, npr=500, dsmax=0.05, ds=0.01, parmin=-20, parmax=20")
    out.append("done")
    return "\n".join(out) + "\n"


def _num(x) -> str:
    return repr(float(x))


def to_json(m: ExportModel) -> str:
    """JSON: expressions as sympy strings plus parameter metadata and conventions."""
    doc = {
        "model": m.name,
        "title": m.title,
        "state": {s: dict(STATE_INFO.get(s, {})) for s in _state_names(m)},
        "parameters": {p: dict(PARAMETER_INFO.get(p, m.extra_parameters.get(p, {})),
                               default=float(m.defaults[p])) for p in _param_names(m)},
        "equations": {"d%s/dt" % s: sp.sstr(f) for s, f in zip(_state_names(m), m.rhs)},
        "latex": {"d%s/dt" % s: _latex(f) for s, f in zip(_state_names(m), m.rhs)},
        "conventions": CONVENTIONS,
    }
    if m.noise:
        doc["noise"] = {"interpretation": "Ito; d state = drift dt + b dW with unit-intensity Wiener W",
                        "coefficients": {s: sp.sstr(b) for s, b in m.noise.items()}}
    return json.dumps(doc, indent=2, sort_keys=False) + "\n"


_EXPORTERS = {"latex": to_latex, "python": to_python, "c": to_c, "fortran": to_fortran,
              "julia": to_julia, "octave": to_octave, "xpp": to_xpp, "json": to_json}


def export(m: ExportModel, fmt: str) -> str:
    """Export ``m`` in format ``fmt`` (one of :data:`FORMATS`)."""
    if fmt not in _EXPORTERS:
        raise ValueError("format must be one of %s, got %r" % (", ".join(FORMATS), fmt))
    return _EXPORTERS[fmt](m)
