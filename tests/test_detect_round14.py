"""Round s14 (issue 16): pip commands built with ``.format`` / ``%`` /
``" ".join`` and pip's internal ``create_command`` API, ``--no-index
--find-links <local dir>`` as a local install, and a project module that
wraps or re-exports pickle (read from its body, not its name)."""

import textwrap
from pathlib import Path

import pytest

from mlwarden.core.config import Config
from mlwarden.core.engine import check_source
from mlwarden.core.finding import Severity

from tests.test_detect_valueflow import fast_equals_full, found as found_in_project

DEP_RULES = ["MLW301", "MLW302", "MLW303", "MLW304", "MLW305", "MLW306"]


def _findings(code, full=False):
    result = check_source(textwrap.dedent(code), "installer.py", config=Config(select=DEP_RULES), full=full)
    assert not result.errors, result.errors
    return sorted((f.line, f.col, f.rule_id) for f in result.findings)


def _at(code, line, marker, rule="MLW301"):
    """(line, 1-based column of ``marker`` on that line of the test's own code, rule)."""
    text = textwrap.dedent(code).splitlines()[line - 1]
    return (line, text.index(marker) + 1, rule)


# -- pip commands built from templates -------------------------------------------------------

#: name -> (code, [(line, marker where the finding sits, rule)]): a word of a string built
#: from a template is placed at the template's start
BUILT = {
    "format-positional": (
        'import os, sys\nos.system("{} -m pip install {}".format(sys.executable, "flask"))\n',
        [(2, '"{}', "MLW301")],
    ),
    "format-join-of-a-list-literal": (
        'import os\nos.system("pip install {}".format(" ".join(["requests", "boto3==1.34.0"])))\n',
        [(2, '"pip', "MLW301")],
    ),
    "format-keyword-extra-index": (
        'import subprocess\nsubprocess.run("pip install --extra-index-url {url} torch=={v}".format(url="https://x.example/simple", v=V), shell=True)\n',
        [(2, '"pip', "MLW302")],
    ),
    "percent-single": (
        'import os\nos.system("pip install %s" % "numpy")\n',
        [(2, '"pip', "MLW301")],
    ),
    "percent-tuple": (
        'import os, sys\nos.system("%s -m pip install -U %s" % (sys.executable, "setuptools"))\n',
        [(2, '"%s', "MLW301")],
    ),
    "fstring-join-of-a-list-variable": (
        "import subprocess\ndef serve_deps():\n    deps = ['gunicorn[gevent]']\n    cmd = f\"pip install {' '.join(deps)}\"\n    subprocess.run(cmd, shell=True)\n",
        [(4, 'f"pip', "MLW301")],
    ),
    "format-of-a-base-command-name": (
        "import os, sys\ndef bootstrap(kind):\n    base = '{} -m pip install -q'.format(sys.executable)\n    os.system('{} {}'.format(base, ' '.join([kind, 'requests'])))\n",
        [(4, "'{} {}'", "MLW301")],
    ),
}

#: only variable packages, pinned versions, or quoting that hides the name: nothing to judge
BUILT_QUIET = [
    'import os\ndef f(pkg):\n    os.system("pip install {}".format(pkg))\n',
    'import os\ndef f(pkg, v):\n    os.system("pip install {}=={}".format(pkg, v))\n',
    'import os\nos.system("pip install %s" % "numpy==1.26.4")\n',
    'import os\ndef f(pkgs):\n    os.system("pip install {}".format(" ".join(pkgs)))\n',
    'import os\ndef f(pkg):\n    os.system("pip install \'{}\'".format(pkg))\n',
    'import os\nos.system("pip install {0[name]}".format({"name": "x"}))\n',
    'print("run: pip install {}".format("flask"))\n',
]


@pytest.mark.parametrize("name", sorted(BUILT))
def test_commands_built_from_templates(name):
    code, where = BUILT[name]
    expected = sorted(_at(code, line, marker, rule) for line, marker, rule in where)
    assert _findings(code) == expected
    assert _findings(code, full=True) == expected


@pytest.mark.parametrize("code", BUILT_QUIET)
def test_commands_built_from_templates_quiet(code):
    assert _findings(code) == []
    assert _findings(code, full=True) == []


def test_pip_create_command_entry_point():
    code = (
        "from pip._internal.commands import create_command\n"
        "def install(args):\n"
        "    create_command('install').main(['--extra-index-url', 'https://download.pytorch.org/whl/cpu', 'torch==2.4.0'])\n"
        "    create_command('install').main(['einops'])\n"
        "    create_command('install').main(args)\n"
        "    create_command('uninstall').main(['einops'])\n"
    )
    expected = sorted([_at(code, 3, "'--extra-index-url'", "MLW302"), _at(code, 4, "'einops'")])
    assert _findings(code) == expected
    assert _findings(code, full=True) == expected


def test_create_command_of_another_module_is_not_pip():
    code = "from mytool.commands import create_command\ncreate_command('install').main(['einops'])\n"
    assert _findings(code) == []


@pytest.mark.parametrize(
    "code",
    [
        "import os, subprocess, sys\ndef stubs(tmp):\n    dist = os.path.join(tmp, 'dist')\n"
        "    subprocess.check_call([sys.executable, '-m', 'pip', 'install', '--no-index', '--find-links', dist, 'metaflow-stubs'])\n",
        "import os\nos.system('pip install --no-index -f ./wheels mypkg')\n",
        "import os\nos.system('pip install --no-index --find-links=file:///opt/wheels mypkg')\n",
    ],
)
def test_no_index_with_local_find_links_is_a_local_install(code):
    assert _findings(code) == []


