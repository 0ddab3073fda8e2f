"""Run the mlwarden language server (LSP over stdio) for editors.

Diagnostics for Python files, Jupyter notebooks (LSP notebook sync, one list
per cell), dependency and config files; quick fixes, ``# noqa`` actions,
fix all (``source.fixAll.mlwarden``) and rule docs on hover. Needs the
``server`` extra: ``pip install "mlwarden[server]"``.
"""

from __future__ import annotations

import argparse
import sys
from typing import List, Optional

EXIT_ERROR = 2
INSTALL_HINT = 'pip install "mlwarden[server]"'


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--stdio", action="store_true", help="talk LSP over stdin/stdout (the default and only transport)")
    parser.add_argument(
        "--debounce", type=float, default=None, metavar="MS",
        help="milliseconds to wait after an edit before checking (default: 25; initializationOptions.debounce overrides)",
    )
    parser.add_argument("--verbose", "-v", action="store_true", help="log every check and dropped result to the client (window/logMessage)")


def missing_dependency() -> Optional[str]:
    """The name of the first server dependency that cannot be imported."""
    import importlib

    for name in ("lsprotocol", "pygls"):
        try:
            importlib.import_module(name)
        except ImportError:
            return name
    return None


def run(args: argparse.Namespace) -> int:
    missing = missing_dependency()
    if missing is not None:
        print(f"mlwarden server: error: {missing} is not installed; install the server extra: {INSTALL_HINT}", file=sys.stderr)
        return EXIT_ERROR
    if args.debounce is not None and args.debounce < 0:
        print("mlwarden server: error: --debounce must be 0 or more milliseconds", file=sys.stderr)
        return EXIT_ERROR
    from mlwarden.server import serve

    serve(debounce_ms=args.debounce, verbose=args.verbose)
    return 0


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="mlwarden server", description=__doc__.splitlines()[0])
    add_arguments(parser)
    return run(parser.parse_args(argv))
