"""What the server checks: immutable snapshots of LSP documents, and how a
snapshot becomes the engine's input.

A snapshot is taken on the event loop (strings only, nothing shared with
pygls) and checked on the worker thread, so an edit that arrives during a
check cannot change the text under it.

A notebook document becomes notebook JSON with every cell the client sent,
in order, so the engine's cell numbers are indices into the snapshot's
cells. LSP cells carry no outputs: outputs, execution counts and metadata
come from the file on disk (read at open and save), matched to the editor's
cells by their source (see :func:`match_disk_cells`).
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple
from urllib.parse import unquote, urlparse

#: LSP ``NotebookCellKind``
MARKUP, CODE = 1, 2


@dataclass(frozen=True)
class TextSnapshot:
    uri: str
    #: the file on disk (it may not exist yet), None for ``untitled:`` buffers
    path: Optional[Path]
    #: the file name the engine sees (absolute for files on disk)
    name: str
    version: Optional[int]
    text: str
    language_id: str = ""

    @property
    def key(self) -> str:
        return self.uri


@dataclass(frozen=True)
class CellSnapshot:
    uri: str
    #: ``code``, ``markdown`` or ``raw`` (nbformat's cell types)
    cell_type: str
    text: str
    version: Optional[int] = None
    metadata: Optional[Dict[str, Any]] = None


@dataclass(frozen=True)
class DiskNotebook:
    """What the saved ``.ipynb`` holds besides the sources the editor has."""

    nbformat: int
    nbformat_minor: int
    metadata: Dict[str, Any]
    cells: Tuple[Dict[str, Any], ...]


@dataclass(frozen=True)
class NotebookSnapshot:
    uri: str
    path: Optional[Path]
    name: str
    version: Optional[int]
    cells: Tuple[CellSnapshot, ...]
    metadata: Dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return self.uri


# ---------------------------------------------------------------------------
# URIs and names


def uri_to_path(uri: str) -> Optional[Path]:
    """The local path of a ``file:`` URI, else None."""
    parsed = urlparse(uri)
    if parsed.scheme != "file":
        return None
    from pygls.uris import to_fs_path

    value = to_fs_path(uri)
    return Path(value) if value else None


def display_name(uri: str, path: Optional[Path], language_id: str = "") -> str:
    """The file name the engine sees: the absolute path of a file, else the
    URI's last segment (``untitled:Untitled-1`` -> ``Untitled-1.py`` for a
    Python buffer, so the engine classifies it)."""
    if path is not None:
        return str(path)
    tail = unquote(urlparse(uri).path or uri).rstrip("/").rsplit("/", 1)[-1] or "untitled"
    if language_id == "python" and not tail.endswith((".py", ".pyw", ".ipynb")):
        tail += ".py"
    return tail


def document_kind(name: str, language_id: str = "") -> Optional[str]:
    """The engine's kind for a document (``mlwarden.sources.classify``), or
    None when mlwarden does not read it. A document the client calls Python
    is Python whatever its name (pre-commit identifies scripts the same way).
    Model files are binary: editors do not open them as text."""
    from mlwarden.sources import classify

    kind = classify(Path(name))
    if language_id == "python" and kind in (None, "notebook"):
        # a script with a shebang, or jupyterlab-lsp's virtual document of a
        # notebook's code cells (`.virtual_documents/nb.ipynb`, Python text)
        return "python"
    if kind == "model":
        return None
    return kind


def is_json_text(name: str) -> bool:
    return Path(name).suffix.lower() in (".json", ".ipynb")


# ---------------------------------------------------------------------------
# notebooks


def cell_type_of(kind: int, language_id: str) -> str:
    if kind == MARKUP:
        return "markdown"
    return "raw" if language_id == "raw" else "code"


def read_disk_notebook(path: Path) -> Optional[DiskNotebook]:
    """The saved notebook's outputs and metadata (read as JSON, never run),
    or None when there is no readable notebook at ``path``."""
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    from mlwarden.sources import LoadError
    from mlwarden.sources.notebook import parse_notebook_json, raw_cells

    try:
        nb, _text, _encoding = parse_notebook_json(raw)
        cells = raw_cells(nb)
    except LoadError:
        return None
    major = nb.get("nbformat") if isinstance(nb.get("nbformat"), int) else 4
    minor = nb.get("nbformat_minor") if isinstance(nb.get("nbformat_minor"), int) else 5
    metadata = nb.get("metadata") if isinstance(nb.get("metadata"), dict) else {}
    return DiskNotebook(major, minor, metadata, tuple(c if isinstance(c, dict) else {} for c in cells))


def _disk_source(cell: Dict[str, Any]) -> str:
    value = cell.get("source", cell.get("input", ""))
    if isinstance(value, list):
        return "".join(v for v in value if isinstance(v, str))
    return value if isinstance(value, str) else ""


def _disk_type(cell: Dict[str, Any]) -> str:
    value = cell.get("cell_type")
    return value if value in ("markdown", "raw") else "code"


def match_disk_cells(cells: Sequence[CellSnapshot], disk: Sequence[Dict[str, Any]]) -> Dict[int, int]:
    """Editor cell index -> saved cell index.

    Cells with the same type and source match in order (difflib's longest
    matching blocks); between two matches, as many edited cells as the saved
    file has pair up in order (an edited cell keeps its saved outputs, as in
    Jupyter). Inserted cells match nothing."""
    ours = [(c.cell_type == "markdown", c.text) for c in cells]
    theirs = [(_disk_type(c) == "markdown", _disk_source(c)) for c in disk]
    matcher = difflib.SequenceMatcher(a=ours, b=theirs, autojunk=False)
    out: Dict[int, int] = {}
    for tag, a0, a1, b0, b1 in matcher.get_opcodes():
        if tag == "equal":
            out.update({a0 + k: b0 + k for k in range(a1 - a0)})
        elif tag == "replace":
            for k in range(min(a1 - a0, b1 - b0)):
                if ours[a0 + k][0] == theirs[b0 + k][0]:
                    out[a0 + k] = b0 + k
    return out


def _editor_metadata(metadata: Dict[str, Any]) -> Dict[str, Any]:
    """Notebook metadata as the editor sent it: VS Code nests the ipynb
    metadata under ``custom.metadata`` (older) or sends it as is."""
    custom = metadata.get("custom") if isinstance(metadata, dict) else None
    if isinstance(custom, dict) and isinstance(custom.get("metadata"), dict):
        return custom["metadata"]
    return metadata if isinstance(metadata, dict) else {}


def _cell_metadata(cell: CellSnapshot) -> Dict[str, Any]:
    meta = cell.metadata if isinstance(cell.metadata, dict) else {}
    inner = meta.get("metadata")  # VS Code: {"metadata": {...ipynb cell metadata...}}
    return inner if isinstance(inner, dict) else meta


def notebook_json(snapshot: NotebookSnapshot, disk: Optional[DiskNotebook]) -> str:
    """The notebook the engine checks: the editor's cells (sources as they
    are now) with the saved outputs of the cells they match."""
    matched = match_disk_cells(snapshot.cells, disk.cells) if disk is not None else {}
    cells: List[Dict[str, Any]] = []
    for index, cell in enumerate(snapshot.cells):
        saved = disk.cells[matched[index]] if index in matched and disk is not None else None
        metadata = saved.get("metadata") if saved is not None and isinstance(saved.get("metadata"), dict) else _cell_metadata(cell)
        out: Dict[str, Any] = {"cell_type": cell.cell_type, "metadata": metadata, "source": cell.text}
        if cell.cell_type == "code":
            out["execution_count"] = saved.get("execution_count") if saved is not None else None
            outputs = saved.get("outputs") if saved is not None else None
            out["outputs"] = outputs if isinstance(outputs, list) else []
        cells.append(out)
    if disk is not None:
        metadata, major, minor = disk.metadata, disk.nbformat, disk.nbformat_minor
    else:
        metadata, major, minor = _editor_metadata(snapshot.metadata), 4, 5
    return json.dumps({"cells": cells, "metadata": metadata, "nbformat": major, "nbformat_minor": minor}, indent=1, ensure_ascii=False)
