"""API edge cases (issue 9): every bad input is a ParameterError naming the parameter, never a silent
nan, a truncated result, or a TypeError / IndexError / numba error."""
import math
import os
import subprocess
import sys

import numpy as np
import pytest

from shotnoise.numerics import ParameterError
from shotnoise.numerics import densities as dens
from shotnoise.numerics.linear_response import (annealed_rate, closed_loop_spectra, resonance_of, susceptibility,
                                                susceptibility_general)
from shotnoise.numerics.mpr import fixed_points, integrate, jacobian, rhs
from shotnoise.numerics.parameters import (MPRParameters, finite, finite_array, integer_at_least, rng_from,
                                           seed_value)
from shotnoise.numerics.qif_reference import reference_network
from shotnoise.numerics.qif_vpeak import simulate_network_vpeak
from shotnoise.numerics.shot_spectrum import (harmonic_terms_needed, shot_spectrum_asymptote, shot_spectrum_harmonic,
                                              shot_spectrum_lorentzian)
from shotnoise.numerics.spike_trains import periodic_activity, qif_frequencies

P = MPRParameters(1.0, 1.0, 0.0)
R0 = fixed_points(P)[0].r
V0 = fixed_points(P)[0].v
ETA = np.linspace(0.5, 1.5, 20)

# ---------------------------------------------------------------- item 2: parameter types

BAD_SCALARS = ["0.05", "1", b"1", True, False, np.bool_(True), 1 + 0j, 1j, None, [1.0], np.array([1.0, 2.0]),
               float("nan"), float("inf"), -float("inf"), 10**400]


@pytest.mark.parametrize("value", BAD_SCALARS, ids=repr)
def test_finite_rejects_non_real_scalars(value):
    with pytest.raises(ParameterError, match="Delta"):
        finite("Delta", value)


@pytest.mark.parametrize("value", [1, 1.5, np.float64(2.0), np.float32(0.5), np.int64(3), np.int8(2), np.array(4.0)])
def test_finite_accepts_real_scalars(value):
    assert finite("x", value) == float(value) and type(finite("x", value)) is float


@pytest.mark.parametrize("args, name", [((1, "0.05", -3), "Delta"), ((1, True, -3), "Delta"), (("1", 1, 0), "eta_bar"),
                                        ((1, 1, 1j), "J"), ((1, 1, 0, None), "I"), ((1, 1, 0, 0, "2"), "tau"),
                                        ((1, 1, np.bool_(False)), "J")])
def test_mpr_parameters_reject_strings_bools_complex(args, name):
    with pytest.raises(ParameterError, match=name):
        MPRParameters(*args)


def test_model_rejects_strings_and_bools():
    from shotnoise.numerics import Model
    with pytest.raises(ParameterError, match="Delta"):
        Model(eta_bar=1, Delta="0.05", J=-3)
    with pytest.raises(ParameterError, match="Delta"):
        Model(eta_bar=1, Delta=True, J=-3)


@pytest.mark.parametrize("value", ["3", True, 2.5, 1j, None, float("nan")], ids=repr)
def test_integer_at_least_rejects(value):
    with pytest.raises(ParameterError, match="n_bins"):
        integer_at_least("n_bins", value, 1)


def test_integer_at_least_accepts_integral_values():
    assert integer_at_least("n", 3, 1) == 3 and integer_at_least("n", 3.0, 1) == 3
    assert integer_at_least("n", np.int64(2**62), 1) == 2**62


@pytest.mark.parametrize("values, what", [([[1.0, 2.0]], "one-dimensional"), (np.ones((2, 3)), "one-dimensional"),
                                          ([1j, 2.0], "complex"), (np.array([1.0 + 0j]), "complex"),
                                          ("1,2", "string"), (["1", "2"], "string"), ([True, False], "boolean"),
                                          ([1.0, None], "non-numeric"), ([[1.0], [2.0, 3.0]], "omega"),
                                          ([1.0, float("nan")], "finite"), (None, "non-numeric")], ids=repr)
