"""`mlwarden check fixtures/demo` (the README's first command) reports exactly
the lines marked `# error: MLWnnn` in the demo project, and its text output is
the golden file tests/golden/demo.txt.

Regenerate the golden after an intended change with
`MLWARDEN_UPDATE_GOLDENS=1 python -m pytest tests/test_demo.py` and review the diff."""

from __future__ import annotations

import json
import os

import pytest

from conftest import FIXTURES, ROOT
from mlwarden.core.registry import all_rules
from mlwarden.testing import expected_markers

DEMO = FIXTURES / "demo"
GOLDEN = ROOT / "tests" / "golden"
UPDATE = os.environ.get("MLWARDEN_UPDATE_GOLDENS") == "1"


@pytest.fixture
def at_root(monkeypatch):
    monkeypatch.chdir(ROOT)


def marked():
    """{(path, line, id)} for every marker whose rule exists today."""
    known = {r.id for r in all_rules()}
    out = set()
    for path in sorted(DEMO.rglob("*")):
        if path.is_file() and path.suffix != ".md":
            rel = path.relative_to(ROOT).as_posix()
            out |= {(rel, line, code) for line, code in expected_markers(path.read_text(encoding="utf-8")) if code in known}
    return out


def test_demo_findings_match_markers(at_root, run_cli):
    # markers mark every finding; the default run (medium and above) is the golden below
    code, out, err = run_cli("check", "--format", "json", "--severity", "low", "fixtures/demo")
    assert err == ""
    doc = json.loads(out)
    found = {(f["path"], f["line"], f["rule_id"]) for f in doc["findings"]}
    expected = marked()
    assert found == expected, f"missing: {sorted(expected - found)}\nunexpected: {sorted(found - expected)}"
    assert code == 1
    # the demo covers every lifecycle stage it claims to
    families = {rule_id[:4] for _, _, rule_id in found}
    assert {"MLW1", "MLW2", "MLW3", "MLW4", "MLW7"} <= families


def test_demo_text_golden(at_root, run_cli):
    code, out, err = run_cli("check", "fixtures/demo")
    golden = GOLDEN / "demo.txt"
    if UPDATE:
        golden.write_text(out, encoding="utf-8")
    assert golden.exists(), "run with MLWARDEN_UPDATE_GOLDENS=1 to create tests/golden/demo.txt"
    assert out == golden.read_text(encoding="utf-8"), "demo output changed: MLWARDEN_UPDATE_GOLDENS=1 and review the diff"


def demo_token() -> str:
    return next(
        word.strip('"')
        for line in (DEMO / "train.py").read_text().splitlines()
        if line.startswith("HF_TOKEN =")
        for word in line.split()
        if word.startswith('"hf_')
    )


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github"])
def test_demo_never_prints_the_fake_token(at_root, run_cli, fmt):
    token = demo_token()
    _, out, _ = run_cli("check", "--format", fmt, "fixtures/demo")
    assert token not in out
    assert token[5:] not in out


def test_golden_files_hold_no_fixture_secret():
    token = demo_token()
    for golden in GOLDEN.rglob("*"):
        if golden.is_file():
            assert token[3:].encode() not in golden.read_bytes(), golden.name
