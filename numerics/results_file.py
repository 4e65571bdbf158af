"""Self-describing result files: one format for every file the package writes, and :func:`load` to read them back.

Every result file carries, with its data, the parameters of the run (including T, dt, transient, segment, bin
width, seed, draw or noise and scheme where they apply), the package version, the conventions (two-sided
spectra in angular frequency, :data:`shotnoise.numerics.conventions.CONVENTION`; time in units of the membrane
time constant tau, ``theory/THEORY.md`` section 10 "Conventions") and the units of every array.  The format:

* ``.npz`` (numpy archive): the named arrays plus one entry :data:`HEADER_KEY` holding the metadata as a JSON
  text (a 0-d unicode array: ``numpy.load(path)`` reads it without pickles, ``json.loads(str(f[HEADER_KEY]))``).
* ``.csv`` (equal-length 1-D columns of real numbers only, float or integer: what :func:`load` reads back; complex,
  string or bool arrays go to ``.npz``): a first line ``# shotnoise-results {JSON}``, then the comma-separated
  column names, then the rows (``numpy.loadtxt(path, delimiter=",", skiprows=2)``; ``pandas.read_csv(path,
  comment="#")``).
* ``.nc`` (read only): the validity map of ``shotnoise map --out map.nc`` (xarray's netCDF3, written by
  ``validation/validity_map.py``), whose global attributes carry the same information; its variables become
  arrays with their ``units`` attributes.

The metadata is strict JSON (:func:`strict_json`: NaN and inf are refused, naming the entry); the package's
writers take the unit of every array from one table, :mod:`shotnoise.numerics.units`.

:func:`save` writes atomically (a temporary file in the same directory renamed into place), so a failure never
leaves a partial file.  :func:`load` reads any of the three into a :class:`Results`; a file that is not one of
them (or is damaged) is a :class:`~shotnoise.theory.errors.ParameterError` naming the path.
"""
from __future__ import annotations

import contextlib
import datetime
import io
import json
import os
import pathlib
import tempfile
import zipfile
from dataclasses import dataclass, field

import numpy as np

from shotnoise.theory.errors import ParameterError
from shotnoise.theory.version import package_version

from . import units
from .conventions import CONVENTION

#: name of the format (first word of the CSV header line, "format" entry of the metadata)
FORMAT = "shotnoise-results"
#: version of the metadata layout (raised when keys change meaning)
FORMAT_VERSION = 1
#: the npz entry holding the JSON metadata
HEADER_KEY = "__shotnoise_metadata__"
#: file types :func:`save` writes and :func:`load` reads
SAVE_EXTENSIONS = (".npz", ".csv")
LOAD_EXTENSIONS = (".npz", ".csv", ".nc")
#: units of time and frequency (THEORY.md section 10: time and tau share one unit, omega in rad per unit time)
TIME_UNITS = "time in units of the membrane time constant tau (tau = 1 unless given)"
#: the conventions block written into every file (units from the one table, :mod:`shotnoise.numerics.units`)
CONVENTIONS = {"spectra": CONVENTION, "spectrum_definition": "S(omega) = int C(t) exp(-i omega t) dt, variance = "
               "int S d omega / (2 pi)", "time": TIME_UNITS, "frequency": "omega in radians per unit time (%s)"
               % units.ANGULAR_FREQUENCY, "rates": "spikes per neuron per unit time (%s)" % units.RATE,
               "units": units.UNITS_NOTE}
#: keys every metadata block carries (filled by :func:`metadata`)
REQUIRED_KEYS = ("format", "format_version", "kind", "shotnoise_version", "conventions", "parameters", "seed",
                 "units")


def _jsonable(x):
    """JSON-ready copy: numpy scalars and arrays to Python, tuples to lists, paths to strings."""
    if isinstance(x, dict):
        return {str(k): _jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_jsonable(v) for v in x]
    if isinstance(x, np.ndarray):
        return _jsonable(x.tolist())
    if isinstance(x, np.generic):
        return x.item()
    if isinstance(x, os.PathLike):
        return os.fspath(x)
    return x


