"""A results cache, so unchanged files are not analysed again.

``mlwarden check`` keeps, next to the configuration root, a directory
``.mlwarden_cache/`` (with its own ``.gitignore``) holding one JSON file per
*settings key*. The key covers everything a file's findings depend on that is
not the file itself:

* the mlwarden version, and the size and mtime of every module of the
  installed package (an editable install that changes a rule invalidates);
* the selected rules (ids) and the whole configuration (every public field
  of :class:`~mlwarden.core.config.Config`, rule options included).

Each entry is keyed by the displayed path and the file's kind and is valid
while the SHA-256 of the file's bytes and the fingerprint of its project's
dependency files (what the version-aware rules read, see
:mod:`mlwarden.core.versions`) are unchanged. A new input that rules read
from *other* files must be added to :class:`_ContextFingerprints`.

Robustness: a missing, unreadable, corrupt or foreign cache file (or entry)
is ignored; writes go to a temporary file that is renamed into place (two
concurrent runs lose entries, never corrupt the file); an unwritable
directory only disables the cache. Nothing here raises for bad cache data.

Cached results have no ``unit`` and their fixes no ``view``: ``--fix``
re-checks files in-process and never applies a fix from the cache.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import os
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

from mlwarden._version import __version__
from mlwarden.core.finding import Edit, Finding, Fix, Severity
from mlwarden.core.redact import redact_text, safe_text
from mlwarden.core.registry import reads_data

CACHE_DIR_NAME = ".mlwarden_cache"
#: bump when the file layout changes
FORMAT = 1

_FINDING_FIELDS = tuple(f.name for f in dataclasses.fields(Finding))


class Unserialisable(Exception):
    """A finding holds a value the cache cannot store (the file is then not cached)."""


# ---------------------------------------------------------------------------
# findings <-> JSON


def finding_to_json(finding: Finding) -> Dict[str, Any]:
    out: Dict[str, Any] = {}
    for name in _FINDING_FIELDS:
        value = getattr(finding, name)
        if name == "severity":
            value = value.value
        elif name == "fix" and value is not None:
            value = {  # fix texts redacted: a cached fix is only reported, never applied
                "edits": [[e.start_line, e.start_col, e.end_line, e.end_col, redact_text(e.text)] for e in value.edits],
                "safe": value.safe,
                "description": value.description,
            }
        elif value is not None and not isinstance(value, (str, int, float, bool)):
            raise Unserialisable(f"{name}={value!r}")
        out[name] = value
    return out


def finding_from_json(data: Dict[str, Any]) -> Finding:
    values = dict(data)
    values["severity"] = Severity(values["severity"])
    fix = values.get("fix")
    if fix is not None:
        values["fix"] = Fix(
            edits=tuple(Edit(int(a), int(b), int(c), int(d), str(t)) for a, b, c, d, t in fix["edits"]),
            safe=bool(fix["safe"]),
            description=str(fix.get("description", "")),
        )
    return Finding(**values)


# ---------------------------------------------------------------------------
# keys


def content_hash(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


@functools.lru_cache(maxsize=None)
def _package_fingerprint() -> str:
    """Version plus (name, size, mtime) of every module of the package, as
    they were when this process first asked: the code that is running (a
    language server or resident process lives on while files change)."""
    digest = hashlib.sha256(__version__.encode())
    root = Path(__file__).resolve().parent.parent  # the mlwarden package
    for directory, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            if name.endswith(".py") or directory.endswith("data"):
                try:
                    st = os.stat(os.path.join(directory, name))
                except OSError:
                    continue
                digest.update(f"{os.path.relpath(os.path.join(directory, name), root)}:{st.st_size}:{st.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def settings_key(config: Any, rules: Sequence[type]) -> str:
    public = {k: v for k, v in sorted(vars(config).items()) if not k.startswith("_")}
    blob = json.dumps(
        {
            "format": FORMAT,
            "package": _package_fingerprint(),
            "rules": sorted(r.id for r in rules),
            "config": public,
            # data files a rule reads from outside the package (MLW306: `mlwarden update-data`)
            "data": [r.load().data_fingerprint() for r in sorted(rules, key=lambda r: r.id) if reads_data(r)],
        },
        sort_keys=True,
        default=repr,
    )
    return hashlib.sha256(blob.encode("utf-8", "surrogatepass")).hexdigest()[:24]


class _ContextFingerprints:
    """Fingerprint of the dependency files a file's version-aware rules may
    read: those of every directory from the file's up to the configuration
    root or the repository root (a superset of the one project directory
    :func:`mlwarden.core.versions.find_project_dir` picks), memoised per
    directory, so each directory is listed once per run, not once per file."""

    def __init__(self, config: Any) -> None:
        root = getattr(config, "root", None)
        self.root = os.path.abspath(root) if root is not None else None
        self._by_dir: Dict[str, str] = {}
        self._own: Dict[str, str] = {}

    def __call__(self, path: Path) -> str:
        return self._chain(os.path.dirname(os.path.abspath(path)))

    def _chain(self, directory: str) -> str:
        found = self._by_dir.get(directory)
        if found is None:
            own = self._own_fingerprint(directory)
            parent = os.path.dirname(directory)
            stop = parent == directory or directory == self.root or os.path.exists(os.path.join(directory, ".git"))
            found = own if stop else hashlib.sha256(f"{own}|{self._chain(parent)}".encode()).hexdigest()[:24]
            self._by_dir[directory] = found
        return found

    def _own_fingerprint(self, directory: str) -> str:
        try:
            from mlwarden.sources.dependencies.paths import dependency_files

            files = dependency_files(Path(directory))
            # owner inference (core/owner.py) also reads these
            files += [(Path(directory, name), "owner") for name in ("setup.py", os.path.join(".git", "config")) if os.path.isfile(os.path.join(directory, name))]
            if not files:
                return "-"
            digest = hashlib.sha256()
            for path, kind in files:
                digest.update(f"{path.name}:{kind}:".encode("utf-8", "surrogatepass"))
                digest.update(hashlib.sha256(path.read_bytes()).digest())
            return digest.hexdigest()[:24]
        except Exception:  # cannot tell: a value that never matches, so no reuse
            return "?" + os.urandom(8).hex()


# ---------------------------------------------------------------------------
# the cache


def _file_hash(name: str) -> str:
    with open(name, "rb") as handle:
        return content_hash(handle.read())


def _unchanged(depends: Any) -> bool:
    """Every ``[path, hash]`` of ``depends`` still has that content."""
    for name, digest in depends:
        try:
            if _file_hash(str(name)) != digest:
                return False
        except OSError:
            return False
    return True


class ResultCache:
    """Load once, look up and store per file, save once."""

    def __init__(self, directory: Path, key: str, context: Any = None) -> None:
        self.directory = directory
        self.file = directory / f"results-{key}.json"
        self.context = context or (lambda path: "-")
        self.entries: Dict[str, List[Any]] = {}
        self.dirty = False
        self.hits = 0
        self.misses = 0
        self._load()

    @classmethod
    def for_run(cls, config: Any, rules: Sequence[type]) -> Optional["ResultCache"]:
        root = Path(getattr(config, "root", None) or Path.cwd())
        try:
            return cls(root / CACHE_DIR_NAME, settings_key(config, rules), _ContextFingerprints(config))
        except Exception:  # a config we cannot fingerprint: no cache
            return None

    def _load(self) -> None:
        try:
            with open(self.file, "rb") as handle:
                data = json.loads(handle.read().decode("utf-8"))
        except (OSError, ValueError, UnicodeDecodeError):
            return
        if isinstance(data, dict) and data.get("format") == FORMAT and isinstance(data.get("entries"), dict):
            self.entries = data["entries"]

    @staticmethod
    def _slot(display: str, kind: str) -> str:
        return f"{kind}:{display}"

    def get(self, path: Path, display: str, kind: str, digest: str) -> "Optional[Tuple[List[Finding], List[str]]]":
        """Cached (findings, errors) for this content, or None."""
        entry = self.entries.get(self._slot(display, kind))
        try:
            if not entry or entry[0] != digest or entry[1] != self.context(path) or not _unchanged(entry[4] if len(entry) > 4 else ()):
                self.misses += 1
                return None
            findings = [finding_from_json(f) for f in entry[2]]
            errors = [str(e) for e in entry[3]]
        except Exception:  # a corrupt or foreign entry is a miss
            self.misses += 1
            return None
        self.hits += 1
        return findings, errors

    def put(self, path: Path, display: str, kind: str, digest: str, findings: Sequence[Finding], errors: Sequence[str],
            read_files: Sequence[str] = ()) -> None:
        """Store a result; ``read_files``: other files it depends on (their
        content hashes are stored and checked by :meth:`get`)."""
        try:
            encoded = [finding_to_json(f) for f in findings]
            depends = [[name, _file_hash(name)] for name in read_files]
        except (Unserialisable, OSError):
            return
        self.entries[self._slot(display, kind)] = [digest, self.context(path), encoded, [safe_text(e) for e in errors], depends]
        self.dirty = True

    def save(self) -> bool:
        """Write atomically; False (silently) when the directory is not writable."""
        if not self.dirty:
            return True
        from mlwarden.fixers.atomic import write_text_atomic

        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            ignore = self.directory / ".gitignore"
            if not ignore.exists():
                ignore.write_text("# created by mlwarden\n*\n", encoding="utf-8")
            data = json.dumps({"format": FORMAT, "version": __version__, "entries": self.entries}, separators=(",", ":"))
            write_text_atomic(self.file, data, durable=False)  # a lost cache costs a re-check; a torn one is ignored
        except (OSError, ValueError, TypeError):
            return False
        self.dirty = False
        return True
