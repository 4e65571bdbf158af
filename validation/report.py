"""Validation report: tables on the terminal, report.md and PNG figures in a directory.

Tables and figures only read the dicts and :class:`~shotnoise.validation.results.CheckResult` objects of the
tasks and checks (``validation/tasks.py``, ``validation/checks.py``); the statistics are the checks' own.  Every
check row says which statistic its "measured" and "reference" numbers are (:func:`describe_check`), in what
units, whether the test is one- or two-sided and the interval it was compared with.  Spectra follow
``theory/THEORY.md`` section 10: two-sided, angular frequency, time in units of the membrane time constant tau.
"""
from __future__ import annotations

import inspect
import math
import pathlib
import re
from typing import TYPE_CHECKING

import numpy as np

from shotnoise.numerics import units as units_table
from shotnoise.numerics.units import axis_label

from .plots import REASON_SHADES, parameter_title

if TYPE_CHECKING:  # scipy.stats (imported by results) costs ~0.5 s of start-up
    from .results import CheckResult

#: units of a spectral density of a rate (activity, shot noise, rate r): (spikes / tau)^2 x tau (the one table,
#: ``shotnoise.numerics.units``); of the mean voltage; of N x a rate's variance
UNITS_S = units_table.unit("rate_spectrum")
UNITS_S_V = units_table.unit("voltage_spectrum")
UNITS_RATE_SQUARED = units_table.unit("rate_squared")
#: the quantity (``shotnoise.numerics.units.QUANTITIES``) of each column of :func:`format_spectrum`
SPECTRUM_TABLE_QUANTITIES = {"omega": "angular_frequency", "shot": "rate_spectrum", "activity": "rate_spectrum", "activity_order2": "rate_spectrum",
                             "subpopulation": "rate_spectrum", "rate": "rate_spectrum", "voltage": "voltage_spectrum"}
#: the legend printed under every check table
CHECK_LEGEND = (
    "measured / reference: the statistic named in 'statistic' (units in brackets; S = two-sided spectral density "
    "in angular frequency, of a rate: units %s; time in units of %s)." % (UNITS_S, units_table.TIME),
    "pass if: the interval the measured value had to fall in (two-sided: reference +- tolerance, or the chi-square "
    "limit on the measured side); test 1-sided = only one direction fails the check (marked '1-sided').",
    "The tolerance's origin (statistics, Bonferroni) is in report.md and in --json 'tolerance_origin'.",
)


def _num(x, fmt: str = "%.5g") -> str:
    return "-" if x is None or (isinstance(x, float) and not math.isfinite(x)) else fmt % x


def _search(pattern: str, text: str) -> str | None:
    m = re.search(pattern, text)
    return m.group(1) if m else None


