from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: libcst is imported when a file needs it
    import libcst

import re
from pathlib import Path
from typing import Any, Dict, FrozenSet, List, Optional, Set, Tuple

from mlwarden.core import lazyre
from mlwarden.core.bindings import dotted_parts
from mlwarden.core.finding import Severity
from mlwarden.core.lazy import cst
from mlwarden.core.rule import CodeRule, Invalid, Valid
from mlwarden.core.values import UNKNOWN, Field, format_fields, percent_fields
from mlwarden.core.project import (
    _ends_in_return,
    attributes_defaulting_to,
    constructor_calls,
    file_values,
    function_callers,
    module_file,
    module_name_returns,
    module_name_value,
    module_tree,
    module_values,
    project_values,
)
from mlwarden.rules._helpers import notebook_json
from mlwarden.rules._roundtrip import ROUND_TRIP_WORDS, RoundTripAware
from mlwarden.rules.mlw202_unpinned_hub_revision import ParamDefaults
from mlwarden.rules.mlw701_gradio_public_share import imports_module

#: host values that bind every interface
ALL_INTERFACES = frozenset({"0.0.0.0", "", "::", "[::]", "0:0:0:0:0:0:0:0", "*"})
#: keys a host is looked up under (``options.get("host", "0.0.0.0")``), lower case, without leading/trailing ``_``
HOST_KEYS = frozenset({"host", "hostname", "host_ip", "ip", "address", "addr", "bind", "bind_address", "bind_host", "listen", "listen_address", "interface", "server_name", "server_host", "server_address", "http_host"})
#: server functions: name -> (host position or None for keyword-only, host keyword, default binds all)
SERVERS: Dict[str, Tuple[Optional[int], str, bool]] = {
    "uvicorn.run": (1, "host", False),
    "uvicorn.Config": (1, "host", False),
    "uvicorn.config.Config": (1, "host", False),
    "aiohttp.web.run_app": (None, "host", True),
    "aiohttp.web.TCPSite": (1, "host", True),
    "werkzeug.serving.run_simple": (0, "hostname", False),
    "werkzeug.run_simple": (0, "hostname", False),
    "waitress.serve": (None, "host", True),
    "ray.serve.start": (None, "http_options", False),
    # granian's Granian(target, address="127.0.0.1", ...)
    "granian.Granian": (1, "address", False),
    "granian.server.Granian": (1, "address", False),
    # the standard library's and werkzeug's WSGI servers: make_server(host, port, app)
    "wsgiref.simple_server.make_server": (0, "host", False),
    "werkzeug.serving.make_server": (0, "host", False),
    # tornado's listening sockets: `bind_sockets(port, address=None)`, None and "" are every interface
    "tornado.netutil.bind_sockets": (1, "address", True),
    # websockets servers (model streaming, agent UIs): `serve(handler, host=None, port=None)`,
    # no host is every interface (asyncio's create_server)
    "websockets.serve": (1, "host", True),
    "websockets.server.serve": (1, "host", True),
    "websockets.asyncio.server.serve": (1, "host", True),
    "websockets.legacy.server.serve": (1, "host", True),
    "websockets.sync.server.serve": (1, "host", True),
    # viser's 3D visualisation server (robotics, NeRF viewers): `ViserServer(host="0.0.0.0",
    # port=8080)`, every interface by default in current releases
    "viser.ViserServer": (0, "host", True),
    # the websocket server under it (`viser.infra.Server(host, port, ...)`), which projects wrap in their own server class
    "viser.infra.Server": (0, "host", False),
    "viser.infra.WebsockServer": (0, "host", False),
    # bottle's `run(app=None, server="wsgiref", host="127.0.0.1", port=8080)`
    "bottle.run": (2, "host", False),
    # asyncio's stream server: `start_server(client_connected_cb, host=None, port=None)`,
    # no host (None) is every interface (`loop.create_server`: :meth:`_loop_server`)
    "asyncio.start_server": (1, "host", True),
    "asyncio.streams.start_server": (1, "host", True),
    # twisted: `reactor.listenTCP(port, factory, backlog=50, interface="")`, `listenSSL(port,
    # factory, contextFactory, backlog=50, interface="")`, the server endpoints
    # `TCP4ServerEndpoint(reactor, port, backlog=50, interface="")`: "" is every interface
    "twisted.internet.reactor.listenTCP": (3, "interface", True),
    "twisted.internet.reactor.listenSSL": (4, "interface", True),
    "twisted.internet.endpoints.TCP4ServerEndpoint": (3, "interface", True),
    "twisted.internet.endpoints.TCP6ServerEndpoint": (3, "interface", True),
    # the MCP SDK's server (`FastMCP(name, host="127.0.0.1", port=8000)`, its HTTP transports
    # bind the host; 127.0.0.1 by default) and the fastmcp package's
    "mcp.server.fastmcp.FastMCP": (None, "host", False),
    "mcp.server.fastmcp.server.FastMCP": (None, "host", False),
    "fastmcp.FastMCP": (None, "host", False),
}
#: server functions that may be handed to a thread or a process instead of
#: being called (``Thread(target=uvicorn.run, args=(app,), kwargs={"host": ...})``):
#: the starter -> the positions of its ``target``, ``args`` and ``kwargs``
STARTERS: Dict[str, Tuple[int, int, int]] = {
    "threading.Thread": (1, 3, 4),
    "multiprocessing.Process": (1, 3, 4),
    "multiprocessing.context.Process": (1, 3, 4),
    "torch.multiprocessing.Process": (1, 3, 4),
}
#: servers built on a ``(host, port)`` address, where an empty host is every
#: interface: the standard library's socket servers and ``socket.create_server``
ADDRESS_SERVERS = (
    "http.server.HTTPServer", "http.server.ThreadingHTTPServer", "socketserver.TCPServer", "socketserver.ThreadingTCPServer",
    "socketserver.ForkingTCPServer", "xmlrpc.server.SimpleXMLRPCServer", "xmlrpc.server.DocXMLRPCServer", "socket.create_server",
    # gevent's servers take a `listener` (host, port), eventlet's `listen(addr)` makes the listening
    # socket a WSGI server is handed, cheroot's WSGI server a `bind_addr`
    "gevent.pywsgi.WSGIServer", "gevent.server.StreamServer", "gevent.wsgi.WSGIServer", "eventlet.listen",
    "cheroot.wsgi.Server", "cheroot.wsgi.WSGIServer",
    # multiprocessing's `Listener(address)` (unpickles what it receives once a client is accepted)
    "multiprocessing.connection.Listener",
)
#: the address servers a project class may subclass (``class Server(ThreadingHTTPServer)``)
_ADDRESS_CLASSES = frozenset(ADDRESS_SERVERS) - {"socket.create_server", "eventlet.listen"}
#: the keyword of an address server's address, where it is not ``server_address``
_ADDRESS_KEYWORDS = {
    "socket.create_server": "address", "gevent.pywsgi.WSGIServer": "listener", "gevent.server.StreamServer": "listener",
    "gevent.wsgi.WSGIServer": "listener", "eventlet.listen": "addr", "cheroot.wsgi.Server": "bind_addr", "cheroot.wsgi.WSGIServer": "bind_addr",
    "multiprocessing.connection.Listener": "address",
}
#: the modules a function of the file must import from to serve (:meth:`ServingEndpointExposed._file_function`)
_SERVER_ROOTS = (
    "uvicorn", "aiohttp", "werkzeug", "waitress", "ray", "granian", "wsgiref", "tornado", "websockets", "viser", "bottle",
    "http", "socketserver", "xmlrpc", "socket", "gevent", "eventlet", "cheroot", "grpc", "gradio", "flask", "quart", "sanic", "litserve",
    "django.core.management",  # call_command("runserver", …)
    "asyncio", "twisted", "mcp", "fastmcp", "multiprocessing.connection",
)
#: where servers of :data:`SERVERS` take their port by position (elsewhere: the `port` keyword)
_PORT_POSITIONS = {
    "twisted.internet.reactor.listenTCP": 0, "twisted.internet.reactor.listenSSL": 0,
    "twisted.internet.endpoints.TCP4ServerEndpoint": 1, "twisted.internet.endpoints.TCP6ServerEndpoint": 1,
    "asyncio.start_server": 2, "asyncio.streams.start_server": 2, "uvicorn.run": 2, "uvicorn.Config": 2, "uvicorn.config.Config": 2,
    "werkzeug.serving.run_simple": 1, "werkzeug.run_simple": 1, "wsgiref.simple_server.make_server": 1, "werkzeug.serving.make_server": 1,
}
#: keywords that bind a server elsewhere than a TCP host (a Unix socket path, a socket made
#: elsewhere, a file descriptor): a server whose omitted host means every interface then has none
_OTHER_BINDINGS = ("sock", "sockets", "path", "unix_socket", "fd", "uds")
#: servers a project class may subclass and be called like (its constructor takes the base's host):
#: `class CustomServerConfig(uvicorn.Config)` … `CustomServerConfig(app, host=host)`
PROJECT_SERVER_BASES = frozenset({"uvicorn.Config", "uvicorn.config.Config"})
#: tornado's servers: `.listen(port, address="")` binds every interface by default
TORNADO_SERVERS = frozenset({"tornado.web.Application", "tornado.httpserver.HTTPServer", "tornado.tcpserver.TCPServer"})
#: frameworks whose app objects have `.run(host=..., port=...)`: module -> default binds all
RUN_FRAMEWORKS = {"flask": False, "quart": False, "sanic": False, "litserve": True, "dash": False}
#: the methods that start such an app: `run`, Dash's older `run_server`, Sanic's `prepare`
#: (its API since 22.x: `app.prepare(host=...)` then `Sanic.serve()`)
RUN_METHODS = {"run": None, "run_server": "dash", "prepare": "sanic"}
#: names that show authentication in the file
AUTH_NAMES = frozenset(
    {
        "HTTPBearer",
        "OAuth2PasswordBearer",
        "OAuth2AuthorizationCodeBearer",
        "APIKeyHeader",
        "APIKeyQuery",
        "APIKeyCookie",
        "HTTPBasic",
        "HTTPDigest",
        "HTTPBasicAuth",
        "HTTPTokenAuth",
        "HTTPDigestAuth",
        "MultiAuth",
        "login_required",
        "jwt_required",
        "token_required",
        "auth_required",
        "requires_auth",
        "AuthenticationMiddleware",
        "BasicAuthMiddleware",
        "verify_api_key",
        "verify_token",
        "check_api_key",
        "api_key_auth",
        "get_current_user",
        "basic_auth_required",
    }
)
AUTH_MODULES = ("flask_httpauth", "flask_login", "flask_jwt_extended", "fastapi.security", "aiohttp_security", "starlette.authentication", "fastapi_users", "authlib", "flask_basicauth")


