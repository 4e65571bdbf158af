"""Spectra to second order: the O(1/N^2) spectral correction and the O(1/N) rate shift at one operating point.

``OperatingPoint.spectra(omega, order=2)`` attaches a :class:`SecondOrder` to the linear spectra:

* ``activity``, ``rate``, ``voltage``: the O(1/N^2) correction to add to the linear S_s, S_r, S_v, from the MPR
  nonlinearity driven by the shot noise (``numerics.second_order_spectrum``: Gaussian |K2|^2 mixing, K1* K3,
  the shot noise's bispectrum, and the O(1/N) mean shift feeding back), per component;
* ``rate_shift``: the O(1/N) shift of the mean rate of the network, mass-model term plus own-spike feedback
  (``numerics.rate_shift``, theory/THEORY.md eqs. (96), (100)).

Not included (same order 1/N^2 in the spectra, network only, not derived): the modulation of each neuron's shot
noise by the fluctuating input, and the spectral effect of the own-spike part of the rate shift.
Lorentzian populations with delta synapses.  Two-sided spectra, angular frequency, time in units of tau.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from shotnoise.theory.errors import ParameterError

from .parameters import finite_array

#: the spectral components reported by name (activity column), in the order of numerics.second_order_spectrum
COMPONENTS = ("gaussian_k2", "k1_k3_mean_shift", "k1_k3_mixing", "bispectrum", "shot_mean_shift")


@dataclass
class SecondOrder:
    """Second-order corrections at one operating point.

    omega; activity, rate, voltage: O(1/N^2) corrections to the linear spectra (add them); components:
    {name: activity correction}; rate_shift: the network's O(1/N) mean-rate shift (rate units) with
    rate_shift_components {name: shift}; error_bound: estimated absolute error of ``activity`` per omega
    (None without ``error_estimate``); warnings: where the expansion in 1/N is not reliable (|correction| above
    half the linear spectrum at or above 0.4 omega_peak, or linear + correction < 0).
    """

    omega: np.ndarray
    activity: np.ndarray
    rate: np.ndarray
    voltage: np.ndarray
    components: dict
    rate_shift: float
    rate_shift_components: dict
    error_bound: np.ndarray | None
    warnings: list = field(default_factory=list)

    def to_dict(self) -> dict:
        """The ``second_order`` key of ``spectrum --order 2 --json``: activity, rate_shift, components (activity
        correction per component), plus rate, voltage, rate_shift_components and error_bound."""
        return {"activity": self.activity.tolist(), "rate_shift": self.rate_shift,
                "components": {k: v.tolist() for k, v in self.components.items()},
                "rate": self.rate.tolist(), "voltage": self.voltage.tolist(),
                "rate_shift_components": dict(self.rate_shift_components),
                "error_bound": None if self.error_bound is None else self.error_bound.tolist(),
                "warnings": list(self.warnings)}


def second_order(*, point, omega, linear=None, error_estimate: bool = True) -> SecondOrder:
    """The second-order corrections at the operating point ``point`` on the grid ``omega`` (see the module);
    ``error_estimate``: also the error bound of the correction (a second evaluation with 1.6x the nodes);
    ``linear``: the linear activity spectrum on ``omega`` (for the reliability warnings).

    Raises
    ------
    ParameterError
        Not a Lorentzian population, no N, or an unstable fixed point.
    """
    from .rate_shift import rate_shift
    from .second_order_spectrum import second_order_spectrum

    op = point
    w = finite_array("omega", omega)
    if op.model.heterogeneity != "lorentzian":
        raise ParameterError("order=2: the second-order theory is derived for the Lorentzian MPR model; got "
                             "heterogeneity=%r" % op.model.heterogeneity)
    rs = rate_shift(point=op)
    s2 = second_order_spectrum(point=op, omega=w, rate_shift=rs.delta_r, error_estimate=bool(error_estimate))  # the trains fire at r0 + c/N
    comps = {k: np.asarray(s2.components[k]["activity"]) for k in COMPONENTS}
    N = rs.N
    act = np.asarray(s2.activity)
    return SecondOrder(w, act, np.asarray(s2.rate), np.asarray(s2.voltage), comps, rs.delta_r,
                       {k: v / N for k, v in rs.components.items()}, s2.error_bound,
                       [] if linear is None else _reliability(op, w, np.asarray(linear, dtype=float), act))


def _reliability(op, w: np.ndarray, linear: np.ndarray, s2: np.ndarray) -> list[str]:
    """Warnings where the 1/N expansion is not to be trusted: the correction exceeds half the linear spectrum at
    or above 0.4 omega_peak (below it the linear spectrum vanishes like omega^3 and the correction dominates by
    design), or the total is negative."""
    out = []
    w_pk = op.resonance().omega_peak
    big = (np.abs(s2) > 0.5 * linear) & (np.abs(w) >= 0.4 * w_pk) if np.isfinite(w_pk) else np.zeros(w.size, bool)
    if np.any(big):
        k = int(np.argmax(np.where(big, np.abs(s2) / linear, 0)))
        out.append("the O(1/N^2) correction exceeds half the linear spectrum at %d frequencies (largest ratio %.3g "
                   "at omega=%.4g): the expansion in 1/N is not reliable there (N too small or too close to a "
                   "bifurcation)" % (int(big.sum()), abs(s2[k]) / linear[k], w[k]))
    neg = linear + s2 < 0
    if np.any(neg):
        out.append("linear + O(1/N^2) is negative at %d frequencies (first omega=%.4g): the expansion has broken down"
                   % (int(neg.sum()), w[np.argmax(neg)]))
    return out
