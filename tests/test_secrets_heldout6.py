"""Held-out set 6's reader (benchmarks/secrets_heldout6.py), on a small tree
built here in CredSweeper's layout (the held-out files are other projects'
data and are never committed)."""

from __future__ import annotations

import random
import string
from pathlib import Path

import pytest
from test_secrets_heldout2 import _load  # loads sets 1 and 2's readers (not benchmarks/ on sys.path: its
# secrets.py would hide the standard library's)

RNG = random.Random(66)
_load("secrets_heldout3")
_load("secrets_heldout5")
heldout6 = _load("secrets_heldout6")


def rand(n: int) -> str:
    return "".join(RNG.choice(string.ascii_letters + string.digits) for _ in range(n))


PW, TOK, GH = rand(12), rand(24), rand(36)


@pytest.fixture
def tree(tmp_path: Path, monkeypatch) -> Path:
    root = tmp_path / "secrets-heldout6"
    cs = root / "credsweeper"
    cs.mkdir(parents=True)
    (root / "SOURCES.txt").write_text("# test tree\n")
    monkeypatch.setattr(heldout6, "FILES6", {"doc_marked": "generic", "doc_plain": "generic", "gh_token": "github"})
    (cs / "doc_marked").write_text(f"Password:{PW}\nsecret {TOK}\n\nFALSE:\nEnter token : a query parameter\nok\n")
    (cs / "doc_plain").write_text(f"host (pw:{PW})\nnotes about nothing\nconfig token:xxxxxxxx\n")
    (cs / "gh_token").write_text(f"# classic\nghp_{GH}\nghp_gireogicrackle{GH[:18]}\n")
    (cs / "EXPECTED.tsv").write_text(
        "# path\tline_num\trules\tline\n"
        f"doc_marked\t1\tPassword\tPassword:{PW}\n"
        f"gh_token\t2\tGithub Classic Token\tghp_{GH}\n"
        f"gh_token\t3\tGithub Classic Token,Token\tghp_gireogicrackle{GH[:18]}\n")
    return root


def _by_text(samples):
    return {s["text"]: s for s in samples}


def test_expected_lines_are_secrets_the_rest_look_alikes(tree: Path, tmp_path: Path):
    samples = _by_text(heldout6.heldout6_samples(tree, tmp_path / "no-corpus"))
    assert samples[f"Password:{PW}"]["secret"] is True
    assert samples[f"ghp_{GH}"]["secret"] is True and samples[f"ghp_{GH}"]["class"] == "github"
    assert samples[f"secret {TOK}"]["secret"] is False
    assert samples["notes about nothing"]["secret"] is False
    assert "ok" not in samples and "FALSE:" not in samples  # no run of six letters or digits
    assert samples["# classic"]["class"] == "github"  # a look-alike takes its file's class


def test_disputed_labels_follow_the_written_rules(tree: Path, tmp_path: Path):
    samples = _by_text(heldout6.heldout6_samples(tree, tmp_path / "no-corpus"))
    assert samples[f"secret {TOK}"]["alt"] is True  # before the file's FALSE: line
    assert samples["Enter token : a query parameter"]["alt"] is None  # after it
    assert samples[f"host (pw:{PW})"]["alt"] is True  # a credential by name, unmarked file
    assert samples["config token:xxxxxxxx"]["alt"] is None
    assert samples[f"ghp_gireogicrackle{GH[:18]}"]["alt"] is False  # CredSweeper's fake-value words
    assert samples[f"ghp_{GH}"]["alt"] is None


def test_prose_counts_only_outside_python(tree: Path, tmp_path: Path):
    samples = _by_text(heldout6.heldout6_samples(tree, tmp_path / "no-corpus"))
    assert samples[f"Password:{PW}"]["python"] is False
    assert samples[f"ghp_{GH}"]["python"] is True


def test_an_expected_line_not_in_the_stored_file_stops_the_reader(tree: Path, tmp_path: Path):
    (tree / "credsweeper" / "gh_token").write_text("# classic\nsomething else\n")
    with pytest.raises(SystemExit, match="gh_token line 2"):
        heldout6.heldout6_samples(tree, tmp_path / "no-corpus")
