"""Every file output of the CLI describes itself and reads back with ``shotnoise.numerics.load`` (issue 13 part 3);
``--plot`` on simulate network / stochastic-mass (part 4); the stochastic mass model's shot-noise default and the
explained order-parameter outputs (part 5).  Each command runs through ``shotnoise.validation.cli.main``."""
from __future__ import annotations

import json

import numpy as np
import pytest

from shotnoise.numerics import load, units
from shotnoise.numerics.conventions import CONVENTION
from shotnoise.validation.cli import build_parser, main

SINGLE = ["--eta-bar", "1", "--delta", "0.2", "--J", "-1", "--N", "200"]
RUN = ["--T", "60", "--dt", "0.01", "--transient", "10", "--seed", "3"]
EI = {"populations": {"E": {"N": 400, "eta_bar": 1.0, "Delta": 0.1, "tau": 1.0, "tau_s": 0.2},
                      "I": {"N": 100, "eta_bar": 0.5, "Delta": 0.1, "tau": 0.5, "tau_s": 0.3}},
      "coupling": {"E": {"E": 2.0, "I": -4.0}, "I": {"E": 3.0, "I": -2.0}}, "input": {"E": 0.0, "I": 0.0}}
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
SETTINGS = ("T", "dt", "transient", "segment", "bin_width")


def run(capsys, *argv):
    try:
        code = main([str(x) for x in argv])
    except SystemExit as e:
        code = e.code
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def ei(tmp_path):
    p = tmp_path / "ei.json"
    p.write_text(json.dumps(EI))
    return p


#: what every array the CLI writes is, stated here from the model tau dV/dt = V^2 + eta + I + J tau s (THEORY.md
#: section 10): V, v, eta dimensionless, time in units of tau, rates per unit time, spectra two-sided in angular
#: frequency ([x]^2 x time).  Each file's units must equal the one table's entry (shotnoise.numerics.units).
SERIES_QUANTITIES = {"t": "time", "r": "rate", "v": "voltage", "s": "rate", "activity": "rate", "activity_M": "rate",
                     "synaptic": "rate", "Z": "order_parameter", "r_Z": "rate", "v_Z": "voltage", "eta": "excitability",
                     "bin_width": "time", "order_parameter_interval": "time", "omega": "angular_frequency",
                     **{k + m: "rate_spectrum" for k in ("psd", "ci_low", "ci_high", "theory") for m in ("", "_M")}}
SPECTRUM_CSV_QUANTITIES = {"omega": "angular_frequency", "voltage": "voltage_spectrum", "shot": "rate_spectrum",
                           "activity": "rate_spectrum", "synaptic": "rate_spectrum", "rate": "rate_spectrum",
                           "subpopulation": "rate_spectrum", "cross_re": "rate_spectrum", "cross_im": "rate_spectrum"}


def _units_from_the_table(res, quantities: dict):
    """Every array's unit equals the table's unit of the quantity it is (circuit columns: QUANTITY_POPULATION)."""
    for name, u in res.units.items():
        stem = next(k for k in sorted(quantities, key=len, reverse=True) if name == k or name.startswith(k + "_"))
        assert u == units.unit(quantities[stem]), (res.path, name, u)
    assert units.UNITS_NOTE == res.metadata["conventions"]["units"]


def _common(res, *, kind: str, quantities: dict = SERIES_QUANTITIES):
    m = res.metadata
    assert m["kind"] == kind and m["format"] == "shotnoise-results" and m["shotnoise_version"]
    assert m["conventions"]["spectra"] == CONVENTION and "tau" in m["conventions"]["time"]
    assert set(m["units"]) == set(res.arrays) and all(m["units"].values())
    assert set(m["descriptions"]) == set(res.arrays)
    assert m["notes"]["options"]  # every parsed option
    _units_from_the_table(res, quantities)


def _same_spectrum(res, sp, row=None):
    pick = (lambda a: a) if row is None else (lambda a: a[row])
    assert np.array_equal(res["omega"], np.asarray(sp["omega"]))
    for k in ("psd", "ci_low", "ci_high"):
        assert np.array_equal(pick(res[k]), np.asarray(sp[k])), k


def test_simulate_mass_out_round_trips_in_both_formats(capsys, tmp_path):
    argv = ["simulate", "mass", "--eta-bar", "-5", "--delta", "1", "--J", "15", "--r0", "0.1", "--v0", "-2",
            "--T", "2", "--dt", "0.01", "--json"]
    for ext in (".npz", ".csv"):
        f = tmp_path / ("traj" + ext)
        code, out, _ = run(capsys, *argv, "--out", f)
        assert code == 0
        doc = json.loads(out)
        res = load(f)
        _common(res, kind="simulate mass")
        assert res.format == ext[1:] and set(res.arrays) == {"t", "r", "v"}
        assert res["r"][-1] == doc["r_final"] and res["t"][-1] == pytest.approx(2.0)
        assert res.metadata["parameters"] == doc["parameters"] and res.metadata["seed"] is None
        p = doc["parameters"]
        assert (p["T"], p["dt"], p["r0"], p["v0"], p["method"]) == (2.0, 0.01, 0.1, -2.0, "rk4")
        assert (res.units["t"], res.units["r"], res.units["v"]) == ("tau", "1/tau", "1")  # the table's, spelled out


