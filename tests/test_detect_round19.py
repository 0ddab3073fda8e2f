"""Round s19 (issue 16): real-16's causes (see benchmarks/DETECT.md, "Round s19"):
pip wrappers whose command holds a local alias of the parameter (a
conditional of parameters and literals, a loop over a list made from it) or
is a line of text built from it (an f-string, ``.format``, ``%``) split into
words or given to a shell; and serving helpers. Every sample is written for
these tests."""

import pytest

from round_helpers import code_notebook, fast_full_findings, line_of as _at, rule_lines as _lines

from tests.test_detect_valueflow import fast_equals_full, found, write_package


PIP_RULES = ["MLW301", "MLW302", "MLW303", "MLW305"]


# -- pip: wrappers whose command holds an alias of the parameter, or is a line of text ----

WRAPPERS = '''
import os
import shlex
import subprocess
import sys


def ensure_module(mod, wheel_url=None):
    try:
        return __import__(mod)
    except ImportError:
        from pip._internal import main as pip_entry
        target = mod if wheel_url is None else wheel_url
        pip_entry(["install", "--user", target])


def add_tools(tool):
    if isinstance(tool, str):
        wanted = [tool]
    else:
        wanted = tool
    for item in wanted:
        line = f"pip install --quiet {item}"
        proc = subprocess.Popen(line.split(), stdout=subprocess.PIPE)
        proc.communicate()


def with_shlex(dist):
    subprocess.check_call(shlex.split("{} -m pip install {}".format(sys.executable, dist)))


def through_shell(dist):
    status = os.system("pip3 install -U %s" % dist)
    return status


def shell_true(dist):
    subprocess.run(f"python -m pip install {dist}", shell=True, check=True)


def one_element_loop(dist):
    for each in (dist,):
        subprocess.check_call([sys.executable, "-m", "pip", "install", each])


def only_printed(dist):
    print(f"pip install {dist}")
    return f"please run: pip install {dist}".split()


def pinned_inside(dist, version):
    os.system(f"pip install {dist}=={version}")


def two_commands(dist):
    os.system(f"cd /tmp && pip install {dist}")


def not_pip(dist):
    subprocess.run(f"conda install -y {dist}".split())


def no_shell(dist):
    subprocess.run(f"pip install {dist}")


ensure_module("pycocotools")
ensure_module("lap", "git+https://example.invalid/lap.git")
add_tools("psutil")
with_shlex("requests")
through_shell("numpy")
shell_true("rich")
one_element_loop("tqdm")
add_tools("httpx==0.27.0")
only_printed("nothing")
pinned_inside("torch", "2.4.0")
two_commands("chained")
not_pip("ffmpeg")
no_shell("not-run-by-a-shell")
'''


def test_wrappers_with_aliases_and_text_commands():
    # one unpinned package per call of a wrapper; httpx pinned; a printed line, a word made of the
    # parameter and another value, a chained line, conda, and a string without a shell are not read
    calls = ('ensure_module("pycocotools")', 'ensure_module("lap"', 'add_tools("psutil")', 'with_shlex("requests")',
             'through_shell("numpy")', 'shell_true("rich")', 'one_element_loop("tqdm")')
    assert _lines(WRAPPERS, PIP_RULES) == sorted(("MLW301", _at(WRAPPERS, c)) for c in calls)


def test_text_wrapper_reports_the_argument():
    from mlwarden.core.config import Config
    from mlwarden.core.engine import check_source
    from mlwarden.core.finding import Severity

    code = "import os\ndef get(pkg):\n    os.system('pip install %s' % pkg)\nget(\n    'scikit-learn')\n"
    result = check_source(code, "x.py", config=Config(select=["MLW301"], severity=Severity.LOW))
    assert [(f.line, f.col, f.message.split("`")[1]) for f in result.findings] == [(5, 5, "scikit-learn")]


def test_text_wrapper_of_another_module(tmp_path):
    pkg = write_package(
        tmp_path,
        {
            "utils/env.py": '''
                import subprocess


                def install_package(package):
                    packages = [package] if isinstance(package, str) else package
                    for name in packages:
                        cmd = f"pip install {name}"
                        subprocess.Popen(cmd.split()).wait()
            ''',
            "geo.py": '''
                from .utils.env import install_package


                def tile(x):
                    try:
                        import mercantile
                    except ImportError:
                        install_package("mercantile")
            ''',
        },
    )
    assert found(tmp_path, pkg / "geo.py", ["MLW301"]) == [("MLW301", 9)]
    fast_equals_full(tmp_path, pkg / "geo.py", ["MLW301"])


