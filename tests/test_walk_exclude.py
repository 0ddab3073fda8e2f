"""The walk's exclude matcher (one compiled regex per pattern set) decides
exactly as ``fnmatch`` per pattern and per path component did."""
from __future__ import annotations

import fnmatch
import random
from pathlib import Path, PurePosixPath

from mlwarden.core.config import DEFAULT_EXCLUDE, Config

PATTERNS = list(DEFAULT_EXCLUDE) + [
    "data/", "*.ipynb", "tests/fixtures", "docs/*/build", "[ab]*", "?x", "exp_*", "a.b", "weird[!z]", "caf\u00e9", "*/",
]
PARTS = ["src", "data", "tests", "fixtures", "docs", "v1", "build", "x", "ax", "bx", "exp_1", "a.b", "aXb", "weirdy",
         "weirdz", "caf\u00e9", "pkg.egg-info", ".venv", "node_modules", "model.ipynb", "b", "train.py", "__pycache__"]


def _reference(rel: str, patterns) -> bool:
    """The matcher as it was written before (fnmatch per pattern)."""
    parts = PurePosixPath(rel).parts
    for pattern in patterns:
        pattern = pattern.rstrip("/")
        if "/" in pattern:
            if fnmatch.fnmatch(rel, pattern) or fnmatch.fnmatch(rel, pattern + "/*"):
                return True
        elif any(fnmatch.fnmatch(part, pattern) for part in parts):
            return True
    return False


def test_the_compiled_matcher_agrees_with_fnmatch_on_random_trees(tmp_path: Path) -> None:
    rng = random.Random(1234)
    checked = excluded = 0
    for _ in range(300):
        patterns = tuple(rng.sample(PATTERNS, rng.randint(1, 6)))
        config = Config(root=tmp_path, exclude=(), extend_exclude=patterns)
        for _ in range(10):
            rel = "/".join(rng.choice(PARTS) for _ in range(rng.randint(1, 5)))
            got = config.is_excluded(tmp_path / rel, walking=False)
            assert got == _reference(rel, patterns), (rel, patterns)
            checked += 1
            excluded += got
    assert 0 < excluded < checked  # both answers were exercised


def test_a_relative_root_follows_the_working_directory(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "a" / "build").mkdir(parents=True)
    (tmp_path / "b").mkdir()
    config = Config(root=Path("."), exclude=(), extend_exclude=("build",))
    monkeypatch.chdir(tmp_path / "a")
    assert config.is_excluded(Path("build"), walking=False)
    monkeypatch.chdir(tmp_path / "b")
    assert config.relpath(tmp_path / "a" / "build") == "../a/build"
