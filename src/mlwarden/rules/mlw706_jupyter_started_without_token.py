from __future__ import annotations

from typing import Iterator

from mlwarden.core.finding import Finding, Severity
from mlwarden.core.rule import FileRule, Invalid, Valid
from mlwarden.rules._helpers import shell_finding

_APPS = ("ServerApp", "NotebookApp", "IdentityProvider", "LabApp")
_COMMANDS = frozenset({"jupyter", "jupyter-notebook", "jupyter-lab", "jupyter-server"})


class JupyterStartedWithoutToken(FileRule):
    """## What it does
    Flags `jupyter notebook|lab|server ... --ServerApp.token=''` (also
    `--NotebookApp.token`, `--IdentityProvider.token`) in notebook and
    IPython shell lines: `!jupyter ...`, `%sx`/`%system`, and lines of
    `%%bash`/`%%sh` cells. The config-file form (`c.ServerApp.token = ""`)
    is MLW704.

    ## Why is this bad?
    A Jupyter server without a token or password gives anyone who can reach
    its port a Python kernel and a terminal. Notebooks that start a second
    server (for a tunnel, a Colab bridge, a remote GPU box) often combine an
    empty token with `--ip=0.0.0.0`.

    ## Example
    ```text
    !jupyter lab --ip=0.0.0.0 --no-browser --ServerApp.token='' &
    ```

    ## Use instead
    ```text
    !jupyter lab --no-browser &
    ```
    Keep the generated token (printed in the log), or configure a hashed
    password.

    ## References
    - [Jupyter Server: Security in the Jupyter Server](https://jupyter-server.readthedocs.io/en/latest/operators/security.html)
    - [CWE-306: Missing Authentication for Critical Function](https://cwe.mitre.org/data/definitions/306.html)
    - [OWASP ML05:2023 Model Theft](https://owasp.org/www-project-machine-learning-security-top-10/docs/ML05_2023-Model_Theft)
    """

    id = "MLW706"
    name = "jupyter-started-without-token"
    severity = Severity.HIGH
    cwe = (306,)
    owasp = ("ML05:2023",)
    template = "`jupyter {}=''` starts a server without authentication, giving anyone who reaches the port a Python kernel; keep the generated token or set a password"
    message = template.format("--ServerApp.token")
    applies_to = frozenset({"notebook", "ipython"})
    triggers = frozenset({"jupyter"})

    VALID = [
        Valid("!jupyter lab --no-browser\n", filename="example.ipy"),
        Valid("!jupyter notebook --NotebookApp.token=$TOKEN\n", filename="example.ipy"),
        Valid("!echo jupyter lab --ServerApp.token=''\n", filename="example.ipy"),
    ]
    INVALID = [
        Invalid("!jupyter lab --ip=0.0.0.0 --ServerApp.token='' &\n", filename="example.ipy"),
        Invalid("!nohup jupyter notebook --NotebookApp.token= --NotebookApp.password= &\n", filename="example.ipy"),
        Invalid("%%bash\njupyter server --IdentityProvider.token \"\"  # error: MLW706\n", filename="example.ipy"),
    ]

    def check(self, unit) -> Iterator[Finding]:
        from mlwarden.sources.notebook import iter_shell_commands, program, shell_pipelines

        for record, command in iter_shell_commands(unit):
            if "jupyter" not in command or "token" not in command:
                continue
            for pipeline in shell_pipelines(command):
                hit = None
                for words in pipeline:
                    name, args = program(words)
                    if name not in _COMMANDS:
                        continue
                    for i, word in enumerate(args):
                        for app in _APPS:
                            option = f"--{app}.token"
                            if word == option + "=" or (word == option and i + 1 < len(args) and args[i + 1] == ""):
                                hit = option
                if hit:
                    yield shell_finding(self, unit, record, self.template.format(hit))
                    break
