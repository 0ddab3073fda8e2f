"""Smoke test of benchmarks/lsp_latency.py (numbers are never asserted)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "benchmarks" / "lsp_latency.py"


@pytest.mark.slow
def test_tiny_run_writes_its_own_section(tmp_path):
    report = tmp_path / "RESULTS.md"
    report.write_text("# Benchmark results\n\nThe engine's part, kept as is.\n")
    command = [sys.executable, "-I", str(SCRIPT), "--edits", "2", "--warmup", "0", "--lines", "120", "--cells", "6", "--settle", "0", "--output", str(report)]
    for _ in range(2):  # the second run replaces the section instead of adding one
        proc = subprocess.run(command, capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, proc.stderr
    text = report.read_text()
    assert text.startswith("# Benchmark results\n\nThe engine's part, kept as is.\n")
    assert text.count("## Language server latency") == 1 and text.count("<!-- lsp-latency:start -->") == 1
    rows = [line for line in text.splitlines() if line.startswith(("| train.py", "| train_loop.py", "| finetune.ipynb"))]
    assert len(rows) == 3 and all(line.count(" ms") >= 4 for line in rows)
    assert "typing in a flagged function" in rows[1]
