"""Second order of the MPR model driven by its shot noise: the O(1/N) mean-rate shift (theory/THEORY.md eqs. (93)-(96)).

The stochastic MPR model (eq. (51)), tau dr/dt = Delta/(pi tau) + 2 r v,
tau dv/dt = v^2 + eta_bar + I + J tau (r + xi) - (pi tau r)^2, is written
dx/dt = F(x) + B xi with x = (r, v) and B = (0, J).  Expanding
x = x0 + x1 + x2 + ... around the stable fixed point x0 (powers of xi ~ N^(-1/2)):

    dx1/dt = A x1 + B xi                         x1(omega) = H(omega) xi(omega),  H = (i omega - A)^(-1) B   (eq. (94))
    dx2/dt = A x2 + q(x1, x1),   q_k = (1/2) sum_ij d^2 F_k/dx_i dx_j x1_i x1_j                               (eq. (93))

with A the closed-loop Jacobian (eq. (23)).  F is quadratic, so the Hessian is constant
and there are no cubic terms; q_r = 2 r1 v1 / tau, q_v = (v1^2 - (pi tau r1)^2) / tau.
The stationary mean of the second order is

    <delta x> = -A^(-1) <q(x1, x1)>,   <x1_i x1_j> = int Re[H_i conj(H_j)] S_xi d omega / 2 pi     (eq. (95))

i.e. <delta r> = int K2(omega, -omega) S_xi(omega) d omega / 2 pi with
K2(omega, -omega) = -[A^(-1) (1/2) Hess : Re(H conj(H)^T)]_r   (eq. (96)), and c = N <delta r>.

What it includes: the MPR (infinite-population) nonlinearity acting on the linear fluctuations driven
by the bare shot noise S_xi of eq. (35).  What it excludes (same order 1/N): the mean of the shot
noise's own modulation by the fluctuating input, i.e. the correlation between a sampled neuron's
phase and the input it helped create (see THEORY.md section 11).  Every step is checked by
:func:`verify_second_order`; :func:`rate_shift_mpmath` evaluates eq. (95) by mpmath quadrature.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from functools import lru_cache

import sympy as sp

from .errors import ParameterError
from .linear_response import closed_loop_transfer, i_omega, susceptibilities
from .mpr_analysis import fixed_point_quartic, fixed_point_v
from .stochastic_mpr import stochastic_rhs
from .symbols import Delta, I_ext, J, eta_bar, r, tau, v, xi

STATE = (r, v)
#: first-order fluctuations (r1, v1) and their second moments
r1, v1 = sp.symbols("r1 v1", real=True)
C_rr, C_rv, C_vv = sp.symbols("C_rr C_rv C_vv", real=True)
#: constant (zero-frequency) test input and its amplitude
eps = sp.Symbol("epsilon", real=True)


@lru_cache(maxsize=None)
def drift() -> sp.Matrix:
    """F(x) = the MPR vector field (dr/dt, dv/dt) at xi = 0 (closed loop, s = r)."""
    return sp.Matrix([e.subs(xi, 0) for e in stochastic_rhs()])


@lru_cache(maxsize=None)
def noise_vector() -> sp.Matrix:
    """B = d(dr/dt, dv/dt)/d xi = (0, J)."""
    return sp.Matrix(stochastic_rhs()).jacobian([xi])


@lru_cache(maxsize=None)
def closed_loop_jacobian() -> sp.Matrix:
    """A = dF/dx (eq. (23))."""
    return drift().jacobian(STATE)


@lru_cache(maxsize=None)
def hessians() -> tuple[sp.Matrix, sp.Matrix]:
    """(Hess F_r, Hess F_v): second derivatives of the drift with respect to (r, v)."""
    return tuple(sp.hessian(Fk, STATE) for Fk in drift())


@lru_cache(maxsize=None)
def quadratic_terms() -> sp.Matrix:
    """q(x1, x1) = (1/2) x1^T Hess F_k x1 for k = r, v, with x1 = (r1, v1) (eq. (93))."""
    x1 = sp.Matrix([r1, v1])
    return sp.Matrix([sp.expand((x1.T * Hk * x1)[0, 0] / 2) for Hk in hessians()])


@lru_cache(maxsize=None)
def mean_quadratic_terms() -> sp.Matrix:
    """<q> with <x1_i x1_j> replaced by the second moments C_rr, C_rv, C_vv."""
    moment = {(2, 0): C_rr, (1, 1): C_rv, (0, 2): C_vv}
    out = []
    for e in quadratic_terms():
        poly = sp.Poly(e, r1, v1)
        assert all(sum(m) == 2 for m in poly.monoms()), "q must be a quadratic form in (r1, v1)"
        out.append(sp.expand(sum(cf * moment[m] for m, cf in zip(poly.monoms(), poly.coeffs()))))
    return sp.Matrix(out)


@lru_cache(maxsize=None)
def mean_shift() -> sp.Matrix:
    """<delta x> = -A^(-1) <q> (eq. (95)) in terms of C_rr, C_rv, C_vv (the fixed point x0 = (r, v) symbolic)."""
    return sp.simplify(-closed_loop_jacobian().LUsolve(mean_quadratic_terms()))


@lru_cache(maxsize=None)
def transfer() -> sp.Matrix:
    """H = (i omega - A)^(-1) B: response of (r1, v1) to xi (eq. (94)), a rational function of iomega."""
    H = (i_omega * sp.eye(2) - closed_loop_jacobian()).LUsolve(noise_vector())
    return H.applyfunc(lambda h: sp.factor(sp.cancel(h)))


@lru_cache(maxsize=None)
def kernel_on_diagonal() -> sp.Expr:
    """K2(omega, -omega) of eq. (96) as an expression in Hr, Hv (complex values of H at omega) and x0.

    <delta r> = int K2(omega, -omega) S_xi(omega) d omega / 2 pi; K2 is real by construction
    (the second moments use Re[H_i conj(H_j)], the even part of the integrand)."""
    Hr, Hv = sp.symbols("H_r H_v")
    rep = {C_rr: sp.re(Hr * sp.conjugate(Hr)), C_vv: sp.re(Hv * sp.conjugate(Hv)),
           C_rv: sp.re(Hr * sp.conjugate(Hv))}
    return mean_shift()[0].xreplace(rep)


def fixed_point_second_derivative() -> sp.Expr:
    """d^2 r0/d eps^2 for a constant input xi = eps (I -> I + J tau eps), by implicit differentiation of the
    fixed-point quartic (eq. (22)); independent of the Jacobian/Hessian route.
    Expression in r, Delta, J, I, tau, eta_bar."""
    P = fixed_point_quartic().as_expr().subs(I_ext, I_ext + J * tau * eps)
    d1 = -sp.diff(P, eps) / sp.diff(P, r)
    d2 = -(sp.diff(P, r, 2) * d1**2 + 2 * sp.diff(P, r, eps) * d1 + sp.diff(P, eps, 2)) / sp.diff(P, r)
    return d2.subs(eps, 0)


def verify_second_order(*, points: int = 3) -> dict[str, bool]:
    """Identity checks of eqs. (93)-(96).

    1. q equals the eps^2 coefficient of the Taylor expansion of F(x0 + eps x1) (direct series);
    2. the third derivatives of F vanish (no cubic terms: the expansion of the drift is exact at order 2);
    3. xi enters linearly and additively (d^2 F/d xi dx = 0), so no xi x1 terms;
    4. H equals the closed-loop transfer functions T_r, T_v of eq. (46);
    5. H(-omega) = conj H(omega) for real omega, so Re[H_i conj H_j] is even and the imaginary part of
       <x1_i x1_j> integrates to zero (symmetry of the second moments);
    6. constant input: for xi = eps constant, S_xi = 2 pi <eps^2> delta(omega), eq. (95) gives
       <delta r> = (1/2) d^2 r0/d eps^2 <eps^2>; checked exactly against implicit differentiation of the
       quartic at ``points`` rational fixed points (eta_bar chosen so that r0 is the fixed point).
    """
    out = {}
    F = drift()
    e = sp.Symbol("e")
    taylor = [sp.expand(sp.series(Fk.subs({r: r + e * r1, v: v + e * v1}, simultaneous=True), e, 0, 3)
                        .removeO().coeff(e, 2)) for Fk in F]
    out["hessian_is_taylor"] = all(sp.simplify(t - q) == 0 for t, q in zip(taylor, quadratic_terms()))
    out["no_cubic_terms"] = all(sp.diff(Fk, *d) == 0 for Fk in F
                                for d in ((r, r, r), (r, r, v), (r, v, v), (v, v, v)))
    full = sp.Matrix(stochastic_rhs())
    out["noise_additive"] = all(sp.diff(fk, xi, x) == 0 for fk in full for x in (r, v, xi))
    G, Gv = susceptibilities()
    T = closed_loop_transfer(G, Gv)
    H = transfer()
    out["transfer_is_closed_loop"] = (sp.simplify(H[0] - T["T_r"]) == 0 and sp.simplify(H[1] - T["T_v"]) == 0)
    w = sp.Symbol("w", real=True)
    Hw = H.subs(i_omega, sp.I * w)
    out["transfer_hermitian"] = all(sp.simplify(Hk.subs(w, -w) - sp.conjugate(Hk)) == 0 for Hk in Hw)
    # 6. constant input against the implicit second derivative of the quartic
    d2 = fixed_point_second_derivative()
    H0 = H.subs(i_omega, 0)
    shift = mean_shift()[0].subs({C_rr: H0[0] ** 2, C_rv: H0[0] * H0[1], C_vv: H0[1] ** 2})
    ok = True
    samples = [(sp.Rational(3, 10), sp.Rational(1, 2), -1, 1), (sp.Rational(1, 4), sp.Rational(1, 5), -4, 1),
               (sp.Rational(7, 10), sp.Rational(3, 20), 2, sp.Rational(3, 2))][:points]
    for r0, D, Jv, tv in samples:
        sub = {r: r0, Delta: D, J: Jv, tau: tv, I_ext: 0}
        v0 = fixed_point_v().subs(sub)
        # eta_bar such that r0 is a fixed point: dv/dt = 0
        eb = sp.solve(F[1].subs(sub).subs(v, v0), eta_bar)[0]
        sub_all = {**sub, v: v0, eta_bar: eb}
        lhs = sp.nsimplify(shift.subs(sub_all))
        rhs = d2.subs(sub_all) / 2
        ok = ok and sp.simplify(lhs - rhs) == 0
    out["constant_input_matches_fixed_point"] = ok
    return out


# ---------------------------------------------------------------- evaluation


@dataclass(frozen=True)
class RateShift:
    """O(1/N) mean shift of the MPR state driven by its own shot noise (eq. (95)).

    r0, v0: the fixed point; delta_r, delta_v: <delta r>, <delta v> at this N (rate per unit time,
    voltage in the units of eta); c: N <delta r>; relative: <delta r>/r0; quad_error: mpmath's error
    estimate of the delta_r integral.  Only the MPR-nonlinearity term (see module docstring).
    """

    r0: float
    v0: float
    N: float
    delta_r: float
    delta_v: float
    c: float
    relative: float
    quad_error: float

    def to_dict(self) -> dict:
        """Plain dict of the fields."""
        return asdict(self)


@lru_cache(maxsize=None)
def _lambdified():
    x0 = (r, v, eta_bar, Delta, J, I_ext, tau)
    H = transfer()
    Hr, Hv = sp.symbols("H_r H_v")
    ms = mean_shift()
    sec = {C_rr: sp.re(Hr * sp.conjugate(Hr)), C_vv: sp.re(Hv * sp.conjugate(Hv)),
           C_rv: sp.re(Hr * sp.conjugate(Hv))}
    return (sp.lambdify((i_omega,) + x0, list(H), modules="mpmath"),
            sp.lambdify((Hr, Hv) + x0, [ms[0].xreplace(sec), ms[1].xreplace(sec)], modules="mpmath"),
            sp.lambdify(x0, list(closed_loop_jacobian().eigenvals().keys()), modules="mpmath"))


@lru_cache(maxsize=None)
def _quartic_coefficients():
    return sp.lambdify((eta_bar, Delta, J, I_ext, tau), fixed_point_quartic().all_coeffs(), modules="mpmath")


def _stable_fixed_points(eta_bar, Delta, J, I, tau):
    import mpmath

    coeffs = _quartic_coefficients()(eta_bar, Delta, J, I, tau)
    roots = mpmath.polyroots(coeffs, maxsteps=200, extraprec=60)
    out = []
    _, _, eig = _lambdified()
    for x in roots:
        if abs(mpmath.im(x)) < mpmath.mpf(10) ** (-mpmath.mp.dps // 2) and mpmath.re(x) > 0:
            r0 = mpmath.re(x)
            v0 = -Delta / (2 * mpmath.pi * tau * r0)
            if all(mpmath.re(lam) < 0 for lam in eig(r0, v0, eta_bar, Delta, J, I, tau)):
                out.append((r0, v0))
    return out



def rate_shift_mpmath(*, eta_bar: float, Delta: float, J: float, I: float = 0.0, tau: float = 1.0,
                      N: float, r0: float | None = None, dps: int = 15, harmonics: int = 40) -> RateShift:
    """<delta r> = int K2(omega, -omega) S_xi(omega) d omega / 2 pi  (theory/THEORY.md eqs. (95)-(96)).

    Two-sided spectra, angular frequency, time in units of tau.  S_xi is the Lorentzian closed form eq. (35)
    (``shot_noise.closed_form_mpmath``) at eta_t = eta_bar + I + J tau r0; the integral is
    (1/pi) int_0^inf by mpmath tanh-sinh quadrature split at multiples of half the shot-noise peak
    (eq. (40)) up to ``harmonics`` / 2 peaks, and at the resonance (eq. (48)).

    Parameters
    ----------
    eta_bar, Delta, J, I, tau : model parameters (Delta > 0, tau > 0).
    N : population size (> 0); the result scales as 1/N.
    r0 : the fixed-point rate; required only if there are several stable fixed points.
    dps : mpmath working precision (>= 10).
    harmonics : number of half-peak intervals before the tail (>= 2).

    Returns
    -------
    RateShift with delta_r, delta_v, c = N delta_r.
    """
    import mpmath

    from .shot_noise import closed_form_mpmath

    if not Delta > 0:
        raise ParameterError(f"Delta must be > 0, got {Delta}")
    if not tau > 0:
        raise ParameterError(f"tau must be > 0, got {tau}")
    if not N > 0:
        raise ParameterError(f"N must be > 0, got {N}")
    if int(dps) < 10:
        raise ParameterError(f"dps must be >= 10, got {dps}")
    if int(harmonics) < 2:
        raise ParameterError(f"harmonics must be >= 2, got {harmonics}")
    Hf, ms, eig = _lambdified()
    with mpmath.workdps(int(dps)):
        p = [mpmath.mpf(x) for x in (eta_bar, Delta, J, I, tau)]
        if r0 is None:
            fps = _stable_fixed_points(*p)
            if len(fps) != 1:
                raise ParameterError(f"r0: {len(fps)} stable fixed points for these parameters; pass r0 (> 0) "
                                     "of a stable one")
            rr, vv = fps[0]
        else:
            if not r0 > 0:
                raise ParameterError(f"r0 must be > 0, got {r0}")
            rr = mpmath.mpf(r0)
            vv = -p[1] / (2 * mpmath.pi * p[4] * rr)
            terms = [cf * rr ** (4 - k) for k, cf in enumerate(_quartic_coefficients()(*p))]
            if abs(mpmath.fsum(terms)) > 1e-9 * mpmath.fsum(abs(t) for t in terms):
                raise ParameterError(f"r0 = {r0} is not a fixed point (root of the quartic, eq. (22)) to 1e-9 "
                                     "relative accuracy")
            if not all(mpmath.re(lam) < 0 for lam in eig(rr, vv, *p)):
                raise ParameterError(f"r0 = {r0} is not a stable fixed point (need all eigenvalues with Re < 0)")
        x0 = (rr, vv, *p)
        eta_t = p[0] + p[3] + p[2] * p[4] * rr

        def integrand(w, k):
            Hr, Hv = Hf(1j * w, *x0)
            return ms(Hr, Hv, *x0)[k] * closed_form_mpmath(w, eta_t, p[1], p[4], mpmath.mpf(N), dps=int(dps) + 15)

        w_peak = 2 * mpmath.sqrt(eta_t) / p[4] if eta_t > 0 else mpmath.mpf(1) / p[4]
        w_res2 = 4 * mpmath.pi**2 * rr**2 - 2 * p[2] * rr / p[4]
        pts = sorted({mpmath.mpf(0), *(w_peak * k / 2 for k in range(1, int(harmonics) + 1)),
                      *([mpmath.sqrt(w_res2)] if w_res2 > 0 else [])})
        dr, err = mpmath.quad(lambda w: integrand(w, 0), pts + [mpmath.inf], error=True)
        dv = mpmath.quad(lambda w: integrand(w, 1), pts + [mpmath.inf])
        dr, dv, err = dr / mpmath.pi, dv / mpmath.pi, err / mpmath.pi
        return RateShift(r0=float(rr), v0=float(vv), N=float(N), delta_r=float(dr), delta_v=float(dv),
                         c=float(N * dr), relative=float(dr / rr), quad_error=float(err))
