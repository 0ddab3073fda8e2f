"""Round s14 (issue 16): pip commands built with ``.format`` / ``%`` /
``" ".join`` and pip's internal ``create_command`` API, ``--no-index
--find-links <local dir>`` as a local install, and a project module that
wraps or re-exports pickle (read from its body, not its name)."""

import textwrap
from pathlib import Path

import pytest

from mlwarden.core.config import Config
from mlwarden.core.engine import check_source
from mlwarden.core.finding import Severity

from tests.test_detect_valueflow import fast_equals_full, found as found_in_project

DEP_RULES = ["MLW301", "MLW302", "MLW303", "MLW304", "MLW305", "MLW306"]


def _findings(code, full=False):
    result = check_source(textwrap.dedent(code), "installer.py", config=Config(select=DEP_RULES), full=full)
    assert not result.errors, result.errors
    return sorted((f.line, f.col, f.rule_id) for f in result.findings)


def _at(code, line, marker, rule="MLW301"):
    """(line, 1-based column of ``marker`` on that line of the test's own code, rule)."""
    text = textwrap.dedent(code).splitlines()[line - 1]
    return (line, text.index(marker) + 1, rule)


# -- pip commands built from templates -------------------------------------------------------

#: name -> (code, [(line, marker where the finding sits, rule)]): a word of a string built
#: from a template is placed at the template's start
BUILT = {
    "format-positional": (
        'import os, sys\nos.system("{} -m pip install {}".format(sys.executable, "flask"))\n',
        [(2, '"{}', "MLW301")],
    ),
    "format-join-of-a-list-literal": (
        'import os\nos.system("pip install {}".format(" ".join(["requests", "boto3==1.34.0"])))\n',
        [(2, '"pip', "MLW301")],
    ),
    "format-keyword-extra-index": (
        'import subprocess\nsubprocess.run("pip install --extra-index-url {url} torch=={v}".format(url="https://x.example/simple", v=V), shell=True)\n',
        [(2, '"pip', "MLW302")],
    ),
    "percent-single": (
        'import os\nos.system("pip install %s" % "numpy")\n',
        [(2, '"pip', "MLW301")],
    ),
    "percent-tuple": (
        'import os, sys\nos.system("%s -m pip install -U %s" % (sys.executable, "setuptools"))\n',
        [(2, '"%s', "MLW301")],
    ),
    "fstring-join-of-a-list-variable": (
        "import subprocess\ndef serve_deps():\n    deps = ['gunicorn[gevent]']\n    cmd = f\"pip install {' '.join(deps)}\"\n    subprocess.run(cmd, shell=True)\n",
        [(4, 'f"pip', "MLW301")],
    ),
    "format-of-a-base-command-name": (
        "import os, sys\ndef bootstrap(kind):\n    base = '{} -m pip install -q'.format(sys.executable)\n    os.system('{} {}'.format(base, ' '.join([kind, 'requests'])))\n",
        [(4, "'{} {}'", "MLW301")],
    ),
}

#: only variable packages, pinned versions, or quoting that hides the name: nothing to judge
BUILT_QUIET = [
    'import os\ndef f(pkg):\n    os.system("pip install {}".format(pkg))\n',
    'import os\ndef f(pkg, v):\n    os.system("pip install {}=={}".format(pkg, v))\n',
    'import os\nos.system("pip install %s" % "numpy==1.26.4")\n',
    'import os\ndef f(pkgs):\n    os.system("pip install {}".format(" ".join(pkgs)))\n',
    'import os\ndef f(pkg):\n    os.system("pip install \'{}\'".format(pkg))\n',
    'import os\nos.system("pip install {0[name]}".format({"name": "x"}))\n',
    'print("run: pip install {}".format("flask"))\n',
]


@pytest.mark.parametrize("name", sorted(BUILT))
def test_commands_built_from_templates(name):
    code, where = BUILT[name]
    expected = sorted(_at(code, line, marker, rule) for line, marker, rule in where)
    assert _findings(code) == expected
    assert _findings(code, full=True) == expected


@pytest.mark.parametrize("code", BUILT_QUIET)
def test_commands_built_from_templates_quiet(code):
    assert _findings(code) == []
    assert _findings(code, full=True) == []


def test_pip_create_command_entry_point():
    code = (
        "from pip._internal.commands import create_command\n"
        "def install(args):\n"
        "    create_command('install').main(['--extra-index-url', 'https://download.pytorch.org/whl/cpu', 'torch==2.4.0'])\n"
        "    create_command('install').main(['einops'])\n"
        "    create_command('install').main(args)\n"
        "    create_command('uninstall').main(['einops'])\n"
    )
    expected = sorted([_at(code, 3, "'--extra-index-url'", "MLW302"), _at(code, 4, "'einops'")])
    assert _findings(code) == expected
    assert _findings(code, full=True) == expected


