"""Every export runs in its own tool and reproduces the package's own integration (issue 13).

References are the package's integrators: ``Model.integrate`` (classical RK4, numba kernel) for the deterministic
MPR model, ``Model.simulate_stochastic_mass`` for the stochastic ones (white noise with scheme='euler':
Euler-Maruyama with numba's generator, whose increments are numpy's legacy RandomState stream of the same seed, so
an export fed the same increments must follow the same path; surrogate noise: the same quantiles and initial
phases).  The same scheme with the same step evaluates the same formulas in a different order at most, so the
paths agree to rounding: over a few thousand steps near a stable state the errors stay ~1e-14, and 1e-10 is
the tolerance (a transcription error shows up at O(dt) = 1e-3 or more).  XPPAUT stores its trajectory in
single precision, so its comparison is at float32 resolution (rtol 2^-22, two roundings of 2^-24 each plus the
8 printed digits).
"""
from __future__ import annotations

import functools
import re
import subprocess

import numpy as np
import pytest

from shotnoise.numerics.export_state import at_steady_state
from shotnoise.numerics.model import Model
from shotnoise.theory.export import export
from shotnoise.theory.models import MODELS, circuit_export_model, get_model
from tests.tools import require_tool

P = {"eta_bar": -5.0, "Delta": 1.0, "J": 15.0, "I": 0.0, "tau": 1.0}
PV = [P[k] for k in ("eta_bar", "Delta", "J", "I", "tau")]
#: start away from the fixed point so that the trajectory moves (relaxes to the low state of the bistable model)
R0, V0 = 0.3, -1.0
DT, STEPS = 1e-3, 2000
N_WHITE = 500.0
TOL = 1e-10
#: a circuit with every kind of block (exponential synapse, delta synapse, two-pole population)
CIRCUIT = {"populations": {"E": {"N": 800, "eta_bar": 1.0, "Delta": 0.1, "tau_s": 0.2},
                           "I": {"N": 200, "eta_bar": 0.5, "Delta": 0.2, "tau": 0.5, "heterogeneity": "multipole",
                                 "poles": 2}},
           "coupling": {"E": {"I": -4.0}, "I": {"E": 3.0, "I": -2.0}}, "input": {"I": 0.3}}


@functools.lru_cache(maxsize=None)
def _all_models():
    """Every registered model and a deterministic and a stochastic circuit (name, ExportModel)."""
    out = [(name, get_model(name)) for name in MODELS]
    out += [("circuit", circuit_export_model(CIRCUIT)), ("stochastic-circuit",
                                                         circuit_export_model(CIRCUIT, stochastic=True))]
    return out


@pytest.fixture(scope="module")
def rk4_reference():
    """The package's RK4 trajectory of the MPR model: (STEPS + 1, 2)."""
    tr = Model(**P).integrate(r0=R0, v0=V0, T=STEPS * DT, dt=DT)
    return np.column_stack([tr.r, tr.v])


@pytest.fixture(scope="module")
def white_reference():
    """The package's Euler-Maruyama run with white shot noise and its Wiener increments: (r, v) at the start of
    every step (STEPS, 2) and dW (STEPS,)."""
    seed = 11
    run = Model(**P, N=N_WHITE).simulate_stochastic_mass(T=STEPS * DT, dt=DT, noise="white", scheme="euler",
                                                        seed=seed, branch="low", r0=R0, v0=V0)
    # stochastic_mass seeds numba's generator with default_rng(seed).integers(2**31); numba's stream is numpy's
    # legacy RandomState stream of that seed
    numba_seed = int(np.random.default_rng(seed).integers(2**31))
    dW = np.sqrt(DT) * np.random.RandomState(numba_seed).standard_normal(STEPS)
    return np.column_stack([run.r, run.v]), dW


def _python_rk4(rhs, y0, params):
    y = np.empty((STEPS + 1, len(y0)))
    y[0] = y0
    for k in range(STEPS):
        a = rhs(0.0, y[k], params)
        b = rhs(0.0, y[k] + 0.5 * DT * a, params)
        c = rhs(0.0, y[k] + 0.5 * DT * b, params)
        d = rhs(0.0, y[k] + DT * c, params)
        y[k + 1] = y[k] + DT / 6.0 * (a + 2 * b + 2 * c + d)
    return y


