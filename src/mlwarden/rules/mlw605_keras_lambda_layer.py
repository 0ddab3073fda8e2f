from __future__ import annotations

from mlwarden.artifacts import examples as ex
from mlwarden.core.finding import Severity
from mlwarden.core.rule import FileRule, Invalid, Valid


class KerasLambdaLayer(FileRule):
    """## What it does
    Reads the `config.json` of a committed Keras `.keras` model (and, best
    effort, the `model_config` of a `.h5` model) and flags `Lambda` layers
    (also `__lambda__` functions and `TFOpLambda`) at any depth: nested
    models, wrappers such as `TimeDistributed`, functional sub-graphs.

    ## Why is this bad?
    A `Lambda` layer stores Python bytecode or a function reference that
    Keras runs when the model is loaded or called. Keras 3 refuses it under
    `safe_mode=True`, but `safe_mode=False`, `enable_unsafe_deserialization()`,
    older Keras (CVE-2024-3660) and `.h5` loading run it.

    ## Example
    ```python
    import keras

    model = keras.Sequential([keras.layers.Lambda(lambda x: x * 2)])
    model.save("model.keras")  # the committed model.keras is flagged
    ```

    ## Use instead
    ```python
    import keras

    @keras.saving.register_keras_serializable(package="mypkg")
    class Double(keras.layers.Layer):
        def call(self, x):
            return x * 2

    keras.Sequential([Double()]).save("model.keras")
    ```

    ## References
    - [CWE-502: Deserialization of Untrusted Data](https://cwe.mitre.org/data/definitions/502.html)
    - [CWE-94: Code Injection](https://cwe.mitre.org/data/definitions/94.html)
    - [OWASP ML06:2023 AI Supply Chain Attacks](https://owasp.org/www-project-machine-learning-security-top-10/docs/ML06_2023-AI_Supply_Chain_Attacks)
    - [CVE-2024-3660: Keras Lambda layer code injection](https://nvd.nist.gov/vuln/detail/CVE-2024-3660)
    - [Keras: safe_mode](https://keras.io/api/models/model_saving_apis/model_saving_and_loading/)
    """

    id = "MLW605"
    name = "keras-lambda-layer"
    severity = Severity.HIGH
    cwe = (502, 94)
    owasp = ("ML06:2023",)
    advice = "replace it with a registered layer class and keep `safe_mode=True`"
    message = f"`Lambda` layer in a Keras model runs Python code when loaded without `safe_mode`; {advice}"
    applies_to = frozenset({"model"})

    VALID = [
        Valid(ex._KOK, filename="model.keras"),
        Valid(ex._K606, filename="model.keras"),
    ]
    INVALID = [
        Invalid(ex._K605, filename="model.keras"),
        Invalid(ex._K605, filename="saved.zip.keras"),
    ]

    def check(self, unit):
        from mlwarden.artifacts.findings import issue_findings, where
        from mlwarden.artifacts.report import KERAS_LAMBDA

        yield from issue_findings(
            self,
            unit,
            KERAS_LAMBDA,
            lambda i: f"{i.detail} ({where(i.member, None)}); {self.advice}",
        )
