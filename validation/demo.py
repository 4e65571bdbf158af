"""``shotnoise demo``: a short default run of the main job.

Derives and exports the MPR equations (``theory/THEORY.md`` section 2), finds the fixed points of the bistable
example (eta_bar = -5, Delta = 1, J = 15), integrates a trajectory to each stable state, evaluates the
finite-size spectra of a resonant inhibitory example through ``Model -> OperatingPoint`` (shot noise S_xi of
eq. (32), network S_s = S_xi/|1 - J G|^2), and compares them with small network simulations (the expected Welch
estimate of the theory vs the estimates).  Writes everything into one output directory -- the figures, and
beside each figure its data as a self-describing result file (``numerics.results_file``: npz with a JSON header
of parameters, seed, version, conventions and units; ``shotnoise.numerics.load`` reads it) -- and prints a
summary.
"""
from __future__ import annotations

import pathlib
import time

#: the files of the output directory beside the exported equations mpr.* (figure -> its data)
OUTPUTS = {"mpr_trajectories.png": "mpr_trajectories.npz", "spectra.png": "spectra.npz",
           "network_vs_theory.png": "network_vs_theory.npz"}


def _say(quiet: bool, *args) -> None:
    if not quiet:
        print(*args, flush=True)


def run_demo(*, out: str = "demo-output", quiet: bool = False) -> dict:
    """Run the demo, writing into the directory ``out``; returns the summary dict ("passed": network check)."""
    from .writers import atomic_directory

    t0 = time.perf_counter()
    with atomic_directory(out, option="--out") as d:  # all files or none reach ``out``
        summary = _run_demo_into(d, quiet=quiet, t0=t0)
    _say(quiet, "== done in %.1f s; outputs in %s/ (equations mpr.*, %s, summary.json; each .npz holds the data of "
                "its figure: shotnoise.numerics.load)" % (summary["wall_time_s"], out,
                                                          ", ".join("%s + %s" % kv for kv in OUTPUTS.items())))
    return summary


def _save(path: pathlib.Path, *, kind: str, arrays: dict, parameters: dict, seed, units: dict,
          descriptions: dict, notes: dict | None = None) -> str:
    """One result file of the demo (inside the demo's temporary directory, so written directly)."""
    from shotnoise.numerics.results_file import metadata, save

    save(path, arrays=arrays, atomic=False,
         metadata=metadata(kind=kind, parameters=parameters, seed=seed, units=units, descriptions=descriptions,
                           command="shotnoise demo", notes=notes))
    return path.name


