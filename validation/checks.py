"""Theory-vs-simulation checks, each returning a :class:`~shotnoise.validation.results.CheckResult`.

Every check states where its tolerance comes from (standard errors over
realizations, chi-square spread of Welch estimates, Bonferroni over bands).
"""
from __future__ import annotations

import math

import numpy as np

from shotnoise.numerics._generated.spectrum_kernels import eta_of_frequency
from shotnoise.numerics._jit import pure
from shotnoise.numerics.model import Model
from shotnoise.numerics.quenched import quenched_rate
from shotnoise.numerics.spectral_estimation import welch, welch_expectation
from shotnoise.numerics.spike_trains import periodic_activity, qif_frequencies

from .results import CheckResult, band_comparison, inverse_n_fit


def check_periodic_trains(eta_bar: float = 1.0, Delta: float = 0.1, N: int = 200, T: float = 2000.0,
                          bin_width: float = 0.05, segment: float = 100.0, realizations: int = 12,
                          seed: int = 1, edges=None) -> CheckResult:
    """J = 0 shot noise without a network: N independent periodic trains with random phases.

    Each realization draws eta_j i.i.d. from the Lorentzian and phases uniformly,
    bins the spikes, and estimates the spectrum by Welch.  The prediction is the
    exact expectation of that estimate for S_xi (binning: sinc^2 and aliasing;
    window leakage), compared band by band over realizations.
    """
    op = Model(eta_bar=eta_bar, Delta=Delta, J=0.0, N=N).operating_point()
    g = op.model.density()
    rng = np.random.default_rng(seed)
    n_bins = int(round(T / bin_width))
    ests = []
    spec = None
    for _ in range(realizations):
        eta = g.sample(N, rng)
        s = periodic_activity(qif_frequencies(eta), rng.random(N), bin_width=bin_width, n_bins=n_bins)
        spec = welch(s, dt=bin_width, segment=segment)
        ests.append(spec.psd)
    E = welch_expectation(S_binned=op.binned(bin_width=bin_width, kind="shot"), spec=spec)
    if edges is None:
        w1 = op.resonance().omega_peak
        edges = np.concatenate([np.linspace(0.2, 0.8 * w1, 4), np.linspace(0.9 * w1, 1.1 * w1, 5),
                                np.linspace(1.25 * w1, 2.8 * w1, 5), [3.5 * w1, 6 * w1, 12 * w1]])
    res = band_comparison("shot noise of periodic trains (J=0)", spec.omega, np.array(ests), E, edges,
                          details={"omega": spec.omega, "mean_psd": np.mean(ests, axis=0), "expectation": E,
                                   "theory": op.shot(spec.omega)})
    return res


def check_network_spectrum(eta_bar: float = 1.0, Delta: float = 0.1, J: float = 0.0, N: int = 200,
                           T: float = 1000.0, dt: float = 2e-3, bin_width: float = 0.02, segment: float = 50.0,
                           realizations: int = 8, seed: int = 11, edges=None, M: int | None = None,
                           name: str | None = None) -> CheckResult:
    """Network activity spectrum vs S_xi / |1 - J G|^2 (band averages over realizations of random draws).

    Each realization draws eta_j i.i.d. from the Lorentzian (and initial phases), simulates
    the network, and estimates the spectrum of the activity (or of a random subset of M).
    """
    m = Model(eta_bar=eta_bar, Delta=Delta, J=J, N=N, M=M)
    op = m.operating_point()
    Sb = op.binned(bin_width=bin_width, kind="subpopulation" if M else "activity")
    g = m.density()
    rng = np.random.default_rng(seed)
    ests, spec = [], None
    for k in range(realizations):
        eta = g.sample(N, rng)
        res = m.simulate_network(eta=eta, T=T + 20.0, dt=dt, transient=20.0, bin_width=bin_width,
                                 seed=int(rng.integers(2**31)), r_init=op.r)
        x = res.activity_M if M else res.activity
        spec = welch(x, dt=bin_width, segment=segment)
        ests.append(spec.psd)
    E = welch_expectation(S_binned=Sb, spec=spec)
    if edges is None:
        edges = default_edges(op)
    edges, dropped = testable_edges(edges, op=op, n_neurons=realizations * (M or N))
    nm = name or ("network spectrum J=%g%s" % (J, "" if not M else " (M=%d of N=%d)" % (M, N)))
    ns = op.spectra(spec.omega)
    note = "random Lorentzian draws; kicks at step ends (delay dt/2)"
    if dropped:
        note += ("; bands %s excluded: fewer than %d spectral lines expected there over all realizations "
                 "(rare near-threshold neurons; a CLT-based test does not apply)"
                 % (", ".join("[%.2g, %.2g)" % b for b in dropped), MIN_LINES))
    return band_comparison(nm, spec.omega, np.array(ests), E, edges, note=note,
                           details={"omega": spec.omega, "mean_psd": np.mean(ests, axis=0), "expectation": E,
                                    "se_psd": np.std(ests, axis=0, ddof=1) / math.sqrt(len(ests)),
                                    "theory": ns.subpopulation if M else ns.activity, "shot": ns.shot})


