"""MLW301: a ``setup.py`` that builds ``install_requires``/extras from every
file of a requirements folder right below it (``os.listdir``, ``iterdir``,
a glob the file matches) makes those files the library's install
requirements: low, saying so. A glob the file does not match, another
folder, a folder deeper down, or a setup.py without ``install_requires``
keeps medium; ``pin-policy = "application"`` keeps medium."""

from __future__ import annotations

import pytest

from round_helpers import requirements_findings
from mlwarden.core.finding import Severity

LISTS = {
    "listdir-path-join": (
        "import os\nfrom setuptools import setup\nreqs = {}\n"
        "for name in os.listdir(os.path.join(os.path.dirname(__file__), 'requirements')):\n"
        "    reqs[name[:-4]] = open(os.path.join('requirements', name)).read().split()\n"
        "setup(install_requires=reqs['install'], extras_require=reqs)\n"
    ),
    "listdir-pathlib-alias": (
        "from os import listdir as ls\nfrom pathlib import Path\nfrom setuptools import setup\nhere = Path(__file__).parent\n"
        "extras = {Path(f).stem: (here / 'requirements' / f).read_text().split() for f in ls(here / \"requirements\")}\n"
        "setup(\n    install_requires = extras.pop('install'),\n    extras_require=extras,\n)\n"
    ),
    "glob-pattern-in-the-folder": (
        "import glob\nfrom setuptools import setup\n"
        "files = sorted(glob.glob('requirements/*.txt'))\n"
        "setup(install_requires=[l for f in files for l in open(f).read().split()])\n"
    ),
    "pathlib-glob": (
        "from pathlib import Path\nimport setuptools\n"
        "extras = {p.stem: p.read_text().split() for p in Path('requirements').glob('*.txt')}\n"
        "setuptools.setup(install_requires=extras['install'], extras_require=extras)\n"
    ),
    "iterdir": (
        "from pathlib import Path\nfrom setuptools import setup\n"
        "extras = {p.stem: p.read_text().splitlines() for p in (Path(__file__).parent / 'requirements').iterdir()}\n"
        "setup(install_requires=extras['install'])\n"
    ),
}

KEPT = {
    "glob-of-other-files": (
        "import glob\nfrom setuptools import setup\n"
        "setup(install_requires=[l for f in glob.glob('requirements/base*.txt') for l in open(f)])\n"
    ),
    "another-folder-listed": (
        "import os\nfrom setuptools import setup\n"
        "setup(install_requires=[l for f in os.listdir('deps') for l in open(os.path.join('deps', f))])\n"
    ),
    "no-install-requires": (
        "import os\nfrom setuptools import setup\nFILES = os.listdir('requirements')\nsetup(name='x', data_files=[('requirements', FILES)])\n"
    ),
    "listed-only-to-ship-the-files": (
        "import os\nfrom setuptools import setup\n"
        "setup(install_requires=['torch>=2'], data_files=[('requirements', os.listdir('requirements'))])\n"
    ),
    "folder-on-another-line-than-the-listing": (
        "import os\nfrom setuptools import setup\nfolder = 'requirements'\nnames = os.listdir(folder)\n"
        "setup(install_requires=[l for f in names for l in open(f)])\n"
    ),
}


_check = requirements_findings


@pytest.mark.parametrize("name", sorted(LISTS))
def test_a_requirements_folder_the_setup_py_lists_is_the_library_s(tmp_path, name):
    found = _check(tmp_path, LISTS[name])
    assert [(f.line, f.severity) for f in found] == [(1, Severity.LOW), (2, Severity.LOW)]
    assert all("../setup.py reads this file as the library's install requirements" in f.message for f in found)


@pytest.mark.parametrize("name", sorted(LISTS))
def test_the_application_policy_keeps_a_listed_folder_medium(tmp_path, name):
    found = _check(tmp_path, LISTS[name], **{"pin-policy": "application"})
    assert [f.severity for f in found] == [Severity.MEDIUM, Severity.MEDIUM]


@pytest.mark.parametrize("name", sorted(KEPT))
def test_a_folder_the_setup_py_does_not_list_stays_medium(tmp_path, name):
    found = _check(tmp_path, KEPT[name])
    assert [f.severity for f in found] == [Severity.MEDIUM, Severity.MEDIUM]


def test_a_deeper_folder_is_not_covered_by_a_listing(tmp_path):
    found = _check(tmp_path, LISTS["listdir-path-join"], where=("requirements", "extra", "requirements.txt"))
    assert [f.severity for f in found] == [Severity.MEDIUM, Severity.MEDIUM]
