"""Strip outputs and volatile metadata from Jupyter notebooks.

Exit status: 0 nothing to strip, 1 a notebook was changed (or would be, with
``--check``) or a kept output holds a secret, 2 usage error or a notebook that
could not be read (one line on stderr; that file is left untouched, the others
are still processed).

Modes: files and directories (rewrites in place, atomically, only when
something changed, printing ``Fixing <path>``); ``--check`` (writes nothing);
``--stdin`` (a filter: notebook on stdin, stripped notebook on stdout, as the
git clean filter uses it); ``--textconv FILE`` (stripped FILE on stdout, for
``git diff``); ``--install-filter`` / ``--uninstall-filter`` (git set-up).
"""

from __future__ import annotations

import argparse
import os
import shlex
import subprocess
import sys
from pathlib import Path
from typing import List, Optional, Tuple

EXIT_CLEAN, EXIT_CHANGED, EXIT_ERROR = 0, 1, 2
FILTER_NAME = "mlwarden-strip"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", metavar="PATH", help="notebooks or directories to strip")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if any notebook would change")
    parser.add_argument("--keep-output", action="store_true", help="keep every cell's outputs (still strips counts and metadata)")
    parser.add_argument("--keep-count", action="store_true", help="keep execution counts")
    parser.add_argument("--max-size", type=_size, default=0, metavar="BYTES", help="keep outputs of at most BYTES bytes (default 0: strip all); suffixes k, M")
    parser.add_argument("--drop-empty-cells", action="store_true", help="remove cells whose source is empty or whitespace")
    parser.add_argument("--extra-keys", action="append", default=[], metavar="KEYS", help="also remove these metadata keys (metadata.x, cell.metadata.y; space or comma separated)")
    parser.add_argument("--keep-metadata-keys", action="append", default=[], metavar="KEYS", help="do not remove these of the default metadata keys")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--stdin", action="store_true", help="read a notebook on stdin, write the stripped notebook to stdout (git clean filter)")
    mode.add_argument("--textconv", metavar="FILE", help="write the stripped FILE to stdout (git diff textconv)")
    mode.add_argument("--install-filter", action="store_true", help="set up a git clean filter (.gitattributes + git config) in the current repository")
    mode.add_argument("--uninstall-filter", action="store_true", help="remove the git clean filter set up by --install-filter")
    parser.add_argument("--attributes", metavar="FILE", help="attributes file for --install-filter (default: .gitattributes at the repository root)")


