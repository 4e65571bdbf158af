"""The command-line tasks of circuits (several populations, synaptic filtering; issue 11): one function per task,
each returning a JSON-ready dict, and the ``hopf`` and ``export`` subcommands; the tables and figures the CLI prints
or writes from the dicts are in :mod:`shotnoise.validation.circuit_report`.

A model file with one population and delta synapses is a :class:`~shotnoise.numerics.model.Model` and goes through
:mod:`shotnoise.validation.tasks` exactly as before; a file with several populations or tau_s != 0 is a
:class:`~shotnoise.numerics.circuit.model.Circuit` and comes here.  Layouts (issue 11 point 5):

* fixed points: ``{"populations": [names], "fixed_points": [{name: {"r", "v"}, ..., "stability", "eigenvalues"}]}``
* spectrum: ``{"convention", "omega", "populations", "fixed_point": {name: {"r", "v", "s"}}, "spectra": {name:
  {"shot", "activity", "synaptic", "rate", "voltage"}}, "cross": {"a|b": {"re", "im"}}, "coherence", "stability",
  "quasi_cycle"}``
* hopf: ``Continuation.to_dict()``
* simulations: the run's ``to_dict()`` beside the theory (fixed-point rates, expected Welch estimates).
"""
from __future__ import annotations

import math

import numpy as np

from shotnoise.theory.errors import ParameterError

from .circuit_report import format_hopf, plot_hopf
from .tasks import DEFAULT_NOISE, ORDER_PARAMETER_NOTE, run_parameters

#: keys of a fixed point object next to the population names (a population may not be called so)
FIXED_POINT_EXTRA_KEYS = ("stability", "eigenvalues", "index")


# ----------------------------------------------------------------------------- reading
def read_model_file(path):
    """A model file as a Model (one population, delta synapses) or a Circuit; ParameterError naming the file."""
    from shotnoise.numerics.circuit.model import load_model

    return load_model(path)


def is_circuit_file(path) -> bool:
    """Whether the model file at ``path`` describes a circuit (several populations or tau_s != 0)."""
    import pathlib

    from shotnoise.numerics.circuit.model import is_circuit_document
    from shotnoise.numerics.model import Model

    return is_circuit_document(Model._read_json(pathlib.Path(path)))


def _check_names(circuit) -> None:
    clash = [n for n in circuit.names if n in FIXED_POINT_EXTRA_KEYS]
    if clash:
        raise ParameterError("populations.%s: a population may not be called %s (reserved in the outputs)"
                             % (clash[0], " or ".join(repr(k) for k in FIXED_POINT_EXTRA_KEYS)))


def single_population_circuit(model, *, tau_s: float = 0.0):
    """The one-population circuit 'pop' of a Model (single-population flags) with an outgoing synapse tau_s."""
    from shotnoise.numerics.circuit.model import Circuit, Population

    if model.M is not None:
        raise ParameterError("--M (a read-out subset) is not supported here")
    pop = Population(name="pop", eta_bar=model.eta_bar, Delta=model.Delta, tau=model.tau, tau_s=tau_s, I=model.I,
                     N=model.N, heterogeneity=model.heterogeneity, poles=model.poles)
    return Circuit(populations=[pop], coupling=[[model.J]])


# ----------------------------------------------------------------------------- theory
def circuit_fixed_points_report(circuit) -> dict:
    """All fixed points: per population r and v, with stability and eigenvalues ([re, im] pairs)."""
    _check_names(circuit)
    out = []
    for q in circuit.fixed_points():
        d = {n: {"r": float(q.r[a]), "v": float(q.v[a])} for a, n in enumerate(circuit.names)}
        d["stability"] = q.stability
        d["eigenvalues"] = [[float(z.real), float(z.imag)] for z in q.eigenvalues]
        out.append(d)
    return {"populations": list(circuit.names), "fixed_points": out}


