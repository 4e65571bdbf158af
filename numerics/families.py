"""The heterogeneity families behind a Model: what each one contributes to an operating point.

A :class:`~shotnoise.numerics.model.Model` names its excitability family; this module maps the
family to its density, its fixed points (with eigenvalues or an argument-principle stability count)
and its linear-response ingredients, so that :class:`~shotnoise.numerics.operating_point.OperatingPoint`
has one code path for every family:

* ``lorentzian`` -- the MPR closed forms (theory/THEORY.md eqs. (17)-(50));
* ``multipole`` -- the exact reduced model of g_n, n = 1..4 (eqs. (61)-(73), ``numerics.multipole``);
* ``gaussian``, ``uniform`` -- any density g: self-consistent rate by quadrature, G by the principal-value
  integral, S_xi by the harmonic sum with its bound (uniform: in closed form, eq. (80)), stability from the zeros of 1 - J G
  (eqs. (74)-(79), ``numerics.general_response`` and ``numerics.collective_modes``).
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np

from shotnoise.theory.errors import ParameterError

#: every family of excitabilities a Model can have
FAMILIES = ("lorentzian", "multipole", "gaussian", "uniform")
#: families with an exact finite-dimensional mass model (fixed points with eigenvalues, a stochastic mass model)
REDUCED = ("lorentzian", "multipole")
#: orders n of the multi-pole family (mirrors the generated multipole_kernels.ORDERS; a test checks it)
POLE_ORDERS = (1, 2, 3, 4)
#: validated range of the any-density (Gaussian, uniform) quadratures: |J| <= MAX_J_ANY_G and
#: Delta >= MIN_RELATIVE_WIDTH * max(1, |eta_bar|, |I|) (narrower densities are not resolved in double precision)
MAX_J_ANY_G = 1e4
MIN_RELATIVE_WIDTH = 1e-6
#: absolute accuracy asked of the harmonic sum of S_xi, relative to the white level r0/N
HARMONIC_RTOL = 1e-8


def pole_order(n) -> int:
    """Validated order n of the multi-pole family (ParameterError outside 1..4); no kernels imported."""
    import numpy as np
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or int(n) not in POLE_ORDERS:
        raise ParameterError("poles (the multi-pole order n) must be an integer in %d..%d, got %r"
                             % (POLE_ORDERS[0], POLE_ORDERS[-1], n))
    return int(n)


def check_any_g_range(*, eta_bar: float, Delta: float, J: float, I: float) -> None:
    """ParameterError outside the range where the any-density quadratures are validated (see MAX_J_ANY_G)."""
    if abs(J) > MAX_J_ANY_G:
        raise ParameterError("J must satisfy |J| <= %g for a Gaussian or uniform population (the any-density "
                             "quadratures are validated there), got %r" % (MAX_J_ANY_G, J))
    scale = max(1.0, abs(eta_bar), abs(I))
    if Delta < MIN_RELATIVE_WIDTH * scale:
        raise ParameterError("Delta must be >= %g x max(1, |eta_bar|, |I|) = %g for a Gaussian or uniform population "
                             "(narrower densities are not resolved by the quadratures), got %r"
                             % (MIN_RELATIVE_WIDTH, MIN_RELATIVE_WIDTH * scale, Delta))


def density(model):
    """The excitability density g of the model (centre eta_bar, scale Delta)."""
    if model.heterogeneity == "multipole":
        from .multipole import density as multipole_density
        return multipole_density(n=model.poles, eta_bar=model.eta_bar, Delta=model.Delta)
    from .densities import make_density  # lazy: the density kernels are numba ufuncs compiled at import
    return make_density(model.heterogeneity, model.eta_bar, model.Delta)


def fixed_points(model) -> list[dict]:
    """All fixed points of the model's mass model, sorted by r: dicts of OperatingPoint fields."""
    fam = model.heterogeneity
    if fam == "lorentzian":
        from .mpr import fixed_points as mpr_fixed_points
        return [dict(r=q.r, v=q.v, eigenvalues=q.eigenvalues, stability=q.stability)
                for q in mpr_fixed_points(model.parameters)]
    if fam == "multipole":
        from .multipole import fixed_points as multipole_fixed_points
        return [dict(r=q.r, v=q.v, eigenvalues=q.eigenvalues, stability=q.stability, modes=q.modes)
                for q in multipole_fixed_points(n=model.poles, eta_bar=model.eta_bar, Delta=model.Delta,
                                                J=model.J, I=model.I, tau=model.tau)]
    from .collective_modes import stability
    from .general_response import self_consistent_rates
    g = density(model)
    out = []
    for q in self_consistent_rates(g, J=model.J, I=model.I, tau=model.tau):
        if q.r <= 0:  # the quiescent state r = 0 is not an asynchronous firing state
            continue
        rep = stability(g, r=q.r, J=model.J, I=model.I, tau=model.tau)
        eigs = []
        for mode in rep.modes:  # zeros of D near the axis: -damping +- i frequency
            eigs += [complex(-mode.damping, -mode.frequency), complex(-mode.damping, mode.frequency)]
        out.append(dict(r=q.r, v=q.v, eigenvalues=tuple(eigs), stability=_stability_label(rep),
                        rate_error=q.r_err, report=rep))
    return out


