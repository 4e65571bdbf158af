"""Start-up hygiene: the quick commands do not import what they do not use (sympy, scipy.stats,
matplotlib, the density ufuncs compiled at import) -- checked by module, not by a timing."""
import json
import subprocess
import sys

HEAVY = ("sympy", "scipy.stats", "matplotlib", "shotnoise.numerics._generated.density_kernels")


def _modules_after(argv):
    code = ("import sys, json; from shotnoise.validation.cli import main; rc = main(%r); "
            "print(json.dumps([rc, sorted(m for m in sys.modules if m.startswith(%r))]))" % (argv, HEAVY))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    rc, loaded = json.loads(out.strip().splitlines()[-1])
    return rc, loaded


def test_fixed_points_and_spectrum_stay_light():
    rc, loaded = _modules_after(["fixed-points", "--eta-bar", "1", "--delta", "1", "--J", "0", "--json"])
    assert rc == 0 and loaded == [], loaded
    # spectrum checks its collective modes against the density g (how many of the N neurons fire within a mode's
    # damping width: validation.guards.mode_warnings), so it needs the density ufuncs, nothing heavier
    rc, loaded = _modules_after(["spectrum", "--eta-bar", "1", "--delta", "0.1", "--J", "-2", "--N", "100",
                                 "--omega", "1,2", "--json"])
    assert rc == 0 and loaded == ["shotnoise.numerics._generated.density_kernels"], loaded
