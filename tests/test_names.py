"""Unit tests of core/names.py: import aliases, constants, keywords."""

from __future__ import annotations

import libcst as cst
import pytest

from mlwarden.core.names import Context, canonical, dotted
from mlwarden.core.values import UNKNOWN, is_truthy


def ctx_and_last_call(source: str):
    module = cst.parse_module(source)
    calls = []

    class Collect(cst.CSTVisitor):
        def visit_Call(self, node):
            calls.append(node)

    module.visit(Collect())
    return Context(module), calls[0]  # the outermost, first call


def names_of_last_call(source: str):
    ctx, call = ctx_and_last_call(source)
    return set(ctx.qualnames(call.func))


@pytest.mark.parametrize(
    "source,expected",
    [
        ("import torch\ntorch.load(p)", {"torch.load"}),
        ("import torch as t\nt.load(p)", {"torch.load"}),
        ("from torch import load\nload(p)", {"torch.load"}),
        ("from torch import load as L\nL(p)", {"torch.load"}),
        ("import torch.serialization\ntorch.serialization.load(p)", {"torch.serialization.load"}),
        ("import a.b.c\na.b.c.f()", {"a.b.c.f"}),
        ("import a.b.c as abc\nabc.f()", {"a.b.c.f"}),
        ("from a.b import c as d\nd.f()", {"a.b.c.f"}),
        ("from torch import serialization as s\ns.load(p)", {"torch.serialization.load"}),
        # canonical prefixes
        ("from tensorflow import keras\nkeras.models.load_model(p)", {"keras.models.load_model"}),
        ("import tensorflow.keras as K\nK.models.load_model(p)", {"keras.models.load_model"}),
        ("import tf_keras\ntf_keras.models.load_model(p)", {"keras.models.load_model"}),
        ("import _pickle\n_pickle.loads(b)", {"pickle.loads"}),
        ("import cPickle as cp\ncp.load(f)", {"pickle.load"}),
        ("from sklearn.externals import joblib\njoblib.load(p)", {"joblib.load"}),
        # imports inside functions and try blocks count (flow-insensitive)
        ("def f():\n    import pickle as p\n    p.load(x)", {"pickle.load"}),
        ("try:\n    import cPickle as pickle\nexcept ImportError:\n    import pickle\npickle.load(f)", {"pickle.load"}),
        # star imports: a bare name may come from any star-imported module
        ("from torch import *\nload(p)", {"torch.load"}),
        ("from pickle import *\nfrom json import *\nload(f)", {"pickle.load", "json.load"}),
    ],
)
def test_qualified_names(source, expected):
    assert names_of_last_call(source) == expected


@pytest.mark.parametrize(
    "source",
    [
        "load(p)",  # never imported
        "model.load(p)",  # attribute of a local object
        "from . import torch\ntorch.load(p)",  # relative imports are ignored
        "from .utils import load\nload(p)",
        "from .. import pickle\npickle.load(f)",
        "get_loader()(p)",  # not a plain chain
        "import torch\nmodels[0].load(p)",
    ],
)
def test_unresolved(source):
    assert names_of_last_call(source) == set()


def test_alias_bound_twice_yields_both():
    src = "import pickle as s\nimport shelve as s\ns.open(p)"
    assert names_of_last_call(src) == {"pickle.open", "shelve.open"}


def test_call_to():
    ctx, call = ctx_and_last_call("import torch as t\nt.load(p)")
    assert ctx.call_to(call, ("pickle.load", "torch.load")) == "torch.load"
    assert ctx.call_to(call, ("pickle.load",)) is None


def test_canonical():
    assert canonical("tensorflow.keras.models.load_model") == "keras.models.load_model"
    assert canonical("tensorflow.keras") == "keras"
    assert canonical("keras.src.saving.load_model") == "keras.saving.load_model"
    assert canonical("pickle5.load") == "pickle.load"
    assert canonical("torch.load") == "torch.load"
    assert canonical("tensorflowx.keras.y") == "tensorflowx.keras.y"


def test_dotted():
    expr = cst.parse_expression("a.b.c")
    assert dotted(expr) == ["a", "b", "c"]
    assert dotted(cst.parse_expression("a().b")) is None


