"""One point of the validity map: the linear shot-noise theory against K network realizations.

:func:`compute_point` takes a plain, picklable spec (the Model parameters of the point, the seeds and the
simulation settings) and returns a plain dict (JSON-serialisable) -- it runs on a Dask worker.  Per point:

* ``status``: 'ok'; 'no_stable_fixed_point' (quiescent, or the only fixed point is unstable: no linear
  response); 'multistable' (several fixed points: the map does not choose a state, no network is run);
  'invalid' (a ParameterError, e.g. a parameter out of range); 'failed' (any other exception, or the worker
  died: recorded by the engine).  Every point of the grid is recorded with its status, none is dropped.
* the band-wise relative error of the theory, e_b = <band mean of the network's Welch estimate> /
  <band mean of the theory's exact expected Welch estimate> - 1 (``OperatingPoint.expected_welch``: binning,
  aliases and window leakage included), averaged over the K seeds, with a Student-t confidence interval over
  the seeds (it contains the Welch scatter and the quenched-disorder scatter between random draws), made
  simultaneous over the bands by Bonferroni.  Bands: ``checks.default_edges`` (0.4 .. 12 omega_peak, the shot-noise
  peak, its harmonic, the resonance), leading bands with too few spectral lines dropped
  (``checks.testable_edges``), bands narrower than MIN_BINS = 4 Welch bins merged.
* ``verdict`` of "the linear theory holds to 10 %": 'holds' if every band's simultaneous CI lies inside
  [-0.1, 0.1]; 'fails' if some band's CI lies entirely outside; else 'undetermined' (too few seeds / too short T).
* with ``spec["order"] == 2`` the theory of every band (and of the low-frequency band) is the linear expected
  estimate plus the binned O(1/N^2) correction (``second_order_checks.expected_welch_order2``, THEORY.md section 13).
* the low-frequency second-order excess: measured/theory in the band [first Welch bin, 0.4 omega_peak), which the
  linear (order 1/N, ~omega^3) spectrum does not describe (order 1/N^2: ``checks.check_low_frequency_second_order``);
  excluded from the verdict by this documented criterion, reported beside it.
* the distance to the nearest bifurcation, ``bifurcation_distance`` = -max Re(lambda) / max |lambda| over the
  eigenvalues of the fixed point: dimensionless, invariant under the MPR scaling, 0 at any local bifurcation of the
  asynchronous state (saddle-node: a real eigenvalue reaches 0; Hopf / neutral mode: a complex pair reaches the
  axis), 1 for a critically damped node; for a weakly damped focus it is 1/sqrt(1 + 4 Q^2) ~ 1/(2Q).  For a
  Lorentzian population also the distance to the saddle-node curve (theory/mpr_analysis.saddle_node_curve,
  closed form): relative in J at fixed eta_bar + I, and in eta_bar + I (in units of Delta) at fixed J
  (inf where that line never meets the curve).
* the damping (-Re lambda of the least-damped mode, 1/time), omega_res and Q (``OperatingPoint.resonance``).
* the mean network rate against r0.
"""
from __future__ import annotations

import math
import os
import resource
import time
import traceback

import numpy as np

#: status values (netCDF: their index, with CF flag_values / flag_meanings)
STATUSES = ("ok", "no_stable_fixed_point", "multistable", "invalid", "failed", "missing")
#: verdicts of "the linear theory holds to THRESHOLD" (netCDF: 1, 0, -1)
VERDICTS = {"holds": 1, "fails": 0, "undetermined": -1}
#: the accuracy asked of the linear theory
THRESHOLD = 0.10
#: confidence of the simultaneous (Bonferroni over bands) intervals
CONFIDENCE = 0.95
#: the low-frequency band ends at this fraction of the shot-noise peak (where default_edges starts)
LOW_BAND_END = 0.4
#: Welch bins a band needs at least (narrower default bands are merged with the next)
MIN_BINS = 4
#: maximal number of bands (the netCDF band dimension; default_edges gives at most 17)
MAX_BANDS = 20


