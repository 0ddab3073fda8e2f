"""Configuration, dependency pins and saved notebooks, per directory.

The configuration of a document is the nearest ``[tool.mlwarden]`` above
it (:func:`mlwarden.core.config.find_config`), as ``mlwarden check`` finds
it when run from the document's directory. Version-aware rules read the
project's pins through :func:`mlwarden.core.versions.project_versions`,
which caches them on the :class:`~mlwarden.core.config.Config` object, per
project directory: :meth:`Project.invalidate` drops every loaded config, so
the next check reads the configuration and the pins again.

Only the worker thread checks; the event loop invalidates. A lock keeps the
two from seeing a half-cleared cache.
"""

from __future__ import annotations

import copy
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Tuple

from mlwarden.core.config import Config, ConfigError, find_config, load_config
from mlwarden.server.documents import DiskNotebook, read_disk_notebook

#: names whose change means "reload configuration and pins"
_LOCK_FILES = frozenset({"uv.lock", "poetry.lock", "pdm.lock", "Pipfile.lock"})


def affects_project(path: Path) -> bool:
    """A file whose change can change a verdict elsewhere: the configuration
    (``pyproject.toml``) or a dependency file the pins come from."""
    from mlwarden.core.versions import MARKER_FILES
    from mlwarden.sources import classify

    if path.name in MARKER_FILES or path.name in _LOCK_FILES:
        return True
    return classify(path) in ("requirements", "pyproject", "setup-cfg", "conda-env", "pipfile")


#: Watched by the client (``workspace/didChangeWatchedFiles``): the files
#: :func:`affects_project` accepts. Globs, relative to every workspace folder.
WATCH_GLOBS = (
    "**/pyproject.toml",
    "**/setup.cfg",
    "**/Pipfile",
    "**/{uv,poetry,pdm,Pipfile}.lock",
    "**/*requirements*.txt",
    "**/requirements*/*.txt",
    "**/reqs/*.txt",
    "**/constraints*.txt",
    "**/*.{yml,yaml}",
)


@dataclass
class Resolved:
    config: Config
    #: a one-line configuration error (the defaults are used meanwhile)
    error: Optional[str] = None
    #: the document is excluded by the configuration: not checked
    excluded: bool = False


class Project:
    def __init__(self, roots: Optional[List[Path]] = None) -> None:
        self.roots: List[Path] = list(roots or [])
        self._lock = threading.RLock()
        self._configs: Dict[Optional[Path], Tuple[Config, Optional[str]]] = {}
        self._found: Dict[Path, Optional[Path]] = {}
        self._notebooks: Dict[Path, Tuple[Tuple[int, int], Optional[DiskNotebook]]] = {}
        #: bumped by every invalidation (the config a check used is stale once it moves)
        self.generation = 0

    # -- configuration ------------------------------------------------------
    def root_for(self, path: Optional[Path]) -> Path:
        """The workspace folder holding ``path`` (the deepest), else its
        directory, else the first folder or the current directory."""
        if path is not None:
            best: Optional[Path] = None
            for root in self.roots:
                try:
                    path.relative_to(root)
                except ValueError:
                    continue
                if best is None or len(root.parts) > len(best.parts):
                    best = root
            return best or path.parent
        return self.roots[0] if self.roots else Path.cwd()

    def _config_file(self, directory: Path) -> Optional[Path]:
        if directory not in self._found:
            self._found[directory] = find_config(directory) if directory.is_dir() else None
        return self._found[directory]

    def resolve(self, path: Optional[Path]) -> Resolved:
        """The configuration for a document at ``path`` (None: a buffer with
        no file), with the pins of its directory even before it is saved."""
        with self._lock:
            directory = path.parent if path is not None else self.root_for(None)
            source = self._config_file(directory)
            if source not in self._configs:
                try:
                    loaded = load_config(source) if source is not None else Config(root=self.root_for(path))
                    self._configs[source] = (loaded, None)
                except ConfigError as exc:
                    self._configs[source] = (Config(root=self.root_for(path)), str(exc))
            config, error = self._configs[source]
            if path is not None and config.is_excluded(path, walking=False):
                return Resolved(config, error, excluded=True)
            if path is not None and not path.exists() and directory.is_dir():
                config = _with_pins_of(config, directory)
            return Resolved(config, error)

    def invalidate(self) -> None:
        """Forget configurations and pins (a config or dependency file changed)."""
        with self._lock:
            for config, _error in self._configs.values():
                _forget_pins(config)
            self._configs.clear()
            self._found.clear()
            self.generation += 1

    # -- saved notebooks ----------------------------------------------------
    def disk_notebook(self, path: Optional[Path]) -> Optional[DiskNotebook]:
        """The saved notebook at ``path``, re-read when its size or mtime changed."""
        if path is None:
            return None
        try:
            stat = path.stat()
        except OSError:
            return None
        stamp = (stat.st_mtime_ns, stat.st_size)
        with self._lock:
            cached = self._notebooks.get(path)
            if cached is not None and cached[0] == stamp:
                return cached[1]
        disk = read_disk_notebook(path)
        with self._lock:
            self._notebooks[path] = (stamp, disk)
        return disk

    def forget_notebook(self, path: Optional[Path]) -> None:
        with self._lock:
            self._notebooks.pop(path, None)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------
# pins
#
# core/versions.project_versions(config, path) caches a ProjectVersions per
# project directory in ``config.__dict__["_project_versions"]``, and for a
# path that does not exist (an unsaved buffer) uses the configured
# assumptions only. These two helpers are the server's only contact with
# that cache; tests/test_server_unit.py checks both behaviours.


def _forget_pins(config: Config) -> None:
    config.__dict__.pop("_project_versions", None)


def _with_pins_of(config: Config, directory: Path) -> Config:
    """A copy of ``config`` whose pin lookup for a file that does not exist
    yet answers with the pins of ``directory`` (where it will be saved)."""
    from mlwarden.core.versions import project_versions

    pins = project_versions(config, directory)
    clone = copy.copy(config)
    clone.__dict__["_project_versions"] = {None: pins}
    return clone
