"""All fixed points of a circuit's mass model (theory/THEORY.md eq. (85)).

At a fixed point every synapse carries its population's rate (s_b = r_b), so the rates solve the P equations

    r_a = Phi_a(h_a),   h = J r,   Phi_a(h) = Re sum_k c_k sqrt(eta_{a,k} + I_a + tau_a h) / (pi tau_a)

(Phi_a: the generated ``population_rate`` kernel summed over the modes, increasing in h).  The synaptic time
constants do not move the fixed points, only their stability.

Method (every root, several may coexist):

* one population: the bracketing scan of the single-population model (``Model.fixed_points``), exactly;
* several: a proven box first — pi tau_a r_a <= sqrt(tau_a (J+ r)_a + X_a) with X_a = max(eta_bar_a + I_a, 0)
  + 2 Delta_a (the single-population bound, J+ the excitatory part of J) gives r <= r_hi, and r >= r_lo =
  Phi(J- r_hi); then Newton in log r from a grid of seeds over the box (compiled, every seed), roots merged.
  Completeness check: Phi(J .) maps the box into itself, so (homotopy to a constant point inside the box) the
  Leray-Schauder indices sign det(1 - diag(Phi') J) of the roots of r - Phi(J r) add up to +1.  If they do not,
  the grid is refined; if they still do not, a ParameterError says that fixed points are missing.  The check
  finds an odd number of missing roots only: a missed pair of opposite indices (born at a fold between the
  seeds) is not detected — the grid is dense enough in every test (P = 2: 144 seeds; a search of random E-I
  circuits against a one-dimensional reduction found no missed root), but not a proof.  Roots at a fold (index
  0) suspend the check.  A population whose rate lies below the rounding of its modes (a nearly silent multi-pole
  population) is not resolved by the reduced model: such roots are dropped, as for one population, and the
  check is then not applicable.
"""
from __future__ import annotations

import math

import numba
import numpy as np

from shotnoise.theory.errors import ParameterError

from .._generated import circuit_kernels as ck

#: seeds per population of the first grid (P = 2, 3, 4, more)
SEEDS_PER_DIMENSION = {2: 12, 3: 8, 4: 5}
#: roots closer than this (relative, every rate) are the same root
MERGE_RTOL = 1e-7


@numba.njit(cache=True)
def _transfer(h, mode_pop, poles, weights, I, tau, phi, dphi):
    """Phi_a(h_a) and dPhi_a/dh_a of every population (in place)."""
    phi[:] = 0.0
    dphi[:] = 0.0
    for m in range(mode_pop.size):
        a = mode_pop[m]
        phi[a] += ck.population_rate(weights[m], poles[m], h[a], I[a], tau[a])
        dphi[a] += ck.mode_rate_derivative(weights[m], poles[m], h[a], I[a], tau[a])


@numba.njit(cache=True, error_model="numpy")
def _newton_log(r0, J, mode_pop, poles, weights, I, tau):
    """Newton on F(y) = exp(y) - Phi(J exp(y)), y = log r, with backtracking.  Returns (r, converged).

    Gives up (not converged) where a rate leaves the double-precision range or Phi is not positive (a
    multi-pole population so silent that its rate is below the rounding of its modes)."""
    P = r0.size
    y = np.log(r0)
    phi = np.empty(P)
    dphi = np.empty(P)
    eye = np.eye(P)
    for it in range(200):
        r = np.exp(y)
        if np.min(r) < 1e-300 or np.max(r) > 1e300:
            return r, False
        _transfer(J @ r, mode_pop, poles, weights, I, tau, phi, dphi)
        if np.min(phi) <= 0.0:
            return r, False
        F = r - phi
        err = 0.0
        for a in range(P):
            err = max(err, abs(F[a]) / r[a])
        if err < 1e-14:
            return r, True
        Jac = (eye - (dphi.reshape(P, 1) * J)) * r.reshape(1, P)
        dy = np.linalg.solve(Jac, -F)
        lam = 1.0
        best = err
        for _ in range(60):
            y_new = y + lam * dy
            if np.all(np.abs(lam * dy) < 50.0) and np.min(y_new) > -690.0 and np.max(y_new) < 690.0:
                r_new = np.exp(y_new)
                _transfer(J @ r_new, mode_pop, poles, weights, I, tau, phi, dphi)
                e_new = 0.0
                for a in range(P):
                    e_new = max(e_new, abs(r_new[a] - phi[a]) / r_new[a])
                if e_new < best or lam < 1e-12:
                    break
            lam *= 0.5
        y = y + lam * dy
        if np.min(y) < -690.0 or np.max(y) > 690.0:
            return np.exp(y), False
        if np.max(np.abs(lam * dy)) < 1e-15:
            r = np.exp(y)
            _transfer(J @ r, mode_pop, poles, weights, I, tau, phi, dphi)
            ok = True
            for a in range(P):
                ok = ok and abs(r[a] - phi[a]) <= 1e-10 * r[a]
            return r, ok
    return np.exp(y), False


