from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: libcst is imported when a file needs it
    import libcst

import re
from typing import Any, Optional

from mlwarden.core.finding import Severity
from mlwarden.core.lazy import cst
from mlwarden.core.rule import CodeRule, Invalid, Valid
from mlwarden.rules.mlw202_unpinned_hub_revision import leading_text, trailing_text

#: function -> (position, keyword) of the URL argument
TARGETS = {
    "urllib.request.urlretrieve": (0, "url"),
    "urllib.request.urlopen": (0, "url"),
    "urllib.request.Request": (0, "url"),
    "urllib.urlretrieve": (0, "url"),
    "urllib.urlopen": (0, "url"),
    "urllib2.urlopen": (0, "url"),
    "requests.get": (0, "url"),
    "requests.request": (1, "url"),
    "requests.api.get": (0, "url"),
    "httpx.get": (0, "url"),
    "httpx.stream": (1, "url"),
    "wget.download": (0, "url"),
    "gdown.download": (0, "url"),
    "keras.utils.get_file": (1, "origin"),
    "keras.utils.data_utils.get_file": (1, "origin"),
    "torch.hub.load_state_dict_from_url": (0, "url"),
    "torch.hub.download_url_to_file": (0, "url"),
    "torch.utils.model_zoo.load_url": (0, "url"),
    "torchvision.datasets.utils.download_url": (0, "url"),
    "torchvision.datasets.utils.download_and_extract_archive": (0, "url"),
    "pandas.read_csv": (0, "filepath_or_buffer"),
    "pandas.read_table": (0, "filepath_or_buffer"),
    "pandas.read_json": (0, "path_or_buf"),
    "pandas.read_parquet": (0, "path"),
    "pandas.read_pickle": (0, "filepath_or_buffer"),
    "pandas.read_excel": (0, "io"),
    "pandas.read_feather": (0, "path"),
}


#: a literal that may begin (part of) an ``http://`` URL: ``http`` not
#: followed by ``s``, or ``://`` not preceded by ``https`` (see ``ast_gate``)
_MAYBE_HTTP_RE = re.compile(r"http(?!s)|(?<!https)://", re.I)

_LOOPBACK_RE = re.compile(r"http://(?:localhost|127(?:\.\d+){3}|0\.0\.0\.0|\[::1\]|host\.docker\.internal)(?:[:/?#]|$)", re.I)


#: the path of a health or readiness endpoint: what comes back is a status, not a file
_PROBE_PATH_RE = re.compile(r"/(?:ping|health|healthz|healthcheck|ready|readyz|readiness|live|livez|liveness|heartbeat)/?\Z", re.I)


def insecure_url(text: Optional[str]) -> bool:
    return bool(text) and text[:7].lower() == "http://" and not _LOOPBACK_RE.match(text)


