"""Round trips: a load of bytes that the same code just produced with the
matching dump is not a deserialization finding (shared by the MLW1xx rules).

What counts, in the scope (function, or module top level) of the load:

* **in memory** — the data is a serializer's output: ``pickle.loads(
  pickle.dumps(x))``, a variable every binding of which is such an output
  (``blob = pickle.dumps(x)`` … ``pickle.loads(blob)``), ``io.BytesIO(
  pickle.dumps(x))``, an attribute ``self.blob`` that the class only ever
  assigns from a dump (an object that unpickles what it pickled in its own
  ``__init__``);
* **anonymous handles** — ``io.BytesIO()``, ``tempfile.TemporaryFile()``,
  ``SpooledTemporaryFile()`` and ``NamedTemporaryFile()`` whose every use
  before the load is a serializer writing into them, ``seek``/``flush``/
  ``getvalue``…: nobody else can put bytes there; a ``NamedTemporaryFile``
  read back through its ``.name`` (``torch.save(s, tmp)`` …
  ``torch.load(tmp.name)``) when the name is handed before the load only to
  the load, readers, harmless calls or serializers;
* **files this code just wrote** — a path that is *local* (a string literal,
  a module constant, ``tmp_path``/``tmpdir`` fixtures, ``tempfile.mkdtemp()``,
  ``fd, path = tempfile.mkstemp()`` with ``fd`` only closed,
  ``TemporaryDirectory()``, and joins of those) that a serializer wrote
  (``torch.save(x, p)``, ``with open(p, "wb") as f: pickle.dump(x, f)``,
  ``df.to_pickle(p)`` …) earlier in the same scope. A temporary path may be
  written anywhere before the load; a literal path (which may name a file
  that existed before) only in a *function*, and only by a write that runs
  unconditionally before the load (not inside ``if``/``for``/``try``).
  Into a temporary location, the project's own saver of its own state
  counts too (a call named ``save_*``/``*_save``/``export_*``/``dump_*``…
  whose only positional argument is the path: ``trainer.save_checkpoint(
  tmp_path / "c.pt")``, or whose other arguments are literals or the
  file's own functions and classes: ``save_hyperparameters(train_fn,
  tmp_path)``), and a directory it filled covers the files in it
  (``model.save_pretrained(d)`` … ``torch.load(os.path.join(d, "x.bin"))``);
* **in memory, by name** — the project's own serializer called in place
  (``pickle.loads(dump_exception(e))``), and what the code under test handed
  to a mock (``m.send.call_args[0][0]`` and parts of it);

Soundness: every variable involved must be bound only in ways we can see
(no parameters except the pytest temporary-path fixtures, no ``global``, no
augmented assignment, no loop target); a path or handle that is passed to
any other call before the load (a download into it, a copy) breaks the
round trip; anything we cannot follow keeps the finding.

Not a round trip, but low (:meth:`RoundTripAware.report_load`): a file the
same *function* has just written with a serializer at the same path
expression, whatever the path is built from (a parameter:
``torch.save(w, p)`` … ``torch.load(p)``), the write on a straight line
before the load, no name of the path rebound and no other use of the path
in between (:meth:`_Query.written_before`); a module-level load of a file the
same file wrote earlier at the same path (:mod:`._samefile`: a script or a
notebook reloading its own checkpoint); a ``__setstate__`` unpickling the
state argument it was handed (the running unpickle already trusts that
stream), or a part of it (``state[k]``, ``state.get("k")``) when nothing in
the method writes other data into the state first; in a test, a load of a
file in the fresh temporary folder the project's training call was handed as
its output folder (:meth:`_Query.trainer_output`: ``clf.fit(X, y,
output_dir=tmp_path)``); a load of what a same-file function computes, from its arguments
alone, out of serializer output this code produced in memory
(:func:`helper_transforms`: ``pickle.loads(_downgrade(pickle.dumps(x), 1))``),
or that a function of another module of the project computes so
(:func:`project_function`, read with ``ast``; in a test its other arguments
may be values the test builds from its parametrized values:
:meth:`RoundTripAware._test_built`); and a test's load of what a function of
the test file or of another project module returns when its every
``return`` is a serializer's in-memory result (:func:`helper_dumps`);
and a load that runs only behind
the caller's explicit opt-in (:mod:`mlwarden.rules._optin`).

Use :class:`RoundTripAware` as a mixin of the rule (before ``CodeRule``) and
call ``self.round_trip(call, target)`` before reporting.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Dict, FrozenSet, Iterable, List, Optional, Set, Tuple

from mlwarden.core.finding import Severity
from mlwarden.core.lazy import cst
from mlwarden.core.values import UNKNOWN
from mlwarden.rules._optin import exits as _exits
from mlwarden.rules._optin import opt_in_note

#: message tail of a load of literal data (reported at low severity)
LITERAL_NOTE = " (low: the data is a literal in the code, not input handed in at run time)"
#: message tail of a load of a file the same function has just written (low)
WRITTEN_NOTE = " (low: this function wrote the file at that path just before the load)"
#: ``__setstate__`` unpickling its own state argument
SETSTATE_NOTE = " (low: `__setstate__` receives this state from the unpickle that is running it, which already trusts the stream)"
#: the message tail of a load of a file downloaded from the Hub at a full commit SHA (medium)
PINNED_NOTE = (
    " (medium: the file is downloaded from `{repo}` at commit `{rev}`, pinned as MLW202 asks, so it cannot be swapped;"
    " the pinned file still runs whatever its author put in it)"
)
#: Hub downloaders whose result is the local path of one file: name -> (repo position, keyword)
PINNED_DOWNLOADERS = {
    "huggingface_hub.hf_hub_download": (0, "repo_id"),
    "huggingface_hub.file_download.hf_hub_download": (0, "repo_id"),
}
#: a module-level load of a file the same file wrote earlier (a script or notebook reloading its own checkpoint)
WRITTEN_HERE_NOTE = " (low: this file wrote it at the same path earlier, at {}; a file that was there before would have been replaced)"
#: a load-or-build cache: the load runs when the file exists, and the code writes it when it is missing
DOUBLE_NOTE = (
    " (low: the test reads bytes from a test double, `{}`, that it never configured: the code under test put them "
    "there in this process; its own loads are reported where they are written)"
)
FIXTURE_NOTE = (
    " (low: the test loads the path that its pytest fixture `{}` returns right after writing it with `{}`, "
    "at fixture line {}; a file that was there before would have been replaced)"
)
SIDE_EFFECT_NOTE = (
    " (low: the real loader runs inside a test double's `side_effect`, on whatever the code under test hands "
    "the mocked loader; that load is reported where the code under test makes it)"
)
KEPT_FOR_DOUBLE_NOTE = (
    " (low: a test keeps the real loader to call it from a test double's `side_effect` while the loader is "
    "patched; it loads what the code under test hands the mocked loader, reported where that code makes the load)"
)
KEPT_TO_RESTORE_NOTE = (
    " (low: the loader is only saved to be put back where it came from, as code that patches it does; "
    "it is not called or handed on here, and the loads that run while it is patched are reported where they are made)"
)
FAKE_NOTE = (
    " (low: the test reads `{0}.{1}`, and `{2}`, a class of this file, sets `{1}` only from what its methods are "
    "handed (line {3}); the test hands `{0}` only to the code under test, which put the bytes there in this process)"
)
HELPER_NOTE = (
    " (low: the test loads what `{}()`, a function of this file, returns, and its every `return` is `{}`'s result "
    "(line {}): bytes this process just serialized, not outside data)"
)
PROJECT_HELPER_NOTE = (
    " (low: the test loads what `{}()`, a function of the project's module `{}`, returns, and its every `return` "
    "is `{}`'s result (line {}): bytes this process just serialized, not outside data)"
)
TRANSFORM_NOTE = (
    " (low: the data is what `{}()`, a function of this file (line {}), makes from `{}`, which this code "
    "serialized in memory; the function computes its result from its arguments alone (no file, network, "
    "environment or other function), so the bytes are this process's own, changed only by code in this file)"
)
PROJECT_TRANSFORM_NOTE = (
    " (low: the data is what `{}()`, a function of the project's module `{}` (line {}), makes from `{}`, which "
    "this code serialized in memory; that function, read from its module, computes its result from its arguments "
    "alone (no file, network, environment or other function){}, so the bytes are this process's own, changed "
    "only by the project's code)"
)
TEST_BUILT_NOTE = "; its other arguments are values this test builds from its own parametrized values and code"
SPY_NOTE = (
    " (low: `{}` is a spy the test installs in place of the loader (`monkeypatch.setattr` or a double's "
    "`side_effect`/`new`) and never calls itself; it runs the real loader on whatever the code under test hands the "
    "patched one, and that load is reported where the code under test makes it)"
)
CHECKPOINT_NOTE = (
    " (low: the test loads what its own training run wrote: `{}`, a checkpoint callback made with this fresh temporary "
    "path, is handed to `{}` before the load, so the file holds the state of the model the test trains; the "
    "same load of a path from elsewhere keeps its rank)"
)
#: a test's load of a file in the fresh temporary folder its training call was handed as output folder (session 16)
TRAINER_OUTPUT_NOTE = (
    " (low: the test loads a file from the fresh temporary folder that `{}` was handed as its output folder before the"
    " load, and no other call was handed that folder, so the file is what the project's training wrote during the test;"
    " the same load of a path from elsewhere keeps its rank)"
)
OWN_CHECKPOINT_NOTE = (
    " (low: the load reads the checkpoint this code's own training writes: `{}`, a checkpoint callback made with this"
    " same path (`{}`), is handed to `{}` before the load on every path to it, so the file holds the state of the model"
    " this function trains; if that training wrote nothing (a `save_best_only` run that never improved), the file is an"
    " earlier run's of the same code at the same path, which only someone who can already write there could have"
    " replaced; the same load of a path from elsewhere keeps its rank)"
)
#: a checkpoint callback, by its class name (`ModelCheckpoint`, `OrbaxCheckpoint`, `CheckpointCallback`)
_CHECKPOINT_CLASS = re.compile(r"^[A-Z]\w*Checkpoint\w*$|^Checkpoint[A-Z]?\w*$")
#: the calls that run training (and so the callbacks they are handed)
_TRAIN_METHODS = frozenset({"fit", "train", "fit_generator"})
#: unittest.mock (and the `mock` backport) factories of test doubles
MOCK_FACTORIES = tuple(
    f"{module}.{name}"
    for module in ("unittest.mock", "mock")
    for name in ("Mock", "MagicMock", "NonCallableMock", "NonCallableMagicMock", "AsyncMock", "create_autospec",
                 "patch", "patch.object", "patch.multiple")
)
#: pytest-mock's fixture and the same factories on it (`mocker.MagicMock()`, `mocker.patch(...)`)
_MOCKER = "mocker"
_MOCKER_ATTRS = frozenset({"Mock", "MagicMock", "NonCallableMock", "NonCallableMagicMock", "AsyncMock", "create_autospec",
                           "patch", "patch.object", "patch.multiple"})
CACHE_NOTE = " (low: a cache file this code writes itself when it is missing, at {}; keep the cache folder private)"

# ---------------------------------------------------------------------------
# tables

_PICKLERS = ("pickle", "dill", "cloudpickle")
#: loaders whose argument is the serialized data itself (not a path or file)
DATA_LOADERS = frozenset(
    [f"{m}.loads" for m in _PICKLERS]
    + ["marshal.loads", "jsonpickle.decode", "jsonpickle.loads", "jsonpickle.unpickler.decode", "skops.io.loads", "msgpack.unpackb", "msgpack_numpy.unpackb"]
)

#: loaders of a file object: a literal in an ``io.BytesIO`` is literal data too
BUFFER_LOADERS = frozenset([f"{m}.load" for m in _PICKLERS] + [f"{m}.Unpickler" for m in _PICKLERS] + ["marshal.load"])

#: calls that return serialized bytes/text (in memory)
DUMPS: FrozenSet[str] = frozenset(
    [f"{m}.dumps" for m in _PICKLERS]
    + [
        "marshal.dumps",
        "yaml.dump",
        "yaml.safe_dump",
        "yaml.dump_all",
        "yaml.safe_dump_all",
        "jsonpickle.encode",
        "jsonpickle.dumps",
        "jsonpickle.pickler.encode",
        "skops.io.dumps",
        "msgpack.packb",
        "msgpack.dumps",
        "msgpack_numpy.packb",
        "msgpack_numpy.dumps",
        "joblib.dumps",
        # JSON text carries no YAML tags and is no pickle: safe for every loader
        "json.dumps",
    ]
)
#: yaml dumpers return text only when no stream is given (second argument)
_STREAM_OPTIONAL = frozenset({"yaml.dump", "yaml.safe_dump", "yaml.dump_all", "yaml.safe_dump_all"})

#: serializers writing to a file object or path: name -> (position, keyword)
#: of the destination argument
WRITERS: Dict[str, Tuple[int, str]] = {
    **{f"{m}.dump": (1, "file") for m in _PICKLERS},
    **{f"{m}.Pickler": (0, "file") for m in _PICKLERS},
    "marshal.dump": (1, "file"),
    "yaml.dump": (1, "stream"),
    "yaml.safe_dump": (1, "stream"),
    "yaml.dump_all": (1, "stream"),
    "yaml.safe_dump_all": (1, "stream"),
    "joblib.dump": (1, "filename"),
    "torch.save": (1, "f"),
    "numpy.save": (0, "file"),
    "numpy.savez": (0, "file"),
    "numpy.savez_compressed": (0, "file"),
    "pandas.to_pickle": (1, "filepath_or_buffer"),
    "shelve.open": (0, "filename"),
    "skops.io.dump": (1, "file"),
    "keras.models.save_model": (1, "filepath"),
    "keras.saving.save_model": (1, "filepath"),
    "torch.package.PackageExporter": (0, "f"),
    "tensorflow.saved_model.save": (1, "export_dir"),
    "msgpack.pack": (1, "stream"),
    "msgpack.dump": (1, "stream"),
}
#: calls that write only in a writing mode: name -> (path position, path
#: keyword, mode position)
MODE_WRITERS: Dict[str, Tuple[int, str, int]] = {
    "tarfile.open": (0, "name", 1),
    "tarfile.TarFile": (0, "name", 1),
    "zipfile.ZipFile": (0, "file", 1),
}
#: writer methods on any receiver (``df.to_pickle(p)``, ``model.save(p)``,
#: ``arr.dump(p)``, ``db.save_local(p)``): attribute -> (position, keyword)
WRITER_METHODS: Dict[str, Tuple[int, str]] = {
    "to_pickle": (0, "path"),
    "save": (0, "filepath"),
    "save_local": (0, "folder_path"),
    "dump": (0, "file"),
}
#: ``yaml_instance.dump(data, stream)`` (ruamel) and ``pickler.dump(obj)``
#: are methods too; ``X.dump(obj, f)`` with two arguments writes to ``f``
_DUMP_TWO_ARGS = "dump"

#: consumers: name -> (position, keyword) of the data argument
DATA_ARG: Dict[str, Tuple[int, str]] = {
    **{f"{m}.load": (0, "file") for m in _PICKLERS},
    **{f"{m}.loads": (0, "data") for m in _PICKLERS},
    **{f"{m}.Unpickler": (0, "file") for m in _PICKLERS},
    "torch.load": (0, "f"),
    "torch.serialization.load": (0, "f"),
    "joblib.load": (0, "filename"),
    "pandas.read_pickle": (0, "filepath_or_buffer"),
    "numpy.load": (0, "file"),
    "marshal.load": (0, "file"),
    "marshal.loads": (0, "bytes"),
    "shelve.open": (0, "filename"),
    "jsonpickle.decode": (0, "string"),
    "jsonpickle.loads": (0, "string"),
    "jsonpickle.unpickler.decode": (0, "string"),
    "skops.io.load": (0, "file"),
    "skops.io.loads": (0, "data"),
    "msgpack.unpackb": (0, "packed"),
    "msgpack.loads": (0, "packed"),
    "msgpack.unpack": (0, "stream"),
    "msgpack.load": (0, "stream"),
    "torch.package.PackageImporter": (0, "file_or_buffer"),
}
for _name in ("load", "load_all", "unsafe_load", "unsafe_load_all", "full_load", "full_load_all"):
    DATA_ARG[f"yaml.{_name}"] = (0, "stream")

#: file openers: name -> (path position, path keyword, mode position)
OPENERS: Dict[str, Tuple[int, str, int]] = {
    "open": (0, "file", 1),
    "io.open": (0, "file", 1),
    "gzip.open": (0, "filename", 1),
    "bz2.open": (0, "filename", 1),
    "lzma.open": (0, "filename", 1),
    "builtins.open": (0, "file", 1),
}
#: anonymous handles: nobody but this code can write into them
ANONYMOUS = frozenset(
    {
        "io.BytesIO",
        "io.StringIO",
        "tempfile.TemporaryFile",
        "tempfile.SpooledTemporaryFile",
        "tempfile.NamedTemporaryFile",
    }
)
#: handle methods that neither write foreign bytes nor leak the handle
_HANDLE_METHODS = frozenset(
    {"seek", "flush", "close", "getvalue", "getbuffer", "read", "readline", "tell", "name", "truncate", "fileno", "readable"}
)
#: what a ``unittest.mock`` object records of the calls made to it
MOCK_RECORDS = frozenset({"call_args", "call_args_list", "mock_calls", "method_calls", "await_args", "await_args_list"})
#: methods that take a part of bytes or text without adding foreign data
_PART_METHODS = frozenset({"split", "rsplit", "partition", "rpartition", "strip", "lstrip", "rstrip", "removeprefix", "removesuffix", "decode", "encode", "splitlines"})
#: a project's own serializer, by its name: ``dump_exception(exc)``,
#: ``serialize(obj)``, ``self._pickle_state()``; the load/read/receive words
#: name something else
_DUMP_HELPER = re.compile(r"(?:^|_)(?:dumps?|serialize|serialise|pickle|to_pickle|to_bytes)(?:_|$)", re.IGNORECASE)
_NOT_A_DUMP = re.compile(r"load|read|recv|receive|get|fetch|download|decode|deserial|unpickle|request|open", re.IGNORECASE)
#: library functions with such names that do not return in-memory data
_NOT_DUMP_HELPERS = frozenset({"pickle.dump", "dill.dump", "cloudpickle.dump", "marshal.dump", "joblib.dump", "json.dump", "yaml.dump", "yaml.safe_dump", "msgpack.dump"})


#: a project's own saver, by its name: ``save_checkpoint``, ``save_pretrained``,
#: ``export_model``, ``dump_cache``; names that fetch, copy or unpack are not
_SAVE_HELPER = re.compile(r"(?:^|_)(?:save|dump|export|serialize|serialise|persist)(?:_|$)|^_?write_", re.IGNORECASE)
_NOT_A_SAVE = re.compile(r"load|read|download|fetch|copy|url|hub|remote|http|open|move|link|extract|unpack|untar|unzip|sync|pull|clone|restore|get", re.IGNORECASE)


#: a project's training entry point, by name (``model.fit``, ``trainer.train``, ``finetune``)
_TRAINER = re.compile(r"_?(?:fit|train|finetune|fine_tune|fit_model|train_model|run_training)", re.IGNORECASE)
#: keywords that name a training call's output folder
_OUTPUT_KEYWORDS = frozenset(
    {"output_dir", "output_folder", "out_dir", "save_dir", "checkpoint_dir", "ckpt_dir", "default_root_dir",
     "model_dir", "log_dir", "logdir", "work_dir", "results_dir"}
)


def _is_trainer(func: Any) -> bool:
    name = func.attr.value if isinstance(func, cst.Attribute) else func.value if isinstance(func, cst.Name) else ""
    return bool(name) and _TRAINER.fullmatch(name) is not None


def _is_save_helper(func: Any) -> bool:
    name = func.attr.value if isinstance(func, cst.Attribute) else func.value if isinstance(func, cst.Name) else ""
    return bool(name) and _SAVE_HELPER.search(name) is not None and _NOT_A_SAVE.search(name) is None


def _is_dump_helper(func: Any) -> bool:
    name = func.attr.value if isinstance(func, cst.Attribute) else func.value if isinstance(func, cst.Name) else ""
    return bool(name) and _DUMP_HELPER.search(name) is not None and _NOT_A_DUMP.search(name) is None


#: model loaders that only read the path they are handed (a load between a
#: write and the load under judgement adds no bytes to the file)
_MODEL_READERS = (
    "keras.models.load_model",
    "keras.saving.load_model",
    "keras.saving.saving_api.load_model",
    "tensorflow.saved_model.load",
)

#: modules whose classes wrap bytes, files, paths or connections
#: (`io.BytesIO(downloaded)`, `Path(p)`, `ZipFile(f)`): an instance may be
#: foreign data a saver copies verbatim, so it is not an object "built here"
_IO_MODULES = frozenset(
    {"io", "pathlib", "tarfile", "zipfile", "gzip", "bz2", "lzma", "tempfile", "shelve", "mmap", "urllib", "http",
     "requests", "httpx", "socket", "fsspec", "h5py", "codecs"}
)

#: calls returning a fresh temporary directory or file name
TEMP_CALLS = frozenset({"tempfile.mkdtemp", "tempfile.gettempdir", "tempfile.mktemp", "tempfile.gettempdirb"})
TEMP_DIRS = frozenset({"tempfile.TemporaryDirectory"})
#: pytest's temporary-path fixtures (function parameters)
TMP_FIXTURES = frozenset({"tmp_path", "tmpdir", "tmp_path_factory", "tmpdir_factory", "tmp_dir"})
#: a test case's per-test temporary folder or file (``tf.test.TestCase``/keras
#: ``testing.TestCase.get_temp_dir()``, absl's ``create_tempdir()``/``create_tempfile()``)
TEST_TEMP_METHODS = frozenset({"get_temp_dir", "create_tempdir", "create_tempfile"})
#: packages whose ``*TestCase`` classes provide :data:`TEST_TEMP_METHODS`
_TEST_CASE_PACKAGES = frozenset({"tensorflow", "tf_keras", "keras", "absl", "unittest"})
#: path helpers whose result is local when their arguments are
_PATH_FUNCS = frozenset(
    {
        "os.path.join",
        "os.path.abspath",
        "os.path.realpath",
        "os.path.normpath",
        "os.path.expanduser",
        "os.fspath",
        "pathlib.Path",
        "pathlib.PurePath",
        "pathlib.PosixPath",
        "str",
        "Path",
    }
)
_PATH_METHODS = frozenset({"joinpath", "join", "with_suffix", "with_name", "resolve", "absolute", "mktemp", "mkdir", "as_posix"})
#: calls that may take a path or handle without writing foreign data into it
_HARMLESS = frozenset(
    {
        "print",
        "len",
        "str",
        "repr",
        "isinstance",
        "os.path.exists",
        "os.path.isfile",
        "os.path.getsize",
        "os.path.join",
        "os.path.dirname",
        "os.path.basename",
        "os.fspath",
        "os.stat",
        "os.makedirs",
        "pathlib.Path",
        "Path",
        "os.path.abspath",
    }
)

#: methods that only look at a path (logging, assertions, existence checks)
_HARMLESS_METHODS = frozenset(
    {
        "info",
        "debug",
        "warning",
        "warn",
        "error",
        "exception",
        "log",
        "critical",
        "exists",
        "is_file",
        "isfile",
        "assertTrue",
        "assertFalse",
        "assertIn",
        "assertEqual",
        "getsize",
        "stat",
        "format",
    }
)

#: syntax that may be entered and left on a straight line
_STRAIGHT = (
    "With",
    "WithItem",
    "IndentedBlock",
    "SimpleStatementLine",
    "SimpleStatementSuite",
    "Expr",
    "Assign",
    "AnnAssign",
    "AssignTarget",
    "Call",
    "Arg",
    "Await",
    "Attribute",
    "Name",
    "Tuple",
    "List",
    "Element",
    "Subscript",
    "SubscriptElement",
    "Index",
    "AsName",
    "Return",
    "Parenthesized",
)

# ---------------------------------------------------------------------------
# scope index


@dataclass
class Binding:
    #: "assign" (value is the assigned expression), "with" (value is the
    #: with item's expression), "for" (a loop target; value is the iterable),
    #: "unpack" (one name of ``a, b = value``; value is the whole value),
    #: "param", "fixture" (a pytest tmp fixture) or "other" (anything we
    #: cannot follow)
    kind: str
    value: Any
    order: int
    node: Any


class ScopeIndex:
    """Source order, parents, name bindings and calls of one scope (a
    function body, or a module's top level without function/class bodies)."""

    def __init__(self, scope: Any) -> None:
        self.scope = scope
        self.parent: Dict[int, Any] = {}
        self.order: Dict[int, int] = {}
        self.bindings: Dict[str, List[Binding]] = {}
        self.calls: List[Any] = []
        self.names: Dict[str, List[Any]] = {}
        self.declared_global: Set[str] = set()
        self.is_module = isinstance(scope, cst.Module)
        if not self.is_module:
            self._params(scope.params)
        self._walk(scope.body if not self.is_module else scope)

    # -- building ----------------------------------------------------------
    def _bind(self, name: str, kind: str, value: Any, node: Any) -> None:
        self.bindings.setdefault(name, []).append(Binding(kind, value, self.order.get(id(node), -1), node))

    def _params(self, params: Any) -> None:
        for p in (*params.posonly_params, *params.params, *params.kwonly_params):
            name = p.name.value
            self._bind(name, "fixture" if name in TMP_FIXTURES else "param", None, p)
        for star in (params.star_arg, params.star_kwarg):
            if isinstance(star, cst.Param):
                self._bind(star.name.value, "param", None, star)

    def _bind_target(self, target: Any, value: Any, kind: str, node: Any) -> None:
        if isinstance(target, cst.Name):
            self._bind(target.value, kind, value, node)
        elif isinstance(target, (cst.Tuple, cst.List)):
            elements = target.elements
            values = value.elements if isinstance(value, (cst.Tuple, cst.List)) else None
            paired = values is not None and len(values) == len(elements) and not any(
                isinstance(e, cst.StarredElement) for e in (*elements, *values)
            )
            for i, element in enumerate(elements):
                inner = element.value
                if paired:
                    self._bind_target(inner, values[i].value, kind, node)
                else:  # `a, b = data.split(sep)`: a part of the value, followed only by `captured`
                    self._bind_target(inner, value if kind == "assign" else None, "unpack" if kind == "assign" else "other", node)
        elif isinstance(target, cst.StarredElement):
            self._bind_target(target.value, None, "other", node)
        # attributes and subscripts bind no name

    def _walk(self, root: Any) -> None:
        counter = 0
        stack: List[Tuple[Any, Any]] = [(root, None)]
        nested = (cst.FunctionDef, cst.ClassDef, cst.Lambda)
        while stack:
            node, parent = stack.pop()
            self.order[id(node)] = counter
            counter += 1
            if parent is not None:
                self.parent[id(node)] = parent
            kind = type(node)
            if kind is cst.Call:
                self.calls.append(node)
            elif kind is cst.Name:
                self.names.setdefault(node.value, []).append(node)
            elif kind is cst.Assign:
                for t in node.targets:
                    self._bind_target(t.target, node.value, "assign", node)
            elif kind is cst.AnnAssign:
                if node.value is not None:
                    self._bind_target(node.target, node.value, "assign", node)
            elif kind is cst.AugAssign:
                self._bind_target(node.target, None, "other", node)
            elif kind is cst.NamedExpr:
                self._bind_target(node.target, node.value, "assign", node)
            elif kind is cst.For:
                # a loop target: "for" with the iterable (never a round trip)
                self._bind_target(node.target, node.iter, "for", node)
            elif kind is cst.CompFor:
                self._bind_target(node.target, None, "other", node)
            elif kind is cst.WithItem:
                if node.asname is not None:
                    self._bind_target(node.asname.name, node.item, "with", node)
            elif kind is cst.ExceptHandler:
                if node.name is not None:
                    self._bind_target(node.name.name, None, "other", node)
            elif kind in (cst.Import, cst.ImportFrom):
                names = node.names if not isinstance(node.names, cst.ImportStar) else ()
                for alias in names:
                    bound = alias.asname.name if alias.asname is not None else alias.name
                    while isinstance(bound, cst.Attribute):
                        bound = bound.value
                    self._bind_target(bound, None, "other", node)
            elif kind in (cst.Global, cst.Nonlocal):
                for item in node.names:
                    self.declared_global.add(item.name.value)
                    self._bind(item.name.value, "other", None, node)
            elif kind is cst.Del:
                self._bind_target(node.target, None, "other", node)
            elif kind in (cst.MatchAs, cst.MatchStar):
                if node.name is not None:
                    self._bind(node.name.value, "other", None, node)
            elif kind is cst.MatchMapping:
                if node.rest is not None:
                    self._bind(node.rest.value, "other", None, node)
            if kind in nested and node is not root:
                if kind is not cst.Lambda:
                    self._bind(node.name.value, "other", None, node)
                # decorators and defaults run here; the body does not
                if kind is cst.FunctionDef:
                    children = [*node.decorators, node.params]
                elif kind is cst.ClassDef:
                    children = [*node.decorators, *node.bases, *node.keywords]
                else:
                    children = [node.params]
                for child in reversed(children):
                    stack.append((child, node))
                continue
            for child in reversed(node.children):
                stack.append((child, node))

    # -- queries -----------------------------------------------------------
    def before(self, a: Any, b: Any) -> bool:
        oa, ob = self.order.get(id(a)), self.order.get(id(b))
        return oa is not None and ob is not None and oa < ob

    def ancestors(self, node: Any) -> List[Any]:
        out = []
        current = self.parent.get(id(node))
        while current is not None:
            out.append(current)
            current = self.parent.get(id(current))
        return out

    def straight_before(self, write: Any, load: Any) -> bool:
        """``write`` runs unconditionally before ``load`` whenever ``load``
        runs: both under a common block, the write reached from it through
        plain statements and ``with`` bodies only."""
        if not self.before(write, load):
            return False
        load_up = {id(n) for n in self.ancestors(load)}
        child = write
        for node in self.ancestors(write):
            if id(node) in load_up:
                return True
            if type(node).__name__ not in _STRAIGHT:
                if not (type(node) is cst.Try and child is node.body and self._flag_gated(node, load)):
                    return False
            child = node
        return False

    def _flag_gated(self, try_: Any, load: Any) -> bool:
        """``load`` runs only after ``try_``'s body ran to its end: a flag set
        ``True`` before the ``try`` (``ok = True``), set ``False`` by every
        handler that does not leave (``except E: ok = False``), never bound
        otherwise, gates ``load`` (``if ok:`` / ``if ok and exists(p):``, the
        load in that ``if``'s body), and the ``try`` runs on a straight line
        before that ``if`` whenever it runs. A handler that completes set
        the flag to ``False``, so a ``True`` flag at the gate means the body
        completed (skl2onnx's test helper: dump under ``try``, a failed dump
        clears ``load_pickle``, ``if load_pickle: pickle.load``)."""
        if not try_.handlers or not self.before(try_, load):
            return False
        gates: List[str] = []
        child = load
        for node in self.ancestors(load):
            if node is try_:
                return False
            if type(node) is cst.If and child is node.body and self.before(try_, node):
                gates.extend(_and_names(node.test))
            child = node
        return any(
            flag not in self.declared_global and self._flag_bindings_ok(flag, try_) for flag in dict.fromkeys(gates)
        )

    def _flag_bindings_ok(self, flag: str, try_: Any) -> bool:
        bindings = self.bindings.get(flag, [])
        trues = 0
        for b in bindings:
            if b.kind != "assign" or not isinstance(b.node, cst.Assign) or len(b.node.targets) != 1:
                return False
            value = b.value
            if not isinstance(value, cst.Name) or value.value not in ("True", "False"):
                return False
            if value.value == "True":
                if not self._straight_plain(b.node, try_):
                    return False
                trues += 1
            else:
                if not any(self._top_of(h, b.node) for h in try_.handlers):
                    return False
        if not trues:
            return False
        for handler in try_.handlers:
            if not (any(self._top_of(handler, b.node) for b in bindings) or _leaves(handler.body)):
                return False
        # a nested function rebinding the flag (``nonlocal ok``) could change it anywhere
        return not _nonlocal_names(self.scope, flag)

    def _top_of(self, handler: Any, assign: Any) -> bool:
        """``assign`` is a statement of ``handler``'s body itself (not nested)."""
        line = self.parent.get(id(assign))
        return line is not None and (line is handler.body or self.parent.get(id(line)) is handler.body)

    def _straight_plain(self, write: Any, load: Any) -> bool:
        if not self.before(write, load):
            return False
        load_up = {id(n) for n in self.ancestors(load)}
        for node in self.ancestors(write):
            if id(node) in load_up:
                return True
            if type(node).__name__ not in _STRAIGHT:
                return False
        return False


def _and_names(test: Any) -> List[str]:
    """The plain names a condition requires true: ``ok``, ``ok and x``,
    ``(ok and x) and y``."""
    if isinstance(test, cst.Name):
        return [test.value]
    if isinstance(test, cst.BooleanOperation) and isinstance(test.operator, cst.And):
        return _and_names(test.left) + _and_names(test.right)
    return []


def _leaves(body: Any) -> bool:
    """A block whose last statement is ``raise`` or ``return``."""
    statements = getattr(body, "body", ())
    if not statements:
        return False
    last = statements[-1]
    if isinstance(last, cst.SimpleStatementLine) and last.body:
        last = last.body[-1]
    return isinstance(last, (cst.Raise, cst.Return))


def _nonlocal_names(scope: Any, name: str) -> bool:
    """Whether a function nested in ``scope`` declares ``name`` nonlocal or global."""
    found = []

    class _Visitor(cst.CSTVisitor):
        def visit_Nonlocal(self, node: Any) -> None:
            found.extend(item.name.value for item in node.names if item.name.value == name)

        def visit_Global(self, node: Any) -> None:
            found.extend(item.name.value for item in node.names if item.name.value == name)

    scope.visit(_Visitor())
    return bool(found)


#: reads of a ``__setstate__`` state's part by method: ``state.get("k")``, ``state.pop("k")``
_STATE_READS = frozenset({"get", "pop"})


def _state_root(expr: Any) -> Optional[Any]:
    """The name whose part ``expr`` is (``state``, ``state[k]``,
    ``state["a"]["b"]``, ``state.get("k")``, ``state.pop("k", None)``), or None."""
    while True:
        if isinstance(expr, cst.Name):
            return expr
        if isinstance(expr, cst.Subscript):
            expr = expr.value
        elif (
            isinstance(expr, cst.Call)
            and isinstance(expr.func, cst.Attribute)
            and expr.func.attr.value in _STATE_READS
            and _state_read_args(expr)
        ):
            expr = expr.func.value
        else:
            return None


def _state_read_args(call: Any) -> bool:
    """``state.get(key)`` / ``state.get(key, default)`` with a literal default
    (a default computed by a call could be data from anywhere)."""
    args = call.args
    if not 1 <= len(args) <= 2 or any(a.keyword or a.star for a in args):
        return False
    if len(args) == 2:
        default = args[1].value
        literal = (cst.SimpleString, cst.Integer, cst.Float)
        if not (isinstance(default, literal) or (isinstance(default, cst.Name) and default.value in ("None", "True", "False"))):
            return False
    return True


def _code(ctx: Any, node: Any) -> str:
    return "".join(ctx.module.code_for_node(node).split())


class Analysis:
    """Per module: scope indices (built on first use) and class attributes."""

    def __init__(self, ctx: Any) -> None:
        self.ctx = ctx
        self._scopes: Dict[int, ScopeIndex] = {}
        self._class_attrs: Dict[int, Dict[str, List[Any]]] = {}
        self._module_globals: Optional[Set[str]] = None

    def scope(self, node: Any) -> ScopeIndex:
        index = self._scopes.get(id(node))
        if index is None:
            index = self._scopes[id(node)] = ScopeIndex(node)
        return index

    def globals_declared(self) -> Set[str]:
        """Names some function of the module declares ``global``."""
        if self._module_globals is None:
            found: Set[str] = set()

            class _Globals(cst.CSTVisitor):
                def visit_Global(self, node: Any) -> None:
                    found.update(item.name.value for item in node.names)

            self.ctx.module.visit(_Globals())
            self._module_globals = found
        return self._module_globals

    def class_attrs(self, cls: Any) -> Dict[str, List[Any]]:
        """``self.<attr>`` -> every value assigned to it in the class's
        methods (None for an assignment we cannot follow)."""
        attrs = self._class_attrs.get(id(cls))
        if attrs is not None:
            return attrs
        attrs = {}
        for stmt in cls.body.body:
            if not isinstance(stmt, cst.FunctionDef):
                continue
            params = stmt.params.posonly_params or stmt.params.params
            if not params:
                continue
            me = params[0].name.value
            for node in _walk_nodes(stmt.body):
                targets: List[Tuple[Any, Any]] = []
                if isinstance(node, cst.Assign):
                    targets = [(t.target, node.value) for t in node.targets]
                elif isinstance(node, cst.AnnAssign) and node.value is not None:
                    targets = [(node.target, node.value)]
                elif isinstance(node, cst.AugAssign):
                    targets = [(node.target, None)]
                for target, value in targets:
                    if isinstance(target, (cst.Tuple, cst.List)):
                        for element in target.elements:
                            _self_attr(element.value, me, None, attrs)
                    else:
                        _self_attr(target, me, value, attrs)
        self._class_attrs[id(cls)] = attrs
        return attrs


def _self_attr(target: Any, me: str, value: Any, attrs: Dict[str, List[Any]]) -> None:
    if isinstance(target, cst.Attribute) and isinstance(target.value, cst.Name) and target.value.value == me:
        attrs.setdefault(target.attr.value, []).append(value)


def _walk_nodes(root: Any) -> Iterable[Any]:
    stack = [root]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(reversed(node.children))


def _name_skeleton(name: Any) -> Optional[Tuple[str, ...]]:
    """The fixed text of an f-string file name, its expressions as gaps
    (``f"part_{i}.pkl"`` -> ``("part_", None, ".pkl")``), when it has a gap and
    fixed text beyond an extension; None otherwise."""
    if not isinstance(name, cst.FormattedString):
        return None
    parts = tuple(p.value if isinstance(p, cst.FormattedStringText) else None for p in name.parts)
    texts = [t for t in parts if t]
    if None not in parts or not any(len(t.strip(".")) >= 2 and not (t.startswith(".") and t is texts[-1]) for t in texts):
        return None
    return parts


def _reaching(index: "ScopeIndex", found: List[Binding], use: Any) -> List[Binding]:
    """The bindings of ``found`` that can reach ``use`` (see
    :meth:`RoundTripAware.reaching_values`); all of them for no ``use``."""
    use_order = index.order.get(id(use)) if use is not None else None
    if use_order is None:
        return found
    above = {id(n) for n in index.ancestors(use)}
    # a binding whose statement holds the use (`x = f(x)`, `with open(x) as x`) is not seen by it
    candidates = [b for b in found if id(b.node) not in above]
    straight = [b for b in candidates if index.straight_before(b.node, use)]
    if not straight:
        return found
    last = max(straight, key=lambda b: index.order[id(b.node)])
    last_order = index.order[id(last.node)]
    loops = {id(n) for n in index.ancestors(use) if type(n).__name__ in ("For", "While")}
    out = []
    for b in candidates:
        order = index.order.get(id(b.node), -1)
        if b is last or last_order < order < use_order:
            out.append(b)
        elif order > use_order and loops and any(id(n) in loops for n in index.ancestors(b.node)):
            out.append(b)
    return out


def analysis_for(ctx: Any) -> Analysis:
    """The module's round-trip analysis, shared by every rule of one file."""
    found = ctx.__dict__.get("_mlw_roundtrip")
    if found is None:
        found = ctx.__dict__["_mlw_roundtrip"] = Analysis(ctx)
    return found


# ---------------------------------------------------------------------------
# the question


class _Query:
    """One question: is the data of ``load`` produced here?"""

    def __init__(self, analysis: Analysis, scope: ScopeIndex, cls: Any, load: Any) -> None:
        self.a = analysis
        self.ctx = analysis.ctx
        self.scope = scope
        self.cls = cls
        self.load = load

    # -- names ---------------------------------------------------------------
    def names_of(self, expr: Any) -> FrozenSet[str]:
        names = self.ctx.qualnames(expr)
        if names:
            return names
        if isinstance(expr, cst.Name) and expr.value in ("open", "str", "print", "len", "repr", "isinstance"):
            if expr.value not in self.scope.bindings:
                return frozenset({expr.value})
        return frozenset()

    def call_name(self, call: Any, table: Iterable[str]) -> Optional[str]:
        names = self.names_of(call.func)
        for name in names:
            if name in table:
                return name
        return None

    def arg(self, call: Any, spec: Tuple[int, str]) -> Any:
        return self.ctx.arg(call, spec[0], spec[1])

    def bindings(self, name: str) -> Optional[List[Binding]]:
        """Every binding of ``name`` in the scope, or None when the name is
        not only ours (a parameter, a global, a comprehension variable…)."""
        found = self.scope.bindings.get(name)
        if not found:
            return None
        if self.scope.is_module and name in self.a.globals_declared():
            return None
        if any(b.kind in ("other", "param", "for", "unpack") for b in found):
            return None
        return found

    # -- in-memory data --------------------------------------------------------
    def produced(self, expr: Any, depth: int = 0) -> bool:
        """``expr`` evaluates to serializer output made by this code."""
        if expr is None or depth > 6:
            return False
        if self.captured(expr):
            return True
        if isinstance(expr, cst.Call):
            name = self.call_name(expr, DUMPS)
            if name is not None:
                return not (name in _STREAM_OPTIONAL and self.arg(expr, (1, "stream")) is not None)
            if _is_dump_helper(expr.func) and not (self.names_of(expr.func) & _NOT_DUMP_HELPERS):
                return True  # pickle.loads(dump_exception(exc)): the project's own serializer, called in place
            if isinstance(expr.func, cst.Attribute) and expr.func.attr.value in ("getvalue", "getbuffer", "read", "encode"):
                receiver = expr.func.value
                if expr.func.attr.value == "encode":
                    return self.produced(receiver, depth + 1)
                return self.handle_written(receiver, depth + 1)
            if self.call_name(expr, ("io.BytesIO", "io.StringIO", "bytes", "bytearray", "memoryview")) or (
                isinstance(expr.func, cst.Name) and expr.func.value in ("bytes", "bytearray", "memoryview")
            ):
                inner = self.ctx.arg(expr, 0, "initial_bytes")
                return inner is not None and self.produced(inner, depth + 1)
            return False
        if isinstance(expr, cst.Name):
            found = self.bindings(expr.value)
            if found is None or not any(self.scope.before(b.node, self.load) for b in found):
                return self.rebound_to_dump(expr, depth)
            return all(b.kind == "assign" and self.produced(b.value, depth + 1) for b in found) or self.handle_written(
                expr, depth + 1
            ) or self.rebound_to_dump(expr, depth)
        if isinstance(expr, cst.Attribute):
            values = self.self_attr_values(expr)
            if values:
                return all(v is not None and self.produced(v, depth + 1) for v in values)
        return False

    def rebound_to_dump(self, name: Any, depth: int) -> bool:
        """``x = pickle.dumps(x)`` … ``pickle.loads(x)``: every binding of
        the name that reaches this use (the last one on a straight line
        before it, and any between) assigns a serializer's output, whatever
        the name held before (a parameter, the object being dumped)."""
        if self.scope.is_module or name.value in self.scope.declared_global:
            return False
        found = self.scope.bindings.get(name.value)
        if not found or id(name) not in self.scope.order:
            return False
        reaching = _reaching(self.scope, found, name)
        if len(reaching) == len(found) and any(b.kind != "assign" for b in found):
            return False  # no straight-line binding overrides the others
        return bool(reaching) and all(
            b.kind == "assign" and self.scope.before(b.node, self.load) and self.produced(b.value, depth + 1) for b in reaching
        )

    def captured(self, expr: Any, depth: int = 0) -> bool:
        """``expr`` is (a part of) what the code under test handed to a mock:
        ``sock.send.call_args[0][0]``, ``payload = m.call_args.args[0]``,
        ``_, data = sent.split(b"|", 1)``. A test that unpickles it checks
        what the code in this process serialized, not outside data."""
        if expr is None or depth > 8:
            return False
        if isinstance(expr, cst.Subscript):
            return self.captured(expr.value, depth + 1)
        if isinstance(expr, cst.Attribute):
            if expr.attr.value in MOCK_RECORDS:
                return True
            return expr.attr.value in ("args", "kwargs") and self.captured(expr.value, depth + 1)
        if isinstance(expr, cst.Call) and isinstance(expr.func, cst.Attribute) and expr.func.attr.value in _PART_METHODS:
            return self.captured(expr.func.value, depth + 1)
        if isinstance(expr, cst.Name):
            found = self.scope.bindings.get(expr.value)
            if not found or (self.scope.is_module and expr.value in self.a.globals_declared()):
                return False
            if not any(self.scope.before(b.node, self.load) for b in found):
                return False
            return all(b.kind in ("assign", "unpack") and self.captured(b.value, depth + 1) for b in found)
        return False

    def self_attr_values(self, expr: Any) -> Optional[List[Any]]:
        if self.cls is None or not isinstance(expr.value, cst.Name) or expr.value.value not in ("self", "cls"):
            return None
        return self.a.class_attrs(self.cls).get(expr.attr.value)

    # -- handles -----------------------------------------------------------------
    def handle_source(self, expr: Any) -> Optional[Any]:
        """The expression a handle name was opened with (a ``with`` around
        the load, or its single binding)."""
        if not isinstance(expr, cst.Name):
            return None
        if self._bound_inside_with(expr.value):
            return self.with_region(expr.value)[1]
        found = self.bindings(expr.value)
        if found and len(found) == 1 and found[0].kind in ("assign", "with"):
            return found[0].value
        return None

    def handle_written(self, expr: Any, depth: int = 0) -> bool:
        """``expr`` is an anonymous handle (``io.BytesIO()``,
        ``tempfile.TemporaryFile()``) that only serializers wrote into."""
        if not isinstance(expr, cst.Name):
            return False
        source = self.handle_source(expr)
        if not isinstance(source, cst.Call) or not self.call_name(source, ANONYMOUS):
            return False
        # io.BytesIO(initial_bytes) / StringIO(initial_value); a temporary
        # file's first argument is its mode
        buffer = self.call_name(source, ("io.BytesIO", "io.StringIO"))
        initial = self.ctx.arg(source, 0, "initial_value" if buffer == "io.StringIO" else "initial_bytes") if buffer else None
        if initial is not None and not self.produced(initial, depth + 1):
            return False
        wrote = initial is not None
        uses = self._handle_uses(expr)
        if uses is None:
            return False
        for use in uses:
            parent = self.scope.parent.get(id(use))
            if isinstance(parent, (cst.AsName, cst.AssignTarget)):
                continue  # the binding itself
            if (isinstance(parent, cst.Attribute) and parent.attr is use) or (isinstance(parent, cst.Arg) and parent.keyword is use):
                continue  # `x.buf`, `f(buf=…)`: another name
            if isinstance(parent, cst.Attribute) and parent.value is use:
                method = parent.attr.value
                call = self.scope.parent.get(id(parent))
                if method == "write" and isinstance(call, cst.Call) and call.func is parent:
                    if call.args and self.produced(call.args[0].value, depth + 1):
                        wrote = wrote or self.scope.before(call, self.load)
                        continue
                    return False
                if method == "name" and not isinstance(call, cst.Call):
                    # the file's name: read by the load itself, by a reader
                    # or harmless call, written by a serializer, or used
                    # after the load; handed to anything else first (a
                    # download, a copy, a command line) it may hold other bytes
                    if self._name_use_ok(parent, call):
                        continue
                    return False
                if method in _HANDLE_METHODS:
                    continue
                return False
            if isinstance(parent, cst.Arg):
                call = self.scope.parent.get(id(parent))
                if isinstance(call, cst.Call):
                    role = self.call_role(call, parent)
                    if role == "write":
                        wrote = wrote or self.scope.before(call, self.load)
                        continue
                    if role in ("read", "harmless"):
                        continue
            return False
        return wrote

    def with_region(self, name: str) -> Tuple[Optional[Any], Optional[Any]]:
        """(the innermost ``with`` around the load whose item binds ``name``
        with ``as``, that item's value); (None, None) when no ``with`` around
        the load binds it, or when ``name`` is bound again inside that
        ``with`` (a rebinding there is not followed: the load may read
        something else)."""
        for node in self.scope.ancestors(self.load):
            if not isinstance(node, cst.With):
                continue
            for item in node.items:
                if item.asname is not None and isinstance(item.asname.name, cst.Name) and item.asname.name.value == name:
                    own = {id(i) for i in node.items}
                    for binding in self.scope.bindings.get(name, ()):
                        if id(binding.node) not in own and any(n is node for n in self.scope.ancestors(binding.node)):
                            return None, None
                    return node, item.item
        return None, None

    def _handle_uses(self, expr: Any) -> Optional[List[Any]]:
        """The uses of the handle name ``expr`` that can see the handle the
        load reads: all of them for a name bound once; for a name bound
        more than once (``with NamedTemporaryFile() as tmp:`` blocks one
        after another) only those inside the ``with`` around the load that
        binds it (a use before it names an earlier handle, a use after it
        comes after the load). None when the name is bound again inside
        that ``with``."""
        uses = self.scope.names.get(expr.value, [])
        region = self.rebound_region(expr)
        if region is False:
            return None
        if region is None:
            return uses
        return [use for use in uses if any(n is region for n in self.scope.ancestors(use))]

    def rebound_region(self, expr: Any) -> Any:
        """For a name bound more than once in the scope and by a ``with``
        around the load: that ``with`` (only what happens inside it concerns
        the handle the load reads); False when the name is also bound again
        inside it; None otherwise (a name bound once, or no such ``with``)."""
        found = self.scope.bindings.get(expr.value, [])
        region, _ = self.with_region(expr.value)
        if region is None:
            return False if self._bound_inside_with(expr.value) else None
        return region if len(found) > 1 else None

    def _bound_inside_with(self, name: str) -> bool:
        for node in self.scope.ancestors(self.load):
            if isinstance(node, cst.With) and any(
                item.asname is not None and isinstance(item.asname.name, cst.Name) and item.asname.name.value == name for item in node.items
            ):
                return True
        return False

    def _name_use_ok(self, attribute: Any, holder: Any) -> bool:
        """``handle.name`` (``attribute``, whose parent is ``holder``) is an
        argument of the load, of a call after it, of a reader or harmless
        call, or the destination of a serializer (not an ``open`` for
        writing: what is written through it is not followed)."""
        if not isinstance(holder, cst.Arg) or holder.value is not attribute:
            return False
        call = self.scope.parent.get(id(holder))
        if not isinstance(call, cst.Call):
            return False
        if call is self.load or not self.scope.before(call, self.load):
            return True
        path, mode = self.opened_path(call)
        if path is attribute:
            return mode is not None and not any(c in mode for c in "wax+")  # opened to read it back
        role = self.call_role(call, holder)
        return role in ("read", "harmless") or (role == "write" and self.call_name(call, WRITERS) is not None)

    def named_handle_written(self, path: Any) -> bool:
        """``path`` is ``h.name`` of a ``tempfile.NamedTemporaryFile()``
        handle ``h`` that only serializers wrote into before the load
        (``torch.save(state, h)`` … ``torch.load(h.name)``), its name
        handed to nothing that could put other bytes there."""
        path = self._unwrap_path(path)
        if not (isinstance(path, cst.Attribute) and path.attr.value == "name" and isinstance(path.value, cst.Name)):
            return False
        source = self.handle_source(path.value)
        if not isinstance(source, cst.Call) or not self.call_name(source, ("tempfile.NamedTemporaryFile",)):
            return False
        return self.handle_written(path.value)

    def call_role(self, call: Any, arg: Any) -> str:
        """What ``call`` does with its argument ``arg``: "write" (a
        serializer's destination), "read" (a consumer's data), "harmless",
        or "other"."""
        name = self.call_name(call, WRITERS)
        if name is not None and self.arg(call, WRITERS[name]) is arg.value:
            return "write"
        moded = self.call_name(call, MODE_WRITERS)
        if moded is not None:
            pos, keyword, mode_pos = MODE_WRITERS[moded]
            if self.ctx.arg(call, pos, keyword) is arg.value:
                mode = self._mode(self.ctx.arg(call, mode_pos, "mode"))
                return "other" if mode is None else "write" if any(c in mode for c in "wax") else "read"
        func = call.func
        if isinstance(func, cst.Attribute) and not self.ctx.qualnames(func):
            method = func.attr.value
            if method in WRITER_METHODS and self.arg(call, WRITER_METHODS[method]) is arg.value and len(call.args) == 1:
                return "write"
            if method == _DUMP_TWO_ARGS and len(call.args) == 2 and call.args[1] is arg:
                return "write"
            if method == "load" and call.args and call.args[-1] is arg:
                return "read"  # ruamel YAML().load(f), a custom loader
        if self.call_name(call, DATA_ARG) is not None or self.call_name(call, _MODEL_READERS):
            return "read"
        if self.call_name(call, _HARMLESS) is not None:
            return "harmless"
        if isinstance(func, cst.Attribute) and func.attr.value in _HARMLESS_METHODS:
            return "harmless"
        return "other"

    # -- paths -------------------------------------------------------------------
    def local_path(self, expr: Any, depth: int = 0) -> Optional[str]:
        """"temp", "literal" or None: where a path expression points."""
        if expr is None or depth > 8:
            return None
        if isinstance(expr, (cst.SimpleString, cst.ConcatenatedString)):
            return "literal"
        if isinstance(expr, cst.FormattedString):
            kinds = [
                self.local_path(part.expression, depth + 1)
                for part in expr.parts
                if isinstance(part, cst.FormattedStringExpression)
            ]
            return _merge(kinds or ["literal"])
        if isinstance(expr, cst.Name):
            found = self.scope.bindings.get(expr.value)
            if not found:
                bound = self.ctx.constants.values.get(expr.value)
                if bound is not None and expr.value not in self.ctx.imports.aliases and isinstance(bound, (cst.SimpleString, cst.ConcatenatedString)):
                    return "literal"
                return None
            if len(found) == 1 and found[0].kind == "fixture":
                return "temp"
            if len(found) == 1 and found[0].kind == "unpack" and self._mkstemp_path(found[0], expr.value):
                return "temp"
            usable = self.bindings(expr.value)
            if usable is None or len(usable) != 1:
                # `p = join(self.get_temp_dir(), "a.keras")` … `p = join(…, "b.h5")`: the one
                # binding that reaches this use on a straight line, when it is temporary
                reach = _reaching(self.scope, found, expr) if len(found) > 1 and not self.scope.is_module else found
                if len(reach) == 1 and len(found) > 1 and reach[0].kind == "assign":
                    return "temp" if self.local_path(reach[0].value, depth + 1) == "temp" else None
                return None
            binding = usable[0]
            if binding.kind == "with" and isinstance(binding.value, cst.Call):
                if self.call_name(binding.value, TEMP_DIRS):
                    return "temp"
                if self.call_name(binding.value, ANONYMOUS):
                    return None  # a handle, not a path
            return self.local_path(binding.value, depth + 1)
        if isinstance(expr, cst.Attribute):
            if expr.attr.value == "name" and isinstance(expr.value, cst.Name):
                source = self._single_value(expr.value)
                if isinstance(source, cst.Call) and self.call_name(source, ("tempfile.NamedTemporaryFile", "tempfile.TemporaryDirectory")):
                    return "temp"
            if expr.attr.value == "full_path" and self.local_path(expr.value, depth + 1) == "temp":
                return "temp"  # absl: self.create_tempdir().full_path
            values = self.self_attr_values(expr)
            if values:
                kinds = [self.local_path(v, depth + 1) if v is not None else None for v in values]
                return "temp" if kinds and all(k == "temp" for k in kinds) else None
            return None
        if isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, (cst.Divide, cst.Add)):
            return _merge([self.local_path(expr.left, depth + 1), self.local_path(expr.right, depth + 1)])
        if isinstance(expr, cst.Subscript):
            # tempfile.mkstemp()[1]
            if isinstance(expr.value, cst.Call) and self.call_name(expr.value, ("tempfile.mkstemp",)):
                return "temp"
            listed = self._glob_folder(expr)
            if listed is not None and self.local_path(listed, depth + 1) == "temp":
                return "temp"  # `sorted(tmp_path.glob("checkpoint_*.pth"))[-1]`: a file in that folder
            return None
        if isinstance(expr, cst.Call):
            if self.call_name(expr, TEMP_CALLS) or self.test_temp_call(expr):
                return "temp"
            if self.call_name(expr, _PATH_FUNCS) or (isinstance(expr.func, cst.Name) and expr.func.value in ("str", "Path") and expr.func.value not in self.scope.bindings):
                kinds = [self.local_path(a.value, depth + 1) for a in expr.args if not a.keyword]
                return _merge(kinds) if kinds else None
            func = expr.func
            if isinstance(func, cst.Attribute) and func.attr.value in _PATH_METHODS:
                kinds = [self.local_path(func.value, depth + 1)] + [self.local_path(a.value, depth + 1) for a in expr.args if not a.keyword]
                return _merge(kinds)
        return None

    def test_temp_call(self, call: Any) -> bool:
        """``self.get_temp_dir()`` (``self.create_tempdir()``,
        ``self.create_tempfile()``) in a method of a test case whose base is
        a tensorflow/keras/absl/unittest ``*TestCase`` (directly or through
        a class of this file), in test code (a test file, or a ``test*``/
        ``setUp*`` method): the framework's fresh per-test temporary folder,
        like pytest's ``tmp_path``. The same method of any other class is
        not assumed temporary."""
        func = call.func
        if not (isinstance(func, cst.Attribute) and func.attr.value in TEST_TEMP_METHODS and isinstance(func.value, cst.Name)):
            return False
        if func.value.value != "self" or self.cls is None or self.ctx.qualnames(func):
            return False
        if any(b.kind != "param" for b in self.scope.bindings.get("self", ())) or not self.scope.bindings.get("self"):
            return False
        name = getattr(self.scope.scope, "name", None)
        method = name.value if isinstance(name, cst.Name) else ""
        if not (method.startswith(("test", "setUp")) or self.in_test_file()):
            return False
        bases = [self.ctx.module.code_for_node(b.value) for b in self.cls.bases if b.keyword is None]
        return self._test_case_bases(bases, 0)

    def _test_case_bases(self, bases: List[str], depth: int) -> bool:
        """One of ``bases`` (dotted source text) is a framework test case,
        resolved through the file's imports, or a class of the file (read
        from the whole source, so the fast path agrees) that is one."""
        if depth > 4:
            return False
        for text in bases:
            try:
                expr = cst.parse_expression(text)
            except Exception:  # noqa: BLE001 - not a plain name: not followed
                continue
            for qualname in self.ctx.qualnames(expr, anywhere=True):
                parts = qualname.split(".")
                if parts[0] in _TEST_CASE_PACKAGES and parts[-1].endswith("TestCase"):
                    return True
            if isinstance(expr, cst.Name) and expr.value not in self.ctx.imports.aliases:
                local = self.file_class_bases(expr.value)
                if local is not None and self._test_case_bases(local, depth + 1):
                    return True
        return False

    def test_code(self) -> bool:
        """The load's scope is test code: a ``test*``/``setUp*`` function or
        method, or any function of a test file (by path)."""
        name = getattr(self.scope.scope, "name", None)
        method = name.value if isinstance(name, cst.Name) else ""
        return method.startswith(("test", "setUp")) or self.in_test_file()

    def built_here(self, expr: Any, call: Any) -> bool:
        """``expr`` is a name that every binding before ``call`` assigns
        an object this scope builds itself (or is such a call in place): a
        call of a class (one of this function or file, or an imported name
        whose last part is capitalised:
        ``models.Sequential(...)``), of a function this file defines at
        module level (``get_model(kind)``), or of a method of the enclosing
        class (``self.build_model()``). Such an object is not bytes that
        were read or fetched, so a saver writes its state, not foreign
        data. Anything else (a parameter, a loop target, a download, a
        load) does not count."""
        if isinstance(expr, cst.Call) and not self.scope.is_module:
            return self._builder(expr.func)  # built in place: `write_out(tmp, SaveOptions(...))`
        if not isinstance(expr, cst.Name) or self.scope.is_module:
            return False
        found = self.scope.bindings.get(expr.value)
        at = self.scope.order.get(id(call))
        if not found or at is None:
            return False
        before = [b for b in found if b.order < at]
        if not before:
            return False
        return all(b.kind == "assign" and isinstance(b.value, cst.Call) and self._builder(b.value.func) for b in before)

    def _builder(self, func: Any) -> bool:
        """``func`` names a class, a module-level function of this file, or
        a method of the enclosing class (see :meth:`built_here`)."""
        facts = self.ctx.facts
        if isinstance(func, cst.Name):
            name = func.value
            local = self.scope.bindings.get(name)
            if local:
                # a class defined in this function (`class TupleModel(Model): ...`)
                return all(b.kind == "other" and isinstance(b.node, cst.ClassDef) for b in local)
            if name in facts.functions or name in facts.classes:
                return name not in facts.module_assignments and name not in facts.imports
        if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name) and func.value.value == "self":
            if self.cls is None or any(b.kind != "param" for b in self.scope.bindings.get("self", ())):
                return False
            # the class as the whole file has it (the fast path may hand us one method)
            return func.attr.value in self.file_class_methods(self.cls.name.value)
        names = self.ctx.qualnames(func)
        return bool(names) and all(
            n.rsplit(".", 1)[-1][:1].isupper() and n.split(".", 1)[0] not in _IO_MODULES for n in names
        )

    def in_test_file(self) -> bool:
        """The file is test code by its path (set by the rule; False when unknown)."""
        return False

    def file_class_methods(self, name: str) -> FrozenSet[str]:
        """The methods of the one top-level class ``name`` of the whole file
        (set by the rule; empty when unknown)."""
        return frozenset()

    def file_class_bases(self, name: str) -> Optional[List[str]]:
        """The bases (source text) of the one top-level class ``name`` of
        the whole file (set by the rule; None when unknown)."""
        return None

    def _mkstemp_path(self, binding: Binding, name: str) -> bool:
        """``fd, name = tempfile.mkstemp(...)``: the new file's path, when
        the descriptor is only closed (``os.close(fd)``) or not named, so
        nothing but writes through the path can fill the file."""
        node = binding.node
        if not isinstance(node, cst.Assign) or len(node.targets) != 1 or not isinstance(binding.value, cst.Call):
            return False
        if not self.call_name(binding.value, ("tempfile.mkstemp",)):
            return False
        target = node.targets[0].target
        if not isinstance(target, (cst.Tuple, cst.List)) or len(target.elements) != 2:
            return False
        fd, path = (e.value for e in target.elements)
        if not (isinstance(path, cst.Name) and path.value == name and isinstance(fd, cst.Name)):
            return False
        for use in self.scope.names.get(fd.value, ()):
            if use is fd:
                continue
            holder = self.scope.parent.get(id(use))
            call = self.scope.parent.get(id(holder)) if isinstance(holder, cst.Arg) else None
            if not (isinstance(call, cst.Call) and self.call_name(call, ("os.close",))):
                return False
        return len(self.scope.bindings.get(fd.value, ())) == 1

    def _single_value(self, name: Any) -> Any:
        if self._bound_inside_with(name.value):
            return self.with_region(name.value)[1]
        found = self.bindings(name.value)
        if found and len(found) == 1:
            return found[0].value
        return None

    def path_key(self, expr: Any) -> Any:
        """Comparable form of a path expression: wrappers (``str``,
        ``Path``, ``os.fspath``) removed, literals by value."""
        expr = self._unwrap_path(expr)
        if isinstance(expr, (cst.SimpleString, cst.ConcatenatedString)):
            try:
                return ("literal", expr.evaluated_value)
            except Exception:  # pragma: no cover - malformed literal
                return ("code", _code(self.ctx, expr))
        if isinstance(expr, cst.Name):
            bound = self.ctx.constants.values.get(expr.value)
            if bound is not None and expr.value not in self.scope.bindings and isinstance(bound, (cst.SimpleString, cst.ConcatenatedString)):
                return self.path_key(bound)
        return ("code", _code(self.ctx, expr))

    def opened_path(self, expr: Any) -> Tuple[Optional[Any], Optional[str]]:
        """``open(P, mode)`` (and friends, ``P.open(mode)``) -> (P, mode)."""
        if not isinstance(expr, cst.Call):
            return None, None
        name = self.call_name(expr, OPENERS)
        if name is not None:
            pos, keyword, mode_pos = OPENERS[name]
            return self.ctx.arg(expr, pos, keyword), self._mode(self.ctx.arg(expr, mode_pos, "mode"))
        func = expr.func
        if isinstance(func, cst.Attribute) and func.attr.value == "open" and not self.ctx.qualnames(func):
            return func.value, self._mode(self.ctx.arg(expr, 0, "mode"))
        return None, None

    def _mode(self, expr: Any) -> Optional[str]:
        """An open mode: "r" when omitted, None when not a literal."""
        if expr is None:
            return "r"
        mode = self.ctx.value(expr)
        return mode if isinstance(mode, str) else None

    def _inert_argument(self, expr: Any) -> bool:
        """A literal (string, number, bool, None), or the name of a function
        or class the file defines at module level and binds nowhere else."""
        if isinstance(expr, (cst.SimpleString, cst.ConcatenatedString, cst.Integer, cst.Float)):
            return True
        if not isinstance(expr, cst.Name):
            return False
        if expr.value in ("True", "False", "None"):
            return True
        facts = self.ctx.facts
        name = expr.value
        return (
            (name in facts.functions or name in facts.classes)
            and not self.scope.bindings.get(name)
            and name not in facts.module_assignments
            and name not in facts.imports
        )

    def writes_to(self, call: Any) -> Optional[Any]:
        """The path a serializer call writes to (through a handle opened for
        writing, or directly), or None."""
        dest = None
        name = self.call_name(call, WRITERS)
        moded = self.call_name(call, MODE_WRITERS)
        if name is not None:
            dest = self.arg(call, WRITERS[name])
        elif moded is not None:
            pos, keyword, mode_pos = MODE_WRITERS[moded]
            mode = self._mode(self.ctx.arg(call, mode_pos, "mode"))
            return self.ctx.arg(call, pos, keyword) if mode is not None and any(c in mode for c in "wax") else None
        else:
            func = call.func
            if isinstance(func, cst.Attribute) and not self.ctx.qualnames(func):
                method = func.attr.value
                if method in ("write_bytes", "write_text") and call.args and self.produced(call.args[0].value):
                    return func.value
                if method == "write" and call.args and self.produced(call.args[0].value):
                    dest = func.value
                elif method == _DUMP_TWO_ARGS and len(call.args) == 2 and not call.args[1].keyword:
                    dest = call.args[1].value
                elif method in WRITER_METHODS and len(call.args) >= 1:
                    dest = self.arg(call, WRITER_METHODS[method])
        if dest is None and _is_save_helper(call.func):
            # the project's own saver of its own state into a fresh temporary
            # location, the path its only positional argument
            # (`trainer.save_checkpoint(tmp_path / "c.pt")`, `model.save_pretrained(d)`):
            # nobody else writes there. `save_cache(data, path)` may be
            # handed downloaded bytes: not followed.
            # `*args` may carry the path or the data at any position: not
            # followed. A `**options` dict adds keywords only, and cannot
            # replace a path passed by position (that is a TypeError), so it
            # is judged as the keywords are (`model.export(tmp, **kw)`)
            if any(a.star == "*" for a in call.args):
                return None
            positional = [a.value for a in call.args if not a.keyword and not a.star]
            if len(positional) == 1 and self.local_path(positional[0]) == "temp":
                return positional[0]
            # `save_hyperparameters(train_fn, tmp_path)`: the other arguments
            # are literals or the file's own functions and classes, so no
            # fetched data can be what it writes
            temps = [v for v in positional if self.local_path(v) == "temp"]
            others = [a.value for a in call.args if not any(a.value is t for t in temps)]
            if len(temps) == 1 and others and all(self._inert_argument(v) for v in others):
                return temps[0]
            # in a test, `export_saved_model(model, tmp, **kw)`: every other
            # positional argument is an object the test itself built just
            # before (a class instantiated, a builder of this file called),
            # not bytes it read or fetched: the saver writes that object
            if (
                len(temps) == 1
                and len(positional) > 1
                and self.test_code()
                and all(self.built_here(v, call) for v in positional if v is not temps[0])
            ):
                return temps[0]
            return None
        if dest is None:
            return None
        path, mode = self.opened_path(dest)
        if path is not None:
            return path if mode is not None and any(c in mode for c in "wax") else None
        if isinstance(dest, cst.Name):
            # a handle opened for writing around the write, or bound once
            for node in self.scope.ancestors(call):
                if isinstance(node, cst.With):
                    for item in node.items:
                        if item.asname is not None and isinstance(item.asname.name, cst.Name) and item.asname.name.value == dest.value:
                            path, mode = self.opened_path(item.item)
                            if path is not None:
                                return path if mode is not None and any(c in mode for c in "wax") else None
            found = self.bindings(dest.value)
            if found and len(found) == 1:
                path, mode = self.opened_path(found[0].value)
                if path is not None:
                    return path if mode is not None and any(c in mode for c in "wax") else None
        return dest

    def file_written(self, path: Any) -> bool:
        if self.named_handle_written(path):
            return True
        kind = self.local_path(path)
        if kind is None:
            return self._sibling_written(path)
        if kind == "literal" and self.scope.is_module:
            return False  # a literal path at module level may name a file that was there before
        key = self.path_key(path)
        writes = [c for c in self.scope.calls if self.scope.before(c, self.load) and self._key_or_none(self.writes_to(c)) == key]
        if not writes and kind == "temp":
            # a file inside a temporary directory a saver just filled:
            # `model.save_pretrained(d)` … `torch.load(os.path.join(d, "pytorch_model.bin"))`
            base = self._path_base(path)
            if base is not None and self.local_path(base) == "temp":
                key = self.path_key(base)
                writes = [
                    c for c in self.scope.calls
                    if self.scope.before(c, self.load) and _is_save_helper(c.func) and self._key_or_none(self.writes_to(c)) == key
                ]
        path_value = self._unwrap_path(path)
        if isinstance(path_value, cst.Attribute) and isinstance(path_value.value, cst.Name) and path_value.attr.value == "name":
            # `with NamedTemporaryFile() as tmp:` blocks one after another:
            # only the writes inside the block around the load wrote its file
            region = self.rebound_region(path_value.value)
            if region is not None and region is not False:
                writes = [w for w in writes if any(n is region for n in self.scope.ancestors(w))]
        if not writes:
            return False
        if kind == "literal" and not any(self.scope.straight_before(w, self.load) for w in writes):
            return False
        # nothing else may touch that path between the first write and the load
        return self._untouched(writes, key)

    def _read_path(self, data: Any) -> Any:
        """The path a load's ``data`` reads: the file an ``open(path)`` for
        reading (a handle, or the call itself) names, else ``data`` itself,
        unwrapped; None for a handle opened for anything but reading."""
        source = data if isinstance(data, cst.Call) else self.handle_source(data)
        path, mode = self.opened_path(source) if source is not None else (None, None)
        if path is None:
            path = data
        elif mode is None or "r" not in mode:
            return None
        return self._unwrap_path(path)

    def written_before(self, data: Any) -> bool:
        """The load reads a file this *function* wrote just before at the
        same path expression, whatever that path is built from (a parameter,
        ``join(d, f"{name}.pt")``): a serializer wrote it on a straight line
        before the load (not under ``if``/``for``/``try`` of its own), no
        name of the path expression is rebound between the write and the
        load, and nothing else is handed the path in between. Not a round
        trip (the path may also name a file that was there before, which the
        write then replaces): the rules report it at low severity."""
        if self.scope.is_module or data is None:
            return False
        path = self._read_path(data)
        if path is None:
            return False
        names = set()
        for node in _walk_nodes(path):
            if isinstance(node, (cst.Attribute, cst.Subscript)) and not self._in_callee(path, node):
                return False  # `self.path`, `paths[i]`: bound where we cannot see
            if isinstance(node, cst.Name):
                names.add(node.value)
        key = self.path_key(path)
        writes = [
            c for c in self.scope.calls
            if self.scope.straight_before(c, self.load) and self._key_or_none(self.writes_to(c)) == key
        ]
        last = self.scope.order[id(self.load)]
        # a write before a rebinding of a name of the path wrote another file
        # (``dest = a.pkl`` … dump … ``dest = b.pkl`` … dump … load): only the
        # writes after the last rebinding count
        rebound = [
            binding.order for name in names for binding in self.scope.bindings.get(name, ()) if binding.order < last
        ]
        writes = [w for w in writes if not any(self.scope.order[id(w)] < order for order in rebound)]
        if not writes:
            return False
        return self._untouched(writes, key)

    def checkpoint_writer(self, data: Any) -> Optional[Tuple[str, str, Any]]:
        """In test code, the load reads a file a checkpoint callback of this
        test wrote during training: a fresh temporary path (or its folder)
        went, before the load, to the constructor of a class named like a
        checkpoint callback (``ModelCheckpoint(filepath=p)``,
        ``OrbaxCheckpoint(directory=d)``), and that callback (by name, in a
        list, or in place) to a ``fit``/``train`` call (or to a ``Trainer``
        whose ``fit`` ran) before the load, and nothing else was handed the
        path in between. ``(callback, training call, the training call)``,
        or None."""
        if self.scope.is_module or data is None or not self.test_code():
            return None
        path = self._read_path(data)
        if path is None or self.local_path(path) != "temp":
            return None
        keys = {self.path_key(path)}
        base = self._path_base(path)
        if base is not None and self.local_path(base) == "temp":
            keys.add(self.path_key(base))
        for call in self.scope.calls:
            if not self.scope.before(call, self.load):
                continue
            cls_name = self._callee_last(call)
            if cls_name is None or not _CHECKPOINT_CLASS.match(cls_name):
                continue
            handed = [a for a in call.args if not a.star and self._same_place(a.value, keys)]
            if not handed:
                continue
            trained = self._trained_with(call)
            if trained is None:
                continue
            key = self.path_key(handed[0].value)
            if not self._untouched([call], key) or not all(self._untouched([call], k) for k in keys):
                continue
            return cls_name, trained[0], trained[1]
        return None

    def own_checkpoint(self, data: Any) -> Optional[Tuple[str, str, str]]:
        """Outside tests too: the load reads the path a checkpoint callback
        of this same function (or of a method of its class that it calls)
        was made with, handed to this function's ``fit``/``train`` before
        the load on every path to it (aeon's ``_fit``: ``self.callbacks_ =
        [ModelCheckpoint(filepath=self.file_path + self.file_name_ +
        ".keras")]``, or ``self._get_model_checkpoint_callback(...)`` on the
        other branch, then ``fit(..., callbacks=self.callbacks_)`` and
        ``load_model(self.file_path + self.file_name_ + ".keras")``). The path
        is written the same way at both places, from literals, names and
        attributes (no call but path joins, so it cannot change between the
        two), and nothing rebinds its parts between the callback and the
        load. ``(callback, path code, training call)``, or None."""
        if self.scope.is_module or data is None:
            return None
        path = self._unwrap_path(data)
        if isinstance(path, cst.Name):
            # `p = self.dir + name + ".keras"` … `load_model(p)`: the path as written at its one binding
            found = self.scope.bindings.get(path.value, ())
            if len(found) == 1 and found[0].kind == "assign" and self.scope.before(found[0].node, self.load):
                path = self._unwrap_path(found[0].value)
        parts = self._stable_parts(path, 0)
        if parts is None:
            return None
        key = self.path_key(path)
        for call in self.scope.calls:
            func = call.func
            if not (isinstance(func, cst.Attribute) and func.attr.value in _TRAIN_METHODS) or not self.scope.before(call, self.load):
                continue
            given = next((a.value for a in call.args if a.keyword is not None and a.keyword.value == "callbacks"), None)
            if given is None:
                continue
            found = self._checkpoints_in(given, key, path, call, 0)
            if found is None:
                continue
            cls_name, start = found
            if start is None or not self._parts_untouched(parts, start):
                continue
            return cls_name, _code(self.ctx, path), f"{_code(self.ctx, func)}(...)"
        return None

    def _stable_parts(self, expr: Any, depth: int) -> Optional[Set[str]]:
        """The names and attribute chains a path is built from, when it is
        built from literals, names, attributes, ``+``, ``/``, f-strings and
        path joins only (no other call: its value could change); None
        otherwise."""
        if depth > 10:
            return None
        if isinstance(expr, (cst.SimpleString, cst.ConcatenatedString)):
            return set()
        if isinstance(expr, cst.Name):
            found = self.scope.bindings.get(expr.value, ())
            if any(b.kind not in ("assign", "param") for b in found):
                return None
            return {expr.value}
        if isinstance(expr, cst.Attribute):
            root = expr
            while isinstance(root, cst.Attribute):
                root = root.value
            if not isinstance(root, cst.Name):
                return None
            return {_code(self.ctx, expr), root.value}
        if isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, (cst.Add, cst.Divide)):
            left, right = self._stable_parts(expr.left, depth + 1), self._stable_parts(expr.right, depth + 1)
            return None if left is None or right is None else left | right
        if isinstance(expr, cst.FormattedString):
            out: Set[str] = set()
            for part in expr.parts:
                if isinstance(part, cst.FormattedStringExpression):
                    inner = self._stable_parts(part.expression, depth + 1)
                    if inner is None:
                        return None
                    out |= inner
            return out
        if isinstance(expr, cst.Call) and not any(a.star or a.keyword for a in expr.args) and (
            self.call_name(expr, ("os.path.join", "os.fspath", "pathlib.Path", "str"))
            or (isinstance(expr.func, cst.Name) and expr.func.value in ("str", "Path") and expr.func.value not in self.scope.bindings)
        ):
            out = set()
            for arg in expr.args:
                inner = self._stable_parts(arg.value, depth + 1)
                if inner is None:
                    return None
                out |= inner
            return out
        return None

    def _checkpoints_in(self, expr: Any, key: Any, path: Any, train: Any, depth: int) -> Optional[Tuple[str, Any]]:
        """``expr`` (a ``callbacks=`` value) holds a checkpoint callback made
        with the path on every path to ``train``: ``(callback class, the
        earliest node that makes it)``, or None."""
        if depth > 6:
            return None
        if isinstance(expr, (cst.List, cst.Tuple)):
            for element in expr.elements:
                if isinstance(element, (cst.StarredElement,)):
                    continue
                found = self._checkpoints_in(element.value, key, path, train, depth + 1)
                if found is not None:
                    return found
            return None
        if isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, cst.Add):
            return self._checkpoints_in(expr.left, key, path, train, depth + 1) or self._checkpoints_in(
                expr.right, key, path, train, depth + 1
            )
        if isinstance(expr, cst.Call):
            cls_name = self._callee_last(expr)
            if cls_name is not None and _CHECKPOINT_CLASS.match(cls_name):
                if any(not a.star and self.path_key(self._unwrap_path(a.value)) == key for a in expr.args):
                    return cls_name, expr
                return None
            func = expr.func
            if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name) and func.value.value == "self" and self.cls is not None:
                cls_name = self.method_checkpoint(self.cls.name.value, func.attr.value, expr, path)
                return (cls_name, expr) if cls_name else None
            return None
        if isinstance(expr, (cst.Name, cst.Attribute)):
            assigns = self._assignments(expr, train)
            if not assigns or not self._every_path(assigns, train):
                return None
            first: Optional[Tuple[str, Any]] = None
            for assign in assigns:
                found = self._checkpoints_in(assign.value, key, path, train, depth + 1)
                if found is None:
                    return None
                if first is None or self.scope.order[id(assign)] < self.scope.order[id(first[1])]:
                    first = (found[0], assign)
            return first
        return None

    def _assignments(self, target: Any, before: Any) -> List[Any]:
        """The plain assignments (``x = ...``, ``self.x = ...``) of
        ``target`` in this function before ``before``; [] when something
        else binds it (an augmented assignment, a loop, a parameter)."""
        code = _code(self.ctx, target)
        out = []
        for node in _walk_nodes(self.scope.scope.body):
            if id(node) not in self.scope.order:
                continue
            if isinstance(node, cst.Assign):
                if any(_code(self.ctx, t.target) == code for t in node.targets):
                    if len(node.targets) != 1 or not self.scope.before(node, before):
                        return []
                    out.append(node)
            elif isinstance(node, (cst.AugAssign, cst.AnnAssign, cst.For, cst.NamedExpr)) and _code(self.ctx, node.target) == code:
                return []
            elif isinstance(node, cst.Param) and isinstance(target, cst.Name) and node.name.value == target.value:
                return []
        return out

    def _every_path(self, assigns: List[Any], train: Any) -> bool:
        """One of ``assigns`` runs on every path to ``train``: one on a
        straight line before it, or one in each branch of an ``if``/``else``
        (no ``elif``) that is on a straight line before it."""
        if any(self.scope.straight_before(a, train) for a in assigns):
            return True
        for assign in assigns:
            branch = None
            for up in self.scope.ancestors(assign):
                if isinstance(up, cst.If):
                    branch = up
                    break
            if branch is None or not isinstance(branch.orelse, cst.Else) or not self.scope.straight_before(branch, train):
                continue
            in_body = any(self._top_level(a, branch.body) for a in assigns)
            in_else = any(self._top_level(a, branch.orelse.body) for a in assigns)
            if in_body and in_else:
                return True
        return False

    def _top_level(self, node: Any, block: Any) -> bool:
        """``node`` is a statement of ``block`` (not nested deeper)."""
        for up in self.scope.ancestors(node):
            if up is block:
                return True
            if type(up).__name__ not in ("SimpleStatementLine", "IndentedBlock"):
                return False
        return False

    def _parts_untouched(self, parts: Set[str], start: Any) -> bool:
        """No part of the path (a name, an attribute chain) is assigned
        between ``start`` and the load."""
        first, last = self.scope.order[id(start)], self.scope.order[id(self.load)]
        for node in _walk_nodes(self.scope.scope.body):
            order = self.scope.order.get(id(node))
            if order is None or not first < order < last:
                continue
            targets: List[Any] = []
            if isinstance(node, cst.Assign):
                targets = [t.target for t in node.targets]
            elif isinstance(node, (cst.AugAssign, cst.AnnAssign, cst.For, cst.NamedExpr)):
                targets = [node.target]
            for target in targets:
                for inner in _walk_nodes(target):
                    if isinstance(inner, (cst.Name, cst.Attribute)) and _code(self.ctx, inner) in parts:
                        if isinstance(inner, cst.Name) and isinstance(self.scope.parent.get(id(inner)), cst.Attribute) and inner is not target:
                            continue  # `self` in `self.other = ...`
                        return False
        return True

    def method_checkpoint(self, class_name: str, method: str, call: Any, path: Any) -> Optional[str]:
        """A method of the class (set by the rule) whose every ``return``
        holds a checkpoint callback made with ``path`` once its parameters
        are the call's arguments: the callback's class name, or None."""
        return None

    def _callee_last(self, call: Any) -> Optional[str]:
        func = call.func
        if isinstance(func, cst.Name):
            return func.value
        if isinstance(func, cst.Attribute):
            return func.attr.value
        return None

    def _same_place(self, expr: Any, keys: Set[Any]) -> bool:
        """``expr`` is the load's path or folder, or a file pattern in that
        folder (``join(d, "{epoch}.keras")`` for ``join(d, "2.keras")``)."""
        expr = self._unwrap_path(expr)
        if self.path_key(expr) in keys:
            return True
        base = self._path_base(expr)
        return base is not None and self.local_path(base) == "temp" and self.path_key(base) in keys

    def _trained_with(self, callback: Any) -> Optional[Tuple[str, Any]]:
        """The ``fit``/``train`` call, before the load, that is handed the
        callback ``callback`` (a call): in place, or through the one name its
        statement binds (``cb = ...``, ``cbks = [...]``), also through a
        ``Trainer(callbacks=[cb])`` bound to a name whose ``fit`` runs."""
        holders = self._holder_names(callback)
        start = self.scope.order.get(id(callback), -1)
        for _round in range(2):
            for call in self.scope.calls:
                order = self.scope.order.get(id(call), -1)
                if call is callback or not self.scope.before(call, self.load):
                    continue
                in_place = any(n is callback for a in call.args for n in _walk_nodes(a.value))
                if order <= start and not in_place:
                    continue
                inside = in_place or any(
                    isinstance(n, cst.Name) and n.value in holders for a in call.args for n in _walk_nodes(a.value)
                )
                func = call.func
                if isinstance(func, cst.Attribute) and func.attr.value in _TRAIN_METHODS:
                    receiver = func.value
                    if inside or (isinstance(receiver, cst.Name) and receiver.value in holders):
                        return f"{_code(self.ctx, func)}(...)", call
                elif inside and _round == 0:
                    # `trainer = Trainer(callbacks=[cb])`: its fit runs the callback
                    more = self._holder_names(call)
                    if more:
                        holders = holders | more
        return None

    def _holder_names(self, node: Any) -> Set[str]:
        """The name the statement around ``node`` binds, when it binds one
        name, nothing rebinds it, and ``node`` is (inside) its value."""
        for up in self.scope.ancestors(node):
            if isinstance(up, cst.Call) and up is not node:
                return set()  # handed to a call in place
            if isinstance(up, cst.Assign):
                if len(up.targets) == 1 and isinstance(up.targets[0].target, cst.Name):
                    name = up.targets[0].target.value
                    if len(self.scope.bindings.get(name, ())) == 1:
                        return {name}
                return set()
            if isinstance(up, (cst.SimpleStatementLine, cst.IndentedBlock)):
                return set()
        return set()

    def _in_callee(self, root: Any, node: Any) -> bool:
        """``node`` is (part of) the function of a call inside ``root``
        (``os.path.join`` of ``os.path.join(d, name)``)."""
        for inner in _walk_nodes(root):
            if isinstance(inner, cst.Call) and any(n is node for n in _walk_nodes(inner.func)):
                return True
        return False

    def _untouched(self, writes: List[Any], key: Any) -> bool:
        """Nothing but ``writes`` (and opens) is handed the path ``key``
        between the first write and the load."""
        first = min(self.scope.order[id(w)] for w in writes)
        last = self.scope.order[id(self.load)]
        written = {id(w) for w in writes}
        for call in self.scope.calls:
            order = self.scope.order[id(call)]
            if not first < order < last or id(call) in written:
                continue
            for arg in call.args:
                if self.path_key(arg.value) == key and self.call_role(call, arg) == "other":
                    if self.opened_path(call)[0] is not None:
                        continue  # an open() for reading or for the write itself
                    return False
        return True

    def trainer_output(self, data: Any) -> Optional[str]:
        """In test code, the load reads a file in the folder that the
        project's training entry point was handed, by an output-folder
        keyword, before the load (``clf.fit(X, y, output_dir=tmp_path)`` …
        ``torch.load(tmp_path / "checkpoint_1.pth")``, or a file of
        ``sorted(folder.glob("checkpoint_*.pth"))``), the folder a fresh
        pytest/tempfile temporary one, handed to no other call before the
        load (a download or copy into it) but harmless ones. Returns the
        training call as shown, or None. Not a round trip: what the training
        wrote is not followed (a trainer could fetch a starting checkpoint
        into its output folder), so the rules report it at low."""
        if data is None or self.scope.is_module or not self.test_code():
            return None
        path = self._read_path(data)
        if path is None:
            return None
        if isinstance(path, cst.Name):
            found = self.scope.bindings.get(path.value)
            if not found or len(found) != 1 or found[0].kind != "assign" or not self.scope.before(found[0].node, self.load):
                return None
            path = self._unwrap_path(found[0].value)
        folder = self._path_base(path)
        if folder is None or self.local_path(folder) != "temp":
            return None
        key = self.path_key(folder)
        trainers = []
        for call in self.scope.calls:
            if not self.scope.before(call, self.load) or not _is_trainer(call.func) or any(a.star for a in call.args):
                continue
            outputs = [a for a in call.args if a.keyword is not None and a.keyword.value in _OUTPUT_KEYWORDS]
            if len(outputs) == 1 and self._key_or_none(outputs[0].value) == key:
                trainers.append((call, outputs[0]))
        if not trainers:
            return None
        # no other call before the load is handed the folder or a path in it
        # (`download(url, tmp_path / "checkpoint_2.pth")`, `shutil.copy(src, out)`)
        ours = {id(c) for c, _ in trainers}
        for other in self.scope.calls:
            if id(other) in ours or other is self.load or not self.scope.before(other, self.load):
                continue
            for arg in other.args:
                if self._in_folder(arg.value, key, 0) and self.call_role(other, arg) == "other":
                    if self.opened_path(other)[0] is not None and self._mode(self.ctx.arg(other, 1, "mode")) in ("r", "rb", "rt"):
                        continue  # an open() for reading
                    return None
        call, arg = trainers[-1]
        module = self.ctx.module
        return f"{module.code_for_node(call.func)}(..., {arg.keyword.value}={module.code_for_node(arg.value)})"

    def _in_folder(self, expr: Any, key: Any, depth: int) -> bool:
        """``expr`` is the folder ``key`` or a path built on it (``d / "x"``,
        ``join(d, "x")``, a name bound once to one)."""
        if expr is None or depth > 6:
            return False
        expr = self._unwrap_path(expr)
        if self._key_or_none(expr) == key:
            return True
        if isinstance(expr, cst.Name):
            found = self.scope.bindings.get(expr.value)
            if found and len(found) == 1 and found[0].kind == "assign":
                return self._in_folder(found[0].value, key, depth + 1)
            return False
        return self._in_folder(self._path_base(expr), key, depth + 1)

    def _sibling_written(self, path: Any) -> bool:
        """``path`` is one of the files this function writes by a name
        pattern into one directory: every worker writes
        ``join(d, f"part_{rank}.pkl")`` and one reads ``join(d, f"part_{i}.pkl")``
        back (a dump that runs before the load on a straight line, the same
        directory expression and the same file-name skeleton, whose fixed
        text is more than an extension)."""
        load_dir, load_name = self._dir_and_name(path)
        if load_dir is None:
            return False
        skeleton = _name_skeleton(load_name)
        if skeleton is None:
            return False
        key = self.path_key(load_dir)
        for call in self.scope.calls:
            if not self.scope.straight_before(call, self.load):
                continue
            dest = self.writes_to(call)
            if dest is None:
                continue
            write_dir, write_name = self._dir_and_name(dest)
            if write_dir is not None and self.path_key(write_dir) == key and _name_skeleton(write_name) == skeleton:
                return True
        return False

    def _dir_and_name(self, expr: Any) -> Tuple[Any, Any]:
        """(directory, file name) of ``os.path.join(d, name)`` / ``d / name``,
        through a name bound once; (None, None) otherwise."""
        expr = self._unwrap_path(expr)
        if isinstance(expr, cst.Name):
            found = self.bindings(expr.value)
            if not found or len(found) != 1 or found[0].kind != "assign":
                return None, None
            expr = self._unwrap_path(found[0].value)
        if isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, cst.Divide):
            return expr.left, expr.right
        if isinstance(expr, cst.Call) and len(expr.args) == 2 and not any(a.keyword or a.star for a in expr.args) and self.call_name(expr, ("os.path.join",)):
            return expr.args[0].value, expr.args[1].value
        return None, None

    def _unwrap_path(self, expr: Any) -> Any:
        """``expr`` without the wrappers that keep a path what it is
        (``str(...)``, ``Path(...)``, ``os.fspath(...)``)."""
        for _ in range(4):
            if isinstance(expr, cst.Call) and len(expr.args) == 1 and not expr.args[0].keyword and (
                self.call_name(expr, ("os.fspath", "pathlib.Path", "str", "Path"))
                or (isinstance(expr.func, cst.Name) and expr.func.value in ("str", "Path"))
            ):
                expr = expr.args[0].value
            else:
                break
        return expr

    def _path_base(self, expr: Any) -> Any:
        """The directory part of a path built from one: ``d / "x"``,
        ``os.path.join(d, "x")``, ``d.joinpath("x")``, ``f"{d}/x"``, inside
        ``str()``/``Path()``; None otherwise."""
        expr = self._unwrap_path(expr)
        if isinstance(expr, cst.Subscript):
            return self._glob_folder(expr)
        if isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, cst.Divide):
            return expr.left
        if isinstance(expr, cst.Call) and len(expr.args) >= 2 and self.call_name(expr, ("os.path.join",)):
            return expr.args[0].value
        if isinstance(expr, cst.Call) and isinstance(expr.func, cst.Attribute) and expr.func.attr.value == "joinpath":
            return expr.func.value
        if isinstance(expr, cst.FormattedString) and expr.parts and isinstance(expr.parts[0], cst.FormattedStringExpression):
            return expr.parts[0].expression
        return None

    def _glob_folder(self, expr: Any) -> Any:
        """The folder ``d`` of ``files[i]`` where ``files`` is bound once, in
        this function, to ``d.glob(pattern)`` / ``d.rglob(pattern)``, inside
        ``sorted(...)`` or ``list(...)`` (one argument, no ``key=``): an
        element is a file in that folder. None otherwise."""
        if not isinstance(expr, cst.Subscript) or not isinstance(expr.value, cst.Name) or self.scope.is_module:
            return None
        found = self.scope.bindings.get(expr.value.value)
        if not found or len(found) != 1 or found[0].kind != "assign":
            return None
        value = found[0].value
        if (
            isinstance(value, cst.Call)
            and isinstance(value.func, cst.Name)
            and value.func.value in ("sorted", "list")
            and value.func.value not in self.scope.bindings
            and len(value.args) == 1
            and not value.args[0].keyword
            and not value.args[0].star
        ):
            value = value.args[0].value
        if (
            isinstance(value, cst.Call)
            and isinstance(value.func, cst.Attribute)
            and value.func.attr.value in ("glob", "rglob")
            and not self.ctx.qualnames(value.func)
        ):
            return value.func.value
        return None

    def fresh_temp(self, path: Any) -> bool:
        """``path`` is in a temporary location that nothing but known
        serializers touched before the load (a ``shelve.open`` that creates
        the shelf)."""
        if self.local_path(path) != "temp":
            return False
        key = self.path_key(path)
        for call in self.scope.calls:
            if not self.scope.before(call, self.load):
                continue
            for arg in call.args:
                if self.path_key(arg.value) == key and self.call_role(call, arg) == "other" and self.opened_path(call)[0] is None:
                    return False
        return True

    def _key_or_none(self, expr: Any) -> Any:
        return self.path_key(expr) if expr is not None else None

    # -- literal data -----------------------------------------------------------------
    def literal_source(self, data: Any) -> bool:
        """The data is a literal written in the code (``pickle.loads(b"...")``,
        ``jsonpickle.decode('{"a": 1}')``, a module constant holding one): its
        bytes are fixed by the project, not handed in at run time. Paths do
        not count (a literal path may name a downloaded file)."""
        if isinstance(data, cst.Name):
            params = self.parametrized_literals(data.value)
            if params is not None:
                return bool(params)
            bound = self.ctx.constants.values.get(data.value)
            local = not self.scope.is_module and data.value in self.scope.bindings
            if bound is None or local or data.value in self.ctx.imports.aliases:
                return False
            data = bound
        data = _encoded_literal(data)
        if not isinstance(data, (cst.SimpleString, cst.ConcatenatedString)):
            return False
        return bool(self.ctx.value(data))

    def parametrized_literals(self, name: str) -> Optional[List[Any]]:
        """The values of ``name``, a parameter of a test function that
        nothing rebinds, when a ``pytest.mark.parametrize`` decorator of that
        function gives it only bytes or string literals (in place, or module
        constants holding one; ``pytest.param(v, ...)`` too), not
        ``indirect``: the test's data is then fixed in the code, like a
        literal. None otherwise."""
        function = self.scope.scope
        if self.scope.is_module or not isinstance(function, cst.FunctionDef):
            return None
        if not function.name.value.startswith("test"):
            return None
        found = self.scope.bindings.get(name, ())
        if not found or any(b.kind != "param" for b in found):
            return None
        for decorator in function.decorators:
            call = decorator.decorator
            if not isinstance(call, cst.Call) or "pytest.mark.parametrize" not in self.ctx.qualnames(call.func):
                continue
            if any(a.keyword is not None and a.keyword.value == "indirect" for a in call.args):
                return None
            names_expr = self.ctx.arg(call, 0, "argnames")
            if isinstance(names_expr, (cst.Tuple, cst.List)):
                names = [self.ctx.value(e.value) if isinstance(e, cst.Element) else None for e in names_expr.elements]
                if not all(isinstance(n, str) for n in names):
                    return None
            else:
                names = self.ctx.value(names_expr)
            if isinstance(names, str):
                names = [n.strip() for n in names.split(",") if n.strip()]
            if not isinstance(names, (list, tuple)) or name not in names:
                continue
            position = list(names).index(name)
            rows = self.ctx.arg(call, 1, "argvalues")
            if not isinstance(rows, (cst.List, cst.Tuple)) or not rows.elements:
                return None
            values = []
            for element in rows.elements:
                if not isinstance(element, cst.Element):
                    return None
                row = element.value
                if isinstance(row, cst.Call) and "pytest.param" in self.ctx.qualnames(row.func):
                    parts = [a.value for a in row.args if a.keyword is None and not a.star]
                elif len(names) == 1:
                    parts = [row]
                elif isinstance(row, (cst.Tuple, cst.List)) and all(isinstance(e, cst.Element) for e in row.elements):
                    parts = [e.value for e in row.elements]
                else:
                    return None
                if len(parts) != len(names):
                    return None
                value = parts[position]
                if isinstance(value, cst.Name) and value.value not in self.ctx.imports.aliases:
                    value = self.ctx.constants.values.get(value.value)
                value = _encoded_literal(value) if value is not None else None
                if not isinstance(value, (cst.SimpleString, cst.ConcatenatedString)):
                    return None
                values.append(self.ctx.value(value))
            return values if all(isinstance(v, (str, bytes)) and v for v in values) else None
        return None

    def allowlisted(self, data: Any) -> Optional[Tuple[Any, ...]]:
        """The values ``data`` (a name) can hold at the load when the load
        runs only inside ``if data in ALLOWED:``, or after a guard clause
        ``if data not in ALLOWED: raise …`` (``return``, ``continue``,
        ``break``) earlier in an enclosing block, ``ALLOWED`` a literal list,
        tuple or set of strings or bytes (in place, or a name bound once to
        one): the payload is one of those literals. None otherwise, or when
        the name is rebound between the guard and the load."""
        if not isinstance(data, cst.Name):
            return None
        up = self.scope.ancestors(self.load)
        up_ids = {id(n) for n in up}
        for i, node in enumerate(up):
            guards: List[Tuple[Any, Any]] = []  # (the if, the collection)
            if isinstance(node, cst.If) and id(node.body) in up_ids:
                guards.append((node, _membership(node.test, data.value, cst.In)))
            elif isinstance(node, (cst.IndentedBlock, cst.Module)):
                # a guard clause earlier in the block: `if x not in ALLOWED: raise …`
                child = up[i - 1] if i else self.load
                for statement in node.body:
                    if statement is child:
                        break
                    if isinstance(statement, cst.If) and statement.orelse is None and _exits(statement.body):
                        guards.append((statement, _membership(statement.test, data.value, cst.NotIn)))
            for guard, collection in reversed(guards):
                if collection is None:
                    continue
                if any(id(b.node) != id(guard) and self.scope.before(guard, b.node) and self.scope.before(b.node, self.load) for b in self.scope.bindings.get(data.value, ())):
                    return None
                values = self._literal_collection(collection)
                if values is not None:
                    return values
        return None

    def _literal_collection(self, expr: Any) -> Optional[Tuple[Any, ...]]:
        if isinstance(expr, cst.Name):
            bound = self.bindings(expr.value)
            if bound is not None and len(bound) == 1 and bound[0].kind == "assign":
                expr = bound[0].value
            elif bound is None or not bound:
                expr = self.ctx.constants.values.get(expr.value) if expr.value not in self.ctx.imports.aliases else None
            else:
                return None
        if not isinstance(expr, (cst.List, cst.Tuple, cst.Set)) or not expr.elements:
            return None
        values = []
        for element in expr.elements:
            if not isinstance(element, cst.Element) or not isinstance(element.value, (cst.SimpleString, cst.ConcatenatedString)):
                return None
            value = self.ctx.value(element.value)
            if not isinstance(value, (str, bytes)):
                return None
            values.append(value)
        return tuple(values)

    # -- the data argument ---------------------------------------------------------
    def data_is_ours(self, data: Any) -> bool:
        if data is None:
            return False
        if self.produced(data):
            return True
        if self.handle_written(data):
            return True
        # a file handle: open(P, "rb") in place, around the load, or bound once
        source = data if isinstance(data, cst.Call) else self.handle_source(data)
        path, mode = self.opened_path(source) if source is not None else (None, None)
        if path is not None:
            return mode is not None and "r" in mode and self.file_written(path)
        # bytes read from a path: P.read_bytes(), open(P).read(), f.read()
        if isinstance(data, cst.Call) and isinstance(data.func, cst.Attribute) and data.func.attr.value in ("read_bytes", "read_text", "read"):
            receiver = data.func.value
            if data.func.attr.value == "read":
                return self.data_is_ours(receiver)
            return self.file_written(receiver)
        # a path handed to a loader that opens it itself
        return self.file_written(data)


