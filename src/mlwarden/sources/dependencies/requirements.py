"""pip's requirements-file format, and pip/conda commands in notebooks.

The file format follows pip's own reader (``pip._internal.req.req_file``):
lines ending in ``\\`` are joined, ``#`` starts a comment at the start of a line
or after whitespace (so ``#sha256=`` URL fragments survive), and a line is split
into requirement words and options at the first word starting with ``-``.
Requirement text is parsed by :class:`packaging.requirements.Requirement`.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Sequence, Set, Tuple
from urllib.parse import urlsplit

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from mlwarden.sources.dependencies import DependencySet, Entry, IndexSetting, is_requirements_path

COMMENT_RE = re.compile(r"(^|\s+)#.*$")
VCS_SCHEMES = ("git", "hg", "svn", "bzr")
URL_RE = re.compile(r"^(?:(?:git|hg|svn|bzr)\+)?(?:https?|ftp|file|ssh|git)://|^file:", re.IGNORECASE)
ARCHIVE_SUFFIXES = (".whl", ".tar.gz", ".tgz", ".tar.bz2", ".tbz", ".tar.xz", ".txz", ".tar", ".zip")
HASH_FRAGMENT_RE = re.compile(r"(?:^|&)(sha256|sha384|sha512)=[0-9a-fA-F]+")
EGG_RE = re.compile(r"(?:^|&)egg=([^&]+)")
FULL_SHA_RE = re.compile(r"^(?:[0-9a-fA-F]{40}|[0-9a-fA-F]{64})$")

#: pip options that take a value (long and short spellings)
VALUE_OPTIONS = {
    "-r": "--requirement",
    "--requirement": "--requirement",
    "-c": "--constraint",
    "--constraint": "--constraint",
    "-e": "--editable",
    "--editable": "--editable",
    "-i": "--index-url",
    "--index-url": "--index-url",
    "--extra-index-url": "--extra-index-url",
    "-f": "--find-links",
    "--find-links": "--find-links",
    "--trusted-host": "--trusted-host",
    "--hash": "--hash",
    "--only-binary": "--only-binary",
    "--no-binary": "--no-binary",
    "--use-feature": "--use-feature",
    "--config-settings": "--config-settings",
    "-C": "--config-settings",
    "--global-option": "--global-option",
    "--install-option": "--install-option",
    # pip install command-line options (notebooks)
    "-t": "--target",
    "--target": "--target",
    "--prefix": "--prefix",
    "--root": "--root",
    "--upgrade-strategy": "--upgrade-strategy",
    "--python-version": "--python-version",
    "--platform": "--platform",
    "--implementation": "--implementation",
    "--abi": "--abi",
    "--progress-bar": "--progress-bar",
    "--src": "--src",
    "--log": "--log",
    "--cache-dir": "--cache-dir",
    "--proxy": "--proxy",
    "--retries": "--retries",
    "--timeout": "--timeout",
    "--exists-action": "--exists-action",
    "--cert": "--cert",
    "--client-cert": "--client-cert",
    "--python": "--python",
    "--report": "--report",
    "--root-user-action": "--root-user-action",
    "--keyring-provider": "--keyring-provider",
    "--index-strategy": "--index-strategy",
}

#: option -> (setting name, is an extra index)
INDEX_OPTIONS = {
    "--index-url": False,
    "--extra-index-url": True,
    "--find-links": False,
}


class Token:
    __slots__ = ("text", "start")

    def __init__(self, text: str, start: int) -> None:
        self.text = text
        self.start = start

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"Token({self.text!r}@{self.start})"


def split_words(text: str, comments: bool = False) -> List[Token]:
    """Shell-like split that keeps each word's offset in ``text``; quotes are
    removed, backslash escapes a character. With ``comments``, a word starting
    with ``#`` ends the line."""
    out: List[Token] = []
    i, n = 0, len(text)
    while i < n:
        while i < n and text[i].isspace():
            i += 1
        if i >= n:
            break
        if comments and text[i] == "#":
            break
        start, buf, quote = i, [], None
        while i < n:
            ch = text[i]
            if quote:
                if ch == quote:
                    quote = None
                elif ch == "\\" and quote == '"' and i + 1 < n:
                    i += 1
                    buf.append(text[i])
                else:
                    buf.append(ch)
            elif ch in "\"'":
                quote = ch
            elif ch == "\\" and i + 1 < n:
                i += 1
                buf.append(text[i])
            elif ch.isspace():
                break
            else:
                buf.append(ch)
            i += 1
        out.append(Token("".join(buf), start))
    return out


