"""Export of the shot-noise mass model with surrogate oscillators (theory/THEORY.md eqs. (51), (58)).

The MPR model with the finite-size activity s = r + xi (eq. (51)):

    tau dr/dt = Delta/(pi tau) + 2 r v
    tau dv/dt = v^2 + eta_bar + I + J tau r - (pi tau r)^2 + J tau xi(t),

with xi the shot noise of N phase oscillators, one per quantile eta_j of the excitability density, whose
frequencies follow the current mean field (eq. (58)):

    f_j(t) = sqrt(max(eta_j + I + J tau r(t), 0)) / (pi tau).

Over a step [t, t + dt) every oscillator with positive drive advances its phase theta_j by f_j dt; each integer
it crosses is a spike; xi on that step is (spikes in the step)/(N dt) - (1/N) sum_j f_j(t).  The step then
moves (r, v) with xi held fixed: Euler, or Heun (predictor y + dt (f(y) + c xi), corrector
y + dt/2 (f(y) + f(y_pred)) + dt c xi, c = d(rhs)/d xi = (0, J)).  This is the scheme of
``numerics.stochastic_mass`` (noise='surrogate'), so given the same quantiles eta_j, initial phases and dt
the exported simulators reproduce the package's trajectory.

Formats: Python (a module with ``drift``, ``shot_noise``, ``step`` and ``simulate``), C99 (``<name>_drift``,
``<name>_shot_noise``, ``<name>_step``, and a ``main`` reading a run from stdin when compiled with
``-D<NAME>_MAIN``), LaTeX and JSON.  Every formula is printed from the theory's sympy expressions.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

import sympy as sp

from .errors import ParameterError
from .export import (ExportModel, _latex, _param_names, _state_names, c_code, c_defaults, c_preamble,
                     json_document,
                     json_symbols, package_version, to_latex)

#: formats the surrogate shot-noise model exports to
FORMATS = ("latex", "python", "c", "json")
#: the shot noise xi in the JSON equations (d y/dt = drift + c xi)
XI = sp.Symbol("xi", real=True)
SCHEMES = ("euler", "heun")


@dataclass(frozen=True)
class SurrogateNoise:
    """Shot noise of surrogate phase oscillators driven by the mean field.

    ``drive`` (a_j as a function of ``eta`` = eta_j, the state and the parameters) and ``frequency`` (f of the
    drive ``a``, used where a > 0; an oscillator with a <= 0 is silent and its phase frozen) are the theory's
    expressions; ``coupling`` maps each state to the coefficient c of xi in its d/dt (zero entries omitted).
    """

    eta: sp.Symbol
    a: sp.Symbol
    drive: sp.Expr
    frequency: sp.Expr
    coupling: dict


def surrogate_mpr_export_model() -> ExportModel:
    """The MPR drift (eq. (51) with xi = 0) plus the surrogate shot noise (eq. (58)); the number of oscillators
    N is the length of the excitability array given to the simulator (not a parameter)."""
    from .lorentzian_ansatz import eta, mpr_model
    from .models import MPR_DEFAULTS, START, START_WORDS, start_note
    from .shot_noise import a_drive, effective_drive, frequency_of_drive
    from .stochastic_mpr import drift, noise_coupling
    from .symbols import PARAMETERS, tau
    state = mpr_model().state
    coupling = {str(x): c for x, c in zip(state, noise_coupling()) if c != 0}
    noise = SurrogateNoise(eta=eta, a=a_drive, drive=effective_drive(eta), frequency=frequency_of_drive(),
                           coupling=coupling)
    return ExportModel(
        name="surrogate-mpr",
        title="Shot-noise MPR mass model: s = r + xi with the shot noise xi of N surrogate oscillators",
        state=state, rhs=drift(), parameters=PARAMETERS, defaults=MPR_DEFAULTS, initial=dict(START),
        initial_note=start_note(START_WORDS), time_scale={"r": tau, "v": tau}, surrogate=noise)


def export_surrogate(m: ExportModel, fmt: str, *, standalone: bool = False) -> str:
    """``m`` (with ``surrogate``) in ``fmt``; ParameterError for a format without a surrogate exporter."""
    if fmt not in FORMATS:
        raise ParameterError("format must be one of %s for the shot-noise model %s (its oscillators need a "
                             "simulator, not only a vector field), got %r" % (", ".join(FORMATS), m.name, fmt))
    if fmt == "latex":
        return to_latex(m, standalone=standalone)
    return {"python": to_python, "c": to_c, "json": to_json}[fmt](m)


def latex_definition(m: ExportModel) -> str:
    """The sentence defining the shot noise xi of the surrogate oscillators (after the LaTeX equations)."""
    sn = m.surrogate
    eta_j = sp.Symbol("eta_j", real=True)
    drive = _latex(sn.drive.xreplace({sn.eta: eta_j}))
    f = _latex(sn.frequency.xreplace({sn.a: sp.Symbol(r"\max\left(%s,\,0\right)" % drive)}))
    return ("where $\\xi(t)$ is the shot noise of $N$ surrogate oscillators, one per quantile $\\eta_j$ of the "
            "excitability density, with phases $\\theta_j$ advancing at the frequencies\n"
            "\\begin{equation*}\n f_j(t) = %s ,\n\\end{equation*}\n"
            "each integer crossed by $\\theta_j$ being a spike: over a time step $[t, t + \\Delta t)$, "
            "$\\xi = n_{\\mathrm{spikes}}/(N \\Delta t) - \\frac{1}{N}\\sum_j f_j(t)$ (zero mean; Euler or Heun step "
            "with $\\xi$ held fixed).\n" % f)


# ----------------------------------------------------------------------------- Python
def to_python(m: ExportModel) -> str:
    """A numpy module: ``drift``, ``shot_noise`` (advances the phases), ``step`` and ``simulate``."""
    from sympy.printing.numpy import NumPyPrinter
    pr = NumPyPrinter({"fully_qualified_modules": True})
    sn = m.surrogate
    states, params = _state_names(m), _param_names(m)
    coupling = [sn.coupling.get(x, 0) for x in states]
    unpack_y = ["    %s = y[%d]" % (x, i) for i, x in enumerate(states)]
    unpack_p = ["    %s = params[%r]" % (q, q) for q in params]
    out = [
        '"""%s, exported by shotnoise %s (generated; do not edit).' % (m.title, package_version()),
        "",
        "tau dv/dt gets J tau xi(t); xi is the shot noise of N surrogate oscillators with frequencies",
        "f_j = sqrt(max(eta_j + I + J tau r, 0))/(pi tau) (theory/THEORY.md eqs. (51), (58)).  Usage:",
        "    out = simulate(y0=[r0, v0], eta=eta, phases=phases, dt=1e-3, n_steps=1000, params=DEFAULTS)",
        "with eta the N excitabilities (e.g. the Lorentzian quantiles) and phases N initial phases in [0, 1).",
        '"""',
        "import numpy",
        "",
        "PARAMETERS = %r" % (params,),
        "STATE = %r" % (states,),
        "DEFAULTS = %r" % ({k: float(m.defaults[k]) for k in params},),
        "INITIAL = %r  # %s" % ({k: float(m.initial[k]) for k in states}, m.initial_note),
        "#: states whose d/dt contains xi (coefficients: xi_coupling)",
        "XI_COUPLING_NAMES = %r" % ([x for x in states if x in sn.coupling],),
        "SCHEMES = %r" % (SCHEMES,),
        "", "",
        "def drift(t, y, params):",
        '    """d y/dt without the shot noise (xi = 0); y = %s, params = dict with keys PARAMETERS."""' % states,
        *unpack_y, *unpack_p,
        "    return numpy.array([%s], dtype=float)" % ", ".join(pr.doprint(f) for f in m.rhs),
        "", "",
        "def xi_coupling(params):",
        '    """c = d(d y/dt)/d xi: how the shot noise enters (d y/dt = drift + c xi)."""',
        *unpack_p,
        "    return numpy.array([%s], dtype=float)" % ", ".join(pr.doprint(sp.sympify(c)) for c in coupling),
        "", "",
        "def frequencies(%s, y, params):" % sn.eta,
        '    """f_j = f(a_j), a_j = drive of oscillator j; 0 where a_j <= 0 (silent oscillator)."""',
        *unpack_y, *unpack_p,
        "    a = %s" % pr.doprint(sn.drive),
        "    f = numpy.zeros_like(a)",
        "    on = a > 0",
        "    f[on] = %s" % pr.doprint(sn.frequency.xreplace({sn.a: sp.Symbol("a[on]")})),
        "    return f",
        "", "",
        "def shot_noise(eta, phases, y, dt, params):",
        '    """xi over [t, t + dt): spikes/(N dt) - mean_j f_j.  Advances ``phases`` in place."""',
        "    f = frequencies(numpy.asarray(eta, dtype=float), y, params)",
        "    ph = phases + f * dt",
        "    n = numpy.floor(ph)",
        "    phases[:] = ph - n",
        "    N = phases.size",
        "    return n.sum() / (N * dt) - f.sum() / N",
        "", "",
        "def step(y, eta, phases, dt, params, scheme='heun'):",
        '    """One step: (y at t + dt, xi of the step); the phases advance in place.  xi from the state at t,',
        '    then Euler or Heun with xi held fixed (as shotnoise.numerics.stochastic_mass)."""',
        "    y = numpy.asarray(y, dtype=float)",
        "    xi = shot_noise(eta, phases, y, dt, params)",
        "    c = xi_coupling(params)",
        "    f = drift(0.0, y, params)",
        "    if scheme == 'euler':",
        "        return y + dt * (f + c * xi), xi",
        "    if scheme != 'heun':",
        "        raise ValueError('scheme must be one of %s, got %r' % (SCHEMES, scheme))",
        "    yp = y + dt * (f + c * xi)",
        "    g = drift(0.0, yp, params)",
        "    return y + 0.5 * dt * (f + g) + dt * c * xi, xi",
        "", "",
        "def simulate(*, y0, eta, phases, dt, n_steps, params=None, scheme='heun'):",
        '    """Run n_steps steps from y0.  eta: the N excitabilities; phases: N initial phases in [0, 1) (copied).',
        "",
        "    Returns a dict: t (n_steps + 1), the states %s (n_steps + 1 each: value at the start of each" % states,
        "    step and the end), xi (n_steps: the shot noise of each step), s = r + xi (n_steps), the final phases.",
        '    """',
        "    params = dict(DEFAULTS if params is None else params)",
        "    eta = numpy.asarray(eta, dtype=float)",
        "    phases = numpy.array(phases, dtype=float)",
        "    if eta.ndim != 1 or phases.shape != eta.shape or eta.size == 0:",
        "        raise ValueError('eta and phases must be 1-d arrays of the same length N >= 1')",
        "    if not (dt > 0) or int(n_steps) != n_steps or n_steps < 1:",
        "        raise ValueError('dt must be > 0 and n_steps an integer >= 1')",
        "    n_steps = int(n_steps)",
        "    y = numpy.empty((n_steps + 1, %d))" % len(states),
        "    xi = numpy.empty(n_steps)",
        "    y[0] = y0",
        "    for k in range(n_steps):",
        "        y[k + 1], xi[k] = step(y[k], eta, phases, dt, params, scheme)",
        "    out = {'t': dt * numpy.arange(n_steps + 1), 'xi': xi, 'phases': phases}",
        "    for i, name in enumerate(STATE):",
        "        out[name] = y[:, i]",
        "    out['s'] = out['r'][:-1] + xi",
        "    return out",
    ]
    return "\n".join(out) + "\n"