#: pickle opcodes that import or call something; a pickle without them
#: builds only numbers, strings, bytes and containers of them
_CODE_OPCODES = frozenset(
    {"GLOBAL", "STACK_GLOBAL", "INST", "OBJ", "REDUCE", "NEWOBJ", "NEWOBJ_EX", "BUILD", "EXT1", "EXT2", "EXT4", "PERSID", "BINPERSID"}
)


def _chain_root(expr: Any) -> Optional[str]:
    """The name at the root of an attribute/subscript/method-call chain
    (``api.saved.read()`` -> ``api``), or None."""
    for _ in range(64):
        if isinstance(expr, cst.Attribute):
            expr = expr.value
        elif isinstance(expr, cst.Subscript):
            expr = expr.value
        elif isinstance(expr, cst.Call) and isinstance(expr.func, cst.Attribute):
            expr = expr.func  # `api.saved.read()`: the method's receiver
        else:
            break
    return expr.value if isinstance(expr, cst.Name) else None


#: factory arguments that make a double forward to real objects or code
_FORWARDING = frozenset({"wraps", "new", "new_callable", "side_effect"})


def _factory_name(ctx: Any, call: Any, bindings: Optional[Dict[str, List["Binding"]]] = None) -> Optional[str]:
    """The factory ``call`` makes a double with, without its module
    (``MagicMock``, ``patch``, ``patch.object``), or None when it is not one
    (:func:`is_double_factory`)."""
    found = ctx.call_to(call, MOCK_FACTORIES)
    if found:
        return found.split(".mock.", 1)[1] if found.startswith("unittest.mock.") else found.split(".", 1)[1]
    dotted = _dotted_name(call.func)
    if dotted is None or not dotted.startswith(_MOCKER + "."):
        return None
    name = dotted[len(_MOCKER) + 1:]
    if name not in _MOCKER_ATTRS:
        return None
    found_bindings = (bindings or {}).get(_MOCKER)
    return name if found_bindings and all(b.kind == "param" for b in found_bindings) else None