class InsecureHttpDownload(CodeRule):
    """## What it does
    Flags model and data downloads over plain `http://`: `urllib.request`
    (`urlretrieve`, `urlopen`, `Request`), `requests.get`, `httpx.get`,
    `wget.download`, `keras.utils.get_file` (also as `tf.keras.utils`),
    `torch.hub.load_state_dict_from_url` / `download_url_to_file`,
    torchvision's `download_url`, and `pandas.read_*` of a
    URL. The URL may be a literal, a module-level constant, an f-string, a
    `+` concatenation or a `"...".format()` template whose fixed beginning
    is `http://`. Loopback addresses (`localhost`, `127.0.0.1`) are not
    flagged.

    ## Severity
    Medium. Low for a request to a health or readiness endpoint (a path
    ending in `/ping`, `/health`, `/healthz`, `/ready`, `/livez` …, as code
    polls a server it has just started on a host it chose): what comes back
    is a status, not a file. Low for a request whose host is the address a
    server that the same function starts binds to (`make_server(host, port,
    app)`, `ThreadedWSGIServer(host=host, …)`, `HTTPServer((host, port), …)`,
    `app.run(host=host)`, `uvicorn.run(app, host=host)` … then
    `requests.get("http://" + host + ":" + str(port) + "/shutdown")`): an
    address a process binds is one of its own machine's, so the request
    never crosses a network (the name must be bound once in the function).

    `wget`/`curl` in notebook shell lines are covered by the notebook rules.

    ## Why is this bad?
    Plain HTTP has no integrity: anyone on the network path (a café Wi-Fi, a
    compromised proxy, a cloud neighbour) can replace the model, the
    checkpoint (often a pickle that runs code) or the training data
    (poisoning) in transit.

    ## Example
    ```python
    import urllib.request

    urllib.request.urlretrieve("http://example.com/models/resnet.pth", "resnet.pth")
    ```

    ## Use instead
    ```python
    import urllib.request

    urllib.request.urlretrieve("https://example.com/models/resnet.pth", "resnet.pth")
    ```
    Also verify a checksum of what you downloaded.

    ## Fix safety
    The fix rewrites `http://` to `https://` in a string literal written in
    the call. It is **unsafe**: the server may not offer HTTPS, or offer it
    under another host name.

    ## References
    - [CWE-319: Cleartext Transmission of Sensitive Information](https://cwe.mitre.org/data/definitions/319.html)
    - [CWE-494: Download of Code Without Integrity Check](https://cwe.mitre.org/data/definitions/494.html)
    - [OWASP ML06:2023 AI Supply Chain Attacks](https://owasp.org/www-project-machine-learning-security-top-10/docs/ML06_2023-AI_Supply_Chain_Attacks)
    - [OWASP ML02:2023 Data Poisoning Attack](https://owasp.org/www-project-machine-learning-security-top-10/docs/ML02_2023-Data_Poisoning_Attack)
    """

    id = "MLW207"
    name = "insecure-http-download"
    severity = Severity.MEDIUM
    cwe = (319, 494)
    owasp = ("ML06:2023", "ML02:2023")
    advice = "use `https://` and verify a checksum"
    message = f"`urllib.request.urlretrieve` downloads over plain `http://`, so the file can be swapped in transit; {advice}"
    # qualified (see core.gate.trigger_groups): the module and the function
    # name must both be used as code, so generic names (`get`, `download`)
    # wake the rule only beside their module; a plain module name would also
    # be a guard word sending the whole module of every file importing
    # `requests` to libcst
    triggers = frozenset(TARGETS)

    VALID = [
        Valid("import urllib.request\nurllib.request.urlretrieve('https://example.com/m.pth', 'm.pth')"),
        Valid("import requests\nrequests.get('http://localhost:8000/health')"),
        Valid("import requests\nrequests.get(url)"),
        Valid("import pandas as pd\npd.read_csv('data/http_logs.csv')"),
    ]
    INVALID = [
        Invalid(
            "import urllib.request\nurllib.request.urlretrieve('http://example.com/m.pth', 'm.pth')",
            fixed="import urllib.request\nurllib.request.urlretrieve('https://example.com/m.pth', 'm.pth')",
            unsafe_fix=True,
        ),
        Invalid(
            "import tensorflow as tf\npath = tf.keras.utils.get_file('flowers', origin=f'http://example.com/{name}.tgz')",
            fixed="import tensorflow as tf\npath = tf.keras.utils.get_file('flowers', origin=f'https://example.com/{name}.tgz')",
            unsafe_fix=True,
        ),
        Invalid("import requests\nBASE = 'http://example.com/data'\nr = requests.get(BASE + '/train.csv')"),
        Invalid("import pandas as pd\ndf = pd.read_csv('http://example.com/iris.csv')",
                fixed="import pandas as pd\ndf = pd.read_csv('https://example.com/iris.csv')", unsafe_fix=True),
        Invalid("from torch.hub import load_state_dict_from_url\nsd = load_state_dict_from_url('http://{}/w.pth'.format(host))"),
    ]

    @classmethod
    def ast_gate(cls, tree) -> bool:
        """A URL this rule reports begins with ``http://``, and every
        character of its known beginning comes from a string literal of the
        file (a constant, an f-string's text, the parts of a concatenation or
        template). So some literal holds ``http`` not followed by ``s``
        (``"http://…"``, ``scheme = "http"``) or a ``://`` not preceded by
        ``https`` (``"ht" + "tp://…"``). The module names among the triggers
        (``requests``, ``urllib``) are guards that send a file whole to
        libcst: a file whose URLs are all ``https://`` need not go."""
        import ast

        from mlwarden.core.gate import iter_nodes  # faster than ast.walk; any order will do

        for node in iter_nodes(tree):
            if type(node) is ast.Constant and type(node.value) is str and _MAYBE_HTTP_RE.search(node.value):
                return True
        return False

    @classmethod
    def site_gate(cls, node, facts, words) -> bool:
        """A piece can hold a finding only where it calls a downloader."""
        from mlwarden.core.sites import sites

        return bool(sites(node, facts, TARGETS))

    def visit_FunctionDef(self, node: libcst.FunctionDef) -> None:
        self.__dict__.setdefault("_functions", []).append(node)

    def leave_FunctionDef(self, original_node: libcst.FunctionDef) -> None:
        stack = self.__dict__.get("_functions")
        if stack:
            stack.pop()

    def _own_server(self, url: Any, request: Any) -> Optional[str]:
        """The name right after ``http://`` in ``url`` (``"http://" + host +
        …``, ``f"http://{host}:…"``) when the innermost enclosing function
        binds it exactly once (a parameter or one assignment), no lambda of
        it takes a parameter of that name, and it hands the name as the host
        to a server it starts before the request; None otherwise."""
        stack = self.__dict__.get("_functions")
        if not stack:
            return None
        host = _host_name(url)
        if host is None:
            return None
        function = stack[-1]
        params = function.params
        bindings = sum(p.name.value == host for p in (*params.posonly_params, *params.params, *params.kwonly_params))
        bindings += sum(
            isinstance(p, cst.Param) and p.name.value == host for p in (params.star_arg, params.star_kwarg)
        )
        served = seen_request = False
        for node in _walk(function.body):
            if node is request:
                seen_request = True
            if isinstance(node, (cst.Global, cst.Nonlocal)) and any(n.name.value == host for n in node.names):
                return None
            if isinstance(node, cst.Lambda):
                lp = node.params
                if any(p.name.value == host for p in (*lp.posonly_params, *lp.params, *lp.kwonly_params)):
                    return None
            bindings += sum(1 for target in _bound_targets(node) for n in _walk(target) if isinstance(n, cst.Name) and n.value == host)
            if not seen_request and isinstance(node, cst.Call) and _serves_on(node, host):
                served = True
        return host if served and bindings == 1 else None

    def visit_Call(self, node: libcst.Call) -> None:
        target = self.ctx.call_to(node, TARGETS)
        if not target:
            return
        pos, keyword = TARGETS[target]
        url = self.ctx.arg(node, pos, keyword)
        if not insecure_url(leading_text(self.ctx, url)):
            return
        new = _https(url)
        probe = _PROBE_PATH_RE.search(trailing_text(self.ctx, url) or "")
        server = None if probe else self._own_server(url, node)
        if server is not None:
            message = (
                f"`{target}` requests plain `http://` from `{server}`, the address the server this function starts "
                "binds: a bound address is this machine's own, so nothing crosses a network; use `https://` if the host can be remote"
            )
        elif probe:
            message = f"`{target}` polls a health endpoint (`{probe.group(0)}`) over plain `http://`: its status can be faked but no file is loaded; use `https://` where the server is not local"
        else:
            message = f"`{target}` downloads over plain `http://`, so the file can be swapped in transit; {self.advice}"
        self.report(
            node,
            message,
            severity=Severity.LOW if probe or server is not None else None,
            replace=((url, new),) if new is not None else None,
            fix_safe=False,
            fix_description="use https://",
        )


