"""The self-describing result files (numerics/results_file.py): exact round trips, the header layouts, atomic
writes, and a ParameterError naming the path for every file that is not one."""
from __future__ import annotations

import json
import os
import zipfile

import numpy as np
import pytest

from shotnoise.numerics import load
from shotnoise.numerics import results_file as rf
from shotnoise.numerics.conventions import CONVENTION
from shotnoise.theory.errors import ParameterError


def _meta(**kw):
    base = dict(kind="test", parameters={"T": 12.5, "dt": 1e-3, "transient": 2.0, "segment": 5.0, "bin_width": 0.02,
                                         "noise": "colored"}, seed=7, units={"x": "time", "y": "1/time", "z": "1"})
    base.update(kw)
    return rf.metadata(**base)


ARRAYS = {"x": np.linspace(0.0, 1.0, 11), "y": np.exp(-np.arange(11.0)) * 1e-300, "z": np.arange(11.0) / 3}


@pytest.mark.parametrize("ext", [".npz", ".csv"])
def test_round_trip_is_exact(tmp_path, ext):
    path = tmp_path / ("r" + ext)
    meta = _meta(descriptions={"x": "time"}, command=["shotnoise", "x"], notes={"n": "a note"})
    assert rf.save(path, arrays=ARRAYS, metadata=meta) == path
    res = load(path)
    assert res.format == ext[1:] and res.path == str(path) and set(res.arrays) == set(ARRAYS)
    for k, a in ARRAYS.items():
        assert np.array_equal(res[k], a), k  # %.18e text and npz are both exact for doubles
    m = res.metadata
    assert m == json.loads(json.dumps(meta))
    assert m["conventions"]["spectra"] == CONVENTION and m["seed"] == 7 and m["parameters"]["segment"] == 5.0
    assert m["shotnoise_version"] == rf.package_version() and res.units["y"] == "1/time"
    d = res.to_dict()
    assert json.loads(json.dumps(d))["arrays"]["x"] == ARRAYS["x"].tolist()
    assert res.to_dict(data=False)["arrays"]["z"] == {"shape": [11], "dtype": "float64", "units": "1"}
    assert list(tmp_path.iterdir()) == [path]  # no temporary file left


def test_npz_holds_nd_complex_and_scalar_arrays_without_pickles(tmp_path):
    path = tmp_path / "r.npz"
    z = (np.arange(6.0) + 1j * np.arange(6.0)[::-1]).reshape(2, 3)
    rf.save(path, arrays={"Z": z, "b": np.array(0.02)}, metadata=_meta(units={"Z": "1", "b": "time"}))
    with np.load(path, allow_pickle=False) as f:  # readable by plain numpy, header included
        assert json.loads(str(f[rf.HEADER_KEY]))["format"] == rf.FORMAT
    res = load(path)
    assert np.array_equal(res["Z"], z) and res["b"].shape == () and float(res["b"]) == 0.02
    assert res.to_dict()["arrays"]["Z"] == {"re": z.real.tolist(), "im": z.imag.tolist()}


def test_csv_layout_is_readable_by_plain_tools(tmp_path):
    path = tmp_path / "r.csv"
    rf.save(path, arrays=ARRAYS, metadata=_meta())
    lines = path.read_text().splitlines()
    assert lines[0].startswith("# %s {" % rf.FORMAT) and lines[1] == "x,y,z" and len(lines) == 13
    assert np.array_equal(np.loadtxt(path, delimiter=",", skiprows=2), np.column_stack(list(ARRAYS.values())))


