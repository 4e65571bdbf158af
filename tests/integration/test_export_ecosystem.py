"""The PyRates, TVB and jitcsde/jitcode exports (theory/export_targets.py) run in their tools and agree with the
package: fixed points to 1e-10, deterministic trajectories to 1e-8, drift and diffusion to 1e-14.

Each tool runs in the ecosystem environment (``tests.tools.ecosystem_python``: a separate venv with
tvb-library, pyrates, jitcode, jitcsde), one subprocess per tool; numbers come back through JSON/npz files in
tmp_path.  The package's references are computed here: trajectories by ``Model.integrate`` (classical RK4,
the ``shotnoise simulate mass`` path) or, for the multi-pole model, scipy's DOP853 on the package's generated
kernel; fixed points by ``Model.fixed_points``; drift and diffusion by the generated numba kernels.
"""
from __future__ import annotations

import dataclasses
import json
import math
import subprocess

import numpy as np
import pytest
import sympy as sp

from shotnoise.numerics import Model
from shotnoise.numerics._generated.mpr_kernels import mpr_rhs, white_noise_amplitude
from shotnoise.numerics._jit import pure
from shotnoise.theory.errors import ParameterError
from shotnoise.theory.export_targets import to_jitcsde, to_pyrates, to_tvb
from shotnoise.theory.models import get_model
from tests.tools import ecosystem_python

EPS = np.finfo(float).eps
#: start of every deterministic run: off the steady state, it relaxes to the low stable node of the defaults
START = {"r": 0.1, "v": -2.0}
T, DT, SAMPLE = 20.0, 2e-3, 0.5
#: the issue's gates
FIXED_POINT_TOL, TRAJECTORY_TOL, EXPRESSION_RTOL = 1e-10, 1e-8, 1e-14
#: states (r, v) at which drift and diffusion are compared (O(1) terms, away from the fixed points)
STATES = [(0.3, -0.7), (1.2, 0.5), (0.05, -2.5), (2.0, 1.3)]

_rhs = pure(mpr_rhs)
_amp = pure(white_noise_amplitude)


#: parameters that differ from the exported defaults where the conventions matter: a current I (renamed I_ext in
#: PyRates) and tau != 1 (every 1/tau of the drift); three fixed points, START relaxes to the lowest
PARAMETERS = {"I": 0.3, "tau": 1.3}


def _with_start(name: str):
    """The export model ``name`` with PARAMETERS as defaults and the initial state START (every mode of a
    multi-pole model)."""
    m = get_model(name)
    initial = {str(x): START[str(x).rstrip("0123456789")] for x in m.state}
    return dataclasses.replace(m, initial=initial, defaults=dict(m.defaults, **PARAMETERS))


def _package_model(m, **kw) -> Model:
    p = {k: m.defaults[k] for k in ("eta_bar", "Delta", "J", "I", "tau")}
    return Model(**p, **kw)


def _params(m) -> tuple:
    return tuple(m.defaults[k] for k in ("eta_bar", "Delta", "J", "I", "tau"))


def _run(tmp_path, driver: str, files: dict, cfg: dict, timeout: float = 600) -> dict:
    """Write ``files`` and ``driver`` into tmp_path, run the driver with the ecosystem Python, return out.json."""
    python = ecosystem_python()
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    (tmp_path / "in.json").write_text(json.dumps(cfg))
    (tmp_path / "driver.py").write_text(driver)
    proc = subprocess.run([python, "driver.py"], cwd=tmp_path, capture_output=True, text=True, timeout=timeout)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads((tmp_path / "out.json").read_text())


def _term_scale(expr, values: dict) -> float:
    """Sum of |terms| of the expanded expression: the magnitude its rounding error is relative to."""
    e = sp.expand(sp.sympify(expr))
    sub = {s: values[s.name] for s in e.free_symbols}
    return float(sum(abs(t.xreplace(sub)) for t in sp.Add.make_args(e)))


def _mpr_reference(m):
    """Package RK4 trajectory from START sampled every SAMPLE, and the fixed points (r, v) of the defaults."""
    model = _package_model(m)
    tr = model.integrate(r0=START["r"], v0=START["v"], T=T, dt=DT, save_every=int(round(SAMPLE / DT)))
    fps = np.array([(q.r, q.v) for q in model.fixed_points()])
    return tr, fps