def stable_point(circuit, *, index: int | None = None):
    """The fixed point for linear response (``Circuit.operating_point``); an unstable one is a ParameterError
    saying that linear response is undefined there."""
    op = circuit.operating_point(index=index, require_stable=False)
    if not op.stable:
        z = op.leading_eigenvalue
        raise ParameterError("linear response is undefined at this fixed point: it is %s (%s, leading eigenvalue "
                             "%.4g%+.4gi)%s" % (op.stability, _rates_text(op), z.real, abs(z.imag),
                                                "; past a Hopf point the circuit oscillates"
                                                if "focus" in op.stability else ""))
    return op


def circuit_spectrum_report(circuit, *, omega, index: int | None = None) -> dict:
    """Spectra and cross-spectra of every population at a stable fixed point (two-sided, angular frequency)."""
    _check_names(circuit)
    op = stable_point(circuit, index=index)
    circuit.N  # noqa: B018 - every population needs N (ParameterError naming it)
    sp = op.spectra(omega).to_dict()
    fp = op.to_dict()
    doc = {"convention": sp["convention"], "omega": sp["omega"], "populations": sp["populations"],
           "fixed_point": {n: {k: fp["fixed_point"][n][k] for k in ("r", "v", "s")} for n in circuit.names},
           "spectra": sp["spectra"], "cross": sp["cross"], "coherence": sp["coherence"],
           "stability": fp["stability"], "quasi_cycle": fp["quasi_cycle"], "parameters": circuit.describe()}
    for n, d in doc["spectra"].items():
        for k, xs in d.items():
            if not all(math.isfinite(x) for x in xs):
                raise ParameterError("the %s spectrum of population %s is not finite on this omega grid (omega too "
                                     "large?)" % (k, n))
    return doc


def hopf_report(circuit, *, parameter: str, start: float, stop: float, points: int) -> dict:
    """Continuation in one parameter: branches, Hopf points and folds (``Continuation.to_dict()``)."""
    _check_names(circuit)
    return circuit.hopf(parameter=parameter, start=start, stop=stop, points=points).to_dict()


def export_model_file(path, *, fmt: str, stochastic: bool = False, standalone: bool = False) -> dict:
    """The mass model of a model file (any number of populations) exported in ``fmt``, starting from the stable fixed
    point of the file's parameters (``numerics.export_state.at_steady_state``; its note says when there is none)."""
    import pathlib

    from shotnoise.numerics.circuit.model import Circuit
    from shotnoise.numerics.export_state import at_steady_state
    from shotnoise.numerics.model import Model
    from shotnoise.theory.export import export
    from shotnoise.theory.models import circuit_export_model

    p = pathlib.Path(path)
    model = read_model_file(p)  # validates the file (errors name it and the key)
    doc = Model._read_json(p)
    if isinstance(model, Model):
        doc = model.to_dict()  # the flat single-population layout, normalised
        doc["populations"]["pop"].pop("M", None)
    try:
        m = circuit_export_model(doc, stochastic=stochastic)
        circuit = model if isinstance(model, Circuit) else Circuit.from_model(model.replace(M=None))
        m = at_steady_state(export_model=m, model=circuit)  # starts at the stable fixed point of the defaults
        text = export(m, fmt, standalone=standalone)
    except ParameterError as e:
        raise ParameterError("model file %s: %s" % (p, e)) from None
    return {"format": fmt, "stochastic": stochastic, "text": text}


# ----------------------------------------------------------------------------- simulations vs theory
def _theory_point(circuit, *, index: int | None, rates=None):
    """The fixed point a run is compared with: ``index``, else the unique one, else the one nearest the measured
    rates; None if there is none."""
    try:
        pts = circuit.fixed_points()
    except ParameterError:
        return None
    if not pts:
        return None
    if index is not None:
        return circuit.operating_point(index=index, require_stable=False)
    if len(pts) == 1 or rates is None:
        return pts[0]
    r = np.maximum(np.asarray(rates, dtype=float), 1e-300)
    return min(pts, key=lambda q: float(np.max(np.abs(np.log(q.r) - np.log(r)))))


def _measured_spectra(res, names) -> dict:
    """Per population the run's Welch estimate of its activity (a Spectrum), if it accumulated them."""
    sp = getattr(res, "spectra", None)
    if isinstance(sp, dict):
        return {n: sp[n] for n in names if n in sp}
    if isinstance(sp, (list, tuple)) and len(sp) == len(names):
        return dict(zip(names, sp))
    return {}


