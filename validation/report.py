"""Validation report: a table on the terminal, report.md and PNG figures in a directory."""
from __future__ import annotations

import math
import pathlib

import numpy as np

from .results import CheckResult


def format_table(results: list[CheckResult]) -> str:
    """Fixed-width table: check, measured, predicted, tolerance, verdict."""
    head = "%-62s %12s %12s %12s  %s" % ("check", "measured", "predicted", "tolerance", "verdict")
    lines = [head, "-" * len(head)]
    for r in results:
        lines.append("%-62s %12.5g %12.5g %12.4g  %s" % (r.name[:62], r.measured, r.predicted, r.tolerance,
                                                         "PASS" if r.passed else "FAIL"))
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
    if "mean_psd" in det and "se_psd" in det:
        w, m, se = det["omega"], det["mean_psd"], det["se_psd"]
        pos = (w > 0.1) & (w < 40)
        fig, ax = plt.subplots(figsize=(7.5, 4.5))
        ax.fill_between(w[pos], np.maximum(m - 2 * se, 1e-12)[pos], (m + 2 * se)[pos], color="C0", alpha=0.3, lw=0,
                        label="network mean $\\pm$ 2 s.e.")
        ax.plot(w[pos], m[pos], color="C0", lw=0.7)
        ax.plot(w[pos], det["expectation"][pos], color="C3", lw=1.5, label="theory (expected Welch estimate)")
        if "theory" in det:
            ax.plot(w[pos], det["theory"][pos], color="k", lw=0.8, ls="--", label="theory $S(\\omega)$")
        if "shot" in det:
            ax.plot(w[pos], det["shot"][pos], color="0.5", lw=0.8, ls=":", label="bare shot noise $S_\\xi$")
        _bands(ax, det)
        _spectrum_axes(ax, r.name)
    elif "psd" in det and "ci_low" in det:
        w = det["omega"]
        pos = (w > 0.1) & (w < 40)
        fig, ax = plt.subplots(figsize=(7.5, 4.5))
        ax.fill_between(w[pos], det["ci_low"][pos], det["ci_high"][pos], color="C0", alpha=0.3, lw=0,
                        label="simulation 95% chi-square CI")
        ax.plot(w[pos], det["psd"][pos], color="C0", lw=0.6)
        ax.plot(w[pos], det["expectation"][pos], color="C3", lw=1.5, label="theory (expected Welch estimate)")
        if "band_lo" in det:
            ax.vlines(det["band_centres"], det["band_lo"], det["band_hi"], color="r", lw=2, alpha=0.5,
                      label="acceptance interval per band")
            ax.plot(det["band_centres"], det["band_means"], "ko", ms=3, label="band means")
        _spectrum_axes(ax, r.name)
    elif "N" in det and "network" in det:
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


def _spectrum_axes(ax, title: str) -> None:
    ax.set_yscale("log")
    ax.set_xscale("log")
    ax.set_xlabel("$\\omega$ (rad / time unit)")
    ax.set_ylabel("PSD (two-sided)")
    ax.set_title(title, fontsize=9)
    ax.legend(fontsize=7)


def _bands(ax, det) -> None:
    if "band_centres" in det and "band_se" in det:
        ax.errorbar(det["band_centres"], det["band_means"], yerr=det["critical_t"] * det["band_se"], fmt="ko", ms=3,
                    lw=0.8, capsize=2, label="band means (tolerance)")
        ax.plot(det["band_centres"], det["band_theory"], "r_", ms=10, label="band theory")
