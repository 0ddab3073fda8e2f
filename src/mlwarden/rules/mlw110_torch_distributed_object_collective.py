from __future__ import annotations

from mlwarden.core.finding import Severity
from mlwarden.core.rule import CodeRule, Invalid, Valid
from mlwarden.rules._helpers import last_words

_FUNCTIONS = ("broadcast_object_list", "all_gather_object", "gather_object", "scatter_object_list", "recv_object_list")
# `torch.distributed.distributed_c10d.X` is canonicalised to `torch.distributed.X`.
TARGETS = tuple(f"torch.distributed.{f}" for f in _FUNCTIONS) + (
    # thin wrappers that call the torch collectives
    "accelerate.utils.broadcast_object_list",
    "accelerate.utils.gather_object",
    "accelerate.utils.operations.broadcast_object_list",
    "accelerate.utils.operations.gather_object",
)


class TorchDistributedObjectCollective(CodeRule):
    """## What it does
    Flags the `torch.distributed` collectives that move arbitrary Python
    objects between processes: `broadcast_object_list`, `all_gather_object`,
    `gather_object`, `scatter_object_list` and `recv_object_list` (however
    imported: `import torch.distributed as dist`,
    `torch.distributed.distributed_c10d`), and accelerate's
    `broadcast_object_list`/`gather_object` wrappers.

    ## Why is this bad?
    These functions pickle the objects on the sending rank and **unpickle**
    them on every receiving rank. The PyTorch documentation warns that they
    "implicitly use pickle, which is known to be insecure": any process that
    can join the process group, or reach the `TCPStore`/`MASTER_ADDR` port,
    can send a pickle that runs code on every other rank.

    The trust model: inside a single job on a private network, every rank is
    your own code and these calls are fine. They become dangerous when the
    rendezvous endpoint is reachable by others (a `MASTER_ADDR` bound to a
    public interface, a shared cluster, federated or cross-organisation
    training, elastic jobs that admit new workers). That is why the severity
    is medium: review that the process group is closed to untrusted peers.

    ## Example
    ```python
    import torch.distributed as dist

    objects = [None]
    dist.broadcast_object_list(objects, src=0)
    ```

    ## Use instead
    ```python
    import torch
    import torch.distributed as dist

    tensor = torch.zeros(4)
    dist.broadcast(tensor, src=0)
    ```
    Exchange tensors (which are not pickled), or serialize plain data to JSON
    and send it as a byte tensor. If you keep the object collectives, make
    sure the rendezvous endpoint is reachable only by your own job, and
    silence the reviewed call with `# noqa: MLW110`.

    ## References
    - [PyTorch docs: torch.distributed object collectives (pickle warning)](https://pytorch.org/docs/stable/distributed.html#torch.distributed.broadcast_object_list)
    - [CWE-502: Deserialization of Untrusted Data](https://cwe.mitre.org/data/definitions/502.html)
    - [OWASP ML06:2023 AI Supply Chain Attacks](https://owasp.org/www-project-machine-learning-security-top-10/docs/ML06_2023-AI_Supply_Chain_Attacks)
    """

    id = "MLW110"
    name = "torch-distributed-object-collective"
    severity = Severity.MEDIUM
    cwe = (502,)
    owasp = ("ML06:2023",)
    message = "`torch.distributed.broadcast_object_list` unpickles what other ranks send; exchange tensors or make sure every peer is trusted"
    triggers = last_words(TARGETS)

    VALID = [
        Valid("import torch.distributed as dist\ndist.broadcast(t, src=0)"),
        Valid("import torch.distributed as dist\ndist.all_gather(out, t)"),
        Valid("def gather_object(x):\n    return x\ngather_object(1)"),
    ]
    INVALID = [
        Invalid("import torch.distributed as dist\ndist.broadcast_object_list(objs, src=0)"),
        Invalid("import torch\ntorch.distributed.all_gather_object(out, obj)"),
        Invalid("from torch.distributed import gather_object\ngather_object(obj, out, dst=0)"),
        Invalid("from torch.distributed.distributed_c10d import scatter_object_list\nscatter_object_list(out, inp, src=0)"),
        Invalid("import torch.distributed as dist\ndist.recv_object_list(objs, src=1)"),
        Invalid("from accelerate.utils import gather_object\ngather_object(preds)"),
    ]

    def visit_Call(self, node) -> None:
        target = self.ctx.call_to(node, TARGETS)
        if target:
            self.report(node, f"`{target}` unpickles what other ranks send; exchange tensors or make sure every peer is trusted")
