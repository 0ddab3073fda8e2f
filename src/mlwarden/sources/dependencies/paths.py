"""Which file names are dependency files (the predicates behind the
dependency kinds in :data:`mlwarden.sources.KINDS`); no parsing here, so
classifying a path never imports a parser."""

from __future__ import annotations

from pathlib import Path


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