def plain_double(ctx: Any, call: Any, bindings: Optional[Dict[str, List["Binding"]]] = None) -> bool:
    """``call`` makes a double (:func:`is_double_factory`) that forwards
    nothing: no ``wraps=``/``new=``/``new_callable=``/``side_effect=``, no
    ``new`` given by position (``patch("x", obj)``, ``patch.object(o, "a",
    obj)``), no ``patch.multiple``, no ``*args``/``**kwargs``."""
    name = _factory_name(ctx, call, bindings)
    if name is None:
        return False
    positional = 0
    for arg in call.args:
        if arg.star:
            return False
        if arg.keyword is None:
            positional += 1
        elif arg.keyword.value in _FORWARDING:
            return False
    if name == "patch.multiple":
        return False
    if name == "patch.object":
        return positional <= 2
    if name == "patch":
        return positional <= 1
    return True


def _configured(function: Any, name: str) -> bool:
    """Something in ``function`` sets an attribute of ``name``
    (``m.read.return_value = blob``, ``m.x += 1``), calls its
    ``configure_mock``, or hands it to ``setattr``: the double may then
    hold data the test chose, which is not followed."""
    for node in _walk_nodes(function):
        targets: List[Any] = []
        if isinstance(node, cst.Assign):
            targets = [t.target for t in node.targets]
        elif isinstance(node, (cst.AugAssign, cst.AnnAssign)):
            targets = [node.target]
        elif isinstance(node, cst.Call):
            func = node.func
            if isinstance(func, cst.Attribute) and func.attr.value == "configure_mock" and _chain_root(func.value) == name:
                return True
            if isinstance(func, cst.Name) and func.value == "setattr" and node.args and _chain_root(node.args[0].value) == name:
                return True
        for target in targets:
            if isinstance(target, (cst.Attribute, cst.Subscript)) and _chain_root(target) == name:
                return True
    return False


