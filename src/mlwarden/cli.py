"""``mlwarden`` command line: a dispatcher only; the work is in commands/."""

from __future__ import annotations

import argparse
import importlib
import sys
from typing import List, Optional

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


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="mlwarden", description="Security linter for machine-learning code.")
    parser.add_argument("--version", action="version", version=f"mlwarden {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name, (module_name, help_text) in COMMANDS.items():
        module = importlib.import_module(module_name)
        sp = sub.add_parser(name, help=help_text, description=(module.__doc__ or help_text).strip().splitlines()[0])
        module.add_arguments(sp)
        sp.set_defaults(_run=module.run)
    return parser


def main(argv: Optional[List[str]] = None) -> int:
    parser = build_parser()
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


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
