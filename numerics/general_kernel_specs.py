"""KernelSpecs of the any-g linear response (theory.general_response), rendered into
``_generated/general_kernels.py`` by :mod:`shotnoise.numerics.codegen` (entry "general_kernels.py").

The kernels are the scalar pieces of the quadratures in :mod:`shotnoise.numerics.general_response`:
the pole a* = -i tau s/2, the regular factors phi/h = a/(a + a*) (rate) and psi/h = a*/(a + a*)
(voltage) of the singular integrand 1/(a - a*), the silent-neuron voltage integrand, the rate and
mean-voltage integrands, the resonant-neuron (Sokhotski) terms and D = 1 - J G.
"""
from __future__ import annotations

import sympy as sp

from .codegen import KernelSpec

A_DOM = (1e-3, 10.0)
ASTAR_DOM = (0.01 - 5j, 5.0 + 0j)   # Re a* = omega tau/2 >= 0, Im a* = -tau Re(s)/2 <= 0
S_DOM = (-5 - 5j, 5 + 5j)
STAU_DOM = (0.01 - 5j, 5 + 5j)      # tau s, Re s > 0
TAU_DOM = (0.2, 3.0)


def general_specs() -> list[KernelSpec]:
    """The scalar kernels of the any-g linear response (each with a parity domain)."""
    from shotnoise.theory import general_response as gr
    from shotnoise.theory.symbols import J, tau

    Gs = sp.Symbol("G")
    s_tau = sp.Symbol("s_tau")
    return [
        KernelSpec("general_pole", (gr.lap, tau), (gr.pole(),),
                   "a* = -i tau s/2: pole of the firing response 4a/(tau^2 s^2 + 4a^2) = a/((a - a*)(a + a*)).",
                   complex_valued=True, domain=(S_DOM, TAU_DOM)),
        KernelSpec("general_rate_weight", (gr.a, gr.a_star), (gr.rate_weight(),),
                   "phi/h = a/(a + a*): G = (1/pi) int h phi/h /(a - a*) da.", complex_valued=True,
                   domain=(A_DOM, ASTAR_DOM)),
        KernelSpec("general_voltage_weight", (gr.a, gr.a_star), (gr.voltage_weight(),),
                   "psi/h = a*/(a + a*): firing G_v = i tau int h psi/h /(a - a*) da.", complex_valued=True,
                   domain=(A_DOM, ASTAR_DOM)),
        KernelSpec("general_silent_voltage", (gr.b, s_tau), (gr.silent_voltage_integrand(),),
                   "2b/(tau s + 2b): silent G_v = tau int g(-b^2 - q) 2b/(tau s + 2b) db.", complex_valued=True,
                   domain=((0.05, 10.0), STAU_DOM)),
        KernelSpec("general_rate_integrand", (gr.a, tau), (gr.rate_integrand(),),
                   "2a/(pi tau): r0 = int h(a) 2a/(pi tau) da (firing neurons).", domain=(A_DOM, TAU_DOM)),
        KernelSpec("general_mean_voltage_integrand", (gr.b,), (gr.mean_voltage_integrand(),),
                   "-2 b^2: v0 = int g(-b^2 - q) (-2 b^2) db (silent neurons, Im w0 = -b).", domain=((0.0, 10.0),)),
        KernelSpec("general_resonant_terms", (gr.h0, tau), gr.resonant_terms(),
                   "(-i h(a0)/2, tau pi h(a0)/2): resonant-neuron terms of G and G_v on the axis.",
                   complex_valued=True, domain=((0.0, 5.0), TAU_DOM)),
        KernelSpec("general_characteristic", (Gs, J), (gr.characteristic(),),
                   "D = 1 - J G: closed-loop characteristic function.", complex_valued=True,
                   domain=((-3 - 3j, 3 + 3j), (-10.0, 10.0))),
    ]
