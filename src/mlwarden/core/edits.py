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
