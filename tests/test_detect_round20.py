"""Round s20 (issue 16): real-17's causes (see benchmarks/DETECT.md, "Round s20"):
pip commands whose interpreter takes its own options before ``-m pip``, pip's
general options before ``install``, lists grown in branches and spread into
the command, index options returned by a function of the file, CI workflow
steps held as text; and a serving default overridden by a guarded
assignment. Every sample is written for these tests."""

import textwrap

import pytest

from round_helpers import code_notebook, fast_full_findings, line_of as _at, rule_lines as _lines

PIP_RULES = ["MLW301", "MLW302", "MLW303", "MLW305"]


# -- pip: the interpreter's own options before -m, pip's general options before install ----

INTERPRETER = '''
import os
import subprocess
import sys


def venv_python(root):
    return os.path.join(root, "bin", "python")


def setup(root, exe):
    subprocess.check_call([sys.executable, "-u", "-X", "utf8", "-m", "pip", "install", "utf-eight"])
    subprocess.check_call(["python3", "-W", "ignore", "-m", "pip", "install", "warn-free"])
    subprocess.check_call([sys.executable, "-Esm", "pip", "install", "combined-flags"])
    subprocess.check_call([exe, "-mpip", "install", "glued-module"])
    subprocess.check_call([venv_python(root), "-I", "-m", "pip", "install", "isolated-venv"])
    subprocess.check_call([exe, "-Xfrozen_modules=off", "-m", "pip", "install", "glued-value"])
    os.system("python3 -I -m pip install shell-isolated")
    subprocess.check_call(["pip", "--python", exe, "install", "for-other-python"])
    subprocess.check_call(["pip", "--trusted-host", "mirror.example.invalid", "install", "pinned-one==1.0"])
    subprocess.check_call([exe, "-c", "import sys", "-m", "pip", "install", "not-run-c"])
    subprocess.check_call([exe, "-X", "utf8", "tool.py", "-m", "pip", "install", "not-run-script"])
    subprocess.check_call([exe, "--check-hash-based-pycs", "always", "-m", "pip", "install", "not-read-long"])
    subprocess.check_call([sys.executable, "-I", "-m", "pip", "show", "not-an-install"])
'''


def test_interpreter_options_before_m_pip():
    unpinned = ("utf-eight", "warn-free", "combined-flags", "glued-module", "isolated-venv", "glued-value", "shell-isolated",
                "for-other-python")
    expected = sorted([("MLW301", _at(INTERPRETER, f'"{p}"' if p != "shell-isolated" else p)) for p in unpinned]
                      + [("MLW303", _at(INTERPRETER, "mirror.example.invalid"))])
    assert _lines(INTERPRETER, PIP_RULES) == expected


def test_interpreter_options_in_a_notebook():
    nb = code_notebook(
        "import subprocess, sys\n!python -I -X utf8 -m pip install nb-isolated\n",
        "subprocess.run([sys.executable, '-Esm', 'pip', 'install', 'nb-combined'])\n",
    )
    assert _lines(nb, ["MLW301"], filename="setup.ipynb") == [("MLW301", 1), ("MLW301", 2)]


# -- pip: lists grown in branches, options added before a wrapper's parameter ----

GROWN = '''
import subprocess
import sys


def install(exe, reqs, extra, quiet):
    install_args = []
    if extra:
        install_args.extend(["--extra-index-url", "https://extra.example.invalid/simple"])
    elif quiet:
        install_args.append("--quiet")
    else:
        install_args += ["--trusted-host", "cache.example.invalid"]
    subprocess.run([sys.executable, "-u", "-m", "pip", "--python", exe, "install", *install_args, *reqs], check=True)


def command_grown(flag):
    cmd = [sys.executable, "-m", "pip", "install"]
    if flag:
        cmd.append("grown-package")
    subprocess.run(cmd, check=True)


def grown_after_the_run():
    late = ["pip", "install", "ran-first==1.0"]
    subprocess.run(late, check=True)
    late.append("added-after-the-run")


def run_pip(root, args):
    pip_cmd = [venv_python(root), "-I", "-m", "pip"]
    pip_cmd += ["--disable-pip-version-check", "--trusted-host", "wrapper.example.invalid"] + args
    subprocess.check_call(pip_cmd)


def venv_python(root):
    return root + "/bin/python"


def use(root, names):
    run_pip(root, ["install"] + names)
'''


