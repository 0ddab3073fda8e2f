"""Held-out set 14 of issue 15 (round 14): published true and false positives
from a source no earlier set used, scored once, on the final code of round 14.

**LeakTK** (``benchmarks/.corpus/secrets-heldout14/leaktk/``): the pattern
tests of Red Hat's LeakTK (leaktk/patterns, ``tests/gitleaks/7.6.1/
test_gitleaks.py``), a scanner's own rule tests with both kinds: every entry of
``SHOULD_MATCH`` must be reported by its rule, every entry of
``SHOULD_NOT_MATCH`` must give nothing. The file is read with :mod:`ast`
(``ast.literal_eval`` of the two lists; nothing is imported or executed).
A sample is an entry's ``example`` text.

Classes: by the ``description`` (the rule) of a true positive: GitHub tokens
-> github, AWS keys -> aws, Google API key -> google, PyPI -> pypi, SendGrid ->
sendgrid, a password in a URL -> basic-auth, PEM private keys ->
private-key, the general / unquoted secret, WordPress ``define`` and container
registry rules -> generic. A look-alike takes the class of the shape it
imitates (:func:`_lookalike_class`): a PEM header -> private-key, a GitHub
prefix -> github, ``AIza`` -> google, ``xox?-`` -> slack, a URL with ``@``
-> basic-auth, ``aws``/``arn:`` -> aws, else generic.

**Excluded** (not sampled, with the reason: :func:`_excluded`):

- ``SHOULD_MATCH`` entries whose example is not a text but a sentence
  ("example comes from one of … above": a second rule's capture of an
  earlier example);
- entries whose label rests on their file path (a ``filename`` other than
  ``settings.py``: htpasswd files, ``azure-cli/test``, ``.secrets.baseline``,
  quickstarts, ``site-packages``, OpenSSL test PEMs): the eval writes every
  sample to ``sample.py`` / ``config.yaml``, so the path's meaning is lost;
- htpasswd hashes (``$apr1$…`` lines under the "Htpasswd Files" rule): a
  password hash, a class mlwarden does not claim;
- the Mailgun rule's positive: a provider mlwarden does not claim (its
  negative, a ``key-`` value under an unrelated name, stays a look-alike);
- entries whose label rests on another tool's inline suppression comment
  (``# nosec``, ``#nosec``, ``//nolint:gosec``, ``gitleaks:allow``):
  mlwarden's own suppression is ``# pragma: allowlist secret``.

Rows dropped before scoring, by written rules: a text twice in the set (the
first kept); a text sets 1-13 hold (where their corpora are present). No cap
per value: LeakTK repeats a placeholder in several template syntaxes, and each
syntax is what its row tests.

Disputed labels (scored both ways by ``secrets.py eval``), written, with the
classes and exclusions, before any verdict on the set was looked at:

- a secret whose value is GitHub's documented example token body
  (``…16C7e42F292c6912E7710c838347Ae178B4a``, the blog post the rows cite)
  under any prefix: a vendor's documented example (issue 15);
- a secret that is a synthetic placeholder by issue 15's policy (set 9's
  rules: sequential, counting or repeated runs, ``xxxx``, the marker words);
- a private-key secret that is a PEM header line alone (no key material);
- a secret the source's own rule calls a guess by shape ("Potential AWS
  Secret Key": a bare 40-character base64 value under an unrelated name,
  with no provider prefix, key id or credential name);
- a look-alike that assigns, after a credential name (``secret``,
  ``passw``, ``passwd``, ``pwd``, ``token``, ``key``), a random-looking
  value: a run of 20+ characters of letters, digits and ``+/=_$#@&%.-`` with
  3+ digits, no word-like part (4+ letters holding a vowel), a Shannon entropy of at least 3.5
  bits per character, no template syntax (``${``, ``$(``, ``{{``, ``{NAME}``,
  ``%NAME%``, ``[%``, ``<NAME>``) and not a placeholder by set 9's rules: its
  label rests on the source's allow-list (a prefix word, a UUID shape), not
  on the value being no credential.

No held-out string is in this repository.
"""

from __future__ import annotations

import ast
import math
import re
from collections import Counter
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

#: the saved test module
TEST_FILE = "test_gitleaks_7.6.1.py"

#: a true positive's rule (``description``) -> class; a rule not listed is excluded
CLASSES14: Dict[str, str] = {
    "General Secret": "generic",
    "Unquoted Secret": "generic",
    "WP-Config": "generic",
    "Container Registry Authentication": "generic",
    "Google API Key": "google",
    "AWS Access Key": "aws",
    "AWS Secret Key": "aws",
    "Potential AWS Secret Key": "aws",
    "Asymmetric Private Key": "private-key",
    "GitHub personal access token": "github",
    "GitHub oauth access token": "github",
    "GitHub user-to-server token": "github",
    "GitHub server-to-server token": "github",
    "GitHub refresh token": "github",
    "PyPI Upload Token": "pypi",
    "HTTP Basic Auth Password": "basic-auth",
    "Basic Auth Password": "basic-auth",
    "SendGrid API Key": "sendgrid",
}

#: rules whose positives are not sampled -> why
EXCLUDED_RULES14: Dict[str, str] = {
    "Htpasswd Files": "an htpasswd hash: a password hash, a class mlwarden does not claim",
    "Mailgun API Key": "Mailgun: a provider mlwarden does not claim",
}

_NOT_A_TEXT = re.compile(r"^example comes from\b")
_SUPPRESSION = re.compile(r"#\s*nosec\b|//\s*nolint\b|gitleaks:allow")
_KEPT_FILENAMES = ("settings.py",)

