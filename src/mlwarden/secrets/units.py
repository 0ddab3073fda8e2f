"""Turn units (Python files, text files, notebook cells) into located secret
hits for the MLW4xx/MLW51x file rules."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator, List, Optional

from mlwarden.secrets.adapter import Hit, Session


@dataclass(frozen=True)
class Located:
    hit: Hit
    line: int  # in the file, or in the cell for notebooks
    col: int
    cell: Optional[int]
    file_line: Optional[int]
    text: str  # the physical line (for ``# noqa``)


def field(record: Any, name: str, default: Any = None) -> Any:
    """A cell record field (records may be dicts or objects)."""
    if isinstance(record, dict):
        return record.get(name, default)
    return getattr(record, name, default)


def cell_source(cell: Any) -> str:
    source = field(cell, "source", "")
    if isinstance(source, list):
        source = "".join(str(s) for s in source)
    return source if isinstance(source, str) else ""


def cell_file_line(cell: Any, line: int) -> Optional[int]:
    """The notebook JSON line of line ``line`` (1-based) of a cell's source."""
    locate = getattr(cell, "file_line_of", None)
    if callable(locate):
        return locate(line)
    start = field(cell, "file_line")
    return start if isinstance(start, int) else None


def cell_lines(cell: Any) -> List[str]:
    lines = getattr(cell, "lines", None)
    return list(lines) if isinstance(lines, list) else cell_source(cell).splitlines()


def _python_filename(path: str) -> str:
    return path if path.endswith((".py", ".pyw")) else "source.py"


def source_hits(unit: Any, session: Session) -> Iterator[Located]:
    """Secrets in a unit's own text: a Python or text file's lines, or every
    notebook cell's source (code, markdown and raw cells; magics included)."""
    if unit.kind == "notebook":
        for cell in unit.extra.get("cells") or ():
            lines = cell_lines(cell)
            if not lines:
                continue
            kind = field(cell, "cell_type", "code")
            hits = session.scan(lines, "cell.py" if kind == "code" else "cell.md")
            index = field(cell, "index")
            for hit in hits:
                yield Located(hit, hit.line, hit.col, index, cell_file_line(cell, hit.line), lines[hit.line - 1])
        return
    if unit.text is None:
        return
    lines: List[str] = unit.lines
    filename = _python_filename(unit.path) if unit.kind == "python" else unit.path
    for hit in session.scan(lines, filename):
        yield Located(hit, hit.line, hit.col, None, hit.line, lines[hit.line - 1])
