"""A dangerous call that runs only when the operator set an environment
variable named about the risk is the documented escape hatch of a library
(tensorflow_hub's TFHUB_DISABLE_CERT_VALIDATION): low, with the variable
named. Anything short of that stays as it was."""

from __future__ import annotations

import json

import pytest

from mlwarden.core.config import Config
from mlwarden.core.engine import check_source
from mlwarden.core.finding import Severity

TLS = "import os, ssl\nKEY = 'TFHUB_DISABLE_CERT_VALIDATION'\nclass R:\n    def __init__(self):\n        self.ctx = ssl.create_default_context()\n"


def findings(code: str, rule: str, name: str = "lib.py", kind=None):
    return check_source(code, name, config=Config(select=[rule], severity=Severity.LOW), kind=kind).findings


@pytest.mark.parametrize(
    "code, rule, variable",
    [
        (TLS + "        if os.getenv(KEY) == 'true':\n            self.ctx.verify_mode = ssl.CERT_NONE\n", "MLW208", "TFHUB_DISABLE_CERT_VALIDATION"),
        (TLS + "        if os.environ.get(KEY, '').lower() == '1':\n            self.ctx.verify_mode = ssl.CERT_NONE\n", "MLW208", "TFHUB_DISABLE_CERT_VALIDATION"),
        ("import ssl\nfrom os import environ\ndef ctx():\n    if 'INSECURE_TLS' in environ:\n        return ssl._create_unverified_context()\n", "MLW208", "INSECURE_TLS"),
        ("import os, pickle as pk\ndef load(p):\n    if not os.getenv('ALLOW_PICKLE_LOADS'):\n        raise ValueError('set ALLOW_PICKLE_LOADS')\n    with open(p, 'rb') as f:\n        return pk.load(f)\n", "MLW101", "ALLOW_PICKLE_LOADS"),
        ("import os\nimport torch\ndef load(p):\n    return torch.load(p, weights_only=False) if os.getenv('TRUST_CHECKPOINTS') else torch.load(p, weights_only=True)\n", "MLW102", "TRUST_CHECKPOINTS"),
        # import spellings, resolved like any call
        ("import ssl\nfrom os import getenv as env_of\ndef ctx():\n    if env_of('SKIP_TLS_VERIFY') == 'yes':\n        return ssl._create_unverified_context()\n", "MLW208", "SKIP_TLS_VERIFY"),
        ("import ssl, os as _os\ndef ctx():\n    if _os.environ.get('INSECURE_SSL'):\n        return ssl._create_unverified_context()\n", "MLW208", "INSECURE_SSL"),
    ],
)
def test_an_environment_opt_in_lowers_and_names_the_variable(code, rule, variable):
    found = findings(code, rule)
    assert [f.severity for f in found] == [Severity.LOW], [f.message for f in found]
    assert f"environment variable `{variable}` is set to opt in" in found[0].message


@pytest.mark.parametrize(
    "code",
    [
        # a default that opts in
        TLS + "        if os.getenv(KEY, 'true') == 'true':\n            self.ctx.verify_mode = ssl.CERT_NONE\n",
        TLS + "        if os.getenv('TFHUB_INSECURE', '1'):\n            self.ctx.verify_mode = ssl.CERT_NONE\n",
        # a variable not about the risk
        TLS + "        if os.getenv('DEBUG'):\n            self.ctx.verify_mode = ssl.CERT_NONE\n",
        # compared with an 'unset' word: the unset case runs it
        TLS + "        if os.getenv('SSL_VERIFY') == 'false':\n            self.ctx.verify_mode = ssl.CERT_NONE\n",
        # the branch that runs when the variable is NOT set
        TLS + "        if os.getenv(KEY):\n            pass\n        else:\n            self.ctx.verify_mode = ssl.CERT_NONE\n",
        # not the environment: some other mapping's get
        TLS + "        if settings.get(KEY):\n            self.ctx.verify_mode = ssl.CERT_NONE\n",
        # a project function that happens to be called getenv
        TLS.replace("import os, ssl", "import ssl\ndef getenv(k):\n    return k") + "        if getenv(KEY):\n            self.ctx.verify_mode = ssl.CERT_NONE\n",
        # module level: no function, no opt-in analysis
        "import os, ssl\nctx = ssl.create_default_context()\nif os.getenv('TFHUB_DISABLE_CERT_VALIDATION'):\n    ctx.verify_mode = ssl.CERT_NONE\n",
    ],
)
def test_anything_short_of_an_opt_in_stays_high(code):
    found = findings(code, "MLW208")
    assert [f.severity for f in found] == [Severity.HIGH], [f.message for f in found]
    assert "opt in" not in found[0].message


def test_an_environment_opt_in_in_a_notebook_cell():
    cells = [
        {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [], "source": "import os, pickle\n"},
        {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
         "source": "def load(p):\n    if os.environ.get('ALLOW_UNSAFE_PICKLE') == 'on':\n        return pickle.load(open(p, 'rb'))\n"},
    ]
    text = json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5})
    found = findings(text, "MLW101", "explore.ipynb", kind="notebook")
    assert [(f.severity, f.cell) for f in found] == [(Severity.LOW, 2)]
