"""Readable reference of the circuit's stochastic mass model (``numerics.circuit.stochastic_mass``).

Plain numpy on the symbolic model's drift (``Structure.rhs(x, xi)``, ``Structure.noise_matrix()``), one step at a
time: :func:`reference_run` integrates the same schemes as the compiled loop (Euler / Heun with given noise,
Euler-Maruyama / stochastic Heun with white noise), and the compiled loop must agree with it to rounding
(tests/unit/test_circuit_stochastic_mass.py).  :func:`ito_stratonovich_drift` evaluates the Ito-Stratonovich drift
correction of the white-noise SDE, which the module docstring of ``stochastic_mass`` shows to vanish (the reason
the Heun scheme may serve the Ito equation); a test checks it is zero to rounding.
"""
from __future__ import annotations

import numpy as np


def reference_run(circuit, *, x0, xi, dt: float, scheme: str = "heun", dW=None, N=None) -> np.ndarray:
    """The readable reference of the compiled loop, on Structure.rhs (states after every step, (n + 1) x D).

    Given noise (``xi``: P x n values, each constant over its step):  Euler x + dt rhs(x, xi); Heun
    x_p = x + dt rhs(x, xi), x + (dt/2)(rhs(x, xi) + rhs(x_p, xi)).  White noise (``dW``: P x n increments, ``N``
    the sizes; ``xi`` ignored): x_p = x + dt rhs(x, 0) + B g(x) dW, x + (dt/2)(rhs(x, 0) + rhs(x_p, 0)) +
    B (g(x) + g(x_p))/2 dW with g_b = sqrt(r_b/N_b) (Euler-Maruyama: the predictor).
    """
    st = circuit.structure
    B = st.noise_matrix()
    x = np.array(x0, dtype=float)
    g = lambda y: np.sqrt(np.maximum(st.R_r @ y, 0.0) / np.asarray(N, dtype=float))
    n = (dW if dW is not None else xi).shape[1]
    out = [x.copy()]
    for k in range(n):
        if dW is not None:
            f = st.rhs(x)
            xp = x + dt * f + B @ (g(x) * dW[:, k])
            x = xp if scheme == "euler" else x + 0.5 * dt * (f + st.rhs(xp)) + B @ (0.5 * (g(x) + g(xp)) * dW[:, k])
        else:
            f = st.rhs(x, xi[:, k])
            xp = x + dt * f
            x = xp if scheme == "euler" else x + 0.5 * dt * (f + st.rhs(xp, xi[:, k]))
        out.append(x.copy())
    return np.array(out)


def ito_stratonovich_drift(circuit, x) -> np.ndarray:
    """The Ito-Stratonovich drift correction of the white-noise SDE at state x,

        c_i = (1/2) sum_b sum_k G[k, b] dG[i, b]/dx_k,    G[:, b] = B[:, b] sqrt(r_b/N_b),  r = R_r x,

    = (1/2) sum_b B[:, b] g_b g_b'(r_b) (R_r B)[b, b]: zero because R_r B = 0 (see the module docstring)."""
    st = circuit.structure
    B = st.noise_matrix()
    N = circuit.N
    r = st.R_r @ np.asarray(x, dtype=float)
    g = np.sqrt(r / N)
    dg = 0.5 / np.sqrt(r * N)  # d sqrt(r/N)/dr
    RB = st.R_r @ B
    return 0.5 * sum(B[:, b] * g[b] * dg[b] * RB[b, b] for b in range(st.P))
