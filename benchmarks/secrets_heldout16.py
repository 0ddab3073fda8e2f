"""Held-out set 16 of issue 15 (round 16): published true and false positives
from a source no earlier set used, scored once, on the final code of round 16.

**Octarine's secret-detector** (``octarine/*_test.go``, octarinesec/secret-detector
``pkg/detectors/<detector>/*_test.go``): the detector table tests of a
scanner library (AWS key ids, secret keys and MWS keys, Azure storage keys,
basic and bearer authorization headers, URL passwords, high-entropy strings,
GitHub, JWT, Artifactory, Mailchimp, npm, private keys, SendGrid, Slack,
Square, Stripe, Twilio, and a keyword detector). Every table row is
``{"name", input, expectDetection}``: ``true`` is a **secret** (the detector
must report it, ``tests.TestScan``), ``false`` a **look-alike** (it must report
nothing). A sample is the row's input, evaluated as Go would (interpreted and
raw string literals joined by ``+``; the one call, ``generateRandomUUID()`` of
the MWS table, is a fresh random UUID in Go and a UUID drawn from the row's
key here, so every run reads the same text). Nothing is compiled or run.

Classes, by file (:data:`FILE_CLASSES`), written before any verdict:
aws (key ids, secret keys), amazon-mws, azure-storage, auth-header (basic and
bearer authorization headers), basic-auth (URL passwords), entropy (the bare
high-entropy strings), github, jwt, artifactory, mailchimp, npm, private-key,
sendgrid, slack, square, stripe, generic (the keyword table). The Twilio
table is not sampled (:data:`EXCLUDED_FILES`): its secrets are account and
API-key SIDs, identifiers, and its look-alikes test only the SID's syntax.

**Excluded** (not sampled, :func:`_excluded`): rows with an empty input;
identifiers that are not secrets (as sets 1-15 leave out account ids and
client ids): AWS IAM unique ids (``AGPA``, ``AIDA``, ``AROA``, ``AIPA``,
``ANPA``, ``ANVA``: groups, users, roles, instance profiles, managed
policies) and Twilio's account and API-key SIDs (``AC``/``SK`` + 32 hex: the
secret is the auth token or key secret, never the SID); a text sets 1-15 hold
(where their corpora are present) and a text twice in set 16 (the first kept).

**Disputed labels** (scored both ways by ``secrets.py eval``), by rule, written
before any verdict on the set was looked at (:func:`_disputed`):

- a secret that is a synthetic placeholder by issue 15's policy (set 9's
  rules: sequential, counting or repeated runs, ``xxxx``, marker words,
  jwt.io's ``John Doe`` token; a token written back to back counts once);
- a secret of a token format whose longest run of key characters (letters,
  digits, ``+/=_``, and ``/`` outside URLs; after the ``basic``/``bearer``
  scheme word for a header) is under 12 characters, or a URL password under 6:
  a minimal-length test of the format's syntax, no key material;
- a secret that is a bare high-entropy string (the entropy table): no name,
  scheme or provider prefix says it is a credential, and issue 15 lists
  hashes, ids and base64 blobs as noise;
- a secret whose every password is a known default or weak password after
  folding case and leetspeak (set 15's rule: ``p455w0rd`` is ``password``);
- a secret whose value is its own key name in leetspeak (``api_key: 4P1_K3Y``)
  or a readable name ending in a credential word (``Hardcoded_Npm_Token``): a
  key name used as a value, one of issue 15's placeholder classes;
- a JWT signed with ``alg: none`` and no signature: it authenticates nothing;
- a private key whose key material (base64 lines between the markers, a PuTTY
  file's ``Private-Lines``) is under 64 characters: no usable key;
- a look-alike that shares 20+ characters (no placeholder run, a digit and a
  letter among them) with an undisputed secret of the same table (set 11's
  rule: its label rests on the format's exact length, alphabet or case, not on
  whether it carries key material; a run of letters and punctuation only is
  the format's structure, ``registry.npmjs.org/:_authToken=``, not key material;
  of a JWT only the signature is key material, the header and claims are not);
- a look-alike with a random-looking value under a credential name (set 14's
  rule), or a UUID under a token name: a credential by name, left by the
  detector under test to others;
- a look-alike of the basic-auth table that is a ``bearer`` header with a
  token: the suite's own bearer table labels that shape a secret.

No held-out string is in this repository.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import uuid
from pathlib import Path
from typing import Dict, List, Optional, Tuple

from secrets_heldout3 import labelled_sample  # benchmarks/secrets_heldout3.py
from secrets_heldout6 import EARLIER6, heldout6_samples, without_spent  # benchmarks/secrets_heldout6.py
from secrets_heldout7 import heldout7_samples  # benchmarks/secrets_heldout7.py
from secrets_heldout8 import heldout8_samples  # benchmarks/secrets_heldout8.py
from secrets_heldout9 import _placeholder_text, _placeholder_value, heldout9_samples  # benchmarks/secrets_heldout9.py
from secrets_heldout10 import heldout10_samples  # benchmarks/secrets_heldout10.py
from secrets_heldout11 import heldout11_samples  # benchmarks/secrets_heldout11.py
from secrets_heldout12 import heldout12_samples  # benchmarks/secrets_heldout12.py
from secrets_heldout13 import heldout13_samples  # benchmarks/secrets_heldout13.py
from secrets_heldout14 import _TEMPLATE, _randomish_named, heldout14_samples  # benchmarks/secrets_heldout14.py
from secrets_heldout15 import _LEET, _weak_only, heldout15_samples  # benchmarks/secrets_heldout15.py

#: saved test file -> class
FILE_CLASSES: Dict[str, str] = {
    "aws_client_id_detector_test.go": "aws", "aws_secret_key_detector_test.go": "aws",
    "mws_key_detector_test.go": "amazon-mws", "storage_key_detector_test.go": "azure-storage",
    "basic_auth_detector_test.go": "auth-header", "bearer_auth_detector_test.go": "auth-header",
    "url_password_detector_test.go": "basic-auth", "high_entropy_string_detector_test.go": "entropy",
    "github_detector_test.go": "github", "jwt_detector_test.go": "jwt",
    "artifactory_detector_test.go": "artifactory", "mailchimp_detector_test.go": "mailchimp",
    "npm_token_detector_test.go": "npm", "private_key_detector_test.go": "private-key",
    "sendgrid_detector_test.go": "sendgrid", "slack_detector_test.go": "slack",
    "square_detector_test.go": "square", "stripe_detector_test.go": "stripe",
    "keyword_detector_test.go": "generic",
}

#: saved test files not sampled -> why
EXCLUDED_FILES: Dict[str, str] = {
    "twilio_auth_detector_test.go": ("Twilio account and API-key SIDs (AC/SK + 32 hex) only: identifiers, the secret is "
                                     "the auth token or key secret; its look-alikes test the SID's syntax"),
}

_IAM_ID = re.compile(r"^A(?:GPA|IDA|ROA|IPA|NPA|NVA)[A-Z0-9]{16}$")
_TWILIO_SID = re.compile(r"^(?:AC|SK)[0-9A-Fa-f]{32}$")

_PLACEHOLDER = "a synthetic placeholder by issue 15's policy (sequential, counting or repeated run, a marker word)"
_SHORT = "a minimal-length test of the format's syntax: the key part is too short to be key material"
_BARE = "a bare high-entropy string: no name, scheme or prefix says it is a credential (issue 15: hashes, ids, blobs are noise)"
_WEAK = "every password a known default or weak password after folding leetspeak: weak rather than leaked"
_KEY_NAME = "the value is a key name (its own name in leetspeak, or words ending in a credential word): a key name used as a value"
_UNSIGNED = "a JWT with alg none and no signature: it authenticates nothing"
_NO_KEY = "a private key with under 64 characters of key material: no usable key"
_NEAR_SECRET = "shares 20+ characters with a secret of the table: the look-alike label rests on the format's exact shape"
_BY_NAME = "a credential by name with a random-looking value (or a UUID under a token name), left by the detector under test to others"
_BEARER = "a bearer header with a token: the suite's own bearer table labels this shape a secret"

_ROW = re.compile(r"^\t\{", re.MULTILINE)
_GO_QUOTED = re.compile(r'"((?:[^"\\\n]|\\.)*)"')
_KEYCHARS = re.compile(r"[A-Za-z0-9+/=_]+")
_KEYCHARS_URL = re.compile(r"[A-Za-z0-9+=_]+")
_SCHEME = re.compile(r"(?i)\b(?:basic|bearer)\s+(\S*)")
_URL_PASSWORD = re.compile(r"://(?:[^/\s]*@)?[^:/@\s]*:([^@/\s]*)@")
_KEY_VALUE = re.compile(r"""^\s*(?:export\s+)?["']?([A-Za-z0-9_.-]+)["']?\s*(?::=|=|:)\s*["']?([^"'\s]+)["']?\s*$""")
_CRED_WORD_VALUE = re.compile(r"(?i)^[a-z]+(?:[_-][a-z]+)*[_-](?:token|key|password|secret)$")
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_TOKEN_NAME = re.compile(r"(?i)(?:token|key|secret|password)\s*[:=]")
_BEARER_SHAPE = re.compile(r"(?i)^bearer\s+[A-Za-z0-9+/=_.,~-]{2,}$")
_PEM = re.compile(r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----(.*?)-----END", re.DOTALL)
_PUTTY = re.compile(r"Private-Lines:\s*\d+\n((?:[A-Za-z0-9+/=]+\n?)+)")
_RUN = 20


class GoError(ValueError):
    """A table row whose input expression the reader cannot evaluate."""


def _fold(value: str) -> str:
    return value.lower().translate(_LEET)


def _go_expr(src: str, pos: int, key: str) -> Tuple[str, int]:
    """Evaluate the Go string expression at ``pos`` (literals joined by ``+``,
    ``generateRandomUUID()``); return its value and the position after it."""
    parts: List[str] = []
    while True:
        while pos < len(src) and src[pos] in " \t":
            pos += 1
        if src.startswith("`", pos):
            end = src.index("`", pos + 1)
            parts.append(src[pos + 1:end])
            pos = end + 1
        elif src.startswith('"', pos):
            m = _GO_QUOTED.match(src, pos)
            if m is None:
                raise GoError(f"unterminated Go string at {pos}")
            parts.append(json.loads(m.group(0)))
            pos = m.end()
        elif src.startswith("generateRandomUUID()", pos):
            digest = hashlib.sha256(key.encode("utf-8")).digest()
            parts.append(str(uuid.UUID(bytes=digest[:16])))
            pos += len("generateRandomUUID()")
        else:
            raise GoError(f"unexpected Go syntax at {pos}: {src[pos:pos + 20]!r}")
        while pos < len(src) and src[pos] in " \t":
            pos += 1
        if src.startswith("+", pos):
            pos += 1
            continue
        return "".join(parts), pos


def _rows(path: Path) -> List[Tuple[str, str, bool]]:
    """(name, input, expectDetection) of every row of the file's test-case table."""
    src = path.read_text(encoding="utf-8")
    start = src.index("[]tests.TestCase{")
    end = src.index("\n}\n", start)
    out = []
    for m in _ROW.finditer(src, start, end):
        name, pos = _go_expr(src, m.end(), "")
        pos = src.index(",", pos) + 1
        text, pos = _go_expr(src, pos, f"{path.name}/{name}")
        tail = re.compile(r"\s*,\s*(true|false)\s*\}").match(src, pos)
        if tail is None:
            raise GoError(f"{path.name}: row {name!r} has no expectation")
        out.append((name, text, tail.group(1) == "true"))
    return out


def _excluded(text: str) -> Optional[str]:
    if not text.strip():
        return "an empty input"
    if _IAM_ID.match(text):
        return "an AWS IAM unique id (user, group, role, policy, instance profile): an identifier"
    if _TWILIO_SID.match(text):
        return "a Twilio account or API-key SID: an identifier (the secret is the auth token or key secret)"
    return None


def _longest_key_run(text: str, cls: str) -> int:
    if cls == "auth-header":
        m = _SCHEME.search(text)
        text = m.group(1) if m else text
    chars = _KEYCHARS_URL if "://" in text else _KEYCHARS
    return max((len(r) for r in chars.findall(text)), default=0)


def _key_name_value(text: str) -> bool:
    m = _KEY_VALUE.match(text)
    if m is None:
        return False
    name, value = m.group(1), m.group(2)
    folded = _fold(value)
    return folded == name.lower() or bool(_CRED_WORD_VALUE.match(folded))


def _unsigned_jwt(text: str) -> bool:
    parts = text.split(".")
    if len(parts) != 2 or not parts[0].startswith("eyJ"):
        return False
    try:
        header = base64.urlsafe_b64decode(parts[0] + "=" * (-len(parts[0]) % 4))
    except ValueError:
        return False
    return b'"none"' in header


def _key_material(text: str) -> Optional[int]:
    blocks = [m.group(1) for m in _PEM.finditer(text)] + [m.group(1) for m in _PUTTY.finditer(text)]
    if not blocks:
        return None
    return sum(len(re.sub(r"[^A-Za-z0-9+/=]", "", b)) for b in blocks)


def _disputed(text: str, cls: str, secret: bool, secrets: List[str], table: str) -> Optional[Tuple[bool, str]]:
    if secret:
        if _placeholder_text(re.sub(r"(.{20,}?)\1+", r"\1", text, flags=re.DOTALL)):
            return False, _PLACEHOLDER
        if cls == "basic-auth":
            m = _URL_PASSWORD.search(text)
            if m and len(m.group(1)) < 6:
                return False, _SHORT
        elif cls not in ("generic", "private-key", "entropy", "jwt") and _longest_key_run(text, cls) < 12:
            return False, _SHORT
        if cls == "entropy":
            return False, _BARE
        if cls in ("generic", "basic-auth") and _weak_only(text):
            return False, _WEAK
        if _key_name_value(text) or (cls == "npm" and _key_name_value(text.rsplit(":", 1)[-1])):
            return False, _KEY_NAME
        if cls == "jwt" and _unsigned_jwt(text):
            return False, _UNSIGNED
        if cls == "private-key":
            material = _key_material(text)
            if material is not None and material < 64:
                return False, _NO_KEY
        return None
    for value in secrets:
        for i in range(0, max(len(value) - _RUN + 1, 0)):
            run = value[i:i + _RUN]
            if (run in text and not _placeholder_value(run) and any(c.isdigit() for c in run)
                    and any(c.isalpha() for c in run)):
                return True, _NEAR_SECRET
    if not _TEMPLATE.search(text) and (_randomish_named(text) or (_TOKEN_NAME.search(text) and _UUID.search(text))):
        return True, _BY_NAME
    if table == "basic_auth_detector_test.go" and _BEARER_SHAPE.match(text):
        return True, _BEARER
    return None


_VALUE = re.compile(r"[A-Za-z0-9_+/=.-]{20,}")


def _octarine(root: Path) -> List[dict]:
    out = []
    for path in sorted(root.glob("*_test.go")):
        cls = FILE_CLASSES.get(path.name)
        if cls is None:
            continue
        rows = [(name, text, secret) for name, text, secret in _rows(path) if _excluded(text) is None]
        secrets = sorted({v for _, text, secret in rows if secret and _disputed(text, cls, True, [], path.name) is None
                          for v in _VALUE.findall(text.rsplit(".", 1)[-1] if cls == "jwt" else text)})
        for name, text, secret in rows:
            key = f"octarine/{path.name.replace('_test.go', '')} {name.strip()}"
            alt = _disputed(text, cls, secret, secrets, path.name)
            out.append(labelled_sample({key: alt} if alt else {}, key, cls, text, secret, "octarine"))
    return out


def heldout16_samples(root: Path, corpus: Path) -> List[dict]:
    """Set 16, without texts sets 1-15 hold and repeats."""
    if not (root / "SOURCES.txt").is_file():
        raise SystemExit(f"secrets_heldout16: {root}/SOURCES.txt is missing: fetch the files it lists first")
    return without_spent(_octarine(root / "octarine"), corpus,
                         EARLIER6 + ((6, heldout6_samples), (7, heldout7_samples), (8, heldout8_samples),
                                     (9, heldout9_samples), (10, heldout10_samples), (11, heldout11_samples),
                                     (12, heldout12_samples), (13, heldout13_samples), (14, heldout14_samples),
                                     (15, heldout15_samples)))
