"""Property-based theory-vs-network checks of circuits with exponential synapses (the circuit part of
``validation.property_checks``: same statistics, criteria and replay, through ``circuit_checks.compare_level``).

Drawn (``strategies.circuit_examples``): ING (one inhibitory Lorentzian population, exponential synapse:
eta_bar, Delta, J, tau_s) and PING (``circuit_checks.ping_circuit``, J_EI drawn) with N per population and a
seed.  Validity criteria (:func:`circuit_violation`, counted in ``property_checks.REJECTIONS``): a unique,
stable fixed point, every population firing clearly, the quasi-cycle damped (gamma >= GAMMA_MIN, Q <
CIRCUIT_Q_MAX) and the predicted rate fluctuation within ``circuit_checks.FLUCTUATION_MAX`` ('linear_validity').
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np

from shotnoise.theory.errors import ParameterError

from .property_checks import ETA_T_MIN, GAMMA_MIN, LOW_BAND_FRACTION, REALIZATIONS, SEGMENT, replay_command

#: drawn parameters of each circuit kind (keywords of circuit_checks.ing_circuit / ping_circuit) and their ranges
CIRCUIT_PARAMETERS = {"ing": {"eta_bar": (0.5, 3.0), "Delta": (0.05, 0.5), "J": (-3.0, -0.2), "tau_s": (0.2, 2.0)},
                      "ping": {"J_EI": (-1.4, -0.1)}}

#: circuit kinds the strategy can draw (``circuit_checks.ing_circuit`` / ``ping_circuit``, exponential synapses)
CIRCUIT_KINDS = ("ing", "ping")
#: circuits: network runs per example, their length, time step, bins (as ``circuit_checks``' quick checks)
CIRCUIT_T = 300.0
CIRCUIT_DT = 0.01
CIRCUIT_BIN = 0.1
#: quasi-cycle quality factor bound for circuits (their validity is set by the fluctuation level, which
#: ``circuit_checks.linear_validity_table`` calibrates; Q only keeps the runs long compared with 1/gamma)
CIRCUIT_Q_MAX = 25.0
#: circuits: clear firing rate of every population, r_a >= sqrt(ETA_T_MIN)/(pi tau) (the rate of a drive ETA_T_MIN)
CIRCUIT_R_MIN = math.sqrt(ETA_T_MIN) / math.pi


@dataclass(frozen=True)
class CircuitExample:
    """One drawn circuit: kind ('ing' | 'ping'), its drawn parameters, N per population, seed of its runs."""

    kind: str
    values: tuple  # ((name, value), ...)
    N: int
    seed: int

    def circuit(self):
        from .circuit_checks import ing_circuit, ping_circuit

        make = ing_circuit if self.kind == "ing" else ping_circuit
        return make(N=int(self.N), **dict(self.values))

    def parameters(self) -> dict:
        return {"circuit": self.kind, **dict(self.values), "seed": int(self.seed)}


def circuit_violation(ex: CircuitExample) -> str | None:
    """The first criterion a circuit example violates: 'unique_fixed_point' / 'stable' (``Circuit.operating_point``
    refuses), 'clear_rate' (a population's rate below CIRCUIT_R_MIN), 'far_from_bifurcation' (quasi-cycle damping below
    GAMMA_MIN), 'damped' (its Q >= CIRCUIT_Q_MAX) or 'linear_validity' (predicted relative rate std
    ``fluctuation_level`` > ``circuit_checks.FLUCTUATION_MAX``)."""
    from .circuit_checks import FLUCTUATION_MAX

    c = ex.circuit()
    if len(c.fixed_points()) != 1:
        return "unique_fixed_point"
    try:
        op = c.operating_point()
    except ParameterError:
        return "stable"
    if float(np.min(op.r)) < CIRCUIT_R_MIN:
        return "clear_rate"
    qc = op.quasi_cycle()
    if qc.damping is not None and qc.damping < GAMMA_MIN:
        return "far_from_bifurcation"
    if qc.Q is not None and qc.Q >= CIRCUIT_Q_MAX:
        return "damped"
    if float(np.max(op.fluctuation_level())) > FLUCTUATION_MAX:
        return "linear_validity"
    return None


def check_circuit_example(ex: CircuitExample, *, alpha: float, theory_scale: float = 1.0,
                          realizations: int = REALIZATIONS, T: float = CIRCUIT_T) -> dict:
    """``circuit_checks.compare_level`` on one drawn circuit (auto-spectra, Re/Im cross-spectra and rates, t over runs,
    Bonferroni inside) at level ``alpha``, with the bands below LOW_BAND_FRACTION x the lowest shot-noise peak
    2 pi r_a excluded (``low_band_second_order``).  Same dict layout as :func:`check_example`."""
    from .circuit_checks import compare_level, quasi_cycle_edges

    t0 = time.perf_counter()
    c = ex.circuit()
    op = c.operating_point()
    e = quasi_cycle_edges(op, segment=SEGMENT, bin_width=CIRCUIT_BIN)
    cut = LOW_BAND_FRACTION * 2 * math.pi * float(np.min(op.r))
    k = int(np.searchsorted(e, cut))  # first edge >= cut
    excluded = [{"omega_low": float(a), "omega_high": float(b), "criterion": "low_band_second_order"}
                for a, b in zip(e[:k], e[1:k + 1])] if k > 0 else []
    edges = e[k:] if len(e) - k >= 3 else e[-3:]
    lv = compare_level(c, T=T, dt=CIRCUIT_DT, bin_width=CIRCUIT_BIN, segment=SEGMENT, realizations=realizations,
                       seed=int(ex.seed), alpha=alpha, edges=edges, theory_scale=theory_scale)
    w = lv["worst"]
    i = int(np.searchsorted(edges, w["omega"]) - 1)
    worst = {"quantity": w["quantity"], "omega_low": float(edges[i]), "omega_high": float(edges[i + 1]),
             "measured": w["measured"], "theory": w["theory"], "ratio": w["measured"] / w["theory"]
             if w["theory"] else math.nan, "se": w["se"], "t": w["t"], "critical_t": w["critical_t"],
             "rel_error": w["rel_error"]}
    rates = lv["rates"]
    qc = op.quasi_cycle()
    return {"parameters": ex.parameters(), "N": int(ex.N), "passed": bool(lv["passed"]), "worst_band": worst,
            "family": "circuit-" + ex.kind, "bands_passed": bool(lv["bands_passed"]),
            "rate": {"measured": rates["network"], "se": rates["se"], "theory": rates["theory"], "t": rates["t"],
                     "critical_t": rates["critical_t"], "passed": rates["passed"]},
            "alpha": alpha, "tests": lv["n_tests"], "theory_scale": theory_scale, "realizations": realizations,
            "T": T, "dt": CIRCUIT_DT, "bin_width": CIRCUIT_BIN, "segment": SEGMENT,
            "operating_point": {"r": [float(x) for x in op.r], "quasi_cycle": qc.to_dict(),
                                "fluctuation_level": lv["fluctuation_level"]},
            "validity_violation": circuit_violation(ex), "bands": [], "excluded_bands": excluded,
            "replay": replay_command(ex, alpha_per_example=alpha, theory_scale=theory_scale),
            "seconds": time.perf_counter() - t0}


def parse_circuit_replay(text: str) -> "CircuitExample":
    """The CircuitExample of a --replay spec 'circuit=ing|ping,<parameters>,N=..,seed=..'."""
    head, _, rest = text.partition(",")
    kind = head.split("=", 1)[1]
    if kind not in CIRCUIT_KINDS:
        raise ParameterError("--replay: circuit must be one of %s, got %r" % (", ".join(CIRCUIT_KINDS), kind))
    vals = {}
    for part in rest.split(","):
        k, sep, v = part.partition("=")
        if not sep or k not in (*CIRCUIT_PARAMETERS[kind], "N", "seed"):
            raise ParameterError("--replay: unknown or malformed %r for circuit %s" % (part, kind))
        try:
            vals[k] = int(v) if k in ("N", "seed") else float(v)
        except ValueError:
            raise ParameterError("--replay: %s must be a number, got %r" % (k, v)) from None
    if set(vals) != {*CIRCUIT_PARAMETERS[kind], "N", "seed"}:
        raise ParameterError("--replay: circuit %s needs %s, N and seed" % (kind, ", ".join(CIRCUIT_PARAMETERS[kind])))
    return CircuitExample(kind, tuple((k, vals[k]) for k in CIRCUIT_PARAMETERS[kind]), vals["N"], vals["seed"])
