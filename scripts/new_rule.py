"""Scaffold a new code rule: the rule module, its fixture and its docs page.

    python scripts/new_rule.py --id MLW123 --name foo-bar-load [--target foo.bar.load]

writes

    src/mlwarden/rules/mlw123_foo_bar_load.py   a complete, working CodeRule that
                                                 flags calls to --target (edit it)
    fixtures/rules/MLW123.py                     one marked finding, one look-alike
    docs/rules/MLW123.md                         generated from the rule's docstring

and then runs ``scripts/gen_rule_docs.py`` of that checkout, which also adds
the rule to the README's rule table. The rule starts complete (metadata, all
docs headings, VALID/INVALID examples), so the test suite passes from the
first run; then make it right: real targets and triggers, the docs, more
examples and fixture lines, and run `python scripts/gen_rule_docs.py` after
every change to the docstring.
Nothing is overwritten (exit 1 if a file exists). ``--root`` writes into
another checkout (the tests scaffold into a temporary directory).
"""

from __future__ import annotations

import argparse
import importlib.util
import re
import sys
from pathlib import Path
from typing import Dict, List, Optional

ROOT = Path(__file__).resolve().parent.parent

ID_RE = re.compile(r"^MLW\d{3}$")
NAME_RE = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
TARGET_RE = re.compile(r"^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+$")

RULE_TEMPLATE = '''from __future__ import annotations

from mlwarden.core.finding import Severity
from mlwarden.core.rule import CodeRule, Invalid, Valid
from mlwarden.rules._helpers import last_words

# Qualified names this rule flags (import aliases are resolved for you).
TARGETS = ({target!r},)


class {cls}(CodeRule):
    """## What it does
    Flags calls to `{target}`.

    ## Why is this bad?
    TODO: explain the attack in two or three sentences: who controls the
    input, and what running it gives them.

    ## Example
    ```python
    import {module}

    {target}(path)
    ```

    ## Use instead
    ```python
    import json

    json.load(path)
    ```

    ## References
    - [CWE-{cwe}](https://cwe.mitre.org/data/definitions/{cwe}.html)
    - OWASP {owasp}
    """

    id = {rule_id!r}
    name = {name!r}
    severity = Severity.{severity}
    cwe = ({cwe},)
    owasp = ({owasp!r},)
    message = "`{target}` TODO says what is wrong; TODO say what to do instead"
    triggers = last_words(TARGETS)

    VALID = [
        Valid("import json\\njson.load(f)"),
        Valid("obj.{last}(path)"),
    ]
    INVALID = [
        Invalid("import {module}\\n{target}(path)"),
        Invalid("import {module} as alias\\nalias.{last}(path)"),
    ]

    def visit_Call(self, node) -> None:
        if self.ctx.call_to(node, TARGETS):
            self.report(node)
'''

FIXTURE_TEMPLATE = '''# Fixture for {rule_id} ({name}): every flagged line is marked; the rest must stay quiet.
import {module}
import {module} as alias

{target}(path)  # error: {rule_id}
alias.{last}(  # error: {rule_id}
    path,
)

# look-alikes that are fine
obj.{last}(path)
{last}(path)
'''


def pascal(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("-"))


def paths(root: Path, rule_id: str, name: str) -> Dict[str, Path]:
    return {
        "rule": root / "src" / "mlwarden" / "rules" / f"{rule_id.lower()}_{name.replace('-', '_')}.py",
        "fixture": root / "fixtures" / "rules" / f"{rule_id}.py",
        "docs": root / "docs" / "rules" / f"{rule_id}.md",
    }


def render_docs(rule_file: Path) -> str:
    """The docs page for the new rule, as scripts/gen_rule_docs.py writes it."""
    sys.path.insert(0, str(ROOT / "src"))
    from mlwarden.core import docs
    from mlwarden.core.rule import CodeRule

    spec = importlib.util.spec_from_file_location(f"_mlwarden_new_rule_{rule_file.stem}", rule_file)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # validates the metadata
    (rule,) = [v for v in vars(module).values() if isinstance(v, type) and issubclass(v, CodeRule) and "id" in v.__dict__]
    return docs.render(rule)


def existing_ids(root: Path) -> List[str]:
    rules_dir = root / "src" / "mlwarden" / "rules"
    return sorted(p.name[:6].upper() for p in rules_dir.glob("mlw[0-9][0-9][0-9]_*.py")) if rules_dir.is_dir() else []


