from __future__ import annotations

from mlwarden.artifacts import examples as ex
from mlwarden.core.finding import Severity
from mlwarden.core.rule import FileRule, Invalid, Valid


class UnverifiableModelFile(FileRule):
    """## What it does
    Flags model files that mlwarden cannot read to the end, so it cannot say
    what loading them would do: truncated or corrupt pickles, opcodes that
    only make sense to a different parser (a memo key read before it is
    stored, a stack underflow, `STACK_GLOBAL` names that are not strings, a
    callable computed while loading, extension-registry codes), nested
    pickles whose bytes cannot be seen, encrypted members, a stream that
    runs code and then breaks, 7z or lz4 files when the optional readers of
    `mlwarden[models]` are missing, files that hit a limit (object or member
    size, member count, compression ratio, decompressed size, nesting depth,
    pickle opcodes, time per file), and a file **named like a model**
    (`.pt`, `.pkl`, `pytorch_model.bin`, `checkpoint.pth.tar` …) whose
    content is no format mlwarden identifies. A generic name (`.bin`, `.dat`,
    `.model`, `.pb`) with unidentifiable content is data, not a finding: see
    docs/model-files.md, "Identification".

    ## Why is this bad?
    A scanner that stops at what it cannot parse and reports nothing is the
    most common pickle-scanner bypass: the attacker makes the scanner choke
    where the real unpickler does not. mlwarden fails closed: what it cannot
    verify is a finding. After the simulation gives up it still sweeps the
    remaining opcodes for globals, so MLW601/MLW602 report what follows.

    ## Example
    ```python
    data = open("model.pkl", "rb").read()
    open("model.pkl", "wb").write(data[:-1])  # the committed, truncated model.pkl is flagged
    ```

    ## Use instead
    ```python
    from safetensors.torch import save_file

    save_file(state_dict, "model.safetensors")  # a format that holds no code
    ```

    ## Known problems
    A benign but damaged file is reported too: regenerate it. Limits are
    generous for real checkpoints (objects up to 1 GiB, 65,536 members,
    200:1 compression, 2,000,000 pickle opcodes, 60 s per file).

    ## References
    - [CWE-502: Deserialization of Untrusted Data](https://cwe.mitre.org/data/definitions/502.html)
    - [CWE-636: Not Failing Securely](https://cwe.mitre.org/data/definitions/636.html)
    - [OWASP ML06:2023 AI Supply Chain Attacks](https://owasp.org/www-project-machine-learning-security-top-10/docs/ML06_2023-AI_Supply_Chain_Attacks)
    """

    id = "MLW603"
    name = "unverifiable-model-file"
    severity = Severity.HIGH
    cwe = (502, 636)
    owasp = ("ML06:2023",)
    advice = "treat it as unsafe and regenerate it as safetensors"
    message = f"`model.pkl` cannot be verified without loading it; {advice}"
    applies_to = frozenset({"model"})

    VALID = [
        Valid(ex.P0_ORDERED_DICT, filename="model.pkl"),
        Valid(ex._TOK, filename="model.pt"),
        Valid("just some text, not a model", filename="notes.bin"),
    ]
    INVALID = [
        Invalid(ex.P0_TRUNCATED, filename="model.pkl"),
        Invalid(ex.P0_MEMO_MISS, filename="model.ckpt"),
    ]

    def check(self, unit):
        from mlwarden.artifacts.findings import filename, issue_findings, where
        from mlwarden.artifacts.report import UNVERIFIABLE

        yield from issue_findings(
            self,
            unit,
            UNVERIFIABLE,
            lambda i: f"`{filename(unit.path)}` cannot be verified without loading it: {i.detail} ({where(i.member, i.offset)}); {self.advice}",
        )
