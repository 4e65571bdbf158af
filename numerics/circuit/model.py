"""A circuit: P populations of QIF neurons with synaptic filtering (theory/THEORY.md section 9).

    tau_a dV_j/dt = V_j^2 + eta_j + I_a + tau_a h_a(t),   h_a = sum_b J_ab s_b(t)        (neuron j of a)
    tau_s,b ds_b/dt = -s_b + A_b(t),   A_b = (1/N_b) sum of the spikes of b            (s_b = A_b if tau_s,b = 0)

:class:`Circuit` is plain, validated data (populations, coupling matrix J_ab from b onto a, inputs) and the entry
point of the spine for several populations::

    Circuit ──► fixed_points() ──► CircuitOperatingPoint ──► transfer matrix, spectral matrix, quasi-cycle
      ├──► hopf(...) (continuation in one parameter)
      └──► simulate_network / simulate_stochastic_mass

The model file (JSON) is the layout of :meth:`Circuit.to_dict`::

    {"populations": {"E": {"N": 800, "eta_bar": 1.0, "Delta": 0.1, "tau": 1.0, "tau_s": 0.2}, ...},
     "coupling": {"E": {"E": 2.0, "I": -4.0}, ...},  "input": {"E": 0.0, ...}}

One population with delta synapses is :class:`~shotnoise.numerics.model.Model`; ``Circuit.from_model`` lifts it,
and every result of the circuit reproduces the model's (tested).  Populations are Lorentzian or multi-pole
(the families with an exact reduced mass model: the circuit's stability and Hopf points are eigenvalues of it).
"""
from __future__ import annotations

import dataclasses
import json
import pathlib
import re
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from shotnoise.theory.errors import ParameterError

from ..families import FAMILIES, REDUCED, pole_order
from ..parameters import PARAMETER_BOUND, finite, integer_at_least
from ..parameters import _bounded  # the supported magnitudes of the single-population model

#: keys a population may have in a model file
POPULATION_KEYS = ("N", "eta_bar", "Delta", "tau", "tau_s", "heterogeneity", "poles")
#: top-level keys of a model file
MODEL_KEYS = ("populations", "coupling", "input")
#: names a population cannot have (keys of the results next to the population names) or that are parameter roots
RESERVED_NAMES = ("stability", "eigenvalues", "index", "quasi_cycle", "J", "coupling", "input")
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9]*$")
#: tau_s / tau of an exponential synapse (beyond, its eigenvalue -1/tau_s is below the rounding of the others: the
#: fixed point would be classified marginal, or the synapse is faster than any step can resolve)
TAU_S_RANGE = (1e-8, 1e8)
#: synapse kinds (tau_s = 0: delta; tau_s > 0: exponential)
SYNAPSES = ("delta", "exponential")


