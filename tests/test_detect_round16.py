"""Round s16 (issue 16): real-13's causes (see benchmarks/DETECT.md, "Round s16"):
a package loading its own compiled ops, the negation of an opt-in flag for
``weights_only``, serving addresses kept in ``self``, pip programs returned by
functions and command lists run by a class's or a nested function's runner."""


import pytest

from round_helpers import code_notebook, fast_full_findings
from mlwarden.core.finding import Severity

from tests.test_detect_valueflow import write_package


_run = fast_full_findings


_notebook = code_notebook


# -- MLW111: a package loading its own compiled ops ---------------------------------

OWN_OPS = '''
import glob
import os
from pathlib import Path

import tensorflow as tf
import torch

_HERE = Path(__file__).resolve().parent
_KERNELS = _HERE / "kernels"


def _kernel_file(stem):
    ext = ".dll" if os.name == "nt" else ".so"
    return _KERNELS / f"{stem}{ext}"


def load_kernel(stem):
    torch.ops.load_library(_kernel_file(stem))


def load_all():
    candidates = sorted(glob.glob(os.path.join(os.path.dirname(os.path.abspath(__file__)), "ops", "*.so")))
    for so in [c for c in candidates if os.path.isfile(c)]:
        tf.load_op_library(so)


class Lazy:
    def __init__(self, name):
        self.name = name

    def _where(self):
        return str(_HERE.parent / "lib" / self.name)

    def get(self):
        return torch.classes.load_library(self._where())
'''


def test_own_compiled_ops_are_low():
    assert _run(OWN_OPS, ["MLW111"]) == [
        ("MLW111", 19, Severity.LOW),
        ("MLW111", 25, Severity.LOW),
        ("MLW111", 36, Severity.LOW),
    ]


@pytest.mark.parametrize(
    "code",
    [
        # a parameter, an environment variable, a download, the working directory
        "import torch\ndef load(lib_path):\n    torch.ops.load_library(lib_path)\n",
        "import os, torch\ntorch.ops.load_library(os.path.join(os.environ['OPS_HOME'], 'x.so'))\n",
        "import os, torch\nplug = os.getenv('PLUGIN_DIR', '/opt/p')\ntorch.classes.load_library(plug + '/x.so')\n",
        "import torch\nfrom huggingface_hub import hf_hub_download\ntorch.ops.load_library(hf_hub_download('org/ops', 'ops.so'))\n",
        "import os, torch\ntorch.ops.load_library(os.path.join(os.getcwd(), 'ops.so'))\n",
        # a root that is the package's directory on one branch only
        "import os, torch\ndef load(custom=None):\n    base = custom or os.path.dirname(__file__)\n    torch.ops.load_library(os.path.join(base, 'x.so'))\n",
        # a project function returning its parameter
        "import torch\ndef where(p):\n    return p\ndef load(user):\n    torch.ops.load_library(where(user))\n",
    ],
)
def test_libraries_from_elsewhere_stay_medium(code):
    found = _run(code, ["MLW111"])
    assert found and all(sev == Severity.MEDIUM for _, _, sev in found)


LIBINFO = '''
import os


def find_lib_path(name="libcore.so", search_path=None):
    here = os.path.dirname(os.path.abspath(os.path.expanduser(__file__)))
    dirs = []
    if os.environ.get("CORE_LIBRARY_PATH"):
        dirs.append(os.environ["CORE_LIBRARY_PATH"])
    dirs.extend(p.strip() for p in os.environ.get("LD_LIBRARY_PATH", "").split(":"))
    dirs.append(os.path.join(here, ".."))
    if search_path is not None:
        dirs = dirs + list(search_path)
    found = [os.path.join(d, name) for d in dirs if os.path.isfile(os.path.join(d, name))]
    if not found:
        return None
    return found
'''

SPARSE = '''
import os

import torch

from .._native import libinfo


def load_sparse():
    folder = os.path.dirname(libinfo.find_lib_path()[0])
    torch.classes.load_library(os.path.join(folder, "sparse", "libsparse.so"))
'''


