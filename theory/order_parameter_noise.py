"""Spectra of the finite network's Kuramoto order parameter Z and of r_Z, v_Z read off it (issue 14, point 2;
theory/THEORY.md section 12, eqs. (101)-(109)).

The network records Z = (1/N) sum_j exp(i theta_j), theta = 2 atan V (theory/THEORY.md eqs. (18)-(20)), and
W_Z = (1 - conj Z)/(1 + conj Z) = pi tau r_Z + i v_Z.  At linear order in the finite-size fluctuations
(O(1/N) spectra; Lindner-style: free neurons plus the population's linear response) every observable is

    y(omega) = y_free(omega) + chi_y(omega) h(omega),   h = J tau delta A,   delta A = T xi,  T = 1/(1 - J G)

with xi = A_free the shot noise of eq. (32)/(35) (N independent periodic neurons, uniform random phases) and
chi the MPR (Ott-Antonsen) susceptibilities of eq. (45).  Conventions as the package: x(omega) =
int x(t) exp(-i omega t) dt, two-sided spectra in angular frequency, S_xy = <x(omega) conj y(omega)> per unit
time, variance = int S d omega / 2 pi.  Time in units of tau where stated (tau kept in the formulas).

The free neuron.  A neuron with drive e = eta + I + J tau r0 > 0, a = sqrt(e), rotates with the phase psi
(tau dpsi/dt = 2 a, V = a tan(psi/2), spike at psi = pi).  With z = exp(i psi)

    exp(i theta) = (1 + i V)/(1 - i V) = (z + q)/(1 + q z),   q = (1 - a)/(1 + a),
    c_0 = q,  c_n = (1 - q^2)(-q)^(n-1) (n >= 1),  c_n = 0 (n < 0)         (pole z = -1/q outside |z| = 1)

and the spike train is (a/(pi tau)) sum_k (-1)^k z^k.  Silent neurons (e < 0) rest: exp(i theta) constant.
Summing N independent neurons over the density g (lines 2 pi |c_n|^2 delta(omega - 2 n a/tau)),
a_n = omega tau/(2 n), eta_n = a_n^2 - I - J tau r0, |d eta/d omega| = a_n tau/n:

    S_Zf(omega)   = (2 pi/N) sum_{n>=1} g(eta_n) |c_n(a_n)|^2 a_n tau/n                     (omega > 0; 0 for omega <= 0)
    S_Zf,xi(omega) = (2 pi/N) sum_{n>=1} g(eta_n) c_n(a_n) (-1)^n a_n^2/(pi n)              (omega > 0; 0 for omega <= 0)
    <Z_f(omega) Z_f(-omega)> = 0 (no pseudo-spectrum: <exp(i (n + m) phi)> = 0 for n, m >= 1)

The n-th term of S_Zf is bounded by 4 pi tau^4 sup(g) omega^3 / (N n^4) (|1 - q^2| <= 4a), the bound of eq. (42)
times 16 pi^2 tau^2.  The factor q_n^(2n) = ((1 - a_n)/(1 + a_n))^(2n) is not rational in n, so no Mittag-Leffler
partial-fraction closed form like eq. (35) exists: the sum is evaluated numerically (fast, with that bound).
Equal time: sum_{n>=1} |c_n|^2 = 1 - q^2 (Parseval, |exp(i theta)| = 1), so N var(Z_f) = int_{e>0} g (1 - q^2) d eta.

The collective part.  The MPR variable W = pi tau r + i v obeys tau dW/dt = Delta + i (eta_bar + I + J tau s) - i W^2,
so delta W = (pi tau G + i G_v) J delta s with G, G_v of eq. (45), and the population's order parameter is
Z = conj((1 - W)/(1 + W)):  delta Z = -2/(1 + conj W0)^2 conj(delta W), i.e.

    chi_Z(omega) J = -2/(1 + conj W0)^2 (pi tau G(omega) - i G_v(omega)) J     (per unit delta s).

The network's W_Z = (1 - conj Z)/(1 + conj Z) linearised at Z0: delta W_Z = kappa conj(delta Z),
kappa = -2/(1 + conj Z0)^2 = -(1 + W0)^2/2, so that delta W_Z = kappa conj(Z_f) + (pi tau G + i G_v) J T xi: the
collective part of (r_Z, v_Z) is the mass model's (delta r, delta v), the free part is the sample's own noise.
Every observable y is written y(omega) = alpha Z_f(omega) + beta Zbar_f(omega) + gamma xi(omega),
Zbar_f(omega) = FT of conj Z_f(t) = conj Z_f(-omega); the spectral matrix of (Z_f, Zbar_f, xi) is

    [[S_Zf(w), 0, S_Zf,xi(w)], [0, S_Zf(-w), conj S_Zf,xi(-w)], [conj S_Zf,xi(w), S_Zf,xi(-w), S_xi(w)]]

and S_xy = (alpha_x, beta_x, gamma_x) M conj(alpha_y, beta_y, gamma_y)^T.  :func:`verify_order_parameter_noise`
checks every step; :func:`free_spectra_mpmath` and :func:`observable_spectra_mpmath` are the readable references.
The pieces the numerics evaluates (line weights in the drive root a, their bounds, the equal-time integrand, one
neuron's coefficients, the coefficients and the parts of the quadratic form) are functions below, rendered into
numerics/_generated/order_parameter_kernels.py (specs in numerics/order_parameter_kernel_specs.py).
"""
from __future__ import annotations

