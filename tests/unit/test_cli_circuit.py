"""Command-line contract of circuits (issue 11 point 5): --model FILE with several populations or synapses on
fixed-points, spectrum, simulate network / stochastic-mass, export, and the hopf subcommand; bad input exits 2
with one line naming the key."""
import json
import pathlib
import re

import numpy as np
import pytest

from shotnoise.validation.cli import main

EI = {"populations": {"E": {"N": 800, "eta_bar": 1.0, "Delta": 0.1, "tau": 1.0, "tau_s": 0.2},
                      "I": {"N": 200, "eta_bar": 0.5, "Delta": 0.1, "tau": 0.5, "tau_s": 0.3,
                            "heterogeneity": "lorentzian"}},
      "coupling": {"E": {"E": 2.0, "I": -4.0}, "I": {"E": 3.0, "I": -2.0}},
      "input": {"E": 0.0, "I": 0.0}}
#: one inhibitory population past its ING Hopf point (tau_s_H ~ 0.2025 for these values)
ING = {"populations": {"I": {"N": 1000, "eta_bar": 1.0, "Delta": 0.05, "tau_s": 0.5}}, "coupling": {"I": {"I": -10.0}}}
#: the bistable single population with a synapse: three fixed points
BISTABLE = {"populations": {"pop": {"N": 1000, "eta_bar": -5.0, "Delta": 1.0, "tau_s": 0.1}},
            "coupling": {"pop": {"pop": 15.0}}}
SINGLE = {"populations": {"pop": {"N": 1000, "eta_bar": 1.0, "Delta": 0.05, "tau": 1.0, "tau_s": 0.0,
                                  "heterogeneity": "lorentzian"}},
          "coupling": {"pop": {"pop": -3.0}}, "input": {"pop": 0.0}}


def run(capsys, *argv):
    try:
        code = main([str(x) for x in argv])
    except SystemExit as e:  # argparse usage errors
        code = e.code
    out, err = capsys.readouterr()
    return code, out, err


def write(tmp_path, doc, name="model.json"):
    p = tmp_path / name
    p.write_text(doc if isinstance(doc, str) else json.dumps(doc))
    return p


def assert_error(code, out, err, *needles):
    assert code == 2 and out == "", (code, out, err)
    assert len(err.strip().splitlines()) == 1 and err.startswith("shotnoise: error:"), err
    for n in needles:
        assert n in err, (n, err)


# ----------------------------------------------------------------------------- fixed points
def test_fixed_points_json_layout(capsys, tmp_path):
    f = write(tmp_path, EI)
    code, out, _ = run(capsys, "fixed-points", "--model", f, "--json")
    assert code == 0
    doc = json.loads(out)
    assert set(doc) == {"populations", "fixed_points"} and doc["populations"] == ["E", "I"]
    (q,) = doc["fixed_points"]
    assert set(q) == {"E", "I", "stability", "eigenvalues"}
    assert set(q["E"]) == {"r", "v"} and q["stability"] == "stable-focus"
    assert len(q["eigenvalues"]) == 6 and all(len(z) == 2 for z in q["eigenvalues"])
    from shotnoise.numerics.circuit.model import Circuit
    op = Circuit.from_dict(EI).operating_point()
    assert q["E"]["r"] == pytest.approx(op.r[0], rel=1e-12) and q["I"]["v"] == pytest.approx(op.v[1], rel=1e-12)
    code, out, _ = run(capsys, "fixed-points", "--model-file", f)  # the old spelling, text table
    assert code == 0 and "r_E" in out and "v_I" in out and "stable-focus" in out


def test_fixed_points_several(capsys, tmp_path):
    code, out, _ = run(capsys, "fixed-points", "--model", write(tmp_path, BISTABLE), "--json")
    doc = json.loads(out)
    assert code == 0 and [q["stability"] for q in doc["fixed_points"]] == ["stable-node", "saddle", "stable-focus"]
    assert [round(q["pop"]["r"], 4) for q in doc["fixed_points"]] == [0.0811, 0.4730, 1.0306]


