"""Round 6 of the secrets rules (issue 15): shapes that real ML projects'
sources showed as false alarms, each next to the credential of the same
shape that must still be reported. Values are built here (own samples)."""

from __future__ import annotations

import random
import string

import pytest

from mlwarden.core.config import Config
from mlwarden.core.finding import Severity
from mlwarden.core.engine import check_source
from mlwarden.rules.mlw402_hardcoded_api_credential import HardcodedApiCredential
from mlwarden.secrets.names import env_assignment
from mlwarden.secrets.noise import generic_reason

RNG = random.Random(606)


def rand(n: int) -> str:
    while True:
        value = "".join(RNG.choice(string.ascii_letters + string.digits) for _ in range(n))
        if any(c.isdigit() for c in value) and any(c.isupper() for c in value) and any(c.islower() for c in value):
            return value


KEY = rand(36)


def mlw402(source: str):
    return check_source(source, "x.py", config=Config(), rules=[HardcodedApiCredential]).findings


@pytest.mark.parametrize(
    "value",
    ["offline-key", "another.api.key", "replicate_key", "sk-not-used", "Bearer token123", "unit test key", "deadbeef"],
)
def test_mlw402_words_and_names_are_not_credentials(value):
    assert mlw402(f"import openai\nclient = openai.OpenAI(api_key={value!r})\n") == []


@pytest.mark.parametrize("value", ["team-token-7d1e9a0c3b", "QkxZrtPLmwV", "proj-4f2a9c"])  # MLW401 leaves them to MLW402
def test_mlw402_a_random_part_keeps_a_credential(value):
    assert len(mlw402(f"import openai\nclient = openai.OpenAI(api_key={value!r})\n")) == 1


def test_env_magic_with_only_a_comment_has_no_value():
    assert env_assignment("OPENAI_API_KEY= # put your key here") == ("OPENAI_API_KEY", "", 16)
    assert env_assignment(f"OPENAI_API_KEY= {KEY} # the team's")[1] == KEY
    assert env_assignment("OPENAI_API_KEY=#x1Lk9") == ("OPENAI_API_KEY", "#x1Lk9", 15)  # no blank: part of the value


@pytest.mark.parametrize(
    "source, count",
    [
        ("%env OPENAI_API_KEY= # put your key here\n", 0),
        (f"%env OPENAI_API_KEY= {KEY}\n", 1),
    ],
)
def test_env_magic_in_a_notebook(tmp_path, source, count):
    import nbformat

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)])
    path = tmp_path / "n.ipynb"
    nbformat.write(nb, str(path))
    result = check_source(path.read_text(), str(path), config=Config(select=["MLW4"]))
    assert len(result.findings) == count, [f.message for f in result.findings]


@pytest.mark.parametrize(
    "value, strength, reason",
    [
        ("ops@acme-analytics.dev", "token", "an e-mail address"),
        ("ops@acme-analytics.dev", "password", "an e-mail address"),
        ("acme42/roberta_ner_v3", "token", "a path or repository id"),
        ("runs/7f3c9e1a5b2d40618a9c3e7b5d1f2a4c-Xk2pQz.zip", "weak", "a path or URL"),
        ("this should not be printed", "password", "prose"),
        ("vault_token>", "password", "a key name, not a key"),
        ("%s_*Stage" , "password", "placeholder text"),
        ("ya29.SCRUBBED_ACCESS_TOKEN_" + rand(6), "token", "test or example marker"),
        # base64 of a placeholder JSON document (`{"key": "value"}`, `{"user": "value"}`)
        (__import__("base64").b64encode(b'{"apikey": "value"}').decode(), "token", "base64 of placeholder text"),
    ],
)
def test_round6_value_classes(value, strength, reason):
    assert generic_reason(value, strength) == reason


@pytest.mark.parametrize(
    "value, strength",
    [
        ("correct horse battery staple", "password"),  # a passphrase is no prose
        (f"{rand(10)}/{rand(28)}", "token"),  # random halves: no repository id
        ("Zq8%sRr2@Lm", "password"),  # `%s` inside a password, not a format field
    ],
)
def test_round6_values_that_stay_credentials(value, strength):
    assert generic_reason(value, strength) is None


@pytest.mark.parametrize(
    "host, severity",
    [
        ("localhost:5432", "low"), ("127.0.0.1:1433", "low"), ("[::1]:5432", "low"), ("pg.invalid", "low"),
        ("api.example", "low"), ("db.internal.acme.com:5432", "high"), ("localhost.acme.com", "high"),
        ("warehouse:5432", "high"),
    ],
)
def test_a_test_suites_url_password_to_a_local_host_is_low(host, severity):
    from mlwarden.rules.mlw401_hardcoded_secret import HardcodedSecret

    source = f'DSN = "postgresql://etl:{rand(14)}@{host}/reports"\n'
    config = Config(severity=Severity.LOW)
    for path, expected in (("tests/test_db.py", severity), ("app/db.py", "high")):  # outside tests: maybe a real one
        findings = check_source(source, path, config=config, rules=[HardcodedSecret]).findings
        assert [(f.rule_id, f.severity.value) for f in findings] == [("MLW401", expected)], path
