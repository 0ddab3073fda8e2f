"""Mock expectations describe calls and make none (core/expectations.py).

``fake.assert_called_once_with("org/m", trust_remote_code=True)`` and
``call(path, use_safetensors=False)`` load nothing: no rule reports them.
A call written inside an expectation's arguments is evaluated, so it is
still judged, and a ``call`` that is not ``unittest.mock``'s is an ordinary
call. Each case runs in the normal mode and the equivalence mode."""

import json
import textwrap

import pytest

from mlwarden.core.config import Config
from mlwarden.core.engine import check_source
from mlwarden.core.finding import Severity


def found(code, filename="tests/test_loading.py", full=False):
    config = Config(severity=Severity.LOW)
    result = check_source(textwrap.dedent(code), filename, config=config, full=full)
    assert not result.errors, result.errors
    return sorted((f.rule_id, f.line) for f in result.findings)


def both(code, filename="tests/test_loading.py"):
    fast = found(code, filename)
    assert fast == found(code, filename, full=True)
    return fast


HEADER = (
    "from unittest import mock\nfrom unittest.mock import MagicMock, call\nimport torch\n"
    "from transformers import AutoModel\nfrom langchain_community.vectorstores import FAISS\n"
)

#: name -> (an expectation, the same arguments in a real call: a finding)
PAIRS = {
    "assert-called-once-with-remote-code": (
        "loader = MagicMock()\nloader.assert_called_once_with('acme/chat-7b', trust_remote_code=True)\n",
        "AutoModel.from_pretrained('acme/chat-7b', trust_remote_code=True)\n",
    ),
    "assert-called-with-safetensors-off": (
        "self_loader = MagicMock()\nself_loader.assert_called_with('w', use_safetensors=False)\n",
        "AutoModel.from_pretrained('w', use_safetensors=False)\n",
    ),
    "assert-any-call-dangerous-deserialization": (
        "store = MagicMock()\nstore.load_local.assert_any_call('idx', emb, allow_dangerous_deserialization=True)\n",
        "FAISS.load_local('idx', emb, allow_dangerous_deserialization=True)\n",
    ),
    "has-calls-with-call-objects": (
        "fake = MagicMock()\nfake.assert_has_calls([\n    call('a.pt', use_safetensors=False),\n"
        "    mock.call('acme/tool', trust_remote_code=True),\n])\n",
        "AutoModel.from_pretrained('a.pt', use_safetensors=False)\nAutoModel.from_pretrained('acme/tool', trust_remote_code=True)\n",
    ),
    "call-attribute": (
        "expected = call.from_pretrained('acme/x', trust_remote_code=True, revision='main')\n",
        "AutoModel.from_pretrained('acme/x', trust_remote_code=True, revision='main')\n",
    ),
    "function-handed-to-call": (
        "expected = mock.call(torch.load, weights_only=False)\n",
        "register(torch.load, weights_only=False)\n",
    ),
    "awaited": (
        "client = MagicMock()\nclient.assert_awaited_once_with('acme/m', trust_remote_code=True)\n",
        "AutoModel.from_pretrained('acme/m', trust_remote_code=True)\n",
    ),
    "pytest-mock-alias": (
        "def test_x(mocker):\n    mocker.call('acme/m', trust_remote_code=True)\n",
        "def test_x(mocker):\n    AutoModel.from_pretrained('acme/m', trust_remote_code=True)\n",
    ),
}


@pytest.mark.parametrize("mocked, real", PAIRS.values(), ids=PAIRS.keys())
def test_an_expectation_is_not_a_call(mocked, real):
    assert both(HEADER + mocked) == []
    # the same arguments in a real call are found: the silence comes from
    # the expectation, not from the arguments
    assert both(HEADER + real)


def test_a_call_written_inside_the_arguments_is_still_judged():
    code = HEADER + "import pickle\nfake = MagicMock()\nfake.assert_called_with(pickle.loads(blob), torch.load(path))\n"
    assert both(code) == [("MLW101", 8), ("MLW102", 8)]


def test_a_lambda_inside_the_arguments_is_still_judged():
    code = HEADER + "fake = MagicMock()\nfake.assert_called_with(reader=lambda p: torch.load(p))\n"
    assert both(code) == [("MLW102", 7)]


@pytest.mark.parametrize(
    "code",
    [
        # `call` of another module, or the file's own
        "import subprocess\nfrom transformers import AutoModel\nsubprocess.call(['ls'])\nAutoModel.from_pretrained('acme/m', trust_remote_code=True)\n",
        "from transformers import AutoModel\ndef call(*a, **k):\n    return AutoModel.from_pretrained(*a, **k)\ncall('acme/m', trust_remote_code=True)\n",
        "from transformers import AutoModel as call\ncall.from_pretrained('acme/m', trust_remote_code=True)\n",
    ],
    ids=["subprocess-call", "own-function-named-call", "alias-named-call"],
)
def test_a_call_that_is_not_mocks_is_judged(code):
    assert ("MLW201", code.count("\n")) in both(code, "app.py")


def test_expectations_in_a_notebook_cell(tmp_path):
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("from unittest.mock import MagicMock, call\nfrom transformers import AutoModel"),
        nbformat.v4.new_code_cell("fake = MagicMock()\nfake.assert_called_once_with('acme/m', trust_remote_code=True)"),
        nbformat.v4.new_code_cell("AutoModel.from_pretrained('acme/m', trust_remote_code=True)"),
    ]
    text = nbformat.writes(nb)
    result = check_source(text, "demo.ipynb", config=Config(severity=Severity.LOW))
    assert not result.errors
    cells = {(f.rule_id, f.cell) for f in result.findings}
    assert ("MLW201", 3) in cells
    assert not any(cell == 2 for _, cell in cells), json.dumps(sorted(cells))


def test_the_cheap_test_before_the_walk_lets_every_expectation_through():
    from mlwarden.core.expectations import may_hold

    for mocked, _real in PAIRS.values():
        assert may_hold(HEADER + mocked)
    assert may_hold("mock.call (x)") and may_hold("fake.assert_any_call(x)")
    # words that merely contain `call` do not pay for the walk
    assert not may_hold("def __call__(self, cb=callback):\n    return callable(cb)\n")
