"""Held-out set 13's reader (benchmarks/secrets_heldout13.py), on a small tree
written here in KICS's query-test layout (the held-out files are other
projects' data and are never committed)."""

from __future__ import annotations

import random
import string
from pathlib import Path

import pytest
from test_secrets_heldout2 import _load  # loads sets 1 and 2's readers (not benchmarks/ on sys.path)

RNG = random.Random(1313)
for _name in ("secrets_heldout3", "secrets_heldout5", "secrets_heldout6", "secrets_heldout7", "secrets_heldout8",
              "secrets_heldout9", "secrets_heldout10", "secrets_heldout11", "secrets_heldout12"):
    _load(_name)
heldout13 = _load("secrets_heldout13")


def rand(n: int) -> str:
    return "".join(RNG.choice(string.ascii_letters + string.digits) for _ in range(n))


PW, TOK, LIT = rand(14), rand(30), rand(12)


def _tree(tmp_path: Path, monkeypatch, positives: dict, files: dict) -> Path:
    root = tmp_path / "secrets-heldout13"
    (root / "kics").mkdir(parents=True)
    (root / "SOURCES.txt").write_text("own test tree\n")
    for name, text in files.items():
        (root / "kics" / name).write_text(text)
    monkeypatch.setattr(heldout13, "KICS13", positives)
    monkeypatch.setattr(heldout13, "EXCLUDED13", {("positive2.tf", 3): "not claimed"})
    return root


def _by_key(samples):
    return {s["rule"]: s for s in samples}


def test_positive_lines_markers_pairs_and_lookalikes(tmp_path, monkeypatch):
    files = {
        "positive1.yaml": f'# "Generic Password" - id  positive-test\nconfig:\n  password: "{PW}"  # positive1\n'
                          f'  secret_name: "{LIT}"\n  auth_kind: serviceaccount\n  # token: commented\n',
        "positive2.tf": f'resource "x" "y" {{\n  token = "{TOK}"\n  other = "https://hook.example.invalid/{rand(20)}"\n}}\n',
        "positive3.yaml": f'# "Env" - id  positive-test\nenv:\n  - name: DB_PASS\n    value: "{PW}x"   #1 & #2\n'
                          '  - name: DB_TOKEN_REF\n    value: "{{ DB_TOKEN }}"\n',
        "negative1.tf": 'provider "p" {\n  token = var.p_token\n  password = ""\n  region = "us-east-1"\n'
                        '  url = "https://api.example.invalid/"\n}\n',
    }
    positives = {"positive1.yaml": ((3, 3, "generic"),), "positive2.tf": ((2, 2, "generic"),),
                 "positive3.yaml": ((3, 4, "generic"),)}
    got = _by_key(heldout13.heldout13_samples(_tree(tmp_path, monkeypatch, positives, files), tmp_path))
    # the marked line, its marker removed
    assert got["kics/positive1.yaml:3"]["text"] == f'password: "{PW}"'
    assert got["kics/positive1.yaml:3"]["secret"] is True
    # a positive file with a positive-test header: unlisted credential names are look-alikes ...
    assert got["kics/positive1.yaml:4"]["secret"] is False
    assert got["kics/positive1.yaml:5"]["secret"] is False
    # ... but a literal under a secret name is disputed (a credential by name)
    assert got["kics/positive1.yaml:4"]["alt"] is True
    assert got["kics/positive1.yaml:5"]["alt"] is None
    assert "kics/positive1.yaml:6" not in got  # a comment line
    # a positive file without the header contributes only its listed lines; the excluded line is not sampled
    assert got["kics/positive2.tf:2"]["secret"] is True
    assert "kics/positive2.tf:3" not in got
    # a name + value pair is one sample of two lines
    assert got["kics/positive3.yaml:3"]["text"] == f'- name: DB_PASS\n  value: "{PW}x"'
    assert got["kics/positive3.yaml:6"]["text"] == '- name: DB_TOKEN_REF\n  value: "{{ DB_TOKEN }}"'
    assert got["kics/positive3.yaml:6"]["secret"] is False
    # negative files: credential names and URLs, empty values included, other lines not
    assert {k for k in got if k.startswith("kics/negative1")} == {
        "kics/negative1.tf:2", "kics/negative1.tf:3", "kics/negative1.tf:5"}
    assert all(not got[k]["secret"] for k in got if k.startswith("kics/negative"))


def test_disputed_rules(tmp_path, monkeypatch):
    files = {
        "positive1.tf": "\n".join([
            f'a = "{TOK}"',
            'b = "abcdefghijklmnop"',
            'c = var.some_password',
            "d: '{{resolve:secretsmanager:/x/y:SecretString:password}}'",
            'e = "wJalrXUtnFEMI/K7MDENG/bPxRfiCY' + rand(10) + '"',
            "f: SK" + "".join(RNG.choice("0123456789abcdef") for _ in range(32)),
        ]) + "\n",
    }
    positives = {"positive1.tf": tuple((n, n, "generic") for n in range(1, 7))}
    got = _by_key(heldout13.heldout13_samples(_tree(tmp_path, monkeypatch, positives, files), tmp_path))
    assert got["kics/positive1.tf:1"]["alt"] is None
    assert got["kics/positive1.tf:2"]["why"].startswith("a synthetic placeholder")
    assert got["kics/positive1.tf:3"]["why"].startswith("no credential value")
    assert got["kics/positive1.tf:4"]["why"].startswith("no credential value")
    assert got["kics/positive1.tf:5"]["why"].startswith("AWS's documented example")
    assert got["kics/positive1.tf:6"]["why"].startswith("an identifier")
    assert all(got[f"kics/positive1.tf:{n}"]["alt"] is False for n in range(2, 7))


def test_repeats_and_values_beyond_three(tmp_path, monkeypatch):
    lines = [f'password: "{PW}"', f'password = "{PW}"', f'pw_password = "{PW}"', f'db_password = "{PW}"',
             f'password: "{PW}"']
    files = {"positive1.yaml": "\n".join(lines) + "\n"}
    positives = {"positive1.yaml": tuple((n, n, "generic") for n in range(1, 6))}
    got = heldout13.heldout13_samples(_tree(tmp_path, monkeypatch, positives, files), tmp_path)
    assert [s["rule"] for s in got] == ["kics/positive1.yaml:1", "kics/positive1.yaml:2", "kics/positive1.yaml:3"]


def test_missing_sources_says_so(tmp_path):
    with pytest.raises(SystemExit, match="SOURCES.txt"):
        heldout13.heldout13_samples(tmp_path / "nothing", tmp_path)
