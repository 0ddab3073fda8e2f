"""The engine's read-only batched walk (core/walkcst.py) against libcst's own
visit: the same events in the same order, the same rule methods called."""

from __future__ import annotations

import itertools
import textwrap
from pathlib import Path

import libcst
import pytest
from libcst import BatchableCSTVisitor

from mlwarden.core import _walkcst_table as table
from mlwarden.core import walkcst

ROOT = Path(__file__).resolve().parent.parent

#: every statement and expression kind the grammar of the running Python has,
#: including the conditional ones (`from x import *`, f-strings with and without a format spec)
EVERY_KIND = textwrap.dedent(
    '''\
    #!/usr/bin/env python
    # a header comment

    """Module docstring."""
    from __future__ import annotations
    import os, sys as system
    from . import sibling
    from ..pkg import (a as b,
                       c)  # trailing
    from pkg.mod import *

    GLOBAL: int = 1
    x = y = [1, *rest]; del x
    x += 1
    assert x, "message"
    t = (1,) ; s = {1, 2} ; d = {**e, "k": v, 1: 2}
    lam = lambda p, /, q=1, *args, r, **kw: (p if q else r)
    comp = [i for i in range(3) if i > 0 for j in "ab"]
    gen = (i async for i in aiter()) if False else {k: v for k, v in d.items()}
    f"{x!r:>{width}} and {y=}" f'{"nested"}' u"text"
    rb"bytes" b'more'
    (w := 10)
    sub = a[1:2, ::3, ...]
    call(*args, key=value, **kwargs).attribute[0]
    not a and b or c < d <= e is not f in g
    -x ** ~y // z @ w % v | u & t ^ s << r >> q

    @decorator
    @other.decorator(arg)
    async def function(a: int = 1, *, b: "str" = "x") -> None:
        """Docstring."""
        global GLOBAL
        nonlocal_thing = 1
        async with open(a) as f, lock:
            await f.read()
        async for item in stream:
            yield item
        yield from other()
        try:
            raise ValueError("x") from None
        except (ValueError, TypeError) as exc:
            pass
        except Exception:
            return
        else:
            continue_ = 1
        finally:
            pass
        while True:
            break
        else:
            pass
        for i in range(3):
            continue
        if a:
            pass
        elif b:
            pass
        else:
            pass
        with open(a) as (x, y):
            pass
        match command:
            case [1, 2, *others]:
                pass
            case {"key": value, **rest}:
                pass
            case Point(x=0, y=0) | None:
                pass
            case str() as text if text:
                pass
            case _:
                pass

    class Klass(Base, metaclass=Meta):
        attribute = 1

        def method(self):
            def inner():
                nonlocal attribute
            return inner

        # a comment at the end of the class body
    try:
        pass
    except* OSError:
        pass
    '''
)


def _sources():
    yield "every-kind", EVERY_KIND
    for path in sorted((ROOT / "fixtures").rglob("*.py")):
        try:
            yield str(path.relative_to(ROOT)), path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
    for path in sorted((ROOT / "src" / "mlwarden").rglob("*.py")):
        yield str(path.relative_to(ROOT)), path.read_text(encoding="utf-8")


def _modules():
    for name, source in _sources():
        try:
            yield name, libcst.parse_module(source)
        except libcst.ParserSyntaxError:
            continue


def test_the_table_is_this_libcsts_order():
    """The stored table was made from the installed libcst (regenerate with
    `python -m mlwarden.core.walkcst --write-table`); with another version
    the walk is off and libcst's own visit runs."""
    if walkcst.libcst_version() == table.LIBCST_VERSION:
        assert walkcst.compute_orders() == table.ORDERS
        assert walkcst.usable()
    else:
        assert not walkcst.usable()


def test_the_sample_reaches_every_kind_the_walk_treats_apart():
    """The sample holds the node kinds with a conditional child order and
    the newer statements, so the event test covers them."""
    module = libcst.parse_module(EVERY_KIND)
    kinds = {event for event in walkcst.libcst_events(module)}
    names = set()

    class Kinds(libcst.CSTVisitor):
        def on_visit(self, node):
            names.add(type(node).__name__)
            return True

    module.visit(Kinds())
    assert kinds
    assert {"ImportFrom", "ImportStar", "FormattedStringExpression", "Match", "MatchClass", "TryStar", "NamedExpr", "Lambda", "Comment"} <= names


_NAMES = [name for name, _ in _sources()]


