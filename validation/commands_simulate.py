"""``shotnoise simulate mass | network | stochastic-mass``: run a model, print a summary, save the series.

Files: ``--out`` / ``--save`` are self-describing (:mod:`shotnoise.numerics.results_file`: parameters, seed, package
version, conventions, units; read back with ``shotnoise.numerics.load``); ``--plot`` draws the run's spectrum
against the theory (:mod:`.simulation_plots`).  Every output path is checked before the run, and the files are
renamed into place together after it.
"""
from __future__ import annotations

from .cli_options import BRANCHES, DRAWS, NOISE_KINDS, SCHEMES, _add_model_options, _circuit, _float, _model, _print_json, _sampling, _show_progress, _without_arrays
from shotnoise.theory.errors import ParameterError


def cmd_simulate_mass(a) -> int:
    from .tasks import file_metadata, trajectory_report
    from .writers import check_output, command_metadata, write_table
    out = check_output(a.out, option="--out", extensions=(".csv", ".npz"))
    doc = trajectory_report(_model(a), r0=a.r0, v0=a.v0, T=a.T, dt=a.dt, method=a.method, save_every=a.save_every)
    if out is not None:
        units, desc = file_metadata(doc["arrays"])
        write_table(out, columns=doc["arrays"], metadata=command_metadata(
            a, kind="simulate mass", parameters=doc["parameters"], seed=None, units=units, descriptions=desc))
        doc["written"] = str(out)
    doc = _without_arrays(doc)
    if a.json:
        _print_json(doc)
    else:
        print("final r = %.10g, v = %.10g at t = %g (%d samples)" % (doc["r_final"], doc["v_final"],
                                                                     doc["t_final"], doc["samples"]))
    return 0


def save_run(a, save, doc: dict, *, kind: str, descriptions: dict | None = None, atomic: bool = True) -> None:
    """Write the series of a simulation report (``doc["arrays"]``) to ``save`` with its metadata (parameters, seed,
    version, conventions, units from ``shotnoise.numerics.units`` via ``tasks.file_metadata``; notes on the
    order-parameter observables and on the theory: a ``noise='white'`` run's "theory" is the white-noise model's
    spectrum, every other run's the shot-noise theory's); ``atomic=False`` for a temporary path that
    ``writers.atomic_path`` renames itself."""
    from shotnoise.numerics.results_file import save as save_file

    from .tasks import file_metadata
    from .writers import command_metadata

    units, desc = file_metadata(doc["arrays"], populations=doc.get("theory", {}).get("populations"),
                                descriptions=descriptions, noise=doc["parameters"].get("noise"))
    notes = dict(doc.get("observables", {}))
    if doc.get("spectrum", {}).get("theory_note") or doc.get("theory", {}).get("spectrum", {}).get("theory_note"):
        notes["theory"] = doc.get("spectrum", {}).get("theory_note") or doc["theory"]["spectrum"]["theory_note"]
    save_file(save, arrays=doc["arrays"], atomic=atomic, metadata=command_metadata(
        a, kind=kind, parameters=doc["parameters"], seed=doc["parameters"].get("seed"), units=units,
        descriptions=desc, notes=notes))
    doc["written"] = str(save)


def _outputs(a):
    """--save and --plot, checked before any work."""
    from .writers import check_output
    return (check_output(a.save, option="--save", extensions=(".npz",)),
            check_output(a.plot, option="--plot", extensions=(".png",)))


def _finish(a, save, png, doc: dict, *, kind: str, circuit: bool, what: str) -> int:
    """Write --save and --plot (each renamed into place only after both were written), print the report."""
    import contextlib

    from .writers import atomic_path

    with contextlib.ExitStack() as outputs:
        if png is not None:
            from .simulation_plots import plot_circuit_run, plot_run
            (plot_circuit_run if circuit else plot_run)(doc, outputs.enter_context(atomic_path(png)), what=what)
            doc["plot"] = str(png)
        if save is not None:
            tmp = outputs.enter_context(atomic_path(save))
            descriptions = None
            if circuit and what == "stochastic-mass":
                descriptions = {"activity": "activity A = r + xi of each population, bin-averaged (compare with a "
                                "network's activity)", "s": "synaptic variable s_b of each population, bin-averaged"}
            save_run(a, tmp, doc, kind=kind, descriptions=descriptions, atomic=False)
            doc["written"] = str(save)
    doc = _without_arrays(doc)
    if circuit:
        from .circuit_report import format_circuit_run
        _print_json(doc) if a.json else print(format_circuit_run(doc))
    else:
        from .report import format_run
        _print_json(doc) if a.json else print(format_run(doc))
    return 0


