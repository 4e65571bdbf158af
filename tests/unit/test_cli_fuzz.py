"""Fuzz test of the command-line contract: hypothesis drives ``main(argv)`` in-process.

Contract (README, ``validation/cli.py``): bad input exits 2 with one line ``shotnoise: error: ...``
on stderr, nothing on stdout and nothing written; argparse usage errors also exit 2 (argparse's
``usage: ... error: ...`` text); valid input exits 0; any other exception is a bug and propagates
out of ``main`` -- here it fails the test with the argv attached (``add_note``), keeping the
exception's type and origin so that hypothesis reports distinct bugs separately.

Strategies, one test per subcommand (``PLAN`` below): a *valid* option set is drawn first (small,
cheap values: network N <= 200, T <= 5, dt >= 1e-3; stochastic mass T <= 20, dt >= 1e-3; mass
T <= 5; spectrum <= 400 points), then 0-3 corruptions are applied: an invalid value (nan, inf,
-inf, 0, -0, negatives, 1e308, 1e309, 1e12, 1e-300, "abc", "", "0x10", floats where integers go
and vice versa, seeds out of range, --poles outside 1..4), a dropped option, a duplicated option or
a junk option.  Model options include the family (``--heterogeneity`` lorentzian | multipole |
gaussian | uniform, on the network also the legacy quantile | random), ``--poles`` (with multipole,
and sometimes where it does not belong) and on the network ``--sampling`` (sometimes contradicting a
legacy value).
Paths: existing writable directory (absolute and relative to a fresh cwd), wrong or missing
extension, missing directory, a path under a regular FILE, a read-only directory (chmod 0o555;
the suite runs as root, where that does not prevent writing, so /proc/... is used as the
unwritable target instead when chmod is ineffective), an existing directory, an existing file;
``--model-file`` pointing to a good file (Lorentzian or multipole), bad JSON, unknown keys, wrong
types, NaN, a list, non-UTF-8 bytes, an empty file, a directory, a missing file, a bad family or
bad poles (missing, out of range, a string, a float, a bool, poles with a Lorentzian).  ``validate`` runs only with an
unknown ``--only`` label (or ``--list`` when it exists), ``bench`` and ``demo`` only with
invalid arguments, so no real check, benchmark or demo runs.

Per example: a fresh temporary directory (``tempfile``) which is also the cwd; exit status in
{0, 2}; no "Traceback" on stdout or stderr; on 2 stdout is empty, stderr is one
"shotnoise: error:" line (or argparse's usage text ending in its error line) and the
temporary tree is unchanged (no file created, changed or left behind); on 0 ``--json`` output
is strict JSON (no NaN/Infinity), tables contain no nan/inf, every requested output file exists
and nothing else was written, ``simulate mass`` ends at t = T and ``simulate network --M`` keeps
the M that was asked for.  Each example runs under a 20 s alarm and an address-space limit of
the current size + 8 GB (so a run that "fits" only by overcommitting the machine shows as
MemoryError instead of swapping it); an example slower than ``SOFT_DEADLINE_S`` fails.

Size: 760 generated examples (fixed-points 150, spectrum 150, simulate mass 120, simulate network
70, simulate stochastic-mass 90, derive 20, validate 50, bench 25, demo 25, garbage argv 60),
derandomized, plus 65 explicit regression examples (``EXPLICIT``: the cases of issues 9 and 10 and
what the fuzzing found) run first; each test asserts that it tried at least 90 % of its budget plus
its explicit examples and prints the count and the exit statuses seen (``pytest -s``).  Runtime
about 35-45 s on 2 cores when the CLI passes (each example uses a fresh directory).
"""
from __future__ import annotations

import contextlib
import dataclasses
import io
import json
import math
import os
import pathlib
import re
import resource
import shutil
import signal
import stat
import tempfile
import threading
import time

from hypothesis import HealthCheck, currently_in_test_context, example, given, note, settings
from hypothesis import strategies as st

from shotnoise.validation.cli import build_parser, main

TMP = "@TMP@"                      # placeholder for the per-example temporary directory
SOFT_DEADLINE_S = 12.0             # an example slower than this fails (work done before a rejection)
HARD_TIMEOUT_S = 20                # SIGALRM: a hanging example is interrupted (between bytecodes)
MEMORY_MARGIN = 8 << 30            # address-space allowance on top of the current size
COUNT: dict[str, int] = {}         # examples tried per test (module-level counter)
EXITS: dict[str, dict] = {}        # per test: exit status -> examples (printed with the count)


# ----------------------------------------------------------------------------- environment
def _chmod_effective() -> bool:
    """Does chmod 0o555 make a directory unwritable for us (False for root)?"""
    with tempfile.TemporaryDirectory() as d:
        ro = pathlib.Path(d, "ro")
        ro.mkdir()
        ro.chmod(0o555)
        try:
            (ro / "probe").write_text("x")
        except OSError:
            return True
        finally:
            ro.chmod(0o755)
        return False


RO_EFFECTIVE = _chmod_effective()


def _has_option(command: str, option: str) -> bool:
    """Whether the subcommand ``command`` of the parser has ``option`` (e.g. validate --list)."""
    try:
        sub = build_parser()._subparsers._group_actions[0].choices[command]
        return option in sub._option_string_actions
    except Exception:  # pragma: no cover - parser layout changed
        return False


HAS_VALIDATE_LIST = _has_option("validate", "--list")

GOOD_MODEL = {"populations": {"pop": {"N": 100, "eta_bar": 1.0, "Delta": 0.05, "tau": 1.0, "tau_s": 0.0,
                                      "heterogeneity": "lorentzian"}},
              "coupling": {"pop": {"pop": -3.0}}, "input": {"pop": 0.0}}
