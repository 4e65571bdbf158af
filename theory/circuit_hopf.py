"""Stability and Hopf bifurcation of circuits, the network's step for exponential synapses, and the checks of
theory/circuit.py (theory/THEORY.md eqs. (89), (90) and (92)).

One population with an exponential synapse (Lorentzian, state (r, v, s)) has the characteristic polynomial
det(lambda - A) = lambda^3 + a1 lambda^2 + a2 lambda + a3 at its fixed point (v0 = -Delta/(2 pi tau r0),
s0 = r0).  By Routh-Hurwitz it is stable iff a1 > 0, a3 > 0 and a1 a2 > a3; on a1 a2 = a3 (a1, a2 > 0) the
eigenvalues are -a1 and +-i omega_H with omega_H^2 = a2: a Hopf bifurcation.  The condition is linear in J,
so the Hopf curve is explicit in r0: J_H(r0) < 0 for every r0 > 0 and tau_s > 0, and J_H -> -oo as tau_s -> 0
(with delta synapses there is none).  This is the ING mechanism: an inhibitory population with synaptic
kinetics oscillates once its inhibition is strong enough (Devalle, Roxin & Montbrio 2017).

The network step for exponential synapses (eq. (92)) is the Strang splitting numerics.circuit.network runs:
S(dt/2 at t_{k+1}) o M(dt) o S(dt/2 at t_k), M(dt) the exact Moebius map (eq. (7)) of the Riccati flow with the
constant drive a = eta_j + I + tau hbar (mean input included), S the shift V += (dt/2)(h(t) - hbar) with the
input at the grid time; :func:`strang_local_error` checks by series against the exact flow for a smooth h(t)
that the local error is O(dt^3) (global O(dt^2)) and gives its dt^3 term.  :func:`midpoint_kernel_sum`: the
spikes of a step enter s at its midpoint, and the kernel so sampled sums to (x/2)/sinh(x/2) = 1 - x^2/24 + ...,
x = dt/tau_s (midpoint quadrature of its unit integral).

:func:`verify_circuit` checks theory/circuit.py against the one-population theory: P = 1 with a delta synapse
is MPR (rhs, Jacobian, noise, eq. (49) spectrum), P = 1 multi-pole is theory/multipole.py's reduced model, the
fixed-point relations, the transfer derivative, the exact synapse and the Hopf closed forms.
"""
from __future__ import annotations

from functools import lru_cache

import sympy as sp

from . import circuit as cc
from .symbols import Delta, I_ext, J, N, eta_bar, r, s, tau, v, xi

lam = sp.Symbol("lambda")
#: the one-population structures used here (population "E"; Lorentzian unless stated)
SINGLE_DELTA = cc.CircuitStructure(("E",), (1,), ("delta",))
SINGLE_EXPONENTIAL = cc.CircuitStructure(("E",), (1,), ("exponential",))


def single_population_symbols(structure: cc.CircuitStructure) -> dict:
    """Map the symbols of a one-population circuit to the shared ones (r, v, s, eta_bar, Delta, I, tau, J, N,
    xi, tau_s), so that its expressions compare with theory.lorentzian_ansatz and theory.multipole."""
    if structure.P != 1:
        raise ValueError("a one-population structure is required")
    name = structure.names[0]
    p = cc.population_symbols(name)
    out = {p["eta_bar"]: eta_bar, p["Delta"]: Delta, p["I"]: I_ext, p["tau"]: tau, p["tau_s"]: cc.tau_s,
           p["N"]: N, p["xi"]: xi, cc.coupling_symbol(name, name): J, cc.synapse_symbol(name): s}
    if structure.poles[0] == 1:
        out.update({p["r"]: r, p["v"]: v})
    else:
        for k, (rk, vk) in enumerate(cc.mode_symbols(structure, 0), start=1):
            out.update({rk: sp.Symbol("r%d" % k, real=True), vk: sp.Symbol("v%d" % k, real=True)})
    return out


def characteristic_polynomial(structure: cc.CircuitStructure) -> sp.Poly:
    """det(lambda - A) of the circuit's Jacobian A (in the state and parameter symbols)."""
    A = cc.circuit_jacobian(structure)
    return sp.Poly(sp.expand((lam * sp.eye(A.shape[0]) - A).det(method="berkowitz")), lam)


