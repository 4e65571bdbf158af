"""Tables, figures and CSV columns of the circuit commands (the dicts of :mod:`shotnoise.validation.circuit_commands`):
fixed points, spectra and runs as fixed-width text, the continuation (``hopf --plot``) and the spectra as PNG figures,
and the columns of ``spectrum --csv``.  Everything here reads a JSON-ready dict and computes nothing.
"""
from __future__ import annotations

import math

import numpy as np

from shotnoise.numerics.units import axis_label

from . import plots


# ----------------------------------------------------------------------------- tables
def _g(x, fmt: str = "%.6g") -> str:
    return "-" if x is None else fmt % x


def format_circuit_fixed_points(doc: dict) -> str:
    names = doc["populations"]
    head = " ".join("%-12s %-12s" % ("r_" + n, "v_" + n) for n in names)
    lines = ["%s %-15s %s" % (head, "stability", "eigenvalues")]
    for q in doc["fixed_points"]:
        vals = " ".join("%-12.6g %-12.6g" % (q[n]["r"], q[n]["v"]) for n in names)
        ev = ", ".join("%.6g%+.6gi" % (re, im) for re, im in q["eigenvalues"])
        lines.append("%s %-15s %s" % (vals, q["stability"], ev))
    if not doc["fixed_points"]:
        lines.append("(no fixed point with every population firing)")
    return "\n".join(lines)


def format_circuit_spectrum(doc: dict) -> str:
    names = doc["populations"]
    fp = ", ".join("%s: r=%.6g v=%.6g" % (n, doc["fixed_point"][n]["r"], doc["fixed_point"][n]["v"]) for n in names)
    qc = doc.get("quasi_cycle") or {}
    lines = ["# %s; fixed point %s (%s)" % (doc["convention"], fp, doc.get("stability", "?"))]
    if qc.get("frequency") is not None:
        lines.append("# least-damped mode: omega0=%.6g, damping=%.6g, Q=%s" % (qc["frequency"], qc["damping"],
                                                                               _g(qc["Q"], "%.4g")))
    cols = [(n, k) for n in names for k in ("shot", "activity", "synaptic", "voltage")]
    pairs = list(doc["cross"])
    lines.append(" ".join(["%-12s" % "omega"] + ["%-14s" % ("%s_%s" % (k, n)) for n, k in cols]
                          + ["%-14s" % ("|S_%s|" % p) for p in pairs]))
    for i, w in enumerate(doc["omega"]):
        row = ["%-12.6g" % w] + ["%-14.6g" % doc["spectra"][n][k][i] for n, k in cols]
        row += ["%-14.6g" % math.hypot(doc["cross"][p]["re"][i], doc["cross"][p]["im"][i]) for p in pairs]
        lines.append(" ".join(row))
    return "\n".join(lines)


def format_hopf(doc: dict) -> str:
    par = doc["parameter"]
    lines = ["continuation in %s: %d branch(es)" % (par, len(doc["branches"]))]
    for b in doc["branches"]:
        lines.append("  branch %s = %.6g .. %.6g: %s" % (par, b["values"][0], b["values"][-1],
                                                      ", ".join(dict.fromkeys(b["stability"]))))
    if doc["hopf"]:
        lines.append("Hopf points:")
        for h in doc["hopf"]:
            side = ("stable %s" % h["stable_side"]) if h["stable_side"] else "unstable on both sides: other modes"
            lines.append("  %s = %.10g  frequency %.6g rad/time  (%s; %s)"
                         % (par, h["value"], h["frequency"], ", ".join("r_%s=%.6g" % kv for kv in h["r"].items()),
                            side))
    else:
        lines.append("no Hopf point in this range")
    if doc["folds"]:
        lines.append("folds:")
        for f in doc["folds"]:
            lines.append("  %s = %.10g  (%s)" % (par, f["value"], ", ".join("r_%s=%.6g" % kv for kv in f["r"].items())))
    else:
        lines.append("no fold in this range")
    for w in doc.get("warnings", []):
        lines.append("warning: %s" % w)
    return "\n".join(lines)


def format_circuit_run(doc: dict) -> str:
    """Summary of a circuit run: per population the mean and theory rates and the spectrum ratio; speed."""
    th = doc["theory"]
    ratio = th["spectrum"].get("psd_ratio") or {}
    lines = ["%-10s %-14s %-14s %s" % ("population", "mean_rate", "theory_rate", "psd/theory")]
    for n in th["populations"]:
        lines.append("%-10s %-14s %-14s %s" % (n, _g(th["rates"][n]["mean_rate"]), _g(th["rates"][n]["theory_rate"]),
                                               _g(ratio.get(n), "%.4g")))
    if th["fixed_point"]:
        lines.append("theory at the fixed point %s (%s)" % (", ".join("r_%s=%.6g" % kv for kv in
                                                                      th["fixed_point"]["r"].items()),
                                                            th["fixed_point"]["stability"]))
    timing = doc["run"].get("timing")
    if isinstance(timing, dict) and timing.get("neuron_steps_per_second"):
        lines.append("speed %.3g neuron-steps/s (%s thread(s))" % (timing["neuron_steps_per_second"],
                                                                    timing.get("threads", "?")))
    lines.append("spectrum: %s" % th["spectrum"]["theory_note"])
    return "\n".join(lines)


