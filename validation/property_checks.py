"""Property-based theory-vs-network checks: hypothesis draws whole models, each is simulated and compared.

What is drawn (``validation.strategies.property_examples``, families :data:`FAMILIES`): single-population models
with delta synapses (tau = 1, I = 0; eta_bar in [0.3, 5], Delta in [0.02, 1], J in [-6, 3], N in [200, 2000])
of the Lorentzian, multi-pole (n = 2, 3) and -- on request, it is slow -- Gaussian families, and circuits with
exponential synapses (``circuit_examples``, ``validation.property_circuits``: ING -- eta_bar, Delta, J, tau_s drawn -- and PING -- J_EI drawn;
N per population in [500, 2000]), each with a simulation seed, kept only where the linear theory claims to
hold: the named validity criteria of :data:`CRITERIA` (each a function here with its own unit test; the strategy
counts how many draws each criterion rejected, :data:`REJECTIONS`).

One single-population example (:func:`check_example`; circuits: ``property_circuits.check_circuit_example``, the same
statistics through ``circuit_checks.compare_level``, auto- and cross-spectra; in ``property_circuits``): R = ``REALIZATIONS`` network runs (random Lorentzian draws and initial
phases, seeds seed, seed + 1, ...; streamed Welch estimates of the activity, Hann, segment 50, bins of 0.02)
compared with the exact expected Welch estimate ``OperatingPoint.expected_welch`` (binning, aliases, window
leakage, mean removal):

* spectrum: per band, the band mean of each run is one sample; their mean over runs vs the band mean of the
  expected estimate, Student t with R - 1 dof (``results.band_comparison``: its scatter contains the Welch
  chi-square spread and the quenched-disorder scatter of random draws);
* mean rate: the runs' mean rates vs the thermodynamic rate r0, Student t over runs
  (``family_checks.rate_vs_theory``: the standard error contains the sample-to-sample scatter, O(N^-1/2) per
  run; the known second-order shift network - quenched = O(J^2/N) is reported, not tested -- it is below that
  scatter at these R and N, and is checked by ``checks.check_rate_random_draws``).

False alarms: the property run of K examples has family-wise level ``FAMILY_WISE_ALPHA`` = 1e-3; each example
gets alpha/K, split by Bonferroni over its tested bands and the rate test.  A failing example prints the
one-line command that replays exactly it (:func:`replay_command`).

Band-level validity criteria (bands not tested, reported with their measured ratio):
``low_band_second_order`` (bands below ``LOW_BAND_FRACTION`` x omega_peak: there the linear spectrum ~ omega^3
is O(1/N) but tiny, and the O(1/N^2) second-order excess dominates at these N, see
``checks.check_low_frequency_second_order``) and ``few_lines`` (fewer than ``checks.MIN_LINES`` expected spectral
lines over all runs: the CLT behind the t test fails).
"""
from __future__ import annotations

import math
import time
from collections import Counter
from dataclasses import dataclass

import numpy as np

from shotnoise.numerics.model import Model
from shotnoise.theory.errors import ParameterError

#: family-wise false-alarm probability of a whole property run (Bonferroni over its examples)
FAMILY_WISE_ALPHA = 1e-3
#: network runs per example, their length (after the transient), time step, bins and Welch segment
REALIZATIONS = 24
T_RUN = 200.0
TRANSIENT = 10.0
DT = 2e-3
BIN_WIDTH = 0.02
SEGMENT = 50.0

# -------------------------------------------------------------------------------------- validity criteria
#: clear firing rate: effective drive of the distribution centre eta_t = eta_bar + J r0 at least this (1/tau^2)
ETA_T_MIN = 0.2
#: away from a bifurcation: slowest decay rate -max Re(eigenvalue) at least this (1/tau)
GAMMA_MIN = 0.05
#: damping not too small: quality factor of the least-damped oscillatory mode below this
Q_MAX = 8.0
#: bands whose upper edge lies below this fraction of the shot-noise peak omega_peak are not tested
LOW_BAND_FRACTION = 0.4


