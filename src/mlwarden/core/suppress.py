"""``# noqa`` handling shared by every front end.

The CLI honours ``# noqa: MLW101`` (codes or prefixes, flake8 syntax) on the
line a finding points at. A bare ``# noqa`` does **not** silence a security
finding in the CLI (it is too easy to leave one behind for an unrelated style
warning); flake8 itself, which owns noqa there, does honour a bare ``# noqa``.
"""

from __future__ import annotations

from mlwarden.core import lazyre as re  # patterns compile on first use
from typing import FrozenSet, Optional

# flake8's own pattern (flake8/defaults.py), kept compatible on purpose
NOQA_RE = re.compile(
    r"# noqa"
    r"(?::[\s]?(?P<codes>[A-Z]+[0-9]+(?:[,\s]+[A-Z]+[0-9]+)*))?",
    re.IGNORECASE,
)
CODE_SPLIT_RE = re.compile(r"[,\s]+")
ALLOWLIST_SECRET_RE = re.compile(r"pragma:\s*allowlist[ -]secret", re.IGNORECASE)


def noqa_codes(line: str) -> Optional[FrozenSet[str]]:
    """Codes named by a ``# noqa`` comment on ``line``.

    None: no noqa comment. Empty set: a bare ``# noqa``."""
    if "noqa" not in line.lower():
        return None
    match = None
    for match in NOQA_RE.finditer(line):
        pass
    if match is None:
        return None
    codes = match.group("codes")
    if not codes:
        return frozenset()
    return frozenset(c.upper() for c in CODE_SPLIT_RE.split(codes.strip()) if c)


def is_suppressed(rule_id: str, line: str) -> bool:
    codes = noqa_codes(line)
    if not codes:
        return False
    return any(rule_id.startswith(code) for code in codes)


def allowlisted_secret(line: str) -> bool:
    """detect-secrets' inline ``# pragma: allowlist secret``."""
    return bool(ALLOWLIST_SECRET_RE.search(line))