@pytest.mark.sweep(every=8)
@pytest.mark.parametrize("name", _NAMES)
def test_events_are_libcsts_events_on_real_code(name):
    """Every visit, leave and attribute hook, in order, trivia included."""
    if not walkcst.usable():
        pytest.skip("walk is off for this libcst version (the table test says why)")
    source = EVERY_KIND if name == "every-kind" else (ROOT / name).read_text(encoding="utf-8")
    try:
        module = libcst.parse_module(source)
    except libcst.ParserSyntaxError:
        pytest.skip("libcst cannot parse this fixture (a deliberately broken file)")
    assert walkcst.walk_events(module) == walkcst.libcst_events(module)


class _Recorder(BatchableCSTVisitor):
    """Rule-like methods, attribute hooks included."""

    def __init__(self, log):
        super().__init__()
        self.log = log

    def visit_Call(self, node):
        self.log.append(("call", libcst.Module([]).code_for_node(node.func)))

    def visit_FunctionDef(self, node):
        self.log.append(("def", node.name.value))

    def leave_FunctionDef(self, original_node):
        self.log.append(("end", original_node.name.value))

    def visit_If_body(self, node):
        self.log.append(("if-body", id(node)))

    def leave_If_orelse(self, node):
        self.log.append(("if-orelse-done", id(node)))

    def visit_Name(self, node):
        self.log.append(("name", node.value))


class _WithTrivia(_Recorder):
    def visit_Comma(self, node):
        self.log.append(("comma",))


@pytest.mark.parametrize("visitor", [_Recorder, _WithTrivia])
def test_rule_methods_are_called_as_libcst_calls_them(visitor):
    hooks = set()
    for name, module in [("every-kind", libcst.parse_module(EVERY_KIND)), *itertools.islice(_modules(), 1, 25)]:
        ours, theirs = [], []
        walkcst.visit_batched(module, [visitor(ours)])
        libcst.visit_batched(module, [visitor(theirs)])
        assert ours == theirs, name
        hooks.update(entry[0] for entry in ours)
    assert {"call", "def", "end", "if-body", "if-orelse-done", "name"} <= hooks


def test_trivia_are_skipped_only_when_no_visitor_asks_for_them():
    module = libcst.parse_module("f(a, b)\n")
    plain, with_commas = [], []
    walkcst.visit_batched(module, [_Recorder(plain)])
    walkcst.visit_batched(module, [_WithTrivia(with_commas)])
    assert ("comma",) not in plain
    assert with_commas.count(("comma",)) == 1


def _parses_alike(source, direct, entry_point, settings=()):
    """``direct`` (core/codecache) and libcst's ``entry_point`` give the same
    tree, code and module settings, or the same syntax error."""
    try:
        expected = entry_point(source)
    except libcst.ParserSyntaxError as exc:
        with pytest.raises(libcst.ParserSyntaxError) as raised:
            direct(source)
        assert str(raised.value) == str(exc)
        return
    got = direct(source)
    assert got.deep_equals(expected)
    assert [getattr(got, s) for s in settings] == [getattr(expected, s) for s in settings]


_MODULE_SETTINGS = ("code", "encoding", "default_indent", "default_newline", "has_trailing_newline")


@pytest.mark.sweep(every=8)
@pytest.mark.parametrize("name", _NAMES)
def test_the_direct_parser_is_libcsts_entry_point(name):
    """core/codecache.parse_module calls libcst's native parser as
    ``libcst.parse_module`` does for a ``str``: the same tree, the same
    module settings, the same syntax error."""
    from mlwarden.core.codecache import parse_module

    source = EVERY_KIND if name == "every-kind" else (ROOT / name).read_text(encoding="utf-8")
    _parses_alike(source, parse_module, libcst.parse_module, _MODULE_SETTINGS)


@pytest.mark.parametrize("source", ["x = (\n", "def f(:\n    pass\n", "a = 1\r\nb = 2\r\n", "\tif x:\n\t\ty = 1", ""])
def test_the_direct_parser_on_odd_sources(source):
    from mlwarden.core.codecache import parse_module

    _parses_alike(source, parse_module, libcst.parse_module, _MODULE_SETTINGS)


@pytest.mark.parametrize("source", ["True", "x.y(z, *a, **k)", "[i for i in range(3)]", "f'{a!r:>{w}}'", "lambda: (yield)", "1 +"])
def test_the_direct_expression_parser_is_libcsts(source):
    from mlwarden.core.codecache import parse_expression

    _parses_alike(source, parse_expression, libcst.parse_expression)
