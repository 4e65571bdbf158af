"""The symbolic circuit model (theory/circuit.py, circuit_hopf.py): structure, P = 1 limits, noise matrix,
outputs, the Routh-Hurwitz Hopf condition and the ING Hopf point."""
import mpmath
import numpy as np
import pytest
import sympy as sp

from shotnoise.theory import circuit as cc
from shotnoise.theory import circuit_hopf as ch
from shotnoise.theory.errors import ParameterError
from shotnoise.theory.symbols import Delta, I_ext, J, eta_bar, r, s, tau, v


def test_verify_circuit_all_checks_pass():
    out = ch.verify_circuit()
    assert len(out) >= 11 and all(out.values()), out


def test_structure_from_dict():
    doc = {"populations": {"E": {"N": 800, "tau_s": 0.2}, "I": {"heterogeneity": "multipole", "poles": 3},
                           "X": {"heterogeneity": "lorentzian", "tau_s": 0}}}
    st = cc.structure_from_dict(doc)
    assert st == cc.CircuitStructure(("E", "I", "X"), (1, 3, 1), ("exponential", "delta", "delta"))
    assert cc.state_symbols(st) == sp.symbols("r_E v_E s_E r_I_1 v_I_1 r_I_2 v_I_2 r_I_3 v_I_3 r_X v_X",
                                              real=True)


@pytest.mark.parametrize("doc,key", [
    ({}, "populations"),
    ({"populations": {"E": {"heterogeneity": "gaussian"}}}, "populations.E.heterogeneity"),
    ({"populations": {"E": {"heterogeneity": "multipole"}}}, "populations.E.poles"),
    ({"populations": {"E": {"heterogeneity": "multipole", "poles": 7}}}, "populations.E.poles"),
    ({"populations": {"E": {"tau_s": -1}}}, "populations.E.tau_s"),
    ({"populations": {"E_1": {}}}, "populations.E_1"),
    ({"populations": {"E": {}, "e": {}}}, "populations"),
])
def test_structure_errors_name_the_key(doc, key):
    with pytest.raises(ParameterError, match=key.replace(".", r"\.")):
        cc.structure_from_dict(doc)


def test_jacobian_is_local_blocks_plus_linear_coupling():
    """Every mode block is the MPR Jacobian without J; the rest of A is the linear map x -> h (J entries)."""
    st = cc.CircuitStructure(("E", "I"), (1, 2), ("exponential", "delta"))
    A = cc.circuit_jacobian(st)
    x = cc.state_symbols(st)
    blk = cc.local_block()
    rk, vk = sp.symbols("r_k v_k", real=True)
    L = sp.zeros(len(x), len(x))
    for a, name in enumerate(st.names):
        p = cc.population_symbols(name)
        for pair in cc.mode_symbols(st, a):
            i = x.index(pair[0])
            L[i:i + 2, i:i + 2] = blk.subs({rk: pair[0], vk: pair[1], tau: p["tau"]})
        if st.synapse[a] == "exponential":
            i = x.index(cc.synapse_symbol(name))
            L[i, i] = -1 / p["tau_s"]
    coupling = A - L
    assert not (coupling.free_symbols & set(x))  # the rest is a constant linear map
    # it is J times a readout: zero when every J_ab = 0, apart from the synapse's drive r_E/tau_s_E
    zeroJ = {cc.coupling_symbol(a, b): 0 for a in st.names for b in st.names}
    i, j = x.index(cc.synapse_symbol("E")), x.index(sp.Symbol("r_E", real=True))
    rest = coupling.subs(zeroJ)
    assert rest[i, j] == 1 / cc.population_symbols("E")["tau_s"]
    rest[i, j] = 0
    assert rest == sp.zeros(len(x), len(x))


