from __future__ import annotations

from typing import Iterator

from mlwarden.core.finding import Finding, Severity
from mlwarden.core.rule import FileRule, Invalid, Valid
from mlwarden.sources.dependencies.pip_in_code import CODE_KINDS, RULE_GATE_WORDS
from mlwarden.sources.dependencies import ALL_KINDS, finding_for, for_unit, short


class UnhashedUrlRequirement(FileRule):
    """## What it does
    Flags requirements downloaded from a direct URL (`https://…/pkg.whl`,
    `name @ https://…`, Poetry/uv `url = …`, Pipfile `file = …`) that carry no
    hash: neither a `#sha256=` (or `sha384`/`sha512`) fragment nor a
    `--hash` option. VCS URLs (MLW304) and local paths or `file:` URLs are not
    reported.

    ## Why is this bad?
    Whatever the server returns is installed and run. If the host, the
    storage bucket or a link-shortener behind the URL is compromised, or the
    file is replaced by a new build under the same name, nothing notices.

    ## Example
    ```text
    flash-attn @ https://github.com/Dao-AILab/flash-attention/releases/download/v2.6.3/flash_attn-2.6.3-cp311-cp311-linux_x86_64.whl
    ```

    ## Use instead
    ```text
    flash-attn @ https://github.com/Dao-AILab/flash-attention/releases/download/v2.6.3/flash_attn-2.6.3-cp311-cp311-linux_x86_64.whl#sha256=0c6e1b5f0f4b1a9d2c3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c
    ```
    Compute the digest once from a trusted download (`pip hash FILE` or
    `sha256sum FILE`).

    ## References
    - [pip: Hash-checking mode](https://pip.pypa.io/en/stable/topics/secure-installs/)
    - [CWE-494: Download of Code Without Integrity Check](https://cwe.mitre.org/data/definitions/494.html)
    - [OWASP ML06:2023 AI Supply Chain Attacks](https://owasp.org/www-project-machine-learning-security-top-10/docs/ML06_2023-AI_Supply_Chain_Attacks)
    """

    id = "MLW305"
    name = "unhashed-url-requirement"
    severity = Severity.MEDIUM
    cwe = (494,)
    owasp = ("ML06:2023",)
    message = "`https://…/pkg.whl` is installed without an integrity check; append `#sha256=<digest>` or add `--hash=sha256:<digest>`"
    applies_to = ALL_KINDS | CODE_KINDS  # CODE_KINDS: pip commands built in Python code
    text_gate = RULE_GATE_WORDS  # in a Python file, only where `install` is written (pip_in_code gates further)

    VALID = [
        Valid("https://example.com/pkg-1.0-py3-none-any.whl#sha256=0c6e1b5f0f4b1a9d2c3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c\n",
              filename="requirements.txt"),
        Valid("https://example.com/pkg-1.0.tar.gz --hash=sha256:0c6e1b5f0f4b1a9d2c3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c\n",
              filename="requirements.txt"),
        Valid("file:///opt/wheels/pkg-1.0-py3-none-any.whl\n./wheels/pkg-1.0-py3-none-any.whl\n", filename="requirements.txt"),
    ]
    INVALID = [
        Invalid("https://example.com/pkg-1.0-py3-none-any.whl\n", filename="requirements.txt"),
        Invalid("pkg @ https://example.com/pkg-1.0.tar.gz ; python_version >= '3.10'\n", filename="requirements.txt"),
        Invalid('[tool.uv.sources]\npkg = { url = "https://example.com/pkg-1.0.tar.gz" }\n', filename="pyproject.toml"),
        Invalid(
            "https://github.com/Dao-AILab/flash-attention/releases/download/v2.6.3/flash_attn-2.6.3+cu123torch2.4cxx11abiFALSE-cp311-cp311-linux_x86_64.whl  # error: MLW305\n"
            "https://github.com/Dao-AILab/flash-attention/releases/download/v2.6.3/flash_attn-2.6.3+cu123torch2.4cxx11abiFALSE-cp310-cp310-linux_x86_64.whl  # error: MLW305\n",
            filename="requirements.txt",
        ),
    ]

    def check(self, unit) -> Iterator[Finding]:
        deps = for_unit(unit)
        if deps is None:
            return
        for entry in deps.entries:
            if not entry.own or not entry.url or entry.vcs or entry.local or entry.hashes:
                continue
            yield finding_for(
                self,
                unit,
                entry,
                f"`{short_url(entry.url)}` is installed without an integrity check; append `#sha256=<digest>` to the URL or add `--hash=sha256:<digest>`",
            )


def short_url(url: str, limit: int = 120) -> str:
    """``url`` for a message: whole when it fits, else the scheme and host,
    an ellipsis and the whole last path segment (the file name, which is what
    tells two URLs of one host apart: consecutive findings never look the
    same)."""
    url = " ".join(url.split())
    if len(url) <= limit:
        return url
    scheme, sep, rest = url.partition("://")
    if not sep:
        return short(url, limit)
    host, _, path = rest.partition("/")
    tail = path.rstrip("/").rsplit("/", 1)[-1]
    if not tail or tail == path:
        return url if len(url) <= 2 * limit else short(url, 2 * limit)
    shown = f"{scheme}://{host}/…/{tail}"
    return shown if len(shown) <= 2 * limit else f"{scheme}://{host}/…{tail[-(2 * limit - len(host) - 8):]}"
