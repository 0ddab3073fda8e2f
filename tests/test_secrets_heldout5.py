"""Held-out set 5's reader (benchmarks/secrets_heldout5.py), on a small tree
built here in each source's layout (the held-out files are other projects'
data and are never committed)."""

from __future__ import annotations

import random
import string
from pathlib import Path

import pytest
from test_secrets_heldout2 import _load  # loads sets 1 and 2's readers (not benchmarks/ on sys.path: its
# secrets.py would hide the standard library's)

RNG = random.Random(55)
_load("secrets_heldout3")
heldout5 = _load("secrets_heldout5")


def rand(n: int) -> str:
    return "".join(RNG.choice(string.ascii_letters + string.digits) for _ in range(n))


PW1, PW2, PW3, TOK = rand(12), rand(12), rand(12), rand(24)


@pytest.fixture
def tree(tmp_path: Path, monkeypatch) -> Path:
    root = tmp_path / "secrets-heldout5"
    (root / "secretlint").mkdir(parents=True)
    (root / "whispers").mkdir()
    (root / "SOURCES.txt").write_text("# test tree\n")
    monkeypatch.setattr(heldout5, "SECRETLINT5", {"x.ng.secret.txt": "generic", "x.ok.valid.txt": None})
    monkeypatch.setattr(heldout5, "PRIVATEKEY5", {})
    monkeypatch.setattr(heldout5, "WHISPERS5", {"p.yml": "generic", ".npmrc": "npm"})
    monkeypatch.setattr(heldout5, "EXCLUDED5", {"secretlint/x.ng.secret.txt line[0]": "prose"})
    monkeypatch.setattr(heldout5, "DISPUTED5", {"secretlint/x.ng.secret.txt line[2]": (False, "a placeholder")})
    (root / "secretlint" / "x.ng.secret.txt").write_text(
        f"# a comment\nSome prose first\n\ntoken={TOK}\npassword = 'changeme'\n")
    (root / "secretlint" / "x.ok.valid.txt").write_text(f'const U = "https://u:{PW3}@db.example.com";\nplain words\n')
    (root / "whispers" / "p.yml").write_text(
        "# Compliant\nusername: admin\n\n# Noncompliant\n"
        f"password: {PW1}\nstatic_passwords:\n  - \"{PW2}\"\n"
        f"creds:\n  - key: token\n    value: {TOK}\n")
    (root / "whispers" / ".npmrc").write_text(
        "//registry.npmjs.org/:_authToken=$NPM_TOKEN\n\n"
        f"//registry.npmjs.org/:_authToken={PW1}\n")
    return root


def _by_rule(samples):
    return {s["rule"]: s for s in samples}


def test_secretlint_lines_take_their_directory_label(tree: Path, tmp_path: Path):
    samples = _by_rule(heldout5.heldout5_samples(tree, tmp_path / "no-corpus"))
    assert samples["secretlint/x.ng.secret.txt line[1]"]["text"] == f"token={TOK}"
    assert samples["secretlint/x.ng.secret.txt line[1]"]["secret"] is True
    assert "secretlint/x.ng.secret.txt line[0]" not in samples  # excluded prose
    ok = samples["secretlint/x.ok.valid.txt line[0]"]
    assert ok["secret"] is False and ok["class"] == "basic-auth"  # a URL with a password: class by shape
    assert samples["secretlint/x.ok.valid.txt line[1]"]["class"] == "generic"


def test_disputed_label_carries_its_alternative(tree: Path, tmp_path: Path):
    samples = _by_rule(heldout5.heldout5_samples(tree, tmp_path / "no-corpus"))
    disputed = samples["secretlint/x.ng.secret.txt line[2]"]
    assert (disputed["secret"], disputed["alt"]) == (True, False)
    assert samples["secretlint/x.ng.secret.txt line[1]"]["alt"] is None


def test_whispers_sections_list_items_and_named_values(tree: Path, tmp_path: Path):
    samples = heldout5.heldout5_samples(tree, tmp_path / "no-corpus")
    whispers = {s["text"]: s["secret"] for s in samples if s["source"] == "whispers"}
    assert whispers["username: admin"] is False
    assert whispers[f"password: {PW1}"] is True
    assert whispers[f'static_passwords:\n  - "{PW2}"'] is True  # the parent names the item
    assert whispers[f"  - key: token\n    value: {TOK}"] is True  # `value:` read with the line naming it
    assert "static_passwords:" not in whispers and "creds:" not in whispers


def test_npmrc_blocks_and_repeats(tree: Path, tmp_path: Path):
    samples = heldout5.heldout5_samples(tree, tmp_path / "no-corpus")
    npmrc = [(s["text"], s["secret"]) for s in samples if s["rule"].startswith("whispers/.npmrc")]
    assert npmrc == [("//registry.npmjs.org/:_authToken=$NPM_TOKEN", False),
                     (f"//registry.npmjs.org/:_authToken={PW1}", True)]
    texts = [s["text"].strip() for s in samples]
    assert len(texts) == len(set(texts))


def test_unquoted_generic_values_count_outside_python_only(tree: Path, tmp_path: Path):
    samples = {s["text"]: s for s in heldout5.heldout5_samples(tree, tmp_path / "no-corpus")}
    assert samples[f"password: {PW1}"]["python"] is False
    assert samples[f"token={TOK}"]["python"] is False
    assert samples["password = 'changeme'"]["python"] is True


def test_a_missing_set_is_a_clear_error(tmp_path: Path):
    with pytest.raises(SystemExit, match="SOURCES.txt is missing"):
        heldout5.heldout5_samples(tmp_path / "nothing", tmp_path)
