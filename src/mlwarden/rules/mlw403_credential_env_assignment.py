from __future__ import annotations

from mlwarden.core.finding import Severity, redact, sha256_hex
from mlwarden.core.rule import FileRule, Invalid, Valid
from mlwarden.core.suppress import allowlisted_secret


class CredentialEnvAssignment(FileRule):
    """## What it does
    Flags a credential environment variable given a literal value, whatever
    the value's format:

    - IPython `%env HF_TOKEN=…` / `%env OPENAI_API_KEY …` / `%set_env …` in
      notebooks and `.ipy` files;
    - `NAME=value` lines of committed dotenv files (`.env`, `.env.local`,
      `prod.env`).

    Credential names are those ending in `TOKEN`, `API_KEY`, `KEY`,
    `SECRET`, `SECRET_KEY`, `PASSWORD`, `ACCESS_KEY` (`HF_TOKEN`,
    `WANDB_API_KEY`, `KAGGLE_KEY`, `AWS_SECRET_ACCESS_KEY` …). A value in a
    recognised token format is reported by MLW401 with its type instead. A
    value holding GitHub or GitLab checksummed token shapes none of whose
    checksums verifies (a sample, a hand-edited copy: no token the provider
    issued) is reported at medium severity, as MLW401 reports such a token.
    A known default or weak password under a password name
    (`DB_PASSWORD=postgres`, `%env ADMIN_PASSWORD=changeme`) is reported at
    low severity with that reason, the policy of MLW401 (in a `.env` file
    MLW401 reports it, once).

    ## Why is this bad?
    `%env NAME=value` writes the value into the notebook's source, and a
    committed `.env` file publishes every value in it: the credential is
    readable by anyone with the repository.

    ## Example
    ```python
    %env WANDB_API_KEY=local-team-key-2f9c81d7
    ```

    ## Use instead
    ```python
    import os
    from getpass import getpass

    os.environ["WANDB_API_KEY"] = getpass("W&B key: ")
    ```
    Keep `.env` files out of version control (`.gitignore`) and commit a
    `.env.example` with empty values.

    ## Known problems
    Empty values (`%env OPENAI_API_KEY= # key here` too: a blank and `#`
    start a comment), `${VAR}` references and placeholders (`<your key>`,
    `xxxxxx`, values shorter than 8 characters) are not reported, and neither
    is what MLW401's keyword judge drops as a placeholder or a name (one
    judgement for both rules): a value that names the credential
    (`DB_PASSWORD=notarealpassword`, `API_TOKEN=thisisnotarealtoken`) and
    lower-case words under a secret's name that say they are a placeholder
    or a development value (`SECRET_KEY=pleasechangethis…`).

    ## References
    - [CWE-798: Use of Hard-coded Credentials](https://cwe.mitre.org/data/definitions/798.html)
    - [OWASP LLM02:2025 Sensitive Information Disclosure](https://genai.owasp.org/llmrisk/llm022025-sensitive-information-disclosure/)
    - [IPython %env](https://ipython.readthedocs.io/en/stable/interactive/magics.html#magic-env)
    """

    id = "MLW403"
    name = "credential-env-assignment"
    severity = Severity.HIGH
    cwe = (798,)
    owasp = ("LLM02:2025",)
    message = "`%env TOKEN=…` or a `.env` line holds a literal credential; set it outside the repository and revoke this one"
    applies_to = frozenset({"notebook", "ipython", "text"})

    VALID = [
        Valid("%env TOKENIZERS_PARALLELISM=false\n%env HF_TOKEN=<your token>\n", filename="ok.ipy"),
        Valid("HF_TOKEN=\nOPENAI_API_KEY=${OPENAI_API_KEY}\nDEBUG=true\n", filename=".env"),
        Valid("WANDB_API_KEY: local-team-key-2f9c81d7\n", filename="config.yaml"),
    ]
    INVALID = [
        Invalid("%env WANDB_API_KEY=local-team-key-2f9c81d7\n", filename="train.ipy"),
        Invalid("DEBUG=1\nexport OPENAI_API_KEY=proxy-key-0c3b2a1d9e\n", filename=".env"),
    ]

    def check(self, unit):
        if unit.extra.get("skipped"):
            return
        from mlwarden.secrets.names import env_assignment, is_credential_env
        from mlwarden.secrets.patterns import is_placeholder, unverified_value

        candidates = []  # (line, col, cell, file_line, name, value, text)
        if unit.kind in ("notebook", "ipython"):
            from mlwarden.sources.notebook import record_line_text

            for record in unit.shell_lines:
                if record.kind != "line_magic" or record.magic not in ("env", "set_env"):
                    continue
                parsed = env_assignment(record.command)
                if parsed:
                    cell = record.cell if unit.kind == "notebook" else None
                    candidates.append((record.line, record.col, cell, record.file_line, *parsed[:2], record_line_text(unit, record)))
        elif unit.text is not None:
            from mlwarden.secrets.textfile import is_dotenv

            if not is_dotenv(unit.path):
                return
            for number, text in enumerate(unit.lines, start=1):
                if text.lstrip().startswith("#"):
                    continue
                parsed = env_assignment(text)
                if parsed and "=" in text:
                    candidates.append((number, parsed[2] + 1, None, number, parsed[0], parsed[1], text))
        from mlwarden.secrets.keywords import is_default_password, key_strength
        from mlwarden.secrets.noise import placeholder_value

        for line, col, cell, file_line, name, value, text in candidates:
            if not is_credential_env(name) or is_placeholder(value) or allowlisted_secret(text):
                continue
            if placeholder_value(value, key_strength(name) or "token", name):
                continue  # `DB_PASSWORD=notarealpassword`: the keyword judge's placeholder (one judgement with MLW401)
            if _reported_by_mlw401(text, value, unit.path if unit.kind == "text" else "cell.py"):
                continue
            preview = redact(value)
            # one policy with MLW401: a known default or weak password under a
            # password name (`DB_PASSWORD=postgres`) is weak rather than leaked
            weak = key_strength(name) == "password" and is_default_password(value)
            severity = Severity.LOW if weak else Severity.MEDIUM if unverified_value(value) else None
            why = "; a known default or weak password: weak rather than leaked" if weak else ""
            yield self.finding(
                unit,
                line,
                col,
                f"`{name}` is set to a literal credential (`{preview}`{why}); set it outside the repository and revoke this one",
                severity=severity,  # a GitHub/GitLab checksum that fails: no issued token (medium)
                cell=cell,
                file_line=file_line,
                snippet_hash=sha256_hex(value),
                secret_preview=preview,
            )


def _reported_by_mlw401(text: str, value: str, filename: str) -> bool:
    from mlwarden.secrets.adapter import Session

    with Session("code", default_passwords=True) as session:
        # (with the known-default passwords MLW401 reports at low in configuration text)
        # (Laravel's `APP_KEY=base64:…`: MLW401 reports the key after its encoding label)
        return any(hit.secret == value or (value[:7].lower() == "base64:" and hit.secret == value[7:])
                   for hit in session.scan([text], filename))