from functools import lru_cache

import sympy as sp

from .linear_response import i_omega, susceptibilities
from .observables import order_parameter_of_w, phase_factor, w_of_order_parameter
from .symbols import Delta, I_ext, J, N, eta_bar, r, tau, v

a = sp.Symbol("a", positive=True)          # sqrt of the effective drive (firing neuron)
psi = sp.Symbol("psi", real=True)          # phase of the free rotation
z = sp.Symbol("z")                         # exp(i psi)
q = sp.Symbol("q", real=True)              # (1 - a)/(1 + a)
n = sp.Symbol("n", integer=True, positive=True)
h = sp.Symbol("h", real=True)              # input added to tau dV/dt
omega_p = sp.Symbol("omega", positive=True)
phi = sp.Symbol("phi", real=True)          # random initial phase
eta = sp.Symbol("eta", real=True)
g_n = sp.Symbol("g_n", nonnegative=True)   # g(eta_n)
#: the spectral building blocks at omega and -omega (symbols standing for numbers)
W0 = sp.Symbol("W0")                       # pi tau r0 + i v0
Gs, Gvs, Ts = sp.symbols("G G_v T")        # G(omega), G_v(omega), 1/(1 - J G(omega))
Gm, Gvm, Tm = sp.symbols("G_m G_v_m T_m")  # the same at -omega (= conj for real kernels)

OBSERVABLES = ("Z", "ReZ", "ImZ", "rZ", "vZ")


# --------------------------------------------------------------------------- the free neuron
def q_of_a() -> sp.Expr:
    """q = (1 - a)/(1 + a): |q| < 1 for a > 0."""
    return (1 - a) / (1 + a)


def voltage_of_phase() -> sp.Expr:
    """V = a tan(psi/2) (free rotation tau dpsi/dt = 2a; spike at psi = pi)."""
    return a * sp.tan(psi / 2)


def phase_factor_of_z() -> sp.Expr:
    """exp(i theta) = (z + q)/(1 + q z) as a function of z = exp(i psi)."""
    return (z + q) / (1 + q * z)


def fourier_coefficient(k) -> sp.Expr:
    """c_k of exp(i theta) in powers of z: c_0 = q, c_k = (1 - q^2)(-q)^(k-1) for k >= 1, 0 for k < 0."""
    k = sp.sympify(k)
    if k.is_number:
        if k < 0:
            return sp.Integer(0)
        if k == 0:
            return q
    return (1 - q**2) * (-q) ** (k - 1)


def spike_train_coefficient(k) -> sp.Expr:
    """b_k of the spike train (a/(pi tau)) sum_k (-1)^k z^k (all integers k)."""
    return a / (sp.pi * tau) * (-1) ** sp.sympify(k)


def perturbed_phase_velocity() -> sp.Expr:
    """tau dpsi/dt = 2 a + h (1 + cos psi)/a for tau dV/dt = V^2 + a^2 + h."""
    return 2 * a + h * (1 + sp.cos(psi)) / a


def rest_phase_factor() -> sp.Expr:
    """exp(i theta) of a silent neuron at rest V = -b, b = sqrt(-e): (1 - i b)/(1 + i b)."""
    b = sp.Symbol("b", positive=True)
    return (1 - sp.I * b) / (1 + sp.I * b)


def mean_phase_factor(e: sp.Expr) -> sp.Expr:
    """Time mean of exp(i theta) at drive e: (1 - sqrt(e))/(1 + sqrt(e)) (principal root, e -> e + i0 for e < 0)."""
    return (1 - sp.sqrt(e)) / (1 + sp.sqrt(e))


# --------------------------------------------------------------------------- harmonic sums
def drive_shift() -> sp.Expr:
    """e - eta = I + J tau r0."""
    return I_ext + J * tau * r


def harmonic_amplitude(k=n) -> sp.Expr:
    """a_k = omega tau/(2 k): the drive root whose k-th line falls at omega."""
    return omega_p * tau / (2 * k)


def lorentzian_g(x: sp.Expr) -> sp.Expr:
    """g(x) = (Delta/pi)/((x - eta_bar)^2 + Delta^2)."""
    return Delta / sp.pi / ((x - eta_bar) ** 2 + Delta**2)


def free_term() -> sp.Expr:
    """n-th term of S_Zf(omega), omega > 0: (2 pi/N) g_n |c_n(a_n)|^2 a_n tau/n (g_n = g(eta_n) as a symbol)."""
    an = harmonic_amplitude()
    c = fourier_coefficient(n).subs(q, q_of_a()).subs(a, an)
    return 2 * sp.pi / N * g_n * c**2 * an * tau / n