def test_text_wrapper_in_a_notebook():
    nb = code_notebook(
        "import subprocess\ndef setup(lib):\n    cmd = f'pip install {lib}'\n    subprocess.run(cmd.split(), check=True)",
        "setup('einops')",
    )
    assert _lines(nb, ["MLW301"], filename="setup.ipynb") == [("MLW301", 1)]


ALIAS_GATE = {
    "conditional-entry-point": ("from pip._internal import main\ndef add(pkg, url=None):\n    spec = pkg if url is None else url\n    main(['install', spec])\nadd('rich')\n", [5]),
    "loop-over-list": ("import subprocess\ndef add(pkg):\n    for p in [pkg]:\n        subprocess.run(['pip', 'install', p])\nadd('rich')\n", [5]),
    "text-split": ("import subprocess\ndef add(pkg):\n    subprocess.run(f'pip install {pkg}'.split())\nadd('rich')\n", [4]),
    "rebound-alias": ("import subprocess\ndef add(pkg):\n    spec = pkg\n    spec = spec + '[all]'\n    subprocess.run(['pip', 'install', spec])\nadd('rich')\n", []),
    "conditional-of-a-call": ("import subprocess\ndef add(pkg):\n    spec = pkg if pkg else pick()\n    subprocess.run(['pip', 'install', spec])\nadd('rich')\n", []),
}


@pytest.mark.parametrize("name", sorted(ALIAS_GATE))
def test_alias_wrapper_gate_changes_no_result(name, monkeypatch):
    from mlwarden.sources.dependencies import pip_in_code

    code, lines = ALIAS_GATE[name]
    gated = [line for _rule, line, _sev in fast_full_findings(code, ["MLW301"])]
    monkeypatch.setattr(pip_in_code, "_leads_with_param", lambda *a: False)
    monkeypatch.setattr(pip_in_code, "_file_names_pip_program", lambda *a: True)
    ungated = [line for _rule, line, _sev in fast_full_findings(code, ["MLW301"])]
    assert gated == ungated == lines


# -- MLW707: a raw socket helper, a run(**config) of an untyped app, a uvicorn.Config subclass, tornado's self.app ----

SOCKET_HELPER = '''
import argparse
import socket


def serve_frames(bind_host, bind_port, handler):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as srv:
        srv.bind((bind_host, bind_port))
        srv.listen()
        while True:
            conn, _ = srv.accept()
            handler(conn)


def probe(host):
    s = socket.socket()
    s.bind((host, 0))
    s.listen()
    return s.getsockname()[1]


def udp(host, port):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((host, port))
    s.listen()


def never_listens(host, port):
    s = socket.socket()
    s.bind((host, port))
    s.close()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="0.0.0.0")
    parser.add_argument("--port", type=int, default=9998)
    args = parser.parse_args()
    serve_frames(args.host, args.port, print)
    probe(args.host)
    udp(args.host, args.port)
    never_listens(args.host, args.port)
    serve_frames("127.0.0.1", args.port, print)
'''


def test_raw_socket_helper_of_the_same_file(tmp_path):
    pkg = write_package(tmp_path, {"tts_server.py": SOCKET_HELPER})
    line = _at(SOCKET_HELPER, "serve_frames(args.host")
    assert found(tmp_path, pkg / "tts_server.py", ["MLW707"]) == [("MLW707", line)]
    fast_equals_full(tmp_path, pkg / "tts_server.py", ["MLW707"])


RUN_CONFIG = {
    "gui/__init__.py": '''
        from .factory import build_app


        def run_ui(host: str = "0.0.0.0", port: int = 8080, debug: bool = False) -> None:
            options = {"host": host, "port": port, "debug": debug}
            app = build_app()
            app.run(**options)


        def run_local(port: int = 8080) -> None:
            options = {"host": "127.0.0.1", "port": port}
            build_app().run(**options)


        def run_task(queue) -> None:
            settings = {"retries": 3, "port": 1}
            worker = build_app()
            worker.run(**settings)
    ''',
    "gui/factory.py": '''
        def build_app():
            from flask import Flask

            return Flask("ui")
    ''',
}


