"""Registry of exportable models (``shotnoise derive --model NAME``).

Each entry builds an :class:`~shotnoise.theory.export.ExportModel` from the
derived sympy expressions; nothing is retyped here.  The initial state is a
plain starting point (:data:`START`), not a steady state, and its
``initial_note`` says so: theory/ stays symbolic and solves for no fixed point.
The exports the CLI writes start at the stable fixed point of the defaults,
taken from the spine by :func:`shotnoise.numerics.export_state.at_steady_state`.
"""
from __future__ import annotations

from functools import lru_cache, partial

import sympy as sp

from .export import ExportModel
from .lorentzian_ansatz import mpr_model
from .symbols import PARAMETERS, tau

MPR_DEFAULTS = {"eta_bar": -5.0, "Delta": 1.0, "J": 15.0, "I": 0.0, "tau": 1.0}
#: the plain starting state of every exported mass model: r, v of each mode (also of every mode of a multi-pole
#: model) and s of every exponential synapse.  It is NOT a steady state; the steady state comes from the spine
#: (shotnoise.numerics.export_state.at_steady_state, used by ``shotnoise derive`` and ``shotnoise export``).
START = {"r": 0.1, "v": -2.0}
START_SYNAPSE = 0.1


def start_note(where: str) -> str:
    """The ``initial_note`` of a plain starting state (one line, no format-specific words: it is printed as a
    comment in every export format and as a JSON string); ``where`` says which states it sets."""
    return ("NOT a steady state: a plain starting point (%s); shotnoise derive and shotnoise export start at the "
            "stable fixed point of the defaults instead" % where)


#: the starting point in words, for one population's modes
START_WORDS = "r = %r, v = %r" % (START["r"], START["v"])


def mpr_export_model() -> ExportModel:
    """The deterministic MPR model (theory/THEORY.md eq. (17)); initial state: the plain START (r = 0.1, v = -2),
    not a steady state (:func:`start_note`)."""
    m = mpr_model()
    return ExportModel(
        name="mpr", title="Montbrio-Pazo-Roxin neural mass model (derived by residues)", state=m.state, rhs=m.rhs,
        parameters=PARAMETERS, defaults=MPR_DEFAULTS, initial=dict(START), initial_note=start_note(START_WORDS),
        time_scale={"r": tau, "v": tau})


def stochastic_mpr_export_model() -> ExportModel:
    """MPR drift plus the white-noise (diffusion) limit of the shot noise (theory/THEORY.md eqs. (52), (55))."""
    from .stochastic_mpr import diffusion_coefficients, drift
    from .symbols import N
    b_r, b_v = diffusion_coefficients()
    noise = {k: e for k, e in (("r", b_r), ("v", b_v)) if e != 0}
    return ExportModel(
        name="stochastic-mpr",
        title="Stochastic MPR model: drift + shot noise J sqrt(r/N) dW in the v equation (Ito)",
        state=mpr_model().state, rhs=drift(), parameters=PARAMETERS + (N,),
        defaults=dict(MPR_DEFAULTS, N=1000.0), initial=dict(START), initial_note=start_note(START_WORDS),
        noise=noise, extra_parameters={"N": {"description": "number of neurons", "range": ">= 1"}},
        time_scale={"r": tau, "v": tau})


#: orders of the reduced multi-pole models exported besides MPR (n = 1 is "mpr")
MULTIPOLE_ORDERS = (2, 3, 4)


def _multipole_state_info(n: int) -> dict:
    """Metadata of r_k, v_k (w_k = pi tau r_k + i v_k, the Lorentzian-ansatz mode at the pole eta_k)."""
    info = {}
    for k in range(1, n + 1):
        info["r%d" % k] = {"description": "Re w_%d/(pi tau): mode %d of the reduced model (pole eta_%d); not a "
                                          "rate itself, the population rate is the observable r" % (k, k, k),
                           "range": "> 0"}
        info["v%d" % k] = {"description": "Im w_%d: mode %d of the reduced model (pole eta_%d); the mean "
                                          "voltage is the observable v" % (k, k, k),
                           "range": "real"}
    return info


@lru_cache(maxsize=None)
def _multipole_parts(n: int) -> tuple:
    """(state, (r, v) mean field, drift, Ito coefficients of the common dW) of the order-n reduced model.

    The noise mirrors theory.stochastic_mpr: coupling d(rhs)/d xi (J in every v_k equation) times
    sqrt(white-noise intensity r/N), r the population rate (mean field)."""
    from .multipole import mean_field, mode_state, noise_coefficients, reduced_rhs
    from .stochastic_mpr import white_noise_intensity
    from .symbols import r
    rate, volt = mean_field(n)
    amplitude = sp.sqrt(white_noise_intensity().subs(r, rate))
    return mode_state(n), (rate, volt), reduced_rhs(n), tuple(c * amplitude for c in noise_coefficients(n))


