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


def test_fresh8_projects_unpack_into_their_own_folder(noise):
    """The third unseen set lives in its own gitignored folder, the others in
    the shared one; ``show`` and ``run`` find each through ``project_dir``."""
    name, version, _ = noise.FRESH8[0]
    assert noise.project_dir(name, version) == noise.CORPUS / "fresh8" / f"{name}-{version}"
    other, other_version, _ = noise.FRESH2[0]
    assert noise.project_dir(other, other_version) == noise.UNPACKED / f"{other}-{other_version}"
    assert noise.SETS["fresh8"] is noise.FRESH8
    used = {p[0] for s in ("corpus", "fresh", "fresh2") for p in noise.SETS[s]}
    assert not used & {p[0] for p in noise.FRESH8}


def test_fresh8_labels_cover_every_row_with_a_verdict_and_a_reason():
    import csv

    with open(SCRIPT.parent / "noise_labels_fresh8.tsv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    assert rows and all(r["verdict"] in ("true", "acceptable", "false") and r["reason"].strip() for r in rows)
    assert [int(r["id"]) for r in rows] == list(range(1, len(rows) + 1))


def test_compare_reports_moves_gains_losses_and_labels(noise, tmp_path, monkeypatch):
    monkeypatch.setattr(noise, "HERE", tmp_path)
    before = [_finding("MLW202", "medium", 1), _finding("MLW102", "medium", 2), _finding("MLW101", "high", 3)]
    after = [_finding("MLW202", "low", 1), _finding("MLW102", "medium", 2), _finding("MLW105", "high", 4)]
    _write(noise, "b", "medium", before)
    _write(noise, "a", "medium", after)
    (tmp_path / "noise_labels_x.tsv").write_text(
        "id\tproject\tlocation\trule\tseverity\tverdict\treason\n1\tp-1.0\ta.py:1:1\tMLW202\tmedium\tacceptable\ta tokenizer\n"
    )
    text = noise.compare("b", "a")
    assert "default b -> a: 3 -> 2; every severity: 3 -> 3" in text
    assert "MLW202 default 1 -> 0" in text and "MLW102 default" not in text
    assert "GONE ('p-1.0', 'MLW101', 'a.py', 3, 1, None, None)" in text
    assert "NEW ('p-1.0', 'MLW105', 'a.py', 4, 1, None, None) high" in text
    assert "medium -> low: p-1.0 a.py:1:1 MLW202 [acceptable] a tokenizer" in text
