"""The cheap gate before reading pip wrappers of other modules
(``pip_in_code.may_call_wrapper``) lets through every file whose imports
name a wrapper (what ``_imported_wrappers`` reads), whatever the import's
layout, and reads statements in linear time."""

import ast

import pytest

from mlwarden.sources.dependencies.pip_in_code import _WRAPPER_NAME, may_call_wrapper

SOURCES = {
    "plain": "from .utils import install_packages\ninstall_packages(['x'])\n",
    "alias": "from .tools import pip_install as pi\npi('install', 'x')\n",
    "parenthesised": "from .tools import (\n    clean,\n    ensure_installed,\n)\n# install\n",
    "paren-in-comment": "from .tools import (\n    clean,  # see (docs)\n    run_pip,\n)\nrun_pip('install', 'x')\n",
    "backslash": "from .tools import clean, \\\n    PipRunner\nPipRunner().run('install')\n",
    "semicolon": "import os; from .tools import install_deps\ninstall_deps()\n",
    "indented": "def f():\n    from .tools import pip_main\n    pip_main(['install', 'x'])\n",
    "second-of-many": "from a import b\nfrom c import d\nfrom .e import (f, g,\n    h_install)\n",
    "none": "from .tools import clean\n# pip install x\n",
    "pipeline-only": "from transformers import pipeline\n# pip install transformers\n",
    "pipes": "from .x import Pipe, pipes\nprint('install')\n",
    "import-without-from": "import install_helpers\ninstall_helpers.go()\n",
}


def _names_read(source):
    """What ``_imported_wrappers`` looks at: names of ``from … import``."""
    return [a.name for n in ast.walk(ast.parse(source)) if isinstance(n, ast.ImportFrom) for a in n.names if _WRAPPER_NAME.search(a.name)]


@pytest.mark.parametrize("source", SOURCES.values(), ids=SOURCES.keys())
def test_the_gate_lets_through_every_file_with_a_wrapper_import(source):
    if _names_read(source) and "install" in source:
        assert may_call_wrapper(source)


def test_the_gate_is_not_always_open():
    assert [name for name, source in SOURCES.items() if may_call_wrapper(source)] == [
        "plain", "alias", "parenthesised", "paren-in-comment", "backslash", "semicolon", "indented", "second-of-many",
        "import-without-from",
    ]


def test_pipe_and_pipeline_are_no_wrapper_names():
    assert not _WRAPPER_NAME.search("pipeline")
    assert not _WRAPPER_NAME.search("Pipe")
    assert all(_WRAPPER_NAME.search(n) for n in ("pip_install", "run_pip", "PipRunner", "install_packages", "pip3_main"))


def test_a_long_import_block_is_read_in_one_pass():
    """The pattern this gate replaced backtracked quadratically over long
    import blocks (10 s of the transformers corpus, measured with
    benchmarks/run.py, not here): a 3,000-name block is read, and a wrapper
    name at its very end is found."""
    names = ",\n    ".join(f"name_{i}" for i in range(3000))
    source = f"from .big import (\n    {names},\n)\nprint('install')\n"
    assert not may_call_wrapper(source)
    assert may_call_wrapper(source.replace("name_2999", "pip_helper"))