# -- one requirement ----------------------------------------------------------------


def _is_local_path(text: str) -> bool:
    if text.startswith((".", "/", "~", "\\")) or re.match(r"^[A-Za-z]:[\\/]", text):
        return True
    if ("/" in text or "\\" in text) and "@" not in text and "://" not in text:
        return True
    return text.lower().endswith(ARCHIVE_SUFFIXES)


def _name_from_url(url: str) -> str:
    fragment = urlsplit(url).fragment
    egg = EGG_RE.search(fragment)
    if egg:
        return egg.group(1).split("[")[0]
    last = urlsplit(url.split("+", 1)[-1] if "+" in url.split("://")[0] else url).path.rstrip("/").rsplit("/", 1)[-1]
    last = last.split("@")[0]
    if last.endswith(".whl"):
        return last.split("-")[0]
    for suffix in ARCHIVE_SUFFIXES:
        if last.endswith(suffix):
            return re.split(r"-\d", last[: -len(suffix)])[0]
    if last.endswith(".git"):
        return last[:-4]
    return ""


def url_facts(url: str) -> Dict[str, object]:
    """``vcs``, ``vcs_ref``, ``local``, ``hashed`` for a requirement URL."""
    scheme = url.split("://", 1)[0].lower() if "://" in url else url.split(":", 1)[0].lower()
    vcs = scheme.split("+", 1)[0] if "+" in scheme and scheme.split("+", 1)[0] in VCS_SCHEMES else None
    if vcs is None and scheme in ("git", "ssh") and url.lower().endswith(".git"):
        vcs = "git"
    facts: Dict[str, object] = {"vcs": vcs, "vcs_ref": None, "local": scheme == "file" or scheme.endswith("+file"), "hashed": False}
    parts = urlsplit(url.split("+", 1)[1] if vcs and "+" in scheme else url)
    if vcs:
        path = parts.path
        if "@" in path:
            facts["vcs_ref"] = path.rsplit("@", 1)[1] or None
    else:
        facts["hashed"] = bool(HASH_FRAGMENT_RE.search(parts.fragment))
    return facts


def is_full_commit(vcs: Optional[str], ref: Optional[str]) -> bool:
    if not ref:
        return False
    if vcs in ("git", "hg"):
        return bool(FULL_SHA_RE.match(ref))
    if vcs == "svn":
        return ref.isdigit()
    return False


def exact_specifier(specifier: str) -> bool:
    """``==1.2.3`` / ``===x`` (not ``==1.*``) appears in the specifier set."""
    from packaging.specifiers import SpecifierSet

    try:
        specs = SpecifierSet(specifier)
    except Exception:
        return False
    return any(s.operator == "===" or (s.operator == "==" and not s.version.endswith("*")) for s in specs)


