"""Held-out set 2's reader (benchmarks/secrets_heldout2.py), on a small tree
built here in each source's layout (the held-out files are other projects'
data and are never committed)."""

from __future__ import annotations

import importlib.util
import random
import string
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RNG = random.Random(2026)


def _load(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


_load("secrets_heldout")
heldout2 = _load("secrets_heldout2")


def rand(n: int) -> str:
    return "".join(RNG.choice(string.ascii_letters + string.digits) for _ in range(n))


TOKEN = "gl" + "pat-" + rand(20)
SHARED = "hf" + "_" + rand(34)


@pytest.fixture()
def tree(tmp_path: Path, monkeypatch) -> Path:
    root = tmp_path / "set2"
    for sub in ("kingfisher", "detect-secrets", "semgrep-rules", "secretlint"):
        (root / sub).mkdir(parents=True)
    (root / "SOURCES.txt").write_text("# test tree\n")
    (root / "kingfisher" / "gitlab.yml").write_text(textwrap.dedent(f"""\
        rules:
          - name: a token
            id: kingfisher.gitlab.1
            examples:
              - 'GL_TOKEN={TOKEN}'
              - '{SHARED}'
            negative_examples:
              - 'GL_TOKEN=glpat-short'
        """))
    (root / "detect-secrets" / "pair_test.py").write_text(textwrap.dedent(f"""\
        import pytest
        class TestX:
            @pytest.mark.parametrize('line,should_flag', [('key {rand(30)}', True), ('foo', False)])
            def test_analyze(self, line, should_flag):
                raise AssertionError('never run')
        """))
    (root / "detect-secrets" / "content_test.py").write_text(textwrap.dedent(f"""\
        import pytest
        class TestY:
            @pytest.mark.parametrize('file_content', [('pw = "{rand(16)}"'), ('tok {rand(20)}')])
            def test_analyze(self, file_content):
                raise AssertionError('never run')
        """))
    (root / "semgrep-rules" / "rule.txt").write_text(
        f"# ruleid: rule\nkey={rand(24)}\n{{\n  // ruleid: rule\n  \"k\": \"{rand(24)}\",\n      # ok: rule\n  \"url\": \"https://example.org\"\n}}\n")
    (root / "secretlint" / "x.ok.input").write_text("NOTHING = here\n")
    (root / "secretlint" / "x.ng.input").write_text(f"KEY = {rand(40)}\n")
    set1 = tmp_path / "set1"
    (set1 / "noseyparker").mkdir(parents=True)
    (set1 / "SOURCES.txt").write_text("# set 1\n")
    monkeypatch.setattr(heldout2, "heldout_samples", lambda root: [{"text": SHARED + "\n"}])
    monkeypatch.setattr(heldout2, "KINGFISHER", {"kingfisher.gitlab.1": "gitlab"})
    monkeypatch.setattr(heldout2, "DETECT_SECRETS2", {"pair_test.py": "generic", "content_test.py": "generic"})
    monkeypatch.setattr(heldout2, "SEMGREP2", {"rule.txt": "generic"})
    monkeypatch.setattr(heldout2, "SECRETLINT", {"x.ok.input": "aws", "x.ng.input": "aws"})
    monkeypatch.setattr(heldout2, "EXCLUDED2", {})
    monkeypatch.setattr(heldout2, "DISPUTED2", {})
    return root


def _labels(samples):
    return {s["rule"]: s["secret"] for s in samples}


def test_every_source_is_read_and_labelled(tree: Path):
    samples = heldout2.heldout2_samples(tree, tree.parent / "set1")
    assert _labels(samples) == {
        "kingfisher/gitlab.yml kingfisher.gitlab.1 examples[0]": True,
        "kingfisher/gitlab.yml kingfisher.gitlab.1 negative_examples[0]": False,
        "detect-secrets/pair_test.py row[0]": True,
        "detect-secrets/pair_test.py row[1]": False,
        "detect-secrets/content_test.py row[0]": True,
        "detect-secrets/content_test.py row[1]": True,
        "semgrep-rules/rule.txt line[0]": True,
        "semgrep-rules/rule.txt line[1]": True,
        "semgrep-rules/rule.txt line[2]": False,
        "secretlint/x.ok.input": False,
        "secretlint/x.ng.input": True,
    }
    by_rule = {s["rule"]: s for s in samples}
    assert by_rule["kingfisher/gitlab.yml kingfisher.gitlab.1 examples[0]"]["text"] == f"GL_TOKEN={TOKEN}"
    assert by_rule["semgrep-rules/rule.txt line[2]"]["text"] == '  "url": "https://example.org"\n'
    assert {s["source"] for s in samples} == {"kingfisher", "detect-secrets", "semgrep", "secretlint"}


def test_texts_of_set_1_are_dropped_but_kept_without_it(tree: Path):
    with_set1 = heldout2.heldout2_samples(tree, tree.parent / "set1")
    alone = heldout2.heldout2_samples(tree)
    assert SHARED not in {s["text"] for s in with_set1}
    assert SHARED in {s["text"] for s in alone}
    assert len(alone) == len(with_set1) + 1


def test_repeats_inside_set_2_are_kept_once(tree: Path):
    (tree / "secretlint" / "x.ng.input").write_text(f"GL_TOKEN={TOKEN}\n")
    samples = heldout2.heldout2_samples(tree)
    assert sum(s["text"].strip() == f"GL_TOKEN={TOKEN}" for s in samples) == 1


def test_excluded_and_disputed(tree: Path, monkeypatch):
    monkeypatch.setattr(heldout2, "EXCLUDED2", {"detect-secrets/pair_test.py row[1]": "not a claimed class"})
    monkeypatch.setattr(heldout2, "DISPUTED2", {"secretlint/x.ng.input": (False, "a placeholder")})
    samples = heldout2.heldout2_samples(tree)
    assert "detect-secrets/pair_test.py row[1]" not in _labels(samples)
    flipped = sys.modules["secrets_heldout"].relabelled(samples)
    assert _labels(samples)["secretlint/x.ng.input"] is True
    assert _labels(flipped)["secretlint/x.ng.input"] is False
    assert sum(s["alt"] is not None for s in samples) == 1


def test_clear_errors(tree: Path, monkeypatch):
    monkeypatch.setattr(heldout2, "KINGFISHER", {})
    with pytest.raises(SystemExit, match="kingfisher.gitlab.1 has no class"):
        heldout2.heldout2_samples(tree)
    (tree / "SOURCES.txt").unlink()
    with pytest.raises(SystemExit, match="SOURCES.txt is missing"):
        heldout2.heldout2_samples(tree)


def test_the_real_tables_name_only_known_samples():
    """Every disputed or excluded key has the shape the reader gives its samples."""
    shape = r"^(kingfisher/\S+\.yml \S+ (examples|negative_examples)\[\d+\]|detect-secrets/\S+_test\.py row\[\d+\]|semgrep-rules/\S+\.txt line\[\d+\]|secretlint/.+)$"
    import re
    for key in list(heldout2.DISPUTED2) + list(heldout2.EXCLUDED2):
        assert re.match(shape, key), key
    for key in heldout2.DISPUTED2:
        source = key.split("/", 1)[0]
        table = {"kingfisher": None, "detect-secrets": heldout2.DETECT_SECRETS2, "semgrep-rules": heldout2.SEMGREP2,
                 "secretlint": heldout2.SECRETLINT}[source]
        name = key.split("/", 1)[1]
        if table is not None:
            assert (name if source == "secretlint" else name.split(" ")[0]) in table, key
