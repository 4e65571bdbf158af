"""KernelSpecs of the O(1/N) mean-rate shift (theory.second_order eq. (96), theory.own_spike_feedback eq. (100)),
rendered into ``_generated/rate_shift_kernels.py`` by :mod:`shotnoise.numerics.codegen` (entry
"rate_shift_kernels.py").

The kernels are the integrands' scalar pieces of :mod:`shotnoise.numerics.rate_shift`: K2(omega, -omega) of the
MPR nonlinearity from the real and imaginary parts of the closed-loop transfers H_r = T_r, H_v = T_v, and the
frequency shift of one firing neuron from Re T_s at its firing frequency.
"""
from __future__ import annotations

import sympy as sp

from .codegen import PAR, POP, RATE, VOLT, KernelSpec

#: real and imaginary parts of H_r, H_v (the kernel is a real quadratic form in them)
HR_RE, HR_IM, HV_RE, HV_IM = sp.symbols("Hr_re Hr_im Hv_re Hv_im", real=True)


def k2_diagonal_real() -> sp.Expr:
    """K2(omega, -omega) of eq. (96) with H_r = Hr_re + i Hr_im, H_v = Hv_re + i Hv_im (real symbols)."""
    from shotnoise.theory.second_order import kernel_on_diagonal

    Hr, Hv = sp.symbols("H_r H_v")
    k = kernel_on_diagonal().subs({Hr: HR_RE + sp.I * HR_IM, Hv: HV_RE + sp.I * HV_IM})
    return sp.simplify(sp.expand_complex(k))


def rate_shift_specs() -> list[KernelSpec]:
    """The scalar kernels of the rate shift (each with a parity domain)."""
    from shotnoise.theory import own_spike_feedback as osf
    from shotnoise.theory.symbols import J, N, r, tau, v

    reim = (-3.0, 3.0)
    return [
        KernelSpec("k2_diagonal", (HR_RE, HR_IM, HV_RE, HV_IM, r, v, J, tau), (k2_diagonal_real(),),
                   "K2(omega, -omega) of eq. (96): <delta r> = int K2 S_xi d omega/2 pi, from the real and imaginary\n"
                   "parts of H_r = T_r(omega), H_v = T_v(omega) at the fixed point (r, v).",
                   domain=(reim, reim, reim, reim, RATE, VOLT, PAR[2], PAR[4])),
        KernelSpec("own_spike_frequency_shift", (osf.re_Ts, J, tau, N), (osf.frequency_shift(),),
                   "Delta f = -J Re T_s(omega_1)/(2 pi^2 tau N) of eq. (100): rate shift of one firing neuron of\n"
                   "frequency omega_1/(2 pi) from its own spikes fed back through the closed loop.",
                   domain=(reim, PAR[2], PAR[4], POP)),
    ]