def _https(expr: Any) -> Any:
    """The literal with ``http://`` -> ``https://``, or None if not a literal in place."""
    if isinstance(expr, cst.SimpleString):
        prefix_len = len(expr.prefix) + len(expr.quote)
        body = expr.value[prefix_len:]
        if body[:7].lower() == "http://":
            return expr.with_changes(value=expr.value[:prefix_len] + body[:4] + "s" + body[4:])
        return None
    if isinstance(expr, cst.FormattedString) and expr.parts and isinstance(expr.parts[0], cst.FormattedStringText):
        first = expr.parts[0]
        if first.value[:7].lower() == "http://":
            parts = [first.with_changes(value=first.value[:4] + "s" + first.value[4:]), *expr.parts[1:]]
            return expr.with_changes(parts=parts)
    return None


#: calls that start a server, by their last name: the host is ``host=``/``hostname=``, the
#: first argument, or the first element of a ``(host, port)`` tuple handed first
_SERVER_CALLS = frozenset(
    {
        "make_server", "run_simple", "WSGIServer", "ThreadedWSGIServer", "BaseWSGIServer", "ForkingWSGIServer",
        "HTTPServer", "ThreadingHTTPServer", "TCPServer", "ThreadingTCPServer", "run", "serve", "Config",
    }
)