MIN_LINES = 20


def expected_lines(a: float, b: float, *, op, n_neurons: float, n_max: int = 50) -> float:
    """Expected number of spectral lines (harmonics n f_j, n <= n_max) of n_neurons neurons drawn from
    the model's g in the angular band [a, b): sum_n n_neurons P(f in [a, b)/(2 pi n)), with
    eta(f) = (pi tau f)^2 - I - J tau r0 (generated from theory.shot_noise.eta_of_frequency)."""
    m = op.model
    g = m.density()
    eta_f = lambda f: pure(eta_of_frequency)(f, op.r, m.J, m.I, m.tau)
    tot = 0.0
    for n in range(1, n_max + 1):
        f_lo, f_hi = a / (2 * math.pi * n), b / (2 * math.pi * n)
        tot += n_neurons * float(g.cdf(eta_f(f_hi)) - g.cdf(eta_f(f_lo)))
    return tot


def testable_edges(edges, *, op, n_neurons: float):
    """Drop leading bands with fewer than MIN_LINES expected lines (returns kept edges and dropped bands).

    Validity criterion: a band average is close to Gaussian (the CLT behind the t and chi-square
    tests) only if many independent spectral lines fall into it; near-threshold neurons are rare.
    """
    edges = list(np.asarray(edges, dtype=float))
    dropped = []
    while len(edges) > 2 and expected_lines(edges[0], edges[1], op=op, n_neurons=n_neurons) < MIN_LINES:
        dropped.append((edges[0], edges[1]))
        edges.pop(0)
    return np.array(edges), dropped


def default_edges(op) -> np.ndarray:
    """Bands resolving the shot-noise peak, its second harmonic, the resonance and the flat tail."""
    res = op.resonance()
    w1 = res.omega_peak if math.isfinite(res.omega_peak) else 0.06 / op.model.tau
    # below ~0.4 w1 the linear (1/N) spectrum ~ omega^3 is tiny and second-order (1/N^2) terms can
    # dominate for small N: see check_low_frequency_second_order
    pts = {0.4 * w1, 0.55 * w1, 0.7 * w1, 0.85 * w1, 0.95 * w1, 1.05 * w1, 1.15 * w1, 1.4 * w1, 1.8 * w1,
           1.95 * w1, 2.05 * w1, 2.3 * w1, 3.5 * w1, 6 * w1, 12 * w1}
    if math.isfinite(res.omega_res):
        pts |= {0.9 * res.omega_res, 1.1 * res.omega_res}
    e = np.array(sorted(pts))
    keep = [e[0]]
    for v in e[1:]:
        if v - keep[-1] > 0.12:  # at least two Welch bins per band (segment 50 -> 0.126)
            keep.append(v)
    return np.array(keep)


def check_stochastic_mass_spectrum(noise: str = "white", eta_bar: float = 1.0, Delta: float = 0.1, J: float = -2.0,
                                   N: float = 10_000, T: float = 4000.0, dt: float = 5e-3, bin_width: float = 0.02,
                                   segment: float = 50.0, seed: int = 3, reference: str = "own") -> CheckResult:
    """Spectrum of s = r + xi of the stochastic mass model vs linear theory (one long run, chi-square bands).

    reference='own': the model's own linear theory ((r0/N)/|1-JG|^2 for white noise,
    S_xi/|1-JG|^2 for coloured and surrogate noise); reference='network': always
    S_xi/|1-JG|^2, which shows where the white-noise approximation fails.
    """
    m = Model(eta_bar=eta_bar, Delta=Delta, J=J, N=N)
    op = m.operating_point()
    run = m.simulate_stochastic_mass(T=T + 20.0, dt=dt, noise=noise, transient=20.0, bin_width=bin_width, seed=seed)
    spec = welch(run.s, dt=bin_width, segment=segment)
    white = noise == "white" and reference == "own"
    Sb = op.binned(bin_width=bin_width, kind="white" if white else "activity")
    E = welch_expectation(S_binned=Sb, spec=spec)
    from .results import chi2_band_comparison
    return chi2_band_comparison("stochastic mass (%s noise) vs %s" % (noise, "white-noise theory" if white
                                                                       else "shot-noise theory"),
                                spec, E, default_edges(op), spectrum=Sb,
                                details={"omega": spec.omega, "psd": spec.psd, "ci_low": spec.ci_low,
                                         "ci_high": spec.ci_high, "expectation": E,
                                         "omega_peak": op.resonance().omega_peak})


