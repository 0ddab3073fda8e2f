"""Round s18 (issue 16): real-15's causes (see benchmarks/DETECT.md, "Round s18"):
pip wrappers that grow their command list, the program as ``str(pip_path)``,
pipmaster, package words with a placeholder; tornado.options defaults,
Django's runserver, a helper's ``*_host=`` keyword; restricted unpicklers
(direct and as ``pickle_module=``), pickle re-exported by libraries, and rq's
pickle serializer. Every sample is written for these tests."""

import pytest

from round_helpers import code_notebook, fast_full_findings
from mlwarden.core.finding import Severity

from tests.test_detect_valueflow import write_package

LOW, MEDIUM, HIGH = Severity.LOW, Severity.MEDIUM, Severity.HIGH


def _lines(code, rules, **kw):
    return sorted({(rule, line) for rule, line, _ in fast_full_findings(code, rules, **kw)})


def _found(code, rules, **kw):
    return sorted(set(fast_full_findings(code, rules, **kw)))


def _at(code, snippet):
    """The line of ``code`` (as the checks number it) that holds ``snippet``, once."""
    import textwrap

    lines = [i for i, line in enumerate(textwrap.dedent(code).splitlines(), start=1) if snippet in line]
    assert len(lines) == 1, (snippet, lines)
    return lines[0]


PIP_RULES = ["MLW301", "MLW302", "MLW303", "MLW305"]


# -- pip: a wrapper that adds its parameter to the list it runs ---------------------

GROWN = '''
import subprocess
import sys


class Deps:
    @staticmethod
    def ensure(package_name, index_url=None, extra_args=None):
        cmd = [sys.executable, "-m", "pip", "install", "--upgrade"]
        if index_url:
            cmd.extend(["--index-url", index_url])
        if extra_args:
            cmd.extend(extra_args)
        cmd.append(package_name)
        subprocess.check_call(cmd)


def add_many(names):
    argv = [sys.executable, "-m", "pip", "install"]
    argv.extend(names)
    subprocess.run(argv, check=True)


def add_quiet(name):
    argv = [sys.executable, "-m", "pip", "install", "-q"]
    argv += [name]
    subprocess.run(argv, check=True)


def add_first(name):
    argv = ["pip", "install", "--no-deps"]
    argv.insert(2, name)
    subprocess.run(argv)


def not_pip(name):
    argv = ["conda", "install", "-y"]
    argv.append(name)
    subprocess.run(argv)


def two_packages(first, second):
    argv = ["pip", "install"]
    argv.append(first)
    argv.append(second)
    subprocess.run(argv)


Deps.ensure("opencv-python")
add_many(["scipy", "numpy==1.26.4"])
add_quiet("rich")
add_first("tqdm")
Deps.ensure("pillow==10.0.0")
not_pip("ffmpeg")
two_packages("a", "b")
Deps.ensure("lxml", index_url="http://mirror.local/simple")
'''


def test_wrappers_that_grow_their_command():
    # one unpinned package each; pillow pinned; conda is not pip; two parameters added: not read;
    # the optional index_url is an option of the wrapper (http: MLW303)
    at = [_at(GROWN, s) for s in ('Deps.ensure("opencv-python")', "add_many([", 'add_quiet("rich")', 'add_first("tqdm")', 'Deps.ensure("lxml"')]
    assert _lines(GROWN, PIP_RULES) == sorted([("MLW301", line) for line in at] + [("MLW303", at[-1])])


def test_grown_wrapper_in_a_notebook():
    nb = code_notebook(
        "import subprocess, sys\ndef ensure(pkg):\n    cmd = [sys.executable, '-m', 'pip', 'install']\n    cmd.append(pkg)\n    subprocess.check_call(cmd)",
        "ensure('transformers')",
    )
    assert _lines(nb, ["MLW301"], filename="setup.ipynb") == [("MLW301", 1)]  # the second cell's first line


# -- pip: the program as the text of a path, uv as a module --------------------------

