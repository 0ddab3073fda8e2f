from __future__ import annotations

from mlwarden.artifacts import examples as ex
from mlwarden.core.finding import Severity
from mlwarden.core.rule import FileRule, Invalid, Valid


class PickledModelFile(FileRule):
    """## What it does
    Opt-in policy rule: flags every committed model file whose format
    deserialises through pickle — plain pickles, PyTorch checkpoints (zip,
    legacy and TorchScript), joblib files, numpy `.npy`/`.npz` with object
    arrays, gzip-wrapped pickles — even when every global in it is benign.
    It is off by default (benign checkpoints produce no finding at all);
    select `MLW610` to ban pickled models from a repository.

    ## Why is this bad?
    A pickle is a program. Even a clean checkpoint trains people to load
    pickles, and the next one may not be clean. Formats that store only
    tensors cannot run code: safetensors for weights, skops for
    scikit-learn, ONNX for graphs.

    ## Example
    ```python
    import torch

    torch.save(model.state_dict(), "model.pt")  # flagged when MLW610 is selected
    ```

    ## Use instead
    ```python
    from safetensors.torch import save_file

    save_file(model.state_dict(), "model.safetensors")
    ```
    For scikit-learn: `skops.io.dump(clf, "model.skops")`.

    ## References
    - [CWE-502: Deserialization of Untrusted Data](https://cwe.mitre.org/data/definitions/502.html)
    - [OWASP ML06:2023 AI Supply Chain Attacks](https://owasp.org/www-project-machine-learning-security-top-10/docs/ML06_2023-AI_Supply_Chain_Attacks)
    - [safetensors](https://huggingface.co/docs/safetensors/index)
    - [skops: secure persistence for scikit-learn](https://skops.readthedocs.io/en/stable/persistence.html)
    """

    id = "MLW610"
    name = "pickled-model-file"
    severity = Severity.MEDIUM
    cwe = (502,)
    owasp = ("ML06:2023",)
    advice = "store weights as safetensors (or skops for scikit-learn)"
    message = f"`model.pt` is a pickle-based model file; {advice}"
    applies_to = frozenset({"model"})
    default_enabled = False

    VALID = [
        Valid("plain text in a .bin file", filename="vocab.bin"),
        Valid(ex._KOK, filename="model.keras"),
        Valid(ex.H5_KERAS, filename="model.h5"),
    ]
    INVALID = [
        Invalid(ex.P0_BENIGN_MARKED, filename="model.pkl"),
        Invalid(ex.P0_BENIGN_MARKED, filename="pytorch_model.bin"),
        Invalid(ex.P0_BENIGN_MARKED, filename="model.joblib"),
    ]

    def check(self, unit):
        from mlwarden.artifacts.findings import filename, identity
        from mlwarden.sources.model import model_report

        report = model_report(unit)
        if report.pickle_based:
            yield self.finding(
                unit,
                1,
                1,
                f"`{filename(unit.path)}` is a pickle-based model file ({report.format}); {self.advice}",
                snippet_hash=identity(self.id, report.format or ""),
            )
