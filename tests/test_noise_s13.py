"""Session 13: savers called with ``**options`` and with objects the test
built, and Keras ``safe_mode`` switched off on a round trip.

1. A project saver (``save_*``/``export_*``/``write_*``…) that writes a
   fresh temporary path: a ``**options`` argument adds keywords only, and it
   cannot replace a path passed by position (that is a ``TypeError``), so
   it is judged as keywords are (``model.export(tmp, **kw)`` is a round
   trip). ``*args`` may carry the path or the data at any position: still
   not followed.
2. In test code, ``export_saved_model(model, tmp, **kw)``: the other
   positional arguments are objects the test built just before (a class
   instantiated, also one defined in the test; a builder function of the
   file; a method of the test class): the saver writes that object's state,
   not bytes that were read or fetched. A parameter, a download or a load
   does not count, nor does the same code outside tests.
3. A model loader that only reads the path (``tf.saved_model.load``,
   ``keras...load_model``) between an earlier write and the load under
   judgement adds no bytes to the file.
4. MLW108: ``load_model(p, safe_mode=False)`` (or an unverifiable value) of
   a model this code saved at ``p`` just before is low, with the reason.

On BASE (4702682) every "not a finding" / "low" case below was reported
(MLW119 medium, MLW102 and MLW108 high). Every case goes through
``findings``: fast path == equivalence mode.
"""

from __future__ import annotations

import pytest

from test_noise_optin import findings

from mlwarden.core.finding import Severity

# -- 1-3. savers -----------------------------------------------------------------------------

ROUND_TRIPS = {
    # a method saver with **options into a test case's temp folder (MLW119)
    "method-export-kwargs": (
        "MLW119",
        """
        import os
        import tensorflow as tf
        from keras.src import testing

        class ExportTest(testing.TestCase):
            def setUp(self):
                self.opts = {"verbose": False}

            def test_export(self):
                target = os.path.join(self.get_temp_dir(), "exported")
                net = make_net()
                net.export(target, **self.opts)
                served = tf.saved_model.load(target)
                self.assertIsNotNone(served)
        """,
        "src/pkg/export_test.py",
    ),
    # pytest tmp_path, a saver function of the project with a built object and **options (MLW119)
    "function-saver-built-object": (
        "MLW119",
        """
        import tensorflow as tf
        from mylib.exporting import export_graph

        def _tiny_model(width):
            return Dense(width)

        def test_graph_export(tmp_path, flags):
            out_dir = str(tmp_path / "graph")
            mdl = _tiny_model(4)
            export_graph(mdl, out_dir, **flags)
            loaded = tf.saved_model.load(out_dir)
            assert loaded is not None
        """,
        "tests/test_exporting.py",
    ),
    # an imported class instantiated in the test, a positional option object built in place (MLW119)
    "imported-class-and-options": (
        "MLW119",
        """
        import tempfile
        import tensorflow as tf
        from mylib import archive

        def test_archive():
            folder = tempfile.mkdtemp()
            arch = archive.GraphArchive(size=3)
            archive.write_archive(arch, folder, tf.saved_model.SaveOptions(experimental_io_device="/cpu:0"))
            return tf.saved_model.load(folder)
        """,
        "tests/test_archive.py",
    ),
    # a class defined in the test itself, saved by a method of the test case (MLW102)
    "local-class-torch": (
        "MLW102",
        """
        import os
        import unittest
        import torch

        class CheckpointTest(unittest.TestCase):
            def test_checkpoint(self):
                class Small(torch.nn.Module):
                    pass

                model = Small()
                ckpt = os.path.join(self.create_tempdir().full_path, "c.pt")
                save_checkpoint(model, ckpt, **self.extra)
                state = torch.load(ckpt)
                self.assertIn("w", state)
        """,
        "tests/test_ckpt.py",
    ),
    # a builder method of the test class; the file read back once before the second write (MLW119)
    "builder-method-and-reader-between": (
        "MLW119",
        """
        import tensorflow as tf

        class RoundTripTest(tf.test.TestCase):
            def build(self):
                return Net()

            def test_twice(self):
                path = self.get_temp_dir()
                first = self.build()
                export_model(first, path, **self.kw)
                tf.saved_model.load(path)
                second = self.build()
                export_model(second, path, **self.kw)
                return tf.saved_model.load(path)
        """,
        "tests/test_twice.py",
    ),
}


