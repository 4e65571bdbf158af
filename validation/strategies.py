"""Hypothesis strategies that draw valid models (reused by tests/ and the property checks).

``models`` draws any valid single-population Lorentzian :class:`~shotnoise.numerics.model.Model`;
``stable_asynchronous`` draws models with a unique, stable fixed point (the asynchronous regime
where the linear-response theory of theory/THEORY.md eqs. (44)-(49) applies) with a clear firing rate.
"""
from __future__ import annotations

from hypothesis import assume
from hypothesis import strategies as st

from shotnoise.numerics.model import Model

_f = dict(allow_nan=False, allow_infinity=False)


@st.composite
def models(draw, *, J_min: float = -20.0, J_max: float = 20.0, N: float | None = None) -> Model:
    """Any valid model: Delta, tau > 0, finite eta_bar, J, I (N as given)."""
    return Model(eta_bar=draw(st.floats(-10, 10, **_f)), Delta=draw(st.floats(0.01, 5, **_f)),
                 J=draw(st.floats(J_min, J_max, **_f)), I=draw(st.floats(-2, 2, **_f)),
                 tau=draw(st.floats(0.2, 5, **_f)), N=N)


@st.composite
def stable_asynchronous(draw, *, max_tau: float = 2.0, N: float | None = None) -> Model:
    """Models with exactly one fixed point, stable, firing at a clear rate.

    The effective drive eta_t = eta_bar + I + J tau r0 of the distribution centre is > 0.05
    (mean-driven: a shot-noise peak exists), so the spectrum has a resolved structure.
    """
    m = Model(eta_bar=draw(st.floats(0.2, 8, **_f)), Delta=draw(st.floats(0.02, 2, **_f)),
              J=draw(st.floats(-10, 5, **_f)), I=0.0, tau=draw(st.floats(0.5, max_tau, **_f)), N=N)
    pts = m.fixed_points()
    assume(len(pts) == 1 and pts[0].stable)
    assume(pts[0].eta_t > 0.05)
    return m


@st.composite
def property_examples(draw, *, N_min: int = 200, N_max: int = 2000, families=("lorentzian",)):
    """Property-test examples (``validation.property_checks``): a single-population Model (delta synapses,
    tau = 1, I = 0) of one of ``families`` (``property_checks.FAMILIES``: 'lorentzian', 'multipole2',
    'multipole3', 'multipole4', 'gaussian', 'uniform') with N in [N_min, N_max] and a simulation seed, in the regime where the linear
    theory claims to hold.  Every rejection names its validity criterion (``property_checks.first_violation``;
    'supported_range': outside the family's validated parameter range) and is counted in
    ``property_checks.REJECTIONS``."""
    from shotnoise.theory.errors import ParameterError

    from .property_checks import REJECTIONS, PropertyExample, family_fields, first_violation
    from .property_circuits import CIRCUIT_KINDS

    fam = draw(st.sampled_from(tuple(families)))
    f = dict(_f, allow_subnormal=False)
    if fam in CIRCUIT_KINDS:
        return draw(circuit_examples(kind=fam, N_min=max(N_min, 500), N_max=max(N_max, 500)))
    kw = dict(eta_bar=draw(st.floats(0.3, 5.0, **f)), Delta=draw(st.floats(0.02, 1.0, **f)),
              J=draw(st.floats(-6.0, 3.0, **f)), N=draw(st.integers(N_min, N_max)))
    seed = draw(st.integers(0, 2**31 - 1))
    try:
        m = Model(**kw, **family_fields(fam))
    except ParameterError:
        REJECTIONS["supported_range"] += 1
        assume(False)
    why = first_violation(m)
    if why is not None:
        REJECTIONS[why] += 1
    assume(why is None)
    return PropertyExample(m, seed)


@st.composite
def circuit_examples(draw, *, kind: str = "ing", N_min: int = 500, N_max: int = 2000):
    """Circuit property examples (``property_circuits.CircuitExample``): an ING (one inhibitory Lorentzian
    population, exponential synapse: eta_bar, Delta, J, tau_s drawn) or PING circuit (J_EI drawn; the rest as
    ``circuit_checks.ping_circuit``) with N per population in [N_min, N_max] and a seed, kept where the linear
    theory claims to hold (``property_circuits.circuit_violation``; rejections counted per criterion)."""
    from .property_checks import REJECTIONS
    from .property_circuits import CIRCUIT_PARAMETERS, CircuitExample, circuit_violation

    f = dict(_f, allow_subnormal=False)
    values = tuple((k, draw(st.floats(lo, hi, **f))) for k, (lo, hi) in CIRCUIT_PARAMETERS[kind].items())
    ex = CircuitExample(kind, values, draw(st.integers(N_min, N_max)), draw(st.integers(0, 2**31 - 1)))
    why = circuit_violation(ex)
    if why is not None:
        REJECTIONS[why] += 1
    assume(why is None)
    return ex