#: model files written into every example's directory: name -> bytes
MODEL_FILES = {
    "good.json": json.dumps(GOOD_MODEL).encode(),
    "flat.json": json.dumps({"eta_bar": 1.0, "Delta": 0.05, "J": -3.0, "N": 100}).encode(),
    "badjson.json": b"{not json",
    "empty.json": b"",
    "binary.json": b"\xff\xfe\x00\x81{",
    "unknown-top.json": json.dumps(dict(GOOD_MODEL, bogus=1)).encode(),
    "unknown-pop.json": json.dumps({"populations": {"pop": {"eta_bar": 1, "Delta": 0.05, "colour": "red"}}}).encode(),
    "unknown-flat.json": json.dumps({"eta_bar": 1.0, "Delta": 0.05, "J": -3.0, "spin": 2}).encode(),
    "list.json": b"[1, 2, 3]",
    "null.json": b"null",
    "pop-not-dict.json": json.dumps({"populations": {"pop": 5}}).encode(),
    "pops-list.json": json.dumps({"populations": [1, 2]}).encode(),
    "coupling-not-dict.json": json.dumps({"populations": {"pop": {"eta_bar": 1, "Delta": 0.05}}, "coupling": 7}).encode(),
    "coupling-row-not-dict.json": json.dumps({"populations": {"pop": {"eta_bar": 1, "Delta": 0.05}},
                                              "coupling": {"pop": 3}}).encode(),
    "input-not-dict.json": json.dumps({"populations": {"pop": {"eta_bar": 1, "Delta": 0.05}}, "input": [1]}).encode(),
    "string-values.json": json.dumps({"populations": {"pop": {"eta_bar": "abc", "Delta": "0.05"}}}).encode(),
    "bool-values.json": json.dumps({"eta_bar": True, "Delta": True, "J": False}).encode(),
    "null-values.json": json.dumps({"eta_bar": None, "Delta": 0.05, "J": -3.0}).encode(),
    "nan-values.json": b'{"eta_bar": NaN, "Delta": 0.05, "J": Infinity}',
    "huge-values.json": b'{"eta_bar": 1e999, "Delta": 1e-400, "J": -3}',
    "nested-values.json": json.dumps({"eta_bar": [1], "Delta": {"x": 1}, "J": -3.0}).encode(),
    "two-pops.json": json.dumps({"populations": {"a": {"eta_bar": 1, "Delta": 0.05},
                                                 "b": {"eta_bar": 1, "Delta": 0.05}}}).encode(),
    "tau_s.json": json.dumps({"populations": {"pop": {"eta_bar": 1, "Delta": 0.05, "tau_s": "x"}}}).encode(),
    "bad-het.json": json.dumps({"eta_bar": 1.0, "Delta": 0.05, "J": -3.0, "heterogeneity": "cauchy?"}).encode(),
    "bad-N.json": json.dumps({"eta_bar": 1.0, "Delta": 0.05, "J": -3.0, "N": "many"}).encode(),
    "multipole.json": json.dumps({"populations": {"pop": dict(GOOD_MODEL["populations"]["pop"],
                                                              heterogeneity="multipole", poles=2)},
                                  "coupling": {"pop": {"pop": -3.0}}}).encode(),
    "multipole-no-poles.json": json.dumps({"populations": {"pop": {"eta_bar": 1, "Delta": 0.05,
                                                                   "heterogeneity": "multipole"}}}).encode(),
    "poles-out-of-range.json": json.dumps({"eta_bar": 1.0, "Delta": 0.05, "J": -3.0, "heterogeneity": "multipole",
                                           "poles": 9}).encode(),
    "poles-string.json": json.dumps({"populations": {"pop": {"eta_bar": 1, "Delta": 0.05,
                                                             "heterogeneity": "multipole", "poles": "two"}}}).encode(),
    "poles-float.json": json.dumps({"eta_bar": 1.0, "Delta": 0.05, "J": -3.0, "heterogeneity": "multipole",
                                    "poles": 2.5}).encode(),
    "poles-bool.json": json.dumps({"eta_bar": 1.0, "Delta": 0.05, "J": -3.0, "heterogeneity": "multipole",
                                   "poles": True}).encode(),
    "poles-lorentzian.json": json.dumps({"populations": {"pop": {"eta_bar": 1, "Delta": 0.05, "poles": 2}}}).encode(),
    "het-number.json": json.dumps({"eta_bar": 1.0, "Delta": 0.05, "J": -3.0, "heterogeneity": 3}).encode(),
    "het-legacy.json": json.dumps({"eta_bar": 1.0, "Delta": 0.05, "J": -3.0, "heterogeneity": "random"}).encode(),
}
GOOD_MODEL_FILES = ["good.json", "flat.json", "multipole.json"]
BAD_MODEL_PATHS = ([TMP + "/" + k for k in MODEL_FILES if k not in GOOD_MODEL_FILES]
                   + [TMP + "/missing.json", TMP + "/adir.json", TMP + "/afile.txt/m.json", TMP, "", "/proc"])


def _setup(root: pathlib.Path) -> None:
    """The fixed layout of every example's directory (created before the snapshot)."""
    (root / "out").mkdir()
    (root / "cwd").mkdir()
    (root / "afile.txt").write_text("a regular file\n")
    for ext in (".csv", ".npz", ".png", ".json"):
        (root / ("adir" + ext)).mkdir()
        (root / "out" / ("existing" + ext)).write_text("old\n")
    for name, data in MODEL_FILES.items():
        (root / name).write_bytes(data)
    if RO_EFFECTIVE:
        (root / "ro").mkdir()
        (root / "ro").chmod(0o555)


def _snapshot(root: pathlib.Path) -> dict:
    """Every path under root with its type, size and content hash (small files only)."""
    snap = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            p = os.path.join(dirpath, name)
            st_ = os.lstat(p)
            if stat.S_ISDIR(st_.st_mode):
                snap[p] = ("dir",)
            else:
                with open(p, "rb") as fh:
                    snap[p] = ("file", st_.st_size, st_.st_mtime_ns, hash(fh.read(1 << 16)))
    return snap


# ----------------------------------------------------------------------------- values
BAD_FLOATS = ["nan", "NaN", "inf", "-inf", "Infinity", "-Infinity", "0", "-0", "0.0", "-1", "-2.5", "-1e12",
              "1e308", "-1e308", "1e309", "1e12", "1e-300", "-1e-300", "abc", "", " ", "1,2", "0x10", "1e",
              "None", "true", "1/2", "--"]
#: extreme but finite model parameters (range limits, tiny Delta, huge |eta|): cost does not depend on them
MODEL_EXTREMES = ["1e-14", "1e-7", "1e99", "1e100", "1e101", "-1e100", "-1e101", "1e-100", "1e-101", "1e50",
                  "1e-50", "1e-51", "5e-324", "1.7976931348623157e308"]
BAD_INTS = ["0", "-1", "1.5", "2.0", "1e3", "abc", "", "nan", "inf", "1000000000000", "18446744073709551616",
            "-18446744073709551617", "0x10"]
