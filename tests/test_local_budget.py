"""The local run's budget table (``local_budget.py``) names real tests and
leaves every front door a real-process test in the local run."""

import ast
from pathlib import Path

import pytest

from local_budget import SLOW, SWEEP

ROOT = Path(__file__).resolve().parent.parent


def _functions(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.name.startswith("test_")}


@pytest.mark.parametrize("key", sorted({*SLOW, *SWEEP}))
def test_every_entry_names_a_test_function(key):
    file, _, name = key.partition("::")
    name = name.split("[", 1)[0]
    path = ROOT / file
    assert path.is_file(), key
    assert name in _functions(path), key


def test_sweeps_keep_a_sample():
    assert all(isinstance(every, int) and every >= 2 for every in SWEEP.values())
    assert not set(SLOW) & set(SWEEP)


@pytest.mark.parametrize("front_door", ["test_server.py", "test_resident.py", "test_action.py", "test_flake8.py", "test_startup.py", "test_cli.py", "test_strip.py"])
def test_each_front_door_keeps_local_tests(front_door):
    kept = {name for name in _functions(ROOT / "tests" / front_door) if f"tests/{front_door}::{name}" not in SLOW}
    assert kept, front_door
