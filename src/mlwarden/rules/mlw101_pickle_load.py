from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # annotations only: libcst is imported when a file needs it
    import libcst

import re

from mlwarden.core.finding import Severity
from mlwarden.core.rule import CodeRule, Invalid, Valid
from mlwarden.rules._helpers import assigned_reference, notebook_json, passed_references
from mlwarden.rules._roundtrip import KEPT_FOR_DOUBLE_NOTE, KEPT_TO_RESTORE_NOTE, RoundTripAware
from mlwarden.rules.mlw701_gradio_public_share import imports_module

_MODULES = ("pickle", "dill", "cloudpickle")
#: pickle (or cloudpickle) as another library re-exports it, checked in each
#: library's source: ``from kombu.serialization import pickle`` (kombu 5.7
#: ``serialization.py``: ``import pickle``, in ``__all__``), ``from
#: celery.utils.serialization import pickle`` (celery 5.7), ``from six.moves
#: import cPickle`` (six: ``MovedModule("cPickle", "cPickle", "pickle")``),
#: ``from joblib.externals import cloudpickle`` (joblib <= 1.4, vendored:
#: ``load, loads = pickle.load, pickle.loads``)
LIBRARY_REEXPORTS = ("kombu.serialization.pickle", "celery.utils.serialization.pickle", "six.moves.cPickle", "joblib.externals.cloudpickle")
TARGETS = tuple(f"{m}.{f}" for m in (*_MODULES, *LIBRARY_REEXPORTS) for f in ("load", "loads", "Unpickler")) + (
    "dill.load_session",
    "dill.load_module",
)
#: rq's queues, workers and job fetches: each unpickles job data from Redis
#: with rq's default serializer (``rq.serializers.DefaultSerializer``:
#: ``pickle.loads``) unless given ``serializer=`` (checked in rq 3.0.0)
RQ_TARGETS = (
    "rq.Queue", "rq.queue.Queue", "rq.Worker", "rq.SimpleWorker", "rq.SpawnWorker",
    "rq.worker.Worker", "rq.worker.SimpleWorker", "rq.worker.SpawnWorker",
    "rq.job.Job.fetch", "rq.job.Job.fetch_many",
)
#: ``serializer=`` values that are rq's pickle serializer
RQ_PICKLE_SERIALIZERS = ("rq.serializers.DefaultSerializer", "rq.serializers.PickleSerializer", "pickle")
#: functions (not classes) that are flagged when handed over as a value
FUNCTIONS = tuple(t for t in TARGETS if not t.endswith("Unpickler"))


#: Celery settings (new lower-case names and the old upper-case ones) that
#: list the content types a worker or a result reader accepts
ACCEPT_SETTINGS = ("accept_content", "result_accept_content", "CELERY_ACCEPT_CONTENT", "CELERY_RESULT_ACCEPT_CONTENT")
#: Celery settings that choose the serializer of tasks, results and events
SERIALIZER_SETTINGS = (
    "task_serializer", "result_serializer", "event_serializer",
    "CELERY_TASK_SERIALIZER", "CELERY_RESULT_SERIALIZER", "CELERY_EVENT_SERIALIZER",
)
#: the names of pickle in kombu's serializer registry
PICKLE_CONTENT = frozenset({"pickle", "application/x-python-serialize"})
#: kombu calls whose ``accept=`` lists what a consumer deserializes
_KOMBU_ACCEPTORS = frozenset({"Consumer", "SimpleQueue", "SimpleBuffer", "get", "drain_events"})
#: calls whose ``serializer=`` picks what is sent (Celery tasks and kombu producers)
_KOMBU_SENDERS = frozenset({"publish", "Producer", "SimpleQueue", "SimpleBuffer", "apply_async", "send_task", "task", "shared_task", "signature", "s", "si"})


