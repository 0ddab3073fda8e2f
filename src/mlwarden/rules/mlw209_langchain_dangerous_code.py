from __future__ import annotations

from mlwarden.core.finding import Severity
from mlwarden.core.rule import CodeRule, Invalid, Valid
from mlwarden.core.values import UNKNOWN
from mlwarden.rules.mlw202_unpinned_hub_revision import ParamDefaults

_TOOLS = frozenset({"PythonREPLTool", "PythonAstREPLTool", "PythonREPL"})
_ROOTS = ("langchain", "langchain_experimental", "langchain_community", "langchain_core")


class LangchainDangerousCode(ParamDefaults, CodeRule):
    """## What it does
    Flags `allow_dangerous_code=<truthy>` in any call (LangChain's pandas /
    CSV / Spark dataframe agents, `PALChain`, `LLMMathChain`-style chains),
    and construction of LangChain's Python REPL tools: `PythonREPLTool`,
    `PythonAstREPLTool` and the `PythonREPL` utility (from `langchain`,
    `langchain_experimental` or `langchain_community`).

    ## Why is this bad?
    These run Python code written by the language model. The model's output
    follows its input, so a prompt injection in a user message, a retrieved
    document or a dataframe cell becomes arbitrary code execution on the
    host, with its files, network and credentials.

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
    defaults are followed; other expressions are not reported.

    ## References
    - [LangChain security policy](https://python.langchain.com/docs/security/)
    - [CWE-94: Improper Control of Generation of Code](https://cwe.mitre.org/data/definitions/94.html)
    - [OWASP LLM05:2025 Improper Output Handling](https://genai.owasp.org/llmrisk/llm052025-improper-output-handling/)
    - [OWASP LLM06:2025 Excessive Agency](https://genai.owasp.org/llmrisk/llm062025-excessive-agency/)
    - CVE-2023-36258 and CVE-2023-39659 (LangChain code execution through prompt injection)
    """

    id = "MLW209"
    name = "langchain-dangerous-code"
    severity = Severity.HIGH
    cwe = (94,)
    owasp = ("LLM05:2025", "LLM06:2025")
    message = "`allow_dangerous_code=True` lets the LLM run arbitrary Python on this host; run such agents only in a sandbox without secrets"
    triggers = frozenset({"allow_dangerous_code", *_TOOLS})

    VALID = [
        Valid("from langchain_experimental.agents import create_pandas_dataframe_agent\ncreate_pandas_dataframe_agent(llm, df)"),
        Valid("create_pandas_dataframe_agent(llm, df, allow_dangerous_code=False)"),
        Valid("class PythonREPLTool:\n    pass\nPythonREPLTool()"),
    ]
    INVALID = [
        Invalid("from langchain_experimental.agents import create_pandas_dataframe_agent as mk\nagent = mk(llm, df, allow_dangerous_code=True)"),
        Invalid("from langchain_experimental.tools import PythonREPLTool\ntools = [PythonREPLTool()]"),
        Invalid("import langchain_experimental.tools.python.tool as t\ntool = t.PythonAstREPLTool(locals={'df': df})"),
        Invalid("from langchain_experimental.utilities import PythonREPL\nrepl = PythonREPL()"),
        Invalid("DANGER = True\nchain = PALChain.from_math_prompt(llm, allow_dangerous_code=DANGER)"),
    ]

    def visit_Call(self, node) -> None:
        present, value = self.ctx.keyword(node, "allow_dangerous_code")
        if present:
            resolved = self.resolve(value)
            if resolved is not UNKNOWN and bool(resolved):
                self.report(node)
                return
        for name in self.ctx.qualnames(node.func):
            parts = name.split(".")
            if parts[0] in _ROOTS and parts[-1] in _TOOLS:
                self.report(node, f"`{parts[-1]}` gives the LLM a Python interpreter on this host, so a prompt injection runs arbitrary code; run it only in a sandbox without secrets")
                return
