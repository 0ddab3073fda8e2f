"""The incremental check (core/incremental.py) finds exactly what a fresh
check finds, edit after edit.

Random and adversarial edit sequences run over every Python fixture, the
demo project, the rules' examples and docs examples (joined per rule
family) and a generated training script; after every edit the incremental
result must equal a fresh ``check_source`` of the same text: the same
findings at the same positions, with the same messages, severities and
fixes, and the same errors. The edits are the ones that break a naive
cache: typing inside a flagged call, adding or removing an import or an
alias that changes the verdict elsewhere, changing a module constant a rule
follows, lines inserted above findings, a function deleted, a dump that
makes another function's load a round trip, a ``global`` declaration, a
push to the Hub, syntax broken and restored, undo.
"""

from __future__ import annotations

import importlib.util
import random
from typing import List, Sequence

import pytest

from conftest import FIXTURES, ROOT
from mlwarden.core import docs
from mlwarden.core.config import Config
from mlwarden.core.engine import check_source
from mlwarden.core.finding import Severity
from mlwarden.core.incremental import IncrementalCheck, judged_together
from mlwarden.core.registry import all_rules
from mlwarden.core.rule import CodeRule

RULES = all_rules()


def _bench():
    spec = importlib.util.spec_from_file_location("lsp_latency", ROOT / "benchmarks" / "lsp_latency.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def comparable(result) -> tuple:
    findings = []
    for f in result.findings:
        edits = tuple((e.start_line, e.start_col, e.end_line, e.end_col, e.text) for e in f.fix.edits) if f.fix else None
        findings.append((f.path, f.rule_id, f.cell, f.line, f.col, f.end_line, f.end_col, f.file_line, f.message,
                         f.severity, f.snippet_hash, f.context, edits, f.fix.safe if f.fix else None,
                         f.fix.description if f.fix else None))
    return tuple(findings), tuple(result.errors)


# lines that change verdicts elsewhere (inserted with the indentation of where they go)
POOL = [
    "import pickle",
    "import pickle as pk",
    "import torch",
    "import torch as t",
    "from torch import load as L",
    "from torch import load",
    "import yaml",
    "from yaml import load",
    "import numpy as np",
    "import joblib",
    "import tarfile",
    "from transformers import AutoModel",
    "load = pickle.loads",
    "torch = None",
    "pickle = make_pickler()",
    "yaml = ruamel.yaml.YAML()",
    "PATH = 'model.pkl'",
    "PATH = path_from_user()",
    "LOADER = yaml.Loader",
    "LOADER = yaml.SafeLoader",
    "REV = 'main'",
    "REV = '3f5a1c9e0b7d4a2f8e6c1b0a9d8e7f6a5b4c3d2e'",
    "BASE_REVISION = 'main'",
    "ALLOW = True",
    "global blob",
    "global model",
    "blob = pickle.dumps(obj)",
    "pickle.dump(obj, open(PATH, 'wb'))",
    "torch.save(model, PATH)",
    "x = pickle.load(open(PATH, 'rb'))",
    "x = pickle.loads(blob)",
    "torch.load(PATH)",
    "state = t.load(path, weights_only=False)",
    "state = L(path)",
    "cfg = yaml.load(f, Loader=LOADER)",
    "cfg = load(f)",
    "arr = np.load(p, allow_pickle=ALLOW)",
    "m = joblib.load(p)",
    "tarfile.open(p).extractall()",
    "model = AutoModel.from_pretrained('acme/model', revision=REV)",
    "model = AutoModel.from_pretrained(BASE_MODEL, trust_remote_code=True)",
    "model.push_to_hub('acme-research/model')",
    "KW = {'trust_remote_code': True}",
    "model = AutoModel.from_pretrained('x/y', **KW)",
    "app.run(debug=True)",
    "x = torch.load(p)  # noqa: MLW102",
    "if True:",
    "(",
    "def f(",
    '"""',
]


def _parses(text: str) -> bool:
    import ast

    try:
        ast.parse(text)
    except (SyntaxError, ValueError):
        return False
    return True


class Editor:
    """A text and the edits a user makes to it."""

    def __init__(self, text: str, seed: int) -> None:
        self.lines: List[str] = text.splitlines(keepends=True)
        self.random = random.Random(seed)
        self.history: List[List[str]] = []

    @property
    def text(self) -> str:
        return "".join(self.lines)

    def _indent_at(self, index: int) -> str:
        for line in self.lines[index : index + 3]:
            if line.strip():
                return line[: len(line) - len(line.lstrip())]
        return ""

    def edit(self) -> str:
        """One random edit; returns its name. Broken syntax is usually
        restored by the next edit, as a user finishes typing."""
        r = self.random
        if not _parses(self.text) and r.random() < 0.8:
            for earlier in reversed(self.history):
                if _parses("".join(earlier)):
                    self.history.append(list(self.lines))
                    self.lines = list(earlier)
                    return "restore"
        self.history.append(list(self.lines))
        lines = self.lines
        if not lines:
            lines.append(r.choice(POOL) + "\n")
            return "insert"
        op = r.choice(["insert", "insert", "insert", "delete", "retype", "retype", "blank", "block", "break", "undo"])
        index = r.randrange(len(lines))
        if op == "insert":
            lines.insert(index, self._indent_at(index) + r.choice(POOL) + "\n")
        elif op == "delete":
            del lines[index]
        elif op == "retype":
            # typing inside a flagged call when there is one
            hot = [i for i, line in enumerate(lines) if any(w in line for w in ("load", "pretrained", "dump", "save", "= "))]
            index = r.choice(hot) if hot else index
            line = lines[index].rstrip("\n")
            indent = len(line) - len(line.lstrip())
            at = r.randrange(indent, len(line) + 1)
            typed = r.choice(["1", "x", "_", " ", "True", "False", ", weights_only=True", ", revision=REV", "'"])
            if r.random() < 0.3 and at < len(line):
                line = line[:at] + line[at + 1 :]
            else:
                line = line[:at] + typed + line[at:]
            lines[index] = line + "\n"
        elif op == "blank":
            lines[index:index] = ["\n"] * r.randint(1, 3)
        elif op == "block":
            starts = [i for i, line in enumerate(lines) if line.startswith(("def ", "class ", "async def ", "@"))]
            if starts:
                start = r.choice(starts)
                end = start + 1
                while end < len(lines) and (not lines[end].strip() or lines[end][:1] in " \t#)"):
                    end += 1
                if r.random() < 0.5:
                    del lines[start:end]
                else:  # move it to the top (after the imports)
                    block = lines[start:end]
                    del lines[start:end]
                    lines[0:0] = block
        elif op == "break":
            lines[index] = lines[index].rstrip("\n") + r.choice([" (", " :", " '''"]) + "\n"
        elif op == "undo" and len(self.history) > 1:
            self.history.pop()  # this edit's own snapshot
            self.lines = self.history.pop(r.randrange(max(0, len(self.history) - 3), len(self.history)))
            self.history.append(list(self.lines))
        return op


def run_sequence(text: str, name: str, config: Config, edits: int, seed: int, rules: Sequence = None) -> IncrementalCheck:
    incremental = IncrementalCheck()
    editor = Editor(text, seed)
    for step in range(edits + 1):
        if step:
            editor.edit()
        source = editor.text
        got = incremental.check(source, name, config=config, rules=rules)
        want = check_source(source, name, config=config, rules=rules)
        assert comparable(got) == comparable(want), f"{name}: edit {step} (seed {seed}) differs\n--- text ---\n{source}"
    return incremental


def every_rule() -> Config:
    return Config(select=[r.id for r in RULES], root=ROOT, severity=Severity.LOW)


PYTHON_FILES = sorted(FIXTURES.glob("rules/*.py")) + sorted((FIXTURES / "demo").rglob("*.py"))


@pytest.mark.sweep(every=3)
@pytest.mark.parametrize("path", PYTHON_FILES, ids=lambda p: str(p.relative_to(FIXTURES)))
def test_fixture_edit_sequences(path):
    text = path.read_text(encoding="utf-8")
    run_sequence(text, str(path), every_rule(), edits=3, seed=len(path.name))


def _examples_by_family():
    """Every code rule's examples and docs examples, joined per rule family
    (one module of many statements: pieces that see each other)."""
    families = {}
    for rule in RULES:
        if not issubclass(rule, CodeRule):
            continue
        snippets = [c.code for c in (*rule.VALID, *rule.INVALID) if (c.filename or "example.py").endswith(".py") and not c.options]
        parts = docs.sections(rule)
        for section in ("Example", "Use instead"):
            snippets += [code for lang, code in docs.code_blocks(parts.get(section, "")) if lang in ("python", "py")]
        families.setdefault(rule.id[:4], []).extend(snippets)
    return sorted(families.items())


def _example_chunks(size: int = 12):
    """The joined examples in chunks of ``size`` snippets."""
    out = []
    for family, snippets in _examples_by_family():
        for start in range(0, len(snippets), size):
            out.append(pytest.param(family, "\n\n".join(s.rstrip("\n") + "\n" for s in snippets[start : start + size]), id=f"{family}-{start // size}"))
    return out


@pytest.mark.sweep(every=3)
@pytest.mark.parametrize("family, text", _example_chunks(30))
def test_examples_edit_sequences(family, text):
    run_sequence(text, f"{family.lower()}_examples.py", every_rule(), edits=2, seed=len(text))  # 20 x 3 in the slow test below


@pytest.mark.slow
@pytest.mark.parametrize("family, text", _example_chunks(40))
def test_examples_long_edit_sequences(family, text):
    for seed in range(3):
        run_sequence(text, f"{family.lower()}_examples.py", every_rule(), edits=20, seed=seed)


def test_generated_training_script_edit_sequence():
    """The benchmark's script (shorter here): functions that load models,
    datasets and checkpoints, most of them judged again only when edited."""
    text = _bench().training_script(300)
    incremental = run_sequence(text, "train.py", Config(root=ROOT), edits=8, seed=7)
    assert incremental.stats["reused"] > incremental.stats["judged"], incremental.stats


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(4))
def test_big_training_script_long_edit_sequence(seed):
    text = _bench().training_script(2000)
    run_sequence(text, "train.py", every_rule(), edits=25, seed=100 + seed)


