"""Network-vs-theory checks of circuits with synapses near their Hopf points (issue 11, point 6).

Three concepts, one module: the stable (asynchronous) side approached toward a Hopf point, where the linear
theory (``CircuitOperatingPoint.expected_welch``) must predict the network's activity spectra, cross-spectra and
rates; and the far side, where the package must refuse linear response and the network oscillates.

Statistics (stable side).  R independent network runs (random excitability draws and initial phases, seeds
seed, seed + 1, ...; streamed Welch estimates of the activities, Hann, 50 % overlap).  For every band [a, b)
and every quantity -- the auto-spectrum of each population, and the real and the imaginary part of each
cross-spectrum S_ab = <A_a conj A_b> -- the band mean of each run is one sample; their mean over runs is
compared with the band mean of the exact expected Welch estimate (binning, aliases, window leakage and mean
removal included) by Student's t with R - 1 dof (``results.band_comparison``), Bonferroni over all bands of
all quantities and the rate tests at family-wise alpha = ``ALPHA``.  The scatter over runs contains the
Welch (chi-square) spread *and* the sample-to-sample (quenched-disorder) scatter of random draws.  For the
record each band also carries the Gaussian (disorder-free) prediction of that scatter,

    Var[band mean of P_aa] = 2 E_aa^2 / nu_b                       (nu_b: ``welch_dof.band_dof``)
    Var[band mean of Re / Im C_ab] = (E_aa E_bb +- Re(E_ab^2)) / nu_b,flat

(+ for the real, - for the imaginary part; nu_b,flat = 2 K_eff the band's equivalent dof for a flat
spectrum: the standard result for an average of K_eff independent cross-periodograms of jointly Gaussian
signals, Var Re(X_a X_b*) = (S_aa S_bb + Re S_ab^2)/2 per periodogram (Bendat & Piersol, eq. 9.50), which
reduces to S^2 / K_eff for a = b), reported as ``scatter_ratio`` = observed / Gaussian variance.

Rates: each run's mean rate of each population vs the fixed point r_a (t over runs; random Lorentzian draws
make the rate scatter from sample to sample, which the t test includes).

Linear validity.  The linear theory needs small fluctuations: ``fluctuation_level()`` (predicted relative
std of the rates) below ``FLUCTUATION_MAX``.  Levels beyond it are still simulated and compared, but reported
as 'beyond linear validity' with the measured excess (they do not enter the verdict); the measured table
(``linear_validity_table``) is what sets FLUCTUATION_MAX (see its docstring).

Past the Hopf point (:func:`check_past_hopf`): pass if ``circuit.operating_point()`` raises ParameterError
AND the network's oscillation is far above the finite-size noise of the stable side (criterion in the
function's docstring).
"""
from __future__ import annotations

import math
import time

import numpy as np
from scipy import stats

from shotnoise.numerics.circuit.model import Circuit, Population
from shotnoise.numerics.welch_dof import band_dof
from shotnoise.theory.errors import ParameterError

from .results import CheckResult, band_comparison

#: family-wise false-alarm level of every check (all bands, quantities, levels and rate tests; Bonferroni)
ALPHA = 1e-3
#: largest predicted relative rate std (``fluctuation_level``) at which the linear theory is tested
FLUCTUATION_MAX = 0.1
#: past the Hopf point: the network's variance of s must exceed the stable side's predicted variance of s (at the
#: mirror point, same N) by at least this factor: std >= 3.2x.  The sample variance of one run of the stable side
#: (T = 600 >> 1/gamma ~ 30) scatters by ~30 %, so a factor 10 is not reached by noise
OSCILLATION_EXCESS_MIN = 10.0


