"""Edge cases of the MLW103–MLW115 deserialization rules beyond their own
VALID/INVALID examples: alias tables, constants, odd formatting, ``**kwargs``,
exact messages, severities and fix output."""

import json

import pytest

from mlwarden.core.config import Config
from mlwarden.core.engine import check_source
from mlwarden.core.finding import Severity
from mlwarden.core.names import canonical
from mlwarden.core.registry import rule_by_id
from mlwarden.testing import fix_all

MY_IDS = [f"MLW{n}" for n in range(103, 116)]


def found(code, *ids, filename="example.py"):
    """{(line, rule id)} for ``code`` with the given rules (default: all of ours)."""
    result = check_source(code, filename, config=Config(select=list(ids or MY_IDS)))
    assert not result.errors, result.errors
    return {(f.line, f.rule_id) for f in result.findings}


def findings(code, rule_id):
    result = check_source(code, "example.py", config=Config(select=[rule_id], severity=Severity.LOW))  # every severity
    assert not result.errors, result.errors
    return result.findings


# -- names ---------------------------------------------------------------


def test_distributed_c10d_is_canonicalised():
    assert canonical("torch.distributed.distributed_c10d.broadcast_object_list") == "torch.distributed.broadcast_object_list"
    assert canonical("torch.distributed.distributed_c10d") == "torch.distributed"
    assert canonical("torch.distributed.broadcast") == "torch.distributed.broadcast"


# -- alias tables: (code, rule) -> flagged on the last line ------------------

ALIASES = [
    ("import joblib as jb\njb.load(p)", "MLW103"),
    ("from sklearn.externals.joblib import load\nload(p)", "MLW103"),
    ("import sklearn.externals.joblib\nsklearn.externals.joblib.load(p)", "MLW103"),
    ("import pandas as pd\npd.read_pickle(p)", "MLW104"),
    ("from pandas.io.pickle import read_pickle\nread_pickle(p)", "MLW104"),
    ("import numpy as np\nnp.load(p, allow_pickle=True)", "MLW105"),
    ("import numpy\nnumpy.lib.npyio.load(p, allow_pickle=True)", "MLW105"),
    ("from numpy import load as npload\nnpload(p, allow_pickle=True)", "MLW105"),
    ("import yaml as y\ny.load(f)", "MLW106"),
    ("from yaml import load as yload, Loader\nyload(f, Loader)", "MLW106"),
    ("import yaml.cyaml\nimport yaml\nyaml.load(f, Loader=yaml.cyaml.CUnsafeLoader)", "MLW106"),
    ("from os import environ as env\nenv['TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD'] = '1'", "MLW107"),
    ("import os as o\no.environ.setdefault('TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD', 'y')", "MLW107"),
    ("import tensorflow as tf\ntf.keras.models.load_model(p, safe_mode=False)", "MLW108"),
    ("from tensorflow import keras\nkeras.models.load_model(p, safe_mode=False)", "MLW108"),
    ("from tensorflow.keras.models import load_model\nload_model(p, safe_mode=False)", "MLW108"),
    ("import tf_keras as k\nk.saving.load_model(p, safe_mode=False)", "MLW108"),
    ("from keras import config\nconfig.enable_unsafe_deserialization()", "MLW108"),
    ("import torch.distributed as dist\ndist.all_gather_object(o, x)", "MLW110"),
    ("import torch.distributed.distributed_c10d as c10d\nc10d.gather_object(x)", "MLW110"),
    ("from torch import distributed\ndistributed.scatter_object_list(o, i)", "MLW110"),
    ("import torch as t\nt.classes.load_library(p)", "MLW111"),
    ("from tensorflow import load_op_library\nload_op_library(p)", "MLW111"),
    ("import _pickle, marshal as ms\nms.load(f)", "MLW112"),
    ("from shelve import open as sopen\nsopen(p)", "MLW113"),
    ("from jsonpickle import loads as jl\njl(s)", "MLW114"),
    ("from skops import io as sio\nsio.load(p, trusted=True)", "MLW115"),
    ("import skops.io\nskops.io.loads(b, trusted=True)", "MLW115"),
]


@pytest.mark.parametrize("code, rule_id", ALIASES, ids=[f"{r}-{i}" for i, (_, r) in enumerate(ALIASES)])
def test_aliases(code, rule_id):
    last = len(code.splitlines())
    assert found(code) == {(last, rule_id)}