class ServingEndpointExposed(RoundTripAware, ParamDefaults, CodeRule):
    """## What it does
    Flags model-serving apps started on every network interface with no
    authentication configured in the file:

    - Flask, Quart and Sanic `app.run(host="0.0.0.0")` (keyword or first
      argument, or in a `**` dict: `app.run(**run_kwargs)`), LitServe
      `server.run()` (which binds all interfaces by default); an app this
      file cannot type (made by another module's factory: `app =
      configure_app()`) started with an explicit host and port,
      `app.run(host=…, port=…)` (an empty host is then taken as local, as
      Flask does; an app named, or made by a factory named, for metrics or
      health checks is an exporter and is not reported);
    - `uvicorn.run(app, host="0.0.0.0")` and `uvicorn.Config(...)`,
      aiohttp `web.run_app(app)` / `web.TCPSite(runner)` (all interfaces by
      default), `waitress.serve(app)`, werkzeug `run_simple("0.0.0.0", …)`,
      websockets `serve(handler, "0.0.0.0", port)` (all interfaces without a host),
      Ray Serve `serve.start(http_options={"host": "0.0.0.0"})`, granian
      `Granian(target, address="0.0.0.0")` (127.0.0.1 by default), gRPC
      `server.add_insecure_port("[::]:50051")` (or `f"0.0.0.0:{port}"`,
      `f"{host}:{port}"` with such a host); viser's visualisation server
      `viser.ViserServer(host="0.0.0.0")` (every interface by default in
      current releases) and the `viser.infra` websocket servers under it,
      bottle `run(app, host="0.0.0.0")`, gevent `WSGIServer(("", 5000),
      app)` / `StreamServer`, eventlet `listen(("0.0.0.0", 8090))`, cheroot
      `wsgi.Server(("0.0.0.0", 8080), app)`;
    - any of these servers handed to a thread or a process instead of
      being called: `threading.Thread(target=uvicorn.run, args=(app,),
      kwargs={"host": "0.0.0.0"})`, `multiprocessing.Process(...)`: the host
      is the `kwargs` entry or the `args` element at the server's host
      position (a `kwargs` or `args` that is a name built elsewhere is not
      judged);
    - gradio `launch(server_name="0.0.0.0")` without `auth=`, or with an
      `auth` variable that is `None` unless an option sets it (medium: the
      default run is open); also on a UI another module builds
      (`create_ui().queue().launch(server_name=...)` in a file that does
      not import gradio: `server_name` is gradio's);
    - gunicorn binds: `"bind": "0.0.0.0:8000"` in the options of a file that
      imports gunicorn or a module of its own named for it (a dict, `options["bind"] = ...`, `cfg.set("bind",
      ...)`; the address may be `"%s:%s" % (host, port)`,
      `"{}:{}".format(host, port)` or an f-string with such a host), a
      module-level `bind = ...` in a `gunicorn.conf.py`, and `-b`/`--bind`
      in a literal gunicorn command (`["gunicorn", "-b", "0.0.0.0:80",
      "app:app"]`, `python -m gunicorn`, a command string) handed to a call
      that runs it or bound to a name. gunicorn's default is 127.0.0.1.
    - hypercorn's `config.bind = ["0.0.0.0:8000"]` (or `[f"{host}:{port}"]`
      with such a host) in a file that imports hypercorn;
    - tornado `app.listen(port)` / `HTTPServer(app).listen(port,
      address="0.0.0.0")` on an `Application` or `HTTPServer` (or a class
      of the module that subclasses one, or a function of the file that
      returns one: `app = make_app()`), and `tornado.netutil.bind_sockets(port,
      address=...)`: every interface unless `address` names one (tornado
      binds every interface for `None` as for `""`, a parameter's `None`
      default included);
    - Django's development server (since session 16): `manage.py
      runserver 0.0.0.0:8000` (or `0:8000`, `[::]:8000`; `python manage.py`
      or `django-admin`) in a command list or string, and
      `django.core.management.call_command("runserver", [options…],
      addrport)` with a literal address, `f"{host}:{port}"` whose host is on
      every interface, or `addrport=`; a port alone is 127.0.0.1, no
      finding;
    - a function of the file that serves on the host or address it is
      given (`def serve_http(app, host): uvicorn.run(app, host=host)`,
      `def create_server_socket(addr): … sock.bind(addr)`) and that no
      code of the file calls: judged by its calls in the package's other
      modules that import it from here, when every one passes every
      interface (a literal, a `configured or ""` fallback, the caller's
      parameter or click/typer option default), the message naming them;
    - a host from the project's environment getter: a function (of the
      file, or imported from a project module under a name that says `env`)
      that returns `os.getenv(key)` or the default it is given
      (`def get_env_value(key, default): value = os.getenv(key); if value
      is None: return default …`): `get_env_value("HOST", "0.0.0.0")` reads
      like `os.getenv("HOST", "0.0.0.0")`, at the server call or as an
      option's (argparse, field, module constant) default in another
      module, the message naming the variable;
    - a host from a function (of the file, or imported from a project
      module) every `return` of which gives one environment variable or a
      constant when it is not set (`def get_env_host(): return
      getenv(ENV_HOST) or HOST`, `return os.environ.get("HOST",
      "0.0.0.0")`): the default is what ships, the message names the
      variable; a parameter given its fallback in place (`host = host or
      get_env_host()`) is judged by that fallback, not the parameter's
      default; a name bound in every branch of an `if` (`address = ("::",
      port)` / `("0.0.0.0", port)`) when every branch binds every
      interface;
    - a project class constructed with such a host (`ThreadServer(app,
      host=args.host)`, imported from a project module or defined in the
      file): its `__init__` keeps the parameter (`self.host = host`, or a
      base class of the same module keeps it through `super().__init__(
      host=host)`) and a method hands `self.host` to a server, to another
      method or function that does, or to a project function or class of
      another module that does (one module hop, as for functions);
    - a call of a project function that serves on a parameter is judged
      when its arguments name a host, port or address, also through a
      keyword that ends in one (`start_api(api_host="0.0.0.0")`,
      `bind_addr=`, `server_address=`; since session 16; a file that
      writes such a keyword is read whole, since the word is no gate word);
    - the address a command binds may also be a value, judged like any
      host: a list element (`["uvicorn", "app:app", "--host", host]` with
      `host="0.0.0.0"` a parameter default) or an f-string's placeholder
      (`os.system(f"gunicorn --bind={HOST}:{PORT} app:app")`, also in a
      command string written as an f-string, or as f-strings implicitly
      concatenated over several lines), or a field of a command built from
      a literal template (`"{} -m uvicorn {} --host 0.0.0.0".format(python,
      app)`, `"gunicorn -b %s:%d app:app" % (host, port)`, named fields,
      and `" ".join([...])` of a command list; a placeholder followed by
      `-m` is the interpreter);
    - uvicorn and `flask run` started from a literal command the same way
      (`["uvicorn", "main:app", "--host", "0.0.0.0"]`, `python -m uvicorn`,
      `uv run flask --app app run -h 0.0.0.0`); both bind 127.0.0.1 by
      default. So are hypercorn (`-b`/`--bind`/`--insecure-bind`),
      `streamlit run … --server.address 0.0.0.0`, `mlflow server`/`ui`/
      `models serve` with `-h`/`--host`, `bentoml serve --host` and
      `python -m http.server --bind`, when the command names an
      all-interfaces address (`http.server` binds every interface even
      without one: only the explicit address is reported for it);
    - inference, notebook and dashboard servers started from a command line
      with an all-interfaces address, listed from their own docs: `vllm
      serve --host` (and `python -m vllm.entrypoints.openai.api_server`),
      `python -m sglang.launch_server --host`, `text-generation-launcher
      --hostname`, `llama-server --host` (and `python -m llama_cpp.server`),
      `lmdeploy serve … --server-name`, `litellm --host`,
      `xinference-local --host`, `jupyter lab`/`notebook`/`server --ip`
      (also `--ServerApp.ip=`, `jupyter-lab`), `code-server --bind-addr`,
      `tensorboard --host` or `--bind_all`, `ray start --dashboard-host`
      and `aim up --host`. The command may be one of a shell line's (`cd
      /srv && nohup jupyter lab --ip 0.0.0.0 &`, `VAR=1 ray start …`, `bash
      -c "…"`), and may be held as data: bound to a name, a dict value or a
      keyword handed to a process (`Process(target=run, kwargs={"cmd":
      "code-server --bind-addr 0.0.0.0:8080"})`) or returned by a builder;
      a message (`print`, logging, `help=`) is not a command;
    - the standard library's servers on a `(host, port)` address, where an
      empty host is every interface: `http.server.HTTPServer(("", 8000),
      Handler)` (and `ThreadingHTTPServer`, `socketserver.TCPServer` /
      `ThreadingTCPServer` / `ForkingTCPServer`, `xmlrpc.server`'s
      servers), `socket.create_server(("", port))`,
      `wsgiref.simple_server.make_server("", port, app)` and werkzeug's
      `make_server(host, port, app)`; and a plain socket's
      `sock.bind((host, port))` when the code makes the socket
      (`socket.socket(...)`, TCP) and listens on it, returns it or hands it
      on (`uvicorn.Server(config).run(sockets=[sock])`). The address may be
      a name bound to the tuple, or the parameter of a function of the file
      that binds what it is given (`def create_server_socket(addr): …
      sock.bind(addr); return sock`) when every call of it in the file
      passes such an address (the message says so). Port 0 (a free-port
      probe or an ephemeral callback listener) is not judged, nor is a
      socket that is only bound (a port-in-use test), a UDP or Unix socket,
      or a handler named for metrics or health checks;
    - more listeners (since session 19): asyncio's `start_server(cb, host,
      port)` and an event loop's `create_server(factory, host, port)`
      (`loop = asyncio.get_running_loop()`; no host is every interface),
      twisted's `reactor.listenTCP` / `listenSSL` and `TCP4ServerEndpoint` /
      `TCP6ServerEndpoint` (an empty `interface`, the default, is every
      interface), multiprocessing's `Listener(("", port))` (low with an
      `authkey`: a client must answer its challenge first), Sanic's
      `app.prepare(host=…)`, Dash's `run` / `run_server`, the MCP SDK's and
      fastmcp's `FastMCP(host=…)` (127.0.0.1 by default) and cherrypy's
      `server.socket_host` (a config dict key or the attribute; 127.0.0.1 by
      default);
    - a project class that subclasses one of the standard library's address
      servers or a tornado server (`class QuietServer(ThreadingHTTPServer)`):
      a class of the module (also through another class of the module), one
      defined in the enclosing function, one imported from a project module,
      or a name bound in branches to such classes (`ServerClass = V6Server`
      / `ServerClass = V4Server`), called with an address on every interface;
    - a Dockerfile held in a string (a line of up to 100 characters, or an
      f-string built of such parts: a longer string is prose to the gate):
      each `CMD` / `ENTRYPOINT` / `RUN` line, exec form (`CMD ["uvicorn",
      "app:app", "--host", "0.0.0.0"]`) or shell form, is read as a command
      line;
    - gunicorn run in process from an argument vector (`sys.argv = [sys.argv[0],
      "-b", f"{host}:{port}", "svc:app"]` in a file that imports gunicorn),
      and streamlit's `bootstrap.run(script, is_hello, args, flag_options)`
      with a `server_address` flag on every interface (medium) or without
      one (low, as `streamlit run` without `--server.address`);
    - more server commands (an argument list or a command line): `daphne -b`,
      `granian --host`, `waitress-serve --host` / `--listen` (and without
      either, in an argument list: every interface), `fastapi run --host`
      (and without it, in an argument list), `chainlit run --host`, `panel`
      / `bokeh serve --address`, `voila --Voila.ip`, `mkdocs serve -a`; and
      tornado's `server.bind(port)` before `start()` (every interface unless
      `address` names one);
    - a server whose omitted host means every interface is not judged when
      it is given a Unix socket or a socket of its own instead (`path=`,
      `sock=`, `unix_socket=`, `uds=`, `fd=`); waitress's `listen="…"`
      entries are read (`*:8080` is every interface);
    - an address built by a function of the file or of a project module
      (`add_insecure_port(get_address(params))`, where `get_address` ends
      `return f"{host}:{port}"`, or `"%s:%s" % (host, port)`) whose host
      name, no parameter, is bound in it only to every-interface literals
      or look-up defaults (`host = params.get(HOST, "0.0.0.0")`, `if not
      host: host = "0.0.0.0"`): the message says the default applies;
    - an address kept in an attribute of the class (`self.uri =
      f"[::]:{port}"` in `__init__`, then `add_insecure_port(self.uri)` or
      a project helper that serves on its parameter called with
      `self.uri`), when every value the class gives the attribute is a
      `host:port` on every interface (an f-string, `.format` or `%`
      template whose host is such a literal or a parameter defaulting to
      one); a project helper imported inside the function that calls it
      (`from pkg.api import serve_api` in a command of the same name) is
      followed like one imported at module level;
    - a gunicorn options dict in a file that does not import gunicorn (it
      hands the dict to a project's gunicorn application class) when a
      gunicorn setting sits beside `bind` (`{"bind": "0.0.0.0:%s" % port,
      "workers": n}`; `workers`, `timeout`, `worker_class`, …) and the bind
      is a full `host:port` address on every interface;
    - ZeroMQ listeners on every interface: a socket's
      `bind("tcp://*:5555")` or `bind_to_random_port("tcp://0.0.0.0")` (a
      literal, a `%`/`.format`/f-string endpoint whose host is such a value,
      or a name bound once to one), and, in a file that imports zmq,
      `tcp://*:…` handed to any other call (`device.listen("tcp://*:%s" %
      port)`: only a bind gives `*` a meaning). ZeroMQ authenticates nobody
      unless the socket enables CURVE (or a ZAP handler): medium, and low
      when the file shows CURVE or `zmq.auth` (the same ladder as an HTTP
      server with authentication in the file). `ipc://` and loopback
      endpoints, and connects, are not judged;
    - `streamlit run app.py` with no `--server.address`, in a command
      handed to a call that runs it (or a name bound once to one) or in
      `streamlit.web.cli.main_run([script, ...])`: streamlit then listens on
      every interface. Low: a `.streamlit/config.toml` or
      `STREAMLIT_SERVER_ADDRESS` the file does not show may set an address.

    The host may be a literal (`"0.0.0.0"`, `"::"`, `""` except for Flask,
    whose `run()` serves an empty host on 127.0.0.1), a module constant, a
    local name whose bindings that reach the call all assign such a literal
    (a later rebinding does not count), an attribute the same function (or
    the module) assigns earlier, unconditionally (`args.host = args.host or
    "0.0.0.0"`: judged as that fallback), a key of a dict literal the file
    shows (`CONFIG["host"]`, `CFG["server"]["host"]`, a class attribute's
    `Settings.API["host"]`; not a dict changed in place or built with `**`),
    `os.environ["HOST"] if "HOST" in os.environ else "0.0.0.0"` (a default
    run sets no variable), a parameter default, `os.environ.get("HOST", "0.0.0.0")` (also
    through the one local binding that reaches the call: `host = os.getenv("HOST", "0.0.0.0")`), the
    default of a keyed look-up of a host (`run_kwargs.get("host", "0.0.0.0")`,
    `getattr(args, "host", "::")`; the message says the default applies when the key is not set; when
    the dict is built in the function with that key, its value there is judged instead), a
    conditional `a if flag else b` both of whose branches are such hosts, or whose branch a default run
    takes is (`host if host is not None else "0.0.0.0"` with the parameter's default None: the `else`) (the message names the branch: a plain flag, a name or attribute whose value cannot be
    read, is taken to be off; a literal, a parameter or option default is read; a condition that is a
    call or a comparison is not judged), or an
    attribute whose name is an argparse option with that default
    (`parser.add_argument("--host", default="0.0.0.0")` … `args.host`) or a
    class field with that default (a dataclass or settings class:
    `host: str = "0.0.0.0"` … `cfg.host`), or a `tornado.options`
    option (`define("address", default="")` … `options.address`; an empty
    address is every interface in tornado). The constant, option or field may
    also sit in a module of the same package that the file imports from
    (`from .constants import HOST`, `from .settings import Settings` …
    `settings.host`, a constant of an imported project module read as an
    attribute: `from pkg.core import constants` … `constants.DEFAULT_HOST`,
    `from . import settings`, `import pkg.settings as settings`, also as a
    parameter's default, a module-level environment look-up there
    (`HOST = os.getenv("HOST", "0.0.0.0")` in `env.py`, `from .env import
    HOST`; the message says the default applies when the environment does
    not set the variable), or through a package that re-exports it: `from .config
    import Settings` with `from .settings import Settings` in
    `config/__init__.py`): that module is read, never run, and the file's cached
    result is dropped when it changes. It may also be set elsewhere in the
    file:

    - a parameter (without a default) of a module-level function, or of a
      `@staticmethod`/`@classmethod` of a module-level class, that every
      call of it in the file (`Helpers.start(...)`, `cls.start(...)`)
      passes such a host, or for a gRPC port such an address
      (`serve(app, "0.0.0.0")`, `start(f"[::]:{port}")`, a local name the
      caller binds to one, the caller's own parameter with a click or typer
      default, or passed on by its callers in turn);
    - a fallback: `configured or "0.0.0.0"` (or `or ["::", "0.0.0.0"]`)
      when the configured host cannot be read: a host left unset serves on
      every interface, and the message says so; also written as two
      statements in one function, a literal default then an override
      guarded by itself (`host = "0.0.0.0"` … `if config.host: host =
      config.host`, or `if config.host is not None:`), which is the same
      fallback; an override under any other condition (`if debug: host =
      config.host`) is not judged, since the literal then reaches the server
      only on some runs the file cannot tell;
    - `self._host` (any attribute of the method's `self`) when every value
      the class gives it is such a host: a literal, a module constant, or a
      parameter of the method that sets it whose default is one, or, for
      `__init__`, that every call of the class in the file passes as one
      (`Server(app, "0.0.0.0")`), or, when the file makes none, every call
      in the package's other modules that import the class (`Server(app,
      host="0.0.0.0")` in `cli.py`, a literal or the calling function's
      parameter or option default; the message names the module); when the class does not set it, a base
      class in a module of the package it imports from may
      (`def __init__(self, app, host="0.0.0.0"): self.host = host`, a
      field or a property);
    - a `**kwargs` dict: written in the call (`**{"address": host}`), built
      in the function (`kw = {...}`, `kw.update({"host": ...})`,
      `kw["host"] = ...`), returned by a method of the class
      (`uvicorn.Config(app, **self._config_kwargs())`) or by a static or
      class method of another class of the file (`kw =
      Helpers.server_kwargs(host=host)`, its parameters judged by the
      method's callers);
    - a typer option default (`host: str = typer.Option("0.0.0.0")`), a
      click option on the function (`@click.option("--host",
      default="0.0.0.0")`, also kept in a module constant: `HOST_OPTION =
      click.option(...)` … `@HOST_OPTION`), or a parameter default that is an attribute of
      a project object (`host: str = ENV.host`, where the module that
      defines `ENV` gives `host` such a default: a field, or a property
      that returns it, `os.getenv("HOST", "0.0.0.0")` or a getter's
      `default="0.0.0.0"`);
    - the dict an object was configured from: `app = create_app({"host":
      "0.0.0.0"})` … `host=app.state.host`;
    - a constant of this file or of a project module built from constants
      (`ADDRESS = f"{OCTET}:9093"`, `HOST + ":80"`, `"%s:%d" % (...)`,
      `"{}:{}".format(...)`, also through a package's `__init__`
      re-exports), and a call of a project function every `return` of
      which is such a host (`host=get_all_interfaces_ip()` returning `"::"`
      or `"0.0.0.0"`; also as an argparse or field default); a function
      that may return something else, or run off its end, is not one;
    - for a bind helper called from other modules, the callers' values
      followed back through up to three project functions of their modules
      (`serve(app, host)` -> `run_server(app, host=host)`, an argparse or
      field default of the module, a module constant, an address built
      from a host).

    A call that hands such a host to a module-level function **of the
    same file** that serves on that parameter is reported at the call too
    (`start(app, host=args.ip)` with `--ip` defaulting to `"0.0.0.0"`),
    whatever the function's own default (which is judged at its bind).
    A call that hands such a host to a project function **of another
    module** is reported at the call, when that function passes the
    parameter on, through up to three project functions (of its module,
    others it imports, `module.function(...)`, `self.method(...)`), to a
    server's host or address: `run_server(app, host=args.host)`,
    `add_grpc_address(server, f"[::]:{port}")` (imported in the function
    too), and a method of an object whose project class is known (`store =
    Store(...)`, or a project factory every `return` of which makes one:
    `store.serve_ui(host=host)`; a method a class inherits from a base of
    its module or of a project module counts, and when the factory (of
    that module, or of this file making classes of project modules) makes
    one of several classes, each must hand the parameter on). The call's arguments must name a `host`
    or a `port` (the words that keep it in the fast path); the message
    names the helper's module and server.

    The app is known from its constructor (`Flask(...)`, `ls.LitServer(...)`)
    in place, through a name bound only to such calls, through a function of
    the same file every `return` of which gives such an app (the project's
    `create_app()`), or, for a test's parameter, through the module's pytest
    fixture of that name (`@pytest.fixture def server(): return
    ls.LitServer(api)`).

    Severity is medium: a container image legitimately binds all interfaces
    and relies on the platform in front of it. It is low when the file shows
    authentication (FastAPI security dependencies, `flask_httpauth`,
    `flask_login`, `login_required`, `jwt_required`, an authentication
    middleware, …), unless every use of it sits under an `if` that does not
    also hold the server (`if api_keys: app.add_middleware(...)`): an
    option may leave it off, so that stays medium.

    ## Why is this bad?
    A model server answers anyone who can reach the port: it leaks the
    model (ML05 Model Theft) and its predictions, burns GPU time, and often
    exposes more than inference (file uploads, `/docs`, admin and reload
    endpoints). On a laptop, a shared cluster node or a cloud VM with a
    public IP, `0.0.0.0` means "the whole network".

    ## Example
    ```python
    import uvicorn
    from fastapi import FastAPI

    app = FastAPI()

    if __name__ == "__main__":
        uvicorn.run(app, host="0.0.0.0", port=8000)
    ```

    ## Use instead
    ```python
    import uvicorn
    from fastapi import FastAPI

    app = FastAPI()

    if __name__ == "__main__":
        uvicorn.run(app, host="127.0.0.1", port=8000)  # expose through an authenticating proxy
    ```

    ## Known problems
    Authentication done outside the file (an API gateway, a reverse proxy,
    middleware added in another module) is not visible: silence a reviewed
    line with `# noqa: MLW707`, or keep the finding as the reminder it is.
    Tornado servers built elsewhere
    (a factory, another module), and
    servers the rule does not know (a project's own server class, a Rust
    or C++ server driven from Python) are not covered. A host handed
    through more than three project functions, through a configuration
    object built from several sources, or to a method of an object whose
    class comes from a factory returning several classes, is not followed. The package's other modules are looked
    through for calls of a class only when the file makes none; a module
    added later with such a call does not invalidate a cached result
    (`mlwarden check --no-cache`).

    ## References
    - [Uvicorn settings: --host](https://www.uvicorn.org/settings/)
    - [Flask: externally visible server](https://flask.palletsprojects.com/en/stable/quickstart/#a-minimal-application)
    - [Gradio: sharing your app and authentication](https://www.gradio.app/guides/sharing-your-app)
    - [CWE-306: Missing Authentication for Critical Function](https://cwe.mitre.org/data/definitions/306.html)
    - [CWE-668: Exposure of Resource to Wrong Sphere](https://cwe.mitre.org/data/definitions/668.html)
    - [OWASP ML05:2023 Model Theft](https://owasp.org/www-project-machine-learning-security-top-10/docs/ML05_2023-Model_Theft)
    """

    id = "MLW707"
    name = "serving-endpoint-exposed"
    severity = Severity.MEDIUM
    cwe = (306, 668)
    owasp = ("ML05:2023",)
    message = "`uvicorn.run(app, host=\"0.0.0.0\")` serves on every network interface with no authentication in this file; bind to 127.0.0.1 behind an authenticating proxy, or add authentication"
    # `gunicorn` (its imports and commands) and `bind` (its option in an
    # options dict and in a gunicorn.conf.py, which names no server)
    # `hypercorn`, and the command-line servers through their address option
    # (a file that imports mlflow or streamlit is not a guard for this rule)
    module_words = frozenset()  # RoundTripAware for its scopes only: no round trip, so no widening to the whole module
    triggers = frozenset({
        "uvicorn", "flask", "quart", "sanic", "litserve", "aiohttp", "gradio", "run_simple", "waitress", "ray.serve", "grpc",
        "add_insecure_port", "gunicorn", "bind", "hypercorn", "tornado", "streamlit.address", "mlflow.server", "mlflow.serve", "mlflow.ui", "bentoml.host", "http.server", "granian", "streamlit.run", "streamlit.main_run",
        # an app made by another module's factory, started with an explicit host and port;
        # a gradio UI built by another module, launched with a server name
        "run.host.port", "launch.server_name",
        # the standard library's servers on a (host, port) address (a listening socket's bind is `bind`)
        "socketserver", "http.server", "xmlrpc.server", "socket.create_server", "wsgiref", "werkzeug.serving.make_server",
        # inference, notebook and dashboard servers started from a command line, through their address option
        "vllm.host", "sglang.host", "launcher.hostname", "llama.host", "llama_cpp.host", "lmdeploy.name", "litellm.host", "xinference.host",
        "jupyter.ip", "jupyterlab.ip", "ServerApp.ip", "NotebookApp.ip", "tensorboard.host", "tensorboard.bind_all", "ray.dashboard", "aim.host",
        # a host, port or address handed to a project function of another module that serves on it
        "host", "port", "address", "addr",
        # ZeroMQ endpoints (`socket.bind("tcp://*:5555")` is `bind`; `tcp://*` handed elsewhere needs zmq)
        "zmq", "tcp",
        # websockets servers
        "websockets",
        # viser's visualisation server, gevent / eventlet / cheroot WSGI servers, bottle
        "viser", "gevent", "eventlet", "cheroot", "bottle.run",
        # Django's development server (`manage.py runserver 0.0.0.0:8000`, `call_command("runserver", …)`)
        "runserver",
        # asyncio's and twisted's listeners, multiprocessing's Listener, the MCP SDK's server, cherrypy's host
        "start_server", "create_server", "listenTCP", "listenSSL", "TCP4ServerEndpoint", "TCP6ServerEndpoint", "connection.Listener", "FastMCP", "dash", "bootstrap.run",
        # more server commands (`fastapi run`, `daphne -b`, `chainlit run --host`, `panel serve --address`, …)
        "fastapi.run", "daphne", "chainlit", "panel.serve", "bokeh.serve", "voila", "mkdocs.serve",
        "socket_host",
    })

    # a same-file helper's call with a keyword that ends in host / addr / address (`start(api_host="0.0.0.0")`)
    # holds no trigger word: the whole module is seen when one is written
    module_words = ROUND_TRIP_WORDS | frozenset({"_host=", "_addr=", "_address="})

    VALID = [
        Valid("import uvicorn\nuvicorn.run(app, host='127.0.0.1', port=8000)"),
        Valid("import uvicorn\nuvicorn.run(app)"),
        Valid("import subprocess\nsubprocess.Popen(['gunicorn', '-w', '4', 'wsgi:app'])"),
        Valid("import subprocess\nsubprocess.Popen(['uvicorn', 'serve:app', '--host', '127.0.0.1'])"),
        Valid("import subprocess\nsubprocess.run(['flask', '--app', 'serve', 'routes', '-h'])"),
        Valid("from flask import Flask\napp = Flask(__name__)\napp.run()"),
        Valid("from flask import Flask\napp = Flask(__name__)\napp.run(host='localhost', port=5000)"),
        Valid("import gradio as gr\ndemo.launch(server_name='0.0.0.0', auth=('admin', pw))"),
        Valid("import gradio as gr\ndemo.launch()"),
        Valid("trainer.run(host='0.0.0.0')"),
        Valid("from aiohttp import web\nweb.run_app(app, host='127.0.0.1')"),
        Valid("import websockets\nasync def main():\n    async with websockets.serve(stream, 'localhost', 8765):\n        await stop"),
        Valid("import uvicorn\nuvicorn.run(app, host=args.host)"),
        Valid("import gradio as gr\ndef main(args):\n    auth = read_creds(args.auth_file)\n    demo.launch(server_name='0.0.0.0', auth=auth)"),
        Valid("import importlib\nuvicorn = importlib.import_module(name)\nuvicorn.run(app, host='0.0.0.0')"),
        Valid("from flask import Flask\nsite = Flask(__name__)\nsite.run(host='')"),
        Valid("import grpc\nserver = grpc.server(executor)\nserver.add_insecure_port('localhost:50051')"),
        Valid("import subprocess\nsubprocess.run(['streamlit', 'run', 'app.py', '--server.address', 'localhost'])"),
        Valid("import uvicorn\nclass Service:\n    def __init__(self, api, listen='127.0.0.1'):\n        self._listen = listen\n    def start(self):\n        uvicorn.run(self.api, host=self._listen)"),
        Valid("import uvicorn\ndef main(api, cfg):\n    uvicorn.run(api, host=cfg.get('host', '127.0.0.1'))"),
        Valid("from .factory import make_app\napp = make_app()\napp.run(host='127.0.0.1', port=5005)"),
        Valid("import socket\ndef free_port():\n    with socket.socket() as s:\n        s.bind(('', 0))\n        return s.getsockname()[1]"),
        Valid("import socketserver\nsocketserver.TCPServer(('127.0.0.1', 9000), Handler).serve_forever()"),
        Valid("import os\ndef serve(py, app):\n    os.system('{} -m uvicorn {} --host 127.0.0.1'.format(py, app))"),
        Valid("import zmq\nsock = zmq.Context().socket(zmq.REP)\nsock.bind('tcp://127.0.0.1:5555')\nsock.connect('tcp://0.0.0.0:5556')"),
        Valid("from .gunicorn_app import Standalone\ndef serve(app, port):\n    Standalone(app, {'bind': '127.0.0.1:%s' % port, 'workers': 2}).run()"),
    ]
    INVALID = [
        Invalid("import uvicorn\nfrom fastapi import FastAPI\napp = FastAPI()\nuvicorn.run(app, host='0.0.0.0', port=8000)"),
        Invalid("from flask import Flask\napp = Flask(__name__)\napp.run('0.0.0.0', 5000)"),
        Invalid("from quart import Quart\napp = Quart(__name__)\napp.run(host='::')"),
        Invalid("import gradio as gr\ndemo = gr.Interface(fn, 'text', 'text')\ndemo.launch(server_name='0.0.0.0', server_port=7860)"),
        Invalid("from aiohttp import web\nweb.run_app(app, port=8080)"),
        Invalid("import websockets\nasync def main():\n    async with websockets.serve(stream, '0.0.0.0', 8765):  # error: MLW707\n        await stop"),
        Invalid("from websockets.asyncio.server import serve as ws_serve\nasync def main(port):\n    server = await ws_serve(stream, port=port)  # error: MLW707\n    await server.serve_forever()"),
        Invalid("from websockets.sync.server import serve\nwith serve(handler, host='', port=8765) as server:  # error: MLW707\n    server.serve_forever()"),
        Invalid("import websockets\nasync def main(args, options):\n    async with websockets.serve(lambda ws: stream(ws, args), '0.0.0.0', args.port, **options):  # error: MLW707\n        await stop"),
        Invalid("import uvicorn\ndef main(api, options):\n    uvicorn.run(api, '0.0.0.0', **options)"),
        Invalid(
            "import argparse\nimport uvicorn\nparser = argparse.ArgumentParser()\nparser.add_argument('--host', default='0.0.0.0')\n"
            "args = parser.parse_args()\nuvicorn.run('server:app', host=args.host)"
        ),
        Invalid(
            "from dataclasses import dataclass\nimport uvicorn\n@dataclass\nclass ServeConfig:\n    host: str = '0.0.0.0'\n    port: int = 8000\n"
            "cfg = ServeConfig()\nuvicorn.run(app, host=cfg.host, port=cfg.port)"
        ),
        Invalid("import os\nfrom flask import Flask\napp = Flask(__name__)\napp.run(host=os.environ.get('HOST', '0.0.0.0'))"),
        Invalid("import litserve as ls\nserver = ls.LitServer(api)\nserver.run(port=8000)"),
        Invalid(notebook_json("import uvicorn", "uvicorn.run(app, host=\"0.0.0.0\")"), filename="example.ipynb"),
        Invalid(
            "import gradio as gr\ndef main(args):\n    auth = None\n    if args.auth_file:\n        auth = read_creds(args.auth_file)\n"
            "    demo.queue().launch(server_name='0.0.0.0', auth=auth)"
        ),
        Invalid("from .utils import lazy_import\nuvicorn = lazy_import('uvicorn')\ndef serve(app, host='0.0.0.0'):\n    uvicorn.run(app, host=host)"),
        Invalid("import grpc\nfrom grpc import aio\ndef start(port):\n    server = aio.server()\n    listen = f'[::]:{port}'\n    server.add_insecure_port(listen)"),
        Invalid("import uvicorn as uv\ndef main(api):\n    where = '0.0.0.0'\n    uv.run(api, host=where)"),
        Invalid("import subprocess\nsubprocess.Popen(['gunicorn', '--bind', '0.0.0.0:8000', 'wsgi:app'])"),
        Invalid("import subprocess\nsubprocess.Popen(['uvicorn', 'serve:app', '--host', '0.0.0.0', '--port', '8000'])"),
        Invalid("import os\nos.system('python -m uvicorn serve:app --host=0.0.0.0')"),
        Invalid("import subprocess\ncmd = ['uv', 'run', 'flask', '--app', 'serve', 'run', '-h', '0.0.0.0']  # error: MLW707\nsubprocess.run(cmd)"),
        Invalid("from gunicorn.app.base import BaseApplication\ndef serve(app, port):\n    opts = {'bind': f'0.0.0.0:{port}', 'workers': 2}  # error: MLW707\n    Standalone(app, opts).run()"),
        Invalid("import litserve as ls\ndef create(api):\n    return ls.LitServer(api)\ncreate(Api()).run(port=8000)"),
        Invalid(
            "import uvicorn\nclass Service:\n    def __init__(self, api, listen='0.0.0.0'):\n        self.api = api\n"
            "        self._listen = listen\n    def start(self):\n        uvicorn.run(self.api, host=self._listen)  # error: MLW707"
        ),
        Invalid("import uvicorn\ndef serve(api):\n    opts = {'port': 80}\n    opts['host'] = '::'\n    uvicorn.run(api, **opts)  # error: MLW707"),
        Invalid("import subprocess\nsubprocess.Popen(['mlflow', 'server', '--host', '0.0.0.0', '--port', '5000'])"),
        Invalid("import uvicorn\ndef main(api, **run_kwargs):\n    uvicorn.run(api, host=run_kwargs.get('host', '0.0.0.0'))"),
        Invalid("from flask import Flask\napp = Flask(__name__)\ndef main(**extra):\n    opts = {'host': '0.0.0.0', **extra}\n    app.run(**opts)  # error: MLW707"),
        Invalid("from .factory import make_app\ndef serve(interface='0.0.0.0', port=5005):\n    app = make_app()\n    app.run(host=interface, port=port)  # error: MLW707"),
        Invalid("from http.server import HTTPServer, SimpleHTTPRequestHandler\nHTTPServer(('', 8000), SimpleHTTPRequestHandler).serve_forever()"),
        Invalid("import socket\ndef listen(port, host='0.0.0.0'):\n    s = socket.socket()\n    s.bind((host, port))  # error: MLW707\n    s.listen()"),
        Invalid("import subprocess\ndef serve(py, app, port):\n    subprocess.Popen('{} -m uvicorn {} --host 0.0.0.0 --port {}'.format(py, app, port))  # error: MLW707"),
        Invalid("import os as o\nBIND = '0.0.0.0'\ndef serve(port):\n    o.system('gunicorn -b %s:%d app:app' % (BIND, port))  # error: MLW707"),
        Invalid("from .apps import Standalone\ndef serve(app, port):\n    options = {'bind': '0.0.0.0:%s' % port, 'workers': 4}  # error: MLW707\n    Standalone(app, options).run()"),
        Invalid("import zmq\nsock = zmq.Context().socket(zmq.ROUTER)\nsock.bind('tcp://*:5555')"),
        Invalid(notebook_json("import zmq\ns = zmq.Context().socket(zmq.PUB)\nport = 5556", "s.bind(f\"tcp://0.0.0.0:{port}\")"), filename="pub.ipynb"),
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._all_interface_attrs: Optional[FrozenSet[str]] = None
        self._auth: Optional[bool] = None
        self._optional_auth: Any = None
        self._flask_run = False
        self._none_is_all = False
        self._auth_condition = ""
        self._branch = ""
        self._call_auth = False  # the call itself authenticates its clients (`Listener(..., authkey=key)`)

    def _may_be_none(self, expr: Any) -> bool:
        """``expr`` is a name one of whose bindings is ``None`` (``auth =
        None`` then ``if args.auth_path: auth = parse(...)``)."""
        if not isinstance(expr, cst.Name):
            return False
        return any(isinstance(v, cst.Name) and v.value == "None" for v in self.bound_values(expr.value, skip_imports=True))

    # -- where servers start ---------------------------------------------------
    def visit_Call(self, node: libcst.Call) -> None:
        self._call_auth = False
        self._flask_run = False
        self._none_is_all = False
        self._branch = ""
        func = node.func
        callee = func.attr.value if isinstance(func, cst.Attribute) else func.value if isinstance(func, cst.Name) else ""
        if callee == "run" and self.ctx.call_to(node, ("streamlit.web.bootstrap.run",)):
            self._check_streamlit_bootstrap(node)
        if callee == "main_run" and node.args and self.ctx.call_to(node, ("streamlit.web.cli.main_run",)):
            self._check_streamlit(node, node.args[0].value, ("streamlit", "run"))  # main_run([script, *options])
        elif _RUNS_COMMANDS.search(callee):
            for arg in node.args[:1]:
                self._check_command(arg.value)  # not print(...) or log.info(...): a message is not a command
                self._check_streamlit(node, arg.value, ())
        if not _SAYS.search(callee):
            # a command handed over as a keyword (`Process(target=run, kwargs={...})`, `Popen(args=[...])`)
            for arg in node.args:
                if arg.keyword is not None and arg.keyword.value not in _MESSAGE_KEYWORDS:
                    self._check_command(arg.value)
        if callee == "call_command" and node.args and self.ctx.value(node.args[0].value) == "runserver" and self.ctx.call_to(node, ("django.core.management.call_command",)):
            self._check_runserver_call(node)
        if isinstance(func, cst.Attribute) and func.attr.value == "set" and len(node.args) > 1 and self.ctx.value(node.args[0].value) == "bind":
            self._check_gunicorn_bind(node.args[1].value)  # self.cfg.set("bind", "0.0.0.0:8000") in a gunicorn app
        if self._zmq_listener(node, callee):
            return
        grpc = self._grpc_port_all(node) or self._socket_address(node)
        if isinstance(grpc, tuple):
            shown, verdict = grpc
        elif grpc is not None:
            shown, verdict = grpc, True
        else:
            found = self._server_host(node)
            if found is None:
                helper = self._helper_call(node)
                if helper is not None:
                    self._report_exposed(node, helper)
                return
            shown, host, default_all = found
            if isinstance(host, _Judged):
                verdict = host.all
            elif host is None:
                if not default_all:
                    return
                verdict = True
            else:
                # Flask's run() treats an empty host as 127.0.0.1
                verdict = self._all_interfaces(host, empty_is_local=self._flask_run)
        if not verdict:
            return
        if node is self._optional_auth:
            self.report(
                node,
                f"`{shown}` serves on every network interface and its `auth` is None unless an option sets it; require authentication, or bind to 127.0.0.1 behind an authenticating proxy",
                severity=Severity.MEDIUM,
            )
            return
        self._report_exposed(node, shown)

    def _report_exposed(self, node: Any, shown: str) -> None:
        auth = self._auth_visible() or self._call_auth
        if auth and self._auth_only_conditional(node):
            self.report(
                node,
                f"`{shown}` serves on every network interface; authentication in this file is added only under a condition (`if {self._auth_condition}:`), so the default run may be open; require it, or bind to 127.0.0.1 behind an authenticating proxy",
                severity=Severity.MEDIUM,
            )
            return
        self.report(
            node,
            f"`{shown}` serves on every network interface{self._branch} with no authentication in this file; bind to 127.0.0.1 behind an authenticating proxy, or add authentication"
            if not auth
            else f"`{shown}` serves on every network interface{self._branch}; authentication appears in this file, so check that it covers every route",
            severity=Severity.LOW if auth else Severity.MEDIUM,
        )

    # -- gunicorn: a literal command, an options dict, a config file ---------------
    def _check_command(self, value: Any, program: str = "") -> None:
        """``["gunicorn", "-b", "0.0.0.0:8000", "app:app"]`` (or
        ``python -m gunicorn``, ``"gunicorn --bind=0.0.0.0:80 app:app"``,
        ``uvicorn main:app --host 0.0.0.0``, ``flask run --host 0.0.0.0``)
        handed to a call or bound to a name; with ``program``, an argument
        vector whose first word (the script) stands for that program."""
        parts = _command_parts(self.ctx, value)
        if parts is None or not parts[0]:
            return
        words, exprs = parts
        if program:
            words, exprs = [program, *words[1:]], [None, *exprs[1:]]
        found = _server_bind_at(words)
        if found is not None:
            server, flag, address, index = found
            if flag == _DEFAULT_ALL_CLIS.get(server):
                if isinstance(value, (cst.List, cst.Tuple)):  # an argument list, not a line of text that may be a hint
                    self._report_exposed(value, f"{server} {flag}")  # `fastapi run` without --host
            elif flag in _ALL_INTERFACE_FLAGS.get(server, ()):
                self._report_exposed(value, f"{server} {flag}")  # tensorboard --bind_all
            elif _address_text_all(address.strip("'\"")) or address.strip().strip("'\"") in ALL_INTERFACES - {""}:
                self._report_exposed(value, f"{server} {flag} {address}")
            elif address.startswith("{…}") and exprs[index] is not None and self._all_interfaces(exprs[index]):
                # ["uvicorn", app, "--host", host], f"gunicorn --bind={HOST}:{PORT} app:app": the value's host
                self._report_exposed(value, f"{server} {flag} {_show(self.ctx, exprs[index])}")

    def _check_runserver_call(self, call: Any) -> None:
        """Django's ``call_command("runserver", [options…], addrport)`` (or
        ``addrport=…``): the address a literal, or ``f"{host}:{port}"`` whose
        host is on every interface (a parameter's default, an option …)."""
        given = self.ctx.keyword(call, "addrport")[1]
        if given is None:
            positional = [a.value for a in call.args[1:] if a.keyword is None and a.star == ""]
            words = [self.ctx.value(v) for v in positional]
            given = next((v for v, w in zip(positional, words) if not (isinstance(w, str) and w.startswith("-"))), None)
        if given is None:
            return
        text = self.ctx.value(given)
        if isinstance(text, str):
            found = _runserver_address([text])
            if found is not None and _address_text_all(found[0]):
                self._report_exposed(call, f"call_command(\"runserver\", {_show(self.ctx, given)})")
            return
        if isinstance(given, cst.FormattedString) and len(given.parts) >= 2:
            head, colon = given.parts[0], given.parts[1]
            if (isinstance(head, cst.FormattedStringExpression) and isinstance(colon, cst.FormattedStringText)
                    and colon.value.startswith(":") and self._all_interfaces(head.expression)):
                self._report_exposed(call, f"call_command(\"runserver\", {_show(self.ctx, given)})")

    def _check_streamlit(self, call: Any, value: Any, prefix: Tuple[str, ...]) -> None:
        """``streamlit run app.py`` handed to a call that runs it (a literal,
        or a name bound once to one) with no ``--server.address``: streamlit
        then listens on every interface. Low: ``.streamlit/config.toml`` or
        ``STREAMLIT_SERVER_ADDRESS`` may set an address this file does not
        show."""
        if isinstance(value, cst.Name):
            values = self.reaching_values(value.value, value)
            if len(values) != 1 or values[0] is None:
                return
            value = values[0]
        if isinstance(value, cst.BinaryOperation) and isinstance(value.operator, cst.Add):
            # [script, "--server.port", port] + sys.argv[2:]: the literal lists are what a default run passes
            operands: List[Any] = []
            stack = [value]
            while stack:
                item = stack.pop()
                if isinstance(item, cst.BinaryOperation) and isinstance(item.operator, cst.Add):
                    stack.extend((item.right, item.left))
                else:
                    operands.append(item)
            if not isinstance(operands[0], (cst.List, cst.Tuple)):
                return
            words = [w for item in operands if isinstance(item, (cst.List, cst.Tuple)) for w in (_command_words(self.ctx, item) or [])]
            value = operands[0]
        else:
            words = _command_words(self.ctx, value)
        if not words or "streamlit" not in prefix and not any("streamlit" in w for w in words[:3]):
            return
        words = [*prefix, *words]
        rest = words[2:] if _PYTHON.match(words[0]) and len(words) > 2 and words[1] == "-m" else words
        if len(rest) < 3 or rest[0].rsplit("/", 1)[-1] != "streamlit" or rest[1] != "run":
            return
        if any("server.address" in w or "server_address" in w.lower() for w in rest) or "STREAMLIT_SERVER_ADDRESS" in self.ctx.module.code_for_node(call):
            return
        self.report(
            value,
            f"`{' '.join(rest[:3])}` without `--server.address` serves on every network interface (streamlit's default) unless a `.streamlit/config.toml` or `STREAMLIT_SERVER_ADDRESS` sets an address; pass `--server.address 127.0.0.1` and expose it through an authenticating proxy",
            severity=Severity.LOW,
        )

    def _check_streamlit_bootstrap(self, call: Any) -> None:
        """streamlit's ``bootstrap.run(script, is_hello, args, flag_options)``:
        the ``server_address`` (or ``server.address``) of its flag dict (a
        literal, or a name bound once in the function to one) on every
        interface is medium; a flag dict without one serves on every
        interface unless a config file sets an address (low, as
        ``streamlit run`` without ``--server.address``)."""
        flags = self.ctx.arg(call, 3, "flag_options")
        if isinstance(flags, cst.Name):
            values = self.reaching_values(flags.value, flags)
            flags = values[0] if len(values) == 1 else None
        if not isinstance(flags, cst.Dict) or any(not isinstance(e, cst.DictElement) for e in flags.elements):
            return
        address = next((e.value for e in flags.elements if self.ctx.value(e.key) in ("server_address", "server.address")), None)
        if address is None:
            self.report(
                call,
                "`streamlit.web.bootstrap.run(...)` without a `server_address` flag serves on every network interface (streamlit's default) unless a `.streamlit/config.toml` or `STREAMLIT_SERVER_ADDRESS` sets an address; set it to 127.0.0.1 and expose the app through an authenticating proxy",
                severity=Severity.LOW,
            )
        elif self._all_interfaces(address):
            self._report_exposed(call, f"streamlit bootstrap.run(..., server_address={_show(self.ctx, address)})")

    def visit_Assign(self, node: libcst.Assign) -> None:
        self._branch = ""
        self._call_auth = False
        self._check_command(node.value)
        for target in node.targets:
            target = target.target
            if isinstance(target, cst.Attribute) and target.attr.value == "argv" and "sys.argv" in self.ctx.qualnames(target) and self._imports_gunicorn():
                # gunicorn's own entry point run in process: `sys.argv = [sys.argv[0], "-b",
                # f"{host}:{port}", ...]` then `WSGIApplication(...).run()` reads these options
                self._check_command(node.value, program="gunicorn")
            if isinstance(target, cst.Subscript) and len(target.slice) == 1:
                index = target.slice[0].slice
                if isinstance(index, cst.Index) and self.ctx.value(index.value) == "bind":
                    self._check_gunicorn_bind(node.value)  # options["bind"] = "0.0.0.0:8000"
            elif isinstance(target, cst.Attribute) and target.attr.value == "socket_host" and imports_module(self.ctx, "cherrypy"):
                # cherrypy.server.socket_host = "0.0.0.0"
                if self._all_interfaces(node.value):
                    self._report_exposed(node.value, f"cherrypy server.socket_host = {_show(self.ctx, node.value)}")
            elif isinstance(target, cst.Attribute) and target.attr.value == "bind" and imports_module(self.ctx, "hypercorn"):
                self._check_bind_list(node.value, "hypercorn config.bind = {value}")  # config = hypercorn.config.Config(); config.bind = ["0.0.0.0:8000"]
            elif isinstance(target, cst.Name) and target.value == "bind" and not self._rt_stack() and _GUNICORN_CONFIG.match(str(self.unit.path).replace("\\", "/").rsplit("/", 1)[-1]):
                self._check_gunicorn_bind(node.value, config_file=True)  # gunicorn.conf.py: bind = "0.0.0.0:8000"

    def visit_Dict(self, node: libcst.Dict) -> None:
        self._branch = ""
        self._call_auth = False
        for element in node.elements:
            if not isinstance(element, cst.DictElement):
                continue
            key = self.ctx.value(element.key)
            if key == "server.socket_host" and imports_module(self.ctx, "cherrypy"):
                # cherrypy.config.update({"server.socket_host": "0.0.0.0"}): 127.0.0.1 by default
                if self._all_interfaces(element.value):
                    self._report_exposed(element.value, f"cherrypy server.socket_host={_show(self.ctx, element.value)}")
            elif key == "bind":
                if self._imports_gunicorn():
                    self._check_gunicorn_bind(element.value)  # {"bind": "0.0.0.0:8000", "workers": 4}
                elif _GUNICORN_SETTINGS & {self.ctx.value(e.key) for e in node.elements if isinstance(e, cst.DictElement)}:
                    # {"bind": "0.0.0.0:%s" % port, "workers": n} handed to a project's gunicorn application
                    # (the file imports only that class): a gunicorn setting beside it names the options
                    self._check_bind_list(element.value, "gunicorn bind {address}", host_alone=False)
            elif not (isinstance(key, str) and key.lower() in _MESSAGE_KEYWORDS):
                self._check_command(element.value)  # {"cmd": "code-server --bind-addr 0.0.0.0:8080"} handed to a process

    def visit_Return(self, node: libcst.Return) -> None:
        self._branch = ""
        self._call_auth = False
        if node.value is not None:
            self._check_command(node.value)  # a command builder: `return ["vllm", "serve", model, "--host", "0.0.0.0"]`

    def _check_gunicorn_bind(self, value: Any, config_file: bool = False) -> None:
        if not config_file and not self._imports_gunicorn():
            return
        self._check_bind_list(value, "gunicorn bind {address}")

    def _check_bind_list(self, value: Any, shown: str, host_alone: bool = True) -> None:
        """A bind option: one address or a list of them (gunicorn's ``bind``,
        hypercorn's ``Config.bind``; a host alone takes port 8000 unless
        ``host_alone`` is False), reported at the first that binds every
        interface."""
        values = list(value.elements) if isinstance(value, (cst.List, cst.Tuple)) else [value]
        for item in values:
            address = item.value if isinstance(item, cst.Element) else item
            if self._address_all(address, 0, host_alone=host_alone):
                self._report_exposed(address, shown.format(address=_show(self.ctx, address), value=_show(self.ctx, value)))
                return

    # -- ZeroMQ ---------------------------------------------------------------------
    def _zmq_listener(self, node: Any, callee: str) -> bool:
        """A ZeroMQ listener on every interface, reported: a socket's
        ``bind("tcp://*:5555")`` / ``bind_to_random_port("tcp://0.0.0.0")``
        (also a ``%``, ``.format`` or f-string endpoint, or a name bound once
        to one), or, in a file that imports zmq, ``tcp://*:…`` handed to any
        other call (``device.listen("tcp://*:%s" % port)``: ``*`` only
        means anything to a bind). ZeroMQ has no authentication unless the
        socket enables CURVE / ZAP: medium, low when the file shows either
        (``curve_server``, ``zmq.auth``)."""
        if not node.args or node.args[0].keyword is not None or node.args[0].star:
            return False
        bind = callee in ("bind", "bind_to_random_port")
        if not bind and (_SAYS.search(callee) or callee in ("connect", "connect_to") or not self._imports_zmq()):
            return False
        endpoint = self._zmq_endpoint(node.args[0].value, star_only=not bind)
        if endpoint is None:
            return False
        curve = self._zmq_curve()
        self.report(
            node,
            f"`{endpoint}` makes a ZeroMQ socket listen on every network interface"
            + (
                "; CURVE / ZAP authentication appears in this file, so check that this socket uses it"
                if curve
                else " with no CURVE / ZAP authentication in this file: anyone who can reach the port can send it messages; bind to 127.0.0.1 (or ipc://), or enable CURVE"
            ),
            severity=Severity.LOW if curve else Severity.MEDIUM,
        )
        return True

    def _zmq_endpoint(self, value: Any, star_only: bool, depth: int = 0) -> Optional[str]:
        """The shown endpoint when ``value`` is a ``tcp://`` endpoint whose
        host is every interface (``*`` alone when ``star_only``)."""
        if isinstance(value, cst.Name) and depth < 2:
            values = self.reaching_values(value.value, value)
            if len(values) == 1 and values[0] is not None and not isinstance(values[0], cst.Name):
                return self._zmq_endpoint(values[0], star_only, depth + 1)
            return None
        text: object = UNKNOWN
        host_expr = None
        if isinstance(value, cst.BinaryOperation) and isinstance(value.operator, cst.Modulo):
            text = self.ctx.value(value.left)
            right = value.right
            host_expr = right.elements[0].value if isinstance(right, cst.Tuple) and right.elements else right
            marker = "%s"
        elif isinstance(value, cst.Call) and isinstance(value.func, cst.Attribute) and value.func.attr.value == "format":
            text = self.ctx.value(value.func.value)
            host_expr = value.args[0].value if value.args and value.args[0].keyword is None and not value.args[0].star else None
            marker = "{}"
        elif isinstance(value, cst.FormattedString):
            parts = list(value.parts)
            text = "".join(p.value if isinstance(p, cst.FormattedStringText) else "{}" for p in parts)
            first = next((p for p in parts if isinstance(p, cst.FormattedStringExpression)), None)
            host_expr = first.expression if first is not None else None
            marker = "{}"
        else:
            text = self.resolve(value)
            if text is UNKNOWN:
                text = self.local_value(value)
            marker = ""
        if not isinstance(text, str) or not text.startswith("tcp://"):
            return None
        host = text[len("tcp://"):]
        host = host.rsplit(":", 1)[0] if ":" in host.lstrip("[").split("]")[-1] or host.startswith("[") else host
        if host == "*" or (not star_only and host in ALL_INTERFACES - {""}):
            return _show(self.ctx, value, 40)
        if marker and host == marker and host_expr is not None and not star_only and self._all_interfaces(host_expr):
            return _show(self.ctx, value, 40)  # f"tcp://{host}:{port}" with host = "0.0.0.0"
        return None

    def _imports_zmq(self) -> bool:
        names = [n for names in self.ctx.imports.aliases.values() for n in names] + list(self.ctx.imports.star_modules)
        return any(part in ("zmq", "pyzmq") for name in names for part in name.split("."))

    def _zmq_curve(self) -> bool:
        code = self.unit.code.source
        return "curve_server" in code or "zmq.auth" in code or "CURVE_SERVER" in code

    def _server_host(self, node: Any) -> Optional[Tuple[str, Any, bool]]:
        """(display, host expression or None when omitted, default binds all)."""
        started = self._started_server(node)
        if started is not None:
            return started
        target = self.ctx.call_to(node, tuple(SERVERS)) or self._project_server_class(node)
        if target:
            position, keyword, default_all = SERVERS[target]
            if target == "ray.serve.start":
                return self._ray_host(node)
            host = self.ctx.arg(node, position, keyword) if position is not None else self.ctx.keyword(node, keyword)[1]
            self._none_is_all = target in _NONE_IS_ALL
            short = target.replace("aiohttp.web.", "web.").replace("werkzeug.serving.", "").replace("tornado.netutil.", "")
            port = self.ctx.arg(node, _PORT_POSITIONS[target], "port") if target in _PORT_POSITIONS else self.ctx.keyword(node, "port")[1]
            if port is not None and self.resolve(port) == 0:
                return None  # port 0: an ephemeral listener (a local bridge, a callback), as for the address servers
            if host is None and default_all and any(self.ctx.keyword(node, k)[0] for k in _OTHER_BINDINGS):
                # a Unix socket or a socket made elsewhere (`run_app(app, path=...)`, `start_server(cb,
                # sock=s)`, waitress `unix_socket=`): no TCP host of its own
                return None
            if target == "waitress.serve" and host is None and self.ctx.keyword(node, "listen")[0]:
                # waitress `listen="127.0.0.1:8080 [::1]:8080"`: every interface when one entry is
                listen = self.ctx.keyword(node, "listen")[1]
                text = self.resolve(listen)
                if not isinstance(text, str):
                    return None
                hosts = [entry.rsplit(":", 1)[0] if ":" in entry else entry for entry in text.split()]
                verdict = any(h.strip("[]") in ("", "*", "::") or h in ALL_INTERFACES for h in hosts)
                return f"{short}(..., listen={_show(self.ctx, listen)})", _Judged(verdict, listen), False
            if host is None and self.ctx.keyword(node, keyword)[0] is None:
                # hidden in **kwargs: a dict built in this function or returned by a method of the class
                # (a host given by position cannot be: `serve(h, "0.0.0.0", port, **options)`)
                judged = self._kwargs_host(node, keyword)
                return (f"{short}(..., **{_show(self.ctx, judged.via, 20)})", judged, False) if judged is not None else None
            return f"{short}(..., {keyword}={_show(self.ctx, host)})" if host is not None else f"{short}(...)", host, default_all
        func = node.func
        if not isinstance(func, cst.Attribute):
            return None
        method = func.attr.value
        if method == "launch" and (imports_module(self.ctx, "gradio") or self.ctx.keyword(node, "server_name")[0]):
            # gradio's launch(server_name=...): also on a UI built by another module (`create_ui().launch(...)`)
            present, host = self.ctx.keyword(node, "server_name")
            if not present:
                return None
            auth_present, auth = self.ctx.keyword(node, "auth")
            if auth_present is None:
                return None
            if auth_present and self._may_be_none(auth):
                self._optional_auth = node  # `auth = None` unless an option is given: off by default
            elif auth_present and self.resolve(auth) is not None:
                return None
            return f"launch(server_name={_show(self.ctx, host)})", host, False
        if method == "create_server" and self._asyncio_loop(func.value):
            # asyncio's `loop.create_server(protocol_factory, host=None, port=None)`: None is every interface
            host = self.ctx.arg(node, 1, "host")
            if host is None and (any(a.star for a in node.args) or any(self.ctx.keyword(node, k)[0] for k in _OTHER_BINDINGS)):
                return None  # the host may be in the spread arguments, or the server has a socket of its own
            self._none_is_all = True
            receiver = _show(self.ctx, func.value, 20)
            return (f"{receiver}.create_server(..., host={_show(self.ctx, host)})" if host is not None else f"{receiver}.create_server(...)"), host, True
        if method in ("listen", "bind") and self._tornado_server(func.value):
            # tornado: Application.listen / HTTPServer.listen(port, address=""), and TCPServer's
            # bind(port, address=None) before start(): every interface by default
            if self.ctx.keyword(node, "address")[0] is None:
                return None
            host = self.ctx.arg(node, 1, "address")
            self._none_is_all = True  # tornado binds every interface for address None as for ""
            receiver = _show(self.ctx, func.value, 20)
            return (f"{receiver}.{method}(..., address={_show(self.ctx, host)})" if host is not None else f"{receiver}.{method}(...)"), host, True
        if method in RUN_METHODS:
            if self.ctx.qualnames(func):
                return None  # subprocess.run, asyncio.run, …: a module function, not an app
            app = self._app_framework(func.value)
            receiver = _show(self.ctx, func.value, 20)
            for module, default_all in RUN_FRAMEWORKS.items():
                if RUN_METHODS[method] not in (None, module):
                    continue  # `prepare` is Sanic's, `run_server` Dash's
                if app == module or (app is None and not default_all and imports_module(self.ctx, module)):
                    self._flask_run = module == "flask"
                    if self.ctx.keyword(node, "host")[0] is None:
                        # app.run(**run_kwargs) with a dict built in this function (or by a method of the class)
                        judged = self._kwargs_host(node, "host") if module != "litserve" else None
                        return (f"{receiver}.run(**{_show(self.ctx, judged.via, 20)})", judged, False) if judged is not None else None
                    host = self.ctx.arg(node, 0, "host") if module != "litserve" else self.ctx.keyword(node, "host")[1]
                    if host is None and (not default_all or app != module):
                        return None
                    return (f"{receiver}.{method}(host={_show(self.ctx, host)})" if host is not None else f"{receiver}.{method}()"), host, default_all
            if method != "run":
                return None
            if app is None and self.ctx.keyword(node, "host")[0] and self.ctx.keyword(node, "port")[0] and not self._metrics_app(func.value):
                # an app this file cannot type (made by another module's factory) started with an
                # explicit host and port: a web app's run(); an empty host is taken as local (Flask)
                self._flask_run = True
                host = self.ctx.keyword(node, "host")[1]
                return f"{receiver}.run(host={_show(self.ctx, host)})", host, False
            if app is None and self.ctx.keyword(node, "host")[0] is None and not self._metrics_app(func.value) and any(a.star == "**" for a in node.args):
                # the same app run with a dict that holds both: `config = {"host": host, "port": port}`
                # … `app.run(**config)`
                judged = self._kwargs_host(node, "host")
                if judged is not None and self._kwargs_host(node, "port") is not None:
                    self._flask_run = True
                    return f"{receiver}.run(**{_show(self.ctx, judged.via, 20)})", judged, False
        return None

    def _project_server_class(self, node: Any) -> Optional[str]:
        """The server (a key of :data:`PROJECT_SERVER_BASES`) a project class
        called by ``node`` subclasses: a class of this file, or one imported
        from a project module, whose base is ``uvicorn.Config``
        (``class CustomServerConfig(uvicorn.Config)``), directly; None
        otherwise. Its constructor takes the base's host."""
        func = node.func
        if not isinstance(func, cst.Name) or self.ctx.qualnames(func):
            return None
        return self._project_subclass(func.value, PROJECT_SERVER_BASES)

    def _server_subclass(self, func: Any, bases: FrozenSet[str]) -> Optional[str]:
        """The server of ``bases`` that the class ``func`` names subclasses:
        a class of the module (through other classes of the module too), a
        class defined in an enclosing function (``class Server(
        socketserver.ThreadingTCPServer): …`` then ``Server((host, port),
        Handler)``), a class imported from a project module, or a name bound
        in branches to such classes (``ServerClass = ThreadingServer`` /
        ``ServerClass = PlainServer``), every one subclassing a server of
        ``bases``; None otherwise. The constructor takes the base's address."""
        if not isinstance(func, cst.Name) or self.ctx.qualnames(func):
            return None
        if func.value in self.ctx.facts.classes or self._nested_class(func.value) is not None or self._imported_function(func.value) is not None:
            return self._project_subclass(func.value, bases)
        values = self.bound_values(func.value)
        if not values or not all(isinstance(v, cst.Name) for v in values):
            return None
        found = []
        for value in values:
            direct = set(self.ctx.qualnames(value)) & bases  # `HTTPServerV4 = HTTPServer` in one branch
            found.append(direct.pop() if direct else self._project_subclass(value.value, bases) if not self.ctx.qualnames(value) else None)
        return found[0] if found and all(found) else None

    def _nested_class(self, name: str) -> Any:
        """The ``ClassDef`` called ``name`` among the statements of the
        functions that enclose the visited node (innermost first), or None."""
        for scope in reversed(self._rt_stack()):
            if isinstance(scope, cst.FunctionDef) and isinstance(scope.body, cst.IndentedBlock):
                for stmt in scope.body.body:
                    if isinstance(stmt, cst.ClassDef) and stmt.name.value == name:
                        return stmt
        return None

    def _project_subclass(self, name: str, bases: FrozenSet[str], depth: int = 0) -> Optional[str]:
        """The server of ``bases`` the class ``name`` (of this module, nested
        in an enclosing function, or imported from a project module)
        subclasses, directly or through other classes of its module (three
        levels at most); None otherwise."""
        import ast

        if depth > 3:
            return None
        nested = self._nested_class(name)
        if nested is not None:
            for base in nested.bases:
                hit = set(self.ctx.qualnames(base.value)) & bases
                if hit:
                    return hit.pop()
                if isinstance(base.value, cst.Name) and not self.ctx.qualnames(base.value):
                    found = self._project_subclass(base.value.value, bases, depth + 1)
                    if found:
                        return found
            return None
        cls = self.ctx.facts.classes.get(name)
        if cls is not None:
            for base in cls.bases:
                parts = dotted_parts(base)
                names = {".".join([q, *parts[1:]]) for q in self.ctx.facts.resolve(parts[0]).qualnames} if parts else set()
                hit = names & bases
                if hit:
                    return hit.pop()
                if isinstance(base, ast.Name) and not names and base.id != name:
                    found = self._project_subclass(base.id, bases, depth + 1)
                    if found:
                        return found
            return None
        target = self._imported_function(name)
        if target is None:
            return None
        path, name = target
        return _module_subclass(self.unit, Path(path), name, bases)

    def _started_server(self, node: Any) -> Optional[Tuple[str, Any, bool]]:
        """A server function handed to a thread or a process
        (:data:`STARTERS`): ``Thread(target=uvicorn.run, args=(app,),
        kwargs={"host": "0.0.0.0"})``. The host is the ``kwargs`` entry
        (a dict literal, ``dict(...)``, or a module constant of one) or the
        ``args`` element at the server's host position; neither given is the
        server's default. None when ``node`` starts no listed server, or
        when its arguments cannot be seen (a name for ``args``/``kwargs``)."""
        func = node.func
        callee = func.attr.value if isinstance(func, cst.Attribute) else func.value if isinstance(func, cst.Name) else ""
        if callee not in ("Thread", "Process"):
            return None
        starter = self.ctx.call_to(node, tuple(STARTERS))
        if starter is None:
            return None
        target_at, args_at, kwargs_at = STARTERS[starter]
        target = self.ctx.arg(node, target_at, "target")
        if target is None:
            return None
        names = self.ctx.qualnames(target)
        server = next((name for name in SERVERS if name in names), None)
        if server is None or server == "ray.serve.start":
            return None
        position, keyword, default_all = SERVERS[server]
        short = server.replace("aiohttp.web.", "web.").replace("werkzeug.serving.", "").replace("tornado.netutil.", "")
        shown = f"{callee}(target={short}, ...)"
        kwargs = self.ctx.arg(node, kwargs_at, "kwargs")
        host = None
        if kwargs is not None:
            mapping = self.ctx.value(kwargs)
            if not isinstance(mapping, dict):
                return None  # kwargs built elsewhere: cannot be seen
            host = mapping.get(keyword)
        args = self.ctx.arg(node, args_at, "args")
        if host is None and args is not None and position is not None:
            if not isinstance(args, (cst.Tuple, cst.List)) or any(isinstance(e, cst.StarredElement) for e in args.elements):
                return None
            if position < len(args.elements):
                host = args.elements[position].value
        self._none_is_all = server in _NONE_IS_ALL
        if host is not None:
            return f"{callee}(target={short}, ... {keyword}={_show(self.ctx, host)})", host, default_all
        return shown, None, default_all

    def _app_framework(self, receiver: Any) -> Optional[str]:
        """The framework whose app class built ``receiver`` (``Flask(...)``,
        ``ls.LitServer(...)``, inline or a name bound only to such calls),
        or None when it cannot be seen."""
        values = self.bound_values(receiver.value) if isinstance(receiver, cst.Name) else [receiver]
        if isinstance(receiver, cst.Name) and values == [None]:
            return self._fixture_framework(receiver.value)  # a parameter: a pytest fixture of that name?
        if len(values) == 1 and isinstance(values[0], cst.Name) and self.bound_values(values[0].value) == [None]:
            return self._fixture_framework(values[0].value)  # `server = server_fixture`
        frameworks = set()
        for value in values:
            if not isinstance(value, cst.Call):
                return None
            hit = {n.split(".", 1)[0] for n in self.ctx.qualnames(value.func)} & set(RUN_FRAMEWORKS)
            if not hit and isinstance(value.func, cst.Name) and not self.ctx.qualnames(value.func):
                # the project's own factory: `def create_app(): app = Flask(__name__) … return app`
                factory = self.ctx.facts.functions.get(value.func.value)
                framework = _returned_framework(self.ctx.facts, factory) if factory is not None else None
                hit = {framework} if framework else set()
            if not hit:
                return None
            frameworks |= hit
        return frameworks.pop() if len(frameworks) == 1 else None

    def _metrics_app(self, receiver: Any) -> bool:
        """An app named, or made by a factory named, for metrics or health
        checks (``metrics_app``, ``get_metrics_microservice()``): an
        exporter, not a model server."""
        names = [_show(self.ctx, receiver, 60)]
        values = self.bound_values(receiver.value) if isinstance(receiver, cst.Name) else []
        names.extend(_show(self.ctx, v.func, 60) for v in values if isinstance(v, cst.Call))
        return any(_METRICS_APP.search(name) for name in names)

    def _asyncio_loop(self, receiver: Any) -> bool:
        """``receiver`` is an asyncio event loop: ``asyncio.get_event_loop()``
        (``get_running_loop``, ``new_event_loop``) in place, or a name bound
        only to such calls."""
        values = self.bound_values(receiver.value) if isinstance(receiver, cst.Name) else [receiver]
        makers = ("asyncio.get_event_loop", "asyncio.get_running_loop", "asyncio.new_event_loop", "asyncio.events.get_event_loop")
        return bool(values) and all(isinstance(v, cst.Call) and self.ctx.call_to(v, makers) for v in values)

    def _tornado_server(self, receiver: Any) -> bool:
        """``receiver`` is a tornado ``Application`` or ``HTTPServer`` (a
        constructor in place, or a name bound only to such calls; a class of
        this module that subclasses one counts)."""
        if isinstance(receiver, cst.Attribute) and isinstance(receiver.value, cst.Name):
            return self._tornado_attribute(receiver)
        values = self.bound_values(receiver.value) if isinstance(receiver, cst.Name) else [receiver]
        if not values:
            return False
        for value in values:
            if not isinstance(value, cst.Call):
                return False
            names = set(self.ctx.qualnames(value.func))
            if not names and isinstance(value.func, cst.Name) and value.func.value in self.ctx.facts.functions:
                # the file's own factory: `def make_app(): return tornado.web.Application(handlers)`
                names = _returned_constructors(self.ctx.facts, self.ctx.facts.functions[value.func.value])
            if not names and isinstance(value.func, cst.Name):
                # a class of the module, nested in the function or imported from a project
                # module that subclasses one (`server = CustomHTTPServer(app)`)
                found = self._server_subclass(value.func, TORNADO_SERVERS)
                names = {found} if found else set()
            if not names & TORNADO_SERVERS:
                return False
        return True

    def _tornado_attribute(self, receiver: Any) -> bool:
        """``self.<attr>`` that every assignment in the enclosing module-level
        class binds to a tornado server: a constructor (``self.app =
        tornado.web.Application(...)``) or a call of a method of the class
        every return of which makes one (``self.app = self._make_app()``)."""
        import ast

        cls = self._own_class(receiver)
        if cls is None:
            return False
        # `self.app = None` (a placeholder until the server starts) is no server of another kind
        values = [(v, m) for v, m in _class_attr_values(cls, receiver.attr.value) if not (isinstance(v, ast.Constant) and v.value is None)]
        if not values:
            return False
        methods = {m.name: m for m in cls.body if isinstance(m, (ast.FunctionDef, ast.AsyncFunctionDef))}
        for value, method in values:
            if not isinstance(value, ast.Call):
                return False
            me = _first_param(method) if method is not None else None
            func = value.func
            if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and me is not None and func.value.id == me:
                made = methods.get(func.attr)
                names = _returned_constructors(self.ctx.facts, made) if made is not None else set()
            else:
                parts = dotted_parts(func)
                names = {".".join([q, *parts[1:]]) for q in self.ctx.facts.resolve(parts[0]).qualnames} if parts else set()
            if not names & TORNADO_SERVERS:
                return False
        return True

    def _fixture_framework(self, name: str) -> Optional[str]:
        """The framework of the app a module-level pytest fixture called
        ``name`` returns or yields (``@pytest.fixture def server(): return
        ls.LitServer(api)``, or a name bound once to such a call in it); a
        test's parameter of that name is that app."""
        facts = self.ctx.facts
        fixture = next(
            (f for f in facts.functions.values() if _fixture_name(f) == name), None
        )
        return _returned_framework(facts, fixture) if fixture is not None else None

    def _ray_host(self, node: Any) -> Optional[Tuple[str, Any, bool]]:
        present, options = self.ctx.keyword(node, "http_options")
        if not present:
            return None
        mapping = self.ctx.value(options)
        host = None
        if isinstance(mapping, dict):
            host = mapping.get("host")
        elif isinstance(options, cst.Call):
            host = self.ctx.arg(options, 99, "host")
        if host is None:
            return None
        return f"serve.start(http_options={{'host': {_show(self.ctx, host)}}})", host, False

    # -- is the host every interface? --------------------------------------------
    def _grpc_port_all(self, node: Any) -> Optional[str]:
        """``server.add_insecure_port(address)`` whose address binds every
        interface (``"[::]:50051"``, ``f"0.0.0.0:{port}"``, ``f"{host}:{port}"``
        with such a host), as the text to show; None otherwise."""
        func = node.func
        if not isinstance(func, cst.Attribute) or func.attr.value != "add_insecure_port":
            return None
        address = self.ctx.arg(node, 0, "address")
        if address is None or not self._address_all(address, 0):
            return None
        return f"{_show(self.ctx, func.value, 20)}.add_insecure_port({_show(self.ctx, address)})"

    def _socket_address(self, node: Any) -> Optional[Tuple[str, bool]]:
        """(text to show, verdict) for a server built on a ``(host, port)``
        address (:data:`ADDRESS_SERVERS`) or a listening socket's
        ``sock.bind((host, port))``, where an empty host is every
        interface; None when ``node`` is neither, or its address cannot be
        seen. Port 0 is a free-port probe or an ephemeral listener: not
        judged; a handler named for metrics or health checks is an exporter."""
        func = node.func
        target = self.ctx.call_to(node, ADDRESS_SERVERS)
        if not target and isinstance(func, cst.Name) and _address_first(node):
            target = self._server_subclass(func, _ADDRESS_CLASSES)  # class QuietServer(ThreadingHTTPServer)
        if target:
            address = self.ctx.arg(node, 0, _ADDRESS_KEYWORDS.get(target, "server_address"))
            if target == "multiprocessing.connection.Listener":
                # `Listener(address, authkey=...)`: clients must pass the HMAC challenge first
                authkey = self.ctx.arg(node, 2, "authkey")
                self._call_auth = authkey is not None and self.resolve(authkey) is not None
            head = target.rsplit(".", 1)[1]
            handler = self.ctx.arg(node, 1, "RequestHandlerClass") if target not in _ADDRESS_KEYWORDS else None
            if handler is not None and _METRICS_APP.search(_show(self.ctx, handler, 60)):
                return None
        elif isinstance(func, cst.Attribute) and func.attr.value == "bind" and len(node.args) == 1 and self._listening_socket(
            func.value, returned=self._is_param(node.args[0].value)
        ):
            address = node.args[0].value
            head = f"{_show(self.ctx, func.value, 20)}.bind"
        else:
            return None
        if address is None:
            return None
        shown = f"{head}({_show(self.ctx, address)})"
        host = self._tuple_host(address)
        if host is None and isinstance(address, cst.Name):
            hosts = self._branch_tuple_hosts(address)
            if hosts:
                # address = ("::", port) in one branch, ("0.0.0.0", port) in the other
                branch = self._branch
                if all(self._all_interfaces(h) for h in hosts):
                    self._branch = branch + " (every branch binds every interface)"
                    return shown, True
                self._branch = branch
                return shown, False
        if host is None:
            # def create_server_socket(addr): … sock.bind(addr), every call in the file passing ("", port)
            if not (isinstance(address, cst.Name) and self._from_callers(address, address="tuple")):
                return None
            helper = next(n.name.value for n in reversed(self._rt_stack()) if isinstance(n, cst.FunctionDef))
            if "is called with such" not in self._branch:  # not the callers of another module, named already
                self._branch += f" (every call of `{helper}` in this file passes such an address)"
            return shown, True
        return shown, self._all_interfaces(host)

    def _tuple_host(self, address: Any) -> Optional[Any]:
        """The host of a ``(host, port)`` address written in the call or bound
        once, in this function, to a name; None otherwise, or for port 0."""
        if isinstance(address, cst.Name):
            values = self.reaching_values(address.value, address)
            address = values[0] if len(values) == 1 else None
        if not isinstance(address, cst.Tuple) or len(address.elements) != 2 or any(isinstance(e, cst.StarredElement) for e in address.elements):
            return None
        if self.resolve(address.elements[1].value) == 0:
            return None
        return address.elements[0].value

    def _branch_tuple_hosts(self, address: Any) -> List[Any]:
        """The hosts of a name that two or more ``(host, port)`` tuples reach
        (the branches of an ``if``), none with port 0; [] otherwise."""
        values = self.reaching_values(address.value, address)
        if len(values) < 2:
            return []
        hosts = []
        for value in values:
            if not isinstance(value, cst.Tuple) or len(value.elements) != 2 or any(isinstance(e, cst.StarredElement) for e in value.elements):
                return []
            if self.resolve(value.elements[1].value) == 0:
                return []
            hosts.append(value.elements[0].value)
        return hosts

    def _is_param(self, expr: Any) -> bool:
        """``expr`` is a name that is a parameter of the enclosing function."""
        return isinstance(expr, cst.Name) and bool(self._param_stack()) and expr.value in self._param_stack()[-1]

    def _listening_socket(self, receiver: Any, returned: bool = False) -> bool:
        """``receiver`` is a TCP socket the code makes (``socket.socket(...)``,
        every binding that reaches here) and then listens on or hands to
        another call (``uvicorn.Server(...).serve(sockets=[sock])``), or, with
        ``returned`` (the address is the function's parameter: a factory of
        server sockets), returns; a socket only bound (a free-port probe), or
        bound to an address of its own and returned (a port held for later),
        a UDP or Unix socket is not."""
        if not isinstance(receiver, cst.Name):
            return False
        values = self.reaching_values(receiver.value, receiver)
        if not values or not all(isinstance(v, cst.Call) and self.ctx.call_to(v, ("socket.socket",)) for v in values):
            return False
        if any(_NOT_TCP.search(self.ctx.module.code_for_node(v)) for v in values):
            return False
        functions = [n for n in self._rt_stack() if isinstance(n, cst.FunctionDef)]
        text = self.ctx.module.code_for_node(functions[-1]) if functions else self.unit.code.source
        name = re.escape(receiver.value)
        if returned and re.search(rf"\breturn\s+{name}\s*$", text, re.MULTILINE):
            return True
        return re.search(rf"\b{name}\s*\.\s*listen\s*\(|[(\[,]\s*(?:\w+\s*=\s*)?\[?\s*{name}\s*[\]),]", text) is not None

    def _template_all(self, template: Any, placeholders: Any, first: Any) -> bool:
        """A ``host:port`` template whose host is every interface: written in
        it, or its first placeholder filled with such a host."""
        if not isinstance(template, str) or ":" not in template:
            return False
        host = template.rsplit(":", 1)[0].strip()
        if host in (placeholders if isinstance(placeholders, tuple) else (placeholders,)):
            return first is not None and self._all_interfaces(first)
        return host in ALL_INTERFACES

    def _imports_gunicorn(self) -> bool:
        """The file imports gunicorn, or a module of its own named for it
        (``from myproj.gunicorn_utils import StandaloneApplication``)."""
        names = [n for names in self.ctx.imports.aliases.values() for n in names] + list(self.ctx.imports.star_modules)
        return any("gunicorn" in part for name in names for part in name.split("."))

    def _address_all(self, address: Any, depth: int, host_alone: bool = False) -> bool:
        if isinstance(address, cst.BinaryOperation) and isinstance(address.operator, cst.Modulo):
            # "%s:%s" % ("0.0.0.0", port)
            # "%s:%s" % ("0.0.0.0", port), "0.0.0.0:%d" % port
            template, values = self.ctx.value(address.left), address.right
            first = values.elements[0].value if isinstance(values, cst.Tuple) and values.elements else values
            return self._template_all(template, "%s", first)
        if isinstance(address, cst.Call) and isinstance(address.func, cst.Attribute) and address.func.attr.value == "format" and address.args:
            # "{}:{}".format(host, port), "0.0.0.0:{}".format(port)
            first = address.args[0].value if address.args[0].keyword is None else None
            return self._template_all(self.ctx.value(address.func.value), ("{}", "{0}"), first)
        if isinstance(address, cst.FormattedString):
            parts = list(address.parts)
            if parts and isinstance(parts[0], cst.FormattedStringText):
                text = parts[0].value
                return ":" in text and text.rsplit(":", 1)[0].strip() in ALL_INTERFACES
            if len(parts) > 1 and isinstance(parts[0], cst.FormattedStringExpression) and isinstance(parts[1], cst.FormattedStringText) and parts[1].value.startswith(":"):
                return self._all_interfaces(parts[0].expression)
            return False
        if isinstance(address, cst.Name) and depth < 3:
            values = self.reaching_values(address.value, address)
            if len(values) == 1 and values[0] is not None and not isinstance(values[0], cst.Name):
                return self._address_all(values[0], depth + 1, host_alone)
        if isinstance(address, cst.Attribute) and isinstance(address.value, cst.Name) and depth < 3:
            # `self.uri = f"[::]:{port}"` in `__init__` … `add_insecure_port(self.uri)`: every value the
            # class gives the attribute is a `host:port` on every interface
            cls = self._own_class(address)
            values = _class_attr_values(cls, address.attr.value) if cls is not None else []
            judge = _AstHosts(self)
            if values and all(v is not None and judge.all(v, m, cls, 0, address=True) for v, m in values):
                self._branch += f" (`{address.attr.value}` is set to such an address in the class)"
                return True
        if isinstance(address, cst.Call) and isinstance(address.func, cst.Name) and _bound_once(self.ctx.facts, address.func.value):
            # get_address(params): a function of this file or the project that builds `f"{host}:{port}"`
            # from a host whose every binding is a literal or a look-up's literal default
            name = address.func.value
            hosts = file_values(self.unit, _module_tree(self)).address_returns.get(name)
            if hosts is None:
                hosts = project_values(self.unit).address_returns.get(name)
            if hosts and all(isinstance(h, str) and h.strip() in ALL_INTERFACES - {""} for h in hosts):
                self._branch = f" (the default host of the address `{name}()` builds)"
                return True
        value = self.resolve(address)
        if value is UNKNOWN:
            value = self.local_value(address)
        if value is UNKNOWN:
            value = self._project_constant(address)  # ADDRESS = f"{OCTET}:9093" here or in a project module
        if value is UNKNOWN and isinstance(address, cst.Name) and not host_alone and self._from_callers(address, address=True):
            return True  # def start(bind_address): … start("0.0.0.0:{}".format(port)) in this file
        if host_alone and isinstance(value, str) and ":" not in value:
            return value.strip() in ALL_INTERFACES - {""}  # gunicorn: a host alone takes port 8000
        return isinstance(value, str) and _address_text_all(value)

    def _all_interfaces(self, host: Any, empty_is_local: bool = False, depth: int = 0) -> bool:
        if isinstance(host, cst.IfExp):
            return depth < 4 and self._conditional_all(host, empty_is_local, depth)
        if isinstance(host, cst.Subscript) and depth < 4:
            # CONFIG["host"], CFG["server"]["host"], Settings.API_SERVER["host"]: the key's value in a
            # dict literal the file shows (a module constant, a name bound once in the function, a
            # class attribute of the module)
            entry = self._dict_entry(host, 0)
            if entry is not None:
                return self._all_interfaces(entry, empty_is_local, depth + 1)
        if isinstance(host, cst.BooleanOperation) and isinstance(host.operator, cst.Or):
            return depth < 4 and self._fallback_all(host, empty_is_local, depth)
        if isinstance(host, (cst.List, cst.Tuple)) and host.elements and not empty_is_local:
            # a list of hosts (`["::", "0.0.0.0"]`): every interface when one of them is
            return any(isinstance(e, cst.Element) and self._all_interfaces(e.value, depth=depth + 1) for e in host.elements)
        if isinstance(host, cst.Name) and depth < 3:
            # `host = host or "0.0.0.0"` … `run(host=host)`: the fallback the parameter gets, not its default
            values = self.reaching_values(host.value, host)
            if len(values) == 1 and _falls_back_to_itself(values[0], host.value):
                return self._all_interfaces(values[0], empty_is_local, depth + 1)
        value = self.resolve(host)
        if value is UNKNOWN:
            value = self.local_value(host)  # `host = "0.0.0.0"` … `run(host=host)` in this function
        if value is None and self._none_is_all:
            return True  # tornado: `address=None` (a parameter's default too) is every interface
        if isinstance(value, str):
            if empty_is_local and not value.strip():
                return False
            return value.strip() in ALL_INTERFACES
        if value is not UNKNOWN:
            return False
        if isinstance(host, cst.Name) and _bound_once(self.ctx.facts, host.value):
            # `from .constants import HOST` … `run(host=HOST)`: the project module's literal
            imported = project_values(self.unit).constant(host.value)
            if isinstance(imported, str):
                return not (empty_is_local and not imported.strip()) and imported.strip() in ALL_INTERFACES
            if self._env_default_all(project_values(self.unit).env_constant(host.value), host.value, empty_is_local):
                return True  # `from .env import HOST` with `HOST = os.getenv("HOST", "0.0.0.0")` there
        if isinstance(host, cst.Name):
            option = self._option_default(host.value)
            if option is not None:
                return self._all_interfaces(option, empty_is_local)  # host: str = typer.Option("0.0.0.0")
            if self._from_callers(host, address=False):
                return True  # def serve(app, host): … serve(app, "0.0.0.0") in this file
            if depth < 3:
                # `host = os.getenv("HOST", "0.0.0.0")` (or a conditional) … `run(host=host)`:
                # the one binding that reaches the use
                values = self.reaching_values(host.value, host)
                if len(values) == 1 and isinstance(values[0], (cst.Call, cst.IfExp, cst.BooleanOperation)):
                    return self._all_interfaces(values[0], empty_is_local, depth + 1)
                if self._every_branch_all(values, empty_is_local, depth):
                    return True  # `host = "::"` in one branch, `host = "0.0.0.0"` in the other
                guarded = self._guarded_override(host.value, values)
                if guarded is not None:
                    # `host = "0.0.0.0"` … `if config.host: host = config.host`: the two-statement
                    # form of `config.host or "0.0.0.0"`, judged as that fallback
                    override, default = guarded
                    return self._fallback_all(cst.BooleanOperation(left=override, operator=cst.Or(), right=default), empty_is_local, depth)
        if isinstance(host, cst.Attribute) and isinstance(host.value, cst.Name) and host.value.value != "self" and depth < 3:
            # `args.host = args.host or "0.0.0.0"` … `serve(args.host)`: the value the attribute is
            # given, unconditionally, earlier in the same function (or at module level)
            assigned = self._assigned_attribute(host)
            if assigned is not None:
                return self._all_interfaces(assigned, empty_is_local, depth + 1)
        if isinstance(host, cst.Attribute) and isinstance(host.value, cst.Name):
            constant = self._module_constant(host.value.value, host.attr.value)
            if isinstance(constant, str):
                # `from pkg.core import constants` … `constants.DEFAULT_HOST`: the module's literal
                return not (empty_is_local and not constant.strip()) and constant.strip() in ALL_INTERFACES
            if _bound_once(self.ctx.facts, host.value.value) and self._env_default_all(
                project_values(self.unit).env_constant(host.attr.value, host.value.value), _show(self.ctx, host, 30), empty_is_local
            ):
                return True  # `from pkg.core import env` … `env.HOST`, an environment look-up there
        if isinstance(host, cst.Attribute) and self._self_attr_all(host):
            return True  # self._host, set to "0.0.0.0" (or a parameter defaulting to it) in the class
        if isinstance(host, cst.Attribute) and self._own_class(host) is not None:
            if self._set_by_own_class(host):
                return False  # the class gives it its own values, judged above: a base class's default is not used
            if host.attr.value in attributes_defaulting_to(project_values(self.unit), ALL_INTERFACES, constructed=True):
                return True  # a base class of an imported project module sets it in __init__ from such a default
        if isinstance(host, cst.Attribute) and self._built_with_key(host):
            return True  # app = create_app({"server_host": "0.0.0.0"}) … app.state.server_host
        if isinstance(host, cst.Call):
            returned = self._returned_hosts(host)
            if returned is not None:
                # get_all_interfaces_ip(): a function of the file or the project every return of which is a constant
                if not returned or not all(isinstance(v, str) and v.strip() in ALL_INTERFACES for v in returned):
                    return False
                self._branch = f" (every value `{host.func.value}()` returns)"
                return True
            fallback = self._returned_env_default(host)
            if fallback is not None:
                # get_env_host(), a function that returns `getenv(ENV_HOST) or HOST`: its default is what ships
                variable, default = fallback
                if not isinstance(default, str) or (empty_is_local and not default.strip()) or default.strip() not in ALL_INTERFACES:
                    return False
                self._branch = f" when the environment does not set `{variable}` (the default `{host.func.value}()` returns)"
                return True
            # os.environ.get("HOST", "0.0.0.0"), os.getenv("HOST", "0.0.0.0")
            if self.ctx.call_to(host, ("os.environ.get", "os.getenv")):
                default = self.ctx.arg(host, 1, "default")
                return default is not None and self._all_interfaces(default, depth=depth + 1)
            getter = self._env_getter_default(host)
            if getter is not None:
                # get_env_value("HOST", "0.0.0.0"), a function of the project that returns os.getenv(key) or default
                if not self._all_interfaces(getter[1], empty_is_local, depth + 1):
                    return False
                self._branch = f" when the environment does not set `{getter[0]}` (the default given to `{host.func.value}`)"
                return True
            looked_up = self._lookup_default(host)
            if looked_up is None or depth >= 4 or not all(self._all_interfaces(e, empty_is_local, depth + 1) for e in looked_up[0]):
                return False
            self._branch = looked_up[1]
            return True
        if isinstance(host, cst.Attribute):
            # a field or option default of this file, or of a project module it imports from
            # (`settings.host` with `host: str = "0.0.0.0"` in settings.py)
            return host.attr.value in self._attrs_defaulting_to_all() or host.attr.value in attributes_defaulting_to(
                project_values(self.unit), ALL_INTERFACES
            )
        return False

    # -- a project function of another module that hands a parameter to a server --------
    def _helper_call(self, node: Any) -> Optional[str]:
        """The text to show when ``node`` calls a function imported from
        another project module that hands one of its parameters, through up
        to :data:`MAX_HELPER_HOPS` project functions, to a server's host or
        address (:func:`helper_binds`), and the call passes that parameter a
        value on every interface (judged here, as at a server call: a
        literal, an option or argparse default, a caller's value …); None
        otherwise. Judged only when the call's arguments name a host or a
        port (the words the rule's gate keeps such a call's code for)."""
        func = node.func
        if not isinstance(func, (cst.Name, cst.Attribute)) or not (_names_host_or_port(node) or self._class_address_arg(node)):
            return None
        pairs: Optional[List[Tuple[Path, str]]] = None
        if isinstance(func, cst.Name):
            target = self._imported_function(func.value)
            if target is None:
                target = self._file_class(func.value)  # Server(host="0.0.0.0") of a class of this file
            if target is None:
                # start(app, host=args.ip) of a function of this file that serves on its parameter: judged
                # at the call as well (the function's own bind is judged by its default)
                target = self._file_function(func.value)
            shown_name = func.value
        elif isinstance(func.value, cst.Name):
            # `serving.run_server(...)` with `from . import serving` (a project module)
            module = self._imported_function(func.value.value, module=True)
            target = (module[0], func.attr.value) if module is not None else None
            if target is None:
                # `server.start(host=host)` on an object of a project class: `server = Server(...)`,
                # or made by a project function every return of which makes one
                made = self._object_class(func.value)
                target = (made[0][0][0], "|".join(f"{c}.{func.attr.value}" for _p, c in made[0])) if made is not None else None
                pairs = [(where, f"{c}.{func.attr.value}") for where, c in made[0]] if made is not None else None
            shown_name = f"{func.value.value}.{func.attr.value}"
        else:
            return None
        if target is None:
            return None
        path, original = target
        found = _common_binds(pairs if pairs is not None else [(path, original)])
        if found is None:
            return None
        binds, read = found
        extra = getattr(self.unit, "extra", None)
        if extra is not None:
            extra.setdefault("read_files", set()).update(read)
        for param, (kind, server, position) in sorted(binds.items()):
            value = self.ctx.arg(node, position, param) if position is not None else self.ctx.keyword(node, param)[1]
            if value is None:
                continue
            if kind == "host":
                verdict = self._all_interfaces(value)
            elif kind == "address":
                verdict = self._address_all(value, 0)
            else:
                host = self._tuple_host(value)
                verdict = host is not None and self._all_interfaces(host)
            if verdict:
                self._branch += f" (`{shown_name}` hands `{param}` to `{server}` in `{Path(path).name}`)"
                return f"{shown_name}(..., {param}={_show(self.ctx, value)})"
        return None

    def _function_import(self, name: str, found: List[Tuple[Any, Any]]) -> Optional[Tuple[Any, Any]]:
        """The one ``from … import`` of ``found`` that sits directly in the
        body of the function being visited (one function of that name in
        the file, one such import of ``name`` in it, nothing else in it
        binding ``name``); None otherwise."""
        import ast

        functions = [n for n in self._rt_stack() if isinstance(n, cst.FunctionDef)]
        tree = _module_tree(self)
        if not functions or tree is None:
            return None
        wanted = functions[-1].name.value
        defs = [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.name == wanted]
        if len(defs) != 1:
            return None
        own = {id(n) for n in _own_nodes(defs[0])}
        local = [(stmt, alias) for stmt, alias in found if id(stmt) in own]
        if len(local) != 1:
            return None
        for node in _own_nodes(defs[0]):
            if isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Store):
                return None
            if isinstance(node, ast.Import) and any((a.asname or a.name.split(".")[0]) == name for a in node.names):
                return None
        return local[0]

    def _class_address_arg(self, node: Any) -> bool:
        """An argument of ``node`` is ``self.<attr>`` that the enclosing class
        sets to a ``host:port`` text (``self.uri = f"[::]:{port}"``): an
        address handed on under a name that is not a trigger word."""
        import ast

        for arg in node.args:
            value = arg.value
            if arg.star or not (isinstance(value, cst.Attribute) and isinstance(value.value, cst.Name)):
                continue
            cls = self._own_class(value)
            for assigned, _method in _class_attr_values(cls, value.attr.value) if cls is not None else ():
                if isinstance(assigned, ast.JoinedStr) and any(isinstance(p, ast.Constant) and ":" in str(p.value) for p in assigned.values):
                    return True
                if isinstance(assigned, ast.Constant) and isinstance(assigned.value, str) and ":" in assigned.value:
                    return True
        return False

    def _object_class(self, name: Any) -> Optional[Tuple[List[Tuple[Path, str]]]]:
        """((module file, class name), …) of the project classes the object
        ``name`` is bound to where it is used may be, when that one binding
        is a call of a class imported from a project module (``server =
        Server(app)``), of a function imported from one every return of
        which constructs a class of its module (``server =
        make_server(kind)`` returning ``HttpServer(...)`` or
        ``GrpcServer(...)``), or of a function of this file every return of
        which constructs a class imported from a project module."""
        import ast

        values = self.reaching_values(name.value, name)
        if len(values) == 1 and isinstance(values[0], cst.Call) and isinstance(values[0].func, cst.Attribute) and isinstance(values[0].func.value, cst.Name):
            # `server = serving.WorkerAPI(config)` with `from .modules import serving` (a project module)
            module = self._imported_function(values[0].func.value.value, module=True)
            if module is None:
                return None
            made = _constructed_classes(module[0], values[0].func.attr.value)
            return ([(module[0], c) for c in made],) if made else None
        if len(values) != 1 or not isinstance(values[0], cst.Call) or not isinstance(values[0].func, cst.Name):
            return None
        callee = values[0].func.value
        target = self._imported_function(callee)
        if target is not None:
            path, original = target
            made = _constructed_classes(path, original)
            return ([(path, c) for c in made],) if made else None
        # a factory of this file every return of which constructs a class imported from a project module
        function = self.ctx.facts.functions.get(callee)
        if function is None or not _bound_once(self.ctx.facts, callee) or not _ends_in_return(function.body):
            return None
        pairs: List[Tuple[Path, str]] = []
        for node in _own_nodes(function):
            if isinstance(node, (ast.Yield, ast.YieldFrom)):
                return None
            if isinstance(node, ast.Return):
                value = node.value
                if not (isinstance(value, ast.Call) and isinstance(value.func, ast.Name)):
                    return None
                imported = self._imported_function(value.func.id)
                if imported is None or _constructed_classes(imported[0], imported[1]) != [imported[1]]:
                    return None  # not a class of a project module
                pairs.append(imported)
        return (list(dict.fromkeys(pairs)),) if pairs else None

    def _file_class(self, name: str) -> Optional[Tuple[Path, str]]:
        """(this file, ``name``) when ``name`` is bound only by a module-level
        ``class`` statement of this file on disk (a ``.py`` file): its
        constructor's summary is read like another module's."""
        path = getattr(self.unit, "path", None)
        if path is None or not str(path).endswith(".py") or name not in self.ctx.facts.classes or not _bound_once(self.ctx.facts, name):
            return None
        return (Path(path), name) if Path(path).is_file() else None

    def _file_function(self, name: str) -> Optional[Tuple[Path, str]]:
        """(this file, ``name``) when ``name`` is bound only by a module-level
        ``def`` of this file on disk (a ``.py`` file), and the call is not
        inside that function (a recursive call is no caller)."""
        path = getattr(self.unit, "path", None)
        if path is None or not str(path).endswith(".py") or name not in self.ctx.facts.functions or not _bound_once(self.ctx.facts, name):
            return None
        if any(isinstance(n, cst.FunctionDef) and n.name.value == name for n in self._rt_stack()):
            return None
        if not any(imports_module(self.ctx, root) for root in _SERVER_ROOTS):
            return None  # the file imports no server: its functions cannot serve (and its summary is not worth reading)
        return (Path(path), name) if Path(path).is_file() else None

    def _imported_function(self, name: str, module: bool = False) -> Optional[Tuple[Path, str]]:
        """(module file, name there) when ``name`` is bound only by one
        ``from … import`` of a project module (at module level or in a
        function) of this file on disk; with ``module``, (the file of the
        project module ``name`` is, ``""``): ``from . import serving``,
        ``from pkg.util import serving``."""
        import ast

        path = getattr(self.unit, "path", None)
        if path is None:
            return None
        imports = self.__dict__.get("_from_imports")
        if imports is None:
            # local name -> the `from … import` statements that bind it, once per file
            imports = {}
            tree = _module_tree(self)
            for stmt in ast.walk(tree) if tree is not None else ():
                if isinstance(stmt, ast.ImportFrom) and (stmt.module or stmt.level):
                    for alias in stmt.names:
                        if alias.name != "*":
                            imports.setdefault(alias.asname or alias.name, []).append((stmt, alias))
            self.__dict__["_from_imports"] = imports
        if name not in imports:
            return None
        if _bound_once(self.ctx.facts, name) or _bound_only_by(self.ctx.facts, name, imports[name]):
            stmt, alias = imports[name][0]  # bound once: one import (or the same import in each branch)
        else:
            # `from pkg.api import launch` inside the function being visited: that import is the
            # binding here, whatever else the module binds to the name (the command's own `def`)
            local = self._function_import(name, imports[name])
            if local is None:
                return None
            stmt, alias = local
        if not Path(path).is_file():
            return None
        if module:
            dotted = f"{stmt.module}.{alias.name}" if stmt.module else alias.name
            source = module_file(Path(path), dotted, stmt.level or 0)
            return (source, "") if source is not None and source.name != "__init__.py" else None
        source = module_file(Path(path), stmt.module or "", stmt.level or 0)
        return (source, alias.name) if source is not None else None

    def _project_constant(self, expr: Any) -> object:
        """A name bound once in the file to a module constant built from
        constants (``ADDRESS = f"{OCTET}:{PORT}"``), or to one imported from
        a project module, or ``module.NAME`` of an imported project module
        (:func:`mlwarden.core.project.constant_value`); UNKNOWN otherwise."""
        if isinstance(expr, cst.Name) and _bound_once(self.ctx.facts, expr.value):
            own = file_values(self.unit, _module_tree(self)).constants
            if expr.value in own and expr.value in self.ctx.facts.module_scope.bindings:
                return own[expr.value]
            return project_values(self.unit).constant(expr.value)
        if isinstance(expr, cst.Attribute) and isinstance(expr.value, cst.Name):
            return self._module_constant(expr.value.value, expr.attr.value)
        return UNKNOWN

    def _every_branch_all(self, values: List[Any], empty_is_local: bool, depth: int) -> bool:
        """Two or more bindings reach the use (the branches of an ``if``) and
        every one binds every interface: a literal, or a value judged so
        (a look-up with such a default); None (an unindexed binding) or a
        name is not judged."""
        if len(values) < 2 or any(v is None or isinstance(v, cst.Name) for v in values):
            return False
        branch = self._branch
        if not all(self._all_interfaces(v, empty_is_local, depth + 1) for v in values):
            self._branch = branch
            return False
        self._branch = branch + " (every branch binds every interface)"
        return True

    def _returned_env_default(self, call: Any) -> Optional[Tuple[str, object]]:
        """(variable, default) when ``call`` calls a module-level function of
        this file, or one imported from a project module, every ``return``
        of which gives one environment variable or a constant fallback
        (:attr:`mlwarden.core.project.ModuleValues.env_returns`); None
        otherwise."""
        if not isinstance(call.func, cst.Name) or call.args or not _bound_once(self.ctx.facts, call.func.value):
            return None
        name = call.func.value
        found = file_values(self.unit, _module_tree(self)).env_returns.get(name)
        if found is None:
            found = project_values(self.unit).env_returns.get(name)
        return found

    def _returned_hosts(self, call: Any) -> Optional[Tuple[object, ...]]:
        """Every constant a call of a module-level function of this file, or
        of one imported from a project module, returns
        (:attr:`mlwarden.core.project.ModuleValues.returns`); None when the
        callee is not such a function."""
        if not isinstance(call.func, cst.Name) or not _bound_once(self.ctx.facts, call.func.value):
            return None
        name = call.func.value
        found = file_values(self.unit, _module_tree(self)).returns.get(name)
        if found is None:
            found = project_values(self.unit).returns.get(name)
        return found

    def _env_getter_default(self, call: Any) -> Optional[Tuple[str, Any]]:
        """(variable, default expression) of a call of an environment
        getter of this file or imported from a project module
        (:func:`mlwarden.core.project.env_getters`), or None."""
        if not isinstance(call.func, cst.Name) or not _bound_once(self.ctx.facts, call.func.value):
            return None
        name = call.func.value
        spec = file_values(self.unit, _module_tree(self)).env_getters.get(name) or project_values(self.unit).env_getters.get(name)
        if spec is None:
            return None
        key_at, key_name, default_at, default_name = spec
        variable = self.ctx.arg(call, key_at, key_name)
        default = self.ctx.arg(call, default_at, default_name)
        text = self.ctx.value(variable) if variable is not None else None
        if not isinstance(text, str) or default is None:
            return None
        return text, default

    def _env_default_all(self, found: Optional[Tuple[str, object]], shown: str, empty_is_local: bool = False) -> bool:
        """``found`` is (variable, default) of an imported environment look-up
        whose default binds every interface; the message then says the
        default applies when the environment does not set the variable."""
        if found is None or not isinstance(found[1], str):
            return False
        variable, default = found
        if (empty_is_local and not default.strip()) or default.strip() not in ALL_INTERFACES:
            return False
        self._branch = f" when the environment does not set `{variable}` (the default of the imported `{shown}`)"
        return True

    def _module_constant(self, module: str, name: str) -> object:
        """``module.name`` where ``module`` is bound only by its import of a
        project module (``from pkg import constants``), which assigns
        ``name`` once, to a literal; UNKNOWN otherwise."""
        if not _bound_once(self.ctx.facts, module):
            return UNKNOWN
        return project_values(self.unit).module_constant(module, name)

    def _lookup_default(self, call: Any) -> Optional[Tuple[List[Any], str]]:
        """The default of a keyed look-up whose key the code does not set:
        ``options.get("host", "0.0.0.0")`` (a mapping's ``get``) or
        ``getattr(args, "host", "0.0.0.0")``. None when the call is not
        such a look-up. When ``options`` is a dict built in this function
        that sets the key, the values it sets instead (what runs; no note);
        with the default, the note the message gives (the default applies
        when the key is not set)."""
        func = call.func
        if isinstance(func, cst.Name) and func.value == "getattr" and len(call.args) == 3 and "getattr" not in self.ctx.facts.module_scope.bindings:
            key, default = self.ctx.value(call.args[1].value), call.args[2].value
        elif isinstance(func, cst.Attribute) and func.attr.value == "get" and len(call.args) == 2 and not any(a.keyword or a.star for a in call.args):
            key, default = self.ctx.value(call.args[0].value), call.args[1].value
        else:
            return None
        if not isinstance(key, str) or key.strip("_").lower() not in HOST_KEYS:
            return None
        receiver = func.value if isinstance(func, cst.Attribute) else call.args[0].value
        if isinstance(receiver, cst.Name):
            functions = [n for n in self._rt_stack() if isinstance(n, cst.FunctionDef)]
            hosts: List[Any] = []
            if functions:
                _dict_entries(self.ctx, functions[-1], receiver.value, key, hosts, [])
            if hosts:
                return hosts, ""  # the dict sets the key: its values run, not the default
        return [default], f" when `{_show(self.ctx, receiver, 20)}` has no `{key}` (the look-up's default)"

    def _dict_entry(self, subscript: Any, depth: int) -> Any:
        """The expression a dict literal holds under the literal key of
        ``subscript`` (``CONFIG["host"]``), following nested subscripts,
        a name whose one reaching binding is the dict, and a class
        attribute of this module (``Settings.API_SERVER``, read with
        ``ast`` and returned as a literal wrapped for :meth:`_all_interfaces`);
        None when it cannot be seen."""
        if depth > 3 or len(subscript.slice) != 1 or not isinstance(subscript.slice[0].slice, cst.Index):
            return None
        key = self.ctx.value(subscript.slice[0].slice.value)
        if not isinstance(key, str):
            return None
        base = subscript.value
        mapping: Any = None
        if isinstance(base, cst.Subscript):
            mapping = self._dict_entry(base, depth + 1)
        elif isinstance(base, cst.Name):
            values = self.reaching_values(base.value, base)
            mapping = values[0] if len(values) == 1 else None
            code = self.ctx.module.code_for_node(self.ctx.module)
            if re.search(re.escape(base.value) + r"\s*(?:\[[^\]]*\]\s*=[^=]|\.(?:update|setdefault|pop|__setitem__)\()", code):
                return None  # the dict is changed in place somewhere: the literal may not be what reaches
        elif isinstance(base, cst.Attribute) and isinstance(base.value, cst.Name) and not self.ctx.qualnames(base.value):
            import ast

            cls = self.ctx.facts.classes.get(base.value.value)
            for stmt in getattr(cls, "body", ()):
                targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target] if isinstance(stmt, ast.AnnAssign) else []
                if any(isinstance(t, ast.Name) and t.id == base.attr.value for t in targets) and isinstance(getattr(stmt, "value", None), ast.Dict):
                    found = [_ast_literal(v) for k, v in zip(stmt.value.keys, stmt.value.values) if k is not None and _ast_literal(k) == key]
                    if len(found) == 1 and isinstance(found[0], str):
                        return cst.SimpleString(repr(found[0]))
            return None
        if not isinstance(mapping, cst.Dict):
            return None
        entries = [e.value for e in mapping.elements if isinstance(e, cst.DictElement) and self.ctx.value(e.key) == key]
        if any(isinstance(e, cst.StarredDictElement) for e in mapping.elements):
            return None  # `{**base, ...}`: the key may come from the spread dict
        return entries[-1] if entries else None

    def _assigned_attribute(self, attribute: Any) -> Any:
        """The value the last statement of the enclosing function's body (or
        of the module, outside functions) before the one holding
        ``attribute`` assigns to that attribute (``args.host = args.host or
        "0.0.0.0"``); None when none does, or when one of the statements in
        between assigns it under a condition (an ``if``, a loop)."""
        code = self.ctx.module.code_for_node(attribute)
        scope = next((n for n in reversed(self._rt_stack()) if isinstance(n, cst.FunctionDef)), None)
        if scope is not None and not isinstance(scope.body, cst.IndentedBlock):
            return None
        body = scope.body.body if scope is not None else self.ctx.module.body
        found = None
        for stmt in body:
            if _holds(stmt, attribute):
                return found
            text = self.ctx.module.code_for_node(stmt)
            if code not in text:
                continue
            if isinstance(stmt, cst.SimpleStatementLine):
                for small in stmt.body:
                    if (isinstance(small, cst.Assign) and len(small.targets) == 1 and isinstance(small.targets[0].target, cst.Attribute)
                            and self.ctx.module.code_for_node(small.targets[0].target) == code):
                        found = small.value
            elif re.search(re.escape(code) + r"\s*=[^=]", text):
                found = None  # assigned under a condition: the value that reaches cannot be told
                return None
        return None

    def _conditional_all(self, host: Any, empty_is_local: bool, depth: int) -> bool:
        """``a if cond else b``: both branches bind every interface, or the
        branch a default run takes does (:meth:`_default_branch`); the
        message then names that branch."""
        body = self._all_interfaces(host.body, empty_is_local, depth + 1)
        orelse = self._all_interfaces(host.orelse, empty_is_local, depth + 1)
        if body and orelse:
            return True
        if not (body or orelse):
            return False
        taken = self._default_branch(host.test)
        if taken is None or taken != body:
            return False
        test = _show(self.ctx, host.test, 30)
        self._branch = f" when `{test}` is {'true' if taken else 'false'} (the `{'if' if taken else 'else'}` branch, which a default run takes)"
        return True

    def _guarded_override(self, name: str, values: List[Any]) -> Optional[Tuple[Any, Any]]:
        """(override, default) when the two bindings of ``name`` that reach
        the use are a literal default and, after it, an override guarded by
        itself in an ``if`` without ``else`` of the same function:
        ``host = "0.0.0.0"`` then ``if cfg.host: host = cfg.host`` (or ``if
        cfg.host is not None:``). The override runs only when its value is
        set, so the pair is ``cfg.host or "0.0.0.0"`` (a ``None`` test admits
        an empty string, which binds every interface too). None otherwise."""
        if len(values) != 2 or any(v is None for v in values):
            return None
        default, override = values
        if not isinstance(default, cst.SimpleString) or isinstance(override, (cst.SimpleString, cst.Name)):
            return None  # a name is judged through its own bindings, a second literal by _every_branch_all
        functions = [n for n in self._rt_stack() if isinstance(n, cst.FunctionDef)]
        if not functions:
            return None
        stack: List[Any] = list(functions[-1].body.body) if isinstance(functions[-1].body, cst.IndentedBlock) else []
        while stack:
            node = stack.pop()
            if isinstance(node, (cst.FunctionDef, cst.ClassDef)):
                continue
            if isinstance(node, cst.If):
                body = node.body.body if isinstance(node.body, cst.IndentedBlock) else []
                if node.orelse is None and len(body) == 1 and isinstance(body[0], cst.SimpleStatementLine) and len(body[0].body) == 1:
                    assign = body[0].body[0]
                    if (
                        isinstance(assign, cst.Assign)
                        and assign.value is override
                        and len(assign.targets) == 1
                        and isinstance(assign.targets[0].target, cst.Name)
                        and assign.targets[0].target.value == name
                        and _tests_is_set(node.test, override)
                    ):
                        return override, default
                stack.extend(body)
                if node.orelse is not None:
                    stack.append(node.orelse)
            elif isinstance(node, cst.Else):
                stack.extend(node.body.body if isinstance(node.body, cst.IndentedBlock) else [])
            elif isinstance(node, (cst.For, cst.While, cst.With, cst.Try)):
                stack.extend(node.body.body if isinstance(node.body, cst.IndentedBlock) else [])
        return None

    def _fallback_all(self, host: Any, empty_is_local: bool, depth: int) -> bool:
        """``configured or "0.0.0.0"``: every interface when the configured
        host is (then no note), or when it is not set (empty, None) and the
        fallback is, unless the configured host is a literal that is set;
        the message then says the fallback applies."""
        left = self._all_interfaces(host.left, empty_is_local, depth + 1)
        if left:
            return True
        if not self._all_interfaces(host.right, empty_is_local, depth + 1):
            return False
        value = self.resolve(host.left)
        if value is UNKNOWN:
            value = self.local_value(host.left)
        if value is not UNKNOWN and value:
            return False  # a host that is set: the fallback never applies
        if self._set_by_default(host.left):
            return False  # an option, field or parameter whose default is a host: set on a default run
        self._branch = f" when `{_show(self.ctx, host.left, 30)}` is not set (the `or` fallback)"
        return True

    def _set_by_default(self, expr: Any) -> bool:
        """``expr`` has a non-empty default a default run gives it: a
        parameter's or option's default (``def f(host="127.0.0.1")``,
        ``click.option("--host", default=...)``), or an attribute named for
        an option or field of this file or the package's modules every
        default of which is a non-empty literal."""
        if isinstance(expr, cst.Name):
            default = self._option_default(expr.value)
            if default is None:
                default = self._param_default(expr.value)
            if default is None:
                return False
            value = self.resolve(default)
            return value is not UNKNOWN and bool(value)
        if isinstance(expr, cst.Attribute):
            name = expr.attr.value
            for values in (file_values(self.unit, _module_tree(self)), project_values(self.unit)):
                literals = values.attribute_defaults.get(name)
                if literals and all(isinstance(v, str) and v.strip() for v in literals):
                    return True
        return False

    def _default_branch(self, test: Any) -> Optional[bool]:
        """Whether a default run takes the ``if`` branch of a conditional
        on ``test``: its constant value when one can be read (a literal, a
        local or module constant, an option default), else, for a plain
        flag (a name or attribute, possibly under ``not``) whose value
        cannot be seen, that the flag is off; None for anything else (a
        comparison, a call)."""
        if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
            inner = self._default_branch(test.expression)
            return None if inner is None else not inner
        if (isinstance(test, cst.Comparison) and len(test.comparisons) == 1 and isinstance(test.comparisons[0].operator, (cst.In, cst.NotIn))
                and "os.environ" in self.ctx.qualnames(test.comparisons[0].comparator) and isinstance(self.ctx.value(test.left), str)):
            # `os.environ["HOST"] if "HOST" in os.environ else "0.0.0.0"`: a default run sets no variable
            return isinstance(test.comparisons[0].operator, cst.NotIn)
        if (isinstance(test, cst.Comparison) and len(test.comparisons) == 1 and isinstance(test.left, cst.Name)
                and isinstance(test.comparisons[0].operator, (cst.Is, cst.IsNot))
                and isinstance(test.comparisons[0].comparator, cst.Name) and test.comparisons[0].comparator.value == "None"):
            # `host if host is not None else "0.0.0.0"`: a parameter's readable default decides
            default = self._param_default(test.left.value)
            if default is None or any(v is not None for v in self.reaching_values(test.left.value, test.left)):
                return None  # no default, or rebound before the test
            value = self.resolve(default)
            if value is UNKNOWN:
                return None
            return (value is None) == isinstance(test.comparisons[0].operator, cst.Is)
        if not isinstance(test, (cst.Name, cst.Attribute)):
            return None
        value = self.resolve(test)
        if value is UNKNOWN:
            value = self.local_value(test)
        if value is UNKNOWN and isinstance(test, cst.Name):
            option = self._option_default(test.value)
            if option is None:
                option = self._param_default(test.value)
            if option is not None:
                value = self.resolve(option)
                if value is UNKNOWN:
                    return None  # a default we cannot read
        if value is not UNKNOWN:
            return bool(value)
        if isinstance(test, cst.Name) and any(v is not None for v in self.reaching_values(test.value, test)):
            return None  # a local computed from something: not a flag we can assume off
        return False

    def _param_default(self, name: str) -> Optional[Any]:
        """The default of the innermost enclosing function's parameter
        ``name`` (None without one)."""
        for function in reversed([n for n in self._rt_stack() if isinstance(n, cst.FunctionDef)]):
            params = function.params
            for param in (*params.posonly_params, *params.params, *params.kwonly_params):
                if param.name.value == name:
                    return param.default
        return None

    # -- hosts set elsewhere in the class, in **kwargs, in CLI option defaults -------
    def _method_and_class(self) -> Optional[Tuple[Any, Any]]:
        """(the enclosing method, its module-level class as ``ast``) when the
        code being visited sits directly in a method of a module-level class."""
        stack = self._rt_stack()
        if len(stack) < 2 or not isinstance(stack[-1], cst.FunctionDef) or not isinstance(stack[-2], cst.ClassDef):
            return None
        cls = self.ctx.facts.classes.get(stack[-2].name.value)
        return (stack[-1], cls) if cls is not None else None

    def _own_class(self, host: Any) -> Any:
        """The module-level class (as ``ast``) of the method being visited
        when ``host`` is ``self.<attr>`` of that method (its first
        parameter); None otherwise."""
        if not isinstance(host.value, cst.Name):
            return None
        found = self._method_and_class()
        if found is None:
            return None
        method, cls = found
        params = method.params.posonly_params or method.params.params
        return cls if params and params[0].name.value == host.value.value else None

    def _self_attr_all(self, host: Any) -> bool:
        """``self.<attr>`` every assignment of which in the class binds every
        interface (:meth:`_AstHosts.class_attr_all`)."""
        cls = self._own_class(host)
        return cls is not None and _AstHosts(self).class_attr_all(cls, host.attr.value, 0)

    def _set_by_own_class(self, host: Any) -> bool:
        """``self.<attr>`` that the enclosing module-level class assigns itself."""
        cls = self._own_class(host)
        return cls is not None and bool(_class_attr_values(cls, host.attr.value))

    def _built_with_key(self, host: Any) -> bool:
        """``obj.….<attr>`` where ``obj`` is bound, where it is used, only to
        a call handed a dict literal (or ``dict(...)``) whose ``"<attr>"``
        entry binds every interface: the object was configured from it
        (``app = create_app({"host": "0.0.0.0"})`` … ``app.state.host``)."""
        head = host.value
        while isinstance(head, cst.Attribute):
            head = head.value
        if not isinstance(head, cst.Name) or head.value in ("self", "cls"):
            return False
        values = self.reaching_values(head.value, head)
        if len(values) != 1 or not isinstance(values[0], cst.Call):
            return False
        hosts: List[Any] = []
        for arg in values[0].args:
            if not arg.star:
                hosts.extend(_entries(self.ctx, arg.value, host.attr.value))
        return bool(hosts) and all(self._all_interfaces(h) for h in hosts)

    def _from_callers(self, name: Any, address: Any) -> bool:
        """``name`` is a parameter without a default of the module-level
        function being visited (or of a ``@staticmethod``/``@classmethod``
        of a module-level class), not rebound in it, and every call of the
        function in the file passes it a host (or, with ``address``, a
        ``host:port``) on every interface."""
        stack = self._rt_stack()
        owner = None
        if len(stack) == 1 and isinstance(stack[0], cst.FunctionDef):
            function = self.ctx.facts.functions.get(stack[0].name.value)
        elif len(stack) == 2 and isinstance(stack[0], cst.ClassDef) and isinstance(stack[1], cst.FunctionDef):
            owner = self.ctx.facts.classes.get(stack[0].name.value)
            function = _static_method(owner, stack[1].name.value) if owner is not None else None
        else:
            return False
        if function is None or getattr(function, "lineno", None) is None:
            return False
        values = self.reaching_values(name.value, name)
        if not values or any(v is not None for v in values):
            return False
        return _AstHosts(self).param_from_callers(function, name.value, address, owner)

    def _kwargs_host(self, call: Any, keyword: str) -> Optional["_Judged"]:
        """The ``keyword`` a ``**`` argument of ``call`` passes, judged: a
        name bound in this function to a dict (literal, ``dict(...)``, then
        ``.update({...})`` / ``[key] = ...``) or to ``self.method()``, or
        ``**self.method()`` itself, the method of this class returning such
        a dict. None when no value for the key can be seen."""
        for arg in call.args:
            if arg.star != "**":
                continue
            value = arg.value
            hosts: List[Any] = []
            methods: List[str] = []
            others: List[Tuple[str, str]] = []
            if isinstance(value, cst.Name):
                functions = [n for n in self._rt_stack() if isinstance(n, cst.FunctionDef)]
                if not functions:
                    continue
                _dict_entries(self.ctx, functions[-1], value.value, keyword, hosts, methods, others)
            else:
                hosts.extend(_entries(self.ctx, value, keyword))  # **{"host": ...}, **dict(host=...)
                name = _self_method(value)
                if name:
                    methods.append(name)
                other = _class_method_call(value)
                if other:
                    others.append(other)
            verdicts = [self._all_interfaces(h) for h in hosts]
            judge = _AstHosts(self)
            for class_name, method_name in others:
                # `kw = Helpers.server_kwargs(host=host)`: the dict a static or class method of a
                # module-level class returns; its parameters are judged by every call in the file
                other_cls = self.ctx.facts.classes.get(class_name)
                if other_cls is not None and _static_method(other_cls, method_name) is not None:
                    verdicts.extend(judge.method_dict_key(other_cls, method_name, keyword) or [])
            if methods:
                found = self._method_and_class()
                if found is None:
                    continue
                for name in methods:
                    judged = judge.method_dict_key(found[1], name, keyword)
                    if judged is None:
                        continue
                    verdicts.extend(judged)
            if verdicts:
                return _Judged(all(verdicts), value)
        return None

    def _option_default(self, name: str) -> Optional[Any]:
        """The default of the enclosing function's parameter ``name`` when it
        is a typer option (``host: str = typer.Option("0.0.0.0")``), a
        click option on the function (``@click.option("--host",
        default="0.0.0.0")``) or an attribute (``host: str = ENV.host``);
        None otherwise."""
        for function in reversed([n for n in self._rt_stack() if isinstance(n, cst.FunctionDef)]):
            params = function.params
            for param in (*params.posonly_params, *params.params, *params.kwonly_params):
                if param.name.value != name:
                    continue
                default = param.default
                if isinstance(default, cst.Call) and self.ctx.call_to(default, ("typer.Option", "typer.Argument")):
                    return self.ctx.keyword(default, "default")[1] or (default.args[0].value if default.args and default.args[0].keyword is None and not default.args[0].star else None)
                if isinstance(default, cst.Attribute):
                    return default  # host: str = SETTINGS.host (an object of the project's, read in its module)
                for decorator in function.decorators:
                    option = decorator.decorator
                    if isinstance(option, cst.Name) and option.value not in self.ctx.imports.aliases:
                        # HOST_OPTION = click.option("--host", default="0.0.0.0") … @HOST_OPTION: a module constant
                        bound = self.ctx.constants.values.get(option.value)
                        option = bound if isinstance(bound, cst.Call) else option
                    if isinstance(option, cst.Call) and self.ctx.call_to(option, ("click.option", "click.argument")) and name in _argparse_dest(self.ctx, option):
                        return self.ctx.keyword(option, "default")[1]
                return None
        return None

    def _attrs_defaulting_to_all(self) -> FrozenSet[str]:
        """Option and field names of this file whose every default binds
        every interface: ``add_argument("--host", default="0.0.0.0")``,
        class fields ``host: str = "0.0.0.0"`` (dataclasses, settings
        classes), properties returning one; read with the reader
        :mod:`mlwarden.core.project` uses for the package's other modules."""
        if self._all_interface_attrs is None:
            self._all_interface_attrs = attributes_defaulting_to(file_values(self.unit, _module_tree(self)), ALL_INTERFACES)
        return self._all_interface_attrs

    # -- is authentication visible? ------------------------------------------------
    def _auth_only_conditional(self, call: Any) -> bool:
        """Every use of an authentication name in the file's code sits in the
        body of an ``if`` that does not also hold ``call`` (``if api_keys:
        app.add_middleware(AuthenticationMiddleware, ...)``): authentication
        an option may leave off. Imports are not uses; a use in an ``if``'s
        test is a check that runs (``if not verify_token(t): abort(401)``)."""
        uses: List[Tuple[Any, List[Any]]] = []

        class _Uses(cst.CSTVisitor):
            def __init__(self) -> None:
                self.ifs: List[Any] = []

            def visit_Import(self, node: Any) -> bool:
                return False

            def visit_ImportFrom(self, node: Any) -> bool:
                return False

            def visit_If_body(self, node: Any) -> None:
                self.ifs.append(node)

            def leave_If_body(self, node: Any) -> None:
                self.ifs.pop()

            def visit_If_orelse(self, node: Any) -> None:
                self.ifs.append(node)

            def leave_If_orelse(self, node: Any) -> None:
                self.ifs.pop()

            def visit_Name(self, node: Any) -> None:
                if _is_auth_word(node.value):
                    uses.append((node, list(self.ifs)))

            def visit_Attribute(self, node: Any) -> None:
                if _is_auth_word(node.attr.value):
                    uses.append((node, list(self.ifs)))

        self.ctx.module.visit(_Uses())
        if not uses:
            return False
        for _node, ifs in uses:
            guard = next((i for i in ifs if not _holds(i, call)), None)
            if guard is None:
                return False
            self._auth_condition = _show(self.ctx, guard.test, 24)
        return True

    def _auth_visible(self) -> bool:
        if self._auth is None:
            names = {n for names in self.ctx.imports.aliases.values() for n in names}
            visible = any(n == m or n.startswith(m + ".") for n in names for m in AUTH_MODULES)
            visible = visible or any(n.rsplit(".", 1)[-1] in AUTH_NAMES for n in names)
            # the module's own facts cover every statement, also those the fast path leaves out
            # (an auth import beside a server whose trigger word is not its module's name)
            facts = self.ctx.facts
            visible = visible or any(n == m or n.startswith(m + ".") for n in getattr(facts, "imported_modules", ()) for m in AUTH_MODULES)
            visible = visible or any(_is_auth_word(n) for n in getattr(facts, "bound_anywhere", ()))
            if not visible:
                words: Set[str] = set()

                class _Names(cst.CSTVisitor):
                    def visit_Name(self, node: Any) -> None:
                        words.add(node.value)

                self.ctx.module.visit(_Names())
                visible = any(_is_auth_word(w) for w in words)
            self._auth = visible
        return self._auth


