"""Held-out set 2 of issue 15 (round 2): published true and false positives
from sources that neither the detectors nor held-out set 1 used.

As for set 1 (:mod:`secrets_heldout`), the files are other projects' data and
are never committed: they live in ``benchmarks/.corpus/secrets-heldout2/``
(gitignored), saved verbatim, with ``SOURCES.txt`` naming repository, path
and commit of each. This module reads and labels them:

- **kingfisher/*.yml** (mongodb/kingfisher rule files): a rule's ``examples``
  are secrets, its ``negative_examples`` are not (:data:`KINGFISHER` gives the
  class). Kingfisher took many rules from Nosey Parker: a text that set 1
  already holds is dropped (set 1 is spent), and so is a text twice in set 2;
- **detect-secrets/*_test.py** (Yelp/detect-secrets plugin tests not used by
  set 1): the ``(payload, should_flag)`` tables, and the older
  ``file_content`` tables whose test asserts one finding (all secrets);
- **semgrep-rules/*.txt** (semgrep/semgrep-rules ``generic/secrets`` tests not
  used by set 1): the line after a ``# ruleid:`` / ``// ruleid:`` comment is a
  secret, after ``# ok:`` is not (the comment may be indented);
- **secretlint/*** (secretlint/secretlint rule snapshots): a snapshot's
  ``input`` is one sample, a secret unless its directory starts with ``ok.``.

Labels the sources contradict are kept as published and carry an alternative
in :data:`DISPUTED2`; ``secrets.py eval --set heldout2`` scores both ways.
Everything here was written before the set was first scored. (Repeats are
dropped before labels apply: semgrep's JWT lines are detect-secrets' JWT rows
again, and detect-secrets' "GitLab is not GitHub" row is a set 1 text.)
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Callable, Dict, List, Optional, Tuple

from secrets_heldout import _sample, heldout_samples  # benchmarks/secrets_heldout.py
from secrets_heldout import _semgrep as _semgrep_lines

#: Kingfisher rule id -> class
KINGFISHER: Dict[str, Optional[str]] = {
    "kingfisher.huggingface.1": "huggingface", "kingfisher.openai.1": "openai",
    "kingfisher.anthropic.1": "anthropic", "kingfisher.groq.1": "groq", "kingfisher.replicate.1": "replicate",
    "kingfisher.xai.1": "xai", "kingfisher.aws.1": "aws", "kingfisher.aws.2": "aws", "kingfisher.aws.4": "aws",
    "kingfisher.gitlab.1": "gitlab", "kingfisher.gitlab.2": "gitlab", "kingfisher.gitlab.3": "gitlab",
}

#: detect-secrets test file -> class
DETECT_SECRETS2: Dict[str, str] = {
    "password_test.py": "generic", "gitlab_token_test.py": "gitlab", "gcp_api_test.py": "google",
    "basic_auth_test.py": "basic-auth", "npm_test.py": "npm", "pypi_token_test.py": "pypi", "jwt_test.py": "jwt",
    "slack_test.py": "slack", "stripe_key_test.py": "stripe", "twilio_test.py": "twilio",
    "sendgrid_test.py": "sendgrid", "telegram_token_test.py": "telegram", "discord_test.py": "discord",
    "mailchimp_key_test.py": "mailchimp",
}

#: semgrep-rules test file -> class
SEMGREP2: Dict[str, str] = {
    "detected-google-cloud-api-key.txt": "google", "detected-google-oauth-access-token.txt": "google",
    "detected-azure-storage-key.txt": "azure-storage", "detected-aws-access-key-id-value.txt": "aws",
    "detected-npm-token.txt": "npm", "detected-sendgrid-api-key.txt": "sendgrid",
    "detected-slack-webhook.txt": "slack", "detected-stripe-api-key.txt": "stripe",
    "detected-twilio-api-key.txt": "twilio", "detected-jwt-token.txt": "jwt",
    "detected-mailchimp-api-key.txt": "mailchimp", "detected-username-and-password-in-uri.txt": "basic-auth",
}

#: secretlint snapshot input -> class
SECRETLINT: Dict[str, str] = {
    "aws.ok.AWS Secret Access Key.input": "aws", "aws.AWS Secret Access Key.input": "aws",
    "github.ng.fine_grained_pat.input.txt": "github",
}

#: sample key -> reason it is left out
EXCLUDED2: Dict[str, str] = {
    "detect-secrets/gcp_api_test.py row[2]": "a Google OAuth client id: an identifier, not a secret (as in set 1)",
}

_PLACEHOLDER = "a placeholder the source labels a true positive"
_STILL = "the source's negative means 'this detector's pattern must not match'; the text still holds a credential"
#: sample key -> (alternative label, reason): scored both ways
DISPUTED2: Dict[str, Tuple[bool, str]] = {
    "kingfisher/groq.yml kingfisher.groq.1 examples[0]": (False, _PLACEHOLDER + " (sequential alphabet and digits)"),
    "kingfisher/replicate.yml kingfisher.replicate.1 examples[0]": (False, _PLACEHOLDER + " (sequential alphabet)"),
    "kingfisher/xai.yml kingfisher.xai.1 examples[0]": (False, _PLACEHOLDER + " (sequential alphabet and digits)"),
    "detect-secrets/password_test.py row[1]": (False, "the value is the word `noentropy`: the source's point is that it has none"),
    "detect-secrets/gitlab_token_test.py row[0]": (False, _PLACEHOLDER + " (`hello world testing`)"),
    "detect-secrets/gitlab_token_test.py row[3]": (False, _PLACEHOLDER + " (`hello world yep`)"),
    "detect-secrets/gitlab_token_test.py row[6]": (False, _PLACEHOLDER + " (`prefix hello world testing pretty long token`)"),
    "detect-secrets/basic_auth_test.py row[0]": (False, _PLACEHOLDER + " (`username:password`)"),
    "detect-secrets/npm_test.py row[3]": (False, _PLACEHOLDER + " (`npm_xxx…`)"),
    "detect-secrets/npm_test.py row[4]": (False, _PLACEHOLDER + " (base64 of `test:test`)"),
    "detect-secrets/npm_test.py row[5]": (False, _PLACEHOLDER + " (base64 of `admin:password`)"),
    "detect-secrets/npm_test.py row[6]": (False, _PLACEHOLDER + " (`foobar`)"),
    "detect-secrets/npm_test.py row[7]": (False, _PLACEHOLDER + " (base64 of `test:test`)"),
    "detect-secrets/npm_test.py row[8]": (False, _PLACEHOLDER + " (base64 of `Hello World`)"),
    "detect-secrets/npm_test.py row[9]": (False, _PLACEHOLDER + " (`MYTOKEN2`)"),
    "detect-secrets/npm_test.py row[10]": (False, _PLACEHOLDER + " (`CUSTOM_TOKEN_123`)"),
    "detect-secrets/npm_test.py row[11]": (False, _PLACEHOLDER + " (`abc123def456`)"),
    "detect-secrets/npm_test.py row[12]": (False, _PLACEHOLDER + " (`token_with_underscores`)"),
    "detect-secrets/npm_test.py row[13]": (False, _PLACEHOLDER + " (`token-with-hyphens`)"),
    "detect-secrets/npm_test.py row[14]": (False, _PLACEHOLDER + " (`MYTOKEN2`)"),
    "detect-secrets/npm_test.py row[15]": (True, _STILL + " (a UUID npm token)"),
    "detect-secrets/npm_test.py row[16]": (True, _STILL + " (a UUID npm token)"),
    "detect-secrets/npm_test.py row[17]": (True, _STILL + " (a UUID npm token)"),
    "detect-secrets/npm_test.py row[18]": (True, _STILL + " (a UUID npm token)"),
    "detect-secrets/jwt_test.py row[0]": (False, "jwt.io's documented example token"),
    "detect-secrets/jwt_test.py row[1]": (False, "an unsigned JWT (no third part) of jwt.io's example claims"),
    "detect-secrets/jwt_test.py row[2]": (False, "an unsigned JWT (no third part)"),
    "detect-secrets/jwt_test.py row[3]": (False, "jwt.io's documented example with another name"),
    "detect-secrets/jwt_test.py row[5]": (False, "jwt.io's documented example without its signature"),
    "detect-secrets/slack_test.py row[7]": (False, _PLACEHOLDER + " (`Txxxxxxxx/Bxxxxxxxx/xxx…`)"),
    "detect-secrets/twilio_test.py row[0]": (False, _PLACEHOLDER + " (`SKxxx…`)"),
    "detect-secrets/twilio_test.py row[1]": (False, _PLACEHOLDER + " (`ACxxx…`)"),
    "semgrep-rules/detected-google-cloud-api-key.txt line[1]": (False, "not a key: a backslash inside the key's alphabet"),
    "semgrep-rules/detected-aws-access-key-id-value.txt line[0]": (False, "AWS's documented example access key id"),
    "semgrep-rules/detected-aws-access-key-id-value.txt line[1]": (False, "AWS's documented example access key id"),
    "semgrep-rules/detected-npm-token.txt line[0]": (False, _PLACEHOLDER + " (`xxx…`)"),
    "semgrep-rules/detected-slack-webhook.txt line[0]": (False, _PLACEHOLDER + " (`T12345678/B12345678/abcd1234…`)"),
    "semgrep-rules/detected-slack-webhook.txt line[1]": (False, _PLACEHOLDER + " (`T12345678/B1234567890/abcd1234…`)"),
    "semgrep-rules/detected-username-and-password-in-uri.txt line[1]": (False, "a partly masked password (`**…*`)"),
    "secretlint/aws.AWS Secret Access Key.input": (False, "AWS's documented example secret key"),
}


def _with_alt(sample: dict) -> dict:
    alt = DISPUTED2.get(sample["rule"])
    return dict(sample, alt=alt[0] if alt else None, why=alt[1] if alt else "")


def _kingfisher(root: Path) -> List[dict]:
    import yaml

    out: List[dict] = []
    for path in sorted((root / "kingfisher").glob("*.yml")):
        for rule in yaml.safe_load(path.read_text(encoding="utf-8"))["rules"]:
            rid = rule["id"]
            if rid not in KINGFISHER:
                raise SystemExit(f"secrets_heldout2: {path.name}: rule {rid} has no class (add it to KINGFISHER)")
            cls = KINGFISHER[rid]
            if cls is None:
                continue
            for field, secret in (("examples", True), ("negative_examples", False)):
                for i, text in enumerate(rule.get(field) or ()):
                    out.append(_sample(f"kingfisher/{path.name} {rid} {field}[{i}]", cls, text, secret, "kingfisher"))
    return out


def _rows(tree: ast.AST) -> List[Tuple[str, bool]]:
    """``(payload, should_flag)`` rows of every ``parametrize(…should_flag…, [...])``,
    and ``parametrize('file_content', [...])`` rows (their test asserts one finding)."""
    rows: List[Tuple[str, bool]] = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and len(node.args) >= 2 and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[1], (ast.List, ast.Tuple))):
            continue
        names = str(node.args[0].value)
        if "should_flag" in names:
            for elt in node.args[1].elts:
                payload, flag = ast.literal_eval(elt)
                rows.append((payload, bool(flag)))
        elif names == "file_content":
            rows.extend((ast.literal_eval(elt), True) for elt in node.args[1].elts)
    return rows


def detect_secrets_tables(root: Path, table: Dict[str, str], rows: Callable[[ast.Module], List[Tuple[str, bool]]],
                          make: Callable[..., dict] = _sample) -> List[dict]:
    """The samples of the detect-secrets test files in ``table`` (file ->
    class), read by ``rows`` (a parsed module -> (text, secret) rows)."""
    out: List[dict] = []
    for name, cls in table.items():
        path = root / "detect-secrets" / name
        if not path.is_file():
            raise SystemExit(f"secrets held-out reader: {path} is missing (see SOURCES.txt)")
        for i, (text, secret) in enumerate(rows(ast.parse(path.read_text(encoding="utf-8")))):
            out.append(make(f"detect-secrets/{name} row[{i}]", cls, text, secret, "detect-secrets"))
    return out


def _detect_secrets(root: Path) -> List[dict]:
    return detect_secrets_tables(root, DETECT_SECRETS2, _rows)


_LABEL = re.compile(r"^\s*(?:#|//)\s*(ruleid|ok):")


def _semgrep(root: Path) -> List[dict]:
    return _semgrep_lines(root, SEMGREP2, _LABEL)


def _secretlint(root: Path) -> List[dict]:
    return [_sample(f"secretlint/{name}", cls, (root / "secretlint" / name).read_text(encoding="utf-8"),
                    ".ok." not in f".{name}", "secretlint")
            for name, cls in SECRETLINT.items()]


def heldout2_samples(root: Path, set1_root: Optional[Path] = None) -> List[dict]:
    """Every sample of set 2 (dicts like :func:`secrets_heldout.heldout_samples`'),
    without the excluded ones, the texts set 1 holds (when ``set1_root`` is
    given) and repeats (the first of equal texts is kept)."""
    if not (root / "SOURCES.txt").is_file():
        raise SystemExit(f"secrets_heldout2: {root}/SOURCES.txt is missing: fetch the files it lists first")
    seen = set()
    if set1_root is not None and (set1_root / "SOURCES.txt").is_file():
        seen = {s["text"].strip() for s in heldout_samples(set1_root)}
    out = []
    for sample in _kingfisher(root) + _detect_secrets(root) + _semgrep(root) + _secretlint(root):
        key = sample["text"].strip()
        if sample["rule"] in EXCLUDED2 or key in seen:
            continue
        seen.add(key)
        out.append(_with_alt(sample))
    return out
