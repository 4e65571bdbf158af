"""One library function per command-line task; each returns a JSON-ready dict.

The CLI (``validation/cli.py``) only parses arguments, calls one of these and prints or
writes the dict.  Domain decisions live here: which fixed point a simulation is compared
with, which theory rate a network is compared with, how a simulated spectrum is paired
with the theory's expected Welch estimate.  Large arrays meant for files (not for the
terminal) travel under the key ``"arrays"`` (numpy arrays), which the CLI removes before
printing; :data:`ARRAY_UNITS` and :data:`ARRAY_DESCRIPTIONS` (:func:`file_metadata`) say what they are when
they are written (``shotnoise.numerics.results_file``), and every simulation's ``parameters`` block carries the
run's settings as used (:func:`run_parameters`: T, dt, transient, segment, bin_width).
"""
from __future__ import annotations

import math
import time

import numpy as np

from shotnoise.numerics import units
from shotnoise.numerics.model import Model
from shotnoise.numerics.shot_spectrum import CONVENTION
from shotnoise.theory.errors import ParameterError

from .guards import (MAX_STEPS, check_memory, check_network_memory, check_run, mode_warnings, network_warnings,
                     theory_warnings)

#: keys of every fixed point in the JSON outputs, whatever the family (None where not defined)
FIXED_POINT_KEYS = ("r", "v", "stability", "branch", "eta_t", "eigenvalues", "rate_error", "stability_report")

#: the stochastic mass model's default noise: a shot-noise model the package's own validation accepts against the
#: shot-noise theory (suite checks mass-colored and mass-surrogate pass; the white-noise limit is rejected by
#: mass-white-vs-shot-noise); colored rather than surrogate because its cost does not grow with N
DEFAULT_NOISE = "colored"

#: what the network's order-parameter outputs are (simulate network --help, its JSON "observables", --save files)
ORDER_PARAMETER_NOTE = (
    "r_Z, v_Z (and mean_rate_Z) are the finite network's Kuramoto order-parameter estimates: Z = <exp(i theta_j)> "
    "over its N neurons (theta = 2 atan V), W = (1 - conj Z)/(1 + conj Z) = pi tau r_Z + i v_Z. They carry the "
    "finite sample's own noise (a mean of N phases); they are not the mass model's r, v, and their spectra are not "
    "the theory's S_r, S_v. The quantity compared with the shot-noise theory is the activity (spike counts per bin).")

#: which quantity of :data:`shotnoise.numerics.units.QUANTITIES` every array a command writes is (its unit comes from
#: that one table: time in units of tau, rates 1/tau, V, eta, J dimensionless, rate spectra 1/tau)
ARRAY_QUANTITIES = {
    "t": "time", "t_bins": "time", "t_Z": "time", "r": "rate", "v": "voltage", "s": "rate", "activity": "rate", "activity_M": "rate",
    "synaptic": "rate", "Z": "order_parameter", "r_Z": "rate", "v_Z": "voltage", "eta": "excitability",
    "bin_width": "duration", "order_parameter_interval": "duration", "omega": "angular_frequency",
    "psd": "rate_spectrum", "ci_low": "rate_spectrum", "ci_high": "rate_spectrum", "theory": "rate_spectrum",
}
ARRAY_QUANTITIES.update({k + "_M": ARRAY_QUANTITIES[k] for k in ("psd", "ci_low", "ci_high", "theory")})
#: units of every array a command writes (from :data:`ARRAY_QUANTITIES` and the units table)
ARRAY_UNITS = {k: units.unit(q) for k, q in ARRAY_QUANTITIES.items()}
#: what every array holds
ARRAY_DESCRIPTIONS = {
    "t": "time of each sample",
    "t_bins": "start time of each bin of the binned series (bin k covers [t_bins[k], t_bins[k] + bin_width))",
    "t_Z": "time of each order-parameter sample Z (transient + (k + 1) order_parameter_interval)", "r": "population rate r (bin average for a stochastic run)",
    "v": "mean voltage v (bin average for a stochastic run)",
    "s": "activity s = r + xi of the stochastic mass model, bin-averaged (compare with a network's activity)",
    "activity": "network activity: spikes per bin / (N bin_width)",
    "activity_M": "activity of the recorded random subset of M neurons (empty without --M)",
    "synaptic": "bin averages of the synaptic variable s_b (= the activity for delta synapses)",
    "Z": "Kuramoto order parameter <exp(i theta)> every order_parameter_interval",
    "r_Z": "rate estimate from Z (finite network's order parameter, not the mass model's r; see notes)",
    "v_Z": "voltage estimate from Z (finite network's order parameter, not the mass model's v; see notes)",
    "eta": "the neurons' excitabilities", "bin_width": "bin width of the binned series",
    "order_parameter_interval": "spacing of the Z samples",
    "omega": "angular frequencies of the Welch estimate",
    "psd": "Welch estimate of the activity's spectrum (Hann window, 50% overlap)",
    "ci_low": "lower end of the chi-square confidence interval of psd", "ci_high": "upper end of that interval",
    "theory": "the linear shot-noise theory's expected Welch estimate on the same grid (binning, window)",
}
#: the "theory" array of a run with ``noise='white'``: the white-noise model's own linear spectrum, not the shot noise's
WHITE_THEORY_DESCRIPTION = ("the white-noise (diffusion-limit) model's expected Welch estimate on the same grid "
                            "(binning, window): its linear spectrum (r0/N)|1/(1 - J G)|^2, not the shot-noise theory")
