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
from typing import Callable, List, Optional, Tuple

from mlwarden.output import eprint, oprint

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
    """Messages for credentials in the outputs that stripping keeps (one per
    secret, redacted, e.g. ``cell 3: output 1: Hugging Face Token
    (hf_****…9aZ)``), from the secrets engine."""
    from mlwarden.secrets.notebook import secrets_in_kept_outputs as scan

    return list(scan(nb))


def strip_bytes(raw: bytes, options) -> Tuple[Optional[bytes], List[str]]:
    """``(new bytes or None if unchanged, secret messages)``. Raises
    NotebookError for input that is not a notebook we can read."""
    from mlwarden.fixers.notebook_outputs import StripError, detect_style, dumps_like, strip_notebook
    from mlwarden.sources import LoadError
    from mlwarden.sources.notebook import parse_notebook_json, raw_cells

    try:
        nb, text, _encoding = parse_notebook_json(raw)
        raw_cells(nb)
    except LoadError as exc:
        raise NotebookError(str(exc)) from None
    _nbformat_reads(text, "cannot read notebook with nbformat")
    try:
        stripped = strip_notebook(nb, options)
    except StripError as exc:
        raise NotebookError(str(exc)) from None
    secrets = secrets_in_kept_outputs(stripped)
    if stripped == nb:
        return None, secrets
    out = dumps_like(stripped, detect_style(text))
    # never write what nbformat could not read back (odd input, e.g. a null cell_type)
    _nbformat_reads(out, "not stripped: the stripped notebook would not be readable by nbformat")
    return out.encode("utf-8"), secrets


def _nbformat_reads(text: str, what: str) -> None:
    import warnings

    import nbformat

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            nbformat.reads(text, as_version=nbformat.NO_CONVERT)
    except Exception as exc:  # nbformat raises many types for bad input
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise NotebookError(f"{what}: {reason}") from None


# ---------------------------------------------------------------------------
# modes


def _notebook_paths(paths: List[str]) -> List[Tuple[Path, str, Optional[str]]]:
    """``(path, display, error)``: named files as given; ``.ipynb`` files found
    under named directories (skipping the default excludes such as
    ``.ipynb_checkpoints``); a directory that cannot be read has an error."""
    from mlwarden.commands.check import input_error, iter_files
    from mlwarden.core.config import Config

    out: List[Tuple[Path, str, Optional[str]]] = []
    for raw in paths:
        if Path(raw).is_dir():
            for path, kind, display in iter_files([raw], Config()):
                if kind == "notebook":
                    out.append((path, display, None))
                elif kind is None:
                    error = input_error(path, display)
                    if error is not None:
                        out.append((path, display, error))
        else:
            out.append((Path(raw), os.path.normpath(raw), None))
    return out


#: how often a notebook that changed on disk while it was being stripped
#: (saved by an editor) is re-read and stripped again before giving up
WRITE_ATTEMPTS = 3


def strip_files(args: argparse.Namespace, options) -> int:
    status = EXIT_CLEAN
    errors = False
    for path, display, error in _notebook_paths(args.paths):
        if error is not None:
            eprint(error)
            errors = True
            continue
        outcome = _strip_file(path, display, options, write=not args.check)
        if outcome == "error":
            errors = True
        elif outcome in ("changed", "secrets"):
            status = EXIT_CHANGED
    return EXIT_ERROR if errors else status


def _strip_file(path: Path, display: str, options, write: bool) -> str:
    """Strip one notebook: "clean", "changed", "secrets" (unchanged, but a
    kept output holds a secret) or "error" (one line on stderr; the file is
    untouched). A save by another program while we work is never lost: the
    write happens only if the file still holds what was read, else the file
    is read and stripped again (at most WRITE_ATTEMPTS times)."""
    from mlwarden.fixers.atomic import WriteConflict, write_fixed
    from mlwarden.sources import LoadError, read_regular

    for _attempt in range(WRITE_ATTEMPTS):
        try:
            raw = read_regular(path)
        except LoadError as exc:
            reason = "no such file or directory" if not path.exists() and not path.is_symlink() else str(exc)
            eprint(f"{display}: {reason}")
            return "error"
        try:
            new, secrets = strip_bytes(raw, options)
        except NotebookError as exc:
            eprint(f"{display}: {exc}")
            return "error"
        if new is None or new == raw:
            for message in secrets:
                eprint(f"{display}: {message}")
            return "secrets" if secrets else "clean"
        if not write:
            for message in secrets:
                eprint(f"{display}: {message}")
            oprint(f"Would fix {display}")
            return "changed"
        try:
            write_fixed(path, raw, new)
        except WriteConflict:
            continue  # saved by someone else meanwhile: strip what is there now
        except OSError as exc:
            eprint(f"{display}: cannot write file: {exc.strerror or exc}")
            return "error"
        for message in secrets:
            eprint(f"{display}: {message}")
        oprint(f"Fixing {display}")
        return "changed"
    eprint(f"{display}: not stripped: the file kept changing while it was being stripped; left as it is")
    return "error"


