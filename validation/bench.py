"""Benchmarks (``shotnoise bench``): throughput measured in one run, reported as ratios.

Timings use the best of several repetitions after a warm-up call (compilation
excluded).  The machine is shared: compare the ratios within one run, not
absolute numbers across runs.
"""
from __future__ import annotations

import time

import numpy as np


def _best(fn, repeat: int = 5) -> float:
    fn()  # warm-up / compile
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def bench_spectrum(points: int = 1_000_000) -> dict:
    """Lorentzian closed form (numba) vs the harmonic sum (numpy) vs mpmath, points per second."""
    import mpmath

    from shotnoise.numerics.densities import lorentzian
    from shotnoise.numerics.mpr import fixed_points
    from shotnoise.numerics.parameters import MPRParameters
    from shotnoise.numerics.shot_spectrum import shot_spectrum_harmonic, shot_spectrum_lorentzian

    p = MPRParameters(1.0, 0.1, 0.0)
    r0 = fixed_points(p)[0].r
    w = np.linspace(0.01, 10.0, points)
    t_closed = _best(lambda: shot_spectrum_lorentzian(w, p, 1000.0, r0))
    g = lorentzian(1.0, 0.1)
    wh = np.linspace(0.01, 10.0, 2000)
    atol = 1e-10 * r0 / 1000.0
    t_harm = _best(lambda: shot_spectrum_harmonic(wh, g, 1000.0, r0, atol=atol), repeat=2)
    _, bound = shot_spectrum_harmonic(wh[:1], g, 1000.0, r0, atol=atol)

    def mp_closed():
        with mpmath.workdps(30):
            c = mpmath.mpc(1.0, 0.1)
            sc = mpmath.sqrt(c)
            for x in wh[:200]:
                z = mpmath.mpf(x) / (2 * sc)
                2 / (mpmath.pi**2 * 1000 * x) * mpmath.im(c * (mpmath.pi * z * mpmath.cot(mpmath.pi * z) - 1))
    t_mp = _best(mp_closed, repeat=2)
    closed = points / t_closed
    harm = wh.size / t_harm
    mp = 200 / t_mp
    return {"closed_form_points_per_s": closed, "harmonic_sum_points_per_s": harm,
            "harmonic_sum_atol": atol, "mpmath_30digit_points_per_s": mp,
            "ratio_closed_vs_harmonic": closed / harm, "ratio_closed_vs_mpmath": closed / mp,
            "omega_range": [0.01, 10.0]}


BENCHES = {"spectrum": bench_spectrum}


def run_benchmarks(names: list[str] | None = None) -> dict:
    """Run the named benchmarks (all by default) and return their results."""
    names = names or list(BENCHES)
    return {n: BENCHES[n]() for n in names}
