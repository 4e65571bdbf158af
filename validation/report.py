"""Validation report: a table on the terminal, report.md and PNG figures in a directory."""
from __future__ import annotations

import math
import pathlib
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # scipy.stats (imported by results) costs ~0.5 s of start-up
    from .results import CheckResult


def format_checks(checks: list[dict]) -> str:
    """Fixed-width table of check dicts (``CheckResult.to_dict()``): check, measured, predicted, tolerance, verdict."""
    head = "%-62s %12s %12s %12s  %s" % ("check", "measured", "predicted", "tolerance", "verdict")
    lines = [head, "-" * len(head)]
    num = lambda x: "%12s" % "-" if x is None else "%12.5g" % x
    for c in checks:
        lines.append("%-62s %s %s %s  %s" % (c["name"][:62], num(c["measured"]), num(c["predicted"]),
                                             num(c["tolerance"]), "PASS" if c["passed"] else "FAIL"))
    return "\n".join(lines)


def format_fixed_points(doc: dict) -> str:
    """Table of ``tasks.fixed_points_report``: r, v, stability, eigenvalues."""
    lines = ["%-12s %-12s %-15s %s" % ("r", "v", "stability", "eigenvalues")]
    for q in doc["fixed_points"]:
        ev = ", ".join("%.6g%+.6gi" % (re, im) for re, im in q["eigenvalues"])
        lines.append("%-12.6g %-12s %-15s %s" % (q["r"], _g(q["v"]), q["stability"], ev))
    return "\n".join(lines)


def _g(x, fmt: str = "%.6g") -> str:
    """A number for a table; "-" where it is not defined (None)."""
    return "-" if x is None else fmt % x


def format_spectrum(doc: dict) -> str:
    """Table of ``tasks.spectrum_report``: omega and the four spectra."""
    fp = doc["fixed_point"]
    lines = ["# %s; fixed point r=%.6g v=%s (%s)" % (doc["convention"], fp["r"], _g(fp["v"]), fp["stability"])]
    lines += ["# warning: %s" % w for w in doc.get("warnings", [])]
    lines.append("%-12s %-14s %-14s %-14s %-14s" % ("omega", "shot", "activity", "rate", "voltage"))
    for row in zip(doc["omega"], doc["shot"], doc["activity"], doc["rate"], doc["voltage"]):
        lines.append("%-12.6g %-14.6g %-14.6g %-14.6g %-14.6g" % row)
    return "\n".join(lines)


def format_run(doc: dict) -> str:
    """Summary of a simulation report (network or stochastic mass): rates, speed, spectrum size."""
    lines = ["%-16s %s" % (k, _g(doc[k])) for k in ("mean_rate", "quenched_rate", "theory_rate", "mean_rate_Z")
             if k in doc]
    if "timing" in doc:
        lines.append("%-16s %.3g neuron-steps/s" % ("speed", doc["timing"]["neuron_steps_per_second"]))
    sp = doc["spectrum"]
    lines.append("spectrum: %d bins, %d segments, %.1f dof per bin (%s)"
                 % (len(sp["omega"]), sp["n_segments"], sp["dof"], sp["convention"]))
    lines += ["warning: %s" % w for w in doc.get("warnings", [])]
    return "\n".join(lines)


