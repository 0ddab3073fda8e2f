"""Round s13 (issue 16): values that cross project functions and modules.

Constants built from constants (f-strings, ``+``, ``%``, ``.format``) in
another module and through a package's re-exports, functions every return
of which is a constant, hosts followed back through several callers in
other modules (imports inside functions too), pip wrappers defined in
another module, and vendored copies of cloudpickle. Every case is my own;
each detection case is checked fast == full.
"""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

import pytest

from mlwarden.core.config import Config
from mlwarden.core.engine import check_source
from mlwarden.core.finding import Severity
from mlwarden.core.project import constant_value, module_values
from mlwarden.core.run import check_paths
from mlwarden.core.values import UNKNOWN
from mlwarden.rules._helpers import notebook_json


def write_package(root: Path, files: dict) -> Path:
    """``files`` (relative path -> text) under ``root/app``, every directory a package."""
    pkg = root / "app"
    for rel, text in files.items():
        target = pkg / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text))
    for directory in [pkg, *[p for p in pkg.rglob("*") if p.is_dir()]]:
        init = directory / "__init__.py"
        if not init.exists():
            init.write_text("")
    return pkg


def found(root: Path, target: Path, rules, cache: bool = False):
    results, _ = check_paths([str(target)], Config(root=root, select=rules, severity=Severity.LOW), cache=cache)
    assert not [e for r in results for e in r.errors]
    return sorted((f.rule_id, f.line) for r in results for f in r.findings)


def fast_equals_full(root: Path, target: Path, rules) -> list:
    config = Config(root=root, select=rules, severity=Severity.LOW)
    source = target.read_text()
    fast = check_source(source, str(target), config=config).findings
    full = check_source(source, str(target), config=config, full=True).findings
    assert [(f.rule_id, f.line, f.col, f.message) for f in fast] == [(f.rule_id, f.line, f.col, f.message) for f in full]
    return sorted((f.rule_id, f.line) for f in fast)


# -- constants built from constants ------------------------------------------------


def _value(code: str, **names):
    return constant_value(ast.parse(code, mode="eval").body, lambda n: names.get(n, UNKNOWN))


@pytest.mark.parametrize(
    "code, names, expected",
    [
        ('f"{HOST}:{PORT}"', {"HOST": "0.0.0.0", "PORT": 80}, "0.0.0.0:80"),
        ('HOST + ":" + "80"', {"HOST": "::"}, ":::80"),
        ('"%s:%d" % (HOST, 9)', {"HOST": "0.0.0.0"}, "0.0.0.0:9"),
        ('"%s" % HOST', {"HOST": "x"}, "x"),
        ('"{}:{}".format(HOST, 1)', {"HOST": "h"}, "h:1"),
        ('"{h}:{p}".format(h=HOST, p=2)', {"HOST": "h"}, "h:2"),
        ("A + B", {"A": 1, "B": 2}, 3),
        ('"[" + "::" + "]"', {}, "[::]"),
    ],
)
def test_constant_expressions(code, names, expected):
    assert _value(code, **names) == expected


@pytest.mark.parametrize(
    "code, names",
    [
        ('f"{HOST}:{PORT}"', {"HOST": "0.0.0.0"}),  # a name that is not known
        ('f"{HOST!r}"', {"HOST": "x"}),  # a conversion
        ('f"{PORT:>5}"', {"PORT": 1}),  # a format spec
        ('"{0.__class__}".format(HOST)', {"HOST": "x"}),  # an attribute in a replacement field
        ('"{0[0]}".format(HOST)', {"HOST": "x"}),  # an index
        ('"%s:%s" % (HOST,)', {"HOST": "x"}),  # the template does not fit
        ("HOST + 1", {"HOST": "x"}),
        ('f"{FLAG}"', {"FLAG": True}),  # only strings and integers
        ("get_host()", {}),
        ('"a" if X else "b"', {"X": True}),
    ],
)
def test_constant_expressions_unknown(code, names):
    assert _value(code, **names) is UNKNOWN