def hurwitz_matrix(coefficients: list) -> sp.Matrix:
    """Hurwitz matrix of lambda^n + a1 lambda^(n-1) + ... + an (``coefficients`` = [1, a1, ..., an]): stable iff
    all its leading principal minors are positive; a Hopf point has minor n-1 = 0."""
    a = list(coefficients)
    n = len(a) - 1
    return sp.Matrix(n, n, lambda i, j: a[2 * j - i + 1] if 0 <= 2 * j - i + 1 <= n else 0)


@lru_cache(maxsize=None)
def hopf_condition_single_population() -> dict:
    """One Lorentzian population with an exponential synapse at its fixed point (r0 = r, v0 = -Delta/(2 pi tau r),
    s0 = r): the cubic's coefficients a1, a2, a3, the Routh-Hurwitz quantity a1 a2 - a3 (zero on the Hopf
    curve, positive where stable), omega_H^2 = a2 and the Hopf curve parametrised by r0: J_H(r0) and
    eta_H(r0) (= eta_bar + I on the curve).  Keys: a1, a2, a3, hurwitz, omega_H_squared, J_H, eta_H."""
    m = single_population_symbols(SINGLE_EXPONENTIAL)
    at = {v: -Delta / (2 * sp.pi * tau * r), s: r}
    poly = characteristic_polynomial(SINGLE_EXPONENTIAL)
    coeffs = [sp.factor(sp.expand(c.xreplace(m).subs(at))) for c in poly.all_coeffs()]
    if coeffs[0] != 1 or len(coeffs) != 4:
        raise RuntimeError("expected a monic cubic, got %s" % coeffs)
    a1, a2, a3 = coeffs[1:]
    hurwitz = sp.factor(sp.expand(a1 * a2 - a3))
    (J_H,) = sp.solve(hurwitz, J)
    J_H = sp.factor(J_H)
    dv = cc.circuit_rhs(SINGLE_EXPONENTIAL)[1].xreplace(m).subs(at).subs(J, J_H)
    (eta_H,) = sp.solve(dv, eta_bar)
    return {"a1": a1, "a2": a2, "a3": a3, "hurwitz": hurwitz, "omega_H_squared": a2, "J_H": J_H,
            "eta_H": sp.factor(sp.expand(eta_H.subs(I_ext, 0)))}


def hopf_point_mpmath(*, eta_bar_value, Delta_value, tau_value, tau_s_value, I_value=0.0, dps: int = 30) -> dict:
    """The first Hopf point met when the coupling J of one Lorentzian population with an exponential synapse is
    lowered from 0 (mpmath): on the Hopf curve eta_H(r0) = eta_bar + I, scanned from the rate at J = 0 down.
    Returns J_H, its rate r0 (r0 = Phi(J_H r0)) and omega_H = sqrt(a2); ``None`` if there is none down to
    r0 = 1e-4 r(J = 0)."""
    import mpmath

    d = hopf_condition_single_population()
    vals = {Delta: Delta_value, tau: tau_value, cc.tau_s: tau_s_value}
    Phi = cc.population_transfer(SINGLE_DELTA, 0).xreplace(single_population_symbols(SINGLE_DELTA))
    gap = sp.lambdify(r, d["eta_H"].subs(vals) - eta_bar_value - I_value, "mpmath")
    with mpmath.workdps(dps):
        r_top = mpmath.mpf(sp.N(Phi.subs({cc.h: 0, eta_bar: eta_bar_value, I_ext: I_value}).subs(vals), dps))
        grid = [r_top * mpmath.mpf(10) ** (-4 * k / mpmath.mpf(400)) for k in range(401)]
        for hi, lo in zip(grid, grid[1:]):
            if gap(hi) * gap(lo) <= 0:
                r0 = mpmath.findroot(gap, (lo, hi), solver="anderson")
                J0 = sp.N(d["J_H"].subs(vals).subs(r, r0), dps)
                return {"J_H": mpmath.mpf(J0), "r0": r0,
                        "omega_H": mpmath.sqrt(mpmath.mpf(sp.N(d["a2"].subs(vals).subs(r, r0), dps)))}
    return None