@pytest.mark.parametrize(
    "finder, sparse, expected",
    [
        (LIBINFO, SPARSE, Severity.LOW),
        # the finder also reads a variable that is not a library search path
        (LIBINFO.replace('"CORE_LIBRARY_PATH"', '"CORE_HOME"'), SPARSE, Severity.MEDIUM),
        # the loader's caller hands the finder a search path of its own
        (LIBINFO, SPARSE.replace("find_lib_path()", "find_lib_path(search_path=[os.environ['EXTRA']])"), Severity.MEDIUM),
    ],
)
def test_library_found_by_a_project_finder(tmp_path, finder, sparse, expected):
    pkg = write_package(tmp_path, {"_native/libinfo.py": finder, "sparse/__init__.py": sparse})
    target = pkg / "sparse" / "__init__.py"
    assert _run(target.read_text(), ["MLW111"], filename=str(target), root=tmp_path) == [("MLW111", 11, expected)]


def test_own_ops_in_a_notebook():
    nb = _notebook("import os, torch\nHERE = os.path.dirname(os.path.abspath(__file__))", "torch.ops.load_library(os.path.join(HERE, 'ops.so'))")
    assert _run(nb, ["MLW111"], filename="ops.ipynb") == [("MLW111", 1, Severity.LOW)]


# -- MLW102: weights_only=not <opt-in flag that defaults to False> ---------------------

CONVERTER = '''
import argparse

import torch


class CheckpointReader:
    def __init__(self, path, allow_pickle_checkpoints=False):
        self._path = path
        self._legacy = allow_pickle_checkpoints

    def read(self):
        return torch.load(self._path, map_location="cpu", weights_only=not self._legacy)


def read_plain(path, trust=False):
    return torch.load(path, weights_only=not trust)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("path")
    parser.add_argument("--allow-pickle-checkpoints", action="store_true")
    opts = parser.parse_args()
    CheckpointReader(opts.path, allow_pickle_checkpoints=opts.allow_pickle_checkpoints).read()
    read_plain(opts.path)
'''


def test_negated_opt_in_flags_are_low():
    assert _run(CONVERTER, ["MLW102"]) == [("MLW102", 13, Severity.LOW), ("MLW102", 17, Severity.LOW)]


@pytest.mark.parametrize(
    "change, line",
    [
        # the flag defaults to True: weights_only is False unless the caller says otherwise
        (("allow_pickle_checkpoints=False", "allow_pickle_checkpoints=True"), 13),
        (("trust=False", "trust=True"), 17),
        # a caller passes True, or a switch that is on by default
        (("read_plain(opts.path)", "read_plain(opts.path, trust=True)"), 17),
        (('action="store_true")', 'action="store_true", default=True)'), 13),
        # the attribute is set elsewhere
        (("    CheckpointReader(opts.path", "    r = CheckpointReader(opts.path"), None),
    ],
)
def test_negated_flags_that_stay_high(change, line):
    code = CONVERTER.replace(*change)
    if line is None:
        code = code.replace(".read()\n", ".read()\n    r._legacy = True\n").replace("    r = CheckpointReader", "    r = CheckpointReader")
        line = 13
    found = dict(((l, s) for _, l, s in _run(code, ["MLW102"])))
    assert found[line] == Severity.HIGH


def test_negated_flag_in_a_notebook():
    nb = _notebook("import torch", "def load(p, unsafe=False):\n    return torch.load(p, weights_only=not unsafe)")
    assert _run(nb, ["MLW102"], filename="n.ipynb") == [("MLW102", 2, Severity.LOW)]


# -- MLW707: host:port addresses kept in self, helpers imported inside a function ---

RPC_COMMON = '''
import grpc


def start_rpc_server(endpoint, secure=False, key=None):
    server = grpc.server(None)
    if secure:
        server.add_secure_port(endpoint, grpc.ssl_server_credentials([key]))
    else:
        server.add_insecure_port(endpoint)
    return server
'''

