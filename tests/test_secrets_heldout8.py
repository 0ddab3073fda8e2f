"""Held-out set 8's reader (benchmarks/secrets_heldout8.py), on a small tree
built here in TruffleHog's layout (the held-out files are other projects'
data and are never committed)."""

from __future__ import annotations

import random
import string
from pathlib import Path

import pytest
from test_secrets_heldout2 import _load  # loads sets 1 and 2's readers (not benchmarks/ on sys.path: its
# secrets.py would hide the standard library's)

RNG = random.Random(88)
_load("secrets_heldout3")
_load("secrets_heldout5")
_load("secrets_heldout6")
_load("secrets_heldout7")
heldout8 = _load("secrets_heldout8")


def rand(n: int) -> str:
    return "".join(RNG.choice(string.ascii_letters + string.digits) for _ in range(n))


KEY, NAMED, SECRET = rand(36), rand(32), rand(30)

PATTERN = '''package demo

var (
\tvalidKey   = "dm_%s"
\tinvalidKey = "dm_%s?"
\tkeyword    = "demo"
)

func TestDemo_Pattern(t *testing.T) {
\ttests := []struct {
\t\tname  string
\t\tinput string
\t\twant  []string
\t}{
\t\t{
\t\t\tname:  "valid pattern",
\t\t\tinput: fmt.Sprintf("%%s token = '%%s'", keyword, validKey),
\t\t\twant:  []string{validKey},
\t\t},
\t\t{
\t\t\tname:  "invalid pattern",
\t\t\tinput: fmt.Sprintf("%%s = '%%s'", keyword, invalidKey),
\t\t\twant:  []string{},
\t\t},
\t\t{
\t\t\tname: "raw and sequential",
\t\t\tinput: `demo_secret: dm_` + "abcdefghij0123",
\t\t\twant: []string{"x"},
\t\t},
\t\t{
\t\t\tname:  "named elsewhere",
\t\t\tinput: "token = '%s'",
\t\t\twant:  nil,
\t\t},
\t}
}

func TestDemo_Other(t *testing.T) {
\tinput := "not a table %s"
}

func Test_FindClientSecretMatches(t *testing.T) {
\tcases := map[string]testCase{
\t\t"secret": {
\t\t\tInput:    `clientSecret: "%s"`,
\t\t\tExpected: map[string]struct{}{"%s": {}},
\t\t},
\t\t"placeholder": {
\t\t\tInput:    `--password {{secret}}`,
\t\t\tExpected: nil,
\t\t},
\t}
}
''' % (KEY, KEY[:10], NAMED, SECRET, SECRET, SECRET)


@pytest.fixture
def tree(tmp_path: Path, monkeypatch) -> Path:
    root = tmp_path / "secrets-heldout8"
    th = root / "trufflehog"
    th.mkdir(parents=True)
    (root / "SOURCES.txt").write_text("# test tree\n")
    monkeypatch.setattr(heldout8, "FILES8", {"demo_test.go": "demo"})
    (th / "demo_test.go").write_text(PATTERN)
    return root


def _by_text(samples):
    return {s["text"]: s for s in samples}


def test_table_rows_are_samples_labelled_by_their_want(tree: Path, tmp_path: Path):
    samples = _by_text(heldout8.heldout8_samples(tree, tmp_path / "no-corpus"))
    assert samples[f"demo token = 'dm_{KEY}'"]["secret"] is True
    assert samples[f"demo = 'dm_{KEY[:10]}?'"]["secret"] is False  # an empty []string{}
    assert samples[f'clientSecret: "{SECRET}"']["secret"] is True  # a map literal with a value
    assert samples["--password {{secret}}"]["secret"] is False
    assert not any(t.startswith("not a table") for t in samples)  # only tables count
    assert {s["class"] for s in samples.values()} == {"demo"}


def test_disputed_labels_follow_the_written_rules(tree: Path, tmp_path: Path):
    samples = _by_text(heldout8.heldout8_samples(tree, tmp_path / "no-corpus"))
    assert samples["demo_secret: dm_abcdefghij0123"]["alt"] is False  # sequential placeholder
    assert samples[f"token = '{NAMED}'"]["alt"] is True  # a credential by name
    assert samples[f"demo token = 'dm_{KEY}'"]["alt"] is None


def test_a_missing_sources_file_is_refused(tree: Path, tmp_path: Path):
    (tree / "SOURCES.txt").unlink()
    with pytest.raises(SystemExit, match="SOURCES.txt"):
        heldout8.heldout8_samples(tree, tmp_path / "no-corpus")
