"""The code view of a notebook or ``.ipy`` file: code cells joined into
one virtual module, with a map from every virtual line back to
``(cell, line in cell, line in the file)`` and fixes written back into the
cells."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Sequence

from mlwarden.sources.base import CodeView, Location, Unit
from mlwarden.sources.cells import CellInfo


@dataclass(frozen=True)
class _LineRef:
    cell: Optional[int]  # 1-based cell number (None for .ipy files)
    slot: int  # index into unit.extra["cells"]
    line: int  # 1-based line in the cell
    file_line: int
    shift: int  # cell column = virtual column + shift


class NotebookCodeView(CodeView):
    """Code cells as one module (or one cell, for the per-cell fallback)."""

    def __init__(self, source: str, refs: List[_LineRef], cells: List[CellInfo], label: str = "") -> None:
        super().__init__(source)
        self.refs = refs
        self.cells = cells
        self.label = label

    def _ref(self, line: int) -> Optional[_LineRef]:
        if 0 < line <= len(self.refs):
            return self.refs[line - 1]
        return self.refs[-1] if self.refs else None

    def line_text(self, line: int) -> str:
        ref = self._ref(line)
        if ref is None or not (0 < line <= len(self.refs)):
            return ""
        return self.cells[ref.slot].line_text(ref.line)

    def locate(self, line: int, col0: int) -> Location:
        ref = self._ref(line)
        if ref is None:
            return Location(line=line, col=col0 + 1, file_line=line)
        if line > len(self.refs):  # end of the module: just past the last line
            return Location(line=ref.line + 1, col=1, cell=ref.cell, file_line=ref.file_line)
        return Location(line=ref.line, col=col0 + ref.shift + 1, cell=ref.cell, file_line=ref.file_line)

    def fallback_views(self) -> List[CodeView]:
        if self.label:  # already one cell
            return []
        by_slot: Dict[int, List[int]] = {}
        for number, ref in enumerate(self.refs, start=1):
            by_slot.setdefault(ref.slot, []).append(number)
        views: List[CodeView] = []
        if len(by_slot) <= 1:
            return []
        lines = self.lines
        for slot, numbers in by_slot.items():
            refs = [self.refs[n - 1] for n in numbers]
            source = "".join(lines[n - 1] + "\n" for n in numbers)
            cell = refs[0].cell
            views.append(NotebookCodeView(source, refs, self.cells, label=f"cell {cell}" if cell else ""))
        return views

    def fallback_label(self) -> str:
        return self.label

    def apply_edits(self, unit: Unit, edits: Sequence[Any]) -> bytes:
        """New file bytes: edits go into the cells' sources; for notebooks
        only the edited cells' ``source`` values change in the JSON text (every
        other byte stays), in the same list-or-string style."""
        from mlwarden.core.edits import apply_edits as apply_text_edits
        from mlwarden.core.finding import Edit
        from mlwarden.sources.notebook_write import replace_cell_sources

        per_slot: Dict[int, List[Edit]] = {}
        for edit in edits:
            start, end = self._ref(edit.start_line), self._ref(edit.end_line)
            if start is None or end is None:
                raise ValueError("edit outside the code view")
            if start.slot != end.slot:
                raise ValueError("an edit spans two cells")
            per_slot.setdefault(start.slot, []).append(
                Edit(start.line, edit.start_col + start.shift, end.line, edit.end_col + end.shift, edit.text)
            )
        new_sources = {slot: apply_text_edits(self.cells[slot].source, cell_edits) for slot, cell_edits in per_slot.items()}
        if unit.kind != "notebook":  # an .ipy script is one cell
            return new_sources.get(0, self.cells[0].source).encode(unit.extra.get("encoding", "utf-8"))
        return replace_cell_sources(unit, new_sources)