ARRAY_DESCRIPTIONS.update({k + "_M": ARRAY_DESCRIPTIONS[k] + ", for the random subset of M neurons"
                           for k in ("psd", "ci_low", "ci_high", "theory")})


def file_metadata(arrays: dict, *, populations: list | None = None, descriptions: dict | None = None,
                  noise: str | None = None) -> tuple[dict, dict]:
    """(units, descriptions) of the arrays of a result file (a circuit's (P, n) arrays: one row per population, in
    the order ``populations``); ``descriptions`` replaces the standard description of some arrays; ``noise``
    ('white' for a white-noise stochastic mass run) says which theory the "theory" array is."""
    missing = [k for k in arrays if k not in ARRAY_UNITS]
    if missing:
        raise ParameterError("no units known for the array(s) %s (tasks.ARRAY_UNITS)" % ", ".join(missing))
    found = {k: ARRAY_UNITS[k] for k in arrays}
    standard = dict(ARRAY_DESCRIPTIONS, theory=WHITE_THEORY_DESCRIPTION) if noise == "white" else ARRAY_DESCRIPTIONS
    desc = {k: (descriptions or {}).get(k, standard[k]) for k in arrays}
    for k, a in arrays.items():
        if np.ndim(a) == 2 and populations:
            desc[k] += " (rows: populations %s)" % ", ".join(populations)
    return found, desc


def run_parameters(*, T: float, dt: float, transient: float, segment: float, bin_width: float) -> dict:
    """The settings of a run as reported in the ``parameters`` block (segment and bin width as used)."""
    return {"T": float(T), "dt": float(dt), "transient": float(transient), "segment": float(segment),
            "bin_width": float(bin_width)}


def spectrum_arrays(sdoc: dict) -> dict:
    """omega, psd, ci_low, ci_high (and theory, where the linear theory applies) of a spectrum dict, as arrays."""
    out = {k: np.asarray(sdoc[k], dtype=float) for k in ("omega", "psd", "ci_low", "ci_high") if k in sdoc}
    if sdoc.get("theory") is not None:
        out["theory"] = np.asarray(sdoc["theory"], dtype=float)
    return out


def fixed_point_dict(op) -> dict:
    """``OperatingPoint.to_dict()`` with the same keys for every family: v, rate_error (quadrature error of r)
    and stability_report (collective modes of a family without a finite reduced model) are None where not
    defined."""
    d = op.to_dict()
    return {**{k: None for k in FIXED_POINT_KEYS}, **d}


# ----------------------------------------------------------------------------- theory
def fixed_points_report(model: Model) -> dict:
    """All fixed points (sorted by r) with stability, eigenvalues and branch names (same keys for every family);
    for a family with bounded support whose every neuron can rest (uniform: eta_bar + Delta + I <= 0) also the
    silent state r = 0 under "quiescent" (``Model.quiescent_state``; then an empty list of firing states is
    not an error)."""
    quiet = model.quiescent_state()
    try:
        firing = [fixed_point_dict(q) for q in model.fixed_points()]
    except ParameterError:
        if quiet is None:
            raise
        firing = []
    doc = {"parameters": model.flat_dict(), "fixed_points": firing}
    if quiet is not None:
        doc["quiescent"] = quiet.to_dict()
    return doc


