"""Round s17 (issue 16): real-14's causes (see benchmarks/DETECT.md, "Round s17"):
a project module's pip wrapper called as ``module.install(name)`` and wrappers
that run pip's own entry point, packages held in another object's attribute,
server functions handed to a thread or process, viser's server, a helper's
caller whose host is an argparse option, a pickle-interface module chosen at run
time from a default, and ``torch.load(**self._load_args)`` with a safe default."""

import textwrap

import pytest

from round_helpers import code_notebook, fast_full_findings
from mlwarden.core.finding import Severity

from tests.test_detect_valueflow import write_package


_run = fast_full_findings


def _lines(code, rules, **kw):
    return sorted({(rule, line) for rule, line, _ in _run(code, rules, **kw)})


_notebook = code_notebook


# -- pip in code: a project module's wrapper called as module.install(name) ---------

PIP_ENTRY_WRAPPER = '''
import pip


def install(package_name):
    if int(pip.__version__.split(".")[0]) > 9:
        from pip._internal import main
    else:
        from pip import main
    main(["install", package_name])


def pip_upgrade(name):
    pip.main(["install", "--upgrade", name])
'''

SUBPROCESS_WRAPPER = '''
import subprocess
import sys


def install_package(pkg):
    subprocess.check_call([sys.executable, "-m", "pip", "install", pkg])
'''

MODULE_CALLER = '''
from app.utils import auto_setup
import app.utils.runtime_deps as deps
from app.utils import auto_setup as setup_alias


def load_sox():
    try:
        import soxlib
    except ImportError:
        package = "soxlib"
        auto_setup.install(package)
        auto_setup.pip_upgrade("tqdm")
        deps.install_package("opencv-python")
        setup_alias.install("librosa==0.10.1")
'''


def test_module_wrappers_called_by_attribute(tmp_path):
    pkg = write_package(tmp_path, {"utils/auto_setup.py": PIP_ENTRY_WRAPPER, "utils/runtime_deps.py": SUBPROCESS_WRAPPER, "audio.py": MODULE_CALLER})
    target = pkg / "audio.py"
    # the pinned librosa==0.10.1 is no finding; the other three are unpinned
    assert _lines(target.read_text(), ["MLW301", "MLW302"], filename=str(target), root=tmp_path) == [("MLW301", 12), ("MLW301", 13), ("MLW301", 14)]


def test_pip_entry_point_wrapper_in_its_own_file():
    code = PIP_ENTRY_WRAPPER + '\n\ninstall("soundfile")\npip_upgrade("numpy==1.26.4")\n'
    assert _lines(code, ["MLW301"]) == [("MLW301", 17)]


@pytest.mark.parametrize(
    "change",
    [
        # the module's function is not a pip wrapper: it runs something else
        ('main(["install", package_name])', 'print(["install", package_name])'),
        # a main that is not pip's
        ("from pip._internal import main", "from app.cli import main"),
    ],
)
def test_functions_that_are_not_pip_entry_wrappers(tmp_path, change):
    wrapper = PIP_ENTRY_WRAPPER.replace(*change)
    if change[1].startswith("from app.cli"):
        wrapper = wrapper.replace("from pip import main", "from app.cli import main")
    pkg = write_package(tmp_path, {"utils/auto_setup.py": wrapper, "utils/runtime_deps.py": SUBPROCESS_WRAPPER, "audio.py": MODULE_CALLER})
    target = pkg / "audio.py"
    found = _lines(target.read_text(), ["MLW301"], filename=str(target), root=tmp_path)
    assert ("MLW301", 12) not in found and ("MLW301", 14) in found


def test_module_wrapper_in_a_notebook(tmp_path):
    pkg = write_package(tmp_path, {"utils/runtime_deps.py": SUBPROCESS_WRAPPER})
    nb = pkg / "explore.ipynb"  # a notebook kept in the package: its imports resolve like a module's
    text = _notebook("import app.utils.runtime_deps as deps", "deps.install_package('xformers')")
    nb.write_text(text)
    assert _lines(text, ["MLW301"], filename=str(nb), root=tmp_path) == [("MLW301", 1)]  # the second cell's first line


