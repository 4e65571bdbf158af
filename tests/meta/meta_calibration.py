"""Calibration table of every statistical comparison the checks use (issue 12, point 3).

For each comparison: the false-positive rate over >= 1000 independent draws of a synthetic process whose
expected estimate is known exactly (so every rejection is a false positive), with its two-sided 99.9 %
Clopper-Pearson interval, and the power against a theory that is 10 % and 20 % too high (the exact
expectation multiplied by 1.1 and 1.2 in every band; for the rate test the rate multiplied).  Run

    python tests/meta/meta_calibration.py            # the full table (~1 min on one core)

or ``print(format_table(calibration_table()))`` from tests/meta.  The meta tests (test_meta_calibration.py)
assert that each measured false-positive rate is compatible with its nominal value.

Synthetic processes (all seeded; every series independent):

* ``ar2``: the resonant Gaussian AR(2) of ``meta_ar2`` (peak ~4 Welch bins wide, the bands of the other meta
  tests), the package's sizes: band_comparison with R = 8 realizations of K = 39 segments,
  chi2_band_comparison with one series of K = 159 segments.
* ``poisson``: a filtered Poisson train in discrete time: counts n_k ~ Poisson(MU) per sample of DT,
  x_k = n_k / DT (rate LAMBDA = MU/DT, white, S_x = LAMBDA), smoothed by the exponential kernel
  y_k = A y_{k-1} + (1 - A) x_k, A = exp(-DT/TAU), so S_y(omega) = LAMBDA (1 - A)^2 / |1 - A e^{-i omega DT}|^2
  exactly (two-sided, angular frequency; the package convention) and E[y] = LAMBDA.  Non-Gaussian (Poisson
  counts, excess kurtosis 1/MU), as the shot noise of a network is.
* ``pair``: two channels with a known cross-spectrum: a common AR(2) drive u plus independent white noises,
  x_a = u + S_A e_a, x_b[k] = C u[k - D] + S_B e_b, so
  S_aa = S_u + S_A^2 DT, S_bb = C^2 S_u + S_B^2 DT, S_ab = <X_a conj X_b> = C exp(i omega D DT) S_u
  (complex: Re and Im both structured).  Cross-Welch as ``numerics.circuit.cross_welch`` computes it (asserted).

Comparisons (alpha is the family-wise level; Bonferroni over the B = 10 bands, so the true rate should lie in
[Sidak, alpha], Sidak = 1 - (1 - alpha/B')^B' with B' the number of Bonferroni-corrected tests):

* chi2 band test of one Welch estimate: ``results.chi2_band_comparison`` (check_stochastic_mass_spectrum);
* Student t over realizations: ``results.band_comparison`` (check_network_spectrum, family checks, circuits);
* cross-spectrum Re / Im: ``band_comparison`` on Re and Im of the cross-Welch estimates, and the whole family
  of ``circuit_checks.compare_level`` (S_aa, S_bb, Re S_ab, Im S_ab, each at alpha B / n_tests);
* mean rate: ``family_checks.rate_vs_theory`` (t over realizations; compare_level's rate test is the same);
* rate shift fit: ``family_checks.rate_shift_fit`` (inverse_n_fit, chi-square of d(N) = c/N with standard
  errors estimated from R realizations per N).
"""
from __future__ import annotations

import dataclasses
import os
import sys
from functools import lru_cache

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from scipy import signal, stats

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import meta_ar2 as ar  # noqa: E402

from shotnoise.numerics.circuit.cross_welch import CrossWelchAccumulator  # noqa: E402
from shotnoise.numerics.spectral_estimation import welch, welch_expectation  # noqa: E402
from shotnoise.validation.circuit_checks import gaussian_band_variance  # noqa: E402
from shotnoise.validation.family_checks import rate_shift_fit, rate_vs_theory  # noqa: E402
from shotnoise.numerics.welch_dof import band_dof  # noqa: E402
from shotnoise.validation.results import (band_comparison, chi2_band_comparison, chi2_comparison_power,  # noqa: E402
                                          t_comparison_power)

CONFIDENCE = 0.999          # two-sided Clopper-Pearson interval of every measured rate
ALPHAS = (0.05, 1e-3)       # nominal family-wise levels calibrated (1e-3: the package default)
POWER_ALPHA = 1e-3          # power is measured at the package default
SCALES = (1.1, 1.2)         # theory too high by 10 % and 20 %
DRAWS = 1000

