"""Guards of a simulation task: what is checked before a run and what is warned about after it.

Before: run length (steps, bins, Welch segment) and a memory estimate, so that bad or impossible
requests fail at once with a :class:`~shotnoise.theory.errors.ParameterError` and nothing is written.
After: warnings where the assumptions behind the comparison with the linear theory fail (dt against
the resonance, a near-marginal fixed point, a near-neutral collective mode that N neurons cannot damp, too
few neurons per Welch bin at the shot-noise peak, the low-frequency band where second-order terms dominate),
reported in the JSON ``warnings`` list.
"""
from __future__ import annotations

import math

import numpy as np

from shotnoise.numerics.model import Model
from shotnoise.theory.errors import ParameterError


def check_run(*, T: float, dt: float, transient: float, segment: float | None, bin_width: float) -> float:
    """Run-length checks shared by the simulation tasks, before any work is done; returns the segment.

    The default segment is min(50, (T - transient)/4) time units (at least 4 segments, so that
    the estimate has a confidence interval), at least 8 bins.
    """
    from shotnoise.numerics.parameters import nonnegative, positive

    T, dt = positive("T", T), positive("dt", dt)
    transient, bw = nonnegative("transient", transient), positive("bin", bin_width)
    if T <= transient:
        raise ParameterError("T must be > transient, got T=%r, transient=%r" % (T, transient))
    steps = T / dt
    if steps > MAX_STEPS:
        raise ParameterError("T/dt = %.3g steps is more than %.0e; raise dt or shorten T" % (steps, MAX_STEPS))
    if bw < dt or abs(bw / dt - round(bw / dt)) > 1e-9 * (bw / dt):
        raise ParameterError("bin must be a positive multiple of dt, got bin=%r, dt=%r" % (bw, dt))
    span = T - transient
    if segment is None:
        segment = min(50.0, span / 4)
    segment = positive("segment", segment)
    if segment > span:
        raise ParameterError("segment (%g) must not exceed T - transient (%g)" % (segment, span))
    if segment / bw < 8 - 1e-9:
        raise ParameterError("segment must be at least 8 bins (segment/bin = %g); raise --segment or lower --bin"
                             % (segment / bw))
    return segment


#: more steps than this are refused outright (hours of compute even for the mass model)
MAX_STEPS = 1e11
#: fraction of the physical memory a run may plan to use
MEMORY_FRACTION = 0.5


def physical_memory() -> float:
    """Bytes of physical memory (sysconf); inf when unknown."""
    import os

    try:
        return float(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))
    except (ValueError, OSError, AttributeError):  # pragma: no cover - non-POSIX
        return math.inf


def check_memory(needed: float, what: str) -> None:
    budget = MEMORY_FRACTION * physical_memory()
    if needed > budget:
        raise ParameterError("%s would need about %.3g GB of memory (budget %.3g GB, half the machine's)"
                             % (what, needed / 1e9, budget / 1e9))


#: more neuron-steps than this are refused (about a day at 2e9 neuron-steps per second)
MAX_NEURON_STEPS = 2e14


def check_network_memory(*, N: int, T: float, dt: float, bin_width: float, keep_series: bool) -> None:
    """Refuse a network run that cannot fit (~80 bytes per neuron, ~100 bytes per kept bin) or finish."""
    if N * T / dt > MAX_NEURON_STEPS:
        raise ParameterError("N T/dt = %.3g neuron-steps is more than %.0e (about a day of compute); lower N or T, or raise dt"
                             % (N * T / dt, MAX_NEURON_STEPS))
    per_neuron = 80.0
    bins = T / bin_width if keep_series else 0.0
    check_memory(per_neuron * N + 100.0 * bins, "a network of N=%d%s" % (N, " keeping %.3g bins" % bins
                                                                          if keep_series else ""))


def network_warnings(model: Model, *, res, spectrum: dict, dt: float, bin_width: float, segment: float) -> list:
    """Where the assumptions behind the comparison with the theory fail (list of one-line strings)."""
    out = []
    if res.max_phase_per_step > math.pi:
        out.append("fastest neuron turns %.2g times per step; spikes are exact but kicks are delayed to step ends"
                   % (res.max_phase_per_step / math.pi))
    out += theory_warnings(model, near_rate=res.mean_rate, dt=dt, spectrum=spectrum, segment=segment,
                            n_neurons=res.N)
    return out


