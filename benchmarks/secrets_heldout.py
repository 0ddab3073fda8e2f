"""The held-out secrets set of issue 15: published true and false positives
that nobody used while building mlwarden's secrets detectors.

The files themselves are other projects' data and are never committed: they
live in ``benchmarks/.corpus/secrets-heldout/`` (gitignored), saved verbatim
from public repositories, with ``SOURCES.txt`` naming repository, path and
commit of each. This module only knows how to read them and how to label
what they hold:

- **noseyparker/*.yml** (praetorian-inc/noseyparker rule files): each rule's
  ``examples`` are secrets, its ``negative_examples`` are not, and the rule id
  gives the class (:data:`NOSEYPARKER`). A negative example of one rule that
  another included rule lists as an example is a secret (Nosey Parker's
  negatives say "this rule must not match", not "nothing here");
- **detect-secrets/*_test.py** (Yelp/detect-secrets plugin tests): the
  ``(payload, should_flag)`` tables, read with :mod:`ast` (never imported);
  ``keyword_test.py``'s positive and negative dictionaries;
- **semgrep-rules/*.txt** (semgrep/semgrep-rules ``generic/secrets``): the line
  after ``# ruleid:`` is a secret, the line after ``# ok:`` is not.

Labels the sources themselves contradict (a placeholder listed as a true
positive, a negative example marked FIXME "should match") are kept as
published and carry an alternative label in :data:`DISPUTED` with the reason;
``secrets.py eval --set heldout`` scores both ways. Samples are identified by
file, rule and position only: no held-out string appears in this repository.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Dict, List, Optional, Tuple

#: Nosey Parker rule id -> class; ``None`` = excluded (reason in EXCLUDED)
NOSEYPARKER: Dict[str, Optional[str]] = {
    "np.github.1": "github", "np.github.2": "github", "np.github.3": "github", "np.github.4": "github",
    "np.github.7": "github", "np.github.5": None, "np.github.6": "generic",
    "np.azure.1": "azure-storage", "np.azure.2": None, "np.azure.3": "generic",
    "np.aws.1": "aws", "np.aws.2": "aws", "np.aws.4": "aws", "np.aws.5": "aws", "np.aws.6": "aws",
    "np.aws.3": None, "np.s3.1": None, "np.s3.2": None, "np.arn.1": None, "np.appsync.1": None,
    **{f"np.generic.{n}": "generic" for n in range(1, 15)},
    "np.huggingface.1": "huggingface", "np.openai.1": "openai", "np.anthropic.1": "anthropic",
    "np.google.5": "google", "np.google.2": "generic", "np.google.3": "generic", "np.google.4": "generic",
    "np.google.6": "generic", "np.google.1": None, "np.gcs.1": None, "np.gcs.2": None,
    "np.gitlab.1": "gitlab", "np.gitlab.2": "gitlab", "np.gitlab.3": "gitlab",
    "np.databricks.1": "databricks", "np.groq.1": "groq",
}

#: detect-secrets test file -> class (rows filtered by DETECT_SECRETS_ROWS)
DETECT_SECRETS: Dict[str, str] = {
    "github_token_test.py": "github",
    "openai_test.py": "openai",
    "aws_key_test.py": "aws",
    "aws_secret_access_key_test.py": "aws",
    "amazon_bedrock_test.py": "aws-bedrock",
    "azure_test.py": "azure-storage",
    "keyword_test.py": "generic",
}

#: semgrep-rules test file -> class
SEMGREP: Dict[str, str] = {
    "detected-github-token.txt": "github",
    "detected-generic-api-key.txt": "generic",
    "detected-generic-secret.txt": "generic",
    "detected-aws-secret-access-key.txt": "aws",
    "detected-aws-session-token.txt": "aws",
    "detected-google-api-key.txt": "google",
}

#: what is left out of the fetched files, and why
EXCLUDED: Dict[str, str] = {
    "np.github.5": "a GitHub OAuth client id: an identifier, not a secret (its only example is np.github.6's text)",
    "np.azure.2": "Azure App Configuration connection strings: not a provider mlwarden claims",
    "np.aws.3": "AWS account ids: identifiers, not secrets",
    "np.s3.1": "S3 bucket names: identifiers", "np.s3.2": "S3 bucket names: identifiers",
    "np.arn.1": "ARNs: identifiers",
    "np.appsync.1": "AWS AppSync API keys: not claimed (AWS documents them as possibly public)",
    "np.google.1": "Google OAuth client ids: identifiers", "np.gcs.1": "GCS bucket names: identifiers",
    "np.gcs.2": "GCS bucket names: identifiers",
    "azure_test.py": "only the rows holding an `AccountKey=` (Azure Storage / Cosmos account keys, which mlwarden "
                     "claims through detect-secrets' Azure storage detector); the SQL, PostgreSQL, MySQL, Redis, "
                     "Service Bus, IoT, Functions and SignalR connection strings are not a claimed class",
    "aws_key_test.py": "only test_analyze's table (the other tests verify keys against AWS)",
    "keyword_test.py": "test_analyze_quotes_required_negatives' extra rows and test_analyze_yaml_negatives "
                       "label one file type (detect-secrets' parser quirks), not the text; the positives that "
                       "need no quotes count only in non-Python files",
}

#: sample key -> (alternative label, reason): scored both ways
_PLACEHOLDER = "a placeholder the source labels a true positive"
DISPUTED: Dict[str, Tuple[bool, str]] = {
    "noseyparker/aws.yml np.aws.1 examples[0]": (False, _PLACEHOLDER + " (sequential alphabet after the prefix)"),
    "noseyparker/aws.yml np.aws.1 examples[1]": (False, _PLACEHOLDER + " (a repeated hex word)"),
    "noseyparker/aws.yml np.aws.2 examples[0]": (False, _PLACEHOLDER + " (40 times one letter)"),
    "noseyparker/aws.yml np.aws.2 examples[1]": (False, _PLACEHOLDER + " (40 times one letter)"),
    "noseyparker/aws.yml np.aws.2 negative_examples[0]": (True, "a long random value named as an AWS secret key"),
    "noseyparker/aws.yml np.aws.2 negative_examples[4]": (True, "marked FIXME: the source says it should be found"),
    "noseyparker/generic.yml np.generic.1 negative_examples[0]": (True, "marked FIXME: the source says it should be found"),
    "noseyparker/generic.yml np.generic.1 negative_examples[1]": (True, "marked FIXME: the source says it should be found"),
    "noseyparker/generic.yml np.generic.1 negative_examples[2]": (True, "marked FIXME: the source says it should be found"),
    "noseyparker/generic.yml np.generic.3 negative_examples[2]": (True, "marked FIXME: the source says it should be found"),
    "noseyparker/generic.yml np.generic.4 examples[2]": (False, _PLACEHOLDER + " (a masked password)"),
    "noseyparker/generic.yml np.generic.4 negative_examples[0]": (True, "a quoted password that np.generic.6's pattern matches"),
    "noseyparker/generic.yml np.generic.5 examples[2]": (False, "a string fragment concatenated with variables, not a password"),
    "noseyparker/generic.yml np.generic.5 examples[9]": (False, _PLACEHOLDER + " (YOUR… text)"),
    "noseyparker/generic.yml np.generic.5 negative_examples[2]": (True, "a quoted password that np.generic.6's pattern matches"),
    "noseyparker/generic.yml np.generic.8 examples[0]": (False, _PLACEHOLDER + " (the word itself as the password)"),
    "noseyparker/google.yml np.google.3 examples[0]": (False, _PLACEHOLDER + " (one letter repeated)"),
    "detect-secrets/aws_key_test.py row[0]": (False, _PLACEHOLDER + " (one letter repeated after the prefix)"),
    "detect-secrets/amazon_bedrock_test.py row[0]": (False, _PLACEHOLDER + " (EXAMPLE repeated)"),
    "detect-secrets/amazon_bedrock_test.py row[2]": (False, _PLACEHOLDER + " (ends in EXAMPLE)"),
    "detect-secrets/aws_secret_access_key_test.py row[5]": (False, "AWS's documented example secret key"),
    "detect-secrets/aws_secret_access_key_test.py row[6]": (False, "AWS's documented example secret key"),
    "detect-secrets/aws_secret_access_key_test.py row[7]": (False, "AWS's documented example secret key"),
    "semgrep-rules/detected-generic-api-key.txt line[0]": (False, _PLACEHOLDER + " (a run of digits)"),
    "semgrep-rules/detected-generic-api-key.txt line[1]": (False, _PLACEHOLDER + " (a run of digits)"),
    "semgrep-rules/detected-generic-secret.txt line[0]": (False, _PLACEHOLDER + " (a run of digits)"),
    "semgrep-rules/detected-generic-secret.txt line[1]": (False, _PLACEHOLDER + " (a run of digits)"),
    "semgrep-rules/detected-aws-secret-access-key.txt line[0]": (False, "a variant of AWS's documented example secret key"),
    "semgrep-rules/detected-aws-secret-access-key.txt line[1]": (False, "a variant of AWS's documented example secret key"),
}


def _sample(key: str, cls: str, text: str, secret: bool, source: str, python: bool = True) -> dict:
    alt = DISPUTED.get(key)
    return {"class": cls, "rule": key, "text": text, "secret": secret, "source": source,
            "alt": alt[0] if alt else None, "why": alt[1] if alt else "", "python": python}


def _noseyparker(root: Path) -> List[dict]:
    import yaml

    out: List[dict] = []
    positives = set()
    rows = []
    for path in sorted((root / "noseyparker").glob("*.yml")):
        for rule in yaml.safe_load(path.read_text(encoding="utf-8"))["rules"]:
            rid = rule["id"]
            if rid not in NOSEYPARKER:
                raise SystemExit(f"secrets_heldout: {path.name}: rule {rid} has no class (add it to NOSEYPARKER)")
            cls = NOSEYPARKER[rid]
            if cls is None:
                continue
            for field, secret in (("examples", True), ("negative_examples", False)):
                for i, text in enumerate(rule.get(field) or ()):
                    rows.append((f"noseyparker/{path.name} {rid} {field}[{i}]", cls, text, secret))
                    if secret:
                        positives.add(text)
    seen = set()
    for key, cls, text, secret in rows:
        if text in seen or (text in positives and not secret):
            continue  # the same text twice (np.github.5/6, np.generic.3/4, 9/10): once, a secret if any rule says so
        seen.add(text)
        # np.generic.4's examples are unquoted values: names, in a Python file
        out.append(_sample(key, cls, text, secret, "noseyparker", python=not key.startswith("noseyparker/generic.yml np.generic.4 examples")))
    return out


def _parametrize_rows(tree: ast.AST) -> List[Tuple[str, bool]]:
    """``(payload, should_flag)`` rows of every ``parametrize('…should_flag', [...])``."""
    rows = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and len(node.args) >= 2 and isinstance(node.args[0], ast.Constant)
                and "should_flag" in str(node.args[0].value) and isinstance(node.args[1], (ast.List, ast.Tuple))):
            continue
        for elt in node.args[1].elts:
            payload, flag = ast.literal_eval(elt)
            rows.append((payload, bool(flag)))
    return rows


def _keyword_rows(tree: ast.Module) -> List[Tuple[str, bool, bool]]:
    """keyword_test.py: (text, secret, counts-in-python) from the module's
    positive/negative dictionaries and the JavaScript/PHP negatives' lists."""
    rows: List[Tuple[str, bool, bool]] = []
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Dict):
            table = ast.literal_eval(node.value)
            for kind, secret in (("positives", True), ("negatives", False)):
                for quoting, texts in table.get(kind, {}).items():
                    for text in texts:
                        rows.append((text, secret, not (secret and quoting == "quotes_not_required")))
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name in ("test_analyze_javascript_negatives", "test_analyze_php_negatives"):
            for deco in node.decorator_list:
                for sub in ast.walk(deco):
                    if isinstance(sub, ast.BinOp) and isinstance(sub.right, ast.List):
                        rows.extend((text, False, True) for text in ast.literal_eval(sub.right))
    return rows


