"""Reading notebook JSON: the document (nbformat 3, 4 and 5, with
:mod:`json`, about 10x faster than ``nbformat.read``), its cells, and the
offsets in the JSON text of each cell's source and outputs
(:class:`_Positions`), so findings point at ``.ipynb`` lines."""

from __future__ import annotations

import bisect
import json
import re
from typing import Any, Callable, Dict, List, Optional, Tuple

from mlwarden.sources.base import LoadError

_WS_RE = re.compile(r"[ \t\n\r]*")


class _Positions:
    """Offsets in the notebook's JSON text of what we report on, found by a
    small descent that hands every value it does not need to ``raw_decode``
    (C speed, so a 100 MB output blob costs one C call)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.decoder = json.JSONDecoder()
        self.newlines = [m.start() for m in re.finditer("\n", text)] if "\n" in text else []
        #: per cell (document order): {"source": offset, "source_items": [offsets], "outputs": [offsets]}
        self.cells: List[Dict[str, Any]] = []

    def line(self, offset: Optional[int]) -> int:
        if offset is None:
            return 1
        return bisect.bisect_right(self.newlines, offset - 1) + 1 if self.newlines else 1

    def _ws(self, pos: int) -> int:
        return _WS_RE.match(self.text, pos).end()

    def _skip(self, pos: int) -> int:
        return self.decoder.raw_decode(self.text, pos)[1]

    def _object(self, pos: int, on_key: Callable[[str, int], int]) -> int:
        text = self.text
        if text[pos] != "{":
            return self._skip(pos)
        pos = self._ws(pos + 1)
        if text[pos] == "}":
            return pos + 1
        while True:
            key, pos = self.decoder.raw_decode(text, pos)
            pos = self._ws(pos)
            pos = self._ws(pos + 1)  # ':'
            pos = self._ws(on_key(key, pos))
            if text[pos] == ",":
                pos = self._ws(pos + 1)
                continue
            return pos + 1  # '}'

    def _array(self, pos: int, on_item: Callable[[int, int], int]) -> int:
        text = self.text
        if text[pos] != "[":
            return self._skip(pos)
        pos = self._ws(pos + 1)
        if text[pos] == "]":
            return pos + 1
        index = 0
        while True:
            pos = self._ws(on_item(index, pos))
            index += 1
            if text[pos] == ",":
                pos = self._ws(pos + 1)
                continue
            return pos + 1

    def scan(self) -> None:
        start = self._ws(0)
        if self.text.startswith("\ufeff", start):
            start = self._ws(start + 1)
        self._object(start, self._top_key)

    def _top_key(self, key: str, pos: int) -> int:
        if key == "cells":
            return self._array(pos, self._cell)
        if key == "worksheets":  # nbformat 3
            return self._array(pos, lambda _i, p: self._object(p, lambda k, q: self._array(q, self._cell) if k == "cells" else self._skip(q)))
        return self._skip(pos)

    def _cell(self, _index: int, pos: int) -> int:
        record: Dict[str, Any] = {"cell": pos, "source": None, "source_items": [], "outputs": []}
        self.cells.append(record)

        def on_key(key: str, p: int) -> int:
            if key in ("source", "input"):
                if record["source"] is None or key == "source":
                    record["source"] = p
                    items: List[int] = []
                    record["source_items"] = items
                    if self.text[p] == "[":
                        return self._array(p, lambda _i, q: (items.append(q), self._skip(q))[1])
                return self._skip(p)
            if key == "outputs":
                outs: List[int] = record["outputs"]
                return self._array(p, lambda _i, q: (outs.append(q), self._skip(q))[1])
            return self._skip(p)

        return self._object(pos, on_key)


def _decode(raw: bytes) -> Tuple[str, str]:
    if not raw.strip():
        raise LoadError("empty file, not a notebook")
    encoding = "utf-8-sig" if raw.startswith(b"\xef\xbb\xbf") else "utf-8"
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as exc:
        raise LoadError(f"cannot decode notebook as UTF-8: invalid byte 0x{raw[exc.start]:02x} at offset {exc.start}") from None
    return text, encoding


def parse_notebook_json(raw: bytes) -> Tuple[Dict[str, Any], str, str]:
    """``(notebook dict, JSON text, encoding)``; LoadError with a one-line
    reason for anything that is not a notebook we can read."""
    text, encoding = _decode(raw)
    try:
        nb = json.loads(text)
    except json.JSONDecodeError as exc:
        raise LoadError(f"cannot parse notebook: invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}") from None
    except RecursionError:
        raise LoadError("cannot parse notebook: JSON nested too deeply") from None
    except ValueError as exc:  # an integer of more than 4,300 digits (Python's int/str limit)
        raise LoadError(f"cannot parse notebook: {str(exc).split(':')[0]}") from None
    if not isinstance(nb, dict):
        raise LoadError(f"not a Jupyter notebook: the JSON is {type(nb).__name__ if nb is not None else 'null'}, not an object")
    major = nb.get("nbformat")
    if major is None and "cells" not in nb and "worksheets" not in nb:
        raise LoadError("not a Jupyter notebook: no \"nbformat\" and no \"cells\"")
    if major is not None and (not isinstance(major, int) or isinstance(major, bool) or major not in (3, 4, 5)):
        raise LoadError(f"unsupported notebook format: nbformat {major!r} (mlwarden reads nbformat 3 and 4)")
    return nb, text, encoding


def raw_cells(nb: Dict[str, Any]) -> List[Any]:
    """The cells of a v4 notebook or of every v3 worksheet, in order."""
    if isinstance(nb.get("cells"), list) or nb.get("nbformat") != 3:
        cells = nb.get("cells", [])
        if not isinstance(cells, list):
            raise LoadError("not a Jupyter notebook: \"cells\" is not a list")
        return cells
    sheets = nb.get("worksheets", [])
    if not isinstance(sheets, list):
        raise LoadError("not a Jupyter notebook: \"worksheets\" is not a list")
    cells: List[Any] = []
    for sheet in sheets:
        if isinstance(sheet, dict) and isinstance(sheet.get("cells"), list):
            cells.extend(sheet["cells"])
    return cells


def cell_source(cell: Dict[str, Any], number: int) -> str:
    value = cell.get("source", cell.get("input", "")) if "source" in cell or "input" in cell else ""
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return "".join(value)
    if value is None:
        return ""
    raise LoadError(f"cell {number}: source is {type(value).__name__}, not a string or a list of strings")


def is_python_notebook(nb: Dict[str, Any]) -> bool:
    meta = nb.get("metadata")
    if not isinstance(meta, dict):
        return True
    names = []
    info = meta.get("language_info")
    if isinstance(info, dict):
        names.append(info.get("name"))
    spec = meta.get("kernelspec")
    if isinstance(spec, dict):
        names.append(spec.get("language"))
    names.append(meta.get("language"))  # nbformat 3
    names = [n.lower() for n in names if isinstance(n, str) and n]
    return not names or any(n in ("python", "python3", "python2", "ipython", "ipython3") for n in names)
