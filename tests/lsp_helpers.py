"""A real LSP client for the ``mlwarden server`` tests (pytest-lsp over the
real server process), with what the tests need on top: every
``publishDiagnostics`` with its version, waiting for a given version,
applying text edits as an editor would, and notebook documents."""

from __future__ import annotations

import asyncio
import json
import re
import sys
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

from lsprotocol import types

try:  # pytest-lsp needs Python >= 3.10
    from pytest_lsp import ClientServerConfig, LanguageClient
    from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features
except ImportError:  # pragma: no cover - the test modules skip with a reason
    ClientServerConfig = LanguageClient = None  # type: ignore[assignment,misc]

#: never ``python -m`` from the repository root (design.md, trust principle 2)
SERVER_COMMAND = [sys.executable, "-I", "-m", "mlwarden", "server"]

TIMEOUT = 30.0


def make_client() -> "LanguageClient":
    """pytest-lsp's client, recording every diagnostics notification."""
    client = LanguageClient()
    client.published = []  # type: ignore[attr-defined]  # [(uri, version, diagnostics)]
    client.applied_edits = []  # type: ignore[attr-defined]
    client.changed = asyncio.Event()  # type: ignore[attr-defined]

    def publish(ls: "LanguageClient", params: types.PublishDiagnosticsParams) -> None:
        ls.diagnostics[params.uri] = params.diagnostics
        ls.published.append((params.uri, params.version, list(params.diagnostics)))  # type: ignore[attr-defined]
        ls.changed.set()  # type: ignore[attr-defined]

    def apply_edit(ls: "LanguageClient", params: types.ApplyWorkspaceEditParams) -> types.ApplyWorkspaceEditResult:
        ls.applied_edits.append(params)  # type: ignore[attr-defined]
        return types.ApplyWorkspaceEditResult(applied=True)

    def register(ls: "LanguageClient", params: types.RegistrationParams) -> None:
        ls.registrations.extend(params.registrations)  # type: ignore[attr-defined]

    client.registrations = []  # type: ignore[attr-defined]
    features = dict(DEFAULT_CLIENT_FEATURES)
    features[types.CLIENT_REGISTER_CAPABILITY] = register
    features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = publish
    features[types.WORKSPACE_APPLY_EDIT] = apply_edit
    register_lsp_features(client, features)
    return client


def config(*extra: str) -> "ClientServerConfig":
    return ClientServerConfig(server_command=[*SERVER_COMMAND, *extra], client_factory=make_client)


def capabilities(*, resolve: bool = True, watch: bool = True, document_changes: bool = True, utf8: bool = False) -> types.ClientCapabilities:
    """What a current VS Code advertises, as far as these tests need."""
    return types.ClientCapabilities(
        general=types.GeneralClientCapabilities(position_encodings=[types.PositionEncodingKind.Utf8] if utf8 else None),
        workspace=types.WorkspaceClientCapabilities(
            workspace_edit=types.WorkspaceEditClientCapabilities(document_changes=document_changes),
            did_change_watched_files=types.DidChangeWatchedFilesClientCapabilities(dynamic_registration=watch),
            apply_edit=True,
        ),
        text_document=types.TextDocumentClientCapabilities(
            code_action=types.CodeActionClientCapabilities(
                resolve_support=types.ClientCodeActionResolveOptions(properties=["edit"]) if resolve else None,
                data_support=True,
            ),
            hover=types.HoverClientCapabilities(content_format=[types.MarkupKind.Markdown]),
            publish_diagnostics=types.PublishDiagnosticsClientCapabilities(version_support=True, data_support=True),
        ),
        notebook_document=types.NotebookDocumentClientCapabilities(
            synchronization=types.NotebookDocumentSyncClientCapabilities(dynamic_registration=False)
        ),
    )


async def initialize(client: "LanguageClient", root: Path, *, options: Optional[Dict[str, Any]] = None, **caps) -> types.InitializeResult:
    return await client.initialize_session(
        types.InitializeParams(
            capabilities=capabilities(**caps),
            root_uri=root.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name=root.name)],
            initialization_options=options,
        )
    )


async def wait_for(client: "LanguageClient", predicate, start: int = 0, timeout: float = TIMEOUT) -> Tuple[str, Optional[int], List[types.Diagnostic]]:
    """The first ``publishDiagnostics`` after the first ``start`` ones for
    which ``predicate(uri, version, diagnostics)`` holds (waiting for it)."""
    seen = start
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        published = client.published  # type: ignore[attr-defined]
        for item in published[seen:]:
            if predicate(*item):
                return item
        seen = max(seen, len(published))
        remaining = deadline - loop.time()
        if remaining <= 0:
            got = [(u, v, len(d)) for u, v, d in published[start:]]
            raise AssertionError(f"no matching publishDiagnostics within {timeout} s; {len(got)} others, the last: {got[-5:]}")
        client.changed.clear()  # type: ignore[attr-defined]
        if len(client.published) > seen:  # type: ignore[attr-defined]
            continue
        try:
            await asyncio.wait_for(client.changed.wait(), remaining)  # type: ignore[attr-defined]
        except asyncio.TimeoutError:
            pass


async def diagnostics(client: "LanguageClient", uri: str, version: Optional[int] = None, start: int = 0) -> List[types.Diagnostic]:
    """The first diagnostics published for ``uri`` (at ``version``, if given)
    after the first ``start`` notifications."""
    _uri, _version, found = await wait_for(client, lambda u, v, d: u == uri and (version is None or v == version), start)
    return found


