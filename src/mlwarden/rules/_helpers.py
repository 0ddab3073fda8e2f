"""Small helpers shared by rule modules (not a rule module itself)."""

from __future__ import annotations

from typing import Any, Iterable, Iterator, Optional, Tuple

from mlwarden.core.lazy import cst


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
    """``f(a)`` -> ``f(a, name=value)``, keeping the call's formatting."""
    args = list(call.args)
    new_arg = cst.Arg(
        keyword=cst.Name(name),
        value=cst.parse_expression(value),
        equal=cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")),
    )
    if args:
        last = args[-1]
        if last.comma is cst.MaybeSentinel.DEFAULT or last.comma is None:
            args[-1] = last.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
        else:
            # a trailing comma already there: keep layout, add after it
            new_arg = new_arg.with_changes(comma=last.comma)
            args[-1] = last.with_changes(comma=cst.Comma(whitespace_after=last.comma.whitespace_after))
            return call.with_changes(args=[*args, new_arg])
    return call.with_changes(args=[*args, new_arg])


def keyword_arg(call: Any, name: str) -> Optional[Any]:
    """The ``Arg`` node for keyword ``name`` written directly in the call."""
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == name:
            return arg
    return None


def display_name(qualified: str) -> str:
    return qualified


def remove_arg(call: Any, target: Any) -> Any:
    """``f(a, x=1, b)`` minus the ``Arg`` node ``target`` -> ``f(a, b)``.

    When the removed argument is the last one, the previous argument takes its
    comma (a trailing comma and a closing parenthesis on its own line survive;
    ``f(a, x=1)`` becomes ``f(a)``)."""
    args = list(call.args)
    index = next(i for i, arg in enumerate(args) if arg is target)
    removed = args.pop(index)
    if index > 0:
        prev = args[index - 1]
        kept = prev.comma.whitespace_after if isinstance(prev.comma, cst.Comma) else cst.SimpleWhitespace("")
        if isinstance(removed.comma, cst.Comma):  # the comma after the kept argument stays
            args[index - 1] = prev.with_changes(
                comma=removed.comma.with_changes(
                    whitespace_before=prev.comma.whitespace_before if isinstance(prev.comma, cst.Comma) else cst.SimpleWhitespace(""),
                    whitespace_after=_merge_space(kept, removed.comma.whitespace_after),
                )
            )
        else:  # the removed argument was the last, without a trailing comma
            args[index - 1] = prev.with_changes(
                comma=cst.MaybeSentinel.DEFAULT,
                whitespace_after_arg=_merge_space(kept, removed.whitespace_after_arg),
            )
    return call.with_changes(args=args)


def _merge_space(kept: Any, tail: Any) -> Any:
    """Whitespace after a kept argument whose successor was removed: keep its
    own end-of-line comment, take the layout of what followed the removed one."""
    if isinstance(kept, cst.ParenthesizedWhitespace) and kept.first_line.comment is not None:
        if isinstance(tail, cst.ParenthesizedWhitespace):
            return kept.with_changes(indent=tail.indent, last_line=tail.last_line)
        return kept.with_changes(indent=False, last_line=cst.SimpleWhitespace(""))
    return tail


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
    func = call.func
    if isinstance(func, cst.Name) and func.value in _INTROSPECTION and not ctx.qualnames(func):
        return
    if ctx.qualnames(func) & _INTROSPECTION:
        return
    targets = tuple(targets)
    for arg in call.args:
        if arg.star:
            continue
        found = reference_to(ctx, arg.value, targets)
        if found:
            yield arg.value, found


def assigned_reference(ctx: Any, node: Any, targets: Iterable[str]) -> Optional[str]:
    """The target an ``Assign``/``AnnAssign`` binds to a new name
    (``loader = pickle.load``), or None."""
    value = getattr(node, "value", None)
    return reference_to(ctx, value, targets) if value is not None else None


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


def append_keyword(call: Any, name: str, value: str) -> Any:
    """``f(a)`` -> ``f(a, name=value)``, like :func:`add_keyword`, but a call
    laid out one argument per line with a trailing comma gets the new
    argument on its own line with the same indentation."""
    args = list(call.args)
    if not args or not isinstance(args[-1].comma, cst.Comma):
        return add_keyword(call, name, value)
    last = args[-1]
    separator = args[-2].comma.whitespace_after if len(args) > 1 and isinstance(args[-2].comma, cst.Comma) else call.whitespace_before_args
    new_arg = cst.Arg(
        keyword=cst.Name(name),
        value=cst.parse_expression(value),
        equal=cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")),
        comma=last.comma,
    )
    args[-1] = last.with_changes(comma=last.comma.with_changes(whitespace_after=separator))
    return call.with_changes(args=[*args, new_arg])
