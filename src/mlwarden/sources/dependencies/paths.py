"""Which file names are dependency files (the predicates behind the
dependency kinds in :data:`mlwarden.sources.KINDS`); no parsing here, so
classifying a path never imports a parser."""

from __future__ import annotations

import re
from pathlib import Path
from typing import List, Tuple

_NAME_SEPARATORS = re.compile(r"[-_.]+")


def canonicalize_name(name: str) -> str:
    """PEP 503 normalisation, as ``packaging.utils.canonicalize_name``
    (which imports ``packaging.tags``: logging, platform, subprocess,
    sysconfig, ~20 ms of a one-file hook run that reads the project's pins)."""
    return _NAME_SEPARATORS.sub("-", name).lower()


#: lock files that pin exact versions (core/versions.py reads them)
LOCK_FILES = ("uv.lock", "poetry.lock", "pdm.lock", "Pipfile.lock")


def is_requirements_path(path: Path) -> bool:
    name = path.name.lower()
    if not name.endswith(".txt"):
        return False
    stem = name[:-4]
    if "requirements" in stem or stem.startswith("constraints"):
        return True
    return path.parent.name.lower() in ("requirements", "requirements.d", "reqs")


def is_conda_env_path(path: Path) -> bool:
    name = path.name.lower()
    if not name.endswith((".yml", ".yaml")):
        return False
    stem = name.rsplit(".", 1)[0]
    return stem.startswith("environment") or stem in ("conda", "conda-env", "conda_env", "env") or stem.startswith("conda-")


def is_pyproject_path(path: Path) -> bool:
    return path.name == "pyproject.toml"


def is_setup_cfg_path(path: Path) -> bool:
    return path.name == "setup.cfg"


def is_pipfile_path(path: Path) -> bool:
    return path.name == "Pipfile"


def dependency_files(directory: Path) -> List[Tuple[Path, str]]:
    """(path, kind) of the dependency and lock files that pin a project's
    versions: in ``directory`` and its ``requirements/`` folder."""
    out: List[Tuple[Path, str]] = []
    candidates = []
    for sub in (directory, directory / "requirements"):
        try:
            candidates += sorted(sub.iterdir())
        except OSError:
            continue
    for path in candidates:
        if not path.is_file():
            continue
        if is_requirements_path(path):
            out.append((path, "requirements"))
        elif is_pyproject_path(path):
            out.append((path, "pyproject"))
        elif is_setup_cfg_path(path):
            out.append((path, "setup-cfg"))
        elif is_conda_env_path(path):
            out.append((path, "conda-env"))
        elif is_pipfile_path(path):
            out.append((path, "pipfile"))
        elif path.name in LOCK_FILES:
            out.append((path, "lock"))
    return out
