"""Python reads an indentation tab as the step to the next multiple of
eight columns, so a block indented with tabs inside a class indented with
spaces is valid; libcst's tokenizer refuses that mix. Such files are
checked (their findings at the file's own columns), and never fixed."""

from __future__ import annotations

import ast
import json

import pytest

from mlwarden.core.config import Config
from mlwarden.core.engine import check_source
from mlwarden.core.finding import Severity

MIXED = (
    "import pickle\n"
    "import torch as T\n"
    "\n"
    "\n"
    "class Store:\n"
    "    def keep(self):\n"
    "        return 1\n"
    "\n"
    "    def restore(self, blob):\n"
    "\t\t    data = pickle.loads(blob)  # two tabs = 16 columns, then 4 spaces\n"
    "\t\t    return data\n"
    "\n"
    "    def weights(self, path):\n"
    "\t\t    return T.load(path)\n"
    "\n"
    "\n"
    "def plain(blob):\n"
    "    return pickle.loads(blob)\n"
)


def findings(code, name="store.py", full=False, kind="python"):
    result = check_source(code, name, config=Config(severity=Severity.LOW), full=full, kind=kind)
    assert result.errors == []
    return result.findings


def test_python_accepts_the_sample_and_libcst_does_not():
    import libcst

    ast.parse(MIXED)
    with pytest.raises(libcst.ParserSyntaxError):
        libcst.parse_module(MIXED)


@pytest.mark.parametrize("full", [False, True])
def test_findings_at_the_files_own_columns(full):
    got = sorted((f.rule_id, f.line, f.col) for f in findings(MIXED, full=full))
    # line 10: two tabs, four spaces, `data = ` -> `pickle` is the 14th character
    assert got == [("MLW101", 10, 14), ("MLW101", 18, 12), ("MLW102", 14, 14)]


def test_no_fix_is_offered_on_a_retabbed_parse():
    mlw102 = [f for f in findings(MIXED) if f.rule_id == "MLW102"]
    assert mlw102 and all(f.fix is None for f in mlw102)
    # the same code indented with spaces keeps its fix
    spaced = MIXED.replace("\t\t    ", " " * 20)
    assert [f.fix is not None for f in findings(spaced) if f.rule_id == "MLW102"] == [True]


def test_fix_leaves_the_file_byte_for_byte(tmp_path, run_cli):
    path = tmp_path / "store.py"
    path.write_bytes(MIXED.encode())
    code, out, _err = run_cli("check", "--isolated", "--fix", "--unsafe-fixes", str(path))
    assert code == 1, out
    assert path.read_bytes() == MIXED.encode()
    assert "store.py:14:14: MLW102" in out


def test_a_notebook_cell_with_tabs():
    cell = "import pickle\nclass A:\n    def f(self, b):\n\t\t    return pickle.loads(b)\n"
    nb = {"cells": [{"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [], "source": cell}],
          "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    got = [(f.rule_id, f.cell, f.line, f.col) for f in findings(json.dumps(nb), "t.ipynb", kind="notebook")]
    assert got == [("MLW101", 1, 4, 14)]


def test_a_form_feed_before_the_tabs_keeps_the_columns():
    """A form feed inside a line is one line for Python and libcst (not for
    ``str.splitlines``): the re-indented lines are still numbered right."""
    code = MIXED.replace("        return 1\n", "        return 1  # \x0c page\n")
    for full in (False, True):
        got = sorted((f.rule_id, f.line, f.col) for f in findings(code, full=full))
        assert got == [("MLW101", 10, 14), ("MLW101", 18, 12), ("MLW102", 14, 14)]