def mark(client: "LanguageClient") -> int:
    """How many notifications came so far (``start`` for the next wait)."""
    return len(client.published)  # type: ignore[attr-defined]


def open_text(client: "LanguageClient", path: Path, text: Optional[str] = None, language: str = "python", version: int = 1) -> str:
    uri = path.as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id=language, version=version, text=path.read_text() if text is None else text)
        )
    )
    return uri


def change_text(client: "LanguageClient", uri: str, version: int, text: str) -> None:
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


# ---------------------------------------------------------------------------
# edits, as an editor applies them


_BREAK = re.compile(r"\r\n|\r|\n")


def _offset(text: str, position: types.Position, encoding: str = "utf-16") -> int:
    starts = [0] + [m.end() for m in _BREAK.finditer(text)]
    line_start = starts[position.line] if position.line < len(starts) else len(text)
    line_end = starts[position.line + 1] if position.line + 1 < len(starts) else len(text)
    units = 0
    index = line_start
    while index < line_end and units < position.character:
        char = text[index]
        units += len(char.encode("utf-8")) if encoding == "utf-8" else (2 if ord(char) > 0xFFFF else 1)
        index += 1
    return index


def apply_edits(text: str, edits: Sequence[types.TextEdit], encoding: str = "utf-16") -> str:
    spans = sorted(((_offset(text, e.range.start, encoding), _offset(text, e.range.end, encoding), e.new_text) for e in edits), reverse=True)
    for start, end, new in spans:
        text = text[:start] + new + text[end:]
    return text


def edits_by_uri(edit: types.WorkspaceEdit) -> Dict[str, List[types.TextEdit]]:
    out: Dict[str, List[types.TextEdit]] = {}
    for uri, edits in (edit.changes or {}).items():
        out.setdefault(uri, []).extend(edits)
    for change in edit.document_changes or []:
        out.setdefault(change.text_document.uri, []).extend(change.edits)  # type: ignore[union-attr]
    return out


# ---------------------------------------------------------------------------
# notebooks


def cell_uri(notebook: Path, index: int) -> str:
    """VS Code's cell URI shape (the scheme and fragment are the client's)."""
    return f"vscode-notebook-cell:{notebook.as_posix()}#W{index}sZmlsZQ%3D%3D"


def open_notebook(client: "LanguageClient", path: Path, cells: Sequence[Tuple[str, str]], version: int = 1) -> List[str]:
    """Open ``cells`` ((kind, source), kind "code"/"markdown") as a notebook
    document; returns the cell URIs."""
    uris = [cell_uri(path, i) for i in range(len(cells))]
    client.notebook_document_did_open(
        types.DidOpenNotebookDocumentParams(
            notebook_document=types.NotebookDocument(
                uri=path.as_uri(),
                notebook_type="jupyter-notebook",
                version=version,
                cells=[
                    types.NotebookCell(kind=types.NotebookCellKind.Markup if kind == "markdown" else types.NotebookCellKind.Code, document=uri)
                    for (kind, _src), uri in zip(cells, uris)
                ],
            ),
            cell_text_documents=[
                types.TextDocumentItem(uri=uri, language_id="markdown" if kind == "markdown" else "python", version=1, text=src)
                for (kind, src), uri in zip(cells, uris)
            ],
        )
    )
    return uris


def change_cell(client: "LanguageClient", path: Path, notebook_version: int, uri: str, cell_version: int, text: str) -> None:
    client.notebook_document_did_change(
        types.DidChangeNotebookDocumentParams(
            notebook_document=types.VersionedNotebookDocumentIdentifier(uri=path.as_uri(), version=notebook_version),
            change=types.NotebookDocumentChangeEvent(
                cells=types.NotebookDocumentCellChanges(
                    text_content=[
                        types.NotebookDocumentCellContentChanges(
                            document=types.VersionedTextDocumentIdentifier(uri=uri, version=cell_version),
                            changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
                        )
                    ]
                )
            ),
        )
    )


def change_structure(client: "LanguageClient", path: Path, notebook_version: int, structure: types.NotebookDocumentCellChangeStructure) -> None:
    """Cells added, removed or moved (``notebookDocument/didChange``)."""
    client.notebook_document_did_change(
        types.DidChangeNotebookDocumentParams(
            notebook_document=types.VersionedNotebookDocumentIdentifier(uri=path.as_uri(), version=notebook_version),
            change=types.NotebookDocumentChangeEvent(cells=types.NotebookDocumentCellChanges(structure=structure)),
        )
    )


def write_notebook(path: Path, cells: Sequence[Tuple[str, str]], outputs: Optional[Dict[int, list]] = None) -> None:
    """A real nbformat v4 notebook on disk (cells: (kind, source))."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    for index, (kind, source) in enumerate(cells):
        if kind == "markdown":
            nb.cells.append(nbformat.v4.new_markdown_cell(source))
        else:
            cell = nbformat.v4.new_code_cell(source)
            if outputs and index in outputs:
                cell.outputs = [nbformat.from_dict(o) for o in outputs[index]]
                cell.execution_count = index + 1
            nb.cells.append(cell)
    nbformat.validate(nb)
    path.write_text(nbformat.writes(nb))


def codes(diagnostics: Sequence[types.Diagnostic]) -> List[Tuple[str, int, int]]:
    return sorted((str(d.code), d.range.start.line, d.range.start.character) for d in diagnostics if d.code)


def dump(diagnostics: Sequence[types.Diagnostic]) -> str:
    return json.dumps([(d.code, d.range.start.line, d.range.start.character, d.message) for d in diagnostics], indent=1)
