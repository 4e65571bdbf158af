"""Figures of ``shotnoise simulate network | stochastic-mass --plot F.png``: a run's spectrum against the theory.

Each panel shows, on log axes over omega > 0, the run's Welch estimate of the activity spectrum with its
chi-square confidence band (``numerics.spectral_estimation.welch``) and the linear shot-noise theory's expected
Welch estimate on the same grid (``OperatingPoint.expected_welch`` / ``welch_expectation``: the theory binned and
leaked through the window exactly like the estimate; ``theory/THEORY.md`` section 10 for the convention).  A
single population gets one panel (two with a read-out subset ``--M``), a circuit one panel per population.  The
title names the model, N, T, dt, the seed and the draw or noise; the axis labels give the convention
(:data:`shotnoise.numerics.conventions.CONVENTION`) and the units (:mod:`shotnoise.numerics.units`: time in units
of tau, rate spectra 1/tau).
"""
from __future__ import annotations

import math
import textwrap

import numpy as np

from shotnoise.numerics.conventions import CONVENTION
from shotnoise.numerics.units import axis_label

#: axis labels, units from the one table (``shotnoise.numerics.units``; time in units of tau)
X_LABEL = axis_label("angular frequency $\\omega$", "angular_frequency")
Y_LABEL = axis_label("activity spectrum $S(\\omega)$\n%s" % CONVENTION, "rate_spectrum")


def _g(x) -> str:
    return "%.4g" % x if isinstance(x, (int, float)) and not isinstance(x, bool) else str(x)


def _model_text(p: dict) -> str:
    """Model parameters of a single-population ``parameters`` block."""
    family = p.get("heterogeneity", "lorentzian")
    if family == "multipole" and p.get("poles") is not None:
        family = "multipole-%s" % p["poles"]
    keys = [k for k in ("eta_bar", "Delta", "J", "I", "tau") if k in p and not (k == "I" and p[k] == 0)
            and not (k == "tau" and p[k] == 1)]
    return "%s %s" % (family, ", ".join("%s=%s" % (k, _g(p[k])) for k in keys))


def _run_text(p: dict, *, what: str) -> str:
    """T, dt, transient, segment, bin width, seed and draw / noise of a ``parameters`` block."""
    extra = ("draw=%s" % p["draw"]) if what == "network" else ("noise=%s, scheme=%s" % (p.get("noise"),
                                                                                          p.get("scheme")))
    return "T=%s, dt=%s, transient=%s, segment=%s, bin=%s, seed=%s, %s" % (
        _g(p.get("T")), _g(p.get("dt")), _g(p.get("transient")), _g(p.get("segment")), _g(p.get("bin_width")),
        p.get("seed"), extra)


def _panel(ax, spec: dict, theory, *, label: str, theory_label: str, note: str | None = None) -> None:
    """One spectrum with its confidence band and the theory on log axes (omega > 0)."""
    w = np.asarray(spec["omega"], dtype=float)
    pos = w > 0
    psd, lo, hi = (np.asarray(spec[k], dtype=float)[pos] for k in ("psd", "ci_low", "ci_high"))
    w = w[pos]
    conf = spec.get("confidence")
    band = "%g%% chi-square confidence band (%.3g dof per bin)" % (100 * conf, spec.get("dof", math.nan)) \
        if isinstance(conf, (int, float)) else "chi-square confidence band"
    th = None if theory is None else np.asarray(theory, dtype=float)[pos]
    positive = np.concatenate([x[np.isfinite(x) & (x > 0)] for x in (psd, hi, th if th is not None else psd)])
    if positive.size == 0:  # no spikes at all: nothing a log axis can show
        ax.text(0.5, 0.5, "the estimate is zero everywhere (no spikes after the transient): nothing to draw on "
                "log axes", ha="center", va="center", transform=ax.transAxes, fontsize=8)
    else:
        floor = positive.min() / 10  # a zero lower confidence limit is drawn at the bottom of the axes
        ax.fill_between(w, np.maximum(lo, floor), np.maximum(hi, floor), color="tab:blue", alpha=0.25, lw=0,
                        label=band)
        ax.plot(w, np.where(psd > 0, psd, np.nan), color="tab:blue", lw=0.9, label=label)
        if th is not None:
            ax.plot(w, np.where(th > 0, th, np.nan), color="k", lw=1.4, label=theory_label)
        th2 = spec.get("theory_order2")
        if th2 is not None:
            th2 = np.asarray(th2, dtype=float)[pos]
            ax.plot(w, np.where(th2 > 0, th2, np.nan), color="tab:red", lw=1.1, ls="--",
                    label="with the O(1/N^2) correction (second order)")
    if th is None:
        ax.plot([], [], " ", label=textwrap.fill("no theory: %s" % (note or "not applicable"), 100))
    ax.set_xscale("log")
    if positive.size:
        ax.set_yscale("log")
    band2 = spec.get("second_order_band")
    if band2 and w.size and positive.size:  # where the linear theory is known to miss the O(1/N^2) terms
        from .plots import shade_excluded
        from .report import REASON_LOW
        shade_excluded(ax, [(0.0, band2["omega_below"], REASON_LOW)], xlim=(w[0], w[-1]),
                       prefix="linear theory incomplete")
    ax.set_xlabel(X_LABEL)
    ax.set_ylabel(Y_LABEL)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=7, loc="best")


