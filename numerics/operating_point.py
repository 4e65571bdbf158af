"""An operating point of the mass model and everything that follows from it.

An :class:`OperatingPoint` is one fixed point (r0, v0) of a :class:`~shotnoise.numerics.model.Model`
(found by ``Model.fixed_points()``, the only fixed-point solver) with its eigenvalues
and stability.  It caches what follows from it and evaluates, at any angular frequency
(two-sided convention, S(omega) = int C(t) exp(-i omega t) dt, variance = int S d omega/(2 pi)):

* the shot-noise spectrum S_xi (closed forms for the Lorentzian and multi-pole families, theory/THEORY.md
  eqs. (35), (37)-(40) and (61)-(73); the harmonic sum (32) with its bound for any other density),
* the closed-loop spectra S_s = S_xi/|1 - J G|^2, S_r, S_v, S_rv and the subpopulation
  spectrum S_sM (theory/THEORY.md eqs. (44)-(50)),
* the resonance (omega_res, damping, Q, shot-noise peak and its closed-loop gain),
* for a density without a finite reduced model, the stability report of 1 - J G (collective modes),
* binned spectra (sinc^2 filter plus aliases) and the exact expectation of a Welch estimate.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property
from typing import Callable

import numpy as np

from shotnoise.theory.errors import ParameterError

from . import families
from ._generated.mpr_kernels import white_noise_intensity
from ._generated.spectrum_kernels import effective_drive, shot_peak_frequency, subpopulation_spectrum
from ._jit import pure
from .linear_response import NetworkSpectra, Resonance, closed_loop_from_susceptibility, resonance_from
from .parameters import finite_array, positive
from .shot_spectrum import CONVENTION

#: alias pairs summed explicitly for a family without a closed-form spectrum (harmonic sum per alias)
ALIASES_ANY_G = 40
#: what a binned / expected spectrum describes
SPECTRUM_KINDS = ("activity", "shot", "white", "subpopulation")


@dataclass(frozen=True)
class OperatingPoint:
    """A fixed point of the mass model: rate r (spikes per unit time), mean voltage v, eigenvalues (1/time).

    ``branch`` is None when the fixed point is unique, else 'low' | 'mid' | 'high'.  ``modes`` are the
    complex modes w_k of a multi-pole model; for a density without a finite reduced model (Gaussian,
    uniform) ``eigenvalues`` are the zeros of 1 - J G located near the imaginary axis, ``rate_error`` bounds
    the quadrature error of r and ``report`` is the full stability analysis.
    """

    model: object = field(repr=False)
    r: float
    v: float
    eigenvalues: tuple
    stability: str
    branch: str | None = None
    modes: tuple | None = field(default=None, repr=False)
    rate_error: float | None = None
    report: object = field(default=None, repr=False)

    # ------------------------------------------------------------------ scalars
    @property
    def stable(self) -> bool:
        """True for a stable node or focus (all eigenvalues with negative real part)."""
        return self.stability.startswith("stable")

    @cached_property
    def eta_t(self) -> float:
        """Effective drive of the distribution centre, eta_t = eta_bar + I + J tau r0."""
        m = self.model
        return float(pure(effective_drive)(m.eta_bar, self.r, m.J, m.I, m.tau))

    @cached_property
    def density(self):
        """The model's excitability density g."""
        return self.model.density()

    def to_dict(self) -> dict:
        """r, v (None where not defined), stability, branch, eta_t, eigenvalues as [re, im] pairs, rate_error (the
        quadrature error bound of r) and stability_report (the argument-principle count and collective modes);
        the last two are None for the families with a finite reduced model.  Same keys for every family."""
        d = {"r": self.r, "v": _finite_or_none(self.v), "stability": self.stability, "branch": self.branch,
             "eta_t": self.eta_t, "eigenvalues": [[float(z.real), float(z.imag)] for z in self.eigenvalues]}
        d["rate_error"] = self.rate_error
        d["stability_report"] = None if self.report is None else self.report.to_dict()
        return d

    @property
    def linear_response_defined(self) -> bool:
        """Stable, or marginal (a neutral collective mode: |1/(1 - J G)|^2 diverges at that one frequency, e.g.
        the outside-band mode of a uniform density, undamped at linear order for every J != 0)."""
        return self.stable or self.stability == "marginal"

    def _require_stable(self) -> None:
        if not self.linear_response_defined:
            raise ParameterError("the fixed point r=%.6g is a %s: linear response needs a stable (or marginal) fixed "
                                 "point" % (self.r, self.stability))

    # ------------------------------------------------------------------ spectra
    def shot(self, omega) -> np.ndarray:
        """S_xi(omega) of the N neurons (two-sided, angular frequency; closed form or harmonic sum)."""
        return families.shot(self, finite_array("omega", omega))

    def susceptibility(self, omega) -> tuple[np.ndarray, np.ndarray]:
        """Open-loop (G, G_v) at angular frequencies omega (dr = J G ds, dv = J G_v ds; exp(-i omega t))."""
        return families.susceptibilities(self, finite_array("omega", omega))

    def spectra(self, omega, *, order: int = 1) -> NetworkSpectra:
        """Shot-noise, activity, rate and voltage spectra (and the subpopulation one if the model has M).

        ``order=2`` adds ``.second_order`` (``numerics.order2.SecondOrder``): the O(1/N^2) corrections to add to
        the linear spectra and the O(1/N) mean-rate shift (Lorentzian populations)."""
        self._require_stable()
        if isinstance(order, bool) or order not in (1, 2) or not isinstance(order, (int, np.integer)):
            raise ParameterError("order must be the integer 1 or 2, got %r" % (order,))
        m = self.model
        N = m.require_N()
        w = finite_array("omega", omega)
        G, Gv = self.susceptibility(w)
        sp = closed_loop_from_susceptibility(w, S_xi=self.shot(w), G=G, G_v=Gv, J=m.J, N=N, M=m.M)
        if order == 2:
            from .order2 import second_order

            sp.second_order = second_order(point=self, omega=w, linear=sp.activity)
        return sp

    def rate_shift(self):
        """The O(1/N) shift of the network's mean rate over this fixed point (``numerics.rate_shift``):
        c/N = MPR nonlinearity (eq. (96)) + own-spike feedback (eq. (100)); Lorentzian, N set, stable."""
        from .rate_shift import rate_shift

        return rate_shift(point=self)

    def order_parameter_spectra(self, omega):
        """Spectra of the network's own order parameter Z and of r_Z, v_Z (W = (1 - conj Z)/(1 + conj Z)) at linear
        order: the finite sample's own noise plus the collective response (``numerics.order_parameter_spectra``;
        Lorentzian).  Two-sided, angular frequency; S_Z is not even in omega."""
        from .order_parameter_spectra import order_parameter_spectra

        self._require_stable()
        return order_parameter_spectra(point=self, omega=omega)

    def order_parameter_variances(self):
        """N var of Z, Re Z, Im Z, r_Z, v_Z at linear order (``numerics.order_parameter_spectra``)."""
        from .order_parameter_spectra import order_parameter_variances

        self._require_stable()
        return order_parameter_variances(point=self)

    def resonance(self) -> Resonance:
        """Least-damped closed-loop mode (omega_res, damping, Q) and the closed-loop gain at the shot-noise peak."""
        m = self.model
        w_res, gamma = families.least_damped_mode(self)
        G_peak = None
        w_pk = pure(shot_peak_frequency)(self.eta_t, m.tau) if self.eta_t > 0 else math.nan
        if math.isfinite(w_pk) and self.linear_response_defined:
            G_peak = self.susceptibility(np.array([w_pk]))[0][0]
        return resonance_from(omega_res=w_res, damping=gamma, eta_t=self.eta_t, J=m.J, tau=m.tau, G_peak=G_peak)

    def asymptote(self, kind: str = "activity") -> tuple[float, float]:
        """(s_inf, a) with S = s_inf - a/|omega| + (faster decaying terms) at large omega for ``kind``."""
        m = self.model
        N = m.require_N()
        s_inf, a = families.asymptote(self)
        if kind == "white":
            return pure(white_noise_intensity)(self.r, N), 0.0  # r0/N: flat
        if kind == "subpopulation":  # closed-loop gain -> 1 at large omega: S_sM -> S_sM(S1 = N S_xi, |T_s|^2 = 1)
            sub = pure(subpopulation_spectrum)
            return sub(N * s_inf, 1.0, N, m.M), sub(N * a, 1.0, N, m.M)
        return s_inf, a

    def binned(self, *, bin_width: float, kind: str = "activity") -> "BinnedSpectrum":
        """Spectrum of the bin-averaged signal (bin ``bin_width``): sum over aliases of S sinc^2.

        kind: 'activity' (S_s), 'subpopulation' (S_sM, needs M), 'shot' (S_xi) or 'white'
        (the diffusion limit (r0/N) |1/(1 - J G)|^2).  The large-omega behaviour
        s_inf - a/|omega| is summed in closed form.
        """
        bw = positive("bin_width", bin_width)
        if kind not in SPECTRUM_KINDS:
            raise ParameterError("kind must be one of %s, got %r" % (", ".join(SPECTRUM_KINDS), kind))
        if kind == "subpopulation" and self.model.M is None:
            raise ParameterError("kind='subpopulation' needs a model with M")
        if kind != "shot":
            self._require_stable()
        return BinnedSpectrum(point=self, bin_width=bw, kind=kind)

    def expected_welch(self, *, segment: float, bin_width: float, kind: str = "activity", overlap: float = 0.5
                       ) -> "ExpectedWelch":
        """Exact expectation of a Welch estimate (Hann window, ``segment`` long, on bins of ``bin_width``).

        Includes binning (sinc^2, aliases) and window leakage; the grid is that of
        ``numerics.spectral_estimation.welch(x, dt=bin_width, segment=segment)``.
        """
        from .spectral_estimation import welch_expectation

        bw, seg = positive("bin_width", bin_width), positive("segment", segment)
        L = int(round(seg / bw))
        if L < 8:
            raise ParameterError("segment must be at least 8 bins (segment/bin_width = %d)" % L)
        f = np.fft.fftfreq(L, d=1.0 / (1.0 / bw))  # exactly welch()'s grid (scipy uses fs = 1/dt): keep f >= 0
        grid = _WelchGrid(nperseg=L, dt=bw, omega=2 * np.pi * np.sort(f[f >= 0]))
        S = self.binned(bin_width=bw, kind=kind)
        return ExpectedWelch(omega=grid.omega, psd=welch_expectation(S_binned=S, spec=grid), segment=seg, bin_width=bw, kind=kind)


