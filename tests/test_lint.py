"""The project's own code passes pyflakes (real flake8, ``--select F``):
unused imports, undefined names, dead locals and placeholder-less f-strings
are caught at commit time rather than by a reader. mlwarden's plugin is
hidden from flake8 here (``benchmarks/flake8_without_plugin.py``): this is a
lint of our code, not a scan of it."""

from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import ROOT


@pytest.mark.slow
def test_pyflakes_reports_nothing():
    targets = ["src", "scripts", "tests", *sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "benchmarks").glob("*.py"))]
    proc = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "flake8_without_plugin.py"), "--isolated", "--select", "F", *targets],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode == 0 and proc.stdout == "", proc.stdout
