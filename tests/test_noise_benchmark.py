"""benchmarks/noise.py: the tables and the sampled precision it computes
(on made-up results; the real corpus is downloaded by hand, never in tests)."""

import importlib.util
import json
import subprocess
import sys

import pytest

from conftest import ROOT

SCRIPT = ROOT / "benchmarks" / "noise.py"


@pytest.fixture
def noise(tmp_path, monkeypatch):
    spec = importlib.util.spec_from_file_location("noise_bench", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "RESULTS", tmp_path / "results")
    monkeypatch.setattr(module, "LABELS", tmp_path / "labels.tsv")
    monkeypatch.setattr(module, "REPORT", tmp_path / "NOISE.md")
    (tmp_path / "results").mkdir()
    return module


def _finding(rule, severity, line, path="a.py"):
    return {"rule_id": rule, "severity": severity, "path": path, "line": line, "col": 1, "cell": None, "message": "m"}


def _write(noise, label, default, findings, lines=20000):
    doc = {"label": label, "default_severity": default, "projects": {"p-1.0": {"lines": lines, "findings": findings}}}
    (noise.RESULTS / f"{label}.json").write_text(json.dumps(doc))


def test_help():
    proc = subprocess.run([sys.executable, str(SCRIPT), "--help"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and "fetch" in proc.stdout and "sample" in proc.stdout


def test_report_counts_default_runs_per_version_and_precision(noise):
    before = [_finding("MLW202", "medium", n) for n in range(1, 9)] + [_finding("MLW101", "high", 20)]
    # after: the same findings, most of them lowered (a default run of this version hides low)
    after = [_finding("MLW202", "low", n) for n in range(1, 8)] + [_finding("MLW202", "medium", 8), _finding("MLW101", "high", 20)]
    _write(noise, "before", "low", before)
    _write(noise, "after", "medium", after)
    noise.write_labels([
        {"id": 1, "label": "before", "project": "p-1.0", "location": "a.py:1:1", "rule": "MLW202", "severity": "medium", "verdict": "false", "reason": "test"},
        {"id": 2, "label": "before", "project": "p-1.0", "location": "a.py:20:1", "rule": "MLW101", "severity": "high", "verdict": "true", "reason": "x"},
        {"id": 3, "label": "after", "project": "p-1.0", "location": "a.py:8:1", "rule": "MLW202", "severity": "medium", "verdict": "acceptable", "reason": "y"},
    ])
    table = noise.render(["before", "after"])
    assert "| p-1.0 | 20,000 | 9 | 9 | 9 | 2 | 4.50 | 1.00 |" in table
    assert "Default-run findings, before -> after: 9 -> 2 (4.5x fewer)" in table
    assert "| MLW202 | 4.00 | 4.00 | 4.00 | 0.50 |" in table
    # a label counts in every default run that shows its finding: label 1 only before
    assert "| before default run | 3 | 1 | 1 | 1 | 66.7% |" in table
    assert "| after default run | 2 | 1 | 1 | 0 | 100.0% |" in table


def test_sample_adds_unlabelled_default_findings_once(noise):
    _write(noise, "after", "medium", [_finding("MLW202", "low", 1), _finding("MLW102", "high", 2), _finding("MLW201", "medium", 3)])
    noise.sample("after", 5, seed=1)
    rows = noise.read_labels()
    assert sorted(r["rule"] for r in rows) == ["MLW102", "MLW201"]  # the low finding is not in a default run
    noise.sample("after", 5, seed=2)
    assert len(noise.read_labels()) == 2


def test_report_keeps_the_hand_written_text(noise):
    _write(noise, "after", "medium", [_finding("MLW102", "high", 2)])
    noise.REPORT.write_text(f"# Noise\n\nanalysis\n\n{noise.START}\nold\n{noise.END}\n\nmore\n")
    noise.write_report(noise.render(["after"]))
    text = noise.REPORT.read_text()
    assert text.startswith("# Noise\n\nanalysis\n\n<!-- noise:start -->\n| project |") and text.endswith("<!-- noise:end -->\n\nmore\n")
    assert "old" not in text