class PickleLoad(RoundTripAware, CodeRule):
    """## What it does
    Flags calls that unpickle data: `pickle.load`, `pickle.loads` and
    `pickle.Unpickler` (also through `_pickle`, `cPickle` and `pickle5`), and the
    same functions of `dill` and `cloudpickle` (also its vendored copies:
    `ray.cloudpickle`, `joblib.externals.cloudpickle`,
    `pyspark.cloudpickle`, `srsly.cloudpickle`); and those functions handed
    over as a value (`map(pickle.load, files)`, `loader = pickle.loads`,
    `partial(dill.load, ...)`), which unpickle whatever they are later
    called with.

    Also a call of `load`/`loads` of the project's **own module that wraps
    or re-exports an unpickler** (`from distributed.protocol import pickle`
    … `pickle.loads(frame)`), decided by reading that module's code, never
    by its name: the function hands its first parameter to `pickle.loads`,
    `cloudpickle.loads`, `dill.load` or the like (`def loads(x): return
    pickle.loads(x)`), or the module binds the name to one (`from pickle
    import loads`, `loads = cloudpickle.loads`). A project module named
    `pickle` whose `loads` does something else is not flagged. Only modules
    of the file's own package are read (relative imports, or absolute ones
    of its top-level package), once per run.

    Also `load`/`loads`/`Unpickler` of a module **imported at run time by
    name** when that name is a pickle module: `importlib.import_module(name)`
    or `__import__(name)` (in the call, or bound once in the function),
    where the name is a literal (`"pickle"`, `"dill"`, `"cloudpickle"`, …),
    the literal default of a parameter of the function (`def read(blob,
    codec="pickle")`), or `self.attr` that `__init__` keeps from a parameter
    whose default is one (`importlib.import_module(self._backend).load(f)`
    with `backend="pickle"`): what runs by default is the unpickler.

    Also **Celery and kombu settings that make consumers unpickle
    messages** (since session 15): a setting that accepts pickle
    (`accept_content`, `result_accept_content`, `CELERY_ACCEPT_CONTENT`:
    a list or a module constant of one holding `"pickle"` or
    `"application/x-python-serialize"`, as a keyword of any call such as
    `Celery(...)` / `app.conf.update(...)`, a settings dict's key, or an
    assignment `app.conf.accept_content = [...]` / a settings module's
    `CELERY_ACCEPT_CONTENT = [...]`), kombu's `Consumer(..., accept=[...])`
    in a file that imports kombu or celery, and
    `enable_insecure_serializers()` (without `choices` that leave pickle
    out) are **medium**: workers unpickle whatever the broker holds, so
    whoever can publish to it runs code there (broker access is needed,
    hence not high). A serializer setting that is pickle
    (`task_serializer`, `result_serializer`, `event_serializer`, their
    `CELERY_*` names, `serializer="pickle"` of a task, `publish` or
    `Producer`) is **low**: it sends pickle, and the consumers that accept
    it are where the risk is.

    Also **rq** (since session 16): rq's default serializer is pickle, so a
    `Queue(...)`, `Worker(...)`, `SimpleWorker(...)`, `SpawnWorker(...)` or
    `Job.fetch(...)` of `rq` with no `serializer=` (or with rq's
    `DefaultSerializer` / `PickleSerializer`, `pickle`, `"pickle"`) is
    **low**: whoever can write to the Redis instance runs code on the
    workers. `serializer=JSONSerializer` (or `"json"`, or a project
    serializer) is not flagged, nor a call given `**options`.

    Also **pickle re-exported by another library** (since session 16), a
    short table checked in each library's source: `from
    kombu.serialization import pickle`, `from celery.utils.serialization
    import pickle`, `from six.moves import cPickle`, `from
    joblib.externals.cloudpickle import loads`.

    Also the project's **own subclasses of `pickle.Unpickler`** (since
    session 16), called in the file that defines them (`R(f).load()`): a
    `find_class` that returns only for a literal allow-list and raises
    otherwise (`if (module, name) in SAFE: return …` with `SAFE` a literal
    set, dict, tuple or list of names or `(module, name)` pairs, a module
    constant or class attribute holding one, an `==` with a string, a
    `startswith` of literal prefixes, also written as an early `if … not in
    SAFE: raise`) is **low**, with the reason: a crafted file cannot import
    arbitrary code, though a callable in the list can still be abused. A
    subclass whose `find_class` falls back to the default lookup on
    another path, whose list is built at run time (`self.allowed`, a
    function's answer), or that does not override `find_class` stays
    **high**; one whose `find_class` raises for every global is not
    flagged.

    A **round trip** is not flagged: data that the same scope produced with
    the matching dump (`pickle.loads(pickle.dumps(x))`, a variable assigned
    only from `dumps`, an `io.BytesIO`/`tempfile.TemporaryFile` that only a
    pickler wrote into, an attribute the class only ever sets from `dumps`,
    a `tempfile.NamedTemporaryFile()` a pickler wrote into and read back
    through its `.name` (handed to nothing else: no download, no command
    line, no `open` for writing), or a file the same function just wrote
    with `pickle.dump` at a `tmp_path`/`tempfile`/literal path (the path of
    `fd, path = tempfile.mkstemp()` when `fd` is only closed), or one of the files it wrote by a
    name pattern into one directory: each worker dumps
    `join(d, f"part_{rank}.pkl")` and one loads `join(d, f"part_{i}.pkl")`).
    A project saver into a fresh temporary path counts as the dump too
    (`trainer.save_checkpoint(tmp_path / "c.pt")`; since session 13 also
    with a `**options` argument, and in tests with other positional
    arguments that are objects the test built just before:
    `export_model(model, tmp, **kw)` where `model = build_model()` or a
    class instantiated). See `_roundtrip` in the source for the exact
    conditions; anything else keeps the finding.

    Severity: high, and low when the data is a literal written in the code
    (`pickle.loads(b"...")`, `"...".encode("latin-1")`, a module constant
    holding one, or a name only loaded inside `if blob in (b"...", …):` or
    after `if blob not in (…): raise`, which pins it to those literals; since
    session 13 also such a literal in an `io.BytesIO` handed to `load` or
    `Unpickler`, and a `test*` function's parameter whose every
    `pytest.mark.parametrize` value is one, not `indirect`, not rebound:
    a security test feeding the loader its own crafted payloads): its
    bytes are
    fixed by the project. A literal *path* keeps the high severity: the file
    it names may have been downloaded. The same holds for the other
    data-taking loaders of the family (`marshal.loads`, `jsonpickle.decode`).
    A literal pickle whose opcodes import and call nothing (no `GLOBAL`,
    `STACK_GLOBAL`, `INST`, `OBJ`, `NEWOBJ`, `REDUCE`, `BUILD`, extension or
    persistent-id opcode; read with `pickletools`, never loaded) builds only
    numbers, strings and containers: it is not a finding.

    Low too, with the reason in the message, for a load that runs only
    behind the caller's explicit opt-in: a flag parameter of the enclosing
    function named for the risk (`allow_pickle`, `trust_*`, `unsafe*`,
    `safe_mode`…; not a feature flag such as `use_cache`) that defaults to
    `False` (or has no default and is annotated `bool` or named like
    `allow_*`/`trust_*`/`unsafe*`), that nothing in the
    function rebinds, checked before the load (`if not allow_pickle: raise
    ValueError(...)`, in the load's block or an enclosing one) or around it
    (`if allow_pickle:`, `if allow_pickle and ...:`), and that no call of
    the function in the same file sets to a literal `True`. And for a file
    the same function has just written with the matching dump at the same
    path expression (`open(p, "wb")` + `pickle.dump` … `open(p, "rb")` +
    `pickle.load`, `p` a parameter), on a straight line, with no rebinding
    of the path's names and no other use of the path in between: the write
    may replace a file that was there, so it stays reported. Low too, with
    where it was written, for a load at module level (a script, its
    `if __name__ == "__main__":` block, a notebook's cells) of a file the
    same file wrote earlier at the same path (the same expression or the
    same constant) with a write of its own on a straight line (not under an
    `if`, loop or `try` of its own), no rebinding of the path's names and
    no download or other write into it in between: an example reloading
    its own checkpoint. Low too, saying where the file is written, for the
    read side of a load-or-build cache in one function (or at module
    level): the load runs under an existence check of its path
    (`os.path.exists(p)`, `p.is_file()`, alone or in an `and`) or in a
    `try` whose handler catches `FileNotFoundError`/`OSError`, and the same
    function writes that path with a serializer on the branch that runs
    when the file is missing (the `else`, the handler, after the check, or
    an `if not exists(p):` block before the load); the path is the same
    expression throughout (names bound once before the check, or a
    `self` attribute that the class only ever sets to a built path), and
    no other call in the function (the class, for an attribute) is handed
    it except reads and harmless calls, so a download or copy into it
    keeps the finding. Low as well for a `__setstate__` method that
    unpickles the state argument it is handed, unchanged (`def
    __setstate__(self, blob): self.fn = cloudpickle.loads(blob)`): the
    bytes come from the unpickle that is running the method, which already
    trusts that stream. Test code is not lowered for being a test: a test
    may load a file it did not write.

    Low too (since session 11b), naming the fixture and its write, for a
    test that loads the path a pytest fixture of the same file (module level
    or the test's class) returns right after writing it with a serializer:
    the fixture's only `return`/`yield` is its last statement and gives a
    name bound once; a statement before it writes that path
    (`torch.save(x, p)`, `joblib.dump(x, p)`, `pickle.dump(x, open(p,
    "wb"))`, `with open(p, "wb") as f:` around `pickle.dump(x, f)`) and
    nothing after the write mentions it; the test takes the fixture by
    parameter name and uses it only in the load. An early `return` of
    another file (one kept in the repository), a conftest fixture, or a
    path handed to any other call keeps the rank.

    Low too (since session 12), naming the helper, for a test (`def
    test*`) that loads what a function of the same file returns when every
    `return` of that function is a serializer's in-memory result
    (`pickle.loads(_payload())` where `def _payload(): return
    pickle.dumps(Boom())`, whatever the helper is called; also through a
    name of the test bound once to that call, or `io.BytesIO(...)`): the
    bytes are what this process just serialized. A helper with any other
    `return`, a decorator, a nested function or a `yield`, a name that
    something else at module level rebinds, and the same load outside a
    test keep the rank.

    Low too (since session 14), naming the function, for a load of what a
    function of the same file makes from serializer output this code
    produced in memory (`s = pickle.dumps(obj)`; `s2 = _downgrade(s, 2)`;
    `pickle.loads(s2)`; the call in place or in `io.BytesIO` too), in any
    code: every argument of the call is such output (at least one) or a
    literal, and the function computes its result from its arguments
    alone, read with `ast` from the whole file: literal defaults; no
    `yield`, nested `def`/`class`/`lambda`, `global`/`nonlocal` or import;
    every name it reads is a parameter, a name it binds, a harmless builtin
    (`len`, `bytes`, `sorted`…; not `open`, `getattr`, `eval`) or the module
    of an in-memory call (`json`, `io.BytesIO`, `zlib`, `base64`, `struct`,
    `copy`, the serializers' `dumps`; `zipfile.ZipFile` only over an
    in-memory buffer); every other call is a method of such a value
    (`data.replace(...)`, `zf.read("schema.json")`). Risk argument: the
    bytes never leave the process and nothing outside it can add to them;
    what the function changes is written in this file. Low, not dropped:
    the function's code is read, not run. A function that opens a file,
    fetches, reads the environment or a module global, calls any other
    function, is imported, decorated or rebound, or an argument that is a
    parameter or anything else keeps the rank.

    Since session 15 the function (and, for a test, the function whose
    serializer result the test loads) may also be one of another module of
    the same project: imported by an absolute import of the file's own
    top-level package (found next to one of the file's folders or under
    `src/`, up to the project root; a `tests/` folder without `__init__.py`
    counts), by a relative import (also renamed, `from .codec import f as
    g`), or called as `module.function` of such an import. That module is
    parsed with `ast`, never imported, and its function must pass the same
    test, read with that module's own imports. In a `test*` function the
    other arguments may also be values the test builds itself (its own
    `pytest.mark.parametrize` values, not `indirect`, and calls of a `def`
    nested in the test that reads nothing from outside the process). A
    function that is only re-exported there, a third-party module's
    function, and a fixture argument keep the rank.

    Test doubles (since session 11b) rank a test's load by where its bytes
    provably come from, lowest risk first:
    1. what the code under test handed a mock, read from its call records
       (`m.upload.call_args.args[0]`, `call_args_list`, `mock_calls`):
       a round trip, not reported (above);
    2. **low**: bytes read from a double the test made (`Mock()`,
       `MagicMock()`, `create_autospec(...)`, the `as` target of
       `patch(...)`/`patch.object(...)`, the same on pytest-mock's
       `mocker`) or took from a pytest fixture *of the same file* that
       returns or yields one (`pickle.loads(api.saved.read())`), when the
       double forwards nothing (no `wraps=`, `new=`, `new_callable=`,
       `side_effect=`, no `new` by position) and neither the test nor the
       fixture configures it (no `api.x = ...`, `api.read.return_value =
       ...`, `configure_mock`, `setattr`): whatever bytes it holds, the
       code under test put there in this process;
    3. **low**: the real loader called inside a lambda that is a double's
       `side_effect` (`Mock(side_effect=lambda *a: real_load(*a))`), or
       inside a spy (since session 12): a `def` nested in the test that the
       test only installs in place of the loader and never calls itself
       (`monkeypatch.setattr(torch, "load", spy)`,
       `monkeypatch.setattr("pickle.loads", spy)` with pytest's
       `monkeypatch` parameter, or a double's `side_effect=spy`/`new=spy`);
       and the `real_load = torch.load` (or `= pickle.loads`) that keeps
       the loader when every use is such a call: it loads what the code
       under test hands the patched loader, and that load is reported in
       the code under test. A spy the test also calls, or installed
       outside a test, keeps the rank. In any function (since session 15),
       `saved = pickle.load` whose only other uses put it back
       (`pickle.load = saved`, typically in a `finally`) is low too: the
       loader is saved while it is patched, never called or handed on;
    4. **low** (since session 12): a hand-written fake, an instance of a
       class of the test file made with constant arguments in the test or
       by a same-file fixture (its only `return`/`yield`; what a fixture
       does after its `yield` runs after the test), when the attribute read
       (`pickle.loads(api.saved.read())`) is set only from what the class's
       methods are handed (a constant in `__init__` or the class body; in
       other methods a constant, a parameter, or `open(<parameter>, "rb")`),
       the class has no base and no `__getattr__`/`__setattr__`/`setattr`,
       and the test hands the instance only, whole, to calls (never calls
       its methods or sets its attributes itself);
    5. **low** (since session 13): a file the test's own training run
       wrote: a fresh temporary path (or its folder, or a file pattern in
       it) handed to the constructor of a class named like a checkpoint
       callback (`ModelCheckpoint(filepath=p)`, `OrbaxCheckpoint(d)`), the
       callback handed (by name, in a list, in place, or through a
       `Trainer(callbacks=[...])` whose `fit` runs) to a `fit`/`train` call
       before the load, and nothing else handed the path in between. The
       callback's writes are not visible here (the class's name is the
       evidence), hence low and not a round trip; outside tests, with a
       path from elsewhere, or when training runs after the load, the rank
       is kept;
    6. **unchanged** (high): a double the test configures or that forwards
       to a real object, a fixture in another file (`conftest.py`, not
       read), and a fake class that computes or downloads what it stores,
       stores a constructor argument, or has a base class.

    Medium for a file downloaded from the Hub at a full 40-hex commit SHA
    (`hf_hub_download("org/name", "x.pkl", revision="<sha>")`, repository
    and revision literals or module constants), when the download is
    nested in the load (also through `open`) or bound to a name of the
    same function once: the file is pinned as MLW202 asks and cannot be
    swapped, but the pinned pickle still runs whatever its author put in
    it. The same holds for every loader of the family that reads a file
    (MLW102, MLW103, MLW104, MLW106, …) and for MLW102's `check_hash`
    downloads pinned by a full digest.

    Not lowered, by decision (benchmarks/NOISE.md, sessions 10b and 11): a
    class whose `restore`/`load` reads the format its own `save` writes at
    the same attribute path or a caller-given path (`def save(self, path):
    pickle.dump(self, ...)` / `def restore(self, path): pickle.load(...)`,
    or both on `self.path` set from a constructor argument). The pair shows
    the format, not where the file came from: a save/load API is how a
    model, a searcher state or a solver checkpoint is handed to someone
    else, and the reader is the one who runs its code. Only the shapes
    above, where the code itself fixes the bytes or just wrote the file,
    are lowered.

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
    Beyond the round trips above, mlwarden cannot know that a file was
    written by your own process (in another function, or by another
    program of yours). Silence a reviewed call with `# noqa: MLW101`.

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
    template = "`{}` runs code embedded in the data; load only trusted files or use a safe format such as safetensors or JSON"
    message = template.format("pickle.load")
    # qualified: see engine.trigger_groups; `import_module.load` etc.: a
    # pickle-interface module chosen at run time (`import_module(backend).load(f)`)
    # a call of the file's own `pickle.Unpickler` subclass (`R(f).load()`) names no trigger: the
    # rule sees the whole module of a file that writes `Unpickler`
    module_words = RoundTripAware.module_words | frozenset({"Unpickler"})
    triggers = (
        frozenset(TARGETS)
        | frozenset(f"{importer}.{f}" for importer in ("import_module", "__import__") for f in ("load", "loads", "Unpickler"))
        # Celery / kombu settings that make workers (or result readers) accept pickled messages
        | frozenset(ACCEPT_SETTINGS) | frozenset(SERIALIZER_SETTINGS) | frozenset({"enable_insecure_serializers", "kombu"})
        # rq queues, workers and job fetches with the default (pickle) serializer
        | frozenset(RQ_TARGETS)
    )

    VALID = [
        Valid("from rq import Queue\nfrom rq.serializers import JSONSerializer\nq = Queue(connection=redis, serializer=JSONSerializer)"),
        Valid("import pickle\ncopy = lambda x: pickle.loads(pickle.dumps(x))"),
        Valid("import pickle\ndata = pickle.dumps(obj)"),
        Valid("import json\njson.load(f)"),
        Valid("class Model:\n    def load(self, f):\n        pass\nModel().load(f)"),
        Valid("import pickle\nclass Restricted(pickle.Unpickler):\n    def find_class(self, m, n):\n        raise ValueError(n)\nRestricted(f).load()"),
        Valid("import pickle\nclone = pickle.loads(pickle.dumps(model))"),
        Valid("import pickle as pk\ndef test_roundtrip(obj):\n    blob = pk.dumps(obj)\n    assert pk.loads(blob) == obj"),
        Valid("import io, pickle\nbuf = io.BytesIO()\npickle.dump(obj, buf)\nbuf.seek(0)\nrestored = pickle.load(buf)"),
        Valid(
            "import pickle\ndef test_save(tmp_path):\n    path = tmp_path / 'm.pkl'\n    with open(path, 'wb') as f:\n"
            "        pickle.dump(obj, f)\n    with open(path, 'rb') as f:\n        assert pickle.load(f) == obj"
        ),
        Valid("import pickle\nisinstance(fn, type(pickle.load))"),
        Valid("from celery import Celery\napp = Celery('jobs')\napp.conf.accept_content = ['json']"),
    ]
    INVALID = [
        Invalid("import pickle\npickle.load(f)"),
        Invalid("import pickle as pk\npk.loads(data)"),
        Invalid("from pickle import loads as l\nl(data)"),
        Invalid("import _pickle\n_pickle.Unpickler(f).load()"),
        Invalid("import dill\ndill.load(f)"),
        Invalid("import cloudpickle\nobj = cloudpickle.loads(blob)"),
        Invalid("import pickle\nobjects = list(map(pickle.load, handles))"),
        Invalid("from pickle import loads\ndecode = loads"),
        Invalid("import pickle\nblob = pickle.dumps(obj)\nblob = sock.recv(4096)\npickle.loads(blob)"),
        Invalid(
            "import pickle\ndef load(path):\n    with open(path, 'wb') as f:\n        pickle.dump(obj, f)\n"
            "    with open(path, 'rb') as f:\n        return pickle.load(f)  # error: MLW101"
        ),
        # a notebook: the import in one cell, the load in another
        Invalid(notebook_json("import pickle", "obj = pickle.load(open('m.pkl', 'rb'))"), filename="example.ipynb"),
        Invalid("from celery import Celery\napp = Celery('jobs')\napp.conf.accept_content = ['json', 'pickle']  # error: MLW101"),
        Invalid("import importlib\ndef read(blob, codec='pickle'):\n    return importlib.import_module(codec).loads(blob)  # error: MLW101"),
        Invalid("from rq import Queue\nq = Queue(connection=redis)  # error: MLW101"),
        Invalid("from six.moves import cPickle\nobj = cPickle.load(f)  # error: MLW101"),
        Invalid(
            "import pickle\nclass Loose(pickle.Unpickler):\n    def find_class(self, module, name):\n"
            "        return super().find_class(module, name)\nobj = Loose(f).load()  # error: MLW101"
        ),
    ]

    def visit_Call(self, node: libcst.Call) -> None:
        self._messaging_settings(node)
        self._rq_serializer(node)
        target = self.ctx.call_to(node, TARGETS)
        message = self.template.format(target) if target else None
        if not target:
            wrapped = _project_wrapper(self, node)
            if wrapped is not None:
                target, message = wrapped[1], _wrapper_message(*wrapped)
        if not target:
            chosen = _runtime_module(self, node)
            if chosen is not None:
                target, message = chosen
        if target:
            if not self.round_trip(node, target):
                self.report_load(node, target, message)
            return
        func = node.func
        if type(func).__name__ == "Name" and self._project_unpickler(node, func.value):  # type: ignore[attr-defined]
            return
        for value, found in passed_references(self.ctx, node, FUNCTIONS):
            self.report(value, _reference_message(found))

    def _project_unpickler(self, node: libcst.Call, name: str) -> bool:
        """``R(f).load()`` where ``R`` is a subclass of ``pickle.Unpickler``
        defined in this file: low, with the reason, when its ``find_class``
        returns only for a literal allow-list and raises otherwise; high
        when it does not restrict what it loads. True when ``R`` is one."""
        classes = unpickler_classes(self)
        if name not in classes or self.ctx.facts.ambiguous.intersection((name,)) or name in self.ctx.imports.aliases:
            return False
        target = f"{name}(...)"
        if self.round_trip(node, "pickle.Unpickler"):
            return True
        reason = classes[name]
        if reason == "":
            return True  # its find_class raises for every global
        if reason is not None:
            self.report(
                node,
                f"`{target}` unpickles with a restricted unpickler: {reason} and raises for any other global, so a crafted file "
                "cannot import arbitrary code; keep the allow-list to data classes (a callable in it can still be abused), or use a safe format",
                severity=Severity.LOW,
            )
        else:
            self.report_load(
                node,
                "pickle.Unpickler",
                f"`{target}` subclasses `pickle.Unpickler` without a `find_class` that limits what it loads to a literal allow-list "
                "(it falls back to the default lookup, or its list is built at run time), so it runs code embedded in the data; "
                "load only trusted files or use a safe format such as safetensors or JSON",
            )
        return True

    # -- Celery / kombu: workers that accept pickled messages ---------------------
    def _rq_serializer(self, node: libcst.Call) -> None:
        """rq's ``Queue`` / ``Worker`` / ``SimpleWorker`` / ``Job.fetch``
        without ``serializer=`` (or with pickle's): low. rq's default
        serializer is pickle, so whoever can write to the Redis instance runs
        code on the workers and on readers of job results."""
        uses_rq = self.__dict__.get("_uses_rq")
        if uses_rq is None:
            uses_rq = self.__dict__["_uses_rq"] = imports_module(self.ctx, "rq")
        if not uses_rq:
            return
        target = self.ctx.call_to(node, RQ_TARGETS)
        if not target:
            return
        given, value = self.ctx.keyword(node, "serializer")
        if given:
            text = self.ctx.value(value)
            if isinstance(text, str):
                if text.strip().lower() != "pickle":
                    return
            elif value is None or not (self.ctx.qualnames(value) & set(RQ_PICKLE_SERIALIZERS)):
                return  # JSONSerializer, a project serializer, a value read elsewhere: not judged
        elif any(arg.star == "**" for arg in node.args):
            return  # `Queue(**options)`: the serializer may be among them
        shown = target.rsplit(".", 2)[-2] + "." + target.rsplit(".", 1)[-1] if target.endswith(("fetch", "fetch_many")) else target.rsplit(".", 1)[-1]
        self.report(
            node,
            f"`{shown}(...)` uses rq's default serializer, pickle: job data read back from Redis is unpickled, so whoever can write to "
            "the Redis instance runs code on the workers; pass `serializer=JSONSerializer` (from `rq.serializers`) where the jobs allow it",
            severity=Severity.LOW,
        )

    def _messaging_settings(self, node: libcst.Call) -> None:
        """``Celery(..., accept_content=["pickle"])``, ``app.conf.update(task_serializer="pickle")``,
        kombu ``Consumer(..., accept=["pickle"])`` / ``publish(..., serializer="pickle")`` and
        ``enable_insecure_serializers()``."""
        import libcst

        func = node.func
        callee = func.attr.value if isinstance(func, libcst.Attribute) else func.value if isinstance(func, libcst.Name) else ""
        if callee == "enable_insecure_serializers":
            choices = self.ctx.arg(node, 0, "choices")
            if choices is None or self._says_pickle(choices):
                self.report(node, _INSECURE_MESSAGE, severity=Severity.MEDIUM)
            return
        messaging = None
        for arg in node.args:
            if arg.keyword is None:
                continue
            key = arg.keyword.value
            if key in ACCEPT_SETTINGS or key in SERIALIZER_SETTINGS:
                self._setting(arg.value, key)
            elif key in ("accept", "serializer"):
                if messaging is None:
                    messaging = imports_module(self.ctx, "kombu") or imports_module(self.ctx, "celery")
                if not messaging:
                    continue
                if key == "accept" and callee in _KOMBU_ACCEPTORS:
                    self._setting(arg.value, "accept")
                elif key == "serializer" and callee in _KOMBU_SENDERS:
                    self._setting(arg.value, "serializer")

    def _setting(self, value: Any, key: str) -> None:
        if not self._says_pickle(value):
            return
        if key in ACCEPT_SETTINGS or key == "accept":
            self.report(value, _accept_message(key), severity=Severity.MEDIUM)
        else:
            self.report(value, _serializer_message(key), severity=Severity.LOW)

    def _says_pickle(self, value: Any, depth: int = 0) -> bool:
        """A literal (or a module constant of one) that is, or lists, pickle."""
        import libcst

        if depth > 4 or value is None:
            return False
        if isinstance(value, (libcst.List, libcst.Tuple, libcst.Set)):
            return any(isinstance(e, libcst.Element) and self._says_pickle(e.value, depth + 1) for e in value.elements)
        if isinstance(value, libcst.Name):
            bound = self.ctx.constants.values.get(value.value)
            if bound is not None and value.value not in self.ctx.imports.aliases and isinstance(bound, (libcst.List, libcst.Tuple, libcst.Set)):
                return self._says_pickle(bound, depth + 1)
        text = self.ctx.value(value)
        return isinstance(text, str) and text.strip().lower() in PICKLE_CONTENT

    def visit_DictElement(self, node: libcst.DictElement) -> None:
        key = self.ctx.value(node.key)
        if isinstance(key, str) and (key in ACCEPT_SETTINGS or key in SERIALIZER_SETTINGS):
            self._setting(node.value, key)  # app.conf.update({"accept_content": ["pickle"]}), a settings dict

    def visit_Assign(self, node: libcst.Assign) -> None:
        import libcst

        for target in node.targets:
            t = target.target
            name = t.attr.value if isinstance(t, libcst.Attribute) else t.value if isinstance(t, libcst.Name) else None
            if name in ACCEPT_SETTINGS or name in SERIALIZER_SETTINGS:
                # app.conf.accept_content = ["pickle"]; CELERY_ACCEPT_CONTENT = [...] in a settings module
                self._setting(node.value, name)
        found = assigned_reference(self.ctx, node, FUNCTIONS)
        if found:
            if self.kept_for_double(node):
                self.report(node.value, _reference_message(found) + KEPT_FOR_DOUBLE_NOTE, severity=Severity.LOW)
                return
            if self.kept_to_restore(node):
                self.report(node.value, _reference_message(found) + KEPT_TO_RESTORE_NOTE, severity=Severity.LOW)
                return
            self.report(node.value, _reference_message(found))


def _project_wrapper(rule: "PickleLoad", node: "libcst.Call"):
    """(name, unpickler) when ``node`` calls ``load``/``loads`` of a project
    module that wraps or re-exports an unpickler (read from the module's
    body: :func:`mlwarden.core.project.unpickling_wrapper`), e.g.
    ``from distributed.protocol import pickle`` … ``pickle.loads(frame)``;
    None otherwise."""
    import libcst

    func = node.func
    if isinstance(func, libcst.Attribute):
        if func.attr.value not in ("load", "loads"):
            return None
    elif not isinstance(func, libcst.Name):
        return None
    from mlwarden.core.names import dotted
    from mlwarden.core.project import unpickling_wrapper

    for qual in sorted(rule.ctx.qualnames(func)):
        module, _, name = qual.rpartition(".")
        if module and name in ("load", "loads"):
            found = unpickling_wrapper(rule.unit, module, name)
            if found is not None:
                return qual, found
    parts = dotted(func)
    if not parts:
        return None
    relative = rule.ctx.facts.relative_imports.get(parts[0])
    if not relative or rule.ctx.facts.ambiguous.intersection((parts[0],)):
        return None
    for module, imported, level in sorted(relative):
        # `from .protocol import pickle` … pickle.loads(x); `from .pickle import loads` … loads(x)
        path = [p for p in (module, imported, *parts[1:]) if p]
        module_name, _, name = ".".join(path).rpartition(".")
        if name in ("load", "loads"):
            found = unpickling_wrapper(rule.unit, module_name, name, level)
            if found is not None:
                return ".".join(parts), found
    return None


#: the modules an ``import_module(name)`` chosen at run time may be, whose
#: ``load``/``loads``/``Unpickler`` unpickle
_RUNTIME_MODULES = frozenset({"pickle", "_pickle", "cPickle", "pickle5", "dill", "cloudpickle"})
_IMPORTERS = ("importlib.import_module", "builtins.__import__")


def _runtime_module(rule: "PickleLoad", node: "libcst.Call"):
    """(target, message) when ``node`` is ``<module>.load(...)`` (or
    ``loads`` / ``Unpickler``) of a module imported at run time by name,
    ``importlib.import_module(name)`` or ``__import__(name)`` (in the call,
    or bound once in the function to a name), where the name is a pickle
    module: a literal, the literal default of a parameter of the function,
    or ``self.attr`` that ``__init__`` keeps from a parameter whose default
    is one (kedro's ``importlib.import_module(self._backend).load(f)`` with
    ``backend="pickle"``); None otherwise."""
    import libcst

    func = node.func
    if not (isinstance(func, libcst.Attribute) and func.attr.value in ("load", "loads", "Unpickler")):
        return None
    receiver = func.value
    if isinstance(receiver, libcst.Name):
        if receiver.value not in _imported_names(rule):
            return None  # not bound from an import by name anywhere in the file: no flow to follow
        values = rule.reaching_values(receiver.value, node)
        if len(values) != 1:
            return None
        receiver = values[0]
    if not isinstance(receiver, libcst.Call) or not receiver.args:
        return None
    importer = rule.ctx.call_to(receiver, _IMPORTERS)
    if importer is None and not (isinstance(receiver.func, libcst.Name) and receiver.func.value == "__import__" and not rule.ctx.qualnames(receiver.func)):
        return None
    name_expr = receiver.args[0].value
    name = rule.ctx.value(name_expr)
    how = ""
    if not isinstance(name, str) and isinstance(name_expr, libcst.Name):
        name, how = _param_default_text(rule, name_expr.value), f" (the default of `{name_expr.value}`)"
    elif not isinstance(name, str) and isinstance(name_expr, libcst.Attribute):
        from mlwarden.core.values import init_attribute_default

        param, literal, _passed = init_attribute_default(rule, node, name_expr)
        if param is not None:
            name, how = literal, f" (the default of `__init__`'s `{param}`)"
    if not isinstance(name, str) or name not in _RUNTIME_MODULES:
        return None
    shown = f"{'importlib.import_module' if importer == _IMPORTERS[0] else '__import__'}(...).{func.attr.value}"
    message = (
        f"`{shown}` is `{name}.{func.attr.value}`{how}: it runs code embedded in the data; "
        "load only trusted data or use a safe format such as safetensors or JSON"
    )
    return f"{name}.{func.attr.value}", message


#: the text before ``import_module(`` / ``__import__(`` on its line, when it
#: binds a name: ``backend = importlib.import_module(`` (anchored at the line's
#: end, so each line is matched once)
_BINDS_IMPORT = re.compile(r"(\w+)[ \t]*(?::[^=]*)?=[ \t]*(?:\w+\.)?$")


def _imported_names(rule: "PickleLoad") -> frozenset:
    """The names the file binds to a run-time import by name, read once per
    file: each ``import_module(`` / ``__import__(`` found with ``str.find``,
    the start of its own line matched backwards."""
    names = rule.__dict__.get("_runtime_imports")
    if names is None:
        source = getattr(getattr(getattr(rule, "unit", None), "code", None), "source", "") or ""
        found = set()
        for word in ("import_module", "__import__"):
            at = source.find(word)
            while at != -1:
                line_start = source.rfind("\n", 0, at) + 1
                head = source[line_start:at]
                if len(head) < 200:
                    match = _BINDS_IMPORT.search(head.rstrip())
                    if match is not None:
                        found.add(match.group(1))
                at = source.find(word, at + len(word))
        names = rule.__dict__["_runtime_imports"] = frozenset(found)
    return names


def _param_default_text(rule: "PickleLoad", name: str) -> object:
    """The literal default of parameter ``name`` of the innermost enclosing
    function, when the function does not rebind it; None otherwise."""
    import libcst

    functions = [n for n in rule._rt_stack() if isinstance(n, libcst.FunctionDef)]
    if not functions:
        return None
    params = functions[-1].params
    for param in (*params.posonly_params, *params.params, *params.kwonly_params):
        if param.name.value == name:
            if param.default is None or any(v is not None for v in rule.reaching_values(name, None)):
                return None  # no default, or rebound in the function (None: the parameter's own binding)
            return rule.ctx.value(param.default)
    return None


_INSECURE_MESSAGE = (
    "`enable_insecure_serializers()` lets every consumer accept pickled messages: anyone who can publish to the broker "
    "runs code on the workers; keep the default json and pass objects by reference (ids, paths) instead"
)


def _accept_message(key: str) -> str:
    return (
        f"`{key}` accepts pickle: workers (or result readers) unpickle whatever the broker holds, so anyone who can "
        "publish to it runs code there; accept json only and pass objects by reference (ids, paths) instead"
    )


def _serializer_message(key: str) -> str:
    return (
        f"`{key}` is pickle: the messages are pickled, so their consumers must accept pickle, which unpickles whatever the "
        "broker holds; use json and pass objects by reference (ids, paths) instead"
    )


def _wrapper_message(name: str, unpickler: str) -> str:
    return (
        f"`{name}` is the project's own wrapper of `{unpickler}`: it runs code embedded in the data; "
        "load only trusted data or use a safe format such as safetensors or JSON"
    )


def _reference_message(target: str) -> str:
    return f"`{target}` handed over as a function unpickles whatever it is called with, running code embedded in the data; load only trusted files or use a safe format"


# -- project-defined unpicklers: `class R(pickle.Unpickler)` with its own `find_class` --------

#: the unpickler classes a project subclasses
UNPICKLER_BASES = frozenset(f"{m}.Unpickler" for m in (*_MODULES, *LIBRARY_REEXPORTS, "_pickle", "cPickle", "pickle5"))


def _module_ast(rule: Any) -> Any:
    """The whole file's ``ast`` (the engine's, or the shared parse)."""
    from mlwarden.core.asttree import unit_ast

    return unit_ast(rule.unit)


def unpickler_classes(rule: Any) -> "dict[str, str | None]":
    """The file's subclasses of ``pickle.Unpickler`` (at any depth, each name
    defined once): class name -> why it is restricted (its ``find_class``
    returns only for a literal allow-list and raises otherwise, its own or
    inherited from a class of the file), or None when it is not. Memoised on
    the unit."""
    extra = getattr(rule.unit, "extra", None)
    known = extra.get("unpickler_classes") if extra is not None else None
    if known is not None:
        return known
    code = getattr(rule.unit, "code", None)
    if code is None or "Unpickler" not in code.source:
        # a subclass names its base: `pickle.Unpickler`, `Unpickler` imported (or aliased) from pickle
        found: dict = {}
        if extra is not None:
            extra["unpickler_classes"] = found
        return found
    tree = _module_ast(rule)
    found = _unpickler_classes(tree) if tree is not None else {}
    if extra is not None:
        extra["unpickler_classes"] = found
    return found


def _unpickler_classes(tree: Any) -> "dict[str, str | None]":
    import ast

    from mlwarden.core.asttree import import_aliases

    aliases: dict = {}
    classes: dict = {}
    twice: set = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            aliases.update(import_aliases(node))
        elif isinstance(node, ast.ClassDef):
            if node.name in classes:
                twice.add(node.name)
            classes[node.name] = node
    constants = _literal_constants(tree)
    verdicts: dict = {}

    def dotted(expr: Any) -> "str | None":
        parts = []
        while isinstance(expr, ast.Attribute):
            parts.append(expr.attr)
            expr = expr.value
        if not isinstance(expr, ast.Name):
            return None
        head = aliases.get(expr.id, expr.id)
        return ".".join([head, *reversed(parts)])

    def verdict(name: str, depth: int = 0) -> "tuple[bool, str | None]":
        """(is an unpickler subclass, the restriction's reason or None)."""
        if name in verdicts:
            return verdicts[name]
        verdicts[name] = (False, None)  # a cycle of bases is no unpickler
        cls = classes.get(name)
        if cls is None or name in twice or depth > 5:
            return verdicts[name]
        inherited: "tuple[bool, str | None] | None" = None
        for base in cls.bases:
            qual = dotted(base)
            if qual in UNPICKLER_BASES:
                inherited = (True, None)
            elif isinstance(base, ast.Name) and base.id in classes:
                parent = verdict(base.id, depth + 1)
                if parent[0]:
                    inherited = parent
            if inherited is not None:
                break
        if inherited is None:
            return verdicts[name]
        own = next((s for s in cls.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef)) and s.name == "find_class"), None)
        if own is None:
            verdicts[name] = inherited
        else:
            verdicts[name] = (True, _restricted_find_class(own, cls, constants))
        return verdicts[name]

    return {name: verdict(name)[1] for name in classes if verdict(name)[0]}


