from __future__ import annotations

import re
from typing import Iterator, List, Optional, Sequence

from mlwarden.core.finding import Finding, Severity
from mlwarden.core.rule import FileRule, Invalid, Valid
from mlwarden.rules._helpers import shell_finding

DOWNLOADERS = frozenset({"curl", "wget"})
SHELLS = frozenset({"sh", "bash", "zsh", "dash", "ksh", "fish"})
_INTERPRETER_RE = re.compile(r"^(?:python[\d.]*|perl|ruby|node|php)$")
#: `bash <(curl …)`, `sh -c "$(wget -qO- …)"`, `` bash -c "`curl …`" ``
_SUBSTITUTION_RE = re.compile(
    r"(?:^|[\s;|&(])(?:sudo\s+(?:-\S+\s+)*)?(?:\S*/)?(?P<shell>sh|bash|zsh|dash|ksh|python[\d.]*)\s+(?:-\S+\s+)*"
    r"[\"']?\s*(?:<\s*\(|\$\(|`)\s*(?:sudo\s+)?(?:\S*/)?(?P<fetch>curl|wget)\b"
)


def _runs_stdin(name: str, args: Sequence[str]) -> bool:
    """Does ``name args`` execute the script it reads on stdin?"""
    if name in SHELLS:
        return not any(a == "-c" or (a.startswith("-") and not a.startswith("--") and "c" in a[1:]) for a in args if a.startswith("-")) \
            or "-s" in args
    if _INTERPRETER_RE.match(name):
        return not any(a in ("-c", "-e", "-m", "-E") for a in args) and not any(not a.startswith("-") and a != "-" for a in args)
    return False


def pipe_to_shell(pipelines: List[List[List[str]]], command: str) -> Optional[str]:
    """``"curl | sh"``-style description of the first download piped into an
    interpreter, or None."""
    from mlwarden.sources.notebook import program

    for pipeline in pipelines:
        fetcher: Optional[str] = None
        for words in pipeline:
            name, args = program(words)
            if fetcher and _runs_stdin(name, args):
                return f"{fetcher} | {name}"
            if name in DOWNLOADERS:
                fetcher = name
            elif fetcher and name not in ("tee", "cat", "gunzip", "zcat", "bunzip2", "xz", "base64", "tr"):
                fetcher = None  # the download was consumed by something else
    match = _SUBSTITUTION_RE.search(command)
    if match:
        return f"{match.group('shell')} <({match.group('fetch')} …)"
    return None


class ShellPipeToShell(FileRule):
    """## What it does
    Flags notebook and IPython shell lines (`!cmd`, `%%bash` cells, `%sx`)
    that pipe a download straight into an interpreter: `curl … | sh`,
    `wget -qO- … | sudo bash`, `curl … | python -`, and the substitution forms
    `bash <(curl …)` and `sh -c "$(curl …)"`. This is flagged whatever the
    URL scheme: HTTPS protects the transfer, not the content.

    ## Why is this bad?
    The script runs with the notebook's privileges (often with cloud
    credentials and data access) without anyone reading it or checking its
    integrity. Whoever controls the URL, its DNS, a mirror or a CDN cache
    controls the machine; a truncated download can also run half a script.

    ## Example
    ```text
    !curl -fsSL https://example.com/install.sh | sh
    ```

    ## Use instead
    ```text
    !curl -fsSL -o install.sh https://example.com/install.sh
    !echo "<expected sha256>  install.sh" | sha256sum --check && sh install.sh
    ```
    Better still, install a pinned package with a hash (`pip install
    --require-hashes -r requirements.txt`).

    ## Known problems
    `os.system("curl … | sh")` in Python code is not inspected.

    ## References
    - [CWE-494: Download of Code Without Integrity Check](https://cwe.mitre.org/data/definitions/494.html)
    - [CWE-829: Inclusion of Functionality from Untrusted Control Sphere](https://cwe.mitre.org/data/definitions/829.html)
    - [OWASP ML06:2023 AI Supply Chain Attacks](https://owasp.org/www-project-machine-learning-security-top-10/docs/ML06_2023-AI_Supply_Chain_Attacks)
    """

    id = "MLW221"
    name = "shell-pipe-to-shell"
    severity = Severity.HIGH
    cwe = (494, 829)
    owasp = ("ML06:2023",)
    template = "`{}` runs a downloaded script unread and unverified; download it, verify its checksum, then run it"
    message = template.format("curl … | sh")
    applies_to = frozenset({"notebook", "ipython"})
    triggers = frozenset({"curl", "wget"})

    VALID = [
        Valid("!curl -fsSL -o install.sh https://example.com/install.sh\n", filename="example.ipy"),
        Valid("!curl -s https://example.com/data.json | python -c 'import json,sys; print(json.load(sys.stdin))'\n", filename="example.ipy"),
        Valid("!wget -qO- https://example.com/data.tar.gz | tar xz\n", filename="example.ipy"),
        Valid("!curl -s https://example.com/a.txt | grep x | sh\n", filename="example.ipy"),
        Valid("cmd = 'curl https://example.com/install.sh | sh'\n", filename="example.ipy"),
    ]
    INVALID = [
        Invalid("!curl -fsSL https://example.com/install.sh | sh\n", filename="example.ipy"),
        Invalid("!wget -qO- https://example.com/install.sh | sudo -E bash -\n", filename="example.ipy"),
        Invalid("!curl -sSL https://install.python-poetry.org | python3 -\n", filename="example.ipy"),
        Invalid("%%bash\nset -e\nbash <(curl -s https://example.com/setup.sh)  # error: MLW221\n", filename="example.ipy"),
        Invalid("!sh -c \"$(curl -fsSL https://example.com/install.sh)\"\n", filename="example.ipy"),
        Invalid("out = !curl -L https://example.com/x.sh | tee x.sh | bash\n", filename="example.ipy"),
    ]

    def check(self, unit) -> Iterator[Finding]:
        from mlwarden.sources.notebook import iter_shell_commands, shell_pipelines

        for record, command in iter_shell_commands(unit):
            if "curl" not in command and "wget" not in command:
                continue
            found = pipe_to_shell(shell_pipelines(command), command)
            if found is None:
                continue
            yield shell_finding(self, unit, record, self.template.format(found))
