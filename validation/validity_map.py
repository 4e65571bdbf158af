"""The validity map: where, in N and in distance to the nearest bifurcation, the linear shot-noise theory holds.

``shotnoise map`` sweeps single-population Model parameters given as comma lists (one dimension per swept
parameter, named as its flag: ``J``, ``N``, ``eta_bar``, ``delta``, ``I``, ``tau``), runs K network
realizations per point on Dask (:mod:`.map_engine`: one task per point, results streamed to
``<out>.parts/`` as they finish, resumable) and compares them with the theory (:mod:`.map_point`, which
defines every reported quantity).  :func:`run_map` assembles the points into an ``xarray.Dataset`` written as
netCDF (xarray's scipy engine, netCDF3) with parameters, seeds, package version, conventions and units as
attributes; :func:`plot_map` draws the verdict in the plane (distance to the bifurcation, N).
"""
from __future__ import annotations

import argparse
import itertools
import json
import math
import pathlib
import re
import sys

import numpy as np

from shotnoise.numerics.conventions import CONVENTION
from shotnoise.numerics.units import unit
from shotnoise.theory.errors import ParameterError
from shotnoise.theory.version import package_version

from .map_point import CONFIDENCE, MAX_BANDS, STATUSES, THRESHOLD, VERDICTS, compute_point

#: sweepable parameters: dimension name (= the flag) -> Model keyword
SWEEPABLE = {"J": "J", "N": "N", "eta_bar": "eta_bar", "delta": "Delta", "I": "I", "tau": "tau"}
RATE, OMEGA, RATE_SPECTRUM = unit("rate"), unit("angular_frequency"), unit("rate_spectrum")

#: defaults of the parameters not swept (the README example's population)
DEFAULTS = {"eta_bar": 1.0, "Delta": 0.05, "J": -3.0, "I": 0.0, "tau": 1.0, "N": 400}

#: scalar per-point variables: name -> (units, description)
SCALARS = {
    "r0": (RATE, "rate of the fixed point"),
    "damping": (RATE, "damping -Re(lambda) of the least-damped mode"),
    "omega_res": (OMEGA, "frequency of the least-damped mode (nan: overdamped)"),
    "Q": ("1", "quality factor omega_res/(2 damping)"),
    "omega_peak": (OMEGA, "first shot-noise peak 2 sqrt(eta_t)/tau"),
    "bifurcation_distance": ("1", "-max Re(lambda)/max |lambda| over the fixed point's eigenvalues: 0 at a local "
                                  "bifurcation (saddle-node or neutral oscillation), ~1/(2Q) for a weak focus"),
    "sn_distance_J": ("1", "relative distance |J - J_sn|/|J_sn| to the saddle-node curve at fixed eta_bar + I "
                           "(Lorentzian; inf: the line does not meet it)"),
    "sn_distance_eta": ("1", "distance |eta_bar + I - eta_sn|/Delta to the saddle-node curve at fixed J "
                             "(Lorentzian; inf: none)"),
    "max_abs_rel_error": ("1", "max over bands of |mean over seeds of (network band mean / theory) - 1|"),
    "max_abs_rel_error_ci_high": ("1", "max over bands of the farther end of the band's simultaneous CI"),
    "worst_band_centre": (OMEGA, "centre of the band with the largest |relative error|"),
    "lf_excess": ("1", "low-frequency band [first Welch bin, 0.4 omega_peak): network/theory (second order)"),
    "lf_excess_ci_low": ("1", "lower end of its CI (Student t over seeds)"),
    "lf_excess_ci_high": ("1", "upper end of its CI"),
    "lf_band_lo": (OMEGA, "low-frequency band, lower edge"),
    "lf_band_hi": (OMEGA, "low-frequency band, upper edge"),
    "rate_mean": (RATE, "mean network rate over seeds"),
    "rate_rel_error": ("1", "rate_mean/r0 - 1"),
    "rate_se": (RATE, "standard error of rate_mean over seeds"),
    "n_fixed_points": ("1", "number of fixed points with r > 0"),
    "elapsed_s": ("s", "wall time of the point on its worker"),
    "cpu_s": ("s", "CPU time of the point on its worker (elapsed_s / cpu_s > 1: the core was shared)"),
    "peak_rss_mb": ("MiB", "peak resident memory of the worker process after the point"),
}
BANDS = {
    "band_lo": (OMEGA, "band lower edge"), "band_hi": (OMEGA, "band upper edge"),
    "band_theory": (RATE_SPECTRUM, "theory: band mean of the expected Welch estimate of the activity"),
    "band_rel_error": ("1", "mean over seeds of network band mean / theory - 1"),
    "band_ci_low": ("1", "simultaneous (Bonferroni over bands) Student-t CI over seeds, lower end"),
    "band_ci_high": ("1", "simultaneous CI, upper end"),
}
PER_SEED = {"seed_rate": (RATE, "mean network rate of each seed"),
            "seed_max_abs_rel_error": ("1", "max over bands of |band ratio - 1| of each seed")}


