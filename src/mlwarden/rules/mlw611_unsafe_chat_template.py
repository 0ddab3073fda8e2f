from __future__ import annotations

from mlwarden.artifacts import examples as ex
from mlwarden.core.finding import Severity
from mlwarden.core.rule import FileRule, Invalid, Valid


class UnsafeChatTemplate(FileRule):
    """## What it does
    Reads the metadata of committed GGUF models (llama.cpp, Ollama,
    llama-cpp-python) without loading the weights, and flags a
    `tokenizer.chat_template` (or a named `tokenizer.chat_template.*`) whose
    Jinja code reaches Python objects: dunder attributes (`__class__`,
    `__globals__`, `__subclasses__`, `__mro__` …), the `attr` filter, dunder
    names assembled from string pieces or `\\x5f` escapes, Jinja globals whose
    attributes lead to module globals (`lipsum`, `cycler`, `joiner`, `self`),
    and names such as `popen`, `subprocess`, `getattr` or `builtins`. Only the
    template's `{{ }}` and `{% %}` code is read, not its literal text.

    ## Why is this bad?
    Runtimes render the chat template for every prompt. llama-cpp-python
    rendered it in an unsandboxed Jinja environment, so a GGUF file from a
    model hub ran `os.popen` through
    `''.__class__.__mro__[1].__subclasses__()` (CVE-2024-34359, CVSS 9.7).
    Legitimate chat templates loop over messages and print roles and content;
    they never need Python internals.

    ## Example
    ```python
    # a GGUF whose metadata holds
    # tokenizer.chat_template = "{{ ''.__class__.__mro__[1].__subclasses__() }}"
    gguf_writer.add_chat_template("{{ ''.__class__.__mro__[1].__subclasses__() }}")
    ```

    ## Use instead
    ```python
    gguf_writer.add_chat_template("{% for m in messages %}{{ m['role'] }}: {{ m['content'] }}{% endfor %}")
    ```
    Render templates in `jinja2.sandbox.ImmutableSandboxedEnvironment`, as
    `transformers` does, and upgrade llama-cpp-python to 0.2.72 or later.

    ## References
    - [CWE-1336: Improper Neutralization of Special Elements Used in a Template Engine](https://cwe.mitre.org/data/definitions/1336.html)
    - [CWE-94: Code Injection](https://cwe.mitre.org/data/definitions/94.html)
    - [OWASP ML06:2023 AI Supply Chain Attacks](https://owasp.org/www-project-machine-learning-security-top-10/docs/ML06_2023-AI_Supply_Chain_Attacks)
    - [CVE-2024-34359: llama-cpp-python chat template SSTI](https://nvd.nist.gov/vuln/detail/CVE-2024-34359)
    - [GGUF specification](https://github.com/ggml-org/ggml/blob/master/docs/gguf.md)
    """

    id = "MLW611"
    name = "unsafe-chat-template"
    severity = Severity.CRITICAL
    cwe = (1336, 94)
    owasp = ("ML06:2023",)
    advice = "remove the template code and render templates in a sandbox"
    message = f"`tokenizer.chat_template` in a GGUF model reaches Python objects when rendered; {advice}"
    applies_to = frozenset({"model"})

    VALID = [
        Valid(ex.GGUF_BENIGN, filename="model.gguf"),
        Valid(ex.ONNX_RELU, filename="model.onnx"),
    ]
    INVALID = [
        Invalid(ex.GGUF_SSTI, filename="model.gguf"),
        Invalid(ex.GGUF_ATTR, filename="llama-3-8b.Q4_K_M.gguf"),
        Invalid(ex.GGUF_SSTI, filename="weights.bin"),
    ]

    def check(self, unit):
        from mlwarden.artifacts.findings import issue_findings, where
        from mlwarden.artifacts.report import CHAT_TEMPLATE

        yield from issue_findings(
            self,
            unit,
            CHAT_TEMPLATE,
            lambda i: f"{i.detail} ({where(i.member, None)}); {self.advice}",
        )
