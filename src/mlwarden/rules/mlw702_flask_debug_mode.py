from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: libcst is imported when a file needs it
    import libcst

from mlwarden.core.finding import Severity
from mlwarden.core.lazy import cst
from mlwarden.core.rule import CodeRule, Invalid, Valid
from mlwarden.core.values import UNKNOWN
from mlwarden.rules.mlw202_unpinned_hub_revision import ParamDefaults
from mlwarden.rules.mlw701_gradio_public_share import imports_module


class FlaskDebugMode(ParamDefaults, CodeRule):
    """## What it does
    Flags Flask's debug mode: `app.run(debug=<truthy>)` and
    `app.debug = True` in a module that imports flask, and Werkzeug's
    `run_simple(..., use_debugger=True)`. The app is usually a variable, so
    any `.run(debug=True)` in a module that imports flask is checked.

    ## Why is this bad?
    The Werkzeug debugger serves an interactive Python console in the
    browser on every error page. Model-serving demos are often bound to
    `0.0.0.0`; anyone who can reach the port (and guess or compute the PIN,
    which has been bypassed repeatedly) runs code on the server with the
    model, the data and the credentials it holds.

    ## Example
    ```python
    from flask import Flask

    app = Flask(__name__)
    app.run(host="0.0.0.0", debug=True)
    ```

    ## Use instead
    ```python
    import os

    from flask import Flask

    app = Flask(__name__)
    app.run(host="127.0.0.1", debug=os.environ.get("FLASK_DEBUG") == "1")
    ```
    In production, serve with gunicorn/uwsgi and no debugger.

    ## Options
    `debug` values held in module-level constants or literal parameter
    defaults are followed; other expressions are not reported.

    ## References
    - [Flask: Debug Mode](https://flask.palletsprojects.com/en/stable/debugging/)
    - [CWE-489: Active Debug Code](https://cwe.mitre.org/data/definitions/489.html)
    - [CWE-94: Improper Control of Generation of Code](https://cwe.mitre.org/data/definitions/94.html)
    - [OWASP ML05:2023 Model Theft](https://owasp.org/www-project-machine-learning-security-top-10/docs/ML05_2023-Model_Theft)
    """

    id = "MLW702"
    name = "flask-debug-mode"
    severity = Severity.HIGH
    cwe = (489, 94)
    owasp = ("ML05:2023",)
    advice = "turn debug off outside local development"
    message = f"`app.run(debug=True)` serves the Werkzeug debugger, an interactive Python console; {advice}"
    # the rule needs a flask import (or werkzeug's run_simple): no generic `debug`
    triggers = frozenset({"flask", "run_simple"})

    VALID = [
        Valid("from flask import Flask\napp = Flask(__name__)\napp.run()"),
        Valid("from flask import Flask\napp.run(debug=False)"),
        Valid("from flask import Flask\napp.run(debug=args.debug)"),
        Valid("trainer.run(debug=True)"),
        Valid("from flask import Flask\nself.debug = True"),
        Valid("import uvicorn\nfrom flask import Flask\napp = Flask(__name__)\nuvicorn.run(app, debug=True)"),
    ]
    INVALID = [
        Invalid("from flask import Flask\napp = Flask(__name__)\napp.run(host='0.0.0.0', debug=True)"),
        Invalid("import flask\nDEBUG = True\nflask.Flask(__name__).run(debug=DEBUG)"),
        Invalid("from flask import Flask\napp = Flask(__name__)\napp.debug = True"),
        Invalid("from werkzeug.serving import run_simple\nrun_simple('0.0.0.0', 5000, app, use_debugger=True)"),
    ]

    def visit_Call(self, node: libcst.Call) -> None:
        if self.ctx.call_to(node, ("werkzeug.serving.run_simple", "werkzeug.run_simple")):
            if self._truthy_kw(node, "use_debugger"):
                self.report(node, f"`run_simple(..., use_debugger=True)` serves the Werkzeug debugger, an interactive Python console; {self.advice}")
            return
        func = node.func
        if not (isinstance(func, cst.Attribute) and func.attr.value == "run"):
            return
        if not self._truthy_kw(node, "debug"):
            return
        names = self.ctx.qualnames(func)
        if names and not any(n.startswith("flask.") for n in names):
            return  # a module's function (uvicorn.run, asyncio.run …), not a Flask app's run()
        if imports_module(self.ctx, "flask") or names:
            self.report(node)

    def visit_Assign(self, node: libcst.Assign) -> None:
        for target in node.targets:
            t = target.target
            if (
                isinstance(t, cst.Attribute)
                and t.attr.value == "debug"
                and isinstance(t.value, cst.Name)
                and t.value.value not in ("self", "cls")
                and imports_module(self.ctx, "flask")
            ):
                value = self.resolve(node.value)
                if value is not UNKNOWN and value is True:
                    self.report(node, f"`{t.value.value}.debug = True` turns on the Werkzeug debugger, an interactive Python console; {self.advice}")

    def _truthy_kw(self, node, name: str) -> bool:
        present, value = self.ctx.keyword(node, name)
        if not present:
            return False
        resolved = self.resolve(value)
        return resolved is not UNKNOWN and bool(resolved)