def cross_term() -> sp.Expr:
    """n-th term of S_{Zf,xi}(omega), omega > 0: (2 pi/N) g_n c_n(a_n) conj(b_n(a_n)) a_n tau/n."""
    an = harmonic_amplitude()
    c = fourier_coefficient(n).subs(q, q_of_a()).subs(a, an)
    return 2 * sp.pi / N * g_n * c * spike_train_coefficient(n).subs(a, an) * an * tau / n


def shot_term() -> sp.Expr:
    """n-th term of S_xi from the same bookkeeping (must equal eq. (32))."""
    an = harmonic_amplitude()
    return 2 * sp.pi / N * g_n * spike_train_coefficient(n).subs(a, an) ** 2 * an * tau / n


def eta_of_harmonic() -> sp.Expr:
    """eta_n = a_n^2 - I - J tau r0."""
    return harmonic_amplitude() ** 2 - drive_shift()


def free_term_bound() -> sp.Expr:
    """|n-th term of S_Zf| <= 4 pi tau^4 sup(g) omega^3/(N n^4) (with g_n -> sup g)."""
    return 4 * sp.pi * tau**4 * g_n * omega_p**3 / (N * n**4)


# --------------------------------------------------------------------------- the sums' terms as evaluated (codegen)
shift = sp.Symbol("shift", real=True)      # e - eta = I + J tau r0 (drive_shift()), one number in the numerics
w_tau = sp.Symbol("w_tau", positive=True)  # omega tau
sup_g = sp.Symbol("sup_g", positive=True)  # sup of the density g
log_q = sp.Symbol("log_q", real=True)      # an upper bound of log |q_n|
K = sp.Symbol("K", integer=True, positive=True)  # first harmonic left to the tail
c_n = sp.Symbol("c_n", real=True)          # c_n(a) as a number (the numerics computes it once per term)
d_tail = sp.Symbol("d", positive=True)     # tail_decay() as a number


def harmonic_coefficient() -> sp.Expr:
    """c_n(a) = (1 - q^2)(-q)^(n-1) with q = (1 - a)/(1 + a) (n >= 1)."""
    return fourier_coefficient(n).subs(q, q_of_a())


def harmonic_density() -> sp.Expr:
    """g(eta) at the drive root a: g(a^2 - shift), shift = I + J tau r0 (Lorentzian g)."""
    return lorentzian_g(a**2 - shift)


def free_line_weight(g: sp.Expr = g_n, c: sp.Expr | None = None) -> sp.Expr:
    """(N/tau) x the n-th term of S_Zf at a = a_n: 2 pi g c_n(a)^2 a/n (c: c_n, by default harmonic_coefficient())."""
    c = harmonic_coefficient() if c is None else c
    return 2 * sp.pi * g * c**2 * a / n


def cross_line_weight(g: sp.Expr = g_n, c: sp.Expr | None = None) -> sp.Expr:
    """N x the n-th term of S_Zf,xi at a = a_n: 2 g c_n(a) (-1)^n a^2/n (c: c_n, by default harmonic_coefficient())."""
    c = harmonic_coefficient() if c is None else c
    return 2 * g * c * (-1) ** n * a**2 / n


def log_q_bound() -> sp.Expr:
    """-2/(a + 1) >= log|q| = log((a - 1)/(a + 1)) for a >= 1 (for a < 1: log q <= -2a)."""
    return -2 / (a + 1)


def line_weight_bounds() -> tuple[sp.Expr, sp.Expr]:
    """Bounds of |free_line_weight| and |cross_line_weight| at a = w_tau/(2n), g <= sup_g, |q| <= exp(log_q):
    (4 pi sup_g w^3 exp(2 (n - 1) log_q)/n^4, sup_g w^3 exp((n - 1) log_q)/n^4)  (|1 - q^2| <= 4a)."""
    return (4 * sp.pi * sup_g * w_tau**3 * sp.exp(2 * (n - 1) * log_q) / n**4,
            sup_g * w_tau**3 * sp.exp((n - 1) * log_q) / n**4)


def tail_decay() -> sp.Expr:
    """d = exp(-w (K - 1)/K) >= |q_n|^(n-1) for n >= K when a_K < 1 (w = omega tau)."""
    return sp.exp(-w_tau * (K - 1) / K)


def line_tail_bound(d: sp.Expr | None = None) -> sp.Expr:
    """Both sums' remainder from n = K on (a_K < 1): (4 pi d^2 + d) sup_g w^3/(3 (K - 1)^3), d = tail_decay()
    (|q_n|^(n-1) <= exp(-2 a_n (n - 1)) <= d for n >= K; sum_{n>=K} n^-4 <= 1/(3 (K - 1)^3))."""
    d = tail_decay() if d is None else d
    return (4 * sp.pi * d**2 + d) * sup_g * w_tau**3 / (3 * (K - 1) ** 3)