def test_network_save_plot_and_json_parameters(capsys, tmp_path):
    f, png = tmp_path / "net.npz", tmp_path / "net.png"
    code, out, _ = run(capsys, "simulate", "network", *SINGLE, *RUN, "--M", "40", "--json", "--quiet",
                       "--save", f, "--plot", png)
    assert code == 0
    doc = json.loads(out)
    p = doc["parameters"]
    # the settings as used: segment defaulted to min(50, (T - transient)/4) = 12.5, bin to 0.02
    assert {k: p[k] for k in SETTINGS} == {"T": 60.0, "dt": 0.01, "transient": 10.0, "segment": 12.5,
                                           "bin_width": 0.02}
    assert p["seed"] == 3 and p["draw"] == "quantile" and p["N"] == 200
    assert "order-parameter" in doc["observables"]["mean_rate_Z"] and "not the mass model" in \
        doc["observables"]["mean_rate_Z"]
    res = load(f)
    _common(res, kind="simulate network")
    assert res.metadata["parameters"] == p and res.metadata["seed"] == 3
    assert "r_Z" in res.metadata["notes"]["mean_rate_Z"]
    _same_spectrum(res, doc["spectrum"])
    assert np.array_equal(res["theory"], np.asarray(doc["spectrum"]["theory"]))
    sub = doc["subpopulation"]["spectrum"]
    for k in ("psd", "ci_low", "ci_high", "theory"):
        assert np.array_equal(res[k + "_M"], np.asarray(sub[k])), k
    assert res["activity"].size == round(50 / 0.02) and res["activity_M"].size == res["activity"].size
    assert res["Z"].dtype == complex and res["r_Z"].size == res["Z"].size and res["eta"].size == 200
    assert float(res["bin_width"]) == 0.02
    # time axes: bin k starts at transient + k bin_width; Z sample k at transient + (k + 1) interval
    assert np.allclose(res["t_bins"], 10.0 + 0.02 * np.arange(res["activity"].size), rtol=0, atol=1e-12)
    dz = float(res["order_parameter_interval"])
    assert np.allclose(res["t_Z"], 10.0 + dz * np.arange(1, res["Z"].size + 1), rtol=0, atol=1e-12)
    assert res["t_Z"][-1] <= 60.0 + 1e-12 and set(res.keys()) == set(res) and "t_bins" in res
    assert png.read_bytes()[:8] == PNG_MAGIC and png.stat().st_size > 20_000
    assert sorted(x.name for x in tmp_path.iterdir()) == ["net.npz", "net.png"]


def test_stochastic_mass_defaults_to_colored_shot_noise_and_saves_everything(capsys, tmp_path):
    f, png = tmp_path / "sm.npz", tmp_path / "sm.png"
    code, out, _ = run(capsys, "simulate", "stochastic-mass", *SINGLE, *RUN, "--segment", "10", "--bin", "0.03",
                       "--json", "--save", f, "--plot", png)
    assert code == 0
    doc = json.loads(out)
    p = doc["parameters"]
    assert p["noise"] == "colored" and p["scheme"] == "heun" and p["seed"] == 3
    assert {k: p[k] for k in SETTINGS} == {"T": 60.0, "dt": 0.01, "transient": 10.0, "segment": 10.0,
                                           "bin_width": 0.03}
    assert doc["spectrum"]["theory"] is not None  # the shot-noise theory, not the white-noise one
    res = load(f)
    _common(res, kind="simulate stochastic-mass")
    assert res.metadata["parameters"] == p
    assert {"s", "r", "v", "t_bins", "bin_width", "omega", "psd", "ci_low", "ci_high", "theory"} == set(res.arrays)
    assert np.allclose(np.diff(res["t_bins"]), res["bin_width"]) and res["t_bins"][0] == res.parameters["transient"]
    _same_spectrum(res, doc["spectrum"])
    assert res["s"].size == res["r"].size == res["v"].size == 1666  # whole bins of 0.03 in 50
    assert np.mean(res["s"]) == pytest.approx(doc["mean_rate"], rel=1e-9)
    assert png.read_bytes()[:8] == PNG_MAGIC
    for text in (res.metadata["descriptions"]["theory"], res.metadata["notes"]["theory"]):
        assert "shot-noise theory" in text and "white" not in text, text


