"""Stable evaluation of c (pi z cot(pi z) - 1 + pi^2 z^2/3) for the shot spectra (theory/THEORY.md eqs. (35)-(36)).

The closed form S_xi = 2/(pi^2 tau^2 N omega) Im[c (pi z cot(pi z) - 1)] cancels
catastrophically at small |z| (the bracket is O(z^2) with a real leading term)
and overflows sin/cos of complex arguments at large |Im z|.  This hand-written
numba helper avoids both; the generated ``spectrum_kernels`` call it.  Its
series coefficients zeta(2k) come from the theory through the generated
:mod:`~shotnoise.numerics._generated.stable_cot_coefficients`.  numba does not
invalidate the cached kernels that call this helper when it changes: after editing
it, run ``shotnoise.numerics.codegen.clear_numba_cache()``.
"""
from __future__ import annotations

import math

import numba

from ._generated.stable_cot_coefficients import ZETA_EVEN


@numba.njit(cache=True)
def c_mittag_leffler(c, inv_c, z, half_omega_tau):
    """c h(z) with h(z) = pi z cot(pi z) - 1 + pi^2 z^2/3, complex, without cancellation or overflow.

    Parameters: c (any complex number off the negative real axis), inv_c = 1/c, z = omega tau/(2 sqrt c)
    and half_omega_tau = omega tau/2 (so that c z^2 = (omega tau/2)^2, real).

    |z| < 1/2: series -2 sum_k zeta(2k) (omega tau/2)^(2k) c^(1-k), k >= 2.
    Otherwise: cot from real sin/cos/sinh/cosh with a cancellation-free denominator,
    and cot = -+i once |Im(pi z)| > 20 (no overflow for any |Im z|); c pi^2 z^2/3 = pi^2 (omega tau/2)^2/3.
    """
    if abs(z) < 0.5:
        u = half_omega_tau * half_omega_tau
        uk = u * u
        ck = inv_c  # c^(1-k) for k = 2
        acc = 0j
        first = abs(uk * ck)
        for j in range(len(ZETA_EVEN)):
            acc += ZETA_EVEN[j] * uk * ck
            uk *= u
            ck *= inv_c
            if abs(uk * ck) <= 1e-20 * first:
                break
        return -2.0 * acc
    x = math.pi * z
    a = x.real
    b = x.imag
    if abs(b) > 20.0:  # exp(-2 |Im x|) < 5e-18: cot = -+i to double precision
        cot = 1j if b < 0.0 else -1j
    else:
        # cot(a + ib) = (sin a cos a - i sinh b cosh b) / (sin^2 a + sinh^2 b): real arithmetic,
        # no cancellation in the denominator (cosh 2b - cos 2a = 2 (sinh^2 b + sin^2 a))
        sa = math.sin(a)
        ca = math.cos(a)
        sh = math.sinh(b)
        ch = math.cosh(b)
        d = sa * sa + sh * sh
        cot = complex(sa * ca / d, -sh * ch / d)
    return c * (x * cot - 1.0) + (math.pi * half_omega_tau) ** 2 / 3.0


@numba.njit(cache=True)
def im_c_mittag_leffler(c, inv_c, z, half_omega_tau):
    """Im[c (pi z cot(pi z) - 1)] = Im[c h(z)] (c z^2 is real) for the Lorentzian: see :func:`c_mittag_leffler`."""
    return c_mittag_leffler(c, inv_c, z, half_omega_tau).imag
