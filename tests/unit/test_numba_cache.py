"""numba's on-disk cache when the installation or HOME is not writable: a private fallback directory."""
import os
import subprocess
import sys

from shotnoise.numerics import numba_cache_dir


def test_fallback_only_when_numba_has_no_writable_locator(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")  # a path below a regular file can never be created, even by root
    fallback = numba_cache_dir(package_dir=str(blocker / "pkg"), user_cache=str(blocker / "cache"))
    assert fallback is not None and os.path.isdir(fallback) and os.access(fallback, os.W_OK)
    assert numba_cache_dir(package_dir=str(tmp_path / "pkg"), user_cache=None) is None
    assert numba_cache_dir(package_dir=str(blocker / "pkg"), user_cache=str(tmp_path / "cache")) is None


def test_kernels_cache_into_the_directory_given(tmp_path):
    env = dict(os.environ, NUMBA_CACHE_DIR=str(tmp_path))
    code = ("from shotnoise.numerics import Model; import numpy as np; "
            "print(Model(eta_bar=1.0, Delta=0.1, J=-1.0, N=10).operating_point().spectra(np.array([1.0])).shot[0])")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert float(out.stdout) > 0
    assert any(f.endswith(".nbi") for _, _, files in os.walk(tmp_path) for f in files)