def _batch_se(x: np.ndarray, batches: int = 50) -> float:
    """Standard error of the mean of a correlated series from ``batches`` batch means."""
    n = len(x) // batches * batches
    bm = x[:n].reshape(batches, -1).mean(axis=1)
    return float(bm.std(ddof=1) / math.sqrt(batches))


def check_rate_quantile_bias(Ns=(250, 1000, 4000, 16000), eta_bar: float = 1.0, Delta: float = 0.5, J: float = 0.0,
                             T: float = 300.0, dt: float = 2e-3, bin_width: float = 0.02) -> CheckResult:
    """Mean rate of quantile-drawn networks vs the quenched and the MPR (annealed) rate over N.

    The quantiles truncate the Lorentzian tail, so the rate is biased below MPR by
    O(N^(-1/2)); the quenched self-consistent rate of the actual sample predicts the
    bias.  Pass: every |network - quenched| within 4 batch-means standard errors, and
    the fitted exponent of the bias vs N within 4 standard errors of the fit of -1/2.
    """
    m0 = Model(eta_bar=eta_bar, Delta=Delta, J=J)
    r_mpr = m0.operating_point().r
    rows = []
    for N in Ns:
        m = m0.replace(N=N)
        eta = m.excitabilities(draw="quantile")
        res = m.simulate_network(eta=eta, T=T, dt=dt, transient=20.0, bin_width=bin_width)
        q = quenched_rate(eta, J=J, I=m.I, tau=m.tau, near=res.mean_rate)
        rows.append((N, res.mean_rate, _batch_se(res.activity), q))
    rows = np.array(rows)
    N_, m, se, q = rows.T
    z = np.abs(m - q) / se
    bias = r_mpr - m
    X = np.log(N_)
    A = np.vstack([X, np.ones_like(X)]).T
    coef, res_, *_ = np.linalg.lstsq(A, np.log(bias), rcond=None)
    dof = max(len(Ns) - 2, 1)
    s2 = float(res_[0]) / dof if res_.size else 0.0
    slope_se = math.sqrt(s2 / np.sum((X - X.mean()) ** 2)) if s2 > 0 else 0.0
    slope_ok = abs(coef[0] + 0.5) <= max(4 * slope_se, 0.05)
    ok = bool(np.all(z <= 4) and slope_ok)
    return CheckResult("mean rate vs N (quantile draws): bias exponent", coef[0], -0.5, max(4 * slope_se, 0.05),
                       "4 x standard error of the log-log fit (floor 0.05); per-N |network - quenched| <= 4 batch "
                       "standard errors (max z=%.2f)" % z.max(), ok,
                       "MPR rate %.5g; network rates %s" % (r_mpr, ", ".join("%.5g" % x for x in m)),
                       {"N": N_, "network": m, "se": se, "quenched": q, "mpr": r_mpr})


