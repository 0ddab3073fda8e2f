from __future__ import annotations

from mlwarden.artifacts import examples as ex
from mlwarden.core.finding import Severity
from mlwarden.core.rule import FileRule, Invalid, Valid


class UntrustedLoaderCode(FileRule):
    """## What it does
    Flags code that a model archive makes its loader import and run:

    - NeMo (`.nemo`) and other Hydra configs inside model archives: every
      `_target_` that names a callable outside the frameworks a model is
      built from (`nemo.`, `torch.nn.`, `torch.optim.`, `torch.utils.data.`,
      `transformers.`, `omegaconf.` …); known gadgets (`os.system`,
      `builtins.exec` …) are reported by MLW601;
    - TorchServe (`.mar`) archives whose `MANIFEST.json` names a handler or
      model file shipped as Python source in the archive.

    The YAML is read with `yaml.safe_load`; nothing is imported.

    ## Why is this bad?
    Restoring a `.nemo` model calls `hydra.utils.instantiate` on its config:
    `_target_` is imported and called with the config's arguments. TorchServe
    imports the archive's handler module when the model is registered. Both
    run whatever the archive's author wrote, so they deserve the same review
    as a dependency.

    ## Example
    ```yaml
    # model_config.yaml inside model.nemo
    model:
      _target_: mypkg.models.Net
    ```

    ## Use instead
    ```yaml
    model:
      _target_: nemo.collections.asr.models.EncDecCTCModel
    ```
    For TorchServe, use a built-in handler (`image_classifier`,
    `text_classifier` …) or review the handler's source before registering
    the archive.

    ## Options
    `allow-globals`: callables (`mypkg.models.Net`, `mypkg.models.*`) and
    handler modules to accept after review, shared with MLW602 and MLW606.

    ## References
    - [CWE-94: Code Injection](https://cwe.mitre.org/data/definitions/94.html)
    - [CWE-829: Inclusion of Functionality from Untrusted Control Sphere](https://cwe.mitre.org/data/definitions/829.html)
    - [OWASP ML06:2023 AI Supply Chain Attacks](https://owasp.org/www-project-machine-learning-security-top-10/docs/ML06_2023-AI_Supply_Chain_Attacks)
    - [Hydra: instantiating objects with `_target_`](https://hydra.cc/docs/advanced/instantiate_objects/overview/)
    - [TorchServe: custom handlers](https://pytorch.org/serve/custom_service.html)
    """

    id = "MLW614"
    name = "untrusted-loader-code"
    severity = Severity.MEDIUM
    cwe = (94, 829)
    owasp = ("ML06:2023",)
    advice = "use framework classes or review the code it names"
    message = f"`_target_` in a model archive makes its loader import and call code; {advice}"
    applies_to = frozenset({"model"})

    OPTIONS = {"allow-globals": []}

    VALID = [
        Valid(ex.NEMO_NEMO, filename="model.nemo"),
        Valid(ex.GGUF_BENIGN, filename="model.gguf"),
        Valid(ex.NEMO_TARGET, filename="model.nemo", options={"allow-globals": ["mypkg.models.*"]}),
    ]
    INVALID = [
        Invalid(ex.NEMO_TARGET, filename="model.nemo"),
    ]

    def check(self, unit):
        from mlwarden.artifacts.allowlist import allowed_by
        from mlwarden.artifacts.findings import issue_findings, where
        from mlwarden.artifacts.report import LOADER_CODE

        extra = list(self.option("allow-globals"))
        yield from issue_findings(
            self,
            unit,
            LOADER_CODE,
            lambda i: f"{i.detail} ({where(i.member, None)}); {self.advice}",
            keep=lambda i: not allowed_by(i.key.split(":", 1)[1], extra),
        )