def _load_python(name):
    ns = {}
    exec(compile(export(get_model(name), "python"), "<%s>" % name, "exec"), ns)
    return ns


def _numbers(text: str) -> np.ndarray:
    return np.array([[float(x) for x in line.split()] for line in text.strip().splitlines()])


# ----------------------------------------------------------------------------- Python
def test_python_exports_reproduce_the_package(rk4_reference, white_reference):
    mpr = _load_python("mpr")
    assert np.allclose(_python_rk4(mpr["rhs"], [R0, V0], P), rk4_reference, rtol=TOL, atol=TOL)
    sto = _load_python("stochastic-mpr")
    ref, dW = white_reference
    params = dict(P, N=N_WHITE)
    y = np.array([R0, V0])
    path = [y]
    for k in range(STEPS - 1):
        y = y + DT * sto["rhs"](0.0, y, params) + sto["noise"](0.0, y, params) * np.array([0.0, dW[k]])
        path.append(y)
    assert np.allclose(np.array(path), ref, rtol=TOL, atol=TOL)
    assert np.ptp(ref[:, 1]) > 0.5  # the path moves (the comparison is not of two constants)


@pytest.mark.parametrize("scheme", ["heun", "euler"])
def test_python_surrogate_export_reproduces_the_package(scheme):
    """The shot-noise mass model (surrogate oscillators) exported to Python follows the package's run step by
    step given the same quantiles and initial phases (stochastic_mass draws them with default_rng(seed).random)."""
    seed, n = 7, 3000
    model = Model(**P, N=200)
    run = model.simulate_stochastic_mass(T=n * DT, dt=DT, noise="surrogate", scheme=scheme, seed=seed,
                                         branch="low", r0=R0, v0=V0)
    eta = model.excitabilities(draw="quantile")
    phases = np.random.default_rng(seed).random(eta.size)
    ns = _load_python("surrogate-mpr")
    out = ns["simulate"](y0=[R0, V0], eta=eta, phases=phases, dt=DT, n_steps=n, params=P, scheme=scheme)
    assert np.allclose(out["r"][:-1], run.r, rtol=TOL, atol=TOL)
    assert np.allclose(out["v"][:-1], run.v, rtol=TOL, atol=TOL)
    assert np.allclose(out["s"], run.s, rtol=TOL, atol=TOL)
    assert np.std(out["xi"]) > 0.1  # shot noise of 200 oscillators, not zero


# ----------------------------------------------------------------------------- C
C_FLAGS = ("-std=c99", "-pedantic", "-Wall", "-Werror")


def _cc(tmp_path, name: str, source: str, *defines: str):
    cc = require_tool("cc")
    src = tmp_path / (name + ".c")
    src.write_text(source)
    exe = tmp_path / name
    subprocess.run([cc, *C_FLAGS, *defines, "-o", str(exe), str(src), "-lm"], check=True, capture_output=True,
                   text=True)
    return exe


def test_c_exports_compile_strictly(tmp_path):
    """Strict C99 (no M_PI, no POSIX): every model and circuit compiles without a warning."""
    cc = require_tool("cc")
    for name, m in _all_models():
        src = tmp_path / ("%s.c" % name)
        src.write_text(export(m, "c"))
        res = subprocess.run([cc, *C_FLAGS, "-c", "-o", str(tmp_path / "m.o"), str(src)], capture_output=True,
                             text=True)
        assert res.returncode == 0 and res.stderr == "", (name, res.stderr)


