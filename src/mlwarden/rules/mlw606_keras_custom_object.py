from __future__ import annotations

from mlwarden.artifacts import examples as ex
from mlwarden.core.finding import Severity
from mlwarden.core.rule import FileRule, Invalid, Valid


class KerasCustomObject(FileRule):
    """## What it does
    Flags objects in a committed Keras `.keras` config whose `module` lies
    outside Keras (`keras`, `keras.*`, `tf_keras`, `keras_hub`, `keras_nlp`,
    `keras_cv`, `tensorflow.keras`), at any depth; in legacy `.h5`
    configs, which carry no module names, classes, losses and metrics that
    Keras does not define (`MaliciousLayer`, `loss: "my_loss"`), which need
    code registered with the loader (`custom_objects`).

    ## Why is this bad?
    To rebuild a custom object Keras imports the module the config names.
    Importing runs that module's top-level code, and a config can name any
    importable module. Review each custom module a model depends on, then
    allow it.

    ## Example
    ```python
    import keras
    from my_layers import Scale

    keras.Sequential([Scale()]).save("model.keras")  # config names module `my_layers`
    ```

    ## Use instead
    ```python
    import keras

    keras.Sequential([keras.layers.Rescaling(2.0)]).save("model.keras")
    ```
    Or keep the custom layer and list it in `allow-globals`.

    ## Options
    `allow-globals`: `module.ClassName` names (or `module.*`) to accept,
    shared with MLW602.

    ## References
    - [CWE-829: Inclusion of Functionality from Untrusted Control Sphere](https://cwe.mitre.org/data/definitions/829.html)
    - [OWASP ML06:2023 AI Supply Chain Attacks](https://owasp.org/www-project-machine-learning-security-top-10/docs/ML06_2023-AI_Supply_Chain_Attacks)
    - [Keras: custom objects](https://keras.io/guides/serialization_and_saving/)
    """

    id = "MLW606"
    name = "keras-custom-object"
    severity = Severity.MEDIUM
    cwe = (829, 502)
    owasp = ("ML06:2023",)
    advice = "use built-in layers or add it to `allow-globals` after review"
    message = f"`my_layers.Scale` in a Keras model is not one of Keras' own objects; {advice}"
    applies_to = frozenset({"model"})
    OPTIONS = {"allow-globals": []}

    VALID = [
        Valid(ex._KOK, filename="model.keras"),
        Valid(ex._K606, filename="model.keras", options={"allow-globals": ["my_layers.Scale"]}),
    ]
    INVALID = [
        Invalid(ex._K606, filename="model.keras"),
    ]

    def check(self, unit):
        from mlwarden.artifacts.allowlist import allowed_by
        from mlwarden.artifacts.findings import first_of_each, identity, where
        from mlwarden.artifacts.report import KERAS_CUSTOM
        from mlwarden.sources.model import model_report

        report = model_report(unit)
        extra = list(self.option("allow-globals"))
        for issue in first_of_each(report.of_kind(KERAS_CUSTOM), lambda i: (i.member, i.key)):
            qualname = issue.key.split(":", 1)[1]
            if allowed_by(qualname, extra):
                continue
            yield self.finding(
                unit,
                1,
                1,
                f"`{qualname}` in a Keras model is not one of Keras' own objects ({issue.detail}, {where(issue.member, None)}); {self.advice}",
                snippet_hash=identity(self.id, issue.member, issue.key),
            )