RPC_NODE = '''
import grpc

from .rpc_common import start_rpc_server


class Coordinator:
    def __init__(self, rpc_port=7070, listen="[::]"):
        self.endpoint = f"[::]:{rpc_port}"
        self.public = "{}:{}".format(listen, rpc_port)
        self.secure = False

    def serve(self):
        server = start_rpc_server(self.endpoint, self.secure)
        server.start()

    def serve_here(self):
        self.rpc = grpc.server(None)
        self.rpc.add_insecure_port(self.public)
'''


@pytest.mark.parametrize(
    "node, expected",
    [
        (RPC_NODE, [("MLW707", 14, Severity.MEDIUM), ("MLW707", 19, Severity.MEDIUM)]),
        # loopback, or an address the class also takes from elsewhere
        (RPC_NODE.replace('f"[::]:{rpc_port}"', 'f"127.0.0.1:{rpc_port}"').replace('listen="[::]"', 'listen="localhost"'), []),
        (RPC_NODE.replace("        self.secure = False\n", "        self.secure = False\n\n    def move(self, where):\n        self.endpoint = where\n        self.public = where\n"), []),
    ],
)
def test_addresses_kept_in_self(tmp_path, node, expected):
    pkg = write_package(tmp_path, {"rpc_common.py": RPC_COMMON, "node.py": node})
    target = pkg / "node.py"
    assert _run(target.read_text(), ["MLW707"], filename=str(target), root=tmp_path) == expected


def test_address_kept_in_self_in_a_notebook():
    nb = _notebook(
        "import grpc",
        "class Svc:\n    def __init__(self, port=50051):\n        self.addr_text = f'0.0.0.0:{port}'\n    def up(self):\n        s = grpc.server(None)\n        s.add_insecure_port(self.addr_text)\n        s.start()",
    )
    assert _run(nb, ["MLW707"], filename="svc.ipynb") == [("MLW707", 6, Severity.MEDIUM)]


SERVE_API = '''
import uvicorn


def serve_api(target, port, host):
    uvicorn.run(build(target), host=host, port=port)
'''

CLI = '''
import typer

cli = typer.Typer()


@cli.command()
def serve_api(
    target: str,
    port: int = typer.Option(8000, "--port"),
    host: str = typer.Option("0.0.0.0", "--host"),
) -> None:
    from app.web.server import serve_api

    serve_api(target, port, host)
'''


@pytest.mark.parametrize(
    "cli, expected",
    [
        (CLI, [("MLW707", 15, Severity.MEDIUM)]),
        (CLI.replace('"0.0.0.0", "--host"', '"127.0.0.1", "--host"'), []),
        # the name is bound to something else in the function too
        (CLI.replace("    serve_api(target", "    serve_api = typer.echo\n    serve_api(target"), []),
    ],
)
def test_helper_imported_inside_the_function(tmp_path, cli, expected):
    pkg = write_package(tmp_path, {"web/server.py": SERVE_API, "cli.py": cli})
    target = pkg / "cli.py"
    assert _run(target.read_text(), ["MLW707"], filename=str(target), root=tmp_path) == expected


# -- pip in code: programs returned by functions, commands run by the file's own runners --

PIP_PROGRAMS = '''
import shutil
import subprocess
import sys

INSTALLERS = ("uv pip", "pip3", f"{sys.executable} -m pip")


def find_installer():
    for candidate in INSTALLERS:
        if shutil.which(candidate.split()[0]):
            return candidate
    raise RuntimeError("no installer")


def shell(line, quiet=False):
    return subprocess.run(line, shell=True, capture_output=quiet)


def setup_tools():
    shell(f"{find_installer()} install tokenizers")
    installer = find_installer()
    shell(f"{installer} install --extra-index-url https://mirror.example.org/simple sentencepiece==0.2.0")
'''