@numba.njit(cache=True)
def _newton_all(seeds, J, mode_pop, poles, weights, I, tau):
    out = np.empty_like(seeds)
    ok = np.zeros(seeds.shape[0], dtype=np.bool_)
    for i in range(seeds.shape[0]):
        r, c = _newton_log(seeds[i].copy(), J, mode_pop, poles, weights, I, tau)
        out[i] = r
        ok[i] = c
    return out, ok


def transfer(st, h: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(Phi(h), Phi'(h)) per population of a :class:`~shotnoise.numerics.circuit.jacobian.Structure`."""
    phi, dphi = np.empty(st.P), np.empty(st.P)
    _transfer(np.asarray(h, dtype=float), st.mode_pop, st.poles, st.weights, st.I, st.tau, phi, dphi)
    return phi, dphi


def rate_box(circuit) -> tuple[np.ndarray, np.ndarray]:
    """(r_lo, r_hi): every fixed point has r_lo <= r <= r_hi (see the module docstring)."""
    st = circuit.structure
    tau = st.tau
    Jp = np.maximum(st.J, 0.0)
    Jm = np.minimum(st.J, 0.0)
    X = np.array([max(p.eta_bar + p.I, 0.0) + 2.0 * p.Delta for p in circuit.populations])
    bound = lambda r: np.sqrt(tau * (Jp @ r) + X) / (math.pi * tau)
    r = np.ones(st.P)
    while np.any(bound(r) > r):  # a super-solution of the concave bound map
        r = 2.0 * r
        if np.max(r) > 1e150:
            raise ParameterError("no bound on the rates below 1e150: the coupling is too large")
    for _ in range(200):  # decreasing iteration: stays above the largest fixed point of the bound map
        r = bound(r)
    r_hi = 1.000001 * r + 1e-300
    r_lo, _ = transfer(st, Jm @ r_hi)
    return np.maximum(r_lo, 1e-300), r_hi


def _grid(lo: np.ndarray, hi: np.ndarray, n: int) -> np.ndarray:
    axes = [np.exp(np.linspace(math.log(a), math.log(b), n)) if b > a else np.array([a]) for a, b in zip(lo, hi)]
    mesh = np.meshgrid(*axes, indexing="ij")
    return np.stack([m.ravel() for m in mesh], axis=1)


def _merge(roots: np.ndarray) -> list[np.ndarray]:
    out: list[np.ndarray] = []
    for r in roots:
        if not any(np.all(np.abs(r - q) <= MERGE_RTOL * np.maximum(np.abs(q), 1e-300)) for q in out):
            out.append(r)
    return out


#: |det(1 - diag(Phi') J)| below this (relative to the size of its terms) is a fold: index 0
FOLD_RTOL = 1e-9


def index_of(st, r: np.ndarray) -> int:
    """Leray-Schauder index of a root: sign det(1 - diag(Phi'(J r)) J), 0 at a fold (det zero to rounding)."""
    _, dphi = transfer(st, st.J @ r)
    M = dphi[:, None] * st.J
    d = np.linalg.det(np.eye(st.P) - M)
    if abs(d) <= FOLD_RTOL * max(1.0, float(np.linalg.norm(M, 2))) ** st.P:
        return 0
    return int(np.sign(d))


def quiet_populations(st, r: np.ndarray) -> list[int]:
    """Populations whose rate is below the rounding of pi tau r = Re sum_k c_k w_k (the modes cancel: a nearly
    silent multi-pole population that the reduced model does not resolve)."""
    w = st.modes(st.fixed_state(r))
    out = []
    for a in range(st.P):
        sel = st.mode_pop == a
        scale = float(np.sum(np.abs(st.weights[sel] * w[sel]))) / (math.pi * st.tau[a])
        if r[a] <= 1e-11 * scale:
            out.append(a)
    return out


def rates(circuit, *, seeds=None, certify: bool = True, grid: bool = True) -> list[np.ndarray]:
    """Rates of every resolved fixed point, sorted (lexicographically by population order).  ``seeds`` (rate
    vectors, e.g. the roots at a neighbouring parameter value) are tried besides the grid.  ``certify``: the
    degree check (module docstring) must pass, else ParameterError; without it the roots found are returned
    (used by the continuation's refinement close to a fold, where two roots nearly merge).  ``grid=False``:
    Newton from the seeds only (the continuation between its full solves), uncertified."""
    st = circuit.structure
    if st.P == 1:
        return [np.array([q.r]) for q in _single_population(circuit).fixed_points()]
    lo, hi = rate_box(circuit)
    if not grid:
        start = np.clip(np.asarray(seeds, dtype=float).reshape(-1, st.P), lo, hi)
        out, ok = _newton_all(start, st.J, st.mode_pop, st.poles, st.weights, st.I, st.tau)
        return sorted((r for r in _merge(out[ok]) if not quiet_populations(st, r)), key=tuple)
    n = SEEDS_PER_DIMENSION.get(st.P, 4)
    found: list[np.ndarray] = []
    extra = np.zeros((0, st.P)) if seeds is None else np.clip(np.asarray(seeds, dtype=float).reshape(-1, st.P), lo, hi)
    for attempt in range(3):
        seeds = np.concatenate([extra, _grid(lo, hi, n)])
        out, ok = _newton_all(seeds, st.J, st.mode_pop, st.poles, st.weights, st.I, st.tau)
        found = _merge(np.concatenate([np.array(found).reshape(-1, st.P), out[ok]]))
        resolved = [r for r in found if not quiet_populations(st, r)]
        indices = [index_of(st, r) for r in resolved]
        if not certify or len(resolved) < len(found) or 0 in indices or sum(indices) == 1:
            if not resolved and found:
                names = sorted({circuit.names[a] for r in found for a in quiet_populations(st, r)})
                raise ParameterError("no resolvable fixed point: population(s) %s fire below the rounding of their "
                                     "modes (a nearly silent multi-pole population; the reduced model cannot "
                                     "resolve its rate): %s" % (", ".join(names), circuit.describe()))
            return sorted(resolved, key=tuple)
        n = 2 * n
    raise ParameterError("fixed points of %s: %d found whose indices do not add up to +1: some are missing"
                         % (circuit.describe(), len(found)))


def _single_population(circuit):
    """The single-population Model with the circuit's one population (delta or not: same fixed points)."""
    from ..model import Model

    (p,) = circuit.populations
    return Model(eta_bar=p.eta_bar, Delta=p.Delta, J=float(circuit.J[0, 0]), I=p.I, tau=p.tau,
                 heterogeneity=p.heterogeneity, poles=p.poles)


def solve(circuit, *, seeds=None, certify: bool = True, grid: bool = True) -> tuple:
    """Every resolved fixed point as a CircuitOperatingPoint (with eigenvalues and stability), sorted by rates
    (``seeds``, ``certify``, ``grid``: see :func:`rates`)."""
    from .operating_point import CircuitOperatingPoint

    st = circuit.structure
    return tuple(CircuitOperatingPoint.at(circuit, x=st.fixed_state(r), index=index_of(st, r) if st.P > 1 else None)
                 for r in rates(circuit, seeds=seeds, certify=certify, grid=grid))