@pytest.mark.parametrize("name", sorted(ROUND_TRIPS))
def test_saver_round_trips_are_not_findings(name):
    rule, code, filename = ROUND_TRIPS[name]
    assert findings(code, rule, filename) == []


NOT_ROUND_TRIPS = {
    # *args may carry the path or the data anywhere
    "star-args": (
        "MLW119",
        ROUND_TRIPS["method-export-kwargs"][1].replace("net.export(target, **self.opts)", "net.export(target, *self.opts)"),
        "src/pkg/export_test.py",
    ),
    # the object is a parameter (a fixture: we cannot see what it holds)
    "object-parameter": (
        "MLW119",
        ROUND_TRIPS["function-saver-built-object"][1].replace("            mdl = _tiny_model(4)\n", "").replace("(tmp_path, flags)", "(tmp_path, flags, mdl)"),
        "tests/test_exporting.py",
    ),
    # the object is bytes the test downloaded: a saver may write them verbatim
    "object-downloaded": (
        "MLW102",
        """
        import torch
        import requests

        def test_cache(tmp_path):
            blob = requests.get(URL).content
            save_blob(blob, tmp_path / "c.pt", **OPTS)
            return torch.load(tmp_path / "c.pt")
        """,
        "tests/test_cache.py",
    ),
    # the object was loaded from elsewhere
    "object-loaded": (
        "MLW119",
        ROUND_TRIPS["function-saver-built-object"][1].replace("mdl = _tiny_model(4)", "mdl = load_graph(SOURCE)"),
        "tests/test_exporting.py",
    ),
    # the same code outside test code
    "not-test-code": (
        "MLW119",
        """
        import tempfile
        import tensorflow as tf

        def _tiny_model(width):
            return Dense(width)

        def convert(flags):
            out_dir = tempfile.mkdtemp()
            mdl = _tiny_model(4)
            export_graph(mdl, out_dir, **flags)
            return tf.saved_model.load(out_dir)
        """,
        "pkg/convert.py",
    ),
    # something else is handed the folder between the write and the load
    "copy-between": (
        "MLW119",
        ROUND_TRIPS["function-saver-built-object"][1].replace(
            "            loaded = tf.saved_model.load(out_dir)\n",
            "            sync_from_bucket(BUCKET, out_dir)\n            loaded = tf.saved_model.load(out_dir)\n",
        ),
        "tests/test_exporting.py",
    ),
}


@pytest.mark.parametrize("name", sorted(NOT_ROUND_TRIPS))
def test_other_saver_calls_are_still_reported(name):
    rule, code, filename = NOT_ROUND_TRIPS[name]
    found = findings(code, rule, filename)
    assert found, "the load must still be reported"
    assert all(severity is not Severity.LOW for _, severity, _ in found)


def test_the_round_trip_needs_the_temp_path():
    # the same saver into a folder we cannot see is reported
    rule, code, filename = ROUND_TRIPS["function-saver-built-object"]
    code = code.replace('out_dir = str(tmp_path / "graph")', "out_dir = settings.export_dir")
    assert [s for _, s, _ in findings(code, rule, filename)] == [Severity.MEDIUM]


# -- 4. MLW108 safe_mode off on a round trip --------------------------------------------------

KERAS_LAMBDA = """
import os
from keras.src import saving, testing

class LambdaTest(testing.TestCase):
    def test_lambda(self{PARAM}):
        net = build_lambda_net()
        where = os.path.join({TEMP}, "lam.keras")
        net.save(where)
        return saving.load_model(where, safe_mode={SAFE})
"""


@pytest.mark.parametrize("safe, param", [("False", ""), ("safe_mode", ", safe_mode")])
def test_safe_mode_off_on_a_round_trip_is_low(safe, param):
    code = KERAS_LAMBDA.replace("{PARAM}", param).replace("{SAFE}", safe)
    own = findings(code.replace("{TEMP}", "self.get_temp_dir()"), "MLW108", "tests/test_lambda.py")
    assert [s for _, s, _ in own] == [Severity.LOW]
    assert "saved the model (or serialized the config) just before" in own[0][2]
    # a folder we cannot see: high, as before
    other = findings(code.replace("{TEMP}", "self.shared_dir()"), "MLW108", "tests/test_lambda.py")
    assert [s for _, s, _ in other] == [Severity.HIGH]