#: gunicorn's config file names (``gunicorn -c gunicorn.conf.py``, its default)
_METRICS_APP = lazyre.compile(r"(?i)metric|prometheus|exporter|health")
#: a placeholder's mark in an f-string command's text (:func:`_command_parts`)
_PLACEHOLDER = lazyre.compile("\x00(\\d+)\x00")
#: a socket that is not a TCP listener: UDP, Unix, raw
_NOT_TCP = lazyre.compile(r"SOCK_DGRAM|SOCK_RAW|AF_UNIX")
_GUNICORN_CONFIG = re.compile(r"^gunicorn[._-]?conf(?:ig)?\.py$")
#: callees that run (or hand on) a command: subprocess.run/Popen/check_call,
#: os.system, asyncio.create_subprocess_exec, a project's run_command, …
#: callees whose arguments are messages, not commands (`print`, `logger.info`, `warnings.warn`, `click.echo`)
_SAYS = re.compile(r"(?i)print|log|warn|echo|info|debug|error|exception|critical|format|write|secho|append_text|help")
#: keywords (and dict keys) that hold text to show, not a command
_MESSAGE_KEYWORDS = frozenset({"help", "description", "msg", "message", "doc", "epilog", "usage", "text", "title", "label", "example", "examples", "hint"})
_RUNS_COMMANDS = re.compile(r"(?i)run|exec|spawn|popen|call|system|shell|command|cmd|start|launch|check_output|^sh$")
_PYTHON = re.compile(r"^(?:.*/)?python(?:\d+(?:\.\d+)?)?$")


