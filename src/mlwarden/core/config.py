"""``[tool.mlwarden]`` configuration.

Read from the nearest ``pyproject.toml`` (searching upward from the current
directory) that has a ``[tool.mlwarden]`` table, or from ``--config FILE``.
Every error is a :class:`ConfigError` with a one-line message naming the file
and the key; nothing here raises a traceback for user input.

Keys (kebab-case, as in ruff):

``select``, ``extend-select``, ``ignore``
    rule codes or prefixes (``MLW1``), ``ALL``.
``per-file-ignores``
    ``{"tests/*" = ["MLW101"]}``: glob (relative to the config's directory) ->
    codes.
``exclude``, ``extend-exclude``
    globs of paths to skip (applied to files named on the command line too, so
    pre-commit respects them). ``exclude`` replaces the default list.
``severity``
    the lowest severity reported (``low``, ``medium``, ``high``, ``critical``;
    default ``medium``: ``low`` shows every finding).
``context``
    ``true`` (default): lower the severity of findings in test code, docs,
    examples and tutorial notebooks (see :mod:`mlwarden.core.context`).
``owner-orgs``, ``infer-owner``
    the project's own hub organisations (added to those inferred from the
    git remotes and project URLs unless ``infer-owner = false``; see
    :mod:`mlwarden.core.owner`).
rule options
    any option a rule declares in its ``OPTIONS`` (``mlwarden explain`` lists
    them), e.g. ``trusted-models``.
"""

from __future__ import annotations

import fnmatch
import functools
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Callable, Dict, List, Mapping, Optional, Tuple

from mlwarden.core.finding import Severity

DEFAULT_EXCLUDE: Tuple[str, ...] = (
    ".git",
    ".hg",
    ".svn",
    ".bzr",
    ".tox",
    ".nox",
    ".venv",
    "venv",
    ".direnv",
    "__pypackages__",
    "__pycache__",
    "node_modules",
    ".eggs",
    "*.egg-info",
    "site-packages",
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
    ".mlwarden_cache",
    ".ipynb_checkpoints",
)

#: Build outputs the default walk skips too, unless the directory is a Python
#: package (it holds an ``__init__.py``): ``mmengine/dist/`` is mmengine's
#: distributed helpers (with a ``pickle.loads``), ``pkg/build/`` a model
#: builder; ``build/lib/…`` and ``dist/`` at a project's root are not.
BUILD_OUTPUTS: Tuple[str, ...] = ("build", "dist")

CORE_KEYS = {
    "select",
    "extend-select",
    "ignore",
    "extend-ignore",
    "per-file-ignores",
    "exclude",
    "extend-exclude",
    "severity",
    "assume-versions",
    "context",
    "owner-orgs",
    "infer-owner",
}


class ConfigError(Exception):
    """A configuration problem; ``str()`` is the one-line message."""


@dataclass
class Config:
    select: Optional[List[str]] = None
    extend_select: List[str] = field(default_factory=list)
    ignore: List[str] = field(default_factory=list)
    per_file_ignores: Dict[str, List[str]] = field(default_factory=dict)
    exclude: Tuple[str, ...] = DEFAULT_EXCLUDE
    extend_exclude: Tuple[str, ...] = ()
    #: a default run shows what a reviewer should act on; ``low`` shows everything
    severity: Severity = Severity.MEDIUM
    options: Dict[str, Any] = field(default_factory=dict)
    #: directory globs are relative to (the config file's directory, or cwd)
    root: Path = field(default_factory=Path.cwd)
    source: Optional[Path] = None
    #: ``assume-versions = {torch = "2.7"}``: versions to assume installed (core/versions.py)
    assume_versions: Dict[str, str] = field(default_factory=dict)
    #: lower findings in tests/docs/examples/tutorials (core/context.py)
    context: bool = True
    #: the project's own hub organisations, besides the inferred ones (core/owner.py)
    owner_orgs: List[str] = field(default_factory=list)
    infer_owner: bool = True

    # -- selection ----------------------------------------------------------
    def rules(self):
        """The selected rule classes (imports every rule module)."""
        from mlwarden.core.registry import select_rules

        return select_rules(self.select, self.ignore, self.extend_select)

    def rule_refs(self):
        """The selected rules as :class:`~mlwarden.core.registry.RuleRef`
        records: what the engine runs, importing a rule only when a file needs it."""
        from mlwarden.core.registry import select_rule_refs

        return select_rule_refs(self.select, self.ignore, self.extend_select)

    def rule_option(self, rule: Any, key: str) -> Any:
        if key in self.options:
            return self.options[key]
        declared = getattr(rule, "OPTIONS", {})
        if key not in declared:
            raise KeyError(f"{rule.id} declares no option {key!r}")
        return declared[key]

    # -- paths --------------------------------------------------------------
    def relpath(self, path: os.PathLike) -> str:
        p = Path(path)
        try:
            rel = os.path.relpath(p.resolve(), _resolved(self.root) if self.root.is_absolute() else self.root.resolve())
        except ValueError:  # other drive on Windows
            rel = str(p)
        except (RuntimeError, OSError):  # a symlink loop: the loader reports it
            rel = os.path.relpath(os.path.abspath(p), os.path.abspath(self.root))
        return PurePosixPath(Path(rel)).as_posix()

    def is_excluded(self, path: os.PathLike, *, walking: bool) -> bool:
        """``walking``: a path met while walking a directory (default excludes
        apply). Explicit paths are checked against user excludes only."""
        patterns: Tuple[str, ...] = self.extend_exclude
        if walking or self.exclude is not DEFAULT_EXCLUDE:
            patterns = patterns + tuple(self.exclude)
        if not patterns:
            return False
        rel = self.relpath(path)
        part_match, nested = _exclude_matcher(patterns)
        if part_match is not None and any(part_match(os.path.normcase(part)) for part in PurePosixPath(rel).parts):
            return True
        return any(fnmatch.fnmatch(rel, pattern) or fnmatch.fnmatch(rel, pattern + "/*") for pattern in nested)

    def is_build_output(self, directory: Path) -> bool:
        """A directory the walk meets that the default excludes skip as a
        build output (:data:`BUILD_OUTPUTS`, not a package). Your own
        ``exclude`` replaces the defaults, this included; ``extend-exclude =
        ["dist"]`` skips every ``dist``."""
        return (
            self.exclude is DEFAULT_EXCLUDE
            and os.path.normcase(directory.name) in BUILD_OUTPUTS
            and not (directory / "__init__.py").is_file()
        )

    def ignored_for(self, path: os.PathLike) -> List[str]:
        if not self.per_file_ignores:
            return []
        rel = self.relpath(path)
        base = PurePosixPath(rel).name
        codes: List[str] = []
        for pattern, pattern_codes in self.per_file_ignores.items():
            if fnmatch.fnmatch(rel, pattern) or ("/" not in pattern and fnmatch.fnmatch(base, pattern)):
                codes.extend(pattern_codes)
        return codes