def describe_check(c: dict) -> dict:
    """What the numbers of one check are: the statistic, its units, the sidedness and the acceptance region.

    Parameters
    ----------
    c : dict
        ``CheckResult.to_dict()`` (keys name, measured, predicted, tolerance, tolerance_origin, passed, note).

    Returns
    -------
    dict
        ``statistic`` (what "measured" is, with the band frequency or N where the check reports its worst case),
        ``reference`` (what "predicted" is: a theory value, an expectation, a threshold), ``units``,
        ``sided`` ('two-sided' | 'one-sided' | '-'), ``pass_if`` (the acceptance region as text, computed from
        predicted and tolerance exactly as the check compared them) and ``extra`` (further conditions of the
        verdict, '' if none).  The kind is read from the check's ``tolerance_origin`` (its statistic, see
        ``validation/checks.py``, ``results.py``, ``family_checks.py``, ``circuit_checks.py``); an unknown origin
        gives the generic two-sided "|measured - reference| <= tolerance".
    """
    o = c.get("tolerance_origin") or ""
    m, p, tol = c.get("measured"), c.get("predicted"), c.get("tolerance")
    ok = all(x is not None and math.isfinite(x) for x in (p, tol))
    w = _search(r"worst band at omega=([-\d.eE+]+)", o)
    band = "band mean of S at omega=%s (worst band)" % w if w else "band mean of S (worst band)"
    sym = "[%s, %s]" % (_num(p - tol), _num(p + tol)) if ok else "-"
    d = {"statistic": "value (see tolerance origin)", "reference": "predicted", "units": "-", "sided": "two-sided",
         "pass_if": sym, "extra": ""}
    if o.startswith("none"):
        d.update(statistic="the check did not complete", reference="-", sided="-", pass_if="-")
    elif "band ratio at the shot-noise peak" in o:
        d.update(statistic="band ratio S(white-noise model) / S(shot-noise theory) at the shot-noise peak",
                 reference="1 (no difference)", units="dimensionless", sided="one-sided",
                 pass_if="< %s" % _num(p - tol) if ok else "-",
                 extra="an excess in every band below 0.8 omega_peak, the top band accepted, the "
                       "white-noise spectrum rejected (a rejection is expected)")
    elif o.startswith("chi-square with"):
        side = "-"
        if ok and m is not None:
            side = "<= %s (chi2 upper limit)" % _num(p + tol) if m >= p else \
                ">= %s (chi2 lower limit)" % _num(p - tol)
        d.update(statistic=band, reference="theory: expected Welch estimate, same band", units=UNITS_S,
                 pass_if=side, extra="every band inside its chi-square interval")
    elif o.startswith("Student t") and "runs (random draws) per band" in o:
        q = _search(r"worst: (\S+(?: S_\S+)?) at omega=", o) or "S"
        d.update(statistic="band mean of %s at omega=%s (worst band)" % (q, _search(r"worst: .* at omega=([-\d.eE+]+)",
                                                                                    o)),
                 reference="theory: expected Welch estimate, same band", units=UNITS_S,
                 extra="every band, cross-spectrum and rate of every tested level")
    elif o.startswith("Student t") and "4 variances + band means" in o:
        d.update(statistic="N var(v_Z) of the network's order parameter (the mean-voltage / LFP proxy)",
                 reference="theory: linear order, the sample's own noise plus the collective response",
                 units="N x (dimensionless voltage)^2", extra="every variance (Re Z, Im Z, r_Z, v_Z) and band mean")
    elif o.startswith("Student t") and "N values" in o:
        d.update(statistic="N x var(binned activity) at N=%s (worst N)" % _search(r"worst N=(\d+)", o),
                 reference="theory: N x integral of the binned spectrum", units=UNITS_RATE_SQUARED,
                 extra="every N")
    elif o.startswith("Student t"):
        d.update(statistic=band, reference="theory: expected Welch estimate, same band", units=UNITS_S,
                 extra="every band" + (" and the mean-rate tests" if "rate:" in o else ""))
    elif o.startswith("|t| of the band means against linear + O(1/N^2)"):
        d.update(statistic="max over cases, N and bands of |t|, t = (band mean measured - expected)/s.e.",
                 reference="0 (expected Welch estimate of the linear theory plus the O(1/N^2) correction)",
                 units="dimensionless", pass_if="<= %s (critical t)" % _num(tol) if tol is not None else "-",
                 extra="every case, N and band (below 0.4 omega_peak; twice the resonance)")
    elif o.startswith("|t| of c = N (rate - quenched rate)"):
        d.update(statistic="max over cases and N of |t|, t = (c measured - c predicted)/s.e., c = N (rate - quenched "
                           "rate)", reference="0 (theory eqs. (96) + (100))", units="dimensionless",
                 pass_if="<= %s (critical t)" % _num(tol) if tol is not None else "-", extra="every case and N")
    elif o.startswith("4 x standard error of the log-log fit"):
        d.update(statistic="exponent of the rate bias (MPR - network) vs N (log-log slope)",
                 reference="theory: -1/2 (quantile-truncated tail)", units="dimensionless",
                 extra="every |network - quenched rate| <= 4 batch standard errors")
    elif o.startswith("4 x standard error propagated"):
        d.update(statistic="exponent of the low-frequency excess over the linear theory vs N",
                 reference="theory: -2 (second order)", units="dimensionless")
    elif o.startswith("chi-square of the one-parameter fit"):
        d.update(statistic="chi-square of the fit network - quenched rate = c/N",
                 reference="expected chi-square = dof", units="dimensionless", sided="one-sided",
                 pass_if="<= %s (1-1e-3 quantile)" % _num(p + tol) if ok else "-")
    elif o.startswith("one-sided two-proportion z-test"):
        d.update(statistic="escape fraction of the white-noise mass model before T_max",
                 reference="escape fraction of the network", units="fraction of runs", sided="one-sided",
                 pass_if="> %s (ref. + z s.e.)" % _num(p + tol) if ok else "-")
    elif o.startswith("one-sided: var(s)"):
        d.update(statistic="var(s) network / linear-theory var(s) at the stable mirror point (smallest population)",
                 reference="threshold", units="dimensionless", sided="one-sided",
                 pass_if=">= %s" % _num(tol) if tol is not None else "-",
                 extra="operating_point() to refuse linear response")
    return d