def test_create_command_of_another_module_is_not_pip():
    code = "from mytool.commands import create_command\ncreate_command('install').main(['einops'])\n"
    assert _findings(code) == []


@pytest.mark.parametrize(
    "code",
    [
        "import os, subprocess, sys\ndef stubs(tmp):\n    dist = os.path.join(tmp, 'dist')\n"
        "    subprocess.check_call([sys.executable, '-m', 'pip', 'install', '--no-index', '--find-links', dist, 'metaflow-stubs'])\n",
        "import os\nos.system('pip install --no-index -f ./wheels mypkg')\n",
        "import os\nos.system('pip install --no-index --find-links=file:///opt/wheels mypkg')\n",
    ],
)
def test_no_index_with_local_find_links_is_a_local_install(code):
    assert _findings(code) == []


@pytest.mark.parametrize(
    "code, line, marker",
    [
        ("import os\nos.system('pip install --no-index --find-links https://wheels.example/ mypkg')\n", 2, "'pip"),
        ("import os\nos.system('pip install --find-links ./wheels mypkg')\n", 2, "'pip"),
    ],
)
def test_remote_find_links_or_an_index_still_counts(code, line, marker):
    assert _findings(code) == [(line, textwrap.dedent(code).splitlines()[line - 1].index("mypkg") + 1, "MLW301")]


def test_no_index_in_a_notebook_pip_line(tmp_path):
    import json

    nb = tmp_path / "setup.ipynb"
    cell = {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None}
    nb.write_text(json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
        dict(cell, source="%pip install --no-index --find-links ./dist mypkg\n"),
        dict(cell, source="%pip install otherpkg\n"),
    ]}))
    from mlwarden.commands.check import check_paths

    results, _ = check_paths([str(nb)], Config(root=tmp_path, select=DEP_RULES, severity=Severity.LOW), cache=False)
    findings = [f for r in results for f in r.findings]
    assert [(f.rule_id, f.cell) for f in findings] == [("MLW301", 2)]  # the second cell (1-based), not the first
    assert "otherpkg" in findings[0].message


# -- a project module that wraps pickle ---------------------------------------------------------------


WRAPPER = '''\
import logging
import pickle

import cloudpickle

logger = logging.getLogger(__name__)


def dumps(x):
    return pickle.dumps(x)


def loads(x, *, buffers=()):
    try:
        if buffers:
            return pickle.loads(x, buffers=buffers)
        return cloudpickle.loads(x)
    except Exception:
        logger.info("cannot load %r", x[:100])
        raise
'''

SAFE = '''\
import json
import pickle


def loads(x):
    return json.loads(x)


def load(stream):
    blob = stream.read()
    return json.loads(blob)


def dumps(x):
    return pickle.dumps(x)
'''

REEXPORT = "from pickle import loads\nimport dill\nload = dill.load\n"

USER = '''\
from pkg.protocol import pickle
from pkg.protocol.pickle import loads as unpickle
from pkg.protocol import safe
from .protocol import reexport
from .protocol.pickle import loads


def handle(frame, stream):
    a = pickle.loads(frame)
    b = unpickle(frame)
    c = safe.loads(frame)
    d = reexport.loads(frame)
    e = reexport.load(stream)
    f = loads(frame)
    g = safe.load(stream)
    return a, b, c, d, e, f, g
'''


def _wrapper_project(root: Path) -> Path:
    (root / "pkg" / "protocol").mkdir(parents=True)
    (root / "pkg" / "__init__.py").write_text("")
    (root / "pkg" / "protocol" / "__init__.py").write_text("")
    (root / "pkg" / "protocol" / "pickle.py").write_text(WRAPPER)
    (root / "pkg" / "protocol" / "safe.py").write_text(SAFE)
    (root / "pkg" / "protocol" / "reexport.py").write_text(REEXPORT)
    user = root / "pkg" / "worker.py"
    user.write_text(USER)
    return user


def _lines_of(code, *needles):
    lines = code.splitlines()
    return [next(i for i, text in enumerate(lines, 1) if needle in text) for needle in needles]


def test_a_project_module_that_wraps_pickle(tmp_path):
    user = _wrapper_project(tmp_path)
    expected = sorted(("MLW101", line) for line in _lines_of(USER, "a = ", "b = ", "d = ", "e = ", "f = "))
    assert found_in_project(tmp_path, user, ["MLW101"]) == expected
    assert fast_equals_full(tmp_path, user, ["MLW101"]) == expected