def _dotted_name(expr: Any) -> Optional[str]:
    parts: List[str] = []
    while isinstance(expr, cst.Attribute):
        parts.append(expr.attr.value)
        expr = expr.value
    if not isinstance(expr, cst.Name):
        return None
    parts.append(expr.value)
    return ".".join(reversed(parts))


def is_double_factory(ctx: Any, call: Any, bindings: Optional[Dict[str, List["Binding"]]] = None) -> bool:
    """``call`` makes a test double: a unittest.mock factory (any alias), or
    the same factory on pytest-mock's ``mocker`` fixture when ``mocker`` is a
    parameter (``bindings`` of the calling scope)."""
    return _factory_name(ctx, call, bindings) is not None


def _class_method(tree: Any, class_name: str, method: str) -> Tuple[Optional[Any], bool]:
    """(the ``def`` of ``class_name.method``, whether the one top-level class
    ``class_name`` of ``tree`` was found); (None, True) when the class does
    not define it (it may inherit it), (None, False) when the class or the
    method cannot be read as one plain ``def``."""
    classes = [n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == class_name]
    if len(classes) != 1:
        return None, False
    defs = [n for n in classes[0].body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.name == method]
    assigned = any(
        isinstance(n, (ast.Assign, ast.AnnAssign)) and any(isinstance(t, ast.Name) and t.id == method for t in (n.targets if isinstance(n, ast.Assign) else [n.target]))
        for n in classes[0].body
    )
    if assigned or len(defs) > 1:
        return None, False
    if not defs:
        return None, True
    if defs[0].decorator_list or isinstance(defs[0], ast.AsyncFunctionDef):
        return None, False
    return defs[0], True