def _sided_short(d: dict) -> str:
    return {"two-sided": "2-sided", "one-sided": "1-sided"}.get(d["sided"], d["sided"])


def format_checks(checks: list[dict]) -> str:
    """Fixed-width table of check dicts (``CheckResult.to_dict()``): two lines per check.

    Line 1: check, measured, reference (the check's "predicted"), pass if (the acceptance region), test (2-sided
    or 1-sided), verdict.  Line 2 (indented): the statistic with its units and what the reference is
    (:func:`describe_check`).  Then the legend :data:`CHECK_LEGEND`.
    """
    head = "%-52s %-12s %-12s %-32s %-7s %s" % ("check", "measured", "reference", "pass if", "test", "verdict")
    lines = [head, "-" * len(head)]
    for c in checks:
        d = describe_check(c)
        name = c["name"] if len(c["name"]) <= 52 else c["name"][:50] + ".."
        lines.append("%-52s %-12s %-12s %-32s %-7s %s" % (name, _num(c["measured"]), _num(c["predicted"]),
                                                          d["pass_if"], _sided_short(d),
                                                          "PASS" if c["passed"] else "FAIL"))
        lines.append("    %s [%s]; reference: %s%s" % (d["statistic"], d["units"], d["reference"],
                                                      "; verdict also needs %s" % d["extra"] if d["extra"] else ""))
    return "\n".join(lines + [""] + ["# " + s for s in CHECK_LEGEND])


def format_fixed_points(doc: dict) -> str:
    """Table of ``tasks.fixed_points_report``: r, v, stability, eigenvalues."""
    lines = ["%-12s %-12s %-15s %s" % ("r", "v", "stability", "eigenvalues")]
    for q in doc["fixed_points"]:
        ev = ", ".join("%.6g%+.6gi" % (re_, im) for re_, im in q["eigenvalues"])
        lines.append("%-12.6g %-12s %-15s %s" % (q["r"], _g(q["v"]), q["stability"], ev))
    qs = doc.get("quiescent")
    if qs is not None:
        lines.append("%-12.6g %-12s %-15s %.6g (slowest resting neuron; quiescent: every neuron below threshold, "
                     "v = mean resting voltage)" % (0.0, _g(qs["v"]), qs["stability"], qs["slowest_rate"]))
    return "\n".join(lines)


def _g(x, fmt: str = "%.6g") -> str:
    """A number for a table; "-" where it is not defined (None)."""
    return "-" if x is None else fmt % x


def format_spectrum(doc: dict) -> str:
    """Table of ``tasks.spectrum_report``: a header with the parameters, the fixed point (with eta_t), the
    resonance data and the units, then omega and the spectra: shot, activity, subpopulation (with --M), rate,
    voltage."""
    fp, par = doc["fixed_point"], doc.get("parameters", {})
    res = doc.get("resonance") or {}
    lines = ["# %s; time in units of tau; %s" % (doc["convention"], parameter_title(par))]
    eta_t = fp.get("eta_t")
    drive = ("; eta_t=%s (effective drive of the distribution centre, eta_bar + J r tau + I)" % _g(eta_t)
             if eta_t is not None else "")
    lines.append("# fixed point r=%.6g v=%s (%s)%s" % (fp["r"], _g(fp["v"]), fp["stability"], drive))
    if fp.get("eigenvalues"):
        lines.append("# eigenvalues of the linearised mass model: %s" % ", ".join(
            "%.6g%+.6gi" % (re_, im) for re_, im in fp["eigenvalues"]))
    if res.get("omega_res") is not None:
        lines.append("# resonance of the closed loop: omega_res=%s, damping=%s, Q=%s (omega_res / 2 damping)"
                     % (_g(res.get("omega_res")), _g(res.get("damping")), _g(res.get("Q"), "%.4g")))
    elif res:
        lines.append("# resonance of the closed loop: none (no damped oscillation at this fixed point)")
    if res.get("omega_shot_peak") is not None:
        lines.append("# shot-noise peak omega_peak=2 sqrt(eta_t)/tau=%s (harmonics at n omega_peak); closed-loop "
                     "gain |1/(1 - J G)|^2 there=%s" % (_g(res.get("omega_shot_peak")),
                                                        _g(res.get("gain_at_shot_peak"), "%.4g")))
    lines += ["# warning: %s" % w for w in doc.get("warnings", [])]
    sub = "subpopulation" in doc
    cols = [("shot", "shot"), ("activity", "activity")]
    if sub:
        cols.append(("subpopulation", "subpop_M=%s" % _g(par.get("M"), "%g")))
    if "activity_order2" in doc:
        cols.append(("activity_order2", "activity_order2"))
    cols += [("rate", "rate"), ("voltage", "voltage")]
    lines.append("# columns: S_xi (shot noise), S_s (network activity)%s%s, S_r (the mass model's r), S_v (its mean "
                 "voltage v, dimensionless)" % (", S_sM (mean activity of M random neurons)" if sub else "",
                                                ", S_s + O(1/N^2) correction (activity_order2)" if "activity_order2" in doc
                                                else ""))
    so = doc.get("second_order")
    if so is not None:
        lines += ["# warning (second order): %s" % x for x in so.get("warnings", [])]
        lines.append("# second order: mean-rate shift %s (%s), rate r0 + shift = %s" % (
            _g(so["rate_shift"]), ", ".join("%s %s" % (k, _g(v)) for k, v in so["rate_shift_components"].items()),
            _g(fp["r"] + so["rate_shift"])))
    lines.append("# units: " + ", ".join("%s %s" % (h, units_table.unit(SPECTRUM_TABLE_QUANTITIES[k]))
                                         for k, h in [("omega", "omega")] + cols))
    lines.append(" ".join(["%-12s" % "omega"] + ["%-14s" % h for _, h in cols]).rstrip())
    for i, w in enumerate(doc["omega"]):
        lines.append(" ".join(["%-12.6g" % w] + ["%-14.6g" % doc[k][i] for k, _ in cols]).rstrip())
    return "\n".join(lines)