# -- look-alikes that must stay quiet -------------------------------------

QUIET = [
    "joblib = make_loader()\njoblib.load(p)",  # a local binding, not the library
    "def f(joblib):\n    return joblib.load(p)",  # a parameter
    "import joblib\nclass A:\n    def load(self):\n        pass\nA().load()",
    "import pandas as pd\npd.DataFrame().to_pickle(p)",
    "import numpy as np\nnp.load(p, allow_pickle=False, mmap_mode='r')",
    "import numpy as np\nnp.load()",  # no arguments at all
    "import numpy as np\nnp.load(*args)",
    "import yaml\nyaml.load(f, Loader=yaml.SafeLoader)  # comment",
    "import yaml\nyaml.load(\n    f,  # the stream\n    Loader=yaml.CSafeLoader,  # fast and safe\n)",
    "import yaml\nclass A(yaml.SafeLoader):\n    pass\nclass B(A):\n    pass\nyaml.load(f, Loader=B)",
    "import yaml\nyaml.add_constructor('!x', f, Loader=yaml.Loader)",
    "import yaml\nyaml.load(f, Loader=(yaml.CSafeLoader if fast else getattr(yaml, 'SafeLoader')))",
    "from ruamel.yaml import YAML\nyaml = YAML()\nyaml.load(f)",
    "import os\nos.environ['TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD'] = 'false'",
    "import os\nos.environ[1:2] = x",
    "import os\nos.environ.update()",
    "import os\nos.environ.update(other)",
    "import torch\ntorch.serialization.add_safe_globals()",
    "import torch\ntorch.serialization.add_safe_globals(my_list)",
    "import torch\ntry:\n    pass\nfinally:\n    torch.load(p, weights_only=True)",
    "import keras\nkeras.models.load_model('m.keras', safe_mode=1)",
    "import keras\nkeras.models.load_model('model.keras.bak')",
    "import keras\nMODEL = 'm.keras'\nkeras.models.load_model(MODEL, safe_mode=True)",
    "x = {'allow_dangerous_deserialization': False, **other}",
    "f(**{'allow_dangerous_deserialization': False})",
    "import torch.distributed as dist\ndist.send_object_list(o, dst=1)",
    "import tensorflow as tf\ntf.io.gfile.GFile(p)",
    "import marshal\nmarshal.dumps(x)",
    "import shelve\nshelve.Shelf",  # a reference, not a call
    "import skops.io as sio\nsio.load(p, trusted=())",
    "import skops.io as sio\nsio.load(p, trusted=False)",
]


@pytest.mark.parametrize("code", QUIET)
def test_quiet(code):
    assert found(code) == set()


# -- odd formatting, comments, constants, **kwargs ---------------------------

def test_call_split_over_lines_with_comments_reports_the_call_line():
    code = (
        "import joblib\n"
        "\n"
        "model = (\n"
        "    joblib  # the library\n"
        "    .load(\n"
        "        'model.joblib',  # path\n"
        "    )\n"
        ")\n"
    )
    assert found(code) == {(4, "MLW103")}


def test_numpy_reports_the_keyword_line_of_a_long_call():
    code = "import numpy as np\narr = np.load(\n    path,\n    mmap_mode='r',\n    allow_pickle=True,\n)\n"
    assert found(code) == {(5, "MLW105")}


def test_numpy_constant_chain_and_kwargs_constant():
    code = "import numpy as np\nA = True\nB = A\nKW = {'allow_pickle': B}\nnp.load(p, **KW)\nnp.load(p, allow_pickle=B)\n"
    assert found(code) == {(5, "MLW105"), (6, "MLW105")}


def test_numpy_constant_reassigned_is_unknown():
    code = "import numpy as np\nA = False\nA = True\nnp.load(p, allow_pickle=A)\n"
    [finding] = findings(code, "MLW105")
    assert "cannot be verified" in finding.message