# -- targeted cases: each is a verdict that depends on another unit ---------

CROSS_UNIT = [
    # an alias added at the top changes a call in a function below
    ("import torch\n\n\ndef a(p):\n    return L(p)\n", 0, "from torch import load as L\n"),
    # a module constant a rule follows
    ("import yaml\nLOADER = yaml.SafeLoader\n\n\ndef a(f):\n    return yaml.load(f, Loader=LOADER)\n", 1, "LOADER = yaml.Loader\n"),
    # a second assignment: the name is no constant any more
    ("import yaml\nLOADER = yaml.SafeLoader\n\n\ndef a(f):\n    return yaml.load(f, Loader=LOADER)\n", 2, "LOADER = yaml.Loader\n"),
    # a revision constant of a hub load
    ("from transformers import AutoModel\nREV = '3f5a1c9e0b7d4a2f8e6c1b0a9d8e7f6a5b4c3d2e'\n\n\ndef a():\n    return AutoModel.from_pretrained('acme/m', revision=REV)\n", 1, "REV = 'main'\n"),
    # shadowing an import elsewhere in the file
    ("import pickle\n\n\ndef a(f):\n    return pickle.load(f)\n", 1, "pickle = make_safe_pickler()\n"),
    # a local alias in another function gives a name a meaning everywhere (the text of the first is unchanged)
    ("import pickle\n\n\ndef a(x, blob):\n    pickle.loads(blob)\n    return load(x)\n\n\ndef b(y):\n    return y\n", 9, "    load = pickle.loads\n"),
    ("import pickle\n\n\ndef a(x, blob):\n    pickle.loads(blob)\n    return load(x)\n\n\ndef b(y):\n    return y\n", 9, "    load = y\n"),
    # a `global` in another function breaks a round trip
    ("import pickle\nblob = pickle.dumps(1)\n\n\ndef a():\n    return pickle.loads(blob)\n\n\ndef b(x):\n    pass\n", 9, "    global blob\n    blob = x\n"),
    # a push to the project's own organisation lowers another function's hub load
    ("from transformers import AutoModel\n\n\ndef a():\n    return AutoModel.from_pretrained('acme-research/m')\n\n\ndef b(m):\n    pass\n", 9, "    m.push_to_hub('acme-research/m')\n"),
    # a dict of trust_remote_code consumed by a call in a function
    ("from transformers import AutoModel\nKW = {'trust_remote_code': True}\n\n\ndef a():\n    pass\n", 5, "    return AutoModel.from_pretrained('x/y', **KW)\n"),
    # a dump in a method makes another method's load a round trip
    ("import pickle\n\n\nclass Box:\n    def __init__(self, v):\n        self.blob = v\n\n    def get(self):\n        return pickle.loads(self.blob)\n", 5, "        self.blob = pickle.dumps(v)\n"),
]


