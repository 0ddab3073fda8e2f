"""The code of a Python source, without what ``ast`` never shows the gate.

:func:`code_text` returns the source with its comments and its *prose*
strings blanked out, so that the word prefilter can ask whether a trigger
word is used as code before anything is parsed. A prose string is one whose
words :func:`mlwarden.core.gate.code_words` would not count on the parsed
tree:

- a bare string statement (a docstring; ``"a" "b"`` too, but not an
  f-string, which ``ast`` keeps as a ``JoinedStr``);
- a ``bytes`` literal;
- a run of adjacent plain string literals whose value is longer than
  ``gate._MAX_TRIGGER_STRING`` characters for certain (escapes are counted
  as producing nothing, ``\\r\\n`` as one character).

Everything else stays: code, f-strings whole (their replacement fields are
code, their literal parts short strings), and every other string literal.

The contract is one-sided. A word of a code position, or of a string the
gate counts, is always in the result; the result may keep more than that
(a ``def f(): "doc"`` on one line keeps its docstring). When the scanner is
unsure where a token ends (an unterminated string, a stray ``}`` in an
f-string, unbalanced brackets, a NUL character, f-strings nested deeper than
Python allows) it returns None: the caller then parses, as before.

Strings are scanned as Python 3.12+ tokenizes them (PEP 701): a replacement
field may hold strings with the f-string's own quotes, comments (in
triple-quoted f-strings), nested f-strings and format specs with fields of
their own. Code that is valid for an older Python is read the same way (it
cannot hold those forms), and code that is valid for none does not parse
whatever this module says.
"""

from __future__ import annotations

import re
from typing import Callable, FrozenSet, List, Optional, Set, Tuple

#: the gate's limit: a string constant longer than this is prose (gate._MAX_TRIGGER_STRING)
PROSE_LENGTH = 100

#: the start of a comment or of a string literal (a plain character class:
#: ``re`` scans for it at C speed; the prefix is read back from the quote)
_START = re.compile(r"""[#'"]""")
_COMMENT_END = re.compile(r"[^\r\n]*")

#: the rest of a plain string after its opening quote, closing quote included
_PLAIN_END = {
    "'": re.compile(r"[^'\\\r\n]*(?:\\(?:\r\n|[\s\S])[^'\\\r\n]*)*'"),
    '"': re.compile(r'[^"\\\r\n]*(?:\\(?:\r\n|[\s\S])[^"\\\r\n]*)*"'),
    "'''": re.compile(r"[^'\\]*(?:(?:\\[\s\S]|'(?!''))[^'\\]*)*'''"),
    '"""': re.compile(r'[^"\\]*(?:(?:\\[\s\S]|"(?!""))[^"\\]*)*"""'),
}

#: literal text of an f-string: up to a brace, a backslash, a quote or (single-quoted) a line end
_F_LITERAL = {
    "'": re.compile(r"[^{}\\'\r\n]*"),
    '"': re.compile(r'[^{}\\"\r\n]*'),
    "'''": re.compile(r"[^{}\\']*"),
    '"""': re.compile(r'[^{}\\"]*'),
}
#: what matters inside a replacement field's expression
_F_EXPR = re.compile(r"""[\[\](){}:#'"\\]""")

#: an escape sequence of a non-raw literal, whole (``\\u0120``, ``\\N{...}``,
#: octal): counted as producing nothing for a value's length, decoded for its words
_ESCAPE = re.compile(r"\\(?:\r\n|\n|\r|x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|N\{[^}\r\n]*\}|[0-7]{1,3}|[\s\S])")

#: Python refuses f-strings nested deeper than this (3.12: 150 levels of
#: parentheses, far fewer in practice); deeper means unsure
_MAX_FIELD_DEPTH = 64

_PREFIX_LETTERS = frozenset("rRbBuUfFtT")
_WORD_CHAR = re.compile(r"\w")
#: ``\N{NAME}`` after its backslash (names: letters, digits, blanks, hyphens)
_NAMED = re.compile(r"N\{[A-Za-z0-9 \-]*\}")

_CODE, _COMMENT, _STR, _FSTR, _BYTES = range(5)


class _Unsure(Exception):
    """A token whose end cannot be told for certain."""


def code_text(source: str) -> Optional[str]:
    """``source`` with comments and prose strings replaced by a space (see
    the module docs), or None when unsure."""
    tokens = _tokens_or_none(source)
    if tokens is None:
        return None
    classified = _classify(source, tokens)
    return None if classified is None else _kept_text(source, tokens, *classified, (_CODE, _STR, _FSTR))


