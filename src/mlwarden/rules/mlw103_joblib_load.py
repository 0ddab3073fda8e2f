from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: libcst is imported when a file needs it
    import libcst

from mlwarden.core.finding import Severity
from mlwarden.core.rule import CodeRule, Invalid, Valid
from mlwarden.rules._roundtrip import RoundTripAware
from mlwarden.rules._helpers import assigned_reference, notebook_json, root_words

# `sklearn.externals.joblib` is canonicalised to `joblib` by the name resolver.
TARGETS = ("joblib.load", "joblib.numpy_pickle.load")
REFERENCE = "`{}` handed over as a function unpickles whatever file it is called with and can run code from it; load only trusted files"


class JoblibLoad(RoundTripAware, CodeRule):
    """## What it does
    Flags `joblib.load` calls, however `joblib` was imported (`import joblib as
    jl`, `from joblib import load`, the old `sklearn.externals.joblib`, and
    `joblib.numpy_pickle.load`).

    A round trip is not flagged: data the same scope produced with the
    matching dump (an in-memory dump, a buffer only a serializer wrote
    into, or a file the same function just wrote to a temporary or literal
    path; see MLW101).

    ## Why is this bad?
    `joblib.load` is `pickle.load` with efficient storage for NumPy arrays: any
    object in the file is rebuilt by calling whatever function the file names,
    so a `.joblib` or `.pkl` model downloaded from a hub, a bucket or a
    teammate can run arbitrary code the moment it is loaded. `mmap_mode` does
    not change that. The joblib documentation itself warns never to load
    untrusted files.

    ## Example
    ```python
    import joblib

    model = joblib.load("model.joblib")
    ```

    ## Use instead
    ```python
    import skops.io as sio

    unknown = sio.get_untrusted_types(file="model.skops")
    # review `unknown`, then allow exactly the types you expect
    model = sio.load("model.skops", trusted=["sklearn.linear_model._logistic.LogisticRegression"])
    ```
    For scikit-learn models use `skops.io` (which refuses unknown types) or
    ONNX; for arrays use `numpy.save`/`numpy.load` without pickles or
    safetensors.

    ## Known problems
    Every call is flagged, whatever the file's origin: mlwarden cannot know
    that a file was written by your own pipeline. Silence a reviewed call with
    `# noqa: MLW103`.

    ## References
    - [joblib docs: persistence — security warning](https://joblib.readthedocs.io/en/stable/persistence.html)
    - [CWE-502: Deserialization of Untrusted Data](https://cwe.mitre.org/data/definitions/502.html)
    - [OWASP ML06:2023 AI Supply Chain Attacks](https://owasp.org/www-project-machine-learning-security-top-10/docs/ML06_2023-AI_Supply_Chain_Attacks)
    """

    id = "MLW103"
    name = "joblib-load"
    severity = Severity.HIGH
    cwe = (502,)
    owasp = ("ML06:2023",)
    message = "`joblib.load` unpickles the file and can run code from it; load only trusted files or use skops, ONNX or safetensors"
    # `from sklearn.externals import joblib` names `joblib` too
    triggers = root_words(TARGETS)

    VALID = [
        Valid("import joblib\njoblib.dump(model, 'model.joblib')"),
        Valid("from joblib import Parallel, delayed\nParallel(n_jobs=2)(delayed(f)(x) for x in xs)"),
        Valid("import pickle\nmodel.load('model.joblib')"),
        Valid("import joblib\nmemory = joblib.Memory('cache')"),
        Valid("import joblib\ndef test_dump(tmp_path):\n    joblib.dump(clf, tmp_path / 'm.joblib')\n    assert joblib.load(tmp_path / 'm.joblib')"),
        Valid("import joblib, tempfile, os\nwith tempfile.TemporaryDirectory() as d:\n    path = os.path.join(d, 'm.pkl')\n    joblib.dump(clf, path)\n    clf2 = joblib.load(path)"),
    ]
    INVALID = [
        Invalid("import joblib\nmodel = joblib.load('model.joblib')"),
        Invalid("import joblib as jl\njl.load(path, mmap_mode='r')"),
        Invalid("from joblib import load\nclf = load(f)"),
        Invalid("from sklearn.externals import joblib\njoblib.load('clf.pkl')"),
        Invalid("from sklearn.externals.joblib import load as jload\njload(p)"),
        Invalid("import joblib\nmodels = [*map(joblib.load, paths)]"),
        Invalid("import joblib\ndef cached(path):\n    joblib.dump(clf, path)\n    return joblib.load(path)"),
        Invalid(notebook_json("import joblib", "clf = joblib.load('model.joblib')"), filename="example.ipynb"),
    ]

    def visit_Call(self, node: libcst.Call) -> None:
        self.check_loader(node, TARGETS, REFERENCE)

    def visit_Assign(self, node: libcst.Assign) -> None:
        found = assigned_reference(self.ctx, node, TARGETS)
        if found:
            self.report(node.value, REFERENCE.format(found))