@pytest.mark.parametrize("source, at, inserted", CROSS_UNIT)
def test_a_change_elsewhere_changes_the_verdict_and_the_incremental_check_follows(source, at, inserted):
    config = Config(root=ROOT, severity=Severity.LOW)
    incremental = IncrementalCheck()
    lines = source.splitlines(keepends=True)
    edited = "".join(lines[:at] + [inserted] + lines[at:])
    for text in (source, edited, source, edited):
        assert comparable(incremental.check(text, "cross.py", config=config)) == comparable(check_source(text, "cross.py", config=config))


def test_unchanged_functions_are_not_judged_again_and_move_with_inserted_lines():
    """The premise: an edit in one function re-judges that function only;
    lines inserted at the top move the kept findings with them."""
    # (`global_step` is no `global` statement: the units stay apart)
    body = "".join(f"\n\ndef load_{n}(p):\n    return torch.load(p, global_step)\n" for n in range(6))
    source = "import torch\n" + body
    incremental = IncrementalCheck()
    config = Config(root=ROOT)
    first = incremental.check(source, "m.py", config=config)
    assert [f.line for f in first.findings] == [5, 9, 13, 17, 21, 25]
    judged = incremental.stats["judged"]
    edited = source.replace("def load_3(p):\n    return torch.load(p, global_step)", "def load_3(p):\n    return torch.load(p, global_step, map_location='cpu')")
    second = incremental.check(edited, "m.py", config=config)
    assert [f.line for f in second.findings] == [5, 9, 13, 17, 21, 25]
    assert incremental.stats["judged"] == judged + 1
    moved = incremental.check("# a comment\n\n" + edited, "m.py", config=config)
    assert incremental.stats["judged"] == judged + 1  # nothing judged again
    assert [f.line for f in moved.findings] == [7, 11, 15, 19, 23, 27]
    assert [e.start_line for f in moved.findings for e in f.fix.edits] == [7, 11, 15, 19, 23, 27]
    assert comparable(moved) == comparable(check_source("# a comment\n\n" + edited, "m.py", config=config))
    # made safe as written: MLW102's site gate keeps the function from libcst altogether
    safe = edited.replace("torch.load(p, global_step, map_location='cpu')", "torch.load(p, global_step, weights_only=True)")
    third = incremental.check(safe, "m.py", config=config)
    assert [f.line for f in third.findings] == [5, 9, 13, 21, 25]
    assert incremental.stats["judged"] == judged + 1


