"""Engine behaviour that no single rule owns: rule isolation."""

from mlwarden.core.config import Config
from mlwarden.core.engine import check_source
from mlwarden.core.finding import Severity
from mlwarden.core.registry import rule_by_id
from mlwarden.core.rule import CodeRule, FileRule

_DOC = """## What it does
x
## Why is this bad?
x
## Example
x
## Use instead
x
"""


class CrashingCodeRule(CodeRule):
    __doc__ = _DOC
    id, name, severity, cwe = "MLW998", "crashing-code-rule", Severity.LOW, (1,)
    message = "`boom` test rule"
    triggers = frozenset({"boom"})

    def visit_Call(self, node):
        raise AttributeError("'Element' object has no attribute 'target'")


class CrashingFileRule(FileRule):
    __doc__ = _DOC
    id, name, severity, cwe = "MLW997", "crashing-file-rule", Severity.LOW, (1,)
    message = "`boom` test rule"
    applies_to = frozenset({"python"})

    def check(self, unit):
        yield self.finding(unit, 1)
        raise ValueError("bad state")


SOURCE = "import pickle\nboom()\npickle.loads(b)\n"


def test_a_crashing_code_rule_costs_only_its_own_findings():
    result = check_source(SOURCE, "x.py", config=Config(), rules=[rule_by_id("MLW101"), CrashingCodeRule])
    assert [(f.line, f.rule_id) for f in result.findings] == [(3, "MLW101")]
    assert result.errors == [
        "x.py: internal error in rule MLW998 (AttributeError: 'Element' object has no attribute 'target'); "
        "its findings for this file may be missing; please report this"
    ]


def test_a_crashing_file_rule_is_reported_and_the_run_goes_on():
    result = check_source(SOURCE, "x.py", config=Config(severity=Severity.LOW), rules=[rule_by_id("MLW101"), CrashingFileRule])
    assert [(f.line, f.rule_id) for f in result.findings] == [(1, "MLW997"), (3, "MLW101")]
    assert len(result.errors) == 1 and "internal error in rule MLW997 (ValueError: bad state)" in result.errors[0]


def test_mlw107_del_of_a_tuple_does_not_crash():
    source = 'import os\ndel (a, b)\ndel a, [b, c]\ndel os.environ["TORCH_FORCE_WEIGHTS_ONLY_LOAD"], x\n'
    result = check_source(source, "x.py", config=Config(), rules=[rule_by_id("MLW107")])
    assert result.errors == []
    assert [(f.line, f.rule_id) for f in result.findings] == [(4, "MLW107")]


# --- the gate must be sound: never skip a file a rule would report ---------

import ast  # noqa: E402

import pytest  # noqa: E402

from conftest import FIXTURES  # noqa: E402
from mlwarden.core.engine import candidate_rules  # noqa: E402
from mlwarden.core.registry import all_rules  # noqa: E402

GATED = [r for r in all_rules() if issubclass(r, CodeRule) and r.ast_gate is not None]


@pytest.mark.parametrize("rule", GATED, ids=lambda r: r.id)
def test_ast_gate_admits_every_invalid_example_and_fixture(rule):
    sources = [case.code for case in rule.INVALID]
    fixture = FIXTURES / "rules" / f"{rule.id}.py"
    if fixture.exists():
        sources.append(fixture.read_text(encoding="utf-8"))
    for source in sources:
        assert rule.ast_gate(ast.parse(source)), source


def test_mlw402_gate_skips_pass_through_tokens_but_not_literals():
    rule = rule_by_id("MLW402")
    skip = "from huggingface_hub import hf_hub_download\ndef get(repo, token):\n    return hf_hub_download(repo, 'f', token=token)\n"
    assert candidate_rules(skip, [rule], ast.parse(skip)) == []
    for keep in (
        "from huggingface_hub import hf_hub_download\nhf_hub_download('r', 'f', token='q8Zr2kLm0x')\n",
        "from huggingface_hub import login\nTOKEN = 'q8Zr2kLm0x'\nlogin(TOKEN)\n",
        "import openai\nopenai.api_key = 'q8Zr2kLm0x'\n",
        "import os\nos.environ['HF_TOKEN'] = 'q8Zr2kLm0x'\n",
        "import os\nos.environ.update({'HF_TOKEN': 'q8Zr2kLm0x'})\n",
        "from openai import OpenAI\nOpenAI(**{'api_key': 'q8Zr2kLm0x'})\n",
    ):
        assert candidate_rules(keep, [rule], ast.parse(keep)) == [rule], keep
        assert check_source(keep, "x.py", config=Config(), rules=[rule]).findings, keep


def test_an_alias_of_an_assumed_module_is_reported_without_a_crash():
    """``load = pickle.loads`` with ``pickle`` bound nowhere, then ``load(b)``:
    the call resolves through the alias to the assumed module, and the note
    names the alias (this raised KeyError in the engine)."""

    source = "def f(blob):\n    load = pickle.loads\n    return load(blob)\n"
    result = check_source(source, "alias.py", config=Config(severity=Severity.LOW))
    assert not result.errors
    assert [(f.rule_id, f.line) for f in result.findings] == [("MLW101", 2), ("MLW101", 3)]
    assert result.findings[0].message.endswith("(`pickle` is bound nowhere in this file and was taken to be the `pickle` module)")
    assert result.findings[1].message.endswith("(`load` comes from a name bound nowhere in this file, taken to be the `pickle` module)")
