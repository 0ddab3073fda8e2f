"""Dependency files: what a project installs, and from where.

One parser, two consumers: the MLW3xx rules (pins, indexes, VCS refs, URLs,
known-malicious names) and :mod:`mlwarden.core.versions` (which versions of
torch/keras/… a project is guaranteed to run).

Sources (each a unit kind in :data:`mlwarden.sources.KINDS`):

* ``requirements`` — ``requirements*.txt``, ``*-requirements.txt``,
  ``constraints*.txt`` and ``*.txt`` under a ``requirements/`` directory, with
  pip's option lines (``--index-url``, ``--extra-index-url``,
  ``--trusted-host``, ``--find-links``, ``--hash``, ``--require-hashes``), line
  continuations, comments, environment markers and ``-r``/``-c`` includes
  (followed, cycle-safe);
* ``pyproject`` — PEP 621 ``dependencies``/``optional-dependencies``, PEP 735
  ``dependency-groups``, Poetry (dependencies, groups, sources), ``[tool.uv]``
  (indexes, sources, dev/constraint dependencies), ``build-system.requires``;
* ``setup-cfg`` — ``install_requires``/``extras_require``/``setup_requires``;
* ``conda-env`` — ``environment*.yml`` / ``conda*.yml`` (conda specs,
  channels and the ``pip:`` section, which is a requirements file);
* ``pipfile`` — ``Pipfile`` packages, dev-packages, other categories, sources;
* notebooks — ``%pip install`` / ``!pip install`` / ``!conda install``
  records (``unit.shell_lines``), parsed lazily by :func:`for_unit`.

Requirement strings are parsed with :mod:`packaging` only; Poetry's ``^``/``~``
constraints are translated to PEP 440 first and then parsed by packaging.
Every entry keeps the file, line and column it was written at.

Errors: a whole file that cannot be read raises :class:`LoadError`; a single
bad line (a requirement packaging cannot parse, a missing ``-r`` target) is a
one-line message ``"<line>: <reason>"`` in ``unit.extra["errors"]`` (the engine
prefixes the path) and the rest of the file is still checked.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, Optional

from mlwarden.sources.base import Unit
from mlwarden.sources.dependencies.entries import DependencySet, Entry, IndexSetting, decode  # noqa: F401  (re-exported)
from mlwarden.sources.dependencies.paths import (  # noqa: F401  (re-exported)
    is_conda_env_path,
    is_pipfile_path,
    is_pyproject_path,
    is_requirements_path,
    is_setup_cfg_path,
)

#: file kinds whose requirements must be pinned whatever the project is
ALWAYS_PIN_KINDS = frozenset({"requirements", "conda-env", "pipfile", "notebook", "ipython", "python"})
#: manifest kinds whose pins depend on the pin policy (library vs application)
POLICY_KINDS = frozenset({"pyproject", "setup-cfg"})
DEPENDENCY_KINDS = frozenset({"requirements", "pyproject", "setup-cfg", "conda-env", "pipfile"})
#: notebook-like kinds whose ``%pip``/``!pip`` lines install packages
SHELL_KINDS = frozenset({"notebook", "ipython"})
ALL_KINDS = DEPENDENCY_KINDS | SHELL_KINDS


def _unit(kind: str, raw: bytes, path: str, text: str, deps: DependencySet) -> Unit:
    return Unit(path=path, kind=kind, raw=raw, text=text, extra={"deps": deps, "errors": list(deps.errors)})


# -- loaders named in sources.KINDS -------------------------------------------


def load_requirements(raw: bytes, path: str) -> Unit:
    from mlwarden.sources.dependencies.requirements import parse_requirements_file

    text = decode(raw)
    deps = parse_requirements_file(text, path, Path(path))
    return _unit("requirements", raw, path, text, deps)


def load_pyproject(raw: bytes, path: str) -> Unit:
    from mlwarden.sources.dependencies.manifests import parse_pyproject

    text = decode(raw)
    return _unit("pyproject", raw, path, text, parse_pyproject(text, path))


def load_setup_cfg(raw: bytes, path: str) -> Unit:
    from mlwarden.sources.dependencies.manifests import parse_setup_cfg

    text = decode(raw)
    return _unit("setup-cfg", raw, path, text, parse_setup_cfg(text, path))


def load_conda_env(raw: bytes, path: str) -> Unit:
    from mlwarden.sources.dependencies.manifests import parse_conda_env

    text = decode(raw)
    return _unit("conda-env", raw, path, text, parse_conda_env(text, path, Path(path)))


def load_pipfile(raw: bytes, path: str) -> Unit:
    from mlwarden.sources.dependencies.manifests import parse_pipfile

    text = decode(raw)
    return _unit("pipfile", raw, path, text, parse_pipfile(text, path))


# -- access from rules ---------------------------------------------------------


def for_unit(unit: Unit) -> Optional[DependencySet]:
    """The dependency set of ``unit``: parsed by the loader for dependency
    files, built lazily from ``unit.shell_lines`` for notebooks (and cached),
    None for other kinds."""
    deps = unit.extra.get("deps")
    if deps is not None or "deps" in unit.extra:
        return deps
    if unit.shell_lines:
        from mlwarden.sources.dependencies.installs import parse_shell_lines

        deps = parse_shell_lines(unit)
        if deps.errors:
            unit.extra.setdefault("errors", []).extend(deps.errors)
    if unit.code is not None:  # pip commands built in Python code (files and notebook cells)
        from mlwarden.sources.dependencies.pip_in_code import add_code_installs

        deps = add_code_installs(unit, deps)
    unit.extra["deps"] = deps
    return deps


def pinned_example(entry: Entry) -> str:
    """The line to write instead of an unpinned ``entry``, in its file's syntax."""
    extras = f"[{','.join(entry.extras)}]" if entry.extras else ""
    shown = entry.written_name or entry.name
    if entry.syntax == "poetry":
        return f'{shown} = "X.Y.Z"'
    if entry.syntax == "pipfile":
        return f'{shown} = "==X.Y.Z"'
    if entry.syntax == "conda":
        return f"{shown}==X.Y.Z"
    marker = f"; {entry.marker}" if entry.marker else ""
    return f"{shown}{extras}==X.Y.Z{marker}"


