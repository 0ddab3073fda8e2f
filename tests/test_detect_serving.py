"""MLW707: model-serving endpoints bound to every interface, where the host
comes from, and the severity drop when authentication is visible."""

import textwrap

import pytest

from mlwarden.core.config import Config
from mlwarden.core.engine import check_source
from mlwarden.core.finding import Severity


def findings(code):
    result = check_source(textwrap.dedent(code), "serve.py", config=Config(select=["MLW707"], severity=Severity.LOW))
    assert not result.errors, result.errors
    return result.findings


EXPOSED = {
    "uvicorn-positional-app": "import uvicorn\nuvicorn.run('api:app', host='0.0.0.0', port=80)\n",
    "uvicorn-ipv6": "import uvicorn\nuvicorn.run(app, host='::')\n",
    "uvicorn-config": "import uvicorn\nconfig = uvicorn.Config(app, host='0.0.0.0')\n",
    "uvicorn-empty-host": "import uvicorn\nuvicorn.run(app, host='')\n",
    # a local name whose reaching binding is the literal (a later rebinding does not reach the call)
    "local-host-name": "import uvicorn\ndef serve(api):\n    bind = '0.0.0.0'\n    uvicorn.run(api, host=bind)\n    bind = '127.0.0.1'\n",
    "flask-local-host-rebound": "from flask import Flask\nsite = Flask('s')\naddr = '127.0.0.1'\naddr = '::'\nsite.run(addr)\n",
    # gRPC servers: an insecure port on every interface
    "grpc-literal": "import grpc\nsrv = grpc.server(pool)\nsrv.add_insecure_port('[::]:50051')\n",
    "grpc-fstring-local": "import grpc\nclass Serve:\n    def start(self):\n        where = f'0.0.0.0:{self.port}'\n        self.srv.add_insecure_port(where)\n",
    "grpc-host-option": (
        "import argparse, grpc\np = argparse.ArgumentParser()\np.add_argument('--bind', default='0.0.0.0')\nopts = p.parse_args()\n"
        "server = grpc.aio.server()\nserver.add_insecure_port(f'{opts.bind}:{opts.port}')\n"
    ),
    "flask-module-constant": "from flask import Flask\nHOST = '0.0.0.0'\napp = Flask(__name__)\napp.run(HOST, 8080)\n",
    "sanic": "from sanic import Sanic\napp = Sanic('m')\napp.run(host='0.0.0.0', port=8000)\n",
    "aiohttp-tcpsite": "from aiohttp import web\nsite = web.TCPSite(runner, port=8080)\n",
    "werkzeug": "from werkzeug.serving import run_simple\nrun_simple('0.0.0.0', 8000, app)\n",
    "waitress": "from waitress import serve\nserve(app, port=8080)\n",
    "ray-serve": "from ray import serve\nserve.start(http_options={'host': '0.0.0.0'})\n",
    "gradio-blocks": "import gradio as gr\nwith gr.Blocks() as demo:\n    pass\ndemo.launch(server_name='0.0.0.0', server_port=7860)\n",
    "env-default": "import os, uvicorn\nuvicorn.run(app, host=os.environ.get('HOST', '0.0.0.0'))\n",
    "argparse-default": (
        "import argparse, uvicorn\np = argparse.ArgumentParser()\np.add_argument('-H', '--host', type=str, default='0.0.0.0')\n"
        "opt = p.parse_args()\nuvicorn.run(app, host=opt.host)\n"
    ),
    "pydantic-settings-field": (
        "import uvicorn\nfrom pydantic import Field\nfrom pydantic_settings import BaseSettings\n"
        "class Settings(BaseSettings):\n    host: str = Field('0.0.0.0')\nsettings = Settings()\nuvicorn.run(app, host=settings.host)\n"
    ),
    "parameter-default": "import uvicorn\ndef main(host: str = '0.0.0.0', port: int = 8000):\n    uvicorn.run(app, host=host, port=port)\n",
    "litserve-default": "import litserve as ls\nls.LitServer(api, accelerator='gpu').run(port=8000)\n",
}


#: a test's parameter is the app its pytest fixture of that name returns
#: (reported at the run; low, as everything in a test function)
FIXTURES = {
    "pytest-fixture-alias": (
        "import pytest\nimport litserve as ls\n@pytest.fixture\ndef lit_server(api):\n    srv = ls.LitServer(api, devices=1)\n"
        "    srv.setup = None\n    return srv\ndef test_run(lit_server):\n    server = lit_server\n    server.run(num_api_servers=2)\n",
        10,
    ),
    "pytest-fixture-param": (
        "from pytest import fixture\nfrom flask import Flask\n@fixture(name='web')\ndef make_app():\n    yield Flask(__name__)\n"
        "def test_serve(web):\n    web.run(host='0.0.0.0')\n",
        7,
    ),
}


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_app_from_a_pytest_fixture(name):
    code, line = FIXTURES[name]
    assert [(f.line, f.rule_id) for f in findings(code)] == [(line, "MLW707")]


@pytest.mark.parametrize("name", sorted(EXPOSED))
def test_exposed_is_medium(name):
    [finding] = findings(EXPOSED[name])
    assert finding.severity is Severity.MEDIUM
    assert "every network interface" in finding.message


QUIET = [
    "import uvicorn\nuvicorn.run(app, host='127.0.0.1')\n",
    "import uvicorn\nuvicorn.run(app, host='localhost')\n",
    "import uvicorn\nuvicorn.run(app, host=os.environ['HOST'])\n",
    "import uvicorn\nuvicorn.run(app, **server_kwargs)\n",
    "import argparse, uvicorn\np = argparse.ArgumentParser()\np.add_argument('--host', default='127.0.0.1')\nuvicorn.run(app, host=p.parse_args().host)\n",
    "from flask import Flask\napp = Flask(__name__)\napp.run(debug=False)\n",
    "import gradio as gr\ndemo.launch(server_name='127.0.0.1')\n",
    "from aiohttp import web\nweb.run_app(app, host='127.0.0.1', port=8080)\n",
    "import litserve as ls\nls.LitServer(api).run(host='127.0.0.1', port=8000)\n",
    "job.run(host='0.0.0.0')\n",
    # Flask's run() serves an empty host on 127.0.0.1 (or SERVER_NAME's host)
    "from flask import Flask\napp = Flask(__name__)\napp.run(host='')\n",
    "from flask import Flask\nweb = Flask('w')\nweb.run('', 8000)\n",
    # the binding that reaches the call is local; an earlier all-interfaces one is overridden
    "import uvicorn\ndef serve(api):\n    bind = '0.0.0.0'\n    bind = '127.0.0.1'\n    uvicorn.run(api, host=bind)\n",
    "import grpc\nsrv = grpc.server(pool)\nsrv.add_insecure_port('127.0.0.1:50051')\n",
    "import grpc\nsrv = grpc.server(pool)\nsrv.add_insecure_port(f'localhost:{port}')\n",
    "import grpc\nsrv = grpc.server(pool)\nsrv.add_insecure_port(address)\n",
    # a parameter without a fixture, or a fixture that builds something else
    "import litserve as ls\ndef test_run(server):\n    server.run(port=8000)\n",
    "import pytest\nimport litserve as ls\n@pytest.fixture\ndef server(tmp_path):\n    return Runner(tmp_path)\ndef test_run(server):\n    server.run(port=8000)\n",
    "import pytest\nimport litserve as ls\ndef server():\n    return ls.LitServer(api)\ndef test_run(server):\n    server.run(port=8000)\n",
]


@pytest.mark.parametrize("code", QUIET)
def test_quiet(code):
    assert findings(code) == []


AUTH = [
    (
        "import uvicorn\nfrom fastapi import Depends, FastAPI\nfrom fastapi.security import HTTPBearer\n"
        "app = FastAPI(dependencies=[Depends(HTTPBearer())])\nuvicorn.run(app, host='0.0.0.0')\n"
    ),
    (
        "from flask import Flask\nfrom flask_httpauth import HTTPBasicAuth\napp = Flask(__name__)\nauth = HTTPBasicAuth()\n"
        "@app.route('/predict')\n@auth.login_required\ndef predict():\n    return 'ok'\napp.run(host='0.0.0.0')\n"
    ),
    "from flask import Flask\nfrom .security import token_required\napp = Flask(__name__)\napp.run(host='0.0.0.0')\n",
]