def test_noise_matrix_and_outputs():
    st = cc.CircuitStructure(("E", "I"), (1, 1), ("exponential", "delta"))
    B = cc.noise_matrix(st)
    tsE = cc.population_symbols("E")["tau_s"]
    JEI, JII = cc.coupling_symbol("E", "I"), cc.coupling_symbol("I", "I")
    assert B == sp.Matrix([[0, 0], [0, JEI], [1 / tsE, 0], [0, 0], [0, JII]])
    C, D = cc.output_matrices(st, "activity")
    assert C == sp.Matrix([[1, 0, 0, 0, 0], [0, 0, 0, 1, 0]]) and D == sp.eye(2)
    C, D = cc.output_matrices(st, "synaptic")  # s_E for the exponential synapse, A_I = r_I + xi_I for delta
    assert C == sp.Matrix([[0, 0, 1, 0, 0], [0, 0, 0, 1, 0]]) and D == sp.diag(0, 1)
    C, D = cc.output_matrices(st, "voltage")
    assert C == sp.Matrix([[0, 1, 0, 0, 0], [0, 0, 0, 0, 1]]) and D == sp.zeros(2)
    with pytest.raises(ParameterError):
        cc.output_matrices(st, "spikes")


def test_hopf_closed_forms():
    d = ch.hopf_condition_single_population()
    # a1, a2 > 0 always; J_H < 0 for every r0 (ING: only inhibition destabilises), and J_H -> -oo as tau_s -> 0
    assert d["a1"].is_positive and d["a2"].is_positive
    assert (-d["J_H"]).is_positive
    assert sp.limit(d["J_H"], cc.tau_s, 0, "+") == -sp.oo
    # the Hurwitz matrix of the cubic: its middle minor is a1 a2 - a3
    H = ch.hurwitz_matrix([1, d["a1"], d["a2"], d["a3"]])
    assert sp.simplify(H[:2, :2].det() - d["hurwitz"]) == 0


def test_ing_hopf_point_single_inhibitory_population():
    """eta_bar = 1, Delta = 0.1, tau = 1, tau_s = 0.5: lowering J from 0 the fixed point loses stability at
    J_H < 0 through a pair +-i omega_H (Devalle, Roxin & Montbrio 2017); independent check by the eigenvalues
    of the numerical Jacobian at the fixed point solved from the quartic."""
    vals = dict(eta_bar_value=1.0, Delta_value=0.1, tau_value=1.0, tau_s_value=0.5)
    hp = ch.hopf_point_mpmath(**vals)
    assert hp is not None and hp["J_H"] < 0
    m = ch.single_population_symbols(ch.SINGLE_EXPONENTIAL)
    Jac = sp.lambdify((r, v, s, J), cc.circuit_jacobian(ch.SINGLE_EXPONENTIAL).xreplace(m).subs(
        {eta_bar: 1.0, Delta: 0.1, tau: 1.0, cc.tau_s: 0.5, I_ext: 0}), "numpy")
    d = ch.hopf_condition_single_population()
    hz = sp.lambdify((r, J), d["hurwitz"].subs({Delta: 0.1, tau: 1.0, cc.tau_s: 0.5}))

    def at(Jv):
        # fixed point: the largest positive root of the quartic pi^2 r^4 - J r^3 - eta r^2 - Delta^2/(4 pi^2) = 0
        roots = np.roots([-np.pi**2, Jv, 1.0, 0.0, 0.1**2 / (4 * np.pi**2)])
        r0 = max(x.real for x in roots if abs(x.imag) < 1e-12 and x.real > 0)
        return r0, np.linalg.eigvals(Jac(r0, -0.1 / (2 * np.pi * r0), r0, Jv))

    Jh = float(hp["J_H"])
    r0, ev = at(Jh)
    assert r0 == pytest.approx(float(hp["r0"]), rel=1e-9)
    pair = ev[np.argmax(ev.imag)]
    assert abs(pair.real) < 1e-8 and pair.imag == pytest.approx(float(hp["omega_H"]), rel=1e-8)
    for eps, stable in ((0.05, True), (-0.05, False)):  # weaker inhibition stable, stronger oscillates
        r1, ev1 = at(Jh + eps)
        assert (max(ev1.real) < 0) == stable and (hz(r1, Jh + eps) > 0) == stable