def test_finite_array_rejects(values, what):
    with pytest.raises(ParameterError, match="omega") as e:
        finite_array("omega", values)
    assert what in str(e.value)


def test_finite_array_accepts():
    assert finite_array("x", 2.0).shape == (1,)
    assert finite_array("x", [1, 2]).dtype == float
    assert finite_array("x", []).shape == (0,)
    assert finite_array("x", np.ones((2, 2)), ndim=None).shape == (2, 2)


@pytest.mark.parametrize("seed", ["a", 1.5, 1.0, True, -1, None, [1, 2], 1j], ids=repr)
def test_seed_of_the_wrong_type(seed):
    with pytest.raises(ParameterError, match="seed"):
        seed_value("seed", seed)
    with pytest.raises(ParameterError, match="seed"):
        simulate_network_vpeak(ETA, J=1.0, T=1.0, dt=0.01, seed=seed)


def test_seed_accepts_ints_and_generators():
    g = np.random.default_rng(1)
    assert rng_from("seed", g) is g
    assert rng_from("seed", np.int64(3)).random() == np.random.default_rng(3).random()
    assert seed_value("seed", 0) == 0


def test_simulate_network_seed_type():
    from shotnoise.numerics.qif_network import simulate_network
    for seed in ("a", 1.5):
        with pytest.raises(ParameterError, match="seed"):
            simulate_network(ETA, J=1.0, T=1.0, dt=0.01, seed=seed)


def test_density_sample_needs_a_generator():
    with pytest.raises(ParameterError, match="rng"):
        dens.lorentzian(1, 1).sample(3, 5)


# ---------------------------------------------------------------- item 3: API edge cases

@pytest.mark.parametrize("kw, name", [(dict(v=float("nan")), "v"), (dict(v=float("inf")), "v"), (dict(r=float("nan")), "r"),
                                      (dict(r=0.0), "r"), (dict(tau="1"), "tau"), (dict(v="1"), "v")])
def test_susceptibility_validates_the_fixed_point(kw, name):
    with pytest.raises(ParameterError, match=name):
        susceptibility([1.0], **{**dict(r=R0, v=V0), **kw})


def test_integrate_divergence_is_an_error_with_the_time():
    with pytest.raises(ParameterError, match=r"diverged at t=[0-9.]+.*reduce dt"):
        integrate(MPRParameters(10, 1, 15), r0=0.1, v0=-1.0, T=100.0, dt=0.5)


@pytest.mark.parametrize("kw, name", [(dict(save_every=1.7), "save_every"), (dict(save_every="2"), "save_every"),
                                      (dict(save_every=0), "save_every"), (dict(save_every=True), "save_every"),
                                      (dict(T=1.0, dt=0.6), "whole number of steps"), (dict(T=1e300, dt=1e-300), "T/dt"),
                                      (dict(dt=2.0), "dt"), (dict(method="euler"), "method"), (dict(method=None), "method"),
                                      (dict(r0="0.1"), "r0"), (dict(v0=np.nan), "v0")])
def test_integrate_rejects(kw, name):
    args = {**dict(r0=0.1, v0=-1.0, T=1.0, dt=0.01), **kw}
    with pytest.raises(ParameterError, match=name):
        integrate(P, **args)


@pytest.mark.parametrize("method", ["rk4", "solve_ivp"])
@pytest.mark.parametrize("save_every", [1, 3, 7, 10, 1000])
def test_integrate_always_ends_with_the_final_state(method, save_every):
    full = integrate(P, r0=0.1, v0=-1.0, T=1.0, dt=0.1, method=method)
    tr = integrate(P, r0=0.1, v0=-1.0, T=1.0, dt=0.1, method=method, save_every=save_every)
    assert tr.t[-1] == pytest.approx(1.0) and tr.t[0] == 0.0
    assert tr.r[-1] == pytest.approx(full.r[-1], rel=1e-9) and tr.v[-1] == pytest.approx(full.v[-1], rel=1e-9)
    expected_t = sorted(set(np.arange(0, 11, save_every).tolist()) | {10})
    assert np.allclose(tr.t, np.array(expected_t) * 0.1)
    assert np.allclose(tr.r, full.r[expected_t], rtol=1e-9)
    assert tr.to_dict()["t_final"] == pytest.approx(1.0)


