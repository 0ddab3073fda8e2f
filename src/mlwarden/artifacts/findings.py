"""Helpers the MLW6xx rules share: one finding per distinct fact, at line 1
column 1 of the file, with the member and offset in the message and a
baseline identity (``snippet_hash``) that ignores offsets."""

from __future__ import annotations

from pathlib import PurePath
from typing import Iterable, Iterator, Optional, Set, Tuple

from mlwarden.core.finding import sha256_hex


def where(member: str, offset: Optional[int]) -> str:
    parts = []
    if member:
        parts.append(f"member `{member}`")
    if offset is not None:
        parts.append(f"offset {offset}")
    return ", ".join(parts) or "the file"


def identity(rule_id: str, *parts: str) -> str:
    return sha256_hex("\x00".join((rule_id, *parts)))


def filename(path: str) -> str:
    return PurePath(path).name or path


def first_of_each(items: Iterable, key) -> Iterator:
    """Items with a new ``key(item)``, in order (first offset wins)."""
    seen: Set[Tuple] = set()
    for item in items:
        k = key(item)
        if k not in seen:
            seen.add(k)
            yield item


def is_trusted(name: str, prefixes: Tuple[str, ...]) -> bool:
    return any(name.startswith(p) for p in prefixes)


def issue_findings(rule, unit, kind: str, message, severity_of=None, keep=None) -> Iterator:
    """One finding of ``rule`` per distinct (member, key) issue of ``kind``
    in the unit's scan report; ``message(issue)`` words it,
    ``severity_of(issue)`` may lower or raise the rule's severity, and
    ``keep(issue)`` False drops an issue the user allowed."""
    from mlwarden.sources.model import model_report

    report = model_report(unit)
    for issue in first_of_each(report.of_kind(kind), lambda i: (i.member, i.key)):
        if keep is not None and not keep(issue):
            continue
        yield rule.finding(
            unit,
            1,
            1,
            message(issue),
            severity=severity_of(issue) if severity_of else None,
            snippet_hash=identity(rule.id, issue.member, issue.key),
        )
