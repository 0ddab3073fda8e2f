from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: libcst is imported when a file needs it
    import libcst

from typing import Any, Dict, List, Tuple

from mlwarden.core.finding import Severity
from mlwarden.core.lazy import cst
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


#: function name -> (position, keyword) of the object this rank sends
PAYLOAD: Dict[str, Tuple[int, str]] = {
    "broadcast_object_list": (0, "object_list"),
    "all_gather_object": (1, "obj"),
    "gather_object": (0, "obj"),
    "scatter_object_list": (1, "scatter_object_input_list"),
}
#: calls whose result is a string or a number (or a list of them)
_PLAIN_BUILTINS = frozenset({"str", "int", "float", "bool", "len", "round", "repr", "format", "abs", "min", "max", "sum"})
_PLAIN_METHODS = frozenset({"item", "tolist", "hexdigest", "decode", "batch_decode", "format", "join", "strip", "lower", "upper", "dumps"})
_MAX_DEPTH = 6


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

    ## Severity
    Medium. Low when the object this rank sends is built in the same
    function from strings, numbers and bools only (literals, f-strings,
    `str()`/`int()`/`len()`/`.item()`/`.decode()` results, comparisons,
    `and`/`or`/`not` and conditional expressions of those, lists, tuples,
    dicts and comprehensions of those, items of such a local list, or a
    local variable every assignment of which is such a value): gathering
    log lines, a seed or a "save now?" decision across the ranks of one job.
    The receiving side still unpickles what arrives, so the finding stays
    (`--severity low`); in test code it is low too (the ranks are the test's
    own processes).

    Kept medium, by decision (benchmarks/NOISE.md, session 11): a payload
    whose contents the function does not show to be plain (an evaluator's
    outputs, a dataset one rank built, token counts read from tokenized
    records, a parameter, an object a library wrapper is handed). Such an
    object unpickles on the other ranks just as a crafted one would, and
    whether the process group is closed to other peers is what the
    reviewer has to check; a lower rank is given only where the plain
    payload is provable in the function.

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
    template = "`{}` unpickles what other ranks send; exchange tensors or make sure every peer is trusted"
    message = template.format("torch.distributed.broadcast_object_list")
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
        Invalid("from accelerate.utils import gather_object\ndef log(model):\n    gather_object([model.name])"),
        # plain data: still a finding, at low severity (see test_noise_rules.py)
        Invalid("from accelerate.utils import gather_object\ndef log(step):\n    lines = [f'step {step}']\n    gather_object(lines)"),
    ]

    def __init__(self, ctx: Any, config: Any, unit: Any) -> None:
        super().__init__(ctx, config, unit)
        #: one dict per enclosing function: local name -> assigned values
        self._scopes: List[Dict[str, List[Any]]] = [{}]

    def visit_FunctionDef(self, node: libcst.FunctionDef) -> None:
        self._scopes.append({})

    def leave_FunctionDef(self, original_node: libcst.FunctionDef) -> None:
        if len(self._scopes) > 1:
            self._scopes.pop()

    def visit_Assign(self, node: libcst.Assign) -> None:
        for target in node.targets:
            if isinstance(target.target, cst.Name):
                self._scopes[-1].setdefault(target.target.value, []).append(node.value)
            else:  # a, b = ...: the names get parts we do not follow
                for name in _names(target.target):
                    self._scopes[-1].setdefault(name, []).append(None)

    def visit_AnnAssign(self, node: libcst.AnnAssign) -> None:
        if isinstance(node.target, cst.Name):
            self._scopes[-1].setdefault(node.target.value, []).append(node.value)

    def visit_AugAssign(self, node: libcst.AugAssign) -> None:
        if isinstance(node.target, cst.Name):
            self._scopes[-1].setdefault(node.target.value, []).append(node.value)

    def visit_Call(self, node: libcst.Call) -> None:
        func = node.func
        if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name) and func.attr.value in ("append", "extend", "insert", "add", "update"):
            # lst.append(x): x becomes part of lst
            values = self._scopes[-1].get(func.value.value)
            if values is not None:
                values.extend(arg.value for arg in node.args)
        target = self.ctx.call_to(node, TARGETS)
        if not target:
            return
        payload = PAYLOAD.get(target.rsplit(".", 1)[-1])
        expr = self.ctx.arg(node, *payload) if payload else None
        if expr is not None and self._plain(expr, 0, set()):
            self.report(
                node,
                f"`{target}` unpickles what other ranks send, here plain data (strings, numbers and bools); send it as a tensor or JSON bytes, or make sure every peer is trusted",
                severity=Severity.LOW,
            )
            return
        self.report(node, self.template.format(target))

    def _plain(self, expr: Any, depth: int, seen: set) -> bool:
        """``expr`` is built from strings and numbers only."""
        if expr is None or depth > _MAX_DEPTH:
            return False
        if isinstance(expr, (cst.SimpleString, cst.Integer, cst.Float, cst.Imaginary, cst.FormattedString, cst.ConcatenatedString)):
            return True
        if isinstance(expr, cst.Name):
            if expr.value in ("True", "False", "None"):
                return True
            if expr.value in seen:
                return True  # x = x + [...]: judged by the other values
            values = self._scopes[-1].get(expr.value) if len(self._scopes) > 1 else None
            if not values:
                return False  # a parameter, a global, an attribute: not known here
            return all(self._plain(v, depth + 1, seen | {expr.value}) for v in values)
        if isinstance(expr, (cst.List, cst.Tuple, cst.Set)):
            return all(not isinstance(e, cst.StarredElement) and self._plain(e.value, depth + 1, seen) for e in expr.elements)
        if isinstance(expr, cst.Dict):
            return all(
                isinstance(e, cst.DictElement) and self._plain(e.key, depth + 1, seen) and self._plain(e.value, depth + 1, seen)
                for e in expr.elements
            )
        if isinstance(expr, (cst.ListComp, cst.SetComp, cst.GeneratorExp)):
            return self._plain(expr.elt, depth + 1, seen)
        if isinstance(expr, cst.DictComp):
            return self._plain(expr.key, depth + 1, seen) and self._plain(expr.value, depth + 1, seen)
        if isinstance(expr, cst.BinaryOperation):
            if isinstance(expr.operator, cst.Multiply) and isinstance(expr.left, (cst.List, cst.Tuple)):
                return self._plain(expr.left, depth + 1, seen)  # [None] * n
            return self._plain(expr.left, depth + 1, seen) and self._plain(expr.right, depth + 1, seen)
        if isinstance(expr, cst.UnaryOperation):
            return self._plain(expr.expression, depth + 1, seen)
        if isinstance(expr, cst.Comparison):
            # `a < b`, `x in ys`: a bool (an element-wise array for arrays) computed here
            return True
        if isinstance(expr, cst.BooleanOperation):
            return self._plain(expr.left, depth + 1, seen) and self._plain(expr.right, depth + 1, seen)
        if isinstance(expr, cst.IfExp):
            return self._plain(expr.body, depth + 1, seen) and self._plain(expr.orelse, depth + 1, seen)
        if isinstance(expr, cst.Subscript) and isinstance(expr.value, cst.Name):
            # an item or a slice of a local list, tuple or dict of plain values
            return expr.value.value not in ("True", "False", "None") and self._plain(expr.value, depth + 1, seen)
        if isinstance(expr, cst.Call):
            func = expr.func
            if isinstance(func, cst.Name) and func.value in _PLAIN_BUILTINS and func.value not in self.ctx.imports.aliases:
                return True
            if isinstance(func, cst.Attribute) and func.attr.value in _PLAIN_METHODS:
                return True
        return False


def _names(target: Any) -> List[str]:
    if isinstance(target, cst.Name):
        return [target.value]
    if isinstance(target, (cst.Tuple, cst.List)):
        return [n for e in target.elements for n in _names(e.value)]
    return []
