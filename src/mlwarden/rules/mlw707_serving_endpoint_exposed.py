from __future__ import annotations

from mlwarden.core.finding import Severity
from mlwarden.core.rule import CodeRule, Invalid, Valid
from mlwarden.rules._helpers import last_words

# Qualified names this rule flags (import aliases are resolved for you).
TARGETS = ('uvicorn.run',)


class ServingEndpointExposed(CodeRule):
    """## What it does
    Flags calls to `uvicorn.run`.

    ## Why is this bad?
    TODO: explain the attack in two or three sentences: who controls the
    input, and what running it gives them.

    ## Example
    ```python
    import uvicorn

    uvicorn.run(path)
    ```

    ## Use instead
    ```python
    import json

    json.load(path)
    ```

    ## References
    - [CWE-502](https://cwe.mitre.org/data/definitions/502.html)
    - OWASP ML06:2023
    """

    id = 'MLW707'
    name = 'serving-endpoint-exposed'
    severity = Severity.HIGH
    cwe = (502,)
    owasp = ('ML06:2023',)
    message = "`uvicorn.run` TODO says what is wrong; TODO say what to do instead"
    triggers = last_words(TARGETS)

    VALID = [
        Valid("import json\njson.load(f)"),
        Valid("obj.run(path)"),
    ]
    INVALID = [
        Invalid("import uvicorn\nuvicorn.run(path)"),
        Invalid("import uvicorn as alias\nalias.run(path)"),
    ]

    def visit_Call(self, node) -> None:
        if self.ctx.call_to(node, TARGETS):
            self.report(node)
