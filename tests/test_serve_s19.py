"""Session 19 (issue 16, item 9): the catalogue of ways Python code starts a
listening server, and where its host comes from. asyncio's stream and loop
servers, twisted's listeners, multiprocessing's Listener, Sanic's
``prepare``, Dash, the MCP SDK's server, cherrypy's ``server.socket_host``;
project subclasses of the standard library's and tornado's servers (in the
module, nested in a function, imported, chosen by a branch); Dockerfile
commands held in strings; an attribute given its fallback in place
(``args.host = args.host or "0.0.0.0"``); a helper that starts a project
object's server method. Each shape has a case that must stay quiet
(loopback, a Unix socket, a client, another library's method). Every sample
is written for these tests."""

import pytest

from round_helpers import code_notebook, fast_full_findings
from mlwarden.core.finding import Severity

from tests.test_detect_valueflow import write_package

LOW, MEDIUM = Severity.LOW, Severity.MEDIUM


def _found(code, **kw):
    return [(line, severity) for rule, line, severity in fast_full_findings(code, ["MLW707"], **kw)]


EXPOSED = {
    # asyncio: start_server(cb, host=None, port=None), None is every interface
    "asyncio-start-server-literal": ("import asyncio\nasync def main(cb):\n    srv = await asyncio.start_server(cb, '0.0.0.0', 7001)\n", 3),
    "asyncio-start-server-no-host": ("import asyncio\nasync def main(cb):\n    srv = await asyncio.start_server(cb, port=7001)\n", 3),
    "asyncio-start-server-param-default": (
        "import asyncio\nasync def listen(cb, where='::', port=7001):\n    return await asyncio.start_server(cb, where, port)\n", 3),
    "asyncio-start-server-alias": ("from asyncio import start_server as listen\nasync def main(cb):\n    await listen(cb, host='', port=7001)\n", 3),
    "asyncio-loop-create-server": (
        "import asyncio\nasync def main(proto):\n    loop = asyncio.get_running_loop()\n    await loop.create_server(proto, '0.0.0.0', 7002)\n", 4),
    "asyncio-loop-create-server-no-host": (
        "import asyncio\nasync def main(proto):\n    await asyncio.get_event_loop().create_server(proto, port=7002)\n", 3),
    # twisted: interface="" (every interface) unless given
    "twisted-listen-tcp-default": ("from twisted.internet import reactor\nreactor.listenTCP(7003, factory)\nreactor.run()\n", 2),
    "twisted-listen-tcp-interface": ("from twisted.internet import reactor\nreactor.listenTCP(7003, factory, interface='::')\n", 2),
    "twisted-endpoint": ("from twisted.internet import endpoints, reactor\nep = endpoints.TCP4ServerEndpoint(reactor, 7003)\n", 2),
    # multiprocessing.connection.Listener(("", port)): unpickles what accepted clients send
    "mp-listener": ("from multiprocessing.connection import Listener\nwith Listener(('', 7004)) as queue:\n    conn = queue.accept()\n", 2),
    # Sanic's prepare(host=...) (its API since 22.x), Dash's run_server, the MCP SDK's FastMCP(host=...)
    "sanic-prepare-env": (
        "import os\nfrom sanic import Sanic\nsite = Sanic('bot')\nwhere = os.environ.get('BOT_HOST', '0.0.0.0')\n"
        "site.prepare(host=where, port=5005)\nSanic.serve()\n", 5),
    "dash-run-server": ("from dash import Dash\nboard = Dash(__name__)\nboard.run_server(host='0.0.0.0', port=8050)\n", 3),
    "dash-run-constant": ("import dash\nHOST = '::'\nboard = dash.Dash('b')\nboard.run(HOST, 8050)\n", 4),
    "fastmcp-host": ("from mcp.server.fastmcp import FastMCP\ntools = FastMCP('tools', host='0.0.0.0', port=8001)\ntools.run(transport='sse')\n", 2),
    "fastmcp-env-host": (
        "import os\nfrom fastmcp import FastMCP\nbind = os.getenv('MCP_HOST', '0.0.0.0')\napp = FastMCP(name='t', host=bind)\n", 4),
    # cherrypy: 127.0.0.1 unless server.socket_host says otherwise
    "cherrypy-config-dict": ("import cherrypy\ncherrypy.config.update({'server.socket_host': '0.0.0.0', 'server.socket_port': 8080})\n", 2),
    "cherrypy-nested-config": ("import cherrypy\nconf = {'global': {'server.socket_host': '::'}}\ncherrypy.quickstart(Root(), config=conf)\n", 2),
    "cherrypy-attribute": ("import cherrypy\ncherrypy.server.socket_host = '0.0.0.0'\ncherrypy.engine.start()\n", 2),
    # project subclasses of the standard library's servers
    "module-subclass": (
        "from http.server import ThreadingHTTPServer\nclass QuietServer(ThreadingHTTPServer):\n    daemon_threads = True\n"
        "QuietServer(('0.0.0.0', 8000), Handler).serve_forever()\n", 4),
    "subclass-of-subclass": (
        "import socketserver\nclass Base(socketserver.ThreadingTCPServer):\n    allow_reuse_address = True\nclass Api(Base):\n    pass\n"
        "def serve(port, host=''):\n    Api((host, port), Handler).serve_forever()\n", 7),
    "nested-subclass": (
        "import socketserver\ndef make(port):\n    class Server(socketserver.ThreadingTCPServer):\n        allow_reuse_address = True\n"
        "    return Server(('0.0.0.0', port), Handler)\n", 5),
    "subclass-chosen-by-branch": (
        "import socket\nfrom http.server import HTTPServer\ndef start(host='::', port=8080):\n    class V4(HTTPServer):\n        pass\n"
        "    class V6(HTTPServer):\n        address_family = socket.AF_INET6\n    if ':' in host:\n        Cls = V6\n    else:\n        Cls = V4\n"
        "    return Cls((host, port), Handler)\n", 12),
    # one branch the standard library's class itself (`Plain = HTTPServer`), the other a local subclass
    "stdlib-or-subclass-by-branch": (
        "import socket\nfrom http.server import HTTPServer\ndef start(host='::', port=8080):\n    Plain = HTTPServer\n"
        "    class V6(HTTPServer):\n        address_family = socket.AF_INET6\n    if ':' in host:\n        Cls = V6\n    else:\n        Cls = Plain\n"
        "    return Cls((host, port), Handler)\n", 11),
    # Dockerfile commands held in strings (exec form and shell form)
    "dockerfile-exec-form": ('IMAGE = \'FROM python:3.12\\nCMD ["uvicorn", "api:app", "--host", "0.0.0.0"]\\n\'\n', 1),
    "dockerfile-exec-form-fstring": (
        "def dockerfile(port):\n    cmd = (f'CMD [\"gunicorn\", \"-b\", \"0.0.0.0:{port}\", '\n           f'\"wsgi:app\"]')\n    return cmd\n", 2),
    "dockerfile-shell-form": ("STEPS = 'WORKDIR /srv\\nCMD jupyter lab --ip 0.0.0.0 --no-browser\\n'\n", 1),
    # an attribute given its fallback in place
    "attribute-fallback": (
        "import argparse, uvicorn\np = argparse.ArgumentParser()\np.add_argument('--host')\nopts = p.parse_args()\n"
        "opts.host = opts.host or '0.0.0.0'\nuvicorn.run(api, host=opts.host)\n", 6),
    "attribute-literal-in-function": (
        "import uvicorn\ndef main(cfg):\n    cfg.bind_host = '0.0.0.0'\n    uvicorn.run(api, host=cfg.bind_host)\n", 4),
}

