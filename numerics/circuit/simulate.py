"""The finite network of a circuit: draws the populations and runs the P-population engine (numerics.circuit.network).

Excitabilities per population come from the population's own density (quantiles or seeded random draws, as
``Model.excitabilities``); the initial state is the stationary asynchronous state at the circuit's fixed-point
rates (``Circuit.fixed_points``: the network solves for nothing itself).  Beyond a Hopf point the fixed point
is unstable: the network still starts there and its oscillation grows out of the shot noise.
"""
from __future__ import annotations

import numpy as np

from shotnoise.theory.errors import ParameterError

from ..parameters import integer_at_least

DRAWS = ("quantile", "random")


def excitabilities(circuit, *, draw: str = "quantile", seed: int = 0) -> list[np.ndarray]:
    """eta_j of every population (N_a values each): deterministic quantiles or i.i.d. draws (seeded, one stream
    per population)."""
    from ..model import Model

    if draw not in DRAWS:
        raise ParameterError("draw must be one of %s, got %r" % (", ".join(DRAWS), draw))
    seed = integer_at_least("seed", seed, 0)
    out = []
    for a, p in enumerate(circuit.populations):
        N = p.require_N()
        if N != int(N):
            raise ParameterError("populations.%s.N must be an integer for a network, got %r" % (p.name, N))
        m = Model(eta_bar=p.eta_bar, Delta=p.Delta, J=0.0, I=p.I, tau=p.tau, N=N, heterogeneity=p.heterogeneity,
                  poles=p.poles)
        out.append(m.excitabilities(draw=draw, seed=np.random.default_rng([seed, 1, a])))
    return out


def simulate_circuit_network(circuit, *, T: float, dt: float, transient: float = 0.0, bin_width: float | None = None,
                             draw: str = "quantile", seed: int = 0, index: int | None = None,
                             threads: int | None = None, order_parameter_interval: float | None = None,
                             keep_series: bool = True, segment: float | None = None, progress: bool = False):
    """Simulate the circuit's N_1 + ... + N_P QIF neurons (numerics.circuit.network.simulate_populations).

    Parameters (keyword-only)
    -------------------------
    T, dt : float
        Duration (including the transient) and step, in units of time (tau).
    transient : float
        Initial time discarded from all observables.
    bin_width : float
        Output bin width, a multiple of dt (default dt).
    draw : str
        'quantile' (deterministic) or 'random' (seeded) excitabilities.
    seed : int
        Seeds the draws, the initial phases and nothing else.
    index : int or None
        Which fixed point to start from (see ``Circuit.operating_point``); None: the unique one.
    threads, order_parameter_interval, keep_series, segment, progress
        As in ``simulate_populations``.
    """
    from ..parameters import positive
    from .network import simulate_populations
    from .run_grid import check_synapse_resolution

    check_synapse_resolution(dt=positive("dt", dt), tau_s=circuit.tau_s, names=circuit.names)
    op = circuit.operating_point(index=index, require_stable=False)
    etas = excitabilities(circuit, draw=draw, seed=seed)
    res = simulate_populations(etas, J=np.array(circuit.J), tau=circuit.tau, tau_s=circuit.tau_s, I=circuit.I,
                               r_init=np.array(op.r), T=T, dt=dt, transient=transient, bin_width=bin_width,
                               seed=seed, threads=threads, order_parameter_interval=order_parameter_interval,
                               keep_series=keep_series, segment=segment, progress=progress)
    res.names = circuit.names
    return res