@pytest.mark.parametrize(
    "code, line, marker",
    [
        ("import os\nos.system('pip install --no-index --find-links https://wheels.example/ mypkg')\n", 2, "'pip"),
        ("import os\nos.system('pip install --find-links ./wheels mypkg')\n", 2, "'pip"),
    ],
)
def test_remote_find_links_or_an_index_still_counts(code, line, marker):
    assert _findings(code) == [(line, textwrap.dedent(code).splitlines()[line - 1].index("mypkg") + 1, "MLW301")]


def test_no_index_in_a_notebook_pip_line(tmp_path):
    import json

    nb = tmp_path / "setup.ipynb"
    cell = {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None}
    nb.write_text(json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
        dict(cell, source="%pip install --no-index --find-links ./dist mypkg\n"),
        dict(cell, source="%pip install otherpkg\n"),
    ]}))
    from mlwarden.commands.check import check_paths

    results, _ = check_paths([str(nb)], Config(root=tmp_path, select=DEP_RULES, severity=Severity.LOW), cache=False)
    findings = [f for r in results for f in r.findings]
    assert [(f.rule_id, f.cell) for f in findings] == [("MLW301", 2)]  # the second cell (1-based), not the first
    assert "otherpkg" in findings[0].message


# -- a project module that wraps pickle ---------------------------------------------------------------


WRAPPER = '''\
import logging
import pickle

import cloudpickle

logger = logging.getLogger(__name__)


def dumps(x):
    return pickle.dumps(x)


def loads(x, *, buffers=()):
    try:
        if buffers:
            return pickle.loads(x, buffers=buffers)
        return cloudpickle.loads(x)
    except Exception:
        logger.info("cannot load %r", x[:100])
        raise
'''

SAFE = '''\
import json
import pickle


def loads(x):
    return json.loads(x)


def load(stream):
    blob = stream.read()
    return json.loads(blob)


def dumps(x):
    return pickle.dumps(x)
'''

REEXPORT = "from pickle import loads\nimport dill\nload = dill.load\n"

USER = '''\
from pkg.protocol import pickle
from pkg.protocol.pickle import loads as unpickle
from pkg.protocol import safe
from .protocol import reexport
from .protocol.pickle import loads


def handle(frame, stream):
    a = pickle.loads(frame)
    b = unpickle(frame)
    c = safe.loads(frame)
    d = reexport.loads(frame)
    e = reexport.load(stream)
    f = loads(frame)
    g = safe.load(stream)
    return a, b, c, d, e, f, g
'''


def _wrapper_project(root: Path) -> Path:
    (root / "pkg" / "protocol").mkdir(parents=True)
    (root / "pkg" / "__init__.py").write_text("")
    (root / "pkg" / "protocol" / "__init__.py").write_text("")
    (root / "pkg" / "protocol" / "pickle.py").write_text(WRAPPER)
    (root / "pkg" / "protocol" / "safe.py").write_text(SAFE)
    (root / "pkg" / "protocol" / "reexport.py").write_text(REEXPORT)
    user = root / "pkg" / "worker.py"
    user.write_text(USER)
    return user


def _lines_of(code, *needles):
    lines = code.splitlines()
    return [next(i for i, text in enumerate(lines, 1) if needle in text) for needle in needles]


def test_a_project_module_that_wraps_pickle(tmp_path):
    user = _wrapper_project(tmp_path)
    expected = sorted(("MLW101", line) for line in _lines_of(USER, "a = ", "b = ", "d = ", "e = ", "f = "))
    assert found_in_project(tmp_path, user, ["MLW101"]) == expected
    assert fast_equals_full(tmp_path, user, ["MLW101"]) == expected


def test_wrapper_finding_names_the_wrapper_and_is_high(tmp_path):
    from mlwarden.commands.check import check_paths

    user = _wrapper_project(tmp_path)
    results, _ = check_paths([str(user)], Config(root=tmp_path, select=["MLW101"], severity=Severity.LOW), cache=False)
    first = min((f for r in results for f in r.findings), key=lambda f: f.line)
    assert "pkg.protocol.pickle.loads" in first.message and "cloudpickle.loads" in first.message
    assert first.severity == Severity.HIGH


def test_a_module_named_pickle_that_does_not_unpickle_is_quiet(tmp_path):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "pickle.py").write_text("import json\n\ndef loads(x):\n    return json.loads(x)\n")
    user = tmp_path / "pkg" / "use.py"
    user.write_text("from pkg import pickle\n\ndef f(x):\n    return pickle.loads(x)\n")
    assert found_in_project(tmp_path, user, ["MLW101"]) == []


def test_a_wrapper_change_invalidates_the_cached_result(tmp_path):
    user = _wrapper_project(tmp_path)
    safe = tmp_path / "pkg" / "protocol" / "safe.py"
    before = found_in_project(tmp_path, user, ["MLW101"], cache=True)
    safe.write_text(SAFE.replace("return json.loads(x)", "return pickle.loads(x)") + "\n")
    after = found_in_project(tmp_path, user, ["MLW101"], cache=True)
    assert len(after) == len(before) + 1
    assert ("MLW101", _lines_of(USER, "c = ")[0]) in after
