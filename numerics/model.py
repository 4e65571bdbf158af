"""The model description: a QIF population (today one Lorentzian population with delta synapses).

:class:`Model` is plain, validated data — the population (N, tau, eta_bar, Delta,
heterogeneity family, input I), the coupling J and an optional read-out subset M —
and the entry point of the spine

    Model ──► OperatingPoint ──► spectra / resonance / expected estimates
      └──► simulate_network / simulate_stochastic_mass / integrate ──► estimates ──► checks

``Model.fixed_points()`` is the only place that solves for fixed points (theory/THEORY.md
eqs. (21)-(22)); everything downstream takes an :class:`~shotnoise.numerics.operating_point.OperatingPoint`.

Extension points (kept in the data layout, so later model families extend this class
without changing its callers): ``heterogeneity`` names the excitability family, and the
dictionary form (:meth:`Model.to_dict`, :meth:`Model.from_dict`, :meth:`Model.from_file`)
has a ``populations`` / ``coupling`` layout that already describes P populations.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import dataclasses
import json
import math
import pathlib
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from shotnoise.theory.errors import ParameterError

from .parameters import MPRParameters, finite, integer_at_least, positive

if TYPE_CHECKING:  # the density kernels are numba ufuncs compiled at import: imported lazily
    from .densities import Density
    from .families import QuiescentState

from .families import FAMILIES, REDUCED

#: excitability families (theory for every one: numerics.families)
HETEROGENEITIES = FAMILIES
#: families with an exact finite-dimensional mass model (eigenvalues, trajectories, the stochastic mass model)
REDUCED_FAMILIES = REDUCED
#: families with a linear theory (fixed points, spectra, linear response): all of them
THEORY_FAMILIES = FAMILIES
#: how a finite network draws its excitabilities
DRAWS = ("quantile", "random")
#: fixed-point branch names when there are several
BRANCHES = ("low", "mid", "high")


@dataclass(frozen=True)
class Model:
    """One population of QIF neurons, all-to-all coupled with delta synapses.

    ``tau dV_j/dt = V_j^2 + eta_j + I + J tau s(t)``, eta_j ~ g (centre ``eta_bar``, width ``Delta``),
    each spike of the N neurons kicks every V by J/N.

    Parameters (keyword-only, in the package order)
    ----------------------------------------------
    eta_bar : float
        Centre of the excitability distribution g.
    Delta : float
        Scale of g (> 0): half-width at half-maximum (Lorentzian, multi-pole), standard deviation (Gaussian)
        or half-width of the support (uniform).
    J : float
        Coupling; J tau s enters tau dV/dt.
    I : float
        Constant external current (default 0).
    tau : float
        Membrane time constant (> 0, default 1); rates are in spikes per unit of time.
    N : float or None
        Population size (>= 1); needed for spectra and simulations, not for fixed points.
    M : float or None
        Size of a random read-out subset (1 <= M <= N), for subpopulation spectra.
    heterogeneity : str
        Family of g: 'lorentzian' (MPR), 'multipole' (g_n ~ 1/(1 + ((eta - eta_bar)/Delta)^(2n)), exact
        reduced model of n complex modes), 'gaussian' or 'uniform' (any-g theory: quadrature, principal-value
        response, stability from the zeros of 1 - J G).
    poles : int or None
        Order n = 1..4 of the multi-pole family (required for 'multipole', None otherwise).

    Supported ranges (``ParameterError`` naming the parameter outside them): |eta_bar|, |J|, |I| <= 1e100,
    1e-100 <= Delta <= 1e100, 1e-50 <= tau <= 1e50; numbers must be int, float or numpy reals.
    """

    eta_bar: float
    Delta: float
    J: float
    I: float = 0.0
    tau: float = 1.0
    N: float | None = None
    M: float | None = None
    heterogeneity: str = "lorentzian"
    poles: int | None = None

    def __init__(self, *, eta_bar: float, Delta: float, J: float, I: float = 0.0, tau: float = 1.0,
                 N: float | None = None, M: float | None = None, heterogeneity: str = "lorentzian",
                 poles: int | None = None):
        s = lambda k, v: object.__setattr__(self, k, v)
        s("eta_bar", finite("eta_bar", eta_bar))
        s("Delta", positive("Delta", Delta))
        s("J", finite("J", J))
        s("I", finite("I", I))
        s("tau", positive("tau", tau))
        if N is not None:
            N = finite("N", N)
            if N < 1:
                raise ParameterError("N must be >= 1, got %r" % N)
        s("N", N)
        if M is not None:
            M = finite("M", M)
            if N is None:
                raise ParameterError("M (a read-out subset) needs N")
            if not 1 <= M <= N:
                raise ParameterError("M must satisfy 1 <= M <= N, got M=%r, N=%r" % (M, N))
        s("M", M)
        if heterogeneity not in HETEROGENEITIES:
            raise ParameterError("heterogeneity must be one of %s, got %r" % (", ".join(HETEROGENEITIES),
                                                                             heterogeneity))
        s("heterogeneity", heterogeneity)
        if heterogeneity == "multipole":
            if poles is None:
                raise ParameterError("poles (the order n = 1..4 of the multi-pole family) is required for "
                                     "heterogeneity='multipole'")
            from .families import pole_order
            poles = pole_order(poles)
        elif poles is not None:
            raise ParameterError("poles is only used with heterogeneity='multipole', got heterogeneity=%r, poles=%r"
                                 % (heterogeneity, poles))
        s("poles", poles)
        if heterogeneity in ("gaussian", "uniform"):  # the any-density quadratures' validated range
            from .families import check_any_g_range
            check_any_g_range(eta_bar=self.eta_bar, Delta=self.Delta, J=self.J, I=self.I)
        MPRParameters(self.eta_bar, self.Delta, self.J, self.I, self.tau)  # the supported ranges (ParameterError)

    # ------------------------------------------------------------------ data
    def replace(self, **changes) -> "Model":
        """A copy with some parameters changed (validated again)."""
        return Model(**{**self._fields(), **changes})

    def _fields(self) -> dict:
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}

    @property
    def parameters(self) -> MPRParameters:
        """The MPR parameters (eta_bar, Delta, J, I, tau) in kernel order."""
        return MPRParameters(self.eta_bar, self.Delta, self.J, self.I, self.tau)

    def require_N(self) -> float:
        """N, or a ParameterError saying that this computation needs it."""
        if self.N is None:
            raise ParameterError("N (the number of neurons) is required here: Model(..., N=...)")
        return self.N

    def to_dict(self) -> dict:
        """The model as plain data (the model-file layout; one population named 'pop')."""
        flat = self.flat_dict()
        pop = {"N": flat["N"], "eta_bar": self.eta_bar, "Delta": self.Delta, "tau": self.tau, "tau_s": 0.0,
               "heterogeneity": self.heterogeneity}
        if self.poles is not None:
            pop["poles"] = self.poles
        if self.M is not None:
            pop["M"] = flat["M"]
        return {"populations": {"pop": pop}, "coupling": {"pop": {"pop": self.J}}, "input": {"pop": self.I}}

    def flat_dict(self) -> dict:
        """The parameters as one flat dict (eta_bar, Delta, J, I, tau, N, M, heterogeneity, poles); integral N, M
        as int."""
        d = self._fields()
        for k in ("N", "M"):
            if d[k] is not None and float(d[k]).is_integer():
                d[k] = int(d[k])
        return d

    @classmethod
    def from_dict(cls, doc: dict, **overrides) -> "Model":
        """Inverse of :meth:`to_dict` (also accepts the flat form of :meth:`flat_dict`).

        ``overrides`` (flat keyword parameters, e.g. ``poles=3``) replace the document's values before the
        model is validated, so they can complete or correct it.  Unknown keys raise :class:`ParameterError`
        naming the key.  A document with several populations or synaptic filtering (tau_s != 0) describes a
        :class:`~shotnoise.numerics.circuit.model.Circuit`, which is returned instead (overrides are then refused).
        """
        from .circuit.model import Circuit, is_circuit_document

        if is_circuit_document(doc):
            if overrides:
                raise ParameterError("parameter overrides (%s) apply to one population; edit the circuit's model file"
                                     % ", ".join(sorted(overrides)))
            return Circuit.from_dict(doc)
        return cls(**{**cls.fields_of(doc), **overrides})

    @classmethod
    def fields_of(cls, doc: dict) -> dict:
        """The flat keyword parameters a model document describes (layout checked, values not yet validated)."""
        if not isinstance(doc, dict):
            raise ParameterError("a model description must be a JSON object, got %s" % type(doc).__name__)
        if "populations" not in doc:
            unknown = set(doc) - {f.name for f in dataclasses.fields(cls)}
            if unknown:
                raise ParameterError("unknown model key(s): %s" % ", ".join(sorted(unknown)))
            return dict(doc)
        unknown = set(doc) - {"populations", "coupling", "input"}
        if unknown:
            raise ParameterError("unknown model key(s): %s" % ", ".join(sorted(unknown)))
        pops = doc["populations"]
        if not isinstance(pops, dict) or len(pops) != 1:
            raise ParameterError("populations: a Model has exactly one population, got %r (several populations: "
                                 "shotnoise.numerics.circuit.Circuit or Model.from_file)"
                                 % (list(pops) if isinstance(pops, dict) else pops))
        (name, pop), = pops.items()
        if not isinstance(pop, dict):
            raise ParameterError("populations.%s must be an object of parameters, got %s" % (name, type(pop).__name__))
        allowed = {"N", "M", "eta_bar", "Delta", "tau", "tau_s", "heterogeneity", "poles"}
        unknown = set(pop) - allowed
        if unknown:
            raise ParameterError("populations.%s: unknown key(s) %s" % (name, ", ".join(sorted(unknown))))
        if finite("populations.%s.tau_s" % name, pop.get("tau_s", 0.0)) != 0.0:
            raise ParameterError("populations.%s.tau_s: a Model has delta synapses (tau_s = 0); synaptic filtering: "
                                 "shotnoise.numerics.circuit.Circuit or Model.from_file" % name)
        coupling = doc.get("coupling", {})
        if not isinstance(coupling, dict) or not all(isinstance(row, dict) for row in coupling.values()):
            raise ParameterError("coupling must be an object {target: {source: J}}")
        if set(coupling) - {name} or any(set(row) - {name} for row in coupling.values()):
            raise ParameterError("coupling names an unknown population (known: %s)" % name)
        J = coupling.get(name, {}).get(name, 0.0)
        inp = doc.get("input", {})
        if not isinstance(inp, dict):
            raise ParameterError("input must be an object {population: I}")
        if set(inp) - {name}:
            raise ParameterError("input names an unknown population (known: %s)" % name)
        kw = {k: pop[k] for k in ("N", "M", "eta_bar", "Delta", "tau", "heterogeneity", "poles") if k in pop}
        for k in ("eta_bar", "Delta"):
            if k not in kw:
                raise ParameterError("populations.%s.%s is required" % (name, k))
        return dict(J=J, I=inp.get(name, 0.0), **kw)

    @classmethod
    def from_file(cls, path: str | pathlib.Path, **overrides) -> "Model":
        """Read a JSON model file (layout of :meth:`to_dict`); ``overrides`` as in :meth:`from_dict`.  An invalid
        model is a ParameterError that names the file.  A file with several populations or synaptic filtering
        gives a :class:`~shotnoise.numerics.circuit.model.Circuit`."""
        from .circuit.model import is_circuit_document

        p = pathlib.Path(path)
        raw = cls._read_json(p)
        if is_circuit_document(raw):
            try:
                return cls.from_dict(raw, **overrides)
            except ParameterError as e:
                raise ParameterError("model file %s: %s" % (p, e)) from None
        doc = cls.fields_of(raw)
        try:
            return cls(**{**doc, **overrides})
        except ParameterError as e:
            raise ParameterError("model file %s (with the options given): %s" % (p, e)) from None

    @classmethod
    def file_fields(cls, path: str | pathlib.Path) -> dict:
        """The flat keyword parameters of a JSON model file (layout checked, values not yet validated)."""
        return cls.fields_of(cls._read_json(pathlib.Path(path)))

    @staticmethod
    def _read_json(p: pathlib.Path) -> dict:
        try:
            text = p.read_text(encoding="utf-8")
        except OSError as e:
            raise ParameterError("cannot read model file %s: %s" % (p, e.strerror or e)) from None
        except UnicodeDecodeError:
            raise ParameterError("model file %s is not UTF-8 text" % p) from None
        try:
            return json.loads(text)
        except json.JSONDecodeError as e:
            raise ParameterError("model file %s is not valid JSON: %s" % (p, e)) from None

    # ------------------------------------------------------------------ heterogeneity
    def density(self) -> Density:
        """The excitability density g (centre eta_bar, scale Delta; numerics.families)."""
        from .families import density

        return density(self)

    def excitabilities(self, *, draw: str = "quantile", seed: int | np.random.Generator = 0) -> np.ndarray:
        """eta_j of a network of N neurons: deterministic quantiles or i.i.d. random draws (seeded).

        For the Lorentzian, quantiles are the literature's eta_bar + Delta tan(pi/2 (2j - N - 1)/(N + 1)).
        """
        N = integer_at_least("N", self.require_N(), 1)
        g = self.density()
        if not isinstance(seed, np.random.Generator):
            seed = integer_at_least("seed", seed, 0)
        if draw == "quantile":
            return g.quantiles(N)
        if draw == "random":
            rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
            return g.sample(N, rng)
        raise ParameterError("draw must be one of %s, got %r" % (", ".join(DRAWS), draw))

    # ------------------------------------------------------------------ operating points
    @cached_property
    def _fixed_points(self) -> tuple:
        from .families import fixed_points
        from .operating_point import OperatingPoint

        pts = fixed_points(self)
        if not pts:
            q = self.quiescent_state()
            if q is None:  # an unbounded density: Phi(0) > 0, but the rate is not resolved in double precision
                raise ParameterError("no asynchronous state with r > 0 resolved: the population is practically "
                                     "quiescent, its rate is below the solver's double-precision resolution (%s)"
                                     % self.describe())
            raise ParameterError("no asynchronous state with r > 0: the population is quiescent, its only fixed point "
                                 "is r = 0, %s (every neuron below threshold: top of the support + I = %.6g <= 0; "
                                 "mean resting voltage %.6g; %s)" % (q.stability, q.margin, q.v, self.describe()))
        names = [None] if len(pts) == 1 else (["low", "high"] if len(pts) == 2 else list(BRANCHES))
        return tuple(OperatingPoint(model=self, branch=nm, **q) for q, nm in zip(pts, names))

    def fixed_points(self) -> list:
        """All fixed points of the mass model (r > 0), sorted by r, each an OperatingPoint (solved once).

        Lorentzian and multi-pole: fixed points of the reduced model with its eigenvalues; Gaussian and uniform:
        the self-consistent rates r = int g(eta) sqrt(max(eta + I + J tau r, 0)) d eta/(pi tau), stability from
        the zeros of 1 - J G (numerics.families)."""
        return list(self._fixed_points)

    def quiescent_state(self) -> QuiescentState | None:
        """The quiescent fixed point r = 0 (a families.QuiescentState: mean resting voltage v, stability, slowest
        eigenvalue) when every neuron is below threshold at r = 0 (eta_max + I <= 0, eta_max the top of the
        density's support: the uniform family's eta_bar + Delta), else None.  Not among :meth:`fixed_points`
        (the asynchronous states r > 0, which carry linear response and shot noise)."""
        from .families import quiescent_state

        return quiescent_state(self)

    def operating_point(self, *, branch: str | None = None, require_stable: bool = True):
        """The operating point for linear response.

        branch=None: the unique fixed point (ParameterError naming the branches if there are
        several); 'low' | 'mid' | 'high': that branch.  With ``require_stable`` a point that is neither stable
        nor marginal is a ParameterError (linear response needs one).
        """
        pts = self._fixed_points
        if branch is None:
            if len(pts) != 1:
                raise ParameterError("%d fixed points exist (r = %s); choose one with branch = %s"
                                     % (len(pts), ", ".join("%.6g" % q.r for q in pts),
                                        " | ".join(q.branch for q in pts)))
            op = pts[0]
        else:
            if branch not in BRANCHES:
                raise ParameterError("branch must be one of %s, got %r" % (", ".join(BRANCHES), branch))
            match = [q for q in pts if q.branch == branch]
            if not match:
                raise ParameterError("branch %r does not exist: %d fixed point(s)%s" % (
                    branch, len(pts), "" if len(pts) < 2 else " (%s)" % ", ".join(q.branch for q in pts)))
            op = match[0]
        if require_stable and not op.linear_response_defined:
            raise ParameterError("the %s fixed point (r=%.6g) is a %s: linear response needs a stable fixed point"
                                 % (branch or "unique", op.r, op.stability))
        return op

    def nearest_stable_point(self, *, r: float):
        """The stable (or marginal: linear response defined) fixed point whose rate is closest to ``r``
        (ParameterError if there is none)."""
        stable = [q for q in self._fixed_points if q.linear_response_defined]
        if not stable:
            raise ParameterError("no stable or marginal fixed point: the linear theory does not apply")
        return min(stable, key=lambda q: abs(q.r - r))

    def self_consistent_rate(self) -> float:
        """Thermodynamic-limit rate r = int g(eta) sqrt(max(eta + I + J tau r, 0)) d eta / (pi tau), any g.

        The highest fixed point of :meth:`fixed_points` (the unique one unless J > 0 makes several).
        """
        return self._fixed_points[-1].r

    # ------------------------------------------------------------------ simulations
    def simulate_network(self, *, T: float, dt: float, transient: float = 0.0, bin_width: float | None = None,
                         draw: str = "quantile", eta=None, seed: int = 0, raster: int = 0, V0=None,
                         r_init: float | None = None, progress: bool = False, keep_series: bool = True,
                         segment: float | None = None):
        """The finite network of N QIF neurons, exact between kicks (see ``numerics.qif_network``).

        ``eta`` overrides the draw (an explicit sample of N excitabilities).  ``seed`` seeds the random
        draw (its own stream), the initial phases and the choice of the subsets; the subset M of the
        model (if any) is recorded separately.  ``keep_series=False`` keeps memory independent of T
        (means, and Welch spectra with ``segment``, are accumulated on the fly).  Returns a ``NetworkResult``.
        """
        from .qif_network import simulate_network

        seed = integer_at_least("seed", seed, 0)
        if eta is None:
            eta = self.excitabilities(draw=draw, seed=np.random.default_rng([int(seed), 1]))
        else:
            eta = np.asarray(eta, dtype=float)
            if self.N is not None and eta.size != int(self.N):
                raise ParameterError("eta must have N=%d values, got %d" % (int(self.N), eta.size))
        return simulate_network(eta, J=self.J, T=T, dt=dt, I=self.I, tau=self.tau, transient=transient,
                                bin_width=bin_width, M=self._integer_M(), raster=raster, V0=V0, r_init=r_init,
                                seed=seed, progress=progress, keep_series=keep_series, segment=segment)

    def _integer_M(self) -> int:
        if self.M is None:
            return 0
        if self.M != int(self.M):
            raise ParameterError("M must be an integer for a network (1 <= M <= N), got %r" % self.M)
        return int(self.M)

    def simulate_stochastic_mass(self, *, T: float, dt: float, noise: str = "white", scheme: str = "heun",
                                 transient: float = 0.0, bin_width: float | None = None, branch: str | None = None,
                                 r0: float | None = None, v0: float | None = None, eta=None, seed: int = 0,
                                 keep_series: bool = True, segment: float | None = None, progress: bool = False):
        """The stochastic mass model with shot noise of kind ``noise`` (white | colored | surrogate).

        Lorentzian (r, v) or multi-pole (n complex modes, the shot noise J tau xi common to all of them); a
        Gaussian or uniform population has no exact finite mass model (ParameterError).  Starts at the chosen
        fixed point unless (r0, v0) are given (multi-pole: every mode shifted by pi tau (r0 - r*) + i (v0 - v*));
        see ``numerics.stochastic_mass``.
        """
        from .stochastic_mass import simulate_stochastic_mass

        seed = integer_at_least("seed", seed, 0)
        return simulate_stochastic_mass(self, T=T, dt=dt, noise=noise, scheme=scheme, transient=transient,
                                        bin_width=bin_width, branch=branch, r0=r0, v0=v0, eta=eta, seed=seed,
                                        keep_series=keep_series, segment=segment, progress=progress)

    def integrate(self, *, r0: float, v0: float, T: float, dt: float, method: str = "rk4", save_every: int = 1):
        """Deterministic MPR trajectory from (r0, v0) (``numerics.mpr.integrate``)."""
        from .mpr import integrate

        if self.heterogeneity != "lorentzian":
            raise ParameterError("integrate: the deterministic (r, v) trajectory is the Lorentzian's MPR model; "
                                 "got heterogeneity=%r" % self.heterogeneity)
        return integrate(self.parameters, r0=r0, v0=v0, T=T, dt=dt, method=method, save_every=save_every)

    def describe(self) -> str:
        """Short human-readable parameter string."""
        s = "eta_bar=%g, Delta=%g, J=%g" % (self.eta_bar, self.Delta, self.J)
        if self.I:
            s += ", I=%g" % self.I
        if self.tau != 1.0:
            s += ", tau=%g" % self.tau
        if self.N is not None:
            s += ", N=%g" % self.N
        if self.M is not None:
            s += ", M=%g" % self.M
        if self.heterogeneity != "lorentzian":
            s += ", %s" % self.heterogeneity
        if self.poles is not None:
            s += " n=%d" % self.poles
        return s


def _finite_or_none(x: float):
    return x if math.isfinite(x) else None
