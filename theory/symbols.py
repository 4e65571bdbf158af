"""The shared sympy symbols of the MPR / QIF model.

One place for the symbols so that expressions derived in different modules can
be combined.  Conventions: tau is the membrane time constant, J the coupling
(J tau s enters the voltage equation), I the external current, Delta the
Lorentzian half-width and eta_bar its centre, N the population size.
"""
import sympy as sp

tau = sp.Symbol("tau", positive=True)
Delta = sp.Symbol("Delta", positive=True)
eta_bar = sp.Symbol("eta_bar", real=True)
J = sp.Symbol("J", real=True)
I_ext = sp.Symbol("I", real=True)
N = sp.Symbol("N", positive=True)
M = sp.Symbol("M", positive=True)

#: population firing rate and mean voltage (the MPR state variables)
r = sp.Symbol("r", positive=True)
v = sp.Symbol("v", real=True)
#: network activity s = r + xi
s = sp.Symbol("s", real=True)
xi = sp.Symbol("xi", real=True)

#: angular frequency (two-sided convention)
omega = sp.Symbol("omega", real=True)

#: parameters in the canonical argument order of every generated kernel
PARAMETERS = (eta_bar, Delta, J, I_ext, tau)
STATE = (r, v)

PARAMETER_INFO = {
    "eta_bar": {"description": "centre of the excitability distribution", "range": "real"},
    "Delta": {"description": "half-width at half-maximum of the excitability distribution (Lorentzian; multi-pole "
                             "g_n)", "range": "> 0"},
    "J": {"description": "synaptic coupling (J tau s enters the voltage equation)", "range": "real"},
    "I": {"description": "constant external current", "range": "real"},
    "tau": {"description": "membrane time constant", "range": "> 0"},
}
STATE_INFO = {
    "r": {"description": "population firing rate (spikes per unit time)", "range": "> 0"},
    "v": {"description": "mean membrane potential (Cauchy principal value)", "range": "real"},
}