# ----------------------------------------------------------------------------- the network step
@lru_cache(maxsize=None)
def strang_local_error(order: int = 3) -> sp.Expr:
    """Series in dt of (network step - exact flow) over one step [t_k, t_k + dt] (t_k = 0) for

        tau dV/dt = V^2 + a + tau (h(t) - hbar),     h(t_k + t) - hbar = h0 + h1 t + h2 t^2 / 2,

    a = eta_j + I + tau hbar the constant drive with the mean input (hbar = sum_{b exp} J_b r_b at the
    fixed-point rates), h0 = h(t_k) - hbar arbitrary.  The step is the composition numerics.circuit.network
    runs (eq. (92)):  S(c1) o M(dt) o S(c0), with S(c): V -> V + c the half shifts at the grid times,
    c0 = (dt/2)(h(t_k) - hbar), c1 = (dt/2)(h(t_k + dt) - hbar) (the network merges c1 with the next step's
    c0 into V += dt (h(t_{k+1}) - hbar); the state at a grid time includes the trailing half), and M(dt) the
    exact Moebius map of tau dV/dt = V^2 + a (riccati.moebius_oscillating at a = q^2: its dt-series is even in
    q, i.e. polynomial in a, so the result holds for every sign of a).  The exact flow is its Taylor series
    from the ODE (t enters through h).  Returned up to and including dt^order: the coefficients of dt^0, dt^1,
    dt^2 vanish and that of dt^3 is (tau^2 h2 - 4 tau V0 h1 + 2 (V0^2 - a) h0 - tau h0^2) / (12 tau^2), so the
    local error is O(dt^3) and the global error O(dt^2)."""
    from .riccati import moebius_map, moebius_oscillating, phi as phi_sym, s_osc

    V0, a, h0, h1, h2 = sp.symbols("V0 a h0 h1 h2", real=True)
    q = sp.Symbol("q", positive=True)  # sqrt(a) inside M only; the series is even in q
    ds, t = sp.Symbol("dt", positive=True), sp.Symbol("t", real=True)
    dh = h0 + h1 * t + h2 * t**2 / 2  # h(t_k + t) - hbar

    coeffs = tuple(c.subs({s_osc: q, phi_sym: q * ds / tau}) for c in moebius_oscillating())
    c0, c1 = ds / 2 * dh.subs(t, 0), ds / 2 * dh.subs(t, ds)
    scheme = moebius_map(coeffs, V0 + c0) + c1
    scheme = sp.expand(sp.series(scheme, ds, 0, order + 1).removeO().subs(q, sp.sqrt(a)))
    if scheme.has(sp.sqrt(a)):
        raise RuntimeError("the series of the Moebius map is not polynomial in a")
    # exact flow by its Taylor series from the ODE
    f = lambda x, tt: (x**2 + a) / tau + dh.subs(t, tt)  # noqa: E731
    Vs = sp.Symbol("Vs")
    derivs, g = [Vs], f(Vs, t)
    for _ in range(order):
        derivs.append(g)
        g = sp.diff(g, Vs) * f(Vs, t) + sp.diff(g, t)
    exact = sum(d.subs({Vs: V0, t: 0}) * ds**k / sp.factorial(k) for k, d in enumerate(derivs))
    return sp.collect(sp.expand(scheme - exact), ds, sp.factor)


