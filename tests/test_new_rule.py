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


def test_scaffolded_rule_passes_the_docs_checks_without_a_manual_step(tmp_path):
    """Adding a rule touches the rule module and its fixture; the script
    regenerates the docs page and the README table itself, so the docs
    check passes on the first run (it failed until gen_rule_docs.py was run
    by hand)."""
    import shutil

    for name in ("src", "scripts", "docs"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "README.md", tmp_path / "README.md")
    check = [sys.executable, "-I", str(tmp_path / "scripts" / "gen_rule_docs.py"), "--check"]
    assert subprocess.run(check, capture_output=True, text=True, timeout=300).returncode == 0
    proc = subprocess.run(
        [sys.executable, str(tmp_path / "scripts" / "new_rule.py"), "--id", "MLW199", "--name", "foo-bar-load", "--root", str(tmp_path)],
        capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    after = subprocess.run(check, capture_output=True, text=True, timeout=300)
    assert after.returncode == 0, after.stdout + after.stderr
    readme = (tmp_path / "README.md").read_text(encoding="utf-8")
    assert "[MLW199](docs/rules/MLW199.md)" in readme
    assert readme.replace(readme[readme.index("<!-- rules:begin -->"):readme.index("<!-- rules:end -->")], "") == (
        lambda r: r.replace(r[r.index("<!-- rules:begin -->"):r.index("<!-- rules:end -->")], "")
    )((ROOT / "README.md").read_text(encoding="utf-8"))
