from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: libcst is imported when a file needs it
    import libcst

from typing import Any, List

from mlwarden.core.finding import Severity
from mlwarden.core.rule import CodeRule, Invalid, Valid
from mlwarden.rules.mlw202_unpinned_hub_revision import dotted_parts

_APPS = frozenset(
    {"ServerApp", "NotebookApp", "IdentityProvider", "PasswordIdentityProvider", "LabApp", "LabServerApp", "SingleUserNotebookApp"}
)
_PASSWORD_ATTRS = frozenset({"password", "hashed_password"})


class JupyterServerWithoutToken(CodeRule):
    """## What it does
    Flags Jupyter configuration that turns token authentication off:
    `c.ServerApp.token = ""`, `c.NotebookApp.token = ""` and
    `c.IdentityProvider.token = ""` (in `jupyter_server_config.py`,
    `jupyter_notebook_config.py` or any Python file), unless the same file
    sets a non-empty `password` / `hashed_password`.

    ## Why is this bad?
    A Jupyter server without a token or password gives anyone who can reach
    its port a Python kernel and a terminal: code execution with the
    notebook user's data, models and cloud credentials. Internet-wide scans
    for open Jupyter servers are routine and have been used for
    cryptomining and credential theft (e.g. the Qubitstrike campaign).

    ## Example
    ```python
    c = get_config()
    c.ServerApp.ip = "0.0.0.0"
    c.ServerApp.token = ""
    ```

    ## Use instead
    ```python
    c = get_config()
    c.ServerApp.ip = "127.0.0.1"
    # keep the generated token, or set a hashed password:
    c.PasswordIdentityProvider.hashed_password = "argon2:$argon2id$v=19$m=10240,t=10,p=8$..."
    ```

    ## Options
    The token may be a literal or a module-level constant.

    ## References
    - [Jupyter Server: Security in the Jupyter Server](https://jupyter-server.readthedocs.io/en/latest/operators/security.html)
    - [CWE-306: Missing Authentication for Critical Function](https://cwe.mitre.org/data/definitions/306.html)
    - [OWASP ML05:2023 Model Theft](https://owasp.org/www-project-machine-learning-security-top-10/docs/ML05_2023-Model_Theft)
    """

    id = "MLW704"
    name = "jupyter-server-without-token"
    severity = Severity.HIGH
    cwe = (306,)
    owasp = ("ML05:2023",)
    template = "`{} = \"\"` turns off authentication, giving anyone who reaches the port a Python kernel; keep the token or set a password"
    message = template.format("c.ServerApp.token")
    triggers = _APPS

    VALID = [
        Valid("c = get_config()\nc.ServerApp.token = 'a-long-random-token'"),
        Valid("c = get_config()\nc.ServerApp.token = ''\nc.ServerApp.password = 'argon2:$argon2id$v=19$xyz'"),
        Valid("self.token = ''"),
    ]
    INVALID = [
        Invalid("c = get_config()\nc.ServerApp.token = ''"),
        Invalid("c = get_config()\nc.NotebookApp.token = u''  # error: MLW704\nc.NotebookApp.password = ''"),
        Invalid("EMPTY = ''\nc.IdentityProvider.token = EMPTY"),
    ]

    def __init__(self, ctx: Any, config: Any, unit: Any) -> None:
        super().__init__(ctx, config, unit)
        self._empty: List[Any] = []
        self._password = False

    def visit_Assign(self, node: libcst.Assign) -> None:
        for target in node.targets:
            parts = dotted_parts(target.target)
            if len(parts) < 2 or parts[-2] not in _APPS:
                continue
            value = self.ctx.value(node.value)
            if parts[-1] == "token" and value == "":
                self._empty.append((node, ".".join(parts)))
            elif parts[-1] in _PASSWORD_ATTRS and isinstance(value, str) and value:
                self._password = True

    def leave_Module(self, original_node: libcst.Module) -> None:
        if self._password:
            return
        for node, shown in self._empty:
            self.report(node, self.template.format(shown))
