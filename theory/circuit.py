"""Circuits of QIF populations with synaptic filtering: the mass equations (theory/THEORY.md eqs. (81)-(88), (91)).

Populations a = 1..P, each with n_a Lorentzian-ansatz modes (n_a = 1: Lorentzian, the MPR pair; n_a = 2..4:
the rational multi-pole family of theory/multipole.py) and an outgoing synapse, delta or exponential:

    tau_a dw_{a,k}/dt = i (eta_{a,k} + I_a + tau_a h_a - w_{a,k}^2),   pi tau_a r_a + i v_a = sum_k c_k w_{a,k},
    h_a = sum_b J_ab S_b,   tau_s,b dS_b/dt = -S_b + A_b (exponential),   S_b = A_b (delta),   A_b = r_b + xi_b.

State: per mode the real pair (r_{a,k}, v_{a,k}) with w_{a,k} = pi tau_a r_{a,k} + i v_{a,k} (the convention of
theory/multipole.py, so one Lorentzian population is the MPR (r, v) exactly), then s_b for every exponential
synapse.  Symbol names: r_E, v_E (Lorentzian population E), r_E_1, v_E_1, ... (modes of a multi-pole
population E; its rate and voltage r_E, v_E are then observables), s_E; parameters eta_bar_E, Delta_E, I_E,
tau_E, tau_s_E (exponential synapses only), N_E and J_E_I (= J_{E I}, from presynaptic I onto E).

The local dynamics are small and the coupling is linear: the Jacobian is block-diagonal (one block per mode,
the MPR Jacobian without coupling, and -1/tau_s,b per synapse) plus the linear map x -> h.  The shot noise xi_b
enters through the constant matrix B = d(rhs)/d xi (1/tau_s,b in ds_b/dt; J_ab in every v_{a,k} equation of
every population a for a delta synapse b).  The generic, one-mode formulas that the numerics needs are here
too (:func:`mode_jacobian`, :func:`population_rate`, :func:`mode_rate_derivative` and the exact exponential
synapse :func:`synapse_decay`, :func:`synapse_jump`, :func:`synapse_step_mean`); the P = 1 checks, the Hopf
condition and the network step are in :mod:`shotnoise.theory.circuit_hopf`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import sympy as sp

from .errors import ParameterError
from .multipole import ORDERS, c_k, eta_k, mode_rhs, unit_poles, w_k, weights
from .symbols import I_ext, J, s, tau

SYNAPSES = ("delta", "exponential")
HETEROGENEITIES = ("lorentzian", "multipole")
#: outputs of the linear response (kinds of y = C dx + D xi, one per population)
OUTPUTS = ("activity", "synaptic", "rate", "voltage")
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9]*$")

#: the input h of one population (real) for the generic one-mode formulas
h = sp.Symbol("h", real=True)


@dataclass(frozen=True)
class CircuitStructure:
    """What the symbolic model depends on: population names, number of poles (1 = Lorentzian) and the kind
    of each population's outgoing synapse ('delta' or 'exponential').  Parameter values are not part of it."""

    names: tuple
    poles: tuple
    synapse: tuple

    def __post_init__(self):
        if not self.names:
            raise ParameterError("populations: at least one population is needed")
        if not (len(self.names) == len(self.poles) == len(self.synapse)):
            raise ParameterError("populations: names, poles and synapse must have one entry per population")
        for name, n, kind in zip(self.names, self.poles, self.synapse):
            if not isinstance(name, str) or not _NAME.match(name):
                raise ParameterError("populations.%s: a population name must be a letter followed by letters or "
                                     "digits (it becomes part of symbol names such as r_%s)" % (name, name))
            if n not in ORDERS:
                raise ParameterError("populations.%s.poles must be one of %s, got %r" % (name, ORDERS, n))
            if kind not in SYNAPSES:
                raise ParameterError("populations.%s: synapse must be one of %s, got %r" % (name, SYNAPSES, kind))
        if len({q.lower() for q in self.names}) != len(self.names):
            raise ParameterError("populations: names must differ also ignoring case (Fortran and XPP exports), "
                                 "got %s" % ", ".join(self.names))

    @property
    def P(self) -> int:
        return len(self.names)


