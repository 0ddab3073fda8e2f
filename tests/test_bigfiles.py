"""Big files are parsed chunk by chunk (core/chunks.py): same findings as the
whole-module run, bounded memory, and a one-line skip past the size limit.

The thresholds are lowered here so small files take the big-file path."""

from __future__ import annotations

import pytest

from mlwarden.core import chunks
from mlwarden.core.config import Config
from mlwarden.core.engine import check_source
from mlwarden.core.registry import rule_refs

PROLOGUE = '''"""A generated module.

class NotCode:
    torch.load(p)  # column 0 inside a docstring: not a statement
"""
import os
from torch import load as L
import yaml

SAFE = False
LOADER = yaml.Loader
'''

FILLER = '''

def helper_{i}(x):
    """Helper {i}."""
    return os.path.join("data", str(x + {i}))
'''

BIG_CLASS = '''

@decorated
class Model(Base):
    """A long class."""

    revision = "main"

{members}
    def restore(self, p):
        return L(p)

    def config(self, f):
        return yaml.load(f, Loader=LOADER)
'''

MEMBER = '''    def step_{i}(self, x):
        return x * {i}

'''

EPILOGUE = '''

def save(model, out):
    model.save_pretrained(out, use_safetensors=SAFE)


TEXT = """
def fake():
    torch.load(q)
"""
'''


def big_source() -> str:
    return PROLOGUE + "".join(FILLER.format(i=i) for i in range(40)) + BIG_CLASS.format(
        members="".join(MEMBER.format(i=i) for i in range(40))
    ) + EPILOGUE


def places(result):
    return sorted((f.rule_id, f.line, f.col, f.message) for f in result.findings)


@pytest.fixture
def small_thresholds(monkeypatch):
    monkeypatch.setattr(chunks, "BIG_SOURCE", 500)
    monkeypatch.setattr(chunks, "CHUNK_SPLIT", 400)


def test_chunked_run_finds_what_the_whole_module_run_finds(small_thresholds):
    source = big_source()
    assert len(source) > chunks.BIG_SOURCE
    config = Config()
    rules = [r for r in rule_refs() if r.id in ("MLW102", "MLW106", "MLW204")]
    fast = check_source(source, "big.py", config=config, rules=rules)
    full = check_source(source, "big.py", config=config, rules=rules, full=True)
    assert fast.errors == full.errors == []
    assert places(fast) == places(full)
    # what the file holds: an alias from another chunk, constants from another chunk,
    # a member of a class cut at its members, and nothing from inside strings
    lines = source.splitlines()
    assert sorted((rule, lines[line - 1].strip()) for rule, line, _c, _m in places(fast)) == [
        ("MLW102", "return L(p)"),
        ("MLW106", "return yaml.load(f, Loader=LOADER)"),
        ("MLW204", "model.save_pretrained(out, use_safetensors=SAFE)"),
    ]


def test_a_class_cut_at_its_members_keeps_its_header(small_thresholds):
    source = big_source()
    located = chunks.chunks(source, [r for r in rule_refs() if r.id == "MLW102"])
    lines = source.splitlines()
    headers = {lines[first - 1].strip() for (first, _last), _w, _n in located.headers}
    assert "@decorated" in headers
    restore = [p for p in located.pieces if lines[p.first - 1].strip() == "def restore(self, p):"]
    assert len(restore) == 1 and restore[0].node is None  # summarised: the tree is gone
    assert {lines[first - 1].strip() for first, _last in restore[0].headers} == {"@decorated"}


def test_syntax_error_in_a_big_file_is_one_line(small_thresholds):
    source = big_source() + "\ndef broken(:\n    pass\n"
    result = check_source(source, "big.py", config=Config(), rules=[r for r in rule_refs() if r.id == "MLW102"])
    assert result.findings == []
    assert len(result.errors) == 1 and result.errors[0].startswith("big.py: syntax error at line ")


def test_too_big_is_a_one_line_skip(monkeypatch, tmp_path, run_cli):
    monkeypatch.setattr(chunks, "MAX_SOURCE", 1000)
    path = tmp_path / "huge.py"
    path.write_text(big_source())
    code, out, err = run_cli("check", "--isolated", "--select", "MLW102", path)
    assert code == 2
    assert err == f"{path}: not checked: 0.0 MB of Python code is more than the 0 MB mlwarden analyses in one file; split the file or exclude it\n"
    # a file no code rule can fire on is not checked either: the secrets rules
    # read every line of it (a 180 MB generated module: 70 s and 4 GB)
    (tmp_path / "plain.py").write_text("x = 1\n" * 500)
    code, out, err = run_cli("check", "--isolated", tmp_path / "plain.py")
    assert code == 2 and out.startswith("No findings") and err.startswith(f"{tmp_path / 'plain.py'}: not checked: ")
    monkeypatch.setattr(chunks, "MAX_SOURCE", 10_000)
    assert run_cli("check", "--isolated", "--no-cache", tmp_path / "plain.py")[0] == 0  # under the limit: checked


def test_too_much_code_to_walk_is_a_one_line_skip(small_thresholds, monkeypatch):
    monkeypatch.setattr(chunks, "MAX_CODE", 200)
    result = check_source(big_source(), "big.py", config=Config(), rules=[r for r in rule_refs() if r.id == "MLW102"])
    assert result.errors == ["big.py: not checked: more than 0 MB of Python code to analyse in one file; split it or exclude it"]
