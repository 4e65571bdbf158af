"""Bifurcation diagrams of a Model in one parameter: every branch of fixed points, its stability, the saddle-nodes.

The fixed points at each parameter value are the model's own (``Model.replace(...).fixed_points()``, theory/THEORY.md
eqs. (21)-(24) for the Lorentzian, (61)-(73) for the multi-pole family, (74)-(79) for any density); this module only
joins them into branches.  The saddle-node (fold) points where two branches meet are

* for a Lorentzian population, the closed-form saddle-node curve of theory/THEORY.md (eq. (26),
  ``theory.mpr_analysis.saddle_node_curve``, the generated kernel ``saddle_node_point``): the points
  (eta_sn(r0) = eta_bar + I, J_sn(r0) = J) parametrised by the rate r0, solved for the varied parameter;
* for the other families, located numerically: bisection on the number of fixed points between two grid values,
  then Newton on the double root of the self-consistent rate equation F(r) = Phi(r) - r = 0, dF/dr = 0.

Each fold point is added to both branches that meet there, so a plotted branch ends exactly on the fold.

The quiescent state r = 0 (``Model.quiescent_state()``: a density with bounded support whose top eta_max has
eta_max + I <= 0, i.e. the uniform family with eta_bar + Delta + I <= 0) is a fixed point that
``Model.fixed_points()`` (the asynchronous states r > 0) does not list; it is added as its own branch, r = 0,
v = the mean resting voltage -int g sqrt(-(eta + I)) d eta, labelled 'stable (quiescent)' (eta_max + I < 0) or
'marginal (quiescent)' (eta_max + I = 0: the branch's end, located where the margin eta_max + I crosses zero).
Grid values with no fixed point at all (a Gaussian or Lorentzian rate below double precision) are listed in
``missing`` with the reason, never dropped silently.
"""
from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import Callable

import numpy as np

from shotnoise.theory.errors import ParameterError

from .parameters import finite, integer_at_least

#: parameters that can be varied (N and M do not change the fixed points)
PARAMETERS = ("eta_bar", "J", "Delta", "I", "tau")
#: at most this many grid values (each is a full fixed-point solve)
MAX_POINTS = 100_001
#: stability labels of a point ('saddle-node': the fold point itself, one eigenvalue exactly zero)
STABILITY_LABELS = ("stable", "saddle", "unstable", "marginal", "saddle-node", "stable (quiescent)",
                    "marginal (quiescent)")
#: labels of the quiescent branch r = 0 (Model.quiescent_state().stability -> label)
QUIESCENT_LABELS = {"stable": "stable (quiescent)", "marginal": "marginal (quiescent)"}
#: saddle-node methods reported with the diagram
METHOD_CLOSED_FORM = "closed form (theory.mpr_analysis.saddle_node_curve)"
METHOD_NUMERICAL = ("numerical: bisection on the number of fixed points, then Newton on the double root of the "
                    "rate equation (F = Phi(r) - r = 0, dF/dr = 0)")
#: numerical folds are first bisected to this fraction of |stop - start| (the solver's resolution of two close roots)
BISECTION_RTOL = 1e-6
#: quadrature tolerance of the rate map of a density without a reduced model (Gaussian, uniform) at a fold
FOLD_QUADRATURE_RTOL = 1e-11
#: fixed points within this relative distance of a fold's rate at the fold's parameter value are its double root
FOLD_RTOL = 1e-6
#: grid values within this fraction of |stop - start| of a fold are represented by the fold's own column
SNAP_RTOL = 1e-9


def coarse_stability(label: str) -> str:
    """The diagram's label of an OperatingPoint.stability: 'stable' (stable node or focus), 'saddle' (one real
    unstable direction), 'marginal' (a neutral mode at rounding level) or 'unstable' (unstable node or focus)."""
    if label.startswith("stable"):
        return "stable"
    if label in ("saddle", "marginal"):
        return label
    return "unstable"


@dataclass(frozen=True)
class Branch:
    """One branch of fixed points: parameter values (ascending), rates r (spikes per unit time), mean voltages v,
    and one stability label per point (see :data:`STABILITY_LABELS`)."""

    values: np.ndarray
    r: np.ndarray
    v: np.ndarray
    stability: tuple

    def to_dict(self) -> dict:
        """{"values", "r", "v", "stability"} as lists."""
        return {"values": [float(x) for x in self.values], "r": [float(x) for x in self.r],
                "v": [float(x) for x in self.v], "stability": list(self.stability)}


