"""The held-out secrets set's reader (benchmarks/secrets_heldout.py), on a
small tree built here in each source's layout (no held-out file is needed:
they are other projects' data and are never committed)."""

from __future__ import annotations

import importlib.util
import random
import string
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RNG = random.Random(515)


def _load():
    spec = importlib.util.spec_from_file_location("secrets_heldout", ROOT / "benchmarks" / "secrets_heldout.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["secrets_heldout"] = module
    spec.loader.exec_module(module)
    return module


heldout = _load()


def rand(n: int) -> str:
    return "".join(RNG.choice(string.ascii_letters + string.digits) for _ in range(n))


@pytest.fixture()
def tree(tmp_path: Path) -> Path:
    (tmp_path / "SOURCES.txt").write_text("# test tree\n")
    np_dir = tmp_path / "noseyparker"
    np_dir.mkdir()
    token = "gh" + "p_" + rand(36)
    (np_dir / "github.yml").write_text(textwrap.dedent(f"""\
        rules:
        - name: a token rule
          id: np.github.1
          examples:
          - 'TOKEN={token}'
          negative_examples:
          - 'TOKEN=not-a-token'
        - name: an identifier rule (excluded)
          id: np.github.5
          examples:
          - 'GITHUB_CLIENT_ID={rand(20).lower()}'
        - name: a generic rule
          id: np.github.6
          examples:
          - 'shared = "{rand(30)}"'
          negative_examples:
          - 'TOKEN={token}'
        """))
    ds_dir = tmp_path / "detect-secrets"
    ds_dir.mkdir()
    for name in heldout.DETECT_SECRETS:
        (ds_dir / name).write_text("import pytest\n")
    flagged = "gh" + "p_" + rand(36)
    (ds_dir / "github_token_test.py").write_text(textwrap.dedent(f"""\
        import pytest

        @pytest.mark.parametrize(
            'payload, should_flag',
            [
                ('{flagged}', True),
                ('foo_{rand(36)}', False),
            ],
        )
        def test_analyze(payload, should_flag):
            raise AssertionError("never run: read with ast")
        """))
    (ds_dir / "keyword_test.py").write_text(textwrap.dedent(f"""\
        TABLE = {{
            'negatives': {{'quotes_required': ['apikey = ""']}},
            'positives': {{
                'quotes_required': ['apikey = "{rand(24)}"'],
                'quotes_not_required': ['apikey = {rand(24)}'],
            }},
        }}

        class TestKeyword:
            @pytest.mark.parametrize('file_content', STANDARD_NEGATIVES + ['apiKey: this.apiKey,'])
            def test_analyze_javascript_negatives(self, file_content):
                pass
        """))
    sg_dir = tmp_path / "semgrep-rules"
    sg_dir.mkdir()
    for name in heldout.SEMGREP:
        (sg_dir / name).write_text("")
    (sg_dir / "detected-github-token.txt").write_text(f"# ruleid: detected-github-token\nx = '{flagged}'\n\n# ok: detected-github-token\nx = 'ghp_'\n")
    return tmp_path


def test_labels_by_source(tree: Path):
    samples = heldout.heldout_samples(tree)
    by_key = {s["rule"]: s for s in samples}
    # Nosey Parker: examples are secrets, negatives are not, excluded rules are left out,
    # and a text another rule lists as an example is a secret (counted once)
    assert by_key["noseyparker/github.yml np.github.1 examples[0]"]["secret"] is True
    assert by_key["noseyparker/github.yml np.github.1 negative_examples[0]"]["secret"] is False
    assert not any("np.github.5" in key for key in by_key)
    assert "noseyparker/github.yml np.github.6 negative_examples[0]" not in by_key
    assert by_key["noseyparker/github.yml np.github.6 examples[0]"]["class"] == "generic"
    # detect-secrets: the parametrize table, read without running the file
    assert [s["secret"] for s in samples if s["rule"].startswith("detect-secrets/github_token_test.py")] == [True, False]
    keyword = [s for s in samples if s["rule"].startswith("detect-secrets/keyword_test.py")]
    assert sorted((s["secret"], s["python"]) for s in keyword) == [(False, True), (False, True), (True, False), (True, True)]
    # semgrep: the line after the label
    assert [(s["secret"], s["text"].startswith("x = ")) for s in samples if s["source"] == "semgrep"] == [(True, True), (False, True)]
    assert {s["source"] for s in samples} == {"noseyparker", "detect-secrets", "semgrep"}


def test_disputed_labels_are_flipped_only_in_the_relabelled_copy(tree: Path, monkeypatch):
    key = "noseyparker/github.yml np.github.1 examples[0]"
    monkeypatch.setitem(heldout.DISPUTED, key, (False, "a placeholder"))
    samples = heldout.heldout_samples(tree)
    flipped = heldout.relabelled(samples)
    (original,) = [s for s in samples if s["rule"] == key]
    (other,) = [s for s in flipped if s["rule"] == key]
    assert original["secret"] is True and original["alt"] is False
    assert other["secret"] is False
    assert sum(a["secret"] != b["secret"] for a, b in zip(samples, flipped)) == 1


def test_an_unmapped_rule_is_an_error(tree: Path):
    with (tree / "noseyparker" / "github.yml").open("a") as handle:
        handle.write("- name: new\n  id: np.github.99\n  examples: ['x']\n")
    with pytest.raises(SystemExit, match="np.github.99"):
        heldout.heldout_samples(tree)


def test_a_missing_set_is_a_clear_error(tmp_path: Path):
    with pytest.raises(SystemExit, match="SOURCES.txt"):
        heldout.heldout_samples(tmp_path)


def test_every_disputed_and_excluded_key_names_a_known_rule_or_file():
    known = set(heldout.NOSEYPARKER) | set(heldout.DETECT_SECRETS) | set(heldout.SEMGREP)
    for key in heldout.DISPUTED:
        source_file, *rest = key.split(" ")
        name = rest[0] if source_file.startswith("noseyparker/") else source_file.split("/", 1)[1]
        assert name in known, key
    assert set(heldout.EXCLUDED) <= known
    assert all(heldout.NOSEYPARKER[k] is None for k in heldout.EXCLUDED if k in heldout.NOSEYPARKER)