@pytest.mark.parametrize("code", AUTH)
def test_visible_authentication_lowers_severity(code):
    [finding] = findings(code)
    assert finding.severity is Severity.LOW
    assert "authentication appears in this file" in finding.message


def test_reported_at_the_call():
    [finding] = findings("import uvicorn\n\nif __name__ == '__main__':\n    uvicorn.run(\n        app,\n        host='0.0.0.0',\n    )\n")
    assert (finding.line, finding.col) == (4, 5)


# -- gunicorn: options dicts, config files, literal commands -------------------------

GUNICORN = {
    "options-dict-percent": (
        "import gunicorn.app.base\n"
        "class App(gunicorn.app.base.BaseApplication):\n    def load(self):\n        return self.application\n"
        "def serve(app, port):\n    options = {'bind': '%s:%s' % ('0.0.0.0', port), 'workers': 4}\n    App(app, options).run()\n",
        6,
    ),
    "options-subscript-fstring-default": (
        "from gunicorn.app.base import BaseApplication\n"
        "def start(app, port, host='0.0.0.0'):\n    opts = {'workers': 2}\n    opts['bind'] = f'{host}:{port}'\n    Runner(app, opts).run()\n",
        4,
    ),
    "options-format-list": (
        "import gunicorn.app.wsgiapp\nHOST = '::'\nOPTS = dict(workers=1)\nCONF = {'bind': ['{}:{}'.format(HOST, 9000)]}\n",
        4,
    ),
    "project-gunicorn-wrapper": (
        "from myservice.gunicorn_app import StandaloneApplication\n"
        "def serve(app, port):\n    StandaloneApplication(app, options={'bind': '0.0.0.0:%d' % port}).run()\n",
        3,
    ),
    "cfg-set": (
        "from gunicorn.app.base import BaseApplication\nclass A(BaseApplication):\n    def load_config(self):\n        self.cfg.set('bind', '0.0.0.0:7000')\n",
        4,
    ),
    "argv-python-m": (
        "import subprocess, sys\ndef up(port):\n    subprocess.Popen([sys.executable, '-m', 'gunicorn', '-w', '4', '-b', f'0.0.0.0:{port}', 'srv:app'])\n",
        3,
    ),
    "command-string": "import os\nos.system('gunicorn --workers 2 --bind=0.0.0.0:8080 wsgi:application')\n",
    "command-name": "import subprocess\nCMD = ['gunicorn', '-b0.0.0.0', 'wsgi:app']\nsubprocess.run(CMD)\n",
}


@pytest.mark.parametrize("name", sorted(GUNICORN))
def test_gunicorn_bind_on_every_interface(name):
    case = GUNICORN[name]
    code, line = case if isinstance(case, tuple) else (case, 2)
    found = findings(code)
    assert [(f.line, f.rule_id, f.severity) for f in found] == [(line, "MLW707", Severity.MEDIUM)]
    assert "gunicorn" in found[0].message
    assert _fast_equals_full(code, "serve.py")


GUNICORN_QUIET = [
    # gunicorn's default bind is 127.0.0.1:8000
    "import subprocess\nsubprocess.run(['gunicorn', '-w', '2', 'wsgi:app'])\n",
    "import subprocess\nsubprocess.run(['gunicorn', '--bind=127.0.0.1:9000', 'wsgi:app'])\n",
    "import subprocess\nsubprocess.run(['gunicorn', '-b', 'unix:/run/app.sock', 'wsgi:app'])\n",
    "import subprocess\nsubprocess.run(['gunicorn', '-b', address, 'wsgi:app'])\n",
    # a message about the command, not the command
    "print('gunicorn -b 0.0.0.0:8000 wsgi:app')\n",
    "import logging\nlogging.info('start with: gunicorn -b 0.0.0.0:8000 wsgi:app')\n",
    "import subprocess\nsubprocess.run(['echo', 'gunicorn', '-b', '0.0.0.0:8000'])\n",
    # `bind` that is not gunicorn's: no gunicorn import, SQLAlchemy, a socket
    "options = {'bind': '0.0.0.0:8000'}\n",
    "from sqlalchemy.orm import sessionmaker\nSession = sessionmaker(bind=engine)\n",
    "import socket\ns = socket.socket()\ns.bind(('0.0.0.0', 80))\n",
    "import gunicorn\noptions = {'bind': '127.0.0.1:8000', 'workers': 2}\n",
]


@pytest.mark.parametrize("code", GUNICORN_QUIET)
def test_gunicorn_quiet(code):
    assert findings(code) == []
    assert _fast_equals_full(code, "serve.py")


@pytest.mark.parametrize(
    "filename,code,expected",
    [
        ("gunicorn.conf.py", "import multiprocessing\nbind = '0.0.0.0:8000'\nworkers = 2\n", [2]),
        ("deploy/gunicorn_conf.py", "bind = ['127.0.0.1:8000', '[::]:8443']\n", [1]),
        ("gunicorn_config.py", "bind = ['127.0.0.1:8000', 'unix:/run/a.sock']\n", []),
        ("gunicorn.conf.py", "def when_ready(server):\n    bind = '0.0.0.0:1'\n", []),
        ("settings.py", "bind = '0.0.0.0:8000'\n", []),
    ],
)
def test_gunicorn_config_file(filename, code, expected):
    result = check_source(code, filename, config=Config(select=["MLW707"], severity=Severity.LOW))
    assert not result.errors, result.errors
    assert [f.line for f in result.findings] == expected
    assert _fast_equals_full(code, filename)


# -- an app built by the project's own factory in the same file ------------------------

FACTORY = [
    (
        "from flask import Flask, jsonify\n"
        "def build_app(model):\n    app = Flask(__name__)\n\n    @app.route('/p')\n    def predict():\n        return jsonify(model())\n\n    return app\n"
        "def main(model):\n    server = build_app(model)\n    server.run(host='0.0.0.0', port=5000)\n",
        12,
    ),
    ("import quart\ndef make():\n    return quart.Quart('svc')\nmake().run('::')\n", 4),
    # LitServe binds every interface by default: only a known LitServer is reported
    ("import litserve as ls\ndef make(api):\n    srv = ls.LitServer(api)\n    return srv\nmake(A()).run(port=8000)\n", 5),
]


@pytest.mark.parametrize("code,line", FACTORY)
def test_app_from_a_factory_in_the_file(code, line):
    assert [(f.line, f.severity) for f in findings(code)] == [(line, Severity.MEDIUM)]
    assert _fast_equals_full(code, "serve.py")


FACTORY_QUIET = [
    # the factory returns something else (or not always an app)
    "def make(model):\n    return Thing(model)\ndef main(m):\n    make(m).run(host='0.0.0.0')\n",
    "import litserve as ls\ndef make(flag):\n    if flag:\n        return ls.LitServer(api)\n    return Job()\ndef main():\n    make(1).run(port=8000)\n",
    # an imported factory is not seen
    "from .app import create_app\ncreate_app().run(host='0.0.0.0')\n",
]


@pytest.mark.parametrize("code", FACTORY_QUIET)
def test_factory_quiet(code):
    assert findings(code) == []


# -- authentication added only under a condition ----------------------------------------

def test_conditional_authentication_is_no_guarantee():
    code = (
        "import uvicorn\nfrom fastapi import FastAPI\nfrom starlette.middleware.authentication import AuthenticationMiddleware\n"
        "def create_app(tokens=None):\n    app = FastAPI()\n    if tokens:\n"
        "        app.add_middleware(AuthenticationMiddleware, backend=Backend(tokens))\n    return app\n"
        "def main(host='0.0.0.0', tokens=None):\n    uvicorn.run(create_app(tokens), host=host)\n"
    )
    [finding] = findings(code)
    assert finding.severity is Severity.MEDIUM
    assert "only under a condition (`if tokens:`)" in finding.message
    assert _fast_equals_full(code, "serve.py")


@pytest.mark.parametrize(
    "code",
    [
        # the condition holds the server too: the authentication runs whenever the server does
        "import uvicorn\nfrom fastapi import FastAPI\napp = FastAPI()\nif __name__ == '__main__':\n"
        "    app.add_middleware(BasicAuthMiddleware, users=load())\n    uvicorn.run(app, host='0.0.0.0')\n",
        # one unconditional use is enough
        "import uvicorn\nfrom fastapi import Depends, FastAPI\nfrom fastapi.security import HTTPBearer\nbearer = HTTPBearer()\n"
        "app = FastAPI(dependencies=[Depends(bearer)])\nif strict:\n    extra = HTTPBearer(auto_error=True)\nuvicorn.run(app, host='0.0.0.0')\n",
        # a check in the test of an `if` runs on every request
        "from flask import Flask, request, abort\napp = Flask(__name__)\n@app.before_request\ndef gate():\n"
        "    if not verify_token(request.headers.get('X-Token')):\n        abort(401)\napp.run(host='0.0.0.0')\n",
    ],
)
def test_unconditional_authentication_stays_low(code):
    [finding] = findings(code)
    assert finding.severity is Severity.LOW


