"""Welch spectral estimation in the package convention, with chi-square intervals.

Every check and plot uses :func:`welch` (two-sided, angular frequency:
S(omega) = int C(t) exp(-i omega t) dt; returned at omega >= 0 since the
signals are real).  Also here: the equivalent degrees of freedom of an
overlapped Welch estimate (Percival & Walden 1993, eq. 292b), band averaging
with the correlation of neighbouring bins taken into account, the spectrum of
a binned signal (sinc^2 filter plus aliasing; the closed-form alias sum of a
1/|omega| tail is generated from theory.binning), and the exact expectation of a
Welch estimate for a given theoretical spectrum (window leakage included).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import signal, stats

from shotnoise.theory.errors import ParameterError

from ._generated.binning_kernels import alias_inverse_omega_sum
from .parameters import finite, finite_array, integer_at_least, positive

CONVENTION = "two-sided, angular frequency"


@dataclass
class Spectrum:
    """A Welch estimate: omega >= 0 (rad/time), psd (two-sided), chi-square interval, dof per bin."""

    omega: np.ndarray
    psd: np.ndarray
    ci_low: np.ndarray
    ci_high: np.ndarray
    dof: float
    n_segments: int
    nperseg: int
    dt: float
    confidence: float
    convention: str = CONVENTION
    overlap: float = 0.5

    def to_dict(self) -> dict:
        """JSON-ready dict (lists), with the spectral convention."""
        return {"convention": self.convention, "omega": self.omega.tolist(), "psd": self.psd.tolist(),
                "ci_low": self.ci_low.tolist(), "ci_high": self.ci_high.tolist(), "dof": self.dof,
                "n_segments": self.n_segments, "confidence": self.confidence}


def _window(nperseg: int) -> np.ndarray:
    return signal.get_window("hann", nperseg)


def equivalent_dof(n_segments: int, *, nperseg: int, noverlap: int) -> float:
    """nu = 2K / (1 + 2 sum_{m=1}^{K-1} (1 - m/K) rho(m)^2), rho(m) the window overlap correlation."""
    w = _window(nperseg)
    step = nperseg - noverlap
    K = n_segments
    denom = 1.0
    for m in range(1, K):
        shift = m * step
        if shift >= nperseg:
            break
        rho = np.dot(w[: nperseg - shift], w[shift:]) / np.dot(w, w)
        denom += 2 * (1 - m / K) * rho**2
    return 2 * K / denom


def chi2_interval(dof: float, *, confidence: float) -> tuple[float, float]:
    """Multiplicative interval [lo, hi] for S given S_hat: S in [nu S_hat / chi2_hi, nu S_hat / chi2_lo]."""
    a = 1 - confidence
    return dof / stats.chi2.ppf(1 - a / 2, dof), dof / stats.chi2.ppf(a / 2, dof)


def welch(x, *, dt: float, segment: float, overlap: float = 0.5, confidence: float = 0.95) -> Spectrum:
    """Welch PSD of a real signal sampled at dt, segments of length ``segment`` (time units).

    Hann window, mean removed per segment, two-sided density in angular frequency:
    psd(omega) estimates S(omega) with variance = int S d omega / 2 pi (for a signal
    of bin averages, S is the binned spectrum, see :func:`binned_spectrum`).
    """
    x = finite_array("x", x)
    dt, segment = positive("dt", dt), positive("segment", segment)
    overlap = finite("overlap", overlap)
    if not 0 <= overlap < 1:
        raise ParameterError("overlap must be in [0, 1), got %r" % overlap)
    confidence = finite("confidence", confidence)
    if not 0 < confidence < 1:
        raise ParameterError("confidence must be in (0, 1), got %r" % confidence)
    nperseg = int(round(segment / dt))
    if nperseg < 8:
        raise ParameterError("segment must be at least 8 samples (segment/dt = %d)" % nperseg)
    if nperseg > x.size:
        raise ParameterError("segment (%g) is longer than the signal (%g)" % (segment, x.size * dt))
    noverlap = int(round(overlap * nperseg))
    f, P = signal.welch(x, fs=1.0 / dt, window="hann", nperseg=nperseg, noverlap=noverlap,
                        return_onesided=False, scaling="density", detrend="constant")
    keep = f >= 0
    f, P = f[keep], P[keep]
    order = np.argsort(f)
    f, P = f[order], P[order]
    K = 1 + (x.size - nperseg) // (nperseg - noverlap)
    nu = equivalent_dof(K, nperseg=nperseg, noverlap=noverlap)
    lo, hi = chi2_interval(nu, confidence=confidence)
    return Spectrum(2 * np.pi * f, P, P * lo, P * hi, nu, K, nperseg, dt, confidence, overlap=overlap)


def bin_correlation(nperseg: int, *, max_lag: int = 8) -> np.ndarray:
    """Squared correlation rho^2(d) of periodogram ordinates d bins apart (locally white process)."""
    w = _window(nperseg)
    t = np.arange(nperseg)
    s2 = np.sum(w**2)
    return np.array([abs(np.sum(w**2 * np.exp(-2j * np.pi * d * t / nperseg))) ** 2 / s2**2
                     for d in range(max_lag + 1)])


def band_average(spec: Spectrum, edges, *, expectation=None, spectrum=None
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Average the estimate over bands [edges[i], edges[i+1]).

    Returns (band centres, band means, equivalent dof of each band mean), nu_b = 2 E_b^2 / Var(band mean)
    from :func:`~shotnoise.numerics.welch_dof.band_dof`: with the expected estimate ``expectation``
    the variation of the spectrum across the band is weighted in (and with the binned
    ``spectrum`` the covariance is exact); without either the spectrum is taken flat across
    each band (exact for white noise, too many dof on the flank of a peak: pass the expectation there).
    """
    from .welch_dof import _band_selections, band_dof

    edges = finite_array("edges", edges)
    sels = _band_selections(spec.omega, edges)
    E = np.ones_like(spec.psd) if expectation is None else finite_array("expectation", expectation)
    if E.shape != spec.psd.shape:
        raise ParameterError("expectation must have one value per Welch bin (%d), got %d" % (spec.psd.size, E.size))
    dofs = band_dof(spec, E, edges, spectrum=spectrum, overlap=spec.overlap)
    centres = 0.5 * (edges[:-1] + edges[1:])
    return centres, np.array([spec.psd[s].mean() for s in sels]), dofs


