from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: libcst is imported when a file needs it
    import libcst

from typing import Any, Optional, Set

from mlwarden.core.finding import Severity
from mlwarden.core.lazy import cst
from mlwarden.core.rule import CodeRule, Invalid, Valid
from mlwarden.core.values import UNKNOWN
from mlwarden.rules._helpers import notebook_json
from mlwarden.rules.mlw202_unpinned_hub_revision import ParamDefaults

FLAG = "allow_dangerous_code"
#: classes and factories that execute code written by the model, by package root
_TOOLS = {
    ("langchain", "langchain_experimental", "langchain_community", "langchain_core"): frozenset(
        {"PythonREPLTool", "PythonAstREPLTool", "PythonREPL", "ShellTool", "BashProcess", "LLMBashChain", "create_python_agent"}
    ),
    ("llama_index",): frozenset({"PandasQueryEngine", "PolarsQueryEngine", "CodeInterpreterToolSpec"}),
    ("autogen", "autogen_ext", "autogen_core"): frozenset({"LocalCommandLineCodeExecutor"}),
}
_ALL_TOOLS = frozenset().union(*_TOOLS.values())
#: langchain `load_tools` names that give the model a Python or shell interpreter
_TOOL_NAMES = frozenset({"python_repl", "terminal"})
_LOAD_TOOLS = ("langchain.agents.load_tools", "langchain_community.agent_toolkits.load_tools.load_tools", "langchain.agents.load_tools.load_tools", "langchain_community.agent_toolkits.load_tools")