def _detect_secrets(root: Path) -> List[dict]:
    out: List[dict] = []
    for name, cls in DETECT_SECRETS.items():
        path = root / "detect-secrets" / name
        if not path.is_file():
            raise SystemExit(f"secrets_heldout: {path} is missing (see SOURCES.txt)")
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if name == "keyword_test.py":
            seen = set()
            for i, (text, secret, python) in enumerate(_keyword_rows(tree)):
                if text not in seen:
                    seen.add(text)
                    out.append(_sample(f"detect-secrets/{name} row[{i}]", cls, text, secret, "detect-secrets", python))
            continue
        for i, (text, secret) in enumerate(_parametrize_rows(tree)):
            if name == "azure_test.py" and "AccountKey=" not in text:
                continue
            out.append(_sample(f"detect-secrets/{name} row[{i}]", cls, text, secret, "detect-secrets"))
    return out


_LABEL = re.compile(r"^#\s*(ruleid|ok):")


def _semgrep(root: Path, table: Optional[Dict[str, str]] = None, comment: "re.Pattern[str]" = _LABEL) -> List[dict]:
    """The labelled lines of the semgrep test files in ``table`` (file ->
    class; default :data:`SEMGREP`); ``comment`` matches a label comment."""
    out: List[dict] = []
    for name, cls in (SEMGREP if table is None else table).items():
        lines = (root / "semgrep-rules" / name).read_text(encoding="utf-8").splitlines()
        n = 0
        for i, line in enumerate(lines):
            label = comment.match(line)
            if label and i + 1 < len(lines):
                out.append(_sample(f"semgrep-rules/{name} line[{n}]", cls, lines[i + 1] + "\n", label.group(1) == "ruleid", "semgrep"))
                n += 1
    return out


def heldout_samples(root: Path) -> List[dict]:
    """Every held-out sample (dicts like ``secrets.py``'s, plus ``alt``: the
    disputed alternative label or None, ``why``, and ``python``: whether the
    label holds when the text is checked as a Python file)."""
    if not (root / "SOURCES.txt").is_file():
        raise SystemExit(f"secrets_heldout: {root}/SOURCES.txt is missing: fetch the files it lists first")
    return _noseyparker(root) + _detect_secrets(root) + _semgrep(root)


def relabelled(samples: List[dict]) -> List[dict]:
    """The samples with every disputed label replaced by its alternative."""
    return [dict(s, secret=s["alt"]) if s["alt"] is not None else s for s in samples]
