from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: libcst is imported when a file needs it
    import libcst

from typing import Any, Optional

from packaging.version import Version

from mlwarden.core.finding import Severity
from mlwarden.core.lazy import cst
from mlwarden.core.rule import CodeRule, Invalid, Valid
from mlwarden.core.values import UNKNOWN, is_truthy
from mlwarden.rules._helpers import keyword_arg, last_words, notebook_json, remove_keyword
from mlwarden.rules._kwdict import parameter_opt_in
from mlwarden.rules._roundtrip import RoundTripAware, analysis_for

# `tensorflow.keras`, `tf_keras` and `keras.src` are canonicalised to `keras`.
LOAD_MODEL = (
    "keras.models.load_model",
    "keras.saving.load_model",
    "keras.saving.saving_api.load_model",
    "keras.models.saving.load_model",
)
#: load_model(filepath, custom_objects=None, compile=True, safe_mode=True)
_LOAD_MODEL_SAFE_MODE_POSITION = 3
DESERIALIZE = (
    "keras.saving.deserialize_keras_object",
    "keras.saving.serialization_lib.deserialize_keras_object",
    "keras.utils.deserialize_keras_object",
)
#: the matching serializers (a config made in place is an in-memory round trip)
SERIALIZE = (
    "keras.saving.serialize_keras_object",
    "keras.saving.serialization_lib.serialize_keras_object",
    "keras.utils.serialize_keras_object",
)
#: deserialize_keras_object(config, custom_objects=None, safe_mode=True, **kwargs)
_DESERIALIZE_SAFE_MODE_POSITION = 2
ENABLE_UNSAFE = (
    "keras.config.enable_unsafe_deserialization",
    "keras.saving.serialization_lib.enable_unsafe_deserialization",
    "keras.utils.enable_unsafe_deserialization",
)
_H5_SUFFIXES = (".h5", ".hdf5")
#: a load with safe_mode off (or unverifiable) of a model this code saved just before (a round trip)
OWN_FILE_NOTE = (
    " (low: this code saved the model (or serialized the config) just before the load (a round trip), so the code it"
    " runs is this code's own; the same call on a file or config from elsewhere is high)"
)
#: the first Keras whose safe_mode holds for .keras and .h5 files
KERAS_SAFE = "3.11.3"


