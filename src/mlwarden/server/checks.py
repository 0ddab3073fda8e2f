"""What runs on the worker thread: check a snapshot, fix all of it.

Both call the engine exactly as the CLI does (``check_source`` with the
document's configuration) and return plain values for the event loop to
publish. Nothing here talks to the client.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Tuple, Union

from lsprotocol import types

from mlwarden.core.finding import Finding
from mlwarden.core.incremental import IncrementalCheck
from mlwarden.core.redact import redact_text
from mlwarden.server import convert
from mlwarden.server.convert import Lines
from mlwarden.server.documents import (
    NotebookSnapshot,
    TextSnapshot,
    document_kind,
    is_json_text,
    notebook_json,
)
from mlwarden.server.project import Project

Snapshot = Union[TextSnapshot, NotebookSnapshot]
Log = Tuple[types.MessageType, str]


@dataclass
class Entry:
    """One published diagnostic and what the code actions and hover need."""

    uri: str
    finding: Finding
    diagnostic: types.Diagnostic
    fixes: Optional[Dict[str, List[types.TextEdit]]] = None
    #: how a ``# noqa`` comment can be added ("python", "text"), or None
    noqa: Optional[str] = None


@dataclass
class Outcome:
    key: str
    version: Optional[int]
    #: every document of the snapshot (a file, or each cell) -> its diagnostics
    diagnostics: Dict[str, List[types.Diagnostic]] = field(default_factory=dict)
    #: the version of each document the diagnostics were computed for
    versions: Dict[str, Optional[int]] = field(default_factory=dict)
    entries: List[Entry] = field(default_factory=list)
    logs: List[Log] = field(default_factory=list)
    config_error: Optional[str] = None
    seconds: float = 0.0
    #: CPU time of the check's thread (what other processes' load does not inflate)
    cpu_seconds: float = 0.0
    #: False: the check itself failed; keep what the client shows
    ok: bool = True


def internal_error(what: str, exc: BaseException) -> str:
    """One line for the log: the exception and where it was raised, never
    the text being checked (a message can quote it: redacted)."""
    tb = exc.__traceback__
    where = ""
    while tb is not None:
        where = f" at {Path(tb.tb_frame.f_code.co_filename).name}:{tb.tb_lineno}"
        tb = tb.tb_next
    return redact_text(f"mlwarden: internal error while {what} ({type(exc).__name__}: {exc}{where}); please report this")


# ---------------------------------------------------------------------------
# checking


def check(snapshot: Snapshot, project: Project, encoding: str, incremental: Optional[IncrementalCheck] = None) -> Outcome:
    """Diagnostics for a snapshot; never raises. ``incremental``: the
    document's :class:`~mlwarden.core.incremental.IncrementalCheck` (a text
    document's checks reuse the judgments of its earlier ones)."""
    started, cpu = time.perf_counter(), time.thread_time()
    try:
        if isinstance(snapshot, NotebookSnapshot):
            outcome = _check_notebook(snapshot, project, encoding)
        else:
            outcome = _check_text(snapshot, project, encoding, incremental)
    except Exception as exc:  # noqa: BLE001 - the server outlives any bug
        outcome = Outcome(snapshot.key, snapshot.version, ok=False)
        outcome.logs.append((types.MessageType.Error, internal_error(f"checking {snapshot.name}", exc)))
    outcome.seconds = time.perf_counter() - started
    outcome.cpu_seconds = time.thread_time() - cpu
    return outcome


def _run(text: str, name: str, kind: str, config, incremental: Optional[IncrementalCheck] = None) -> Any:
    if incremental is not None:
        return incremental.check(text, name, config=config, kind=kind)
    from mlwarden.core.engine import check_source

    return check_source(text, name, config=config, kind=kind)


def _check_text(snapshot: TextSnapshot, project: Project, encoding: str, incremental: Optional[IncrementalCheck] = None) -> Outcome:
    outcome = Outcome(snapshot.key, snapshot.version)
    kind = document_kind(snapshot.name, snapshot.language_id)
    if kind is None:
        return outcome  # not a file mlwarden reads: publish nothing (an including file may report on it)
    outcome.diagnostics[snapshot.uri] = []
    outcome.versions[snapshot.uri] = snapshot.version
    resolved = project.resolve(snapshot.path)
    outcome.config_error = resolved.error
    if resolved.excluded:
        return outcome
    result = _run(snapshot.text, snapshot.name, kind, resolved.config, incremental)
    lines = Lines(snapshot.text, encoding)
    raw_json = kind == "notebook"  # an .ipynb opened as text: positions are JSON lines
    noqa = _noqa_style(snapshot.name, kind)
    for finding in result.findings:
        if finding.path != snapshot.name:  # in an included file (`-r common.in`) that is not checked on its own
            included = _included(finding.path, snapshot.path, encoding)
            if included is not None:
                uri, other = included
                _add(outcome, uri, finding, convert.finding_range(finding, other), None, "text")
            continue
        if raw_json:
            where = lines.line_range((finding.file_line or finding.line) - 1)
            fixes = None
        else:
            where = convert.finding_range(finding, lines)
            fixes = convert.fix_changes(finding, result.unit, None, snapshot.uri, lambda _uri: lines)
        _add(outcome, snapshot.uri, finding, where, fixes, noqa)
    for error in result.errors:
        _add_error(outcome, error, snapshot.name, result.unit, lambda cell: snapshot.uri, lambda uri: lines)
    return outcome