def test_c_exports_reproduce_the_package(tmp_path, rk4_reference, white_reference):
    """RK4 with mpr_rhs and Euler-Maruyama with stochastic_mpr_rhs/_noise in C, increments read from stdin."""
    ref, dW = white_reference
    main = export(get_model("mpr"), "c") + export(get_model("stochastic-mpr"), "c") + """
#include <stdio.h>
int main(void)
{
    const double p[5] = {%s}, q[6] = {%s, %r};
    const double dt = %r;
    double y[2] = {%r, %r}, a[2], b[2], c[2], d[2], t[2], f[2], g[2], dW;
    int k, i;
    printf("%%.17g %%.17g\\n", y[0], y[1]);
    for (k = 0; k < %d; k++) {
        mpr_rhs(0.0, y, p, a);
        for (i = 0; i < 2; i++) t[i] = y[i] + 0.5 * dt * a[i];
        mpr_rhs(0.0, t, p, b);
        for (i = 0; i < 2; i++) t[i] = y[i] + 0.5 * dt * b[i];
        mpr_rhs(0.0, t, p, c);
        for (i = 0; i < 2; i++) t[i] = y[i] + dt * c[i];
        mpr_rhs(0.0, t, p, d);
        for (i = 0; i < 2; i++) y[i] = y[i] + dt / 6.0 * (a[i] + 2 * b[i] + 2 * c[i] + d[i]);
        printf("%%.17g %%.17g\\n", y[0], y[1]);
    }
    y[0] = %r; y[1] = %r;
    printf("%%.17g %%.17g\\n", y[0], y[1]);
    for (k = 0; k < %d; k++) {
        if (scanf("%%lf", &dW) != 1) return 1;
        stochastic_mpr_rhs(0.0, y, q, f);
        stochastic_mpr_noise(0.0, y, q, g);
        y[0] = y[0] + dt * f[0] + g[0] * 0.0;
        y[1] = y[1] + dt * f[1] + g[1] * dW;
        printf("%%.17g %%.17g\\n", y[0], y[1]);
    }
    return 0;
}
""" % (", ".join(map(repr, PV)), ", ".join(map(repr, PV)), N_WHITE, DT, R0, V0, STEPS, R0, V0, STEPS - 1)
    exe = _cc(tmp_path, "traj", main)
    stdin = "\n".join(map(repr, dW[:-1].tolist()))
    out = _numbers(subprocess.run([str(exe)], input=stdin, capture_output=True, text=True, check=True).stdout)
    assert np.allclose(out[:STEPS + 1], rk4_reference, rtol=TOL, atol=TOL)
    assert np.allclose(out[STEPS + 1:], ref, rtol=TOL, atol=TOL)


def test_c_surrogate_export_reproduces_the_package(tmp_path):
    """The exported C simulator of the shot-noise mass model (compiled with its main) follows the package."""
    seed, n = 5, 3000
    model = Model(**P, N=150)
    run = model.simulate_stochastic_mass(T=n * DT, dt=DT, noise="surrogate", scheme="heun", seed=seed,
                                         branch="low", r0=R0, v0=V0)
    eta = model.excitabilities(draw="quantile")
    phases = np.random.default_rng(seed).random(eta.size)
    exe = _cc(tmp_path, "surrogate", export(get_model("surrogate-mpr"), "c"), "-DSURROGATE_MPR_MAIN")
    stdin = "%d %d %r 1\n%s\n%s\n%s\n%s\n" % (eta.size, n, DT, "%r %r" % (R0, V0), " ".join(map(repr, PV)),
                                              " ".join(map(repr, eta.tolist())), " ".join(map(repr, phases.tolist())))
    out = _numbers(subprocess.run([str(exe)], input=stdin, capture_output=True, text=True, check=True).stdout)
    assert out.shape == (n + 1, 4) and np.allclose(out[:, 0], DT * np.arange(n + 1), rtol=1e-15, atol=0)
    assert np.allclose(out[:-1, 1], run.r, rtol=TOL, atol=TOL)
    assert np.allclose(out[:-1, 2], run.v, rtol=TOL, atol=TOL)
    assert np.allclose(out[:-1, 1] + out[:-1, 3], run.s, rtol=TOL, atol=TOL)
    bad = subprocess.run([str(exe)], input="0 10 0.001 1\n", capture_output=True, text=True)
    assert bad.returncode == 2 and "n_osc >= 1" in bad.stderr


# ----------------------------------------------------------------------------- Fortran
F_FLAGS = ("-std=f95", "-pedantic", "-Wall", "-Werror")