def binned_spectrum(S, omega, *, dt: float, s_inf: float = 0.0, inv_omega: float = 0.0, n_alias: int = 400,
                    rtol: float = 1e-13) -> np.ndarray:
    """Spectrum of the bin-averaged signal x_k = (1/dt) int_{k dt}^{(k+1) dt} x(t) dt.

    S_d(omega) = sum_m S(omega_m) sinc^2(omega_m dt/2),  omega_m = omega + 2 pi m/dt.

    The known large-omega behaviour S ~ s_inf - inv_omega/|omega| (for shot noise
    s_inf = r0/N, inv_omega = 2 Delta/(pi^2 tau^2 N)) is summed in closed form:
    sum_m sinc^2 = 1, and sum_{m != 0} sinc^2(omega_m dt/2)/|omega_m|
    = sin^2(omega dt/2) (4/dt^2) (dt/2 pi)^3 [zeta(3, 1 + u) + zeta(3, 1 - u)], u = |omega| dt/(2 pi)
    (Hurwitz zeta; generated from theory.binning).  The remainder decays fast; aliases
    m = +-1, +-2, ... are added until a pair changes no value by more than ``rtol`` times the
    largest (at most ``n_alias`` pairs).  Valid on the Nyquist band |omega| <= pi/dt (else
    ParameterError).  S is a callable on angular-frequency arrays.  Two-sided, angular frequency.
    """
    w = finite_array("omega", omega)
    dt = positive("dt", dt)
    scalar = lambda name, x: finite(name, x) if np.ndim(x) == 0 else finite_array(name, x, ndim=None)
    s_inf, inv_omega = scalar("s_inf", s_inf), scalar("inv_omega", inv_omega)
    n_alias = integer_at_least("n_alias", n_alias, 0)
    if w.size and np.max(np.abs(w)) > np.pi / dt * (1 + 1e-12):
        raise ParameterError("omega must lie in the Nyquist band |omega| <= pi/dt = %g, got max |omega| = %g"
                             % (np.pi / dt, np.max(np.abs(w))))
    S0 = S(w)
    # S may return one value per omega, or a matrix per omega (shape (len(omega), ...)): per-omega factors
    # broadcast over the trailing axes, s_inf and inv_omega over them too (scalars or arrays of that shape)
    col = (slice(None),) + (None,) * (np.ndim(S0) - 1)
    model_sum = alias_inverse_omega_sum(np.clip(w, -np.pi / dt, np.pi / dt), dt)[col]
    out = s_inf + (S0 - s_inf) * (np.sinc(w * dt / (2 * np.pi)) ** 2)[col] - inv_omega * model_sum
    for m in range(1, n_alias + 1):
        add = np.zeros_like(out)
        for sgn in (1, -1):
            wm = w + sgn * 2 * np.pi * m / dt
            add += (S(wm) - s_inf + inv_omega / np.abs(wm)[col]) * (np.sinc(wm * dt / (2 * np.pi)) ** 2)[col]
        out += add
        if np.max(np.abs(add)) <= rtol * max(np.max(np.abs(out)), np.max(np.abs(s_inf))):
            break
    return out


