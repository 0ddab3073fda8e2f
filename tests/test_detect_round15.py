"""Round s15 (issue 16): server command lines built from templates, gunicorn
options handed to a project's application class, ZeroMQ listeners, and the
rest of real-12's causes (see benchmarks/DETECT.md, "Round s15")."""

import textwrap

import pytest

from round_helpers import code_notebook
from mlwarden.core.config import Config
from mlwarden.core.engine import check_source
from mlwarden.core.finding import Severity

from tests.test_detect_valueflow import fast_equals_full, write_package


def _run(code, rules, filename="job.py"):
    """(rule, line, severity) of every finding, the fast path checked against
    the full one."""
    config = Config(select=rules, severity=Severity.LOW)
    source = textwrap.dedent(code) if not filename.endswith(".ipynb") else code
    fast = check_source(source, filename, config=config).findings
    full = check_source(source, filename, config=config, full=True).findings
    assert [(f.rule_id, f.line, f.col, f.message) for f in fast] == [(f.rule_id, f.line, f.col, f.message) for f in full]
    return sorted((f.rule_id, f.line, f.severity) for f in fast)


_notebook = code_notebook


# -- server command lines built with .format / % / join ------------------------------

LAUNCHER = '''
import shlex
import subprocess as sp

class Launcher:
    def start_gateway(self, interpreter, module, port):
        self.proc = spawn_console(
            "{} -m uvicorn {} --host 0.0.0.0 --port {} "
            "--log-level warning".format(interpreter, module, port),
            capture=False,
        )

    def start_named(self, port):
        line = "{py} -m flask run --host={where} --port={port}".format(py="python3", where=EVERYWHERE, port=port)
        sp.Popen(shlex.split(line))

    def start_percent(self, port):
        sp.call("gunicorn --workers 2 -b %s:%d svc.wsgi:app" % (EVERYWHERE, port), shell=True)

    def start_joined(self, app):
        sp.Popen(" ".join(["uvicorn", app, "--host", EVERYWHERE]), shell=True)

EVERYWHERE = "0.0.0.0"
'''


def test_commands_built_from_templates():
    assert _run(LAUNCHER, ["MLW707"]) == [
        ("MLW707", 8, Severity.MEDIUM),
        ("MLW707", 14, Severity.MEDIUM),
        ("MLW707", 18, Severity.MEDIUM),
        ("MLW707", 21, Severity.MEDIUM),
    ]


@pytest.mark.parametrize(
    "code",
    [
        LAUNCHER.replace('EVERYWHERE = "0.0.0.0"', 'EVERYWHERE = "127.0.0.1"').replace("--host 0.0.0.0", "--host 127.0.0.1"),
        # a message is not a command
        'import logging\ndef hint(app):\n    logging.info("run: {} -m uvicorn {} --host 0.0.0.0".format("python", app))\n',
        # a template whose host is a value this cannot read
        "import os\ndef serve(host, app):\n    os.system('{} -m uvicorn {} --host {}'.format('python', app, host))\n",
        # a placeholder that is not followed by -m is not the interpreter
        "import os\ndef serve(tool):\n    os.system('{} uvicorn --host 0.0.0.0'.format(tool))\n",
    ],
)
def test_template_commands_that_do_not_bind_every_interface(code):
    assert _run(code, ["MLW707"]) == []


def test_template_command_in_a_notebook():
    nb = _notebook("import subprocess\nPY = 'python'", "subprocess.Popen('%s -m uvicorn app:api --host %s' % (PY, '::'), shell=True)")
    assert _run(nb, ["MLW707"], filename="serve.ipynb") == [("MLW707", 1, Severity.MEDIUM)]


# -- gunicorn options handed to the project's application class ---------------------

GUNICORN_OPTIONS = '''
from myhub.serving.http_server import StandaloneApplication, create_app

def serve(args):
    port = args.port
    options = {"bind": "0.0.0.0:%s" % port, "workers": args.workers}
    StandaloneApplication(create_app(), options).run()
'''


def test_gunicorn_options_without_a_gunicorn_import():
    assert _run(GUNICORN_OPTIONS, ["MLW707"]) == [("MLW707", 6, Severity.MEDIUM)]


