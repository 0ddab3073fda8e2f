"""Check files and directories for ML security problems.

Exit status: 0 no findings, 1 findings, 2 usage error or input that could not
be checked (one line on stderr per such file; the other files are still
checked).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Iterator, List, Optional, Sequence, Tuple

from mlwarden.core.config import Config, ConfigError, load_config
from mlwarden.core.engine import UnitResult, check_file
from mlwarden.core.finding import Severity
from mlwarden.core.redact import safe_line
from mlwarden.output import eprint

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


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
    parser.add_argument("--statistics", action="store_true", help="text format: print counts per rule and per context (test, docs, example, tutorial, code) instead of the findings")
    parser.add_argument("--no-context", action="store_true", help="do not lower the severity of findings in tests, docs, examples and tutorial notebooks")
    add_fix_arguments(parser)
    add_baseline_arguments(parser)
    add_speed_arguments(parser)


def _codes(text: Optional[str]) -> Optional[List[str]]:
    if text is None:
        return None
    return [c.strip() for c in text.split(",") if c.strip()]


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


def iter_files(paths: Sequence[str], config: Config) -> Iterator[Tuple[Path, Optional[str], str]]:
    """(path, kind, display) for every file to check, in a stable order.

    ``kind`` is None for a named path that does not exist or that mlwarden
    cannot read; the caller reports it."""
    from mlwarden.sources import classify, classify_explicit

    skip = _walk_skips(config)
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            if config.is_excluded(path, walking=False) and raw not in (".", "./"):
                continue
            unreadable: List[OSError] = []
            for root, dirs, files in os.walk(path, onerror=unreadable.append):
                while unreadable:  # a directory os.walk could not list: the caller reports it
                    failed = unreadable.pop(0)
                    yield Path(failed.filename), None, os.path.normpath(failed.filename)
                root_path = Path(root)
                dirs[:] = sorted(d for d in dirs if not config.is_excluded(root_path / d, walking=True))
                for name in sorted(files):
                    file_path = root_path / name
                    kind = classify(file_path)
                    if kind is None or kind in skip or config.is_excluded(file_path, walking=True):
                        continue
                    yield file_path, kind, os.path.normpath(str(file_path))
            for failed in unreadable:
                yield Path(failed.filename), None, os.path.normpath(failed.filename)
        elif path.exists() or path.is_symlink():
            if config.is_excluded(path, walking=False):
                continue
            yield path, classify_explicit(path), os.path.normpath(raw)
        else:
            yield path, None, raw


def input_error(path: Path, display: str) -> Optional[str]:
    """The one-line error for a path :func:`iter_files` yielded without a
    kind, or None when it is simply not a file mlwarden reads."""
    if not path.exists() and not path.is_symlink():
        return f"{display}: no such file or directory"
    if path.is_dir():
        try:
            with os.scandir(path):
                pass
        except OSError as exc:
            return f"{display}: cannot read directory: {exc.strerror or exc}"
    return None


def _walk_skips(config: Config) -> "set[str]":
    """Kinds a directory walk does not read: ``text`` (config/env files) is
    read only when a selected rule checks it (the secrets rules), so a walk
    for the code rules does not open every JSON/YAML file. Files named
    explicitly are always read."""
    from mlwarden.core.rule import FileRule

    wanted = {kind for rule in config.rules() if issubclass(rule, FileRule) for kind in rule.applies_to}
    return {"text"} - wanted


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


def check_paths(
    paths: Sequence[str],
    config: Optional[Config] = None,
    *,
    jobs: Optional[int] = 1,
    cache: bool = False,
    keep_units: bool = True,
) -> Tuple[List[UnitResult], int]:
    """Check ``paths``; returns (results, number of files checked), in a
    stable order whatever ``jobs`` is.

    ``jobs``: worker processes (0/None: all cores for large runs, see
    :mod:`mlwarden.core.parallel`). ``cache``: reuse and store results in
    ``.mlwarden_cache/`` (see :mod:`mlwarden.core.cache`). With either, a
    result may come from another process or an earlier run: it then has no
    ``unit`` and its fixes no ``view`` (fixing re-checks in-process).
    ``keep_units=False`` drops units in a serial run too: holding every
    file's text and lines until the end doubled peak memory on large runs."""
    config = config or Config()
    rules = config.rules()
    slots: List[Optional[UnitResult]] = []
    todo: List[Tuple[int, Path, str, str]] = []
    count = 0
    for path, kind, display in iter_files(paths, config):
        if kind is None:
            error = input_error(path, display)
            if error is not None:
                slots.append(UnitResult(path=display, errors=[error]))
            continue
        count += 1
        slots.append(None)
        todo.append((len(slots) - 1, path, kind, display))
    if jobs == 1 and not cache and keep_units:
        for index, path, kind, display in todo:
            slots[index] = check_file(path, kind, rules, config, display)
        return slots, count  # type: ignore[return-value]
    store = None
    if cache:
        from mlwarden.core.cache import ResultCache, content_hash
        from mlwarden.sources import LoadError, read_regular

        store = ResultCache.for_run(config, rules)
    digests = {}
    if store is not None:
        misses = []
        for entry in todo:
            index, path, kind, display = entry
            try:
                digest = content_hash(read_regular(path))  # never blocks on a FIFO
            except LoadError:
                misses.append(entry)  # check_file reports it
                continue
            hit = store.get(path, display, kind, digest)
            if hit is None:
                digests[index] = digest
                misses.append(entry)
            else:
                slots[index] = UnitResult(path=display, findings=hit[0], errors=hit[1])
        todo = misses
    from mlwarden.core.parallel import check_many

    done = check_many([(path, kind, display) for _i, path, kind, display in todo], rules, config, jobs)
    for (index, path, kind, display), result in zip(todo, done):
        slots[index] = result
        if store is not None and index in digests:
            store.put(path, display, kind, digests[index], result.findings, result.errors)
    if store is not None:
        store.save()
    return slots, count  # type: ignore[return-value]


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
    report = Report(findings=findings, errors=errors, rules=config.rules(), files_checked=count, verbose=args.verbose)
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
    if errors:
        return EXIT_ERROR
    if findings and not args.exit_zero:
        return EXIT_FINDINGS
    return EXIT_CLEAN


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


