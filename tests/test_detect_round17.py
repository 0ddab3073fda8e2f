"""Round s17 (issue 16): real-14's causes (see benchmarks/DETECT.md, "Round s17"):
a project module's pip wrapper called as ``module.install(name)`` and wrappers
that run pip's own entry point, packages held in another object's attribute,
server functions handed to a thread or process, viser's server, a helper's
caller whose host is an argparse option, a pickle-interface module chosen at run
time from a default, and ``torch.load(**self._load_args)`` with a safe default."""

import json
import textwrap

import pytest

from mlwarden.core.config import Config
from mlwarden.core.engine import check_source
from mlwarden.core.finding import Severity

from tests.test_detect_valueflow import write_package


def _run(code, rules, filename="job.py", root=None):
    """(rule, line, severity) of every finding, the fast path checked against
    the full one."""
    config = Config(select=rules, severity=Severity.LOW, **({"root": root} if root is not None else {}))
    source = textwrap.dedent(code) if not filename.endswith(".ipynb") else code
    fast = check_source(source, filename, config=config).findings
    full = check_source(source, filename, config=config, full=True).findings
    assert [(f.rule_id, f.line, f.col, f.message, f.severity) for f in fast] == [(f.rule_id, f.line, f.col, f.message, f.severity) for f in full]
    return sorted((f.rule_id, f.line, f.severity) for f in fast)


def _lines(code, rules, **kw):
    return sorted({(rule, line) for rule, line, _ in _run(code, rules, **kw)})


def _notebook(*cells):
    return json.dumps(
        {
            "nbformat": 4,
            "nbformat_minor": 5,
            "metadata": {},
            "cells": [{"cell_type": "code", "id": f"c{i}", "metadata": {}, "execution_count": None, "outputs": [], "source": c} for i, c in enumerate(cells)],
        }
    )


# -- pip in code: a project module's wrapper called as module.install(name) ---------

PIP_ENTRY_WRAPPER = '''
import pip


def install(package_name):
    if int(pip.__version__.split(".")[0]) > 9:
        from pip._internal import main
    else:
        from pip import main
    main(["install", package_name])


def pip_upgrade(name):
    pip.main(["install", "--upgrade", name])
'''

SUBPROCESS_WRAPPER = '''
import subprocess
import sys


def install_package(pkg):
    subprocess.check_call([sys.executable, "-m", "pip", "install", pkg])
'''

MODULE_CALLER = '''
from app.utils import auto_setup
import app.utils.runtime_deps as deps
from app.utils import auto_setup as setup_alias


def load_sox():
    try:
        import soxlib
    except ImportError:
        package = "soxlib"
        auto_setup.install(package)
        auto_setup.pip_upgrade("tqdm")
        deps.install_package("opencv-python")
        setup_alias.install("librosa==0.10.1")
'''


def test_module_wrappers_called_by_attribute(tmp_path):
    pkg = write_package(tmp_path, {"utils/auto_setup.py": PIP_ENTRY_WRAPPER, "utils/runtime_deps.py": SUBPROCESS_WRAPPER, "audio.py": MODULE_CALLER})
    target = pkg / "audio.py"
    # the pinned librosa==0.10.1 is no finding; the other three are unpinned
    assert _lines(target.read_text(), ["MLW301", "MLW302"], filename=str(target), root=tmp_path) == [("MLW301", 12), ("MLW301", 13), ("MLW301", 14)]


def test_pip_entry_point_wrapper_in_its_own_file():
    code = PIP_ENTRY_WRAPPER + '\n\ninstall("soundfile")\npip_upgrade("numpy==1.26.4")\n'
    assert _lines(code, ["MLW301"]) == [("MLW301", 17)]


@pytest.mark.parametrize(
    "change",
    [
        # the module's function is not a pip wrapper: it runs something else
        ('main(["install", package_name])', 'print(["install", package_name])'),
        # a main that is not pip's
        ("from pip._internal import main", "from app.cli import main"),
    ],
)
def test_functions_that_are_not_pip_entry_wrappers(tmp_path, change):
    wrapper = PIP_ENTRY_WRAPPER.replace(*change)
    if change[1].startswith("from app.cli"):
        wrapper = wrapper.replace("from pip import main", "from app.cli import main")
    pkg = write_package(tmp_path, {"utils/auto_setup.py": wrapper, "utils/runtime_deps.py": SUBPROCESS_WRAPPER, "audio.py": MODULE_CALLER})
    target = pkg / "audio.py"
    found = _lines(target.read_text(), ["MLW301"], filename=str(target), root=tmp_path)
    assert ("MLW301", 12) not in found and ("MLW301", 14) in found


def test_module_wrapper_in_a_notebook(tmp_path):
    pkg = write_package(tmp_path, {"utils/runtime_deps.py": SUBPROCESS_WRAPPER})
    nb = pkg / "explore.ipynb"  # a notebook kept in the package: its imports resolve like a module's
    text = _notebook("import app.utils.runtime_deps as deps", "deps.install_package('xformers')")
    nb.write_text(text)
    assert _lines(text, ["MLW301"], filename=str(nb), root=tmp_path) == [("MLW301", 1)]  # the second cell's first line
