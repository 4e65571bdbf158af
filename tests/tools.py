"""External tools the export tests run (gfortran, octave, xppaut, AUTO-07p, pdflatex, the ecosystem Python).

Outside CI a missing tool skips its test; in CI (``SHOTNOISE_REQUIRE_TOOLS=1``, set by ``.ci/run``, which also
installs the tools) a missing tool fails the test, so an export that is no longer run in its tool cannot pass
silently.  Julia is the exception: it is not in this machine's package sources, so the Julia export keeps a
syntax check that needs ``julia`` and is skipped without it (README).
"""
from __future__ import annotations

import os
import shutil

import pytest

#: set by .ci/run: every tool below must be present
REQUIRED = os.environ.get("SHOTNOISE_REQUIRE_TOOLS", "") == "1"
#: tools that CI does not install (no package source on this machine)
OPTIONAL = {"julia"}


def require_tool(name: str) -> str:
    """Path of the executable ``name``; skip (outside CI) or fail (in CI) when it is missing."""
    path = shutil.which(name)
    if path is None:
        if REQUIRED and name not in OPTIONAL:
            pytest.fail("%s is required in CI (SHOTNOISE_REQUIRE_TOOLS=1) but is not on PATH" % name)
        pytest.skip("%s not installed" % name)
    return path


def ecosystem_python() -> str:
    """The Python of the separate environment with tvb-library, pyrates, jitcode and jitcsde
    (``SHOTNOISE_ECOSYSTEM_PYTHON``; ``.ci/run`` creates it); skip outside CI when it is not set up."""
    path = os.environ.get("SHOTNOISE_ECOSYSTEM_PYTHON", "")
    if not path or not os.access(path, os.X_OK):
        if REQUIRED:
            pytest.fail("SHOTNOISE_ECOSYSTEM_PYTHON must name the ecosystem environment's python in CI, got %r"
                        % path)
        pytest.skip("no ecosystem environment (set SHOTNOISE_ECOSYSTEM_PYTHON; see .ci/run)")
    return path