def _is_auth_word(word: str) -> bool:
    low = word.lower()
    return word in AUTH_NAMES or ("auth" in low and ("depend" in low or "middleware" in low))


def _holds(outer: Any, inner: Any) -> bool:
    """``inner`` is ``outer`` or lies inside it."""
    found = [False]

    class _Find(cst.CSTVisitor):
        def on_visit(self, node: Any) -> bool:
            if node is inner:
                found[0] = True
            return not found[0]

    outer.visit(_Find())
    return found[0]


#: servers whose host None (not only "") is every interface
_NONE_IS_ALL = frozenset({"tornado.netutil.bind_sockets"})
#: gunicorn settings (its docs' "Settings") that mark a dict with a ``bind``
#: key as gunicorn's options in a file that does not import gunicorn
_GUNICORN_SETTINGS = frozenset({"workers", "worker_class", "threads", "timeout", "graceful_timeout", "keepalive", "worker_connections", "max_requests", "max_requests_jitter", "preload_app", "accesslog", "errorlog", "loglevel", "backlog", "certfile", "keyfile", "proc_name", "reload", "daemon", "pidfile", "worker_tmp_dir"})


def _address_first(call: Any) -> bool:
    """``call`` is handed a ``(host, port)`` tuple first, or a
    ``server_address=``: the cheap test before its callee is looked up as a
    project subclass of an address server."""
    if call.args and call.args[0].keyword is None and not call.args[0].star:
        first = call.args[0].value
        return isinstance(first, cst.Tuple) and len(first.elements) == 2
    return any(a.keyword is not None and a.keyword.value == "server_address" for a in call.args)