def _save(fig, path) -> None:
    import matplotlib.pyplot as plt

    try:
        fig.savefig(path, dpi=110, format="png")
    finally:
        plt.close(fig)


def _figure(rows: int):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(rows, 1, figsize=(8.0, 3.6 * rows + 0.9), squeeze=False)
    return fig, [a[0] for a in axes]


def plot_run(doc: dict, path, *, what: str) -> None:
    """Figure of a single-population run (``tasks.network_report`` or ``tasks.stochastic_mass_report``).

    ``what``: 'network' or 'stochastic-mass'.  Panels: the activity (and, for a network with ``--M``, the
    subset of M neurons).
    """
    p = doc["parameters"]
    sub = doc.get("subpopulation")
    fig, axes = _figure(2 if sub else 1)
    source = "network" if what == "network" else "stochastic mass model"
    sp = doc["spectrum"]
    white = what != "network" and p.get("noise") == "white"
    theory_label = ("white-noise theory (r0/N)|1/(1-JG)|^2: expected Welch estimate" if white else
                    "linear shot-noise theory: expected Welch estimate (binning, window)")
    _panel(axes[0], sp, sp.get("theory"), label="%s: Welch estimate of the activity (mean rate %.4g)"
           % (source, doc["mean_rate"]), theory_label=theory_label, note=sp.get("theory_note"))
    axes[0].set_title("activity of all N=%s neurons" % _g(p.get("N")) if what == "network" else
                      "activity s = r + xi (bin average) of the mass model with the shot noise of N=%s neurons"
                      % _g(p.get("N")), fontsize=9)
    if sub:
        ss = sub["spectrum"]
        _panel(axes[1], ss, ss.get("theory"), label="network: Welch estimate of the subset's activity",
               theory_label="linear shot-noise theory of a random subset: expected Welch estimate",
               note=ss.get("theory_note"))
        axes[1].set_title("activity of a random subset of M=%d neurons" % sub["M"], fontsize=9)
    fig.suptitle("%s vs theory: %s, N=%s\n%s" % (source, _model_text(p), _g(p.get("N")), _run_text(p, what=what)),
                 fontsize=9)
    fig.tight_layout()
    _save(fig, path)


def plot_circuit_run(doc: dict, path, *, what: str) -> None:
    """Figure of a circuit run (``circuit_commands.circuit_network_report`` / ``circuit_stochastic_mass_report``):
    one panel per population."""
    p = doc["parameters"]
    th = doc["theory"]
    names = list(th["populations"])
    spectra = doc["run"].get("spectra") or {}
    expected = (th["spectrum"].get("theory") or {}).get("auto") if th["spectrum"].get("theory") else None
    fig, axes = _figure(len(names))
    source = "network" if what == "network" else "stochastic mass model"
    pops = p.get("populations", {})
    for ax, n in zip(axes, names):
        rate = th["rates"][n]
        if n not in spectra:
            ax.text(0.5, 0.5, "no spectrum accumulated", ha="center", transform=ax.transAxes)
            continue
        _panel(ax, spectra[n], None if expected is None else expected[n],
               label="%s: Welch estimate of %s's activity (mean rate %.4g)" % (source, n, rate["mean_rate"]),
               theory_label="linear shot-noise theory: expected Welch estimate (binning, window)",
               note=th["spectrum"].get("theory_note"))
        pp = pops.get(n, {}) if isinstance(pops, dict) else {}
        ax.set_title("population %s: %s" % (n, ", ".join("%s=%s" % (k, _g(pp[k])) for k in
                                                          ("eta_bar", "Delta", "tau", "tau_s", "N") if k in pp)),
                     fontsize=9)
    coupling = p.get("coupling", {})
    J = ", ".join("J_%s%s=%s" % (a, b, _g(v)) for a, row in coupling.items() for b, v in row.items()) \
        if isinstance(coupling, dict) else ""
    N = ", ".join(_g(pops[n]["N"]) if isinstance(pops, dict) and "N" in pops.get(n, {}) else "?" for n in names)
    fig.suptitle("%s vs theory: circuit of %s (N = %s; %s)\n%s" % (source, ", ".join(names), N, J,
                                                                    _run_text(p, what=what)), fontsize=9)
    fig.tight_layout()
    _save(fig, path)