#: what each number of a run summary is (``format_run``)
RUN_ROWS = (
    ("mean_rate", "network: spikes per neuron per unit time (time average)"),
    ("quenched_rate", "self-consistent rate of this sample of excitabilities (quenched theory)"),
    ("quenched_rate_order2", "second order (--order 2): quenched_rate + c/N (MPR nonlinearity + own-spike "
                             "feedback, THEORY.md section 11)"),
    ("theory_rate", "fixed point of the family's mass model (thermodynamic limit, infinitely many neurons)"),
    ("mean_rate_Z", "r_Z: rate from the finite network's order parameter Z = <exp(i theta)>, "
                    "W = (1 - conj Z)/(1 + conj Z) = pi tau r_Z + i v_Z -- NOT the mass model's r"),
    ("mean_r", "r of the stochastic mass model (time average)"),
    ("mean_v", "v of the stochastic mass model (time average)"),
)


def format_run(doc: dict) -> str:
    """Summary of a simulation report (network or stochastic mass): each rate with what it is, the subpopulation,
    speed, spectrum size; the network's r_Z / v_Z (its order-parameter estimates, not the mass model's r, v)."""
    rows = dict(RUN_ROWS)
    if "mean_r" in doc:  # stochastic mass model: its activity s = r + xi
        rows["mean_rate"] = "activity s = r + xi of the stochastic mass model (time average)"
    lines = ["%-20s %-12s %s" % (k, _g(doc[k]), rows[k]) for k, _ in RUN_ROWS if k in doc]
    sub = doc.get("subpopulation")
    if sub:
        lines.append("%-16s %-12s mean rate of the M=%d read-out neurons" % ("mean_rate_M", _g(sub.get("mean_rate")),
                                                                             sub["M"]))
    if "mean_rate_Z" in doc:
        lines.append("note: r_Z, v_Z (saved with --save) estimate the network's order parameter through the "
                     "conformal map; they fluctuate differently from the mass model's r, v, so their spectra are "
                     "not S_r, S_v of `shotnoise spectrum` but those of OperatingPoint.order_parameter_spectra "
                     "(the sample's own noise plus the collective response)")
    if "timing" in doc:
        lines.append("%-16s %.3g neuron-steps/s" % ("speed", doc["timing"]["neuron_steps_per_second"]))
    sp = doc["spectrum"]
    lines.append("spectrum: %d bins, %d segments, %.1f dof per bin (%s)"
                 % (len(sp["omega"]), sp["n_segments"], sp["dof"], sp["convention"]))
    lines += ["warning: %s" % w for w in doc.get("warnings", [])]
    return "\n".join(lines)


