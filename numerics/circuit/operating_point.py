"""A fixed point of a circuit and its linear response (theory/THEORY.md eqs. (87)-(88)).

Around the fixed point x* the mass model driven by the populations' shot noises xi_b is, to linear order,

    dx/dt = A x + B xi,    H(omega) = (i omega - A)^{-1} B          (D x P; exp(+i omega t) in, as everywhere)

and every output y (per population: activity A = r + xi, synaptic s, rate r, voltage v) is y = C_y x + D_y xi,
so its transfer matrix is T_y = C_y H + D_y and, the shot noises of different populations being independent,
its spectral matrix is

    S_y(omega) = T_y(omega) diag(S_xi,b(omega)) T_y(omega)^H,       coherence_ab = |S_ab|^2 / (S_aa S_bb),

two-sided, angular frequency: S_ab(omega) = int <y_a(t + u) y_b(t)> exp(-i omega u) du (so S_ab(omega) =
conj S_ba(omega), and a Welch estimate X_a conj(X_b) estimates it).  S_xi,b is the single-population shot-noise
spectrum of population b at its own drive eta_bar_b + I_b + tau_b h_b (eqs. (35), (61)-(73)): the shot noise of
a population depends only on how fast its neurons fire, not on where the input comes from.  For one population
with delta synapses this is the closed-loop formula (46)-(49) of the single population (tested to 1e-12).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from shotnoise.theory.errors import ParameterError

from ..parameters import finite_array, positive
from ..shot_spectrum import CONVENTION

#: outputs with a spectral matrix
OUTPUTS = ("activity", "synaptic", "rate", "voltage")


@dataclass(frozen=True, eq=False)
class CircuitOperatingPoint:
    """One fixed point of a circuit: rates r (spikes per unit time), mean voltages v, inputs h = J r, state x,
    eigenvalues of the Jacobian (1/time), stability, and the Leray-Schauder index (+1/-1, None for P = 1)."""

    circuit: object = field(repr=False)
    x: np.ndarray = field(repr=False)
    r: np.ndarray
    v: np.ndarray
    h: np.ndarray
    eigenvalues: tuple
    stability: str
    index: int | None = None

    @classmethod
    def at(cls, circuit, *, x: np.ndarray, index: int | None = None) -> "CircuitOperatingPoint":
        from ..multipole import classify

        st = circuit.structure
        r = st.R_r @ x
        A = st.jacobian(x)
        eigs = tuple(sorted((complex(z) for z in np.linalg.eigvals(A)), key=lambda z: (z.real, z.imag)))
        return cls(circuit=circuit, x=x, r=r, v=st.R_v @ x, h=st.J @ r, eigenvalues=eigs, stability=classify(eigs),
                   index=index)

    # ------------------------------------------------------------------ scalars
    @property
    def names(self) -> tuple:
        return self.circuit.names

    @property
    def stable(self) -> bool:
        return self.stability.startswith("stable")

    @property
    def leading_eigenvalue(self) -> complex:
        return max(self.eigenvalues, key=lambda z: (z.real, abs(z.imag)))

    def summary(self) -> str:
        return ", ".join("r_%s=%.6g" % (n, r) for n, r in zip(self.names, self.r)) + " (%s)" % self.stability

    def to_dict(self) -> dict:
        """{"fixed_point": {name: {"r", "v", "s", "h"}}, "stability", "eigenvalues": [[re, im], ...], "index",
        "quasi_cycle"}."""
        return {"fixed_point": {n: {"r": float(self.r[a]), "v": float(self.v[a]), "s": float(self.r[a]),
                                    "h": float(self.h[a])} for a, n in enumerate(self.names)},
                "stability": self.stability, "eigenvalues": [[z.real, z.imag] for z in self.eigenvalues],
                "index": self.index, "quasi_cycle": self.quasi_cycle().to_dict()}

    def jacobian(self) -> np.ndarray:
        return self.circuit.structure.jacobian(self.x)

    def noise_matrix(self) -> np.ndarray:
        return self.circuit.structure.noise_matrix()

    # ------------------------------------------------------------------ the populations alone
    @cached_property
    def population_points(self) -> tuple:
        """Per population, the single-population OperatingPoint with the same drive (J = 0, I = I_a + tau_a h_a):
        its rate is r_a, and its shot-noise spectrum is S_xi,a."""
        from ..model import Model

        out = []
        for a, p in enumerate(self.circuit.populations):
            m = Model(eta_bar=p.eta_bar, Delta=p.Delta, J=0.0, I=p.I + p.tau * float(self.h[a]), tau=p.tau,
                      N=p.require_N(), heterogeneity=p.heterogeneity, poles=p.poles)
            out.append(m.operating_point())
        return tuple(out)

    def shot(self, omega, *, noise: str = "shot") -> np.ndarray:
        """S_xi,a(omega) of every population (P x len(omega)), two-sided, angular frequency.

        noise='shot': the shot-noise spectrum of the population's N_a neurons; 'white': its diffusion limit, the
        flat r_a/N_a of the white-noise mass model (eq. (86))."""
        w = finite_array("omega", omega)
        if noise == "white":
            from .._generated.mpr_kernels import white_noise_intensity
            from .._jit import pure

            N = self.circuit.N
            return np.array([np.full(w.size, pure(white_noise_intensity)(float(r), float(n))) for r, n in zip(self.r, N)])
        if noise != "shot":
            raise ParameterError("noise must be 'shot' or 'white', got %r" % (noise,))
        return np.array([q.shot(w) for q in self.population_points])

    # ------------------------------------------------------------------ linear response
    @property
    def linear_response_defined(self) -> bool:
        return self.stable

    def _require_stable(self) -> None:
        if not self.stable:
            raise ParameterError("linear response needs a stable fixed point; this one (%s) is %s with leading "
                                 "eigenvalue %.4g%+.4gi%s" % (self.summary(), self.stability, self.leading_eigenvalue.real,
                                                              self.leading_eigenvalue.imag,
                                                              " (past a Hopf point: the circuit oscillates)"
                                                              if "focus" in self.stability else ""))

    def state_transfer(self, omega) -> np.ndarray:
        """H(omega) = (i omega - A)^{-1} B, shape (len(omega), D, P)."""
        w = finite_array("omega", omega)
        A = self.jacobian()
        B = self.noise_matrix()
        D = A.shape[0]
        M = 1j * w[:, None, None] * np.eye(D)[None] - A[None]
        return np.linalg.solve(M, np.broadcast_to(B, (w.size,) + B.shape).astype(complex))

    def transfer(self, omega, *, output: str = "activity") -> np.ndarray:
        """T_y(omega) = C_y H(omega) + D_y (len(omega) x P x P): response of output y of population a to the shot
        noise xi_b of population b."""
        if output not in OUTPUTS:
            raise ParameterError("output must be one of %s, got %r" % (", ".join(OUTPUTS), output))
        st = self.circuit.structure
        C, Dm = {"activity": (st.R_r, np.eye(st.P)), "synaptic": (st.R_s, st.D_delta),
                 "rate": (st.R_r, np.zeros((st.P, st.P))), "voltage": (st.R_v, np.zeros((st.P, st.P)))}[output]
        H = self.state_transfer(omega)
        return np.einsum("ad,wdb->wab", C, H) + Dm[None]

    def spectral_matrix(self, omega, *, output: str = "activity", noise: str = "shot",
                        S_xi: np.ndarray | None = None) -> np.ndarray:
        """S_y(omega) = T_y diag(S_xi) T_y^H (len(omega) x P x P, Hermitian); S_xi from :meth:`shot` with ``noise``
        unless given (P x len(omega))."""
        self._require_stable()
        w = finite_array("omega", omega)
        T = self.transfer(w, output=output)
        S = self.shot(w, noise=noise) if S_xi is None else S_xi
        return np.einsum("wab,bw,wcb->wac", T, S, T.conj())

    def spectra(self, omega) -> "CircuitSpectra":
        """Every spectrum and cross-spectrum at ``omega`` (stable fixed point required)."""
        self._require_stable()
        w = finite_array("omega", omega)
        S = self.shot(w)
        mats = {k: self.spectral_matrix(w, output=k, S_xi=S) for k in OUTPUTS}
        return CircuitSpectra(omega=w, names=self.names, shot=S, matrices=mats)

    # ------------------------------------------------------------------ the least-damped mode
    def quasi_cycle(self) -> "QuasiCycle":
        """The least-damped oscillatory mode (a complex pair -gamma +- i omega_0): frequency, damping, Q.
        Near a Hopf point gamma -> 0 and the activity spectra peak ~ 1/gamma^2 at omega_0 (a quasi-cycle)."""
        pairs = [z for z in self.eigenvalues if z.imag > 0]
        if not pairs:
            return QuasiCycle(frequency=None, damping=None, Q=None)
        z = max(pairs, key=lambda z: z.real)
        gamma = -z.real
        return QuasiCycle(frequency=z.imag, damping=gamma, Q=z.imag / (2 * gamma) if gamma > 0 else math.inf)

    def fluctuation_level(self, *, omega_max: float | None = None, points: int = 4000) -> np.ndarray:
        """Predicted relative standard deviation of every population's rate, sqrt(int S_rr d omega / 2 pi) / r_a.

        The linear theory assumes small fluctuations; where this reaches ~0.1 (close to a Hopf point, or small
        N) the nonlinearity of the mass model is no longer negligible (section 9 of THEORY.md; measured against
        the network in the validation checks)."""
        self._require_stable()
        scale = max(abs(z) for z in self.eigenvalues)
        wmax = positive("omega_max", omega_max) if omega_max is not None else 1e3 * scale
        qc = self.quasi_cycle()
        w = np.unique(np.concatenate([np.geomspace(1e-4 * scale, wmax, points),
                                      [] if qc.frequency is None else
                                      qc.frequency + qc.damping * np.linspace(-20, 20, 801)]))
        w = w[w > 0]
        Srr = np.real(np.einsum("waa->wa", self.spectral_matrix(w, output="rate")))
        var = 2 * np.trapezoid(Srr, w, axis=0) / (2 * math.pi)  # two-sided: both signs of omega
        return np.sqrt(var) / self.r

    def binned(self, *, bin_width: float, output: str = "activity", noise: str = "shot"):
        """Callable omega -> S_y of the bin-averaged outputs (len(omega) x P x P), aliases summed
        (numerics.spectral_estimation.binned_spectrum per entry; the activity diagonal with the shot noise's
        large-omega asymptote summed in closed form).  ``noise`` as in :meth:`shot`."""
        from ..spectral_estimation import binned_spectrum

        self._require_stable()
        bw = positive("bin_width", bin_width)
        P = self.circuit.P
        if output != "activity":
            asym = [(0.0, 0.0)] * P
        elif noise == "white":
            asym = [(float(S[0]), 0.0) for S in self.shot(np.zeros(1), noise="white")]
        else:
            asym = [q.asymptote("shot") for q in self.population_points]

        s_inf = np.diag([a[0] for a in asym])  # the diagonal's large-omega asymptote, summed in closed form
        inv = np.diag([a[1] for a in asym])

        def S(omega):
            return binned_spectrum(S=lambda x: self.spectral_matrix(x, output=output, noise=noise),
                                   omega=finite_array("omega", omega), dt=bw, s_inf=s_inf, inv_omega=inv)
        return S

    def expected_welch(self, *, segment: float, bin_width: float, output: str = "activity", noise: str = "shot"
                       ) -> "ExpectedWelchMatrix":
        """Exact expectation of Welch auto- and cross-spectral estimates (Hann, 50% overlap) of the bin-averaged
        outputs, on welch()'s grid omega >= 0 (binning, aliases, leakage and mean removal included).  ``noise``:
        'shot' (the network, the colored and surrogate mass models) or 'white' (the white-noise mass model)."""
        from ..spectral_estimation import welch_expectation
        from ..operating_point import _WelchGrid

        bw, seg = positive("bin_width", bin_width), positive("segment", segment)
        L = int(round(seg / bw))
        if L < 8:
            raise ParameterError("segment must be at least 8 bins (segment/bin_width = %d)" % L)
        f = np.fft.fftfreq(L, d=bw)
        grid = _WelchGrid(nperseg=L, dt=bw, omega=2 * np.pi * np.sort(f[f >= 0]))
        Sb = self.binned(bin_width=bw, output=output, noise=noise)
        cache: dict = {}

        def entry(a, b):
            def fn(w):
                key = w.tobytes()
                if key not in cache:
                    cache[key] = Sb(w)
                z = cache[key][:, a, b]
                return np.real(z) if a == b else z  # an auto-spectrum is real
            return fn
        P = self.circuit.P
        psd = np.empty((grid.omega.size, P, P), dtype=complex)
        for a in range(P):
            for b in range(P):
                psd[:, a, b] = welch_expectation(S_binned=entry(a, b), spec=grid, hermitian=(a != b))
        return ExpectedWelchMatrix(omega=grid.omega, psd=psd, names=self.names, segment=seg, bin_width=bw,
                                   output=output)


@dataclass(frozen=True)
class QuasiCycle:
    """Least-damped oscillatory mode: frequency omega_0 (rad per unit time), damping gamma (1/time), Q =
    omega_0/(2 gamma) (None without a complex pair)."""

    frequency: float | None
    damping: float | None
    Q: float | None

    def to_dict(self) -> dict:
        return {"frequency": self.frequency, "damping": self.damping,
                "Q": None if self.Q is None or not math.isfinite(self.Q) else self.Q}


def pair_key(a: str, b: str) -> str:
    """Key of the cross-spectrum of populations a and b in results and JSON: 'a|b' (S_ab)."""
    return "%s|%s" % (a, b)


@dataclass(frozen=True, eq=False)
class CircuitSpectra:
    """Spectral matrices of a circuit (two-sided, angular frequency): ``matrices[output]`` has shape
    (len(omega), P, P) for output in activity, synaptic, rate, voltage; ``shot`` (P x len(omega)) the shot noises."""

    omega: np.ndarray
    names: tuple
    shot: np.ndarray
    matrices: dict
    convention: str = CONVENTION

    def auto(self, output: str, name: str) -> np.ndarray:
        a = self.names.index(name)
        return np.real(self.matrices[output][:, a, a])

    def cross(self, output: str, a: str, b: str) -> np.ndarray:
        """S_ab(omega) (complex)."""
        return self.matrices[output][:, self.names.index(a), self.names.index(b)]

    def coherence(self, output: str, a: str, b: str) -> np.ndarray:
        """|S_ab|^2 / (S_aa S_bb) in [0, 1]; nan where an auto-spectrum vanishes (e.g. the shot noise at omega = 0)."""
        den = self.auto(output, a) * self.auto(output, b)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(den > 0, np.abs(self.cross(output, a, b)) ** 2 / np.where(den > 0, den, 1.0), np.nan)

    def to_dict(self) -> dict:
        """{"convention", "omega", "populations", "spectra": {name: {"shot", "activity", "synaptic", "rate",
        "voltage"}}, "cross": {"a|b": {"re", "im"}} (activity), "coherence": {"a|b": [...]}}."""
        spectra = {}
        for i, n in enumerate(self.names):
            spectra[n] = {"shot": self.shot[i].tolist()}
            for k in OUTPUTS:
                spectra[n][k] = self.auto(k, n).tolist()
        cross, coh = {}, {}
        for i, a in enumerate(self.names):
            for b in self.names[i + 1:]:
                z = self.cross("activity", a, b)
                cross[pair_key(a, b)] = {"re": z.real.tolist(), "im": z.imag.tolist()}
                coh[pair_key(a, b)] = [None if not math.isfinite(c) else float(c)
                                       for c in self.coherence("activity", a, b)]
        return {"convention": self.convention, "omega": self.omega.tolist(), "populations": list(self.names),
                "spectra": spectra, "cross": cross, "coherence": coh}


@dataclass(frozen=True, eq=False)
class ExpectedWelchMatrix:
    """Expected Welch auto/cross estimates (len(omega) x P x P) on the Welch grid omega >= 0."""

    omega: np.ndarray
    psd: np.ndarray
    names: tuple
    segment: float
    bin_width: float
    output: str
    convention: str = CONVENTION

    def auto(self, name: str) -> np.ndarray:
        a = self.names.index(name)
        return np.real(self.psd[:, a, a])

    def cross(self, a: str, b: str) -> np.ndarray:
        return self.psd[:, self.names.index(a), self.names.index(b)]

    def to_dict(self) -> dict:
        d = {"convention": self.convention, "output": self.output, "segment": self.segment,
             "bin_width": self.bin_width, "omega": self.omega.tolist(), "populations": list(self.names),
             "auto": {n: self.auto(n).tolist() for n in self.names}, "cross": {}}
        for i, a in enumerate(self.names):
            for b in self.names[i + 1:]:
                z = self.cross(a, b)
                d["cross"][pair_key(a, b)] = {"re": z.real.tolist(), "im": z.imag.tolist()}
        return d
