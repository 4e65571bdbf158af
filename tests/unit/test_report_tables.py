"""Report tables say what each number is: the statistic and units of every check row, the acceptance region it
was compared with, one-sided tests marked; the spectrum table prints the subpopulation column and the resonance
data; the run summary labels r_Z as the network's order-parameter rate, not the mass model's r."""
import math
import re

import numpy as np
import pytest

from shotnoise.numerics import Model
from shotnoise.validation.report import CHECK_LEGEND, describe_check, format_checks, format_run, format_spectrum
from shotnoise.validation.results import band_comparison, chi2_band_comparison


def _check(origin, measured=1.0, predicted=1.0, tolerance=0.1, passed=True, name="c"):
    return {"name": name, "measured": measured, "predicted": predicted, "tolerance": tolerance,
            "tolerance_origin": origin, "passed": passed, "note": ""}


def _numbers(text):
    return [float(x) for x in re.findall(r"-?\d+(?:\.\d+)?(?:e[-+]?\d+)?", text)]


def _real_band_check():
    """A real ``band_comparison`` on seeded synthetic estimates (8 realizations, white spectra of level 2)."""
    rng = np.random.default_rng(3)
    omega = np.linspace(0.0, 10.0, 201)
    est = 2.0 * rng.chisquare(20, size=(8, omega.size)) / 20
    return band_comparison("synthetic", omega, est, np.full(omega.size, 2.0), [1.0, 3.0, 5.0, 9.0]).to_dict()


def _real_chi2_check():
    """A real ``chi2_band_comparison`` of one Welch estimate of seeded white noise against its flat expectation."""
    from shotnoise.numerics.spectral_estimation import welch
    rng = np.random.default_rng(5)
    dt = 0.05
    spec = welch(rng.standard_normal(40_000), dt=dt, segment=20.0)
    return chi2_band_comparison("white", spec, np.full(spec.omega.size, dt), [0.5, 5.0, 20.0, 60.0]).to_dict()


def test_band_comparison_row_is_a_worst_band_mean_with_its_symmetric_interval():
    c = _real_band_check()
    d = describe_check(c)
    w = re.search(r"worst band at omega=([\d.]+)", c["tolerance_origin"]).group(1)
    assert d["statistic"] == "band mean of S at omega=%s (worst band)" % w
    assert d["units"] == "1/tau" and d["sided"] == "two-sided" and "expected Welch" in d["reference"]
    lo, hi = _numbers(d["pass_if"])
    assert math.isclose(lo, c["predicted"] - c["tolerance"], rel_tol=1e-4)
    assert math.isclose(hi, c["predicted"] + c["tolerance"], rel_tol=1e-4)
    assert (lo <= c["measured"] <= hi) == c["passed"]  # one band per side: the worst band decides


def test_chi_square_band_row_gives_the_limit_on_the_measured_side():
    c = _real_chi2_check()
    d = describe_check(c)
    assert d["statistic"].startswith("band mean of S at omega=") and d["sided"] == "two-sided"
    (limit,) = _numbers(d["pass_if"].split("(")[0])
    if c["measured"] >= c["predicted"]:
        assert d["pass_if"].startswith("<=") and math.isclose(limit, c["predicted"] + c["tolerance"], rel_tol=1e-4)
    else:
        assert d["pass_if"].startswith(">=") and math.isclose(limit, c["predicted"] - c["tolerance"], rel_tol=1e-4)