def write_report(results: list[CheckResult], directory: str, mode: str, wall: float) -> pathlib.Path:
    """Write DIR/report.md and one figure per check that has plottable details."""
    d = pathlib.Path(directory)
    d.mkdir(parents=True, exist_ok=True)
    md = ["# shotnoise validation report (%s)" % mode, "",
          "All spectra: two-sided, angular frequency (variance = int S d omega / 2 pi).",
          "Wall time: %.1f s. Verdict: %s." % (wall, "all checks pass" if all(r.passed for r in results)
                                               else "SOME CHECKS FAIL"), "",
          "| check | measured | predicted | tolerance | tolerance origin | verdict | time (s) |",
          "| --- | --- | --- | --- | --- | --- | --- |"]
    for r in results:
        md.append("| %s | %.5g | %.5g | %.4g | %s | %s | %.1f |" % (r.name, r.measured, r.predicted, r.tolerance,
                                                                    r.tolerance_origin, "PASS" if r.passed else
                                                                    "**FAIL**", r.details.get("seconds", math.nan)))
    md.append("")
    for r in results:
        fig = _figure(r, d)
        md.append("## %s" % r.name)
        if r.note:
            md.append("")
            md.append(r.note)
        if fig:
            md += ["", "![%s](%s)" % (r.name, fig)]
        md.append("")
    path = d / "report.md"
    path.write_text("\n".join(md))
    return path


def _figure(r: CheckResult, d: pathlib.Path) -> str | None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    det = r.details
    label = det.get("label", "check")
    fname = "%s.png" % label
    if "expectation" in det and ("se_psd" in det or "ci_low" in det):
        from .plots import plot_theory_vs_simulation
        curves = {"theory (expected Welch estimate)": det["expectation"]}
        if "theory" in det:
            curves["theory $S(\\omega)$"] = det["theory"]
        if "shot" in det:
            curves["bare shot noise $S_\\xi$"] = det["shot"]
        if "se_psd" in det:
            m, se = det["mean_psd"], det["se_psd"]
            est, lo, hi, lab = m, np.maximum(m - 2 * se, 1e-3 * m), m + 2 * se, "network mean $\\pm$ 2 s.e."
        else:
            est, lo, hi, lab = det["psd"], det["ci_low"], det["ci_high"], "simulation 95% chi-square CI"
        plot_theory_vs_simulation(str(d / fname), det["omega"], est, lo, hi, curves, r.name, bands=det,
                                  band_label=lab)
        return fname
    if "N" in det and "network" in det:
        fig, ax = plt.subplots(figsize=(6, 4))
        N = det["N"]
        ax.errorbar(N, det["mpr"] - det["network"], yerr=4 * det["se"], fmt="o", label="MPR - network (4 s.e.)")
        ax.plot(N, det["mpr"] - det["quenched"], "s", mfc="none", label="MPR - quenched (prediction)")
        ax.plot(N, (det["mpr"] - det["network"][0]) * (N / N[0]) ** -0.5, "k--", lw=0.8, label="$N^{-1/2}$")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("N")
        ax.set_ylabel("rate bias")
        ax.set_title("quantile draws: tail bias of the mean rate", fontsize=9)
        ax.legend(fontsize=7)
    elif "Nvar" in det:
        fig, ax = plt.subplots(figsize=(6, 4))
        ax.errorbar(det["N"], det["Nvar"], yerr=2 * det["se"], fmt="o", label="network: N var (2 s.e.)")
        ax.plot(det["N"], det["pred"], "r-", label="theory")
        ax.set_xscale("log")
        ax.set_xlabel("N")
        ax.set_ylabel("N x var(binned activity)")
        ax.set_title("1/N scaling of the fluctuations", fontsize=9)
        ax.legend(fontsize=7)
    elif "table" in det:
        fig, ax = plt.subplots(figsize=(6, 4))
        T = det["T_max"]
        for i, kind in enumerate(("network", "white", "surrogate")):
            Ns = sorted(det["table"])
            frac = [np.mean([math.isfinite(x) for x in det["table"][N][kind]]) for N in Ns]
            ax.plot(Ns, frac, "o-", color="C%d" % i, label=kind)
        ax.set_xlabel("N")
        ax.set_ylabel("fraction escaped from high state before T=%g" % T)
        ax.set_title("bistable regime: finite-size escape", fontsize=9)
        ax.legend(fontsize=7)
    else:
        return None
    fig.tight_layout()
    fig.savefig(d / fname, dpi=110)
    plt.close(fig)
    return fname