BAD_CHOICES = ["bogus", "", "LOW", "all ", "--json"]
#: --poles values the CLI must reject (the multi-pole order is an integer in 1..4)
BAD_POLES = ["0", "5", "-1", "2.5", "2.0", "1e1", "abc", "", " ", "nan", "inf", "18446744073709551616", "0x2"]
#: families the fuzz draws (gaussian, uniform: any-g theory, numerics.general_response)
FAMILIES = ["lorentzian", "multipole", "gaussian", "uniform"]
JUNK = [["--bogus"], ["--json=1"], ["-x"], ["extra"], ["--"], ["--help-me"], ["--T"], ["--eta"]]


def _fmt(x: float, style: int) -> str:
    if style == 0:
        return repr(float(x))
    if style == 1:
        return "%g" % x
    if style == 2:
        return "%.3e" % x
    return str(int(round(x))) if abs(x) < 1e15 else repr(float(x))   # an integer where a float goes


def num(lo: float, hi: float, *, log: bool = False) -> st.SearchStrategy[str]:
    """A valid number in [lo, hi] as text in one of several spellings."""
    if log:
        base = st.floats(math.log10(lo), math.log10(hi)).map(lambda e: 10.0 ** e)
    else:
        base = st.floats(lo, hi, allow_nan=False, allow_infinity=False)
    return st.builds(_fmt, base, st.integers(0, 3))


def integer(lo: int, hi: int) -> st.SearchStrategy[str]:
    return st.integers(lo, hi).map(str)


@dataclasses.dataclass
class Opt:
    """One option of a case: flag, value (None for a switch), kind of value (for corruption)."""
    flag: str
    value: str | None
    kind: str                       # float | int | choice | path:<exts> | dir | model | switch | omega | only
    eq: bool = False                # spell as --flag=value

    def argv(self) -> list[str]:
        if self.value is None:
            return [self.flag]
        return [self.flag + "=" + self.value] if self.eq else [self.flag, self.value]


def bad_paths(exts: tuple[str, ...]) -> list[str]:
    """Invalid output paths for an option taking files ending in exts."""
    bad = [TMP + "/out/f.txt", TMP + "/out/f", TMP + "/out/f" + exts[0].upper(), TMP + "/out/" + exts[0],
           TMP + "/missing/sub/f" + exts[0], "missing/f" + exts[0], TMP + "/afile.txt/f" + exts[0],
           "/proc/shotnoise-fuzz" + exts[0], TMP + "/adir" + exts[0], "", TMP + "/out/"]
    if RO_EFFECTIVE:
        bad.append(TMP + "/ro/f" + exts[0])
    return bad


def out_path(exts: tuple[str, ...]) -> st.SearchStrategy[str]:
    """An output path template: mostly valid (new or existing file, absolute or relative), some invalid."""
    good = st.builds(lambda i, e, rel: (("f%d" % i) if rel else TMP + "/out/f%d" % i) + e,
                     st.integers(0, 3), st.sampled_from(exts), st.booleans())
    existing = st.sampled_from(exts).map(lambda e: TMP + "/out/existing" + e)
    bad = st.sampled_from(bad_paths(exts))
    return st.one_of(good, good, existing, bad)


def bad_value(kind: str) -> st.SearchStrategy[str]:
    if kind == "float":
        return st.sampled_from(BAD_FLOATS)
    if kind == "mfloat":
        return st.sampled_from(BAD_FLOATS + MODEL_EXTREMES * 2)
    if kind == "int":
        return st.sampled_from(BAD_INTS)
    if kind == "choice":
        return st.sampled_from(BAD_CHOICES)
    if kind == "poles":
        return st.sampled_from(BAD_POLES)
    if kind.startswith("path:"):
        return st.sampled_from(bad_paths(tuple(kind[5:].split("|"))))
    if kind == "model":
        return st.sampled_from(BAD_MODEL_PATHS)
    if kind == "omega":
        return st.sampled_from(["1,1e308", "1e308", "1,1e12", "1e-300", "nan", "1,inf", "1,,2", "", ",", "abc",
                                "1;2", "-1,-2", "0", "1e309", "1 2", "0x1"])
    return st.sampled_from(BAD_FLOATS)


NEGATIVE_NUMBER = re.compile(r"^-\d+$|^-\d*\.\d+$")     # what argparse accepts as a negative value


@st.composite
def corrupt(draw, opts: list[Opt], max_bad: int = 3) -> list[str]:
    """Apply 0..max_bad corruptions to a valid option list; return the argv tail."""
    opts = [dataclasses.replace(o) for o in opts]
    for o in opts:
        o.eq = o.value is not None and (draw(st.booleans()) or
                                        (o.value.startswith("-") and not NEGATIVE_NUMBER.match(o.value)))
    n_bad = draw(st.sampled_from([n for n in (0, 0, 0, 0, 0, 1, 1, 1, 2, 3) if n <= max_bad]))
    extra: list[list[str]] = []
    for _ in range(n_bad):
        if not opts:
            break
        i = draw(st.integers(0, len(opts) - 1))
        what = draw(st.sampled_from(["value", "value", "value", "value", "drop", "dup", "junk"]))
        o = opts[i]
        if what == "value" and o.kind != "switch":
            o.value = draw(bad_value(o.kind))
            o.eq = draw(st.booleans())    # "--T -inf" is an argparse error, "--T=-inf" reaches the CLI
        elif what == "drop":
            opts.pop(i)
        elif what == "dup":
            extra.append(o.argv())
        else:
            extra.append(draw(st.sampled_from(JUNK)))
    order = draw(st.permutations(range(len(opts)))) if draw(st.booleans()) else range(len(opts))
    argv = [a for j in order for a in opts[j].argv()]
    for e in extra:
        k = draw(st.integers(0, len(argv)))
        argv[k:k] = e
    return argv


# ----------------------------------------------------------------------------- cases
@dataclasses.dataclass
class Case:
    argv: list[str]                 # with TMP placeholders
    outputs: list[str]              # requested output files / directories (templates)
    json: bool = False
    expect: dict = dataclasses.field(default_factory=dict)   # semantic checks on exit 0 (with --json)


def _opt(opts: list[Opt], flag: str) -> Opt | None:
    return next((o for o in opts if o.flag == flag), None)


def _finish(draw, head: list[str], opts: list[Opt], max_bad: int = 3, expect: dict | None = None) -> Case:
    tail = draw(corrupt(opts, max_bad))
    argv = head + tail
    outs = []
    for flag in ("--out", "--csv", "--plot", "--save", "--report"):
        for k, a in enumerate(argv):
            if a == flag and k + 1 < len(argv):
                outs.append(argv[k + 1])
            elif a.startswith(flag + "="):
                outs.append(a[len(flag) + 1:])
    exp = {}
    for key, val in (expect or {}).items():      # keep a semantic check only if its option survived intact
        hits = [k for k, a in enumerate(argv) if a == key or a.startswith(key + "=")]
        if len(hits) == 1:
            k = hits[0]
            v = argv[k][len(key) + 1:] if argv[k] != key else (argv[k + 1] if k + 1 < len(argv) else None)
            if v == val:
                exp[key] = val
    return Case(argv=argv, outputs=outs, json="--json" in argv, expect=exp)


