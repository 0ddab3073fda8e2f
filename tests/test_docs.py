import importlib.util

from conftest import ROOT


def _gen():
    spec = importlib.util.spec_from_file_location("gen_rule_docs", ROOT / "scripts" / "gen_rule_docs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_generated_docs_and_readme_table_are_current():
    stale = _gen().stale()
    assert not stale, f"run `python scripts/gen_rule_docs.py`: stale {[str(p) for p in stale]}"


def test_readme_rule_table_lists_every_rule():
    from mlwarden.core.registry import all_rules

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for rule in all_rules():
        assert f"[{rule.id}](docs/rules/{rule.id}.md)" in readme