def line_frequency() -> sp.Expr:
    """Omega_n = 2 n a/tau: the n-th line of a neuron with drive root a (inverse of harmonic_amplitude)."""
    return 2 * n * a / tau


def equal_time_integrand() -> sp.Expr:
    """N var(Z_f) = int_0^inf g(a^2 - shift) (1 - q^2) 2a da (Parseval, d eta = 2a da, firing neurons)."""
    return harmonic_density() * (1 - q_of_a() ** 2) * 2 * a


# --------------------------------------------------------------------------- linear response and the map Z(W)
def mpr_complex_rhs(s_sym: sp.Expr) -> sp.Expr:
    """tau dW/dt = Delta + i (eta_bar + I + J tau s) - i W^2 with W = pi tau r + i v (divided by tau)."""
    Wrv = sp.pi * tau * r + sp.I * v
    return (Delta + sp.I * (eta_bar + I_ext + J * tau * s_sym) - sp.I * Wrv**2) / tau


def w_susceptibility() -> sp.Expr:
    """chi_W = pi tau G + i G_v (delta W = chi_W J delta s), G, G_v as symbols."""
    return sp.pi * tau * Gs + sp.I * Gvs


def order_parameter_derivative() -> sp.Expr:
    """dZ/d conj W at W0: -2/(1 + conj W0)^2 (delta Z = this times conj delta W)."""
    Wb = sp.Symbol("Wbar")
    return sp.diff((1 - Wb) / (1 + Wb), Wb).subs(Wb, sp.conjugate(W0))


def kappa() -> sp.Expr:
    """d W_Z/d conj Z at Z0 = Z(W0): -2/(1 + conj Z0)^2, simplified to -(1 + W0)^2/2."""
    Zb = sp.Symbol("Zbar")
    Z0 = order_parameter_of_w(W0)
    return sp.simplify(sp.diff((1 - Zb) / (1 + Zb), Zb).subs(Zb, sp.conjugate(Z0)))


@lru_cache(maxsize=None)
def observable_coefficients() -> dict:
    """(alpha, beta, gamma) of each observable: y(omega) = alpha Z_f + beta Zbar_f + gamma xi.

    gamma uses G, G_v, T at omega and G_m, G_v_m, T_m at -omega (the conj of a real-kernel filter at -omega
    is the filter at omega; kept symbolic so the numerics can evaluate either).  Observables: 'Z', 'ReZ',
    'ImZ', 'rZ' (r_Z - r0), 'vZ' (v_Z - v0).
    """
    dZdWb = order_parameter_derivative()
    chiW = w_susceptibility()
    chiW_m = chiW.subs({Gs: Gm, Gvs: Gvm})
    # delta Z(t) = Z_f(t) + dZdWb conj(delta W(t)); FT of conj(delta W) = conj(chiW(-omega)) J conj(T(-omega)) xi
    gam_Z = dZdWb * sp.conjugate(chiW_m) * J * sp.conjugate(Tm)
    gam_Z = gam_Z.subs({sp.conjugate(Gm): Gs, sp.conjugate(Gvm): Gvs, sp.conjugate(Tm): Ts})
    Zc = (sp.Integer(1), sp.Integer(0), gam_Z)
    # conj observable: (conj beta(-w), conj alpha(-w), conj gamma(-w))
    swap = {Gs: Gm, Gvs: Gvm, Ts: Tm, Gm: Gs, Gvm: Gvs, Tm: Ts}

    def conj_obs(c):
        def cm(x):
            y = sp.conjugate(x.xreplace(swap))
            return y.subs({sp.conjugate(Gm): Gs, sp.conjugate(Gvm): Gvs, sp.conjugate(Tm): Ts,
                           sp.conjugate(Gs): Gm, sp.conjugate(Gvs): Gvm, sp.conjugate(Ts): Tm})
        return (cm(c[1]), cm(c[0]), cm(c[2]))

    Zbar = conj_obs(Zc)
    k = kappa()
    Wc = tuple(sp.simplify(k * x) for x in Zbar)       # delta W_Z = kappa conj(delta Z)
    Wbar = conj_obs(Wc)
    out = {"Z": Zc,
           "ReZ": tuple(sp.simplify((x + y) / 2) for x, y in zip(Zc, Zbar)),
           "ImZ": tuple(sp.simplify((x - y) / (2 * sp.I)) for x, y in zip(Zc, Zbar)),
           "rZ": tuple(sp.simplify((x + y) / (2 * sp.pi * tau)) for x, y in zip(Wc, Wbar)),
           "vZ": tuple(sp.simplify((x - y) / (2 * sp.I)) for x, y in zip(Wc, Wbar))}
    return out


def observable_coefficient_arguments() -> tuple:
    """Symbols on which :func:`observable_coefficients` depends, in kernel order (W0, G, G_v, T, G_m, G_v_m,
    T_m, J, tau)."""
    return (W0, Gs, Gvs, Ts, Gm, Gvm, Tm, J, tau)


