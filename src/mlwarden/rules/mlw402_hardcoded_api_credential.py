from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: libcst is imported when a file needs it
    import libcst

from typing import Any, Optional

from mlwarden.core.finding import Severity, redact
from mlwarden.core.lazy import cst
from mlwarden.core.rule import CodeRule, Invalid, Valid
from mlwarden.core.suppress import allowlisted_secret
from mlwarden.secrets.names import (
    AUTH_HEADERS,
    CREDENTIAL_ATTRIBUTES,
    CREDENTIAL_KEYWORDS,
    HEADER_KEYWORDS,
    HTTP_PACKAGES,
    ML_PACKAGES,
    POSITIONAL_SINKS,
    is_credential_env,
    is_ml_package,
    sink_keyword,
)
from mlwarden.core import lazyre as re
from mlwarden.secrets.noise import auth_scheme_value, is_placeholder, names_a_credential

#: a value made of words (each lower-case, Capitalised or upper-case, with at
#: most 4 digits after it) and numbers: a name, not a key (`"offline-key"`,
#: `"another.api.key"`, `"replicate_key"`, `"Bearer token123"`); a random part
#: (`team-token-7d1e9a0c3b`, `QkxZrtPLmw`) keeps it a credential; a word may
#: be camelCase (`masterKey`, Meilisearch's documented default key)
_WORD = r"(?:(?:[a-z]+(?:[A-Z][a-z]{2,})*|[A-Z][a-z]*(?:[A-Z][a-z]{2,})*|[A-Z]+)\d{0,4}|\d+)"
_WORDS_ONLY = re.compile(_WORD + r"(?:[-_. ]" + _WORD + r")*")

ENV_TARGETS = ("os.environ",)
ENV_CALLS = ("os.environ.setdefault", "os.putenv", "os.environ.update")