def metadata(*, kind: str, parameters: dict, seed, units: dict, descriptions: dict | None = None,
             command: list | str | None = None, notes: dict | None = None) -> dict:
    """The metadata block of a result file.

    Parameters
    ----------
    kind : str
        What wrote the file, e.g. ``"simulate network"``.
    parameters : dict
        Everything needed to reproduce the data: model parameters and the run's settings (T, dt, transient,
        segment, bin_width, draw / noise / scheme, ...).
    seed : int or list of int or None
        Seed(s) of the random numbers (None for a deterministic computation).
    units : dict
        Units of every array, ``{name: text}`` (every array saved must be listed).
    descriptions : dict, optional
        What each array holds, ``{name: text}``.
    command : list of str or str, optional
        The command line (or library call) that produced the file.
    notes : dict, optional
        Further explanations (e.g. how an observable is defined).

    Returns
    -------
    dict
        JSON-ready; carries ``format``, ``format_version``, ``kind``, ``shotnoise_version``, ``created`` (UTC,
        ISO 8601), ``conventions`` (:data:`CONVENTIONS`: two-sided, angular frequency, time in units of tau),
        ``parameters``, ``seed``, ``units``, ``descriptions``, ``command``, ``notes``.
    """
    return _jsonable({"format": FORMAT, "format_version": FORMAT_VERSION, "kind": str(kind),
                      "shotnoise_version": package_version(),
                      "created": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
                      "conventions": dict(CONVENTIONS), "parameters": dict(parameters), "seed": seed,
                      "units": dict(units), "descriptions": dict(descriptions or {}), "command": command,
                      "notes": dict(notes or {})})


@dataclass(frozen=True)
class Results:
    """The contents of a result file.

    Attributes
    ----------
    path : str
        The file read.
    format : str
        'npz', 'csv' or 'netcdf'.
    arrays : dict
        name -> numpy array (CSV: the columns; netCDF: data variables and coordinates).
    metadata : dict
        parameters, seed, package version, conventions (two-sided, angular frequency, time in units of tau),
        units per array, descriptions, command, notes (netCDF: the same keys built from the global attributes,
        the raw attributes under ``"attributes"``).
    """

    path: str
    format: str
    arrays: dict = field(repr=False)
    metadata: dict = field(repr=False)

    def __getitem__(self, name: str) -> np.ndarray:
        try:
            return self.arrays[name]
        except KeyError:
            raise KeyError("%s has no array %r (arrays: %s)" % (self.path, name, ", ".join(self.arrays))) from None

    def keys(self) -> list:
        """The names of the arrays (``res[name]`` reads one; ``res.units[name]``, ``res.metadata["descriptions"]``
        say what it is)."""
        return list(self.arrays)

    def __contains__(self, name: str) -> bool:
        return name in self.arrays

    def __iter__(self):
        return iter(self.arrays)

    @property
    def parameters(self) -> dict:
        """The run's parameters (model and settings)."""
        return self.metadata.get("parameters", {})

    @property
    def units(self) -> dict:
        """Units of every array."""
        return self.metadata.get("units", {})

    def to_dict(self, *, data: bool = True) -> dict:
        """JSON-ready: path, format, metadata and the arrays (as nested lists, complex ones as ``{"re", "im"}``;
        with ``data=False`` only shape, dtype and units per array)."""
        arrays = {}
        for k, a in self.arrays.items():
            if data and a.dtype.kind == "c":
                arrays[k] = {"re": _jsonable(a.real), "im": _jsonable(a.imag)}
            elif data:
                arrays[k] = _jsonable(a)
            else:
                arrays[k] = {"shape": list(a.shape), "dtype": str(a.dtype), "units": self.units.get(k)}
        return {"path": self.path, "format": self.format, "metadata": self.metadata, "arrays": arrays}


# ----------------------------------------------------------------------------- writing
def _suffix(p: pathlib.Path) -> str:
    """The extension of ``p``, lower case (also for names like '.npz', which pathlib sees as a stem)."""
    return p.suffix.lower() or (p.name.lower() if p.name.startswith(".") else "")


