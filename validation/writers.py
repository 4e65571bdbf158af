"""Output files of the command-line tool: checked before any work, written atomically.

Every output path is checked up front (:func:`check_output`: right extension, an existing
writable directory, not a directory itself) so that bad paths fail before a long run, and
every file is written to a temporary name in the same directory and renamed into place
(:func:`atomic_path`), so that a failure never leaves a partial file.  Data files are self-describing
(:mod:`shotnoise.numerics.results_file`: parameters, seed, package version, conventions and units with the data;
``shotnoise.numerics.load`` reads them back); :func:`command_metadata` builds their metadata for a CLI command.
"""
from __future__ import annotations

import contextlib
import os
import pathlib
import tempfile

from shotnoise.numerics.results_file import atomic_path  # noqa: F401 (one atomic writer for every output)
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


def write_csv(path, *, columns: dict, metadata: dict, atomic: bool = True) -> None:
    """Self-describing CSV (:func:`shotnoise.numerics.results_file.save`): a first line ``# shotnoise-results
    {JSON metadata}``, a line of the column names, the rows; written atomically unless ``atomic=False`` (for a
    temporary path that :func:`atomic_path` renames itself)."""
    from shotnoise.numerics.results_file import save

    save(path, arrays=columns, metadata=metadata, atomic=atomic)


def write_npz(path, *, arrays: dict, metadata: dict) -> None:
    """Self-describing .npz archive of the named arrays with the JSON metadata entry (results_file.save)."""
    from shotnoise.numerics.results_file import save

    save(path, arrays=arrays, metadata=metadata)


def write_table(path, *, columns: dict, metadata: dict) -> None:
    """CSV for a .csv path, else .npz (both self-describing; results_file.save)."""
    if str(path).endswith(".csv"):
        write_csv(path, columns=columns, metadata=metadata)
    else:
        write_npz(path, arrays=columns, metadata=metadata)


def command_metadata(a, *, kind: str, parameters: dict, seed, units: dict, descriptions: dict | None = None,
                     notes: dict | None = None) -> dict:
    """The metadata block of a file written by a CLI command (:func:`shotnoise.numerics.results_file.metadata`):
    ``command`` is the command line (``["shotnoise", *argv]`` when ``cli.main`` recorded ``a.argv``, else
    ``"shotnoise <kind>"``) and ``notes["options"]`` every parsed option."""
    from shotnoise.numerics.results_file import metadata

    argv = getattr(a, "argv", None)
    options = {k: (v if v is None or isinstance(v, (bool, int, float, str)) else str(v))
               for k, v in sorted(vars(a).items()) if k not in ("func", "argv")}
    return metadata(kind=kind, parameters=parameters, seed=seed, units=units, descriptions=descriptions,
                    command=["shotnoise", *argv] if argv is not None else "shotnoise %s" % kind,
                    notes=dict(notes or {}, options=options))


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