def _literal_constants(tree: Any) -> "dict[str, Any]":
    """Module-level names assigned once to a literal collection of strings
    (or of tuples of strings), also through ``frozenset(...)`` / ``set(...)``
    / ``tuple(...)``: name -> the literal node."""
    import ast

    counts: dict = {}
    values: dict = {}
    for stmt in getattr(tree, "body", []):
        targets: list = []
        value = None
        if isinstance(stmt, ast.Assign):
            targets, value = stmt.targets, stmt.value
        elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
            targets, value = [stmt.target], stmt.value
        for target in targets:
            if isinstance(target, ast.Name):
                counts[target.id] = counts.get(target.id, 0) + 1
                values[target.id] = value
    return {name: values[name] for name, n in counts.items() if n == 1 and _literal_collection(values[name])}


def _literal_collection(value: Any) -> bool:
    """A set, list, tuple or dict literal (or ``frozenset``/``set``/``tuple``
    of one) whose items (a dict's keys) are strings or tuples of strings."""
    import ast

    if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id in ("frozenset", "set", "tuple", "list") and len(value.args) == 1 and not value.keywords:
        value = value.args[0]
    if isinstance(value, ast.Dict):
        items = value.keys
    elif isinstance(value, (ast.Set, ast.List, ast.Tuple)):
        items = value.elts
    else:
        return False

    def literal(item: Any) -> bool:
        if isinstance(item, ast.Constant) and isinstance(item.value, str):
            return True
        return isinstance(item, ast.Tuple) and bool(item.elts) and all(isinstance(e, ast.Constant) and isinstance(e.value, str) for e in item.elts)

    return bool(items) and all(item is not None and literal(item) for item in items)


