"""The pre-commit hooks, run for real (see precommit_helpers.py)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from precommit_helpers import ROOT, _env, git, precommit_exe, snapshot_repo, try_repo

BAD = "import pickle\n\nwith open('model.pkl', 'rb') as f:\n    model = pickle.load(f)\n"
CLEAN = "import json\n\nwith open('config.json') as f:\n    config = json.load(f)\n"


def hook_ids():
    text = (ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    return re.findall(r"^- id: *([\w-]+)", text, flags=re.M)


def test_hooks_file_lists_hooks():
    assert "mlwarden" in hook_ids()


@pytest.mark.parametrize("hook_id", hook_ids())
def test_every_hook_is_documented_in_readme(hook_id):
    # pre-commit-hooks' readme test: a user must be able to find every hook id
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert re.search(rf"(?<![\w-])id: {re.escape(hook_id)}(?![\w-])", readme) or f"`{hook_id}`" in readme, hook_id


@pytest.mark.slow
def test_check_hook_fails_on_staged_pickle_load(tmp_path):
    proc = try_repo(tmp_path, "mlwarden", {"train.py": BAD})
    assert proc.returncode == 1, proc.stdout
    assert "train.py:4:13: MLW101 " in proc.stdout, proc.stdout


@pytest.mark.slow
def test_check_hook_passes_on_clean_file(tmp_path):
    proc = try_repo(tmp_path, "mlwarden", {"train.py": CLEAN})
    assert proc.returncode == 0, proc.stdout
    assert re.search(r"^mlwarden.*Passed$", proc.stdout, flags=re.M), proc.stdout


@pytest.mark.slow
def test_literal_try_repo_with_files(tmp_path):
    """The documented `pre-commit try-repo REPO mlwarden --files …` (its own
    temporary store, so it builds the hook environment again)."""
    snapshot, rev = snapshot_repo()
    repo = tmp_path / "repo"
    repo.mkdir()
    git("init", "-q", "-b", "main", cwd=repo)
    (repo / "train.py").write_text(BAD)
    (repo / "clean.py").write_text(CLEAN)
    git("add", "train.py", "clean.py", cwd=repo)
    cmd = [precommit_exe(), "try-repo", str(snapshot), "mlwarden", "--ref", rev, "--color", "never", "--files"]
    bad = subprocess.run(cmd + ["train.py"], cwd=repo, env=_env(), capture_output=True, text=True, timeout=900)
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "train.py:4:13: MLW101 " in bad.stdout
    good = subprocess.run(cmd + ["clean.py"], cwd=repo, env=_env(), capture_output=True, text=True, timeout=900)
    assert good.returncode == 0, good.stdout + good.stderr


@pytest.mark.slow
def test_check_hook_bare_noqa_does_not_pass_but_coded_noqa_does(tmp_path):
    proc = try_repo(tmp_path / "a", "mlwarden", {"train.py": BAD.replace("pickle.load(f)", "pickle.load(f)  # noqa")})
    assert proc.returncode == 1, proc.stdout
    proc = try_repo(tmp_path / "b", "mlwarden", {"train.py": BAD.replace("pickle.load(f)", "pickle.load(f)  # noqa: MLW101")})
    assert proc.returncode == 0, proc.stdout


@pytest.mark.slow
def test_check_hook_respects_pyproject_and_unstaged_files_are_not_checked(tmp_path):
    files = {"pyproject.toml": '[tool.mlwarden]\nextend-exclude = ["legacy"]\n', "legacy/old.py": BAD, "src/ok.py": CLEAN}
    proc = try_repo(tmp_path, "mlwarden", files)
    assert proc.returncode == 0, proc.stdout
    # a bad file that is not staged is not part of the commit
    (tmp_path / "repo" / "scratch.py").write_text(BAD)
    proc = try_repo(tmp_path, "mlwarden", {})
    assert "scratch.py" not in proc.stdout