def _root_starts(fps: np.ndarray, end: np.ndarray) -> list:
    """Newton starts on the tool's vector field: the trajectory's end point and 1e-3 (relative) off each fixed
    point of the package."""
    return [list(end)] + [list(q * (1 + 1e-3)) for q in fps]


def _check_roots(roots: np.ndarray, fps: np.ndarray):
    """Every root the tool's vector field gave is a package fixed point to 1e-10, and every fixed point is hit."""
    dist = np.array([[np.max(np.abs(x - q)) for q in fps] for x in roots])
    assert np.all(dist.min(axis=1) <= FIXED_POINT_TOL), dist.min(axis=1)
    assert np.all(dist[1:].diagonal() <= FIXED_POINT_TOL), dist[1:].diagonal()  # start i+1 -> fixed point i
    return dist.min(axis=1)


# ---------------------------------------------------------------------------------------------------- PyRates
PYRATES_DRIVER = r'''
import json
import numpy as np
from scipy.optimize import fsolve
from pyrates import CircuitTemplate

cfg = json.load(open("in.json"))
out = {}
for job in cfg["jobs"]:
    path, op, state = job["path"], job["op"], job["state"]
    keys = ["p/%s/%s" % (op, s) for s in state]
    # the template's vector field as PyRates generates it (for the fixed points)
    func, args, names, idx = CircuitTemplate.from_yaml(path).get_run_func(
        job["name"] + "_vf", 1e-3, solver="scipy", float_precision="float64", verbose=False, clear=True)
    perm = [idx[k] for k in keys]
    assert sorted(perm) == list(range(len(state))), idx

    def F(x):
        y = np.empty(len(state))
        y[perm] = x
        return np.array(func(0.0, y, np.zeros(len(state)), *args[3:]), dtype=float)[perm]

    roots = []
    for x0 in job["starts"]:
        x = fsolve(F, np.array(x0), xtol=1e-13)
        roots.append([float(z) for z in x])
    # the trajectory: PyRates' scipy backend, RK45 with tight tolerances in double precision
    # (DOP853 is avoided: its dense output re-evaluates the right-hand side into PyRates' reused derivative
    # buffer and the samples drift by ~1e-6)
    res = CircuitTemplate.from_yaml(path).run(
        simulation_time=job["T"], step_size=1e-3, outputs=dict(zip(state, keys)), solver="scipy", method="RK45",
        rtol=1e-12, atol=1e-14, sampling_step_size=job["sample"], verbose=False, float_precision="float64",
        clear=True)
    out[job["name"]] = {"t": [float(t) for t in res.index], "y": [[float(v) for v in res[s]] for s in state],
                        "roots": roots}
json.dump(out, open("out.json", "w"))
'''


def test_pyrates_export_runs_in_pyrates_and_matches_the_package(tmp_path):
    mpr, mp2 = _with_start("mpr"), _with_start("multipole-2")
    text = to_pyrates(mpr)
    assert "I_ext" in text and "PyRates reserves the name I" in text
    tr, fps = _mpr_reference(mpr)
    # the multi-pole model: package fixed points (modes r_k, v_k) and DOP853 on the generated kernel
    from scipy.integrate import solve_ivp
    from shotnoise.numerics.multipole import rhs_function
    f2 = rhs_function(2)
    pm = _params(mp2)
    y0 = [mp2.initial[str(x)] for x in mp2.state]
    times = np.arange(0.0, T, SAMPLE)
    ref2 = solve_ivp(lambda t, y: np.array(f2(*y, *pm)), (0.0, T), y0, t_eval=times, method="DOP853",
                     rtol=1e-13, atol=1e-15).y
    fps2 = np.array([[z for w in q.modes for z in (w.real / (math.pi * mp2.defaults["tau"]), w.imag)]
                     for q in _package_model(mp2, heterogeneity="multipole", poles=2).fixed_points()])
    jobs = [{"name": "mpr", "path": str(tmp_path / "mpr" / "mpr"), "op": "mpr_op", "state": ["r", "v"],
             "T": T, "sample": SAMPLE, "starts": _root_starts(fps, [tr.r[-1], tr.v[-1]])},
            {"name": "multipole_2", "path": str(tmp_path / "multipole_2" / "multipole_2"), "op": "multipole_2_op",
             "state": [str(x) for x in mp2.state], "T": T, "sample": SAMPLE,
             "starts": _root_starts(fps2, ref2[:, -1])}]
    out = _run(tmp_path, PYRATES_DRIVER, {"mpr.yaml": text, "multipole_2.yaml": to_pyrates(mp2)}, {"jobs": jobs})

    got = out["mpr"]
    n = len(got["t"])
    assert np.allclose(got["t"], tr.t[:n], rtol=0, atol=1e-12) and n == int(T / SAMPLE)
    err = max(np.max(np.abs(np.array(got["y"][0]) - tr.r[:n])), np.max(np.abs(np.array(got["y"][1]) - tr.v[:n])))
    assert err <= TRAJECTORY_TOL, err
    _check_roots(np.array(got["roots"]), fps)

    got = out["multipole_2"]
    assert np.allclose(got["t"], times, rtol=0, atol=1e-12)
    err2 = np.max(np.abs(np.array(got["y"]) - ref2))
    assert err2 <= TRAJECTORY_TOL, err2
    _check_roots(np.array(got["roots"]), fps2)