def unique_fixed_point(m: Model) -> tuple[bool, float]:
    """Exactly one fixed point (no bistability: the linear theory describes one asynchronous state)."""
    n = len(m.fixed_points())
    return n == 1, float(n)


def _slowest(op) -> float:
    """-max Re(eigenvalue) (inf if the family reports no eigenvalue near the imaginary axis)."""
    return -max((z.real for z in op.eigenvalues), default=-math.inf)


def stable(op) -> tuple[bool, float]:
    """The fixed point is stable (all eigenvalues with negative real part; a marginal point -- a neutral collective
    mode, e.g. of a uniform density -- is not)."""
    return bool(op.stable), -_slowest(op)


def clear_rate(op) -> tuple[bool, float]:
    """Mean-driven: eta_t >= ETA_T_MIN, so that the shot-noise peak omega_peak = 2 sqrt(eta_t)/tau is resolved."""
    return bool(op.eta_t >= ETA_T_MIN), float(op.eta_t)


def far_from_bifurcation(op) -> tuple[bool, float]:
    """Slowest decay rate gamma = -max Re(eigenvalue) >= GAMMA_MIN / tau: not near a saddle-node or Hopf point
    (critical slowing down: fluctuations grow, the linear theory's O(1/N) expansion breaks down, and the runs
    would be short compared with the correlation time)."""
    g = _slowest(op)
    return bool(g >= GAMMA_MIN / op.model.tau), float(g)


def damped(op) -> tuple[bool, float]:
    """Quality factor of the least-damped oscillatory mode below Q_MAX (no oscillatory mode: passes)."""
    Q = op.resonance().Q
    return bool(not math.isfinite(Q) or Q < Q_MAX), float(Q) if math.isfinite(Q) else 0.0


def mode_resolved(op) -> tuple[bool, float]:
    """The collective mode's Landau damping is reproduced by N neurons: at least
    ``family_checks.N_RESOLVED_MIN`` neurons fire within its damping width (``family_checks.mode_resolution``)."""
    from .family_checks import mode_resolution

    modes = mode_resolution(op, op.model.require_N())
    if not modes:
        return True, math.inf
    worst = min(modes, key=lambda d: d["resolved_neurons"])
    return bool(all(d["trustworthy"] for d in modes)), float(worst["resolved_neurons"])


#: families the strategy can draw (single population, delta synapses) and those of a default property run; the
#: Gaussian and uniform expected Welch estimates (any-g harmonic sums over aliases) take ~30 s per example at bins of 0.02
FAMILIES = ("lorentzian", "multipole2", "multipole3", "gaussian", "ing", "ping", "uniform", "multipole4")
DEFAULT_FAMILIES = ("lorentzian", "multipole2", "multipole3", "ing", "ping")


def family_fields(name: str) -> dict:
    """Model keywords of a family name of FAMILIES."""
    if name not in FAMILIES:
        raise ParameterError("family must be one of %s, got %r" % (", ".join(FAMILIES), name))
    if name in ("ing", "ping"):
        return {"circuit": name}
    if name.startswith("multipole"):
        return {"heterogeneity": "multipole", "poles": int(name[len("multipole"):])}
    return {"heterogeneity": name}


#: the example-level criteria, in the order the strategy applies them (first failing one is counted);
#: 'supported_range' (the family's validated range, ``Model`` raises ParameterError) comes first
CRITERIA = ("supported_range", "unique_fixed_point", "stable", "clear_rate", "far_from_bifurcation", "damped",
            "mode_resolved", "linear_validity")
#: band-level criteria (bands excluded from the comparison, reported)
BAND_CRITERIA = ("low_band_second_order", "few_lines")
#: draws rejected per criterion since the last :func:`reset_rejections` (filled by the strategy)
REJECTIONS: Counter = Counter()