def spectrum_report(model: Model, *, omega, branch: str | None = None, order: int = 1) -> dict:
    """Shot-noise, activity, rate, voltage (and subpopulation) spectra at a stable fixed point, with resonance data.

    Two-sided, angular frequency: S(omega) = int C(t) exp(-i omega t) dt.  An unstable asynchronous
    state is a ParameterError; "warnings" lists the near-neutral collective modes near whose frequency the linear
    spectrum is not trustworthy for this N (``guards.mode_warnings``).  ``order=2`` adds "second_order"
    (``numerics.order2.SecondOrder.to_dict``: the O(1/N^2) correction to add to "activity", the O(1/N) rate
    shift, the components).
    """
    op = model.operating_point(branch=branch)
    sp = op.spectra(omega, order=order)
    doc = {"convention": CONVENTION, "parameters": model.flat_dict(), "fixed_point": fixed_point_dict(op),
           "resonance": op.resonance().to_dict(), "omega": sp.omega.tolist(), "shot": sp.shot.tolist(),
           "activity": sp.activity.tolist(), "rate": sp.rate.tolist(), "voltage": sp.voltage.tolist(),
           "warnings": mode_warnings(op, N=model.require_N())}
    if sp.subpopulation is not None:
        doc["subpopulation"] = sp.subpopulation.tolist()
    if sp.second_order is not None:
        doc["second_order"] = sp.second_order.to_dict()
        doc["activity_order2"] = (sp.activity + sp.second_order.activity).tolist()
    for key in ("shot", "activity", "rate", "voltage", "subpopulation", "activity_order2"):
        if key in doc and not all(math.isfinite(x) for x in doc[key]):
            raise ParameterError("the %s spectrum is not finite on this omega grid (omega too large?)" % key)
    return doc


def trajectory_report(model: Model, *, r0: float, v0: float, T: float, dt: float, method: str = "rk4",
                      save_every: int = 1) -> dict:
    """Deterministic MPR trajectory: summary plus the arrays t, r, v."""
    from shotnoise.numerics.parameters import positive

    T, dt = positive("T", T), positive("dt", dt)
    if T / dt > MAX_STEPS:
        raise ParameterError("T/dt = %.3g steps is more than %.0e; raise dt or shorten T" % (T / dt, MAX_STEPS))
    check_memory(24.0 * T / dt / max(int(save_every) if save_every >= 1 else 1, 1), "a trajectory of %.3g samples"
                 % (T / dt / max(save_every, 1)))
    tr = model.integrate(r0=r0, v0=v0, T=T, dt=dt, method=method, save_every=save_every)  # raises if it diverges
    return {"model": "mpr", "method": method,
            "parameters": dict(model.flat_dict(), r0=r0, v0=v0, T=T, dt=dt, method=method, save_every=int(save_every)),
            "initial": {"r": r0, "v": v0},
            "T": T, "dt": dt, **tr.to_dict(), "arrays": {"t": tr.t, "r": tr.r, "v": tr.v}}


