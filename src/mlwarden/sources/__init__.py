"""How bytes on disk become units the engine can check.

A :class:`Unit` is one file of one *kind*. Its optional :class:`CodeView` is the
Python code that code rules see (the file itself, or a notebook's code cells
joined into one virtual module) plus a map back to file/cell positions.

:data:`KINDS` maps a kind to the predicate that recognises a path and the
loader (``"module:function"``, imported lazily) that builds the unit. Add a
source by adding one entry. A loader raises :class:`LoadError` with a short
reason for input it cannot read; the engine prints ``path: reason``.
"""

from __future__ import annotations

import importlib
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple


class LoadError(Exception):
    """Input we cannot read; ``str()`` is the one-line reason (no path)."""


@dataclass(frozen=True)
class Location:
    """Where a code-view position lives in the file the user sees."""

    line: int
    col: int  # 1-based
    cell: Optional[int] = None  # 1-based, counting every cell
    file_line: Optional[int] = None  # line in the file on disk


class CodeView:
    """Python source for code rules. The base maps positions one to one."""

    def __init__(self, source: str) -> None:
        self.source = source
        self._lines: Optional[List[str]] = None

    @property
    def lines(self) -> List[str]:
        if self._lines is None:
            self._lines = self.source.splitlines()
        return self._lines

    def line_text(self, line: int) -> str:
        """Physical line ``line`` (1-based) of the code view, for ``# noqa``."""
        lines = self.lines
        return lines[line - 1] if 0 < line <= len(lines) else ""

    def locate(self, line: int, col0: int) -> Location:
        """Map a code-view position (1-based line, 0-based column)."""
        return Location(line=line, col=col0 + 1, file_line=line)

    def fallback_views(self) -> "List[CodeView]":
        """Smaller views to check one by one when this one does not parse
        (a notebook falls back to cell by cell). Plain files have none."""
        return []

    def fallback_label(self) -> str:
        """How an error in this view names its place (``cell 4``), or ''."""
        return ""

    def apply_edits(self, unit: "Unit", edits: "Sequence[Any]") -> bytes:
        """The file's new bytes after applying code-view edits (fixes)."""
        from mlwarden.core.fixes import apply_edits

        text = apply_edits(self.source, edits)
        encoding = unit.extra.get("encoding", "utf-8")
        return text.encode(encoding)


@dataclass(frozen=True)
class ShellLine:
    """An IPython line the Python parser never sees (``!cmd``, ``%magic``,
    a ``%%cell`` magic body line), kept for dependency, secret and download
    rules. Positions are 1-based; ``line``/``col`` are within the cell."""

    cell: int
    line: int
    col: int
    file_line: int
    kind: str  # "shell" (!cmd), "line_magic" (%pip …), "cell_magic" (a line of a %%bash cell)
    magic: Optional[str]  # "pip", "env", "bash", … (None for !cmd)
    command: str  # the text after the ! or %magic marker (for %%bash bodies: the line itself)


@dataclass
class Unit:
    path: str  # as displayed
    kind: str
    raw: bytes
    text: Optional[str] = None
    code: Optional[CodeView] = None
    #: kind-specific data (notebook JSON, …)
    extra: Dict[str, Any] = field(default_factory=dict)
    #: IPython shell/magic lines (notebooks); empty for plain files
    shell_lines: List[ShellLine] = field(default_factory=list)

    @property
    def lines(self) -> List[str]:
        if "_lines" not in self.extra:
            self.extra["_lines"] = (self.text or "").splitlines()
        return self.extra["_lines"]

    def line_text(self, line: int) -> str:
        lines = self.lines
        return lines[line - 1] if 0 < line <= len(lines) else ""


Predicate = Callable[[Path], bool]


def _suffix(*suffixes: str) -> Predicate:
    def predicate(path: Path) -> bool:
        return path.suffix.lower() in suffixes

    return predicate


def _text_config(path: Path) -> bool:
    """Config/env files for the secrets rules; yields to every other kind
    whatever the order of KINDS (see mlwarden/secrets/textfile.py)."""
    from mlwarden.secrets.textfile import is_text_config

    return is_text_config(path) and not any(k != "text" and p(path) for k, p, _l in KINDS)


def _model_path(path: Path) -> bool:
    """Model files by name (the walk and the hook); the format itself is
    always chosen by content. Owned by :mod:`mlwarden.sources.model`."""
    from mlwarden.sources.model import is_model_path

    return is_model_path(path)


def _dependency(name: str) -> Predicate:
    """A path predicate from mlwarden.sources.dependencies, imported on first use."""

    def predicate(path: Path) -> bool:
        from mlwarden.sources import dependencies

        return getattr(dependencies, name)(path)

    return predicate