def _walk(root: Any) -> Any:
    stack = [root]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(reversed(node.children))


def _bound_targets(node: Any) -> Any:
    """The target expressions ``node`` binds names in."""
    if isinstance(node, cst.Assign):
        return [t.target for t in node.targets]
    if isinstance(node, (cst.AugAssign, cst.AnnAssign, cst.NamedExpr, cst.For, cst.CompFor)):
        return [node.target]
    if isinstance(node, cst.WithItem) and node.asname is not None:
        return [node.asname.name]
    if isinstance(node, cst.ExceptHandler) and node.name is not None:
        return [node.name.name]
    if isinstance(node, cst.ImportAlias):
        return [node.asname.name if node.asname is not None else node.name]
    if isinstance(node, (cst.FunctionDef, cst.ClassDef)):
        return [node.name]
    return []


def _host_name(url: Any) -> Optional[str]:
    """The plain name that follows a literal ``http://`` at the start of a
    concatenation or an f-string."""
    if isinstance(url, cst.FormattedString):
        parts = url.parts
        if (
            len(parts) >= 2
            and isinstance(parts[0], cst.FormattedStringText)
            and parts[0].value.lower() == "http://"
            and isinstance(parts[1], cst.FormattedStringExpression)
            and isinstance(parts[1].expression, cst.Name)
        ):
            return parts[1].expression.value
        return None
    operands = []
    while isinstance(url, cst.BinaryOperation) and isinstance(url.operator, cst.Add):
        operands.append(url.right)
        url = url.left
    operands.append(url)
    operands.reverse()
    if len(operands) >= 2 and isinstance(operands[0], cst.SimpleString) and isinstance(operands[1], cst.Name):
        try:
            text = operands[0].evaluated_value
        except Exception:  # noqa: BLE001 - an odd literal: not ours to judge
            return None
        if isinstance(text, str) and text.lower() == "http://":
            return operands[1].value
    return None


def _serves_on(call: Any, host: str) -> bool:
    func = call.func
    name = func.attr.value if isinstance(func, cst.Attribute) else func.value if isinstance(func, cst.Name) else None
    if name not in _SERVER_CALLS:
        return False
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value in ("host", "hostname", "server_name"):
            return isinstance(arg.value, cst.Name) and arg.value.value == host
    positional = [a for a in call.args if a.keyword is None and not a.star]
    if not positional or name in ("run", "serve", "Config"):
        return False  # ``app.run(app)``, ``uvicorn.run(app, ...)``: the first argument is the app
    first = positional[0].value
    if isinstance(first, cst.Tuple) and first.elements:
        first = first.elements[0].value
    return isinstance(first, cst.Name) and first.value == host
