"""Applying fixes: text edits in code-view coordinates.

Edits use 1-based lines and 0-based character columns (libcst's positions).
Overlapping fixes are applied in later passes: the caller re-checks and
re-applies until nothing changes (at most ``MAX_PASSES`` times), as ruff does.
"""

from __future__ import annotations

from typing import Iterable, List, Tuple

from mlwarden.core.edits import apply_edits, line_offsets  # noqa: F401  (re-exported)
from mlwarden.core.finding import Edit, Finding

MAX_PASSES = 10


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


# ---------------------------------------------------------------------------
# fixing whole units (the CLI's --fix / --unsafe-fixes / --diff)


def choose_edits(findings: Iterable[Finding], unsafe: bool) -> Tuple[object, List[Edit], int]:
    """``(view, edits, count)``: the non-overlapping edits of as many fixes as
    possible, all in the coordinates of one code view (a notebook checked
    cell by cell has one view per cell: the others wait for the next pass).
    ``view`` is None when the fixes use the unit's own code view."""
    chosen: List[Edit] = []
    taken: List[Tuple[Tuple[int, int], Tuple[int, int]]] = []
    view: object = _UNSET
    applied = 0
    for finding in select_fixes(findings, unsafe):
        fix = finding.fix
        if view is _UNSET:
            view = fix.view
        elif fix.view is not view:
            continue
        spans = [((e.start_line, e.start_col), (e.end_line, e.end_col)) for e in fix.edits]
        if any(not (end <= s0 or start >= e0) for start, end in spans for s0, e0 in taken):
            continue
        taken.extend(spans)
        chosen.extend(fix.edits)
        applied += 1
    return (None if view is _UNSET else view), chosen, applied


_UNSET = object()


class FixOutcome:
    """What fixing one unit did. ``raw`` is the file's new bytes (equal to
    the original when nothing changed); ``result`` the check of ``raw``."""

    def __init__(self, original: bytes, raw: bytes, applied: int, result) -> None:
        self.original = original
        self.raw = raw
        self.applied = applied
        self.result = result

    @property
    def changed(self) -> bool:
        return self.raw != self.original


def fix_unit(unit, rules, config, *, unsafe: bool, reload) -> FixOutcome:
    """Check ``unit``, apply fixes, re-check and repeat until nothing changes
    (at most MAX_PASSES). ``reload(raw) -> Unit`` re-reads new bytes.

    A unit that cannot be checked completely (a syntax error, a notebook cell
    that does not parse) is never changed, and a pass whose result would not
    parse any more is dropped."""
    from mlwarden.core.engine import check_unit

    original = unit.raw
    result = check_unit(unit, rules, config)
    applied = 0
    if result.errors:
        return FixOutcome(original, original, 0, result)
    for _ in range(MAX_PASSES):
        view, edits, count = choose_edits(result.findings, unsafe)
        if not count:
            break
        target = view if view is not None else unit.code
        try:
            new_raw = target.apply_edits(unit, edits)
        except (ValueError, UnicodeEncodeError):
            break
        if new_raw == unit.raw:
            break
        try:
            new_unit = reload(new_raw)
        except Exception:  # LoadError and friends: keep the last good bytes
            break
        new_result = check_unit(new_unit, rules, config)
        if new_result.errors:
            break
        unit, result = new_unit, new_result
        applied += count
    return FixOutcome(original, unit.raw, applied, result)


def unified_diff(path: str, before: bytes, after: bytes, encoding: str = "utf-8") -> str:
    """A unified diff of two versions of a file (``--diff``)."""
    import difflib

    def lines(data: bytes) -> List[str]:
        text = data.decode(encoding if encoding != "utf-8-sig" else "utf-8-sig", errors="replace")
        return text.splitlines(keepends=True)

    out = []
    for line in difflib.unified_diff(lines(before), lines(after), fromfile=f"a/{path}", tofile=f"b/{path}"):
        out.append(line if line.endswith(("\n", "\r")) else line + "\n\\ No newline at end of file\n")
    return "".join(out)