def parse_requirement(
    text: str,
    *,
    path: str,
    line: int,
    col: int,
    context: str,
    hashes: Sequence[str] = (),
    editable: bool = False,
    constraint: bool = False,
    own: bool = True,
    cell: Optional[int] = None,
    file_line: Optional[int] = None,
) -> Entry:
    """One pip requirement (PEP 508 string, URL or local path). Raises
    InvalidRequirement with packaging's reason."""
    text = text.strip()
    common = dict(
        path=path, line=line, col=col, context=context, hashes=tuple(hashes), editable=editable,
        constraint=constraint, own=own, cell=cell, file_line=file_line,
    )
    url_part, marker = text, None
    if URL_RE.match(text) or (_is_local_path(text) and not _looks_pep508(text)):
        for sep in (" ; ", "; ", " ;"):
            if sep in text:
                url_part, marker = (p.strip() for p in text.split(sep, 1))
                break
        if not URL_RE.match(url_part):
            return Entry(name=canonicalize_name(_name_from_url(url_part)) if url_part.lower().endswith(ARCHIVE_SUFFIXES) else "",
                         text=text, local=True, marker=marker, specifier=None, **common)
        facts = url_facts(url_part)
        written = _name_from_url(url_part)
        return Entry(
            name=canonicalize_name(written) if written else "",
            written_name=written,
            text=text,
            url=url_part,
            vcs=facts["vcs"],  # type: ignore[arg-type]
            vcs_ref=facts["vcs_ref"],  # type: ignore[arg-type]
            local=bool(facts["local"]),
            marker=marker,
            specifier=None,
            **dict(common, hashes=tuple(hashes) + (("#fragment",) if facts["hashed"] else ())),
        )
    req = Requirement(text)
    marker = str(req.marker) if req.marker is not None else None
    if req.url:
        facts = url_facts(req.url)
        return Entry(
            name=canonicalize_name(req.name),
            written_name=req.name,
            text=text,
            url=req.url,
            vcs=facts["vcs"],  # type: ignore[arg-type]
            vcs_ref=facts["vcs_ref"],  # type: ignore[arg-type]
            local=bool(facts["local"]),
            marker=marker,
            extras=tuple(sorted(req.extras)),
            specifier=None,
            **dict(common, hashes=tuple(hashes) + (("#fragment",) if facts["hashed"] else ())),
        )
    spec = str(req.specifier)
    return Entry(
        name=canonicalize_name(req.name),
        written_name=req.name,
        text=text,
        specifier=spec,
        exact=exact_specifier(spec),
        marker=marker,
        extras=tuple(sorted(req.extras)),
        **common,
    )


def _looks_pep508(text: str) -> bool:
    return bool(re.match(r"^[A-Za-z0-9][A-Za-z0-9._-]*\s*(\[[^\]]*\])?\s*@\s*\S", text))


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


def _is_localhost(url_or_host: str) -> bool:
    host = urlsplit(url_or_host).hostname if "://" in url_or_host else url_or_host.split(":")[0]
    return (host or "").lower() in ("localhost", "127.0.0.1", "::1", "[::1]")


def index_setting(option: str, value: str, *, path: str, line: int, col: int, own: bool = True,
                  extra: Optional[bool] = None, insecure: bool = False, cell=None, file_line=None) -> IndexSetting:
    return IndexSetting(
        option=option,
        value=value,
        path=path,
        line=line,
        col=col,
        extra=INDEX_OPTIONS.get(option, False) if extra is None else extra,
        insecure=insecure,
        own=own,
        cell=cell,
        file_line=file_line,
    )


def is_http_url(value: str) -> bool:
    return value.lower().startswith("http://") and not _is_localhost(value)


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
    from mlwarden.sources import LoadError, read_regular
    from mlwarden.sources.dependencies import decode

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


# -- pip / conda commands (notebooks) --------------------------------------------------


SHELL_SEPARATORS = {"&&", "||", ";", "|", "&"}
PYTHON_RE = re.compile(r"^(?:.*/)?(?:python(?:\d+(?:\.\d+)?)?|py)$|^\{sys\.executable\}$|^\$\{?PYTHON\}?$")
PIP_RE = re.compile(r"^(?:.*/)?pip(?:\d+(?:\.\d+)?)?$")
CONDA_RE = re.compile(r"^(?:.*/)?(?:conda|mamba|micromamba)$")

CONDA_VALUE_OPTIONS = {"-c", "--channel", "-n", "--name", "-p", "--prefix", "--file"}


