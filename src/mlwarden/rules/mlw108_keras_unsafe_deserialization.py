from __future__ import annotations

from typing import Any, Optional

from mlwarden.core.finding import Severity
from mlwarden.core.rule import CodeRule, Invalid, Valid
from mlwarden.core.values import is_truthy
from mlwarden.rules._helpers import keyword_arg, last_words, remove_keyword

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
#: deserialize_keras_object(config, custom_objects=None, safe_mode=True, **kwargs)
_DESERIALIZE_SAFE_MODE_POSITION = 2
ENABLE_UNSAFE = (
    "keras.config.enable_unsafe_deserialization",
    "keras.saving.serialization_lib.enable_unsafe_deserialization",
    "keras.utils.enable_unsafe_deserialization",
)
_H5_SUFFIXES = (".h5", ".hdf5")


class KerasUnsafeDeserialization(CodeRule):
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
      pinned version, because `tf.keras` may be Keras 2.

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
    expression is reported with a message saying it cannot be verified. An
    opaque `**kwargs` is not reported (the default is safe). `.h5` detection
    only sees literal paths and module-level constants.

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
        Valid("import tensorflow as tf\ntf.keras.models.load_model(path, compile=False)"),
        Valid("import keras\nkeras.models.load_model(path, **kwargs)"),
        Valid("import keras\nmodel.save('model.h5')"),
        Valid("import tensorflow as tf\ntf.saved_model.load(export_dir)"),
        Valid("from transformers import AutoModel\nAutoModel.from_pretrained('x', safe_mode=False)"),
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
        ),
        Invalid("from tensorflow import keras\nkeras.saving.load_model(p, None, True, False)"),
        Invalid("from keras.models import load_model\nload_model(p, safe_mode=cfg.safe)"),
        Invalid("import keras\nkeras.config.enable_unsafe_deserialization()"),
        Invalid("from keras.src.saving.serialization_lib import enable_unsafe_deserialization\nenable_unsafe_deserialization()"),
        Invalid("from keras.models import load_model\nmodel = load_model('weights/model.h5')"),
        Invalid("import tf_keras\nMODEL = 'best.hdf5'\ntf_keras.models.load_model(MODEL)"),
        Invalid("import keras\nkeras.saving.deserialize_keras_object(cfg, safe_mode=False)"),
    ]

    def _safe_mode(self, node: Any, position: int) -> Optional[Any]:
        return self.ctx.arg(node, position, "safe_mode")

    def visit_Call(self, node) -> None:
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
        if value is not None:
            truth = is_truthy(self.ctx.value(value))
            if truth is False:
                fixed = remove_keyword(node, "safe_mode") if keyword_arg(node, "safe_mode") is not None else None
                self.report(
                    node,
                    f"`{target}(..., safe_mode=False)` runs Python code stored in the model file; keep `safe_mode=True` and avoid `Lambda` layers{keras_note(self.config, self.unit)}",
                    replace=((node, fixed),) if fixed is not None else None,
                    fix_description="remove safe_mode=False",
                )
                return
            if truth is None:
                self.report(
                    node,
                    f"`{target}` with a `safe_mode` value that cannot be verified may run Python code stored in the model file; pass `safe_mode=True`{keras_note(self.config, self.unit)}",
                )
                return
        if target in LOAD_MODEL:
            path = self.ctx.value(self.ctx.arg(node, 0, "filepath"))
            if isinstance(path, str) and path.lower().endswith(_H5_SUFFIXES):
                self.report(
                    node,
                    f"`{target}` of a legacy HDF5 file ignores `safe_mode` in Keras 2 and before keras 3.11.3, so `Lambda` layers in it can run code; convert the model to `.keras` from a trusted copy",
                )


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
