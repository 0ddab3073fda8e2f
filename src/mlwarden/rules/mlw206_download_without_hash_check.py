from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: libcst is imported when a file needs it
    import libcst

from mlwarden.core.finding import Severity
from mlwarden.core.rule import CodeRule, Invalid, Valid
from mlwarden.core.values import UNKNOWN
from mlwarden.rules._helpers import last_words
from mlwarden.rules.mlw202_unpinned_hub_revision import ParamDefaults

#: the `check_hash` downloaders also unpickle the file, with their own
#: `weights_only` (this position), which defaults to False in every torch version
WEIGHTS_ONLY_POS = 6
#: function -> (position, keyword) of the integrity argument
TARGETS = {
    "torch.hub.load_state_dict_from_url": (4, "check_hash"),
    "torch.utils.model_zoo.load_url": (4, "check_hash"),
    "torchvision.models.utils.load_state_dict_from_url": (4, "check_hash"),
    "torch.hub.download_url_to_file": (2, "hash_prefix"),
}


class DownloadWithoutHashCheck(ParamDefaults, CodeRule):
    """## What it does
    Flags `torch.hub.load_state_dict_from_url` (also as
    `torch.utils.model_zoo.load_url`) without `check_hash=True`, and
    `torch.hub.download_url_to_file` without a `hash_prefix`.

    ## Why is this bad?
    Without a hash check, whatever the server (or anyone between you and it,
    or whoever replaced the file) returns is cached and loaded; checkpoint
    files are usually pickles, so a swapped file runs code. With
    `check_hash=True`, torch compares the file's SHA-256 with the prefix
    embedded in its file name (`resnet50-11ad3fa6.pth`) and refuses a
    mismatch.

    ## Example
    ```python
    import torch

    state = torch.hub.load_state_dict_from_url("https://example.com/weights/resnet50.pth")
    ```

    ## Use instead
    ```python
    import torch

    state = torch.hub.load_state_dict_from_url(
        "https://example.com/weights/resnet50-11ad3fa6.pth", check_hash=True, weights_only=True
    )
    ```

    ## Severity
    High when the downloaded file is also unpickled in full:
    `load_state_dict_from_url`/`load_url` without `weights_only=True` (its
    default is `False` in every torch version, also after torch 2.6 made
    `torch.load` safe by default), so a swapped file runs code. Medium with
    `weights_only=True` (a swapped file changes the weights, it cannot run
    code), with a `weights_only` value that is not a literal, and for
    `download_url_to_file`, which only saves the file.

    `check_hash=True` (or a `hash_prefix`) is taken as the integrity check
    this rule asks for, however long the digest is; how much it is worth
    when the file is also unpickled with `weights_only=False` is MLW102's
    ladder: a digest of at least 40 hex digits in a file name written in the
    code pins the file like a commit SHA (medium there), a shorter or
    run-time one does not (high). The same holds when `weights_only` is
    omitted next to `check_hash=True`: MLW102 reports that full unpickle.

    ## Options
    A `check_hash`/`hash_prefix` held in a module-level constant or a
    literal parameter default is followed; another expression is given the
    benefit of the doubt. `**kwargs` that may carry it are not reported.

    ## References
    - [PyTorch docs: torch.hub.load_state_dict_from_url](https://pytorch.org/docs/stable/hub.html#torch.hub.load_state_dict_from_url)
    - [CWE-494: Download of Code Without Integrity Check](https://cwe.mitre.org/data/definitions/494.html)
    - [CWE-353: Missing Support for Integrity Check](https://cwe.mitre.org/data/definitions/353.html)
    - [OWASP ML06:2023 AI Supply Chain Attacks](https://owasp.org/www-project-machine-learning-security-top-10/docs/ML06_2023-AI_Supply_Chain_Attacks)
    """

    id = "MLW206"
    name = "download-without-hash-check"
    severity = Severity.MEDIUM
    cwe = (494, 353)
    owasp = ("ML06:2023",)
    message = "`torch.hub.load_state_dict_from_url` without `check_hash=True` loads whatever file the server returns; name the file with its hash and pass `check_hash=True`"
    triggers = last_words(TARGETS)

    VALID = [
        Valid("import torch\ntorch.hub.load_state_dict_from_url(url, check_hash=True)"),
        Valid("import torch\ntorch.hub.download_url_to_file(url, dst, 'ab12cd34')"),
        Valid("import torch\ntorch.hub.load_state_dict_from_url(url, **opts)"),
        Valid("from torch.hub import load_state_dict_from_url\nload_state_dict_from_url(url, None, 'cpu', True, True)"),
    ]
    INVALID = [
        Invalid("import torch\nsd = torch.hub.load_state_dict_from_url(url)"),
        Invalid("from torch.utils import model_zoo\nsd = model_zoo.load_url(url, check_hash=False)"),
        Invalid("import torch\ntorch.hub.download_url_to_file(url, dst, hash_prefix=None)"),
        Invalid("from torch.hub import download_url_to_file as dl\ndl('https://example.com/m.pt', 'm.pt')"),
        Invalid("import torch\nsd = torch.hub.load_state_dict_from_url(url, map_location='cpu', weights_only=True)"),
    ]

    def visit_Call(self, node: libcst.Call) -> None:
        target = self.ctx.call_to(node, TARGETS)
        if not target:
            return
        pos, keyword = TARGETS[target]
        present, _ = self.ctx.keyword(node, keyword)
        if present is None:
            return
        expr = self.ctx.arg(node, pos, keyword)
        if expr is not None:
            value = self.resolve(expr)
            if value is UNKNOWN or (value is not None and bool(value)):
                return
        severity = None
        if keyword == "check_hash":
            message = f"`{target}` without `check_hash=True` loads whatever file the server returns; name the file with its SHA-256 prefix and pass `check_hash=True`"
            if self._unpickles(node):
                severity = Severity.HIGH
                message = (
                    f"`{target}` without `check_hash=True` or `weights_only=True` unpickles whatever file the server returns "
                    "(`weights_only` defaults to `False` here), so a swapped file runs code; name the file with its SHA-256 prefix "
                    "and pass `check_hash=True` and `weights_only=True`"
                )
        else:
            message = f"`{target}` without `hash_prefix` saves whatever file the server returns; pass `hash_prefix=` the file's SHA-256 (or a prefix of it)"
        self.report(node, message, severity=severity)

    def _unpickles(self, node: libcst.Call) -> bool:
        """True when ``weights_only`` is omitted or a literal false value
        (followed through constants and literal parameter defaults)."""
        expr = self.ctx.arg(node, WEIGHTS_ONLY_POS, "weights_only")
        if expr is None:
            return True
        value = self.resolve(expr)
        return value is not UNKNOWN and value is not None and not bool(value)
