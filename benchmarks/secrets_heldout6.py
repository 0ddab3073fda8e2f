"""Held-out set 6 of issue 15 (round 5): published true and false positives
from a source no earlier set used, scored once, on the final code of round 5.

- **CredSweeper** (``benchmarks/.corpus/secrets-heldout6/credsweeper/``):
  Samsung/CredSweeper's ``tests/samples`` files for the classes issue 15
  names (generic keyword / password / secret / token / API key lines in
  documents and code, GitHub, AWS, Google, Slack, Stripe, Square, Telegram,
  Twilio, credentials in URLs, and the ``false_positive`` sample), with the
  expected results of ``tests/data/output.json`` (copied for these files to
  ``EXPECTED.tsv``: file, line number, rule names, line; every entry sits at
  its line in the stored file, see ``SOURCES.txt``).

The split (written before the set was scored):

- every line of a kept file is one sample, except blank lines and lines with
  no run of six letters or digits (``FALSE:``, ``# FP:`` and the like);
- a line output.json reports under a credential rule is a **secret**; every
  other line of the same file is a **look-alike** (CredSweeper's expected run
  does not report it). Lines reported only by CredSweeper's ``IPv4`` /
  ``IPv6`` / ``Firebase Domain`` / ``AWS S3 Bucket`` rules are not credential
  findings: none was copied to ``EXPECTED.tsv``, so those lines are
  look-alikes too;
- the class of a secret is the provider its rule names (``Token``,
  ``Secret``, ``Key``, ``API``, ``Credential`` and ``Password`` are
  ``generic``; ``URL Credentials`` is ``basic-auth``; ``Picatic API Key`` is
  a ``sk_live_`` key: ``stripe``); a look-alike takes its file's class
  (``github_*`` github, ``false_positive`` jwt, the rest generic);
- the ``doc_*`` files are prose (passwords written in documents): their
  samples count only outside Python (a ``.py`` file holds such a line only in
  a comment or a string), like unquoted generic values in sets 1-5.

Disputed labels (scored both ways by ``secrets.py eval``), by rule, not by
sample:

- a secret whose value holds CredSweeper's fake-value words (``gireogi``,
  ``crackle``, any case) or a run of 20+ zeros is a placeholder the source
  labels a true positive (issue 15 asks placeholders not to be flagged);
- a look-alike before a ``FALSE:`` line of a file that has one is listed by
  the file itself among the credentials (CredSweeper's ML-filtered default
  run leaves it out, its document mode reports it);
- in a file without such a line, a look-alike where a credential word
  (``password``, ``passwd``, ``pwd``, ``pw``, ``pass``, ``secret``,
  ``token``, ``key``) is followed by ``:`` or ``=`` and a value of six or
  more characters with no ``xxx`` in it is a credential by name that the
  source's default run does not report.

A text sets 1-5 hold is dropped, and so is a text twice in set 6. No
held-out string is in this repository.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Dict, List, Tuple

from secrets_heldout3 import _spent, heldout3_samples, heldout4_samples, labelled_sample  # benchmarks/secrets_heldout3.py
from secrets_heldout5 import heldout5_samples  # benchmarks/secrets_heldout5.py

#: kept file -> class of its look-alikes
FILES6: Dict[str, str] = {
    "doc_secret_pair": "generic", "doc_passwd_pair": "generic", "doc_various": "generic",
    "github_classic_token": "github", "github_fine_granted_token": "github", "github_key.groovy": "github",
    "google_api_key.toml": "google", "key.hs": "generic", "token.toml": "generic", "credential.hs": "generic",
    "api.toml": "generic", "url.groovy": "basic-auth", "aws_multi.groovy": "aws", "password.gradle": "generic",
    "stripe_standard_api_key.hs": "stripe", "telegram_api_key": "telegram", "twilio_key.template": "twilio",
    "slack_webhook.template": "slack", "google_oauth_key.hs": "google", "square_oauth_secret.hs": "square",
    "picatic_key": "stripe", "false_positive": "jwt",
}

#: CredSweeper rule name prefix -> class (first match; generic rules last)
RULE_CLASS6: Tuple[Tuple[str, str], ...] = (
    ("URL Credentials", "basic-auth"), ("AWS", "aws"), ("Github", "github"), ("Google", "google"),
    ("Stripe", "stripe"), ("Picatic", "stripe"), ("Telegram", "telegram"), ("Twilio", "twilio"),
    ("Slack", "slack"), ("Square", "square"),
    ("Token", "generic"), ("Secret", "generic"), ("Key", "generic"), ("API", "generic"),
    ("Credential", "generic"), ("Password", "generic"),
)

_PLACEHOLDER = "a placeholder the source labels a true positive (CredSweeper's fake-value words or zeros)"
_OWN_SPLIT = "the file lists it among the credentials (before its FALSE: line); CredSweeper's default run does not report it"
_BY_NAME = "a credential by name (`pw:`, `password=` …) that CredSweeper's default run does not report"

_CANDIDATE = re.compile(r"[A-Za-z0-9]{6}")
_MARKER = re.compile(r"\s*FALSE:\s*")
_FAKE = re.compile(r"gireogi|crackle|0{20}", re.IGNORECASE)
_BY_NAME_RE = re.compile(r"(?i)(?:password|passwd|pwd|pw|pass|secret|token|key)\s*[:=]\s*(?!\S*xxx)[^\s,;)]{6,}")


def _expected(root: Path) -> Dict[Tuple[str, int], str]:
    out: Dict[Tuple[str, int], str] = {}
    for line in (root / "EXPECTED.tsv").read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        path, number, rules, text = line.split("\t", 3)
        out[(path, int(number))] = rules
        stored = (root / path).read_text(encoding="utf-8").split("\n")
        if stored[int(number) - 1] != text:
            raise SystemExit(f"secrets_heldout6: {path} line {number} is not the line output.json expects")
    return out


def _class(rules: str) -> str:
    for name in rules.split(","):
        for prefix, cls in RULE_CLASS6:
            if name.startswith(prefix) and cls != "generic":
                return cls
    return "generic"


def _credsweeper(root: Path) -> List[dict]:
    expected = _expected(root)
    disputed: Dict[str, Tuple[bool, str]] = {}
    rows = []
    for name, default in FILES6.items():
        lines = (root / name).read_text(encoding="utf-8").split("\n")
        marked = any(_MARKER.fullmatch(line) for line in lines)
        before_marker = marked
        for number, line in enumerate(lines, 1):
            if _MARKER.fullmatch(line):
                before_marker = False
                continue
            if not line.strip() or not _CANDIDATE.search(line):
                continue
            key = f"credsweeper/{name} line {number}"
            rules = expected.get((name, number))
            secret = rules is not None
            cls = _class(rules) if secret else default
            if secret and _FAKE.search(line):
                disputed[key] = (False, _PLACEHOLDER)
            elif not secret and before_marker:
                disputed[key] = (True, _OWN_SPLIT)
            elif not secret and not marked and _BY_NAME_RE.search(line):
                disputed[key] = (True, _BY_NAME)
            rows.append((key, cls, line, secret, name.startswith("doc_")))
    out = []
    for key, cls, line, secret, prose in rows:
        sample = labelled_sample(disputed, key, cls, line, secret, "credsweeper")
        if prose:
            sample["python"] = False
        out.append(sample)
    return out


def without_spent(samples: List[dict], corpus: Path, readers) -> List[dict]:
    """``samples`` without texts the earlier sets hold (sets 1 and 2, then
    ``readers``: (set number, reader) pairs) and without repeats (the first kept)."""
    seen = _spent(corpus)
    for n, reader in readers:
        if (corpus / f"secrets-heldout{n}" / "SOURCES.txt").is_file():
            seen |= {s["text"].strip() for s in reader(corpus / f"secrets-heldout{n}", corpus)}
    out = []
    for sample in samples:
        key = sample["text"].strip()
        if key in seen:
            continue
        seen.add(key)
        out.append(sample)
    return out


#: the readers of sets 3-5, whose texts set 6 leaves out
EARLIER6 = ((3, heldout3_samples), (4, heldout4_samples), (5, heldout5_samples))


def heldout6_samples(root: Path, corpus: Path) -> List[dict]:
    """Set 6, without texts sets 1-5 hold and repeats."""
    if not (root / "SOURCES.txt").is_file():
        raise SystemExit(f"secrets_heldout6: {root}/SOURCES.txt is missing: fetch the files it lists first")
    return without_spent(_credsweeper(root / "credsweeper"), corpus, EARLIER6)
