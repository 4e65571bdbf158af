"""State layout, right-hand side and Jacobian of a circuit's mass model (theory/THEORY.md eqs. (81), (83), (84), (87)).

Every population a is n_a complex Lorentzian-ansatz modes (n_a = 1: MPR; multi-pole: section 8),

    tau_a dw_{a,k}/dt = i (eta_{a,k} + I_a + tau_a h_a - w_{a,k}^2),     pi tau_a r_a + i v_a = sum_k c_k w_{a,k},

every exponential synapse one real state, tau_s,b ds_b/dt = -s_b + r_b, and the populations are coupled by the
linear map h = J s (s_b = r_b for a delta synapse).  The real state vector is

    x = (Re w_1, Im w_1, Re w_2, Im w_2, ..., s_b for each exponential synapse b, in population order),

so the Jacobian is a block-diagonal local part (the 2 x 2 real form of d(dw/dt)/dw = mode_jacobian(w, tau) per
mode, -1/tau_s per synapse) plus rank-P coupling terms built from linear read-outs:

    A = L + E J R_s + (synapse rows: R_r / tau_s),        B = E J D_delta + (synapse rows: 1 / tau_s)

with r = R_r x, v = R_v x, s = R_s x + D_delta xi, E the input gain d(dw/dt)/dh = i.  The local formulas are the
generated kernels (``mode_rhs``, ``mode_mean_field``, ``mode_jacobian``, ``synapse_rhs``); the linear maps are
read off those kernels (they are linear in the arguments used), never retyped.  ``tests`` compare A and B with
the sympy Jacobian of theory.circuit for mixed circuits.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._generated import circuit_kernels as ck
from .._generated import multipole_kernels as mk


def _modes_of(pop) -> tuple[np.ndarray, np.ndarray]:
    """(poles eta_k, weights c_k) of a population (one pole eta_bar - i Delta with weight 1 for the Lorentzian)."""
    from ..multipole import coefficients

    u, c = coefficients(pop.n_modes)
    return pop.eta_bar + pop.Delta * u, c


@dataclass(frozen=True, eq=False)
class Structure:
    """The circuit's state layout and the linear maps of its mass model (see the module docstring)."""

    P: int
    mode_pop: np.ndarray      # population of each mode
    poles: np.ndarray         # eta_{a,k} per mode (complex)
    weights: np.ndarray       # c_k per mode (complex)
    tau: np.ndarray           # per population
    tau_s: np.ndarray         # per population
    I: np.ndarray             # per population
    J: np.ndarray             # P x P
    synapse_index: np.ndarray  # state index of s_b, -1 for a delta synapse
    R_r: np.ndarray           # P x D
    R_v: np.ndarray           # P x D
    R_s: np.ndarray           # P x D
    D_delta: np.ndarray       # P x P (diagonal: 1 for a delta synapse)
    E: np.ndarray             # D x P input gain

    @property
    def n_modes(self) -> int:
        return self.mode_pop.size

    @property
    def dim(self) -> int:
        return self.R_r.shape[1]

    @classmethod
    def of(cls, circuit) -> "Structure":
        pops = circuit.populations
        P = len(pops)
        mode_pop, poles, weights = [], [], []
        for a, p in enumerate(pops):
            e, c = _modes_of(p)
            mode_pop += [a] * e.size
            poles += list(e)
            weights += list(c)
        M = len(mode_pop)
        n_exp = sum(p.tau_s > 0 for p in pops)
        D = 2 * M + n_exp
        tau = np.array([p.tau for p in pops])
        tau_s = np.array([p.tau_s for p in pops])
        syn = np.full(P, -1)
        k = 2 * M
        for a, p in enumerate(pops):
            if p.tau_s > 0:
                syn[a] = k
                k += 1
        R_r = np.zeros((P, D))
        R_v = np.zeros((P, D))
        E = np.zeros((D, P))
        for m, (a, c) in enumerate(zip(mode_pop, weights)):
            # the mean field is linear in w: its coefficients of Re w and Im w, read off the kernel
            r1, v1 = mk.mode_mean_field(complex(c), 1.0 + 0.0j, tau[a])
            ri, vi = mk.mode_mean_field(complex(c), 1.0j, tau[a])
            R_r[a, 2 * m], R_r[a, 2 * m + 1] = r1, ri
            R_v[a, 2 * m], R_v[a, 2 * m + 1] = v1, vi
            # d(dw/dt)/dh: the mode equation is linear in its input s (= h here, J = 1)
            g = mk.mode_rhs(0j, 0j, 1.0, 1.0, 0.0, tau[a]) - mk.mode_rhs(0j, 0j, 0.0, 1.0, 0.0, tau[a])
            E[2 * m, a], E[2 * m + 1, a] = g.real, g.imag
        R_s = R_r.copy()
        D_delta = np.zeros((P, P))
        for a in range(P):
            if syn[a] >= 0:
                R_s[a] = 0.0
                R_s[a, syn[a]] = 1.0
            else:
                D_delta[a, a] = 1.0
        arrays = dict(mode_pop=np.array(mode_pop), poles=np.array(poles, dtype=complex),
                      weights=np.array(weights, dtype=complex), tau=tau, tau_s=tau_s,
                      I=np.array([p.I for p in pops]), J=np.array(circuit.J, dtype=float), synapse_index=syn,
                      R_r=R_r, R_v=R_v, R_s=R_s, D_delta=D_delta, E=E)
        for v in arrays.values():
            v.setflags(write=False)
        return cls(P=P, **arrays)

    # ------------------------------------------------------------------ state <-> modes
    def modes(self, x: np.ndarray) -> np.ndarray:
        """Complex modes w of a state vector."""
        M = self.n_modes
        return x[0:2 * M:2] + 1j * x[1:2 * M:2]

    def state(self, modes, s) -> np.ndarray:
        """State vector from the complex modes and the synaptic variables s (P values; delta ones ignored)."""
        M = self.n_modes
        x = np.zeros(self.dim)
        w = np.asarray(modes, dtype=complex)
        x[0:2 * M:2], x[1:2 * M:2] = w.real, w.imag
        for a in range(self.P):
            if self.synapse_index[a] >= 0:
                x[self.synapse_index[a]] = s[a]
        return x

    def input(self, x: np.ndarray) -> np.ndarray:
        """h = J s with s = R_s x (the noise-free input of every population)."""
        return self.J @ (self.R_s @ x)

    # ------------------------------------------------------------------ dynamics
    def rhs(self, x: np.ndarray, xi=None) -> np.ndarray:
        """dx/dt of the mass model; ``xi`` (P values) adds the shot noises: s_b = r_b + xi_b for a delta synapse,
        A_b = r_b + xi_b in the synaptic equation otherwise (the white-noise drift and the linear response's
        input)."""
        xi = np.zeros(self.P) if xi is None else np.asarray(xi, dtype=float)
        s = self.R_s @ x + self.D_delta @ xi
        h = self.J @ s
        r = self.R_r @ x
        out = np.empty(self.dim)
        w = self.modes(x)
        for m in range(self.n_modes):
            a = self.mode_pop[m]
            d = mk.mode_rhs(complex(w[m]), complex(self.poles[m]), float(h[a]), 1.0, float(self.I[a]), float(self.tau[a]))
            out[2 * m], out[2 * m + 1] = d.real, d.imag
        for a in range(self.P):
            k = self.synapse_index[a]
            if k >= 0:
                out[k] = ck.synapse_rhs(x[k], r[a] + xi[a], self.tau_s[a])
        return out

    def jacobian(self, x: np.ndarray) -> np.ndarray:
        """A = d(dx/dt)/dx at x (real D x D)."""
        D = self.dim
        A = np.zeros((D, D))
        w = self.modes(x)
        for m in range(self.n_modes):
            j = ck.mode_jacobian(complex(w[m]), float(self.tau[self.mode_pop[m]]))  # complex-analytic in w
            A[2 * m:2 * m + 2, 2 * m:2 * m + 2] = [[j.real, -j.imag], [j.imag, j.real]]
        A += self.E @ self.J @ self.R_s
        for a in range(self.P):
            k = self.synapse_index[a]
            if k >= 0:  # the synapse equation is linear: its coefficients read off the kernel
                ds_ds = ck.synapse_rhs(1.0, 0.0, self.tau_s[a]) - ck.synapse_rhs(0.0, 0.0, self.tau_s[a])
                ds_dA = ck.synapse_rhs(0.0, 1.0, self.tau_s[a]) - ck.synapse_rhs(0.0, 0.0, self.tau_s[a])
                A[k] += ds_dA * self.R_r[a]
                A[k, k] += ds_ds
        return A

    def noise_matrix(self) -> np.ndarray:
        """B = d(dx/dt)/d xi (D x P): where each population's shot noise enters."""
        B = self.E @ self.J @ self.D_delta
        for a in range(self.P):
            k = self.synapse_index[a]
            if k >= 0:
                B[k, a] += ck.synapse_rhs(0.0, 1.0, self.tau_s[a]) - ck.synapse_rhs(0.0, 0.0, self.tau_s[a])
        return B

    def fixed_state(self, r: np.ndarray) -> np.ndarray:
        """The state of the fixed point with rates r: w_{a,k} = sqrt(eta_k + I_a + tau_a h_a), h = J r, s = r."""
        h = self.J @ r
        w = [mk.mode_fixed_point(complex(self.poles[m]), float(h[self.mode_pop[m]]), 1.0,
                                 float(self.I[self.mode_pop[m]]), float(self.tau[self.mode_pop[m]]))
             for m in range(self.n_modes)]
        return self.state(w, r)