# --------------------------------------------------------------------------- the circuits
def ing_circuit(*, J: float = -1.0, N: int = 2000, Delta: float = 0.1, eta_bar: float = 1.0, tau_s: float = 0.5
                ) -> Circuit:
    """One inhibitory Lorentzian population with exponential synapses (ING).  Hopf point (``Circuit.hopf`` in
    J.I.I): J_H = -1.9331, omega_H = 1.659, stable for J > J_H (weaker inhibition)."""
    return Circuit(populations=[Population(name="I", eta_bar=eta_bar, Delta=Delta, tau_s=tau_s, N=N)],
                   coupling={"I": {"I": J}})


def ping_circuit(*, J_EI: float = -0.5, N: int = 2000, N_I: int | None = None) -> Circuit:
    """E-I pair with exponential synapses on both (tau_s,E = 0.5, tau_s,I = 1.0): E (eta_bar 1, Delta 0.1) drives
    I (eta_bar 0, Delta 0.1) with J_IE = 5, I inhibits E with J_EI < 0.  Hopf point (``Circuit.hopf`` in J.E.I):
    J_H = -1.409, omega_H = 1.437, stable above (weaker inhibition)."""
    return Circuit(populations=[Population(name="E", eta_bar=1.0, Delta=0.1, tau_s=0.5, N=N),
                                Population(name="I", eta_bar=0.0, Delta=0.1, tau_s=1.0, N=N_I or N)],
                   coupling={"E": {"E": 0.0, "I": J_EI}, "I": {"E": 5.0, "I": 0.0}})


CIRCUITS = {"ing": (ing_circuit, "J.I.I"), "ping": (ping_circuit, "J.E.I")}
#: the continuation range searched for each circuit's Hopf point
HOPF_RANGE = {"ing": (-0.5, -3.0), "ping": (-0.1, -2.5)}


def _build(kind: str, value: float, N: int) -> Circuit:
    make, path = CIRCUITS[kind]
    return make(N=N).with_parameter(path, value)


def hopf_point(kind: str, *, start: float | None = None, stop: float | None = None, points: int = 25):
    """The Hopf point of circuit ``kind`` ('ing', 'ping') in its parameter (``Circuit.hopf`` over HOPF_RANGE)."""
    make, path = CIRCUITS[kind]
    start = HOPF_RANGE[kind][0] if start is None else start
    stop = HOPF_RANGE[kind][1] if stop is None else stop
    h = make(N=1000).hopf(parameter=path, start=start, stop=stop, points=points)
    if not h.hopf:
        raise RuntimeError("no Hopf point of %s in %s in [%g, %g]" % (kind, path, start, stop))
    return h.hopf[0]


# --------------------------------------------------------------------------- simulation
def simulate_runs(circuit: Circuit, op, *, T: float, dt: float, bin_width: float, segment: float,
                  realizations: int, seed: int, transient: float = 50.0) -> dict:
    """R network runs (random draws, seeds seed + k): per run the auto-spectra (R x P x n_omega), the spectral
    matrix (R x n_omega x P x P, layout of ExpectedWelchMatrix.psd) and the mean rates (R x P)."""
    auto, cross, rates, spec = [], [], [], None
    wall = 0.0
    for k in range(realizations):
        res = circuit.simulate_network(T=T + transient, dt=dt, transient=transient, bin_width=bin_width,
                                       draw="random", seed=seed + k, segment=segment, keep_series=False)
        wall += res.wall_time
        spec = res.spectra[0]
        auto.append(np.array([s.psd for s in res.spectra]))
        cross.append(np.transpose(res.cross_spectra, (2, 0, 1)))
        rates.append(res.mean_rate)
    return {"auto": np.array(auto), "cross": np.array(cross), "rate": np.array(rates), "spec": spec,
            "omega": spec.omega, "wall": wall}


