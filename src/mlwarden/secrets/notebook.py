"""Secrets in notebook outputs and metadata.

Outputs are read as the text a person would see: ``stream`` text,
``text/*`` and JSON representations of ``execute_result``/``display_data``,
and ``error`` tracebacks (ANSI colour codes removed, so a token split by
highlighting is found whole). ``image/*`` payloads are never scanned (their
base64 is where detect-secrets on raw JSON finds most of its noise), and runs
of 2,000 or more base64 characters inside text (inline ``data:`` images in
HTML) are blanked out first.

Outputs and metadata use the ``output`` profile of
:mod:`mlwarden.secrets.adapter`: token formats only, no keyword and no
high-entropy detectors.

:func:`secrets_in_kept_outputs` is the hook the notebook output stripper
calls for outputs it keeps on purpose (``keep_output``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Dict, Iterator, List, Optional, Tuple

from mlwarden.core.finding import redact
from mlwarden.secrets.adapter import Hit, Session

_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07")
_BLOB = re.compile(r"[A-Za-z0-9+/=_\-]{2000,}")
_TEXT_MIME = re.compile(r"^(?:text/.*|application/(?:json|javascript|x-latex|xml)|.*\+json|.*\+xml)$")
_SKIP_MIME = re.compile(r"^(?:image/.*|application/vnd\.jupyter\.widget-view\+json|application/pdf)$")


@dataclass(frozen=True)
class OutputHit:
    cell: int  # 1-based cell index
    output: int  # 0-based output index
    line: int  # 1-based line within the output text
    col: int
    hit: Hit
    where: str  # "stream", "text/plain", "traceback" …


def _text(value: Any) -> str:
    if isinstance(value, list):
        return "".join(str(v) for v in value)
    if isinstance(value, str):
        return value
    if isinstance(value, (dict, int, float, bool)) or value is None:
        return json.dumps(value, indent=1, ensure_ascii=False)
    return ""


def _blank_blobs(text: str) -> str:
    return _BLOB.sub(lambda m: " " * len(m.group(0)), text)


def output_texts(output: Any) -> Iterator[Tuple[str, str]]:
    """(where, text) pieces of one output that a person could read."""
    if not isinstance(output, dict):
        return
    kind = output.get("output_type")
    if kind == "stream":
        yield "stream", _text(output.get("text"))
    elif kind == "error":
        lines = output.get("traceback")
        if isinstance(lines, list):
            yield "traceback", _ANSI.sub("", "\n".join(str(line) for line in lines))
        if isinstance(output.get("evalue"), str):
            yield "error", _ANSI.sub("", output["evalue"])
    elif kind in ("execute_result", "display_data", "update_display_data", "pyout", "display_data"):
        data = output.get("data")
        if not isinstance(data, dict):  # nbformat 3: mime keys on the output itself
            data = {k: v for k, v in output.items() if k in ("text", "html", "latex", "json", "javascript")}
        for mime, value in data.items():
            if not isinstance(mime, str) or _SKIP_MIME.match(mime):
                continue
            if _TEXT_MIME.match(mime) or mime in ("text", "html", "latex", "json", "javascript"):
                yield mime, _text(value)


def _cell_field(cell: Any, name: str, default: Any = None) -> Any:
    if isinstance(cell, dict):
        return cell.get(name, default)
    return getattr(cell, name, default)


def _index(cell: Any, number: int) -> int:
    value = None if isinstance(cell, dict) else getattr(cell, "index", None)
    return value if isinstance(value, int) else number


def scan_outputs(cells: List[Any], session: Session) -> Iterator[OutputHit]:
    """Secrets in the outputs of ``cells`` (CellInfo records or raw JSON cells;
    raw cells are numbered from 1 in order)."""
    for number, cell in enumerate(cells, start=1):
        index = _index(cell, number)
        outputs = _cell_field(cell, "outputs") or []
        if not isinstance(outputs, list):
            continue
        for out_index, output in enumerate(outputs):
            for where, text in output_texts(output):
                if not text:
                    continue
                lines = _blank_blobs(text).splitlines()
                for hit in session.scan(lines, "output.txt"):
                    yield OutputHit(index, out_index, hit.line, hit.col, hit, where)


# -- metadata -------------------------------------------------------------


@dataclass(frozen=True)
class MetadataHit:
    where: str  # "notebook metadata", "widget state", "cell 3 metadata"
    cell: Optional[int]
    secret: str
    type: str
    identifier: bool = False  # see adapter.Hit.identifier
    unverified: bool = False  # see adapter.Hit.unverified


def scan_metadata(nb: Dict[str, Any], cells: List[Any], session: Session) -> Iterator[MetadataHit]:
    """Secrets in the notebook's metadata (widget state included) and in cell
    metadata. A ``PasswordModel`` widget that saved its value is a secret
    whatever its format (``notebook_login()`` uses one)."""
    meta = nb.get("metadata") if isinstance(nb, dict) else None
    if isinstance(meta, dict):
        widgets = meta.get("widgets")
        rest = {k: v for k, v in meta.items() if k != "widgets"}
        yield from _scan_json(rest, "notebook metadata", None, session)
        if widgets is not None:
            yield from _scan_json(widgets, "widget state", None, session)
            yield from _password_widgets(widgets)
    for number, cell in enumerate(cells, start=1):
        index = _index(cell, number)
        cell_meta = _cell_field(cell, "metadata")
        if isinstance(cell_meta, dict) and cell_meta:
            yield from _scan_json(cell_meta, f"cell {index} metadata", index, session)


def _scan_json(value: Any, where: str, cell: Optional[int], session: Session) -> Iterator[MetadataHit]:
    text = _blank_blobs(json.dumps(value, indent=1, ensure_ascii=False, default=str))
    for hit in session.scan(text.splitlines(), "metadata.txt"):
        yield MetadataHit(where, cell, hit.secret, hit.type, hit.identifier, hit.unverified)


def _password_widgets(widgets: Any) -> Iterator[MetadataHit]:
    state = widgets.get("application/vnd.jupyter.widget-state+json") if isinstance(widgets, dict) else None
    models = state.get("state") if isinstance(state, dict) else None
    if not isinstance(models, dict):
        return
    for model in models.values():
        inner = model.get("state") if isinstance(model, dict) else None
        if isinstance(inner, dict) and inner.get("_model_name") == "PasswordModel":
            value = inner.get("value")
            if isinstance(value, str) and value.strip():
                yield MetadataHit("widget state", None, value, "Password widget value")


# -- the stripper's hook ------------------------------------------------------


def secrets_in_kept_outputs(nb: Dict[str, Any]) -> List[str]:
    """For the output stripper: one message per secret in the outputs still
    present in ``nb`` (those kept on purpose with ``keep_output``), e.g.
    ``cell 3: output 1: Hugging Face Token (hf_****…9aZ)``. Redacted; empty
    when there is none."""
    from mlwarden.sources.notebook import raw_cells

    try:
        cells = raw_cells(nb)
    except Exception:  # a malformed notebook: the stripper reports that itself
        return []
    messages = []
    with Session("output") as session:
        for found in scan_outputs(cells, session):
            messages.append(f"cell {found.cell}: output {found.output + 1}: {found.hit.type} ({redact(found.hit.secret)})")
    return messages
