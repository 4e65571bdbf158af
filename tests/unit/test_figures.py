"""Figures carry their parameters, a legend entry for every curve, separate axes for different units, the
explanation of eta_t, and the untested frequency ranges shaded with the reason.  Structure, not pixels: every
figure is captured when it is saved (``Figure.savefig`` wrapped) and its axes, lines, titles and spans read."""
import math
import re

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.patches import Polygon, Rectangle  # noqa: E402

from shotnoise.numerics import Model  # noqa: E402
from shotnoise.numerics import units  # noqa: E402
from shotnoise.validation import plots  # noqa: E402
from shotnoise.validation import report as R  # noqa: E402
from shotnoise.validation.results import CheckResult  # noqa: E402


@pytest.fixture
def saved(monkeypatch):
    """The figures saved during the test (in order)."""
    figs = []
    orig = Figure.savefig

    def keep(self, *a, **kw):
        figs.append(self)
        return orig(self, *a, **kw)

    monkeypatch.setattr(Figure, "savefig", keep)
    return figs


def _label_unit(label: str) -> str:
    """The unit an axis label states in its last parentheses, back in the table's plain spelling ("1/$\\tau^{2}$"
    -> "1/tau^2", "dimensionless" -> "1"); a label without one fails."""
    m = re.search(r"\(([^()]*)\)\s*$", label)
    assert m, "axis label without a unit: %r" % label
    u = re.sub(r"\$\\tau(?:\^\{(\d+)\})?\$", lambda g: "tau" + ("^" + g.group(1) if g.group(1) else ""), m.group(1))
    return "1" if u == "dimensionless" else u


def _axis_units(fig) -> list:
    """(label, unit) of every non-empty axis label of ``fig``."""
    labels = [lab for ax in fig.axes for lab in (ax.get_xlabel(), ax.get_ylabel()) if lab]
    return [(lab, _label_unit(lab)) for lab in labels]


def _legend_texts(fig):
    out = [t.get_text() for lg in fig.legends for t in lg.get_texts()]
    for ax in fig.axes:
        if ax.get_legend() is not None:
            out += [t.get_text() for t in ax.get_legend().get_texts()]
    return out


def _unlabelled_curves(fig):
    """Lines that are not vertical markers and have no legend label."""
    bad = []
    for ax in fig.axes:
        # parts of a labelled container (an errorbar's data line and caps) are covered by its legend entry
        covered = {id(a) for c in ax.containers if not c.get_label().startswith("_") for a in _flat(c)}
        for ln in ax.get_lines():
            if id(ln) in covered:
                continue
            x = np.asarray(ln.get_xdata(), dtype=float)
            vertical = x.size == 2 and x[0] == x[1]
            if not vertical and ln.get_label().startswith("_") and x.size > 1:
                bad.append((ax.get_title(), ln.get_label()))
    return bad


def _flat(container):
    out = []
    for a in container:
        out += _flat(a) if isinstance(a, (tuple, list)) else [a]
    return out


def _spans(ax):
    """(x0, x1) of the axvspan patches of ``ax`` (Rectangle in new matplotlib, Polygon in old)."""
    out = []
    for p in ax.patches:
        if isinstance(p, (Rectangle, Polygon)) and p.get_hatch():
            xy = p.get_xy() if isinstance(p, Polygon) else None
            if xy is not None:
                out.append((float(np.min(xy[:, 0])), float(np.max(xy[:, 0]))))
            else:
                out.append((p.get_x(), p.get_x() + p.get_width()))
    return out


def test_spectrum_figure_has_parameters_legends_separate_voltage_axes_and_explains_eta_t(saved, tmp_path):
    from shotnoise.validation.tasks import spectrum_report
    doc = spectrum_report(Model(eta_bar=1.0, Delta=0.05, J=-3.0, N=1000, M=100), omega=np.geomspace(0.05, 30, 300))
    plots.plot_spectrum_report(doc, str(tmp_path / "s.png"))
    (fig,) = saved
    top, bottom = fig.axes
    title = top.get_title()
    for p in ("eta_bar=1", "Delta=0.05", "J=-3", "N=1000", "M=100", "$\\eta_t$=%.4g" % doc["fixed_point"]["eta_t"]):
        assert p in title
    labels = [ln.get_label() for ln in top.get_lines() if not ln.get_label().startswith("_")]
    assert any("shot noise" in s for s in labels) and any("activity" in s for s in labels)
    assert any("subpopulation" in s for s in labels) and any("rate $S_r$" in s for s in labels)
    assert not any("voltage" in s for s in labels)  # S_v has other units: its own axes
    assert [ln.get_label() for ln in bottom.get_lines() if "voltage" in ln.get_label()]
    assert "1/$\\tau$" in top.get_ylabel() and "$\\tau$" in bottom.get_ylabel()
    # the units of the axes are the one table's (the same strings as the result files)
    assert _label_unit(top.get_ylabel()) == units.unit("rate_spectrum") == "1/tau"
    assert _label_unit(bottom.get_ylabel()) == units.unit("voltage_spectrum") == "tau"
    assert _label_unit(bottom.get_xlabel()) == units.unit("angular_frequency") == "rad/tau"
    assert _unlabelled_curves(fig) == []
    legend = _legend_texts(fig)
    assert any("\\omega_{peak}" in s and "%.3g" % doc["resonance"]["omega_shot_peak"] in s for s in legend)
    assert any("resonance" in s and "Q=" in s for s in legend)
    assert any("effective drive" in t.get_text() and "\\eta_t" in t.get_text() for ax in fig.axes for t in ax.texts)


