"""Figures: theory spectra, theory vs simulation with confidence bands, circuits near and past a Hopf point.

Every figure states its parameters in the title, gives every curve a legend entry, draws quantities in different
units on separate axes and shades the frequency ranges a check did not test, with the reason.  Spectra follow
``theory/THEORY.md`` section 10 (two-sided, angular frequency, time in units of tau); the shot-noise peak is
eq. (40), omega_peak = 2 sqrt(eta_t)/tau with eta_t = eta_bar + J r0 tau + I (eq. (28)), the effective drive of
the centre of the excitability distribution.
"""
from __future__ import annotations

import math
import zlib

import numpy as np

from shotnoise.numerics.units import axis_label

#: footnote explaining eta_t wherever a figure marks the shot-noise peak (THEORY.md eqs. (28), (40))
ETA_T_NOTE = ("$\\eta_t = \\bar\\eta + J r_0 \\tau + I$: effective drive of the centre of the excitability "
              "distribution (THEORY.md eq. 28); the centre neuron fires at angular frequency "
              "$\\omega_{peak} = 2\\sqrt{\\eta_t}/\\tau$ (eq. 40)")
#: axis labels, units from the one table (``shotnoise.numerics.units``): spectra of rates (activity, shot noise, r:
#: (spikes/tau)^2 x tau = 1/tau), of the dimensionless mean voltage (tau), omega (rad/tau)
S_RATE_LABEL = axis_label("$S(\\omega)$ of a rate, two-sided", "rate_spectrum")
S_VOLTAGE_LABEL = axis_label("$S_v(\\omega)$ of the dimensionless v, two-sided", "voltage_spectrum")
OMEGA_LABEL = axis_label("angular frequency $\\omega$", "angular_frequency")
CROSS_LABEL = axis_label("cross-spectrum", "rate_spectrum")
COHERENCE_LABEL = axis_label("coherence", "coherence")
ACTIVITY_SPECTRUM_LABEL = axis_label("activity spectrum, two-sided", "rate_spectrum")
TIME_AFTER_TRANSIENT_LABEL = axis_label("t, after the transient", "time")
#: face colours and hatches of excluded (untested) frequency ranges, one per distinct reason
_SHADES = [("0.55", "//"), ("C1", "\\\\"), ("C4", "xx"), ("0.8", ".."), ("C2", "++")]
#: fixed shade (face colour, hatch) of a known reason, so that it looks the same in every figure (filled by callers,
#: e.g. ``validation.report``); other reasons get a shade from a checksum of their text
REASON_SHADES: dict = {}


def _plt():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt


def shade_excluded(ax, excluded, *, xlim=None, prefix: str = "not tested") -> int:
    """Shade the frequency ranges ``excluded`` = [(lo, hi, reason), ...] on ``ax`` (hi may be inf), one legend
    entry per distinct reason ("<prefix>: <reason>"); returns the number of spans drawn."""
    reasons: dict = {}
    n = 0
    lo_x, hi_x = xlim if xlim is not None else ax.get_xlim()
    for lo, hi, why in excluded or ():
        a, b = max(lo, lo_x), min(hi, hi_x)
        if not b > a:
            continue
        first = why not in reasons
        if first and why in REASON_SHADES:
            reasons[why] = REASON_SHADES[why]
        elif first:  # the same reason gets the same shade in every figure (unless two reasons collide in one)
            k = zlib.crc32(why.encode())
            used = set(reasons.values())
            free = [_SHADES[(k + i) % len(_SHADES)] for i in range(len(_SHADES))
                    if _SHADES[(k + i) % len(_SHADES)] not in used] or [_SHADES[k % len(_SHADES)]]
            reasons[why] = free[0]
        col, hatch = reasons[why]
        ax.axvspan(a, b, facecolor=col, alpha=0.18, hatch=hatch, edgecolor=col, lw=0,
                   label="%s: %s" % (prefix, why) if first else None)
        n += 1
    return n


def _legend(ax, **kw) -> None:
    """A legend inside the axes (few entries)."""
    ax.legend(fontsize=7, **kw)


