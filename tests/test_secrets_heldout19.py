"""Held-out set 19's reader (benchmarks/secrets_heldout19.py), on own signature
files written here in the source's layout (the held-out files are another
project's data and are never committed)."""

from __future__ import annotations

import random
import string
from pathlib import Path

import pytest
from test_secrets_heldout2 import _load  # loads sets 1 and 2's readers (not benchmarks/ on sys.path)

RNG = random.Random(1919)
for _name in ("secrets_heldout3", "secrets_heldout5", "secrets_heldout6", "secrets_heldout7", "secrets_heldout8",
              "secrets_heldout9", "secrets_heldout10", "secrets_heldout11", "secrets_heldout12",
              "secrets_heldout13", "secrets_heldout14", "secrets_heldout15", "secrets_heldout16",
              "secrets_heldout17", "secrets_heldout18"):
    _load(_name)
heldout19 = _load("secrets_heldout19")


def rand(n: int, alphabet: str = string.ascii_letters + string.digits) -> str:
    while True:
        value = "".join(RNG.choice(alphabet) for _ in range(n))
        if heldout19._set19_disputed(value, True) is None:
            return value


def _signatures(sigs) -> str:
    body = "signatures:\n"
    for name, matches, fails in sigs:
        body += f"  - name: {name}\n    test_cases:\n      match_cases:\n"
        body += "".join(f"        - '{m}'\n" for m in matches)
        body += "      fail_cases:\n" + "".join(f"        - '{f}'\n" for f in fails)
    return body


TOKEN = rand(36)
NR = rand(42, "0123456789abcdef")


def _tree(tmp_path: Path) -> Path:
    root = tmp_path / "secrets-heldout19"
    (root / "watchman").mkdir(parents=True)
    (root / "SOURCES.txt").write_text("own test tree\n")
    files = {
        "github.yaml": [("Tokens", [f"GH_TOKEN=ghp_{TOKEN}", "token=ghp_abcdefghijABCDEFGHIJ0123456789abcdef"],
                         ["GH_TOKEN=$GH_TOKEN", f"ghp_{TOKEN[:-4]}"])],
        "new_relic.yaml": [("Prefixed", [f"APIKEY: NRRA-{NR}"], [f"NRRA-{NR}x"])],
        "passwords.yaml": [("Passwords", ["Password: SimplePassword42", f"password: {rand(14)}"],
                            ["You need a strong password"])],
        "slack.yaml": [("Bot", ["API_KEY = xoxb-11111111111-a1a1a1a1a1a1a1a1a1a1a1a1"], ["API_KEY = xoxb_nope"]),
                       ("Bot again", ["API_KEY = xoxb-11111111111-a1a1a1a1a1a1a1a1a1a1a1a1"], ["API_KEY = xoxb_nope"])],
        "telegram.yaml": [("Bot", ["123456789:AAAbbbCCCdddEEEfffGGGhhhIIIjjjKKKlll"], [])],
        "azure.yaml": [("Files", ["blank"], ["blank"])],
        "twilio.yaml": [("Sids", [f"SK{rand(32, '0123456789abcdef')}"], [])],
        "alibaba.yaml": [("Alibaba IAM Access Key ID", [f"accessKeyId=LTAI{rand(12)}"], []),
                         ("Alibaba IAM Secret Access Key", [f'$secret = "{rand(30)}";'], [])],
        "shodan.yaml": [("Keys", [rand(32)], [])],
    }
    for name, sigs in files.items():
        (root / "watchman" / name).write_text(_signatures(sigs))
    return root


def test_samples_classes_exclusions_and_disputes(tmp_path):
    got = {s["rule"]: s for s in heldout19.heldout19_samples(_tree(tmp_path), tmp_path)}
    # Twilio SIDs, Alibaba key ids and 'blank' cases are not sampled
    assert not any("twilio" in k or "Access Key ID" in k or "azure" in k for k in got)
    gh = got["watchman/github Tokens match 1"]
    assert gh["secret"] is True and gh["alt"] is None and gh["class"] == "github" and gh["source"] == "watchman"
    assert got["watchman/github Tokens match 2"]["why"].startswith(("a synthetic placeholder", "a schematic"))
    assert got["watchman/github Tokens fail 1"]["secret"] is False and got["watchman/github Tokens fail 1"]["alt"] is None
    assert got["watchman/github Tokens fail 2"]["why"].startswith("shares 20+")  # a truncated real-looking token
    assert got["watchman/new_relic Prefixed match 1"]["class"] == "generic"
    assert got["watchman/passwords Passwords match 1"]["why"].startswith("a password that is words naming")
    assert got["watchman/passwords Passwords match 2"]["alt"] is None
    assert got["watchman/slack Bot match 1"]["why"].startswith("a schematic value")
    assert "watchman/slack Bot again match 1" not in got  # a text twice in the set: the first kept
    assert got["watchman/telegram Bot match 1"]["why"].startswith("a schematic value")
    assert got["watchman/alibaba Alibaba IAM Secret Access Key match 1"]["alt"] is None
    assert got["watchman/shodan Keys match 1"]["why"].startswith("a bare high-entropy string")


@pytest.mark.parametrize("value, schematic", [
    ("aaaaaarmZltoKlnSZM", True), ("ABABAB1111111", True), ("abcabc123123abcabc123123", True),
    ("AAAbbbCCCdddEEE", True), ("NPabcdefg0yU5T3", True), ("x7Qp2Lm9Rt4Kv8Ws3Nd6", False),
    ("6f9cfc9d413272ec0a65f2fd1b14ab10", False),
])
def test_schematic_rule(value, schematic):
    assert (heldout19._set19_disputed(value, True) is not None) is schematic
    assert heldout19._set19_disputed(value, False) is None  # look-alikes keep their label


def test_missing_sources_say_so(tmp_path):
    with pytest.raises(SystemExit, match="SOURCES.txt"):
        heldout19.heldout19_samples(tmp_path / "nothing", tmp_path)
