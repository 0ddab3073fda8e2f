"""The fast path loses nothing: the engine's equivalence mode (no word
prefilter, no ast gate, every rule on whole-module libcst trees) finds
exactly what the normal run finds, with the same fixes, on every fixture,
on the demo project, on every rule example and on every docs example.

The fast path (core/gate.py, core/locate.py) decides which rules run and
which statements libcst sees; a difference here is a finding it would lose
(or invent) on real code.
"""

from __future__ import annotations

from typing import List

import pytest

from conftest import FIXTURES, ROOT
from mlwarden.core import docs
from mlwarden.core.config import Config, config_from_mapping
from mlwarden.core.engine import check_source
from mlwarden.core.finding import Severity
from mlwarden.core.registry import all_rules
from mlwarden.core.rule import CodeRule
from mlwarden.core.run import check_paths
from test_fixtures import FIXTURE_FILES, all_selected
from test_rules import DOC_EXAMPLES_NOT_TEXT, file_rule_example_name

RULES = all_rules()


def comparable(findings) -> List[tuple]:
    """Everything a finding shows, and its fix's edits."""
    out = []
    for f in findings:
        edits = tuple((e.start_line, e.start_col, e.end_line, e.end_col, e.text) for e in f.fix.edits) if f.fix else None
        out.append((f.path, f.rule_id, f.cell, f.output, f.line, f.col, f.end_line, f.end_col, f.file_line, f.message,
                    f.severity, f.snippet_hash, edits, f.fix.safe if f.fix else None))
    return sorted(out, key=repr)


def both_modes_paths(paths, config):
    fast, _ = check_paths([str(p) for p in paths], config)
    full, _ = check_paths([str(p) for p in paths], config, full=True)
    return fast, full


def assert_same_results(fast, full):
    assert [r.errors for r in fast] == [r.errors for r in full]
    assert comparable(f for r in fast for f in r.findings) == comparable(f for r in full for f in r.findings)


@pytest.mark.parametrize("path", sorted({p for p, _ in FIXTURE_FILES}), ids=lambda p: str(p.relative_to(FIXTURES)))
def test_fixtures(path):
    assert_same_results(*both_modes_paths([path], all_selected()))


def test_demo_project():
    config = Config(root=ROOT)
    fast, full = both_modes_paths([FIXTURES / "demo"], config)
    assert any(r.findings for r in fast)
    assert_same_results(fast, full)


def _cases():
    for rule in RULES:
        for kind, cases in (("valid", rule.VALID), ("invalid", rule.INVALID)):
            for number, case in enumerate(cases):
                yield pytest.param(rule, case.code, case.filename, case.options, id=f"{rule.id}-{kind}-{number}")
                if getattr(case, "fixed", None) is not None:
                    yield pytest.param(rule, case.fixed, case.filename, case.options, id=f"{rule.id}-{kind}-{number}-fixed")
        parts = docs.sections(rule)
        for section in ("Example", "Use instead"):
            for number, (lang, code) in enumerate(docs.code_blocks(parts.get(section, ""))):
                if issubclass(rule, CodeRule):
                    if lang not in ("python", "py"):
                        continue
                    filename = "example.py"
                elif rule.id in DOC_EXAMPLES_NOT_TEXT:
                    continue
                else:
                    filename = file_rule_example_name(rule, lang)
                yield pytest.param(rule, code, filename, None, id=f"{rule.id}-docs-{section.replace(' ', '-').lower()}-{number}")


@pytest.mark.sweep(every=3)
@pytest.mark.parametrize("rule, code, filename, options", list(_cases()))
def test_examples(rule, code, filename, options):
    """Each rule alone (as the example tests run it) and every rule together."""
    for rules in ([rule], [r for r in RULES]):
        config = config_from_mapping(dict(options or {}))
        fast = check_source(code, filename, config=config, rules=rules)
        full = check_source(code, filename, config=config, rules=rules, full=True)
        assert fast.errors == full.errors
        assert comparable(fast.findings) == comparable(full.findings), rules if len(rules) == 1 else "all rules"