# ----------------------------------------------------------------------------- simulations vs theory
def spectrum_with_theory(x, *, model: Model, bin_width: float, segment: float, near_rate: float,
                         subpopulation: bool = False, kind: str | None = None, order: int = 1) -> dict:
    """Welch estimate of a simulated activity ``x`` (an array, or an already accumulated ``Spectrum``)
    and the theory's expected estimate on the same grid.

    The theory is the linear (order 1/N) shot-noise theory of the model's own family at the stable
    fixed point closest to ``near_rate`` (the measured mean rate), binned and leaked exactly like the
    estimate.  When it does not apply (no stable fixed point) "theory" is None and "theory_note" says why.
    ``kind`` (default 'activity', or 'subpopulation' with ``subpopulation``) picks the spectrum: 'white' for a
    mass model driven by white noise, whose linear spectrum is (r0/N) |1/(1 - J G)|^2.  ``order=2`` (activity of
    a Lorentzian population) adds "theory_order2": the expected estimate of the linear spectrum plus the O(1/N^2)
    correction (``second_order_checks.expected_welch_order2``) and "rate_shift" (the O(1/N) mean-rate shift), or
    "theory_order2_note" saying why the second-order theory does not apply.
    """
    from shotnoise.numerics.spectral_estimation import Spectrum, welch, welch_expectation

    spec = x if isinstance(x, Spectrum) else welch(x, dt=bin_width, segment=segment)
    doc = spec.to_dict()
    try:
        op = model.nearest_stable_point(r=near_rate)
        S = op.binned(bin_width=bin_width, kind=kind or ("subpopulation" if subpopulation else "activity"))
    except ParameterError as e:
        doc["theory"] = None
        doc["theory_note"] = "linear theory not applicable: %s" % e
        return doc
    doc["theory"] = welch_expectation(S_binned=S, spec=spec).tolist()
    if order == 2 and (kind or "activity") == "activity" and not subpopulation:
        from .second_order_checks import expected_welch_order2
        try:
            ew = expected_welch_order2(op, segment=spec.nperseg * bin_width, bin_width=bin_width)
        except ParameterError as e:  # e.g. a marginal fixed point: keep the run and the linear comparison
            doc["theory_order2_note"] = "second-order theory not applicable: %s" % e
        else:
            doc["theory_order2"] = ew["order2"].tolist()
            doc["rate_shift"] = ew["rate_shift"].to_dict()
    w1 = op.resonance().omega_peak
    if math.isfinite(w1):  # below it the O(1/N^2) terms, missing from the linear theory, dominate (THEORY.md)
        doc["second_order_band"] = {"omega_below": 0.4 * w1, "omega_peak": w1}
    if kind == "white":
        doc["theory_note"] = ("expected Welch estimate (binning, window) of the white-noise (diffusion-limit) model's "
                              "linear spectrum (r0/N)|1/(1 - J G)|^2 at the fixed point r=%.6g; not the shot-noise "
                              "theory" % op.r)
    else:
        doc["theory_note"] = ("expected Welch estimate of the linear shot-noise theory at the fixed point r=%.6g "
                              "(binning, window)" % op.r)
    return doc


def theory_rate(model: Model, *, near_rate: float) -> float | None:
    """The thermodynamic-limit rate a network is compared with: the fixed point of the model's own family
    (``Model.fixed_points``) closest to the measured rate; None when there is no fixed point with r > 0."""
    try:
        return min(model.fixed_points(), key=lambda q: abs(q.r - near_rate)).r
    except ParameterError:
        return None


