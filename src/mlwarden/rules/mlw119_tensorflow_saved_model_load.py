from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: libcst is imported when a file needs it
    import libcst

from typing import Dict, Tuple

from mlwarden.core.finding import Severity
from mlwarden.core.rule import CodeRule, Invalid, Valid
from mlwarden.rules._helpers import notebook_json
from mlwarden.rules._roundtrip import RoundTripAware

#: SavedModel loaders: qualified name -> (position, keyword) of the model directory
LOADERS: Dict[str, Tuple[int, str]] = {
    "tensorflow.saved_model.load": (0, "export_dir"),
    "tensorflow.compat.v2.saved_model.load": (0, "export_dir"),
    "tensorflow.saved_model.load_v2": (0, "export_dir"),
    # TF1: load(sess, tags, export_dir)
    "tensorflow.compat.v1.saved_model.load": (2, "export_dir"),
    "tensorflow.compat.v1.saved_model.loader.load": (2, "export_dir"),
    "tensorflow.saved_model.loader.load": (2, "export_dir"),
    # Keras 3 wraps a SavedModel's endpoint as a layer
    "keras.layers.TFSMLayer": (0, "filepath"),
}
TARGETS = tuple(LOADERS)


class TensorflowSavedModelLoad(RoundTripAware, CodeRule):
    """## What it does
    Flags loading a TensorFlow SavedModel: `tf.saved_model.load(path)`, the
    TF1 loaders `tf.compat.v1.saved_model.load(sess, tags, path)` and
    `tf.compat.v1.saved_model.loader.load`, and Keras 3's
    `keras.layers.TFSMLayer(path)`.

    A round trip is not flagged: a directory the same function just wrote
    with `tf.saved_model.save(obj, path)` or `model.save(path)` at a
    temporary or literal path (see MLW101).

    Severity is medium: the graph runs with the process's rights but cannot
    call Python functions. A literal path keeps the medium severity: the
    directory it names may hold a downloaded model. Keras `load_model` is
    MLW108's.

    ## Why is this bad?
    TensorFlow's security policy says it plainly: models are programs, and
    loading an untrusted model or graph is equivalent to running untrusted
    code. A SavedModel's graph may read and write files, talk to the
    network and spawn processes when it is loaded or called, so a model
    directory from a hub, a bucket or a colleague can overwrite your shell
    start-up files or leak credentials.

    ## Example
    ```python
    import tensorflow as tf

    def load_user_model(model_dir):
        return tf.saved_model.load(model_dir)
    ```

    ## Use instead
    ```python
    import tensorflow as tf
    from safetensors.tensorflow import load_file

    def load_user_model(weights_path):
        model = build_model()  # the graph comes from your own code
        for var, value in zip(model.variables, load_file(weights_path).values()):
            var.assign(value)
        return model
    ```
    Load only models you built or whose origin you verified; run others in
    a sandbox (the TensorFlow policy suggests nsjail), and keep weights in
    a weights-only format.

    ## References
    - [TensorFlow security policy: TensorFlow models are programs](https://github.com/tensorflow/tensorflow/blob/master/SECURITY.md)
    - [TensorFlow docs: tf.saved_model.load](https://www.tensorflow.org/api_docs/python/tf/saved_model/load)
    - [CWE-94: Improper Control of Generation of Code](https://cwe.mitre.org/data/definitions/94.html)
    - [CWE-829: Inclusion of Functionality from Untrusted Control Sphere](https://cwe.mitre.org/data/definitions/829.html)
    - [OWASP ML06:2023 AI Supply Chain Attacks](https://owasp.org/www-project-machine-learning-security-top-10/docs/ML06_2023-AI_Supply_Chain_Attacks)
    """

    id = "MLW119"
    name = "tensorflow-saved-model-load"
    severity = Severity.MEDIUM
    cwe = (94, 829)
    owasp = ("ML06:2023",)
    template = "`{}` runs the model's graph, which may read and write files and use the network; load only models you built or verified, or keep weights in safetensors"
    message = template.format("tensorflow.saved_model.load")
    triggers = frozenset(TARGETS)  # qualified: see engine.trigger_groups

    VALID = [
        Valid("import tensorflow as tf\ntf.saved_model.save(model, export_dir)"),
        Valid("import tensorflow as tf\nimported = tf.keras.models.load_model(path)"),
        Valid("obj.saved_model.load(path)"),
        Valid("import tensorflow as tf\ndef test_export(tmp_path):\n    tf.saved_model.save(module, str(tmp_path))\n    restored = tf.saved_model.load(str(tmp_path))"),
    ]
    INVALID = [
        Invalid("import tensorflow as tf\nm = tf.saved_model.load(model_dir)"),
        Invalid("from tensorflow import saved_model as sm\nm = sm.load('exported/resnet')"),
        Invalid("import tensorflow.compat.v1 as tf1\ntf1.saved_model.loader.load(sess, ['serve'], export_dir)"),
        Invalid("import tensorflow.compat.v1 as v1\nv1.saved_model.load(sess, tags=['serve'], export_dir=path)"),
        Invalid("import keras\nlayer = keras.layers.TFSMLayer(path, call_endpoint='serving_default')"),
        Invalid(notebook_json("import tensorflow as tf", "model = tf.saved_model.load(downloaded)"), filename="example.ipynb"),
    ]

    def visit_Call(self, node: libcst.Call) -> None:
        target = self.ctx.call_to(node, TARGETS)
        if not target:
            return
        position, keyword = LOADERS[target]
        path = self.ctx.arg(node, position, keyword)
        if path is not None and self.round_trip(node, target, data=path):
            return
        short = target.replace("tensorflow.", "tf.")
        # a test's own checkpoint callback wrote it during training: low, with the reason
        note = self.checkpoint_note(node, path) if path is not None else None
        self.report(
            node,
            self.template.format(short) + (note or ""),
            severity=Severity.LOW if note else None,
        )
