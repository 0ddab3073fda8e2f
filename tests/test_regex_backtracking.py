"""No regular expression of mlwarden backtracks exponentially.

A pattern such as ``(?:\\s|#[^\\n]*)*`` (a comment that may stop anywhere,
inside a repetition) splits a ``########`` line in 2**n ways, and a failed
match tries them all: a hook run on argilla's API modules never returned.
Every compiled pattern that mlwarden's modules hold (module globals, and
the dicts, lists and classes in them), and every pattern written inline in
a call of ``re``, is run here on long runs of the
characters and tokens source code is made of. An exponential pattern does
not finish in the time given (a linear or quadratic one needs
milliseconds); the time limit is a termination check, not a speed
measurement."""

from __future__ import annotations

import signal

import pytest

from pattern_helpers import all_patterns as _patterns
from pattern_helpers import inline_patterns as _inline_patterns

pytestmark = pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="needs POSIX interval timers")

#: characters and tokens to repeat (quotes, comments, escapes, names, operators)
UNITS = list(" \t\n#\\'\"=:-_./@aA0{}()[]<>%$&*+,;|~`!?") + [
    "ab", "a=", "# ", "\\\n", "a.", "a-", "a_", "0.", "='", '"a', 'a "', "://", "aA0", "%(", "{{", "a:b", "key=", "token ", "password ",
]
LENGTH = 2000
LIMIT = 5.0  # seconds per pattern and input; exponential patterns need hours


class _TooLong(Exception):
    pass


def _alarm(*_):
    raise _TooLong


def test_there_are_patterns_to_check():
    names = [where for where, _ in _patterns()]
    # the secrets scanner, the requirement parser and the notebook magics all keep theirs at module level
    assert len(names) > 150
    assert any(n.startswith("mlwarden.secrets.textgate.") for n in names)
    assert any(n.startswith("mlwarden.sources.magics.") for n in names)


def test_there_are_inline_patterns_to_check():
    names = [where for where, _ in _inline_patterns()]
    assert len(names) > 100
    assert any(n.startswith("mlwarden/secrets/") for n in names)


@pytest.mark.parametrize("where, pattern", _patterns() + _inline_patterns(), ids=lambda p: p if isinstance(p, str) else "")
def test_pattern_terminates_on_long_runs(where, pattern):
    old = signal.signal(signal.SIGALRM, _alarm)
    try:
        for unit in UNITS:
            for text in (unit * LENGTH + "\x00", "x" + unit * LENGTH + "\n"):
                signal.setitimer(signal.ITIMER_REAL, LIMIT)
                try:
                    pattern.match(text)
                    pattern.match(text, 1)
                    pattern.fullmatch(text)  # a match that must reach the end fails late: where 2**n splits are tried
                except _TooLong:
                    pytest.fail(f"{where} ({pattern.pattern[:80]!r}) backtracks without end on {unit!r} * {LENGTH}")
                finally:
                    signal.setitimer(signal.ITIMER_REAL, 0)
    finally:
        signal.signal(signal.SIGALRM, old)