def test_one_population_delta_file_keeps_todays_behaviour(capsys, tmp_path):
    """A file with one population and tau_s = 0 is a Model: the same output as the flags, and options override."""
    f = write(tmp_path, SINGLE)
    flags = ["--eta-bar", "1", "--delta", "0.05", "--J", "-3"]
    for cmd, extra in (("fixed-points", []), ("spectrum", ["--N", "1000", "--omega", "0.5,1,2"])):
        a = run(capsys, cmd, "--model", f, "--json", *(["--omega", "0.5,1,2"] if cmd == "spectrum" else []))
        b = run(capsys, cmd, *flags, *extra, "--json")
        da, db = json.loads(a[1]), json.loads(b[1])
        da["parameters"].pop("N"), db["parameters"].pop("N")  # fixed-points has no --N; the file has one
        assert a[0] == b[0] == 0 and da == db
    a = run(capsys, "fixed-points", "--model", f, "--J", "-1", "--json")  # overrides still work
    b = run(capsys, "fixed-points", "--eta-bar", "1", "--delta", "0.05", "--J", "-1", "--json")
    assert a[0] == 0 and json.loads(a[1])["fixed_points"] == json.loads(b[1])["fixed_points"]
    assert_error(*run(capsys, "spectrum", "--model", f, "--omega", "1", "--index", "0"), "--index", "--branch")


# ----------------------------------------------------------------------------- spectrum
SPECTRUM_KEYS = {"convention", "omega", "populations", "fixed_point", "spectra", "cross"}
SPECTRUM_EXTRAS = {"rate", "coherence", "quasi_cycle", "stability", "parameters"}  # parameters: Circuit.describe()


def test_spectrum_json_layout_matches_the_api(capsys, tmp_path):
    code, out, _ = run(capsys, "spectrum", "--model", write(tmp_path, EI), "--omega", "0.5,1,2.4", "--json")
    assert code == 0
    doc = json.loads(out)
    assert SPECTRUM_KEYS <= set(doc) <= SPECTRUM_KEYS | SPECTRUM_EXTRAS
    assert doc["omega"] == [0.5, 1.0, 2.4] and doc["populations"] == ["E", "I"]
    assert doc["convention"] == "two-sided, angular frequency"
    assert set(doc["fixed_point"]) == {"E", "I"} and all(set(v) == {"r", "v", "s"} for v in doc["fixed_point"].values())
    for n in ("E", "I"):
        assert {"shot", "activity", "synaptic", "voltage"} <= set(doc["spectra"][n]) <= \
            {"shot", "activity", "synaptic", "voltage", "rate"}
        assert all(len(x) == 3 for x in doc["spectra"][n].values())
    assert set(doc["cross"]) == {"E|I"} and set(doc["cross"]["E|I"]) == {"re", "im"}
    from shotnoise.numerics.circuit.model import Circuit
    op = Circuit.from_dict(EI).operating_point()
    sp = op.spectra(np.array([0.5, 1.0, 2.4]))
    np.testing.assert_allclose(doc["spectra"]["I"]["activity"], sp.auto("activity", "I"), rtol=1e-12)
    np.testing.assert_allclose(doc["cross"]["E|I"]["im"], sp.cross("activity", "E", "I").imag, rtol=1e-12)
    assert doc["fixed_point"]["E"]["r"] == pytest.approx(op.r[0], rel=1e-12)


def test_spectrum_table_grid_and_files(capsys, tmp_path):
    f = write(tmp_path, EI)
    code, out, _ = run(capsys, "spectrum", "--model", f, "--omega-min", "0.1", "--omega-max", "5", "--points", "7",
                       "--log")
    assert code == 0 and "activity_E" in out and "|S_E|I|" in out and "least-damped mode" in out
    assert len([ln for ln in out.splitlines() if not ln.startswith(("#", "omega"))]) == 7
    csv, png = tmp_path / "s.csv", tmp_path / "s.png"
    code, out, _ = run(capsys, "spectrum", "--model", f, "--omega", "1,2", "--csv", csv, "--plot", png)
    assert code == 0 and out == "" and png.stat().st_size > 5000
    header, names = csv.read_text().splitlines()[:2]  # the '# shotnoise-results {JSON}' line, the column names
    assert header.startswith("# shotnoise-results {") and names.startswith("omega,shot_E,activity_E,synaptic_E,rate_E,"
                                                                           "voltage_E")


