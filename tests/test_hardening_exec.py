"""Scanning never runs the scanned repository's code (issue 11).

Every front door is run from the root of a repository that plants modules
shadowing what mlwarden imports (``argparse.py``, ``json.py``, ``typing.py``,
``re.py``, ``libcst.py``, …), ``sitecustomize.py``/``usercustomize.py`` and
a ``.pth`` file; each writes a marker file if it is ever executed. Each test
also proves the front door really did its work (a finding, a stripped blob),
so it cannot pass by not running.

Under a plain ``python -m mlwarden``, Python itself imports ``runpy``'s
modules (``importlib``, ``warnings``, ``collections``) and the package
``mlwarden`` from the working directory before any mlwarden code runs: no
program can stop that, so the README says to use the console script or
``python -I -m mlwarden`` in untrusted repositories, and those two doors
(and the git filter, pre-commit and flake8) are tested with every module
planted, those included.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from hardening_helpers import BEFORE_MAIN, SHADOWED, clean_env, console, plant, ran

TRAIN = "import pickle\n\nwith open('m.pkl', 'rb') as f:\n    model = pickle.load(f)\n"


@pytest.fixture
def repo(tmp_path):
    root = tmp_path / "repo"
    root.mkdir()
    (root / "train.py").write_text(TRAIN)
    return root


def _marks(tmp_path: Path) -> Path:
    return tmp_path / "marks"


def _run(args, cwd, **kw):
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, env=clean_env(), timeout=600, **kw)


def test_console_script_runs_nothing_from_the_repository(repo, tmp_path):
    plant(repo, _marks(tmp_path), SHADOWED + BEFORE_MAIN)
    proc = _run([console("mlwarden"), "check", "."], repo)
    assert proc.returncode == 1, proc.stderr
    assert "train.py:4:13: MLW101" in proc.stdout
    assert ran(_marks(tmp_path)) == []


def _resident_answers(sockets: Path) -> list:
    from mlwarden.resident import status

    return [a for a in (status(str(p)) for p in sorted(sockets.glob("*.sock"))) if a] if sockets.is_dir() else []


def test_resident_process_runs_nothing_from_the_repository(repo, tmp_path):
    """The first command starts the resident parent from the repository's
    root; the second is served by it: neither runs the planted modules.
    The console script and ``python -I -m`` (the git filter's door) are
    different installations to it: each gets its own parent."""
    import os
    import signal
    import tempfile
    import time

    plant(repo, _marks(tmp_path), SHADOWED + BEFORE_MAIN)
    runtime = Path(tempfile.mkdtemp(prefix="mlwr-"))  # a socket path fits in ~100 bytes
    env = clean_env(MLWARDEN_RESIDENT="1", XDG_RUNTIME_DIR=str(runtime), MLWARDEN_RESIDENT_IDLE="60")
    env.pop("CI", None)
    sockets = runtime / "mlwarden"
    try:
        for parents, door in enumerate(([console("mlwarden")], [sys.executable, "-I", "-m", "mlwarden"]), start=1):
            first = subprocess.run([*door, "check", "."], cwd=repo, capture_output=True, text=True, env=env, timeout=600)
            assert first.returncode == 1 and "train.py:4:13: MLW101" in first.stdout, first.stderr
            deadline = time.monotonic() + 60
            while len(_resident_answers(sockets)) < parents and time.monotonic() < deadline:
                time.sleep(0.1)
            served = sum(a["served"] for a in _resident_answers(sockets))
            second = subprocess.run([*door, "check", "."], cwd=repo, capture_output=True, text=True, env=env, timeout=600)
            assert (second.returncode, second.stdout) == (first.returncode, first.stdout)
            assert sum(a["served"] for a in _resident_answers(sockets)) == served + 1
        assert ran(_marks(tmp_path)) == []
    finally:
        for answer in _resident_answers(sockets):
            os.kill(answer["pid"], signal.SIGTERM)
        shutil.rmtree(runtime, ignore_errors=True)


def test_python_dash_m_drops_the_working_directory(repo, tmp_path):
    plant(repo, _marks(tmp_path), SHADOWED)
    proc = _run([sys.executable, "-m", "mlwarden", "check", "."], repo)
    assert proc.returncode == 1, proc.stderr
    assert "train.py:4:13: MLW101" in proc.stdout
    assert ran(_marks(tmp_path)) == []


def test_python_isolated_dash_m_runs_nothing(repo, tmp_path):
    plant(repo, _marks(tmp_path), SHADOWED + BEFORE_MAIN)
    proc = _run([sys.executable, "-I", "-m", "mlwarden", "check", "."], repo)
    assert proc.returncode == 1, proc.stderr
    assert "train.py:4:13: MLW101" in proc.stdout
    assert ran(_marks(tmp_path)) == []


def test_flake8_plugin_runs_nothing(repo, tmp_path):
    plant(repo, _marks(tmp_path), SHADOWED + BEFORE_MAIN)
    proc = _run([console("flake8"), "--select", "MLW", "train.py"], repo)
    assert "train.py:4:13: MLW101" in proc.stdout, proc.stdout + proc.stderr
    assert ran(_marks(tmp_path)) == []


def _notebook(outputs: bool) -> str:
    cell = {
        "cell_type": "code", "execution_count": 3 if outputs else None, "id": "c1", "metadata": {},
        "outputs": [{"name": "stdout", "output_type": "stream", "text": ["secret output\n"]}] if outputs else [],
        "source": ["print('hi')"],
    }
    nb = {"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    return json.dumps(nb, indent=1) + "\n"


def _git(*args, cwd):
    proc = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, env=clean_env(), timeout=600)
    assert proc.returncode == 0, proc.stderr
    return proc


@pytest.mark.skipif(shutil.which("git") is None, reason="git is needed")
def test_git_filter_runs_nothing_from_the_repository(repo, tmp_path):
    _git("init", "-q", "-b", "main", cwd=repo)
    _git("config", "user.email", "t@example.com", cwd=repo)
    _git("config", "user.name", "t", cwd=repo)
    proc = _run([console("mlwarden"), "strip", "--install-filter"], repo)
    assert proc.returncode == 0, proc.stderr
    clean = _git("config", "--get", "filter.mlwarden-strip.clean", cwd=repo).stdout
    assert " -I " in clean, clean  # isolated mode: the working directory is never on sys.path
    plant(repo, _marks(tmp_path), SHADOWED + BEFORE_MAIN)
    (repo / "nb.ipynb").write_text(_notebook(outputs=True))
    _git("add", "nb.ipynb", cwd=repo)  # runs the clean filter
    staged = _git("show", ":nb.ipynb", cwd=repo).stdout
    assert "secret output" not in staged and '"outputs": []' in staged  # the filter really ran
    assert "secret output" in (repo / "nb.ipynb").read_text()  # the working copy keeps its outputs
    _git("commit", "-q", "-m", "nb", cwd=repo)
    (repo / "nb.ipynb").write_text(_notebook(outputs=True).replace("print('hi')", "print('bye')"))
    diff = _git("diff", "nb.ipynb", cwd=repo).stdout  # runs the textconv
    assert "print('bye')" in diff and "secret output" not in diff
    assert ran(_marks(tmp_path)) == []


@pytest.mark.slow
def test_precommit_hooks_run_nothing_from_the_repository(tmp_path):
    from precommit_helpers import try_repo

    marks = _marks(tmp_path)
    staging = tmp_path / "plants"
    staging.mkdir()
    plant(staging, marks, SHADOWED + BEFORE_MAIN)
    files = {p.name: p.read_text() for p in staging.iterdir()}
    files["train.py"] = TRAIN
    files["nb.ipynb"] = _notebook(outputs=True)
    proc = try_repo(tmp_path, "mlwarden", files)
    assert proc.returncode == 1 and "MLW101" in proc.stdout, proc.stdout
    proc = try_repo(tmp_path, "mlwarden-strip", {"nb.ipynb": _notebook(outputs=True)})
    assert proc.returncode == 1 and "Fixing nb.ipynb" in proc.stdout, proc.stdout
    assert ran(marks) == []