# --------------------------------------------------------------------------- bands
def quasi_cycle_edges(op, *, segment: float, bin_width: float) -> np.ndarray:
    """Bands resolving the quasi-cycle peak (omega_0 +- 1, 3, 6 w with w = max(gamma, 2 pi/segment)), its
    flanks, the shot-noise peaks of the populations (2 pi r_a), the second harmonics and the flat tail;
    every band at least two Welch bins wide, all below the Nyquist frequency of the bins."""
    qc = op.quasi_cycle()
    d = 2 * math.pi / segment
    w0 = qc.frequency
    w = max(qc.damping, d)
    pts = {0.45 * w0, 0.65 * w0, w0 - 6 * w, w0 - 3 * w, w0 - w, w0 + w, w0 + 3 * w, w0 + 6 * w,
           1.6 * w0, 2.5 * w0, 4 * w0, 8 * w0}
    for r in op.r:
        f = 2 * math.pi * r
        pts |= {0.9 * f, 1.1 * f, 1.9 * f, 2.1 * f}
    nyq = 0.9 * math.pi / bin_width
    e = np.array(sorted(p for p in pts if 0.3 * w0 <= p <= nyq))
    keep = [e[0]]
    for v in e[1:]:
        if v - keep[-1] >= 2.0 * d:
            keep.append(v)
    return np.array(keep)


def _band_means(omega, x, edges):
    """Band means of x (..., n_omega) over [edges[i], edges[i+1]) with omega > 0."""
    out = []
    for a, b in zip(edges[:-1], edges[1:]):
        sel = (omega >= a) & (omega < b) & (omega > 0)
        out.append(x[..., sel].mean(axis=-1))
    return np.stack(out, axis=-1)


def gaussian_band_variance(spec, E: np.ndarray, a: int, b: int, part: str, edges) -> np.ndarray:
    """Variance of one run's band mean for a jointly Gaussian signal (module docstring): auto (a == b) from
    band_dof with the expectation weighted in; Re / Im of a cross-spectrum from (E_aa E_bb +- Re E_ab^2)/nu_flat."""
    if a == b:
        Eaa = np.real(E[:, a, a])
        nu = band_dof(spec, Eaa, edges)
        return 2 * _band_means(spec.omega, Eaa, edges) ** 2 / nu
    nu_flat = band_dof(spec, np.ones_like(spec.omega), edges)
    sgn = 1.0 if part == "re" else -1.0
    v = np.real(E[:, a, a]) * np.real(E[:, b, b]) + sgn * np.real(E[:, a, b] ** 2)
    return _band_means(spec.omega, v, edges) / nu_flat


