"""The validity map on a real two-worker LocalCluster: file layout, resumability, failing points, the CLI."""
from __future__ import annotations

import math
import os
import sys
import warnings

import numpy as np
import pytest

cloudpickle = pytest.importorskip("cloudpickle")
distributed = pytest.importorskip("distributed")
xr = pytest.importorskip("xarray")

from shotnoise.validation import map_point, validity_map  # noqa: E402
from shotnoise.validation.map_point import compute_point, saddle_node_distances  # noqa: E402
from shotnoise.validation.validity_map import add_map_parser, run_map  # noqa: E402

# the test's own point function must reach the workers by value (they may not import this test module)
cloudpickle.register_pickle_by_value(sys.modules[__name__])

TINY = dict(T=60.0, dt=4e-3, bin_width=0.04, segment=20.0, transient=5.0)


def failing_at_J0(spec):
    """compute_point, except that the point J = 0 raises (an unexpected error inside a task)."""
    if spec["params"].get("J") == 0.0:
        raise RuntimeError("deliberate failure at J=0")
    return compute_point(spec)


def dying_at_J1(spec):
    """compute_point, except that the worker process running the point J = 1 dies (os._exit)."""
    if spec["params"].get("J") == 1.0:
        os._exit(1)
    return compute_point(spec)


@pytest.fixture(scope="module")
def client():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from shotnoise.validation.map_engine import dask_client

        with dask_client("local", workers=2, retries=1) as c:
            yield c


def test_map_on_two_workers_resumes_and_records_failures(tmp_path, client):
    assert len(client.scheduler_info()["workers"]) == 2
    out = tmp_path / "map.nc"
    sweep = {"J": [-2.0, 0.0, 1.0], "N": [60.0, 120.0]}
    doc = run_map(sweep, seeds=2, out=str(out), figure=str(tmp_path / "map.png"), client=client,
                  point_fn=failing_at_J0, **TINY)
    assert doc["points"] == 6 and doc["computed"] == 6
    assert doc["status"] == {"ok": 4, "failed": 2}, doc["status"]
    assert (tmp_path / "map.png").stat().st_size > 1000
    assert len(list((tmp_path / "map.nc.parts").glob("*.json"))) == 6
    ds = xr.open_dataset(out, engine="scipy")
    assert dict(ds.sizes) == {"J": 3, "N": 2, "seed": 2, "band": map_point.MAX_BANDS}
    assert ds["max_abs_rel_error"].dims == ("J", "N")
    for key in ("shotnoise_version", "conventions", "fixed_parameters", "seeds", "T", "dt", "bin_width", "segment"):
        assert key in ds.attrs, key
    assert ds.attrs["conventions"] == "two-sided, angular frequency"
    assert ds["band_lo"].attrs["units"] == "rad/tau"
    status = ds["status"].attrs["flag_meanings"].split()
    failed = ds["status"].sel(J=0.0).values
    assert [status[s] for s in failed] == ["failed", "failed"]
    assert "deliberate failure" in str(ds["message"].sel(J=0.0, N=60.0).values)
    ok = ds["status"].sel(J=-2.0).values
    assert [status[s] for s in ok] == ["ok", "ok"]
    assert np.all(np.isfinite(ds["max_abs_rel_error"].sel(J=-2.0).values))
    assert np.all(np.isfinite(ds["bifurcation_distance"].sel(J=1.0).values))
    ds.close()
    # resumable: the same map again computes nothing (failed points are recorded, not retried by default)
    again = run_map(sweep, seeds=2, out=str(out), client=client, point_fn=failing_at_J0, **TINY)
    assert again["computed"] == 0 and again["skipped"] == 6
    # a grown map computes only the new points; --retry-failed recomputes the failed ones
    grown = run_map({"J": [-2.0, 0.0, 1.0], "N": [60.0, 120.0, 30.0]}, seeds=2, out=str(out), client=client,
                    point_fn=failing_at_J0, **TINY)
    assert grown["computed"] == 3
    retry = run_map(sweep, seeds=2, out=str(out), client=client, retry_failed=True, **TINY)
    assert retry["computed"] == 2 and retry["status"] == {"ok": 6}


def test_a_worker_that_dies_loses_only_its_point(tmp_path, client):
    doc = run_map({"J": [-2.0, 1.0, -1.0]}, fixed={"N": 60}, seeds=2, out=str(tmp_path / "d.nc"), client=client,
                  point_fn=dying_at_J1, **TINY)
    assert doc["status"] == {"ok": 2, "failed": 1}, doc["status"]
    ds = xr.open_dataset(tmp_path / "d.nc", engine="scipy")
    assert "KilledWorker" in str(ds["message"].sel(J=1.0).values)
    ds.close()
    client.wait_for_workers(2, timeout=60)  # the nanny restarted it


