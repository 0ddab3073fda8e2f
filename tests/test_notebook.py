"""Notebooks as a source: IPython masking, positions, every code rule in cells,
CLI/JSON/SARIF output, fixes mapped back into cells, bad input."""

from __future__ import annotations

import json
import time
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from conftest import FIXTURES, run_tool
from mlwarden.commands.check import check_paths
from mlwarden.core.config import Config
from mlwarden.core.finding import Severity
from mlwarden.core.registry import all_rules
from mlwarden.sources import ShellLine, load
from mlwarden.sources.notebook import cell_source, mask_cell, raw_cells

ALL = Config(select=[r.id for r in all_rules()], severity=Severity.LOW)  # fixtures mark low findings too
#: this suite's notebook fixtures (MLW12x, MLW22x, MLW50x and fixtures/notebooks); other families test their own
NOTEBOOK_FIXTURES = sorted(
    p for p in (FIXTURES / "rules").glob("*.ipynb") if p.name[:5] in ("MLW12", "MLW22", "MLW50")
) + sorted((FIXTURES / "notebooks").glob("*.ipynb"))
KERNEL = {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}}


def write_nb(path: Path, *cells, metadata=None) -> Path:
    nb = new_notebook(metadata=dict(metadata if metadata is not None else KERNEL))
    nb.cells = list(cells)
    nbformat.write(nb, str(path))
    return path


def found(path: Path, config: Config = ALL):
    results, _ = check_paths([str(path)], config)
    errors = [e for r in results for e in r.errors]
    assert not errors, errors
    return [f for r in results for f in r.findings]


# ---------------------------------------------------------------------------
# fixtures: exact (cell, line, id)


@pytest.mark.parametrize("path", NOTEBOOK_FIXTURES, ids=lambda p: p.name)
def test_finding_file_line_points_into_the_ipynb(path):
    """SARIF's startLine: the .ipynb line holds the cell line that was flagged
    (or, for outputs, the start of the output)."""
    file_lines = path.read_text(encoding="utf-8").splitlines()
    nb = json.loads(path.read_text(encoding="utf-8"))
    findings = found(path)
    assert findings, f"{path.name}: a fixture with nothing to place tests nothing"
    for f in findings:
        text = file_lines[f.file_line - 1]
        if f.rule_id == "MLW501":
            assert text.strip() == "{", (f, text)
            assert '"outputs": [' in file_lines[f.file_line - 2]
            continue
        cell_line = cell_source(raw_cells(nb)[f.cell - 1], f.cell).splitlines()[f.line - 1]
        assert json.dumps(cell_line, ensure_ascii=False)[1:-1] in text, (f, text)
    # the outputs branch above runs for every cell the fixture marks (`# error: MLW501`)
    marked = [i for i, c in enumerate(raw_cells(nb), 1) if "error: MLW501" in cell_source(c, i)]
    assert marked == sorted({f.cell for f in findings if f.rule_id == "MLW501"}), path.name


# ---------------------------------------------------------------------------
# masking IPython syntax


def test_mask_line_structure_and_records():
    masked = mask_cell(
        "import torch as t\n"
        "%matplotlib inline\n"
        "!pip install torch==2.6 \\\n"
        "    numpy\n"
        "x = !ls *.pt\n"
        "t.load?\n"
        "??t.save\n"
        "if x:\n"
        "    %env A=1\n"
        "%pip install -q transformers\n"
        "pip install requests\n"
        "s = '''\n"
        "!not a command\n"
        "'''\n"
        "y = (1,\n"
        "     2)\n"
        "%time t.load('a')\n"
        "/print x"
    )
    assert masked.lines == [
        "import torch as t",
        "pass",
        "pass",
        "",
        "x = None",
        "pass",
        "pass",
        "if x:",
        "    pass",
        "pass",
        "pass",
        "s = '''",
        "!not a command",
        "'''",
        "y = (1,",
        "     2)",
        "t.load('a')",
        "pass",
    ]
    assert masked.records == [
        (2, 1, "line_magic", "matplotlib", "inline"),
        (3, 1, "shell", None, "pip install torch==2.6 numpy"),
        (5, 5, "shell", None, "ls *.pt"),
        (9, 5, "line_magic", "env", "A=1"),
        (10, 1, "line_magic", "pip", "install -q transformers"),
        (11, 1, "line_magic", "pip", "install requests"),
        (17, 1, "line_magic", "time", "t.load('a')"),
    ]
    assert masked.shifts[16] == len("%time ")