def test_safe_mode_off_without_a_save_stays_high():
    code = KERAS_LAMBDA.replace("{PARAM}", "").replace("{SAFE}", "False").replace("        net.save(where)\n", "")
    got = findings(code.replace("{TEMP}", "self.get_temp_dir()"), "MLW108", "tests/test_lambda.py")
    assert [s for _, s, _ in got] == [Severity.HIGH]


# -- 5. a checkpoint callback of the test wrote the file during training ------------------------

KERAS_CKPT = """
import os
from keras.src import callbacks, saving, testing

class CheckpointTest(testing.TestCase):
    def test_best_only(self):
        model = build_net()
        filepath = os.path.join({TEMP}, "ckpt.keras")
        cbks = [callbacks.ModelCheckpoint(filepath, monitor="loss", save_best_only=True)]
        model.fit(self.x, self.y, callbacks=cbks, epochs=1)
        restored = saving.load_model(filepath)
        self.assertIsNotNone(restored)
"""

LIGHTNING_CKPT = """
import torch
from lightning.pytorch import Trainer
from lightning.pytorch.callbacks import ModelCheckpoint

def test_last_checkpoint(tmp_path):
    saver = ModelCheckpoint(dirpath=tmp_path, save_last=True)
    trainer = Trainer(max_epochs=1, callbacks=[saver])
    trainer.fit(TinyModule())
    state = torch.load(tmp_path / "last.ckpt")
    assert "state_dict" in state
"""

EPOCH_PATTERN = """
import os
import tempfile
import tensorflow as tf
from keras import callbacks as cb_lib

def test_epoch_files():
    folder = tempfile.mkdtemp()
    model = build_net()
    model.fit(
        X, Y, epochs=2,
        callbacks=[cb_lib.ModelCheckpoint(os.path.join(folder, "{epoch:1d}"))],
    )
    return tf.saved_model.load(os.path.join(folder, "2"))
"""

CHECKPOINTS = {
    "keras-list": ("MLW108", KERAS_CKPT.replace("{TEMP}", "self.get_temp_dir()"), "tests/test_ckpt.py"),
    "lightning-trainer": ("MLW102", LIGHTNING_CKPT, "tests/test_trainer.py"),
    "epoch-pattern-in-place": ("MLW119", EPOCH_PATTERN, "tests/test_epochs.py"),
}


@pytest.mark.parametrize("name", sorted(CHECKPOINTS))
def test_checkpoint_written_by_the_tests_training_is_low(name):
    rule, code, filename = CHECKPOINTS[name]
    got = findings(code, rule, filename)
    assert [s for _, s, _ in got] == [Severity.LOW], got
    assert "checkpoint callback made with this fresh temporary path" in got[0][2]


def _ranks(rule, code, filename):
    return [s for _, s, _ in findings(code, rule, filename)]


CHECKPOINT_KEPT = {
    # the folder is not a fresh temporary one
    "not-temp": ("MLW108", KERAS_CKPT.replace("{TEMP}", "self.shared_dir()"), "tests/test_ckpt.py"),
    # training runs after the load
    "fit-after-load": (
        "MLW102",
        LIGHTNING_CKPT.replace("    trainer.fit(TinyModule())\n", "").replace(
            '    assert "state_dict" in state\n', '    trainer.fit(TinyModule())\n    assert "state_dict" in state\n'
        ),
        "tests/test_trainer.py",
    ),
    # the callback never reaches a training call
    "never-trained": (
        "MLW102",
        LIGHTNING_CKPT.replace("callbacks=[saver]", "callbacks=[]"),
        "tests/test_trainer.py",
    ),
    # something else is handed the folder after training
    "download-after-fit": (
        "MLW102",
        LIGHTNING_CKPT.replace(
            "    trainer.fit(TinyModule())\n", "    trainer.fit(TinyModule())\n    fetch_checkpoint(URL, tmp_path)\n"
        ),
        "tests/test_trainer.py",
    ),
    # a callback that is not a checkpoint writer
    "not-a-checkpoint": (
        "MLW102",
        LIGHTNING_CKPT.replace("ModelCheckpoint", "CSVLogger"),
        "tests/test_trainer.py",
    ),
    # the same code outside test code
    "not-test-code": (
        "MLW102",
        LIGHTNING_CKPT.replace("def test_last_checkpoint(tmp_path):", "def train(tmp_path):"),
        "pkg/train.py",
    ),
}


