from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: libcst is imported when a file needs it
    import libcst

from mlwarden.core.finding import Severity
from mlwarden.core.lazy import cst
from mlwarden.core.rule import CodeRule, Invalid, Valid
from mlwarden.core.values import UNKNOWN
from mlwarden.rules.mlw202_unpinned_hub_revision import ParamDefaults


def imports_module(ctx, root: str) -> bool:
    """The module imports ``root`` (or something from it) anywhere."""
    for names in ctx.imports.aliases.values():
        for name in names:
            if name == root or name.startswith(root + "."):
                return True
    return any(m == root or m.startswith(root + ".") for m in ctx.imports.star_modules)


class GradioPublicShare(ParamDefaults, CodeRule):
    """## What it does
    Flags `launch(share=<truthy>)` on a gradio `Blocks`/`Interface`/
    `ChatInterface` without `auth=`. The receiver is usually a variable
    (`demo.launch(share=True)`), so any `.launch(share=True)` call in a
    module (or notebook) that imports gradio is checked, as is a chain that
    resolves to gradio (`gr.Interface(...).launch(share=True)`).

    ## Why is this bad?
    `share=True` publishes the app on a public `*.gradio.live` URL for up to
    a week. Anyone who finds or guesses the link can use the model, its
    compute and whatever the app can reach (files, tools, API keys in the
    process), and can extract or abuse the model.

    ## Example
    ```python
    import gradio as gr

    demo = gr.Interface(fn=predict, inputs="text", outputs="text")
    demo.launch(share=True)
    ```

    ## Use instead
    ```python
    import gradio as gr

    demo = gr.Interface(fn=predict, inputs="text", outputs="text")
    demo.launch(share=True, auth=("admin", read_password()))
    ```
    Or serve it on localhost / behind your own authenticated proxy.

    ## Options
    `share` values held in module-level constants or literal parameter
    defaults are followed; other expressions (`share=args.share`) are not
    reported. Any `auth=` other than `None` silences the rule.

    ## References
    - [Gradio: Sharing your app](https://www.gradio.app/guides/sharing-your-app)
    - [CWE-668: Exposure of Resource to Wrong Sphere](https://cwe.mitre.org/data/definitions/668.html)
    - [CWE-306: Missing Authentication for Critical Function](https://cwe.mitre.org/data/definitions/306.html)
    - [OWASP ML05:2023 Model Theft](https://owasp.org/www-project-machine-learning-security-top-10/docs/ML05_2023-Model_Theft)
    """

    id = "MLW701"
    name = "gradio-public-share"
    severity = Severity.MEDIUM
    cwe = (668, 306)
    owasp = ("ML05:2023",)
    message = "`launch(share=True)` publishes the app on a public gradio.live URL without authentication; add `auth=` or serve it privately"
    # the rule needs a gradio import: no generic `share`
    triggers = frozenset({"gradio"})

    VALID = [
        Valid("import gradio as gr\ndemo = gr.Interface(fn, 'text', 'text')\ndemo.launch()"),
        Valid("import gradio as gr\ndemo.launch(share=True, auth=('u', pw))"),
        Valid("import gradio as gr\ndemo.launch(share=args.share)"),
        Valid("app.launch(share=True)"),
    ]
    INVALID = [
        Invalid("import gradio as gr\ndemo = gr.Blocks()\ndemo.launch(share=True)"),
        Invalid("from gradio import Interface\nInterface(fn, 'text', 'text').launch(server_name='0.0.0.0', share=1)"),
        Invalid("import gradio as gr\nSHARE = True\ndemo.queue().launch(share=SHARE, auth=None)"),
        Invalid("import gradio as gr\nopts = {'share': True}\ndemo.launch(**opts)"),
    ]

    @classmethod
    def ast_gate(cls, tree) -> bool:
        """Only a ``.launch(...)`` call that passes ``share=`` (or ``**``
        arguments that may hold it) can be reported: importing gradio, which
        the trigger guards, is not enough (gradio's own code and apps with many
        modules import it everywhere and launch once)."""
        import ast

        for node in ast.walk(tree):
            if type(node) is ast.Call and type(node.func) is ast.Attribute and node.func.attr == "launch":
                if any(kw.arg in ("share", None) for kw in node.keywords):
                    return True
        return False

    def visit_Call(self, node: libcst.Call) -> None:
        func = node.func
        if not (isinstance(func, cst.Attribute) and func.attr.value == "launch"):
            return
        present, value = self.ctx.keyword(node, "share")
        if not present:
            return
        share = self.resolve(value)
        if share is UNKNOWN or not bool(share):
            return
        auth_present, auth = self.ctx.keyword(node, "auth")
        if auth_present is None or (auth_present and self.resolve(auth) is not None):
            return
        if not (imports_module(self.ctx, "gradio") or any(n.startswith("gradio.") for n in self.ctx.qualnames(func))):
            return
        self.report(node)