def _module_subclass(unit: Any, path: Path, name: str, bases: FrozenSet[str], depth: int = 0) -> Optional[str]:
    """The server of ``bases`` the module-level class ``name`` of the
    project module ``path`` subclasses, directly or through other classes of
    that module (three levels at most); None otherwise. The module is read,
    never run, and recorded as read for the cache."""
    import ast

    from mlwarden.core.asttree import import_aliases
    from mlwarden.core.project import module_tree

    tree = module_tree(path)
    if tree is None or depth > 3:
        return None
    classes = [s for s in tree.body if isinstance(s, ast.ClassDef) and s.name == name]
    if len(classes) != 1:
        return None
    aliases: Dict[str, str] = dict(pair for stmt in tree.body for pair in import_aliases(stmt))
    for base in classes[0].bases:
        parts = dotted_parts(base)
        if parts and parts[0] in aliases:
            qual = ".".join([aliases[parts[0]], *parts[1:]])
            if qual in bases:
                extra = getattr(unit, "extra", None)
                if extra is not None:
                    extra.setdefault("read_files", set()).add(str(path))
                return qual
        elif isinstance(base, ast.Name) and base.id != name:
            found = _module_subclass(unit, path, base.id, bases, depth + 1)
            if found:
                return found
    return None


def _returned_constructors(facts: Any, function: Any) -> Set[str]:
    """The qualified names of the constructor every ``return`` of
    ``function`` calls (``return tornado.web.Application(...)``, or a name
    bound once in it to such a call), when every return gives the same;
    empty otherwise (a ``yield``, a bare ``return``, anything else)."""
    import ast

    assigned: Dict[str, List[Any]] = {}
    results: List[Any] = []
    for node in _own_nodes(function):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            assigned.setdefault(node.targets[0].id, []).append(node.value)
        elif isinstance(node, (ast.Yield, ast.YieldFrom)):
            return set()
        elif isinstance(node, ast.Return):
            if node.value is None:
                return set()
            results.append(node.value)
    found: Optional[Set[str]] = None
    for value in results:
        if isinstance(value, ast.Name) and len(assigned.get(value.id, ())) == 1:
            value = assigned[value.id][0]
        parts = dotted_parts(value.func) if isinstance(value, ast.Call) else None
        if not parts:
            return set()
        names = {".".join([q, *parts[1:]]) for q in facts.resolve(parts[0]).qualnames}
        if not names or (found is not None and names != found):
            return set()
        found = names
    return found or set()


