from __future__ import annotations

from mlwarden.artifacts import examples as ex
from mlwarden.core.finding import Severity
from mlwarden.core.rule import FileRule, Invalid, Valid


class MalformedModelArchive(FileRule):
    """## What it does
    Walks the ZIP structure of PyTorch, TorchScript, Keras and `.npz` files
    itself (central directory, then every local header) and flags anomalies:
    CRC-32 mismatches, local and central names, flags or methods that
    differ, unusual flag bits, duplicate or overlapping members, data before
    the archive or inside the central directory, sizes that do not add up,
    compression methods torch does not read, and several `data.pkl` roots.
    Also: member names that escape the extraction directory and links in zip,
    tar and 7z archives, pickle/ZIP polyglots, and safetensors and GGUF
    headers that their loaders refuse or read differently (bad offsets,
    overlapping or out-of-range tensors, unknown dtypes, non-string
    metadata, truncated metadata).

    ## Why is this bad?
    Loaders and scanners read malformed archives differently. Python's
    `zipfile` refuses a bad CRC that torch's reader accepts, takes the last
    of two same-named members where another reader takes the first, and
    trusts the central directory where another trusts the local header. Each
    difference lets a scanner check one pickle while torch loads another:
    published bypasses of picklescan and modelscan do exactly this. A
    checkpoint written by `torch.save` is never malformed.

    Severity is high for archives (a loader may read another pickle than a
    scanner), medium for safetensors and GGUF headers (no code; their
    readers refuse them, and other readers may disagree).

    ## Example
    ```python
    blob = bytearray(open("model.pt", "rb").read())
    blob[60] ^= 0xFF  # flip a byte of archive/data.pkl: its CRC no longer matches
    open("model.pt", "wb").write(blob)  # the committed model.pt is flagged
    ```

    ## Use instead
    ```python
    import torch

    torch.save(model.state_dict(), "model.pt")  # or safetensors
    ```

    ## Known problems
    Tensor data members larger than 1 MiB are checked for sizes, bounds and
    overlaps but not for CRC (they hold numbers, not code); `mlwarden
    scan-model --full-crc` checks them too.

    ## References
    - [CWE-502: Deserialization of Untrusted Data](https://cwe.mitre.org/data/definitions/502.html)
    - [CWE-436: Interpretation Conflict](https://cwe.mitre.org/data/definitions/436.html)
    - [OWASP ML06:2023 AI Supply Chain Attacks](https://owasp.org/www-project-machine-learning-security-top-10/docs/ML06_2023-AI_Supply_Chain_Attacks)
    - [PKWARE APPNOTE.TXT: the ZIP file format](https://pkware.cachefly.net/webdocs/casestudies/APPNOTE.TXT)
    """

    id = "MLW604"
    name = "malformed-model-archive"
    severity = Severity.HIGH
    cwe = (502, 436)
    owasp = ("ML06:2023",)
    advice = "regenerate it with the framework's own writer or as safetensors"
    message = f"`model.pt` is a malformed model file that loaders read differently; {advice}"
    applies_to = frozenset({"model"})

    VALID = [
        Valid(ex._TOK, filename="model.pt"),
        Valid(ex._KOK, filename="model.keras"),
    ]
    INVALID = [
        Invalid(ex._T604, filename="model.pt"),
        Invalid(ex._T604, filename="checkpoint.bin"),
    ]

    def check(self, unit):
        from mlwarden.artifacts.findings import filename, issue_findings, where
        from mlwarden.artifacts.report import MALFORMED

        yield from issue_findings(
            self,
            unit,
            MALFORMED,
            lambda i: f"`{filename(unit.path)}` is malformed: {i.detail} ({where(i.member, i.offset)}); {self.advice}",
            # weight-format headers hold no code: their readers refuse them, so the risk is a parser difference only
            lambda i: Severity.MEDIUM if i.key.startswith(("safetensors-", "gguf-")) else None,
        )
