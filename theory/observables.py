"""Kuramoto order parameter and the conformal map Z <-> W (theory/THEORY.md eqs. (18)-(20)).

With theta = 2 atan V a QIF neuron is a theta-neuron and

    exp(i theta) = (1 + i V) / (1 - i V) = ((1 - V^2) + 2 i V) / (1 + V^2)

(finite for every V; -> -1 as |V| -> inf).  For a Lorentzian density of V with
half-width x and centre y, W = x + i y (= pi tau r + i v for the MPR population),
the mean of exp(i theta) is

    Z = conj((1 - W) / (1 + W)),   inverted by   W = (1 - conj Z) / (1 + conj Z),

so r = Re W / (pi tau) and v = Im W can be read off the order parameter without
binning spikes.  :func:`verify_observables` checks the identities symbolically.
"""
from __future__ import annotations

from functools import lru_cache

import sympy as sp

V = sp.Symbol("V", real=True)
#: order parameter Z and complex MPR variable W = pi tau r + i v (complex symbols)
Z = sp.Symbol("Z")
W = sp.Symbol("W")
x = sp.Symbol("x", positive=True)
y = sp.Symbol("y", real=True)


def phase_factor() -> sp.Expr:
    """exp(i theta) with theta = 2 atan V, as the rational function (1 + i V)/(1 - i V)."""
    return (1 + sp.I * V) / (1 - sp.I * V)


def phase_factor_parts() -> tuple[sp.Expr, sp.Expr]:
    """(Re, Im) of exp(i theta): ((1 - V^2)/(1 + V^2), 2 V/(1 + V^2))."""
    return (1 - V**2) / (1 + V**2), 2 * V / (1 + V**2)


def order_parameter_of_w(w: sp.Expr = W) -> sp.Expr:
    """Z = conj((1 - W)/(1 + W)): the mean of exp(i theta) over a Lorentzian with W = x + i y."""
    return sp.conjugate((1 - w) / (1 + w))


def w_of_order_parameter(z: sp.Expr = Z) -> sp.Expr:
    """W = (1 - conj Z)/(1 + conj Z) = pi tau r + i v (inverse of :func:`order_parameter_of_w`)."""
    return (1 - sp.conjugate(z)) / (1 + sp.conjugate(z))


def rate_voltage_of_order_parameter(z: sp.Expr = Z) -> tuple[sp.Expr, sp.Expr]:
    """(r, v) = (Re W / (pi tau), Im W) with W from :func:`w_of_order_parameter`."""
    from .symbols import tau
    w = w_of_order_parameter(z)  # kept unexpanded: one complex division in the kernel
    return sp.re(w, evaluate=False) / (sp.pi * tau), sp.im(w, evaluate=False)


def lorentzian_mean_of_phase_factor() -> sp.Expr:
    """int rho(V) exp(i theta) dV for rho = (1/pi) x/((V - y)^2 + x^2), by residues.

    (1 + i V)/(1 - i V) has its only pole at V = -i and tends to -1 at infinity, so
    closing in the upper half plane picks the pole of rho at y + i x alone; the
    constant -1 at infinity contributes nothing because rho integrates to 1 and
    the difference f + 1 = 2/(1 - i V) decays like 1/V (Jordan's lemma with rho ~ 1/V^2).
    """
    rho = x / (sp.pi * ((V - y) ** 2 + x**2))
    return sp.simplify(2 * sp.pi * sp.I * sp.residue(rho * phase_factor(), V, y + sp.I * x))


@lru_cache(maxsize=None)
def verify_observables() -> dict[str, bool]:
    """The identities of this module, checked symbolically."""
    out = {}
    out["phase_factor_is_exp_2i_atan"] = sp.simplify(
        sp.exp(2 * sp.I * sp.atan(V)).rewrite(sp.log) - phase_factor()) == 0
    re, im = phase_factor_parts()
    re_s, im_s = sp.expand_complex(phase_factor()).as_real_imag()
    out["phase_factor_parts"] = sp.simplify(re - re_s) == 0 and sp.simplify(im - im_s) == 0
    out["phase_factor_unimodular"] = sp.simplify(re**2 + im**2 - 1) == 0
    wr = x + sp.I * y
    out["lorentzian_mean"] = sp.simplify(lorentzian_mean_of_phase_factor()
                                         - order_parameter_of_w(wr)) == 0
    a, b = sp.symbols("a b", real=True)
    zz = a + sp.I * b
    out["map_inverts"] = sp.simplify(order_parameter_of_w(w_of_order_parameter(zz)) - zz) == 0
    out["map_inverts_back"] = sp.simplify(w_of_order_parameter(order_parameter_of_w(wr)) - wr) == 0
    return out
