"""Applying fixes: text edits in code-view coordinates.

Edits use 1-based lines and 0-based character columns (libcst's positions).
Overlapping fixes are applied in later passes: the caller re-checks and
re-applies until nothing changes (at most ``MAX_PASSES`` times), as ruff does.
"""

from __future__ import annotations

import re
from typing import Iterable, List, Sequence, Tuple

from mlwarden.core.finding import Edit, Finding

MAX_PASSES = 10
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


def select_fixes(findings: Iterable[Finding], unsafe: bool) -> List[Finding]:
    return [f for f in findings if f.fix is not None and (f.fix.safe or unsafe)]


def apply_fixes(text: str, findings: Iterable[Finding], unsafe: bool = False) -> Tuple[str, int]:
    """Apply as many fixes as do not overlap (first come first served).

    Returns the new text and the number of fixes applied in this pass."""
    chosen: List[Edit] = []
    taken: List[Tuple[Tuple[int, int], Tuple[int, int]]] = []
    applied = 0
    for finding in select_fixes(findings, unsafe):
        spans = [((e.start_line, e.start_col), (e.end_line, e.end_col)) for e in finding.fix.edits]
        if any(not (end <= s0 or start >= e0) for start, end in spans for s0, e0 in taken):
            continue
        taken.extend(spans)
        chosen.extend(finding.fix.edits)
        applied += 1
    if not chosen:
        return text, 0
    return apply_edits(text, chosen), applied
