from __future__ import annotations

from mlwarden.core.finding import Severity
from mlwarden.core.rule import CodeRule, Invalid, Valid

_MODULES = ("pickle", "dill", "cloudpickle")
TARGETS = tuple(f"{m}.{f}" for m in _MODULES for f in ("load", "loads", "Unpickler")) + (
    "dill.load_session",
    "dill.load_module",
)


class PickleLoad(CodeRule):
    """## What it does
    Flags calls that unpickle data: `pickle.load`, `pickle.loads` and
    `pickle.Unpickler` (also through `_pickle`, `cPickle` and `pickle5`), and the
    same functions of `dill` and `cloudpickle`.

    ## Why is this bad?
    Unpickling runs code chosen by whoever wrote the bytes: a pickle's `REDUCE`
    opcode calls any importable function (`os.system`, `subprocess.Popen`, …)
    with any arguments. A checkpoint, cache file or dataset shard downloaded
    from a hub, a bucket or a colleague is untrusted input, and loading it
    gives its author a shell on the training or serving machine.

    ## Example
    ```python
    import pickle

    with open("model.pkl", "rb") as f:
        model = pickle.load(f)
    ```

    ## Use instead
    ```python
    from safetensors.torch import load_file

    state_dict = load_file("model.safetensors")
    ```
    For scikit-learn models use `skops.io` with an explicit list of trusted
    types; for plain data use JSON, Parquet or NumPy arrays without pickles.
    If you must read pickles you wrote yourself, subclass `pickle.Unpickler`
    and override `find_class` to allow only the classes you expect (that
    subclass is not flagged).

    ## Known problems
    Any call is flagged, whatever the data's origin: mlwarden cannot know
    that a file was written by your own process a moment earlier. Silence a
    reviewed call with `# noqa: MLW101`.

    ## References
    - [Python docs: pickle — "The pickle module is not secure"](https://docs.python.org/3/library/pickle.html)
    - [CWE-502: Deserialization of Untrusted Data](https://cwe.mitre.org/data/definitions/502.html)
    - [OWASP ML06:2023 AI Supply Chain Attacks](https://owasp.org/www-project-machine-learning-security-top-10/docs/ML06_2023-AI_Supply_Chain_Attacks)
    """

    id = "MLW101"
    name = "pickle-load"
    severity = Severity.HIGH
    cwe = (502,)
    owasp = ("ML06:2023",)
    message = "`pickle.load` runs code embedded in the data; load only trusted files or use a safe format such as safetensors or JSON"
    triggers = frozenset(TARGETS)  # qualified: see engine.trigger_groups

    VALID = [
        Valid("import pickle\ndata = pickle.dumps(obj)"),
        Valid("import json\njson.load(f)"),
        Valid("class Model:\n    def load(self, f):\n        pass\nModel().load(f)"),
        Valid("import pickle\nclass Restricted(pickle.Unpickler):\n    def find_class(self, m, n):\n        raise ValueError(n)\nRestricted(f).load()"),
    ]
    INVALID = [
        Invalid("import pickle\npickle.load(f)"),
        Invalid("import pickle as pk\npk.loads(data)"),
        Invalid("from pickle import loads as l\nl(data)"),
        Invalid("import _pickle\n_pickle.Unpickler(f).load()"),
        Invalid("import dill\ndill.load(f)"),
        Invalid("import cloudpickle\nobj = cloudpickle.loads(blob)"),
    ]

    def visit_Call(self, node) -> None:
        target = self.ctx.call_to(node, TARGETS)
        if target:
            self.report(
                node,
                f"`{target}` runs code embedded in the data; load only trusted files or use a safe format such as safetensors or JSON",
            )