def _fast_equals_full(code, filename):
    config = Config(select=["MLW707"], severity=Severity.LOW)
    fast = check_source(textwrap.dedent(code), filename, config=config).findings
    full = check_source(textwrap.dedent(code), filename, config=config, full=True).findings
    return [(f.line, f.col, f.severity) for f in fast] == [(f.line, f.col, f.severity) for f in full]


#: hosts set somewhere else than the call: another method of the class, the
#: constructor's callers in the file, a ``**kwargs`` dict, a CLI option's
#: default, the dict an object was configured from; and command-line servers
#: other than gunicorn/uvicorn/flask. (code, line of the finding)
ELSEWHERE = {
    "self-attr-param-default": (
        "import uvicorn\nclass Api:\n    def __init__(self, app, bind_addr: str = '0.0.0.0'):\n        self._bind = bind_addr\n"
        "    def start(self):\n        uvicorn.run(self.app, host=self._bind)\n",
        6,
    ),
    "self-attr-literal-other-method": (
        "from aiohttp import web\nclass Node:\n    def configure(self):\n        self.listen_on = '::'\n"
        "    async def up(self, runner):\n        site = web.TCPSite(runner, self.listen_on, 9000)\n",
        6,
    ),
    "self-attr-constructor-caller": (
        "import uvicorn\nclass Gateway:\n    def __init__(self, app, address, port):\n        self.address = address\n"
        "    def run(self):\n        cfg = uvicorn.Config(self.app, host=self.address)\n        uvicorn.Server(cfg).run()\n"
        "def main(app):\n    Gateway(app, '0.0.0.0', 80).run()\n    Gateway(app, address='0.0.0.0', port=81).run()\n",
        6,
    ),
    "self-attr-module-constant": (
        "import uvicorn\nLISTEN = '0.0.0.0'\nclass S:\n    def __init__(self, host=LISTEN):\n        self.h = host\n"
        "    def go(self, app):\n        uvicorn.run(app, host=self.h)\n",
        7,
    ),
    "kwargs-local-update": (
        "import uvicorn\ndef serve(app, extra):\n    opts = {'port': 8080}\n    opts.update(extra)\n    opts.update({'host': '0.0.0.0'})\n"
        "    uvicorn.run(app, **opts)\n",
        6,
    ),
    "kwargs-local-subscript": "import uvicorn\ndef serve(app):\n    kw = dict(port=1)\n    kw['host'] = '::'\n    uvicorn.run(app, **kw)\n",
    "kwargs-other-method": (
        "import uvicorn\nclass Rest:\n    def _server_kwargs(self):\n        return {'host': '0.0.0.0', 'port': self.port}\n"
        "    def start(self):\n        config = uvicorn.Config(self.app, **self._server_kwargs())\n",
        6,
    ),
    "kwargs-name-from-method": (
        "import uvicorn\nclass Rest:\n    def _kw(self):\n        kw = {}\n        kw.update(host='0.0.0.0')\n        return kw\n"
        "    def start(self):\n        kw = self._kw()\n        uvicorn.run(self.app, **kw)\n",
        9,
    ),
    "typer-option": (
        "import typer, uvicorn\napp = typer.Typer()\n@app.command()\ndef serve(port: int = 80, listen: str = typer.Option('0.0.0.0', '--listen')):\n"
        "    uvicorn.run('svc:api', host=listen, port=port)\n",
        5,
    ),
    "typer-option-default-keyword": (
        "import typer\nimport uvicorn as uv\nADDR = '0.0.0.0'\ndef serve(addr: str = typer.Option(default=ADDR)):\n    uv.run('svc:api', host=addr)\n",
        5,
    ),
    "click-option": (
        "import click, uvicorn\n@click.command()\n@click.option('--port', default=80)\n@click.option('-H', '--bind-host', default='::')\n"
        "def main(port, bind_host):\n    uvicorn.run('svc:api', host=bind_host, port=port)\n",
        6,
    ),
    "configured-from-dict": (
        "import uvicorn\ndef start(build):\n    server_app = build({'listen_host': '0.0.0.0', 'workers': 2})\n"
        "    uvicorn.run(server_app, host=server_app.state.listen_host)\n",
        4,
    ),
    "function-parameter-callers": (
        "import uvicorn\ndef launch(api, where, port=80):\n    uvicorn.run(api, host=where, port=port)\n"
        "def cli(api):\n    bind = '0.0.0.0'\n    launch(api, bind)\nif __name__ == '__main__':\n    launch(make(), where='::')\n",
        3,
    ),
    "grpc-address-from-callers": (
        "import grpc\ndef up(servicer, listen_at):\n    srv = grpc.server(pool)\n    srv.add_insecure_port(listen_at)\n"
        "def main(port):\n    up(None, '0.0.0.0:{}'.format(port))\n    up(None, f'[::]:{port}')\n",
        4,
    ),
    "tornado-default": "import tornado.web\nimport tornado.ioloop\napp = tornado.web.Application([(r'/predict', Predict)])\napp.listen(8888)\n",
    "tornado-httpserver-address": (
        "from tornado.httpserver import HTTPServer\nfrom tornado.web import Application\ndef main(port):\n    srv = HTTPServer(Application(routes))\n"
        "    srv.listen(port, address='0.0.0.0')\n",
        5,
    ),
    "tornado-subclass": (
        "from tornado import web\nclass ModelApp(web.Application):\n    pass\ndef main():\n    ModelApp(handlers).listen(8080, '')\n",
        5,
    ),
    "hypercorn-cli": "import subprocess\nsubprocess.Popen(['hypercorn', '-b', '0.0.0.0:8000', 'svc:app'])\n",
    "hypercorn-python-m": "import subprocess, sys\nsubprocess.run([sys.executable, '-m', 'hypercorn', '--bind=[::]:443', 'svc:app'])\n",
    "streamlit": "import os\nos.system('streamlit run dashboard.py --server.port 8501 --server.address 0.0.0.0')\n",
    "streamlit-equals": "import subprocess\nsubprocess.Popen(['python', '-m', 'streamlit', 'run', 'ui.py', '--server.address=0.0.0.0'])\n",
    "mlflow-server": "import subprocess\nsubprocess.Popen(['mlflow', 'server', '--backend-store-uri', 'sqlite:///m.db', '--host', '0.0.0.0'])\n",
    "mlflow-models-serve": "import subprocess\nsubprocess.run('mlflow models serve -m models:/clf/1 -h 0.0.0.0 -p 5001', shell=True)\n",
    "bentoml": "import subprocess\nsubprocess.run(['bentoml', 'serve', 'service:Summarizer', '--host', '0.0.0.0'])\n",
    "http-server": "import subprocess, sys\nsubprocess.Popen([sys.executable, '-m', 'http.server', '9000', '--bind', '0.0.0.0'])\n",
}