PATHS = '''
import asyncio
import os
import subprocess
import sys
from pathlib import Path

VENV = Path("/opt/venv")
pip = VENV / "bin" / "pip"
installer = VENV / "bin" / "pip3"
python = VENV / "bin" / "python"


async def upgrade():
    await asyncio.create_subprocess_exec(str(pip), "install", "--upgrade", "fastapi")
    await asyncio.create_subprocess_exec(os.fspath(installer), "install", "uvloop")
    await asyncio.create_subprocess_exec(str(python), "install", "not-a-pip-command")


def via_uv():
    subprocess.check_call([sys.executable, "-m", "uv", "pip", "install", "httpx"])
    os.system("uv pip install requests")
'''


def test_pip_program_as_the_text_of_a_path():
    at = [_at(PATHS, s) for s in ('"fastapi"', '"uvloop"', '"httpx"', '"uv pip install requests"')]
    assert _lines(PATHS, PIP_RULES) == [("MLW301", line) for line in at]


# -- pip: pipmaster ------------------------------------------------------------------

PIPMASTER = '''
import pipmaster as pm
from pipmaster import install_if_missing

pm.install("Pillow")
pm.install_multiple(["rich", "httpx==0.27.0"], index_url="http://mirror.local/simple")
install_if_missing("numpy", version_specifier=">=1.26")
install_if_missing("scipy", ">=1.10,<2")
pm.install_version("pandas", "2.2.2")
pm.ensure_packages({"typer": None, "click": "==8.1.7", "jinja2": ">=3"})
pm.ensure_packages(["tqdm", "pyyaml==6.0.1"])
pm.install_if_missing("orjson", version_specifier="==3.10.0")
pm.install(package_name)
'''


def test_pipmaster_installs():
    at = [_at(PIPMASTER, s) for s in ('"Pillow"', '"rich"', '"numpy"', '"scipy"', '"typer"', '"tqdm"')]
    assert _lines(PIPMASTER, PIP_RULES) == sorted([("MLW301", line) for line in at] + [("MLW303", at[1])])


def test_pipmaster_of_another_library_is_not_read():
    code = "from acme import pipmaster as pm\npm.install('Pillow')\nimport other as pm2\npm2.install('x')\n"
    assert _lines(code, PIP_RULES) == []


# -- pip: a package word with a placeholder -------------------------------------------

PLACEHOLDERS = '''
import os
import subprocess


def plugin(name, version, wheel):
    os.system(f"pip install acme_plugin_{name}")
    subprocess.run(f"pip install {name}-extension", shell=True)
    os.system(f"pip install torch{version}")
    os.system(f"pip install acme=={version}")
    os.system(f"pip install {wheel}.whl")
    os.system(f"pip install -i https://pypi.org/simple acme-{name}")
'''


def test_placeholder_package_words():
    found = fast_full_findings(PLACEHOLDERS, ["MLW301"])
    at = [_at(PLACEHOLDERS, s) for s in ("acme_plugin_", "-extension", "acme-{name}")]
    assert sorted((line, severity) for _rule, line, severity in found) == [(line, MEDIUM) for line in at]


def test_placeholder_word_is_reported_as_written():
    from mlwarden.core.config import Config
    from mlwarden.core.engine import check_source

    result = check_source("import os\ndef f(kind):\n    os.system(f'pip install tool_{kind}')\n", "x.py", config=Config(select=["MLW301"], severity=LOW))
    assert [f.message.split("`")[1] for f in result.findings] == ["tool_{kind}"]


# -- the wrapper gate: it changes no result ---------------------------------------------

GATED_WRAPPERS = {
    "module-constant-program": ("import subprocess\nPROG = 'pip'\ndef add(pkg):\n    subprocess.run([PROG, 'install', pkg])\nadd('rich')\n", [5]),
    "path-bound-elsewhere": ("import subprocess, os\nTOOL = os.path.join('/venv', 'bin', 'pip')\ndef add(pkg):\n    subprocess.run([TOOL, 'install', pkg])\nadd('rich')\n", [5]),
    "entry-point-without-the-word": ("from pip._internal import main\ndef add(pkg):\n    main(['install', pkg])\nadd('rich')\n", [4]),
    "parameter-first": ("import subprocess\ndef add(pkg):\n    subprocess.run((pkg, 'install'))\nadd('rich')\n", []),
    "no-pip-anywhere": ("import subprocess\ndef add(pkg):\n    subprocess.run(['conda', 'install', pkg])\nadd('rich')\n", []),
}


