from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: libcst is imported when a file needs it
    import libcst

from typing import Any, Dict, FrozenSet, List, Optional, Set, Tuple

from mlwarden.core.finding import Severity
from mlwarden.core.lazy import cst
from mlwarden.core.rule import CodeRule, Invalid, Valid
from mlwarden.core.values import UNKNOWN
from mlwarden.rules._helpers import notebook_json
from mlwarden.rules._roundtrip import RoundTripAware
from mlwarden.rules.mlw202_unpinned_hub_revision import ParamDefaults
from mlwarden.rules.mlw701_gradio_public_share import imports_module

#: host values that bind every interface
ALL_INTERFACES = frozenset({"0.0.0.0", "", "::", "[::]", "0:0:0:0:0:0:0:0", "*"})
#: server functions: name -> (host position or None for keyword-only, host keyword, default binds all)
SERVERS: Dict[str, Tuple[Optional[int], str, bool]] = {
    "uvicorn.run": (1, "host", False),
    "uvicorn.Config": (1, "host", False),
    "aiohttp.web.run_app": (None, "host", True),
    "aiohttp.web.TCPSite": (1, "host", True),
    "werkzeug.serving.run_simple": (0, "hostname", False),
    "werkzeug.run_simple": (0, "hostname", False),
    "waitress.serve": (None, "host", True),
    "ray.serve.start": (None, "http_options", False),
}
#: frameworks whose app objects have `.run(host=..., port=...)`: module -> default binds all
RUN_FRAMEWORKS = {"flask": False, "quart": False, "sanic": False, "litserve": True}
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
      argument), LitServe `server.run()` (which binds all interfaces by
      default);
    - `uvicorn.run(app, host="0.0.0.0")` and `uvicorn.Config(...)`,
      aiohttp `web.run_app(app)` / `web.TCPSite(runner)` (all interfaces by
      default), `waitress.serve(app)`, werkzeug `run_simple("0.0.0.0", …)`,
      Ray Serve `serve.start(http_options={"host": "0.0.0.0"})`, gRPC
      `server.add_insecure_port("[::]:50051")` (or `f"0.0.0.0:{port}"`,
      `f"{host}:{port}"` with such a host);
    - gradio `launch(server_name="0.0.0.0")` without `auth=`, or with an
      `auth` variable that is `None` unless an option sets it (medium: the
      default run is open).

    The host may be a literal (`"0.0.0.0"`, `"::"`, `""` except for Flask,
    whose `run()` serves an empty host on 127.0.0.1), a module constant, a
    local name whose bindings that reach the call all assign such a literal
    (a later rebinding does not count), a parameter default, `os.environ.get("HOST", "0.0.0.0")`, or an
    attribute whose name is an argparse option with that default
    (`parser.add_argument("--host", default="0.0.0.0")` … `args.host`) or a
    class field with that default (a dataclass or settings class:
    `host: str = "0.0.0.0"` … `cfg.host`).

    The app is known from its constructor (`Flask(...)`, `ls.LitServer(...)`)
    in place, through a name bound only to such calls, or, for a test's
    parameter, through the module's pytest fixture of that name
    (`@pytest.fixture def server(): return ls.LitServer(api)`).

    Severity is medium: a container image legitimately binds all interfaces
    and relies on the platform in front of it. It is low when the file shows
    authentication (FastAPI security dependencies, `flask_httpauth`,
    `flask_login`, `login_required`, `jwt_required`, an authentication
    middleware, …).

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
    Tornado's `listen()` and servers started from the command line
    (`uvicorn main:app --host 0.0.0.0`) are not covered.

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
    triggers = frozenset({"uvicorn", "flask", "quart", "sanic", "litserve", "aiohttp", "gradio", "run_simple", "waitress", "ray.serve", "grpc", "add_insecure_port"})

    VALID = [
        Valid("import uvicorn\nuvicorn.run(app, host='127.0.0.1', port=8000)"),
        Valid("import uvicorn\nuvicorn.run(app)"),
        Valid("from flask import Flask\napp = Flask(__name__)\napp.run()"),
        Valid("from flask import Flask\napp = Flask(__name__)\napp.run(host='localhost', port=5000)"),
        Valid("import gradio as gr\ndemo.launch(server_name='0.0.0.0', auth=('admin', pw))"),
        Valid("import gradio as gr\ndemo.launch()"),
        Valid("trainer.run(host='0.0.0.0')"),
        Valid("from aiohttp import web\nweb.run_app(app, host='127.0.0.1')"),
        Valid("import uvicorn\nuvicorn.run(app, host=args.host)"),
        Valid("import gradio as gr\ndef main(args):\n    auth = read_creds(args.auth_file)\n    demo.launch(server_name='0.0.0.0', auth=auth)"),
        Valid("import importlib\nuvicorn = importlib.import_module(name)\nuvicorn.run(app, host='0.0.0.0')"),
        Valid("from flask import Flask\nsite = Flask(__name__)\nsite.run(host='')"),
        Valid("import grpc\nserver = grpc.server(executor)\nserver.add_insecure_port('localhost:50051')"),
    ]
    INVALID = [
        Invalid("import uvicorn\nfrom fastapi import FastAPI\napp = FastAPI()\nuvicorn.run(app, host='0.0.0.0', port=8000)"),
        Invalid("from flask import Flask\napp = Flask(__name__)\napp.run('0.0.0.0', 5000)"),
        Invalid("from quart import Quart\napp = Quart(__name__)\napp.run(host='::')"),
        Invalid("import gradio as gr\ndemo = gr.Interface(fn, 'text', 'text')\ndemo.launch(server_name='0.0.0.0', server_port=7860)"),
        Invalid("from aiohttp import web\nweb.run_app(app, port=8080)"),
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
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._all_interface_attrs: Optional[FrozenSet[str]] = None
        self._auth: Optional[bool] = None
        self._optional_auth: Any = None
        self._flask_run = False

    def _may_be_none(self, expr: Any) -> bool:
        """``expr`` is a name one of whose bindings is ``None`` (``auth =
        None`` then ``if args.auth_path: auth = parse(...)``)."""
        if not isinstance(expr, cst.Name):
            return False
        return any(isinstance(v, cst.Name) and v.value == "None" for v in self.bound_values(expr.value, skip_imports=True))

    # -- where servers start ---------------------------------------------------
    def visit_Call(self, node: libcst.Call) -> None:
        self._flask_run = False
        grpc = self._grpc_port_all(node)
        if grpc is not None:
            shown, verdict = grpc, True
        else:
            found = self._server_host(node)
            if found is None:
                return
            shown, host, default_all = found
            if host is None:
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
        auth = self._auth_visible()
        self.report(
            node,
            f"`{shown}` serves on every network interface with no authentication in this file; bind to 127.0.0.1 behind an authenticating proxy, or add authentication"
            if not auth
            else f"`{shown}` serves on every network interface; authentication appears in this file, so check that it covers every route",
            severity=Severity.LOW if auth else Severity.MEDIUM,
        )

    def _server_host(self, node: Any) -> Optional[Tuple[str, Any, bool]]:
        """(display, host expression or None when omitted, default binds all)."""
        target = self.ctx.call_to(node, tuple(SERVERS))
        if target:
            position, keyword, default_all = SERVERS[target]
            if target == "ray.serve.start":
                return self._ray_host(node)
            host = self.ctx.arg(node, position, keyword) if position is not None else self.ctx.keyword(node, keyword)[1]
            if self.ctx.keyword(node, keyword)[0] is None:
                return None  # hidden in **kwargs
            short = target.replace("aiohttp.web.", "web.").replace("werkzeug.serving.", "")
            return f"{short}(..., {keyword}={_show(self.ctx, host)})" if host is not None else f"{short}(...)", host, default_all
        func = node.func
        if not isinstance(func, cst.Attribute):
            return None
        method = func.attr.value
        if method == "launch" and imports_module(self.ctx, "gradio"):
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
        if method == "run":
            if self.ctx.qualnames(func):
                return None  # subprocess.run, asyncio.run, …: a module function, not an app
            app = self._app_framework(func.value)
            for module, default_all in RUN_FRAMEWORKS.items():
                if app == module or (app is None and not default_all and imports_module(self.ctx, module)):
                    self._flask_run = module == "flask"
                    if self.ctx.keyword(node, "host")[0] is None:
                        return None
                    host = self.ctx.arg(node, 0, "host") if module != "litserve" else self.ctx.keyword(node, "host")[1]
                    if host is None and (not default_all or app != module):
                        return None
                    receiver = _show(self.ctx, func.value, 20)
                    return (f"{receiver}.run(host={_show(self.ctx, host)})" if host is not None else f"{receiver}.run()"), host, default_all
        return None

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
            if not hit:
                return None
            frameworks |= hit
        return frameworks.pop() if len(frameworks) == 1 else None

    def _fixture_framework(self, name: str) -> Optional[str]:
        """The framework of the app a module-level pytest fixture called
        ``name`` returns or yields (``@pytest.fixture def server(): return
        ls.LitServer(api)``, or a name bound once to such a call in it); a
        test's parameter of that name is that app."""
        import ast

        facts = self.ctx.facts
        fixture = next(
            (f for f in facts.functions.values() if _fixture_name(f) == name), None
        )
        if fixture is None:
            return None
        assigned: Dict[str, List[Any]] = {}
        results: List[Any] = []
        for node in ast.walk(fixture):
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

    def _address_all(self, address: Any, depth: int) -> bool:
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
                return self._address_all(values[0], depth + 1)
        value = self.resolve(address)
        if value is UNKNOWN:
            value = self.local_value(address)
        return isinstance(value, str) and ":" in value and value.rsplit(":", 1)[0].strip() in ALL_INTERFACES

    def _all_interfaces(self, host: Any, empty_is_local: bool = False) -> bool:
        value = self.resolve(host)
        if value is UNKNOWN:
            value = self.local_value(host)  # `host = "0.0.0.0"` … `run(host=host)` in this function
        if isinstance(value, str):
            if empty_is_local and not value.strip():
                return False
            return value.strip() in ALL_INTERFACES
        if value is not UNKNOWN:
            return False
        if isinstance(host, cst.Call):
            # os.environ.get("HOST", "0.0.0.0"), os.getenv("HOST", "0.0.0.0")
            if self.ctx.call_to(host, ("os.environ.get", "os.getenv")):
                default = self.ctx.arg(host, 1, "default")
                return default is not None and self.resolve(default) in ALL_INTERFACES
            return False
        if isinstance(host, cst.Attribute):
            return host.attr.value in self._attrs_defaulting_to_all()
        return False

    def _attrs_defaulting_to_all(self) -> FrozenSet[str]:
        """Option and field names whose default binds every interface:
        ``add_argument("--host", default="0.0.0.0")`` and class fields
        ``host: str = "0.0.0.0"`` (dataclasses, settings classes)."""
        if self._all_interface_attrs is None:
            found: Set[str] = set()
            rule = self

            class _Finder(cst.CSTVisitor):
                def visit_Call(self, node: Any) -> None:
                    func = node.func
                    if isinstance(func, cst.Attribute) and func.attr.value == "add_argument":
                        default = rule.ctx.keyword(node, "default")[1]
                        if default is not None and rule.ctx.value(default) in ALL_INTERFACES:
                            found.update(_argparse_dest(rule.ctx, node))

                def visit_ClassDef(self, node: Any) -> None:
                    for stmt in node.body.body:
                        if isinstance(stmt, cst.SimpleStatementLine):
                            for small in stmt.body:
                                target = value = None
                                if isinstance(small, cst.AnnAssign) and small.value is not None:
                                    target, value = small.target, small.value
                                elif isinstance(small, cst.Assign) and len(small.targets) == 1:
                                    target, value = small.targets[0].target, small.value
                                if isinstance(value, cst.Call) and value.args:  # Field("0.0.0.0"), field(default=...)
                                    inner = rule.ctx.keyword(value, "default")[1] or value.args[0].value
                                    value = inner
                                if isinstance(target, cst.Name) and value is not None and rule.ctx.value(value) in ALL_INTERFACES:
                                    found.add(target.value)

            self.ctx.module.visit(_Finder())
            self._all_interface_attrs = frozenset(found)
        return self._all_interface_attrs

    # -- is authentication visible? ------------------------------------------------
    def _auth_visible(self) -> bool:
        if self._auth is None:
            names = {n for names in self.ctx.imports.aliases.values() for n in names}
            visible = any(n == m or n.startswith(m + ".") for n in names for m in AUTH_MODULES)
            visible = visible or any(n.rsplit(".", 1)[-1] in AUTH_NAMES for n in names)
            if not visible:
                words: Set[str] = set()

                class _Names(cst.CSTVisitor):
                    def visit_Name(self, node: Any) -> None:
                        words.add(node.value)

                self.ctx.module.visit(_Names())
                visible = bool(words & AUTH_NAMES) or any("auth" in w.lower() and ("depend" in w.lower() or "middleware" in w.lower()) for w in words)
            self._auth = visible
        return self._auth


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
