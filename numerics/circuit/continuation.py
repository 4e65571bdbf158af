"""Continuation of a circuit's fixed points in one parameter: branches, Hopf points and folds (theory/THEORY.md eqs. (89)-(90)).

Every fixed point is solved on a grid of the parameter (numerics.circuit.fixed_points: all of them, with
their eigenvalues), the points of consecutive grid values are joined into branches by proximity, and

* a **Hopf point** is where a complex pair -gamma +- i omega crosses the imaginary axis along a branch: the number
  of eigenvalues with Re > 0 and Im != 0 changes by two between neighbours; the crossing is refined with brentq on
  the real part of that pair (re-solving the fixed point at every trial value) to 1e-12 relative, and reported
  with its frequency omega_H = Im lambda (rad per unit time), the rates there and the direction (which side is
  stable);
* a **fold** (saddle-node) is where two branches meet and disappear: the number of fixed points changes between
  neighbours; its location is refined by bisection on that number.

For one population with an exponential synapse the Hopf points agree with the Routh-Hurwitz closed form of
theory.circuit (tested).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from shotnoise.theory.errors import ParameterError

from ..parameters import finite, integer_at_least

#: relative tolerance of a refined Hopf point or fold
REFINE_RTOL = 1e-12
#: values between two full solves (seed grid and degree check) of the sweep; in between, Newton from the neighbour
FULL_EVERY = 8


@dataclass(frozen=True)
class HopfPoint:
    """A Hopf point: parameter value, frequency omega_H = Im lambda (rad per unit time), rates there, and
    ``stable_side``: 'below' or 'above' (the side of the parameter where this branch is stable), None when other
    modes are unstable on both sides (the crossing changes no stability)."""

    parameter: str
    value: float
    frequency: float
    rates: dict
    stable_side: str | None

    def to_dict(self) -> dict:
        return {"parameter": self.parameter, "value": self.value, "frequency": self.frequency, "r": self.rates,
                "stable_side": self.stable_side}


@dataclass(frozen=True)
class Fold:
    """A fold (saddle-node): parameter value where two fixed points meet, the rates there."""

    parameter: str
    value: float
    rates: dict

    def to_dict(self) -> dict:
        return {"parameter": self.parameter, "value": self.value, "r": self.rates}


@dataclass
class Branch:
    """One branch of fixed points: parameter values, rates (len x P), voltages, stability labels, leading
    eigenvalues."""

    values: list = field(default_factory=list)
    r: list = field(default_factory=list)
    v: list = field(default_factory=list)
    stability: list = field(default_factory=list)
    leading: list = field(default_factory=list)
    points: list = field(default_factory=list, repr=False)

    def to_dict(self, names) -> dict:
        r = np.array(self.r)
        v = np.array(self.v)
        return {"values": list(map(float, self.values)),
                "r": {n: r[:, a].tolist() for a, n in enumerate(names)},
                "v": {n: v[:, a].tolist() for a, n in enumerate(names)},
                "stability": list(self.stability),
                "leading_eigenvalue": [[z.real, z.imag] for z in self.leading]}


@dataclass
class Continuation:
    """Result of :func:`continuation` (``to_dict()`` for JSON)."""

    parameter: str
    names: tuple
    branches: list
    hopf: list
    folds: list
    warnings: list = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"parameter": self.parameter, "populations": list(self.names),
                "branches": [b.to_dict(self.names) for b in self.branches],
                "hopf": [h.to_dict() for h in self.hopf], "folds": [f.to_dict() for f in self.folds],
                "warnings": list(self.warnings)}


def _points(circuit, parameter: str, value: float, *, seeds=None, certify: bool = True, grid: bool = True) -> list:
    """Every fixed point at ``parameter = value`` (``seeds``: rates to try first; see fixed_points.rates)."""
    from .fixed_points import solve

    return list(solve(circuit.with_parameter(parameter, value), seeds=seeds, certify=certify, grid=grid))


def _full(circuit, parameter, p, prev, warnings) -> list:
    """Every fixed point at p with the full seed grid and the degree check (kept, with a warning, if the check
    fails: e.g. right at a fold)."""
    try:
        return _points(circuit, parameter, float(p), seeds=_seeds(prev))
    except ParameterError as e:
        warnings.append("%s = %.10g: %s" % (parameter, p, e))
        return _points(circuit, parameter, float(p), seeds=_seeds(prev), certify=False)


def _sweep(circuit, parameter, values, warnings) -> list:
    """Fixed points at every value: Newton from the neighbour's roots, with a full solve (seed grid, degree
    check) every FULL_EVERY values and at the end; where a full solve finds a different number of roots than
    the tracking, the values since the previous full solve are solved fully again (a pair born at a fold
    between two full solves is then found)."""
    n = len(values)
    grid: list = [None] * n
    grid[0] = _full(circuit, parameter, values[0], None, warnings)
    last_full = 0
    for i in range(1, n):
        full_here = (i - last_full) >= FULL_EVERY or i == n - 1
        local = _points(circuit, parameter, float(values[i]), seeds=_seeds(grid[i - 1]), certify=False, grid=False) \
            if grid[i - 1] and circuit.P > 1 else None
        if full_here or local is None:
            grid[i] = _full(circuit, parameter, values[i], grid[i - 1], warnings)
            if local is not None and len(local) != len(grid[i]):
                for j in range(last_full + 1, i):
                    grid[j] = _full(circuit, parameter, values[j], grid[j - 1], warnings)
            last_full = i
        else:
            grid[i] = local
            if len(local) != len(grid[i - 1]):  # a branch ended (a fold): solve this value fully
                grid[i] = _full(circuit, parameter, values[i], grid[i - 1], warnings)
                last_full = i
    return grid


def _seeds(points) -> np.ndarray | None:
    return np.array([q.r for q in points]) if points else None


def _complex_unstable(op) -> int:
    return sum(1 for z in op.eigenvalues if z.real > 0 and z.imag != 0)


def _upper(op) -> np.ndarray:
    return np.array([z for z in op.eigenvalues if z.imag > 0], dtype=complex)


def _crossing(q0, q1):
    """(z0, z1): an eigenvalue of q0 (Im > 0) and its nearest match in q1 with real parts of opposite signs, the
    closest such pair; None if no complex eigenvalue crosses the axis between them."""
    A, B = _upper(q0), _upper(q1)
    best = None
    for z0 in A:
        if not B.size:
            break
        z1 = B[int(np.argmin(np.abs(B - z0)))]
        if (z0.real > 0) != (z1.real > 0) and (best is None or abs(z1 - z0) < abs(best[1] - best[0])):
            best = (z0, z1)
    return best


def _nearest(points: list, r: np.ndarray):
    if not points:
        return None
    return min(points, key=lambda q: float(np.max(np.abs(np.log(q.r) - np.log(r)))))


def continuation(circuit, *, parameter: str, start: float, stop: float, points: int = 200) -> Continuation:
    """Continue every fixed point of ``circuit`` in ``parameter`` (a path such as 'I.tau_s', 'J.E.I', 'E.eta_bar',
    'input.E'; see Circuit.parameter) over ``points`` equally spaced values from ``start`` to ``stop``.

    Returns the branches (with stability along them), the Hopf points (refined) and the folds (refined).
    """
    circuit.parameter(parameter)  # validates the path
    a, b = finite("start", start), finite("stop", stop)
    if a == b:
        raise ParameterError("start and stop must differ, got %r" % a)
    n = integer_at_least("points", points, 2)
    if n > 100000:
        raise ParameterError("points must be <= 100000, got %d" % n)
    values = np.linspace(a, b, n)
    warnings: list = []
    grid = _sweep(circuit, parameter, values, warnings)
    branches: list[Branch] = []
    open_branches: list[Branch] = []
    for p, pts in zip(values, grid):
        unused = list(pts)
        still = []
        for br in open_branches:
            q = _nearest(unused, br.points[-1].r)
            # a branch continues to its nearest point if no other branch is nearer to that point
            if q is not None:
                best = min(open_branches, key=lambda o: float(np.max(np.abs(np.log(o.points[-1].r) - np.log(q.r)))))
                if best is br:
                    _append(br, p, q)
                    unused.remove(q)
                    still.append(br)
                    continue
            branches.append(br)
        for q in unused:
            br = Branch()
            _append(br, p, q)
            still.append(br)
        open_branches = still
    branches += open_branches
    branches.sort(key=lambda br: (br.values[0], tuple(br.r[0])))
    hopf = []
    for br in branches:
        for i in range(len(br.values) - 1):
            q0, q1 = br.points[i], br.points[i + 1]
            if _complex_unstable(q0) != _complex_unstable(q1):
                found = _find_hopf(circuit, parameter, br.values[i], br.values[i + 1], q0, q1)
                if not found:
                    warnings.append("%s in [%.10g, %.10g]: the number of unstable complex eigenvalues changes but no "
                                    "crossing pair was resolved" % (parameter, br.values[i], br.values[i + 1]))
                hopf += found
    folds = []
    counts = [len(pts) for pts in grid]
    for i in range(n - 1):
        if counts[i] != counts[i + 1]:
            folds.append(_refine_fold(circuit, parameter, values[i], values[i + 1], grid[i], grid[i + 1]))
    return Continuation(parameter=parameter, names=circuit.names, branches=branches, hopf=hopf, folds=folds,
                        warnings=warnings)


def _append(br: Branch, p: float, q) -> None:
    br.values.append(float(p))
    br.r.append(np.array(q.r))
    br.v.append(np.array(q.v))
    br.stability.append(q.stability)
    br.leading.append(q.leading_eigenvalue)
    br.points.append(q)


def _find_hopf(circuit, parameter, p0, p1, q0, q1, depth: int = 0) -> list:
    """Hopf points between two points of a branch: the complex eigenvalue that crosses the axis (matched between
    the ends by proximity, so other unstable pairs do not confuse it), refined with brentq on its real part; if
    the change is not one visible crossing (a pair born from two real eigenvalues within the step), the bracket
    is halved (up to 12 times) until it is."""
    from scipy.optimize import brentq

    pair = _crossing(q0, q1)
    if pair is None:
        if depth >= 12:
            return []
        pm = 0.5 * (p0 + p1)
        qm = _track(circuit, parameter, pm, q0.r)
        if qm is None:
            return []
        out = []
        for (a, b, qa, qb) in ((p0, pm, q0, qm), (pm, p1, qm, q1)):
            if _complex_unstable(qa) != _complex_unstable(qb):
                out += _find_hopf(circuit, parameter, a, b, qa, qb, depth + 1)
        return out
    z0, z1 = pair
    ref = {"r": q0.r, "z": z0}

    def real_part(p):
        q = _track(circuit, parameter, p, ref["r"])
        if q is None:
            raise ParameterError("the branch ends inside the Hopf bracket")
        up = _upper(q)
        # the eigenvalue nearest to the crossing pair's expected position (linear in p between the ends)
        guess = z0 + (z1 - z0) * (p - p0) / (p1 - p0)
        z = up[int(np.argmin(np.abs(up - guess)))] if up.size else complex(math.nan, 0.0)
        ref["r"], ref["z"], ref["q"] = q.r, z, q
        return z.real

    try:
        pc = brentq(real_part, p0, p1, xtol=REFINE_RTOL * max(abs(p0), abs(p1), 1e-300),
                    rtol=4 * np.finfo(float).eps, maxiter=200)
    except (ParameterError, ValueError):
        return []
    real_part(pc)
    q = ref["q"]
    if q0.stable != q1.stable:
        stable_at = p0 if q0.stable else p1
        stable_side = "below" if stable_at < pc else "above"
    else:
        stable_side = None  # other modes are unstable on both sides: the crossing changes no stability
    return [HopfPoint(parameter=parameter, value=float(pc), frequency=float(ref["z"].imag),
                      rates={n: float(x) for n, x in zip(circuit.names, q.r)}, stable_side=stable_side)]


def _track(circuit, parameter, p, r_ref):
    """The fixed point at ``p`` nearest to the rates ``r_ref`` (None if there is none)."""
    try:
        pts = _points(circuit, parameter, p, seeds=np.array([r_ref]), certify=False, grid=circuit.P == 1)
    except ParameterError:
        return None
    return _nearest(pts, r_ref)


def _refine_fold(circuit, parameter, p0, p1, pts0, pts1) -> Fold:
    """Bisection on the number of fixed points (solved from the neighbouring roots as seeds, without the degree
    check, which is undefined at the fold), until the bracket is 1e-12 relative or the solver no longer separates
    the two merging roots."""
    n0, n1 = len(pts0), len(pts1)
    lo, hi = float(p0), float(p1)
    plo, phi = pts0, pts1
    for _ in range(200):
        if abs(hi - lo) <= REFINE_RTOL * max(abs(lo), abs(hi), 1e-300):
            break
        mid = 0.5 * (lo + hi)
        try:
            pm = _points(circuit, parameter, mid, seeds=_seeds(plo + phi), certify=False, grid=circuit.P == 1)
        except ParameterError:
            break
        if len(pm) == n0:
            lo, plo = mid, pm
        elif len(pm) == n1:
            hi, phi = mid, pm
        else:
            break
    # the merging pair: the two points of the side with more fixed points that have no partner on the other side
    more, fewer = (plo, phi) if len(plo) > len(phi) else (phi, plo)
    lonely = sorted(more, key=lambda q: min([float(np.max(np.abs(np.log(q.r) - np.log(o.r)))) for o in fewer] or
                                            [math.inf]), reverse=True)[:2]
    r = np.exp(np.mean([np.log(q.r) for q in lonely], axis=0))
    return Fold(parameter=parameter, value=0.5 * (lo + hi), rates={n: float(x) for n, x in zip(circuit.names, r)})