def install_commands(words: Sequence[Token]) -> Iterator[Tuple[str, List[Token]]]:
    """("pip" | "conda", argument words after ``install``) for each install
    command in a shell word list (``cd x && pip install -q a b``)."""
    command: List[Token] = []
    for word in list(words) + [Token(";", -1)]:
        if word.text in SHELL_SEPARATORS:
            found = _install_args(command)
            if found:
                yield found
            command = []
        else:
            command.append(word)


def _install_args(words: List[Token]) -> Optional[Tuple[str, List[Token]]]:
    i = 0
    while i < len(words) and (re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", words[i].text) or words[i].text in ("sudo", "env", "time")):
        i += 1
    rest = words[i:]
    if not rest:
        return None
    head = rest[0].text
    if PYTHON_RE.match(head):
        # python -m pip install …
        j = 1
        while j < len(rest) and rest[j].text.startswith("-") and rest[j].text != "-m":
            j += 1
        if j + 1 < len(rest) and rest[j].text == "-m" and PIP_RE.match(rest[j + 1].text):
            rest = rest[j + 1 :]
            head = rest[0].text
        else:
            return None
    if head == "uv" and len(rest) > 1 and rest[1].text == "pip":
        rest = rest[1:]
        head = "pip"
    if PIP_RE.match(head):
        tool = "pip"
    elif CONDA_RE.match(head):
        tool = "conda"
    else:
        return None
    for j in range(1, len(rest)):
        word = rest[j].text
        if word == "install":
            return tool, rest[j + 1 :]
        if not word.startswith("-"):
            return None  # another subcommand (pip show, conda create …)
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
        offset_base = _command_column(unit, shell)
        for tool, args in install_commands(words):
            _parse_install(deps, tool, args, shell, offset_base, base_dir, seen)
    return deps


def _command_column(unit, shell) -> int:
    """1-based column where ``shell.command`` starts in its cell line (the
    record keeps the marker's column and the stripped command)."""
    line_text = None
    for cell in unit.extra.get("cells") or ():
        if getattr(cell, "index", None) == shell.cell and isinstance(getattr(cell, "source", None), str):
            lines = cell.source.splitlines()
            if 0 < shell.line <= len(lines):
                line_text = lines[shell.line - 1]
            break
    if line_text is not None and shell.command:
        found = line_text.find(shell.command.split("\n", 1)[0][:40], max(shell.col - 1, 0))
        if found >= 0:
            return found + 1
    marker = 1 + len(shell.magic or "") if shell.kind == "line_magic" else (1 if shell.kind == "shell" else 0)
    return shell.col + marker + (1 if shell.kind == "line_magic" else 0)


def _parse_install(deps, tool, args, shell, offset_base, base_dir, seen) -> None:
    def where(token: Token) -> Dict[str, int]:
        return {"line": shell.line, "col": offset_base + max(token.start, 0), "cell": shell.cell, "file_line": shell.file_line}


    def error(_line: int, reason: str) -> None:
        deps.errors.append(f"cell {shell.cell}:{shell.line}: {reason}")

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
                         (f"cell {shell.cell}:{shell.line}", deps.path), error)
            elif canonical == "--editable":
                pos = where(value_tok) if value_tok is not None else pos
                _add_requirement(deps, value, deps.path, pos["line"], pos["col"], "notebook", (), True, False, True, error,
                                 cell=shell.cell, file_line=shell.file_line)
            continue
        pos = where(tok)
        if tool == "conda":
            from mlwarden.sources.dependencies.manifests import conda_entry

            entry = conda_entry(text, path=deps.path, line=pos["line"], col=pos["col"], context="notebook",
                                cell=shell.cell, file_line=shell.file_line)
            if entry is not None:
                deps.entries.append(entry)
        else:
            _add_requirement(deps, text, deps.path, pos["line"], pos["col"], "notebook", (), False, False, True, error,
                             cell=shell.cell, file_line=shell.file_line)
        i += 1
