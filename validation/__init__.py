"""Validation of the shot-noise theory against simulations: checks, reports, figures, CLI.

Public names (imported lazily, so that ``import shotnoise.validation`` stays cheap):

==========================  ===========================================================
``run_suite``               the quick / full theory-vs-simulation suite (list of CheckResult)
``run_check``               one check of the suite by label (memoised, seeded)
``CheckResult``             a check's verdict: measured, predicted, tolerance and its origin
``band_comparison``         realizations vs expected Welch estimate, band by band (Student t)
``chi2_band_comparison``    one Welch estimate vs its expectation, band by band (chi-square)
``spectrum_with_theory``    Welch estimate of a simulated signal plus the theory's expectation
``plot_theory_vs_simulation``  estimate, its confidence band and theory curves on log axes
``plot_spectrum_report``    all theory spectra of ``spectrum_report`` on log axes
``spectrum_report``         theory spectra and resonance at a stable fixed point (dict)
==========================  ===========================================================
"""
from __future__ import annotations

from shotnoise.numerics._lazy import lazy_exports

_EXPORTS = {
    "run_suite": ".suite",
    "run_check": ".suite",
    "CheckResult": ".results",
    "band_comparison": ".results",
    "chi2_band_comparison": ".results",
    "spectrum_with_theory": ".tasks",
    "spectrum_report": ".tasks",
    "plot_theory_vs_simulation": ".plots",
    "plot_spectrum_report": ".plots",
}

__getattr__, __dir__, __all__ = lazy_exports(__name__, _EXPORTS)
