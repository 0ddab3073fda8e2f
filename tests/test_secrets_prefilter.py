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