def test_strang_step_is_second_order():
    """The network's step S(dt/2, t_{k+1}) o M(dt) o S(dt/2, t_k) (eq. (92)) has local error O(dt^3) with the
    stated leading term, symbolically and against a high-precision solution of the ODE (a of both signs)."""
    err = ch.strang_local_error(3)
    dt = sp.Symbol("dt", positive=True)
    V0, a, h0, h1, h2 = sp.symbols("V0 a h0 h1 h2", real=True)
    assert sp.Poly(err, dt).all_coeffs()[-3:] == [0, 0, 0] and sp.degree(err, dt) == 3
    lead = (tau**2 * h2 - 4 * tau * V0 * h1 + 2 * (V0**2 - a) * h0 - tau * h0**2) / (12 * tau**2)
    assert sp.expand(err.coeff(dt, 3) - lead) == 0

    # independent numbers: the composition with the numeric Moebius map vs mpmath's ODE solution
    with mpmath.workdps(30):
        tv, Vv, p0, p1, p2 = mpmath.mpf("0.8"), mpmath.mpf("0.3"), mpmath.mpf("0.4"), mpmath.mpf("-0.7"), 2

        def moebius(x, av, d):
            if av > 0:
                q = mpmath.sqrt(av)
                A, B, C = mpmath.cos(q * d / tv), q * mpmath.sin(q * d / tv), -mpmath.sin(q * d / tv) / q
            else:
                b = mpmath.sqrt(-av)
                A, B, C = 1, -b * mpmath.tanh(b * d / tv), -mpmath.tanh(b * d / tv) / b
            return (A * x + B) / (C * x + A)

        dh = lambda t: p0 + p1 * t + p2 * t**2 / 2  # noqa: E731
        for av in (mpmath.mpf("1.5"), mpmath.mpf("-0.6")):
            exact = mpmath.odefun(lambda t, V: (V**2 + av) / tv + dh(t), 0, Vv)
            c = float(lead.subs({tau: tv, V0: Vv, a: av, h0: p0, h1: p1, h2: p2}))
            for d in (mpmath.mpf("2e-3"), mpmath.mpf("1e-3")):
                step = moebius(Vv + d / 2 * dh(0), av, d) + d / 2 * dh(d)
                assert float((step - exact(d)) / d**3) == pytest.approx(c, rel=2e-2, abs=2e-2)


def test_midpoint_kernel_sum():
    """Spikes put at the step midpoint: the sampled kernel sums to its unit integral up to O((dt/tau_s)^2)."""
    closed, series = ch.midpoint_kernel_sum(4)
    x = sp.Symbol("x", positive=True)
    assert sp.expand(series - (1 - cc.dt**2 / (24 * cc.tau_s**2))) == 0
    with mpmath.workdps(30):
        dv, tsv = mpmath.mpf("0.3"), mpmath.mpf("0.7")
        direct = mpmath.nsum(lambda m: dv * mpmath.exp(-(m + mpmath.mpf(1) / 2) * dv / tsv) / tsv, [0, mpmath.inf])
        assert abs(sp.N(closed.subs({cc.dt: dv, cc.tau_s: tsv}), 30) - direct) < 1e-25
    assert sp.simplify(closed.subs(cc.dt, x * cc.tau_s) - x / (2 * sp.sinh(x / 2))) == 0


def test_kernel_sources():
    assert sp.simplify(cc.mode_jacobian() + 2 * sp.I * sp.Symbol("w_k") / tau) == 0
    assert cc.synapse_decay() == sp.exp(-cc.dt / cc.tau_s)
    mean = cc.synapse_step_mean()
    # the exact mean of exp(-t/tau_s) over [0, dt] and its small-dt limit 1
    assert sp.limit(mean["start"], cc.dt, 0) == 1
    with mpmath.workdps(30):
        f = sp.lambdify((cc.dt, cc.tau_s), mean["start"], "mpmath")
        a, b = mpmath.mpf("0.3"), mpmath.mpf("0.7")
        assert abs(f(a, b) - mpmath.quad(lambda t: mpmath.exp(-t / b), [0, a]) / a) < 1e-25


def test_population_transfer_lorentzian_is_mpr_rate():
    """Phi(h) of a Lorentzian population is Re sqrt(eta_bar + I + tau h + i Delta)/(pi tau) (eq. (69), n = 1)."""
    st = ch.SINGLE_DELTA
    Phi = cc.population_transfer(st, 0).xreplace(ch.single_population_symbols(st))
    ref = sp.re(sp.sqrt(eta_bar + I_ext + tau * cc.h - sp.I * Delta)) / (sp.pi * tau)
    pts = {eta_bar: 0.7, I_ext: 0.1, tau: 1.3, cc.h: -0.4, Delta: 0.25}
    assert abs(sp.N((Phi - ref).subs(pts), 30)) < 1e-25