@dataclass(frozen=True)
class SaddleNode:
    """A saddle-node (fold) point: parameter value, rate r and mean voltage v of the double fixed point."""

    value: float
    r: float
    v: float

    def to_dict(self) -> dict:
        """{"value", "r"}."""
        return {"value": float(self.value), "r": float(self.r)}


@dataclass(frozen=True)
class Missing:
    """A grid value with no fixed point the solver can represent, and why."""

    value: float
    reason: str

    def to_dict(self) -> dict:
        """{"value", "reason"}."""
        return {"value": float(self.value), "reason": self.reason}


@dataclass(frozen=True)
class BifurcationDiagram:
    """Branches of fixed points of ``model`` with ``parameter`` varied over [start, stop] (``points`` grid values
    plus the saddle-nodes inside; the quiescent state r = 0 as its own branch), the saddle-node points found by
    ``saddle_node_method``, and the grid values without any fixed point (``missing``, with the reason)."""

    model: object
    parameter: str
    start: float
    stop: float
    points: int
    branches: tuple
    saddle_nodes: tuple
    saddle_node_method: str
    missing: tuple = ()

    def to_dict(self) -> dict:
        """{"parameter", "from", "to", "points", "model", "saddle_node_method", "branches": [{"values", "r", "v",
        "stability"}], "saddle_nodes": [{"value", "r"}], "missing": [{"value", "reason"}]}; the model's other
        parameters under "model"."""
        model = self.model.flat_dict()
        model.pop(self.parameter, None)
        return {"parameter": self.parameter, "from": self.start, "to": self.stop, "points": self.points,
                "model": model, "saddle_node_method": self.saddle_node_method,
                "branches": [b.to_dict() for b in self.branches],
                "saddle_nodes": [s.to_dict() for s in self.saddle_nodes],
                "missing": [m.to_dict() for m in self.missing]}


# ----------------------------------------------------------------------------- closed-form folds (Lorentzian)
def _roots(f, grid: np.ndarray) -> list[float]:
    """All roots of f on [grid[0], grid[-1]]: the sampled local extrema are refined (bounded minimisation), and f is
    solved by brentq on every monotone piece where it changes sign (two roots closer than a grid step are found
    as long as an extremum between them is sampled near its minimum)."""
    from scipy.optimize import brentq, minimize_scalar

    vals = np.array([f(x) for x in grid])
    breaks = [grid[0]]
    d = np.diff(vals)
    for k in range(1, grid.size - 1):
        if d[k - 1] * d[k] < 0:  # a local extremum near grid[k]
            sign = 1.0 if d[k - 1] < 0 else -1.0
            res = minimize_scalar(lambda x: sign * f(x), bounds=(grid[k - 1], grid[k + 1]), method="bounded",
                                  options={"xatol": 1e-15 * grid[k]})
            breaks.append(float(res.x))
    breaks.append(grid[-1])
    out = []
    for a, b in zip(breaks[:-1], breaks[1:]):
        fa, fb = f(a), f(b)
        if fa == 0:
            out.append(a)
        elif fa * fb < 0:
            out.append(brentq(f, a, b, xtol=1e-300, rtol=4 * np.finfo(float).eps, maxiter=500))
    if f(breaks[-1]) == 0:
        out.append(breaks[-1])
    return sorted(set(out))


