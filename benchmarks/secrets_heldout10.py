"""Held-out set 10 of issue 15 (round 10): published true and false positives
from a source no earlier set used, scored once, on the final code of round 10.

- **sonar-text** (``benchmarks/.corpus/secrets-heldout10/sonar/``):
  SonarSource/sonar-text's secret-rule files
  (``sonar-text-plugin/src/main/resources/org/sonar/plugins/secrets/configuration/*.yaml``)
  for providers mlwarden's explain pages claim or credential shapes it reads
  generically (a password in a URL, a Django ``SECRET_KEY``). Each rule lists
  ``examples``: a ``text`` with ``containsSecret: true`` is a **secret**, with
  ``containsSecret: false`` a **look-alike** (an example without
  ``containsSecret`` is a secret when its ``match`` is a string and a
  look-alike when ``match`` is ``false``). The class is the rule's
  (:data:`SONAR10`; ``None`` = not counted).

Samples dropped before scoring (the harness cannot reproduce their label): an
example whose ``fileName`` is a documentation or test path (an extension
``.md``, ``.mdx``, ``.html``, ``.adoc``, ``.example``, ``.template``, or a
``test``/``tests`` directory): Sonar rejects those paths, so its label says
where the text sits, not what it is; each such text is also in the set
without the file name. A text sets 1-9 hold is dropped, and so is a text twice
in set 10 (the first kept).

A YAML file that Python's parser rejects only for an escape it does not know
inside a double-quoted ``pattern:`` (``\\-`` in pypi.yaml; the Java parser
Sonar uses accepts it) is read with that line's lone backslashes doubled; the
examples (block scalars) are unchanged.

Classes and disputed-label rules were written, and this reader committed,
before any verdict on the set was looked at.

Disputed labels (scored both ways by ``secrets.py eval``), by rule:

- a secret whose value is a synthetic placeholder by issue 15's policy (set
  9's rules: sequential, counting or repeated runs, ``xxxx``, the marker words
  ``fake``/``TEST``/``EXAMPLE``, ``password`` as a URL's password, jwt.io's
  token), or whose text holds the marker ``foo`` not after a letter
  (``foopass``), or a URL whose password equals its user name
  (``airflow:airflow``);
- a look-alike whose text holds a value another example of the same file
  labels a secret (its ``match``): the look-alike label then rests only on
  context the source's rule requires (a provider word elsewhere in the file,
  a word boundary), not on the value;
- a look-alike whose text names a credential (a name ending ``key``,
  ``secret``, ``token`` or ``password``) and gives it a value of 20+ letters
  and digits that is no placeholder (set 9's rule).

No held-out string is in this repository.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Dict, List, Optional, Tuple

from secrets_heldout3 import labelled_sample  # benchmarks/secrets_heldout3.py
from secrets_heldout6 import EARLIER6, heldout6_samples, without_spent  # benchmarks/secrets_heldout6.py
from secrets_heldout7 import heldout7_samples  # benchmarks/secrets_heldout7.py
from secrets_heldout8 import heldout8_samples  # benchmarks/secrets_heldout8.py
from secrets_heldout9 import _NAMED, _placeholder_text, _placeholder_value, heldout9_samples  # benchmarks/secrets_heldout9.py

#: (file, rule id) -> class; ``None`` = not counted
SONAR10: Dict[Tuple[str, str], Optional[str]] = {
    ("slack.yaml", "slack-incoming-webhook-urls"): "slack", ("slack.yaml", "slack-workflow-webhook-urls"): "slack",
    ("github.yaml", "github-v2-tokens"): "github", ("github.yaml", "github-fine-grained-tokens"): "github",
    ("OpenAI.yaml", "openai"): "openai",
    ("stripe.yaml", "stripe-webhook-secret"): "stripe", ("stripe.yaml", "stripe-api-key"): "stripe",
    ("aws.yaml", "aws-secret-access-keys-1"): "aws", ("aws.yaml", "aws-secret-access-keys-2"): "aws",
    ("aws.yaml", "aws-access-key-ids"): "aws", ("aws.yaml", "aws-session-tokens"): "aws",
    ("gitlab.yaml", "gitlab-v2-tokens"): "gitlab",
    ("google-api.yaml", "google-api-keys"): "google",
    ("pypi.yaml", "pypi-api-token"): "pypi",
    ("sendgrid.yaml", "sendgrid-key"): "sendgrid",
    ("discord.yaml", "discord-webhook-urls"): "discord",
    ("npm.yaml", "npm-access-token"): "npm",
    ("databricks.yaml", "databricks-access-token"): "databricks",
    ("django.yaml", "default-secret-key"): "django", ("django.yaml", "settings.py-secret-key"): "django",
    ("django.yaml", "env-secret-key"): "django",
    ("mongodb.yaml", "mongo-url"): "basic-auth", ("mongodb.yaml", "mongodb-cli-unquoted"): "generic",
    ("mongodb.yaml", "mongodb-cli-quoted-outer"): "generic",
}

_PLACEHOLDER = "a synthetic placeholder by issue 15's policy (sequential, counting or repeated run, a marker word, a user name as its password)"
_SAME_VALUE = "holds a value another example of the file labels a secret: the look-alike label rests on context only"
_BY_NAME = "a credential by name with a random-looking value, left by the rule under test to other rules"

_DOC_PATH = re.compile(r"(?i)\.(?:md|mdx|html|adoc|example|template)$|(?:^|/)tests?/")
_FOO = re.compile(r"(?<![A-Za-z])foo", re.IGNORECASE)
_USER_IS_PASSWORD = re.compile(r"://([^:/@\s]+):\1@")
_BAD_ESCAPE_LINE = re.compile(r'^(\s*pattern:\s*")(.*)("\s*)$')


def _load_yaml(path: Path) -> dict:
    import yaml

    text = path.read_text(encoding="utf-8")
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:
        fixed = []
        for line in text.split("\n"):
            m = _BAD_ESCAPE_LINE.match(line)
            if m:
                line = m.group(1) + re.sub(r"(?<!\\)\\(?=[^\\\"])", r"\\\\", m.group(2)) + m.group(3)
            fixed.append(line)
        return yaml.safe_load("\n".join(fixed))


def _secret_placeholder(text: str) -> bool:
    return _placeholder_text(text) or bool(_FOO.search(text)) or bool(_USER_IS_PASSWORD.search(text))


def _disputed(text: str, secret: bool, matches: List[str]) -> Optional[Tuple[bool, str]]:
    if secret:
        return (False, _PLACEHOLDER) if _secret_placeholder(text) else None
    if any(m and m in text for m in matches):
        return True, _SAME_VALUE
    for named in _NAMED.finditer(text):
        if not _placeholder_value(named.group(1)):
            return True, _BY_NAME
    return None


def _label(example: dict) -> bool:
    if "containsSecret" in example:
        return bool(example["containsSecret"])
    return isinstance(example.get("match"), str)


def _sonar(root: Path) -> List[dict]:
    out = []
    for path in sorted(root.glob("*.yaml")):
        doc = _load_yaml(path)
        rules = (doc.get("provider") or {}).get("rules") or doc.get("rules") or []
        examples = []
        for rule in rules:
            cls = SONAR10.get((path.name, rule.get("id")))
            if cls is None:
                continue
            for n, example in enumerate(rule.get("examples") or ()):
                examples.append((rule["id"], n, cls, example))
        matches = [str(e["match"]).strip() for _, _, _, e in examples
                   if _label(e) and isinstance(e.get("match"), str)]
        for rule_id, n, cls, example in examples:
            if _DOC_PATH.search(str(example.get("fileName") or "")):
                continue
            text = str(example.get("text") or "")
            secret = _label(example)
            key = f"sonar/{path.name} {rule_id} examples[{n}]"
            alt = _disputed(text, secret, matches)
            out.append(labelled_sample({key: alt} if alt else {}, key, cls, text, secret, "sonar"))
    return out


def heldout10_samples(root: Path, corpus: Path) -> List[dict]:
    """Set 10, without texts sets 1-9 hold and repeats."""
    if not (root / "SOURCES.txt").is_file():
        raise SystemExit(f"secrets_heldout10: {root}/SOURCES.txt is missing: fetch the files it lists first")
    return without_spent(_sonar(root / "sonar"), corpus,
                         EARLIER6 + ((6, heldout6_samples), (7, heldout7_samples), (8, heldout8_samples),
                                     (9, heldout9_samples)))