def _multipole_common(n: int) -> dict:
    """State, observables (population r, v) and the start shared by the deterministic and stochastic
    multi-pole models: r_k = 0.1, v_k = -2 for every mode (since sum_k c_k = 1 its mean field is the MPR start
    (r, v) = (0.1, -2)); not a steady state (:func:`start_note`)."""
    st, (rate, volt), _, _ = _multipole_parts(n)
    initial = {}
    for k in range(n):
        initial[str(st[2 * k])], initial[str(st[2 * k + 1])] = START["r"], START["v"]
    return dict(state=st, parameters=PARAMETERS, initial=initial,
                initial_note=start_note("r_k = %r, v_k = %r for every mode k" % (START["r"], START["v"])),
                observables={"r": rate, "v": volt},
                state_info=_multipole_state_info(n), time_scale={str(x): tau for x in st})


def multipole_export_model(n: int) -> ExportModel:
    """The reduced mass model of the rational multi-pole density g_n, n = 2, 3, 4 (theory/THEORY.md eqs.
    (66)-(68)): 2n real equations, population rate and voltage as observables."""
    return ExportModel(
        name="multipole-%d" % n,
        title="Reduced mass model of the %d-pole density g_%d (exact Lorentzian-ansatz modes)" % (n, n),
        rhs=_multipole_parts(n)[2], defaults=MPR_DEFAULTS, **_multipole_common(n))


def stochastic_multipole_export_model(n: int) -> ExportModel:
    """Reduced multi-pole drift plus the white-noise limit of the shot noise (theory/THEORY.md eq. (73)):
    every v_k equation gets J sqrt(r/N) dW with the SAME Wiener process (s = r + xi is the common input), r the
    population rate (mean field)."""
    from .symbols import N
    st, _, drift, coefficients = _multipole_parts(n)
    noise = {str(x): b for x, b in zip(st, coefficients) if b != 0}
    return ExportModel(
        name="stochastic-multipole-%d" % n,
        title="Stochastic %d-pole reduced model: drift + common shot noise J sqrt(r/N) dW in every v_k equation "
              "(Ito)" % n,
        rhs=drift, defaults=dict(MPR_DEFAULTS, N=1000.0), noise=noise, common_noise=True,
        extra_parameters={"N": {"description": "number of neurons", "range": ">= 1"}},
        **dict(_multipole_common(n), parameters=PARAMETERS + (N,)))


def _number(doc: dict, path: tuple, default=None) -> float:
    """doc[path[0]][path[1]]... as a float; ParameterError naming the key if missing (and no default) or not a
    number."""
    from .errors import ParameterError
    x = doc
    for key in path:
        if not isinstance(x, dict) or key not in x:
            if default is not None:
                return float(default)
            raise ParameterError("%s: required" % ".".join(path))
        x = x[key]
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        raise ParameterError("%s must be a number, got %r" % (".".join(path), x))
    return float(x)