@st.composite
def model_opts(draw, *, with_N: str | None = None, network: bool = False, families: bool = True) -> list[Opt]:
    """Model options (or --model-file with some options omitted)."""
    opts = []
    kind = draw(st.sampled_from(["none", "none", "none", "none", "none", "good", "good", "bad"]))
    use_file = kind != "none"
    if kind == "good":
        opts.append(Opt("--model-file", TMP + "/" + draw(st.sampled_from(GOOD_MODEL_FILES)), "model"))
    elif kind == "bad":
        opts.append(Opt("--model-file", draw(st.sampled_from(BAD_MODEL_PATHS)), "model"))
    for flag, lo, hi in (("--eta-bar", -8.0, 8.0), ("--delta", 0.01, 3.0), ("--J", -15.0, 15.0)):
        if not use_file or draw(st.booleans()):
            opts.append(Opt(flag, draw(num(lo, hi, log=flag == "--delta")), "mfloat"))
    if draw(st.booleans()):
        opts.append(Opt("--I", draw(num(-2.0, 2.0)), "mfloat"))
    if draw(st.booleans()):
        opts.append(Opt("--tau", draw(num(0.3, 3.0, log=True)), "mfloat"))
    if with_N == "int":
        opts.append(Opt("--N", draw(st.one_of(integer(1, 200), st.sampled_from(["100.0", "1e2", "50"]))), "float"))
    elif with_N == "float":
        opts.append(Opt("--N", draw(num(1.0, 1e6, log=True)), "float"))
    if families:
        opts += draw(family_opts(network=network))
    return opts


@st.composite
def family_opts(draw, *, network: bool = False) -> list[Opt]:
    """--heterogeneity (the families; on the network also the legacy quantile/random) with --poles for multipole;
    sometimes --poles where it does not belong (an error), and on the network --sampling (possibly contradicting
    a legacy value: an error)."""
    opts = []
    choices = FAMILIES + (["quantile", "random"] if network else [])
    het = draw(st.sampled_from(choices)) if draw(st.integers(0, 2)) == 0 else None
    if het is not None:
        opts.append(Opt("--heterogeneity", het, "choice"))
    if het == "multipole" or draw(st.integers(0, 9)) == 0:      # required with multipole, else rejected
        opts.append(Opt("--poles", draw(st.sampled_from(["1", "2", "3", "4", "2", "3"])), "poles"))
    if network and draw(st.integers(0, 2)) == 0:
        opts.append(Opt("--sampling", draw(st.sampled_from(["quantile", "random"])), "choice"))
    return opts


@st.composite
def fixed_points_case(draw) -> Case:
    opts = draw(model_opts())
    if draw(st.booleans()):
        opts.append(Opt("--json", None, "switch"))
    return _finish(draw, ["fixed-points"], opts)


@st.composite
def spectrum_case(draw) -> Case:
    opts = draw(model_opts(with_N="float"))
    N = float(_opt(opts, "--N").value)
    if draw(st.integers(0, 3)) == 0:
        opts.append(Opt("--M", draw(integer(1, max(1, min(int(N), 10 ** 6)))), "float"))
    if draw(st.integers(0, 3)) == 0:
        opts.append(Opt("--branch", draw(st.sampled_from(["low", "mid", "high"])), "choice"))
    mode = draw(st.sampled_from(["list", "list", "range", "range", "range", "both", "neither"]))
    if mode in ("list", "both"):
        ws = draw(st.lists(num(0.0, 60.0), min_size=1, max_size=12))
        opts.append(Opt("--omega", ",".join(ws), "omega"))
    if mode in ("range", "both"):
        lo = draw(st.floats(0.0, 5.0))
        hi = lo + draw(st.floats(0.01, 80.0))
        opts.append(Opt("--omega-min", _fmt(lo, draw(st.integers(0, 2))), "float"))
        opts.append(Opt("--omega-max", _fmt(hi, draw(st.integers(0, 2))), "float"))
        opts.append(Opt("--points", draw(integer(2, 400)), "int"))
        if lo > 0 and draw(st.booleans()):
            opts.append(Opt("--log", None, "switch"))
    if draw(st.booleans()):
        opts.append(Opt("--json", None, "switch"))
    if draw(st.integers(0, 2)) == 0:
        opts.append(Opt("--csv", draw(out_path((".csv",))), "path:.csv"))
    if draw(st.integers(0, 5)) == 0:
        opts.append(Opt("--plot", draw(out_path((".png",))), "path:.png"))
    return _finish(draw, ["spectrum"], opts)


@st.composite
def mass_case(draw) -> Case:
    opts = draw(model_opts(families=False))
    if draw(st.integers(0, 3)) > 0:               # T a whole number of steps (what the CLI asks for)
        dt = draw(st.sampled_from([1e-3, 2e-3, 5e-3, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5]))
        n = draw(st.integers(1, min(5000, int(round(5.0 / dt)))))
        T, dt_text = "%.12g" % (n * dt), draw(st.sampled_from(["%g" % dt, repr(dt)]))
    else:                                         # any T, dt (dt > T, T/dt not an integer, ...)
        T, dt_text = draw(num(0.1, 5.0)), draw(num(1e-3, 1.0, log=True))
    opts += [Opt("--r0", draw(num(1e-3, 3.0, log=True)), "float"), Opt("--v0", draw(num(-3.0, 3.0)), "float"),
             Opt("--T", T, "float"), Opt("--dt", dt_text, "float")]
    if draw(st.booleans()):
        opts.append(Opt("--method", draw(st.sampled_from(["rk4", "solve_ivp"])), "choice"))
    if draw(st.integers(0, 2)) == 0:
        opts.append(Opt("--save-every", draw(st.sampled_from(["1", "2", "3", "7", "1000"])), "int"))
    if draw(st.integers(0, 2)) == 0:
        opts.append(Opt("--out", draw(out_path((".csv", ".npz"))), "path:.csv|.npz"))
    if draw(st.booleans()):
        opts.append(Opt("--json", None, "switch"))
    return _finish(draw, ["simulate", "mass"], opts, expect={"--T": T})


