"""Protocol 0 ``STRING`` arguments whose bytes are not ASCII: Python 2 wrote
``str`` values (vocabularies, names) this way, ``pickle.load(f,
encoding="latin1")`` reads them, and the scanner must read past them rather
than call the file unverifiable."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from mlwarden.core.config import Config
from mlwarden.core.registry import all_rules
from mlwarden.core.run import check_paths

#: {'\xe0\xa4\x85': 1, 'caf\xe9': 2} as Python 2 wrote it (escaped), then a raw byte
PY2_VOCAB = b"(dp0\nS'\\xe0\\xa4\\x85'\np1\nI1\nsS'caf\\xe9'\np2\nI2\nsS'\xe9t\xe9'\np3\nI3\ns."
#: a list holding a non-ASCII str, then os.system('id')
PY2_THEN_SYSTEM = b"(S'\\xe9t\\xe9'\nlp0\n0cos\nsystem\n(S'id'\ntR."


def findings(tmp_path: Path, name: str, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    results, _ = check_paths([str(path)], Config(select=[r.id for r in all_rules()]))
    assert not [e for r in results for e in r.errors]
    # MLW610 (low) notes every pickled model file, whatever it holds
    return [f for r in results for f in r.findings if f.rule_id != "MLW610"]


def test_the_samples_are_what_python_2_wrote():
    # our own bytes, not a scanned file: the loader of old pickles reads them
    assert pickle.loads(PY2_VOCAB, encoding="latin1") == {"\xe0\xa4\x85": 1, "caf\xe9": 2, "\xe9t\xe9": 3}


def test_non_ascii_strings_of_a_python_2_pickle_are_clean(tmp_path):
    assert findings(tmp_path, "vocab.pkl", PY2_VOCAB) == []


def test_a_global_after_a_non_ascii_string_is_still_found(tmp_path):
    found = findings(tmp_path, "model.pkl", PY2_THEN_SYSTEM)
    assert [f.rule_id for f in found] == ["MLW601"]
    assert "os.system" in found[0].message


@pytest.mark.parametrize(
    "data",
    [
        b"\x80\x02S'abc\n.",  # no closing quote
        b"\x80\x02Sabc'\n.",  # no opening quote
        b"\x80\x02S'abc\"\n.",  # quotes that differ
        b"\x80\x02(S'ok'\nS'\\x'\n.",  # an escape pickle refuses
        b"\x80\x02(S'abc'",  # no newline: the stream ends inside STRING
    ],
)
def test_a_malformed_string_fails_closed(tmp_path, data):
    assert [f.rule_id for f in findings(tmp_path, "bad.pkl", data)] == ["MLW603"]
