"""Held-out set 9 of issue 15 (round 9): published true and false positives
from two sources no earlier set used, scored once, on the final code of round 9.

- **Titus** (``benchmarks/.corpus/secrets-heldout9/titus/``):
  praetorian-inc/titus's rule files (``pkg/rule/rules/*.yml``) for providers
  mlwarden's explain pages claim. As in Nosey Parker's files (set 1), a rule's
  ``examples`` are **secrets** and its ``negative_examples`` are
  **look-alikes**; the class is the rule's (:data:`TITUS9`; ``None`` = an
  identifier or host rule, not counted). A negative example of one rule that
  another counted rule of the set lists as an example is a secret (a negative
  says "this rule must not match", not "nothing here").
- **ripsecrets** (``benchmarks/.corpus/secrets-heldout9/ripsecrets/test/``):
  sirwart/ripsecrets's test inputs. ``one_per_line/<name>``: each non-blank
  line is one secret; ``one_per_file/<name>`` and ``one/<name>``: the file is
  one secret; ``none``: each non-blank line is one look-alike (the test asserts
  that nothing in it is found). Classes by file (:data:`RIPSECRETS9`), for
  ``azure`` and ``none`` by line (:func:`_line_class`). ``age`` and
  ``intra42`` (formats mlwarden does not claim) were not fetched.

Classes and disputed-label rules were written, and this reader committed,
before any verdict on the set was looked at.

Disputed labels (scored both ways by ``secrets.py eval``), by rule:

- a secret whose value is a synthetic placeholder by issue 15's policy: a
  run of 8+ ascending characters of ``0123456789`` or the alphabet (any case),
  digits and letters counting up in alternation for 8+ characters
  (``1a2b3c4d``, ``a1b2c3d4``), a run of 16+ of one character, ``xxxx``, the
  marker words inside a token of 16+ characters (``fake`` in any case and
  anywhere; ``TEST``/``Test``/``EXAMPLE``/``Example`` anywhere; lower-case
  ``test``/``example`` not after a letter, so ``latest`` is none), a value made of one
  unit repeated in whole copies, the word ``password`` as the password of a
  URL, or jwt.io's documented ``John Doe`` token (its payload names him);
- a look-alike whose text names a credential (a name ending ``key``,
  ``secret``, ``token`` or ``password``) and gives it a value of 20+ letters
  and digits that is no placeholder: a credential by name that the rule under
  test leaves to other rules;
- a look-alike that another counted rule of the same Titus file matches (its
  published ``pattern``, compiled with Python's ``re``): "this rule must not
  match" says nothing about the other rule's finding;
- a look-alike that the source ignores only by its own configuration (a line
  saying it is listed in ``.secretsignore``): the value itself is a password.

A text sets 1-8 hold is dropped, and so is a text twice in set 9 (the first
kept). No held-out string is in this repository.
"""

from __future__ import annotations

import base64
import re
from pathlib import Path
from typing import Dict, List, Optional, Tuple

from secrets_heldout3 import labelled_sample  # benchmarks/secrets_heldout3.py
from secrets_heldout6 import EARLIER6, heldout6_samples, without_spent  # benchmarks/secrets_heldout6.py
from secrets_heldout7 import heldout7_samples  # benchmarks/secrets_heldout7.py
from secrets_heldout8 import _sequential, heldout8_samples  # benchmarks/secrets_heldout8.py

