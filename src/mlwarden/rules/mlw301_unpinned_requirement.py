from __future__ import annotations

from typing import Iterator

from mlwarden.core.finding import Finding, Severity
from mlwarden.core.rule import FileRule, Invalid, Valid
from mlwarden.sources.dependencies.pip_in_code import CODE_KINDS
from mlwarden.sources.dependencies import ALL_KINDS, finding_for, for_unit, pinned_example, pins_required, short

POLICIES = ("auto", "application", "library")
#: tooling that conda environments and notebooks list without a version on purpose
TOOLING = {"conda": frozenset({"python", "pip"}), "notebook": frozenset({"pip"}), "code": frozenset({"pip"})}


class UnpinnedRequirement(FileRule):
    """## What it does
    Flags requirements that are not pinned to one exact version: bare names,
    ranges (`>=`, `~=`, `<`), wildcard pins (`==1.*`), Poetry `^`/`~`
    constraints, Pipfile `"*"`, conda specs without a full version
    (`numpy=1.26` means 1.26.*), and packages installed by `%pip install` /
    `!pip install` / `!conda install` in notebooks.

    Where pins are required:

    - `requirements*.txt`, `constraints*.txt`, `requirements/*.txt`,
      `environment.yml` (conda and `pip:` sections), `Pipfile` and notebooks:
      always;
    - `pyproject.toml` (PEP 621, PEP 735 groups, Poetry, uv) and `setup.cfg`:
      only when the project is an **application**. A library must keep ranges
      so that its users can resolve; see the `pin-policy` option.

    A requirement pinned by a constraints file it includes with `-c` counts as
    pinned. URLs, VCS references and local paths are left to MLW304/MLW305.

    ## Why is this bad?
    An unpinned requirement installs whatever the index serves on the day of
    the install: a new release with a regression, a compromised release (the
    Ultralytics releases 8.3.41/8.3.42 of December 2024 mined cryptocurrency),
    or a higher-versioned package from another index (dependency confusion).
    Builds are not reproducible and reviews cannot see what will run.

    ## Example
    ```text
    transformers>=4.40
    torch
    ```

    ## Use instead
    ```text
    transformers==4.46.0 --hash=sha256:0a1b...
    torch==2.6.0 --hash=sha256:9f8e...
    ```
    Generate fully pinned, hashed files with `pip-compile --generate-hashes`
    or `uv pip compile --generate-hashes`, or commit a lock file.

    ## Options
    `pin-policy` (default `"auto"`): `"application"` checks pyproject and
    setup.cfg dependencies too, `"library"` never does. `"auto"` treats a
    pyproject with a `[build-system]` and a project name (or a setup.cfg) as a
    library, and everything else (no build backend, `[tool.uv] package =
    false`, Poetry `package-mode = false`) as an application.

    ## Known problems
    `pip`, and `python` in conda environments, are not reported. The fix is
    not automatic: mlwarden cannot know the version to pin offline, so the
    message shows the line to write with `X.Y.Z` for you to fill in.

    ## References
    - [pip: Repeatable installs](https://pip.pypa.io/en/stable/topics/repeatable-installs/)
    - [CWE-1357: Reliance on Insufficiently Trustworthy Component](https://cwe.mitre.org/data/definitions/1357.html)
    - [CWE-829: Inclusion of Functionality from Untrusted Control Sphere](https://cwe.mitre.org/data/definitions/829.html)
    - [OWASP ML06:2023 AI Supply Chain Attacks](https://owasp.org/www-project-machine-learning-security-top-10/docs/ML06_2023-AI_Supply_Chain_Attacks)
    """

    id = "MLW301"
    name = "unpinned-requirement"
    severity = Severity.MEDIUM
    cwe = (1357, 829)
    owasp = ("ML06:2023",)
    message = "`package>=1.0` is not pinned to an exact version; pin one, e.g. `package==X.Y.Z`, and add hashes"
    applies_to = ALL_KINDS | CODE_KINDS  # CODE_KINDS: pip commands built in Python code
    OPTIONS = {"pin-policy": "auto"}

    VALID = [
        Valid("torch==2.6.0\ntransformers[torch]==4.46.0 ; python_version >= '3.9'\n", filename="requirements.txt"),
        Valid("-e .\n./local/pkg\ngit+https://github.com/org/repo@0123456789abcdef0123456789abcdef01234567\n", filename="requirements.txt"),
        Valid('[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n[project]\nname = "lib"\ndependencies = ["torch>=2.6"]\n',
              filename="pyproject.toml"),
        Valid('[project]\nname = "app"\ndependencies = ["torch>=2.6"]\n', filename="pyproject.toml", options={"pin-policy": "library"}),
        Valid("dependencies:\n  - python=3.11\n  - pip\n  - numpy=1.26.4\n  - pip:\n    - torch==2.6.0\n", filename="environment.yml"),
    ]
    INVALID = [
        Invalid("torch==2.6.0\ntransformers>=4.40\n", filename="requirements.txt"),
        Invalid("numpy  # error: MLW301\ntorch==2.*  # error: MLW301\nkeras~=3.0  # error: MLW301\n", filename="requirements.txt"),
        Invalid('[project]\nname = "app"\ndependencies = [\n  "torch>=2.6",  # error: MLW301\n]\n', filename="pyproject.toml"),
        Invalid('[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n[project]\nname = "lib"\ndependencies = ["torch>=2.6"]\n',
                filename="pyproject.toml", options={"pin-policy": "application"}),
        Invalid("dependencies:\n  - numpy=1.26  # error: MLW301\n  - pip:\n    - torch  # error: MLW301\n", filename="environment.yml"),
        Invalid('[packages]\ntorch = "*"\n', filename="Pipfile"),
    ]

    def check(self, unit) -> Iterator[Finding]:
        deps = for_unit(unit)
        if deps is None:
            return
        policy = self.option("pin-policy")
        if policy not in POLICIES:
            unit.extra.setdefault("errors", []).append(
                f" [tool.mlwarden] pin-policy: expected one of {', '.join(POLICIES)}, got {policy!r}"
            )
            return
        if not pins_required(unit, deps, policy):
            return
        for entry in deps.entries:
            if not entry.own or entry.exact or entry.url or entry.local or entry.editable or not entry.name:
                continue
            if entry.context == "build-system" or entry.name in deps.constrained_pins:
                continue
            if entry.name in TOOLING.get(entry.ecosystem if entry.ecosystem == "conda" else entry.context, ()):
                continue
            if entry.specifier is None and entry.ecosystem != "conda":
                continue  # a constraint we cannot read (Poetry "||"): not ours to judge
            instead = pinned_example(entry)
            if entry.context == "notebook":
                tool = "%conda install" if entry.ecosystem == "conda" else "%pip install"
                message = f"`{short(entry.text)}` is installed without an exact version; pin one, e.g. `{tool} {instead}`"
            else:
                message = f"`{short(entry.text)}` is not pinned to an exact version; pin one, e.g. `{instead}`"
                if entry.syntax == "pip":
                    message += ", and add hashes"
            yield finding_for(self, unit, entry, message)
