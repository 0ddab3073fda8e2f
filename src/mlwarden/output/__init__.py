"""Output formats. Each formatter takes a :class:`Report` and returns text."""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Sequence

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
    show_fixes: bool = False
    #: lines the text format prints after its summary (--statistics, the
    #: first-run summary); other formats ignore them
    trailer: List[str] = field(default_factory=list)
    #: False with --statistics: the text format prints counts, not findings
    show_findings: bool = True


def renderer(name: str) -> Callable[[Report], str]:
    module, func = FORMATS[name].split(":")
    return getattr(importlib.import_module(module), func)
