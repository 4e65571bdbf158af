"""CITATION.cff and the README's citations agree with the package (issue 13 part 6)."""
import pathlib
import re
import subprocess
import sys

from shotnoise.validation.cli import version

ROOT = pathlib.Path(__file__).resolve().parents[2]
DOIS = ("10.1103/PhysRevE.106.L062302", "10.1103/PhysRevX.5.021028")


def test_citation_file_has_the_package_version_and_the_papers():
    text = (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    assert re.search(r"^cff-version: 1\.2\.0$", text, re.M)
    pyproject = (ROOT / "pyproject.toml").read_text()
    declared = re.search(r'^version = "([^"]+)"', pyproject, re.M).group(1)
    assert re.search(r"^version: %s$" % re.escape(declared), text, re.M)
    for doi in DOIS:
        assert "doi: %s" % doi in text


def test_readme_cites_mpr_and_the_seed_paper_with_dois():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    for doi in DOIS:
        assert "https://doi.org/%s" % doi in text


def test_version_flag_prints_the_installed_version():
    out = subprocess.run([sys.executable, "-m", "shotnoise.validation.cli", "--version"], capture_output=True,
                         text=True, check=True).stdout.strip()
    assert out == "shotnoise %s" % version()
    assert version()[0].isdigit()
