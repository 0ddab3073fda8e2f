"""Session 12c: three more round-trip shapes.

1. A test case's per-test temporary folder (``self.get_temp_dir()`` of
   tf/keras ``TestCase``, absl's ``self.create_tempdir()`` /
   ``self.create_tempfile()``) is temporary like pytest's ``tmp_path``: a
   model saved into it and reloaded in the same test is a round trip. Only
   in a class whose base resolves to a tensorflow/keras/absl/unittest
   ``*TestCase`` (directly or through a class of the file), and only in test
   code; the same method of any other class is an ordinary method.
2. MLW113: ``shelve.open(path, "n")`` always creates a new, empty store:
   not a finding; the other flags are unchanged.
3. ``x = pickle.dumps(x)`` … ``pickle.loads(x)``: the name rebound to the
   dump on a straight line before the load is the in-memory round trip.

On BASE (1507ff2) every "not a finding" case below was reported. Every case
goes through ``findings``: fast path == equivalence mode.
"""

from __future__ import annotations

import pytest

from test_noise_optin import findings

from mlwarden.core.finding import Severity

# -- 1. test-case temporary folders ------------------------------------------------------

KERAS = """
import os
from keras.src import saving
from keras.src import testing

class SaveTest(testing.TestCase):
    def test_reload(self):
        path = os.path.join({TEMP}, "m.keras")
        self.model.save(path)
        return saving.load_model(path)
"""

TF_ALIAS = """
import os
import tensorflow as tf

class ExportTest(tf.test.TestCase):
    def test_export(self):
        export_dir = {TEMP}
        tf.saved_model.save(self.module, export_dir)
        restored = tf.saved_model.load(export_dir)
        self.assertIsNotNone(restored)
"""

ABSL_PICKLE = """
import os
import pickle
from absl.testing import absltest

class CacheTest(absltest.TestCase):
    def test_cache(self):
        target = {TEMP}
        with open(target, "wb") as f:
            pickle.dump({{"a": 1}}, f)
        with open(target, "rb") as f:
            return pickle.load(f)
"""

LOCAL_BASE = """
import os
import pickle
from absl.testing import parameterized as prm

class Base(prm.TestCase):
    pass

class MyTestCase(Base):
    pass

class StateTest(MyTestCase):
    def test_state(self):
        out = os.path.join({TEMP}, "state.pkl")
        with open(out, "wb") as fh:
            pickle.dump(self.state, fh)
        with open(out, "rb") as fh:
            self.assertEqual(pickle.load(fh), self.state)
"""

HELPER_METHOD = """
import os
import pickle
import unittest

class StateTest(unittest.TestCase):
    def _round_trip(self, obj):
        out = os.path.join({TEMP}, "obj.pkl")
        with open(out, "wb") as fh:
            pickle.dump(obj, fh)
        with open(out, "rb") as fh:
            return pickle.load(fh)
"""

CASES = {
    "keras-testing": ("MLW108", KERAS, "self.get_temp_dir()", "tests/test_saving.py"),
    "tf-alias-saved-model": ("MLW119", TF_ALIAS, "self.get_temp_dir()", "pkg/export_test.py"),
    "absl-tempdir-full-path": ("MLW101", ABSL_PICKLE, 'os.path.join(self.create_tempdir().full_path, "c.pkl")', "tests/cache_test.py"),
    "absl-tempfile": ("MLW101", ABSL_PICKLE, "self.create_tempfile().full_path", "tests/cache_test.py"),
    "local-base-chain": ("MLW101", LOCAL_BASE, "self.get_temp_dir()", "tests/test_state.py"),
    "helper-in-test-file": ("MLW101", HELPER_METHOD, "self.get_temp_dir()", "tests/test_state.py"),
    "test-method-outside-test-dir": ("MLW101", LOCAL_BASE, "self.get_temp_dir()", "pkg/state_checks.py"),
}


def _code(template, temp):
    return template.replace("{TEMP}", temp).replace("{{", "{").replace("}}", "}")


@pytest.mark.parametrize("name", sorted(CASES))
def test_test_case_temp_dir_is_a_round_trip(name):
    rule, template, temp, filename = CASES[name]
    # the same code writing to a folder we cannot see is reported: the temp dir is what changes it
    assert findings(_code(template, "self.shared_dir()"), rule, filename)
    assert findings(_code(template, temp), rule, filename) == []


NOT_TEMP = {
    # a get_temp_dir of a class that is not a test case
    "plain-class": (
        "MLW101",
        HELPER_METHOD.replace("import unittest\n", "").replace("(unittest.TestCase)", ""),
        "tests/test_state.py",
    ),
    # a project's own TestCase, not the framework's: its get_temp_dir may return anything
    "project-test-case": (
        "MLW101",
        HELPER_METHOD.replace("import unittest\n", "from myproj.testing import TestCase\n").replace("unittest.TestCase", "TestCase"),
        "tests/test_state.py",
    ),
    # a helper method of a test case in a file that is not test code
    "helper-outside-tests": ("MLW101", HELPER_METHOD, "pkg/state_checks.py"),
    # `self` is not the instance
    "self-rebound": (
        "MLW108",
        KERAS.replace("    def test_reload(self):\n", "    def test_reload(self):\n        self = self.other\n"),
        "tests/test_saving.py",
    ),
}