# --------------------------------------------------------------------------- one closeness level
def compare_level(circuit: Circuit, *, T: float, dt: float, bin_width: float = 0.05, segment: float = 100.0,
                  realizations: int = 8, seed: int = 1, alpha: float = ALPHA, edges=None,
                  theory_scale: float = 1.0, transient: float = 50.0) -> dict:
    """Simulate one stable circuit R times and compare every band of every auto- and cross-spectrum and the
    rates with the linear theory at family-wise ``alpha`` (Bonferroni inside).  ``theory_scale`` multiplies
    the predicted spectra (a deliberately wrong theory, to show that the check can fail).  Returns a dict
    (JSON-ready apart from the arrays kept for plots)."""
    op = circuit.operating_point()
    qc = op.quasi_cycle()
    fl = op.fluctuation_level()
    t0 = time.perf_counter()
    ew = op.expected_welch(segment=segment, bin_width=bin_width)
    t_theory = time.perf_counter() - t0
    sim = simulate_runs(circuit, op, T=T, dt=dt, bin_width=bin_width, segment=segment, realizations=realizations,
                        seed=seed, transient=transient)
    omega, spec = sim["omega"], sim["spec"]
    if ew.omega.shape != omega.shape or not np.allclose(ew.omega, omega, rtol=1e-12, atol=0):
        raise RuntimeError("expected-Welch grid differs from the streamed Welch grid")
    E = ew.psd * theory_scale
    if edges is None:
        edges = quasi_cycle_edges(op, segment=segment, bin_width=bin_width)
    edges = np.asarray(edges, dtype=float)
    B = len(edges) - 1
    names, P = circuit.names, circuit.P
    quantities = [(a, a, "auto") for a in range(P)]
    quantities += [(a, b, part) for a in range(P) for b in range(a + 1, P) for part in ("re", "im")]
    n_tests = B * len(quantities) + P
    R = realizations
    rows, results = [], []
    for a, b, part in quantities:
        if part == "auto":
            est, th, label = sim["auto"][:, a, :], np.real(E[:, a, a]), "S_%s" % names[a]
        else:
            z = sim["cross"][:, :, a, b]
            est = z.real if part == "re" else z.imag
            th = (E[:, a, b].real if part == "re" else E[:, a, b].imag)
            label = "%s S_%s|%s" % (part.capitalize(), names[a], names[b])
        res = band_comparison(label, omega, est, th, edges, alpha=alpha * B / n_tests)
        g_var = gaussian_band_variance(spec, E / theory_scale, a, b, part, edges)
        d = res.details
        obs_var = (d["band_se"] ** 2) * R
        scale = np.abs(d["band_theory"]) if part == "auto" else np.sqrt(
            _band_means(omega, np.real(E[:, a, a]) * np.real(E[:, b, b]), edges))
        results.append(res)
        rows.append({"quantity": label, "band_centres": d["band_centres"], "band_means": d["band_means"],
                     "band_se": d["band_se"], "band_theory": d["band_theory"], "band_t": d["band_t"],
                     "critical_t": d["critical_t"], "rel_error": (d["band_means"] - d["band_theory"]) / scale,
                     "rel_se": d["band_se"] / scale, "gaussian_se": np.sqrt(g_var / R),
                     "scatter_ratio": obs_var / g_var, "passed": bool(res.passed)})
    # rates vs the fixed point (t over runs)
    crit_rate = float(stats.t.isf(alpha / n_tests / 2, R - 1))
    rate_mean = sim["rate"].mean(axis=0)
    rate_se = sim["rate"].std(axis=0, ddof=1) / math.sqrt(R)
    rate_t = (rate_mean - op.r) / rate_se
    rate_ok = bool(np.all(np.abs(rate_t) <= crit_rate))
    worst = max(rows, key=lambda r: float(np.max(np.abs(r["band_t"]))))
    k = int(np.argmax(np.abs(worst["band_t"])))
    # the largest relative error (in units of the band's scale) and its standard error
    rel = max(((r, int(np.argmax(np.abs(r["rel_error"]) / 1.0))) for r in rows),
              key=lambda x: abs(x[0]["rel_error"][x[1]]))
    # relative error at the quasi-cycle band (the band containing omega_0) of each auto-spectrum
    kq = int(np.searchsorted(edges, qc.frequency) - 1)
    peak = [{"population": names[a], "band": [float(edges[kq]), float(edges[kq + 1])],
             "ratio": float(rows[a]["band_means"][kq] / rows[a]["band_theory"][kq]),
             "ratio_se": float(rows[a]["band_se"][kq] / rows[a]["band_theory"][kq]),
             "t": float(rows[a]["band_t"][kq])} for a in range(P)] if 0 <= kq < B else []
    return {"circuit": circuit.describe(), "N": [int(n) for n in circuit.N], "T": T, "dt": dt,
            "bin_width": bin_width, "segment": segment, "realizations": R, "seed": seed,
            "quasi_cycle": qc.to_dict(), "fluctuation_level": [float(x) for x in fl],
            "linear_valid": bool(np.max(fl) <= FLUCTUATION_MAX), "rates": {
                "network": rate_mean.tolist(), "se": rate_se.tolist(), "theory": [float(x) for x in op.r],
                "t": rate_t.tolist(), "critical_t": crit_rate, "passed": rate_ok},
            "bands_passed": all(r.passed for r in results), "passed": all(r.passed for r in results) and rate_ok,
            "n_tests": n_tests, "alpha": alpha, "worst": {
                "quantity": worst["quantity"], "omega": float(worst["band_centres"][k]),
                "t": float(worst["band_t"][k]), "critical_t": float(worst["critical_t"]),
                "measured": float(worst["band_means"][k]), "theory": float(worst["band_theory"][k]),
                "se": float(worst["band_se"][k]), "rel_error": float(worst["rel_error"][k]),
                "rel_se": float(worst["rel_se"][k])},
            "largest_rel_error": {"quantity": rel[0]["quantity"], "omega": float(rel[0]["band_centres"][rel[1]]),
                                  "rel_error": float(rel[0]["rel_error"][rel[1]]),
                                  "rel_se": float(rel[0]["rel_se"][rel[1]]), "t": float(rel[0]["band_t"][rel[1]])},
            "peak": peak, "seconds_theory": t_theory, "seconds_network": sim["wall"],
            "_rows": rows, "_edges": edges, "_omega": omega, "_mean_auto": sim["auto"].mean(axis=0),
            "_mean_cross": sim["cross"].mean(axis=0), "_expected": E, "_names": names,
            "_theory": op.spectra(omega[omega > 0]), "_results": results}