class_runner = '''
import subprocess


class Workspace:
    @staticmethod
    def _execute(argv, check):
        return subprocess.run(argv, check=check)

    def _spawn(self, argv):
        return subprocess.Popen(argv)

    def prepare(self):
        Workspace._execute(["python", "-m", "pip", "install", "pytest"], check=True)
        self._spawn(["pip", "install", "-r", "requirements.txt"])
        self._spawn(["pip", "install", "ruff==0.6.9"])


def convert(python_exe):
    def _go(cmd):
        return subprocess.run(cmd, capture_output=True)

    upgrade = [python_exe, "-m", "pip", "install", "--upgrade", "gguf"]
    result = _go(upgrade)
    return result
'''


def _deps(code, filename="setup_env.py"):
    return sorted({(rule, line) for rule, line, _ in _run(code, ["MLW301", "MLW302"], filename=filename)})


def test_pip_programs_returned_by_functions():
    assert _deps(PIP_PROGRAMS) == [("MLW301", 21), ("MLW302", 23)]


@pytest.mark.parametrize(
    "change",
    [
        # the function returns something that is not pip
        ('INSTALLERS = ("uv pip", "pip3", f"{sys.executable} -m pip")', 'INSTALLERS = ("conda", "mamba")'),
        # it takes an argument: what it returns depends on it
        ("def find_installer():", "def find_installer(name):"),
    ],
)
def test_functions_that_do_not_return_pip(change):
    code = PIP_PROGRAMS.replace(*change).replace("find_installer()", "find_installer('x')" if "name" in change[1] else "find_installer()")
    assert ("MLW301", 21) not in _deps(code)


def test_commands_run_by_the_files_own_runners():
    assert _deps(class_runner) == [("MLW301", 14), ("MLW301", 23)]


def test_runner_that_rebuilds_its_parameter_is_not_one():
    code = class_runner.replace("    def _spawn(self, argv):\n        return", "    def _spawn(self, argv):\n        argv = ['echo']\n        return")
    assert _deps(code) == [("MLW301", 15), ("MLW301", 24)]
    code = class_runner.replace("        return subprocess.run(cmd, capture_output=True)", "        return print(cmd)")
    # round s21: a pip argv literal is read by its own words (`[python_exe, "-m", "pip", "install", "--upgrade",
    # "gguf"]`), whatever the helper it is handed to does with it; `_execute`'s list is still read once
    assert _deps(code) == [("MLW301", 14), ("MLW301", 23)]


def test_pip_program_function_in_a_notebook():
    nb = _notebook(
        "import subprocess\ndef pick_pip():\n    return 'pip3'\ndef sh(c):\n    subprocess.run(c, shell=True)",
        "sh(f'{pick_pip()} install xformers')",
    )
    assert _deps(nb, filename="setup.ipynb") == [("MLW301", 1)]


# -- the shared template field placement (MLW707's command reader and the pip reader) --

from mlwarden.core.values import Field, format_fields, percent_fields  # noqa: E402


def _shape(pieces):
    return [(p.value, p.plain, p.spec, p.conversion, p.keyed) if isinstance(p, Field) else p for p in pieces if p != ""]


def test_format_fields_place_arguments():
    assert _shape(format_fields("{} -m pip install {pkg!r} --index {1:>4} {0.x} {cfg[h]}", ["py", "idx"], {"pkg": "x", "cfg": "c"})) == [
        ("py", True, "", "", False), " -m pip install ", ("x", True, "", "r", False), " --index ", ("idx", True, ">4", "", False),
        " ", ("py", False, "", "", False), " ", ("c", False, "", "", False),
    ]
    assert format_fields("{", [], {}) is None
    assert _shape(format_fields("{}{}", ["a"], {})) == [("a", True, "", "", False), (None, True, "", "", False)]


def test_percent_fields_place_arguments():
    assert _shape(percent_fields("gunicorn -b %s:%d 100%% %(app)s", ["0.0.0.0", 80], {"app": "m:app"})) == [
        "gunicorn -b ", ("0.0.0.0", True, "", "s", False), ":", (80, True, "", "d", False), " 100", "%", " ", ("m:app", True, "", "s", True),
    ]
    assert percent_fields("%*d", [5], None)[1].starred
    assert _shape(percent_fields("%s %s", ["a"])) == [("a", True, "", "s", False), " ", (None, True, "", "s", False)]