# the tolerance origins as the checks write them (validation/checks.py, circuit_checks.py), with numbers filled in
ORIGINS = {
    "chi2-fit": ("chi-square of the one-parameter fit d(N) = c/N (1 dof; pass below its 1-1e-3 quantile 10.8); d(N) "
                 "standard errors over 8 realizations", "one-sided", "chi-square of the fit", "<= 10.83"),
    "two-proportion": ("one-sided two-proportion z-test (alpha=1e-3) on escape fractions before T=200 over 10 runs",
                       "one-sided", "escape fraction", "> 0.877"),
    "past-hopf": ("one-sided: var(s) of the network / predicted var(s) at the mirror point on the stable side >= 10, "
                  "and operating_point() raises ParameterError", "one-sided", "var(s) network", ">= 10"),
    "white-rejected": ("chi-square with 395 equivalent dof (Welch overlap + bin correlation, expectation-weighted), "
                       "Bonferroni over 14 bands, family-wise alpha=0.001; worst band at omega=0.694; measured/"
                       "predicted = band ratio at the shot-noise peak", "one-sided", "band ratio", "< 0.708"),
    "loglog": ("4 x standard error of the log-log fit (floor 0.05); per-N |network - quenched| <= 4 batch standard "
               "errors (max z=0.12)", "two-sided", "exponent of the rate bias", None),
    "excess": ("4 x standard error propagated from band standard errors over 30 realizations", "two-sided",
               "exponent of the low-frequency excess", None),
    "variance": ("Student t (5 dof) x standard error over 6 realizations, Bonferroni over 3 N values; worst N=1600",
                 "two-sided", "N x var(binned activity) at N=1600", None),
    "circuit": ("Student t (7 dof) over 8 runs (random draws) per band, auto-spectra, Re and Im of the cross-spectra "
                "and rates; Bonferroni over 12 tests per level and 2 tested levels, family-wise alpha=0.001; worst: "
                "S_I at omega=3.17, level J.I.I=-1.5 (|t|=2.87)", "two-sided", "band mean of S_I at omega=3.17", None),
}
VALUES = {"chi2-fit": (1.84, 1.0, 9.83), "two-proportion": (1.0, 0.2, 0.677), "past-hopf": (36.5, 10.0, 10.0),
          "white-rejected": (0.308, 1.0, 0.292), "loglog": (-0.47, -0.5, 0.05), "excess": (-2.1, -2.0, 0.3),
          "variance": (2.385, 2.344, 0.12), "circuit": (2.2e-4, 2.4e-4, 6.4e-5)}


@pytest.mark.parametrize("kind", sorted(ORIGINS))
def test_every_kind_of_check_names_its_statistic_and_sidedness(kind):
    origin, sided, statistic, pass_if = ORIGINS[kind]
    m, p, tol = VALUES[kind]
    d = describe_check(_check(origin, m, p, tol))
    assert d["sided"] == sided and statistic in d["statistic"] and d["units"] != "-"
    if pass_if is None:  # symmetric: reference +- tolerance
        lo, hi = _numbers(d["pass_if"])
        assert math.isclose(lo, p - tol, rel_tol=1e-4) and math.isclose(hi, p + tol, rel_tol=1e-4)
    else:
        assert d["pass_if"].startswith(pass_if.split()[0])
        assert math.isclose(_numbers(d["pass_if"].split("(")[0])[0], float(pass_if.split()[1]), rel_tol=2e-3)


def test_a_chi_square_value_is_not_labelled_as_a_rate_or_a_spectrum():
    d = describe_check(_check(ORIGINS["chi2-fit"][0], 1.84, 1.0, 9.83))
    assert "chi-square" in d["statistic"] and d["units"] == "dimensionless" and d["reference"].startswith("expected")


def test_unknown_origin_falls_back_to_a_generic_two_sided_row():
    d = describe_check(_check("something new", 1.0, 2.0, 0.5))
    assert d["statistic"].startswith("value") and d["pass_if"] == "[1.5, 2.5]"


def test_check_table_has_labelled_columns_marks_one_sided_tests_and_has_a_legend():
    checks = [_real_band_check(), _check(ORIGINS["chi2-fit"][0], 1.84, 1.0, 9.83, name="rate fit"),
              _check(ORIGINS["two-proportion"][0], 0.3, 0.2, 0.677, passed=False, name="escape")]
    text = format_checks(checks)
    lines = text.splitlines()
    assert lines[0].split() == ["check", "measured", "reference", "pass", "if", "test", "verdict"]
    rows = [ln for ln in lines[2:] if ln and not ln.startswith(("    ", "#"))]
    assert [r.split()[0] for r in rows] == ["synthetic", "rate", "escape"]
    assert rows[0].rstrip().endswith("2-sided PASS") and rows[1].rstrip().endswith("1-sided PASS")
    assert rows[2].rstrip().endswith("1-sided FAIL")
    details = [ln for ln in lines if ln.startswith("    ")]
    assert len(details) == 3 and "[1/tau]" in details[0] and "chi-square of the fit" in details[1]
    assert [ln[2:] for ln in lines if ln.startswith("# ")] == list(CHECK_LEGEND)