@pytest.mark.parametrize("name", sorted(GATED_WRAPPERS))
def test_wrapper_gate_changes_no_result(name, monkeypatch):
    from mlwarden.sources.dependencies import pip_in_code

    code, lines = GATED_WRAPPERS[name]
    gated = [line for _rule, line, _sev in fast_full_findings(code, ["MLW301"])]
    monkeypatch.setattr(pip_in_code, "_leads_with_param", lambda *a: False)
    monkeypatch.setattr(pip_in_code, "_file_names_pip_program", lambda *a: True)
    ungated = [line for _rule, line, _sev in fast_full_findings(code, ["MLW301"])]
    assert gated == ungated == lines


# -- MLW707: tornado.options defaults, Django's runserver, a helper's *_host= keyword ---------

TORNADO_OPTIONS = '''
from tornado.options import define, options

define("port", default=5555, type=int)
define("address", default="", help="listen address")
define("metrics_host", default="127.0.0.1")
'''

TORNADO_APP = '''
import tornado.web
from app.options import options as default_options
from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets


class App(tornado.web.Application):
    def __init__(self, options):
        super().__init__([])
        self.options = options

    def start(self):
        sockets = bind_sockets(self.options.port, address=self.options.address)
        HTTPServer(self).add_sockets(sockets)

    def metrics(self):
        return bind_sockets(9100, address=self.options.metrics_host)
'''


def test_tornado_option_defaults_in_another_module(tmp_path):
    pkg = write_package(tmp_path, {"options.py": TORNADO_OPTIONS, "app.py": TORNADO_APP})
    target = pkg / "app.py"
    assert _lines(target.read_text(), ["MLW707"], filename=str(target), root=tmp_path) == [("MLW707", _at(TORNADO_APP, "address=self.options.address"))]


def test_tornado_option_defaults_in_the_same_file():
    code = (
        "import tornado.options\nfrom tornado import options as topts\nfrom tornado.netutil import bind_sockets\n"
        "tornado.options.define('host', default='0.0.0.0')\ntopts.define('local', default='localhost')\n"
        "a = bind_sockets(8000, address=tornado.options.options.host)\nb = bind_sockets(8001, address=topts.options.local)\n"
    )
    assert _lines(code, ["MLW707"]) == [("MLW707", 6)]


def test_define_of_another_library_is_no_option():
    code = "from acme.config import define, options\nfrom tornado.netutil import bind_sockets\ndefine('address', default='')\nbind_sockets(8000, address=options.address)\n"
    assert _lines(code, ["MLW707"]) == []


DJANGO = '''
import os
import subprocess
import sys

from django.core.management import call_command


def serve(host="0.0.0.0", port=8000):
    call_command("runserver", "--noreload", f"{host}:{port}")


def serve_local(host="127.0.0.1", port=8000):
    call_command("runserver", f"{host}:{port}")


def dev():
    subprocess.run([sys.executable, "manage.py", "runserver", "0.0.0.0:8000"])
    os.system("python manage.py runserver 0:8080")
    subprocess.run(["django-admin", "runserver", "8000"])
    call_command("runserver", "127.0.0.1:8000")
    call_command("runserver", addrport="[::]:8000")
    subprocess.run("python manage.py runserver --settings app.dev 127.0.0.1:9000", shell=True)
'''


def test_django_runserver():
    at = [_at(DJANGO, s) for s in ('"--noreload"', '"0.0.0.0:8000"', "0:8080", "[::]:8000")]
    assert _lines(DJANGO, ["MLW707"]) == [("MLW707", line) for line in at]


DJANGO_HELPER = '''
from django.core.management import call_command


def _app_run(host, port):
    http_socket = "{}:{}".format(host, port)
    call_command("runserver", "--noreload", http_socket)


def main(internal_host="0.0.0.0"):
    _app_run(host=internal_host, port=8080)
    _app_run(host="localhost", port=8081)
'''


def test_django_runserver_through_a_helper_of_the_same_file(tmp_path):
    target = tmp_path / "server.py"
    target.write_text(DJANGO_HELPER)
    assert _lines(DJANGO_HELPER, ["MLW707"], filename=str(target), root=tmp_path) == [("MLW707", _at(DJANGO_HELPER, "host=internal_host"))]


