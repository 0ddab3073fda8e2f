"""scripts/mutate.py, the mutation check (docs/development.md), on a small
slice of the suite: a broken rule must fail the tests that claim to check
it, and the script must say so, and say so too when nothing notices."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import ROOT

MUTATE = ROOT / "scripts" / "mutate.py"


def mutate(tmp_path, *args: str):
    out = tmp_path / "result.json"
    proc = subprocess.run(
        [sys.executable, str(MUTATE), *args[:2], "--json", str(out), "-n", "0", "--", *args[2:]],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )
    (result,) = json.loads(out.read_text(encoding="utf-8"))
    return proc, result


@pytest.mark.slow  # runs pytest three times in subprocesses
@pytest.mark.parametrize(
    "rule, mode, tests, failing",
    [
        # a code rule that reports nothing fails its examples and its fixture
        ("MLW102", "nothing", ("tests/test_rules.py", "tests/test_fixtures.py", "-k", "MLW102"), {"tests/test_rules.py", "tests/test_fixtures.py"}),
        # a model-file rule that reports every file fails its examples
        ("MLW601", "everything", ("tests/test_rules.py", "-k", "MLW601 and examples"), {"tests/test_rules.py"}),
    ],
)
def test_a_broken_rule_fails_its_tests(tmp_path, rule, mode, tests, failing):
    proc, result = mutate(tmp_path, rule, mode, *tests)
    assert proc.returncode == 0, proc.stdout + proc.stderr  # 0: the mutant was killed
    assert result["applied"] and result["failed"] > 0
    assert set(result["by_file"]) == failing
    assert "killed" in proc.stdout


@pytest.mark.slow
def test_a_mutant_no_test_looks_at_survives(tmp_path):
    """The control: MLW601 broken, only MLW102's examples run: every test
    passes, and the script says the mutant survived (exit 1)."""
    proc, result = mutate(tmp_path, "MLW601", "nothing", "tests/test_rules.py", "-k", "test_examples and MLW102")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert result["applied"] and result["failed"] == 0 and result["run"] >= 1
    assert "SURVIVED" in proc.stdout


def test_the_patch_is_inert_without_the_variable():
    """The .pth door stays harmless: without MLWARDEN_MUTATE, importing the
    patch changes nothing."""
    code = "import sys; sys.path.insert(0, sys.argv[1]); import mlwarden_mutant; print(any(type(f).__name__ == '_Finder' for f in sys.meta_path))"
    env = {k: v for k, v in __import__("os").environ.items() if k != "MLWARDEN_MUTATE"}
    proc = subprocess.run([sys.executable, "-c", code, str(ROOT / "scripts" / "mutation")], capture_output=True, text=True, env=env)
    assert proc.stdout.strip() == "False", proc.stderr