def check_rate_random_draws(Ns=(250, 1000), realizations: int = 8, eta_bar: float = 1.0, Delta: float = 0.5,
                            J: float = -1.0, T: float = 200.0, dt: float = 2e-3, seed: int = 21) -> CheckResult:
    """Random Lorentzian draws: network rate minus the quenched rate of each sample, over N.

    The quenched self-consistent rate is the leading-order prediction for each sample
    (the heavy tail makes the rate itself scatter strongly between draws); the
    fluctuating common input shifts the mean rate by O(J^2/N).  Check: the mean
    differences d(N) (standard errors over realizations) fit d = c/N; pass if the
    chi-square of that one-parameter fit is below its 1 - 1e-3 quantile (an O(1)
    offset, e.g. a wrong rate formula, fails).
    """
    from scipy import stats

    m0 = Model(eta_bar=eta_bar, Delta=Delta, J=J)
    r_mpr = m0.operating_point().r
    rng = np.random.default_rng(seed)
    g = m0.density()
    rows, scatter = [], []
    for N in Ns:
        m = m0.replace(N=N)
        diffs, rates = [], []
        for _ in range(realizations):
            eta = g.sample(N, rng)
            res = m.simulate_network(eta=eta, T=T, dt=dt, transient=20.0, bin_width=0.02,
                                     seed=int(rng.integers(2**31)))
            diffs.append(res.mean_rate - quenched_rate(eta, J=J, I=m.I, tau=m.tau, near=res.mean_rate))
            rates.append(res.mean_rate)
        d = np.array(diffs)
        rows.append((N, d.mean(), d.std(ddof=1) / math.sqrt(len(d))))
        scatter.append(np.std(rates, ddof=1))
    N_, m, se = np.array(rows).T
    c, c_se, chi2, dof = inverse_n_fit(N_, m, se, realizations=realizations)
    q = float(stats.chi2.ppf(1 - 1e-3, dof))
    return CheckResult("mean rate, random draws: network - quenched = c/N", chi2, dof, q - dof,
                       "chi-square of the one-parameter fit d(N) = c/N (%d dof; pass below its 1-1e-3 quantile "
                       "%.3g); d(N) standard errors over %d realizations" % (dof, q, realizations),
                       bool(chi2 <= q), "c = %.3g +- %.2g (rate shift c/N); d(N) = %s; rate scatter over draws sd %s "
                       "(MPR %.4g)" % (c, c_se, ", ".join("%.2g+-%.1g" % (a, b) for a, b in zip(m, se)),
                                       ", ".join("%.3g" % x for x in scatter), r_mpr),
                       {"N_rand": N_, "d": m, "d_se": se, "c": c})


def check_low_frequency_second_order(Ns=(200, 800), band=(0.19, 0.5), eta_bar: float = 1.0, Delta: float = 0.05,
                                     J: float = -3.0, T: float = 3000.0, dt: float = 2e-3, bin_width: float = 0.02,
                                     segment: float = 50.0, realizations: int = 30, seed: int = 11) -> CheckResult:
    """Below the shot-noise peak the linear spectrum (order 1/N, ~ omega^3) is tiny; the network shows an
    excess there.  Check that the excess over the linear theory is second order: it scales as N^-2.

    Measured: the exponent of excess(N) between the two N values; predicted: -2; tolerance: 4 x the
    standard error propagated from the band standard errors over realizations.
    """
    m0 = Model(eta_bar=eta_bar, Delta=Delta, J=J)
    g = m0.density()
    rng = np.random.default_rng(seed)
    ex, ex_se = [], []
    for N in Ns:
        m = m0.replace(N=N)
        op = m.operating_point()
        Sb = op.binned(bin_width=bin_width)
        vals, spec = [], None
        for _ in range(realizations):
            res = m.simulate_network(eta=g.sample(N, rng), T=T + 20, dt=dt, transient=20.0, bin_width=bin_width,
                                     seed=int(rng.integers(2**31)), r_init=op.r)
            spec = welch(res.activity, dt=bin_width, segment=segment)
            sel = (spec.omega >= band[0]) & (spec.omega < band[1])
            vals.append(spec.psd[sel].mean())
        E = welch_expectation(S_binned=Sb, spec=spec)[(spec.omega >= band[0]) & (spec.omega < band[1])].mean()
        vals = np.array(vals)
        ex.append(vals.mean() - E)
        ex_se.append(vals.std(ddof=1) / math.sqrt(len(vals)))
    ex, ex_se = np.array(ex), np.array(ex_se)
    if np.any(ex <= 0):
        return CheckResult("low-frequency excess is second order (N^-2)", math.nan, -2.0, math.nan,
                           "excess not positive at every N", False, "excess %s" % ex, {})
    slope = math.log(ex[1] / ex[0]) / math.log(Ns[1] / Ns[0])
    slope_se = math.sqrt((ex_se[0] / ex[0]) ** 2 + (ex_se[1] / ex[1]) ** 2) / math.log(Ns[1] / Ns[0])
    return CheckResult("low-frequency excess over linear theory scales as N^-2", slope, -2.0, 4 * slope_se,
                       "4 x standard error propagated from band standard errors over %d realizations"
                       % realizations, bool(abs(slope + 2) <= 4 * slope_se),
                       "band [%g, %g): excess %s at N=%s (linear theory is O(1/N))"
                       % (band[0], band[1], ", ".join("%.3g+-%.2g" % (a, b) for a, b in zip(ex, ex_se)), Ns),
                       {"N_excess": np.array(Ns), "excess": ex, "excess_se": ex_se})