# filtered Poisson train
MU = 2.0                    # counts per sample (excess kurtosis of the counts 1/MU = 0.5)
LAMBDA = MU / ar.DT         # rate 100
TAU = 0.05                  # kernel time constant: corner omega = 1/TAU = 20, Welch bin ~8 of 64
A_POI = np.exp(-ar.DT / TAU)

# correlated pair
C_PAIR, D_PAIR, S_A, S_B = 0.8, 2, 1.0, 1.5


# --------------------------------------------------------------------------- binomial
def clopper_pearson(k: int, n: int, confidence: float = CONFIDENCE) -> tuple[float, float]:
    a = (1 - confidence) / 2
    lo = 0.0 if k == 0 else float(stats.beta.ppf(a, k, n - k + 1))
    hi = 1.0 if k == n else float(stats.beta.isf(a, k + 1, n - k))
    return lo, hi


def sidak(alpha: float, tests: int) -> float:
    return 1 - (1 - alpha / tests) ** tests


# --------------------------------------------------------------------------- processes
def poisson_spectrum(omega):
    z = np.exp(-1j * np.asarray(omega, dtype=float) * ar.DT)
    return LAMBDA * (1 - A_POI) ** 2 / np.abs(1 - A_POI * z) ** 2


def filtered_poisson(rng, n_series: int, n: int) -> np.ndarray:
    x = rng.poisson(MU, size=(n + ar.BURN, n_series)) / ar.DT
    # start at the stationary mean, so the burn-in only has to remove the fluctuation transient
    y = signal.lfilter([1 - A_POI], [1.0, -A_POI], x - LAMBDA, axis=0) + LAMBDA
    return np.ascontiguousarray(y[ar.BURN:].T)


def pair_spectra(omega):
    """(S_aa, S_bb, S_ab) at signed omega."""
    w = np.asarray(omega, dtype=float)
    Su = ar.spectrum(w)
    return (Su + S_A**2 * ar.DT, C_PAIR**2 * Su + S_B**2 * ar.DT, C_PAIR * np.exp(1j * w * D_PAIR * ar.DT) * Su)


def correlated_pair(rng, n_series: int, n: int) -> np.ndarray:
    """(n_series, 2, n)."""
    u = ar.ar2(rng, n_series, n + D_PAIR)
    xa = u[:, D_PAIR:] + S_A * rng.standard_normal((n_series, n))
    xb = C_PAIR * u[:, :n] + S_B * rng.standard_normal((n_series, n))
    return np.stack([xa, xb], axis=1)


_WIN = signal.get_window("hann", ar.L)