def test_mask_cell_magics():
    bash = mask_cell("%%bash\n# a comment\ncurl -fsSL https://x/i.sh \\\n  | sh\n\necho done")
    assert bash.lines == ["", "", "", "", "", ""]
    assert bash.cell_magic == "%%bash"
    assert bash.records == [
        (3, 1, "cell_magic", "bash", "curl -fsSL https://x/i.sh | sh"),
        (6, 1, "cell_magic", "bash", "echo done"),
    ]
    script = mask_cell("%%script /bin/sh --no-raise-error\nwget x")
    assert script.records == [(2, 1, "cell_magic", "sh", "wget x")]
    capture = mask_cell("\n%%capture\n!pip install x\nimport torch")
    assert capture.lines == ["", "", "pass", "import torch"]
    assert capture.records == [(3, 1, "shell", None, "pip install x")]
    html = mask_cell("%%writefile train.py\nimport pickle\npickle.load(f)")
    assert html.lines == ["", "", ""] and html.records == []
    python_script = mask_cell("%%script python\nimport os")
    assert python_script.records == []


def test_plain_python_is_untouched():
    code = "a = b != c\nd = {'%': 1}\nprint('!x')\nx = y % z\nf(a=1)\n# !pip install x\n"
    assert mask_cell(code).lines == code.splitlines()
    assert mask_cell(code).records == []


def test_leading_indent_is_dedented_with_column_shift():
    masked = mask_cell("    import torch\n    torch.load(p)")
    assert masked.lines == ["import torch", "torch.load(p)"]
    assert masked.shifts == [4, 4]


# ---------------------------------------------------------------------------
# the unit: shell lines, cells, positions


def test_unit_shell_lines_and_cells(tmp_path):
    path = write_nb(
        tmp_path / "nb.ipynb",
        new_markdown_cell("# title"),
        new_code_cell("%pip install torch\n!wget http://example.com/m.bin"),
        new_code_cell("%%bash\npip install numpy", outputs=[new_output("stream", name="stdout", text="ok\n")]),
    )
    unit = load(path, "notebook")
    file_lines = path.read_text().splitlines()
    assert [(r.cell, r.line, r.col, r.kind, r.magic, r.command) for r in unit.shell_lines] == [
        (2, 1, 1, "line_magic", "pip", "install torch"),
        (2, 2, 1, "shell", None, "wget http://example.com/m.bin"),
        (3, 2, 1, "cell_magic", "bash", "pip install numpy"),
    ]
    for record in unit.shell_lines:
        assert isinstance(record, ShellLine)
        assert record.command.split()[-1] in file_lines[record.file_line - 1]
    cells = unit.extra["cells"]
    assert [(c["index"], c["cell_type"]) for c in cells] == [(1, "markdown"), (2, "code"), (3, "code")]
    assert cells[2].cell_magic == "%%bash"
    (out_line,) = cells[2]["output_file_lines"]
    assert file_lines[out_line - 1].strip() == "{" and '"outputs"' in file_lines[out_line - 2]
    assert '"# title"' in file_lines[cells[0]["file_line"]]
    assert unit.extra["notebook"]["nbformat"] == 4