class KerasUnsafeDeserialization(RoundTripAware, CodeRule):
    """## What it does
    Flags Keras model loading that does not enforce `safe_mode`:

    - `load_model(..., safe_mode=False)` (`keras.models.load_model`,
      `keras.saving.load_model`, `tf.keras.models.load_model`,
      `from tensorflow import keras`, `from keras.models import load_model`)
      and `deserialize_keras_object(..., safe_mode=False)`;
    - `keras.config.enable_unsafe_deserialization()` (and its
      `keras.saving.serialization_lib` spelling), which turns `safe_mode` off
      for the whole process;
    - `load_model` of a literal `.h5`/`.hdf5` path: Keras 2 and Keras 3
      before 3.11.3 ignore `safe_mode` for the legacy HDF5 format
      (CVE-2025-9905), so `Lambda` layers in it run their (marshalled)
      Python bytecode when the model is loaded. It is reported whatever the
      pinned version, because `tf.keras` may be Keras 2;
    - `load_model` of a path that is not a literal (a parameter, a value
      computed at run time): the file may be a legacy `.h5` (CVE-2025-9905)
      or a `.keras` archive crafted for the `safe_mode` bypasses
      (CVE-2025-1550, CVE-2025-8747, CVE-2025-9906). Like `torch.load`
      without `weights_only`, this is version-aware: not reported when the
      project guarantees keras >= 3.11.3, medium severity otherwise. A path
      held in a module constant or in a local variable assigned a single
      literal is judged as that literal (`.keras` is fine).

    A round trip is not flagged: a model the same function just saved
    (`model.save(path)` then `load_model(path)` at a temporary or literal
    path; see MLW101).

    ## Why is this bad?
    A `.keras` file can contain `Lambda` layers whose Python code is
    deserialized and run. `safe_mode=True` (the default since Keras 2.13)
    refuses them; `safe_mode=False` and `enable_unsafe_deserialization()`
    accept them, so loading a model from a hub runs its author's code.

    `safe_mode` itself is only trustworthy from **Keras 3.11.3**: earlier
    releases had bypasses: CVE-2025-1550 and CVE-2025-8747 (a model config
    that imports or calls arbitrary functions despite `safe_mode=True`),
    CVE-2025-9906 (a config that calls `enable_unsafe_deserialization`
    itself) and CVE-2025-9905 (`safe_mode` silently ignored for `.h5`
    files). Pin `keras>=3.11.3` when you load models you did not produce.

    ## Example
    ```python
    import keras

    model = keras.models.load_model("model.keras", safe_mode=False)
    ```

    ## Use instead
    ```python
    import keras

    model = keras.models.load_model("model.keras")
    ```
    Replace `Lambda` layers with registered custom layer classes
    (`@keras.saving.register_keras_serializable`), and convert legacy `.h5`
    models once, from a trusted source, to the `.keras` format.

    ## Options
    Value policy: a `safe_mode` known to be true (literal or module-level
    constant) is fine; known false is reported with a fix; any other
    expression is reported with a message saying it cannot be verified,
    except (since session 12b, at low severity with the reason) a parameter
    of the enclosing function that defaults to `True`, that nothing
    rebinds and that no call in the same file sets otherwise (MLW102's
    parameter-default ladder): turning `safe_mode` off needs the caller's
    explicit `safe_mode=False`. A
    dict of the same function handed over as `**kw` is followed (since
    session 12, as MLW102's Options describe) and reported when some path
    sets `safe_mode=False` (or when a `**kwargs` parameter gets it filled
    in: `kwargs.setdefault("safe_mode", False)`); an opaque `**kwargs` is not reported (the
    default is safe). A non-literal path that a checkpoint callback of the
    same test wrote during training (`ModelCheckpoint(filepath=p)` handed to
    `model.fit(..., callbacks=[...])` before `load_model(p)`, `p` a fresh
    temporary path) is low with the reason (see MLW101). Since session 15b
    the same holds outside tests, for any path written the same way at the
    callback and at the load (literals, names and attributes joined with
    `+`, `/`, f-strings or `os.path.join`; no other call, so it cannot
    change in between; a local name bound once to such a path counts as
    it): the callback is made in the same function, or returned by a
    method of its class or of its first base class (in the same file or
    another module of the project, read with `ast`) that the function calls
    with the path's parts, it reaches the function's `fit(...,
    callbacks=...)` before the load on every path (one `if`/`else` with the
    callback in both branches counts), and nothing rebinds a part of the
    path between the callback and the load. Risk argument: the file holds
    the model this function trains; if training wrote nothing (a
    `save_best_only` run that never improved), it is an earlier run's of the
    same code at the same path, which only someone who can already write
    there could have replaced. A callback made with another path, a branch
    without it, a base class outside the project, a rebound part, a path
    with a call in it (`time.time_ns()`) and a callback that never reaches
    `fit` keep the rank. Since session 13, `safe_mode=False` (or an unverifiable
    value) on a round trip, a model this code saved at that temporary or
    literal path just before the load (`model.save(p)` then
    `load_model(p, safe_mode=False)` in a test), is low with the reason: the
    `Lambda` code in that file is this code's own. The same for
    `deserialize_keras_object(config, safe_mode=False)` of a config this
    function just made with `serialize_keras_object(obj)` (or
    `obj.get_config()`, also through `json.loads(json.dumps(...))`).

    ## Version awareness
    A non-literal path is not reported when every keras the project allows
    (requirements, pyproject, lock files, or `assume-versions = {keras =
    "3.11.3"}`) is >= 3.11.3. `safe_mode=False`, `enable_unsafe_deserialization()`
    and literal `.h5` paths are reported whatever the version.

    ## Fix safety
    The fix removes `safe_mode=False`. It is **unsafe**: a model that really
    contains `Lambda` layers will then fail to load.

    ## References
    - [Keras docs: load_model and safe_mode](https://keras.io/api/models/model_saving_apis/model_saving_and_loading/)
    - [CVE-2025-1550](https://nvd.nist.gov/vuln/detail/CVE-2025-1550)
    - [CVE-2025-8747](https://nvd.nist.gov/vuln/detail/CVE-2025-8747)
    - [CVE-2025-9905](https://nvd.nist.gov/vuln/detail/CVE-2025-9905)
    - [CVE-2025-9906](https://nvd.nist.gov/vuln/detail/CVE-2025-9906)
    - [CWE-502: Deserialization of Untrusted Data](https://cwe.mitre.org/data/definitions/502.html)
    - [OWASP ML06:2023 AI Supply Chain Attacks](https://owasp.org/www-project-machine-learning-security-top-10/docs/ML06_2023-AI_Supply_Chain_Attacks)
    """

    id = "MLW108"
    name = "keras-unsafe-deserialization"
    severity = Severity.HIGH
    cwe = (502, 94)
    owasp = ("ML06:2023",)
    message = "`keras.models.load_model(..., safe_mode=False)` runs Python code stored in the model file; keep `safe_mode=True` and avoid `Lambda` layers"
    triggers = last_words(LOAD_MODEL + DESERIALIZE + ENABLE_UNSAFE) | {"safe_mode"}

    VALID = [
        Valid("import keras\nkeras.models.load_model('model.keras')"),
        Valid("import keras\nkeras.saving.load_model('m.keras', safe_mode=True)"),
        Valid("import tensorflow as tf\ntf.keras.models.load_model(path, compile=False)", options={"assume-versions": {"keras": "3.12"}}),
        Valid("import keras\nkeras.models.load_model(path, **kwargs)", options={"assume-versions": {"keras": "3.12"}}),
        Valid("import keras\nmodel.save('model.h5')"),
        Valid("import tensorflow as tf\ntf.saved_model.load(export_dir)"),
        Valid("from transformers import AutoModel\nAutoModel.from_pretrained('x', safe_mode=False)"),
        Valid("import keras\nkeras.models.load_model(path)", options={"assume-versions": {"keras": "3.11.3"}}),
        Valid("import keras\ndef test_save(tmp_path):\n    model.save(tmp_path / 'm.keras')\n    keras.models.load_model(tmp_path / 'm.keras')"),
        Valid("from keras.models import load_model\ndef main():\n    path = 'model.keras'\n    return load_model(path)"),
    ]
    INVALID = [
        Invalid(
            "import keras\nm = keras.models.load_model('m.keras', safe_mode=False)",
            fixed="import keras\nm = keras.models.load_model('m.keras')",
            unsafe_fix=True,
        ),
        Invalid(
            "import tensorflow as tf\nm = tf.keras.models.load_model(path, custom_objects=objs, safe_mode=False)",
            fixed="import tensorflow as tf\nm = tf.keras.models.load_model(path, custom_objects=objs)",
            unsafe_fix=True,
            options={"assume-versions": {"keras": "3.12"}},
        ),
        Invalid("from tensorflow import keras\nkeras.saving.load_model(p, None, True, False)"),
        Invalid("from keras.models import load_model\nload_model(p, safe_mode=cfg.safe)"),
        Invalid("import keras\nkeras.config.enable_unsafe_deserialization()"),
        Invalid("from keras.src.saving.serialization_lib import enable_unsafe_deserialization\nenable_unsafe_deserialization()"),
        Invalid("from keras.models import load_model\nmodel = load_model('weights/model.h5')"),
        Invalid("import tf_keras\nMODEL = 'best.hdf5'\ntf_keras.models.load_model(MODEL)"),
        Invalid("import keras\nkeras.saving.deserialize_keras_object(cfg, safe_mode=False)"),
        Invalid("from keras.models import load_model\ndef serve(model_path):\n    return load_model(model_path)"),
        Invalid("import tensorflow as tf\nmodel = tf.keras.models.load_model(args.model, compile=False)",
                options={"assume-versions": {"keras": "3.10.0"}}),
        Invalid(notebook_json("from tensorflow import keras", "model = keras.saving.load_model(downloaded)"), filename="example.ipynb"),
    ]

    def _local_dict_unsafe(self, node: Any, target: str) -> bool:
        """``load_model(p, **kw)`` where ``kw``, a dict of the same function,
        holds ``safe_mode=False`` on some path (``_kwdict``): reported as the
        keyword would be. Paths not followed stay as an opaque ``**kwargs``."""
        from mlwarden.rules._kwdict import keyword_paths

        found = keyword_paths(self, node, "safe_mode")
        if found is None:
            return False
        paths, holder = found
        for kind, value in paths:
            if kind in ("set", "default") and is_truthy(self.ctx.value(value)) is False:
                self.report(
                    node,
                    f"`{target}(..., **{holder})` gets `safe_mode=False` from the local dict `{holder}`, which runs Python code stored in the model file; keep `safe_mode=True` and avoid `Lambda` layers{keras_note(self.config, self.unit)}",
                )
                return True
        return False

    def _safe_mode(self, node: Any, position: int) -> Optional[Any]:
        return self.ctx.arg(node, position, "safe_mode")

    def visit_Call(self, node: libcst.Call) -> None:
        target = self.ctx.call_to(node, ENABLE_UNSAFE)
        if target:
            self.report(
                node,
                f"`{target}()` turns off Keras `safe_mode` for every later load in the process; keep it on and avoid `Lambda` layers",
            )
            return
        target = self.ctx.call_to(node, LOAD_MODEL)
        position = _LOAD_MODEL_SAFE_MODE_POSITION
        if not target:
            target = self.ctx.call_to(node, DESERIALIZE)
            position = _DESERIALIZE_SAFE_MODE_POSITION
            if not target:
                return
        value = self._safe_mode(node, position)
        if value is None and self._local_dict_unsafe(node, target):
            return
        if value is not None:
            truth = is_truthy(self.ctx.value(value))
            own = truth is not True and (
                (target in LOAD_MODEL and self._own_file(node, target)) or (target in DESERIALIZE and self._own_config(node))
            )
            if truth is False:
                fixed = remove_keyword(node, "safe_mode") if keyword_arg(node, "safe_mode") is not None else None
                self.report(
                    node,
                    f"`{target}(..., safe_mode=False)` runs Python code stored in the model file; keep `safe_mode=True` and avoid `Lambda` layers{keras_note(self.config, self.unit)}"
                    + (OWN_FILE_NOTE if own else ""),
                    replace=((node, fixed),) if fixed is not None else None,
                    fix_description="remove safe_mode=False",
                    severity=Severity.LOW if own else None,
                )
                return
            if truth is None:
                opted = parameter_opt_in(self, node, value, safe=True)
                if opted is not None:
                    # `def load(p, safe_mode=True): load_model(p, safe_mode=safe_mode)`: MLW102's ladder
                    self.report(
                        node,
                        f"`{target}(..., safe_mode={opted})` is safe unless a caller passes False: `{opted}` defaults to True and no call in this file passes another value, so running code stored in the model file needs the caller's explicit opt-out (`{opted}=False`); keep `safe_mode=True` at every call{keras_note(self.config, self.unit)}",
                        severity=Severity.LOW,
                    )
                    return
                self.report(
                    node,
                    f"`{target}` with a `safe_mode` value that cannot be verified may run Python code stored in the model file; pass `safe_mode=True`{keras_note(self.config, self.unit)}"
                    + (OWN_FILE_NOTE if own else ""),
                    severity=Severity.LOW if own else None,
                )
                return
        if target in LOAD_MODEL:
            expr = self.ctx.arg(node, 0, "filepath")
            if expr is None:
                return
            path = self._literal_path(expr)
            if isinstance(path, str):
                if path.lower().endswith(_H5_SUFFIXES) and not self.round_trip(node, target, expr):
                    self.report(
                        node,
                        f"`{target}` of a legacy HDF5 file ignores `safe_mode` in Keras 2 and before keras 3.11.3, so `Lambda` layers in it can run code; convert the model to `.keras` from a trusted copy",
                    )
                return
            low = keras_minimum(self.config, self.unit)
            if low is not None and low >= Version(KERAS_SAFE):
                return
            if self.round_trip(node, target, expr):
                return
            note = self.checkpoint_note(node, expr)
            allows = f"this project allows keras {low}" if low is not None else "no keras>=3.11.3 pin was found"
            self.report(
                node,
                f"`{target}` of a path that is not a literal can load a legacy `.h5` file, which ignores `safe_mode` (CVE-2025-9905), or a `.keras` file crafted for the `safe_mode` bypasses (CVE-2025-1550, CVE-2025-8747, CVE-2025-9906), and {allows}; require keras>=3.11.3 and load only models you trust"
                + (note or ""),
                severity=Severity.LOW if note else Severity.MEDIUM,
            )

    def _own_file(self, node: Any, target: str) -> bool:
        """The loaded path is a round trip (see MLW101): a model this code
        saved at that temporary or literal path just before the load."""
        expr = self.ctx.arg(node, 0, "filepath")
        return expr is not None and self.round_trip(node, target, expr, check_shadow=False)

    def _own_config(self, node: Any) -> bool:
        """``deserialize_keras_object(config)`` where ``config`` is what this
        function just made with ``serialize_keras_object(obj)`` (or
        ``obj.get_config()``), also through ``json.loads(json.dumps(...))``,
        each name bound once on the way: an in-memory round trip of an object
        that is already in the process."""
        expr = self.ctx.arg(node, 0, "config")
        for _ in range(6):
            if isinstance(expr, cst.Name):
                values = self.reaching_values(expr.value, expr)
                if len(values) != 1 or values[0] is None:
                    return False
                expr = values[0]
                continue
            if not isinstance(expr, cst.Call):
                return False
            if self.ctx.call_to(expr, SERIALIZE):
                return True
            if isinstance(expr.func, cst.Attribute) and expr.func.attr.value == "get_config" and not expr.args:
                return True
            if self.ctx.call_to(expr, ("json.loads", "json.dumps")) and len(expr.args) >= 1 and not expr.args[0].star:
                expr = expr.args[0].value
                continue
            return False
        return False

    def _literal_path(self, expr: Any) -> object:
        """The path's literal value: a literal, a module constant, or a
        local variable assigned exactly one literal in the function."""
        value = self.ctx.value(expr)
        if value is not UNKNOWN or not isinstance(expr, cst.Name):
            return value
        functions = [n for n in self._rt_stack() if isinstance(n, cst.FunctionDef)]
        if not functions:
            return UNKNOWN
        found = analysis_for(self.ctx).scope(functions[-1]).bindings.get(expr.value)
        if found and len(found) == 1 and found[0].kind == "assign":
            return self.ctx.value(found[0].value)
        return UNKNOWN


def keras_minimum(config, unit):
    """The lowest keras the checked file's project allows, or None."""
    try:
        from mlwarden.core.versions import project_versions

        return project_versions(config, unit.path).minimum("keras")
    except Exception:  # a version problem must never hide a finding
        return None


def keras_note(config, unit) -> str:
    """Message suffix while keras >= 3.11.3 (the first release whose
    `safe_mode` holds) is not guaranteed by the project's pins."""
    try:
        from mlwarden.core.versions import project_versions

        if project_versions(config, unit.path).at_least("keras", "3.11.3"):
            return ""
    except Exception:  # a version problem must never hide a finding
        pass
    return " (and require keras>=3.11.3: `safe_mode` is bypassable before it)"
