"""Session 18 (noise, development set fresh36; the brief's repeats).

1. A repeat at one call (fresh36, FlagEmbedding's evaluation loaders:
   ``datasets.load_dataset("org/data", trust_remote_code=True)`` with no
   revision; the benchmark's litgpt and FastChat loads): MLW201 reports the
   remote code and already says "pin ``revision=``"; MLW202 reported the same
   unpinned revision at the same call with the same advice. MLW202 is low
   there, with a reason naming MLW201 (``core/context.py``,
   ``lower_repeats``). Kept: MLW202 alone (MLW201 not selected, switched off
   for the file, or lower: the caller's opt-in), MLW201 asking for
   ``code_revision=`` while MLW202 asks for ``revision=``, a pinned load,
   MLW202 at another call.

2. ``with tempfile.NamedTemporaryFile() as tmp:`` blocks one after another
   (fresh36, e3nn's ``test_save``): the round trip of the block around the
   load was broken by what an *earlier* block did with its own ``tmp.name``
   (``torch.jit.load(tmp.name)``). Only the block around the load counts now
   (``rules/_roundtrip.py``, ``with_region``/``rebound_region``). Kept: a copy
   into the file inside that block, the name rebound inside that block (a
   hole BASE had: the rebinding was skipped as "the binding itself"), a block
   that loads without writing.

3. A conda environment file named for tests, docs or development
   (``environment-dev.yml``), or whose own ``name:`` says so (``name: test``;
   fresh35's pysr): ``test``/``docs``/``dev`` context like a requirements file
   named so (``core/context.py``, ``environment_purpose``). Kept: a
   development environment that installs the project, names that say
   nothing (``myproject``, ``latest``, ``devices``, ``environment-gpu.yml``).

4. MLW111 (fresh33's skl2onnx test): ``so.register_custom_ops_library(
   self.path)`` where the file sets ``path`` only in the class's
   ``setUpClass`` to ``get_library_path()`` imported from the installed
   package: low like the finder's call written in place. Kept: any other
   binding of the attribute name in the file, a class-body value, a
   ``setattr``, a finder name the file also defines, a path from the
   environment.

On BASE (main 8eb54eb) every "low"/"none" case below was high or medium.
Every case goes through ``fast_full_findings``: fast path == equivalence mode.
"""

from __future__ import annotations

import textwrap

import pytest

from mlwarden.core.config import Config
from mlwarden.core.engine import check_source
from mlwarden.core.finding import Severity
from round_helpers import fast_full_findings

HIGH, MEDIUM, LOW = Severity.HIGH, Severity.MEDIUM, Severity.LOW
SHA = "0123456789abcdef0123456789abcdef01234567"

# -- 1. MLW202 repeating MLW201 -------------------------------------------------

_REPEATS = [
    # (name, code, MLW201 severity, MLW202 severity)
    ("literal model", 'from transformers import AutoModel as M\nm = M.from_pretrained("org/m", trust_remote_code=True)\n', HIGH, LOW),
    ("dataset script", 'import datasets\nds = datasets.load_dataset(\n    "org/d", "corpus",\n    trust_remote_code=True,\n)\n', HIGH, LOW),
    ("constant id", 'from transformers import AutoModelForCausalLM\nREPO = "org/m"\nm = AutoModelForCausalLM.from_pretrained(REPO, trust_remote_code=True)\n', HIGH, LOW),
    ("branch revision", 'from transformers import AutoModel\nm = AutoModel.from_pretrained("org/m", revision="main", trust_remote_code=True)\n', HIGH, LOW),
    (
        "run-time path, revision default",
        'from transformers import AutoTokenizer\n\ndef load(path, revision="main"):\n    return AutoTokenizer.from_pretrained(path, revision=revision, trust_remote_code=True)\n',
        MEDIUM,
        LOW,
    ),
    # kept: MLW201 names code_revision, MLW202 the revision
    (
        "code_revision only",
        'from transformers import AutoModel\nm = AutoModel.from_pretrained("org/m", trust_remote_code=True, code_revision="main")\n',
        HIGH,
        HIGH,
    ),
    # kept: the caller opted in, so MLW201 is low: MLW202 keeps its rank
    (
        "opt-in lowers MLW201",
        'from transformers import AutoModel\n\ndef load(trust_remote_code=False):\n    if trust_remote_code:\n        return AutoModel.from_pretrained("org/m", trust_remote_code=True)\n',
        LOW,
        HIGH,
    ),
    # kept: pinned, MLW202 says nothing; MLW201 asks for a review
    ("pinned", f'from transformers import AutoModel\nm = AutoModel.from_pretrained("org/m", revision="{SHA}", trust_remote_code=True)\n', MEDIUM, None),
]