def scaffold(
    root: Path,
    rule_id: str,
    name: str,
    target: Optional[str] = None,
    severity: str = "high",
    cwe: int = 502,
    owasp: str = "ML06:2023",
) -> Dict[str, Path]:
    """Write the three files; raise ValueError for bad input or existing files."""
    rule_id = rule_id.upper()
    if not ID_RE.match(rule_id):
        raise ValueError(f"--id {rule_id!r}: expected MLW and three digits, e.g. MLW123")
    if not NAME_RE.match(name):
        raise ValueError(f"--name {name!r}: expected kebab-case, e.g. foo-bar-load")
    if rule_id in existing_ids(root):
        raise ValueError(f"{rule_id} is already used by a rule in {root / 'src/mlwarden/rules'}")
    target = target or "example_lib." + name.replace("-", "_")
    if not TARGET_RE.match(target):
        raise ValueError(f"--target {target!r}: expected a qualified name such as foo.bar.load")
    if severity.upper() not in ("CRITICAL", "HIGH", "MEDIUM", "LOW"):
        raise ValueError(f"--severity {severity!r}: expected critical, high, medium or low")
    out = paths(root, rule_id, name)
    for path in out.values():
        if path.exists():
            raise ValueError(f"{path} already exists; not overwriting")
    module, _, last = target.rpartition(".")
    values = dict(
        rule_id=rule_id, name=name, cls=pascal(name), target=target, module=module, last=last,
        severity=severity.upper(), cwe=cwe, owasp=owasp,
    )
    out["rule"].parent.mkdir(parents=True, exist_ok=True)
    out["rule"].write_text(RULE_TEMPLATE.format(**values), encoding="utf-8")
    try:
        page = render_docs(out["rule"])
    except Exception:
        out["rule"].unlink()
        raise
    out["fixture"].parent.mkdir(parents=True, exist_ok=True)
    out["fixture"].write_text(FIXTURE_TEMPLATE.format(**values), encoding="utf-8")
    out["docs"].parent.mkdir(parents=True, exist_ok=True)
    out["docs"].write_text(page, encoding="utf-8")
    return out


def regenerate_docs(root: Path) -> Optional[str]:
    """Run ``root``'s ``scripts/gen_rule_docs.py`` in a fresh interpreter (it
    imports ``root``'s own ``src``, new rule included): docs pages and the
    README rule table. Returns its error output on failure, None on success
    or when ``root`` has no such script."""
    script = root / "scripts" / "gen_rule_docs.py"
    if not script.is_file():
        return None
    import subprocess

    proc = subprocess.run([sys.executable, "-I", str(script)], cwd=root, capture_output=True, text=True)
    return None if proc.returncode == 0 else (proc.stderr.strip() or proc.stdout.strip() or f"exit status {proc.returncode}")


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--id", required=True, help="rule id, e.g. MLW123")
    parser.add_argument("--name", required=True, help="kebab-case name of the flagged pattern, e.g. foo-bar-load")
    parser.add_argument("--target", help="qualified name the rule flags (default: example_lib.<name>)")
    parser.add_argument("--severity", default="high", help="critical, high, medium or low (default: high)")
    parser.add_argument("--cwe", type=int, default=502, help="CWE number (default: 502)")
    parser.add_argument("--owasp", default="ML06:2023", help="OWASP ML/LLM Top 10 id (default: ML06:2023)")
    parser.add_argument("--root", type=Path, default=ROOT, help="checkout to write into (default: this one)")
    args = parser.parse_args(argv)
    try:
        written = scaffold(args.root, args.id, args.name, args.target, args.severity, args.cwe, args.owasp)
    except (ValueError, TypeError) as exc:
        print(f"new_rule: error: {exc}", file=sys.stderr)
        return 1
    for path in written.values():
        print(f"created {path}")
    problem = regenerate_docs(args.root)
    if problem is not None:
        print(f"new_rule: error: scripts/gen_rule_docs.py failed: {problem}", file=sys.stderr)
        return 1
    print("next: fill in the TODOs, run `python scripts/gen_rule_docs.py` after editing the docstring, and `python -m pytest -q`")
    return 0


if __name__ == "__main__":
    sys.exit(main())
