"""Held-out set 19 of issue 15 (round 19): published true and false positives
from a source no earlier set used, scored once, on the final code of round 19.

**Watchman's signatures** (``watchman/*.yaml``, PaperMtn/watchman-signatures
``signatures/tokens_and_credentials/*.yaml``): the signature files of the
Watchman scanners (Slack, GitLab, Stack Overflow). Every signature carries
``test_cases``: a ``match_cases`` entry is a **secret** (the signature must
match it), a ``fail_cases`` entry a **look-alike** (it must not). The files are
saved as excerpts (each signature's ``- name:`` line and its whole
``test_cases:`` block, verbatim; ``SOURCES.txt``), read with ``yaml.safe_load``
(nothing else is interpreted). A sample is one case's text.

Classes, by file (:data:`FILE_CLASSES`) and by signature
(:data:`SIGNATURE_CLASSES`), written before any verdict: generic (keyword
signatures: access tokens, bearer, client secrets, private tokens, x-api-key,
x-auth-key, passwords, Azure ``accessToken``, Snyk, PagerDuty, New Relic),
github, gitlab, google, private-key (the GCP and PGP key signatures), slack,
akamai, alibaba, anthropic, discord, huggingface, openai, replicate, stripe,
grafana, basic-auth (the FTP URL signature), mailgun, mailchimp, braintree,
facebook, twitter, telegram, webhook (Outlook and Teams webhooks), and
**entropy** for the signatures whose pattern is a bare length-and-alphabet
shape with no name or prefix (AWS secret keys ``[A-Za-z0-9/+=]{40}``,
Cloudflare ``[0-9A-Za-z-_]{40}``, Shodan ``[0-9A-Za-z]{32}``, Heroku's UUID).

**Excluded** (:func:`_excluded`, as sets 1-18 leave out identifiers): the
Twilio file (its secret is an ``SK`` API-key SID, an identifier: set 16's
rule), Alibaba's *access key id* signature (``LTAI…``: an id, the secret is
the access key secret), the ``blank`` cases of the Azure ``.cscfg`` file
signature (no text); a text sets 1-18 hold, and a text twice in set 19 (the
first kept: Watchman repeats cases across signatures).

**Disputed labels** (scored both ways by ``secrets.py eval``): set 16's
written rules, applied unchanged by :func:`secrets_heldout16._disputed` with
the classes above (a secret that is a synthetic placeholder by issue 15's
policy: sequential, counting or repeated runs, ``xxxx``, marker words; a
format's key part under 12 characters; a bare high-entropy string; only weak
passwords; a key name used as a value; a private key with under 64 characters
of key material; a look-alike sharing 20+ characters with an undisputed secret
of its file; a look-alike with a random-looking value under a credential
name). Two rules are added for this set, written after reading its cases
and before any verdict (:func:`_set19_disputed`; set 16's placeholder test
misses the schematic values Watchman writes):

- a secret whose text holds a *schematic run*: one character 5+ times
  (``aaaaaa``, ``1111111111``), a unit of 1-4 characters 3+ times in a row
  (``ABABAB``, ``a1a1a1``, ``123123123``), a unit of 5-12 characters twice in a
  row over 16+ characters (``abcabc123123abcabc123123``), three or more
  tripled characters in a row (``AAAbbbCCC``, ``aaaddddffff``), or an
  ascending run of 6+ letters or digits (``abcdefg``, ``123456``): issue 15's
  counting and repeated-run placeholders (a random 40-character value holds
  such a run about once in 10^3-10^5 draws);
- a secret whose password is words naming a password with digits after
  (``WeakPassword123``, ``password100``): a key name used as a value, the
  class round 1 drops on purpose (``thisismypassword``).

No held-out string is in this repository.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import yaml

from secrets_heldout3 import labelled_sample  # benchmarks/secrets_heldout3.py
from secrets_heldout6 import EARLIER6, heldout6_samples, without_spent  # benchmarks/secrets_heldout6.py
from secrets_heldout7 import heldout7_samples  # benchmarks/secrets_heldout7.py
from secrets_heldout8 import heldout8_samples  # benchmarks/secrets_heldout8.py
from secrets_heldout9 import heldout9_samples  # benchmarks/secrets_heldout9.py
from secrets_heldout10 import heldout10_samples  # benchmarks/secrets_heldout10.py
from secrets_heldout11 import heldout11_samples  # benchmarks/secrets_heldout11.py
from secrets_heldout12 import heldout12_samples  # benchmarks/secrets_heldout12.py
from secrets_heldout13 import heldout13_samples  # benchmarks/secrets_heldout13.py
from secrets_heldout14 import heldout14_samples  # benchmarks/secrets_heldout14.py
from secrets_heldout15 import heldout15_samples  # benchmarks/secrets_heldout15.py
from secrets_heldout16 import _VALUE, _disputed, heldout16_samples  # benchmarks/secrets_heldout16.py
from secrets_heldout17 import heldout17_samples  # benchmarks/secrets_heldout17.py
from secrets_heldout18 import heldout18_samples  # benchmarks/secrets_heldout18.py

#: saved signature file -> class
FILE_CLASSES: Dict[str, str] = {
    "generic_tokens.yaml": "generic", "passwords.yaml": "generic", "azure.yaml": "generic",
    "snyk.yaml": "generic", "pagerduty.yaml": "generic", "new_relic.yaml": "generic",
    "github.yaml": "github", "gitlab.yaml": "gitlab", "google.yaml": "google", "private_keys.yaml": "private-key",
    "slack.yaml": "slack", "akamai.yaml": "akamai", "alibaba.yaml": "alibaba", "anthropic.yaml": "anthropic",
    "discord.yaml": "discord", "huggingface.yaml": "huggingface", "openai.yaml": "openai",
    "replicate.yaml": "replicate", "stripe.yaml": "stripe", "grafana.yaml": "grafana", "ftp.yaml": "basic-auth",
    "mailgun.yaml": "mailgun", "mailchimp.yaml": "mailchimp", "paypal.yaml": "braintree",
    "facebook.yaml": "facebook", "twitter.yaml": "twitter", "telegram.yaml": "telegram",
    "ms_teams.yaml": "webhook",
    "aws.yaml": "entropy", "cloudflare.yaml": "entropy", "shodan.yaml": "entropy", "heroku.yaml": "entropy",
}

#: signature name -> class, where it differs from its file's
SIGNATURE_CLASSES: Dict[str, str] = {
    "GCP Service Account Files": "private-key",
    "GCP Service Accounts in Text": "private-key",
}

#: saved files not sampled -> why
EXCLUDED_FILES: Dict[str, str] = {
    "twilio.yaml": "its secret is a Twilio API-key SID (SK + 32 hex): an identifier, the secret is the key secret",
}

#: signatures not sampled -> why
EXCLUDED_SIGNATURES: Dict[str, str] = {
    "Alibaba IAM Access Key ID": "an access key id (LTAI...): an identifier, the secret is the access key secret",
}


_TRIPLES = re.compile(r"(?:(.)\1\1+){3,}")
_ASC = "abcdefghijklmnopqrstuvwxyz"
_NAMED_PASSWORD = re.compile(r"(?i)(?:password|passwd|pwd|pass)\s*(?:is\s*|[:=]\s*)['\"]?([A-Za-z]*\d*)['\"]?\s*$|"
                             r"://[^:/@\s]+:([A-Za-z]*\d*)$")
_SCHEMATIC_WHY = "a schematic value (a character, unit or triple repeated, or an ascending run): a placeholder"
_NAMED_WHY = "a password that is words naming a password with digits after: a key name used as a value"


def _ascending(text: str, n: int = 6) -> bool:
    low = text.lower()
    for alphabet in (_ASC, "0123456789"):
        for i in range(len(alphabet) - n + 1):
            if alphabet[i:i + n] in low:
                return True
    return False


def _set19_disputed(text: str, secret: bool) -> Optional[Tuple[bool, str]]:
    if not secret:
        return None
    if re.search(r"(.)\1{4}", text) or re.search(r"(.{1,4}?)\1{2,}", text) \
            or re.search(r"(.{5,12})\1", text) and any(len(m.group(0)) >= 16 for m in re.finditer(r"(.{5,12})\1", text)) \
            or _TRIPLES.search(text) or _ascending(text):
        return False, _SCHEMATIC_WHY
    m = _NAMED_PASSWORD.search(text)
    if m:
        value = (m.group(1) or m.group(2) or "").lower()
        if re.search(r"pass(?:word|wd)?", value):
            return False, _NAMED_WHY
    return None


def _excluded(text: object) -> Optional[str]:
    if not isinstance(text, str) or not text.strip():
        return "no text"
    if text.strip() == "blank":
        return "a 'blank' case: the signature has no pattern (it reports every file of a kind)"
    return None


def _cases(path: Path) -> List[tuple]:
    """(signature, text, secret) of every test case of a saved signature file."""
    doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    out = []
    for sig in doc.get("signatures") or []:
        name = str(sig.get("name", "")).strip()
        cases = sig.get("test_cases") or {}
        for field, secret in (("match_cases", True), ("fail_cases", False)):
            for text in cases.get(field) or []:
                out.append((name, text, secret))
    return out


def _watchman(root: Path) -> List[dict]:
    out = []
    for path in sorted(root.glob("*.yaml")):
        if path.name in EXCLUDED_FILES or path.name not in FILE_CLASSES:
            continue
        rows = [(name, text, secret) for name, text, secret in _cases(path)
                if _excluded(text) is None and name not in EXCLUDED_SIGNATURES]
        classes = {name: SIGNATURE_CLASSES.get(name, FILE_CLASSES[path.name]) for name, _, _ in rows}
        secrets = sorted({v for name, text, secret in rows
                          if secret and _disputed(text, classes[name], True, [], path.name) is None
                          and _set19_disputed(text, True) is None
                          for v in _VALUE.findall(text)})
        counts: Dict[str, int] = {}
        for name, text, secret in rows:
            kind = "match" if secret else "fail"
            counts[f"{name}/{kind}"] = counts.get(f"{name}/{kind}", 0) + 1
            key = f"watchman/{path.stem} {name} {kind} {counts[f'{name}/{kind}']}"
            alt = _disputed(text, classes[name], secret, secrets, path.name) or _set19_disputed(text, secret)
            out.append(labelled_sample({key: alt} if alt else {}, key, classes[name], text, secret, "watchman"))
    return out


def heldout19_samples(root: Path, corpus: Path) -> List[dict]:
    """Set 19, without texts sets 1-18 hold and repeats."""
    if not (root / "SOURCES.txt").is_file():
        raise SystemExit(f"secrets_heldout19: {root}/SOURCES.txt is missing: fetch the files it lists first")
    return without_spent(_watchman(root / "watchman"), corpus,
                         EARLIER6 + ((6, heldout6_samples), (7, heldout7_samples), (8, heldout8_samples),
                                     (9, heldout9_samples), (10, heldout10_samples), (11, heldout11_samples),
                                     (12, heldout12_samples), (13, heldout13_samples), (14, heldout14_samples),
                                     (15, heldout15_samples), (16, heldout16_samples), (17, heldout17_samples),
                                     (18, heldout18_samples)))
