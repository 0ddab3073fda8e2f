"""``pip``/``conda`` install commands in notebooks and IPython scripts.

:func:`parse_shell_lines` turns a unit's ``%pip install``, ``!pip install``,
``!python -m pip install`` and ``!conda install`` records
(``unit.shell_lines``) into a
:class:`~mlwarden.sources.dependencies.entries.DependencySet`, positioned on
the cell line where each requirement or option is written.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Sequence, Set, Tuple

from mlwarden.sources.dependencies.entries import DependencySet
from mlwarden.sources.dependencies.paths import is_requirements_path
from mlwarden.sources.dependencies.requirement import VALUE_OPTIONS, Token, _is_localhost, index_setting, split_words
from mlwarden.sources.dependencies.manifests import conda_entry
from mlwarden.sources.dependencies.requirements import _add_requirement, _include
from mlwarden.sources.shell import CONDA_RE, PIP_RE, PYTHON_RE, command_column, record_label, record_position

SHELL_SEPARATORS = {"&&", "||", ";", "|", "&", "|&"}
#: a shell redirection word: ``>``, ``>>``, ``2>``, ``&>``, ``<``, ``2>&1``,
#: ``>/dev/null`` … (no requirement or pip option starts like this)
REDIRECTION_RE = re.compile(r"^(?:\d+|&)?(?:>>?|<<?)(?:\||&(?:\d+|-)?)?")

CONDA_VALUE_OPTIONS = {"-c", "--channel", "-n", "--name", "-p", "--prefix", "--file"}


def install_commands(words: Sequence[Token]) -> Iterator[Tuple[str, List[Token]]]:
    """("pip" | "conda", argument words after ``install``) for each install
    command in a shell word list (``cd x && pip install -q a b``)."""
    command: List[Token] = []
    for word in _without_redirections(words) + [Token(";", -1)]:
        if word.text in SHELL_SEPARATORS:
            found = _install_args(command)
            if found:
                yield found
            command = []
        else:
            command.append(word)


def _without_redirections(words: Sequence[Token]) -> List[Token]:
    """The words without shell redirections and their targets
    (``pip install x &> /dev/null``, ``> log.txt 2>&1``): they are the
    shell's, not pip's arguments."""
    out: List[Token] = []
    skip = False
    for word in words:
        if skip:
            skip = False
            continue
        found = REDIRECTION_RE.match(word.text)
        if found is None:
            out.append(word)
            continue
        # a bare operator takes the next word as its file; `2>&1` / `>&2` name none
        skip = found.end() == len(word.text) and re.search(r"&(?:\d+|-)$", word.text) is None
    return out


def _install_args(words: List[Token]) -> Optional[Tuple[str, List[Token]]]:
    i = 0
    while i < len(words) and (re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", words[i].text) or words[i].text in ("sudo", "env", "time")):
        i += 1
    rest = words[i:]
    if not rest:
        return None
    head = rest[0].text
    if PYTHON_RE.match(head):
        # python -m pip install …, python -I -X utf8 -m pip …, python -Esm pip …, python -mpip …
        found = python_module_at([w.text for w in rest])
        if found is None:
            return None
        j, glued = found
        module = glued if glued is not None else rest[j].text
        if not (PIP_RE.match(module) or module == "uv"):
            return None
        rest = ([Token(module, rest[j].start)] if glued is not None else [rest[j]]) + rest[j + 1 :]
        head = rest[0].text
    if head == "uv":
        # uv pip install …, uv --no-config -q pip install … (flag options before `pip`)
        k = 1
        while k < len(rest) and rest[k].text.startswith("-") and "=" not in rest[k].text:
            k += 1
        if k < len(rest) and rest[k].text == "pip":
            rest = rest[k:]
            head = "pip"
    if PIP_RE.match(head):
        tool = "pip"
    elif CONDA_RE.match(head):
        tool = "conda"
    else:
        return None
    j = 1
    while j < len(rest):
        word = rest[j].text
        if word == "install":
            # pip's general options before the subcommand apply to it
            # (``pip --python EXE --trusted-host H install x``)
            return tool, (rest[1:j] if tool == "pip" else []) + rest[j + 1 :]
        if not word.startswith("-"):
            return None  # another subcommand (pip show, conda create …)
        if tool == "pip" and word in _PIP_GENERAL_VALUE_OPTIONS:
            j += 1  # its value
        j += 1
    return None


#: pip's general options that take a value and may come before the
#: subcommand (``pip --python EXE install``, ``pip --trusted-host H install``)
_PIP_GENERAL_VALUE_OPTIONS = frozenset(
    {"--python", "--log", "--log-file", "--proxy", "--retries", "--timeout", "--exists-action", "--trusted-host", "--cert", "--client-cert",
     "--cache-dir", "--use-feature", "--use-deprecated", "--keyring-provider", "--resume-retries"}
)


#: CPython's one-letter options that take no value (``python -I -u -E -s``)
_PYTHON_FLAGS = frozenset("bBdEhiIOPqRsSuvVx")
#: CPython's one-letter options whose value is the rest of the word or the
#: next word (``-X utf8``, ``-Xutf8``, ``-W ignore``)
_PYTHON_VALUE_OPTIONS = frozenset("WX")


def python_module_at(texts: Sequence[str]) -> Optional[Tuple[int, Optional[str]]]:
    """Where the module run with ``-m`` is named in an interpreter's command
    line ``texts`` (``texts[0]`` is the interpreter): ``(index, None)`` when
    it is the word at ``index`` (``python -I -X utf8 -m pip``, ``python
    -Esm pip``), ``(index, name)`` when it is glued to the option word at
    ``index`` (``python -mpip``). None when the interpreter runs something
    else first: a script, ``-c``, stdin (``-``), or an option we do not know
    (a long option such as ``--check-hash-based-pycs`` may take a value)."""
    j = 1
    while j < len(texts):
        text = texts[j]
        if len(text) < 2 or text[0] != "-" or text[1] == "-":
            return None
        letters = text[1:]
        for k, letter in enumerate(letters):
            if letter == "m":
                if k + 1 < len(letters):
                    return j, letters[k + 1 :]
                return (j + 1, None) if j + 1 < len(texts) else None
            if letter in _PYTHON_VALUE_OPTIONS:
                if k + 1 == len(letters):
                    j += 1  # the value is the next word
                break
            if letter not in _PYTHON_FLAGS:
                return None  # -c, or an option we do not know
        j += 1
    return None


def _dynamic(text: str) -> bool:
    """An IPython/shell expansion whose value we cannot know."""
    return "{" in text or "$" in text or "`" in text


def parse_shell_lines(unit) -> DependencySet:
    """Dependencies installed by a notebook's ``%pip``/``!pip``/``!conda`` lines."""
    deps = DependencySet(kind="notebook", path=unit.path)
    base_dir = Path(unit.path).parent
    seen: Set[str] = set()
    for shell in unit.shell_lines:
        magic = (shell.magic or "").lower()
        if shell.kind == "line_magic":
            if magic not in ("pip", "conda", "mamba", "micromamba", "uv"):
                continue
            words = [Token(magic, -1)] + split_words(shell.command, comments=True)
        elif shell.kind == "shell" or (shell.kind == "cell_magic" and magic in ("bash", "sh", "script", "system")):
            words = split_words(shell.command, comments=True)
        else:
            continue
        for tool, args in install_commands(words):
            _parse_install(deps, unit, tool, args, shell, base_dir, seen)
    return deps