ELSEWHERE_QUIET = [
    # the class gives the attribute a local address somewhere, or a value we cannot read
    "import uvicorn\nclass A:\n    def __init__(self, host='0.0.0.0'):\n        self.host = host\n    def local(self):\n        self.host = '127.0.0.1'\n"
    "    def run(self):\n        uvicorn.run(self.app, host=self.host)\n",
    "import uvicorn\nclass A:\n    def __init__(self, host):\n        self.host = host\n    def run(self):\n        uvicorn.run(self.app, host=self.host)\n"
    "def main(app, opts):\n    A(opts.host).run()\n",
    "import uvicorn\nclass A:\n    def __init__(self, host):\n        self.host = host\n    def run(self):\n        uvicorn.run(self.app, host=self.host)\n"
    "def main():\n    A('0.0.0.0').run()\n    A(*sys.argv[1:]).run()\n",
    "import uvicorn\nclass A:\n    def run(self):\n        uvicorn.run(self.app, host=self.host)\n",
    # a function's parameter: one caller passes a local host, or a value we cannot read; or no caller at all
    "import uvicorn\ndef launch(api, where):\n    uvicorn.run(api, host=where)\nlaunch(a, '0.0.0.0')\nlaunch(a, '127.0.0.1')\n",
    "import uvicorn\ndef launch(api, where):\n    uvicorn.run(api, host=where)\ndef main(opts):\n    launch(a, opts.where)\n",
    "import uvicorn\ndef launch(api, where):\n    uvicorn.run(api, host=where)\n",
    "import uvicorn\ndef launch(api, where):\n    uvicorn.run(api, host=where)\nlaunch(a, '0.0.0.0')\nlaunch(*argv)\n",
    "import grpc\ndef up(listen_at):\n    grpc.server(pool).add_insecure_port(listen_at)\nup('localhost:{}'.format(9))\n",
    # **kwargs: a local host, or nothing that names one
    "import uvicorn\ndef serve(app):\n    kw = {'host': '0.0.0.0'}\n    kw['host'] = 'localhost'\n    uvicorn.run(app, **kw)\n",
    "import uvicorn\ndef serve(app, opts):\n    uvicorn.run(app, **opts)\n",
    "import uvicorn\nclass R:\n    def _kw(self):\n        return self.settings.as_dict()\n    def go(self):\n        uvicorn.run(self.app, **self._kw())\n",
    # CLI options with a local default
    "import typer, uvicorn\ndef serve(host: str = typer.Option('127.0.0.1')):\n    uvicorn.run('a:b', host=host)\n",
    "import click, uvicorn\n@click.command()\n@click.option('--host', default='localhost')\ndef main(host):\n    uvicorn.run('a:b', host=host)\n",
    "import uvicorn\ndef start(build):\n    srv = build({'listen_host': '127.0.0.1'})\n    uvicorn.run(srv, host=srv.state.listen_host)\n",
    # tornado bound to a local address; listen() on something that is not a tornado server
    "import tornado.web\napp = tornado.web.Application([])\napp.listen(8888, address='127.0.0.1')\n",
    "import tornado.web\nsock = make_socket()\nsock.listen(5)\n",
    "import tornado.web\napp = tornado.web.Application([])\napp.listen(8888, **opts)\n",
    # command lines: default or local addresses, other subcommands
    "import subprocess\nsubprocess.Popen(['hypercorn', 'svc:app'])\n",
    "import subprocess\nsubprocess.run(['streamlit', 'run', 'app.py', '--server.address', '127.0.0.1'])\n",
    "import subprocess\nsubprocess.run(['mlflow', 'run', '.', '-P', 'host=0.0.0.0'])\n",
    "import subprocess\nsubprocess.run(['mlflow', 'ui'])\n",
    "import subprocess\nsubprocess.run(['bentoml', 'build', '--host', '0.0.0.0'])\n",
    "import subprocess\nsubprocess.run(['python', '-m', 'http.server', '--bind', '127.0.0.1'])\n",
    "print('mlflow server --host 0.0.0.0')\n",
]


@pytest.mark.parametrize("name", sorted(ELSEWHERE))
def test_host_set_elsewhere(name):
    code, *line = ELSEWHERE[name] if isinstance(ELSEWHERE[name], tuple) else (ELSEWHERE[name],)
    got = findings(code)
    assert [f.severity for f in got] == [Severity.MEDIUM], got
    assert got[0].line == (line[0] if line else code.count("\n"))
    assert _fast_equals_full(code, "serve.py")


@pytest.mark.parametrize("code", ELSEWHERE_QUIET)
def test_host_set_elsewhere_quiet(code):
    assert findings(code) == []
    assert _fast_equals_full(code, "serve.py")


def test_host_set_elsewhere_in_a_notebook():
    from mlwarden.rules._helpers import notebook_json

    source = notebook_json(
        "import uvicorn",
        "class Api:\n    def __init__(self, host='0.0.0.0'):\n        self.host = host\n    def run(self, app):\n        uvicorn.run(app, host=self.host)",
    )
    result = check_source(source, "serve.ipynb", config=Config(select=["MLW707"], severity=Severity.LOW))
    assert [(f.rule_id, f.cell) for f in result.findings] == [("MLW707", 2)]


#: round s8: a local bound to ``os.getenv(..., wildcard)`` or to a conditional
#: host; a conditional reported when both branches, or the branch a default
#: run takes, bind every interface. (code, line, words the message must hold)
ENV_AND_CONDITIONAL = {
    "local-getenv": (
        "import os\nimport uvicorn\ndef main(api):\n    listen = os.getenv('SVC_LISTEN', '0.0.0.0')\n    uvicorn.run(api, host=listen, port=9)\n",
        5,
        "",
    ),
    "local-environ-get-module-level": (
        "import os\nfrom flask import Flask\nsite = Flask('s')\nADDR = os.environ.get('ADDR', '::')\nsite.run(host=ADDR)\n",
        5,
        "",
    ),
    "getenv-conditional-default": (
        "import os\nimport gradio as gr\ndef up(ui, v6):\n    name = os.getenv('UI_NAME', '::' if v6 else '0.0.0.0')\n    ui.launch(server_name=name)\n",
        5,
        "",
    ),
    "both-branches-inline": (
        "import uvicorn\ndef go(api, dual):\n    uvicorn.run(api, host='[::]' if dual else '0.0.0.0')\n",
        3,
        "",
    ),
    "default-branch-flag-off": (
        "import uvicorn\ndef go(api, opts):\n    where = '127.0.0.1' if opts.standalone else '0.0.0.0'\n    uvicorn.run(api, host=where)\n",
        4,
        "when `opts.standalone` is false (the `else` branch",
    ),
    "default-branch-negated": (
        "import uvicorn\ndef go(api, private):\n    where = '0.0.0.0' if not private else 'localhost'\n    uvicorn.run(api, host=where)\n",
        4,
        "when `not private` is true (the `if` branch",
    ),
    "default-branch-param-default": (
        "import uvicorn\ndef go(api, loopback=False):\n    uvicorn.run(api, host='127.0.0.1' if loopback else '0.0.0.0')\n",
        3,
        "when `loopback` is false",
    ),
    # round s10: the default of a keyed look-up (a mapping's get, getattr) applies when the key is not set
    "mapping-get-default": (
        "import uvicorn as uv\ndef main(api, cfg):\n    listen = cfg.get('host', '0.0.0.0')\n    uv.run(api, host=listen)\n",
        4,
        "when `cfg` has no `host` (the look-up's default)",
    ),
    "kwargs-get-default-into-config": (
        "import uvicorn\ndef serve(api, **run_kwargs):\n    host = run_kwargs.get('host', '0.0.0.0')\n    cfg = uvicorn.Config(api, host=host)\n    uvicorn.Server(cfg).run()\n",
        4,
        "when `run_kwargs` has no `host`",
    ),
    "mapping-built-with-the-key": (
        "import uvicorn\ndef serve(api, **kwargs):\n    run_kwargs = {'host': '0.0.0.0', 'port': 8000, **kwargs}\n"
        "    host = run_kwargs.get('host', '127.0.0.1')\n    uvicorn.Server(uvicorn.Config(api, host=host)).run()\n",
        5,
        "`uvicorn.Config(..., host=host)`",
    ),
    "getattr-default": (
        "from aiohttp import web\ndef serve(app, args):\n    web.run_app(app, host=getattr(args, 'bind_address', '::'), port=8080)\n",
        3,
        "when `args` has no `bind_address`",
    ),
    "self-options-get-default": (
        "from flask import Flask\nclass Ui:\n    def __init__(self, options):\n        self.options = options\n        self.app = Flask('ui')\n"
        "    def start(self):\n        self.app.run(host=self.options.get('HOST', '0.0.0.0'), port=80)\n",
        7,
        "when `self.options` has no `HOST`",
    ),
}