@pytest.mark.parametrize(
    "change",
    [
        ('"0.0.0.0:%s" % port', '"127.0.0.1:%s" % port'),
        # no gunicorn setting beside `bind`: not known to be gunicorn's options
        ('"workers": args.workers', '"name": args.name'),
        # a host alone is gunicorn's only when the file imports gunicorn
        ('"0.0.0.0:%s" % port', '"0.0.0.0"'),
    ],
)
def test_bind_dicts_that_are_not_judged(change):
    assert _run(GUNICORN_OPTIONS.replace(*change), ["MLW707"]) == []


# -- ZeroMQ ---------------------------------------------------------------------------

ZMQ = '''
import zmq

class Broker:
    def listen(self, front_addr, back_addr):
        ctx = zmq.Context(1)
        self.front = ctx.socket(zmq.ROUTER)
        self.front.bind(front_addr)
        self.back = ctx.socket(zmq.DEALER)
        self.back.bind(back_addr)

def serve(port, host="0.0.0.0"):
    broker = Broker()
    backend = "tcp://*:%s" % (port + 1)
    broker.listen("tcp://*:%s" % port, backend)
    pub = zmq.Context().socket(zmq.PUB)
    pub.bind(f"tcp://{host}:{port + 2}")
    pub.bind_to_random_port("tcp://*")
    pub.bind("tcp://127.0.0.1:%d" % port)
    pub.bind("ipc:///tmp/feeds")
    pub.connect("tcp://0.0.0.0:%d" % port)
    print("listening on tcp://*:%s" % port)
'''


def test_zmq_listeners_on_every_interface():
    assert _run(ZMQ, ["MLW707"]) == [
        ("MLW707", 15, Severity.MEDIUM),
        ("MLW707", 17, Severity.MEDIUM),
        ("MLW707", 18, Severity.MEDIUM),
    ]


def test_zmq_with_curve_is_low():
    code = ZMQ.replace("    pub = zmq.Context().socket(zmq.PUB)\n", "    pub = zmq.Context().socket(zmq.PUB)\n    pub.curve_server = True\n")
    assert {severity for _rule, _line, severity in _run(code, ["MLW707"])} == {Severity.LOW}


def test_star_endpoints_need_zmq_outside_a_bind():
    # without a zmq import, only a bind is read (`tcp://*` handed elsewhere is some other library's text)
    code = "def serve(port, router):\n    router.listen('tcp://*:%s' % port)\n    router.bind('tcp://*:%s' % port)\n"
    assert _run(code, ["MLW707"]) == [("MLW707", 3, Severity.MEDIUM)]


def test_zmq_in_a_notebook():
    nb = _notebook("import zmq\nsock = zmq.Context().socket(zmq.REP)", "sock.bind('tcp://*:5555')")
    assert _run(nb, ["MLW707"], filename="rep.ipynb") == [("MLW707", 1, Severity.MEDIUM)]



# -- MLW102: a lazy-import helper's result is torch, not a shadow of it ----------------

LAZY = '''
def _torch_module():
    try:
        import torch
    except ImportError as exc:
        raise RuntimeError("install torch") from exc
    return torch


def restore(path):
    torch = _torch_module()
    state = torch.load(path, map_location="cpu")
    return state
'''


def test_mlw102_reads_torch_from_a_lazy_import_helper():
    assert _run(LAZY, ["MLW102"]) == [("MLW102", 12, Severity.HIGH)]


@pytest.mark.parametrize(
    "change",
    [
        ("    torch = _torch_module()\n", "    torch = CheckpointReader()\n"),  # a local object named torch
        ("def restore(path):\n    torch = _torch_module()\n", "def restore(path, torch):\n"),  # a parameter
        ("    return torch\n", "    return torch.serialization\n"),  # the helper does not return the module
    ],
)
def test_mlw102_local_names_that_are_not_torch_stay_shadows(change):
    assert _run(LAZY.replace(*change), ["MLW102"]) == []


def test_mlw102_lazy_import_helper_in_a_notebook():
    nb = _notebook(LAZY.split("\n\ndef restore")[0].strip(), "def restore(path):\n    torch = _torch_module()\n    return torch.load(path)")
    assert _run(nb, ["MLW102"], filename="restore.ipynb") == [("MLW102", 3, Severity.HIGH)]


# -- pip wrappers that add an index for another parameter -----------------------------