def circuit_export_model(doc: dict, *, stochastic: bool = False) -> ExportModel:
    """A circuit of populations with synapses from a model-file dict (theory/THEORY.md eqs. (82), (86)).

    Parameters
    ----------
    doc : dict
        ``{"populations": {name: {N, eta_bar, Delta, tau, tau_s, heterogeneity, poles}}, "coupling": {a: {b:
        J_ab}}, "input": {a: I_a}}``; its values become the exported defaults (tau 1, tau_s 0, coupling and
        input 0 when missing).
    stochastic : bool
        Add the white-noise limit of the shot noise: one independent Wiener process per population (its
        column of the noise matrix B diag(sqrt(r_b/N_b))).

    Returns
    -------
    ExportModel
        State per population: its modes (r_a, v_a, or r_a_k, v_a_k for a multi-pole population, whose rate and
        voltage r_a, v_a are observables) and s_a for an exponential synapse.
    """
    from . import circuit as cc
    structure = cc.structure_from_dict(doc)
    params = cc.parameter_symbols(structure, stochastic=stochastic)
    defaults, extra, initial, observables, state_info = {}, {}, {}, {}, {}
    for a, name in enumerate(structure.names):
        p = cc.population_symbols(name)
        values = {"eta_bar": _number(doc, ("populations", name, "eta_bar")),
                  "Delta": _number(doc, ("populations", name, "Delta")),
                  "I": _number(doc, ("input", name), 0.0),
                  "tau": _number(doc, ("populations", name, "tau"), 1.0),
                  "tau_s": _number(doc, ("populations", name, "tau_s"), 0.0)}
        if stochastic:
            values["N"] = _number(doc, ("populations", name, "N"))
        what = {"eta_bar": "centre of the excitability distribution", "Delta": "half-width of the excitability "
                "distribution", "I": "constant external current", "tau": "membrane time constant",
                "tau_s": "time constant of the outgoing (exponential) synapse", "N": "number of neurons"}
        ranges = {"eta_bar": "real", "Delta": "> 0", "I": "real", "tau": "> 0", "tau_s": "> 0", "N": ">= 1"}
        for key, value in values.items():
            if p[key] in params:
                defaults[str(p[key])] = value
                extra[str(p[key])] = {"description": "%s of population %s" % (what[key], name),
                                      "range": ranges[key]}
        for k, (rk, vk) in enumerate(cc.mode_symbols(structure, a), start=1):
            initial[str(rk)], initial[str(vk)] = START["r"], START["v"]
            if structure.poles[a] > 1:
                state_info[str(rk)] = {"description": "Re w/(pi tau) of mode %d of population %s" % (k, name),
                                       "range": "real"}
                state_info[str(vk)] = {"description": "Im w of mode %d of population %s" % (k, name),
                                       "range": "real"}
            else:
                state_info[str(rk)] = {"description": "firing rate of population %s" % name, "range": "> 0"}
                state_info[str(vk)] = {"description": "mean voltage of population %s" % name, "range": "real"}
        if structure.poles[a] > 1:
            rate, volt = cc.mean_field(structure, a)
            observables[str(p["r"])], observables[str(p["v"])] = rate, volt
        if structure.synapse[a] == "exponential":
            initial[str(cc.synapse_symbol(name))] = START_SYNAPSE
            state_info[str(cc.synapse_symbol(name))] = {"description": "synaptic variable of population %s" % name,
                                                        "range": "real"}
    for a in structure.names:
        for b in structure.names:
            key = str(cc.coupling_symbol(a, b))
            defaults[key] = _number(doc, ("coupling", a, b), 0.0)
            extra[key] = {"description": "coupling J_ab onto %s from presynaptic %s" % (a, b), "range": "real"}
    time_scale = {}
    for a, name in enumerate(structure.names):
        p = cc.population_symbols(name)
        for rk, vk in cc.mode_symbols(structure, a):
            time_scale[str(rk)] = time_scale[str(vk)] = p["tau"]
        if structure.synapse[a] == "exponential":
            time_scale[str(cc.synapse_symbol(name))] = p["tau_s"]
    names = "+".join(structure.names)
    where = "%s for every mode" % START_WORDS
    if "exponential" in structure.synapse:
        where += ", s = %r for every synapse" % START_SYNAPSE
    kw = dict(state=cc.state_symbols(structure), rhs=cc.circuit_rhs(structure), parameters=params,
              defaults=defaults, initial=initial, initial_note=start_note(where), extra_parameters=extra,
              observables=observables, state_info=state_info, time_scale=time_scale)
    if not stochastic:
        return ExportModel(name="circuit", title="Circuit mass model of populations %s with synapses" % names, **kw)
    B = cc.diffusion_coefficients(structure)
    noise = {str(x): tuple(B.row(i)) for i, x in enumerate(cc.state_symbols(structure))
             if any(e != 0 for e in B.row(i))}
    return ExportModel(name="stochastic-circuit",
                       title="Stochastic circuit mass model of populations %s: drift + shot noise "
                             "B diag(sqrt(r_b/N_b)) dW, one Wiener process per population (Ito)" % names,
                       noise=noise, wiener=structure.names, **kw)


def surrogate_mpr_export_model() -> ExportModel:
    """The shot-noise mass model: MPR with s = r + xi, xi the shot noise of N surrogate oscillators
    (theory/THEORY.md eqs. (51), (58); :mod:`shotnoise.theory.shot_noise_export`)."""
    from .shot_noise_export import surrogate_mpr_export_model as build
    return build()


MODELS = {"mpr": mpr_export_model, "stochastic-mpr": stochastic_mpr_export_model}
MODELS.update({"multipole-%d" % n: partial(multipole_export_model, n) for n in MULTIPOLE_ORDERS})
MODELS.update({"stochastic-multipole-%d" % n: partial(stochastic_multipole_export_model, n)
               for n in MULTIPOLE_ORDERS})
MODELS["surrogate-mpr"] = surrogate_mpr_export_model


def get_model(name: str) -> ExportModel:
    """Look up a model by name; ``ValueError`` listing the valid names otherwise."""
    if name not in MODELS:
        raise ValueError("model must be one of %s, got %r" % (", ".join(sorted(MODELS)), name))
    return MODELS[name]()