def test_spectrum_unstable_fixed_point_is_exit_2(capsys, tmp_path):
    png = tmp_path / "s.png"
    code, out, err = run(capsys, "spectrum", "--model", write(tmp_path, ING), "--omega", "1,2", "--plot", png)
    assert_error(code, out, err, "linear response is undefined", "unstable-focus", "Hopf")
    assert not png.exists()


def test_spectrum_index_chooses_the_fixed_point(capsys, tmp_path):
    f = write(tmp_path, BISTABLE)
    assert_error(*run(capsys, "spectrum", "--model", f, "--omega", "1"), "3 fixed points", "index")
    assert_error(*run(capsys, "spectrum", "--model", f, "--omega", "1", "--index", "1"), "linear response is undefined",
                 "saddle")
    assert_error(*run(capsys, "spectrum", "--model", f, "--omega", "1", "--index", "3"), "index")
    assert_error(*run(capsys, "spectrum", "--model", f, "--omega", "1", "--index", "-1"), "index")
    code, out, _ = run(capsys, "spectrum", "--model", f, "--omega", "1", "--index", "0", "--json")
    assert code == 0 and json.loads(out)["fixed_point"]["pop"]["r"] == pytest.approx(0.0811344, rel=1e-5)
    code, out, _ = run(capsys, "spectrum", "--model", f, "--omega", "1", "--index", "2", "--json")
    assert code == 0 and json.loads(out)["stability"] == "stable-focus"


# ----------------------------------------------------------------------------- hopf
def test_hopf_single_population_flags_json_and_plot(capsys, tmp_path):
    png = tmp_path / "h.png"
    code, out, _ = run(capsys, "hopf", "--eta-bar", "1", "--delta", "0.05", "--J", "-10", "--tau-s", "0.1",
                       "--vary", "pop.tau_s", "--from", "0.01", "--to", "1", "--points", "12", "--json", "--plot", png)
    assert code == 0 and png.stat().st_size > 5000
    doc = json.loads(out)
    assert set(doc) == {"parameter", "populations", "branches", "hopf", "folds", "warnings", "parameters"}
    assert doc["warnings"] == []
    assert doc["parameter"] == "pop.tau_s" and doc["populations"] == ["pop"] and doc["folds"] == []
    (h,) = doc["hopf"]
    from shotnoise.numerics.circuit.model import Circuit, Population
    c = Circuit(populations=[Population(name="pop", eta_bar=1.0, Delta=0.05, tau_s=0.1)], coupling=[[-10.0]])
    ref = c.hopf(parameter="pop.tau_s", start=0.01, stop=1, points=12).to_dict()
    assert doc.pop("parameters") == c.describe()  # the circuit, for the plot title
    assert doc == json.loads(json.dumps(ref))
    assert h["value"] == pytest.approx(0.20254, rel=1e-4) and h["stable_side"] == "below" and h["frequency"] > 0
    code, out, _ = run(capsys, "hopf", "--eta-bar", "1", "--delta", "0.05", "--J", "-10", "--tau-s", "0.1",
                       "--vary", "pop.tau_s", "--from", "0.01", "--to", "1", "--points", "12")
    assert code == 0 and "Hopf points:" in out and "no fold" in out
    assert re.search(r"pop\.tau_s = 0\.2025\d+\s+frequency", out)


