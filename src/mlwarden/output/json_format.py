"""Machine-readable findings. Secrets appear only as a masked preview and hash;
fix texts and errors are redacted too (a fix that rewrites a URL would
otherwise echo its credentials)."""

from __future__ import annotations

from typing import Any, Dict

from mlwarden import __version__
from mlwarden.core.finding import Finding
from mlwarden.core.redact import redact_text
from mlwarden.output import Report, dumps_json


def finding_dict(f: Finding, rules: Dict[str, type]) -> Dict[str, Any]:
    rule = rules.get(f.rule_id)
    out: Dict[str, Any] = {
        "rule_id": f.rule_id,
        "rule_name": f.rule_name or (rule.name if rule else ""),
        "severity": f.severity.value,
        "context": f.context,
        "path": f.path,
        "line": f.line,
        "col": f.col,
        "end_line": f.end_line,
        "end_col": f.end_col,
        "cell": f.cell,
        "output": f.output,
        "message": f.message,
        "cwe": [f"CWE-{c}" for c in rule.cwe] if rule else [],
        "owasp": list(rule.owasp) if rule else [],
        "fingerprint": f.snippet_hash,
        "fix": None,
    }
    if f.secret_preview is not None:
        out["secret_preview"] = f.secret_preview
    if f.fix is not None:
        out["fix"] = {
            "safe": f.fix.safe,
            "description": f.fix.description,
            "edits": [
                {"start": [e.start_line, e.start_col + 1], "end": [e.end_line, e.end_col + 1], "text": redact_text(e.text)}
                for e in f.fix.edits
            ],
        }
    return out


def render(report: Report) -> str:
    rules = {r.id: r for r in report.rules}
    doc = {
        "tool": "mlwarden",
        "version": __version__,
        "findings": [finding_dict(f, rules) for f in report.findings],
        "errors": report.safe_errors(),
        "summary": {"findings": len(report.findings), "errors": len(report.errors), "files_checked": report.files_checked},
    }
    return dumps_json(doc)
