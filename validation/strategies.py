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