def test_the_fast_path_skips_work():
    """The premise: on a file where one function can fire, libcst sees only
    that function (the test above would pass trivially if it saw everything)."""
    from mlwarden.core.bindings import ModuleFacts
    from mlwarden.core.locate import plan
    import ast

    source = "import torch\n\n\ndef a():\n    return 1\n\n\nclass B:\n    def c(self):\n        return torch.load(p)\n\n    def d(self):\n        return 2\n"
    tree = ast.parse(source)
    rules = [r for r in RULES if r.id == "MLW102"]
    pruned = plan(tree, source, rules, ModuleFacts.from_ast(tree))
    assert pruned is not None
    assert pruned.source == "class B:\n    def c(self):\n        return torch.load(p)\n"
    assert pruned.lines == [8, 9, 10]


ROUND_TRIPS = [
    # module level: the dump, the handle and the load are three pieces
    ("import io, pickle\nbuf = io.BytesIO()\npickle.dump(obj, buf)\nbuf.seek(0)\nx = pickle.load(buf)\n", []),
    # the handle leaks to another call before the load: no round trip, reported
    ("import io, pickle\nbuf = io.BytesIO()\npickle.dump(obj, buf)\nfill(buf)\nbuf.seek(0)\nx = pickle.load(buf)\n", [6]),
    # a class that unpickles what its own __init__ pickled
    ("import pickle\n\nclass Box:\n    def __init__(self, v):\n        self.blob = pickle.dumps(v)\n\n    def get(self):\n        return pickle.loads(self.blob)\n", []),
    ("import pickle\n\nclass Box:\n    def __init__(self, v):\n        self.blob = v\n\n    def get(self):\n        return pickle.loads(self.blob)\n", [8]),
    # through a local name and a wrapper; another method that overwrites the attribute breaks it
    ("import io, pickle\n\nclass Box:\n    def __init__(self, v):\n        self.blob = pickle.dumps(v)\n\n"
     "    def get(self):\n        data = io.BytesIO(self.blob)\n        return pickle.load(data)\n", []),
    ("import io, pickle\n\nclass Box:\n    def __init__(self, v):\n        self.blob = pickle.dumps(v)\n\n"
     "    def get(self):\n        data = io.BytesIO(self.blob)\n        return pickle.load(data)\n\n"
     "    def other(self):\n        return 1\n\n    def set(self, raw):\n        self.blob = raw\n", [9]),
]


@pytest.mark.parametrize("source, lines", ROUND_TRIPS)
def test_round_trips_across_pieces_are_seen_as_in_the_equivalence_mode(source, lines):
    """A round trip spread over module-level statements or a class's methods
    (pieces of their own) is judged on the whole module: ``module_words``."""
    rules = [r for r in RULES if r.id == "MLW101"]
    fast = check_source(source, "rt.py", config=Config(severity=Severity.LOW), rules=rules)
    full = check_source(source, "rt.py", config=Config(severity=Severity.LOW), rules=rules, full=True)
    assert [f.line for f in fast.findings] == [f.line for f in full.findings] == lines


