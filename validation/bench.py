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
    from shotnoise.numerics.model import Model
    from shotnoise.numerics.shot_spectrum import shot_spectrum_harmonic
    from shotnoise.theory.shot_noise import closed_form_mpmath

    m = Model(eta_bar=1.0, Delta=0.1, J=0.0, N=1000)
    op = m.operating_point()
    r0 = op.r
    w = np.linspace(0.01, 10.0, points)
    t_closed = _best(lambda: op.shot(w))
    g = m.density()
    wh = np.linspace(0.01, 10.0, 2000)
    atol = 1e-10 * r0 / 1000.0
    t_harm = _best(lambda: shot_spectrum_harmonic(wh, g=g, N=1000.0, r0=r0, atol=atol), repeat=2)
    _, bound = shot_spectrum_harmonic(wh[:1], g=g, N=1000.0, r0=r0, atol=atol)

    def mp_closed():
        for x in wh[:200]:
            closed_form_mpmath(x, eta_t=op.eta_t, Delta=m.Delta, tau=m.tau, N=m.N, dps=30)
    t_mp = _best(mp_closed, repeat=2)
    closed = points / t_closed
    harm = wh.size / t_harm
    mp = 200 / t_mp
    return {"closed_form_points_per_s": closed, "harmonic_sum_points_per_s": harm,
            "harmonic_sum_atol": atol, "mpmath_30digit_points_per_s": mp,
            "ratio_closed_vs_harmonic": closed / harm, "ratio_closed_vs_mpmath": closed / mp,
            "omega_range": [0.01, 10.0], "families": bench_families(points=points)}


def bench_families(points: int = 1_000_000) -> dict:
    """Every spectrum path of the non-Lorentzian families, points per second (same grid as the Lorentzian):
    the multi-pole closed form (n = 2..4) against its mpmath reference and the harmonic sum, and for the
    Gaussian the harmonic sum of S_xi and the fast principal-value G against the quad-per-point reference."""
    from shotnoise.numerics.linear_response import susceptibility_general
    from shotnoise.numerics.model import Model
    from shotnoise.numerics.shot_spectrum import shot_spectrum_harmonic
    from shotnoise.theory.multipole import closed_form_mpmath

    w = np.linspace(0.01, 10.0, points)
    wh = np.linspace(0.01, 10.0, 2000)
    out = {}
    for n in (2, 3, 4):
        m = Model(eta_bar=1.0, Delta=0.1, J=-2.0, N=1000, heterogeneity="multipole", poles=n)
        op = m.operating_point()
        atol = 1e-10 * op.r / 1000.0
        t_closed = _best(lambda: op.shot(w))
        t_harm = _best(lambda: shot_spectrum_harmonic(wh, g=op.density, N=1000.0, r0=op.r, J=-2.0, atol=atol),
                       repeat=2)

        def mp_closed():
            for x in wh[:100]:
                closed_form_mpmath(x, n=n, eta_bar_value=1.0, Delta_value=0.1, J_value=-2.0, I_value=0.0,
                                   tau_value=1.0, N_value=1000, r0=op.r, dps=30)
        t_mp = _best(mp_closed, repeat=2)
        out["multipole%d" % n] = {"closed_form_points_per_s": points / t_closed,
                                  "harmonic_sum_points_per_s": wh.size / t_harm,
                                  "mpmath_30digit_points_per_s": 100 / t_mp,
                                  "ratio_closed_vs_mpmath": (points / t_closed) / (100 / t_mp)}
    m = Model(eta_bar=1.0, Delta=0.1, J=-2.0, N=1000, heterogeneity="gaussian")
    op = m.operating_point()
    atol = 1e-10 * op.r / 1000.0
    t_harm = _best(lambda: shot_spectrum_harmonic(wh, g=op.density, N=1000.0, r0=op.r, J=-2.0, atol=atol), repeat=2)
    wg = np.linspace(0.01, 10.0, 20_000)
    t_G = _best(lambda: op.susceptibility(wg), repeat=3)
    t_quad = _best(lambda: susceptibility_general(wh[:50], op.density, r=op.r, J=-2.0), repeat=1)
    out["gaussian"] = {"harmonic_sum_points_per_s": wh.size / t_harm, "susceptibility_points_per_s": wg.size / t_G,
                       "susceptibility_quad_reference_points_per_s": 50 / t_quad,
                       "ratio_susceptibility_vs_quad": (wg.size / t_G) / (50 / t_quad)}
    return out