@pytest.mark.parametrize("name", sorted(CHECKPOINT_KEPT))
def test_other_checkpoint_shapes_keep_their_rank(name):
    rule, code, filename = CHECKPOINT_KEPT[name]
    got = findings(code, rule, filename)
    assert got and all(s is not Severity.LOW for _, s, _ in got), got


# -- 6. MLW113: a shelf whose values this code never reads ---------------------------------------

NEVER_READ = [
    # only its keys
    "import shelve\ndef names(path):\n    with shelve.open(path, 'r') as shelf:\n        return set(shelf.keys())\n",
    # iteration, membership, len, the raw bytes
    "import shelve as sv\ndef raw(path):\n    db = sv.open(path)\n    pairs = [(k, db.dict[k.encode()]) for k in db]\n    assert 'a' in db and len(db) == 2\n    db.close()\n    return pairs\n",
    # writes only
    "from shelve import open as shelf_open\ndef store(path, items):\n    with shelf_open(path, flag='c') as out:\n        out.update(items)\n        out['manifest'] = sorted(items)\n        del out['tmp']\n",
]


@pytest.mark.parametrize("code", NEVER_READ)
def test_shelf_whose_values_are_never_read_is_low(code):
    got = findings(code, "MLW113")
    assert [s for _, s, _ in got] == [Severity.LOW], got
    assert "never reads a value from the shelf" in got[0][2]


READ_SHELVES = [
    "import shelve\ndef f(path):\n    with shelve.open(path) as s:\n        return s['k']\n",
    "import shelve\ndef f(path):\n    with shelve.open(path) as s:\n        return list(s.items())\n",
    "import shelve\ndef f(path):\n    with shelve.open(path) as s:\n        return s.get('k')\n",
    "import shelve\ndef f(path):\n    with shelve.open(path) as s:\n        s.clear()\n",
    "import shelve\ndef f(path):\n    s = shelve.open(path)\n    return s\n",
    "import shelve\ndef f(path):\n    s = shelve.open(path)\n    consume(s)\n",
    "import shelve\ndef f(path):\n    s = shelve.open(path)\n    return lambda: s['k']\n",
    "import shelve\ndef f(path):\n    s = shelve.open(path)\n    s = other\n    return s.keys()\n",
    "import shelve\ndef f(path):\n    with shelve.open(path) as s:\n        return dict(s)\n",
    "import shelve\nwith shelve.open(path) as s:\n    keys = s.keys()\n",
]


@pytest.mark.parametrize("code", READ_SHELVES)
def test_shelf_read_or_handed_on_keeps_its_rank(code):
    assert [s for _, s, _ in findings(code, "MLW113")] == [Severity.HIGH]


# -- 7. a payload helper with a class (or function) defined inside it ---------------------------

NESTED_HELPER = """
import pickle
import numpy

def _crafted():
    class Gadget:
        def __reduce__(self):
            return (numpy.ndarray, (0,))

    def unused():
        return download_blob()

    return pickle.dumps(Gadget(), protocol=5)

def test_plain_loader_builds_it():
    payload = _crafted()
    assert pickle.loads(payload) is not None
"""


def test_helper_with_a_nested_payload_class_is_low():
    got = findings(NESTED_HELPER, "MLW101", "tests/test_gadgets.py")
    assert [s for _, s, _ in got] == [Severity.LOW], got
    assert "_crafted()" in got[0][2]


@pytest.mark.parametrize(
    "change",
    [
        # the helper's own return hands out something else
        ("    return pickle.dumps(Gadget(), protocol=5)\n", "    return unused()\n"),
        # a generator
        ("    return pickle.dumps(Gadget(), protocol=5)\n", "    yield pickle.dumps(Gadget())\n"),
    ],
)
def test_helper_returning_other_data_keeps_its_rank(change):
    got = findings(NESTED_HELPER.replace(*change), "MLW101", "tests/test_gadgets.py")
    assert [s for _, s, _ in got] == [Severity.HIGH], got


# -- 8. a test whose data is fixed in the code: parametrized literals, a buffer over a literal ---