def test_integrate_stiff_solve_ivp_stops_with_an_error():
    """J = 1e12: DOP853 would crawl for minutes; it stops after its evaluation budget instead."""
    p = MPRParameters(1.0, 1.0, 1e12)
    with pytest.raises(ParameterError, match="solve_ivp needed more than .* evaluations.*rk4"):
        integrate(p, r0=1.7, v0=0.0, T=1.0, dt=0.001, method="solve_ivp")
    with pytest.raises(ParameterError, match="diverged"):
        integrate(p, r0=1.7, v0=0.0, T=1.0, dt=0.001)


def test_integrate_tolerates_rounding_of_T_over_dt():
    tr = integrate(P, r0=0.1, v0=-1.0, T=1.7, dt=1e-4, save_every=1000)  # 1.7/1e-4 = 17000.000000000004
    assert tr.t[-1] == pytest.approx(1.7)


def test_vpeak_checks_the_length_of_V0():
    with pytest.raises(ParameterError, match="V0"):
        simulate_network_vpeak(ETA, J=1.0, T=1.0, dt=0.01, V0=[0.0, 0.0, 0.0])
    with pytest.raises(ParameterError, match="V0"):
        simulate_network_vpeak(ETA, J=1.0, T=1.0, dt=0.01, V0=np.zeros((20, 1)))
    s = simulate_network_vpeak(ETA, J=1.0, T=1.0, dt=0.01, V0=np.zeros(20))
    assert s.size == 100 and np.all(np.isfinite(s))


def test_reference_network_checks_V0_and_flags():
    with pytest.raises(ParameterError, match="V0"):
        reference_network(ETA, J=1.0, dt=0.01, n_steps=10, V0=np.zeros(3))
    with pytest.raises(ParameterError, match="per_neuron"):
        reference_network(ETA, J=1.0, dt=0.01, n_steps=10, V0=np.zeros(20), per_neuron="yes")
    with pytest.raises(ParameterError, match="eta"):
        reference_network([], J=1.0, dt=0.01, n_steps=10, V0=[])


TWO_D = np.ones((2, 3))
COMPLEX = np.array([1.0 + 1j, 2.0])
G = dens.lorentzian(1.0, 1.0)

#: (call with a bad array x, name of the parameter in the message)
ARRAY_CALLS = {
    "shot_spectrum_lorentzian": (lambda x: shot_spectrum_lorentzian(x, P, N=100, r0=R0), "omega"),
    "shot_spectrum_harmonic": (lambda x: shot_spectrum_harmonic(x, G, N=100, r0=R0), "omega"),
    "susceptibility": (lambda x: susceptibility(x, r=R0, v=V0), "omega"),
    "susceptibility_general": (lambda x: susceptibility_general(x, G, r=R0), "omega"),
    "closed_loop_spectra.omega": (lambda x: closed_loop_spectra(x, S_xi=np.ones(6), r=R0, v=V0, J=0.0, tau=1.0,
                                                                N=100), "omega"),
    "closed_loop_spectra.S_xi": (lambda x: closed_loop_spectra(np.ones(6), S_xi=x, r=R0, v=V0, J=0.0, tau=1.0,
                                                               N=100), "S_xi"),
    "periodic_activity.freqs": (lambda x: periodic_activity(x, np.zeros(6) + 0.5, bin_width=0.1, n_bins=10), "freqs"),
    "periodic_activity.phases": (lambda x: periodic_activity(np.ones(6), x, bin_width=0.1, n_bins=10), "phases"),
    "qif_frequencies": (lambda x: qif_frequencies(x), "eta"),
    "reference_network": (lambda x: reference_network(x, J=1.0, dt=0.01, n_steps=5, V0=np.zeros(6)), "eta"),
    "simulate_network_vpeak": (lambda x: simulate_network_vpeak(x, J=1.0, T=1.0, dt=0.01), "eta"),
}