def test_a_constant_built_from_another_modules_through_a_reexport(tmp_path):
    pkg = write_package(
        tmp_path,
        {
            "net/octets.py": "ANY = '0.0.0.0'\n",
            "net/__init__.py": "from .octets import ANY\n",
            "constants.py": "from .net import ANY\nPORT = 9093\nADDRESS = f'{ANY}:{PORT}'\nOTHER = ADDRESS + '/x'\n",
        },
    )
    values = module_values(pkg / "constants.py")
    assert values.constants["ADDRESS"] == "0.0.0.0:9093" and values.constants["OTHER"] == "0.0.0.0:9093/x"
    assert str(pkg / "net" / "octets.py") in values.read and str(pkg / "net" / "__init__.py") in values.read


def test_an_import_cycle_ends(tmp_path):
    pkg = write_package(tmp_path, {"a.py": "from .b import Y\nX = f'{Y}!'\n", "b.py": "from .a import X\nY = f'{X}?'\n"})
    assert "X" not in module_values(pkg / "a.py").constants


@pytest.mark.parametrize(
    "function, expected",
    [
        ("def f():\n    return '::' if V6 else '0.0.0.0'\n", ("::", "0.0.0.0")),
        ("def f(x):\n    if x:\n        return '0.0.0.0'\n    return HOST\n", ("0.0.0.0", "127.0.0.1")),
        ("def f(x):\n    try:\n        return '0.0.0.0'\n    except OSError:\n        return '::'\n", ("0.0.0.0", "::")),
        # may run off its end (returns None), returns something else, or is a generator: not recorded
        ("def f(x):\n    if x:\n        return '0.0.0.0'\n", None),
        ("def f(x):\n    return x or '0.0.0.0'\n", None),
        ("def f():\n    yield '0.0.0.0'\n    return '0.0.0.0'\n", None),
        ("def f():\n    return\n", None),
    ],
)
def test_what_a_function_returns(tmp_path, function, expected):
    pkg = write_package(tmp_path, {"net.py": "HOST = '127.0.0.1'\nV6 = True\n" + function})
    assert module_values(pkg / "net.py").returns.get("f") == expected


# -- serving: constants and function results of other modules ------------------------

NET = """\
    import socket
    OCTET = "0.0.0.0"
    LOOP = "127.0.0.1"
    def all_interfaces_ip():
        return "::" if socket.has_ipv6 else "0.0.0.0"
    def local_ip():
        return "127.0.0.1"
    def maybe_any(flag):
        if flag:
            return "0.0.0.0"
"""
CONSTANTS = """\
    from .sub import OCTET
    from .net import LOOP
    PORT = 9093
    CONTROL_ADDRESS = f"{OCTET}:{PORT}"
    FLEET_ADDRESS = "%s:%d" % (OCTET, 9092)
    API_ADDRESS = "{}:{}".format(OCTET, PORT)
    LOCAL_ADDRESS = LOOP + ":" + str(PORT)
    LOCAL_FSTRING = f"{LOOP}:{PORT}"
"""


