"""The network-specific O(1/N) rate shift: each neuron's phase is correlated with the input it helped create
(theory/THEORY.md eqs. (97)-(100)).

The mass model driven by an independent shot noise (theory/second_order.py, eq. (96)) misses one term of the
same order 1/N that only a network has.  Neuron j's own spikes, minus its mean rate, enter the population
activity with weight 1/N and come back to it through the closed loop T_s = 1/(1 - J G), while its phase
response curve weighs the input by where it is in its cycle.  Written in the phase psi of a firing neuron
(V = a tan(psi/2), a = sqrt(eta + I + J tau r0), spike at psi = pi):

    dpsi/dt = 2a/tau + u(t) Z(psi),   Z(psi) = (1 + cos psi)/a,   u = J delta s            (eq. (97))

(u is the input added to dV/dt).  Its rate is f = <dpsi/dt>/(2 pi), so the shift relative to the quenched
rate (mean input J r0 including the neuron's own share) is <Z(psi) u>/(2 pi).  The spike train is
s = f sum_k exp(i k (psi - pi)) (eq. (98)); with u_self(omega) = (J/N) T_s(omega) (s_j - f)(omega) and a
uniform phase, <Z(psi(t)) (s_j(t - l) - f)> = -(f/a) cos(omega_1 l) (eq. (99)), so

    Delta f_j = -J Re T_s(omega_1)/(2 pi^2 tau N),   omega_1 = 2 a/tau,                     (eq. (100))

and the population mean shifts by T_s(0) int_{a^2 > 0} g(eta) Delta f(eta) d eta (static closed loop).  The
direct part of T_s (the neuron's own kick, 1 of 1/(1 - J G)) is the missing self-share of the mean input:
it arrives at psi = pi, where Z = 0, so the neuron fires as if its mean input were J (r0 - f_j/N).

Every step is checked by :func:`verify_own_spike_feedback`; :func:`own_spike_shift_mpmath` evaluates the
Lorentzian population integral by mpmath quadrature (reference for the numerics).
"""
from __future__ import annotations

from functools import lru_cache

import sympy as sp

from .errors import ParameterError
from . import symbols as S
from .symbols import J, N, tau

psi = sp.Symbol("psi", real=True)
#: sqrt of the effective drive (> 0: a firing neuron), the input u(t) added to dV/dt, the lag l >= 0
a = sp.Symbol("a", positive=True)
u = sp.Symbol("u", real=True)
lag = sp.Symbol("l", nonnegative=True)
#: Re T_s(omega_1): real part of the closed-loop activity transfer at the neuron's firing frequency
re_Ts = sp.Symbol("ReT_s", real=True)


@lru_cache(maxsize=None)
def phase_velocity() -> sp.Expr:
    """dpsi/dt of a firing QIF neuron in the phase psi, V = a tan(psi/2), with input u added to dV/dt (eq. (97)):
    from tau dV/dt = V^2 + a^2 + tau u and dV/dt = (a/2) sec^2(psi/2) dpsi/dt."""
    psidot = sp.Symbol("psidot")
    V = a * sp.tan(psi / 2)
    sol = sp.solve(sp.Eq(tau * sp.diff(V, psi) * psidot, V**2 + a**2 + tau * u), psidot)
    assert len(sol) == 1
    return sp.simplify(sp.expand_trig(sp.simplify(sol[0])))


@lru_cache(maxsize=None)
def phase_response() -> sp.Expr:
    """Z(psi) = d(dpsi/dt)/du = (1 + cos psi)/a: the phase response curve; zero at the spike psi = pi."""
    return sp.simplify(sp.diff(phase_velocity(), u))


def firing_rate() -> sp.Expr:
    """f = omega_1/(2 pi) = a/(pi tau), omega_1 = 2 a/tau (the unperturbed phase velocity)."""
    return phase_velocity().subs(u, 0) / (2 * sp.pi)


