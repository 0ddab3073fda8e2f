"""IPython shell lines (:class:`~mlwarden.sources.base.ShellLine`): what
they run, where they are, and a small shell-command parser for the rules that
read them (downloads, pipes to a shell, servers, environment variables)."""

from __future__ import annotations

import re
from typing import Any, Dict, Iterator, List, Optional, Sequence, Tuple

from mlwarden.sources.base import ShellLine, Unit
from mlwarden.sources.cells import CellInfo
from mlwarden.sources.magics import SHELL_LINE_MAGICS

#: program words of an install command (here, not in ``dependencies.installs``,
#: so that pip-in-code can test a call's first word without importing the
#: requirement parser and ``packaging``: ~60 ms of a one-file hook run)
PYTHON_RE = re.compile(r"^(?:.*/)?(?:python(?:\d+(?:\.\d+)?)?|py)$|^\{sys\.executable\}$|^\$\{?PYTHON\}?$")
PIP_RE = re.compile(r"^(?:.*/)?pip(?:\d+(?:\.\d+)?)?$")
CONDA_RE = re.compile(r"^(?:.*/)?(?:conda|mamba|micromamba)$")


def shell_command(record: ShellLine) -> Optional[str]:
    """The shell command a record runs (``!cmd``, a ``%%bash`` line,
    ``%sx cmd``/``%system cmd``), or None for other magics."""
    if record.kind in ("shell", "cell_magic"):
        return record.command
    if record.kind == "line_magic" and record.magic in SHELL_LINE_MAGICS:
        return record.command
    return None


def record_cell(unit: Unit, record: ShellLine) -> Optional[CellInfo]:
    """The cell a record was written in (an ``.ipy`` file is one cell)."""
    cells: List[CellInfo] = unit.extra.get("cells", [])
    if unit.kind == "notebook":
        return next((c for c in cells if c.index == record.cell), None)
    return cells[0] if cells else None


def record_line_text(unit: Unit, record: ShellLine) -> str:
    """The source line a shell record starts on."""
    cell = record_cell(unit, record)
    return cell.line_text(record.line) if cell is not None else ""


def iter_shell_commands(unit: Unit) -> Iterator[Tuple[ShellLine, str]]:
    for record in unit.shell_lines:
        command = shell_command(record)
        if command:
            yield record, command


# One place decides where a shell record is: a notebook record is in cell
# ``record.cell`` (line and column within the cell); an ``.ipy`` file is one
# cell whose lines are the file's, so its records carry no cell (its
# ``ShellLine.cell`` is 0, which must never be shown).


def record_position(unit: Unit, record: ShellLine) -> Dict[str, Any]:
    """``cell``/``file_line`` keyword arguments for a finding on ``record``."""
    if unit.kind == "notebook":
        return {"cell": record.cell, "file_line": record.file_line}
    return {"file_line": record.line}


def record_label(unit: Unit, record: ShellLine) -> str:
    """How a one-line error names the record's line: ``cell 3:2`` or ``2``."""
    if unit.kind == "notebook":
        return f"cell {record.cell}:{record.line}"
    return str(record.line)


def command_column(unit: Unit, record: ShellLine) -> int:
    """1-based column where ``record.command`` starts on its line (the
    record keeps the marker's column and the stripped command)."""
    line_text = record_line_text(unit, record)
    if line_text and record.command:
        found = line_text.find(record.command.split("\n", 1)[0][:40], max(record.col - 1, 0))
        if found >= 0:
            return found + 1
    marker = 1 + len(record.magic or "") if record.kind == "line_magic" else (1 if record.kind == "shell" else 0)
    return record.col + marker + (1 if record.kind == "line_magic" else 0)


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