def spectral_parts() -> tuple:
    """(free, collective, interference) of S_xy = u_x M conj(u_y)^T, u = (alpha, beta, gamma) (the symbols
    alpha_x ... gamma_y): the terms in S_Zf(+-w), in S_xi, and in S_Zf,xi(+-w) of the quadratic form."""
    (Sp, Sm, Cp, Cm, Sx), M = spectral_matrix_symbols()
    ux = sp.Matrix([sp.symbols("alpha_x beta_x gamma_x")])
    uy = sp.Matrix([sp.symbols("alpha_y beta_y gamma_y")])
    form = sp.expand((ux * M * uy.conjugate().T)[0, 0])
    zero = {Sp: 0, Sm: 0, Cp: 0, Cm: 0, Sx: 0}
    keep = lambda *syms: form.subs({k: v for k, v in zero.items() if k not in syms})
    return keep(Sp, Sm), keep(Sx), keep(Cp, Cm)


def spectral_part_arguments() -> tuple:
    """Symbols of :func:`spectral_parts` in kernel order: (alpha_x, beta_x, gamma_x, alpha_y, beta_y, gamma_y,
    S_Zf, S_Zf_m, S_Zx, S_Zx_m, S_xi)."""
    (Sp, Sm, Cp, Cm, Sx), _ = spectral_matrix_symbols()
    return sp.symbols("alpha_x beta_x gamma_x alpha_y beta_y gamma_y") + (Sp, Sm, Cp, Cm, Sx)


def spectral_matrix_symbols() -> tuple:
    """Symbols (S_Zf(w), S_Zf(-w), S_Zx(w), S_Zx(-w), S_xi(w)) and the 3x3 matrix of (Z_f, Zbar_f, xi)."""
    Sp, Sm, Cp, Cm, Sx = sp.symbols("S_Zf S_Zf_m S_Zx S_Zx_m S_xi")
    M = sp.Matrix([[Sp, 0, Cp], [0, Sm, sp.conjugate(Cm)], [sp.conjugate(Cp), Cm, Sx]])
    return (Sp, Sm, Cp, Cm, Sx), M