def closed_form_saddle_nodes(model, *, vary: str) -> list[SaddleNode]:
    """All saddle-node points of a Lorentzian population along ``vary`` (every value, not only a range), sorted.

    On the saddle-node curve (eta_sn(r0), J_sn(r0)) = (eta_bar + I, J) (theory/THEORY.md eq. (26); generated kernel
    ``saddle_node_point(r0, Delta, tau)``):

    * vary eta_bar or I: the rates r0 with J_sn(r0) = J; value = eta_sn(r0) - I (or - eta_bar);
    * vary J: the rates with eta_sn(r0) = eta_bar + I; value = J_sn(r0);
    * vary Delta: by the MPR scaling eta_sn(r0; Delta) = Delta eta_sn(r0/sqrt(Delta); 1), J_sn(r0; Delta) =
      sqrt(Delta) J_sn(r0/sqrt(Delta); 1), the ratio J^2/(eta_bar + I) = J_sn(rho; 1)^2/eta_sn(rho; 1) fixes rho;
      Delta = (eta_bar + I)/eta_sn(rho; 1), r0 = rho sqrt(Delta) (each point is checked on the curve);
    * vary tau: none (tau r0, v0 and tau lambda do not depend on tau).

    v0 = -Delta/(2 pi tau r0) (generated kernel ``fixed_point_v``).  The rates are found on a logarithmic scan
    over 16 decades around the population's scale, refined to double precision.
    """
    from ._generated.mpr_kernels import fixed_point_v, saddle_node_point
    from ._jit import pure

    if model.heterogeneity != "lorentzian":
        raise ParameterError("closed-form saddle-nodes exist for the Lorentzian family only, got %r"
                             % model.heterogeneity)
    point, v_of = pure(saddle_node_point), pure(fixed_point_v)
    D, J, I, tau, e = model.Delta, model.J, model.I, model.tau, model.eta_bar + model.I
    if vary == "tau":
        return []
    scale = max(math.sqrt(D), math.sqrt(abs(e)), abs(J) * tau, 1e-150) / (math.pi * tau)
    out = []
    if vary in ("eta_bar", "I"):
        for r in _roots(lambda x: point(x, D, tau)[1] - J, scale * np.logspace(-8, 8, 4001)):
            out.append((point(r, D, tau)[0] - (I if vary == "eta_bar" else model.eta_bar), r, D))
    elif vary == "J":
        for r in _roots(lambda x: point(x, D, tau)[0] - e, scale * np.logspace(-8, 8, 4001)):
            out.append((point(r, D, tau)[1], r, D))
    elif vary == "Delta":
        if e < 0 < J:  # eta_sn < 0 < J_sn on the whole curve
            target = J * J / e
            ratio = lambda x: point(x, 1.0, tau)[1] ** 2 / point(x, 1.0, tau)[0] - target
            for rho in _roots(ratio, np.logspace(-8, 8, 4001) / (math.pi * tau)):
                Dk = e / point(rho, 1.0, tau)[0]
                r = rho * math.sqrt(Dk)
                en, jn = point(r, Dk, tau)
                if abs(en - e) > 1e-10 * abs(e) or abs(jn - J) > 1e-10 * abs(J):  # the scaling, checked
                    raise RuntimeError("saddle-node in Delta off the curve: (%r, %r) vs (%r, %r)" % (en, jn, e, J))
                out.append((Dk, r, Dk))
    else:
        raise ParameterError("vary must be one of %s, got %r" % (", ".join(PARAMETERS), vary))
    return sorted((SaddleNode(float(val), float(r), float(v_of(r, 0.0, Dk, 0.0, 0.0, tau)))
                   for val, r, Dk in out), key=lambda s: s.value)


# ----------------------------------------------------------------------------- the diagram
def _check_vary(model, vary: str) -> None:
    if vary in ("N", "M"):
        raise ParameterError("vary: %s does not change the fixed points (they are those of the mass model, the "
                             "limit N -> infinity); vary one of %s" % (vary, ", ".join(PARAMETERS)))
    if vary not in PARAMETERS:
        raise ParameterError("vary must be one of %s, got %r" % (", ".join(PARAMETERS), vary))


def _solve(model, vary: str, value: float, why: list | None = None) -> list[tuple]:
    """(r, v, label) of every fixed point with r > 0 at ``vary`` = value (the model's own solver), sorted by r;
    when there is none, the solver's reason is appended to ``why`` (if given)."""
    m = model.replace(**{vary: value})
    try:
        pts = m.fixed_points()
    except ParameterError as e:
        if str(e).startswith("no asynchronous state"):  # quiescent or a rate below double precision
            if why is not None:
                why.append(str(e))
            return []
        raise
    return [(q.r, q.v, coarse_stability(q.stability)) for q in pts]


def _quiescent(model, vary: str, value: float):
    """Model.quiescent_state() at ``vary`` = value (None: the population fires at r = 0)."""
    return model.replace(**{vary: value}).quiescent_state()