def _run_opts(draw, opts: list[Opt], *, T_hi: float, dt_lo: float, dt_hi: float) -> None:
    """T, dt, transient, segment, bin of a valid run (segment >= 8.5 bins <= T - transient)."""
    T_text = _fmt(draw(st.floats(1.0, T_hi)), draw(st.integers(0, 2)))
    dt_text = _fmt(10.0 ** draw(st.floats(math.log10(dt_lo), math.log10(dt_hi))), draw(st.integers(0, 2)))
    T, dt = float(T_text), float(dt_text)            # the values the CLI will see
    opts += [Opt("--T", T_text, "float"), Opt("--dt", dt_text, "float")]
    transient = 0.0
    if draw(st.booleans()):
        transient = draw(st.floats(0.0, T / 2))
        opts.append(Opt("--transient", _fmt(transient, 0), "float"))
    bw = dt * max(1, round(0.02 / dt))
    if draw(st.integers(0, 3)) == 0:
        bw = dt * draw(st.integers(1, 4))
        opts.append(Opt("--bin", repr(bw), "float"))
    span = T - transient
    if draw(st.integers(0, 4)) > 0:
        lo = min(span, 8.5 * bw)
        opts.append(Opt("--segment", repr(lo + draw(st.floats(0.0, 1.0)) * (span - lo)), "float"))
    if draw(st.booleans()):
        opts.append(Opt("--seed", draw(integer(0, 2 ** 32)), "int"))
    if draw(st.integers(0, 2)) == 0:
        opts.append(Opt("--save", draw(out_path((".npz",))), "path:.npz"))
    for sw in ("--json", "--quiet"):
        if draw(st.booleans()):
            opts.append(Opt(sw, None, "switch"))


@st.composite
def network_case(draw) -> Case:
    opts = draw(model_opts(with_N="int", network=True))
    _run_opts(draw, opts, T_hi=5.0, dt_lo=1e-3, dt_hi=0.2)
    expect = {}
    if draw(st.integers(0, 2)) == 0:
        Nv = float(_opt(opts, "--N").value)
        M = draw(st.one_of(integer(1, max(1, int(Nv))), st.sampled_from(["2.5", "1.5", "10.0"])))
        opts.append(Opt("--M", M, "float"))
        expect["--M"] = M
    return _finish(draw, ["simulate", "network"], opts, expect=expect)


@st.composite
def stochastic_mass_case(draw) -> Case:
    opts = draw(model_opts(with_N="float"))
    if draw(st.integers(0, 5)) == 0:                  # small N with a coarse step: the diverging corner
        _opt(opts, "--N").value = draw(st.sampled_from(["1", "2", "1.5"]))
        _run_opts(draw, opts, T_hi=20.0, dt_lo=0.1, dt_hi=0.5)
    else:
        _run_opts(draw, opts, T_hi=20.0, dt_lo=1e-3, dt_hi=0.5)
    for flag, choices in (("--noise", ["white", "colored", "surrogate"]), ("--scheme", ["euler", "heun"])):
        if draw(st.booleans()):
            opts.append(Opt(flag, draw(st.sampled_from(choices)), "choice"))
    if draw(st.integers(0, 3)) == 0:
        opts.append(Opt("--branch", draw(st.sampled_from(["low", "mid", "high"])), "choice"))
    return _finish(draw, ["simulate", "stochastic-mass"], opts)


@st.composite
def derive_case(draw) -> Case:
    opts = []
    if draw(st.integers(0, 3)) > 0:
        opts.append(Opt("--model", draw(st.sampled_from(["mpr", "stochastic-mpr"])), "choice"))
    if draw(st.integers(0, 3)) > 0:
        opts.append(Opt("--format", draw(st.sampled_from(["latex", "python", "c", "fortran", "julia", "octave",
                                                          "xpp", "json"])), "choice"))
    return _finish(draw, ["derive"], opts, max_bad=2)


def _parse(argv: list[str]):
    """The parsed namespace of argv, or None when argparse rejects it (or exits for --help/--version)."""
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        try:
            return build_parser().parse_args(list(argv))
        except SystemExit:
            return None


def _expensive(argv: list[str]) -> bool:
    """Would argv run a real validation check, a benchmark or the demo?  (Strategies never emit those.)"""
    a = _parse(argv)
    if a is None:
        return False
    if a.command == "validate":
        return not getattr(a, "list", False) and not (a.only and set(a.only.split(",")) & set(UNKNOWN_LABELS))
    if a.command == "bench":
        return True
    if a.command == "demo":
        return a.out not in DEMO_BAD_OUT
    return False


def _defuse(argv: list[str]) -> list[str]:
    """Make an expensive argv cheap: an unknown option makes argparse reject it."""
    return argv + ["--bogus-option"] if _expensive(argv) else argv


DEMO_BAD_OUT = [TMP + "/afile.txt", TMP + "/afile.txt/d", TMP + "/afile.txt/d/e", "/proc/shotnoise-fuzz-demo",
                TMP + "/out/existing.csv", TMP + "/good.json"] + ([TMP + "/ro/d"] if RO_EFFECTIVE else [])
UNKNOWN_LABELS = ["bogus", "no-such-check", "xyz", "1", "nan", "mass_white_typo", "..", "-"]
KNOWN_LABELS = ["periodic-trains", "network-J0", "mass-white", "subpopulation-M20"]


@st.composite
def validate_case(draw) -> Case:
    """Never runs a real check: --only always names an unknown label (or --list, when it exists)."""
    opts = []
    listing = HAS_VALIDATE_LIST and draw(st.integers(0, 3)) == 0
    if listing:
        opts.append(Opt("--list", None, "switch"))
    labels = draw(st.lists(st.sampled_from(UNKNOWN_LABELS), min_size=1, max_size=2)) + \
        draw(st.lists(st.sampled_from(KNOWN_LABELS), max_size=2))
    labels = draw(st.permutations(labels))
    if not listing or draw(st.booleans()):
        opts.append(Opt("--only", ",".join(labels), "only"))
    for sw in ("--quick", "--full", "--json", "--quiet"):
        if draw(st.integers(0, 2)) == 0:
            opts.append(Opt(sw, None, "switch"))
    if draw(st.integers(0, 2)) == 0:
        p = draw(st.one_of(st.just(TMP + "/out/report"), st.just("report-rel"),
                           st.sampled_from([TMP + "/afile.txt", TMP + "/afile.txt/r", "/proc/shotnoise-fuzz-r",
                                            TMP + "/missing/deep/r", ""] + ([TMP + "/ro/r"] if RO_EFFECTIVE else []))))
        opts.append(Opt("--report", p, "dir"))
    argv = ["validate"] + [a for o in opts for a in o.argv()]
    if draw(st.integers(0, 4)) == 0:
        argv.insert(draw(st.integers(1, len(argv))), draw(st.sampled_from(["--bogus", "--only", "extra"])))
    argv = _defuse(argv)
    outs = [argv[k + 1] for k, a in enumerate(argv[:-1]) if a == "--report"]
    return Case(argv=argv, outputs=outs, json="--json" in argv, expect={"optional-outputs": listing})


