"""The language server's callers key (core/incremental.py) reads defined
and called names from each statement's text: it must find at least what an
``ast`` walk of the statement finds, on real code of many shapes."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from mlwarden.core.incremental import _CallIndex


def _ast_names(statement):
    defined, called = set(), set()
    for node in ast.walk(statement):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            defined.add(node.name)
        elif isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Attribute):
                called.add(func.attr)
            elif isinstance(func, ast.Name):
                called.add(func.id)
    return defined, called


def _offsets(source):
    offsets, at = [], 0
    for line in source.splitlines(keepends=True):
        offsets.append(at)
        at += len(line)
    return offsets


ODD = '''
@register ( "x" )
@functools.lru_cache(maxsize=None)
def load(p, *, allow_pickle=False):
    return (pickle
            .load)(open(p, "rb"))

class  Store(Base, metaclass=Meta):
    async def fetch (self):
        return await self.client.get(
            url)
    restore = lambda self, p: load(p, allow_pickle=True)

x = [f(y) for y in g()]; h ()
if cond:
    def inner(): return outer()(1)
'''


def _sources():
    root = Path(__file__).resolve().parents[1] / "src" / "mlwarden"
    files = [root / "core" / "engine.py", root / "rules" / "_optin.py", root / "cli.py"]
    return [("odd", ODD)] + [(f.name, f.read_text(encoding="utf-8")) for f in files]


@pytest.mark.parametrize("name, source", _sources(), ids=[n for n, _ in _sources()])
def test_text_names_cover_the_ast_names(name, source):
    tree = ast.parse(source)
    index = _CallIndex(tree, source, _offsets(source))
    assert len(index.statements) == len(tree.body) > 0
    for i, statement in enumerate(tree.body):
        defined, called = _ast_names(statement)
        assert defined <= index.defined[i], (name, statement.lineno, defined - index.defined[i])
        assert called <= index.called[i], (name, statement.lineno, called - index.called[i])


def test_a_definition_is_no_call_of_itself():
    source = "def load(p):\n    return p\n\nclass Store:\n    pass\n"
    tree = ast.parse(source)
    index = _CallIndex(tree, source, _offsets(source))
    assert index.defined == [frozenset({"load"}), frozenset({"Store"})]
    assert index.called == [frozenset(), frozenset()]


def test_a_long_word_costs_linear_time():
    """A 300,000-character base64 run in a string: one pass, no backtracking
    blow-up (a regex that starts inside every word is quadratic here)."""
    import time

    source = 'BLOB = "' + "QUJD" * 75_000 + '"\n' + "y = (" + "w" * 100_000 + ")\n"
    tree = ast.parse(source)
    started = time.process_time()
    _CallIndex(tree, source, _offsets(source))
    assert time.process_time() - started < 2.0