@pytest.mark.parametrize("name", sorted(NOT_TEMP))
def test_get_temp_dir_elsewhere_is_an_ordinary_method(name):
    rule, template, filename = NOT_TEMP[name]
    got = findings(_code(template, "self.get_temp_dir()"), rule, filename)
    assert got, "the load must still be reported"
    # exactly what the same code gets with any other method name
    other = findings(_code(template, "self.make_dir()"), rule, filename)
    assert [(line, sev) for line, sev, _ in got] == [(line, sev) for line, sev, _ in other]


def test_temp_dir_then_a_download_into_it_is_still_reported():
    code = _code(
        KERAS.replace("        self.model.save(path)\n", "        self.model.save(path)\n        fetch(URL, path)\n"),
        "self.get_temp_dir()",
    )
    assert [s for _, s, _ in findings(code, "MLW108", "tests/test_saving.py")] != []


# -- 2. MLW113 flag "n" ---------------------------------------------------------------------

NEW_SHELF = [
    "import shelve\nwith shelve.open(path, 'n') as db:\n    db['k'] = 1\n",
    "import shelve\ndb = shelve.open(filename=path, flag='n', writeback=True)\n",
    "import shelve as sv\nMODE = 'n'\ndef save(p, items):\n    with sv.open(p, MODE) as db:\n        db.update(items)\n",
    "from shelve import DbfilenameShelf\nDbfilenameShelf(path, 'nf')\n",
    "from shelve import open as shelf\ndef f(p):\n    db = shelf(p, flag='n')\n    db['x'] = 1\n    return db['x']\n",
]


@pytest.mark.parametrize("code", NEW_SHELF)
def test_shelve_opened_new_is_not_a_finding(code):
    assert findings(code, "MLW113") == []
    # the same call with the default flag is reported
    assert findings(code.replace("'n'", "'c'").replace("'nf'", "'c'"), "MLW113")


@pytest.mark.parametrize("flag", ["'c'", "'r'", "'w'", "mode", "'x'", "'nr'"])
def test_other_shelve_flags_are_unchanged(flag):
    code = f"import shelve\ndef f(path, mode):\n    return shelve.open(path, {flag})\n"
    assert [s for _, s, _ in findings(code, "MLW113")] == [Severity.HIGH]


def test_shelf_of_a_dbm_handle_is_unchanged():
    assert findings("import shelve, dbm\nshelve.Shelf(dbm.open(path, 'n'))\n", "MLW113")


# -- 3. x = pickle.dumps(x) -----------------------------------------------------------------

REBOUND = [
    "import pickle\ndef f(obj):\n    obj = pickle.dumps(obj)\n    return pickle.loads(obj)\n",
    "import pickle as pk\ndef f(data):\n    data = pk.dumps(data, protocol=4)\n    assert isinstance(data, bytes)\n    out = pk.loads(data)\n    return out\n",
    "import pickle\ndef f(x):\n    x = g(x)\n    x = pickle.dumps(x)\n    with ctx():\n        return pickle.loads(x)\n",
    "import cloudpickle, pickle\ndef f(fn):\n    fn = cloudpickle.dumps(fn)\n    return pickle.loads(fn)\n",
]


@pytest.mark.parametrize("code", REBOUND)
def test_name_rebound_to_its_dump_is_a_round_trip(code):
    assert findings(code, "MLW101") == []


KEPT = [
    # the dump does not run on every path to the load
    "import pickle\ndef f(x, c):\n    if c:\n        x = pickle.dumps(x)\n    return pickle.loads(x)\n",
    # rebound to something else after the dump
    "import pickle\ndef f(x, c):\n    x = pickle.dumps(x)\n    if c:\n        x = read(c)\n    return pickle.loads(x)\n",
    # the load runs before the dump in a loop
    "import pickle\ndef f(x):\n    for _ in range(2):\n        y = pickle.loads(x)\n        x = pickle.dumps(y)\n",
    # a global the function rebinds
    "import pickle\nBLOB = b''\ndef f(x):\n    global BLOB\n    BLOB = pickle.dumps(x)\n    return pickle.loads(BLOB)\n",
    # not a dump
    "import pickle\ndef f(x):\n    x = x.read()\n    return pickle.loads(x)\n",
]


@pytest.mark.parametrize("code", KEPT)
def test_other_rebindings_are_still_reported(code):
    assert findings(code, "MLW101")


# -- 1b. a path name rebound from one temp file to the next -----------------------------------

REBOUND_PATH = """
import os
import pickle
import tensorflow as tf

class T(tf.test.TestCase):
    def test_two(self):
        p = os.path.join(self.get_temp_dir(), "a.pkl")
        with open(p, "wb") as f:
            pickle.dump(1, f)
        with open(p, "rb") as f:
            first = pickle.load(f)
        p = os.path.join(self.get_temp_dir(), "b.pkl")
        with open(p, "wb") as f:
            pickle.dump(2, f)
        with open(p, "rb") as f:
            second = pickle.load(f)
        p = {LAST}
        with open(p, "rb") as f:
            return first, second, pickle.load(f)
"""


def test_path_rebound_to_another_temp_file_is_still_temporary():
    # the two reloads of what the test wrote are round trips; the third path reaches from outside
    got = findings(REBOUND_PATH.replace("{LAST}", 'os.environ["MODEL"]'), "MLW101", "tests/test_two.py")
    assert [(line, sev) for line, sev, _ in got] == [(20, Severity.HIGH)]


def test_a_temp_binding_that_may_not_reach_the_load_is_not_trusted():
    code = REBOUND_PATH.replace("        p = {LAST}\n", "        if os.environ.get('X'):\n            p = os.environ['X']\n")
    got = findings(code, "MLW101", "tests/test_two.py")
    assert [sev for _, sev, _ in got] == [Severity.HIGH]