def structure_from_dict(doc: dict) -> CircuitStructure:
    """The structure of a model-file dict (``{"populations": {name: {...}}, "coupling": ..., "input": ...}``).

    Parameters
    ----------
    doc : dict
        The model file; only the population names, ``heterogeneity`` ('lorentzian' default or 'multipole' with
        ``poles``) and ``tau_s`` (0 or missing: delta synapse) are read.

    Returns
    -------
    CircuitStructure

    Raises
    ------
    ParameterError
        Naming the key of anything the symbolic model cannot represent.
    """
    pops = doc.get("populations") if isinstance(doc, dict) else None
    if not isinstance(pops, dict) or not pops:
        raise ParameterError("populations: a non-empty object {name: {...}} is required")
    names, poles, synapse = [], [], []
    for name, p in pops.items():
        if not isinstance(p, dict):
            raise ParameterError("populations.%s must be an object" % name)
        family = p.get("heterogeneity", "lorentzian")
        if family == "lorentzian":
            n = 1
        elif family == "multipole":
            if "poles" not in p:
                raise ParameterError("populations.%s.poles: required for heterogeneity 'multipole'" % name)
            n = p["poles"]
            if isinstance(n, bool) or not isinstance(n, int) or n not in ORDERS:
                raise ParameterError("populations.%s.poles must be one of %s, got %r" % (name, ORDERS, n))
        else:
            raise ParameterError("populations.%s.heterogeneity: the mass model needs one of %s, got %r"
                                 % (name, HETEROGENEITIES, family))
        ts = p.get("tau_s", 0)
        if isinstance(ts, bool) or not isinstance(ts, (int, float)) or not ts >= 0:
            raise ParameterError("populations.%s.tau_s must be a number >= 0, got %r" % (name, ts))
        names.append(name)
        poles.append(int(n))
        synapse.append("exponential" if ts > 0 else "delta")
    return CircuitStructure(tuple(names), tuple(poles), tuple(synapse))


# ----------------------------------------------------------------------------- symbols
@lru_cache(maxsize=None)
def population_symbols(name: str) -> dict:
    """The parameter, noise and mean-field symbols of population ``name``: keys eta_bar, Delta, I, tau, tau_s,
    N, xi (its shot noise), r, v (its rate and mean voltage)."""
    return {"eta_bar": sp.Symbol("eta_bar_" + name, real=True), "Delta": sp.Symbol("Delta_" + name, positive=True),
            "I": sp.Symbol("I_" + name, real=True), "tau": sp.Symbol("tau_" + name, positive=True),
            "tau_s": sp.Symbol("tau_s_" + name, positive=True), "N": sp.Symbol("N_" + name, positive=True),
            "xi": sp.Symbol("xi_" + name, real=True), "r": sp.Symbol("r_" + name, real=True),
            "v": sp.Symbol("v_" + name, real=True)}


def coupling_symbol(a: str, b: str) -> sp.Symbol:
    """J_a_b = J_ab, from presynaptic population b onto a."""
    return sp.Symbol("J_%s_%s" % (a, b), real=True)


def synapse_symbol(name: str) -> sp.Symbol:
    """s_b, the synaptic variable of an exponential synapse."""
    return sp.Symbol("s_" + name, real=True)


def mode_symbols(structure: CircuitStructure, a: int) -> tuple:
    """((r_{a,k}, v_{a,k}) for k = 1..n_a) of population index a (n_a = 1: the population's own r_a, v_a)."""
    name, n = structure.names[a], structure.poles[a]
    if n == 1:
        p = population_symbols(name)
        return ((p["r"], p["v"]),)
    return tuple((sp.Symbol("r_%s_%d" % (name, k), real=True), sp.Symbol("v_%s_%d" % (name, k), real=True))
                 for k in range(1, n + 1))


@lru_cache(maxsize=None)
def state_symbols(structure: CircuitStructure) -> tuple:
    """The real state in order: per population its modes (r, v pairs) then s_a if its synapse is exponential."""
    out = []
    for a, name in enumerate(structure.names):
        for pair in mode_symbols(structure, a):
            out += list(pair)
        if structure.synapse[a] == "exponential":
            out.append(synapse_symbol(name))
    return tuple(out)


@lru_cache(maxsize=None)
def parameter_symbols(structure: CircuitStructure, *, stochastic: bool = False) -> tuple:
    """Parameters in order: per population eta_bar, Delta, I, tau, (tau_s if exponential), (N if stochastic);
    then J_a_b row by row (a the postsynaptic population)."""
    out = []
    for name, kind in zip(structure.names, structure.synapse):
        p = population_symbols(name)
        out += [p["eta_bar"], p["Delta"], p["I"], p["tau"]]
        if kind == "exponential":
            out.append(p["tau_s"])
        if stochastic:
            out.append(p["N"])
    out += [coupling_symbol(a, b) for a in structure.names for b in structure.names]
    return tuple(out)


