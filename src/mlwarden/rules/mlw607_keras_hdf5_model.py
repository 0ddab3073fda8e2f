from __future__ import annotations

from mlwarden.artifacts import examples as ex
from mlwarden.core.finding import Severity
from mlwarden.core.rule import FileRule, Invalid, Valid


class KerasHdf5Model(FileRule):
    """## What it does
    Flags committed Keras models in the legacy HDF5 format (`.h5`/`.hdf5`,
    recognised by the HDF5 signature — also after a user block — and the
    `model_config` attribute). HDF5 files that hold only data are not flagged.

    ## Why is this bad?
    Keras' `safe_mode` applies to the `.keras` format only: loading an `.h5`
    model deserialises `Lambda` layers (marshalled bytecode) without it, so
    a `.h5` file from an untrusted source can run code on `load_model`.

    Severity follows the config: high enough to show by default (medium)
    when the model also has `Lambda` layers, custom objects or gadgets; low
    (shown with `--severity low`) when every layer and function is Keras'
    own, since then loading runs nothing.

    ## Example
    ```python
    model.save("model.h5")  # the committed model.h5 is flagged
    ```

    ## Use instead
    ```python
    model.save("model.keras")  # loads with safe_mode=True by default
    ```

    ## References
    - [CWE-502: Deserialization of Untrusted Data](https://cwe.mitre.org/data/definitions/502.html)
    - [OWASP ML06:2023 AI Supply Chain Attacks](https://owasp.org/www-project-machine-learning-security-top-10/docs/ML06_2023-AI_Supply_Chain_Attacks)
    - [Keras: saving and loading (the .keras format)](https://keras.io/guides/serialization_and_saving/)
    - [CVE-2024-3660](https://nvd.nist.gov/vuln/detail/CVE-2024-3660)
    """

    id = "MLW607"
    name = "keras-hdf5-model"
    severity = Severity.MEDIUM
    cwe = (502,)
    owasp = ("ML06:2023",)
    advice = "save and load the `.keras` format instead"
    message = f"`model.h5` is a Keras HDF5 model, whose loading ignores `safe_mode`; {advice}"
    applies_to = frozenset({"model"})

    VALID = [
        Valid(ex.H5_DATA, filename="data.h5"),
        Valid(ex._KOK, filename="model.keras"),
    ]
    INVALID = [
        Invalid(ex.H5_KERAS, filename="model.h5"),
        Invalid(ex.H5_KERAS, filename="weights.hdf5"),
    ]

    def check(self, unit):
        from mlwarden.artifacts.findings import filename, identity
        from mlwarden.artifacts.report import DANGEROUS, KERAS_CUSTOM, KERAS_H5, KERAS_LAMBDA
        from mlwarden.sources.model import model_report

        report = model_report(unit)
        if report.of_kind(KERAS_H5):
            # only built-in layers and functions: nothing to run, the risk is low
            risky = report.of_kind(KERAS_LAMBDA) or report.of_kind(KERAS_CUSTOM) or report.of_kind(DANGEROUS)
            yield self.finding(
                unit,
                1,
                1,
                f"`{filename(unit.path)}` is a Keras HDF5 model, whose loading ignores `safe_mode`; {self.advice}",
                severity=None if risky else Severity.LOW,
                snippet_hash=identity(self.id, "keras-h5"),
            )