# -- MLW707: servers handed to a thread or a process; viser, gevent, eventlet, cheroot, bottle --

STARTED = '''
import threading
import multiprocessing as mp
from threading import Thread

import uvicorn
from werkzeug.serving import run_simple

OPTIONS = {"host": "0.0.0.0", "port": 9000}


def start_rest(app, port):
    threading.Thread(target=uvicorn.run, args=(app,), kwargs={"host": "0.0.0.0", "port": port}, daemon=True).start()


def start_rest_positional(app, port):
    Thread(target=uvicorn.run, args=(app, "::", port)).start()


def start_worker(app):
    proc = mp.Process(target=uvicorn.run, args=(app,), kwargs=OPTIONS)
    proc.start()


def start_local(app, port):
    threading.Thread(target=uvicorn.run, args=(app,), kwargs={"host": "127.0.0.1", "port": port}).start()


def start_default(app):
    threading.Thread(target=uvicorn.run, args=(app,)).start()


def start_simple(app):
    threading.Thread(target=run_simple, args=("localhost", 8000, app)).start()


def start_unknown(app, opts):
    threading.Thread(target=uvicorn.run, args=(app,), kwargs=opts).start()


def start_other(job):
    threading.Thread(target=job.run, kwargs={"host": "0.0.0.0"}).start()
'''


def test_servers_handed_to_threads_and_processes():
    assert _lines(STARTED, ["MLW707"]) == [("MLW707", 13), ("MLW707", 17), ("MLW707", 21)]


def test_server_thread_in_a_notebook():
    nb = _notebook("import threading, uvicorn", "t = threading.Thread(target=uvicorn.run, args=(app,), kwargs={'host': '0.0.0.0'})\nt.start()")
    assert _lines(nb, ["MLW707"], filename="serve.ipynb") == [("MLW707", 1)]


OTHER_SERVERS = '''
import viser
from viser import ViserServer
from gevent.pywsgi import WSGIServer
from gevent import pywsgi
import eventlet
from eventlet import wsgi
from cheroot import wsgi as cheroot_wsgi
import bottle


def viewer(port):
    server = viser.ViserServer(host="0.0.0.0", port=port)
    local = ViserServer(host="127.0.0.1", port=port + 1)
    default = viser.ViserServer(port=port + 2)
    return server, local, default


def serve_gevent(app):
    WSGIServer(("", 5000), app).serve_forever()
    pywsgi.WSGIServer(listener=("127.0.0.1", 5001), application=app).serve_forever()


def serve_eventlet(app):
    wsgi.server(eventlet.listen(("0.0.0.0", 8090)), app)
    wsgi.server(eventlet.listen(("localhost", 8091)), app)


def serve_cheroot(app):
    cheroot_wsgi.Server(("0.0.0.0", 8080), app).start()


def serve_bottle(app):
    bottle.run(app, host="0.0.0.0", port=8080)
    bottle.run(app, port=8081)
'''


def test_more_servers():
    assert _lines(OTHER_SERVERS, ["MLW707"]) == [("MLW707", 13), ("MLW707", 15), ("MLW707", 20), ("MLW707", 25), ("MLW707", 30), ("MLW707", 34)]


SAME_FILE_HELPER = '''
import argparse

from waitress import serve


def start(app, host="127.0.0.1", port=5000):
    serve(app, host=host, port=port)


def get_parser():
    parser = argparse.ArgumentParser()
    parser.add_argument("--ip", type=str, default="0.0.0.0")
    parser.add_argument("--port", type=int, default=5000)
    return parser


def main(app):
    args = get_parser().parse_args()
    start(app, host=args.ip, port=args.port)
    start(app, host="localhost", port=args.port)
'''