def test_yaml_loader_constant_and_reassignment():
    safe = "import yaml\nL = yaml.SafeLoader\nyaml.load(f, Loader=L)\n"
    rebound = "import yaml\nL = yaml.SafeLoader\nL = yaml.Loader\nyaml.load(f, Loader=L)\n"
    branches = "import yaml\nif fast:\n    L = yaml.CSafeLoader\nelse:\n    L = yaml.Loader\nyaml.load(f, Loader=L)\n"
    unknown = "import yaml\nL = yaml.SafeLoader\nL = pick()\nyaml.load(f, Loader=L)\n"
    assert found(safe) == set()
    # the name is followed flow-sensitively (core/bindings.py): here it is yaml.Loader
    [finding] = findings(rebound, "MLW106")
    assert finding.severity is Severity.HIGH and "unsafe `Loader`" in finding.message
    # either branch may have run: the unsafe one counts
    [finding] = findings(branches, "MLW106")
    assert finding.severity is Severity.HIGH
    # the last binding is not a loader we know
    [finding] = findings(unknown, "MLW106")
    assert finding.severity is Severity.MEDIUM and "cannot be verified" in finding.message


def test_yaml_getattr_with_unsafe_default():
    code = "import yaml\nyaml.load(f, Loader=getattr(yaml, 'CSafeLoader', yaml.Loader))\n"
    [finding] = findings(code, "MLW106")
    assert finding.severity is Severity.HIGH


def test_yaml_loader_through_kwargs_is_medium():
    [finding] = findings("import yaml\nyaml.load(f, **opts)\n", "MLW106")
    assert finding.severity is Severity.MEDIUM
    assert finding.message == (
        "`yaml.load` takes its arguments from `*args`/`**kwargs`, so a safe `Loader` cannot be verified; "
        "use `yaml.safe_load` or pass `Loader=yaml.SafeLoader`"
    )


def test_langchain_flag_in_any_call_and_dict_forms():
    code = (
        "ALLOW = True\n"
        "OPTS = {'allow_dangerous_deserialization': ALLOW}\n"
        "anything(allow_dangerous_deserialization=True)\n"
        "anything(**{'other': 1, 'allow_dangerous_deserialization': 'yes'})\n"
        "anything(**OPTS)\n"
        "anything(allow_dangerous_deserialization=allow_dangerous_deserialization)\n"
        "anything(allow_dangerous_deserialization=self.allow)\n"
    )
    assert found(code) == {(2, "MLW109"), (3, "MLW109"), (4, "MLW109"), (7, "MLW109")}


def test_weights_only_fallback_in_nested_function_of_handler_is_not_the_fallback():
    code = (
        "import torch\n"
        "try:\n"
        "    sd = torch.load(p, weights_only=True)\n"
        "except Exception:\n"
        "    def later():\n"
        "        return torch.load(p, weights_only=False)\n"
    )
    assert found(code, "MLW107") == set()


def test_weights_only_fallback_in_except_star_and_nested_try():
    code = (
        "import torch\n"
        "try:\n"
        "    sd = torch.load(p, weights_only=True)\n"
        "except* ValueError:\n"
        "    sd = torch.load(p, weights_only=False)\n"
        "try:\n"
        "    with open(p, 'rb') as f:\n"
        "        sd = torch.load(f, weights_only=True)\n"
        "except Exception as exc:\n"
        "    if retry:\n"
        "        sd = torch.load(p, weights_only=0)\n"
    )
    assert found(code, "MLW107") == {(5, "MLW107"), (11, "MLW107")}


def test_keras_h5_only_for_literal_h5_paths():
    code = (
        "import keras\n"
        "keras.models.load_model('A.H5')\n"
        "keras.models.load_model(filepath='b.hdf5')\n"
        "keras.models.load_model(path)\n"
        "keras.models.load_model('c.keras')\n"
    )
    assert found(code) == {(2, "MLW108"), (3, "MLW108"), (4, "MLW108")}
    by_line = {f.line: f for f in findings(code, "MLW108")}
    assert "HDF5" in by_line[2].message and "HDF5" in by_line[3].message
    assert "not a literal" in by_line[4].message and by_line[4].severity is Severity.MEDIUM


def test_skops_severities():
    code = (
        "import skops.io as sio\n"
        "sio.load(p, trusted=True)\n"
        "sio.load(p, trusted=['a.B'])\n"
        "sio.load(p, trusted=names)\n"
        "sio.load(p, trusted=sio.get_untrusted_types(file=p))\n"
    )
    got = {f.line: f.severity for f in findings(code, "MLW115")}
    assert got == {2: Severity.HIGH, 3: Severity.LOW, 4: Severity.MEDIUM, 5: Severity.HIGH}


# -- exact messages --------------------------------------------------------

