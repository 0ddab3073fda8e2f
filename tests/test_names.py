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


# -- bindings: shadowing, flow, assumed modules (core/bindings.py) --------------------------------


@pytest.mark.parametrize(
    "source,expected",
    [
        # a module-level assignment shadows an import (ruamel's YAML instance named `yaml`)
        ("import yaml\nfrom ruamel.yaml import YAML\nyaml = YAML(typ='rt')\nyaml.load(f)", set()),
        ("from ruamel.yaml import YAML\nyaml = YAML()\nyaml.load(f)", set()),
        # ...from then on: a use before the assignment still sees the import
        ("import yaml\nyaml.load(f)\nyaml = YAML()", {"yaml.load"}),
        # a local assignment or a parameter shadows it inside the function only
        ("import yaml\ndef f():\n    yaml = YAML()\n    return yaml.load(s)", set()),
        ("import yaml\ndef f(yaml):\n    return yaml.load(s)", set()),
        ("import yaml\ndef f(yaml):\n    pass\nyaml.load(s)", {"yaml.load"}),
        # a try/except fallback keeps the import meaning
        ("try:\n    import yaml\nexcept ImportError:\n    yaml = None\ndef f():\n    return yaml.load(s)", {"yaml.load"}),
        # the last top-level binding before a function runs decides
        ("import yaml\nyaml = make()\ndef f():\n    return yaml.load(s)", set()),
        # either branch may have run: the import counts
        ("if fast:\n    import yaml\nelse:\n    yaml = YAML()\nyaml.load(s)", {"yaml.load"}),
        # global: the function's assignment rebinds the module name
        ("import pickle\ndef f():\n    global pickle\n    pickle = Safe()\n    return pickle.loads(b)", set()),
        # a method does not see class-level names
        ("import pickle\nclass A:\n    pickle = None\n    def f(self):\n        return pickle.loads(b)", {"pickle.loads"}),
        # comprehension variables are local to the comprehension
        ("import pickle\n[pickle.loads(b) for x in y]", {"pickle.loads"}),
        # aliases: an assignment or a parameter default that names a module's attribute
        ("import pickle\nload = pickle.load\nload(f)", {"pickle.load"}),
        ("import pickle\ndef restore(f, pm=pickle):\n    return pm.load(f)", {"pickle.load"}),
        ("import torch\nt = torch\nt.load(p)", {"torch.load"}),
    ],
)
def test_shadowing_and_flow(source, expected):
    """The names of the last call whose function is spelled ``...load``/``...loads``."""
    module = cst.parse_module(source)
    calls = []

    class Collect(cst.CSTVisitor):
        def visit_Call(self, node):
            if module.code_for_node(node.func).endswith(("load", "loads")):
                calls.append(node)

    module.visit(Collect())
    assert set(Context(module).qualnames(calls[-1].func)) == expected


@pytest.mark.parametrize(
    "source,expected,assumed",
    [
        ("pickle.loads(x)", {"pickle.loads"}, "pickle"),
        ("np.load(p, allow_pickle=True)", {"numpy.load"}, "numpy"),
        ("def f(b):\n    return torch.load(b)", {"torch.load"}, "torch"),
        # a parameter default with no binding for the module anywhere
        ("def restore(data, pickle_module=pickle):\n    return pickle_module.loads(data)", {"pickle.loads"}, "pickle"),
        # any binding anywhere in the file wins
        ("pickle = Safe()\npickle.loads(x)", set(), None),
        ("def f(pickle):\n    pass\npickle.loads(x)", set(), None),
        ("from . import pickle\npickle.loads(x)", set(), None),
        ("for np in arrays:\n    pass\nnp.load(p)", set(), None),
        # not a well-known module: nothing assumed
        ("joblib_like.load(p)", set(), None),
    ],
)
def test_assumed_well_known_modules(source, expected, assumed):
    ctx, call = ctx_and_last_call(source)
    assert set(ctx.qualnames(call.func)) == expected
    assert ctx.assumed(call.func) == assumed


def test_assumed_binding_is_noted_in_the_message():
    from mlwarden.core.engine import check_source
    from mlwarden.core.registry import rule_refs

    rules = [r for r in rule_refs() if r.id == "MLW101"]
    [finding] = check_source("data = pickle.loads(blob)\n", "snippet.py", rules=rules).findings
    assert (finding.line, finding.col) == (1, 8)
    assert finding.message.endswith("(`pickle` is bound nowhere in this file and was taken to be the `pickle` module)")
    [finding] = check_source("import pickle\ndata = pickle.loads(blob)\n", "snippet.py", rules=rules).findings
    assert "bound nowhere" not in finding.message


def test_position_is_only_computed_for_names_that_need_it():
    """Most names mean one thing wherever they are used: no positions then."""
    import ast

    from mlwarden.core.bindings import ModuleFacts

    facts = ModuleFacts.from_ast(ast.parse("import torch\nimport yaml\nyaml = YAML()\ndef f(x):\n    return torch.load(x)\n"))
    assert not facts.needs_position("torch")
    assert not facts.needs_position("x")
    assert facts.needs_position("yaml")
