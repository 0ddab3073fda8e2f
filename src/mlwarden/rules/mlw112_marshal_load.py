from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: libcst is imported when a file needs it
    import libcst

from mlwarden.core.finding import Severity
from mlwarden.core.rule import CodeRule, Invalid, Valid
from mlwarden.rules._roundtrip import RoundTripAware
from mlwarden.rules._helpers import notebook_json, root_words

TARGETS = ("marshal.load", "marshal.loads")


class MarshalLoad(RoundTripAware, CodeRule):
    """## What it does
    Flags `marshal.load` and `marshal.loads`.

    A round trip is not flagged: data the same scope produced with the
    matching dump (an in-memory dump, a buffer only a serializer wrote
    into, or a file the same function just wrote to a temporary or literal
    path; see MLW101).

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
    template = "`{}` is not safe for untrusted data and returns code objects; use JSON or another data-only format"
    message = template.format("marshal.load")
    triggers = root_words(TARGETS)

    VALID = [
        Valid("import marshal\nblob = marshal.dumps(table)"),
        Valid("import json\njson.loads(s)"),
        Valid("import marshal\nserialized = marshal.dumps({'a': 1})\nprint(marshal.loads(serialized))"),
        Valid("import marshal, tempfile\nfile_obj = tempfile.TemporaryFile()\nmarshal.dump(range(5), file_obj)\nfile_obj.seek(0)\nprint(marshal.load(file_obj))"),
    ]
    INVALID = [
        Invalid("import marshal\nmarshal.load(f)"),
        Invalid("import marshal as m\ncode = m.loads(blob)"),
        Invalid("from marshal import loads\nexec(loads(blob))"),
        Invalid("import marshal, tempfile\nfile_obj = tempfile.TemporaryFile()\nfile_obj.write(sock.recv(1024))\nfile_obj.seek(0)\nmarshal.load(file_obj)"),
        Invalid(notebook_json("import marshal", "code = marshal.loads(blob)"), filename="example.ipynb"),
    ]

    def visit_Call(self, node: libcst.Call) -> None:
        target = self.ctx.call_to(node, TARGETS)
        if target and not self.round_trip(node, target):
            self.report_load(node, target, self.template.format(target))
