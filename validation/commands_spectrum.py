"""``shotnoise spectrum``: shot-noise and network spectra at a stable fixed point (table, JSON, CSV, plot)."""
from __future__ import annotations

import contextlib

from shotnoise.theory.errors import ParameterError

from .cli_options import BRANCHES, _add_model_options, _circuit, _float, _model, _print_json


def cmd_spectrum(a) -> int:
    from .report import format_spectrum
    from .tasks import spectrum_report
    from .writers import atomic_path, check_output, write_csv
    csv = check_output(a.csv, option="--csv", extensions=(".csv",))
    png = check_output(a.plot, option="--plot", extensions=(".png",))
    circuit = _circuit(a)
    if circuit is not None and a.order != 1:
        raise ParameterError("--order 2: the second-order theory is derived for one Lorentzian population with delta "
                             "synapses, not for a circuit model file")
    if circuit is not None:
        from . import circuit_commands as cc
        doc = cc.circuit_spectrum_report(circuit, omega=_omega_grid(a), index=a.index)
        from . import circuit_report as cr
        plot, columns, table = cr.plot_circuit_spectrum, cr.spectrum_columns(doc), cr.format_circuit_spectrum
        parameters = dict(circuit.to_dict(), index=a.index, fixed_point=doc["fixed_point"],
                          quasi_cycle=doc["quasi_cycle"])
    else:
        from .plots import plot_spectrum_report as plot
        doc = spectrum_report(_model(a, M=a.M), omega=_omega_grid(a), branch=a.branch, order=a.order)
        keys = [k for k in ("omega", "shot", "activity", "activity_order2", "rate", "voltage", "subpopulation")
                if k in doc]
        columns, table = {k: doc[k] for k in keys}, format_spectrum
        parameters = dict(doc["parameters"], branch=a.branch, resonance=doc["resonance"],
                          fixed_point={k: doc["fixed_point"][k] for k in ("r", "v", "stability", "branch", "eta_t",
                                                                          "eigenvalues") if k in doc["fixed_point"]})
    with contextlib.ExitStack() as outputs:  # both files are renamed into place only after both were written
        if png is not None:
            plot(doc, outputs.enter_context(atomic_path(png)))
        if csv is not None:
            write_csv(outputs.enter_context(atomic_path(csv)), columns=columns, atomic=False,
                      metadata=spectrum_metadata(a, columns, parameters=parameters))
    if a.json:
        _print_json(doc)
    elif not (csv or png):
        print(table(doc))
    return 0


#: what the columns of ``spectrum --csv`` hold (a circuit's columns are QUANTITY_POPULATION and the activity
#: cross-spectra cross_re_a|b, cross_im_a|b)
SPECTRUM_COLUMNS = {
    "shot": "shot noise S_xi of the population's spikes (order 1/N)",
    "activity": "activity (population rate including the shot noise, r + xi)",
    "activity_order2": "activity to second order: the linear activity plus the O(1/N^2) correction",
    "synaptic": "synaptic variable s",
    "rate": "rate r of the mass model", "voltage": "mean voltage v of the mass model",
    "subpopulation": "activity of a random subset of M neurons",
    "cross_re": "real part of the cross-spectrum S_ab of the activities",
    "cross_im": "imaginary part of the cross-spectrum S_ab of the activities",
}
#: which quantity of :data:`shotnoise.numerics.units.QUANTITIES` each column stem is (its unit comes from that table:
#: omega rad/tau, spectra of rates 1/tau, of the dimensionless voltage tau)
SPECTRUM_QUANTITIES = dict({k: "rate_spectrum" for k in SPECTRUM_COLUMNS}, voltage="voltage_spectrum",
                           omega="angular_frequency")


