"""MPR neural mass model: RHS, Jacobian, fixed points and deterministic integration.

Thin validating wrappers around the generated kernels of
:mod:`shotnoise.numerics._generated.mpr_kernels` (theory/THEORY.md eq. (17); fixed points eqs. (21)-(24)):

    tau dr/dt = Delta/(pi tau) + 2 r v
    tau dv/dt = v^2 + eta_bar + I + J tau r - (pi tau r)^2
"""
from __future__ import annotations

from dataclasses import dataclass

import numba
import numpy as np

from ._generated.mpr_kernels import fixed_point_quartic, fixed_point_v, mpr_jacobian, mpr_rhs
from shotnoise.theory.errors import ParameterError

from .parameters import MPRParameters, finite, positive

# One-off scalar evaluations use the pure-Python originals of the generated
# kernels (same source, no JIT/cache load), keeping CLI start-up short; the
# compiled versions are used inside loops.
_rhs_py = mpr_rhs.py_func
_jac_py = mpr_jacobian.py_func
_quartic_py = fixed_point_quartic.py_func
_v0_py = fixed_point_v.py_func

def rhs(r: float, v: float, p: MPRParameters) -> tuple[float, float]:
    """(dr/dt, dv/dt) of the MPR model at (r, v); units 1/time (time in units of tau's)."""
    return _rhs_py(finite("r", r), finite("v", v), *p.as_tuple())


def jacobian(r: float, v: float, p: MPRParameters) -> np.ndarray:
    """2x2 Jacobian d(dr/dt, dv/dt)/d(r, v)."""
    return np.array(_jac_py(finite("r", r), finite("v", v), *p.as_tuple()), dtype=float).reshape(2, 2)


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


def _polish(r: float, p: MPRParameters) -> float:
    """Newton-polish a quartic root (double precision, a few steps)."""
    c = np.array(_quartic_py(*p.as_tuple()), dtype=float)
    dc = np.polyder(c)
    for _ in range(8):
        f, df = np.polyval(c, r), np.polyval(dc, r)
        if df == 0:
            break
        step = f / df
        r -= step
        if abs(step) <= 1e-16 * abs(r):
            break
    return r


def fixed_points(p: MPRParameters) -> list[FixedPoint]:
    """All fixed points with r > 0, sorted by r.

    Positive real roots of the quartic of :func:`shotnoise.theory.mpr_analysis.fixed_point_quartic`,
    polished by Newton, with v0 = -Delta/(2 pi tau r0); stability from the
    eigenvalues of the Jacobian.  There are one or three (two at a saddle-node).
    """
    c = np.array(_quartic_py(*p.as_tuple()), dtype=float)
    roots = np.roots(c)
    scale = max(1.0, np.max(np.abs(roots)))
    cand = sorted(z.real for z in roots if abs(z.imag) <= 1e-7 * scale and z.real > 0)
    out: list[FixedPoint] = []
    for r0 in cand:
        r0 = _polish(r0, p)
        if out and abs(r0 - out[-1].r) <= 1e-10 * r0:
            continue
        v0 = _v0_py(r0, *p.as_tuple())
        eigs = tuple(complex(x) for x in np.linalg.eigvals(jacobian(r0, v0, p)))
        eigs = tuple(sorted(eigs, key=lambda z: (-z.real, -z.imag)))
        out.append(FixedPoint(float(r0), float(v0), eigs, classify(eigs)))
    return out


@numba.njit(cache=True)
def _rk4_kernel(r0, v0, dt, n_steps, every, eta_bar, Delta, J, I, tau):
    n_out = n_steps // every + 1
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
        if i % every == 0:
            out[k, 0], out[k, 1] = r, v
            k += 1
    return out


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

    method='rk4': fixed-step classical Runge-Kutta (numba kernel), output every
    ``save_every`` steps of ``dt``.  method='solve_ivp': scipy's adaptive DOP853
    with the numba RHS, output on the grid of spacing dt*save_every.
    """
    r0, v0 = positive("r0", r0), finite("v0", v0)
    T, dt = positive("T", T), positive("dt", dt)
    if dt > T:
        raise ParameterError("dt must be <= T, got dt=%r, T=%r" % (dt, T))
    if int(save_every) < 1:
        raise ParameterError("save_every must be an integer >= 1, got %r" % save_every)
    n_steps = int(round(T / dt))
    if method == "rk4":
        out = _rk4_kernel(r0, v0, dt, n_steps, int(save_every), *p.as_tuple())
        t = np.arange(out.shape[0]) * dt * save_every
        return Trajectory(t, out[:, 0].copy(), out[:, 1].copy())
    if method == "solve_ivp":
        from scipy.integrate import solve_ivp  # lazy: keeps CLI start-up fast
        args = p.as_tuple()
        t_eval = np.arange(0, n_steps + 1, int(save_every)) * dt
        sol = solve_ivp(lambda t, y: _rhs_py(y[0], y[1], *args), (0.0, t_eval[-1]), [r0, v0],
                        method="DOP853", t_eval=t_eval, rtol=rtol, atol=atol)
        if not sol.success:
            raise RuntimeError("solve_ivp failed: %s" % sol.message)
        return Trajectory(sol.t, sol.y[0], sol.y[1])
    raise ParameterError("method must be 'rk4' or 'solve_ivp', got %r" % method)
