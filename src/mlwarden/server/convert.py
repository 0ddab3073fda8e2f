"""Findings to LSP diagnostics, fixes to text edits.

Positions: the engine counts lines from 1 and columns in characters (code
points) from 1; LSP counts both from 0 and columns in the negotiated
position encoding (UTF-16 code units unless the client offers another).
Lines split on ``\\n``, ``\\r\\n`` and ``\\r`` in both (Python's tokenizer
and LSP agree; ``str.splitlines`` does not).
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Sequence, Tuple

from lsprotocol import types

from mlwarden.core.finding import Finding, Severity

SOURCE = "mlwarden"

_LINE_BREAK = re.compile(r"\r\n|\r|\n")

#: finding severity -> LSP severity. Low findings stay visible (the engine
#: already applied the configured threshold) but never look like errors.
SEVERITIES = {
    Severity.CRITICAL: types.DiagnosticSeverity.Error,
    Severity.HIGH: types.DiagnosticSeverity.Error,
    Severity.MEDIUM: types.DiagnosticSeverity.Warning,
    Severity.LOW: types.DiagnosticSeverity.Information,
}


def split_lines(text: str) -> List[str]:
    """LSP lines: a text of n line breaks has n + 1 lines."""
    return _LINE_BREAK.split(text)


def client_units(text: str, encoding: str) -> int:
    """Length of ``text`` in the client's position units."""
    if encoding == "utf-8":
        return len(text.encode("utf-8", "surrogatepass"))
    if encoding == "utf-32":
        return len(text)
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def server_column(line: str, units: int, encoding: str) -> int:
    """The character index in ``line`` of a client column (the inverse of
    :func:`client_units`; a column inside a character rounds down)."""
    if encoding == "utf-32":
        return min(units, len(line))
    count = 0
    for index, char in enumerate(line):
        width = len(char.encode("utf-8", "surrogatepass")) if encoding == "utf-8" else (2 if ord(char) > 0xFFFF else 1)
        if count + width > units:
            return index
        count += width
    return len(line)


class Lines:
    """One document's lines, for position conversion."""

    def __init__(self, text: str, encoding: str) -> None:
        self.lines = split_lines(text)
        self.encoding = encoding

    def position(self, line0: int, col0: Optional[int]) -> types.Position:
        """0-based line and character column (None: end of line), clamped
        to the document."""
        if line0 >= len(self.lines):
            line0 = len(self.lines) - 1
            col0 = None
        line0 = max(line0, 0)
        text = self.lines[line0]
        if col0 is None or col0 > len(text):
            col0 = len(text)
        return types.Position(line=line0, character=client_units(text[: max(col0, 0)], self.encoding))

    def line_range(self, line0: int) -> types.Range:
        """The text of a whole line (without its indentation)."""
        line0 = min(max(line0, 0), len(self.lines) - 1)
        text = self.lines[line0]
        start = len(text) - len(text.lstrip())
        return types.Range(start=self.position(line0, start), end=self.position(line0, None))

    def end(self) -> types.Position:
        return self.position(len(self.lines) - 1, None)


def finding_range(finding: Finding, lines: Lines) -> types.Range:
    """A finding's range in its document (a file, or a cell for notebooks).

    Without an end (file rules), the range runs to the end of the line."""
    line0, col0 = finding.line - 1, max(finding.col - 1, 0)
    start = lines.position(line0, col0)
    if finding.end_line is not None and finding.end_col is not None:
        end = lines.position(finding.end_line - 1, max(finding.end_col - 1, 0))
        if (end.line, end.character) > (start.line, start.character):
            return types.Range(start=start, end=end)
    end = lines.position(line0, None)
    if (end.line, end.character) <= (start.line, start.character):
        return lines.line_range(line0)
    return types.Range(start=start, end=end)


def help_uri(rule_id: str) -> Optional[str]:
    from mlwarden.core import docs
    from mlwarden.core.registry import rule_by_id

    rule = rule_by_id(rule_id)
    return docs.help_uri(rule) if rule is not None else None


def diagnostic(finding: Finding, where: types.Range, data: Dict[str, Any]) -> types.Diagnostic:
    href = help_uri(finding.rule_id)
    return types.Diagnostic(
        range=where,
        message=finding.message,
        severity=SEVERITIES.get(finding.severity, types.DiagnosticSeverity.Warning),
        code=finding.rule_id,
        code_description=types.CodeDescription(href=href) if href else None,
        source=SOURCE,
        data=data,
    )


def problem_diagnostic(message: str, where: types.Range, severity: types.DiagnosticSeverity) -> types.Diagnostic:
    """Input the engine could not check (a syntax error, a requirement line
    it cannot parse): shown where it is, without a rule code."""
    from mlwarden.core.redact import redact_text

    return types.Diagnostic(range=where, message=redact_text(message), severity=severity, source=SOURCE)


# ---------------------------------------------------------------------------
# JSON shapes for Diagnostic.data (LSPAny: plain dicts)


def range_json(where: types.Range) -> Dict[str, Any]:
    return {
        "start": {"line": where.start.line, "character": where.start.character},
        "end": {"line": where.end.line, "character": where.end.character},
    }