# ----------------------------------------------------------------------------- C
def to_c(m: ExportModel) -> str:
    """C99 functions and an optional ``main`` (``-D<NAME>_MAIN``) reading a run from stdin."""
    sn = m.surrogate
    nm = m.name.replace("-", "_")
    states, params = _state_names(m), _param_names(m)
    n, k = len(states), len(params)
    coupling = [sn.coupling.get(x, 0) for x in states]
    macro = nm.upper() + "_MAIN"

    def unpack(with_state: bool = True) -> list[str]:
        lines = ["    const double %s = y[%d];" % (x, i) for i, x in enumerate(states)] if with_state else []
        lines += ["    const double %s = p[%d];" % (q, i) for i, q in enumerate(params)]
        names = (states if with_state else []) + params
        return lines + ["    %s" % " ".join("(void)%s;" % x for x in names)]

    out = c_preamble(m) + c_defaults(m) + [
        "/* tau dv/dt gets J tau xi(t); xi is the shot noise of n_osc surrogate oscillators with frequencies",
        "   f_j = sqrt(max(eta_j + I + J tau r, 0))/(pi tau) (theory/THEORY.md eqs. (51), (58)).",
        "   y[] = {%s}; p[] = {%s}; %s_step advances one step dt (scheme 0 Euler, 1 Heun)." % (
            ", ".join(states), ", ".join(params), nm),
        "   Compile with -D%s for a main that reads from stdin:" % macro,
        "     n_osc n_steps dt scheme, then y0[%d], p[%d], etas[n_osc] (excitabilities), phases[n_osc]" % (n, k),
        "   and prints one line per step: t, the state at the start of the step, xi of the step; then a last line",
        "   t_end, the final state, nan (no step starts there, so it has no xi: the nan keeps the columns). */",
        "#define %s_N_STATE %d" % (nm.upper(), n),
        "#define %s_N_PARAM %d" % (nm.upper(), k),
        "",
        "/* d y/dt without the shot noise (xi = 0) */",
        "void %s_drift(const double *y, const double *p, double *dydt)" % nm, "{"]
    out += unpack()
    out += ["    dydt[%d] = %s;" % (i, c_code(f)) for i, f in enumerate(m.rhs)]
    out += ["}", "",
            "/* c = d(d y/dt)/d xi: d y/dt = drift + c xi */",
            "void %s_xi_coupling(const double *p, double *c)" % nm, "{"]
    out += unpack(with_state=False)
    out += ["    c[%d] = %s;" % (i, c_code(cf)) for i, cf in enumerate(coupling)]
    out += ["}", "",
            "/* xi over [t, t + dt): spikes/(n_osc dt) - mean_j f_j; advances phases[] in place */",
            "double %s_shot_noise(const double *y, const double *p, int n_osc, const double *etas, double *phases, "
            "double dt)" % nm, "{"]
    out += unpack()
    out += ["    double spikes = 0.0, fsum = 0.0;",
            "    int j;",
            "    for (j = 0; j < n_osc; j++) {",
            "        const double %s = etas[j];" % sn.eta,
            "        const double a = %s;" % c_code(sn.drive),
            "        if (a > 0.0) {",
            "            const double f = %s;" % c_code(sn.frequency),
            "            const double ph = phases[j] + f * dt;",
            "            const double nsp = floor(ph);",
            "            fsum += f;",
            "            spikes += nsp;",
            "            phases[j] = ph - nsp;",
            "        }",
            "    }",
            "    return spikes / (n_osc * dt) - fsum / n_osc;",
            "}", "",
            "/* one step: y[] becomes the state at t + dt; returns xi of the step (scheme 0 Euler, 1 Heun) */",
            "double %s_step(double *y, const double *p, int n_osc, const double *etas, double *phases, double dt, "
            "int scheme)" % nm, "{",
            "    double f[%d], g[%d], c[%d], yp[%d];" % (n, n, n, n),
            "    int i;",
            "    const double xi = %s_shot_noise(y, p, n_osc, etas, phases, dt);" % nm,
            "    %s_xi_coupling(p, c);" % nm,
            "    %s_drift(y, p, f);" % nm,
            "    if (scheme == 0) {",
            "        for (i = 0; i < %d; i++) y[i] = y[i] + dt * (f[i] + c[i] * xi);" % n,
            "        return xi;",
            "    }",
            "    for (i = 0; i < %d; i++) yp[i] = y[i] + dt * (f[i] + c[i] * xi);" % n,
            "    %s_drift(yp, p, g);" % nm,
            "    for (i = 0; i < %d; i++) y[i] = y[i] + 0.5 * dt * (f[i] + g[i]) + dt * c[i] * xi;" % n,
            "    return xi;",
            "}", "",
            "#ifdef %s" % macro,
            "#include <stdio.h>",
            "#include <stdlib.h>",
            "static int read_doubles(double *x, long n)",
            "{",
            "    long i;",
            "    for (i = 0; i < n; i++) if (scanf(\"%lf\", &x[i]) != 1) return 0;",
            "    return 1;",
            "}",
            "",
            "int main(void)",
            "{",
            "    int n_osc, scheme, i;",
            "    long n_steps, k;",
            "    double dt, y[%d], p[%d], *etas, *phases;" % (n, k),
            "    if (scanf(\"%d %ld %lf %d\", &n_osc, &n_steps, &dt, &scheme) != 4 || n_osc < 1 || n_steps < 1 "
            "|| !(dt > 0.0) || scheme < 0 || scheme > 1) {",
            "        fprintf(stderr, \"expected: n_osc >= 1, n_steps >= 1, dt > 0, scheme 0|1\\n\");",
            "        return 2;",
            "    }",
            "    etas = malloc(n_osc * sizeof *etas);",
            "    phases = malloc(n_osc * sizeof *phases);",
            "    if (!etas || !phases || !read_doubles(y, %d) || !read_doubles(p, %d) || !read_doubles(etas, n_osc) "
            "|| !read_doubles(phases, n_osc)) {" % (n, k),
            "        fprintf(stderr, \"expected y0[%d], p[%d], etas[n_osc], phases[n_osc]\\n\");" % (n, k),
            "        return 2;",
            "    }",
            "    for (k = 0; k < n_steps; k++) {",
            "        double t = k * dt, y_start[%d], xi;" % n,
            "        for (i = 0; i < %d; i++) y_start[i] = y[i];" % n,
            "        xi = %s_step(y, p, n_osc, etas, phases, dt, scheme);" % nm,
            "        printf(\"%.17g\", t);",
            "        for (i = 0; i < %d; i++) printf(\" %%.17g\", y_start[i]);" % n,
            "        printf(\" %.17g\\n\", xi);",
            "    }",
            "    printf(\"%.17g\", n_steps * dt);",
            "    for (i = 0; i < %d; i++) printf(\" %%.17g\", y[i]);" % n,
            "    printf(\" nan\\n\");",
            "    free(etas);",
            "    free(phases);",
            "    return 0;",
            "}",
            "#endif"]
    return "\n".join(out) + "\n"


