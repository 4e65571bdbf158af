"""One library function per command-line task; each returns a JSON-ready dict.

The CLI (``validation/cli.py``) only parses arguments, calls one of these and prints or
writes the dict.  Domain decisions live here: which fixed point a simulation is compared
with, which theory rate a network is compared with, how a simulated spectrum is paired
with the theory's expected Welch estimate.  Large arrays meant for files (not for the
terminal) travel under the key ``"arrays"`` (numpy arrays), which the CLI removes before
printing.
"""
from __future__ import annotations

import math
import time

import numpy as np

from shotnoise.numerics.model import THEORY_FAMILIES, Model
from shotnoise.numerics.shot_spectrum import CONVENTION
from shotnoise.theory.errors import ParameterError


# ----------------------------------------------------------------------------- theory
def derive_equations(*, model: str, fmt: str) -> dict:
    """The derived equations of ``model`` ('mpr' | 'stochastic-mpr') as text in format ``fmt``."""
    from shotnoise.theory.export import export
    from shotnoise.theory.models import get_model

    return {"model": model, "format": fmt, "text": export(get_model(model), fmt)}


def fixed_points_report(model: Model) -> dict:
    """All fixed points (sorted by r) with stability, eigenvalues and branch names."""
    return {"parameters": model.flat_dict(), "fixed_points": [q.to_dict() for q in model.fixed_points()]}


def spectrum_report(model: Model, *, omega, branch: str | None = None) -> dict:
    """Shot-noise, activity, rate, voltage (and subpopulation) spectra at a stable fixed point, with resonance data.

    Two-sided, angular frequency: S(omega) = int C(t) exp(-i omega t) dt.
    """
    op = model.operating_point(branch=branch)
    sp = op.spectra(omega)
    doc = {"convention": CONVENTION, "parameters": model.flat_dict(), "fixed_point": op.to_dict(),
           "resonance": op.resonance().to_dict(), "omega": sp.omega.tolist(), "shot": sp.shot.tolist(),
           "activity": sp.activity.tolist(), "rate": sp.rate.tolist(), "voltage": sp.voltage.tolist()}
    if sp.subpopulation is not None:
        doc["subpopulation"] = sp.subpopulation.tolist()
    for key in ("shot", "activity", "rate", "voltage", "subpopulation"):
        if key in doc and not all(math.isfinite(x) for x in doc[key]):
            raise ParameterError("the %s spectrum is not finite on this omega grid (omega too large?)" % key)
    return doc


def trajectory_report(model: Model, *, r0: float, v0: float, T: float, dt: float, method: str = "rk4",
                      save_every: int = 1) -> dict:
    """Deterministic MPR trajectory: summary plus the arrays t, r, v."""
    tr = model.integrate(r0=r0, v0=v0, T=T, dt=dt, method=method, save_every=save_every)
    if not (np.all(np.isfinite(tr.r)) and np.all(np.isfinite(tr.v))):
        raise ParameterError("the trajectory diverged (non-finite r or v); reduce dt")
    return {"model": "mpr", "method": method, "parameters": model.flat_dict(), "initial": {"r": r0, "v": v0},
            "T": T, "dt": dt, **tr.to_dict(), "arrays": {"t": tr.t, "r": tr.r, "v": tr.v}}


# ----------------------------------------------------------------------------- simulations vs theory
def spectrum_with_theory(x, *, model: Model, bin_width: float, segment: float, near_rate: float,
                         subpopulation: bool = False) -> dict:
    """Welch estimate of a simulated activity and the theory's expected estimate on the same grid.

    The theory is the linear (order 1/N) shot-noise theory at the stable fixed point closest to
    ``near_rate`` (the measured mean rate), binned and leaked exactly like the estimate.  When the
    theory does not apply (non-Lorentzian g, no stable fixed point) "theory" is None and
    "theory_note" says why.
    """
    from shotnoise.numerics.spectral_estimation import welch, welch_expectation

    spec = welch(x, dt=bin_width, segment=segment)
    doc = spec.to_dict()
    if model.heterogeneity not in THEORY_FAMILIES:
        doc["theory"] = None
        doc["theory_note"] = "linear theory implemented for heterogeneity %s only" % " or ".join(THEORY_FAMILIES)
        return doc
    try:
        op = model.nearest_stable_point(r=near_rate)
        S = op.binned(bin_width=bin_width, kind="subpopulation" if subpopulation else "activity")
    except ParameterError as e:
        doc["theory"] = None
        doc["theory_note"] = "linear theory not applicable: %s" % e
        return doc
    doc["theory"] = welch_expectation(S_binned=S, spec=spec).tolist()
    doc["theory_note"] = ("expected Welch estimate of the linear theory at the fixed point r=%.6g (binning, window)"
                          % op.r)
    return doc


def theory_rate(model: Model, *, near_rate: float) -> float:
    """The thermodynamic-limit rate a network is compared with: the MPR fixed point closest to the
    measured rate (Lorentzian), else the self-consistent rate of g."""
    if model.heterogeneity in THEORY_FAMILIES:
        return min(model.fixed_points(), key=lambda q: abs(q.r - near_rate)).r
    return model.self_consistent_rate()


