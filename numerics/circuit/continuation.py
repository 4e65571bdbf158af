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


@dataclass(frozen=True)
class HopfPoint:
    """A Hopf point: parameter value, frequency omega_H = Im lambda (rad per unit time), rates there, and
    ``stable_side``: 'below' or 'above' (the side of the parameter where this branch is stable)."""

    parameter: str
    value: float
    frequency: float
    rates: dict
    stable_side: str

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

    def to_dict(self) -> dict:
        return {"parameter": self.parameter, "populations": list(self.names),
                "branches": [b.to_dict(self.names) for b in self.branches],
                "hopf": [h.to_dict() for h in self.hopf], "folds": [f.to_dict() for f in self.folds]}


def _points(circuit, parameter: str, value: float) -> list:
    return circuit.with_parameter(parameter, value).fixed_points()


def _complex_unstable(op) -> int:
    return sum(1 for z in op.eigenvalues if z.real > 0 and z.imag != 0)


def _crossing_pair(op) -> float:
    """Real part of the complex pair closest to the imaginary axis (nan without a complex pair)."""
    pairs = [z for z in op.eigenvalues if z.imag > 0]
    if not pairs:
        return math.nan
    return min(pairs, key=lambda z: abs(z.real)).real


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
    grid = [_points(circuit, parameter, float(p)) for p in values]
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
                h = _refine_hopf(circuit, parameter, br.values[i], br.values[i + 1], q0, q1)
                if h is not None:
                    hopf.append(h)
    folds = []
    counts = [len(pts) for pts in grid]
    for i in range(n - 1):
        if counts[i] != counts[i + 1]:
            folds.append(_refine_fold(circuit, parameter, values[i], values[i + 1], grid[i], grid[i + 1]))
    return Continuation(parameter=parameter, names=circuit.names, branches=branches, hopf=hopf, folds=folds)


def _append(br: Branch, p: float, q) -> None:
    br.values.append(float(p))
    br.r.append(np.array(q.r))
    br.v.append(np.array(q.v))
    br.stability.append(q.stability)
    br.leading.append(q.leading_eigenvalue)
    br.points.append(q)


def _refine_hopf(circuit, parameter, p0, p1, q0, q1) -> HopfPoint | None:
    """Bisection/brentq on the real part of the crossing pair, following the branch by proximity."""
    from scipy.optimize import brentq

    ref = {"r": q0.r}

    def track(p):
        q = _nearest(_points(circuit, parameter, p), ref["r"])
        if q is None:
            raise ParameterError("the branch ends inside the Hopf bracket")
        ref["r"] = q.r
        return q

    f0, f1 = _crossing_pair(q0), _crossing_pair(q1)
    if not (math.isfinite(f0) and math.isfinite(f1)) or f0 * f1 > 0:
        return None  # the change is not one complex pair crossing (e.g. a pair turned into two real eigenvalues)
    try:
        pc = brentq(lambda p: _crossing_pair(track(p)), p0, p1, xtol=REFINE_RTOL * max(abs(p0), abs(p1), 1e-300),
                    rtol=4 * np.finfo(float).eps, maxiter=200)
    except ParameterError:
        return None
    q = track(pc)
    pair = max((z for z in q.eigenvalues if z.imag > 0), key=lambda z: -abs(z.real))
    stable_side = "below" if q0.stable and not q1.stable else ("above" if q1.stable and not q0.stable else
                                                               ("below" if f0 < 0 else "above"))
    if p1 < p0:
        stable_side = {"below": "above", "above": "below"}[stable_side]
    return HopfPoint(parameter=parameter, value=float(pc), frequency=float(pair.imag),
                     rates={n: float(x) for n, x in zip(circuit.names, q.r)}, stable_side=stable_side)


def _refine_fold(circuit, parameter, p0, p1, pts0, pts1) -> Fold:
    n0 = len(pts0)
    lo, hi = float(p0), float(p1)
    plo, phi = pts0, pts1
    for _ in range(200):
        if abs(hi - lo) <= REFINE_RTOL * max(abs(lo), abs(hi), 1e-300):
            break
        mid = 0.5 * (lo + hi)
        pm = _points(circuit, parameter, mid)
        if len(pm) == n0:
            lo, plo = mid, pm
        else:
            hi, phi = mid, pm
    # the merging pair: the two points of the side with more fixed points that have no partner on the other side
    more, fewer = (plo, phi) if len(plo) > len(phi) else (phi, plo)
    lonely = sorted(more, key=lambda q: min([float(np.max(np.abs(np.log(q.r) - np.log(o.r)))) for o in fewer] or
                                            [math.inf]), reverse=True)[:2]
    r = np.exp(np.mean([np.log(q.r) for q in lonely], axis=0))
    return Fold(parameter=parameter, value=0.5 * (lo + hi), rates={n: float(x) for n, x in zip(circuit.names, r)})