def test_wrapper_finding_names_the_wrapper_and_is_high(tmp_path):
    from mlwarden.commands.check import check_paths

    user = _wrapper_project(tmp_path)
    results, _ = check_paths([str(user)], Config(root=tmp_path, select=["MLW101"], severity=Severity.LOW), cache=False)
    first = min((f for r in results for f in r.findings), key=lambda f: f.line)
    assert "pkg.protocol.pickle.loads" in first.message and "cloudpickle.loads" in first.message
    assert first.severity == Severity.HIGH


def test_a_module_named_pickle_that_does_not_unpickle_is_quiet(tmp_path):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "pickle.py").write_text("import json\n\ndef loads(x):\n    return json.loads(x)\n")
    user = tmp_path / "pkg" / "use.py"
    user.write_text("from pkg import pickle\n\ndef f(x):\n    return pickle.loads(x)\n")
    assert found_in_project(tmp_path, user, ["MLW101"]) == []


def test_a_wrapper_change_invalidates_the_cached_result(tmp_path):
    user = _wrapper_project(tmp_path)
    safe = tmp_path / "pkg" / "protocol" / "safe.py"
    before = found_in_project(tmp_path, user, ["MLW101"], cache=True)
    safe.write_text(SAFE.replace("return json.loads(x)", "return pickle.loads(x)") + "\n")
    after = found_in_project(tmp_path, user, ["MLW101"], cache=True)
    assert len(after) == len(before) + 1
    assert ("MLW101", _lines_of(USER, "c = ")[0]) in after


# -- serving: constructors followed caller-side, environment fallbacks, every branch -------------------

SERVER_MODULE = '''\
import uvicorn

from app.config import get_env_host


def run_server(app, host, port):
    uvicorn.run(app, host=host, port=port)


class ThreadServer:
    def __init__(self, app, host, port=8000):
        self.app = app
        self.host = host
        self.port = port

    def start(self):
        uvicorn.run(self.app, host=self.host, port=self.port)


class Indirect:
    def __init__(self, app, host=None, port=8000):
        self._host = host or "127.0.0.1"
        self._port = port
        self.app = app

    def serve(self):
        run_server(self.app, self._host, self._port)


class Described:
    def __init__(self, app, host):
        self.host = host

    def url(self):
        return f"http://{self.host}"


class Base:
    def __init__(self, app, host=None):
        self.host = host or get_env_host()


class Child(Base):
    def __init__(self, app, host=None):
        super().__init__(app, host=host)
        self.server = ThreadServer(app, host=self.host)
'''

CONFIG_MODULE = '''\
import os
from os import getenv

HOST = "0.0.0.0"
ENV_HOST = "APP_HOST"


def get_env_host() -> str:
    return getenv(ENV_HOST) or HOST


def get_local_host() -> str:
    return os.environ.get("APP_HOST", "127.0.0.1")
'''

CLI_MODULE = '''\
import argparse

import uvicorn

from app.config import get_env_host, get_local_host
from app.server import Child, Described, Indirect, ThreadServer


def main(app):
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="0.0.0.0")
    args = parser.parse_args()
    ThreadServer(app, host=args.host).start()
    Indirect(app, host="::").serve()
    Described(app, host="0.0.0.0").url()
    ThreadServer(app, host="127.0.0.1").start()
    Child(app, host="0.0.0.0")


def launch(app, host=None):
    host = host or get_env_host()
    ThreadServer(app, host=host).start()


def env_default(app):
    uvicorn.run(app, host=get_env_host(), port=8000)


def env_local(app):
    uvicorn.run(app, host=get_local_host(), port=8000)
'''


def _serving_project(root: Path) -> Path:
    (root / "app").mkdir()
    (root / "app" / "__init__.py").write_text("")
    (root / "app" / "config.py").write_text(CONFIG_MODULE)
    (root / "app" / "server.py").write_text(SERVER_MODULE)
    cli = root / "app" / "cli.py"
    cli.write_text(CLI_MODULE)
    return cli


def test_constructors_and_environment_fallbacks_across_modules(tmp_path):
    cli = _serving_project(tmp_path)
    expected = sorted(("MLW707", line) for line in _lines_of(
        CLI_MODULE, "ThreadServer(app, host=args.host)", 'Indirect(app, host="::")', 'Child(app, host="0.0.0.0")',
        "ThreadServer(app, host=host)", "host=get_env_host(), port",
    ))
    assert found_in_project(tmp_path, cli, ["MLW707"]) == expected
    assert fast_equals_full(tmp_path, cli, ["MLW707"]) == expected


def test_constructor_finding_names_the_class_and_the_method(tmp_path):
    from mlwarden.commands.check import check_paths

    cli = _serving_project(tmp_path)
    results, _ = check_paths([str(cli)], Config(root=tmp_path, select=["MLW707"], severity=Severity.LOW), cache=False)
    messages = {f.line: f.message for r in results for f in r.findings}
    first = messages[_lines_of(CLI_MODULE, "ThreadServer(app, host=args.host)")[0]]
    assert "ThreadServer.start" in first and "server.py" in first and first.startswith("`ThreadServer(")
    env = messages[_lines_of(CLI_MODULE, "host=get_env_host(), port")[0]]
    assert "APP_HOST" in env