def test_a_new_configuration_drops_every_judgment():
    source = "import torch\n\n\ndef a(p):\n    return torch.load(p)\n"
    incremental = IncrementalCheck()
    assert incremental.check(source, "m.py", config=Config(root=ROOT)).findings
    quiet = Config(root=ROOT, ignore=["MLW102"])
    assert comparable(incremental.check(source, "m.py", config=quiet)) == comparable(check_source(source, "m.py", config=quiet))
    assert not incremental.check(source, "m.py", config=quiet).findings


def test_rules_that_gather_state_over_the_module_are_judged_together():
    """Rules with a ``leave_Module`` (or a walk of the whole module) see
    every statement the plan keeps, as in the CLI; a new such rule is judged
    together by default."""
    by_id = {r.id: r for r in RULES}
    assert judged_together(by_id["MLW201"]) and judged_together(by_id["MLW704"]) and judged_together(by_id["MLW707"])
    assert not judged_together(by_id["MLW102"]) and not judged_together(by_id["MLW202"])
    for rule in RULES:
        if issubclass(rule, CodeRule) and hasattr(rule, "leave_Module") and rule.id != "MLW202":
            assert judged_together(rule), rule.id


def test_other_kinds_are_checked_as_the_cli_checks_them():
    incremental = IncrementalCheck()
    text = "torch==2.0\nrequests\n"
    got = incremental.check(text, "requirements.txt", config=Config(root=ROOT))
    assert comparable(got) == comparable(check_source(text, "requirements.txt", config=Config(root=ROOT)))
    assert incremental.stats == {"judged": 0, "reused": 0}


