"""Figures: theory spectra, and theory vs simulation with confidence bands."""
from __future__ import annotations

import math

import numpy as np


def _plt():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt


def plot_network_spectra(ns, path: str, title: str = "", resonance=None) -> None:
    """All spectra of a :class:`~shotnoise.numerics.linear_response.NetworkSpectra` on log axes,
    with the shot-noise peak (2 sqrt(eta_t)/tau and harmonics) and the resonance marked."""
    plt = _plt()
    fig, ax = plt.subplots(figsize=(7, 4.5))
    w = ns.omega
    pos = w > 0
    for name, S, st in (("shot noise $S_\\xi$", ns.shot, "-"), ("activity $S_s$", ns.activity, "-"),
                        ("rate $S_r$", ns.rate, "--"), ("voltage $S_v$", ns.voltage, "--"),
                        ("subpopulation $S_{sM}$", ns.subpopulation, ":")):
        if S is None:
            continue
        ok = pos & (S > 0)
        if np.any(ok):
            ax.loglog(w[ok], S[ok], st, label=name, lw=1.4)
    if resonance is not None:
        if math.isfinite(resonance.omega_peak):
            for n in (1, 2, 3):
                ax.axvline(n * resonance.omega_peak, color="0.6", lw=0.8, ls=":")
            ax.axvline(resonance.omega_peak, color="0.4", lw=0.8, ls=":", label="shot-noise peak $2\\sqrt{\\eta_t}/\\tau$")
        if math.isfinite(resonance.omega_res):
            ax.axvline(resonance.omega_res, color="C3", lw=0.9, ls="-.", label="resonance $\\omega_{res}$ (Q=%.2g)" % resonance.Q)
    ax.set_xlabel("angular frequency $\\omega$ (rad / time unit)")
    ax.set_ylabel("S($\\omega$), two-sided")
    ax.set_title(title or "Finite-size spectra (two-sided, angular frequency)")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def plot_theory_vs_simulation(path: str, omega, estimate, ci_low, ci_high, theory_curves: dict, title: str,
                              bands=None, logx: bool = True) -> None:
    """A simulated spectrum with its confidence band and theory curves on the same axes.

    ``bands`` (optional): dict with band_centres, band_means, band_se, critical_t (band comparison).
    """
    plt = _plt()
    fig, ax = plt.subplots(figsize=(7, 4.5))
    pos = omega > 0
    ax.fill_between(omega[pos], ci_low[pos], ci_high[pos], color="C0", alpha=0.25, lw=0, label="simulation CI")
    ax.plot(omega[pos], estimate[pos], color="C0", lw=0.8, label="simulation (Welch)")
    for i, (name, S) in enumerate(theory_curves.items()):
        ax.plot(omega[pos], S[pos], color="C%d" % (i + 1), lw=1.6, label=name)
    if bands is not None:
        ax.errorbar(bands["band_centres"], bands["band_means"], yerr=bands["critical_t"] * bands["band_se"],
                    fmt="o", ms=3, color="k", capsize=2, label="band means (tolerance)")
    if logx:
        ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("angular frequency $\\omega$")
    ax.set_ylabel("S($\\omega$), two-sided")
    ax.set_title(title)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