#: kind -> (recognises a path, "module:loader"). Order matters: first match wins.
KINDS: List[Tuple[str, Predicate, str]] = [
    ("python", _suffix(".py", ".pyw"), "mlwarden.sources.python:load"),
    ("notebook", _suffix(".ipynb"), "mlwarden.sources.notebook:load"),
    ("ipython", _suffix(".ipy"), "mlwarden.sources.notebook:load_ipython"),
    # dependency files (mlwarden/sources/dependencies): MLW3xx rules, versions
    ("requirements", _dependency("is_requirements_path"), "mlwarden.sources.dependencies:load_requirements"),
    ("pyproject", _dependency("is_pyproject_path"), "mlwarden.sources.dependencies:load_pyproject"),
    ("setup-cfg", _dependency("is_setup_cfg_path"), "mlwarden.sources.dependencies:load_setup_cfg"),
    ("conda-env", _dependency("is_conda_env_path"), "mlwarden.sources.dependencies:load_conda_env"),
    ("pipfile", _dependency("is_pipfile_path"), "mlwarden.sources.dependencies:load_pipfile"),
    # model files (mlwarden/sources/model.py): MLW6xx; by extension here, by content for named files
    ("model", _model_path, "mlwarden.sources.model:load"),
    # keep last: secrets rules only (text kind yields to the kinds above)
    ("text", _text_config, "mlwarden.secrets.textfile:load"),
]


def classify(path: Path) -> Optional[str]:
    """The kind of ``path`` by its name, or None if mlwarden does not read it."""
    for kind, predicate, _loader in KINDS:
        if predicate(path):
            return kind
    return None


def classify_explicit(path: Path) -> Optional[str]:
    """Like :func:`classify`, plus content sniffing for files named on the
    command line (pre-commit passes extension-less Python scripts)."""
    kind = classify(path)
    if kind is not None:
        return kind
    try:
        head = read_head(path, 256)
    except LoadError:  # unreadable, or a FIFO or device: never sniffed
        return None
    if head.startswith(b"#!") and b"python" in head:
        return "python"
    from mlwarden.sources.model import is_model_content

    if is_model_content(path):
        return "model"
    return None


_LOADERS: Dict[str, Callable[..., Unit]] = {}


def loader_for(kind: str) -> Callable[..., Unit]:
    if kind not in _LOADERS:
        target = next(spec for k, _p, spec in KINDS if k == kind)
        module_name, func = target.split(":")
        _LOADERS[kind] = getattr(importlib.import_module(module_name), func)
    return _LOADERS[kind]


#: kinds whose loader gets the path instead of the bytes (model files can be
#: gigabytes: the loader streams them)
STREAMING_KINDS = frozenset({"model"})


def special_file_reason(mode: int) -> Optional[str]:
    """Why a file of this ``st_mode`` is not read (None for a regular file):
    a FIFO would block forever, a device (``/dev/zero``) never ends."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "is a directory"
    kind = "a FIFO" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode) else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "a special file"
    return f"skipped: not a regular file ({kind})"


def check_regular(path: "os.PathLike[str] | str") -> None:
    """Raise LoadError unless ``path`` (after symlinks) is a regular file."""
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        raise LoadError(f"cannot read file: {exc.strerror or exc}") from None
    reason = special_file_reason(mode)
    if reason is not None:
        raise LoadError(reason)


def read_head(path: "os.PathLike[str] | str", size: int) -> bytes:
    """The first line (at most ``size`` bytes) of a regular file; LoadError otherwise."""
    return read_regular(path, size).split(b"\n", 1)[0]


def read_regular(path: "os.PathLike[str] | str", size: int = -1) -> bytes:
    """The bytes of ``path`` if it is a regular file (symlinks followed).
    Raises LoadError otherwise: opened without blocking and checked on the
    open descriptor, so a FIFO, a device or a file swapped for one after a
    check is never read."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if isinstance(exc, IsADirectoryError):
            raise LoadError("is a directory") from None
        raise LoadError(f"cannot read file: {exc.strerror or exc}") from None
    try:
        reason = special_file_reason(os.fstat(fd).st_mode)
        if reason is not None:
            raise LoadError(reason)
        with os.fdopen(fd, "rb", closefd=False) as handle:
            return handle.read(size)
    except OSError as exc:
        raise LoadError(f"cannot read file: {exc.strerror or exc}") from None
    finally:
        os.close(fd)


def load(path: Path, kind: str, display: Optional[str] = None, raw: Optional[bytes] = None) -> Unit:
    """Read ``path`` as ``kind``. Raises LoadError for unreadable input and
    for anything but a regular file."""
    shown = display if display is not None else os.fspath(path)
    try:
        if raw is None and kind in STREAMING_KINDS:
            check_regular(path)
            return loader_for(kind)(Path(path), shown)
        if raw is None:
            raw = read_regular(path)
        return loader_for(kind)(raw, shown)
    except RecursionError:  # deeply nested TOML, YAML or JSON
        raise LoadError("cannot parse: nested too deeply") from None