def test_hopf_circuit_file_and_folds(capsys, tmp_path):
    code, out, _ = run(capsys, "hopf", "--model", write(tmp_path, EI), "--vary", "J.E.I", "--from", "-4", "--to",
                       "-3", "--points", "4", "--json")
    assert code == 0 and json.loads(out)["populations"] == ["E", "I"]
    code, out, _ = run(capsys, "hopf", "--model", write(tmp_path, BISTABLE), "--vary", "J.pop.pop", "--from", "10",
                       "--to", "20", "--points", "12")
    assert code == 0 and "folds:" in out and re.search(r"J\.pop\.pop = 13\.97", out)
    # a one-population delta file with --tau-s (the overrides mechanism expresses it)
    code, out, _ = run(capsys, "hopf", "--model", write(tmp_path, SINGLE), "--tau-s", "0.1", "--vary", "pop.tau_s",
                       "--from", "0.05", "--to", "0.2", "--points", "3", "--json")
    assert code == 0 and json.loads(out)["branches"]


@pytest.mark.parametrize("vary,extra,needle", [
    ("X.tau_s", [], "--vary X.tau_s"),
    ("E.colour", [], "--vary E.colour"),
    ("J.E.X", [], "--vary J.E.X"),
    ("tau_s", [], "--vary tau_s"),
    ("E.tau_s", ["--to", "0.1"], "--from and --to"),
    ("E.tau_s", ["--points", "1"], "points"),
    ("E.tau_s", ["--tau-s", "0.3"], "--tau-s"),
    ("E.tau_s", ["--J", "3"], "--J"),
    ("E.tau", ["--from", "-1"], "populations.E.tau"),
    ("E.tau_s", ["--plot", "h.svg"], "--plot"),
])
def test_hopf_bad_input_writes_nothing(capsys, tmp_path, monkeypatch, vary, extra, needle):
    f = write(tmp_path, EI)
    monkeypatch.chdir(tmp_path)
    argv = ["hopf", "--model", f, "--vary", vary, "--from", "0.1", "--to", "0.5", "--points", "3", "--plot", "h.png"]
    assert_error(*run(capsys, *argv, *extra), needle)  # later options win
    assert sorted(tmp_path.iterdir()) == [f]  # no figure, no temporary file


def test_hopf_needs_a_model_and_numbers(capsys, tmp_path):
    assert_error(*run(capsys, "hopf", "--vary", "pop.tau_s", "--from", "0", "--to", "1"), "--eta-bar")
    code, out, err = run(capsys, "hopf", "--model", write(tmp_path, EI), "--vary", "E.tau_s", "--from", "abc",
                         "--to", "1")
    assert code == 2 and out == "" and "--from" in err and len(err.strip().splitlines()) == 1
    assert_error(*run(capsys, "hopf", "--eta-bar", "1", "--delta", "0.05", "--J", "-10", "--tau-s", "-0.1",
                      "--vary", "pop.tau_s", "--from", "0.1", "--to", "1"), "tau_s")


# ----------------------------------------------------------------------------- bad model files
def _pop(**kw):
    doc = json.loads(json.dumps(EI))
    doc["populations"]["E"].update(kw)
    return doc


BAD_FILES = [
    (dict(EI, bogus=1), "bogus"),
    (_pop(colour="red"), "colour"),
    ({"coupling": {"E": {"E": 1.0}}}, "coupling"),  # no populations: read as a flat single-population file
    ({"populations": {}}, "populations"),
    (dict(EI, coupling={"E": {"X": 1.0}, "I": {}}), "coupling.E.X"),
    (dict(EI, coupling={"X": {"E": 1.0}}), "coupling.X"),
    (dict(EI, input={"X": 1.0}), "input.X"),
    (_pop(N=0), "populations.E.N"),
    (_pop(N=0.5), "populations.E.N"),
    (_pop(tau=0), "populations.E.tau"),
    (_pop(tau=-1), "populations.E.tau"),
    (_pop(tau_s=-0.1), "populations.E.tau_s"),
    (_pop(eta_bar="abc"), "populations.E.eta_bar"),
    (_pop(N="x"), "populations.E.N"),
    (_pop(Delta=None), "populations.E.Delta"),
    (_pop(heterogeneity="gaussian"), "populations.E.heterogeneity"),
    (_pop(heterogeneity="multipole"), "populations.E.poles"),
    ({"populations": {"E": {"eta_bar": 1, "Delta": 0.1}, "I": {"Delta": 0.1}}}, "populations.I.eta_bar"),
    ({"populations": {"stability": {"eta_bar": 1, "Delta": 0.1}, "I": {"eta_bar": 1, "Delta": 0.1}}}, "stability"),
    ({"populations": {"eigenvalues": {"eta_bar": 1, "Delta": 0.1, "tau_s": 0.1}}}, "eigenvalues"),
    ('{"populations": {"E": {"eta_bar": NaN, "Delta": 0.1}, "I": {"eta_bar": 1, "Delta": 0.1}}}', "eta_bar"),
    ("{not json", "not valid JSON"),
]


