"""O(1/N^2) spectrum of the MPR model driven by its shot noise: kernels K2, K3, the bispectrum term, and the parity of
the compiled evaluation (numerics.second_order_spectrum) with the sympy/mpmath reference (theory.second_order_spectrum)."""
from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest

from shotnoise.numerics import Model
from shotnoise.numerics import second_order_spectrum as nso
from shotnoise.theory import second_order as so
from shotnoise.theory import second_order_spectrum as tso
from shotnoise.theory.errors import ParameterError

MAIN = dict(eta_bar=2.0, Delta=0.2, J=-4.0)
NEAR = dict(eta_bar=1.0, Delta=0.05, J=-3.0)


@pytest.fixture(scope="module")
def main_point():
    return Model(**MAIN, N=100).operating_point()


def _numeric(point):
    s = nso._setup(point, nso.GL_NODES)
    return s


def test_symbolic_identities():
    """K2, K3 symmetric; K2(s, -s) = eq. (96); constant input = derivatives of the fixed point; phase average."""
    checks = tso.verify_kernels()
    assert checks and all(checks.values()), checks


def test_compiled_kernels_match_sympy(main_point):
    """The compiled K2 (matrix form, numbers lambdified from theory) equals the sympy kernel at random frequencies."""
    s = _numeric(main_point)
    _, K2f, K3f, _ = tso._lambdified()
    P = (main_point.r, main_point.v, *MAIN.values(), 0.0, 1.0)
    rng = np.random.default_rng(3)
    for w1, w2 in rng.normal(scale=3.0, size=(5, 2)):
        ref = K2f(1j * w1, 1j * w2, *P)
        got = nso._K2(w1, w2, s["A"], s["B"], s["T"])
        for k in range(2):
            assert abs(got[k] - complex(ref[k])) <= 1e-12 * abs(complex(ref[k]))


def test_generated_pieces_equal_theory():
    """A, B, T of the compiled path (generated kernels: mpr_jacobian, noise_vector, drift_hessians) are the sympy
    closed_loop_jacobian, noise_vector and hessians/2 of theory.second_order (exact: polynomial entries)."""
    import sympy as sp

    P = tso.PARAMS
    vals = (sp.Rational(3, 10), sp.Rational(-2, 7), sp.Rational(3, 2), sp.Rational(1, 5), -4, sp.Rational(1, 3),
            sp.Rational(6, 5))
    A, B, T = nso._constant_pieces(tuple(float(x) for x in vals))
    sub = dict(zip(P, vals))
    refs = ((A, so.closed_loop_jacobian()), (B, so.noise_vector()), (T[0], so.hessians()[0] / 2),
            (T[1], so.hessians()[1] / 2))
    for got, ref in refs:
        ref = np.array(ref.subs(sub).evalf(30), dtype=float).reshape(got.shape)
        np.testing.assert_allclose(got, ref, rtol=1e-15, atol=1e-15)


def test_sinusoidal_input_second_harmonic_and_dc(main_point):
    """A deterministic run of the MPR ODE driven by xi = eps cos(w t) has, at 2w, the complex amplitude
    (eps^2/2) K2(w, w) and the DC shift (eps^2/2) K2(w, -w) (Richardson over two eps removes O(eps^4))."""
    from scipy.integrate import solve_ivp

    from shotnoise.numerics._generated.mpr_kernels import mpr_rhs

    m = main_point.model
    w = 1.3
    per = 2 * math.pi / w
    t_settle, n_per = 40 * per, 8

    def run(eps):
        f = lambda t, x: np.array(mpr_rhs(x[0], x[1], m.eta_bar, m.Delta, m.J, m.I, m.tau)) + \
            np.array([0.0, m.J * eps * math.cos(w * t)])
        t = t_settle + np.arange(0, 256 * n_per) * (per / 256)
        sol = solve_ivp(f, (0, t[-1] + per), [main_point.r, main_point.v], method="DOP853", rtol=1e-12, atol=1e-14,
                        t_eval=t)
        r = sol.y[0]
        c2 = 2 * np.mean(r * np.exp(-2j * w * t))  # exact for a periodic signal sampled over whole periods
        return c2 / eps**2, (np.mean(r) - main_point.r) / eps**2

    (a2, a0), (b2, b0) = run(0.02), run(0.04)
    k2_2w, k2_dc = (4 * a2 - b2) / 3, (4 * a0 - b0) / 3
    s = _numeric(main_point)
    ref_2w = nso._K2(w, w, s["A"], s["B"], s["T"])[0] / 2
    ref_dc = nso._K2(w, -w, s["A"], s["B"], s["T"])[0].real / 2
    # transients decay as exp(-damping t): damping * t_settle > 20; Richardson leaves O(eps^4) ~ 1e-6 relative
    assert abs(k2_2w - ref_2w) < 1e-4 * abs(ref_2w)
    assert abs(k2_dc - ref_dc) < 1e-4 * abs(ref_dc)