MESSAGES = [
    ("import joblib\njoblib.load(p)", "MLW103",
     "`joblib.load` unpickles the file and can run code from it; load only trusted files or use skops, ONNX or safetensors"),
    ("import numpy as np\nnp.load(p, allow_pickle=flag)", "MLW105",
     "`numpy.load` with an `allow_pickle` value that cannot be verified may unpickle object arrays and run code from the file; "
     "pass `allow_pickle=False`"),
    ("import yaml\nyaml.load(f)", "MLW106",
     "`yaml.load` without a safe `Loader` can construct arbitrary Python objects and run code; use `yaml.safe_load`"),
    ("import yaml\nyaml.load(f, Loader=yaml.FullLoader)", "MLW106",
     "`yaml.load` with `FullLoader` builds Python objects and had code-execution bypasses before PyYAML 5.4 "
     "(CVE-2020-14343); use `yaml.safe_load` and require pyyaml>=5.4"),
    ("import yaml\nyaml.load(f, Loader=yaml.Loader)", "MLW106",
     "`yaml.load` with an unsafe `Loader` can construct arbitrary Python objects and run code; use `yaml.safe_load`"),
    ("import os, torch\ntorch.serialization.add_safe_globals([os.system])", "MLW107",
     "`torch.serialization.add_safe_globals` allow-lists `os.system`, which lets a checkpoint run code under "
     "`weights_only=True`; allow-list only your own data classes"),
    ("import keras\nkeras.config.enable_unsafe_deserialization()", "MLW108",
     "`keras.config.enable_unsafe_deserialization()` turns off Keras `safe_mode` for every later load in the process; "
     "keep it on and avoid `Lambda` layers"),
    ("import torch.distributed as d\nd.gather_object(x)", "MLW110",
     "`torch.distributed.gather_object` unpickles what other ranks send; exchange tensors or make sure every peer is trusted"),
]


@pytest.mark.parametrize("code, rule_id, message", MESSAGES, ids=[m[1] for m in MESSAGES])
def test_messages(code, rule_id, message):
    [finding] = findings(code, rule_id)
    assert finding.message == message
    assert not finding.message.endswith(".") and rule_id not in finding.message


# -- fixes -----------------------------------------------------------------

FIXES = [
    # numpy: unsafe fix keeps the other arguments and the layout
    ("MLW105", "import numpy as np\nx = np.load(p, allow_pickle=True, mmap_mode='r')\n",
     "import numpy as np\nx = np.load(p, mmap_mode='r')\n"),
    ("MLW105", "import numpy as np\nx = np.load(\n    p,\n    allow_pickle=True,\n    mmap_mode='r',\n)\n",
     "import numpy as np\nx = np.load(\n    p,\n    mmap_mode='r',\n)\n"),
    # yaml: the alias the user wrote is kept; Loader (keyword or positional) removed
    ("MLW106", "import yaml as y\ndata = y.load(open(p), Loader=y.UnsafeLoader)\n",
     "import yaml as y\ndata = y.safe_load(open(p))\n"),
    ("MLW106", "import yaml\nyaml.load(\n    f,\n    yaml.Loader,\n)\n", "import yaml\nyaml.safe_load(\n    f,\n)\n"),
    ("MLW106", "import yaml\nfor d in yaml.full_load_all(f):\n    pass\n",
     "import yaml\nfor d in yaml.safe_load_all(f):\n    pass\n"),
    # imported by name: no fix
    ("MLW106", "from yaml import load\nload(f)\n", "from yaml import load\nload(f)\n"),
    ("MLW106", "import yaml\nyaml.unsafe_load(f)\n", "import yaml\nyaml.unsafe_load(f)\n"),
    # keras: remove safe_mode=False; positional safe_mode has no fix
    ("MLW108", "import keras\nm = keras.saving.load_model(\n    p,\n    compile=False,\n    safe_mode=False,  # legacy\n)\n",
     "import keras\nm = keras.saving.load_model(\n    p,\n    compile=False,  # legacy\n)\n"),
    ("MLW108", "import keras\nkeras.saving.load_model(p, None, True, False)\n",
     "import keras\nkeras.saving.load_model(p, None, True, False)\n"),
]


@pytest.mark.parametrize("rule_id, before, after", FIXES, ids=[f"{r}-{i}" for i, (r, _, _) in enumerate(FIXES)])
def test_fixes(rule_id, before, after):
    rule = rule_by_id(rule_id)
    assert fix_all(rule, before) == after


