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


def plot_circuit_level(path: str, level: dict, title: str = "", omega_range=(0.3, 15.0)) -> None:
    """Network vs linear theory for one closeness level of a circuit check (``circuit_checks.compare_level``):
    per population the mean Welch activity spectrum over runs with the exact expected Welch estimate and the
    theory spectrum, band means with their tolerance; for each pair Re and Im of the cross-spectrum and the
    coherence of the band-averaged spectra (network vs theory)."""
    plt = _plt()
    names = level["_names"]
    P = len(names)
    w, E, rows = level["_omega"], level["_expected"], level["_rows"]
    pos = (w > omega_range[0]) & (w < omega_range[1])
    ncol = P + (2 if P > 1 else 0)
    fig, axes = plt.subplots(1, ncol, figsize=(4.2 * ncol, 3.8), squeeze=False)
    axes = axes[0]
    for a, n in enumerate(names):
        ax = axes[a]
        ax.loglog(w[pos], level["_mean_auto"][a][pos], color="C0", lw=0.7, label="network (mean of runs)")
        ax.loglog(w[pos], np.real(E[pos, a, a]), color="C3", lw=1.3, label="expected Welch (theory)")
        r = rows[a]
        ax.errorbar(r["band_centres"], r["band_means"], yerr=r["critical_t"] * r["band_se"], fmt="ko", ms=3, lw=0.8,
                    capsize=2, label="band means (tolerance)")
        ax.plot(r["band_centres"], r["band_theory"], "r_", ms=10)
        ax.set_title("$S_{%s}$" % n, fontsize=9)
        ax.set_xlabel("$\\omega$")
        ax.legend(fontsize=6)
    if P > 1:
        ax = axes[P]
        C = level["_mean_cross"][:, 0, 1]
        ax.plot(w[pos], C.real[pos], color="C0", lw=0.7, label="Re network")
        ax.plot(w[pos], C.imag[pos], color="C2", lw=0.7, label="Im network")
        ax.plot(w[pos], E[pos, 0, 1].real, color="C3", lw=1.2, label="Re theory")
        ax.plot(w[pos], E[pos, 0, 1].imag, color="k", lw=1.0, ls="--", label="Im theory")
        ax.set_xscale("log")
        ax.set_title("$S_{%s|%s}$" % (names[0], names[1]), fontsize=9)
        ax.set_xlabel("$\\omega$")
        ax.legend(fontsize=6)
        ax = axes[P + 1]
        ra, rb, rre, rim = rows[0], rows[1], rows[P], rows[P + 1]
        coh_n = (rre["band_means"] ** 2 + rim["band_means"] ** 2) / (ra["band_means"] * rb["band_means"])
        coh_t = (rre["band_theory"] ** 2 + rim["band_theory"] ** 2) / (ra["band_theory"] * rb["band_theory"])
        ax.semilogx(ra["band_centres"], coh_n, "ko", ms=3, label="network (band averages)")
        ax.semilogx(ra["band_centres"], coh_t, "r_", ms=10, label="theory (band averages)")
        ax.set_ylim(0, 1.05)
        ax.set_title("coherence %s|%s" % (names[0], names[1]), fontsize=9)
        ax.set_xlabel("$\\omega$")
        ax.legend(fontsize=6)
    fig.suptitle(title, fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_circuit_oscillation(path: str, details: dict, title: str = "") -> None:
    """Past the Hopf point: the synaptic variables of the network (relative to the fixed point) over time and
    the Welch activity spectra with the Hopf frequency marked (``circuit_checks.check_past_hopf`` details)."""
    plt = _plt()
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(10, 3.6))
    t = details["time"]
    k = t <= min(t[-1], 60.0)
    for i, n in enumerate(details["names"]):
        a1.plot(t[k], details["synaptic"][i][k] / details["r_fixed_point"][i], lw=0.8, label="$s_{%s}/r^*$" % n)
        a2.loglog(details["omega"][1:], details["activity_spectra"][i][1:], lw=0.8, label="$S_{%s}$ network" % n)
    a2.axvline(details["hopf"]["frequency"], color="C3", ls=":", label="$\\omega_H$")
    a1.set_xlabel("t (after transient)")
    a2.set_xlabel("$\\omega$")
    a1.legend(fontsize=7)
    a2.legend(fontsize=7)
    fig.suptitle(title, fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
