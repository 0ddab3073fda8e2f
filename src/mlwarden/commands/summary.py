"""What ``mlwarden check`` prints after the findings (text format).

* ``--statistics``: counts per rule and per context instead of the findings
  (as in ruff), so a user sees where the volume comes from;
* the first-run summary: when the findings fill more than a screen, the rules
  and directories they come from and a hint to ``mlwarden baseline``;
* the footer: how many findings the severity threshold hides.

Under pre-commit (``PRE_COMMIT=1`` in the environment, set by pre-commit
since 2.5) a run may be one of several batches of the same hook, so the
summary line says "in this batch" and the first-run summary is left out.
"""

from __future__ import annotations

import collections
import os
import sys
from pathlib import PurePosixPath
from typing import Dict, List, Sequence, Tuple

from mlwarden.core.context import CONTEXTS
from mlwarden.core.finding import Finding, Severity

#: rows of the first-run summary
TOP = 8


def under_pre_commit() -> bool:
    return os.environ.get("PRE_COMMIT") == "1"


def screenful() -> int:
    """Lines of the terminal (stdout, else stderr), else 40."""
    for stream in (sys.stdout, sys.stderr):
        try:
            return max(10, os.get_terminal_size(stream.fileno()).lines)
        except (OSError, ValueError, AttributeError):
            continue
    return 40


def _names(rules: Sequence[type]) -> Dict[str, str]:
    return {r.id: r.name for r in rules}


def _folders(path: str) -> Tuple[str, ...]:
    """The folders of ``path`` (``./`` and the file name left out)."""
    parts = tuple(p for p in PurePosixPath(path.replace("\\", "/")).parts if p != ".")
    return parts[:-1]


def _directories(paths: Sequence[str]) -> collections.Counter:
    """Findings per directory, one level below the folders every finding
    shares: a run on one project (``check xtuner-0.2.0``) splits into
    ``xtuner-0.2.0/xtuner/configs/``, ``…/tools/`` … rather than one line
    for the whole project. A file directly in the shared folder counts for
    that folder (``./`` when nothing is shared)."""
    folders = [_folders(p) for p in paths]
    shared = 0
    if folders:
        shortest = min(len(f) for f in folders)
        while shared < shortest and len({f[shared] for f in folders}) == 1:
            shared += 1
    counts: collections.Counter = collections.Counter()
    for f in folders:
        counts[str(PurePosixPath(*f[: shared + 1])).rstrip("/") + "/" if f[: shared + 1] else "./"] += 1
    return counts


def statistics_lines(findings: Sequence[Finding], rules: Sequence[type]) -> List[str]:
    """A table: count, rule, name, then one column per context."""
    names = _names(rules)
    columns = list(CONTEXTS) + ["code"]
    per_rule: Dict[str, collections.Counter] = {}
    for f in findings:
        per_rule.setdefault(f.rule_id, collections.Counter())[f.context or "code"] += 1
    if not per_rule:
        return []
    width = max(len(names.get(r, "")) for r in per_rule)
    head = f"{'count':>6}  {'rule':<6}  {'name':<{width}}  " + "  ".join(f"{c:>8}" for c in columns)
    lines = [head]
    order = sorted(per_rule, key=lambda r: (-sum(per_rule[r].values()), r))
    for rule in order:
        counts = per_rule[rule]
        lines.append(
            f"{sum(counts.values()):>6}  {rule:<6}  {names.get(rule, ''):<{width}}  " + "  ".join(f"{counts[c]:>8}" for c in columns)
        )
    totals = collections.Counter(f.context or "code" for f in findings)
    lines.append(f"{len(findings):>6}  {'total':<6}  {'':<{width}}  " + "  ".join(f"{totals[c]:>8}" for c in columns))
    return lines


def first_run_lines(findings: Sequence[Finding], rules: Sequence[type]) -> List[str]:
    """Where a long report comes from, and how to adopt mlwarden anyway."""
    if under_pre_commit():
        return []
    names = _names(rules)
    by_rule = collections.Counter(f.rule_id for f in findings)
    by_dir = _directories([f.path for f in findings])
    by_context = collections.Counter(f.context or "code" for f in findings)
    lines = ["", f"Summary of {len(findings)} findings, by rule:"]
    for rule, count in by_rule.most_common(TOP):
        lines.append(f"  {count:>6}  {rule}  {names.get(rule, '')}")
    if len(by_rule) > TOP:
        rest = sum(c for _r, c in by_rule.most_common()[TOP:])
        lines.append(f"  {rest:>6}  in {len(by_rule) - TOP} more rules")
    lines.append("Top directories: " + ", ".join(f"{d} ({c})" for d, c in by_dir.most_common(5)))
    lines.append("By context: " + ", ".join(f"{c} ({n})" for c, n in by_context.most_common()))
    lines.append(
        "To adopt mlwarden on an existing code base, record these findings with `mlwarden baseline` and run "
        "`mlwarden check --baseline .mlwarden-baseline.json` to fail only on new ones; `--statistics` prints the counts only."
    )
    return lines


def footer_lines(shown: int, hidden: int, threshold: Severity, *, pre_commit: bool = False) -> List[str]:
    if not hidden:
        return []
    more = f"{hidden} more finding{'s' if hidden != 1 else ''} below {threshold.value} severity {'are' if hidden != 1 else 'is'} hidden"
    where = " in this batch" if pre_commit else ""
    return [f"{more}{where} (tests, docs, examples and low-risk calls); `--severity low` shows {'them' if hidden != 1 else 'it'}."]