def _restricted_find_class(function: Any, cls: Any, constants: "dict[str, Any]") -> "str | None":
    """Why ``find_class`` is restricted: every ``return`` in it is reached
    only when the module / name is in a literal allow-list (a collection
    written in the code, a module constant or class attribute holding one,
    an ``==`` with a string, a ``startswith`` of literal prefixes), and it
    raises otherwise; None when it is not so restricted (a ``return`` of
    ``super().find_class`` on another path, a list built at run time)."""
    import ast

    args = function.args.args[1:3]
    derived = {a.arg for a in args}
    if len(derived) != 2:
        return None
    class_literals = {}
    for stmt in cls.body:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name) and _literal_collection(stmt.value):
            class_literals[stmt.targets[0].id] = stmt.value
    for node in ast.walk(function):  # names computed from the parameters (`qualname = f"{module}.{name}"`)
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            if any(isinstance(n, ast.Name) and n.id in derived for n in ast.walk(node.value)):
                derived.add(node.targets[0].id)
    shown: list = []

    def mentions(expr: Any) -> bool:
        return any(isinstance(n, ast.Name) and n.id in derived for n in ast.walk(expr))

    def literal_side(expr: Any) -> "str | None":
        if _literal_collection(expr):
            return "a literal allow-list"
        if isinstance(expr, ast.Name) and expr.id in constants:
            return f"`{expr.id}`"
        if isinstance(expr, ast.Attribute) and expr.attr in class_literals and isinstance(expr.value, ast.Name) and expr.value.id in ("self", "cls", cls.name):
            return f"`{cls.name}.{expr.attr}`"
        return None

    def allow(test: Any, positive: bool) -> bool:
        before = len(shown)
        if _allow(test, positive):
            return True
        del shown[before:]
        return False

    def _allow(test: Any, positive: bool) -> bool:
        """``test`` (or, with not ``positive``, its negation) holds only for allow-listed globals."""
        if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
            return _allow(test.operand, not positive)
        if isinstance(test, ast.BoolOp):
            # positive `a and b`: one allow-test suffices; `a or b`: each; negated, the other way round
            need_all = isinstance(test.op, ast.Or) == positive
            results = [_allow(v, positive) for v in test.values]
            return all(results) if need_all else any(results)
        if isinstance(test, ast.Compare) and len(test.ops) == 1:
            op, right = test.ops[0], test.comparators[0]
            if isinstance(op, (ast.In, ast.NotIn)) and (isinstance(op, ast.In) == positive) and mentions(test.left):
                side = literal_side(right)
                if side is not None:
                    shown.append(side)
                    return True
            if isinstance(op, (ast.Eq, ast.NotEq)) and (isinstance(op, ast.Eq) == positive):
                for mine, other in ((test.left, right), (right, test.left)):
                    if mentions(mine) and isinstance(other, ast.Constant) and isinstance(other.value, str):
                        shown.append(f"`{other.value!r}`")
                        return True
            return False
        if positive and isinstance(test, ast.Call) and isinstance(test.func, ast.Attribute) and test.func.attr == "startswith" and mentions(test.func.value) and len(test.args) == 1:
            prefix = test.args[0]
            if (isinstance(prefix, ast.Constant) and isinstance(prefix.value, str) and prefix.value) or (
                isinstance(prefix, ast.Tuple) and prefix.elts and all(isinstance(e, ast.Constant) and isinstance(e.value, str) and e.value for e in prefix.elts)
            ):
                shown.append("literal module prefixes")
                return True
        return False

    def returns(nodes: Any) -> bool:
        return any(isinstance(n, ast.Return) for stmt in nodes for n in ast.walk(stmt))

    def raises(nodes: Any) -> bool:
        return bool(nodes) and isinstance(nodes[-1], ast.Raise)

    body = [s for s in function.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
    if body and isinstance(body[-1], ast.Raise) and not returns(body):
        return ""  # it raises for every global: nothing but primitives can be loaded
    guarded = False
    for i, stmt in enumerate(body):
        last = i == len(body) - 1
        if isinstance(stmt, ast.If):
            if not guarded and raises(stmt.body) and not returns(stmt.body) and not returns(stmt.orelse) and allow(stmt.test, False):
                guarded = True  # `if module not in SAFE: raise …`; what follows is allow-listed
                continue
            if not returns(stmt.body) and not returns(stmt.orelse):
                continue  # `if module == "__builtin__": module = "builtins"`: no path returns here
            if allow(stmt.test, True) and not returns(stmt.orelse):
                continue  # `if (module, name) in SAFE: return …`
            if returns([stmt]):
                return None
            continue
        if isinstance(stmt, ast.Raise):
            if last:
                return "its `find_class` returns only for " + ", ".join(dict.fromkeys(shown)) if shown else None
            return None
        if returns([stmt]):
            if guarded and last and isinstance(stmt, ast.Return):
                return "its `find_class` returns only for " + ", ".join(dict.fromkeys(shown)) if shown else None
            return None
    return None


def restricted_pickle_module(rule: Any, value: Any) -> "str | None":
    """Why ``pickle_module=value`` (``torch.load``) unpickles only
    allow-listed globals, or None: ``value`` names a class of this file
    used as a module whose ``Unpickler`` is a restricted unpickler of the
    file (:func:`unpickler_classes`): ``Unpickler = RestrictedUnpickler``, or
    a nested ``class Unpickler(RestrictedUnpickler)`` that keeps its
    ``find_class`` (or has a restricted one); a ``load``/``loads`` it
    defines must use a restricted unpickler too."""
    import ast

    if type(value).__name__ != "Name":
        return None
    name = value.value
    tree = _module_ast(rule)
    if tree is None:
        return None
    found = [n for n in ast.walk(tree) if isinstance(n, ast.ClassDef) and n.name == name]
    if len(found) != 1:
        return None
    module = found[0]
    classes = unpickler_classes(rule)
    restricted = {n for n, why in classes.items() if why is not None}
    reason: "str | None" = None
    for stmt in module.body:
        if isinstance(stmt, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "Unpickler" for t in stmt.targets):
            if isinstance(stmt.value, ast.Name) and stmt.value.id in restricted:
                reason = f"its `Unpickler` is `{stmt.value.id}`: {classes[stmt.value.id] or 'its `find_class` raises for every global'}"
            else:
                return None
        elif isinstance(stmt, ast.ClassDef) and stmt.name == "Unpickler":
            own = next((s for s in stmt.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef)) and s.name == "find_class"), None)
            bases = [b.id for b in stmt.bases if isinstance(b, ast.Name)]
            if own is not None:
                why = _restricted_find_class(own, stmt, _literal_constants(tree))
                if why is None or not any(b in classes for b in bases):
                    return None
                reason = f"its `Unpickler`: {why or 'its `find_class` raises for every global'}"
            elif len(bases) == 1 and bases[0] in restricted:
                reason = f"its `Unpickler` subclasses `{bases[0]}`: {classes[bases[0]] or 'its `find_class` raises for every global'}"
            else:
                return None
        elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and stmt.name in ("load", "loads"):
            calls = {n.func.id for n in ast.walk(stmt) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
            if not calls & (restricted | {"Unpickler"}) and not any(
                isinstance(n, ast.Attribute) and n.attr == "Unpickler" for n in ast.walk(stmt)
            ):
                return None  # a `load` that unpickles some other way
    return reason
