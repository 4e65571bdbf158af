"""Linear response of a QIF population with ANY excitability density g (theory/THEORY.md sec. 5, 8).

Every neuron class eta carries the Lorentzian-ansatz mode tau dw/dt = i(eta + I + J tau s - w^2)
(:func:`lorentzian_ansatz.complex_ansatz_equation`); the mean field is pi tau r + i v = int g w d eta.
With the shift q = I + J tau r0 the fixed point is w0 = a = sqrt(eta + q) > 0 (firing) or
w0 = -i b, b = sqrt(-(eta + q)) > 0 (silent, the stable rest state V = -b).  Linearising with the
input u = J tau ds (Laplace variable s, Re s > 0; exp(-i omega t) convention so s = i omega):

    d(Re w)/u = 2a / (tau^2 s^2 + 4 a^2)   (firing),   0               (silent)
    d(Im w)/u = tau s / (tau^2 s^2 + 4 a^2)   (firing),   1/(tau s + 2 b)  (silent)

Hence, with h(a) = a g(a^2 - q) (g d eta = 2 h da) and the pole a* = -i tau s / 2 (Im a* < 0),

    G(s)   = (1/pi) int h(a) a / ((a - a*)(a + a*)) da                          (dr = J G ds)
    G_v(s) = tau [ i int h(a) a* / ((a - a*)(a + a*)) da
                   + int_silent g(-b^2 - q) 2 b / (tau s + 2 b) db ]              (dv = J G_v ds)

and on the axis (a* -> a0 - i0, a0 = omega tau / 2, Sokhotski-Plemelj):

    G(omega)   = (1/pi) PV int h a/((a - a0)(a + a0)) da - (i/2) h(a0)
    G_v(omega) = tau [ i PV int h a0/((a - a0)(a + a0)) da + (pi/2) h(a0) + silent part ],

the -i pi term being the "resonant neurons" (firing at omega).  The mean voltage is
v0 = Im int g w0 d eta = -int_silent g sqrt(-(eta + q)) d eta = -int g(-b^2 - q) 2 b^2 db, the rate
r0 = (1/(pi tau)) int g sqrt(max(eta + q, 0)) d eta = (1/(pi tau)) int 2 a h(a) da, and the closed loop
is stable iff D(s) = 1 - J G(s) has no zero in Re s > 0.  G continues analytically into Re s < 0
(where a* crosses the support) as G_int(s) - i h(a*) with h continued analytically.
For the Lorentzian all of this reproduces the MPR closed forms (:func:`verify_lorentzian`).
"""
from __future__ import annotations

from functools import lru_cache

import mpmath
import sympy as sp

from .lorentzian_ansatz import complex_ansatz_equation, x, y
from .symbols import J, s, tau

a = sp.Symbol("a", positive=True)          # sqrt(eta + q) of a firing neuron
b = sp.Symbol("b", positive=True)          # sqrt(-(eta + q)) of a silent neuron
q = sp.Symbol("q", real=True)              # shift I + J tau r0
u = sp.Symbol("u")                         # input J tau ds (Laplace amplitude)
lap = sp.Symbol("s_L")                     # Laplace variable s (Re s > 0)
a_star = sp.Symbol("a_star")               # pole a* = -i tau s / 2
a0 = sp.Symbol("a0", positive=True)        # omega tau / 2 on the axis
h0 = sp.Symbol("h0", real=True)            # h(a0)


W = sp.Symbol("w")


@lru_cache(maxsize=None)
def mode_response() -> sp.Expr:
    """dw/u (Laplace) of one mode around w0: tau s dw = -2 i w0 dw + i u  =>  i/(tau s + 2 i w0)."""
    w0, dw = sp.symbols("w0 dw")
    rhs = complex_ansatz_equation().subs(y, (W - x) / sp.I)  # i(eta + I + J tau s - w^2) with w = x + i y -> W
    lin = sp.diff(rhs, W).subs(W, w0) * dw + sp.diff(rhs, s) * u / (J * tau)  # u = J tau ds
    return sp.simplify(sp.solve(sp.Eq(tau * lap * dw, lin), dw)[0] / u)


def re_im_response(w0: sp.Expr) -> tuple[sp.Expr, sp.Expr]:
    """(d Re w / u, d Im w / u) for a real input: conj(dw)(s) = conj(dw(conj s))."""
    f = mode_response().subs(sp.Symbol("w0"), w0)
    fc = sp.conjugate(f.subs(lap, sp.conjugate(lap)))
    return sp.simplify((f + fc) / 2), sp.simplify((f - fc) / (2 * sp.I))