ENV_AND_CONDITIONAL_QUIET = [
    # the wildcard branch is the one a flag must be turned on for
    "import uvicorn\ndef go(api, opts):\n    where = '0.0.0.0' if opts.public else '127.0.0.1'\n    uvicorn.run(api, host=where)\n",
    "import uvicorn\ndef go(api, loopback=True):\n    uvicorn.run(api, host='127.0.0.1' if loopback else '0.0.0.0')\n",
    # a condition whose default cannot be read: a call, a comparison, a computed local
    "import uvicorn\ndef go(api):\n    uvicorn.run(api, host='0.0.0.0' if in_container() else '127.0.0.1')\n",
    "import uvicorn\ndef go(api, mode):\n    uvicorn.run(api, host='0.0.0.0' if mode == 'serve' else '127.0.0.1')\n",
    "import uvicorn\ndef go(api, env):\n    docker = env.detect()\n    uvicorn.run(api, host='0.0.0.0' if docker else '127.0.0.1')\n",
    # local or unreadable environment defaults; a local rebound after the getenv
    "import os\nimport uvicorn\ndef main(api):\n    listen = os.getenv('SVC_LISTEN', '127.0.0.1')\n    uvicorn.run(api, host=listen)\n",
    "import os\nimport uvicorn\ndef main(api):\n    listen = os.getenv('SVC_LISTEN')\n    uvicorn.run(api, host=listen)\n",
    "import os\nimport uvicorn\ndef main(api):\n    listen = os.getenv('SVC_LISTEN', '0.0.0.0')\n    listen = 'localhost'\n    uvicorn.run(api, host=listen)\n",
    # a look-up whose default is local, a key that is not a host, a dict that sets the key
    "import uvicorn\ndef main(api, cfg):\n    listen = cfg.get('host', '127.0.0.1')\n    uvicorn.run(api, host=listen)\n",
    "import uvicorn\ndef main(api, cfg):\n    uvicorn.run(api, host=cfg.get('name', '0.0.0.0'))\n",
    "import uvicorn\ndef main(api, **kw):\n    opts = {'host': '127.0.0.1', **kw}\n    uvicorn.run(api, host=opts.get('host', '0.0.0.0'))\n",
    "import uvicorn\ndef main(api, args):\n    uvicorn.run(api, host=getattr(args, 'host', 'localhost'))\n",
    # getattr rebound by the module: not the builtin
    "import uvicorn\nfrom .compat import getattr\ndef main(api, args):\n    uvicorn.run(api, host=getattr(args, 'host', '0.0.0.0'))\n",
]


@pytest.mark.parametrize("name", sorted(ENV_AND_CONDITIONAL))
def test_host_from_environment_or_conditional(name):
    code, line, words = ENV_AND_CONDITIONAL[name]
    got = findings(code)
    assert [(f.line, f.severity) for f in got] == [(line, Severity.MEDIUM)], got
    assert words in got[0].message
    assert _fast_equals_full(code, "serve.py")


@pytest.mark.parametrize("code", ENV_AND_CONDITIONAL_QUIET)
def test_host_from_environment_or_conditional_quiet(code):
    assert findings(code) == []
    assert _fast_equals_full(code, "serve.py")


#: round s9: a host through a class's static or class method called from
#: another function of the file (click/typer defaults read there), a ``**``
#: dict another class's static method returns, hypercorn's ``Config.bind``,
#: granian, the ``configured or <wildcard>`` fallback. (code, line, words the
#: message must hold)
HELPERS = {
    "staticmethod-gunicorn-dict-click-caller": (
        "import click\nfrom gunicorn.app.base import BaseApplication\n"
        "class Boot:\n    @staticmethod\n    def gunicorn_opts(addr, port):\n        return {'bind': f'{addr}:{port}', 'workers': 2}\n"
        "@click.command()\n@click.option('--addr', default='0.0.0.0')\n@click.option('--port', default=9000)\n"
        "def cli(addr, port):\n    Boot.gunicorn_opts(addr, port)\n",
        6,
        "gunicorn bind",
    ),
    "classmethod-uvicorn-keyword-caller": (
        "import uvicorn as uv\nclass Boot:\n    @classmethod\n    def go(cls, app, where):\n        uv.run(app, host=where)\n"
        "def main(app):\n    Boot.go(app, where='::')\n",
        5,
        "",
    ),
    "staticmethod-called-through-cls-typer-default": (
        "import typer\nimport uvicorn\nclass Boot:\n    @staticmethod\n    def serve(app, listen):\n        uvicorn.run(app, host=listen)\n"
        "    @classmethod\n    def start(cls, app, listen):\n        cls.serve(app, listen)\n"
        "def main(app, listen: str = typer.Option('0.0.0.0')):\n    Boot.start(app, listen)\n",
        6,
        "",
    ),
    "kwargs-from-another-class-static-method": (
        "import argparse\nimport uvicorn\nclass Defaults:\n    @staticmethod\n    def server_kwargs(app, bind_host):\n        kw = {'app': app, 'log_level': 'info'}\n        kw['host'] = bind_host\n        return kw\n"
        "def main(app):\n    settings = Defaults.server_kwargs(app, bind_host='0.0.0.0')\n    uvicorn.run(**settings)\n",
        11,
        "**settings",
    ),
    "hypercorn-config-bind-aliased": (
        "import asyncio\nfrom hypercorn.config import Config as HyperConfig\nfrom hypercorn.asyncio import serve\n"
        "def up(app, host='0.0.0.0', port=8000):\n    conf = HyperConfig()\n    conf.bind = [f'{host}:{port}']\n    asyncio.run(serve(app, conf))\n",
        6,
        "hypercorn config.bind",
    ),
    "hypercorn-config-bind-literal": (
        "import hypercorn.config\ncfg = hypercorn.config.Config()\ncfg.bind = ['[::]:443']\n",
        3,
        "",
    ),
    "granian-address-keyword": (
        "from granian import Granian as G\nG('svc:app', address='0.0.0.0', port=80).serve()\n",
        2,
        "address=",
    ),
    "granian-dict-literal-star": (
        "import granian\ndef up(target, addr='::'):\n    granian.Granian(**{'target': target, 'address': addr}).serve()\n",
        3,
        "",
    ),
    "or-fallback-list-through-kwargs": (
        "import uvicorn\ndef launch(app, cfg):\n    listen = cfg.server.listen or ['::', '0.0.0.0']\n    opts = {'host': listen, 'port': 8321}\n    uvicorn.run(app, **opts)\n",
        5,
        "when `cfg.server.listen` is not set (the `or` fallback)",
    ),
    "or-fallback-in-a-helper-dict": (
        "import uvicorn\nclass Boot:\n    @staticmethod\n    def kw(listen=None):\n        return {'host': listen or '0.0.0.0'}\n    def go(self, app):\n        uvicorn.run(app, **self.kw())\n",
        7,
        "when `listen` is not set (the `or` fallback)",
    ),
    "or-fallback-inline": (
        "from flask import Flask\nsite = Flask('s')\ndef up(conf):\n    site.run(host=conf.get('host') or '0.0.0.0')\n",
        4,
        "is not set (the `or` fallback)",
    ),
}

HELPERS_QUIET = [
    # a caller passes a loopback host; the option default is loopback; no caller at all
    "import uvicorn\nclass Boot:\n    @staticmethod\n    def go(app, where):\n        uvicorn.run(app, host=where)\ndef a(app):\n    Boot.go(app, '0.0.0.0')\ndef b(app):\n    Boot.go(app, '127.0.0.1')\n",
    "import click\nimport uvicorn\nclass Boot:\n    @staticmethod\n    def go(app, where):\n        uvicorn.run(app, host=where)\n@click.command()\n@click.option('--where', default='localhost')\ndef cli(where):\n    Boot.go(None, where)\n",
    "import uvicorn\nclass Boot:\n    @staticmethod\n    def go(app, where):\n        uvicorn.run(app, host=where)\n",
    # an instance method's parameter: callers through objects cannot all be seen
    "import uvicorn\nclass Boot:\n    def go(self, app, where):\n        uvicorn.run(app, host=where)\ndef a(app):\n    Boot().go(app, '0.0.0.0')\n",
    # another class's static method returning a loopback host
    "import uvicorn\nclass Defaults:\n    @staticmethod\n    def kw():\n        return {'host': '127.0.0.1'}\ndef main(app):\n    settings = Defaults.kw()\n    uvicorn.run(app, **settings)\n",
    # hypercorn: a loopback bind; a `.bind` attribute in a file without hypercorn
    "from hypercorn.config import Config\nc = Config()\nc.bind = ['127.0.0.1:8000']\n",
    "class Conf: pass\nc = Conf()\nc.bind = ['0.0.0.0:8000']\n",
    # granian's default address is loopback
    "from granian import Granian\nGranian('svc:app', port=80).serve()\n",
    # the fallback is loopback, or the configured host is a literal that is set
    "import uvicorn\ndef launch(app, cfg):\n    uvicorn.run(app, host=cfg.host or '127.0.0.1')\n",
    "import uvicorn\ndef launch(app):\n    uvicorn.run(app, host='127.0.0.1' or '0.0.0.0')\n",
    # the configured host has a default a default run gives it: an option, a parameter, a field
    "import argparse\nimport uvicorn\np = argparse.ArgumentParser()\np.add_argument('--host', default='127.0.0.1')\nargs = p.parse_args()\nuvicorn.run('a:b', host=args.host or '0.0.0.0')\n",
    "import uvicorn\ndef launch(app, listen='localhost'):\n    uvicorn.run(app, host=listen or '0.0.0.0')\n",
    "import uvicorn\nclass Boot:\n    @staticmethod\n    def kw(listen='localhost'):\n        return {'host': listen or '0.0.0.0'}\n    def go(self, app):\n        uvicorn.run(app, **self.kw())\n",
    "import uvicorn\nfrom dataclasses import dataclass\n@dataclass\nclass S:\n    host: str = '127.0.0.1'\ndef launch(app, s: S):\n    uvicorn.run(app, host=s.host or '::')\n",
]


