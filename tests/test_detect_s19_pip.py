"""Session 19 / round s21 (issue 16): pip commands recognised by what they are,
not by what runs them (see benchmarks/DETECT.md, "Round s21"):

* a list, a tuple or a call's own arguments that *start* like a pip command
  (a pip program, ``-m pip`` with or without the interpreter before it, an
  interpreter or ``uv`` followed by pip, a shell given ``-c`` and a line)
  is read wherever it is written, whatever function runs it;
* a pip program written as a path expression in the command
  (``os.path.join(venv, "bin", "pip")``, ``venv / "bin" / "pip3"``);
* a package word held by a name or written as a conditional: every string
  literal it may be (``spec = URL if dev else "tool"``, ``name = name or
  "tool"``, a module constant), judged at the place the word is used.

Every sample is written for these tests; each shape has a quiet counter-case.
"""

from round_helpers import code_notebook, fast_full_findings, line_of as _at, rule_lines as _lines

PIP_RULES = ["MLW301", "MLW302", "MLW303", "MLW305"]


# -- a pip argv is one whatever runs it ----

RUN_BY_ANYONE = '''
import sh


def bootstrap(interpreter, host_python, env):
    interpreter.execute(args=["-m", "pip", "install", "-U", "seed-tools"], cwd=".")
    shprint(host_python, "-m", "pip", "install", "build-helper")
    shprint(sh.bash, "-c", "source venv/bin/activate && pip install cython-lite", _env=env)
    shprint(sh.bash, "-lc", "venv/bin/pip install --extra-index-url https://extra.example.invalid/simple private-kit==1.0")
    sh.pip("install", "plain-sh")
    await_me = None


async def later(node):
    await node.launch(["python3", "-m", "pip", "install", "remote-agent"])
'''


def test_pip_argv_read_whatever_runs_it():
    expected = sorted(
        [("MLW301", _at(RUN_BY_ANYONE, w)) for w in ("seed-tools", "build-helper", "cython-lite", "plain-sh", "remote-agent")]
        + [("MLW302", _at(RUN_BY_ANYONE, "extra.example.invalid"))]
    )
    assert _lines(RUN_BY_ANYONE, PIP_RULES) == expected


RUN_BY_ANYONE_QUIET = '''
import logging
import sh


def not_commands(runner, log):
    print(["pip", "install", "printed-only"])
    logging.info("%s", ["python", "-m", "pip", "install", "logged-only"])
    runner.go(["Run", "pip", "install", "mentioned-later"])
    runner.go(["-m", "pip", "install", "pinned-kit==2.1.0"])
    shprint(sh.bash, "-c", "echo pip install echoed-only")
    shprint(sh.bash, "-c", "pip install -e .")
    cmd = Argv("python", "-m", "pip", "install", "object-built")
    raise RuntimeError(["pip", "install", "in-a-message"])
'''


def test_pip_argv_quiet_cases():
    # a message's arguments, a list that only mentions pip, a pinned or local install, a shell line that
    # does not start with pip, a command object never run (read where it runs)
    assert _lines(RUN_BY_ANYONE_QUIET, PIP_RULES) == []


def test_pip_argv_in_a_notebook():
    nb = code_notebook(
        "import sh\n",
        "shprint(sh.bash, '-c', 'pip install nb-shell-kit')\n",
        "interpreter.execute(args=['-m', 'pip', 'install', 'nb-seed'])\n",
    )
    found = fast_full_findings(nb, ["MLW301"], filename="setup.ipynb")
    assert [(rule, line) for rule, line, _ in found] == [("MLW301", 1), ("MLW301", 1)]  # one per cell, each on its cell's line 1


def test_conditional_command_literal_is_read():
    # the list is an install of `x` whichever branch runs: it is read by its own words
    code = 'import subprocess\ncmd = ["pip", "install"]\ncmd = ["pip", "install", "chosen-x"] if a else other\nsubprocess.run(cmd)\n'
    assert _lines(code, ["MLW301"]) == [("MLW301", 3)]


def test_argv_handed_to_any_wrapper():
    code = "from .proc import _spawn_later\n_spawn_later(cmd=['pip', 'install', 'later-kit'])\n"
    assert _lines(code, ["MLW301"]) == [("MLW301", 2)]


def test_runner_and_own_words_give_one_finding():
    code = 'import subprocess, sys\nsubprocess.run([sys.executable, "-m", "pip", "install", "once-only"])\n'
    assert fast_full_findings(code, ["MLW301"]) == [("MLW301", 2, fast_full_findings(code, ["MLW301"])[0][2])]


# -- the pip program written as a path expression ----

PATH_PROGRAM = '''
import os
import subprocess
from pathlib import Path


def refresh(venv_path, root: Path):
    subprocess.check_output([os.path.join(venv_path, "bin", "pip"), "install", "-U", "pip", "wheel"])
    subprocess.run([root / "bin" / "pip3", "install", "path-div-kit"])
    subprocess.run([os.path.join(venv_path, "bin", "python"), "-m", "pip", "install", "joined-python"])
    subprocess.run([os.path.join(venv_path, "bin", "tool"), "install", "not-pip"])
    subprocess.run([os.path.join(venv_path, "bin", "pip"), "install", "pinned-path==3.0"])
'''