def _check(arrays: dict, meta: dict, *, csv: bool) -> tuple[dict, dict]:
    if not isinstance(meta, dict):
        raise ParameterError("metadata must be a dict (see shotnoise.numerics.results_file.metadata)")
    missing = [k for k in REQUIRED_KEYS if k not in meta]
    if missing:
        raise ParameterError("metadata lacks %s (build it with shotnoise.numerics.results_file.metadata)"
                             % ", ".join(missing))
    if not arrays:
        raise ParameterError("arrays must name at least one array")
    out = {}
    for k, v in arrays.items():
        if not isinstance(k, str) or not k or k == HEADER_KEY or "," in k:
            raise ParameterError("array names must be non-empty strings without ',' (and not %r), got %r"
                                 % (HEADER_KEY, k))
        out[k] = np.asarray(v)
        if out[k].dtype == object:
            raise ParameterError("array %r has dtype object (not storable without pickles)" % k)
    no_units = [k for k in out if k not in meta["units"]]
    if no_units:
        raise ParameterError("metadata['units'] lacks the units of %s" % ", ".join(no_units))
    if csv:
        n = {a.shape for a in out.values()}
        if any(a.ndim != 1 for a in out.values()) or len(n) != 1:
            raise ParameterError("a CSV file holds equal-length 1-D columns; got shapes %s (use .npz)"
                                 % ", ".join("%s%s" % (k, a.shape) for k, a in out.items()))
    if csv:
        bad = {k: a.dtype for k, a in out.items() if a.dtype.kind not in "fiu"}
        if bad:
            raise ParameterError("a CSV column must be real numbers (float or integer dtype) to be read back; %s "
                                 "(use .npz)" % ", ".join("column %r has dtype %s" % kv for kv in bad.items()))
    meta = _jsonable(meta)
    strict_json(meta)
    return out, meta


def _nonfinite_key(x, where: str = "metadata") -> str | None:
    """The first place in ``x`` holding NaN or +-inf, as ``metadata['parameters']['T']`` (None if there is none)."""
    if isinstance(x, float) and not np.isfinite(x):
        return where
    if isinstance(x, dict):
        items = x.items()
    elif isinstance(x, (list, tuple)):
        items = enumerate(x)
    else:
        return None
    for k, v in items:
        found = _nonfinite_key(v, "%s[%r]" % (where, k))
        if found:
            return found
    return None


def strict_json(meta: dict, *, indent: int | None = None) -> str:
    """``meta`` as strict JSON (no NaN or Infinity, which JSON does not have): a ParameterError names the entry
    that is not representable (``metadata['parameters']['T']``).  Every metadata block goes through here."""
    try:
        return json.dumps(meta, allow_nan=False, indent=indent)
    except ValueError as e:
        where = _nonfinite_key(meta)
        if where is not None:
            raise ParameterError("%s is not finite (NaN or inf cannot be written as JSON metadata; give None or a "
                                 "finite number)" % where) from None
        raise ParameterError("metadata is not JSON-serialisable: %s" % e) from None
    except TypeError as e:
        raise ParameterError("metadata is not JSON-serialisable: %s" % e) from None


def _write_npz(fh, arrays: dict, meta: dict) -> None:
    np.savez(fh, **arrays, **{HEADER_KEY: np.array(strict_json(meta))})


def _write_csv(fh, arrays: dict, meta: dict) -> None:
    names = list(arrays)
    data = np.column_stack([arrays[k] for k in names])
    text = io.StringIO()
    np.savetxt(text, data, delimiter=",", header=",".join(names), comments="",
               fmt="%.18e" if data.dtype.kind == "f" else "%d")
    fh.write(("# %s %s\n" % (FORMAT, strict_json(meta))).encode())
    fh.write(text.getvalue().encode())


