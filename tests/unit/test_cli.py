"""Command-line contract: output schemas and exit status 2 on bad input."""
import json
import subprocess
import sys

import numpy as np
import pytest

from shotnoise.validation.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_fixed_points_json_contract(capsys):
    code, out, _ = run(capsys, "fixed-points", "--eta-bar", "-5", "--delta", "1", "--J", "15", "--json")
    assert code == 0
    doc = json.loads(out)
    rs = [q["r"] for q in doc["fixed_points"]]
    assert rs == sorted(rs) and [round(x, 4) for x in rs] == [0.0811, 0.4730, 1.0306]
    assert [q["stability"] for q in doc["fixed_points"]] == ["stable-node", "saddle", "stable-focus"]
    assert all(len(q["eigenvalues"]) == 2 and len(q["eigenvalues"][0]) == 2 for q in doc["fixed_points"])


@pytest.mark.parametrize("fmt", ["latex", "python", "c", "fortran", "julia", "octave", "xpp", "json"])
def test_derive_formats(capsys, fmt):
    code, out, _ = run(capsys, "derive", "--model", "mpr", "--format", fmt)
    assert code == 0 and out.strip()
    if fmt == "json":
        json.loads(out)


def test_simulate_mass_json_and_files(capsys, tmp_path):
    f = tmp_path / "traj.npz"
    code, out, _ = run(capsys, "simulate", "mass", "--eta-bar", "-5", "--delta", "1", "--J", "15",
                       "--r0", "0.1", "--v0", "-2", "--T", "20", "--dt", "0.001", "--json", "--out", str(f))
    assert code == 0
    doc = json.loads(out)
    assert doc["r_final"] == pytest.approx(0.0811344, rel=1e-5)
    data = np.load(f)
    assert data["r"][-1] == doc["r_final"] and data["t"][-1] == pytest.approx(20.0)
    c = tmp_path / "traj.csv"
    assert run(capsys, "simulate", "mass", "--eta-bar", "-5", "--delta", "1", "--J", "15", "--r0", "0.1",
               "--v0", "-2", "--T", "1", "--dt", "0.01", "--out", str(c))[0] == 0
    lines = c.read_text().splitlines()
    assert lines[0].startswith("# shotnoise-results {") and lines[1] == "t,r,v"


@pytest.mark.parametrize("bad,name", [(["--delta", "0"], "Delta"), (["--delta", "-1"], "Delta"),
                                      (["--tau", "0"], "tau"), (["--dt", "0"], "dt"), (["--T", "-1"], "T"),
                                      (["--eta-bar", "nan"], "eta_bar"), (["--J", "inf"], "J")])
def test_bad_parameters_exit_2_and_write_nothing(capsys, tmp_path, bad, name):
    base = {"--eta-bar": "-5", "--delta": "1", "--J": "15", "--r0": "0.1", "--v0": "-2", "--T": "1",
            "--dt": "0.01", "--tau": "1"}
    base[bad[0]] = bad[1]
    argv = ["simulate", "mass", "--out", str(tmp_path / "x.npz")] + [x for kv in base.items() for x in kv]
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert name in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "x.npz").exists()


def test_fixed_points_bad_delta(capsys):
    code, out, err = run(capsys, "fixed-points", "--eta-bar", "1", "--delta", "0", "--J", "0")
    assert code == 2 and "Delta" in err and out == ""


def test_installed_console_script():
    out = subprocess.run([sys.executable, "-m", "shotnoise.validation.cli", "fixed-points", "--eta-bar", "1",
                          "--delta", "1", "--J", "0", "--json"], capture_output=True, text=True, check=True)
    assert len(json.loads(out.stdout)["fixed_points"]) == 1


def test_cli_format_list_matches_theory():
    from shotnoise.theory.export import ALL_FORMATS as theory_formats
    from shotnoise.validation.cli import FORMATS
    assert tuple(FORMATS) == tuple(theory_formats)


def test_spectrum_json_contract(capsys):
    code, out, _ = run(capsys, "spectrum", "--eta-bar", "1", "--delta", "0.1", "--J", "-2", "--N", "500",
                       "--M", "50", "--omega", "0.5,2,4", "--json")
    assert code == 0
    doc = json.loads(out)
    assert doc["convention"] == "two-sided, angular frequency"
    for key in ("shot", "activity", "rate", "voltage", "subpopulation"):
        assert len(doc[key]) == 3 and all(x >= 0 for x in doc[key])
    assert set(doc["fixed_point"]) >= {"r", "v"}
    from shotnoise.numerics import Model
    ns = Model(eta_bar=1, Delta=0.1, J=-2, N=500, M=50).operating_point().spectra(np.array([0.5, 2, 4]))
    assert np.allclose(doc["activity"], ns.activity, rtol=1e-15)
    assert np.allclose(doc["subpopulation"], ns.subpopulation, rtol=1e-15)


