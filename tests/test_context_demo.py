"""A notebook in a ``demo``/``demos`` folder is example code (its Colab setup
cell's unpinned installs are low); a ``.py`` file there, or a ``demo.py``
module, stays code, and deserialization is never lowered by context."""

from __future__ import annotations

from mlwarden.core.config import Config
from mlwarden.core.engine import check_source
from mlwarden.core.finding import Severity
from mlwarden.rules._helpers import notebook_json

SETUP_CELL = "try:\n    import google.colab\n    %pip install transformer_lens circuitsvis\nexcept ImportError:\n    pass"


def _found(source, filename, rule):
    result = check_source(source, filename, config=Config(severity=Severity.LOW, select=[rule]))
    return [(f.severity, f.context) for f in result.findings if f.rule_id == rule]


def test_a_demo_notebook_setup_cell_is_an_example():
    nb = notebook_json(SETUP_CELL, "import torch")
    assert _found(nb, "demos/Colab_Compatibility.ipynb", "MLW301") == [(Severity.LOW, "example")]
    # the same notebook elsewhere (no Markdown: not a tutorial) stays medium
    assert _found(nb, "analysis/Colab_Compatibility.ipynb", "MLW301") == [(Severity.MEDIUM, None)]


def test_a_demo_app_stays_code():
    app = "import gradio as gr\ndemo = gr.Interface(fn=str, inputs='text', outputs='text')\ndemo.launch(share=True)\n"
    in_demo = _found(app, "demo/app.py", "MLW701")
    assert in_demo and all(context is None for _severity, context in in_demo)
    assert in_demo == _found(app, "src/app.py", "MLW701")


def test_deserialization_in_a_demo_notebook_is_not_lowered():
    nb = notebook_json("import pickle", "model = pickle.load(open('downloaded.pkl', 'rb'))")
    assert _found(nb, "demos/walk.ipynb", "MLW101") == [(Severity.HIGH, "example")]
    assert _found(nb, "walk.ipynb", "MLW101") == [(Severity.HIGH, None)]
