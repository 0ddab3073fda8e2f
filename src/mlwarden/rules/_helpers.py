"""Small helpers shared by rule modules (not a rule module itself)."""

from __future__ import annotations

from typing import Any, Iterable, Iterator, Optional, Tuple

from mlwarden.core.lazy import cst
from mlwarden.core.codecache import parse_expression


def last_words(names: Iterable[str]) -> frozenset:
    """Trigger words for qualified names: their last components."""
    return frozenset(name.rsplit(".", 1)[-1] for name in names)


def root_words(names: Iterable[str], *aliases: str) -> frozenset:
    """Trigger words for qualified names: their first components (the module
    every import that resolves to them must name), plus ``aliases``: the
    roots of import paths that ``names.canonical`` maps onto them
    (``tensorflow`` for ``keras``, ``_pickle`` for ``pickle``).

    Sound like :func:`last_words`, and far more selective when the last
    components are everyday words (``open``, ``decode``, ``loads``): a rule
    matching only ``shelve.*`` calls cannot fire in a file whose code never
    mentions ``shelve``. Do not use it for rules that also match keywords or
    strings."""
    return frozenset(name.split(".", 1)[0] for name in names) | frozenset(aliases)


def add_keyword(call: Any, name: str, value: str) -> Any:
    """``f(a)`` -> ``f(a, name=value)``, in the call's own layout.

    The new argument follows the last one the way the arguments are already
    separated (``", "`` on one line, or a new line at the same indentation
    when they are one per line, as a lone argument is when ``(`` and ``)``
    are on lines of their own); whatever followed the last argument (a
    trailing comma, the newline and indentation before ``)``) follows the
    new one; a comment at the end of the last argument's line stays on that
    line."""
    new_arg = cst.Arg(
        keyword=cst.Name(name),
        value=parse_expression(value),
        equal=cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")),
    )
    args = list(call.args)
    if not args:
        return call.with_changes(args=[new_arg])
    last = args[-1]
    trailing_comma = isinstance(last.comma, cst.Comma)
    tail = last.comma.whitespace_after if trailing_comma else last.whitespace_after_arg
    if len(args) > 1 and isinstance(args[-2].comma, cst.Comma):
        separator = args[-2].comma.whitespace_after
    elif isinstance(call.whitespace_before_args, cst.ParenthesizedWhitespace) and isinstance(tail, cst.ParenthesizedWhitespace):
        separator = call.whitespace_before_args  # one argument, on a line of its own, and `)` on the next
    else:
        separator = cst.SimpleWhitespace(" ")
    if isinstance(separator, cst.ParenthesizedWhitespace):
        if isinstance(tail, cst.ParenthesizedWhitespace):
            # the last line's comment stays with the last argument
            separator = separator.with_changes(first_line=tail.first_line)
            tail = tail.with_changes(first_line=cst.TrailingWhitespace())
        elif isinstance(separator.first_line, cst.TrailingWhitespace) and separator.first_line.comment is not None:
            separator = separator.with_changes(first_line=cst.TrailingWhitespace())
    elif isinstance(separator, cst.SimpleWhitespace) and separator.value == "":
        separator = cst.SimpleWhitespace(" ") if not trailing_comma else separator
    comma_before = last.comma.whitespace_before if trailing_comma else cst.SimpleWhitespace("")
    args[-1] = last.with_changes(
        comma=cst.Comma(whitespace_before=comma_before, whitespace_after=separator),
        whitespace_after_arg=last.whitespace_after_arg if trailing_comma else cst.SimpleWhitespace(""),
    )
    if trailing_comma:
        new_arg = new_arg.with_changes(comma=cst.Comma(whitespace_after=tail))
    else:
        new_arg = new_arg.with_changes(whitespace_after_arg=tail)
    return call.with_changes(args=[*args, new_arg])


def keyword_arg(call: Any, name: str) -> Optional[Any]:
    """The ``Arg`` node for keyword ``name`` written directly in the call."""
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == name:
            return arg
    return None


