"""Show a rule's documentation: ``mlwarden explain MLW102`` (id or name)."""

from __future__ import annotations

import argparse
import sys
from typing import List, Optional


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("rule", metavar="RULE", help="rule id (MLW102) or name (torch-load-without-weights-only)")


def run(args: argparse.Namespace) -> int:
    from mlwarden.core import docs
    from mlwarden.core.registry import REMOVED, rule_by_id

    rule = rule_by_id(args.rule)
    if rule is None:
        code = args.rule.strip().upper()
        if code in REMOVED:
            print(f"mlwarden: {code} was removed: {REMOVED[code]}", file=sys.stderr)
        else:
            print(f"mlwarden: error: unknown rule {args.rule!r} (see `mlwarden rules`)", file=sys.stderr)
        return 2
    sys.stdout.write(docs.render(rule, for_file=False))
    return 0


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="mlwarden explain")
    add_arguments(parser)
    return run(parser.parse_args(argv))