HOST_SUFFIX = '''
import uvicorn
from fastapi import FastAPI

app = FastAPI()


def start_api(api_host="127.0.0.1", api_port=8000):
    uvicorn.run(app, host=api_host, port=api_port)


def main():
    start_api(api_host="0.0.0.0", api_port=9000)
    start_api(api_host="127.0.0.1")
    start_api(api_port=9001)
'''


def test_helper_keyword_that_ends_in_host(tmp_path):
    target = tmp_path / "serve.py"
    target.write_text(HOST_SUFFIX)
    assert _lines(HOST_SUFFIX, ["MLW707"], filename=str(target), root=tmp_path) == [("MLW707", _at(HOST_SUFFIX, 'api_host="0.0.0.0"'))]


# -- MLW101 / MLW102: restricted unpicklers ---------------------------------------------------

UNPICKLERS = '''
import pickle

import torch

SAFE = {("collections", "OrderedDict"), ("numpy", "ndarray")}


class RestrictedUnpickler(pickle.Unpickler):
    def find_class(self, module, name):
        if (module, name) in SAFE:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"global '{module}.{name}' is forbidden")


class PrefixUnpickler(pickle.Unpickler):
    def find_class(self, module, name):
        if not module.startswith(("numpy", "collections")):
            raise pickle.UnpicklingError(module)
        return super().find_class(module, name)


class Loose(pickle.Unpickler):
    def find_class(self, module, name):
        if module.startswith("myapp"):
            print("ok")
        return super().find_class(module, name)


class Dynamic(pickle.Unpickler):
    def find_class(self, module, name):
        if (module, name) in self.allowed:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(name)


class NoOverride(pickle.Unpickler):
    pass


class Nothing(pickle.Unpickler):
    def find_class(self, module, name):
        raise pickle.UnpicklingError(name)


def read(f):
    return (
        RestrictedUnpickler(f).load(),
        PrefixUnpickler(f).load(),
        Loose(f).load(),
        Dynamic(f).load(),
        NoOverride(f).load(),
        Nothing(f).load(),
    )


class _RestrictedModule:
    Unpickler = RestrictedUnpickler


class _NestedModule:
    class Unpickler(RestrictedUnpickler):
        def __init__(self, file, **kw):
            super().__init__(file, **kw)


class _LooseModule:
    Unpickler = Loose


def checkpoints(path):
    a = torch.load(path, weights_only=False, pickle_module=_RestrictedModule)
    b = torch.load(path, pickle_module=_NestedModule)
    c = torch.load(path, weights_only=False, pickle_module=_LooseModule)
    d = torch.load(path, weights_only=False, pickle_module=pickle)
    return a, b, c, d
'''


def test_restricted_unpicklers():
    # the restricted ones low, with the reason; a fallback to the default lookup, an allow-list read at run time and
    # no find_class at all stay high; a find_class that raises for everything is no finding
    u = {s: _at(UNPICKLERS, s) for s in ("RestrictedUnpickler(f)", "PrefixUnpickler(f)", "Loose(f)", "Dynamic(f)", "NoOverride(f)")}
    t = {s: _at(UNPICKLERS, s) for s in ("=_RestrictedModule)", "=_NestedModule)", "=_LooseModule)", "pickle_module=pickle)")}
    assert _found(UNPICKLERS, ["MLW101", "MLW102"]) == [
        ("MLW101", u["RestrictedUnpickler(f)"], LOW), ("MLW101", u["PrefixUnpickler(f)"], LOW), ("MLW101", u["Loose(f)"], HIGH),
        ("MLW101", u["Dynamic(f)"], HIGH), ("MLW101", u["NoOverride(f)"], HIGH),
        ("MLW102", t["=_RestrictedModule)"], LOW), ("MLW102", t["=_NestedModule)"], LOW), ("MLW102", t["=_LooseModule)"], HIGH),
        ("MLW102", t["pickle_module=pickle)"], HIGH),
    ]


