"""The figure of ``shotnoise bifurcation --plot``: the rate r of every fixed point against the varied parameter.

Stable stretches of a branch solid, saddle / unstable / marginal stretches dashed (each stretch runs up to the
saddle-node that ends it), saddle-node points marked; the model's other parameters in the title.  The quiescent
branch r = 0 (every neuron below threshold) is a thick green line at r = 0, or along the bottom of a logarithmic r
axis (where r = 0 cannot be drawn; the legend says so); grid values without any fixed point are marked by grey
ticks at the bottom.
"""
from __future__ import annotations

from shotnoise.numerics.units import QUANTITIES, axis_label

#: axis labels with units from the one table (``shotnoise.numerics.units``: eta_bar, Delta, J, I dimensionless;
#: tau and time in units of tau; r in spikes per neuron per unit time, 1/tau)
UNITS = {p: axis_label("%s, %s" % (p, QUANTITIES[p].description), p) for p in ("eta_bar", "J", "Delta", "I", "tau")}
R_LABEL = axis_label("firing rate r, spikes per neuron", "rate")
STYLES = {"stable": ("-", "tab:blue", "stable"), "saddle": ("--", "tab:red", "saddle (one unstable direction)"),
          "unstable": ("--", "tab:purple", "unstable"), "marginal": (":", "tab:gray", "marginal (neutral mode)")}
QUIESCENT = {"stable (quiescent)": ("-", "tab:green", "stable quiescent state, r = 0"),
             "marginal (quiescent)": (":", "tab:green", "marginal quiescent state, r = 0")}


def _runs(branch: dict):
    """(label, start, stop) index ranges of equal stability along a branch; a saddle-node point belongs to the
    stretches on both of its sides, so every line reaches the fold."""
    lab = branch["stability"]
    core = [k for k, s in enumerate(lab) if s != "saddle-node"]
    out = []
    for k in core:
        if out and out[-1][0] == lab[k] and out[-1][2] == k - 1:
            out[-1][2] = k
        else:
            out.append([lab[k], k, k])
    for run in out:  # extend over neighbouring fold points and to the next run (the curve stays connected)
        if run[1] > 0:
            run[1] -= 1
        if run[2] < len(lab) - 1:
            run[2] += 1
    if not out and lab:  # a branch of fold points only
        out.append(["saddle-node", 0, len(lab) - 1])
    return out


def plot_bifurcation(doc: dict, path) -> None:
    """Write the figure of a ``BifurcationDiagram.to_dict()`` document (PNG) to ``path``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    par = doc["parameter"]
    fig, ax = plt.subplots(figsize=(7.5, 5.0))
    try:
        seen = set()
        quiet = [b for b in doc["branches"] if any(s in QUIESCENT for s in b["stability"])]
        for b in doc["branches"]:
            if b in quiet:
                continue
            x, y = b["values"], b["r"]
            for lab, i, j in _runs(b):
                ls, color, text = STYLES.get(lab, ("-", "k", lab))
                ax.plot(x[i:j + 1], y[i:j + 1], ls, color=color, lw=1.6,
                        label=None if lab in seen else text)
                seen.add(lab)
        sn = doc["saddle_nodes"]
        if sn:
            ax.plot([s["value"] for s in sn], [s["r"] for s in sn], "o", color="k", ms=6,
                    label="saddle-node (%s)" % ("closed form" if doc["saddle_node_method"].startswith("closed")
                                                else "numerical"))
        for s in sn:
            ax.annotate("%s = %.6g" % (par, s["value"]), (s["value"], s["r"]), textcoords="offset points",
                        xytext=(6, 6), fontsize=8)
        others = ", ".join("%s=%g" % (k, v) for k, v in doc["model"].items()
                           if k in ("eta_bar", "Delta", "J", "I", "tau") and v is not None)
        fam = doc["model"].get("heterogeneity", "lorentzian")
        if doc["model"].get("poles"):
            fam += " n=%d" % doc["model"]["poles"]
        ax.set_title("Fixed points vs %s (%s; %s)" % (par, fam, others), fontsize=10)
        ax.set_xlabel(UNITS.get(par, par))
        ax.set_ylabel(R_LABEL)
        wide = _wide(doc)
        ax.set_yscale("log" if wide else "linear")
        _draw_quiescent(ax, quiet, doc.get("missing", []), wide, seen)
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=8, loc="best")
        fig.tight_layout()
        fig.savefig(path, dpi=110, format="png")
    finally:
        plt.close(fig)


def _wide(doc: dict) -> bool:
    """True when the rates span more than two decades (a logarithmic r axis shows every branch)."""
    rs = [r for b in doc["branches"] for r in b["r"] if r > 0]
    return bool(rs) and max(rs) > 100 * min(rs)


def _draw_quiescent(ax, quiet: list, missing: list, log: bool, seen: set) -> None:
    """The quiescent branches (r = 0: at the bottom edge of a logarithmic axis) and the values without a fixed
    point (grey ticks at the bottom)."""
    if not quiet and not missing:
        return
    if log:
        lo, hi = ax.get_ylim()
        floor = lo
        ax.set_ylim(floor, hi)
    else:
        floor = 0.0
        lo, hi = ax.get_ylim()
        ax.set_ylim(min(lo, -0.03 * max(hi, 1e-300)), hi)
    where = " (drawn at the bottom: log axis)" if log else ""
    for b in quiet:
        x = b["values"]
        for lab, i, j in _runs(b):
            ls, color, text = QUIESCENT.get(lab, ("-", "tab:green", lab))
            ax.plot(x[i:j + 1], [floor] * (j + 1 - i), ls, color=color, lw=3.0, clip_on=False,
                    label=None if lab in seen else text + where)
            seen.add(lab)
    if missing:
        ax.plot([m["value"] for m in missing], [floor] * len(missing), "|", color="0.4", ms=10, clip_on=False,
                label="no fixed point resolved (see the table / JSON 'missing')")
