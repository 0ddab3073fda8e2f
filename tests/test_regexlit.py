"""``mlwarden.core.regexlit``: the literal test never says no where the
pattern would match (it only lets the scan skip work)."""

from __future__ import annotations

import random
import re
import sys
from pathlib import Path

import pytest

from mlwarden.core import lazyre, regexlit
from mlwarden.core.regexlit import Text, may_search, quick_literal, required_literal
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


@pytest.mark.parametrize(
    "pattern, flags, expected",
    [
        (r"(?<![A-Za-z0-9_\-])(hf_[A-Za-z0-9]{34,40})(?![A-Za-z0-9_\-])", 0, ("hf_", False)),
        (r"(?:abc)def[0-9]", 0, ("abc", False)),  # the literal ends where the group does
        (r"((?:AKIA)[A-Z0-9]{16})", 0, ("AKIA", False)),
        (r"AKIA\.x\d", 0, ("AKIA.x", False)),  # an escaped dot is a dot; \d ends it
        (r"xoxb-\d+", 0, ("xoxb-", False)),
        (r"abcd?e", 0, ("abc", False)),  # `d?`: optional
        (r"abcd*e", 0, ("abc", False)),
        (r"abcd{0,2}", 0, ("abc", False)),
        (r"abcd+e", 0, ("abc", False)),  # a repeated character ends it
        (r"Bearer [A-Z]", re.IGNORECASE, ("bearer ", True)),
        (r"(?<=[\s(])(abc)[)|]x", 0, ("abc", False)),  # `(`, `)` and `|` inside a class are plain
        (r"(sk|rk)_live", 0, None),  # alternation in the entered group
        (r"abc|def", 0, None),  # alternation at the top
        (r"(abc)|x", 0, None),
        (r"(?i:cohere)=", 0, None),  # inline flags: not read here
        (r"(?P<key>abc)", 0, None),
        (r"[ab]cd", 0, None),
        (r"a\wcd", 0, None),  # one character before the class: too short
        (r"abc", re.MULTILINE, None),  # other flags: not read here
        (r"(?<!x(abc)", 0, None),  # unbalanced
    ],
)
def test_quick_literal(pattern, flags, expected):
    assert quick_literal(pattern, flags) == expected
    if expected is not None:  # it agrees with the literal re's own parser finds
        exact = required_literal(re.compile(pattern, flags))
        assert exact is not None and exact[1] == expected[1]
        assert all(expected[0] in literal for literal in exact[0])


def test_quick_literals_are_held_by_every_match():
    """For every pattern mlwarden holds: the literal read from the text is
    in every literal re's parser requires (so in every match), and the
    sample lines a pattern matches all contain it."""
    lines = _sample_lines()
    read = 0
    for where, pattern in all_patterns():
        source = pattern.__dict__.get("_source") if isinstance(pattern, lazyre.LazyPattern) else (pattern.pattern, pattern.flags & ~re.UNICODE)
        if not isinstance(source[0], str):
            continue
        quick = quick_literal(*source)
        if quick is None:
            continue
        read += 1
        exact = required_literal(pattern)
        assert exact is not None and exact[1] == quick[1], (where, source)
        assert all(quick[0] in literal for literal in exact[0]), (where, source, quick, exact)
        compiled = pattern.compiled() if isinstance(pattern, lazyre.LazyPattern) else pattern
        for line in lines:
            if compiled.search(line):
                assert quick[0] in (line.lower() if quick[1] else line), (where, source, line)
    assert read > 40


def test_provider_scan_is_the_same_with_and_without_the_literal_test(monkeypatch):
    """secrets.adapter skips a provider pattern whose literal is not on the
    line: the hits on every sample line are the ones every pattern finds."""
    from mlwarden.core import regexlit

    lines = _sample_lines()
    indexes = list(range(len(lines)))
    gated = [(h.line, h.col, h.secret, h.type) for h in adapter._own_hits(lines, indexes)]
    assert sum(regexlit.literals_absent(p, "") for ps in adapter.PROVIDER_PATTERNS.values() for p in ps) > 30
    monkeypatch.setattr(regexlit, "GATING", False)
    ungated = [(h.line, h.col, h.secret, h.type) for h in adapter._own_hits(lines, indexes)]
    assert len(gated) > 50
    assert gated == ungated