class HardcodedApiCredential(CodeRule):
    """## What it does
    Flags a string literal passed as a credential to an ML API, whatever its
    format:

    - a credential keyword of an ML SDK call: `huggingface_hub.login(token="…")`,
      `from_pretrained(..., token="…")`, `OpenAI(api_key="…")`,
      `Anthropic(api_key="…")`, `ChatOpenAI(openai_api_key="…")`,
      `boto3.client(..., aws_secret_access_key="…")`, `wandb.login(key="…")`;
    - the positional credential of `huggingface_hub.login("…")`,
      `cohere.Client("…")`, `replicate.Client("…")`;
    - an `Authorization` (or `X-API-Key`) header written as a literal in the
      `headers=` of an ML SDK or HTTP client call:
      `requests.post(url, headers={"Authorization": "Bearer …"})`,
      `OpenAI(default_headers={"X-API-Key": "…"})`;
    - a module attribute: `openai.api_key = "…"`;
    - a credential environment variable set in code:
      `os.environ["HF_TOKEN"] = "…"`, `os.environ.setdefault("OPENAI_API_KEY", "…")`,
      `os.environ.update(WANDB_API_KEY="…")`, `os.putenv(…)`.

    The finding points at the argument (`token=…`, `aws_secret_access_key=…`,
    `headers=…`), in code files and notebook cells alike. Values are followed
    through module-level constants. A value that MLW401
    reports is left to it, so one secret gives one finding: a recognised token
    format (an `hf_…` token, an OpenAI key …, reported with its type), or a
    detect-secrets keyword hit such as `openai.api_key = "…"` or
    `password = "…"` on the same statement. A value holding GitHub or GitLab
    checksummed token shapes none of whose checksums verifies (`ghp_…` glued
    to more letters with a wrong CRC32: no token the provider issued) is
    reported at medium severity, as MLW401 reports such a token.

    ## Why is this bad?
    The literal is a credential: committing it leaks it to everyone who can
    read the repository and its history. This rule also catches keys whose
    format no detector knows (self-hosted endpoints, new providers) because
    the *place* says it is a credential.

    ## Example
    ```python
    from huggingface_hub import login

    login(token="team-read-token-7d1e9a0c3b")
    ```

    ## Use instead
    ```python
    import os

    from huggingface_hub import login

    login(token=os.environ["HF_TOKEN"])
    ```
    For notebooks, `huggingface_hub.notebook_login()` or `getpass.getpass()`
    prompt for the token without storing it in the notebook.

    ## Known problems
    Placeholders (`"<your token>"`, `"hf_xxx"`, `"${TOKEN}"`, values shorter
    than 8 characters) are not reported, nor values made only of words and
    numbers (`"offline-key"`, `"another.api.key"`, `"Bearer token123"`, camelCase
    `"masterKey"`: a random part such as `ci-token-4e8b2f0a7c` keeps a value
    reported), and neither are non-literal values
    (`os.environ[...]`, `getpass()`, function parameters). The flake8 plugin
    runs only code rules, so it shows this rule but not MLW401.
    `# pragma: allowlist secret` and `# noqa: MLW402` silence a statement.

    ## References
    - [CWE-798: Use of Hard-coded Credentials](https://cwe.mitre.org/data/definitions/798.html)
    - [OWASP LLM02:2025 Sensitive Information Disclosure](https://genai.owasp.org/llmrisk/llm022025-sensitive-information-disclosure/)
    - [huggingface_hub: login](https://huggingface.co/docs/huggingface_hub/package_reference/authentication)
    """

    id = "MLW402"
    name = "hardcoded-api-credential"
    severity = Severity.HIGH
    cwe = (798,)
    owasp = ("LLM02:2025",)
    message = "`literal credential` passed to an ML API; read it from an environment variable or a secret store and revoke this one"
    # `os.environ.update/setdefault` always mention `environ`; `wandb.login(key=)`
    # always mentions `login`: neither `update` nor `key` is needed as a trigger
    # a sink is an ML package's call or attribute *and* a credential word:
    # qualified "package.word" triggers need both in the code (a `token=`
    # keyword alone, in every other file of an ML code base, is not enough)
    triggers = frozenset(
        {f"{package}.{word}" for package in ML_PACKAGES for word in CREDENTIAL_KEYWORDS | CREDENTIAL_ATTRIBUTES | {"key"}}
        | set(POSITIONAL_SINKS)
        | {"os.environ", "os.putenv"}
        | {f"{package}.{word}" for package in ML_PACKAGES | HTTP_PACKAGES for word in HEADER_KEYWORDS}
    )

    VALID = [
        Valid("import os\nfrom huggingface_hub import login\nlogin(token=os.environ['HF_TOKEN'])"),
        Valid("from huggingface_hub import login\nlogin(token='<your token>')"),
        Valid("from huggingface_hub import notebook_login\nnotebook_login()"),
        Valid("from getpass import getpass\nimport openai\nopenai.api_key = getpass()"),
        Valid("from transformers import AutoTokenizer\nAutoTokenizer.from_pretrained(m, pad_token='<pad-token-here>', eos_token='</s-long-eos>')"),
        Valid("import os\nos.environ['TOKENIZERS_PARALLELISM'] = 'false'\nos.environ['HF_TOKEN_PATH'] = '/secrets/hf/token'"),
        Valid("import os\nos.environ['LANGCHAIN_API_KEY'] = 'LANGCHAIN_API_KEY'\nos.environ['HF_TOKEN'] = 'place_hugging_face_access_token here'"),
        Valid("import openai\nopenai.api_key = 'my-team-key-2f9c81d7e4'  # pragma: allowlist secret"),
        Valid("import wandb\nwandb.login(key=None, relogin=True)"),
        Valid("requests.get(url, token='abcdefgh12345678')"),
        Valid("import requests, os\nrequests.post(url, headers={'Authorization': f'Bearer {os.environ[\"TOKEN\"]}'})"),
        Valid("import requests\nrequests.post(url, headers={'Content-Type': 'application/json', 'Authorization': 'Bearer <token>'})"),
    ]
    INVALID = [
        Invalid("from huggingface_hub import login\nlogin(token='team-token-7d1e9a0c3b')"),
        Invalid("import huggingface_hub as hub\nhub.login('team-token-7d1e9a0c3b')"),
        Invalid("import wandb\nwandb.login(key='local-2f9c81d7e4a5b6c7')"),
        Invalid("import openai\nKEY = 'my-team-key-2f9c81d7e4'\nopenai.api_key = KEY"),
        Invalid("from openai import OpenAI\nclient = OpenAI(api_key='proxy-key-0c3b2a1d9e')"),
        Invalid("from anthropic import Anthropic\nclient = Anthropic(api_key='proxy-key-0c3b2a1d9e')"),
        Invalid("import os\nos.environ['HF_TOKEN'] = 'team-token-7d1e9a0c3b'"),
        Invalid("import os\nos.environ.setdefault('OPENAI_API_KEY', 'proxy-key-0c3b2a1d9e')"),
        Invalid("from transformers import AutoModel\nTOKEN = 'team-token-7d1e9a0c3b'\nm = AutoModel.from_pretrained('org/m', token=TOKEN)"),
        Invalid("import boto3\ns3 = boto3.client('s3', aws_secret_access_key='team-secret-7d1e9a0c3b')"),
        Invalid("import requests\nrequests.post(url, headers={'Authorization': 'Bearer team-token-7d1e9a0c3b'})"),
    ]

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self._statement: Optional[Any] = None

    @classmethod
    def source_gate(cls, source: str, words) -> bool:
        """Before parsing: a credential keyword, ``**``, a positional sink or
        ``os.environ`` followed by something that can be a literal (a string,
        a dict, a module-level name); see :mod:`mlwarden.secrets.textgate`.
        ``token=token`` pass-throughs, in almost every file of an ML code
        base, need no parse for this rule."""
        from mlwarden.secrets.textgate import may_hold_credential

        return may_hold_credential(source, words)

    # the statement being visited, to honour an allowlist pragma and to leave
    # values that MLW401 reports to it
    @classmethod
    def ast_gate(cls, tree) -> bool:
        """Only a literal string (or a module-level name that may hold one)
        in a credential position can be reported; ML code bases pass
        ``token=token`` everywhere, and those files need no libcst pass."""
        return _may_hold_literal_credential(tree)

    def visit_SimpleStatementLine(self, node: libcst.SimpleStatementLine) -> None:
        self._statement = node

    def leave_SimpleStatementLine(self, node: libcst.SimpleStatementLine) -> None:
        self._statement = None

    def visit_Call(self, node: libcst.Call) -> None:
        names = self.ctx.qualnames(node.func)
        if not names:
            return
        for target in sorted(names):
            if target in ENV_CALLS:
                self._env_call(node, target)
                return
            if target.split(".")[0] in HTTP_PACKAGES and self._headers(node, target):
                return
            if not is_ml_package(target) and target not in POSITIONAL_SINKS:
                continue
            if self._headers(node, target):
                return
            for arg in node.args:
                if arg.keyword is not None and sink_keyword(target, arg.keyword.value):
                    self._check(arg, target, arg.value)
                    return
                if arg.star == "**":
                    mapping = self.ctx.value(arg.value)
                    if isinstance(mapping, dict):
                        for key, value in mapping.items():
                            if isinstance(key, str) and sink_keyword(target, key):
                                self._check(arg, target, value)
                                return
            if target in POSITIONAL_SINKS:
                position, keyword = POSITIONAL_SINKS[target]
                value = self.ctx.arg(node, position)
                if value is not None:
                    where = next((a for a in node.args if a.value is value), node)
                    self._check(where, target, value)
            return

    def _headers(self, node, target: str) -> bool:
        """``headers={"Authorization": "Bearer <literal>"}``: reported at the argument."""
        for arg in node.args:
            if arg.keyword is None or arg.keyword.value not in HEADER_KEYWORDS:
                continue
            mapping = self.ctx.value(arg.value)
            if not isinstance(mapping, dict):
                continue
            for key, value in mapping.items():
                if isinstance(key, str) and key.lower() in AUTH_HEADERS:
                    if self._check(arg, f"{target}({arg.keyword.value}={{{key!r}: …}})", value, transform=auth_scheme_value):
                        return True
        return False

    def visit_Assign(self, node: libcst.Assign) -> None:
        for target in node.targets:
            expr = target.target
            if isinstance(expr, cst.Attribute) and expr.attr.value in CREDENTIAL_ATTRIBUTES:
                for name in self.ctx.qualnames(expr):
                    if is_ml_package(name):
                        self._check(node, name, node.value)
                        return
            if isinstance(expr, cst.Subscript) and "os.environ" in self.ctx.qualnames(expr.value):
                if len(expr.slice) == 1 and isinstance(expr.slice[0].slice, cst.Index):
                    key = self.ctx.value(expr.slice[0].slice.value)
                    if isinstance(key, str) and is_credential_env(key):
                        self._check(node, f"os.environ[{key!r}]", node.value)
                        return

    def _env_call(self, node, target: str) -> None:
        if target == "os.environ.update":
            for arg in node.args:
                if arg.keyword is not None and is_credential_env(arg.keyword.value):
                    self._check(node, f"os.environ[{arg.keyword.value!r}]", arg.value)
                    return
                if arg.keyword is None and not arg.star:
                    mapping = self.ctx.value(arg.value)
                    if isinstance(mapping, dict):
                        for key, value in mapping.items():
                            if isinstance(key, str) and is_credential_env(key):
                                self._check(node, f"os.environ[{key!r}]", value)
                                return
            return
        key = self.ctx.value(self.ctx.arg(node, 0, "key"))
        if isinstance(key, str) and is_credential_env(key):
            value = self.ctx.arg(node, 1, "value" if target == "os.putenv" else "default")
            if value is not None:
                self._check(node, f"os.environ[{key!r}]", value)

    def _check(self, node, sink: str, expr, transform=None) -> bool:
        """Report ``node`` when ``expr`` is a literal credential; True when reported."""
        value = self.ctx.value(expr)
        if not isinstance(value, str):
            return False
        if transform is not None:
            value = transform(value)
        if is_placeholder(value) or names_a_credential(value):  # `'LANGCHAIN_API_KEY'`, `"your hf token here"`
            return False
        if _WORDS_ONLY.fullmatch(auth_scheme_value(value).strip()):
            return False  # `"offline-key"`, `"another.api.key"`, `"Bearer token123"`: names and words, not keys
        statement = self.ctx.module.code_for_node(self._statement) if self._statement is not None else ""
        if allowlisted_secret(statement) or _reported_by_mlw401(statement, value):
            return False
        from mlwarden.secrets.patterns import unverified_value

        self.report(
            node,
            f"`{sink}` gets a literal credential (`{redact(value)}`); read it from an environment variable or a secret store and revoke this one",
            severity=Severity.MEDIUM if unverified_value(value) else None,  # a GitHub/GitLab checksum that fails: no issued token
        )
        return True