QUIET = {
    "asyncio-start-server-loopback": "import asyncio\nasync def main(cb):\n    await asyncio.start_server(cb, '127.0.0.1', 7001)\n",
    "asyncio-unix-server": "import asyncio\nasync def main(cb):\n    await asyncio.start_unix_server(cb, path='/run/app.sock')\n",
    "asyncio-client": "import asyncio\nasync def main():\n    reader, writer = await asyncio.open_connection('0.0.0.0', 7001)\n",
    "asyncio-loop-create-server-loopback": (
        "import asyncio\nasync def main(proto):\n    loop = asyncio.get_running_loop()\n    await loop.create_server(proto, 'localhost', 7002)\n"),
    "create-server-of-another-library": "from pool import Pool\npool = Pool()\npool.create_server(proto, '0.0.0.0', 7002)\n",
    "twisted-loopback": "from twisted.internet import reactor\nreactor.listenTCP(7003, factory, interface='127.0.0.1')\n",
    "twisted-client": "from twisted.internet import reactor\nreactor.connectTCP('0.0.0.0', 7003, factory)\n",
    "mp-listener-loopback": "from multiprocessing.connection import Listener\nqueue = Listener(('localhost', 7004))\n",
    "mp-listener-unix": "from multiprocessing.connection import Listener\nqueue = Listener('/tmp/queue.sock', family='AF_UNIX')\n",
    "sanic-prepare-loopback": "from sanic import Sanic\nsite = Sanic('bot')\nsite.prepare(host='127.0.0.1', port=5005)\n",
    "prepare-without-sanic": "from pipeline import Model\nm = Model()\nm.prepare(host='0.0.0.0', port=1)\n",
    "dash-default": "from dash import Dash\nboard = Dash(__name__)\nboard.run_server(port=8050)\n",
    "fastmcp-default": "from mcp.server.fastmcp import FastMCP\ntools = FastMCP('tools')\ntools.run(transport='sse')\n",
    "cherrypy-loopback": "import cherrypy\ncherrypy.config.update({'server.socket_host': '127.0.0.1'})\n",
    "socket-host-without-cherrypy": "settings = {'server.socket_host': '0.0.0.0'}\n",
    "module-subclass-loopback": (
        "from http.server import ThreadingHTTPServer\nclass QuietServer(ThreadingHTTPServer):\n    pass\n"
        "QuietServer(('127.0.0.1', 8000), Handler).serve_forever()\n"),
    "subclass-of-another-base": "from mylib import Thing\nclass Server(Thing):\n    pass\nServer(('0.0.0.0', 8000), Handler)\n",
    "dockerfile-loopback": 'IMAGE = \'FROM python:3.12\\nCMD ["uvicorn", "api:app", "--host", "127.0.0.1"]\\n\'\n',
    "dockerfile-not-a-server": 'IMAGE = \'FROM python:3.12\\nCMD ["python", "train.py", "--host", "0.0.0.0"]\\n\'\n',
    "attribute-fallback-loopback": (
        "import argparse, uvicorn\np = argparse.ArgumentParser()\np.add_argument('--host')\nopts = p.parse_args()\n"
        "opts.host = opts.host or '127.0.0.1'\nuvicorn.run(api, host=opts.host)\n"),
    "attribute-assigned-after-the-call": (
        "import uvicorn\ndef main(cfg):\n    uvicorn.run(api, host=cfg.bind_host)\n    cfg.bind_host = '0.0.0.0'\n"),
}