@pytest.mark.parametrize(
    "server, expected",
    [
        ("import grpc\nfrom .constants import CONTROL_ADDRESS\ndef a(server):\n    server.add_insecure_port(CONTROL_ADDRESS)\n", [4]),
        ("from .constants import FLEET_ADDRESS as F\ndef a(server):\n    server.add_insecure_port(F)\n", [3]),
        ("from . import constants\ndef a(server):\n    server.add_insecure_port(constants.API_ADDRESS)\n", [3]),
        ("import uvicorn\nfrom .net import all_interfaces_ip\ndef d(app):\n    uvicorn.run(app, host=all_interfaces_ip())\n", [4]),
        (
            "import argparse\nimport uvicorn\nfrom .net import all_interfaces_ip\ndef main(app):\n    p = argparse.ArgumentParser()\n"
            "    p.add_argument('--host', default=all_interfaces_ip())\n    args = p.parse_args()\n    uvicorn.run(app, host=args.host)\n",
            [8],
        ),
        ("import uvicorn\ndef any_ip():\n    return '0.0.0.0'\ndef d(app):\n    uvicorn.run(app, host=any_ip())\n", [5]),
        # quiet: loopback constants, a function that returns loopback or may return None, a shadowing parameter
        ("from .constants import LOCAL_ADDRESS\ndef c(server):\n    server.add_insecure_port(LOCAL_ADDRESS)\n", []),
        ("from .constants import LOCAL_FSTRING\ndef c(server):\n    server.add_insecure_port(LOCAL_FSTRING)\n", []),
        ("import uvicorn\nfrom .net import local_ip\ndef e(app):\n    uvicorn.run(app, host=local_ip())\n", []),
        ("import uvicorn\nfrom .net import maybe_any\ndef f(app):\n    uvicorn.run(app, host=maybe_any(1))\n", []),
        ("from .constants import CONTROL_ADDRESS\ndef a(server, CONTROL_ADDRESS):\n    server.add_insecure_port(CONTROL_ADDRESS)\n", []),
    ],
)
def test_hosts_built_from_constants_and_returned_by_functions(tmp_path, server, expected):
    pkg = write_package(tmp_path, {"net.py": NET, "sub/__init__.py": "from ..net import OCTET\n", "constants.py": CONSTANTS, "server.py": server})
    assert found(tmp_path, pkg / "server.py", ["MLW707"]) == [("MLW707", line) for line in expected]
    assert fast_equals_full(tmp_path, pkg / "server.py", ["MLW707"]) == [("MLW707", line) for line in expected]


def test_the_cache_drops_a_result_when_a_constants_module_changes(tmp_path):
    pkg = write_package(tmp_path, {"net.py": NET, "sub/__init__.py": "from ..net import OCTET\n", "constants.py": CONSTANTS})
    server = pkg / "server.py"
    server.write_text("from .constants import CONTROL_ADDRESS\ndef a(server):\n    server.add_insecure_port(CONTROL_ADDRESS)\n")
    assert found(tmp_path, server, ["MLW707"], cache=True) == [("MLW707", 3)]
    assert found(tmp_path, server, ["MLW707"], cache=True) == [("MLW707", 3)]
    (pkg / "net.py").write_text(textwrap.dedent(NET).replace('OCTET = "0.0.0.0"', 'OCTET = "127.0.0.1"'))
    assert found(tmp_path, server, ["MLW707"], cache=True) == []


def test_a_function_result_in_a_notebook():
    source = notebook_json("import uvicorn\ndef any_ip():\n    return '::'", "uvicorn.run(app, host=any_ip())")
    result = check_source(source, "serve.ipynb", config=Config(select=["MLW707"], severity=Severity.LOW))
    assert [(f.cell, f.line) for f in result.findings] == [(2, 1)]


# -- serving: a host followed back through callers in other modules ------------------

HELPERS = {
    "util/serving.py": "import uvicorn\ndef run_server(app, host, port):\n    uvicorn.run(app, host=host, port=port)\n",
    "util/grpcs.py": "def add_address(server, address):\n    server.add_insecure_port(address)\n",
}


