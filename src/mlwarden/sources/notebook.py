"""Jupyter notebooks (``.ipynb``) and IPython scripts (``.ipy``).

A notebook is read with :mod:`json` (about 10x faster than ``nbformat.read``
and no 70 ms import); nbformat 4 (and 5) and nbformat 3 (``worksheets``,
``input``) files are understood. Code cells become **one virtual module**, so
``import torch as t`` in cell 1 resolves ``t.load(p)`` in cell 4, with a map
from every virtual line back to ``(cell, line in cell, line in the .ipynb)``.

IPython syntax is masked for the Python parser without changing the line
structure (one virtual line per cell line), and kept as
:class:`~mlwarden.sources.ShellLine` records in ``unit.shell_lines``:

* ``!cmd`` and ``x = !cmd``             -> kind ``shell`` (magic None)
* ``%magic args`` and ``x = %magic args`` -> kind ``line_magic`` (``%pip install x``:
  magic ``pip``, command ``install x``); automagic lines such as
  ``pip install x`` count as ``%pip``
* every command line of a ``%%bash`` / ``%%sh`` / ``%%script bash`` cell
  -> kind ``cell_magic`` (magic ``bash``/``sh``/…)
* ``obj?``, ``??obj`` (help), ``/f x`` (autocall) -> masked, no record

Backslash continuations of ``!``/``%`` lines and of shell-cell lines are
joined into one record (positioned on its first line). Cell magics whose body
is Python (``%%time``, ``%%timeit``, ``%%capture`` …) keep their body visible
to the code rules; other cell magics (``%%writefile``, ``%%html`` …) are
masked whole. ``%time expr`` / ``%timeit expr`` show ``expr`` to the code
rules. A magic is recognised only where a statement starts (not inside a
string or brackets), as IPython does. A cell whose first line is indented is
dedented (IPython's ``leading_indent``).

A notebook whose kernel language is not Python (R, Julia …) has no code view.

``unit.extra["notebook"]`` is the parsed JSON and ``unit.extra["cells"]`` a
list of :class:`CellInfo` (every cell, 1-based ``index``, with the ``.ipynb``
line of its source and of each output) for file rules such as secret scanning.
"""

from __future__ import annotations

from typing import Any, Dict, List

from mlwarden.sources.base import LoadError, ShellLine, Unit
from mlwarden.sources.cells import CellInfo, split_lines
from mlwarden.sources.cellview import NotebookCodeView, _LineRef
from mlwarden.sources.magics import mask_cell
from mlwarden.sources.notebook_json import _Positions, cell_source, is_python_notebook, parse_notebook_json, raw_cells

# the names this module held before it was split by concern
from mlwarden.sources.magics import (  # noqa: F401,E402
    AUTOMAGICS,
    PYTHON_CELL_MAGICS,
    PYTHON_LINE_MAGICS,
    SHELL_CELL_MAGICS,
    SHELL_LINE_MAGICS,
    SHELLS,
)
from mlwarden.sources.notebook_write import replace_cell_sources  # noqa: F401,E402
from mlwarden.sources.shell import (  # noqa: F401,E402
    env_assignments,
    iter_shell_commands,
    program,
    record_line_text,
    record_position,
    shell_command,
    shell_pipelines,
)


def load(raw: bytes, path: str) -> Unit:
    nb, text, encoding = parse_notebook_json(raw)
    cells_json = raw_cells(nb)
    positions = _Positions(text)
    try:
        positions.scan()
    except (ValueError, IndexError, RecursionError):  # pragma: no cover - json.loads accepted it
        positions.cells = []
    if len(positions.cells) != len(cells_json):
        positions.cells = [{"cell": None, "source": None, "source_items": [], "outputs": []} for _ in cells_json]

    cells: List[CellInfo] = []
    for number, cell in enumerate(cells_json, start=1):
        if not isinstance(cell, dict):
            raise LoadError(f"cell {number}: not a JSON object")
        source = cell_source(cell, number)
        record = positions.cells[number - 1]
        cells.append(_cell_info(number, cell, source, record, positions))

    unit = Unit(path=path, kind="notebook", raw=raw, text=text)
    unit.extra.update({"notebook": nb, "cells": cells, "json_text": text, "encoding": encoding, "_positions": positions})
    if is_python_notebook(nb):
        _build_code(unit, cells, numbered=True)
    return unit


def _cell_info(number: int, cell: Dict[str, Any], source: str, record: Dict[str, Any], positions: _Positions) -> CellInfo:
    start_line = positions.line(record["source"] if record["source"] is not None else record["cell"])
    items = record["source_items"]
    values = cell.get("source", cell.get("input"))
    line_files: List[int] = []
    if items and isinstance(values, list) and len(items) == len(values):
        # cell line k lies in the list item that holds its first character
        at_line_start = True
        for value, offset in zip(values, items):
            item_line = positions.line(offset)
            if at_line_start:
                line_files.append(item_line)
            interior = value[:-1].count("\n") if value.endswith("\n") else value.count("\n")
            line_files.extend([item_line] * interior)
            at_line_start = value.endswith("\n")
    count = max(1, len(split_lines(source)))
    while len(line_files) < count:
        line_files.append(line_files[-1] if line_files else start_line)
    outputs = cell.get("outputs") if isinstance(cell.get("outputs"), list) else []
    metadata = cell.get("metadata") if isinstance(cell.get("metadata"), dict) else {}
    return CellInfo(
        index=number,
        cell_type=str(cell.get("cell_type", "")),
        source=source,
        file_line=start_line,
        output_file_lines=[positions.line(o) for o in record["outputs"]] or [start_line] * len(outputs),
        line_file_lines=line_files,
        outputs=outputs,
        metadata=metadata,
    )


def _build_code(unit: Unit, cells: List[CellInfo], numbered: bool) -> None:
    virtual: List[str] = []
    refs: List[_LineRef] = []
    for slot, cell in enumerate(cells):
        if cell.cell_type != "code":
            continue
        masked = mask_cell(cell.source)
        cell.cell_magic = masked.cell_magic
        number = cell.index if numbered else None
        for i, text in enumerate(masked.lines):
            virtual.append(text)
            refs.append(_LineRef(number, slot, i + 1, cell.file_line_of(i + 1), masked.shifts[i]))
        for line, col, kind, magic, command in masked.records:
            unit.shell_lines.append(
                ShellLine(cell=cell.index if numbered else 0, line=line, col=col, file_line=cell.file_line_of(line),
                          kind=kind, magic=magic, command=command)
            )
    source = "".join(line + "\n" for line in virtual)
    unit.code = NotebookCodeView(source, refs, cells)


def load_ipython(raw: bytes, path: str) -> Unit:
    """An IPython script (``.ipy``): one cell, positions are file lines."""
    from mlwarden.sources.python import decode_python

    text, encoding = decode_python(raw)
    lines = split_lines(text)
    cell = CellInfo(index=1, cell_type="code", source=text, file_line=1, line_file_lines=list(range(1, len(lines) + 1)) or [1])
    unit = Unit(path=path, kind="ipython", raw=raw, text=text, extra={"encoding": encoding, "cells": [cell]})
    _build_code(unit, [cell], numbered=False)
    return unit