def test_spectrum_grid_csv_and_plot(capsys, tmp_path):
    csv, png = tmp_path / "s.csv", tmp_path / "s.png"
    code, _, _ = run(capsys, "spectrum", "--eta-bar", "1", "--delta", "0.1", "--J", "2", "--N", "500",
                     "--omega-min", "0.1", "--omega-max", "10", "--points", "50", "--log",
                     "--csv", str(csv), "--plot", str(png))
    assert code == 0
    data = np.loadtxt(csv, delimiter=",", skiprows=2)  # the '# shotnoise-results {JSON}' line, the column names
    assert data.shape == (50, 5) and np.isclose(data[0, 0], 0.1) and np.isclose(data[-1, 0], 10)
    assert png.stat().st_size > 10_000


@pytest.mark.parametrize("argv,needle", [
    (["--eta-bar", "-5", "--delta", "1", "--J", "15", "--N", "100", "--omega", "1"], "branch"),
    (["--eta-bar", "-5", "--delta", "1", "--J", "15", "--N", "100", "--omega", "1", "--branch", "mid"], "saddle"),
    (["--eta-bar", "1", "--delta", "1", "--J", "0", "--N", "0.5", "--omega", "1"], "N"),
    (["--eta-bar", "1", "--delta", "1", "--J", "0", "--N", "10", "--M", "20", "--omega", "1"], "M"),
    (["--eta-bar", "1", "--delta", "1", "--J", "0", "--N", "10", "--omega-min", "5", "--omega-max", "1"], "omega"),
    (["--eta-bar", "1", "--delta", "0", "--J", "0", "--N", "10", "--omega", "1"], "Delta"),
])
def test_spectrum_bad_input_exits_2(capsys, tmp_path, argv, needle):
    png = tmp_path / "x.png"
    code, out, err = run(capsys, "spectrum", *argv, "--plot", str(png))
    assert code == 2 and needle in err and out == "" and not png.exists()


def test_simulate_network_json_contract(capsys, tmp_path):
    f = tmp_path / "net.npz"
    code, out, _ = run(capsys, "simulate", "network", "--eta-bar", "1", "--delta", "0.2", "--J", "-1",
                       "--N", "300", "--T", "120", "--dt", "0.005", "--transient", "20", "--segment", "25",
                       "--M", "30", "--quiet", "--json", "--save", str(f))
    assert code == 0
    doc = json.loads(out)
    for key in ("mean_rate", "quenched_rate", "theory_rate", "mpr_rate"):
        assert doc[key] > 0
    assert doc["mpr_rate"] == doc["theory_rate"]
    assert abs(doc["mean_rate"] - doc["quenched_rate"]) < 0.02 * doc["quenched_rate"]
    sp = doc["spectrum"]
    assert sp["convention"] == "two-sided, angular frequency"
    assert len(sp["omega"]) == len(sp["psd"]) == len(sp["ci_low"]) == len(sp["ci_high"]) == len(sp["theory"])
    assert all(lo <= x <= hi for lo, x, hi in zip(sp["ci_low"], sp["psd"], sp["ci_high"]))
    assert doc["timing"]["neuron_steps_per_second"] > 0
    assert doc["subpopulation"]["M"] == 30
    assert np.load(f)["activity"].size > 0


@pytest.mark.parametrize("noise", ["white", "colored", "surrogate"])
def test_simulate_stochastic_mass(capsys, noise):
    code, out, _ = run(capsys, "simulate", "stochastic-mass", "--noise", noise, "--eta-bar", "1", "--delta", "0.2",
                       "--J", "-1", "--N", "300", "--T", "120", "--dt", "0.01", "--transient", "20",
                       "--segment", "25", "--json")
    assert code == 0
    doc = json.loads(out)
    assert doc["spectrum"]["convention"] == "two-sided, angular frequency" and doc["mean_rate"] > 0


@pytest.mark.parametrize("bad,needle", [(["--N", "0"], "N"), (["--dt", "0"], "dt"), (["--T", "10"], "T"),
                                        (["--dt", "nan"], "dt"), (["--N", "2.5"], "N")])