def _returned_framework(facts: Any, function: Any) -> Optional[str]:
    """The framework (a key of :data:`RUN_FRAMEWORKS`) of the app every
    ``return``/``yield`` of ``function`` gives: a framework app constructor,
    or a name bound once in it to one; functions and classes defined inside
    it are not its returns. None when any is something else."""
    import ast

    assigned: Dict[str, List[Any]] = {}
    results: List[Any] = []
    for node in _own_nodes(function):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            assigned.setdefault(node.targets[0].id, []).append(node.value)
        elif isinstance(node, (ast.Return, ast.Yield)) and node.value is not None:
            results.append(node.value)
    frameworks = set()
    for value in results:
        if isinstance(value, ast.Name) and len(assigned.get(value.id, ())) == 1:
            value = assigned[value.id][0]
        head = value.func if isinstance(value, ast.Call) else None
        while isinstance(head, ast.Attribute):
            head = head.value
        if not isinstance(head, ast.Name):
            return None
        hit = {q.split(".", 1)[0] for q in facts.resolve(head.id).qualnames} & set(RUN_FRAMEWORKS)
        if not hit:
            return None
        frameworks |= hit
    return frameworks.pop() if len(frameworks) == 1 else None


def _address_text_all(value: str) -> bool:
    """``"0.0.0.0:8000"``, ``"[::]:80"``, ``"0.0.0.0:{…}"``: every interface."""
    return ":" in value and value.rsplit(":", 1)[0].strip() in ALL_INTERFACES


def _command_words(ctx: Any, value: Any) -> Optional[List[str]]:
    """The words of a literal command (:func:`_command_parts`)."""
    parts = _command_parts(ctx, value)
    return parts[0] if parts is not None else None


def _command_parts(ctx: Any, value: Any) -> Optional[Tuple[List[str], List[Any]]]:
    """The words of a literal command: a list or tuple of strings
    (``sys.executable`` is ``python``; an f-string keeps its text, ``{…}`` for
    the rest) or a string (also an f-string) split like a shell line; and,
    word by word, the expression a word starting with ``{…}`` stands for
    (the element, or the f-string's first placeholder), else None. None
    when ``value`` is none of these."""
    import shlex

    if isinstance(value, (cst.List, cst.Tuple)):
        words: List[str] = []
        exprs: List[Any] = []
        for element in value.elements:
            if not isinstance(element, cst.Element):
                return None
            item = element.value
            text = ctx.value(item)
            expr = None
            if isinstance(text, str):
                words.append(text)
            elif isinstance(item, cst.FormattedString):
                words.append("".join(p.value if isinstance(p, cst.FormattedStringText) else "{…}" for p in item.parts))
                expr = next((p.expression for p in item.parts if isinstance(p, cst.FormattedStringExpression)), None)
            elif "sys.executable" in ctx.qualnames(item):
                words.append("python")
            else:
                words.append("{…}")
                expr = item
            exprs.append(expr)
        return words, exprs
    if isinstance(value, (cst.SimpleString, cst.ConcatenatedString)):
        text = ctx.value(value)
        if isinstance(text, str) and _MENTIONS_SERVER.search(text):
            if len(text) <= _PROSE_LENGTH:
                text = _dockerfile_commands(text) or text
            try:
                split = shlex.split(text)
            except ValueError:
                split = text.split()
            return split, [None] * len(split)
    parts_of = _string_parts(ctx, value) if isinstance(value, cst.ConcatenatedString) else None
    if isinstance(value, cst.FormattedString) or parts_of is not None:
        # f"gunicorn --bind={HOST}:{PORT} app:app": each placeholder marked by its part's index
        # (also an implicit concatenation of f-strings over several lines)
        parts = list(value.parts) if parts_of is None else parts_of
        text = "".join(p.value if isinstance(p, cst.FormattedStringText) else f"\x00{i}\x00" for i, p in enumerate(parts))
        if _MENTIONS_SERVER.search(text) and all(len(p.value) <= _PROSE_LENGTH for p in parts if isinstance(p, cst.FormattedStringText)):
            text = _dockerfile_commands(text) or text
        return _marked_words(text, [p.expression if isinstance(p, cst.FormattedStringExpression) else None for p in parts])
    template = _template_text(ctx, value)
    if template is not None:
        # "{} -m uvicorn {} --host 0.0.0.0".format(python, app), "gunicorn -b %s:%d app" % (host, port)
        return _marked_words(*template)
    joined = _joined_list(ctx, value)
    if joined is not None:
        return _command_parts(ctx, joined)  # " ".join(["uvicorn", app, "--host", host])
    return None


#: a string longer than this is prose to the gate (``core.gate._MAX_TRIGGER_STRING``): its words do not
#: keep its statement in the fast path, so a Dockerfile is read only from shorter strings (or f-string parts)
_PROSE_LENGTH = 100
#: a Dockerfile instruction that runs a command: `CMD ["uvicorn", "app:app"]` (exec form) or `CMD uvicorn …`
_DOCKER_INSTRUCTION = lazyre.compile(r"(?m)^[ \t]*(?:CMD|ENTRYPOINT|RUN)[ \t]+(.*?)[ \t]*\\?$")
_JSON_ITEM = lazyre.compile(r'"((?:[^"\\]|\\.)*)"')


def _dockerfile_commands(text: str) -> Optional[str]:
    """The commands of a Dockerfile text (a template held in a string) as
    one shell line, ``;`` between them: each ``CMD`` / ``ENTRYPOINT`` /
    ``RUN`` instruction, an exec-form JSON array read as its words
    (``CMD ["jupyter", "notebook", "--ip", "0.0.0.0"]``); the other
    instructions are left out. None when the text has no such instruction."""
    if "CMD" not in text and "ENTRYPOINT" not in text:
        return None
    commands = []
    for match in _DOCKER_INSTRUCTION.finditer(text):
        body = match.group(1)
        if body.startswith("["):
            items = _JSON_ITEM.findall(body)
            body = " ".join(items)
        if body:
            commands.append(body)
    return " ; ".join(commands) if commands else None


def _marked_words(text: str, exprs_at: List[Any]) -> Optional[Tuple[List[str], List[Any]]]:
    """The words of a command text whose placeholders are marked
    ``\x00i\x00`` (``i`` indexing ``exprs_at``, the expression each stands
    for or None), with, word by word, the expression of a word that starts
    with a placeholder (after ``--flag=``); None when the text names no
    server."""
    if not _MENTIONS_SERVER.search(text):
        return None
    words, exprs = [], []
    for word in text.split():
        head = word.split("=", 1)[1] if word.startswith("-") and "=" in word else word
        mark = _PLACEHOLDER.match(head)
        exprs.append(exprs_at[int(mark.group(1))] if mark else None)
        words.append(_PLACEHOLDER.sub("{…}", word))
    return words, exprs


def _template_text(ctx: Any, value: Any) -> Optional[Tuple[str, List[Any]]]:
    """A command built from a literal template: ``"…".format(*args,
    **kwargs)`` or ``"…" % args`` (a tuple, one value, or a dict for
    ``%(name)s``), as the template's text with each field marked
    ``\x00i\x00`` and the list of the expressions the marks stand for (None
    for a field this cannot place: ``{0[key]}``, an argument given by
    ``*``/``**``). Only the literal text is read: what fills a field stays
    that expression, judged where a host is expected. Fields are placed by
    :func:`mlwarden.core.values.format_fields` / ``percent_fields``."""
    if isinstance(value, cst.Call) and isinstance(value.func, cst.Attribute) and value.func.attr.value == "format":
        template = ctx.value(value.func.value)
        if not isinstance(template, str) or not _MENTIONS_SERVER.search(template):
            return None
        positional: List[Any] = []
        named: Dict[str, Any] = {}
        spread = False
        for arg in value.args:
            if arg.star:
                spread = True
            elif arg.keyword is not None:
                named[arg.keyword.value] = arg.value
            elif not spread:
                positional.append(arg.value)
        fields = format_fields(template, positional, named)
        if fields is None:
            return None
        return _marked(fields, lambda field: field.value if field.plain else None)
    if isinstance(value, cst.BinaryOperation) and isinstance(value.operator, cst.Modulo):
        template = ctx.value(value.left)
        if not isinstance(template, str) or not _MENTIONS_SERVER.search(template):
            return None
        right = value.right
        mapping: Optional[Dict[str, Any]] = None
        if isinstance(right, cst.Dict):
            values: List[Any] = []
            mapping = {}
            for element in right.elements:
                if isinstance(element, cst.DictElement) and isinstance(ctx.value(element.key), str):
                    mapping[str(ctx.value(element.key))] = element.value
        elif isinstance(right, cst.Tuple):
            values = [e.value if isinstance(e, cst.Element) and not isinstance(e, cst.StarredElement) else None for e in right.elements]
        else:
            values = [right]
        return _marked(percent_fields(template, values, mapping), lambda field: field.value)
    return None


def _marked(fields: List[Any], expression: Any) -> Tuple[str, List[Any]]:
    """The text of placed template pieces with each field marked
    ``\x00i\x00``, and what each mark stands for (``expression(field)``)."""
    pieces: List[str] = []
    exprs: List[Any] = []
    for piece in fields:
        if isinstance(piece, Field):
            pieces.append(f"\x00{len(exprs)}\x00")
            exprs.append(expression(piece))
        else:
            pieces.append(piece.replace("\x00", ""))
    return "".join(pieces), exprs


def _joined_list(ctx: Any, value: Any) -> Any:
    """``" ".join([...])`` (or a tuple): the list joined into a command line,
    else None."""
    if (
        isinstance(value, cst.Call)
        and isinstance(value.func, cst.Attribute)
        and value.func.attr.value == "join"
        and len(value.args) == 1
        and not value.args[0].star
        and isinstance(value.args[0].value, (cst.List, cst.Tuple))
        and isinstance(ctx.value(value.func.value), str)
        and not str(ctx.value(value.func.value)).strip()
    ):
        return value.args[0].value
    return None


def _string_parts(ctx: Any, value: Any) -> Optional[List[Any]]:
    """The parts of an implicit concatenation that holds an f-string
    (``f"python -m x " f"--host {host}"``), as one f-string's parts (a
    plain string's text as a ``FormattedStringText``); None when a piece is
    neither."""
    parts: List[Any] = []
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, cst.ConcatenatedString):
            stack.extend((item.right, item.left))
        elif isinstance(item, cst.FormattedString):
            parts.extend(item.parts)
        elif isinstance(item, cst.SimpleString) and isinstance(ctx.value(item), str):
            parts.append(cst.FormattedStringText(value=ctx.value(item)))
        else:
            return None
    return parts if any(isinstance(p, cst.FormattedStringExpression) for p in parts) else None


#: servers started from a command line: name -> (the options that set the
#: address they bind, the subcommands one of which must follow, or () for
#: none). Each binds 127.0.0.1 by default, except streamlit and http.server,
#: which bind every interface unless told otherwise (an explicit all-interfaces
#: address is reported here; streamlit without one in `_check_streamlit`).
#: The inference and notebook servers are listed from their own docs: only an
#: explicit all-interfaces address is reported for them (a server whose
#: default differs by version is not judged without one)
_SERVER_CLIS: Dict[str, Tuple[Tuple[str, ...], Tuple[str, ...]]] = {
    "gunicorn": (("-b", "--bind"), ()),
    "hypercorn": (("-b", "--bind", "--insecure-bind"), ()),
    "uvicorn": (("--host",), ()),
    "flask": (("-h", "--host"), ("run",)),  # flask --app app run --host 0.0.0.0
    "streamlit": (("--server.address",), ("run",)),
    "mlflow": (("-h", "--host"), ("server", "ui", "serve")),  # mlflow server / ui / models serve
    "bentoml": (("--host",), ("serve", "serve-http", "serve-grpc", "start-http-server", "start-grpc-server")),
    "http.server": (("-b", "--bind"), ()),  # python -m http.server --bind 0.0.0.0
    # LLM inference servers: vllm serve / its OpenAI server module, SGLang, TGI, llama.cpp, LMDeploy, LiteLLM, Xinference
    "vllm": (("--host",), ("serve",)),
    "vllm.entrypoints.openai.api_server": (("--host",), ()),
    "vllm.entrypoints.api_server": (("--host",), ()),
    "sglang.launch_server": (("--host",), ()),
    "sglang": (("--host",), ("serve",)),
    "text-generation-launcher": (("--hostname",), ()),
    "llama-server": (("--host",), ()),
    "llama_cpp.server": (("--host",), ()),
    "lmdeploy": (("--server-name",), ("serve",)),
    "litellm": (("--host",), ()),
    "xinference-local": (("-H", "--host"), ()),
    # notebook and IDE servers: Jupyter (`--ip`, `--ServerApp.ip=`), code-server, TensorBoard
    "jupyter": (("--ip", "--ServerApp.ip", "--NotebookApp.ip"), ("lab", "notebook", "server")),
    "jupyter-lab": (("--ip", "--ServerApp.ip", "--NotebookApp.ip"), ()),
    "jupyter-notebook": (("--ip", "--ServerApp.ip", "--NotebookApp.ip"), ()),
    "jupyter-server": (("--ip", "--ServerApp.ip"), ()),
    "jupyterlab": (("--ip", "--ServerApp.ip"), ()),
    "code-server": (("--bind-addr",), ()),
    "tensorboard": (("--host",), ()),
    # cluster dashboards: ray start --dashboard-host, aim up / server
    "ray": (("--dashboard-host",), ("start",)),
    "aim": (("-h", "--host"), ("up", "server")),
    # more ASGI / WSGI servers and app runners, from their docs: daphne and granian (127.0.0.1 by
    # default), waitress-serve and `fastapi run` (every interface by default: :data:`_DEFAULT_ALL_CLIS`),
    # chainlit, panel / bokeh `serve --address`, voila, mkdocs' dev server
    "daphne": (("-b", "--bind"), ()),
    "granian": (("--host",), ()),
    "waitress-serve": (("--host", "--listen"), ()),
    "fastapi": (("--host",), ("run", "dev")),
    "chainlit": (("-h", "--host"), ("run",)),
    "panel": (("--address",), ("serve",)),
    "bokeh": (("--address",), ("serve",)),
    "voila": (("--Voila.ip",), ()),
    "mkdocs": (("-a", "--dev-addr"), ("serve",)),
}
#: servers whose command binds every interface when it names no address: the words shown
_DEFAULT_ALL_CLIS: Dict[str, str] = {"fastapi": "run without --host", "waitress-serve": "without --host or --listen"}
#: flags with no value that bind every interface (`tensorboard --bind_all`)
_ALL_INTERFACE_FLAGS: Dict[str, Tuple[str, ...]] = {"tensorboard": ("--bind_all",)}
#: words a shell line starts a command after (`a && b`, `a; b`, `a | b`, `a & b`)
_SHELL_SEPARATORS = frozenset({"&&", "||", ";", "|", "&"})
#: a text that names one of those servers as a word (``array`` does not name ``ray``)
_MENTIONS_SERVER = lazyre.compile(r"(?<![\w.-])(?:" + "|".join(re.escape(name) for name in sorted([*_SERVER_CLIS, "runserver"], key=len, reverse=True)) + r")(?![\w-])")
#: words that run the command after them (`nohup vllm serve …`, `exec …`,
#: `env X=1 …`, `sudo …`, `setsid …`); `VAR=value` assignments are skipped too
_SHELL_PREFIXES = frozenset({"nohup", "exec", "env", "sudo", "setsid", "nice", "time", "stdbuf"})
_ENV_ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")


def _server_bind(words: List[str]) -> Optional[Tuple[str, str, str]]:
    """``(server, option, address)`` (:func:`_server_bind_at`)."""
    found = _server_bind_at(words)
    return found[:3] if found is not None else None


def _server_bind_at(words: List[str]) -> Optional[Tuple[str, str, str, int]]:
    """``(server, option, address, index of the address's word)`` the first
    server of a command line binds, or None. The command may be one of a
    shell line's commands (after ``&&``, ``;``, ``|``, ``nohup``, ``exec``,
    ``VAR=value``; a ``bash -c "…"`` string is read as a line of its own,
    its index then that of the string)."""
    if any(w != s and (w.endswith(s) or w.startswith(s)) for w in words for s in (";", "&&", "|")):
        # `cd runs; tensorboard …`: a separator written against a word stands alone
        spread: List[str] = []
        at: List[int] = []
        for i, word in enumerate(words):
            for piece in re.split(r"(;|&&|\|\||\|)", word):
                if piece:
                    spread.append(piece)
                    at.append(i)
        found = _server_bind_at(spread) if len(spread) > len(words) else None
        return found[:3] + (at[found[3]],) if found is not None else None
    start = 0
    while start < len(words):
        end = start
        while end < len(words) and words[end] not in _SHELL_SEPARATORS:
            end += 1
        head = start
        while head < end and (words[head] in _SHELL_PREFIXES or _ENV_ASSIGNMENT.match(words[head])):
            head += 1
        found = _one_server_bind(words[head:end])
        if found is not None:
            return found[0], found[1], found[2], head + found[3]
        if end - head >= 3 and words[head].rsplit("/", 1)[-1] in ("bash", "sh", "zsh") and words[head + 1] in ("-c", "-lc"):
            import shlex

            try:
                inner = _server_bind_at(shlex.split(words[head + 2]))
            except ValueError:
                inner = None
            if inner is not None:
                return inner[0], inner[1], inner[2], head + 2
        start = end + 1
    return None


def _one_server_bind(words: List[str]) -> Optional[Tuple[str, str, str, int]]:
    """``(server, option, address)`` a command line binds (``-b A``,
    ``--bind A``, ``--bind=A``, ``-bA``, ``--host A``; the first one), or
    None when the words do not start a known server (``gunicorn …``,
    ``python -m uvicorn …``, ``uv run flask … run …``, ``mlflow models
    serve …``, ``python -m sglang.launch_server …``) or bind nothing (the
    default)."""
    if not words:
        return None
    rest = words
    skipped = 0
    if len(rest) > 2 and rest[0].rsplit("/", 1)[-1] == "uv" and rest[1] == "run":
        rest, skipped = rest[2:], 2  # `uv run gunicorn …`
    if rest and (_PYTHON.match(rest[0]) or rest[0] == "{…}") and len(rest) > 2 and rest[1] == "-m":
        # `python -m uvicorn`, and a placeholder for the interpreter: "{} -m uvicorn …".format(python)
        rest, skipped = rest[2:], skipped + 2
    if rest and _PYTHON.match(rest[0]) and len(rest) > 1 and rest[1].rsplit("/", 1)[-1] == "manage.py":
        rest, skipped = rest[1:], skipped + 1  # `python manage.py runserver …`
    server = rest[0].rsplit("/", 1)[-1] if rest else ""
    if server in ("manage.py", "django-admin") and "runserver" in rest:
        found = _runserver_address(rest[rest.index("runserver") + 1:])
        if found is None:
            return None
        address, at = found
        return server, "runserver", address, skipped + rest.index("runserver") + 1 + at
    known = _SERVER_CLIS.get(server)
    if known is None:
        return None
    flags, subcommands = known
    if subcommands and not any(word in subcommands for word in rest[1:]):
        return None
    for i, word in enumerate(rest[1:], start=1):
        if word in _ALL_INTERFACE_FLAGS.get(server, ()):
            return server, word, "0.0.0.0", skipped + i
        for flag in flags:
            if word == flag and i + 1 < len(rest):
                return server, flag, rest[i + 1], skipped + i + 1
            if flag.startswith("--") and word.startswith(flag + "="):
                return server, flag, word[len(flag) + 1:], skipped + i
            if not flag.startswith("--") and word.startswith(flag) and len(word) > len(flag) and not word.startswith("--"):
                return server, flag, word[len(flag):], skipped + i
    if server in _DEFAULT_ALL_CLIS and (server != "fastapi" or "run" in rest[1:]) and not any("{…}" in w or w.startswith("--uds") for w in rest[1:]):
        # `fastapi run main.py`, `waitress-serve app:app`: every interface unless an address is named
        # (a placeholder may carry one: not judged)
        return server, _DEFAULT_ALL_CLIS[server], "0.0.0.0", skipped
    return None


#: options of Django's ``runserver`` that take a value (the rest are flags)
_RUNSERVER_VALUE_OPTIONS = frozenset({"--settings", "--pythonpath", "-v", "--verbosity"})


def _runserver_address(words: List[str]) -> Optional[Tuple[str, int]]:
    """The address Django's ``runserver`` binds and its word's index, from
    the words after ``runserver``: its positional ``addrport``
    (``0.0.0.0:8000``, ``[::]:8000``, ``0:8000``: ``0`` is Django's
    shorthand for ``0.0.0.0``); None when only a port, or nothing, is
    given (the default is 127.0.0.1)."""
    i = 0
    while i < len(words):
        word = words[i]
        if word in _SHELL_SEPARATORS:
            return None
        if word.startswith("-"):
            i += 2 if word in _RUNSERVER_VALUE_OPTIONS else 1
            continue
        if ":" not in word:
            return None  # `runserver 8000`: a port on 127.0.0.1
        host = word.rsplit(":", 1)[0]
        return ("0.0.0.0" + word[len(host):] if host == "0" else word), i
    return None


def _argparse_dest(ctx: Any, node: Any) -> List[str]:
    dest = ctx.keyword(node, "dest")[1]
    if dest is not None and isinstance(ctx.value(dest), str):
        return [ctx.value(dest)]
    names = [ctx.value(a.value) for a in node.args if a.keyword is None and not a.star]
    longs = [n for n in names if isinstance(n, str) and n.startswith("--")]
    chosen = longs[0] if longs else next((n for n in names if isinstance(n, str)), None)
    return [chosen.lstrip("-").replace("-", "_")] if chosen else []


def _fixture_name(function: Any) -> Optional[str]:
    """The name pytest injects a module-level function under when it is a
    fixture (``@pytest.fixture``, ``@fixture(name="x")``), else None."""
    import ast

    for decorator in function.decorator_list:
        call = decorator if isinstance(decorator, ast.Call) else None
        target = call.func if call is not None else decorator
        last = target.attr if isinstance(target, ast.Attribute) else target.id if isinstance(target, ast.Name) else ""
        if last != "fixture":
            continue
        for keyword in call.keywords if call is not None else ():
            if keyword.arg == "name" and isinstance(keyword.value, ast.Constant) and isinstance(keyword.value.value, str):
                return keyword.value.value
        return function.name
    return None


