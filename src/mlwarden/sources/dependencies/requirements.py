"""pip's requirements-file format.

The format follows pip's own reader (``pip._internal.req.req_file``):
lines ending in ``\\`` are joined, ``#`` starts a comment at the start of a line
or after whitespace (so ``#sha256=`` URL fragments survive), and a line is split
into requirement words and options at the first word starting with ``-``.
Requirement text is parsed by :mod:`mlwarden.sources.dependencies.requirement`;
``pip``/``conda`` commands in notebooks live in
:mod:`mlwarden.sources.dependencies.installs` (both re-exported here).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterator, List, Optional, Sequence, Set, Tuple

from mlwarden.sources.base import LoadError
from mlwarden.sources.dependencies.entries import DependencySet, Entry, decode
from mlwarden.sources.dependencies.paths import is_requirements_path
from mlwarden.sources.dependencies.requirement import (  # noqa: F401  (re-exported)
    ARCHIVE_SUFFIXES,
    FULL_SHA_RE,
    INDEX_OPTIONS,
    URL_RE,
    VALUE_OPTIONS,
    VCS_SCHEMES,
    InvalidRequirement,
    Token,
    _is_localhost,
    exact_specifier,
    index_setting,
    is_full_commit,
    is_http_url,
    is_template,
    parse_requirement,
    split_words,
    url_facts,
)

#: (a run of blanks is tried from its start only: from every blank of a long
#: run the search would cost n**2)
COMMENT_RE = re.compile(r"(^|(?<!\s)\s+)#.*$")


# -- requirements files ------------------------------------------------------------


class _Segments:
    """Map offsets in a joined logical line back to (line, col) in the file."""

    def __init__(self) -> None:
        self.parts: List[Tuple[int, int, int]] = []  # (offset in joined, physical line, col offset)

    def add(self, offset: int, line: int, col0: int) -> None:
        self.parts.append((offset, line, col0))

    def locate(self, offset: int) -> Tuple[int, int]:
        best = self.parts[0]
        for part in self.parts:
            if part[0] <= offset:
                best = part
        return best[1], offset - best[0] + best[2] + 1


def logical_lines(text: str) -> Iterator[Tuple[str, _Segments]]:
    """(content without comments, position map) for each logical line."""
    joined: List[str] = []
    segments = _Segments()
    length = 0
    for number, physical in enumerate(text.splitlines(), start=1):
        is_comment = bool(re.match(r"^\s*#", physical))
        if physical.endswith("\\") and not is_comment:
            piece = physical[:-1]
            segments.add(length, number, 0)
            joined.append(piece)
            length += len(piece)
            continue
        if joined:
            if not is_comment:
                segments.add(length, number, 0)
                joined.append(physical)
            content = "".join(joined)
            joined, length = [], 0
            current, segments = segments, _Segments()
        else:
            current = _Segments()
            current.add(0, number, 0)
            content = physical
        content = COMMENT_RE.sub("", content)
        if content.strip():
            yield content, current
    if joined:
        content = COMMENT_RE.sub("", "".join(joined))
        if content.strip():
            yield content, segments


def _split_args_options(content: str) -> Tuple[str, List[Token]]:
    """pip's break_args_options: requirement words, then option tokens."""
    words = split_words(content)
    for index, word in enumerate(words):
        if word.text.startswith("-") and content[word.start] == "-":
            args_end = word.start
            return content[:args_end].strip(), words[index:]
    return content.strip(), []


def _options(tokens: Sequence[Token]) -> Iterator[Tuple[str, Optional[str], int, int]]:
    """(long option, value, option offset, value offset) for option tokens."""
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        text = tok.text
        value: Optional[str] = None
        value_at = tok.start
        if text.startswith("--") and "=" in text:
            name, value = text.split("=", 1)
            value_at = tok.start + len(name) + 1
        elif text.startswith("-") and not text.startswith("--") and len(text) > 2 and text[:2] in VALUE_OPTIONS:
            name, value = text[:2], text[2:]
            value_at = tok.start + 2
        else:
            name = text
        canonical = VALUE_OPTIONS.get(name)
        if canonical is not None and value is None:
            if i + 1 < len(tokens):
                value, value_at = tokens[i + 1].text, tokens[i + 1].start
                i += 1
            else:
                value = ""
        yield canonical or name, value, tok.start, value_at
        i += 1


def parse_requirements_file(text: str, display: str, fs_path: Optional[Path]) -> DependencySet:
    deps = DependencySet(kind="requirements", path=display)
    seen: Set[str] = set()
    if fs_path is not None:
        seen.add(_key(fs_path))
    context = "constraints" if Path(display).name.lower().startswith("constraints") else "requirements"
    _read_into(deps, text, display, fs_path, context=context, constraint=False, own=True, seen=seen, via=None)
    return deps


def _key(path: Path) -> str:
    try:
        return str(path.resolve())
    except (OSError, RuntimeError):  # RuntimeError: a symlink loop (Python < 3.13)
        return str(path)