# ----------------------------------------------------------------------------- JSON
def to_json(m: ExportModel) -> str:
    """The JSON document: ``"equations"`` d y/dt = drift + c xi with the shot noise ``xi`` declared in
    ``"symbols"`` (as are the oscillators' ``eta`` and ``a``), ``"drift"`` (xi = 0), and a ``"shot_noise"`` block:
    the oscillators' drive a(eta) and frequency f(a), the coupling c of xi and the step rule."""
    sn = m.surrogate
    doc = json_document(m)
    xi = XI
    coupling = {x: sp.sympify(sn.coupling.get(x, 0)) for x in _state_names(m)}
    doc["symbols"] = json_symbols(m, extra=(sn.drive, sn.frequency, xi) + tuple(sn.coupling.values()))
    doc["symbols"][str(sn.eta)]["role"] = "excitability of one oscillator (eta_j; shot_noise.drive)"
    doc["symbols"][str(sn.a)]["role"] = "drive of one oscillator (a_j = shot_noise.drive; shot_noise.frequency)"
    doc["symbols"][str(xi)]["role"] = "shot noise of the surrogate oscillators (zero mean; shot_noise.step)"
    # the equations carry xi (d y/dt = drift + c xi); "drift" is the same with xi = 0
    doc["equations"] = {"d%s/dt" % x: sp.sstr(f + coupling[x] * xi) for x, f in zip(_state_names(m), m.rhs)}
    doc["latex"] = {"d%s/dt" % x: _latex(f + coupling[x] * xi) for x, f in zip(_state_names(m), m.rhs)}
    doc["drift"] = {"d%s/dt" % x: sp.sstr(f) for x, f in zip(_state_names(m), m.rhs)}
    doc["shot_noise"] = {
        "kind": "surrogate oscillators (theory/THEORY.md eqs. (51), (58))",
        "oscillators": "N phase oscillators, one per excitability eta_j (e.g. the density's quantiles), "
                       "initial phases in [0, 1)",
        "drive": sp.sstr(sn.drive),
        "drive_symbol": str(sn.a),
        "frequency": sp.sstr(sn.frequency),
        "frequency_applies": "f_j = frequency with %s = drive at eta = eta_j, where %s > 0; an oscillator with "
                             "%s <= 0 is silent (phase frozen)" % (sn.a, sn.a, sn.a),
        "xi_coupling": {x: sp.sstr(c) for x, c in sn.coupling.items()},
        "step": "over [t, t + dt): theta_j += f_j dt, spikes = integers crossed; xi = spikes/(N dt) - mean_j f_j; "
                "then Euler y + dt (f(y) + c xi) or Heun y + dt/2 (f(y) + f(y_pred)) + dt c xi, xi held fixed",
    }
    return json.dumps(doc, indent=2, sort_keys=False) + "\n"
