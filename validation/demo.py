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
    (d / "summary.json").write_text(json.dumps(summary, indent=2))
    _say(quiet, "== done in %.1f s; outputs in %s/" % (summary["wall_time_s"], d))
    return 0


def _optional_shot_noise_steps(d: pathlib.Path, quiet: bool) -> dict:
    """Spectra and network comparison (added by later modules)."""
    return {}
