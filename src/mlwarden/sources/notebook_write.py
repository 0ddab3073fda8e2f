"""Writing fixes into a notebook: only the edited cells' ``source``
values change in the JSON text, in the same list-or-string style and escaping;
every other byte stays."""

from __future__ import annotations

import json
import re
from typing import Dict, List

from mlwarden.sources.base import Unit
from mlwarden.sources.notebook_json import _Positions


def _uses_ascii_escapes(text: str) -> bool:
    return text.isascii() and bool(re.search(r"\\u(?!00[0-7])[0-9a-fA-F]{4}", text))


def _dump_string(value: str, ensure_ascii: bool) -> str:
    return json.dumps(value, ensure_ascii=ensure_ascii)


def replace_cell_sources(unit: Unit, new_sources: Dict[int, str]) -> bytes:
    """The notebook's bytes with the ``source`` of the given cells (slot ->
    new text) replaced, everything else byte for byte."""
    text: str = unit.extra["json_text"]
    positions: _Positions = unit.extra["_positions"]
    ensure_ascii = _uses_ascii_escapes(text)
    pieces: List[str] = []
    cursor = 0
    for slot in sorted(new_sources):
        record = positions.cells[slot]
        start = record["source"]
        if start is None:
            raise ValueError(f"cell {slot + 1} has no source to edit")
        end = positions._skip(start)
        old_value = text[start:end]
        new_text = new_sources[slot]
        if old_value.startswith("["):
            items = [_dump_string(s, ensure_ascii) for s in new_text.splitlines(keepends=True)]
            inner = old_value[1:-1]
            lead = inner[: len(inner) - len(inner.lstrip())] if inner.strip() else ""
            trail = inner[len(inner.rstrip()):] if inner.strip() else ""
            separator = "," + lead if "\n" in lead else ", " if ", " in inner else ","
            new_value = "[" + lead + separator.join(items) + trail + "]" if items else "[]"
        else:
            new_value = _dump_string(new_text, ensure_ascii)
        pieces.append(text[cursor:start])
        pieces.append(new_value)
        cursor = end
    pieces.append(text[cursor:])
    return "".join(pieces).encode(unit.extra.get("encoding", "utf-8"))
