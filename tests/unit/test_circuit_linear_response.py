"""Circuit linear response: the Jacobian and noise matrix, the transfer and spectral matrices.

Checked against (i) the single-population closed forms for P = 1 with delta synapses, (ii) finite differences
of the mass model's right-hand side, (iii) the independent susceptibility formulation of the closed loop,
r = G J F (r + xi) with F = 1/(1 + i omega tau_s), i.e. T_activity = (1 - G J F)^{-1}."""
import numpy as np
import pytest

from shotnoise.numerics import Model, ParameterError
from shotnoise.numerics.circuit.model import Circuit, Population

OMEGA = np.array([0.05, 0.4, 1.3, 2.7, 6.0, 15.0, 40.0])


def mixed_circuit():
    """E (multi-pole n = 2, exponential synapse), I (Lorentzian, delta synapse): every block of the layout."""
    pops = [Population(name="E", eta_bar=1.0, Delta=0.3, tau=1.0, tau_s=0.4, N=800, heterogeneity="multipole",
                       poles=2),
            Population(name="I", eta_bar=0.5, Delta=0.2, tau=0.5, tau_s=0.0, I=0.3, N=300)]
    return Circuit(populations=pops, coupling={"E": {"E": 1.5, "I": -2.0}, "I": {"E": 2.5, "I": -1.0}})


@pytest.mark.parametrize("kw", [dict(eta_bar=2.0, Delta=0.2, J=-4.0), dict(eta_bar=1.0, Delta=0.05, J=-3.0, tau=0.7),
                                dict(eta_bar=1.0, Delta=0.3, J=2.0, heterogeneity="multipole", poles=3)])
def test_one_population_reproduces_the_closed_loop(kw):
    m = Model(N=1000, **kw)
    op1 = m.operating_point()
    op = Circuit.from_model(m).operating_point()
    s1, s = op1.spectra(OMEGA), op.spectra(OMEGA)
    for a, b in [("activity", s1.activity), ("rate", s1.rate), ("voltage", s1.voltage), ("synaptic", s1.activity)]:
        assert np.allclose(s.auto(a, "pop"), b, rtol=1e-11, atol=0), a
    assert np.allclose(s.shot[0], s1.shot, rtol=1e-12)
    # binned and expected Welch estimates
    bw = 0.02
    w = np.linspace(0.0, np.pi / bw, 9)
    assert np.allclose(np.real(op.binned(bin_width=bw)(w)[:, 0, 0]), op1.binned(bin_width=bw)(w), rtol=1e-10)
    assert np.allclose(np.real(op.binned(bin_width=bw, noise="white")(w)[:, 0, 0]),
                       op1.binned(bin_width=bw, kind="white")(w), rtol=1e-10)
    e1 = op1.expected_welch(segment=20.0, bin_width=bw)
    e = op.expected_welch(segment=20.0, bin_width=bw)
    assert np.allclose(e.auto("pop"), e1.psd, rtol=1e-10)


def test_jacobian_and_noise_matrix_are_the_derivatives_of_the_rhs():
    c = mixed_circuit()
    st = c.structure
    op = c.operating_point()
    x = op.x + 0.01 * np.random.default_rng(1).standard_normal(st.dim)  # away from the fixed point too
    A = st.jacobian(x)
    eps = 1e-6
    fd = np.array([(st.rhs(x + eps * e) - st.rhs(x - eps * e)) / (2 * eps) for e in np.eye(st.dim)]).T
    assert np.allclose(A, fd, rtol=1e-7, atol=1e-7)
    B = st.noise_matrix()
    fdB = np.array([(st.rhs(x, xi=eps * e) - st.rhs(x, xi=-eps * e)) / (2 * eps) for e in np.eye(st.P)]).T
    assert np.allclose(B, fdB, rtol=1e-7, atol=1e-7)
    assert np.allclose(st.rhs(op.x), 0.0, atol=1e-12)


def test_transfer_equals_the_susceptibility_formulation():
    c = mixed_circuit()
    op = c.operating_point()
    T = op.transfer(OMEGA, output="activity")
    G = np.array([q.susceptibility(OMEGA)[0] for q in op.population_points])  # P x len(omega), dr = G dh
    for i, w in enumerate(OMEGA):
        F = np.diag([1.0 / (1.0 + 1j * w * p.tau_s) for p in c.populations])
        want = np.linalg.inv(np.eye(2) - np.diag(G[:, i]) @ c.J @ F)
        assert np.allclose(T[i], want, rtol=1e-9, atol=1e-12)