def _show(ctx: Any, node: Any, limit: int = 30) -> str:
    text = " ".join(ctx.module.code_for_node(node).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _bound_once(facts: Any, name: str) -> bool:
    """``name`` has one binding in the whole file (its import), so no
    parameter or local shadows it wherever it is used."""
    count = 0
    stack = [facts.module_scope]
    while stack:
        scope = stack.pop()
        count += len(scope.bindings.get(name, ()))
        if count > 1:
            return False
        stack.extend(scope.children)
    return count == 1


def _bound_only_by(facts: Any, name: str, imports: List[Tuple[Any, Any]]) -> bool:
    """Every binding of ``name`` in the file is one of ``imports``, and they
    all import the same thing (``from .modules import api`` in two branches
    of a function): the name means that one module or object wherever it is used."""
    if len(imports) < 2 or len({(s.module, s.level, a.name) for s, a in imports}) != 1:
        return False
    count = 0
    stack = [facts.module_scope]
    while stack:
        scope = stack.pop()
        count += len(scope.bindings.get(name, ()))
        stack.extend(scope.children)
    return count == len(imports)


class _Judged:
    """A host judged where it was found (a ``**kwargs`` dict, another method
    of the class), with the expression that carried it."""

    __slots__ = ("all", "via")

    def __init__(self, all_interfaces: bool, via: Any) -> None:
        self.all = all_interfaces
        self.via = via


def _self_method(expr: Any) -> Optional[str]:
    """``self.method()`` (no arguments needed) -> "method"; None otherwise."""
    if isinstance(expr, cst.Call) and isinstance(expr.func, cst.Attribute) and isinstance(expr.func.value, cst.Name) and expr.func.value.value in ("self", "cls"):
        return expr.func.attr.value
    return None


def _entries(ctx: Any, value: Any, key: str) -> List[Any]:
    """The ``key`` entries of a dict literal or a ``dict(...)`` call."""
    found: List[Any] = []
    if isinstance(value, cst.Dict):
        for element in value.elements:
            if isinstance(element, cst.DictElement) and ctx.value(element.key) == key:
                found.append(element.value)
    elif isinstance(value, cst.Call) and isinstance(value.func, cst.Name) and value.func.value == "dict":
        for arg in value.args:
            if arg.keyword is not None and arg.keyword.value == key:
                found.append(arg.value)
            elif arg.keyword is None and not arg.star:
                found.extend(_entries(ctx, arg.value, key))
    return found


def _class_method_call(expr: Any) -> Optional[Tuple[str, str]]:
    """``Helpers.method(...)`` (a capitalised name, as classes are written)
    -> ("Helpers", "method"); None otherwise."""
    if isinstance(expr, cst.Call) and isinstance(expr.func, cst.Attribute) and isinstance(expr.func.value, cst.Name) and expr.func.value.value[:1].isupper():
        return expr.func.value.value, expr.func.attr.value
    return None


def _dict_entries(ctx: Any, function: Any, name: str, key: str, hosts: List[Any], methods: List[str], others: Optional[List[Tuple[str, str]]] = None) -> None:
    """The values ``function`` gives ``key`` in the dict bound to ``name``:
    ``name = {...}`` / ``dict(...)``, ``name.update({...})`` /
    ``name.update(key=...)``, ``name[key] = ...``; a ``name =
    self.method()`` adds the method to ``methods``. Nested functions and
    classes are not this function's."""

    def entries(value: Any) -> None:
        found = _entries(ctx, value, key)
        hosts.extend(found)
        method = _self_method(value) if not found else None
        if method:
            methods.append(method)
        other = _class_method_call(value) if not found else None
        if other and others is not None:
            others.append(other)

    class _Walk(cst.CSTVisitor):
        def visit_FunctionDef(self, node: Any) -> bool:
            return node is function

        def visit_ClassDef(self, node: Any) -> bool:
            return False

        def visit_Lambda(self, node: Any) -> bool:
            return False

        def visit_Assign(self, node: Any) -> None:
            for target in node.targets:
                target = target.target
                if isinstance(target, cst.Name) and target.value == name:
                    entries(node.value)
                elif isinstance(target, cst.Subscript) and isinstance(target.value, cst.Name) and target.value.value == name and len(target.slice) == 1:
                    index = target.slice[0].slice
                    if isinstance(index, cst.Index) and ctx.value(index.value) == key:
                        hosts.append(node.value)

        def visit_AnnAssign(self, node: Any) -> None:
            if isinstance(node.target, cst.Name) and node.target.value == name and node.value is not None:
                entries(node.value)

        def visit_Call(self, node: Any) -> None:
            func = node.func
            if isinstance(func, cst.Attribute) and func.attr.value == "update" and isinstance(func.value, cst.Name) and func.value.value == name:
                for arg in node.args:
                    if arg.keyword is not None and arg.keyword.value == key:
                        hosts.append(arg.value)
                    elif arg.keyword is None and not arg.star:
                        entries(arg.value)

    function.visit(_Walk())


class _AstHosts:
    """Judges, with ``ast``, hosts set in parts of the file libcst may not
    see: the assignments of ``self.<attr>`` in a class's methods, the dict a
    method returns, and the values the file's calls of the class pass to its
    constructor. Literals only, one level of class attributes deep, no
    code run."""

    def __init__(self, rule: Any) -> None:
        self.rule = rule
        self.facts = rule.ctx.facts

    # -- values --------------------------------------------------------------------
    def all(self, expr: Any, method: Any, cls: Any, depth: int, address: Any = False) -> bool:
        """``expr`` (written in ``method`` of ``cls``, either may be None)
        is a host on every interface, or with ``address`` a ``host:port``
        whose host is."""
        import ast

        if expr is None or depth > 3:
            return False
        if address == "tuple":
            return self._tuple_all(expr, method, cls, depth)
        literal = _ast_literal(expr)
        if literal is not UNKNOWN:
            if address:
                return isinstance(literal, str) and _address_text_all(literal)
            return isinstance(literal, str) and literal.strip() in ALL_INTERFACES
        if address:
            return self._address_all(expr, method, cls, depth)
        if isinstance(expr, ast.Name):
            return self._name_all(expr.id, method, cls, depth)
        if isinstance(expr, ast.Attribute):
            me = _first_param(method)
            if isinstance(expr.value, ast.Name) and me is not None and expr.value.id == me and cls is not None:
                if self.class_attr_all(cls, expr.attr, depth + 1):
                    return True
                if _class_attr_values(cls, expr.attr):
                    return False  # the class's own values: a base class's default is not used
                if expr.attr in attributes_defaulting_to(project_values(self.rule.unit), ALL_INTERFACES, constructed=True):
                    return True  # a base class of an imported project module sets it in __init__
            if isinstance(expr.value, ast.Name) and _bound_once(self.facts, expr.value.id):
                constant = project_values(self.rule.unit).module_constant(expr.value.id, expr.attr)
                if isinstance(constant, str):
                    return constant.strip() in ALL_INTERFACES  # `constants.DEFAULT_HOST` of an imported project module
            return expr.attr in self.rule._attrs_defaulting_to_all() or expr.attr in attributes_defaulting_to(project_values(self.rule.unit), ALL_INTERFACES)
        if isinstance(expr, ast.Call) and ".".join(dotted_parts(expr.func) or ()) in ("os.environ.get", "os.getenv", "environ.get", "getenv") and len(expr.args) > 1:
            return self.all(expr.args[1], method, cls, depth + 1)
        if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and expr.func.attr == "get" and len(expr.args) == 2 and not expr.keywords:
            key = _ast_literal(expr.args[0])
            if isinstance(key, str) and key.strip("_").lower() in HOST_KEYS and not isinstance(expr.func.value, ast.Name):
                return self.all(expr.args[1], method, cls, depth + 1)  # self.options.get("host", "0.0.0.0")
        if isinstance(expr, ast.BoolOp) and isinstance(expr.op, ast.Or) and len(expr.values) == 2:
            # `configured or "0.0.0.0"`: the fallback when the configured host is not set
            left, right = expr.values
            if self.all(left, method, cls, depth + 1):
                return True
            set_literal = _ast_literal(left)
            if (set_literal is not UNKNOWN and set_literal) or not self.all(right, method, cls, depth + 1):
                return False
            if isinstance(left, ast.Name) and method is not None:
                default = _ast_option_default(method, left.id)
                default = default if default is not None else _ast_param_default(method, left.id)
                literal = _ast_literal(default) if default is not None else UNKNOWN
                if literal is not UNKNOWN and literal:
                    return False  # a parameter or option with a host as its default: set on a default run
            if isinstance(left, ast.Attribute):
                for values in (file_values(self.rule.unit, _module_tree(self.rule)), project_values(self.rule.unit)):
                    literals = values.attribute_defaults.get(left.attr)
                    if literals and all(isinstance(v, str) and v.strip() for v in literals):
                        return False  # an option or field with a host as its default
            self.rule._branch = f" when `{ast.unparse(left)[:30]}` is not set (the `or` fallback)" if hasattr(ast, "unparse") else " when the configured host is not set (the `or` fallback)"
            return True
        if isinstance(expr, (ast.List, ast.Tuple)) and expr.elts:
            return any(self.all(e, method, cls, depth + 1) for e in expr.elts)
        if isinstance(expr, ast.IfExp):
            # `host if host is not None else "0.0.0.0"`: both branches, or the one the parameter's
            # default takes
            body, orelse = self.all(expr.body, method, cls, depth + 1), self.all(expr.orelse, method, cls, depth + 1)
            if body and orelse:
                return True
            test = expr.test
            if ((body or orelse) and method is not None and isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.left, ast.Name)
                    and isinstance(test.ops[0], (ast.Is, ast.IsNot)) and _ast_literal(test.comparators[0]) is None and not _rebound(method, test.left.id)):
                default = _ast_param_default(method, test.left.id)
                literal = _ast_literal(default) if default is not None else UNKNOWN
                if literal is not UNKNOWN:
                    taken = (literal is None) == isinstance(test.ops[0], ast.Is)
                    if taken == body:
                        self.rule._branch = f" when `{test.left.id}` is {'None' if literal is None else 'set'} (its default)"
                        return True
        return False

    def _tuple_all(self, expr: Any, method: Any, cls: Any, depth: int) -> bool:
        """A ``(host, port)`` address whose host is every interface (an empty
        host is), written in the call or bound in the caller's function to
        a name; port 0 is not judged."""
        import ast

        if isinstance(expr, ast.Name) and method is not None:
            assigned = [n.value for n in _own_nodes(method) if isinstance(n, ast.Assign) and any(isinstance(t, ast.Name) and t.id == expr.id for t in n.targets)]
            return bool(assigned) and all(self._tuple_all(v, method, cls, depth + 1) for v in assigned)
        if not isinstance(expr, ast.Tuple) or len(expr.elts) != 2 or _ast_literal(expr.elts[1]) == 0:
            return False
        return self.all(expr.elts[0], method, cls, depth + 1)

    def _address_all(self, expr: Any, method: Any, cls: Any, depth: int) -> bool:
        """``"0.0.0.0:{}".format(port)``, ``"%s:%d" % (HOST, port)``,
        ``f"[::]:{port}"``, ``f"{host}:{port}"`` with such a host, or a local
        name bound to one."""
        import ast

        if isinstance(expr, ast.Name) and method is not None:
            assigned = [n.value for n in _own_nodes(method) if isinstance(n, ast.Assign) and any(isinstance(t, ast.Name) and t.id == expr.id for t in n.targets)]
            return bool(assigned) and all(self.all(v, method, cls, depth + 1, address=True) for v in assigned)
        template, first = None, None
        if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and expr.func.attr == "format":
            template, first = _ast_literal(expr.func.value), (expr.args[0] if expr.args else None)
        elif isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Mod):
            template = _ast_literal(expr.left)
            first = expr.right.elts[0] if isinstance(expr.right, ast.Tuple) and expr.right.elts else expr.right
        elif isinstance(expr, ast.JoinedStr) and expr.values:
            head = expr.values[0]
            if isinstance(head, ast.Constant) and isinstance(head.value, str):
                return _address_text_all(head.value + "{}")
            if isinstance(head, ast.FormattedValue) and len(expr.values) > 1:
                tail = expr.values[1]
                if isinstance(tail, ast.Constant) and isinstance(tail.value, str) and tail.value.startswith(":"):
                    return self.all(head.value, method, cls, depth + 1)
            return False
        if not isinstance(template, str) or ":" not in template:
            return False
        host = template.rsplit(":", 1)[0].strip()
        if host in ("{}", "{0}", "%s"):
            return first is not None and self.all(first, method, cls, depth + 1)
        return host in ALL_INTERFACES

    def param_from_callers(self, function: Any, name: str, address: Any, owner: Any = None, depth: int = 1) -> bool:
        """Every call of the module-level ``function`` (or, with ``owner``,
        of that class's static or class method ``function``: ``Owner.f(...)``,
        or ``cls.f(...)`` / ``self.f(...)`` in the class) in the file passes
        its parameter ``name`` (which has no default) a value on every
        interface, read in the caller's own function; False without a
        call, or with one we cannot read."""
        args = function.args
        positional = [a.arg for a in (*args.posonlyargs, *args.args)]
        if owner is not None and _decorated(function, "classmethod"):
            positional = positional[1:]
        if name not in positional and name not in {a.arg for a in args.kwonlyargs}:
            return False
        index = positional.index(name) if name in positional else None
        calls = _calls_of(_module_tree(self.rule), function.name, owner)
        if not calls:
            return owner is None and self._callers_in_other_modules(function, name, index, address)
        for call, caller, caller_cls in calls:
            value = _argument(call, name, index)
            if value is _UNREADABLE or not self.all(value, caller, caller_cls, depth, address=address):
                return False
        return True

    def _name_all(self, name: str, method: Any, cls: Any, depth: int) -> bool:
        import ast

        if method is not None:
            args = method.args
            names = [a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)]
            if name in names:
                default = _ast_param_default(method, name)
                passed = self._constructor_args(cls, method, name) if cls is not None and method.name == "__init__" else []
                option = _ast_option_default(method, name) if not passed else None
                if option is not None:
                    return self.all(option, None, None, depth + 1)  # a click or typer option's default
                if not passed and default is None:
                    # every caller in the file (a module-level function, a static or class method)
                    if depth >= 3:
                        return False
                    if cls is None and self.facts.functions.get(method.name) is method:
                        return self.param_from_callers(method, name, False, None, depth + 1)
                    if cls is not None and _static_method(cls, method.name) is method:
                        return self.param_from_callers(method, name, False, cls, depth + 1)
                    if cls is not None and method.name == "__init__":
                        return self._constructed_elsewhere(cls, method, name, None)
                    return False
                if not passed:
                    if default is not None and self.all(default, None, None, depth + 1):
                        return True
                    return cls is not None and method.name == "__init__" and self._constructed_elsewhere(cls, method, name, default)
                return all(self.all(v if v is not None else default, None, None, depth + 1) for v in passed)
            assigned = [n.value for n in _own_nodes(method) if isinstance(n, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in n.targets)]
            if assigned:
                return all(self.all(v, method, cls, depth + 1) for v in assigned)
        values = self.facts.module_assignments.get(name)
        if values and len(values) == 1:
            return self.all(values[0], None, None, depth + 1)
        imported = project_values(self.rule.unit).constant(name)
        if isinstance(imported, str):
            return imported.strip() in ALL_INTERFACES
        return self.rule._env_default_all(project_values(self.rule.unit).env_constant(name), name)

    def _constructed_elsewhere(self, cls: Any, init: Any, name: str, default: Any) -> bool:
        """Every call of the module-level class ``cls`` in the other modules
        of the package that import it (:func:`constructor_calls`) passes
        ``__init__``'s parameter ``name`` a host on every interface: a
        literal, or a parameter of the calling function with such a
        default (a click or typer option's too); the default where a call
        leaves it out. False without such a call, or with one we cannot
        read; the message names the module."""
        import ast

        if self.facts.classes.get(cls.name) is not cls:
            return False
        calls = constructor_calls(self.rule.unit, cls.name)
        if not calls:
            return False
        positional = [a.arg for a in (*init.args.posonlyargs, *init.args.args)][1:]
        index = positional.index(name) if name in positional else None
        for _source, call, caller in calls:
            value = _argument(call, name, index)
            if value is _UNREADABLE:
                return False
            value = value if value is not None else default
            if isinstance(value, ast.Name) and caller is not None:
                option = _ast_option_default(caller, value.id)
                value = option if option is not None else _ast_param_default(caller, value.id)
            literal = _ast_literal(value) if value is not None else UNKNOWN
            if not (isinstance(literal, str) and literal.strip() in ALL_INTERFACES):
                return False
        where = sorted({source.name for source, _call, _caller in calls})
        self.rule._branch += f" (`{cls.name}(...)` is made with such a host in `{'`, `'.join(where[:3])}`)"
        return True

    def _callers_in_other_modules(self, function: Any, name: str, index: Optional[int], address: Any) -> bool:
        """The module-level ``function``, which no code of this file calls,
        is called from other modules of the package that import it from
        here (:func:`~mlwarden.core.project.constructor_calls`), and every
        such call passes ``name`` a host (or an address, or a ``(host,
        port)`` tuple) on every interface: a literal, a ``configured or
        "0.0.0.0"`` fallback, or the caller's parameter or option default
        (:func:`_other_module_all`). The message names the modules."""
        if self.facts.functions.get(function.name) is not function:
            return False
        calls = constructor_calls(self.rule.unit, function.name)
        if not calls:
            return False
        for source, call, caller in calls:
            value = _argument(call, name, index)
            if value is _UNREADABLE or value is None or not _other_module_all(value, caller, address, source=source, unit=self.rule.unit):
                return False
        where = sorted({source.name for source, _call, _caller in calls})
        what = "a host" if not address else "an address"
        self.rule._branch += f" (`{function.name}(...)` is called only with such {what}, in `{'`, `'.join(where[:3])}`)"
        return True

    def _constructor_args(self, cls: Any, init: Any, name: str) -> List[Any]:
        """What each call of ``cls`` in the file passes for ``__init__``'s
        parameter ``name`` (None where it is left to the default); [] when
        there is no call, or one we cannot read (``*args``, ``**kwargs``)."""
        import ast

        tree = _module_tree(self.rule)
        if tree is None:
            return []
        positional = [a.arg for a in (*init.args.posonlyargs, *init.args.args)][1:]
        index = positional.index(name) if name in positional else None
        passed: List[Any] = []
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == cls.name):
                continue
            value = _argument(node, name, index)
            if value is _UNREADABLE:
                return []
            passed.append(value)
        return passed

    # -- classes -----------------------------------------------------------------
    def class_attr_all(self, cls: Any, attr: str, depth: int) -> bool:
        """Every value the class gives ``self.<attr>`` (in any method, or as a
        class-level default) binds every interface; False when there is
        none, or one that cannot be followed."""
        values = _class_attr_values(cls, attr)
        return bool(values) and all(value is not None and self.all(value, method, cls, depth) for value, method in values)

    def method_dict_key(self, cls: Any, name: str, key: str) -> Optional[List[bool]]:
        """Verdicts for the ``key`` entries of the dict method ``name`` of
        ``cls`` returns (a literal, or a name it builds with literals,
        ``.update`` and ``[key] = ...``); None when none can be seen."""
        import ast

        method = next((s for s in cls.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef)) and s.name == name), None)
        if method is None:
            return None
        returned = [n.value for n in _own_nodes(method) if isinstance(n, ast.Return) and n.value is not None]
        names = {r.id for r in returned if isinstance(r, ast.Name)}
        found: List[Any] = []
        for value in returned:
            found.extend(_ast_dict_entries(value, key))
        for node in _own_nodes(method):
            if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id in names for t in node.targets):
                found.extend(_ast_dict_entries(node.value, key))
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.target.id in names and node.value is not None:
                found.extend(_ast_dict_entries(node.value, key))  # args: Final = {...}
            elif isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name) and target.value.id in names and _ast_literal(target.slice) == key:
                        found.append(node.value)
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "update" and isinstance(node.func.value, ast.Name) and node.func.value.id in names:
                for arg in node.args:
                    found.extend(_ast_dict_entries(arg, key))
                found.extend(k.value for k in node.keywords if k.arg == key)
        if not found:
            return None
        return [self.all(value, method, cls, 0) for value in found]


def _class_attr_values(cls: Any, attr: str) -> List[Tuple[Any, Any]]:
    """(value, method) for every value the class gives ``self.<attr>`` (a
    class-level default has no method; an augmented or unpacked assignment
    has no value)."""
    import ast

    values: List[Tuple[Any, Any]] = []
    for stmt in cls.body:
        if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.target.id == attr and stmt.value is not None:
            values.append((stmt.value, None))
        elif isinstance(stmt, ast.Assign) and any(isinstance(t, ast.Name) and t.id == attr for t in stmt.targets):
            values.append((stmt.value, None))
        elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            me = _first_param(stmt)
            if me is None:
                continue
            for node in _own_nodes(stmt):
                targets: List[Any] = []
                if isinstance(node, ast.Assign):
                    targets = node.targets
                elif isinstance(node, (ast.AnnAssign, ast.AugAssign)):
                    targets = [node.target]
                for target in targets:
                    for item in (target.elts if isinstance(target, (ast.Tuple, ast.List)) else [target]):
                        if isinstance(item, ast.Attribute) and item.attr == attr and isinstance(item.value, ast.Name) and item.value.id == me:
                            plain = isinstance(node, (ast.Assign, ast.AnnAssign)) and item is target
                            values.append((node.value if plain else None, stmt))
    return values


#: how many project functions a host is followed back through, caller to caller
MAX_CALLER_HOPS = 3
#: how many project functions a parameter is followed through, from a caller to the server
MAX_HELPER_HOPS = 3
#: how many of those hops may go to another module (each reads and summarises a module:
#: a large package's functions forward parameters to dozens of modules each)
MAX_MODULE_HOPS = 1


#: words of a call's arguments that keep it in the fast path (the rule's triggers)
_ADDRESS_WORDS = frozenset({"host", "port", "address", "addr", "bind"})
#: a keyword that ends so names a host too (``api_host=``, ``bind_addr=``,
#: ``server_address=``); the rule sees the whole module of a file that
#: writes one (``module_words``), since it is no gate word
_ADDRESS_SUFFIXES = ("_host", "_addr", "_address")


def _tests_is_set(test: Any, value: Any) -> bool:
    """``test`` asks whether ``value`` is set: ``if value:`` or ``if value
    is not None:`` (the same expression, compared by structure)."""
    if test.deep_equals(value):
        return True
    return (
        isinstance(test, cst.Comparison)
        and len(test.comparisons) == 1
        and isinstance(test.comparisons[0].operator, cst.IsNot)
        and isinstance(test.comparisons[0].comparator, cst.Name)
        and test.comparisons[0].comparator.value == "None"
        and test.left.deep_equals(value)
    )


def _falls_back_to_itself(value: Any, name: str) -> bool:
    """``value`` is ``name or fallback`` (``host = host or get_env_host()``)."""
    return (
        isinstance(value, cst.BooleanOperation) and isinstance(value.operator, cst.Or)
        and isinstance(value.left, cst.Name) and value.left.value == name
    )


def _names_host_or_port(call: Any) -> bool:
    """A ``host``, ``port``, ``address``, ``addr`` or ``bind`` word is code
    in the call's arguments (a name, an attribute, a keyword, a name in an
    f-string): the rule's trigger words, so the gate keeps the call's code
    in the fast path too."""
    stack: List[Any] = []
    for arg in call.args:
        if arg.keyword is not None and (arg.keyword.value in _ADDRESS_WORDS or arg.keyword.value.endswith(_ADDRESS_SUFFIXES)):
            return True
        stack.append(arg.value)
    while stack:  # the shapes an argument takes (not every node's children: libcst builds them on demand)
        node = stack.pop()
        if isinstance(node, cst.Name):
            if node.value in _ADDRESS_WORDS:
                return True
        elif isinstance(node, cst.Attribute):
            if node.attr.value in _ADDRESS_WORDS:
                return True
            stack.append(node.value)
        elif isinstance(node, cst.FormattedString):
            stack.extend(part.expression for part in node.parts if isinstance(part, cst.FormattedStringExpression))
        elif isinstance(node, (cst.Tuple, cst.List)):
            stack.extend(e.value for e in node.elements)
        elif isinstance(node, cst.BinaryOperation):
            stack.extend((node.left, node.right))
        elif isinstance(node, cst.BooleanOperation):
            stack.extend((node.left, node.right))
        elif isinstance(node, cst.Call):
            stack.append(node.func)
            stack.extend(a.value for a in node.args)
        elif isinstance(node, cst.Subscript):
            stack.append(node.value)
    return False


_HELPERS: Dict[Tuple[Any, ...], Tuple[Dict[str, Dict[str, Tuple[str, str, Optional[int]]]], FrozenSet[str]]] = {}
_HELPERS_BUSY: set = set()
#: a summarised module's parts (functions, owners, summary, imports, aliases, frameworks), by the key of :data:`_HELPERS`
_HELPER_PARTS: Dict[Tuple[Any, ...], Tuple[Any, ...]] = {}
#: (file key, class, hops) -> the class's constructor binds and the files read (memo of :func:`_class_binds`)
_CLASS_BINDS: Dict[Tuple[Any, ...], Tuple[Dict[str, Tuple[str, str, Optional[int]]], FrozenSet[str]]] = {}
_CLASS_BUSY: set = set()


def helper_binds(path: Any, name: str, hops: int = 0) -> Optional[Tuple[Dict[str, Tuple[str, str, Optional[int]]], FrozenSet[str]]]:
    """({parameter: (kind, server, position)}, files read) for the
    module-level function ``name`` of the project module ``path`` (or the
    module that defines a name it re-exports) when it hands parameters to
    a server: ``kind`` is ``"host"`` (a host), ``"address"`` (a
    ``host:port``) or ``"tuple"`` (a ``(host, port)``); None otherwise.
    Read with ``ast``, never run; memoised per module."""
    from mlwarden.core.project import MAX_REEXPORT_HOPS, module_file

    read: Set[str] = set()
    for _ in range(MAX_REEXPORT_HOPS + 1):
        if path is None:
            return None
        summary = _module_helpers(Path(path), hops)
        if summary is None:
            return None
        functions, files = summary
        read |= files
        if name in functions:
            return functions[name], frozenset(read)
        if "." not in name:
            made = _class_binds(Path(path), name, hops)
            if made is not None:
                return made[0], frozenset(read | made[1])
        if "." in name:
            inherited = _inherited_binds(Path(path), name, hops)
            if inherited is None:
                return None
            return inherited[0], frozenset(read | inherited[1])
        values = module_values(Path(path))
        if values is None or name not in values.reexports:
            return None
        module, name, level = values.reexports[name]
        path = module_file(Path(path), module, level)
    return None


def _inherited_binds(path: Path, name: str, hops: int, seen: Optional[Set[str]] = None) -> Optional[Tuple[Dict[str, Tuple[str, str, Optional[int]]], FrozenSet[str]]]:
    """:func:`helper_binds` of ``Class.method`` that the class of the
    module ``path`` does not define: the first of its bases (a class of the
    module, or one imported from a project module) that does, as Python's
    method resolution finds it for single inheritance."""
    import ast

    from mlwarden.core.project import module_file

    class_name, method = name.split(".", 1)
    tree = module_tree(path)
    seen = set() if seen is None else seen
    if tree is None or hops >= MAX_HELPER_HOPS or class_name in seen:
        return None
    seen.add(class_name)
    classes = [stmt for stmt in tree.body if isinstance(stmt, ast.ClassDef) and stmt.name == class_name]
    if len(classes) != 1:
        return None
    if any(isinstance(m, (ast.FunctionDef, ast.AsyncFunctionDef)) and m.name == method for m in classes[0].body):
        return None  # defined here, and hands nothing to a server
    values = module_values(path)
    for base in classes[0].bases:
        if not isinstance(base, ast.Name):
            continue
        if any(isinstance(stmt, ast.ClassDef) and stmt.name == base.id for stmt in tree.body):
            # a base of the same module: its summary is this module's (no module hop)
            summary = _module_helpers(path, hops)
            if summary is None:
                return None
            if f"{base.id}.{method}" in summary[0]:
                return summary[0][f"{base.id}.{method}"], summary[1]
            return _inherited_binds(path, f"{base.id}.{method}", hops, seen)
        if values is not None and base.id in values.imports:
            module, original, level = values.imports[base.id]
            source = module_file(path, module, level)
            return helper_binds(source, f"{original}.{method}", hops + 1) if source is not None else None
        return None  # a base of another library: its methods are not the project's
    return None


def _module_helpers(path: Path, hops: int) -> Optional[Tuple[Dict[str, Dict[str, Tuple[str, str, Optional[int]]]], FrozenSet[str]]]:
    import ast

    from mlwarden.core.project import _file_key, module_file

    key = _file_key(path)
    if key is None or str(path) in _HELPERS_BUSY:
        return None
    key = (*key, min(hops, MAX_MODULE_HOPS))  # a summary read deeper follows fewer modules
    known = _HELPERS.get(key)
    if known is not None:
        return known
    tree = module_tree(path)
    if tree is None:
        return None
    _HELPERS_BUSY.add(str(path))
    try:
        aliases: Dict[str, str] = {}
        imported: Dict[str, Tuple[str, str, int]] = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    aliases[alias.asname or alias.name.split(".")[0]] = alias.name if alias.asname else alias.name.split(".")[0]
            elif isinstance(node, ast.ImportFrom):
                for alias in node.names:
                    if node.level or not node.module:
                        imported[alias.asname or alias.name] = (node.module or "", alias.name, node.level or 0)
                    else:
                        aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"
                        imported[alias.asname or alias.name] = (node.module, alias.name, 0)
        frameworks = {q.split(".")[0] for q in aliases.values()}
        functions: Dict[str, Any] = {}
        owners: Dict[str, str] = {}  # "Class.method" -> "Class"
        for stmt in tree.body:
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                functions[stmt.name] = stmt if stmt.name not in functions else None
            elif isinstance(stmt, ast.ClassDef):
                for member in stmt.body:
                    if isinstance(member, (ast.FunctionDef, ast.AsyncFunctionDef)) and not _decorated(member, "staticmethod") and not _decorated(member, "classmethod"):
                        method_key = f"{stmt.name}.{member.name}"  # not `key`: the memo's key below
                        functions[method_key] = member if method_key not in functions else None
                        owners[method_key] = stmt.name
        found: Dict[str, Dict[str, Tuple[str, str, Optional[int]]]] = {}
        read: Set[str] = {str(path)}
        for fname, function in functions.items():
            if function is None:
                continue
            params = _open_params(function, fname in owners)
            local: Optional[Dict[str, Any]] = None
            for node in _own_nodes(function):
                if isinstance(node, ast.Call):
                    if local is None and isinstance(node.func, (ast.Name, ast.Attribute)) and (dotted_parts(node.func) or [])[-1:] == ["call_command"]:
                        local = _assigned_once(function)
                    for param, kind, server in _direct_binds(node, params, aliases, frameworks, local):
                        found.setdefault(fname, {}).setdefault(param, (kind, server, _position(function, param, fname in owners)))
            for param, kind, server in _socket_binds(function, params, aliases):
                found.setdefault(fname, {}).setdefault(param, (kind, server, _position(function, param, fname in owners)))
        once: Dict[str, Dict[str, Any]] = {}  # per function: the names it assigns once
        for _ in range(MAX_HELPER_HOPS):
            changed = False
            for fname, function in functions.items():
                if function is None:
                    continue
                method = fname in owners
                params = _open_params(function, method)
                me = _first_param(function) if method else None
                for node in _own_nodes(function):
                    if not isinstance(node, ast.Call):
                        continue
                    func = node.func
                    binds: Optional[Dict[str, Tuple[str, str, Optional[int]]]] = None
                    callee = ""
                    if isinstance(func, ast.Name) and func.id != fname:
                        callee = func.id
                        if callee in functions and functions[callee] is not None and callee not in owners:
                            binds = found.get(callee)
                        elif callee in imported and hops < MAX_MODULE_HOPS and _forwards(node, params):
                            module, original, level = imported[callee]
                            source = module_file(path, module, level)
                            other = helper_binds(source, original, hops + 1) if source is not None else None
                            if other is not None:
                                binds, files = other
                                read |= files
                    elif isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
                        callee = f"{func.value.id}.{func.attr}"
                        if me is not None and func.value.id == me:
                            # self.other(...): a method of the same class
                            sibling = f"{owners[fname]}.{func.attr}"
                            if sibling != fname and functions.get(sibling) is not None:
                                binds = found.get(sibling)
                        elif func.value.id in imported and hops < MAX_MODULE_HOPS and _forwards(node, params):
                            # module.function(...) of an imported project module
                            module, original, level = imported[func.value.id]
                            source = module_file(path, f"{module}.{original}" if module else original, level)
                            other = helper_binds(source, func.attr, hops + 1) if source is not None and source.name != "__init__.py" else None
                            if other is not None:
                                binds, files = other
                                read |= files
                        else:
                            # obj.method(...) on an object the function makes once from a class of
                            # this module or of an imported project module (`srv = Server()` …
                            # `await srv.start(db, host, port)`): that method's summary
                            if fname not in once:
                                once[fname] = _assigned_once(function)
                            made = once[fname].get(func.value.id)
                            if isinstance(made, ast.Call) and isinstance(made.func, ast.Name):
                                method_key = f"{made.func.id}.{func.attr}"
                                if functions.get(method_key) is not None and owners.get(method_key) == made.func.id:
                                    binds = found.get(method_key)
                                elif made.func.id in imported and hops < MAX_MODULE_HOPS and _forwards(node, params):
                                    module, original, level = imported[made.func.id]
                                    source = module_file(path, module, level)
                                    other = helper_binds(source, f"{original}.{func.attr}", hops + 1) if source is not None else None
                                    if other is not None:
                                        binds, files = other
                                        read |= files
                    for param, (kind, server, position) in (binds or {}).items():
                        value = _argument(node, param, position)
                        handed = _handed_param(value, kind, params)
                        if handed is not None and handed[0] not in found.get(fname, {}):
                            found.setdefault(fname, {})[handed[0]] = (handed[1], f"{server}` through `{callee}", _position(function, handed[0], method))
                            changed = True
            if not changed:
                break
        # what a class's constructor summary needs, computed on demand (:func:`_class_binds`)
        _HELPER_PARTS[key] = (functions, owners, found, imported, aliases, frameworks)
        result = (found, frozenset(read))
    finally:
        _HELPERS_BUSY.discard(str(path))
    if len(_HELPERS) > 512:
        _HELPERS.clear()
        _HELPER_PARTS.clear()
        _HELPER_PARTS[key] = (functions, owners, found, imported, aliases, frameworks)
    _HELPERS[key] = result
    return result