def fix_paths(paths: Sequence[str], config: Config, *, unsafe: bool, write: bool, announce=None, write_errors=None):
    """Fix every file under ``paths``. Returns ``(outcomes, errors)``: the
    :class:`~mlwarden.core.fixes.FixOutcome` of each file that changed (or
    would change), and one-line errors (unreadable input, write failures;
    the write failures also go to ``write_errors`` when it is a list).
    Files that cannot be read or parsed are never touched."""
    from mlwarden.fixers.atomic import write_fixed

    rules = config.rules()
    outcomes = []
    errors: List[str] = []
    for path, kind, display in iter_files(paths, config):
        if kind is None:
            error = input_error(path, display)
            if error is not None:
                errors.append(error)
            continue
        try:  # the same guard as `check` (mlwarden.core.parallel.check_one): one line, never a traceback
            outcome = _fix_one(path, kind, display, rules, config, unsafe, errors)
        except Exception as exc:  # noqa: BLE001 - a bug must not end the run
            failure = f"{display}: internal error while fixing ({type(exc).__name__}: {exc}); the file was not changed; please report this"
            errors.append(failure)
            if write_errors is not None:
                write_errors.append(failure)
            continue
        if outcome is None or not outcome.changed:
            continue
        if write:
            try:
                write_fixed(path, outcome.original, outcome.raw)
            except OSError as exc:  # WriteConflict, WriteRefused (read-only, hard links) or a failed write
                failure = f"{display}: fixes not written: {exc.strerror or exc}"
                errors.append(failure)
                if write_errors is not None:
                    write_errors.append(failure)
                continue
            if announce is not None:
                announce(f"Fixing {display}")
        outcomes.append(outcome)
    return outcomes, errors


def _fix_one(path: Path, kind: str, display: str, rules, config: Config, unsafe: bool, errors: List[str]):
    """The FixOutcome of one file (None: nothing to fix); appends one-line errors."""
    from mlwarden.core.fixes import fix_unit
    from mlwarden.sources import LoadError, load

    try:
        unit = load(path, kind, display)
    except LoadError as exc:
        errors.append(f"{display}: {exc}")
        return None
    if unit.code is None:
        return None  # only code views carry fixes

    def reload(raw: bytes):
        return load(path, kind, display, raw=raw)

    outcome = fix_unit(unit, rules, config, unsafe=unsafe, reload=reload)
    errors.extend(outcome.result.errors)  # any error (e.g. code that does not compile): nothing was changed
    outcome.path, outcome.kind, outcome.display = path, kind, display
    outcome.encoding = unit.extra.get("encoding", "utf-8")
    return outcome


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
