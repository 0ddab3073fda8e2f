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

import bisect
import json
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Iterator, List, Optional, Sequence, Tuple

from mlwarden.sources import CodeView, LoadError, Location, ShellLine, Unit

#: cell magics whose body is Python code (the code rules see it)
PYTHON_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun", "memit", "debug", "px", "pypy"})
#: cell magics whose body is a shell script (lines become ShellLine records)
SHELL_CELL_MAGICS = frozenset({"bash", "sh", "zsh", "system"})
SHELLS = frozenset({"bash", "sh", "zsh", "dash", "ksh", "fish"})
#: line magics that run their argument as a shell command
SHELL_LINE_MAGICS = frozenset({"sx", "system"})
#: line magics whose argument is a Python statement (shown to the code rules)
PYTHON_LINE_MAGICS = frozenset({"time", "timeit"})
#: magics IPython runs without ``%`` (automagic) that show up in notebooks
AUTOMAGICS = frozenset({"pip", "conda", "mamba", "micromamba", "env", "set_env", "cd", "load_ext", "matplotlib", "autoreload"})
_PY_KEYWORDS = frozenset(
    "and or not in is if else for while with as from import def class return yield lambda pass break continue "
    "global nonlocal del assert raise try except finally async await".split()
)

_NEWLINE_RE = re.compile(r"\r\n|\r|\n")
_WS_RE = re.compile(r"[ \t\n\r]*")
_INDENT_RE = re.compile(r"[ \t]*")
_CODE_INTEREST_RE = re.compile(r"""[#'"\[\](){}\\]""")
_STRING_END = {
    '"': re.compile(r'(?:\\.|[^\\"])*"'),
    "'": re.compile(r"(?:\\.|[^\\'])*'"),
    '"""': re.compile(r'(?:\\.|[^\\])*?"""'),
    "'''": re.compile(r"(?:\\.|[^\\])*?'''"),
}
_MAGIC_NAME_RE = re.compile(r"%+([A-Za-z_][\w.]*)[ \t]*(.*)$", re.DOTALL)
_ASSIGN_MAGIC_RE = re.compile(
    r"(?P<lhs>[A-Za-z_][\w.]*(?:\[[^\]=]*\])?(?:[ \t]*,[ \t]*[A-Za-z_][\w.]*)*)[ \t]*=[ \t]*(?P<marker>[!%])(?P<rest>.*)$",
    re.DOTALL,
)
_HELP_RE = re.compile(r"(?:\?{1,2}[ \t]*[\w.*\[\]'\"()]+|[\w.*\[\]'\"()]+\?{1,2})[ \t]*$")
_AUTOCALL_RE = re.compile(r"[/,;][A-Za-z_]")
_AUTOMAGIC_RE = re.compile(r"([A-Za-z_]\w*)[ \t]+([A-Za-z_\-][\w\-]*)")


# ---------------------------------------------------------------------------
# records


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


# ---------------------------------------------------------------------------
# positions in the JSON text


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


# ---------------------------------------------------------------------------
# IPython syntax


@dataclass
class _Masked:
    lines: List[str]  # virtual lines (same count as the cell's lines)
    shifts: List[int]  # column shift: cell col = virtual col + shift
    records: List[Tuple[int, int, str, Optional[str], str]]  # (line, col, kind, magic, command)
    cell_magic: Optional[str] = None


def _scan_code(line: str, quote: Optional[str], depth: int) -> Tuple[Optional[str], int, bool]:
    """Track strings and brackets across one line of Python. Returns the open
    quote at the end of the line, the bracket depth and whether the line ends
    with a backslash continuation."""
    i, n = 0, len(line)
    while i < n:
        if quote:
            match = _STRING_END[quote].match(line, i)
            if match is None:
                if len(quote) == 1 and not line.endswith("\\"):
                    quote = None  # unterminated: a syntax error, stop tracking it
                return quote, depth, False
            i = match.end()
            quote = None
            continue
        match = _CODE_INTEREST_RE.search(line, i)
        if match is None:
            break
        ch, pos = match.group(), match.start()
        if ch == "#":
            break
        if ch in "'\"":
            quote = ch * 3 if line.startswith(ch * 3, pos) else ch
            i = pos + len(quote)
        elif ch in "([{":
            depth += 1
            i = pos + 1
        elif ch in ")]}":
            depth = max(0, depth - 1)
            i = pos + 1
        else:  # backslash
            if pos == n - 1:
                return quote, depth, True
            i = pos + 2
    return quote, depth, False


def _join_continued(lines: Sequence[str], start: int, first: str) -> Tuple[str, int]:
    """``first`` (the text of line ``start``) joined with the lines that a
    trailing backslash continues. Returns (command, index of last line used)."""
    command = first
    end = start
    while command.endswith("\\") and end + 1 < len(lines):
        end += 1
        command = command[:-1] + lines[end].strip()
    return command, end