INDEXED_INSTALLER = '''
import subprocess
import sys
from typing import Optional


def install_package(package: str, extra_index_url: Optional[str] = None, quiet=True) -> None:
    command = [sys.executable, "-m", "pip", "install", package]
    if quiet:
        command += ["--quiet"]
    if extra_index_url:
        command.extend(["--extra-index-url", extra_index_url])
    subprocess.check_call(command)
'''


@pytest.mark.parametrize(
    "caller, expected",
    [
        ("from .installer import install_package\ninstall_package('nv-tools==0.3.27', extra_index_url='https://pypi.example-vendor.com')\n", [("MLW302", 2)]),
        ("from .installer import install_package as need\nneed('nv-tools==0.3.27', 'https://pypi.example-vendor.com')\n", [("MLW302", 2)]),
        # no index given, None, or a value this cannot read: the branch is not known to run
        ("from .installer import install_package\ninstall_package('nv-tools==0.3.27')\n", []),
        ("from .installer import install_package\ninstall_package('nv-tools==0.3.27', extra_index_url=None)\n", []),
        ("from .installer import install_package\ndef f(url):\n    install_package('nv-tools==0.3.27', extra_index_url=url)\n", []),
    ],
)
def test_pip_wrapper_adding_an_index_in_a_branch(tmp_path, caller, expected):
    pkg = write_package(tmp_path, {"installer.py": INDEXED_INSTALLER, "loader.py": caller})
    assert fast_equals_full(tmp_path, pkg / "loader.py", ["MLW301", "MLW302"]) == expected


def test_pip_wrapper_adding_an_index_in_the_same_file_and_a_notebook():
    code = INDEXED_INSTALLER + "\ninstall_package('nv-tools==1.0', extra_index_url='https://pypi.example-vendor.com')\n"
    assert _run(code, ["MLW301", "MLW302"], "setup_env.py") == [("MLW302", code.count("\n"), Severity.HIGH)]
    nb = _notebook(INDEXED_INSTALLER, "install_package('nv-tools==1.0', extra_index_url='https://pypi.example-vendor.com')\n")
    assert _run(nb, ["MLW302"], filename="setup.ipynb") == [("MLW302", 1, Severity.HIGH)]


# -- a host:port address built by a project function from a look-up default ------------

NET_UTILS = '''
HOST_KEY = "host"


def listen_address(conf: dict) -> str:
    host = conf.get(HOST_KEY, "0.0.0.0")
    port = conf.get("port", 0)
    if not host:
        host = "0.0.0.0"
    return f"{host}:{port}"
'''

DRIVER = '''
import grpc
from .netconf import listen_address


class Transport:
    def start(self, conf):
        self.server = grpc.server(pool)
        where = listen_address(conf)
        self.server.add_insecure_port(where)
'''


@pytest.mark.parametrize(
    "helper, expected",
    [
        (NET_UTILS, [("MLW707", 10)]),
        (NET_UTILS.replace('return f"{host}:{port}"', 'return "%s:%s" % (host, port)'), [("MLW707", 10)]),
        # a loopback default, or a host that is also bound to something else
        (NET_UTILS.replace('"0.0.0.0")\n', '"127.0.0.1")\n'), []),
        (NET_UTILS.replace('        host = "0.0.0.0"\n', '        host = resolve_host()\n'), []),
    ],
)
def test_address_built_by_a_project_function(tmp_path, helper, expected):
    pkg = write_package(tmp_path, {"netconf.py": helper, "driver.py": DRIVER})
    assert fast_equals_full(tmp_path, pkg / "driver.py", ["MLW707"]) == expected


def test_address_builder_in_the_same_file_and_a_notebook():
    code = "import grpc\n" + NET_UTILS + "\ndef serve(conf):\n    server = grpc.server(pool)\n    server.add_insecure_port(listen_address(conf))\n"
    assert _run(code, ["MLW707"], "serve.py") == [("MLW707", code.count("\n"), Severity.MEDIUM)]
    nb = _notebook("import grpc\n" + NET_UTILS, "server = grpc.server(pool)\nserver.add_insecure_port(listen_address({}))")
    assert _run(nb, ["MLW707"], filename="serve.ipynb") == [("MLW707", 2, Severity.MEDIUM)]