def _simulate_network(x):
    from shotnoise.numerics.qif_network import simulate_network
    return simulate_network(x, J=1.0, T=1.0, dt=0.01)


ARRAY_CALLS["simulate_network"] = (_simulate_network, "eta")


@pytest.mark.parametrize("bad", [TWO_D, COMPLEX, "1,2", ["a", "b"]], ids=["2-D", "complex", "str", "str-list"])
@pytest.mark.parametrize("call", sorted(ARRAY_CALLS))
def test_array_inputs_are_validated(call, bad):
    fn, name = ARRAY_CALLS[call]
    with pytest.raises(ParameterError, match=name):
        fn(bad)


def test_density_pdf_accepts_any_real_shape():
    assert G.pdf(np.ones((2, 3))).shape == (2, 3)
    assert G.pdf(np.array([np.inf, -np.inf])).tolist() == [0.0, 0.0]
    for bad in (COMPLEX, "1", ["a"], [np.nan]):
        with pytest.raises(ParameterError, match="eta"):
            G.pdf(bad)
        with pytest.raises(ParameterError, match="eta"):
            G.cdf(bad)
    with pytest.raises(ParameterError, match="u"):
        G.ppf([0.5, 1.5])


@pytest.mark.parametrize("call, name", [
    (lambda: periodic_activity([], [], bin_width=0.1, n_bins=3), "freqs"),
    (lambda: periodic_activity([1.0, 2.0], [0.5], bin_width=0.1, n_bins=3), "same length"),
    (lambda: periodic_activity([1.0], [1.5], bin_width=0.1, n_bins=3), "phases"),
    (lambda: periodic_activity([1.0], [0.5], bin_width=0.1, n_bins=1e12), "n_bins"),
    (lambda: simulate_network_vpeak([], J=1.0, T=1.0, dt=0.01), "eta"),
    (lambda: simulate_network_vpeak(ETA, J=1.0, T=1e300, dt=1e-300), "T/dt"),
    (lambda: simulate_network_vpeak(ETA, J=1.0, T=1.0, dt=1e-12), "bins"),
    (lambda: simulate_network_vpeak(ETA, J=1.0, T=1.0, dt=0.01, v_peak=1.0), "v_peak"),
    (lambda: simulate_network_vpeak(ETA, J=1.0, T=1.0, dt=0.01, bin_width=2.0), "bin_width"),
    (lambda: closed_loop_spectra([1.0, 2.0], S_xi=[1.0], r=R0, v=V0, J=0.0, tau=1.0, N=100), "S_xi"),
    (lambda: closed_loop_spectra([1.0], S_xi=[1.0], r=R0, v=np.nan, J=0.0, tau=1.0, N=100), "v"),
    (lambda: closed_loop_spectra([1.0], S_xi=[1.0], r=R0, v=V0, J=0.0, tau=1.0, N=100, M=200), "M"),
    (lambda: resonance_of(r=R0, v=np.nan, eta_t=1.0, J=0.0, tau=1.0), "v"),
    (lambda: susceptibility_general([1.0], "lorentzian", r=R0), "g"),
    (lambda: annealed_rate(G, J="1"), "J"),
    (lambda: shot_spectrum_harmonic([1.0], G, N=100, r0=R0, J=np.nan), "J"),
    (lambda: shot_spectrum_lorentzian([1.0], object(), N=100, r0=R0), "p"),
    (lambda: shot_spectrum_asymptote(P, N=100, r0=-1.0), "r0"),
    (lambda: harmonic_terms_needed(1e300, sup_g=1.0, tau=1.0, N=1.0, atol=1e-300), "omega_max"),
    (lambda: dens.make_density(["lorentzian"], 1.0, 1.0), "heterogeneity"),
    (lambda: dens.user_density(lambda x: x, sup=1.0, lo=1.0, hi=0.0), "lo < hi"),
    (lambda: dens.user_density("pdf", sup=1.0), "pdf"),
    (lambda: fixed_points((1.0, 1.0, 0.0)), "MPRParameters"),
    (lambda: rhs(np.nan, 0.0, P), "r"),
    (lambda: jacobian(1.0, "0", P), "v"),
], ids=lambda x: x if isinstance(x, str) else "")
def test_more_edges(call, name):
    with pytest.raises(ParameterError, match=name):
        call()