@pytest.mark.parametrize("name", sorted(HELPERS))
def test_host_through_helpers_and_other_servers(name):
    code, line, words = HELPERS[name]
    got = findings(code)
    assert [(f.line, f.severity) for f in got] == [(line, Severity.MEDIUM)], got
    assert words in got[0].message
    assert _fast_equals_full(code, "serve.py")


@pytest.mark.parametrize("code", HELPERS_QUIET)
def test_host_through_helpers_quiet(code):
    assert findings(code) == []
    assert _fast_equals_full(code, "serve.py")


def test_static_method_host_in_a_notebook():
    from mlwarden.rules._helpers import notebook_json

    source = notebook_json(
        "import uvicorn",
        "class Boot:\n    @staticmethod\n    def go(app, where):\n        uvicorn.run(app, host=where)",
        "Boot.go(app, '0.0.0.0')",
    )
    result = check_source(source, "serve.ipynb", config=Config(select=["MLW707"], severity=Severity.LOW))
    assert [(f.rule_id, f.cell) for f in result.findings] == [("MLW707", 2)]


#: streamlit listens on every interface unless told otherwise: a `streamlit
#: run` handed to a runner without `--server.address` is low (a config file
#: may set the address). (code, line)
STREAMLIT = {
    "python-m-list": ("import subprocess, sys\nsubprocess.Popen([sys.executable, '-m', 'streamlit', 'run', 'board.py', '--server.port', '8502'])\n", 2),
    "name-bound-once": ("import subprocess as sp\ndef dash():\n    argv = ['streamlit', 'run', 'ui.py']\n    sp.run(argv, check=True)\n", 3),
    "string-to-os-system": ("import os\nos.system('streamlit run app.py --server.headless true')\n", 2),
    "main-run-aliased": ("from streamlit.web import cli as stcli\ndef dash(script):\n    stcli.main_run([script, '--server.port', '8600'])\n", 3),
    # user arguments forwarded after the script's own: a default run passes none
    "main-run-forwarding-argv": ("import sys\nimport streamlit.web.cli\ndef dash(script):\n    streamlit.web.cli.main_run([script, '--server.port', '8600'] + sys.argv[2:])\n", 4),
}

STREAMLIT_QUIET = [
    "import subprocess\nsubprocess.run(['streamlit', 'run', 'app.py', '--server.address', '127.0.0.1'])\n",
    "import subprocess\nsubprocess.run(['streamlit', 'run', 'app.py', '--server.address=localhost'])\n",
    "import sys\nfrom streamlit.web import cli\ncli.main_run(['app.py'] + ['--server.address', '127.0.0.1'] + sys.argv[1:])\n",
    "import subprocess\nsubprocess.run(['streamlit', 'hello'])\n",
    "print('streamlit run app.py')\n",
    "import subprocess\nsubprocess.run(['streamlit', 'run', 'app.py'], env={'STREAMLIT_SERVER_ADDRESS': 'localhost'})\n",
    "import subprocess\ndef f(argv):\n    argv = ['streamlit', 'run', 'a.py']\n    argv = argv + ['--server.address', 'localhost']\n    subprocess.run(argv)\n",
]


@pytest.mark.parametrize("name", sorted(STREAMLIT))
def test_streamlit_without_an_address_is_low(name):
    code, line = STREAMLIT[name]
    got = findings(code)
    assert [(f.line, f.severity) for f in got] == [(line, Severity.LOW)], got
    assert "without `--server.address`" in got[0].message and "config.toml" in got[0].message
    assert _fast_equals_full(code, "serve.py")


@pytest.mark.parametrize("code", STREAMLIT_QUIET)
def test_streamlit_quiet(code):
    assert findings(code) == []
    assert _fast_equals_full(code, "serve.py")


#: round s10: an app's `run(**kwargs)` with a dict built in the function, and
#: an app this file cannot type (another module's factory) started with an
#: explicit host and port. (code, line, words the message must hold)
RUN_KWARGS_AND_FACTORIES = {
    "flask-run-kwargs-dict": (
        "from flask import Flask\nsite = Flask('s')\ndef main(**extra):\n    run_kwargs = {'host': '0.0.0.0', 'port': 8084, **extra}\n    site.run(**run_kwargs)\n",
        5,
        "`site.run(**run_kwargs)`",
    ),
    "quart-run-kwargs-update": (
        "import quart as q\napp = q.Quart('a')\ndef main():\n    kw = dict(port=80)\n    kw.update({'host': '::'})\n    app.run(**kw)\n",
        6,
        "`app.run(**kw)`",
    ),
    "sanic-run-kwargs-literal": ("from sanic import Sanic\napp = Sanic('m')\napp.run(**{'host': '0.0.0.0', 'port': 8000})\n", 3, "serves on every network interface"),
    "factory-app-keyword-host-port": (
        "from .server import configure_app\ndef serve(interface='0.0.0.0', port=5005):\n    app = configure_app()\n    app.run(host=interface, port=port)\n",
        4,
        "`app.run(host=interface)`",
    ),
    "gradio-ui-from-another-module": (
        "import os\nfrom .ui import create_ui\ndef main(v6):\n    name = os.getenv('UI_SERVER_NAME', '[::]' if v6 else '0.0.0.0')\n"
        "    create_ui().queue().launch(server_name=name, inbrowser=True)\n",
        5,
        "`launch(server_name=name)`",
    ),
    "factory-app-self-attribute": (
        "class Runner:\n    def __init__(self, make):\n        self.app = make()\n    def go(self):\n        self.app.run(host='0.0.0.0', port=9000, workers=2)\n",
        5,
        "`self.app.run(host='0.0.0.0')`",
    ),
}

RUN_KWARGS_AND_FACTORIES_QUIET = [
    # the dict binds loopback, has no host (Flask's default is local), or comes from outside the function
    "from flask import Flask\nsite = Flask('s')\ndef main():\n    run_kwargs = {'host': '127.0.0.1', 'port': 8084}\n    site.run(**run_kwargs)\n",
    "from flask import Flask\nsite = Flask('s')\ndef main():\n    run_kwargs = {'port': 8084}\n    site.run(**run_kwargs)\n",
    "from flask import Flask\nsite = Flask('s')\ndef main(run_kwargs):\n    site.run(**run_kwargs)\n",
    # an untyped app: no port, a loopback or empty host, a module function's run
    "from .server import configure_app\napp = configure_app()\napp.run(host='0.0.0.0')\n",
    "from .server import configure_app\napp = configure_app()\napp.run(host='localhost', port=80)\n",
    "from .server import configure_app\napp = configure_app()\napp.run(host='', port=80)\n",
    "import asyncio\nasyncio.run(main(), debug=True)\n",
    "from .jobs import client\nclient.run('uptime', host='10.0.0.5', port=22)\n",
    # a UI from another module launched on loopback, or with authentication
    "from .ui import create_ui\ncreate_ui().launch(server_name='127.0.0.1')\n",
    "from .ui import create_ui\ncreate_ui().launch(server_name='0.0.0.0', auth=('admin', read_secret()))\n",
    # an untyped app named or made for metrics / health checks: an exporter, not a model server
    "from .wrapper import get_metrics_service\ndef serve(port):\n    app = get_metrics_service()\n    app.run(host='0.0.0.0', port=port)\n",
    "from .wrapper import build\nhealth_app = build()\nhealth_app.run(host='0.0.0.0', port=8081)\n",
]


@pytest.mark.parametrize("name", sorted(RUN_KWARGS_AND_FACTORIES))
def test_run_kwargs_and_factory_apps(name):
    code, line, words = RUN_KWARGS_AND_FACTORIES[name]
    got = findings(code)
    assert [(f.line, f.severity) for f in got] == [(line, Severity.MEDIUM)], got
    assert words in got[0].message
    assert _fast_equals_full(code, "serve.py")


