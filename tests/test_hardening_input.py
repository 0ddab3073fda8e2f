"""Hostile input: one line and exit 2, never a traceback, a hang or a fix (issue 11).

Each case runs ``check`` and ``check --fix`` (the fix path has the same
guard as ``check``) next to a good file with a fixable finding, which must
still be reported and fixed. Cases that used to hang (a FIFO, ``/dev/zero``)
run in a subprocess with a timeout.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from hardening_helpers import clean_env, console

GOOD = "import yaml\nyaml.load(f)\n"  # MLW106, with a safe fix
FIXED = "import yaml\nyaml.safe_load(f)\n"


@pytest.fixture
def d(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text("[tool.mlwarden]\n")
    (tmp_path / "good.py").write_text(GOOD)
    return tmp_path


def _check_both(run_cli, d: Path, target: str, reason: str):
    """``check`` and ``check --fix`` on ``target`` and good.py: one error line
    naming ``target`` and ``reason``, exit 2, good.py reported then fixed."""
    before = {p: p.read_bytes() for p in d.rglob("*") if p.is_file() and not p.is_symlink() and p.name != "good.py"}
    code, out, err = run_cli("check", "--no-cache", target, "good.py")
    assert "Traceback" not in out + err
    assert code == 2, (out, err)
    assert "good.py:2:1: MLW106" in out
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"{target}") and reason in lines[0], err
    code, out, err = run_cli("check", "--no-cache", "--fix", target, "good.py")
    assert "Traceback" not in out + err
    assert code == 2, (out, err)
    assert "Fixing good.py" in out
    assert (d / "good.py").read_text() == FIXED
    lines = err.splitlines()
    assert len(lines) == 1 and reason in lines[0], err
    after = {p: p.read_bytes() for p in before}
    assert after == before  # nothing else was touched


@pytest.mark.parametrize("cookie", ["undefined", "klingon"])
def test_bad_coding_cookie(d, run_cli, cookie):
    (d / "bad.py").write_text(f"# coding: {cookie}\nimport yaml\nyaml.load(f)\n")
    _check_both(run_cli, d, "bad.py", "cannot decode")


def test_include_symlink_loop(d, run_cli):
    os.symlink("loop.txt", d / "loop.txt")
    (d / "requirements.txt").write_text("-r loop.txt\ntorch==2.6.0\n")
    _check_both(run_cli, d, "requirements.txt", "Too many levels of symbolic links")


def test_two_thousand_chained_includes(d, run_cli):
    inc = d / "inc"
    inc.mkdir()
    for i in range(2000):
        (inc / f"r{i}.txt").write_text(f"-r r{i + 1}.txt\n")
    (inc / "r2000.txt").write_text("torch==2.6.0\n")
    (d / "requirements.txt").write_text("-r inc/r0.txt\n")
    _check_both(run_cli, d, "requirements.txt", "includes nested more than 50 deep")


def test_include_of_dev_zero(d, run_cli):
    (d / "requirements.txt").write_text("-r /dev/zero\n")
    _check_both(run_cli, d, "requirements.txt", "not a regular file (a device)")


def test_include_of_dev_zero_in_a_conda_pip_list(d, run_cli):
    (d / "environment.yml").write_text("name: x\ndependencies:\n  - pip:\n    - -r /dev/zero\n")
    _check_both(run_cli, d, "environment.yml", "not a regular file (a device)")


def test_deeply_nested_toml(d, run_cli):
    (d / "sub").mkdir()
    (d / "sub" / "pyproject.toml").write_text("[project]\ndependencies = " + "[" * 5000 + "]" * 5000 + "\n")
    _check_both(run_cli, d, os.path.join("sub", "pyproject.toml"), "nested too deeply")


@pytest.mark.slow  # a large input: runs in CI and with --run-slow
def test_deeply_nested_yaml(d, run_cli):
    (d / "environment.yml").write_text("dependencies: " + "[" * 20000 + "]" * 20000 + "\n")
    _check_both(run_cli, d, "environment.yml", "nested too deeply")


@pytest.mark.parametrize(
    "name, source, reason",
    [
        ("ret.py", "import yaml\nreturn 1\nyaml.load(f)\n", "'return' outside function"),
        ("nl.py", "import yaml\nnonlocal x\nyaml.load(f)\n", "nonlocal declaration not allowed at module level"),
        ("aw.py", "import yaml\nawait x\nyaml.load(f)\n", "'await' outside function"),
        ("brk.py", "import yaml\nbreak\nyaml.load(f)\n", "'break' outside loop"),
    ],
)
def test_code_that_parses_but_does_not_compile_is_a_parse_error_and_never_fixed(d, run_cli, name, source, reason):
    (d / name).write_text(source)
    _check_both(run_cli, d, name, reason)
    assert (d / name).read_text() == source


def test_top_level_await_in_a_notebook_is_not_an_error(d, run_cli):
    nb = {
        "cells": [{"cell_type": "code", "execution_count": None, "id": "a", "metadata": {}, "outputs": [],
                   "source": ["import yaml\n", "await setup()\n", "yaml.load(f)\n"]}],
        "metadata": {}, "nbformat": 4, "nbformat_minor": 5,
    }
    (d / "nb.ipynb").write_text(json.dumps(nb, indent=1))
    code, out, err = run_cli("check", "--no-cache", "nb.ipynb")
    assert (code, err) == (1, "")
    assert "nb.ipynb:cell 1:3:1: MLW106" in out


def test_strip_notebook_with_a_huge_integer(d, run_cli):
    nb = {"cells": [], "metadata": {"n": 0}, "nbformat": 4, "nbformat_minor": 5}
    text = json.dumps(nb).replace('"n": 0', '"n": ' + "7" * 5000)
    (d / "big.ipynb").write_text(text)
    code, out, err = run_cli("strip", "big.ipynb")
    assert code == 2 and err.startswith("big.ipynb: cannot parse notebook") and err.count("\n") == 1, err
    assert (d / "big.ipynb").read_text() == text
    code, out, err = run_cli("check", "big.ipynb")
    assert code == 2 and "Traceback" not in err


def test_an_unexpected_error_is_one_line_not_a_traceback(run_cli, monkeypatch):
    from mlwarden.commands import rules

    def boom(args):
        raise RuntimeError("something broke\nsecond line")

    monkeypatch.setattr(rules, "run", boom)
    code, out, err = run_cli("rules")
    assert code == 2
    assert err == "mlwarden: internal error (RuntimeError: something broke); please report this (MLWARDEN_DEBUG=1 shows the traceback)\n"


# ---------------------------------------------------------------------------
# special files: never read (a FIFO blocks forever, /dev/zero never ends)


def _cli(args, cwd):
    return subprocess.run([console("mlwarden"), *args], cwd=cwd, capture_output=True, text=True, env=clean_env(), timeout=120)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs")
@pytest.mark.parametrize("fix", [[], ["--fix"]])
def test_fifo_named_py_in_a_walk_and_by_name(d, fix):
    os.mkfifo(d / "f.py")
    for target in (".", "f.py"):
        proc = _cli(["check", *fix, target, "good.py"] if target != "." else ["check", *fix, "."], d)
        assert proc.returncode == 2, proc.stderr
        assert "f.py: skipped: not a regular file (a FIFO)" in proc.stderr
        assert proc.stderr.count("f.py:") == 1, proc.stderr
        assert "Traceback" not in proc.stderr
        (d / "good.py").write_text(GOOD)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs")
def test_include_of_a_fifo(d):
    os.mkfifo(d / "pipe.txt")
    (d / "requirements.txt").write_text("-r pipe.txt\n")
    for fix in ([], ["--fix"]):
        proc = _cli(["check", *fix, "requirements.txt"], d)
        assert proc.returncode == 2
        assert proc.stderr == "requirements.txt:1: cannot read -r target 'pipe.txt': skipped: not a regular file (a FIFO)\n"


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="/dev/zero")
def test_symlink_to_dev_zero(d):
    os.symlink("/dev/zero", d / "zero.py")
    os.symlink("/dev/zero", d / "zero.ipynb")
    for fix in ([], ["--fix"]):
        proc = _cli(["check", *fix, "."], d)
        assert proc.returncode == 2
        assert "zero.py: skipped: not a regular file (a device)" in proc.stderr
        assert "zero.ipynb: skipped: not a regular file (a device)" in proc.stderr
    proc = subprocess.run([console("mlwarden"), "strip", "zero.ipynb"], cwd=d, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and proc.stderr == "zero.ipynb: skipped: not a regular file (a device)\n"
    assert os.path.islink(d / "zero.ipynb")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs")
def test_model_scan_of_a_fifo(d):
    os.mkfifo(d / "model.pkl")
    proc = _cli(["check", "model.pkl"], d)
    assert proc.returncode == 2 and "model.pkl: skipped: not a regular file (a FIFO)" in proc.stderr


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs")
def test_scan_model_of_a_fifo(d):
    os.mkfifo(d / "model.pkl")
    proc = _cli(["scan-model", "model.pkl"], d)
    assert proc.returncode == 2 and proc.stderr == "model.pkl: skipped: not a regular file (a FIFO)\n"


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="/dev/zero")
@pytest.mark.parametrize("option, reason", [("--config", "not a regular file (a device)"), ("--baseline", "cannot read baseline: skipped: not a regular file (a device)")])
def test_config_and_baseline_never_read_a_device(d, option, reason):
    proc = _cli(["check", option, "/dev/zero", "good.py"], d)
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and reason in proc.stderr, proc.stderr


def test_deeply_nested_config(d, run_cli):
    (d / "deep.toml").write_text("[tool.mlwarden]\nx = " + "[" * 5000 + "]" * 5000 + "\n")
    code, out, err = run_cli("check", "--config", "deep.toml", "good.py")
    assert code == 2 and err == "mlwarden: error: deep.toml: invalid TOML: nested too deeply\n"