def range_from_json(value: Any) -> Optional[types.Range]:
    try:
        start, end = value["start"], value["end"]
        return types.Range(
            start=types.Position(line=int(start["line"]), character=int(start["character"])),
            end=types.Position(line=int(end["line"]), character=int(end["character"])),
        )
    except (KeyError, TypeError, ValueError):
        return None


def edits_from_json(changes: Any) -> Optional[Dict[str, List[types.TextEdit]]]:
    """``{uri: [{"range": ..., "newText": ...}]}`` -> text edits, or None
    when the shape is not ours (a client that mangled ``data``)."""
    if not isinstance(changes, dict):
        return None
    out: Dict[str, List[types.TextEdit]] = {}
    for uri, edits in changes.items():
        if not isinstance(uri, str) or not isinstance(edits, list):
            return None
        for edit in edits:
            where = range_from_json(edit.get("range")) if isinstance(edit, dict) else None
            if where is None or not isinstance(edit.get("newText"), str):
                return None
            out.setdefault(uri, []).append(types.TextEdit(range=where, new_text=edit["newText"]))
    return out


# ---------------------------------------------------------------------------
# fixes


def _notebook_ref(view: Any, line: int) -> Optional[Any]:
    """The cell line a notebook code-view line comes from (mirrors
    ``NotebookCodeView.apply_edits``: past the end means the last line)."""
    refs = view.refs
    if 0 < line <= len(refs):
        return refs[line - 1]
    return refs[-1] if refs else None


def fix_changes(
    finding: Finding,
    unit: Any,
    uri_of_slot: Optional[Sequence[str]],
    uri: str,
    lines_of: Any,
) -> Optional[Dict[str, List[types.TextEdit]]]:
    """The finding's fix as text edits per document URI, or None.

    ``uri_of_slot``: for a notebook document, the cell URI of each cell of the
    unit (fix edits use the code view's coordinates, mapped back to cells as
    ``mlwarden check --fix`` does); None for a document at ``uri``.
    ``lines_of(uri)`` gives a document's :class:`Lines`."""
    fix = finding.fix
    if fix is None or not fix.edits:
        return None
    view = fix.view if fix.view is not None else getattr(unit, "code", None)
    cells = hasattr(view, "refs")  # a notebook's (or an .ipy script's) code view
    if cells and uri_of_slot is None:
        uri_of_slot = [uri]  # an .ipy script is one cell
    out: Dict[str, List[types.TextEdit]] = {}
    for edit in fix.edits:
        if not cells:
            target = uri
            (l0, c0), (l1, c1) = (edit.start_line, edit.start_col), (edit.end_line, edit.end_col)
        else:
            start, end = _notebook_ref(view, edit.start_line), _notebook_ref(view, edit.end_line)
            if start is None or end is None or start.slot != end.slot or start.slot >= len(uri_of_slot):
                return None  # the engine does not apply such a fix either
            target = uri_of_slot[start.slot]
            (l0, c0), (l1, c1) = (start.line, edit.start_col + start.shift), (end.line, edit.end_col + end.shift)
        lines = lines_of(target)
        where = types.Range(start=lines.position(l0 - 1, c0), end=lines.position(l1 - 1, c1))
        out.setdefault(target, []).append(types.TextEdit(range=where, new_text=edit.text))
    return out


def changes_json(changes: Dict[str, List[types.TextEdit]]) -> Dict[str, List[Dict[str, Any]]]:
    return {uri: [{"range": range_json(e.range), "newText": e.new_text} for e in edits] for uri, edits in changes.items()}


def workspace_edit(changes: Dict[str, List[types.TextEdit]], versions: Dict[str, Optional[int]], document_changes: bool) -> types.WorkspaceEdit:
    """A workspace edit; with ``document_changes`` (the client supports it)
    each document's edits name the version they were computed for, so a
    client refuses them once the text has moved on."""
    if not document_changes:
        return types.WorkspaceEdit(changes=changes)
    return types.WorkspaceEdit(
        document_changes=[
            types.TextDocumentEdit(
                text_document=types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=versions.get(uri)),
                edits=list(edits),
            )
            for uri, edits in changes.items()
        ]
    )


def contains(where: types.Range, position: types.Position) -> bool:
    start, end, here = (where.start.line, where.start.character), (where.end.line, where.end.character), (position.line, position.character)
    return start <= here <= end


def overlaps(a: types.Range, b: types.Range) -> bool:
    return (a.start.line, a.start.character) <= (b.end.line, b.end.character) and (b.start.line, b.start.character) <= (a.end.line, a.end.character)


def error_location(reason: str) -> Tuple[Optional[int], Optional[int], str]:
    """``(cell, line, rest)`` from an engine error with the path already
    removed: ``"cell 4: syntax error at line 2:5: ..."``, ``"3: cannot parse
    requirement ..."`` or ``"syntax error at line 7:1: ..."`` (a line of the
    unit's code view; the caller maps it)."""
    reason = reason.strip()
    cell = None
    match = re.match(r"cell (\d+):\s*(.*)", reason, re.S)
    if match:
        cell, reason = int(match.group(1)), match.group(2)
    match = re.match(r"(\d+):\s*(.*)", reason, re.S)
    if match:
        return cell, int(match.group(1)), match.group(2)
    match = re.search(r"\bat line (\d+)", reason)
    return cell, (int(match.group(1)) if match else None), reason
