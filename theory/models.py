"""Registry of exportable models (``shotnoise derive --model NAME``).

Each entry builds an :class:`~shotnoise.theory.export.ExportModel` from the
derived sympy expressions; nothing is retyped here.
"""
from __future__ import annotations

from .export import ExportModel
from .lorentzian_ansatz import mpr_model
from .symbols import PARAMETERS

MPR_DEFAULTS = {"eta_bar": -5.0, "Delta": 1.0, "J": 15.0, "I": 0.0, "tau": 1.0}


def mpr_export_model() -> ExportModel:
    """The deterministic MPR model (theory/THEORY.md eq. (17))."""
    m = mpr_model()
    return ExportModel(name="mpr", title="Montbrio-Pazo-Roxin neural mass model (derived by residues)",
                       state=m.state, rhs=m.rhs, parameters=PARAMETERS,
                       defaults=MPR_DEFAULTS, initial={"r": 0.1, "v": -2.0})


def stochastic_mpr_export_model() -> ExportModel:
    """MPR drift plus the white-noise (diffusion) limit of the shot noise (theory/THEORY.md eqs. (52), (55))."""
    from .stochastic_mpr import diffusion_coefficients, drift
    from .symbols import N
    b_r, b_v = diffusion_coefficients()
    noise = {k: e for k, e in (("r", b_r), ("v", b_v)) if e != 0}
    return ExportModel(name="stochastic-mpr",
                       title="Stochastic MPR model: drift + shot noise J sqrt(r/N) dW in the v equation (Ito)",
                       state=mpr_model().state, rhs=drift(), parameters=PARAMETERS + (N,),
                       defaults=dict(MPR_DEFAULTS, N=1000.0), initial={"r": 0.1, "v": -2.0}, noise=noise,
                       extra_parameters={"N": {"description": "number of neurons", "range": ">= 1"}})


MODELS = {"mpr": mpr_export_model, "stochastic-mpr": stochastic_mpr_export_model}


def get_model(name: str) -> ExportModel:
    """Look up a model by name; ``ValueError`` listing the valid names otherwise."""
    if name not in MODELS:
        raise ValueError("model must be one of %s, got %r" % (", ".join(sorted(MODELS)), name))
    return MODELS[name]()
