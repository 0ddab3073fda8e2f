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
  as producing nothing, ``\\r\\n`` as one character), unless the code
  right after it formats it (``.format``, ``%``): a template is code.

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

import itertools
import re
from typing import Callable, Dict, FrozenSet, List, Optional, Set, Tuple

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
    scanned = _scan(source)
    if scanned is None:
        return None
    tokens, code = scanned
    keep, groups = _decide(source, tokens, code, [i for i, token in enumerate(tokens) if token[0] in _LITERALS])
    return code.text + " " + _kept_text(source, tokens, keep, groups)


def code_words(
    source: str, words: FrozenSet[str], find: Callable[[str, FrozenSet[str]], Set[str]], enough: Optional[Callable[[Set[str]], bool]] = None
) -> Optional[Set[str]]:
    """The ``words`` (found in ``source`` by ``find``, which is
    :func:`mlwarden.core.gate.words_in_text`) that occur in :func:`code_text`,
    or None when unsure. ``enough``: a test that more words cannot change the
    caller's answer (the rules it asks about already fire).

    Only the literals that can hold a missing word are classified: those
    that contain it, have an escape, or sit next to another literal (``"from_"
    "pretrained"`` is one constant)."""
    scanned = _scan(source)
    if scanned is None:
        return None
    tokens, code = scanned
    found = find(code.text, words)
    if len(found) == len(words) or (enough is not None and enough(found)):
        return found
    missing = words - found
    wanted = _may_hold(source, tokens, missing)
    if not wanted:
        return found
    keep, groups = _decide(source, tokens, code, wanted)
    return found | find(_kept_text(source, tokens, keep, groups), missing)


def _scan(source: str) -> Optional[Tuple[List[Tuple[int, int, int, int]], "_Code"]]:
    """The tokens of ``source`` and its code; None when unsure."""
    if "\0" in source:
        return None
    try:
        tokens = _tokens(source)
    except _Unsure:
        return None
    code = _Code(source, tokens)
    return None if code.unbalanced else (tokens, code)


def _kept_text(source: str, tokens: List[Tuple[int, int, int, int]], keep: Dict[int, bool], groups: List[List[int]]) -> str:
    """The kept literals; for a literal with escapes its value's words too,
    and for adjacent literals their joined values (``"from_pre" "trained"``
    is one constant, ``from_pretrained``)."""
    parts = []
    for index, kept in keep.items():
        if kept:
            text = source[tokens[index][1] : tokens[index][2]]
            parts.append(text)
            if "\\" in text and "r" not in _prefix(text):
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

_LITERALS = (_STR, _FSTR, _BYTES)


class _Code:
    """The code runs of a token list, joined (``text``), and the bracket
    depth before any token, counted in that text."""

    def __init__(self, source: str, tokens: List[Tuple[int, int, int, int]]) -> None:
        self.tokens = tokens
        self.text = " ".join([source[start:end] for kind, start, end, _bound in tokens if kind == _CODE])
        self.unbalanced = _depth(self.text, 0, len(self.text)) != 0
        self._at = (0, 0, 0)  # (token index, offset in the text before it, depth there): counted on from there

    def depth(self, index: int) -> int:
        known, offset, depth = self._at if self._at[0] <= index else (0, 0, 0)
        start = offset
        for kind, begin, end, _bound in itertools.islice(self.tokens, known, index):
            if kind == _CODE:
                offset += end - begin + 1  # the run and the space after it (no bracket)
        depth += _depth(self.text, start, offset)
        self._at = (index, offset, depth)
        return depth


def _depth(text: str, start: int, end: int) -> int:
    count = text.count
    return (
        count("(", start, end) + count("[", start, end) + count("{", start, end)
        - count(")", start, end) - count("]", start, end) - count("}", start, end)
    )