@st.composite
def bench_case(draw) -> Case:
    """Only invalid: an unknown --what, a missing value, a junk option."""
    form = draw(st.integers(0, 3))
    what = draw(st.sampled_from(["bogus", "", "ALL", "spectrum,network", "network ", "1", "--json"]))
    if form == 0:
        argv = ["bench", "--what", what]
    elif form == 1:
        argv = ["bench", "--what=" + what]
    elif form == 2:
        argv = ["bench", "--what"]
    else:
        argv = ["bench", "--what", draw(st.sampled_from(["spectrum", "network", "stochastic-mass", "all"])),
                draw(st.sampled_from(["--bogus", "extra", "--what=bogus"]))]
    if draw(st.booleans()):
        argv.insert(draw(st.integers(1, len(argv))), "--json")
    return Case(argv=_defuse(argv), outputs=[], json=False)


@st.composite
def demo_case(draw) -> Case:
    """Only invalid: --out onto an existing file, under a file, in /proc, (read-only), missing value, junk."""
    bad = DEMO_BAD_OUT
    form = draw(st.integers(0, 3))
    if form == 0:
        argv = ["demo", "--out", draw(st.sampled_from(bad))]
    elif form == 1:
        argv = ["demo", "--out=" + draw(st.sampled_from(bad))]
    elif form == 2:
        argv = ["demo", "--out"]
    else:
        argv = ["demo", "--out", TMP + "/out/demo", draw(st.sampled_from(["--bogus", "extra", "--quiet=1"]))]
    if draw(st.booleans()):
        argv.insert(draw(st.integers(1, len(argv))), "--quiet")
        if argv[-1] == "--quiet" and argv[-2] == "--out":
            argv.append(TMP + "/afile.txt")
    return Case(argv=_defuse(argv), outputs=[], json=False)


@st.composite
def garbage_case(draw) -> Case:
    """Top-level nonsense: no command, unknown commands, truncated subcommands, --version/--help."""
    words = ["simulate", "spectrum", "fixed-points", "derive", "validate", "bench", "demo", "mass", "network",
             "--json", "--T", "1", "nan", "--version", "-h", "bogus", "", "--", "stochastic-mass", "-"]
    argv = draw(st.one_of(st.just([]), st.lists(st.sampled_from(words), min_size=1, max_size=4)))
    return Case(argv=_defuse(argv), outputs=[], json=False)   # never validate/bench/demo with defaults


#: subcommand -> (strategy, examples)
PLAN = {
    "fixed-points": (fixed_points_case(), 150),
    "spectrum": (spectrum_case(), 150),
    "simulate-mass": (mass_case(), 120),
    "simulate-network": (network_case(), 70),
    "simulate-stochastic-mass": (stochastic_mass_case(), 90),
    "derive": (derive_case(), 20),
    "validate": (validate_case(), 50),
    "bench": (bench_case(), 25),
    "demo": (demo_case(), 25),
    "garbage": (garbage_case(), 60),
}
_B = ["--eta-bar", "1", "--delta", "0.05", "--J", "-3"]
_RUN = ["--N", "100", "--T", "5", "--dt", "0.01", "--segment", "1"]
#: explicit regression examples (issue 9 and what the fuzzing found), run before the generated ones
EXPLICIT = {
    "fixed-points": [Case(["fixed-points", "--model-file", TMP + "/" + f], [])
                     for f in ("binary.json", "pop-not-dict.json", "coupling-not-dict.json",
                               "coupling-row-not-dict.json", "input-not-dict.json", "nested-values.json",
                               "multipole-no-poles.json", "poles-bool.json", "poles-string.json", "het-number.json",
                               "het-legacy.json")]
    + [Case(["fixed-points", "--eta-bar", "1", "--delta", "1e-6", "--J", "100", "--json"], [], True)]
    + [Case(["fixed-points", *_B] + extra, [], "--json" in extra)
       for extra in (["--heterogeneity", "multipole", "--poles", "2", "--json"], ["--heterogeneity", "multipole"],
                     ["--poles", "2"], ["--heterogeneity", "multipole", "--poles", "5"],
                     ["--heterogeneity", "multipole", "--poles=-1"], ["--heterogeneity", "uniform", "--poles", "1"])]
    + [Case(["fixed-points", "--model-file", TMP + "/multipole.json", "--heterogeneity", "lorentzian", "--json"],
            [], True)],
    "spectrum": [Case(["spectrum", *_B, "--N", "100", "--omega", "1,1e308"], []),
                 Case(["spectrum", *_B, "--N", "100", "--omega", "1,1e308", "--csv", TMP + "/out/s.csv", "--json"],
                      [TMP + "/out/s.csv"], True),
                 Case(["spectrum", *_B, "--N", "100", "--omega-min", "0", "--omega-max", "1", "--points",
                       "1000000000000"], []),
                 Case(["spectrum", *_B, "--N", "100", "--omega", "1,2", "--csv", TMP + "/out/s.csv", "--plot",
                       TMP + "/missing/x.png"], [TMP + "/out/s.csv", TMP + "/missing/x.png"]),
                 Case(["spectrum", *_B, "--N", "100", "--omega", "1,2", "--plot", TMP + "/out/.png"],
                      [TMP + "/out/.png"]),
                 Case(["spectrum", *_B, "--N", "100", "--omega", "1,2", "--csv", "/proc/shotnoise-fuzz.csv"],
                      ["/proc/shotnoise-fuzz.csv"]),
                 Case(["spectrum", *_B, "--N", "100", "--omega", "1,2", "--heterogeneity", "multipole", "--poles", "3",
                       "--json"], [], True),
                 Case(["spectrum", *_B, "--N", "100", "--omega", "1,2", "--heterogeneity", "multipole", "--poles",
                       "3"], []),
                 Case(["spectrum", *_B, "--N", "100", "--omega", "1,2", "--heterogeneity", "gaussian", "--poles",
                       "2"], [])],
    "simulate-mass": [Case(["simulate", "mass", *_B, "--r0", "0.2", "--v0", "0", "--T", T, "--dt", dt, "--json"
                            ] + extra, [], True, {"--T": T})
                      for T, dt, extra in (("1e8", "1e-3", []), ("1e300", "1e-300", []), ("1", "1e-300", []),
                                           ("1", "0.6", []), ("1", "0.01", ["--save-every", "1000"]),
                                           ("1.75", "0.1", []))]
    + [Case(["simulate", "mass", "--eta-bar", "1", "--delta", "1", "--J", "1e12", "--r0", "1.7", "--v0", "0",
             "--T", "1", "--dt", "0.001", "--method", "solve_ivp"], [])],
    "simulate-network": [Case(["simulate", "network", *_B, *_RUN[2:]] + extra, [], "--json" in extra,
                              {"--M": "2.5"} if "--M" in extra else {})
                         for extra in (["--N", "1e12"], ["--N", "100", "--T", "1e12", "--dt", "1"],
                                       ["--N", "100", "--dt", "1e-300"], ["--N", "100", "--segment", "0.1"],
                                       ["--N", "100", "--M", "2.5", "--json"], ["--N", "100", "--seed", "-1"],
                                       ["--N", "100", "--bin", "1e-300"],
                                       ["--N", "100", "--save", "/proc/shotnoise-fuzz.npz"],
                                       ["--N", "1", "--heterogeneity", "uniform", "--eta-bar", "-1", "--J", "0"],
                                       ["--N", "100", "--heterogeneity", "random", "--sampling", "quantile"],
                                       ["--N", "100", "--heterogeneity", "quantile", "--poles", "2"],
                                       ["--N", "100", "--heterogeneity", "multipole", "--json"],
                                       ["--N", "100", "--heterogeneity", "random", "--sampling", "random", "--json"],
                                       ["--N", "100", "--heterogeneity", "multipole", "--poles", "2", "--sampling",
                                        "random", "--json"])]
    + [Case(["simulate", "network", *_B, "--N", "100", "--T", "3", "--dt", "0.01", "--json"], [], True)],
    "simulate-stochastic-mass": [Case(["simulate", "stochastic-mass", *_B, *_RUN[2:]] + extra, [])
                                 for extra in (["--N", "1", "--T", "50", "--dt", "0.5", "--segment", "10"],
                                               ["--N", "1", "--T", "20", "--dt", "0.5", "--segment", "10"],
                                               ["--N", "100", "--T", "1e12"], ["--N", "100", "--dt", "1e-300"],
                                               ["--N", "100", "--seed", "-1"],
                                               ["--N", "1", "--T", "8.4", "--dt", "0.1", "--segment", "2",
                                                "--J", "-10.5", "--eta-bar", "-0.75", "--delta", "1"],
                                               ["--N", "100", "--heterogeneity", "gaussian"],
                                               ["--N", "100", "--model-file", TMP + "/multipole.json",
                                                "--heterogeneity", "uniform"])],
    "validate": [Case(["validate", "--only", "bogus"], []),
                 Case(["validate", "--only", "bogus", "--report", TMP + "/out/rep"], [TMP + "/out/rep"]),
                 Case(["validate", "--only", "bogus", "--report", TMP + "/missing/deep/rep"], [])]
    + ([Case(["validate", "--list", "--json"], [], True)] if HAS_VALIDATE_LIST else []),
    "bench": [Case(["bench", "--what", "bogus"], [])],
    "demo": [Case(["demo", "--out", TMP + "/afile.txt"], []), Case(["demo", "--out", TMP + "/afile.txt/d"], [])],
}