def _method_checkpoint(function: Any, path_code: str, args: Optional[List[Tuple[Optional[str], str]]]) -> Optional[str]:
    """The checkpoint callback class that every ``return`` of the method
    ``function`` holds, made with ``path_code`` once the method's parameters
    are the call's ``args`` ((keyword or None, code) pairs); None otherwise."""
    if args is None or function is None:
        return None
    params = [a.arg for a in (*function.args.posonlyargs, *function.args.args)][1:] + [a.arg for a in function.args.kwonlyargs]
    try:
        given: Dict[str, ast.expr] = {}
        positional = [code for keyword, code in args if keyword is None]
        for name, code in zip(params, positional):
            given[name] = ast.parse(code.strip(), mode="eval").body
        for keyword, code in args:
            if keyword is not None:
                given[keyword] = ast.parse(code.strip(), mode="eval").body
        wanted = ast.unparse(_unwrap_ast(ast.parse(path_code.strip(), mode="eval").body))
    except (SyntaxError, ValueError, RecursionError):
        return None
    if set(given) - set(params):
        return None
    assigned: Dict[str, List[ast.expr]] = {}
    for node in ast.walk(function):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    assigned.setdefault(target.id, []).append(node.value)
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign, ast.For, ast.NamedExpr)) and isinstance(node.target, ast.Name):
            assigned.setdefault(node.target.id, []).append(None)  # type: ignore[arg-type]
    if any(name in assigned for name in params):
        return None  # a parameter rebound: its value is no longer the argument

    class _Substitute(ast.NodeTransformer):
        def visit_Name(self, node: ast.Name) -> Any:
            return given.get(node.id, node)

    def checkpoint(expr: Any, depth: int = 0) -> Optional[str]:
        if depth > 6 or expr is None:
            return None
        if isinstance(expr, (ast.List, ast.Tuple)):
            return next((c for c in (checkpoint(e, depth + 1) for e in expr.elts) if c), None)
        if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add):
            return checkpoint(expr.left, depth + 1) or checkpoint(expr.right, depth + 1)
        if isinstance(expr, ast.Name):
            values = assigned.get(expr.id, [])
            return checkpoint(values[0], depth + 1) if len(values) == 1 else None
        if isinstance(expr, ast.Call):
            func = expr.func
            last = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None
            if last is None or not _CHECKPOINT_CLASS.match(last):
                return None
            for value in [*expr.args, *(k.value for k in expr.keywords)]:
                if isinstance(value, ast.Starred):
                    continue
                try:
                    built = ast.unparse(_unwrap_ast(_Substitute().visit(ast.parse(ast.unparse(value), mode="eval").body)))
                except (SyntaxError, ValueError, RecursionError):
                    continue
                if built == wanted:
                    return last
        return None

    returns = [n for n in ast.walk(function) if isinstance(n, ast.Return)]
    if not returns or any(isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)) for n in ast.walk(function) if n is not function):
        return None
    found = [checkpoint(r.value) for r in returns]
    return found[0] if found and all(found) else None


def _unwrap_ast(expr: Any) -> Any:
    """``str(p)``/``Path(p)``/``os.fspath(p)`` -> ``p``."""
    for _ in range(4):
        if isinstance(expr, ast.Call) and len(expr.args) == 1 and not expr.keywords and ast.unparse(expr.func) in (
            "str", "Path", "os.fspath", "pathlib.Path"
        ):
            expr = expr.args[0]
        else:
            break
    return expr


@lru_cache(maxsize=4)
def _tree(source: str) -> Optional[Any]:
    try:
        return ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def _ast_dotted(expr: Any) -> Optional[str]:
    parts: List[str] = []
    while isinstance(expr, ast.Attribute):
        parts.append(expr.attr)
        expr = expr.value
    if not isinstance(expr, ast.Name):
        return None
    parts.append(expr.id)
    return ".".join(reversed(parts))


def _ast_plain_double(ctx: Any, call: Any, params: Set[str]) -> bool:
    """:func:`plain_double` on an ``ast`` call of a fixture's body (read from
    the whole source, so the fast path and the full parse agree)."""
    if not isinstance(call, ast.Call):
        return False
    dotted = _ast_dotted(call.func)
    if dotted is None:
        return False
    head, _, rest = dotted.partition(".")
    if head == _MOCKER:
        if head not in params or rest not in _MOCKER_ATTRS:
            return False
        name = rest
    else:
        qualified = {q + ("." + rest if rest else "") for q in ctx.imports.aliases.get(head, ())}
        found = sorted(q for q in qualified if q in MOCK_FACTORIES)
        if not found:
            return False
        name = found[0].split(".mock.", 1)[-1] if ".mock." in found[0] else found[0].split(".", 1)[-1]
    if any(isinstance(a, ast.Starred) for a in call.args) or any(k.arg is None or k.arg in _FORWARDING for k in call.keywords):
        return False
    if name in ("patch.object",):
        return len(call.args) <= 2
    if name == "patch.multiple":
        return False
    if name == "patch":
        return len(call.args) <= 1
    return True


def _ast_configured(function: Any, name: str) -> bool:
    """:func:`_configured` on an ``ast`` function."""
    def root(expr: Any) -> Optional[str]:
        while True:
            if isinstance(expr, (ast.Attribute, ast.Subscript)):
                expr = expr.value
            elif isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute):
                expr = expr.func
            else:
                return expr.id if isinstance(expr, ast.Name) else None

    for node in ast.walk(function):
        targets: List[Any] = []
        if isinstance(node, ast.Assign):
            targets = list(node.targets)
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            targets = [node.target]
        elif isinstance(node, ast.Call):
            if isinstance(node.func, ast.Attribute) and node.func.attr == "configure_mock" and root(node.func.value) == name:
                return True
            if isinstance(node.func, ast.Name) and node.func.id == "setattr" and node.args and root(node.args[0]) == name:
                return True
        if any(isinstance(t, (ast.Attribute, ast.Subscript)) and root(t) == name for t in targets):
            return True
    return False


def _ast_is_fixture(decorator: Any) -> bool:
    if isinstance(decorator, ast.Call):
        decorator = decorator.func
    return _ast_dotted(decorator) in ("pytest.fixture", "fixture")


def fixture_returns_double(ctx: Any, stack: List[Any], name: str, source: Optional[str]) -> bool:
    """A pytest fixture named ``name`` in this file (at module level, or in
    the enclosing test class), read with ``ast`` from the whole ``source``,
    returns or yields a plain test double (:func:`plain_double`): a factory
    call, or a name the fixture binds once, to one (``m = MagicMock()``,
    ``with patch(...) as m``) and never configures; every
    ``return``/``yield`` gives that. A fixture in another file (conftest)
    cannot be read, so it is not followed."""
    tree = _tree(source) if isinstance(source, str) else None
    if tree is None:
        return False
    fixture = _same_fixture(tree, stack, name)
    if fixture is None:
        return False
    args = fixture.args
    params = {a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)}
    outs: List[Any] = []
    binds: Dict[str, List[Any]] = {}
    for node in ast.walk(fixture):
        if node is not fixture and isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            return False  # a nested body: not followed
        if isinstance(node, (ast.Return, ast.Yield)):
            outs.append(node.value)
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                for sub in ast.walk(target):
                    if isinstance(sub, ast.Name):
                        binds.setdefault(sub.id, []).append(node.value if target is sub else None)
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign, ast.For, ast.NamedExpr)):
            target = node.target
            for sub in ast.walk(target):
                if isinstance(sub, ast.Name):
                    binds.setdefault(sub.id, []).append(None)
        elif isinstance(node, ast.withitem) and node.optional_vars is not None:
            for sub in ast.walk(node.optional_vars):
                if isinstance(sub, ast.Name):
                    binds.setdefault(sub.id, []).append(node.context_expr if node.optional_vars is sub else None)
    if not outs:
        return False
    for value in outs:
        if _ast_plain_double(ctx, value, params):
            continue
        if isinstance(value, ast.Name) and value.id not in params:
            found = binds.get(value.id, [])
            if len(found) == 1 and _ast_plain_double(ctx, found[0], params) and not _ast_configured(fixture, value.id):
                continue
        return False
    return True


def _module_class(tree: Any, name: str) -> Optional[Any]:
    """The one module-level class ``name`` of ``tree`` that nothing else at
    module level rebinds, or None."""
    found = [n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == name]
    if len(found) != 1:
        return None
    for statement in tree.body:
        if statement is found[0] or isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            if statement is not found[0] and statement.name == name:
                return None
            continue
        for node in ast.walk(statement):
            if isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, (ast.Store, ast.Del)):
                return None
            if isinstance(node, ast.alias) and (node.asname or node.name.split(".")[0]) == name:
                return None
    return found[0]


def fake_records(cls: Any, attr: str) -> Optional[int]:
    """The line of the first recording assignment when ``cls`` (an ``ast``
    class of the test file) is a hand-written fake whose attribute ``attr``
    holds only what its methods are handed: no base class (or ``object``),
    no decorator, no ``__getattr__``/``__setattr__``/``__getattribute__``,
    no ``setattr`` call; every assignment of ``self.<attr>`` is a constant
    in ``__init__`` (or the class body), and elsewhere a constant, a
    parameter of that method, or ``open(<parameter>, <constant mode>)``; at
    least one such recording. None otherwise."""
    if cls.decorator_list or cls.keywords or any(not (isinstance(b, ast.Name) and b.id == "object") for b in cls.bases):
        return None
    recorded: List[int] = []
    for item in cls.body:
        if isinstance(item, (ast.Assign, ast.AnnAssign)):
            targets = item.targets if isinstance(item, ast.Assign) else [item.target]
            if any(isinstance(t, ast.Name) and t.id == attr for t in targets) and not isinstance(item.value, ast.Constant):
                return None
            continue
        if not isinstance(item, ast.FunctionDef):
            if isinstance(item, (ast.AsyncFunctionDef, ast.ClassDef)):
                return None
            continue
        if item.name in ("__getattr__", "__setattr__", "__getattribute__", "__set_name__"):
            return None
        args = item.args
        params = [a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)]
        if not params or any(isinstance(d, ast.Name) and d.id in ("staticmethod", "classmethod") for d in item.decorator_list):
            me = None
        else:
            me = params[0]
        others = set(params[1:]) if me else set(params)
        for node in ast.walk(item):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "setattr":
                return None
            targets = []
            value = None
            if isinstance(node, ast.Assign):
                targets, value = node.targets, node.value
            elif isinstance(node, (ast.AnnAssign, ast.AugAssign)):
                targets, value = [node.target], (node.value if isinstance(node, ast.AnnAssign) else None)
            for target in targets:
                for sub in ast.walk(target):
                    if not (isinstance(sub, ast.Attribute) and sub.attr == attr):
                        continue
                    if not (me and isinstance(sub.value, ast.Name) and sub.value.id == me) or sub is not target:
                        return None  # another object's attribute, or a part of a target list
                    if isinstance(value, ast.Constant):
                        continue
                    if item.name == "__init__" or isinstance(node, ast.AugAssign):
                        return None
                    if isinstance(value, ast.Name) and value.id in others:
                        recorded.append(node.lineno)
                        continue
                    if (isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "open"
                            and value.args and isinstance(value.args[0], ast.Name) and value.args[0].id in others
                            and all(isinstance(a, ast.Constant) for a in value.args[1:]) and not value.keywords):
                        recorded.append(node.lineno)
                        continue
                    return None
    return min(recorded) if recorded else None


def _ast_fake_instance(tree: Any, value: Any) -> Optional[Any]:
    """``C(...)`` with constant arguments, ``C`` a module-level class of
    ``tree``: the class, or None."""
    if not (isinstance(value, ast.Call) and isinstance(value.func, ast.Name)):
        return None
    if any(not isinstance(a, ast.Constant) for a in value.args) or any(k.arg is None or not isinstance(k.value, ast.Constant) for k in value.keywords):
        return None
    return _module_class(tree, value.func.id)


def fixture_returns_fake(stack: List[Any], name: str, source: Optional[str]) -> Optional[Any]:
    """The ``ast`` class when the same-file pytest fixture ``name`` returns
    or yields one instance of a module-level class of the file, made with
    constant arguments (directly, or through a name it binds once and
    hands nothing else); None otherwise."""
    tree = _tree(source) if isinstance(source, str) else None
    if tree is None:
        return None
    fixture = _same_fixture(tree, stack, name)
    if fixture is None:
        return None
    outs = []
    for node in ast.walk(fixture):
        if node is not fixture and isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            return None
        if isinstance(node, (ast.Return, ast.Yield)):
            outs.append(node.value)
    if len(outs) != 1 or outs[0] is None:
        return None
    value = outs[0]
    if isinstance(value, ast.Name):
        # bound once, then only returned; what a `yield` fixture does after
        # the yield (`api.saved.close()`) runs after the test
        out_at = next((i for i, st in enumerate(fixture.body) if any(n is value for n in ast.walk(st))), None)
        if out_at is None:
            return None
        before = fixture.body[: out_at + 1]
        uses = [n for st in before for n in ast.walk(st) if isinstance(n, ast.Name) and n.id == value.id]
        binds = [st for st in before if isinstance(st, ast.Assign) and len(st.targets) == 1 and isinstance(st.targets[0], ast.Name) and st.targets[0].id == value.id]
        later_binds = [n for st in fixture.body[out_at + 1:] for n in ast.walk(st) if isinstance(n, ast.Name) and n.id == value.id and isinstance(n.ctx, ast.Store)]
        if len(binds) != 1 or len(uses) != 2 or later_binds:
            return None
        value = binds[0].value
    return _ast_fake_instance(tree, value)


