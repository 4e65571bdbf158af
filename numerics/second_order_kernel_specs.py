"""KernelSpecs of the O(1/N^2) spectrum (theory.second_order, theory.second_order_spectrum; theory/THEORY.md section 13,
eqs. (110)-(111), with eqs. (93)-(96)), rendered into ``_generated/second_order_kernels.py`` by
:mod:`shotnoise.numerics.codegen` (entry "second_order_kernels.py").

The kernels are the constant pieces of :mod:`shotnoise.numerics.second_order_spectrum`: the Hessians of the MPR drift
(the quadratic nonlinearity q of eq. (93)), the noise vector B = d(dr/dt, dv/dt)/d xi, and the weight of harmonic m of
the bispectrum line sum.  The closed-loop Jacobian A is the generated ``mpr_kernels.mpr_jacobian`` (the same drift;
tests/unit/test_second_order_spectrum.py checks the identity).
"""
from __future__ import annotations

from .codegen import PAR, POP, RATE, VOLT, KernelSpec

W_DOM = (1e-2, 30.0)   # omega > 0
M_DOM = (1, 400)       # line index m (numerics.second_order_spectrum.M_LINES)


def second_order_specs() -> list[KernelSpec]:
    """Hessians and noise vector of the MPR drift at (r, v), and the bispectrum line weight."""
    from shotnoise.theory import second_order as so
    from shotnoise.theory import second_order_spectrum as sos

    P = sos.PARAMS  # (r, v, eta_bar, Delta, J, I, tau)
    dom = (RATE, VOLT) + PAR
    hess = tuple(h[i, j] for h in so.hessians() for i in range(2) for j in range(2))
    return [
        KernelSpec("drift_hessians", P, hess,
                   "(Hess F_r, Hess F_v) of the MPR drift with respect to (r, v), each row-major (8 values): the\n"
                   "quadratic terms q_k(x, x) = x^T Hess F_k x/2 of eq. (93).",
                   domain=dom),
        KernelSpec("noise_vector", P, tuple(so.noise_vector()),
                   "B = d(dr/dt, dv/dt)/d xi of the MPR model driven by xi: H(omega) = (i omega - A)^(-1) B.",
                   domain=dom),
        KernelSpec("bispectrum_line_weight",
                   (sos.omega_p, sos.m_idx, sos.eta_bar, sos.Delta, sos.J, sos.I_ext, sos.tau, sos.r, sos.N),
                   (sos.bispectrum_line_term(),),
                   "(1/N^2) f_m^3 p_f(f_m)/m, f_m = omega/(2 pi m): weight of harmonic m of the bispectrum line sum\n"
                   "(Lorentzian p_f of eq. (30), omega > 0).",
                   domain=(W_DOM, M_DOM) + PAR + (RATE, POP), kind="vectorize"),
    ]