# --------------------------------------------------------------------------- verification
@lru_cache(maxsize=None)
def verify_order_parameter_noise() -> dict[str, bool]:
    """Every step of the derivation, checked symbolically (and the Lorentzian mean by residues/mpmath)."""
    import mpmath as mp

    out = {}
    Vp = voltage_of_phase()
    # exp(i theta) of V = a tan(psi/2) is (z + q)/(1 + q z) on |z| = 1
    lhs = phase_factor().subs(sp.Symbol("V", real=True), Vp)
    rhs = phase_factor_of_z().subs(q, q_of_a()).subs(z, sp.exp(sp.I * psi))
    out["phase_factor_of_z"] = sp.simplify((lhs - rhs).rewrite(sp.exp)) == 0
    # Riccati flow: dV/dt = (V^2 + a^2)/tau  <=>  tau dpsi/dt = 2a; with input h: 2a + h (1 + cos psi)/a
    dV = sp.diff(Vp, psi) * perturbed_phase_velocity() / tau
    out["perturbed_phase_velocity"] = sp.simplify(dV - (Vp**2 + a**2 + h) / tau) == 0
    # Taylor coefficients in z match c_k (k = 0..8); the only pole z = -1/q lies outside |z| = 1 (a > 0)
    ser = sp.series(phase_factor_of_z(), z, 0, 9).removeO()
    out["fourier_coefficients"] = all(sp.simplify(ser.coeff(z, k) - fourier_coefficient(k)) == 0 for k in range(9))
    # (analytic in |z| <= 1, so the coefficients of z^-k vanish): |1/q|^2 - 1 = 4a/(1 - a)^2 > 0 for a > 0
    poles = sp.solve(sp.denom(sp.together(phase_factor_of_z())), z)
    gap = sp.factor(sp.simplify((1 / q_of_a()) ** 2 - 1))
    out["no_negative_harmonics"] = poles == [-1 / q] and sp.simplify(gap - 4 * a / (1 - a) ** 2) == 0
    # Parseval: sum_{k>=0} |c_k|^2 = 1 (|exp(i theta)| = 1), hence sum_{k>=1} |c_k|^2 = 1 - q^2
    qa = q_of_a()
    tail = sp.summation(((1 - q**2) * q ** (n - 1)) ** 2, (n, 1, sp.oo)).subs(q, qa)
    tail = sp.piecewise_fold(tail)
    if isinstance(tail, sp.Piecewise):
        tail = tail.args[0][0]
    out["parseval"] = sp.simplify(tail + qa**2 - 1) == 0
    # spike train: omega_1/(2 pi) sum_k exp(i k (psi - pi)) = (a/(pi tau)) sum_k (-1)^k z^k
    out["spike_train_coefficients"] = sp.simplify(spike_train_coefficient(3) - (2 * a / tau) / (2 * sp.pi)
                                                  * sp.exp(-3 * sp.I * sp.pi)) == 0
    # no pseudo-spectrum of the free part: <exp(i (k + m) phi)> = 0 for k, m >= 1 (e.g. k + m = 2..5)
    out["no_pseudo_spectrum"] = all(sp.integrate(sp.exp(sp.I * kk * phi), (phi, 0, 2 * sp.pi)) == 0
                                    for kk in range(2, 6))
    # the Jacobian of the line map: d eta_n/d omega = a_n tau/n
    out["jacobian"] = sp.simplify(sp.diff(eta_of_harmonic(), omega_p) - harmonic_amplitude() * tau / n) == 0
    # the same bookkeeping reproduces the shot-noise term of eq. (32)
    eq32 = omega_p**3 * tau**2 * g_n / (4 * sp.pi * N * n**4)
    out["shot_term_is_eq32"] = sp.simplify(shot_term() - eq32) == 0
    # the bound of the free term: |c_n|^2 <= (1 - q^2)^2 = (4a/(1 + a)^2)^2 <= 16 a^2
    out["one_minus_q2"] = sp.simplify(1 - qa**2 - 4 * a / (1 + a) ** 2) == 0
    bound_ratio = sp.simplify(free_term_bound() / (2 * sp.pi / N * g_n * 16 * harmonic_amplitude() ** 2
                                                   * harmonic_amplitude() * tau / n))  # |c_n|^2 -> 16 a_n^2
    out["free_term_bound"] = bound_ratio == 1
    # silent neuron at rest V = -b: exp(i theta) = (1 - i b)/(1 + i b) = mean_phase_factor(-b^2 + i0)
    b = sp.Symbol("b", positive=True)
    out["rest_phase_factor"] = sp.simplify(phase_factor().subs(sp.Symbol("V", real=True), -b)
                                           - rest_phase_factor()) == 0 and \
        sp.simplify(mean_phase_factor(sp.I * 0 + (sp.I * b) ** 2).subs(sp.sqrt(-b**2), sp.I * b)
                    - rest_phase_factor()) == 0
    # MPR complex form: pi tau dr/dt + i dv/dt with the package's r, v equations
    from .lorentzian_ansatz import mpr_rhs
    from .symbols import s as s_sym
    fr, fv = mpr_rhs()
    out["mpr_complex_form"] = sp.simplify(sp.expand(mpr_complex_rhs(s_sym) - (sp.pi * tau * fr + sp.I * fv))) == 0
    # its linearisation: delta W = (pi tau G + i G_v) J delta s with G, G_v of eq. (45) (iomega = i omega)
    G, Gv = susceptibilities()
    dr_, dv_ = sp.symbols("dr dv")
    lin = sp.Matrix([fr, fv]).jacobian([r, v])
    Bv = sp.Matrix([fr, fv]).diff(s_sym)
    x = (i_omega * sp.eye(2) - lin).LUsolve(Bv)
    out["w_susceptibility"] = sp.simplify(x[0] - J * G) == 0 and sp.simplify(x[1] - J * Gv) == 0
    # the map derivatives: dZ/d conj W = -2/(1 + conj W0)^2 and kappa = -(1 + W0)^2/2, and their product 1
    out["kappa"] = sp.simplify(kappa() + (1 + W0) ** 2 / 2) == 0
    out["collective_W_is_mpr"] = sp.simplify(kappa() * sp.conjugate(order_parameter_derivative()) - 1) == 0
    coeffs = observable_coefficients()
    # collective parts of r_Z, v_Z are the mass model's J G T, J G_v T
    out["rZ_collective"] = sp.simplify(coeffs["rZ"][2] - J * Gs * Ts) == 0
    out["vZ_collective"] = sp.simplify(coeffs["vZ"][2] - J * Gvs * Ts) == 0
    # time mean of exp(i theta) over the Lorentzian = MPR Z0: the mean (1 - sqrt(e))/(1 + sqrt(e)) is the boundary
    # value of a function analytic and bounded in Im e > 0, so the Lorentzian average evaluates it at
    # eta_t + i Delta; and W0 = sqrt(eta_t - i Delta) solves the fixed point Delta + i eta_t - i W0^2 = 0
    # (w stands for sqrt(eta_t + i Delta): W0 = conj w, W0^2 = conj(w^2) = eta_t - i Delta)
    et = sp.Symbol("eta_t", real=True)
    wroot = sp.Symbol("w")
    out["fixed_point_W0"] = sp.expand(Delta + sp.I * et - sp.I * sp.conjugate(et + sp.I * Delta)) == 0
    out["lorentzian_mean_is_Z0"] = sp.simplify((1 - wroot) / (1 + wroot)
                                               - order_parameter_of_w(sp.conjugate(wroot))) == 0
    # and numerically, the explicit average (firing: q, silent: rest value) at two parameter sets
    ok = True
    for (eb, dl) in ((1.0, 0.3), (-0.4, 0.5)):
        with mp.workdps(30):
            g = lambda x: dl / mp.pi / ((x - eb) ** 2 + dl**2)
            m = lambda x: ((1 - mp.sqrt(x)) / (1 + mp.sqrt(x)) if x > 0
                           else (1 - 1j * mp.sqrt(-x)) / (1 + 1j * mp.sqrt(-x)))
            val = mp.quad(lambda x: g(x) * m(x), sorted({-10.0, 0.0, eb, 10.0}) + [mp.inf], method="tanh-sinh") \
                + mp.quad(lambda x: g(x) * m(x), [-mp.inf, -10.0])
        ref = mean_phase_factor(et + sp.I * Delta).subs({et: eb, Delta: dl})
        ok = ok and abs(complex(val) - complex(sp.N(ref, 20))) < 1e-12
    out["lorentzian_mean_numeric"] = ok
    # W_Z recovers W at Z0 (the map is inverted)
    out["map_inverts"] = sp.simplify(w_of_order_parameter(order_parameter_of_w(W0)) - W0) == 0
    # the terms as evaluated by the numerics: line weights at a = a_n are N/tau x free_term, N x cross_term
    an = harmonic_amplitude()
    out["free_line_weight"] = sp.simplify(free_term() - tau / N * free_line_weight().subs(a, an)) == 0
    out["cross_line_weight"] = sp.simplify(cross_term() - cross_line_weight().subs(a, an) / N) == 0
    out["line_weights_of_c"] = (sp.simplify(free_line_weight(g_n, c_n).subs(c_n, harmonic_coefficient())
                                            - free_line_weight()) == 0
                                and sp.simplify(cross_line_weight(g_n, c_n).subs(c_n, harmonic_coefficient())
                                                - cross_line_weight()) == 0
                                and sp.simplify(line_tail_bound(d_tail).subs(d_tail, tail_decay())
                                                - line_tail_bound()) == 0)
    out["harmonic_density"] = sp.simplify(harmonic_density().subs({a: an, shift: drive_shift()})
                                          - lorentzian_g(eta_of_harmonic())) == 0
    # log|q| bounds: f = log((a-1)/(a+1)) + 2/(a+1) rises to 0 (a > 1); f = log((1-a)/(1+a)) + 2a falls from 0 (a < 1)
    f_hi = sp.log((a - 1) / (a + 1)) - log_q_bound()
    f_lo = sp.log((1 - a) / (1 + a)) + 2 * a
    out["log_q_bound"] = (sp.simplify(sp.diff(f_hi, a) - 4 / ((a - 1) * (a + 1) ** 2)) == 0
                          and sp.limit(f_hi, a, sp.oo) == 0
                          and sp.simplify(sp.diff(f_lo, a) + 2 * a**2 / (1 - a**2)) == 0 and f_lo.subs(a, 0) == 0)
    # line bounds: |c_n| <= 4a Q^(n-1) (|1 - q^2| = 4a/(1 + a)^2), g <= sup_g, a = w/(2n), Q = exp(log_q)
    Q = sp.exp(log_q)
    b_auto, b_cross = line_weight_bounds()
    out["line_weight_bounds"] = (
        sp.simplify(2 * sp.pi * sup_g * (4 * a * Q ** (n - 1)) ** 2 * a / n - b_auto.subs(w_tau, 2 * n * a)) == 0
        and sp.simplify(2 * sup_g * 4 * a * Q ** (n - 1) * a**2 / n - b_cross.subs(w_tau, 2 * n * a)) == 0)
    # tail: exp(-2 a_n (n - 1)) = exp(-w (n - 1)/n) falls along n; sum_{n>=K} n^-4 <= int_{K-1}^oo x^-4 dx
    xx = sp.Symbol("x", positive=True)
    decay = -2 * (w_tau / (2 * n)) * (n - 1)
    tail_sum = sp.integrate(xx**-4, (xx, K - 1, sp.oo), conds="none")
    out["line_tail_bound"] = (sp.simplify(sp.diff(decay, n) + w_tau / n**2) == 0
                              and sp.simplify(line_tail_bound() - (4 * sp.pi * sp.exp(2 * decay.subs(n, K))
                                                                   + sp.exp(decay.subs(n, K))) * sup_g * w_tau**3
                                              * tail_sum) == 0)
    # equal-time integrand: g (1 - q^2) d eta/da with eta = a^2 - shift
    out["equal_time_integrand"] = sp.simplify(equal_time_integrand() - harmonic_density() * (1 - q_of_a() ** 2)
                                              * sp.diff(a**2 - shift, a)) == 0
    out["line_frequency"] = sp.simplify(harmonic_amplitude().subs(omega_p, line_frequency()) - a) == 0
    # the parts of the quadratic form add up to it (free + collective + interference)
    (Sp, Sm, Cp, Cm, Sx), Mx = spectral_matrix_symbols()
    ux = sp.Matrix([sp.symbols("alpha_x beta_x gamma_x")])
    uy = sp.Matrix([sp.symbols("alpha_y beta_y gamma_y")])
    out["spectral_parts"] = sp.expand((ux * Mx * uy.conjugate().T)[0, 0] - sum(spectral_parts())) == 0
    return out