def _shell_body(lines: List[str], first: int, magic: str, out: _Masked) -> None:
    """Record the command lines of a shell cell magic body."""
    i = first
    while i < len(lines):
        text = lines[i]
        stripped = text.strip()
        if stripped and not stripped.startswith("#"):
            command, end = _join_continued(lines, i, stripped)
            col = len(text) - len(text.lstrip()) + 1
            out.records.append((i + 1, col, "cell_magic", magic, command.strip()))
            i = end + 1
            continue
        i += 1


def mask_cell(text: str) -> _Masked:
    """Mask IPython syntax in one code cell; see the module docs."""
    lines = split_lines(text)
    out = _Masked(lines=list(lines), shifts=[0] * len(lines), records=[])
    if not lines:
        return out
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        return out
    head = lines[first]
    if head.startswith("%%"):
        match = _MAGIC_NAME_RE.match(head)
        name = match.group(1) if match else ""
        args = match.group(2).strip() if match else ""
        out.cell_magic = f"%%{name} {args}".rstrip()
        out.lines[first] = ""
        if name in PYTHON_CELL_MAGICS:
            _mask_lines(lines, first + 1, out)
            return out
        for i in range(first + 1, len(lines)):
            out.lines[i] = ""
        shell = None
        if name in SHELL_CELL_MAGICS:
            shell = "bash" if name == "system" else name
        elif name == "script" and args:
            interpreter = args.split()[0].rsplit("/", 1)[-1]
            shell = interpreter if interpreter in SHELLS else None
        if shell:
            _shell_body(lines, first + 1, shell, out)
        return out
    # IPython's leading_indent: an indented first line dedents the cell
    indent = _INDENT_RE.match(head).group()
    if indent:
        for i, line in enumerate(lines):
            if line.startswith(indent):
                out.lines[i] = line[len(indent):]
                out.shifts[i] = len(indent)
    _mask_lines(out.lines, first, out)
    return out


def _mask_lines(lines: List[str], start: int, out: _Masked) -> None:
    quote: Optional[str] = None
    depth = 0
    continued = False
    i = start
    while i < len(lines):
        line = lines[i]
        if quote is None and depth == 0 and not continued:
            handled = _mask_statement(lines, i, out)
            if handled is not None:
                i = handled + 1
                continue
        quote, depth, continued = _scan_code(line, quote, depth)
        i += 1


def _mask_statement(lines: List[str], i: int, out: _Masked) -> Optional[int]:
    """Mask line ``i`` if it is IPython syntax; returns the last line index
    it used (continuations), or None for plain Python."""
    line = lines[i]
    indent = _INDENT_RE.match(line).group()
    body = line[len(indent):]
    if not body:
        return None
    shift = out.shifts[i]
    col = shift + len(indent) + 1  # 1-based column in the cell
    lead = body[0]
    if lead == "!":
        command, end = _join_continued(lines, i, body.lstrip("!"))
        out.records.append((i + 1, col, "shell", None, command.strip()))
        _blank(out, i, end, indent + "pass")
        return end
    if lead == "%":
        match = _MAGIC_NAME_RE.match(body)
        if match is None:
            return None
        name, args = match.group(1), match.group(2)
        args, end = _join_continued(lines, i, args)
        out.records.append((i + 1, col, "line_magic", name, args.strip()))
        if name in PYTHON_LINE_MAGICS and args.strip() and not args.lstrip().startswith("-") and end == i:
            # `%time torch.load(p)`: the code rules see `torch.load(p)`
            arg_start = len(body) - len(match.group(2))
            out.lines[i] = indent + match.group(2)
            out.shifts[i] = shift + arg_start
            return end
        _blank(out, i, end, indent + "pass")
        return end
    assign = _ASSIGN_MAGIC_RE.match(body)
    if assign is not None:
        marker, rest = assign.group("marker"), assign.group("rest")
        marker_col = col + assign.start("marker")
        if marker == "!":
            command, end = _join_continued(lines, i, rest.lstrip("!"))
            out.records.append((i + 1, marker_col, "shell", None, command.strip()))
        else:
            match = _MAGIC_NAME_RE.match("%" + rest)
            if match is None:
                return None
            args, end = _join_continued(lines, i, match.group(2))
            out.records.append((i + 1, marker_col, "line_magic", match.group(1), args.strip()))
        _blank(out, i, end, f"{indent}{assign.group('lhs')} = None")
        return end
    if "?" in body and _HELP_RE.fullmatch(body.rstrip()) and not body.lstrip().startswith("#"):
        out.lines[i] = indent + "pass"
        return i
    if _AUTOCALL_RE.match(body):
        out.lines[i] = indent + "pass"
        return i
    auto = _AUTOMAGIC_RE.match(body)
    if auto is not None and auto.group(1) in AUTOMAGICS and auto.group(2) not in _PY_KEYWORDS:
        args, end = _join_continued(lines, i, body[len(auto.group(1)):])
        out.records.append((i + 1, col, "line_magic", auto.group(1), args.strip()))
        _blank(out, i, end, indent + "pass")
        return end
    return None