def spectrum_metadata(a, columns: dict, *, parameters: dict) -> dict:
    """Metadata of ``spectrum --csv``: parameters (with the fixed point), conventions, units and descriptions of
    every column (spectra: two-sided, angular frequency; units from ``shotnoise.numerics.units``)."""
    from shotnoise.numerics import units as units_table

    from .writers import command_metadata

    units, desc = {}, {}
    for name in columns:
        if name == "omega":
            units[name] = units_table.unit(SPECTRUM_QUANTITIES[name])
            desc[name] = units_table.QUANTITIES[SPECTRUM_QUANTITIES[name]].description
            continue
        stem = next((k for k in sorted(SPECTRUM_COLUMNS, key=len, reverse=True) if name == k
                     or name.startswith(k + "_")), None)
        if stem is None:
            raise ParameterError("spectrum --csv: no units known for the column %r (commands_spectrum.SPECTRUM_COLUMNS)"
                                 % name)
        pop = name[len(stem) + 1:]
        desc[name] = "spectrum of the " + SPECTRUM_COLUMNS[stem] + (" (%s)" % pop if pop else "")
        units[name] = units_table.unit(SPECTRUM_QUANTITIES[stem])
    return command_metadata(a, kind="spectrum", parameters=parameters, seed=None, units=units, descriptions=desc)


def _omega_grid(a):
    """The angular-frequency grid of ``spectrum``: an explicit list or a (log-)spaced range."""
    import math

    import numpy as np
    if a.omega is not None:
        if a.omega_min is not None or a.omega_max is not None:
            raise ParameterError("give either --omega or --omega-min/--omega-max/--points, not both")
        try:
            w = np.array([float(x) for x in a.omega.split(",")])
        except ValueError:
            raise ParameterError("--omega must be a comma-separated list of numbers, got %r" % a.omega) from None
        if w.size == 0 or not np.all(np.isfinite(w)):
            raise ParameterError("--omega must contain finite numbers")
        return w
    if a.omega_min is None or a.omega_max is None:
        raise ParameterError("give --omega w1,w2,.. or both --omega-min and --omega-max")
    lo, hi, n = a.omega_min, a.omega_max, a.points
    if not (math.isfinite(lo) and math.isfinite(hi)) or lo < 0 or hi <= lo:
        raise ParameterError("need 0 <= --omega-min < --omega-max (finite), got %r, %r" % (lo, hi))
    if not 2 <= n <= 10_000_000:
        raise ParameterError("--points must be in [2, 1e7], got %d" % n)
    if a.log:
        if lo <= 0:
            raise ParameterError("--log needs --omega-min > 0")
        return np.geomspace(lo, hi, n)
    return np.linspace(lo, hi, n)

def add_spectrum_parser(sub) -> None:
    """``shotnoise spectrum``."""
    sp_ = sub.add_parser("spectrum", help="shot-noise and network spectra at a stable fixed point")
    _add_model_options(sp_, with_N=True, families="model")
    sp_.add_argument("--M", type=_float, help="read out a random subset of M neurons (1 <= M <= N; without it: no "
                     "subpopulation column)")
    sp_.add_argument("--branch", choices=BRANCHES, help="fixed point when several exist (without it: the unique "
                     "stable one; an error if there are several)")
    sp_.add_argument("--index", type=int, help="circuit model file: which fixed point (0, 1, ..; see fixed-points; "
                     "without it the unique stable one)")
    sp_.add_argument("--omega", help="comma-separated angular frequencies (rad per unit time; or give --omega-min "
                     "and --omega-max)")
    sp_.add_argument("--omega-min", type=_float, help="lowest angular frequency of a grid (with --omega-max)")
    sp_.add_argument("--omega-max", type=_float, help="highest angular frequency of a grid (with --omega-min)")
    sp_.add_argument("--points", type=int, default=200, help="points of the --omega-min/--omega-max grid")
    sp_.add_argument("--log", action="store_true", help="log-spaced grid (linear without it)")
    sp_.add_argument("--order", type=int, choices=(1, 2), default=1, help="2: add the O(1/N^2) correction "
                     "(column activity_order2; JSON key second_order with the correction, its components and the "
                     "O(1/N) mean-rate shift; Lorentzian, one population)")
    sp_.add_argument("--json", action="store_true", help="print every spectrum as JSON")
    sp_.add_argument("--csv", metavar="FILE.csv", help="write the spectra as CSV with a first line '# "
                     "shotnoise-results {JSON}' of parameters, package version, conventions and units (overwritten "
                     "if it exists; read it back with shotnoise.numerics.load)")
    sp_.add_argument("--plot", metavar="FILE.png", help="draw all spectra on log axes (overwritten if it exists)")
    sp_.set_defaults(func=cmd_spectrum)