def test_caller_of_a_helper_of_the_same_file(tmp_path):
    target = tmp_path / "server.py"
    target.write_text(textwrap.dedent(SAME_FILE_HELPER))
    # the helper's own default is loopback: only the caller that passes the option is exposed
    assert _lines(target.read_text(), ["MLW707"], filename=str(target), root=tmp_path) == [("MLW707", 20)]


VIZ_SERVER = '''
import viser.infra


class VizServer:
    def __init__(self, host: str = "localhost", port: int = 8080):
        self._ws = viser.infra.WebsockServer(host, port, http_server_root=None)
        self._ws.start()
'''

VIZ_CONFIG = '''
from dataclasses import dataclass


@dataclass
class ViewerConfig:
    websocket_host: str = "0.0.0.0"
    websocket_port: int = 7007
'''

VIZ_STATE = '''
from app.viz import VizServer
from app.config import ViewerConfig


class ViewerState:
    def __init__(self, config: ViewerConfig, port: int):
        self.server = VizServer(host=config.websocket_host, port=port)
        self.local = VizServer(host="127.0.0.1", port=port + 1)
'''


def test_project_class_around_vizer_infra(tmp_path):
    pkg = write_package(tmp_path, {"viz/server.py": VIZ_SERVER, "viz/__init__.py": "from .server import VizServer as VizServer\n", "config.py": VIZ_CONFIG, "state.py": VIZ_STATE})
    target = pkg / "state.py"
    assert _lines(target.read_text(), ["MLW707"], filename=str(target), root=tmp_path) == [("MLW707", 8)]


# -- MLW101: a pickle-interface module chosen at run time from a default ------------

RUNTIME_BACKEND = '''
import importlib


class PickleStore:
    def __init__(self, path, backend: str = "pickle", load_args=None):
        self._path = path
        self._backend = backend
        self._load_args = load_args or {}

    def load(self, fs_file):
        imported_backend = importlib.import_module(self._backend)
        return imported_backend.load(fs_file, **self._load_args)

    def loads(self, blob):
        return importlib.import_module(self._backend).loads(blob)


class JsonStore:
    def __init__(self, codec="json"):
        self._codec = codec

    def load(self, fs_file):
        return importlib.import_module(self._codec).load(fs_file)


def read(blob, serializer="dill"):
    return __import__(serializer).loads(blob)


def read_fixed(blob):
    return importlib.import_module("cloudpickle").loads(blob)


def read_json(blob, codec="json"):
    return importlib.import_module(codec).loads(blob)
'''


def test_pickle_module_chosen_at_run_time():
    assert _lines(RUNTIME_BACKEND, ["MLW101"]) == [("MLW101", 13), ("MLW101", 16), ("MLW101", 28), ("MLW101", 32)]


def test_pickle_module_chosen_at_run_time_in_a_notebook():
    nb = _notebook("import importlib", "def read(b, codec='pickle'):\n    return importlib.import_module(codec).loads(b)")
    assert _lines(nb, ["MLW101"], filename="store.ipynb") == [("MLW101", 2)]


# -- MLW102: `torch.load(f, **self._load_args)` with a safe class-level default ------

CLASS_DEFAULT_ARGS = '''
from copy import deepcopy

import torch


class TorchDataset:
    DEFAULT_LOAD_ARGS: dict = {"weights_only": True}

    def __init__(self, path, load_args=None):
        self._path = path
        self._load_args = deepcopy(self.DEFAULT_LOAD_ARGS)
        if load_args is not None:
            self._load_args.update(load_args)

    def load(self, fs_file):
        return torch.load(fs_file, **self._load_args)


class MergedDataset:
    DEFAULTS = {"weights_only": True, "map_location": "cpu"}

    def __init__(self, load_args=None):
        self._kw = {**self.DEFAULTS, **(load_args or {})}

    def load(self, f):
        return torch.load(f, **self._kw)
'''


