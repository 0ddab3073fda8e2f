"""Held-out set 15 of issue 15 (round 15): published true and false positives
from two sources no earlier set used, scored once, on the final code of round 15.

Both are scanners' own rule tests with both kinds, where one test sample is a
whole code or configuration snippet (the unit the scanner's test runs on); a
sample here is that snippet, checked whole as ``sample.py`` and ``config.yaml``
(mlwarden reads text that is not Python line by line, as it does any text).

**Horusec** (``horusec/samples.go``, ZupIT/horusec
``internal/services/engines/leaks/samples.go``): the leaks engine's samples.
``SampleVulnerableHSLEAKS<N>`` must give a finding of rule HS-LEAKS-<N>
(Horusec's ``rules_test.go``), ``SampleSafeHSLEAKS<N>`` must give none. The Go
raw strings are read with a regex (nothing is executed).

**gosec** (``gosec/g101_samples.go``, securego/gosec
``testutils/g101_samples.go``): the G101 ("hard coded credentials") code
samples. An entry with an expected issue count above 0 is a secret, 0 a
look-alike. The Go string expression of an entry (raw strings, quoted strings,
``+``) is evaluated by :func:`_go_string` without Go.

Classes (written before any verdict):

- Horusec, by rule number (:data:`HORUSEC_CLASSES`): AWS keys -> aws, Slack
  webhook -> slack, private key -> private-key, Google API key -> google,
  Mailchimp -> mailchimp, Stripe (``sk_live_``, ``rk_live_``) -> stripe,
  SendGrid -> sendgrid, Square -> square, Twilio -> twilio, a URL with a
  password -> basic-auth; keys of providers mlwarden has no format for
  (Amazon MWS, Facebook, Twitter, GitHub OAuth-app secret, LinkedIn, Heroku,
  Mailgun, PayPal) sit under credential names and are judged as keyword
  secrets -> generic; passwords and PHP ``define`` -> generic. A safe sample
  takes its rule's class.
- gosec, by the value's shape (:func:`_shape_class`): ``gh?_`` -> github,
  ``AKIA``/``ASIA`` -> aws, ``AIza`` -> google, a URL with ``user:pass@`` ->
  basic-auth, else generic.

**Excluded** (not sampled, with the reason: :data:`HORUSEC_EXCLUDED`,
:func:`_gosec_excluded`):

- Horusec's client-id rules (HS-LEAKS-5 Facebook, -7 Twitter, -9 LinkedIn,
  -14 a Google OAuth client id ``….apps.googleusercontent.com``), both
  samples: identifiers, not secrets (as in sets 1-14);
- Horusec's HSPRIVACY samples: personal data, not credentials;
- gosec entries whose label rests on gosec's own suppression comment
  (``#nosec``, ``gosec:disable``): mlwarden's suppression is
  ``# pragma: allowlist secret``.

Rows dropped before scoring, by written rules: a text twice in the set (the
first kept); a text sets 1-14 hold (where their corpora are present). No cap
per value: gosec repeats one value in several syntaxes (``:=``, ``var``,
``const``, struct fields, map keys, comparisons), and each syntax is what its
row tests.

Disputed labels (scored both ways by ``secrets.py eval``), written before any
verdict on the set was looked at (:func:`_disputed`):

- a secret whose every long literal (16+ characters, no blank) is a
  synthetic placeholder by set 9's rules (sequential, counting or repeated
  runs, ``xxxx``, the marker words) or holds ``EXAMPLE`` (AWS's documented
  example key id and its variants): a placeholder by issue 15's policy;
- a secret whose every password value (after a password name, or in a URL's
  ``user:pass@``) is a known default or weak password (:data:`WEAK`,
  compared after folding case and leetspeak: ``Ch@ng3m3`` is ``changeme``) or
  equal to the user name in the same snippet (``gorm``/``gorm``): weak rather
  than leaked, low by round 14's default-password policy;
- a secret whose provider value holds a regex metacharacter (``^``, ``[``,
  ``]``) inside the quoted token: a regex artefact, not a well-formed
  credential of the format;
- a private-key secret whose PEM body is elided with ``...``: a documentation
  excerpt, no usable key material;
- a look-alike with a line that assigns, after a credential name, a
  random-looking value (set 14's rule, :func:`secrets_heldout14._randomish_named`,
  per line, template syntax excepted): its label rests on the source's
  allow-list, not on the value being no credential.

No held-out string is in this repository.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Dict, List, Optional, Tuple

from secrets_heldout3 import labelled_sample  # benchmarks/secrets_heldout3.py
from secrets_heldout6 import EARLIER6, without_spent  # benchmarks/secrets_heldout6.py
from secrets_heldout6 import heldout6_samples  # benchmarks/secrets_heldout6.py
from secrets_heldout7 import heldout7_samples  # benchmarks/secrets_heldout7.py
from secrets_heldout8 import heldout8_samples  # benchmarks/secrets_heldout8.py
from secrets_heldout9 import _placeholder_text, heldout9_samples  # benchmarks/secrets_heldout9.py
from secrets_heldout10 import heldout10_samples  # benchmarks/secrets_heldout10.py
from secrets_heldout11 import heldout11_samples  # benchmarks/secrets_heldout11.py
from secrets_heldout12 import heldout12_samples  # benchmarks/secrets_heldout12.py
from secrets_heldout13 import heldout13_samples  # benchmarks/secrets_heldout13.py
from secrets_heldout14 import _TEMPLATE, _randomish_named, heldout14_samples  # benchmarks/secrets_heldout14.py

HORUSEC_FILE = "samples.go"
GOSEC_FILE = "g101_samples.go"

#: Horusec HS-LEAKS rule number -> class (a number not listed and not excluded is not sampled)
HORUSEC_CLASSES: Dict[int, str] = {
    1: "aws", 2: "aws", 3: "generic", 4: "generic", 6: "generic", 8: "generic", 10: "generic",
    11: "slack", 12: "private-key", 13: "google", 15: "generic", 16: "mailchimp", 17: "generic",
    18: "generic", 19: "stripe", 20: "sendgrid", 21: "stripe", 22: "square", 23: "square",
    24: "twilio", 25: "generic", 26: "generic", 27: "basic-auth", 28: "generic",
}

#: Horusec rules whose samples are not sampled -> why
HORUSEC_EXCLUDED: Dict[int, str] = {
    5: "a Facebook client id: an identifier, not a secret",
    7: "a Twitter client id: an identifier, not a secret",
    9: "a LinkedIn client id: an identifier, not a secret",
    14: "a Google OAuth client id: an identifier, not a secret",
}

#: known default and weak passwords (compared after :func:`_fold`)
WEAK = frozenset({"changeme", "changeit", "password", "passw0rd", "admin", "root", "toor", "secret",
                  "123456", "12345678", "qwerty", "letmein", "default", "guest", "test"})

_HORUSEC = re.compile(r"^\tSample(Vulnerable|Safe)HS(LEAKS|PRIVACY)(\d+) = `([^`]*)`", re.M)
_GOSEC_ENTRY = re.compile(r"\{\[\]string\{")
_GOSEC_TAIL = re.compile(r"\},\s*(\d+),\s*gosec\.NewConfig\(\)\}")
_SUPPRESSION = re.compile(r"#\s*nosec\b|gosec:disable")
_LITERAL = re.compile(r"\"([^\"\n]*)\"|'([^'\n]*)'")
_PASSWORD = re.compile(r"(?i)pass(?:word|wd)?\w*[\"']?\s*(?::=|=|:)\s*[\"']([^\"'\n]+)[\"']")
_USER = re.compile(r"(?i)user(?:name)?\w*[\"']?\s*(?::=|=|:)\s*[\"']([^\"'\n]+)[\"']")
_URL_CREDS = re.compile(r"://([^:/@\s\"']+):([^@/\s\"']+)@")
_PEM_ELIDED = re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*\.\.\..*-----END", re.S)
_REGEX_META = re.compile(r"[\^\[\]]")
_LEET = str.maketrans({"@": "a", "4": "a", "3": "e", "0": "o", "1": "i", "$": "s", "5": "s", "7": "t"})

_PLACEHOLDER = ("a synthetic placeholder by issue 15's policy (every long literal a sequential, counting or "
                "repeated run, a marker word, or AWS's documented EXAMPLE key)")
_WEAK = ("every password a known default or weak password, or the user name again: weak rather than leaked "
         "(low by round 14's default-password policy)")
_REGEX = "a regex metacharacter inside the provider token: a regex artefact, not a well-formed credential"
_ELIDED = "a PEM body elided with '...': a documentation excerpt, no usable key material"
_BY_NAME = ("a random-looking value under a credential name: the negative label rests on the source's "
            "allow-list, not on the value being no credential")


def _fold(value: str) -> str:
    return value.lower().translate(_LEET)


def _long_literals(text: str) -> List[str]:
    out = []
    for m in _LITERAL.finditer(text):
        value = m.group(1) if m.group(1) is not None else m.group(2)
        if len(value) >= 16 and " " not in value:
            out.append(value)
    return out


def _placeholder_only(text: str) -> bool:
    values = _long_literals(text)
    return bool(values) and all("EXAMPLE" in v or _placeholder_text(v) for v in values)


def _weak_only(text: str) -> bool:
    passwords = [m.group(1) for m in _PASSWORD.finditer(text)]
    users = {m.group(1) for m in _USER.finditer(text)}
    for m in _URL_CREDS.finditer(text):
        users.add(m.group(1))
        passwords.append(m.group(2))
    return bool(passwords) and all(_fold(p) in WEAK or p in users for p in passwords)


def _disputed(text: str, cls: str, secret: bool) -> Optional[Tuple[bool, str]]:
    if secret:
        if _placeholder_only(text):
            return False, _PLACEHOLDER
        if _weak_only(text):
            return False, _WEAK
        if cls not in ("generic", "private-key", "basic-auth") and any(
                _REGEX_META.search(v) for v in _long_literals(text)):
            return False, _REGEX
        if cls == "private-key" and _PEM_ELIDED.search(text):
            return False, _ELIDED
        return None
    for line in text.splitlines():
        if not _TEMPLATE.search(line) and _randomish_named(line):
            return True, _BY_NAME
    return None


def _shape_class(text: str) -> str:
    if re.search(r"\bgh[pousr]_|github_pat_", text):
        return "github"
    if re.search(r"\b(?:AKIA|ASIA)[A-Z0-9]{16}\b", text):
        return "aws"
    if "AIza" in text:
        return "google"
    if _URL_CREDS.search(text):
        return "basic-auth"
    return "generic"


def _horusec(root: Path) -> List[Tuple[str, str, str, bool]]:
    """(key, class, text, secret) of every sampled Horusec constant."""
    out = []
    for m in _HORUSEC.finditer((root / HORUSEC_FILE).read_text(encoding="utf-8")):
        kind, family, number, text = m.group(1), m.group(2), int(m.group(3)), m.group(4)
        if family != "LEAKS" or number in HORUSEC_EXCLUDED or number not in HORUSEC_CLASSES:
            continue
        out.append((f"horusec/{kind.lower()}{number}", HORUSEC_CLASSES[number], text, kind == "Vulnerable"))
    return out


def _go_string(src: str, pos: int) -> Tuple[str, int]:
    """Evaluate a Go string expression (raw and quoted strings joined by ``+``)
    starting at ``pos``; return its value and the position after it."""
    parts = []
    while True:
        while pos < len(src) and src[pos] in " \t\r\n+":
            pos += 1
        if pos < len(src) and src[pos] == "`":
            end = src.index("`", pos + 1)
            parts.append(src[pos + 1:end])
            pos = end + 1
        elif pos < len(src) and src[pos] == '"':
            m = re.compile(r'"((?:[^"\\\n]|\\.)*)"').match(src, pos)
            if m is None:
                raise ValueError(f"unterminated Go string at {pos}")
            parts.append(json.loads(m.group(0)))
            pos = m.end()
        else:
            return "".join(parts), pos


def _gosec_excluded(text: str) -> Optional[str]:
    if _SUPPRESSION.search(text):
        return "the label rests on gosec's own suppression comment"
    return None


def _gosec(root: Path) -> List[Tuple[str, str, str, bool]]:
    """(key, class, text, secret) of every sampled gosec entry."""
    src = (root / GOSEC_FILE).read_text(encoding="utf-8")
    out = []
    for i, m in enumerate(_GOSEC_ENTRY.finditer(src)):
        text, pos = _go_string(src, m.end())
        tail = _GOSEC_TAIL.match(src, pos)
        if tail is None:
            raise ValueError(f"secrets_heldout15: gosec entry {i} has no expected count")
        if _gosec_excluded(text):
            continue
        out.append((f"gosec/g101[{i}]", _shape_class(text), text, int(tail.group(1)) > 0))
    return out


def heldout15_samples(root: Path, corpus: Path) -> List[dict]:
    """Set 15, without repeats and texts sets 1-14 hold."""
    if not (root / "SOURCES.txt").is_file():
        raise SystemExit(f"secrets_heldout15: {root}/SOURCES.txt is missing: fetch the files it lists first")
    samples, seen = [], set()
    rows = [r + ("horusec",) for r in _horusec(root / "horusec")] + [r + ("gosec",) for r in _gosec(root / "gosec")]
    for key, cls, text, secret, source in rows:
        if not text.strip() or text in seen:
            continue
        seen.add(text)
        alt = _disputed(text, cls, secret)
        samples.append(labelled_sample({key: alt} if alt else {}, key, cls, text, secret, source))
    return without_spent(samples, corpus,
                         EARLIER6 + ((6, heldout6_samples), (7, heldout7_samples), (8, heldout8_samples),
                                     (9, heldout9_samples), (10, heldout10_samples), (11, heldout11_samples),
                                     (12, heldout12_samples), (13, heldout13_samples), (14, heldout14_samples)))