@pytest.mark.parametrize("code", RUN_KWARGS_AND_FACTORIES_QUIET)
def test_run_kwargs_and_factory_apps_quiet(code):
    assert findings(code) == []
    assert _fast_equals_full(code, "serve.py")


def test_lookup_default_and_run_kwargs_in_a_notebook():
    from mlwarden.rules._helpers import notebook_json

    source = notebook_json(
        "from flask import Flask\nui = Flask('ui')",
        "def start(opts, **extra):\n    kw = {'host': opts.get('listen', '0.0.0.0'), **extra}\n    ui.run(**kw)",
    )
    result = check_source(source, "serve.ipynb", config=Config(select=["MLW707"], severity=Severity.LOW))
    assert [(f.rule_id, f.cell, f.line) for f in result.findings] == [("MLW707", 2, 3)]


#: round s11: the standard library's servers on a `(host, port)` address and a
#: listening socket's `bind`, where an empty host is every interface; a
#: project helper that binds what it is given. (code, line, words in the message)
SOCKETS = {
    "http-server-empty-host": ("from http.server import HTTPServer, BaseHTTPRequestHandler\nHTTPServer(('', 8000), BaseHTTPRequestHandler).serve_forever()\n", 2, "HTTPServer(('', 8000))"),
    "http-server-aliased-address-name": (
        "from http import server as hs\ndef run(port):\n    where = ('0.0.0.0', port)\n    httpd = hs.ThreadingHTTPServer(where, Handler)\n    httpd.serve_forever()\n",
        4, "ThreadingHTTPServer(where)",
    ),
    "socketserver-param-default": (
        "import socketserver as ss\ndef serve(port, host='::'):\n    with ss.ThreadingTCPServer((host, port), Handler) as srv:\n        srv.serve_forever()\n",
        3, "ThreadingTCPServer((host, port))",
    ),
    "create-server": ("import socket\ndef listener(port):\n    return socket.create_server(('', port))\n", 3, "create_server"),
    "wsgiref-make-server": ("from wsgiref.simple_server import make_server\nmake_server('', 8080, app).serve_forever()\n", 2, "make_server"),
    "socket-bind-listen": ("import socket as so\ndef start(port):\n    s = so.socket(so.AF_INET, so.SOCK_STREAM)\n    s.bind(('0.0.0.0', port))\n    s.listen(16)\n", 4, "s.bind"),
    "socket-bind-handed-to-uvicorn": (
        "import socket\nimport uvicorn\ndef start(app, host, port):\n    sock = socket.socket()\n    sock.bind((host or '', port))\n"
        "    uvicorn.Server(uvicorn.Config(app)).run(sockets=[sock])\n",
        5, "when `host` is not set",
    ),
    "bind-helper-every-caller": (
        "import socket\ndef create_server_socket(addr):\n    sock = socket.socket(type=socket.SOCK_STREAM)\n    sock.bind(addr)\n    return sock\n"
        "def main(args):\n    return create_server_socket(('', args.port))\n",
        4, "every call of `create_server_socket`",
    ),
    "bind-helper-caller-binds-a-name": (
        "import socket\ndef open_listener(address):\n    s = socket.socket()\n    s.bind(address)\n    s.listen()\n    return s\n"
        "def main(port):\n    addr = ('::', port)\n    open_listener(addr)\n",
        4, "every call of `open_listener`",
    ),
}

SOCKETS_QUIET = [
    # loopback, a host with no default, port 0 (a free-port probe / ephemeral listener)
    "from http.server import HTTPServer\nHTTPServer(('127.0.0.1', 8000), H).serve_forever()\n",
    "import socketserver\ndef serve(host, port):\n    socketserver.TCPServer((host, port), H).serve_forever()\n",
    "import socket\ndef free_port():\n    with socket.socket() as s:\n        s.bind(('', 0))\n        return s.getsockname()[1]\n",
    "from http.server import HTTPServer\nsrv = HTTPServer(('', 0), CallbackHandler)\n",
    # a socket only bound (a port-in-use test), a UDP or Unix socket, a socket we did not make
    "import socket\ndef in_use(port):\n    s = socket.socket()\n    try:\n        s.bind(('0.0.0.0', port))\n    except OSError:\n        return True\n    s.close()\n    return False\n",
    "import socket\ndef beacon(port):\n    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n    s.bind(('', port))\n    return s\n",
    "import socket\ndef ipc(path):\n    s = socket.socket(socket.AF_UNIX)\n    s.bind(path)\n    s.listen()\n",
    # a ZeroMQ socket on loopback (every interface is reported since round s15: tests/test_detect_round15.py)
    "import zmq\ndef pub(ctx):\n    s = ctx.socket(zmq.PUB)\n    s.bind('tcp://127.0.0.1:5556')\n    return s\n",
    # metrics and health handlers are exporters
    "import socketserver\nsocketserver.ThreadingTCPServer(('', 9100), MetricsHandler).serve_forever()\n",
    # a bind helper some of whose callers pass loopback, or a caller we cannot read
    "import socket\ndef mk(addr):\n    s = socket.socket()\n    s.bind(addr)\n    return s\ndef a(p):\n    mk(('', p))\ndef b(p):\n    mk(('127.0.0.1', p))\n",
    "import socket\ndef mk(addr):\n    s = socket.socket()\n    s.bind(addr)\n    return s\ndef a(where):\n    mk(where)\n",
    # a class's own bind method is not a socket's
    "class Pool:\n    def bind(self, address):\n        self.address = address\nPool().bind(('', 80))\n",
]


@pytest.mark.parametrize("name", sorted(SOCKETS))
def test_standard_library_servers_and_socket_binds(name):
    code, line, words = SOCKETS[name]
    got = findings(code)
    assert [(f.line, f.severity) for f in got] == [(line, Severity.MEDIUM)], got
    assert words in got[0].message
    assert _fast_equals_full(code, "serve.py")


@pytest.mark.parametrize("code", SOCKETS_QUIET)
def test_standard_library_servers_and_socket_binds_quiet(code):
    assert findings(code) == []
    assert _fast_equals_full(code, "serve.py")


def test_socket_bind_in_a_notebook():
    from mlwarden.rules._helpers import notebook_json

    source = notebook_json(
        "import socket\nfrom http.server import HTTPServer as Srv",
        "def mk(addr):\n    s = socket.socket()\n    s.bind(addr)\n    s.listen()",
        "mk(('', 8080))\nSrv(('0.0.0.0', 8000), H)",
    )
    result = check_source(source, "serve.ipynb", config=Config(select=["MLW707"], severity=Severity.LOW))
    assert [(f.rule_id, f.cell) for f in result.findings] == [("MLW707", 2), ("MLW707", 3)]


def test_authentication_in_the_file_lowers_a_socket_server():
    code = "from http.server import HTTPServer\nfrom myproj.auth import requires_auth\nHTTPServer(('', 8000), H).serve_forever()\n"
    assert [f.severity for f in findings(code)] == [Severity.LOW]


#: round s11: the address a command line binds, given as a value (a list
#: element, an f-string placeholder). (code, line, words in the message)
COMMAND_VALUES = {
    "fstring-gunicorn-env-constant": (
        "import os\nHOST = os.getenv('HOST', '0.0.0.0')\ndef main(port):\n    os.system(f'gunicorn -w 4 --bind={HOST}:{port} app:app')\n",
        4, "gunicorn --bind HOST",
    ),
    "list-element-param-default": (
        "import subprocess as sp, sys\ndef serve(host='0.0.0.0', port=8000):\n    sp.Popen([sys.executable, '-m', 'uvicorn', 'app:app', '--host', host, '--port', str(port)])\n",
        3, "uvicorn --host host",
    ),
    "fstring-element-hypercorn": (
        "import subprocess\ndef serve(port, bind='::'):\n    subprocess.run(['hypercorn', 'app:app', '-b', f'{bind}:{port}'])\n",
        3, "hypercorn -b bind",
    ),
    "fstring-command-bound-to-a-name": (
        "import os\ndef serve(port, host='0.0.0.0'):\n    cmd = f'uvicorn app:app --host {host} --port {port}'\n    os.system(cmd)\n",
        3, "uvicorn --host host",
    ),
}