def code_words(source: str, words: FrozenSet[str], enough: Optional[Callable[[Set[str]], bool]] = None) -> Optional[Set[str]]:
    """The ``words`` (found in ``source`` by :func:`~mlwarden.core.gate.words_in_text`)
    that occur in :func:`code_text`, or None when unsure. ``enough``: a
    test that more words cannot change the caller's answer (the rules it
    asks about already fire); the strings are then not classified."""
    from mlwarden.core.gate import words_in_text

    tokens = _tokens_or_none(source)
    if tokens is None:
        return None
    found = words_in_text(" ".join(source[start:end] for kind, start, end, _b in tokens if kind == _CODE), words)
    if len(found) == len(words) or (enough is not None and enough(found)):
        return found
    classified = _classify(source, tokens)
    if classified is None:
        return None
    return found | words_in_text(_kept_text(source, tokens, *classified, (_STR, _FSTR)), words - found)


def _tokens_or_none(source: str) -> Optional[List[Tuple[int, int, int, int]]]:
    if "\0" in source:
        return None
    try:
        return _tokens(source)
    except _Unsure:
        return None


def _kept_text(source: str, tokens: List[Tuple[int, int, int, int]], keep: List[bool], groups: List[List[int]], kinds: Tuple[int, ...]) -> str:
    """The kept tokens of ``kinds``; for a literal with escapes its value's
    words too, and for adjacent literals their joined values (``"from_pre"
    "trained"`` is one constant, ``from_pretrained``)."""
    parts = []
    for (kind, start, end, _bound), kept in zip(tokens, keep):
        if kept and kind in kinds:
            text = source[start:end]
            parts.append(text)
            if kind != _CODE and "\\" in text and "r" not in _prefix(text):
                parts.append(_ESCAPE.sub(_decode, text))
    for group in groups:
        parts.append("".join(_value_text(source[tokens[i][1] : tokens[i][2]]) for i in group if keep[i]))
    return " ".join(parts)


def _value_text(literal: str) -> str:
    """A literal's body, escapes decoded unless it is raw (an f-string's
    fields stay as they are written)."""
    prefix = _prefix(literal)
    quote = 3 if literal[len(prefix) : len(prefix) + 3] in ("\'\'\'", '"""') and len(literal) >= len(prefix) + 6 else 1
    body = literal[len(prefix) + quote : len(literal) - quote]
    return body if "r" in prefix or "\\" not in body else _ESCAPE.sub(_decode, body)


def _prefix(literal: str) -> str:
    """A string literal's prefix, lower-cased (``rb`` of ``Rb"..."``)."""
    return literal[: len(literal) - len(literal.lstrip("rRbBuUfFtT"))].lower()


_SIMPLE_ESCAPES = frozenset("\\'\"abfnrtv")


def _decode(match: "re.Match[str]") -> str:
    """An escape sequence as the characters its value holds, for word
    boundaries: a separator for ``\\n`` and friends, the character itself
    for ``\\x41``, ``\\u0120``, ``\\N{...}`` and octal, nothing for an
    escaped line end."""
    text = match.group()
    code = text[1]
    if code in "\r\n":
        return ""
    if code in _SIMPLE_ESCAPES:
        return " "
    try:
        if code in "xuU":
            return chr(int(text[2:], 16))
        if code in "01234567":
            return chr(int(text[1:], 8))
        if code == "N" and len(text) > 2:
            import unicodedata

            return unicodedata.lookup(text[3:-1])
    except (ValueError, KeyError, OverflowError):
        return " "
    return text  # not an escape: the backslash stays, and the character


# ---------------------------------------------------------------------------
# tokens: code, comments and whole string literals


def _tokens(source: str) -> List[Tuple[int, int, int, int]]:
    """(kind, start, end, value length lower bound) for each code run,
    comment and string literal, in order."""
    out: List[Tuple[int, int, int, int]] = []
    pos, size = 0, len(source)
    search = _START.search
    while pos < size:
        match = search(source, pos)
        if match is None:
            out.append((_CODE, pos, size, 0))
            break
        start = match.start()
        if source[start] == "#":
            if start > pos:
                out.append((_CODE, pos, start, 0))
            end = _COMMENT_END.match(source, start).end()
            out.append((_COMMENT, start, end, 0))
            pos = end
            continue
        quote_at = start
        start = _prefix_start(source, quote_at, pos)
        if start > pos:
            out.append((_CODE, pos, start, 0))
        prefix = source[start:quote_at].lower()
        quote = source[quote_at : quote_at + 3] if source.startswith(source[quote_at] * 3, quote_at) else source[quote_at]
        body = quote_at + len(quote)
        if "f" in prefix or "t" in prefix:
            end = _fstring_end(source, body, quote, 0, "r" in prefix)
            out.append((_FSTR, start, end, 0))
        else:
            closing = _PLAIN_END[quote].match(source, body)
            if closing is None:
                raise _Unsure
            end = closing.end()
            if "b" in prefix:
                out.append((_BYTES, start, end, 0))
            else:
                out.append((_STR, start, end, _value_bound(source[body : end - len(quote)], "r" in prefix)))
        pos = end
    return out