def network_report(model: Model, *, T: float, dt: float, transient: float = 0.0, segment: float | None = None,
                   bin_width: float | None = None, draw: str = "quantile", seed: int = 0, keep_series: bool = False,
                   progress: bool = False, order: int = 1) -> dict:
    """Simulate the finite network and compare its mean rate and spectrum with the theory of its family.

    ``order=2`` (Lorentzian) adds the second-order theory: "quenched_rate_order2" = quenched_rate + the O(1/N) rate
    shift, and the spectrum's "theory_order2" (``spectrum_with_theory``).

    "theory_rate" is the family's own fixed-point rate closest to the measured one ("mpr_rate", its old name,
    is kept as an alias with the same value).

    Memory does not grow with T unless ``keep_series`` (then the binned series travel under "arrays",
    for ``--save``): the Welch estimates and means are accumulated during the run.  ``segment``
    defaults to min(50, (T - transient)/4) time units.
    """
    from shotnoise.numerics.quenched import quenched_rate

    N = model.require_N()
    if N != int(N):
        raise ParameterError("N must be an integer >= 1 for a network, got %r" % N)
    model._integer_M()
    bw = default_bin_width(dt=dt, requested=bin_width)
    segment = check_run(T=T, dt=dt, transient=transient, segment=segment, bin_width=bw)
    check_network_memory(N=int(N), T=T, dt=dt, bin_width=bw, keep_series=keep_series)
    if order not in (1, 2):
        raise ParameterError("order must be 1 or 2, got %r" % (order,))
    if order == 2 and model.heterogeneity != "lorentzian":
        raise ParameterError("--order 2: the second-order theory is derived for the Lorentzian MPR model; got "
                             "heterogeneity=%r" % model.heterogeneity)
    res = model.simulate_network(T=T, dt=dt, transient=transient, bin_width=bw, draw=draw, seed=seed,
                                 progress=progress, keep_series=keep_series, segment=segment)
    mean = res.mean_rate
    sdoc = spectrum_with_theory(res.spectrum, model=model, bin_width=bw, segment=segment, near_rate=mean,
                                order=order)
    rate = theory_rate(model, near_rate=mean)
    doc = {"parameters": dict(model.flat_dict(), draw=draw, seed=seed, **run_parameters(
                T=T, dt=dt, transient=transient, segment=segment, bin_width=bw)),
           "mean_rate": mean, "quenched_rate": quenched_rate(res.eta, J=model.J, I=model.I, tau=model.tau, near=mean),
           "theory_rate": rate, "mpr_rate": rate, "mean_rate_Z": res.mean_rate_Z, "bin_width": bw,
           "segment": segment, "spectrum": sdoc,
           "timing": {"neuron_steps_per_second": res.neuron_steps_per_second, "wall_time_s": res.wall_time},
           "max_phase_per_step": res.max_phase_per_step,
           "warnings": network_warnings(model, res=res, spectrum=sdoc, dt=dt, bin_width=bw, segment=segment),
           "observables": {"mean_rate": "time average of the activity (spike counts)",
                           "spectrum": "Welch estimate of the activity vs the theory's expected estimate",
                           "mean_rate_Z": ORDER_PARAMETER_NOTE}}
    if "rate_shift" in sdoc:  # the sample's own quenched rate plus the O(1/N) shift c/N (eqs. (96), (100))
        doc["quenched_rate_order2"] = doc["quenched_rate"] + sdoc["rate_shift"]["delta_r"]
    if model.M:
        subdoc = spectrum_with_theory(res.spectrum_M, model=model, bin_width=bw, segment=segment, near_rate=mean,
                                      subpopulation=True)
        doc["subpopulation"] = {"M": int(model.M), "mean_rate": res.mean_rate_M, "spectrum": subdoc}
    if keep_series:
        doc["arrays"] = {"activity": res.activity, "activity_M": res.activity_M if model.M else None,
                         "t_bins": transient + bw * np.arange(res.activity.size),
                         "Z": res.Z, "r_Z": res.r_Z, "v_Z": res.v_Z, "eta": res.eta, "bin_width": np.array(bw),
                         "order_parameter_interval": np.array(float(res.order_parameter_interval)),
                         **spectrum_arrays(sdoc)}
        if model.M:  # the subset's spectrum on the same grid
            doc["arrays"].update({k + "_M": v for k, v in spectrum_arrays(doc["subpopulation"]["spectrum"]).items()
                                  if k != "omega"})
        if res.Z is not None:
            doc["arrays"]["t_Z"] = transient + res.order_parameter_interval * np.arange(1, res.Z.size + 1)
        doc["arrays"] = {k: v for k, v in doc["arrays"].items() if v is not None}  # no Z without order parameter
    return doc


#: printed with every white-noise stochastic-mass run
WHITE_NOISE_WARNING = ("noise 'white' is the diffusion limit of the shot noise (intensity r/N): it misses the shot-noise "
                       "spectrum's shape (the peak at the firing frequencies, the omega^3 suppression below them), "
                       "and the package's check mass-white-vs-shot-noise rejects it against the network; the "
                       "spectrum here is compared with the white-noise model's own linear theory")