def _read_into(
    deps: DependencySet,
    text: str,
    display: str,
    fs_path: Optional[Path],
    *,
    context: str,
    constraint: bool,
    own: bool,
    seen: Set[str],
    via: Optional[Tuple[int, str]],
    line_offset: int = 0,
    col_offset: int = 0,
    depth: int = 0,
) -> None:
    """Parse requirement-file ``text`` into ``deps``. ``via`` is (line in the
    unit's file, display path) when reading an include whose errors must be
    attributed to the including line; ``depth`` is how many ``-r``/``-c``
    includes deep ``text`` is."""

    def error(line: int, reason: str) -> None:
        if via is None:
            deps.errors.append(f"{line}: {reason}")
        elif own:  # an include that is not a dependency file of its own
            deps.errors.append(f"{via[0]}: in {display}:{line}: {reason}")

    for content, segments in logical_lines(text):
        args, option_tokens = _split_args_options(content)
        first_line, _ = segments.locate(0)
        lead = len(content) - len(content.lstrip())
        line, col = segments.locate(lead)
        line += line_offset
        col += col_offset
        hashes: List[str] = []
        for name, value, opt_at, value_at in _options(option_tokens):
            o_line, o_col = segments.locate(opt_at)
            o_line += line_offset
            o_col += col_offset
            if name == "--hash":
                if value:
                    hashes.append(value)
            elif name in ("--index-url", "--extra-index-url", "--find-links"):
                if value:
                    deps.indexes.append(index_setting(name, value, path=display, line=o_line, col=o_col, own=own))
            elif name == "--trusted-host":
                if value:
                    deps.indexes.append(
                        index_setting(name, value, path=display, line=o_line, col=o_col, own=own, insecure=not _is_localhost(value))
                    )
            elif name == "--require-hashes":
                deps.require_hashes = True
            elif name in ("--requirement", "--constraint"):
                if not value:
                    error(o_line, f"{name} needs a file name")
                    continue
                _include(deps, value, display, fs_path, o_line, name == "--constraint" or constraint, own, seen, via, error,
                         depth=depth)
            elif name == "--editable":
                if not value:
                    error(o_line, "--editable needs a path or URL")
                    continue
                v_line, v_col = segments.locate(value_at)
                _add_requirement(deps, value, display, v_line + line_offset, v_col + col_offset, context, (), True, constraint, own, error)
        if args:
            _add_requirement(deps, args, display, line, col, context, hashes, False, constraint, own, error)
        del first_line


def _add_requirement(deps, text, display, line, col, context, hashes, editable, constraint, own, error,
                     cell=None, file_line=None) -> Optional[Entry]:
    try:
        entry = parse_requirement(
            text, path=display, line=line, col=col, context=context, hashes=hashes, editable=editable,
            constraint=constraint, own=own, cell=cell, file_line=file_line,
        )
    except InvalidRequirement as exc:
        if is_template(text):
            return None  # filled in when the project template is rendered
        reason = str(exc).splitlines()[0] if str(exc) else "invalid requirement"
        error(line, f"cannot parse requirement {text.strip()!r}: {reason}")
        return None
    deps.entries.append(entry)
    if constraint and entry.exact and entry.name:
        deps.constrained_pins[entry.name] = entry.specifier or ""
    return entry


#: ``-r``/``-c`` includes deeper than this are not followed (a chain of
#: thousands of includes would exhaust the stack; pip itself has no limit)
MAX_INCLUDE_DEPTH = 50


def _include(deps, target, display, fs_path, line, constraint, own, seen, via, error, depth: int = 0) -> None:
    if "://" in target:
        return  # remote includes are not fetched
    if depth >= MAX_INCLUDE_DEPTH:
        error(line, f"not following {'-c' if constraint else '-r'} {target!r}: includes nested more than {MAX_INCLUDE_DEPTH} deep")
        return
    base = fs_path.parent if fs_path is not None else Path(".")
    inc_path = base / target
    inc_display = str(Path(display).parent / target) if Path(display).parent != Path(".") else target
    key = _key(inc_path)
    if key in seen:
        return  # include cycle, or a file already read
    seen.add(key)
    from mlwarden.sources.files import read_regular

    if not inc_path.exists() and not inc_path.is_symlink():
        error(line, f"cannot read {'-c' if constraint else '-r'} target {target!r}: no such file")
        return
    try:
        raw = read_regular(inc_path)  # a FIFO or /dev/zero is never read
    except LoadError as exc:
        error(line, f"cannot read {'-c' if constraint else '-r'} target {target!r}: {exc}")
        return
    try:
        text = decode(raw)
    except LoadError as exc:
        error(line, f"cannot read {'-c' if constraint else '-r'} target {target!r}: {exc}")
        return
    # an included requirements file is checked on its own; anything else
    # (requirements/base.in, deps.txt) is reported by the including file
    reported = own and not is_requirements_path(inc_path)
    context = "constraints" if constraint else "requirements"
    _read_into(
        deps, text, inc_display, inc_path, context=context, constraint=constraint, own=reported, seen=seen,
        via=via or (line, display), depth=depth + 1,
    )
