"""Round 20's readers: development set 20 (benchmarks/secrets_heldout20.py)
and held-out set 21 (benchmarks/secrets_heldout21.py), on own files written
here in the sources' layout (the sets' files are other projects' data and are
never committed)."""

from __future__ import annotations

import random
import string
from pathlib import Path

import pytest
from test_secrets_heldout2 import _load  # loads a benchmarks/ module (not benchmarks/ on sys.path)

heldout18 = _load("secrets_heldout18")
heldout20 = _load("secrets_heldout20")
heldout21 = _load("secrets_heldout21")
RNG = random.Random(2020)


def rand(n: int, alphabet: str = string.ascii_letters + string.digits) -> str:
    return "".join(RNG.choice(alphabet) for _ in range(n))


def test_set18_rules_stay_the_default_and_others_are_checked() -> None:
    text = f"A=1\nPASSWORD={rand(16)}\n"
    rows = [(2, "secret", "password", "PASSWORD", "weak")]
    (sample,) = [s for s in heldout18.file_samples("own/x.env", text, rows) if s["lines"] == [2]]
    assert sample["alt"] is False and sample["why"] == heldout18.DISPUTED["weak"]
    with pytest.raises(ValueError, match="unknown disputed rule"):
        heldout18.file_samples("own/x.env", text, [(2, "secret", "password", "PASSWORD", "public-client")])
    (own,) = [s for s in heldout18.file_samples("own/x.env", text, [(2, "secret", "password", "PASSWORD", "mine")],
                                                 disputed_rules={"mine": "own rule"}) if s["lines"] == [2]]
    assert own["alt"] is False and own["why"] == "own rule"


def _tree(root: Path, files: dict) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (root / "SOURCES.txt").write_text("own test tree\n")
    return root


@pytest.mark.parametrize("module, number, source", [(heldout20, 20, "terragoat"), (heldout21, 21, "vulninfra")])
def test_reader_labels_every_line_of_its_files(tmp_path, monkeypatch, module, number, source) -> None:
    # own files, one per labelled path, with each labelled key on its line and filler elsewhere
    files = {}
    for path, rows in module.LABELS.items():
        last = max(r[0][1] if isinstance(r[0], tuple) else r[0] for r in rows)
        lines = [f"filler_{n} = {n}" for n in range(1, last + 2)]
        for spec, _, _, key, _ in rows:
            first = spec[0] if isinstance(spec, tuple) else spec
            lines[first - 1] = f"{key} = {rand(24)}" if key else rand(24)
        files[path] = "\n".join(lines) + "\n"
    root = _tree(tmp_path / f"secrets-heldout{number}", files)
    samples = getattr(module, f"heldout{number}_samples")(root, tmp_path)
    secrets = sum(1 for rows in module.LABELS.values() for r in rows if r[1] == "secret")
    assert sum(s["secret"] for s in samples) == secrets
    assert {s["source"] for s in samples} == {source}
    disputed = [s for s in samples if s["alt"] is not None]
    assert disputed and all(s["why"] in module.DISPUTED.values() for s in disputed)
    assert all(s["alt"] is (not s["secret"]) for s in disputed)
    # a filler line is a plain look-alike; the blocks of private keys are one sample
    assert any(s["class"] == "plain" and not s["secret"] for s in samples)
    assert len({(s["file"], tuple(s["lines"])) for s in samples}) == len(samples)


def test_shifted_line_numbers_fail(tmp_path) -> None:
    files = {path: "nothing here\n" * 80 for path in heldout21.LABELS}
    with pytest.raises(ValueError, match="does not hold"):
        heldout21.heldout21_samples(_tree(tmp_path / "secrets-heldout21", files), tmp_path)


@pytest.mark.parametrize("module, number", [(heldout20, 20), (heldout21, 21)])
def test_missing_sources_say_so(tmp_path, module, number) -> None:
    with pytest.raises(SystemExit, match="SOURCES.txt"):
        getattr(module, f"heldout{number}_samples")(tmp_path / "nothing", tmp_path)
