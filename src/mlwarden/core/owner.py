"""The project's own hub organisations (owner inference).

A model or dataset that the project's own organisation publishes is not a
third-party supply-chain risk in the same way as a stranger's repository:
findings on it are *lowered* one step (never dropped; ``trusted-models``
still exempts repositories completely). The organisations come from files
only, never from running anything:

* the push URLs of the repository's git remotes (``.git/config`` read as a
  text file; a worktree's ``.git`` file is followed to the common git
  directory): ``git@github.com:my-org/repo.git`` -> ``my-org``;
* the project URLs of ``pyproject.toml`` (``[project.urls]``, Poetry's
  ``homepage``/``repository``/``documentation``), ``setup.cfg``
  (``url``, ``project_urls``) and the ``url=``/``project_urls`` literals of
  ``setup.py`` (matched as text);
* the project's own name (``name`` in ``pyproject.toml``, ``setup.cfg`` or
  ``setup.py``, as written, compared without case): the ``setfit`` project's
  ``SetFit/...`` datasets, ``timm``'s ``timm/...`` weights. Only the exact
  name: ``pyannote.audio`` does not make ``pyannote`` an own organisation;
* ``[tool.mlwarden] owner-orgs = ["my-org"]`` (added to what is inferred);
* the repositories the checked file itself publishes to (``push_to_hub``
  targets, see :mod:`mlwarden.rules.mlw202_unpinned_hub_revision`).

Only GitHub, GitLab, Bitbucket and Hugging Face URLs name an organisation;
Hugging Face's own site paths (``/docs``, ``/blog`` …) do not. Set
``[tool.mlwarden] infer-owner = false`` to use only ``owner-orgs``.
"""

from __future__ import annotations

import configparser
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterable, Iterator, Optional, Tuple

#: hosts whose first path component is the owner
_HOSTS = ("github.com", "gitlab.com", "bitbucket.org", "huggingface.co", "hf.co")
#: first path components that are site pages, not owners
_NOT_OWNERS = frozenset(
    {
        # huggingface.co
        "docs", "blog", "learn", "papers", "api", "settings", "organizations", "join", "login", "pricing", "tasks",
        "collections", "posts", "new", "enterprise", "chat", "search", "changelog", "course",
        # github.com / gitlab.com
        "orgs", "sponsors", "features", "topics", "marketplace", "apps", "about", "explore", "users", "groups",
    }
)
#: Hugging Face repository type prefixes: the owner is the next component
_HF_TYPES = frozenset({"spaces", "datasets", "models"})
_URL_RE = re.compile(
    r"(?:(?:https?|ssh|git)://(?:[^@/\s]+@)?|[\w.-]+@)(?P<host>[\w.-]+)(?::\d+)?[:/](?P<path>[^\s\"'#?]*)",
    re.IGNORECASE,
)
_SETUP_PY_URL_RE = re.compile(
    r"""(?:\burl\s*=|\bhomepage\s*=|["'](?:source|homepage|repository|repo|code|documentation|bug tracker|issues)["']\s*:)\s*["'](?P<url>[^"']+)["']""",
    re.IGNORECASE,
)
_OWNER_RE = re.compile(r"[A-Za-z0-9][\w.-]*")
#: files that mark a project directory
_PROJECT_FILES = ("pyproject.toml", "setup.py", "setup.cfg")


@dataclass
class Owners:
    #: lower-cased organisation -> where it was found ("git remote origin" …)
    orgs: Dict[str, str] = field(default_factory=dict)

    def owns(self, repo_id: str) -> Optional[str]:
        """Where the owner of ``repo_id`` (``org/name``) was found, or None."""
        org = repo_owner(repo_id)
        return self.orgs.get(org) if org else None

    def notes(self) -> "list[str]":
        return [f"own organisation {org!r} ({where})" for org, where in sorted(self.orgs.items())]


def repo_owner(repo_id: str) -> Optional[str]:
    """``org`` of ``org/name`` (``hf_hub:`` prefixes and ``@rev`` dropped), lower-cased."""
    for prefix in ("hf_hub:", "hf-hub:"):
        if repo_id.startswith(prefix):
            repo_id = repo_id[len(prefix):]
    if "/" not in repo_id:
        return None
    org = repo_id.split("/", 1)[0]
    return org.lower() if _OWNER_RE.fullmatch(org) else None


def url_owner(url: str) -> Optional[str]:
    """The organisation a repository or project URL names, or None."""
    match = _URL_RE.search(url.strip())
    if not match:
        return None
    host = match.group("host").lower()
    if host.startswith("www."):
        host = host[4:]
    if host not in _HOSTS and not host.startswith("gitlab."):
        return None
    parts = [p for p in match.group("path").split("/") if p]
    if parts and host in ("huggingface.co", "hf.co") and parts[0].lower() in _HF_TYPES:
        parts = parts[1:]
    if not parts:
        return None
    owner = parts[0]
    if owner.endswith(".git"):
        return None  # host/repo.git: no owner component
    if owner.lower() in _NOT_OWNERS or not _OWNER_RE.fullmatch(owner):
        return None
    return owner.lower()


# -- sources -------------------------------------------------------------------------


def _git_dir(directory: Path) -> Optional[Path]:
    dot_git = directory / ".git"
    try:
        if dot_git.is_dir():
            return dot_git
        if dot_git.is_file():
            text = dot_git.read_text(encoding="utf-8", errors="replace")
            match = re.match(r"gitdir:\s*(.+)", text.strip())
            if not match:
                return None
            git_dir = Path(match.group(1).strip())
            if not git_dir.is_absolute():
                git_dir = directory / git_dir
            common = git_dir / "commondir"
            if common.is_file():
                target = Path(common.read_text(encoding="utf-8", errors="replace").strip())
                return target if target.is_absolute() else git_dir / target
            return git_dir
    except OSError:
        return None
    return None