@dataclass(frozen=True)
class QuiescentState:
    """The silent fixed point r = 0 of a population whose excitabilities are all below threshold.

    r = 0 (spikes per unit time); v = -int g(eta) sqrt(-(eta + I)) d eta, the mean resting voltage
    (theory/THEORY.md eqs. (74)-(79) at r0 = 0, ``general_response._mean_voltage``); ``margin`` = eta_max + I <= 0
    (eta_max the top of g's support); ``slowest_rate`` = -2 sqrt(-margin)/tau, the least negative eigenvalue;
    ``stability`` 'stable' (margin < 0) or 'marginal' (margin = 0)."""

    r: float
    v: float
    margin: float
    slowest_rate: float
    stability: str

    def to_dict(self) -> dict:
        """{"r", "v", "margin", "slowest_rate", "stability"}."""
        return asdict(self)


#: families whose density has unbounded support (Phi(0) > 0: no quiescent state); a test checks g.hi = inf
UNBOUNDED_SUPPORT = ("lorentzian", "multipole", "gaussian")


def quiescent_state(model) -> QuiescentState | None:
    """The quiescent fixed point r = 0 of the model's mass model, or None if it has none.

    r = 0 is a fixed point exactly when no neuron fires at r = 0: Phi(0) = (1/(pi tau)) int g(eta)
    sqrt(max(eta + I, 0)) d eta = 0, i.e. eta_max + I <= 0 with eta_max the top of the support of g (the uniform
    family: eta_max = eta_bar + Delta; the Lorentzian, multi-pole and Gaussian densities have unbounded support,
    so Phi(0) > 0 and they have no quiescent state: their rate only becomes small).  At r = 0 the coupling term
    J tau r vanishes and each neuron (tau dV/dt = V^2 + eta + I) rests at V_eta = -sqrt(-(eta + I)).

    Stability of the mass model: a perturbation small enough that no neuron passes its threshold
    +sqrt(-(eta + I)) produces no spike, so r stays 0 and the recurrent input J tau r is not switched on (the
    open-loop susceptibility G vanishes at r = 0, so 1 - J G = 1 has no zero, for any J); each neuron's
    deviation decays as exp(-2 sqrt(-(eta + I)) t/tau).  The spectrum is the band of these rates; its edge
    -2 sqrt(-(eta_max + I))/tau is the slowest.  Hence: stable when eta_max + I < 0 strictly (a finite gap); at
    eta_max + I = 0 the top neurons sit on their own saddle-node V = 0 and the state is marginal.  The basin is
    finite (a kick past +sqrt(-(eta + I)) fires a neuron), so a quiescent state coexists with firing states.
    """
    if model.heterogeneity in UNBOUNDED_SUPPORT:  # without building the density (fixed-points starts light)
        return None
    g = density(model)
    if not math.isfinite(g.hi):
        return None
    margin = float(g.hi + model.I)
    if margin > 0:
        return None
    from .general_response import _geometry, _mean_voltage
    v = _mean_voltage(_geometry(g, model.I), 1e-11)[0]
    # the top neuron's eigenvalue, theory.riccati.resting_state (parity-tested in test_bifurcation)
    return QuiescentState(r=0.0, v=float(v), margin=margin, slowest_rate=-2.0 * math.sqrt(-margin) / model.tau + 0.0,
                          stability="stable" if margin < 0 else "marginal")


def _stability_label(rep) -> str:
    """Fixed-point type from the argument-principle count: 'stable'/'stable-focus' (no zero of 1 - J G in
    Re s >= 0; -focus when a collective mode is known), 'marginal' (a zero on the axis), 'saddle' (a real
    unstable zero, D(0) < 0) or 'unstable-focus' (a complex pair: beyond a Hopf point)."""
    if rep.on_axis_zero:
        return "marginal"
    if rep.stable:
        return "stable-focus" if rep.modes else "stable"
    return "saddle" if rep.D0 < 0 else "unstable-focus"