def _blank(out: _Masked, first: int, last: int, replacement: str) -> None:
    out.lines[first] = replacement
    for j in range(first + 1, last + 1):
        out.lines[j] = ""


# ---------------------------------------------------------------------------
# the code view


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
        from mlwarden.core.finding import Edit
        from mlwarden.core.fixes import apply_edits as apply_text_edits

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


# ---------------------------------------------------------------------------
# rewriting cell sources inside the JSON text


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


# ---------------------------------------------------------------------------
# loading


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


# ---------------------------------------------------------------------------
# helpers for rules that read shell lines


def shell_command(record: ShellLine) -> Optional[str]:
    """The shell command a record runs (``!cmd``, a ``%%bash`` line,
    ``%sx cmd``/``%system cmd``), or None for other magics."""
    if record.kind in ("shell", "cell_magic"):
        return record.command
    if record.kind == "line_magic" and record.magic in SHELL_LINE_MAGICS:
        return record.command
    return None


def record_line_text(unit: Unit, record: ShellLine) -> str:
    """The source line a shell record starts on (for ``# noqa``)."""
    cells: List[CellInfo] = unit.extra.get("cells", [])
    if unit.kind == "notebook":
        cell = next((c for c in cells if c.index == record.cell), None)
    else:
        cell = cells[0] if cells else None
    return cell.line_text(record.line) if cell is not None else ""


def iter_shell_commands(unit: Unit) -> Iterator[Tuple[ShellLine, str]]:
    for record in unit.shell_lines:
        command = shell_command(record)
        if command:
            yield record, command


def record_position(unit: Unit, record: ShellLine) -> Dict[str, Any]:
    """``cell``/``file_line`` keyword arguments for a finding on ``record``."""
    if unit.kind == "notebook":
        return {"cell": record.cell, "file_line": record.file_line}
    return {"file_line": record.line}


def record_suppressed(unit: Unit, record: ShellLine, rule_id: str) -> bool:
    from mlwarden.core.suppress import is_suppressed

    return is_suppressed(rule_id, record_line_text(unit, record))


# ---------------------------------------------------------------------------
# shell command parsing (for the download and pipe-to-shell rules)

_WRAPPERS = frozenset({"sudo", "env", "time", "nohup", "command", "exec", "nice", "stdbuf", "timeout", "xargs"})
_ASSIGNMENT_RE = re.compile(r"^[A-Za-z_]\w*=")


def shell_pipelines(command: str) -> List[List[List[str]]]:
    """``a x | b; c && d | e`` -> [[["a", "x"], ["b"]], [["c"]], [["d"], ["e"]]].

    Quotes are honoured (``shlex``); ``#`` starts a comment. Unbalanced quotes
    fall back to splitting on whitespace."""
    import shlex

    try:
        lexer = shlex.shlex(command, posix=True, punctuation_chars="|&;<>")
        lexer.whitespace_split = True
        lexer.commenters = "#"
        tokens = list(lexer)
    except ValueError:
        tokens = re.findall(r"\|\||&&|[|;&]|[^\s|;&]+", command)
    pipelines: List[List[List[str]]] = [[[]]]
    for token in tokens:
        if token == "|" or token == "|&":
            pipelines[-1].append([])
        elif token in (";", "&&", "||", "&", ";;"):
            pipelines.append([[]])
        else:
            pipelines[-1][-1].append(token)
    return [[cmd for cmd in pipe if cmd] for pipe in pipelines if any(pipe)]


def program(words: Sequence[str]) -> Tuple[str, List[str]]:
    """The program a simple command runs and its arguments, past ``sudo``,
    ``env``, ``VAR=value`` prefixes and paths (``/usr/bin/curl`` -> ``curl``)."""
    i = 0
    while i < len(words):
        word = words[i]
        name = word.rsplit("/", 1)[-1]
        if _ASSIGNMENT_RE.match(word):
            i += 1
            continue
        if name in _WRAPPERS:
            i += 1
            # options of the wrapper (sudo -E -u user, timeout 10 …)
            while i < len(words) and (words[i].startswith("-") or (name == "timeout" and words[i][:1].isdigit())):
                takes_value = name == "sudo" and words[i] in ("-u", "-g", "-C", "-h", "-p", "-U")
                i += 2 if takes_value else 1
            continue
        return name, list(words[i + 1:])
    return "", []


def env_assignments(words: Sequence[str]) -> List[Tuple[str, str]]:
    """``NAME=value`` prefixes of a simple command (and ``export``/``env`` forms)."""
    out: List[Tuple[str, str]] = []
    for word in words:
        if word in ("export", "env", "sudo", "-E") or word.startswith("-"):
            continue
        if _ASSIGNMENT_RE.match(word):
            name, _, value = word.partition("=")
            out.append((name, value))
            continue
        break
    return out