def test_module_words_do_not_widen_a_load_inside_a_function():
    """``save`` elsewhere in the file does not make libcst parse the whole
    module when the load is in a top-level function (a whole scope)."""
    from mlwarden.core.bindings import ModuleFacts
    from mlwarden.core.locate import plan
    import ast

    source = "import torch\n\n\ndef a(m):\n    torch.save(m, 'x.pt')\n\n\ndef b(p):\n    return torch.load(p)\n\n\nclass C:\n    def d(self):\n        return 2\n"
    tree = ast.parse(source)
    rules = [r for r in RULES if r.id == "MLW102"]
    pruned = plan(tree, source, rules, ModuleFacts.from_ast(tree))
    assert pruned is not None and pruned.lines == [8, 9]
    # an import fires a qualified trigger but is no load: still the fast path,
    # and MLW102's site gate leaves the import out (the bindings come from ast)
    source = "from torch import load\nimport torch\nMODEL = torch.nn.Linear(2, 2)\ntorch.save(MODEL, 'x.pt')\n\n\ndef b(p):\n    return load(p)\n"
    tree = ast.parse(source)
    pruned = plan(tree, source, rules, ModuleFacts.from_ast(tree))
    assert pruned is not None and pruned.lines == [7, 8]
    fast = check_source(source, "m.py", config=Config(severity=Severity.LOW), rules=rules)
    full = check_source(source, "m.py", config=Config(severity=Severity.LOW), rules=rules, full=True)
    assert [(f.line, f.col) for f in fast.findings] == [(f.line, f.col) for f in full.findings] == [(8, 12)]
    # in a method: the members that assign the attribute the load reads, not the whole class
    source = ("import pickle\n\n\nclass Box:\n    def __init__(self, v):\n        self.blob = pickle.dumps(v)\n\n"
              "    def size(self):\n        return 3\n\n    def get(self):\n        return pickle.loads(self.blob)\n")
    tree = ast.parse(source)
    pruned = plan(tree, source, [r for r in RULES if r.id == "MLW101"], ModuleFacts.from_ast(tree))
    assert pruned is not None and pruned.lines == [4, 5, 6, 11, 12]
    # at module level, the same words make it whole
    source = "import torch\nm = make()\ntorch.save(m, 'x.pt')\nx = torch.load('x.pt')\n\n\ndef unrelated():\n    return 1\n"
    tree = ast.parse(source)
    assert plan(tree, source, rules, ModuleFacts.from_ast(tree)) is None


def test_the_plan_knows_every_load_the_round_trips_follow():
    """core/locate.py cannot import the rules, so it keeps its own names of
    the loads and data keywords of rules/_roundtrip.py's DATA_ARG: a load
    added there must be added here, or its class round trips lose members."""
    from mlwarden.core.locate import _DATA_KEYWORDS, _LOAD_NAMES
    from mlwarden.rules._roundtrip import DATA_ARG

    assert {name.rsplit(".", 1)[-1] for name in DATA_ARG} - {"open"} <= _LOAD_NAMES  # shelve.open reads a path
    assert {keyword for _position, keyword in DATA_ARG.values()} <= _DATA_KEYWORDS


# A command line longer than the gate's prose limit, written as adjacent
# literals and formatted: its only trigger word (`uvicorn`) is inside the
# template. Both gates (the code text and the ast walk) count a formatted
# string's words whatever its length, so the fast path reaches MLW707.
LONG_TEMPLATES = [
    "from .consoles import Console\n\n\ndef start_api(python, app, number):\n"
    "    return Console.exec_with_script(\n"
    "        \"{} -m uvicorn {} --host 0.0.0.0 --port {} \"\n"
    "        \"--reload --reload-delay 3 --log-level critical --proxy-headers\".format(python, app, number),\n"
    "        capture=False,\n    )\n",
    "from .consoles import Console\n\n\ndef start_api(python, app, number):\n"
    "    return Console.exec_with_script(\n"
    "        (\"%s -m uvicorn %s --host 0.0.0.0 --port %s \"\n"
    "         \"--reload --reload-delay 3 --log-level critical --proxy-headers\") % (python, app, number)\n    )\n",
]


@pytest.mark.parametrize("source", LONG_TEMPLATES)
def test_a_long_formatted_command_line_reaches_the_rule(source):
    assert len(source.split('"')[1] + source.split('"')[3]) > 100  # longer than the prose limit
    fast = check_source(source, "agent.py", config=Config(severity=Severity.LOW))
    full = check_source(source, "agent.py", config=Config(severity=Severity.LOW), full=True)
    assert comparable(fast.findings) == comparable(full.findings)
    assert [(f.rule_id, f.line) for f in fast.findings] == [("MLW707", 6)]  # at the command line argument