def _size(text: str) -> int:
    units = {"k": 1000, "K": 1000, "m": 1000**2, "M": 1000**2}
    try:
        if text and text[-1] in units:
            value = int(float(text[:-1]) * units[text[-1]])
        else:
            value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid size {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError("size must not be negative")
    return value


def options_from(args: argparse.Namespace):
    from mlwarden.fixers.notebook_outputs import StripOptions, parse_keys

    return StripOptions(
        keep_output=args.keep_output,
        keep_count=args.keep_count,
        max_size=args.max_size,
        drop_empty_cells=args.drop_empty_cells,
        extra_keys=parse_keys(args.extra_keys),
        keep_metadata_keys=parse_keys(args.keep_metadata_keys),
    )


# ---------------------------------------------------------------------------
# the worker (pure: bytes in, bytes out)


class NotebookError(Exception):
    """A notebook we cannot strip; ``str()`` is the one-line reason."""


def secrets_in_kept_outputs(nb: dict) -> List[str]:
    """Messages for credentials in the outputs that stripping keeps.

    The hook for the secrets engine: ``mlwarden.secrets.notebook`` provides
    ``secrets_in_kept_outputs(nb) -> list[str]`` (one message per secret,
    redacted, e.g. ``cell 3: output 1: Hugging Face Token (hf_****…9aZ)``).
    Without it (a build without the secrets engine) nothing is reported."""
    try:
        from mlwarden.secrets.notebook import secrets_in_kept_outputs as scan
    except ImportError:
        return []
    return list(scan(nb))


def strip_bytes(raw: bytes, options) -> Tuple[Optional[bytes], List[str]]:
    """``(new bytes or None if unchanged, secret messages)``. Raises
    NotebookError for input that is not a notebook we can read."""
    import warnings

    from mlwarden.fixers.notebook_outputs import StripError, detect_style, dumps_like, strip_notebook
    from mlwarden.sources import LoadError
    from mlwarden.sources.notebook import parse_notebook_json, raw_cells

    try:
        nb, text, _encoding = parse_notebook_json(raw)
        raw_cells(nb)
    except LoadError as exc:
        raise NotebookError(str(exc)) from None
    import nbformat

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            nbformat.reads(text, as_version=nbformat.NO_CONVERT)
    except Exception as exc:  # nbformat raises many types for bad input
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise NotebookError(f"cannot read notebook with nbformat: {reason}") from None
    try:
        stripped = strip_notebook(nb, options)
    except StripError as exc:
        raise NotebookError(str(exc)) from None
    secrets = secrets_in_kept_outputs(stripped)
    if stripped == nb:
        return None, secrets
    return dumps_like(stripped, detect_style(text)).encode("utf-8"), secrets


# ---------------------------------------------------------------------------
# modes


def _notebook_paths(paths: List[str]) -> List[Tuple[Path, str]]:
    """Named files as given; ``.ipynb`` files found under named directories
    (skipping the default excludes such as ``.ipynb_checkpoints``)."""
    from mlwarden.commands.check import iter_files
    from mlwarden.core.config import Config

    out: List[Tuple[Path, str]] = []
    for raw in paths:
        if Path(raw).is_dir():
            out.extend((path, display) for path, kind, display in iter_files([raw], Config()) if kind == "notebook")
        else:
            out.append((Path(raw), os.path.normpath(raw)))
    return out


def strip_files(args: argparse.Namespace, options) -> int:
    from mlwarden.fixers.atomic import write_bytes_atomic

    status = EXIT_CLEAN
    errors = False
    for path, display in _notebook_paths(args.paths):
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            print(f"{display}: no such file or directory", file=sys.stderr)
            errors = True
            continue
        except OSError as exc:
            print(f"{display}: cannot read file: {exc.strerror or exc}", file=sys.stderr)
            errors = True
            continue
        try:
            new, secrets = strip_bytes(raw, options)
        except NotebookError as exc:
            print(f"{display}: {exc}", file=sys.stderr)
            errors = True
            continue
        for message in secrets:
            print(f"{display}: {message}", file=sys.stderr)
            status = EXIT_CHANGED
        if new is None or new == raw:
            continue
        status = EXIT_CHANGED
        if args.check:
            print(f"Would fix {display}")
            continue
        try:
            write_bytes_atomic(path, new)
        except OSError as exc:
            print(f"{display}: cannot write file: {exc.strerror or exc}", file=sys.stderr)
            errors = True
            continue
        print(f"Fixing {display}")
    return EXIT_ERROR if errors else status


def strip_stdin(options) -> int:
    raw = sys.stdin.buffer.read()
    if not raw.strip():  # a new, empty file: nothing to strip
        sys.stdout.buffer.write(raw)
        return EXIT_CLEAN
    try:
        new, secrets = strip_bytes(raw, options)
    except NotebookError as exc:
        print(f"<stdin>: {exc}", file=sys.stderr)
        return EXIT_ERROR
    sys.stdout.buffer.write(raw if new is None else new)
    sys.stdout.flush()
    for message in secrets:
        print(f"<stdin>: {message}", file=sys.stderr)
    return EXIT_CHANGED if secrets else EXIT_CLEAN


def strip_textconv(path: str, options) -> int:
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        print(f"{path}: cannot read file: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_ERROR
    try:
        new, _secrets = strip_bytes(raw, options)
    except NotebookError:
        new = None  # show the file as it is rather than fail `git diff`
    sys.stdout.buffer.write(raw if new is None else new)
    return EXIT_CLEAN


def _git(*args: str, cwd: Optional[str] = None) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True)


def _filter_command(args: argparse.Namespace) -> str:
    flags = [f for f, on in (("--keep-output", args.keep_output), ("--keep-count", args.keep_count), ("--drop-empty-cells", args.drop_empty_cells)) if on]
    if args.max_size:
        flags.append(f"--max-size={args.max_size}")
    for key in args.extra_keys:
        flags.append(f"--extra-keys={shlex.quote(key)}")
    for key in args.keep_metadata_keys:
        flags.append(f"--keep-metadata-keys={shlex.quote(key)}")
    return " ".join([shlex.quote(sys.executable), "-m", "mlwarden", "strip", *flags])


def _attributes_lines() -> List[str]:
    return [f"*.ipynb filter={FILTER_NAME}", f"*.ipynb diff={FILTER_NAME}"]


def install_filter(args: argparse.Namespace) -> int:
    from mlwarden.fixers.atomic import write_text_atomic

    top = _git("rev-parse", "--show-toplevel")
    if top.returncode != 0:
        print("mlwarden strip: error: not inside a git repository", file=sys.stderr)
        return EXIT_ERROR
    root = top.stdout.strip()
    command = _filter_command(args)
    settings = [
        (f"filter.{FILTER_NAME}.clean", f"{command} --stdin"),
        (f"filter.{FILTER_NAME}.smudge", "cat"),
        (f"filter.{FILTER_NAME}.required", "true"),
        (f"diff.{FILTER_NAME}.textconv", f"{command} --textconv"),
    ]
    for key, value in settings:
        proc = _git("config", "--local", key, value, cwd=root)
        if proc.returncode != 0:
            print(f"mlwarden strip: error: git config {key} failed: {proc.stderr.strip()}", file=sys.stderr)
            return EXIT_ERROR
    attributes = Path(args.attributes) if args.attributes else Path(root) / ".gitattributes"
    try:
        existing = attributes.read_text(encoding="utf-8") if attributes.exists() else ""
    except (OSError, UnicodeDecodeError) as exc:
        print(f"{attributes}: cannot read file: {exc}", file=sys.stderr)
        return EXIT_ERROR
    present = {line.strip() for line in existing.splitlines()}
    missing = [line for line in _attributes_lines() if line not in present]
    if missing:
        text = existing + ("" if not existing or existing.endswith("\n") else "\n") + "".join(line + "\n" for line in missing)
        write_text_atomic(attributes, text)
    print(f"Installed the {FILTER_NAME} git filter in {root} ({attributes.name}: {', '.join(_attributes_lines())})")
    return EXIT_CLEAN


def uninstall_filter(args: argparse.Namespace) -> int:
    from mlwarden.fixers.atomic import write_text_atomic

    top = _git("rev-parse", "--show-toplevel")
    if top.returncode != 0:
        print("mlwarden strip: error: not inside a git repository", file=sys.stderr)
        return EXIT_ERROR
    root = top.stdout.strip()
    for section in (f"filter.{FILTER_NAME}", f"diff.{FILTER_NAME}"):
        _git("config", "--local", "--remove-section", section, cwd=root)  # absent is fine
    attributes = Path(args.attributes) if args.attributes else Path(root) / ".gitattributes"
    if attributes.exists():
        lines = attributes.read_text(encoding="utf-8").splitlines(keepends=True)
        kept = [line for line in lines if line.strip() not in _attributes_lines()]
        if kept != lines:
            write_text_atomic(attributes, "".join(kept))
    print(f"Removed the {FILTER_NAME} git filter from {root}")
    return EXIT_CLEAN


def run(args: argparse.Namespace) -> int:
    try:
        options = options_from(args)
    except ValueError as exc:
        print(f"mlwarden strip: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    if args.install_filter:
        return install_filter(args)
    if args.uninstall_filter:
        return uninstall_filter(args)
    if args.stdin:
        return strip_stdin(options)
    if args.textconv:
        return strip_textconv(args.textconv, options)
    if not args.paths:
        print("mlwarden strip: error: no notebooks given (use --stdin to filter standard input)", file=sys.stderr)
        return EXIT_ERROR
    return strip_files(args, options)


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="mlwarden strip", description=__doc__.splitlines()[0])
    add_arguments(parser)
    return run(parser.parse_args(argv))
