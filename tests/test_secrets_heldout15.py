"""Held-out set 15's reader (benchmarks/secrets_heldout15.py), on own files
written here in Horusec's and gosec's sample layouts (the held-out files are
other projects' data and are never committed)."""

from __future__ import annotations

import random
import string
from pathlib import Path

import pytest
from test_secrets_heldout2 import _load  # loads sets 1 and 2's readers (not benchmarks/ on sys.path)

RNG = random.Random(1515)
for _name in ("secrets_heldout3", "secrets_heldout5", "secrets_heldout6", "secrets_heldout7", "secrets_heldout8",
              "secrets_heldout9", "secrets_heldout10", "secrets_heldout11", "secrets_heldout12",
              "secrets_heldout13", "secrets_heldout14"):
    _load(_name)
heldout15 = _load("secrets_heldout15")


def rand(n: int, alphabet: str = string.ascii_letters + string.digits) -> str:
    return "".join(RNG.choice(alphabet) for _ in range(n))


TOK, HEX = rand(36), rand(40, "0123456789abcdef")


def _compose(name: str, value: str) -> str:
    return f"\nservices:\n  app:\n    environment:\n      {name}: {value}\n"


def _tree(tmp_path: Path) -> Path:
    root = tmp_path / "secrets-heldout15"
    (root / "horusec").mkdir(parents=True)
    (root / "gosec").mkdir()
    (root / "SOURCES.txt").write_text("own test tree\n")
    consts = {
        "SampleVulnerableHSLEAKS4": _compose("SOME_SECRET_KEY", f"'{TOK}'"),
        "SampleSafeHSLEAKS4": _compose("SOME_SECRET_KEY", "${SECRET_KEY}"),
        "SampleVulnerableHSLEAKS5": _compose("SOME_CLIENT_ID", f"'{rand(15, '0123456789')}'"),
        "SampleSafeHSLEAKS5": _compose("SOME_CLIENT_ID", "${SECRET_KEY}"),
        "SampleVulnerableHSLEAKS24": _compose("TWILIO_API_KEY", f"'^SK{rand(32, '0123456789abcdef')}'"),
        "SampleVulnerableHSLEAKS25": _compose("DB_PASSWD", "'P@ssw0rd'"),
        "SampleVulnerableHSLEAKS27": '\ndsn := "postgresql://alice:alice@127.0.0.1:5432/x"\n',
        "SampleVulnerableHSPRIVACY1": "\nconsole.log(user.doc)\n",
    }
    body = "package leaks\n\nconst (\n" + "".join(f"\t{k} = `{v}`\n" for k, v in consts.items()) + ")\n"
    (root / "horusec" / heldout15.HORUSEC_FILE).write_text(body)
    entries = [
        (f'\npackage main\n\nfunc main() {{\n\tapiToken := "{TOK}"\n}}\n', 1),
        ('\npackage main\n\nfunc main() {\n\tpassword := "secret"\n}\n', 0),
        (f'\npackage main\n\n// #nosec G101\nconst token = "{HEX}"\n', 0),
        (f'\npackage main\nvar s = ` + "`" + `x` + "`" + `\nconst k = "AKIA{rand(9, "ABCDEFGHIJ")}EXAMPLE"\n', 1),
        (f'\npackage main\n\nfunc main() {{\n\tclient_secret := "{rand(6, "0123456789")}{rand(24, "bcdfghjkmnpqrstvwxz")}"\n}}\n', 0),
        (f'\npackage main\n\nfunc main() {{\n\tapiToken := "{TOK}"\n}}\n', 1),
    ]
    gobody = "package testutils\n\nvar (\n\tSampleCodeG101 = []CodeSample{\n"
    for code, count in entries:
        gobody += "\t\t{[]string{`" + code + "`}, " + str(count) + ", gosec.NewConfig()},\n"
    gobody += "\t}\n)\n"
    (root / "gosec" / heldout15.GOSEC_FILE).write_text(gobody)
    return root


def test_samples_classes_exclusions_and_disputes(tmp_path):
    got = {s["rule"]: s for s in heldout15.heldout15_samples(_tree(tmp_path), tmp_path)}
    assert set(got) == {"horusec/vulnerable4", "horusec/safe4", "horusec/vulnerable24", "horusec/vulnerable25",
                        "horusec/vulnerable27", "gosec/g101[0]", "gosec/g101[1]", "gosec/g101[3]",
                        "gosec/g101[4]"}  # client ids, privacy, suppressed and repeated rows left out
    assert got["horusec/vulnerable4"]["secret"] is True and got["horusec/vulnerable4"]["alt"] is None
    assert got["horusec/safe4"]["secret"] is False and got["horusec/safe4"]["class"] == "generic"
    assert got["horusec/vulnerable24"]["class"] == "twilio"
    assert got["horusec/vulnerable24"]["why"].startswith("a regex metacharacter")
    assert got["horusec/vulnerable25"]["why"].startswith("every password a known default")  # P@ssw0rd
    assert got["horusec/vulnerable27"]["why"].startswith("every password a known default")  # user again
    assert got["gosec/g101[0]"]["secret"] is True and got["gosec/g101[0]"]["alt"] is None
    assert got["gosec/g101[1]"]["secret"] is False and got["gosec/g101[1]"]["alt"] is None
    assert got["gosec/g101[3]"]["class"] == "aws" and got["gosec/g101[3]"]["why"].startswith("a synthetic")
    assert "`x`" in got["gosec/g101[3]"]["text"]  # raw strings joined around a quoted backtick
    assert got["gosec/g101[4]"]["alt"] is True  # a random value under a credential name, labelled negative


def test_missing_sources_says_so(tmp_path):
    with pytest.raises(SystemExit, match="SOURCES.txt"):
        heldout15.heldout15_samples(tmp_path / "nothing", tmp_path)
