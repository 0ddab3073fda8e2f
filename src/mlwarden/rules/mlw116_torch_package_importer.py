from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: libcst is imported when a file needs it
    import libcst

from mlwarden.core.finding import Severity
from mlwarden.core.rule import CodeRule, Invalid, Valid
from mlwarden.rules._helpers import notebook_json
from mlwarden.rules._roundtrip import RoundTripAware

TARGETS = ("torch.package.PackageImporter", "torch.package.package_importer.PackageImporter")


class TorchPackageImporter(RoundTripAware, CodeRule):
    """## What it does
    Flags opening a `torch.package` archive with
    `torch.package.PackageImporter` (however `torch.package` was imported).
    The finding is on the construction: everything read through the
    importer afterwards (`load_pickle`, `import_module`) comes from the
    archive.

    A round trip is not flagged: an archive the same function just wrote
    with `torch.package.PackageExporter` to a temporary or literal path or to
    an `io.BytesIO` buffer (see MLW101).

    ## Why is this bad?
    A `torch.package` archive holds pickled objects *and* the Python source
    of the modules they need. `importer.load_pickle(...)` unpickles with the
    full pickle machinery and `import_module(...)` runs the packaged code, so
    an archive from a model zoo, a hub or a colleague runs whatever its
    author put in it, in your process.

    ## Example
    ```python
    from torch.package import PackageImporter

    importer = PackageImporter("downloads/resnet.pt")
    model = importer.load_pickle("model", "model.pkl")
    ```

    ## Use instead
    ```python
    import torch
    from safetensors.torch import load_file

    model = build_model()  # code from your own, reviewed package
    model.load_state_dict(load_file("resnet.safetensors"))
    ```

    ## References
    - [PyTorch docs: torch.package (see the warning on untrusted packages)](https://pytorch.org/docs/stable/package.html)
    - [CWE-502: Deserialization of Untrusted Data](https://cwe.mitre.org/data/definitions/502.html)
    - [CWE-94: Improper Control of Generation of Code](https://cwe.mitre.org/data/definitions/94.html)
    - [OWASP ML06:2023 AI Supply Chain Attacks](https://owasp.org/www-project-machine-learning-security-top-10/docs/ML06_2023-AI_Supply_Chain_Attacks)
    """

    id = "MLW116"
    name = "torch-package-importer"
    severity = Severity.HIGH
    cwe = (502, 94)
    owasp = ("ML06:2023",)
    template = "`{}` unpickles objects and imports Python code from the archive; open only packages you built, or ship weights as safetensors"
    message = template.format("torch.package.PackageImporter")
    triggers = frozenset(TARGETS)  # qualified: see engine.trigger_groups

    VALID = [
        Valid("from torch.package import PackageExporter\nwith PackageExporter('out.pt') as exp:\n    exp.save_pickle('m', 'model.pkl', model)"),
        Valid("import torchx.package as tp\ntp.PackageImporter(path)"),
        Valid("obj.PackageImporter(path)"),
        Valid(
            "import io\nfrom torch.package import PackageExporter, PackageImporter\nbuf = io.BytesIO()\n"
            "with PackageExporter(buf) as exp:\n    exp.save_pickle('m', 'm.pkl', model)\nbuf.seek(0)\nimp = PackageImporter(buf)"
        ),
        Valid(
            "from torch.package import PackageExporter, PackageImporter\ndef test_package(tmp_path):\n    path = tmp_path / 'm.pt'\n"
            "    with PackageExporter(path) as exp:\n        exp.save_pickle('m', 'm.pkl', model)\n    imp = PackageImporter(path)"
        ),
    ]
    INVALID = [
        Invalid("import torch.package\nimporter = torch.package.PackageImporter(path)"),
        Invalid("from torch import package\nmodel = package.PackageImporter(p).load_pickle('model', 'model.pkl')"),
        Invalid("import torch.package as tp\nimp = tp.PackageImporter('zoo/model.pt')"),
        Invalid(notebook_json("from torch.package import PackageImporter as PI", "imp = PI(downloaded)"), filename="example.ipynb"),
    ]

    def visit_Call(self, node: libcst.Call) -> None:
        target = self.ctx.call_to(node, TARGETS)
        if target and not self.round_trip(node, "torch.package.PackageImporter"):
            self.report(node, self.template.format(target))