def _same_fixture(tree: Any, stack: List[Any], name: str) -> Optional[Any]:
    """The one pytest fixture named ``name`` at module level or in the
    enclosing test class (``ast``), or None."""
    places: List[Any] = [tree.body]
    classes = [n for n in stack if isinstance(n, cst.ClassDef)]
    if classes:
        wanted = classes[-1].name.value
        places = [n.body for n in tree.body if isinstance(n, ast.ClassDef) and n.name == wanted] + places
    candidates = [
        node for body in places for node in body
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == name and any(_ast_is_fixture(d) for d in node.decorator_list)
    ]
    return candidates[0] if len(candidates) == 1 else None


def _ast_writer(ctx: Any, call: Any) -> Optional[Tuple[str, Any]]:
    """(qualified writer, destination expression) of an ``ast`` call of a
    serializer in :data:`WRITERS`, or None."""
    if not isinstance(call, ast.Call):
        return None
    dotted = _ast_dotted(call.func)
    if dotted is None:
        return None
    head, _, rest = dotted.partition(".")
    for qualified in sorted(ctx.imports.aliases.get(head, ())):
        full = qualified + ("." + rest if rest else "")
        if full in WRITERS:
            pos, keyword = WRITERS[full]
            for kw in call.keywords:
                if kw.arg == keyword:
                    return full, kw.value
            if any(isinstance(a, ast.Starred) for a in call.args[: pos + 1]):
                return None
            return (full, call.args[pos]) if len(call.args) > pos else None
    return None


def _ast_opens_for_write(call: Any, name: str) -> bool:
    """``open(name, "wb")`` (a literal write mode) in ``ast``."""
    if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == "open"):
        return False
    if not call.args or not isinstance(call.args[0], ast.Name) or call.args[0].id != name:
        return False
    mode = call.args[1] if len(call.args) > 1 else next((k.value for k in call.keywords if k.arg == "mode"), None)
    return isinstance(mode, ast.Constant) and isinstance(mode.value, str) and "w" in mode.value


def fixture_writes(ctx: Any, stack: List[Any], name: str, source: Optional[str]) -> Optional[Tuple[str, int]]:
    """(writer, line) when the same-file pytest fixture ``name`` returns (or
    yields) a path it has just written with a serializer, read with ``ast``
    from the whole ``source``: the fixture's only ``return``/``yield`` is its
    last top-level statement and gives a name ``P`` bound once, by a
    top-level assignment; a top-level statement before it writes ``P``
    (``torch.save(x, P)``, ``joblib.dump(x, P)``, ``pickle.dump(x,
    open(P, "wb"))``, or ``with open(P, "wb") as f:`` around a writer into
    ``f``), and no statement between the write and the return mentions
    ``P``. None otherwise (an early ``return`` of a file kept in the
    repository, a path handed to another call, a conftest fixture)."""
    tree = _tree(source) if isinstance(source, str) else None
    if tree is None:
        return None
    fixture = _same_fixture(tree, stack, name)
    if fixture is None or not fixture.body:
        return None
    outs = [n for n in ast.walk(fixture) if isinstance(n, (ast.Return, ast.Yield, ast.YieldFrom))]
    if any(n is not fixture and isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)) for n in ast.walk(fixture)):
        return None
    last = fixture.body[-1]
    value = last.value if isinstance(last, ast.Return) else (last.value.value if isinstance(last, ast.Expr) and isinstance(last.value, ast.Yield) else None)
    if len(outs) != 1 or not isinstance(value, ast.Name):
        return None
    path = value.id
    binds = [
        n for n in ast.walk(fixture)
        if isinstance(n, ast.Name) and n.id == path and isinstance(n.ctx, (ast.Store, ast.Del))
    ]
    assigns = [st for st in fixture.body if isinstance(st, ast.Assign) and len(st.targets) == 1 and isinstance(st.targets[0], ast.Name) and st.targets[0].id == path]
    if len(binds) != 1 or len(assigns) != 1:
        return None
    body = fixture.body[:-1]
    for index in range(len(body) - 1, -1, -1):
        statement = body[index]
        found = _statement_writes(ctx, statement, path)
        if found is not None:
            later = body[index + 1:]
            if any(isinstance(n, ast.Name) and n.id == path for st in later for n in ast.walk(st)):
                return None
            if fixture.body.index(assigns[0]) > index:
                return None
            return found, statement.lineno
    return None


def _statement_writes(ctx: Any, statement: Any, path: str) -> Optional[str]:
    """The writer when ``statement`` writes the file ``path`` names."""
    if isinstance(statement, ast.Expr):
        found = _ast_writer(ctx, statement.value)
        if found is not None:
            writer, dest = found
            if (isinstance(dest, ast.Name) and dest.id == path) or _ast_opens_for_write(dest, path):
                return writer
        return None
    if isinstance(statement, ast.With) and len(statement.items) == 1:
        item = statement.items[0]
        if not _ast_opens_for_write(item.context_expr, path) or not isinstance(item.optional_vars, ast.Name):
            return None
        handle = item.optional_vars.id
        for inner in statement.body:
            if isinstance(inner, ast.Expr):
                found = _ast_writer(ctx, inner.value)
                if found is not None and isinstance(found[1], ast.Name) and found[1].id == handle:
                    return found[0]
    return None


def _ancestors_in(root: Any, target: Any) -> Optional[List[Any]]:
    """The nodes from ``root`` down to ``target``'s parent (innermost last),
    or None when ``target`` is not under ``root``."""
    stack: List[Tuple[Any, int]] = [(root, 0)]
    path: List[Any] = []
    while stack:
        node, depth = stack.pop()
        del path[depth:]
        if node is target:
            return path
        path.append(node)
        for child in reversed(node.children):
            stack.append((child, depth + 1))
    return None


def side_effect_of_double(ctx: Any, function: Any, call: Any) -> bool:
    """``call`` runs inside a lambda that is the ``side_effect=`` of a test
    double made in ``function`` (``Mock(side_effect=lambda *a: real_load(*a))``,
    ``patch("pkg.load", side_effect=lambda p: torch.load(p))``)."""
    path = _ancestors_in(function, call)
    if not path:
        return False
    bindings = analysis_for(ctx).scope(function).bindings
    for i in range(len(path) - 1, 1, -1):
        node = path[i]
        if isinstance(node, cst.FunctionDef) and node is not function:
            return installed_spy(ctx, function, node)  # the innermost nested def decides
        if not isinstance(node, cst.Lambda):
            continue
        arg, owner = path[i - 1], path[i - 2]
        if (isinstance(arg, cst.Arg) and arg.keyword is not None and arg.keyword.value == "side_effect"
                and isinstance(owner, cst.Call) and is_double_factory(ctx, owner, bindings)):
            return True
    return False


def _first_attribute(expr: Any) -> Optional[str]:
    """``api.saved.read()`` -> ``saved``: the attribute right after the
    chain's root name, or None."""
    last = None
    for _ in range(64):
        if isinstance(expr, cst.Attribute):
            last = expr.attr.value
            expr = expr.value
        elif isinstance(expr, cst.Subscript):
            expr = expr.value
        elif isinstance(expr, cst.Call) and isinstance(expr.func, cst.Attribute):
            expr = expr.func
        else:
            break
    return last if isinstance(expr, cst.Name) else None


def _to_ast(ctx: Any, node: Any) -> Optional[Any]:
    try:
        return ast.parse(ctx.module.code_for_node(node).strip(), mode="eval").body
    except (SyntaxError, ValueError, RecursionError):
        return None


def _literal_expr(expr: Any) -> bool:
    """``expr`` is written out in the code: a number, string or bytes
    literal (not an f-string), ``None``/``True``/``False``, or a list, tuple,
    set or dict of those."""
    if isinstance(expr, (cst.Integer, cst.Float, cst.Imaginary, cst.SimpleString)):
        return True
    if isinstance(expr, cst.ConcatenatedString):
        return _literal_expr(expr.left) and _literal_expr(expr.right)
    if isinstance(expr, cst.Name):
        return expr.value in ("None", "True", "False")
    if isinstance(expr, cst.UnaryOperation) and isinstance(expr.operator, cst.Minus):
        return isinstance(expr.expression, (cst.Integer, cst.Float))
    if isinstance(expr, (cst.List, cst.Tuple, cst.Set)):
        return all(isinstance(e, cst.Element) and _literal_expr(e.value) for e in expr.elements)
    if isinstance(expr, cst.Dict):
        return all(isinstance(e, cst.DictElement) and _literal_expr(e.key) and _literal_expr(e.value) for e in expr.elements)
    return False


def _unwrap_buffer(ctx: Any, expr: Any) -> Any:
    """``io.BytesIO(x)`` / ``bytes(x)`` / ``bytearray(x)`` -> ``x``."""
    if isinstance(expr, cst.Call) and len(expr.args) == 1 and not expr.args[0].star and expr.args[0].keyword is None:
        if ctx.call_to(expr, ("io.BytesIO",)) or (
            isinstance(expr.func, cst.Name) and expr.func.value in ("bytes", "bytearray") and not ctx.qualnames(expr.func)
        ):
            return expr.args[0].value
    return expr


def _sole_module_function(source: Optional[str], name: str, tree: Optional[Any] = None) -> Optional[ast.FunctionDef]:
    """The one top-level plain ``def name`` of ``source`` (or of the parsed
    ``tree``; undecorated, not async), when nothing else at module level
    binds ``name`` (an assignment, a ``del``, an import, another ``def`` or
    ``class``); None otherwise."""
    if tree is None:
        tree = _tree(source) if isinstance(source, str) else None
    if tree is None:
        return None
    defs = []
    for statement in tree.body:
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            if statement.name == name:
                defs.append(statement)
            continue
        for node in ast.walk(statement):
            if isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, (ast.Store, ast.Del)):
                return None
            if isinstance(node, ast.alias) and (node.asname or node.name.split(".")[0]) == name:
                return None
    if len(defs) != 1 or not isinstance(defs[0], ast.FunctionDef) or defs[0].decorator_list:
        return None
    return defs[0]


def helper_dumps(ctx: Any, name: str, source: Optional[str], tree: Optional[Any] = None,
                 aliases: Optional[Dict[str, Set[str]]] = None) -> Optional[Tuple[str, int]]:
    """(serializer, line) when ``name`` is a function of the module (one
    top-level ``def``, undecorated, not a generator, nothing else at module
    level binds the name) whose every ``return`` gives the in-memory result
    of a serializer of :data:`DUMPS` (``return pickle.dumps(obj)``; a class
    or function defined inside it, such as a payload class, returns nothing
    for it); read with ``ast`` from the whole ``source``
    so the fast path agrees. The line is the first such return's. None
    otherwise. ``tree`` and ``aliases``: the function of another project
    module, read with that module's own imports."""
    helper = _sole_module_function(source, name, tree)
    if helper is None:
        return None
    returns = []
    # the helper's own body: a class or function defined inside it (a
    # payload class with its `__reduce__`) returns nothing for the helper
    pending: List[Any] = list(helper.body)
    while pending:
        node = pending.pop()
        if isinstance(node, (ast.Yield, ast.YieldFrom)):
            return None
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            pending.extend(node.decorator_list)
            if not isinstance(node, ast.ClassDef):
                pending.extend(node.args.defaults)
                pending.extend(d for d in node.args.kw_defaults if d is not None)
            continue
        if isinstance(node, ast.Lambda):
            continue
        if isinstance(node, ast.Return):
            returns.append(node)
        pending.extend(ast.iter_child_nodes(node))
    if not returns:
        return None
    dumper = None
    for ret in returns:
        value = ret.value
        if not isinstance(value, ast.Call):
            return None
        dotted = _ast_dotted(value.func)
        if dotted is None:
            return None
        head, _, rest = dotted.partition(".")
        imports = ctx.imports.aliases if aliases is None else aliases
        qualified = [q + ("." + rest if rest else "") for q in sorted(imports.get(head, ()))]
        match = next((q for q in qualified if q in DUMPS), None)
        if match is None:
            return None
        if match in _STREAM_OPTIONAL and (len(value.args) > 1 or any(k.arg == "stream" for k in value.keywords)):
            return None
        dumper = dumper or match
    return dumper, min(r.lineno for r in returns)


#: module functions a same-file transformation may call (:func:`helper_transforms`): each
#: computes its result from its arguments in memory, reading no file, socket or environment
_PURE_CALLS = frozenset(
    {
        "json.loads", "json.dumps", "io.BytesIO", "io.StringIO", "zipfile.ZipFile",
        "copy.copy", "copy.deepcopy", "pickletools.optimize",
        "zlib.compress", "zlib.decompress", "zlib.crc32", "gzip.compress", "gzip.decompress",
        "bz2.compress", "bz2.decompress", "lzma.compress", "lzma.decompress",
        "struct.pack", "struct.unpack", "struct.calcsize", "struct.unpack_from",
        "binascii.hexlify", "binascii.unhexlify",
        "base64.b64encode", "base64.b64decode", "base64.urlsafe_b64encode", "base64.urlsafe_b64decode",
        "base64.b16encode", "base64.b16decode", "base64.b32encode", "base64.b32decode",
    }
    | {name for name in DUMPS if name not in _STREAM_OPTIONAL}
)
#: builtins a transformation may call or name: none opens, imports, evaluates or reads input
_PURE_BUILTINS = frozenset(
    {
        "len", "range", "enumerate", "zip", "list", "dict", "tuple", "set", "frozenset", "sorted", "reversed",
        "isinstance", "id", "min", "max", "sum", "any", "all", "abs", "round", "divmod", "bytes", "bytearray",
        "memoryview", "str", "int", "float", "bool", "repr", "hex", "ord", "chr", "slice", "iter", "next", "hash",
        "KeyError", "ValueError", "TypeError", "IndexError", "RuntimeError", "AssertionError",
    }
)


def _ast_literal(node: Optional[Any]) -> bool:
    try:
        ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return False
    return True


def helper_transforms(ctx: Any, name: str, source: Optional[str], tree: Optional[Any] = None,
                      aliases: Optional[Dict[str, Set[str]]] = None) -> Optional[int]:
    """The ``def`` line when ``name`` is a function of the module (one
    top-level ``def``, undecorated, nothing else at module level binds the
    name) that computes what it returns from its arguments in memory: no
    ``yield``/``await``, no nested ``def``/``class``/``lambda``, no
    ``global``/``nonlocal``; literal parameter defaults; every name it reads
    is a parameter, a name it binds itself, a builtin of
    :data:`_PURE_BUILTINS` or the import at the head of a call of
    :data:`_PURE_CALLS` (``zipfile.ZipFile`` only over an in-memory buffer:
    ``io.BytesIO(...)`` in place or a name the helper binds only to one);
    every other call is a method of such a value (``data.replace(...)``,
    ``zf.read("schema.json")``, ``buf.getvalue()``). Read with ``ast`` from
    the whole ``source`` so the fast path agrees. None otherwise: a helper
    that opens a file, fetches, reads the environment, a module global or
    calls any other function may add bytes from outside.

    ``tree`` and ``aliases`` read the function from another module of the
    project (its parsed ``ast`` and its own imports) instead of ``source``
    with this file's imports (:meth:`RoundTripAware._transform_note`)."""
    helper = _sole_module_function(source, name, tree)
    if helper is None:
        return None
    args = helper.args
    if not all(_ast_literal(d) for d in list(args.defaults) + [d for d in args.kw_defaults if d is not None]):
        return None
    params = {a.arg for a in args.posonlyargs + args.args + args.kwonlyargs}
    params |= {a.arg for a in (args.vararg, args.kwarg) if a is not None}
    nodes = [n for statement in helper.body for n in ast.walk(statement)]
    local: Set[str] = set()
    for node in nodes:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda, ast.Yield, ast.YieldFrom,
                             ast.Await, ast.Global, ast.Nonlocal, ast.Import, ast.ImportFrom)):
            return None
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            local.add(node.id)
        elif isinstance(node, ast.arg):
            local.add(node.arg)  # a comprehension cannot bind one; kept for safety
    if not any(isinstance(n, ast.Return) and n.value is not None for n in nodes):
        return None
    if aliases is None:
        aliases = ctx.imports.aliases
    pure_heads: Set[int] = set()  # ids of the Name nodes that head an allowed module call

    def qualified(func: Any) -> List[str]:
        dotted = _ast_dotted(func)
        if dotted is None:
            return []
        head, _, rest = dotted.partition(".")
        if head in params or head in local:
            return []
        return [q + ("." + rest if rest else "") for q in sorted(aliases.get(head, ()))]

    def buffer(expr: Any) -> bool:
        """``expr`` is an in-memory buffer: ``io.BytesIO(...)`` here, or a
        name the helper binds only to that."""
        if isinstance(expr, ast.Call):
            names = qualified(expr.func)
            return bool(names) and all(n in ("io.BytesIO", "io.StringIO") for n in names)
        if isinstance(expr, ast.Name) and expr.id in local and expr.id not in params:
            values = []
            for node in nodes:
                if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == expr.id for t in node.targets):
                    if len(node.targets) != 1:
                        return False
                    values.append(node.value)
                elif isinstance(node, (ast.AugAssign, ast.AnnAssign, ast.For, ast.comprehension, ast.withitem, ast.NamedExpr)):
                    target = getattr(node, "target", None) or getattr(node, "optional_vars", None)
                    if target is not None and any(isinstance(n, ast.Name) and n.id == expr.id for n in ast.walk(target)):
                        return False
            return bool(values) and all(buffer(v) for v in values)
        return False

    for node in nodes:
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id not in aliases:
            if func.id not in _PURE_BUILTINS or func.id in local or func.id in params:
                return None
            continue
        names = qualified(func)
        if names:
            if not all(n in _PURE_CALLS for n in names):
                return None
            if any(n == "zipfile.ZipFile" for n in names):
                source_arg = node.args[0] if node.args else next((k.value for k in node.keywords if k.arg == "file"), None)
                if source_arg is None or not buffer(source_arg):
                    return None
            head = func
            while isinstance(head, ast.Attribute):
                head = head.value
            pure_heads.add(id(head))
            continue
        if isinstance(func, ast.Attribute):
            root = func.value
            while isinstance(root, (ast.Attribute, ast.Subscript, ast.Call)):
                root = root.func if isinstance(root, ast.Call) else root.value
            if isinstance(root, ast.Name) and (root.id in params or root.id in local):
                continue  # a method of a value the helper holds: `data.replace(...)`, `zf.read(...)`
            if isinstance(root, ast.Constant):
                continue  # `b"".join(parts)`
        return None
    for node in nodes:
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
            if node.id in params or node.id in local or id(node) in pure_heads:
                continue
            if node.id in _PURE_BUILTINS and node.id not in aliases:
                continue
            return None
    return helper.lineno


def _package_file(here: Any, module: str) -> Optional[Any]:
    """The file of the absolute import ``module`` when its first component
    is a package of this file's project: a directory with ``__init__.py``
    next to one of the file's folders (``skops/io/tests/test_x.py`` importing
    ``skops.io.tests._utils``, or ``tests/test_x.py`` importing ``mypkg``
    from the root or ``src/``), looked for up to the project root (a folder
    with ``pyproject.toml``, ``setup.py``, ``setup.cfg`` or ``.git``)."""
    key = (str(here.parent), module)
    if key not in _PACKAGE_FILES:
        if len(_PACKAGE_FILES) > 4096:
            _PACKAGE_FILES.clear()
        _PACKAGE_FILES[key] = _find_package_file(here, module)
    return _PACKAGE_FILES[key]


_PACKAGE_FILES: Dict[Tuple[str, str], Optional[Any]] = {}


def _find_package_file(here: Any, module: str) -> Optional[Any]:
    parts = [p for p in module.split(".") if p]
    if not parts:
        return None
    directory = here.parent
    for _ in range(8):
        for base in (directory, directory / "src"):
            if (base / parts[0] / "__init__.py").is_file():
                target = base.joinpath(*parts)
                for candidate in (target.parent / (target.name + ".py"), target / "__init__.py"):
                    if candidate.is_file():
                        return candidate
                return None
        if any((directory / marker).exists() for marker in ("pyproject.toml", "setup.py", "setup.cfg", ".git")):
            return None
        if directory.parent == directory:
            return None
        directory = directory.parent
    return None


def project_function(ctx: Any, unit_path: Optional[str], func: Any) -> Optional[Tuple[Any, Any, str, str]]:
    """(file, ast, function name, module) when the callee ``func`` is a
    function this file imports from another module of its own project
    (``from skops.io.tests._utils import downgrade_state``; ``from ._utils
    import f``; ``from . import _utils`` … ``_utils.f``; ``import pkg.mod``
    … ``pkg.mod.f``), resolved to one file and parsed with ``ast`` (never
    imported); None otherwise."""
    from pathlib import Path

    from mlwarden.core.names import dotted
    from mlwarden.core.project import MAX_MODULE_BYTES, module_file, module_tree

    if not unit_path:
        return None
    here = Path(unit_path)
    parts = dotted(func)
    if not parts or parts[0] in ctx.facts.ambiguous:
        return None
    target = None
    module = ""
    name = parts[-1]
    relative = ctx.facts.relative_imports.get(parts[0])
    if relative:
        if len(relative) != 1:
            return None
        base, imported, level = next(iter(relative))
        path = [p for p in (base, imported, *parts[1:]) if p]
        name = path[-1]  # the imported name, not an `as` alias
        module = ".".join(path[:-1])
        if not module:
            return None
        target = module_file(here, module, level)
        module = "." * level + module
    else:
        quals = ctx.qualnames(func)
        if len(quals) != 1:
            return None
        module, _, name = next(iter(quals)).rpartition(".")
        if not module:
            return None
        target = module_file(here, module, 0) or _package_file(here, module)
    if target is None:
        return None
    try:
        if target.resolve() == here.resolve() or target.stat().st_size > MAX_MODULE_BYTES:
            return None
    except OSError:
        return None
    tree = module_tree(target)
    if tree is None:
        return None
    return target, tree, name, module


def _quiet_nested(ctx: Any, function: Any, unit_path: Optional[str]) -> bool:
    """``function``, a ``def`` nested in a test, reads nothing from outside
    the process: no import, ``global``, ``await``, ``yield``, lambda or nested
    ``def``/``class``; every call is a builtin of :data:`_PURE_BUILTINS`, a
    method of a value it holds (a parameter or a name it binds), or a
    function the file imports from its own project (:func:`project_function`
    resolves it: the project's code, not outside data); every name it reads
    is a parameter, a name it binds, a ``nonlocal`` it declares, such a
    builtin or such a project function."""
    if function.decorators or isinstance(function.asynchronous, cst.Asynchronous):
        return False
    own: Set[str] = set()
    nonlocals: Set[str] = set()
    params = function.params
    for param in list(params.params) + list(params.posonly_params) + list(params.kwonly_params):
        if param.default is not None and not _literal_expr(param.default):
            return False
        own.add(param.name.value)
    for star in (params.star_arg, params.star_kwarg):
        if isinstance(star, cst.Param):
            own.add(star.name.value)
    nodes = list(_walk_nodes(function.body))
    for node in nodes:
        if isinstance(node, (cst.FunctionDef, cst.ClassDef, cst.Lambda, cst.Await, cst.Yield, cst.Import, cst.ImportFrom, cst.Global)):
            return False
        if isinstance(node, cst.Nonlocal):
            nonlocals.update(n.name.value for n in node.names)
        elif isinstance(node, (cst.AssignTarget, cst.AugAssign, cst.AnnAssign, cst.For, cst.CompFor, cst.AsName)):
            target = getattr(node, "target", None) or getattr(node, "name", None)
            for inner in _walk_nodes(target) if target is not None else ():
                if isinstance(inner, cst.Name):
                    own.add(inner.value)
    skip: Set[int] = set()
    for node in nodes:
        if isinstance(node, cst.Attribute):
            skip.add(id(node.attr))
        elif isinstance(node, cst.Arg) and node.keyword is not None:
            skip.add(id(node.keyword))
    project: Set[str] = set()
    for node in nodes:
        if not isinstance(node, cst.Call):
            continue
        callee = node.func
        if isinstance(callee, cst.Name):
            if callee.value in own or callee.value in nonlocals:
                return False
            if callee.value in _PURE_BUILTINS and callee.value not in ctx.imports.aliases and callee.value not in ctx.facts.bound_anywhere:
                continue
            if callee.value in ctx.imports.aliases or callee.value in ctx.facts.relative_imports:
                if project_function(ctx, unit_path, callee) is not None:
                    project.add(callee.value)
                    continue
            return False
        root = callee
        while isinstance(root, (cst.Attribute, cst.Subscript, cst.Call)):
            root = root.func if isinstance(root, cst.Call) else root.value
        if isinstance(root, cst.Name) and root.value in own:
            continue  # a method of a value it holds
        return False
    for node in nodes:
        if isinstance(node, cst.Name) and id(node) not in skip:
            if node.value in own or node.value in nonlocals or node.value in project:
                continue
            if node.value in ("None", "True", "False"):
                continue
            if node.value in _PURE_BUILTINS and node.value not in ctx.imports.aliases and node.value not in ctx.facts.bound_anywhere:
                continue
            return False
    return True