def test_theory_vs_simulation_shades_each_excluded_range_with_its_reason(saved, tmp_path):
    w = np.linspace(0.0, 50.0, 1001)
    S = 1e-3 * np.ones_like(w)
    excluded = [(0.0, 0.5, "reason A"), (2.0, 3.0, "reason B"), (20.0, math.inf, "reason C")]
    plots.plot_theory_vs_simulation(str(tmp_path / "t.png"), w, S, 0.8 * S, 1.2 * S, {"theory": S}, "title",
                                    excluded=excluded)
    (fig,) = saved
    ax = fig.axes[0]
    spans = sorted(_spans(ax))
    assert len(spans) == 3
    assert np.allclose(spans[0], (0.1, 0.5)) and np.allclose(spans[1], (2.0, 3.0)) and np.allclose(spans[2], (20, 40))
    legend = _legend_texts(fig)
    assert ["not tested: reason %s" % k in legend for k in "ABC"] == [True] * 3
    assert _unlabelled_curves(fig) == []


def test_spectral_exclusions_follow_the_checks_band_layout():
    """network-inhibitory-resonant: below the first band (0.4 omega_peak) and above the last band (12 omega_peak)
    are not tested; a default band without a tested centre is reported as too few spectral lines."""
    from shotnoise.validation.checks import default_edges
    op = Model(eta_bar=1.0, Delta=0.05, J=-3.0, N=200).operating_point()
    e = default_edges(op)
    w1 = op.resonance().omega_peak
    centres = 0.5 * (e[:-1] + e[1:])
    ex = R.spectral_exclusions("network-inhibitory-resonant", "quick", {"band_centres": centres})
    assert ex == [(0.0, e[0], R.REASON_LOW), (e[-1], math.inf, R.REASON_TOP)]
    assert math.isclose(e[0], 0.4 * w1, rel_tol=1e-12) and math.isclose(e[-1], 12 * w1, rel_tol=1e-12)
    ex = R.spectral_exclusions("network-inhibitory-resonant", "quick", {"band_centres": centres[2:]})
    assert ex[1] == (e[0], e[2], R.REASON_LINES)  # the two dropped bands, merged
    assert R.spectral_exclusions("rate-random-draws", "quick", {"band_centres": centres}) == []


def test_check_figures_carry_parameters_and_label_every_curve(saved, tmp_path):
    table = {N: {"network": [1.0, math.inf], "white": [1.0, 2.0], "surrogate": [math.inf, 3.0]} for N in (20, 40)}
    r = CheckResult("bistable", 1.0, 0.5, 0.2, "one-sided two-proportion z-test", True, "",
                    {"table": table, "T_max": 200.0, "label": "bistable-switching"})
    files = R._figures(r, tmp_path, "quick")
    assert files == [("bistable-switching.png", "bistable")] and (tmp_path / files[0][0]).exists()
    (fig,) = saved
    ax = fig.axes[0]
    assert "eta_bar=-5" in ax.get_title() and "J=15" in ax.get_title() and "T_max=200" in ax.get_title()
    assert len([ln for ln in ax.get_lines() if not ln.get_label().startswith("_")]) == 3
    assert _unlabelled_curves(fig) == []


def test_report_md_table_columns_and_one_sided_marks(tmp_path):
    ok = CheckResult("rate fit", 1.84, 1.0, 9.83, "chi-square of the one-parameter fit d(N) = c/N (1 dof)", True)
    ok.details["label"] = "rate-random-draws"
    two = CheckResult("exponent", -0.47, -0.5, 0.05, "4 x standard error of the log-log fit (floor 0.05)", True)
    two.details["label"] = "rate-quantile-bias"
    path = R.write_report([ok, two], str(tmp_path), "quick", 1.0)
    lines = path.read_text().splitlines()
    head = next(ln for ln in lines if ln.startswith("| check"))
    assert [c.strip() for c in head.strip("|").split("|")] == [
        "check", "statistic [units]", "measured", "reference", "measured / reference", "pass if", "test", "verdict",
        "tolerance origin", "time (s)"]
    rows = [ln for ln in lines if ln.startswith("| rate fit") or ln.startswith("| exponent")]
    assert "**one-sided**" in rows[0] and "<= 10.83" in rows[0] and "two-sided" in rows[1]
    assert any(ln.startswith("Settings (`rate-random-draws`): eta_bar=1, Delta=0.5, J=-1") for ln in lines)


