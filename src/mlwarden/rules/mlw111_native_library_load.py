from __future__ import annotations

from mlwarden.core.finding import Severity
from mlwarden.core.rule import CodeRule, Invalid, Valid
from mlwarden.rules._helpers import last_words

TARGETS = (
    "torch.classes.load_library",
    "torch.ops.load_library",
    "torch._ops.ops.load_library",
    "tensorflow.load_library",
    "tensorflow.load_op_library",
    "tensorflow.python.framework.load_library.load_library",
    "tensorflow.python.framework.load_library.load_op_library",
    "numpy.ctypeslib.load_library",
)


class NativeLibraryLoad(CodeRule):
    """## What it does
    Flags the ML frameworks' native-library loaders: `torch.classes.load_library`,
    `torch.ops.load_library`, `tf.load_library`, `tf.load_op_library` and
    `numpy.ctypeslib.load_library`.

    ## Why is this bad?
    Loading a shared library (`.so`, `.dll`, `.dylib`) runs its initialisers
    with the full rights of the process, before any of its functions are
    called. Custom-op libraries are sometimes shipped next to model weights
    in a hub repository or a model archive; loading one from a downloaded or
    user-controlled path is remote code execution by design. Even a local
    relative path can be hijacked by whoever controls the working directory.

    ## Example
    ```python
    import torch

    torch.ops.load_library("downloads/custom_ops.so")
    ```

    ## Use instead
    ```python
    import custom_ops  # built from source and installed as a package
    ```
    Build custom ops from reviewed source as part of your package, load them
    from an absolute path you control, and never from a model download.
    Silence a reviewed call with `# noqa: MLW111`.

    ## Known problems
    `ctypes.CDLL`, `ctypes.cdll.LoadLibrary` and `cffi` are not flagged:
    they are general-purpose FFI calls that are common and mostly load
    system libraries (`libc`, `libcuda`), so flagging them would be noise
    in ML code. Use bandit or a general linter for those.

    ## References
    - [PyTorch docs: torch.ops.load_library](https://pytorch.org/docs/stable/library.html)
    - [TensorFlow docs: tf.load_op_library](https://www.tensorflow.org/api_docs/python/tf/load_op_library)
    - [CWE-114: Process Control](https://cwe.mitre.org/data/definitions/114.html)
    - [CWE-829: Inclusion of Functionality from Untrusted Control Sphere](https://cwe.mitre.org/data/definitions/829.html)
    - [OWASP ML06:2023 AI Supply Chain Attacks](https://owasp.org/www-project-machine-learning-security-top-10/docs/ML06_2023-AI_Supply_Chain_Attacks)
    """

    id = "MLW111"
    name = "native-library-load"
    severity = Severity.MEDIUM
    cwe = (114, 829)
    owasp = ("ML06:2023",)
    message = "`torch.ops.load_library` runs native code from the library file; load only libraries built from reviewed source at a path you control"
    triggers = last_words(TARGETS)

    VALID = [
        Valid("import torch\ntorch.ops.aten.add(a, b)"),
        Valid("import ctypes\nctypes.CDLL('libc.so.6')"),
        Valid("import tensorflow as tf\ntf.saved_model.load(path)"),
    ]
    INVALID = [
        Invalid("import torch\ntorch.classes.load_library('libops.so')"),
        Invalid("import torch\ntorch.ops.load_library(lib_path)"),
        Invalid("import tensorflow as tf\nmod = tf.load_op_library('./zero_out.so')"),
        Invalid("import tensorflow as tf\ntf.load_library(path)"),
        Invalid("import numpy as np\nlib = np.ctypeslib.load_library('libmy', '.')"),
        Invalid("from numpy.ctypeslib import load_library\nload_library('libmy', here)"),
    ]

    def visit_Call(self, node) -> None:
        target = self.ctx.call_to(node, TARGETS)
        if target:
            self.report(node, f"`{target}` runs native code from the library file; load only libraries built from reviewed source at a path you control")
