"""Held-out set 5 of issue 15 (round 4): published true and false positives
from sources no earlier set used, scored once, on the final code of round 4.

- **secretlint** (``benchmarks/.corpus/secrets-heldout5/secretlint/``): rule
  test snapshots round 2 did not use (slack, database-connection-string,
  basicauth, npm, openai, stripe, sendgrid, anthropic, github app
  installation tokens, privatekey). A snapshot directory named ``ng.*`` holds
  secrets, ``ok.*`` look-alikes. Line inputs are split: every non-blank line
  that is not a ``#`` comment is one sample, with the label of its directory
  (a prose line of an ``ng.*`` input is excluded, see :data:`EXCLUDED5`).
  The privatekey snapshots are one sample per file (a key spans lines); their
  directories carry no ``ng.``/``ok.`` prefix, so the name says it:
  ``placeholder-*`` and ``false-positive-*`` are look-alikes,
  ``private-key-in-json`` is a secret.
- **whispers** (``…/whispers/``): adeptex/whispers test fixtures, each split
  into a compliant part (look-alikes) and a noncompliant part (secrets) by
  the fixture itself: ``# Compliant`` / ``# Noncompliant`` comments,
  ``compliant:`` / ``noncompliant:`` keys (YAML and JSON), ``[compliant]`` /
  ``[noncompliant]`` INI sections; ``.npmrc`` has no marker: its first block
  (values that are variables or empty) is compliant, the block after the
  blank line noncompliant (whispers' test counts those). ``falsepositive/
  keys.yml`` is compliant throughout. One sample per ``key: value`` /
  ``key = value`` / ``KEY=value`` / ``"key": "value"`` line; a list item
  with no name of its own is read with its parent's line before it, and a
  ``value:`` line with the line before it (``- key: token`` names it).

Classes are the providers mlwarden's explain pages claim (``generic`` for
keyword and password samples, ``basic-auth`` for credentials in URLs,
``private-key``); providers mlwarden does not claim are excluded with the
reason. A text sets 1-4 hold is dropped, and so is a text twice in set 5.
Labels the sources contradict are kept as published and carry an
alternative in :data:`DISPUTED5` (scored both ways by ``secrets.py eval``).
A generic secret written unquoted after a name counts only outside Python,
as in sets 1-4.

Everything here (split, classes, exclusions, disputed labels) was written
before the set was first scored. No held-out string is in this repository.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Dict, List, Optional, Tuple

from secrets_heldout3 import _spent, heldout3_samples, heldout4_samples, labelled_sample  # benchmarks/secrets_heldout3.py

#: secretlint snapshot file -> class of its samples (None: per line, see _LINE_CLASS)
SECRETLINT5: Dict[str, Optional[str]] = {
    "slack.ng.found-slack-token.txt": "slack", "slack.ng.user-token.txt": "slack", "slack.ok.valid.txt": "slack",
    "database-connection-string.ng.secret.txt": None, "database-connection-string.ok.valid.txt": None,
    "database-connection-string.ng.mysql.txt": None,
    "basicauth.ng.basic-auth-ftp-url.txt": "basic-auth", "basicauth.ng.basic-auth-ftps-url.txt": "basic-auth",
    "basicauth.ng.real-credentials.txt": "basic-auth", "basicauth.ok.database-urls-not-detected.txt": "basic-auth",
    "basicauth.ok.false-positives-prevented.txt": "basic-auth", "basicauth.ng.basic-auth-in-markdown.txt": "basic-auth",
    "npm.NPM_ACCESS_TOKEN.txt": "npm", "openai.ng.secret.txt": "openai", "openai.ok.valid.txt": "openai",
    "stripe.ng.secret.txt": "stripe", "stripe.ok.valid.txt": "stripe", "sendgrid.ng.apikey.txt": "sendgrid",
    "sendgrid.ok.valid.txt": "sendgrid", "anthropic.ng.secret.txt": "anthropic", "anthropic.ok.valid.txt": "anthropic",
    "github.ng.app_installation_token.txt": "github",
}

#: secretlint privatekey snapshot file (one sample each) -> is it a secret
PRIVATEKEY5: Dict[str, bool] = {
    "privatekey.placeholder-dots": False, "privatekey.placeholder-xxx": False,
    "privatekey.false-positive-placeholder.md": False, "privatekey.private-key-in-json.json": True,
}

#: whispers fixture -> default class of its samples (a URL with a password in it is basic-auth)
WHISPERS5: Dict[str, str] = {
    "passwords.yml": "generic", "apikeys.yml": "generic", "uri.yml": "basic-auth", "hardcoded.yml": "generic",
    ".env": "generic", ".npmrc": "npm", ".pypirc": "generic", "pip.conf": "basic-auth", "webhooks.yml": "webhook",
    "settings01.ini": "generic", "falsepositive.values.yml": "generic", "falsepositive.keys.yml": "generic",
    "passwords.json": "generic",
}

_WEBHOOK_CLASS = {"slack-webhook": "slack", "discord-webhook": "discord"}

#: sample key -> why it is excluded
EXCLUDED5: Dict[str, str] = {
    "secretlint/slack.ng.found-slack-token.txt line[0]": "prose (a documentation link), not a sample",
    "secretlint/sendgrid.ng.apikey.txt line[0]": "prose, not a sample",
    "whispers/apikeys.yml noncompliant line[10]": "`- key: token` names the next line's value; it holds none itself",
    "whispers/hardcoded.yml noncompliant line[4]": "`login: admin`: a user name, the password is the next line",
}
for _hook in ("hubspot-webhook", "twilio-webhook", "outlook-webhook", "zapier-webhook"):
    for _part in ("compliant", "noncompliant"):
        EXCLUDED5[f"whispers/webhooks.yml {_part} {_hook}"] = "a webhook of a provider mlwarden does not claim"

_PLACEHOLDER = "a placeholder the source labels a true positive"
_DOC = "a documented example credential (issue 15: vendors' documented example keys are placeholders)"

#: sample key -> (alternative label, reason): scored both ways
DISPUTED5: Dict[str, Tuple[bool, str]] = {
    "secretlint/stripe.ng.secret.txt line[0]": (False, _PLACEHOLDER + " (one letter repeated after the prefix)"),
    "secretlint/stripe.ng.secret.txt line[1]": (False, _PLACEHOLDER + " (one letter repeated after the prefix)"),
    "secretlint/stripe.ng.secret.txt line[2]": (False, _PLACEHOLDER + " (one letter repeated after the prefix)"),
    "secretlint/stripe.ng.secret.txt line[3]": (False, _PLACEHOLDER + " (one letter repeated after the prefix)"),
    "secretlint/github.ng.app_installation_token.txt line[0]": (False, _DOC + " (jwt.io's sample signature)"),
    "secretlint/basicauth.ng.basic-auth-ftp-url.txt line[0]": (False, _PLACEHOLDER + " (`user:pass`)"),
    "secretlint/basicauth.ng.basic-auth-ftps-url.txt line[0]": (False, _PLACEHOLDER + " (`admin:password`)"),
    "secretlint/basicauth.ng.basic-auth-in-markdown.txt line[0]": (False, _PLACEHOLDER + " (`user:pass`)"),
    "secretlint/basicauth.ng.basic-auth-in-markdown.txt line[1]": (False, _PLACEHOLDER + " (`user:pass`)"),
    "secretlint/basicauth.ng.basic-auth-in-markdown.txt line[2]": (False, _PLACEHOLDER + " (`user:pass`)"),
    "secretlint/database-connection-string.ng.mysql.txt line[4]": (False, _PLACEHOLDER + " (the password `secret`)"),
    "secretlint/database-connection-string.ng.mysql.txt line[5]": (False, _PLACEHOLDER + " (the password `secret`)"),
    "secretlint/database-connection-string.ng.mysql.txt line[6]": (False, _PLACEHOLDER + " (`myPassword`, connectionstrings.com's example)"),
    "secretlint/sendgrid.ng.apikey.txt line[2]": (False, "the key is glued inside words (`som…where`): no token boundary"),
    "whispers/.npmrc noncompliant line[3]": (False, "`$ecret` reads as a shell variable"),
    "whispers/.npmrc noncompliant line[2]": (False, _PLACEHOLDER + " (`eyFake1.eyJFake2.Fake3`)"),
    "whispers/webhooks.yml noncompliant slack-webhook": (False, _PLACEHOLDER + " (`HARDC0D3D` ids, `hardcodedWebhook01`)"),
    "whispers/webhooks.yml noncompliant discord-webhook": (False, _PLACEHOLDER + " (`123456789…` id, `hardcodedWebhook06`)"),
}

_LINE_SKIP = re.compile(r"\s*(?:#.*|\[[^\]]*\]|[{}\[\],]*|\S[^:=]*:\s*|\"[^\"]*\"\s*:\s*[\[{]\s*)")
_SECTION = re.compile(r"\s*(?:#\s*|\[|\"?)(non)?compliant\b", re.IGNORECASE)
_KEY = re.compile(r"\s*(?:-\s*)?(?:export\s+)?\"?([\w.-]+)\"?\s*[:=]")


def _sample(key: str, cls: str, text: str, secret: bool, source: str) -> dict:
    return labelled_sample(DISPUTED5, key, cls, text, secret, source)


def _db_class(line: str) -> str:
    return "basic-auth" if re.search(r"://[^/\s\"]*:[^/\s\"]*@", line) else "generic"


def _secretlint(root: Path) -> List[dict]:
    out = []
    for name, cls in SECRETLINT5.items():
        secret = ".ng." in name or name.startswith("npm.")
        lines = [l for l in (root / name).read_text(encoding="utf-8").splitlines()
                 if l.strip() and not l.lstrip().startswith("#")]
        for i, line in enumerate(lines):
            out.append(_sample(f"secretlint/{name} line[{i}]", cls or _db_class(line), line, secret, "secretlint"))
    for name, secret in PRIVATEKEY5.items():
        out.append(_sample(f"secretlint/{name}", "private-key", (root / name).read_text(encoding="utf-8"),
                           secret, "secretlint"))
    return out


def _whispers(root: Path) -> List[dict]:
    out = []
    for name, default in WHISPERS5.items():
        text = (root / name).read_text(encoding="utf-8")
        part = "compliant"
        parent = ""
        previous = ""
        counter: Dict[str, int] = {}
        npmrc = name == ".npmrc"
        for line in text.splitlines():
            marker = _SECTION.match(line)
            if marker and len(line.strip().strip("#[]\":{ ").split()) <= 1:
                part = "noncompliant" if marker.group(1) else "compliant"
                parent = previous = ""
                continue
            if npmrc and not line.strip():
                part = "noncompliant"
                continue
            if not line.strip() or (_LINE_SKIP.fullmatch(line) and not npmrc):
                if line.strip() and not line.lstrip().startswith("#") and line.rstrip().endswith((":", "[", "{")):
                    parent = line
                elif line.lstrip().startswith("#") and part == "noncompliant" and "=" in line:
                    pass  # a commented-out assignment in the noncompliant part is a sample (below)
                else:
                    continue
                if not line.lstrip().startswith("#"):
                    continue
            named = _KEY.match(line)
            sample = line
            if not named or not named.group(1):
                sample = parent + "\n" + line if parent else line
            elif named.group(1) == "value" and previous:
                sample = previous + "\n" + line
            previous = line
            n = counter.get(part, 0)
            counter[part] = n + 1
            label = named.group(1) if named and name == "webhooks.yml" else f"line[{n}]"
            key = f"whispers/{name} {part} {label}"
            cls = default
            if name == "webhooks.yml":
                cls = _WEBHOOK_CLASS.get(label, "webhook")
            elif default == "generic" and re.search(r"://[^/\s\"]*:[^/\s\"@]+@", line):
                cls = "basic-auth"
            out.append(_sample(key, cls, sample, part == "noncompliant", "whispers"))
    return out


def heldout5_samples(root: Path, corpus: Path) -> List[dict]:
    """Set 5, without excluded samples, texts sets 1-4 hold, and repeats."""
    if not (root / "SOURCES.txt").is_file():
        raise SystemExit(f"secrets_heldout5: {root}/SOURCES.txt is missing: fetch the files it lists first")
    seen = _spent(corpus)
    for n, reader in ((3, heldout3_samples), (4, heldout4_samples)):
        if (corpus / f"secrets-heldout{n}" / "SOURCES.txt").is_file():
            seen |= {s["text"].strip() for s in reader(corpus / f"secrets-heldout{n}", corpus)}
    out = []
    for sample in _secretlint(root / "secretlint") + _whispers(root / "whispers"):
        key = sample["text"].strip()
        if sample["rule"] in EXCLUDED5 or key in seen or sample["class"] == "webhook":
            continue
        seen.add(key)
        out.append(sample)
    return out
