"""``shotnoise demo``: a short default run of the main job.

Derives and exports the MPR equations, finds the fixed points of the bistable
example (eta_bar = -5, Delta = 1, J = 15), integrates a trajectory to each
stable state, evaluates the finite-size spectra of a resonant inhibitory example
through ``Model -> OperatingPoint``, and compares them with small network
simulations (the expected Welch estimate of the theory vs the estimates).  Writes
everything into one output directory and prints a summary.
"""
from __future__ import annotations

import json
import pathlib
import time


def _say(quiet: bool, *args) -> None:
    if not quiet:
        print(*args, flush=True)


def run_demo(*, out: str = "demo-output", quiet: bool = False) -> dict:
    """Run the demo, writing into the directory ``out``; returns the summary dict ("passed": network check)."""
    from .writers import atomic_directory

    t0 = time.perf_counter()
    with atomic_directory(out, option="--out") as d:  # all files or none reach ``out``
        summary = _run_demo_into(d, quiet=quiet, t0=t0)
    _say(quiet, "== done in %.1f s; outputs in %s/ (equations mpr.*, spectra.png, network_vs_theory.png, "
                "mpr_trajectories.png, summary.json)" % (summary["wall_time_s"], out))
    return summary


def _run_demo_into(d: pathlib.Path, *, quiet: bool, t0: float) -> dict:
    """The demo's steps, writing into the directory ``d``."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from shotnoise.numerics.model import Model
    from shotnoise.theory.export import FORMATS, export
    from shotnoise.theory.models import get_model

    summary: dict = {}

    _say(quiet, "== 1. derive: MPR equations from the continuity equation (Lorentzian ansatz + residues)")
    model = get_model("mpr")
    ext = {"latex": "tex", "python": "py", "c": "c", "fortran": "f90", "julia": "jl", "octave": "m",
           "xpp": "ode", "json": "json"}
    for fmt in FORMATS:
        (d / ("mpr.%s" % ext[fmt])).write_text(export(model, fmt))
    _say(quiet, export(model, "latex"))
    summary["exports"] = sorted(str(p.name) for p in d.glob("mpr.*"))

    _say(quiet, "== 2. fixed points for eta_bar=-5, Delta=1, J=15")
    m = Model(eta_bar=-5.0, Delta=1.0, J=15.0)
    pts = m.fixed_points()
    for q in pts:
        _say(quiet, "   r = %.4f  v = %+.4f  %s" % (q.r, q.v, q.stability))
    summary["fixed_points"] = [q.to_dict() for q in pts]

    fig, ax = plt.subplots(figsize=(5, 3.5))
    for r0, v0 in ((0.1, -2.0), (1.2, -0.5), (0.5, -0.35), (0.45, -0.35)):
        tr = m.integrate(r0=r0, v0=v0, T=20.0, dt=1e-3, save_every=10)
        ax.plot(tr.t, tr.r, lw=1, label="start r=%g, v=%g" % (r0, v0))
    for q in pts:
        ax.axhline(q.r, ls=":" if q.stability == "saddle" else "--", color="k", lw=0.8,
                   label="fixed point r=%.3g (%s)" % (q.r, q.stability))
    ax.set_xlabel("t / tau")
    ax.set_ylabel("r")
    ax.set_title("MPR trajectories (bistable example)")
    ax.legend(fontsize=6, loc="center right")
    fig.tight_layout()
    fig.savefig(d / "mpr_trajectories.png", dpi=120)
    plt.close(fig)

    extra = _shot_noise_steps(d, quiet)
    summary.update(extra)
    summary["wall_time_s"] = round(time.perf_counter() - t0, 2)
    summary["passed"] = summary["network_check"]["passed"]
    (d / "summary.json").write_text(json.dumps(summary, indent=2))
    return summary


def _shot_noise_steps(d: pathlib.Path, quiet: bool) -> dict:
    """Spectra of a finite network (theory) and a small network simulation compared with them."""
    import numpy as np

    from shotnoise.numerics.model import Model
    from shotnoise.validation.plots import plot_spectrum_report, plot_theory_vs_simulation
    from shotnoise.validation.suite import run_check
    from shotnoise.validation.tasks import spectrum_report

    out: dict = {}
    _say(quiet, "== 3. spectra: shot noise, network activity, rate, voltage (eta_bar=1, Delta=0.05, J=-3, N=1000)")
    doc = spectrum_report(Model(eta_bar=1.0, Delta=0.05, J=-3.0, N=1000, M=100), omega=np.geomspace(0.05, 30, 1500))
    plot_spectrum_report(doc, str(d / "spectra.png"))
    res, fp = doc["resonance"], doc["fixed_point"]
    _say(quiet, "   fixed point r=%.4f; shot-noise peak at omega=%.3f; resonance omega_res=%.3f (Q=%.2f); "
                "closed-loop gain at the shot-noise peak %.3f" % (fp["r"], res["omega_shot_peak"], res["omega_res"],
                                                               res["Q"], res["gain_at_shot_peak"]))
    out["resonance"] = {k: res[k] for k in ("omega_res", "Q", "omega_shot_peak", "gain_at_shot_peak")}

    _say(quiet, "== 4. network vs theory: 8 networks of N=200 QIF neurons (random draws), same parameters")
    chk = run_check("network-inhibitory-resonant", "quick")  # N=200, 8 random draws, T=1000
    from scipy import stats
    det = chk.details
    t95 = stats.t.ppf(0.975, 7)  # pointwise 95 % band over the 8 realizations
    plot_theory_vs_simulation(str(d / "network_vs_theory.png"), det["omega"], det["mean_psd"],
                              np.maximum(det["mean_psd"] - t95 * det["se_psd"], 0.3 * det["mean_psd"]),
                              det["mean_psd"] + t95 * det["se_psd"],
                              {"theory (expected Welch estimate)": det["expectation"], "bare shot noise": det["shot"]},
                              "network (N=200, 8 realizations) vs $S_\\xi/|1-JG|^2$", bands=det,
                              band_label="pointwise 95% band over realizations")
    _say(quiet, "   %s: %s (worst band: measured %.3g, predicted %.3g, tolerance %.3g from %s)"
         % (chk.name, "PASS" if chk.passed else "FAIL", chk.measured, chk.predicted, chk.tolerance,
            chk.tolerance_origin))
    out["network_check"] = chk.to_dict()
    return out