def test_demo_writes_each_figures_data_as_a_self_describing_result_file(tmp_path, saved):
    from shotnoise.numerics import load
    from shotnoise.validation.demo import OUTPUTS, run_demo
    summary = run_demo(out=str(tmp_path / "d"), quiet=True)
    assert summary["outputs"] == OUTPUTS
    for png, data in OUTPUTS.items():
        assert (tmp_path / "d" / png).exists()
        res = load(tmp_path / "d" / data)
        assert set(res.arrays) <= set(res.metadata["units"]) and res.metadata["parameters"]
        assert res.metadata["conventions"]["spectra"].startswith("two-sided")
    net = load(tmp_path / "d" / "network_vs_theory.npz")
    assert net.metadata["seed"] == 11 and net.metadata["parameters"]["N"] == 200
    assert np.all(net["excluded_hi"] > net["excluded_lo"]) and len(net.metadata["notes"]["excluded_reasons"]) >= 2
    titles = {fig.axes[0].get_title() for fig in saved}
    assert any("eta_bar=-5, Delta=1, J=15" in t for t in titles)  # trajectories
    assert any("eta_bar=1, Delta=0.05, J=-3, N=200" in t for t in titles)  # network vs theory
    for fig in saved:
        assert _unlabelled_curves(fig) == []
    _demo_units_come_from_the_one_table(tmp_path, saved)


#: which quantity every array of the demo's result files is (from the model: v dimensionless, time in units of tau,
#: spectra of rates 1/tau, of the voltage tau); the files must carry the one table's unit of it
DEMO_QUANTITIES = {"t": "time", "r_": "rate", "v_": "voltage", "omega": "angular_frequency",
                   "band_centres": "angular_frequency", "excluded_lo": "angular_frequency",
                   "excluded_hi": "angular_frequency", "voltage": "voltage_spectrum"}


def _demo_units_come_from_the_one_table(tmp_path, saved):
    """The demo's files and figures take their units from the one table (called by the demo test above, which
    runs the demo once)."""
    from shotnoise.numerics import load
    from shotnoise.validation.demo import OUTPUTS
    seen = set()
    for data in OUTPUTS.values():
        res = load(tmp_path / "d" / data)
        assert set(res.units) == set(res.arrays)
        assert res.metadata["conventions"]["units"] == units.UNITS_NOTE
        for name, u in res.units.items():
            q = next((q for k, q in DEMO_QUANTITIES.items() if name == k or (k.endswith("_") and name.startswith(k))),
                     "rate_spectrum")  # every other array of the demo is a spectrum of a rate
            assert u == units.unit(q), (data, name, u)
            seen.add(u)
    assert seen == {"tau", "1/tau", "1", "rad/tau"}
    shown = {u for fig in saved for _, u in _axis_units(fig)}  # every axis of every demo figure states a unit
    assert shown <= {q.unit for q in units.QUANTITIES.values()} and {"tau", "1/tau", "rad/tau"} <= shown
    traj = next(fig for fig in saved if "bistable" in fig.axes[0].get_title())
    assert [u for _, u in _axis_units(traj)] == [units.unit("time"), units.unit("rate")]


def test_figure_label_constants_state_the_tables_units():
    from shotnoise.validation import bifurcation_plot as B
    from shotnoise.validation import simulation_plots as SP

    expect = {plots.S_RATE_LABEL: "rate_spectrum", plots.S_VOLTAGE_LABEL: "voltage_spectrum",
              plots.OMEGA_LABEL: "angular_frequency", plots.CROSS_LABEL: "rate_spectrum",
              plots.COHERENCE_LABEL: "coherence", plots.ACTIVITY_SPECTRUM_LABEL: "rate_spectrum",
              plots.TIME_AFTER_TRANSIENT_LABEL: "time", SP.X_LABEL: "angular_frequency", SP.Y_LABEL: "rate_spectrum",
              B.R_LABEL: "rate", **{B.UNITS[p]: p for p in B.UNITS}}
    for label, q in expect.items():
        assert _label_unit(label) == units.unit(q), label
    assert {_label_unit(B.UNITS[p]) for p in ("eta_bar", "Delta", "J", "I")} == {"1"}  # dimensionless (V^2 = tau dV/dt)
    assert _label_unit(B.UNITS["tau"]) == "tau"


def test_units_are_derived_from_the_time_unit():
    """A spectrum (two-sided, angular frequency) of a quantity of unit [x] has unit [x]^2 x time."""
    assert units.spectrum_unit(units.RATE) == units.RATE == "1/tau"
    assert units.spectrum_unit(units.DIMENSIONLESS) == units.TIME == "tau"
    assert units.spectrum_unit(units.TIME) == "tau^3"
    assert [units.power_of_time(p) for p in (-2, -1, 0, 1, 2)] == ["1/tau^2", "1/tau", "1", "tau", "tau^2"]
    assert units.tex_unit("1/tau^2") == "1/$\\tau^{2}$" and _label_unit(units.axis_label("x", "rate_squared")) == \
        "1/tau^2"
    with pytest.raises(KeyError, match="known"):
        units.unit("voltage^2")
