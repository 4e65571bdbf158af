"""theory/THEORY.md is printed from the sympy sources (theory/document.py) and must be up to date."""
import os
import pathlib
import re
import subprocess
import sys

import pytest

from shotnoise.theory import document

#: the repository's committed file (the installed copy, package data, is what a non-editable install has)
REPO_FILE = pathlib.Path(__file__).resolve().parents[2] / "theory" / "THEORY.md"


@pytest.fixture(scope="module")
def text():
    return document.render()


def test_committed_document_is_up_to_date(text):
    for path in {REPO_FILE, document.PATH}:  # the repository's file and the installed one
        if path.exists() or path == document.PATH:
            assert path.read_bytes() == text.encode("utf-8"), (
                "%s is out of date: run `python -m shotnoise.theory.document --output theory/THEORY.md`" % path)


def test_rendering_is_deterministic(text):
    assert document.render() == text


def test_equation_numbers_unique_and_consecutive(text):
    tags = [int(t) for t in re.findall(r"\\tag\{(\d+)\}", text)]
    assert len(tags) == len(set(tags)), "duplicate equation numbers"
    assert tags == list(range(1, len(tags) + 1))
    assert sorted(info.number for info in document.EQUATIONS.values()) == tags


def test_every_registered_equation_appears(text):
    for key, info in document.EQUATIONS.items():
        assert document.equation_number(key) == info.number
        assert "\\tag{%d}\n$$" % info.number in text, key
        assert "<sub>(%d) %s &mdash; source: `%s`</sub>" % (info.number, info.title, info.source) in text, key
        assert "| (%d) | `%s` |" % (info.number, key) in text, key


def test_sources_resolve_to_theory_functions():
    for key, info in document.EQUATIONS.items():
        assert info.source.startswith("shotnoise.theory."), key
        assert callable(document._resolve(info.source[len("shotnoise.theory."):])), key


def test_no_unresolved_references(text):
    assert not re.search(r"\[\[[A-Za-z0-9_]+\]\]", text)
    with pytest.raises(KeyError):
        document.equation_number("no_such_equation")


def test_check_command(tmp_path, text, monkeypatch):
    monkeypatch.setattr(document, "render", lambda: text)  # the rendering itself is tested above
    out = tmp_path / "THEORY.md"
    assert document.main(["--check", "--output", str(out)]) == 1  # missing file
    assert document.main(["--output", str(out)]) == 0
    assert out.read_bytes() == text.encode("utf-8")
    assert document.main(["--check", "--output", str(out)]) == 0
    out.write_text(text + "edited\n", encoding="utf-8")
    assert document.main(["--check", "--output", str(out)]) == 1


def test_command_check_is_independent_of_hash_seed():
    """`python -m shotnoise.theory.document --check` in a fresh interpreter with another hash seed."""
    env = dict(os.environ, PYTHONHASHSEED="12345")
    proc = subprocess.run([sys.executable, "-m", "shotnoise.theory.document", "--check"], env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_display_math_is_balanced(text):
    blocks = re.findall(r"\$\$\n(.*?)\n\$\$", text, flags=re.S)
    assert len(blocks) >= len(document.EQUATIONS)
    for block in blocks:
        body = block.replace(r"\{", "").replace(r"\}", "")
        assert body.count("{") == body.count("}"), block
        assert body.count(r"\left") == body.count(r"\right"), block
        assert body.count(r"\begin{") == body.count(r"\end{"), block


def test_code_citations_point_to_existing_equations():
    """Docstrings cite "theory/THEORY.md eq(s). (N)"; every cited N must exist."""
    import pathlib
    import re

    from shotnoise.theory.document import EQUATIONS
    root = pathlib.Path(__file__).resolve().parents[2]
    numbers = {info.number for info in EQUATIONS.values()}
    cited = []
    for folder in ("theory", "numerics", "validation"):
        for f in (root / folder).rglob("*.py"):
            for m in re.finditer(r"THEORY\.md\s+eqs?\.\s+([^\n]*)", f.read_text()):
                cited += [(f.name, int(n)) for n in re.findall(r"\((\d+)\)", m.group(1))]
    assert len(cited) > 20
    assert not [c for c in cited if c[1] not in numbers]
