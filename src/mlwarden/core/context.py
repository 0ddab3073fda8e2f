"""Code context and computed severity (see the noise issue).

:func:`adjust` is the one place where a finding's severity is changed after a
rule reported it, from what the engine knows about where the finding lives
(test code, docs, examples, tutorials) and the project. The engine calls it
once per unit, before the severity threshold is applied, so every front door
sees the same severities. It lowers, never drops.
"""

from __future__ import annotations

from typing import Any, List, Sequence

from mlwarden.core.finding import Finding


def adjust(findings: Sequence[Finding], unit: Any, config: Any) -> List[Finding]:
    """The unit's findings with their final severities (today: unchanged)."""
    return list(findings)