@lru_cache(maxsize=None)
def midpoint_kernel_sum(order: int = 4) -> tuple[sp.Expr, sp.Expr]:
    """The synapse's spike kernel as the network samples it (eq. (92)): a spike of step 0, assigned to the
    step's midpoint, adds jump = exp(-dt/(2 tau_s))/(N tau_s) to s at t_1 and then decays by
    exp(-dt/tau_s) per step; the shifts V += dt J (s(t_{m+1}) - r) add up N sum_{m >= 0} dt exp(-(m + 1/2)
    dt/tau_s)/tau_s = (x/2)/sinh(x/2), x = dt/tau_s: the midpoint quadrature of the kernel's unit integral.
    Returns (closed form, its series in dt up to O(dt^order) removed) = (..., 1 - dt^2/(24 tau_s^2) + ...)."""
    m = sp.Symbol("m", integer=True, nonnegative=True)
    z = sp.Symbol("z", positive=True)  # the decay per step
    ds = sp.Symbol("dt", positive=True)
    decay = cc.synapse_decay().subs(cc.dt, ds)
    geometric = sp.summation(z**m, (m, 0, sp.oo))  # Piecewise((1/(1 - z), z < 1), (Sum, True))
    (value, cond), _ = geometric.args
    if cond != (z < 1) or not sp.expand_log(sp.log(decay)) < 0:
        raise RuntimeError("unexpected geometric series %s" % geometric)
    total = sp.simplify(ds * N * cc.synapse_jump().subs({cc.dt_since: ds / 2}) * value.subs(z, decay))
    return total.subs(ds, cc.dt), sp.series(total, ds, 0, order).removeO().subs(ds, cc.dt)


# ----------------------------------------------------------------------------- verification
def _same(a, b) -> bool:
    if isinstance(a, sp.MatrixBase):
        return a.shape == b.shape and all(_same(x, y) for x, y in zip(a, b))
    return sp.simplify(sp.expand(a - b)) == 0


@lru_cache(maxsize=None)
def verify_circuit(orders: tuple = (2, 3)) -> dict:
    """Checks of theory/circuit.py (exact unless stated): see the module docstring.  ``orders``: the
    multi-pole orders compared with theory.multipole's reduced model."""
    from .lorentzian_ansatz import mpr_model
    from .mpr_analysis import jacobian as mpr_jacobian
    from .multipole import noise_coefficients, reduced_rhs
    from .stochastic_mpr import diffusion_coefficients

    out = {}
    m = single_population_symbols(SINGLE_DELTA)
    rhs = [e.xreplace(m) for e in cc.circuit_rhs(SINGLE_DELTA)]
    out["p1_delta_is_mpr"] = all(_same(a, b) for a, b in zip(rhs, mpr_model().rhs))
    out["p1_delta_jacobian"] = _same(cc.circuit_jacobian(SINGLE_DELTA).xreplace(m), mpr_jacobian())
    out["p1_delta_noise"] = (list(cc.noise_matrix(SINGLE_DELTA).xreplace(m)) == [0, J]
                             and all(_same(a, b) for a, b in zip(cc.diffusion_coefficients(SINGLE_DELTA).xreplace(m),
                                                                 diffusion_coefficients())))
    for n in orders:
        st = cc.CircuitStructure(("E",), (n,), ("delta",))
        mn = single_population_symbols(st)
        ok = all(_same(a.xreplace(mn), b) for a, b in zip(cc.circuit_rhs(st), reduced_rhs(n)))
        ok &= all(_same(a.xreplace(mn), b) for a, b in zip(cc.noise_matrix(st), noise_coefficients(n)))
        out["p1_multipole%d_is_reduced" % n] = ok
    # the exact synapse: the decay solves ds/dt = -s/tau_s with s(0) = 1
    d = cc.synapse_decay()
    out["synapse_decay"] = _same(sp.diff(d, cc.dt), -d / cc.tau_s) and d.subs(cc.dt, 0) == 1
    # the transfer derivative is d Phi/dh mode by mode
    out["rate_derivative"] = _same(cc.mode_rate_derivative(), sp.diff(cc.population_rate(), cc.h))
    out["fixed_point"] = _fixed_point_check()
    out["p1_delta_spectrum"] = _spectrum_check()
    out["hopf_cubic"] = _hopf_check()
    out["strang_second_order"] = all(c == 0 for c in sp.Poly(strang_local_error(3), sp.Symbol("dt", positive=True))
                                     .all_coeffs()[-3:])
    return out


def _ei_structure() -> cc.CircuitStructure:
    return cc.CircuitStructure(("E", "I"), (1, 2), ("exponential", "delta"))


