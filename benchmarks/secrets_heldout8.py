"""Held-out set 8 of issue 15 (round 8): published true and false positives
from a source no earlier set used, scored once, on the final code of round 8.

- **TruffleHog** (``benchmarks/.corpus/secrets-heldout8/trufflehog/``):
  trufflesecurity/trufflehog's detector tests for providers mlwarden's explain
  pages claim (OpenAI, Anthropic, LangSmith, GitLab, GitHub, AWS access and
  session keys, Azure Entra client secrets, Slack, Twilio, Discord webhooks,
  private keys). Only the *tables* of those files count:

  1. ``Test*_Pattern`` tables (``name``, ``input``, ``want``): the input is
     one sample, a **secret** when ``want`` lists a result, a **look-alike**
     when it is ``nil`` or empty;
  2. ``Test_FindClientSecretMatches`` tables (``Input``, ``Expected``): a
     secret when ``Expected`` holds a value, a look-alike when ``nil``;
  3. ``Test_isKnownNonSensitiveCommonPrefix`` (``matchPrefix``,
     ``isKnownPrefix``): a look-alike when the prefix is a known
     non-sensitive one (``true``), a secret when not.

  Single assertions outside a table (OpenAI's admin-key test, AWS's canary
  and allow-list tests, the encrypted private key test, npm registry pairs)
  are not samples. The inputs are Go expressions of string literals (raw and
  interpreted), package variables, ``+`` and ``fmt.Sprintf`` with ``%s``; the
  reader evaluates them without Go.

Classes (written before the set was scored), by file: :data:`FILES8`.

Disputed labels (scored both ways by ``secrets.py eval``), by rule, not by
sample:

- a secret whose value is a synthetic placeholder by issue 15's policy: a
  run of 8+ ascending characters of ``0123456789`` or the alphabet (any
  case: ``1234567890``, ``klmnopqr``), a run of 16+ of one character other
  than a blank, ``xxxx``,
  or the word ``fake`` inside a value;
- a secret that is a 40-hex commit pin after ``@`` (``owner/action@<sha>``):
  a git commit id, not a credential;
- a look-alike whose text names a credential (a name ending ``key``,
  ``secret``, ``token`` or ``password``, not ``public…``) and gives it a value
  of 20+ letters and digits that is no placeholder (no run as above, not one
  unit of 12 or fewer characters repeated): a credential by name that the
  detector under test leaves to other detectors;
- a look-alike PEM block whose base64 key material is whole and only the
  armor line is damaged (``-----BEGIN?RSA?PRIVATE?KEY-----``): the key itself
  is usable.

A text sets 1-7 hold is dropped, and so is a text twice in set 8 (the first
kept). No held-out string is in this repository.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Dict, List, Optional, Tuple

from secrets_heldout3 import labelled_sample  # benchmarks/secrets_heldout3.py
from secrets_heldout6 import EARLIER6, heldout6_samples, without_spent  # benchmarks/secrets_heldout6.py
from secrets_heldout7 import heldout7_samples  # benchmarks/secrets_heldout7.py

#: kept test file -> class of its samples
FILES8: Dict[str, str] = {
    "openai_test.go": "openai", "anthropic_test.go": "anthropic", "langsmith_test.go": "langsmith",
    "gitlab_v3_test.go": "gitlab", "github_v1_test.go": "github", "accesskey_test.go": "aws",
    "sessionkeys_test.go": "aws", "spv1_test.go": "azure-ad", "spv2_test.go": "azure-ad", "slack_test.go": "slack",
    "twilio_test.go": "twilio", "discordwebhook_test.go": "discord", "privatekey_test.go": "private-key",
}

_PLACEHOLDER = "a synthetic placeholder by issue 15's policy (sequential or repeated run, `xxxx`, `fake`)"
_COMMIT = "a 40-hex commit pin after `@` (a git commit id, not a credential)"
_BY_NAME = "a credential by name with a random-looking value, left by the detector under test to other detectors"
_ARMOR = "a whole private key whose armor line is damaged: the key material is usable"

_ALPHABETS = ("0123456789", "abcdefghijklmnopqrstuvwxyz")
_REPEATED = re.compile(r"(\S)\1{15,}|xxxx|fake", re.IGNORECASE)
_COMMIT_PIN = re.compile(r"[\w.-]+@[0-9a-f]{40}\b")
_NAMED = re.compile(r"""(?i)(?<!public)(?:key|secret|token|password)["']?\s*[:=]\s*["']?([A-Za-z0-9+/]{20,})""")
_PEM_DAMAGED = re.compile(r"-----BEGIN[^-\n]*[?][^-\n]*-----\n(?:[A-Za-z0-9+/=]{40,}\n){3,}")


def _sequential(text: str, run: int = 8) -> bool:
    low = text.lower()
    for alphabet in _ALPHABETS:
        for start in range(len(alphabet) - run + 1):
            if alphabet[start:start + run] in low:
                return True
    return False


def _placeholder(value: str) -> bool:
    if _sequential(value) or _REPEATED.search(value):
        return True
    return any(value == (value[:n] * (len(value) // n + 1))[:len(value)] for n in range(1, 13) if len(value) >= 2 * n)


def _disputed(text: str, secret: bool) -> Optional[Tuple[bool, str]]:
    if secret and (_sequential(text) or _REPEATED.search(text)):
        return False, _PLACEHOLDER
    if secret and _COMMIT_PIN.fullmatch(text.strip()):
        return False, _COMMIT
    if not secret:
        if _PEM_DAMAGED.search(text):
            return True, _ARMOR
        for named in _NAMED.finditer(text):
            if not _placeholder(named.group(1)):
                return True, _BY_NAME
    return None


# --------------------------------------------------------------------------- Go

_TOKEN = re.compile(r"\s+|//[^\n]*|`[^`]*`|\"(?:\\.|[^\"\\])*\"|[A-Za-z_][\w.]*|\d+|[(){}\[\],+:]|.")
_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\", "'": "'", "r": "\r"}


def _go_string(token: str) -> str:
    if token.startswith("`"):
        return token[1:-1]
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), "\\" + m.group(1)), token[1:-1])


class _Go:
    """Reads the sample expressions of a test file (a small subset of Go)."""

    def __init__(self, source: str) -> None:
        self.t = [t for t in _TOKEN.findall(source) if t.strip() and not t.startswith("//")]
        self.i = 0
        self.env: Dict[str, str] = {}

    def peek(self, k: int = 0) -> str:
        return self.t[self.i + k] if self.i + k < len(self.t) else ""

    def take(self, expected: Optional[str] = None) -> str:
        token = self.peek()
        if expected is not None and token != expected:
            raise ValueError(f"expected {expected!r}, got {token!r} at token {self.i}")
        self.i += 1
        return token

    def expr(self) -> str:
        value = self.term()
        while self.peek() == "+":
            self.take()
            value += self.term()
        return value

    def term(self) -> str:
        token = self.take()
        if token.startswith(("`", '"')):
            return _go_string(token)
        if token == "fmt.Sprintf":
            self.take("(")
            args = [self.expr()]
            while self.peek() == ",":
                self.take()
                if self.peek() == ")":
                    break
                args.append(self.expr())
            self.take(")")
            rest = iter(args[1:])
            return re.sub(r"%[sdq]", lambda m: next(rest), args[0])
        if token in self.env:
            return self.env[token]
        raise ValueError(f"cannot read {token!r}")

    def label(self) -> bool:
        """After ``want:``/``Expected:``: whether the value lists a result
        (``nil``, ``[]string{}`` and an empty map literal list none)."""
        if self.peek() == "nil":
            self.take()
            return False
        while self.peek() not in ("{", ""):
            if self.take() == "struct":  # the type: []string, map[string]struct{}
                self.take("{")
                self.take("}")
        self.take("{")
        items, depth = self.peek() != "}", 1
        while depth and self.i < len(self.t):
            token = self.take()
            depth += token == "{"
            depth -= token == "}"
        return items

    def variables(self) -> None:
        """Package-level ``name = <string expression>`` declarations (``var``)."""
        k = 0
        while k + 2 < len(self.t):
            if re.fullmatch(r"[A-Za-z_]\w*", self.t[k]) and self.t[k + 1] == "=" \
                    and (self.t[k + 2].startswith(("`", '"')) or self.t[k + 2] == "fmt.Sprintf"):
                self.i = k + 2
                try:
                    self.env[self.t[k]] = self.expr()
                except (ValueError, StopIteration):
                    pass
                k = max(self.i, k + 1)
                continue
            k += 1


def _tables(source: str) -> List[Tuple[str, str, bool]]:
    """(case name, input text, secret) of every table row the module docstring counts."""
    go = _Go(source)
    go.variables()
    rows: List[Tuple[str, str, bool]] = []
    funcs = [(m.start(), m.group(1)) for m in re.finditer(r"^func (\w+)\(", source, re.MULTILINE)]
    for n, (start, name) in enumerate(funcs):
        end = funcs[n + 1][0] if n + 1 < len(funcs) else len(source)
        if not (name.endswith("_Pattern") or name in ("Test_FindClientSecretMatches", "Test_isKnownNonSensitiveCommonPrefix")):
            continue
        body = _Go(source[start:end])
        body.env = go.env
        case = ""
        text: Optional[str] = None
        while body.i < len(body.t):
            token = body.take()
            if token == "name" and body.peek() == ":" and body.peek(1).startswith('"'):
                body.take()
                case = _go_string(body.take())
            elif token.startswith('"') and body.peek() == ":" and body.peek(1) == "{" and name == "Test_FindClientSecretMatches":
                case = _go_string(token)
            elif token in ("input", "Input", "matchPrefix") and body.peek() == ":":
                body.take()
                text = body.expr()
            elif token in ("want", "Expected") and body.peek() == ":" and text is not None:
                body.take()
                rows.append((case, text, bool(body.label())))
                text = None
            elif token == "isKnownPrefix" and body.peek() == ":" and text is not None:
                body.take()
                rows.append((case, text, body.take() == "false"))
                text = None
    return rows


def _trufflehog(root: Path) -> List[dict]:
    out = []
    for name, cls in FILES8.items():
        for case, text, secret in _tables((root / name).read_text(encoding="utf-8")):
            key = f"trufflehog/{name} case[{case}]"
            alt = _disputed(text, secret)
            out.append(labelled_sample({key: alt} if alt else {}, key, cls, text, secret, "trufflehog"))
    return out


def heldout8_samples(root: Path, corpus: Path) -> List[dict]:
    """Set 8, without texts sets 1-7 hold and repeats."""
    if not (root / "SOURCES.txt").is_file():
        raise SystemExit(f"secrets_heldout8: {root}/SOURCES.txt is missing: fetch the files it lists first")
    return without_spent(_trufflehog(root / "trufflehog"), corpus, EARLIER6 + ((6, heldout6_samples), (7, heldout7_samples)))
