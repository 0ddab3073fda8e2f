"""Test harness for rules, usable by third-party rule packs too.

* :func:`expected_markers` reads ``# error: MLW101[, MLW102]`` markers;
  :func:`expected_places` reads them from any fixture kind (notebook cells,
  ``*.findings.txt`` sidecars for what cannot carry a comment), and
  :func:`found_places` puts findings in the same terms, for exact comparison.
* :func:`check_example` runs one rule on a snippet.
* :func:`assert_rule_examples` checks a rule's VALID/INVALID cases, including
  that an ``Invalid(fixed=...)`` fix produces exactly ``fixed``, that the fixed
  code no longer triggers the rule, and that fixing is idempotent.
"""

from __future__ import annotations

import re
from typing import Any, List, Mapping, Optional, Set, Tuple

from mlwarden.core.config import Config, config_from_mapping
from mlwarden.core.engine import check_source
from mlwarden.core.finding import Finding
from mlwarden.core.fixes import MAX_PASSES, apply_fixes

MARKER_RE = re.compile(r"#\s*error:\s*(?P<codes>MLW\d{3}(?:\s*,\s*MLW\d{3})*)")


def marker_codes(line: str) -> Set[str]:
    """The rule ids of the ``# error:`` marker on ``line`` (empty: none)."""
    match = MARKER_RE.search(line)
    return {code.strip() for code in match.group("codes").split(",")} if match else set()


def expected_markers(text: str) -> Set[Tuple[int, str]]:
    """``{(line, rule_id)}`` for every ``# error: MLWnnn`` marker in ``text``."""
    return {(lineno, code) for lineno, line in enumerate(text.splitlines(), start=1) for code in marker_codes(line)}


#: A place as a fixture states it and a finding has it: ``"12"`` (line),
#: ``"cell 3:2"`` (line in a notebook cell), ``"cell 1:output 1:1"`` (line in
#: an output). Columns are not part of it.
Place = Tuple[str, str]

SIDECAR_SUFFIX = ".findings.txt"


def notebook_markers(text: str) -> Set[Place]:
    """Markers in the code cells of notebook JSON ``text``, by cell line."""
    import json

    nb = json.loads(text)
    cells = nb.get("cells") if isinstance(nb.get("cells"), list) else [c for w in nb.get("worksheets", []) for c in w.get("cells", [])]
    out: Set[Place] = set()
    for number, cell in enumerate(cells, start=1):
        if cell.get("cell_type") != "code":
            continue
        source = cell.get("source", cell.get("input", ""))
        source = "".join(source) if isinstance(source, list) else source
        out |= {(f"cell {number}:{line}", code) for line, code in expected_markers(source)}
    return out


def sidecar_places(text: str) -> Set[Place]:
    """A ``*.findings.txt`` sidecar: one ``<place>:<col>: MLWnnn`` line per
    finding that cannot carry a comment (notebook outputs and metadata);
    ``#`` lines are comments."""
    out: Set[Place] = set()
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            where, code = line.split("  #")[0].rsplit(": ", 1)
            out.add((where.rsplit(":", 1)[0], code.strip()))
    return out


def expected_places(path: "Any", sidecar: "Any" = None) -> Set[Place]:
    """Every finding a fixture file says it has: its markers (by cell line for
    notebooks), plus the lines of ``sidecar`` when given."""
    from pathlib import Path

    path = Path(path)
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".ipynb":
        out = notebook_markers(text)
    else:
        out = {(str(line), code) for line, code in expected_markers(text)}
    if sidecar is not None:
        out |= sidecar_places(Path(sidecar).read_text(encoding="utf-8"))
    return out


def found_places(findings: "Any") -> Set[Place]:
    """Findings in the terms of :func:`expected_places`."""
    out: Set[Place] = set()
    for f in findings:
        where = str(f.line)
        if f.cell is not None:
            where = f"cell {f.cell}:" + (f"output {f.output + 1}:" if f.output is not None else "") + where
        out.add((where, f.rule_id))
    return out


def _config(options: Optional[Mapping[str, Any]]) -> Config:
    """Examples are checked at every severity (a rule's low findings are
    findings too) unless the case sets ``severity``."""
    table = dict(options or {})
    table.setdefault("severity", "low")
    return config_from_mapping(table)


def check_example(rule: type, code: str, filename: str = "example.py", options: Optional[Mapping[str, Any]] = None) -> List[Finding]:
    result = check_source(code, filename, config=_config(options), rules=[rule])
    if result.errors:
        raise AssertionError(f"{rule.id} example could not be checked: {result.errors}")
    return [f for f in result.findings if f.rule_id == rule.id]


def fix_all(rule: type, code: str, filename: str = "example.py", options=None, unsafe: bool = True) -> str:
    for _ in range(MAX_PASSES):
        findings = check_example(rule, code, filename, options)
        code, applied = apply_fixes(code, findings, unsafe=unsafe)
        if not applied:
            break
    return code


def assert_rule_examples(rule: type) -> None:
    for case in rule.VALID:
        found = check_example(rule, case.code, case.filename, case.options)
        assert not found, f"{rule.id} flagged VALID example:\n{case.code}\n-> {[f.location() for f in found]}"
    for case in rule.INVALID:
        found = check_example(rule, case.code, case.filename, case.options)
        expected = {line for line, code in expected_markers(case.code) if code == rule.id}
        if not expected:
            lines = case.code.rstrip("\n").splitlines()
            expected = {max(i for i, text in enumerate(lines, start=1) if text.strip())}
        got = {f.line for f in found}
        assert got == expected, f"{rule.id} INVALID example:\n{case.code}\nexpected lines {sorted(expected)}, got {sorted(got)}"
        if case.fixed is not None:
            fixes = [f.fix for f in found if f.fix is not None]
            assert fixes, f"{rule.id} offers no fix for:\n{case.code}"
            assert all((not fx.safe) == case.unsafe_fix for fx in fixes), f"{rule.id}: fix safety differs from unsafe_fix={case.unsafe_fix}"
            fixed = fix_all(rule, case.code, case.filename, case.options)
            assert fixed == case.fixed, f"{rule.id} fix:\n{case.code}\nexpected:\n{case.fixed}\ngot:\n{fixed}"
            left = check_example(rule, fixed, case.filename, case.options)
            assert not left, f"{rule.id} still fires after its fix:\n{fixed}"
            again = fix_all(rule, fixed, case.filename, case.options)
            assert again == fixed, f"{rule.id} fix is not idempotent"
