from __future__ import annotations

from typing import Iterator, Optional, Sequence

from mlwarden.core.finding import Finding, Severity
from mlwarden.core.rule import FileRule, Invalid, Valid
from mlwarden.rules._helpers import shell_finding


def insecure_flag(name: str, args: Sequence[str]) -> Optional[str]:
    """The option that turns TLS verification off, or None."""
    for arg in args:
        if arg == "--":
            break
        if name == "curl" and (arg == "--insecure" or (arg.startswith("-") and not arg.startswith("--") and arg[1:].isalpha() and "k" in arg[1:])):
            return arg
        if name == "wget" and arg == "--no-check-certificate":
            return arg
        if name == "aria2c" and arg in ("--check-certificate=false",):
            return arg
    return None


class ShellDownloadWithoutTlsVerification(FileRule):
    """## What it does
    Flags notebook and IPython shell lines that download with certificate
    checks turned off: `curl -k` / `curl --insecure` (also inside combined
    flags such as `-fsSLk`), `wget --no-check-certificate` and
    `aria2c --check-certificate=false`.

    ## Why is this bad?
    Without certificate verification HTTPS no longer proves who is on the
    other end: anyone who can intercept the connection can serve their own
    model weights, dataset or script, which are then loaded or run.

    ## Example
    ```text
    !wget --no-check-certificate https://example.com/model.pth
    ```

    ## Use instead
    ```text
    !wget https://example.com/model.pth
    ```
    If a private server uses its own CA, pass it (`curl --cacert ca.pem`,
    `wget --ca-certificate=ca.pem`) instead of turning checks off.

    ## References
    - [CWE-295: Improper Certificate Validation](https://cwe.mitre.org/data/definitions/295.html)
    - [OWASP ML06:2023 AI Supply Chain Attacks](https://owasp.org/www-project-machine-learning-security-top-10/docs/ML06_2023-AI_Supply_Chain_Attacks)
    """

    id = "MLW222"
    name = "shell-download-without-tls-verification"
    severity = Severity.MEDIUM
    cwe = (295,)
    owasp = ("ML06:2023",)
    advice = "drop the flag or pass the server's CA"
    message = f"`curl -k`/`wget --no-check-certificate` accepts any certificate, so the download can be swapped in transit; {advice}"
    applies_to = frozenset({"notebook", "ipython"})
    triggers = frozenset({"curl", "wget", "aria2c"})

    VALID = [
        Valid("!curl -fsSL -o m.pth https://example.com/m.pth\n", filename="example.ipy"),
        Valid("!curl --cacert ca.pem -O https://example.com/m.pth\n", filename="example.ipy"),
        Valid("!echo -k --insecure\n", filename="example.ipy"),
    ]
    INVALID = [
        Invalid("!wget --no-check-certificate https://example.com/model.pth\n", filename="example.ipy"),
        Invalid("!curl -fsSLk -o m.pth https://example.com/m.pth\n", filename="example.ipy"),
        Invalid("%%bash\nsudo curl --insecure -O https://example.com/data.zip  # error: MLW222\n", filename="example.ipy"),
    ]

    def check(self, unit) -> Iterator[Finding]:
        from mlwarden.sources.notebook import iter_shell_commands, program, shell_pipelines

        for record, command in iter_shell_commands(unit):
            if "curl" not in command and "wget" not in command and "aria2c" not in command:
                continue
            for pipeline in shell_pipelines(command):
                hits = [(name, flag) for words in pipeline for name, args in [program(words)] for flag in [insecure_flag(name, args)] if flag]
                if hits:
                    name, flag = hits[0]
                    yield shell_finding(self, unit, record, f"`{name} {flag}` accepts any certificate, so the download can be swapped in transit; {self.advice}")
                    break