def _check_notebook(snapshot: NotebookSnapshot, project: Project, encoding: str) -> Outcome:
    outcome = Outcome(snapshot.key, snapshot.version)
    for cell in snapshot.cells:
        outcome.diagnostics[cell.uri] = []
        outcome.versions[cell.uri] = cell.version
    if not snapshot.cells:
        return outcome
    resolved = project.resolve(snapshot.path)
    outcome.config_error = resolved.error
    if resolved.excluded:
        return outcome
    text = notebook_json(snapshot, project.disk_notebook(snapshot.path))
    result = _run(text, snapshot.name, "notebook", resolved.config)
    cell_lines: Dict[str, Lines] = {}

    def lines_of(uri: str) -> Lines:
        if uri not in cell_lines:
            cell = next(c for c in snapshot.cells if c.uri == uri)
            cell_lines[uri] = Lines(cell.text, encoding)
        return cell_lines[uri]

    uris = [c.uri for c in snapshot.cells]

    def cell_uri(number: Optional[int]) -> str:
        index = min(max((number or 1) - 1, 0), len(uris) - 1)
        return uris[index]

    for finding in result.findings:
        uri = cell_uri(finding.cell)
        lines = lines_of(uri)
        cell = snapshot.cells[uris.index(uri)]
        if finding.cell is None:  # notebook metadata: shown on the first cell
            where, fixes, noqa = lines.line_range(0), None, None
        elif finding.output is not None:  # a saved output: shown on the cell's last line
            where, fixes, noqa = lines.line_range(len(lines.lines) - 1), None, None
        else:
            where = convert.finding_range(finding, lines)
            fixes = convert.fix_changes(finding, result.unit, uris, uri, lines_of)
            noqa = "python" if cell.cell_type == "code" else None
        _add(outcome, uri, finding, where, fixes, noqa)
    for error in result.errors:
        _add_error(outcome, error, snapshot.name, result.unit, cell_uri, lines_of)
    return outcome


def _included(name: str, document: Optional[Path], encoding: str) -> Optional[Tuple[str, Lines]]:
    """The URI and lines (from disk) of a file a dependency file includes."""
    path = Path(name)
    if not path.is_absolute():
        if document is None:
            return None
        path = document.parent / path
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    return path.as_uri(), Lines(text, encoding)


def _noqa_style(name: str, kind: str) -> Optional[str]:
    """How a ``# noqa`` comment goes into this file: ``"python"`` (checked
    against strings spanning lines), ``"text"``, or None where a comment
    cannot go: JSON has no comments, and in a dotenv file it can become part
    of the value (Docker's ``--env-file`` has no inline comments)."""
    from mlwarden.secrets.textfile import is_dotenv

    if kind in ("python", "ipython"):
        return "python"
    if is_json_text(name) or is_dotenv(name):
        return None
    return "text"


def _add(outcome: Outcome, uri: str, finding: Finding, where: types.Range, fixes, noqa: Optional[str]) -> None:
    data: Dict[str, Any] = {"rule": finding.rule_id, "severity": finding.severity.value, "noqa": noqa}
    if fixes:
        fix = finding.fix
        title = f"Fix {finding.rule_id}: {fix.description}" if fix.description else f"Fix {finding.rule_id}"
        if not fix.safe:
            title += " (unsafe: review the change)"
        data["fix"] = {
            "title": title,
            "safe": fix.safe,
            "changes": convert.changes_json(fixes),
            # the text the edits apply to: a request made after a change gets no fix
            "versions": {u: outcome.versions.get(u) for u in fixes},
        }
    diagnostic = convert.diagnostic(finding, where, data)
    outcome.diagnostics.setdefault(uri, []).append(diagnostic)
    outcome.entries.append(Entry(uri, finding, diagnostic, fixes, noqa))