# ----------------------------------------------------------------------------- report.md and its figures
def check_settings(label: str, mode: str = "quick") -> dict:
    """The keyword arguments the check ``label`` ran with in ``mode``: the suite's (``suite.CHECKS``) over the
    check function's defaults ({} for an unknown label)."""
    from . import checks as C
    from .suite import CHECKS

    table = {c[0]: c for c in CHECKS}
    if label not in table:
        return {}
    _, fn, quick, full = table[label]
    kw = quick if mode == "quick" else full
    if kw is None:  # not part of this mode: the other mode's sizes
        kw = quick if quick is not None else full
    target = C.check_stochastic_mass_spectrum if fn is C.check_white_noise_rejected else fn
    out = {k: p.default for k, p in inspect.signature(target).parameters.items()
           if p.default is not inspect.Parameter.empty}
    if fn is C.check_white_noise_rejected:
        out.update(noise="white", reference="network")
    out.update(kw)
    out["_function"] = fn.__name__
    out["_summary"] = (fn.__doc__ or "").strip().split("\n")[0]
    return out


def settings_text(s: dict, sep: str = "; ") -> str:
    """A check's physical parameters and run sizes (from :func:`check_settings`), joined by ``sep``."""
    if not s:
        return ""
    par = parameter_title(s)
    if "eta_bar" not in s:  # parameters fixed inside the check: its docstring's first line states them
        par = ", ".join(x for x in (par, s.get("_summary", "")) if x)
    runs = []
    for k, fmt in (("realizations", "%d runs"), ("T", "T=%g"), ("T_max", "T_max=%g"), ("dt", "dt=%g"),
                   ("bin_width", "bin %g"),
                   ("segment", "Welch segment %g"), ("noise", "%s noise"), ("draw", "%s draws")):
        if s.get(k) is not None:
            runs.append(fmt % s[k])
    if s.get("Ns") is not None:
        runs.insert(0, "N=%s" % ",".join("%d" % n for n in s["Ns"]))
    return sep.join(x for x in (par, ", ".join(runs)) if x)


#: reasons a frequency range of a spectral check is not tested (``checks.default_edges``, ``testable_edges``,
#: ``family_checks.check_family_network``)
REASON_LOW = "ω < 0.4 ω_peak: second-order (1/N²) band"
REASON_LINES = "< 20 spectral lines expected in the band (CLT fails)"
REASON_MODE = "collective mode not resolved by N neurons (0.9-1.1 ω_mode)"
REASON_TOP = "above the last band (12 ω_peak)"
REASON_SHADES.update({REASON_LOW: ("0.55", "//"), REASON_LINES: ("C1", "\\\\"), REASON_MODE: ("C4", "xx"),
                      REASON_TOP: ("0.8", "..")})
#: the reasons in full (report.md)
REASON_TEXT = {
    REASON_LOW: "below 0.4 omega_peak the linear O(1/N) spectrum ~ omega^3 is tiny and the O(1/N^2) second-order "
                "excess dominates at these N (checks.default_edges; check low-frequency-second-order)",
    REASON_LINES: "fewer than checks.MIN_LINES = 20 spectral lines (harmonics of the neurons' firing frequencies) "
                  "expected in the band over all runs: a band mean is then not close to Gaussian, and the t / "
                  "chi-square test does not apply (checks.testable_edges)",
    REASON_MODE: "the package flags the collective mode as not resolved by N neurons (damping too small); the "
                 "band [0.9, 1.1] omega_mode is reported in the note, not tested (family_checks)",
    REASON_TOP: "the bands stop at 12 omega_peak (checks.default_edges); the flat tail above is not tested",
}


def spectral_exclusions(label: str, mode: str, details: dict) -> list[tuple[float, float, str]]:
    """The frequency ranges a spectral check did not test, with the reason: below the first band of
    ``checks.default_edges`` (0.4 omega_peak), the default bands without a tested band centre (too few spectral
    lines; for the families also an unresolved collective mode, ``details["excluded_bands"]``) and above the
    last band.  [] for checks with other band layouts."""
    from . import checks as C
    from . import family_checks as F
    from shotnoise.numerics.model import Model

    s = check_settings(label, mode)
    fn = s.get("_function")
    pick = lambda *ks: {k: s[k] for k in ks}
    if fn == "check_network_spectrum":
        model = Model(**pick("eta_bar", "Delta", "J", "N", "M"))
    elif fn in ("check_stochastic_mass_spectrum", "check_white_noise_rejected"):
        model = Model(**pick("eta_bar", "Delta", "J", "N"))
    elif fn == "check_family_network":
        model = F.family_model(s["heterogeneity"], s["poles"], **pick("eta_bar", "Delta", "J", "N", "M"))
    else:
        return []
    if "band_centres" not in details or s.get("edges") is not None:
        return []
    op = model.operating_point()
    edges = C.default_edges(op)
    centres = np.asarray(details["band_centres"], dtype=float)
    modes = [tuple(b) for b in details.get("excluded_bands", ())]
    out = [(0.0, float(edges[0]), REASON_LOW)]
    for a, b in zip(edges[:-1], edges[1:]):
        if np.any((centres >= a) & (centres < b)):
            continue
        why = REASON_MODE if any(a < hi and b > lo for lo, hi in modes) else REASON_LINES
        if out[-1][2] == why and out[-1][1] == a:
            out[-1] = (out[-1][0], float(b), why)
        else:
            out.append((float(a), float(b), why))
    out.append((float(edges[-1]), math.inf, REASON_TOP))
    return out


