"""Parity: for every fixture file, the server's diagnostics are the CLI's
findings (same codes, same positions, same severities, the same fixes
offered) and it flags the same files as not fully checked.

The oracle is the real CLI (``mlwarden check --format json`` on the files,
as the pre-commit hook runs it); the server is the real process behind a
real client. Notebooks are opened through notebook sync, cell by cell, so a
cell finding must land on that cell's document at the cell-relative
position; a finding in a saved output lands on its cell's last line and a
notebook-metadata finding on the first cell's first line (the server's
documented placement: LSP has no document for outputs or metadata).

Model files are not compared: editors do not open binary files as text.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path
from typing import Dict, List, Tuple

import pytest

if sys.version_info < (3, 10):  # the test extra installs pytest-lsp only there
    pytest.skip("pytest-lsp 1.x needs Python >= 3.10 (the server itself runs on 3.9)", allow_module_level=True)

import pytest_lsp  # noqa: E402
from lsprotocol import types  # noqa: E402
from pytest_lsp import LanguageClient  # noqa: E402

import lsp_helpers as h  # noqa: E402

pytestmark = pytest.mark.asyncio(loop_scope="module")

REPO = Path(__file__).resolve().parent.parent
FIXTURE_GLOBS = ("fixtures/rules/*", "fixtures/demo/**/*", "fixtures/deps/**/*", "fixtures/secrets/*")
SEVERITY = {
    "critical": types.DiagnosticSeverity.Error,
    "high": types.DiagnosticSeverity.Error,
    "medium": types.DiagnosticSeverity.Warning,
    "low": types.DiagnosticSeverity.Information,
}

Key = Tuple[str, str, int, int, object]  # (uri, code, line, character, severity)


def fixture_files(base: Path = REPO) -> List[Path]:
    from mlwarden.sources import classify_explicit

    files = sorted({p for pattern in FIXTURE_GLOBS for p in base.glob(pattern) if p.is_file()})
    return [p for p in files if classify_explicit(p) != "model"]


@pytest_lsp.fixture(config=h.config(), scope="module")
async def client(lsp_client: LanguageClient):
    await h.initialize(lsp_client, REPO)
    yield
    await lsp_client.shutdown_session()


def run_cli(args: List[str], cwd: Path, capsys, monkeypatch) -> dict:
    from mlwarden.cli import main

    monkeypatch.chdir(cwd)
    capsys.readouterr()
    main(["check", "--format", "json", "--no-cache", *args])
    return json.loads(capsys.readouterr().out)


def utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def lines_of(text: str) -> List[str]:
    import re

    return re.split(r"\r\n|\r|\n", text)


class Document:
    """A fixture as the client opened it: one text document, or cells."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.cells: List[Tuple[str, str, str]] = []  # (uri, kind, source)
        self.text = ""
        if path.suffix == ".ipynb":
            nb = json.loads(path.read_text(encoding="utf-8"))
            sources = [(c["cell_type"], "".join(c["source"]) if isinstance(c["source"], list) else c["source"]) for c in nb["cells"]]
            self.cells = [(h.cell_uri(path, i), kind, src) for i, (kind, src) in enumerate(sources)]
        else:
            self.text = path.read_text(encoding="utf-8")

    @property
    def uris(self) -> List[str]:
        return [u for u, _k, _s in self.cells] if self.cells else [self.path.as_uri()]

    def open(self, client) -> None:
        if not self.cells:
            h.open_text(client, self.path, text=self.text, language="python" if self.path.suffix == ".py" else "plaintext")
            return
        client.notebook_document_did_open(
            types.DidOpenNotebookDocumentParams(
                notebook_document=types.NotebookDocument(
                    uri=self.path.as_uri(),
                    notebook_type="jupyter-notebook",
                    version=1,
                    cells=[
                        types.NotebookCell(kind=types.NotebookCellKind.Markup if k == "markdown" else types.NotebookCellKind.Code, document=u)
                        for u, k, _s in self.cells
                    ],
                ),
                cell_text_documents=[
                    types.TextDocumentItem(uri=u, language_id={"markdown": "markdown", "raw": "raw"}.get(k, "python"), version=1, text=s)
                    for u, k, s in self.cells
                ],
            )
        )

    def expected(self, finding: dict) -> Key:
        """Where the server must show a CLI finding."""
        code, severity = finding["rule_id"], SEVERITY[finding["severity"]]
        if not self.cells:
            line = lines_of(self.text)[finding["line"] - 1] if finding["line"] - 1 < len(lines_of(self.text)) else ""
            if self.path.suffix == ".ipynb":
                return (self.uris[0], code, finding["line"] - 1, 0, severity)
            return (self.uris[0], code, finding["line"] - 1, utf16(line[: finding["col"] - 1]), severity)
        if finding["cell"] is None:  # notebook metadata: first cell, first line
            uri, _kind, source = self.cells[0]
            return (uri, code, 0, _indent(lines_of(source)[0]), severity)
        uri, _kind, source = self.cells[finding["cell"] - 1]
        cell_lines = lines_of(source)
        if finding["output"] is not None:  # a saved output: the cell's last line
            return (uri, code, len(cell_lines) - 1, _indent(cell_lines[-1]), severity)
        line = cell_lines[finding["line"] - 1]
        return (uri, code, finding["line"] - 1, utf16(line[: finding["col"] - 1]), severity)