def _add_error(outcome: Outcome, error: str, name: str, unit, cell_uri: Callable[[Optional[int]], str], lines_of) -> None:
    """An engine error line (``name: reason``): a rule that crashed goes to
    the log; input that could not be checked is shown where it is."""
    reason = error[len(name) + 1 :] if error.startswith(name + ":") else error
    if "internal error" in reason:
        outcome.logs.append((types.MessageType.Error, redact_text(error)))
        return
    cell, line, rest = convert.error_location(reason)
    if cell is None and line is not None and unit is not None and hasattr(getattr(unit, "code", None), "refs"):
        where = unit.code.locate(line, 0)  # a line of a notebook's virtual module
        if where.cell is not None:
            cell, line = where.cell, where.line
    uri = cell_uri(cell)
    lines = lines_of(uri)
    scope = "line" if reason[:1].isdigit() else "cell" if cell is not None else "file"
    severity = types.DiagnosticSeverity.Information if "syntax error" in rest else types.DiagnosticSeverity.Warning
    message = f"mlwarden could not check this {scope}: {rest.strip()}"
    outcome.diagnostics.setdefault(uri, []).append(convert.problem_diagnostic(message, lines.line_range((line or 1) - 1), severity))


def warm_up() -> None:
    """Import what a first check needs (libcst, detect-secrets, the rules)
    while the editor is still starting, so opening the first file does not
    wait for imports (about 0.3 s)."""
    from mlwarden.core.config import Config
    from mlwarden.core.engine import check_source

    try:
        check_source('import torch\ntorch.load(path)\ntoken = "not-a-secret"\n', "warm_up.py", config=Config())
    except Exception:  # noqa: BLE001 - the real check reports any problem
        pass


# ---------------------------------------------------------------------------
# fix all


def fix_all(snapshot: Snapshot, project: Project, encoding: str) -> Optional[Dict[str, List[types.TextEdit]]]:
    """Every safe fix, applied as ``mlwarden check --fix`` would (re-checking
    until nothing changes), as one edit per changed document; None when
    there is nothing to fix or the document cannot be checked completely."""
    from mlwarden.core.fixes import fix_unit

    if isinstance(snapshot, NotebookSnapshot):
        if not snapshot.cells:
            return None
        kind, text = "notebook", notebook_json(snapshot, project.disk_notebook(snapshot.path))
    else:
        kind, text = document_kind(snapshot.name, snapshot.language_id), snapshot.text
        if kind is None or kind == "notebook":
            return None
    resolved = project.resolve(snapshot.path)
    if resolved.excluded:
        return None
    config = resolved.config
    result = _run(text, snapshot.name, kind, config)
    if result.unit is None or result.unit.code is None or result.errors:
        return None

    def reload(raw: bytes):
        from mlwarden.core.engine import check_source

        # no rules: only the unit, built exactly as a check builds it
        return check_source(raw.decode("utf-8"), snapshot.name, config=config, rules=(), kind=kind).unit

    outcome = fix_unit(result.unit, config.rules(), config, unsafe=False, reload=reload)
    if not outcome.changed:
        return None
    new_text = outcome.raw.decode("utf-8")
    if isinstance(snapshot, TextSnapshot):
        return {snapshot.uri: [_replace_all(snapshot.text, new_text, encoding)]}
    from mlwarden.sources.notebook import cell_source

    cells = json.loads(new_text)["cells"]
    out: Dict[str, List[types.TextEdit]] = {}
    for number, (cell, new_cell) in enumerate(zip(snapshot.cells, cells), start=1):
        source = cell_source(new_cell, number)
        if source != cell.text:
            out[cell.uri] = [_replace_all(cell.text, source, encoding)]
    return out or None


def _replace_all(old: str, new: str, encoding: str) -> types.TextEdit:
    """One edit from the first to the last changed line (a whole-document
    replacement would move every cursor and fold in the editor)."""
    old_lines, new_lines = old.splitlines(keepends=True), new.splitlines(keepends=True)
    head = 0
    while head < min(len(old_lines), len(new_lines)) and old_lines[head] == new_lines[head]:
        head += 1
    tail = 0
    while (
        tail < min(len(old_lines), len(new_lines)) - head
        and old_lines[len(old_lines) - 1 - tail] == new_lines[len(new_lines) - 1 - tail]
    ):
        tail += 1
    start_offset = sum(len(line) for line in old_lines[:head])
    end_offset = len(old) - sum(len(line) for line in old_lines[len(old_lines) - tail :]) if tail else len(old)
    replacement = "".join(new_lines[head : len(new_lines) - tail])
    lines = Lines(old, encoding)
    return types.TextEdit(
        range=types.Range(start=_offset_position(old, start_offset, lines), end=_offset_position(old, end_offset, lines)),
        new_text=replacement,
    )


def _offset_position(text: str, offset: int, lines: Lines) -> types.Position:
    from mlwarden.core.fixes import line_offsets

    starts = line_offsets(text)
    line = 0
    for index, start in enumerate(starts):
        if start <= offset:
            line = index
        else:
            break
    return lines.position(line, offset - starts[line])


def versions_of(snapshot: Snapshot) -> Dict[str, Optional[int]]:
    if isinstance(snapshot, NotebookSnapshot):
        return {c.uri: c.version for c in snapshot.cells}
    return {snapshot.uri: snapshot.version}