# -- the statement parser: the same tree as ast.parse, edit after edit ------


def _same_as_whole_parse(statements, text: str) -> None:
    import ast

    from mlwarden.core.engine import ParseFailure, check_compiles, parse_ast
    from mlwarden.core.gate import nesting_depth

    try:
        want = parse_ast(text)
    except ParseFailure as exc:
        with pytest.raises(ParseFailure) as got:
            statements.parse(text)
        assert str(got.value) == str(exc)
        return
    tree = statements.parse(text)
    assert ast.dump(tree, include_attributes=True) == ast.dump(want, include_attributes=True)
    assert statements.depth(tree) == nesting_depth(want)
    try:
        check_compiles(want, "python")
    except ParseFailure as exc:
        with pytest.raises(ParseFailure) as got:
            statements.compiles(tree, "python")
        assert str(got.value) == str(exc)
    else:
        statements.compiles(tree, "python")


TRICKY = [
    "x = 1 \\\n",
    "def f():\n    return 1\n",
    "@decorator\n",
    "    pass\n",
    "'''\n",
    "from __future__ import annotations\n",
    "global g\n",
    "return 1\n",
    "a = 1; b = 2\n",
    "# comment\n",
    "class C:\n",
    "if x:\n",
    "else:\n",
    "\n",
]


@pytest.mark.parametrize("seed, edits", [(0, 40), (1, 40), *(pytest.param(seed, 150, marks=pytest.mark.slow) for seed in range(2, 8))])
def test_statements_parse_like_ast_parse(seed, edits):
    from mlwarden.core.incremental import Statements

    text = _bench().training_script(150 if edits < 100 else 600) if seed % 2 else (FIXTURES / "demo" / "train.py").read_text(encoding="utf-8")
    editor = Editor(text, seed)
    statements = Statements()
    rng = random.Random(seed)
    reparsed = []
    for step in range(edits):
        if step:
            if rng.random() < 0.3:  # a line that meets its neighbours at the tokenizer or the compiler
                index = rng.randrange(len(editor.lines) + 1)
                editor.history.append(list(editor.lines))
                editor.lines.insert(index, rng.choice(TRICKY))
            else:
                editor.edit()
        _same_as_whole_parse(statements, editor.text)
        reparsed.append(statements.reparsed)
    assert min(reparsed[1:]) < len(editor.lines) / 4  # most edits re-parse a few statements only


#: rules that read the whole module in a way the incremental check handles
#: otherwise: the round-trip rules walk it only for ``global`` statements
#: (a unit with ``global`` is seen by every unit, see ``_GLOBAL``)
_WHOLE_MODULE_HANDLED = {"_roundtrip"}


