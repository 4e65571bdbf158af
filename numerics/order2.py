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

from dataclasses import dataclass

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
    rate_shift_components {name: shift}; error_bound: estimated absolute error of ``activity`` per omega.
    """

    omega: np.ndarray
    activity: np.ndarray
    rate: np.ndarray
    voltage: np.ndarray
    components: dict
    rate_shift: float
    rate_shift_components: dict
    error_bound: np.ndarray | None

    def to_dict(self) -> dict:
        """The ``second_order`` key of ``spectrum --order 2 --json``: activity, rate_shift, components (activity
        correction per component), plus rate, voltage, rate_shift_components and error_bound."""
        return {"activity": self.activity.tolist(), "rate_shift": self.rate_shift,
                "components": {k: v.tolist() for k, v in self.components.items()},
                "rate": self.rate.tolist(), "voltage": self.voltage.tolist(),
                "rate_shift_components": dict(self.rate_shift_components),
                "error_bound": None if self.error_bound is None else self.error_bound.tolist()}


def second_order(op, omega) -> SecondOrder:
    """The second-order corrections at the operating point ``op`` on the grid ``omega`` (see the module).

    Raises
    ------
    ParameterError
        Not a Lorentzian population, no N, or an unstable fixed point.
    """
    from .rate_shift import rate_shift
    from .second_order_spectrum import second_order_spectrum

    w = finite_array("omega", omega)
    if op.model.heterogeneity != "lorentzian":
        raise ParameterError("order=2: the second-order theory is derived for the Lorentzian MPR model; got "
                             "heterogeneity=%r" % op.model.heterogeneity)
    rs = rate_shift(op)
    s2 = second_order_spectrum(point=op, omega=w)
    comps = {k: np.asarray(s2.components[k]["activity"]) for k in COMPONENTS}
    N = rs.N
    return SecondOrder(w, np.asarray(s2.activity), np.asarray(s2.rate), np.asarray(s2.voltage), comps, rs.delta_r,
                       {k: v / N for k, v in rs.components.items()}, s2.error_bound)