_GITHUB_DOC = "16C7e42F292c6912E7710c838347Ae178B4a"
_PEM_HEADER_ONLY = re.compile(r"\s*-----BEGIN [A-Z ]*PRIVATE KEY(?: BLOCK)?-----\s*")
_CRED_NAME = re.compile(r"(?i)secret|passw|passwd|pwd|token|key")
_RANDOMISH = re.compile(r"[A-Za-z0-9+/=_$#@&%.-]{20,}")
_WORDLIKE = re.compile(r"(?i)(?=[a-z]*[aeiou])[a-z]{4,}")
_TEMPLATE = re.compile(r"\$\{|\$\(|\{\{|\{[A-Z0-9_]+\}|%[A-Z0-9_]+%|\[%|<[A-Z0-9_]+>")

_VENDOR_DOC = "GitHub's documented example token (the blog post the row cites): a vendor's published example"
_PLACEHOLDER = "a synthetic placeholder by issue 15's policy (sequential, counting or repeated run, a marker word)"
_HEADER_ONLY = "a PEM private-key header alone: no key material"
_GUESS = "the source's own rule calls it a guess by shape (a bare base64 value under an unrelated name)"
_BY_NAME = ("a random-looking value under a credential name: the negative label rests on the source's "
            "allow-list (a prefix word, a UUID shape), not on the value being no credential")


def _entropy(text: str) -> float:
    counts = Counter(text)
    return -sum(c / len(text) * math.log2(c / len(text)) for c in counts.values())


def _randomish_named(text: str) -> bool:
    """A run of 20+ token characters after a credential name, with 3+ digits, no
    word-like part (4+ letters holding a vowel), 3.5+ bits a character, not a placeholder."""
    for m in _RANDOMISH.finditer(text):
        run = m.group(0)
        if (_CRED_NAME.search(text[:m.start()]) and sum(c.isdigit() for c in run) >= 3
                and not _WORDLIKE.search(run) and _entropy(run) >= 3.5
                and not _placeholder_text(run)):
            return True
    return False


def _lookalike_class(text: str) -> str:
    if "-----BEGIN" in text:
        return "private-key"
    if re.search(r"\bgh[pousr]_", text):
        return "github"
    if "AIza" in text:
        return "google"
    if re.search(r"\bxox[abposr]-", text):
        return "slack"
    if re.search(r"://[^\s/]*@", text):
        return "basic-auth"
    if re.search(r"(?i)\baws|arn:aws", text):
        return "aws"
    return "generic"


def _excluded(entry: dict, secret: bool) -> Optional[str]:
    """Why an entry is not sampled (see the module docstring), or None."""
    example = entry.get("example", "")
    if secret and _NOT_A_TEXT.match(example):
        return "not a text: a second rule's capture of an earlier example"
    filename = entry.get("filename")
    if filename and not filename.endswith(_KEPT_FILENAMES):
        return f"the label rests on the file path ({filename})"
    if secret and entry.get("description") in EXCLUDED_RULES14:
        return EXCLUDED_RULES14[entry["description"]]
    if secret and entry.get("description") not in CLASSES14:
        return "a rule this set does not map to a class"
    if _SUPPRESSION.search(example):
        return "the label rests on another tool's inline suppression comment"
    return None


def _disputed(entry: dict, text: str, secret: bool) -> Optional[Tuple[bool, str]]:
    if secret:
        if _GITHUB_DOC in text:
            return False, _VENDOR_DOC
        if entry.get("description", "").startswith("Potential "):
            return False, _GUESS
        if _PEM_HEADER_ONLY.fullmatch(text):
            return False, _HEADER_ONLY
        if _placeholder_text(text):
            return False, _PLACEHOLDER
        return None
    if not _TEMPLATE.search(text) and _randomish_named(text):
        return True, _BY_NAME
    return None


def _tables(path: Path) -> Tuple[List[dict], List[dict]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: Dict[str, List[dict]] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            if node.targets[0].id in ("SHOULD_MATCH", "SHOULD_NOT_MATCH"):
                found[node.targets[0].id] = ast.literal_eval(node.value)
    return found.get("SHOULD_MATCH", []), found.get("SHOULD_NOT_MATCH", [])


def _leaktk(root: Path) -> List[Tuple[str, str, str, bool, dict]]:
    """(key, class, text, secret, entry) of every sampled entry, positives first."""
    match, nomatch = _tables(root / TEST_FILE)
    out = []
    for label, rows, secret in (("match", match, True), ("nomatch", nomatch, False)):
        for i, entry in enumerate(rows):
            if _excluded(entry, secret):
                continue
            text = entry["example"]
            cls = CLASSES14[entry["description"]] if secret else _lookalike_class(text)
            out.append((f"leaktk/{label}[{i}]", cls, text, secret, entry))
    return out


def heldout14_samples(root: Path, corpus: Path) -> List[dict]:
    """Set 14, without repeats and texts sets 1-13 hold."""
    if not (root / "SOURCES.txt").is_file():
        raise SystemExit(f"secrets_heldout14: {root}/SOURCES.txt is missing: fetch the files it lists first")
    samples, seen = [], set()
    for key, cls, text, secret, entry in _leaktk(root / "leaktk"):
        if not text.strip() or text in seen:
            continue
        seen.add(text)
        alt = _disputed(entry, text, secret)
        samples.append(labelled_sample({key: alt} if alt else {}, key, cls, text, secret, "leaktk"))
    return without_spent(samples, corpus,
                         EARLIER6 + ((6, heldout6_samples), (7, heldout7_samples), (8, heldout8_samples),
                                     (9, heldout9_samples), (10, heldout10_samples), (11, heldout11_samples),
                                     (12, heldout12_samples), (13, heldout13_samples)))