def test_yaml_fix_is_safe_and_numpy_fix_is_unsafe():
    [yaml_finding] = findings("import yaml\nyaml.load(f)\n", "MLW106")
    [np_finding] = findings("import numpy as np\nnp.load(p, allow_pickle=True)\n", "MLW105")
    assert yaml_finding.fix.safe is True
    assert np_finding.fix.safe is False


def test_yaml_fix_not_offered_when_loader_is_hidden_in_a_dict_literal():
    [finding] = findings("import yaml\nyaml.load(f, **{'Loader': yaml.Loader})\n", "MLW106")
    assert finding.fix is None


# -- remove_keyword helper -------------------------------------------------

REMOVALS = [
    ("f(a, x=1)", "f(a)"),
    ("f(x=1)", "f()"),
    ("f(x=1, b=2)", "f(b=2)"),
    ("f(a, x=1, b=2)", "f(a, b=2)"),
    ("f(\n    a,\n    x=1,\n)", "f(\n    a,\n)"),
    ("f(\n    a,\n    x=1\n)", "f(\n    a\n)"),
    ("f(\n    a,  # keep me\n    x=1,  # about x\n)", "f(\n    a,  # keep me\n)"),
    ("f(\n    a, x=1,\n    b=3,\n)", "f(\n    a,\n    b=3,\n)"),
    ("f(a, x=1, *c)", "f(a, *c)"),
]


@pytest.mark.parametrize("before, after", REMOVALS)
def test_remove_keyword(before, after):
    import libcst as cst

    from mlwarden.rules._helpers import remove_keyword

    module = cst.parse_module(before)
    call = module.body[0].body[0].value
    assert module.code_for_node(remove_keyword(call, "x")) == after


# -- notebooks -------------------------------------------------------------

def test_notebook_imports_in_one_cell_resolve_calls_in_another():
    nb = {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {},
        "cells": [
            {"cell_type": "code", "id": "a", "metadata": {}, "execution_count": None, "outputs": [],
             "source": ["import yaml as y\n", "import numpy as np"]},
            {"cell_type": "markdown", "id": "b", "metadata": {}, "source": ["yaml.load(f) in prose"]},
            {"cell_type": "code", "id": "c", "metadata": {}, "execution_count": None, "outputs": [],
             "source": ["cfg = y.load(open('c.yaml'))\n", "arr = np.load('a.npy', allow_pickle=True)"]},
        ],
    }
    result = check_source(json.dumps(nb), "nb.ipynb", config=Config(select=MY_IDS))
    assert not result.errors, result.errors
    assert {(f.cell, f.rule_id) for f in result.findings} == {(3, "MLW106"), (3, "MLW105")}


# -- triggers ----------------------------------------------------------------

def test_root_words_helper():
    from mlwarden.rules._helpers import root_words

    assert root_words(["shelve.open", "shelve.Shelf"]) == {"shelve"}
    assert root_words(["keras.models.load_model"], "tensorflow", "tf_keras") == {"keras", "tensorflow", "tf_keras"}


MODULE_TRIGGERED = [
    ("from shelve import *\ndb = open('cache')", "MLW113"),
    ("import jsonpickle.unpickler\njsonpickle.unpickler.decode(s)", "MLW114"),
    ("from sklearn.externals.joblib import load as l\nl(p)", "MLW103"),
    ("import yaml.cyaml as c\nimport yaml\nyaml.load(f, c.CLoader)", "MLW106"),
    ("from skops import io\nio.load(p, trusted=True)", "MLW115"),
]


@pytest.mark.parametrize("code, rule_id", MODULE_TRIGGERED, ids=[r for _, r in MODULE_TRIGGERED])
def test_module_name_triggers_are_sound(code, rule_id):
    """Rules triggered by their module's name still see every import form."""
    assert found(code, rule_id) == {(2 if rule_id != "MLW106" else 3, rule_id)}


def test_everyday_words_alone_do_not_wake_module_triggered_rules():
    from mlwarden.core.engine import candidate_rules

    rules = [rule_by_id(i) for i in ("MLW103", "MLW106", "MLW112", "MLW113", "MLW114", "MLW115")]
    code = "import json\nwith open(p) as f:\n    data = json.loads(f.read().decode())\nmodel.load(p)\n"
    import ast

    assert candidate_rules(code, rules, ast.parse(code)) == []