def _quiescent_branches(model, vary: str, grid: np.ndarray, qs: list) -> list[Branch]:
    """The quiescent state r = 0 along the grid as branches: runs of grid values where it exists, each extended to
    the value where the margin eta_max + I (``QuiescentState.margin``; the top of the support from the model's
    density) crosses zero between two grid values: brentq on the margin (continuous in every parameter), then the
    nearest double on the quiescent side; that end point is labelled 'marginal (quiescent)' when the margin is
    exactly 0 there (else by its own stability)."""
    from scipy.optimize import brentq

    # qs: Model.quiescent_state() at each grid value
    if not any(q is not None for q in qs):
        return []

    def margin(x):
        m = model.replace(**{vary: x})
        return m.density().hi + m.I

    def edge(inside: float, outside: float):
        """(value, QuiescentState) at the end of existence between a quiescent and a firing grid value."""
        x = brentq(margin, inside, outside, xtol=1e-300, rtol=4 * np.finfo(float).eps, maxiter=500)
        for _ in range(64):  # brentq may land on the firing side by an ulp: step back towards ``inside``
            q = _quiescent(model, vary, x)
            if q is not None or x == inside:
                return x, q
            x = float(np.nextafter(x, inside))
        return inside, _quiescent(model, vary, inside)

    out, run = [], []

    def close():
        if run:
            vals, r, v, lab = zip(*run)
            out.append(Branch(np.array(vals, dtype=float), np.array(r, dtype=float), np.array(v, dtype=float),
                              tuple(lab)))
            run.clear()

    for k, (x, q) in enumerate(zip(grid, qs)):
        if q is None:
            if run:  # the run ends between grid[k-1] and x
                xe, qe = edge(float(grid[k - 1]), float(x))
                if xe != run[-1][0]:
                    run.append((xe, 0.0, qe.v, QUIESCENT_LABELS[qe.stability]))
            close()
            continue
        if not run and k > 0:  # the run starts between grid[k-1] and x
            xe, qe = edge(float(x), float(grid[k - 1]))
            if xe != x:
                run.append((xe, 0.0, qe.v, QUIESCENT_LABELS[qe.stability]))
        run.append((float(x), 0.0, q.v, QUIESCENT_LABELS[q.stability]))
    close()
    return out


def _rate_excess(model):
    """F(r) = Phi(r) - r of the model's self-consistent rate equation (its roots are the fixed-point rates):
    multi-pole Phi(r) = Re sum_k c_k sqrt(eta_k + I + J tau r)/(pi tau) (theory/THEORY.md eqs. (61)-(73));
    any density Phi(r) = (1/(pi tau)) int g(eta) sqrt(max(eta + I + J tau r, 0)) d eta (eqs. (74)-(79))."""
    if model.heterogeneity == "multipole":
        from .multipole import _rate_map as multipole_rate, coefficients, poles
        p = poles(n=model.poles, eta_bar=model.eta_bar, Delta=model.Delta)
        c = coefficients(model.poles)[1]
        return lambda r: multipole_rate(r, p, c, model.J, model.I, model.tau) - r
    from .general_response import _rate_map as any_density_rate
    g = model.density()
    return lambda r: any_density_rate(g, r, model.J, model.I, model.tau, FOLD_QUADRATURE_RTOL)[0] - r


def _newton_fold(model, vary: str, p0: float, r0: float, lo: float, hi: float):
    """The fold (p, r) near (p0, r0): Newton on F(r; p) = 0, dF/dr(r; p) = 0 (a double root of the rate
    equation), derivatives by central differences (steps 6e-6 of r and of the parameter's scale: truncation
    and rounding errors ~ 1e-11); None if it does not converge inside [lo, hi]."""
    F = lambda r, p: _rate_excess(model.replace(**{vary: p}))(r)
    p, r = p0, r0
    pscale = max(abs(p0), hi - lo)
    for _ in range(40):
        hr, hp = 6e-6 * r, 6e-6 * pscale
        f0, fp_, fm_ = F(r, p), F(r + hr, p), F(r - hr, p)
        fr = (fp_ - fm_) / (2 * hr)
        frr = (fp_ - 2 * f0 + fm_) / hr ** 2
        fpar = (F(r, p + hp) - F(r, p - hp)) / (2 * hp)
        frp = ((F(r + hr, p + hp) - F(r - hr, p + hp)) - (F(r + hr, p - hp) - F(r - hr, p - hp))) / (4 * hr * hp)
        det = fr * frp - fpar * frr
        if det == 0 or not math.isfinite(det):
            return None
        dr = (-f0 * frp + fpar * fr) / det
        dp = (-fr * fr + frr * f0) / det
        r, p = r + dr, p + dp
        if not (r > 0 and lo <= p <= hi):
            return None
        if abs(dp) <= 1e-14 * pscale and abs(dr) <= 1e-8 * r:  # r: limited by the rounding of dF/dr
            return p, r
    return None


