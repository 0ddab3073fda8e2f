"""One notebook cell as file rules see it (:class:`CellInfo`), and
:func:`split_lines` (Python's newline rules). Shared by the notebook and
``.ipy`` loaders, the code view and the rules that read cells."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

_NEWLINE_RE = re.compile(r"\r\n|\r|\n")


@dataclass
class CellInfo:
    """One notebook cell (every cell type), for file rules.

    Attribute access or ``cell["index"]``. Lines are 1-based; ``file_line`` is
    the ``.ipynb`` line where the source starts, ``line_file_lines[i]`` the
    ``.ipynb`` line of cell line ``i + 1``, ``output_file_lines[j]`` the
    ``.ipynb`` line where output ``j`` (0-based) starts."""

    index: int
    cell_type: str
    source: str
    file_line: int
    output_file_lines: List[int] = field(default_factory=list)
    line_file_lines: List[int] = field(default_factory=list)
    outputs: List[Any] = field(default_factory=list)
    metadata: Dict[str, Any] = field(default_factory=dict)
    #: ``%%name args`` of a cell magic, or None
    cell_magic: Optional[str] = None

    def __getitem__(self, key: str) -> Any:
        return getattr(self, key)

    def get(self, key: str, default: Any = None) -> Any:
        return getattr(self, key, default)

    @property
    def lines(self) -> List[str]:
        return split_lines(self.source)

    def line_text(self, line: int) -> str:
        lines = self.lines
        return lines[line - 1] if 0 < line <= len(lines) else ""

    def file_line_of(self, line: int) -> int:
        if 0 < line <= len(self.line_file_lines):
            return self.line_file_lines[line - 1]
        return self.line_file_lines[-1] if self.line_file_lines else self.file_line

    @property
    def tags(self) -> List[str]:
        tags = self.metadata.get("tags") if isinstance(self.metadata, dict) else None
        return [t for t in tags if isinstance(t, str)] if isinstance(tags, list) else []


def split_lines(text: str) -> List[str]:
    """Lines by Python's newline rules; a trailing newline adds no line."""
    if not text:
        return []
    parts = _NEWLINE_RE.split(text)
    if parts and parts[-1] == "":
        parts.pop()
    return parts
