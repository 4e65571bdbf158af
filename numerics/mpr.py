"""MPR neural mass model: RHS, Jacobian, fixed points and deterministic integration.

Thin validating wrappers around the generated kernels of
:mod:`shotnoise.numerics._generated.mpr_kernels` (theory/THEORY.md eq. (17); fixed points eqs. (21)-(24)):

    tau dr/dt = Delta/(pi tau) + 2 r v
    tau dv/dt = v^2 + eta_bar + I + J tau r - (pi tau r)^2
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numba
import numpy as np

from ._generated.mpr_kernels import fixed_point_quartic, fixed_point_v, mpr_jacobian, mpr_rhs
from shotnoise.theory.errors import ParameterError

from ._jit import pure
from .parameters import MPRParameters, finite, integer_at_least, positive

# One-off scalar evaluations use the pure-Python originals of the generated
# kernels (same source, no JIT/cache load), keeping CLI start-up short; the
# compiled versions are used inside loops.
_rhs_py = pure(mpr_rhs)
_jac_py = pure(mpr_jacobian)
_quartic_py = pure(fixed_point_quartic)
_v0_py = pure(fixed_point_v)

def _check_parameters(p) -> MPRParameters:
    if not isinstance(p, MPRParameters):
        raise ParameterError("p must be an MPRParameters, got %s" % type(p).__name__)
    return p


def rhs(r: float, v: float, p: MPRParameters) -> tuple[float, float]:
    """(dr/dt, dv/dt) of the MPR model at (r, v); units 1/time (time in units of tau's)."""
    return _rhs_py(finite("r", r), finite("v", v), *_check_parameters(p).as_tuple())


def jacobian(r: float, v: float, p: MPRParameters) -> np.ndarray:
    """2x2 Jacobian d(dr/dt, dv/dt)/d(r, v)."""
    return np.array(_jac_py(finite("r", r), finite("v", v), *_check_parameters(p).as_tuple()),
                    dtype=float).reshape(2, 2)


@dataclass(frozen=True)
class FixedPoint:
    """A fixed point (r, v) with Jacobian eigenvalues (1/time) and their classification."""

    r: float
    v: float
    eigenvalues: tuple[complex, complex]
    stability: str

    @property
    def stable(self) -> bool:
        return self.stability.startswith("stable")

    def to_dict(self) -> dict:
        return {"r": self.r, "v": self.v, "stability": self.stability,
                "eigenvalues": [[float(l.real), float(l.imag)] for l in self.eigenvalues]}


def classify(eigs) -> str:
    """Name the fixed point type from the two eigenvalues of a planar system."""
    l1, l2 = eigs
    if abs(l1.imag) > 0 or abs(l2.imag) > 0:
        return "stable-focus" if l1.real < 0 else "unstable-focus"
    a, b = sorted([l1.real, l2.real])
    if a < 0 < b:
        return "saddle"
    return "stable-node" if b < 0 else "unstable-node"


def _solve_bracketed(f, df, lo: float, hi: float) -> float:
    """Root of f in [lo, hi] (0 < lo < hi, f(lo) and f(hi) of opposite signs): Newton steps kept
    inside the shrinking bracket, bisection (geometric while the bracket spans more than a factor 4)
    whenever Newton leaves it or converges slowly.  Converges to double precision."""
    f_lo = f(lo)
    rising = f_lo < 0
    x = math.sqrt(lo * hi) if hi > 4 * lo else 0.5 * (lo + hi)
    step_old = hi - lo
    for _ in range(400):
        fx = f(x)
        if fx == 0:
            return x
        if (fx < 0) == rising:
            lo = x
        else:
            hi = x
        d = df(x)
        newton = x - fx / d if d != 0 else math.nan
        if lo < newton < hi and abs(x - newton) < 0.5 * step_old:
            step_old = abs(x - newton)
            x_new = newton
        else:
            x_new = math.sqrt(lo * hi) if hi > 4 * lo else 0.5 * (lo + hi)
            step_old = abs(x_new - x)
        if abs(x_new - x) <= 2e-16 * x_new or hi - lo <= 4e-16 * hi:
            return x_new
        x = x_new
    return x


def _fixed_point_rates(eta_bar: float, Delta: float, J: float, I: float) -> list[float]:
    """All positive fixed-point rates x = tau r0 (time in units of tau, i.e. tau = 1), sorted.

    With the coefficients (c0, c1, c2, 0, c4) of the generated fixed-point quartic at tau = 1 (c0 < 0,
    c4 > 0), the rates are the positive roots of f(x) = c0 x^2 + c1 x + c2 + c4/x^2 (the quartic
    divided by x^2; no overflow of x^4).  f falls from +inf at 0+ to -inf, and f'' = 2 c0 + 6 c4/x^4
    changes sign once (at x_i), so f' has at most two zeros k1 < x_i < k2: then f falls on (0, k1),
    rises on (k1, k2) and falls again.  Each root is bracketed between these points and solved by
    safeguarded Newton: no complex roots, no spurious or missed ones (one root, or three; two exactly
    at a saddle-node).
    """
    c0, c1, c2, _, c4 = _quartic_py(eta_bar, Delta, J, I, 1.0)
    f = lambda x: (c0 * x + c1) * x + c2 + c4 / x / x
    df = lambda x: 2 * c0 * x + c1 - 2 * (c4 / x / x / x)
    ddf = lambda x: 2 * c0 + 6 * (c4 / x / x / x / x)
    # Fujiwara bounds of the positive roots of the quartic (and of its reverse): L < x < U
    U = 2 * max(abs(c1 / c0), math.sqrt(abs(c2 / c0)), (c4 / abs(c0)) ** 0.25)
    L = 0.5 / max(math.sqrt(abs(c2) / c4), (abs(c1) / c4) ** (1 / 3), (abs(c0) / c4) ** 0.25)
    while f(U) >= 0:
        U *= 2
    while f(L) <= 0:
        L *= 0.5
    x_i = (3 * c4 / -c0) ** 0.25  # f' is largest here
    if c1 <= 0 or df(x_i) <= 0:
        return [_solve_bracketed(f, df, L, U)]  # f decreasing: one root
    lo1 = 0.5 * (2 * c4 / c1) ** (1 / 3)  # f' < 0 below (2 c4/c1)^(1/3)
    while df(lo1) >= 0:
        lo1 *= 0.5
    hi2 = c1 / -c0  # f' < 0 above c1/(-2 c0)
    while df(hi2) >= 0:
        hi2 *= 2
    k1 = _solve_bracketed(df, ddf, lo1, x_i)
    k2 = _solve_bracketed(df, ddf, x_i, hi2)
    f1, f2 = f(k1), f(k2)  # local minimum and maximum of f, f1 <= f2
    out = []
    if f1 <= 0:
        out.append(k1 if f1 == 0 else _solve_bracketed(f, df, min(L, k1), k1))
    if f1 < 0 < f2:
        out.append(_solve_bracketed(f, df, k1, k2))
    if f2 >= 0:
        out.append(k2 if f2 == 0 else _solve_bracketed(f, df, k2, max(U, k2)))
    return out


def fixed_points(p: MPRParameters) -> list[FixedPoint]:
    """All fixed points (all have r > 0), sorted by r; one or three (two exactly at a saddle-node).

    The rates are the positive roots of the generated fixed-point quartic (theory/THEORY.md
    eqs. (21)-(24)), found in units tau = 1 (tau r0, v0 and tau * eigenvalues do not depend on tau)
    by bracketing each root between the critical points of the quartic divided by r^2 (see
    :func:`_fixed_point_rates`; no complex-root filtering); v0 = -Delta/(2 pi tau r0); stability
    from the eigenvalues of the Jacobian.  Supported parameter ranges: see :class:`MPRParameters`.
    """
    eta_bar, Delta, J, I, tau = _check_parameters(p).as_tuple()
    out: list[FixedPoint] = []
    for x in _fixed_point_rates(eta_bar, Delta, J, I):
        v0 = _v0_py(x, eta_bar, Delta, J, I, 1.0)
        jac = np.array(_jac_py(x, v0, eta_bar, Delta, J, I, 1.0), dtype=float).reshape(2, 2)
        eigs = tuple(complex(z) / tau for z in np.linalg.eigvals(jac))
        eigs = tuple(sorted(eigs, key=lambda z: (-z.real, -z.imag)))
        out.append(FixedPoint(float(x / tau), float(v0), eigs, classify(eigs)))
    return out


@numba.njit(cache=True)
def _rk4_kernel(r0, v0, dt, n_steps, every, eta_bar, Delta, J, I, tau):
    """Classical RK4; rows 0, every, 2 every, ... and the last step.  Returns (samples, failed step or -1):
    the run stops at the first step whose state is not finite or has r <= 0 (a numerical instability:
    the exact flow keeps r > 0)."""
    n_out = n_steps // every + 1 + (1 if n_steps % every else 0)
    out = np.empty((n_out, 2))
    r, v = r0, v0
    out[0, 0], out[0, 1] = r, v
    k = 1
    for i in range(1, n_steps + 1):
        a1, b1 = mpr_rhs(r, v, eta_bar, Delta, J, I, tau)
        a2, b2 = mpr_rhs(r + 0.5 * dt * a1, v + 0.5 * dt * b1, eta_bar, Delta, J, I, tau)
        a3, b3 = mpr_rhs(r + 0.5 * dt * a2, v + 0.5 * dt * b2, eta_bar, Delta, J, I, tau)
        a4, b4 = mpr_rhs(r + dt * a3, v + dt * b3, eta_bar, Delta, J, I, tau)
        r += dt / 6.0 * (a1 + 2 * a2 + 2 * a3 + a4)
        v += dt / 6.0 * (b1 + 2 * b2 + 2 * b3 + b4)
        if not (r > 0.0 and math.isfinite(r) and math.isfinite(v)):
            return out[:k], i
        if i % every == 0 or i == n_steps:
            out[k, 0], out[k, 1] = r, v
            k += 1
    return out, -1


#: integrate() refuses runs of more steps (time) or more stored samples (memory: 16 bytes each);
#: method='solve_ivp' stops after max(SOLVE_IVP_MIN_BUDGET, 50 T/dt) right-hand-side evaluations
MAX_STEPS = 10**13
MAX_SAMPLES = 10**8
SOLVE_IVP_MIN_BUDGET = 200_000


class _BudgetExceeded(Exception):
    """solve_ivp used up its budget of right-hand-side evaluations."""


def _time_grid(T: float, dt: float, save_every) -> tuple[int, int, np.ndarray]:
    """(n_steps, save_every, sample step indices) for a run of T = n_steps dt (validated)."""
    T, dt = positive("T", T), positive("dt", dt)
    every = integer_at_least("save_every", save_every, 1)
    if dt > T:
        raise ParameterError("dt must be <= T, got dt=%r, T=%r" % (dt, T))
    n_float = T / dt
    if n_float > MAX_STEPS:
        raise ParameterError("T/dt = %.3g steps is more than %.0e: raise dt or shorten T" % (n_float, MAX_STEPS))
    n = int(round(n_float))
    if abs(n_float - n) > 1e-9 * n_float:
        raise ParameterError("T must be a whole number of steps dt, got T=%r, dt=%r (T/dt = %.6g); e.g. dt=%.6g"
                             % (T, dt, n_float, T / max(1, math.ceil(n_float))))
    n_out = n // every + 1 + (1 if n % every else 0)
    if n_out > MAX_SAMPLES:
        raise ParameterError("the trajectory would store %.3g samples (more than %.0e): raise save_every"
                             % (n_out, MAX_SAMPLES))
    steps = np.arange(0, n + 1, every)
    if steps[-1] != n:
        steps = np.append(steps, n)
    return n, every, steps


@dataclass(frozen=True)
class Trajectory:
    """Sampled trajectory: times t (shape n), states r and v (shape n)."""

    t: np.ndarray
    r: np.ndarray
    v: np.ndarray

    def to_dict(self) -> dict:
        """Summary: final time and state, number of samples (the arrays stay in the object)."""
        return {"t_final": float(self.t[-1]), "r_final": float(self.r[-1]), "v_final": float(self.v[-1]),
                "samples": int(self.t.size)}


def integrate(p: MPRParameters, *, r0: float, v0: float, T: float, dt: float, method: str = "rk4",
              save_every: int = 1, rtol: float = 1e-10, atol: float = 1e-12) -> Trajectory:
    """Integrate the MPR model from (r0, v0) over [0, T].

    T must be a whole number n of steps dt (within rounding: T/dt = n to 1e-9 relative; otherwise a
    ParameterError suggests a dt), so the run ends exactly at t = n dt = T.  Samples are taken at
    steps 0, save_every, 2 save_every, ... (``save_every`` an integer >= 1) and always at the final
    step n (the last spacing is shorter when save_every does not divide n).

    method='rk4': fixed-step classical Runge-Kutta (numba kernel).  A run that leaves the physical
    region (r <= 0 or a non-finite state: a numerical instability, the exact flow keeps r > 0) is a
    ParameterError naming the time and asking for a smaller dt.  method='solve_ivp': scipy's adaptive
    DOP853 with the MPR RHS, output at the same sample times; a stiff run that needs more than
    max(2e5, 50 T/dt) RHS evaluations is a ParameterError (use rk4).
    """
    _check_parameters(p)
    if method not in ("rk4", "solve_ivp"):
        raise ParameterError("method must be 'rk4' or 'solve_ivp', got %r" % (method,))
    r0, v0 = positive("r0", r0), finite("v0", v0)
    n_steps, every, steps = _time_grid(T, dt, save_every)
    dt = float(dt)
    t = steps * dt
    if method == "rk4":
        out, failed = _rk4_kernel(r0, v0, dt, n_steps, every, *p.as_tuple())
        if failed >= 0:
            raise ParameterError("the integration diverged at t=%.6g (step %d of %d: r <= 0 or not finite, a "
                                 "numerical instability): reduce dt (dt=%g)" % (failed * dt, failed, n_steps, dt))
        return Trajectory(t, out[:, 0].copy(), out[:, 1].copy())
    from scipy.integrate import solve_ivp  # lazy: keeps CLI start-up fast
    args = p.as_tuple()
    rtol, atol = positive("rtol", rtol), positive("atol", atol)
    budget = max(SOLVE_IVP_MIN_BUDGET, 50 * n_steps)
    calls = [0]

    def fun(_t, y):
        calls[0] += 1
        if calls[0] > budget:
            raise _BudgetExceeded(_t)
        return _rhs_py(y[0], y[1], *args)

    try:
        sol = solve_ivp(fun, (0.0, t[-1]), [r0, v0], method="DOP853", t_eval=t, rtol=rtol, atol=atol)
    except _BudgetExceeded as e:
        raise ParameterError("solve_ivp needed more than %d right-hand-side evaluations by t=%.6g (a stiff or "
                             "diverging run): use method='rk4' with a small dt, or raise rtol/atol"
                             % (budget, e.args[0])) from None
    if not sol.success or sol.y.shape[1] != t.size or not np.all(np.isfinite(sol.y)) or np.any(sol.y[0] <= 0):
        raise ParameterError("solve_ivp failed (%s): the run left r > 0 or diverged; check the initial state"
                             % sol.message)
    return Trajectory(sol.t, sol.y[0], sol.y[1])