@pytest.mark.parametrize(
    "cli, helper, expected",
    [
        # argparse default -> main -> serve (this module) -> run_server (another module, imported in the function)
        (
            "import argparse\ndef serve(app, host, port):\n    from .util.serving import run_server\n    run_server(app, host=host, port=port)\n"
            "def main():\n    p = argparse.ArgumentParser()\n    p.add_argument('--host', default='0.0.0.0')\n    args = p.parse_args()\n    serve(None, args.host, 8000)\n",
            "util/serving.py",
            [3],
        ),
        # a click option two functions up
        (
            "import click\nfrom .util.serving import run_server\ndef inner(app, host):\n    run_server(app, host, 80)\ndef middle(app, host):\n    inner(app, host)\n"
            "@click.command()\n@click.option('--host', default='::')\ndef cli(host):\n    middle(None, host)\n",
            "util/serving.py",
            [3],
        ),
        # an address built from a constant of the caller's module, and an f-string address two hops up
        (
            "from .util.grpcs import add_address\nANY = '0.0.0.0'\ndef start(server, address):\n    add_address(server, address)\n"
            "def main(server, port):\n    start(server, f'{ANY}:{port}')\n",
            "util/grpcs.py",
            [2],
        ),
        ("from .util.grpcs import add_address\ndef start(server, address):\n    add_address(server, address)\ndef main(server, port):\n    start(server, f'[::]:{port}')\n", "util/grpcs.py", [2]),
        # quiet: a loopback default up the chain, one caller of two passes loopback, a value we cannot read
        (
            "import argparse\nfrom .util.serving import run_server\ndef serve(app, host):\n    run_server(app, host, 1)\n"
            "def main():\n    p = argparse.ArgumentParser()\n    p.add_argument('--host', default='127.0.0.1')\n    serve(None, p.parse_args().host)\n",
            "util/serving.py",
            [],
        ),
        (
            "from .util.serving import run_server\ndef serve(app, host):\n    run_server(app, host, 1)\ndef a():\n    serve(None, '0.0.0.0')\ndef b():\n    serve(None, 'localhost')\n",
            "util/serving.py",
            [],
        ),
        ("from .util.serving import run_server\ndef serve(app, host):\n    run_server(app, host, 1)\ndef a(config):\n    serve(None, config.host)\n", "util/serving.py", []),
        # a parameter rebound before it is passed on: not the caller's value
        (
            "from .util.serving import run_server\ndef serve(app, host):\n    host = resolve(host)\n    run_server(app, host, 1)\ndef a():\n    serve(None, '0.0.0.0')\n",
            "util/serving.py",
            [],
        ),
        # too many hops: four functions between the literal and the helper
        (
            "from .util.serving import run_server\ndef f1(h):\n    run_server(None, h, 1)\ndef f2(h):\n    f1(h)\ndef f3(h):\n    f2(h)\ndef f4(h):\n    f3(h)\ndef f5():\n    f4('0.0.0.0')\n",
            "util/serving.py",
            [],
        ),
    ],
)
def test_hosts_followed_back_through_callers(tmp_path, cli, helper, expected):
    pkg = write_package(tmp_path, {**HELPERS, "cli.py": cli})
    assert found(tmp_path, pkg / helper, ["MLW707"]) == [("MLW707", line) for line in expected]
    assert fast_equals_full(tmp_path, pkg / helper, ["MLW707"]) == [("MLW707", line) for line in expected]


# -- pip wrappers of another module -------------------------------------------------

INSTALLER = """\
    import importlib
    import subprocess
    import sys

    def install_packages(packages, upgrade=False):
        constraints = ["app==1.0"]
        base = ["pip", "install", *constraints, *packages]
        if upgrade:
            base.append("--upgrade")
        try:
            uv = importlib.import_module("uv")
            subprocess.check_call([uv.find_uv_bin(), *base])
        except ImportError:
            subprocess.check_call([sys.executable, "-m", *base])

    def install_theme(name):
        return name.upper()
"""


@pytest.mark.parametrize(
    "caller, expected",
    [
        ("from app.installation import install_packages\ndef setup():\n    install_packages(['boto3'])\n", [("MLW301", 3)]),
        ("from .installation import install_packages as ensure\ndef setup():\n    ensure(['requests', 'torch==2.3.1'])\n", [("MLW301", 3)]),
        ("def later():\n    from .installation import install_packages\n    install_packages(packages=['coiled'], upgrade=True)\n", [("MLW301", 3)]),
        # quiet: pinned, a variable list, a function that does not run pip, a same-named function of a non-project module
        ("from .installation import install_packages\ninstall_packages(['requests==2.31.0'])\n", []),
        ("from .installation import install_packages\ndef f(pkgs):\n    install_packages(pkgs)\n", []),
        ("from .installation import install_theme\ninstall_theme('dark')\n", []),
        ("from otherlib.installation import install_packages\ninstall_packages(['boto3'])\n", []),
    ],
)
def test_pip_wrappers_of_another_module(tmp_path, caller, expected):
    pkg = write_package(tmp_path, {"installation.py": INSTALLER, "provision.py": caller})
    assert found(tmp_path, pkg / "provision.py", ["MLW301", "MLW302"]) == expected
    assert fast_equals_full(tmp_path, pkg / "provision.py", ["MLW301", "MLW302"]) == expected


