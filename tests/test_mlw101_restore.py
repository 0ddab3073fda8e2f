"""MLW101: a loader saved only to be put back after patching it is not
handed over (mergekit's `old_load = pickle.load` ... `finally: pickle.load =
old_load`, fresh31): low with the reason, never dropped; a saved loader
that is called or handed on keeps its severity."""

import pytest

from mlwarden.core.config import Config
from mlwarden.core.engine import check_source
from mlwarden.core.finding import Severity

ALL = Config(select=["MLW101"], severity=Severity.LOW)

PATCHED = '''import pickle
import torch


def lazy_load(path, unpickler):
    old_load = pickle.load
    pickle.load = unpickler.load
    try:
        return torch.load(path, pickle_module=pickle, weights_only=False)
    finally:
        pickle.load = old_load
'''

CASES = {
    "saved and restored": (PATCHED, [(6, Severity.LOW)]),
    "saved, called, restored": ("import pickle\ndef f(data):\n    saved = pickle.loads\n    pickle.loads = other\n    try:\n        return saved(data)\n    finally:\n        pickle.loads = saved\n", [(3, Severity.HIGH), (6, Severity.HIGH)]),
    "saved and handed on": ("import pickle\ndef f():\n    saved = pickle.loads\n    register(saved)\n    pickle.loads = saved\n", [(3, Severity.HIGH)]),
    "put somewhere else": ("import pickle\nimport dill\ndef f():\n    saved = pickle.loads\n    dill.loads = saved\n", [(4, Severity.HIGH)]),
}


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("full", [False, True], ids=["fast", "full"])
def test_saved_loaders(name, full):
    source, expected = CASES[name]
    result = check_source(source, "loader.py", config=ALL, full=full)
    assert [(f.line, f.severity) for f in result.findings] == expected
    for finding in result.findings:
        if finding.severity == Severity.LOW:
            assert "only saved to be put back" in finding.message