@pytest.mark.parametrize("m", [1, 2, 7])
def test_bispectrum_inner_sum_closed_form_vs_direct(main_point, m):
    """sum_{n != 0, m} K2(n w/m, (m-n) w/m): partial fractions + cot closed form vs direct summation (|n| <= 20000
    with the 1/(n(n-m)) tail summed exactly, remaining error O(20000^-2) relative)."""
    s = _numeric(main_point)
    for w in (0.7, 3.9):
        a = nso._bispectrum_inner(w, m, s["A"], s["B"], s["T"], s["lam"], s["R"], False)
        b = nso._bispectrum_inner(w, m, s["A"], s["B"], s["T"], s["lam"], s["R"], True)
        for k in range(2):
            assert abs(a[k] - b[k]) <= 1e-7 * abs(b[k])


#: c = N <delta r> of the main case from theory.second_order.rate_shift_mpmath (tests/unit/test_second_order.py)
C_MAIN = 0.1998999354612473


def test_mean_shift_matches_rate_shift_mpmath(main_point):
    """<delta r> from the compiled quadrature equals theory.second_order.rate_shift_mpmath (eq. (95)), whose value
    (confirmed there by an independent route to 5e-11) is C_MAIN/N."""
    got = nso.second_order_spectrum(point=main_point, omega=np.array([1.0]))
    assert abs(got.rate_shift - C_MAIN / 100) < 1e-8 * C_MAIN / 100


@pytest.mark.slow
def test_mean_shift_and_voltage_shift_mpmath(main_point):
    got = nso.second_order_spectrum(point=main_point, omega=np.array([1.0]))
    ref = so.rate_shift_mpmath(**MAIN, N=100)
    assert abs(got.rate_shift - ref.delta_r) < 1e-8 * abs(ref.delta_r)
    assert abs(got.voltage_shift - ref.delta_v) < 1e-8 * abs(ref.delta_v)


def test_bispectrum_term_matches_mpmath_reference(main_point):
    """Compiled bispectrum term vs the readable mpmath reference (direct double sum to M lines); the allowed
    difference is the reference's own truncation: the omitted lines (about M/3 times its last term, m^-4 decay)
    plus the n-tail's O(n_max^-3) remainder."""
    w = 2.5
    M = 12
    ref = tso.spectrum_mpmath(**MAIN, N=100, omega=w, r0=main_point.r, m_max=M, n_max=150, components=("bispectrum",))
    got = nso.second_order_spectrum(point=main_point, omega=np.array([w]), rtol=1e-9)
    s = _numeric(main_point)
    K1 = nso._H(w, s["A"], s["B"])
    # |2 Re[conj(K1) x]| <= 2 |K1| |x|; the omitted lines sum to about (m_max/3) |last term| (factor 1.5 margin for the
    # O(1/m) corrections to the m^-4 decay)
    for o, k1 in (("activity", abs(1 + K1[0])), ("rate", abs(K1[0])), ("voltage", abs(K1[1]))):
        tol = 2 * k1 * M / 3 * ref["bispectrum_last_term"] * 1.5 + 1e-9 * abs(ref["bispectrum"][o])
        assert abs(got.components["bispectrum"][o][0] - ref["bispectrum"][o]) < tol, (o, tol)
        assert tol < 0.02 * abs(ref["bispectrum"][o])  # the check is not vacuous


@pytest.mark.slow
def test_quadrature_terms_match_mpmath_reference():
    """gaussian_k2 and k1_k3 (with its mean-shift part) vs mpmath quadrature at one frequency (broad case, few
    breakpoints needed); compiled error estimate below 1e-6 relative, so 1e-6 is the tolerance."""
    pt = Model(eta_bar=2.0, Delta=0.5, J=-1.0, N=50).operating_point()
    w = 0.9
    ref = tso.spectrum_mpmath(eta_bar=2.0, Delta=0.5, J=-1.0, N=50, omega=w, r0=pt.r, dps=12, harmonics=4,
                              components=("gaussian_k2", "k1_k3"))
    got = nso.second_order_spectrum(point=pt, omega=np.array([w]))
    for name in ("gaussian_k2", "k1_k3_mean_shift", "k1_k3_mixing"):
        for o in nso.OUTPUTS:
            assert abs(got.components[name][o][0] - ref[name][o]) < 1e-6 * abs(ref[name][o]), (name, o)


