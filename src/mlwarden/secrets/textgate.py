"""MLW402's text gate: can a file's *text* hold a literal credential in a
sink position? Answered before the file is parsed.

:class:`~mlwarden.rules.mlw402_hardcoded_api_credential.HardcodedApiCredential`
reports a value only where ``Context.value`` yields a string: a string
literal, or a name assigned exactly once at the top level of the module
(followed through such names), or, for ``headers=`` and ``**`` mappings, a
dict literal, ``dict(...)`` or such a name. And only in these places:

1. a credential keyword (``token=``, ``api_key=``, ``headers=``, ``key=`` of
   ``wandb.login`` …), or an attribute of that name being assigned
   (``openai.api_key = …``);
2. a ``**`` mapping;
3. an argument of a positional sink (``login(…)``, ``Client(…)``,
   ``save_token(…)``);
4. ``os.environ[…] = …`` and the arguments of ``environ.update``,
   ``environ.setdefault`` and ``putenv``.

:func:`may_hold_credential` is True unless no such place is followed by
something that can be such a value; it reads the text with regular
expressions, so it is a sound over-approximation: comments, strings and
formatting (keywords split over lines, backslash continuations,
parentheses) can only make it say True more often. ``tests/test_secrets_gate.py``
holds it to the rule on generated sources (every finding of the rule, run
without any gate, is in a file this function lets through)."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import AbstractSet, Dict, Iterator, Optional, Set, Tuple

from mlwarden.secrets.names import CREDENTIAL_ATTRIBUTES, CREDENTIAL_KEYWORDS, HEADER_KEYWORDS, POSITIONAL_SINKS

#: What may stand between two tokens of one statement: blanks, a
#: backslash continuation, and (inside brackets) newlines and comments.
# a comment runs to the end of its line (the look-ahead): otherwise `########`
# splits into comments in 2**n ways and a failed match backtracks through all
_FILL = r"(?:[ \t\f\r\n]|\\\r?\n|#[^\r\n]*(?![^\r\n]))*"

#: What may start a value that ``Context.value`` can turn into a string
#: (or a mapping): opening parentheses, then a string prefix and quote, a
#: dict display, or a name (``dict``, a module constant, or the first target
#: of a chained assignment).
_VALUE = re.compile(_FILL + r"(?:\(" + _FILL + r")*(?P<start>[A-Za-z]{0,2}['\"]|\{|[^\W\d]\w*)")

#: Keyword arguments and attributes that carry a credential (``key`` is
#: one for ``wandb.login`` only).
KEYWORDS = frozenset(CREDENTIAL_KEYWORDS | CREDENTIAL_ATTRIBUTES | HEADER_KEYWORDS)
#: Callables whose positional argument is the credential, by their last name.
CALLS = frozenset({name.rsplit(".", 1)[-1] for name in POSITIONAL_SINKS} | {"putenv"})
#: Every word the gate looks for: a file holding none of them (nor ``**``)
#: cannot hold a credential in a sink.
WORDS = KEYWORDS | CALLS | {"key", "environ"}

_ASSIGN = re.compile(_FILL + r"=(?!=)")
_CALL = re.compile(_FILL + r"\(")
_ENV_METHOD_CALL = re.compile(_FILL + r"\." + _FILL + r"(?:update|setdefault)" + _FILL + r"\(")
_SUBSCRIPT = re.compile(_FILL + r"\[")
#: Names that are never a module constant's value.
_NOT_CONSTANTS = frozenset({"None", "True", "False", "self", "cls", "lambda", "not", "await", "yield"})

_OPEN, _CLOSE = "([{", ")]}"
#: How far an argument list, a subscript or a statement is followed; longer
#: ones let the file through.
_SPAN = 4000


@lru_cache(maxsize=None)
def _word(word: str) -> "re.Pattern[str]":
    """``word`` as a whole word. The pattern starts with the word itself, so
    that ``re`` finds it with its fast literal search (an alternation of
    words, or a leading look-behind, is scanned position by position:
    about 20x slower)."""
    return re.compile(re.escape(word) + r"(?<!\w" + re.escape(word) + r")(?!\w)")


def may_hold_credential(source: str, words: Optional[AbstractSet[str]] = None) -> bool:
    """False only when MLW402 cannot report anything in ``source``.

    ``words``: the words of :data:`WORDS` that occur in ``source`` as words,
    when the caller knows them (the engine's word prefilter does); else
    every word of :data:`WORDS` that occurs in it as text is looked at."""
    present = WORDS.intersection(words) if words is not None else {w for w in WORDS if w in source}
    try:
        return _sinks_may_hold_literal(source, present, _Scan(source))
    except _Exhausted:
        return True


def _sinks_may_hold_literal(source: str, present: AbstractSet[str], constants: "_Scan") -> bool:
    for word in present:
        if word == "key" and "login" not in source:
            continue
        for match in _word(word).finditer(source):
            end = match.end()
            if word in KEYWORDS or word == "key":
                after = _ASSIGN.match(source, end)
                if after is not None and _value_may_be_literal(source, after.end(), constants):
                    return True
            if word in CALLS:
                call = _CALL.match(source, end)
                if call is not None:
                    if _arguments_may_hold_literal(source, call.end(), constants):
                        return True
                elif _aliased(source, match.start(), end):
                    return True
            elif word == "environ" and _environ_sink(source, match.start(), end, constants):
                return True
    star = source.find("**")
    while star >= 0:
        if _value_may_be_literal(source, star + 2, constants):
            return True
        star = source.find("**", star + 2)
    return False


def _environ_sink(source: str, start: int, end: int, constants: "_Scan") -> bool:
    """``environ.update(…)`` / ``environ.setdefault(…)`` with a literal, ``environ[…] = <literal>``,
    or ``environ`` bound to another name."""
    call = _ENV_METHOD_CALL.match(source, end)
    if call is not None:
        return _arguments_may_hold_literal(source, call.end(), constants)
    subscript = _SUBSCRIPT.match(source, end)
    if subscript is not None:
        close = _closing(source, subscript.end(), constants)
        if close is None:
            return True
        after = _ASSIGN.match(source, close)
        return after is not None and _value_may_be_literal(source, after.end(), constants)
    return _aliased(source, start, end)


class _Scan:
    """What one call of :func:`may_hold_credential` learns as it goes: which
    names a top-level statement may assign (the module constants
    ``Context.value`` follows), and how many characters the Python-level
    walks may still read."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.known: Dict[str, bool] = {}
        self.all_targets: Optional[Set[str]] = None
        self.budget = _BUDGET

    def __contains__(self, name: object) -> bool:
        if not isinstance(name, str) or name in _NOT_CONSTANTS:
            return False
        if self.all_targets is not None:
            return name in self.all_targets
        found = self.known.get(name)
        if found is None:
            if len(self.known) >= _LOOKUPS:
                # many names: one pass over the text for all of them, not one per name
                self.all_targets = _top_level_targets(self.source)
                return name in self.all_targets
            found = self.known[name] = _top_level_target(self.source, name)
        return found

    def spend(self, chars: int) -> None:
        self.budget -= chars
        if self.budget < 0:
            raise _Exhausted


class _Exhausted(Exception):
    """The text is too odd to read cheaply: it goes on to the parser."""


#: Names looked up one by one (a search of the text each) before one pass finds them all.
_LOOKUPS = 32
#: Characters the bracket and statement walks may read per file (several
#: times what real files need) before the file is simply let through.
_BUDGET = 1_000_000


#: after a target: ``=`` or an annotation (``NAME: T = …``), perhaps across a backslash
_TARGET_TAIL = r"[ \t)]*(?:\\\r?\n[ \t)]*)?[:=](?!=)"


@lru_cache(maxsize=4096)
def _target(name: str) -> "re.Pattern[str]":
    """``name`` as a whole word followed by ``=`` or ``:`` (see :func:`_word`)."""
    return re.compile(re.escape(name) + r"(?<!\w" + re.escape(name) + r")(?!\w)" + _TARGET_TAIL)
def _top_level_target(source: str, name: str) -> bool:
    """May a top-level statement assign ``name`` (``NAME = …``,
    ``NAME: T = …``, ``x = NAME = …``, ``a = 1; NAME = …``, ``(NAME) = …``)?
    Over-approximated from the text: a string or an indented chained
    assignment may look like one."""
    return any(_target_position(source, match.start(), match.group(0)[len(name) :]) for match in _target(name).finditer(source))


_ANY_TARGET = re.compile(r"(?<!\w)([^\W\d]\w*)(" + _TARGET_TAIL + ")")


def _top_level_targets(source: str) -> Set[str]:
    """Every name :func:`_top_level_target` says yes to, in one pass."""
    return {m.group(1) for m in _ANY_TARGET.finditer(source) if _target_position(source, m.start(), m.group(2))}


def _target_position(source: str, start: int, tail: str) -> bool:
    """Is the name at ``start``, followed by ``tail`` (``=`` or an
    annotation), placed as a top-level target may be?"""
    line_start = max(source.rfind("\n", 0, start), source.rfind("\r", 0, start)) + 1
    head = source[line_start:start]
    if head.strip("\f\ufeff") == "":
        return True  # column 0
    head = head.rstrip(" \t")
    if head == "" and source[max(0, line_start - 3) : line_start].rstrip("\r\n").endswith("\\"):
        return True  # after a backslash continuation
    if head.endswith((";", "=")) and not head.endswith(("==", "!=", "<=", ">=")):
        return True  # `a = 1; NAME = …`, `x = NAME = …`
    return head.endswith("(") and ")" in tail and tail.endswith("=")  # `(NAME) = …`


_AS = re.compile(_FILL + r"as(?!\w)")
_ATTRIBUTE = re.compile(_FILL + r"\.")
_BOUND_BEFORE = re.compile(r"(?<![=!<>])=[ \t]*(?:\\\r?\n[ \t]*)?[\w.]*\Z")
_METHOD_NOT_CALLED = re.compile(_FILL + r"\." + _FILL + r"(?:update|setdefault)(?!\w)(?!" + _FILL + r"\()")


def _aliased(source: str, start: int, end: int) -> bool:
    """Is the sink name (or ``environ``, or its ``update``/``setdefault``)
    mentioned at ``start:end`` bound to another name: ``… import login as
    L``, ``L = hub.login``, ``def f(fn=hub.login)``, ``env = os.environ``?
    Such a file is let through whole (rare; the rule resolves those aliases)."""
    if _ATTRIBUTE.match(source, end) and not _METHOD_NOT_CALLED.match(source, end):
        return False  # `os.environ.get(…)`, `hub.login.__doc__`: an attribute of it, not it
    if _AS.match(source, end):
        return True
    return _BOUND_BEFORE.search(source, max(0, start - 200), start) is not None


def _value_may_be_literal(source: str, pos: int, constants: "_Scan") -> bool:
    """Can the expression at ``pos`` evaluate (for ``Context.value``) to a
    string or a mapping? Its first token decides, except for a chained
    assignment (``os.environ["K"] = d["x"] = "…"``), which lets it through."""
    match = _VALUE.match(source, pos)
    if match is None:
        return False
    start = match.group("start")
    if not start[-1].isalnum() and start[-1] != "_":  # a quote or `{`
        return True
    return start == "dict" or start in constants or _chained(source, match.end(), constants)


def _arguments_may_hold_literal(source: str, pos: int, constants: "_Scan") -> bool:
    """The argument list opened just before ``pos``: any string, dict or module constant in it?"""
    end = _closing(source, pos, constants)
    if end is None:
        return True
    region = source[pos:end]
    if "'" in region or '"' in region or "{" in region:
        return True
    return any(name == "dict" or name in constants for name in set(re.findall(r"[^\W\d]\w*", region)))


def _code(source: str, pos: int, scan: "_Scan") -> Iterator[Tuple[int, Optional[str]]]:
    """(index, character) of the code from ``pos`` on, for _SPAN characters:
    strings and comments are skipped; ``None`` as the character: a string
    that does not end."""
    i, limit = pos, min(len(source), pos + _SPAN)
    while i < limit:
        char = source[i]
        if char in "'\"":
            end = _string_end(source, i)
            if end is None:
                yield i, None
                return
            scan.spend(end - i)
            i = end
            continue
        if char == "#":
            newline = source.find("\n", i)
            if newline < 0:
                return
            i = newline
            continue
        scan.spend(1)
        yield i, char
        i += 1


def _closing(source: str, pos: int, scan: "_Scan") -> Optional[int]:
    """Just past the bracket that closes the one opened before ``pos``
    (strings and comments skipped), None when not found within _SPAN."""
    depth = 1
    for i, char in _code(source, pos, scan):
        if char is None:
            return None
        if char in _OPEN:
            depth += 1
        elif char in _CLOSE:
            depth -= 1
            if depth == 0:
                return i + 1
    return None


def _string_end(source: str, i: int) -> Optional[int]:
    quote = source[i] * 3 if source.startswith(source[i] * 3, i) else source[i]
    j = i + len(quote)
    while True:
        j = source.find(quote, j)
        if j < 0:
            return None
        backslashes = 0
        while source[j - 1 - backslashes] == "\\":
            backslashes += 1
        if backslashes % 2 == 0:
            return j + len(quote)
        j += 1


def _chained(source: str, pos: int, scan: "_Scan") -> bool:
    """Is there, after the name ending at ``pos`` and in the same statement
    and bracket level, an ``=`` that is an assignment (a chained target)?
    True when it cannot tell (an unended string, a statement longer than _SPAN)."""
    depth = 0
    for i, char in _code(source, pos, scan):
        if char is None:
            return True
        if char in _OPEN:
            depth += 1
        elif char in _CLOSE:
            depth -= 1
            if depth < 0:
                return False
        elif depth == 0:
            if char in ",;" or (char == "\n" and source[i - 1] != "\\"):
                return False
            if char == "=" and source[i - 1] not in "=!<>:" and source[i + 1 : i + 2] != "=":
                return True
    return True