def test_pyrates_export_refuses_noise():
    with pytest.raises(ParameterError, match="deterministic"):
        to_pyrates(get_model("stochastic-mpr"))


# ---------------------------------------------------------------------------------------------------- TVB
TVB_DRIVER = r'''
import json
import sys
import numpy as np
from scipy.optimize import fsolve
sys.path.insert(0, ".")
from tvb.datatypes import connectivity
from tvb.simulator import coupling, integrators, monitors, simulator
from tvb.simulator.models import MontbrioPazoRoxin
import tvb_mpr
import tvb_stochastic_mpr

cfg = json.load(open("in.json"))
P = cfg["params"]
arr = lambda x: np.array([float(x)])
ours = lambda cls, **kw: cls(**{k: arr(v) for k, v in P.items()}, **{k: arr(v) for k, v in kw.items()})
theirs = lambda **kw: MontbrioPazoRoxin(eta=arr(P["eta_bar"]), Delta=arr(P["Delta"]), J=arr(P["J"]), I=arr(P["I"]),
                                        tau=arr(P["tau"]), **{k: arr(v) for k, v in kw.items()})


def run(model, integrator, x0, T, w=((0.0,),), a=0.0):
    n = len(w)
    conn = connectivity.Connectivity(weights=np.array(w, dtype=float), tract_lengths=np.zeros((n, n)),
                                     region_labels=np.array(["n%d" % i for i in range(n)]), centres=np.zeros((n, 3)),
                                     speed=np.array([np.inf]))
    sim = simulator.Simulator(model=model, connectivity=conn, coupling=coupling.Linear(a=np.array([a])),
                              integrator=integrator, monitors=(monitors.Raw(),),
                              initial_conditions=np.array(x0, dtype=float).reshape(1, 2, n, 1), simulation_length=T)
    sim.configure()
    (t, x), = sim.run()
    return t, x[:, :, :, 0]


out = {}
rk4 = lambda: integrators.RungeKutta4thOrderDeterministic(dt=cfg["dt"])
every = cfg["every"]
t, x = run(ours(tvb_mpr.ShotnoiseMpr), rk4(), cfg["start"], cfg["T"])
out["t"], out["ours"] = t[every - 1::every].tolist(), x[every - 1::every, :, 0].tolist()
t, x = run(theirs(), rk4(), cfg["start"], cfg["T_own"])
out["theirs"] = x[every - 1::every, :, 0].tolist()
# two coupled nodes (coupling through r and V): our class against TVB's MontbrioPazoRoxin
w, x0 = ((0.0, 1.0), (0.5, 0.0)), [[0.1, 0.4], [-2.0, -0.5]]
out["coupled_ours"] = run(ours(tvb_mpr.ShotnoiseMpr, cv=0.5), rk4(), x0, 5.0, w, 0.3)[1].tolist()
out["coupled_theirs"] = run(theirs(cv=0.5), rk4(), x0, 5.0, w, 0.3)[1].tolist()
# fixed points: roots of the class's dfun
model = ours(tvb_mpr.ShotnoiseMpr)
F = lambda y: model.dfun(np.array(y).reshape(2, 1, 1), np.zeros((2, 1, 1)))[:, 0, 0]
out["roots"] = [fsolve(F, np.array(y0), xtol=1e-13).tolist() for y0 in cfg["starts"]]
# the finite-size noise class
sto = ours(tvb_stochastic_mpr.ShotnoiseStochasticMpr)
noise = tvb_stochastic_mpr.stochastic_mpr_noise(sto, N=arr(cfg["N"]), noise_seed=cfg["seed"])
noise.configure()
states = np.array(cfg["states"], dtype=float).T.reshape(2, -1, 1)
out["gfun"] = noise.gfun(states)[:, :, 0].tolist()
# a stochastic Euler-Maruyama run with it (X_{n+1} = X_n + f dt + g sqrt(dt) Z_n)
t, x = run(sto, integrators.EulerStochastic(dt=cfg["dt"], noise=noise), cfg["fixed_point"], cfg["T_noise"])
np.savez("noise_run.npz", t=t, x=x[:, :, 0])
json.dump(out, open("out.json", "w"))
'''