def _parametrized(test: Any, name: str) -> bool:
    """``name`` is a parameter of ``test`` that a ``pytest.mark.parametrize``
    decorator of the test fills (its values are written there), without
    ``indirect`` (which hands them to a fixture)."""
    for decorator in test.decorators:
        call = decorator.decorator
        if not isinstance(call, cst.Call) or not isinstance(call.func, cst.Attribute) or call.func.attr.value != "parametrize":
            continue
        if any(a.keyword is not None and a.keyword.value == "indirect" for a in call.args):
            continue
        if not call.args or not isinstance(call.args[0].value, cst.SimpleString):
            continue
        try:
            names = ast.literal_eval(call.args[0].value.value)
        except (ValueError, SyntaxError):
            continue
        if isinstance(names, str) and name in [n.strip() for n in names.split(",")]:
            return True
    return False


def installed_spy(ctx: Any, function: Any, spy: Any) -> bool:
    """``spy`` is a ``def`` nested in the test ``function`` whose every use
    there installs it as a test double's behaviour, at least once, and never
    calls it: ``monkeypatch.setattr(torch, "load", spy)`` /
    ``monkeypatch.setattr("torch.load", spy)`` (``monkeypatch`` a parameter,
    pytest's fixture), or the ``side_effect=``/``new=`` of a double factory
    (``mocker.patch("torch.load", side_effect=spy)``, ``patch.object(torch,
    "load", new=spy)``, ``Mock(side_effect=spy)``). Whatever the spy is
    given, the code under test hands it in this process, in place of the
    patched function."""
    if not isinstance(spy, cst.FunctionDef) or spy.decorators or spy is function:
        return False
    bindings = analysis_for(ctx).scope(function).bindings
    name = spy.name.value
    spy_bindings = bindings.get(name) or []
    if len(spy_bindings) != 1 or spy_bindings[0].node is not spy:
        return False
    patch_fixture = bindings.get("monkeypatch") or []
    monkeypatch = bool(patch_fixture) and all(b.kind == "param" for b in patch_fixture)
    uses = [n for n in _walk_nodes(function.body) if isinstance(n, cst.Name) and n.value == name and n is not spy.name]
    if not uses:
        return False
    for use in uses:
        path = _ancestors_in(function, use)
        if not path or len(path) < 2:
            return False
        arg, call = path[-1], path[-2]
        if not isinstance(arg, cst.Arg) or not isinstance(call, cst.Call) or arg.value is not use or arg.star:
            return False
        if arg.keyword is not None and arg.keyword.value in ("side_effect", "new") and is_double_factory(ctx, call, bindings):
            continue
        func = call.func
        if (monkeypatch and isinstance(func, cst.Attribute) and func.attr.value == "setattr"
                and isinstance(func.value, cst.Name) and func.value.value == "monkeypatch"):
            positional = [a for a in call.args if a.keyword is None and not a.star]
            if (arg.keyword is not None and arg.keyword.value == "value") or (arg.keyword is None and positional and positional[-1] is arg and len(positional) in (2, 3)):
                continue
        return False
    return True


def inert_literal(target: str, value: Any) -> bool:
    """A literal payload that the loader ``target`` turns into plain data
    only, read without executing anything: a pickle (``pickle``/``dill``/
    ``cloudpickle.loads``) whose opcodes import and call nothing, or
    jsonpickle text without a ``py/`` tag. Anything else, or anything that
    does not parse, is not inert."""
    if isinstance(value, str) and target.startswith("jsonpickle."):
        return "py/" not in value
    if isinstance(value, bytes) and target.split(".")[0] in _PICKLERS and target.endswith(".loads") and value:
        import pickletools

        try:
            ops = [op.name for op, _arg, _pos in pickletools.genops(value)]
        except Exception:  # noqa: BLE001 - a malformed pickle is not inert
            return False
        return bool(ops) and ops[-1] == "STOP" and not _CODE_OPCODES.intersection(ops)
    return False


def _membership(test: Any, name: str, operator: type) -> Any:
    """The collection of ``name in C`` (``operator`` ``cst.In``) or
    ``name not in C`` / ``not name in C`` (``cst.NotIn``), else None."""
    if operator is cst.NotIn and isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        test, operator = test.expression, cst.In
    if not (isinstance(test, cst.Comparison) and len(test.comparisons) == 1 and isinstance(test.comparisons[0].operator, operator)):
        return None
    if not (isinstance(test.left, cst.Name) and test.left.value == name):
        return None
    return test.comparisons[0].comparator


def _encoded_literal(data: Any) -> Any:
    """``"text".encode()`` / ``"text".encode("latin-1")`` (a string literal
    encoded with a literal codec) as the bytes literal it builds, else
    ``data`` unchanged."""
    if (
        isinstance(data, cst.Call)
        and isinstance(data.func, cst.Attribute)
        and data.func.attr.value == "encode"
        and isinstance(data.func.value, (cst.SimpleString, cst.ConcatenatedString))
        and all(isinstance(a.value, cst.SimpleString) and a.keyword is None and not a.star for a in data.args)
        and len(data.args) <= 1
    ):
        try:
            text = data.func.value.evaluated_value
            codec = data.args[0].value.evaluated_value if data.args else "utf-8"
            if not isinstance(text, str) or not isinstance(codec, str):
                return data
            return cst.SimpleString(repr(text.encode(codec)))
        except Exception:  # noqa: BLE001 - an unknown codec or text it cannot encode: not a literal
            return data
    return data


def _merge(kinds: List[Optional[str]]) -> Optional[str]:
    if any(k is None for k in kinds):
        return None
    return "temp" if "temp" in kinds else "literal"


# ---------------------------------------------------------------------------
# the mixin


#: text every statement a round trip depends on holds (a dump or writer,
#: an anonymous handle, a temporary path): a load rule sees the whole module
#: of a file that has one (``CodeRule.module_words``), so a round trip at
#: module level or across a class's methods is seen as in the equivalence mode
ROUND_TRIP_WORDS = frozenset(
    {"dump", "Pickler", "save", "to_pickle", "shelve", "PackageExporter", "pack", "tarfile", "ZipFile",
     "BytesIO", "StringIO", "Temporary", "encode", "mkdtemp", "gettempdir", "mktemp", "tmp"}
)


