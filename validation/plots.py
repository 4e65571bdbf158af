"""Figures: theory spectra, and theory vs simulation with confidence bands."""
from __future__ import annotations

import math

import numpy as np


def _plt():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt


def plot_spectrum_report(doc: dict, path: str, title: str = "") -> None:
    """All spectra of a ``tasks.spectrum_report`` dict on log axes, with the shot-noise peak
    (2 sqrt(eta_t)/tau and harmonics) and the resonance marked."""
    plt = _plt()
    fig, ax = plt.subplots(figsize=(7, 4.5))
    w = np.asarray(doc["omega"])
    pos = w > 0
    for name, key, st in (("shot noise $S_\\xi$", "shot", "-"), ("activity $S_s$", "activity", "-"),
                          ("rate $S_r$", "rate", "--"), ("voltage $S_v$", "voltage", "--"),
                          ("subpopulation $S_{sM}$", "subpopulation", ":")):
        if key not in doc:
            continue
        S = np.asarray(doc[key])
        ok = pos & (S > 0)
        if np.any(ok):
            ax.loglog(w[ok], S[ok], st, label=name, lw=1.4)
    res = doc.get("resonance") or {}
    if res.get("omega_shot_peak") is not None:
        for n in (2, 3):
            ax.axvline(n * res["omega_shot_peak"], color="0.6", lw=0.8, ls=":")
        ax.axvline(res["omega_shot_peak"], color="0.4", lw=0.8, ls=":", label="shot-noise peak $2\\sqrt{\\eta_t}/\\tau$")
    if res.get("omega_res") is not None:
        ax.axvline(res["omega_res"], color="C3", lw=0.9, ls="-.",
                   label="resonance $\\omega_{res}$ (Q=%.2g)" % (res["Q"] or math.nan))
    par = doc.get("parameters", {})
    ax.set_xlabel("angular frequency $\\omega$ (rad / time unit)")
    ax.set_ylabel("S($\\omega$), two-sided")
    ax.set_title(title or ", ".join("%s=%g" % (k, par[k]) for k in ("eta_bar", "Delta", "J", "N", "M")
                                    if par.get(k) is not None) or "Finite-size spectra")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def plot_theory_vs_simulation(path: str, omega, estimate, ci_low, ci_high, theory_curves: dict, title: str,
                              bands=None, band_label: str = "simulation CI", omega_range=(0.1, 40.0)) -> None:
    """A simulated spectrum with its confidence band and theory curves on the same (log-log) axes.

    ``bands`` (optional): details of a band comparison -- either band_means with band_se and
    critical_t (realization statistics) or band_lo/band_hi (chi-square acceptance intervals).
    """
    plt = _plt()
    fig, ax = plt.subplots(figsize=(7.5, 4.5))
    pos = (omega > omega_range[0]) & (omega < omega_range[1])
    ax.fill_between(omega[pos], ci_low[pos], ci_high[pos], color="C0", alpha=0.3, lw=0, label=band_label)
    ax.plot(omega[pos], estimate[pos], color="C0", lw=0.7, label="simulation (Welch)")
    styles = [dict(color="C3", lw=1.5), dict(color="k", lw=0.8, ls="--"), dict(color="0.5", lw=0.8, ls=":")]
    for i, (name, S) in enumerate(theory_curves.items()):
        ax.plot(omega[pos], S[pos], label=name, **styles[min(i, len(styles) - 1)])
    if bands is not None and "band_se" in bands:
        ax.errorbar(bands["band_centres"], bands["band_means"], yerr=bands["critical_t"] * bands["band_se"],
                    fmt="ko", ms=3, lw=0.8, capsize=2, label="band means (tolerance)")
        ax.plot(bands["band_centres"], bands["band_theory"], "r_", ms=10, label="band theory")
    elif bands is not None and "band_lo" in bands:
        ax.vlines(bands["band_centres"], bands["band_lo"], bands["band_hi"], color="r", lw=2, alpha=0.5,
                  label="acceptance interval per band")
        ax.plot(bands["band_centres"], bands["band_means"], "ko", ms=3, label="band means")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("angular frequency $\\omega$ (rad / time unit)")
    ax.set_ylabel("S($\\omega$), two-sided")
    ax.set_title(title, fontsize=9)
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
