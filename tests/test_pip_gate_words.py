"""The pip-in-code gate's words (``pip_in_code.may_install``): "pipeline" and
"installation" do not open it, and closing it on them loses no command.

Two checks: a table of own sources, and every Python source written in the
detection tests (string constants that parse and mention ``install``),
where a file the old substring gate opened and the new one closes must
hold no pip command when read without any gate."""

import ast
from pathlib import Path

import pytest

from mlwarden.sources.dependencies.pip_in_code import CALL_WORDS, GATE_WORDS, _commands, _may_run_pip, may_install

TESTS = Path(__file__).parent

CLOSED = {
    "pipeline-and-installation": (
        "import subprocess\nfrom transformers import pipeline\n"
        "p = pipeline('text-generation')\n"
        "subprocess.run(['git', 'clone', URL])\n"
        "raise ImportError('see https://hf.co/docs/installation')\n"
    ),
    "pipe-and-installation": "import os\nos.system('cat a | tee b')  # pipe; installation guide\n",
    "pipenv-installation": "import subprocess\nsubprocess.run(['pipenv', 'sync'])  # installation\n",
}
OPEN = {
    "pip-beside-pipeline": (
        "import subprocess\nfrom transformers import pipeline\n"
        "subprocess.run(['pip', 'install', 'requests'])  # see the installation page\n"
    ),
    "pip3": "import os\nos.system('pip3 install torch')\n",
    "python-m-pip": "import subprocess, sys\nsubprocess.check_call([sys.executable, '-m', 'pip', 'install', 'x'])\n",
    "helper-name": "def pip_install(*a):\n    pass\npip_install('x')\n",
    "pip-path": "import subprocess\nsubprocess.run([str(pip_path), 'install', 'x'])\n",
    "installs-a-pipeline": "import os\nos.system('pip install sentence-pipelines')\n",
}


def _commands_without_gate(source):
    tree = ast.parse(source)
    return [words for words in _commands(tree, source) if _may_run_pip(words)]


def _old_gate(source):
    """``may_install`` before the gate words: two substrings and a call word."""
    return all(word in source for word in GATE_WORDS) and CALL_WORDS.search(source) is not None


@pytest.mark.parametrize("source", CLOSED.values(), ids=CLOSED.keys())
def test_pipeline_and_installation_do_not_open_the_gate(source):
    assert _old_gate(source)  # the substring gate let these through
    assert not may_install(source)
    assert _commands_without_gate(source) == []


@pytest.mark.parametrize("source", OPEN.values(), ids=OPEN.keys())
def test_commands_keep_the_gate_open(source):
    assert may_install(source)
    assert _commands_without_gate(source)


def _test_sources():
    """Python sources written in the detection, pip and dependency tests."""
    for path in sorted(p for pattern in ("test_detect_*.py", "test_*pip*.py", "test_dependenc*.py", "test_*install*.py") for p in TESTS.glob(pattern)):
        text = path.read_text(encoding="utf-8")
        if "install" not in text:
            continue
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and "install" in node.value and "pip" in node.value:
                try:
                    ast.parse(node.value)
                except (SyntaxError, ValueError):
                    continue
                yield node.value


def test_sources_the_gate_closes_hold_no_command():
    sources = list(_test_sources())
    assert len(sources) > 100  # the detection tests' samples were found
    closed = [s for s in sources if _old_gate(s) and not may_install(s)]
    for source in closed:
        assert _commands_without_gate(source) == [], source
