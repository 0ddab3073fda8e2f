from __future__ import annotations

from typing import Iterator

from mlwarden.core.finding import Finding, Severity
from mlwarden.core.rule import FileRule, Invalid, Valid
from mlwarden.sources.dependencies.pip_in_code import CODE_KINDS, RULE_GATE_WORDS
from mlwarden.sources.dependencies import ALL_KINDS, finding_for, for_unit, short
from mlwarden.sources.dependencies.requirements import is_http_url


class InsecurePackageIndex(FileRule):
    """## What it does
    Flags package sources that an attacker on the network can tamper with:

    - `--trusted-host` (pip then skips TLS certificate checks for that host),
      uv `allow-insecure-host`, and Pipfile `[[source]]` with
      `verify_ssl = false`;
    - any index, extra index, find-links location, Poetry/uv/Pipfile source or
      conda channel given as a plain `http://` URL.

    `localhost`, `127.0.0.1` and `::1` are not reported.

    ## Severity
    High; one step lower in tests, examples and docs, which include
    documentation-build requirement files (`requirements/readthedocs.txt`,
    files a `.readthedocs.yaml` installs: see MLW301) and in a development
    requirements file that does not install the project itself (see
    MLW301), with the reason in the message.

    ## Why is this bad?
    Without TLS (or with certificate checks off) anyone on the path between the
    machine and the index (a café Wi-Fi, a compromised proxy, a hostile CI
    network) can serve a different wheel or sdist, which runs code at install
    time and again at import time.

    ## Example
    ```text
    --index-url http://pypi.internal.example.com/simple
    --trusted-host pypi.internal.example.com
    torch==2.6.0
    ```

    ## Use instead
    ```text
    --index-url https://pypi.internal.example.com/simple
    torch==2.6.0
    ```
    If the index uses a private certificate authority, point pip at it with
    `--cert /path/to/ca.pem` (or `PIP_CERT`) instead of trusting the host.

    ## References
    - [pip: --trusted-host](https://pip.pypa.io/en/stable/cli/pip/#cmdoption-trusted-host)
    - [CWE-295: Improper Certificate Validation](https://cwe.mitre.org/data/definitions/295.html)
    - [CWE-319: Cleartext Transmission of Sensitive Information](https://cwe.mitre.org/data/definitions/319.html)
    - [OWASP ML06:2023 AI Supply Chain Attacks](https://owasp.org/www-project-machine-learning-security-top-10/docs/ML06_2023-AI_Supply_Chain_Attacks)
    """

    id = "MLW303"
    name = "insecure-package-index"
    severity = Severity.HIGH
    cwe = (295, 319)
    owasp = ("ML06:2023",)
    message = "`--trusted-host` or an `http://` index lets anyone on the network swap packages; use an `https://` index and `--cert` for a private CA"
    applies_to = ALL_KINDS | CODE_KINDS  # CODE_KINDS: pip commands built in Python code
    text_gate = RULE_GATE_WORDS  # in a Python file, only where `install` is written (pip_in_code gates further)

    VALID = [
        Valid("--index-url https://pypi.example.com/simple\n--find-links http://localhost:8000/wheels\ntorch==2.6.0\n", filename="requirements.txt"),
        Valid('[[source]]\nname = "pypi"\nurl = "https://pypi.org/simple"\nverify_ssl = true\n', filename="Pipfile"),
    ]
    INVALID = [
        Invalid("--trusted-host pypi.example.com\n", filename="requirements.txt"),
        Invalid("-i http://pypi.example.com/simple\n", filename="requirements.txt"),
        Invalid("torch==2.6.0 --find-links=http://example.com/wheels\n", filename="requirements.txt"),
        Invalid('[[source]]\nname = "internal"\nurl = "https://pypi.example.com/simple"  # error: MLW303\nverify_ssl = false\n', filename="Pipfile"),
        Invalid("channels:\n  - http://conda.example.com/main  # error: MLW303\ndependencies:\n  - numpy=1.26.4\n", filename="environment.yml"),
    ]

    def check(self, unit) -> Iterator[Finding]:
        deps = for_unit(unit)
        if deps is None:
            return
        for setting in deps.indexes:
            if not setting.own:
                continue
            value = short(setting.value, 60)
            if setting.insecure:
                if setting.option == "[[source]]":
                    message = f"`verify_ssl = false` for `{value}` turns off certificate checks for that index, so anyone on the network can swap packages; set `verify_ssl = true`"
                else:
                    message = (
                        f"`{setting.option} {value}` turns off TLS certificate checks for that host, so anyone on the network "
                        "can swap packages; remove it and pass the CA with `--cert` if the index uses a private certificate"
                    )
            elif is_http_url(setting.value):
                https = "https://" + setting.value[len("http://"):]
                message = (
                    f"`{setting.option} {value}` downloads packages over plain HTTP, so anyone on the network can swap them; "
                    f"use `{short(https, 60)}`"
                )
            else:
                continue
            yield finding_for(self, unit, setting, message)
