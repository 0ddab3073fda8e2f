"""Output formats. Each formatter takes a :class:`Report` and returns text.

Every format is safe to print and to store: finding messages are already
redacted and escaped (:class:`~mlwarden.core.finding.Finding`); errors, notes,
paths and fix texts go through :mod:`mlwarden.core.redact` here, so no format
holds a credential or a raw control character (a file named
``x\n::error ...`` cannot forge a line or a GitHub workflow command)."""

from __future__ import annotations

import importlib
from mlwarden.core import lazyre as re  # patterns compile on first use
from dataclasses import dataclass, field
from typing import Callable, List, Sequence

from mlwarden.core.finding import Finding

FORMATS = {
    "text": "mlwarden.output.text:render",
    "json": "mlwarden.output.json_format:render",
    "sarif": "mlwarden.output.sarif:render",
    "github": "mlwarden.output.github:render",
}


@dataclass
class Report:
    findings: List[Finding]
    errors: List[str] = field(default_factory=list)
    rules: Sequence[type] = ()
    files_checked: int = 0
    #: extra lines for the text format (assumed versions, …) shown with --verbose
    notes: List[str] = field(default_factory=list)
    verbose: bool = False
    #: lines the text format prints after its summary (--statistics, the
    #: first-run summary); other formats ignore them
    trailer: List[str] = field(default_factory=list)
    #: False with --statistics: the text format prints counts, not findings
    show_findings: bool = True

    def safe_errors(self) -> List[str]:
        from mlwarden.core.redact import safe_text

        return [safe_text(error) for error in self.errors]

    def safe_notes(self) -> List[str]:
        from mlwarden.core.redact import safe_text

        return [safe_text(note) for note in self.notes]


#: characters JSON may hold raw that a terminal could still act on: DEL, the
#: C1 controls, line/paragraph separators and bidirectional formatting
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def dumps_json(doc: object) -> str:
    """``json.dumps`` (indented, non-ASCII kept) with every character a
    terminal could act on written as a ``\\uXXXX`` escape (json.dumps already
    escapes C0 controls); the parsed document is unchanged."""
    import json

    text = json.dumps(doc, indent=2, ensure_ascii=False)
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text) + "\n"


def eprint(text: str) -> None:
    """One line on stderr: credentials masked, control characters (a newline
    in a file name included) escaped, never a forged workflow command."""
    import sys

    from mlwarden.core.redact import safe_line

    print(safe_line(text), file=sys.stderr)


def oprint(text: str) -> None:
    """One line on stdout (``Fixing <path>``), made safe like :func:`eprint`."""
    from mlwarden.core.redact import safe_line

    print(safe_line(text))


def renderer(name: str) -> Callable[[Report], str]:
    module, func = FORMATS[name].split(":")
    return getattr(importlib.import_module(module), func)