def firing_response() -> tuple[sp.Expr, sp.Expr]:
    """Firing neuron (w0 = a): (2a/(tau^2 s^2 + 4a^2), tau s/(tau^2 s^2 + 4a^2))."""
    re_, im_ = re_im_response(a)
    return sp.factor(re_), sp.factor(im_)


def silent_response() -> tuple[sp.Expr, sp.Expr]:
    """Silent neuron (w0 = -i b): (0, 1/(tau s + 2 b))."""
    re_, im_ = re_im_response(-sp.I * b)
    return sp.simplify(re_), sp.simplify(im_)


def pole() -> sp.Expr:
    """a* = -i tau s / 2: the firing response has 4a/(tau^2 s^2 + 4 a^2) = a/((a - a*)(a + a*))."""
    return -sp.I * tau * lap / 2


def rate_weight() -> sp.Expr:
    """phi(a)/h(a) = a/(a + a*): G = (1/pi) int phi/(a - a*) da (the singular factor split off)."""
    return a / (a + a_star)


def voltage_weight() -> sp.Expr:
    """psi(a)/h(a) = a*/(a + a*): firing G_v = i tau int psi/(a - a*) da.  phi + psi = h."""
    return a_star / (a + a_star)


def silent_voltage_integrand() -> sp.Expr:
    """2 b/(tau s + 2 b): G_v (silent) = tau int g(-b^2 - q) 2b/(tau s + 2b) db (d eta = 2 b db)."""
    return 2 * b / (sp.Symbol("s_tau") + 2 * b)


def rate_integrand() -> sp.Expr:
    """r0 = int h(a) * [2 a/(pi tau)] da  (g d eta = 2 h da, f = a/(pi tau))."""
    return 2 * a / (sp.pi * tau)


def mean_voltage_integrand() -> sp.Expr:
    """v0 = int g(-b^2 - q) * [-2 b^2] db  (Im w0 = -b, d eta = 2 b db)."""
    return -2 * b**2


def resonant_terms() -> tuple[sp.Expr, sp.Expr]:
    """Axis terms of the resonant neurons (a = a0): (-i h0/2 in G, tau pi h0/2 in G_v)."""
    return -sp.I * h0 / 2, tau * sp.pi * h0 / 2


def characteristic() -> sp.Expr:
    """D(s) = 1 - J G(s): closed-loop characteristic function (ds = xi / D)."""
    return 1 - J * sp.Symbol("G")


def zero_count() -> sp.Expr:
    """Z = [arg D(i 0) - arg D(i oo)] / pi: the zeros of D in Re s > 0 (argument principle on the imaginary axis,
    closed by the large half-circle where D -> 1; G is analytic in Re s > 0 and D(-i omega) = conj D(i omega)
    doubles the half-axis change).  arg is continued along omega from 0 to oo."""
    arg0, arg_inf = sp.symbols("arg_0 arg_oo", real=True)
    return (arg0 - arg_inf) / sp.pi


def verify_zero_count() -> bool:
    """The count on rational test functions with known zeros (mpmath, argument continued on a fine grid)."""
    import mpmath

    cases = [((1, 2), ()), ((complex(0.5, 2), complex(0.5, -2)), ()), ((), (-1, -2)),
             ((complex(0.3, 1), complex(0.3, -1), 2.0), (complex(-0.2, 1), complex(-0.2, -1)))]
    count = sp.lambdify(sp.symbols("arg_0 arg_oo", real=True), zero_count(), "mpmath")
    for right, left in cases:  # D(s) = prod (s - z_right) / (s + 1)^k  * prod (s - z_left) / (s + 1)^m
        zs = list(right) + list(left)
        D = lambda s: mpmath.fprod([(s - z) / (s + 1) for z in zs])
        ws = [mpmath.mpf(10) ** (k / 200.0) for k in range(-1200, 1601)]
        args = [mpmath.arg(D(mpmath.mpc(0, 0)))]
        prev = args[0]
        for w in ws:
            a = mpmath.arg(D(mpmath.mpc(0, w)))
            a += 2 * mpmath.pi * mpmath.nint((prev - a) / (2 * mpmath.pi))
            args.append(a)
            prev = a
        if int(mpmath.nint(count(args[0], args[-1]))) != len(right):
            return False
    return True