def _numerical_fold(model, vary: str, a: float, b: float, na: int, nb: int, lo_range: float, hi_range: float):
    """The fold between grid values a < b (na != nb fixed points): bisection on the number of fixed points (the
    model's solver) to 1e-6 of the range, then Newton on the double root of the rate equation
    (:func:`_newton_fold`).  na, nb count every fixed point, the quiescent state included (a fold can pair the
    low-rate state born at the quiescent state's end with another one).  Returns (value, r, v, the other fixed
    points with r > 0 at the fold, refined?)."""
    lo, hi = a, b
    pa, pb = _solve(model, vary, a), _solve(model, vary, b)
    while b - a > BISECTION_RTOL * (hi_range - lo_range):
        c = 0.5 * (a + b)
        pc = _solve(model, vary, c)
        if len(pc) + (_quiescent(model, vary, c) is not None) == na:
            a, pa = c, pc
        else:
            b, pb = c, pc
    n_all = lambda pts, x: len(pts) + (_quiescent(model, vary, x) is not None)  # r = 0 included
    more = pa if n_all(pa, a) > n_all(pb, b) else pb
    less = pb if more is pa else pa
    k = min(range(len(more) - 1), key=lambda i: (more[i + 1][0] - more[i][0]) / more[i + 1][0])
    r0 = 0.5 * (more[k][0] + more[k + 1][0])
    v0 = 0.5 * (more[k][1] + more[k + 1][1])
    others = more[:k] + more[k + 2:]
    if len(others) != len(less):
        others = less
    found = _newton_fold(model, vary, 0.5 * (a + b), r0, max(lo - (hi - lo), lo_range), min(hi + (hi - lo), hi_range))
    if found is None:
        return 0.5 * (a + b), r0, v0, others, False
    p, r = found
    at = _solve(model, vary, p)  # the other fixed points at the fold (the solver may or may not resolve the pair)
    pair = sorted(range(len(at)), key=lambda i: abs(at[i][0] - r))[:len(at) - len(others)]
    v = at[pair[0]][1] if pair and abs(at[pair[0]][0] - r) <= 1e-3 * r else v0
    if len(at) - len(others) in (0, 2):
        others = [q for i, q in enumerate(at) if i not in pair]
    return p, r, v, others, True


@dataclass
class _Column:
    value: float
    points: list  # (r, v, label) sorted by r
    fold: SaddleNode | None = None
    others: list | None = None  # at a fold column: the fixed points that are not its double root