def _decide(source: str, tokens: List[Tuple[int, int, int, int]], code: _Code, wanted: List[int]) -> Tuple[Dict[int, bool], List[List[int]]]:
    """Whether each literal of ``wanted`` (indexes in order), and every
    literal of its group of adjacent literals, stays in the code text; and
    those groups of two or more."""
    keep: Dict[int, bool] = {}
    groups: List[List[int]] = []
    for index in wanted:
        if index in keep:
            continue
        depth = code.depth(index)
        first, last = _group_edge(source, tokens, index, depth, -1), _group_edge(source, tokens, index, depth, 1)
        group = [i for i in range(first, last + 1) if tokens[i][0] in _LITERALS]
        if len(group) > 1:
            groups.append(group)
        before = first - 1
        at_start = first == 0 or (tokens[before][0] == _CODE and _ends_statement(source[tokens[before][1] : tokens[before][2]], before == 0))
        bare = depth == 0 and at_start and all(tokens[i][0] != _FSTR for i in group) and _statement_ends_after(source, tokens, last)
        template = not bare and _formatted_after(source, tokens, last)
        run: List[int] = []
        for i in group + [-1]:
            if i >= 0 and tokens[i][0] == _STR:
                run.append(i)
                continue
            prose = bool(run) and (bare or (not template and sum(tokens[j][3] for j in run) > PROSE_LENGTH))
            for j in run:
                keep[j] = not prose
            run = []
            if i >= 0:
                keep[i] = tokens[i][0] == _FSTR  # bytes never count
    return keep, groups


def _group_edge(source: str, tokens: List[Tuple[int, int, int, int]], index: int, depth: int, step: int) -> int:
    """The first (``step`` -1) or last (+1) literal of the group of adjacent
    literals that token ``index`` belongs to (one expression: only blanks,
    escaped line ends and, inside brackets, line ends and comments between)."""
    edge, probe = index, index + step
    while 0 <= probe < len(tokens):
        kind, start, end, _bound = tokens[probe]
        if kind in _LITERALS:
            edge = probe
        elif not (kind == _COMMENT and depth > 0) and not (kind == _CODE and _only_joins(source[start:end], depth)):
            break
        probe += step
    return edge


def _may_hold(source: str, tokens: List[Tuple[int, int, int, int]], missing: FrozenSet[str]) -> List[int]:
    """Indexes of the literals whose value can hold a word of ``missing``
    (a superset): those whose text contains it, those with an escape that
    makes a character (``\\x41``, ``\\u0120``, ``\\N{...}``, octal, an escaped
    line end), and chains of literals that may be adjacent whose joined
    values contain it (``"from_" "pretrained"``)."""
    import bisect

    starts = [token[1] for token in tokens]
    hits = set()
    for word in missing:
        at = source.find(word)
        while at >= 0:
            hits.add(bisect.bisect_right(starts, at) - 1)
            at = source.find(word, at + 1)
    for match in _MAKES_CHARACTER.finditer(source):
        hits.add(bisect.bisect_right(starts, match.start()) - 1)
    chain: List[int] = []
    for index, (kind, start, end, _bound) in enumerate(tokens):
        if kind in (_STR, _FSTR):
            chain.append(index)
        elif kind == _BYTES or kind == _COMMENT or (kind == _CODE and not source[start:end].strip(" \t\f\r\n\\")):
            continue  # joiners at any depth, bytes (never adjacent to text in valid code): more chains, never fewer
        else:
            _chain_hits(source, tokens, chain, missing, hits)
            chain = []
    _chain_hits(source, tokens, chain, missing, hits)
    return sorted(i for i in hits if tokens[i][0] in (_STR, _FSTR))


def _chain_hits(source: str, tokens: List[Tuple[int, int, int, int]], chain: List[int], missing: FrozenSet[str], hits: Set[int]) -> None:
    if len(chain) > 1:
        joined = "".join(_value_text(source[tokens[i][1] : tokens[i][2]]) for i in chain)
        if any(word in joined for word in missing):
            hits.update(chain)


#: an escape that makes a word character out of several (see :func:`_decode`)
_MAKES_CHARACTER = re.compile(r"\\(?:[xuUN0-7]|\r\n?|\n)")


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


#: code after a string that formats it: ``.format(``, ``%`` (not ``%=``), after closing brackets
_FORMATTED = re.compile(r"[\s\\)]*(?:\.\s*format\b|%(?!=))")


def _formatted_after(source: str, tokens: List[Tuple[int, int, int, int]], last: int) -> bool:
    """Whether the code right after token ``last`` formats it (``"..."
    "...".format(...)``, ``("..." "...") % args``): such a string is a
    template, code whatever its length (the gate counts it too). Closing
    brackets before the operator may belong to an enclosing call; keeping
    that string is one-sided (more text, never less)."""
    following = last + 1
    if following >= len(tokens) or tokens[following][0] != _CODE:
        return False
    _kind, start, end, _b = tokens[following]
    return _FORMATTED.match(source, start, end) is not None


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
