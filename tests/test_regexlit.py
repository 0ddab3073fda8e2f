"""``mlwarden.core.regexlit``: the literal test never says no where the
pattern would match (it only lets the scan skip work)."""

from __future__ import annotations

import random
import re
import sys
from pathlib import Path

import pytest

from mlwarden.core import lazyre
from mlwarden.core.regexlit import Text, may_search, required_literal
from mlwarden.secrets import adapter
from pattern_helpers import all_patterns

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    "pattern, expected",
    [
        (r"abc[0-9]+", (("abc",), False)),
        (r"(?<![A-Za-z])(gh[pou]_[A-Z]{3})", (("gho_", "ghp_", "ghu_"), False)),
        (r"(?:sk|rk)_live_\d", (("rk_live_", "sk_live_"), False)),
        (r"(?i:Cohere|co_key)\s*=", (("co_key", "cohere"), True)),
        (r"^\bxoxb-", (("xoxb-",), False)),
        (r"(?i)Bearer [A-Za-z]", (("bearer ",), True)),
        (r"a?bc", None),  # the first character is optional
        (r"(ab)*c", None),
        (r"[^x]abc", None),
        (r"\d{8}:AA", None),
        (r"x", None),  # too short to be worth a test
    ],
)
def test_required_literal(pattern, expected):
    assert required_literal(re.compile(pattern)) == expected
    # a lazy pattern is read without being compiled
    lazy = lazyre.compile(pattern)
    assert required_literal(lazy) == expected
    assert "_compiled" not in lazy.__dict__


def test_case_insensitive_literals_see_what_re_folds():
    # the four non-ASCII characters `re.IGNORECASE` matches to ASCII letters
    for text in ("\u017fk_live_x", "S\u212a_LIVE_x", "\u0131d_rsa", "\u0130D_RSA"):
        for source in (r"(?i)sk_live_", r"(?i)id_rsa"):
            pattern = re.compile(source)
            if pattern.search(text):
                assert may_search(pattern, Text(text)), (source, text)


def _sample_lines():
    lines = []
    for path in sorted((ROOT / "fixtures").rglob("*")):
        if path.is_file() and path.suffix in (".py", ".txt", ".toml", ".cfg", ".yml", ".yaml", ".env", ".ipynb", ".json", ".md", ".ini"):
            try:
                lines.extend(path.read_text(encoding="utf-8").splitlines())
            except (UnicodeDecodeError, OSError):
                continue
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import secrets_samples

        lines.extend(s["text"] for s in secrets_samples.own(random.Random(3)))
    finally:
        sys.path.pop(0)
    return lines


def test_never_says_no_where_a_pattern_matches():
    lines = _sample_lines()
    assert len(lines) > 2000
    checked = 0
    for where, pattern in all_patterns():
        if required_literal(pattern) is None:
            continue
        compiled = pattern.compiled() if isinstance(pattern, lazyre.LazyPattern) else pattern
        for line in lines:
            if compiled.search(line):
                checked += 1
                assert may_search(pattern, Text(line)), (where, pattern.pattern, line)
    assert checked > 500  # the samples do exercise the patterns that have literals


def test_long_lines_report_what_short_ones_do():
    # a long line (an HTML output) takes the literal test first; every secret
    # in it is still found, at its own column, as on a short line
    rng = random.Random(11)
    secrets = [
        "ghp_" + "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789") for _ in range(36)),
        "xoxb-" + "-".join("".join(rng.choice("0123456789") for _ in range(12)) for _ in range(2)) + "-" + "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz") for _ in range(24)),
    ]
    filler = "<td class='cell'>%d</td>" * 120
    for secret in secrets:
        short = f'token = "{secret}"'
        expected = [(h.type, h.secret) for h in adapter.scan_lines([short], "x.py")]
        assert expected, secret
        long_line = (filler % tuple(range(120))) + f' data-token="{secret}" ' + (filler % tuple(range(120)))
        assert len(long_line) > 1000
        hits = adapter.scan_lines([long_line], "out.txt", profile="output")
        assert (expected[0][0], secret) in [(h.type, h.secret) for h in hits]
        assert [h.col for h in hits if h.secret == secret][0] == long_line.index(secret) + 1
