"""The pip reader's line pruning (`_argv_anywhere(prune=True)`) finds
exactly what a walk of every node finds.

The pruned walk enters only statements whose lines hold the word
``install``; these cases put that word where a line-based shortcut could go
wrong: on a later line of a multi-line list, after form feeds and lone
carriage returns (which `str.splitlines` and `ast` count differently),
inside message calls, in f-strings, and in a file with no pip at all.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from mlwarden.sources.dependencies.pip_in_code import _argv_anywhere

ROOT = Path(__file__).resolve().parent.parent

CASES = {
    "list": 'import subprocess, sys\nsubprocess.run([sys.executable, "-m", "pip", "install", "torchvision"])\n',
    "later_line": 'import subprocess, sys\ncmd = [\n    sys.executable,\n    "-m",\n    "pip",\n    "install",\n    "left-pad",\n]\nsubprocess.check_call(cmd)\n',
    "form_feed": '\x0c\nimport subprocess\n\x0c\n\x0c\nsubprocess.run(["pip", "install", "requests"])\n',
    "carriage_returns": 'import subprocess\r\rsubprocess.run(["pip3", "install", "numpy"])\r',
    "crlf": 'import subprocess\r\n\r\nsubprocess.run(["python", "-m", "pip", "install", "-U", "pip", "wheel"])\r\n',
    "message": 'import logging\nlogging.warning(["pip", "install", "x"])\nprint("run: pip install x")\n',
    "fstring": 'import os\nname = "tool"\nos.system(f"pip install {name}")\nrun(["bash", "-c", f"pip install --upgrade {name}"])\n',
    "program_call": 'import sh\nsh.pip("install", "rich")\n',
    "tuple_in_function": 'def setup(env):\n    """Set up."""\n    env.execute(args=("-m", "pip",\n                      "install", "black"))\n',
    "no_pip": 'def f(x):\n    return [x, x + 1]\n',
    "install_comment_only": '# install notes\nitems = ["a", "b"]\n',
}


def _read(source: str, prune: bool):
    tree = ast.parse(source)
    return [[(w.text, w.line, w.col) for w in words] for words in _argv_anywhere(tree, source.splitlines(), prune=prune, source=source)]


@pytest.mark.parametrize("name", sorted(CASES))
def test_pruned_equals_full_walk(name):
    source = CASES[name]
    assert _read(source, True) == _read(source, False)


def test_cases_do_find_commands():
    # the comparison above means something only if the full walk finds commands in these samples
    found = {name for name, source in CASES.items() if _read(source, False)}
    assert {"list", "later_line", "form_feed", "carriage_returns", "crlf", "program_call", "tuple_in_function"} <= found
    assert "no_pip" not in found and "message" not in found


def test_pruned_equals_full_walk_on_repository_code():
    files = sorted((ROOT / "fixtures").rglob("*.py")) + sorted((ROOT / "src" / "mlwarden" / "sources").rglob("*.py"))
    compared = 0
    for path in files:
        source = path.read_text(encoding="utf-8", errors="replace")
        try:
            ast.parse(source)
        except (SyntaxError, ValueError):
            continue
        assert _read(source, True) == _read(source, False), path
        compared += 1
    assert compared > 50
