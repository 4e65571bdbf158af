"""The O(1/N) shift of the mean rates of a circuit's stochastic mass model: the second-order system-size expansion.

The stochastic mass model (``numerics.circuit.stochastic_mass``) is dx = f(x) dt + B xi dt with shot noises xi_b of
intensity r_b/N_b.  Around the fixed point x* (f(x*) = 0) write x = x* + dx and expand the drift to second order:

    d(dx)/dt = A dx + (1/2) f''(x*)[dx, dx] + B xi + O(dx^3),      A = df/dx (x*)   (CircuitOperatingPoint.jacobian).

The noise has zero mean (and Ito = Stratonovich here: no drift correction), so the stationary mean obeys

    0 = A <dx> + q,    q_i = (1/2) sum_jk d^2 f_i/dx_j dx_k C_jk,    C = <dx dx^T>,

and to leading order C is the stationary covariance of the linearised model d(dx) = A dx dt + B xi dt, which is
O(1/N) (:func:`state_covariance`: a Lyapunov equation for white noise, the integral of H S_xi H^H for the shot
noise).  Hence <dx> = -A^{-1} q = O(1/N) and the mean rates are r* + R_r <dx> up to O(1/N^2)
(:func:`predicted_mean_rates`): the fixed point is the first-order (mean-field) mean, the shift is what a long run
resolves (tests/integration/test_circuit_stochastic_mass_vs_theory.py).
"""
from __future__ import annotations

import numpy as np

from shotnoise.theory.errors import ParameterError

from .._generated.multipole_kernels import mode_rhs
from .stochastic_mass import NOISE_KINDS


def state_covariance(op, *, noise: str = "colored", omega_max: float = 2e4, points: int = 40000,
                     quadrature: bool = False) -> np.ndarray:
    """Stationary covariance C = <dx dx^T> of the linearised mass model around the stable fixed point ``op``, to
    leading order in 1/N (D x D).

    white: the Lyapunov equation A C + C A^T + B diag(r*/N) B^T = 0 (the intensities at the fixed point);
    colored (and surrogate, whose noise has the same spectrum to this order): C = int H diag(S_xi) H^H d omega/2 pi
    (two-sided) with H = (i omega - A)^-1 B (CircuitOperatingPoint.state_transfer), by the trapezoidal rule on
    [0, omega_max] plus the tail of H ~ B/(i omega), S_xi -> r/N beyond it (closed form B diag(r/N) B^T/(pi omega_max)).
    ``quadrature``: white noise by the same quadrature (S_xi = r/N), which must reproduce the Lyapunov solution
    (tested: the check of the quadrature).
    """
    from scipy import integrate
    from scipy.linalg import solve_continuous_lyapunov

    if noise not in NOISE_KINDS:
        raise ParameterError("noise must be one of %s, got %r" % (", ".join(NOISE_KINDS), noise))
    op._require_stable()
    A, B = op.jacobian(), op.noise_matrix()
    Q = B @ np.diag(op.r / op.circuit.N) @ B.T
    if noise == "white" and not quadrature:
        return solve_continuous_lyapunov(A, -Q)
    # linear grid over the eigenvalues and shot-noise peaks (~ 2 pi r), geometric beyond
    lin_end = 50.0 * max(max(abs(z) for z in op.eigenvalues), 2 * np.pi * float(np.max(op.r)))
    w = np.concatenate([np.linspace(0.0, lin_end, points // 2)[:-1], np.geomspace(lin_end, omega_max, points // 2)])
    H = op.state_transfer(w)
    S = np.broadcast_to((op.r / op.circuit.N)[:, None], (op.r.size, w.size)) if noise == "white" else op.shot(w)
    integrand = np.einsum("wdb,bw,web->wde", H, S, H.conj()).real
    return 2 * integrate.trapezoid(integrand, w, axis=0) / (2 * np.pi) + Q / (np.pi * omega_max)


def predicted_mean_rates(op, *, noise: str = "colored") -> np.ndarray:
    """Mean rates of the stochastic mass model to order 1/N: r* + R_r <dx>, <dx> = -A^{-1} q (module docstring).

    The drift is quadratic in each mode and linear elsewhere, so q has one entry per mode: q_m = (1/2) f_m''(w_m)
    <dw_m^2> with <dw^2> = C_uu - C_yy + 2 i C_uy (w = u + i y), the second derivative read off the generated
    ``mode_rhs`` (exact central difference of a quadratic).  The noise has zero mean and its intensity enters C
    only, so no other term is of order 1/N."""
    st = op.circuit.structure
    C = state_covariance(op, noise=noise)
    w = st.modes(op.x)
    q = np.zeros(st.dim)
    for m in range(st.n_modes):
        a = st.mode_pop[m]
        args = (complex(st.poles[m]), float(op.h[a]), 1.0, float(st.I[a]), float(st.tau[a]))
        f2 = mode_rhs(w[m] + 1.0, *args) + mode_rhs(w[m] - 1.0, *args) - 2.0 * mode_rhs(w[m], *args)
        z = 0.5 * f2 * complex(C[2 * m, 2 * m] - C[2 * m + 1, 2 * m + 1], 2.0 * C[2 * m, 2 * m + 1])
        q[2 * m], q[2 * m + 1] = z.real, z.imag
    return op.r + st.R_r @ -np.linalg.solve(op.jacobian(), q)
