from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: libcst is imported when a file needs it
    import libcst

from typing import Any, Set

from mlwarden.core.finding import Severity
from mlwarden.core.lazy import cst
from mlwarden.core.rule import CodeRule, Invalid, Valid
from mlwarden.core.values import UNKNOWN
from mlwarden.rules._helpers import notebook_json
from mlwarden.rules.mlw202_unpinned_hub_revision import ParamDefaults

FLAG = "allow_dangerous_requests"


class LangchainDangerousRequests(ParamDefaults, CodeRule):
    """## What it does
    Flags `allow_dangerous_requests=<truthy>`: as a keyword of any call
    (LangChain's `RequestsToolkit`, `OpenAPIToolkit`, `create_openapi_agent`,
    `APIChain`, the requests tools …), inside `**{...}` or `dict(...)`, and
    as a key of a dict literal used as a config.

    ## Why is this bad?
    These tools let the model choose URLs and request bodies. A prompt
    injection then makes the application send requests of the attacker's
    choice from inside your network, with the credentials and headers you
    configured: internal services, cloud metadata endpoints (server-side
    request forgery) and write APIs.

    ## Example
    ```python
    from langchain_community.agent_toolkits.openapi.toolkit import RequestsToolkit
    from langchain_community.utilities.requests import TextRequestsWrapper

    toolkit = RequestsToolkit(requests_wrapper=TextRequestsWrapper(headers={}), allow_dangerous_requests=True)
    ```

    ## Use instead
    ```python
    from langchain_core.tools import tool

    @tool
    def get_weather(city: str) -> str:
        \"\"\"The weather for a city, from the one API this agent may call.\"\"\"
        return weather_api.lookup(city)
    ```
    Give agents narrow tools for the endpoints they need; if a generic
    request tool is unavoidable, run it behind an egress proxy that allows
    only those hosts.

    ## Options
    Non-literal values: module-level constants and literal parameter
    defaults are followed; other expressions are not reported, and a plain
    pass-through of a parameter of the same name is the caller's decision.

    ## References
    - [LangChain: security policy](https://python.langchain.com/docs/security/)
    - [CWE-918: Server-Side Request Forgery](https://cwe.mitre.org/data/definitions/918.html)
    - [OWASP LLM06:2025 Excessive Agency](https://genai.owasp.org/llmrisk/llm062025-excessive-agency/)
    """

    id = "MLW212"
    name = "langchain-dangerous-requests"
    severity = Severity.MEDIUM
    cwe = (918,)
    owasp = ("LLM06:2025",)
    message = "`allow_dangerous_requests=True` lets the LLM send requests of its choice from this host (SSRF through prompt injection); give the agent narrow API tools instead"
    triggers = frozenset({FLAG})

    VALID = [
        Valid("toolkit = RequestsToolkit(requests_wrapper=w)"),
        Valid("toolkit = RequestsToolkit(requests_wrapper=w, allow_dangerous_requests=False)"),
        Valid("def make(w, allow_dangerous_requests=False):\n    return RequestsToolkit(requests_wrapper=w, allow_dangerous_requests=allow_dangerous_requests)"),
        Valid("print('allow_dangerous_requests')"),
    ]
    INVALID = [
        Invalid("from langchain_community.agent_toolkits.openapi.toolkit import RequestsToolkit\ntk = RequestsToolkit(requests_wrapper=w, allow_dangerous_requests=True)"),
        Invalid("agent = create_openapi_agent(spec, w, llm, **{'allow_dangerous_requests': True})"),
        Invalid("kwargs = {'allow_dangerous_requests': True}"),
        Invalid("ALLOW = 1\nchain = APIChain.from_llm_and_api_docs(llm, docs, allow_dangerous_requests=ALLOW)"),
        Invalid(notebook_json("tk = OpenAPIToolkit.from_llm(llm, spec, w, allow_dangerous_requests=True)"), filename="example.ipynb"),
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._seen: Set[int] = set()

    def visit_Call(self, node: libcst.Call) -> None:
        for arg in node.args:
            if arg.star == "**" and isinstance(arg.value, cst.Dict):
                self._seen.add(id(arg.value))
        present, value = self.ctx.keyword(node, FLAG)
        if present and not (isinstance(value, cst.Name) and value.value == FLAG) and self._truthy(value):
            self.report(node)

    def visit_Dict(self, node: libcst.Dict) -> None:
        if id(node) in self._seen:
            return
        for element in node.elements:
            if isinstance(element, cst.DictElement) and self.ctx.value(element.key) == FLAG and self._truthy(element.value):
                self.report(element)

    def _truthy(self, value: Any) -> bool:
        resolved = self.resolve(value)
        return resolved is not UNKNOWN and bool(resolved)
