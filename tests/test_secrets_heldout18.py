"""Held-out set 18's reader (benchmarks/secrets_heldout18.py), on own files
written here (the held-out files are other projects' data and are never
committed)."""

from __future__ import annotations

import random
import string
from pathlib import Path

import pytest
from test_secrets_heldout2 import _load  # loads a benchmarks/ module (not benchmarks/ on sys.path)

heldout18 = _load("secrets_heldout18")
RNG = random.Random(1818)


def rand(n: int, alphabet: str = string.ascii_letters + string.digits) -> str:
    return "".join(RNG.choice(alphabet) for _ in range(n))


OWN = f"# own deployment\nDB_HOST=db.internal\nDB_USER=svc\nDB_PASSWORD={rand(20)}\n\nDB_PORT=5432\nTOKEN=not_set\n"
ROWS = [(2, "lookalike", "informative", "DB_HOST", ""), (3, "lookalike", "informative", "DB_USER", ""),
        (4, "secret", "password", "DB_PASSWORD", ""), (7, "lookalike", "placeholder", "TOKEN", "")]


def test_labelled_rows_and_plain_lines() -> None:
    samples = heldout18.file_samples("own/app.env", OWN, ROWS)
    by_line = {s["lines"][0]: s for s in samples}
    assert sorted(by_line) == [1, 2, 3, 4, 6, 7]  # the blank line is no sample
    assert by_line[4]["secret"] is True and by_line[4]["class"] == "password"
    assert by_line[7]["secret"] is False and by_line[7]["class"] == "placeholder"
    assert by_line[1]["class"] == "plain" and by_line[6]["class"] == "plain"
    assert all(s["alt"] is None for s in samples)
    assert {s["source"] for s in samples} == {"own"}


def test_disputed_rows_flip() -> None:
    rows = [(4, "secret", "password", "DB_PASSWORD", "phrase"), (7, "secret", "encrypted", "TOKEN", "encrypted")]
    by_line = {s["lines"][0]: s for s in heldout18.file_samples("own/app.env", OWN, rows)}
    assert by_line[4]["alt"] is False and by_line[7]["alt"] is False
    assert "ciphertext" in by_line[7]["why"]


def test_a_key_block_is_one_sample() -> None:
    text = "-----BEGIN X-----\nAAA\nBBB\n-----END X-----\ntrailer\n"
    samples = heldout18.file_samples("own/k.rsa", text, [((1, 4), "secret", "private-key", "BEGIN", "")])
    assert [s["lines"] for s in samples] == [[1, 2, 3, 4], [5]]


@pytest.mark.parametrize("rows, message", [
    ([(3, "secret", "password", "DB_PASSWORD", "")], "does not hold"),          # shifted line number
    ([(9, "secret", "password", "", "")], "past the end"),
    ([(4, "secret", "password", "", ""), (4, "lookalike", "informative", "", "")], "labelled twice"),
    ([(4, "secret", "password", "", "unknown-rule")], "unknown disputed rule"),
    ([(4, "risk", "password", "", "")], "unknown label"),
])
def test_label_mistakes_raise(rows, message) -> None:
    with pytest.raises(ValueError, match=message):
        heldout18.file_samples("own/app.env", OWN, rows)


def test_the_label_table_is_consistent() -> None:
    secret_classes = {"password", "basic-auth", "aws", "gitlab", "generic", "private-key", "k8s-secret", "encrypted"}
    for path, rows in heldout18.LABELS.items():
        assert path.split("/", 1)[0] in ("sample_secrets", "wrongsecrets"), path
        seen = set()
        for spec, label, cls, _key, disputed in rows:
            assert (label == "secret") == (cls in secret_classes), (path, spec)
            assert not disputed or disputed in heldout18.DISPUTED, path
            assert (cls == "encrypted") <= (disputed == "encrypted"), path  # every ciphertext is disputed
            assert spec not in seen, (path, spec)
            seen.add(spec)


def test_missing_sources_stops(tmp_path: Path) -> None:
    with pytest.raises(SystemExit):
        heldout18.heldout18_samples(tmp_path)


def test_samples_are_read_from_the_label_table(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "SOURCES.txt").write_text("own\n")
    (tmp_path / "own").mkdir()
    (tmp_path / "own" / "app.env").write_text(OWN)
    monkeypatch.setattr(heldout18, "LABELS", {"own/app.env": ROWS})
    samples = heldout18.heldout18_samples(tmp_path)
    assert len(samples) == 6 and sum(s["secret"] for s in samples) == 1