def parse_list(text: str, *, name: str) -> list[float]:
    """'a,b,c' -> [a, b, c] (floats; ParameterError naming the option)."""
    try:
        vals = [float(x) for x in str(text).split(",") if x.strip()]
    except ValueError:
        raise ParameterError("--%s must be a comma list of numbers, got %r" % (name.replace("_", "-"), text)) from None
    if not vals:
        raise ParameterError("--%s is empty" % name.replace("_", "-"))
    return vals


def grid_specs(sweep: dict, *, fixed: dict, seeds: list[int], T: float, dt: float, bin_width: float, segment: float,
               transient: float = 20.0, threshold: float = THRESHOLD, confidence: float = CONFIDENCE,
               order: int = 1) -> list[dict]:
    """One spec per grid point (C order over the swept dimensions, in the order given); ``order=2`` compares with
    the linear theory plus the O(1/N^2) correction (the key is present only then, so order-1 parts keep their
    ids)."""
    names = list(sweep)
    specs = []
    for combo in itertools.product(*(sweep[n] for n in names)):
        params = dict(fixed)
        for n, v in zip(names, combo):
            params[SWEEPABLE[n]] = v
        specs.append({"params": params, "seeds": list(seeds), "T": T, "dt": dt, "bin_width": bin_width,
                      "segment": segment, "transient": transient, "threshold": threshold, "confidence": confidence,
                      **({"order": 2} if order == 2 else {})})
    return specs


def assemble(sweep: dict, results: list[dict], *, fixed: dict, seeds: list[int], settings: dict):
    """The xarray Dataset of a finished map (dims: the swept parameters, plus 'band' and 'seed')."""
    import xarray as xr

    names = list(sweep)
    shape = tuple(len(sweep[n]) for n in names)
    K = len(seeds)
    n = len(results)

    def arr(key, width=None, dtype=float, fill=math.nan):
        a = np.full((n,) if width is None else (n, width), fill, dtype=dtype)
        for i, r in enumerate(results):
            v = r.get(key)
            if v is None:
                continue
            if width is None:
                a[i] = v
            else:
                v = np.asarray(v, dtype=float)[:width]
                a[i, :v.size] = v
        return a.reshape(shape if width is None else shape + (width,))

    coords = {nm: (nm, np.asarray(sweep[nm], dtype=float),
                   {"model_parameter": SWEEPABLE[nm], "units": _units(SWEEPABLE[nm])}) for nm in names}
    coords["seed"] = ("seed", np.asarray(seeds, dtype=np.int32))
    coords["band"] = ("band", np.arange(MAX_BANDS, dtype=np.int32))
    ds = xr.Dataset(coords=coords)
    status = np.array([STATUSES.index(r.get("status", "missing")) if r else STATUSES.index("missing")
                       for r in results], dtype=np.int8).reshape(shape)
    ds["status"] = (names, status, {"flag_values": np.arange(len(STATUSES), dtype=np.int8),
                                    "flag_meanings": " ".join(STATUSES), "long_name": "status of the point"})
    verdict = np.array([VERDICTS.get(r.get("verdict"), -1) if r else -1 for r in results], dtype=np.int8)
    ds["verdict"] = (names, verdict.reshape(shape),
                     {"flag_values": np.array([1, 0, -1], dtype=np.int8), "flag_meanings": "holds fails undetermined",
                      "long_name": "linear theory within %g of the network in every band (simultaneous %g CI)"
                                   % (settings["threshold"], settings["confidence"])})
    ds["message"] = (names, np.array([str(r.get("message", "")) if r else "" for r in results],
                                     dtype=object).reshape(shape), {"long_name": "why a point is not 'ok'"})
    for k, (u, d) in SCALARS.items():
        ds[k] = (names, arr(k), {"units": u, "long_name": d})
    for k, (u, d) in BANDS.items():
        ds[k] = (names + ["band"], arr(k, MAX_BANDS), {"units": u, "long_name": d})
    for k, (u, d) in PER_SEED.items():
        ds[k] = (names + ["seed"], arr(k, K), {"units": u, "long_name": d})
    ds.attrs.update({
        "title": "shotnoise validity map: linear shot-noise theory vs finite-N QIF network",
        "conventions": CONVENTION, "Conventions": "CF-1.8",
        "shotnoise_version": package_version(), "swept": ",".join(names),
        "fixed_parameters": json.dumps(fixed), "seeds": np.asarray(seeds, dtype=np.int32),
        "settings": json.dumps(settings),
        "time_units": "membrane time constants tau = 1 unless tau is given; rates in spikes per unit of time",
        "spectra": "Welch (Hann, 50%% overlap) of the bin-averaged activity, %s" % CONVENTION,
        "definitions": (sys.modules[compute_point.__module__].__doc__ or "").strip(),
    })
    for k, v in settings.items():
        ds.attrs[k] = v
    return ds


