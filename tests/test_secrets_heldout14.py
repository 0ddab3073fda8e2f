"""Held-out set 14's reader (benchmarks/secrets_heldout14.py), on an own test
module written here in LeakTK's table layout (the held-out file is another
project's data and is never committed)."""

from __future__ import annotations

import random
import string
from pathlib import Path

import pytest
from test_secrets_heldout2 import _load  # loads sets 1 and 2's readers (not benchmarks/ on sys.path)

RNG = random.Random(1414)
for _name in ("secrets_heldout3", "secrets_heldout5", "secrets_heldout6", "secrets_heldout7", "secrets_heldout8",
              "secrets_heldout9", "secrets_heldout10", "secrets_heldout11", "secrets_heldout12",
              "secrets_heldout13"):
    _load(_name)
heldout14 = _load("secrets_heldout14")


def rand(n: int, alphabet: str = string.ascii_letters + string.digits) -> str:
    return "".join(RNG.choice(alphabet) for _ in range(n))


PW, TOK, HEX = rand(18), rand(36), rand(32, "0123456789abcdef")
DOC = "16C7e42F292c6912E7710c838347Ae178B4a"  # GitHub's documented example body


def _tree(tmp_path: Path, match: list, nomatch: list) -> Path:
    root = tmp_path / "secrets-heldout14"
    (root / "leaktk").mkdir(parents=True)
    (root / "SOURCES.txt").write_text("own test tree\n")
    body = f"import json\n\nSHOULD_MATCH = {match!r}\n\nSHOULD_NOT_MATCH = {nomatch!r}\n\n\nclass T:\n    pass\n"
    (root / "leaktk" / heldout14.TEST_FILE).write_text(body)
    return root


def _by_key(samples):
    return {s["rule"]: s for s in samples}


def test_rows_classes_and_exclusions(tmp_path):
    match = [
        {"description": "General Secret", "example": f'password = "{PW}"', "offender": "x"},
        {"description": "Potential AWS Secret Key", "example": "example comes from one of the rows above", "offender": "x"},
        {"description": "GitHub personal access token", "example": f"ghp_{TOK}", "offender": "x"},
        {"description": "Htpasswd Files", "example": f"bob:$apr1${rand(8)}${rand(22)}", "offender": "x",
         "filename": "my-htpasswd-file"},
        {"description": "Mailgun API Key", "example": f"MAILGUN_KEY=key-{HEX}", "offender": "x"},
        {"description": "General Secret", "example": f'SECRET_KEY = "{rand(50)}"', "offender": "x",
         "filename": "settings.py"},
        {"description": "Some Rule Nobody Mapped", "example": f"x = {rand(30)}", "offender": "x"},
    ]
    nomatch = [
        {"example": 'password = "${DB_PASSWORD}"', "comment": "placeholder"},
        {"example": f'password = "{rand(20)}"', "filename": "some/tests/dir/file"},
        {"example": f'password = "{rand(20)}"  # nosec', "comment": "suppressed"},
        {"example": f"https://$USER:$TOKEN@{rand(6).lower()}.invalid", "comment": "placeholder"},
        {"example": 'password = "${DB_PASSWORD}"', "comment": "a repeat"},
        {"example": f"token: ghr_{rand(10)}", "comment": "too short"},
    ]
    got = _by_key(heldout14.heldout14_samples(_tree(tmp_path, match, nomatch), tmp_path))
    assert set(got) == {"leaktk/match[0]", "leaktk/match[2]", "leaktk/match[5]",
                        "leaktk/nomatch[0]", "leaktk/nomatch[3]", "leaktk/nomatch[5]"}
    assert got["leaktk/match[0]"]["secret"] is True and got["leaktk/match[0]"]["class"] == "generic"
    assert got["leaktk/match[2]"]["class"] == "github"
    assert got["leaktk/match[5]"]["text"].startswith("SECRET_KEY")  # settings.py rows are kept
    assert got["leaktk/nomatch[0]"]["secret"] is False and got["leaktk/nomatch[0]"]["class"] == "generic"
    assert got["leaktk/nomatch[3]"]["class"] == "basic-auth"
    assert got["leaktk/nomatch[5]"]["class"] == "github"
    assert all(s["source"] == "leaktk" for s in got.values())


def test_disputed_rules(tmp_path):
    match = [
        {"description": "General Secret", "example": f'secret = "{TOK}"'},
        {"description": "GitHub oauth access token", "example": f"token='gho_{DOC}'"},
        {"description": "Potential AWS Secret Key", "example": f"foo = '{rand(40)}'"},
        {"description": "Asymmetric Private Key", "example": "-----BEGIN RSA PRIVATE KEY-----"},
        {"description": "General Secret", "example": 'password = "abcdefghijklmnopqrs"'},
    ]
    nomatch = [
        {"example": f'client_secret = "{rand(12, "0123456789")}{rand(16, "bcdfghjklmnpqrstvwxz")}"'},
        {"example": 'password = "insert-user-123-data"'},
        {"example": f'password = "{{PLACEHOLDER_{rand(3, "0123456789")}}}"'},
        {"example": f"something = {rand(12, '0123456789')}{rand(16, 'BCDFGHJKLMNPQRSTVWXZ')}"},
    ]
    got = _by_key(heldout14.heldout14_samples(_tree(tmp_path, match, nomatch), tmp_path))
    assert got["leaktk/match[0]"]["alt"] is None
    assert got["leaktk/match[1]"]["why"].startswith("GitHub's documented example")
    assert got["leaktk/match[2]"]["why"].startswith("the source's own rule calls it a guess")
    assert got["leaktk/match[3]"]["why"].startswith("a PEM private-key header alone")
    assert got["leaktk/match[4]"]["why"].startswith("a synthetic placeholder")
    assert all(got[f"leaktk/match[{n}]"]["alt"] is False for n in range(1, 5))
    # a random-looking value after a credential name flips; words, templates and unnamed values do not
    assert got["leaktk/nomatch[0]"]["alt"] is True
    assert got["leaktk/nomatch[1]"]["alt"] is None
    assert got["leaktk/nomatch[2]"]["alt"] is None
    assert got["leaktk/nomatch[3]"]["alt"] is None


def test_missing_sources_says_so(tmp_path):
    with pytest.raises(SystemExit, match="SOURCES.txt"):
        heldout14.heldout14_samples(tmp_path / "nothing", tmp_path)
