"""Held-out set 7 of issue 15 (round 7): published true and false positives
from a source no earlier set used, scored once, on the final code of round 7.

- **Trivy** (``benchmarks/.corpus/secrets-heldout7/trivy/``):
  aquasecurity/trivy's secret scanner tests. Two parts:

  1. ``pkg/fanal/secret/testdata`` files with the findings
     ``scanner_test.go`` expects of Trivy's built-in rules (copied to
     ``EXPECTED.tsv``: file, line, rule id, the line as the test shows it;
     the reader checks every row against the stored file, a masked ``*``
     matching any character). Every line of a kept file is one sample,
     except blank lines and lines with no run of six letters or digits; a
     line the test expects a finding on is a **secret**, every other line a
     **look-alike** (the test expects nothing there). A PEM block is one
     sample (Trivy reports it at its first line).
  2. ``builtin_rules_test.go`` and ``builtin_rules_azure_test.go``: regex
     tables (``input``, ``wantHit``) for single built-in rules. ``wantHit:
     true`` is a secret, ``false`` a look-alike. The inputs are Go
     expressions of string literals, ``+``, ``strings.Repeat``, the file's
     constants and locals (``suffix[:34]``); the reader evaluates them
     without running Go.

Classes (written before the set was scored): Trivy rule ``aws-*`` aws,
``github-*`` github, ``jwt-token`` jwt, ``hugging-face-access-token``
huggingface, ``private-key`` private-key, ``azure-storage-account-key`` and
``azure-cosmosdb-account-key`` azure-storage (an ``AccountKey=``),
``azure-entra-id-client-secret`` azure-ad. Excluded: the
``azure-app-configuration-connection-string`` and ``azure-sas-token`` tables
(providers mlwarden's explain pages do not claim). A look-alike line of a
file takes the file's class (:data:`FILES7`).

Disputed labels (scored both ways by ``secrets.py eval``), by rule, not by
sample:

- a secret whose value is a synthetic placeholder by issue 15's policy: a
  run of 8+ sequential characters (``0123456789``, ``ABCDEFGHIJ``), a run
  of 16+ of one character (``ghs_`` + 36 zeros, ``X`` x 520), ``Test`` right
  after a provider prefix (``hf_Test…``), or jwt.io's example token (its
  payload names ``John Doe``);
- a look-alike whose line names a credential (a name ending ``key``,
  ``secret``, ``token`` or ``password``, not ``publicKey``) and gives it a
  value of 20+ letters and digits with no placeholder run: a credential by
  name that the rule under test leaves to other rules (Trivy's "length is
  too long" AWS case);
- a look-alike of one rule that another table of the same suite reports:
  the cosmos table's ``AccountKey=`` with a wrong endpoint is a storage
  account key by the storage table.

A text sets 1-6 hold is dropped, and so is a text twice in set 7 (the first
kept). No held-out string is in this repository.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Dict, List, Optional, Tuple

from secrets_heldout3 import labelled_sample  # benchmarks/secrets_heldout3.py
from secrets_heldout6 import EARLIER6, heldout6_samples, without_spent  # benchmarks/secrets_heldout6.py

#: kept testdata file -> class of its look-alike lines
FILES7: Dict[str, str] = {
    "aws-secrets.txt": "aws", "invalid-aws-secrets.txt": "aws", "wrapped-secrets.txt": "generic",
    "wrapped-secrets-sensitive.txt": "generic", "builtin-rule-secret.txt": "generic", "github-token.txt": "github",
    "jwt-secret.txt": "jwt", "hugging-face-secret.txt": "huggingface", "long-line-secret.txt": "github",
    "asymmetric-private-secret.txt": "private-key", "asymmetric-private-key.txt": "private-key",
}

#: Trivy rule id prefix -> class (None: excluded)
RULE_CLASS7: Tuple[Tuple[str, Optional[str]], ...] = (
    ("aws-", "aws"), ("github-", "github"), ("jwt-", "jwt"), ("hugging-face-", "huggingface"),
    ("private-key", "private-key"), ("azure-storage-account-key", "azure-storage"),
    ("azure-cosmosdb-account-key", "azure-storage"), ("azure-entra-id-client-secret", "azure-ad"),
    ("azure-app-configuration-connection-string", None), ("azure-sas-token", None),
)

GO_TABLES7 = ("builtin_rules_test.go", "builtin_rules_azure_test.go")

_PLACEHOLDER = "a synthetic placeholder by issue 15's policy (sequential or repeated run, `Test` after the prefix, jwt.io's example)"
_BY_NAME = "a credential by name with a random-looking value, left by the rule under test to other rules"
_OTHER_RULE = "another table of the same suite reports it (an `AccountKey=` is a storage account key)"

_CANDIDATE = re.compile(r"[A-Za-z0-9]{6}")
_SEQUENTIAL = re.compile(r"0123456789|12345678|ABCDEFGHIJ|abcdefghij|(.)\1{15,}")
_FAKE = re.compile(r"_Test|IkpvaG4gRG9lI")  # `hf_Test…`; base64 of `"John Doe"` (jwt.io's example payload)
_NAMED = re.compile(r"""(?i)(?<!public)(?:key|secret|token|password)["']?\s*[:=]\s*["']?([A-Za-z0-9+/]{20,})""")


def _rule_class(rule: str) -> Tuple[bool, Optional[str]]:
    for prefix, cls in RULE_CLASS7:
        if rule.startswith(prefix):
            return True, cls
    raise SystemExit(f"secrets_heldout7: no class for Trivy rule {rule}")


def _masked(shown: str) -> "re.Pattern[str]":
    parts = re.split(r"(\*+)", shown)
    return re.compile("".join(f".{{{len(p)}}}" if p.startswith("*") else re.escape(p) for p in parts if p))


def _expected(root: Path) -> Dict[Tuple[str, int], str]:
    out: Dict[Tuple[str, int], str] = {}
    for row in (root / "EXPECTED.tsv").read_text(encoding="utf-8").splitlines():
        if not row or row.startswith("#"):
            continue
        name, number, rule, shown = row.split("\t", 3)
        lines = (root / name).read_text(encoding="utf-8").split("\n")
        if not shown.startswith("BLOCK") and not _masked(shown).fullmatch(lines[int(number) - 1]):
            raise SystemExit(f"secrets_heldout7: {name} line {number} is not the line scanner_test.go shows")
        if shown.startswith("BLOCK") and "-----BEGIN" not in lines[int(number) - 1]:
            raise SystemExit(f"secrets_heldout7: {name} line {number} does not open a PEM block")
        if rule != "-":
            out[(name, int(number))] = rule
    return out


def _disputed(text: str, secret: bool) -> Optional[Tuple[bool, str]]:
    if secret and (_SEQUENTIAL.search(text) or _FAKE.search(text)):
        return False, _PLACEHOLDER
    if not secret:
        named = _NAMED.search(text)
        if named and not _SEQUENTIAL.search(named.group(1)) and not re.fullmatch(r"(.)\1*", named.group(1)):
            return True, _BY_NAME
    return None


def _testdata(root: Path) -> List[Tuple[str, str, str, bool]]:
    expected = _expected(root)
    rows = []
    for name, default in FILES7.items():
        lines = (root / name).read_text(encoding="utf-8").split("\n")
        number = 0
        while number < len(lines):
            line = lines[number]
            number += 1
            text, first = line, number
            if line.startswith("-----BEGIN") and "-----END" not in line:
                while number < len(lines) and "-----END" not in lines[number - 1]:
                    number += 1
                text = "\n".join(lines[first - 1:number])
            if not text.strip() or not _CANDIDATE.search(text):
                continue
            rule = expected.get((name, first))
            cls = _rule_class(rule)[1] if rule else default
            rows.append((f"trivy/{name} line {first}", cls or default, text, rule is not None))
    return rows


# --------------------------------------------------------------------------- Go tables

_GO_STRING = re.compile(r'"(?:[^"\\]|\\.)*"|`[^`]*`')
_GO_TERM = re.compile(r'\s*(?:(?P<str>"(?:[^"\\]|\\.)*"|`[^`]*`)|strings\.Repeat\((?P<rs>"(?:[^"\\]|\\.)*"),\s*(?P<rn>\d+)\)'
                      r'|(?P<name>[A-Za-z_]\w*)(?:\[:(?P<cut>\d+)\])?)\s*')


def _go_eval(expr: str, env: Dict[str, str]) -> str:
    out, pos = [], 0
    while True:
        m = _GO_TERM.match(expr, pos)
        if not m:
            raise SystemExit(f"secrets_heldout7: cannot read Go expression {expr!r}")
        if m.group("str"):
            lit = m.group("str")
            out.append(lit[1:-1] if lit.startswith("`") else ast.literal_eval(lit))
        elif m.group("rs"):
            out.append(ast.literal_eval(m.group("rs")) * int(m.group("rn")))
        else:
            value = env[m.group("name")]
            out.append(value[: int(m.group("cut"))] if m.group("cut") else value)
        pos = m.end()
        if pos >= len(expr):
            return "".join(out)
        if expr[pos] != "+":
            raise SystemExit(f"secrets_heldout7: cannot read Go expression {expr!r}")
        pos += 1


_FUNC = re.compile(r"^func (Test\w+)\(t \*testing\.T\) \{\n(.*?)^\}", re.MULTILINE | re.DOTALL)
_RULE = re.compile(r'find(?:Builtin)?Rule\(t, "([\w-]+)"\)')
_ASSIGN = re.compile(r"^\t(?:const )?(\w+) :?= (.+?)$", re.MULTILINE)
_CASE = re.compile(r'\{\s*name:\s*"((?:[^"\\]|\\.)*)",\s*input:\s*(.+?),\s*wantHit:\s*(true|false),', re.DOTALL)


def _go_tables(root: Path) -> List[Tuple[str, str, str, bool]]:
    rows = []
    for name in GO_TABLES7:
        source = (root / name).read_text(encoding="utf-8")
        env: Dict[str, str] = {}
        for m in re.finditer(r"^const (\w+) = (.+)$", source, re.MULTILINE):
            env[m.group(1)] = _go_eval(m.group(2), env)
        for func in _FUNC.finditer(source):
            body = func.group(2)
            rule = _RULE.search(body)
            if not rule:
                continue  # the collision test repeats the tables' inputs
            known, cls = _rule_class(rule.group(1))
            if cls is None:
                continue
            local = dict(env)
            head = body.split("cases := ", 1)[0]
            for m in _ASSIGN.finditer(head):
                if m.group(2).startswith(("find", "require", "t.")):
                    continue
                local[m.group(1)] = _go_eval(m.group(2), local)
            for case in _CASE.finditer(body):
                text = _go_eval(case.group(2).strip(), local)
                rows.append((f"trivy/{name} {rule.group(1)} case[{ast.literal_eval(chr(34) + case.group(1) + chr(34))}]",
                             cls, text, case.group(3) == "true"))
    return rows


def _trivy(root: Path) -> List[dict]:
    out = []
    for key, cls, text, secret in _testdata(root) + _go_tables(root):
        disputed: Dict[str, Tuple[bool, str]] = {}
        alt = _disputed(text, secret)
        if alt is None and not secret and "azure-cosmosdb" in key and "AccountKey=" in text:
            alt = (True, _OTHER_RULE)
        if alt is not None:
            disputed[key] = alt
        out.append(labelled_sample(disputed, key, cls, text, secret, "trivy"))
    return out


def heldout7_samples(root: Path, corpus: Path) -> List[dict]:
    """Set 7, without texts sets 1-6 hold and repeats."""
    if not (root / "SOURCES.txt").is_file():
        raise SystemExit(f"secrets_heldout7: {root}/SOURCES.txt is missing: fetch the files it lists first")
    return without_spent(_trivy(root / "trivy"), corpus, EARLIER6 + ((6, heldout6_samples),))