def susceptibilities(op, omega: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Open-loop (G, G_v) at the operating point (dr = J G ds, dv = J G_v ds; exp(-i omega t))."""
    m = op.model
    if m.heterogeneity == "lorentzian":
        from .linear_response import susceptibility
        return susceptibility(omega, r=op.r, v=op.v, tau=m.tau)
    if m.heterogeneity == "multipole":
        from .multipole import susceptibility
        return susceptibility(omega, n=m.poles, modes=op.modes, tau=m.tau)
    from .general_response import susceptibility_any
    res = susceptibility_any(omega, op.density, r=op.r, J=m.J, I=m.I, tau=m.tau)
    return res.G, res.G_v


def shot(op, omega: np.ndarray) -> np.ndarray:
    """S_xi(omega) of the N neurons at the operating point (two-sided, angular frequency)."""
    m = op.model
    N = m.require_N()
    if m.heterogeneity == "lorentzian":
        from .shot_spectrum import shot_spectrum_lorentzian
        return shot_spectrum_lorentzian(omega=omega, p=m.parameters, N=N, r0=op.r)
    if m.heterogeneity == "multipole":
        from .multipole import shot_spectrum
        return shot_spectrum(omega, n=m.poles, eta_bar=m.eta_bar, Delta=m.Delta, J=m.J, I=m.I, tau=m.tau, N=N,
                             r0=op.r)
    if m.heterogeneity == "uniform":
        from .shot_spectrum import shot_spectrum_uniform
        return shot_spectrum_uniform(omega, eta_bar=m.eta_bar, h=m.Delta, N=N, r0=op.r, J=m.J, I=m.I, tau=m.tau)
    from .shot_spectrum import shot_spectrum_harmonic
    S, _ = shot_spectrum_harmonic(omega, op.density, N=N, r0=op.r, J=m.J, I=m.I, tau=m.tau,
                                  atol=HARMONIC_RTOL * op.r / N)
    return S


def asymptote(op) -> tuple[float, float]:
    """(s_inf, a) with S_xi = s_inf - a/|omega| + (faster decaying terms) at large omega.

    Lorentzian: s_inf = Re sqrt(c)/(pi tau N), a = 2 Delta/(pi^2 tau^2 N); multipole: the sums over poles
    (a = 0 for n >= 2); a density with finite second moment (Gaussian, uniform): s_inf = r0/N, a = 0.
    """
    m = op.model
    N = m.require_N()
    if m.heterogeneity == "lorentzian":
        from .shot_spectrum import shot_spectrum_asymptote
        return shot_spectrum_asymptote(p=m.parameters, N=N, r0=op.r)
    if m.heterogeneity == "multipole":
        from .multipole import shot_asymptote
        return shot_asymptote(n=m.poles, eta_bar=m.eta_bar, Delta=m.Delta, J=m.J, I=m.I, tau=m.tau, N=N, r0=op.r)
    from ._generated.mpr_kernels import white_noise_intensity
    from ._jit import pure
    return pure(white_noise_intensity)(op.r, N), 0.0  # r0/N: the tails of g decay faster than eta^-2


def least_damped_mode(op) -> tuple[float, float]:
    """(omega_res, damping) of the least-damped oscillatory closed-loop mode (nan, nan if none is known)."""
    m = op.model
    if m.heterogeneity == "lorentzian":
        from ._generated.spectrum_kernels import resonance_terms
        from ._jit import pure
        w2, gamma = pure(resonance_terms)(op.r, op.v, m.J, m.tau)
        return (math.sqrt(w2) if w2 > 0 else math.nan), gamma
    osc = [z for z in op.eigenvalues if z.imag > 0]
    if not osc:
        return math.nan, math.nan
    lead = max(osc, key=lambda z: z.real)
    return float(lead.imag), float(-lead.real)


def require_reduced(model, what: str) -> None:
    """ParameterError unless the family has an exact finite-dimensional mass model."""
    if model.heterogeneity not in REDUCED:
        raise ParameterError("%s needs an exact finite-dimensional mass model: heterogeneity %s (got %r; a "
                             "Gaussian-like population is heterogeneity='multipole' with poles=2..4)"
                             % (what, " or ".join(REDUCED), model.heterogeneity))