@pytest.mark.parametrize("name", sorted(EXPOSED))
def test_servers_on_every_interface(name):
    code, line = EXPOSED[name]
    assert _found(code) == [(line, MEDIUM)]


@pytest.mark.parametrize("name", sorted(QUIET))
def test_not_exposed(name):
    assert _found(QUIET[name]) == []


def test_listener_with_an_authkey_is_lowered():
    # multiprocessing's HMAC challenge authenticates clients: low, as with authentication in the file
    code = "from multiprocessing.connection import Listener\nqueue = Listener(('', 7004), authkey=SECRET)\n"
    assert _found(code) == [(2, LOW)]
    kept = "from multiprocessing.connection import Listener\nqueue = Listener(('', 7004), authkey=None)\n"
    assert _found(kept) == [(2, MEDIUM)]


def test_visible_authentication_lowers_an_asyncio_server():
    code = "import asyncio\nfrom .auth import verify_token\nasync def main(cb):\n    await asyncio.start_server(cb, '0.0.0.0', 7001)\n"
    assert _found(code) == [(4, LOW)]


def test_notebook_asyncio_server():
    nb = code_notebook("import asyncio", "server = await asyncio.start_server(handle, '0.0.0.0', 9000)")
    assert [severity for _line, severity in _found(nb, filename="serve.ipynb")] == [MEDIUM]


SUBCLASS_MODULE = '''
import tornado.httpserver


class QuietHTTPServer(tornado.httpserver.HTTPServer):
    def __init__(self, app, **kwargs):
        super().__init__(app, xheaders=True, **kwargs)
'''

SUBCLASS_USER = '''
from .servers import QuietHTTPServer


def start(app, port, address="0.0.0.0"):
    server = QuietHTTPServer(app)
    server.listen(port, address=address)
'''

