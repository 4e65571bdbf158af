"""``shotnoise simulate mass | network | stochastic-mass``: run a model, print a summary, save the series."""
from __future__ import annotations

from .cli_options import BRANCHES, DRAWS, NOISE_KINDS, SCHEMES, _add_model_options, _circuit, _float, _model, _print_json, _sampling, _show_progress, _without_arrays


def cmd_simulate_mass(a) -> int:
    from .tasks import trajectory_report
    from .writers import check_output, write_table
    out = check_output(a.out, option="--out", extensions=(".csv", ".npz"))
    doc = trajectory_report(_model(a), r0=a.r0, v0=a.v0, T=a.T, dt=a.dt, method=a.method, save_every=a.save_every)
    if out is not None:
        write_table(out, columns=doc["arrays"])
        doc["written"] = str(out)
    doc = _without_arrays(doc)
    if a.json:
        _print_json(doc)
    else:
        print("final r = %.10g, v = %.10g at t = %g (%d samples)" % (doc["r_final"], doc["v_final"],
                                                                     doc["t_final"], doc["samples"]))
    return 0


def cmd_simulate_network(a) -> int:
    from .report import format_run
    from .tasks import network_report
    from .writers import check_output, write_npz
    save = check_output(a.save, option="--save", extensions=(".npz",))
    circuit = _circuit(a)
    if circuit is not None:
        from .circuit_commands import circuit_network_report, print_run
        return print_run(a, save, circuit_network_report(
            circuit, T=a.T, dt=a.dt, transient=a.transient, segment=a.segment, bin_width=a.bin,
            draw=a.sampling or "quantile", seed=a.seed, index=a.index, keep_series=save is not None,
            progress=_show_progress(a)))
    draw, legacy = _sampling(a)
    model = _model(a, M=a.M)
    doc = network_report(model, T=a.T, dt=a.dt, transient=a.transient, segment=a.segment, bin_width=a.bin,
                         draw=draw, seed=a.seed, keep_series=save is not None, progress=_show_progress(a))
    if legacy is not None and model.heterogeneity == "lorentzian":
        doc["parameters"]["heterogeneity"] = legacy  # what the legacy spelling always reported (README)
    if save is not None:
        write_npz(save, arrays=doc["arrays"])
        doc["written"] = str(save)
    doc = _without_arrays(doc)
    _print_json(doc) if a.json else print(format_run(doc))
    return 0


def cmd_simulate_stochastic_mass(a) -> int:
    from .report import format_run
    from .tasks import stochastic_mass_report
    from .writers import check_output, write_npz
    save = check_output(a.save, option="--save", extensions=(".npz",))
    circuit = _circuit(a)
    if circuit is not None:
        from .circuit_commands import circuit_stochastic_mass_report, print_run
        return print_run(a, save, circuit_stochastic_mass_report(
            circuit, T=a.T, dt=a.dt, noise=a.noise, scheme=a.scheme, transient=a.transient, segment=a.segment,
            bin_width=a.bin, seed=a.seed, index=a.index, keep_series=save is not None, progress=_show_progress(a)))
    doc = stochastic_mass_report(_model(a), T=a.T, dt=a.dt, noise=a.noise, scheme=a.scheme, transient=a.transient,
                                 segment=a.segment, bin_width=a.bin, branch=a.branch, seed=a.seed,
                                 keep_series=save is not None, progress=_show_progress(a))
    if save is not None:
        write_npz(save, arrays=doc["arrays"])
        doc["written"] = str(save)
    doc = _without_arrays(doc)
    _print_json(doc) if a.json else print(format_run(doc))
    return 0

def add_simulate_parser(sub) -> None:
    """``shotnoise simulate mass | network | stochastic-mass``."""
    s = sub.add_parser("simulate", help="simulate a model")
    ssub = s.add_subparsers(dest="what", required=True)
    m = ssub.add_parser("mass", help="deterministic MPR trajectory")
    _add_model_options(m)
    m.add_argument("--r0", type=_float, required=True, help="initial rate r0 > 0")
    m.add_argument("--v0", type=_float, required=True, help="initial mean voltage")
    m.add_argument("--T", type=_float, required=True, help="duration T > 0")
    m.add_argument("--dt", type=_float, required=True, help="time step (output spacing) dt > 0")
    m.add_argument("--method", choices=("rk4", "solve_ivp"), default="rk4")
    m.add_argument("--save-every", type=int, default=1, help="keep every n-th step (default 1)")
    m.add_argument("--out", help="write the full trajectory to FILE.csv or FILE.npz (overwritten if it exists)")
    m.add_argument("--json", action="store_true")
    m.set_defaults(func=cmd_simulate_mass)

    net = ssub.add_parser("network", help="finite-N QIF network (exact between kicks)")
    st = ssub.add_parser("stochastic-mass", help="mass model with shot noise (white | colored | surrogate; "
                         "lorentzian or multipole)")
    for q in (net, st):
        _add_model_options(q, with_N=True, families="network" if q is net else "model")
        q.add_argument("--T", type=_float, required=True, help="duration including the transient")
        q.add_argument("--dt", type=_float, required=True, help="time step")
        q.add_argument("--transient", type=_float, default=0.0)
        q.add_argument("--segment", type=_float, default=None,
                       help="Welch segment length in time units (default min(50, (T - transient)/4))")
        q.add_argument("--bin", type=_float, help="activity bin width (multiple of dt; default ~0.02)")
        q.add_argument("--seed", type=int, default=0)
        q.add_argument("--save", metavar="FILE.npz", help="also keep the binned series and save them "
                       "(an existing file is overwritten; without --save memory does not grow with T)")
        q.add_argument("--json", action="store_true")
        q.add_argument("--quiet", action="store_true")
    net.add_argument("--sampling", choices=DRAWS, default=None,
                     help="how the N excitabilities are drawn from the family: quantile (deterministic quantiles, "
                     "default) or random (i.i.d., seeded by --seed)")
    net.add_argument("--M", type=_float, help="also record a random subset of M neurons")
    for q in (net, st):
        q.add_argument("--index", type=int, help="circuit model file: the fixed point the run starts from and is "
                       "compared with (0, 1, ..; see fixed-points)")
    net.set_defaults(func=cmd_simulate_network)
    st.add_argument("--noise", choices=NOISE_KINDS, default="white")
    st.add_argument("--scheme", choices=SCHEMES, default="heun")
    st.add_argument("--branch", choices=BRANCHES)
    st.set_defaults(func=cmd_simulate_stochastic_mass)
