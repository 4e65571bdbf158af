"""The README's Python example runs as printed (three imports, theory vs simulation end to end)."""
import pathlib
import re

import numpy as np

README = pathlib.Path(__file__).resolve().parents[2] / "README.md"


def test_readme_python_example_runs(tmp_path, monkeypatch):
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), re.S)
    assert blocks, "README has no python example"
    code = blocks[0]
    assert len([ln for ln in code.splitlines() if ln.startswith(("import ", "from "))]) <= 3
    monkeypatch.chdir(tmp_path)
    ns: dict = {}
    exec(compile(code, "README.md", "exec"), ns)
    assert (tmp_path / "network_vs_theory.png").stat().st_size > 10_000
    op, net, est, exp = ns["op"], ns["net"], ns["est"], ns["exp"]
    assert np.array_equal(est.omega, exp.omega)
    # one random draw of N = 1000: the rate is within a few percent of the MPR rate (heavy-tailed draws)
    assert abs(net.mean_rate / op.r - 1) < 0.05
    # the estimate brackets the theory in most bins of the band around the shot-noise peak
    w1 = op.resonance().omega_peak
    sel = (est.omega > 0.5 * w1) & (est.omega < 3 * w1)
    inside = np.mean((est.ci_low[sel] <= exp.psd[sel]) & (exp.psd[sel] <= est.ci_high[sel]))
    assert inside > 0.8, inside


def test_readme_family_example_runs(capsys):
    """The heterogeneity example: multipole n = 3 and Gaussian print the nearly undamped mode near omega 1.69."""
    blocks = [b for b in re.findall(r"```python\n(.*?)```", README.read_text(), re.S) if "heterogeneity=" in b]
    assert len(blocks) == 1
    ns: dict = {}
    exec(compile(blocks[0], "README.md", "exec"), ns)
    res = ns["op"].resonance()  # the last one: the Gaussian
    assert abs(res.omega_res - 1.686) < 0.01 and 0 < res.damping < 1e-6
    assert "stable" in capsys.readouterr().out


def test_readme_load_example_runs(tmp_path, monkeypatch):
    """The result-file example reads back what `simulate network --save run.npz` wrote."""
    from shotnoise.validation.cli import main
    blocks = [b for b in re.findall(r"```python\n(.*?)```", README.read_text(), re.S) if "load(" in b]
    assert len(blocks) == 1
    monkeypatch.chdir(tmp_path)
    assert main(["simulate", "network", "--eta-bar", "1", "--delta", "0.2", "--J", "-1", "--N", "100", "--T", "30",
                 "--dt", "0.01", "--transient", "5", "--seed", "2", "--quiet", "--save", "run.npz"]) == 0
    ns: dict = {}
    exec(compile(blocks[0], "README.md", "exec"), ns)
    res = ns["res"]
    assert res.units["psd"] and res.parameters["segment"] == 6.25 and res.parameters["seed"] == 2
    assert res["psd"].shape == res["omega"].shape


def test_readme_second_order_example_runs():
    """The 'Beyond linear order' example: the rate shift c of the README text and the three new results."""
    blocks = [b for b in re.findall(r"```python\n(.*?)```", README.read_text(), re.S) if "order=2" in b]
    assert len(blocks) == 1
    ns: dict = {}
    exec(compile(blocks[0], "README.md", "exec"), ns)
    op, sp = ns["op"], ns["sp"]
    assert abs(op.rate_shift().c - 0.0427) < 5e-5  # the value quoted in the README
    assert sp.second_order.activity.shape == ns["w"].shape
    assert np.all(np.isfinite(ns["op"].order_parameter_spectra(ns["w"]).total["vZ"]))