def test_shot_spectrum_is_finite_up_to_the_largest_double():
    w = np.array([1.0, 1e10, 1e100, 1e300, 1e308, -1.7e308])
    for p in (P, MPRParameters(1.0, 1.0, 0.0, 0.0, 1e-50), MPRParameters(1.0, 1e-6, 100.0)):
        r = fixed_points(p)[0].r
        S = shot_spectrum_lorentzian(w, p, N=100, r0=r)
        assert np.all(np.isfinite(S))
        assert S[-1] == pytest.approx(r / 100, rel=1e-12)


def test_shot_spectrum_asymptote_branch_matches_the_closed_form():
    """Where |Im(pi z)| > 20 the grid uses s_inf - a/omega: equal to the closed form evaluated directly."""
    from shotnoise.numerics._generated.spectrum_kernels import lorentzian_c, shot_spectrum_from_c
    from shotnoise.numerics._jit import pure
    p = MPRParameters(1.0, 0.5, 2.0, 0.1, 1.3)
    r = fixed_points(p)[0].r
    c = pure(lorentzian_c)(r, *p.as_tuple())
    k = p.tau / (2 * np.sqrt(c))
    w_switch = 20.0 / (math.pi * abs(k.imag))
    for w in w_switch * np.array([0.999, 1.001, 1.5, 3.0]):
        direct = pure(shot_spectrum_from_c)(w, c, 1 / c, w * k, 0.5 * w * p.tau, p.tau, 100.0)
        assert shot_spectrum_lorentzian([w], p, N=100, r0=r)[0] == pytest.approx(direct, rel=1e-13)


def test_cli_runs_with_numba_disabled():
    """No ``.py_func`` of a plain function: NUMBA_DISABLE_JIT=1 must work (numerics/_jit.pure)."""
    env = {**os.environ, "NUMBA_DISABLE_JIT": "1"}
    proc = subprocess.run([sys.executable, "-m", "shotnoise.validation.cli", "fixed-points", "--eta-bar", "1",
                           "--delta", "1", "--J", "0", "--json"], env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert '"fixed_points"' in proc.stdout


def test_no_py_func_left_in_the_package():
    import pathlib
    root = pathlib.Path(__file__).resolve().parents[2]
    offenders = [f"{p.relative_to(root)}:{i}" for d in ("numerics", "validation", "theory") for p in (root / d).rglob("*.py")
                 if "_generated" not in p.parts
                 for i, line in enumerate(p.read_text().splitlines(), 1) if ".py_func" in line and p.name != "_jit.py"]
    assert not offenders, offenders


def test_spectrum_at_a_band_edge_of_a_uniform_density_is_an_error_not_nan():
    """Re G of a density with a jump is log-infinite at the edges of the firing band: exactly there the closed
    loop is undefined (a ParameterError naming omega), next to it the spectra are finite."""
    from shotnoise.numerics import Model
    for J in (0.0, -1.0):
        op = Model(eta_bar=1.0, Delta=0.2, J=J, N=100, heterogeneity="uniform").operating_point()
        edge = 2 * np.sqrt(1.2 + J * op.r)
        with pytest.raises(ParameterError, match="edge of the band"):
            op.spectra(np.array([1.0, edge]))
        sp = op.spectra(np.array([1.0, edge * (1 + 1e-9), edge * (1 - 1e-9)]))
        assert np.all(np.isfinite(sp.activity)) and np.all(np.isfinite(sp.voltage))
