"""Baselines: adopt mlwarden in an existing repository and fail only on new findings.

A baseline (``.mlwarden-baseline.json``, written by ``mlwarden baseline``)
records each finding as a fingerprint **without line numbers**:

* ``rule`` — the rule id;
* ``path`` — the file, relative to the baseline file's directory (POSIX);
* ``hash`` — what is wrong, independent of where: the SHA-256 of the secret
  for secret findings, of the whitespace-normalised offending code for code
  findings (``Finding.snippet_hash``, set by the engine), and otherwise of the
  whitespace-normalised text of the flagged line (or of the message when the
  file has no text, e.g. a model file);
* ``count`` — how many identical findings the file had.

``mlwarden check --baseline FILE`` then reports only findings that are not
covered. Matching is **count-aware**: with two identical findings in a file
and one baselined, the second is new. Moving code, adding lines above it or
re-indenting it does not make an old finding new; changing the offending code
(or the secret) does. No secret is stored: only hashes, as in detect-secrets'
own baselines.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path, PurePosixPath
from typing import Any, Dict, Iterable, List, Sequence, Tuple

from mlwarden.core.finding import Finding, sha256_hex

DEFAULT_NAME = ".mlwarden-baseline.json"
VERSION = 1

Key = Tuple[str, str, str]  # (rule, path, hash)


class BaselineError(Exception):
    """A baseline file we cannot use; ``str()`` is the one-line reason."""


def _relative(path: str, root: Path) -> str:
    absolute = os.path.abspath(path)
    try:
        rel = os.path.relpath(absolute, os.path.abspath(root))
    except ValueError:  # another drive (Windows)
        rel = absolute
    return PurePosixPath(Path(rel)).as_posix()


def content_hash(finding: Finding, unit: Any = None) -> str:
    if finding.snippet_hash:
        return finding.snippet_hash
    text = None
    if unit is not None and getattr(unit, "text", None) is not None:
        line = finding.file_line or finding.line
        text = unit.line_text(line)
    if text and text.strip():
        return sha256_hex(" ".join(text.split()))
    return sha256_hex(f"{finding.message}|{finding.cell}|{finding.output}")


def key_of(finding: Finding, root: Path, unit: Any = None) -> Key:
    return (finding.rule_id, _relative(finding.path, root), content_hash(finding, unit))


def _pairs(results: Iterable[Any]) -> List[Tuple[Finding, Any]]:
    """(finding, unit) for every finding of ``UnitResult``s, in report order."""
    out = []
    for result in results:
        for finding in result.findings:
            out.append((finding, getattr(result, "unit", None)))
    out.sort(key=lambda pair: pair[0].sort_key)
    return out


def build(results: Iterable[Any], root: Path) -> Dict[str, Any]:
    counts: Counter = Counter(key_of(f, root, unit) for f, unit in _pairs(results))
    entries = [
        {"rule": rule, "path": path, "hash": digest, "count": count}
        for (rule, path, digest), count in sorted(counts.items())
    ]
    return {"version": VERSION, "tool": "mlwarden", "findings": entries}


def dumps(doc: Dict[str, Any]) -> str:
    return json.dumps(doc, indent=2, sort_keys=False) + "\n"


def load(path: Path) -> Counter:
    """The fingerprint counts in a baseline file. Raises BaselineError."""
    from mlwarden.sources import LoadError, read_regular

    if not Path(path).exists():
        raise BaselineError("baseline file not found (create it with `mlwarden baseline`)")
    try:
        raw = read_regular(path).decode("utf-8")  # never a FIFO or /dev/zero
    except LoadError as exc:
        raise BaselineError(f"cannot read baseline: {exc}") from None
    except UnicodeDecodeError as exc:
        raise BaselineError(f"cannot read baseline: {exc}") from None
    try:
        doc = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise BaselineError(f"invalid baseline: not JSON ({exc.msg} at line {exc.lineno})") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("findings"), list):
        raise BaselineError('invalid baseline: expected an object with a "findings" list')
    if doc.get("version") != VERSION:
        raise BaselineError(f"unsupported baseline version {doc.get('version')!r} (expected {VERSION})")
    counts: Counter = Counter()
    for number, entry in enumerate(doc["findings"], start=1):
        if not isinstance(entry, dict):
            raise BaselineError(f"invalid baseline: entry {number} is not an object")
        rule, path, digest, count = entry.get("rule"), entry.get("path"), entry.get("hash"), entry.get("count", 1)
        if not all(isinstance(v, str) and v for v in (rule, path, digest)) or not isinstance(count, int) or count < 1:
            raise BaselineError(f"invalid baseline: entry {number} needs rule, path, hash (strings) and a positive count")
        counts[(rule, path, digest)] += count
    return counts


def new_findings(results: Sequence[Any], baseline: Counter, root: Path) -> List[Tuple[Any, List[Finding]]]:
    """For each result, the findings the baseline does not cover (count-aware,
    in report order: the first N identical findings of a file are the old ones)."""
    left = Counter(baseline)
    keep = set()
    for finding, unit in _pairs(results):
        key = key_of(finding, root, unit)
        if left[key] > 0:
            left[key] -= 1
            continue
        keep.add(id(finding))
    out = []
    for result in results:
        out.append((result, [f for f in result.findings if id(f) in keep]))
    return out


def filter_results(results: Sequence[Any], baseline_path: Path) -> List[Any]:
    """``results`` with the baselined findings removed. Raises BaselineError."""
    baseline = load(baseline_path)
    root = Path(baseline_path).resolve().parent
    out = []
    for result, findings in new_findings(results, baseline, root):
        result.findings = findings
        out.append(result)
    return out
