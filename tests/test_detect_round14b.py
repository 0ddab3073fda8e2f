"""Round s14b (issue 16): ``weights_only=self.attr`` kept in ``__init__``
from a parameter that defaults to True (the parameter-default ladder), and
torch / pickle re-exported by a project module imported absolutely."""

import json
import textwrap

import pytest

from mlwarden.core.config import Config
from mlwarden.core.engine import check_source
from mlwarden.core.finding import Severity

from tests.test_detect_valueflow import fast_equals_full, found as found_in_project


def _mlw102(code, filename="persist.py"):
    config = Config(select=["MLW102"], severity=Severity.LOW)
    source = textwrap.dedent(code)
    fast = check_source(source, filename, config=config).findings
    full = check_source(source, filename, config=config, full=True).findings
    assert [(f.line, f.severity, f.message) for f in fast] == [(f.line, f.severity, f.message) for f in full]
    return [(f.line, f.severity) for f in fast]


KEPT = '''
import torch as th

class Restorer(object):
    """Reads checkpoints written by the trainer."""

    def __init__(self, directory, *, strict_unpickle: bool = True, device="cpu"):
        self.directory = directory
        self.strict_unpickle = strict_unpickle
        self.device = device

    def restore(self, name):
        path = f"{self.directory}/{name}"
        return th.load(path, map_location=self.device,
                       weights_only=self.strict_unpickle)
'''


def test_attribute_kept_from_a_true_default_is_low():
    assert _mlw102(KEPT) == [(14, Severity.LOW)]


@pytest.mark.parametrize(
    "tail",
    [
        "\nr = Restorer('ckpt', strict_unpickle=False)\n",  # a construction in the file opts out
        "\nclass Legacy(Restorer):\n    def __init__(self, d):\n        super().__init__(d, strict_unpickle=LEGACY)\n",  # a subclass passes a non-literal
        "\ndef loosen(r):\n    r.strict_unpickle = False\n",  # anything in the file assigns the attribute
        "\ndef loosen(r, v):\n    setattr(r, 'strict_unpickle', v)\n",
    ],
)
def test_attribute_that_the_file_can_change_stays_high(tail):
    assert _mlw102(KEPT + tail) == [(14, Severity.HIGH)]


@pytest.mark.parametrize(
    "code",
    [
        # the default is False
        KEPT.replace("strict_unpickle: bool = True", "strict_unpickle: bool = False"),
        # __init__ rebinds the parameter before keeping it
        KEPT.replace("        self.strict_unpickle = strict_unpickle\n", "        strict_unpickle = strict_unpickle and ok()\n        self.strict_unpickle = strict_unpickle\n"),
        # kept only in a branch
        KEPT.replace("        self.strict_unpickle = strict_unpickle\n", "        if directory:\n            self.strict_unpickle = strict_unpickle\n"),
        # kept from something that is not a parameter
        KEPT.replace("self.strict_unpickle = strict_unpickle", "self.strict_unpickle = read_flag()"),
    ],
)
def test_attribute_not_provably_true_stays_high(code):
    assert [severity for _line, severity in _mlw102(code)] == [Severity.HIGH]


def test_a_construction_passing_true_keeps_it_low():
    assert _mlw102(KEPT + "\nr = Restorer('ckpt', strict_unpickle=True)\n") == [(14, Severity.LOW)]


def test_attribute_in_a_notebook_cell():
    cells = [textwrap.dedent(KEPT), "r = Restorer('ckpt')\nr.restore('last.pt')\n"]
    nb = {
        "cells": [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None, "source": c} for c in cells],
        "metadata": {}, "nbformat": 4, "nbformat_minor": 5,
    }
    config = Config(select=["MLW102"], severity=Severity.LOW)
    result = check_source(json.dumps(nb), "restore.ipynb", config=config)
    assert [f.severity for f in result.findings] == [Severity.LOW]
    opted_out = dict(nb, cells=nb["cells"] + [dict(nb["cells"][1], source="Restorer('x', strict_unpickle=False)\n")])
    result = check_source(json.dumps(opted_out), "restore.ipynb", config=config)
    assert [f.severity for f in result.findings] == [Severity.HIGH]


# -- libraries handed on by a project's compatibility module, imported absolutely -----------