def _spectrum_theory(op, *, segment: float, bin_width: float, measured: dict) -> dict:
    """The expected Welch estimates of the linear theory (auto per population, activity cross-spectra) on the run's
    grid, and per population the ratio of the mean measured to the mean expected estimate (omega > 0)."""
    if op is None:
        return {"theory": None, "theory_note": "linear theory not applicable: no fixed point with every population "
                "firing"}
    if not op.stable:
        return {"theory": None, "theory_note": "linear theory not applicable: the fixed point is %s (linear "
                "response is undefined there)" % op.stability}
    try:
        ew = op.expected_welch(segment=segment, bin_width=bin_width)
    except ParameterError as e:
        return {"theory": None, "theory_note": "linear theory not applicable: %s" % e}
    ratio = {}
    for n, sp in measured.items():
        w, psd = np.asarray(sp.omega), np.asarray(sp.psd)
        if w.shape != ew.omega.shape or not np.allclose(w, ew.omega, rtol=1e-9, atol=0):
            return {"theory": None, "theory_note": "the run's Welch grid differs from the theory's"}
        pos = w > 0
        ratio[n] = float(np.mean(psd[pos]) / np.mean(ew.auto(n)[pos]))
    return {"theory": ew.to_dict(), "psd_ratio": ratio or None,
            "theory_note": "expected Welch estimate of the linear theory (shot noise) at the fixed point %s (binning, "
            "window); psd_ratio = mean measured / mean expected estimate over omega > 0" % _rates_text(op)}


def _rates_text(op) -> str:
    return ", ".join("r_%s=%.6g" % (n, r) for n, r in zip(op.names, op.r))


def _run_doc(res) -> dict:
    d = res.to_dict()
    return {k: v for k, v in d.items() if k != "arrays"}


def _series(res, *, transient: float, bin_width: float) -> dict:
    """The binned series of a run kept with keep_series (for --save), with their time axes: ``t_bins`` (start of
    each bin) and, for a network, ``t_Z`` (time of each order-parameter sample)."""
    out = {}
    for key in ("activity", "synaptic", "r", "v", "s", "Z", "r_Z", "v_Z"):
        x = getattr(res, key, None)
        if isinstance(x, np.ndarray) and x.size:
            out[key] = x
    binned = next((out[k] for k in ("activity", "s", "r") if k in out), None)
    if binned is not None:
        out["t_bins"] = transient + bin_width * np.arange(binned.shape[-1])
    if "Z" in out:
        out["t_Z"] = transient + float(res.order_parameter_interval) * np.arange(1, out["Z"].shape[-1] + 1)
    return out


def _spectrum_series(doc: dict) -> dict:
    """For --save: omega and per population (rows, in the order of the populations) the run's Welch estimate psd
    with its confidence interval ci_low, ci_high, and the theory's expected estimate where the theory applies."""
    spectra = doc["run"].get("spectra")
    names = doc["theory"]["populations"]
    if not spectra or any(n not in spectra for n in names):
        return {}
    out = {"omega": np.asarray(spectra[names[0]]["omega"], dtype=float)}
    for key in ("psd", "ci_low", "ci_high"):
        out[key] = np.array([spectra[n][key] for n in names], dtype=float)
    th = doc["theory"]["spectrum"].get("theory")
    if th is not None:
        out["theory"] = np.array([th["auto"][n] for n in names], dtype=float)
    return out


def _compare(circuit, res, *, index, bin_width: float, segment: float, white: bool = False) -> dict:
    """Measured mean rates beside the fixed-point rates, and the measured spectra beside the theory's."""
    names = list(circuit.names)
    measured = np.atleast_1d(np.asarray(res.mean_rate, dtype=float))
    op = _theory_point(circuit, index=index, rates=measured)
    rates = {n: {"mean_rate": float(measured[a]), "theory_rate": None if op is None else float(op.r[a])}
             for a, n in enumerate(names)}
    if white:
        spectrum = {"theory": None, "theory_note": "the circuit theory's spectra are those of the shot noise; white "
                    "noise (flat S_xi = r/N) is compared in rates only"}
    else:
        spectrum = _spectrum_theory(op, segment=segment, bin_width=bin_width,
                                    measured=_measured_spectra(res, names))
    return {"populations": names, "rates": rates, "fixed_point": None if op is None else
            {"r": {n: float(op.r[a]) for a, n in enumerate(names)}, "stability": op.stability},
            "spectrum": spectrum}