def test_pip_wrapper_with_an_extra_index_of_another_module(tmp_path):
    installer = "import subprocess, sys\ndef pip_run(args):\n    subprocess.run([sys.executable, '-m', 'pip'] + args)\n"
    caller = "from .tools import pip_run\npip_run(['install', 'torch==2.3.1', '--extra-index-url', 'https://download.pytorch.org/whl/cu121'])\n"
    pkg = write_package(tmp_path, {"tools.py": installer, "setup_gpu.py": caller})
    assert found(tmp_path, pkg / "setup_gpu.py", ["MLW301", "MLW302"]) == [("MLW302", 2)]


def test_the_cache_drops_a_result_when_the_wrapper_module_changes(tmp_path):
    pkg = write_package(tmp_path, {"installation.py": INSTALLER, "provision.py": "from .installation import install_packages\ninstall_packages(['boto3'])\n"})
    assert found(tmp_path, pkg / "provision.py", ["MLW301"], cache=True) == [("MLW301", 2)]
    assert found(tmp_path, pkg / "provision.py", ["MLW301"], cache=True) == [("MLW301", 2)]
    (pkg / "installation.py").write_text("def install_packages(packages):\n    return packages\n")
    assert found(tmp_path, pkg / "provision.py", ["MLW301"], cache=True) == []


# -- vendored cloudpickle ------------------------------------------------------------

VENDORED = {
    "ray-as-pickle": ("import ray.cloudpickle as pickle\ndef f(b):\n    return pickle.loads(b)\n", [3]),
    "from-ray": ("from ray import cloudpickle\ndef f(b):\n    return cloudpickle.loads(b)\n", [3]),
    "joblib-externals": ("def f(fh):\n    from joblib.externals import cloudpickle as cp\n    return cp.load(fh)\n", [3]),
    "pyspark": ("from pyspark.cloudpickle import loads\nx = loads(blob)\n", [2]),
    "srsly": ("import srsly.cloudpickle\nx = srsly.cloudpickle.loads(blob)\n", [2]),
}


@pytest.mark.parametrize("name", sorted(VENDORED))
def test_vendored_cloudpickle_is_pickle(name):
    code, lines = VENDORED[name]
    config = Config(select=["MLW101"], severity=Severity.LOW)
    fast = check_source(code, "load.py", config=config).findings
    full = check_source(code, "load.py", config=config, full=True).findings
    assert [f.line for f in fast] == lines == [f.line for f in full]


def test_vendored_cloudpickle_quiet():
    code = "import ray.cloudpickle as pickle\ndata = pickle.dumps(obj)\nfrom ray import serve\nserve.run(app)\n"
    assert check_source(code, "x.py", config=Config(select=["MLW101"], severity=Severity.LOW)).findings == []


def test_vendored_cloudpickle_in_a_notebook():
    source = notebook_json("import ray.cloudpickle as cp", "fn = cp.loads(blob)")
    result = check_source(source, "nb.ipynb", config=Config(select=["MLW101"], severity=Severity.LOW))
    assert [(f.cell, f.line) for f in result.findings] == [(2, 1)]


# -- serving: reported at the caller that hands every interface to a project helper ------