def write_report(results: list[CheckResult], directory: str, mode: str, wall: float) -> pathlib.Path:
    """Write DIR/report.md (the check table with each row's statistic, units, acceptance region and sidedness;
    per check its settings, note and figures) and the figures (PNG) into ``directory``."""
    d = pathlib.Path(directory)
    d.mkdir(parents=True, exist_ok=True)
    md = ["# shotnoise validation report (%s)" % mode, "",
          "All spectra: two-sided, angular frequency (variance = int S d omega / 2 pi); time in units of %s, "
          "so the spectral density of a rate has units %s." % (units_table.TIME, UNITS_S),
          "Wall time: %.1f s. Verdict: %s." % (wall, "all checks pass" if all(r.passed for r in results)
                                               else "SOME CHECKS FAIL"), "",
          "| check | statistic [units] | measured | reference | measured / reference | pass if | test | verdict "
          "| tolerance origin | time (s) |",
          "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for r in results:
        c = r.to_dict()
        s = describe_check(c)
        ratio = (c["measured"] / c["predicted"] if c["measured"] is not None and c["predicted"] not in (None, 0)
                 else None)
        cells = (r.name, "%s [%s]; reference: %s%s" % (s["statistic"], s["units"], s["reference"],
                                                       "; verdict also needs %s" % s["extra"] if s["extra"] else ""),
                 _num(c["measured"]), _num(c["predicted"]), _num(ratio, "%.4g"), s["pass_if"],
                 "**one-sided**" if s["sided"] == "one-sided" else s["sided"], "PASS" if r.passed else "**FAIL**",
                 r.tolerance_origin, "%.1f" % r.details.get("seconds", math.nan))
        md.append("| %s |" % " | ".join(x.replace("|", "\\|") for x in cells))
    md += ["", "Columns: *statistic* says what *measured* and *reference* are (the check's own statistic: a "
           "band mean of a spectrum, an exponent, a chi-square, a fraction, a ratio); *pass if* is the region "
           "the measured value had to fall in (two-sided: reference +- tolerance, or the chi-square limit on the "
           "measured side); **one-sided** tests fail in one direction only.  Shaded frequency ranges in the "
           "figures were not tested; the legend gives the reason.", ""]
    for r in results:
        label = r.details.get("label", "check")
        md.append("## %s" % r.name)
        st = settings_text(check_settings(label, mode))
        if st:
            md += ["", "Settings (`%s`): %s." % (label, st)]
        if r.note:
            md += ["", r.note]
        figs = _figures(r, d, mode)
        ex = spectral_exclusions(label, mode, r.details) if figs else []
        if ex:
            md += ["", "Not tested (shaded in the figure): " + "; ".join(
                "omega in [%.3g, %s): %s" % (lo, "inf" if math.isinf(hi) else "%.3g" % hi, REASON_TEXT[why])
                for lo, hi, why in ex) + "."]
        for fname, caption in figs:
            md += ["", "![%s](%s)" % (caption, fname)]
        md.append("")
    path = d / "report.md"
    path.write_text("\n".join(md))
    return path


def _log_axes_plain(ax, N=None) -> None:
    """Log axes with plain tick labels: x ticks at the N values (if given), y ticks labelled "%.2g"."""
    from matplotlib.ticker import FixedLocator, FormatStrFormatter, NullFormatter, NullLocator

    if N is not None and ax.xaxis.get_scale() == "log":
        ax.xaxis.set_major_locator(FixedLocator(np.asarray(N, dtype=float)))
        ax.xaxis.set_major_formatter(FormatStrFormatter("%d"))
        ax.xaxis.set_minor_locator(NullLocator())
    if ax.yaxis.get_scale() == "log":
        ax.yaxis.set_major_formatter(FormatStrFormatter("%.2g"))
        ax.yaxis.set_minor_formatter(FormatStrFormatter("%.2g"))
        ax.tick_params(axis="y", which="minor", labelsize=7)
    else:
        ax.yaxis.set_minor_formatter(NullFormatter())


def _figures(r: CheckResult, d: pathlib.Path, mode: str) -> list[tuple[str, str]]:
    """Draw the figures of one check into ``d``; returns [(file name, caption)]."""
    det = r.details
    label = det.get("label", "check")
    s = check_settings(label, mode)
    title = "%s\n%s" % (r.name, settings_text(s, sep="\n")) if s else r.name
    if "expectation" in det and ("mean_psd" in det or "psd" in det):
        fname = "%s.png" % label
        spectral_figure(r, str(d / fname), mode=mode, title=title)
        return [(fname, "%s: simulated vs theory spectrum; shaded: not tested" % r.name)]
    if "levels" in det:  # circuit near its Hopf point: one figure per closeness level
        from .plots import plot_circuit_level
        out = []
        for i, (lv, valid) in enumerate(zip(det["levels"], det.get("valid", [True] * len(det["levels"])))):
            if "_omega" not in lv:
                continue
            fname = "%s_level%d.png" % (label, i)
            qc = lv["quasi_cycle"]
            plot_circuit_level(str(d / fname), lv, title="%s\n%s=%g (damping %.3g, fluctuation level %s)%s" % (
                title, lv["parameter"], lv["value"], qc["damping"],
                "/".join("%.3f" % x for x in lv["fluctuation_level"]),
                "" if valid else " -- beyond linear validity: shown, NOT tested"))
            out.append((fname, "%s, level %s=%g" % (r.name, lv["parameter"], lv["value"])))
        return out
    if "synaptic" in det and "names" in det:
        from .plots import plot_circuit_oscillation
        fname = "%s.png" % label
        plot_circuit_oscillation(str(d / fname), det, title="%s\nsmallest variance excess %.3g (criterion >= %g)"
                                 % (title, r.measured, r.tolerance))
        return [(fname, r.name)]
    plt = _plt()
    if "N" in det and "network" in det:
        fig, ax = plt.subplots(figsize=(7, 4.4))
        N = det["N"]
        ax.errorbar(N, det["mpr"] - det["network"], yerr=4 * det["se"], fmt="o", label="MPR - network ($\\pm$ 4 s.e.)")
        ax.plot(N, det["mpr"] - det["quenched"], "s", mfc="none", ms=9, label="MPR - quenched rate (prediction)")
        ax.plot(N, (det["mpr"] - det["network"][0]) * (N / N[0]) ** -0.5, "k--", lw=0.8,
                label="$\\propto N^{-1/2}$ (predicted exponent)")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("number of neurons N")
        ax.set_ylabel(axis_label("rate bias, MPR rate - network rate", "rate"))
        ax.legend(fontsize=7)
    elif "N_rand" in det:
        fig, ax = plt.subplots(figsize=(7, 4.4))
        N = np.asarray(det["N_rand"], dtype=float)
        ax.errorbar(N, det["d"], yerr=det["d_se"], fmt="o", label="network - quenched rate ($\\pm$ 1 s.e.)")
        x = np.geomspace(N.min() / 1.5, N.max() * 1.5, 50)
        ax.plot(x, det["c"] / x, "r-", label="fit c/N, c=%.3g" % det["c"])
        ax.axhline(0, color="0.5", lw=0.8, ls=":", label="zero")
        ax.set_xscale("log")
        ax.set_xlabel("number of neurons N")
        ax.set_ylabel(axis_label("mean rate difference", "rate"))
        ax.legend(fontsize=7)
    elif "N_excess" in det:
        fig, ax = plt.subplots(figsize=(7, 4.4))
        N = np.asarray(det["N_excess"], dtype=float)
        ax.errorbar(N, det["excess"], yerr=det["excess_se"], fmt="o", label="network - linear theory ($\\pm$ 1 s.e.)")
        ax.plot(N, det["excess"][0] * (N / N[0]) ** -2.0, "k--", lw=0.8, label="$\\propto N^{-2}$ (second order)")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("number of neurons N")
        ax.set_ylabel(axis_label("low-frequency excess, band mean of S", "rate_spectrum"))
        ax.legend(fontsize=7)
    elif "Nvar" in det:
        fig, ax = plt.subplots(figsize=(7, 4.4))
        ax.errorbar(det["N"], det["Nvar"], yerr=2 * det["se"], fmt="o", label="network: N var ($\\pm$ 2 s.e.)")
        ax.plot(det["N"], det["pred"], "r-", label="theory: N x integral of the binned spectrum")
        ax.set_xscale("log")
        ax.set_xlabel("number of neurons N")
        ax.set_ylabel(axis_label("N x var(binned activity)", "rate_squared"))
        ax.legend(fontsize=7)
    elif "table" in det:
        fig, ax = plt.subplots(figsize=(7, 4.4))
        T = det["T_max"]
        Ns = sorted(det["table"])
        for i, (kind, mk, ls) in enumerate((("network", "o", "-"), ("white", "s", "--"), ("surrogate", "^", ":"))):
            frac = [np.mean([math.isfinite(x) for x in det["table"][N][kind]]) for N in Ns]
            # small vertical offsets keep coinciding curves visible; the values are in the note
            ax.plot(Ns, np.asarray(frac) + (i - 1) * 0.01, marker=mk, ls=ls, color="C%d" % i, mfc="none", ms=7,
                    label={"network": "QIF network (r from the order parameter, r_Z)",
                           "white": "mass model, white noise (diffusion limit)",
                           "surrogate": "mass model, surrogate shot noise"}[kind])
        ax.set_xlabel("number of neurons N")
        ax.set_ylabel("fraction of runs escaped from the high state\nbefore T=%g (curves offset by 0.01)" % T)
        ax.set_ylim(-0.05, 1.1)
        ax.legend(fontsize=7)
    else:
        return []
    _log_axes_plain(ax, N=next((det[k] for k in ("N", "N_rand", "N_excess") if k in det and np.ndim(det[k])),
                               None))
    ax.set_title(title, fontsize=8)
    fname = "%s.png" % label
    fig.tight_layout()
    fig.savefig(d / fname, dpi=110)
    plt.close(fig)
    return [(fname, r.name)]


def _plt():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt


def spectral_figure(r: CheckResult, path: str, *, mode: str = "quick", title: str | None = None) -> None:
    """The figure of a spectral check (network, periodic trains, stochastic mass, families): the simulated
    spectrum with its pointwise band, the theory, the tested band means with their tolerance and the untested
    ranges shaded with the reason (:func:`spectral_exclusions`)."""
    from scipy import stats

    from .plots import plot_theory_vs_simulation

    det = r.details
    label = det.get("label", "check")
    s = check_settings(label, mode)
    curves = {"theory: expected Welch estimate (binning, window)": det["expectation"]}
    if "theory" in det:
        curves["theory $S(\\omega)$ (unbinned)"] = det["theory"]
    if "shot" in det:
        curves["bare shot noise $S_\\xi$ (uncoupled)"] = det["shot"]
    if "mean_psd" in det:
        m = np.asarray(det["mean_psd"])
        R = det.get("realizations") or s.get("realizations")
        what = "uncoupled periodic trains" if s.get("_function") == "check_periodic_trains" else "network"
        est_label = "%s: mean Welch estimate over %s runs" % (what, R or "the")
        if "se_psd" in det and R:
            t = float(stats.t.ppf(0.975, R - 1))
            lo, hi = np.maximum(m - t * det["se_psd"], 1e-2 * m), m + t * det["se_psd"]
            lab = "%s: pointwise 95%% band over %d runs (Student t; floor 1%%)" % (what, R)
        elif "se_psd" in det:
            lo, hi = np.maximum(m - 2 * det["se_psd"], 1e-2 * m), m + 2 * det["se_psd"]
            lab = "%s: mean $\\pm$ 2 s.e. (floor 1%%)" % what
        else:
            lo = hi = None
            lab = ""
    else:
        m, lo, hi = det["psd"], det["ci_low"], det["ci_high"]
        est_label = "stochastic mass model%s: Welch estimate (one run)" % (
            " (%s noise)" % s["noise"] if s.get("noise") else "")
        lab = "95% chi-square CI of the estimate"
    if "reference" in s and s.get("reference") == "network":
        curves = {"shot-noise theory: expected Welch estimate (rejection expected)": det["expectation"]}
    plot_theory_vs_simulation(path, det["omega"], m, lo, hi, curves, title or r.name, bands=det, band_label=lab,
                              excluded=spectral_exclusions(label, mode, det), estimate_label=est_label)