def test_simulate_network_bad_input_exits_2_and_writes_nothing(capsys, tmp_path, bad, needle):
    f = tmp_path / "x.npz"
    base = {"--eta-bar": "1", "--delta": "0.2", "--J": "1", "--N": "100", "--T": "50", "--dt": "0.01",
            "--transient": "20"}
    base[bad[0]] = bad[1]
    argv = ["simulate", "network", "--quiet", "--save", str(f)] + [x for kv in base.items() for x in kv]
    code, out, err = run(capsys, *argv)
    assert code == 2 and needle in err and out == "" and not f.exists()


def test_version_is_the_package_metadata(capsys):
    from importlib.metadata import version
    with pytest.raises(SystemExit) as e:
        main(["--version"])
    assert e.value.code == 0 and capsys.readouterr().out.strip() == "shotnoise %s" % version("shotnoise")


def test_only_parameter_errors_exit_2_and_bugs_propagate(capsys, monkeypatch):
    """A ParameterError is exit 2 with one line; any other exception (a bug) is not swallowed."""
    from shotnoise.validation import tasks
    monkeypatch.setattr(tasks, "fixed_points_report", lambda model: (_ for _ in ()).throw(ValueError("boom")))
    with pytest.raises(ValueError, match="boom"):
        main(["fixed-points", "--eta-bar", "1", "--delta", "1", "--J", "0"])
    monkeypatch.setattr(tasks, "fixed_points_report", lambda model: (_ for _ in ()).throw(ZeroDivisionError()))
    with pytest.raises(ZeroDivisionError):
        main(["fixed-points", "--eta-bar", "1", "--delta", "1", "--J", "0"])


def test_model_file_and_overrides(capsys, tmp_path):
    from shotnoise.numerics import Model
    f = tmp_path / "m.json"
    f.write_text(json.dumps(Model(eta_bar=-5, Delta=1, J=15).to_dict()))
    code, out, _ = run(capsys, "fixed-points", "--model-file", str(f), "--json")
    assert code == 0 and len(json.loads(out)["fixed_points"]) == 3
    code, out, _ = run(capsys, "fixed-points", "--model-file", str(f), "--J", "0", "--json")
    assert code == 0 and len(json.loads(out)["fixed_points"]) == 1
    f.write_text(json.dumps({"populations": {"E": {"eta_bar": 1, "Delta": 1, "colour": "red"}}}))
    code, out, err = run(capsys, "fixed-points", "--model-file", str(f))
    assert code == 2 and "colour" in err and out == ""
    code, out, err = run(capsys, "fixed-points", "--eta-bar", "1", "--delta", "1")
    assert code == 2 and "--J" in err