def test_tvb_export_runs_in_tvb_and_matches_the_package(tmp_path):
    mpr, sto = _with_start("mpr"), _with_start("stochastic-mpr")
    tr, fps = _mpr_reference(mpr)
    p = dict(zip(("eta_bar", "Delta", "J", "I", "tau"), _params(mpr)))
    N, seed, T_noise = 1000.0, 7, 10.0
    cfg = {"params": p, "start": [START["r"], START["v"]], "T": T, "dt": DT, "every": int(round(SAMPLE / DT)),
           "starts": _root_starts(fps, [tr.r[-1], tr.v[-1]]), "states": STATES, "N": N, "seed": seed, "T_own": 5.0,
           "fixed_point": list(fps[0]), "T_noise": T_noise}
    out = _run(tmp_path, TVB_DRIVER, {"tvb_mpr.py": to_tvb(mpr), "tvb_stochastic_mpr.py": to_tvb(sto)}, cfg)

    # same classical RK4, same step: the runs differ by rounding only (a few ulp per step, contracting flow)
    n_steps = int(round(T / DT))
    same_scheme = 8 * EPS * n_steps * 2.0  # |v| <= 2 on this run
    ours, theirs = np.array(out["ours"]), np.array(out["theirs"])
    assert np.allclose(out["t"], tr.t[1:], rtol=0, atol=1e-9)
    err = np.max(np.abs(ours - np.column_stack([tr.r[1:], tr.v[1:]])))
    assert err <= min(TRAJECTORY_TOL, same_scheme), err
    assert theirs.shape == (int(5.0 / SAMPLE), 2)  # TVB's own MontbrioPazoRoxin over the first 5 time units
    assert np.max(np.abs(ours[:len(theirs)] - theirs)) <= same_scheme
    assert np.max(np.abs(np.array(out["coupled_ours"]) - np.array(out["coupled_theirs"]))) <= same_scheme
    _check_roots(np.array(out["roots"]), fps)

    # gfun = the package's Ito coefficient (0, J sqrt(r/N)) at every state
    g = np.array(out["gfun"])
    ref = np.array([_amp(r, p["J"], N) for r, _ in STATES])
    assert np.all(g[0] == 0.0)
    assert np.max(np.abs(g[1] - ref) / ref) <= EXPRESSION_RTOL

    # the Euler-Maruyama run: its increments minus the package's drift, divided by the package's g sqrt(dt),
    # must be iid N(0, 1) (r carries no noise: its increments are the drift to rounding)
    run = np.load(tmp_path / "noise_run.npz")
    x = np.vstack([fps[0], run["x"]])
    r, v = x[:-1, 0], x[:-1, 1]
    drift = np.array([_rhs(a, b, *_params(sto)) for a, b in zip(r, v)])
    assert np.max(np.abs(np.diff(x[:, 0]) - DT * drift[:, 0])) <= 16 * EPS * np.max(x[:, 0])
    z = (np.diff(x[:, 1]) - DT * drift[:, 1]) / (np.array([_amp(a, p["J"], N) for a in r]) * math.sqrt(DT))
    K = z.size
    assert K == int(round(T_noise / DT))
    # 5-sigma bounds for iid N(0, 1): mean (1/sqrt K), variance (sqrt(2/(K-1))), lag-1 correlation (1/sqrt K)
    assert abs(z.mean()) <= 5 / math.sqrt(K)
    assert abs(z.var(ddof=1) - 1) <= 5 * math.sqrt(2 / (K - 1))
    assert abs(np.corrcoef(z[:-1], z[1:])[0, 1]) <= 5 / math.sqrt(K)


