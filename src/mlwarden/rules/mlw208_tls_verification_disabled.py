from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: libcst is imported when a file needs it
    import libcst

from typing import Any

from mlwarden.core.finding import Severity
from mlwarden.core.lazy import cst
from mlwarden.core.rule import CodeRule, Invalid, Valid
from mlwarden.core.values import UNKNOWN
from mlwarden.rules._helpers import keyword_arg
from mlwarden.rules._optin import opt_in_note
from mlwarden.rules._roundtrip import RoundTripAware
from mlwarden.rules.mlw202_unpinned_hub_revision import ParamDefaults

#: HTTP client libraries whose calls take ``verify=``
_HTTP_ROOTS = ("requests", "httpx", "huggingface_hub", "openai", "gdown")
#: method names of HTTP clients (``session.get(url, verify=False)``)
_HTTP_METHODS = frozenset(
    {"get", "post", "put", "patch", "delete", "head", "options", "request", "stream", "send", "Client", "AsyncClient", "download", "urlopen"}
)
#: keywords that send something a man in the middle could read
_CREDENTIAL_KEYWORDS = frozenset({"headers", "auth", "cookies", "cert", "params", "data", "json", "content", "files"})
#: environment variables that turn verification off when set to ""/"0"
_CA_VARS = {"CURL_CA_BUNDLE": ("",), "REQUESTS_CA_BUNDLE": ("",), "PYTHONHTTPSVERIFY": ("0", "")}


