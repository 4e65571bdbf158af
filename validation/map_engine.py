"""Run independent points on Dask, streaming each result to disk as it finishes (resumable).

:func:`run_points` submits one task per point (a worker that dies loses only its point: the scheduler
reschedules it up to ``retries`` times, then it is recorded as failed) and writes every finished result
as ``<parts>/<point id>.json`` (atomically, from the client) the moment it arrives.  The point id is a hash of
the point's full spec (parameters, seeds, settings), so a rerun with the same output skips exactly the
points already computed with the same settings, and a change of settings never reuses a stale result.

Schedulers: ``'local'`` starts a ``distributed.LocalCluster`` on this machine (``workers`` processes, default
all cores, one thread each); ``'tcp://HOST:PORT'`` connects a ``Client`` to an existing cluster.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import math
import os
import pathlib
import tempfile
import time

from shotnoise.theory.errors import ParameterError


def point_id(spec: dict) -> str:
    """A stable id of a point spec (sha1 of its canonical JSON, 20 hex digits)."""
    return hashlib.sha1(json.dumps(spec, sort_keys=True, default=float).encode()).hexdigest()[:20]


def _clean(x):
    """JSON-safe: numpy scalars to Python, non-finite floats as strings ('inf', '-inf', 'nan')."""
    if isinstance(x, dict):
        return {k: _clean(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_clean(v) for v in x]
    if hasattr(x, "item") and not isinstance(x, (str, bytes)):
        x = x.item()
    if isinstance(x, float) and not math.isfinite(x):
        return repr(x)
    return x


def write_part(parts: pathlib.Path, pid: str, spec: dict, result: dict) -> pathlib.Path:
    """Write one finished point atomically as ``parts/pid.json``."""
    p = parts / ("%s.json" % pid)
    fd, tmp = tempfile.mkstemp(prefix=".%s." % pid, suffix=".tmp", dir=parts)
    with os.fdopen(fd, "w") as f:
        json.dump({"id": pid, "spec": _clean(spec), "result": _clean(result)}, f)
    os.replace(tmp, p)
    return p


def read_part(path: pathlib.Path) -> dict | None:
    """A part's result (floats restored), or None if the file is unreadable (then the point is recomputed)."""
    try:
        doc = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    fix = lambda v: float(v) if v in ("inf", "-inf", "nan") else ([fix(u) for u in v] if isinstance(v, list) else v)
    return {k: fix(v) for k, v in doc["result"].items()}


@contextlib.contextmanager
def dask_client(scheduler: str = "local", *, workers: int | None = None, retries: int = 2):
    """A ``distributed.Client``: a new LocalCluster (processes, 1 thread each) or a connection to ``tcp://...``."""
    import dask
    from distributed import Client, LocalCluster

    if scheduler == "local":
        n = workers or os.cpu_count() or 1
        # worker-saturation 1.0: a worker holds only the point it computes, so a worker that dies takes no other
        # point with it (each death counts against every task assigned to that worker)
        with dask.config.set({"distributed.scheduler.allowed-failures": int(retries),
                              "distributed.scheduler.worker-saturation": 1.0}):
            with LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=":0",
                              silence_logs=logging.ERROR) as cluster, Client(cluster) as client:
                yield client
    elif scheduler.startswith("tcp://"):
        with Client(scheduler, timeout="30s") as client:
            if workers:
                client.wait_for_workers(int(workers), timeout=60)
            yield client
    else:
        raise ParameterError("--scheduler must be 'local' or tcp://HOST:PORT, got %r" % scheduler)


def run_points(specs: list[dict], fn, *, parts: str | os.PathLike, scheduler: str = "local",
               workers: int | None = None, retries: int = 2, retry_failed: bool = False, progress=None,
               client=None) -> dict:
    """Compute ``fn(spec)`` for every spec not yet in ``parts`` and stream the results there.

    Returns {"results": [result per spec, in order], "computed": n, "skipped": n, "wall_s": s,
    "workers": n}.  ``fn`` must return a dict with a 'status'; an exception in ``fn`` or a worker that dies
    (KilledWorker after ``retries`` reschedules) is recorded as status 'failed'.  With ``retry_failed``,
    points recorded as failed are computed again.  ``client``: use this Client instead of starting one.
    """
    parts = pathlib.Path(parts)
    parts.mkdir(parents=True, exist_ok=True)
    ids = [point_id(s) for s in specs]
    results: dict = {}
    for pid in set(ids):
        r = read_part(parts / ("%s.json" % pid)) if (parts / ("%s.json" % pid)).exists() else None
        if r is not None and not (retry_failed and r.get("status") == "failed"):
            results[pid] = r
    todo = {pid: s for pid, s in zip(ids, specs) if pid not in results}
    t0 = time.perf_counter()
    n_workers = 0
    if todo:
        cm = contextlib.nullcontext(client) if client is not None else dask_client(scheduler, workers=workers,
                                                                                     retries=retries)
        with cm as c:
            from distributed import as_completed

            n_workers = len(c.scheduler_info().get("workers", {}))
            futs = {c.submit(fn, s, key="shotnoise-point-%s" % pid, pure=False, retries=retries): pid
                    for pid, s in todo.items()}
            for fut in as_completed(list(futs)):
                pid = futs[fut]
                try:
                    res = fut.result()
                except Exception as e:  # noqa: BLE001 - the point failed (KilledWorker: its worker died)
                    res = {"status": "failed", "message": "%s: %s" % (type(e).__name__, str(e)[:300])}
                write_part(parts, pid, todo[pid], res)
                results[pid] = read_part(parts / ("%s.json" % pid))
                fut.release()
                if progress:
                    progress(pid, res)
    return {"results": [results[pid] for pid in ids], "ids": ids, "computed": len(todo),
            "skipped": len(specs) - len(todo), "wall_s": time.perf_counter() - t0, "workers": n_workers}