def reset_rejections() -> None:
    REJECTIONS.clear()


def first_violation(m: Model) -> str | None:
    """The first example-level criterion the model violates (None: the linear theory claims to hold)."""
    ok, _ = unique_fixed_point(m)
    if not ok:
        return "unique_fixed_point"
    op = m.fixed_points()[0]
    for name, fn in (("stable", stable), ("clear_rate", clear_rate), ("far_from_bifurcation", far_from_bifurcation),
                     ("damped", damped), ("mode_resolved", mode_resolved)):
        if not fn(op)[0]:
            return name
    return None


def low_band_second_order(a: float, b: float, op) -> bool:
    """True if band [a, b) is excluded: b <= LOW_BAND_FRACTION x omega_peak (linear ~ omega^3 spectrum below the
    O(1/N^2) second-order excess)."""
    return bool(b <= LOW_BAND_FRACTION * op.resonance().omega_peak * (1 + 1e-12))


def few_lines(a: float, b: float, op, n_neurons: float) -> bool:
    """True if band [a, b) is excluded: fewer than MIN_LINES spectral lines expected from n_neurons neurons."""
    from .checks import MIN_LINES, expected_lines

    return bool(expected_lines(a, b, op=op, n_neurons=n_neurons) < MIN_LINES)


def property_edges(op, omega=None) -> np.ndarray:
    """Band edges: one band [0.2, 0.4) omega_peak below the tested range (reported, excluded by
    ``low_band_second_order``), then ``checks.default_edges`` (shot-noise peak, harmonics, resonance, tail).
    With the Welch grid ``omega``: an edge is dropped (bands merged) until every band holds >= 2 bins."""
    from .checks import default_edges

    e = default_edges(op)
    w1 = op.resonance().omega_peak
    lo = 0.2 * w1
    if e[0] - lo > 0.12:
        e = np.concatenate([[lo], e])
    if omega is None:
        return e
    n_bins = lambda a, b: int(np.count_nonzero((omega >= a) & (omega < b) & (omega > 0)))
    keep = [e[0]]
    for v in e[1:]:
        if n_bins(keep[-1], v) >= 2:
            keep.append(v)
    if len(keep) > 2 and n_bins(keep[-2], e[-1]) >= 2:
        keep[-1] = e[-1]  # the top edge stays (the flat tail band)
    return np.array(keep)


# -------------------------------------------------------------------------------------- one example
@dataclass(frozen=True)
class PropertyExample:
    """One drawn example: the model (with N) and the seed of its network runs."""

    model: Model
    seed: int

    def parameters(self) -> dict:
        m = self.model
        return {"heterogeneity": m.heterogeneity, "poles": m.poles, "eta_bar": m.eta_bar, "Delta": m.Delta, "J": m.J, "I": m.I,
                "tau": m.tau, "seed": int(self.seed)}


def replay_command(ex, *, alpha_per_example: float, theory_scale: float = 1.0) -> str:
    """The one-line CLI command that replays exactly this example (same parameters, seeds and level)."""
    if not isinstance(ex, PropertyExample):  # a circuit (property_circuits.CircuitExample)
        spec = "circuit=%s,%sN=%d,seed=%d" % (ex.kind, "".join("%s=%r," % kv for kv in ex.values), ex.N, ex.seed)
        cmd = "shotnoise validate --property --replay %s --alpha-per-example %r" % (spec, alpha_per_example)
        return cmd + (" --theory-scale %r" % theory_scale if theory_scale != 1.0 else "")
    m = ex.model
    spec = "eta_bar=%r,Delta=%r,J=%r,N=%d,seed=%d" % (m.eta_bar, m.Delta, m.J, int(m.N), ex.seed)
    if m.heterogeneity != "lorentzian":
        spec = "heterogeneity=%s,%s%s" % (m.heterogeneity, "" if m.poles is None else "poles=%d," % m.poles, spec)
    cmd = "shotnoise validate --property --replay %s --alpha-per-example %r" % (spec, alpha_per_example)
    if theory_scale != 1.0:
        cmd += " --theory-scale %r" % theory_scale
    return cmd


