"""Held-out set 11 of issue 15 (round 11): published true and false positives
from a source no earlier set used, scored once, on the final code of round 11.

- **Veles** (``benchmarks/.corpus/secrets-heldout11/veles/``): the table tests
  of Google's osv-scalibr secret detectors (``veles/secrets/<detector>/*_test.go``)
  for providers mlwarden's explain pages claim (Anthropic, Google API keys,
  Hugging Face, Slack app tokens, PyPI, OpenAI, GitHub, GitLab, an AWS-style
  key id and secret pair). Every table row is one sample: its ``input`` (or
  ``key``) expression, evaluated as Go would (string literals, constants of
  the file, ``+``, slices ``k[:len(k)-1]``, ``fmt.Sprintf``,
  ``strings.Repeat``/``ReplaceAll``; nothing is compiled or run). A row is a
  **secret** when its ``want`` lists a secret (non-empty), when it has a
  ``secret`` field, or ``isValid: true``; a **look-alike** when ``want`` is
  ``nil`` or empty or ``isValid: false``; a row without any of these is a
  secret in an ``…Acceptance`` test and a look-alike in a ``…Negatives`` /
  ``…NoMatches`` test. The class is the file's (:data:`VELES11`).

Rows dropped before scoring: an empty input, a row whose expression the
reader cannot evaluate (counted by ``secrets.py eval``'s sample total), a text
sets 1-10 hold, and a text twice in set 11 (the first kept).

Classes and disputed-label rules were written, and this reader committed,
before any verdict on the set was looked at.

Disputed labels (scored both ways by ``secrets.py eval``):

- a secret whose text is a synthetic placeholder by issue 15's policy (set
  9's rules: sequential, counting or repeated runs, ``xxxx``, the marker words
  ``fake``/``test``/``example``; a token written two or more times back to
  back counts once);
- a look-alike whose text shares a run of 20 or more characters (itself no
  placeholder) with a value a secret row of the same file holds (the value cut short by a character or
  more, a character replaced, a prefix changed, a bad checksum or CRC): its
  label rests on the provider's exact length, alphabet or checksum, not on
  whether the text carries key material;
- a look-alike whose text names a credential (a name ending ``key``,
  ``secret``, ``token`` or ``password``) and gives it a value of 20+ letters
  and digits that is no placeholder (set 9's rule: Veles leaves a lone
  secret to other detectors).

No held-out string is in this repository.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Dict, List, Optional, Tuple

from secrets_heldout3 import labelled_sample  # benchmarks/secrets_heldout3.py
from secrets_heldout6 import EARLIER6, without_spent  # benchmarks/secrets_heldout6.py
from secrets_heldout7 import heldout7_samples  # benchmarks/secrets_heldout7.py
from secrets_heldout8 import heldout8_samples  # benchmarks/secrets_heldout8.py
from secrets_heldout9 import _NAMED, _placeholder_text, _placeholder_value, heldout9_samples  # benchmarks/secrets_heldout9.py
from secrets_heldout10 import heldout10_samples  # benchmarks/secrets_heldout10.py
from secrets_heldout6 import heldout6_samples  # benchmarks/secrets_heldout6.py

#: saved file name prefix -> class
VELES11: Dict[str, str] = {
    "anthropicapikey": "anthropic", "gcpapikey": "google", "huggingfaceapikey": "huggingface",
    "slacktoken": "slack", "pypiapitoken": "pypi", "openai": "openai", "github": "github",
    "gitlabpat": "gitlab", "awsaccesskey": "aws",
}

_PLACEHOLDER = "a synthetic placeholder by issue 15's policy (sequential, counting or repeated run, a marker word)"
_NEAR_SECRET = "shares 20+ characters with a secret of the file: the look-alike label rests on the provider's exact format"
_BY_NAME = "a credential by name with a random-looking value, left by the detector under test to others"

_RUN = 20


class _GoError(ValueError):
    """An expression the reader does not evaluate."""


class _Expr:
    """A tiny evaluator of the Go string expressions the tables use."""

    _SPACE = re.compile(r"(?:\s+|//[^\n]*)+")
    _IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)?")
    _INT = re.compile(r"-?\d+")

    def __init__(self, src: str, names: Dict[str, object]) -> None:
        self.src, self.names = src, names

    def _skip(self, i: int) -> int:
        m = self._SPACE.match(self.src, i)
        return m.end() if m else i

    def _string(self, i: int) -> Tuple[str, int]:
        if self.src[i] == "`":
            j = self.src.index("`", i + 1)
            return self.src[i + 1:j], j + 1
        j, out = i + 1, []
        while self.src[j] != '"':
            if self.src[j] == "\\":
                nxt = self.src[j + 1]
                mapped = {"n": "\n", "t": "\t", '"': '"', "\\": "\\", "r": "\r", "'": "'"}.get(nxt)
                if mapped is None:
                    raise _GoError(f"escape \\{nxt}")
                out.append(mapped)
                j += 2
            elif self.src[j] == "\n":
                raise _GoError("newline in string")
            else:
                out.append(self.src[j])
                j += 1
        return "".join(out), j + 1

    def _args(self, i: int) -> Tuple[List[object], int]:
        args: List[object] = []
        i = self._skip(i)
        if self.src[i] == ")":
            return args, i + 1
        while True:
            value, i = self.expr(i)
            args.append(value)
            i = self._skip(i)
            if self.src[i] == ",":
                i = self._skip(i + 1)
                if self.src[i] == ")":
                    return args, i + 1
                continue
            if self.src[i] == ")":
                return args, i + 1
            raise _GoError(f"argument list at {i}")

    def _index(self, i: int, base: str) -> Tuple[Optional[int], int]:
        i = self._skip(i)
        if self.src[i] in ":]":
            return None, i
        m = re.compile(r"len\((\w+)\)\s*(?:-\s*(\d+))?").match(self.src, i)
        if m:
            n = len(str(self.names[m.group(1)]))
            return n - int(m.group(2) or 0), m.end()
        m = self._INT.match(self.src, i)
        if m:
            return int(m.group()), m.end()
        raise _GoError(f"index at {i}")

    def primary(self, i: int) -> Tuple[object, int]:
        i = self._skip(i)
        ch = self.src[i]
        if ch in '"`':
            return self._string(i)
        m = self._INT.match(self.src, i)
        if m and ch.isdigit():
            return int(m.group()), m.end()
        m = self._IDENT.match(self.src, i)
        if not m:
            raise _GoError(f"primary at {i}: {self.src[i:i + 20]!r}")
        name, i = m.group(), m.end()
        if self.src.startswith("(", i):
            args, i = self._args(i + 1)
            return self._call(name, args), i
        if name not in self.names:
            raise _GoError(f"unknown name {name}")
        value = self.names[name]
        if self.src.startswith("[", i):
            lo, i = self._index(i + 1, name)
            i = self._skip(i)
            if self.src[i] != ":":
                raise _GoError("index without slice")
            hi, i = self._index(i + 1, name)
            i = self._skip(i)
            if self.src[i] != "]":
                raise _GoError("slice end")
            value = str(value)[lo:hi]
            i += 1
        return value, i

    @staticmethod
    def _call(name: str, args: List[object]) -> object:
        if name == "strings.Repeat":
            return str(args[0]) * int(args[1])  # type: ignore[call-overload]
        if name == "strings.ReplaceAll":
            return str(args[0]).replace(str(args[1]), str(args[2]))
        if name == "fmt.Sprintf":
            fmt, rest = str(args[0]), list(args[1:])
            return re.sub(r"%[sdv%]", lambda m: "%" if m.group() == "%%" else str(rest.pop(0)), fmt)
        raise _GoError(f"call {name}")

    def expr(self, i: int) -> Tuple[object, int]:
        value, i = self.primary(i)
        while True:
            j = self._skip(i)
            if j < len(self.src) and self.src[j] == "+":
                rhs, i = self.primary(j + 1)
                value = str(value) + str(rhs)
                continue
            return value, i


_DECL = re.compile(r"^\s*(?:const\s+|var\s+)?([A-Za-z_]\w*)\s*=\s*(?=[\"`]|strings\.|fmt\.)", re.MULTILINE)
_FUNC = re.compile(r"^func (\w+)\(", re.MULTILINE)
_FIELD = re.compile(r"\b(name|input|key|want|secret|isValid):\s*")
_CASE_START = re.compile(r"\bname:\s*")


def _names(src: str) -> Dict[str, object]:
    names: Dict[str, object] = {}
    for m in _DECL.finditer(src):
        try:
            names[m.group(1)] = _Expr(src, names).expr(m.end())[0]
        except (_GoError, IndexError, KeyError, ValueError):
            continue
    return names


def _label(case: str, func: str) -> Optional[bool]:
    m = re.search(r"\bwant:\s*(nil\b|\[\]veles\.Secret\{\s*\}|\[\]veles\.Secret\{)", case)
    if m:
        return m.group(1) == "[]veles.Secret{"
    if re.search(r"\bsecret:\s*\S", case):
        return True
    m = re.search(r"\bisValid:\s*(true|false)", case)
    if m:
        return m.group(1) == "true"
    if "Acceptance" in func:
        return True
    if "Negative" in func or "NoMatch" in func:
        return False
    return None


def _cases(src: str) -> List[Tuple[str, str, str, int]]:
    """(function, case name, case text, offset of its input/key expression)."""
    funcs = [(m.start(), m.group(1)) for m in _FUNC.finditer(src)]
    starts = [m.start() for m in _CASE_START.finditer(src)]
    out = []
    for n, start in enumerate(starts):
        func = [name for pos, name in funcs if pos < start][-1]
        nxt_func = min([pos for pos, _ in funcs if pos > start] or [len(src)])
        end = min(starts[n + 1] if n + 1 < len(starts) else len(src), nxt_func)
        case = src[start:end]
        name_m = re.match(r'name:\s*"([^"]*)"', case)
        field = re.search(r"\b(?:input|key):\s*", case)
        if not name_m or not field:
            continue
        out.append((func, name_m.group(1), case, start + field.end()))
    return out


_BACK_TO_BACK = re.compile(r"(.{20,}?)\1+", re.DOTALL)


def _disputed(text: str, secret: bool, secrets: List[str]) -> Optional[Tuple[bool, str]]:
    if secret:
        # a token written twice or more back to back is not a "repeated run"
        return (False, _PLACEHOLDER) if _placeholder_text(_BACK_TO_BACK.sub(r"\1", text)) else None
    for value in secrets:
        for i in range(0, max(len(value) - _RUN + 1, 0)):
            run = value[i:i + _RUN]
            if run in text and not _placeholder_value(run):
                return True, _NEAR_SECRET
    for named in _NAMED.finditer(text):
        if not _placeholder_value(named.group(1)):
            return True, _BY_NAME
    return None


_VALUE = re.compile(r"[A-Za-z0-9_+/=.-]{20,}")


def _veles(root: Path) -> List[dict]:
    out = []
    for path in sorted(root.glob("*.go")):
        cls = next((c for prefix, c in VELES11.items() if path.name.startswith(prefix)), None)
        if cls is None:
            continue
        src = path.read_text(encoding="utf-8")
        names = _names(src)
        rows = []
        for func, name, case, at in _cases(src):
            secret = _label(case, func)
            if secret is None:
                continue
            try:
                text = str(_Expr(src, names).expr(at)[0])
            except (_GoError, IndexError, KeyError, ValueError):
                continue
            if text.strip():
                rows.append((f"veles/{path.name} {func} {name}", text, secret))
        secrets = sorted({v for _, text, secret in rows if secret for v in _VALUE.findall(text)})
        for key, text, secret in rows:
            alt = _disputed(text, secret, secrets)
            out.append(labelled_sample({key: alt} if alt else {}, key, cls, text, secret, "veles"))
    return out


def heldout11_samples(root: Path, corpus: Path) -> List[dict]:
    """Set 11, without texts sets 1-10 hold and repeats."""
    if not (root / "SOURCES.txt").is_file():
        raise SystemExit(f"secrets_heldout11: {root}/SOURCES.txt is missing: fetch the files it lists first")
    return without_spent(_veles(root / "veles"), corpus,
                         EARLIER6 + ((6, heldout6_samples), (7, heldout7_samples), (8, heldout8_samples),
                                     (9, heldout9_samples), (10, heldout10_samples)))