def location_kwargs(entry: Any) -> Dict[str, Any]:
    """``FileRule.finding`` keyword arguments for an entry or index setting."""
    out: Dict[str, Any] = {}
    if entry.cell is not None:
        out["cell"] = entry.cell
        out["file_line"] = entry.file_line
    return out


def finding_for(rule: Any, unit: Unit, item: Any, message: str) -> Any:
    """A finding of ``rule`` at ``item`` (an Entry or IndexSetting), in the
    file that holds it (an included file that is not checked on its own)."""
    from mlwarden.core.finding import sha256_hex

    text = getattr(item, "text", None) or f"{item.option} {item.value}"
    finding = rule.finding(unit, item.line, item.col, message, snippet_hash=sha256_hex(" ".join(text.split())), **location_kwargs(item))
    if item.path != unit.path:
        finding = finding.with_(path=item.path)
    return finding


def pins_required(unit: Unit, deps: DependencySet, policy: str) -> bool:
    """Whether unpinned requirements in ``unit`` are findings under ``policy``
    ("auto", "application" or "library")."""
    if unit.kind in ALWAYS_PIN_KINDS:
        return True
    if policy == "auto":
        policy = deps.project_type or "application"
        if policy == "application" and unit.kind == "pyproject" and _built_by_setup_py(unit, deps):
            policy = "library"
    return policy == "application"


def _built_by_setup_py(unit: Unit, deps: DependencySet) -> bool:
    """A ``pyproject.toml`` with a PEP 621 project name and no build backend,
    next to a ``setup.py``: pip and ``build`` build it with setuptools (the PEP
    517 fallback runs that ``setup.py``), so it is a package. Only checks that
    the file exists; never reads or runs it."""
    import os

    from mlwarden.sources.dependencies.manifests import NAME_WITHOUT_BACKEND

    if deps.project_reason != NAME_WITHOUT_BACKEND or not unit.path:
        return False
    try:
        return os.path.isfile(os.path.join(os.path.dirname(os.path.abspath(unit.path)), "setup.py"))
    except (OSError, ValueError):
        return False


def short(text: str, limit: int = 80) -> str:
    """``text`` on one line, cut to ``limit`` characters for a message."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