#: one valid, cheap command per test, run once first (compiles the numba kernels outside the timed examples)
WARMUP = {
    "fixed-points": ["fixed-points", "--eta-bar", "1", "--delta", "0.05", "--J", "-3", "--json"],
    "spectrum": ["spectrum", "--eta-bar", "1", "--delta", "0.05", "--J", "-3", "--N", "100", "--omega", "1,2",
                 "--json"],
    "simulate-mass": ["simulate", "mass", "--eta-bar", "1", "--delta", "0.05", "--J", "-3", "--r0", "0.2",
                      "--v0", "0", "--T", "1", "--dt", "0.01", "--json"],
    "simulate-network": ["simulate", "network", "--eta-bar", "1", "--delta", "0.05", "--J", "-3", "--N", "50",
                         "--T", "3", "--dt", "0.01", "--segment", "1", "--json"],
    "simulate-stochastic-mass": ["simulate", "stochastic-mass", "--eta-bar", "1", "--delta", "0.05", "--J", "-3",
                                 "--N", "100", "--T", "5", "--dt", "0.01", "--segment", "2", "--json"],
    "derive": ["derive", "--format", "json"],
}


# ----------------------------------------------------------------------------- one example
class ExampleTimeout(BaseException):
    """Raised by the alarm when one example runs longer than HARD_TIMEOUT_S."""


def _on_alarm(signum, frame):
    raise ExampleTimeout("example still running after %d s" % HARD_TIMEOUT_S)


@contextlib.contextmanager
def _guards():
    """Hard timeout (SIGALRM, main thread only) and an address-space limit for one example."""
    use_alarm = threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer")
    old_handler = signal.signal(signal.SIGALRM, _on_alarm) if use_alarm else None
    if use_alarm:
        signal.setitimer(signal.ITIMER_REAL, HARD_TIMEOUT_S)
    old_limit = resource.getrlimit(resource.RLIMIT_AS)
    try:
        with open("/proc/self/statm") as fh:
            size = int(fh.read().split()[0]) * resource.getpagesize()
        cap = size + MEMORY_MARGIN
        if old_limit[1] == resource.RLIM_INFINITY or cap < old_limit[1]:
            resource.setrlimit(resource.RLIMIT_AS, (cap, old_limit[1]))
    except (OSError, ValueError):  # pragma: no cover - not Linux
        old_limit = None
    try:
        yield
    finally:
        if use_alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, old_handler)
        if old_limit is not None:
            resource.setrlimit(resource.RLIMIT_AS, old_limit)