def test_scaling_and_totals(main_point):
    """Every component scales as N^-2 (the mean shift as N^-1); the total is the sum of the named components."""
    w = np.array([0.4, 4.0])
    a = nso.second_order_spectrum(point=main_point, omega=w)
    b = nso.second_order_spectrum(point=Model(**MAIN, N=400).operating_point(), omega=w)
    for name in nso.COMPONENTS:
        np.testing.assert_allclose(b.components[name]["activity"] * 16, a.components[name]["activity"], rtol=1e-9)
    assert abs(b.rate_shift * 4 - a.rate_shift) < 1e-12
    tot = sum(a.components[n]["voltage"] for n in nso.COMPONENTS)
    np.testing.assert_allclose(a.voltage, tot, rtol=1e-14)
    d = a.to_dict()
    assert set(d["components"]) == set(nso.COMPONENTS) | {"k1_k3"} and len(d["activity"]) == 2


def test_error_estimate_is_small(main_point):
    got = nso.second_order_spectrum(point=main_point, omega=np.array([0.3, 2.0, 7.0]), error_estimate=True)
    assert np.all(got.error_bound < 1e-4 * np.maximum(np.abs(got.activity), 1e-3 * np.max(np.abs(got.activity))))


#: the three cases of the speed target (issue 14, point 5): near resonance, inhibitory, excitatory resonant
SPEED_CASES = [NEAR, MAIN, dict(eta_bar=1.5, Delta=0.15, J=3.0)]


@pytest.mark.parametrize("case", SPEED_CASES)
def test_fast_method_matches_adaptive(case):
    """method="fast" (half lines, parallel) vs the readable full-line path "adaptive" on a small grid, and both vs a
    refined adaptive run (10 nodes per panel, rtol 1e-8): the fast path's documented agreement is 1e-5 of
    max|correction| (measured ~1e-6 on 2000 omegas), its stated accuracy 1e-4 of max|correction| (issue 14, point 5)."""
    pt = Model(**case, N=100).operating_point()
    w = np.linspace(0.05, 15.0, 25)
    fast = nso.second_order_spectrum(point=pt, omega=w)
    ada = nso.second_order_spectrum(point=pt, omega=w, method="adaptive")
    ref = nso.second_order_spectrum(point=pt, omega=w, method="adaptive", n_gl=10, rtol=1e-8)
    assert fast.rate_shift == ada.rate_shift  # the same once-per-call quadrature
    for o in nso.OUTPUTS:
        scale = np.max(np.abs(getattr(ada, o)))
        assert np.max(np.abs(getattr(fast, o) - getattr(ada, o))) < 1e-5 * scale, o
        assert np.max(np.abs(getattr(fast, o) - getattr(ref, o))) < 1e-4 * scale, o
        for name in nso.COMPONENTS:
            assert np.max(np.abs(fast.components[name][o] - ada.components[name][o])) < 1e-5 * scale, (name, o)


def test_bad_input(main_point):
    with pytest.raises(ParameterError, match="omega"):
        nso.second_order_spectrum(point=main_point, omega=np.array([np.nan, 1.0]))
    even = nso.second_order_spectrum(point=main_point, omega=np.array([-1.3, 1.3, 0.0, 1e-6]))
    assert even.activity[0] == even.activity[1]
    # at omega = 0 the result is the limit omega -> 0 (continuous; the bispectrum term vanishes like omega^3)
    assert abs(even.activity[2] - even.activity[3]) < 1e-4 * abs(even.activity[2])
    assert even.components["bispectrum"]["activity"][2] == 0.0
    with pytest.raises(ParameterError, match="rtol"):
        nso.second_order_spectrum(point=main_point, omega=np.array([1.0]), rtol=0.5)
    with pytest.raises(ParameterError, match="method"):
        nso.second_order_spectrum(point=main_point, omega=np.array([1.0]), method="fft")
    with pytest.raises(ParameterError, match="lorentzian"):
        pt = Model(**MAIN, N=100, heterogeneity="multipole", poles=2).operating_point()
        nso.second_order_spectrum(point=pt, omega=np.array([1.0]))
    with pytest.raises(ParameterError):
        tso.spectrum_mpmath(**MAIN, N=100, omega=-1.0, r0=main_point.r)
    assert mpmath.mp.dps == 15
