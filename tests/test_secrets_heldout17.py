"""Held-out set 17's reader (benchmarks/secrets_heldout17.py), on own files
written here (the held-out files are another project's data and are never
committed), and the whole-file evaluation it uses in benchmarks/secrets.py."""

from __future__ import annotations

import random
import string
from pathlib import Path

import pytest
from test_secrets_heldout2 import _load  # loads a benchmarks/ module (not benchmarks/ on sys.path)

heldout17 = _load("secrets_heldout17")
RNG = random.Random(1717)


def rand(n: int, alphabet: str = string.ascii_letters + string.digits) -> str:
    return "".join(RNG.choice(alphabet) for _ in range(n))


OWN = f"# own settings\nhost = db.internal\nuser = svc\npassword = {rand(20)}\n\nport = 5432\n"
ROWS = [(2, "informative", "informative", "host", ""), (3, "informative", "informative", "user", ""),
        (4, "risk", "password", "password", "")]


def test_labelled_rows_and_plain_lines() -> None:
    samples = heldout17.file_samples("own.ini", OWN, ROWS)
    by_line = {s["lines"][0]: s for s in samples}
    assert sorted(by_line) == [1, 2, 3, 4, 6]  # the blank line is no sample
    assert by_line[4]["secret"] is True and by_line[4]["class"] == "password"
    assert by_line[2]["secret"] is False and by_line[2]["class"] == "informative"
    assert by_line[1]["class"] == "plain" and by_line[6]["class"] == "plain"
    assert all(s["alt"] is None for s in samples)


def test_disputed_rows_flip() -> None:
    rows = [(2, "informative", "informative", "host", "by-name"), (4, "risk", "password", "password", "weak")]
    by_line = {s["lines"][0]: s for s in heldout17.file_samples("own.ini", OWN, rows)}
    assert by_line[2]["alt"] is True and by_line[4]["alt"] is False
    assert "default" in by_line[4]["why"]


def test_block_and_multi_range_rows() -> None:
    text = "H1\nH2\npub\npub\nP1\nP2\nMAC\n"
    rows = [(((1, 2), (5, 7)), "risk", "private-key", "H1", ""), ((3, 4), "informative", "informative", "", "")]
    samples = heldout17.file_samples("k.ppk", text, rows)
    assert [s["lines"] for s in samples] == [[1, 2, 5, 6, 7], [3, 4]]


@pytest.mark.parametrize("rows, message", [
    ([(3, "risk", "password", "password", "")], "does not hold"),          # shifted line number
    ([(9, "risk", "password", "", "")], "past the end"),
    ([(4, "risk", "password", "", ""), (4, "informative", "informative", "", "")], "labelled twice"),
    ([(4, "risk", "password", "", "unknown-rule")], "unknown disputed rule"),
])
def test_label_mistakes_raise(rows, message) -> None:
    with pytest.raises(ValueError, match=message):
        heldout17.file_samples("own.ini", OWN, rows)


def test_csv_counts_read_the_published_format(tmp_path: Path) -> None:
    meta = tmp_path / ".leaky-meta"
    meta.mkdir()
    (meta / "secrets.csv").write_text("#####\n# name,num_risk,num_informative\nown.ini,1,2\n\n# note\nkeys/a.pem,1,0\n")
    assert heldout17.csv_counts(tmp_path) == {"own.ini": (1, 2), "keys/a.pem": (1, 0)}


def test_the_label_table_is_consistent() -> None:
    for path, rows in heldout17.LABELS.items():
        for spec, label, cls, _key, disputed in rows:
            assert label in ("risk", "informative"), path
            assert (label == "informative") == (cls == "informative"), path
            assert not disputed or disputed in heldout17.DISPUTED, path
            # a look-alike is disputed only by the by-name rule, a secret never by it
            assert (disputed == "by-name") <= (label == "informative"), path


def test_missing_sources_stops(tmp_path: Path) -> None:
    with pytest.raises(SystemExit):
        heldout17.heldout17_samples(tmp_path)


def test_whole_file_samples_are_scored_by_line(tmp_path: Path) -> None:
    """benchmarks/secrets.py's evaluation: a finding counts for the sample whose
    lines it starts on, and under ``asis`` a file mlwarden does not read gives nothing."""
    import importlib.util
    import sys

    path = Path(__file__).resolve().parents[1] / "benchmarks" / "secrets.py"
    spec = importlib.util.spec_from_file_location("mlw_bench_secrets", path)  # never as "secrets" (stdlib)
    secrets_py = importlib.util.module_from_spec(spec)
    sys.modules["mlw_bench_secrets"] = secrets_py
    spec.loader.exec_module(secrets_py)
    src = Path(__file__).resolve().parents[1] / "src"
    samples = heldout17.file_samples("own.ini", OWN, ROWS) + heldout17.file_samples("own.netrc", OWN, ROWS)
    rows = secrets_py.evaluate(src, samples, ["asis", "config.yaml"])
    hits = {(s["file"], s["lines"][0]): row for s, row in zip(samples, rows)}
    assert hits[("own.ini", 4)]["asis"] and hits[("own.ini", 4)]["config.yaml"]
    assert not hits[("own.ini", 2)]["asis"] and not hits[("own.ini", 6)]["asis"]
    assert not hits[("own.netrc", 4)]["asis"]  # not a file mlwarden reads
    assert hits[("own.netrc", 4)]["config.yaml"]