class TlsVerificationDisabled(RoundTripAware, ParamDefaults, CodeRule):
    """## What it does
    Flags ways of turning off TLS certificate verification, as ML code does
    to get past a proxy when downloading models and datasets:

    - `verify=False` in `requests` / `httpx` calls and clients, and in
      `.get/.post/.request/...` method calls on a session or client;
    - `ssl._create_default_https_context = ssl._create_unverified_context`
      and calls of `ssl._create_unverified_context()`;
    - `<context>.verify_mode = ssl.CERT_NONE`;
    - `os.environ["CURL_CA_BUNDLE"] = ""` (the widespread Hugging Face Hub
      workaround), `REQUESTS_CA_BUNDLE = ""` and `PYTHONHTTPSVERIFY = "0"`.

    ## Severity
    High. Low for a `head`/`options` probe that sends no credentials (only
    its status can be faked), and, with the reason in the message, for a
    call that runs only behind the caller's explicit opt-in: under
    `if not verify:` (or the `else` of `if verify:`) where `verify` is a
    parameter of the enclosing function that defaults to `True`, or under
    `if insecure:` where the flag defaults to `False` (a flag named for the
    risk: `verify`, `insecure`, `ssl`…), when nothing in the
    function rebinds it and no call of the function in the same file passes
    the insecure value as a literal (`Transport(verify=False)`); or behind
    an environment variable the operator sets, named for the risk
    (`if os.getenv("TFHUB_DISABLE_CERT_VALIDATION") == "true":` around
    `verify_mode = ssl.CERT_NONE`), unless its default already opts in.

    ## Why is this bad?
    Without certificate verification, HTTPS no longer proves who you are
    talking to: anyone on the network path can serve their own model,
    checkpoint (often a pickle that runs code when loaded) or dataset, and
    read the tokens you send.

    ## Example
    ```python
    import requests

    weights = requests.get("https://example.com/model.safetensors", verify=False).content
    ```

    ## Use instead
    ```python
    import requests

    weights = requests.get("https://example.com/model.safetensors", timeout=60).content
    ```
    Behind a corporate proxy, point `REQUESTS_CA_BUNDLE` / `SSL_CERT_FILE`
    at the proxy's CA certificate instead of turning verification off.

    ## Fix safety
    The fix turns a literal `verify=False` into `verify=True`. It is
    **unsafe**: a download that only worked because verification was off
    then fails.

    ## Options
    `verify` values held in module-level constants or literal parameter
    defaults are followed; other expressions are not reported.

    ## References
    - [requests: SSL Cert Verification](https://requests.readthedocs.io/en/latest/user/advanced/#ssl-cert-verification)
    - [CWE-295: Improper Certificate Validation](https://cwe.mitre.org/data/definitions/295.html)
    - [OWASP ML06:2023 AI Supply Chain Attacks](https://owasp.org/www-project-machine-learning-security-top-10/docs/ML06_2023-AI_Supply_Chain_Attacks)
    """

    id = "MLW208"
    name = "tls-verification-disabled"
    severity = Severity.HIGH
    cwe = (295,)
    owasp = ("ML06:2023",)
    message = "`verify=False` turns off TLS certificate checks, so downloads can be swapped in transit; keep verification on and trust your proxy's CA instead"
    module_words = frozenset()  # the opt-in (RoundTripAware's scopes) is read inside the function
    triggers = frozenset({"verify", "verify_mode", "_create_unverified_context", "_create_default_https_context", *_CA_VARS})

    VALID = [
        Valid("import requests\nrequests.get(url, verify=True)"),
        Valid("import requests\nrequests.get(url, verify='/etc/ssl/corp-ca.pem')"),
        Valid("import requests\nrequests.get(url, verify=args.verify)"),
        Valid("config.get('verify', False)"),
        Valid("import os\nos.environ['REQUESTS_CA_BUNDLE'] = '/etc/ssl/corp-ca.pem'"),
    ]
    INVALID = [
        Invalid(
            "import requests\nr = requests.get(url, verify=False)",
            fixed="import requests\nr = requests.get(url, verify=True)",
            unsafe_fix=True,
        ),
        Invalid("import requests\ns = requests.Session()\nr = s.get(url, stream=True, verify=False)",
                fixed="import requests\ns = requests.Session()\nr = s.get(url, stream=True, verify=True)", unsafe_fix=True),
        Invalid("import httpx\nclient = httpx.Client(**{'verify': False})"),
        Invalid("import ssl\nssl._create_default_https_context = ssl._create_unverified_context"),
        Invalid("import ssl\nctx = ssl.create_default_context()\nctx.verify_mode = ssl.CERT_NONE"),
        Invalid("import os\nos.environ['CURL_CA_BUNDLE'] = ''"),
        Invalid("import os\nos.environ.setdefault('PYTHONHTTPSVERIFY', '0')"),
    ]

    def visit_Call(self, node: libcst.Call) -> None:
        if self.ctx.call_to(node, ("ssl._create_unverified_context",)):
            note = opt_in_note(self, node)
            self.report(
                node,
                "`ssl._create_unverified_context()` creates a TLS context that accepts any certificate; use `ssl.create_default_context()`" + (note or ""),
                severity=Severity.LOW if note else None,
            )
            return
        if self.ctx.call_to(node, ("os.environ.setdefault", "os.putenv")):
            self._env(node, self.ctx.arg(node, 0), self.ctx.arg(node, 1))
            return
        present, value = self.ctx.keyword(node, "verify")
        if not present or not self._http_call(node):
            return
        resolved = self.resolve(value)
        if resolved is UNKNOWN or resolved is None or bool(resolved):
            return
        direct = keyword_arg(node, "verify")
        probe = self._bodiless_probe(node)
        note = opt_in_note(self, node)
        self.report(
            node,
            (self.message if not probe else (
                f"`{probe}(..., verify=False)` skips TLS certificate checks; it reads no body and sends no credentials, so only "
                "its status can be faked: keep verification on anyway and trust your proxy's CA instead"
            )) + (note or ""),
            severity=Severity.LOW if probe or note else None,
            replace=((direct.value, cst.Name("True")),) if direct is not None else None,
            fix_description="set verify=True",
        )

    def _bodiless_probe(self, node: libcst.Call) -> str:
        """``head``/``options`` (a liveness check) that sends no credentials:
        nothing it receives can be loaded, nothing it sends can be read. ""
        for any other call."""
        func = node.func
        method = func.attr.value if isinstance(func, cst.Attribute) else ""
        if method not in ("head", "options") or any(a.star for a in node.args):
            return ""
        if any(a.keyword is not None and a.keyword.value in _CREDENTIAL_KEYWORDS for a in node.args):
            return ""
        names = self.ctx.qualnames(func)
        return next(iter(sorted(names)), "") or method

    def _http_call(self, node) -> bool:
        for name in self.ctx.qualnames(node.func):
            if name.split(".", 1)[0] in _HTTP_ROOTS:
                return True
        func = node.func
        return isinstance(func, cst.Attribute) and func.attr.value in _HTTP_METHODS and not self.ctx.qualnames(func)

    def visit_Assign(self, node: libcst.Assign) -> None:
        for target in node.targets:
            t = target.target
            if "ssl._create_default_https_context" in self.ctx.qualnames(t) and "ssl._create_unverified_context" in self.ctx.qualnames(node.value):
                self.report(node, "`ssl._create_default_https_context = ssl._create_unverified_context` turns off certificate checks for every download in the process; remove it and trust your proxy's CA instead")
            elif isinstance(t, cst.Attribute) and t.attr.value == "verify_mode" and "ssl.CERT_NONE" in self.ctx.qualnames(node.value):
                note = opt_in_note(self, node)
                self.report(
                    node,
                    "`verify_mode = ssl.CERT_NONE` accepts any certificate; keep `ssl.CERT_REQUIRED`" + (note or ""),
                    severity=Severity.LOW if note else None,
                )
            elif isinstance(t, cst.Subscript) and "os.environ" in self.ctx.qualnames(t.value) and len(t.slice) == 1:
                index = t.slice[0].slice
                if isinstance(index, cst.Index):
                    self._env(node, index.value, node.value)

    def _env(self, node, key_expr: Any, value_expr: Any) -> None:
        key = self.ctx.value(key_expr) if key_expr is not None else None
        if not isinstance(key, str) or key not in _CA_VARS:
            return
        value = self.resolve(value_expr) if value_expr is not None else UNKNOWN
        if isinstance(value, str) and value in _CA_VARS[key]:
            self.report(node, f"`os.environ[{key!r}] = {value!r}` turns off TLS certificate checks for downloads; point it at your proxy's CA bundle instead")
