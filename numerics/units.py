"""Units and short descriptions of every quantity the package writes to a file or draws on an axis: one table.

Implements the units of ``theory/THEORY.md`` section 10 "Conventions" for the model
``tau dV/dt = V^2 + eta + I + J tau s``:

* ``V``, ``v``, ``eta``, ``eta_bar``, ``Delta``, ``I`` and ``J`` share one unit, and ``tau dV/dt = V^2`` forces it to
  be 1: they are dimensionless (:data:`DIMENSIONLESS`);
* time and ``tau`` share one unit, written :data:`TIME` = ``"tau"``: time is measured in units of the membrane time
  constant (the default ``tau = 1``; a run with another ``tau`` measures time in the unit that value is given in);
* rates ``r``, ``s``, the activity are per unit time (:data:`RATE`), ``omega`` in radians per unit time
  (:data:`ANGULAR_FREQUENCY`);
* spectra are two-sided in angular frequency (:data:`shotnoise.numerics.conventions.CONVENTION`,
  ``S(omega) = int C(t) exp(-i omega t) dt``), so the spectrum of a quantity of unit ``[x]`` has unit
  ``[x]^2 x time`` (:func:`spectrum_unit`): rates ``1/tau``, the voltage ``tau``.

Every unit is built from the time unit by :func:`power_of_time` (a unit is a power of :data:`TIME`), never retyped:
writers (``validation/tasks.py``, ``commands_spectrum.py``, ``demo.py``) look their units up in :data:`QUANTITIES`
and figures label their axes with :func:`axis_label`, so a result file and a figure never disagree.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .conventions import CONVENTION

#: the unit of time (and of tau); see the module docstring
TIME = "tau"
#: the unit of V, v, eta, eta_bar, Delta, I, J, of the Kuramoto order parameter Z and of a coherence
DIMENSIONLESS = "1"


def power_of_time(p: int) -> str:
    """The unit ``TIME**p`` as text: ``"1"``, ``"tau"``, ``"1/tau"``, ``"tau^3"``, ``"1/tau^2"``."""
    p = int(p)
    if p == 0:
        return DIMENSIONLESS
    base = TIME if abs(p) == 1 else "%s^%d" % (TIME, abs(p))
    return base if p > 0 else "1/" + base


#: rates: spikes per neuron per unit time
RATE = power_of_time(-1)
#: angular frequency: radians per unit time
ANGULAR_FREQUENCY = "rad/" + TIME

#: exponent of the time unit of each base unit (what :func:`spectrum_unit` squares)
_POWERS = {DIMENSIONLESS: 0, TIME: 1, RATE: -1}


def spectrum_unit(unit: str) -> str:
    """Unit of the two-sided angular-frequency spectrum of a quantity of unit ``unit``: ``unit^2 x time``
    (``S(omega) = int C(t) exp(-i omega t) dt``, C in ``unit^2``)."""
    if unit not in _POWERS:
        raise ValueError("spectrum_unit knows %s, got %r" % (", ".join(_POWERS), unit))
    return power_of_time(2 * _POWERS[unit] + 1)


@dataclass(frozen=True)
class Quantity:
    """A physical quantity: its unit and a short description (what an axis or a file column holds)."""

    unit: str
    description: str

    def to_dict(self) -> dict:
        """{"unit", "description"}."""
        return {"unit": self.unit, "description": self.description}


_SPEC = CONVENTION

#: every quantity the package writes or plots: name -> Quantity (unit, short description)
QUANTITIES = {
    # time axis, durations
    "time": Quantity(TIME, "time"),
    "duration": Quantity(TIME, "a duration (bin width, sampling interval)"),
    # parameters (bifurcation diagrams)
    "eta_bar": Quantity(DIMENSIONLESS, "centre of the excitabilities"),
    "Delta": Quantity(DIMENSIONLESS, "width of the excitabilities"),
    "J": Quantity(DIMENSIONLESS, "coupling"),
    "I": Quantity(DIMENSIONLESS, "external current"),
    "tau": Quantity(TIME, "membrane time constant"),
    # signals
    "rate": Quantity(RATE, "rate: spikes per neuron per unit time"),
    "rate_squared": Quantity(power_of_time(-2), "square of a rate (a rate's variance)"),
    "voltage": Quantity(DIMENSIONLESS, "mean voltage v (dimensionless, like V, eta, I, J)"),
    "excitability": Quantity(DIMENSIONLESS, "excitability eta of a neuron"),
    "order_parameter": Quantity(DIMENSIONLESS, "Kuramoto order parameter Z = <exp(i theta)> (complex)"),
    "coherence": Quantity(DIMENSIONLESS, "coherence |S_ab|^2 / (S_aa S_bb)"),
    # frequency and spectra
    "angular_frequency": Quantity(ANGULAR_FREQUENCY, "angular frequency omega"),
    "rate_spectrum": Quantity(spectrum_unit(RATE), "spectrum of a rate (%s)" % _SPEC),
    "voltage_spectrum": Quantity(spectrum_unit(DIMENSIONLESS), "spectrum of the mean voltage v (%s)" % _SPEC),
}


def unit(name: str) -> str:
    """The unit of the quantity ``name`` of :data:`QUANTITIES` (a KeyError lists the known names)."""
    try:
        return QUANTITIES[name].unit
    except KeyError:
        raise KeyError("no quantity %r in shotnoise.numerics.units.QUANTITIES (known: %s)"
                       % (name, ", ".join(QUANTITIES))) from None


def tex_unit(u: str) -> str:
    """A unit as matplotlib mathtext for an axis label: ``"1/tau"`` -> ``"1/$\\tau$"``, ``"1/tau^2"`` ->
    ``"1/$\\tau^{2}$"`` (other text unchanged)."""
    return re.sub(r"%s(\^(\d+))?" % TIME, lambda m: "$\\tau%s$" % ("^{%s}" % m.group(2) if m.group(2) else ""), u)


def axis_label(text: str, name: str, *, tex: bool = True) -> str:
    """``"text (unit)"`` with the unit of the quantity ``name`` (``"text (dimensionless)"`` for unit 1); mathtext
    ``$\\tau$`` with ``tex``."""
    u = unit(name)
    shown = "dimensionless" if u == DIMENSIONLESS else (tex_unit(u) if tex else u)
    return "%s (%s)" % (text, shown)


#: the units paragraph of every result file's conventions block
UNITS_NOTE = ("V, v, eta, eta_bar, Delta, I, J dimensionless (unit %s); time and tau in units of %s (tau = 1 "
              "unless given; with another tau, the unit that value is in); rates %s; omega %s; spectra (%s) "
              "of a quantity of unit [x] in [x]^2 x %s: rates %s, the voltage %s"
              % (DIMENSIONLESS, TIME, RATE, ANGULAR_FREQUENCY, CONVENTION, TIME, spectrum_unit(RATE),
                 spectrum_unit(DIMENSIONLESS)))