def check_variance_scaling(Ns=(100, 400, 1600), eta_bar: float = 1.0, Delta: float = 0.1, J: float = -2.0,
                           T: float = 400.0, dt: float = 2e-3, bin_width: float = 0.1, realizations: int = 6,
                           seed: int = 5) -> CheckResult:
    """1/N scaling of the fluctuation variance: N var(s_binned) vs int S_d d omega/(2 pi) x N.

    The variance of the bin-averaged activity equals the integral of the binned
    spectrum over the Nyquist band (theory, scaled by N); measured over realizations of
    random draws at each N.  Tolerance: Student t x standard error, Bonferroni over the N values.
    """
    from scipy import stats

    m0 = Model(eta_bar=eta_bar, Delta=Delta, J=J)
    g = m0.density()
    rng = np.random.default_rng(seed)
    rows = []
    for N in Ns:
        m = m0.replace(N=N)
        op = m.operating_point()
        Sb = op.binned(bin_width=bin_width)
        w = np.linspace(0, math.pi / bin_width, 4001)
        pred = np.trapezoid(Sb(w), w) / math.pi * N
        vals = []
        for _ in range(realizations):
            res = m.simulate_network(eta=g.sample(N, rng), T=T, dt=dt, transient=20.0, bin_width=bin_width,
                                     seed=int(rng.integers(2**31)), r_init=op.r)
            vals.append(N * res.activity.var())
        vals = np.array(vals)
        rows.append((N, vals.mean(), vals.std(ddof=1) / math.sqrt(len(vals)), pred))
    rows = np.array(rows)
    crit = stats.t.ppf(1 - 1e-3 / (2 * len(Ns)), realizations - 1)
    z = np.abs(rows[:, 1] - rows[:, 3]) / rows[:, 2]
    worst = int(np.argmax(z))
    return CheckResult("1/N scaling: N x var(binned activity)", rows[worst, 1], rows[worst, 3], crit * rows[worst, 2],
                       "Student t (%d dof) x standard error over %d realizations, Bonferroni over %d N values; "
                       "worst N=%d" % (realizations - 1, realizations, len(Ns), rows[worst, 0]),
                       bool(np.all(z <= crit)), "N var: %s" % ", ".join("%.4g" % x for x in rows[:, 1]),
                       {"N": rows[:, 0], "Nvar": rows[:, 1], "se": rows[:, 2], "pred": rows[:, 3]})


def _first_passage(x: np.ndarray, dt: float, threshold: float) -> float:
    i = np.flatnonzero(x < threshold)
    return float(i[0] * dt) if i.size else math.inf