SERVING_HELPERS = {
    "util/serving.py": "import uvicorn\ndef run_server(app, host, port):\n    uvicorn.run(app, host=host, port=port)\n",
    "util/grpcs.py": "def add_address(server, address):\n    server.add_insecure_port(address)\n",
    "util/sockets.py": "from http.server import HTTPServer\ndef make(handler, host, port):\n    return HTTPServer((host, port), handler)\n",
    "util/local.py": "import uvicorn\ndef run_local(app, host, port):\n    uvicorn.run(app, host='127.0.0.1', port=port)\n",
    "store.py": (
        "from .util import serving\nclass Store:\n    def __init__(self, path):\n        self.path = path\n"
        "    def serve_ui(self, host, port):\n        self._go(host, port)\n    def _go(self, host, port):\n        serving.run_server(None, host, port)\n"
        "def make_store(path):\n    return Store(path)\n"
    ),
    "reexport/__init__.py": "from ..util.serving import run_server\n",
    "servers.py": (
        "from .util import serving\nclass BaseServer:\n    def start_server(self, host, port):\n        serving.run_server(None, host, port)\n"
        "class HttpServer(BaseServer):\n    pass\nclass OpenAIServer(BaseServer):\n    def other(self):\n        pass\n"
        "class LocalServer(BaseServer):\n    def start_server(self, host, port):\n        return None\n"
        "def fetch_server(kind):\n    if kind == 'openai':\n        return OpenAIServer()\n    return HttpServer()\n"
        "def fetch_any(kind):\n    if kind == 'local':\n        return LocalServer()\n    return HttpServer()\n"
        "def fetch_maybe(kind):\n    if kind:\n        return HttpServer()\n"
    ),
}


@pytest.mark.parametrize(
    "caller, expected",
    [
        # an argparse default, a click option, a literal, through an imported module, a re-export
        (
            "import argparse\nfrom .util.serving import run_server\ndef main():\n    p = argparse.ArgumentParser()\n"
            "    p.add_argument('--host', default='0.0.0.0')\n    args = p.parse_args()\n    run_server(None, host=args.host, port=1)\n",
            [7],
        ),
        ("import click\nfrom .util import serving\n@click.command()\n@click.option('--host', default='::')\ndef main(host, port=1):\n    serving.run_server(None, host, port)\n", [6]),
        # a click option kept in a module constant and applied as a decorator; a factory of this file
        (
            "import click\nfrom .servers import HttpServer, OpenAIServer\nHOST_OPTION = click.option('--host', type=str, default='0.0.0.0')\n"
            "def _fetch(kind):\n    if kind:\n        return OpenAIServer()\n    return HttpServer()\n"
            "@click.command()\n@HOST_OPTION\ndef main(host, port=1):\n    server = _fetch('x')\n    server.start_server(host, port)\n",
            [12],
        ),
        ("def main(server, port):\n    from .util.grpcs import add_address\n    add_address(server, f'[::]:{port}')\n", [3]),
        ("from .util.sockets import make\ndef main(h, port):\n    return make(h, '', port)\n", [3]),
        ("from .reexport import run_server\ndef main(port):\n    run_server(None, '0.0.0.0', port)\n", [3]),
        ("from .util.grpcs import add_address\ndef main(server, address='[::]:50051'):\n    add_address(server, address)\n", [3]),
        # methods of an object whose project class is known: made here, or by a project factory
        ("import click\nfrom .store import make_store\n@click.command()\n@click.option('--host', default='0.0.0.0')\ndef ui(host, port=1):\n    store = make_store('.')\n    store.serve_ui(host=host, port=port)\n", [7]),
        ("from .store import Store\ndef ui(port):\n    s = Store('.')\n    s.serve_ui('::', port)\n", [4]),
        # a method inherited from a base class, on an object a factory makes of one of two subclasses
        ("from .servers import fetch_server\ndef main(port):\n    server = fetch_server('x')\n    server.start_server('0.0.0.0', port)\n", [4]),
        # quiet: one of the classes overrides the method and serves nothing; a factory that may return None
        ("from .servers import fetch_any\ndef main(port):\n    server = fetch_any('x')\n    server.start_server('0.0.0.0', port)\n", []),
        ("from .servers import fetch_maybe\ndef main(port):\n    server = fetch_maybe('x')\n    server.start_server('0.0.0.0', port)\n", []),
        (
            "import click\nfrom .servers import HttpServer, LocalServer\nHOST_OPTION = click.option('--host', type=str, default='0.0.0.0')\n"
            "def _fetch(kind):\n    if kind:\n        return LocalServer()\n    return HttpServer()\n"
            "@click.command()\n@HOST_OPTION\ndef main(host, port=1):\n    server = _fetch('x')\n    server.start_server(host, port)\n",
            [],
        ),
        # quiet: loopback, a helper that binds loopback itself, a value we cannot read, no host or port word in the call,
        # an object rebound, a same-named function of a module that does not serve
        ("from .util.serving import run_server\ndef main(port):\n    run_server(None, '127.0.0.1', port)\n", []),
        ("from .util.local import run_local\ndef main(port):\n    run_local(None, '0.0.0.0', port)\n", []),
        ("from .util.serving import run_server\ndef main(config, port):\n    run_server(None, config.address, port)\n", []),
        ("from .util.grpcs import add_address\ndef main(server):\n    add_address(server, '[::]:50051')\n", []),
        ("from .store import Store\ndef ui(port, other):\n    s = Store('.')\n    s = other\n    s.serve_ui('::', port)\n", []),
        ("from .store import Store\ndef ui(port):\n    s = Store('.')\n    s.refresh('0.0.0.0', port)\n", []),
    ],
)
def test_callers_that_hand_every_interface_to_a_project_helper(tmp_path, caller, expected):
    pkg = write_package(tmp_path, {**SERVING_HELPERS, "cli.py": caller})
    assert found(tmp_path, pkg / "cli.py", ["MLW707"]) == [("MLW707", line) for line in expected]
    assert fast_equals_full(tmp_path, pkg / "cli.py", ["MLW707"]) == [("MLW707", line) for line in expected]
    if expected:
        results, _ = check_paths([str(pkg / "cli.py")], Config(root=tmp_path, select=["MLW707"]), cache=False)
        [finding] = [f for r in results for f in r.findings]
        assert "hands `" in finding.message and finding.severity is Severity.MEDIUM


