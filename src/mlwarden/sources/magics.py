"""IPython syntax in code cells, masked for the Python parser.

:func:`mask_cell` keeps the line structure (one virtual line per cell line)
and records every ``!cmd``, ``%magic`` and shell-cell line it hides; see
:mod:`mlwarden.sources.notebook` for the full list of forms."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import List, Optional, Sequence, Tuple

from mlwarden.sources.cells import split_lines

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