def _legend_below(fig, axes, *, width: float, height: float, ncol: int = 2) -> None:
    """One legend for ``axes`` below them (entries deduplicated by label), the figure grown to hold it and
    laid out (call instead of ``tight_layout``)."""
    handles, labels = [], []
    for ax in axes:
        for h, lab in zip(*ax.get_legend_handles_labels()):
            if lab not in labels:
                handles.append(h)
                labels.append(lab)
    rows = -(-len(labels) // ncol)
    extra = 0.17 * rows + 0.1
    fig.set_size_inches(width, height + extra)
    fig.legend(handles, labels, loc="lower center", ncol=ncol, fontsize=7, frameon=False)
    fig.tight_layout(rect=(0, extra / (height + extra), 1, 1))


def parameter_title(par: dict, keys=("eta_bar", "Delta", "J", "I", "tau", "N", "M", "heterogeneity", "poles")) -> str:
    """"eta_bar=1, Delta=0.05, J=-3, N=1000" from a parameter dict (defaults I=0, tau=1, lorentzian left out)."""
    out = []
    for k in keys:
        v = par.get(k)
        if v is None or (k == "I" and v == 0) or (k == "tau" and v == 1) or (k == "heterogeneity"
                                                                            and v == "lorentzian"):
            continue
        out.append("%s=%s" % (k, v if isinstance(v, str) else "%g" % v))
    return ", ".join(out)


def plot_spectrum_report(doc: dict, path: str, title: str = "") -> None:
    """The spectra of a ``tasks.spectrum_report`` dict on log axes: top, the spectra of rates (shot noise S_xi,
    activity S_s, subpopulation S_sM, rate S_r; units 1/tau); bottom, the mean voltage S_v (units tau; v is
    dimensionless).  The shot-noise peak omega_peak = 2 sqrt(eta_t)/tau with its harmonics and the resonance
    omega_res are marked in both; eta_t is explained under the figure."""
    plt = _plt()
    w = np.asarray(doc["omega"], dtype=float)
    pos = w > 0

    def finite(key):
        if doc.get(key) is None:
            return None
        S = np.array([math.nan if x is None else x for x in doc[key]], dtype=float)
        ok = pos & np.isfinite(S) & (S > 0)
        return (w[ok], S[ok]) if np.any(ok) else None

    volt = finite("voltage")
    fig, axes = plt.subplots(2 if volt else 1, 1, figsize=(9, 7.2 if volt else 4.8), sharex=True, squeeze=False)
    axes = axes[:, 0]
    ax = axes[0]
    par = doc.get("parameters", {})
    for name, key, st, col in (("shot noise $S_\\xi$ (uncoupled neurons)", "shot", "-", "C0"),
                               ("network activity $S_s = S_\\xi/|1-JG|^2$", "activity", "-", "C1"),
                               ("subpopulation $S_{sM}$ (M=%s random neurons)" % _fmt(par.get("M")), "subpopulation",
                                ":", "C2"),
                               ("activity to second order $S_s + O(1/N^2)$ (--order 2)", "activity_order2", "-.",
                                "C3"),
                               ("rate $S_r$ (mass model's r)", "rate", "--", "C4")):
        xy = finite(key)
        if xy is not None:
            ax.loglog(*xy, st, color=col, label=name, lw=1.4)
    if volt:
        axes[1].loglog(*volt, "--", color="C5", lw=1.4, label="mean voltage $S_v$ (mass model's v)")
    res = doc.get("resonance") or {}
    fp = doc.get("fixed_point") or {}
    for a in axes:
        if res.get("omega_shot_peak") is not None:
            a.axvline(res["omega_shot_peak"], color="0.3", lw=0.9, ls=":",
                      label="shot-noise peak $\\omega_{peak}=2\\sqrt{\\eta_t}/\\tau$ = %.3g" % res["omega_shot_peak"])
            for n in (2, 3):
                a.axvline(n * res["omega_shot_peak"], color="0.6", lw=0.8, ls=":",
                          label="harmonics $2\\omega_{peak}, 3\\omega_{peak}$" if n == 2 else None)
        if res.get("omega_res") is not None:
            a.axvline(res["omega_res"], color="C3", lw=0.9, ls="-.",
                      label="resonance $\\omega_{res}$ = %.3g (damping %.3g, Q=%.3g)"
                      % (res["omega_res"], res.get("damping") or math.nan, res.get("Q") or math.nan))
    ax.set_ylabel(S_RATE_LABEL)
    if volt:
        axes[1].set_ylabel(S_VOLTAGE_LABEL)
    axes[-1].set_xlabel(OMEGA_LABEL)
    head = title or parameter_title(par) or "Finite-size spectra"
    if fp.get("r") is not None:
        head += "\nfixed point $r_0$=%.4g, $v_0$=%s (%s), $\\eta_t$=%s" % (
            fp["r"], _fmt(fp.get("v")), fp.get("stability", "?"), _fmt(fp.get("eta_t")))
    axes[0].set_title(head, fontsize=9)
    axes[-1].text(0.0, -0.2 if volt else -0.14, ETA_T_NOTE, transform=axes[-1].transAxes, fontsize=7,
                  va="top")
    _legend_below(fig, axes, width=9, height=(7.2 if volt else 4.6) + 0.3)
    fig.savefig(path, dpi=120)
    plt.close(fig)


def _fmt(x, fmt: str = "%.4g") -> str:
    return "-" if x is None else fmt % x


def plot_theory_vs_simulation(path: str, omega, estimate, ci_low, ci_high, theory_curves: dict, title: str,
                              bands=None, band_label: str = "simulation CI", omega_range=(0.1, 40.0),
                              excluded=None, estimate_label: str = "simulation (Welch)") -> None:
    """A simulated spectrum with its confidence band and theory curves on the same (log-log) axes.

    ``ci_low``/``ci_high`` may be None (no pointwise band).  ``bands`` (optional): details of a band comparison --
    either band_means with band_se and critical_t (realization statistics) or band_lo/band_hi (chi-square
    acceptance intervals).  ``excluded``: [(lo, hi, reason), ...] frequency ranges that were not tested, shaded
    and labelled with the reason (:func:`shade_excluded`).
    """
    plt = _plt()
    fig, ax = plt.subplots(figsize=(10.5, 4.8))
    omega, estimate = np.asarray(omega), np.asarray(estimate)
    pos = (omega > omega_range[0]) & (omega < omega_range[1])
    if ci_low is not None and ci_high is not None:
        ax.fill_between(omega[pos], np.asarray(ci_low)[pos], np.asarray(ci_high)[pos], color="C0", alpha=0.3, lw=0,
                        label=band_label)
    ax.plot(omega[pos], estimate[pos], color="C0", lw=0.7, label=estimate_label)
    styles = [dict(color="C3", lw=1.5), dict(color="k", lw=0.8, ls="--"), dict(color="0.5", lw=0.8, ls=":")]
    for i, (name, S) in enumerate(theory_curves.items()):
        ax.plot(omega[pos], np.asarray(S)[pos], label=name, **styles[min(i, len(styles) - 1)])
    if bands is not None and "band_se" in bands:
        ax.errorbar(bands["band_centres"], bands["band_means"], yerr=bands["critical_t"] * bands["band_se"],
                    fmt="ko", ms=3, lw=0.8, capsize=2, label="tested band means $\\pm$ tolerance (t x s.e.)")
        ax.plot(bands["band_centres"], bands["band_theory"], "r_", ms=10, label="theory band mean")
    elif bands is not None and "band_lo" in bands:
        ax.vlines(bands["band_centres"], bands["band_lo"], bands["band_hi"], color="r", lw=2, alpha=0.5,
                  label="chi-square acceptance interval per tested band")
        ax.plot(bands["band_centres"], bands["band_means"], "ko", ms=3, label="tested band means")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlim(omega_range)
    shade_excluded(ax, excluded, xlim=omega_range)
    ax.set_xlabel(OMEGA_LABEL)
    ax.set_ylabel(S_RATE_LABEL)
    ax.set_title(title, fontsize=9)
    _legend_below(fig, [ax], width=9, height=4.6)
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_circuit_level(path: str, level: dict, title: str = "", omega_range=(0.3, 15.0)) -> None:
    """Network vs linear theory for one closeness level of a circuit check (``circuit_checks.compare_level``):
    per population the mean Welch activity spectrum over runs with the exact expected Welch estimate and the
    theory spectrum, band means with their tolerance; for each pair Re and Im of the cross-spectrum and the
    coherence of the band-averaged spectra (network vs theory).  Separate panels: auto-spectra (1/tau), the
    cross-spectrum (1/tau, signed) and the coherence (dimensionless)."""
    plt = _plt()
    names = level["_names"]
    P = len(names)
    w, E, rows = level["_omega"], level["_expected"], level["_rows"]
    pos = (w > omega_range[0]) & (w < omega_range[1])
    ncol = P + (2 if P > 1 else 0)
    fig, axes = plt.subplots(1, ncol, figsize=(4.2 * ncol, 4.2), squeeze=False)
    axes = axes[0]
    qc = level.get("quasi_cycle") or {}
    for a, n in enumerate(names):
        ax = axes[a]
        ax.loglog(w[pos], level["_mean_auto"][a][pos], color="C0", lw=0.7, label="network (mean of runs)")
        ax.loglog(w[pos], np.real(E[pos, a, a]), color="C3", lw=1.3, label="expected Welch (theory)")
        r = rows[a]
        ax.errorbar(r["band_centres"], r["band_means"], yerr=r["critical_t"] * r["band_se"], fmt="ko", ms=3, lw=0.8,
                    capsize=2, label="band means $\\pm$ tolerance")
        ax.plot(r["band_centres"], r["band_theory"], "r_", ms=10, label="theory band mean")
        ax.set_title("activity spectrum $S_{%s}$" % n, fontsize=9)
        ax.set_xlabel(OMEGA_LABEL)
        ax.set_ylabel(S_RATE_LABEL if a == 0 else "")
    if P > 1:
        ax = axes[P]
        C = level["_mean_cross"][:, 0, 1]
        ax.plot(w[pos], C.real[pos], color="C0", lw=0.7, label="Re network")
        ax.plot(w[pos], C.imag[pos], color="C2", lw=0.7, label="Im network")
        ax.plot(w[pos], E[pos, 0, 1].real, color="C3", lw=1.2, label="Re theory")
        ax.plot(w[pos], E[pos, 0, 1].imag, color="k", lw=1.0, ls="--", label="Im theory")
        ax.set_xscale("log")
        ax.set_title("cross-spectrum $S_{%s|%s}$" % (names[0], names[1]), fontsize=9)
        ax.set_xlabel(OMEGA_LABEL)
        ax.set_ylabel(CROSS_LABEL)
        ax = axes[P + 1]
        ra, rb, rre, rim = rows[0], rows[1], rows[P], rows[P + 1]
        coh_n = (rre["band_means"] ** 2 + rim["band_means"] ** 2) / (ra["band_means"] * rb["band_means"])
        coh_t = (rre["band_theory"] ** 2 + rim["band_theory"] ** 2) / (ra["band_theory"] * rb["band_theory"])
        ax.semilogx(ra["band_centres"], coh_n, "ko", ms=3, label="network (band averages)")
        ax.semilogx(ra["band_centres"], coh_t, "r_", ms=10, label="theory (band averages)")
        ax.set_ylim(0, 1.05)
        ax.set_title("coherence %s|%s" % (names[0], names[1]), fontsize=9)
        ax.set_xlabel(OMEGA_LABEL)
        ax.set_ylabel(COHERENCE_LABEL)
    for ax in axes:
        if qc.get("frequency"):
            ax.axvline(qc["frequency"], color="0.5", ls=":", lw=0.8,
                       label="quasi-cycle $\\omega_0$=%.3g (damping %.3g)" % (qc["frequency"], qc["damping"]))
        ax.legend(fontsize=6)
    fig.suptitle(title, fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_circuit_oscillation(path: str, details: dict, title: str = "") -> None:
    """Past the Hopf point: the synaptic variables of the network relative to the fixed point over time (left,
    dimensionless) and the Welch activity spectra with the Hopf frequency marked (right, 1/tau)
    (``circuit_checks.check_past_hopf`` details)."""
    plt = _plt()
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(11, 4.0))
    t = details["time"]
    k = t <= min(t[-1], 60.0)
    for i, n in enumerate(details["names"]):
        a1.plot(t[k], details["synaptic"][i][k] / details["r_fixed_point"][i], lw=0.8,
                label="$s_{%s}/r^*_{%s}$ (network)" % (n, n))
        a2.loglog(details["omega"][1:], details["activity_spectra"][i][1:], lw=0.8, label="$S_{%s}$ network" % n)
    a2.axvline(details["hopf"]["frequency"], color="C3", ls=":", label="Hopf frequency $\\omega_H$=%.3g"
               % details["hopf"]["frequency"])
    a1.axhline(1.0, color="0.5", lw=0.8, ls="--", label="unstable fixed point ($s = r^*$)")
    a1.set_xlabel(TIME_AFTER_TRANSIENT_LABEL)
    a1.set_ylabel("synaptic variable / fixed-point rate")
    a2.set_xlabel(OMEGA_LABEL)
    a2.set_ylabel(ACTIVITY_SPECTRUM_LABEL)
    a1.legend(fontsize=7)
    a2.legend(fontsize=7)
    fig.suptitle(title, fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
