"""The literal text every match of a regular expression starts with.

A pattern such as ``ghp_[A-Za-z0-9]{36}`` can only match where ``ghp_``
occurs, and ``str.__contains__`` finds that (or its absence) far faster than
the regex engine tries the pattern at every position: on a 2.7 MB HTML
output a hundred provider patterns took 2.8 s, their literal tests a few
milliseconds. :func:`may_search` is that test: False only when
``pattern.search(text)`` cannot match.

The literal is read from the parsed pattern (``re``'s own parser): the
leading run of plain characters, skipping anchors and look-arounds (they
consume nothing), entering groups that are themselves plain text. Anything
else (a class, a repeat, an alternation, a group that changes flags) ends
it. Under ``re.IGNORECASE`` the literal is compared in lower case, after
mapping the four non-ASCII characters that ``re`` matches to ASCII letters
(``İ ı ſ K``); only ASCII literals are used.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Optional, Sequence, Tuple

try:  # Python >= 3.11
    from re import _constants as _sre_constants, _parser as _sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - Python 3.9 / 3.10
    import sre_constants as _sre_constants  # type: ignore[no-redef]
    import sre_parse as _sre_parse  # type: ignore[no-redef]

#: Literals shorter than this are not worth a separate test.
MIN_LENGTH = 2

_LITERAL = _sre_constants.LITERAL
_SUBPATTERN = _sre_constants.SUBPATTERN
_BRANCH = _sre_constants.BRANCH
_IN = _sre_constants.IN
_ZERO_WIDTH = (_sre_constants.AT, _sre_constants.ASSERT, _sre_constants.ASSERT_NOT)
#: Beyond this many alternative literals (``(?:a|b)[xyz]…`` multiplies) the test stops growing.
_MAX_ALTERNATIVES = 16


def _lead(items: Any) -> Tuple[Tuple[str, ...], bool, bool]:
    """(alternative leading literals, whether every item was consumed as
    plain text or was zero-width, whether a part ignores case)."""
    alternatives: Tuple[str, ...] = ("",)
    ignore_case = False
    for op, value in items:
        if op is _LITERAL:
            options: Tuple[str, ...] = (chr(value),)
        elif op in _ZERO_WIDTH:
            continue
        elif op is _IN and value and all(kind is _LITERAL for kind, _ in value) and len(value) <= 8:
            options = tuple(chr(code) for _, code in value)  # `[pousr]`
        elif op is _SUBPATTERN and value[2] == 0 and value[1] in (0, re.IGNORECASE):
            inner, complete, inner_case = _lead(value[3].data)
            ignore_case = ignore_case or inner_case or value[1] == re.IGNORECASE
            alternatives = _join(alternatives, inner)
            if not complete or alternatives is None:
                return alternatives or ("",), False, ignore_case
            continue
        elif op is _BRANCH:
            branches = [_lead(sub.data) for sub in value[1]]
            ignore_case = ignore_case or any(case for _, _, case in branches)
            options = tuple(text for texts, _, _ in branches for text in texts)
            joined = _join(alternatives, options)
            if joined is None:
                return alternatives, False, ignore_case
            # a branch whose alternatives all ended as plain text lets the literal go on
            alternatives = joined
            if not all(complete for _, complete, _ in branches):
                return alternatives, False, ignore_case
            continue
        else:
            return alternatives, False, ignore_case
        joined = _join(alternatives, options)
        if joined is None:
            return alternatives, False, ignore_case
        alternatives = joined
    return alternatives, True, ignore_case


def _join(heads: Tuple[str, ...], tails: Tuple[str, ...]) -> Optional[Tuple[str, ...]]:
    if len(heads) * len(tails) > _MAX_ALTERNATIVES:
        return None
    return tuple(head + tail for head in heads for tail in tails)


@lru_cache(maxsize=4096)
def _needle(source: Any, flags: int) -> Optional[Tuple[Tuple[str, ...], bool]]:
    if not isinstance(source, str):
        return None
    try:
        parsed = _sre_parse.parse(source, flags)
    except Exception:  # never stop a scan over a pattern we cannot read
        return None
    state = getattr(parsed, "state", None) or getattr(parsed, "pattern", None)  # 3.11+ / 3.9-3.10
    flags |= getattr(state, "flags", 0)  # inline `(?i)` at the start of the pattern
    texts, _, local_case = _lead(parsed.data)
    if not texts or min(map(len, texts)) < MIN_LENGTH or not all(text.isascii() for text in texts):
        return None
    ignore_case = local_case or bool(flags & re.IGNORECASE)
    return tuple(sorted({text.lower() for text in texts} if ignore_case else set(texts))), ignore_case


def required_literal(pattern: Any) -> Optional[Tuple[Tuple[str, ...], bool]]:
    """(literals one of which every match starts with, compared ignoring
    case), or None. ``pattern``: a compiled pattern or a
    :mod:`mlwarden.core.lazyre` one (read without compiling it)."""
    source = getattr(pattern, "__dict__", {}).get("_source")
    if source is not None:  # a lazy pattern: its text and flags, uncompiled
        return _needle(source[0], source[1])
    return _needle(pattern.pattern, pattern.flags)


class Text:
    """A text and, computed on first need, its case-folded form for
    :func:`may_search` (one per line scanned by many patterns)."""

    __slots__ = ("text", "_folded")

    def __init__(self, text: str) -> None:
        self.text = text
        self._folded: Optional[str] = None

    @property
    def folded(self) -> str:
        if self._folded is None:
            text = self.text
            if not text.isascii():
                # the four non-ASCII characters `re.IGNORECASE` matches to ASCII
                # letters (`İ` would lower to `i` and a combining dot)
                for odd, plain in (("\u0130", "i"), ("\u0131", "i"), ("\u017f", "s"), ("\u212a", "k")):
                    if odd in text:
                        text = text.replace(odd, plain)
            self._folded = text.lower()
        return self._folded


def may_search(pattern: Any, text: Text) -> bool:
    """False only when ``pattern.search(text.text)`` cannot match."""
    needle = required_literal(pattern)
    if needle is None:
        return True
    literals, ignore_case = needle
    haystack = text.folded if ignore_case else text.text
    return any(literal in haystack for literal in literals)


#: characters with a meaning outside a class; every other one is itself
_META = set(".^$*+?{}[]\\|()")


def quick_literal(source: str, flags: int = 0) -> Optional[Tuple[str, bool]]:
    """(literal, compared ignoring case) that every match of ``source``
    contains, read from the pattern's text without ``re``'s parser (which
    costs about as much as compiling it), or None when the text is not in
    the plain shape read here: leading look-arounds, then capturing or
    ``(?:`` groups, then plain characters. Conservative: any alternation in
    the groups entered, an inline flag group or a short literal gives None.
    ``tests/test_regexlit.py`` checks it against :func:`required_literal`."""
    i, n, entered = 0, len(source), 0
    if flags & ~(re.IGNORECASE | re.UNICODE):
        return None
    while i < n and source.startswith(("(?<!", "(?<=", "(?!", "(?="), i):
        end = _group_end(source, i)  # a look-around consumes nothing: skip it
        if end is None:
            return None
        i = end + 1
    start_groups = i
    while i < n and source[i] == "(":
        if source.startswith("(?:", i):
            i += 3
        elif source.startswith("(?", i):
            return None  # a named or flag group: not read here
        else:
            i += 1
        entered += 1
    if "|" in source and (_alternation_within(source, 0, 0) or (entered and _alternation_within(source, start_groups, entered))):
        return None  # `a|b` at the top, or in a group the literal starts in
    literal = []
    while i < n:
        char = source[i]
        if char == "\\":
            if i + 1 < n and not source[i + 1].isalnum() and source[i + 1].isascii():
                literal.append(source[i + 1])
                i += 2
                continue
            break
        if char in _META:
            break
        literal.append(char)
        i += 1
    if i < n and source[i] in "*+?{" and literal:
        literal.pop()  # `ab?`: the last character may be absent (and `ab+` is read as `a`, as re's parser reads it)
    text = "".join(literal)
    if len(text) < MIN_LENGTH or not text.isascii():
        return None
    ignore_case = bool(flags & re.IGNORECASE)
    return (text.lower() if ignore_case else text), ignore_case


def _structure(source: str, start: int) -> Any:
    """(index, character, depth) of each ``(``, ``)`` and ``|`` from
    ``start``, outside character classes and escapes; ``depth`` is the
    nesting after the character (an opening parenthesis counts)."""
    i, n, depth = start, len(source), 0
    while i < n:
        char = source[i]
        if char == "\\":
            i += 2
            continue
        if char == "[":
            i += 1
            if i < n and source[i] == "^":
                i += 1
            if i < n and source[i] == "]":
                i += 1  # `[]…]`: a literal ]
            while i < n and source[i] != "]":
                i += 2 if source[i] == "\\" else 1
            i += 1
            continue
        if char in "()|":
            depth += 1 if char == "(" else -1 if char == ")" else 0
            yield i, char, depth
        i += 1


def _group_end(source: str, start: int) -> Optional[int]:
    """Index of the ``)`` closing the group that opens at ``start``."""
    return next((index for index, char, depth in _structure(source, start) if char == ")" and depth == 0), None)


def _alternation_within(source: str, start: int, groups: int) -> bool:
    """Is there a ``|`` at the top level of the ``groups`` groups opened
    from ``start`` (or of the whole pattern when ``groups`` is 0)?"""
    for _index, char, depth in _structure(source, start):
        if char == ")" and groups and depth == 0:
            return False  # the outermost entered group closed
        if char == "|" and (depth <= groups if groups else depth == 0):
            return True
    return False


#: tests turn this off to compare results with and without :func:`cannot_match`
GATING = True


def with_needles(pattern: Any, needles: Sequence[str]) -> Any:
    """``pattern`` (a lazy one) marked with literals one of which every match
    contains (an alternation of words: ``(?:pass|pwd|token)…``), compared as
    they are, for :func:`cannot_match`. Returns the pattern."""
    pattern.__dict__["_needles"] = (tuple(needles), False)
    pattern.__dict__.pop("_needle_finder", None)
    return pattern


def cannot_match(pattern: Any, text: str) -> bool:
    """True only when ``pattern`` cannot match ``text``: no literal that
    every match contains (its :func:`with_needles` words, or the
    :func:`quick_literal` of a lazy pattern's text) is in it. Read from the
    pattern's text: a lazy pattern that cannot match is never compiled.
    Once compiled (a file needed it), a pattern is searched as it is."""
    if "_compiled" in getattr(pattern, "__dict__", {}):
        # a compiled pattern: its own search is as fast as the literal tests
        # (a word group holds ~20 literals: 20 scans of a large file cost
        # more than one regex scan; measured 14.8 -> 16.7 s on transformers)
        return False
    return literals_absent(pattern, text)


def literals_absent(pattern: Any, text: str) -> bool:
    """The test of :func:`cannot_match` whatever the pattern's state: no
    literal every match of the lazy ``pattern`` contains is in ``text``
    (False for a compiled pattern, and while :data:`GATING` is off)."""
    attributes = getattr(pattern, "__dict__", None)
    if not GATING or attributes is None:
        return False
    needles = attributes.get("_needles")
    if needles is None:
        source = attributes.get("_source")
        found = quick_literal(*source) if source is not None and isinstance(source[0], str) else None
        needles = attributes["_needles"] = ((), False) if found is None else ((found[0],), found[1])
    literals, folded = needles
    if not literals:
        return False
    haystack = _lowered(text) if folded else text
    if len(literals) == 1:
        return literals[0] not in haystack
    # several literals: one scan for any of them (an alternation of plain
    # literals) instead of one ``in`` scan each; the secrets prefilter's 44
    # patterns hold 95 literals, mostly absent: 2.8 -> 1.7 s of CPU over the
    # transformers corpus
    finder = attributes.get("_needle_finder")
    if finder is None:
        finder = attributes["_needle_finder"] = re.compile("|".join(re.escape(literal) for literal in literals))
    return finder.search(haystack) is None


_last_lowered: Tuple[Optional[str], str] = (None, "")


def _lowered(text: str) -> str:
    """``text.lower()``, once for a run of patterns over the same text (a
    file's or a notebook's outputs: ~200 folded patterns each lowered all of
    it; 30 MB of outputs spent 3.3 s here). The text is held, so its identity
    cannot be reused by another string."""
    global _last_lowered
    last, lowered = _last_lowered
    if last is not text:
        lowered = text.lower()
        _last_lowered = (text, lowered)
    return lowered