@dataclass(frozen=True)
class _WelchGrid:
    """The three attributes of a Welch estimate that its expectation depends on."""

    nperseg: int
    dt: float
    omega: np.ndarray


@dataclass(frozen=True)
class BinnedSpectrum:
    """S_d(omega) = sum_m S(omega + 2 pi m/dt) sinc^2((omega + 2 pi m/dt) dt/2), dt = bin_width; callable."""

    point: OperatingPoint
    bin_width: float
    kind: str

    def unbinned(self, omega) -> np.ndarray:
        """The spectrum S(omega) before binning."""
        op = self.point
        if self.kind == "shot":
            return op.shot(omega)
        sp = op.spectra(omega)
        if self.kind == "white":
            return (op.r / op.model.require_N()) * sp.gain
        return sp.subpopulation if self.kind == "subpopulation" else sp.activity

    def __call__(self, omega) -> np.ndarray:
        from .spectral_estimation import binned_spectrum

        s_inf, a = self.point.asymptote(self.kind)
        if self.point.model.heterogeneity in families.REDUCED:  # closed forms: aliases to rounding
            return binned_spectrum(S=self.unbinned, omega=finite_array("omega", omega), dt=self.bin_width,
                                   s_inf=s_inf, inv_omega=a)
        # harmonic sums: S - r0/N above the band is a ripple from the threshold tail of g (tiny for a Gaussian,
        # O(1/omega) from the jumps of a uniform g); its aliases are summed to 1e-8 of the spectrum, at most 40
        return binned_spectrum(S=self.unbinned, omega=finite_array("omega", omega), dt=self.bin_width,
                               s_inf=s_inf, inv_omega=a, n_alias=ALIASES_ANY_G, rtol=1e-8)


@dataclass(frozen=True)
class ExpectedWelch:
    """Expected Welch estimate on the Welch grid omega >= 0 (two-sided, angular frequency)."""

    omega: np.ndarray
    psd: np.ndarray
    segment: float
    bin_width: float
    kind: str
    convention: str = CONVENTION

    def to_dict(self) -> dict:
        return {"convention": self.convention, "kind": self.kind, "segment": self.segment,
                "bin_width": self.bin_width, "omega": self.omega.tolist(), "psd": self.psd.tolist()}


SpectrumFunction = Callable[[np.ndarray], np.ndarray]


def _finite_or_none(x: float):
    return float(x) if math.isfinite(x) else None
