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
    _probe(parent, option=option)
    return p


def _probe(directory: pathlib.Path, *, option: str) -> None:
    """Create and remove a temporary file in ``directory`` (permission bits do not stop root; this does)."""
    try:
        with tempfile.TemporaryFile(dir=directory):
            pass
    except OSError as e:
        raise ParameterError("%s: cannot write into directory %r: %s" % (option, str(directory), e.strerror or e)) \
            from None


def _suffix(p: pathlib.Path) -> str:
    """The extension of ``p`` (also for names like '.png', which pathlib sees as a stem)."""
    return p.suffix or (p.name if p.name.startswith(".") else "")


@contextlib.contextmanager
def atomic_path(path: str | pathlib.Path):
    """Yield a temporary path next to ``path``; rename it onto ``path`` only if the block succeeds.

    An operating-system error while writing (no space, a read-only or special file system) is a
    ParameterError naming the file; the temporary file is always removed.
    """
    p = pathlib.Path(path)
    try:
        fd, tmp = tempfile.mkstemp(prefix=".%s." % p.name, suffix=_suffix(p), dir=p.parent if str(p.parent) else ".")
    except OSError as e:
        raise ParameterError("cannot write %s: %s" % (p, e.strerror or e)) from None
    os.close(fd)
    try:
        try:
            yield tmp
            os.replace(tmp, p)
        except OSError as e:
            raise ParameterError("cannot write %s: %s" % (p, e.strerror or e)) from None
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _existing_ancestor(p: pathlib.Path) -> pathlib.Path:
    q = p
    while not q.exists():
        if q.parent == q:
            break
        q = q.parent
    return q


def check_output_dir(path: str | None, *, option: str) -> pathlib.Path | None:
    """Validate an output directory without creating it: it (or its nearest existing ancestor) must be a
    writable directory (probed with a temporary file)."""
    if path is None:
        return None
    if not str(path).strip():
        raise ParameterError("%s must name a directory, got an empty string" % option)
    p = pathlib.Path(path)
    if p.exists() and not p.is_dir():
        raise ParameterError("%s %r exists and is not a directory" % (option, str(path)))
    base = _existing_ancestor(p.absolute())
    if not base.is_dir():
        raise ParameterError("%s %r: %r is not a directory" % (option, str(path), str(base)))
    _probe(base, option=option)
    return p


def write_csv(path, *, columns: dict, atomic: bool = True) -> None:
    """CSV with a header line of the column names (all columns the same length); written atomically
    unless ``atomic=False`` (for a temporary path that :func:`atomic_path` renames itself)."""
    names = list(columns)
    data = np.column_stack([np.asarray(columns[k], dtype=float) for k in names])
    if not atomic:
        np.savetxt(path, data, delimiter=",", header=",".join(names), comments="")
        return
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


@contextlib.contextmanager
def atomic_directory(path: str | pathlib.Path, *, option: str):
    """Yield a temporary directory; on success create ``path`` (if missing) and move every file written
    into the temporary directory there (files of the same name are replaced).  On failure nothing
    reaches ``path`` and nothing is created."""
    import shutil

    p = check_output_dir(path, option=option)
    tmp = tempfile.mkdtemp(prefix=".shotnoise-", dir=_existing_ancestor(p.absolute()))
    try:
        yield pathlib.Path(tmp)
        p.mkdir(parents=True, exist_ok=True)
        for f in sorted(pathlib.Path(tmp).iterdir()):
            os.replace(f, p / f.name)
    except OSError as e:
        raise ParameterError("%s: cannot write into %r: %s" % (option, str(path), e.strerror or e)) from None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