@pytest.mark.parametrize("doc,needle", BAD_FILES, ids=[n for _, n in BAD_FILES])
def test_bad_model_file_is_exit_2_naming_the_key(capsys, tmp_path, doc, needle):
    f = write(tmp_path, doc)
    assert_error(*run(capsys, "fixed-points", "--model", f, "--json"), needle)
    assert_error(*run(capsys, "spectrum", "--model", f, "--omega", "1"), needle)


def test_circuit_file_refuses_single_population_options(capsys, tmp_path):
    f = write(tmp_path, EI)
    for argv, flag in ((["fixed-points", "--J", "3"], "--J"), (["fixed-points", "--eta-bar", "1"], "--eta-bar"),
                       (["fixed-points", "--heterogeneity", "multipole", "--poles", "2"], "--heterogeneity"),
                       (["spectrum", "--omega", "1", "--N", "10"], "--N"),
                       (["spectrum", "--omega", "1", "--branch", "low"], "--branch"),
                       (["spectrum", "--omega", "1", "--M", "10"], "--M"),
                       (["simulate", "network", "--T", "1", "--dt", "0.01", "--tau", "2"], "--tau"),
                       (["simulate", "stochastic-mass", "--T", "1", "--dt", "0.01", "--delta", "2"], "--delta")):
        assert_error(*run(capsys, *argv, "--model", f), flag, "circuit model file")


def test_spectrum_needs_N_of_every_population(capsys, tmp_path):
    doc = json.loads(json.dumps(EI))
    del doc["populations"]["I"]["N"]
    assert_error(*run(capsys, "spectrum", "--model", write(tmp_path, doc), "--omega", "1"), "populations.I.N")


# ----------------------------------------------------------------------------- simulations
SMALL = {"populations": {"E": {"N": 200, "eta_bar": 1.0, "Delta": 0.1, "tau": 1.0, "tau_s": 0.2},
                         "I": {"N": 100, "eta_bar": 0.5, "Delta": 0.1, "tau": 0.5, "tau_s": 0.3}},
         "coupling": {"E": {"E": 2.0, "I": -4.0}, "I": {"E": 3.0, "I": -2.0}}}


def test_simulate_network_circuit(capsys, tmp_path):
    save = tmp_path / "run.npz"
    code, out, _ = run(capsys, "simulate", "network", "--model", write(tmp_path, SMALL), "--T", "12", "--dt",
                       "0.01", "--transient", "2", "--segment", "2", "--bin", "0.02", "--seed", "3", "--json",
                       "--save", save)
    assert code == 0
    doc = json.loads(out)
    assert {"parameters", "run", "theory", "bin_width", "segment", "written"} <= set(doc)
    assert doc["parameters"]["populations"]["E"]["N"] == 200 and doc["parameters"]["draw"] == "quantile"
    th = doc["theory"]
    assert th["populations"] == ["E", "I"] and len(doc["run"]["mean_rate"]) == 2
    for a, n in enumerate(("E", "I")):
        assert th["rates"][n]["mean_rate"] == doc["run"]["mean_rate"][a]
        assert th["rates"][n]["theory_rate"] == pytest.approx(th["fixed_point"]["r"][n])
        assert abs(th["rates"][n]["mean_rate"] / th["rates"][n]["theory_rate"] - 1) < 0.3
    assert th["spectrum"]["theory"] is not None and set(th["spectrum"]["psd_ratio"]) == {"E", "I"}
    assert set(th["spectrum"]["theory"]["cross"]) == {"E|I"}
    assert "activity" in np.load(save).files
    code, out, _ = run(capsys, "simulate", "network", "--model", write(tmp_path, SMALL), "--T", "6", "--dt", "0.01",
                       "--segment", "1", "--quiet")
    assert code == 0 and "theory_rate" in out and re.search(r"^E\s+\d", out, re.M)


