from __future__ import annotations

import json

from mlwarden.core.finding import Severity, redact, sha256_hex
from mlwarden.core.rule import FileRule, Invalid, Valid
from mlwarden.secrets.patterns import with_providers

_HF = "hf_" + "Tq8mW2zLr5Kv9Ny3Bp6Dc1Gf4Hj7Xs0EaU"


class SecretInNotebookMetadata(FileRule):
    """## What it does
    Finds credentials in notebook metadata: the notebook's own metadata,
    each cell's metadata, and saved **widget state** (including the value of
    any password widget, such as the one `huggingface_hub.notebook_login()`
    shows, whatever the token's format). Only token formats are detected
    (no keyword or high-entropy detectors: widget state is full of ids).

    Token formats it knows (the same filter for placeholders and base64
    blobs as MLW401):

    {providers}

    As in MLW401, tokens pasted back to back or base64-encoded as a whole
    value are found, and a GitHub or GitLab routable token whose checksum
    fails (no token the provider issued) is reported at medium severity.

    ## Why is this bad?
    Jupyter saves widget state and extension metadata into the `.ipynb`
    without showing it. A token typed into a login widget, or stored by an
    extension, is committed with the notebook although no cell shows it.

    ## Example
    ```python
    from huggingface_hub import notebook_login

    notebook_login()  # then "Save Widget State Automatically" is on and the notebook is committed
    ```

    ## Use instead
    ```python
    import os

    from huggingface_hub import login

    login(token=os.environ["HF_TOKEN"])
    ```
    Or turn off saving widget state and strip the metadata (`mlwarden strip`).

    ## References
    - [CWE-798: Use of Hard-coded Credentials](https://cwe.mitre.org/data/definitions/798.html)
    - [OWASP LLM02:2025 Sensitive Information Disclosure](https://genai.owasp.org/llmrisk/llm022025-sensitive-information-disclosure/)
    """

    id = "MLW511"
    name = "secret-in-notebook-metadata"
    severity = Severity.HIGH
    cwe = (798,)
    owasp = ("LLM02:2025",)
    message = "`credential in notebook metadata`; remove the metadata (or the saved widget state) and revoke the secret"
    applies_to = frozenset({"notebook"})

    VALID = [
        Valid('{"nbformat": 4, "nbformat_minor": 5, "metadata": {"kernelspec": {"name": "python3"}}, "cells": []}\n', filename="ok.ipynb"),
        Valid(
            '{"nbformat": 4, "nbformat_minor": 5, "metadata": {"widgets": {"application/vnd.jupyter.widget-state+json": '
            '{"state": {"1a2b": {"model_name": "PasswordModel", "state": {"_model_name": "PasswordModel", "value": ""}}}}}}, "cells": []}\n',
            filename="empty-widget.ipynb",
        ),
    ]
    INVALID = [
        Invalid(
            '{"nbformat": 4, "nbformat_minor": 5,'
            ' "metadata": {"widgets": {"application/vnd.jupyter.widget-state+json": {"state": {"1a2b": {"state": {'
            ' "_model_name": "PasswordModel", "value": "typed-in-secret-4821"}}}}}}, "cells": []}\n',
            filename="widget.ipynb",
        ),
        Invalid(
            '{"nbformat": 4, "nbformat_minor": 5, "cells": [],'
            ' "metadata": {"my_extension": {"token": "' + _HF + '"}}}\n',
            filename="meta.ipynb",
        ),
    ]

    def check(self, unit):
        from mlwarden.secrets.adapter import Session
        from mlwarden.secrets.notebook import scan_metadata

        nb = unit.extra.get("notebook")
        if not isinstance(nb, dict):
            return
        text = unit.text or ""
        seen = set()
        with Session("output") as session:
            for found in scan_metadata(nb, unit.extra.get("cells") or [], session):
                line, col = _position(text, found.secret)
                key = (found.secret, line, col)
                if key in seen:
                    continue
                seen.add(key)
                preview = redact(found.secret)
                yield self.finding(
                    unit,
                    line,
                    col,
                    f"`{found.type}` in {found.where} (`{preview}`); remove the metadata (or the saved widget state) and revoke the secret",
                    severity=Severity.LOW if found.identifier else Severity.MEDIUM if found.unverified else None,
                    file_line=line,
                    snippet_hash=sha256_hex(found.secret),
                    secret_preview=preview,
                )


def _position(text: str, secret: str):
    """Line and column of the secret in the notebook's JSON text (1, 1 if not found)."""
    for needle in (json.dumps(secret)[1:-1], json.dumps(secret, ensure_ascii=False)[1:-1], secret):
        offset = text.find(needle)
        if offset >= 0:
            line = text.count("\n", 0, offset) + 1
            return line, offset - (text.rfind("\n", 0, offset) + 1) + 1
    return 1, 1


SecretInNotebookMetadata.__doc__ = with_providers(SecretInNotebookMetadata.__doc__ or "")
