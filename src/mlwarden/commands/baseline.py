"""Write a baseline of the current findings (adopt mlwarden in an existing repository).

``mlwarden baseline [PATH ...]`` checks like ``mlwarden check`` (same
selection options and configuration) and writes every finding's fingerprint to
``.mlwarden-baseline.json`` (or ``--output FILE``). Then
``mlwarden check --baseline .mlwarden-baseline.json`` fails only on new
findings. See docs/baseline.md. Exit status: 0 written, 2 usage error or input
that could not be checked (the baseline is still written for the rest).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import List, Optional

from mlwarden.core.baseline import DEFAULT_NAME
from mlwarden.output import eprint

EXIT_OK, EXIT_ERROR = 0, 2


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", metavar="PATH", help="files or directories (default: .)")
    parser.add_argument("--output", "-o", metavar="FILE", default=DEFAULT_NAME, help=f"baseline file to write (default: {DEFAULT_NAME})")
    parser.add_argument("--select", metavar="CODES", help="comma-separated rule codes or prefixes to enable (replaces the config)")
    parser.add_argument("--extend-select", metavar="CODES", help="rule codes or prefixes to enable in addition")
    parser.add_argument("--ignore", metavar="CODES", help="comma-separated rule codes or prefixes to disable")
    parser.add_argument("--config", metavar="FILE", help="read [tool.mlwarden] from FILE instead of the nearest pyproject.toml")
    parser.add_argument("--isolated", action="store_true", help="ignore all configuration files")
    parser.add_argument("--severity", metavar="LEVEL", help="lowest severity to record: low, medium, high, critical (default: low, every finding)")


def run(args: argparse.Namespace) -> int:
    from mlwarden.commands.check import build_config, check_paths
    from mlwarden.core.baseline import build, dumps
    from mlwarden.core.config import ConfigError
    from mlwarden.fixers.atomic import write_text_atomic

    try:
        config = build_config(args)
    except ConfigError as exc:
        eprint(f"mlwarden: error: {exc}")
        return EXIT_ERROR
    if args.severity is None:
        from mlwarden.core.finding import Severity

        # record every finding: one that a later run shows (`--severity low`,
        # a changed context) is still known
        config.severity = Severity.LOW
    output = Path(args.output)
    results, count = check_paths(args.paths or ["."], config)
    errors = [e for r in results for e in r.errors]
    for error in errors:
        eprint(error)
    doc = build(results, output.resolve().parent)
    try:
        write_text_atomic(output, dumps(doc))
    except OSError as exc:
        eprint(f"mlwarden: error: {args.output}: cannot write baseline: {exc.strerror or exc}")
        return EXIT_ERROR
    total = sum(entry["count"] for entry in doc["findings"])
    print(f"Wrote {total} finding{'s' if total != 1 else ''} ({count} file{'s' if count != 1 else ''} checked) to {args.output}")
    return EXIT_ERROR if errors else EXIT_OK


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="mlwarden baseline", description=__doc__.splitlines()[0])
    add_arguments(parser)
    return run(parser.parse_args(argv))
