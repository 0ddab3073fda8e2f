"""Round 12 of issue 15: the shapes held-out set 11 exposed, with own
samples built at run time (no token-shaped literal is committed):

- a token glued to a repeat of itself (`hf_…hf_…`) ends where its prefix
  starts again; a GitHub token glued to more letters is cut at its format's
  length only when its checksum verifies;
- GitHub's CRC32 checksum and GitLab's routable-token CRC: a well-formed
  token whose checksum fails is reported at medium severity (not high);
- provider tokens inside base64 values (a Kubernetes secret's `data:`, a CI
  variable), reported at the base64 literal, redacted;
- Slack app tokens with a version of several digits; PyPI macaroon tokens of
  any package index (`pypi-AgE…`).

Every true-positive row below was missed (or, for the severity rows, rated
high) by the code before round 12 (705732e); every false-positive row is a
shape the new forms must not take."""

from __future__ import annotations

import base64
import random
import string
import zlib

import pytest

from mlwarden.core.config import Config
from mlwarden.core.engine import check_source
from mlwarden.core.finding import Severity
from mlwarden.secrets import adapter
from mlwarden.secrets.patterns import github_checksum_ok, gitlab_routable_crc_ok

RNG = random.Random(121212)
ALNUM = string.ascii_letters + string.digits
HEX = "0123456789abcdef"
B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
MINE = Config(select=["MLW4", "MLW51"])


def rand(n: int, alphabet: str = ALNUM) -> str:
    return "".join(RNG.choice(alphabet) for _ in range(n))


def b62(n: int, width: int) -> str:
    out = ""
    for _ in range(width):
        out = B62[n % 62] + out
        n //= 62
    return out


def github(prefix: str = "ghp_", valid: bool = True) -> str:
    """A GitHub-shaped token; its last six characters are the base62 CRC32 of
    the 30 before them (computed here independently of mlwarden's code), or a
    different six when ``valid`` is False."""
    body = rand(30)
    checksum = b62(zlib.crc32(body.encode()), 6)
    if not valid:
        checksum = checksum[:-1] + ("A" if checksum[-1] != "A" else "B")
    return prefix + body + checksum


def b36(n: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while n:
        out = digits[n % 36] + out
        n //= 36
    return out.rjust(7, "0")


def gitlab_routable(valid: bool = True) -> str:
    head = "glpat-" + rand(40, ALNUM + "_-") + ".01.0w"
    crc = b36(zlib.crc32(head.encode()))
    if not valid:
        crc = crc[:-1] + ("z" if crc[-1] != "z" else "y")
    return head + crc


def findings(text: str, filename: str = "sample.py"):
    return check_source(text, filename, config=MINE).findings


def types(text: str, filename: str = "sample.py"):
    return sorted({f.message.split("`")[1] for f in findings(text, filename)})


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


# --------------------------------------------------------------- the checksums


def test_github_checksum_matches_an_independent_computation():
    for prefix in ("ghp_", "gho_", "ghu_", "ghs_"):
        assert github_checksum_ok(github(prefix))
        assert not github_checksum_ok(github(prefix, valid=False))
    assert not github_checksum_ok("ghp_" + rand(35))  # not the format's length


def test_gitlab_routable_crc_matches_an_independent_computation():
    assert gitlab_routable_crc_ok(gitlab_routable())
    assert not gitlab_routable_crc_ok(gitlab_routable(valid=False))


def _severities(text: str, filename: str = "sample.py"):
    return sorted({(f.message.split("`")[1], f.severity) for f in findings(text, filename)})


SEVERITY_ROWS = [
    # (line, type, severity): a verified token is high, a failing one medium
    (lambda: f'GITHUB_TOKEN = "{github()}"', "GitHub Access Token", Severity.HIGH),
    (lambda: f'GITHUB_TOKEN = "{github(valid=False)}"', "GitHub Access Token", Severity.MEDIUM),
    (lambda: f'token = "{github("gho_", valid=False)}"', "GitHub Access Token", Severity.MEDIUM),
    (lambda: f'GITLAB_TOKEN = "{gitlab_routable()}"', "GitLab Access Token", Severity.HIGH),
    (lambda: f'GITLAB_TOKEN = "{gitlab_routable(valid=False)}"', "GitLab Access Token", Severity.MEDIUM),
]


@pytest.mark.parametrize("row", range(len(SEVERITY_ROWS)))
def test_checksum_decides_the_severity(row):
    make, secret_type, severity = SEVERITY_ROWS[row]
    assert _severities(make()) == [(secret_type, severity)]


def test_a_routable_gitlab_token_is_reported_whole():
    token = gitlab_routable()
    [finding] = findings(f'GITLAB_TOKEN = "{token}"')
    assert finding.col == len('GITLAB_TOKEN = "') + 1
    assert token not in finding.message and finding.secret_preview != token
    import hashlib

    assert finding.snippet_hash == hashlib.sha256(token.encode()).hexdigest()  # the whole token, CRC included


def test_a_failing_checksum_in_a_notebook_output_is_medium():
    import json

    nb = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [{
        "cell_type": "code", "metadata": {}, "execution_count": 1, "source": ["print(tok)\n"],
        "outputs": [{"output_type": "stream", "name": "stdout", "text": [github(valid=False) + "\n"]}]}]}
    out = [f for f in findings(json.dumps(nb), "demo.ipynb") if f.rule_id == "MLW510"]
    assert [f.severity for f in out] == [Severity.MEDIUM]


