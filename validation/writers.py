"""Output files of the command-line tool: checked before any work, written atomically.

Every output path is checked up front (:func:`check_output`: right extension, an existing
writable directory, not a directory itself) so that bad paths fail before a long run, and
every file is written to a temporary name in the same directory and renamed into place
(:func:`atomic_path`), so that a failure never leaves a partial file.
"""
from __future__ import annotations

import contextlib
import os
import pathlib
import tempfile

import numpy as np

from shotnoise.theory.errors import ParameterError


def check_output(path: str | None, *, option: str, extensions: tuple[str, ...]) -> pathlib.Path | None:
    """Validate an output path given with ``option``; None passes through."""
    if path is None:
        return None
    p = pathlib.Path(path)
    if not p.name.endswith(extensions):
        raise ParameterError("%s must end in %s, got %r" % (option, " or ".join(extensions), path))
    if p.is_dir():
        raise ParameterError("%s %r is a directory" % (option, path))
    parent = p.parent if str(p.parent) else pathlib.Path(".")
    if not parent.is_dir():
        raise ParameterError("%s: directory %r does not exist" % (option, str(parent)))
    if not os.access(parent, os.W_OK):
        raise ParameterError("%s: directory %r is not writable" % (option, str(parent)))
    return p


@contextlib.contextmanager
def atomic_path(path: str | pathlib.Path):
    """Yield a temporary path next to ``path``; rename it onto ``path`` only if the block succeeds."""
    p = pathlib.Path(path)
    fd, tmp = tempfile.mkstemp(prefix=".%s." % p.name, suffix=p.suffix, dir=p.parent if str(p.parent) else ".")
    os.close(fd)
    try:
        yield tmp
        os.replace(tmp, p)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def write_csv(path, *, columns: dict) -> None:
    """CSV with a header line of the column names (all columns the same length)."""
    names = list(columns)
    data = np.column_stack([np.asarray(columns[k], dtype=float) for k in names])
    with atomic_path(path) as tmp:
        np.savetxt(tmp, data, delimiter=",", header=",".join(names), comments="")


def write_npz(path, *, arrays: dict) -> None:
    """numpy .npz archive of the named arrays."""
    with atomic_path(path) as tmp:
        with open(tmp, "wb") as fh:
            np.savez(fh, **arrays)


def write_table(path, *, columns: dict) -> None:
    """CSV for a .csv path, else .npz."""
    if str(path).endswith(".csv"):
        write_csv(path, columns=columns)
    else:
        write_npz(path, arrays=columns)