def circuit_network_report(circuit, *, T: float, dt: float, transient: float = 0.0, segment: float | None = None,
                           bin_width: float | None = None, draw: str = "quantile", seed: int = 0,
                           index: int | None = None, keep_series: bool = False, progress: bool = False) -> dict:
    """Simulate the circuit's network; its ``to_dict()`` under "run", the theory beside it under "theory"."""
    from .guards import check_network_memory, check_run
    from .tasks import default_bin_width

    _check_names(circuit)
    N = circuit.N
    bw = default_bin_width(dt=dt, requested=bin_width)
    segment = check_run(T=T, dt=dt, transient=transient, segment=segment, bin_width=bw)
    check_network_memory(N=int(N.sum()), T=T, dt=dt, bin_width=bw, keep_series=keep_series)
    res = circuit.simulate_network(T=T, dt=dt, transient=transient, bin_width=bw, draw=draw, seed=seed, index=index,
                                   keep_series=keep_series, segment=segment, progress=progress)
    doc = {"parameters": dict(circuit.to_dict(), draw=draw, seed=seed, index=index, **run_parameters(
                T=T, dt=dt, transient=transient, segment=segment, bin_width=bw)),
           "bin_width": bw, "segment": segment,
           "run": _run_doc(res), "theory": _compare(circuit, res, index=index, bin_width=bw, segment=segment),
           "observables": {"activity": "spikes per bin / (N_a bin_width) of each population; its spectrum is "
                           "compared with the theory", "mean_rate_Z": ORDER_PARAMETER_NOTE}}
    if keep_series:
        doc["arrays"] = dict(_series(res, transient=transient, bin_width=bw), bin_width=np.array(bw),
                             order_parameter_interval=np.array(float(res.order_parameter_interval)),
                             **_spectrum_series(doc))
    return doc


def circuit_stochastic_mass_report(circuit, *, T: float, dt: float, noise: str = DEFAULT_NOISE, scheme: str = "heun",
                                   transient: float = 0.0, segment: float | None = None,
                                   bin_width: float | None = None, seed: int = 0, index: int | None = None,
                                   keep_series: bool = False, progress: bool = False) -> dict:
    """Simulate the circuit's stochastic mass model; its ``to_dict()`` under "run", the theory under "theory"."""
    from .guards import check_memory, check_run
    from .tasks import default_bin_width

    _check_names(circuit)
    circuit.N  # noqa: B018
    bw = default_bin_width(dt=dt, requested=bin_width)
    segment = check_run(T=T, dt=dt, transient=transient, segment=segment, bin_width=bw)
    if keep_series:
        check_memory(24.0 * circuit.P * T / bw, "keeping %.3g bins per population" % (T / bw))
    res = circuit.simulate_stochastic_mass(T=T, dt=dt, noise=noise, scheme=scheme, transient=transient,
                                           bin_width=bw, seed=seed, index=index, keep_series=keep_series,
                                           segment=segment, progress=progress)
    doc = {"parameters": dict(circuit.to_dict(), noise=noise, scheme=scheme, seed=seed, index=index,
                              **run_parameters(T=T, dt=dt, transient=transient, segment=segment, bin_width=bw)),
           "bin_width": bw, "segment": segment, "run": _run_doc(res),
           "theory": _compare(circuit, res, index=index, bin_width=bw, segment=segment, white=noise == "white")}
    if keep_series:
        doc["arrays"] = dict(_series(res, transient=transient, bin_width=bw), bin_width=np.array(bw),
                             **_spectrum_series(doc))
    return doc


# ----------------------------------------------------------------------------- command line
#: options that describe one population (attribute, flag): refused with a circuit model file
SINGLE_POPULATION_OPTIONS = (("eta_bar", "--eta-bar"), ("delta", "--delta"), ("J", "--J"), ("I", "--I"),
                             ("tau", "--tau"), ("N", "--N"), ("heterogeneity", "--heterogeneity"),
                             ("poles", "--poles"), ("M", "--M"), ("branch", "--branch"), ("tau_s", "--tau-s"))


