"""Smoke test of the benchmark script (numbers are never asserted)."""

import subprocess
import sys

import pytest

from conftest import ROOT

SCRIPT = ROOT / "benchmarks" / "run.py"


def test_help():
    proc = subprocess.run([sys.executable, str(SCRIPT), "--help"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0
    assert "--repeat" in proc.stdout and "bandit" in proc.stdout


@pytest.mark.slow  # runs the real tools (bandit, ruff, flake8) through benchmarks/run.py
def test_tiny_corpus_produces_a_table_between_markers(tmp_path):
    corpus = tmp_path / "corpus" / "pkg"
    corpus.mkdir(parents=True)
    (corpus / "a.py").write_text("import pickle\npickle.loads(b)\n")
    (corpus / "b.py").write_text("x = 1\n")
    report = tmp_path / "RESULTS.md"
    report.write_text("# Results\n\nHand-written analysis.\n\n<!-- results:start -->\nold\n<!-- results:end -->\n\nMore notes.\n")
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), "--corpus", str(tmp_path / "corpus"), "--repeat", "2",
         "--only", "mlwarden-1,mlwarden-warm,one-file,read,ast", "--output", str(report)],
        capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    text = report.read_text()
    assert text.startswith("# Results\n\nHand-written analysis.\n\n<!-- results:start -->\n")
    assert text.endswith("<!-- results:end -->\n\nMore notes.\n")
    assert "old" not in text
    rows = [line for line in text.splitlines() if line.startswith("| ")]
    assert rows[0].startswith("| what | files | median s |")
    labels = [row.split(" | ")[0][2:] for row in rows[1:]]
    assert labels == [
        "mlwarden check, 1 process",
        "mlwarden check, warm cache",
        "hook command on 1 file (start-up: no rule applies)",
        "lower bound: read every file + one word regex",
        "lower bound: `ast.parse` of every file",
    ]
    assert "2 alternating repetitions" in text