def remove_arg(call: Any, target: Any) -> Any:
    """``f(a, x=1, b)`` minus the ``Arg`` node ``target`` -> ``f(a, b)``, in
    the call's own layout.

    The argument goes with its comma and one of the two spaces around it:
    the line break, if either is one, so arguments that were on their own
    lines stay there. A comment survives unless the line it explained goes
    away whole (or the argument before keeps its own comment). When the
    removed argument was the last one, what followed it (a trailing comma,
    the newline before ``)``) now follows the argument before it."""
    args = list(call.args)
    index = next(i for i, arg in enumerate(args) if arg is target)
    removed = args.pop(index)
    if not args:
        return call.with_changes(args=[], whitespace_before_args=cst.SimpleWhitespace(""))
    if index == 0:
        before = call.whitespace_before_args
    else:
        before = args[index - 1].comma.whitespace_after if isinstance(args[index - 1].comma, cst.Comma) else cst.SimpleWhitespace("")

    def set_before(space: Any) -> Any:
        if index == 0:
            return call.with_changes(args=args, whitespace_before_args=space)
        args[index - 1] = args[index - 1].with_changes(comma=args[index - 1].comma.with_changes(whitespace_after=space))
        return call.with_changes(args=args)

    if index < len(args):  # not the last: the next argument takes one of the spaces
        after = removed.comma.whitespace_after if isinstance(removed.comma, cst.Comma) else cst.SimpleWhitespace("")
        if isinstance(after, cst.ParenthesizedWhitespace) and not isinstance(before, cst.ParenthesizedWhitespace):
            return set_before(after)
        return set_before(before)
    prev = args[-1]
    trailing_comma = isinstance(removed.comma, cst.Comma)
    tail = removed.comma.whitespace_after if trailing_comma else removed.whitespace_after_arg
    kept_comment = isinstance(before, cst.ParenthesizedWhitespace) and before.first_line.comment is not None
    if isinstance(tail, cst.ParenthesizedWhitespace):
        if kept_comment:
            tail = tail.with_changes(first_line=before.first_line)
    elif kept_comment:
        tail = before.with_changes(indent=True, last_line=cst.SimpleWhitespace(""))  # `)` below the kept comment
    if trailing_comma:
        args[-1] = prev.with_changes(comma=prev.comma.with_changes(whitespace_after=tail))
    else:
        args[-1] = prev.with_changes(comma=cst.MaybeSentinel.DEFAULT, whitespace_after_arg=tail)
    return call.with_changes(args=args)


def remove_keyword(call: Any, name: str) -> Optional[Any]:
    """The call without keyword ``name`` written directly in it (None if absent)."""
    arg = keyword_arg(call, name)
    return remove_arg(call, arg) if arg is not None else None


def follow_constant(ctx: Any, expr: Any, depth: int = 8) -> Any:
    """``expr`` with module-level constant names replaced by their value node
    (``LOADER = yaml.SafeLoader``; ``yaml.load(f, Loader=LOADER)``). Import
    aliases are never followed."""
    while depth and isinstance(expr, cst.Name):
        bound = ctx.constants.values.get(expr.value)
        if bound is None or expr.value in ctx.imports.aliases:
            break
        expr = bound
        depth -= 1
    return expr


#: calls that look at a function without running it
_INTROSPECTION = frozenset({"isinstance", "issubclass", "getattr", "hasattr", "setattr", "delattr", "id", "type", "callable", "print", "repr", "str", "vars", "dir", "inspect.signature", "inspect.getsource"})


def reference_to(ctx: Any, expr: Any, targets: Iterable[str]) -> Optional[str]:
    """The target that ``expr`` (a bare name or attribute chain, not a call)
    names, e.g. ``pickle.load`` in ``map(pickle.load, files)``; None
    otherwise. Cheap: only chains ending in a target's last word are
    resolved."""
    if isinstance(expr, cst.Attribute):
        last = expr.attr.value
    elif isinstance(expr, cst.Name):
        last = expr.value
    else:
        return None
    targets = tuple(targets)
    if not any(t.rsplit(".", 1)[-1] == last for t in targets):
        return None
    names = ctx.qualnames(expr)
    return next((t for t in targets if t in names), None)


def passed_references(ctx: Any, call: Any, targets: Iterable[str]) -> Iterator[Tuple[Any, str]]:
    """``(argument value, target)`` for each argument of ``call`` that hands
    one of ``targets`` over as a function (``map(pickle.load, files)``,
    ``partial(torch.load, …)``, ``DataLoader(loader=pickle.load)``), except
    to introspection (``isinstance``, ``getattr`` …)."""
    targets = tuple(targets)
    passed = []
    for arg in call.args:
        if not arg.star:
            found = reference_to(ctx, arg.value, targets)
            if found:
                passed.append((arg.value, found))
    if not passed:
        return  # most calls: the callee need not be resolved (which may need its position)
    func = call.func
    if isinstance(func, cst.Name) and func.value in _INTROSPECTION and not ctx.qualnames(func):
        return
    if ctx.qualnames(func) & _INTROSPECTION:
        return
    yield from passed


def assigned_reference(ctx: Any, node: Any, targets: Iterable[str]) -> Optional[str]:
    """The target an ``Assign``/``AnnAssign`` binds to a new name
    (``loader = pickle.load``), or None."""
    value = getattr(node, "value", None)
    return reference_to(ctx, value, targets) if value is not None else None



def shell_finding(rule: Any, unit: Any, record: Any, message: Optional[str] = None) -> Any:
    """A file rule's finding on an IPython shell line (``!cmd``, ``%%bash``)
    of a notebook cell or an ``.ipy`` file, placed where the command is."""
    from mlwarden.sources.notebook import record_position

    return rule.finding(unit, record.line, record.col, message, **record_position(unit, record))


def notebook_json(*cells: str) -> str:
    """A one-line nbformat 4 notebook with one code cell per argument, for a
    rule's notebook examples: put the flagged call on the first line of its
    cell, so that the cell line (what the finding reports) is line 1 of the
    example, as the harness expects."""
    import json

    return json.dumps(
        {
            "nbformat": 4,
            "nbformat_minor": 5,
            "metadata": {},
            "cells": [
                {"cell_type": "code", "id": f"c{i}", "metadata": {}, "execution_count": None, "outputs": [], "source": src}
                for i, src in enumerate(cells, start=1)
            ],
        }
    )