def test_restricted_unpickler_messages_give_the_reason():
    from mlwarden.core.config import Config
    from mlwarden.core.engine import check_source

    result = check_source(UNPICKLERS, "x.py", config=Config(select=["MLW101", "MLW102"], severity=LOW))
    low = [f.message for f in result.findings if f.severity is LOW]
    assert any("`SAFE`" in m for m in low) and any("literal module prefixes" in m for m in low)


ACCEPTABLE = '''
import pickle

ACCEPTABLE_TYPES = {
    ("torch._utils", "_rebuild_tensor_v2"): "rebuild",
    ("collections", "OrderedDict"): "ordered",
}


class LazyUnpickler(pickle.Unpickler):
    def find_class(self, module, name):
        if (module, name) in ACCEPTABLE_TYPES:
            return ACCEPTABLE_TYPES[(module, name)]
        raise pickle.UnpicklingError(f"Unsupported type {module}.{name}")


class TableUnpickler(pickle.Unpickler):
    ALLOWED = frozenset({"numpy.core.multiarray._reconstruct", "numpy.ndarray"})

    def find_class(self, module, name):
        qualified = f"{module}.{name}"
        if qualified not in self.ALLOWED:
            raise pickle.UnpicklingError(qualified)
        return super().find_class(module, name)


def read(f, g):
    return LazyUnpickler(f).load(), TableUnpickler(g).load()
'''


def test_allow_lists_as_module_and_class_constants():
    assert _found(ACCEPTABLE, ["MLW101"]) == [("MLW101", _at(ACCEPTABLE, "LazyUnpickler(f)"), LOW)]


def test_restricted_unpickler_in_a_notebook():
    nb = code_notebook(
        "import pickle\nOK = {'numpy'}\nclass R(pickle.Unpickler):\n    def find_class(self, module, name):\n"
        "        if module in OK:\n            return super().find_class(module, name)\n        raise ValueError(module)",
        "obj = R(open('x.pkl', 'rb')).load()",
    )
    assert _found(nb, ["MLW101"], filename="explore.ipynb") == [("MLW101", 1, LOW)]


# -- MLW101: pickle re-exported by libraries; rq's default serializer -------------------------

REEXPORTS = '''
from kombu.serialization import pickle
from six.moves import cPickle
from celery.utils.serialization import pickle as celery_pickle
from kombu.serialization import loads as kombu_loads


def restore(blob, path):
    state = pickle.loads(blob)
    with open(path, "rb") as f:
        model = cPickle.load(f)
    other = celery_pickle.loads(blob)
    decoded = kombu_loads(blob, "application/json", "utf-8")
    return state, model, other, decoded
'''


def test_pickle_reexported_by_libraries():
    # kombu's own `loads` is its content-type registry (not pickle): not reported
    at = [_at(REEXPORTS, s) for s in ("state = pickle.loads(blob)", "cPickle.load(f)", "celery_pickle.loads")]
    assert _lines(REEXPORTS, ["MLW101"]) == [("MLW101", line) for line in at]


RQ = '''
import pickle

from redis import Redis
import rq
from rq import Queue, SimpleWorker, Worker
from rq.job import Job
from rq.serializers import DefaultSerializer, JSONSerializer

redis = Redis()
q = Queue("default", connection=redis)
safe_q = Queue("default", connection=redis, serializer=JSONSerializer)
w = Worker([q], connection=redis, serializer=DefaultSerializer)
sw = SimpleWorker([safe_q], connection=redis, serializer="json")
job = Job.fetch("abc", connection=redis)
other = Job.fetch("abc", connection=redis, serializer=pickle)
plain = rq.Queue(connection=redis, serializer="pickle")
opts = Queue(**settings)
'''


def test_rq_default_serializer_is_low():
    at = [_at(RQ, s) for s in ('q = Queue("default", connection=redis)', "w = Worker(", 'job = Job.fetch(', "other = Job.fetch(", "plain = rq.Queue(")]
    assert _found(RQ, ["MLW101"]) == [("MLW101", line, LOW) for line in at]


def test_queues_of_other_libraries_are_not_rq():
    code = "from queue import Queue\nfrom celery import Worker\nq = Queue()\nw = Worker(app)\n"
    assert _lines(code, ["MLW101"]) == []
