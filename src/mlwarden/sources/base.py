"""The values sources produce: :class:`Unit` (one file of one kind), its
:class:`CodeView` (the Python code rules see, with a position map),
:class:`ShellLine` records (IPython shell/magic lines) and :class:`LoadError`.

Every source module imports these from here; :mod:`mlwarden.sources`
re-exports them together with the kind registry.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Sequence


class LoadError(Exception):
    """Input we cannot read; ``str()`` is the one-line reason (no path)."""


@dataclass(frozen=True)
class Location:
    """Where a code-view position lives in the file the user sees."""

    line: int
    col: int  # 1-based
    cell: Optional[int] = None  # 1-based, counting every cell
    file_line: Optional[int] = None  # line in the file on disk


class CodeView:
    """Python source for code rules. The base maps positions one to one."""

    def __init__(self, source: str) -> None:
        self.source = source
        self._lines: Optional[List[str]] = None

    @property
    def lines(self) -> List[str]:
        if self._lines is None:
            self._lines = self.source.splitlines()
        return self._lines

    def line_text(self, line: int) -> str:
        """Physical line ``line`` (1-based) of the code view, for ``# noqa``."""
        lines = self.lines
        return lines[line - 1] if 0 < line <= len(lines) else ""

    def locate(self, line: int, col0: int) -> Location:
        """Map a code-view position (1-based line, 0-based column)."""
        return Location(line=line, col=col0 + 1, file_line=line)

    def fallback_views(self) -> "List[CodeView]":
        """Smaller views to check one by one when this one does not parse
        (a notebook falls back to cell by cell). Plain files have none."""
        return []

    def fallback_label(self) -> str:
        """How an error in this view names its place (``cell 4``), or ''."""
        return ""

    def apply_edits(self, unit: "Unit", edits: "Sequence[Any]") -> bytes:
        """The file's new bytes after applying code-view edits (fixes)."""
        from mlwarden.core.edits import apply_edits

        text = apply_edits(self.source, edits)
        encoding = unit.extra.get("encoding", "utf-8")
        return text.encode(encoding)


@dataclass(frozen=True)
class ShellLine:
    """An IPython line the Python parser never sees (``!cmd``, ``%magic``,
    a ``%%cell`` magic body line), kept for dependency, secret and download
    rules. Positions are 1-based; ``line``/``col`` are within the cell."""

    cell: int
    line: int
    col: int
    file_line: int
    kind: str  # "shell" (!cmd), "line_magic" (%pip …), "cell_magic" (a line of a %%bash cell)
    magic: Optional[str]  # "pip", "env", "bash", … (None for !cmd)
    command: str  # the text after the ! or %magic marker (for %%bash bodies: the line itself)


@dataclass
class Unit:
    path: str  # as displayed
    kind: str
    raw: bytes
    text: Optional[str] = None
    code: Optional[CodeView] = None
    #: kind-specific data (notebook JSON, …)
    extra: Dict[str, Any] = field(default_factory=dict)
    #: IPython shell/magic lines (notebooks); empty for plain files
    shell_lines: List[ShellLine] = field(default_factory=list)

    @property
    def lines(self) -> List[str]:
        if "_lines" not in self.extra:
            self.extra["_lines"] = (self.text or "").splitlines()
        return self.extra["_lines"]

    def line_text(self, line: int) -> str:
        lines = self.lines
        return lines[line - 1] if 0 < line <= len(lines) else ""
