"""The language server's parts without a client: what the core install
imports, the missing-extra message, position conversion, notebook assembly,
``# noqa`` edits, configuration and pins, the scheduler's supersession, and
fix all on notebooks against the CLI's ``--fix``."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from lsprotocol import types

from mlwarden.server import convert
from mlwarden.server.actions import noqa_edit
from mlwarden.server.checks import check, fix_all
from mlwarden.server.documents import CellSnapshot, DiskNotebook, NotebookSnapshot, TextSnapshot, match_disk_cells, notebook_json
from mlwarden.server.project import Project, affects_project
from mlwarden.server.scheduler import Scheduler


def run_python(code: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-I", "-c", code], cwd=cwd, capture_output=True, text=True, timeout=120)


# ---------------------------------------------------------------------------
# the core install does not load the server


def test_mlwarden_check_never_imports_the_server(tmp_path):
    (tmp_path / "a.py").write_text("import torch\ntorch.load(p)\n")
    code = (
        "import sys\n"
        "from mlwarden.cli import main\n"
        "rc = main(['check', '--no-cache', 'a.py'])\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('pygls', 'lsprotocol', 'cattrs') or m.startswith('mlwarden.server'))\n"
        "print('LOADED', loaded, rc)\n"
    )
    result = run_python(code, tmp_path)
    assert "LOADED [] 1" in result.stdout, result.stdout + result.stderr  # it ran, found MLW102, loaded nothing of the server


def test_missing_server_extra_is_one_clear_line(tmp_path):
    code = (
        "import sys\n"
        "sys.modules['pygls'] = None  # as in an install without the server extra\n"
        "from mlwarden.cli import main\n"
        "sys.exit(main(['server']))\n"
    )
    result = run_python(code, tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        'mlwarden server: error: pygls is not installed; install the server extra: pip install "mlwarden[server]"'
    ]


# ---------------------------------------------------------------------------
# positions


@pytest.mark.parametrize(
    "line, col, utf16, utf8",
    [
        ("abc", 2, 2, 2),
        ("é = 1", 1, 1, 2),
        ("x = '🤗'; y", 6, 7, 9),  # an astral character: two UTF-16 units, four bytes
    ],
)
def test_client_units_and_back(line, col, utf16, utf8):
    assert convert.client_units(line[:col], "utf-16") == utf16
    assert convert.client_units(line[:col], "utf-8") == utf8
    assert convert.client_units(line[:col], "utf-32") == col
    assert convert.server_column(line, utf16, "utf-16") == col
    assert convert.server_column(line, utf8, "utf-8") == col


def test_lines_split_like_lsp_not_like_splitlines():
    # a form feed is not a line break for LSP (nor for Python's tokenizer)
    lines = convert.Lines("a\x0cb\r\nc\rd\n", "utf-16")
    assert lines.lines == ["a\x0cb", "c", "d", ""]
    assert lines.position(2, 1) == types.Position(line=2, character=1)
    assert lines.position(9, 0) == types.Position(line=3, character=0)  # clamped to the end


@pytest.mark.parametrize(
    "reason, expected",
    [
        ("cell 4: syntax error at line 2:5: invalid syntax", (4, 2, "syntax error at line 2:5: invalid syntax")),
        ("3: cannot parse requirement 'torch>='", (None, 3, "cannot parse requirement 'torch>='")),
        (" syntax error at line 7:1: unexpected EOF", (None, 7, "syntax error at line 7:1: unexpected EOF")),
        ("invalid TOML: Expected ']' (at line 1, column 9)", (None, 1, "invalid TOML: Expected ']' (at line 1, column 9)")),
        ("cannot read file: Permission denied", (None, None, "cannot read file: Permission denied")),
    ],
)
def test_error_location(reason, expected):
    assert convert.error_location(reason) == expected


# ---------------------------------------------------------------------------
# notebooks


def cell(kind: str, text: str, uri: str = "") -> CellSnapshot:
    return CellSnapshot(uri or f"cell:{kind}:{text}", kind, text)


def saved(kind: str, text: str, outputs=None) -> dict:
    out = {"cell_type": kind, "source": text, "metadata": {}}
    if kind == "code":
        out.update(outputs=outputs or [], execution_count=1 if outputs else None)
    return out


def test_disk_cells_match_by_source_then_by_order_between_matches():
    ours = [cell("markdown", "# T"), cell("code", "new cell"), cell("code", "a = 1  # edited"), cell("code", "b = 2")]
    disk = [saved("markdown", "# T"), saved("code", "a = 1"), saved("code", "b = 2"), saved("code", "deleted")]
    assert match_disk_cells(ours, disk) == {0: 0, 1: 1, 3: 2}  # "new cell" pairs with the edited slot...
    # ...unless the edited cell is the only change: then it keeps its own outputs
    assert match_disk_cells([cell("code", "a = 2"), cell("code", "b = 2")], [saved("code", "a = 1"), saved("code", "b = 2")]) == {0: 0, 1: 1}
    # a markdown cell never takes a code cell's outputs
    assert match_disk_cells([cell("markdown", "x")], [saved("code", "y")]) == {}


def test_notebook_json_carries_saved_outputs_and_metadata():
    output = {"output_type": "stream", "name": "stdout", "text": "hi\n"}
    disk = DiskNotebook(4, 4, {"kernelspec": {"name": "python3", "language": "python"}}, (saved("code", "print('hi')", [output]),))
    snap = NotebookSnapshot("file:///n.ipynb", None, "n.ipynb", 3, (cell("code", "print('hi')  # edited"), cell("markdown", "end")))
    nb = json.loads(notebook_json(snap, disk))
    assert nb["nbformat"] == 4 and nb["nbformat_minor"] == 4 and nb["metadata"]["kernelspec"]["name"] == "python3"
    assert nb["cells"][0]["source"] == "print('hi')  # edited" and nb["cells"][0]["outputs"] == [output]
    assert nb["cells"][1] == {"cell_type": "markdown", "metadata": {}, "source": "end"}


def test_fix_all_on_a_notebook_equals_cli_fix(tmp_path, capsys):
    import nbformat

    from mlwarden.cli import main

    sources = [("markdown", "# Data"), ("code", "import yaml"), ("code", "a = yaml.load(f)\nb = yaml.load(g)"), ("code", "c = yaml.load(h)")]
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell(s) if k == "markdown" else nbformat.v4.new_code_cell(s) for k, s in sources]
    path = tmp_path / "nb.ipynb"
    path.write_text(nbformat.writes(nb))
    cells = tuple(CellSnapshot(f"cell{i}", k, s, 1) for i, (k, s) in enumerate(sources))
    snap = NotebookSnapshot(path.as_uri(), path, str(path), 1, cells)
    changes = fix_all(snap, Project([tmp_path]), "utf-16")
    assert set(changes) == {"cell2", "cell3"}  # the untouched cells get no edit

    import lsp_helpers as h

    fixed = [h.apply_edits(c.text, changes.get(c.uri, [])) for c in cells]
    main(["check", "--fix", "--no-cache", str(path)])
    capsys.readouterr()
    assert fixed == ["".join(c["source"]) for c in json.loads(path.read_text())["cells"]]


# ---------------------------------------------------------------------------
# noqa


@pytest.mark.parametrize(
    "line, expected",
    [
        ("x = torch.load(p)", "x = torch.load(p)  # noqa: MLW102"),
        ("x = torch.load(p)   ", "x = torch.load(p)  # noqa: MLW102"),
        ("x = torch.load(p)  # noqa: MLW101", "x = torch.load(p)  # noqa: MLW101, MLW102"),
        ("x = torch.load(p)  # noqa", "x = torch.load(p)  # noqa  # noqa: MLW102"),  # flake8 keeps its bare noqa
        ("x = torch.load(p)  # noqa: MLW1", None),  # already silenced by prefix
        ("x = torch.load(p) + \\", None),  # a comment after a continuation is a syntax error
    ],
)
def test_noqa_edit(line, expected):
    text = f"import torch\n{line}\n"
    edit = noqa_edit(text, 1, "MLW102", "utf-16")
    if expected is None:
        assert edit is None
        return
    import lsp_helpers as h

    assert h.apply_edits(text, [edit]).splitlines()[1] == expected


def test_noqa_edit_refuses_a_line_ending_inside_a_string():
    text = 'import torch\nx = torch.load(p, map_location="""\ncpu""")\n'
    assert noqa_edit(text, 1, "MLW102", "utf-16") is None
    assert noqa_edit(text, 2, "MLW102", "utf-16") is not None  # the string ends on this line


# ---------------------------------------------------------------------------
# configuration and pins


def text_snapshot(path: Path, text: str, version: int = 1) -> TextSnapshot:
    return TextSnapshot(path.as_uri(), path, str(path), version, text, "python")


def test_pins_reload_after_invalidate_and_reach_unsaved_buffers(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "requirements.txt").write_text("torch>=2.4\n")
    project = Project([tmp_path])
    source = "import torch\nm = torch.load(p)\n"
    saved_file = tmp_path / "saved.py"
    saved_file.write_text(source)
    codes = lambda snap: [d.code for diags in check(snap, project, "utf-16").diagnostics.values() for d in diags]  # noqa: E731
    assert codes(text_snapshot(saved_file, source)) == ["MLW102"]

    (tmp_path / "requirements.txt").write_text("torch>=2.6\n")
    assert codes(text_snapshot(saved_file, source)) == ["MLW102"]  # cached: the pins of the first check
    project.invalidate()
    assert codes(text_snapshot(saved_file, source)) == []
    unsaved = tmp_path / "unsaved.py"
    assert codes(text_snapshot(unsaved, source)) == []  # not on disk: its directory's pins
    assert not unsaved.exists()


def test_nearest_config_and_its_errors(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.mlwarden]\nignore = ["MLW106"]\n')
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "pyproject.toml").write_text("[tool.mlwarden]\nseverity = 'nope'\n")
    project = Project([tmp_path])
    assert project.resolve(tmp_path / "a.py").config.ignore == ["MLW106"]
    broken = project.resolve(sub / "b.py")
    assert broken.error and "severity" in broken.error and broken.config.ignore == []


def test_affects_project():
    for name in ("pyproject.toml", "requirements-dev.txt", "requirements/base.txt", "environment.yml", "uv.lock", "setup.cfg", "Pipfile"):
        assert affects_project(Path("/p") / name), name
    for name in ("train.py", "notes.txt", "data.json"):
        assert not affects_project(Path("/p") / name), name


# ---------------------------------------------------------------------------
# scheduler


def test_a_request_during_a_check_supersedes_it():
    """The first check blocks until the test releases it; a second request
    arrives meanwhile: the first result is dropped, one more check runs with
    the newer state, and only its result is published."""
    from concurrent.futures import ThreadPoolExecutor

    state = {"version": 1}
    started, release = threading.Event(), threading.Event()
    published, dropped = [], []

    def job_for(key):
        version = state["version"]

        def job():
            if version == 1:
                started.set()
                release.wait(10)
            return version

        return job

    async def scenario():
        executor = ThreadPoolExecutor(1)
        scheduler = Scheduler(executor, job_for, lambda key, result: published.append(result), on_drop=dropped.append)
        scheduler.request("doc", 0)
        while not started.is_set():
            await asyncio.sleep(0.001)
        state["version"] = 2
        scheduler.request("doc", 0.01)
        scheduler.request("doc", 0.01)  # a burst: still one more check
        release.set()
        while scheduler.pending("doc"):
            await asyncio.sleep(0.001)
        executor.shutdown()

    asyncio.run(scenario())
    assert published == [2] and dropped == ["doc"]


def test_debounce_merges_a_burst_and_close_drops_the_pending_check():
    from concurrent.futures import ThreadPoolExecutor

    runs, published = [], []

    async def scenario():
        executor = ThreadPoolExecutor(1)
        scheduler = Scheduler(executor, lambda key: (lambda: runs.append(key) or key), lambda key, result: published.append(result))
        for _ in range(5):
            scheduler.request("a", 0.05)
        scheduler.request("b", 0.05)
        scheduler.forget("b")  # closed before its delay passed
        while scheduler.pending("a"):
            await asyncio.sleep(0.005)
        await asyncio.sleep(0.1)
        executor.shutdown()

    asyncio.run(scenario())
    assert runs == ["a"] and published == ["a"]