ADDRESS_SUBCLASS_MODULE = '''
from http.server import ThreadingHTTPServer


class AdminServer(ThreadingHTTPServer):
    daemon_threads = True
'''

ADDRESS_SUBCLASS_USER = '''
from .admin import AdminServer


def serve(port):
    AdminServer(("", port), Handler).serve_forever()


def serve_local(port):
    AdminServer(("127.0.0.1", port), Handler).serve_forever()
'''


def test_server_subclasses_of_another_module(tmp_path):
    pkg = write_package(tmp_path, {"servers.py": SUBCLASS_MODULE, "web.py": SUBCLASS_USER, "admin.py": ADDRESS_SUBCLASS_MODULE, "api.py": ADDRESS_SUBCLASS_USER})
    web = pkg / "web.py"
    assert _found(web.read_text(), filename=str(web), root=tmp_path) == [(7, MEDIUM)]
    api = pkg / "api.py"
    assert _found(api.read_text(), filename=str(api), root=tmp_path) == [(6, MEDIUM)]


OBJECT_SERVER = '''
import asyncio


class Engine:
    def __init__(self):
        self._server = None

    async def start(self, store, host, port):
        self._server = await asyncio.start_server(self.accept, host, port)
        await self._server.serve_forever()
'''

OBJECT_CALLER = '''
import argparse
import asyncio

from .engine import Engine


async def launch(store, host, port):
    engine = Engine()
    await engine.start(store, host, port)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--host")
    parser.add_argument("--local", default="127.0.0.1")
    args = parser.parse_args()
    args.host = args.host or "0.0.0.0"
    asyncio.run(launch("db", args.host, 7005))
    asyncio.run(launch("db", args.local, 7006))
'''


def test_helper_that_starts_a_project_objects_server(tmp_path):
    # launch() hands `host` to Engine().start(), which hands it to asyncio.start_server in another
    # module: judged at launch's callers; the loopback option's call stays quiet
    pkg = write_package(tmp_path, {"engine.py": OBJECT_SERVER, "cli.py": OBJECT_CALLER})
    cli = pkg / "cli.py"
    lines = [line for line, _severity in _found(cli.read_text(), filename=str(cli), root=tmp_path)]
    assert 19 in lines and 20 not in lines


MORE_EXPOSED = {
    # a conditional on a parameter's None default: the branch a default call takes
    "param-none-default-fallback": (
        "from aiohttp import web\ndef start(app, host=None):\n    where = host if host is not None else '0.0.0.0'\n    web.run_app(app, host=where, port=3000)\n", 4),
    "class-keeps-none-fallback": (
        "from aiohttp import web\nclass Hook:\n    def __init__(self, port, host=None):\n        self.port = port\n"
        "        self.host = host if host is not None else '0.0.0.0'\n    def start(self):\n        web.run_app(self.app, host=self.host, port=self.port)\n", 7),
    # gunicorn run in process from an argument vector
    "gunicorn-argv": (
        "import sys\nimport gunicorn.app.wsgiapp\ndef run(host, port):\n    sys.argv = [sys.argv[0], '-b', f'{host}:{port}', 'svc:app']\n"
        "    gunicorn.app.wsgiapp.WSGIApplication('%(prog)s').run()\nrun('0.0.0.0', 8000)\n", 4),
    # streamlit started in process with a flag dict
    "streamlit-bootstrap-address": (
        "from streamlit.web import bootstrap\nflags = {'server_address': '0.0.0.0', 'server_port': 8501}\nbootstrap.run('ui.py', False, [], flags)\n", 3),
    "waitress-listen-every-interface": ("from waitress import serve\nserve(app, listen='*:8080')\n", 2),
}

