"""SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.

Locations are relative to ``%SRCROOT%``, the repository root (the nearest
directory above the working directory that holds ``.git``; the working
directory outside a repository), so GitHub code scanning finds the file
whichever directory mlwarden ran in; a file outside it gets an absolute
``file:`` URI. Notebook findings are located on the notebook file itself
(``startLine`` is the line of the ``.ipynb`` JSON), with the cell named in the
message and in ``properties.cell`` (1-based), ``properties.cellLine`` giving
the position inside the cell.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Dict, List, Optional
from urllib.parse import quote

from mlwarden import __version__
from mlwarden.core import docs
from mlwarden.core.finding import Finding, Severity
from mlwarden.output import Report, dumps_json

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"

_SECURITY_SEVERITY = {Severity.CRITICAL: "9.5", Severity.HIGH: "8.0", Severity.MEDIUM: "5.5", Severity.LOW: "3.0"}


def _rule_descriptor(rule: type) -> Dict[str, Any]:
    text = docs.rule_doc(rule)
    return {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.message},
        "fullDescription": {"text": docs.summary(rule) or rule.message},
        "help": {"text": text, "markdown": docs.render(rule)},
        "helpUri": docs.help_uri(rule),
        "defaultConfiguration": {"level": rule.severity.sarif_level, "enabled": bool(rule.default_enabled)},
        "properties": {
            # GitHub code scanning reads CWEs from CodeQL-style `external/cwe/cwe-N` tags
            "tags": docs.tags(rule) + [f"external/cwe/cwe-{c}" for c in rule.cwe],
            "precision": "high",
            "problem.severity": "error" if rule.severity.sarif_level == "error" else "warning" if rule.severity.sarif_level == "warning" else "recommendation",
            "security-severity": _SECURITY_SEVERITY[rule.severity],
        },
    }


SRCROOT = "%SRCROOT%"


def source_root(cwd: Optional[Path] = None) -> Path:
    """The repository root holding ``cwd`` (default: the working directory),
    or ``cwd`` itself outside a repository: what ``%SRCROOT%`` stands for."""
    cwd = Path(os.path.abspath(cwd or os.getcwd()))
    for directory in (cwd, *cwd.parents):
        if (directory / ".git").exists():
            return directory
    return cwd


def artifact_location(path: str, root: Path, cwd: Optional[Path] = None) -> Dict[str, str]:
    """``{"uri", "uriBaseId"}`` for ``path`` (as displayed, relative to ``cwd``):
    a percent-encoded path relative to ``root``, or an absolute ``file:`` URI
    (and no base id) for a file outside ``root``."""
    absolute = Path(os.path.normpath(os.path.join(cwd or os.getcwd(), path)))
    for candidate, base in ((absolute, root), (absolute.resolve(), root.resolve())):
        try:
            relative = candidate.relative_to(base)
        except ValueError:
            continue
        return {"uri": quote(relative.as_posix(), safe="/"), "uriBaseId": SRCROOT}
    return {"uri": absolute.as_uri()}


def _result(f: Finding, index: Dict[str, int], root: Path) -> Dict[str, Any]:
    region: Dict[str, Any] = {"startLine": max(1, f.file_line or f.line)}
    props: Dict[str, Any] = {"severity": f.severity.value, "security-severity": _SECURITY_SEVERITY[f.severity]}
    if f.context is not None:
        props["context"] = f.context
    if f.cell is None:
        region["startColumn"] = max(1, f.col)
        if f.end_line is not None and f.end_col is not None and (f.end_line, f.end_col) >= (f.line, f.col):
            region["endLine"] = f.end_line
            region["endColumn"] = max(1, f.end_col)
    else:
        props["cell"] = f.cell
        props["cellLine"] = f.line
        props["cellColumn"] = f.col
        if f.output is not None:
            props["output"] = f.output
    message = f.message
    if f.cell is not None:  # code scanning shows the message, not properties
        message += f" (cell {f.cell}" + (f", output {f.output + 1}" if f.output is not None else f", line {f.line}") + ")"
    result: Dict[str, Any] = {
        "ruleId": f.rule_id,
        "level": f.severity.sarif_level,
        "message": {"text": message},
        "locations": [{"physicalLocation": {"artifactLocation": artifact_location(f.path, root), "region": region}}],
        "properties": props,
    }
    if f.rule_id in index:
        result["ruleIndex"] = index[f.rule_id]
    if f.snippet_hash:
        result["partialFingerprints"] = {"mlwarden/v1": f.snippet_hash}
    if f.secret_preview is not None:
        props["secretPreview"] = f.secret_preview
    return result


def render(report: Report) -> str:
    rules = list(report.rules)
    root = source_root()
    index = {r.id: i for i, r in enumerate(rules)}
    notifications: List[Dict[str, Any]] = [
        {"level": "error", "message": {"text": error}, "descriptor": {"id": "input-error"}} for error in report.safe_errors()
    ]
    run: Dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "mlwarden",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": "https://github.com/mlwarden/mlwarden",
                "rules": [_rule_descriptor(r) for r in rules],
            }
        },
        "columnKind": "unicodeCodePoints",
        "originalUriBaseIds": {
            SRCROOT: {"description": {"text": "The root of the repository mlwarden ran in (its working directory outside a repository)."}}
        },
        "invocations": [
            {"executionSuccessful": not report.errors, "toolExecutionNotifications": notifications}
        ],
        "results": [_result(f, index, root) for f in report.findings],
    }
    doc = {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}
    return dumps_json(doc)