def bench_network(sizes=(1_000, 10_000, 100_000, 1_000_000), budget: float = 2e9) -> dict:
    """Fast network path vs the straightforward tan/atan reference (both numba), neuron-steps per second.

    Each size runs ~``budget`` neuron-steps (activity binning, order parameter every
    bin and kicks included); the reference runs 1/50 of that.
    """
    from shotnoise.numerics.model import Model
    from shotnoise.numerics.qif_reference import reference_network

    out = {"sizes": list(sizes), "fast_neuron_steps_per_s": [], "reference_neuron_steps_per_s": [], "ratio": []}
    dt = 1e-3
    for N in sizes:
        m = Model(eta_bar=1.0, Delta=0.2, J=2.0, N=N)
        eta = m.excitabilities(draw="quantile")
        steps = max(200, int(budget / N))
        m.simulate_network(eta=eta, T=10 * dt, dt=dt, bin_width=10 * dt)  # compile / cache load
        best = 0.0
        for _ in range(2):
            res = m.simulate_network(eta=eta, T=steps * dt, dt=dt, bin_width=20 * dt)
            best = max(best, res.neuron_steps_per_second)
        V0 = res.final_V
        ref_steps = max(20, steps // 50)
        reference_network(eta[:10], J=2.0, I=0.0, tau=1.0, dt=dt, n_steps=2, V0=V0[:10], per_neuron=False)
        t0 = time.perf_counter()
        reference_network(eta, J=2.0, I=0.0, tau=1.0, dt=dt, n_steps=ref_steps, V0=V0, per_neuron=False)
        ref = N * ref_steps / (time.perf_counter() - t0)
        out["fast_neuron_steps_per_s"].append(best)
        out["reference_neuron_steps_per_s"].append(ref)
        out["ratio"].append(best / ref)
    return out


def bench_stochastic_mass(steps: int = 1_000_000) -> dict:
    """Wall time of 1e6 steps of the stochastic mass model with white and coloured noise (after compilation)."""
    from shotnoise.numerics.model import Model

    m = Model(eta_bar=1.0, Delta=0.1, J=-2.0, N=1000)
    out = {"steps": steps}
    for kind in ("white", "colored"):
        t = _best(lambda: m.simulate_stochastic_mass(T=steps * 1e-3, dt=1e-3, noise=kind, bin_width=0.02), repeat=3)
        out["%s_seconds" % kind] = t
    return out


def bench_circuit_network(sizes=(1_000, 10_000, 100_000), budget: float = 2e9, repeat: int = 3) -> dict:
    """Neuron-steps per second of the network simulators, measured in one run (issue 11, point 3).

    Engines: today's single population (``qif_network.simulate_network``), the P-population engine with
    delta synapses and with exponential synapses (``circuit.network.simulate_populations``, P = 2, an E-I
    pair with 80 % / 20 % of N); each with 1 and 2 threads, with bins of one step and the order parameter
    never (``order_parameter_interval=0``), at its default interval, and every step.  Ratios: threads
    (2 / 1 thread at the largest N), observables (Z every step / no Z; default Z / no Z), exponential /
    delta, P-population delta / single population.  Best of ``repeat`` runs of ~``budget`` neuron-steps.
    """
    import numba

    from shotnoise.numerics.circuit.network import simulate_populations
    from shotnoise.numerics.densities import lorentzian
    from shotnoise.numerics.qif_network import simulate_network

    dt = 1e-3
    cores = numba.config.NUMBA_NUM_THREADS
    thread_counts = sorted({1, min(2, cores)})
    zmodes = {"no_Z": 0.0, "default_Z": None, "Z_every_step": dt}
    table = []
    for N in sizes:
        steps = max(200, int(budget / N))
        T = steps * dt
        eta = lorentzian(1.0, 0.2).quantiles(N)
        NE = int(0.8 * N)
        etas = [lorentzian(1.0, 0.2).quantiles(NE), lorentzian(0.8, 0.2).quantiles(N - NE)]
        EI = dict(J=[[2.0, -3.0], [3.0, -2.0]], tau=[1.0, 0.5], I=[0.0, 0.0], r_init=[0.3, 0.3])
        runs = {"single_population": lambda th, z, T: simulate_network(eta, J=2.0, T=T, dt=dt, keep_series=False,
                                                                       threads=th, order_parameter_interval=z),
                "populations_delta": lambda th, z, T: simulate_populations(etas, tau_s=[0.0, 0.0], T=T, dt=dt,
                                                                           keep_series=False, threads=th,
                                                                           order_parameter_interval=z, **EI),
                "populations_exponential": lambda th, z, T: simulate_populations(
                    etas, tau_s=[0.3, 0.2], T=T, dt=dt, keep_series=False, threads=th, order_parameter_interval=z,
                    **EI)}
        for engine, run in runs.items():
            for th in thread_counts:
                for zname, z in zmodes.items():
                    run(th, z, 20 * dt)  # compile / cache load
                    best = max(run(th, z, T).neuron_steps_per_second for _ in range(repeat))
                    table.append({"engine": engine, "N": N, "threads": th, "order_parameter": zname,
                                  "neuron_steps_per_s": best})

    def get(engine, N, th, z):
        return next(r["neuron_steps_per_s"] for r in table
                    if r["engine"] == engine and r["N"] == N and r["threads"] == th and r["order_parameter"] == z)

    Nl, tmax = sizes[-1], thread_counts[-1]
    ratios = {}
    for engine in ("single_population", "populations_delta", "populations_exponential"):
        ratios[engine] = {
            "threads_%d_vs_1_at_N%d" % (tmax, Nl): get(engine, Nl, tmax, "no_Z") / get(engine, Nl, 1, "no_Z"),
            "Z_every_step_vs_no_Z": {str(N): get(engine, N, 1, "Z_every_step") / get(engine, N, 1, "no_Z")
                                     for N in sizes},
            "default_Z_vs_no_Z": {str(N): get(engine, N, 1, "default_Z") / get(engine, N, 1, "no_Z")
                                  for N in sizes}}
    ratios["exponential_vs_delta"] = {"%d_threads_N%d" % (th, N): get("populations_exponential", N, th, "default_Z")
                                      / get("populations_delta", N, th, "default_Z")
                                      for N in sizes for th in thread_counts}
    ratios["populations_delta_vs_single_population"] = {
        "%d_threads_N%d" % (th, N): get("populations_delta", N, th, "default_Z")
        / get("single_population", N, th, "default_Z") for N in sizes for th in thread_counts}
    return {"dt": dt, "bin_steps": 1, "threads_available": cores, "table": table, "ratios": ratios}


def bench_second_order(points: int = 2000, N: float = 100.0) -> dict:
    """O(1/N^2) spectrum (numerics.second_order_spectrum), frequencies per second of method="fast" and "adaptive"
    on ``points`` omegas in [0.05, 15], in the three cases of issue 14 point 5 (target >= 1e3 per second at
    1e-4 relative accuracy), and the max difference of their activity totals relative to max|activity|.
    Compilation excluded (warm-up on a small grid); fast: best of 3, adaptive: one run."""
    import numba

    from shotnoise.numerics.model import Model
    from shotnoise.numerics.second_order_spectrum import second_order_spectrum

    w = np.linspace(0.05, 15.0, points)
    cases = [dict(eta_bar=1.0, Delta=0.05, J=-3.0), dict(eta_bar=2.0, Delta=0.2, J=-4.0),
             dict(eta_bar=1.5, Delta=0.15, J=3.0)]
    out = {"points": points, "omega_range": [0.05, 15.0], "N": N, "threads": numba.get_num_threads(), "cases": {}}
    for case in cases:
        op = Model(**case, N=N).operating_point()
        for method in ("fast", "adaptive"):
            second_order_spectrum(point=op, omega=w[:4], method=method)  # compile / cache load
        res = {}
        times = {}
        for method, repeat in (("fast", 3), ("adaptive", 1)):
            best = float("inf")
            for _ in range(repeat):
                t0 = time.perf_counter()
                res[method] = second_order_spectrum(point=op, omega=w, method=method)
                best = min(best, time.perf_counter() - t0)
            times[method] = best
        a, f = res["adaptive"].activity, res["fast"].activity
        scale = float(np.max(np.abs(a)))
        out["cases"]["eta_bar=%g Delta=%g J=%g" % (case["eta_bar"], case["Delta"], case["J"])] = {
                             "fast_freq_per_s": points / times["fast"],
                             "adaptive_freq_per_s": points / times["adaptive"],
                             "ratio_fast_vs_adaptive": times["adaptive"] / times["fast"],
                             "max_abs_activity": scale,
                             "max_rel_difference": float(np.max(np.abs(f - a))) / scale}
    return out


BENCHES = {"spectrum": bench_spectrum, "network": bench_network, "stochastic-mass": bench_stochastic_mass,
           "circuit-network": bench_circuit_network, "second-order": bench_second_order}


def run_benchmarks(names: list[str] | None = None) -> dict:
    """Run the named benchmarks (all by default) and return their results."""
    names = names or list(BENCHES)
    return {n: BENCHES[n]() for n in names}