MORE_QUIET = {
    "param-default-set-loopback": (
        "from aiohttp import web\ndef start(app, host='127.0.0.1'):\n    where = host if host is not None else '0.0.0.0'\n    web.run_app(app, host=where, port=3000)\n"),
    "param-rebound-before-test": (
        "from aiohttp import web\ndef start(app, host=None):\n    host = lookup()\n    where = host if host is not None else '0.0.0.0'\n    web.run_app(app, host=where, port=3000)\n"),
    "gunicorn-argv-loopback": (
        "import sys\nimport gunicorn.app.wsgiapp\ndef run(port):\n    sys.argv = [sys.argv[0], '-b', f'127.0.0.1:{port}', 'svc:app']\n"
        "    gunicorn.app.wsgiapp.WSGIApplication('%(prog)s').run()\n"),
    "argv-without-gunicorn": "import sys\nsys.argv = [sys.argv[0], '-b', '0.0.0.0:80']\n",
    "streamlit-bootstrap-loopback": (
        "from streamlit.web import bootstrap\nbootstrap.run('ui.py', False, [], {'server_address': '127.0.0.1'})\n"),
    # a Unix socket or a socket made elsewhere: no TCP host, whatever the server's default
    "waitress-listen-loopback": "from waitress import serve\nserve(app, listen='127.0.0.1:8080 [::1]:8080')\n",
    "waitress-unix-socket": "from waitress import serve\nserve(app, unix_socket='/run/app.sock')\n",
    "aiohttp-unix-path": "from aiohttp import web\nweb.run_app(app, path='/run/app.sock')\n",
    "aiohttp-given-socket": "from aiohttp import web\nweb.run_app(app, sock=listening)\n",
    "asyncio-given-socket": "import asyncio\nasync def main(cb, s):\n    await asyncio.start_server(cb, sock=s)\n",
    "loop-given-socket": "import asyncio\nasync def main(p, s):\n    loop = asyncio.get_running_loop()\n    await loop.create_server(p, sock=s)\n",
    "websockets-given-socket": "import websockets\nasync def main(h, s):\n    await websockets.serve(h, sock=s)\n",
}


@pytest.mark.parametrize("name", sorted(MORE_EXPOSED))
def test_more_servers_on_every_interface(name):
    code, line = MORE_EXPOSED[name]
    assert _found(code) == [(line, MEDIUM)]


@pytest.mark.parametrize("name", sorted(MORE_QUIET))
def test_more_not_exposed(name):
    assert _found(MORE_QUIET[name]) == []


def test_streamlit_bootstrap_without_an_address_is_low():
    code = "from streamlit.web import bootstrap\nbootstrap.run('ui.py', False, [], {'server_port': 8501})\n"
    assert _found(code) == [(2, LOW)]


COMMANDS = {
    "fastapi-run-without-host": ("import subprocess\nsubprocess.Popen(['fastapi', 'run', 'main.py', '--port', '80'])\n", 2),
    "fastapi-run-host": ("import subprocess\nsubprocess.Popen(['fastapi', 'run', 'main.py', '--host', '0.0.0.0'])\n", 2),
    "daphne-bind": ("import os\nos.system('daphne -b 0.0.0.0 -p 8001 proj.asgi:application')\n", 2),
    "waitress-serve-listen": ("import subprocess\nsubprocess.run(['waitress-serve', '--listen=*:8080', 'app:app'])\n", 2),
    "waitress-serve-default": ("import subprocess\nsubprocess.run(['waitress-serve', 'app:app'])\n", 2),
    "chainlit-host": ("import subprocess\nsubprocess.run(['chainlit', 'run', 'app.py', '--host', '0.0.0.0'])\n", 2),
    "panel-address": ("import subprocess\nsubprocess.run(['panel', 'serve', 'app.py', '--address', '0.0.0.0'])\n", 2),
    "mkdocs-dev-addr": ("import subprocess\nsubprocess.run(['mkdocs', 'serve', '-a', '0.0.0.0:8000'])\n", 2),
    "tornado-bind-default": ("import tornado.httpserver\nserver = tornado.httpserver.HTTPServer(app)\nserver.bind(8888)\nserver.start(0)\n", 3),
}

QUIET_COMMANDS = {
    "fastapi-run-loopback": "import subprocess\nsubprocess.Popen(['fastapi', 'run', 'main.py', '--host', '127.0.0.1'])\n",
    "fastapi-dev": "import subprocess\nsubprocess.Popen(['fastapi', 'dev', 'main.py'])\n",
    "fastapi-run-as-a-hint": "HINT = 'fastapi run main.py'\n",
    "waitress-serve-loopback": "import subprocess\nsubprocess.run(['waitress-serve', '--host', '127.0.0.1', 'app:app'])\n",
    "mkdocs-loopback": "import subprocess\nsubprocess.run(['mkdocs', 'serve', '-a', '127.0.0.1:8000'])\n",
    "tornado-bind-loopback": "import tornado.httpserver\nserver = tornado.httpserver.HTTPServer(app)\nserver.bind(8888, address='127.0.0.1')\n",
}


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_server_commands_and_binds(name):
    code, line = COMMANDS[name]
    assert _found(code) == [(line, MEDIUM)]


