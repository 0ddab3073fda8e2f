"""The engine's prefilter: word scan, ast gate and qualified triggers.

The prefilter may only skip a rule when the rule cannot fire, so every test
here checks it against what the name resolver (``core/names.py``) resolves.
"""

import ast
import random

import pytest

from mlwarden.core import engine, gate  # noqa: F401
from mlwarden.core.engine import HEAD_SPELLINGS, candidate_rules, code_words, trigger_groups, words_in_text


def fake_rule(*triggers):
    return type("FakeRule", (), {"triggers": frozenset(triggers)})


def candidates(source, rule):
    """Both stages, as the engine runs them."""
    if not candidate_rules(source, [rule]):
        return False
    return bool(candidate_rules(source, [rule], ast.parse(source)))


HUB = fake_rule("torch.hub.load")

RESOLVED = [
    ("import torch\ntorch.hub.load('a/b', 'm')\n", "torch.hub.load"),
    ("import torch as t\nt.hub.load('a/b', 'm')\n", "torch.hub.load"),
    ("from torch import hub\nhub.load('a/b', 'm')\n", "torch.hub.load"),
    ("from torch.hub import load as L\nL('a/b', 'm')\n", "torch.hub.load"),
    ("import torch.hub as th\nth.load('a/b', 'm')\n", "torch.hub.load"),
    ("from torch.hub import *\nload('a/b', 'm')\n", "torch.hub.load"),
    ("import torch.hub\ntorch.hub.load('a/b', 'm')\n", "torch.hub.load"),
    ("import _pickle as p\np.loads(b)\n", "pickle.loads"),
    ("import cPickle\ncPickle.loads(b)\n", "pickle.loads"),
    ("from pickle5 import loads\nloads(b)\n", "pickle.loads"),
    ("import tf_keras\ntf_keras.models.load_model(p)\n", "keras.models.load_model"),
    ("from tensorflow import keras\nkeras.models.load_model(p)\n", "keras.models.load_model"),
    ("import tensorflow as tf\ntf.keras.models.load_model(p)\n", "keras.models.load_model"),
    ("from sklearn.externals import joblib\njoblib.load(p)\n", "joblib.load"),
    ("def f():\n    import torch\n    return torch.hub.load('a/b', 'm')\n", "torch.hub.load"),
]


@pytest.mark.parametrize("source,target", RESOLVED)
def test_qualified_trigger_keeps_every_call_the_resolver_resolves(source, target):
    import libcst as cst

    from mlwarden.core.names import Context

    class Calls(cst.CSTVisitor):
        def __init__(self):
            super().__init__()
            self.found = []

        def visit_Call(self, node):
            self.found.append(node)

    module = cst.parse_module(source)
    calls = Calls()
    module.visit(calls)
    context = Context(module)
    assert any(target in context.qualnames(c.func) for c in calls.found)  # the premise: it resolves
    assert candidates(source, fake_rule(target))


@pytest.mark.parametrize(
    "source",
    [
        "import json\njson.load(f)\n",  # `load` alone is not torch.hub.load
        "import torch\ntorch.load(f)\n",  # no `hub`
        "import json\n# torch.hub.load would be unsafe here\njson.load(f)\n",  # comment
        'import json\n"""Uses torch.hub.load in a docstring: more than a hundred characters of prose, which is not a key, a name or a keyword."""\njson.load(f)\n',
        "hub = 1\nload = 2\n",  # no torch
    ],
)
def test_qualified_trigger_skips_files_that_cannot_resolve_to_it(source):
    assert not candidates(source, HUB)


def test_plain_word_triggers_are_unchanged():
    rule = fake_rule("trust_remote_code")
    assert candidates("f(x, trust_remote_code=True)\n", rule)
    assert candidates("f(**{'trust_remote_code': True})\n", rule)
    assert candidates("x.trust_remote_code = True\n", rule)
    assert not candidates("# trust_remote_code=True\nf(x)\n", rule)
    assert not candidates("f(x)\n", rule)
    assert not candidates('"""Never pass trust_remote_code."""\nf(x)\n', rule)  # a short docstring
    assert not candidates('def f():\n    "trust_remote_code"\n    return 1\n', rule)  # a bare string
    assert candidates('KEY = "trust_remote_code"\n', rule)


def test_trigger_groups():
    assert trigger_groups(fake_rule("load")) == ((frozenset({"load"}),),)
    assert trigger_groups(fake_rule("pickle.loads")) == ((HEAD_SPELLINGS["pickle"], frozenset({"loads"})),)


def test_head_spellings_cover_every_canonical_prefix():
    """A canonicalised import path must still contain a word of the head's
    spellings, or a qualified trigger would skip a file the rule flags."""
    from mlwarden.core.bindings import _CANONICAL_PREFIXES

    for prefix, replacement in _CANONICAL_PREFIXES:
        head = replacement.split(".")[0]
        spellings = HEAD_SPELLINGS.get(head, frozenset({head}))
        assert spellings & set(prefix.rstrip(".").split(".")), (prefix, replacement)


def test_words_in_text_matches_the_word_boundary_regex():
    rng = random.Random(7)
    words = frozenset({"load", "loads", "torch", "trust_remote_code", "é"})
    alphabet = ["load", "loads", "torch", "trust_remote_code", "x", "_", "1", " ", ".", "(", "é", "\n", "ü", "-"]
    for _ in range(500):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        expected = set(gate._trigger_regex(words).findall(text))
        assert words_in_text(text, words) == expected, text


def test_code_words_sees_code_not_prose():
    source = (
        '"""Module docs mention pickle, in more than a hundred characters of prose: a docstring is never code, so pickle stays out."""\n'
        "import torch.hub as th\n"
        "from x.safe_load import y as alias_word\n"
        "# loads in a comment\n"
        "f(keyword_word=1, **{'dict_key_word': 2})\n"
        "obj.attr_word\n"
        "s = 'x' * 3 + '" + "long_word " * 20 + "'\n"
    )
    limit = frozenset({"pickle", "torch", "hub", "safe_load", "alias_word", "loads", "keyword_word", "dict_key_word", "attr_word", "long_word"})
    assert code_words(ast.parse(source), limit) == {"torch", "hub", "safe_load", "alias_word", "keyword_word", "dict_key_word", "attr_word"}


def test_real_rules_keep_their_fixtures():
    """Every rule's own INVALID examples still reach the rule (the gate is
    sound for the rules we ship)."""
    from mlwarden.core.registry import all_rules
    from mlwarden.core.rule import CodeRule

    for rule in all_rules():
        if not issubclass(rule, CodeRule):
            continue
        for case in rule.INVALID:
            if not case.filename.endswith(".py"):
                continue
            tree = ast.parse(case.code)  # a Python example that does not parse is a bug in the rule
            assert rule in candidate_rules(case.code, [rule], tree), (rule.id, case.code)