def cmd_simulate_network(a) -> int:
    from .tasks import network_report
    save, png = _outputs(a)
    circuit = _circuit(a)
    if circuit is not None and a.order != 1:
        raise ParameterError("--order 2: the second-order theory is derived for one Lorentzian population with delta "
                             "synapses, not for a circuit model file")
    if circuit is not None:
        from .circuit_commands import circuit_network_report
        doc = circuit_network_report(
            circuit, T=a.T, dt=a.dt, transient=a.transient, segment=a.segment, bin_width=a.bin,
            draw=a.sampling or "quantile", seed=a.seed, index=a.index, keep_series=save is not None,
            progress=_show_progress(a))
        return _finish(a, save, png, doc, kind="simulate network (circuit)", circuit=True, what="network")
    draw, legacy = _sampling(a)
    model = _model(a, M=a.M)
    doc = network_report(model, T=a.T, dt=a.dt, transient=a.transient, segment=a.segment, bin_width=a.bin,
                         draw=draw, seed=a.seed, keep_series=save is not None, progress=_show_progress(a),
                         order=a.order)
    if legacy is not None and model.heterogeneity == "lorentzian":
        doc["parameters"]["heterogeneity"] = legacy  # what the legacy spelling always reported (README)
    return _finish(a, save, png, doc, kind="simulate network", circuit=False, what="network")


def cmd_simulate_stochastic_mass(a) -> int:
    from .tasks import stochastic_mass_report
    save, png = _outputs(a)
    circuit = _circuit(a)
    if circuit is not None:
        from .circuit_commands import circuit_stochastic_mass_report
        doc = circuit_stochastic_mass_report(
            circuit, T=a.T, dt=a.dt, noise=a.noise, scheme=a.scheme, transient=a.transient, segment=a.segment,
            bin_width=a.bin, seed=a.seed, index=a.index, keep_series=save is not None, progress=_show_progress(a))
        return _finish(a, save, png, doc, kind="simulate stochastic-mass (circuit)", circuit=True,
                       what="stochastic-mass")
    doc = stochastic_mass_report(_model(a), T=a.T, dt=a.dt, noise=a.noise, scheme=a.scheme, transient=a.transient,
                                 segment=a.segment, bin_width=a.bin, branch=a.branch, seed=a.seed,
                                 keep_series=save is not None, progress=_show_progress(a))
    return _finish(a, save, png, doc, kind="simulate stochastic-mass", circuit=False, what="stochastic-mass")


#: the default --noise of ``simulate stochastic-mass`` (mirrors tasks.DEFAULT_NOISE, which imports numba; a test
#: checks that they agree)
DEFAULT_NOISE = "colored"
NOISE_HELP = ("model of the shot noise xi: colored (Gaussian noise with the theory's shot-noise spectrum S_xi at the "
              "fixed point; needs a stable fixed point), surrogate (N oscillators firing periodically at the "
              "neurons' frequencies: non-Gaussian and rate-dependent, costs O(N) per step), white (the diffusion "
              "limit, intensity r/N: misses the shot noise's spectral shape). Without --noise: colored, a shot-noise "
              "model that the package's validation accepts against the theory (check mass-colored; mass-surrogate "
              "passes too) and whose cost does not grow with N; white is rejected against the shot-noise theory "
              "(check mass-white-vs-shot-noise)")
NETWORK_EPILOG = (
    "Outputs. mean_rate and spectrum are the activity (spike counts per bin), the quantity the shot-noise theory "
    "predicts. mean_rate_Z and, with --save, r_Z, v_Z are the finite network's Kuramoto order-parameter estimates: "
    "Z = <exp(i theta_j)> over the N neurons (theta = 2 atan V), W = (1 - conj Z)/(1 + conj Z) = pi tau r_Z + i v_Z. "
    "They carry the finite sample's own noise and are not the mass model's r, v: their spectra are not the "
    "theory's S_r, S_v. Spectra are two-sided in angular frequency; time is in units of tau. --save files are read "
    "back with shotnoise.numerics.load(path).")


