"""Held-out set 13 of issue 15 (round 13): published true and false positives
from a source no earlier set used, scored once, on the final code of round 13.

**KICS** (``benchmarks/.corpus/secrets-heldout13/kics/``): the query tests of
Checkmarx/kics's "Passwords And Secrets" query
(``assets/queries/common/passwords_and_secrets/test/``: ``positiveN.*`` files
whose reported lines the query must find, ``negativeN.*`` files on which it
must find nothing). KICS compares a positive file's results with
``positive_expected_result.json`` exactly, so in a positive file the lines it
does not report are asserted negatives too. The stored versions of some files
differ from the stored results file (lines moved, marker comments added), so
the secret lines are written here by reading each stored file
(:data:`KICS13`, line numbers of the saved file): the line a ``# positiveN`` /
``#N`` marker or the header's ``(line N)`` names, else the line the results
file names for that query. A sample is the line (or, for a Kubernetes /
ECS ``name`` + ``value`` pair, both lines; for a PEM block, the block) with
its common indentation and a trailing KICS test marker (``# positive1``,
``#1 & #2``, ``# negative1``) removed.

Look-alikes, by a rule applied by the reader (:func:`_lookalike_lines`): every
line of a negative file, and every line not listed in :data:`KICS13` of a
positive file whose header comment says ``positive-test`` (the files that
carry their own labels), that assigns a non-empty value (``key: value``,
``key = value``, ``"key": "value"``, ``ARG``/``ENV key=value``, or a
``value`` line after a ``name`` line) under a name holding ``pass``,
``secret``, ``token``, ``key``, ``auth`` or ``credential``, or whose value
holds ``://``.

Classes: the query's provider (KICS's query name) where mlwarden claims it
(aws, google, slack, stripe, square, mailchimp, sendgrid, twilio,
basic-auth for a password in a URL, private-key for a PEM block), else
generic (KICS's generic password / secret / token / key queries).

**Excluded** (not sampled, :data:`EXCLUDED13`): results of providers mlwarden
does not claim (Microsoft Teams webhooks, Picatic, Amazon MWS; the files of
Heroku, Mailgun, Braintree, Facebook, PuTTY and CloudFormation secret
templates were not fetched) and a Google OAuth client id (an identifier, as
in set 1).

Rows dropped before scoring, by written rules: a text twice in the set (the
first kept); at most **three** samples per credential value (the value after
the name's ``=`` / ``:``, or the URL; KICS repeats one value in several
syntaxes); a text sets 1-12 hold (where their corpora are present).

Disputed labels (scored both ways by ``secrets.py eval``), written, with the
classes and :data:`KICS13`, before any verdict on the set was looked at:

- a secret whose text is a synthetic placeholder by issue 15's policy (set
  9's rules: sequential, counting or repeated runs, ``xxxx``, the marker words
  ``fake``/``test``/``example``, a URL whose password is ``password``);
- a secret that is AWS's documented example key with characters changed
  (``…IOSFODNN7EXAM…``, ``wJalrXUtnFEMI/K7MDENG/bPxRfiCY…``): the vendor's
  published example;
- a secret with no credential value: a reference or template
  (``{{resolve:…}}``, ``var.…``, ``local.…``, ``${…}``) or the string
  ``null``;
- a secret that is an identifier the provider documents as not secret (a
  Twilio API key SID, ``SK`` + 32 hex: the key's secret is a separate value);
- a look-alike that assigns a literal of 8+ characters (no reference,
  template or placeholder) under a name holding ``secret``, ``password`` or
  ``token``: a credential by name that KICS's query leaves to other rules.

No held-out string is in this repository.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

from secrets_heldout3 import labelled_sample  # benchmarks/secrets_heldout3.py
from secrets_heldout6 import EARLIER6, without_spent  # benchmarks/secrets_heldout6.py
from secrets_heldout6 import heldout6_samples  # benchmarks/secrets_heldout6.py
from secrets_heldout7 import heldout7_samples  # benchmarks/secrets_heldout7.py
from secrets_heldout8 import heldout8_samples  # benchmarks/secrets_heldout8.py
from secrets_heldout9 import _placeholder_text, heldout9_samples  # benchmarks/secrets_heldout9.py
from secrets_heldout10 import heldout10_samples  # benchmarks/secrets_heldout10.py
from secrets_heldout11 import heldout11_samples  # benchmarks/secrets_heldout11.py
from secrets_heldout12 import heldout12_samples  # benchmarks/secrets_heldout12.py

#: positive file -> its secret samples: (first line, last line, class), lines of the saved file
KICS13: Dict[str, Sequence[Tuple[int, int, str]]] = {
    "positive1.yaml": ((8, 8, "generic"),),
    "positive2.yaml": ((6, 6, "generic"),),
    "positive3.yaml": ((7, 7, "generic"),),
    "positive4.tf": ((9, 9, "generic"),),
    "positive5.tf": ((3, 3, "generic"),),
    "positive6.dockerfile": ((5, 5, "generic"), (10, 10, "generic")),
    "positive7.tf": ((9, 9, "generic"),),
    "positive8.json": ((4, 4, "generic"), (7, 7, "generic")),
    "positive9.tf": ((9, 9, "generic"),),
    "positive10.json": ((10, 10, "basic-auth"), (20, 20, "slack")),
    "positive11.yaml": ((10, 10, "basic-auth"), (12, 12, "slack")),
    "positive12.json": ((12, 12, "generic"), (15, 15, "basic-auth"), (19, 19, "slack")),
    "positive13.tf": ((6, 14, "private-key"),),
    "positive14.tf": ((18, 18, "aws"), (19, 19, "aws")),
    "positive16.yaml": ((34, 35, "generic"), (36, 37, "generic")),
    "positive17.tf": ((8, 8, "generic"),),
    "positive19.tf": ((4, 4, "slack"),),
    "positive20.tf": ((3, 3, "stripe"),),
    "positive21.tf": ((50, 51, "google"),),
    "positive23.tf": ((3, 3, "generic"),),
    "positive24.tf": ((4, 4, "generic"),),
    "positive25.dockerfile": ((11, 11, "square"), (20, 20, "mailchimp"), (23, 23, "sendgrid")),
    "positive26.yaml": ((10, 10, "generic"),),
    "positive27.yaml": ((5, 5, "generic"), (22, 22, "generic")),
    "positive28.yaml": ((6, 6, "generic"),),
    "positive30.tf": ((3, 3, "stripe"),),
    "positive31.yaml": ((6, 6, "twilio"),),
    "positive34.yaml": ((14, 15, "square"), (16, 16, "square")),
    "positive35.yaml": ((15, 15, "google"),),
    "positive37.tf": ((14, 14, "aws"),),
    "positive39.tf": ((4, 4, "generic"),),
    "positive40.tf": ((15, 15, "aws"), (16, 16, "aws")),
    "positive42.tf": ((8, 8, "generic"),),
    "positive43.yaml": ((5, 5, "generic"),),
    "positive45.tf": ((9, 9, "generic"),),
}

#: (file, line) -> why it is not sampled
EXCLUDED13: Dict[Tuple[str, int], str] = {
    ("positive10.json", 30): "Microsoft Teams webhook: a provider mlwarden does not claim",
    ("positive11.yaml", 14): "Microsoft Teams webhook: a provider mlwarden does not claim",
    ("positive12.json", 23): "Microsoft Teams webhook: a provider mlwarden does not claim",
    ("positive18.tf", 6): "a Google OAuth client id: an identifier, not a secret (as in set 1)",
    ("positive25.dockerfile", 14): "Picatic API key: a provider mlwarden does not claim",
    ("positive25.dockerfile", 17): "Amazon MWS auth token: a provider mlwarden does not claim",
}

#: samples kept per credential value
PER_VALUE = 3

_MARKER = re.compile(r"\s+#\s*(?:(?:positive|negative)\d+|#?\d+(?:\s*&\s*#\d+)*)\s*$")
_ASSIGN = re.compile(r"""^\s*(?:-\s+)?(?:(?:ARG|ENV|export)\s+)?["']?([A-Za-z_][\w.-]*)["']?\s*(?::\s+|:$|\s*=\s*|=)(.*)$""")
_CRED_NAME = re.compile(r"(?i)pass|secret|token|key|auth|credential")
_STRONG_NAME = re.compile(r"(?i)secret|password|token")
_REFERENCE = re.compile(r"""\{\{|\$\{|^!|\bvar\.|\blocal\.|^["']?\{\.|^["']?null["']?$""")
_AWS_EXAMPLE = re.compile(r"IOSFODNN7EXAM|wJalrXUtnFEMI/K7MDENG/bPxRfiCY")
_TWILIO_SID = re.compile(r"\bSK[0-9a-fA-F]{32}\b")

_PLACEHOLDER = "a synthetic placeholder by issue 15's policy (sequential, counting or repeated run, a marker word)"
_AWS_DOC = "AWS's documented example key with characters changed: the vendor's published example"
_NO_VALUE = "no credential value: a reference, template or the string null"
_IDENTIFIER = "an identifier the provider documents as not secret (Twilio API key SID)"
_BY_NAME = "a literal of 8+ characters under a credential name, left by KICS's query to other rules"


def _clean(lines: List[str]) -> str:
    """The lines with a trailing KICS marker removed and common indentation dropped."""
    lines = [_MARKER.sub("", line.rstrip()) for line in lines]
    indents = [len(line) - len(line.lstrip()) for line in lines if line.strip()]
    cut = min(indents) if indents else 0
    return "\n".join(line[cut:] for line in lines)


def _assignment(lines: List[str], n: int) -> Optional[Tuple[str, str]]:
    """(name, value) of line ``n`` (1-based) when it assigns a non-empty
    value; a ``value`` line after a ``name`` line takes that name."""
    m = _ASSIGN.match(lines[n - 1])
    if not m:
        return None
    name, value = m.group(1), _MARKER.sub("", m.group(2)).strip().rstrip(",").strip()
    if not value or value in ("|", ">", "{", "[", "<<EOF", "<<EOT"):
        return None
    if name == "value" and n > 1:
        prev = _ASSIGN.match(lines[n - 2])
        if prev and prev.group(1) == "name":
            name = prev.group(2).strip().strip(",").strip("\"'")
    return name, value


def _value_of(text: str) -> str:
    """The credential value a sample assigns (the URL for a URL)."""
    url = re.search(r"[a-z]+://\S+", text)
    if url:
        return url.group(0).strip("\",'")
    last = text.splitlines()[-1]
    m = _ASSIGN.match(last)
    return (_MARKER.sub("", m.group(2)).strip().rstrip(",").strip("\"' ") if m else text.strip())


def _lookalike_lines(name: str, lines: List[str], taken: set) -> List[int]:
    """The look-alike lines of a file (see the module docstring)."""
    if name.startswith("positive") and "positive-test" not in (lines[0] if lines else ""):
        return []
    out = []
    for n in range(1, len(lines) + 1):
        if n in taken or lines[n - 1].lstrip().startswith("#"):
            continue
        got = _assignment(lines, n)
        if got and (_CRED_NAME.search(got[0]) or "://" in got[1]):
            out.append(n)
    return out


def _disputed(text: str, secret: bool) -> Optional[Tuple[bool, str]]:
    value = _value_of(text)
    if secret:
        if _AWS_EXAMPLE.search(text):
            return False, _AWS_DOC
        if _REFERENCE.search(value) or _REFERENCE.search(text.splitlines()[-1].split("=", 1)[-1].strip()):
            return False, _NO_VALUE
        if _TWILIO_SID.search(text):
            return False, _IDENTIFIER
        if _placeholder_text(text):
            return False, _PLACEHOLDER
        return None
    last = text.splitlines()[-1]
    m = _ASSIGN.match(last)
    name = m.group(1) if m else ""
    if name == "value" and "\n" in text:
        first = _ASSIGN.match(text.splitlines()[0])
        name = first.group(2).strip().strip(",").strip("\"'") if first else name
    if (_STRONG_NAME.search(name) and len(value) >= 8 and not _REFERENCE.search(value)
            and not _placeholder_text(value)):
        return True, _BY_NAME
    return None


def _kics(root: Path) -> List[Tuple[str, str, str, bool]]:
    """(key, class, text, secret) of every sample of the saved files, in file order."""
    out = []
    for path in sorted(root.glob("*"), key=lambda p: (not p.name.startswith("positive"), int(re.sub(r"\D", "", p.name) or 0), p.name)):
        if not path.name.startswith(("positive", "negative")) or path.name.endswith(".json") and "expected" in path.name:
            continue
        lines = path.read_text(encoding="utf-8").splitlines()
        taken = set()
        rows = []
        for first, last, cls in KICS13.get(path.name, ()):
            taken |= set(range(first, last + 1))
            rows.append((first, f"kics/{path.name}:{first}", cls, _clean(lines[first - 1:last]), True))
        taken |= {n for (f, n) in EXCLUDED13 if f == path.name}
        for n in _lookalike_lines(path.name, lines, taken):
            start = n - 1 if (n > 1 and _ASSIGN.match(lines[n - 1]) and _ASSIGN.match(lines[n - 1]).group(1) == "value"
                              and _ASSIGN.match(lines[n - 2]) and _ASSIGN.match(lines[n - 2]).group(1) == "name") else n
            rows.append((n, f"kics/{path.name}:{n}", "generic", _clean(lines[start - 1:n]), False))
        out += [(key, cls, text, secret) for _, key, cls, text, secret in sorted(rows)]
    return out


def heldout13_samples(root: Path, corpus: Path) -> List[dict]:
    """Set 13, without repeats, values beyond three, and texts sets 1-12 hold."""
    if not (root / "SOURCES.txt").is_file():
        raise SystemExit(f"secrets_heldout13: {root}/SOURCES.txt is missing: fetch the files it lists first")
    samples, seen, per_value = [], set(), {}
    for key, cls, text, secret in _kics(root / "kics"):
        if not text.strip() or text in seen:
            continue
        seen.add(text)
        slot = (secret, _value_of(text))
        per_value[slot] = per_value.get(slot, 0) + 1
        if per_value[slot] > PER_VALUE:
            continue
        alt = _disputed(text, secret)
        samples.append(labelled_sample({key: alt} if alt else {}, key, cls, text, secret, "kics"))
    return without_spent(samples, corpus,
                         EARLIER6 + ((6, heldout6_samples), (7, heldout7_samples), (8, heldout8_samples),
                                     (9, heldout9_samples), (10, heldout10_samples), (11, heldout11_samples),
                                     (12, heldout12_samples)))