def _spectrum_doc(M):
    from shotnoise.validation.tasks import spectrum_report
    return spectrum_report(Model(eta_bar=1.0, Delta=0.05, J=-3.0, N=1000, M=M), omega=np.array([0.5, 1.0, 2.0]))


def test_spectrum_table_prints_the_subpopulation_column_and_the_resonance_data():
    doc = _spectrum_doc(100)
    text = format_spectrum(doc)
    lines = text.splitlines()
    assert lines[0].startswith("# two-sided") and "M=100" in lines[0]
    head = next(ln for ln in lines if not ln.startswith("#")).split()
    assert head == ["omega", "shot", "activity", "subpop_M=100", "rate", "voltage"]
    rows = [ln.split() for ln in lines if ln and not ln.startswith("#")][1:]
    assert len(rows) == 3
    assert np.allclose([float(r[3]) for r in rows], doc["subpopulation"], rtol=1e-5)
    assert np.allclose([float(r[4]) for r in rows], doc["rate"], rtol=1e-5)
    res = doc["resonance"]
    reso = next(ln for ln in lines if ln.startswith("# resonance"))
    assert "omega_res=%.6g" % res["omega_res"] in reso and "damping=%.6g" % res["damping"] in reso
    assert "Q=%.4g" % res["Q"] in reso
    peak = next(ln for ln in lines if ln.startswith("# shot-noise peak"))
    assert "%.6g" % res["omega_shot_peak"] in peak and "%.4g" % res["gain_at_shot_peak"] in peak
    assert "eta_t=%.6g" % doc["fixed_point"]["eta_t"] in text and "effective drive" in text
    # every column's unit, from the one table (the same strings as spectrum --csv): spectra of rates 1/tau, of the
    # dimensionless voltage tau, omega rad/tau
    from shotnoise.numerics.units import unit
    stated = next(ln for ln in lines if ln.startswith("# units: "))[len("# units: "):].split(", ")
    assert [s.rsplit(" ", 1)[0] for s in stated] == head
    assert [s.rsplit(" ", 1)[1] for s in stated] == [unit("angular_frequency")] + [unit("rate_spectrum")] * 4 + [
        unit("voltage_spectrum")] == ["rad/tau", "1/tau", "1/tau", "1/tau", "1/tau", "tau"]


def test_spectrum_table_without_M_has_no_subpopulation_column():
    lines = format_spectrum(_spectrum_doc(None)).splitlines()
    assert next(ln for ln in lines if not ln.startswith("#")).split() == ["omega", "shot", "activity", "rate",
                                                                          "voltage"]


def test_run_summary_labels_r_Z_as_the_networks_order_parameter():
    spectrum = {"omega": [0.0, 1.0], "n_segments": 4, "dof": 7.2, "convention": "two-sided, angular frequency"}
    doc = {"mean_rate": 0.2, "quenched_rate": 0.199, "theory_rate": 0.201, "mean_rate_Z": 0.2006,
           "spectrum": spectrum, "subpopulation": {"M": 50, "mean_rate": 0.21}}
    text = format_run(doc)
    z = next(ln for ln in text.splitlines() if ln.startswith("mean_rate_Z"))
    assert "r_Z" in z and "order parameter" in z and "NOT the mass model's r" in z and "(1 - conj Z)" in z
    assert "mean_rate_M" in text and "M=50" in text
    mass = format_run({"mean_rate": 0.2, "mean_r": 0.2, "mean_v": -0.04, "spectrum": spectrum})
    assert "r_Z" not in mass and "activity s = r + xi of the stochastic mass model" in mass