def check_bistable_switching(Ns=(20, 40, 80), realizations: int = 10, T_max: float = 200.0, dt: float = 2e-3,
                             seed: int = 0) -> CheckResult:
    """Finite-size escape from the high state of the bistable regime (eta_bar=-5, Delta=1, J=15).

    For each N, R runs start in the high state (r = 1.03) and record the first time the
    rate drops below 0.25 (the low state is at 0.08, the saddle at 0.47), censored at
    T_max: the network (quantile draws, conformal-map rate r_Z), the stochastic mass
    model with white noise (diffusion limit) and with surrogate oscillators.
    Pass criterion (a discrepancy the theory predicts): at the largest N the white-noise
    model escapes significantly more often than the network -- white noise puts r/N of
    power at low frequency where the true shot noise has S ~ omega^3.  Tested as a one-
    sided two-proportion z-test at alpha = 1e-3 on the fractions escaped before T_max.
    """
    from scipy import stats

    m0 = Model(eta_bar=-5.0, Delta=1.0, J=15.0)
    high = m0.operating_point(branch="high").r
    table = {}
    for N in Ns:
        m = m0.replace(N=N)
        eta = m.excitabilities(draw="quantile")
        net = [_first_passage(m.simulate_network(eta=eta, T=T_max, dt=dt, bin_width=0.1, seed=seed + k,
                                                 r_init=high).r_Z, 0.1, 0.25) for k in range(realizations)]
        white = [_first_passage(m.simulate_stochastic_mass(T=T_max, dt=dt, noise="white", bin_width=0.1,
                                                           branch="high", seed=seed + k).r, 0.1, 0.25)
                 for k in range(realizations)]
        sur = [_first_passage(m.simulate_stochastic_mass(T=T_max, dt=dt, noise="surrogate", bin_width=0.1,
                                                         branch="high", seed=seed + k, eta=eta).r, 0.1, 0.25)
               for k in range(realizations)]
        table[N] = {"network": net, "white": white, "surrogate": sur}
    Nl = Ns[-1]
    esc = lambda xs: sum(math.isfinite(x) for x in xs)
    k_net, k_white, R = esc(table[Nl]["network"]), esc(table[Nl]["white"]), realizations
    pooled = (k_net + k_white) / (2 * R)
    se = math.sqrt(max(pooled * (1 - pooled), 1e-12) * 2 / R)
    zcrit = float(stats.norm.ppf(1 - 1e-3))
    diff = k_white / R - k_net / R
    med = lambda xs: float(np.median(xs))
    note = "; ".join("N=%d escaped net %d/%d (median %.3g), white %d/%d (median %.3g), surrogate %d/%d (median %.3g)"
                     % (N, esc(t["network"]), R, med(t["network"]), esc(t["white"]), R, med(t["white"]),
                        esc(t["surrogate"]), R, med(t["surrogate"])) for N, t in table.items())
    return CheckResult("bistable: white-noise model escapes the high state too often (N=%d)" % Nl, k_white / R,
                       k_net / R, zcrit * se,
                       "one-sided two-proportion z-test (alpha=1e-3) on escape fractions before T=%g over %d runs"
                       % (T_max, R), bool(diff > zcrit * se), note, {"table": table, "T_max": T_max})


def check_white_noise_rejected(**kw) -> CheckResult:
    """The diffusion (white-noise) limit compared with the shot-noise theory must be rejected, in the
    predicted places and directions.

    White noise has the flat spectrum r0/N where the true shot noise has S_xi ~ omega^3 (low
    frequencies) and a peak at the firing rate omega_peak = 2 sqrt(eta_t)/tau; both agree at high
    frequency (S_xi -> r0/N).  Same statistics as :func:`check_stochastic_mass_spectrum`
    (noise='white', reference='network', chi-square bands, Bonferroni, alpha = 1e-3).  Passes only if
    (a) every band below 0.8 omega_peak lies ABOVE its acceptance interval (white-noise excess),
    (b) the band containing omega_peak lies BELOW its acceptance interval (the missing peak), and
    (c) the highest band (above 4 omega_peak) is accepted (the common high-frequency limit).
    """
    res = check_stochastic_mass_spectrum(noise="white", reference="network", **kw)
    d = res.details
    c, m, lo, hi, w1 = d["band_centres"], d["band_means"], d["band_lo"], d["band_hi"], d["omega_peak"]
    edges_lo = c < 0.8 * w1
    low_excess = bool(np.any(edges_lo) and np.all(m[edges_lo] > hi[edges_lo]))
    k_peak = int(np.argmin(np.abs(c - w1)))
    peak_missing = bool(m[k_peak] < lo[k_peak])
    top = int(np.argmax(c))
    tail_ok = bool(c[top] > 4 * w1 and lo[top] <= m[top] <= hi[top])
    ratio = m / d["band_theory"]
    return CheckResult("white-noise limit rejected vs shot-noise theory (expected, where predicted)",
                       float(ratio[k_peak]), 1.0, float((d["band_theory"][k_peak] - lo[k_peak]) / d["band_theory"][k_peak]),
                       res.tolerance_origin + "; measured/predicted = band ratio at the shot-noise peak",
                       low_excess and peak_missing and tail_ok and not res.passed,
                       "white/shot-noise theory band ratios: below 0.8 omega_peak %s (excess expected: %s); at "
                       "omega_peak=%.3g %.3f (deficit expected: %s); top band %.3f (accepted: %s)"
                       % (", ".join("%.3g" % x for x in ratio[edges_lo]), low_excess, w1, ratio[k_peak],
                          peak_missing, ratio[top], tail_ok),
                       dict(d, low_excess=low_excess, peak_missing=peak_missing, tail_accepted=tail_ok))