def test_a_changed_server_module_invalidates_the_cached_constructor_result(tmp_path):
    cli = _serving_project(tmp_path)
    before = found_in_project(tmp_path, cli, ["MLW707"], cache=True)
    server = tmp_path / "app" / "server.py"
    server.write_text(SERVER_MODULE.replace("uvicorn.run(self.app, host=self.host, port=self.port)", "print(self.host)"))
    after = found_in_project(tmp_path, cli, ["MLW707"], cache=True)
    assert ("MLW707", _lines_of(CLI_MODULE, "ThreadServer(app, host=args.host)")[0]) in before
    assert ("MLW707", _lines_of(CLI_MODULE, "ThreadServer(app, host=args.host)")[0]) not in after


SAME_FILE = '''\
import socket

import uvicorn


class Session:
    def __init__(self, app, host="127.0.0.1"):
        self.host = host
        self.app = app

    def run(self):
        uvicorn.run(self.app, host=self.host)


def launch(app, host=None):
    host = host or "0.0.0.0"
    Session(app, host=host).run()


def launch_local(app, host=None):
    Session(app, host=host).run()


def dual(port, v6):
    if v6:
        sock = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
        address = ("::", port)
    else:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        address = ("0.0.0.0", port)
    sock.bind(address)
    sock.listen(5)
    return sock


def mixed(port, v6):
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if v6:
        address = ("::", port)
    else:
        address = ("127.0.0.1", port)
    sock.bind(address)
    sock.listen(5)


def branches(app, public):
    if public:
        host = "0.0.0.0"
    else:
        host = "::"
    uvicorn.run(app, host=host, port=1)


def branches_mixed(app, public):
    if public:
        host = "0.0.0.0"
    else:
        host = "127.0.0.1"
    uvicorn.run(app, host=host, port=1)


def fallback(app, host=None):
    host = host or "0.0.0.0"
    uvicorn.run(app, host=host)
'''


def test_same_file_constructor_branches_and_fallbacks(tmp_path):
    (tmp_path / "serve.py").write_text(SAME_FILE)
    target = tmp_path / "serve.py"
    lines = SAME_FILE.splitlines()
    expected = sorted([
        ("MLW707", _lines_of(SAME_FILE, "Session(app, host=host).run()")[0]),
        ("MLW707", next(i for i, t in enumerate(lines, 1) if "sock.bind(address)" in t)),
        ("MLW707", next(i for i, t in enumerate(lines, 1) if "uvicorn.run(app, host=host, port=1)" in t)),
        ("MLW707", next(i for i, t in enumerate(lines, 1) if t.strip() == "uvicorn.run(app, host=host)")),
    ])
    assert found_in_project(tmp_path, target, ["MLW707"]) == expected
    assert fast_equals_full(tmp_path, target, ["MLW707"]) == expected


# -- a shell given its command line with -c ------------------------------------------------------------

SHELL_C = {
    "literal": ('import subprocess\nsubprocess.run(["bash", "-c", "cd /srv && pip install flask"])\n', [(2, "flask")]),
    "login-shell-flag": ('import subprocess\nsubprocess.Popen(["/bin/sh", "-lc", "pip install -U einops"])\n', [(2, "einops")]),
    "joined-steps": (
        "from subprocess import Popen\n"
        "def install(activate):\n"
        "    deps = ['gunicorn[gevent]']\n"
        "    steps = [f\"pip install {' '.join(deps)}\"]\n"
        "    Popen(['bash', '-c', ' && '.join(activate + steps)]).wait()\n",
        [(4, 'f"pip')],
    ),
}


@pytest.mark.parametrize("name", sorted(SHELL_C))
def test_shell_given_a_command_line_with_c(name):
    code, where = SHELL_C[name]
    expected = sorted(_at(code, line, marker) for line, marker in where)
    assert _findings(code) == expected
    assert _findings(code, full=True) == expected


@pytest.mark.parametrize(
    "code",
    [
        'import subprocess\nsubprocess.run(["bash", "-c", "echo pip install flask"])\n',
        'import subprocess\nsubprocess.run(["bash", "script.sh", "pip install flask"])\n',
        "import subprocess\ndef f(steps):\n    subprocess.run(['bash', '-c', ' && '.join(steps)])\n",
        'import subprocess\nsubprocess.run(["bash", "-c", "pip install flask==3.0.3"])\n',
    ],
)
def test_shell_given_a_command_line_quiet(code):
    assert _findings(code) == []