#: the name a kept attribute (``self.host``) takes in a method's rewritten copy
_KEPT = "\0self."


def _kept_params(init: Any) -> Dict[str, str]:
    """attribute -> ``__init__`` parameter for ``self.attr = param`` (or
    ``param or fallback``) in the body of ``init`` (``ast``)."""
    import ast

    me = _first_param(init)
    params = _open_params(init, method=True)
    kept: Dict[str, str] = {}
    for node in _own_nodes(init):
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            target, value = node.target, node.value
        else:
            continue
        if not (isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and target.value.id == me):
            continue
        if isinstance(value, ast.BoolOp) and isinstance(value.op, ast.Or):
            value = value.values[0]
        if isinstance(value, ast.Name) and value.id in params:
            kept.setdefault(target.attr, value.id)
    return kept


def _class_binds(path: Path, cls: str, hops: int) -> Optional[Tuple[Dict[str, Tuple[str, str, Optional[int]]], FrozenSet[str]]]:
    """:func:`_constructor_binds` of the module-level class ``cls`` of the
    project module ``path`` (summarised by :func:`_module_helpers` first),
    computed when a call site asks for it and memoised; None when its
    constructor hands nothing to a server."""
    from mlwarden.core.project import _file_key

    file_key = _file_key(path)
    if file_key is None:
        return None
    key = (*file_key, min(hops, MAX_MODULE_HOPS))
    memo = (*key, cls)
    if memo in _CLASS_BINDS:
        known = _CLASS_BINDS[memo]
        return known if known[0] else None
    if memo in _CLASS_BUSY:
        return None
    summary = _module_helpers(path, hops)
    parts = _HELPER_PARTS.get(key)
    if summary is None or parts is None:
        return None
    functions, owners, found, imported, aliases, frameworks = parts
    if f"{cls}.__init__" not in functions:
        _CLASS_BINDS[memo] = ({}, frozenset())
        return None
    read: Set[str] = set(summary[1])
    _CLASS_BUSY.add(memo)
    try:
        made = _constructor_binds(path, cls, functions, owners, found, imported, aliases, frameworks, hops, read)
    finally:
        _CLASS_BUSY.discard(memo)
    if len(_CLASS_BINDS) > 1024:
        _CLASS_BINDS.clear()
    _CLASS_BINDS[memo] = (made, frozenset(read)) if made else ({}, frozenset())
    return _CLASS_BINDS[memo] if made else None


def _kept_by_base(path: Path, cls: str, init: Any, functions: Dict[str, Any]) -> Dict[str, str]:
    """attribute -> ``init`` parameter that ``super().__init__(host=host)``
    hands to the ``__init__`` of the class's first base of the same module,
    which keeps it (``self.host = host or default``); one level."""
    import ast

    tree = module_tree(path)
    classdef = next((s for s in tree.body if isinstance(s, ast.ClassDef) and s.name == cls), None) if tree is not None else None
    if classdef is None:
        return {}
    base_init = next((functions.get(f"{b.id}.__init__") for b in classdef.bases if isinstance(b, ast.Name)), None)
    if base_init is None:
        return {}
    base_kept = _kept_params(base_init)
    params = _open_params(init, method=True)
    kept: Dict[str, str] = {}
    for node in _own_nodes(init):
        func = node.func if isinstance(node, ast.Call) else None
        if not (isinstance(func, ast.Attribute) and func.attr == "__init__" and isinstance(func.value, ast.Call)
                and isinstance(func.value.func, ast.Name) and func.value.func.id == "super"):
            continue
        for attr, base_param in base_kept.items():
            value = _argument(node, base_param, _position(base_init, base_param, True))
            if isinstance(value, ast.Name) and value.id in params:
                kept.setdefault(attr, value.id)
    return kept


def _constructor_binds(path: Path, cls: str, functions: Dict[str, Any], owners: Dict[str, str], found: Dict[str, Dict[str, Tuple[str, str, Optional[int]]]],
                       imported: Dict[str, Tuple[str, str, int]], aliases: Dict[str, str], frameworks: Set[str], hops: int,
                       read: Set[str]) -> Dict[str, Tuple[str, str, Optional[int]]]:
    """{``__init__`` parameter: (kind, server, position)} of the module-level
    class ``cls``: its ``__init__`` keeps the parameter (``self.host =
    host``) and one of its methods hands ``self.host`` to a server, to a
    method of the class or a function of the module that does, or to a
    function or class of another project module that does (one module
    hop, as for functions); ``__init__``'s own binds count too. Read from
    a rewritten copy of each method that names ``self.host`` (never
    run)."""
    import ast
    import copy

    from mlwarden.core.project import module_file

    init = functions.get(f"{cls}.__init__")
    if init is None:
        return {}
    made: Dict[str, Tuple[str, str, Optional[int]]] = {}
    for param, (kind, server, _position_in_init) in found.get(f"{cls}.__init__", {}).items():
        made[param] = (kind, server, _position(init, param, True))
    kept = _kept_params(init)
    kept.update({a: p for a, p in _kept_by_base(path, cls, init, functions).items() if a not in kept})
    if not kept:
        return made

    class _Rename(ast.NodeTransformer):
        def __init__(self, me: str) -> None:
            self.me = me

        def visit_Attribute(self, node: ast.Attribute) -> Any:
            if isinstance(node.value, ast.Name) and node.value.id == self.me and node.attr in kept and isinstance(node.ctx, ast.Load):
                return ast.copy_location(ast.Name(id=_KEPT + node.attr, ctx=ast.Load()), node)
            return self.generic_visit(node)

    names = {_KEPT + attr for attr in kept}
    for key, method in functions.items():
        if method is None or owners.get(key) != cls:
            continue
        me = _first_param(method)
        if me is None or not any(
            isinstance(n, ast.Attribute) and n.attr in kept and isinstance(n.value, ast.Name) and n.value.id == me for n in _own_nodes(method)
        ):
            continue
        renamed = _Rename(me).visit(copy.deepcopy(method))
        for node in _own_nodes(renamed):
            if not isinstance(node, ast.Call):
                continue
            handed: List[Tuple[str, str, str]] = list(_direct_binds(node, names, aliases, frameworks))
            func = node.func
            binds: Optional[Dict[str, Tuple[str, str, Optional[int]]]] = None
            callee = ""
            if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == me:
                callee = f"{cls}.{func.attr}"
                binds = found.get(callee) if callee != key else None  # self.serve(self.host)
            elif isinstance(func, ast.Name) and func.id in functions and func.id not in owners:
                callee = func.id
                binds = found.get(callee)  # a function of the module
            elif isinstance(func, ast.Name) and f"{func.id}.__init__" in functions and _forwards(node, names):
                callee = func.id
                other = _class_binds(path, func.id, hops)  # a class of the module: ThreadServer(host=self.host)
                if other is not None:
                    binds, files = other
                    read |= files
            elif isinstance(func, ast.Name) and func.id in imported and hops < MAX_MODULE_HOPS and _forwards(node, names):
                callee = func.id
                module, original, level = imported[func.id]
                source = module_file(path, module, level)
                other = helper_binds(source, original, hops + 1) if source is not None else None
                if other is not None:
                    binds, files = other
                    read |= files
            for param, (kind, server, position) in (binds or {}).items():
                value = _argument(node, param, position)
                given = _handed_param(value, kind, names)
                if given is not None:
                    handed.append((given[0], given[1], f"{server}` through `{callee}"))
            for name, kind, server in handed:
                attr = name[len(_KEPT):]
                param = kept.get(attr)
                if param is not None and param not in made:
                    made[param] = (kind, f"{server}` through `{key}", _position(init, param, True))
    return made


def _constructed_classes(path: Path, name: str) -> List[str]:
    """``[name]`` when it is a module-level class of the project module
    ``path``; the classes, in order, when ``name`` is a module-level
    function of it every ``return`` of which constructs a module-level
    class of it (``return Store(repo_path=p)``); [] otherwise."""
    import ast

    tree = module_tree(path)
    if tree is None:
        return []
    classes = {stmt.name for stmt in tree.body if isinstance(stmt, ast.ClassDef)}
    if name in classes:
        return [name]
    functions = [stmt for stmt in tree.body if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and stmt.name == name]
    if len(functions) != 1 or not _ends_in_return(functions[0].body):
        return []
    made: List[Any] = []
    for node in _own_nodes(functions[0]):
        if isinstance(node, (ast.Yield, ast.YieldFrom)):
            return []
        if isinstance(node, ast.Return):
            value = node.value
            if not (isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id in classes):
                return []
            made.append((value.lineno, value.func.id))
    return list(dict.fromkeys(n for _line, n in sorted(made)))


def _common_binds(targets: List[Tuple[Path, str]]) -> Optional[Tuple[Dict[str, Tuple[str, str, Optional[int]]], FrozenSet[str]]]:
    """The parameters every one of ``targets`` ((module, function), or
    ``Class.method`` of the classes an object may be) hands to a server the
    same way (:func:`helper_binds`); None when one of them hands none."""
    common: Optional[Dict[str, Tuple[str, str, Optional[int]]]] = None
    read: FrozenSet[str] = frozenset()
    for path, name in targets:
        found = helper_binds(path, name)
        if found is None:
            return None
        binds, files = found
        read |= files
        if common is None:
            common = dict(binds)
        else:
            common = {p: v for p, v in common.items() if p in binds and binds[p][0] == v[0] and binds[p][2] == v[2]}
    return (common, read) if common else None


def _forwards(call: Any, params: Set[str]) -> bool:
    """``call`` (``ast``) passes one of ``params`` on (as an argument, in an
    f-string or a tuple): only such calls are worth reading another module for."""
    import ast

    for value in [*call.args, *(k.value for k in call.keywords)]:
        for node in ast.walk(value):
            if isinstance(node, ast.Name) and node.id in params:
                return True
    return False


def _open_params(function: Any, method: bool = False) -> Set[str]:
    """The parameters of ``function`` (``ast``) it does not assign again
    (a method's ``self`` left out)."""
    params = _params_of(function)
    if method and params:
        params = params[1:]
    return {p for p in params if not _rebound(function, p)}


def _position(function: Any, param: str, method: bool = False) -> Optional[int]:
    positional = [a.arg for a in (*function.args.posonlyargs, *function.args.args)]
    if method:
        positional = positional[1:]
    return positional.index(param) if param in positional else None


def _handed_param(value: Any, kind: str, params: Set[str]) -> Optional[Tuple[str, str]]:
    """(parameter, kind) when ``value`` hands a parameter on where a server
    takes a ``kind`` value: the parameter itself, ``f"{p}:{port}"`` (a host
    in an address), or ``(p, port)`` (a host in a tuple)."""
    import ast

    if isinstance(value, ast.Name) and value.id in params:
        return value.id, kind
    if kind == "address":
        host = _ast_address_host(value) if value is not None else None
        if isinstance(host, ast.Name) and host.id in params:
            return host.id, "host"
    if kind == "tuple" and isinstance(value, ast.Tuple) and len(value.elts) == 2 and isinstance(value.elts[0], ast.Name) and value.elts[0].id in params:
        return value.elts[0].id, "host"
    return None


def _direct_binds(call: Any, params: Set[str], aliases: Dict[str, str], frameworks: Set[str], local: Optional[Dict[str, Any]] = None) -> List[Tuple[str, str, str]]:
    """(parameter, kind, server) for the parameters ``call`` (``ast``) hands
    to a server's host or address: :data:`SERVERS`, gRPC's
    ``add_insecure_port``, the ``(host, port)`` servers, gradio's
    ``launch(server_name=…)`` without ``auth``, a Flask-like ``app.run(host=…, port=…)``,
    Django's ``call_command("runserver", …, f"{host}:{port}")`` (its address
    also through a name bound once in the function: ``local``)."""
    import ast

    parts = dotted_parts(call.func)
    qual = None
    if parts:
        head = aliases.get(parts[0])
        qual = ".".join([head, *parts[1:]]) if head is not None else None
    found: List[Tuple[str, str, str]] = []
    if qual in SERVERS and qual != "ray.serve.start":
        position, keyword, _default = SERVERS[qual]
        handed = _handed_param(_argument(call, keyword, position), "host", params)
        if handed is not None:
            found.append((handed[0], "host", qual))
    elif qual in ADDRESS_SERVERS:
        handed = _handed_param(_argument(call, _ADDRESS_KEYWORDS.get(qual, "server_address"), 0), "tuple", params)
        if handed is not None:
            found.append((handed[0], handed[1], qual))
    elif isinstance(call.func, ast.Attribute) and call.func.attr == "add_insecure_port":
        handed = _handed_param(_argument(call, "address", 0), "address", params)
        if handed is not None:
            found.append((handed[0], handed[1], "add_insecure_port"))
    elif isinstance(call.func, ast.Attribute) and call.func.attr == "launch" and "gradio" in frameworks and not any(k.arg == "auth" for k in call.keywords):
        handed = _handed_param(next((k.value for k in call.keywords if k.arg == "server_name"), None), "host", params)
        if handed is not None:
            found.append((handed[0], "host", "launch(server_name=...)"))
    elif isinstance(call.func, ast.Attribute) and call.func.attr == "run" and frameworks & {"flask", "quart", "sanic"} and any(k.arg == "port" for k in call.keywords):
        handed = _handed_param(next((k.value for k in call.keywords if k.arg == "host"), None), "host", params)
        if handed is not None:
            found.append((handed[0], "host", "run(host=...)"))
    elif qual == "django.core.management.call_command" and call.args and _ast_literal(call.args[0]) == "runserver":
        given = next((k.value for k in call.keywords if k.arg == "addrport"), None)
        if given is None:
            given = next((a for a in call.args[1:] if not isinstance(a, ast.Starred) and not str(_ast_literal(a)).startswith("-")), None)
        if isinstance(given, ast.Name) and given.id not in params and local is not None and given.id in local:
            given = local[given.id]  # http_socket = "{}:{}".format(host, port) … call_command("runserver", http_socket)
        handed = _handed_param(given, "address", params)
        if handed is not None:
            found.append((handed[0], handed[1], "runserver"))
    return found


def _socket_binds(function: Any, params: Set[str], aliases: Dict[str, str]) -> List[Tuple[str, str, str]]:
    """(parameter, "host", "socket.bind") for a TCP socket the function
    makes (``s = socket.socket(...)``, ``with socket.socket(...) as s``),
    binds to ``(param, port)`` and listens on (``s.listen()``); a socket
    only bound (a free-port probe), a UDP or Unix socket, port 0, is none."""
    import ast

    nodes = _own_nodes(function)
    if not any(isinstance(n, ast.Attribute) and n.attr == "listen" for n in nodes):
        return []

    def made_socket(value: Any) -> bool:
        if not isinstance(value, ast.Call):
            return False
        parts = dotted_parts(value.func) or []
        head = aliases.get(parts[0]) if parts else None
        if head is None or ".".join([head, *parts[1:]]) != "socket.socket":
            return False
        return not any(isinstance(a, ast.Attribute) and a.attr in ("SOCK_DGRAM", "SOCK_RAW", "AF_UNIX") for v in [*value.args, *(k.value for k in value.keywords)] for a in ast.walk(v))

    sockets: Dict[str, List[bool]] = {}
    listened: Set[str] = set()
    for n in nodes:
        if isinstance(n, ast.Assign) and len(n.targets) == 1 and isinstance(n.targets[0], ast.Name):
            sockets.setdefault(n.targets[0].id, []).append(made_socket(n.value))
        elif isinstance(n, (ast.With, ast.AsyncWith)):
            for item in n.items:
                if isinstance(item.optional_vars, ast.Name):
                    sockets.setdefault(item.optional_vars.id, []).append(made_socket(item.context_expr))
        elif isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "listen" and isinstance(n.func.value, ast.Name):
            listened.add(n.func.value.id)
    found: List[Tuple[str, str, str]] = []
    for n in nodes:
        if not (isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "bind" and len(n.args) == 1 and isinstance(n.func.value, ast.Name)):
            continue
        name = n.func.value.id
        made = sockets.get(name)
        if not made or not all(made) or name not in listened:
            continue
        address = n.args[0]
        if isinstance(address, ast.Tuple) and len(address.elts) == 2 and _ast_literal(address.elts[1]) == 0:
            continue
        handed = _handed_param(address, "tuple", params)
        if handed is not None:
            found.append((handed[0], handed[1], f"{name}.bind"))
    return found


def _assigned_once(function: Any) -> Dict[str, Any]:
    """Names a function's own body assigns exactly once, to their values."""
    import ast

    counts: Dict[str, int] = {}
    values: Dict[str, Any] = {}
    for node in _own_nodes(function):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    counts[target.id] = counts.get(target.id, 0) + 1
                    values[target.id] = node.value
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign, ast.For, ast.With)):
            for n in ast.walk(getattr(node, "target", None) or node):
                if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store):
                    counts[n.id] = counts.get(n.id, 0) + 2
    return {name: values[name] for name, n in counts.items() if n == 1}


def _other_module_all(expr: Any, caller: Any, address: Any, depth: int = 0, source: Any = None, unit: Any = None) -> bool:
    """``expr``, written in another module's function ``caller`` (or at its
    top level), is a host on every interface (with ``address``, a
    ``host:port``; with ``address="tuple"``, a ``(host, port)``): a
    literal, ``configured or "0.0.0.0"`` (the fallback when nothing is
    configured), a parameter's or option's literal default, an address
    built from such a host (``f"[::]:{port}"``, ``"{}:{}".format(host,
    port)``), and, given the module's file ``source``: a constant of that
    module (also one it imports, or builds from constants,
    :func:`~mlwarden.core.project.module_name_value`), an argparse or
    field default of it (``args.host``), the constants a function of it
    returns, and a parameter without a default, judged by every call of
    ``caller`` in the package (:func:`~mlwarden.core.project.function_callers`),
    up to :data:`MAX_CALLER_HOPS` callers back."""
    import ast

    if depth > 3 + MAX_CALLER_HOPS or expr is None:
        return False
    if address == "tuple":
        if isinstance(expr, ast.Tuple) and len(expr.elts) >= 2:
            return _other_module_all(expr.elts[0], caller, False, depth + 1)
        return False
    literal = _ast_literal(expr)
    if literal is not UNKNOWN:
        if not isinstance(literal, str):
            return False
        return _address_text_all(literal) if address else literal.strip() in ALL_INTERFACES
    if isinstance(expr, ast.BoolOp) and isinstance(expr.op, ast.Or) and expr.values:
        for value in expr.values[:-1]:
            set_to = _ast_literal(value)
            if set_to is UNKNOWN and isinstance(value, ast.Name) and isinstance(caller, (ast.FunctionDef, ast.AsyncFunctionDef)):
                default = _ast_option_default(caller, value.id) or _ast_param_default(caller, value.id)
                set_to = _ast_literal(default) if default is not None else UNKNOWN
            if set_to is not UNKNOWN and set_to:
                return _other_module_all(value if isinstance(value, ast.Constant) else ast.Constant(set_to), None, address, depth + 1)
        return _other_module_all(expr.values[-1], caller, address, depth + 1)
    if address is True:
        host = _ast_address_host(expr)
        if host is not None:
            return host is _ALL_TEXT or (host is not _LOCAL_TEXT and _other_module_all(host, caller, False, depth + 1, source, unit))
    function = caller if isinstance(caller, (ast.FunctionDef, ast.AsyncFunctionDef)) else None
    if isinstance(expr, ast.Name) and function is not None and expr.id in _params_of(function):
        option = _ast_option_default(function, expr.id)
        default = option if option is not None else _ast_param_default(function, expr.id)
        if default is not None:
            return _other_module_all(default, None, address, depth + 1, source, unit)
        if source is None or unit is None or depth >= MAX_CALLER_HOPS or _rebound(function, expr.id):
            return False
        tree = module_tree(source)
        if tree is None or function not in tree.body:
            return False  # a method, or a nested function: its callers are not followed
        callers = function_callers(unit, source, function)
        positional = [a.arg for a in (*function.args.posonlyargs, *function.args.args)]
        index = positional.index(expr.id) if expr.id in positional else None
        if not callers:
            return False
        for where, call, outer in callers:
            value = _argument(call, expr.id, index)
            if value is _UNREADABLE or value is None or not _other_module_all(value, outer, address, depth + 1, where, unit):
                return False
        return True
    if source is None:
        return False
    if isinstance(expr, ast.Name):
        if function is not None:
            assigned = [n.value for n in _own_nodes(function) if isinstance(n, ast.Assign) and any(isinstance(t, ast.Name) and t.id == expr.id for t in n.targets)]
            if assigned:
                return all(_other_module_all(v, function, address, depth + 1, source, unit) for v in assigned)
        constant = module_name_value(source, expr.id)
        if isinstance(constant, str):
            return _address_text_all(constant) if address else constant.strip() in ALL_INTERFACES
        return False
    if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name) and not address:
        values = module_values(source)
        literals = values.attribute_defaults.get(expr.attr) if values is not None else None
        return bool(literals) and all(isinstance(v, str) and v.strip() in ALL_INTERFACES for v in literals)
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name) and not address:
        returned = module_name_returns(source, expr.func.id)
        return bool(returned) and all(isinstance(v, str) and v.strip() in ALL_INTERFACES for v in returned)
    return False


#: what :func:`_ast_address_host` says of an address whose host is written in it
_ALL_TEXT, _LOCAL_TEXT = object(), object()


def _ast_address_host(expr: Any) -> Any:
    """The host part of a ``host:port`` address built in code: ``_ALL_TEXT``
    / ``_LOCAL_TEXT`` when the template spells it (``f"[::]:{port}"``,
    ``"0.0.0.0:%d" % port``), the expression of the host when it is the
    template's first value (``f"{host}:{port}"``, ``"{}:{}".format(host,
    port)``, ``"%s:%s" % (host, port)``); None when ``expr`` is not such
    an address."""
    import ast

    template, first = None, None
    if isinstance(expr, ast.JoinedStr) and expr.values:
        head = expr.values[0]
        if isinstance(head, ast.Constant) and isinstance(head.value, str):
            if ":" not in head.value:
                return None
            return _ALL_TEXT if _address_text_all(head.value + "{}") else _LOCAL_TEXT
        if isinstance(head, ast.FormattedValue) and len(expr.values) > 1:
            tail = expr.values[1]
            if isinstance(tail, ast.Constant) and isinstance(tail.value, str) and tail.value.startswith(":"):
                return head.value
        return None
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and expr.func.attr == "format":
        template, first = _ast_literal(expr.func.value), (expr.args[0] if expr.args else None)
    elif isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Mod):
        template = _ast_literal(expr.left)
        first = expr.right.elts[0] if isinstance(expr.right, ast.Tuple) and expr.right.elts else expr.right
    if not isinstance(template, str) or ":" not in template:
        return None
    host = template.rsplit(":", 1)[0].strip()
    if host in ("{}", "{0}", "%s"):
        return first
    return _ALL_TEXT if host in ALL_INTERFACES else _LOCAL_TEXT


def _params_of(function: Any) -> List[str]:
    args = function.args
    return [a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)]


def _rebound(function: Any, name: str) -> bool:
    """``function`` (``ast``) assigns its parameter ``name`` again."""
    import ast

    for node in _own_nodes(function):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, (ast.AnnAssign, ast.AugAssign, ast.For)) else []
        if any(isinstance(t, ast.Name) and t.id == name for t in targets):
            return True
    return False


def _ast_literal(node: Any) -> object:
    import ast

    try:
        return ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, RecursionError, MemoryError):
        return UNKNOWN


def _ast_dict_entries(value: Any, key: str) -> List[Any]:
    import ast

    if isinstance(value, ast.Dict):
        return [v for k, v in zip(value.keys, value.values) if k is not None and _ast_literal(k) == key]
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "dict":
        found = [k.value for k in value.keywords if k.arg == key]
        for arg in value.args:
            found.extend(_ast_dict_entries(arg, key))
        return found
    return []


#: an argument hidden in ``*args`` / ``**kwargs``
_UNREADABLE = object()


def _argument(call: Any, name: str, index: Optional[int]) -> Any:
    """What ``call`` (``ast``) passes for the parameter ``name`` (at
    position ``index``, None for keyword-only): the expression, None when
    the call leaves it to the default, :data:`_UNREADABLE` when the call
    has ``*args`` or ``**kwargs``."""
    import ast

    if any(isinstance(a, ast.Starred) for a in call.args) or any(k.arg is None for k in call.keywords):
        return _UNREADABLE
    value = next((k.value for k in call.keywords if k.arg == name), None)
    if value is None and index is not None and index < len(call.args):
        value = call.args[index]
    return value


def _calls_of(tree: Any, name: str, owner: Any = None) -> List[Tuple[Any, Any, Any]]:
    """Every call ``name(...)`` in ``tree`` (with ``owner``, a class:
    ``Owner.name(...)`` anywhere, ``cls.name(...)`` / ``self.name(...)``
    inside the class) with the function it sits in (None at module level)
    and that function's module-level class (None outside one); [] when
    ``tree`` is None."""
    import ast

    found: List[Tuple[Any, Any, Any]] = []
    if tree is None:
        return found
    stack: List[Tuple[Any, Any, Any]] = [(tree, None, None)]
    while stack:
        node, function, cls = stack.pop()
        if isinstance(node, ast.Call):
            func = node.func
            if owner is None and isinstance(func, ast.Name) and func.id == name:
                found.append((node, function, cls))
            elif owner is not None and isinstance(func, ast.Attribute) and func.attr == name and isinstance(func.value, ast.Name):
                if func.value.id == owner.name or (cls is owner and func.value.id in ("self", "cls")):
                    found.append((node, function, cls))
        inner = node if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) else function
        in_cls = node if isinstance(node, ast.ClassDef) and node in getattr(tree, "body", ()) else cls
        stack.extend((child, inner, in_cls) for child in ast.iter_child_nodes(node))
    return found


def _decorated(function: Any, name: str) -> bool:
    """``function`` (``ast``) carries the decorator ``@name``."""
    import ast

    return any(isinstance(d, ast.Name) and d.id == name for d in function.decorator_list)


def _static_method(cls: Any, name: str) -> Any:
    """The ``@staticmethod`` or ``@classmethod`` ``name`` of ``cls``
    (``ast``); None for anything else."""
    import ast

    for stmt in cls.body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and stmt.name == name:
            return stmt if _decorated(stmt, "staticmethod") or _decorated(stmt, "classmethod") else None
    return None


def _ast_param_default(function: Any, name: str) -> Any:
    """The default ``function`` (``ast``) gives its parameter ``name``; None without one."""
    args = function.args
    positional = [*args.posonlyargs, *args.args]
    defaults = dict(zip([a.arg for a in positional][len(positional) - len(args.defaults):], args.defaults))
    defaults.update({a.arg: d for a, d in zip(args.kwonlyargs, args.kw_defaults) if d is not None})
    return defaults.get(name)


def _ast_option_default(function: Any, name: str) -> Any:
    """The default ``function`` (``ast``) gives its parameter ``name``
    through a click option (``@click.option("--host", default="0.0.0.0")``)
    or a typer option (``host: str = typer.Option("0.0.0.0")``); None
    without one."""
    import ast

    for decorator in function.decorator_list:
        if not isinstance(decorator, ast.Call) or (dotted_parts(decorator.func) or ("",))[-1] not in ("option", "argument"):
            continue
        words = [_ast_literal(a) for a in decorator.args]
        words = [w for w in words if isinstance(w, str)]
        plain = [w for w in words if not w.startswith("-")]
        longs = [w for w in words if w.startswith("--")]
        chosen = plain[0] if plain else longs[0] if longs else words[0] if words else None
        if chosen is not None and chosen.lstrip("-").replace("-", "_") == name:
            return next((k.value for k in decorator.keywords if k.arg == "default"), None)
    default = _ast_param_default(function, name)
    if isinstance(default, ast.Call) and (dotted_parts(default.func) or ("",))[-1] in ("Option", "Argument"):
        if default.args and not isinstance(default.args[0], ast.Starred):
            return default.args[0]
        return next((k.value for k in default.keywords if k.arg == "default"), None)
    return None


def _first_param(function: Any) -> Optional[str]:
    if function is None:
        return None
    params = [*function.args.posonlyargs, *function.args.args]
    return params[0].arg if params else None


def _own_nodes(function: Any) -> List[Any]:
    """The nodes of ``function``'s body, without nested functions, lambdas
    and classes (their code is not this function's)."""
    from mlwarden.core.gate import own_nodes

    return list(own_nodes(function))


def _module_tree(rule: Any) -> Any:
    """The whole file's ``ast`` (the engine's, or the shared parse)."""
    from mlwarden.core.asttree import unit_ast

    return unit_ast(rule.unit)