def test_a_rule_that_walks_the_whole_module_is_judged_together():
    """A rule that visits or scopes ``ctx.module`` (not just prints a node
    of it) must be in ``TOGETHER`` or handled otherwise: judged unit by unit
    it would see only its unit. Guards the hand-kept list against new rules."""
    import re

    from mlwarden.core.incremental import TOGETHER

    walk = re.compile(r"ctx\.module\.visit\(|_assignments\(self\.ctx\.module\)|\[self\.ctx\.module\]|scope\([^)]*self\.ctx\.module")
    rules_dir = ROOT / "src" / "mlwarden" / "rules"
    walkers = {path.stem for path in rules_dir.glob("*.py") if walk.search(path.read_text(encoding="utf-8"))}
    assert walkers, "the pattern finds the known walkers"
    for stem in sorted(walkers - _WHOLE_MODULE_HANDLED):
        rule_id = stem.split("_", 1)[0].upper()
        assert rule_id in TOGETHER, f"{stem} walks ctx.module but is judged unit by unit"


#: judgments whose message names a line elsewhere in the file, or depends on
#: a fixture elsewhere: (source, edited)
CITING = {
    "cache-note-moves": (
        "import os\nimport pickle\n\n\ndef features(path, build):\n    if os.path.exists(path):\n"
        "        with open(path, 'rb') as f:\n            return pickle.load(f)\n    value = build()\n"
        "    with open(path, 'wb') as f:\n        pickle.dump(value, f)\n    return value\n\n\ndef other(x):\n    return x\n",
        "# a comment\n\n",
    ),
    "fixture-note-moves": (
        "import pickle\nimport pytest\n\n\n@pytest.fixture\ndef saved(tmp_path):\n    path = tmp_path / 'm.pkl'\n"
        "    with open(path, 'wb') as f:\n        pickle.dump({'w': 1}, f)\n    return path\n\n\n"
        "def test_load(saved):\n    with open(saved, 'rb') as f:\n        assert pickle.load(f)\n",
        "# a comment\n\n",
    ),
}


@pytest.mark.parametrize("source, prefix", CITING.values(), ids=CITING.keys())
def test_a_message_that_names_another_line_follows_it(source, prefix):
    config = Config(root=ROOT, severity=Severity.LOW)
    incremental = IncrementalCheck()
    for text in (source, prefix + source, source):
        assert comparable(incremental.check(text, "tests/test_cite.py", config=config)) == comparable(
            check_source(text, "tests/test_cite.py", config=config)
        )


def test_a_fixture_that_stops_returning_a_double_changes_the_test_s_verdict():
    source = (
        "import pickle\nimport pytest\nfrom unittest.mock import MagicMock\n\n\n@pytest.fixture\ndef api():\n"
        "    return MagicMock()\n\n\ndef test_upload(api):\n    push(api)\n    assert pickle.loads(api.saved)\n"
    )
    changed = source.replace("    return MagicMock()\n", "    return RealClient()\n")
    config = Config(root=ROOT, severity=Severity.LOW)
    incremental = IncrementalCheck()
    for text in (source, changed, source):
        assert comparable(incremental.check(text, "tests/test_cite.py", config=config)) == comparable(
            check_source(text, "tests/test_cite.py", config=config)
        )
    low = check_source(source, "tests/test_cite.py", config=config).findings
    high = check_source(changed, "tests/test_cite.py", config=config).findings
    assert [f.severity for f in low if f.rule_id == "MLW101"] == [Severity.LOW]
    assert [f.severity for f in high if f.rule_id == "MLW101"] == [Severity.HIGH]


def test_a_fixture_that_stops_writing_the_file_changes_the_test_s_verdict():
    source = CITING["fixture-note-moves"][0]
    changed = source.replace("    with open(path, 'wb') as f:\n        pickle.dump({'w': 1}, f)\n", "    download(path)\n")
    config = Config(root=ROOT, severity=Severity.LOW)
    incremental = IncrementalCheck()
    for text in (source, changed, source):
        assert comparable(incremental.check(text, "tests/test_cite.py", config=config)) == comparable(
            check_source(text, "tests/test_cite.py", config=config)
        )
    # the premise: the fixture's write makes the finding low, a download keeps it high
    low = check_source(source, "tests/test_cite.py", config=config).findings
    high = check_source(changed, "tests/test_cite.py", config=config).findings
    assert [f.severity for f in low if f.rule_id == "MLW101"] == [Severity.LOW]
    assert [f.severity for f in high if f.rule_id == "MLW101"] == [Severity.HIGH]
