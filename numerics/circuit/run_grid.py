"""The time grid of a binned circuit run (network and stochastic mass model): steps, transient and output bins.

A run of duration T (including the discarded transient) with step dt has round(T/dt) steps; the outputs are bin
averages over bin_steps = bin_width/dt steps (bin_width a multiple of dt, default dt), counted from the end of the
transient; a trailing partial bin is dropped.
"""
from __future__ import annotations

from typing import NamedTuple

from shotnoise.theory.errors import ParameterError

from ..parameters import nonnegative, positive


class RunGrid(NamedTuple):
    T: float
    dt: float
    transient: float
    bin_width: float
    n_steps: int
    transient_steps: int
    bin_steps: int
    n_bins: int


def run_grid(*, T, dt, transient, bin_width) -> RunGrid:
    """Validate T > transient >= 0, dt > 0 and bin_width (a positive multiple of dt, None = dt): the grid."""
    T, dt = positive("T", T), positive("dt", dt)
    transient = nonnegative("transient", transient)
    if transient >= T:
        raise ParameterError("T must be > transient, got T=%r, transient=%r" % (T, transient))
    bw = dt if bin_width is None else positive("bin_width", bin_width)
    bin_steps = int(round(bw / dt))
    if bin_steps < 1 or abs(bin_steps * dt - bw) > 1e-9 * bw:
        raise ParameterError("bin_width must be a positive multiple of dt, got %r (dt=%r)" % (bw, dt))
    n_steps = int(round(T / dt))
    transient_steps = int(round(transient / dt))
    n_bins = (n_steps - transient_steps) // bin_steps
    if n_bins < 1:
        raise ParameterError("T - transient must cover at least one bin")
    return RunGrid(T, dt, transient, bw, n_steps, transient_steps, bin_steps, n_bins)


#: the exponential-synapse schemes need dt <= tau_s * SYNAPSE_RESOLUTION (second order in dt/tau_s: the error at
#: the bound is of order (1/2)^2/24 ~ 1 %; much larger steps lose the synaptic input altogether)
SYNAPSE_RESOLUTION = 0.5


def check_synapse_resolution(*, dt: float, tau_s, names) -> None:
    """ParameterError unless dt <= tau_s/2 for every exponential synapse (tau_s > 0), naming the population."""
    for name, ts in zip(names, tau_s):
        if ts > 0 and dt > SYNAPSE_RESOLUTION * ts:
            raise ParameterError("dt=%g must be <= tau_s/2 = %g to resolve the exponential synapse of population %s "
                                 "(populations.%s.tau_s=%g); use a smaller dt, or tau_s = 0 for delta synapses"
                                 % (dt, SYNAPSE_RESOLUTION * ts, name, name, ts))