def test_fortran_exports_compile_strictly(tmp_path):
    """Fortran 95 (31-character names, no extensions): every model and circuit compiles with -Wall -Werror (the
    time argument of the autonomous models is referenced by a dead statement: no unused-argument warning)."""
    fc = require_tool("gfortran")
    for name, m in _all_models():
        if m.surrogate is not None:
            continue  # exported to latex, python, c, json only (tested in test_export.py)
        src = tmp_path / ("%s.f90" % name.replace("-", "_"))
        src.write_text(export(m, "fortran"))
        res = subprocess.run([fc, *F_FLAGS, "-fsyntax-only", str(src)], capture_output=True, text=True)
        assert res.returncode == 0 and res.stderr == "", (name, res.stderr)


def test_fortran_exports_reproduce_the_package(tmp_path, rk4_reference, white_reference):
    fc = require_tool("gfortran")
    ref, dW = white_reference
    (tmp_path / "models.f90").write_text(export(get_model("mpr"), "fortran")
                                         + export(get_model("stochastic-mpr"), "fortran"))
    (tmp_path / "main.f90").write_text("""program traj
  implicit none
  real(8) :: p(5), q(6), y(2), a(2), b(2), c(2), d(2), f(2), g(2), dW, dt
  integer :: k
  p = (/ %s /)
  q = (/ %s, %sd0 /)
  dt = %sd0
  y = (/ %sd0, %sd0 /)
  write (*, '(2es26.17e3)') y
  do k = 1, %d
    call mpr_rhs(0d0, y, p, a)
    call mpr_rhs(0d0, y + 0.5d0 * dt * a, p, b)
    call mpr_rhs(0d0, y + 0.5d0 * dt * b, p, c)
    call mpr_rhs(0d0, y + dt * c, p, d)
    y = y + dt / 6d0 * (a + 2 * b + 2 * c + d)
    write (*, '(2es26.17e3)') y
  end do
  y = (/ %sd0, %sd0 /)
  write (*, '(2es26.17e3)') y
  do k = 1, %d
    read (*, *) dW
    call stochastic_mpr_rhs(0d0, y, q, f)
    call stochastic_mpr_noise(0d0, y, q, g)
    y(1) = y(1) + dt * f(1)
    y(2) = y(2) + dt * f(2) + g(2) * dW
    write (*, '(2es26.17e3)') y
  end do
end program traj
""" % (", ".join("%rd0" % x for x in PV), ", ".join("%rd0" % x for x in PV), repr(N_WHITE), repr(DT), repr(R0),
       repr(V0), STEPS, repr(R0), repr(V0), STEPS - 1))
    exe = tmp_path / "traj"
    subprocess.run([fc, *F_FLAGS, "-o", str(exe), str(tmp_path / "models.f90"), str(tmp_path / "main.f90")],
                   check=True, capture_output=True, text=True)
    out = _numbers(subprocess.run([str(exe)], input="\n".join(map(repr, dW[:-1].tolist())) + "\n", capture_output=True,
                                  text=True, check=True).stdout)
    assert np.allclose(out[:STEPS + 1], rk4_reference, rtol=TOL, atol=TOL)
    assert np.allclose(out[STEPS + 1:], ref, rtol=TOL, atol=TOL)


def _steady_models():
    """Every model of :func:`_all_models` with its initial state at the spine's steady state (as the CLI exports
    them), so that the defaults and initial states checked below are the ones users get."""
    from shotnoise.numerics.circuit.model import Circuit
    out = []
    for name, m in _all_models():
        circuit = Circuit.from_dict(CIRCUIT) if "circuit" in name else None
        out.append((name, at_steady_state(export_model=m, model=circuit)))
    return out


def _values(m) -> np.ndarray:
    """The export model's default parameters then its initial state, in the exports' p[] and y[] order."""
    return np.array([float(m.defaults[str(q)]) for q in m.parameters] + [float(m.initial[str(x)]) for x in m.state])