@pytest.mark.parametrize("arrays,meta,needle", [
    ({"x": np.ones(3)}, {"kind": "x"}, "lacks"),                                 # not built by metadata()
    ({"x": np.ones(3), "w": np.ones(3)}, None, "units of w"),                    # an array without units
    ({}, None, "at least one"),
    ({"x": np.array([object()])}, None, "object"),
    ({rf.HEADER_KEY: np.ones(1)}, None, "array names"),
])
def test_save_refuses_files_that_would_not_describe_themselves(tmp_path, arrays, meta, needle):
    path = tmp_path / "r.npz"
    with pytest.raises(ParameterError, match=needle):
        rf.save(path, arrays=arrays, metadata=meta if meta is not None else _meta(units={"x": "1"}))
    assert not path.exists() and list(tmp_path.iterdir()) == []


def test_csv_needs_equal_length_columns_and_a_known_extension(tmp_path):
    with pytest.raises(ParameterError, match="1-D columns"):
        rf.save(tmp_path / "r.csv", arrays={"x": np.ones(3), "y": np.ones(4)}, metadata=_meta(units={"x": "1",
                                                                                                   "y": "1"}))
    with pytest.raises(ParameterError, match="must end in"):
        rf.save(tmp_path / "r.txt", arrays=ARRAYS, metadata=_meta())
    assert list(tmp_path.iterdir()) == []


def test_a_failed_write_keeps_the_old_file(tmp_path, monkeypatch):
    path = tmp_path / "r.npz"
    rf.save(path, arrays=ARRAYS, metadata=_meta())
    before = path.read_bytes()

    def broken(fh, arrays, meta):
        fh.write(b"partial")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(rf, "_write_npz", broken)
    with pytest.raises(ParameterError, match="cannot write .*No space left"):
        rf.save(path, arrays=ARRAYS, metadata=_meta())
    assert path.read_bytes() == before and list(tmp_path.iterdir()) == [path]


def _write(path, data: bytes):
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("name,make", [
    ("missing.npz", None),
    ("plain.npz", lambda p: np.savez(p, x=np.ones(2))),                           # numpy file without the header
    ("trunc.npz", "truncate"),
    ("garbage.npz", lambda p: _write(p, b"not a zip")),
    ("nohead.csv", lambda p: _write(p, b"x,y\n1,2\n")),
    ("badjson.csv", lambda p: _write(p, b"# shotnoise-results {not json\nx\n1\n")),
    ("ragged.csv", "ragged"),
    ("future.csv", "future"),
    ("other.nc", lambda p: _write(p, b"CDF\x01garbage")),
    ("file.txt", lambda p: _write(p, b"hello")),
])
def test_unknown_or_damaged_files_are_parameter_errors_naming_the_path(tmp_path, name, make):
    p = tmp_path / name
    if make == "truncate":
        rf.save(p, arrays=ARRAYS, metadata=_meta())
        p.write_bytes(p.read_bytes()[:200])
    elif make == "ragged":
        rf.save(p, arrays=ARRAYS, metadata=_meta())
        p.write_text(p.read_text() + "1,2\n")
    elif make == "future":
        rf.save(p, arrays=ARRAYS, metadata=dict(_meta(), format_version=rf.FORMAT_VERSION + 1))
    elif make is not None:
        make(p)
    with pytest.raises(ParameterError) as e:
        load(p)
    assert str(p) in str(e.value)


def test_npz_with_a_foreign_header_is_refused(tmp_path):
    p = tmp_path / "x.npz"
    np.savez(p, **{"x": np.ones(2), rf.HEADER_KEY: np.array(json.dumps({"format": "other"}))})
    with pytest.raises(ParameterError, match="format"):
        load(p)
    assert zipfile.is_zipfile(p) and os.path.getsize(p) > 0


def test_load_is_a_lazy_public_name():
    import shotnoise.numerics as sn

    assert "load" in dir(sn) and sn.load is rf.load and sn.Results is rf.Results


