"""`mlwarden baseline` and `mlwarden check --baseline`: adopt, add a finding,
move an old one; only the new one fails. Fingerprints have no line numbers,
are count-aware, cover every finding kind and never hold a secret."""

from __future__ import annotations

import json
import random
import string

import pytest

RNG = random.Random(7)
TOKEN = "hf_" + "".join(RNG.choice(string.ascii_letters) for _ in range(34))
OLD = 'import torch\n\nstate = torch.load("old.pt")\n'


@pytest.fixture
def repo(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "train.py").write_text(OLD)
    (tmp_path / ".env").write_text(f"HF_TOKEN={TOKEN}\n")
    (tmp_path / "requirements.txt").write_text("torch\n")
    return tmp_path


def test_adopt_then_only_new_findings_fail(repo, run_cli):
    code, out, err = run_cli("check", "--isolated", ".")
    assert code == 1
    before = {line.split(": ")[1].split()[0] for line in out.splitlines() if ": MLW" in line}
    assert {"MLW102", "MLW401"} <= before

    code, out, err = run_cli("baseline", "--isolated", ".")
    assert code == 0, err
    assert out.startswith("Wrote ")
    doc = json.loads((repo / ".mlwarden-baseline.json").read_text())
    assert doc["version"] == 1
    entries = {(e["rule"], e["path"]) for e in doc["findings"]}
    assert ("MLW102", "train.py") in entries and ("MLW401", ".env") in entries
    assert TOKEN not in (repo / ".mlwarden-baseline.json").read_text()
    assert all("line" not in e for e in doc["findings"])

    code, out, err = run_cli("check", "--isolated", "--baseline", ".mlwarden-baseline.json", ".")
    assert (code, err) == (0, ""), out
    assert out.startswith("No findings")

    # move the old finding (lines added above, re-indented) and add a new one
    (repo / "train.py").write_text(
        "# a new header\nimport os\nimport torch\n\n\ndef load():\n    state = torch.load(\"old.pt\")\n    return state\n\n"
        'extra = torch.load("new.pt")\n'
    )
    code, out, err = run_cli("check", "--isolated", "--baseline", ".mlwarden-baseline.json", ".")
    assert code == 1
    assert [line.split(": MLW")[0] for line in out.splitlines() if ": MLW" in line] == ["train.py:10:9"]


def test_count_aware(repo, run_cli):
    run_cli("baseline", "--isolated", "--select", "MLW102", ".")
    (repo / "train.py").write_text(OLD + 'state = torch.load("old.pt")\n')  # the same snippet twice
    code, out, err = run_cli("check", "--isolated", "--select", "MLW102", "--baseline", ".mlwarden-baseline.json", ".")
    assert code == 1
    assert [line.split(": MLW")[0] for line in out.splitlines() if ": MLW" in line] == ["train.py:4:9"]


def test_new_secret_is_new_and_changed_secret_is_new(repo, run_cli):
    run_cli("baseline", "--isolated", ".")
    other = "hf_" + "".join(RNG.choice(string.ascii_letters) for _ in range(34))
    (repo / ".env").write_text(f"# moved down\n\nHF_TOKEN={TOKEN}\nHF_OTHER={other}\n")
    code, out, err = run_cli("check", "--isolated", "--baseline", ".mlwarden-baseline.json", ".")
    assert code == 1
    assert [line.split(": MLW")[0] for line in out.splitlines() if ": MLW" in line] == [".env:4:10"]
    assert TOKEN not in out and other not in out


def test_baseline_relative_to_its_own_directory(repo, run_cli, monkeypatch):
    run_cli("baseline", "--isolated", ".")
    sub = repo / "sub"
    sub.mkdir()
    monkeypatch.chdir(sub)
    code, out, err = run_cli("check", "--isolated", "--baseline", "../.mlwarden-baseline.json", "..")
    assert (code, err) == (0, ""), out


def test_all_finding_kinds_fingerprinted(repo):
    """Findings without a snippet hash (file rules) fall back to the flagged line's text."""
    from mlwarden.commands.check import check_paths
    from mlwarden.core.baseline import build
    from mlwarden.core.config import Config

    results, _ = check_paths(["."], Config())
    doc = build(results, repo)
    rules = {e["rule"] for e in doc["findings"]}
    assert {"MLW102", "MLW401"} <= rules
    assert all(len(e["hash"]) == 64 for e in doc["findings"])


@pytest.mark.parametrize(
    "content,reason",
    [
        (None, "baseline file not found"),
        ("{not json", "invalid baseline: not JSON"),
        ('{"version": 1}', 'invalid baseline: expected an object with a "findings" list'),
        ('{"version": 99, "findings": []}', "unsupported baseline version 99"),
        ('{"version": 1, "findings": [{"rule": "MLW102"}]}', "invalid baseline: entry 1 needs"),
    ],
)
def test_bad_baseline_is_one_line_exit_2(repo, run_cli, content, reason):
    if content is not None:
        (repo / "b.json").write_text(content)
    code, out, err = run_cli("check", "--isolated", "--baseline", "b.json", ".")
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("b.json: ") and reason in err
    assert "Traceback" not in err