def saddle_node_distances(*, eta_bar: float, Delta: float, J: float, I: float = 0.0, tau: float = 1.0) -> dict:
    """Distances of a Lorentzian population to the saddle-node curve (eta_sn(r), J_sn(r)), r > 0 the rate on the
    curve (theory/mpr_analysis.saddle_node_curve, the generated kernel ``saddle_node_point``).

    J direction: the rates r with eta_sn(r) = eta_bar + I (two where the line crosses the curve, none above its
    cusp); ``sn_distance_J`` = min |J - J_sn(r)| / |J_sn(r)|.  eta direction: the rates with J_sn(r) = J;
    ``sn_distance_eta`` = min |eta_bar + I - eta_sn(r)| / Delta.  The rates are the sign changes of the kernel on a
    logarithmic scan over 16 decades around the population's scale, refined with brentq; inf where the line
    does not meet the curve."""
    from scipy.optimize import brentq

    from shotnoise.numerics._generated.mpr_kernels import saddle_node_point
    from shotnoise.numerics._jit import pure

    point = pure(saddle_node_point)
    e = eta_bar + I
    scale = max(math.sqrt(Delta), math.sqrt(abs(e)), abs(J) * tau, 1e-150) / (math.pi * tau)
    grid = scale * np.logspace(-8, 8, 4001)

    def rates_where(k: int, target: float) -> list[float]:
        f = lambda x: point(x, Delta, tau)[k] - target
        vals = np.array([f(x) for x in grid])
        return [brentq(f, a, b, xtol=1e-300, rtol=1e-15) for a, b, fa, fb in zip(grid[:-1], grid[1:], vals[:-1], vals[1:])
                if fa == 0 or fa * fb < 0]

    out = {"sn_distance_J": math.inf, "sn_distance_eta": math.inf}
    Jsn = [point(x, Delta, tau)[1] for x in rates_where(0, e)]
    if Jsn:
        out["sn_distance_J"] = min(abs(J - j) / abs(j) for j in Jsn)
    eta_sn = [point(x, Delta, tau)[0] for x in rates_where(1, J)]
    if eta_sn:
        out["sn_distance_eta"] = min(abs(e - x) / Delta for x in eta_sn)
    return out


def bifurcation_distance(eigenvalues) -> float:
    """-max Re(lambda) / max |lambda| (0 at a local bifurcation, 1 for a critically damped node); nan if none."""
    ev = np.asarray(list(eigenvalues), dtype=complex)
    if ev.size == 0 or not np.all(np.isfinite(ev)):
        return math.nan
    big = float(np.max(np.abs(ev)))
    return float(-np.max(ev.real) / big) if big > 0 else math.nan


def _bands(op, omega: np.ndarray, *, n_neurons: float) -> np.ndarray:
    """Band edges (default_edges, too-few-lines bands dropped, each band >= MIN_BINS Welch bins)."""
    from .checks import default_edges, testable_edges

    edges, _ = testable_edges(default_edges(op), op=op, n_neurons=n_neurons)
    keep = [edges[0]]
    for v in edges[1:]:
        if np.count_nonzero((omega >= keep[-1]) & (omega < v)) >= MIN_BINS:
            keep.append(v)
    return np.array(keep[:MAX_BANDS + 1])


def _t_interval(x: np.ndarray, level: float) -> tuple[float, float, float]:
    """(mean, low, high) of the Student-t interval of the mean of x at ``level``."""
    from scipy import stats

    K = x.size
    m = float(x.mean())
    if K < 2:
        return m, math.nan, math.nan
    half = float(stats.t.isf((1 - level) / 2, K - 1) * x.std(ddof=1) / math.sqrt(K))
    return m, m - half, m + half


def _verdict(lo: np.ndarray, hi: np.ndarray, threshold: float) -> str:
    if not np.all(np.isfinite(lo) & np.isfinite(hi)):
        return "undetermined"
    if np.all((lo >= -threshold) & (hi <= threshold)):
        return "holds"
    if np.any((lo > threshold) | (hi < -threshold)):
        return "fails"
    return "undetermined"


def point_model(params: dict):
    """The Model of a point (flat keyword parameters)."""
    from shotnoise.numerics.model import Model

    return Model(**params)


def compute_point(spec: dict) -> dict:
    """Run one point (spec: 'params' (Model keywords), 'seeds', 'T', 'dt', 'bin_width', 'segment',
    'transient', 'threshold', 'confidence').  Never raises for a problem of the point itself: the status says."""
    t0, c0 = time.perf_counter(), time.process_time()
    out = {"status": "ok", "message": ""}
    try:
        out.update(_compute(spec))
    except Exception as e:  # noqa: BLE001 - recorded per point, the map goes on
        from shotnoise.theory.errors import ParameterError

        if isinstance(e, ParameterError):
            quiescent = "no asynchronous state" in str(e)
            out.update(status="no_stable_fixed_point" if quiescent else "invalid", message=str(e).splitlines()[0])
        else:
            out.update(status="failed", message="%s: %s | %s" % (type(e).__name__, e,
                                                                 traceback.format_exc(limit=3).replace("\n", " ")))
    out["elapsed_s"] = time.perf_counter() - t0
    out["cpu_s"] = time.process_time() - c0
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    out["pid"] = os.getpid()
    return out