def verify_integrands() -> dict[str, bool]:
    """Symbolic identities: the response forms, the pole split of G and G_v, phi + psi = h, and the
    Sokhotski term (1/pi)(-i pi) phi(a0) = -i h(a0)/2."""
    fr, fv = firing_response()
    sr, sv = silent_response()
    ast = pole()
    den = tau**2 * lap**2 + 4 * a**2
    # g d eta = 2 h da with h = a g: G integrand h * 2 * (2a/den),  G_v/tau integrand h * 2 * (tau s/den)
    rate_form = sp.simplify(2 * 2 * a / den - (rate_weight() / (a - a_star)).subs(a_star, ast))
    volt_form = sp.simplify(2 * tau * lap / den - (sp.I * voltage_weight() / (a - a_star)).subs(a_star, ast))
    res = sp.simplify(-sp.I * (h0 * rate_weight()).subs({a: a0, a_star: a0}) - resonant_terms()[0])
    res_v = sp.simplify(tau * sp.I * (-sp.I * sp.pi) * (h0 * voltage_weight()).subs({a: a0, a_star: a0})
                        - resonant_terms()[1])
    return {"firing_re": sp.simplify(fr - 2 * a / den) == 0,
            "firing_im": sp.simplify(fv - tau * lap / den) == 0,
            "silent_re": sr == 0, "silent_im": sp.simplify(sv - 1 / (tau * lap + 2 * b)) == 0,
            "rate_pole_form": rate_form == 0, "voltage_pole_form": volt_form == 0,
            "phi_plus_psi": sp.simplify(rate_weight() + voltage_weight() - 1) == 0,
            "resonant_rate": res == 0, "resonant_voltage": res_v == 0}


def verify_lorentzian(eta_bar=1.0, Delta=0.3, J_=-2.0, I_=0.1, tau_=1.7, s_=0.4 + 1.3j, dps=30) -> dict:
    """mpmath check that the general integrals give the MPR closed forms for the Lorentzian:
    r0 (pi tau r0 = Re sqrt(eta_bar + I + J tau r0 + i Delta)), v0 = -Delta/(2 pi tau r0),
    G = 2 tau r0/((tau s - 2 v0)^2 + 4 pi^2 tau^2 r0^2), G_v = tau (tau s - 2 v0)/(same).  Returns errors."""
    with mpmath.workdps(dps):
        e, D, Jm, Im_, t, S = (mpmath.mpf(eta_bar), mpmath.mpf(Delta), mpmath.mpf(J_), mpmath.mpf(I_),
                               mpmath.mpf(tau_), mpmath.mpc(s_))
        g = lambda et: D / mpmath.pi / ((et - e) ** 2 + D**2)
        r0 = mpmath.findroot(lambda r: mpmath.pi * t * r - mpmath.re(mpmath.sqrt(e + Im_ + Jm * t * r + 1j * D)), 0.3)
        qq = Im_ + Jm * t * r0
        v0_mpr = -D / (2 * mpmath.pi * t * r0)
        cut = [-mpmath.inf, -qq - 10, -qq, e - 3 * D, e, e + 3 * D, mpmath.inf]
        cut = sorted(set(cut), key=lambda z: float(z))
        fire = [c for c in cut if c >= -qq or c == mpmath.inf]
        sil = [c for c in cut if c <= -qq or c == -mpmath.inf]
        r_int = mpmath.quad(lambda et: g(et) * mpmath.sqrt(et + qq), fire) / (mpmath.pi * t)
        v_int = -mpmath.quad(lambda et: g(et) * mpmath.sqrt(-(et + qq)), sil)
        G_int = mpmath.quad(lambda et: g(et) * 2 * mpmath.sqrt(et + qq) / (t**2 * S**2 + 4 * (et + qq)), fire) / mpmath.pi
        Gv_int = t * (mpmath.quad(lambda et: g(et) * t * S / (t**2 * S**2 + 4 * (et + qq)), fire)
                      + mpmath.quad(lambda et: g(et) / (t * S + 2 * mpmath.sqrt(-(et + qq))), sil))
        den = (t * S - 2 * v0_mpr) ** 2 + 4 * mpmath.pi**2 * t**2 * r0**2
        G_mpr, Gv_mpr = 2 * t * r0 / den, t * (t * S - 2 * v0_mpr) / den
        return {"r0": float(abs(r_int - r0)), "v0": float(abs(v_int - v0_mpr)),
                "G": float(abs(G_int - G_mpr) / abs(G_mpr)), "G_v": float(abs(Gv_int - Gv_mpr) / abs(Gv_mpr))}