def invoke(argv: list[str]) -> tuple[int, str, str, str]:
    """main(argv) in-process: (exit status, stdout, stderr, 'return' | 'SystemExit')."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code, how = main(list(argv)), "return"
        except SystemExit as e:
            code, how = e.code, "SystemExit"
    return code, out.getvalue(), err.getvalue(), how


def _strict_json(text: str):
    def reject(name):
        raise ValueError("non-standard JSON constant %s" % name)
    return json.loads(text, parse_constant=reject)


ARGPARSE_ERROR = re.compile(r"^shotnoise(?: [\w-]+)*: error: ")
NONFINITE_WORD = re.compile(r"(?<![\w.])[-+]?(nan|inf|infinity)(?![\w])", re.IGNORECASE)


def check_case(name: str, case: Case) -> None:
    """Run one case in a fresh directory and assert the contract; raise (with the argv noted) on a bug."""
    COUNT[name] = COUNT.get(name, 0) + 1
    assert not _expensive(case.argv), "strategy bug: %r would run real checks/benchmarks/demo" % (case.argv,)
    root = pathlib.Path(tempfile.mkdtemp(prefix="shotnoise-fuzz-"))
    cwd = os.getcwd()
    argv = [a.replace(TMP, str(root)) for a in case.argv]
    if currently_in_test_context():
        note("argv: %r" % (argv,))
    try:
        _setup(root)
        before = _snapshot(root)
        os.chdir(root / "cwd")
        t0 = time.perf_counter()
        try:
            with _guards():
                code, out, err, how = invoke(argv)
        except BaseException as e:
            if isinstance(e, KeyboardInterrupt):
                raise
            e.add_note("shotnoise fuzz argv: %r" % (argv,))
            raise
        finally:
            os.chdir(cwd)
        elapsed = time.perf_counter() - t0
        EXITS.setdefault(name, {}).setdefault(code, 0)
        EXITS[name][code] += 1
        after = _snapshot(root)
        where = "argv=%r\nexit=%r (%s)\nstdout=%r\nstderr=%r" % (argv, code, how, out[:600], err[-600:])
        assert code in (0, 2), "exit status not in {0, 2}\n" + where
        assert "Traceback" not in out and "Traceback" not in err, "traceback text\n" + where
        if code == 2:
            assert out == "", "stdout not empty on exit 2\n" + where
            # a progress bar erased with "\r" before the error line is accepted (what a terminal shows)
            visible = err.split("\r")[-1] if err.count("\n") == 1 and err.endswith("\n") else err
            lines = err.strip("\n").splitlines()
            one_line = visible.count("\n") == 1 and visible.startswith("shotnoise: error: ")
            assert not ("\r" in err and re.search(r"--(save|out|csv|plot|report)\b|cannot write", visible)), \
                "output path rejected only after the run (progress shown before the error)\n" + where
            argparse_style = how == "SystemExit" and len(lines) >= 2 and lines[0].startswith("usage:") and \
                bool(ARGPARSE_ERROR.match(lines[-1]))
            assert one_line or argparse_style, "stderr is not one 'shotnoise: error:' line\n" + where
            changed = sorted(set(after) ^ set(before) | {p for p in after if p in before and after[p] != before[p]})
            assert not changed, "files created/changed on exit 2: %r\n%s" % (changed, where)
        else:
            if case.json and how == "return":
                try:
                    doc = _strict_json(out)
                except ValueError as e:
                    raise AssertionError("--json output is not strict JSON (%s)\n%s" % (e, where)) from None
                if "--T" in case.expect and "t_final" in doc:
                    T = float(case.expect["--T"])
                    assert math.isclose(doc["t_final"], T, rel_tol=1e-9, abs_tol=1e-12), \
                        "simulate mass ended at t=%r, not T=%r\n%s" % (doc["t_final"], T, where)
                if "--M" in case.expect:
                    M = float(case.expect["--M"])
                    got = (doc.get("subpopulation") or {}).get("M", doc.get("parameters", {}).get("M"))
                    assert got is not None and float(got) == M, \
                        "--M %s reported as M=%r\n%s" % (case.expect["--M"], got, where)
            elif how == "return" and argv[:1] != ["derive"]:
                assert not NONFINITE_WORD.search(out), "nan/inf in the table output\n" + where
            requested = set()
            for o in case.outputs:
                p = o.replace(TMP, str(root))
                p = os.path.normpath(p if os.path.isabs(p) else os.path.join(root, "cwd", p))
                requested.add(p)
                if how == "return" and not case.expect.get("optional-outputs"):
                    assert os.path.exists(p), "requested output %s missing on exit 0\n%s" % (p, where)
            stray = sorted(p for p in after if (p not in before or after[p] != before[p])
                           and not any(p == r or p.startswith(r + os.sep) for r in requested)
                           and not any(r.startswith(p + os.sep) for r in requested))
            assert not stray, "unrequested files written on exit 0: %r\n%s" % (stray, where)
        assert elapsed < SOFT_DEADLINE_S, "example took %.1f s (> %g s)\n%s" % (elapsed, SOFT_DEADLINE_S, where)
    finally:
        os.chdir(cwd)
        for dirpath, dirnames, _ in os.walk(root):
            for d in dirnames:
                with contextlib.suppress(OSError):
                    os.chmod(os.path.join(dirpath, d), 0o755)
        shutil.rmtree(root, ignore_errors=True)


# ----------------------------------------------------------------------------- the tests
def _make_test(name: str, strategy, n: int):
    @settings(max_examples=n, deadline=None, derandomize=True, database=None, print_blob=False,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large])
    @given(case=strategy)
    def fuzz(case):
        check_case(name, case)

    for case in reversed(EXPLICIT.get(name, [])):
        fuzz = example(case=case)(fuzz)

    def test():
        if name in WARMUP:
            code, out, err, _ = invoke(WARMUP[name])
            assert code == 0, "warm-up command failed: %r\n%s" % (WARMUP[name], err)
        start = COUNT.get(name, 0)
        t0 = time.perf_counter()
        fuzz()
        tried = COUNT.get(name, 0) - start
        print("cli fuzz %s: %d examples in %.1f s (exit status: examples %s)"
              % (name, tried, time.perf_counter() - t0, dict(sorted(EXITS.get(name, {}).items(), key=str))))
        assert tried >= int(0.9 * n) + len(EXPLICIT.get(name, [])), "only %d of %d examples tried for %s" % (
            tried, n, name)

    test.__name__ = test.__qualname__ = "test_cli_fuzz_" + name.replace("-", "_")
    return test


for _name, (_strategy, _n) in PLAN.items():
    globals()["test_cli_fuzz_" + _name.replace("-", "_")] = _make_test(_name, _strategy, _n)
del _name, _strategy, _n


def test_cli_fuzz_plan_size():
    """The documented budget (module docstring) is what PLAN and EXPLICIT run."""
    assert sum(n for _, n in PLAN.values()) == 760
    assert sum(len(v) for v in EXPLICIT.values()) == 65 - (0 if HAS_VALIDATE_LIST else 1)
