"""Held-out set 16's reader (benchmarks/secrets_heldout16.py), on own Go test
tables written here in the source's layout (the held-out files are another
project's data and are never committed)."""

from __future__ import annotations

import base64
import json
import random
import string
from pathlib import Path

import pytest
from test_secrets_heldout2 import _load  # loads sets 1 and 2's readers (not benchmarks/ on sys.path)

RNG = random.Random(1616)
for _name in ("secrets_heldout3", "secrets_heldout5", "secrets_heldout6", "secrets_heldout7", "secrets_heldout8",
              "secrets_heldout9", "secrets_heldout10", "secrets_heldout11", "secrets_heldout12",
              "secrets_heldout13", "secrets_heldout14", "secrets_heldout15"):
    _load(_name)
heldout16 = _load("secrets_heldout16")


def rand(n: int, alphabet: str = string.ascii_letters + string.digits) -> str:
    return "".join(RNG.choice(alphabet) for _ in range(n))


def _b64(obj: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip("=")


def _table(rows) -> str:
    body = "package x\n\nimport (\n\t\"testing\"\n)\n\nvar testCases = []tests.TestCase{\n"
    for name, expr, want in rows:
        body += f"\t{{\"{name}\", {expr}, {'true' if want else 'false'}}},\n"
    return body + "\t{\"empty input\", \"\", false},\n}\n\nfunc TestScan(t *testing.T) {\n}\n"


TOKEN = rand(36)
SG_A, SG_B = rand(22), rand(43)


def _tree(tmp_path: Path) -> Path:
    root = tmp_path / "secrets-heldout16"
    (root / "octarine").mkdir(parents=True)
    (root / "SOURCES.txt").write_text("own test tree\n")
    tables = {
        "github_detector_test.go": [
            ("random", f'"ghp_{TOKEN}"', True),
            ("counting", '"ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789"', True),
            ("too long", f'"ghp_{TOKEN}x"', False),
        ],
        "sendgrid_detector_test.go": [
            ("valid", f'"SG.{SG_A}.{SG_B}"', True),
            ("no prefix", f'"{SG_A}.{SG_B}"', False),
            ("joined", f'"SG." + `{SG_A}` + ".{SG_B[:-1]}x"', False),
        ],
        "aws_client_id_detector_test.go": [
            ("role id", f'"AROA{rand(16, string.ascii_uppercase)}"', True),
        ],
        "twilio_auth_detector_test.go": [("sid", f'"AC{rand(32, "0123456789abcdef")}"', True)],
        "mws_key_detector_test.go": [("random", '"amzn.mws." + generateRandomUUID()', True)],
        "basic_auth_detector_test.go": [
            ("short", '"basic dTpw"', True),
            ("other scheme", '"bearer YWRtaW46YWRtaW4="', False),
        ],
        "keyword_detector_test.go": [
            ("leet name", '"api_token: 4p1_70k3n"', True),
            ("random", f'"api_token: {rand(24)}"', True),
            ("by name", f'"not_a_secret_token = {rand(8, "0123456789")}{rand(24, "bcdfghjkmnpqrstvwxz")}"', False),
        ],
        "jwt_detector_test.go": [
            ("unsigned", f'"{_b64({"alg": "none"})}.{_b64({"user": "ann"})}"', True),
        ],
        "private_key_detector_test.go": [
            ("stub", '"-----BEGIN RSA PRIVATE KEY-----\\nabcd+XYZ=\\n-----END RSA PRIVATE KEY-----"', True),
        ],
        "high_entropy_string_detector_test.go": [("bare", f'"{rand(40)}"', True)],
    }
    for name, rows in tables.items():
        (root / "octarine" / name).write_text(_table(rows))
    return root


def test_samples_classes_exclusions_and_disputes(tmp_path):
    got = {s["rule"]: s for s in heldout16.heldout16_samples(_tree(tmp_path), tmp_path)}
    # IAM role ids, the Twilio table and empty inputs are not sampled
    assert not any("aws_client_id" in k or "twilio" in k or "empty input" in k for k in got)
    gh = got["octarine/github_detector random"]
    assert gh["secret"] is True and gh["alt"] is None and gh["class"] == "github"
    assert got["octarine/github_detector counting"]["why"].startswith("a synthetic placeholder")
    assert got["octarine/github_detector too long"]["why"].startswith("shares 20+")  # a variant of a real-looking one
    assert got["octarine/sendgrid_detector valid"]["text"] == f"SG.{SG_A}.{SG_B}"
    assert got["octarine/sendgrid_detector joined"]["text"] == f"SG.{SG_A}.{SG_B[:-1]}x"  # raw + quoted joined
    assert got["octarine/sendgrid_detector no prefix"]["alt"] is True
    mws = got["octarine/mws_key_detector random"]
    assert mws["class"] == "amazon-mws" and mws["text"].startswith("amzn.mws.") and len(mws["text"]) == 45
    again = {s["rule"]: s for s in heldout16.heldout16_samples(_tree(tmp_path / "again"), tmp_path)}
    assert again[mws["rule"]]["text"] == mws["text"]  # the random UUID is drawn from the row's key: same every run
    assert got["octarine/basic_auth_detector short"]["why"].startswith("a minimal-length test")
    assert got["octarine/basic_auth_detector other scheme"]["why"].startswith("a bearer header")
    assert got["octarine/keyword_detector leet name"]["why"].startswith("the value is a key name")
    assert got["octarine/keyword_detector random"]["alt"] is None
    assert got["octarine/keyword_detector by name"]["alt"] is True
    assert got["octarine/jwt_detector unsigned"]["why"].startswith("a JWT with alg none")
    assert got["octarine/private_key_detector stub"]["why"].startswith("a private key with under 64")
    assert got["octarine/high_entropy_string_detector bare"]["why"].startswith("a bare high-entropy string")


def test_unreadable_row_and_missing_sources_say_so(tmp_path):
    with pytest.raises(SystemExit, match="SOURCES.txt"):
        heldout16.heldout16_samples(tmp_path / "nothing", tmp_path)
    root = tmp_path / "bad"
    (root / "octarine").mkdir(parents=True)
    (root / "SOURCES.txt").write_text("x\n")
    (root / "octarine" / "github_detector_test.go").write_text(_table([("call", "strings.Repeat(\"a\", 3)", True)]))
    with pytest.raises(heldout16.GoError):
        heldout16.heldout16_samples(root, tmp_path)
