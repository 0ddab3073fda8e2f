"""Check files and directories for ML security problems.

Exit status: 0 no findings, 1 findings, 2 usage error or input that could not
be checked (one line on stderr per such file; the other files are still
checked).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, List, Optional, Sequence

from mlwarden.core.config import Config, ConfigError, load_config
from mlwarden.core.engine import UnitResult
from mlwarden.core.finding import Severity
from mlwarden.core.registry import split_codes as _codes
# the walker and the check/fix pipeline live in the core (re-exported here)
from mlwarden.core.run import check_paths, fix_paths  # noqa: F401
from mlwarden.core.walk import _walk_skips, input_error, iter_files  # noqa: F401
from mlwarden.core.redact import safe_line
from mlwarden.output import eprint

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def exit_status(findings: Sequence[Any], errors: Sequence[Any], exit_zero: bool = False) -> int:
    """2 when some input could not be checked, else 1 for findings (unless
    ``--exit-zero``), else 0: the exit status of ``check`` and ``scan-model``."""
    if errors:
        return EXIT_ERROR
    if findings and not exit_zero:
        return EXIT_FINDINGS
    return EXIT_CLEAN


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", metavar="PATH", help="files or directories (default: .)")
    parser.add_argument("--select", metavar="CODES", help="comma-separated rule codes or prefixes to enable (replaces the config)")
    parser.add_argument("--extend-select", metavar="CODES", help="rule codes or prefixes to enable in addition")
    parser.add_argument("--ignore", metavar="CODES", help="comma-separated rule codes or prefixes to disable")
    parser.add_argument("--format", choices=("text", "json", "sarif", "github"), default="text", help="output format (default: text)")
    parser.add_argument("--output", "-o", metavar="FILE", help="write the report to FILE instead of stdout")
    parser.add_argument("--config", metavar="FILE", help="read [tool.mlwarden] from FILE instead of the nearest pyproject.toml")
    parser.add_argument("--isolated", action="store_true", help="ignore all configuration files")
    parser.add_argument("--severity", metavar="LEVEL", help="lowest severity to report: low, medium, high, critical")
    parser.add_argument("--exit-zero", action="store_true", help="exit 0 even when there are findings")
    parser.add_argument("--verbose", "-v", action="store_true", help="also print notes (skipped files, assumptions)")
    parser.add_argument("--statistics", action="store_true", help="text format: print counts per rule and per context (test, docs, dev, example, tutorial, code) instead of the findings")
    parser.add_argument("--no-context", action="store_true", help="do not lower the severity of findings in tests, docs, examples and tutorial notebooks")
    add_fix_arguments(parser)
    add_baseline_arguments(parser)
    add_speed_arguments(parser)


def build_config(args: argparse.Namespace) -> Config:
    """Config file, then command-line overrides. Raises ConfigError."""
    from mlwarden.core.registry import validate_codes

    if args.isolated:
        config = Config()
    else:
        config = load_config(Path(args.config) if args.config else None)
    try:
        if args.select is not None:
            config.select = validate_codes(_codes(args.select) or [], "--select")
        if args.extend_select is not None:
            config.extend_select = config.extend_select + validate_codes(_codes(args.extend_select) or [], "--extend-select")
        if args.ignore is not None:
            config.ignore = config.ignore + validate_codes(_codes(args.ignore) or [], "--ignore")
        if args.severity is not None:
            config.severity = Severity.parse(args.severity)
        if getattr(args, "no_context", False):
            config.context = False
    except ValueError as exc:
        raise ConfigError(str(exc)) from None
    return config


def add_speed_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--jobs", "-j", type=int, default=0, metavar="N",
        help="worker processes (default: all cores when more than 32 files need checking, else 1)",
    )
    parser.add_argument("--no-cache", action="store_true", help=f"do not read or write the results cache ({CACHE_DIR})")


CACHE_DIR = ".mlwarden_cache/"


def speed_options(args: argparse.Namespace) -> dict:
    """``check_paths`` keywords from --jobs/--no-cache."""
    return {"jobs": max(0, getattr(args, "jobs", 0) or 0), "cache": not getattr(args, "no_cache", False), "keep_units": False}


def run(args: argparse.Namespace) -> int:
    if fixing(args):
        return run_fixes(args)
    from mlwarden.output import Report, renderer

    try:
        config = build_config(args)
    except ConfigError as exc:
        eprint(f"mlwarden: error: {exc}")
        return EXIT_ERROR
    # check at every severity, then apply the threshold here: the report can
    # say how many findings the threshold hides (lowered, never dropped)
    threshold = config.severity
    config.severity = Severity.LOW
    results, count = check_paths(args.paths or ["."], config, **speed_options(args))
    config.severity = threshold
    if not apply_baseline(args, results):
        return EXIT_ERROR
    every = [f for r in results for f in r.findings]
    findings = [f for f in every if f.severity.rank >= threshold.rank]
    errors = [e for r in results for e in r.errors]
    for error in errors:
        eprint(error)
    report = Report(findings=findings, errors=errors, rules=SelectedRules(config), files_checked=count, verbose=args.verbose)
    if args.verbose and config.source is not None:
        report.notes.append(f"configuration: {config.source}")
    if args.verbose:
        report.notes.extend(version_notes(config, [r.path for r in results]))
        for rule in report.rules:  # the data a rule reads (MLW306's malicious-package snapshot date)
            report.notes.extend(getattr(rule, "data_notes", list)())
    if args.format == "text":
        from mlwarden.commands import summary

        hidden = len(every) - len(findings)
        if args.statistics:
            report.trailer.extend(summary.statistics_lines(findings, config.rules()))
            report.show_findings = False
        elif len(findings) > summary.screenful():
            report.trailer.extend(summary.first_run_lines(findings, config.rules()))
        report.trailer.extend(summary.footer_lines(len(findings), hidden, threshold, pre_commit=summary.under_pre_commit()))
    text = renderer(args.format)(report)
    if args.output:
        from mlwarden.fixers.atomic import write_text_atomic

        try:
            write_text_atomic(Path(args.output), text)
        except OSError as exc:
            eprint(f"mlwarden: error: {args.output}: cannot write report: {exc.strerror or exc}")
            return EXIT_ERROR
    else:
        sys.stdout.write(text)
        sys.stdout.flush()
    return exit_status(findings, errors, args.exit_zero)


class SelectedRules(Sequence):
    """The selected rule classes, imported when a format first asks (JSON and
    SARIF describe every rule; the text format never does, so a clean run
    imports no rule it did not need)."""

    def __init__(self, config: Config) -> None:
        self._config = config
        self._rules: Optional[List[type]] = None

    def _loaded(self) -> List[type]:
        if self._rules is None:
            self._rules = [ref.load() for ref in self._config.rule_refs()]
        return self._rules

    def __getitem__(self, index):
        return self._loaded()[index]

    def __len__(self) -> int:
        return len(self._loaded())


# ---------------------------------------------------------------------------
# --baseline


def add_baseline_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--baseline", metavar="FILE", help="report only findings not recorded in FILE (written by `mlwarden baseline`)")


def apply_baseline(args: argparse.Namespace, results: List[UnitResult]) -> bool:
    """Drop baselined findings from ``results`` in place. False (after a
    one-line error on stderr) when the baseline file cannot be used."""
    if not getattr(args, "baseline", None):
        return True
    from mlwarden.core.baseline import BaselineError, filter_results

    try:
        filter_results(results, Path(args.baseline))
    except BaselineError as exc:
        eprint(f"{args.baseline}: {exc}")
        return False
    return True


# ---------------------------------------------------------------------------
# --fix / --unsafe-fixes / --diff


def version_notes(config: Config, paths: Sequence[str]) -> List[str]:
    """``--verbose``: the package versions the version-aware rules assumed,
    once per project directory."""
    from mlwarden.core.versions import project_versions

    notes: List[str] = []
    seen = set()
    for path in paths:
        try:
            pv = project_versions(config, path)
        except Exception as exc:  # never let a note break the report
            notes.append(f"versions: cannot read the pins for {path}: {exc}")
            continue
        if id(pv) in seen:
            continue
        seen.add(id(pv))
        where = getattr(pv, "directory", None) or "configuration"
        notes.extend(f"assumed version ({where}): {note}" for note in pv.notes())
    return notes


def add_fix_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--fix", action="store_true", help="apply safe fixes, then report what is left")
    parser.add_argument("--unsafe-fixes", action="store_true", help="also apply fixes that may change behaviour (implies --fix)")
    parser.add_argument("--diff", action="store_true", help="print the fixes as a unified diff instead of writing them (exit 1 if there is a diff)")


def fixing(args: argparse.Namespace) -> bool:
    return bool(getattr(args, "fix", False) or getattr(args, "unsafe_fixes", False) or getattr(args, "diff", False))


def run_fixes(args: argparse.Namespace) -> int:
    """``--fix``/``--unsafe-fixes``: fix, then run the normal check (which
    reports what is left). ``--diff``: print the diff, write nothing."""
    from mlwarden.core.fixes import unified_diff

    try:
        config = build_config(args)
    except ConfigError as exc:
        eprint(f"mlwarden: error: {exc}")
        return EXIT_ERROR
    paths = args.paths or ["."]
    stream = sys.stdout if args.format == "text" and not args.diff else sys.stderr
    write_errors: List[str] = []
    outcomes, errors = fix_paths(
        paths, config, unsafe=args.unsafe_fixes, write=not args.diff, announce=lambda line: print(safe_line(line), file=stream),
        write_errors=write_errors,
    )
    if args.diff:
        for error in errors:
            eprint(error)
        from mlwarden.core.redact import redact_text

        for outcome in outcomes:  # a report, not a patch: credentials in context lines are masked
            sys.stdout.write(redact_text(unified_diff(outcome.display, outcome.original, outcome.raw, outcome.encoding)))
        fixes = sum(o.applied for o in outcomes)
        if outcomes:
            eprint(f"Would fix {fixes} finding{'s' if fixes != 1 else ''} in {len(outcomes)} file{'s' if len(outcomes) != 1 else ''}.")
        if errors:
            return EXIT_ERROR
        return EXIT_FINDINGS if outcomes else EXIT_CLEAN
    for failure in write_errors:  # the check below reports unreadable input again, not these
        eprint(failure)
    rest = argparse.Namespace(**vars(args))
    rest.fix = rest.unsafe_fixes = rest.diff = False
    code = run(rest)  # reports the remaining findings (and unreadable files)
    if write_errors:
        return EXIT_ERROR
    if outcomes and code == EXIT_CLEAN and not args.exit_zero:
        code = EXIT_FINDINGS  # files were modified: a fixer's exit status
    return code


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="mlwarden check", description=__doc__.splitlines()[0])
    add_arguments(parser)
    return run(parser.parse_args(argv))
