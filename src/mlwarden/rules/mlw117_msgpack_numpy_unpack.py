from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: libcst is imported when a file needs it
    import libcst

from typing import Any, Optional

from mlwarden.core.finding import Severity
from mlwarden.core.lazy import cst
from mlwarden.core.rule import CodeRule, Invalid, Valid
from mlwarden.rules._helpers import notebook_json
from mlwarden.rules._roundtrip import RoundTripAware

#: msgpack_numpy's own unpackers decode numpy objects by default
ALWAYS = tuple(f"msgpack_numpy.{n}" for n in ("unpackb", "unpack", "loads", "load", "Unpacker"))
#: msgpack's unpackers: unsafe with msgpack_numpy's decoder as object_hook,
#: or once msgpack_numpy.patch() replaced them
MSGPACK = tuple(f"msgpack.{n}" for n in ("unpackb", "unpack", "loads", "load", "Unpacker")) + (
    "msgpack.fallback.unpackb",
    "msgpack.fallback.Unpacker",
)
DECODE = "msgpack_numpy.decode"
PATCH = "msgpack_numpy.patch"


class MsgpackNumpyUnpack(RoundTripAware, CodeRule):
    """## What it does
    Flags unpacking with msgpack-numpy's decoder: `msgpack_numpy.unpackb`,
    `unpack`, `loads`, `load` and `Unpacker`; `msgpack.unpackb(...,
    object_hook=msgpack_numpy.decode)` (also through
    `functools.partial(msgpack_numpy.decode, ...)` or a function of the same
    module that calls it); and any `msgpack` unpacker in a module that calls
    `msgpack_numpy.patch()`, which swaps msgpack's functions for
    msgpack-numpy's. Packing is not flagged.

    A round trip is not flagged: bytes the same scope just packed
    (`msgpack.unpackb(msgpack.packb(x, default=m.encode), object_hook=m.decode)`,
    see MLW101).

    ## Why is this bad?
    msgpack-numpy serializes arrays of `dtype=object` with `pickle`, and its
    decoder calls `pickle.loads` on any packed array marked as an object
    array. Unpacking a message from a socket, a queue, a cache or a file
    someone else wrote therefore runs their code, although msgpack itself is
    a data-only format.

    ## Example
    ```python
    import msgpack
    import msgpack_numpy as m

    batch = msgpack.unpackb(socket.recv(), object_hook=m.decode)
    ```

    ## Use instead
    ```python
    import numpy as np
    import msgpack

    def decode(obj):
        # rebuild only plain numeric arrays; refuse object arrays
        if isinstance(obj, dict) and b"nd" in obj:
            dtype = np.dtype(obj[b"type"])
            if dtype.hasobject:
                raise ValueError("object arrays are not accepted")
            return np.frombuffer(obj[b"data"], dtype=dtype).reshape(obj[b"shape"])
        return obj

    batch = msgpack.unpackb(socket.recv(), object_hook=decode)
    ```
    Or exchange arrays as `.npy` bytes loaded with `allow_pickle=False`,
    safetensors, or Arrow.

    ## Known problems
    `msgpack_numpy.patch()` called in another module is not seen; only the
    module that calls it has its msgpack unpackers flagged.

    ## References
    - [msgpack-numpy: object arrays are serialized with pickle](https://github.com/lebedov/msgpack-numpy)
    - [Trail of Bits: Never a dill moment — exploiting machine learning pickle files](https://blog.trailofbits.com/2021/03/15/never-a-dill-moment-exploiting-machine-learning-pickle-files/)
    - [CWE-502: Deserialization of Untrusted Data](https://cwe.mitre.org/data/definitions/502.html)
    - [OWASP ML06:2023 AI Supply Chain Attacks](https://owasp.org/www-project-machine-learning-security-top-10/docs/ML06_2023-AI_Supply_Chain_Attacks)
    """

    id = "MLW117"
    name = "msgpack-numpy-unpack"
    severity = Severity.HIGH
    cwe = (502,)
    owasp = ("ML06:2023",)
    template = "`{}`{} unpickles object arrays and can run code from the message; decode only plain numeric arrays, or use safetensors or Arrow"
    message = template.format("msgpack_numpy.unpackb", "")
    # every finding needs msgpack_numpy in the module (an import, its decoder or patch())
    triggers = frozenset({"msgpack_numpy"})

    VALID = [
        Valid("import msgpack\nimport msgpack_numpy as m\nx_enc = msgpack.packb(x, default=m.encode)"),
        Valid("import msgpack\nimport msgpack_numpy as m\nobj = msgpack.unpackb(data)"),
        Valid("import msgpack\nimport msgpack_numpy as m\nx_rec = msgpack.unpackb(msgpack.packb(x, default=m.encode), object_hook=m.decode)"),
        Valid("import msgpack\nobj = msgpack.unpackb(data, object_hook=my_decode)"),
    ]
    INVALID = [
        Invalid("import msgpack\nimport msgpack_numpy as m\narr = msgpack.unpackb(payload, object_hook=m.decode)"),
        Invalid("import msgpack_numpy\nobj = msgpack_numpy.unpackb(sock.recv(65536))"),
        Invalid("import msgpack\nimport msgpack_numpy as m\nm.patch()\nobj = msgpack.unpackb(payload)"),
        Invalid("import functools, msgpack\nimport msgpack_numpy as mn\nu = msgpack.Unpacker(f, object_hook=functools.partial(mn.decode, chain=hook))"),
        Invalid(
            "import msgpack\nimport msgpack_numpy as m\ndef decode(obj, chain=None):\n    return m.decode(obj)\n"
            "def unpack(x):\n    return msgpack.unpackb(x, object_hook=decode)  # error: MLW117"
        ),
        Invalid(notebook_json("import msgpack, msgpack_numpy as m\nm.patch()", "arr = msgpack.loads(blob)"), filename="example.ipynb"),
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._patched: Optional[bool] = None
        self._decoders: Optional[frozenset] = None

    def visit_Call(self, node: libcst.Call) -> None:
        target = self.ctx.call_to(node, ALWAYS)
        how = ""
        if target is None:
            target = self.ctx.call_to(node, MSGPACK)
            if target is None:
                return
            if self._numpy_hook(node):
                how = " with msgpack-numpy's decoder"
            elif self._module_patched():
                how = " after `msgpack_numpy.patch()`"
            else:
                return
        if self.round_trip(node, target, self.ctx.arg(node, 0, "packed")):
            return
        self.report(
            node,
            self.template.format(target, how),
        )

    def _numpy_hook(self, node: Any) -> bool:
        present, hook = self.ctx.keyword(node, "object_hook")
        if not present or hook is None:
            return False
        if isinstance(hook, cst.Call) and hook.args and self.ctx.call_to(hook, ("functools.partial",)):
            hook = hook.args[0].value
        if DECODE in self.ctx.qualnames(hook):
            return True
        return isinstance(hook, cst.Name) and hook.value in self._local_decoders()

    def _local_decoders(self) -> frozenset:
        """Functions of this module that call msgpack_numpy.decode."""
        if self._decoders is None:
            found = set()
            ctx = self.ctx

            class _Finder(cst.CSTVisitor):
                def __init__(self) -> None:
                    super().__init__()
                    self.stack = []

                def visit_FunctionDef(self, node: Any) -> None:
                    self.stack.append(node.name.value)

                def leave_FunctionDef(self, original_node: Any) -> None:
                    self.stack.pop()

                def visit_Call(self, node: Any) -> None:
                    if self.stack and DECODE in ctx.qualnames(node.func):
                        found.add(self.stack[-1])

            self.ctx.module.visit(_Finder())
            self._decoders = frozenset(found)
        return self._decoders

    def _module_patched(self) -> bool:
        if self._patched is None:
            ctx = self.ctx
            patched = []

            class _Finder(cst.CSTVisitor):
                def visit_Call(self, node: Any) -> None:
                    if PATCH in ctx.qualnames(node.func):
                        patched.append(node)

            self.ctx.module.visit(_Finder())
            self._patched = bool(patched)
        return self._patched
