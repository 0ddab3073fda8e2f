"""core/asttree.py: one shared ``ast`` tree per source text."""

import ast

import pytest

from mlwarden.core import asttree
from mlwarden.core.config import Config
from mlwarden.core.engine import check_source


def test_the_same_text_gives_the_same_tree_and_a_bad_one_none():
    source = "import torch\n\ndef f(p):\n    return torch.load(p)\n"
    tree = asttree.module_ast(source)
    assert ast.dump(tree) == ast.dump(ast.parse(source))
    assert asttree.module_ast("".join(source)) is tree  # an equal text, another object
    assert asttree.module_ast("def (:\n") is None


def test_only_the_last_texts_are_kept():
    texts = [f"x = {i}\n" for i in range(asttree.KEEP + 2)]
    trees = [asttree.module_ast(t) for t in texts]
    assert asttree.module_ast(texts[-1]) is trees[-1]
    assert asttree.module_ast(texts[0]) is not trees[0]  # parsed again: it was dropped
    assert len(asttree._recent) == asttree.KEEP


def test_the_engine_shares_its_tree_with_the_rule_helpers():
    """A file that reaches the rules is parsed once: the helpers that read
    the whole module (the opt-in ladder of MLW102) get the engine's tree."""
    source = "import torch\n\ndef load(path, unsafe=False):\n    return torch.load(path, weights_only=not unsafe)\n"
    parses = []
    original = ast.parse

    def counting(text, *args, **kwargs):
        if text == source:
            parses.append(1)
        return original(text, *args, **kwargs)

    ast.parse = counting
    try:
        result = check_source(source, "train.py", config=Config(select=["MLW102"]))
    finally:
        ast.parse = original
    assert result.findings or result.errors == []
    assert len(parses) == 1, f"{len(parses)} parses of the same text"


def test_unit_ast_prefers_the_engines_tree_then_the_shared_parse():
    from types import SimpleNamespace

    from mlwarden.core.asttree import module_ast, unit_ast

    engine_tree = ast.parse("x = 1\n")
    source = "import pickle\npickle.loads(b)\n"
    with_tree = SimpleNamespace(extra={"ast": engine_tree}, code=SimpleNamespace(source=source))
    assert unit_ast(with_tree) is engine_tree
    without = SimpleNamespace(extra={}, code=SimpleNamespace(source=source))
    tree = unit_ast(without)
    assert isinstance(tree, ast.Module) and ast.dump(tree) == ast.dump(ast.parse(source))
    assert unit_ast(without) is tree is module_ast(source)  # one parse, shared
    assert unit_ast(SimpleNamespace(extra={}, code=SimpleNamespace(source="def (:\n"))) is None
    assert unit_ast(SimpleNamespace()) is None


@pytest.mark.parametrize(
    "code, expected",
    [
        ("import os", [("os", "os")]),
        ("import os.path", [("os", "os")]),
        ("import os.path as p, sys", [("p", "os.path"), ("sys", "sys")]),
        ("from a.b import c, d as e", [("c", "a.b.c"), ("e", "a.b.d")]),
        ("from . import c", []),
        ("from .m import c", []),
        ("x = 1", []),
    ],
)
def test_import_aliases(code, expected):
    from mlwarden.core.asttree import import_aliases

    assert import_aliases(ast.parse(code).body[0]) == expected