def add_simulate_parser(sub) -> None:
    """``shotnoise simulate mass | network | stochastic-mass``."""
    s = sub.add_parser("simulate", help="simulate a model")
    ssub = s.add_subparsers(dest="what", required=True)
    m = ssub.add_parser("mass", help="deterministic MPR trajectory")
    _add_model_options(m)
    m.add_argument("--r0", type=_float, required=True, help="initial rate r0 > 0")
    m.add_argument("--v0", type=_float, required=True, help="initial mean voltage")
    m.add_argument("--T", type=_float, required=True, help="duration T > 0 (time in units of tau)")
    m.add_argument("--dt", type=_float, required=True, help="time step (output spacing) dt > 0")
    m.add_argument("--method", choices=("rk4", "solve_ivp"), default="rk4",
                   help="integrator: fixed-step RK4, or scipy's solve_ivp (adaptive, sampled every dt)")
    m.add_argument("--save-every", type=int, default=1, help="keep every n-th step")
    m.add_argument("--out", metavar="FILE.csv|FILE.npz", help="write the full trajectory t, r, v with its parameters, "
                   "package version, conventions and units (overwritten if it exists; read it back with "
                   "shotnoise.numerics.load); without it nothing is written")
    m.add_argument("--json", action="store_true", help="print the summary as JSON")
    m.set_defaults(func=cmd_simulate_mass)

    net = ssub.add_parser("network", help="finite-N QIF network (exact between kicks)", epilog=NETWORK_EPILOG)
    st = ssub.add_parser("stochastic-mass", help="mass model with shot noise (colored | surrogate | white; "
                         "lorentzian or multipole)")
    for q in (net, st):
        _add_model_options(q, with_N=True, families="network" if q is net else "model")
        q.add_argument("--T", type=_float, required=True, help="duration including the transient (time in units "
                       "of tau)")
        q.add_argument("--dt", type=_float, required=True, help="time step")
        q.add_argument("--transient", type=_float, default=0.0, help="initial time discarded from every output")
        q.add_argument("--segment", type=_float, default=None,
                       help="Welch segment length in time units (without it: min(50, (T - transient)/4))")
        q.add_argument("--bin", type=_float, help="activity bin width, a multiple of dt (without it: the multiple "
                       "of dt closest to 0.02, at least dt)")
        q.add_argument("--seed", type=int, default=0, help="seed of the random numbers")
        q.add_argument("--save", metavar="FILE.npz", help="also keep the binned series and save them with the "
                       "run's parameters, seed, package version, conventions and units (an existing file is "
                       "overwritten; read it back with shotnoise.numerics.load); without --save memory does not "
                       "grow with T")
        q.add_argument("--plot", metavar="FILE.png", help="draw the run's Welch spectrum with its chi-square "
                       "confidence band against the theory's expected Welch estimate, log axes, one panel per "
                       "population (overwritten if it exists); without it no figure")
        q.add_argument("--json", action="store_true", help="print the report as JSON")
        q.add_argument("--quiet", action="store_true", help="no progress bar")
    net.add_argument("--sampling", choices=DRAWS, default=None,
                     help="how the N excitabilities are drawn from the family: quantile (deterministic quantiles; "
                     "used without --sampling) or random (i.i.d., seeded by --seed)")
    net.add_argument("--M", type=_float, help="also record a random subset of M neurons (without it: no subset)")
    net.add_argument("--order", type=int, choices=(1, 2), default=1, help="2: also compare with the second-order "
                     "theory (quenched_rate_order2 = the sample's quenched rate + the O(1/N) shift; the spectrum's "
                     "theory_order2 = linear + O(1/N^2); Lorentzian)")
    for q in (net, st):
        q.add_argument("--index", type=int, help="circuit model file: the fixed point the run starts from and is "
                       "compared with (0, 1, ..; see fixed-points); without it the unique one, else the one "
                       "nearest the measured rates")
    net.set_defaults(func=cmd_simulate_network)
    st.add_argument("--noise", choices=NOISE_KINDS, default=DEFAULT_NOISE, help=NOISE_HELP)
    st.add_argument("--scheme", choices=SCHEMES, default="heun", help="integration scheme: Euler(-Maruyama) or "
                    "(stochastic) Heun")
    st.add_argument("--branch", choices=BRANCHES, help="fixed point to start from and compare with when several "
                    "exist (without it: the unique stable one; an error if there are several)")
    st.set_defaults(func=cmd_simulate_stochastic_mass)
