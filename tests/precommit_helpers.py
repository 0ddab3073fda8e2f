"""Run this repository's pre-commit hooks for real, in a temporary git repository.

Usage in a test (mark it ``@pytest.mark.slow``)::

    from precommit_helpers import try_repo

    @pytest.mark.slow
    def test_my_hook_fails_on_bad_file(tmp_path):
        proc = try_repo(tmp_path, "mlwarden", {"train.py": "import pickle\\npickle.load(f)\\n"})
        assert proc.returncode == 1, proc.stdout

What happens, and why it is not literally ``pre-commit try-repo``:

* ``pre-commit try-repo`` builds its hook environment in a fresh temporary
  store on every call (it ignores ``PRE_COMMIT_HOME``), which means a full
  ``pip install`` of mlwarden and its dependencies per test.  We do what it
  does by hand instead, with one store shared by the whole test session:
* once per session, :func:`snapshot_repo` copies the working tree of this
  repository (tracked files *and* untracked, not-ignored ones, so uncommitted
  work is what gets tested, like try-repo's "temporary repo with uncommitted
  changes") into a throw-away git repository with one commit;
* each call writes ``files`` into ``tmp_path/repo`` (a new git repository),
  stages them (``stage=True``) and runs ``pre-commit run HOOK_ID`` with a
  config naming the snapshot at its commit, exactly the config try-repo
  writes.  The first call builds the hook's virtualenv (pip install from PyPI,
  about a minute); later calls reuse it.

``test_precommit.py`` also runs the literal ``pre-commit try-repo`` once.
"""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import Dict, Iterable, Mapping, Optional, Union

ROOT = Path(__file__).resolve().parent.parent

_lock = threading.Lock()
_session: Dict[str, str] = {}

GIT_ENV = {
    "GIT_AUTHOR_NAME": "mlwarden tests",
    "GIT_AUTHOR_EMAIL": "tests@example.invalid",
    "GIT_COMMITTER_NAME": "mlwarden tests",
    "GIT_COMMITTER_EMAIL": "tests@example.invalid",
    "GIT_CONFIG_NOSYSTEM": "1",
}


def precommit_exe() -> str:
    """The ``pre-commit`` of the running interpreter's environment."""
    exe = Path(sys.executable).parent / "pre-commit"
    return str(exe) if exe.exists() else (shutil.which("pre-commit") or "pre-commit")


def _env(extra: Optional[Mapping[str, str]] = None) -> Dict[str, str]:
    env = dict(os.environ)
    env.update(GIT_ENV)
    # a developer's global hooks/templates must not leak into the temp repos
    env["GIT_CONFIG_GLOBAL"] = os.devnull
    env.pop("PRE_COMMIT", None)
    env.pop("GIT_INDEX_FILE", None)
    env.pop("GIT_DIR", None)
    env.pop("GIT_WORK_TREE", None)
    if extra:
        env.update(extra)
    return env


def git(*args: str, cwd: Union[str, Path]) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["git", *args], cwd=cwd, env=_env(), check=True, capture_output=True, text=True, timeout=120
    )


def _session_dir() -> Path:
    if "dir" not in _session:
        base = os.environ.get("MLWARDEN_TEST_TMP")
        path = tempfile.mkdtemp(prefix="mlwarden-precommit-", dir=base)
        atexit.register(shutil.rmtree, path, True)
        _session["dir"] = path
    return Path(_session["dir"])


def precommit_home() -> Path:
    """One ``PRE_COMMIT_HOME`` for the whole session (hook envs built once)."""
    home = _session_dir() / "home"
    home.mkdir(exist_ok=True)
    return home


def snapshot_repo() -> "tuple[Path, str]":
    """``(path, commit)`` of a one-commit copy of this repository's working tree."""
    with _lock:
        if "snapshot" not in _session:
            dest = _session_dir() / "snapshot"
            listed = subprocess.run(
                ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                cwd=ROOT, env=_env(), check=True, capture_output=True, timeout=120,
            ).stdout.decode("utf-8", "surrogateescape")
            for rel in filter(None, listed.split("\0")):
                src = ROOT / rel
                if not src.is_file():  # deleted but still in the index
                    continue
                target = dest / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(src, target)
            git("init", "-q", "-b", "main", cwd=dest)
            git("add", "-A", cwd=dest)  # inside the throw-away snapshot only
            git("commit", "-q", "--no-verify", "-m", "snapshot of the working tree for tests", cwd=dest)
            rev = git("rev-parse", "HEAD", cwd=dest).stdout.strip()
            _session["snapshot"] = str(dest)
            _session["rev"] = rev
    return Path(_session["snapshot"]), _session["rev"]


def write_files(repo: Path, files: Mapping[str, Union[str, bytes]]) -> None:
    for rel, content in files.items():
        target = repo / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_bytes(content.encode("utf-8"))


def try_repo(
    tmp_path: Path,
    hook_id: str,
    files: Mapping[str, Union[str, bytes]],
    stage: bool = True,
    extra_args: Iterable[str] = (),
    args: Optional[Iterable[str]] = None,
) -> subprocess.CompletedProcess:
    """Run hook ``hook_id`` of this repository on ``files`` in a new git repo.

    ``files`` maps relative paths to contents.  With ``stage=True`` the files
    are ``git add``-ed and pre-commit runs on the staged files, as on a real
    commit; with ``stage=False`` they are passed with ``--files``.
    ``extra_args`` go to ``pre-commit run`` (e.g. ``("--all-files",)``);
    ``args`` (a list) overrides the hook's ``args:`` in the config.
    Returns the finished process (``returncode``, ``stdout`` with stderr merged).
    """
    snapshot, rev = snapshot_repo()
    repo = Path(tmp_path) / "repo"
    repo.mkdir(parents=True, exist_ok=True)
    if not (repo / ".git").exists():
        git("init", "-q", "-b", "main", cwd=repo)
    write_files(repo, files)
    hook = {"id": hook_id}
    if args is not None:
        hook["args"] = list(args)
    import json

    config = Path(tmp_path) / "pre-commit-config.yaml"  # outside the repo, like try-repo
    # JSON is YAML: no yaml dependency needed
    config.write_text(json.dumps({"repos": [{"repo": str(snapshot), "rev": rev, "hooks": [hook]}]}, indent=2))
    cmd = [precommit_exe(), "run", hook_id, "--config", str(config), "--color", "never"]
    if stage:
        if files:
            git("add", "--", *files.keys(), cwd=repo)
    else:
        cmd += ["--files", *files.keys()]
    cmd += list(extra_args)
    return subprocess.run(
        cmd,
        cwd=repo,
        env=_env({"PRE_COMMIT_HOME": str(precommit_home())}),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=900,
    )
