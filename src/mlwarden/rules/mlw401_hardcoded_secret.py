from __future__ import annotations

from mlwarden.core.finding import Severity, redact, sha256_hex
from mlwarden.core.rule import FileRule, Invalid, Valid
from mlwarden.core.suppress import is_suppressed

#: unit kinds whose own text is scanned (dependency-file kinds included:
#: ``--extra-index-url https://user:token@…`` is a credential too)
KINDS = frozenset(
    {"python", "notebook", "ipython", "text", "requirements", "pyproject", "setup-cfg", "conda-env", "pipfile"}
)

#: detectors of a token *format*; the rest (keyword, entropy) are weaker
_GENERIC = {"Secret Keyword", "Base64 High Entropy String", "Hex High Entropy String"}

# test tokens are assembled here so no token-shaped literal sits in the repo
_HF = "hf_" + "Tq8mW2zLr5Kv9Ny3Bp6Dc1Gf4Hj7Xs0Ea"


class HardcodedSecret(FileRule):
    """## What it does
    Finds credentials written into source code, notebook cells (code,
    markdown and magics such as `%env`), and configuration or environment
    files (`.env`, `*.yaml`, `*.json`, `*.toml`, `*.cfg`, `*.ini`,
    `kaggle.json`, dependency files). Detection uses detect-secrets' detectors
    and filters plus mlwarden's ML-provider detectors: Hugging Face (`hf_`,
    `api_org_`), OpenAI, Anthropic, Cohere, Weights & Biases, Replicate, Groq,
    LangSmith, Pinecone, Databricks, Google/Gemini, xAI, OpenRouter, NVIDIA,
    Perplexity, Kaggle and Amazon Bedrock keys (see `docs/secrets.md`). The
    message names the type of credential and shows a masked preview; the
    secret itself never appears in any output.

    ## Why is this bad?
    A token committed to a repository is readable by everyone who can read
    the repository and its history, forever: removing it in a later commit
    does not un-leak it. Leaked Hugging Face write tokens have let attackers
    replace models of large organisations with poisoned ones; leaked
    inference keys are run up to large bills within hours.

    ## Example
    ```python
    from huggingface_hub import HfApi

    api = HfApi(token="hf_Tq8mW2zLr5Kv9Ny3Bp6Dc1Gf4Hj7Xs0Ea")  # pragma: allowlist secret
    ```
    (the pragma only keeps the project's own secret scanners quiet about this
    documentation example)

    ## Use instead
    ```python
    import os

    from huggingface_hub import HfApi

    api = HfApi(token=os.environ["HF_TOKEN"])
    ```
    Then revoke the leaked token: rotating is the fix, deleting the line is not.

    ## Options
    `secrets-high-entropy` (default `false`): also run detect-secrets'
    generic high-entropy string detectors on code and text files. They are off
    by default because ML code is full of git SHAs (pinned revisions),
    checksums and ids that they report. They never run on notebook outputs.

    ## Known problems
    Placeholders are not reported: values containing `your`, `example`,
    `<…>`, `${…}`, `...`, six repeated characters (`hf_xxxxxx…`), or an
    alphanumeric run of three distinct characters or fewer (`abababab`). An inline
    `# pragma: allowlist secret` (detect-secrets' convention) or
    `# noqa: MLW401` silences a line. Tokens split over several string
    literals are not found.

    ## References
    - [CWE-798: Use of Hard-coded Credentials](https://cwe.mitre.org/data/definitions/798.html)
    - [OWASP LLM02:2025 Sensitive Information Disclosure](https://genai.owasp.org/llmrisk/llm022025-sensitive-information-disclosure/)
    - [Hugging Face: User access tokens](https://huggingface.co/docs/hub/security-tokens)
    - [detect-secrets](https://github.com/Yelp/detect-secrets)
    """

    id = "MLW401"
    name = "hardcoded-secret"
    severity = Severity.HIGH
    cwe = (798,)
    owasp = ("LLM02:2025",)
    message = "`hardcoded credential` in the repository; revoke it and load it from an environment variable or a secret store"
    applies_to = KINDS
    OPTIONS = {"secrets-high-entropy": False}

    VALID = [
        Valid("import os\ntoken = os.environ['HF_TOKEN']"),
        Valid('token = "<your token>"\nkey = "hf_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"'),
        Valid(f'token = "{_HF}"  # pragma: allowlist secret'),
        Valid(f'token = "{_HF}"  # noqa: MLW401'),
        Valid("from getpass import getpass\npassword = getpass()"),
        Valid('revision = "4f3a9c2b1d0e8f7a6b5c4d3e2f1a0b9c8d7e6f5a"'),
        Valid("HF_TOKEN=\nOPENAI_API_KEY=${OPENAI_API_KEY}\n", filename=".env"),
    ]
    INVALID = [
        Invalid(f'from huggingface_hub import login\nlogin("{_HF}")'),
        Invalid(f'HEADERS = {{"Authorization": "Bearer {_HF}"}}'),
        Invalid('db_password = "s3cr3t-Pa55word-2024"'),
        Invalid(f"HF_TOKEN={_HF}\n", filename=".env"),
        Invalid(f"hub:\n  token: {_HF}\n", filename="config.yaml"),
    ]

    def check(self, unit):
        if unit.extra.get("skipped"):
            return
        from mlwarden.secrets.adapter import Session
        from mlwarden.secrets.units import source_hits

        high_entropy = bool(self.option("secrets-high-entropy"))
        with Session("code", high_entropy) as session:
            for where in source_hits(unit, session):
                if where.cell is not None and is_suppressed(self.id, where.text):
                    continue
                hit = where.hit
                preview = redact(hit.secret)
                yield self.finding(
                    unit,
                    where.line,
                    where.col,
                    f"`{hit.type}` hardcoded (`{preview}`); revoke it and load it from an environment variable or a secret store",
                    severity=Severity.MEDIUM if hit.type in _GENERIC else Severity.HIGH,
                    cell=where.cell,
                    file_line=where.file_line,
                    snippet_hash=sha256_hex(hit.secret),
                    secret_preview=preview,
                )