# --------------------------------------------------------------------------- mpmath references
def _lorentzian_mp(x, eta_bar_, Delta_):
    import mpmath as mp
    return Delta_ / mp.pi / ((x - eta_bar_) ** 2 + Delta_**2)


def free_spectra_mpmath(omega: float, *, eta_bar: float, Delta: float, J: float, r0: float, N: float,
                        I: float = 0.0, tau: float = 1.0, dps: int = 30) -> tuple:
    """(S_Zf, S_Zf,xi) at one omega by the harmonic sum (mpmath nsum; readable reference, Lorentzian g).

    S_Zf = (2 pi/N) sum_n g(eta_n) |c_n|^2 a_n tau/n, S_Zf,xi = (2 pi/N) sum_n g(eta_n) c_n (-1)^n a_n^2/(pi n),
    a_n = omega tau/(2n), eta_n = a_n^2 - I - J tau r0; both 0 for omega <= 0.  Two-sided, angular frequency.
    """
    import mpmath as mp

    with mp.workdps(dps):
        return _free_spectra_mp(omega, eta_bar, Delta, J, r0, N, I, tau)


def _free_spectra_mp(omega, eta_bar, Delta, J, r0, N, I, tau):
    import mpmath as mp

    if omega <= 0:
        return mp.mpf(0), mp.mpc(0)
    shift = mp.mpf(I) + mp.mpf(J) * tau * r0

    def parts(k):
        an = mp.mpf(omega) * tau / (2 * k)
        qn = (1 - an) / (1 + an)
        cn = (1 - qn**2) * (-qn) ** (k - 1)
        gn = _lorentzian_mp(an**2 - shift, mp.mpf(eta_bar), mp.mpf(Delta))
        return gn * cn, an

    def t_auto(k):
        gc, an = parts(int(k))
        cn = gc / _lorentzian_mp(an**2 - shift, mp.mpf(eta_bar), mp.mpf(Delta))
        return 2 * mp.pi / N * gc * cn * an * tau / k

    def t_cross(k):
        gc, an = parts(int(k))
        return 2 * mp.pi / N * gc * (-1) ** int(k) * an**2 / (mp.pi * k)

    # direct summation to a k where the bound 4 pi tau^2 sup g omega^3/(3 N K^3) is negligible, plus that bound's size
    K = int(max(200, 40 * omega * tau))
    Sa = mp.fsum(t_auto(k) for k in range(1, K + 1))
    Sc = mp.fsum(t_cross(k) for k in range(1, K + 1))
    return Sa, Sc