# --------------------------------------------------------------------------- the checks
#: closeness levels (the parameter's values) of the quick checks, at N = 2000: quasi-cycle damping gamma and the
#: predicted relative rate std (fluctuation_level) in the comments
LEVELS = {
    # ING, J.I.I (Hopf at -1.9331, omega_H 1.659): gamma 0.040, 0.0166, 0.0048; fluctuation 0.040, 0.080, 0.162
    "ing": (-1.0, -1.5, -1.8),
    # PING, J.E.I (Hopf at -1.4090, omega_H 1.437): gamma 0.073, 0.033, 0.011; fluctuation (E, I)
    # (0.010, 0.042), (0.038, 0.052), (0.088, 0.079)
    "ping": (-0.42, -0.99, -1.27),
}


def check_circuit_near_hopf(kind: str = "ing", levels=None, N: int = 2000, T: float = 1500.0, dt: float = 0.01,
                            bin_width: float = 0.1, segment: float = 50.0, realizations: int = 8, seed: int = 301,
                            theory_scale: float = 1.0, name: str | None = None) -> CheckResult:
    """ING / PING circuit at increasing closeness to its Hopf point: network activity spectra, cross-spectra and
    rates vs the linear theory (module docstring: t over R runs per band and quantity, Bonferroni over
    everything at family-wise alpha = 1e-3).

    Levels whose predicted fluctuation level exceeds FLUCTUATION_MAX are simulated and compared too but
    reported as 'beyond linear validity' (with their measured excess), not tested.  Pass: every level within
    linear validity passes (and at least one level is tested).
    """
    make, path = CIRCUITS[kind]
    levels = LEVELS[kind] if levels is None else tuple(levels)
    hp = hopf_point(kind)
    circuits = [make(N=N).with_parameter(path, v) for v in levels]
    valid = [bool(np.max(c.operating_point().fluctuation_level()) <= FLUCTUATION_MAX) for c in circuits]
    n_valid = max(sum(valid), 1)
    rows = []
    for i, (v, c) in enumerate(zip(levels, circuits)):
        # Bonferroni over the tested levels; untested levels at the same per-level alpha (for the record)
        lv = compare_level(c, T=T, dt=dt, bin_width=bin_width, segment=segment, realizations=realizations,
                           seed=seed + 100 * i, alpha=ALPHA / n_valid, theory_scale=theory_scale)
        lv.update(parameter=path, value=v, distance=v - hp.value, relative_distance=1.0 - v / hp.value)
        rows.append(lv)
    tested = [r for r, ok in zip(rows, valid) if ok]
    passed = bool(tested) and all(r["passed"] for r in tested)
    worst = max(tested or rows, key=lambda r: abs(r["worst"]["t"]) / r["worst"]["critical_t"])
    w = worst["worst"]
    note = "Hopf point %s = %.5g (omega_H %.4g); " % (path, hp.value, hp.frequency)
    parts = []
    for r, ok in zip(rows, valid):
        qc = r["quasi_cycle"]
        s = ("%s=%g (gamma %.3g, omega_0 %.3g, fluctuation %s): worst |t| %.2f/%.2f (%s at omega %.3g, rel. error "
             "%+.3f +- %.3f); quasi-cycle band ratio %s; rates t %s"
             % (path, r["value"], qc["damping"], qc["frequency"], "/".join("%.3f" % x for x in r["fluctuation_level"]),
                abs(r["worst"]["t"]), r["worst"]["critical_t"], r["worst"]["quantity"], r["worst"]["omega"],
                r["worst"]["rel_error"], r["worst"]["rel_se"],
                ", ".join("%s %.3f+-%.3f" % (p["population"], p["ratio"], p["ratio_se"]) for p in r["peak"]),
                ", ".join("%.2f" % x for x in r["rates"]["t"])))
        if not ok:
            s += (" -- beyond linear validity (fluctuation level > %g): not tested; %s"
                  % (FLUCTUATION_MAX, "agrees nonetheless" if r["passed"] else "measured excess beyond the statistics"))
        parts.append(s)
    note += "; ".join(parts)
    nm = name or "%s network vs linear theory near the Hopf point (N=%d per population)" % (kind.upper(), N)
    return CheckResult(nm, w["measured"], w["theory"], w["critical_t"] * w["se"],
                       "Student t (%d dof) over %d runs (random draws) per band, auto-spectra, Re and Im of the "
                       "cross-spectra and rates; Bonferroni over %d tests per level and %d tested levels, family-wise "
                       "alpha=%g; worst: %s at omega=%.3g, level %s=%g (|t|=%.2f)"
                       % (realizations - 1, realizations, worst["n_tests"], n_valid, ALPHA, w["quantity"], w["omega"],
                          path, worst["value"], abs(w["t"])),
                       passed, note, {"levels": rows, "valid": valid, "hopf": hp.to_dict(), "kind": kind, "N": N,
                                      "T": T, "realizations": realizations})