def test_white_noise_files_say_their_theory_is_the_white_noise_models(capsys, tmp_path):
    """``--noise white``: the saved "theory" is (r0/N)|1/(1 - J G)|^2, the diffusion-limit model's spectrum; the
    file's description and note say so (not "the shot-noise theory"), and the array differs from the shot-noise
    theory's on the same grid."""
    f, fc = tmp_path / "w.npz", tmp_path / "c.npz"
    short = ["--T", "30", "--dt", "0.01", "--transient", "5", "--seed", "3", "--segment", "5"]
    code, out, err = run(capsys, "simulate", "stochastic-mass", *SINGLE, *short, "--noise", "white", "--json",
                         "--save", f)
    assert code == 0, err
    doc = json.loads(out)
    res = load(f)
    _common(res, kind="simulate stochastic-mass")
    assert res.metadata["parameters"]["noise"] == "white"
    m = res.metadata
    for text in (m["descriptions"]["theory"], m["notes"]["theory"], doc["spectrum"]["theory_note"]):
        assert "white-noise (diffusion-limit)" in text and "(r0/N)|1/(1 - J G)|^2" in text, text
    assert "shot-noise theory's" not in res.metadata["descriptions"]["theory"]
    assert doc["warnings"][0].startswith("noise 'white' is the diffusion limit") and doc["theory_rate"] > 0
    code, _, err = run(capsys, "simulate", "stochastic-mass", *SINGLE, *short, "--noise", "colored", "--json",
                       "--save", fc)
    assert code == 0, err
    colored = load(fc)
    assert "shot-noise theory" in colored.metadata["descriptions"]["theory"]
    assert np.array_equal(res["omega"], colored["omega"])
    # different spectra, not a relabelling: both are deterministic theory on the same grid; measured largest
    # relative difference 0.090 (at omega = 2.5, the white intensity r0/N exceeds the shot spectrum there)
    assert np.max(np.abs(res["theory"] / colored["theory"] - 1)) > 0.05


@pytest.mark.parametrize("what", ["network", "stochastic-mass"])
def test_circuit_runs_save_and_plot(capsys, tmp_path, ei, what):
    f, png = tmp_path / "c.npz", tmp_path / "c.png"
    code, out, _ = run(capsys, "simulate", what, "--model", ei, "--T", "40", "--dt", "0.005", "--transient", "5",
                       "--json", "--quiet", "--save", f, "--plot", png)
    assert code == 0
    doc = json.loads(out)
    p = doc["parameters"]
    assert {k: p[k] for k in SETTINGS} == {"T": 40.0, "dt": 0.005, "transient": 5.0, "segment": 8.75,
                                           "bin_width": 0.02}
    assert p["noise" if what != "network" else "draw"] == ("colored" if what != "network" else "quantile")
    res = load(f)
    _common(res, kind="simulate %s (circuit)" % what)
    assert res.metadata["parameters"] == p and res["activity"].shape == (2, round(35 / 0.02))
    for row, n in enumerate(["E", "I"]):
        _same_spectrum(res, doc["run"]["spectra"][n], row=row)
        assert np.array_equal(res["theory"][row], np.asarray(doc["theory"]["spectrum"]["theory"]["auto"][n]))
    assert "rows: populations E, I" in res.metadata["descriptions"]["activity"]
    if what == "network":
        assert res["r_Z"].shape[0] == 2 and "order-parameter" in res.metadata["notes"]["mean_rate_Z"]
    assert png.read_bytes()[:8] == PNG_MAGIC


def test_spectrum_csv_round_trips(capsys, tmp_path, ei):
    f = tmp_path / "s.csv"
    code, out, _ = run(capsys, "spectrum", *SINGLE, "--M", "20", "--omega", "0.5,1,2,4", "--csv", f, "--json")
    assert code == 0
    doc = json.loads(out)
    res = load(f)
    _common(res, kind="spectrum", quantities=SPECTRUM_CSV_QUANTITIES)
    for k in ("omega", "shot", "activity", "rate", "voltage", "subpopulation"):
        assert np.array_equal(res[k], np.asarray(doc[k])), k
    assert res.metadata["parameters"]["fixed_point"]["r"] == doc["fixed_point"]["r"]
    assert (res.units["omega"], res.units["activity"], res.units["voltage"]) == ("rad/tau", "1/tau", "tau")
    fc = tmp_path / "c.csv"
    code, out, _ = run(capsys, "spectrum", "--model", ei, "--omega", "1,2", "--csv", fc, "--json")
    assert code == 0
    doc = json.loads(out)
    res = load(fc)
    _common(res, kind="spectrum", quantities=SPECTRUM_CSV_QUANTITIES)
    assert res.units["voltage_E"] == "tau" and res.units["cross_im_E|I"] == "1/tau"
    assert np.array_equal(res["activity_I"], np.asarray(doc["spectra"]["I"]["activity"]))
    assert np.array_equal(res["cross_re_E|I"], np.asarray(doc["cross"]["E|I"]["re"]))
    assert res.metadata["parameters"]["populations"]["E"]["N"] == 400