def _parse_install(deps, unit, tool, args, shell, base_dir, seen, offset_base: Optional[int] = None) -> None:
    """Entries and index settings of one install command. A word is placed at
    ``offset_base + token.start`` on ``shell.line`` (``offset_base``: where the
    command starts on its line, found from the record when not given)."""
    if offset_base is None:
        offset_base = command_column(unit, shell)
    position = record_position(unit, shell)
    cell, file_line = position.get("cell"), position.get("file_line")
    label = record_label(unit, shell)

    def where(token: Token) -> Dict[str, Any]:
        return {"line": shell.line, "col": offset_base + max(token.start, 0), "cell": cell, "file_line": file_line}

    def error(_line: int, reason: str) -> None:
        deps.errors.append(f"{label}: {reason}")

    first_entry = len(deps.entries)
    i = 0
    while i < len(args):
        tok = args[i]
        text = tok.text
        if _dynamic(text):
            i += 1
            continue
        if text.startswith("-"):
            name, value, value_tok = text, None, None
            if text.startswith("--") and "=" in text:
                name, value = text.split("=", 1)
                value_tok = Token(value, tok.start + len(name) + 1)
            elif tool == "pip" and len(text) > 2 and not text.startswith("--") and text[:2] in VALUE_OPTIONS:
                name, value = text[:2], text[2:]
                value_tok = Token(value, tok.start + 2)
            takes_value = (name in VALUE_OPTIONS) if tool == "pip" else (name in CONDA_VALUE_OPTIONS)
            if takes_value and value is None and i + 1 < len(args):
                value_tok = args[i + 1]
                value = value_tok.text
                i += 1
            i += 1
            if value is None or _dynamic(value):
                continue
            canonical = VALUE_OPTIONS.get(name, name) if tool == "pip" else name
            pos = where(tok)
            if canonical in ("--index-url", "--extra-index-url", "--find-links"):
                deps.indexes.append(index_setting(canonical, value, path=deps.path, **pos))
            elif canonical == "--trusted-host":
                deps.indexes.append(index_setting(canonical, value, path=deps.path, insecure=not _is_localhost(value), **pos))
            elif canonical in ("-c", "--channel") and tool == "conda":
                if "://" in value:
                    deps.indexes.append(index_setting("channel", value, path=deps.path, extra=False, **pos))
            elif canonical in ("--requirement", "--constraint"):
                target_path = base_dir / value
                if is_requirements_path(target_path):
                    continue  # checked as a file of its own
                if not target_path.exists():
                    continue  # the notebook may create it; nothing to follow
                _include(deps, value, deps.path, Path(deps.path), shell.line, canonical == "--constraint", True, seen,
                         (label, deps.path), error)
            elif canonical == "--editable":
                pos = where(value_tok) if value_tok is not None else pos
                _add_requirement(deps, value, deps.path, pos["line"], pos["col"], "notebook", (), True, False, True, error,
                                 cell=cell, file_line=file_line)
            continue
        pos = where(tok)
        if tool == "conda":
            entry = conda_entry(text, path=deps.path, line=pos["line"], col=pos["col"], context="notebook",
                                cell=cell, file_line=file_line)
            if entry is not None:
                deps.entries.append(entry)
        else:
            _add_requirement(deps, text, deps.path, pos["line"], pos["col"], "notebook", (), False, False, True, error,
                             cell=cell, file_line=file_line)
        i += 1
    if tool == "pip" and len(deps.entries) > first_entry and _local_only(args):
        # `pip install --no-index --find-links ./dist pkg`: no index is asked, the
        # packages come from a local directory (a wheel the script just built)
        deps.entries[first_entry:] = [dataclasses.replace(e, local=True) for e in deps.entries[first_entry:]]


def _local_only(args: Sequence[Token]) -> bool:
    """True when an install command asks no index (``--no-index``) and every
    ``--find-links`` location is local: a path, or a value built in code
    (``os.path.join(tmp, "dist")``) whose literal parts name no URL scheme."""
    if not any(tok.text == "--no-index" for tok in args):
        return False
    for i, tok in enumerate(args):
        text = tok.text
        value: Optional[str] = None
        if text in ("-f", "--find-links"):
            value = args[i + 1].text if i + 1 < len(args) else ""
        elif text.startswith("--find-links="):
            value = text.split("=", 1)[1]
        elif text.startswith("-f") and len(text) > 2:
            value = text[2:]
        if value is not None and "://" in value and not value.lower().startswith("file:"):
            return False
    return True