def synaptic_variance(op) -> np.ndarray:
    """Predicted variance of every population's synaptic variable s_a (linear theory, stable point)."""
    qc = op.quasi_cycle()
    scale = max(abs(z) for z in op.eigenvalues)
    w = np.unique(np.concatenate([np.geomspace(1e-4 * scale, 1e3 * scale, 4000),
                                  qc.frequency + qc.damping * np.linspace(-20, 20, 801)]))
    w = w[w > 0]
    S = np.real(np.einsum("waa->wa", op.spectral_matrix(w, output="synaptic")))
    return 2 * np.trapezoid(S, w, axis=0) / (2 * math.pi)


def check_past_hopf(kind: str = "ing", value: float = -2.5, N: int = 2000, T: float = 600.0, dt: float = 0.01,
                    bin_width: float = 0.1, transient: float = 200.0, segment: float = 50.0, seed: int = 401,
                    name: str | None = None) -> CheckResult:
    """Past the Hopf point: the package must refuse linear response and the network must oscillate.

    Measured (one network run started at the unstable fixed point, after the transient): the relative standard
    deviation of each population's synaptic variable s_a (bin averages; the shot noise is filtered out by the
    synapse), its peak-to-peak / r*, and the dominant frequency (Welch peak of the activity) vs omega_H.
    Reference: the linear theory's variance of s_a at the mirror point on the stable side (parameter 2 x_H - x,
    same N).  Pass: ``operating_point()`` raises ParameterError AND for every population var(s_a) exceeds the
    stable side's predicted var(s_a) by at least OSCILLATION_EXCESS_MIN (= 10: the oscillation's std is >= 3.2x
    the finite-size noise at the mirror point; a limit cycle's amplitude does not decrease with N, the noise's does as N^-1/2).
    """
    make, path = CIRCUITS[kind]
    c = make(N=N).with_parameter(path, value)
    hp = hopf_point(kind)
    try:
        c.operating_point()
        refused, message = False, ""
    except ParameterError as e:
        refused, message = True, str(e)
    op = c.operating_point(require_stable=False)
    mirror = 2 * hp.value - value
    ref = make(N=N).with_parameter(path, mirror).operating_point()
    var_ref = synaptic_variance(ref)
    res = c.simulate_network(T=T + transient, dt=dt, transient=transient, bin_width=bin_width, draw="random",
                             seed=seed, segment=segment, keep_series=True, order_parameter_interval=0.0)
    s = res.synaptic
    var = s.var(axis=1)
    rel_std = np.sqrt(var) / op.r
    p2p = (np.percentile(s, 99.5, axis=1) - np.percentile(s, 0.5, axis=1)) / op.r
    spec = res.spectra[0]
    sel = spec.omega > 0.2
    peak = float(spec.omega[sel][np.argmax(np.sum([sp.psd[sel] for sp in res.spectra], axis=0))])
    excess = var / var_ref
    passed = bool(refused and np.all(excess >= OSCILLATION_EXCESS_MIN))
    names = c.names
    note = ("%s=%g past the Hopf point %.5g (omega_H %.4g): operating_point() %s; network (N=%d, T=%g after a "
            "transient of %g): rel. std of s %s, peak-to-peak/r* %s, dominant frequency %.3f (omega_H %.3f, ratio "
            "%.3f); mean rates %s vs the unstable fixed point %s; stable-side reference %s=%g: predicted rel. std "
            "of s %s (fluctuation level %s); variance excess %s (criterion >= %g)"
            % (path, value, hp.value, hp.frequency, "refused linear response" if refused else "did NOT refuse",
               N, T, transient, ", ".join("%s %.3f" % (n, x) for n, x in zip(names, rel_std)),
               ", ".join("%s %.3f" % (n, x) for n, x in zip(names, p2p)), peak, hp.frequency, peak / hp.frequency,
               ", ".join("%.4f" % x for x in res.mean_rate), ", ".join("%.4f" % x for x in op.r), path, mirror,
               ", ".join("%.4f" % x for x in np.sqrt(var_ref) / ref.r),
               ", ".join("%.3f" % x for x in ref.fluctuation_level()), ", ".join("%.3g" % x for x in excess),
               OSCILLATION_EXCESS_MIN))
    k = int(np.argmin(excess))
    return CheckResult(name or "%s past the Hopf point: linear response refused, network oscillates" % kind.upper(),
                       float(excess[k]), OSCILLATION_EXCESS_MIN, OSCILLATION_EXCESS_MIN,
                       "one-sided: var(s) of the network / predicted var(s) at the mirror point on the stable side "
                       ">= %g, and operating_point() raises ParameterError" % OSCILLATION_EXCESS_MIN,
                       passed, note, {"refused": refused, "message": message, "rel_std": rel_std, "peak_to_peak": p2p,
                                      "dominant_frequency": peak, "hopf": hp.to_dict(), "excess": excess,
                                      "reference_rel_std": np.sqrt(var_ref) / ref.r, "mean_rate": res.mean_rate,
                                      "r_fixed_point": op.r, "time": np.arange(s.shape[1]) * bin_width,
                                      "synaptic": s, "activity_spectra": [sp.psd for sp in res.spectra],
                                      "omega": spec.omega, "names": names})


