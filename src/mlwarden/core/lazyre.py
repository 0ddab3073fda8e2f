"""``re`` whose ``compile`` compiles on first use.

A module that defines many regular expressions at import time and needs few
of them on a given run (the secrets scanner's provider formats and noise
filters, the redaction patterns: ~140 patterns, ~15 ms of a one-file hook
run that never uses them) writes ``from mlwarden.core import lazyre as re``
and keeps its ``re.compile(...)`` lines as they are: each pattern is compiled
the first time one of its methods or attributes is used, then used at full
speed (the compiled pattern's bound methods are cached on the object).

Everything else is the standard module; its functions also accept a lazy
pattern (``re.sub(PATTERN, ...)``). Not for patterns handed to code that
checks ``isinstance(x, re.Pattern)``: use :meth:`LazyPattern.compiled`
there.
"""

from __future__ import annotations

import re as _re
from typing import Any, Union

# the standard module's names, so ``re.IGNORECASE``, ``re.escape``,
# ``re.Pattern`` … work unchanged
from re import *  # noqa: F401,F403
from re import Match, Pattern, error  # noqa: F401

_METHODS = ("search", "match", "fullmatch", "finditer", "findall", "sub", "subn", "split", "scanner")
_ATTRIBUTES = ("pattern", "flags", "groups", "groupindex")


class LazyPattern:
    """A regular expression compiled on first use (see the module docs)."""

    def __init__(self, pattern: Union[str, bytes], flags: int = 0) -> None:
        self.__dict__["_source"] = (pattern, flags)
        _created.append(self)

    def compiled(self) -> "Pattern[Any]":
        """The compiled pattern (compiled now if it was not yet)."""
        known = self.__dict__.get("_compiled")
        if known is None:
            known = _re.compile(*self.__dict__["_source"])
            attributes = self.__dict__
            for name in _METHODS:
                attributes[name] = getattr(known, name)
            for name in _ATTRIBUTES:
                attributes[name] = getattr(known, name)
            attributes["_compiled"] = known
        return known

    def __getattr__(self, name: str) -> Any:
        # only reached before the first use (then the names are attributes)
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.compiled(), name)

    def __repr__(self) -> str:
        pattern, flags = self.__dict__["_source"]
        return f"lazyre.compile({pattern!r}{', ' + str(flags) if flags else ''})"


#: every lazy pattern made so far, for :func:`compile_all`
_created: "list[LazyPattern]" = []


def compile_all() -> int:
    """Compile every lazy pattern made so far (a process that forks workers
    or serves many commands pays once: mlwarden/resident.py); returns how
    many. A pattern that does not compile is left to fail where it is used."""
    done = 0
    for pattern in _created:
        try:
            pattern.compiled()
            done += 1
        except _re.error:
            pass
    return done


def compile(pattern: Any, flags: int = 0) -> Any:  # noqa: A001 - mirrors re.compile
    """A :class:`LazyPattern` (a compiled or lazy pattern is returned as it is)."""
    if isinstance(pattern, (LazyPattern, _re.Pattern)):
        if flags:
            raise ValueError("cannot process flags argument with a compiled pattern")
        return pattern
    return LazyPattern(pattern, flags)


def _plain(pattern: Any) -> Any:
    return pattern.compiled() if isinstance(pattern, LazyPattern) else pattern


def search(pattern: Any, string: Any, flags: int = 0) -> Any:
    return _re.search(_plain(pattern), string, flags)


def match(pattern: Any, string: Any, flags: int = 0) -> Any:
    return _re.match(_plain(pattern), string, flags)


def fullmatch(pattern: Any, string: Any, flags: int = 0) -> Any:
    return _re.fullmatch(_plain(pattern), string, flags)


def findall(pattern: Any, string: Any, flags: int = 0) -> Any:
    return _re.findall(_plain(pattern), string, flags)


def finditer(pattern: Any, string: Any, flags: int = 0) -> Any:
    return _re.finditer(_plain(pattern), string, flags)


def split(pattern: Any, string: Any, maxsplit: int = 0, flags: int = 0) -> Any:
    return _re.split(_plain(pattern), string, maxsplit, flags)


def sub(pattern: Any, repl: Any, string: Any, count: int = 0, flags: int = 0) -> Any:
    return _re.sub(_plain(pattern), repl, string, count, flags)


def subn(pattern: Any, repl: Any, string: Any, count: int = 0, flags: int = 0) -> Any:
    return _re.subn(_plain(pattern), repl, string, count, flags)
