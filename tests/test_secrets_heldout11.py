"""Held-out set 11's reader (benchmarks/secrets_heldout11.py), on a small tree
of Go table tests written here in Veles's layout (the held-out files are
another project's data and are never committed)."""

from __future__ import annotations

import random
import string
from pathlib import Path

import pytest
from test_secrets_heldout2 import _load  # loads sets 1 and 2's readers (not benchmarks/ on sys.path)

RNG = random.Random(1111)
_load("secrets_heldout3")
_load("secrets_heldout5")
_load("secrets_heldout6")
_load("secrets_heldout7")
_load("secrets_heldout8")
_load("secrets_heldout9")
_load("secrets_heldout10")
heldout11 = _load("secrets_heldout11")


def rand(n: int) -> str:
    return "".join(RNG.choice(string.ascii_letters + string.digits) for _ in range(n))


TOK, OTHER, NAMED = "dm_" + rand(36), "dm_" + rand(36), rand(32)

GO = f"""package demo_test

const (
\tdemoKey   = `{TOK}`
\tdemoOther = "{OTHER[:20]}" +
\t\t"{OTHER[20:]}"
)

func TestDetectorAcceptance(t *testing.T) {{
\tcases := []struct {{
\t\tname string
\t\tkey  string
\t}}{{
\t\t{{
\t\t\tname: "raw",
\t\t\tkey:  demoKey,
\t\t}},
\t}}
}}

func TestDetector_truePositives(t *testing.T) {{
\tcases := []struct {{
\t\tname  string
\t\tinput string
\t\twant  []veles.Secret
\t}}{{{{
\t\tname:  "in config",
\t\tinput: `DEMO_KEY="` + demoKey + `"`,
\t\twant: []veles.Secret{{
\t\t\tdemo.Key{{Key: demoKey}},
\t\t}},
\t}}, {{
\t\tname: "larger input",
\t\tinput: fmt.Sprintf(`
:demo_key: %s
\t\t`, demoOther),
\t\twant: []veles.Secret{{
\t\t\tdemo.Key{{Key: demoOther}},
\t\t}},
\t}}, {{
\t\tname:  "bad checksum",
\t\tinput: demoKey[:len(demoKey)-1] + "a",
\t\twant:  []veles.Secret{{}},
\t}}, {{
\t\tname:  "placeholder",
\t\tinput: "dm_abcdefghijklmnopqrstuvwxyz0123456789",
\t\twant: []veles.Secret{{
\t\t\tdemo.Key{{Key: "x"}},
\t\t}},
\t}}, {{
\t\tname:  "twice",
\t\tinput: demoKey + demoKey,
\t\twant: []veles.Secret{{
\t\t\tdemo.Key{{Key: demoKey}},
\t\t}},
\t}}, {{
\t\tname:  "unknown call",
\t\tinput: base64.Encode(demoKey),
\t\twant: []veles.Secret{{
\t\t\tdemo.Key{{Key: demoKey}},
\t\t}},
\t}}}}
}}

func TestDetector_trueNegatives(t *testing.T) {{
\tcases := []struct {{
\t\tname  string
\t\tinput string
\t}}{{{{
\t\tname:  "empty",
\t\tinput: "",
\t}}, {{
\t\tname:  "short",
\t\tinput: demoKey[:len(demoKey)-1],
\t}}, {{
\t\tname:  "named alone",
\t\tinput: `demo_secret: {NAMED}`,
\t}}, {{
\t\tname:  "prose",
\t\tinput: "no \\"key\\" here",
\t}}, {{
\t\tname:  "repeated",
\t\tinput: strings.Repeat("ab", 3),
\t}}}}
}}
"""


@pytest.fixture
def tree(tmp_path: Path, monkeypatch) -> Path:
    root = tmp_path / "secrets-heldout11"
    (root / "veles").mkdir(parents=True)
    (root / "SOURCES.txt").write_text("# test tree\n")
    monkeypatch.setattr(heldout11, "VELES11", {"demo": "demo"})
    (root / "veles" / "demo_detector_test.go").write_text(GO)
    (root / "veles" / "other_detector_test.go").write_text(GO.replace("demo", "other"))  # no class: not read
    return root


def _by_text(samples):
    return {s["text"]: s for s in samples}


def test_go_expressions_labels_and_classes(tree: Path, tmp_path: Path):
    samples = _by_text(heldout11.heldout11_samples(tree, tmp_path / "no-corpus"))
    assert samples[TOK]["secret"] is True  # an Acceptance row without `want`
    assert samples[f'DEMO_KEY="{TOK}"']["secret"] is True  # raw strings and `+`
    assert samples[f"\n:demo_key: {OTHER}\n\t\t"]["secret"] is True  # fmt.Sprintf and a constant over two lines
    assert samples[TOK[:-1] + "a"]["secret"] is False  # an empty `want`
    assert samples[TOK[:-1]]["secret"] is False  # a Negatives row without `want`
    assert samples['no "key" here']["secret"] is False  # Go escapes
    assert samples["ababab"]["secret"] is False  # strings.Repeat
    assert {s["class"] for s in samples.values()} == {"demo"}
    assert "" not in samples  # an empty input is dropped
    assert not any(s["rule"].endswith("unknown call") for s in samples.values())  # not evaluated: dropped


def test_disputed_labels_follow_the_written_rules(tree: Path, tmp_path: Path):
    samples = _by_text(heldout11.heldout11_samples(tree, tmp_path / "no-corpus"))
    assert samples["dm_abcdefghijklmnopqrstuvwxyz0123456789"]["alt"] is False  # a sequential placeholder
    assert samples[TOK + TOK]["alt"] is None  # a token twice back to back is no repeated run
    assert samples[TOK[:-1]]["alt"] is True  # a secret of the file cut short
    assert samples[TOK[:-1] + "a"]["alt"] is True  # a bad checksum of it
    assert samples[f"demo_secret: {NAMED}"]["alt"] is True  # a credential by name
    assert samples['no "key" here']["alt"] is None
    assert samples[TOK]["alt"] is None


def test_a_missing_sources_file_is_refused(tree: Path, tmp_path: Path):
    (tree / "SOURCES.txt").unlink()
    with pytest.raises(SystemExit, match="SOURCES.txt"):
        heldout11.heldout11_samples(tree, tmp_path / "no-corpus")
