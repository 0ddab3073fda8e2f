"""Round 21's readers: development set 22 (benchmarks/secrets_heldout22.py)
and held-out set 23 (benchmarks/secrets_heldout23.py), on own files written
here in the source's layout (the sets' files are another project's data and
are never committed)."""

from __future__ import annotations

import random
import string
from pathlib import Path

import pytest
from test_secrets_heldout2 import _load  # loads a benchmarks/ module (not benchmarks/ on sys.path)

heldout18 = _load("secrets_heldout18")  # the row reader both sets import
heldout22 = _load("secrets_heldout22")
heldout23 = _load("secrets_heldout23")
RNG = random.Random(2122)


def rand(n: int, alphabet: str = string.ascii_letters + string.digits) -> str:
    return "".join(RNG.choice(alphabet) for _ in range(n))


def _tree(root: Path, files: dict) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (root / "SOURCES.txt").write_text("own test tree\n")
    return root


def _own_files(labels: dict) -> dict:
    # one own file per labelled path: each labelled key on its line, filler elsewhere (a file
    # with no row, an invalid/ file read whole as look-alikes, gets two filler lines)
    files = {}
    for path, rows in labels.items():
        last = max((r[0][1] if isinstance(r[0], tuple) else r[0] for r in rows), default=1)
        lines = [f"filler_{n} = {n}" for n in range(1, last + 2)]
        for spec, _, _, key, _ in rows:
            first = spec[0] if isinstance(spec, tuple) else spec
            lines[first - 1] = f"{key} = {rand(24)}"
        files[path] = "\n".join(lines) + "\n"
    return files


@pytest.mark.parametrize("module, number", [(heldout22, 22), (heldout23, 23)])
def test_reader_labels_every_line_of_its_files(tmp_path, module, number) -> None:
    root = _tree(tmp_path / f"secrets-heldout{number}", _own_files(module.LABELS))
    samples = getattr(module, f"heldout{number}_samples")(root, tmp_path)
    secrets = sum(1 for rows in module.LABELS.values() for r in rows if r[1] == "secret")
    assert secrets >= 20 and sum(s["secret"] for s in samples) == secrets
    assert {s["source"] for s in samples} == {"fake-leaks"}
    disputed = [s for s in samples if s["alt"] is not None]
    assert disputed and all(s["why"] in module.DISPUTED.values() for s in disputed)
    assert all(s["alt"] is (not s["secret"]) for s in disputed)
    assert any(s["class"] == "plain" and not s["secret"] for s in samples)
    assert len({(s["file"], tuple(s["lines"])) for s in samples}) == len(samples)
    # every file of an invalid/ or benign/ directory is look-alikes only, as published
    assert not any(s["secret"] for s in samples if "/invalid/" in s["file"] or "/benign/" in s["file"])


def test_sets_22_and_23_take_disjoint_directories() -> None:
    tops22 = {p.split("/")[1] for p in heldout22.LABELS}
    tops23 = {p.split("/")[1] for p in heldout23.LABELS}
    assert tops22 and tops23 and not tops22 & tops23


def test_shifted_line_numbers_fail(tmp_path) -> None:
    files = {path: "nothing here\n" * 80 for path in heldout23.LABELS}
    with pytest.raises(ValueError, match="does not hold"):
        heldout23.heldout23_samples(_tree(tmp_path / "secrets-heldout23", files), tmp_path)


@pytest.mark.parametrize("module, number", [(heldout22, 22), (heldout23, 23)])
def test_missing_sources_say_so(tmp_path, module, number) -> None:
    with pytest.raises(SystemExit, match="SOURCES.txt"):
        getattr(module, f"heldout{number}_samples")(tmp_path / "nothing", tmp_path)