def _rules(code, rules, filename="job.py"):
    config = Config(select=rules, severity=Severity.LOW)
    source = textwrap.dedent(code)
    fast = check_source(source, filename, config=config).findings
    full = check_source(source, filename, config=config, full=True).findings
    assert [(f.rule_id, f.line, f.message) for f in fast] == [(f.rule_id, f.line, f.message) for f in full]
    return sorted((f.rule_id, f.line) for f in fast)


COMPAT = '''
import io
from acme.runtime.torch_utils import torch
from acme.vendor.dill_compat import dill as serializer
from acme.np_compat import np


def warm_start(blob, path):
    weights = torch.load(path)
    stateful = serializer.loads(blob)
    table = np.load(io.BytesIO(blob), allow_pickle=True)
    return weights, stateful, table
'''


def test_libraries_from_a_compat_module_of_the_project():
    assert _rules(COMPAT, ["MLW101", "MLW102", "MLW105"]) == [("MLW101", 10), ("MLW102", 9), ("MLW105", 11)]


@pytest.mark.parametrize(
    "imports",
    [
        "from jax import numpy as np\nfrom keras.src.backend import torch\nfrom acme.io import dill as serializer\n",  # submodules, not compat modules
        "from acme.runtime.torch_utils import load_model as torch\nfrom acme.dill_compat import Dill as serializer\nfrom acme.np_compat import numpy_like as np\n",
    ],
)
def test_other_imports_of_those_names_are_not_the_library(imports):
    code = COMPAT.replace(
        "from acme.runtime.torch_utils import torch\nfrom acme.vendor.dill_compat import dill as serializer\nfrom acme.np_compat import np\n",
        imports,
    )
    assert _rules(code, ["MLW101", "MLW102", "MLW105"]) == []


def test_compat_module_in_a_notebook():
    cells = ["from acme.runtime.torch_utils import torch\n", "sd = torch.load('last.pt')\n"]
    nb = {
        "cells": [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None, "source": c} for c in cells],
        "metadata": {}, "nbformat": 4, "nbformat_minor": 5,
    }
    result = check_source(json.dumps(nb), "warm.ipynb", config=Config(select=["MLW102"], severity=Severity.LOW))
    assert [f.rule_id for f in result.findings] == ["MLW102"]


# -- a lazy-import helper of the file --------------------------------------------------------

LAZY = '''
import io


def _array_backend():
    try:
        import numpy as backend
    except ImportError as exc:
        raise SystemExit("pip install numpy") from exc
    return backend


def read_table(blob):
    xp = _array_backend()
    return xp.load(io.BytesIO(blob), allow_pickle=True)
'''


def test_a_lazy_import_helper_binds_the_module():
    assert _rules(LAZY, ["MLW105"], "table.py") == [("MLW105", 15)]


def test_a_lazy_import_helper_defined_below_its_caller():
    head, helper_and_rest = LAZY.split("def _array_backend", 1)
    helper, rest = helper_and_rest.split("def read_table", 1)
    code = head + "def read_table" + rest + "\n\ndef _array_backend" + helper
    line = next(n for n, text in enumerate(textwrap.dedent(code).splitlines(), 1) if "xp.load" in text)
    assert code.index("xp.load") < code.index("def _array_backend") and _rules(code, ["MLW105"], "table.py") == [("MLW105", line)]


@pytest.mark.parametrize(
    "change",
    [
        ("    return backend\n", "    return backend if ok() else None\n"),  # not a plain name
        ("    return backend\n", "    backend = wrap(backend)\n    return backend\n"),  # rebound
        ("def _array_backend():\n", "def _array_backend(backend=None):\n"),  # a parameter of that name
        ("    return backend\n", "    yield backend\n"),  # a generator
        ("    xp = _array_backend()\n", "    _array_backend = make_backend\n    xp = _array_backend()\n"),  # the caller rebinds the helper's name
    ],
)
def test_helpers_that_may_return_something_else_do_not(change):
    assert _rules(LAZY.replace(*change), ["MLW105"], "table.py") == []


# -- pip wrappers whose parameter is one word of the command ---------------------------------

from tests.test_detect_valueflow import write_package  # noqa: E402

ONE_WORD_INSTALLER = '''
import subprocess
import sys


def install_extra(requirement):
    """Installs a missing optional dependency."""
    try:
        subprocess.check_call([sys.executable, "-m", "pip", "install", "--quiet", requirement])
    except subprocess.CalledProcessError:
        print("could not install", requirement)


def describe(requirement):
    return ["pip", "show", requirement]
'''