LITERAL_TESTS = {
    "parametrize-constants-buffer": """
        import io
        import pickle
        import pytest

        _PERSID = b"P0\\n."
        _BINPERSID = b"\\x80\\x02Q."

        @pytest.mark.parametrize("payload", [_PERSID, _BINPERSID], ids=["text", "binary"])
        def test_stock_unpickler_refuses(payload):
            with pytest.raises(pickle.UnpicklingError):
                pickle.Unpickler(io.BytesIO(payload)).load()
    """,
    "parametrize-two-names-and-param": """
        import dill
        from pytest import mark, param

        @mark.parametrize(("expected", "blob"), [(1, b"cos\\nsystem\\n."), param(2, "abc".encode(), id="text")])
        def test_gadget(expected, blob):
            dill.loads(blob)
    """,
    "buffer-over-a-literal": """
        import io
        import pickle

        def test_inline_gadget():
            pickle.load(io.BytesIO(b"cos\\nsystem\\n(S'true'\\ntR."))
    """,
}


@pytest.mark.parametrize("name", sorted(LITERAL_TESTS))
def test_data_fixed_in_the_test_is_low(name):
    got = findings(LITERAL_TESTS[name], "MLW101", "tests/test_security.py")
    assert [s for _, s, _ in got] == [Severity.LOW], got
    assert "the data is a literal in the code" in got[0][2]


NOT_LITERAL_TESTS = {
    # one value is computed at run time
    "computed-value": LITERAL_TESTS["parametrize-constants-buffer"].replace("[_PERSID, _BINPERSID]", "[_PERSID, fetch_payload()]"),
    # the parameter is rebound in the test
    "rebound": LITERAL_TESTS["parametrize-constants-buffer"].replace(
        "            with pytest.raises", "            payload = receive(payload)\n            with pytest.raises"
    ),
    # indirect: the values go to a fixture first
    "indirect": LITERAL_TESTS["parametrize-constants-buffer"].replace('ids=["text", "binary"]', "indirect=True"),
    # not a test function
    "not-a-test": LITERAL_TESTS["parametrize-constants-buffer"].replace("def test_stock_unpickler_refuses", "def check_stock"),
    # a buffer over bytes read from a file
    "buffer-over-a-file": """
        import io
        import pickle

        def test_file_gadget():
            pickle.load(io.BytesIO(open(PATH, "rb").read()))
    """,
}


@pytest.mark.parametrize("name", sorted(NOT_LITERAL_TESTS))
def test_data_not_fixed_in_the_test_keeps_its_rank(name):
    got = findings(NOT_LITERAL_TESTS[name], "MLW101", "tests/test_security.py")
    assert [s for _, s, _ in got] == [Severity.HIGH], got


# -- 9. MLW108: deserialize_keras_object of a config this function just serialized -------------

KERAS_CONFIG = """
import json
from keras.src.saving import serialization_lib

class SerializationTest:
    def roundtrip(self, obj, safe_mode=True):
        serialized = serialization_lib.serialize_keras_object(obj)
        text = json.dumps(serialized)
        data = json.loads(text)
        return serialization_lib.deserialize_keras_object(data, safe_mode=safe_mode)

    def test_lambda(self):
        self.roundtrip(make_lambda_layer(), safe_mode=False)
"""


def test_deserialize_of_own_serialized_config_is_low():
    got = findings(KERAS_CONFIG, "MLW108", "tests/test_serialization.py")
    assert [s for _, s, _ in got] == [Severity.LOW], got


@pytest.mark.parametrize(
    "change",
    [
        ("text = json.dumps(serialized)", "text = fetch_config(URL)"),
        ("data = json.loads(text)", "data = json.loads(text)\n        data = patch(data)"),
    ],
)
def test_deserialize_of_other_config_keeps_its_rank(change):
    got = findings(KERAS_CONFIG.replace(*change), "MLW108", "tests/test_serialization.py")
    assert [s for _, s, _ in got] == [Severity.HIGH], got


@pytest.mark.parametrize(
    "built",
    ["io.BytesIO(requests.get(URL).content)", "pathlib.Path(downloaded)", "zipfile.ZipFile(downloaded)"],
)
def test_io_objects_are_not_objects_built_here(built):
    code = f"""
import io, pathlib, zipfile
import requests
import torch

def test_cache(tmp_path):
    obj = {built}
    save_blob(obj, tmp_path / "c.pt", **OPTS)
    return torch.load(tmp_path / "c.pt")
"""
    got = findings(code, "MLW102", "tests/test_cache.py")
    assert got and all(s is not Severity.LOW for _, s, _ in got), got
