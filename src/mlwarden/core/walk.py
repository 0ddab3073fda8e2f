"""Which files a run reads: the directory walk shared by every command.

:func:`iter_files` turns command-line paths into ``(path, kind, display)``
triples in a stable order. Directories are walked (config excludes apply,
sub-directories and files sorted); a path named explicitly is always yielded,
with its kind sniffed from content when its name says nothing
(:func:`mlwarden.sources.classify_explicit`). ``check``, ``--fix``,
``strip`` and ``scan-model`` all use it, so they agree on what a run covers.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import AbstractSet, Iterator, List, Optional, Sequence, Tuple

from mlwarden.core.config import Config


def iter_files(
    paths: Sequence[str], config: Config, kinds: Optional[AbstractSet[str]] = None
) -> Iterator[Tuple[Path, Optional[str], str]]:
    """(path, kind, display) for every file to check, in a stable order.

    ``kind`` is None for a named path that does not exist or that mlwarden
    cannot read (a directory the walk cannot list is yielded the same way);
    the caller reports it with :func:`input_error`. ``kinds`` limits what a directory
    walk yields (``scan-model`` walks for model files only); files named
    explicitly are yielded whatever their kind."""
    from mlwarden.sources import classify, classify_explicit

    skip = _walk_skips(config)
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            if config.is_excluded(path, walking=False) and raw not in (".", "./"):
                continue
            unreadable: List[OSError] = []
            for root, dirs, files in os.walk(path, onerror=unreadable.append):
                while unreadable:  # a directory os.walk could not list: the caller reports it
                    failed = unreadable.pop(0)
                    yield Path(failed.filename), None, os.path.normpath(failed.filename)
                root_path = Path(root)
                dirs[:] = sorted(d for d in dirs if not config.is_excluded(root_path / d, walking=True) and not config.is_build_output(root_path / d))
                for name in sorted(files):
                    file_path = root_path / name
                    kind = classify(file_path)
                    if kind is None or kind in skip or (kinds is not None and kind not in kinds):
                        continue
                    if config.is_excluded(file_path, walking=True):
                        continue
                    yield file_path, kind, os.path.normpath(str(file_path))
            for failed in unreadable:
                yield Path(failed.filename), None, os.path.normpath(failed.filename)
        elif path.exists() or path.is_symlink():
            if config.is_excluded(path, walking=False):
                continue
            yield path, classify_explicit(path), os.path.normpath(raw)
        else:
            yield path, None, raw


def input_error(path: Path, display: str) -> Optional[str]:
    """The one-line error for a path :func:`iter_files` yielded without a
    kind, or None when it is simply not a file mlwarden reads."""
    if not path.exists() and not path.is_symlink():
        return f"{display}: no such file or directory"
    if path.is_dir():
        try:
            with os.scandir(path):
                pass
        except OSError as exc:
            return f"{display}: cannot read directory: {exc.strerror or exc}"
    return None


def _walk_skips(config: Config) -> "set[str]":
    """Kinds a directory walk does not read: ``text`` (config/env files) is
    read only when a selected rule checks it (the secrets rules), so a walk
    for the code rules does not open every JSON/YAML file. Files named
    explicitly are always read."""
    wanted = {kind for rule in config.rule_refs() if rule.kind() == "file" for kind in rule.applies_to}
    return {"text"} - wanted