def spike_train(K: int = 3) -> sp.Expr:
    """s(psi) = f sum_{|k| <= K} exp(i k (psi - pi)): the harmonic representation of a spike at psi = pi
    (eq. (98)), truncated at K; the full sum is f times the 2 pi-periodic delta comb at psi = pi."""
    k = sp.Symbol("k", integer=True)
    return firing_rate() * sp.Sum(sp.exp(sp.I * k * (psi - sp.pi)), (k, -K, K)).doit()


@lru_cache(maxsize=None)
def phase_average(K: int = 3) -> sp.Expr:
    """<Z(psi(t)) (s(t - l) - f)> over a uniform phase psi(t), with psi(t - l) = psi(t) - omega_1 l (eq. (99)).

    Only the harmonics k = +-1 of the spike train survive (Z has harmonics 0, +-1); the k = 0 term cancels
    the mean f.  Computed with the train truncated at K >= 2 (the result does not depend on K)."""
    w1 = 2 * a / tau
    s_lagged = spike_train(K).subs(psi, psi - w1 * lag)
    integrand = sp.expand(sp.expand(phase_response() * (s_lagged - firing_rate())).rewrite(sp.exp))
    # a Laurent polynomial in z = exp(i psi): the uniform average over psi is its z^0 coefficient
    z = sp.Symbol("z")
    laurent = sp.expand(sp.powsimp(sp.expand(integrand.subs(sp.exp(sp.I * psi), z)), combine="exp"))
    assert psi not in laurent.free_symbols, laurent
    avg = sp.Poly(sp.expand(laurent * z ** (K + 2)), z).coeff_monomial(z ** (K + 2))
    return sp.simplify(sp.expand_complex(sp.simplify(avg)).rewrite(sp.cos))


@lru_cache(maxsize=None)
def frequency_shift() -> sp.Expr:
    """Delta f = (J/N) int_0^inf l_s(t) <Z (s(t' - t) - f)> dt / (2 pi) with the closed-loop kernel l_s of T_s
    (the activity's response to 1/N of one neuron's train): int l_s(t) cos(omega_1 t) dt = Re T_s(omega_1).
    Result -J Re T_s(omega_1)/(2 pi^2 tau N) (eq. (100)), a function of Re T_s alone."""
    avg = phase_average()
    w1 = 2 * a / tau
    coeff = sp.simplify(avg / sp.cos(w1 * lag))  # <...> = coeff * cos(omega_1 l)
    assert coeff.free_symbols <= {tau}, coeff
    return sp.simplify(J / N * coeff * re_Ts / (2 * sp.pi))


def verify_own_spike_feedback() -> dict[str, bool]:
    """Identity checks of eqs. (97)-(100).

    1. phase velocity: V(psi(t)) with psi' of eq. (97) satisfies tau dV/dt = V^2 + a^2 + tau u (exact);
    2. the unperturbed phase advances at 2a/tau and f = a/(pi tau) = sqrt(eta_t)/(pi tau) (eq. (28));
    3. Z(pi) = 0: a kick at the spike (the neuron's own, direct) does not move the phase;
    4. the phase average (99) is independent of the truncation K (K = 2, 3, 5) and equals -(f/a) cos(omega_1 l);
    5. the time average of Z over a cycle is 1/a, so a constant input u0 shifts the rate by u0/(2 pi a) =
       df/d(eta) u0 (the static susceptibility of one neuron, d sqrt(e)/(pi tau) / de times tau u0);
    6. Delta f = -J Re T_s/(2 pi^2 tau N) exactly.
    """
    out = {}
    V = a * sp.tan(psi / 2)
    lhs = tau * sp.diff(V, psi) * phase_velocity()
    out["phase_velocity"] = sp.simplify(sp.expand_trig(lhs - (V**2 + a**2 + tau * u))) == 0
    f = firing_rate()
    e = sp.Symbol("e", positive=True)
    out["unperturbed_rate"] = (sp.simplify(phase_velocity().subs(u, 0) - 2 * a / tau) == 0
                               and sp.simplify(f.subs(a, sp.sqrt(e)) - sp.sqrt(e) / (sp.pi * tau)) == 0)
    out["no_response_at_spike"] = sp.simplify(phase_response().subs(psi, sp.pi)) == 0
    ref = -(f / a) * sp.cos(2 * a / tau * lag)
    out["phase_average"] = all(sp.simplify(phase_average(K) - ref) == 0 for K in (2, 3, 5))
    mean_Z = sp.integrate(phase_response(), (psi, -sp.pi, sp.pi)) / (2 * sp.pi)
    u0 = sp.Symbol("u0", real=True)
    static = sp.diff(sp.sqrt(e) / (sp.pi * tau), e) * tau * u0
    out["static_limit"] = sp.simplify((mean_Z * u0 / (2 * sp.pi)).subs(a, sp.sqrt(e)) - static) == 0
    out["frequency_shift"] = sp.simplify(frequency_shift() + J * re_Ts / (2 * sp.pi**2 * tau * N)) == 0
    return out


