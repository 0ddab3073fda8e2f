"""Python's warnings about the checked code (``"is" with a literal`` from
compiling it, invalid escape sequences from parsing it on 3.12+) are not
printed: they named no file (``<mlwarden>:3: SyntaxWarning``) and repeat on
every file of a large repository."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

# compiled because a rule fires in it: the compiler warns about line 3
CODE = 'import pickle\nx = 1\nif x is 1:\n    y = "\\d"\n    pickle.loads(b"")\n'


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=cwd, capture_output=True, text=True, timeout=120)


def project(tmp_path: Path, files: int) -> Path:
    for i in range(files):
        (tmp_path / f"m{i}.py").write_text(CODE)
    return tmp_path


def test_the_sample_makes_python_warn(tmp_path):
    # the test can fail: compiling the sample warns in a fresh interpreter
    done = run("-c", f"compile({CODE!r}, 'x.py', 'exec')", cwd=tmp_path)
    assert "SyntaxWarning" in done.stderr


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_cli_prints_no_warning_about_the_checked_code(tmp_path, jobs):
    project(tmp_path, 4)
    done = run("-m", "mlwarden", "check", "--no-cache", "--jobs", jobs, ".", cwd=tmp_path)
    assert done.returncode == 1
    assert done.stdout.count("MLW101") == 4
    assert "Warning" not in done.stderr, done.stderr


def test_flake8_plugin_prints_no_warning_about_the_checked_code(tmp_path):
    pytest.importorskip("flake8")
    (tmp_path / "m.py").write_text(CODE.replace('"\\d"', '"d"'))  # flake8's own parse warns about escapes on 3.12+
    done = run("-m", "flake8", "--isolated", "--select", "MLW", "m.py", cwd=tmp_path)
    assert "MLW101" in done.stdout
    assert "Warning" not in done.stderr, done.stderr
