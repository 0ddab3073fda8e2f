from __future__ import annotations

from typing import Iterator

from mlwarden.core.finding import Finding, Severity
from mlwarden.core.rule import FileRule, Invalid, Valid
from mlwarden.sources.dependencies.pip_in_code import CODE_KINDS, RULE_GATE_WORDS
from mlwarden.sources.dependencies import ALL_KINDS, finding_for, for_unit, short

INCIDENT = "dependency confusion, as in the torchtriton attack on PyTorch nightly, 25-30 December 2022"


class ExtraIndexUrl(FileRule):
    """## What it does
    Flags package indexes that are searched *together with* the default index
    for the same names:

    - `--extra-index-url` in requirements files, the `pip:` section of
      `environment.yml`, and `%pip install` / `!pip install` lines in notebooks;
    - `[tool.uv]` `extra-index-url` and non-explicit `[[tool.uv.index]]`
      entries when `index-strategy` is `unsafe-first-match` or
      `unsafe-best-match` (uv's default `first-index` strategy is not
      affected);
    - `[[tool.poetry.source]]` with `priority = "supplemental"` or
      `"secondary"`.

    ## Why is this bad?
    pip treats every index as equal and installs the highest version it finds
    anywhere. Anyone can publish a package on PyPI under the name of a package
    that only exists on your private or vendor index, with a higher version, and
    pip will pick it: *dependency confusion*. From 25 to 30 December 2022,
    PyTorch nightly builds installed with
    `--extra-index-url https://download.pytorch.org/whl/nightly/...` pulled a
    malicious `torchtriton` from PyPI that uploaded SSH keys and environment
    data.

    ## Example
    ```text
    --extra-index-url https://download.pytorch.org/whl/cu121
    torch==2.5.1+cu121
    ```

    ## Use instead
    ```text
    --index-url https://download.pytorch.org/whl/cu121
    torch==2.5.1+cu121 --hash=sha256:...
    ```
    Use a single `--index-url` (a proxy such as devpi, Artifactory or a PyPI
    mirror can merge indexes safely), pin packages to one index (uv
    `[tool.uv.sources]` with an `explicit = true` index, Poetry `priority =
    "explicit"` with `source = "..."`), or require hashes (`--require-hashes`)
    so that a substituted file fails to install.

    ## References
    - [PyTorch: Compromised PyTorch-nightly dependency chain between December 25th and December 30th, 2022](https://pytorch.org/blog/compromised-nightly-dependency/)
    - [uv: index strategies and dependency confusion](https://docs.astral.sh/uv/configuration/indexes/)
    - [CWE-427: Uncontrolled Search Path Element](https://cwe.mitre.org/data/definitions/427.html)
    - [CWE-829: Inclusion of Functionality from Untrusted Control Sphere](https://cwe.mitre.org/data/definitions/829.html)
    - [OWASP ML06:2023 AI Supply Chain Attacks](https://owasp.org/www-project-machine-learning-security-top-10/docs/ML06_2023-AI_Supply_Chain_Attacks)
    """

    id = "MLW302"
    name = "extra-index-url"
    severity = Severity.HIGH
    cwe = (427, 829)
    owasp = ("ML06:2023",)
    message = "`--extra-index-url` lets any index serve any package (dependency confusion, the torchtriton attack of December 2022); use one `--index-url`, per-package indexes, or hashes"
    applies_to = ALL_KINDS | CODE_KINDS  # CODE_KINDS: pip commands built in Python code
    text_gate = RULE_GATE_WORDS  # in a Python file, only where `install` is written (pip_in_code gates further)

    VALID = [
        Valid("--index-url https://download.pytorch.org/whl/cu121\ntorch==2.5.1\n", filename="requirements.txt"),
        Valid('[project]\nname = "app"\n[[tool.uv.index]]\nname = "pytorch"\nurl = "https://download.pytorch.org/whl/cu121"\nexplicit = true\n',
              filename="pyproject.toml"),
        Valid('[[tool.poetry.source]]\nname = "pytorch"\nurl = "https://download.pytorch.org/whl/cu121"\npriority = "explicit"\n',
              filename="pyproject.toml"),
    ]
    INVALID = [
        Invalid("--extra-index-url https://download.pytorch.org/whl/cu121  # error: MLW302\ntorch==2.5.1\n", filename="requirements.txt"),
        Invalid("torch==2.5.1 --extra-index-url=https://download.pytorch.org/whl/cu121\n", filename="requirements.txt"),
        Invalid(
            '[tool.poetry]\nname = "app"\n[[tool.poetry.source]]\nname = "internal"\n'
            'url = "https://pypi.example.com/simple"  # error: MLW302\npriority = "supplemental"\n',
            filename="pyproject.toml",
        ),
        Invalid(
            '[tool.uv]\nindex-strategy = "unsafe-best-match"\nextra-index-url = ["https://pypi.example.com/simple"]\n',
            filename="pyproject.toml",
        ),
    ]

    def check(self, unit) -> Iterator[Finding]:
        deps = for_unit(unit)
        if deps is None:
            return
        for setting in deps.indexes:
            if not setting.own or not setting.extra:
                continue
            if setting.option == "--extra-index-url":
                shown = f"--extra-index-url {short(setting.value, 60)}"
                fix = "use a single `--index-url` (or a proxy that merges indexes), per-package indexes, or `--require-hashes`"
            elif setting.option == "[[tool.poetry.source]]":
                shown = f"[[tool.poetry.source]] {short(setting.value, 60)}"
                fix = 'use `priority = "explicit"` and name the source on the packages that need it'
            else:
                shown = f"{setting.option} {short(setting.value, 60)}"
                fix = "use uv's default `index-strategy` (first-index) or mark the index `explicit = true`"
            yield finding_for(self, unit, setting, f"`{shown}` lets this index and the default one serve the same names ({INCIDENT}); {fix}")