def test_lists_grown_in_branches():
    assert _lines(GROWN, PIP_RULES) == sorted(
        [
            ("MLW302", _at(GROWN, "extra.example.invalid")),
            ("MLW303", _at(GROWN, "cache.example.invalid")),
            ("MLW301", _at(GROWN, '"grown-package"')),
            ("MLW303", _at(GROWN, 'run_pip(root, ["install"]')),
        ]
    )


def test_grown_list_in_a_notebook():
    nb = code_notebook(
        "import subprocess, sys\nargs = []\n",
        "if True:\n    args.extend(['--extra-index-url', 'https://nb.example.invalid/simple'])\n"
        "subprocess.run([sys.executable, '-m', 'pip', 'install', 'nb-pinned==2.0', *args])\n",
    )
    # the list is bound in another cell: one module, so the cells' growth is read too
    assert _lines(nb, ["MLW302"], filename="grow.ipynb") == [("MLW302", 2)]


# -- pip: an index option returned by a function of the file ----

RETURNED = '''
import subprocess
import sys

GPU_INDEX = ("--extra-index-url", "https://gpu.example.invalid/simple")
PINNED_ONLY = ("--no-deps",)


def gpu_index():
    return GPU_INDEX


def gpu_index_list():
    return list(GPU_INDEX)


def either(flag):
    if flag:
        return GPU_INDEX
    return PINNED_ONLY


def spread():
    subprocess.run([sys.executable, "-m", "pip", "install", "gpu-runtime==1.0", *gpu_index()], check=True)


def added():
    cmd = [sys.executable, "-m", "pip", "install", "gpu-runtime==1.0"] + gpu_index_list()
    subprocess.run(cmd, check=True)


def two_returns(flag):
    subprocess.run([sys.executable, "-m", "pip", "install", "gpu-runtime==1.0", *either(flag)], check=True)
'''


def test_index_option_returned_by_a_function():
    # reported at the constant; a function with two returns is not read
    assert _lines(RETURNED, PIP_RULES) == [("MLW302", _at(RETURNED, "gpu.example.invalid"))]
    found = fast_full_findings(RETURNED, ["MLW302"])
    assert len(found) == 2  # one per command that reads it


# -- pip: CI workflow steps held as text ----

WORKFLOW = '''
CI = """\\
name: checks
on: [push]
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
    - uses: actions/checkout@v4
    - name: Tools
      run: pip install --upgrade inline-tool
    - name: Block
      run: |
        python -m pip install block-tool
        pip install -r requirements.txt
        echo ok && pip install \\\\
          continued-tool
    - run: >-
        pip install
        folded-tool
    - run: echo "pip install echoed-tool"
"""


def generated(version):
    return f"""
jobs:
  build:
    steps:
      - run: |
          pip install pinned-tool=={version}
          pip install --extra-index-url https://ci.example.invalid/simple fixed-tool==1.0
"""


def prose():
    return """To set it up:
run: pip install not-a-workflow
"""


def help_text():
    print("""steps:
  - run: pip install only-printed
""")
'''


def test_workflow_steps_held_as_text():
    expected = [("MLW301", _at(WORKFLOW, p)) for p in ("inline-tool", "block-tool", "continued-tool", "folded-tool")]
    expected.append(("MLW302", _at(WORKFLOW, "ci.example.invalid")))
    assert _lines(WORKFLOW, PIP_RULES) == sorted(expected)


