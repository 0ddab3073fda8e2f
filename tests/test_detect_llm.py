"""MLW211 (model output reaching exec/eval/shells), MLW209's tool classes and
dict configs, MLW212: precise positives and the look-alikes they must skip."""

import textwrap

import pytest

from mlwarden.core.config import Config
from mlwarden.core.engine import check_source


def lines(code, rule):
    result = check_source(textwrap.dedent(code), "agent.py", config=Config(select=[rule]))
    assert not result.errors, result.errors
    return sorted(f.line for f in result.findings)


EXECUTED = {
    "openai-module-client": """
        import openai
        r = openai.OpenAI().chat.completions.create(model="m", messages=msgs)
        exec(r.choices[0].message.content)
        """,
    "openai-legacy": """
        import openai
        r = openai.ChatCompletion.create(model="gpt-3.5-turbo", messages=msgs)
        exec(r["choices"][0]["message"]["content"])
        """,
    "litellm-shell": """
        import subprocess, litellm
        cmd = litellm.completion(model="m", messages=msgs).choices[0].message.content
        out = subprocess.check_output(cmd, shell=True, text=True)
        """,
    "anthropic-eval-fstring": """
        import anthropic
        client = anthropic.Anthropic()
        def calc(q):
            msg = client.messages.create(model="m", max_tokens=64, messages=[{"role": "user", "content": q}])
            expr = msg.content[0].text.strip()
            return eval(f"({expr})")
        """,
    "langchain-llm-call-style": """
        from langchain_community.llms import Ollama
        llm = Ollama(model="codellama")
        exec(llm("write python that lists files"))
        """,
    "langchain-predict": """
        from langchain_openai import OpenAI
        llm = OpenAI()
        code = llm.predict("write code")
        exec(code)
        """,
    "llamaindex-query": """
        import os
        from llama_index.core import VectorStoreIndex
        engine = VectorStoreIndex.from_documents(docs).as_query_engine()
        answer = engine.query("which command cleans the cache?")
        os.system(str(answer))
        """,
    "google-genai": """
        import google.generativeai as genai
        model = genai.GenerativeModel("gemini-1.5-pro")
        exec(model.generate_content(prompt).text)
        """,
    "ollama-popen": """
        import os, ollama
        os.popen(ollama.generate(model="llama3", prompt=p)["response"])
        """,
    "transformers-generate-decode": """
        from transformers import AutoModelForCausalLM, AutoTokenizer
        tok = AutoTokenizer.from_pretrained("m")
        model = AutoModelForCausalLM.from_pretrained("m")
        ids = model.generate(**tok(prompt, return_tensors="pt"))
        exec(tok.decode(ids[0], skip_special_tokens=True))
        """,
    "python-c": """
        import subprocess
        from openai import OpenAI
        snippet = OpenAI().chat.completions.create(model="m", messages=m).choices[0].message.content
        subprocess.run(["python3", "-c", snippet], check=True)
        """,
    "await-async-client": """
        from openai import AsyncOpenAI
        client = AsyncOpenAI()
        async def go(m):
            r = await client.chat.completions.create(model="x", messages=m)
            exec(r.choices[0].message.content)
        """,
}


#: model output that crosses a function boundary inside the file, provably:
#: every return of the helper (every write of the attribute) is model output
ACROSS_FUNCTIONS = {
    "helper-returns-model-output": """
        from openai import OpenAI
        client = OpenAI()
        def ask(q):
            return client.chat.completions.create(model="m", messages=q).choices[0].message.content
        def run(q):
            exec(ask(q))
        """,
    "helper-through-a-local-name": """
        import subprocess
        import litellm
        def draft(task):
            reply = litellm.completion(model="m", messages=[task])
            text = reply.choices[0].message.content
            return text.strip("`")
        def apply(task):
            script = draft(task)
            subprocess.run(["bash", "-c", script])
        """,
    "method-on-self": """
        from langchain_openai import ChatOpenAI
        class Coder:
            def __init__(self):
                self.llm = ChatOpenAI()
            def write(self, q):
                return self.llm.invoke(q).content
            async def run(self, q):
                code = self.write(q)
                exec(code)
        """,
    "attribute-written-from-a-model-call": """
        import os
        import anthropic
        class Shell:
            def plan(self, q):
                msg = anthropic.Anthropic().messages.create(model="m", max_tokens=9, messages=q)
                self.command = msg.content[0].text
            def go(self):
                os.system(self.command)
        """,
    "helper-calling-a-helper": """
        import ollama
        def raw(q):
            return ollama.chat(model="m", messages=q)["message"]["content"]
        def code_of(q):
            return raw(q).split("```")[1]
        def run(q):
            eval(code_of(q))
        """,
}