def test_untyped_app_run_with_a_config_dict(tmp_path):
    pkg = write_package(tmp_path, RUN_CONFIG)
    line = _at(RUN_CONFIG["gui/__init__.py"], "app.run(**options)")
    assert found(tmp_path, pkg / "gui" / "__init__.py", ["MLW707"]) == [("MLW707", line)]
    fast_equals_full(tmp_path, pkg / "gui" / "__init__.py", ["MLW707"])


CONFIG_SUBCLASS = {
    "server.py": '''
        import uvicorn
        from uvicorn import Server


        class QuietConfig(uvicorn.Config):
            def configure_logging(self):
                pass


        class PlainServer(Server):
            pass
    ''',
    "launch.py": '''
        from .server import PlainServer, QuietConfig


        def start(app, host=None, port=8000):
            host = host or "0.0.0.0"
            config = QuietConfig(app, host=host, port=port)
            PlainServer(config).run()


        def start_local(app, port=8000):
            config = QuietConfig(app, host="127.0.0.1", port=port)
            PlainServer(config).run()
    ''',
}


def test_project_subclass_of_uvicorn_config(tmp_path):
    pkg = write_package(tmp_path, CONFIG_SUBCLASS)
    line = _at(CONFIG_SUBCLASS["launch.py"], 'QuietConfig(app, host=host')
    assert found(tmp_path, pkg / "launch.py", ["MLW707"]) == [("MLW707", line)]
    fast_equals_full(tmp_path, pkg / "launch.py", ["MLW707"])


SAME_FILE_SUBCLASS = '''
import uvicorn


class TunedConfig(uvicorn.Config):
    pass


def go(app):
    return TunedConfig(app, host="0.0.0.0", port=80)
'''


def test_subclass_of_uvicorn_config_in_the_same_file():
    assert _lines(SAME_FILE_SUBCLASS, ["MLW707"]) == [("MLW707", _at(SAME_FILE_SUBCLASS, "TunedConfig(app"))]


TORNADO_SELF_APP = '''
import tornado.web


class SocketManager:
    def __init__(self, port):
        self.port = port
        self.app = None
        self.admin = None

    def start(self):
        self.app = self._create()
        self.app.listen(self.port)

    def start_admin(self):
        self.admin = self._other()
        self.admin.listen(self.port + 1)

    def start_local(self):
        self.app = self._create()
        self.app.listen(self.port, address="127.0.0.1")

    def _create(self):
        return tornado.web.Application([])

    def _other(self):
        return object()
'''


def test_tornado_app_kept_in_self():
    assert _lines(TORNADO_SELF_APP, ["MLW707"]) == [("MLW707", _at(TORNADO_SELF_APP, "self.app.listen(self.port)"))]


def test_tornado_app_kept_in_self_in_a_notebook():
    nb = code_notebook(
        "import tornado.web",
        "class Chat:\n    def run(self, port):\n        self.web = self.make()\n        self.web.listen(port)\n    def make(self):\n        return tornado.web.Application([])",
    )
    assert _lines(nb, ["MLW707"], filename="chat.ipynb") == [("MLW707", 4)]


MODULE_CLASS = {
    "serving/api.py": '''
        import uvicorn


        class WorkerAPI:
            def __init__(self, config):
                self.app = config

            def start_uvicorn(self, api_host="localhost", api_port=8000):
                uvicorn.run(self.app, host=api_host, port=int(api_port))
    ''',
    "main.py": '''
        def start(config, port, local):
            if local:
                from .serving import api

                server = api.WorkerAPI(config)
                server.start_uvicorn(api_port=port)
                return
            if port:
                from .serving import api

                server = api.WorkerAPI(config)
                server.start_uvicorn(api_host="0.0.0.0", api_port=port)
    ''',
}


def test_object_of_a_class_of_an_imported_module(tmp_path):
    # `api.WorkerAPI(config)` of `from .serving import api`, imported the same way in two branches
    pkg = write_package(tmp_path, MODULE_CLASS)
    line = _at(MODULE_CLASS["main.py"], 'api_host="0.0.0.0"')
    assert found(tmp_path, pkg / "main.py", ["MLW707"]) == [("MLW707", line)]
    fast_equals_full(tmp_path, pkg / "main.py", ["MLW707"])


def test_split_line_only_printed_is_no_wrapper():
    code = "import logging\ndef hint(pkg):\n    logging.info(f'pip install {pkg}'.split())\n    print(f'pip install {pkg}'.split())\nhint('rich')\n"
    assert _lines(code, ["MLW301"]) == []
