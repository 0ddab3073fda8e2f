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
    # a CI workflow's step held as text, with no call word in the file
    "workflow-step": 'CI = """\nsteps:\n  - run: pip install x\n"""\n',
    "workflow-block": 'CI = """\nsteps:\n  - run: |\n      python -m pip install x\n"""\n',
    # the interpreter's own options before -m
    "interpreter-options": "import subprocess, sys\nsubprocess.check_call([sys.executable, '-I', '-X', 'utf8', '-m', 'pip', 'install', 'x'])\n",
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


DOCKERFILES = {
    "run-slow-only": "import os, subprocess\nRUN_SLOW = os.environ.get('RUN_SLOW')\nsubprocess.run(['pip', 'install', 'x'])\n",
    "template": "def build(pkgs):\n    return f'FROM base\\nRUN pip install {pkgs}\\n'\n",
    "escaped-tab": "DOCKERFILE = 'FROM python:3.11\\nRUN\\tpip install torch\\n'\n",
    "constant-word": "RUN = 'RUN'\nLINES = [f'{RUN} pip install numpy']\n",
    "placeholder-after": "SEP = ' '\nLINES = ['FROM x', f'RUN{SEP}pip install numpy']\n",
    "continuation": "TEXT = '''FROM x\nRUN --mount=type=cache,target=/root/.cache \\\\\n    pip install torch\n'''\n",
    "rerun": "import subprocess\nRERUN_FAILED = True\nRUNNING = 'RUNNING pip install x'\nsubprocess.run(['pip', 'install', 'y'])\n",
}


def _dockerfile_sources():
    return [*_test_sources(), *DOCKERFILES.values()]


def test_the_run_word_gate_finds_what_the_substring_gate_found(monkeypatch):
    """``RUN`` as a word (not ``RUN_SLOW``) opens the Dockerfile reading: on
    every sample, the commands are the ones the plain substring test gave."""
    import re

    from mlwarden.sources.dependencies import pip_in_code

    sources = [s for s in _dockerfile_sources() if "RUN" in s]
    gated = [_commands_without_gate(s) for s in sources]
    monkeypatch.setattr(pip_in_code, "_RUN_WORD", re.compile("RUN"))
    assert [_commands_without_gate(s) for s in sources] == gated
    assert sum(1 for words in gated if words) >= 5  # Dockerfile samples were read
    assert pip_in_code._RUN_WORD.search(DOCKERFILES["run-slow-only"])  # (the patched one)


@pytest.mark.parametrize("name", ["run-slow-only", "rerun"])
def test_longer_names_do_not_open_the_dockerfile_reading(name):
    from mlwarden.sources.dependencies.pip_in_code import _RUN_WORD

    assert _RUN_WORD.search(DOCKERFILES[name]) is None


@pytest.mark.parametrize("name", ["template", "escaped-tab", "constant-word", "placeholder-after", "continuation"])
def test_dockerfile_spellings_open_it(name):
    """Every spelling that can put ``RUN`` at a line's start opens it (the
    reader then decides: it follows literals and f-string templates)."""
    from mlwarden.sources.dependencies.pip_in_code import _RUN_WORD

    assert _RUN_WORD.search(DOCKERFILES[name]) is not None


@pytest.mark.parametrize("name", ["template", "escaped-tab", "continuation"])
def test_dockerfile_installs_are_read(name):
    assert _commands_without_gate(DOCKERFILES[name])


WRAPPERS = {
    "says-pip": "import subprocess, sys\ndef add(pkg):\n    subprocess.check_call([sys.executable, '-m', 'pip', 'install', pkg])\nadd('requests')\n",
    "program-bound-in-the-file": "import subprocess\nPROGRAM = 'pip3'\ndef add(pkg):\n    subprocess.check_call([PROGRAM, 'install', pkg])\nadd('requests')\n",
    "entry-point-imported-by-the-module": "from pip._internal import main as go\ndef add(pkg):\n    go(['install', pkg])\nadd('requests')\n",
    "no-pip-anywhere": "import subprocess\ndef run(tool, arg):\n    subprocess.check_call([tool, 'install', arg])\nrun('npm', 'left-pad')\n",
}


@pytest.mark.parametrize("name", ["says-pip", "program-bound-in-the-file", "entry-point-imported-by-the-module"])
def test_each_way_of_saying_pip_keeps_the_wrapper_read(name):
    from mlwarden.sources.dependencies.pip_in_code import _PipWrappers

    source = WRAPPERS[name]
    tree = ast.parse(source)
    wrappers = _PipWrappers(tree, source.splitlines(), None, {"go": "pip._internal.main"} if "go(" in source else {})
    assert wrappers._may_say_pip(tree.body[-2])
    assert _commands_without_gate(source)


def test_the_wrapper_pre_test_changes_no_command(monkeypatch):
    """Reading every called function as a possible wrapper (no pre-test)
    gives the same commands on every sample."""
    from mlwarden.sources.dependencies import pip_in_code

    sources = [*_test_sources(), *WRAPPERS.values(), *DOCKERFILES.values()]
    gated = [_commands_without_gate(s) for s in sources]
    monkeypatch.setattr(pip_in_code._PipWrappers, "_may_say_pip", lambda self, function: True)
    assert [_commands_without_gate(s) for s in sources] == gated
    assert sum(1 for words in gated if words) > 100
