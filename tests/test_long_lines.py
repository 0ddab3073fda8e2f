"""A long line costs time in proportion to its length.

A regular expression whose parts can split a run of blanks or of name
characters in many ways (``[ \\t]*`` next to ``[ \\t]+``, ``[\\w.]*`` before
a separator that is not there) is quadratic when it is searched along one
long line: a 12,000-character value after ``Bearer `` took 1.8 s, a
48,000-character one over a minute, and a notebook output or a minified
file holds longer lines than that. Each case below is a line of about
60,000 characters after a credential word, in each kind of file mlwarden
reads; a linear scan needs well under a second, a quadratic one minutes.
The time limit is a termination check (as in ``test_regex_backtracking``),
not a speed measurement."""

from __future__ import annotations

import json
import signal

import pytest

from mlwarden.core.config import Config
from mlwarden.core.engine import check_source
from mlwarden.core.finding import Severity

pytestmark = pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="needs POSIX interval timers")

LENGTH = 60_000
LIMIT = 10.0


def _notebook(text: str) -> str:
    cell = {"cell_type": "code", "execution_count": 1, "metadata": {}, "source": [text],
            "outputs": [{"output_type": "stream", "name": "stdout", "text": [text]}]}
    return json.dumps({"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


KINDS = {
    "train.py": lambda v: f'x = "{v}"\n',
    "run.py": lambda v: f"{v}\n",
    "analysis.ipynb": _notebook,
    "values.yaml": lambda v: f"service:\n  value: '{v}'\n",
    ".env": lambda v: f"VALUE={v}\n",
    "requirements.txt": lambda v: f"{v}\n",
    "settings.xml": lambda v: f"<value>{v}</value>\n",
    "NOTES.md": lambda v: f"{v}\n",
}
PREFIXES = ["Bearer ", "token = ", "password: ", "access_token$production$", "api_key=", ""]
UNITS = ["aA0", " ", "a-", "0f", "aZ9+/"]


class _TooLong(BaseException):  # not an Exception: the engine reports a rule that raises one as a crash and goes on
    pass


def _alarm(*_):
    raise _TooLong


@pytest.mark.sweep(every=4)
@pytest.mark.parametrize("filename", sorted(KINDS))
def test_a_long_line_is_checked_in_linear_time(filename):
    old = signal.signal(signal.SIGALRM, _alarm)
    try:
        for prefix in PREFIXES:
            for unit in UNITS:
                source = KINDS[filename](prefix + unit * (LENGTH // len(unit)))
                signal.setitimer(signal.ITIMER_REAL, LIMIT)
                try:
                    result = check_source(source, filename, config=Config(severity=Severity.LOW))
                except _TooLong:
                    pytest.fail(f"{filename}: a {LENGTH}-character line of {prefix!r} + {unit!r} * n took over {LIMIT} s")
                finally:
                    signal.setitimer(signal.ITIMER_REAL, 0)
                # a line that is no requirement is a one-line error, never a crash
                assert all("\n" not in error and "Traceback" not in error for error in result.errors), result.errors
    finally:
        signal.signal(signal.SIGALRM, old)


# A credential inside a long line (a minified configuration) is still found
# where it is: detect-secrets' keyword detector skips lines over 2,000
# characters, mlwarden's own keyword scan reads them.
PAD = ", ".join(f'"field_{i}": "value number {i}"' for i in range(120))
CREDENTIALS = [("password", "Xk9#mQ2vL7!pR4zT"), ("api_key", "q8Zr3Lw0Tn5Vb2Ys7Kd4Hf6J"), ("client_secret", "5fG8hJ2kL9mN3pQ6rS1tV4wX")]
WRAPPERS = {"config.json": "{{{}}}\n", "settings.yaml": "cfg: {{{}}}\n", "app.py": "CONFIG = {{{}}}\n", ".env": "CONFIG={{{}}}\n"}


@pytest.mark.parametrize("filename", sorted(WRAPPERS))
@pytest.mark.parametrize("key, value", CREDENTIALS)
@pytest.mark.parametrize("where", ["start", "middle", "end"])
def test_a_credential_in_a_long_line_is_found_where_it_is(filename, key, value, where):
    pair = f'"{key}": "{value}"'
    half = len(PAD) // 2
    body = {"start": f"{pair}, {PAD}", "middle": f"{PAD[:half]}, {pair}, {PAD[half:]}", "end": f"{PAD}, {pair}"}[where]
    source = WRAPPERS[filename].format(body)
    assert len(source) > 3000
    result = check_source(source, filename, config=Config(severity=Severity.LOW))
    assert [(f.rule_id, f.line, f.col) for f in result.findings] == [("MLW401", 1, source.index(value) + 1)]
    assert value not in " ".join(f.message for f in result.findings)  # redacted