def _units(param: str) -> str:
    return {"N": "neurons", "tau": "time", "J": "1 (J tau s enters tau dV/dt)"}.get(param, "1 (drive, V^2 units)")


def write_netcdf(ds, path) -> None:
    """Write atomically with xarray's scipy engine (netCDF3; strings as char arrays)."""
    from .writers import atomic_path

    with atomic_path(path) as tmp:
        ds.to_netcdf(tmp, engine="scipy")


def plot_map(ds, path, *, threshold: float = THRESHOLD) -> None:
    """Verdict in the plane (bifurcation distance, N): colour = worst band |relative error|, marker = verdict."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from .writers import atomic_path

    flat = ds.stack(point=[d for d in ds["status"].dims]) if ds["status"].ndim else ds.expand_dims(point=[0])
    N = _along(flat, "N", ds)
    dist = flat["bifurcation_distance"].values.astype(float)
    err = flat["max_abs_rel_error"].values.astype(float)
    status = flat["status"].values
    verdict = flat["verdict"].values
    J = _along(flat, "J", ds)
    fig, ax = plt.subplots(figsize=(7.6, 5.2))
    ok = status == 0
    d_ok = dist[ok & np.isfinite(dist)]
    xmin = (np.nanmin(d_ok) / 3) if d_ok.size else 1e-3
    marks = {1: ("o", "holds to %g%%" % (100 * threshold)), 0: ("X", "fails (CI outside +-%g%%)" % (100 * threshold)),
             -1: ("s", "undetermined (CI straddles %g%%)" % (100 * threshold))}
    sc = None
    for v, (mk, lab) in marks.items():
        sel = ok & (verdict == v)
        if np.any(sel):
            sc = ax.scatter(dist[sel], N[sel], c=np.clip(err[sel], 0, 0.5), cmap="viridis_r", vmin=0, vmax=0.5,
                            marker=mk, s=90, edgecolors="k", label=lab, zorder=3)
    bad = ~ok
    if np.any(bad):
        xb = np.where(np.isfinite(dist[bad]) & (dist[bad] > 0), dist[bad], xmin)
        ax.scatter(xb, N[bad], marker="v", c="lightgrey", edgecolors="r", s=70, zorder=2,
                   label="no stable fixed point / multistable / failed")
    for x, y, j, v in zip(dist, N, J, ok):
        if v and np.isfinite(x) and np.isfinite(j):
            ax.annotate("J=%g" % j, (x, y), textcoords="offset points", xytext=(5, 6), fontsize=7)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("distance to the nearest bifurcation  -max Re(lambda) / max |lambda|   (~ 1/(2Q))")
    ax.set_ylabel("N (neurons)")
    ax.set_title("Linear shot-noise theory vs network: worst band |relative error| (K=%d seeds, T=%g)"
                 % (ds.sizes["seed"], ds.attrs.get("T", math.nan)), fontsize=9)
    if sc is not None:
        cb = fig.colorbar(sc, ax=ax)
        cb.set_label("max over bands |network/theory - 1| (clipped at 0.5)")
    ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=2, frameon=False)
    ax.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    with atomic_path(path) as tmp:
        fig.savefig(tmp, dpi=110, format="png")
    plt.close(fig)


def _along(flat, name, ds):
    if name in flat.coords:
        return np.asarray(flat[name].values, dtype=float)
    fixed = json.loads(ds.attrs["fixed_parameters"])
    return np.full(flat.sizes["point"], float(fixed.get(SWEEPABLE.get(name, name), math.nan)))


def run_map(sweep: dict, *, fixed: dict | None = None, seeds: int | list[int] = 4, seed: int = 1, T: float = 2000.0,
            dt: float = 2e-3, bin_width: float = 0.02, segment: float = 50.0, transient: float = 20.0,
            out: str = "map.nc", figure: str | None = None, scheduler: str = "local", workers: int | None = None,
            retries: int = 2, retry_failed: bool = False, threshold: float = THRESHOLD,
            confidence: float = CONFIDENCE, point_fn=None, client=None, progress=None, order: int = 1) -> dict:
    """Compute (or resume) a validity map, write ``out`` (netCDF) and ``figure`` (PNG); returns a summary dict.

    ``sweep``: {dimension name (a key of SWEEPABLE): list of values}; ``fixed``: the other Model keywords
    (defaults: DEFAULTS).  ``seeds``: K (seeds seed .. seed + K - 1) or an explicit list.  ``point_fn``
    replaces :func:`map_point.compute_point` (tests).  Parts: ``<out>.parts/<point id>.json``.
    """
    from .map_engine import run_points

    if not sweep:
        raise ParameterError("give at least one parameter to sweep as a comma list (e.g. --J -4,-2,0,2)")
    for k in sweep:
        if k not in SWEEPABLE:
            raise ParameterError("cannot sweep %r (sweepable: %s)" % (k, ", ".join(SWEEPABLE)))
    seeds = list(range(int(seed), int(seed) + int(seeds))) if isinstance(seeds, (int, np.integer)) else list(seeds)
    if len(seeds) < 2:
        raise ParameterError("--seeds must be >= 2 (the confidence intervals are over seeds), got %d" % len(seeds))
    fx = dict(DEFAULTS)
    fx.update(fixed or {})
    for k in sweep:
        fx.pop(SWEEPABLE[k], None)
    settings = {"T": float(T), "dt": float(dt), "bin_width": float(bin_width), "segment": float(segment),
                "transient": float(transient), "threshold": float(threshold), "confidence": float(confidence)}
    if order not in (1, 2):
        raise ParameterError("--order must be 1 or 2, got %r" % (order,))
    if order == 2 and fx.get("heterogeneity", "lorentzian") != "lorentzian":
        raise ParameterError("--order 2: the second-order theory is derived for the Lorentzian MPR model; got "
                             "heterogeneity=%r" % fx.get("heterogeneity"))
    specs = grid_specs(sweep, fixed=fx, seeds=seeds, order=order, **settings)
    if order == 2:
        settings["order"] = 2
    out = pathlib.Path(out)
    parts = out.with_name(out.name + ".parts")
    run = run_points(specs, point_fn or compute_point, parts=parts, scheduler=scheduler, workers=workers,
                     retries=retries, retry_failed=retry_failed, progress=progress, client=client)
    ds = assemble(sweep, run["results"], fixed=fx, seeds=seeds, settings=settings)
    write_netcdf(ds, out)
    if figure:
        plot_map(ds, figure, threshold=threshold)
    res = run["results"]
    count = lambda f: sum(1 for r in res if f(r))
    return {"out": str(out), "figure": figure, "parts": str(parts), "points": len(specs),
            "computed": run["computed"], "skipped": run["skipped"], "workers": run["workers"],
            "wall_s": run["wall_s"],
            "status": {s: count(lambda r, s=s: r.get("status") == s) for s in STATUSES if
                       count(lambda r, s=s: r.get("status") == s)},
            "verdict": {v: count(lambda r, v=v: r.get("status") == "ok" and r.get("verdict") == v) for v in VERDICTS},
            "points_per_s": run["computed"] / run["wall_s"] if run["computed"] and run["wall_s"] > 0 else None}


# ----------------------------------------------------------------------------- CLI
def add_map_parser(subparsers) -> argparse.ArgumentParser:
    """Register ``shotnoise map`` on the CLI's subparsers."""
    p = subparsers.add_parser("map", help="validity map of the linear theory vs the network, on Dask")
    # comma lists of negative numbers (--J -4,-2,0,2) are values, not options
    p._negative_number_matcher = re.compile(r"^-(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?(,[-+.\deE]*)*$|^-(inf|nan)",
                                            re.IGNORECASE)
    g = p.add_argument_group("parameters: a number (fixed) or a comma list (swept; one dimension each)")
    g.add_argument("--J", help="coupling (default %g)" % DEFAULTS["J"])
    g.add_argument("--N", help="neurons (default %d)" % DEFAULTS["N"])
    g.add_argument("--eta-bar", dest="eta_bar", help="centre of the Lorentzian (default %g)" % DEFAULTS["eta_bar"])
    g.add_argument("--delta", help="half-width Delta (default %g)" % DEFAULTS["Delta"])
    g.add_argument("--I", help="external current (default 0)")
    g.add_argument("--tau", help="membrane time constant (default 1)")
    g.add_argument("--heterogeneity", choices=("lorentzian", "multipole", "gaussian", "uniform"),
                   default="lorentzian", help="family of the excitability distribution (fixed over the map)")
    g.add_argument("--poles", type=int, help="order n = 1..4 of the multipole family")
    s = p.add_argument_group("simulation")
    s.add_argument("--seeds", type=int, default=4, help="network realizations (random draws) per point, >= 2")
    s.add_argument("--seed", type=int, default=1, help="first seed (seeds seed .. seed+K-1, the same at every point)")
    s.add_argument("--T", type=float, default=2000.0, help="simulated time per realization after the transient")
    s.add_argument("--transient", type=float, default=20.0, help="initial time discarded from every realization")
    s.add_argument("--dt", type=float, default=2e-3, help="time step of the network")
    s.add_argument("--bin", dest="bin_width", type=float, default=0.02, help="bin width of the activity")
    s.add_argument("--segment", type=float, default=50.0, help="Welch segment length")
    s.add_argument("--threshold", type=float, default=THRESHOLD, help="accuracy asked of the theory (default 0.1)")
    s.add_argument("--confidence", type=float, default=CONFIDENCE, help="simultaneous confidence over bands")
    s.add_argument("--order", type=int, choices=(1, 2), default=1, help="2: compare with the linear theory plus "
                   "its O(1/N^2) correction (THEORY.md section 13; Lorentzian)")
    o = p.add_argument_group("execution and output")
    o.add_argument("--out", default="map.nc", help="netCDF output with parameters, seeds, package version, "
                   "conventions and units as attributes (read it back with shotnoise.numerics.load); finished "
                   "points stream to <out>.parts/")
    o.add_argument("--figure", help="PNG figure (verdict in the plane: bifurcation distance, N)")
    o.add_argument("--scheduler", default="local", help="'local' (a LocalCluster on this machine) or tcp://HOST:PORT")
    o.add_argument("--workers", type=int, help="local: worker processes (default all cores); tcp: wait for this many")
    o.add_argument("--retries", type=int, default=2, help="reschedules of a point whose worker died")
    o.add_argument("--retry-failed", action="store_true", help="recompute points recorded as failed")
    o.add_argument("--json", action="store_true", help="print the summary as JSON")
    o.add_argument("--quiet", action="store_true", help="no progress lines")
    p.set_defaults(func=cmd_map)
    return p


