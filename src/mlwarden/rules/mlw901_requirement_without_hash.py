from __future__ import annotations

from typing import Iterator

from mlwarden.core.finding import Finding, Severity
from mlwarden.core.rule import FileRule, Invalid, Valid
from mlwarden.sources.dependencies import finding_for, for_unit, short


class RequirementWithoutHash(FileRule):
    """## What it does
    Opt-in (select `MLW901`): flags requirements in `requirements*.txt` /
    `constraints*.txt` files and the `pip:` section of `environment.yml` that
    carry no `--hash=sha256:…`. Local paths and editable installs are not
    reported, nor are URLs and VCS references (MLW305 and MLW304 cover them).

    ## Why is this bad?
    An exact version pin says *which* release to install, not *which bytes*: a
    compromised index, mirror or proxy, a re-uploaded file or a package
    substituted from another index (dependency confusion) still installs.
    With `--hash` on every line, pip switches to hash-checking mode and refuses
    any file whose digest differs.

    ## Example
    ```text
    torch==2.6.0
    ```

    ## Use instead
    ```text
    torch==2.6.0 \\
        --hash=sha256:2bb8987f3bb1ef2675897034402373ddfc8f5ef0e156e2d8cfc47cacafdda4a9
    ```
    Generate the hashes with `pip-compile --generate-hashes` or
    `uv pip compile --generate-hashes`.

    ## References
    - [pip: Hash-checking mode](https://pip.pypa.io/en/stable/topics/secure-installs/)
    - [CWE-494: Download of Code Without Integrity Check](https://cwe.mitre.org/data/definitions/494.html)
    - [OWASP ML06:2023 AI Supply Chain Attacks](https://owasp.org/www-project-machine-learning-security-top-10/docs/ML06_2023-AI_Supply_Chain_Attacks)
    """

    id = "MLW901"
    name = "requirement-without-hash"
    severity = Severity.LOW
    cwe = (494,)
    owasp = ("ML06:2023",)
    template = "`{}` has no `--hash`; add `--hash=sha256:<digest>` (e.g. with `pip-compile --generate-hashes`) so pip rejects a tampered file"
    message = template.format("torch==2.6.0")
    applies_to = frozenset({"requirements", "conda-env"})
    default_enabled = False

    VALID = [
        Valid("torch==2.6.0 --hash=sha256:2bb8987f3bb1ef2675897034402373ddfc8f5ef0e156e2d8cfc47cacafdda4a9\n-e .\n", filename="requirements.txt"),
    ]
    INVALID = [
        Invalid("torch==2.6.0\n", filename="requirements.txt"),
        Invalid("dependencies:\n  - numpy=1.26.4\n  - pip:\n    - torch==2.6.0\n", filename="environment.yml"),
    ]

    def check(self, unit) -> Iterator[Finding]:
        deps = for_unit(unit)
        if deps is None:
            return
        for entry in deps.entries:
            if not entry.own or entry.hashes or entry.local or entry.editable or entry.ecosystem != "pypi" or entry.url:
                # URLs are MLW304/MLW305's
                continue
            yield finding_for(
                self,
                unit,
                entry,
                self.template.format(short(entry.text)),
            )
