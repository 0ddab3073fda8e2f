"""The whole-text secrets prefilter must pick exactly the lines the per-line check picks."""

import pytest

from mlwarden.secrets.adapter import candidate_lines, is_candidate

HF = "hf_" + "FAKE" * 8  # built at run time: no token literal in the repo

LINES = [
    "def f():",
    "    pass",
    "    pass  # nothing",
    "password = 'x'",
    '    "pass": "hunter"',
    "PASSWORD_FILE = 1",
    f"token = '{HF}'",
    "import wandb",
    "AWS_SECRET_KEY = 1",
    "url = 'https://user:pw@host/x'",
    "x = 'İstanbul'",  # lower() changes the length of this text
    "api_key = get()",
    "",
    "plain text",
]


@pytest.mark.parametrize("start", range(len(LINES)))
def test_candidate_lines_matches_per_line_check(start):
    lines = LINES[start:] + LINES[:start]
    assert candidate_lines(lines) == [i for i, line in enumerate(lines) if is_candidate(line)]


def test_bare_pass_statement_is_not_a_candidate_but_password_is():
    assert not is_candidate("    pass")
    assert is_candidate("password = 'x'")
    assert is_candidate(f"x = '{HF}'")


# ---------------------------------------------------------------------------
# the per-character regexes (speed) find what the single alternations find

import random  # noqa: E402

from mlwarden.secrets import keywords  # noqa: E402
from mlwarden.secrets.patterns import _EXACT_PARTS, _FOLDED_PARTS  # noqa: E402

_PIECES = (
    [literal for literals, _ in _EXACT_PARTS + _FOLDED_PARTS for literal in literals]
    + ["token", "key", "pass", "pw", "auth", "secret", "cred", "bearer", "contrase", "Tokenizer", "key_states", "passes"]
    + [" = ", "=", ": ", ":", "(", ",", "'", '"', "`", "_", ".", "-", " ", "\n", "\n", "\t", "[", "]", "=>", ":=", "|", ">"]
    + ["abcdEFGH1234", "Xq9-wZ_2", "0123456789abcdef" * 2, "user:pw@host", "AKIA", "eyJ", "hf_"]
)


def _random_text(rng: random.Random, size: int) -> str:
    return "".join(rng.choice(_PIECES) for _ in range(size))


@pytest.mark.parametrize("seed", range(40))
def test_candidate_lines_are_the_lines_of_the_single_alternations(seed):
    from mlwarden.secrets.patterns import PREFILTER_EXACT, PREFILTER_FOLDED

    text = _random_text(random.Random(seed), 3000)
    lines = text.split("\n")
    expected = [i for i, line in enumerate(lines) if PREFILTER_EXACT.search(line) or PREFILTER_FOLDED.search(line.lower())]
    assert candidate_lines(lines) == expected
    assert expected  # the text is dense enough to test something


@pytest.mark.parametrize("seed", range(40))
def test_keyword_trigger_by_letter_gives_the_matches_of_the_alternation(seed):
    low = _random_text(random.Random(1000 + seed), 3000).lower()
    expected = [(m.start(), m.end()) for m in keywords.TRIGGER.finditer(low)]
    assert [(m.start(), m.end()) for m in keywords.leftmost(keywords._TRIGGER_BY_CHAR, low)] == expected
    assert expected


def test_leftmost_skips_what_an_earlier_match_covers():
    # `secret_token = "…"`: the alternation's match at `secret` covers the name
    # and its operator, so `token` inside it starts no match of its own (the
    # value is only looked ahead at: a name inside it may start one)
    low = 'secret_token = "abcdefgh12" and key = "zz"'
    matches = [m.group(0) for m in keywords.leftmost(keywords._TRIGGER_BY_CHAR, low)]
    assert matches == [m.group(0) for m in keywords.TRIGGER.finditer(low)]
    assert matches == ["secret_token = "]
