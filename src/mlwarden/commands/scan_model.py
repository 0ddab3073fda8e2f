"""Scan model files (pickles, PyTorch/Keras archives, numpy files) without loading them.

    mlwarden scan-model model.pt weights/*.bin
    mlwarden scan-model --list-globals model.pt     # every global, allowed or not

Files are chosen by content, not extension: a file that is not a model format
is skipped (named with ``-v``). Findings come from the same MLW6xx rules as
``mlwarden check`` (config, select/ignore and ``allow-globals`` apply). Exit
status: 0 clean, 1 findings, 2 unreadable input.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import List, Optional

from mlwarden.commands.check import EXIT_ERROR, exit_status


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="+", metavar="FILE", help="model files (directories are walked for model extensions)")
    parser.add_argument("--list-globals", action="store_true", help="print every global each file imports, with its verdict (to build an allowlist)")
    parser.add_argument("--full-crc", action="store_true", help="also CRC-check large tensor data members")
    parser.add_argument("--select", metavar="CODES", help="comma-separated rule codes or prefixes to enable (default: MLW6)")
    parser.add_argument("--ignore", metavar="CODES", help="comma-separated rule codes or prefixes to disable")
    parser.add_argument("--severity", metavar="LEVEL", help="lowest severity to report: low, medium, high, critical")
    parser.add_argument("--format", choices=("text", "json", "sarif", "github"), default="text", help="output format for findings")
    parser.add_argument("--config", metavar="FILE", help="read [tool.mlwarden] from FILE")
    parser.add_argument("--isolated", action="store_true", help="ignore all configuration files")
    parser.add_argument("--exit-zero", action="store_true", help="exit 0 even when there are findings")
    parser.add_argument("--verbose", "-v", action="store_true", help="name skipped files and print scan notes")


#: formats whose loaders read only data (when the header is valid)
_NO_CODE = ("safetensors", "numpy", "npz", "hdf5", "ggml")


def verdict(name: str, extra: List[str], trusted=(), module: Optional[str] = None) -> str:
    from mlwarden.artifacts.allowlist import danger, is_allowed

    why = danger(name, module)
    if why:
        return f"DANGEROUS ({why})"
    if any(name.startswith(p) for p in trusted):
        return "allowed (resolved by TorchScript, not imported)"
    if is_allowed(name):
        return "allowed"
    if is_allowed(name, extra):
        return "allowed (config)"
    return "NOT ALLOWED"


def run(args: argparse.Namespace) -> int:
    from mlwarden.artifacts import Limits
    from mlwarden.core.config import Config, ConfigError, load_config
    from mlwarden.core.engine import check_unit
    from mlwarden.core.registry import split_codes as _codes, validate_codes
    from mlwarden.core.walk import input_error, iter_files
    from mlwarden.output import Report, renderer
    from mlwarden.sources import LoadError, check_regular
    from mlwarden.sources.model import load, model_report

    try:
        config = Config() if args.isolated else load_config(Path(args.config) if args.config else None)
        if args.select:
            config.select = validate_codes(_codes(args.select) or [], "--select")
        else:
            # the default model rules, plus opt-in ones the config enables (MLW610)
            from mlwarden.core.registry import all_rules

            enabled = {r.id for r in config.rules()}
            config.select = [r.id for r in all_rules() if "model" in getattr(r, "applies_to", ()) and (r.default_enabled or r.id in enabled)]
            config.extend_select = []
        if args.ignore:
            config.ignore = config.ignore + validate_codes(_codes(args.ignore) or [], "--ignore")
        if args.severity:
            from mlwarden.core.finding import Severity

            config.severity = Severity.parse(args.severity)
    except (ConfigError, ValueError) as exc:
        print(f"mlwarden: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    rules = [r for r in config.rules() if "model" in getattr(r, "applies_to", ())]
    limits = Limits(crc_all=args.full_crc)
    findings, errors, notes, count = [], [], [], 0
    extra = list(config.options.get("allow-globals", []))
    listing: List[str] = []
    for path, _kind, display in iter_files(args.paths, config, kinds={"model"}):
        error = input_error(path, display) if _kind is None else None
        if error is not None:  # missing, or a directory the walk could not list
            errors.append(error)
            continue
        try:
            check_regular(path)  # a FIFO or a device would block or never end
        except LoadError as exc:
            errors.append(f"{display}: {exc}")
            continue
        try:
            unit = load(path, display)
        except LoadError as exc:
            errors.append(f"{display}: {exc}")
            continue
        from mlwarden.artifacts import formats

        try:
            unit.extra["model_report"] = formats.scan_file(path, limits, display=display)
        except OSError as exc:
            errors.append(f"{display}: cannot read file: {exc.strerror or exc}")
            continue
        report = model_report(unit)
        if report.format is None and not report.issues:
            # identified by content as no model format (and not model-named)
            if args.verbose:
                notes.append(f"{display}: not a model format mlwarden reads; skipped")
            continue
        count += 1
        findings.extend(check_unit(unit, rules, config).findings)
        if args.verbose:
            notes.extend(f"{display}: {n[6:] if n.startswith('file: ') else n}" for n in report.notes)
        if args.list_globals:
            listing.append(f"{display}: {report.format or 'not a model'}{' (pickle-based)' if report.pickle_based else ''}")
            seen = set()
            for ref in report.globals:
                key = (ref.member, ref.name)
                if key in seen:
                    continue
                seen.add(key)
                spelled = f" (written {ref.raw})" if ref.raw != ref.name else ""
                where = f"{ref.member}@{ref.offset}" if ref.member else f"@{ref.offset}"
                listing.append(f"  {ref.name}{spelled}  {where}  {verdict(ref.name, extra, report.trusted_prefixes, ref.module or None)}")
            if not report.globals:
                listing.append(f"  (no globals: {'a weight format that holds no code' if report.format in _NO_CODE else 'nothing in it is unpickled'})")
    for error in errors:
        print(error, file=sys.stderr)
    if listing:
        from mlwarden.core.redact import safe_line  # a global's name can carry a token or escapes

        sys.stdout.write("\n".join(safe_line(line) for line in listing) + "\n")
    out = Report(findings=findings, errors=errors, rules=rules, files_checked=count, verbose=args.verbose)
    out.notes.extend(notes)
    sys.stdout.write(renderer(args.format)(out))
    sys.stdout.flush()
    return exit_status(findings, errors, args.exit_zero)


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="mlwarden scan-model", description=__doc__.splitlines()[0])
    add_arguments(parser)
    return run(parser.parse_args(argv))
