from __future__ import annotations

from mlwarden.core.finding import Severity
from mlwarden.core.rule import CodeRule, Invalid, Valid
from mlwarden.rules._helpers import last_words

# Qualified names this rule flags (import aliases are resolved for you).
TARGETS = ('langchain_community.agent_toolkits.openapi.toolkit.RequestsToolkit',)


class LangchainDangerousRequests(CodeRule):
    """## What it does
    Flags calls to `langchain_community.agent_toolkits.openapi.toolkit.RequestsToolkit`.

    ## Why is this bad?
    TODO: explain the attack in two or three sentences: who controls the
    input, and what running it gives them.

    ## Example
    ```python
    import langchain_community.agent_toolkits.openapi.toolkit

    langchain_community.agent_toolkits.openapi.toolkit.RequestsToolkit(path)
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

    id = 'MLW212'
    name = 'langchain-dangerous-requests'
    severity = Severity.HIGH
    cwe = (502,)
    owasp = ('ML06:2023',)
    message = "`langchain_community.agent_toolkits.openapi.toolkit.RequestsToolkit` TODO says what is wrong; TODO say what to do instead"
    triggers = last_words(TARGETS)

    VALID = [
        Valid("import json\njson.load(f)"),
        Valid("obj.RequestsToolkit(path)"),
    ]
    INVALID = [
        Invalid("import langchain_community.agent_toolkits.openapi.toolkit\nlangchain_community.agent_toolkits.openapi.toolkit.RequestsToolkit(path)"),
        Invalid("import langchain_community.agent_toolkits.openapi.toolkit as alias\nalias.RequestsToolkit(path)"),
    ]

    def visit_Call(self, node) -> None:
        if self.ctx.call_to(node, TARGETS):
            self.report(node)
