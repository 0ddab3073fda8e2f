from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: libcst is imported when a file needs it
    import libcst

from typing import Optional

from mlwarden.core.finding import Severity
from mlwarden.core.rule import CodeRule, Invalid, Valid
from mlwarden.core.values import UNKNOWN
from mlwarden.rules.mlw202_unpinned_hub_revision import ParamDefaults, revision_problem

TARGETS = ("torch.hub.load", "torch.hub.list", "torch.hub.help")


class TorchHubUnpinned(ParamDefaults, CodeRule):
    """## What it does
    Flags `torch.hub.load` (and `torch.hub.list` / `torch.hub.help`, which
    import the same `hubconf.py`) of a GitHub repository that is not pinned
    to a full commit SHA (`"owner/repo:<40-hex sha>"`), and any call with
    `trust_repo=True`. `source="local"` loads a directory on disk and is not
    flagged.

    ## Why is this bad?
    `torch.hub.load("owner/repo", ...)` downloads the repository's default
    branch and imports its `hubconf.py`: whoever can push to that repository
    runs code on your machine, and a branch or tag (`owner/repo:main`,
    `owner/repo:v1.0`) can change under you. `trust_repo=True` also removes
    the prompt that asks before running code from a repository you have not
    used before.

    ## Example
    ```python
    import torch

    model = torch.hub.load("pytorch/vision", "resnet50", trust_repo=True)
    ```

    ## Use instead
    ```python
    import torch

    model = torch.hub.load(
        "pytorch/vision:cb0b7f4c5fb2d0b43e8f9c1cbf9a7d38a5c5b0d2", "resnet50", trust_repo="check"
    )
    ```
    Or vendor the code, or load weights from a pinned, hashed file.

    ## Options
    Non-literal repositories are not reported (their ref cannot be read);
    `trust_repo` held in a module-level constant or a literal parameter
    default is followed.

    ## References
    - [PyTorch docs: torch.hub](https://pytorch.org/docs/stable/hub.html)
    - [CWE-494: Download of Code Without Integrity Check](https://cwe.mitre.org/data/definitions/494.html)
    - [CWE-829: Inclusion of Functionality from Untrusted Control Sphere](https://cwe.mitre.org/data/definitions/829.html)
    - [OWASP ML06:2023 AI Supply Chain Attacks](https://owasp.org/www-project-machine-learning-security-top-10/docs/ML06_2023-AI_Supply_Chain_Attacks)
    """

    id = "MLW205"
    name = "torch-hub-unpinned"
    severity = Severity.HIGH
    cwe = (494, 829)
    owasp = ("ML06:2023",)
    message = "`torch.hub.load` imports code from a GitHub repository that is not pinned to a commit; use `owner/repo:<40-hex commit SHA>`"
    # qualified (see core.gate.trigger_groups): `torch`, `hub` and the
    # function's name must all be used as code. A plain `hub` would also be a
    # guard word that sends the whole module of every file importing a
    # module named `hub` to libcst
    triggers = frozenset(TARGETS)

    SHA = "cb0b7f4c5fb2d0b43e8f9c1cbf9a7d38a5c5b0d2"
    VALID = [
        Valid(f"import torch\ntorch.hub.load('pytorch/vision:{SHA}', 'resnet50')"),
        Valid("import torch\ntorch.hub.load('./hub_repo', 'model', source='local')"),
        Valid("import torch\ntorch.hub.load(repo, 'model')"),
        Valid(f"from torch import hub\nhub.load('pytorch/vision:{SHA}', 'resnet50', trust_repo='check')"),
    ]
    INVALID = [
        Invalid("import torch\nmodel = torch.hub.load('pytorch/vision', 'resnet50')"),
        Invalid("import torch\nmodel = torch.hub.load('ultralytics/yolov5:v7.0', 'yolov5s')"),
        Invalid(f"import torch as t\nmodel = t.hub.load('pytorch/vision:{SHA}', 'resnet50', trust_repo=True)"),
        Invalid("from torch.hub import list as hub_list\nhub_list('facebookresearch/dinov2:main')"),
        Invalid("import torch\nREPO = 'facebookresearch/dino:main'\ntorch.hub.load(REPO, 'dino_vits16')"),
    ]

    @classmethod
    def site_gate(cls, node, facts, words) -> bool:
        """A piece can hold a finding only where it calls ``torch.hub``
        (the trigger is the plain word ``hub``, which many files use for
        something else)."""
        from mlwarden.core.sites import sites

        return bool(sites(node, facts, TARGETS))

    def visit_Call(self, node: libcst.Call) -> None:
        target = self.ctx.call_to(node, TARGETS)
        if not target:
            return
        present, source_expr = self.ctx.keyword(node, "source")
        if present is None:
            return
        source = self.resolve(source_expr) if present else "github"
        if source == "local" or (present and source is UNKNOWN):
            return
        problems = []
        repo = self.resolve(self.ctx.arg(node, 0, "repo_or_dir" if target == "torch.hub.load" else "github"))
        shown = target
        if isinstance(repo, str):
            shown = f"{target}('{repo}')"
            problem = _ref_problem(repo)
            if problem:
                problems.append(problem)
        t_present, trust_expr = self.ctx.keyword(node, "trust_repo")
        if t_present:
            trust = self.resolve(trust_expr)
            if trust is True or (trust is not UNKNOWN and trust != "check" and bool(trust)):
                problems.append("`trust_repo=True` skips the prompt before running it; use `trust_repo=\"check\"`")
        if problems:
            self.report(node, f"`{shown}` imports and runs code from GitHub: " + "; ".join(problems))


def _ref_problem(repo: str) -> Optional[str]:
    name, sep, ref = repo.partition(":")
    if name.count("/") != 1 or name.startswith((".", "/", "~")):
        return None  # not an owner/repo GitHub name
    if not sep or not ref:
        return "it follows the default branch; pin it as `owner/repo:<40-hex commit SHA>`"
    problem = revision_problem(ref)
    if problem is None:
        return None
    return f"ref `{ref}` is {problem}; pin it as `owner/repo:<40-hex commit SHA>`"