def sinc2_correction(spec: Spectrum, *, bin_width: float) -> Spectrum:
    """Divide the estimate by sinc^2(omega dt/2) (valid only for a band-limited S; see binned_spectrum)."""
    h = np.sinc(spec.omega * bin_width / (2 * np.pi)) ** 2
    return Spectrum(spec.omega, spec.psd / h, spec.ci_low / h, spec.ci_high / h, spec.dof, spec.n_segments,
                    spec.nperseg, spec.dt, spec.confidence, overlap=spec.overlap)


def welch_expectation(S_binned, spec: Spectrum, *, oversample: int = 8, hermitian: bool = False) -> np.ndarray:
    """Exact expectation of the Welch estimate for a process with binned spectrum S_binned.

    E[P(omega_k)] = sum_m S_d(omega_m) |G_k(omega_m)|^2 / (M sum w^2) on a grid of
    M = oversample * nperseg frequencies over one Nyquist band (circular: S_d is periodic), with
    the response of bin k to frequency omega

        G_k(omega) = W(omega_k - omega) - (W(omega_k)/L) D(omega),   D(omega) = sum_{n<L} exp(i omega n dt):

    the window transform W, minus the per-segment mean removal (x_n - mean) that welch() applies.
    The second term matters only where W(omega_k) != 0, i.e. for the Hann window at the bins k = 0
    and k = 1 (omega_1 = 2 pi/segment): there, a spectrum that vanishes at omega -> 0 (shot noise,
    ~ omega^3) is still estimated with the power that leaks in from the rest of the band through the
    mean removal -- ignoring it underestimated the expected first bin of a network by ~60-90x.

    ``hermitian``: S_binned is a cross-spectrum (complex, S(-omega) = conj S(omega)), evaluated at signed
    frequencies; the expectation of the cross-estimate X_a conj(X_b) is then complex.  Default: an
    auto-spectrum (real and even; evaluated at |omega|).
    """
    L = spec.nperseg
    M = integer_at_least("oversample", oversample, 1) * L
    dt = spec.dt
    grid = 2 * np.pi * np.fft.fftfreq(M, d=dt)
    if hermitian:
        Sd = np.asarray(S_binned(grid), dtype=complex)
    else:
        half, back = np.unique(np.abs(grid), return_inverse=True)  # S_d is even: evaluate omega >= 0 only
        Sd = np.asarray(S_binned(half), dtype=float)[back]
    w = _window(L)
    Wf = np.fft.fft(w, n=M)
    norm = M * np.sum(w**2)
    K = np.abs(Wf) ** 2 / norm
    conv = np.fft.ifft(np.fft.fft(Sd) * np.fft.fft(K))
    if not hermitian:
        conv = np.real(conv)
    # conv[j] = sum_m Sd[m] K[j - m]; estimate bins are at multiples of oversample
    idx = np.rint(spec.omega * dt * M / (2 * np.pi)).astype(int) % M
    out = conv[idx]
    Dc = np.conj(np.fft.fft(np.ones(L), n=M))  # D(omega_m)
    m = np.arange(M)
    for i, q in enumerate(idx):
        if abs(Wf[q]) > 1e-9 * abs(Wf[0]):  # bins whose weights do not sum to zero: mean removal acts
            G = Wf[(q - m) % M] - (Wf[q] / L) * Dc
            out[i] = np.sum(Sd * np.abs(G) ** 2) / norm
    return out