# --------------------------------------------------------------- glued tokens


def _glued_true_positives():
    gh, hf, ant = github(), "hf_" + rand(34), "sk-ant-api03-" + rand(93, ALNUM + "_-") + "AA"
    xapp = f"xapp-1-A{rand(10, string.ascii_uppercase + string.digits)}-{rand(13, string.digits)}-{rand(64, HEX)}"
    groq = "gsk_" + rand(52)
    return [
        ("GitHub Access Token", f'token = "{gh}{gh}{gh}"'),  # pasted three times
        ("GitHub Access Token", f"GH_TOKEN={gh}extra", ".env"),  # trailing letters, checksum verifies
        ("GitHub Access Token", f'tok = "{gh}{github()}"'),  # two different tokens back to back
        ("Hugging Face Token", f'HF_TOKEN = "{hf}{hf}"'),
        ("Anthropic API Key", f"key: {ant}{ant}", "config.yaml"),
        ("Slack App Token", f'SLACK_APP_TOKEN = "{xapp}{xapp}{xapp}"'),
        ("Groq API Key", f'client = Groq(api_key="{groq}{groq}")'),
    ]


GLUED_TP = _glued_true_positives()


@pytest.mark.parametrize("row", GLUED_TP, ids=[r[0] + f"-{i}" for i, r in enumerate(GLUED_TP)])
def test_a_token_glued_to_a_repeat_or_verified_tail_is_found(row):
    secret_type, text, *name = row
    assert secret_type in types(text, *name)


def test_a_glued_token_is_one_finding_at_the_first_copy():
    gh = github()
    [finding] = findings(f'token = "{gh}{gh}{gh}"')
    assert finding.col == len('token = "') + 1


GLUED_FP = [
    # a failing checksum with trailing letters: no format length to cut at
    lambda: f'x = "{github(valid=False)}extra"',
    # a provider prefix inside a longer word is not a token
    lambda: f'name = "my{github()}"',
    lambda: f'name = "prefixhf_{rand(34)}"',
    # a token body followed by more letters (not its prefix again): too long for the format
    lambda: f'x = "hf_{rand(34)}{rand(10)}x"',
    lambda: f'x = "gsk_{rand(60)}"',
    # the prefix repeated with no token between
    lambda: 'x = "hf_hf_hf_hf_hf_hf_hf_hf_hf_hf_hf_hf_"',
]


@pytest.mark.parametrize("row", range(len(GLUED_FP)))
def test_glued_look_alikes_stay_quiet(row):
    assert findings(GLUED_FP[row]()) == []


# --------------------------------------------------------------- base64


def _encoded_true_positives():
    gh, hf = github(), "hf_" + rand(34)
    akia = "AKIA" + rand(16, string.ascii_uppercase + "234567")
    proj = "sk-proj-" + rand(40, ALNUM + "_-") + "T3BlbkFJ" + rand(40, ALNUM + "_-")
    return [
        ("GitHub Access Token", f"apiVersion: v1\nkind: Secret\ndata:\n  token: {b64(gh)}\n", "secret.yaml", gh),
        ("GitHub Access Token", f'GH = "{b64(gh)}"', "sample.py", gh),
        ("GitHub Access Token", f'GH = "{b64(gh + chr(10))}"', "sample.py", gh),  # `echo tok | base64` adds a newline
        ("Hugging Face Token", f"HF_TOKEN_B64={b64(hf)}", ".env", hf),
        ("AWS Access Key", f'creds = "{b64(akia)}"', "sample.py", akia),
        ("OpenAI API Key", f"  openai: {b64(proj)}", "values.yaml", proj),
        # URL-safe base64 without padding
        ("Hugging Face Token", f'x = "{base64.urlsafe_b64encode(hf.encode()).decode().rstrip("=")}"', "sample.py", hf),
    ]


ENCODED_TP = _encoded_true_positives()


@pytest.mark.parametrize("row", ENCODED_TP, ids=[r[0] + f"-{i}" for i, r in enumerate(ENCODED_TP)])
def test_a_base64_encoded_token_is_found_at_the_literal_redacted(row):
    secret_type, text, name, token = row
    found = [f for f in findings(text, name) if f.message.split("`")[1] == secret_type]
    assert len(found) == 1
    finding = found[0]
    line = text.splitlines()[finding.line - 1]
    encoded = line[finding.col - 1:].split('"')[0].split()[0]
    assert encoded and token not in encoded  # the finding points at the base64 literal
    assert token not in finding.message and encoded not in finding.message  # neither is printed in full


