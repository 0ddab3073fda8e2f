"""The values every part of mlwarden passes around: findings, fixes, severities.

A :class:`Finding` is frozen and holds everything a formatter needs. Secret
findings never hold the secret: only a masked preview and a hash (see
:func:`redact`), so no output format can leak it.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace
from typing import Any, Optional, Tuple


class Severity(str, enum.Enum):
    """How bad a finding is. Ordered: critical > high > medium > low."""

    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"

    @property
    def rank(self) -> int:
        return _RANK[self]

    @property
    def sarif_level(self) -> str:
        return {"critical": "error", "high": "error", "medium": "warning", "low": "note"}[self.value]

    @classmethod
    def parse(cls, text: str) -> "Severity":
        try:
            return cls(text.lower())
        except ValueError:
            names = ", ".join(s.value for s in cls)
            raise ValueError(f"unknown severity {text!r} (expected one of: {names})") from None


_RANK = {Severity.LOW: 0, Severity.MEDIUM: 1, Severity.HIGH: 2, Severity.CRITICAL: 3}


@dataclass(frozen=True)
class Edit:
    """Replace the text between two positions (1-based lines, 0-based columns
    counted in characters) of a unit's code view with ``text``."""

    start_line: int
    start_col: int
    end_line: int
    end_col: int
    text: str


@dataclass(frozen=True)
class Fix:
    """A fix: one or more non-overlapping edits. ``safe`` fixes keep behaviour;
    unsafe ones (e.g. ``weights_only=True`` may reject an old checkpoint) are
    applied only with ``--unsafe-fixes``."""

    edits: Tuple[Edit, ...]
    safe: bool
    description: str = ""
    #: the CodeView whose coordinates ``edits`` use (None: the unit's own)
    view: Any = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Finding:
    """One problem in one place.

    ``line``/``col`` are 1-based and point into the file, or, for notebooks,
    into the cell numbered ``cell`` (1-based, counting every cell).
    ``file_line`` is the line in the file on disk (equal to ``line`` for plain
    files; the notebook JSON line for cells). ``output`` is the 0-based output
    index for findings in notebook outputs. ``snippet_hash`` identifies the
    offending text for baselines without line numbers.
    """

    rule_id: str
    path: str
    line: int
    col: int
    message: str
    severity: Severity
    end_line: Optional[int] = None
    end_col: Optional[int] = None
    cell: Optional[int] = None
    output: Optional[int] = None
    file_line: Optional[int] = None
    fix: Optional[Fix] = field(default=None, compare=False)
    snippet_hash: Optional[str] = None
    secret_preview: Optional[str] = None
    rule_name: str = ""
    #: where the finding lives when that lowered (or could lower) its
    #: severity: "test", "docs", "example", "tutorial"; None for other code
    #: (set by :func:`mlwarden.core.context.adjust`)
    context: Optional[str] = None
    #: the revision keyword (``revision``, ``model_revision``,
    #: ``code_revision``) a Hub finding tells the reader to pin, set by the rule
    #: that builds the advice (MLW201, MLW202); None when it asks for no pin.
    #: Read by :func:`mlwarden.core.context.lower_repeats`; not shown in output
    pin: Optional[str] = field(default=None, compare=False)

    def __post_init__(self) -> None:
        # one redaction point for every output format, the cache, baselines,
        # flake8 and editors: credentials masked, control characters escaped
        from mlwarden.core.redact import safe_text

        clean = safe_text(self.message)
        if clean is not self.message:
            object.__setattr__(self, "message", clean)

    @property
    def sort_key(self):
        return (self.path, self.cell or 0, self.output if self.output is not None else -1, self.line, self.col, self.rule_id)

    def location(self) -> str:
        """``path:line:col`` or ``path:cell N:line:col`` (ruff's notebook style)."""
        if self.cell is not None:
            where = f"{self.path}:cell {self.cell}"
            if self.output is not None:
                where += f":output {self.output + 1}"
            return f"{where}:{self.line}:{self.col}"
        return f"{self.path}:{self.line}:{self.col}"

    def with_(self, **changes) -> "Finding":
        return replace(self, **changes)


def sha256_hex(text: str) -> str:
    return _sha256()(text.encode("utf-8", "surrogatepass")).hexdigest()


def _sha256():
    """CPython's own SHA-256 (``_sha2`` from 3.12, ``_sha256`` before), else
    hashlib's: the same digest, without hashlib's OpenSSL start-up (~2% of a
    one-file hook run that reports a finding)."""
    try:
        from _sha2 import sha256  # type: ignore[import-not-found]
    except ImportError:
        try:
            from _sha256 import sha256  # type: ignore[import-not-found,no-redef]
        except ImportError:  # pragma: no cover - a build without them
            from hashlib import sha256  # type: ignore[no-redef]
    return sha256


def redact(secret: str) -> str:
    """A masked preview that never reveals the secret (see
    :func:`mlwarden.core.redact.preview`)."""
    from mlwarden.core.redact import preview

    return preview(secret)