def _compute(spec: dict) -> dict:
    params = dict(spec["params"])
    m = point_model(params)
    pts = m.fixed_points()
    d: dict = {"n_fixed_points": len(pts)}
    if m.heterogeneity == "lorentzian":
        d.update(saddle_node_distances(eta_bar=m.eta_bar, Delta=m.Delta, J=m.J, I=m.I, tau=m.tau))
    if len(pts) > 1:
        d.update(status="multistable", message="%d fixed points (r = %s): the map does not choose a state"
                 % (len(pts), ", ".join("%.4g" % q.r for q in pts)),
                 bifurcation_distance=max(bifurcation_distance(q.eigenvalues) for q in pts))
        return d
    op = pts[0]
    d.update(r0=op.r, stability=op.stability, bifurcation_distance=bifurcation_distance(op.eigenvalues))
    if not op.linear_response_defined:
        d.update(status="no_stable_fixed_point", message="the fixed point r=%.4g is a %s" % (op.r, op.stability))
        return d
    res = op.resonance()
    d.update(damping=res.damping, omega_res=res.omega_res, Q=res.Q, omega_peak=res.omega_peak)
    seeds = [int(s) for s in spec["seeds"]]
    T, dt, bw, seg = (float(spec[k]) for k in ("T", "dt", "bin_width", "segment"))
    transient = float(spec.get("transient", 20.0))
    level = float(spec.get("confidence", CONFIDENCE))
    thr = float(spec.get("threshold", THRESHOLD))
    psd, rates, omega = [], [], None
    for s in seeds:
        run = m.simulate_network(T=T + transient, dt=dt, transient=transient, bin_width=bw, draw="random", seed=s,
                                 segment=seg, keep_series=False, r_init=op.r)
        omega = run.spectrum.omega
        psd.append(run.spectrum.psd)
        rates.append(run.mean_rate)
    psd = np.array(psd)
    E = op.expected_welch(segment=seg, bin_width=bw).psd
    if E.shape != omega.shape:
        raise RuntimeError("Welch grid of the network (%d) and of the expectation (%d) differ" % (omega.size, E.size))
    if int(spec.get("order", 1)) == 2:  # linear + the binned O(1/N^2) correction at omega > 0 (THEORY.md sec. 13)
        from .second_order_checks import expected_welch_order2
        E = expected_welch_order2(op, segment=seg, bin_width=bw)["order2"]
    edges = _bands(op, omega, n_neurons=len(seeds) * m.require_N())
    B = len(edges) - 1
    rates = np.array(rates)
    d.update(rate_mean=float(rates.mean()), rate_rel_error=float(rates.mean() / op.r - 1),
             rate_se=float(rates.std(ddof=1) / math.sqrt(rates.size)) if rates.size > 1 else math.nan,
             seed_rate=rates.tolist())
    if B < 1:
        d.update(verdict="undetermined", message="no testable band (too few spectral lines or Welch bins)")
        return d
    band_level = 1 - (1 - level) / B  # Bonferroni: simultaneous over the bands
    rows = []
    for a, b in zip(edges[:-1], edges[1:]):
        sel = (omega >= a) & (omega < b) & (omega > 0)
        th = float(E[sel].mean())
        ratio = psd[:, sel].mean(axis=1) / th
        mean, lo, hi = _t_interval(ratio - 1.0, band_level)
        rows.append((a, b, th, mean, lo, hi, ratio - 1.0))
    lo_arr = np.array([r[4] for r in rows])
    hi_arr = np.array([r[5] for r in rows])
    err = np.array([r[3] for r in rows])
    per_seed = np.max(np.abs(np.array([r[6] for r in rows])), axis=0)
    d.update(band_lo=[r[0] for r in rows], band_hi=[r[1] for r in rows], band_theory=[r[2] for r in rows],
             band_rel_error=err.tolist(), band_ci_low=lo_arr.tolist(), band_ci_high=hi_arr.tolist(),
             max_abs_rel_error=float(np.max(np.abs(err))),
             max_abs_rel_error_ci_high=float(np.max(np.maximum(np.abs(lo_arr), np.abs(hi_arr)))),
             worst_band_centre=float(0.5 * (rows[int(np.argmax(np.abs(err)))][0] + rows[int(np.argmax(np.abs(err)))][1])),
             verdict=_verdict(lo_arr, hi_arr, thr), seed_max_abs_rel_error=per_seed.tolist())
    # low-frequency (second-order) band
    w_end = LOW_BAND_END * res.omega_peak if math.isfinite(res.omega_peak) else edges[0]
    sel = (omega > 0) & (omega < min(w_end, edges[0]))
    if np.count_nonzero(sel) >= 1:
        th = float(E[sel].mean())
        mean, lo, hi = _t_interval(psd[:, sel].mean(axis=1) / th, level)
        d.update(lf_excess=mean, lf_excess_ci_low=lo, lf_excess_ci_high=hi, lf_band_lo=float(omega[sel][0]),
                 lf_band_hi=float(min(w_end, edges[0])))
    return d