def test_tvb_export_refuses_models_it_cannot_express():
    with pytest.raises(ParameterError, match="two-variable"):
        to_tvb(get_model("multipole-2"))


# ---------------------------------------------------------------------------------------------------- jitcsde
JITC_DRIVER = r'''
import json
import sys
import numpy as np
from scipy.optimize import fsolve
sys.path.insert(0, ".")
import jit_mpr
import jit_stochastic_mpr

cfg = json.load(open("in.json"))
states = [np.array(s, dtype=float) for s in cfg["states"]]
out = {}
# jitcsde: its drift and diffusion as it evaluates them (symengine lambdas of the exported expressions)
sde = jit_stochastic_mpr.make_sde(verbose=False)
sde.set_initial_value(jit_stochastic_mpr.initial(), 0.0)
sde.generate_lambdas()
out["sde_f"] = [np.asarray(sde.SDE.f(0.0, s), dtype=float).tolist() for s in states]
out["sde_g"] = [np.asarray(sde.SDE.g(0.0, s), dtype=float).tolist() for s in states]
# jitcode: the drift compiled to C, its trajectory (DOP853) and its fixed points
ode = jit_mpr.make_ode(verbose=False)
ode.compile_C()
f = lambda y: np.asarray(ode.f(0.0, np.asarray(y, dtype=float)), dtype=float)
out["ode_f"] = [f(s).tolist() for s in states]
out["roots"] = [fsolve(f, np.array(y0), xtol=1e-13).tolist() for y0 in cfg["starts"]]
ode.set_integrator("dop853", rtol=1e-13, atol=1e-15, nsteps=10**7)
ode.set_initial_value(jit_mpr.initial(), 0.0)
out["traj"] = [ode.integrate(t).tolist() for t in cfg["times"]]
# the compiled SDE (adaptive Roessler SRI scheme) at N = cfg["N"], from the fixed point
sde = jit_stochastic_mpr.make_sde(dict(jit_stochastic_mpr.DEFAULTS, N=cfg["N"]), verbose=False)
sde.compile_C()
sde.set_initial_value(np.array(cfg["fixed_point"]), 0.0)
sde.set_seed(cfg["seed"])
sde.set_integration_parameters(atol=1e-6, rtol=1e-4)
out["sde_run"] = [sde.integrate(t).tolist() for t in cfg["noise_times"]]
json.dump(out, open("out.json", "w"))
'''


def test_jitcsde_export_runs_in_jitcode_and_jitcsde_and_matches_the_package(tmp_path):
    mpr, sto = _with_start("mpr"), _with_start("stochastic-mpr")
    tr, fps = _mpr_reference(mpr)
    p = _params(sto)
    N = sto.defaults["N"]
    # the stochastic run: N large enough for the linearised (Ornstein-Uhlenbeck) statistics to hold to
    # O(1/N); K samples every 0.5 after a transient of 10 (the slowest relaxation time is 1/1.72 here)
    N_run, spacing, K = 1e6, 0.5, 2000
    noise_times = 10.0 + spacing * np.arange(K)
    cfg = {"states": STATES, "starts": _root_starts(fps, [tr.r[-1], tr.v[-1]]), "times": list(tr.t[1:]),
           "fixed_point": list(fps[0]), "seed": 3, "N": N_run, "noise_times": list(noise_times)}
    out = _run(tmp_path, JITC_DRIVER, {"jit_mpr.py": to_jitcsde(mpr), "jit_stochastic_mpr.py": to_jitcsde(sto)},
               cfg)

    for k, (r, v) in enumerate(STATES):
        values = dict(zip(("eta_bar", "Delta", "J", "I", "tau"), p), r=r, v=v, N=N)
        ref_f = np.array(_rhs(r, v, *p))
        scale = np.array([_term_scale(e, values) for e in sto.rhs])
        for key in ("sde_f", "ode_f"):
            assert np.all(np.abs(np.array(out[key][k]) - ref_f) <= EXPRESSION_RTOL * scale), (key, k)
        g = np.array(out["sde_g"][k])
        assert g[0] == 0.0 and abs(g[1] - _amp(r, sto.defaults["J"], N)) <= EXPRESSION_RTOL * g[1]

    err = np.max(np.abs(np.array(out["traj"]) - np.column_stack([tr.r[1:], tr.v[1:]])))
    assert err <= TRAJECTORY_TOL, err
    _check_roots(np.array(out["roots"]), fps)
    # the noise scale in the running SDE: the variance of v about the fixed point against the stationary
    # covariance C of the linearisation, A C + C A^T + b b^T = 0 (b = (0, J sqrt(r*/N))), within 5 standard
    # deviations of the estimator: Var = (2/K^2) sum_ij gamma(|i - j| spacing)^2, gamma(t) = (exp(A t) C)_vv
    from scipy.linalg import expm, solve_continuous_lyapunov
    from shotnoise.numerics.mpr import jacobian
    run = np.array(out["sde_run"])
    assert np.all(np.isfinite(run)) and np.all(run[:, 0] > 0)
    A = jacobian(fps[0][0], fps[0][1], _package_model(sto).parameters)
    b = np.array([[0.0], [_amp(fps[0][0], sto.defaults["J"], N_run)]])
    C = solve_continuous_lyapunov(A, -b @ b.T)
    step = expm(A * spacing)
    gamma, prop = [], np.eye(2)
    for _ in range(K):
        gamma.append((prop @ C)[1, 1])
        prop = prop @ step
    gamma = np.array(gamma)
    sd = math.sqrt(2.0 / K**2 * (K * gamma[0] ** 2 + 2 * np.sum((K - np.arange(1, K)) * gamma[1:] ** 2)))
    estimate = np.mean((run[:, 1] - fps[0][1]) ** 2)
    assert abs(estimate - C[1, 1]) <= 5 * sd, (estimate, C[1, 1], sd)