@functools.lru_cache(maxsize=32)
def _exclude_matcher(patterns: Tuple[str, ...]) -> Tuple[Optional[Callable[[str], Any]], Tuple[str, ...]]:
    """(one compiled match for the patterns without a ``/``, which apply to
    each path component, or None; the patterns with one, which apply to the
    whole relative path). The walk asks this for every directory and file:
    one regex per component replaces ``fnmatch`` per pattern (the same
    translation and the same ``normcase``), 5x faster on a large tree."""
    stripped = [pattern.rstrip("/") for pattern in patterns]
    simple = [os.path.normcase(pattern) for pattern in stripped if "/" not in pattern]
    nested = tuple(pattern for pattern in stripped if "/" in pattern)
    if not simple:
        return None, nested
    return re.compile("|".join(fnmatch.translate(pattern) for pattern in simple)).match, nested


@functools.lru_cache(maxsize=8)
def _resolved(root: Path) -> Path:
    """The project root with links resolved, once per root and process (an
    absolute root only: a relative one depends on the working directory)."""
    return root.resolve()


def find_config(start: Optional[Path] = None) -> Optional[Path]:
    """The nearest pyproject.toml with a [tool.mlwarden] table, upward from start."""
    here = (start or Path.cwd()).resolve()
    for directory in (here, *here.parents):
        candidate = directory / "pyproject.toml"
        if candidate.is_file():
            try:
                raw = candidate.read_bytes()
            except OSError:
                continue
            # bytes, so that a config that is not valid UTF-8 is found and reported
            if b"tool.mlwarden" in raw:
                return candidate
    return None


