"""Every rule, from the registry: metadata, examples, docs, fixtures.

Adding a rule adds its cases here automatically."""

import re
from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT, run_tool
from mlwarden.core import docs
from mlwarden.core.config import Config
from mlwarden.core.finding import Severity
from mlwarden.core.registry import all_rules
from mlwarden.core.run import check_paths
from mlwarden.core.rule import CodeRule
from mlwarden.testing import assert_rule_examples, check_example, expected_markers

RULES = all_rules()
IDS = [r.id for r in RULES]
RULE_FIXTURES = sorted(p for p in (FIXTURES / "rules").iterdir() if p.name.startswith("MLW"))


def all_selected() -> Config:
    """Every rule at every severity: fixtures mark low findings too."""
    return Config(select=list(IDS), severity=Severity.LOW)


def test_registry_ids_unique_and_sorted():
    assert IDS == sorted(set(IDS))
    assert len({r.name for r in RULES}) == len(RULES)


@pytest.mark.parametrize("rule", RULES, ids=IDS)
def test_examples(rule):
    assert rule.VALID and rule.INVALID, f"{rule.id} needs VALID and INVALID examples"
    assert_rule_examples(rule)


@pytest.mark.parametrize("rule", [r for r in RULES if r.advice], ids=lambda r: r.id)
def test_every_case_message_ends_with_the_rules_advice(rule):
    """A rule that writes its advice once (``advice``) gives it in every
    finding, whatever the case's own wording before it."""
    messages = [f.message for case in rule.INVALID for f in check_example(rule, case.code, case.filename, case.options)]
    assert messages
    for message in messages:
        assert message.endswith("; " + rule.advice), message


@pytest.mark.parametrize("rule", [r for r in RULES if issubclass(r, CodeRule)], ids=lambda r: r.id)
def test_doc_examples_run(rule):
    """The docs' Example block triggers the rule; the Use instead block does not."""
    parts = docs.sections(rule)
    bad = [code for lang, code in docs.code_blocks(parts["Example"]) if lang in ("python", "py")]
    good = [code for lang, code in docs.code_blocks(parts["Use instead"]) if lang in ("python", "py")]
    assert bad, f"{rule.id}: the Example section needs a ```python block"
    assert any(check_example(rule, code) for code in bad), f"{rule.id}: Example block is not flagged"
    for code in good:
        assert not check_example(rule, code), f"{rule.id}: Use instead block is flagged:\n{code}"


#: File rules whose docs examples describe a state no text can reproduce:
#: a notebook's saved outputs or widget metadata, or a binary model file
#: (tests/test_models.py and the fixtures/rules/MLW6*.md cases build those).
DOC_EXAMPLES_NOT_TEXT = {"MLW501", "MLW510", "MLW511"} | {r.id for r in RULES if r.id.startswith("MLW6")}
#: dependency-file blocks by language (the MLW3xx/MLW9xx docs use these)
DEPENDENCY_FILENAMES = {"text": "requirements.txt", "toml": "pyproject.toml", "yaml": "environment.yml"}


def file_rule_example_name(rule, lang: str) -> str:
    """The file name a docs block of ``rule`` is checked as."""
    kinds = rule.applies_to
    if "requirements" in kinds and lang in DEPENDENCY_FILENAMES:
        return DEPENDENCY_FILENAMES[lang]
    if lang == "python" and "python" in kinds:
        return "example.py"
    if kinds & {"notebook", "ipython"}:
        return "example.ipy"  # IPython cell text: %magics, !commands, Python
    raise AssertionError(f"{rule.id}: no file kind for a ```{lang} docs block")


@pytest.mark.parametrize("rule", [r for r in RULES if not issubclass(r, CodeRule) and r.id not in DOC_EXAMPLES_NOT_TEXT], ids=lambda r: r.id)
def test_file_rule_doc_examples_run(rule):
    """File rules' docs examples run too: Example is flagged, Use instead is
    not. (The docs mark fake secrets `# pragma: allowlist secret` for the
    repository's own secret scanners; that pragma is dropped here.)"""
    parts = docs.sections(rule)

    def run(lang, code):
        code = code.replace("  # pragma: allowlist secret", "")
        return check_example(rule, code, file_rule_example_name(rule, lang))

    bad = docs.code_blocks(parts["Example"])
    assert bad, f"{rule.id}: the Example section needs a code block"
    for lang, code in bad:
        assert run(lang, code), f"{rule.id}: Example block is not flagged:\n{code}"
    for lang, code in docs.code_blocks(parts["Use instead"]):
        assert not run(lang, code), f"{rule.id}: Use instead block is flagged:\n{code}"


@pytest.mark.parametrize("rule", RULES, ids=IDS)
def test_docs_page_is_current(rule):
    page = ROOT / "docs" / "rules" / f"{rule.id}.md"
    assert page.exists(), f"run `python scripts/gen_rule_docs.py` to create {page.name}"
    assert page.read_text(encoding="utf-8") == docs.render(rule), f"{page.name} is stale: run scripts/gen_rule_docs.py"


@pytest.mark.parametrize("rule", RULES, ids=IDS)
def test_every_rule_has_a_marked_fixture(rule):
    marked = set()
    for path in RULE_FIXTURES:
        if path.name.startswith(rule.id):
            marked |= {code for _, code in expected_markers(path.read_text(encoding="utf-8"))}
    assert rule.id in marked, f"fixtures/rules/{rule.id}.* must mark at least one `# error: {rule.id}`"


PY_FIXTURES = [p for p in RULE_FIXTURES if p.suffix == ".py"]


def test_fixtures_exact_flake8():
    """Real flake8, one subprocess for every Python fixture: same pairs as the CLI."""
    proc = run_tool(
        "flake8", "--isolated", "--select", "MLW", "--format", "%(path)s::%(row)d::%(code)s", *PY_FIXTURES, cwd=ROOT
    )
    assert proc.returncode in (0, 1), proc.stderr
    found = {}
    for line in proc.stdout.splitlines():
        path, row, code = line.split("::")
        found.setdefault(path, set()).add((int(row), code))
    # flake8 shows what a default CLI run shows (medium and above)
    results, _ = check_paths([str(p) for p in PY_FIXTURES], Config(select=list(IDS)))
    default_run = {(Path(r.path).name, f.line, f.rule_id) for r in results for f in r.findings}
    for path in PY_FIXTURES:
        marked = {(l, c) for l, c in expected_markers(path.read_text(encoding="utf-8")) if not c.startswith("MLW9")}
        expected = {(l, c) for l, c in marked if (path.name, l, c) in default_run}
        key = next((k for k in found if k.endswith(path.name)), None)
        assert found.get(key, set()) == expected, f"flake8 on {path.name}"


@pytest.mark.parametrize("rule", RULES, ids=IDS)
def test_message_style(rule):
    assert re.match(r"^`[^`]+`", rule.message)
    assert not rule.message.endswith(".")
    assert len(rule.message) < 200