def test_safe_class_default_merged_with_user_arguments_is_low():
    assert _run(CLASS_DEFAULT_ARGS, ["MLW102"]) == [("MLW102", 17, Severity.LOW), ("MLW102", 27, Severity.LOW)]


@pytest.mark.parametrize(
    "change",
    [
        ('DEFAULT_LOAD_ARGS: dict = {"weights_only": True}', 'DEFAULT_LOAD_ARGS: dict = {"weights_only": False}'),
        ('DEFAULT_LOAD_ARGS: dict = {"weights_only": True}', 'DEFAULT_LOAD_ARGS: dict = {"map_location": "cpu"}'),
        ("            self._load_args.update(load_args)", '            self._load_args.update(load_args)\n        self._load_args["weights_only"] = False'),
        ("    def load(self, fs_file):", '    def reset(self):\n        self._load_args = {}\n\n    def load(self, fs_file):'),
    ],
)
def test_class_defaults_that_stay_high(change):
    code = CLASS_DEFAULT_ARGS.replace(*change)
    line = code.splitlines().index("        return torch.load(fs_file, **self._load_args)") + 1
    assert line in {line for rule, line, sev in _run(code, ["MLW102"]) if sev is Severity.HIGH}


# -- MLW101: Celery / kombu settings that accept pickled messages --------------------

CELERY_SETTINGS = '''
from celery import Celery
from kombu import Consumer, Queue
from kombu.serialization import enable_insecure_serializers

ACCEPTED = ["json", "pickle"]

app = Celery("jobs", broker="redis://localhost:6379/0", accept_content=ACCEPTED)
app.conf.update(task_serializer="pickle", result_serializer="json")
app.conf.accept_content = ("application/x-python-serialize",)
app.conf.update({"result_accept_content": ["pickle"], "event_serializer": "json"})
enable_insecure_serializers()
enable_insecure_serializers(choices=["msgpack"])


@app.task(serializer="pickle")
def train(model_id):
    return model_id


def consume(conn, queue: Queue, handle):
    with Consumer(conn, [queue], accept=["pickle"], callbacks=[handle]):
        conn.drain_events(timeout=1)
    with Consumer(conn, [queue], accept=["json"], callbacks=[handle]):
        conn.drain_events(timeout=1)
'''

DJANGO_SETTINGS = '''
CELERY_BROKER_URL = "redis://localhost:6379/0"
CELERY_ACCEPT_CONTENT = ["pickle", "json"]
CELERY_TASK_SERIALIZER = "pickle"
CELERY_RESULT_SERIALIZER = "json"
'''


def test_celery_and_kombu_pickle_settings():
    assert _run(CELERY_SETTINGS, ["MLW101"]) == [
        ("MLW101", 8, Severity.MEDIUM),
        ("MLW101", 9, Severity.LOW),
        ("MLW101", 10, Severity.MEDIUM),
        ("MLW101", 11, Severity.MEDIUM),
        ("MLW101", 12, Severity.MEDIUM),
        ("MLW101", 16, Severity.LOW),
        ("MLW101", 22, Severity.MEDIUM),
    ]
    assert _run(DJANGO_SETTINGS, ["MLW101"], filename="settings.py") == [("MLW101", 3, Severity.MEDIUM), ("MLW101", 4, Severity.LOW)]


def test_serializer_keywords_of_other_libraries_are_not_celery():
    code = "import rq_like\nq = rq_like.Queue(serializer='pickle')\nc = rq_like.Consumer(accept=['pickle'])\n"
    assert _run(code, ["MLW101"]) == []


def test_celery_settings_in_a_notebook():
    nb = _notebook("from celery import Celery", "app = Celery('jobs')\napp.conf.accept_content = ['pickle']")
    assert _lines(nb, ["MLW101"], filename="jobs.ipynb") == [("MLW101", 2)]