# --------------------------------------------------------------------------- the closing-note table and figures
def linear_validity_table(kind: str = "ing", levels=None, Ns=(500, 2000, 8000), T: float = 1500.0,
                          dt: float = 0.01, bin_width: float = 0.1, segment: float = 50.0, realizations: int = 8,
                          seed: int = 501, out: str | None = "/tmp/shotnoise_figs") -> list[dict]:
    """Where does the linear theory fail?  For every level (parameter value: damping gamma) and N: the worst band
    (largest |t| over all bands, auto and cross), its relative error +- standard error, whether it exceeds the
    Bonferroni critical t at family-wise 1e-3 of that level, the quasi-cycle band ratio and the predicted
    fluctuation level.  With ``out`` writes one figure per (level, N) and table.json / table.md there."""
    import json
    import os

    from .plots import plot_circuit_level

    make, path = CIRCUITS[kind]
    levels = LEVELS[kind] if levels is None else tuple(levels)
    hp = hopf_point(kind)
    table = []
    if out:
        os.makedirs(out, exist_ok=True)
    for i, v in enumerate(levels):
        for j, N in enumerate(Ns):
            c = make(N=N).with_parameter(path, v)
            lv = compare_level(c, T=T, dt=dt, bin_width=bin_width, segment=segment, realizations=realizations,
                               seed=seed + 100 * i + 10 * j)
            w = lv["worst"]
            row = {"kind": kind, "parameter": path, "value": v, "relative_distance": 1.0 - v / hp.value,
                   "gamma": lv["quasi_cycle"]["damping"], "omega_0": lv["quasi_cycle"]["frequency"], "N": N,
                   "fluctuation_level": lv["fluctuation_level"], "worst_quantity": w["quantity"],
                   "worst_omega": w["omega"], "worst_rel_error": w["rel_error"], "worst_rel_se": w["rel_se"],
                   "worst_t": w["t"], "critical_t": w["critical_t"], "fails": not lv["passed"],
                   "peak": lv["peak"], "rate_t": lv["rates"]["t"], "seconds_network": lv["seconds_network"]}
            table.append(row)
            if out:
                plot_circuit_level(os.path.join(out, "%s_%s_%g_N%d.png" % (kind, path.replace(".", ""), v, N)), lv,
                                   title="%s %s=%g (gamma=%.3g, fluctuation %s), N=%d, %d runs x T=%g: worst |t| %.1f "
                                   "(crit %.1f)" % (kind.upper(), path, v, row["gamma"],
                                                    "/".join("%.3f" % x for x in row["fluctuation_level"]), N,
                                                    realizations, T, abs(w["t"]), w["critical_t"]))
    if out:
        with open(os.path.join(out, "%s_table.json" % kind), "w") as f:
            json.dump(table, f, indent=1)
        with open(os.path.join(out, "%s_table.md" % kind), "w") as f:
            f.write(format_table(table))
    return table