def noise_symbols(structure: CircuitStructure) -> tuple:
    """(xi_a) in population order."""
    return tuple(population_symbols(q)["xi"] for q in structure.names)


# ----------------------------------------------------------------------------- the mass model
def _rect(e: sp.Expr) -> sp.Expr:
    """A complex constant in the form x + i y (exact)."""
    re_, im_ = sp.expand_complex(e).as_real_imag()
    return sp.nsimplify(sp.simplify(re_)) + sp.I * sp.nsimplify(sp.simplify(im_))


@lru_cache(maxsize=None)
def poles_and_weights(structure: CircuitStructure, a: int) -> tuple:
    """((eta_{a,k}, c_k) for k = 1..n_a): poles eta_bar_a + Delta_a u_k and residue weights, in rectangular form."""
    n = structure.poles[a]
    p = population_symbols(structure.names[a])
    return tuple((p["eta_bar"] + p["Delta"] * _rect(u), _rect(c)) for u, c in zip(unit_poles(n), weights(n)))


def _modes(structure: CircuitStructure, a: int) -> list:
    tau_a = population_symbols(structure.names[a])["tau"]
    return [sp.pi * tau_a * rk + sp.I * vk for rk, vk in mode_symbols(structure, a)]


@lru_cache(maxsize=None)
def mean_field(structure: CircuitStructure, a: int) -> tuple:
    """(r_a, v_a) of population index a as linear functions of its modes: pi tau_a r_a + i v_a = sum_k c_k w_k."""
    if structure.poles[a] == 1:
        (pair,) = mode_symbols(structure, a)
        return pair
    tau_a = population_symbols(structure.names[a])["tau"]
    total = sp.expand(sum(c * w for (_, c), w in zip(poles_and_weights(structure, a), _modes(structure, a))))
    re_, im_ = total.as_real_imag()
    return sp.expand(re_ / (sp.pi * tau_a)), sp.expand(im_)


def synaptic_drive(structure: CircuitStructure, b: int, *, noise: bool = True) -> sp.Expr:
    """S_b, what population b's synapse delivers: s_b (exponential) or A_b = r_b + xi_b (delta)."""
    name = structure.names[b]
    if structure.synapse[b] == "exponential":
        return synapse_symbol(name)
    return mean_field(structure, b)[0] + (population_symbols(name)["xi"] if noise else 0)


def population_input(structure: CircuitStructure, a: int, *, noise: bool = True) -> sp.Expr:
    """h_a = sum_b J_ab S_b (tau_a h_a enters the voltage equation of population index a)."""
    name = structure.names[a]
    return sum(coupling_symbol(name, structure.names[b]) * synaptic_drive(structure, b, noise=noise)
               for b in range(structure.P))


@lru_cache(maxsize=None)
def circuit_rhs(structure: CircuitStructure, *, noise: bool = False) -> tuple:
    """d/dt of :func:`state_symbols` (theory/THEORY.md eq. (82)); with ``noise`` the shot noises xi_b are kept
    (A_b = r_b + xi_b), otherwise A_b = r_b."""
    out = []
    for a, name in enumerate(structure.names):
        p = population_symbols(name)
        ha = population_input(structure, a, noise=noise)
        for (pole, _), w in zip(poles_and_weights(structure, a), _modes(structure, a)):
            # the multipole mode with J = 1 and drive h_a: i (eta_k + I + tau h - w^2)/tau
            d = sp.expand(mode_rhs(w, pole, ha).subs({J: 1, I_ext: p["I"], tau: p["tau"]}))
            re_, im_ = d.as_real_imag()
            out += [sp.expand(re_ / (sp.pi * p["tau"])), sp.expand(im_)]
        if structure.synapse[a] == "exponential":
            act = mean_field(structure, a)[0] + (p["xi"] if noise else 0)
            out.append(sp.expand(synapse_rhs().subs({s_syn: synapse_symbol(name), activity: act,
                                                     tau_s: p["tau_s"]})))
    return tuple(out)


@lru_cache(maxsize=None)
def circuit_jacobian(structure: CircuitStructure) -> sp.Matrix:
    """d(rhs)/d(state) of the deterministic model (theory/THEORY.md eq. (83))."""
    return sp.Matrix(circuit_rhs(structure)).jacobian(sp.Matrix(state_symbols(structure)))