def _indent(line: str) -> int:
    return utf16(line[: len(line) - len(line.lstrip())])


async def compare(client, files: List[Path], report: dict, root: Path) -> int:
    """Open ``files``, wait for their diagnostics, compare with ``report``.
    Returns how many findings were compared."""
    documents = [Document(p) for p in files]
    start = h.mark(client)
    for doc in documents:
        doc.open(client)
    expected: Dict[str, List] = {}
    for finding in report["findings"]:
        path = (root / finding["path"]).resolve()
        doc = next(d for d in documents if d.path == path)
        expected.setdefault(str(path), []).append((doc.expected(finding), finding["fix"]))
    errors: Dict[str, int] = {}
    for line in report["errors"]:
        for doc in documents:
            rel = str(doc.path.relative_to(root))
            if line.startswith(rel + ":"):
                errors[str(doc.path)] = errors.get(str(doc.path), 0) + 1

    from mlwarden.sources import classify_explicit

    compared = 0
    silent = []
    for doc in documents:
        got: List[Tuple[Key, object]] = []
        problems = 0
        if classify_explicit(doc.path) is None:  # not a file mlwarden reads: nothing is published for it
            silent.append(doc)
            continue
        for uri in doc.uris:
            _u, _v, diagnostics = await h.wait_for(client, lambda u, v, d, uri=uri: u == uri, start)
            for d in diagnostics:
                if d.code is None:
                    problems += 1
                    continue
                fix = d.data.get("fix")
                got.append(((uri, d.code, d.range.start.line, d.range.start.character, d.severity), fix["safe"] if fix else None))
        want = [(key, fix["safe"] if fix else None) for key, fix in expected.get(str(doc.path), [])]
        assert sorted(got, key=repr) == sorted(want, key=repr), f"{doc.path.relative_to(root)}: server != CLI"
        assert problems == errors.get(str(doc.path), 0), f"{doc.path.relative_to(root)}: not-checked diagnostics != CLI errors"
        compared += len(want)
    # every other document has been answered by now; the silent ones got nothing
    # (except findings of a file that includes them, compared above through the CLI's paths)
    for doc in silent:
        want = [(key, fix["safe"] if fix else None) for key, fix in expected.get(str(doc.path), [])]
        got = [
            ((u, d.code, d.range.start.line, d.range.start.character, d.severity), d.data["fix"]["safe"] if d.data.get("fix") else None)
            for u, _v, diags in client.published[start:]
            if u in doc.uris
            for d in diags
        ]
        assert sorted(got, key=repr) == sorted(want, key=repr), f"{doc.path.relative_to(root)}: server != CLI"
        compared += len(want)
    return compared


QUICK = ("fixtures/demo/", "fixtures/secrets/", "fixtures/deps/includes/", "fixtures/deps/bad/", "fixtures/rules/MLW201", "fixtures/rules/MLW102", "fixtures/rules/MLW401")


async def test_parity_with_the_cli_on_a_sample(client, capsys, monkeypatch):
    """The default run's share: a notebook with cells of every kind, saved
    outputs and metadata, includes, unreadable files, secrets."""
    files = [p for p in fixture_files() if str(p.relative_to(REPO)).startswith(QUICK)]
    report = run_cli([str(p.relative_to(REPO)) for p in files], REPO, capsys, monkeypatch)
    assert await compare(client, files, report, REPO) >= 30


@pytest.mark.slow
async def test_parity_with_the_cli_on_every_fixture(client, capsys, monkeypatch):
    files = fixture_files()
    assert len(files) > 60  # the globs still find the fixtures
    report = run_cli([str(p.relative_to(REPO)) for p in files], REPO, capsys, monkeypatch)
    compared = await compare(client, files, report, REPO)
    assert compared >= 100 and report["errors"], "the fixtures should exercise findings and unreadable input"


@pytest.mark.slow
async def test_parity_with_every_rule_enabled_from_the_nearest_config(client, tmp_path, capsys, monkeypatch):
    """Opt-in rules and low severities, from a ``[tool.mlwarden]`` the server
    must find on its own (the nearest config above each file)."""
    for pattern in ("fixtures/rules/*", "fixtures/secrets/*"):
        for path in REPO.glob(pattern):
            target = tmp_path / path.relative_to(REPO)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
    (tmp_path / "pyproject.toml").write_text(
        '[tool.mlwarden]\nselect = ["MLW1", "MLW2", "MLW3", "MLW4", "MLW5", "MLW7", "MLW9"]\nseverity = "low"\n'
    )
    files = [p for p in fixture_files(tmp_path) if p.name != "pyproject.toml"]
    report = run_cli([str(p.relative_to(tmp_path)) for p in files], tmp_path, capsys, monkeypatch)
    assert {"MLW501", "MLW901"} <= {f["rule_id"] for f in report["findings"]}  # the opt-in rules ran
    assert await compare(client, files, report, tmp_path) >= 100
