"""The values the dependency parsers produce: :class:`Entry` (one
requirement where it is written), :class:`IndexSetting` (where packages come
from) and :class:`DependencySet` (everything one unit declares), plus
:func:`decode` for dependency-file bytes. Re-exported by
:mod:`mlwarden.sources.dependencies`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple

from mlwarden.sources.base import LoadError


@dataclass(frozen=True)
class Entry:
    """One requirement as written in one place."""

    #: PEP 503 normalised name (``canonicalize_name``); "" when unknown (a bare URL)
    name: str
    #: the requirement as written (for messages), e.g. ``transformers>=4``
    text: str
    path: str
    line: int
    col: int
    #: where it sits: "requirements", "constraints", "dependencies",
    #: "optional-dependencies", "dependency-groups", "build-system",
    #: "poetry", "uv", "setup.cfg", "conda", "pip", "pipfile", "notebook"
    context: str
    #: PEP 440 specifier string ("" when none); None for conda specs that
    #: do not translate
    specifier: Optional[str] = ""
    #: True when the version is fixed exactly (``==1.2.3``, ``===x``, Poetry
    #: ``"1.2.3"``, conda ``=1.2.3=build``)
    exact: bool = False
    url: Optional[str] = None
    #: VCS scheme ("git", "hg", "svn", "bzr") of a VCS URL, and its ref
    vcs: Optional[str] = None
    vcs_ref: Optional[str] = None
    #: in a TOML table (Poetry, uv, Pipfile), the key that names the ref:
    #: "rev", "tag", "branch" or "ref" (None: a URL, or no ref given)
    vcs_ref_key: Optional[str] = None
    #: local path or file: URL (nothing downloaded)
    local: bool = False
    editable: bool = False
    marker: Optional[str] = None
    extras: Tuple[str, ...] = ()
    hashes: Tuple[str, ...] = ()
    #: "pypi" or "conda"
    ecosystem: str = "pypi"
    #: from a constraints file (-c): restricts versions, installs nothing
    constraint: bool = False
    #: written in the unit's own file (False: an included file)
    own: bool = True
    #: how to write the pinned form in this file's syntax ("pip", "poetry", "pipfile", "conda")
    syntax: str = "pip"
    cell: Optional[int] = None
    file_line: Optional[int] = None
    #: the name as the user spelled it (``Pillow``, ``scikit_learn``)
    written_name: str = ""


@dataclass(frozen=True)
class IndexSetting:
    """Where packages come from: an index, a find-links location, a trusted host."""

    #: "--index-url", "--extra-index-url", "--find-links", "--trusted-host",
    #: "[[tool.uv.index]]", "[[tool.poetry.source]]", "[[source]]", "channel",
    #: "allow-insecure-host", "index-strategy"
    option: str
    value: str
    path: str
    line: int
    col: int
    #: searched together with the default index for the same names (pip's
    #: extra index, Poetry supplemental/secondary, uv with an unsafe strategy)
    extra: bool = False
    #: TLS verification turned off (``--trusted-host``, Pipfile ``verify_ssl = false``)
    insecure: bool = False
    own: bool = True
    cell: Optional[int] = None
    file_line: Optional[int] = None


@dataclass
class DependencySet:
    """Everything one unit (and the files it includes) declares."""

    kind: str
    path: str
    entries: List[Entry] = field(default_factory=list)
    indexes: List[IndexSetting] = field(default_factory=list)
    #: one-line problems "<line>: <reason>" (the engine prefixes the path)
    errors: List[str] = field(default_factory=list)
    #: pyproject/setup.cfg: "library" or "application" by detection
    project_type: Optional[str] = None
    #: why project_type was chosen (for docs/--verbose)
    project_reason: str = ""
    #: ``--require-hashes`` given
    require_hashes: bool = False
    #: names pinned exactly by a constraints file included with ``-c``
    constrained_pins: Dict[str, str] = field(default_factory=dict)


def decode(raw: bytes) -> str:
    """UTF-8 text of a dependency file (BOM dropped); LoadError otherwise."""
    if b"\x00" in raw:
        raise LoadError("binary file (contains NUL bytes), not a dependency file")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise LoadError(f"cannot decode as UTF-8: invalid byte 0x{raw[exc.start]:02x} at line {line}") from None
    return text[1:] if text.startswith("\ufeff") else text