def strip_stdin(options) -> int:
    raw = sys.stdin.buffer.read()
    if not raw.strip():  # a new, empty file: nothing to strip
        sys.stdout.buffer.write(raw)
        return EXIT_CLEAN
    try:
        new, secrets = strip_bytes(raw, options)
    except NotebookError as exc:
        eprint(f"<stdin>: {exc}")
        return EXIT_ERROR
    sys.stdout.buffer.write(raw if new is None else new)
    sys.stdout.flush()
    for message in secrets:
        eprint(f"<stdin>: {message}")
    return EXIT_CHANGED if secrets else EXIT_CLEAN


def strip_textconv(path: str, options) -> int:
    from mlwarden.sources import LoadError, read_regular

    try:
        raw = read_regular(path)
    except LoadError as exc:
        eprint(f"{path}: {exc}")
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
    return " ".join([*(shlex.quote(part) for part in mlwarden_command()), "strip", *flags])


def mlwarden_command() -> List[str]:
    """How a git filter runs this mlwarden without running the repository's
    code: git starts filters in the repository root, where ``python -m
    mlwarden`` would import the repository's ``argparse.py``, ``runpy.py`` or
    ``mlwarden.py`` first. ``python -I`` (isolated mode, Python 3.4+) puts
    neither the working directory nor PYTHON* variables nor the user site on
    ``sys.path``; if this mlwarden is not importable that way (installed with
    ``PYTHONPATH`` or ``pip --user``), its directory is appended explicitly."""
    import mlwarden

    package_parent = os.path.dirname(os.path.dirname(os.path.abspath(mlwarden.__file__)))
    probe = "import mlwarden, os, sys; sys.stdout.write(os.path.dirname(os.path.dirname(os.path.abspath(mlwarden.__file__))))"
    try:
        found = subprocess.run([sys.executable, "-I", "-c", probe], capture_output=True, text=True, timeout=60).stdout
    except (OSError, subprocess.SubprocessError):
        found = ""
    if found == package_parent:
        return [sys.executable, "-I", "-m", "mlwarden"]
    bootstrap = f"import sys; sys.path.append({package_parent!r}); from mlwarden.resident import main; sys.exit(main())"
    return [sys.executable, "-I", "-c", bootstrap]


def _attributes_lines() -> List[str]:
    return [f"*.ipynb filter={FILTER_NAME}", f"*.ipynb diff={FILTER_NAME}"]


def _git_root() -> Optional[str]:
    """The top of the current git work tree, or None (an error is printed)."""
    top = _git("rev-parse", "--show-toplevel")
    if top.returncode != 0:
        eprint("mlwarden strip: error: not inside a git repository")
        return None
    return top.stdout.strip()


def _edit_attributes(args: argparse.Namespace, root: str, edit: Callable[[List[str]], List[str]]) -> Optional[Path]:
    """Apply ``edit`` to the lines of the attributes file (none if it does
    not exist) and write it atomically if they changed; the file's path, or
    None after printing why it could not be read or written."""
    from mlwarden.fixers.atomic import write_text_atomic

    attributes = Path(args.attributes) if args.attributes else Path(root) / ".gitattributes"
    try:
        lines = attributes.read_text(encoding="utf-8").splitlines(keepends=True) if attributes.exists() else []
    except (OSError, UnicodeDecodeError) as exc:
        eprint(f"{attributes}: cannot read file: {getattr(exc, 'strerror', None) or exc}")
        return None
    edited = edit(lines)
    if edited != lines:
        try:
            write_text_atomic(attributes, "".join(edited))
        except OSError as exc:
            eprint(f"{attributes}: cannot write file: {exc.strerror or exc}")
            return None
    return attributes


def _add_attributes(lines: List[str]) -> List[str]:
    present = {line.strip() for line in lines}
    missing = [line + "\n" for line in _attributes_lines() if line not in present]
    if missing and lines and not lines[-1].endswith("\n"):
        lines = [*lines[:-1], lines[-1] + "\n"]
    return lines + missing


def _remove_attributes(lines: List[str]) -> List[str]:
    return [line for line in lines if line.strip() not in _attributes_lines()]


def install_filter(args: argparse.Namespace) -> int:
    root = _git_root()
    if root is None:
        return EXIT_ERROR
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
            eprint(f"mlwarden strip: error: git config {key} failed: {proc.stderr.strip()}")
            return EXIT_ERROR
    attributes = _edit_attributes(args, root, _add_attributes)
    if attributes is None:
        return EXIT_ERROR
    print(f"Installed the {FILTER_NAME} git filter in {root} ({attributes.name}: {', '.join(_attributes_lines())})")
    return EXIT_CLEAN


def uninstall_filter(args: argparse.Namespace) -> int:
    root = _git_root()
    if root is None:
        return EXIT_ERROR
    for section in (f"filter.{FILTER_NAME}", f"diff.{FILTER_NAME}"):
        _git("config", "--local", "--remove-section", section, cwd=root)  # absent is fine
    if _edit_attributes(args, root, _remove_attributes) is None:
        return EXIT_ERROR
    print(f"Removed the {FILTER_NAME} git filter from {root}")
    return EXIT_CLEAN


def run(args: argparse.Namespace) -> int:
    try:
        options = options_from(args)
    except ValueError as exc:
        eprint(f"mlwarden strip: error: {exc}")
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
        eprint("mlwarden strip: error: no notebooks given (use --stdin to filter standard input)")
        return EXIT_ERROR
    return strip_files(args, options)


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="mlwarden strip", description=__doc__.splitlines()[0])
    add_arguments(parser)
    return run(parser.parse_args(argv))