def test_a_caller_with_authentication_in_the_file_is_low(tmp_path):
    caller = (
        "from fastapi.security import HTTPBearer\nfrom .util.serving import run_server\nsecurity = HTTPBearer()\n"
        "def main(port):\n    run_server(None, '0.0.0.0', port)\n"
    )
    pkg = write_package(tmp_path, {**SERVING_HELPERS, "cli.py": caller})
    results, _ = check_paths([str(pkg / "cli.py")], Config(root=tmp_path, select=["MLW707"], severity=Severity.LOW), cache=False)
    assert [(f.line, f.severity) for r in results for f in r.findings] == [(5, Severity.LOW)]


def test_the_cache_drops_a_caller_result_when_the_helper_module_changes(tmp_path):
    pkg = write_package(tmp_path, {**SERVING_HELPERS, "cli.py": "from .util.serving import run_server\ndef main(port):\n    run_server(None, '0.0.0.0', port)\n"})
    assert found(tmp_path, pkg / "cli.py", ["MLW707"], cache=True) == [("MLW707", 3)]
    assert found(tmp_path, pkg / "cli.py", ["MLW707"], cache=True) == [("MLW707", 3)]
    (pkg / "util" / "serving.py").write_text("def run_server(app, host, port):\n    return None\n")
    assert found(tmp_path, pkg / "cli.py", ["MLW707"], cache=True) == []


def test_a_helper_summary_ends_on_recursion(tmp_path):
    pkg = write_package(
        tmp_path,
        {
            "a.py": "from .b import g\ndef f(host, port):\n    g(host, port)\n",
            "b.py": "from .a import f\ndef g(host, port):\n    f(host, port)\n",
            "cli.py": "from .a import f\ndef main(port):\n    f('0.0.0.0', port)\n",
        },
    )
    assert found(tmp_path, pkg / "cli.py", ["MLW707"]) == []


def test_a_click_option_kept_in_a_module_constant():
    code = (
        "import click\nimport uvicorn\nHOST = click.option('--host', default='0.0.0.0')\nLOCAL = click.option('--host', default='127.0.0.1')\n"
        "@click.command()\n@HOST\ndef a(host):\n    uvicorn.run('m:app', host=host)\n"
        "@click.command()\n@LOCAL\ndef b(host):\n    uvicorn.run('m:app', host=host)\n"
    )
    config = Config(select=["MLW707"], severity=Severity.LOW)
    fast = check_source(code, "cli.py", config=config).findings
    full = check_source(code, "cli.py", config=config, full=True).findings
    assert [f.line for f in fast] == [8] == [f.line for f in full]
