"""pip commands built in Python code (sources/dependencies/pip_in_code.py):
the dependency rules report them at the argument's position, in .py files
and notebook code cells; non-literal words are never judged."""

import json
import textwrap

import pytest

from mlwarden.commands.check import check_paths
from mlwarden.core.config import Config
from mlwarden.core.engine import check_source
from mlwarden.sources.dependencies import pip_in_code

DEP_RULES = ["MLW301", "MLW302", "MLW303", "MLW304", "MLW305", "MLW306"]


def found(code, filename="installer.py"):
    result = check_source(textwrap.dedent(code), filename, config=Config(select=DEP_RULES))
    assert not result.errors, result.errors
    return sorted((f.line, f.col, f.rule_id) for f in result.findings)


CASES = {
    "list-with-sys-executable": (
        'import subprocess, sys\nsubprocess.check_call([sys.executable, "-m", "pip", "install", "torch>=2.1"])\n',
        [(2, 64, "MLW301")],
    ),
    "extra-index-url": (
        'import subprocess\nsubprocess.run(["pip", "install", "torch==2.3.0", "--extra-index-url", "https://download.pytorch.org/whl/cu121"])\n',
        [(2, 51, "MLW302")],
    ),
    "os-system-string": (
        'import os\nos.system("pip install -q accelerate==0.30.0 peft")\n',
        [(2, 46, "MLW301")],
    ),
    "shell-true": (
        'import subprocess\nsubprocess.run("pip install --trusted-host pypi.corp.example internal-tool==1.0", shell=True)\n',
        [(2, 29, "MLW303")],
    ),
    "http-index": (
        'import subprocess\nsubprocess.check_output(["pip", "install", "-i", "http://mirror.example/simple", "x==1.0"])\n',
        [(2, 44, "MLW303")],
    ),
    "vcs-branch": (
        'import subprocess\nsubprocess.Popen(["pip", "install", "git+https://github.com/org/repo@main"])\n',
        [(2, 37, "MLW304")],
    ),
    "url-without-hash": (
        'import os\nos.system("pip install https://example.com/pkg-1.0.tar.gz")\n',
        [(2, 24, "MLW305")],
    ),
    "pip-main": (
        'import pip\npip.main(["install", "requests"])\n',
        [(2, 22, "MLW301")],
    ),
    "pip-internal-main": (
        'from pip._internal import main as pipmain\npipmain(["install", "numpy<2"])\n',
        [(2, 21, "MLW301")],
    ),
    "variable-list": (
        """
        import subprocess, sys
        def bootstrap():
            cmd = [sys.executable, "-m", "pip", "install",
                   "transformers"]
            subprocess.check_call(cmd)
        """,
        [(5, 12, "MLW301")],
    ),
    "list-concatenation": (
        'import subprocess, sys\nsubprocess.check_call([sys.executable, "-m", "pip", "install"] + ["scipy"])\n',
        [(2, 67, "MLW301")],
    ),
    "join": (
        'import os\nos.system(" ".join(["pip", "install", "pandas"]))\n',
        [(2, 39, "MLW301")],
    ),
    "f-string-literal-part": (
        'import os, sys\nos.system(f"{sys.executable} -m pip install datasets")\n',
        [(2, 11, "MLW301")],
    ),
    "python-exe-variable": (
        'import subprocess\nsubprocess.run([python_exe, "-m", "pip", "install", "einops"])\n',
        [(2, 53, "MLW301")],
    ),
    "uv-pip": (
        'import subprocess\nsubprocess.run(["uv", "pip", "install", "vllm"])\n',
        [(2, 41, "MLW301")],
    ),
    "asyncio-exec": (
        'import asyncio\nasync def f():\n    await asyncio.create_subprocess_exec("pip", "install", "httpx")\n',
        [(3, 60, "MLW301")],
    ),
    "get-ipython-system": (
        'get_ipython().system("pip install seaborn")\n',
        [(1, 35, "MLW301")],
    ),
    "run-line-magic": (
        'get_ipython().run_line_magic("pip", "install lightgbm")\n',
        [(1, 46, "MLW301")],
    ),
    # a loop over installers: the first that names pip is the one that runs
    "loop-over-installer-lists": (
        """
        import shutil, subprocess, sys
        def ensure():
            installers = []
            installers.append([sys.executable, "-m", "pip"])
            if shutil.which("uv"):
                installers.append(["uv", "pip"])
            for installer in installers:
                subprocess.run([*installer, "install", "-U", "lightning-sdk"], check=True)
        """,
        [(9, 54, "MLW301")],
    ),
    "loop-over-literal-programs": (
        'import os\nfor pip in ("pip", "pip3"):\n    os.system(f"{pip} install rich")\n',
        [(3, 15, "MLW301")],
    ),
    # a command string handed to a runner that is not subprocess (an agent's
    # computer.run, invoke/fabric c.run), bound in two branches
    "runner-method-command-variable": (
        """
        def setup(computer, quoted):
            for combo in [["pip", "q"], ["pip3", "n"]]:
                if quoted:
                    command = f'{combo[0]} install "open-interpreter[os]"'
                else:
                    command = f"{combo[0]} install open-interpreter[os]"
                computer.run("shell", command, display=True)
        """,
        [(5, 23, "MLW301"), (7, 23, "MLW301")],
    ),
    "invoke-task": (
        'from invoke import task\n@task\ndef deps(c):\n    c.run("pip install -U build twine")\n',
        [(4, 27, "MLW301"), (4, 33, "MLW301")],
    ),
    "nox-session-run-words": (
        'def lint(session):\n    session.run("pip", "install", "--extra-index-url", "https://mirror.example/simple", "black==24.1.0")\n',
        [(2, 35, "MLW302")],
    ),
    "loop-over-package-names": (
        'import subprocess, sys\nfor pkg in ["numpy", "scipy==1.13.0", "pandas"]:\n'
        '    subprocess.check_call([sys.executable, "-m", "pip", "install", pkg])\n',
        [(2, 13, "MLW301"), (2, 39, "MLW301")],
    ),
    "loop-over-package-names-f-string": (
        'import os\ndef f():\n    for p in ("rich", "typer==0.12.0"):\n        os.system(f"pip install {p}")\n',
        [(4, 19, "MLW301")],
    ),
    "loop-over-module-level-list": (
        'import subprocess, sys\nREQUIRED = ["einops", "timm==1.0.9"]\ndef bootstrap():\n    for name in REQUIRED:\n'
        '        subprocess.check_call([sys.executable, "-m", "pip", "install", name])\n',
        [(2, 13, "MLW301")],
    ),
    "command-string-variable": (
        'import os\ndef setup(cuda):\n    if cuda:\n        cmd = "pip install xformers==0.0.23 --extra-index-url https://download.pytorch.org/whl/cu118"\n'
        '    else:\n        cmd = "pip install xformers"\n    os.system(cmd)\n',
        [(4, 45, "MLW302"), (6, 28, "MLW301")],
    ),
    # uv's pip interface, spelled through a Python (`python -m uv`), with uv's flags before `pip`
    "python-m-uv-pip": (
        'import subprocess, sys\nsubprocess.run([sys.executable, "-m", "uv", "pip", "install", "--system", "gradio"])\n',
        [(2, 75, "MLW301")],
    ),
    "venv-python-m-uv-pip": (
        'import subprocess\ndef setup(env):\n    subprocess.run([env.python, "-m", "uv", "pip", "install", "--python", env.python, "httpx>=0.27"])\n',
        [(3, 87, "MLW301")],
    ),
    "uv-flags-before-pip": (
        'import os\nos.system("uv --no-config -q pip install pyarrow")\n',
        [(2, 42, "MLW301")],
    ),
    "shlex-split": (
        'import shlex, subprocess\nsubprocess.run(shlex.split("pip install xgboost"))\n',
        [(2, 41, "MLW301")],
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_pip_in_code(name):
    code, expected = CASES[name]
    assert found(code) == expected


QUIET = [
    'import subprocess, sys\nsubprocess.check_call([sys.executable, "-m", "pip", "install", package])\n',
    'import subprocess, sys\nsubprocess.check_call([sys.executable, "-m", "pip", "install", *requirements])\n',
    'import subprocess, sys\nsubprocess.check_call([sys.executable, "-m", "pip", "install", "--upgrade", "pip"])\n',
    'import subprocess\nsubprocess.run(["pip", "install", "-r", "requirements.txt"])\n',
    'import subprocess\nsubprocess.run(["pip", "install", "-e", "."])\n',
    'import subprocess\nsubprocess.run(["pip", "download", "torch"])\n',
    'import subprocess\nsubprocess.run(["pip", "show", "torch"])\n',
    'import subprocess\nsubprocess.run(["conda", "install", "numpy"])\n',
    'import os\nos.system(f"pip install {pkg}")\n',
    'import os\nos.system("pip install torch==2.3.0 --index-url https://download.pytorch.org/whl/cu121")\n',
    'print("pip install torch")\n',
    'msg = "run pip install torch to get started"\n',
    # (round s21: `cmd = ["pip", "install", "x"] if a else other` is read now: a pip argv literal is a command
    # whichever branch runs; see tests/test_detect_s19_pip.py)
    'import subprocess\nsubprocess.run(["pip", "install", "pkg @ https://example.com/p-1.0.tar.gz#sha256=' + "a" * 64 + '"])\n',
    "import subprocess\nsubprocess.run(['pip', 'install', 'weird name!!'])\n",
    # a runner's string that only mentions pip, or another installer
    'def t(c):\n    c.run("echo run pip install torch")\n',
    'def t(c):\n    c.run("npm install left-pad")\n',
    'import os\nfor tool in ("npm", "yarn"):\n    os.system(f"{tool} install left-pad")\n',
    'def t(c):\n    c.run("pip install -e .")\n',
    'def t(c, pkg):\n    c.run(f"pip install {pkg}")\n',
    'import logging\nlogging.info("pip install torch")\n',
    'import os\ncmd = "pip install torch"\ncmd = cmd + extra\nos.system(cmd)\n',
    'import subprocess, sys\nREQUIRED = ["einops"]\ndef f(REQUIRED):\n    for n in REQUIRED:\n        subprocess.run([sys.executable, "-m", "pip", "install", n])\n',
    'import subprocess\nfor tool in ("npm", "yarn"):\n    subprocess.run([tool, "install", "left-pad"])\n',
    'import subprocess, sys\nfor pkg in ["numpy==1.26.4", "scipy==1.13.0"]:\n    subprocess.run([sys.executable, "-m", "pip", "install", pkg])\n',
    # uv, but not its pip interface; a pinned install through uv; uv's option with a value is not read past
    'import subprocess\nsubprocess.run(["uv", "add", "rich"])\n',
    'import subprocess, sys\nsubprocess.run([sys.executable, "-m", "uv", "pip", "install", "rich==13.7.1"])\n',
    'import subprocess, sys\nsubprocess.run([sys.executable, "-m", "uv", "pip", "uninstall", "rich"])\n',
    'import subprocess, sys\nfor pkg in PKGS + ["x"]:\n    subprocess.run([sys.executable, "-m", "pip", "install", pkg])\n',
]


@pytest.mark.parametrize("code", QUIET)
def test_quiet(code):
    assert found(code) == []


def test_not_python_syntax_yields_nothing_here():
    """A file that does not parse: the code rules report it; no install records."""
    result = check_source('os.system("pip install x"\n', "bad.py", config=Config(select=DEP_RULES))
    assert result.findings == []


def test_gate_does_not_change_results(monkeypatch):
    """The word gate (`pip`+`install` and a command-running call) is sound:
    every case, quiet ones included, gives the same findings without it."""
    for code in [c for c, _expected in CASES.values()] + QUIET:
        with_gate = found(code)
        monkeypatch.setattr(pip_in_code, "may_install", lambda source: True)
        without = found(code)
        monkeypatch.undo()
        assert with_gate == without, code


def test_gate_skips_messages():
    assert not pip_in_code.may_install('raise ImportError("run `pip install accelerate` first")\n')
    assert pip_in_code.may_install('import subprocess\nsubprocess.run(["pip", "install", "x"])\n')
    assert pip_in_code.may_install('from pip._internal import main\nmain(["install", "x"])\n')


def test_file_without_install_words_is_not_parsed(monkeypatch):
    sources = ("import subprocess\nsubprocess.run(['ls'])\n", 'raise ImportError("run `pip install accelerate` first")\n')
    real_parse = pip_in_code.ast.parse

    def guarded(source, *args, **kwargs):
        # only this test's sources are refused: pytest's own reporting (and
        # anything else in the process) still parses as usual
        if source in sources:
            raise AssertionError("parsed a file without pip/install")
        return real_parse(source, *args, **kwargs)

    monkeypatch.setattr(pip_in_code.ast, "parse", guarded)
    for source in sources:
        assert found(source) == []


def test_pin_policy_library_still_reports_code_installs():
    from mlwarden.core.config import config_from_mapping

    config = config_from_mapping({"pin-policy": "library"})
    config.select = DEP_RULES
    result = check_source('import os\nos.system("pip install flask")\n', "x.py", config=config)
    assert [(f.line, f.rule_id) for f in result.findings] == [(2, "MLW301")]


def test_notebook_code_cell_and_magic_both_count(tmp_path):
    nb = {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {},
        "cells": [
            {"cell_type": "code", "id": "a", "metadata": {}, "execution_count": None, "outputs": [], "source": "%pip install einops\n"},
            {
                "cell_type": "code",
                "id": "b",
                "metadata": {},
                "execution_count": None,
                "outputs": [],
                "source": "import subprocess, sys\n\nsubprocess.check_call([sys.executable, '-m', 'pip', 'install', 'timm'])\n",
            },
        ],
    }
    path = tmp_path / "setup.ipynb"
    path.write_text(json.dumps(nb, indent=1))
    results, _ = check_paths([str(path)], Config(select=DEP_RULES))
    assert not [e for r in results for e in r.errors]
    got = sorted((f.cell, f.line, f.col, f.rule_id) for r in results for f in r.findings)
    assert got == [(1, 1, 14, "MLW301"), (2, 3, 64, "MLW301")]
    # the file line points into the .ipynb at the code line
    text = path.read_text().splitlines()
    timm = next(f for r in results for f in r.findings if f.cell == 2)
    assert "timm" in text[timm.file_line - 1]


def test_noqa_on_the_argument_line(tmp_path):
    code = 'import subprocess\nsubprocess.run([\n    "pip", "install",\n    "torch",  # noqa: MLW301\n])\n'
    assert found(code) == []


def test_pip_helpers_and_argument_lists():
    code = textwrap.dedent(
        """
        from . import utils
        def install_help_extra(io):
            pip_install_cmd = [
                "aider-chat[help]",
                "--extra-index-url",
                "https://download.pytorch.org/whl/cpu",
            ]
            return utils.check_pip_install_extra(io, "x", "need help extras", pip_install_cmd)
        def update(io):
            return utils.check_pip_install_extra(io, None, "dev", ["git+https://github.com/org/tool.git"])
        cmd = utils.get_pip_install(["tool[playwright]==1.2.0"])
        """
    )
    assert found(code) == [(5, 9, "MLW301"), (6, 9, "MLW302"), (11, 60, "MLW304")]


def test_list_that_is_already_a_command_is_not_doubled():
    code = 'import subprocess, sys\npip_install_cmd = [sys.executable, "-m", "pip", "install", "x"]\nsubprocess.run(pip_install_cmd)\n'
    assert found(code) == [(2, 60, "MLW301")]


#: commands held in a module constant or an object's field and run later
HELD = {
    "module-constant-string": (
        'import subprocess\nBOOTSTRAP = "pip install --quiet onnxruntime-gpu"\ndef setup():\n    subprocess.run(BOOTSTRAP, shell=True, check=True)\n',
        [(2, 34, "MLW301")],
    ),
    "module-constant-argv": (
        'import subprocess, sys\nARGV = [sys.executable, "-m", "pip", "install", "xformers"]\ndef setup():\n    subprocess.check_call(ARGV)\n',
        [(2, 49, "MLW301")],
    ),
    "dataclass-field-default": (
        "import os\nfrom dataclasses import dataclass, field\n@dataclass\nclass Step:\n    cmd: str = field(default='pip install auto-gptq')\n"
        "def run(step: Step):\n    os.system(step.cmd)\n",
        [(5, 43, "MLW301")],
    ),
    "keyword-field-through-local": (
        "import subprocess, sys\nclass Plan:\n    def __init__(self, how, install):\n        self.install = install\n"
        "def plans():\n    return [Plan('pip', install=f'{sys.executable} -m pip install -U vllm'), Plan('uv', install='uv pip install vllm==0.6.0')]\n"
        "def apply(plan, pin=None):\n    if pin:\n        line = plan.install + '==' + pin\n    else:\n        line = plan.install\n"
        "    subprocess.run(line, shell=True)\n",
        [(6, 33, "MLW301")],
    ),
    "self-field": (
        "import os\nclass Installer:\n    def __init__(self):\n        self.command = 'pip install --extra-index-url https://pkgs.example.org/simple mylib==1.0'\n"
        "    def go(self):\n        os.system(self.command)\n",
        [(4, 37, "MLW302")],
    ),
}

HELD_QUIET = [
    # a field that is also given a value we cannot read, or only a pinned install
    "import os\nclass S:\n    cmd: str = 'pip install auto-gptq'\ndef f(s, other):\n    s.cmd = other\n    os.system(s.cmd)\n",
    "import os\nclass S:\n    cmd: str = 'pip install auto-gptq==0.7.1'\ndef f(s):\n    os.system(s.cmd)\n",
    # only ever run with a suffix appended: we cannot tell what it installs
    "import subprocess\nclass S:\n    base = 'pip install vllm'\ndef f(s, v):\n    line = s.base + v\n    subprocess.run(line, shell=True)\n",
    # a module-level name rebound in the function is the function's
    'import os\nCMD = "pip install torch"\ndef f(CMD):\n    os.system(CMD)\n',
    # a field that is a message, not run
    "class S:\n    hint: str = 'pip install torch'\ndef f(s):\n    print(s.hint)\n",
]


@pytest.mark.parametrize("name", sorted(HELD))
def test_command_held_in_a_constant_or_field(name):
    assert_found_fast_and_full(*HELD[name])


def assert_found_fast_and_full(code, expected):
    assert found(code) == expected
    config = Config(select=DEP_RULES)
    full = check_source(textwrap.dedent(code), "installer.py", config=config, full=True).findings
    assert sorted((f.line, f.col, f.rule_id) for f in full) == expected


@pytest.mark.parametrize("code", HELD_QUIET)
def test_command_held_quiet(code):
    assert found(code) == []


#: round s8: the project's own command wrappers (a runner name behind leading
#: underscores, the command passed by keyword or as a list bound to a name)
#: and pip helpers called with separate string arguments
WRAPPED = {
    "underscore-wrapper-keyword-list": (
        "import sys\nfrom .proc import _check_call\ndef bootstrap():\n    argv = [sys.executable, '-m', 'pip', 'install', '--upgrade', 'wheel', 'ninja']\n    _check_call(cmd=argv)\n",
        [(4, 66, "MLW301"), (4, 75, "MLW301")],
    ),
    "underscore-wrapper-positional-string": (
        "from .shell import __run\ndef setup():\n    __run('pip install accelerate')\n",
        [(3, 24, "MLW301")],
    ),
    "helper-with-strings": (
        "class Env:\n    def prepare(self):\n        self.pip_install('-U', 'setuptools', 'wheel')\n",
        [(3, 32, "MLW301"), (3, 46, "MLW301")],
    ),
    "helper-with-strings-extra-index": (
        "def prepare():\n    install_pip_packages('xformers', '--extra-index-url', 'https://download.pytorch.org/whl/cu121')\n",
        [(2, 26, "MLW301"), (2, 38, "MLW302")],
    ),
    "helper-install-word-first": (
        "def prepare(venv):\n    venv.pip_args('install', 'onnx>=1.15')\n",
        [(2, 30, "MLW301")],
    ),
}

WRAPPED_QUIET = [
    # pinned, a requirements file, a variable package: nothing to report
    "class Env:\n    def prepare(self):\n        self.pip_install('setuptools==69.0.0')\n",
    "def prepare():\n    install_pip_packages('-r', 'requirements.txt')\n",
    "def prepare(pkg):\n    install_pip_packages(pkg, '--upgrade')\n",
    # a wrapper handed a message, a non-pip command, or a whole command to a pip helper
    "from .proc import _check_call\n_check_call(cmd=['git', 'clone', 'https://x/y.git'])\n",
    "from .log import _run_notice\n_run_notice('run pip install x first')\n",
    "def prepare():\n    pip_install('pip', 'install', 'x')\n",
    # (round s21: a wrapper whose name is not a runner's, `_spawn_later(cmd=['pip', 'install', 'x'])`, is read
    # now: the list is a pip argv by its own words; see tests/test_detect_s19_pip.py)
]


@pytest.mark.parametrize("name", sorted(WRAPPED))
def test_project_wrappers_and_string_helpers(name):
    assert_found_fast_and_full(*WRAPPED[name])


@pytest.mark.parametrize("code", WRAPPED_QUIET)
def test_project_wrappers_and_string_helpers_quiet(code):
    assert found(code) == []


def test_gate_admits_wrappers():
    for code, _expected in WRAPPED.values():
        assert pip_in_code.may_install(code), code


def _at(code, line, word):
    """(line, 1-based column of ``word`` on it, MLW301), read from the test's own code: a
    word inside a command string is placed at itself, a separate argument at its quote."""
    text = textwrap.dedent(code).splitlines()[line - 1]
    return (line, text.index(word) + 1, "MLW301")


#: round s9: a command string rebound to its own words (``cmd = cmd.split()``,
#: ``shlex.split(cmd)``) before a runner gets it; the project's own command
#: class given pip's words, run later in the same function. (code, [(line, word)])
REBOUND = {
    "split-rebinding": (
        "import subprocess\ndef setup():\n    cmd = 'pip install torchvision --upgrade'\n    cmd = cmd.split()\n    subprocess.Popen(cmd)\n",
        [(3, "torchvision")],
    ),
    "shlex-split-rebinding-module-level": (
        "import shlex\nimport subprocess as sp\nline = 'python -m pip install einops'\nline = shlex.split(line)\nsp.check_call(line)\n",
        [(3, "einops")],
    ),
    "command-class-run-later": (
        "import sys\nfrom .proc import Invocation\ndef boot():\n    job = Invocation(sys.executable, '-m', 'pip', 'install', 'rich', '-q')\n    job.check_call()\n",
        [(4, "'rich'")],
    ),
    "command-class-interpreter-variable": (
        "from .proc import Argv\ndef boot(python):\n    todo = Argv(python, '-m', 'pip', 'install', 'hatchling')\n    if todo:\n        todo._run()\n",
        [(3, "'hatchling'")],
    ),
    "command-class-get-output-in-branches": (
        "from .proc import Argv\ndef boot(python, version):\n    if version:\n        argv = Argv(python, '-m', 'pip', 'install', f'poetry=={version}')\n"
        "    else:\n        argv = Argv(python, '-m', 'pip', 'install', 'poetry')\n    print(argv.get_output())\n",
        [(6, "'poetry'")],
    ),
    "command-class-uv": (
        "import subprocess\nfrom .proc import Cmd\ndef boot():\n    c = Cmd('uv', 'pip', 'install', 'polars')\n    subprocess.run(c)\n",
        [(4, "'polars'")],
    ),
}

REBOUND_QUIET = [
    # pinned after the split; a command object never run, or run before it is built
    "import subprocess\ndef setup():\n    cmd = 'pip install torchvision==0.18.0'\n    cmd = cmd.split()\n    subprocess.Popen(cmd)\n",
    "from .proc import Argv\ndef show(python):\n    a = Argv(python, '-m', 'pip', 'install', 'hatchling')\n    print(a)\n",
    "from .proc import Argv\ndef f(python):\n    a = make()\n    a.run()\n    a = Argv(python, '-m', 'pip', 'install', 'hatchling')\n    return a\n",
    # rebound to something else than its own words; a lower-case function is not a command class
    "import subprocess\ndef setup(other):\n    cmd = 'pip install torchvision'\n    cmd = other.split()\n    subprocess.Popen(cmd)\n",
    "from .proc import argv\ndef f(python):\n    a = argv(python, '-m', 'pip', 'install', 'hatchling')\n    a.run()\n",
]


@pytest.mark.parametrize("name", sorted(REBOUND))
def test_split_rebinding_and_command_objects(name):
    code, where = REBOUND[name]
    assert_found_fast_and_full(code, sorted(_at(code, line, word) for line, word in where))


@pytest.mark.parametrize("code", REBOUND_QUIET)
def test_split_rebinding_and_command_objects_quiet(code):
    assert found(code) == []


def test_split_rebinding_in_a_notebook():
    from mlwarden.rules._helpers import notebook_json

    source = notebook_json("import subprocess", "cmd = 'pip install lightgbm'\ncmd = cmd.split()\nsubprocess.run(cmd)")
    result = check_source(source, "setup.ipynb", config=Config(select=DEP_RULES))
    assert [(f.rule_id, f.cell) for f in result.findings] == [("MLW301", 2)]


def test_gate_admits_rebound_commands():
    for code, _where in REBOUND.values():
        assert pip_in_code.may_install(code), code


#: round s10: shell lines held as data for a shell that runs elsewhere (a
#: remote node, a container, a job's setup): a literal list of shell lines,
#: or a command-named string that chains commands; only a command that
#: starts with a pip install counts. (code, [(line, word)])
SHELL_DATA = {
    "list-of-setup-lines": (
        "class Node:\n    def prepare(self):\n        setup_lines = [\n            'mkdir -p ~/.cache/app',\n            'uv pip install boto3',\n"
        "            'export PATH=$PATH:~/.local/bin',\n        ]\n        return ' && '.join(setup_lines)\n",
        [(5, "boto3")],
    ),
    "class-attribute-tuple-venv-pip": (
        "class Gateway:\n    BOOT = (\n        'python3 -m venv /opt/gw',\n        '/opt/gw/bin/pip install uvloop',\n    )\n",
        [(4, "uvloop")],
    ),
    "chained-constant": ("INSTALL_DEPS = 'apt-get update -y && sudo pip3 install jupyterlab'\n", [(1, "jupyterlab")]),
    "chained-attribute-python-m": (
        "class Job:\n    def __init__(self):\n        self.setup_script = 'cd /work; python -m pip install --extra-index-url https://pkgs.example.org/simple trainer==1.0'\n",
        [(3, "--extra-index-url")],
    ),
}

SHELL_DATA_QUIET = [
    # prose that mentions pip install: a hint list, a message named for installing
    "HINTS = ['Install it with: pip install rich', 'or use the plain renderer']\n",
    "INSTALL_MSG = 'Missing extra; run pip install pkg[gpu] and restart'\n",
    # pinned, a variable package, a single line without a chain in a command-named value
    "setup_cmds = ['mkdir -p x', 'pip install numpy==2.1.0']\n",
    "setup_cmds = ['mkdir -p x', f'pip install {package}']\n",
    "INSTALL_CMD = 'pip install textual'\n",
    # a list that is not shell lines: package names, a single command line
    "EXTRAS = ['pip install', 'torch', 'numpy']\n",
    "cmds = ['pip install httpx', 'see the docs']\n",
]


@pytest.mark.parametrize("name", sorted(SHELL_DATA))
def test_shell_lines_held_as_data(name):
    code, expected = SHELL_DATA[name]
    got = found(code)
    assert [(line, rule) for line, _col, rule in got] == [(line, "MLW302" if word.startswith("--extra") else "MLW301") for line, word in expected], got
    for (line, col, _rule), (_line, word) in zip(got, expected):
        assert code.splitlines()[line - 1][col - 1:].startswith(word) or word not in code.splitlines()[line - 1], (line, col, word)
    assert pip_in_code.may_install(code)
    assert_found_fast_and_full(code, got)


@pytest.mark.parametrize("code", SHELL_DATA_QUIET)
def test_shell_lines_held_as_data_quiet(code):
    assert found(code) == []


def test_shell_lines_in_a_notebook():
    from mlwarden.rules._helpers import notebook_json

    source = notebook_json("import os", "remote_setup = ['sudo apt-get install -y git', 'pip install gdown']\nrun_remote(' && '.join(remote_setup))")
    result = check_source(source, "setup.ipynb", config=Config(select=DEP_RULES))
    assert [(f.rule_id, f.cell, f.line) for f in result.findings] == [("MLW301", 2, 1)]


#: round s11: the project's own pip wrappers known by what they do, whatever
#: their name: a function whose body runs (or returns) pip's command with one
#: of its parameters. (code, [(line, word)])
BY_BEHAVIOUR = {
    "returns-command-plus-list": (
        "import subprocess, sys\ndef make_pip_cmd(args):\n    return [sys.executable, '-m', 'pip'] + args\n"
        "def restore():\n    subprocess.check_output(make_pip_cmd(['install', '--force', 'torch', 'torchvision']))\n",
        [(5, "'torch'"), (5, "'torchvision'")],
    ),
    "runs-star-args": (
        "import subprocess as sp\nimport sys\ndef run_pip(*words):\n    sp.check_call([sys.executable, '-m', 'pip', *words])\n"
        "run_pip('install', '-U', 'requests')\n",
        [(5, "'requests'")],
    ),
    "method-binds-then-runs": (
        "import subprocess\nclass Env:\n    def __init__(self, python):\n        self.python = python\n"
        "    def pip(self, words, quiet=True):\n        cmd = [self.python, '-m', 'pip', *words]\n        return subprocess.run(cmd, check=True)\n"
        "    def setup(self):\n        self.pip(['install', 'transformers'])\n",
        [(9, "'transformers'")],
    ),
    "install-in-the-prefix-list-by-keyword": (
        "from subprocess import run\ndef add(pkgs, index=None):\n    run(['pip3', 'install'] + list(pkgs))\nadd(pkgs=['xformers', 'einops==0.8.0'])\n",
        [(4, "'xformers'")],
    ),
    "tuple-argument-aliased-import": (
        "import subprocess as s\nimport sys\ndef uv(args):\n    s.run(['uv', 'pip'] + args)\nuv(('install', 'vllm'))\n",
        [(5, "'vllm'")],
    ),
}

BY_BEHAVIOUR_QUIET = [
    # pinned, a variable package list, a non-install pip command
    "import subprocess, sys\ndef make_pip_cmd(args):\n    return [sys.executable, '-m', 'pip'] + args\nsubprocess.run(make_pip_cmd(['install', 'torch==2.3.1']))\n",
    "import subprocess, sys\ndef make_pip_cmd(args):\n    return [sys.executable, '-m', 'pip'] + args\ndef f(pkgs):\n    subprocess.run(make_pip_cmd(['install', *pkgs]))\n",
    "import subprocess, sys\ndef make_pip_cmd(args):\n    return [sys.executable, '-m', 'pip'] + args\nsubprocess.run(make_pip_cmd(['uninstall', '-y', 'torch']))\n",
    # a function that builds pip's command but neither runs nor returns it (a log line)
    "import logging, subprocess, sys\ndef show(args):\n    cmd = [sys.executable, '-m', 'pip'] + args\n    logging.info('would run %s', cmd)\nshow(['install', 'torch'])\n",
    # not pip: git, or a program that only takes a parameter
    "import subprocess\ndef git(args):\n    subprocess.run(['git'] + args)\ngit(['install', 'torch'])\n",
    # a wrapper's name defined twice in the file: not known which one runs
    "import subprocess\ndef go(args):\n    subprocess.run(['pip'] + args)\ndef go(args):\n    subprocess.run(['echo'] + args)\ngo(['install', 'torch'])\n",
    # the wrapper's own call of itself inside its body is not a use
    "import subprocess\ndef go(args):\n    subprocess.run(['pip'] + args)\n",
]


@pytest.mark.parametrize("name", sorted(BY_BEHAVIOUR))
def test_pip_wrappers_known_by_what_they_do(name):
    code, where = BY_BEHAVIOUR[name]
    assert_found_fast_and_full(code, sorted(_at(code, line, word) for line, word in where))


@pytest.mark.parametrize("code", BY_BEHAVIOUR_QUIET)
def test_pip_wrappers_known_by_what_they_do_quiet(code):
    assert found(code) == []


def test_gate_admits_behaviour_wrappers():
    for code, _where in BY_BEHAVIOUR.values():
        assert pip_in_code.may_install(code), code


def test_pip_wrapper_in_a_notebook(tmp_path):
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("import subprocess, sys\ndef make_pip_cmd(args):\n    return [sys.executable, '-m', 'pip'] + args"),
        nbformat.v4.new_code_cell("subprocess.check_call(make_pip_cmd(['install', 'diffusers']))"),
    ]
    path = tmp_path / "setup.ipynb"
    nbformat.write(nb, str(path))
    result = check_source(path.read_text(), str(path), config=Config(select=DEP_RULES))
    assert [(f.cell, f.rule_id) for f in result.findings] == [(2, "MLW301")]


#: round s12: the installer program held in a variable whose name (or every
#: value the file binds it to) says pip or uv, and Dockerfile RUN
#: instructions held as data (a template, a list of a Dockerfile's lines,
#: continuation lines). (code, [(line, word)])
HELD_PROGRAMS = {
    "pip-path-name": (
        "import subprocess\ndef bootstrap(venv):\n    pip_path = venv.pip_location()\n    subprocess.run([pip_path, 'install', '--upgrade', 'setuptools'], check=True)\n",
        [(4, "'setuptools'")],
    ),
    "uv-bin-attribute": (
        "import subprocess as sp\nclass Env:\n    def sync(self, py):\n        sp.check_call([self.uv_bin, 'pip', 'install', '--python', py, 'httpx'])\n",
        [(4, "'httpx'")],
    ),
    "exe-bound-to-which-uv": (
        "import shutil, subprocess\ndef go(py):\n    exe = shutil.which('uv')\n    subprocess.run([exe, 'pip', 'install', '--python', py, 'orjson'])\n",
        [(4, "'orjson'")],
    ),
    "tool-bound-to-a-joined-pip-path": (
        "import os, subprocess\ndef go(venv):\n    tool = os.path.join(venv, 'Scripts', 'pip3.exe')\n    subprocess.check_output([tool, 'install', 'pywin32'])\n",
        [(4, "'pywin32'")],
    ),
    "tool-bound-to-a-path-division": (
        "import subprocess\ndef go(venv):\n    tool = venv / 'bin' / 'pip'\n    subprocess.check_output([str(tool), 'install', 'rich'])\n"
        "def go2(venv):\n    prog = venv / 'bin' / 'pip'\n    subprocess.check_output([prog, 'install', 'typer'])\n",
        [(4, "'rich'"), (7, "'typer'")],  # `str(tool)` is the path's text: read since round s18
    ),
}

HELD_PROGRAMS_QUIET = [
    # pinned, a variable package, a name that is pip's arguments, not its program; a program bound to something else too
    "import subprocess\ndef go(pip_exe):\n    subprocess.run([pip_exe, 'install', 'requests==2.32.3'])\n",
    "import subprocess\ndef go(pip_exe, pkgs):\n    subprocess.run([pip_exe, 'install', *pkgs])\n",
    "import subprocess\ndef go(pip_args):\n    subprocess.run([pip_args, 'install', 'x'])\n",
    "import shutil, subprocess\ndef go(fast):\n    exe = shutil.which('uv')\n    if not fast:\n        exe = shutil.which('conda')\n    subprocess.run([exe, 'pip', 'install', 'orjson'])\n",
]

DOCKERFILES = {
    "template-with-continuation-lines": (
        "from string import Template\nIMAGE_TEMPLATE = Template('''\\\nFROM $base\nRUN --mount=type=cache,target=/root/.cache/uv \\\\\n"
        "    uv pip install --system poetry && \\\\\n    echo done\nCOPY . /src\n''')\n",
        [(5, "poetry")],
    ),
    "list-of-dockerfile-lines": (
        "def image(base, extra):\n    steps = ['FROM ' + base, 'RUN apt-get update && python -m pip install gunicorn']\n    steps += [f'RUN pip install {extra}']\n    return steps\n",
        [(2, "gunicorn")],
    ),
    "fstring-dockerfile-returned": (
        "def dockerfile(base):\n    return f'''FROM {base}\nWORKDIR /app\nRUN pip3 install --no-cache-dir litellm\n'''\n",
        [(4, "litellm")],
    ),
}

DOCKERFILES_QUIET = [
    # pinned, a variable, a requirements file, a message, a docstring, a RUN that does not start with the install
    "DOCKERFILE = '''FROM python:3.11\nRUN pip install fastapi==0.115.0\n'''\n",
    "def build(pkgs):\n    return f'FROM base\\nRUN pip install {pkgs}\\n'\n",
    "DOCKERFILE = 'FROM python:3.11\\nCOPY req.txt .\\nRUN pip install -r req.txt\\n'\n",
    "def check(f):\n    raise ValueError('add `RUN pip install foo` to your Dockerfile')\n",
    "def build():\n    '''Write a Dockerfile:\n\n    RUN pip install foo\n    '''\n",
    "DOCKERFILE = 'FROM x\\nRUN echo pip install foo\\n'\n",
    # an assertion's expected Dockerfile text, wrapped in a call
    "import textwrap\ndef test_build(self):\n    self.assert_file_contains('Dockerfile', textwrap.dedent('''\\\n        FROM python:3.11\n        RUN pip install --trusted-host example.org kfp\n        '''))\n",
]


@pytest.mark.parametrize("name", sorted(HELD_PROGRAMS))
def test_installer_program_held_in_a_variable(name):
    code, where = HELD_PROGRAMS[name]
    assert_found_fast_and_full(code, sorted(_at(code, line, word) for line, word in where))


@pytest.mark.parametrize("code", HELD_PROGRAMS_QUIET)
def test_installer_program_held_in_a_variable_quiet(code):
    assert found(code) == []


@pytest.mark.parametrize("name", sorted(DOCKERFILES))
def test_dockerfile_run_instructions_held_as_data(name):
    code, where = DOCKERFILES[name]
    assert pip_in_code.may_install(code)
    assert_found_fast_and_full(code, sorted(_at(code, line, word) for line, word in where))


@pytest.mark.parametrize("name", sorted(DOCKERFILES))
def test_dockerfile_reader_needs_run_in_the_text(name):
    """_all_commands reads Dockerfile data only in a file that spells `RUN`:
    the same texts without the word give the reader nothing to find."""
    import ast

    code = DOCKERFILES[name][0].replace("RUN", "STEP")
    tree = ast.parse(code)
    lines = code.splitlines()
    lists = pip_in_code._LazyLists(tree)
    nodes = [n for n in ast.walk(tree) if isinstance(n, (ast.Assign, ast.AugAssign, ast.Return, ast.Call))]
    assert [w for n in nodes for w in pip_in_code._dockerfile_commands(n, lines, lists, set())] == []
    assert found(code) == []


@pytest.mark.parametrize("code", DOCKERFILES_QUIET)
def test_dockerfile_run_instructions_quiet(code):
    assert found(code) == []


def test_held_program_and_dockerfile_in_a_notebook():
    from mlwarden.rules._helpers import notebook_json

    source = notebook_json(
        "import subprocess\nuv_path = '/opt/uv/bin/uv'", "subprocess.run([uv_path, 'pip', 'install', 'polars'])\nBASE = 'FROM x\\nRUN pip install duckdb\\n'"
    )
    result = check_source(source, "setup.ipynb", config=Config(select=DEP_RULES))
    assert [(f.rule_id, f.cell, f.line) for f in result.findings] == [("MLW301", 2, 1), ("MLW301", 2, 2)]