def _prefix_start(source: str, quote_at: int, floor: int) -> int:
    """Where the literal whose quote is at ``quote_at`` starts: 1-2 prefix
    letters before it, unless they end a longer name (``if"x"`` has none)."""
    start = quote_at
    while start > floor and quote_at - start < 2 and source[start - 1] in _PREFIX_LETTERS:
        start -= 1
    if start < quote_at and start > 0 and _WORD_CHAR.match(source, start - 1):
        return quote_at
    return start


def _value_bound(body: str, raw: bool) -> int:
    """A lower bound of the length of a plain literal's value."""
    if not raw and "\\" in body:
        body = _ESCAPE.sub("", body)
    return len(body) - body.count("\r")  # the tokenizer reads "\r\n" as "\n"


def _skip_escape(source: str, pos: int, raw: bool) -> int:
    """Past a backslash at ``pos`` in an f-string's literal text, as
    CPython's tokenizer reads it: a brace after it still opens or closes a
    field, ``\\N{NAME}`` (not raw) is one escape, any other character is
    taken with the backslash."""
    after = pos + 2 if source.startswith("\r", pos + 1) else pos + 1
    if after >= len(source):
        raise _Unsure
    char = source[after]
    if char in "{}":
        return after
    if char == "N" and not raw:
        named = _NAMED.match(source, after)
        if named is None:
            raise _Unsure
        return named.end()
    return after + 1


def _fstring_end(source: str, pos: int, quote: str, level: int, raw: bool, spec: bool = False) -> int:
    """The end of an f-string whose body starts at ``pos`` (after its
    closing quote); with ``spec``, of a format spec starting at ``pos`` (after
    the ``}`` that closes its field). Both are literal text with replacement
    fields; only a string's text has ``{{``/``}}`` and can end at a quote."""
    if level > _MAX_FIELD_DEPTH:
        raise _Unsure
    literal = _F_LITERAL[quote].match
    size, closer = len(source), quote[0]
    while True:
        pos = literal(source, pos).end()
        if pos >= size:
            raise _Unsure
        char = source[pos]
        if char == "\\":
            pos = _skip_escape(source, pos, raw)
        elif char == "{":
            if not spec and source.startswith("{{", pos):
                pos += 2
            else:
                pos = _field_end(source, pos + 1, quote, level + 1, raw)
        elif char == "}":
            if spec:
                return pos + 1
            if not source.startswith("}}", pos):
                raise _Unsure  # a lone `}`: not Python
            pos += 2
        elif char == closer and len(quote) == 3 and not source.startswith(quote, pos):
            pos += 1  # one quote inside a triple-quoted string
        elif char == closer and not spec:
            return pos + len(quote)
        else:  # a line end in a single-quoted f-string, or the quote inside a field
            raise _Unsure


def _field_end(source: str, pos: int, quote: str, level: int, raw: bool) -> int:
    """The end (after its ``}``) of a replacement field whose expression
    starts at ``pos``."""
    if level > _MAX_FIELD_DEPTH:
        raise _Unsure
    depth, size = 0, len(source)
    search = _F_EXPR.search
    while True:
        match = search(source, pos)
        if match is None:
            raise _Unsure
        pos = match.start()
        char = source[pos]
        if char in "([{":
            depth += 1
            pos += 1
        elif char in ")]":
            depth -= 1
            pos += 1
            if depth < 0:
                raise _Unsure
        elif char == "}":
            if depth == 0:
                return pos + 1
            depth -= 1
            pos += 1
        elif char == ":" and depth == 0:
            return _fstring_end(source, pos + 1, quote, level, raw, spec=True)
        elif char == ":":
            pos += 1
        elif char == "#":
            pos = _COMMENT_END.match(source, pos).end()
        elif char == "\\":
            pos += 2
        else:  # a string inside the expression, maybe with a prefix
            prefix = source[_prefix_start(source, pos, 0) : pos].lower()
            inner = source[pos : pos + 3] if source.startswith(char * 3, pos) else char
            if "f" in prefix or "t" in prefix:
                pos = _fstring_end(source, pos + len(inner), inner, level + 1, "r" in prefix)
            else:
                closing = _PLAIN_END[inner].match(source, pos + len(inner))
                if closing is None:
                    raise _Unsure
                pos = closing.end()
        if pos >= size:
            raise _Unsure


