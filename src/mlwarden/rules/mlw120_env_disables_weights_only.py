from __future__ import annotations

from typing import Iterator, Optional

from mlwarden.core.finding import Finding, Severity
from mlwarden.core.rule import FileRule, Invalid, Valid

VARIABLE = "TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD"
#: values torch treats as "off" (it checks for "1", "y", "yes", "true")
_OFF = frozenset({"", "0", "n", "no", "false", "off"})


def _value_enables(value: str) -> bool:
    return value.strip().strip("'\"").lower() not in _OFF


class EnvDisablesWeightsOnly(FileRule):
    """## What it does
    Flags notebook and IPython lines that set `TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD`
    to a true value: `%env TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD=1`,
    `%env TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD 1`, `%set_env …`, and shell lines
    (`!export TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD=1`,
    `!TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD=1 python train.py`, an `export` in a
    `%%bash` cell). Setting it to `0`/`false`/`no` is not flagged; a value we
    cannot read (`$FLAG`, `{flag}`) is.

    Setting the variable through `os.environ` in Python code is rule MLW107.

    ## Why is this bad?
    Since PyTorch 2.6, `torch.load` defaults to `weights_only=True`, which
    refuses to unpickle arbitrary objects. This environment variable turns that
    protection off for **every** `torch.load` call in the process that does
    not pass `weights_only` explicitly, so any checkpoint loaded later in the
    notebook can run code when it is opened.

    ## Example
    ```text
    %env TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD=1
    model = torch.load("checkpoint.pt")
    ```

    ## Use instead
    ```text
    model = torch.load("checkpoint.pt", weights_only=True)
    ```
    If a trusted checkpoint needs extra classes, allow-list exactly those with
    `torch.serialization.add_safe_globals([...])`.

    ## Known problems
    `!export NAME=1` runs in a subshell and does not change the kernel's
    environment; it is still flagged because it shows the intent (and the same
    line in a script does take effect).

    ## References
    - [PyTorch docs: torch.load and weights_only](https://pytorch.org/docs/stable/notes/serialization.html#weights-only)
    - [CWE-502: Deserialization of Untrusted Data](https://cwe.mitre.org/data/definitions/502.html)
    - [OWASP ML06:2023 AI Supply Chain Attacks](https://owasp.org/www-project-machine-learning-security-top-10/docs/ML06_2023-AI_Supply_Chain_Attacks)
    """

    id = "MLW120"
    name = "env-disables-weights-only"
    severity = Severity.HIGH
    cwe = (502,)
    owasp = ("ML06:2023",)
    message = "`TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD` turns off `torch.load`'s `weights_only` protection for the whole process; remove it and load with `weights_only=True`"
    applies_to = frozenset({"notebook", "ipython"})
    triggers = frozenset({VARIABLE})

    VALID = [
        Valid("%env TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD=0\n", filename="example.ipy"),
        Valid("%env TORCH_FORCE_WEIGHTS_ONLY_LOAD=1\n", filename="example.ipy"),
        Valid("!echo TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD=1\n", filename="example.ipy"),
        Valid("note = 'TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD=1'\n", filename="example.ipy"),
    ]
    INVALID = [
        Invalid("%env TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD=1\n", filename="example.ipy"),
        Invalid("import torch\n%env TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD true  # error: MLW120\n", filename="example.ipy"),
        Invalid("%set_env TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD=yes\n", filename="example.ipy"),
        Invalid("!export TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD=1\n", filename="example.ipy"),
        Invalid("!TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD=$FLAG python train.py\n", filename="example.ipy"),
        Invalid("%%bash\nexport TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD=1\n", filename="example.ipy"),
    ]

    def check(self, unit) -> Iterator[Finding]:
        from mlwarden.sources.notebook import env_assignments, record_position, shell_pipelines

        for record in unit.shell_lines:
            if VARIABLE not in record.command:
                continue
            hit: Optional[str] = None
            if record.kind == "line_magic" and record.magic in ("env", "set_env"):
                name, sep, value = record.command.partition("=")
                if not sep:
                    name, _, value = record.command.partition(" ")
                if name.strip() == VARIABLE and _value_enables(value):
                    hit = f"%{record.magic}"
            elif record.kind in ("shell", "cell_magic") or record.magic in ("sx", "system"):
                for pipeline in shell_pipelines(record.command):
                    for words in pipeline:
                        if any(name == VARIABLE and _value_enables(value) for name, value in env_assignments(words)):
                            hit = "export" if words[0] == "export" else "shell"
            if hit is None:
                continue
            yield self.finding(unit, record.line, record.col, **record_position(unit, record))