def _ei_values(structure: cc.CircuitStructure) -> dict:
    vals = {}
    for k, q in enumerate(structure.names):
        p = cc.population_symbols(q)
        vals.update({p["eta_bar"]: 1 - sp.Rational(3, 10) * k, p["Delta"]: sp.Rational(3 + k, 10),
                     p["I"]: sp.Rational(1, 10), p["tau"]: 1 - sp.Rational(2, 5) * k,
                     p["tau_s"]: sp.Rational(2 + k, 10), p["N"]: 500})
    Jv = {("E", "E"): sp.Rational(3, 2), ("E", "I"): -3, ("I", "E"): 2, ("I", "I"): -1}
    vals.update({cc.coupling_symbol(a, b): x for (a, b), x in Jv.items()})
    return vals


def _fixed_point_check() -> bool:
    """E (Lorentzian, exponential) and I (2 poles, delta): solve r_a = Phi_a(h_a) with mpmath, then the full rhs
    vanishes at fixed_point_state (to 25 digits)."""
    import mpmath

    st = _ei_structure()
    vals = _ei_values(st)
    rates = [cc.population_symbols(q)["r"] for q in st.names]
    eqs = []
    for a, q in enumerate(st.names):
        ha = sum(cc.coupling_symbol(q, b) * rb for b, rb in zip(st.names, rates))
        eqs.append(sp.lambdify(rates, (rates[a] - cc.population_transfer(st, a, ha)).subs(vals), "mpmath"))
    with mpmath.workdps(30):
        sol = mpmath.findroot(eqs, (0.3, 0.3))
        at = {rb: sol[k] for k, rb in enumerate(rates)}
        state = {k: sp.N(e.subs(vals).subs(at), 30) for k, e in cc.fixed_point_state(st).items()}
        state.update(at)
        res = [abs(sp.N(e.subs(vals).subs(state), 30)) for e in cc.circuit_rhs(st)]
    return max(res) < 1e-20


def _spectrum_check() -> bool:
    """P = 1, delta, Lorentzian: the activity spectrum (C H + D) S_xi (C H + D)^* equals S_xi/|1 - J G|^2
    (eq. (49)) at a stable fixed point, for two frequencies."""
    import mpmath

    from .linear_response import i_omega, susceptibilities

    m = single_population_symbols(SINGLE_DELTA)
    vals = {eta_bar: 1.0, Delta: 0.3, I_ext: 0.2, tau: 1.3, J: -2.0}
    Phi = cc.population_transfer(SINGLE_DELTA, 0).xreplace(m)
    r0 = mpmath.findroot(sp.lambdify(r, (r - Phi.subs(cc.h, J * r)).subs(vals), "mpmath"), 0.3)
    at = dict(vals)
    at.update({r: r0, v: -vals[Delta] / (2 * mpmath.pi * vals[tau] * r0)})
    num = lambda M: mpmath.matrix([[complex(sp.N(e.xreplace(m).subs(at))) for e in row] for row in M.tolist()])  # noqa
    A, B = num(cc.circuit_jacobian(SINGLE_DELTA)), num(cc.noise_matrix(SINGLE_DELTA))
    C, D = (num(x) for x in cc.output_matrices(SINGLE_DELTA, "activity"))
    G = susceptibilities()[0]
    for w in (0.4, 2.3):
        Y = C * mpmath.lu_solve(1j * w * mpmath.eye(2) - A, B) + D
        S = abs(Y[0, 0]) ** 2  # per unit S_xi
        g = complex(sp.N(G.subs(i_omega, sp.I * w).subs(at)))
        if abs(S - 1 / abs(1 - vals[J] * g) ** 2) > 1e-12 * S:
            return False
    return True


def _hopf_check() -> bool:
    """The cubic is det(lambda - A) at the fixed point; on the Hopf curve it has the roots +-i omega_H and -a1."""
    d = hopf_condition_single_population()
    pts = {r: sp.Rational(2, 5), Delta: sp.Rational(3, 10), tau: sp.Rational(6, 5), cc.tau_s: sp.Rational(1, 2)}
    cubic = lam**3 + d["a1"] * lam**2 + d["a2"] * lam + d["a3"]
    on = cubic.subs(J, d["J_H"]).subs(pts)
    om = sp.sqrt(d["a2"].subs(pts))
    roots_ok = all(abs(sp.N(on.subs(lam, x), 30)) < 1e-25 for x in (sp.I * om, -sp.I * om, -d["a1"].subs(pts)))
    return bool(roots_ok and sp.N(d["J_H"].subs(pts)) < 0)