class LangchainDangerousCode(ParamDefaults, CodeRule):
    """## What it does
    Flags LLM tooling that runs code the model wrote on this host:

    - `allow_dangerous_code=<truthy>` in any call (LangChain's pandas / CSV /
      Spark dataframe agents, `PALChain`, …), inside a `**{...}` literal or a
      `dict(...)` call, and as a key of a dict literal used as a config
      (`agent_kwargs = {"allow_dangerous_code": True}`);
    - construction of tools that execute code: LangChain's `PythonREPLTool`,
      `PythonAstREPLTool`, the `PythonREPL` utility, `ShellTool`,
      `BashProcess`, `LLMBashChain` and `create_python_agent`, and
      `load_tools([...])` naming `"python_repl"` or `"terminal"`;
      LlamaIndex's `PandasQueryEngine` and `PolarsQueryEngine` (they `eval`
      the code the model writes) and `CodeInterpreterToolSpec`; AutoGen's
      `LocalCommandLineCodeExecutor`, and `code_execution_config` dicts with
      `"use_docker": False`;
    - CrewAI agents with `allow_code_execution=True` and
      `code_execution_mode="unsafe"`.

    ## Why is this bad?
    These run Python or shell code written by the language model. The model's
    output follows its input, so a prompt injection in a user message, a
    retrieved document or a dataframe cell becomes arbitrary code execution on
    the host, with its files, network and credentials.

    ## Example
    ```python
    from langchain_experimental.agents import create_pandas_dataframe_agent

    agent = create_pandas_dataframe_agent(llm, df, allow_dangerous_code=True)
    ```

    ## Use instead
    ```python
    from langchain_experimental.agents import create_pandas_dataframe_agent

    # run the agent only inside a sandbox (container without secrets or
    # network), and keep allow_dangerous_code off everywhere else
    agent = create_pandas_dataframe_agent(llm, df)
    ```

    ## Options
    Non-literal values: module-level constants and literal parameter
    defaults are followed; other expressions are not reported, except a
    dict-literal value that cannot be verified (reported at medium
    severity). A plain pass-through of a parameter of the same name is the
    caller's decision and is checked there.

    ## References
    - [LangChain: security policy](https://python.langchain.com/docs/security/)
    - [LlamaIndex: PandasQueryEngine security warning](https://docs.llamaindex.ai/en/stable/examples/query_engine/pandas_query_engine/)
    - CVE-2023-36258 and CVE-2023-39659 (LangChain code execution through prompt injection)
    - CVE-2024-3098 (LlamaIndex PandasQueryEngine code execution)
    - [CWE-94: Improper Control of Generation of Code](https://cwe.mitre.org/data/definitions/94.html)
    - [OWASP LLM05:2025 Improper Output Handling](https://genai.owasp.org/llmrisk/llm052025-improper-output-handling/)
    - [OWASP LLM06:2025 Excessive Agency](https://genai.owasp.org/llmrisk/llm062025-excessive-agency/)
    """

    id = "MLW209"
    name = "langchain-dangerous-code"
    severity = Severity.HIGH
    cwe = (94,)
    owasp = ("LLM05:2025", "LLM06:2025")
    message = "`allow_dangerous_code=True` lets the LLM run arbitrary Python on this host; run such agents only in a sandbox without secrets"
    triggers = frozenset({FLAG, "allow_code_execution", "code_execution_config", "load_tools", *_ALL_TOOLS})

    VALID = [
        Valid("from langchain_experimental.agents import create_pandas_dataframe_agent\ncreate_pandas_dataframe_agent(llm, df)"),
        Valid("create_pandas_dataframe_agent(llm, df, allow_dangerous_code=False)"),
        Valid("class PythonREPLTool:\n    pass\nPythonREPLTool()"),
        Valid("opts = {'allow_dangerous_code': False}"),
        Valid("def make(llm, df, allow_dangerous_code=False):\n    return create_pandas_dataframe_agent(llm, df, allow_dangerous_code=allow_dangerous_code)"),
        Valid("from langchain.agents import load_tools\ntools = load_tools(['serpapi', 'llm-math'], llm=llm)"),
        Valid("import autogen\nproxy = autogen.UserProxyAgent('u', code_execution_config={'use_docker': True})"),
        Valid("from llama_index.core import VectorStoreIndex\nengine = index.as_query_engine()"),
        Valid("from crewai import Agent\nAgent(role='r', allow_code_execution=True)"),
    ]
    INVALID = [
        Invalid("from langchain_experimental.agents import create_pandas_dataframe_agent as mk\nagent = mk(llm, df, allow_dangerous_code=True)"),
        Invalid("from langchain_experimental.tools import PythonREPLTool\ntools = [PythonREPLTool()]"),
        Invalid("import langchain_experimental.tools.python.tool as t\ntool = t.PythonAstREPLTool(locals={'df': df})"),
        Invalid("from langchain_experimental.utilities import PythonREPL\nrepl = PythonREPL()"),
        Invalid("DANGER = True\nchain = PALChain.from_math_prompt(llm, allow_dangerous_code=DANGER)"),
        Invalid("agent_kwargs = {'allow_dangerous_code': True}"),
        Invalid("cfg = dict(verbose=True, allow_dangerous_code=1)"),
        Invalid("from llama_index.experimental.query_engine import PandasQueryEngine\nengine = PandasQueryEngine(df=df, verbose=True)"),
        Invalid("from langchain_community.tools import ShellTool\nshell = ShellTool()"),
        Invalid("from langchain.agents import load_tools\ntools = load_tools(['python_repl', 'serpapi'], llm=llm)"),
        Invalid("from autogen_ext.code_executors.local import LocalCommandLineCodeExecutor\nex = LocalCommandLineCodeExecutor(work_dir='w')"),
        Invalid("import autogen\nproxy = autogen.UserProxyAgent('u', code_execution_config={'work_dir': 'w', 'use_docker': False})"),
        Invalid("from crewai import Agent\ncoder = Agent(role='coder', allow_code_execution=True, code_execution_mode='unsafe')"),
        Invalid(notebook_json("from langchain_experimental.agents import create_csv_agent", "agent = create_csv_agent(llm, 'x.csv', allow_dangerous_code=True)"), filename="example.ipynb"),
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._seen_dicts: Set[int] = set()

    def visit_Call(self, node: libcst.Call) -> None:
        for arg in node.args:
            if arg.star == "**" and isinstance(arg.value, cst.Dict):
                self._seen_dicts.add(id(arg.value))  # judged as keywords below
        present, value = self.ctx.keyword(node, FLAG)
        if present:
            if isinstance(value, cst.Name) and value.value == FLAG:
                return  # pass-through of the caller's choice
            if self._truthy(value):
                self.report(node)
                return
        if self._dict_call(node):
            return
        tool = self._tool(node)
        if tool:
            self.report(node, f"`{tool}` runs code written by the LLM on this host, so a prompt injection runs arbitrary code; run it only in a sandbox without secrets")
            return
        if self._load_tools(node) or self._code_execution(node):
            return

    def visit_Dict(self, node: libcst.Dict) -> None:
        if id(node) in self._seen_dicts:
            return
        for element in node.elements:
            if isinstance(element, cst.DictElement) and self.ctx.value(element.key) == FLAG:
                resolved = self.resolve(element.value)
                if resolved is UNKNOWN:
                    if not (isinstance(element.value, cst.Name) and element.value.value == FLAG):
                        self.report(element, f"`{FLAG}` with a value that cannot be verified may let the LLM run arbitrary Python on this host; set it to `False` outside a sandbox", severity=Severity.MEDIUM)
                elif bool(resolved):
                    self.report(element)
                return

    def _truthy(self, value: Any) -> bool:
        resolved = self.resolve(value)
        return resolved is not UNKNOWN and bool(resolved)

    def _dict_call(self, node: Any) -> bool:
        """``dict(..., allow_dangerous_code=True)``: a config built for later."""
        if isinstance(node.func, cst.Name) and node.func.value == "dict" and not self.ctx.qualnames(node.func):
            for arg in node.args:
                if arg.keyword is not None and arg.keyword.value == FLAG and self._truthy(arg.value):
                    self.report(node)
                    return True
        return False

    def _tool(self, node: Any) -> Optional[str]:
        for name in self.ctx.qualnames(node.func):
            parts = name.split(".")
            for roots, tools in _TOOLS.items():
                if parts[0] in roots and parts[-1] in tools:
                    return parts[-1]
        return None

    def _load_tools(self, node: Any) -> bool:
        if not self.ctx.call_to(node, _LOAD_TOOLS):
            return False
        names = self.ctx.arg(node, 0, "tool_names")
        if isinstance(names, (cst.List, cst.Tuple)):
            found = sorted({v for v in (self.ctx.value(e.value) for e in names.elements if isinstance(e, cst.Element)) if v in _TOOL_NAMES})
            if found:
                self.report(node, f"`load_tools([{', '.join(repr(n) for n in found)}])` gives the LLM a Python or shell interpreter on this host, so a prompt injection runs arbitrary code; run it only in a sandbox without secrets")
                return True
        return False

    def _code_execution(self, node: Any) -> bool:
        # autogen: code_execution_config={"use_docker": False, ...}
        present, config = self.ctx.keyword(node, "code_execution_config")
        if present and isinstance(config, cst.Dict):
            for element in config.elements:
                if isinstance(element, cst.DictElement) and self.ctx.value(element.key) == "use_docker":
                    if self.resolve(element.value) is False:
                        self.report(node, "`code_execution_config={\"use_docker\": False}` runs the code the LLM writes directly on this host; keep `use_docker=True` or use a sandboxed executor")
                        return True
        # crewai: allow_code_execution=True with code_execution_mode="unsafe"
        present, allow = self.ctx.keyword(node, "allow_code_execution")
        if present and self._truthy(allow):
            mode_present, mode = self.ctx.keyword(node, "code_execution_mode")
            if mode_present and self.resolve(mode) == "unsafe":
                self.report(node, "`allow_code_execution=True` with `code_execution_mode=\"unsafe\"` runs the code the LLM writes directly on this host; use the default safe (Docker) mode")
                return True
        return False
