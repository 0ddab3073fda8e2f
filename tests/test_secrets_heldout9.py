"""Held-out set 9's reader (benchmarks/secrets_heldout9.py), on a small tree
built here in Titus's and ripsecrets's layouts (the held-out files are other
projects' data and are never committed)."""

from __future__ import annotations

import base64
import json
import random
import string
from pathlib import Path

import pytest
from test_secrets_heldout2 import _load  # loads sets 1 and 2's readers (not benchmarks/ on sys.path)

RNG = random.Random(99)
_load("secrets_heldout3")
_load("secrets_heldout5")
_load("secrets_heldout6")
_load("secrets_heldout7")
_load("secrets_heldout8")
heldout9 = _load("secrets_heldout9")


def rand(n: int) -> str:
    return "".join(RNG.choice(string.ascii_letters + string.digits) for _ in range(n))


TOK, OTHER, NAMED, LINE = rand(30), rand(24), rand(28), rand(26)

RULES = f"""rules:
- name: Demo Token
  id: demo.1
  pattern: '\\b(dm_[A-Za-z0-9]{{30}})\\b'
  examples:
  - 'DEMO=dm_{TOK}'
  - 'DEMO=dm_abcdefghijklmnopqrstuvwxyz0123'
  - 'DEMO=dm_{OTHER[:10]}EXAMPLE{OTHER[10:]}'
  negative_examples:
  - 'DEMO=dm_short'
  - 'ot_{OTHER}'
  - 'demo_token = "{NAMED}"'
  - 'DEMO2=dm2_{LINE}'
- name: Other Token
  id: demo.2
  pattern: '\\b(ot_[A-Za-z0-9]{{24}})\\b'
  examples:
  - 'DEMO2=dm2_{LINE}'
- name: Demo Host
  id: demo.host
  pattern: '[a-z]+\\.demo\\.example'
  examples:
  - 'api.demo.example'
"""

_DOE = base64.urlsafe_b64encode(json.dumps({"sub": "1", "name": "John Doe"}).encode()).decode().rstrip("=")


@pytest.fixture
def tree(tmp_path: Path, monkeypatch) -> Path:
    root = tmp_path / "secrets-heldout9"
    (root / "titus").mkdir(parents=True)
    test = root / "ripsecrets" / "test"
    (test / "one_per_line").mkdir(parents=True)
    (test / "one").mkdir()
    (root / "SOURCES.txt").write_text("# test tree\n")
    monkeypatch.setattr(heldout9, "TITUS9", {"demo.1": "demo", "demo.2": "other", "demo.host": None})
    monkeypatch.setattr(heldout9, "RIPSECRETS9", {"one_per_line/demo": "demo", "one/key": "private-key", "none": None})
    (root / "titus" / "demo.yml").write_text(RULES)
    (test / "one_per_line" / "demo").write_text(f"dm_{TOK[::-1]}\n\nx = 'dm_{LINE}'\neyJhbGciOiJub25lIn0.{_DOE}.{rand(43)}\n")
    (test / "one" / "key").write_text(f"K = '''\n-----BEGIN RSA PRIVATE KEY-----\n{rand(64)}\n-----END RSA PRIVATE KEY-----\n'''")
    (test / "none").write_text(f"password = 'ab'\npostgresql://u:{rand(20)}@h/db // secret is in .secretsignore\n"
                               f"ACCESS_TOKEN_URL = TOKEN_EXCHANGE_URL\n")
    return root


def _by_text(samples):
    return {s["text"]: s for s in samples}


def test_examples_are_secrets_and_negatives_look_alikes(tree: Path, tmp_path: Path):
    samples = _by_text(heldout9.heldout9_samples(tree, tmp_path / "no-corpus"))
    assert samples[f"DEMO=dm_{TOK}"]["secret"] is True
    assert samples["DEMO=dm_short"]["secret"] is False
    assert samples[f"DEMO=dm_{TOK}"]["class"] == "demo"
    assert "api.demo.example" not in samples  # a rule mapped to None is not counted
    # a negative of demo.1 that demo.2 lists as an example is a secret (kept once)
    assert samples[f"DEMO2=dm2_{LINE}"]["secret"] is True


def test_ripsecrets_lines_files_and_none(tree: Path, tmp_path: Path):
    samples = _by_text(heldout9.heldout9_samples(tree, tmp_path / "no-corpus"))
    assert samples[f"dm_{TOK[::-1]}"]["secret"] is True  # one per line
    assert "" not in samples  # blank lines are no sample
    key = next(t for t in samples if "BEGIN RSA PRIVATE KEY" in t)
    assert samples[key]["secret"] is True and samples[key]["class"] == "private-key"  # one per file
    assert samples["ACCESS_TOKEN_URL = TOKEN_EXCHANGE_URL"]["secret"] is False
    assert samples["ACCESS_TOKEN_URL = TOKEN_EXCHANGE_URL"]["class"] == "generic"
    url = next(t for t in samples if t.startswith("postgresql://"))
    assert samples[url]["class"] == "basic-auth"


def test_disputed_labels_follow_the_written_rules(tree: Path, tmp_path: Path):
    samples = _by_text(heldout9.heldout9_samples(tree, tmp_path / "no-corpus"))
    assert samples["DEMO=dm_abcdefghijklmnopqrstuvwxyz0123"]["alt"] is False  # sequential
    assert samples[f"DEMO=dm_{OTHER[:10]}EXAMPLE{OTHER[10:]}"]["alt"] is False  # a marker word
    assert samples[f"ot_{OTHER}"]["alt"] is True  # another rule of the file matches it
    assert samples[f'demo_token = "{NAMED}"']["alt"] is True  # a credential by name
    url = next(t for t in samples if t.startswith("postgresql://"))
    assert samples[url]["alt"] is True  # ignored only by the source's own configuration
    doe = next(t for t in samples if t.startswith("eyJ"))
    assert samples[doe]["alt"] is False  # jwt.io's John Doe token
    assert samples[f"DEMO=dm_{TOK}"]["alt"] is None
    assert samples["DEMO=dm_short"]["alt"] is None


@pytest.mark.parametrize("value, expected", [
    ("1a2b3c4d5e6f7a8b", True), ("a1b2c3d4e5f6a7b8", True), ("q" * 16, True), ("AbCdEfGhIjKlMn", True),
    ("Zq7" * 6, True), ("ubuntu:latest_build_x9", False), ("contestWinner8Q2rT5vX", False),
    ("mK3vQ9xR2nL7wP4tY8zB", False),
])
def test_placeholder_value(value: str, expected: bool):
    assert heldout9._placeholder_value(value) is expected


def test_a_missing_sources_file_is_refused(tree: Path, tmp_path: Path):
    (tree / "SOURCES.txt").unlink()
    with pytest.raises(SystemExit, match="SOURCES.txt"):
        heldout9.heldout9_samples(tree, tmp_path / "no-corpus")