def observable_spectra_mpmath(omega: float, *, eta_bar: float, Delta: float, J: float, r0: float, v0: float,
                              N: float, S_xi: float, I: float = 0.0, tau: float = 1.0) -> dict:
    """All spectra of :data:`OBSERVABLES` at one omega (readable reference: the sympy coefficients substituted).

    S_xi is the shot-noise spectrum at |omega| (eq. (35), supplied).  Returns {name: S} with S_Z complex-valued in
    type but real (an auto-spectrum), the others real; plus 'rZvZ' (the cross-spectrum <r_Z conj v_Z>).
    """
    import mpmath as mp

    from . import symbols as S
    G, Gv = susceptibilities()
    subs = {S.r: r0, S.v: v0, S.tau: tau}
    Gp = complex(sp.N(G.subs(subs).subs(i_omega, sp.I * omega)))
    Gvp = complex(sp.N(Gv.subs(subs).subs(i_omega, sp.I * omega)))
    Gmn = complex(sp.N(G.subs(subs).subs(i_omega, -sp.I * omega)))
    Gvmn = complex(sp.N(Gv.subs(subs).subs(i_omega, -sp.I * omega)))
    vals = {Gs: Gp, Gvs: Gvp, Ts: 1 / (1 - J * Gp), Gm: Gmn, Gvm: Gvmn, Tm: 1 / (1 - J * Gmn),
            W0: complex(mp.pi * tau * r0 + 1j * v0), S.J: J, S.tau: tau}
    fp = free_spectra_mpmath(omega, eta_bar=eta_bar, Delta=Delta, J=J, r0=r0, N=N, I=I, tau=tau)
    fm = free_spectra_mpmath(-omega, eta_bar=eta_bar, Delta=Delta, J=J, r0=r0, N=N, I=I, tau=tau)
    (Sp, Sm, Cp, Cm, Sx), Mx = spectral_matrix_symbols()
    Mn = Mx.subs({Sp: complex(fp[0]), Sm: complex(fm[0]), Cp: complex(fp[1]), Cm: complex(fm[1]), Sx: S_xi})
    Mn = sp.Matrix(3, 3, lambda i, j: complex(sp.N(Mn[i, j])))
    co = observable_coefficients()
    vec = {k: sp.Matrix([complex(sp.N(sp.sympify(c).subs(vals))) for c in co[k]]) for k in co}
    spec = lambda x, y: complex((vec[x].T * Mn * vec[y].conjugate())[0, 0])
    out = {k: spec(k, k) for k in co}
    out["rZvZ"] = spec("rZ", "vZ")
    return out