#: crossing a function boundary without proof: quiet
ACROSS_NOT_PROVABLE = {
    "one-return-not-model-output": """
        from openai import OpenAI
        def ask(q, offline):
            if offline:
                return "print('offline')"
            return OpenAI().chat.completions.create(model="m", messages=q).choices[0].message.content
        def run(q):
            exec(ask(q, False))
        """,
    "helper-may-fall-off-the-end": """
        from openai import OpenAI
        def ask(q, on):
            if on:
                return OpenAI().chat.completions.create(model="m", messages=q).choices[0].message.content
        def run(q):
            exec(ask(q, True))
        """,
    "helper-of-unknown-data": """
        from openai import OpenAI
        def clean(text):
            return text.strip()
        def run(path):
            exec(clean(open(path).read()))
        """,
    "helper-defined-twice": """
        from openai import OpenAI
        def ask(q):
            return OpenAI().chat.completions.create(model="m", messages=q).choices[0].message.content
        def ask(q):
            return q
        def run(q):
            exec(ask(q))
        """,
    "attribute-also-set-from-a-file": """
        from openai import OpenAI
        class Runner:
            def plan(self, q):
                self.code = OpenAI().chat.completions.create(model="m", messages=q).choices[0].message.content
            def load(self, path):
                self.code = open(path).read()
            def go(self):
                exec(self.code)
        """,
    "attribute-of-another-object": """
        from openai import OpenAI
        class Runner:
            def plan(self, q):
                self.code = OpenAI().chat.completions.create(model="m", messages=q).choices[0].message.content
            def go(self, other):
                exec(other.code)
        """,
    "generator-helper": """
        from openai import OpenAI
        def chunks(q):
            yield OpenAI().chat.completions.create(model="m", messages=q).choices[0].message.content
            return "x"
        def run(q):
            exec(chunks(q))
        """,
    "caller-variable-named-like-the-helper-result": """
        import subprocess
        from openai import OpenAI
        def write_file(folder, content):
            path = folder + "/f"
            open(path, "w").write(content)
            return path
        def build(folder, content):
            path = write_file(folder, content)
            cmd = "docker build -f " + path
            subprocess.run(cmd, shell=True)
        """,
    "staticmethod-first-parameter": """
        from openai import OpenAI
        class Runner:
            def plan(self, q):
                self.code = OpenAI().chat.completions.create(model="m", messages=q).choices[0].message.content
            @staticmethod
            def go(self):
                exec(self.code)
        """,
}


@pytest.mark.parametrize("name", sorted(ACROSS_FUNCTIONS))
def test_model_output_across_functions(name):
    code = textwrap.dedent(ACROSS_FUNCTIONS[name])
    sink_line = max(i for i, text in enumerate(code.splitlines(), start=1) if text.strip())
    assert lines(code, "MLW211") == [sink_line]
    # the sink's function holds no provider word: the fast path must still see it
    full = check_source(code, "agent.py", config=Config(select=["MLW211"]), full=True)
    assert [f.line for f in full.findings] == [sink_line]


@pytest.mark.parametrize("name", sorted(ACROSS_NOT_PROVABLE))
def test_not_provable_across_functions(name):
    assert lines(ACROSS_NOT_PROVABLE[name], "MLW211") == []


@pytest.mark.parametrize("name", sorted(EXECUTED))
def test_model_output_executed(name):
    code = textwrap.dedent(EXECUTED[name])
    sink_line = max(i for i, text in enumerate(code.splitlines(), start=1) if text.strip())
    assert lines(code, "MLW211") == [sink_line]


NOT_PROVABLE = {
    "parameter": "import openai\ndef run(code):\n    exec(code)\n",
    "one-binding-not-from-a-model": """
        from openai import OpenAI
        def run(q, fallback):
            code = OpenAI().chat.completions.create(model="m", messages=q).choices[0].message.content
            if not code:
                code = fallback
            exec(code)
        """,
    "literal-eval": """
        import ast
        from openai import OpenAI
        value = ast.literal_eval(OpenAI().chat.completions.create(model="m", messages=q).choices[0].message.content)
        """,
    "argument-not-program": """
        import subprocess
        from openai import OpenAI
        title = OpenAI().chat.completions.create(model="m", messages=q).choices[0].message.content
        subprocess.run(["gh", "issue", "create", "--title", title])
        """,
    "no-provider-import": "client = make()\nexec(client.chat.completions.create(model='m').choices[0].message.content)\n",
    "invoke-on-unknown-object": "import langchain\nexec(runner.invoke(x))\n",
    "model-eval-method": "import torch\nfrom openai import OpenAI\nmodel.eval()\n",
    "exec-shadowed": "from openai import OpenAI\nfrom mytools import exec\nexec(OpenAI().chat.completions.create(model='m').choices[0].message.content)\n",
}