@pytest.mark.parametrize("name, code, remote, revision", _REPEATS, ids=[c[0] for c in _REPEATS])
def test_mlw202_repeat_of_mlw201(name, code, remote, revision):
    found = fast_full_findings(code, ["MLW201", "MLW202"])
    assert [s for r, _, s in found if r == "MLW201"] == [remote]
    assert [s for r, _, s in found if r == "MLW202"] == ([revision] if revision is not None else [])


def _findings(code, **config):
    return check_source(textwrap.dedent(code), "job.py", config=Config(severity=LOW, **config)).findings


def test_repeat_reason_names_mlw201_and_only_other_call_kept():
    code = 'from transformers import AutoModel\nm = AutoModel.from_pretrained("org/m", trust_remote_code=True)\nn = AutoModel.from_pretrained("org/n")\n'
    found = _findings(code, select=["MLW201", "MLW202"])
    by_line = {(f.rule_id, f.line): f for f in found}
    assert by_line[("MLW202", 2)].severity is LOW
    assert "repeats the MLW201 finding at this call" in by_line[("MLW202", 2)].message
    assert by_line[("MLW202", 3)].severity is not LOW  # another call: not a repeat
    assert "repeats" not in by_line[("MLW202", 3)].message


@pytest.mark.parametrize(
    "config",
    [{"select": ["MLW202"]}, {"select": ["MLW201", "MLW202"], "per_file_ignores": {"job.py": ["MLW201"]}}],
    ids=["MLW201 not selected", "MLW201 ignored for the file"],
)
def test_repeat_needs_mlw201_shown(config):
    code = 'from transformers import AutoModel\nm = AutoModel.from_pretrained("org/m", trust_remote_code=True)\n'
    found = [f for f in _findings(code, **config) if f.rule_id == "MLW202"]
    assert [f.severity for f in found] == [HIGH]


def test_repeat_in_a_test_keeps_mlw201_visible():
    code = 'from transformers import AutoModel\n\ndef test_load():\n    AutoModel.from_pretrained("org/m", trust_remote_code=True)\n'
    found = fast_full_findings(code, ["MLW201", "MLW202"], filename="tests/test_load.py")
    assert found == [("MLW201", 4, MEDIUM), ("MLW202", 4, LOW)]


# -- 2. NamedTemporaryFile blocks one after another ------------------------------

_BLOCKS = """
import shutil
import tempfile
import torch

def test_save(make, tp, src, other):
    with tempfile.NamedTemporaryFile(suffix=".pth") as tmp:
        torch.save(tp.state_dict(), tmp.name)
        make().load_state_dict(torch.load(tmp.name, weights_only=False))
    with tempfile.NamedTemporaryFile(suffix=".pth") as tmp:
        jit = torch.jit.script(tp)
        jit.save(tmp.name)
        again = torch.jit.load(tmp.name)
    with tempfile.NamedTemporaryFile(suffix=".pth") as tmp:
        torch.save(tp.state_dict(), tmp.name)
        make().load_state_dict(torch.load(tmp.name, weights_only=False))  # LINE A
"""

_BLOCK_CASES = [
    ("after a block that handed its name to a reader", "", None),
    ("a copy into the file inside the block", "        shutil.copy(src, tmp.name)\n", HIGH),
    ("the name rebound inside the block", "        tmp = other\n", HIGH),
]


@pytest.mark.parametrize("name, insert, expected", _BLOCK_CASES, ids=[c[0] for c in _BLOCK_CASES])
def test_named_temporary_file_blocks(name, insert, expected):
    code = _BLOCKS.replace("        make().load_state_dict(torch.load(tmp.name, weights_only=False))  # LINE A\n", insert + "        make().load_state_dict(torch.load(tmp.name, weights_only=False))  # LINE A\n")
    line = textwrap.dedent(code).splitlines().index("        make().load_state_dict(torch.load(tmp.name, weights_only=False))  # LINE A") + 1
    found = [s for r, ln, s in fast_full_findings(code, ["MLW102"]) if ln == line]
    assert found == ([expected] if expected is not None else [])


def test_named_temporary_file_block_that_only_loads():
    code = """
    import tempfile
    import torch

    def test_load(x):
        with tempfile.NamedTemporaryFile() as tmp:
            torch.save(x, tmp.name)
        with tempfile.NamedTemporaryFile() as tmp:
            return torch.load(tmp.name, weights_only=False)
    """
    assert fast_full_findings(code, ["MLW102"]) == [("MLW102", 9, HIGH)]


