"""Numerics of shot noise in next-generation neural mass models: the public API.

The spine is ``Model -> OperatingPoint -> spectra / simulate / estimate``::

    from shotnoise.numerics import Model, welch

    m = Model(eta_bar=2.0, Delta=0.2, J=-4.0, N=1000)   # keyword-only; I = 0, tau = 1 by default
    op = m.operating_point()                            # the unique stable fixed point (cached)
    sp = op.spectra(omega)                              # .shot .activity .rate .voltage (two-sided, angular)
    net = m.simulate_network(T=520, dt=2e-3, transient=20, bin_width=0.02, draw="random", seed=1)
    est = welch(net.activity, dt=0.02, segment=50.0)    # same convention, chi-square CI
    expected = op.expected_welch(segment=50.0, bin_width=0.02)

Public names (imported lazily so that ``import shotnoise.numerics`` stays fast):

=====================  ================================================================
``Model``              model description; fixed points, simulations (numerics.model)
``OperatingPoint``     one fixed point; spectra, resonance, binned / expected spectra
``Circuit``            several populations with synapses (numerics.circuit): fixed points, Hopf, spectral matrices
``Population``         one population of a Circuit
``load_model``         a model file as a Model (one population, delta synapses) or a Circuit
``ParameterError``     the package's ValueError subclass for bad input
``welch``              Welch estimate in the package convention (numerics.spectral_estimation)
``band_average``       band means of a Welch estimate with their equivalent dof
``binned_spectrum``    spectrum of a bin-averaged signal (sinc^2 and aliases)
``CONVENTION``         "two-sided, angular frequency"
``load``               read back any result file (--out, --save, --csv, map --out) as ``Results``
``Results``            arrays + metadata (parameters, seed, version, conventions, units) of a result file
=====================  ================================================================

The compiled kernels live in generated modules under ``_generated`` (written by
:mod:`shotnoise.numerics.codegen` from the sympy expressions of ``shotnoise.theory``);
importing this subpackage does not import sympy.
"""
from __future__ import annotations

import os
import sys
import tempfile

from ._lazy import lazy_exports


def _writable_dir(path: str) -> bool:
    """True if ``path`` is (or can be created as) a writable directory."""
    try:
        os.makedirs(path, exist_ok=True)
    except OSError:
        return False
    return os.path.isdir(path) and os.access(path, os.W_OK | os.X_OK)


def numba_cache_dir(*, package_dir: str, user_cache: str | None) -> str | None:
    """Where numba can cache the compiled kernels: None when its own locators work (the package's
    ``__pycache__`` or the user's cache directory is writable), else a private temporary directory.

    Without this, a read-only installation run by an account without a writable HOME fails with
    numba's "cannot cache function ... no locator available" on every numeric command.
    """
    if _writable_dir(os.path.join(package_dir, "__pycache__")):
        return None
    if user_cache and _writable_dir(user_cache):
        return None
    uid = os.getuid() if hasattr(os, "getuid") else "user"
    fallback = os.path.join(tempfile.gettempdir(), "shotnoise-numba-cache-%s" % uid)
    return fallback if _writable_dir(fallback) else None


def _configure_numba_cache() -> None:
    if os.environ.get("NUMBA_CACHE_DIR"):
        return
    home = os.environ.get("HOME")
    user_cache = os.path.join(os.environ.get("XDG_CACHE_HOME") or os.path.join(home or "/nonexistent", ".cache"),
                              "numba")
    d = numba_cache_dir(package_dir=os.path.dirname(os.path.abspath(__file__)), user_cache=user_cache)
    if d is not None:
        os.environ["NUMBA_CACHE_DIR"] = d
        if "numba" in sys.modules:  # numba read its configuration already: update it too
            sys.modules["numba"].config.CACHE_DIR = d


_configure_numba_cache()

_EXPORTS = {
    "Model": ".model",
    "OperatingPoint": ".operating_point",
    "Circuit": ".circuit.model",
    "bifurcation_diagram": ".bifurcation",
    "Population": ".circuit.model",
    "load_model": ".circuit.model",
    "ParameterError": "shotnoise.theory.errors",
    "welch": ".spectral_estimation",
    "band_average": ".spectral_estimation",
    "binned_spectrum": ".spectral_estimation",
    "CONVENTION": ".shot_spectrum",
    "load": ".results_file",
    "Results": ".results_file",
}

__getattr__, __dir__, __all__ = lazy_exports(__name__, _EXPORTS)