def test_spectral_matrix_is_hermitian_and_coherence_bounded():
    op = mixed_circuit().operating_point()
    sp = op.spectra(OMEGA)
    for k in ("activity", "synaptic", "rate", "voltage"):
        S = sp.matrices[k]
        assert np.allclose(S, np.conj(np.transpose(S, (0, 2, 1))), rtol=1e-12, atol=1e-30)
        assert np.all(np.real(np.einsum("waa->wa", S)) > 0)
    coh = sp.coherence("activity", "E", "I")
    assert np.all((coh >= 0) & (coh <= 1 + 1e-12))
    d = sp.to_dict()
    assert set(d["spectra"]["E"]) >= {"shot", "activity", "synaptic", "voltage"}
    assert set(d["cross"]) == {"E|I"} and len(d["cross"]["E|I"]["re"]) == OMEGA.size
    # at high frequency the loop is open: the activity is the shot noise
    hi = op.spectra(np.array([1e4]))
    assert hi.auto("activity", "E")[0] == pytest.approx(hi.shot[0, 0], rel=1e-3)


def test_unstable_point_refuses_linear_response():
    # ING: one inhibitory population with a slow synapse, past its Hopf point
    c = Circuit(populations=[Population(name="I", eta_bar=1.0, Delta=0.05, tau_s=1.0, N=1000)], coupling=[[-10.0]])
    op = c.operating_point(require_stable=False)
    assert op.stability == "unstable-focus"
    with pytest.raises(ParameterError, match="Hopf"):
        op.spectra(OMEGA)
    with pytest.raises(ParameterError, match="linear response needs a stable"):
        c.operating_point()


def test_jacobian_and_noise_matrix_equal_the_sympy_model():
    """The numerics assemble A and B from the generated local kernels and linear read-outs; theory.circuit builds
    them symbolically.  Same matrices (the numerics use (Re w, Im w) = (pi tau r_k, v_k) per mode and put the
    synapses last: a fixed change of coordinates)."""
    import sympy as sp

    from shotnoise.theory import circuit as tc

    c = mixed_circuit()
    st = c.structure
    ts = tc.CircuitStructure(("E", "I"), (2, 1), ("exponential", "delta"))
    sub = {}
    for p in c.populations:
        sy = tc.population_symbols(p.name)
        sub.update({sy["eta_bar"]: p.eta_bar, sy["Delta"]: p.Delta, sy["I"]: p.I, sy["tau"]: p.tau})
        if p.tau_s:
            sub[sy["tau_s"]] = p.tau_s
    for i, a in enumerate(c.names):
        for j, b in enumerate(c.names):
            sub[tc.coupling_symbol(a, b)] = float(c.J[i, j])
    x = c.operating_point().x + 0.01 * np.random.default_rng(2).standard_normal(st.dim)
    # theory coordinates -> numerics coordinates: x_num = T x_th
    names = [str(s) for s in tc.state_symbols(ts)]
    T = np.zeros((st.dim, st.dim))
    order = [("r_E_1", 0, np.pi * 1.0), ("v_E_1", 1, 1.0), ("r_E_2", 2, np.pi * 1.0), ("v_E_2", 3, 1.0),
             ("r_I", 4, np.pi * 0.5), ("v_I", 5, 1.0), ("s_E", 6, 1.0)]
    for name, k, scale in order:
        T[k, names.index(name)] = scale
    x_th = np.linalg.solve(T, x)
    sub.update({sym: float(val) for sym, val in zip(tc.state_symbols(ts), x_th)})
    A_th = np.array(tc.circuit_jacobian(ts).subs(sub).evalf(), dtype=float)
    B_th = np.array(tc.noise_matrix(ts).subs(sub).evalf(), dtype=float)
    assert np.allclose(st.jacobian(x), T @ A_th @ np.linalg.inv(T), rtol=1e-12, atol=1e-12)
    assert np.allclose(st.noise_matrix(), T @ B_th, rtol=1e-12, atol=1e-12)
    f_th = np.array(sp.Matrix(tc.circuit_rhs(ts)).subs(sub).evalf(), dtype=float).ravel()
    assert np.allclose(st.rhs(x), T @ f_th, rtol=1e-12, atol=1e-12)
