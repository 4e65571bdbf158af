"""The initial state of an exported mass model, taken from the spine: the stable fixed point of its defaults.

``theory.models`` builds every :class:`~shotnoise.theory.export.ExportModel` with a plain starting state (not a
steady state: theory/ stays symbolic).  Continuation tools (XPPAUT/AUTO) and most users want an export that
starts at a steady state (issue 13), so the exports the CLI writes go through :func:`at_steady_state`, which
takes the fixed point from ``Model.fixed_points()`` (theory/THEORY.md eqs. (21)-(22); multi-pole:
w_k = sqrt(eta_k + I + J tau r0), eqs. (66)-(68)) or ``Circuit.fixed_points()`` (eq. (85)) -- the only
fixed-point solvers -- and writes it in the export's state variables:

* one Lorentzian population (mpr, stochastic-mpr, surrogate-mpr): (r, v) = (r0, v0);
* a multi-pole population (multipole-n, stochastic-multipole-n): the modes w_k = pi tau r_k + i v_k, i.e.
  r_k = Re w_k / (pi tau), v_k = Im w_k;
* a circuit: the same per population (r_a, v_a, or r_a_k, v_a_k) and s_b = r_b for an exponential synapse.

The chosen point is the first stable one (all eigenvalues with negative real part) of the sorted list: for one
population the stable fixed point with the lowest rate (the low state of the bistable MPR defaults eta_bar = -5,
Delta = 1, J = 15).  For a stochastic export it is the fixed point of the noise-free drift.  Without a stable
fixed point the plain starting state is kept and ``initial_note`` says so.
"""
from __future__ import annotations

import dataclasses
import math
import re

from shotnoise.theory.errors import ParameterError
from shotnoise.theory.export import ExportModel

#: registry names of single-population exports and their family: (heterogeneity, poles)
_MULTIPOLE_NAME = re.compile(r"^(?:stochastic-)?multipole-([0-9]+)$")
_LORENTZIAN_NAMES = ("mpr", "stochastic-mpr", "surrogate-mpr")
#: the parameters of a single-population Model that set its fixed points (export default names)
_MODEL_PARAMETERS = ("eta_bar", "Delta", "J", "I", "tau")


def spine_model(*, export_model: ExportModel):
    """The :class:`~shotnoise.numerics.model.Model` of a single-population export, built from its defaults.

    Parameters
    ----------
    export_model : ExportModel
        One of the registry's models (``theory.models.get_model``): mpr, stochastic-mpr, surrogate-mpr
        (Lorentzian) or [stochastic-]multipole-n (``heterogeneity='multipole'``, ``poles=n``).

    Returns
    -------
    Model
        ``Model(eta_bar=..., Delta=..., J=..., I=..., tau=...)`` with the export's default values.

    Raises
    ------
    ParameterError
        For a circuit export (pass its :class:`~shotnoise.numerics.circuit.model.Circuit` as ``model`` to
        :func:`at_steady_state`) or any other name.
    """
    from .model import Model

    name = export_model.name
    match = _MULTIPOLE_NAME.match(name)
    if name in _LORENTZIAN_NAMES:
        family = {}
    elif match:
        family = {"heterogeneity": "multipole", "poles": int(match.group(1))}
    else:
        raise ParameterError("export_model: no single-population Model for %r (known: %s, [stochastic-]multipole-n); "
                             "for a circuit pass model=Circuit.from_dict(doc)" % (name, ", ".join(_LORENTZIAN_NAMES)))
    return Model(**{k: float(export_model.defaults[k]) for k in _MODEL_PARAMETERS}, **family)