@pytest.mark.parametrize("column,values,dtype", [
    ("c", np.arange(3.0) + 2j, "complex128"),          # was written as '(0+2j)', which load could not parse
    ("s", np.array(["a", "b", "c"]), "<U1"),            # was written with %s, unreadable
    ("b", np.array([True, False, True]), "bool"),       # came back as floats
])
def test_csv_refuses_columns_load_could_not_read_back(tmp_path, column, values, dtype):
    path = tmp_path / "r.csv"
    with pytest.raises(ParameterError, match="column %r has dtype %s" % (column, dtype)):
        rf.save(path, arrays={"x": np.ones(3), column: values}, metadata=_meta(units={"x": "1", column: "1"}))
    assert list(tmp_path.iterdir()) == []
    rf.save(tmp_path / "r.npz", arrays={column: values}, metadata=_meta(units={column: "1"}))  # npz keeps them
    assert np.array_equal(load(tmp_path / "r.npz")[column], values)


def test_csv_integer_columns_round_trip_exactly(tmp_path):
    path = tmp_path / "r.csv"
    ints = {"i": np.array([-3, 0, 2 ** 52], dtype=np.int64), "u": np.array([0, 7, 9], dtype=np.uint32)}
    rf.save(path, arrays=ints, metadata=_meta(units={"i": "1", "u": "1"}))
    assert path.read_text().splitlines()[2] == "-3,0"
    res = load(path)
    for k, a in ints.items():  # below 2^53 every integer is a double exactly
        assert np.array_equal(res[k], a.astype(float)), k


@pytest.mark.parametrize("ext", [".npz", ".csv"])
@pytest.mark.parametrize("bad,where", [
    (float("nan"), "metadata['parameters']['T']"),
    (float("inf"), "metadata['parameters']['T']"),
    (np.float64(-np.inf), "metadata['parameters']['T']"),
])
def test_non_finite_metadata_is_refused_naming_the_entry(tmp_path, ext, bad, where):
    meta = _meta(parameters={"T": bad})
    with pytest.raises(ParameterError) as e:
        rf.save(tmp_path / ("r" + ext), arrays=ARRAYS, metadata=meta)
    assert where in str(e.value) and "not finite" in str(e.value)
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(ParameterError, match=r"metadata\['a'\]\[1\] is not finite"):
        rf.strict_json({"a": [1.0, float("inf")]})
    nested = _meta(notes={"check": {"bands": [1.0, float("nan")]}})
    with pytest.raises(ParameterError, match=r"metadata\['notes'\]\['check'\]\['bands'\]\[1\]"):
        rf.save(tmp_path / ("r" + ext), arrays=ARRAYS, metadata=nested)


def test_every_metadata_header_is_strict_json(tmp_path):
    """The header of both layouts parses with a JSON reader that refuses NaN/Infinity (as JavaScript's does)."""
    def strict(text):
        return json.loads(text, parse_constant=lambda c: pytest.fail("non-JSON constant %s in the header" % c))

    rf.save(tmp_path / "r.npz", arrays=ARRAYS, metadata=_meta())
    rf.save(tmp_path / "r.csv", arrays=ARRAYS, metadata=_meta())
    with np.load(tmp_path / "r.npz", allow_pickle=False) as f:
        assert strict(str(f[rf.HEADER_KEY]))["format"] == rf.FORMAT
    first = (tmp_path / "r.csv").read_text().splitlines()[0]
    assert strict(first[len("# %s " % rf.FORMAT):])["format"] == rf.FORMAT


def test_package_version_has_one_implementation():
    """One lookup (theory/version.py, no sympy); every writer and the CLI use it."""
    import pathlib

    from shotnoise.theory import version
    from shotnoise.validation import cli, validity_map

    assert rf.package_version is version.package_version and validity_map.package_version is version.package_version
    from shotnoise.theory import export
    assert export.package_version is version.package_version
    assert cli.version() == version.package_version()
    root = pathlib.Path(version.__file__).resolve().parents[1]
    users = [p for p in root.rglob("*.py") if "importlib.metadata" in p.read_text() and p.name != "version.py"
             and "tests" not in p.parts and "build" not in p.parts]
    assert users == [], users
