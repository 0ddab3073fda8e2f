"""Round 22's readers: development set 24 (benchmarks/secrets_heldout24.py)
and held-out set 25 (benchmarks/secrets_heldout25.py), on own files written
here in the sources' layouts (the sets' files are other projects' data and
are never committed)."""

from __future__ import annotations

import random
import string
from pathlib import Path

import pytest
from test_secrets_heldout2 import _load  # loads a benchmarks/ module (not benchmarks/ on sys.path)

heldout18 = _load("secrets_heldout18")  # the row reader both sets import
heldout24 = _load("secrets_heldout24")
heldout25 = _load("secrets_heldout25")
RNG = random.Random(2425)


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
    # one own file per labelled path: each labelled key on its first line, filler elsewhere
    files = {}
    for path, rows in labels.items():
        last = max((r[0][1] if isinstance(r[0], tuple) else r[0] for r in rows), default=1)
        lines = [f"filler_{n} = {n}" for n in range(1, last + 2)]
        for spec, _, _, key, _ in rows:
            first = spec[0] if isinstance(spec, tuple) else spec
            lines[first - 1] = f"{key} {rand(24)}"
        files[path] = "\n".join(lines) + "\n"
    return files


@pytest.mark.parametrize("module, number, source", [(heldout24, 24, "scanner-benchmarks"),
                                                    (heldout25, 25, "secret-detection-benchmark")])
def test_reader_labels_every_line_of_its_files(tmp_path, module, number, source) -> None:
    root = _tree(tmp_path / f"secrets-heldout{number}", _own_files(module.LABELS))
    samples = getattr(module, f"heldout{number}_samples")(root, tmp_path)
    secrets = sum(1 for rows in module.LABELS.values() for r in rows if r[1] == "secret")
    assert secrets >= 20 and sum(s["secret"] for s in samples) == secrets
    assert {s["source"] for s in samples} == {source}
    disputed = [s for s in samples if s["alt"] is not None]
    assert disputed and all(s["why"] in module.DISPUTED.values() for s in disputed)
    assert all(s["alt"] is (not s["secret"]) for s in disputed)
    # flipped, each set keeps 20+ secrets
    assert sum((s["alt"] if s["alt"] is not None else s["secret"]) for s in samples) >= 20
    assert any(s["class"] == "plain" and not s["secret"] for s in samples)
    assert len({(s["file"], tuple(s["lines"])) for s in samples}) == len(samples)


@pytest.mark.parametrize("module", [heldout24, heldout25])
def test_readme_counts_name_only_labelled_files(module) -> None:
    # every counted file is labelled, and the counts differ from the reading only where the module says so
    labelled = {p.split("/", 1)[1] if module is heldout25 else p.rsplit("/", 1)[1] for p in module.LABELS}
    assert set(module.README_COUNTS) <= labelled
    read = {k: sum(1 for p, rows in module.LABELS.items() if p.endswith("/" + k) for r in rows if r[1] == "secret")
            for k in module.README_COUNTS}
    differs = {k for k in read if read[k] != module.README_COUNTS[k]}
    if module is heldout24:
        assert not differs
    else:
        assert differs == {"app.properties", "appstack/keycloak.yml", "google-auth/oauth_token.json",
                           "new_infra.tfstate"}
        for name in differs:
            assert name.split("/")[-1] in module.__doc__ or name in module.__doc__


def test_shifted_line_numbers_fail(tmp_path) -> None:
    files = {path: "nothing here\n" * 40 for path in heldout25.LABELS}
    with pytest.raises(ValueError, match="does not hold"):
        heldout25.heldout25_samples(_tree(tmp_path / "secrets-heldout25", files), tmp_path)


@pytest.mark.parametrize("module, number", [(heldout24, 24), (heldout25, 25)])
def test_missing_sources_say_so(tmp_path, module, number) -> None:
    with pytest.raises(SystemExit, match="SOURCES.txt"):
        getattr(module, f"heldout{number}_samples")(tmp_path / "nothing", tmp_path)