def test_unstable_and_multistable_points_are_recorded(tmp_path, client):
    # eta_bar=-5, Delta=1: J=15 is bistable (3 fixed points), J=-1 is a stable single point
    doc = run_map({"J": [-1.0, 15.0]}, fixed={"eta_bar": -5.0, "Delta": 1.0, "N": 50}, seeds=2,
                  out=str(tmp_path / "m.nc"), client=client, **TINY)
    assert doc["status"] == {"ok": 1, "multistable": 1}
    ds = xr.open_dataset(tmp_path / "m.nc", engine="scipy")
    assert ds["n_fixed_points"].sel(J=15.0) == 3
    assert math.isfinite(float(ds["sn_distance_J"].sel(J=15.0)))
    ds.close()


def test_cli_parses_comma_lists_of_negative_numbers(tmp_path):
    import argparse

    from shotnoise.validation.cli import _Parser

    ap = _Parser(prog="shotnoise")
    add_map_parser(ap.add_subparsers(dest="command"))
    a = ap.parse_args(["map", "--J", "-4,-2,0,2", "--N", "100,400", "--eta-bar", "-1", "--seeds", "3",
                       "--out", str(tmp_path / "x.nc"), "--scheduler", "tcp://127.0.0.1:8786"])
    assert a.J == "-4,-2,0,2" and a.N == "100,400" and a.eta_bar == "-1" and a.func is validity_map.cmd_map
    assert isinstance(a, argparse.Namespace)
    assert validity_map.parse_list(a.J, name="J") == [-4.0, -2.0, 0.0, 2.0]


def test_saddle_node_distances_match_the_sympy_curve():
    from shotnoise.theory.mpr_analysis import saddle_node_curve
    import sympy as sp

    eta_sn, J_sn = saddle_node_curve()
    syms = {s.name: s for s in eta_sn.free_symbols | J_sn.free_symbols}
    f_eta = sp.lambdify([syms["r"], syms["Delta"], syms["tau"]], eta_sn)
    f_J = sp.lambdify([syms["r"], syms["Delta"], syms["tau"]], J_sn)
    for r, Delta, tau in [(0.3, 1.0, 1.0), (1.1, 0.5, 2.0), (0.05, 0.02, 0.7)]:
        e, J = f_eta(r, Delta, tau), f_J(r, Delta, tau)
        d = saddle_node_distances(eta_bar=e, Delta=Delta, J=J, tau=tau)
        assert d["sn_distance_J"] < 1e-9 and d["sn_distance_eta"] < 1e-7
        # off the curve by 10 % in J: relative distance 0.1 to this branch (or less to the other one)
        assert saddle_node_distances(eta_bar=e, Delta=Delta, J=1.1 * J, tau=tau)["sn_distance_J"] <= 0.1 + 1e-9
    # eta_bar + I above the cusp (-sqrt(3) Delta): no saddle-node along J
    assert saddle_node_distances(eta_bar=1.0, Delta=0.05, J=-3.0)["sn_distance_J"] == math.inf


def test_bifurcation_distance_definition():
    assert map_point.bifurcation_distance([-1 + 0j, -1 + 0j]) == pytest.approx(1.0)
    g, w = 0.01, 2.0
    Q = w / (2 * g)
    assert map_point.bifurcation_distance([-g + 1j * w, -g - 1j * w]) == pytest.approx(1 / math.sqrt(1 + 4 * Q**2))
    assert map_point.bifurcation_distance([-1e-6, -3.0]) == pytest.approx(1e-6 / 3)


def test_cli_handler_sends_the_map_to_an_existing_cluster(tmp_path, client, capsys):
    """`shotnoise map ... --scheduler tcp://...`: the handler connects to the running cluster."""
    from shotnoise.validation.cli import _Parser

    ap = _Parser(prog="shotnoise")
    add_map_parser(ap.add_subparsers(dest="command"))
    out = tmp_path / "cli.nc"
    a = ap.parse_args(["map", "--J", "-2,-1", "--N", "60", "--seeds", "2", "--T", "60", "--dt", "4e-3", "--bin", "0.04",
                       "--segment", "20", "--transient", "5", "--out", str(out), "--figure", str(tmp_path / "c.png"),
                       "--scheduler", client.scheduler.address, "--workers", "2", "--json"])
    assert a.func(a) == 0
    doc = __import__("json").loads(capsys.readouterr().out)
    assert doc["computed"] == 2 and doc["status"] == {"ok": 2} and doc["workers"] == 2
    ds = xr.open_dataset(out, engine="scipy")
    assert ds["status"].dims == ("J",) and ds.attrs["swept"] == "J"
    ds.close()
