from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: libcst is imported when a file needs it
    import libcst

from mlwarden.core.finding import Severity
from mlwarden.core.lazy import cst
from mlwarden.core.rule import CodeRule, Invalid, Valid
from mlwarden.rules._roundtrip import RoundTripAware
from mlwarden.rules._helpers import notebook_json, root_words

TARGETS = (
    "jsonpickle.decode",
    "jsonpickle.loads",
    "jsonpickle.Unpickler",
    "jsonpickle.unpickler.decode",
    "jsonpickle.unpickler.Unpickler",
)


class JsonpickleDecode(RoundTripAware, CodeRule):
    """## What it does
    Flags `jsonpickle.decode`, `jsonpickle.loads` and `jsonpickle.Unpickler`
    (also through `jsonpickle.unpickler`).

    A round trip is not flagged: data the same scope produced with the
    matching dump (an in-memory dump, a buffer only a serializer wrote
    into, or a file the same function just wrote to a temporary or literal
    path; see MLW101).

    Severity: high; low when the document is a literal written in the code
    (its text is the project's), and no finding when that literal has no
    `py/` tag at all: without one jsonpickle builds only plain JSON values.
    A document that is only decoded inside `if doc in ALLOWED:` or after a
    guard clause `if doc not in ALLOWED: raise …`, `ALLOWED` a literal list,
    tuple or set of strings (in place or bound once), is one of those
    literals and is judged the same way.

    ## Why is this bad?
    jsonpickle looks like JSON but restores arbitrary Python objects: its
    `py/object`, `py/reduce` and `py/function` tags import and call any
    function named in the document, so decoding an untrusted string runs its
    author's code. The `safe=True` argument (the default in recent versions)
    only disables `py/repr` evaluation; `py/reduce` still calls arbitrary
    callables (CVE-2020-22083). The jsonpickle documentation says never to
    decode untrusted data.

    ## Example
    ```python
    import jsonpickle

    config = jsonpickle.decode(payload)
    ```

    ## Use instead
    ```python
    import json

    config = json.loads(payload)
    ```
    Rebuild your objects from plain JSON explicitly (dataclasses, pydantic
    models).

    ## References
    - [jsonpickle docs — security warning](https://jsonpickle.github.io/)
    - [CVE-2020-22083](https://nvd.nist.gov/vuln/detail/CVE-2020-22083)
    - [CWE-502: Deserialization of Untrusted Data](https://cwe.mitre.org/data/definitions/502.html)
    - [OWASP ML06:2023 AI Supply Chain Attacks](https://owasp.org/www-project-machine-learning-security-top-10/docs/ML06_2023-AI_Supply_Chain_Attacks)
    """

    id = "MLW114"
    name = "jsonpickle-decode"
    severity = Severity.HIGH
    cwe = (502,)
    owasp = ("ML06:2023",)
    template = "`{}` rebuilds arbitrary objects and can call any function; parse plain JSON with `json.loads` instead"
    message = template.format("jsonpickle.decode")
    triggers = root_words(TARGETS)  # not `decode`/`loads`: everyday words

    VALID = [
        Valid("import jsonpickle\ns = jsonpickle.encode(obj)"),
        Valid("import json\njson.loads(s)"),
        Valid("import base64\nbase64.b64decode(s)"),
        Valid("import jsonpickle\nKNOWN = ['[1, 2]', '{\"k\": 3}']\ndef load(doc):\n    if doc in KNOWN:\n        return jsonpickle.decode(doc)"),
        Valid("import jsonpickle\npick = jsonpickle.encode({'a': 1})\nprint(jsonpickle.decode(pick))\nprint(jsonpickle.unpickler.Unpickler().restore(pick))"),
    ]
    INVALID = [
        Invalid("import jsonpickle\nobj = jsonpickle.decode(s)"),
        Invalid("import jsonpickle\ndef load(doc, known):\n    if doc in known:\n        return jsonpickle.decode(doc)"),
        Invalid("import jsonpickle as jp\njp.loads(s, safe=True)"),
        Invalid("from jsonpickle.unpickler import Unpickler\nUnpickler().restore(data)"),
        Invalid("from jsonpickle import decode\ndecode(s)"),
        Invalid("import jsonpickle\nobj = jsonpickle.Unpickler().restore(request.json)"),
        Invalid(notebook_json("import jsonpickle", "obj = jsonpickle.decode(text)"), filename="example.ipynb"),
    ]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._restored = set()

    def visit_Call(self, node: libcst.Call) -> None:
        target = self.ctx.call_to(node, TARGETS)
        if target and id(node) in self._restored:
            return  # judged with its `.restore(data)` call
        func = node.func
        if (
            isinstance(func, cst.Attribute)
            and func.attr.value == "restore"
            and isinstance(func.value, cst.Call)
            and self.ctx.call_to(func.value, TARGETS)
        ):
            # `Unpickler().restore(data)`: the data is the restore argument
            inner = self.ctx.call_to(func.value, TARGETS)
            self._restored.add(id(func.value))
            data = self.ctx.arg(node, 0, "obj")
            if data is None or not self.round_trip(func.value, inner, data):
                self.report_load(func.value, inner, self.template.format(inner), data=data)
            return
        if target and not self.round_trip(node, target):
            self.report_load(node, target, self.template.format(target))