def circuit_of_options(a):
    """The Circuit of ``--model FILE`` when the file has several populations or synapses; None otherwise (the
    single-population path, exactly as before).  Single-population options with a circuit file, and --index
    without one, are ParameterErrors."""
    if a.model_file is None or not is_circuit_file(a.model_file):
        if getattr(a, "index", None) is not None:
            raise ParameterError("--index chooses among the fixed points of a circuit model file (several "
                                 "populations or synapses); for one population use --branch")
        return None
    circuit = read_model_file(a.model_file)
    given = [flag for key, flag in SINGLE_POPULATION_OPTIONS if getattr(a, key, None) is not None]
    if given:
        raise ParameterError("%s cannot be combined with the circuit model file %s (populations %s): edit the file"
                             % (", ".join(given), a.model_file, ", ".join(circuit.names)))
    return circuit


def cmd_hopf(a) -> int:
    from .cli_options import _model, _print_json
    from .writers import atomic_path, check_output

    png = check_output(a.plot, option="--plot", extensions=(".png",))
    if a.from_ == a.to:
        raise ParameterError("--from and --to must differ, got %r" % a.from_)
    circuit = circuit_of_options(a)
    if circuit is None:  # one population 'pop' from the options (or a one-population file) with --tau-s
        circuit = single_population_circuit(_model(a), tau_s=0.0 if a.tau_s is None else a.tau_s)
    try:
        circuit.parameter(a.vary)
    except ParameterError as e:
        raise ParameterError("--vary %s: %s" % (a.vary, e)) from None
    doc = hopf_report(circuit, parameter=a.vary, start=a.from_, stop=a.to, points=a.points)
    doc.setdefault("parameters", circuit.describe())
    if png is not None:
        with atomic_path(png) as tmp:
            plot_hopf(doc, tmp)
    _print_json(doc) if a.json else print(format_hopf(doc))
    return 0


def cmd_export(a) -> int:
    import sys

    doc = export_model_file(a.model, fmt=a.format, stochastic=a.stochastic, standalone=a.standalone)
    sys.stdout.write(doc["text"] if doc["text"].endswith("\n") else doc["text"] + "\n")
    return 0


def add_circuit_parsers(sub, *, model_options, number, formats) -> None:
    """The ``hopf`` and ``export`` subcommands."""
    h = sub.add_parser("hopf", help="continue the fixed points in one parameter: branches, Hopf points, folds")
    model_options(h, with_N=True, families="model")
    h.add_argument("--tau-s", type=number, help="without a circuit file: the population's synaptic time constant "
                   "tau_s >= 0 (default 0, delta synapses); the population is called 'pop'")
    h.add_argument("--vary", required=True, metavar="PATH", help="parameter path: POP.eta_bar|Delta|tau|tau_s|I|N, "
                   "input.POP or J.TARGET.SOURCE (e.g. I.tau_s, J.E.I, pop.tau_s)")
    h.add_argument("--from", dest="from_", type=number, required=True, help="first value of the parameter")
    h.add_argument("--to", type=number, required=True, help="last value of the parameter")
    h.add_argument("--points", type=int, default=200, help="grid values (default 200); Hopf points and folds are "
                   "refined between them")
    h.add_argument("--json", action="store_true", help="print JSON instead of a table")
    h.add_argument("--plot", metavar="FILE.png", help="draw the branches (overwritten if it exists)")
    h.set_defaults(func=cmd_hopf)

    ex = sub.add_parser("export", help="export the mass model of a model file (any number of populations)")
    ex.add_argument("--model", required=True, metavar="FILE.json", help="JSON model file")
    ex.add_argument("--format", default="latex", choices=formats, help="output language")
    ex.add_argument("--stochastic", action="store_true", help="add the shot noise (white-noise limit, Ito)")
    ex.add_argument("--standalone", action="store_true", help="with --format latex: a complete document for pdflatex "
                    "(without it: a fragment that needs \\usepackage{amsmath})")
    ex.set_defaults(func=cmd_export)
