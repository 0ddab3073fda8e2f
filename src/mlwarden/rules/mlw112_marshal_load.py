from __future__ import annotations

from mlwarden.core.finding import Severity
from mlwarden.core.rule import CodeRule, Invalid, Valid
from mlwarden.rules._helpers import root_words

TARGETS = ("marshal.load", "marshal.loads")


class MarshalLoad(CodeRule):
    """## What it does
    Flags `marshal.load` and `marshal.loads`.

    ## Why is this bad?
    `marshal` is CPython's internal format for `.pyc` files. The Python
    documentation states it is "not intended to be secure against erroneous
    or maliciously constructed data": crafted input can crash the interpreter,
    and the code objects it returns are typically passed to `exec`, which
    runs whatever the author of the bytes wrote. The format also changes
    between Python versions, so it is a poor storage format for data.

    ## Example
    ```python
    import marshal

    with open("cache.bin", "rb") as f:
        table = marshal.load(f)
    ```

    ## Use instead
    ```python
    import json

    with open("cache.json") as f:
        table = json.load(f)
    ```

    ## Known problems
    Every call is flagged; silence a reviewed call on data your own process
    wrote with `# noqa: MLW112`.

    ## References
    - [Python docs: marshal](https://docs.python.org/3/library/marshal.html)
    - [CWE-502: Deserialization of Untrusted Data](https://cwe.mitre.org/data/definitions/502.html)
    - [OWASP ML06:2023 AI Supply Chain Attacks](https://owasp.org/www-project-machine-learning-security-top-10/docs/ML06_2023-AI_Supply_Chain_Attacks)
    """

    id = "MLW112"
    name = "marshal-load"
    severity = Severity.MEDIUM
    cwe = (502,)
    owasp = ("ML06:2023",)
    message = "`marshal.load` is not safe for untrusted data and returns code objects; use JSON or another data-only format"
    triggers = root_words(TARGETS)

    VALID = [
        Valid("import marshal\nblob = marshal.dumps(table)"),
        Valid("import json\njson.loads(s)"),
    ]
    INVALID = [
        Invalid("import marshal\nmarshal.load(f)"),
        Invalid("import marshal as m\ncode = m.loads(blob)"),
        Invalid("from marshal import loads\nexec(loads(blob))"),
    ]

    def visit_Call(self, node) -> None:
        target = self.ctx.call_to(node, TARGETS)
        if target:
            self.report(node, f"`{target}` is not safe for untrusted data and returns code objects; use JSON or another data-only format")