@dataclass(frozen=True)
class Population:
    """One population of a circuit.

    Parameters (keyword-only)
    -------------------------
    name : str
        Name used in the model file, in results and in parameter paths ('E', 'I', ...).
    eta_bar, Delta : float
        Centre and scale (> 0, half-width at half-maximum) of the excitability density.
    tau : float
        Membrane time constant (> 0).
    tau_s : float
        Time constant of the population's outgoing synapses (>= 0; 0 = delta synapses).
    I : float
        Constant input current.
    N : float or None
        Number of neurons (>= 1); needed for spectra and simulations.
    heterogeneity : str
        'lorentzian' or 'multipole' (with ``poles`` = n = 1..4).
    """

    name: str
    eta_bar: float
    Delta: float
    tau: float = 1.0
    tau_s: float = 0.0
    I: float = 0.0
    N: float | None = None
    heterogeneity: str = "lorentzian"
    poles: int | None = None

    def __init__(self, *, name: str, eta_bar: float, Delta: float, tau: float = 1.0, tau_s: float = 0.0,
                 I: float = 0.0, N: float | None = None, heterogeneity: str = "lorentzian",
                 poles: int | None = None):
        s = lambda k, v: object.__setattr__(self, k, v)
        if not isinstance(name, str) or not _NAME.match(name) or name in RESERVED_NAMES:
            raise ParameterError("populations.%s: a population name must be a letter followed by letters or digits "
                                 "(it becomes part of symbol names such as r_%s and of parameter paths) and not one "
                                 "of %s" % (name, name, ", ".join(RESERVED_NAMES)))
        s("name", name)
        key = lambda k: "populations.%s.%s" % (name, k)
        s("eta_bar", _bounded(key("eta_bar"), eta_bar, -PARAMETER_BOUND, PARAMETER_BOUND))
        s("Delta", _bounded(key("Delta"), Delta, 1e-100, 1e100))
        s("tau", _bounded(key("tau"), tau, 1e-50, 1e50))
        tau_s = finite(key("tau_s"), tau_s)
        if tau_s != 0 and not TAU_S_RANGE[0] * self.tau <= tau_s <= TAU_S_RANGE[1] * self.tau:
            raise ParameterError("%s must be 0 (delta synapses) or within [%g, %g] x tau = [%g, %g], got %r"
                                 % (key("tau_s"), TAU_S_RANGE[0], TAU_S_RANGE[1], TAU_S_RANGE[0] * self.tau,
                                    TAU_S_RANGE[1] * self.tau, tau_s))
        s("tau_s", tau_s)
        s("I", _bounded("input.%s" % name, I, -PARAMETER_BOUND, PARAMETER_BOUND))
        if N is not None:
            N = finite(key("N"), N)
            if N < 1:
                raise ParameterError("%s must be >= 1, got %r" % (key("N"), N))
        s("N", N)
        if heterogeneity not in REDUCED:
            if heterogeneity in FAMILIES:
                raise ParameterError(
                    "%s: %r has no finite mass model; a circuit (several populations or synapses) needs one of %s "
                    "(one population with delta synapses of any family: shotnoise.numerics.Model)"
                    % (key("heterogeneity"), heterogeneity, ", ".join(REDUCED)))
            raise ParameterError("%s must be one of %s, got %r" % (key("heterogeneity"), ", ".join(REDUCED),
                                                                   heterogeneity))
        s("heterogeneity", heterogeneity)
        if heterogeneity == "multipole":
            if poles is None:
                raise ParameterError("%s (the order n = 1..4) is required for heterogeneity 'multipole'" % key("poles"))
            try:
                poles = pole_order(poles)
            except ParameterError as e:
                raise ParameterError("%s: %s" % (key("poles"), e)) from None
        elif poles is not None:
            raise ParameterError("%s is only used with heterogeneity 'multipole'" % key("poles"))
        s("poles", poles)

    @property
    def n_modes(self) -> int:
        """Number of complex modes of the reduced model (1 for the Lorentzian)."""
        return 1 if self.heterogeneity == "lorentzian" else self.poles

    @property
    def synapse(self) -> str:
        """'delta' (tau_s = 0) or 'exponential'."""
        return "delta" if self.tau_s == 0.0 else "exponential"

    def require_N(self) -> float:
        if self.N is None:
            raise ParameterError("populations.%s.N (the number of neurons) is required here" % self.name)
        return self.N

    def to_dict(self) -> dict:
        """The population's entry of the model file (without its input, which has its own block)."""
        d = {"N": _plain(self.N), "eta_bar": self.eta_bar, "Delta": self.Delta, "tau": self.tau, "tau_s": self.tau_s,
             "heterogeneity": self.heterogeneity}
        if self.N is None:
            del d["N"]
        if self.poles is not None:
            d["poles"] = self.poles
        return d

    def replace(self, **changes) -> "Population":
        return Population(**{**{f.name: getattr(self, f.name) for f in dataclasses.fields(self)}, **changes})


def _plain(x):
    return int(x) if isinstance(x, float) and x.is_integer() else x