def stochastic_mass_report(model: Model, *, T: float, dt: float, noise: str = DEFAULT_NOISE, scheme: str = "heun",
                           transient: float = 0.0, segment: float | None = None, bin_width: float | None = None,
                           branch: str | None = None, seed: int = 0, keep_series: bool = False,
                           progress: bool = False) -> dict:
    """Simulate the stochastic mass model and compare its activity spectrum with the shot-noise theory.

    ``noise`` defaults to :data:`DEFAULT_NOISE` ('colored'), a shot-noise model; 'white' (the diffusion limit)
    misses the shot noise's spectral shape (rejected by the suite's mass-white-vs-shot-noise check).
    Memory does not grow with T unless ``keep_series`` (the binned s, r, v then travel under "arrays").
    A family without a finite reduced model (Gaussian, uniform) has no stochastic mass model (ParameterError
    from the library).
    """
    model.require_N()
    bw = default_bin_width(dt=dt, requested=bin_width)
    segment = check_run(T=T, dt=dt, transient=transient, segment=segment, bin_width=bw)
    if keep_series:
        check_memory(24.0 * T / bw, "keeping %.3g bins of s, r, v" % (T / bw))
    try:
        run = model.simulate_stochastic_mass(T=T, dt=dt, noise=noise, scheme=scheme, transient=transient,
                                             bin_width=bw, branch=branch, seed=seed, keep_series=keep_series,
                                             segment=segment, progress=progress)
    except ParameterError as e:
        if noise == "colored" and "stable fixed point" in str(e):  # say which noise model does without one
            raise ParameterError("%s (noise 'colored' draws the shot-noise spectrum of a stable fixed point; "
                                 "'surrogate' needs none)" % e) from None
        raise
    # white noise has the flat intensity r0/N, not the shot spectrum (no omega^3 suppression at low omega)
    sdoc = spectrum_with_theory(run.spectrum, model=model, bin_width=bw, segment=segment, near_rate=run.mean_rate,
                                kind="white" if noise == "white" else "activity")
    doc = {"parameters": dict(model.flat_dict(), noise=noise, scheme=scheme, seed=seed, branch=branch,
                              **run_parameters(T=T, dt=dt, transient=transient, segment=segment, bin_width=bw)),
           "mean_rate": run.mean_rate, "mean_r": run.mean_r, "mean_v": run.mean_v, "bin_width": bw,
           "segment": segment, "spectrum": sdoc,
           "theory_rate": theory_rate(model, near_rate=run.mean_rate),
           "warnings": theory_warnings(model, near_rate=run.mean_rate, dt=dt, spectrum=sdoc, segment=segment,
                                       n_neurons=None)}
    if noise == "white":
        doc["warnings"].insert(0, WHITE_NOISE_WARNING)
    if keep_series:
        doc["arrays"] = {"s": run.s, "r": run.r, "v": run.v, "t_bins": transient + bw * np.arange(run.s.size),
                         "bin_width": np.array(bw), **spectrum_arrays(sdoc)}
    return doc


def default_bin_width(*, dt: float, requested: float | None = None) -> float:
    """The requested bin, else the multiple of dt closest to 0.02 (at least dt)."""
    from shotnoise.numerics.parameters import positive

    dt = positive("dt", dt)
    if requested is not None:
        return positive("bin", requested)
    return dt * max(1, int(round(min(0.02 / dt, 1e12))))


# ----------------------------------------------------------------------------- validation, bench, demo
def validate(*, mode: str = "quick", only: list[str] | None = None, report: str | None = None,
             progress=None, scheduler: str | None = None, workers: int | None = None) -> dict:
    """Run the theory-vs-simulation checks of ``mode``; write a report directory if asked.  ``scheduler``
    ('local' or 'tcp://HOST:PORT'): run the checks as Dask tasks (suite.run_suite)."""
    from .report import describe_check, write_report
    from .suite import run_suite

    t0 = time.perf_counter()
    results = run_suite(mode, only=only, progress=progress, scheduler=scheduler, workers=workers)
    wall = time.perf_counter() - t0
    if report:
        from .writers import atomic_directory
        with atomic_directory(report, option="--report") as tmp:
            write_report(results, str(tmp), mode, wall)
    return {"mode": mode, "wall_time_s": wall, "passed": all(r.passed for r in results),
            "checks": [dict(c, statistic=describe_check(c)) for c in (r.to_dict() for r in results)]}


def bench(*, what: str = "all", progress=None) -> dict:
    """Throughput benchmarks (ratios measured in one run); ``progress(name)`` is called before each."""
    from .bench import BENCHES

    if what != "all" and what not in BENCHES:
        raise ParameterError("--what must be one of %s, all; got %r" % (", ".join(BENCHES), what))
    out = {}
    for name in (list(BENCHES) if what == "all" else [what]):
        if progress:
            progress(name)
        out[name] = BENCHES[name]()
    return out