def parse_replay(text: str):
    """Inverse of the --replay spec of :func:`replay_command`: a PropertyExample, or a
    ``property_circuits.CircuitExample`` for 'circuit=ing|ping,<parameters>,N=..,seed=..'."""
    if text.startswith("circuit="):
        from .property_circuits import parse_circuit_replay

        return parse_circuit_replay(text)
    return _parse_model_replay(text)


def _parse_model_replay(text: str) -> PropertyExample:
    """Inverse of the --replay spec of :func:`replay_command` ('[heterogeneity=..,[poles=..,]]eta_bar=..,Delta=..,
    J=..,N=..,seed=..')."""
    keys = {"eta_bar": float, "Delta": float, "J": float, "N": int, "seed": int, "heterogeneity": str, "poles": int}
    optional = {"heterogeneity", "poles"}
    vals = {}
    for part in text.split(","):
        k, sep, v = part.partition("=")
        k = k.strip()
        if not sep or k not in keys:
            raise ParameterError("--replay must be eta_bar=X,Delta=X,J=X,N=N,seed=S, got %r" % text)
        try:
            vals[k] = keys[k](v)
        except ValueError:
            raise ParameterError("--replay: %s must be a number, got %r" % (k, v)) from None
    missing = set(keys) - set(vals) - optional
    if missing:
        raise ParameterError("--replay is missing %s" % ", ".join(sorted(missing)))
    seed = vals.pop("seed")
    if vals.get("heterogeneity", "lorentzian") != "multipole" and "poles" in vals:
        raise ParameterError("--replay: poles only with heterogeneity=multipole")
    if seed < 0:
        raise ParameterError("--replay: seed must be >= 0")
    return PropertyExample(Model(**vals), seed)


