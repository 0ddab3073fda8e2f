"""Strip outputs and volatile metadata from a notebook (nbstripout semantics).

:func:`strip_notebook` is a pure ``dict -> dict`` transform on the notebook's
JSON (nbformat 3 or 4): it returns a new notebook and never touches the input.
:func:`dumps_like` serialises it back in the style of the original file
(indentation, key order, ASCII escapes, trailing newline, line endings), so
only what was stripped changes. ``mlwarden strip`` (commands/strip.py) reads,
validates and writes; MLW501 uses :func:`cells_with_outputs`.

What is removed (each as nbstripout does):

* ``outputs`` of code cells (kept for cells tagged ``keep_output``, cells with
  ``metadata.keep_output: true``, every cell with ``--keep-output`` or a
  notebook ``metadata.keep_output: true``; with ``--max-size N`` outputs of
  at most N bytes are kept);
* ``execution_count`` (``prompt_number`` in nbformat 3), in cells and in kept
  outputs, unless ``--keep-count``;
* the metadata keys in :data:`DEFAULT_STRIP_KEYS` plus ``--extra-keys``,
  minus ``--keep-metadata-keys``;
* with ``--drop-empty-cells``, cells whose source is only whitespace.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

#: nbstripout's default keys: notebook-level ``metadata.*`` and ``cell.metadata.*``
DEFAULT_STRIP_KEYS: Tuple[str, ...] = (
    "metadata.signature",
    "metadata.widgets",
    "cell.metadata.collapsed",
    "cell.metadata.ExecuteTime",
    "cell.metadata.execution",
    "cell.metadata.heading_collapsed",
    "cell.metadata.hidden",
    "cell.metadata.scrolled",
)

KEEP_OUTPUT = "keep_output"


class StripError(ValueError):
    """A notebook we refuse to strip (contradictory keep_output settings …)."""


@dataclass
class StripOptions:
    keep_output: bool = False
    keep_count: bool = False
    #: keep outputs whose JSON is at most this many bytes (0: strip all)
    max_size: int = 0
    drop_empty_cells: bool = False
    extra_keys: Sequence[str] = ()
    keep_metadata_keys: Sequence[str] = ()

    def strip_keys(self) -> List[str]:
        keep = set(self.keep_metadata_keys)
        keys = [k for k in (*DEFAULT_STRIP_KEYS, *self.extra_keys) if k not in keep]
        return list(dict.fromkeys(keys))


def parse_keys(values: Iterable[str]) -> List[str]:
    """``["metadata.a cell.metadata.b", "x,y"]`` -> the individual keys.
    Raises ValueError for a key that names neither ``metadata.…`` nor
    ``cell.…``."""
    keys: List[str] = []
    for value in values:
        for key in re.split(r"[\s,]+", value.strip()):
            if not key:
                continue
            if not (key.startswith("metadata.") or key.startswith("cell.")) or key.endswith("."):
                raise ValueError(f"invalid key {key!r}: expected metadata.<key> or cell.metadata.<key> (dotted)")
            keys.append(key)
    return keys


def cells(nb: Dict[str, Any]) -> List[Dict[str, Any]]:
    """The cells of a v4 notebook, or of every v3 worksheet (live objects)."""
    if isinstance(nb.get("cells"), list):
        return [c for c in nb["cells"] if isinstance(c, dict)]
    out: List[Dict[str, Any]] = []
    for sheet in _worksheets(nb):
        if isinstance(sheet, dict) and isinstance(sheet.get("cells"), list):
            out.extend(c for c in sheet["cells"] if isinstance(c, dict))
    return out


def _worksheets(nb: Dict[str, Any]) -> List[Any]:
    sheets = nb.get("worksheets")
    return sheets if isinstance(sheets, list) else []


def keep_output_for(cell: Dict[str, Any], default: bool) -> bool:
    """nbstripout's rule: ``metadata.keep_output`` wins, then the
    ``keep_output`` tag, then ``default``. A false ``keep_output`` metadata
    with a ``keep_output`` tag is a contradiction (StripError)."""
    meta = cell.get("metadata")
    if not isinstance(meta, dict):
        return default
    tags = meta.get("tags") if isinstance(meta.get("tags"), list) else []
    has_tag = KEEP_OUTPUT in tags
    if KEEP_OUTPUT in meta:
        value = bool(meta[KEEP_OUTPUT])
        if has_tag and not value:
            raise StripError("a cell has metadata keep_output: false but the keep_output tag")
        return value
    return True if has_tag else default


def notebook_keeps_output(nb: Dict[str, Any], options: Optional[StripOptions] = None) -> bool:
    meta = nb.get("metadata")
    return bool((options and options.keep_output) or (isinstance(meta, dict) and meta.get(KEEP_OUTPUT)))


def output_size(output: Any) -> int:
    return len(json.dumps(output, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


def _source_text(cell: Dict[str, Any]) -> str:
    value = cell.get("source", cell.get("input", ""))
    if isinstance(value, list):
        return "".join(v for v in value if isinstance(v, str))
    return value if isinstance(value, str) else ""


def _pop_path(container: Any, path: Sequence[str]) -> None:
    """Delete ``container[p0][p1]…``; missing keys are fine."""
    for part in path[:-1]:
        if not isinstance(container, dict) or part not in container:
            return
        container = container[part]
    if isinstance(container, dict):
        container.pop(path[-1], None)


def strip_notebook(nb: Dict[str, Any], options: Optional[StripOptions] = None) -> Dict[str, Any]:
    """A stripped copy of ``nb`` (see the module docs). Raises StripError."""
    options = options or StripOptions()
    nb = copy.deepcopy(nb)
    keys = options.strip_keys()
    for key in keys:
        if key.startswith("metadata."):
            _pop_path(nb, key.split("."))
    default_keep = notebook_keeps_output(nb, options)
    cell_keys = [key.split(".")[1:] for key in keys if key.startswith("cell.")]

    def keep_cell(cell: Dict[str, Any]) -> bool:
        return not options.drop_empty_cells or bool(_source_text(cell).strip())

    if options.drop_empty_cells:
        if isinstance(nb.get("cells"), list):
            nb["cells"] = [c for c in nb["cells"] if not isinstance(c, dict) or keep_cell(c)]
        for sheet in _worksheets(nb):
            if isinstance(sheet, dict) and isinstance(sheet.get("cells"), list):
                sheet["cells"] = [c for c in sheet["cells"] if not isinstance(c, dict) or keep_cell(c)]

    for cell in cells(nb):
        keep = keep_output_for(cell, default_keep)
        if isinstance(cell.get("outputs"), list):
            if not keep:
                cell["outputs"] = [o for o in cell["outputs"] if 0 < options.max_size and output_size(o) <= options.max_size]
            if not options.keep_count:
                for output in cell["outputs"]:
                    if isinstance(output, dict) and output.get("execution_count") is not None:
                        output["execution_count"] = None
                    if isinstance(output, dict) and output.get("prompt_number") is not None:
                        output["prompt_number"] = None
        if not options.keep_count:
            for count_key in ("execution_count", "prompt_number"):
                if cell.get(count_key) is not None:
                    cell[count_key] = None
        for path in cell_keys:
            _pop_path(cell, path)
    return nb


def cells_with_outputs(nb: Dict[str, Any]) -> List[Tuple[int, int]]:
    """``(cell index 0-based, number of outputs)`` for every cell whose
    outputs the default strip would remove (MLW501)."""
    default_keep = notebook_keeps_output(nb)
    out: List[Tuple[int, int]] = []
    for index, cell in enumerate(cells(nb)):
        outputs = cell.get("outputs")
        if not isinstance(outputs, list) or not outputs:
            continue
        try:
            keep = keep_output_for(cell, default_keep)
        except StripError:
            keep = False
        if not keep:
            out.append((index, len(outputs)))
    return out


# ---------------------------------------------------------------------------
# writing in the original file's style


@dataclass
class JsonStyle:
    indent: Optional[int] = 1
    item_separator: str = ","
    key_separator: str = ": "
    ensure_ascii: bool = False
    trailing_newline: bool = True
    crlf: bool = False
    bom: bool = False
    extra: Dict[str, Any] = field(default_factory=dict)


def detect_style(text: str) -> JsonStyle:
    style = JsonStyle()
    style.bom = text.startswith("\ufeff")
    body = text.lstrip("\ufeff")
    style.crlf = "\r\n" in body
    style.trailing_newline = body.endswith("\n")
    match = re.match(r"\s*\{\r?\n([ \t]*)\"", body)
    if match:
        style.indent = len(match.group(1).expandtabs(1)) if match.group(1) else 0
        style.item_separator = ","
    else:
        style.indent = None
        head = body[:4096]
        style.item_separator = ", " if re.search(r'"\s*,\s+"|[\]}\d"]\s*,\s+"', head) else ","
    style.key_separator = ": " if re.search(r'^\s*\{\s*"[^"\\]*"\s*:\s', body) else ":"
    style.ensure_ascii = body.isascii() and bool(re.search(r"\\u(?!00[0-7])[0-9a-fA-F]{4}", body))
    return style


def dumps_like(nb: Dict[str, Any], style: JsonStyle) -> str:
    text = json.dumps(
        nb,
        indent=style.indent,
        separators=(style.item_separator, style.key_separator),
        ensure_ascii=style.ensure_ascii,
    )
    if style.trailing_newline:
        text += "\n"
    if style.crlf:
        text = text.replace("\n", "\r\n")
    if style.bom:
        text = "\ufeff" + text
    return text
