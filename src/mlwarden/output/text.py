"""``path:line:col: MLW102 message`` (ruff-style; ``path:cell N:line:col`` in notebooks)."""

from __future__ import annotations

import os

from mlwarden.core.redact import safe_line
from mlwarden.output import Report


def render(report: Report) -> str:
    shown = report.findings if report.show_findings else []
    # paths can hold newlines and ANSI escapes: every line is escaped
    lines = [safe_line(f"{f.location()}: {f.rule_id} [{f.severity.value}] {f.message}") for f in shown]
    if report.verbose:
        lines.extend(f"note: {note}" for note in report.safe_notes())
    n = len(report.findings)
    fixable = sum(1 for f in report.findings if f.fix is not None)
    files = f"{report.files_checked} file{'s' if report.files_checked != 1 else ''} checked"
    # under pre-commit a run is one batch of the hook's files: no total that looks final
    batch = os.environ.get("PRE_COMMIT") == "1"
    if n and batch:
        summary = f"{n} finding{'s' if n != 1 else ''} in this batch ({files}; pre-commit may run mlwarden on several batches)."
    elif n:
        summary = f"Found {n} finding{'s' if n != 1 else ''} ({files})."
        if fixable:
            safe = sum(1 for f in report.findings if f.fix is not None and f.fix.safe)
            summary += f" {fixable} fixable with --fix" + ("" if safe == fixable else " --unsafe-fixes") + "."
    elif batch:
        summary = f"No findings in this batch ({files})."
    else:
        summary = f"No findings ({files})."
    if report.errors:
        summary += f" {len(report.errors)} file{'s' if len(report.errors) != 1 else ''} could not be checked."
    lines.append(summary)
    lines.extend(safe_line(line) for line in report.trailer)
    return "\n".join(lines) + "\n"