@dataclass(frozen=True, eq=False)
class Circuit:
    """P populations coupled through synapses: J[a, b] (``coupling[a][b]``) from presynaptic b onto a.

    Build it from populations and a coupling given either as a P x P array (in the populations' order) or as a
    nested mapping {target: {source: J}} (missing entries are 0)::

        Circuit(populations=[Population(name="I", eta_bar=1.0, Delta=0.1, tau_s=0.5, N=2000)],
                coupling={"I": {"I": -5.0}})

    or from a model file (:meth:`from_file`, :meth:`from_dict`).
    """

    populations: tuple
    J: np.ndarray

    def __init__(self, *, populations, coupling):
        pops = tuple(populations)
        if not pops:
            raise ParameterError("populations: at least one population is required")
        for p in pops:
            if not isinstance(p, Population):
                raise ParameterError("populations must be Population objects, got %s" % type(p).__name__)
        names = [p.name for p in pops]
        if len({n.lower() for n in names}) != len(names):
            raise ParameterError("populations: names must differ also ignoring case (Fortran and XPP exports), got %s"
                                 % ", ".join(names))
        P = len(pops)
        if isinstance(coupling, dict):
            J = np.zeros((P, P))
            index = {n: i for i, n in enumerate(names)}
            for a, row in coupling.items():
                if a not in index:
                    raise ParameterError("coupling.%s names an unknown population (known: %s)" % (a, ", ".join(names)))
                if not isinstance(row, dict):
                    raise ParameterError("coupling.%s must be an object {source: J}" % a)
                for b, val in row.items():
                    if b not in index:
                        raise ParameterError("coupling.%s.%s names an unknown population (known: %s)"
                                             % (a, b, ", ".join(names)))
                    J[index[a], index[b]] = _bounded("coupling.%s.%s" % (a, b), val, -PARAMETER_BOUND,
                                                     PARAMETER_BOUND)
        else:
            try:
                J = np.array(coupling, dtype=float)
            except (TypeError, ValueError):
                raise ParameterError("coupling must be a P x P array of numbers or {target: {source: J}}") from None
            if J.shape != (P, P):
                raise ParameterError("coupling must be %d x %d, got shape %s" % (P, P, J.shape))
            for a in range(P):
                for b in range(P):
                    _bounded("coupling.%s.%s" % (names[a], names[b]), float(J[a, b]), -PARAMETER_BOUND,
                             PARAMETER_BOUND)
        J.setflags(write=False)
        object.__setattr__(self, "populations", pops)
        object.__setattr__(self, "J", J)

    # ------------------------------------------------------------------ data
    @property
    def names(self) -> tuple:
        return tuple(p.name for p in self.populations)

    @property
    def P(self) -> int:
        return len(self.populations)

    def index(self, name: str) -> int:
        """Position of population ``name`` (ParameterError naming the known ones)."""
        try:
            return self.names.index(name)
        except ValueError:
            raise ParameterError("unknown population %r (known: %s)" % (name, ", ".join(self.names))) from None

    def population(self, name: str) -> Population:
        return self.populations[self.index(name)]

    @property
    def tau(self) -> np.ndarray:
        return np.array([p.tau for p in self.populations])

    @property
    def tau_s(self) -> np.ndarray:
        return np.array([p.tau_s for p in self.populations])

    @property
    def I(self) -> np.ndarray:
        return np.array([p.I for p in self.populations])

    @property
    def N(self) -> np.ndarray:
        """Population sizes (ParameterError if one is missing)."""
        return np.array([p.require_N() for p in self.populations])

    def coupling_dict(self) -> dict:
        return {a.name: {b.name: float(self.J[i, j]) for j, b in enumerate(self.populations)}
                for i, a in enumerate(self.populations)}

    def to_dict(self) -> dict:
        """The circuit as plain data (the model-file layout)."""
        return {"populations": {p.name: p.to_dict() for p in self.populations}, "coupling": self.coupling_dict(),
                "input": {p.name: p.I for p in self.populations}}

    def __eq__(self, other) -> bool:
        return isinstance(other, Circuit) and self.to_dict() == other.to_dict()

    def __hash__(self) -> int:
        return hash(json.dumps(self.to_dict(), sort_keys=True))

    def describe(self) -> str:
        """Short human-readable description."""
        parts = []
        for p in self.populations:
            s = "%s(eta_bar=%g, Delta=%g" % (p.name, p.eta_bar, p.Delta)
            if p.tau != 1.0:
                s += ", tau=%g" % p.tau
            if p.tau_s:
                s += ", tau_s=%g" % p.tau_s
            if p.I:
                s += ", I=%g" % p.I
            if p.N is not None:
                s += ", N=%g" % p.N
            if p.heterogeneity != "lorentzian":
                s += ", multipole n=%d" % p.poles
            parts.append(s + ")")
        coup = ", ".join("J_%s%s=%g" % (a, b, self.J[i, j]) for i, a in enumerate(self.names)
                         for j, b in enumerate(self.names) if self.J[i, j] != 0)
        return "; ".join(parts) + ("; " + coup if coup else "")

    @classmethod
    def from_model(cls, model) -> "Circuit":
        """The one-population, delta-synapse circuit of a :class:`~shotnoise.numerics.model.Model`."""
        if model.M is not None:
            raise ParameterError("M (a read-out subset) is not supported by circuits")
        pop = Population(name="pop", eta_bar=model.eta_bar, Delta=model.Delta, tau=model.tau, tau_s=0.0, I=model.I,
                         N=model.N, heterogeneity=model.heterogeneity, poles=model.poles)
        return cls(populations=[pop], coupling=[[model.J]])

    @classmethod
    def from_dict(cls, doc: dict) -> "Circuit":
        """Inverse of :meth:`to_dict`; unknown keys, missing populations and bad values are ParameterErrors naming
        the key."""
        if not isinstance(doc, dict):
            raise ParameterError("a model description must be a JSON object, got %s" % type(doc).__name__)
        unknown = set(doc) - set(MODEL_KEYS)
        if unknown:
            raise ParameterError("unknown model key(s): %s (allowed: %s)" % (", ".join(sorted(unknown)),
                                                                            ", ".join(MODEL_KEYS)))
        if "populations" not in doc:
            raise ParameterError("populations is required")
        pops = doc["populations"]
        if not isinstance(pops, dict) or not pops:
            raise ParameterError("populations must be a non-empty object {name: {parameters}}")
        inputs = doc.get("input", {})
        if not isinstance(inputs, dict):
            raise ParameterError("input must be an object {population: I}")
        for name in inputs:
            if name not in pops:
                raise ParameterError("input.%s names an unknown population (known: %s)" % (name, ", ".join(pops)))
        out = []
        for name, entry in pops.items():
            if not isinstance(entry, dict):
                raise ParameterError("populations.%s must be an object of parameters, got %s"
                                     % (name, type(entry).__name__))
            unknown = set(entry) - set(POPULATION_KEYS)
            if unknown:
                raise ParameterError("populations.%s: unknown key(s) %s (allowed: %s)"
                                     % (name, ", ".join(sorted(unknown)), ", ".join(POPULATION_KEYS)))
            for k in ("eta_bar", "Delta"):
                if k not in entry:
                    raise ParameterError("populations.%s.%s is required" % (name, k))
            out.append(Population(name=name, I=inputs.get(name, 0.0), **entry))
        coupling = doc.get("coupling", {})
        if not isinstance(coupling, dict):
            raise ParameterError("coupling must be an object {target: {source: J}}")
        return cls(populations=out, coupling=coupling)

    @classmethod
    def from_file(cls, path) -> "Circuit":
        """Read a JSON model file; a bad file or model is a ParameterError naming the file and the key."""
        from ..model import Model

        p = pathlib.Path(path)
        doc = Model._read_json(p)
        try:
            return cls.from_dict(doc)
        except ParameterError as e:
            raise ParameterError("model file %s: %s" % (p, e)) from None

    # ------------------------------------------------------------------ parameters by path
    def parameter(self, path: str) -> float:
        """The value of a parameter path: 'E.eta_bar', 'E.Delta', 'E.tau', 'E.tau_s', 'E.I' (or 'input.E'),
        'E.N', 'J.E.I' (or 'coupling.E.I': J from I onto E)."""
        kind, args = self._parse_path(path)
        if kind == "J":
            return float(self.J[self.index(args[0]), self.index(args[1])])
        return float(getattr(self.population(args[0]), args[1]))

    def with_parameter(self, path: str, value: float) -> "Circuit":
        """A copy with the parameter at ``path`` (see :meth:`parameter`) set to ``value`` (validated)."""
        kind, args = self._parse_path(path)
        if kind == "J":
            J = np.array(self.J)
            J[self.index(args[0]), self.index(args[1])] = value
            return Circuit(populations=self.populations, coupling=J)
        i = self.index(args[0])
        pops = list(self.populations)
        pops[i] = pops[i].replace(**{args[1]: value})
        return Circuit(populations=pops, coupling=self.J)

    def _parse_path(self, path: str) -> tuple:
        if not isinstance(path, str):
            raise ParameterError("parameter must be a path like 'E.tau_s' or 'J.E.I', got %r" % (path,))
        parts = path.split(".")
        if len(parts) == 3 and parts[0] in ("J", "coupling"):
            self.index(parts[1]), self.index(parts[2])
            return "J", (parts[1], parts[2])
        if len(parts) == 2 and parts[0] == "input":
            self.index(parts[1])
            return "pop", (parts[1], "I")
        if len(parts) == 2 and parts[1] in ("eta_bar", "Delta", "tau", "tau_s", "I", "N"):
            self.index(parts[0])
            return "pop", (parts[0], parts[1])
        raise ParameterError("parameter %r: use 'POP.eta_bar|Delta|tau|tau_s|I|N', 'input.POP' or 'J.TARGET.SOURCE' "
                             "(populations: %s)" % (path, ", ".join(self.names)))

    # ------------------------------------------------------------------ the spine
    @cached_property
    def structure(self):
        """The circuit's state layout and linear maps (numerics.circuit.jacobian.Structure)."""
        from .jacobian import Structure
        return Structure.of(self)

    @cached_property
    def _fixed_points(self) -> tuple:
        from .fixed_points import solve
        return solve(self)

    def fixed_points(self) -> list:
        """All fixed points (every population firing, r_a > 0), sorted by the first population's rate, each a
        :class:`~shotnoise.numerics.circuit.operating_point.CircuitOperatingPoint` (solved once)."""
        return list(self._fixed_points)

    def operating_point(self, *, index: int | None = None, require_stable: bool = True):
        """The fixed point for linear response: the unique one (index=None; ParameterError listing them if there
        are several) or ``fixed_points()[index]``.  ``require_stable``: a point that is not stable is a
        ParameterError (beyond a Hopf point the circuit oscillates and linear response is undefined)."""
        pts = self._fixed_points
        if not pts:
            raise ParameterError("no fixed point with every population firing (r > 0): %s" % self.describe())
        if index is None:
            if len(pts) != 1:
                raise ParameterError("%d fixed points exist (%s); choose one with index = 0..%d"
                                     % (len(pts), "; ".join(q.summary() for q in pts), len(pts) - 1))
            op = pts[0]
        else:
            index = integer_at_least("index", index, 0)
            if index >= len(pts):
                raise ParameterError("index must be < %d (the number of fixed points), got %d" % (len(pts), index))
            op = pts[index]
        if require_stable and not op.stable:
            raise ParameterError("the fixed point (%s) is %s (leading eigenvalue %s): linear response needs a stable "
                                 "fixed point%s" % (op.summary(), op.stability, _fmt(op.leading_eigenvalue),
                                                    "; past a Hopf point the circuit oscillates"
                                                    if op.stability.endswith("focus") else ""))
        return op

    def hopf(self, *, parameter: str, start: float, stop: float, points: int = 200):
        """Continue every fixed point in ``parameter`` from ``start`` to ``stop``: branches with stability, Hopf
        points (frequency, critical value) and folds (numerics.circuit.continuation)."""
        from .continuation import continuation
        return continuation(self, parameter=parameter, start=start, stop=stop, points=points)

    def simulate_network(self, **kw):
        """The finite network of the circuit (numerics.circuit.network); see :func:`simulate_circuit_network`."""
        from .simulate import simulate_circuit_network
        return simulate_circuit_network(self, **kw)

    def simulate_stochastic_mass(self, **kw):
        """The stochastic mass model of the circuit (numerics.circuit.stochastic_mass)."""
        from .stochastic_mass import simulate_circuit_stochastic_mass
        return simulate_circuit_stochastic_mass(self, **kw)


def _fmt(z: complex) -> str:
    return "%.4g%+.4gi" % (z.real, z.imag)


def load_model(path):
    """A model file as a :class:`~shotnoise.numerics.model.Model` (one population, delta synapses) or a
    :class:`Circuit` (several populations or synaptic filtering)."""
    from ..model import Model

    p = pathlib.Path(path)
    doc = Model._read_json(p)
    if is_circuit_document(doc):
        try:
            return Circuit.from_dict(doc)
        except ParameterError as e:
            raise ParameterError("model file %s: %s" % (p, e)) from None
    return Model.from_file(p)


def is_circuit_document(doc) -> bool:
    """True if a model document needs a Circuit: several populations, or a population with tau_s != 0."""
    if not isinstance(doc, dict) or not isinstance(doc.get("populations"), dict):
        return False
    pops = doc["populations"]
    if len(pops) != 1:
        return True
    (entry,) = pops.values()
    return isinstance(entry, dict) and entry.get("tau_s", 0) not in (0, 0.0)