def test_c_defaults_and_initial_state_equal_the_export_model(tmp_path):
    """``<name>_defaults[]`` and ``<name>_initial[]`` of every C export (one program linking all of them, strict
    flags: the arrays raise no unused-variable warning) print the ExportModel's values exactly (%.17g)."""
    cc = require_tool("cc")
    sources, body, decls = [], [], []
    for name, m in _steady_models():
        nm = name.replace("-", "_")
        src = tmp_path / ("%s.c" % nm)
        src.write_text(export(m, "c"))
        sources.append(str(src))
        decls += ["extern const double %s_defaults[%d];" % (nm, len(m.parameters)),
                  "extern const double %s_initial[%d];" % (nm, len(m.state))]
        body += ['    for (i = 0; i < %d; i++) printf("%%.17g\\n", %s_defaults[i]);' % (len(m.parameters), nm),
                 '    for (i = 0; i < %d; i++) printf("%%.17g\\n", %s_initial[i]);' % (len(m.state), nm)]
    (tmp_path / "main.c").write_text("#include <stdio.h>\n%s\nint main(void)\n{\n    int i;\n%s\n    return 0;\n}\n"
                                     % ("\n".join(decls), "\n".join(body)))
    exe = tmp_path / "values"
    res = subprocess.run([cc, *C_FLAGS, "-o", str(exe), str(tmp_path / "main.c"), *sources, "-lm"],
                         capture_output=True, text=True)
    assert res.returncode == 0 and res.stderr == "", res.stderr
    out = _numbers(subprocess.run([str(exe)], capture_output=True, text=True, check=True).stdout).ravel()
    assert np.array_equal(out, np.concatenate([_values(m) for _, m in _steady_models()]))


def test_fortran_defaults_and_initial_state_equal_the_export_model(tmp_path):
    """``<name>_defaults(p)`` and ``<name>_initial(y)`` of every Fortran export print the ExportModel's values
    exactly (17 significant digits round-trip a double)."""
    fc = require_tool("gfortran")
    models = [(n, m) for n, m in _steady_models() if m.surrogate is None]
    decls, body = [], []
    for k, (name, m) in enumerate(models):
        decls.append("  real(8) :: p%d(%d), y%d(%d)" % (k, len(m.parameters), k, len(m.state)))
        body += ["  call %s_defaults(p%d)" % (name.replace("-", "_"), k), "  call %s_initial(y%d)"
                 % (name.replace("-", "_"), k), "  write (*, '(es26.17e3)') p%d, y%d" % (k, k)]
    (tmp_path / "models.f90").write_text("".join(export(m, "fortran") for _, m in models))
    (tmp_path / "main.f90").write_text("program values\n  implicit none\n%s\n%s\nend program values\n"
                                       % ("\n".join(decls), "\n".join(body)))
    exe = tmp_path / "values"
    res = subprocess.run([fc, *F_FLAGS, "-o", str(exe), str(tmp_path / "models.f90"), str(tmp_path / "main.f90")],
                         capture_output=True, text=True)
    assert res.returncode == 0 and res.stderr == "", res.stderr
    out = _numbers(subprocess.run([str(exe)], capture_output=True, text=True, check=True).stdout).ravel()
    assert np.array_equal(out, np.concatenate([_values(m) for _, m in models]))


def test_octave_defaults_and_initial_state_equal_the_export_model(tmp_path):
    """After ``source()``, ``<name>_defaults()`` (a row) and ``<name>_initial()`` (a column) of every Octave export
    give the ExportModel's values exactly (the file prints them with repr: 17 significant digits)."""
    octave = require_tool("octave")
    models = [(n, m) for n, m in _steady_models() if m.surrogate is None]
    lines = []
    for name, m in models:
        nm = name.replace("-", "_")
        (tmp_path / ("%s.m" % nm)).write_text(export(m, "octave"))
        lines += ['source("%s.m");' % nm,
                  "p = %s_defaults(); y0 = %s_initial();" % (nm, nm),
                  "assert(rows(p) == 1 && columns(y0) == 1);",
                  'printf("%.17g\\n", p, y0);']
    (tmp_path / "driver.m").write_text("\n".join(lines) + "\n")
    res = subprocess.run([octave, "--no-gui", "--norc", "-q", "driver.m"], cwd=tmp_path, capture_output=True,
                         text=True, timeout=120)
    assert res.returncode == 0 and _octave_errors(res.stderr) == [], res.stderr
    assert np.array_equal(_numbers(res.stdout).ravel(), np.concatenate([_values(m) for _, m in models]))