def test_simulate_stochastic_mass_circuit(capsys, tmp_path):
    f = write(tmp_path, SMALL)
    code, out, _ = run(capsys, "simulate", "stochastic-mass", "--model", f, "--T", "12", "--dt", "0.01",
                       "--transient", "2", "--segment", "2", "--noise", "colored", "--json")
    assert code == 0
    doc = json.loads(out)
    assert doc["parameters"]["noise"] == "colored" and doc["run"]["populations"] == ["E", "I"]
    assert set(doc["theory"]["rates"]) == {"E", "I"} and doc["theory"]["spectrum"]["theory"] is not None
    code, out, _ = run(capsys, "simulate", "stochastic-mass", "--model", f, "--T", "6", "--dt", "0.01",
                       "--segment", "1", "--noise", "white", "--json")  # white noise: rates only
    assert code == 0 and json.loads(out)["theory"]["spectrum"]["theory"] is None


def test_simulate_bad_requests_before_any_work(capsys, tmp_path):
    f = write(tmp_path, SMALL)
    assert_error(*run(capsys, "simulate", "network", "--model", f, "--T", "1", "--dt", "0", "--save",
                      tmp_path / "x.npz"), "dt")
    assert_error(*run(capsys, "simulate", "network", "--model", f, "--T", "1", "--dt", "0.01", "--index", "4"),
                 "index")
    assert_error(*run(capsys, "simulate", "stochastic-mass", "--model", f, "--T", "1", "--dt", "0.01",
                      "--transient", "2"), "transient")
    assert not (tmp_path / "x.npz").exists()


# ----------------------------------------------------------------------------- export
def test_export_circuit_and_single_population(capsys, tmp_path):
    code, out, _ = run(capsys, "export", "--model", write(tmp_path, EI), "--format", "python")
    assert code == 0 and "s_E" in out and "J_E_I" in out
    code, out, _ = run(capsys, "export", "--model", write(tmp_path, EI), "--format", "json", "--stochastic")
    assert code == 0 and json.loads(out)["model"] == "stochastic-circuit"
    code, out, _ = run(capsys, "export", "--model", write(tmp_path, SINGLE, "one.json"), "--format", "latex")
    assert code == 0 and out.strip()
    assert_error(*run(capsys, "export", "--model", write(tmp_path, _pop(tau_s=-1), "bad.json")),
                 "populations.E.tau_s")
    assert_error(*run(capsys, "export", "--model", tmp_path / "missing.json"), "missing.json")


# ----------------------------------------------------------------------------- README
def test_readme_circuit_section(capsys, tmp_path):
    text = (pathlib.Path(__file__).resolve().parents[2] / "README.md").read_text()
    sec = text[text.index("## Several populations and synapses"):]
    doc = json.loads(re.search(r"```json\n(.*?)```", sec, re.S).group(1))
    assert doc == EI or _same_circuit(doc, EI)
    code, out, _ = run(capsys, "spectrum", "--model", write(tmp_path, doc, "ei.json"), "--omega", "0.5,1,2.4", "--json")
    assert code == 0 and json.loads(out)["populations"] == ["E", "I"]


def _same_circuit(a, b) -> bool:
    from shotnoise.numerics.circuit.model import Circuit
    return Circuit.from_dict(a) == Circuit.from_dict(b)
