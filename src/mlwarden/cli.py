"""``mlwarden`` command line: a dispatcher only; the work is in commands/.

Two guards wrap every subcommand: standard error goes through
:class:`SafeStream` (each line redacted and control characters escaped, see
:mod:`mlwarden.core.redact`), and an unexpected exception is one line and
exit 2, never a traceback (``MLWARDEN_DEBUG=1`` shows it).
"""

from __future__ import annotations

import argparse
import importlib
import io
import os
import sys
from typing import List, Optional, TextIO

from mlwarden import __version__

#: subcommand -> (module, help)
COMMANDS = {
    "check": ("mlwarden.commands.check", "check files and directories for ML security problems"),
    "rules": ("mlwarden.commands.rules", "list every rule"),
    "explain": ("mlwarden.commands.explain", "show the documentation of a rule"),
    "scan-model": ("mlwarden.commands.scan_model", "scan model files (pickles, PyTorch/Keras archives) without loading them"),
    "baseline": ("mlwarden.commands.baseline", "record current findings so `check --baseline` reports only new ones"),
    "strip": ("mlwarden.commands.strip", "strip outputs and volatile metadata from Jupyter notebooks"),
    "update-data": ("mlwarden.commands.update_data", "download the OpenSSF malicious-package list (MLW306; the only command that uses the network)"),
    "server": ("mlwarden.commands.server", "run the language server (LSP over stdio) for editors; needs mlwarden[server]"),
}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> "NoReturn":  # type: ignore[name-defined]  # noqa: F821
        self.print_usage(sys.stderr)
        self.exit(2, f"mlwarden: error: {message}\n")

    def _get_formatter(self) -> argparse.HelpFormatter:
        # argparse makes a formatter for every add_argument (to check the
        # metavar); the default one asks shutil for the terminal width each
        # time, and importing shutil (bz2, lzma) costs a one-file hook run ~2 ms
        return self.formatter_class(prog=self.prog, width=_help_width())


def _help_width() -> int:
    """What argparse's formatter uses: ``shutil.get_terminal_size()``
    (``$COLUMNS``, else the terminal, else 80 columns) minus 2."""
    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns
        except (AttributeError, ValueError, OSError):
            columns = 0
    return (columns if columns > 0 else 80) - 2


def build_parser(only: Optional[str] = None) -> argparse.ArgumentParser:
    """The parser; with ``only``, just that subcommand (its module imported,
    the others left out: a hook run pays for one command, and the top-level
    usage names no command)."""
    parser = _Parser(prog="mlwarden", description="Security linter for machine-learning code.")
    parser.add_argument("--version", action="version", version=f"mlwarden {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name, (module_name, help_text) in COMMANDS.items():
        if only is not None and name != only:
            continue
        module = importlib.import_module(module_name)
        sp = sub.add_parser(name, help=help_text, description=(module.__doc__ or help_text).strip().splitlines()[0])
        module.add_arguments(sp)
        sp.set_defaults(_run=module.run)
    return parser


class SafeStream(io.TextIOBase):
    """A text stream that writes whole lines through
    :func:`mlwarden.core.redact.safe_line`: a credential or a control
    character in a message (a file name, an echoed requirement) never
    reaches the terminal or a CI log raw. A partial line waits for its
    newline (``print`` writes the text and the newline separately)."""

    def __init__(self, stream: TextIO) -> None:
        super().__init__()
        self.stream = stream
        self._pending = ""

    def write(self, text: str) -> int:
        from mlwarden.core.redact import safe_line

        self._pending += text
        if "\n" in self._pending:
            *lines, self._pending = self._pending.split("\n")
            self.stream.write("".join(safe_line(line) + "\n" for line in lines))
        return len(text)

    def flush(self) -> None:
        self.stream.flush()

    def close_pending(self) -> None:
        """Write a last line that has no newline."""
        if self._pending:
            from mlwarden.core.redact import safe_line

            self.stream.write(safe_line(self._pending))
            self._pending = ""
        self.stream.flush()

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return self.stream.isatty()

    def fileno(self) -> int:
        return self.stream.fileno()

    @property
    def encoding(self):  # type: ignore[override]
        return getattr(self.stream, "encoding", "utf-8")


def main(argv: Optional[List[str]] = None) -> int:
    original = sys.stderr
    guarded = SafeStream(original)
    sys.stderr = guarded
    try:
        from mlwarden.core.codecache import armed

        with armed():  # dataclasses' generated code from the per-user cache (core/codecache.py)
            return _main(argv)
    finally:
        try:
            guarded.close_pending()
        except (OSError, ValueError):
            pass
        sys.stderr = original


def _main(argv: Optional[List[str]]) -> int:
    from mlwarden.core.engine import silence_code_warnings

    silence_code_warnings()
    first = (sys.argv[1:] if argv is None else argv)[:1]
    parser = build_parser(first[0] if first and first[0] in COMMANDS else None)
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return 2
    try:
        return int(args._run(args))
    except KeyboardInterrupt:
        print("mlwarden: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `mlwarden check | head`
        return 1
    except Exception as exc:  # noqa: BLE001 - a bug is one line, never a traceback
        if os.environ.get("MLWARDEN_DEBUG"):
            raise
        reason = str(exc).splitlines()[0] if str(exc) else ""
        print(f"mlwarden: internal error ({type(exc).__name__}{': ' + reason if reason else ''}); please report this (MLWARDEN_DEBUG=1 shows the traceback)", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
