"""Which versions of a package a project is guaranteed to run.

::

    pv = project_versions(config, path)    # cached per run and project directory
    pv.at_least("torch", "2.6")            # True iff every allowed version is >= 2.6
    pv.minimum("torch")                    # lowest allowed Version, or None
    pv.notes()                             # ["torch >=2.6 (requirements.txt:3)", ...]

The project directory is the nearest directory, upward from the checked file,
holding a dependency file (pyproject.toml, requirements*.txt, constraints*.txt,
setup.cfg, environment.yml, Pipfile, or a lock file). The walk stops at the
configuration root when the file is inside it, and at a repository root
(a directory with ``.git``).

Resolution (see docs/versions.md):

* ``[tool.mlwarden] assume-versions = {torch = "2.7"}`` wins over files;
* each file is one install path: its lines for a package are intersected
  (``torch>=2.4`` and ``torch!=2.5.0`` → 2.4); lines with different
  environment markers are alternatives, so the lowest of them counts;
* a file constrains a package when its lines give a lower bound (``==``,
  ``>=``, ``>``, ``~=``, ``===``, conda ``=1.2.3``, Poetry ``^2.6``); a bare
  name, ``<``/``<=``/``!=`` alone, a URL or a VCS reference guarantee nothing;
* lock files (uv.lock, poetry.lock, pdm.lock, Pipfile.lock) constrain with
  their exact version;
* across files, the lowest minimum wins (conservative: any of those files may
  be what gets installed); no constraining file at all means unconstrained;
* the project's own package runs at the project's own version: the code of
  keras, checked in keras's repository, is that keras (``[project] name`` and
  a static ``version``, the sdist's ``PKG-INFO``, a setuptools ``attr:``
  version read as text from its module, Poetry's ``version``, or
  ``setup.cfg``'s ``[metadata]``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Tuple

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version

from mlwarden.sources.dependencies.paths import LOCK_FILES, canonicalize_name, dependency_files as _dependency_files  # noqa: E402,F401

MARKER_FILES = ("pyproject.toml", "setup.cfg", "Pipfile") + LOCK_FILES


@dataclass(frozen=True)
class Bound:
    """The lowest version one file allows for one package."""

    minimum: Version
    spec: str  # as shown in notes: ">=2.6", "==2.5.1"
    where: str  # "requirements.txt:3"


@dataclass
class ProjectVersions:
    directory: Optional[Path] = None
    #: canonical name -> one bound per constraining file
    bounds: Dict[str, List[Bound]] = field(default_factory=dict)
    #: canonical name -> (version, where) from [tool.mlwarden] assume-versions
    assumed: Dict[str, Tuple[Version, str]] = field(default_factory=dict)
    problems: List[str] = field(default_factory=list)
    files: List[str] = field(default_factory=list)

    def minimum(self, name: str) -> Optional[Version]:
        """The lowest version the project may run with, or None when nothing
        constrains ``name`` from below."""
        key = canonicalize_name(name)
        if key in self.assumed:
            return self.assumed[key][0]
        bounds = self.bounds.get(key)
        if not bounds:
            return None
        return min(b.minimum for b in bounds)

    def at_least(self, name: str, version: str) -> bool:
        """True iff every version allowed for ``name`` is >= ``version``."""
        low = self.minimum(name)
        return low is not None and low >= Version(version)

    def notes(self) -> List[str]:
        """Human-readable reasons, for ``--verbose``."""
        out: List[str] = []
        for key, (version, where) in sorted(self.assumed.items()):
            out.append(f"{key} =={version} (assumed: {where})")
        for key in sorted(self.bounds):
            if key in self.assumed:
                continue
            for bound in sorted(self.bounds[key], key=lambda b: (b.minimum, b.where)):
                out.append(f"{key} {bound.spec} ({bound.where})")
        out.extend(self.problems)
        return out


# -- lower bounds --------------------------------------------------------------------


def lower_bound(specifier: str) -> Optional[Tuple[Version, str]]:
    """(lowest allowed version, the specifier that sets it) or None."""
    try:
        specs = SpecifierSet(specifier)
    except InvalidSpecifier:
        return None
    best: Optional[Tuple[Version, str]] = None
    for spec in specs:
        version_text = spec.version
        if spec.operator in ("==", "===", ">=", ">", "~="):
            if version_text.endswith(".*"):
                version_text = version_text[:-2]
            try:
                version = Version(version_text)
            except InvalidVersion:
                continue
            if best is None or version > best[0]:
                best = (version, f"{spec.operator}{spec.version}")
    return best


#: entries installed only on request (extras, dependency groups)
OPTIONAL_CONTEXTS = frozenset({"optional-dependencies", "dependency-groups", "poetry-group", "uv"})


def _file_bounds(entries: Iterable, where_for) -> Dict[str, Bound]:
    """Per package, the lowest version one file allows.

    Required, unmarked lines are intersected; a line with an environment
    marker or in an extra/group is an alternative (it applies only in some
    installs), so the lowest alternative counts."""
    required: Dict[str, List] = {}
    alternatives_of: Dict[str, List] = {}
    optional_seen: Dict[str, bool] = {}
    for entry in entries:
        if not entry.name or entry.url or entry.local or entry.specifier is None:
            continue
        optional = entry.context in OPTIONAL_CONTEXTS
        if entry.marker or optional:
            alternatives_of.setdefault(entry.name, []).append(entry)
            optional_seen[entry.name] = optional_seen.get(entry.name, False) or optional
        else:
            required.setdefault(entry.name, []).append(entry)
    out: Dict[str, Bound] = {}
    for name in set(required) | set(alternatives_of):
        base = required.get(name, [])
        alternatives = [base + [m] for m in alternatives_of.get(name, [])]
        if not alternatives or (base and optional_seen.get(name)):
            alternatives.append(base)
        lows: List[Bound] = []
        for group in alternatives:
            best: Optional[Bound] = None
            for entry in group:
                found = lower_bound(entry.specifier or "")
                if found and (best is None or found[0] > best.minimum):
                    best = Bound(found[0], found[1], where_for(entry))
            if best is None:
                lows = []  # one alternative with no lower bound: nothing guaranteed
                break
            lows.append(best)
        if lows:
            out[name] = min(lows, key=lambda b: b.minimum)
    return out


# -- discovery -----------------------------------------------------------------------


def _is_marker(directory: Path) -> bool:
    from mlwarden.sources.dependencies import is_conda_env_path, is_requirements_path

    try:
        names = os.listdir(directory)
    except OSError:
        return False
    for name in names:
        if name in MARKER_FILES or is_requirements_path(directory / name) or is_conda_env_path(directory / name):
            return True
    return False


def find_project_dir(path: Path, root: Optional[Path]) -> Optional[Path]:
    from mlwarden.sources.files import dirs_upward

    for directory in dirs_upward(path, root):
        if _is_marker(directory):
            return directory
        if (directory / ".git").exists():
            return None
    return None


def _shown(path: Path, root: Optional[Path]) -> str:
    if root is not None:
        try:
            return path.resolve().relative_to(root.resolve()).as_posix()
        except (OSError, ValueError):
            pass
    return str(path)


def _read(directory: Path, root: Optional[Path]) -> ProjectVersions:
    from mlwarden.sources import LoadError
    from mlwarden.sources.dependencies.manifests import lock_versions

    pv = ProjectVersions(directory=directory)
    for path, kind in _dependency_files(directory):
        shown = _shown(path, root)
        pv.files.append(shown)
        try:
            if kind == "lock":
                seen: Dict[str, Bound] = {}
                for name, version, line in lock_versions(path):
                    if name not in seen or version < seen[name].minimum:
                        seen[name] = Bound(version, f"=={version}", f"{shown}:{line}")
                found = seen
            else:
                from mlwarden.sources import load

                unit = load(path, kind, str(path))  # absolute: includes resolve from the file
                deps = unit.extra["deps"]
                entries = [e for e in deps.entries if e.context != "build-system"]
                found = _file_bounds(entries, lambda e: f"{_shown(Path(e.path), root)}:{e.line}")
        except LoadError as exc:
            pv.problems.append(f"versions: cannot read {shown}: {exc}")
            continue
        for name, bound in found.items():
            pv.bounds.setdefault(name, []).append(bound)
    own = own_version(directory)
    if own is not None:
        name, version, where = own
        pv.bounds.setdefault(name, []).append(Bound(version, f"=={version}", f"{where}: the project's own package"))
    return pv


_VERSION_ASSIGN_RE = r"^__version__\s*(?::\s*str\s*)?=\s*[\"']([^\"'\n]{1,40})[\"']"


def own_version(directory: Path) -> Optional[Tuple[str, Version, str]]:
    """(canonical name, version, where) of the package the project in
    ``directory`` itself builds, or None. Read as text and TOML/INI, never
    run: a setuptools ``attr:`` version is found as a ``__version__ = "..."``
    line of the module it names."""
    import re

    name = version = where = None
    try:
        pyproject = directory / "pyproject.toml"
        if pyproject.is_file():
            from mlwarden.sources.dependencies.manifests import load_toml

            data = load_toml(pyproject.read_text(encoding="utf-8", errors="replace")[:500_000])
            project = data.get("project") if isinstance(data.get("project"), dict) else {}
            tool = data.get("tool") if isinstance(data.get("tool"), dict) else {}
            poetry = tool.get("poetry") if isinstance(tool.get("poetry"), dict) else {}
            name = project.get("name") or poetry.get("name")
            version, where = project.get("version") or poetry.get("version"), "pyproject.toml"
            attr = (((tool.get("setuptools") or {}).get("dynamic") or {}).get("version") or {}).get("attr") if isinstance(tool.get("setuptools"), dict) else None
            if not version and isinstance(attr, str) and attr.count(".") >= 1:
                module, _, variable = attr.rpartition(".")
                if variable == "__version__":
                    parts = module.split(".")
                    for base in (directory, directory / "src"):
                        for candidate in (base.joinpath(*parts).with_suffix(".py"), base.joinpath(*parts, "__init__.py")):
                            if candidate.is_file():
                                found = re.search(_VERSION_ASSIGN_RE, candidate.read_text(encoding="utf-8", errors="replace")[:200_000], re.M)
                                if found:
                                    version, where = found.group(1), f"{candidate.relative_to(directory).as_posix()} (setuptools attr)"
                                break
        setup_cfg = directory / "setup.cfg"
        if not name and setup_cfg.is_file():
            import configparser

            parser = configparser.RawConfigParser(strict=False)
            parser.read_string(setup_cfg.read_text(encoding="utf-8", errors="replace")[:500_000])
            if parser.has_section("metadata"):
                name = parser.get("metadata", "name", fallback=None)
                version, where = parser.get("metadata", "version", fallback=None), "setup.cfg"
        pkg_info = directory / "PKG-INFO"
        if name and not (isinstance(version, str) and version) and pkg_info.is_file():
            head = pkg_info.read_text(encoding="utf-8", errors="replace")[:20_000]
            found_name = re.search(r"^Name:\s*(\S+)", head, re.M)
            found_version = re.search(r"^Version:\s*(\S+)", head, re.M)
            if found_name and found_version and canonicalize_name(found_name.group(1)) == canonicalize_name(str(name)):
                version, where = found_version.group(1), "PKG-INFO"
    except Exception:  # an unreadable manifest: its own problem is reported where it is checked
        return None
    if not (isinstance(name, str) and name and isinstance(version, str) and version):
        return None
    try:
        return canonicalize_name(name), Version(version), where
    except InvalidVersion:
        return None


def project_versions(config, path) -> ProjectVersions:
    """The project versions for the file at ``path`` (cached per ``config``
    and project directory). An absolute path that does not exist yet in an
    existing directory (an unsaved editor buffer, flake8's
    ``--stdin-display-name``) gets that directory's project; any other path
    that does not exist (a snippet checked from memory) gets the configured
    assumptions only."""
    cache: Dict[Optional[Path], ProjectVersions] = config.__dict__.setdefault("_project_versions", {})
    target = Path(path)
    root = getattr(config, "root", None)
    if target.exists():
        directory = find_project_dir(target, root)
    elif target.is_absolute() and target.parent.is_dir():
        directory = find_project_dir(target.parent, root)
    else:
        directory = None
    if directory not in cache:
        pv = _read(directory, getattr(config, "root", None)) if directory is not None else ProjectVersions()
        for name, version in (getattr(config, "assume_versions", None) or {}).items():
            where = str(config.source) if getattr(config, "source", None) else "configuration"
            pv.assumed[canonicalize_name(name)] = (Version(version), where)
        cache[directory] = pv
    return cache[directory]
