"""Calls that describe a call instead of making one: mock expectations.

Tests check what their code called with ``unittest.mock``::

    fake.assert_called_once_with("org/model", trust_remote_code=True)
    fake.assert_has_calls([call(path, use_safetensors=False)])

Neither line loads a model. ``assert_called_with`` and its kin compare the
mock's recorded calls with the arguments given, and ``call(...)`` (or
``call.method(...)``) only builds the record to compare with. A rule that
judges a call by its keywords (``trust_remote_code=True``,
``use_safetensors=False``, ``allow_dangerous_deserialization=True``) or a
function handed over as a value (``call(torch.load, ...)``) would report
an expectation as if it were the call, so the engine drops the reports on
such calls, on their arguments and on values inside those arguments.

What stays reported: a call written *inside* an expectation's arguments,
which Python evaluates before the comparison (``fake.assert_called_with(
pickle.loads(blob))`` unpickles ``blob``), and anything in a lambda there.

An expectation is:

- a call of a method named like one of ``unittest.mock``'s assertions on
  calls (:data:`ASSERT_METHODS`), whatever the receiver (``fake``,
  ``self.loader``, ``mocker.patch(...)``'s result);
- a call of ``unittest.mock.call`` (or the ``mock`` backport's), as bound
  in the file (``from unittest.mock import call``, ``mock.call``), or of an
  attribute of it (``call.from_pretrained(...)``), or ``mocker.call`` (the
  pytest-mock fixture's alias).
"""

from __future__ import annotations

import re
from typing import Any, Set

#: ``unittest.mock`` assertion methods whose arguments describe a call
ASSERT_METHODS = frozenset(
    {
        "assert_called_with",
        "assert_called_once_with",
        "assert_any_call",
        "assert_has_calls",
        "assert_awaited_with",
        "assert_awaited_once_with",
        "assert_any_await",
        "assert_has_awaits",
    }
)
#: what ``call`` must resolve to
CALL_FACTORIES = frozenset({"unittest.mock.call", "mock.call"})
#: without one of these a piece of code holds no expectation: an assertion
#: method, or ``call`` as a whole word (not ``callback``, ``__call__``,
#: ``callable``, which most files with findings contain)
_WORDS = re.compile(r"assert_|\bcall\b")


def may_hold(source: str) -> bool:
    """False when ``source`` cannot hold an expectation (a cheap test, so
    that most judged pieces pay no second walk of their tree)."""
    return _WORDS.search(source) is not None


def expectation_nodes(module: Any, ctx: Any) -> Set[int]:
    """``id()`` of every node of ``module`` that belongs to an expectation:
    the call itself, its arguments, and every node of an argument's value
    that is not inside a call (see the module docs)."""
    import libcst as cst

    found: Set[int] = set()

    def describes_a_call(call: Any) -> bool:
        func = call.func
        if isinstance(func, cst.Attribute) and func.attr.value in ASSERT_METHODS:
            return True
        part = func
        while True:
            if isinstance(part, cst.Attribute):
                if part.attr.value == "call" and isinstance(part.value, cst.Name) and part.value.value == "mocker":
                    return True
            if isinstance(part, (cst.Name, cst.Attribute)) and CALL_FACTORIES & ctx.qualnames(part):
                return True
            if not isinstance(part, cst.Attribute):
                return False
            part = part.value

    def mark_value(node: Any) -> None:
        stack = [node]
        while stack:
            current = stack.pop()
            if isinstance(current, (cst.Call, cst.Lambda)):
                continue  # evaluated (or defined) code, judged on its own
            found.add(id(current))
            stack.extend(current.children)

    class _Finder(cst.CSTVisitor):
        def visit_Call(self, node: Any) -> None:
            if describes_a_call(node):
                found.add(id(node))
                found.add(id(node.func))
                for arg in node.args:
                    found.add(id(arg))
                    mark_value(arg.value)

    module.visit(_Finder())
    return found
