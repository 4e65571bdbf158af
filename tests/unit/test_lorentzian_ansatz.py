"""Unit tests of the symbolic derivation of the MPR model (theory/THEORY.md eqs. (11)-(17))."""
import mpmath
import sympy as sp

from shotnoise.theory import lorentzian_ansatz as la
from shotnoise.theory.symbols import Delta, I_ext, J, eta_bar, r, s, tau, v


def test_continuity_residual_vanishes_exactly():
    assert la.residual_with_complex_equation() == 0


def test_ansatz_dynamics_is_unique_and_equals_complex_equation():
    xd, yd = la.ansatz_dynamics()
    assert la.ansatz_matches_complex_equation()
    # a wrong dynamics leaves a non-zero residual
    assert sp.simplify(la.continuity_residual(xd + 1, yd)) != 0


def test_firing_rate_is_flux_at_infinity():
    assert sp.simplify(la.firing_rate_flux() - la.x / (sp.pi * tau)) == 0
    assert sp.simplify(la.firing_rate_flux().subs(tau, 1) - la.x / sp.pi) == 0


def test_residue_weight_is_one_and_matches_quadrature():
    pole, weight = la.lorentzian_average_weight()
    assert weight == 1 and pole == eta_bar - sp.I * Delta
    # numeric: int g(eta) f(eta) d eta for f analytic and bounded in the lower half plane
    eb, D = 0.7, 0.3
    f = lambda e: 1 / (e - 2j)  # pole at +2i: analytic in the lower half plane
    g = lambda e: D / mpmath.pi / ((e - eb) ** 2 + D**2)
    val = mpmath.quad(lambda e: g(e) * f(e), [-mpmath.inf, eb, mpmath.inf])
    assert abs(val - f(eb - 1j * D)) < 1e-12


def test_mpr_equations_have_the_published_form():
    dr, dv = la.mpr_rhs()
    assert sp.simplify(dr - (Delta / (sp.pi * tau) + 2 * r * v) / tau) == 0
    expected = (v**2 + eta_bar + I_ext + J * tau * s - (sp.pi * tau * r) ** 2) / tau
    assert sp.simplify(dv - expected) == 0


def test_models_use_the_canonical_parameter_tuple():
    from shotnoise.theory.models import mpr_export_model
    from shotnoise.theory.symbols import PARAMETERS
    assert la.mpr_model().parameters == PARAMETERS == (eta_bar, Delta, J, I_ext, tau)
    assert mpr_export_model().parameters == PARAMETERS