def bifurcation_diagram(model, *, vary: str, start: float, stop: float, points: int = 201,
                        progress: Callable[[int], None] | None = None) -> BifurcationDiagram:
    """Every branch of fixed points of ``model`` with ``vary`` from ``start`` to ``stop``, with stability and the
    saddle-node points.

    Parameters
    ----------
    model : Model
        The population; its value of ``vary`` is replaced along the diagram (the others are kept).
    vary : str
        One of eta_bar, J, Delta, I, tau (N and M do not change the fixed points: ParameterError).
    start, stop : float
        The range (finite, start != stop, every value valid for the model: Delta, tau > 0).
    points : int
        Grid values, 2 <= points <= MAX_POINTS, evenly spaced; the saddle-nodes in the range (and a midpoint
        between two saddle-nodes closer than a grid step) are added.
    progress : callable, optional
        Called with 1 after each grid value is solved (e.g. a progress bar's ``update``); None: silent.

    Returns
    -------
    BifurcationDiagram
        Branches with ascending values; a branch ends at a saddle-node (whose point it contains, labelled
        'saddle-node') or at the range.  Points are labelled 'stable' (every eigenvalue Re < 0), 'saddle' (one
        real unstable direction), 'unstable' or 'marginal' (numerics.model's classification).  Lorentzian: the
        saddle-nodes from the closed form (:func:`closed_form_saddle_nodes`); other families: where the number of
        fixed points changes by two between grid values, bisection on that number, then Newton on the double
        root of the rate equation (value to ~1e-14 relative, r to ~1e-10; a fold pair closer than a grid step is
        not seen).  The quiescent state r = 0, where it exists (``Model.quiescent_state()``), is its own branch
        labelled 'stable (quiescent)' / 'marginal (quiescent)' with v the mean resting voltage.  Grid values
        with no fixed point at all are listed in ``missing`` with the solver's reason.  Rates in spikes per unit
        time, v dimensionless, time in units of tau.
    """
    _check_vary(model, vary)
    start, stop = finite("start", start), finite("stop", stop)
    if start == stop:
        raise ParameterError("start and stop must differ (the range of %s), got %r for both" % (vary, start))
    if isinstance(points, bool) or not isinstance(points, (int, np.integer)):
        raise ParameterError("points must be an integer in 2..%d, got %r" % (MAX_POINTS, points))
    points = integer_at_least("points", points, 2)
    if points > MAX_POINTS:
        raise ParameterError("points must be an integer in 2..%d, got %r" % (MAX_POINTS, points))
    for name, val in (("start", start), ("stop", stop)):
        try:
            model.replace(**{vary: val})
        except ParameterError as e:
            raise ParameterError("%s = %r is not a valid %s: %s" % (name, val, vary, e)) from None
    lo, hi = min(start, stop), max(start, stop)
    width = hi - lo
    grid = np.linspace(lo, hi, points)
    lorentzian = model.heterogeneity == "lorentzian"
    qs = [_quiescent(model, vary, x) for x in grid]  # Model.quiescent_state() (None for unbounded densities)
    reasons: dict = {}

    def column(x: float) -> _Column:
        why: list = []
        col = _Column(float(x), _solve(model, vary, x, why))
        if why:
            reasons[float(x)] = why[0]
        if progress is not None:
            progress(1)
        return col

    if lorentzian:
        folds = [s for s in closed_form_saddle_nodes(model, vary=vary) if lo <= s.value <= hi]
        method = METHOD_CLOSED_FORM
        values = [x for x in grid if all(abs(x - s.value) > SNAP_RTOL * width for s in folds)]
        # a regular column between any two folds (and between a fold and the range's end)
        marks = [lo] + [s.value for s in folds] + [hi]
        for a, b in zip(marks[:-1], marks[1:]):
            if b - a > 2 * SNAP_RTOL * width and not any(a < x < b for x in values):
                values.append(0.5 * (a + b))
        columns = [column(x) for x in sorted(values)]
        for s in folds:
            others = [p for p in _solve(model, vary, s.value) if abs(p[0] - s.r) > FOLD_RTOL * s.r]
            columns.append(_Column(s.value, [], s, others))
    else:
        method = METHOD_NUMERICAL
        columns = [column(x) for x in grid]
        folds, unrefined = [], 0
        count = [len(c.points) + (q is not None) for c, q in zip(columns, qs)]  # the quiescent state included
        for k, (c0, c1) in enumerate(zip(columns[:-1], columns[1:])):
            if abs(count[k] - count[k + 1]) == 2:
                val, r, v, others, refined = _numerical_fold(model, vary, c0.value, c1.value, count[k],
                                                             count[k + 1], lo, hi)
                unrefined += not refined
                s = SaddleNode(float(val), float(r), float(v))
                folds.append(s)
                columns.append(_Column(val, [], s, others))
        if unrefined:
            method += "; %d fold(s) not refined by Newton: bisection only, to %g of the range" % (unrefined,
                                                                                              BISECTION_RTOL)
        folds.sort(key=lambda s: s.value)
    columns.sort(key=lambda c: (c.value, c.fold is not None))
    branches = _join(columns)
    quiet = _quiescent_branches(model, vary, grid, qs)
    missing = tuple(Missing(c.value, reasons.get(c.value, "no fixed point found")) for c in columns
                    if c.fold is None and not c.points and _quiescent(model, vary, c.value) is None)
    branches = sorted(branches + quiet, key=lambda b: (b.values[0], b.r[0]))
    return BifurcationDiagram(model=model, parameter=vary, start=start, stop=stop, points=points,
                              branches=tuple(branches), saddle_nodes=tuple(folds), saddle_node_method=method,
                              missing=missing)


