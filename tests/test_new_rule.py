"""scripts/new_rule.py scaffolds a rule that passes the project's own checks."""

from __future__ import annotations

import importlib.util
import subprocess
import sys

import pytest

from conftest import ROOT
from mlwarden.core import docs
from mlwarden.testing import assert_rule_examples, check_example, expected_markers

SCRIPT = ROOT / "scripts" / "new_rule.py"


@pytest.fixture(scope="module")
def new_rule():
    spec = importlib.util.spec_from_file_location("new_rule_script", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load_rule(path):
    spec = importlib.util.spec_from_file_location(f"scaffolded_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return next(v for v in vars(module).values() if isinstance(v, type) and "id" in v.__dict__)


def test_scaffold_into_temp_dir(tmp_path):
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), "--id", "mlw199", "--name", "foo-bar-load", "--target", "foo.bar.load",
         "--root", str(tmp_path)],
        capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    rule_file = tmp_path / "src" / "mlwarden" / "rules" / "mlw199_foo_bar_load.py"
    fixture = tmp_path / "fixtures" / "rules" / "MLW199.py"
    page = tmp_path / "docs" / "rules" / "MLW199.md"
    assert proc.stdout.splitlines()[:3] == [f"created {rule_file}", f"created {fixture}", f"created {page}"]

    rule = load_rule(rule_file)
    assert (rule.__name__, rule.id, rule.name) == ("FooBarLoad", "MLW199", "foo-bar-load")
    assert "load" in rule.triggers
    # the examples run and pass, the docs Example is flagged and Use instead is not
    assert_rule_examples(rule)
    sections = docs.sections(rule)
    (bad,) = [c for _, c in docs.code_blocks(sections["Example"])]
    (good,) = [c for _, c in docs.code_blocks(sections["Use instead"])]
    assert check_example(rule, bad) and not check_example(rule, good)
    # the docs page is what gen_rule_docs.py would write
    assert page.read_text(encoding="utf-8") == docs.render(rule)
    # the fixture's markers are exactly what the rule finds
    text = fixture.read_text(encoding="utf-8")
    found = {(f.line, f.rule_id) for f in check_example(rule, text, filename="MLW199.py")}
    assert found == expected_markers(text) == {(5, "MLW199"), (6, "MLW199")}


def test_refuses_to_overwrite_and_bad_input(new_rule, tmp_path):
    new_rule.scaffold(tmp_path, "MLW198", "baz-load")
    with pytest.raises(ValueError, match="MLW198 is already used"):
        new_rule.scaffold(tmp_path, "MLW198", "other-name")
    for args, message in [
        (("MLW12", "x-load"), "expected MLW and three digits"),
        (("MLW197", "Foo_Load"), "expected kebab-case"),
        (("MLW197", "foo-load", "noqualifier"), "expected a qualified name"),
    ]:
        with pytest.raises(ValueError, match=message):
            new_rule.scaffold(tmp_path, *args)


def test_existing_id_in_this_repo_is_refused(tmp_path):
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), "--id", "MLW101", "--name", "pickle-again", "--root", str(ROOT)],
        capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 1
    assert proc.stderr.startswith("new_rule: error: MLW101 is already used")
    assert not (ROOT / "src" / "mlwarden" / "rules" / "mlw101_pickle_again.py").exists()
