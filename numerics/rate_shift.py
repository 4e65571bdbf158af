"""The O(1/N) mean-rate shift of a finite network at an operating point (theory/THEORY.md eqs. (96) and (100)).

A network of N neurons fires, on average, at r0 + c/N, where r0 is the quenched rate of its sample (the fixed
point for the annealed density).  Two terms of order 1/N, both without fitted parameters:

* ``mpr_nonlinearity`` (eq. (96)): the MPR nonlinearity rectifies the linear fluctuations driven by the shot
  noise, c_mpr = N int K2(omega, -omega) S_xi(omega) d omega/2 pi.  This is all that a mass model driven by an
  independent shot noise shows.
* ``own_spike_feedback`` (eq. (100)): each neuron's phase is correlated with the part of the input it created
  itself (its own spikes fed back through the closed loop T_s = 1/(1 - J G)); per firing neuron
  Delta f = -J Re T_s(omega_1)/(2 pi^2 tau N), averaged over the density and closed statically by T_s(0).

Both integrals by scipy's adaptive Gauss-Kronrod quadrature with breakpoints at the half-harmonics of the
shot-noise peak and at the resonance; the quadrature error estimate is returned.  The readable references are
``theory.second_order.rate_shift_mpmath`` and ``theory.own_spike_feedback.own_spike_shift_mpmath`` (a test checks
the two agree).  Lorentzian populations with delta synapses only (the MPR Hessian of eq. (93)).
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np

from shotnoise.theory.errors import ParameterError

from ._generated.rate_shift_kernels import k2_diagonal, own_spike_frequency_shift
from ._generated.spectrum_kernels import closed_loop_transfer, deta_df, eta_of_frequency, shot_peak_frequency
from ._jit import pure

#: relative accuracy asked of each quadrature
RTOL = 1e-8
#: half-harmonics of the shot-noise peak used as breakpoints
HALF_HARMONICS = 40


@dataclass(frozen=True)
class RateShift:
    """O(1/N) shift of the mean rate at one operating point (rates per unit time, time in units of tau).

    r0: the fixed-point rate; N: population size; c: N <delta r> (total); delta_r: c/N; relative: delta_r/r0;
    components: c of each term by name ('mpr_nonlinearity', eq. (96); 'own_spike_feedback', eq. (100));
    quad_error: bound on the quadrature error of c (sum of the estimates).
    """

    r0: float
    N: float
    c: float
    delta_r: float
    relative: float
    components: dict
    quad_error: float

    def to_dict(self) -> dict:
        """Plain dict of the fields."""
        return asdict(self)


def _transfers(op, w: np.ndarray):
    G, Gv = op.susceptibility(w)
    ct = pure(closed_loop_transfer)
    out = np.array([ct(complex(g), complex(gv), op.model.J) for g, gv in zip(G, Gv)])
    return out[:, 0], out[:, 1], out[:, 2]  # T_s, T_r, T_v


def _breakpoints(op) -> list[float]:
    m = op.model
    w_pk = pure(shot_peak_frequency)(op.eta_t, m.tau) if op.eta_t > 0 else 1.0 / m.tau
    pts = {w_pk * k / 2 for k in range(1, HALF_HARMONICS + 1)}
    res = op.resonance()
    if res.omega_res is not None and math.isfinite(res.omega_res) and res.omega_res > 0:
        pts.add(float(res.omega_res))
    return sorted(pts)


def _integrate(f, pts: list[float]) -> tuple[float, float]:
    """int_0^inf f by scipy quad over [0, pts[-1]] with the breakpoints, plus the tail."""
    from scipy.integrate import quad

    a, e1 = quad(f, 0.0, pts[-1], points=pts[:-1], limit=50 * len(pts), epsabs=0.0, epsrel=RTOL)
    b, e2 = quad(f, pts[-1], math.inf, limit=200, epsabs=0.0, epsrel=RTOL)
    return a + b, e1 + e2


def mpr_nonlinearity_shift(*, point) -> tuple[float, float]:
    """(c_mpr, error): N int K2(omega, -omega) S_xi(omega) d omega/2 pi = (N/pi) int_0^inf K2 S_xi d omega, eq. (96)."""
    op = point
    m = op.model
    N = m.require_N()
    k2 = pure(k2_diagonal)

    def f(w):
        x = np.array([w])
        _, Tr, Tv = _transfers(op, x)
        K = k2(Tr[0].real, Tr[0].imag, Tv[0].real, Tv[0].imag, op.r, op.v, m.J, m.tau)
        return K * float(op.shot(x)[0])

    val, err = _integrate(f, _breakpoints(op))
    return N * val / math.pi, N * err / math.pi


def own_spike_feedback_shift(*, point) -> tuple[float, float]:
    """(c_own, error): N T_s(0) int g(eta) Delta f(eta) d eta over the firing neurons, eq. (100).

    Integrated over the firing frequency f > 0 with eta(f) = (pi tau f)^2 - I - J tau r0 (the generated
    ``eta_of_frequency``) and d eta = 2 (pi tau)^2 f df."""
    op = point
    m = op.model
    shift, eta_f, jac = pure(own_spike_frequency_shift), pure(eta_of_frequency), pure(deta_df)
    pdf = op.density.pdf

    def f(fr):
        x = np.array([2 * math.pi * fr])
        Ts, _, _ = _transfers(op, x)
        eta = eta_f(fr, op.r, m.J, m.I, m.tau)
        return float(pdf(np.array([eta]))[0]) * shift(Ts[0].real, m.J, m.tau, 1.0) * jac(fr, m.tau)

    pts = [p / (2 * math.pi) for p in _breakpoints(op)]
    val, err = _integrate(f, pts)
    L0 = _transfers(op, np.array([0.0]))[0][0].real
    return L0 * val, abs(L0) * err


def rate_shift(*, point) -> RateShift:
    """The O(1/N) mean-rate shift c/N at the operating point ``op`` (eqs. (96) + (100)).

    Parameters
    ----------
    point : OperatingPoint
        A stable fixed point of a Lorentzian single-population model with N set.

    Returns
    -------
    RateShift
        c = c_mpr + c_own, delta_r = c/N; each component in ``components``.

    Raises
    ------
    ParameterError
        Not a Lorentzian population, N missing, or the fixed point is not stable.
    """
    op = point
    m = op.model
    if m.heterogeneity != "lorentzian":
        raise ParameterError("rate shift (order 2): derived for the Lorentzian MPR model (eq. (93)); got "
                             "heterogeneity=%r" % m.heterogeneity)
    if not op.stable:
        raise ParameterError("rate shift (order 2) needs a stable fixed point; r=%.6g is a %s" % (op.r, op.stability))
    N = float(m.require_N())
    c_mpr, e1 = mpr_nonlinearity_shift(point=op)
    c_own, e2 = own_spike_feedback_shift(point=op)
    c = c_mpr + c_own
    if not (math.isfinite(c) and math.isfinite(e1 + e2)):
        raise ParameterError("rate shift: the quadrature did not converge at r=%.6g (non-finite result)" % op.r)
    return RateShift(r0=op.r, N=N, c=c, delta_r=c / N, relative=c / N / op.r,
                     components={"mpr_nonlinearity": c_mpr, "own_spike_feedback": c_own}, quad_error=e1 + e2)
