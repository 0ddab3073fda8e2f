from __future__ import annotations

from mlwarden.core.finding import Severity, redact, sha256_hex
from mlwarden.core.rule import FileRule, Invalid, Valid
from mlwarden.secrets.patterns import with_providers

_HF = "hf_" + "Tq8mW2zLr5Kv9Ny3Bp6Dc1Gf4Hj7Xs0EaU"


def _nb(outputs: str) -> str:
    # one line: the finding's line (in the output) and file line agree
    return (
        '{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": ['
        '{"cell_type": "code", "execution_count": 1, "metadata": {}, "source": ["show()"], '
        f'"outputs": [{outputs}]}}'
        "]}\n"
    )


class SecretInNotebookOutput(FileRule):
    """## What it does
    Finds credentials in the **outputs** of notebook cells: printed text
    (`stream`), `text/plain`, `text/html`, JSON and other text
    representations, and error tracebacks (colour codes removed). Findings
    point at the cell and the output (`nb.ipynb:cell 4:output 1:2:7`).
    `image/*` payloads are never scanned, and only token *formats* are
    detected (ML providers, cloud and SaaS keys, private keys): the generic
    keyword and high-entropy detectors stay out of outputs, where base64
    images, ids and hashes would bury the real leaks in noise.

    Token formats it knows (the same filter for placeholders and base64
    blobs as MLW401):

    {providers}

    As in MLW401, tokens pasted back to back or base64-encoded as a whole
    value are found, and a GitHub or GitLab routable token whose checksum
    fails (no token the provider issued) is reported at medium severity.

    ## Why is this bad?
    A token printed once (`print(os.environ["HF_TOKEN"])`, a traceback of a
    failed `login(...)`, a config dump) stays in the `.ipynb` file after the
    code that printed it is fixed. Committing the notebook publishes it. A
    cell whose output is kept on purpose (`keep_output`) is reported too:
    keeping an output must not keep a leaked token.

    ## Example
    ```python
    import os

    print(os.environ["HF_TOKEN"])  # committed with its output
    ```

    ## Use instead
    ```python
    import os

    print("HF token set:", bool(os.environ.get("HF_TOKEN")))
    ```
    Then clear the output (`mlwarden strip`), and revoke the leaked token.

    ## References
    - [CWE-532: Insertion of Sensitive Information into Log File](https://cwe.mitre.org/data/definitions/532.html)
    - [CWE-798: Use of Hard-coded Credentials](https://cwe.mitre.org/data/definitions/798.html)
    - [OWASP LLM02:2025 Sensitive Information Disclosure](https://genai.owasp.org/llmrisk/llm022025-sensitive-information-disclosure/)
    """

    id = "MLW510"
    name = "secret-in-notebook-output"
    severity = Severity.HIGH
    cwe = (532, 798)
    owasp = ("LLM02:2025",)
    message = "`credential in a notebook output`; clear the output, stop printing the secret and revoke it"
    applies_to = frozenset({"notebook"})

    VALID = [
        Valid(_nb('{"output_type": "stream", "name": "stdout", "text": ["HF token set: True\\n"]}'), filename="ok.ipynb"),
        Valid(_nb('{"output_type": "display_data", "metadata": {}, "data": {"image/png": "iVBORw0KGgo/' + _HF + '+AAAA"}}'), filename="img.ipynb"),
        Valid(_nb('{"output_type": "stream", "name": "stdout", "text": ["token: hf_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\\n"]}'), filename="ph.ipynb"),
    ]
    INVALID = [
        Invalid(_nb('{"output_type": "stream", "name": "stdout", "text": ["' + _HF + '\\n"]}'), filename="leak.ipynb"),
    ]

    def check(self, unit):
        from mlwarden.secrets.adapter import Session
        from mlwarden.secrets.notebook import scan_outputs

        cells = unit.extra.get("cells") or []
        with Session("output") as session:
            for found in scan_outputs(cells, session):
                cell = next((c for c in cells if getattr(c, "index", None) == found.cell), None)
                starts = getattr(cell, "output_file_lines", None) or []
                preview = redact(found.hit.secret)
                yield self.finding(
                    unit,
                    found.line,
                    found.col,
                    f"`{found.hit.type}` in a notebook output ({found.where}, `{preview}`); clear the output, stop printing the secret and revoke it",
                    severity=Severity.LOW if found.hit.identifier else Severity.MEDIUM if found.hit.unverified else None,
                    cell=found.cell,
                    output=found.output,
                    file_line=_file_line(unit.text or "", starts[found.output] if found.output < len(starts) else None, found.hit.secret),
                    snippet_hash=sha256_hex(found.hit.secret),
                    secret_preview=preview,
                )


def _file_line(text: str, start, secret: str):
    """The .ipynb line holding the secret, searching from the output's first
    line (the output's first line when the JSON escapes it differently)."""
    import json

    if not isinstance(start, int):
        return None
    offset = 0
    for _ in range(start - 1):
        offset = text.find("\n", offset) + 1
        if offset == 0:
            return start
    for needle in (json.dumps(secret)[1:-1], json.dumps(secret, ensure_ascii=False)[1:-1]):
        found = text.find(needle, offset)
        if found >= 0:
            return text.count("\n", 0, found) + 1
    return start


SecretInNotebookOutput.__doc__ = with_providers(SecretInNotebookOutput.__doc__ or "")