def test_map_out_reads_back(capsys, tmp_path):
    """``map --out``: the netCDF's attributes give parameters, seeds, version, conventions and units.  The points
    are computed here and put in ``<out>.parts`` first, so the command assembles the file without a cluster."""
    from shotnoise.validation import validity_map as vm
    from shotnoise.validation.map_engine import point_id, write_part
    from shotnoise.validation.map_point import compute_point

    out = tmp_path / "m.nc"
    settings = dict(T=60.0, dt=4e-3, bin_width=0.04, segment=20.0, transient=5.0)
    fixed = dict(vm.DEFAULTS, N=60.0)
    fixed.pop("J")
    specs = vm.grid_specs({"J": [-2.0, -1.0]}, fixed=fixed, seeds=[1, 2], **settings)
    parts = tmp_path / "m.nc.parts"
    parts.mkdir()
    for s in specs:
        write_part(parts, point_id(s), s, compute_point(s))
    code, _, err = run(capsys, "map", "--J", "-2,-1", "--N", "60", "--seeds", "2", "--T", "60", "--dt", "4e-3",
                       "--bin", "0.04", "--segment", "20", "--transient", "5", "--out", out, "--quiet")
    assert code == 0, err
    res = load(out)
    m = res.metadata
    assert res.format == "netcdf" and m["kind"] == "map" and m["shotnoise_version"]
    assert m["conventions"]["spectra"] == CONVENTION and m["seed"] == [1, 2]
    assert {k: m["parameters"][k] for k in SETTINGS} == {"T": 60.0, "dt": 4e-3, "transient": 5.0, "segment": 20.0,
                                                         "bin_width": 0.04}
    assert m["parameters"]["N"] == 60.0 and m["parameters"]["swept"] == ["J"]
    assert np.array_equal(res["J"], [-2.0, -1.0]) and res["rate_mean"].shape == (2,)
    assert m["units"]["rate_mean"] == "1/tau" and m["units"]["band_lo"] == "rad/tau"


@pytest.mark.parametrize("argv", [
    ["simulate", "network", *SINGLE, *RUN],
    ["simulate", "stochastic-mass", *SINGLE, *RUN],
])
@pytest.mark.parametrize("option,name", [("--plot", "x.png"), ("--save", "x.npz"), ("--plot", "x.pdf")])
def test_output_paths_are_checked_before_the_run(capsys, tmp_path, monkeypatch, argv, option, name):
    from shotnoise.validation import tasks

    def must_not_run(*a, **k):
        raise AssertionError("the simulation ran before the output path was checked")

    monkeypatch.setattr(tasks, "network_report", must_not_run)
    monkeypatch.setattr(tasks, "stochastic_mass_report", must_not_run)
    bad = tmp_path / "missing" / name
    code, out, err = run(capsys, *argv, option, bad)
    assert code == 2 and out == "" and option in err and list(tmp_path.iterdir()) == []


def test_help_shows_the_noise_default_and_explains_r_Z(capsys):
    from shotnoise.validation.commands_simulate import DEFAULT_NOISE
    from shotnoise.validation.tasks import DEFAULT_NOISE as TASKS_DEFAULT

    assert DEFAULT_NOISE == TASKS_DEFAULT == "colored"
    for what, needles in (("stochastic-mass", ["(default: colored)", "mass-white-vs-shot-noise"]),
                          ("network", ["r_Z", "order-parameter", "not the", "--plot"])):
        with pytest.raises(SystemExit):
            main(["simulate", what, "--help"])
        text = " ".join(capsys.readouterr().out.split())
        for n in needles:
            assert n in text, (what, n)
    p = build_parser()
    assert p.parse_args(["simulate", "stochastic-mass", "--T", "1", "--dt", "0.1"]).noise == "colored"


def test_plot_of_a_silent_network_without_theory(capsys, tmp_path):
    """No spikes and no fixed point: the figure says so instead of failing on log axes."""
    png = tmp_path / "z.png"
    code, out, err = run(capsys, "simulate", "network", "--eta-bar", "-1", "--delta", "0.05", "--J", "0", "--N", "10",
                         "--heterogeneity", "uniform", "--T", "5", "--dt", "0.01", "--segment", "1", "--json",
                         "--plot", png)
    assert code == 0, err
    doc = json.loads(out)
    assert doc["mean_rate"] == 0 and doc["spectrum"]["theory"] is None and doc["plot"] == str(png)
    assert png.read_bytes()[:8] == PNG_MAGIC