#: Titus rule id -> class; ``None`` = not counted (identifiers, hosts, a
#: format set 1 left out)
TITUS9: Dict[str, Optional[str]] = {
    "np.azure.1": "azure-storage", "np.azure.2": None, "np.azure.3": "generic", "np.azure.4": "azure-annotated",
    "np.azure.5": "generic", "np.azure.7": "azure-ad", "np.azure.8": "azure-ad", "np.azure.9": None,
    "kingfisher.azureopenai.1": "generic", "kingfisher.azureopenai.2": "azure-annotated",
    "kingfisher.azureopenai.host.1": None,
    "kingfisher.cohere.1": "cohere", "kingfisher.deepseek.1": "sk-generic", "kingfisher.replicate.1": "replicate",
    "np.openai.1": "openai", "kingfisher.nvidia.nim.1": "nvidia", "kingfisher.perplexity.1": "perplexity",
    "kingfisher.openrouter.1": "openrouter", "kingfisher.credentials.1": "basic-auth",
    "np.gitlab.1": "gitlab", "np.gitlab.2": "gitlab", "np.gitlab.3": "gitlab", "np.gitlab.4": "gitlab",
    "kingfisher.discord.1": "discord", "kingfisher.discord.2": "discord", "kingfisher.discord.3": None,
    "np.slack.2": "slack", "np.slack.3": "slack", "np.slack.4": "slack", "np.slack.5": "slack",
    "np.slack.6": "slack", "np.slack.7": "slack", "np.slack.8": "slack",
}

#: ripsecrets test file (under ``test/``) -> class (``None``: by line)
RIPSECRETS9: Dict[str, Optional[str]] = {
    "one_per_line/random": "generic", "one_per_line/aws": "aws", "one_per_line/github": "github",
    "one_per_line/jwt": "jwt", "one_per_line/url": "basic-auth", "one_per_line/azure": None,
    "one_per_line/gcp": "google", "one_per_line/gitlab": "gitlab", "one_per_line/npm": "npm",
    "one_per_line/slack": "slack", "one_per_line/stripe": "stripe", "one_per_line/twilio": "twilio",
    "one_per_line/sendgrid": "sendgrid", "one_per_line/square": "square", "one_per_line/mailchimp": "mailchimp",
    "one_per_line/maven": "generic", "one_per_file/aws_json": "aws", "one_per_file/pem_key.crlf": "private-key",
    "one/private_key": "private-key", "none": None,
}

_PLACEHOLDER = "a synthetic placeholder by issue 15's policy (sequential, counting or repeated run, a marker word, a documented example)"
_BY_NAME = "a credential by name with a random-looking value, left by the rule under test to other rules"
_OTHER_RULE = "another counted rule of the same file matches it: the negative only says this rule must not"
_IGNORED = "ignored only by the source's own .secretsignore: the value is a password"

_MARKERS = re.compile(r"(\S)\1{15,}|[xX]{4}|fake|FAKE|Fake|TEST|Test|EXAMPLE|Example|(?<![A-Za-z])(?:test|example)")
_URL_PASSWORD = re.compile(r"://[^:/@\s]+:password@", re.IGNORECASE)
_NAMED = re.compile(r"""(?i)(?:key|secret|token|password)["']?\s*[:=]\s*["']?([A-Za-z0-9+/]{20,})""")
_TOKENISH = re.compile(r"[A-Za-z0-9+/=_.~-]{16,}")


def _counting(text: str, run: int = 8) -> bool:
    """Digits and letters counting up in alternation (``1a2b3c4d``, ``a1b2c3d4``)."""
    low = text.lower()
    for i in range(len(low) - run + 1):
        chunk = low[i:i + run]
        evens, odds = chunk[0::2], chunk[1::2]
        if all(_sequential_str(part) for part in (evens, odds)) and \
                ({evens.isdigit(), odds.isdigit()} == {True, False}) and (evens + odds).isalnum():
            return True
    return False


def _sequential_str(part: str) -> bool:
    return len(part) >= 2 and all(ord(b) - ord(a) == 1 for a, b in zip(part, part[1:]))


def _repeated_unit(value: str) -> bool:
    n = len(value)
    return n >= 16 and any(n % k == 0 and value == value[:k] * (n // k) for k in range(1, n // 2 + 1))


def _john_doe(text: str) -> bool:
    for segment in re.findall(r"eyJ[A-Za-z0-9_-]{10,}", text):
        try:
            if b"John Doe" in base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)):
                return True
        except ValueError:
            continue
    return False


