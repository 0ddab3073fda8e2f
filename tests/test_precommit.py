"""The pre-commit hooks, run for real (see precommit_helpers.py), and the
README's pre-commit instructions, run as written."""

from __future__ import annotations

import re
import shlex
import subprocess

import pytest
import yaml

from precommit_helpers import ROOT, _env, git, precommit_exe, precommit_home, snapshot_repo, try_repo

BAD = "import pickle\n\nwith open('model.pkl', 'rb') as f:\n    model = pickle.load(f)\n"
CLEAN = "import json\n\nwith open('config.json') as f:\n    config = json.load(f)\n"


def hook_ids():
    text = (ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    return re.findall(r"^- id: *([\w-]+)", text, flags=re.M)


def readme_section(title: str) -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## )", readme, flags=re.M | re.S)
    assert match, f"README has no section {title!r}"
    return match.group(1)


def readme_config() -> dict:
    """The README's .pre-commit-config.yaml snippet, parsed."""
    blocks = re.findall(r"```yaml\n(.*?)```", readme_section("pre-commit"), flags=re.S)
    assert len(blocks) == 1, "the pre-commit section should hold one YAML snippet"
    return yaml.safe_load(blocks[0])


def readme_try_repo_command() -> list:
    (line,) = [text for text in readme_section("pre-commit").splitlines() if text.startswith("pre-commit try-repo ")]
    return shlex.split(line)


def test_hooks_file_lists_hooks():
    assert "mlwarden" in hook_ids()


def test_readme_snippet_lists_exactly_the_hooks():
    """Every hook id is in the README's config snippet, and the snippet names
    no other: a user copies the snippet, not the prose."""
    (repo,) = readme_config()["repos"]
    assert repo["repo"] == "https://github.com/mlwarden/mlwarden"
    documented = [hook["id"] for hook in repo["hooks"]]
    assert sorted(documented) == sorted(hook_ids())
    assert len(documented) == len(set(documented))


def test_readme_rev_is_the_release_tag_and_explains_pinning():
    """`rev: v<version>` (the tag of the version in __init__.py), and how to
    pin before that tag exists (issue 18: `rev: v0.1.0` did not exist)."""
    from mlwarden import __version__

    (repo,) = readme_config()["repos"]
    assert repo["rev"] == f"v{__version__}"
    section = readme_section("pre-commit")
    assert "pre-commit autoupdate" in section
    assert "commit SHA" in section
    assert "git ls-remote https://github.com/mlwarden/mlwarden HEAD" in section


def test_readme_try_repo_command_names_a_hook():
    cmd = readme_try_repo_command()
    assert cmd[:3] == ["pre-commit", "try-repo", "/path/to/mlwarden"]
    assert cmd[3] in hook_ids()


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
def test_readme_try_repo_command(tmp_path):
    """The README's `pre-commit try-repo /path/to/mlwarden HOOK --all-files`,
    as written, with the path of a clone (its own temporary store, so it
    builds the hook environment again)."""
    snapshot, _ = snapshot_repo()
    words = {"pre-commit": precommit_exe(), "/path/to/mlwarden": str(snapshot)}
    cmd = [words.get(w, w) for w in readme_try_repo_command()] + ["--color", "never"]
    for name, files, code in (("bad", {"train.py": BAD, "clean.py": CLEAN}, 1), ("good", {"clean.py": CLEAN}, 0)):
        repo = tmp_path / name
        repo.mkdir()
        git("init", "-q", "-b", "main", cwd=repo)
        for rel, text in files.items():
            (repo / rel).write_text(text)
        git("add", *files, cwd=repo)
        proc = subprocess.run(cmd, cwd=repo, env=_env(), capture_output=True, text=True, timeout=900)
        assert proc.returncode == code, proc.stdout + proc.stderr
        if code:
            assert "train.py:4:13: MLW101 " in proc.stdout
            assert "clean.py" not in proc.stdout


@pytest.mark.slow
def test_readme_config_works_as_documented(tmp_path):
    """The README's config snippet, its repository URL pointing at a clone.
    Before a release tag exists, `pre-commit autoupdate` turns the rev into
    the newest commit's SHA; once `v<version>` is tagged, the snippet works
    as written. Every hook in it runs."""
    from mlwarden import __version__

    snapshot, rev = snapshot_repo()
    repo = tmp_path / "repo"
    repo.mkdir()
    git("init", "-q", "-b", "main", cwd=repo)
    (repo / "train.py").write_text(BAD)
    (repo / "requirements.txt").write_text("torchtriton==2.0.0\n")
    git("add", "train.py", "requirements.txt", cwd=repo)
    config_file = repo / ".pre-commit-config.yaml"

    def write_readme_config():
        config = readme_config()
        config["repos"][0]["repo"] = str(snapshot)
        config_file.write_text(yaml.safe_dump(config, sort_keys=False))

    def precommit(*args):
        env = _env({"PRE_COMMIT_HOME": str(precommit_home())})
        return subprocess.run([precommit_exe(), *args, "--color", "never"], cwd=repo, env=env, capture_output=True, text=True, timeout=900)

    # before the first release: no tag, so autoupdate pins the newest commit
    write_readme_config()
    proc = precommit("autoupdate")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert yaml.safe_load(config_file.read_text())["repos"][0]["rev"] == rev
    proc = precommit("run", "--all-files")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    names = [line.split("...")[0].strip() for line in proc.stdout.splitlines() if re.search(r"\.{3,}.*(Passed|Failed|Skipped)$", line)]
    assert len(names) == len(hook_ids()), proc.stdout
    assert "train.py:4:13: MLW101 " in proc.stdout
    assert "requirements.txt:1:1: MLW306 " in proc.stdout
    # after the release: the tag exists and the snippet works unchanged
    git("tag", f"v{__version__}", cwd=snapshot)
    try:
        write_readme_config()
        proc = precommit("run", "mlwarden", "--all-files")
    finally:
        git("tag", "-d", f"v{__version__}", cwd=snapshot)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "train.py:4:13: MLW101 " in proc.stdout


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