def format_table(table: list[dict]) -> str:
    """Markdown table of :func:`linear_validity_table` rows."""
    lines = ["| %s | gamma | rel. dist. | N | fluctuation | worst band (quantity, omega) | rel. error +- se | t / crit "
             "| quasi-cycle band ratio | verdict |" % table[0]["parameter"],
             "|---|---|---|---|---|---|---|---|---|---|"]
    for r in table:
        lines.append("| %g | %.4f | %.3f | %d | %s | %s, %.2f | %+.3f +- %.3f | %.1f / %.1f | %s | %s |" % (
            r["value"], r["gamma"], r["relative_distance"], r["N"], "/".join("%.3f" % x for x in r["fluctuation_level"]),
            r["worst_quantity"], r["worst_omega"], r["worst_rel_error"], r["worst_rel_se"], r["worst_t"],
            r["critical_t"], ", ".join("%.2f+-%.2f" % (p["ratio"], p["ratio_se"]) for p in r["peak"]),
            "FAILS" if r["fails"] else "agrees"))
    return "\n".join(lines) + "\n"


def past_hopf_figure(out: str = "/tmp/shotnoise_figs", **kw) -> CheckResult:
    """Run :func:`check_past_hopf` and draw its time series and spectra to ``out``."""
    import os

    from .plots import plot_circuit_oscillation

    r = check_past_hopf(**kw)
    os.makedirs(out, exist_ok=True)
    plot_circuit_oscillation(os.path.join(out, "%s_past_hopf.png" % kw.get("kind", "ing")), r.details,
                             title=r.note[:160])
    return r