@pytest.mark.parametrize("name", sorted(QUIET_COMMANDS))
def test_server_commands_not_exposed(name):
    assert _found(QUIET_COMMANDS[name]) == []


DICT_HOSTS = {
    "module-dict": ("import uvicorn\nCONFIG = {'host': '0.0.0.0', 'port': 8000}\nuvicorn.run(app, host=CONFIG['host'], port=CONFIG['port'])\n", 3),
    "nested-dict": ("import uvicorn\nCFG = {'server': {'host': '::', 'port': 8000}}\nuvicorn.run(app, host=CFG['server']['host'])\n", 3),
    "local-dict": ("from flask import Flask\nsite = Flask('s')\ndef main():\n    opts = {'host': '0.0.0.0'}\n    site.run(host=opts['host'], port=80)\n", 5),
    "class-attribute-dict": ("import uvicorn\nclass Settings:\n    API = {'host': '0.0.0.0', 'port': 7861}\nuvicorn.run(app, host=Settings.API['host'])\n", 4),
    "environ-membership-fallback": (
        "import os, uvicorn\nhost = os.environ['HOST'] if 'HOST' in os.environ else '0.0.0.0'\nuvicorn.run(app, host=host)\n", 3),
}

QUIET_DICT_HOSTS = {
    "module-dict-loopback": "import uvicorn\nCONFIG = {'host': '127.0.0.1'}\nuvicorn.run(app, host=CONFIG['host'])\n",
    "dict-changed-in-place": "import uvicorn\nCONFIG = {'host': '0.0.0.0'}\nCONFIG['host'] = '127.0.0.1'\nuvicorn.run(app, host=CONFIG['host'])\n",
    "dict-updated": "import uvicorn\nCONFIG = {'host': '0.0.0.0'}\nCONFIG.update(load())\nuvicorn.run(app, host=CONFIG['host'])\n",
    "dict-with-spread": "import uvicorn\nCONFIG = {'host': '0.0.0.0', **load()}\nuvicorn.run(app, host=CONFIG['host'])\n",
    "environ-membership-loopback": (
        "import os, uvicorn\nhost = os.environ['HOST'] if 'HOST' in os.environ else '127.0.0.1'\nuvicorn.run(app, host=host)\n"),
}


@pytest.mark.parametrize("name", sorted(DICT_HOSTS))
def test_hosts_from_dict_literals(name):
    code, line = DICT_HOSTS[name]
    assert _found(code) == [(line, MEDIUM)]


@pytest.mark.parametrize("name", sorted(QUIET_DICT_HOSTS))
def test_dict_hosts_not_exposed(name):
    assert _found(QUIET_DICT_HOSTS[name]) == []


def test_ephemeral_port_listeners_are_not_judged():
    # port 0: a local bridge or a callback listener on a port the system picks, as for the address servers
    assert _found("from twisted.internet import reactor\nport = reactor.listenTCP(0, bridge)\n") == []
    assert _found("import asyncio\nasync def main(cb):\n    await asyncio.start_server(cb, '0.0.0.0', 0)\n") == []
    assert _found("import asyncio\nasync def main(cb):\n    await asyncio.start_server(cb, port=0)\n") == []
    assert _found("from twisted.internet import reactor\nport = reactor.listenTCP(8080, bridge)\n") == [(2, MEDIUM)]


def test_a_dockerfile_in_a_long_string_is_prose_both_ways():
    # the gate takes a string longer than 100 characters for prose: the fast path does not keep its
    # statement, so neither mode reads it (fast == full); a short one or an f-string's parts are read
    lines = ["FROM python:3.12", "RUN pip install --no-cache-dir -r requirements.txt && rm -rf /root/.cache",
             'CMD ["uvicorn", "api:app", "--host", "0.0.0.0"]']
    code = "import uvicorn\nuvicorn.run(app)\nIMAGE = " + repr("\n".join(lines)) + "\n"
    assert len(repr("\n".join(lines))) > 100
    assert _found(code) == []