@pytest.mark.parametrize("argv,option", [
    (["spectrum", "--eta-bar", "1", "--delta", "0.1", "--J", "-2", "--N", "500", "--omega", "1", "--csv", "{d}/no/x.csv"],
     "--csv"),
    (["spectrum", "--eta-bar", "1", "--delta", "0.1", "--J", "-2", "--N", "500", "--omega", "1", "--csv", "{d}/ok.csv",
      "--plot", "{d}/no/x.png"], "--plot"),
    (["simulate", "network", "--eta-bar", "1", "--delta", "0.2", "--J", "1", "--N", "100", "--T", "50", "--dt", "0.01",
      "--save", "{d}"], "--save"),
])
def test_bad_output_paths_exit_2_and_write_nothing(capsys, tmp_path, argv, option):
    code, out, err = run(capsys, *[a.format(d=tmp_path) for a in argv])
    assert code == 2 and option in err and out == "" and len(err.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


def test_cli_choices_mirror_the_library_constants():
    """The parser's choices are mirrors (the CLI avoids importing numba/sympy at start-up): they must agree."""
    from shotnoise.numerics.model import BRANCHES, DRAWS, HETEROGENEITIES
    from shotnoise.numerics.multipole import ORDERS
    from shotnoise.numerics.stochastic_mass import NOISE_KINDS, SCHEMES
    from shotnoise.theory.models import MODELS
    from shotnoise.validation import cli
    from shotnoise.validation.bench import BENCHES
    assert cli.BRANCHES == BRANCHES and cli.NOISE_KINDS == NOISE_KINDS and cli.SCHEMES == SCHEMES
    assert cli.EXPORT_MODELS == tuple(MODELS) and cli.BENCH_NAMES == tuple(BENCHES) + ("all",)
    assert cli.HETEROGENEITIES == tuple(HETEROGENEITIES) and cli.DRAWS == tuple(DRAWS)
    assert cli.POLE_ORDERS == tuple(ORDERS)
    assert cli.NETWORK_HETEROGENEITY == tuple(HETEROGENEITIES) + tuple(DRAWS)   # + the legacy sampling values


# ----------------------------------------------------------------------------- heterogeneity families (issue 10)
BASE = ["--eta-bar", "1", "--delta", "0.2", "--J", "-1"]
FAMILY_OPTIONS = {"lorentzian": [], "multipole": ["--heterogeneity", "multipole", "--poles", "2"],
                  "gaussian": ["--heterogeneity", "gaussian"], "uniform": ["--heterogeneity", "uniform"]}
FAMILY_MODELS = {"lorentzian": {}, "multipole": {"heterogeneity": "multipole", "poles": 2},
                 "gaussian": {"heterogeneity": "gaussian"}, "uniform": {"heterogeneity": "uniform"}}


def test_fixed_points_multipole_json(capsys):
    from shotnoise.numerics import Model
    code, out, _ = run(capsys, "fixed-points", *BASE, "--heterogeneity", "multipole", "--poles", "2", "--json")
    assert code == 0
    doc = json.loads(out)
    assert doc["parameters"]["heterogeneity"] == "multipole" and doc["parameters"]["poles"] == 2
    (q,) = doc["fixed_points"]
    (ref,) = Model(eta_bar=1, Delta=0.2, J=-1, heterogeneity="multipole", poles=2).fixed_points()
    assert q["r"] == ref.r and q["stability"] == ref.stability == "stable-focus"
    assert len(q["eigenvalues"]) == 4 and q["v"] is not None
    assert set(q) == {"r", "v", "stability", "branch", "eta_t", "eigenvalues", "rate_error", "stability_report"}
    assert q["rate_error"] is None and q["stability_report"] is None


@pytest.mark.parametrize("family", list(FAMILY_OPTIONS))
def test_spectrum_every_family(capsys, family):
    """Same keys for every family; the numbers are the library's; table output works (v may be null)."""
    from shotnoise.numerics import Model
    argv = ["spectrum", *BASE, "--N", "1000", "--omega", "0.5,2", *FAMILY_OPTIONS[family]]
    code, out, err = run(capsys, *argv, "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert {"convention", "parameters", "fixed_point", "resonance", "omega", "shot", "activity", "rate", "voltage",
            "warnings"} == set(doc)
    assert {"r", "v", "stability", "branch", "eta_t", "eigenvalues", "rate_error",
            "stability_report"} == set(doc["fixed_point"])
    assert doc["parameters"]["heterogeneity"] == family
    ref = Model(eta_bar=1, Delta=0.2, J=-1, N=1000, **FAMILY_MODELS[family]).operating_point()
    assert doc["fixed_point"]["r"] == ref.r
    assert np.allclose(doc["activity"], ref.spectra(np.array([0.5, 2.0])).activity, rtol=1e-12)
    code, table, _ = run(capsys, *argv)
    assert code == 0 and table.startswith("# two-sided") and len(table.strip().splitlines()) >= 4


def test_spectrum_warns_at_near_neutral_modes_in_json_and_table(capsys):
    argv = ["spectrum", *BASE, "--N", "100", "--omega", "1,2", "--heterogeneity", "multipole", "--poles", "3"]
    code, out, _ = run(capsys, *argv, "--json")
    warnings = json.loads(out)["warnings"]
    assert code == 0 and len(warnings) == 1 and "near-neutral" in warnings[0] and "omega=1.977" in warnings[0]
    code, out, _ = run(capsys, *argv)
    assert code == 0 and "# warning: near-neutral collective mode at omega=1.977" in out
    code, out, _ = run(capsys, *argv[:-4], "--N", "1e6", "--json")  # enough neurons to damp it
    assert code == 0 and json.loads(out)["warnings"] == []


@pytest.mark.parametrize("argv,needle", [
    (["fixed-points", *BASE, "--heterogeneity", "multipole"], "--poles"),
    (["fixed-points", *BASE, "--poles", "2"], "--poles is only used with --heterogeneity multipole"),
    (["fixed-points", *BASE, "--heterogeneity", "gaussian", "--poles", "2"], "--poles"),
    (["fixed-points", *BASE, "--heterogeneity", "multipole", "--poles", "5"], "--poles must be an integer in 1..4"),
    (["fixed-points", *BASE, "--heterogeneity", "multipole", "--poles", "2.5"], "--poles"),
    (["spectrum", *BASE, "--N", "10", "--omega", "1", "--heterogeneity", "multipole", "--poles", "0"], "--poles"),
    (["spectrum", "--eta-bar", "-5", "--delta", "1", "--J", "15", "--N", "10", "--omega", "1",
      "--heterogeneity", "multipole", "--poles", "1", "--branch", "mid"], "saddle"),
    (["simulate", "network", *BASE, "--N", "50", "--T", "5", "--dt", "0.01", "--heterogeneity", "random",
      "--sampling", "quantile"], "contradicts --sampling"),
    (["simulate", "network", *BASE, "--N", "50", "--T", "5", "--dt", "0.01", "--heterogeneity", "quantile",
      "--poles", "2"], "--poles"),
    (["simulate", "stochastic-mass", *BASE, "--N", "50", "--T", "5", "--dt", "0.01", "--heterogeneity", "gaussian"],
     "finite-dimensional mass model"),
])
def test_family_options_bad_input_exits_2_with_one_line(capsys, argv, needle):
    try:
        code, out, err = run(capsys, *argv)
    except SystemExit as e:  # argparse
        code, (out, err) = e.code, capsys.readouterr()
    assert code == 2 and out == "" and needle in err and len(err.strip().splitlines()) == 1, err


def test_model_file_with_family_and_overrides(capsys, tmp_path):
    from shotnoise.numerics import Model
    f = tmp_path / "m.json"
    f.write_text(json.dumps(Model(eta_bar=1, Delta=0.2, J=-1, heterogeneity="multipole", poles=2).to_dict()))
    fp = lambda *extra: run(capsys, "fixed-points", "--model-file", str(f), *extra, "--json")
    code, out, _ = fp()
    assert code == 0 and json.loads(out)["parameters"]["poles"] == 2
    code, out, _ = fp("--poles", "3")                                  # explicit options override the file
    assert code == 0 and json.loads(out)["parameters"]["poles"] == 3
    code, out, _ = fp("--heterogeneity", "lorentzian")                 # another family drops the file's poles
    p = json.loads(out)["parameters"]
    assert code == 0 and p["heterogeneity"] == "lorentzian" and p["poles"] is None
    code, out, err = fp("--heterogeneity", "lorentzian", "--poles", "2")
    assert code == 2 and "--poles" in err and out == ""
    for bad, needle in (({"heterogeneity": "multipole"}, "poles"), ({"heterogeneity": "multipole", "poles": 7},
                        "poles"), ({"heterogeneity": "lorentzian", "poles": 2}, "poles"),
                        ({"heterogeneity": "cauchy"}, "heterogeneity")):
        doc = {"populations": {"pop": {"eta_bar": 1, "Delta": 0.2, **bad}}, "coupling": {"pop": {"pop": -1}}}
        f.write_text(json.dumps(doc))
        code, out, err = fp()
        assert code == 2 and needle in err and out == "" and len(err.strip().splitlines()) == 1, (bad, err)


NET_SMALL = ["simulate", "network", *BASE, "--N", "60", "--T", "12", "--dt", "0.01", "--segment", "3", "--quiet",
             "--json"]


def test_network_gaussian_random_reports_its_own_theory(capsys):
    from shotnoise.numerics import Model
    code, out, err = run(capsys, *NET_SMALL, "--heterogeneity", "gaussian", "--sampling", "random", "--seed", "3")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["parameters"]["heterogeneity"] == "gaussian" and doc["parameters"]["draw"] == "random"
    rate = Model(eta_bar=1, Delta=0.2, J=-1, heterogeneity="gaussian").self_consistent_rate()
    assert doc["theory_rate"] == rate and doc["mpr_rate"] == rate      # mpr_rate: backward-compatible alias
    sp = doc["spectrum"]
    assert sp["theory"] is not None and len(sp["theory"]) == len(sp["omega"]) and all(x > 0 for x in sp["theory"][1:])


@pytest.mark.parametrize("legacy", ["random", "quantile"])
def test_legacy_heterogeneity_values_are_the_new_sampling_option(capsys, legacy):
    """--heterogeneity random|quantile = a Lorentzian drawn that way: the same output as --sampling, and the
    JSON parameters.heterogeneity still says what it said before."""
    _, out_old, _ = run(capsys, *NET_SMALL, "--heterogeneity", legacy)
    _, out_new, _ = run(capsys, *NET_SMALL, "--heterogeneity", "lorentzian", "--sampling", legacy)
    code, out_same, _ = run(capsys, *NET_SMALL, "--heterogeneity", legacy, "--sampling", legacy)
    old, new, same = (json.loads(x) for x in (out_old, out_new, out_same))
    assert code == 0 and old["parameters"]["heterogeneity"] == legacy == same["parameters"]["heterogeneity"]
    assert new["parameters"]["heterogeneity"] == "lorentzian" and old["parameters"]["draw"] == legacy
    for d in (old, new, same):
        d.pop("timing")
        d["parameters"].pop("heterogeneity")
    assert old == new == same
    if legacy == "quantile":                                          # the default sampling
        _, out_default, _ = run(capsys, *NET_SMALL)
        default = json.loads(out_default)
        default.pop("timing")
        assert default["parameters"].pop("heterogeneity") == "lorentzian" and default == old
    assert old["theory_rate"] == old["mpr_rate"] and old["spectrum"]["theory"] is not None


def test_options_complete_or_correct_an_incomplete_model_file(tmp_path, capsys):
    """Explicit options are applied before the file's model is validated: --poles completes a multipole file
    without poles, --poles 2 corrects poles 5; errors that remain name the file."""
    f = tmp_path / "m.json"
    pop = {"N": 100, "eta_bar": 1.0, "Delta": 0.1, "heterogeneity": "multipole"}
    f.write_text(json.dumps({"populations": {"pop": pop}, "coupling": {"pop": {"pop": -1.0}}}))
    code, out, err = run(capsys, "fixed-points", "--model-file", str(f), "--poles", "3", "--json")
    assert code == 0, err
    f.write_text(json.dumps({"populations": {"pop": dict(pop, poles=5)}, "coupling": {"pop": {"pop": -1.0}}}))
    code, out, err = run(capsys, "fixed-points", "--model-file", str(f), "--poles", "2", "--json")
    assert code == 0, err
    code, out, err = run(capsys, "fixed-points", "--model-file", str(f), "--json")
    assert code == 2 and str(f) in err and "poles" in err and len(err.strip().splitlines()) == 1


def test_spectrum_exactly_at_a_neutral_mode_is_a_one_line_error(capsys):
    """A uniform density at J = -3 is marginal (an undamped mode outside the firing band): the spectrum is given
    next to the mode, and exactly at its frequency the divergence is reported, not a ZeroDivisionError."""
    from shotnoise.numerics import Model
    op = Model(eta_bar=1.0, Delta=0.05, J=-3.0, N=1000, heterogeneity="uniform").operating_point()
    assert op.stability == "marginal"
    w = repr(op.resonance().omega_res)
    code, out, err = run(capsys, "spectrum", "--eta-bar", "1", "--delta", "0.05", "--J", "-3", "--N", "1000",
                         "--heterogeneity", "uniform", "--omega", "1.2," + w, "--json")
    assert code == 2 and "neutral collective mode" in err and len(err.strip().splitlines()) == 1
    code, out, err = run(capsys, "spectrum", "--eta-bar", "1", "--delta", "0.05", "--J", "-3", "--N", "1000",
                         "--heterogeneity", "uniform", "--omega", "1.2,1.6", "--json")
    assert code == 0 and json.loads(out)["warnings"]


def test_fixed_points_lists_the_quiescent_state_of_a_bounded_family(capsys):
    """Uniform with eta_bar + Delta + I <= 0: the silent state r = 0 is a fixed point (stable; alone for weak J,
    beside the firing states for strong J), not an error."""
    code, out, _ = run(capsys, "fixed-points", "--eta-bar", "-5", "--delta", "1", "--J", "5", "--heterogeneity",
                       "uniform", "--json")
    assert code == 0
    doc = json.loads(out)
    assert doc["fixed_points"] == [] and doc["quiescent"]["r"] == 0 and doc["quiescent"]["stability"] == "stable"
    assert doc["quiescent"]["slowest_rate"] == pytest.approx(-2 * 4 ** 0.5)  # -2 sqrt(-(top + I)) / tau, top = -4
    code, out, _ = run(capsys, "fixed-points", "--eta-bar", "-5", "--delta", "1", "--J", "25", "--heterogeneity",
                       "uniform", "--json")
    doc = json.loads(out)
    assert code == 0 and len(doc["fixed_points"]) == 2 and doc["quiescent"]["stability"] == "stable"
    code, out, _ = run(capsys, "fixed-points", "--eta-bar", "1", "--delta", "1", "--J", "0", "--json")
    assert code == 0 and "quiescent" not in json.loads(out)
