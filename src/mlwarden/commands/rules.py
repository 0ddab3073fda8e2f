"""List every rule: id, name, severity, fixable, default, summary."""

from __future__ import annotations

import argparse
import json
from typing import List, Optional


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=("text", "json", "markdown"), default="text")


def rows():
    from mlwarden.core import docs
    from mlwarden.core.registry import all_rules

    for rule in all_rules():
        yield {
            "id": rule.id,
            "name": rule.name,
            "severity": rule.severity.value,
            "fixable": rule.fixable(),
            "default": rule.default_enabled,
            "cwe": [f"CWE-{c}" for c in rule.cwe],
            "owasp": list(rule.owasp),
            "summary": docs.summary(rule),
        }


def markdown_table() -> str:
    lines = ["| id | name | severity | CWE | OWASP | fix | default |", "|---|---|---|---|---|---|---|"]
    for row in rows():
        lines.append(
            f"| [{row['id']}](docs/rules/{row['id']}.md) | `{row['name']}` | {row['severity']} | {', '.join(row['cwe'])} "
            f"| {', '.join(row['owasp'])} | {'yes' if row['fixable'] else ''} | {'on' if row['default'] else 'off'} |"
        )
    return "\n".join(lines) + "\n"


def run(args: argparse.Namespace) -> int:
    if args.format == "json":
        print(json.dumps(list(rows()), indent=2))
    elif args.format == "markdown":
        print(markdown_table(), end="")
    else:
        for row in rows():
            flags = ("fix" if row["fixable"] else "   ") + (" " if row["default"] else " off")
            print(f"{row['id']}  {row['name']:<42} {row['severity']:<8} {flags}")
    return 0


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="mlwarden rules")
    add_arguments(parser)
    return run(parser.parse_args(argv))
