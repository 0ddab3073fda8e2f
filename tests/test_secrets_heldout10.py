"""Held-out set 10's reader (benchmarks/secrets_heldout10.py), on a small tree
built here in sonar-text's layout (the held-out files are another project's
data and are never committed)."""

from __future__ import annotations

import random
import string
from pathlib import Path

import pytest
from test_secrets_heldout2 import _load  # loads sets 1 and 2's readers (not benchmarks/ on sys.path)

RNG = random.Random(1010)
_load("secrets_heldout3")
_load("secrets_heldout5")
_load("secrets_heldout6")
_load("secrets_heldout7")
_load("secrets_heldout8")
_load("secrets_heldout9")
heldout10 = _load("secrets_heldout10")


def rand(n: int) -> str:
    return "".join(RNG.choice(string.ascii_letters + string.digits) for _ in range(n))


TOK, NAMED = rand(30), rand(28)

RULES = f"""provider:
  metadata:
    name: Demo
  rules:
    - id: demo-token
      detection:
        matching:
          pattern: "\\\\b(dm_[a-zA-Z_\\-0-9]{{30}})\\\\b"
      examples:
        - text: |
            demo = "dm_{TOK}"
          containsSecret: true
          match: dm_{TOK}
        - text: |
            demo = "dm_{TOK}"
            // the doc page
          fileName: docs/Doc.md
          containsSecret: false
        - text: |
            KEY = "dm_{TOK}"
          containsSecret: false
        - text: |
            demo = "dm_abcdefghijklmnopqrstuvwxyz0123"
          containsSecret: true
        - text: |
            conn = "mongodb://airflow:airflow@db/x"
          containsSecret: true
        - text: |
            demo_token = "{NAMED}"
          containsSecret: false
        - text: |
            demo = env("DEMO")
          match: false
    - id: demo-host
      examples:
        - text: api.demo.example
          containsSecret: true
"""


@pytest.fixture
def tree(tmp_path: Path, monkeypatch) -> Path:
    root = tmp_path / "secrets-heldout10"
    (root / "sonar").mkdir(parents=True)
    (root / "SOURCES.txt").write_text("# test tree\n")
    monkeypatch.setattr(heldout10, "SONAR10", {("demo.yaml", "demo-token"): "demo", ("demo.yaml", "demo-host"): None})
    (root / "sonar" / "demo.yaml").write_text(RULES)
    return root


def _by_text(samples):
    return {s["text"].strip(): s for s in samples}


def test_labels_classes_and_dropped_samples(tree: Path, tmp_path: Path):
    samples = _by_text(heldout10.heldout10_samples(tree, tmp_path / "no-corpus"))
    assert samples[f'demo = "dm_{TOK}"']["secret"] is True
    assert samples[f'demo = "dm_{TOK}"']["class"] == "demo"
    assert samples['demo = env("DEMO")']["secret"] is False  # `match: false` without containsSecret
    assert "api.demo.example" not in samples  # a rule mapped to None is not counted
    assert not any("the doc page" in t for t in samples)  # a documentation fileName: dropped


def test_disputed_labels_follow_the_written_rules(tree: Path, tmp_path: Path):
    samples = _by_text(heldout10.heldout10_samples(tree, tmp_path / "no-corpus"))
    assert samples['demo = "dm_abcdefghijklmnopqrstuvwxyz0123"']["alt"] is False  # sequential
    assert samples['conn = "mongodb://airflow:airflow@db/x"']["alt"] is False  # user name as its password
    assert samples[f'KEY = "dm_{TOK}"']["alt"] is True  # a value another example labels a secret
    assert samples[f'demo_token = "{NAMED}"']["alt"] is True  # a credential by name
    assert samples[f'demo = "dm_{TOK}"']["alt"] is None
    assert samples['demo = env("DEMO")']["alt"] is None


def test_a_pattern_escape_python_rejects_is_read(tree: Path, tmp_path: Path):
    # sonar's pypi.yaml holds `\\-` in a double-quoted pattern: Python's YAML parser refuses it
    assert "_\\-0-9" in (tree / "sonar" / "demo.yaml").read_text()
    assert len(heldout10.heldout10_samples(tree, tmp_path / "no-corpus")) == 6


def test_a_missing_sources_file_is_refused(tree: Path, tmp_path: Path):
    (tree / "SOURCES.txt").unlink()
    with pytest.raises(SystemExit, match="SOURCES.txt"):
        heldout10.heldout10_samples(tree, tmp_path / "no-corpus")