def network_report(model: Model, *, T: float, dt: float, transient: float = 0.0, segment: float = 50.0,
                   bin_width: float | None = None, draw: str = "quantile", seed: int = 0,
                   progress: bool = False) -> dict:
    """Simulate the finite network and compare its mean rate and spectrum with the theory."""
    from shotnoise.numerics.qif_network import quenched_rate

    N = model.require_N()
    if N != int(N):
        raise ParameterError("N must be an integer >= 1 for a network, got %r" % N)
    _check_run(T=T, dt=dt, transient=transient, segment=segment)
    bw = default_bin_width(dt=dt, requested=bin_width)
    res = model.simulate_network(T=T, dt=dt, transient=transient, bin_width=bw, draw=draw, seed=seed,
                                 progress=progress)
    mean = res.mean_rate
    sdoc = spectrum_with_theory(res.activity, model=model, bin_width=bw, segment=segment, near_rate=mean)
    doc = {"parameters": dict(model.flat_dict(), draw=draw, seed=seed),
           "mean_rate": mean, "quenched_rate": quenched_rate(res.eta, J=model.J, I=model.I, tau=model.tau, near=mean),
           "mpr_rate": theory_rate(model, near_rate=mean), "mean_rate_Z": float(np.mean(res.r_Z)), "bin_width": bw,
           "spectrum": sdoc,
           "timing": {"neuron_steps_per_second": res.neuron_steps_per_second, "wall_time_s": res.wall_time},
           "max_phase_per_step": res.max_phase_per_step}
    arrays = {"activity": res.activity, "activity_M": res.activity_M if model.M else np.zeros(0), "Z": res.Z,
              "r_Z": res.r_Z, "v_Z": res.v_Z, "eta": res.eta, "bin_width": np.array(bw),
              "omega": np.array(sdoc["omega"]), "psd": np.array(sdoc["psd"])}
    if model.M:
        subdoc = spectrum_with_theory(res.activity_M, model=model, bin_width=bw, segment=segment, near_rate=mean,
                                      subpopulation=True)
        doc["subpopulation"] = {"M": int(model.M), "mean_rate": float(res.activity_M.mean()), "spectrum": subdoc}
    if res.max_phase_per_step > math.pi:
        doc["warning"] = ("fastest neuron turns %.2g times per step; spikes are exact but kicks are delayed to "
                          "step ends" % (res.max_phase_per_step / math.pi))
    doc["arrays"] = arrays
    return doc


def stochastic_mass_report(model: Model, *, T: float, dt: float, noise: str = "white", scheme: str = "heun",
                           transient: float = 0.0, segment: float = 50.0, bin_width: float | None = None,
                           branch: str | None = None, seed: int = 0) -> dict:
    """Simulate the stochastic mass model and compare its activity spectrum with the shot-noise theory."""
    model.require_N()
    _check_run(T=T, dt=dt, transient=transient, segment=segment)
    bw = default_bin_width(dt=dt, requested=bin_width)
    run = model.simulate_stochastic_mass(T=T, dt=dt, noise=noise, scheme=scheme, transient=transient,
                                         bin_width=bw, branch=branch, seed=seed)
    sdoc = spectrum_with_theory(run.s, model=model, bin_width=bw, segment=segment, near_rate=float(run.s.mean()))
    return {"parameters": dict(model.flat_dict(), noise=noise, scheme=scheme, seed=seed),
            "mean_rate": run.mean_rate, "mean_r": float(run.r.mean()), "mean_v": float(run.v.mean()),
            "bin_width": bw, "spectrum": sdoc, "arrays": {"s": run.s, "r": run.r, "v": run.v, "bin_width": np.array(bw)}}


def default_bin_width(*, dt: float, requested: float | None = None) -> float:
    """The requested bin, else the multiple of dt closest to 0.02 (at least dt)."""
    if requested is not None:
        return requested
    return dt * max(1, int(round(0.02 / dt)))


def _check_run(*, T: float, dt: float, transient: float, segment: float) -> None:
    """Run-length checks shared by the simulation tasks, before any work is done."""
    from shotnoise.numerics.parameters import nonnegative, positive

    T, dt = positive("T", T), positive("dt", dt)
    transient, segment = nonnegative("transient", transient), positive("segment", segment)
    if T <= transient:
        raise ParameterError("T must be > transient, got T=%r, transient=%r" % (T, transient))
    if segment > T - transient:
        raise ParameterError("segment (%g) must not exceed T - transient (%g)" % (segment, T - transient))


# ----------------------------------------------------------------------------- validation, bench, demo
def validate(*, mode: str = "quick", only: list[str] | None = None, report: str | None = None,
             progress=None) -> dict:
    """Run the theory-vs-simulation checks of ``mode``; write a report directory if asked."""
    from .report import write_report
    from .suite import run_suite

    t0 = time.perf_counter()
    results = run_suite(mode, only=only, progress=progress)
    wall = time.perf_counter() - t0
    if report:
        write_report(results, report, mode, wall)
    return {"mode": mode, "wall_time_s": wall, "passed": all(r.passed for r in results),
            "checks": [r.to_dict() for r in results]}


def bench(*, what: str = "all") -> dict:
    """Throughput benchmarks (ratios measured in one run)."""
    from .bench import BENCHES, run_benchmarks

    if what != "all" and what not in BENCHES:
        raise ParameterError("--what must be one of %s, all; got %r" % (", ".join(BENCHES), what))
    return run_benchmarks(list(BENCHES) if what == "all" else [what])
