"""KernelSpecs of the network's order-parameter spectra (theory.order_parameter_noise, theory/THEORY.md section 12,
eqs. (101)-(108)), rendered into ``_generated/order_parameter_kernels.py`` by :mod:`shotnoise.numerics.codegen`
(entry "order_parameter_kernels.py").

The kernels are the scalar pieces of :mod:`shotnoise.numerics.order_parameter_spectra`: the n-th line weights of
the harmonic sums S_Zf, S_Zf,xi (Fourier coefficient c_n, Lorentzian g at the drive root a_n), their bounds and
tail bound (the truncation rule), the equal-time (Parseval) integrand, one neuron's coefficients c_n, b_n and q,
the coefficients (alpha, beta, gamma) of every observable and the split of S_xy = u_x M conj(u_y) into free,
collective and interference parts.
"""
from __future__ import annotations

import sympy as sp

from .codegen import CPLX, PAR, KernelSpec

A_DOM = (1e-3, 10.0)        # drive root a = sqrt(e) of a firing neuron
N_DOM = (1, 60)             # harmonic index
W_DOM = (1e-2, 200.0)       # omega tau


def _bounds_domain(rng, n):
    """(w_tau, n, log_q, sup_g) with log_q <= 0 (a bound of log|q|)."""
    return [(rng.uniform(*W_DOM), int(rng.integers(1, 61)), -rng.uniform(0.0, 3.0), rng.uniform(0.05, 10.0))
            for _ in range(n)]


def _tail_domain(rng, n):
    """(w_tau, K, sup_g) with K >= 2 (the tail starts after the first harmonic)."""
    return [(rng.uniform(*W_DOM), int(rng.integers(2, 2001)), rng.uniform(0.05, 10.0)) for _ in range(n)]


def order_parameter_specs() -> list[KernelSpec]:
    """The scalar kernels of the order-parameter spectra (each with a parity domain)."""
    from shotnoise.theory import order_parameter_noise as th
    from shotnoise.theory.symbols import Delta, eta_bar, tau

    g = th.harmonic_density()
    b_auto, b_cross = th.line_weight_bounds()
    co = th.observable_coefficients()
    co_out = tuple(sp.sympify(c) for k in th.OBSERVABLES for c in co[k])
    co_args = th.observable_coefficient_arguments()
    co_dom = ((0.01 - 3j, 3 + 3j),) + (CPLX,) * 6 + (PAR[2], PAR[4])  # W0 (Re W0 = pi tau r0 > 0), G..T_m, J, tau
    parts_args = th.spectral_part_arguments()
    shift_dom = (-10.0, 10.0)
    return [
        KernelSpec("op_line_coefficient", (th.a, th.n), (th.harmonic_coefficient(),),
                   "c_n = (1 - q^2)(-q)^(n-1), q = (1 - a)/(1 + a): n-th Fourier coefficient of exp(i theta) of a\n"
                   "firing neuron with drive root a.", domain=(A_DOM, N_DOM), inline=True),
        KernelSpec("op_line_density", (th.a, th.shift, eta_bar, Delta), (g,),
                   "g(a^2 - shift) (Lorentzian; shift = I + J tau r0): the density at the drive root a.",
                   domain=(A_DOM, shift_dom) + PAR[:2], inline=True),
        KernelSpec("op_line_weights", (th.a, th.n, th.c_n, th.g_n),
                   (th.free_line_weight(th.g_n, th.c_n), th.cross_line_weight(th.g_n, th.c_n)),
                   "(2 pi g c_n^2 a/n, 2 g c_n (-1)^n a^2/n): n-th terms of (N/tau) S_Zf and N S_Zf,xi at the drive\n"
                   "root a = a_n = omega tau/(2n), from c_n (op_line_coefficient) and g = g(eta_n) (op_line_density).",
                   domain=(A_DOM, N_DOM, (-1.0, 1.0), (0.0, 10.0)), inline=True),
        KernelSpec("op_log_q_bound", (th.a,), (th.log_q_bound(),),
                   "-2/(a + 1) >= log|q| for a >= 1 (q = (1 - a)/(1 + a)).", domain=((1.0, 100.0),), inline=True),
        KernelSpec("op_line_weight_bounds", (th.w_tau, th.n, th.log_q, th.sup_g), (b_auto, b_cross),
                   "Bounds (4 pi sup_g w^3 Q^(2n-2)/n^4, sup_g w^3 Q^(n-1)/n^4), Q = exp(log_q) >= |q_n|, of the n-th\n"
                   "line weights (op_line_weights) at w = omega tau.", domain=_bounds_domain, inline=True),
        KernelSpec("op_tail_decay", (th.w_tau, th.K), (th.tail_decay(),),
                   "d = exp(-w (K - 1)/K) >= |q_n|^(n-1) for n >= K once a_K = w/(2K) < 1 (w = omega tau).",
                   domain=lambda rng, n: [(x[0], x[1]) for x in _tail_domain(rng, n)], inline=True),
        KernelSpec("op_line_tail_bound", (th.w_tau, th.K, th.sup_g, th.d_tail), (th.line_tail_bound(th.d_tail),),
                   "Bound of both sums' remainder from n = K on (a_K < 1): (4 pi d^2 + d) sup_g w^3/(3 (K - 1)^3),\n"
                   "d = op_tail_decay(w, K).",
                   domain=lambda rng, n: [x + (rng.uniform(0.0, 1.0),) for x in _tail_domain(rng, n)], inline=True),
        KernelSpec("op_equal_time_integrand", (th.a, th.shift, eta_bar, Delta), (th.equal_time_integrand(),),
                   "g(a^2 - shift) (1 - q^2) 2a: N var(Z_f) = int_0^inf of it da (Parseval).",
                   domain=(A_DOM, shift_dom) + PAR[:2]),
        KernelSpec("op_neuron_coefficients", (th.a, th.n, tau),
                   (th.q_of_a(), th.harmonic_coefficient(), th.spike_train_coefficient(th.n), th.line_frequency()),
                   "(q, c_n, b_n, Omega_n) of one firing neuron with drive root a: exp(i theta) = sum c_n z^n, spikes\n"
                   "sum b_n z^n, z = exp(i psi); the n-th line at Omega_n = 2 n a/tau.",
                   domain=(A_DOM, N_DOM, PAR[4]), inline=True),
        KernelSpec("op_observable_coefficients", co_args, co_out,
                   "(alpha, beta, gamma) of Z, Re Z, Im Z, r_Z - r0, v_Z - v0 (15 values, in that order):\n"
                   "y(omega) = alpha Z_f + beta Zbar_f + gamma xi, from W0 = pi tau r0 + i v0 and G, G_v, T at\n"
                   "omega (and at -omega: G_m, G_v_m, T_m).", complex_valued=True, domain=co_dom, cse=True,
                   inline=True),
        KernelSpec("op_spectral_parts", parts_args, th.spectral_parts(),
                   "(free, collective, interference) of S_xy = u_x M conj(u_y)^T, u = (alpha, beta, gamma), M the\n"
                   "spectral matrix of (Z_f, Zbar_f, xi) from S_Zf(+-w), S_Zf,xi(+-w), S_xi(w).",
                   complex_valued=True, domain=(CPLX,) * len(parts_args), inline=True),
    ]
