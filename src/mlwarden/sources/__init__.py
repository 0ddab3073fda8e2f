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
from pathlib import Path
from typing import Callable, Dict, List, Optional, Tuple

from mlwarden.sources.base import CodeView, LoadError, Location, ShellLine, Unit
from mlwarden.sources.files import check_regular, read_head, read_regular, special_file_reason

__all__ = [
    "CodeView", "LoadError", "Location", "ShellLine", "Unit", "KINDS", "classify", "classify_explicit", "load", "loader_for",
    "check_regular", "read_head", "read_regular", "special_file_reason",
]


Predicate = Callable[[Path], bool]


def _suffix(*suffixes: str) -> Predicate:
    def predicate(path: Path) -> bool:
        return path.suffix.lower() in suffixes

    return predicate


def _text_config(path: Path) -> bool:
    """Config/env files for the secrets rules; yields to every other kind
    whatever the order of KINDS (see mlwarden/sources/text.py)."""
    from mlwarden.sources.text import is_text_config

    return is_text_config(path) and not any(k != "text" and p(path) for k, p, _l in KINDS)


def _model_path(path: Path) -> bool:
    """Model files by name (the walk and the hook); the format itself is
    always chosen by content. Owned by :mod:`mlwarden.sources.model`."""
    from mlwarden.sources.model import is_model_path

    return is_model_path(path)


def _dependency(name: str) -> Predicate:
    """A path predicate from mlwarden.sources.dependencies.paths, imported on first use."""

    def predicate(path: Path) -> bool:
        from mlwarden.sources.dependencies import paths

        return getattr(paths, name)(path)

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
    ("text", _text_config, "mlwarden.sources.text:load"),
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
#: kinds whose loader skips files over a size: no more than one byte past it
#: is read (a walk meets gigabyte JSON datasets and SQL dumps)
READ_AT_MOST = {"text": 2_000_001}


def load(path: Path, kind: str, display: Optional[str] = None, raw: Optional[bytes] = None) -> Unit:
    """Read ``path`` as ``kind``. Raises LoadError for unreadable input and
    for anything but a regular file."""
    shown = display if display is not None else os.fspath(path)
    try:
        if raw is None and kind in STREAMING_KINDS:
            check_regular(path)
            return loader_for(kind)(Path(path), shown)
        if raw is None:
            raw = read_regular(path, READ_AT_MOST.get(kind, -1))
        return loader_for(kind)(raw, shown)
    except RecursionError:  # deeply nested TOML, YAML or JSON
        raise LoadError("cannot parse: nested too deeply") from None
