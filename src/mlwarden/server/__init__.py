"""``mlwarden server``: a language server over stdio (the ``server`` extra).

A thin front door on the same engine as the CLI, the flake8 plugin and the
pre-commit hooks: documents are checked in memory with
:func:`mlwarden.core.engine.check_source`, with the configuration, pins,
per-file ignores and ``# noqa`` the CLI would use, so an editor shows what
the commit hook will say.

- :mod:`.documents`: immutable snapshots of LSP documents and how they become
  the engine's input (a notebook document becomes notebook JSON, cell by cell);
- :mod:`.convert`: findings to diagnostics (cell-relative, UTF-16 positions),
  fixes to text edits;
- :mod:`.checks`: what runs on the worker thread (check, fix all);
- :mod:`.actions`: code actions (fix, fix all, ``# noqa``) and hover;
- :mod:`.project`: configuration and dependency pins per directory, reloaded
  when ``pyproject.toml`` or a requirements file changes;
- :mod:`.scheduler`: one pending check per document, debounced, off the event
  loop; a superseded result is dropped;
- :mod:`.app`: the pygls server and its handlers.

Nothing here is imported by the core install: ``mlwarden check`` never loads
pygls, lsprotocol or this package (``tests/test_server_unit.py`` asserts it).
"""

from __future__ import annotations

from typing import Optional


def serve(*, debounce_ms: Optional[float] = None, verbose: bool = False) -> None:
    """Run the server on stdin/stdout until the client says ``exit``."""
    from mlwarden.core.engine import silence_code_warnings
    from mlwarden.server.app import create_server

    silence_code_warnings()  # stderr is the client's log: no warnings about the user's code
    create_server(debounce_ms=debounce_ms, verbose=verbose).start_io()
