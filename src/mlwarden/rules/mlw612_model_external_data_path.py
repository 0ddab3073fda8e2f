from __future__ import annotations

from mlwarden.artifacts import examples as ex
from mlwarden.core.finding import Severity
from mlwarden.core.rule import FileRule, Invalid, Valid


class ModelExternalDataPath(FileRule):
    """## What it does
    Reads committed ONNX models (a bounded protobuf reader; `onnx` is never
    imported) and flags tensors stored as external data whose `location`
    leaves the model's directory: an absolute path (`/etc/passwd`,
    `C:\\...`), a path with a `..` component, or a symlink that resolves
    outside the directory. Graph initializers, node attributes, subgraphs of
    `If`/`Loop`/`Scan` and local functions are all read.

    ## Why is this bad?
    ONNX runtimes and tools open the external-data file the model names.
    A location outside the model's directory makes loading the model read any
    file the process can (an SSH key or a token ends up in the weights, and in
    the outputs), and conversion tools that save external data write there
    (CVE-2022-25882, CVE-2024-27318, CVE-2025-51480).

    ## Example
    ```python
    import onnx

    model.graph.initializer[0].external_data[0].value = "../../.ssh/id_rsa"
    onnx.save(model, "model.onnx")  # the committed model.onnx is flagged
    ```

    ## Use instead
    ```python
    import onnx

    onnx.save(model, "model.onnx", save_as_external_data=True, location="model.onnx.data")
    ```

    ## References
    - [CWE-22: Path Traversal](https://cwe.mitre.org/data/definitions/22.html)
    - [CWE-59: Link Following](https://cwe.mitre.org/data/definitions/59.html)
    - [OWASP ML06:2023 AI Supply Chain Attacks](https://owasp.org/www-project-machine-learning-security-top-10/docs/ML06_2023-AI_Supply_Chain_Attacks)
    - [CVE-2022-25882: onnx external data directory traversal](https://nvd.nist.gov/vuln/detail/CVE-2022-25882)
    - [CVE-2024-27318: onnx external data path sanitization bypass](https://nvd.nist.gov/vuln/detail/CVE-2024-27318)
    - [CVE-2025-51480: onnx save_external_data arbitrary file overwrite](https://nvd.nist.gov/vuln/detail/CVE-2025-51480)
    """

    id = "MLW612"
    name = "model-external-data-path"
    severity = Severity.HIGH
    cwe = (22, 59)
    owasp = ("ML06:2023",)
    advice = "keep external data next to the model with a relative path"
    message = f"`location` of an ONNX external tensor leaves the model's directory; {advice}"
    applies_to = frozenset({"model"})

    VALID = [
        Valid(ex.ONNX_LOCAL, filename="model.onnx"),
        Valid(ex.ONNX_RELU, filename="model.onnx"),
    ]
    INVALID = [
        Invalid(ex.ONNX_ESCAPE, filename="model.onnx"),
        Invalid(ex.ONNX_ABSOLUTE, filename="model.onnx"),
    ]

    def check(self, unit):
        from mlwarden.artifacts.findings import issue_findings, where
        from mlwarden.artifacts.report import EXTERNAL_DATA

        yield from issue_findings(
            self,
            unit,
            EXTERNAL_DATA,
            lambda i: f"ONNX {i.detail} ({where(i.member, None)}); {self.advice}",
        )
