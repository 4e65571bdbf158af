"""``shotnoise demo``: a short default run of the main job.

Derives and exports the MPR equations, finds the fixed points of the bistable
example (eta_bar = -5, Delta = 1, J = 15), integrates a trajectory to each
stable state, and — when the shot-noise modules are present — evaluates the
spectra and compares them with a small network simulation.  Writes everything
into one output directory and prints a summary.
"""
from __future__ import annotations

import json
import pathlib
import time


def _say(quiet: bool, *args) -> None:
    if not quiet:
        print(*args, flush=True)


def run_demo(out: str = "demo-output", quiet: bool = False) -> int:
    """Run the demo, writing into ``out``; returns the exit status (0 on success)."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from shotnoise.numerics.mpr import fixed_points, integrate
    from shotnoise.numerics.parameters import MPRParameters
    from shotnoise.theory.export import FORMATS, export
    from shotnoise.theory.models import get_model

    t0 = time.perf_counter()
    d = pathlib.Path(out)
    d.mkdir(parents=True, exist_ok=True)
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
    p = MPRParameters(-5.0, 1.0, 15.0)
    pts = fixed_points(p)
    for q in pts:
        _say(quiet, "   r = %.4f  v = %+.4f  %s" % (q.r, q.v, q.stability))
    summary["fixed_points"] = [q.as_dict() for q in pts]

    fig, ax = plt.subplots(figsize=(5, 3.5))
    for r0, v0 in ((0.1, -2.0), (1.2, -0.5), (0.5, -0.35), (0.45, -0.35)):
        tr = integrate(p, r0, v0, 20.0, 1e-3, save_every=10)
        ax.plot(tr.t, tr.r, lw=1)
    for q in pts:
        ax.axhline(q.r, ls=":" if q.stability == "saddle" else "--", color="k", lw=0.8)
    ax.set_xlabel("t / tau")
    ax.set_ylabel("r")
    ax.set_title("MPR trajectories (bistable example)")
    fig.tight_layout()
    fig.savefig(d / "mpr_trajectories.png", dpi=120)
    plt.close(fig)

    extra = _optional_shot_noise_steps(d, quiet)
    summary.update(extra)
    summary["wall_time_s"] = round(time.perf_counter() - t0, 2)
    ok = summary.get("network_check", {}).get("passed", True)
    (d / "summary.json").write_text(json.dumps(summary, indent=2))
    _say(quiet, "== done in %.1f s; outputs in %s/ (equations mpr.*, spectra.png, network_vs_theory.png, "
                "mpr_trajectories.png, summary.json)" % (summary["wall_time_s"], d))
    return 0 if ok else 1


def _optional_shot_noise_steps(d: pathlib.Path, quiet: bool) -> dict:
    """Spectra of a finite network (theory) and a small network simulation compared with them."""
    import numpy as np

    from shotnoise.numerics.linear_response import network_spectra, resonance
    from shotnoise.numerics.parameters import MPRParameters
    from shotnoise.validation.checks import check_network_spectrum
    from shotnoise.validation.plots import plot_network_spectra, plot_theory_vs_simulation

    out: dict = {}
    _say(quiet, "== 3. spectra: shot noise, network activity, rate, voltage (eta_bar=1, Delta=0.05, J=-3, N=1000)")
    p = MPRParameters(1.0, 0.05, -3.0)
    w = np.geomspace(0.05, 30, 1500)
    ns = network_spectra(w, p, 1000, M=100)
    res = resonance(p, ns.fixed_point)
    plot_network_spectra(ns, str(d / "spectra.png"), "eta_bar=1, Delta=0.05, J=-3, N=1000, M=100", res)
    _say(quiet, "   fixed point r=%.4f; shot-noise peak at omega=%.3f; resonance omega_res=%.3f (Q=%.2f); "
                "closed-loop gain at the shot-noise peak %.3f" % (ns.fixed_point.r, res.omega_peak, res.omega_res,
                                                               res.Q, res.gain_at_peak))
    out["resonance"] = {"omega_res": res.omega_res, "Q": res.Q, "omega_shot_peak": res.omega_peak,
                        "gain_at_shot_peak": res.gain_at_peak}

    _say(quiet, "== 4. network vs theory: 8 networks of N=200 QIF neurons (random draws), same parameters")
    chk = check_network_spectrum(eta_bar=1.0, Delta=0.05, J=-3.0, N=200, realizations=8)
    from scipy import stats
    det = chk.details
    t95 = stats.t.ppf(0.975, 7)  # pointwise 95 % band over the 8 realizations
    plot_theory_vs_simulation(str(d / "network_vs_theory.png"), det["omega"], det["mean_psd"],
                              np.maximum(det["mean_psd"] - t95 * det["se_psd"], 0.3 * det["mean_psd"]),
                              det["mean_psd"] + t95 * det["se_psd"],
                              {"theory (expected Welch estimate)": det["expectation"], "bare shot noise": det["shot"]},
                              "network (N=200, 8 realizations) vs S_xi/|1-JG|^2", bands=det,
                              band_label="pointwise 95% band over realizations")
    _say(quiet, "   %s: %s (worst band: measured %.3g, predicted %.3g, tolerance %.3g from %s)"
         % (chk.name, "PASS" if chk.passed else "FAIL", chk.measured, chk.predicted, chk.tolerance,
            chk.tolerance_origin))
    out["network_check"] = chk.as_dict()
    return out