ENCODED_FP = [
    # base64 of a placeholder token, of prose, of an identifier
    lambda: f'x = "{b64("ghp_" + "x" * 36)}"',
    lambda: f'x = "{b64("hf_abcdefghijklmnopqrstuvwxyz01234567")}"',
    lambda: f'x = "{b64("hf_ stands for Hugging Face in this text")}"',
    lambda: f'x = "{b64("AKIAIOSFODNN7EXAMPLE")}"',
    # a GitHub prefix followed by binary bytes (no printable text)
    lambda: 'x = "' + base64.b64encode(b"ghp_" + bytes(RNG.randrange(128, 256) for _ in range(40))).decode() + '"',
    # the encoded prefix inside a longer base64 run (not at its start)
    lambda: f'x = "{rand(8)}{b64(github())}"',
    # a GitHub token with a failing checksum glued to more text, encoded
    lambda: f'x = "{b64(github(valid=False) + "more")}"',
]


@pytest.mark.parametrize("row", range(len(ENCODED_FP)))
def test_base64_look_alikes_stay_quiet(row):
    assert findings(ENCODED_FP[row]()) == []


def test_base64_image_data_with_an_encoded_prefix_stays_quiet():
    blob = b64("ghp_") .rstrip("=") + rand(3000, ALNUM + "+/")
    cell = f'img = "data:image/png;base64,{blob}"\n'
    assert findings(cell) == []


def test_the_prefilter_loses_no_encoded_token():
    """Every line with an encoded token is a candidate line: scanning only the
    prefilter's candidates finds what scanning every line finds."""
    lines = []
    for _ in range(300):
        parts = [rand(RNG.randrange(0, 20), ALNUM + " =:'\"")]
        if RNG.random() < 0.5:
            token = RNG.choice([github(), "hf_" + rand(34), "AKIA" + rand(16, string.ascii_uppercase + "234567"),
                                "glpat-" + rand(20), "npm_" + rand(36), "gsk_" + rand(52), "xoxb-" + rand(12, string.digits)])
            parts.append(b64(token + RNG.choice(["", "\n", ":x"])))
        parts.append(rand(RNG.randrange(0, 20), ALNUM + " =:'\""))
        lines.append(" ".join(parts))
    every = adapter._encoded_hits(lines, list(range(len(lines))))
    assert every  # the sample holds encoded tokens
    assert adapter._encoded_hits(lines, adapter.candidate_lines(lines)) == every


def test_fast_and_full_modes_agree_on_the_new_shapes(tmp_path):
    from test_equivalence import assert_same_results, both_modes_paths

    gh = github()
    (tmp_path / "a.py").write_text(f'T = "{gh}{gh}"\nE = "{b64(gh)}"\nG = "{github(valid=False)}"\n')
    (tmp_path / "secret.yaml").write_text(f"data:\n  token: {b64('hf_' + rand(34))}\n")
    fast, full = both_modes_paths([tmp_path], Config(select=["MLW4", "MLW51"], root=tmp_path))
    assert sum(len(r.findings) for r in fast) == 4
    assert_same_results(fast, full)


# --------------------------------------------------------------- Slack, PyPI


def test_slack_app_tokens_with_a_version_of_several_digits():
    tail = f"A{rand(10, string.ascii_uppercase + string.digits)}-{rand(13, string.digits)}-{rand(64, HEX)}"
    for version in ("12", "345", "12345"):
        assert types(f'SLACK_APP_TOKEN = "xapp-{version}-{tail}"') == ["Slack App Token"]
    assert types(f'x = "xapp-123456-{tail}"') == []  # six digits: not the format
    assert types(f'x = "xapp-12-{tail[:20]}"') == []  # no 64-hex secret part


def test_pypi_tokens_of_any_index():
    other = "pypi-AgEN" + rand(8) + "ZXguY29t" + rand(120, ALNUM + "-_")
    assert types(f"password = {other}\n", ".pypirc") == ["PyPI API Token"]
    assert types(f'twine_password = "{other}"') == ["PyPI API Token"]
    # pypi.org's own tokens keep detect-secrets' type (baselines)
    own = "pypi-AgEIcHlwaS5vcmc" + rand(120, ALNUM + "-_")
    assert types(f'x = "{own}"') == ["PyPI Token"]


@pytest.mark.parametrize("text", [
    'note = "pypi-AgEwords and more words"',
    'x = "pypi-Agent-configuration-for-the-mirror-of-the-package-index-here-and-elsewhere"',
    'x = "pypi-AgE' + "A" * 80 + '"',  # one repeated character
])
def test_pypi_look_alikes_stay_quiet(text):
    assert types(text) == []