def check_example(ex: PropertyExample, *, alpha: float, theory_scale: float = 1.0,
                  realizations: int = REALIZATIONS, T: float = T_RUN, families=DEFAULT_FAMILIES) -> dict:
    """Simulate one example and compare its band spectra and mean rate with the theory at level ``alpha``
    (Bonferroni over the tested bands and the rate test).  ``theory_scale`` multiplies the predicted spectra
    (a deliberately wrong theory).  Returns a JSON-ready dict; 'replay' is the command that reproduces it."""
    from scipy import stats

    from .family_checks import rate_vs_theory, simulate_realizations

    t0 = time.perf_counter()
    m = ex.model
    op = m.operating_point()
    viol = first_violation(m)
    ew = op.expected_welch(segment=SEGMENT, bin_width=BIN_WIDTH)
    sim = simulate_realizations(m, op, T=T, dt=DT, bin_width=BIN_WIDTH, segment=SEGMENT, realizations=realizations,
                                seed=int(ex.seed), draw="random", transient=TRANSIENT)
    spec, est = sim["spec"], sim["psd"]
    if ew.omega.shape != spec.omega.shape or not np.allclose(ew.omega, spec.omega, rtol=1e-12, atol=0):
        raise RuntimeError("expected-Welch grid differs from the streamed Welch grid")
    E = ew.psd * theory_scale
    edges = property_edges(op, spec.omega)
    n_lines = realizations * m.N
    bands, excluded = [], []
    for a, b in zip(edges[:-1], edges[1:]):
        why = ("low_band_second_order" if low_band_second_order(a, b, op)
               else "few_lines" if few_lines(a, b, op, n_lines) else None)
        sel = (spec.omega >= a) & (spec.omega < b) & (spec.omega > 0)
        per_run = est[:, sel].mean(axis=1)
        th = float(E[sel].mean())
        row = {"omega_low": float(a), "omega_high": float(b), "measured": float(per_run.mean()), "theory": th,
               "ratio": float(per_run.mean() / th), "se": float(per_run.std(ddof=1) / math.sqrt(realizations))}
        row["t"] = (row["measured"] - th) / row["se"] if row["se"] > 0 else math.inf
        (excluded if why else bands).append(dict(row, criterion=why) if why else row)
    n_tests = len(bands) + 1
    a_test = alpha / n_tests
    crit = float(stats.t.isf(a_test / 2, realizations - 1))
    for row in bands:
        row["critical_t"] = crit
        row["passed"] = bool(abs(row["t"]) <= crit)
        # smallest relative error of the theory in this band that the test rejects (about half the time)
        row["detectable_rel_error"] = crit * row["se"] / abs(row["theory"]) if row["theory"] else math.inf
    rate = rate_vs_theory(sim["rate"], op.r, a_test)
    d = sim["rate"] - sim["quenched"]
    worst = max(bands, key=lambda r: abs(r["t"])) if bands else None
    passed = bool(all(r["passed"] for r in bands) and rate["rate_theory_ok"])
    res = op.resonance()
    fam = m.heterogeneity + ("" if m.poles is None else str(m.poles))
    w1 = op.resonance().omega_peak
    at_peak = [r["detectable_rel_error"] for r in bands if r["omega_low"] <= w1 < r["omega_high"]]
    return {"parameters": ex.parameters(), "N": int(m.N), "passed": passed, "worst_band": worst, "family": fam,
            "bands_passed": bool(all(r["passed"] for r in bands)),
            "detectable_rel_error_at_peak": at_peak[0] if at_peak else None,
            "rate": {"measured": rate["rate_mean"], "se": rate["rate_se"], "theory": op.r, "t": rate["rate_t"],
                     "critical_t": rate["rate_crit"], "passed": rate["rate_theory_ok"],
                     "network_minus_quenched": float(d.mean()),
                     "network_minus_quenched_se": float(d.std(ddof=1) / math.sqrt(d.size)),
                     "note": "network - quenched rate of each sample is the O(J^2/N) second-order shift: reported, "
                             "not tested"},
            "alpha": alpha, "tests": n_tests, "theory_scale": theory_scale, "realizations": realizations, "T": T,
            "dt": DT, "bin_width": BIN_WIDTH, "segment": SEGMENT,
            "operating_point": {"r": op.r, "eta_t": op.eta_t, "omega_peak": res.omega_peak,
                                "omega_res": _fin(res.omega_res), "damping": _fin(res.damping), "Q": _fin(res.Q),
                                "slowest_decay": _fin(_slowest(op))},
            "validity_violation": viol, "bands": bands, "excluded_bands": excluded,
            "replay": replay_command(ex, alpha_per_example=alpha, theory_scale=theory_scale),
            "seconds": time.perf_counter() - t0}


def _fin(x):
    x = float(x)
    return x if math.isfinite(x) else None


# -------------------------------------------------------------------------------------- a property run
def draw_examples(*, examples: int, seed: int, N_min: int = 200, N_max: int = 2000,
                  families=DEFAULT_FAMILIES) -> list:
    """``examples`` valid examples drawn by hypothesis from ``strategies.property_examples`` with seed ``seed``
    (deterministic; no database), stratified: the examples are split evenly over ``families`` (the first
    families get the remainder), each family drawn by its own hypothesis run (seed + 1000003 x its index in
    FAMILIES).  Resets and fills :data:`REJECTIONS`."""
    reset_rejections()
    fams = tuple(families)
    counts = [examples // len(fams) + (i < examples % len(fams)) for i in range(len(fams))]
    out: list = []
    for fam, n in zip(fams, counts):
        if n:
            out += _draw_family(fam, n, seed, N_min, N_max)
    return out


def _draw_family(fam: str, n: int, seed: int, N_min: int, N_max: int) -> list:
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import seed as hseed

    from .strategies import property_examples

    out: list = []

    @hseed(int(seed) + 1_000_003 * FAMILIES.index(fam))  # each family its own stream: no shared draws
    @settings(max_examples=int(n), database=None, deadline=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck), derandomize=False)
    @given(property_examples(N_min=N_min, N_max=N_max, families=(fam,)))
    def collect(ex):
        out.append(ex)

    collect()
    return out[:n]