def git_remote_owners(directory: Path) -> Iterator[Tuple[str, str]]:
    """(owner, where) for the push URL of every remote in ``directory/.git``."""
    git_dir = _git_dir(directory)
    if git_dir is None:
        return
    try:
        text = (git_dir / "config").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return
    remote: Optional[str] = None
    urls: Dict[str, Dict[str, str]] = {}
    for raw in text.splitlines():
        line = raw.strip()
        section = re.match(r'\[\s*remote\s+"([^"]*)"\s*\]', line)
        if section:
            remote = section.group(1)
            continue
        if line.startswith("["):
            remote = None
            continue
        if remote is None:
            continue
        kv = re.match(r"(url|pushurl)\s*=\s*(.+)", line, re.IGNORECASE)
        if kv:
            urls.setdefault(remote, {})[kv.group(1).lower()] = kv.group(2).strip().strip('"')
    for name, found in sorted(urls.items()):
        url = found.get("pushurl") or found.get("url")
        owner = url_owner(url) if url else None
        if owner:
            yield owner, f"git remote {name}"


def manifest_owners(directory: Path) -> Iterator[Tuple[str, str]]:
    """(owner, where) from the project URLs of pyproject.toml, setup.cfg, setup.py."""
    sources = (
        ("pyproject.toml", _pyproject_urls, "pyproject.toml project URLs"),
        ("setup.cfg", _setup_cfg_urls, "setup.cfg url"),
        ("setup.py", _setup_py_urls, "setup.py url"),
    )
    for name, read_urls, where in sources:
        path = directory / name
        if not path.is_file():
            continue
        for url in read_urls(path):
            owner = url_owner(url)
            if owner:
                yield owner, where


def name_owner(directory: Path) -> Iterator[Tuple[str, str]]:
    """(owner, where) from the project's own name: a hub organisation
    spelled as the project is named (case aside) is the project's own."""
    from mlwarden.core.context import _project_name

    name = _project_name(directory, canonical=False).lower()
    if name and _OWNER_RE.fullmatch(name) and name not in _NOT_OWNERS and name not in _HF_TYPES:
        yield name, "the project's name"


def _setup_py_urls(path: Path) -> Iterable[str]:
    """``url=``/``project_urls`` string literals of a setup.py, matched as text (never run)."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")[:200_000]
    except OSError:
        return []
    return [match.group("url") for match in _SETUP_PY_URL_RE.finditer(text)]


def _pyproject_urls(path: Path) -> Iterable[str]:
    from mlwarden.core.config import toml_module

    tomllib = toml_module()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return []
    out = []
    project = data.get("project")
    if isinstance(project, dict) and isinstance(project.get("urls"), dict):
        out.extend(v for v in project["urls"].values() if isinstance(v, str))
    poetry = data.get("tool", {}).get("poetry") if isinstance(data.get("tool"), dict) else None
    if isinstance(poetry, dict):
        out.extend(poetry[k] for k in ("homepage", "repository", "documentation") if isinstance(poetry.get(k), str))
        if isinstance(poetry.get("urls"), dict):
            out.extend(v for v in poetry["urls"].values() if isinstance(v, str))
    return out


def _setup_cfg_urls(path: Path) -> Iterable[str]:
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        parser.read_string(path.read_text(encoding="utf-8", errors="replace"))
    except (OSError, configparser.Error):
        return []
    if not parser.has_section("metadata"):
        return []
    out = []
    for key in ("url", "home_page", "home-page", "project_urls"):
        value = parser.get("metadata", key, fallback="")
        out.extend(part.split("=", 1)[-1].strip() for part in value.splitlines() if part.strip())
    return out


# -- per project ---------------------------------------------------------------------


def _project_dirs(path: Path, root: Optional[Path]) -> Tuple[Optional[Path], Optional[Path]]:
    """(nearest directory with a project file, nearest directory with .git)
    upward from ``path``; the walk stops at a repository root, and at the
    configuration root when the file is inside it."""
    from mlwarden.sources.files import dirs_upward

    project = None
    for directory in dirs_upward(path, root):
        if project is None and any((directory / name).is_file() for name in _PROJECT_FILES):
            project = directory
        if (directory / ".git").exists():
            return project, directory
    return project, None


def project_owners(config: Any, path: Any) -> Owners:
    """The own organisations for the file at ``path`` (cached per ``config``
    and project directory)."""
    explicit = [str(o).lower() for o in (getattr(config, "owner_orgs", None) or ())]
    infer = getattr(config, "infer_owner", True)
    cache: Dict[Any, Owners] = config.__dict__.setdefault("_project_owners", {})
    target = Path(str(path))
    # a snippet checked from memory has no project: only owner-orgs apply
    dirs = _project_dirs(target, getattr(config, "root", None)) if infer and target.exists() else (None, None)
    if dirs not in cache:
        owners = Owners()
        for org in explicit:
            owners.orgs[org] = "[tool.mlwarden] owner-orgs"
        project, repo = dirs
        found = []
        if repo is not None:
            found.extend(git_remote_owners(repo))
        for directory in dict.fromkeys(d for d in (project, repo) if d is not None):
            found.extend(manifest_owners(directory))
        if project is not None:
            found.extend(name_owner(project))
        for org, where in found:
            owners.orgs.setdefault(org, where)
        cache[dirs] = owners
    return cache[dirs]