def _run_demo_into(d: pathlib.Path, *, quiet: bool, t0: float) -> dict:
    """The demo's steps, writing into the directory ``d``."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from shotnoise.numerics.export_state import at_steady_state
    from shotnoise.numerics.model import Model
    from shotnoise.numerics.results_file import strict_json
    from shotnoise.numerics.units import axis_label, unit
    from shotnoise.theory.export import FORMATS, export
    from shotnoise.theory.models import get_model

    from .plots import parameter_title

    summary: dict = {}

    _say(quiet, "== 1. derive: MPR equations from the continuity equation (Lorentzian ansatz + residues)")
    model = at_steady_state(export_model=get_model("mpr"))  # the exports start at the stable fixed point
    ext = {"latex": "tex", "python": "py", "c": "c", "fortran": "f90", "julia": "jl", "octave": "m",
           "xpp": "ode", "json": "json"}
    for fmt in FORMATS:
        (d / ("mpr.%s" % ext.get(fmt, fmt))).write_text(export(model, fmt))
    _say(quiet, export(model, "latex"))
    summary["exports"] = sorted(str(p.name) for p in d.glob("mpr.*"))

    _say(quiet, "== 2. fixed points for eta_bar=-5, Delta=1, J=15")
    m = Model(eta_bar=-5.0, Delta=1.0, J=15.0)
    pts = m.fixed_points()
    for q in pts:
        _say(quiet, "   r = %.4f  v = %+.4f  %s" % (q.r, q.v, q.stability))
    summary["fixed_points"] = [q.to_dict() for q in pts]

    fig, ax = plt.subplots(figsize=(7.5, 4.2))
    starts = ((0.1, -2.0), (1.2, -0.5), (0.5, -0.35), (0.45, -0.35))
    series = {}
    for i, (r0, v0) in enumerate(starts):
        tr = m.integrate(r0=r0, v0=v0, T=20.0, dt=1e-3, save_every=10)
        ax.plot(tr.t, tr.r, lw=1, label="start r=%g, v=%g" % (r0, v0))
        series.update({"t": tr.t, "r_%d" % i: tr.r, "v_%d" % i: tr.v})
    for q in pts:
        ax.axhline(q.r, ls=":" if q.stability == "saddle" else "--", color="k", lw=0.8,
                   label="fixed point r=%.3g (%s)" % (q.r, q.stability))
    ax.set_xlabel(axis_label("t", "time"))
    ax.set_ylabel(axis_label("firing rate r, spikes per neuron", "rate"))
    ax.set_title("MPR mass model (N -> inf), bistable example: %s\nRK4, dt=1e-3; the saddle separates the basins"
                 % parameter_title(m.flat_dict()), fontsize=9)
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    fig.tight_layout()
    fig.savefig(d / "mpr_trajectories.png", dpi=120)
    plt.close(fig)
    _save(d / OUTPUTS["mpr_trajectories.png"], kind="demo: MPR trajectories", arrays=series,
          parameters=dict(m.flat_dict(), T=20.0, dt=1e-3, save_every=10, method="rk4",
                          starts=[list(s) for s in starts]), seed=None,
          units=dict({"t": unit("time")}, **{k: unit("rate" if k.startswith("r") else "voltage")
                                             for k in series if k != "t"}),
          descriptions=dict({"t": "time"}, **{"r_%d" % i: "rate r from start %s" % (s,) for i, s in enumerate(starts)},
                            **{"v_%d" % i: "mean voltage v from start %s" % (s,) for i, s in enumerate(starts)}),
          notes={"fixed_points": summary["fixed_points"]})

    extra = _shot_noise_steps(d, quiet)
    summary.update(extra)
    summary["outputs"] = dict(OUTPUTS)
    summary["wall_time_s"] = round(time.perf_counter() - t0, 2)
    summary["passed"] = summary["network_check"]["passed"]
    (d / "summary.json").write_text(strict_json(summary, indent=2))  # strict JSON, like the result files
    return summary


def _shot_noise_steps(d: pathlib.Path, quiet: bool) -> dict:
    """Spectra of a finite network (theory) and a small network simulation compared with them."""
    import numpy as np

    from shotnoise.numerics.model import Model
    from shotnoise.numerics.units import unit
    from shotnoise.validation.plots import plot_spectrum_report
    from shotnoise.validation.report import check_settings, settings_text, spectral_exclusions, spectral_figure
    from shotnoise.validation.suite import run_check
    from shotnoise.validation.tasks import spectrum_report

    out: dict = {}
    _say(quiet, "== 3. spectra: shot noise, network activity, rate, voltage (eta_bar=1, Delta=0.05, J=-3, N=1000)")
    model = Model(eta_bar=1.0, Delta=0.05, J=-3.0, N=1000, M=100)
    doc = spectrum_report(model, omega=np.geomspace(0.05, 30, 1500))
    plot_spectrum_report(doc, str(d / "spectra.png"))
    res, fp = doc["resonance"], doc["fixed_point"]
    _say(quiet, "   fixed point r=%.4f; shot-noise peak at omega=%.3f; resonance omega_res=%.3f (Q=%.2f); "
                "closed-loop gain at the shot-noise peak %.3f" % (fp["r"], res["omega_shot_peak"], res["omega_res"],
                                                               res["Q"], res["gain_at_shot_peak"]))
    out["resonance"] = {k: res[k] for k in ("omega_res", "Q", "omega_shot_peak", "gain_at_shot_peak")}
    keys = ("omega", "shot", "activity", "subpopulation", "rate", "voltage")
    _save(d / OUTPUTS["spectra.png"], kind="demo: finite-size spectra (theory)",
          arrays={k: np.asarray(doc[k]) for k in keys}, parameters=doc["parameters"], seed=None,
          units={"omega": unit("angular_frequency"), "voltage": unit("voltage_spectrum"),
                 **{k: unit("rate_spectrum") for k in keys[1:5]}},
          descriptions={"omega": "angular frequency", "shot": "S_xi, shot noise of N uncoupled neurons",
                        "activity": "S_s = S_xi/|1 - J G|^2, network activity", "subpopulation":
                        "S_sM, mean activity of M random neurons", "rate": "S_r, the mass model's r",
                        "voltage": "S_v, the mass model's mean voltage v"},
          notes={"fixed_point": fp, "resonance": res, "eta_t": "effective drive of the distribution centre, "
                 "eta_bar + J r tau + I (THEORY.md eq. 28); shot-noise peak 2 sqrt(eta_t)/tau (eq. 40)"})

    label = "network-inhibitory-resonant"
    s = check_settings(label, "quick")
    _say(quiet, "== 4. network vs theory: %d networks of N=%d QIF neurons (random draws), same parameters"
         % (s["realizations"], s["N"]))
    chk = run_check(label, "quick")  # N=200, 8 random draws, T=1000
    det = chk.details
    spectral_figure(chk, str(d / "network_vs_theory.png"), mode="quick",
                    title="QIF network vs finite-size theory $S_\\xi/|1-JG|^2$ (check %s: %s)\n%s"
                          % (label, "PASS" if chk.passed else "FAIL", settings_text(s, sep="\n")))
    excluded = spectral_exclusions(label, "quick", det)
    _save(d / OUTPUTS["network_vs_theory.png"], kind="demo: network vs theory (check %s)" % label,
          arrays={"omega": det["omega"], "mean_psd": det["mean_psd"], "se_psd": det["se_psd"],
                  "expectation": det["expectation"], "theory": det["theory"], "shot": det["shot"],
                  "band_centres": det["band_centres"], "band_means": det["band_means"], "band_se": det["band_se"],
                  "band_theory": det["band_theory"],
                  "excluded_lo": np.array([a for a, _, _ in excluded]),
                  "excluded_hi": np.array([b for _, b, _ in excluded])},
          parameters={k: v for k, v in s.items() if not k.startswith("_") and k not in ("name", "edges")},
          seed=s.get("seed"),
          units={**{k: unit("angular_frequency") for k in ("omega", "band_centres", "excluded_lo", "excluded_hi")},
                 **{k: unit("rate_spectrum") for k in
                    ("mean_psd", "se_psd", "expectation", "theory", "shot", "band_means", "band_se", "band_theory")}},
          descriptions={"mean_psd": "mean Welch estimate of the network activity over the runs",
                        "se_psd": "its standard error over the runs", "expectation": "expected Welch estimate of "
                        "the theory (binning, window)", "theory": "S_s = S_xi/|1 - J G|^2 (unbinned)",
                        "shot": "S_xi", "band_means": "tested band means (network)", "band_se": "their standard "
                        "errors", "band_theory": "theory band means", "excluded_lo": "untested ranges: lower "
                        "edges", "excluded_hi": "untested ranges: upper edges (inf: open)"},
          notes={"check": chk.to_dict(), "excluded_reasons": [w for _, _, w in excluded],
                 "critical_t": float(det["critical_t"])})
    _say(quiet, "   %s: %s (worst band: measured %.3g, predicted %.3g, tolerance %.3g from %s)"
         % (chk.name, "PASS" if chk.passed else "FAIL", chk.measured, chk.predicted, chk.tolerance,
            chk.tolerance_origin))
    out["network_check"] = chk.to_dict()
    return out