@lru_cache(maxsize=None)
def noise_matrix(structure: CircuitStructure) -> sp.Matrix:
    """B = d(rhs)/d(xi_1..xi_P), state x P and constant (theory/THEORY.md eq. (84))."""
    return sp.Matrix(circuit_rhs(structure, noise=True)).jacobian(sp.Matrix(noise_symbols(structure)))


def local_block() -> sp.Matrix:
    """Jacobian of one mode's (r_k, v_k) equations with the input h held fixed: the MPR Jacobian without the
    coupling (the block-diagonal part of :func:`circuit_jacobian`, w_k = pi tau r_k + i v_k)."""
    rk, vk = sp.symbols("r_k v_k", real=True)
    d = sp.expand(mode_rhs(sp.pi * tau * rk + sp.I * vk, sp.Symbol("e", real=True), h))
    re_, im_ = d.as_real_imag()
    return sp.Matrix([sp.expand(re_ / (sp.pi * tau)), sp.expand(im_)]).jacobian([rk, vk])


# ----------------------------------------------------------------------------- observables and noise
@lru_cache(maxsize=None)
def output_matrices(structure: CircuitStructure, kind: str) -> tuple:
    """(C, D) with y = C dx + D xi for the outputs ``kind`` of every population (P x n_state, P x P).

    activity A_a = r_a + xi_a; synaptic S_a (s_a for an exponential synapse, A_a for a delta synapse);
    rate r_a; voltage v_a (theory/THEORY.md eq. (87))."""
    if kind not in OUTPUTS:
        raise ParameterError("output must be one of %s, got %r" % (", ".join(OUTPUTS), kind))
    x = sp.Matrix(state_symbols(structure))
    rows, D = [], sp.zeros(structure.P, structure.P)
    for a, name in enumerate(structure.names):
        rate, volt = mean_field(structure, a)
        if kind == "voltage":
            rows.append(volt)
        elif kind == "rate":
            rows.append(rate)
        elif kind == "synaptic" and structure.synapse[a] == "exponential":
            rows.append(synapse_symbol(name))
        else:  # activity, or the synaptic output of a delta synapse (S_a = A_a)
            rows.append(rate)
            D[a, a] = 1
    return sp.Matrix(rows).jacobian(x), D


def white_noise_intensity(structure: CircuitStructure, b: int) -> sp.Expr:
    """Intensity r_b/N_b of xi_b in the diffusion limit (as theory.stochastic_mpr), r_b the mean field."""
    return mean_field(structure, b)[0] / population_symbols(structure.names[b])["N"]


@lru_cache(maxsize=None)
def diffusion_coefficients(structure: CircuitStructure) -> sp.Matrix:
    """Ito coefficients, state x P: dx = f dt + B diag(sqrt(r_b/N_b)) dW with independent Wiener W_b
    (theory/THEORY.md eq. (86)); the noise enters only through constant B, so Ito = Stratonovich."""
    amp = sp.diag(*[sp.sqrt(white_noise_intensity(structure, b)) for b in range(structure.P)])
    return noise_matrix(structure) * amp


# ----------------------------------------------------------------------------- fixed points
def population_rate(pole: sp.Expr = eta_k, weight: sp.Expr = c_k, drive: sp.Expr = h) -> sp.Expr:
    """One mode's share Re(c_k sqrt(eta_k + I + tau h))/(pi tau) of Phi(h), the rate of a population at rest
    under a constant input h (theory/THEORY.md eq. (85))."""
    return sp.re(weight * sp.sqrt(pole + I_ext + tau * drive)) / (sp.pi * tau)


def mode_rate_derivative() -> sp.Expr:
    """d/dh of :func:`population_rate` (one mode's share of dPhi/dh)."""
    return sp.diff(population_rate(), h)


def mode_jacobian() -> sp.Expr:
    """d(dw_k/dt)/dw_k = -2 i w_k / tau: the complex local Jacobian of one mode."""
    return sp.diff(mode_rhs(w_k, eta_k, s), w_k)


def population_transfer(structure: CircuitStructure, a: int, drive: sp.Expr = h) -> sp.Expr:
    """Phi_a(h) = sum_k Re(c_k sqrt(eta_{a,k} + I_a + tau_a h))/(pi tau_a); the fixed points solve
    r_a = Phi_a(sum_b J_ab r_b)."""
    p = population_symbols(structure.names[a])
    return sum(population_rate(pole, c, drive).subs({I_ext: p["I"], tau: p["tau"]})
               for pole, c in poles_and_weights(structure, a))


