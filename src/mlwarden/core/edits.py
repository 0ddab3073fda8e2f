"""Text edits in code-view coordinates (1-based lines, 0-based character
columns: libcst's positions). Pure functions on strings: sources use them to
write fixes back into files, :mod:`mlwarden.core.fixes` to apply findings."""

from __future__ import annotations

import re
from typing import List, Sequence, Tuple

from mlwarden.core.finding import Edit

_NEWLINE_RE = re.compile(r"\r\n|\r|\n")


def line_offsets(text: str) -> List[int]:
    """Offset of the start of every line (Python's newline rules, not
    str.splitlines(), which also splits on form feeds and U+2028)."""
    offsets = [0]
    offsets.extend(m.end() for m in _NEWLINE_RE.finditer(text))
    return offsets


def apply_edits(text: str, edits: Sequence[Edit]) -> str:
    """Apply non-overlapping edits. Raises ValueError if two overlap."""
    offsets = line_offsets(text)

    def offset(line: int, col: int) -> int:
        if line - 1 >= len(offsets):
            return len(text)
        return offsets[line - 1] + col

    spans: List[Tuple[int, int, str]] = sorted((offset(e.start_line, e.start_col), offset(e.end_line, e.end_col), e.text) for e in edits)
    out: List[str] = []
    cursor = 0
    for start, end, replacement in spans:
        if start < cursor:
            raise ValueError("overlapping edits")
        out.append(text[cursor:start])
        out.append(replacement)
        cursor = end
    out.append(text[cursor:])
    return "".join(out)


def _advance(line: int, col: int, text: str) -> Tuple[int, int]:
    """The position just after ``text`` written from (line, col)."""
    newlines = _NEWLINE_RE.findall(text)
    if not newlines:
        return line, col + len(text)
    last = None
    for last in _NEWLINE_RE.finditer(text):
        pass
    return line + len(newlines), len(text) - last.end()


def minimal_edit(old: str, new: str, line: int, col: int) -> Edit:
    """The edit that turns ``old`` (written from ``line``/``col``) into
    ``new``, narrowed to the part that changes: a fix that adds one keyword
    touches only the argument list, so every other byte of the statement
    (and any other fix in it) is left alone."""
    limit = min(len(old), len(new))
    prefix = 0
    while prefix < limit and old[prefix] == new[prefix]:
        prefix += 1
    suffix = 0
    while suffix < limit - prefix and old[len(old) - 1 - suffix] == new[len(new) - 1 - suffix]:
        suffix += 1
    start = _advance(line, col, old[:prefix])
    end = _advance(line, col, old[: len(old) - suffix])
    return Edit(start[0], start[1], end[0], end[1], new[prefix : len(new) - suffix])


def text_between(text: str, offsets: Sequence[int], start: Tuple[int, int], end: Tuple[int, int]) -> str:
    """The text between two (1-based line, 0-based column) positions."""

    def offset(line: int, col: int) -> int:
        return len(text) if line - 1 >= len(offsets) else offsets[line - 1] + col

    return text[offset(*start) : offset(*end)]