def test_names_resolve_across_cells_and_positions(tmp_path, run_cli):
    path = write_nb(
        tmp_path / "nb.ipynb",
        new_markdown_cell("intro"),
        new_code_cell("import torch as t\nfrom pickle import loads as L"),
        new_code_cell("x = 1\nstate = t.load(p)"),
        new_code_cell("obj = L(blob)  # noqa: MLW102"),
    )
    code, out, err = run_cli("check", "--select", "MLW101,MLW102", path)
    assert code == 1, err
    lines = out.splitlines()
    assert lines[0].startswith(f"{path}:cell 3:2:9: MLW102 ")
    assert lines[1].startswith(f"{path}:cell 4:1:7: MLW101 ")
    code, out, _ = run_cli("check", "--select", "MLW101,MLW102", "--format", "json", path)
    data = json.loads(out)
    assert [(f["cell"], f["line"], f["col"], f["rule_id"]) for f in data["findings"]] == [(3, 2, 9, "MLW102"), (4, 1, 7, "MLW101")]
    code, out, _ = run_cli("check", "--select", "MLW101,MLW102", "--format", "sarif", path)
    results = json.loads(out)["runs"][0]["results"]
    file_lines = path.read_text().splitlines()
    for result, (cell, line, needle) in zip(results, [(3, 2, "t.load(p)"), (4, 1, "L(blob)")]):
        region = result["locations"][0]["physicalLocation"]["region"]
        assert needle in file_lines[region["startLine"] - 1]
        assert result["properties"]["cell"] == cell and result["properties"]["cellLine"] == line


def test_noqa_in_cell(tmp_path):
    path = write_nb(tmp_path / "nb.ipynb", new_code_cell("import pickle\npickle.load(f)  # noqa: MLW101\npickle.loads(b)"))
    assert [(f.cell, f.line) for f in found(path, Config(select=["MLW101"]))] == [(1, 3)]


@pytest.mark.parametrize(
    "rule, line",
    [
        ("MLW301", "%pip install requests"),
        ("MLW301", "!pip install requests"),
        ("MLW221", "!curl -fsSL https://x.example/i.sh | sh"),
        ("MLW220", "!wget http://x.example/m.bin"),
        ("MLW120", "%env TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD=1"),
        ("MLW706", "!jupyter lab --ServerApp.token=''"),
    ],
)
def test_noqa_on_shell_lines_in_cells_and_ipy(tmp_path, rule, line):
    """Bug: the engine applied noqa only to findings without a cell, so a
    `# noqa: MLW301` on a `%pip install` line was ignored. One rule's noqa
    silences only that rule, on that line, in notebooks and .ipy alike."""
    config = Config(select=[rule])
    plain = write_nb(tmp_path / "plain.ipynb", new_code_cell(f"x = 1\n{line}"))
    assert [(f.cell, f.line, f.rule_id) for f in found(plain, config)] == [(1, 2, rule)]
    silenced = write_nb(tmp_path / "silenced.ipynb", new_code_cell(f"x = 1\n{line}  # noqa: {rule}"))
    assert found(silenced, config) == []
    other = write_nb(tmp_path / "other.ipynb", new_code_cell(f"x = 1\n{line}  # noqa: MLW999"))
    assert [(f.cell, f.line) for f in found(other, config)] == [(1, 2)]
    script = tmp_path / "s.ipy"
    script.write_text(f"x = 1\n{line}  # noqa: {rule}\n{line}\n")
    assert [(f.cell, f.line, f.rule_id) for f in found(script, config)] == [(None, 3, rule)]


def test_ipy_shell_line_positions_have_no_cell(tmp_path, run_cli):
    """Bug: `.ipy` findings on `%pip`/`!pip` lines printed `s.ipy:cell 0:2:14`."""
    script = tmp_path / "s.ipy"
    script.write_text("import os\n!pip install requests\n%pip install -q torch\n")
    code, out, err = run_cli("check", "--isolated", "--select", "MLW301", script)
    assert (code, err) == (1, "")
    assert [line.split(": MLW")[0] for line in out.splitlines()[:-1]] == [f"{script}:2:14", f"{script}:3:17"]
    assert "cell" not in out


def test_ipy_bad_requirement_error_names_the_line(tmp_path, run_cli):
    script = tmp_path / "s.ipy"
    script.write_text("import os\n%pip install 'torch>>2'\n")
    code, _out, err = run_cli("check", "--isolated", "--select", "MLW301", script)
    assert code == 2
    assert err.startswith(f"{script}:2: cannot parse requirement 'torch>>2'"), err