def _join(columns: list[_Column]) -> list[Branch]:
    """Join the columns' fixed points into branches (see the module docstring).

    Between two columns the branches continue in the order of r (fixed points of one parameter value do not
    cross between saddle-nodes).  At a fold column the two branches that meet there end (their neighbours on the
    lower side have two more points than the fold's other fixed points) or start (on the upper side); the fold
    point is added to both (one more point only: one branch, the other born at the quiescent state's end).
    Neighbours whose numbers of points do not match this (a branch reaching r = 0, a fold not resolved) are
    matched by the order-preserving assignment of least total |log r| distance; the unmatched branches end or
    start there.
    """
    data: list[list] = []  # per branch: list of (value, r, v, label)

    def new(pt) -> int:
        data.append([pt])
        return len(data) - 1

    def slots_right(col: _Column, ids) -> list[tuple]:
        """(r, branch id) of the branches that continue to the right of ``col``."""
        if col.fold is None:
            return [(p[0], i) for p, i in zip(col.points, ids)]
        out = [(p[0], i) for p, i in zip(col.others, ids["others"])]
        out += [(col.fold.r, i) for i in ids["right"]]
        return sorted(out, key=lambda t: t[0])

    ids_prev = None
    prev = None
    for k, col in enumerate(columns):
        nxt = columns[k + 1] if k + 1 < len(columns) else None
        if col.fold is None:
            left_nodes = [(p[0], ("pt", j)) for j, p in enumerate(col.points)]
        else:
            # both fold branches come from the left, or one (the other is born at the quiescent state's end)
            lp = 0 if prev is None or prev.fold is not None else len(prev.points) - len(col.others)
            left_nodes = [(p[0], ("other", j)) for j, p in enumerate(col.others)]
            left_nodes += [(col.fold.r, ("fold", m)) for m in range(lp if lp in (1, 2) else 0)]
            left_nodes.sort(key=lambda t: t[0])
        incoming = slots_right(prev, ids_prev) if prev is not None else []
        assign = _match([r for r, _ in incoming], [r for r, _ in left_nodes])
        got = {}
        for a, b in assign:
            got[left_nodes[b][1]] = incoming[a][1]
        if col.fold is None:
            ids = []
            for j, p in enumerate(col.points):
                pt = (col.value, p[0], p[1], p[2])
                i = got.get(("pt", j))
                if i is None:
                    i = new(pt)
                else:
                    data[i].append(pt)
                ids.append(i)
        else:
            s = col.fold
            fpt = (s.value, s.r, s.v, "saddle-node")
            others = []
            for j, p in enumerate(col.others):
                pt = (col.value, p[0], p[1], p[2])
                i = got.get(("other", j))
                if i is None:
                    i = new(pt)
                else:
                    data[i].append(pt)
                others.append(i)
            ended = [got[("fold", m)] for m in (0, 1) if ("fold", m) in got]
            for i in ended:
                data[i].append(fpt)
            rp = 0 if nxt is None or nxt.fold is not None else len(nxt.points) - len(col.others)
            right = [new(fpt) for _ in range(rp if rp in (1, 2) else 0)]
            if not ended and not right:
                new(fpt)  # a fold on the range's edge, its branches outside: the point alone
            ids = {"others": others, "right": right}
        prev, ids_prev = col, ids
    out = []
    for pts in data:
        vals, r, v, lab = zip(*pts)
        out.append(Branch(np.array(vals, dtype=float), np.array(r, dtype=float), np.array(v, dtype=float),
                          tuple(lab)))
    out.sort(key=lambda b: (b.values[0], b.r[0]))
    return out


def _match(a: list[float], b: list[float]) -> list[tuple[int, int]]:
    """Order-preserving matching of two ascending lists of rates: index pairs.  Equal lengths: in order; else the
    min(len) elements of the longer list (chosen among all subsets) with the least total |log r| distance."""
    if len(a) == len(b):
        return list(zip(range(len(a)), range(len(b))))
    if not a or not b:
        return []
    swap = len(a) > len(b)
    short, long_ = (b, a) if swap else (a, b)
    best, best_cost = None, math.inf
    for subset in itertools.combinations(range(len(long_)), len(short)):
        cost = sum(abs(math.log(max(short[i], 1e-300) / max(long_[j], 1e-300))) for i, j in enumerate(subset))
        if cost < best_cost:
            best, best_cost = subset, cost
    pairs = list(enumerate(best))
    return [(j, i) for i, j in pairs] if swap else pairs