def test_pip_program_as_a_path_expression():
    expected = sorted(("MLW301", _at(PATH_PROGRAM, w)) for w in ('"wheel"', "path-div-kit", "joined-python"))
    assert _lines(PATH_PROGRAM, PIP_RULES) == expected


# -- a package word held by a name or written as a conditional ----

CHOICES = '''
import subprocess
import sys

DEV_ZIP = "https://example.invalid/archive/develop.zip"
TOOL = "const-tool"


def upgrade(dev):
    spec = DEV_ZIP if dev else "stable-tool"
    subprocess.run([sys.executable, "-m", "pip", "install", "--upgrade", spec], check=True)


def self_update(pip_url=None):
    pip_url = pip_url or "self-tool"
    subprocess.run([sys.executable, "-m", "pip", "install", "--upgrade", pip_url])


def constant():
    subprocess.run([sys.executable, "-m", "pip", "install", TOOL])


def inline(flag, other):
    subprocess.run([sys.executable, "-m", "pip", "install", "inline-tool" if flag else other])
'''


def test_package_word_from_its_literal_choices():
    expected = sorted(
        [
            ("MLW301", _at(CHOICES, "--upgrade\", spec")),
            ("MLW305", _at(CHOICES, "--upgrade\", spec")),
            ("MLW301", _at(CHOICES, "pip_url])")),
            ("MLW301", _at(CHOICES, "TOOL])")),
            ("MLW301", _at(CHOICES, "inline-tool")),
        ]
    )
    assert _lines(CHOICES, PIP_RULES) == expected


CHOICES_QUIET = '''
import subprocess
import sys

PINNED = "pinned-tool==1.2.3"


def pinned():
    subprocess.run([sys.executable, "-m", "pip", "install", PINNED])


def parameter(pkg):
    subprocess.run([sys.executable, "-m", "pip", "install", pkg])


def options(user):
    flag = "--user" if user else "--system"
    subprocess.run([sys.executable, "-m", "pip", "install", flag, "-r", "requirements.txt"])


def local(editable):
    target = "." if editable else "./dist/pkg.whl"
    subprocess.run([sys.executable, "-m", "pip", "install", target])
'''


def test_package_word_choices_quiet():
    # pinned, a parameter, options of two values (neither is read), local paths
    assert _lines(CHOICES_QUIET, PIP_RULES) == []


def test_choices_in_a_notebook():
    nb = code_notebook(
        "import subprocess, sys\nPKG = 'nb-const-tool'\n",
        "subprocess.run([sys.executable, '-m', 'pip', 'install', PKG])\n",
    )
    assert _lines(nb, ["MLW301"], filename="setup.ipynb") == [("MLW301", 1)]


# -- a package list returned by a function of another project module ----

DEPENDENCIES = '''
def get_pip_dependencies():
    core = ["colorama", "tabulate == 0.9.0"]
    extra = []
    extra.append("chardet >= 3")
    return core + extra


def get_pinned_dependencies():
    return ["requests==2.32.3"]


def install_deps(packages):
    return packages
'''

UPGRADER = '''
import subprocess
import sys

from app.dependencies import get_pip_dependencies, get_pinned_dependencies


def upgrade():
    subprocess.run([sys.executable, "-m", "pip", "install", "--upgrade", *get_pip_dependencies()])
    subprocess.run([sys.executable, "-m", "pip", "install", *get_pinned_dependencies()])
'''


def test_package_list_returned_by_another_module(tmp_path):
    from tests.test_detect_valueflow import write_package

    pkg = write_package(tmp_path, {"dependencies.py": DEPENDENCIES, "upgrade.py": UPGRADER})
    target = pkg / "upgrade.py"
    found = fast_full_findings(target.read_text(), ["MLW301"], filename=str(target), root=tmp_path)
    # colorama and chardet >= 3 (grown by append) are unpinned; tabulate and requests are pinned
    line = _at(UPGRADER, "get_pip_dependencies()])")
    assert [(rule, at) for rule, at, _ in found] == [("MLW301", line), ("MLW301", line)]


def test_package_list_of_another_module_in_a_notebook(tmp_path):
    from tests.test_detect_valueflow import write_package

    pkg = write_package(tmp_path, {"dependencies.py": DEPENDENCIES})
    nb = pkg / "setup.ipynb"
    text = code_notebook(
        "import subprocess, sys\nfrom app.dependencies import get_pip_dependencies\n",
        "subprocess.run([sys.executable, '-m', 'pip', 'install', *get_pip_dependencies()])\n",
    )
    nb.write_text(text)
    found = fast_full_findings(text, ["MLW301"], filename=str(nb), root=tmp_path)
    assert [(rule, at) for rule, at, _ in found] == [("MLW301", 1), ("MLW301", 1)]
