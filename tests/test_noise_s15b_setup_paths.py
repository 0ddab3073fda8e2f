"""Session 15b, MLW301: a ``setup.py`` that builds the path of a requirements
file from names it writes itself (an f-string, ``%``, ``.format``, ``+`` or a
path join over a literal loop list, a module constant, or the literal
arguments its own ``def`` is called with) reads that file as the library's
install requirements: low, saying so. A path built from a name the code does
not write (``sys.argv``, the environment, a value read from a file), a loop
list that does not hold the file's name, a folder other than the file's, or a
``setup.py`` without ``install_requires`` keeps medium, and so does
``pin-policy = "application"``.

On BASE (s15-lead 22dd0a0) every case of ``BUILT`` was medium.
"""

from __future__ import annotations

import pytest

from round_helpers import requirements_findings
from mlwarden.core.finding import Severity

BUILT = {
    "fstring-loop-pathlib": (
        "import typing as tp\nfrom pathlib import Path\nfrom setuptools import setup\n"
        "reqs: tp.Dict[str, tp.List[str]] = {}\n"
        "for group in ['test', 'install', 'docs']:\n"
        "    reqs[group] = Path(f'requirements/{group}.txt').read_text().splitlines()\n"
        "setup(name='lib', install_requires=reqs['install'], extras_require={'test': reqs['test']})\n"
    ),
    "percent-over-a-module-constant": (
        "import os\nfrom setuptools import setup\nGROUPS = ('install', 'gpu')\nreqs = {}\n"
        "for g in GROUPS:\n"
        "    with open(os.path.join(os.path.dirname(__file__), 'requirements', '%s.txt' % g)) as fh:\n"
        "        reqs[g] = fh.read().split()\n"
        "setup(install_requires=reqs['install'])\n"
    ),
    "format-in-a-comprehension": (
        "from setuptools import setup\n"
        "extras = {k: open('requirements/{}.txt'.format(k)).read().split() for k in {'install', 'viz'}}\n"
        "setup(install_requires=extras.pop('install'), extras_require=extras)\n"
    ),
    "helper-called-with-literals": (
        "import os\nfrom setuptools import setup\nHERE = os.path.abspath(os.path.dirname(__file__))\n\n"
        "def read_reqs(kind, folder='requirements'):\n"
        "    path = os.path.join(HERE, folder, kind + '.txt')\n"
        "    return [l for l in open(path).read().splitlines() if l and not l.startswith('#')]\n\n"
        "setup(\n    install_requires=read_reqs('install'),\n    extras_require={'all': read_reqs(kind='all')},\n)\n"
    ),
    "format-keyword-and-path-division": (
        "from pathlib import Path\nfrom setuptools import setup\nroot = Path(__file__).parent\n"
        "NAMES = ['install']\n"
        "deps = [x for n in NAMES for x in (root / 'requirements' / '{name}.txt'.format(name=n)).read_text().split()]\n"
        "setup(install_requires=deps)\n"
    ),
}

KEPT = {
    "name-from-argv": (
        "import sys\nfrom setuptools import setup\n"
        "reqs = [l for g in sys.argv[1:] for l in open(f'requirements/{g}.txt')]\n"
        "setup(install_requires=reqs)\n"
    ),
    "name-from-the-environment": (
        "import os\nfrom setuptools import setup\nflavour = os.environ.get('FLAVOUR', 'cpu')\n"
        "setup(install_requires=open(f'requirements/{flavour}.txt').read().split())\n"
    ),
    "loop-list-without-the-file": (
        "from setuptools import setup\nreqs = {}\n"
        "for g in ['docs', 'test']:\n    reqs[g] = open(f'requirements/{g}.txt').read().split()\n"
        "setup(install_requires=['torch>=2'], extras_require=reqs)\n"
    ),
    "another-folder": (
        "from setuptools import setup\nreqs = {}\n"
        "for g in ['install']:\n    reqs[g] = open(f'deps/{g}.txt').read().split()\n"
        "setup(install_requires=reqs['install'])\n"
    ),
    "helper-called-with-a-computed-name": (
        "import os\nfrom setuptools import setup\n\n"
        "def read_reqs(kind):\n    return open(os.path.join('requirements', kind + '.txt')).read().split()\n\n"
        "setup(install_requires=read_reqs(os.environ['KIND']))\n"
    ),
    "no-install-requires": (
        "from setuptools import setup\n"
        "for g in ['install']:\n    print(open(f'requirements/{g}.txt').read())\n"
        "setup(name='x')\n"
    ),
}


_check = requirements_findings


@pytest.mark.parametrize("name", sorted(BUILT))
def test_a_requirements_file_the_setup_py_builds_the_path_of_is_the_library_s(tmp_path, name):
    found = _check(tmp_path, BUILT[name])
    assert [f.line for f in found] == [1, 2]
    assert {f.severity for f in found} == {Severity.LOW}
    assert all("../setup.py reads this file as the library's install requirements" in f.message for f in found)


@pytest.mark.parametrize("name", sorted(BUILT))
def test_the_application_policy_keeps_a_built_path_medium(tmp_path, name):
    found = _check(tmp_path, BUILT[name], **{"pin-policy": "application"})
    assert [(f.line, f.severity) for f in found] == [(1, Severity.MEDIUM), (2, Severity.MEDIUM)]


@pytest.mark.parametrize("name", sorted(KEPT))
def test_a_path_the_setup_py_cannot_name_stays_medium(tmp_path, name):
    found = _check(tmp_path, KEPT[name])
    assert [(f.line, f.severity) for f in found] == [(1, Severity.MEDIUM), (2, Severity.MEDIUM)]


def test_a_root_file_is_not_named_by_a_part_of_a_bigger_path(tmp_path):
    """``kind + '.txt'`` inside ``os.path.join(HERE, 'deps', kind + '.txt')``
    is part of the path, not a path of its own: the root ``requirements.txt``
    is not what that setup.py reads (it reads ``deps/requirements.txt``)."""
    setup_py = (
        "import os\nfrom setuptools import setup\nHERE = os.path.dirname(__file__)\n\n"
        "def read_reqs(kind):\n    return open(os.path.join(HERE, 'deps', kind + '.txt')).read().split()\n\n"
        "setup(install_requires=read_reqs('requirements'))\n"
    )
    found = _check(tmp_path, setup_py, where=("requirements.txt",))
    assert [(f.line, f.severity) for f in found] == [(1, Severity.MEDIUM), (2, Severity.MEDIUM)]
    found = _check(tmp_path, setup_py, where=("deps", "requirements.txt"))
    assert [(f.line, f.severity) for f in found] == [(1, Severity.LOW), (2, Severity.LOW)]