def test_directory_walk_picks_up_notebooks(tmp_path, run_cli):
    write_nb(tmp_path / "a.ipynb", new_code_cell("import pickle\npickle.load(f)"))
    (tmp_path / ".ipynb_checkpoints").mkdir()
    write_nb(tmp_path / ".ipynb_checkpoints" / "a-checkpoint.ipynb", new_code_cell("import pickle\npickle.load(f)"))
    code, out, err = run_cli("check", "--isolated", "--select", "MLW101", tmp_path)
    assert code == 1, err
    assert out.splitlines()[:-1] == [f"{tmp_path / 'a.ipynb'}:cell 1:2:1: MLW101 " + out.splitlines()[0].split(" MLW101 ", 1)[1]]
    assert "(1 file checked)" in out


def test_cell_fallback_names_only_the_bad_cell(tmp_path, run_cli):
    path = write_nb(
        tmp_path / "nb.ipynb",
        new_code_cell("import pickle"),
        new_code_cell("print 'python 2', pickle.load(g)"),
        new_code_cell("import pickle\npickle.load(f)"),
    )
    code, out, err = run_cli("check", "--isolated", "--select", "MLW101", path)
    assert code == 2
    assert err.startswith(f"{path}:cell 2: syntax error")
    assert len(err.strip().splitlines()) == 1
    assert f"{path}:cell 3:2:1: MLW101 " in out


def test_non_python_kernel_has_no_code_view(tmp_path):
    meta = {"kernelspec": {"name": "ir", "language": "R", "display_name": "R"}, "language_info": {"name": "R"}}
    path = write_nb(tmp_path / "r.ipynb", new_code_cell("library(x)\nx <- readRDS('a.rds')"), metadata=meta)
    assert found(path) == []
    assert load(path, "notebook").code is None