def own_spike_shift_mpmath(*, eta_bar: float, Delta: float, J: float, I: float = 0.0, tau: float = 1.0,
                           N: float, r0: float, dps: int = 15) -> tuple[float, float]:
    """(c_own, quad_error): N times the population rate shift of eq. (100) for the Lorentzian at the fixed
    point r0 (c_own / N is added to the mass model's eq. (96)).

    c_own = T_s(0) int_{eta_t(eta) > 0} g(eta) [-J Re T_s(omega_1(eta))/(2 pi^2 tau)] d eta, omega_1 = 2 sqrt(eta +
    I + J tau r0)/tau, with T_s = 1/(1 - J G) from the MPR susceptibility G (eq. (45)); integrated over
    omega_1 in (0, inf) by mpmath tanh-sinh quadrature (d eta = tau^2 omega_1/2 d omega_1).

    Parameters
    ----------
    eta_bar, Delta, J, I, tau : model parameters (Delta > 0, tau > 0).
    N : population size (> 0).
    r0 : a fixed-point rate (> 0) of these parameters; the caller takes it from ``Model.fixed_points``.
    dps : mpmath working precision (>= 10).
    """
    import mpmath

    from .linear_response import closed_loop_transfer, i_omega, susceptibilities
    from .mpr_analysis import fixed_point_v

    for name, val in (("Delta", Delta), ("tau", tau), ("N", N), ("r0", r0)):
        if not val > 0:
            raise ParameterError(f"{name} must be > 0, got {val}")
    if int(dps) < 10:
        raise ParameterError(f"dps must be >= 10, got {dps}")
    G, Gv = susceptibilities()
    Ts = closed_loop_transfer(G, Gv)["T_s"]
    par = {S.r: r0, S.Delta: Delta, S.tau: tau, S.J: J, S.eta_bar: eta_bar, S.I_ext: I}
    par[S.v] = fixed_point_v().subs(par)
    Ts_f = sp.lambdify((i_omega,), Ts.subs(par), modules="mpmath")
    shift = sp.lambdify((re_Ts,), frequency_shift().subs(par).subs(S.N, 1), modules="mpmath")  # N Delta f
    with mpmath.workdps(int(dps)):
        shift_ = lambda w: shift(mpmath.re(Ts_f(1j * w)))
        g = lambda x: mpmath.mpf(Delta) / mpmath.pi / ((x - eta_bar) ** 2 + mpmath.mpf(Delta) ** 2)
        drive0 = mpmath.mpf(I) + mpmath.mpf(J) * tau * r0

        def integrand(w):
            eta = (tau * w / 2) ** 2 - drive0
            return g(eta) * shift_(w) * tau**2 * w / 2

        w_c = 2 * mpmath.sqrt(max(eta_bar + drive0, mpmath.mpf(Delta))) / tau
        val, err = mpmath.quad(integrand, [0, w_c / 2, w_c, 2 * w_c, mpmath.inf], error=True)
        L0 = mpmath.re(Ts_f(0))
        return float(L0 * val), float(abs(L0) * err)
