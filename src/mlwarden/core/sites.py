"""Call sites in ``ast``, for the rules' piece tests (``CodeRule.site_gate``).

A rule that reports calls to a few functions (``torch.load``) sees a piece
of a file (:mod:`mlwarden.core.locate`) whenever the function's words occur
in it. Most such pieces only hold calls that are safe as written
(``torch.load(f, weights_only=True)``): :func:`sites` finds the calls and
references that *may* name one of the functions, so a rule can say that
none of them can be reported without libcst seeing the piece.

The test is a superset of what :meth:`mlwarden.core.names.Context.call_to`
matches: a call ``a.b.load(...)`` may be ``torch.load`` whatever ``a.b``
is, and a bare ``L(...)`` may be when some binding of ``L`` anywhere in the
file (an import, an alias, a star import, an assumed well-known module)
resolves to one of them. A name passed on (``map(torch.load, paths)``,
``loader = torch.load``) is a reference: rules that follow those are told
about every one.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, FrozenSet, Iterable, Iterator, List

if TYPE_CHECKING:  # pragma: no cover
    from mlwarden.core.bindings import ModuleFacts


def may_name(expr: ast.AST, facts: "ModuleFacts", targets: FrozenSet[str]) -> bool:
    """Whether the dotted name ``expr`` (a call's function, or a name passed
    on) may be one of ``targets``: as :meth:`Context.qualnames
    <mlwarden.core.names.Context.qualnames>` resolves it, with every meaning
    its head name has anywhere in the file rather than the one where it is
    used (a superset that needs no position)."""
    from mlwarden.core.bindings import canonical, dotted_parts

    parts = dotted_parts(expr)
    if not parts:
        return False  # a call on a call or a subscript: never a dotted name
    rest = parts[1:]
    return any(canonical(".".join([q, *rest])) in targets for q in facts.resolve(parts[0]).qualnames)


def _walk(node: ast.AST, facts: "ModuleFacts", wanted: FrozenSet[str], references: bool):
    """(calls that may call one of ``wanted``, ids of every call's function,
    the names and attributes a reference may be; empty without ``references``)."""
    lasts = frozenset(t.rsplit(".", 1)[-1] for t in wanted)
    calls: List[ast.Call] = []
    called = set()
    named: List[ast.AST] = []
    for sub in ast.walk(node):
        kind = type(sub)
        if kind is ast.Call:
            called.add(id(sub.func))
            if may_name(sub.func, facts, wanted):
                calls.append(sub)
        elif references and ((kind is ast.Attribute and sub.attr in lasts) or kind is ast.Name):
            named.append(sub)
    return calls, called, named


def sites(node: ast.AST, facts: "ModuleFacts", targets: Iterable[str]) -> List[ast.Call]:
    """The calls in ``node`` that may call one of ``targets``."""
    return _walk(node, facts, frozenset(targets), references=False)[0]


def any_site(node: ast.AST, facts: "ModuleFacts", targets: Iterable[str], reportable) -> bool:
    """Whether ``node`` holds a call that may be one of ``targets`` for which
    ``reportable(call)`` is true, or a name that may be one of them used
    other than as a call's function (passed on, assigned): the common
    ``site_gate`` of a rule that judges calls by their arguments and also
    follows the functions passed on. Names are resolved only when no call
    settles it."""
    wanted = frozenset(targets)
    calls, called, named = _walk(node, facts, wanted, references=True)
    if any(reportable(call) for call in calls):
        return True
    # a name passed on: the outermost of a chain (``torch.load``, not its ``torch``)
    inner = {id(n.value) for n in named if type(n) is ast.Attribute}
    return any(id(n) not in called and id(n) not in inner and may_name(n, facts, wanted) for n in named)


def keyword(call: ast.Call, name: str) -> Iterator[ast.expr]:
    """The value of keyword ``name`` written in ``call`` (none, or one)."""
    for kw in call.keywords:
        if kw.arg == name:
            yield kw.value


def literal_true(call: ast.Call, name: str) -> bool:
    """Whether ``call`` passes ``name=True`` as written (a rule reading the
    keyword takes an explicit one first, before any ``**`` mapping)."""
    return any(type(v) is ast.Constant and v.value is True for v in keyword(call, name))