@pytest.mark.slow  # a whole-corpus sweep / real subprocess runs (~10-20 s): CI and --run-slow
def test_cannot_match_never_says_no_where_a_pattern_matches():
    """`cannot_match`'s test (the needles of the secrets scan's word groups, or a
    pattern's quick literal) is False on every sample line, raw or
    lower-cased, that the pattern matches."""
    from mlwarden.core.regexlit import literals_absent

    lines = _sample_lines()
    texts = lines + [line.lower() for line in lines]
    gated = checked = 0
    for where, pattern in all_patterns():
        if not isinstance(pattern, lazyre.LazyPattern):
            continue
        compiled = pattern.compiled()
        for text in texts:
            if compiled.search(text):
                checked += 1
                assert not literals_absent(pattern, text), (where, pattern.pattern, text)
        gated += bool(pattern.__dict__.get("_needles", ((), False))[0])
    assert checked > 1000 and gated > 40


@pytest.mark.slow  # a whole-corpus sweep / real subprocess runs (~10-20 s): CI and --run-slow
def test_secrets_findings_are_the_same_with_and_without_the_gates(monkeypatch):
    """The scan of every sample line, of all of them as one file, and of the
    repository's own sources and fixtures, with and without the literal
    gates: identical hits."""
    from mlwarden.core import regexlit

    lines = _sample_lines()
    files = [p for p in sorted((ROOT / "fixtures").rglob("*")) + sorted((ROOT / "src").rglob("*.py")) if p.is_file() and p.stat().st_size < 300_000]
    documents = [(line.splitlines() or [""], "x.py") for line in lines[:3000]] + [(lines, "notes.txt"), (lines, "x.py")]
    for path in files:
        try:
            documents.append((path.read_text(encoding="utf-8").splitlines(), path.name))
        except UnicodeDecodeError:
            continue

    def scan_all():
        out = []
        for content, name in documents:
            out.append([(h.line, h.col, h.secret, h.type) for h in adapter.scan_lines(content, name)])
        return out

    gated = scan_all()
    monkeypatch.setattr(regexlit, "GATING", False)
    assert scan_all() == gated
    assert sum(map(len, gated)) > 200


def test_word_groups_outside_ascii_and_connection_strings_compile_only_when_their_words_are_there():
    """The password words of other languages (`пароль`, `密码` …) and the
    connection-string pattern (`;Password=…`) are gated by their own words:
    an ASCII file without them never compiles either (each cost ~5 ms of a
    one-file run), and a file with them still reports the password."""
    from mlwarden.core import regexlit
    from mlwarden.secrets import keywords

    foreign = [p for p in keywords._TRIGGER_BY_CHAR if "пароль" in p.__dict__["_source"][0]]
    connection = [p for p in keywords.TRIGGER_EXTRA if "(?:password|pwd)[ \\t]*=" in p.__dict__["_source"][0]]
    assert len(foreign) == 1 and len(connection) == 1
    plain = "def area(w, h):\n    return w * h  # width by height\n"
    assert regexlit.literals_absent(foreign[0], plain.lower()) and regexlit.literals_absent(connection[0], plain.lower())
    found = {value for _, _, value in keywords.scan_lines(['пароль = "Vq7!rT2m#Lp9"', 'conn = "Server=db;User ID=etl;Password=Kq8#vB2!zW"'])}
    assert {"Vq7!rT2m#Lp9", "Kq8#vB2!zW"} <= found, found


@pytest.mark.parametrize(
    "needles, text",
    [
        (("hooks.slack", "hf_"), "a hooksXslack b"),  # `.` is a literal, not any character
        (("hooks.slack", "hf_"), "x = 'hooks.slack.com'"),
        (("access_token$", "api_org_"), "access_token"),
        (("access_token$", "api_org_"), "an access_token$ here"),
        (("a|b", "c\\d"), "ab"),
        (("a|b", "c\\d"), "x c\\d y"),
        (("sk-", "s"), "no such letter? yes: s"),
        (("ab", "b"), "b"),
        (("ab", "b"), "zzz"),
        (("gh", "github_pat_"), ""),
    ],
)
def test_several_literals_are_searched_as_any_of_them(needles, text):
    """The one-scan test of several literals agrees with one ``in`` each
    (the definition), regex metacharacters in literals included."""
    pattern = regexlit.with_needles(lazyre.compile("(?:" + "|".join(re.escape(n) for n in needles) + ")x"), needles)
    assert regexlit.literals_absent(pattern, text) == (not any(n in text for n in needles))
    regexlit.with_needles(pattern, ("zzz-never",))  # new needles replace the old finder
    assert regexlit.literals_absent(pattern, text) == ("zzz-never" not in text)