def cmd_map(a) -> int:
    """Handler of ``shotnoise map``: parse lists, check outputs, run, print the summary."""
    from .writers import check_output

    check_output(a.out, option="--out", extensions=(".nc",))
    if a.figure:
        check_output(a.figure, option="--figure", extensions=(".png",))
    sweep, fixed = {}, {}
    for name in SWEEPABLE:
        text = getattr(a, name)
        if text is None:
            continue
        vals = parse_list(text, name=name)
        if len(vals) > 1:
            sweep[name] = vals
        else:
            fixed[SWEEPABLE[name]] = vals[0]
    if a.heterogeneity != "lorentzian":
        fixed["heterogeneity"] = a.heterogeneity
    if a.poles is not None:
        fixed["poles"] = a.poles
    say = None
    if not (a.quiet or a.json):
        say = lambda pid, r: print("point %s: %s%s" % (pid[:8], r.get("status"), " (%s)" % r["verdict"]
                                                       if r.get("verdict") else ""), file=sys.stderr, flush=True)
    doc = run_map(sweep, fixed=fixed, seeds=a.seeds, seed=a.seed, T=a.T, dt=a.dt, bin_width=a.bin_width,
                  segment=a.segment, transient=a.transient, out=a.out, figure=a.figure, scheduler=a.scheduler,
                  workers=a.workers, retries=a.retries, retry_failed=a.retry_failed, threshold=a.threshold,
                  confidence=a.confidence, progress=say, order=a.order)
    if a.json:
        print(json.dumps(doc, indent=2))
    else:
        for k, v in doc.items():
            print("%-14s %s" % (k, v))
    return 0