def test_named_temporary_file_single_block_unchanged():
    code = """
    import tempfile
    import torch

    def test_load(x, src):
        with tempfile.NamedTemporaryFile() as tmp:
            torch.save(x, tmp.name)
            a = torch.load(tmp.name, weights_only=False)
        with tempfile.NamedTemporaryFile() as tmp:
            tmp = src
            return torch.load(tmp.name, weights_only=False)
    """
    assert fast_full_findings(code, ["MLW102"]) == [("MLW102", 11, HIGH)]


# -- 3. conda environment files named for tests, docs or development -------------

_ENV_CASES = [
    # (file name, `name:` field, extra dependency line, expected MLW301 severity)
    ("environment.yml", "test", "", LOW),
    ("environment.yml", "mypkg-tests", "", LOW),
    ("environment.yml", "docs", "", LOW),
    ("environment-dev.yml", "mypkg", "", LOW),
    ("environment_test.yaml", "x", "", LOW),
    ("environment.yml", "mypkg-dev", "", LOW),
    # kept: a dev environment that installs the project itself
    ("environment.yml", "mypkg-dev", "  - pip:\n    - -e .\n", MEDIUM),
    ("environment-dev.yml", "x", "  - mypkg\n", MEDIUM),
    # kept: names that say nothing (a word must stand alone)
    ("environment.yml", "mypkg", "", MEDIUM),
    ("environment.yml", "latest", "", MEDIUM),
    ("environment.yml", "devices", "", MEDIUM),
    ("environment-gpu.yml", "mypkg", "", MEDIUM),
]


@pytest.mark.parametrize("filename, env_name, extra, expected", _ENV_CASES, ids=[f"{c[0]}:{c[1]}:{bool(c[2])}" for c in _ENV_CASES])
def test_conda_environment_purpose(tmp_path, filename, env_name, extra, expected):
    from round_helpers import check_paths

    (tmp_path / "setup.py").write_text('from setuptools import setup\nsetup(name="mypkg")\n')
    env = tmp_path / filename
    env.write_text(f"name: {env_name}\nchannels:\n  - conda-forge\ndependencies:\n  - numpy>=1.20\n{extra}")
    config = Config(select=["MLW301"], severity=LOW, root=tmp_path)
    results, _ = check_paths([str(env)], config)
    numpy = [f for r in results for f in r.findings if "numpy" in f.message]
    assert [f.severity for f in numpy] == [expected]
    if expected is LOW and "dev" in (filename + env_name):
        assert "development conda environment" in numpy[0].message


def test_repeat_not_lowered_without_context():
    code = 'from transformers import AutoModel\nm = AutoModel.from_pretrained("org/m", trust_remote_code=True)\n'
    found = [f for f in _findings(code, select=["MLW201", "MLW202"], context=False) if f.rule_id == "MLW202"]
    assert [f.severity for f in found] == [HIGH]


# -- 4. MLW111: a class attribute set only to an installed package's library finder ----

_FINDER_CLASS = """
import unittest
from onnxruntime import SessionOptions


class TestOps(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        try:
            from ortext import get_library_path
        except ImportError:
            return
        cls.path = get_library_path()

    def test_custom(self):
        so = SessionOptions()
        so.register_custom_ops_library(self.path)
"""

_FINDER_CASES = [
    ("set in setUpClass from the package's finder", "", LOW),
    ("also set from a parameter", "\n    def use(self, p):\n        self.path = p\n", MEDIUM),
    ("another class sets the same attribute", "\n\nclass Other:\n    def __init__(self, p):\n        self.path = p\n", MEDIUM),
    ("a class-body value", "\n    path = '/tmp/x.so'\n", MEDIUM),
    ("setattr anywhere", "\n\ndef poke(o, v):\n    setattr(o, 'path', v)\n", MEDIUM),
    ("finder name bound twice", "\n\ndef get_library_path():\n    return '/tmp/x.so'\n", MEDIUM),
]


@pytest.mark.parametrize("name, extra, expected", _FINDER_CASES, ids=[c[0] for c in _FINDER_CASES])
def test_mlw111_class_attribute_from_installed_finder(name, extra, expected):
    found = fast_full_findings(_FINDER_CLASS + extra, ["MLW111"], filename="tests/test_ops.py")
    line = _FINDER_CLASS.splitlines().index("        so.register_custom_ops_library(self.path)") + 1
    assert [s for r, ln, s in found if ln == line] == [expected]


def test_mlw111_attribute_from_a_local_path_kept():
    code = _FINDER_CLASS.replace("cls.path = get_library_path()", "cls.path = os.environ['OPS_LIB']").replace("import unittest", "import os\nimport unittest")
    found = fast_full_findings(code, ["MLW111"], filename="tests/test_ops.py")
    assert [s for r, ln, s in found if r == "MLW111"] == [MEDIUM]