# ---------------------------------------------------------------------------
# which strings are prose


def _classify(source: str, tokens: List[Tuple[int, int, int, int]]) -> Optional[Tuple[List[bool], List[List[int]]]]:
    """For each token, whether it stays in the code text, and the groups of
    two or more adjacent literals; None when the brackets do not balance."""
    groups: List[List[int]] = []
    keep = [kind != _COMMENT for kind, _s, _e, _b in tokens]
    depth = 0
    index, count = 0, len(tokens)
    at_line_start = True  # the beginning of the file
    while index < count:
        kind, start, end, _bound = tokens[index]
        if kind == _CODE:
            text = source[start:end]
            depth += text.count("(") + text.count("[") + text.count("{") - text.count(")") - text.count("]") - text.count("}")
            if depth < 0:
                return None
            at_line_start = depth == 0 and _ends_statement(text, at_line_start)
            index += 1
            continue
        if kind == _COMMENT:
            index += 1  # the line end after it is in the next code run
            continue
        # a group of adjacent string literals (one expression)
        first = index
        last = index
        probe = index + 1
        while probe < count:
            probe_kind, probe_start, probe_end, _b = tokens[probe]
            if probe_kind in (_STR, _FSTR, _BYTES):
                last = probe
                probe += 1
            elif probe_kind == _COMMENT and depth > 0:
                probe += 1
            elif probe_kind == _CODE and _only_joins(source[probe_start:probe_end], depth):
                probe += 1
            else:
                break
        group = [i for i in range(first, last + 1) if tokens[i][0] != _CODE and tokens[i][0] != _COMMENT]
        if len(group) > 1:
            groups.append(group)
        kinds = {tokens[i][0] for i in group}
        bare = at_line_start and depth == 0 and _FSTR not in kinds and _statement_ends_after(source, tokens, last)
        run: List[int] = []
        for i in group + [-1]:
            if i >= 0 and tokens[i][0] == _STR:
                run.append(i)
                continue
            if run and (bare or sum(tokens[j][3] for j in run) > PROSE_LENGTH):
                for j in run:
                    keep[j] = False
            run = []
            if i >= 0 and tokens[i][0] == _BYTES:
                keep[i] = False
        at_line_start = False
        index = last + 1
    return (keep, groups) if depth == 0 else None


def _only_joins(text: str, depth: int) -> bool:
    """Whether code between two string literals leaves them one expression:
    blanks (with line ends inside brackets, or escaped ones outside)."""
    if text.strip(" \t\f\r\n\\"):
        return False
    if depth > 0:
        return True
    # outside brackets every line end must be escaped
    return "\n" not in text.replace("\\\r\n", "").replace("\\\n", "") and "\r" not in text.replace("\\\r\n", "")


def _ends_statement(text: str, was_at_start: bool) -> bool:
    """Whether, after code ``text`` (at bracket depth 0), the next token
    starts a statement: the text ends with an unescaped line end or a ``;``
    and blanks, or is all blanks after a statement start."""
    stripped = text.rstrip(" \t\f")
    if not stripped:
        return was_at_start
    if stripped.endswith(";"):
        return True
    if stripped.endswith("\n") or stripped.endswith("\r"):
        before = stripped[:-1]
        if before.endswith("\r"):
            before = before[:-1]
        return not before.endswith("\\")
    return False


def _statement_ends_after(source: str, tokens: List[Tuple[int, int, int, int]], last: int) -> bool:
    """Whether the statement ends right after token ``last``: blanks, then a
    line end, a ``;``, a comment or the end of the file."""
    following = last + 1
    if following >= len(tokens):
        return True
    kind, start, end, _b = tokens[following]
    if kind == _COMMENT:
        return True
    if kind != _CODE:
        return False
    rest = source[start:end].lstrip(" \t\f")
    if not rest:
        return following + 1 >= len(tokens) or tokens[following + 1][0] == _COMMENT
    return rest[0] in "\r\n;"