def theory_warnings(model: Model, *, near_rate: float, dt: float, spectrum: dict | None, segment: float,
                     n_neurons: float | None) -> list:
    out = []
    try:
        op = model.nearest_stable_point(r=near_rate)
    except ParameterError:
        return ["no stable or marginal fixed point: the linear theory does not apply"]
    if n_neurons is not None:
        out += mode_warnings(op, N=n_neurons)
    res = op.resonance()
    if abs(near_rate - op.r) > 0.2 * op.r:
        out.append("the mean rate %.4g differs from the fixed point r0=%.4g by %.0f%%: the run left the operating "
                   "point (switching, divergence, saturation at one spike per step, or too large a dt)"
                   % (near_rate, op.r, 100 * abs(near_rate / op.r - 1)))
    if math.isfinite(res.Q) and res.omega_res * dt / 2 > 0.1 / res.Q:
        out.append("dt too large for the resonance: the half-step delay of the feedback shifts the loop phase by "
                   "omega_res dt/2 = %.3g, more than a tenth of 1/Q = %.3g" % (res.omega_res * dt / 2, 1 / res.Q))
    if res.damping * model.tau < 1e-2:
        out.append("near-marginal fixed point: damping %.3g (x tau) < 0.01, linear response is fragile"
                   % (res.damping * model.tau + 0.0))
    w1 = res.omega_peak
    if n_neurons is not None and math.isfinite(w1):
        from .checks import expected_lines
        dw = 2 * math.pi / segment
        lines = expected_lines(w1 - dw / 2, w1 + dw / 2, op=op, n_neurons=n_neurons, n_max=1)
        if lines < 5:
            out.append("only %.2g neurons fire within one Welch bin of the shot-noise peak (omega=%.3g): the "
                       "estimate resolves single lines of the finite sample; average over realizations (random "
                       "draws) before comparing with the theory" % (lines, w1))
    if spectrum is not None and spectrum.get("theory") is not None and math.isfinite(w1):
        om, psd, th = (np.asarray(spectrum[k]) for k in ("omega", "psd", "theory"))
        sel = (om > 0) & (om < 0.4 * w1)
        if np.any(sel) and psd[sel].mean() > 1.5 * th[sel].mean():
            out.append("below 0.4 omega_peak (omega < %.3g) the estimate is %.2gx the linear theory: second-order "
                       "(1/N^2) terms, known to be missing from the linear theory" % (0.4 * w1,
                                                                                    psd[sel].mean() / th[sel].mean()))
    return out


def collective_modes(op) -> list:
    """The oscillatory collective modes of an operating point (CollectiveMode: frequency, damping).

    A family without a finite reduced model (Gaussian, uniform) reports them in its stability report (the
    zeros of 1 - J G near the imaginary axis); for the reduced families (Lorentzian, multipole) they are the
    eigenvalues with Im > 0 (frequency Im z, damping -Re z).
    """
    from shotnoise.numerics.collective_modes import CollectiveMode

    report = getattr(op, "report", None)
    if report is not None:
        return [m for m in report.modes if m.frequency > 0]
    return [CollectiveMode(float(z.imag), float(-z.real), float(z.imag), math.nan, None, "eigenvalue")
            for z in op.eigenvalues if z.imag > 0]


def mode_warnings(op, *, N: float) -> list:
    """One line per near-neutral collective mode at which the linear spectrum is not trustworthy for N neurons.

    The policy is the library's (``numerics.collective_modes.linear_spectrum_trustworthy``): a mode is damped
    in a network of N neurons only if enough of them fire within one damping width of its frequency.
    """
    from shotnoise.numerics.collective_modes import linear_spectrum_trustworthy, resolved_neurons

    m = op.model
    g = op.density
    out = []
    for mode in collective_modes(op):
        kw = dict(r=op.r, N=N, J=m.J, I=m.I, tau=m.tau)
        if linear_spectrum_trustworthy(mode, g, **kw):
            continue
        out.append("near-neutral collective mode at omega=%.4g (damping %.3g): only %.2g of the N=%g neurons fire "
                   "within its damping width, so the linear spectrum near omega=%.4g is not trustworthy at this N"
                   % (mode.frequency, mode.damping + 0.0, resolved_neurons(mode, g, **kw) if mode.damping > 0 else 0.0,
                      N, mode.frequency))
    return out