def run_property(*, examples: int = 20, seed: int = 0, theory_scale: float = 1.0, replay: str | None = None,
                 alpha_per_example: float | None = None, progress=None, N_min: int = 200, N_max: int = 2000,
                 realizations: int = REALIZATIONS, T: float = T_RUN, families=DEFAULT_FAMILIES) -> dict:
    """The property run behind ``shotnoise validate --property``: draw ``examples`` models (or replay one), check
    each at alpha_per_example = FAMILY_WISE_ALPHA / examples (unless given), and collect the verdicts."""
    if examples < 1:
        raise ParameterError("--examples must be >= 1, got %d" % examples)
    if not (math.isfinite(theory_scale) and theory_scale > 0):
        raise ParameterError("--theory-scale must be a positive number, got %r" % theory_scale)
    t0 = time.perf_counter()
    if replay is not None:
        exs = [parse_replay(replay)]
        rejections = {}
        if alpha_per_example is None:
            alpha_per_example = FAMILY_WISE_ALPHA
    else:
        for f in families:
            family_fields(f)
        exs = draw_examples(examples=examples, seed=seed, N_min=N_min, N_max=N_max, families=tuple(families))
        rejections = {c: int(REJECTIONS.get(c, 0)) for c in CRITERIA}
        if alpha_per_example is None:
            alpha_per_example = FAMILY_WISE_ALPHA / len(exs)
    if not 0 < alpha_per_example < 1:
        raise ParameterError("--alpha-per-example must be in (0, 1), got %r" % alpha_per_example)
    results = []
    for i, ex in enumerate(exs):
        if progress:
            progress(i, len(exs), ex)
        if not isinstance(ex, PropertyExample):
            from .property_circuits import check_circuit_example

            results.append(check_circuit_example(ex, alpha=alpha_per_example, theory_scale=theory_scale,
                                                 realizations=realizations))
        else:
            results.append(check_example(ex, alpha=alpha_per_example, theory_scale=theory_scale,
                                         realizations=realizations, T=T))
    excl = Counter(b["criterion"] for r in results for b in r["excluded_bands"])
    return _clean({"property": {
        "examples": results, "alpha_per_example": alpha_per_example,
        "family_wise_alpha": alpha_per_example * len(results), "passed": bool(all(r["passed"] for r in results)),
        "seed": seed, "theory_scale": theory_scale, "replay": replay, "families": list(families),
        "statistics": "per band: Student t over %d runs of the band mean vs the expected Welch estimate; mean rate: "
                      "Student t over runs vs r0; Bonferroni over the tested bands and the rate within an example, "
                      "and over examples for the run" % realizations,
        "rejected_draws": rejections, "excluded_bands": {c: int(excl.get(c, 0)) for c in BAND_CRITERIA},
        "criteria": {"ETA_T_MIN": ETA_T_MIN, "GAMMA_MIN": GAMMA_MIN, "Q_MAX": Q_MAX,
                     "LOW_BAND_FRACTION": LOW_BAND_FRACTION},
        "failed_replay": [r["replay"] for r in results if not r["passed"]],
        "wall_time_s": time.perf_counter() - t0}})


def _clean(x):
    """JSON-ready: non-finite floats become None (numpy scalars become Python numbers)."""
    if isinstance(x, dict):
        return {k: _clean(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_clean(v) for v in x]
    if isinstance(x, (bool, np.bool_)):
        return bool(x)
    if isinstance(x, (float, np.floating)):
        return float(x) if math.isfinite(x) else None
    if isinstance(x, np.integer):
        return int(x)
    return x
