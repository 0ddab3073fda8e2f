"""Python source files."""

from __future__ import annotations

import io
import tokenize

from mlwarden.sources.base import CodeView, LoadError, Unit


def decode_python(raw: bytes) -> "tuple[str, str]":
    """Decode Python source bytes honouring a PEP 263 coding cookie and a BOM.

    Returns ``(text, encoding)``; ``encoding`` is what to write fixes back
    with (``utf-8-sig`` keeps a BOM). Raises LoadError for binary data or bytes that are not in the declared
    encoding."""
    if b"\x00" in raw[:8192] or b"\x00" in raw:
        raise LoadError("binary file (contains NUL bytes), not Python source")
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(raw).readline)
    except SyntaxError as exc:
        raise LoadError(f"cannot decode: {exc.msg if hasattr(exc, 'msg') else exc}") from None
    try:
        text = raw.decode(encoding)
    except (UnicodeError, LookupError) as exc:  # UnicodeError: `# coding: undefined`
        if isinstance(exc, UnicodeDecodeError):
            line = raw[: exc.start].count(b"\n") + 1
            raise LoadError(f"cannot decode as {encoding}: invalid byte 0x{raw[exc.start]:02x} at line {line}") from None
        if isinstance(exc, UnicodeError):
            raise LoadError(f"cannot decode: the coding cookie names {encoding!r}, which cannot decode text") from None
        raise LoadError(f"cannot decode: unknown encoding {encoding!r}") from None
    if text.startswith("\ufeff"):
        text = text[1:]
    return text, encoding


def load(raw: bytes, path: str) -> Unit:
    text, encoding = decode_python(raw)
    return Unit(path=path, kind="python", raw=raw, text=text, code=CodeView(text), extra={"encoding": encoding})