@pytest.mark.parametrize(
    "caller, expected",
    [
        # another module's wrapper, imported inside nested try blocks
        ("try:\n    import lxml\nexcept ImportError:\n    try:\n        from app.deps import install_extra\n        install_extra('lxml')\n    except Exception:\n        raise\n", [("MLW301", 6)]),
        ("from .deps import install_extra as need\nneed(requirement='faiss-cpu')\n", [("MLW301", 2)]),
        # quiet: pinned, a variable, a list where one word is expected
        ("from .deps import install_extra\ninstall_extra('faiss-cpu==1.8.0')\n", []),
        ("from .deps import install_extra\ndef f(name):\n    install_extra(name)\n", []),
        ("from .deps import install_extra\ninstall_extra(['a', 'b'])\n", []),
    ],
)
def test_one_word_pip_wrappers_of_another_module(tmp_path, caller, expected):
    pkg = write_package(tmp_path, {"deps.py": ONE_WORD_INSTALLER, "loader.py": caller})
    assert found_in_project(tmp_path, pkg / "loader.py", ["MLW301", "MLW302"]) == expected
    assert fast_equals_full(tmp_path, pkg / "loader.py", ["MLW301", "MLW302"]) == expected


def test_one_word_pip_wrapper_in_the_same_file_and_a_notebook():
    code = ONE_WORD_INSTALLER + "\ninstall_extra('sentencepiece')\ndescribe('sentencepiece')\n"
    assert _rules(code, ["MLW301", "MLW302"], "setup_env.py") == [("MLW301", code.count("\n") - 1)]
    nb = {
        "cells": [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None, "source": c}
                  for c in (ONE_WORD_INSTALLER, "install_extra('sentencepiece')\n")],
        "metadata": {}, "nbformat": 4, "nbformat_minor": 5,
    }
    result = check_source(json.dumps(nb), "setup.ipynb", config=Config(select=["MLW301"], severity=Severity.LOW))
    assert [f.rule_id for f in result.findings] == ["MLW301"]


# -- tornado: address None is every interface -------------------------------------------------

TORNADO = '''
import tornado.httpserver
import tornado.netutil
import tornado.web
from tornado.netutil import bind_sockets as sockets_for


def build(handlers):
    application = tornado.web.Application(handlers, debug=False)
    return application


def start_api(handlers, port=8082, address=None):
    server = tornado.httpserver.HTTPServer(build(handlers))
    server.add_sockets(tornado.netutil.bind_sockets(port, address=address))


def start_ui(handlers, port, host=None):
    ui = build(handlers)
    ui.listen(port, address=host if host != "localhost" else None)


def start_metrics(port):
    server = tornado.httpserver.HTTPServer(build([]))
    server.add_sockets(sockets_for(port, None))
'''


def test_tornado_binds_with_no_address():
    lines = {n for n, text in enumerate(TORNADO.splitlines(), 1) if "bind_sockets(" in text or "sockets_for(" in text or ".listen(" in text}
    assert _rules(TORNADO, ["MLW707"], "api.py") == sorted(("MLW707", n) for n in lines)


@pytest.mark.parametrize(
    "change",
    [
        ("address=None):", 'address="127.0.0.1"):'),
        ("host=None):", 'host="127.0.0.1"):'),
        ("sockets_for(port, None)", 'sockets_for(port, "127.0.0.1")'),
    ],
)
def test_tornado_binds_with_a_local_address(change):
    before = _rules(TORNADO, ["MLW707"], "api.py")
    after = _rules(TORNADO.replace(*change), ["MLW707"], "api.py")
    assert len(after) == len(before) - 1


def test_none_is_not_every_interface_for_other_servers():
    code = "import uvicorn\ndef serve(app, host=None):\n    uvicorn.run(app, host=host)\n"
    assert _rules(code, ["MLW707"], "serve.py") == []


def test_tornado_bind_sockets_in_a_notebook():
    cells = ["import tornado.netutil\n", "socks = tornado.netutil.bind_sockets(8888)\n"]
    nb = {
        "cells": [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None, "source": c} for c in cells],
        "metadata": {}, "nbformat": 4, "nbformat_minor": 5,
    }
    result = check_source(json.dumps(nb), "serve.ipynb", config=Config(select=["MLW707"], severity=Severity.LOW))
    assert [f.rule_id for f in result.findings] == ["MLW707"]