def _placeholder_value(value: str) -> bool:
    return bool(_sequential(value) or _counting(value) or _MARKERS.search(value) or _repeated_unit(value))


def _placeholder_text(text: str) -> bool:
    if _URL_PASSWORD.search(text) or _john_doe(text):
        return True
    return any(_placeholder_value(token) for token in _TOKENISH.findall(text))


def _disputed(text: str, secret: bool, others: List["re.Pattern[str]"]) -> Optional[Tuple[bool, str]]:
    if secret:
        return (False, _PLACEHOLDER) if _placeholder_text(text) else None
    if ".secretsignore" in text:
        return True, _IGNORED
    if any(p.search(text) for p in others):
        return True, _OTHER_RULE
    for named in _NAMED.finditer(text):
        if not _placeholder_value(named.group(1)):
            return True, _BY_NAME
    return None


def _compile(pattern: object) -> Optional["re.Pattern[str]"]:
    if not isinstance(pattern, str):
        return None
    try:
        return re.compile(pattern)
    except re.error:
        return None


def _titus(root: Path) -> List[dict]:
    import yaml

    rules = []
    for path in sorted(root.glob("*.yml")):
        for rule in yaml.safe_load(path.read_text(encoding="utf-8"))["rules"]:
            rules.append((path.name, rule))
    counted = [(f, r) for f, r in rules if TITUS9.get(r["id"])]
    listed = {str(e) for _, r in counted for e in r.get("examples") or ()}
    out = []
    for fname, rule in counted:
        cls = TITUS9[rule["id"]]
        others = [p for f, r in counted if f == fname and r["id"] != rule["id"]
                  for p in [_compile(r.get("pattern"))] if p is not None]
        for field, secret in (("examples", True), ("negative_examples", False)):
            for n, text in enumerate(rule.get(field) or ()):
                text = str(text)
                key = f"titus/{fname} {rule['id']} {field}[{n}]"
                label = secret or text in listed
                alt = _disputed(text, label, others if not label else [])
                out.append(labelled_sample({key: alt} if alt else {}, key, cls, text, label, "titus"))
    return out


def _line_class(name: str, line: str) -> str:
    if name == "one_per_line/azure":
        return "azure-storage" if "AccountKey=" in line else "azure-ad"
    if "PRIVATE KEY" in line:
        return "private-key"
    if "sk_live_" in line:
        return "stripe"
    if re.search(r"://[^/\s]*@", line):
        return "basic-auth"
    return "generic"


def _ripsecrets(root: Path) -> List[dict]:
    out = []
    for name, cls in RIPSECRETS9.items():
        text = (root / name).read_text(encoding="utf-8")
        secret = name != "none"
        if name.startswith("one_per_line/") or name == "none":
            items = [(f"line[{n}]", line) for n, line in enumerate(text.splitlines(), 1) if line.strip()]
        else:
            items = [("file", text)]
        for where, sample in items:
            key = f"ripsecrets/{name} {where}"
            alt = _disputed(sample, secret, [])
            out.append(labelled_sample({key: alt} if alt else {}, key, cls or _line_class(name, sample), sample,
                                       secret, "ripsecrets"))
    return out


def heldout9_samples(root: Path, corpus: Path) -> List[dict]:
    """Set 9, without texts sets 1-8 hold and repeats."""
    if not (root / "SOURCES.txt").is_file():
        raise SystemExit(f"secrets_heldout9: {root}/SOURCES.txt is missing: fetch the files it lists first")
    samples = _titus(root / "titus") + _ripsecrets(root / "ripsecrets" / "test")
    return without_spent(samples, corpus, EARLIER6 + ((6, heldout6_samples), (7, heldout7_samples),
                                                      (8, heldout8_samples)))
