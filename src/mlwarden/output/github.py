"""GitHub Actions workflow commands (annotations on the PR diff).

Escaping follows the runner's rules for workflow commands: in the data and
in property values ``%``, CR and LF become ``%25``, ``%0D`` and ``%0A``;
property values also escape ``:`` and ``,`` (``%3A``, ``%2C``). Before that,
control characters (ANSI escapes, bidirectional overrides) are shown as
visible escapes and credentials are masked, so a file named
``x\\n::error ...`` stays inside its own annotation."""

from __future__ import annotations

from mlwarden.core.redact import safe_text
from mlwarden.output import Report


def _escape(value: str, prop: bool = False) -> str:
    value = safe_text(value).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        value = value.replace(":", "%3A").replace(",", "%2C")
    return value


def render(report: Report) -> str:
    lines = []
    for f in report.findings:
        level = "error" if f.severity.sarif_level == "error" else ("warning" if f.severity.sarif_level == "warning" else "notice")
        line = f.file_line or f.line
        col = "" if f.cell is not None else f",col={f.col}"
        where = f" (cell {f.cell})" if f.cell is not None else ""
        lines.append(
            f"::{level} file={_escape(f.path, True)},line={line}{col},title={_escape(f.rule_id + ' (' + f.severity.value + ')', True)}::{_escape(f.message + where)}"
        )
    for error in report.errors:
        lines.append(f"::error::{_escape(error)}")
    return "\n".join(lines) + ("\n" if lines else "")