# ----------------------------------------------------------------------------- Octave
def test_octave_exports_run_as_emitted(tmp_path, rk4_reference, white_reference):
    """The documented use: ``source("<name>.m")`` defines the functions; an RK4 loop of mpr and an Euler-Maruyama
    loop of stochastic_mpr (increments from the package's run) reproduce the package.  The emitted file also
    runs on its own (``octave file.m``: a script file, no 'undefined' error)."""
    octave = require_tool("octave")
    ref, dW = white_reference
    for name in ("mpr", "stochastic-mpr"):
        (tmp_path / ("%s.m" % name.replace("-", "_"))).write_text(export(get_model(name), "octave"))
    np.savetxt(tmp_path / "dW.txt", dW[:-1], fmt="%.17g")
    (tmp_path / "driver.m").write_text("""
source("mpr.m"); source("stochastic_mpr.m");
p = [%s]; q = [p, %r]; dt = %r; n = %d;
y = [%r; %r]; out = zeros(2, 2 * n + 1); out(:, 1) = y;
for k = 1:n
  a = mpr_rhs(0, y, p); b = mpr_rhs(0, y + 0.5*dt*a, p); c = mpr_rhs(0, y + 0.5*dt*b, p);
  d = mpr_rhs(0, y + dt*c, p); y = y + dt/6*(a + 2*b + 2*c + d); out(:, k + 1) = y;
end
dW = load("dW.txt"); y = [%r; %r]; out(:, n + 2) = y;
for k = 1:n - 1
  y = y + dt*stochastic_mpr_rhs(0, y, q) + stochastic_mpr_noise(0, y, q).*[0; dW(k)];
  out(:, n + 2 + k) = y;
end
printf("%%.17g %%.17g\\n", out);
""" % (" ".join(map(repr, PV)), N_WHITE, DT, STEPS, R0, V0, R0, V0))
    res = subprocess.run([octave, "--no-gui", "--norc", "-q", "driver.m"], cwd=tmp_path, capture_output=True,
                         text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    out = _numbers(res.stdout)
    assert np.allclose(out[:STEPS + 1], rk4_reference, rtol=TOL, atol=TOL)
    assert np.allclose(out[STEPS + 1:], ref, rtol=TOL, atol=TOL)
    alone = subprocess.run([octave, "--no-gui", "--norc", "-q", "stochastic_mpr.m"], cwd=tmp_path,
                           capture_output=True, text=True, timeout=120)
    assert alone.returncode == 0 and _octave_errors(alone.stderr) == [], alone.stderr
    assert _octave_errors(res.stderr) == [], res.stderr


#: printed by Octave 7.3 at exit after any script, even ``disp(1)`` (not a problem of the file)
OCTAVE_EXIT_NOISE = "error: ignoring const execution_exception& while preparing to exit"


def _octave_errors(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.strip() and line.strip() != OCTAVE_EXIT_NOISE]


# ----------------------------------------------------------------------------- XPPAUT
def _xpp_run(tmp_path, text: str) -> np.ndarray:
    xpp = require_tool("xppaut")
    (tmp_path / "m.ode").write_text(text)
    out = tmp_path / "output.dat"
    if out.exists():
        out.unlink()
    res = subprocess.run([xpp, "m.ode", "-silent"], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert res.returncode == 0 and "Storage full" not in res.stdout + res.stderr, res.stdout + res.stderr
    return np.loadtxt(out)


def _xpp_settings(text: str) -> dict:
    return dict(re.findall(r"(\w+)=([^,\s]+)", " ".join(l[1:] for l in text.splitlines() if l.startswith("@"))))


def test_xpp_export_runs_to_total_from_a_steady_state(tmp_path):
    """xppaut -silent runs the whole total (maxstor), starting, as ``shotnoise derive`` exports it
    (numerics.export_state.at_steady_state), from the stable steady state of the defaults, which is the package's
    low fixed point; the AUTO block is complete."""
    m = at_steady_state(export_model=get_model("mpr"))
    text = export(m, "xpp")
    opts = _xpp_settings(text)
    assert {"dsmin", "dsmax", "ds", "parmin", "parmax", "ntst", "nmax", "npr", "autoxmin", "autoxmax",
            "autoymin", "autoymax", "maxstor", "total", "dt"} <= set(opts)
    total, dt = float(opts["total"]), float(opts["dt"])
    assert int(opts["maxstor"]) >= total / dt + 1
    low = Model(**P).fixed_points()[0]
    assert low.stability == "stable-node"
    assert m.initial == {"r": low.r, "v": low.v} and m.initial_note.startswith("steady state")
    data = _xpp_run(tmp_path, text)
    assert data.shape == (int(round(total / dt)) + 1, 3) and data[-1, 0] == pytest.approx(total, rel=1e-7)
    # steady: the whole run stays at the initial state (float32 storage)
    assert np.allclose(data[:, 1:], [low.r, low.v], rtol=2**-22, atol=0)


def test_xpp_export_trajectory_matches_the_package(tmp_path):
    """From r = 0.3, v = -1 XPP's RK4 with the exported dt follows the package's RK4 (float32 storage)."""
    text = export(get_model("mpr"), "xpp")
    opts = _xpp_settings(text)
    total, dt = float(opts["total"]), float(opts["dt"])
    text = re.sub(r"^init .*$", "init r=%r, v=%r" % (R0, V0), text, flags=re.M)
    data = _xpp_run(tmp_path, text)
    ref = Model(**P).integrate(r0=R0, v0=V0, T=total, dt=dt)
    assert data.shape[0] == ref.t.size
    assert np.allclose(data[:, 0], ref.t, rtol=2**-22, atol=1e-12)
    assert np.allclose(data[:, 1], ref.r, rtol=2**-22, atol=0) and np.allclose(data[:, 2], ref.v, rtol=2**-22, atol=0)
    assert np.ptp(ref.v) > 0.5


@pytest.mark.parametrize("name", ["stochastic-mpr", "multipole-4", "stochastic-multipole-2"])
def test_xpp_exports_of_other_models_run_to_total(tmp_path, name):
    m = at_steady_state(export_model=get_model(name))  # as shotnoise derive exports it
    text = export(m, "xpp")
    opts = _xpp_settings(text)
    data = _xpp_run(tmp_path, text)
    assert data.shape[0] == int(round(float(opts["total"]) / float(opts["dt"]))) + 1
    assert np.all(np.isfinite(data)) and data[-1, 0] == pytest.approx(float(opts["total"]), rel=1e-7)
    if not m.noise:  # deterministic: stays at its steady state
        y0 = np.array([m.initial[str(s)] for s in m.state])
        assert np.allclose(data[-1, 1:1 + y0.size], y0, rtol=2**-22, atol=1e-7)


# ----------------------------------------------------------------------------- LaTeX
def test_latex_standalone_documents_compile(tmp_path):
    """--standalone documents compile with pdflatex -halt-on-error; fragments compile inside a document that
    loads amsmath (the fragment's first line says so)."""
    pdflatex = require_tool("pdflatex")
    names = ["mpr", "stochastic-mpr", "stochastic-multipole-2", "surrogate-mpr"]
    docs = {name: export(get_model(name), "latex", standalone=True) for name in names}
    docs["stochastic-circuit"] = export(circuit_export_model(CIRCUIT, stochastic=True), "latex", standalone=True)
    fragments = [export(get_model(name), "latex") for name in names]
    assert all(f.startswith("% Needs \\usepackage{amsmath}") for f in fragments)
    docs["fragments"] = ("\\documentclass{article}\n\\usepackage{amsmath}\n\\begin{document}\n" + "\n".join(fragments)
                         + "\\end{document}\n")
    for name, text in docs.items():
        (tmp_path / ("%s.tex" % name)).write_text(text)
        res = subprocess.run([pdflatex, "-halt-on-error", "-interaction=nonstopmode", "%s.tex" % name],
                             cwd=tmp_path, capture_output=True, text=True, timeout=120)
        assert res.returncode == 0 and (tmp_path / ("%s.pdf" % name)).stat().st_size > 0, (name, res.stdout[-2000:])
