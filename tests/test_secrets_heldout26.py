"""Round 23's readers: development set 26 (benchmarks/secrets_heldout26.py)
and held-out set 27 (benchmarks/secrets_heldout27.py), on own files written
here in the sources' layouts (the sets' files are other projects' data and
are never committed)."""

from __future__ import annotations

import pytest
from test_secrets_heldout2 import _load  # loads a benchmarks/ module (not benchmarks/ on sys.path)
from test_secrets_heldout24 import _own_files, _tree

heldout26 = _load("secrets_heldout26")
heldout27 = _load("secrets_heldout27")


@pytest.mark.parametrize("module, number, sources", [
    (heldout26, 26, {"pre-commit-hooks"}),
    (heldout27, 27, {"kongyew", "larmitage", "benigutman", "st3fan"}),
])
def test_reader_labels_every_line_of_its_files(tmp_path, module, number, sources) -> None:
    root = _tree(tmp_path / f"secrets-heldout{number}", _own_files(module.LABELS))
    samples = getattr(module, f"heldout{number}_samples")(root, tmp_path)
    secrets = sum(1 for rows in module.LABELS.values() for r in rows if r[1] == "secret")
    assert secrets >= 20 and sum(s["secret"] for s in samples) == secrets
    assert {s["source"] for s in samples} == sources
    disputed = [s for s in samples if s["alt"] is not None]
    assert disputed and all(s["why"] in module.DISPUTED.values() for s in disputed)
    assert all(s["alt"] is (not s["secret"]) for s in disputed)
    # flipped, each set keeps 20+ secrets; key ids are the one rule that flips a look-alike to a secret
    assert sum((s["alt"] if s["alt"] is not None else s["secret"]) for s in samples) >= 20
    assert all(s["secret"] for s in disputed if s["why"] != module.DISPUTED["key-id"])
    assert all(s["class"] == "informative" for s in disputed if s["why"] == module.DISPUTED["key-id"])
    assert len({(s["file"], tuple(s["lines"])) for s in samples}) == len(samples)


def test_reader_refuses_a_missing_tree(tmp_path) -> None:
    with pytest.raises(SystemExit, match="SOURCES.txt"):
        heldout27.heldout27_samples(tmp_path)


def test_a_shifted_line_is_refused(tmp_path) -> None:
    files = _own_files(heldout26.LABELS)
    path = next(p for p in files if p.endswith("with_secrets.txt"))
    files[path] = "\n" + files[path]  # every label one line off
    root = _tree(tmp_path / "secrets-heldout26", files)
    with pytest.raises(ValueError, match="does not hold"):
        heldout26.heldout26_samples(root)