def test_jitcsde_export_refuses_common_noise():
    with pytest.raises(ParameterError, match="diagonal"):
        to_jitcsde(get_model("stochastic-multipole-2"))


# ---------------------------------------------------------------------------------------------------- no tool needed
@pytest.mark.parametrize("name", ["mpr", "multipole-2", "multipole-3"])
def test_pyrates_template_structure(name):
    """Operator, node and circuit templates; one differential equation per state; I is I_ext (PyRates reserves I)."""
    import re
    import yaml
    m = get_model(name)
    doc = yaml.safe_load(to_pyrates(m))
    base = name.replace("-", "_")
    op = doc[base + "_op"]
    assert op["base"] == "OperatorTemplate" and doc[base + "_pop"]["operators"] == [base + "_op"]
    assert doc[base]["nodes"] == {"p": base + "_pop"}
    lhs = [e.split("=")[0].strip() for e in op["equations"]]
    assert lhs == ["%s'" % x for x in m.state] + list(m.observables)
    text = " ".join(op["equations"])
    assert re.search(r"\bI\b", text) is None and "I_ext" in text
    assert op["variables"]["I_ext"] == "input(%r)" % float(m.defaults["I"])
    assert all(op["variables"][str(x)].endswith("(%r)" % float(m.initial[str(x)])) for x in m.state)
    # as shotnoise derive exports it: the initial values are the stable fixed point, digit for digit
    from shotnoise.numerics.export_state import at_steady_state
    steady = at_steady_state(export_model=m)
    text = to_pyrates(steady)
    variables = yaml.safe_load(text)[base + "_op"]["variables"]
    assert steady.initial_note in text and steady.initial != m.initial
    assert all(variables[str(x)].endswith("(%r)" % steady.initial[str(x)]) for x in m.state)


@pytest.mark.parametrize("name,exporter", [("mpr", to_tvb), ("stochastic-mpr", to_tvb), ("mpr", to_jitcsde),
                                           ("stochastic-mpr", to_jitcsde), ("multipole-3", to_jitcsde)])
def test_python_targets_compile(name, exporter):
    text = exporter(get_model(name))
    compile(text, "%s.py" % name, "exec")
    if exporter is to_tvb:
        assert ("class ShotnoiseStochasticMprNoise" in text) == (name == "stochastic-mpr")
    else:
        assert ("def make_sde" in text) == (name == "stochastic-mpr") and "def make_ode" in text


def test_every_target_refuses_the_surrogate_model():
    m = get_model("mpr")
    if "surrogate" not in {f.name for f in dataclasses.fields(m)}:
        pytest.skip("ExportModel has no surrogate field")
    m = dataclasses.replace(m, surrogate=object())  # any surrogate noise: the drift alone is not the model
    for exporter in (to_pyrates, to_tvb, to_jitcsde):
        with pytest.raises(ParameterError, match="surrogate"):
            exporter(m)
