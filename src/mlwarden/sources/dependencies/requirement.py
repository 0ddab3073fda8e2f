"""One pip requirement and the words it is written in.

:func:`parse_requirement` reads a PEP 508 string, a URL or a local path into
an :class:`~mlwarden.sources.dependencies.entries.Entry`;
:func:`split_words` splits a line shell-style keeping each word's offset
(used by the requirements-file reader and for ``pip install`` commands);
:func:`index_setting` builds an index/find-links/trusted-host record. Every
other dependency parser builds on these.
"""

from __future__ import annotations

import re
from typing import Dict, List, Optional, Sequence
from urllib.parse import urlsplit

from mlwarden.sources.dependencies.entries import Entry, IndexSetting
from mlwarden.sources.dependencies.paths import canonicalize_name

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


#: a Jinja / cookiecutter expression or tag (``kedro~={{ cookiecutter.kedro_version }}``)
_TEMPLATE_RE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}")


def is_template(text: str) -> bool:
    """A requirement written in a project template: its value is filled in
    when the template is rendered, so there is nothing to parse or judge
    (not an error)."""
    return "{" in text and _TEMPLATE_RE.search(text) is not None


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
    return _pins_exactly(specs)


def _pins_exactly(specs) -> bool:
    """:func:`exact_specifier` of a parsed ``SpecifierSet``."""
    return any(s.operator == "===" or (s.operator == "==" and not s.version.endswith("*")) for s in specs)


class InvalidRequirement(ValueError):
    """A requirement string pip would not accept; the message is
    ``packaging``'s reason (:func:`parse_requirement`)."""


_IDENTIFIER = r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?"
_CLAUSE = r"(?:===|==|!=|~=|<=|>=|<|>)[ \t]*[A-Za-z0-9.*+!_-]+"
#: the common shape: a name, extras, a comma-separated specifier list, no
#: marker, URL or parentheses (``torch``, ``torch>=2.6``, ``accelerate[torch]
#: >=1.0, <2``). Read without ``packaging.requirements``, whose import pulls
#: ``packaging.markers`` and ``packaging.tags`` (platform, logging,
#: subprocess, sysconfig: ~10% of a one-file hook run that reads the
#: project's pins); anything else goes to packaging, which also words the
#: errors. tests/test_requirement_fast_path.py compares both readings.
_PLAIN_RE = re.compile(
    rf"(?P<name>{_IDENTIFIER})[ \t]*"
    rf"(?:\[(?P<extras>[ \t]*{_IDENTIFIER}(?:[ \t]*,[ \t]*{_IDENTIFIER})*[ \t]*)?\])?[ \t]*"
    rf"(?P<spec>{_CLAUSE}(?:[ \t]*,[ \t]*{_CLAUSE})*)?"
)


def _plain_requirement(text: str, common: Dict[str, object]) -> Optional[Entry]:
    """The entry of a requirement in the common shape (:data:`_PLAIN_RE`),
    exactly as packaging reads it, or None (packaging decides)."""
    match = _PLAIN_RE.fullmatch(text)
    if match is None:
        return None
    spec, exact = "", False
    if match.group("spec"):
        from packaging.specifiers import InvalidSpecifier, SpecifierSet

        try:
            specs = SpecifierSet(match.group("spec"))
        except InvalidSpecifier:
            return None  # packaging words the error
        spec, exact = str(specs), _pins_exactly(specs)
    extras = match.group("extras")
    name = match.group("name")
    return Entry(
        name=canonicalize_name(name),
        written_name=name,
        text=text,
        specifier=spec,
        exact=exact,
        marker=None,
        extras=tuple(sorted({e.strip() for e in extras.split(",")})) if extras else (),
        **common,  # type: ignore[arg-type]
    )


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
    :class:`InvalidRequirement` with packaging's reason."""
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
    plain = _plain_requirement(text, common)
    if plain is not None:
        return plain
    from packaging.requirements import InvalidRequirement as _Invalid, Requirement  # imported when needed

    try:
        req = Requirement(text)
    except _Invalid as exc:
        raise InvalidRequirement(str(exc)) from None
    marker = str(req.marker) if req.marker is not None else None
    if req.url:
        facts = url_facts(req.url)
        # `name @ .` / `name @ ./pkg` (uv accepts paths in direct references): nothing is downloaded
        path_like = "://" not in req.url and not facts["vcs"] and not re.match(r"[\w.-]+@[\w.-]+:", req.url) and _is_local_path(req.url)
        return Entry(
            name=canonicalize_name(req.name),
            written_name=req.name,
            text=text,
            url=req.url,
            vcs=facts["vcs"],  # type: ignore[arg-type]
            vcs_ref=facts["vcs_ref"],  # type: ignore[arg-type]
            local=bool(facts["local"]) or path_like,
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