# -- values --------------------------------------------------------------------------------------


def value_of_last_call_arg(source: str, keyword: str):
    ctx, call = ctx_and_last_call(source)
    present, node = ctx.keyword(call, keyword)
    return present, (ctx.value(node) if node is not None else None)


@pytest.mark.parametrize(
    "source,expected",
    [
        ("f(x=True)", True),
        ("f(x=False)", False),
        ("f(x=None)", None),
        ("f(x=1)", 1),
        ("f(x=-1)", -1),
        ("f(x=not True)", False),
        ("f(x='yes')", "yes"),
        ("f(x='a' 'b')", "ab"),
        ("f(x=2.5)", 2.5),
        ("FLAG = True\nf(x=FLAG)", True),
        ("FLAG: bool = False\nf(x=FLAG)", False),
        ("A = True\nB = A\nf(x=B)", True),
    ],
)
def test_values(source, expected):
    assert value_of_last_call_arg(source, "x") == (True, expected)


@pytest.mark.parametrize(
    "source",
    [
        "f(x=flag)",  # unknown name
        "FLAG = True\nFLAG = False\nf(x=FLAG)",  # assigned twice
        "FLAG = True\nFLAG += 1\nf(x=FLAG)",  # augmented
        "def g():\n    FLAG = True\nf(x=FLAG)",  # not module level
        "f(x=g())",
        "f(x=a or b)",
        "f(x=f'{a}')",
        "import os\nf(x=os)",  # an import is not a constant
    ],
)
def test_unknown_values(source):
    present, value = value_of_last_call_arg(source, "x")
    assert present is True
    assert value is UNKNOWN
    assert is_truthy(value) is None
    with pytest.raises(TypeError):
        bool(value)


def test_constant_shadowed_by_import_is_unknown():
    src = "FLAG = True\nfrom config import FLAG\nf(x=FLAG)"
    assert value_of_last_call_arg(src, "x") == (True, UNKNOWN)


def test_keywords_through_double_star_literals():
    assert value_of_last_call_arg("f(**{'x': True})", "x") == (True, True)
    assert value_of_last_call_arg("f(a=1, **{'y': 2, 'x': 'v'})", "x") == (True, "v")
    assert value_of_last_call_arg("KW = {'x': True}\nf(**KW)", "x") == (True, True)
    assert value_of_last_call_arg("f(**dict(x=False))", "x") == (True, False)
    assert value_of_last_call_arg("KW = dict(x=1)\nf(**KW)", "x") == (True, 1)


def test_keyword_absent_vs_hidden():
    assert value_of_last_call_arg("f(a=1)", "x") == (False, None)
    assert value_of_last_call_arg("f(**{'y': 1})", "x") == (False, None)
    # an opaque **kwargs may hide it: "cannot tell"
    assert value_of_last_call_arg("f(**kwargs)", "x") == (None, None)
    assert value_of_last_call_arg("f(**{**base, 'y': 1})", "x") == (None, None)
    # but an explicit keyword wins over an opaque **kwargs
    assert value_of_last_call_arg("f(x=True, **kwargs)", "x") == (True, True)


def test_dict_value_keeps_nodes():
    ctx, call = ctx_and_last_call("f(x={'a': True, 'b': g()})")
    _, node = ctx.keyword(call, "x")
    mapping = ctx.value(node)
    assert set(mapping) == {"a", "b"}
    assert ctx.value(mapping["a"]) is True
    assert ctx.value(mapping["b"]) is UNKNOWN


def test_shadowed_dict_builtin_is_not_a_literal():
    ctx, call = ctx_and_last_call("from mylib import dict\nf(**dict(x=True))")
    assert ctx.keyword(call, "x") == (None, None)


def test_positional_args():
    ctx, call = ctx_and_last_call("f(a, b, key=c)")
    assert ctx.value(ctx.arg(call, 1)) is UNKNOWN
    assert ctx.arg(call, 1).value == "b"
    assert ctx.arg(call, 5) is None
    assert ctx.arg(call, 9, "key").value == "c"
    # positions after *args are unknowable
    ctx, call = ctx_and_last_call("f(*args, b)")
    assert ctx.arg(call, 0) is None
