"""Small helpers shared by rule modules (not a rule module itself)."""

from __future__ import annotations

from typing import Any, Iterable, Optional

from mlwarden.core.lazy import cst


def last_words(names: Iterable[str]) -> frozenset:
    """Trigger words for qualified names: their last components."""
    return frozenset(name.rsplit(".", 1)[-1] for name in names)


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