@pytest.mark.parametrize("name", sorted(NOT_PROVABLE))
def test_not_provably_model_output(name):
    assert lines(NOT_PROVABLE[name], "MLW211") == []


def test_message_names_the_model_call():
    code = "from openai import OpenAI\nc = OpenAI()\nexec(c.chat.completions.create(model='m').choices[0].message.content)\n"
    result = check_source(code, "a.py", config=Config(select=["MLW211"]))
    [finding] = result.findings
    assert "client.chat.completions.create" in finding.message and finding.message.startswith("`exec`")


# -- MLW209 / MLW212 -------------------------------------------------------------------

TOOLS = {
    "polars-query-engine": "from llama_index.experimental.query_engine import PolarsQueryEngine\ne = PolarsQueryEngine(df=df)\n",
    "code-interpreter-spec": "from llama_index.tools.code_interpreter import CodeInterpreterToolSpec\ntools = CodeInterpreterToolSpec().to_tool_list()\n",
    "bash-process": "from langchain_experimental.llm_bash.bash import BashProcess\nbash = BashProcess()\n",
    "create-python-agent": "from langchain_experimental.agents.agent_toolkits import create_python_agent\na = create_python_agent(llm, tool=t)\n",
    "load-tools-terminal": "from langchain_community.agent_toolkits.load_tools import load_tools\nt = load_tools(['terminal'], allow_dangerous_tools=True)\n",
    "nested-dict-config": "config = {'agent': {'allow_dangerous_code': True}}\n",
    "dict-in-kwargs-variable": "agent_kwargs = dict(allow_dangerous_code=True)\n",
}


@pytest.mark.parametrize("name", sorted(TOOLS))
def test_code_executing_tools(name):
    code = TOOLS[name]
    assert lines(code, "MLW209") == [len(code.splitlines())]


def test_dict_value_that_cannot_be_verified_is_medium():
    result = check_source("cfg = {'allow_dangerous_code': settings.flag}\n", "a.py", config=Config(select=["MLW209"]))
    [finding] = result.findings
    assert finding.severity.name == "MEDIUM"


def test_dangerous_requests_dict_config():
    assert lines("opts = {'allow_dangerous_requests': True}\nsafe = {'allow_dangerous_requests': False}\n", "MLW212") == [1]


def test_notebook_fixture_exact():
    """fixtures/rules/MLW211.ipynb: exactly the marked (cell, line) pairs."""
    import json

    from conftest import FIXTURES
    from mlwarden.commands.check import check_paths
    from mlwarden.testing import MARKER_RE

    path = FIXTURES / "rules" / "MLW211.ipynb"
    nb = json.loads(path.read_text(encoding="utf-8"))
    expected = set()
    for number, cell in enumerate(nb["cells"], start=1):
        if cell["cell_type"] == "code":
            for line_no, line in enumerate("".join(cell["source"]).splitlines(), start=1):
                if MARKER_RE.search(line):
                    expected.add((number, line_no, "MLW211"))
    results, _ = check_paths([str(path)], Config(select=["MLW211"]))
    assert not [e for r in results for e in r.errors]
    assert {(f.cell, f.line, f.rule_id) for r in results for f in r.findings} == expected == {(3, 3, "MLW211"), (4, 1, "MLW211")}


def test_ast_gate_skips_files_whose_sinks_take_only_literals():
    """The gate (a sink with a non-literal argument) never hides a finding:
    the same verdicts as the equivalence mode, which runs every rule."""
    import ast

    from mlwarden.rules.mlw211_llm_output_executed import LlmOutputExecuted

    literal_only = "import subprocess\nfrom openai import OpenAI\nr = OpenAI().chat.completions.create(model='m', messages=m)\nsubprocess.run(['git', 'status'], check=True)\n"
    mixed = literal_only + "exec(r.choices[0].message.content)\n"
    assert LlmOutputExecuted.ast_gate(ast.parse(literal_only)) is False
    assert LlmOutputExecuted.ast_gate(ast.parse(mixed)) is True
    for code, expected in ((literal_only, []), (mixed, [5])):
        fast = check_source(code, "a.py", config=Config(select=["MLW211"]))
        full = check_source(code, "a.py", config=Config(select=["MLW211"]), full=True)
        assert [f.line for f in fast.findings] == [f.line for f in full.findings] == expected
