"""Every fixture file, of every kind, reports exactly what it is marked with.

One test, one marker parser (:mod:`mlwarden.testing`): Python files,
requirements/pyproject/conda/Pipfile files, ``.env`` files and notebooks carry
``# error: MLWnnn`` markers on the offending line (in a notebook, on the cell
line); what cannot carry a comment (notebook outputs and metadata) is listed
in a ``*.findings.txt`` sidecar. Every rule is selected (opt-in ones too), so
nothing may be missing and nothing extra. Model files are binary: their
fixtures are the bullet lists ``fixtures/rules/MLW6*.md`` that
``tests/test_models.py`` builds and compares with the same parser.
"""

from __future__ import annotations

from pathlib import Path
from typing import Dict, List, Optional, Tuple

import pytest

from conftest import FIXTURES, ROOT
from mlwarden.core.config import Config
from mlwarden.core.finding import Severity
from mlwarden.core.registry import all_rules
from mlwarden.core.run import check_paths
from mlwarden.sources import classify
from mlwarden.testing import SIDECAR_SUFFIX, expected_places, found_places, sidecar_places

#: fixtures/rules/NAME.findings.txt describes this notebook
SIDECAR_TARGETS = {"MLW510": FIXTURES / "secrets" / "MLW510.ipynb", "MLW511": FIXTURES / "secrets" / "MLW511.ipynb"}


def _not_a_fixture(path: Path) -> bool:
    """Scripts that write fixtures (their markers are in strings), and the
    unreadable inputs of fixtures/deps/bad (tests/test_dependencies.py)."""
    rel = path.relative_to(FIXTURES).as_posix()
    return rel in ("notebooks/build.py", "secrets/make_fixtures.py") or rel.startswith("deps/bad/")


def fixture_files() -> List[Tuple[Path, Optional[Path]]]:
    """(fixture, sidecar or None) for every file a fixture test must cover."""
    out: List[Tuple[Path, Optional[Path]]] = []
    for path in sorted((FIXTURES / "rules").iterdir()):
        if path.name.endswith(SIDECAR_SUFFIX):
            out.append((SIDECAR_TARGETS[path.name[: -len(SIDECAR_SUFFIX)]], path))
        elif path.suffix != ".md":
            out.append((path, None))
    covered = {p for p, _ in out}
    for folder in ("notebooks", "secrets", "deps"):
        for path in sorted((FIXTURES / folder).rglob("*")):
            if path.is_file() and path not in covered and classify(path) is not None and not _not_a_fixture(path):
                out.append((path, None))
    return out


FIXTURE_FILES = fixture_files()


def all_selected() -> Config:
    """Every rule, every severity: a marker says a rule fires there, whatever its severity."""
    return Config(select=[r.id for r in all_rules()], root=ROOT, severity=Severity.LOW)


def findings_by_file(paths: List[Path]) -> Dict[Path, set]:
    results, _ = check_paths([str(p) for p in paths], all_selected())
    errors = [e for r in results for e in r.errors]
    assert not errors, errors
    out: Dict[Path, set] = {}
    for result in results:
        for finding in result.findings:
            out.setdefault(Path(finding.path).resolve(), set()).update(found_places([finding]))
    return out


def test_every_kind_has_fixtures():
    kinds = {classify(path) for path, _ in FIXTURE_FILES}
    assert {"python", "notebook", "requirements", "pyproject", "setup-cfg", "conda-env", "pipfile", "text"} <= kinds
    assert any(sidecar for _, sidecar in FIXTURE_FILES)


@pytest.mark.parametrize("path, sidecar", FIXTURE_FILES, ids=lambda p: str(p.relative_to(FIXTURES)) if p else "-")
def test_fixture_exact(path, sidecar):
    """Exactly the marked places and rules: nothing missing, nothing extra
    (an included file's findings are its own fixture's)."""
    expected = expected_places(path, sidecar)
    found = findings_by_file([path]).get(path.resolve(), set())
    assert found == expected, f"missing: {sorted(expected - found)}\nunexpected: {sorted(found - expected)}"


def test_marker_parser_reads_every_form(tmp_path):
    """The parser itself: comments, lists of ids, notebook cells, sidecars."""
    py = tmp_path / "a.py"
    py.write_text("x = 1  # error: MLW101\ny = 2  #error:MLW102 ,MLW103\nz = 3  # error MLW104\n")
    assert expected_places(py) == {("1", "MLW101"), ("2", "MLW102"), ("2", "MLW103")}
    nb = tmp_path / "a.ipynb"
    nb.write_text('{"nbformat": 4, "metadata": {}, "cells": [{"cell_type": "markdown", "source": "# error: MLW101"},'
                  ' {"cell_type": "code", "source": ["a = 1\\n", "b = 2  # error: MLW102\\n"]}]}')
    side = tmp_path / "a.findings.txt"
    side.write_text("# comment\ncell 2:output 1:3:7: MLW510  # error: MLW510\ncell 1:4:2: MLW401\n")
    assert expected_places(nb, side) == {("cell 2:2", "MLW102"), ("cell 2:output 1:3", "MLW510"), ("cell 1:4", "MLW401")}
    assert sidecar_places(side.read_text()) == {("cell 2:output 1:3", "MLW510"), ("cell 1:4", "MLW401")}