COMMAND_VALUES_QUIET = [
    "import subprocess\ndef serve(host='127.0.0.1'):\n    subprocess.Popen(['uvicorn', 'app:app', '--host', host])\n",
    "import subprocess\ndef serve(args):\n    subprocess.Popen(['uvicorn', 'app:app', '--host', args.host])\n",
    "import os\nPORT = 80\nos.system(f'gunicorn --bind=127.0.0.1:{PORT} app:app')\n",
    # a placeholder that is not the address, a message that names a server
    "import os\ndef go(app, port):\n    os.system(f'uvicorn {app} --host 127.0.0.1 --port {port}')\n",
    "import logging\ndef go(host='0.0.0.0'):\n    logging.info(f'start uvicorn with --host {host} yourself')\n",
]


@pytest.mark.parametrize("name", sorted(COMMAND_VALUES))
def test_command_address_given_as_a_value(name):
    code, line, words = COMMAND_VALUES[name]
    got = findings(code)
    assert [(f.line, f.severity) for f in got] == [(line, Severity.MEDIUM)], got
    assert words in got[0].message
    assert _fast_equals_full(code, "serve.py")


@pytest.mark.parametrize("code", COMMAND_VALUES_QUIET)
def test_command_address_given_as_a_value_quiet(code):
    assert findings(code) == []
    assert _fast_equals_full(code, "serve.py")


def test_command_address_value_in_a_notebook():
    from mlwarden.rules._helpers import notebook_json

    source = notebook_json("import subprocess\nBIND = '0.0.0.0'", "subprocess.Popen(['uvicorn', 'app:app', '--host', BIND])")
    result = check_source(source, "serve.ipynb", config=Config(select=["MLW707"], severity=Severity.LOW))
    assert [(f.rule_id, f.cell) for f in result.findings] == [("MLW707", 2)]


#: a socket bound to an address of its own and returned holds a port for later
#: (a port lock), a probe returns the port it found: neither listens here
HELD_PORTS = [
    "import socket\ndef _listen(port):\n    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)\n    sock.bind(('', port))\n    return sock\n",
    "import socket\ndef probe(port):\n    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:\n        s.bind(('', port))\n        return s.getsockname()[1]\n",
]


@pytest.mark.parametrize("code", HELD_PORTS)
def test_held_ports_and_probes_quiet(code):
    assert findings(code) == []
    assert _fast_equals_full(code, "serve.py")


#: round s12: inference, notebook and dashboard servers started from a command
#: line (their options from their own docs), one of a shell line's commands,
#: and commands held in a dict value, a keyword or a builder's return.
#: (code, line, words in the message)
SERVER_COMMANDS = {
    "sglang-module-in-a-shell-string": (
        "import subprocess as sp\ndef up(model):\n    sp.Popen(f'python3 -m sglang.launch_server --model-path {model} --host 0.0.0.0', shell=True)\n",
        3, "sglang.launch_server --host 0.0.0.0",
    ),
    "vllm-serve-returned-by-a-builder": (
        "def vllm_command(model, port):\n    return ['vllm', 'serve', model, '--port', str(port), '--host', '0.0.0.0']\n",
        2, "vllm --host 0.0.0.0",
    ),
    "vllm-openai-module-param-host": (
        "import sys, subprocess\ndef up(model, bind='::'):\n    subprocess.run([sys.executable, '-m', 'vllm.entrypoints.openai.api_server', '--model', model, '--host', bind])\n",
        3, "vllm.entrypoints.openai.api_server --host bind",
    ),
    "code-server-in-process-kwargs": (
        "from multiprocessing import Process as P\ndef ide(port):\n    job = P(target=execute, kwargs={'command': f'code-server --bind-addr 0.0.0.0:{port} --auth none'})\n    job.start()\n",
        3, "code-server --bind-addr 0.0.0.0",
    ),
    "jupyter-after-cd-and-nohup": (
        "import os\nos.system('cd /srv && nohup jupyter notebook --no-browser --ip=0.0.0.0 --port 8888 &')\n",
        2, "jupyter --ip 0.0.0.0",
    ),
    "jupyter-lab-serverapp-option-star": (
        "import subprocess\nsubprocess.Popen(['jupyter-lab', \"--ServerApp.ip='*'\", '--port=9999'])\n",
        2, "jupyter-lab --ServerApp.ip '*'",
    ),
    "tensorboard-bind-all-flag": (
        "import subprocess\ndef board(logdir):\n    subprocess.Popen(['tensorboard', '--logdir', logdir, '--bind_all'])\n",
        3, "tensorboard --bind_all",
    ),
    "ray-dashboard-host-env-prefix": (
        "import subprocess\nsubprocess.check_call('RAY_USAGE_STATS_ENABLED=0 ray start --head --dashboard-host 0.0.0.0', shell=True)\n",
        2, "ray --dashboard-host 0.0.0.0",
    ),
    "tgi-launcher-as-keyword": (
        "def start(model):\n    launch_job(name='tgi', args=['text-generation-launcher', '--model-id', model, '--hostname', '0.0.0.0'])\n",
        2, "text-generation-launcher --hostname 0.0.0.0",
    ),
    "llama-server-inside-bash-c": (
        "import subprocess\nsubprocess.run(['bash', '-c', 'ulimit -n 4096 && llama-server -m model.gguf --host 0.0.0.0'])\n",
        2, "llama-server --host 0.0.0.0",
    ),
    "implicitly-concatenated-fstrings": (
        "import subprocess\nclass Backend:\n    def start(self, flags=''):\n        cmd = (\n            f'python -m sglang.launch_server --model-path {self.model} '\n"
        "            f'{flags}'\n            '--port 30000 '\n            f'--host 0.0.0.0'\n        )\n        return run_shell(cmd)\n",
        5, "sglang.launch_server --host 0.0.0.0",
    ),
    "lmdeploy-server-name-constant": (
        "import os\nSERVE = 'lmdeploy serve api_server ./model --server-name 0.0.0.0 --server-port 23333'\nos.system(SERVE)\n",
        2, "lmdeploy --server-name 0.0.0.0",
    ),
}

SERVER_COMMANDS_QUIET = [
    # loopback, a variable, an address the command does not bind, a message, a word that contains a server's name
    "import subprocess\ndef up(model):\n    subprocess.run(['vllm', 'serve', model, '--host', '127.0.0.1'])\n",
    "import subprocess\ndef up(args):\n    subprocess.run(['python', '-m', 'sglang.launch_server', '--host', args.host])\n",
    "import subprocess\nsubprocess.run(['jupyter', 'lab', '--ip', 'localhost', '--port', '8888'])\n",
    "import subprocess\nsubprocess.run(['vllm', 'bench', 'serve', '--base-url', 'http://0.0.0.0:8000'])\n",
    "import logging\nlogging.info('start it with: vllm serve MODEL --host 0.0.0.0')\n",
    "def explain(parser):\n    parser.add_argument('--cmd', help='e.g. tensorboard --logdir runs --bind_all')\n",
    "import subprocess\nsubprocess.run(['numpy-array', '--host', '0.0.0.0'])\n",
    "CONFIG = {'title': 'jupyter lab --ip 0.0.0.0', 'description': 'code-server --bind-addr 0.0.0.0:8080'}\n",
    # the command after the separator is not a server; a client of the server
    "import os\nos.system('tensorboard --logdir runs; curl --host 0.0.0.0')\n",
    "import subprocess\nsubprocess.run(['ray', 'status', '--address', '0.0.0.0:6379'])\n",
]


@pytest.mark.parametrize("name", sorted(SERVER_COMMANDS))
def test_server_command_lines(name):
    code, line, words = SERVER_COMMANDS[name]
    got = findings(code)
    assert [(f.line, f.severity) for f in got] == [(line, Severity.MEDIUM)], got
    assert words in got[0].message
    assert _fast_equals_full(code, "serve.py")


@pytest.mark.parametrize("code", SERVER_COMMANDS_QUIET)
def test_server_command_lines_quiet(code):
    assert findings(code) == []
    assert _fast_equals_full(code, "serve.py")


def test_server_command_line_in_a_notebook():
    from mlwarden.rules._helpers import notebook_json

    source = notebook_json("import subprocess\nHOST = '0.0.0.0'", "cmd = ['python', '-m', 'sglang.launch_server', '--host', HOST]\nsubprocess.Popen(cmd)")
    result = check_source(source, "serve.ipynb", config=Config(select=["MLW707"], severity=Severity.LOW))
    assert [(f.rule_id, f.cell, f.line) for f in result.findings] == [("MLW707", 2, 1)]