def toml_module() -> Any:
    """``tomllib`` (``tomli`` before Python 3.11), imported when first
    needed: a run without a config file never pays for it."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on old Pythons only
        import tomli as tomllib
    return tomllib


def load_config(path: Optional[Path] = None, *, search: bool = True) -> Config:
    """Load ``path`` (or the discovered config). Raises ConfigError."""
    if path is None and search:
        path = find_config()
    if path is None:
        return Config()
    path = Path(path)
    from mlwarden.sources.base import LoadError
    from mlwarden.sources.files import read_regular

    try:
        raw = read_regular(path)  # never a FIFO or /dev/zero
    except LoadError as exc:
        raise ConfigError(f"{path}: {exc}".replace("cannot read file", "cannot read config")) from None
    tomllib = toml_module()
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: cannot read config: not valid UTF-8") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    except RecursionError:
        raise ConfigError(f"{path}: invalid TOML: nested too deeply") from None
    if path.name == "pyproject.toml":
        table = data.get("tool", {}).get("mlwarden", {})
    else:
        table = data.get("tool", {}).get("mlwarden", data)
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.mlwarden] must be a table")
    return config_from_mapping(table, where=f"{path}: [tool.mlwarden]", root=path.parent.resolve(), source=path)


def _codes(value: Any, where: str) -> List[str]:
    from mlwarden.core.registry import validate_codes

    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}: expected a list of rule codes")
    try:
        return validate_codes(value, where)
    except ValueError as exc:
        raise ConfigError(str(exc)) from None


def _globs(value: Any, where: str) -> Tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}: expected a list of glob patterns")
    return tuple(value)


def _versions(value: Any, where: str) -> Dict[str, str]:
    """``{torch = "2.7"}``: package names -> PEP 440 versions."""
    from packaging.version import InvalidVersion, Version

    if not isinstance(value, dict):
        raise ConfigError(f"{where}: expected a table of package = \"version\", e.g. {{torch = \"2.7\"}}")
    out: Dict[str, str] = {}
    for name, version in value.items():
        if not isinstance(version, str):
            raise ConfigError(f"{where} {name}: expected a version string, got {version!r}")
        try:
            Version(version)
        except InvalidVersion:
            raise ConfigError(f"{where} {name}: {version!r} is not a valid version (expected e.g. \"2.7\" or \"2.6.0\")") from None
        out[str(name)] = version
    return out


def declared_options() -> Dict[str, Tuple[Any, List[str]]]:
    """option -> (default, ids of the rules that read it)."""
    from mlwarden.core.registry import rule_refs

    out: Dict[str, Tuple[Any, List[str]]] = {}
    for rule in rule_refs():
        for key, default in rule.OPTIONS.items():
            if key in out:
                out[key][1].append(rule.id)
            else:
                out[key] = (default, [rule.id])
    return out


def declared_choices() -> Dict[str, Tuple[Any, ...]]:
    """option -> the values it may take (rules' ``OPTION_CHOICES``)."""
    from mlwarden.core.registry import rule_refs

    out: Dict[str, Tuple[Any, ...]] = {}
    for rule in rule_refs():
        for key, choices in rule.OPTION_CHOICES.items():
            out[key] = tuple(v for v in out.get(key, choices) if v in choices)
    return out


def _check_option_choice(key: str, value: Any, choices: Tuple[Any, ...], where: str) -> Any:
    if value not in choices:
        expected = ", ".join(repr(c) if not isinstance(c, str) else f'"{c}"' for c in choices)
        raise ConfigError(f"{where} {key}: expected one of {expected}, got {value!r}")
    return value


def _check_option_type(key: str, value: Any, default: Any, where: str) -> Any:
    expected = type(default)
    if default is None or isinstance(value, expected):
        if isinstance(default, list) and not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{where} {key}: expected a list of strings")
        return value
    if isinstance(default, bool) or not (isinstance(default, float) and isinstance(value, int)):
        names = {list: "a list", dict: "a table", str: "a string", bool: "true or false", int: "an integer", float: "a number"}
        raise ConfigError(f"{where} {key}: expected {names.get(expected, expected.__name__)}, got {value!r}")
    return value


def config_from_mapping(
    table: Mapping[str, Any], *, where: str = "[tool.mlwarden]", root: Optional[Path] = None, source: Optional[Path] = None
) -> Config:
    config = Config(root=root or Path.cwd(), source=source)
    options = declared_options()
    choices = declared_choices()
    for key, value in table.items():
        if key == "select":
            config.select = _codes(value, f"{where} select")
        elif key == "extend-select":
            config.extend_select = _codes(value, f"{where} extend-select")
        elif key in ("ignore", "extend-ignore"):
            config.ignore += _codes(value, f"{where} {key}")
        elif key == "per-file-ignores":
            if not isinstance(value, dict):
                raise ConfigError(f"{where} per-file-ignores: expected a table of glob = [codes]")
            config.per_file_ignores = {
                str(pattern): _codes(codes, f"{where} per-file-ignores {pattern!r}") for pattern, codes in value.items()
            }
        elif key == "exclude":
            config.exclude = _globs(value, f"{where} exclude")
        elif key == "extend-exclude":
            config.extend_exclude = _globs(value, f"{where} extend-exclude")
        elif key == "severity":
            if not isinstance(value, str):
                raise ConfigError(f"{where} severity: expected a string")
            try:
                config.severity = Severity.parse(value)
            except ValueError as exc:
                raise ConfigError(f"{where} severity: {exc}") from None
        elif key == "assume-versions":
            config.assume_versions = _versions(value, f"{where} assume-versions")
        elif key in ("context", "infer-owner"):
            if not isinstance(value, bool):
                raise ConfigError(f"{where} {key}: expected true or false, got {value!r}")
            setattr(config, key.replace("-", "_"), value)
        elif key == "owner-orgs":
            if isinstance(value, str):
                value = [value]
            if not isinstance(value, list) or not all(isinstance(v, str) and v and "/" not in v for v in value):
                raise ConfigError(f"{where} owner-orgs: expected a list of organisation names, e.g. [\"my-org\"]")
            config.owner_orgs = list(value)
        elif key in options:
            config.options[key] = _check_option_type(key, value, options[key][0], where)
            if key in choices:
                _check_option_choice(key, value, choices[key], where)
        else:
            hint = ""
            snake = key.replace("_", "-")
            if snake in CORE_KEYS or snake in options:
                hint = f" (did you mean {snake!r}?)"
            else:
                import difflib

                close = difflib.get_close_matches(snake, sorted(CORE_KEYS | set(options)), n=1, cutoff=0.6)
                if close:
                    hint = f" (did you mean {close[0]!r}?)"
            raise ConfigError(f"{where}: unknown option {key!r}{hint}")
    return config