class RoundTripAware:
    """Rule mixin: tracks the enclosing function and class, and answers
    :meth:`round_trip`. Put it before ``CodeRule`` in the bases."""

    module_words = ROUND_TRIP_WORDS

    def _rt_stack(self) -> List[Any]:
        stack = self.__dict__.get("_rt_scopes")
        if stack is None:
            stack = self.__dict__["_rt_scopes"] = []
        return stack

    def visit_FunctionDef(self, node: Any) -> None:
        self._rt_stack().append(node)
        parent = getattr(super(), "visit_FunctionDef", None)
        if parent is not None:
            parent(node)

    def leave_FunctionDef(self, original_node: Any) -> None:
        stack = self._rt_stack()
        if stack:
            stack.pop()
        parent = getattr(super(), "leave_FunctionDef", None)
        if parent is not None:
            parent(original_node)

    def visit_ClassDef(self, node: Any) -> None:
        self._rt_stack().append(node)
        parent = getattr(super(), "visit_ClassDef", None)
        if parent is not None:
            parent(node)

    def leave_ClassDef(self, original_node: Any) -> None:
        stack = self._rt_stack()
        if stack:
            stack.pop()
        parent = getattr(super(), "leave_ClassDef", None)
        if parent is not None:
            parent(original_node)

    def shadowed(self, call: Any) -> bool:
        """The head name of ``call.func`` is bound in the enclosing function
        other than by an import: a local variable or parameter that shadows
        the module of the same name (module-level rebinding is left to the
        engine's name resolution)."""
        func = call.func
        while isinstance(func, cst.Attribute):
            func = func.value
        if not isinstance(func, cst.Name) or func.value not in self.ctx.imports.aliases:
            return False  # not resolved through an import: nothing to shadow
        functions = [n for n in self._rt_stack() if isinstance(n, cst.FunctionDef)]
        if not functions:
            return False
        found = analysis_for(self.ctx).scope(functions[-1]).bindings.get(func.value)
        return bool(found) and any(not isinstance(b.node, (cst.Import, cst.ImportFrom)) for b in found)

    def bound_values(self, name: str, *, skip_imports: bool = False) -> List[Any]:
        """What ``name`` is bound to in the innermost enclosing function that
        binds it, else at module level: the assigned (or ``with``)
        expression of each binding, None for one that cannot be followed
        (a parameter, a loop target, an import unless ``skip_imports``);
        [] when nothing binds it."""
        return self.reaching_values(name, None, skip_imports=skip_imports)

    def reaching_values(self, name: str, at: Optional[Any], *, skip_imports: bool = False) -> List[Any]:
        """:meth:`bound_values`, narrowed to the bindings that can reach the
        use ``at`` when a later binding overrides an earlier one on a straight
        line (``at`` None: every binding, :meth:`bound_values`): ``tar = tarfile.open(a)`` … ``tar = Other(b)`` …
        ``tar.extractall()`` sees only the last, and ``flag = True`` …
        ``f(flag)`` … ``flag = False`` sees only ``True``. The last binding
        that runs unconditionally before ``at`` (see
        :meth:`ScopeIndex.straight_before`) and every binding between it and
        ``at`` (or later in a loop around ``at``) reach; with no such
        binding, or a use we did not index (a nested body), every binding
        does, as in :meth:`bound_values`."""
        analysis = analysis_for(self.ctx)  # type: ignore[attr-defined]
        functions = [n for n in self._rt_stack() if isinstance(n, cst.FunctionDef)]
        for scope_node in [*reversed(functions), self.ctx.module]:  # type: ignore[attr-defined]
            index = analysis.scope(scope_node)
            found = index.bindings.get(name)
            if found:
                if skip_imports:
                    found = [b for b in found if not isinstance(b.node, (cst.Import, cst.ImportFrom))]
                found = _reaching(index, found, at)
                return [b.value if b.kind in ("assign", "with") else None for b in found]
        return []

    def local_value(self, expr: Any) -> object:
        """The constant a name holds where it is used, when every binding
        that reaches the use (:meth:`reaching_values`) assigns the same
        literal (``host = "0.0.0.0"`` … ``run(host=host)``); UNKNOWN
        otherwise. Module-level constants are ``ctx.value``'s."""
        if not isinstance(expr, cst.Name):
            return UNKNOWN
        values = self.reaching_values(expr.value, expr)
        if not values or any(v is None for v in values):
            return UNKNOWN
        seen = [self.ctx.value(v) for v in values]  # type: ignore[attr-defined]
        first = seen[0]
        if first is UNKNOWN or any(v is UNKNOWN or v != first or type(v) is not type(first) for v in seen):
            return UNKNOWN
        return first

    def _rt_query(self, call: Any) -> Optional[_Query]:
        stack = self._rt_stack()
        function = next((n for n in reversed(stack) if isinstance(n, cst.FunctionDef)), None)
        cls = None
        if function is not None:
            position = stack.index(function)
            cls = stack[position - 1] if position > 0 and isinstance(stack[position - 1], cst.ClassDef) else None
        if function is None and any(isinstance(n, cst.ClassDef) for n in stack):
            return None  # a class body: not a scope we index
        analysis = analysis_for(self.ctx)
        scope = analysis.scope(function if function is not None else self.ctx.module)
        if id(call) not in scope.order:
            return None  # inside a lambda or a nested body we did not index
        query = _Query(analysis, scope, cls, call)
        query.in_test_file = self._rt_test_file  # type: ignore[method-assign]
        query.file_class_bases = self._rt_file_class_bases  # type: ignore[method-assign]
        query.file_class_methods = self._rt_file_class_methods  # type: ignore[method-assign]
        query.method_checkpoint = self._rt_method_checkpoint  # type: ignore[method-assign]
        return query

    def _rt_method_checkpoint(self, class_name: str, method: str, call: Any, path: Any) -> Optional[str]:
        """See :meth:`_Query.method_checkpoint`: the method is read from the
        whole file with ``ast`` (the fast path may hand us one method)."""
        code = getattr(getattr(self, "unit", None), "code", None)
        source = getattr(code, "source", None)
        self.unit.extra["reads_other_lines"] = True  # type: ignore[attr-defined]
        tree = _tree(source) if isinstance(source, str) else None
        if tree is None or any(a.star for a in call.args):
            return None
        function, found = _class_method(tree, class_name, method)
        if function is None and found:
            function = self._rt_inherited(tree, class_name, method)
        args = [(a.keyword.value if a.keyword is not None else None, self.ctx.module.code_for_node(a.value)) for a in call.args]
        return _method_checkpoint(function, self.ctx.module.code_for_node(path), args)

    def _rt_inherited(self, tree: Any, class_name: str, method: str) -> Optional[Any]:
        """The ``def`` of ``method`` that ``class_name`` inherits from its
        first base: a top-level class of this file, or a class this file
        imports from another module of its project (parsed with ``ast``,
        never imported), when that base defines it itself; None when the
        base cannot be read or does not define it (its own bases might)."""
        stack = self._rt_stack()
        cls = next((n for n in reversed(stack) if isinstance(n, cst.ClassDef) and n.name.value == class_name), None)
        if cls is None:
            return None
        bases = [b.value for b in cls.bases if b.keyword is None]
        if not bases:
            return None
        base = bases[0]
        if isinstance(base, cst.Name) and base.value not in self.ctx.imports.aliases:
            function, _found = _class_method(tree, base.value, method)
            return function
        project = project_function(self.ctx, getattr(self.unit, "path", None), base)  # type: ignore[attr-defined]
        if project is None:
            return None
        target, module_tree, name, _module = project
        self.unit.extra.setdefault("read_files", set()).add(str(target))  # type: ignore[attr-defined]
        function, _found = _class_method(module_tree, name, method)
        return function

    def _rt_file_class_bases(self, name: str) -> Optional[List[str]]:
        code = getattr(getattr(self, "unit", None), "code", None)
        source = getattr(code, "source", None)
        self.unit.extra["reads_other_lines"] = True  # type: ignore[attr-defined]
        tree = _tree(source) if isinstance(source, str) else None
        if tree is None:
            return None
        found = [n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == name]
        if len(found) != 1:
            return None
        return [ast.unparse(b) for b in found[0].bases]

    def _rt_file_class_methods(self, name: str) -> FrozenSet[str]:
        code = getattr(getattr(self, "unit", None), "code", None)
        source = getattr(code, "source", None)
        self.unit.extra["reads_other_lines"] = True  # type: ignore[attr-defined]
        tree = _tree(source) if isinstance(source, str) else None
        if tree is None:
            return frozenset()
        found = [n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == name]
        if len(found) != 1:
            return frozenset()
        return frozenset(n.name for n in found[0].body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)))

    def _rt_test_file(self) -> bool:
        """The unit's path says it is test code (computed once per unit)."""
        found = getattr(self, "_rt_test_file_known", None)
        if found is None:
            from mlwarden.core.context import unit_context

            unit = getattr(self, "unit", None)
            found = unit is not None and unit_context(unit, getattr(self, "config", None)) == "test"
            self._rt_test_file_known = found
        return bool(found)

    def fresh_temp_path(self, call: Any, path: Any) -> bool:
        """``path`` (an argument of ``call``) is a temporary location that
        nothing but serializers touched before ``call``."""
        query = self._rt_query(call)
        try:
            return query is not None and path is not None and query.fresh_temp(path)
        except RecursionError:
            raise
        except Exception:  # noqa: BLE001 - an analysis problem must never hide a finding
            return False

    def _ask_data(self, call: Any, target: str, data: Any, question: Any, default: Any) -> Any:
        """``question(query, data)`` about the data argument of ``call`` (a
        loader of :data:`DATA_LOADERS`), ``default`` for another loader or
        when the analysis fails (never hide a finding)."""
        if data is None:
            spec = DATA_ARG.get(target, (0, ""))
            data = self.ctx.arg(call, spec[0], spec[1] or None)
        if target not in DATA_LOADERS:
            # `pickle.load(io.BytesIO(b"..."))`, `Unpickler(io.BytesIO(x))`: the buffer's bytes are the data
            if target not in BUFFER_LOADERS or data is None:
                return default
            inner = _unwrap_buffer(self.ctx, data)
            if inner is data or not self.ctx.call_to(data, ("io.BytesIO",)):
                return default
            data = inner
        query = self._rt_query(call)
        try:
            return question(query, data) if query is not None else default
        except RecursionError:
            raise
        except Exception:  # noqa: BLE001 - never hide a finding
            return default

    def literal_data(self, call: Any, target: str, data: Any = None) -> bool:
        """``call`` (a loader of :data:`DATA_LOADERS`) loads a literal written
        in the code (see :meth:`_Query.literal_source`): reported at low
        severity by the rules that use it."""
        return bool(self._ask_data(call, target, data, lambda query, d: query.literal_source(d), False))

    def allowlisted_values(self, call: Any, target: str, data: Any = None) -> Optional[Tuple[Any, ...]]:
        """The literals the data of ``call`` (a loader of
        :data:`DATA_LOADERS`) is checked against before the load
        (:meth:`_Query.allowlisted`), or None."""
        return self._ask_data(call, target, data, lambda query, d: query.allowlisted(d), None)

    def literal_value(self, call: Any, target: str, data: Any = None) -> Any:
        """The value of the literal ``call`` loads (see :meth:`literal_data`),
        or None."""
        if target not in DATA_LOADERS:
            return None
        if data is None:
            spec = DATA_ARG.get(target, (0, ""))
            data = self.ctx.arg(call, spec[0], spec[1] or None)
        if isinstance(data, cst.Name):
            query = self._rt_query(call)
            if query is None or (not query.scope.is_module and data.value in query.scope.bindings):
                return None  # a parameter or local (a parametrized test's values): no single value
            data = self.ctx.constants.values.get(data.value)
        data = _encoded_literal(data)
        try:
            value = self.ctx.value(data) if data is not None else None
        except Exception:  # noqa: BLE001 - no value, no verdict
            return None
        return value if isinstance(value, (str, bytes)) else None

    def report_load(self, node: Any, target: str, message: Optional[str] = None, *, data: Any = None, at: Any = None, **kwargs: Any) -> None:
        """Report a load; at low severity, with a note, when the data is a
        literal in the code (:meth:`literal_data`); not at all when that
        literal cannot build an object that runs code (:func:`inert_literal`)."""
        message = message or self.message  # type: ignore[attr-defined]
        allowed = self.allowlisted_values(node, target, data)
        if allowed is not None:
            if all(inert_literal(target, v) for v in allowed):
                return
            self.report(at if at is not None else node, message + LITERAL_NOTE, severity=Severity.LOW, **kwargs)  # type: ignore[attr-defined]
            return
        if self.literal_data(node, target, data):
            if inert_literal(target, self.literal_value(node, target, data)):
                return
            message += LITERAL_NOTE
            kwargs["severity"] = Severity.LOW
        else:
            note = self.load_note(node, target, data)
            if note:
                message += note
                kwargs["severity"] = Severity.LOW
            elif kwargs.get("severity") is None and self.severity is Severity.HIGH:  # type: ignore[attr-defined]
                pinned = self.pinned_download(node, target, data)
                if pinned is not None:
                    message += PINNED_NOTE.format(repo=pinned[0], rev=pinned[1])
                    kwargs["severity"] = Severity.MEDIUM
        self.report(at if at is not None else node, message, **kwargs)  # type: ignore[attr-defined]

    def pinned_download(self, call: Any, target: str, data: Any = None) -> Optional[Tuple[str, str]]:
        """``(repo, revision)`` when the loaded file is one that
        `hf_hub_download` fetched from a literal repository at a full 40-hex
        commit SHA (a literal or module constant): the download nested in the
        load (``torch.load(hf_hub_download(...))``, also through ``open``), or
        a name of the enclosing function bound once, to that download
        (module-level names are not followed: their binding may be another
        statement or cell). None otherwise."""
        try:
            if data is None:
                spec = DATA_ARG.get(target, (0, ""))
                data = self.ctx.arg(call, spec[0], spec[1] or None)  # type: ignore[attr-defined]
            query = self._rt_query(call)
            if query is None or data is None:
                return None
            opened, _mode = query.opened_path(data)
            path = opened if opened is not None else data
            if isinstance(path, cst.Name) and opened is None:
                # `with open(p, "rb") as fh: pickle.load(fh)`: the handle's path
                found = query.bindings(path.value)
                if found and len(found) == 1 and found[0].kind == "with":
                    inner, _ = query.opened_path(found[0].value)
                    if inner is not None:
                        path = inner
            if isinstance(path, cst.Name):
                if query.scope.is_module:
                    return None
                found = query.bindings(path.value)
                if not found or len(found) != 1 or found[0].kind != "assign" or not query.scope.before(found[0].node, call):
                    return None
                path = found[0].value
            if not isinstance(path, cst.Call):
                return None
            name = query.call_name(path, PINNED_DOWNLOADERS)
            if name is None:
                return None
            from mlwarden.rules.mlw202_unpinned_hub_revision import revision_problem

            repo = self.ctx.value(self.ctx.arg(path, *PINNED_DOWNLOADERS[name]))  # type: ignore[attr-defined]
            present, rev_expr = self.ctx.keyword(path, "revision")  # type: ignore[attr-defined]
            revision = self.ctx.value(rev_expr) if present else None  # type: ignore[attr-defined]
            if isinstance(repo, str) and "/" in repo and isinstance(revision, str) and revision_problem(revision) is None:
                return repo, revision
        except RecursionError:
            raise
        except Exception:  # noqa: BLE001 - an analysis problem must never lower a finding
            return None
        return None

    def load_note(self, call: Any, target: str, data: Any = None) -> Optional[str]:
        """The message tail of a load reported at low severity because it
        runs only behind the caller's opt-in (:mod:`._optin`) or reads a
        file the same function has just written
        (:meth:`_Query.written_before`); None otherwise."""
        note = opt_in_note(self, call)
        if note:
            return note
        spy = self._spy_note(call)
        if spy:
            return spy
        if data is None:
            spec = DATA_ARG.get(target, (0, ""))
            data = self.ctx.arg(call, spec[0], spec[1] or None)  # type: ignore[attr-defined]
        query = self._rt_query(call)
        try:
            double = self._double_note(call, query, data)
            if double:
                return double
            fixture = self._fixture_note(query, data)
            if fixture:
                return fixture
            helper = self._helper_dump_note(query, data)
            if helper:
                return helper
            transform = self._transform_note(query, data)
            if transform:
                return transform
            if query is not None and self._setstate_state(query, data):
                return SETSTATE_NOTE
            if query is not None and query.written_before(data):
                return WRITTEN_NOTE
            note = self.checkpoint_note(call, data, query)
            if note:
                return note
            if query is not None and query.scope.is_module and data is not None:
                note = self._written_here_note(call, data)
                if note:
                    return note
            if data is not None:
                return self._written_here_note(call, data, cache=True)
        except RecursionError:
            raise
        except Exception:  # noqa: BLE001 - an analysis problem must never lower a finding
            return None
        return None

    def checkpoint_note(self, call: Any, data: Any, query: Optional["_Query"] = None) -> Optional[str]:
        """The note of a test's load of a file its own checkpoint callback
        wrote during training (:meth:`_Query.checkpoint_writer`), or None."""
        if query is None:
            query = self._rt_query(call)
        if query is None or data is None:
            return None
        try:
            found = query.checkpoint_writer(data)
            if found is not None:
                callback, trainer, _train_call = found
                return CHECKPOINT_NOTE.format(callback, trainer)
            own = query.own_checkpoint(data)
            if own is not None:
                return OWN_CHECKPOINT_NOTE.format(*own)
            trained = query.trainer_output(data)
        except RecursionError:
            raise
        except Exception:  # noqa: BLE001 - an analysis problem must never lower a finding
            return None
        return TRAINER_OUTPUT_NOTE.format(trained) if trained else None

    # -- test doubles ------------------------------------------------------
    def _test_function(self) -> Optional[Any]:
        """The innermost enclosing function when it is a test (``def test*``,
        also a method of a test class); None otherwise."""
        functions = [n for n in self._rt_stack() if isinstance(n, cst.FunctionDef)]
        if not functions or not functions[-1].name.value.startswith("test"):
            return None
        return functions[-1]

    def kept_for_double(self, assign: Any) -> bool:
        """``real = torch.load`` (any loader) in a test, and every use of
        ``real`` in the test is a call inside a test double's ``side_effect``
        lambda or an installed spy (:func:`side_effect_of_double`): the real
        loader kept while the loader is patched."""
        function = self._test_function()
        if function is None or len(assign.targets) != 1 or not isinstance(assign.targets[0].target, cst.Name):
            return False
        name = assign.targets[0].target.value
        uses = 0
        for call in _walk_nodes(function):
            if isinstance(call, cst.Call) and isinstance(call.func, cst.Name) and call.func.value == name:
                if not side_effect_of_double(self.ctx, function, call):  # type: ignore[attr-defined]
                    return False
                uses += 1
        names = sum(1 for n in _walk_nodes(function) if isinstance(n, cst.Name) and n.value == name)
        return uses > 0 and names == uses + 1  # the target and the calls, nothing else

    def kept_to_restore(self, assign: Any) -> bool:
        """``saved = pickle.load`` (any loader reference) in a function whose
        every other use of ``saved`` puts it back where it came from
        (``pickle.load = saved``, typically in a ``finally``): the loader is
        saved while it is patched, never called or handed on."""
        stack = self._rt_stack()
        function = next((f for f in reversed(stack) if isinstance(f, cst.FunctionDef)), None)
        if function is None or len(assign.targets) != 1 or not isinstance(assign.targets[0].target, cst.Name):
            return False
        name = assign.targets[0].target.value
        origin = _dotted_name(assign.value)
        if origin is None:
            return False
        restores = 0
        for node in _walk_nodes(function):
            if isinstance(node, cst.Assign) and node is not assign and isinstance(node.value, cst.Name) and node.value.value == name:
                if not all(_dotted_name(t.target) == origin for t in node.targets):
                    return False
                restores += 1
        names = sum(1 for n in _walk_nodes(function) if isinstance(n, cst.Name) and n.value == name)
        return restores > 0 and names == restores + 1  # the saving target and the restores, nothing else

    def _spy_note(self, call: Any) -> Optional[str]:
        """The note of a load inside a ``def`` nested in a test that the test
        only installs as a double's behaviour (:func:`installed_spy`): a spy
        that records the arguments and calls the real loader on whatever the
        code under test hands the patched one."""
        stack = self._rt_stack()
        if len(stack) < 2 or not isinstance(stack[-1], cst.FunctionDef) or not isinstance(stack[-2], cst.FunctionDef):
            return None
        spy, test = stack[-1], stack[-2]
        if not test.name.value.startswith("test"):
            return None
        try:
            return SPY_NOTE.format(spy.name.value) if installed_spy(self.ctx, test, spy) else None  # type: ignore[attr-defined]
        except RecursionError:
            raise
        except Exception:  # noqa: BLE001 - never lower on an analysis problem
            return None

    def _double_note(self, call: Any, query: Optional["_Query"], data: Any) -> Optional[str]:
        """The note of a load in a test that provably reads bytes from a test
        double, or runs on the double's behalf; None otherwise:

        - the data is (an attribute, item or method result of) a double that
          the test made (``m = MagicMock()``, ``create_autospec(...)``, the
          ``as`` target of ``patch(...)``) or took from a same-file pytest
          fixture that returns one, made without ``wraps=``/``new=``/
          ``side_effect=`` (which forward to real objects or code) and never
          configured by assignment (``m.read.return_value = ...``) or
          ``configure_mock`` in the test or the fixture: whatever bytes it
          holds, the code under test put there in this process (what it
          recorded, ``m.call_args``, is a round trip already, MLW101);
        - the load runs inside a lambda that is a double's ``side_effect``.
        """
        function = self._test_function()
        if function is None:
            return None
        if query is None:
            return SIDE_EFFECT_NOTE if side_effect_of_double(self.ctx, function, call) else None  # type: ignore[attr-defined]
        if data is None:
            return None
        root = _chain_root(data)
        if root is None or root == _MOCKER:
            return None
        found = query.scope.bindings.get(root)
        if not found or len(found) != 1 or _configured(function, root):
            return None
        binding = found[0]
        double = False
        if binding.kind in ("assign", "with") and isinstance(binding.value, cst.Call):
            double = plain_double(self.ctx, binding.value, query.scope.bindings)  # type: ignore[attr-defined]
        elif binding.kind == "param":
            code = getattr(self.unit, "code", None)  # type: ignore[attr-defined]
            # the verdict reads a fixture elsewhere in the file (core/incremental.py)
            self.unit.extra["reads_other_lines"] = True  # type: ignore[attr-defined]
            double = fixture_returns_double(self.ctx, self._rt_stack(), root, getattr(code, "source", None))  # type: ignore[attr-defined]
        if not double:
            return self._fake_note(function, query, data, root, binding)
        return DOUBLE_NOTE.format(root)

    def _fake_note(self, function: Any, query: "_Query", data: Any, root: str, binding: Any) -> Optional[str]:
        """The note of a test's load of ``root.<attr>`` (or a method result
        of it) where ``root`` is an instance of a hand-written fake class of
        the test file (:func:`fake_records`), made with constant arguments in
        the test or by a same-file fixture (:func:`fixture_returns_fake`),
        and the test hands ``root`` only, whole, to calls (the code under
        test): every byte in ``attr`` is what those calls gave the fake's
        methods in this process."""
        attr = _first_attribute(data)
        if attr is None or attr.startswith("__"):
            return None
        uses = [n for n in _walk_nodes(function.body) if isinstance(n, cst.Name) and n.value == root]
        inside = {id(n) for n in _walk_nodes(data)}
        parents = analysis_for(self.ctx).scope(function).parent  # type: ignore[attr-defined]
        for use in uses:
            if id(use) in inside:
                continue
            parent = parents.get(id(use))
            if binding.kind == "assign" and isinstance(parent, cst.AssignTarget):
                continue
            if not (isinstance(parent, cst.Arg) and parent.value is use and not parent.star):
                return None  # a method call, an attribute read or write, a rebinding: not followed
        code = getattr(self.unit, "code", None)  # type: ignore[attr-defined]
        source = getattr(code, "source", None)
        self.unit.extra["reads_other_lines"] = True  # type: ignore[attr-defined]
        tree = _tree(source) if isinstance(source, str) else None
        if tree is None:
            return None
        if binding.kind == "param":
            cls = fixture_returns_fake(self._rt_stack(), root, source)
        elif binding.kind == "assign":
            cls = _ast_fake_instance(tree, _to_ast(self.ctx, binding.value))  # type: ignore[attr-defined]
        else:
            return None
        if cls is None:
            return None
        line = fake_records(cls, attr)
        if line is None:
            return None
        return FAKE_NOTE.format(root, attr, cls.name, line)

    def _fixture_note(self, query: Optional["_Query"], data: Any) -> Optional[str]:
        """The note of a test's load of the path a same-file pytest fixture
        returns right after writing it with a serializer
        (:func:`fixture_writes`): the test takes the fixture by parameter
        name and uses it only in this load (``torch.load(path)``, or
        ``open(path, "rb")`` in the load or in a ``with`` around it)."""
        function = self._test_function()
        if function is None or query is None or data is None:
            return None
        path = data
        opened, _mode = query.opened_path(data)
        if opened is not None:
            path = opened
        elif isinstance(data, cst.Name):
            found = query.scope.bindings.get(data.value)
            if found and len(found) == 1 and found[0].kind == "with":
                inner, _ = query.opened_path(found[0].value)
                if inner is not None:
                    path = inner
        if not isinstance(path, cst.Name):
            return None
        name = path.value
        found = query.scope.bindings.get(name)
        if not found or len(found) != 1 or found[0].kind != "param":
            return None
        if sum(1 for n in _walk_nodes(function.body) if isinstance(n, cst.Name) and n.value == name) != 1:
            return None  # handed to anything else (a download into it, a copy): not followed
        code = getattr(self.unit, "code", None)  # type: ignore[attr-defined]
        # the verdict reads the fixture, elsewhere in the file, and the
        # message names its line: not a judgment to keep for an edited text
        # (core/incremental.py)
        self.unit.extra["reads_other_lines"] = True  # type: ignore[attr-defined]
        written = fixture_writes(self.ctx, self._rt_stack(), name, getattr(code, "source", None))  # type: ignore[attr-defined]
        if written is None:
            return None
        writer, line = written
        return FIXTURE_NOTE.format(name, writer, line)

    def _helper_dump_note(self, query: Optional["_Query"], data: Any) -> Optional[str]:
        """The note of a test's load of what a same-file helper returns when
        every ``return`` of that helper is a serializer's in-memory result
        (:func:`helper_dumps`): ``pickle.loads(_payload())``, or a name of
        the test bound once to that call, also wrapped in ``io.BytesIO``."""
        function = self._test_function()
        if function is None or query is None or data is None:
            return None
        call = _unwrap_buffer(self.ctx, data)  # type: ignore[attr-defined]
        if isinstance(call, cst.Name):
            found = query.scope.bindings.get(call.value)
            if not found or len(found) != 1 or found[0].kind != "assign" or not query.scope.before(found[0].node, query.load):
                return None
            call = _unwrap_buffer(self.ctx, found[0].value)  # type: ignore[attr-defined]
        if not isinstance(call, cst.Call):
            return None
        func = call.func
        if isinstance(func, cst.Name) and func.value in query.scope.bindings:
            return None  # a local, not a module's function
        if not isinstance(func, cst.Name) or func.value in self.ctx.imports.aliases or func.value in self.ctx.facts.relative_imports:  # type: ignore[attr-defined]
            # a function of another module of the project (since session 15)
            project = project_function(self.ctx, getattr(self.unit, "path", None), func)  # type: ignore[attr-defined]
            if project is None:
                return None
            path, tree, name, module = project
            self.unit.extra["reads_other_lines"] = True  # type: ignore[attr-defined]
            self.unit.extra.setdefault("read_files", set()).add(str(path))  # type: ignore[attr-defined]
            from mlwarden.core.bindings import ModuleFacts

            found = helper_dumps(self.ctx, name, None, tree=tree, aliases=ModuleFacts.from_ast(tree).imports)
            if found is None:
                return None
            dumper, line = found
            return PROJECT_HELPER_NOTE.format(name, module, dumper, line)
        name = func.value
        code = getattr(self.unit, "code", None)  # type: ignore[attr-defined]
        # the verdict reads the helper elsewhere in the file, and the message names its line
        self.unit.extra["reads_other_lines"] = True  # type: ignore[attr-defined]
        found = helper_dumps(self.ctx, name, getattr(code, "source", None))  # type: ignore[attr-defined]
        if found is None:
            return None
        dumper, line = found
        return HELPER_NOTE.format(name, dumper, line)

    def _transform_note(self, query: Optional["_Query"], data: Any) -> Optional[str]:
        """The note of a load of what a transformation (:func:`helper_transforms`)
        makes from serializer output this code produced in memory: ``s =
        pickle.dumps(obj)``; ``s2 = _downgrade(s, 2)``; ``pickle.loads(s2)``
        (the call in place, or a name bound once to it before the load, also
        in ``io.BytesIO``). The function is one of this file, or one the file
        imports from another module of the project (:func:`project_function`:
        read from that module with its own imports). Every argument of the
        call is such output (at least one) or a literal; no starred argument.
        In a ``test*`` function, an argument of a project module's function
        may also be a value the test builds (:meth:`_test_built`)."""
        if query is None or data is None:
            return None
        call = _unwrap_buffer(self.ctx, data)  # type: ignore[attr-defined]
        if isinstance(call, cst.Name):
            found = query.scope.bindings.get(call.value)
            if not found or len(found) != 1 or found[0].kind != "assign" or not query.scope.before(found[0].node, query.load):
                return None
            call = _unwrap_buffer(self.ctx, found[0].value)  # type: ignore[attr-defined]
        if not isinstance(call, cst.Call) or not call.args:
            return None
        func = call.func
        project = None
        if isinstance(func, cst.Name) and func.value in query.scope.bindings and not query.scope.is_module:
            return None  # a local (the module's own `def`: checked below)
        if any(arg.star for arg in call.args) or not any(query.produced(arg.value) for arg in call.args):
            return None  # cheap first: no serializer output of this code among the arguments
        if not isinstance(func, cst.Name) or func.value in self.ctx.imports.aliases or func.value in self.ctx.facts.relative_imports:  # type: ignore[attr-defined]
            project = project_function(self.ctx, getattr(self.unit, "path", None), func)  # type: ignore[attr-defined]
            if project is None:
                return None
        test = self._test_function() if project is not None else None
        produced = None
        built = False
        for arg in call.args:
            if arg.star:
                return None
            if query.produced(arg.value):
                if produced is None:
                    produced = self.ctx.module.code_for_node(arg.value)  # type: ignore[attr-defined]
                continue
            if _literal_expr(arg.value):
                continue
            if test is not None and self._test_built(test, query, arg.value):
                built = True
                continue
            return None
        if produced is None:
            return None
        if len(produced) > 40:
            produced = produced[:37] + "..."
        code = getattr(self.unit, "code", None)  # type: ignore[attr-defined]
        # the verdict reads the helper elsewhere in the file (or in another
        # module, recorded for the results cache), and the message names its line
        self.unit.extra["reads_other_lines"] = True  # type: ignore[attr-defined]
        if project is None:
            line = helper_transforms(self.ctx, func.value, getattr(code, "source", None))  # type: ignore[attr-defined]
            if line is None:
                return None
            return TRANSFORM_NOTE.format(func.value, line, produced)
        path, tree, name, module = project
        self.unit.extra.setdefault("read_files", set()).add(str(path))  # type: ignore[attr-defined]
        from mlwarden.core.bindings import ModuleFacts

        line = helper_transforms(self.ctx, name, None, tree=tree, aliases=ModuleFacts.from_ast(tree).imports)
        if line is None:
            return None
        return PROJECT_TRANSFORM_NOTE.format(name, module, line, produced, TEST_BUILT_NOTE if built else "")

    def _test_built(self, test: Any, query: "_Query", expr: Any, depth: int = 0) -> bool:
        """``expr``, an argument of a project function in the test ``test``,
        is a value the test builds in this process from code written here:
        literals, containers, attribute and item reads, and calls, where
        every name is a parameter of the test that its own
        ``pytest.mark.parametrize`` fills (values written in the decorator,
        not ``indirect``), a name the test binds once before the load to
        such a value, or a ``def`` nested in the test (called, not passed)
        whose body reads nothing from outside (:func:`_quiet_nested`); a
        call's callee is such a ``def`` or a builtin of :data:`_PURE_BUILTINS`.
        A fixture parameter, an import, a module global, a lambda or any
        other call is not followed."""
        if depth > 4:
            return False
        parents = query.scope.parent
        for node in _walk_nodes(expr):
            if isinstance(node, (cst.Lambda, cst.Await, cst.Yield, cst.GeneratorExp, cst.ListComp, cst.SetComp, cst.DictComp)):
                return False
            if isinstance(node, cst.Call):
                callee = node.func
                if not isinstance(callee, cst.Name):
                    return False
                found = query.scope.bindings.get(callee.value)
                if found:
                    if len(found) != 1 or not isinstance(found[0].node, cst.FunctionDef) or not _quiet_nested(self.ctx, found[0].node, getattr(self.unit, "path", None)):  # type: ignore[attr-defined]
                        return False
                elif callee.value not in _PURE_BUILTINS or callee.value in self.ctx.imports.aliases or callee.value in self.ctx.facts.bound_anywhere:  # type: ignore[attr-defined]
                    return False
                continue
            if not isinstance(node, cst.Name):
                continue
            parent = parents.get(id(node))
            if isinstance(parent, cst.Attribute) and parent.attr is node:
                continue  # `obj.attr`: the attribute's name
            if isinstance(parent, cst.Arg) and parent.keyword is node:
                continue
            if isinstance(parent, cst.Call) and parent.func is node:
                continue  # checked above
            found = query.scope.bindings.get(node.value)
            if not found:
                if node.value in ("None", "True", "False"):
                    continue
                return False
            if len(found) != 1:
                return False
            binding = found[0]
            if binding.kind == "param":
                if not _parametrized(test, node.value):
                    return False
            elif binding.kind == "assign":
                if not query.scope.before(binding.node, query.load) or not self._test_built(test, query, binding.value, depth + 1):
                    return False
            else:
                return False
        return True

    def _setstate_state(self, query: "_Query", data: Any) -> bool:
        """``data`` is the state parameter of the class's ``__setstate__``
        (``def __setstate__(self, state): self.x = pickle.loads(state)``),
        not rebound: the bytes come from the unpickle that is running this
        method, which already runs whatever the stream asks."""
        stack = self._rt_stack()
        if len(stack) < 2 or not isinstance(stack[-1], cst.FunctionDef) or not isinstance(stack[-2], cst.ClassDef):
            return False
        function = stack[-1]
        params = function.params
        if function.name.value != "__setstate__" or len(params.params) != 2 or params.posonly_params or function.decorators:
            return False
        name = params.params[1].name.value
        if _state_root(data) is None or _state_root(data).value != name:
            return False
        if not all(b.kind == "param" for b in query.scope.bindings.get(name, ())):
            return False
        # a part of the state (`state[k]`, `state.get("k")`) is the stream's
        # too, as long as nothing in the method puts other data into the
        # state: every other use of the name reads a part of it, copies it,
        # hands it to a parent's `__setstate__`, or stores back what the same
        # loader returned (`state[k] = cloudpickle.loads(state[k])`)
        load_func = _code(self.ctx, query.load.func)
        scope = query.scope
        loops = {id(n) for n in scope.ancestors(query.load) if isinstance(n, (cst.For, cst.While))}
        for use in scope.names.get(name, ()):
            if scope.before(query.load, use) and not any(id(n) in loops for n in scope.ancestors(use)):
                continue  # after the load, outside any loop around it: cannot feed it
            if not self._state_use_ok(scope, use, load_func):
                return False
        return True

    def _state_use_ok(self, scope: "ScopeIndex", use: Any, load_func: str) -> bool:
        top = use
        while True:
            parent = scope.parent.get(id(top))
            if isinstance(parent, cst.Subscript) and parent.value is top:
                top = parent
            elif isinstance(parent, cst.Attribute) and parent.value is top and parent.attr.value in _STATE_READS:
                call = scope.parent.get(id(parent))
                if not (isinstance(call, cst.Call) and call.func is parent and _state_read_args(call)):
                    return False
                top = call
            else:
                break
        parent = scope.parent.get(id(top))
        if parent is None:
            return False
        if isinstance(parent, cst.AssignTarget) and parent.target is top:
            if top is use:
                return False  # `state = ...`: a binding, never a parameter then (checked above)
            assign = scope.parent.get(id(parent))
            value = getattr(assign, "value", None)
            return isinstance(value, cst.Call) and _code(self.ctx, value.func) == load_func
        if isinstance(parent, (cst.AugAssign, cst.Del)):
            return False
        if top is not use:
            return True  # a read of a part: `x = state["k"]`, `f(state.get("k"))`
        # the whole state: a copy (`dict(state)`), a parent's `__setstate__`, or a loop over it
        if isinstance(parent, cst.Arg) and parent.value is top:
            call = scope.parent.get(id(parent))
            if isinstance(call, cst.Call):
                func = call.func
                if isinstance(func, cst.Name) and func.value in ("dict", "list", "len", "sorted", "isinstance"):
                    return True
                if isinstance(func, cst.Attribute) and func.attr.value == "__setstate__":
                    return True
            return False
        if isinstance(parent, cst.Attribute) and parent.value is top and parent.attr.value in ("items", "keys", "values", "copy"):
            call = scope.parent.get(id(parent))
            return isinstance(call, cst.Call) and call.func is parent and not call.args
        if isinstance(parent, (cst.For, cst.CompFor)) and parent.iter is top:
            return True
        if isinstance(parent, cst.Comparison) or isinstance(parent, cst.ComparisonTarget):
            return True  # `"k" in state`
        return False

    def _written_here_note(self, call: Any, data: Any, cache: bool = False) -> Optional[str]:
        """The note of a module-level load of a file this file wrote earlier
        (:mod:`._samefile`), or with ``cache``, of the read side of a
        load-or-build cache (:func:`._samefile.cache_note`), naming where
        the file is written; None otherwise."""
        from mlwarden.rules._samefile import cache_note, written_note

        unit = getattr(self, "unit", None)
        code = getattr(unit, "code", None)
        line_of = getattr(self.ctx, "_line_of", None)  # type: ignore[attr-defined]
        if code is None or line_of is None:
            return None
        line = line_of(call)
        module = self.ctx.module  # type: ignore[attr-defined]
        handle = data.value if isinstance(data, cst.Name) else None
        path_code = module.code_for_node(data)
        written = (cache_note if cache else written_note)(getattr(code, "source", None), line, path_code, handle, WRITERS)
        if written is None:
            return None
        where = code.locate(written, 0)
        # the message names a line: not a judgment to keep for an edited
        # text, where that line may have moved (core/incremental.py)
        unit.extra["reads_other_lines"] = True
        place = f"cell {where.cell}, line {where.line}" if where.cell is not None else f"line {where.line}"
        return (CACHE_NOTE if cache else WRITTEN_HERE_NOTE).format(place)

    def check_loader(self, node: Any, targets: Any, reference_message: str, message: Optional[str] = None) -> None:
        """The common ``visit_Call`` of a loader rule: a call to one of
        ``targets`` is reported unless it is a round trip; a target handed
        over as a function (``map(joblib.load, paths)``) is reported with
        ``reference_message`` (``{}`` is the target)."""
        from mlwarden.rules._helpers import passed_references

        target = self.ctx.call_to(node, targets)  # type: ignore[attr-defined]
        if target:
            if not self.round_trip(node, target):
                self.report_load(node, target, message.format(target) if message else None)
            return
        for value, found in passed_references(self.ctx, node, targets):  # type: ignore[attr-defined]
            self.report(value, reference_message.format(found))  # type: ignore[attr-defined]

    def round_trip(self, call: Any, target: str, data: Any = None, check_shadow: bool = True) -> bool:
        """True when the data ``call`` (a call to ``target``) loads was
        produced by a matching dump in the same scope (see module docs), or
        when ``call`` is not the library's function at all because the
        function binds the import's name locally (``yaml = YAML()``,
        ``def f(pickle): pickle.loads(x)``). ``data`` overrides the data
        argument found from :data:`DATA_ARG`."""
        if check_shadow and self.shadowed(call):
            return True
        if data is None:
            spec = DATA_ARG.get(target, (0, ""))
            data = self.ctx.arg(call, spec[0], spec[1] or None)
            if data is None:
                return False
        if isinstance(data, cst.Call):  # `pickle.loads(pickle.dumps(x))`: ours wherever it is (a lambda too)
            name = next((n for n in self.ctx.qualnames(data.func) if n in DUMPS), None)
            if name is not None and not (name in _STREAM_OPTIONAL and self.ctx.arg(data, 1, "stream") is not None):
                return True
        query = self._rt_query(call)
        if query is None:
            return False
        try:
            return query.data_is_ours(data)
        except RecursionError:
            raise
        except Exception:  # noqa: BLE001 - an analysis problem must never hide a finding
            return False
