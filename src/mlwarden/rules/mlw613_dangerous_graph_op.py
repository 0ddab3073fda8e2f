from __future__ import annotations

from mlwarden.artifacts import examples as ex
from mlwarden.core.finding import Severity
from mlwarden.core.rule import FileRule, Invalid, Valid


class DangerousGraphOp(FileRule):
    """## What it does
    Reads the graphs of committed TensorFlow SavedModels (`saved_model.pb`),
    frozen `GraphDef` files and ONNX models with a bounded protobuf reader
    (no TensorFlow, no `onnx`), and flags:

    - TensorFlow ops that touch the file system or run Python when the graph
      runs: `ReadFile`, `WriteFile`, `MatchingFiles`, `WholeFileReader`,
      `ImmutableConst`, `PyFunc`, `PyFuncStateless`, `EagerPyFunc`,
      `DebugIdentityV2`/`V3`, `PrintV2` — in the graph and in its function
      library;
    - ONNX nodes in an operator domain no standard runtime ships (anything
      but the `ai.onnx*` and `com.microsoft*` domains, or a model-local
      function): the runtime must load a custom-op library, native code, to
      run them; `ai.onnx.contrib` `PyOp` nodes run Python.

    The saver's `SaveV2`/`RestoreV2` are how every checkpoint is written and
    restored, and are not reported.

    ## Why is this bad?
    A SavedModel is a program: serving it runs its graph. A `ReadFile` fed
    by a constant path exfiltrates files into the model's outputs,
    `WriteFile` plants files, and `PyFunc` calls back into Python. An ONNX
    model that needs a custom-op library makes whoever runs it load a shared
    library they did not review.

    ## Example
    ```python
    import tensorflow as tf

    class M(tf.Module):
        @tf.function(input_signature=[])
        def serve(self):
            return tf.io.read_file("/etc/passwd")

    tf.saved_model.save(M(), "export")  # export/saved_model.pb is flagged
    ```

    ## Use instead
    ```python
    import tensorflow as tf

    class M(tf.Module):
        @tf.function(input_signature=[tf.TensorSpec([None, 4])])
        def serve(self, x):
            return tf.nn.relu(x)

    tf.saved_model.save(M(), "export")
    ```

    ## References
    - [CWE-94: Code Injection](https://cwe.mitre.org/data/definitions/94.html)
    - [CWE-73: External Control of File Name or Path](https://cwe.mitre.org/data/definitions/73.html)
    - [OWASP ML06:2023 AI Supply Chain Attacks](https://owasp.org/www-project-machine-learning-security-top-10/docs/ML06_2023-AI_Supply_Chain_Attacks)
    - [TensorFlow security: models are programs](https://github.com/tensorflow/tensorflow/blob/master/SECURITY.md)
    - [ONNX Runtime custom operators](https://onnxruntime.ai/docs/reference/operators/add-custom-op.html)
    """

    id = "MLW613"
    name = "dangerous-graph-op"
    severity = Severity.HIGH
    cwe = (94, 73)
    owasp = ("ML06:2023",)
    advice = "rebuild the model without it or review what it runs"
    message = f"`ReadFile` in a model graph touches files or runs code when the graph runs; {advice}"
    applies_to = frozenset({"model"})

    VALID = [
        Valid(ex.ONNX_RELU, filename="model.onnx"),
        Valid(ex.ONNX_LOCAL, filename="model.onnx"),
    ]
    INVALID = [
        Invalid(ex.ONNX_PYOP, filename="model.onnx"),
        Invalid(ex.ONNX_PYOP, filename="model.bin"),
    ]

    def check(self, unit):
        from mlwarden.artifacts.findings import issue_findings, where
        from mlwarden.artifacts.report import GRAPH_OP
        from mlwarden.core.finding import Severity

        def severity(issue):
            # a custom-op domain needs a library the user installs on purpose; Python and file ops do not
            return Severity.MEDIUM if issue.key.startswith("onnx-domain:") and "Python" not in issue.detail else None

        yield from issue_findings(
            self,
            unit,
            GRAPH_OP,
            lambda i: f"{i.detail} ({where(i.member, None)}); {self.advice}",
            severity,
        )
