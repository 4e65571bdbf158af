"""Hypothesis strategies producing valid parameter sets (reused by tests/).

``mpr_parameters`` draws any valid MPR parameter set; ``stable_asynchronous``
draws sets with a unique, stable fixed point (the asynchronous regime where the
linear-response theory of THEORY.md section 5 applies).
"""
from __future__ import annotations

from hypothesis import assume
from hypothesis import strategies as st

from shotnoise.numerics.mpr import fixed_points
from shotnoise.numerics.parameters import MPRParameters

_f = dict(allow_nan=False, allow_infinity=False)


@st.composite
def mpr_parameters(draw, J_min: float = -20.0, J_max: float = 20.0) -> MPRParameters:
    """Any valid MPR parameters: Delta, tau > 0, finite eta_bar, J, I."""
    return MPRParameters(
        eta_bar=draw(st.floats(-10, 10, **_f)),
        Delta=draw(st.floats(0.01, 5, **_f)),
        J=draw(st.floats(J_min, J_max, **_f)),
        I=draw(st.floats(-2, 2, **_f)),
        tau=draw(st.floats(0.2, 5, **_f)),
    )


@st.composite
def stable_asynchronous(draw, max_tau: float = 2.0) -> MPRParameters:
    """Parameters with exactly one fixed point, stable, firing at a clear rate.

    eta_t = eta_bar + I + J tau r0 > 0 (mean-driven, a shot-noise peak exists)
    and the damping 2|v0|/tau is not vanishingly small.
    """
    p = MPRParameters(
        eta_bar=draw(st.floats(0.2, 8, **_f)),
        Delta=draw(st.floats(0.02, 2, **_f)),
        J=draw(st.floats(-10, 5, **_f)),
        I=0.0,
        tau=draw(st.floats(0.5, max_tau, **_f)),
    )
    pts = fixed_points(p)
    assume(len(pts) == 1 and pts[0].stable)
    assume(p.eta_bar + p.I + p.J * p.tau * pts[0].r > 0.05)
    return p