def test_workflow_gate_opens_on_a_step_alone():
    from mlwarden.sources.dependencies.pip_in_code import may_install

    assert may_install('CI = """\nsteps:\n  - run: pip install x\n"""\n')
    assert may_install('CI = """\nsteps:\n  - run: |\n      python -m pip install x\n"""\n')
    assert not may_install('NOTE = "see: pip install x (steps: run: it)"\n')


# -- MLW707: a literal default overridden by a guarded assignment ----

GUARDED = '''
import uvicorn


class Server:
    def __init__(self, config, app):
        self._config = config
        self._app = app

    def start(self):
        host = "0.0.0.0"
        if self._config.host:
            host = self._config.host
        config = uvicorn.Config(self._app, host=host, port=self._config.port)
        uvicorn.Server(config).run()

    def start_none(self):
        host = "::"
        if self._config.host is not None:
            host = self._config.host
        uvicorn.run(self._app, host=host, port=8080)

    def other_guard(self, debug):
        host = "0.0.0.0"
        if debug:
            host = self._config.host
        uvicorn.run(self._app, host=host, port=8080)

    def with_else(self):
        host = "0.0.0.0"
        if self._config.host:
            host = self._config.host
        else:
            host = "127.0.0.1"
        uvicorn.run(self._app, host=host, port=8080)

    def loopback_default(self):
        host = "127.0.0.1"
        if self._config.host:
            host = self._config.host
        uvicorn.run(self._app, host=host, port=8080)
'''


def test_default_overridden_by_a_guarded_assignment():
    assert _lines(GUARDED, ["MLW707"]) == [
        ("MLW707", _at(GUARDED, "uvicorn.Config(self._app")),
        ("MLW707", _line_after(GUARDED, "def start_none", "uvicorn.run")),
    ]


def _line_after(code, start, snippet):
    lines = textwrap.dedent(code).splitlines()
    first = next(i for i, line in enumerate(lines) if start in line)
    return next(i for i, line in enumerate(lines[first:], start=first + 1) if snippet in line)


def test_guarded_override_message_says_the_fallback():
    from mlwarden.core.config import Config
    from mlwarden.core.engine import check_source
    from mlwarden.core.finding import Severity

    result = check_source(textwrap.dedent(GUARDED), "server.py", config=Config(select=["MLW707"], severity=Severity.LOW))
    messages = [f.message for f in result.findings]
    assert len(messages) == 2 and all("is not set" in m for m in messages), messages


def test_guarded_override_in_a_notebook():
    nb = code_notebook(
        "import uvicorn\nfrom app import app, settings\n",
        "def serve():\n    host = '0.0.0.0'\n    if settings.host:\n        host = settings.host\n    uvicorn.run(app, host=host, port=8000)\n",
    )
    assert _lines(nb, ["MLW707"], filename="serve.ipynb") == [("MLW707", 5)]


@pytest.mark.parametrize("texts", [
    ["python", "-m", "pip"], ["python", "-I", "-m", "pip"], ["python", "-u", "-X", "utf8", "-m", "pip"], ["python", "-Esm", "pip"],
    ["python", "-mpip"], ["python", "-Wignore", "-m", "pip"],
])
def test_python_module_at_finds_pip(texts):
    from mlwarden.sources.dependencies.installs import python_module_at

    found = python_module_at(texts)
    assert found is not None
    index, glued = found
    assert (glued if glued is not None else texts[index]) == "pip"


@pytest.mark.parametrize("texts", [
    ["python", "-c", "x", "-m", "pip"], ["python", "script.py", "-m", "pip"], ["python", "-", "-m", "pip"], ["python", "-X", "utf8"],
    ["python", "--version", "-m", "pip"], ["python", "-m"],
])
def test_python_module_at_refuses_other_runs(texts):
    from mlwarden.sources.dependencies.installs import python_module_at

    assert python_module_at(texts) is None