def fixed_point_state(structure: CircuitStructure) -> dict:
    """The state at rest as a function of the population rates r_b: w_{a,k} = sqrt(eta_{a,k} + I_a + tau_a h_a),
    h_a = sum_b J_ab r_b, s_b = r_b.  It is a fixed point iff r_a = Phi_a(h_a) for every a."""
    rates = [population_symbols(q)["r"] for q in structure.names]
    out = {}
    for a, name in enumerate(structure.names):
        p = population_symbols(name)
        ha = sum(coupling_symbol(name, q) * rb for q, rb in zip(structure.names, rates))
        values = []
        for pole, _ in poles_and_weights(structure, a):
            w = sp.sqrt(pole + p["I"] + p["tau"] * ha)
            values.append((sp.re(w) / (sp.pi * p["tau"]), sp.im(w)))
        if structure.poles[a] > 1:  # the mode symbols differ from r_a, v_a
            for (rk, vk), (x, y) in zip(mode_symbols(structure, a), values):
                out[rk], out[vk] = x, y
        else:
            out[p["v"]] = values[0][1]
        if structure.synapse[a] == "exponential":
            out[synapse_symbol(name)] = p["r"]
    return out


# ----------------------------------------------------------------------------- linear response (notation)
def spectral_matrix() -> dict:
    """H(omega) = (i omega - A)^-1 B, Y = C H + D, S_y = Y diag(S_xi) Y^dagger and the coherence of outputs a, b,
    as matrix expressions (theory/THEORY.md eq. (88)); checked against eq. (49) for P = 1 by
    circuit_hopf.verify_circuit."""
    n, P = sp.Symbol("n", integer=True, positive=True), sp.Symbol("P", integer=True, positive=True)
    A, B = sp.MatrixSymbol("A", n, n), sp.MatrixSymbol("B", n, P)
    C, D = sp.MatrixSymbol("C", P, n), sp.MatrixSymbol("D", P, P)
    Sx = sp.MatrixSymbol("S_xi", P, P)
    om = sp.Symbol("omega", real=True)
    H = (sp.I * om * sp.Identity(n) - A).inverse() * B
    Y = C * H + D
    S = Y * Sx * sp.adjoint(Y)
    Sab, Saa, Sbb = sp.symbols("S_ab S_aa S_bb")
    return {"H": H, "S": S, "coherence": sp.Abs(Sab) ** 2 / (Saa * Sbb)}


# ----------------------------------------------------------------------------- synapse (exact flow)
s_syn = sp.Symbol("s", real=True)
activity = sp.Symbol("A", real=True)
tau_s = sp.Symbol("tau_s", positive=True)
dt = sp.Symbol("dt", nonnegative=True)
dt_since = sp.Symbol("dt_since", nonnegative=True)


def synapse_rhs() -> sp.Expr:
    """ds/dt = (A - s)/tau_s (the exponential synapse driven by the activity A)."""
    return (activity - s_syn) / tau_s


@lru_cache(maxsize=None)
def synapse_decay() -> sp.Expr:
    """exp(-dt/tau_s): the exact flow of ds/dt = -s/tau_s over dt, solved by sympy (theory/THEORY.md eq. (91))."""
    t = sp.Symbol("t", nonnegative=True)
    f = sp.Function("f")
    sol = sp.dsolve(sp.Eq(f(t).diff(t), synapse_rhs().subs({activity: 0, s_syn: f(t)})), f(t), ics={f(0): 1})
    return sp.simplify(sol.rhs.subs(t, dt))


def synapse_jump() -> sp.Expr:
    """exp(-dt_since/tau_s)/(N tau_s): what one spike of an N-neuron population, dt_since before the end of a
    step, adds to s at the end of the step (A = delta(t - t_k)/N makes s jump by 1/(N tau_s))."""
    from .symbols import N
    return synapse_decay().subs(dt, dt_since) / (N * tau_s)


def synapse_step_mean() -> dict:
    """The step mean (1/dt) int s dt of the exact exponential synapse: per unit of s at the start of the step,
    and per spike of an N-neuron population assigned to the midpoint of the step (midpoint quadrature)."""
    t = sp.Symbol("t", nonnegative=True)
    decay = synapse_decay().subs(dt, t)
    start = sp.simplify(sp.integrate(decay, (t, 0, dt)) / dt)
    spike = sp.simplify(sp.integrate(synapse_jump().subs(dt_since, t - dt / 2), (t, dt / 2, dt)) / dt)
    return {"start": start, "midpoint_spike": spike}