@contextlib.contextmanager
def atomic_path(path: str | pathlib.Path):
    """Yield a temporary path next to ``path``; rename it onto ``path`` only if the block succeeds.

    An operating-system error while writing (no space, a read-only or special file system) is a
    ParameterError naming the file; the temporary file is always removed.  Every file output of the package
    goes through here (``validation.writers`` re-exports it), so a failure never leaves a partial file.
    """
    path = pathlib.Path(path)
    try:
        fd, tmp = tempfile.mkstemp(prefix=".%s." % path.name, suffix=_suffix(path),
                                   dir=path.parent if str(path.parent) else ".")
    except OSError as e:
        raise ParameterError("cannot write %s: %s" % (path, e.strerror or e)) from None
    os.close(fd)
    try:
        try:
            yield tmp
            os.replace(tmp, path)
        except OSError as e:
            raise ParameterError("cannot write %s: %s" % (path, e.strerror or e)) from None
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def save(path, *, arrays: dict, metadata: dict, atomic: bool = True) -> pathlib.Path:
    """Write ``arrays`` with their ``metadata`` to ``path`` (.npz, or .csv for equal-length 1-D columns).

    Parameters
    ----------
    path : str or path-like
        The file; its extension chooses the layout (see the module docstring).  Overwritten if it exists.
    arrays : dict
        name -> array (.npz: numeric, bool or string, no objects; .csv: real float or integer columns only, so
        that :func:`load` reads them back -- anything else is a ParameterError naming the column).
    metadata : dict
        The block built by :func:`metadata` (must carry :data:`REQUIRED_KEYS`, with the units of every array).
    atomic : bool
        Write to a temporary file in the same directory and rename it onto ``path`` (default).  ``False`` writes
        ``path`` directly, for a caller that already writes into a temporary name it renames itself.

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    ParameterError
        Before anything is written: a bad extension, missing metadata keys or units, an object array, a CSV column
        that is not real numbers, or metadata that is not strict JSON (NaN or inf: the error names the entry).
    """
    p = pathlib.Path(path)
    if not p.name.lower().endswith(SAVE_EXTENSIONS):
        raise ParameterError("a result file must end in %s, got %r" % (" or ".join(SAVE_EXTENSIONS), str(path)))
    csv = p.name.lower().endswith(".csv")
    arrays, meta = _check(arrays, metadata, csv=csv)
    writer = _write_csv if csv else _write_npz
    if not atomic:
        try:
            with open(p, "wb") as fh:
                writer(fh, arrays, meta)
        except OSError as e:
            raise ParameterError("cannot write %s: %s" % (p, e.strerror or e)) from None
        return p
    with atomic_path(p) as tmp:
        with open(tmp, "wb") as fh:
            writer(fh, arrays, meta)
    return p


# ----------------------------------------------------------------------------- reading
def _bad(path, why: str) -> ParameterError:
    return ParameterError("%s is not a readable shotnoise result file (.npz or .csv with a %s header, or a "
                          "validity-map .nc): %s" % (path, FORMAT, why))


def _header(meta, path) -> dict:
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise _bad(path, "the metadata does not say format=%r" % FORMAT)
    if not isinstance(meta.get("format_version"), int) or meta["format_version"] > FORMAT_VERSION:
        raise _bad(path, "format_version %r is newer than this shotnoise reads (%d)"
                   % (meta.get("format_version"), FORMAT_VERSION))
    return meta


def _load_npz(p: pathlib.Path) -> Results:
    try:
        with np.load(p, allow_pickle=False) as f:
            if HEADER_KEY not in f.files:
                raise _bad(p, "no %s entry (written by another program or an older shotnoise; numpy.load reads "
                           "its arrays)" % HEADER_KEY)
            meta = _header(json.loads(str(f[HEADER_KEY])), p)
            arrays = {k: f[k] for k in f.files if k != HEADER_KEY}
    except ParameterError:
        raise
    except (OSError, ValueError, zipfile.BadZipFile, EOFError, KeyError) as e:
        raise _bad(p, "%s: %s" % (type(e).__name__, e)) from None
    return Results(path=str(p), format="npz", arrays=arrays, metadata=meta)


def _load_csv(p: pathlib.Path) -> Results:
    try:
        with open(p, encoding="utf-8") as fh:
            first = fh.readline()
            names_line = fh.readline()
            prefix = "# %s " % FORMAT
            if not first.startswith(prefix):
                raise _bad(p, "the first line is not '# %s {JSON}'" % FORMAT)
            meta = _header(json.loads(first[len(prefix):]), p)
            names = names_line.strip().split(",")
            data = np.loadtxt(fh, delimiter=",", ndmin=2, comments=None)
    except ParameterError:
        raise
    except (OSError, ValueError, UnicodeDecodeError) as e:
        raise _bad(p, "%s: %s" % (type(e).__name__, e)) from None
    if data.size == 0:
        data = np.zeros((0, len(names)))
    if not names or not all(names) or data.shape[1] != len(names):
        raise _bad(p, "%d column names for %d columns" % (len(names), data.shape[1]))
    return Results(path=str(p), format="csv", arrays={n: data[:, i].copy() for i, n in enumerate(names)},
                   metadata=meta)