def at_steady_state(*, export_model: ExportModel, model=None) -> ExportModel:
    """``export_model`` with its initial state at the stable fixed point of its default parameters.

    Parameters
    ----------
    export_model : ExportModel
        An export from ``theory.models`` (a registry model or ``circuit_export_model``).
    model : Model or Circuit or None
        The spine's model with the export's default parameters; None: :func:`spine_model` builds it (single
        population exports only; a circuit export needs its Circuit).  Its parameters must equal the export's
        defaults (ParameterError naming the first that differs).

    Returns
    -------
    ExportModel
        A copy whose ``initial`` is the first stable point of ``model.fixed_points()`` (sorted by rate: the stable
        fixed point with the lowest rate), mapped onto the export's state (module docstring), and whose
        ``initial_note`` says so; unchanged state, with a note saying that it is not a steady state, when no
        fixed point is stable (or ``fixed_points()`` finds none).
    """
    from .circuit.model import Circuit

    if model is None:
        model = spine_model(export_model=export_model)
    if isinstance(model, Circuit):
        solver = "Circuit.fixed_points"
        _check_circuit_defaults(export_model, model)
    else:
        solver = "Model.fixed_points"
        _check_model_defaults(export_model, model)
    noise_free = " of the noise-free drift" if (export_model.noise or export_model.surrogate is not None) else ""
    try:
        points = model.fixed_points()
    except ParameterError as e:
        return dataclasses.replace(export_model, initial_note="NOT a steady state: %s finds no fixed point of the "
                                   "default parameters (%s); the plain starting point is kept"
                                   % (solver, " ".join(str(e).split())))
    stable = [q for q in points if q.stable]
    if not stable:
        kinds = ", ".join(q.stability for q in points)
        return dataclasses.replace(export_model, initial_note="NOT a steady state: the default parameters have no "
                                   "stable fixed point%s (%s: %s); the plain starting point is kept"
                                   % (noise_free, solver, kinds))
    op = stable[0]
    values = _circuit_state(model, op) if isinstance(model, Circuit) else _model_state(model, op)
    names = [str(x) for x in export_model.state]
    if set(values) != set(names):
        raise ParameterError("export_model: state %s does not match the model's states %s"
                             % (", ".join(names), ", ".join(sorted(values))))
    if isinstance(model, Circuit):
        rate = ", ".join("r_%s = %.6g" % (n, r) for n, r in zip(model.names, op.r))
        which = "the first stable fixed point in rate order"
    else:
        rate = "r = %.6g" % op.r
        which = "the stable fixed point with the lowest rate"
    note = ("steady state%s: %s of the default parameters (%s: %s, %s; %d fixed point%s)"
            % (noise_free, which, solver, op.stability, rate, len(points), "" if len(points) == 1 else "s"))
    return dataclasses.replace(export_model, initial={x: values[x] for x in names}, initial_note=note)


def _same(what: str, got: float, want: float) -> None:
    if float(got) != float(want):
        raise ParameterError("model: %s = %r differs from the export's default %r" % (what, float(got), float(want)))


def _check_model_defaults(m: ExportModel, model) -> None:
    from .model import REDUCED_FAMILIES

    if model.heterogeneity not in REDUCED_FAMILIES:
        raise ParameterError("model: heterogeneity must be one of %s (a reduced mass model is exported), got %r"
                             % (", ".join(REDUCED_FAMILIES), model.heterogeneity))
    for k in _MODEL_PARAMETERS:
        _same(k, getattr(model, k), m.defaults[k])


def _check_circuit_defaults(m: ExportModel, circuit) -> None:
    from shotnoise.theory import circuit as cc

    for a, pop in enumerate(circuit.populations):
        sym = cc.population_symbols(pop.name)
        for k in ("eta_bar", "Delta", "I", "tau", "tau_s"):
            key = str(sym[k])
            if key in m.defaults:
                _same("%s.%s" % (pop.name, k), getattr(pop, k), m.defaults[key])
            elif k != "tau_s" or pop.tau_s != 0.0:
                raise ParameterError("model: population %s (%s) is not in the export (no default %s)"
                                     % (pop.name, k, key))
        for b, other in enumerate(circuit.populations):
            _same("J.%s.%s" % (pop.name, other.name), circuit.J[a, b],
                  m.defaults[str(cc.coupling_symbol(pop.name, other.name))])


def _model_state(model, op) -> dict:
    """{state name: value} of a single-population fixed point in the export's variables."""
    from shotnoise.theory.multipole import mode_state

    if op.modes is None:  # Lorentzian: (r, v)
        return {"r": float(op.r), "v": float(op.v)}
    names = [str(x) for x in mode_state(len(op.modes))]
    out = {}
    for k, w in enumerate(op.modes):
        out[names[2 * k]], out[names[2 * k + 1]] = float(w.real / (math.pi * model.tau)), float(w.imag)
    return out


def _circuit_state(circuit, op) -> dict:
    """{state name: value} of a circuit fixed point in the export's variables (theory.circuit state symbols)."""
    from shotnoise.theory import circuit as cc

    st = circuit.structure
    structure = cc.structure_from_dict(circuit.to_dict())
    w = st.modes(op.x)
    out, m = {}, 0
    for a, pop in enumerate(circuit.populations):
        for rk, vk in cc.mode_symbols(structure, a):
            out[str(rk)], out[str(vk)] = float(w[m].real / (math.pi * pop.tau)), float(w[m].imag)
            m += 1
        if st.synapse_index[a] >= 0:
            out[str(cc.synapse_symbol(pop.name))] = float(op.x[st.synapse_index[a]])
    return out