def _reported_by_mlw401(statement: str, value: str) -> bool:
    """Would MLW401 report ``value`` (a known token format, or a keyword
    detector hit on this statement)? Then it owns the finding."""
    from mlwarden.secrets.adapter import Session

    with Session("code") as session:
        hits = session.scan(statement.splitlines(), "source.py") + session.scan([f"_ = {value!r}"], "source.py")
    return any(hit.secret == value for hit in hits)


_POSITIONAL_SINK_NAMES = frozenset(name.rsplit(".", 1)[-1] for name in POSITIONAL_SINKS)
_ALIASED_SINKS = _POSITIONAL_SINK_NAMES | {"environ", "putenv"}


def _may_hold_literal_credential(tree) -> bool:
    """Sound over-approximation of what :class:`HardcodedApiCredential`
    reports: its values go through ``ctx.value``, which yields a string only
    for a string literal or a module-level name bound to one (dict literals
    and ``dict(...)`` are looked into)."""
    import ast

    module_names = set()
    for stmt in tree.body:
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target] if isinstance(stmt, ast.AnnAssign) else []
        module_names.update(t.id for t in targets if isinstance(t, ast.Name))

    def literal(value) -> bool:
        if isinstance(value, ast.Constant):
            return isinstance(value.value, str)
        if isinstance(value, ast.Name):
            return value.id in module_names
        if isinstance(value, ast.Call):
            return isinstance(value.func, ast.Name) and value.func.id == "dict"
        return isinstance(value, ast.Dict)

    def environ(expr) -> bool:  # `os.environ`, `environ`
        return (isinstance(expr, ast.Attribute) and expr.attr == "environ") or (isinstance(expr, ast.Name) and expr.id == "environ")

    def last_name(expr) -> str:
        return expr.attr if isinstance(expr, ast.Attribute) else expr.id if isinstance(expr, ast.Name) else ""

    def binds_sink(value) -> bool:  # `fn = hub.login`, `env = os.environ`, `def f(put=os.environ.setdefault)`
        name = last_name(value)
        return name in _ALIASED_SINKS or (name in ("update", "setdefault") and environ(getattr(value, "value", None)))

    from mlwarden.core.gate import iter_nodes  # faster than ast.walk; any order will do

    keywords = CREDENTIAL_KEYWORDS | HEADER_KEYWORDS | {"key"}
    # the only node kinds tested below (the parser makes no subclasses of
    # them): every other node, most of a module, costs one set lookup
    relevant = {ast.alias, ast.Assign, ast.AnnAssign, ast.NamedExpr, ast.arguments, ast.keyword, ast.Call}
    for node in iter_nodes(tree):
        if type(node) not in relevant:
            continue
        # a sink bound to another name (the rule resolves it): the file goes on
        if isinstance(node, ast.alias) and node.asname and node.name.rsplit(".", 1)[-1] in _ALIASED_SINKS:
            return True
        if isinstance(node, (ast.Assign, ast.AnnAssign, ast.NamedExpr)) and node.value is not None and binds_sink(node.value):
            return True
        if isinstance(node, ast.arguments) and any(binds_sink(d) for d in [*node.defaults, *node.kw_defaults] if d is not None):
            return True
        if isinstance(node, ast.keyword):
            if (node.arg is None or node.arg in keywords) and literal(node.value):
                return True
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
            sink = name in _POSITIONAL_SINK_NAMES or name == "putenv" or (
                name in ("update", "setdefault") and isinstance(func, ast.Attribute) and environ(func.value)
            )
            if sink and (any(literal(a) for a in node.args) or any(literal(k.value) for k in node.keywords)):
                return True
        elif isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None and literal(node.value):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if (isinstance(target, ast.Subscript) and environ(target.value)) or (
                    isinstance(target, ast.Attribute) and target.attr in CREDENTIAL_ATTRIBUTES
                ):
                    return True
    return False