def _decode(v):
    """A netCDF attribute as Python: JSON texts decoded, numpy values to lists/scalars."""
    if isinstance(v, str):
        with contextlib.suppress(ValueError):
            if v[:1] in "{[":
                return json.loads(v)
        return v
    return _jsonable(v)


def _load_netcdf(p: pathlib.Path) -> Results:
    try:
        import xarray as xr
    except ImportError:  # pragma: no cover - xarray is a dependency
        raise ParameterError("%s: reading netCDF needs xarray (pip install xarray)" % p) from None
    try:
        with xr.open_dataset(p, engine="scipy") as ds:
            ds = ds.load()
    except Exception as e:  # noqa: BLE001 - every failure of the reader means "not a readable netCDF"
        raise _bad(p, "%s: %s" % (type(e).__name__, e)) from None
    attrs = {k: _decode(v) for k, v in ds.attrs.items()}
    if "shotnoise_version" not in attrs:
        raise _bad(p, "a netCDF file without the shotnoise_version attribute (not written by shotnoise map)")
    arrays, units, descriptions = {}, {}, {}
    for name in list(ds.coords) + list(ds.data_vars):
        v = ds[name]
        values = np.asarray(v.values)
        arrays[str(name)] = values.astype(str) if values.dtype == object else values
        if "units" in v.attrs:
            units[str(name)] = str(v.attrs["units"])
        if "long_name" in v.attrs:
            descriptions[str(name)] = str(v.attrs["long_name"])
        if "flag_meanings" in v.attrs:
            descriptions[str(name)] = "%s (flags: %s)" % (descriptions.get(str(name), name), v.attrs["flag_meanings"])
    settings = attrs.get("settings") if isinstance(attrs.get("settings"), dict) else {}
    fixed = attrs.get("fixed_parameters") if isinstance(attrs.get("fixed_parameters"), dict) else {}
    conv = attrs.get("conventions")
    meta = {"format": "netcdf", "format_version": None, "kind": "map",
            "shotnoise_version": attrs.get("shotnoise_version"),
            "conventions": dict(CONVENTIONS, spectra=conv) if isinstance(conv, str) else CONVENTIONS,
            "parameters": dict(fixed, **settings, swept=str(attrs.get("swept", "")).split(",")),
            "seed": attrs.get("seeds"), "units": units, "descriptions": descriptions, "command": None,
            "notes": {k: attrs[k] for k in ("title", "time_units", "spectra", "definitions") if k in attrs},
            "attributes": attrs}
    return Results(path=str(p), format="netcdf", arrays=arrays, metadata=_jsonable(meta))


def load(path) -> Results:
    """Read a result file written by shotnoise: .npz or .csv (:func:`save`) or a validity map .nc.

    Parameters
    ----------
    path : str or path-like
        A file written by ``shotnoise simulate ... --out/--save``, ``spectrum --csv``, ``map --out`` (or by
        :func:`save`).

    Returns
    -------
    Results
        ``.arrays`` (name -> numpy array) and ``.metadata`` (parameters, seed, package version, conventions --
        two-sided spectra in angular frequency, time in units of tau -- and units per array).

    Raises
    ------
    ParameterError
        Naming ``path``: missing, not one of these formats, or damaged.
    """
    p = pathlib.Path(path)
    if not p.is_file():
        raise ParameterError("%s: no such file" % p)
    name = p.name.lower()
    if name.endswith(".npz"):
        return _load_npz(p)
    if name.endswith(".csv"):
        return _load_csv(p)
    if name.endswith(".nc"):
        return _load_netcdf(p)
    raise ParameterError("%s: a result file ends in %s" % (p, ", ".join(LOAD_EXTENSIONS)))

