from __future__ import annotations

from typing import Iterator

from mlwarden.core.finding import Finding, Severity
from mlwarden.core.rule import FileRule, Invalid, Valid
from mlwarden.sources.dependencies.pip_in_code import CODE_KINDS, RULE_GATE_WORDS
from mlwarden.sources.dependencies import ALL_KINDS, finding_for, for_unit, short
from mlwarden.sources.dependencies.requirements import is_full_commit


class UnpinnedVcsRequirement(FileRule):
    """## What it does
    Flags requirements installed from a version-control repository
    (`git+https://…`, `hg+…`, `name @ git+…`, `-e git+…`, Poetry/uv/Pipfile
    `git = …` tables) that do not name a full commit: no `@ref` at all, a
    branch (`@main`), a tag (`@v1.2`) or a short SHA. Only a full 40-hex (or
    64-hex) commit SHA is immutable; an SVN `@<revision number>` is accepted.

    ## Why is this bad?
    A branch moves with every push and a tag can be deleted and re-created, so
    the code that gets installed (and runs at install time) changes without any
    change in your repository. Whoever controls the repository, including
    someone who compromised it, controls your build. A short SHA can collide
    with a crafted commit.

    ## Example
    ```text
    git+https://github.com/huggingface/peft@main
    ```

    ## Use instead
    ```text
    peft @ git+https://github.com/huggingface/peft@4a8d0f1c9f2e7b5d3a6c8e0f1b2d4c6e8a0b2d4f
    ```

    ## References
    - [pip: VCS support](https://pip.pypa.io/en/stable/topics/vcs-support/)
    - [CWE-829: Inclusion of Functionality from Untrusted Control Sphere](https://cwe.mitre.org/data/definitions/829.html)
    - [CWE-1357: Reliance on Insufficiently Trustworthy Component](https://cwe.mitre.org/data/definitions/1357.html)
    - [OWASP ML06:2023 AI Supply Chain Attacks](https://owasp.org/www-project-machine-learning-security-top-10/docs/ML06_2023-AI_Supply_Chain_Attacks)
    """

    id = "MLW304"
    name = "unpinned-vcs-requirement"
    severity = Severity.MEDIUM
    cwe = (829, 1357)
    owasp = ("ML06:2023",)
    message = "`git+https://…@main` installs whatever the branch or tag points to; pin a full 40-hex commit SHA after `@`"
    applies_to = ALL_KINDS | CODE_KINDS  # CODE_KINDS: pip commands built in Python code
    text_gate = RULE_GATE_WORDS  # in a Python file, only where `install` is written (pip_in_code gates further)

    VALID = [
        Valid("peft @ git+https://github.com/huggingface/peft@4a8d0f1c9f2e7b5d3a6c8e0f1b2d4c6e8a0b2d4f\n", filename="requirements.txt"),
        Valid("-e git+ssh://git@github.com/org/repo.git@4a8d0f1c9f2e7b5d3a6c8e0f1b2d4c6e8a0b2d4f#egg=repo\n", filename="requirements.txt"),
        Valid("svn+https://svn.example.com/repo/trunk@2019#egg=repo\n", filename="requirements.txt"),
    ]
    INVALID = [
        Invalid("git+https://github.com/huggingface/peft\n", filename="requirements.txt"),
        Invalid("peft @ git+https://github.com/huggingface/peft@v0.13.0\n", filename="requirements.txt"),
        Invalid("-e git+ssh://git@github.com/org/repo.git@4a8d0f1#egg=repo\n", filename="requirements.txt"),
        Invalid('[tool.poetry.dependencies]\npeft = { git = "https://github.com/huggingface/peft", branch = "main" }\n', filename="pyproject.toml"),
    ]

    def check(self, unit) -> Iterator[Finding]:
        deps = for_unit(unit)
        if deps is None:
            return
        for entry in deps.entries:
            if not entry.own or entry.vcs is None or is_full_commit(entry.vcs, entry.vcs_ref):
                continue
            yield finding_for(self, unit, entry, f"`{short(entry.text)}` installs whatever {_what(entry)}")


def _what(entry) -> str:
    """What the ref is and how to pin it, in the entry's own syntax."""
    if " = {" not in entry.text:  # a URL; TOML tables (Poetry, uv, Pipfile) are written `name = {git = …}`
        ref = f"`@{entry.vcs_ref}` (a branch, tag or short SHA)" if entry.vcs_ref else "the default branch"
        return f"{ref} points to at install time; pin a full 40-hex commit SHA after `@`"
    key = "ref" if entry.syntax == "pipfile" else "rev"
    kinds = {"tag": "the tag", "branch": "the branch"}
    ref = f"{kinds.get(entry.vcs_ref_key or '', 'the ref')} `{entry.vcs_ref}`" if entry.vcs_ref else "the default branch"
    return f"{ref} points to at install time (a tag or branch can be moved); set `{key}` to a full 40-hex commit SHA"