def cross_welch(X: np.ndarray) -> np.ndarray:
    """X (series, 2, n) -> (series, 2, 2, bins) spectral matrix, as CrossWelchAccumulator computes it."""
    seg = sliding_window_view(X, ar.L, axis=-1)[..., ::ar.STEP, :]
    seg = (seg - seg.mean(axis=-1, keepdims=True)) * _WIN
    F = np.fft.rfft(seg, axis=-1)[..., : ar.L // 2]
    return np.einsum("iasf,ibsf->iabf", F, F.conj()) * (ar.DT / np.sum(_WIN**2) / F.shape[-2])


def _chunked(gen, welch_fn, rng, n_series, n, chunk=1000):
    out = []
    for i in range(0, n_series, chunk):
        out.append(welch_fn(gen(rng, min(chunk, n_series - i), n)))
    return np.concatenate(out)


@lru_cache(maxsize=None)
def poisson_t_data(draws: int = DRAWS):
    """(psd (draws, R, bins), per-realization mean rates (draws, R), template Spectrum, expectation)."""
    rng = np.random.default_rng(4242)
    n = ar.n_samples(ar.K_T)
    rates, psd = [], []
    for i in range(0, draws * ar.R_T, 1000):
        Y = filtered_poisson(rng, min(1000, draws * ar.R_T - i), n)
        rates.append(Y.mean(axis=1))
        psd.append(ar.fast_welch(Y))
    P = np.concatenate(psd)
    spec = ar.check_against_package_welch(Y, psd[-1], n_check=5)
    return (P.reshape(draws, ar.R_T, -1), np.concatenate(rates).reshape(draws, ar.R_T), spec,
            welch_expectation(poisson_spectrum, spec))


@lru_cache(maxsize=None)
def poisson_chi2_data(draws: int = 2 * DRAWS):
    rng = np.random.default_rng(5151)
    n = ar.n_samples(ar.K_CHI2)
    P = _chunked(filtered_poisson, ar.fast_welch, rng, draws, n, chunk=500)
    Y = filtered_poisson(np.random.default_rng(1), 2, n)
    spec = ar.check_against_package_welch(Y, ar.fast_welch(Y), n_check=2)
    return P, spec, welch_expectation(poisson_spectrum, spec)


@lru_cache(maxsize=None)
def pair_data(draws: int = DRAWS):
    """(matrix (draws, R, 2, 2, bins) complex, template Spectrum, expectation matrix (bins, 2, 2))."""
    rng = np.random.default_rng(777)
    n = ar.n_samples(ar.K_T)
    S = _chunked(correlated_pair, cross_welch, rng, draws * ar.R_T, n)
    # the vectorised estimate is the package's cross-Welch estimate
    X = correlated_pair(np.random.default_rng(3), 3, n)
    mine = cross_welch(X)
    for x, m in zip(X, mine):
        acc = CrossWelchAccumulator(channels=2, dt=ar.DT, segment=ar.SEGMENT)
        acc.add(x)
        _, ref = acc.matrix()
        np.testing.assert_allclose(m, ref, rtol=1e-10, atol=1e-12 * np.abs(ref).max())
    spec = welch(X[0, 0], dt=ar.DT, segment=ar.SEGMENT)
    E = np.empty((spec.omega.size, 2, 2), dtype=complex)
    E[:, 0, 0] = welch_expectation(lambda w: pair_spectra(w)[0], spec)
    E[:, 1, 1] = welch_expectation(lambda w: pair_spectra(w)[1], spec)
    E[:, 0, 1] = welch_expectation(lambda w: pair_spectra(w)[2], spec, hermitian=True)
    E[:, 1, 0] = np.conj(E[:, 0, 1])
    return S.reshape(draws, ar.R_T, 2, 2, -1), spec, E


# --------------------------------------------------------------------------- the comparisons (one draw each)
def t_reject(omega, est, th, alpha, edges=ar.EDGES) -> bool:
    return not band_comparison("meta", omega, est, th, edges, alpha=alpha).passed


def chi2_reject(spec, psd, th, alpha) -> bool:
    return not chi2_band_comparison("meta", dataclasses.replace(spec, psd=psd), th, ar.EDGES, alpha=alpha).passed


def circuit_reject(omega, S, E, alpha) -> bool:
    """compare_level's spectral family for one pair: S_aa, S_bb, Re S_ab, Im S_ab, each band_comparison at
    alpha B / n_tests (n_tests = 4 B; the rate tests of compare_level are left out here)."""
    B = ar.N_BANDS
    a_q = alpha * B / (4 * B)
    parts = [(S[:, 0, 0].real, E[:, 0, 0].real), (S[:, 1, 1].real, E[:, 1, 1].real),
             (S[:, 0, 1].real, E[:, 0, 1].real), (S[:, 0, 1].imag, E[:, 0, 1].imag)]
    return any(t_reject(omega, est, th, a_q) for est, th in parts)


# --------------------------------------------------------------------------- rows
@dataclasses.dataclass
class Row:
    comparison: str
    process: str
    alpha: float
    tests: int                 # Bonferroni-corrected tests inside (for the Sidak lower value)
    false_pos: int
    draws: int
    power: dict                # scale -> (detections, draws) at POWER_ALPHA
    note: str = ""
    claimed: dict = dataclasses.field(default_factory=dict)  # scale -> analytic power (results.*_power)

    @property
    def rate(self):
        return self.false_pos / self.draws

    @property
    def interval(self):
        return clopper_pearson(self.false_pos, self.draws)

    @property
    def compatible(self) -> bool:
        """The 99.9 % interval of the measured rate meets [Sidak, alpha] (the range a calibrated test may have)."""
        lo, hi = self.interval
        return lo <= self.alpha and hi >= sidak(self.alpha, self.tests)


def _count(reject, draws, alpha, scale=1.0):
    return sum(bool(reject(d, alpha, scale)) for d in range(draws))


def _row(name, process, tests, reject, draws, alphas=ALPHAS, scales=SCALES, note="", claimed=None):
    rows = []
    power = {s: (_count(reject, draws, POWER_ALPHA, s), draws) for s in scales}
    for a in alphas:
        rows.append(Row(name, process, a, tests, _count(reject, draws, a), draws, power, note,
                        {s: claimed(s) for s in scales} if claimed else {}))
    return rows


def t_rows(process="ar2", draws=DRAWS, **kw):
    if process == "ar2":
        P, spec, E = ar.t_data()
    else:
        P, _, spec, E = poisson_t_data()
    draws = min(draws, P.shape[0])
    nu = band_dof(spec, E, ar.EDGES, spectrum=ar.spectrum if process == "ar2" else poisson_spectrum)
    return _row("band_comparison (Student t, R=%d, K=%d)" % (ar.R_T, ar.K_T), process, ar.N_BANDS,
                lambda d, a, s: t_reject(spec.omega, P[d], s * E, a), draws,
                claimed=lambda s: t_comparison_power(nu, s, realizations=ar.R_T, alpha=POWER_ALPHA), **kw)


def chi2_rows(process="ar2", draws=2 * DRAWS, **kw):
    P, spec, E = ar.chi2_data() if process == "ar2" else poisson_chi2_data()
    draws = min(draws, P.shape[0])
    nu = band_dof(spec, E, ar.EDGES)  # what chi2_band_comparison uses
    return _row("chi2_band_comparison (one estimate, K=%d)" % ar.K_CHI2, process, ar.N_BANDS,
                lambda d, a, s: chi2_reject(spec, P[d], s * E, a), draws,
                claimed=lambda s: chi2_comparison_power(nu, s, alpha=POWER_ALPHA), **kw)


def cross_rows(draws=DRAWS, **kw):
    S, spec, E = pair_data()
    draws = min(draws, S.shape[0])
    w = spec.omega
    rows = []
    for part, f in (("Re", np.real), ("Im", np.imag)):
        rows += _row("cross-spectrum %s S_ab (band_comparison, R=%d)" % (part, ar.R_T), "pair", ar.N_BANDS,
                     lambda d, a, s, f=f: t_reject(w, f(S[d, :, 0, 1]), s * f(E[:, 0, 1]), a), draws, **kw)
    rows += _row("compare_level family (S_aa, S_bb, Re, Im)", "pair", 4 * ar.N_BANDS,
                 lambda d, a, s: circuit_reject(w, S[d], s * E, a), draws, **kw)
    return rows


def rate_rows(draws=DRAWS, **kw):
    _, rates, _, _ = poisson_t_data()
    draws = min(draws, rates.shape[0])
    return _row("rate_vs_theory (Student t, R=%d)" % ar.R_T, "poisson", 1,
                lambda d, a, s: not rate_vs_theory(rates[d], s * LAMBDA, a)["rate_theory_ok"], draws, **kw,
                note="mean of %d samples per realization: relative se %.2g %%" % (
                    ar.n_samples(ar.K_T), 100 * rates.std() / LAMBDA / np.sqrt(ar.R_T)))


RATE_SHIFT_NS = (250.0, 1000.0)     # check_family_network / check_rate_random_draws
RATE_SHIFT_C = 5.0


@lru_cache(maxsize=None)
def rate_shift_data(draws: int = 4 * DRAWS, realizations: int = ar.R_T):
    """d(N) per realization = c/N + Gaussian scatter (sd 0.02 c/N ... 0.1 c/N), (draws, len(Ns), R)."""
    rng = np.random.default_rng(99)
    N = np.array(RATE_SHIFT_NS)
    sd = np.array([0.5 * RATE_SHIFT_C / N[0], 0.8 * RATE_SHIFT_C / N[1]])
    return RATE_SHIFT_C / N[None, :, None] + sd[None, :, None] * rng.standard_normal((draws, N.size, realizations))


def rate_shift_rows(draws=4 * DRAWS, alphas=ALPHAS, **kw):
    D = rate_shift_data(draws)
    rej = lambda d, a, s: not rate_shift_fit(RATE_SHIFT_NS, [s * D[d, 0], D[d, 1]], a)["rate_shift_ok"]
    return _row("rate_shift_fit (inverse_n_fit chi2, R=%d per N)" % ar.R_T, "gauss", 1, rej, draws, alphas=alphas,
                scales=(), note="se estimated from R=%d: (d/se)^2 ~ F(1, R-1), not chi2_1" % ar.R_T, **kw)


_KINDS = {"t/ar2": lambda: t_rows("ar2"), "cross/pair": cross_rows, "rate/poisson": rate_rows,
          "rate_shift/gauss": rate_shift_rows, "t/poisson": lambda: t_rows("poisson"),
          "chi2/ar2": lambda: chi2_rows("ar2"), "chi2/poisson": lambda: chi2_rows("poisson")}
FAST_KINDS = ("t/ar2", "cross/pair", "rate/poisson", "rate_shift/gauss")   # the default test run (~15 s)


@lru_cache(maxsize=None)
def rows_of(kind: str) -> tuple:
    return tuple(_KINDS[kind]())


def calibration_table(fast: bool = False) -> list[Row]:
    """Every row of the calibration table (fast=True: only the rows of the default test run)."""
    return [r for k in (FAST_KINDS if fast else _KINDS) for r in rows_of(k)]


def cross_scatter_ratios() -> dict:
    """Observed / Gaussian variance of one run's band means (circuit_checks.gaussian_band_variance, the
    ``scatter_ratio`` that compare_level reports), pooled over the draws x R independent runs of the pair:
    {quantity: (ratios per band, relative standard error of each ratio)}."""
    S, spec, E = pair_data()
    S = S.reshape(-1, 2, 2, S.shape[-1])
    sels = ar.band_selections(spec.omega)
    out = {}
    for a, b, part, f in ((0, 0, "auto", np.real), (1, 1, "auto", np.real), (0, 1, "re", np.real),
                          (0, 1, "im", np.imag)):
        bm = np.stack([f(S[:, a, b, sel]).mean(axis=-1) for sel in sels], axis=-1)
        g = gaussian_band_variance(spec, E, a, b, part, ar.EDGES)
        n = bm.shape[0]
        kurt = stats.kurtosis(bm, axis=0)
        out["%s %d%d" % (part, a, b)] = (bm.var(axis=0, ddof=1) / g, np.sqrt(2 / (n - 1) + kurt / n))
    return out


def format_table(rows) -> str:
    head = ("| comparison | process | nominal alpha | false positives | rate [99.9 % CP interval] | "
            "power +10 % | power +20 % | draws |")
    out = [head, "|" + "---|" * 8]
    for r in rows:
        lo, hi = r.interval
        pw = [("%.3f" % (r.power[s][0] / r.power[s][1])) + (" (%.3f)" % r.claimed[s] if s in r.claimed else "")
              if s in r.power else "n/a" for s in SCALES]
        flag = "" if r.compatible else " **(outside)**"
        out.append("| %s | %s | %g | %d/%d | %.4f [%.4f, %.4f]%s | %s | %s | %d |" % (
            r.comparison, r.process, r.alpha, r.false_pos, r.draws, r.rate, lo, hi, flag, pw[0], pw[1], r.draws))
    out.append("")
    out.append("Power at the package default alpha = %g (theory x 1.1, x 1.2 in every band / the rate; in brackets "
               "the analytic power claimed by results.t_comparison_power / chi2_comparison_power). A rate is "
               "'outside' when its 99.9 %% Clopper-Pearson interval misses [Sidak, alpha]." % POWER_ALPHA)
    for r in rows:
        if r.note and r.alpha == ALPHAS[0]:
            out.append("- %s: %s" % (r.comparison, r.note))
    return "\n".join(out)


if __name__ == "__main__":
    print(format_table(calibration_table(fast="--fast" in sys.argv)))
    print("\nscatter_ratio (observed / Gaussian variance of a run's band mean), pair, %d runs:" % (DRAWS * ar.R_T))
    for k, (r, se) in cross_scatter_ratios().items():
        print("  %-8s %s  (se %.3f)" % (k, " ".join("%.3f" % x for x in r), se.max()))