# ----------------------------------------------------------------------------- figures
def plot_hopf(doc: dict, path: str) -> None:
    """Branches of a continuation (rate of every population vs the parameter; stable solid, unstable dashed) with
    the Hopf points (circles) and folds (crosses) marked."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4.5))
    names = doc["populations"]
    for a, n in enumerate(names):
        color = "C%d" % a
        for b in doc["branches"]:
            x = np.asarray(b["values"])
            y = np.asarray(b["r"][n])
            stable = np.array([s.startswith("stable") for s in b["stability"]])
            start = 0
            for i in range(1, len(x) + 1):  # one line per run of equal stability, joined at the boundary
                if i == len(x) or stable[i] != stable[start]:
                    sl = slice(start, min(i + 1, len(x)))
                    ax.plot(x[sl], y[sl], color=color, ls="-" if stable[start] else "--", lw=1.4)
                    start = i
        ax.plot([], [], color=color, label="$r_{%s}$" % n)
        for h in doc["hopf"]:
            ax.plot(h["value"], h["r"][n], "o", color=color, mfc="none", ms=7)
        for f in doc["folds"]:
            ax.plot(f["value"], f["r"][n], "x", color=color, ms=7)
    ax.plot([], [], "k-", label="stable")
    ax.plot([], [], "k--", label="unstable")
    if doc["hopf"]:
        ax.plot([], [], "ko", mfc="none", label="Hopf")
    if doc["folds"]:
        ax.plot([], [], "kx", label="fold")
    ax.set_xlabel(doc["parameter"])
    ax.set_ylabel(axis_label("rate r, spikes per neuron", "rate"))
    ax.set_title("fixed points vs %s%s (stable: solid, unstable: dashed)"
                 % (doc["parameter"], "; %s" % doc["parameters"] if isinstance(doc.get("parameters"), str) else ""),
                 fontsize=8)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110, format="png")
    plt.close(fig)


def plot_circuit_spectrum(doc: dict, path: str) -> None:
    """Activity and shot-noise spectra of every population on log axes (units 1/tau), with the fixed point, the
    least-damped mode (quasi-cycle omega0, damping, Q) marked and in the title; the circuit's parameters head the
    title when the dict carries them (``doc["parameters"]``, a ``Circuit.describe()`` text)."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 5))
    w = np.asarray(doc["omega"])
    names = doc["populations"]
    for a, n in enumerate(names):
        for key, ls, what in (("activity", "-", "network activity $S_{%s}$"), ("shot", ":", "shot noise of %s alone")):
            S = np.asarray(doc["spectra"][n][key])
            ok = (w > 0) & (S > 0)
            if np.any(ok):
                ax.loglog(w[ok], S[ok], ls, color="C%d" % a, label=what % n)
    qc = doc.get("quasi_cycle") or {}
    if qc.get("frequency") is not None:
        ax.axvline(qc["frequency"], color="0.4", ls="-.", lw=0.9,
                   label="least-damped mode $\\omega_0$=%.3g (damping %.3g, Q=%s)"
                   % (qc["frequency"], qc["damping"], _g(qc.get("Q"), "%.3g")))
    ax.set_xlabel(plots.OMEGA_LABEL)
    ax.set_ylabel(plots.S_RATE_LABEL)
    fp = ", ".join("$r_{%s}$=%.4g" % (n, doc["fixed_point"][n]["r"]) for n in names)
    head = doc.get("parameters") or "circuit %s" % ", ".join(names)
    ax.set_title("%s\nfixed point %s (%s)" % (head if isinstance(head, str) else str(head), fp,
                                             doc.get("stability", "?")), fontsize=8)
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=110, format="png")
    plt.close(fig)


def spectrum_columns(doc: dict) -> dict:
    """The columns of ``spectrum --csv`` for a circuit: omega, then per population and output, then |cross|."""
    cols = {"omega": doc["omega"]}
    for n in doc["populations"]:
        for k in ("shot", "activity", "synaptic", "rate", "voltage"):
            cols["%s_%s" % (k, n)] = doc["spectra"][n][k]
    for p, z in doc["cross"].items():
        cols["cross_re_%s" % p] = z["re"]
        cols["cross_im_%s" % p] = z["im"]
    return cols