def test_source_as_string_or_list_same_findings(tmp_path):
    nb = {
        "cells": [
            {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": "import pickle\npickle.load(f)\n"},
            {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": ["x = 1\n", "pickle.loads(b)"]},
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    pretty = tmp_path / "pretty.ipynb"
    pretty.write_text(json.dumps(nb, indent=1))
    one_line = tmp_path / "one_line.ipynb"
    one_line.write_text(json.dumps(nb))
    config = Config(select=["MLW101"])
    assert [(f.cell, f.line) for f in found(pretty, config)] == [(1, 2), (2, 2)]
    assert [(f.cell, f.line, f.file_line) for f in found(one_line, config)] == [(1, 2, 1), (2, 2, 1)]
    lines = pretty.read_text().splitlines()
    assert [lines[f.file_line - 1].strip() for f in found(pretty, config)] == [
        '"source": "import pickle\\npickle.load(f)\\n"',
        '"pickle.loads(b)"',
    ]


def test_nbformat3_notebook(tmp_path):
    nb = {
        "metadata": {"name": "old"},
        "nbformat": 3,
        "nbformat_minor": 0,
        "worksheets": [
            {
                "cells": [
                    {"cell_type": "heading", "level": 1, "metadata": {}, "source": ["Old notebook"]},
                    {"cell_type": "code", "collapsed": False, "input": ["import pickle\n", "!wget http://example.com/a.pkl\n", "pickle.load(f)"],
                     "language": "python", "metadata": {}, "outputs": [], "prompt_number": 3},
                ],
                "metadata": {},
            }
        ],
    }
    path = tmp_path / "v3.ipynb"
    path.write_text(json.dumps(nb, indent=1))
    assert {(f.cell, f.line, f.rule_id) for f in found(path, Config(select=["MLW101", "MLW220"]))} == {(2, 3, "MLW101"), (2, 2, "MLW220")}
    lines = path.read_text().splitlines()
    assert [lines[f.file_line - 1].strip() for f in found(path, Config(select=["MLW101"]))] == ['"pickle.load(f)"']


def test_ipy_script(tmp_path, run_cli):
    path = tmp_path / "setup.ipy"
    path.write_text("import torch\n!curl -fsSL https://x.example/i.sh | sh\n%env TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD=1\ntorch.load(p)\n")
    code, out, _ = run_cli("check", "--isolated", "--select", "MLW102,MLW120,MLW221", path)
    assert code == 1
    assert [line.split(": ")[0] + " " + line.split(" ")[1] for line in out.splitlines()[:-1]] == [
        f"{path}:2:1 MLW221",
        f"{path}:3:1 MLW120",
        f"{path}:4:1 MLW102",
    ]


# ---------------------------------------------------------------------------
# fixes mapped back into cells


def _fix_unit(path: Path):
    from mlwarden.core.engine import check_unit

    unit = load(path, "notebook")
    result = check_unit(unit, [r for r in all_rules() if r.id == "MLW102"], Config(select=["MLW102"]))
    edits = [e for f in result.findings for e in f.fix.edits]
    view = result.findings[0].fix.view
    return unit, view.apply_edits(unit, edits)


@pytest.mark.parametrize("indent", [1, 2, None])
def test_apply_edits_changes_only_the_edited_cell(tmp_path, indent):
    nb = {
        "cells": [
            {"cell_type": "markdown", "metadata": {}, "source": ["é ü — notes\n", "more"]},
            {"cell_type": "code", "execution_count": 2, "metadata": {"tags": ["x"]}, "outputs": [{"output_type": "stream", "name": "stdout", "text": ["ok\n"]}],
             "source": ["import torch\n", "%matplotlib inline\n", "state = torch.load(\n", "    p)\n", "x = 'é'"]},
            {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": "  y = torch.load(q)"},
        ],
        "metadata": {"kernelspec": {"name": "python3", "language": "python", "display_name": "P"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path = tmp_path / "nb.ipynb"
    original = json.dumps(nb, indent=indent, ensure_ascii=False) + "\n"
    path.write_text(original, encoding="utf-8")
    _unit, new = _fix_unit(path)
    after = json.loads(new.decode("utf-8"))
    assert after["cells"][1]["source"] == ["import torch\n", "%matplotlib inline\n", "state = torch.load(\n", "    p, weights_only=True)\n", "x = 'é'"]
    assert after["cells"][2]["source"] == "  y = torch.load(q, weights_only=True)"
    # everything else is byte for byte what it was
    expected = dict(nb)
    expected["cells"] = [nb["cells"][0], {**nb["cells"][1], "source": after["cells"][1]["source"]}, {**nb["cells"][2], "source": after["cells"][2]["source"]}]
    assert new.decode("utf-8") == json.dumps(expected, indent=indent, ensure_ascii=False) + "\n"


# ---------------------------------------------------------------------------
# bad input: one line, exit 2, the other files still checked, nothing written

BAD_INPUTS = {
    "invalid_json.ipynb": (b'{"cells": [', "cannot parse notebook: invalid JSON at line 1 column 12"),
    "list.ipynb": (b"[1, 2]", "not a Jupyter notebook: the JSON is list, not an object"),
    "other.ipynb": (b'{"name": "package.json"}', 'not a Jupyter notebook: no "nbformat" and no "cells"'),
    "empty.ipynb": (b"", "empty file, not a notebook"),
    "v2.ipynb": (b'{"nbformat": 2, "worksheets": []}', "unsupported notebook format: nbformat 2"),
    "bad_source.ipynb": (b'{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [{"cell_type": "code", "source": 7}]}',
                         "cell 1: source is int, not a string or a list of strings"),
    "latin1.ipynb": (b'{"nbformat": 4, "cells": [], "metadata": {"x": "\xe9"}}', "cannot decode notebook as UTF-8"),
}


def test_bad_notebooks_are_one_line_errors(tmp_path, run_cli):
    for name, (raw, _reason) in BAD_INPUTS.items():
        (tmp_path / name).write_bytes(raw)
    good = write_nb(tmp_path / "good.ipynb", new_code_cell("import pickle\npickle.load(f)"))
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    code, out, err = run_cli("check", "--isolated", "--select", "MLW101", tmp_path)
    assert code == 2
    assert f"{good}:cell 1:2:1: MLW101" in out
    errors = err.strip().splitlines()
    assert len(errors) == len(BAD_INPUTS)
    for name, (_raw, reason) in BAD_INPUTS.items():
        (line,) = [e for e in errors if e.startswith(f"{tmp_path / name}: ")]
        assert reason in line
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


@pytest.mark.slow  # a large input: runs in CI and with --run-slow
def test_huge_output_blob_is_checked_quickly(tmp_path):
    blob = "A" * (100 * 1024 * 1024)
    path = write_nb(
        tmp_path / "big.ipynb",
        new_code_cell("import pickle\npickle.load(f)", outputs=[new_output("display_data", data={"image/png": blob})]),
        new_code_cell("pickle.loads(b)"),
    )
    start = time.perf_counter()
    result = found(path, Config(select=["MLW101", "MLW501"], severity=Severity.LOW))
    elapsed = time.perf_counter() - start
    assert [(f.cell, f.line, f.rule_id) for f in result] == [(1, 1, "MLW501"), (1, 2, "MLW101"), (2, 1, "MLW101")]
    assert elapsed < 20, elapsed


# ---------------------------------------------------------------------------
# flake8 does not read notebooks; nbqa runs it on the code cells (nbqa numbers
# code cells only: its cell_2 is the notebook's cell 3 here)


def test_nbqa_flake8_reports_our_findings(tmp_path):
    path = write_nb(
        tmp_path / "nb.ipynb",
        new_markdown_cell("intro"),
        new_code_cell("import torch\n%matplotlib inline\n!ls"),
        new_code_cell("state = torch.load('m.pt')"),
    )
    proc = run_tool("nbqa", "flake8", path.name, "--select", "MLW", cwd=tmp_path)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    (finding,) = found(path, Config())
    assert (finding.cell, finding.line, finding.col, finding.rule_id) == (3, 1, 9, "MLW102")
    (line,) = proc.stdout.splitlines()
    assert line.startswith("nb.ipynb:cell_2:1:9: MLW102 `torch.load` without `weights_only=True` can run code from the checkpoint"), line
    assert line.endswith("no torch>=2.6 pin was found; pass `weights_only=True` and require torch>=2.6"), line


# ---------------------------------------------------------------------------
# every code rule runs on notebooks: each Python rule fixture, cut into cells


def _cells_from_python(text: str):
    """Cut a module into cells before each top-level statement that follows a
    blank line; returns (cells, {file line: (cell, line in cell)})."""
    import ast

    lines = text.splitlines()
    starts = sorted({getattr(n, "lineno", 1) - len(getattr(n, "decorator_list", [])) for n in ast.parse(text).body})
    cuts = [0] + [s - 1 for s in starts if s > 1 and not lines[s - 2].strip()]
    cuts = sorted(set(cuts)) + [len(lines)]
    cells, where = [], {}
    for number, (a, b) in enumerate(zip(cuts, cuts[1:]), start=1):
        cells.append("\n".join(lines[a:b]))
        for offset in range(b - a):
            where[a + offset + 1] = (number, offset + 1)
    return cells, where


PY_RULE_FIXTURES = sorted((FIXTURES / "rules").glob("MLW*.py"))
CODE_IDS = {r.id for r in all_rules() if r.kind() == "code"}


@pytest.mark.parametrize("path", PY_RULE_FIXTURES, ids=lambda p: p.name)
def test_python_fixture_as_notebook(path, tmp_path):
    from mlwarden.testing import expected_markers

    text = path.read_text(encoding="utf-8")
    cells, where = _cells_from_python(text)
    nb_path = write_nb(tmp_path / (path.stem + ".ipynb"), *(new_code_cell(c) for c in cells))
    expected = {(*where[line], code) for line, code in expected_markers(text) if code in CODE_IDS}
    results, _ = check_paths([str(nb_path)], ALL)
    assert not [e for r in results for e in r.errors]
    got = {(f.cell, f.line, f.rule_id) for r in results for f in r.findings if f.rule_id in CODE_IDS}
    assert got == expected
