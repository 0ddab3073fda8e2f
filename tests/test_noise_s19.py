"""Session 19 (noise, development set fresh38).

1. A published library whose ``pyproject.toml`` has a PEP 621 ``[project]``
   with a name and no ``[build-system]`` table (fresh38, skrl: 23 MLW301
   findings on its dependencies, extras and tests extra). Without a build
   backend, pip and ``build`` build the project with setuptools (the PEP 517
   fallback), so it is a package others install and must keep ranges. It
   counts as a library (``pin-policy = "auto"``) when it carries a
   ``[tool.setuptools]`` table (setuptools' packaging configuration, read by
   no other tool) or when a ``setup.py`` sits next to it. Kept (medium): a
   project with neither (an application's metadata, as uv's non-packaged
   projects), an empty ``[tool.setuptools]`` table or one that packages
   nothing (``py-modules = []``, ``packages = []``: the flat-layout
   workaround of an application), ``[tool.uv] package =
   false``, a ``setup.py`` in another folder, ``pin-policy = "application"``,
   and requirement files (always pinned). A ``requirements.txt`` that only
   repeats such a library's dependencies is low, as beside any library.

On BASE (main af49cd2) every "no finding" case below was an MLW301 finding at
medium.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from mlwarden.commands.check import check_paths
from mlwarden.core.config import Config
from mlwarden.core.finding import Severity

MEDIUM = Severity.MEDIUM

_PROJECT = '[project]\nname = "rl-lib"\nversion = "1.0"\ndependencies = [\n  "gymnasium",\n  "torch>=2.1",\n]\n[project.optional-dependencies]\ntests = ["pytest"]\n'


def _mlw301(tmp_path, files, config=None):
    for name, text in files.items():
        target = tmp_path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    config = config or Config(severity=Severity.LOW, root=tmp_path)
    results, _ = check_paths([str(tmp_path)], config)
    return sorted((str(Path(f.path).relative_to(tmp_path)) if Path(f.path).is_absolute() else f.path, f.line, f.severity)
                  for r in results for f in r.findings if f.rule_id == "MLW301")


@pytest.mark.parametrize("extra", [
    '[tool.setuptools.packages.find]\nwhere = ["."]\ninclude = ["rl_lib*"]\n',
    '[tool.setuptools]\npackages = ["rl_lib"]\n',
    '[tool.setuptools]\npy-modules = ["rl_lib"]\n',
    '[tool.setuptools.package-dir]\n"" = "src"\n',
])
def test_setuptools_table_without_build_system_is_a_library(tmp_path, extra):
    assert _mlw301(tmp_path, {"pyproject.toml": _PROJECT + extra}) == []


def test_setup_py_next_to_it_is_a_library(tmp_path):
    files = {"pyproject.toml": _PROJECT, "setup.py": "from setuptools import setup\nsetup()\n"}
    assert _mlw301(tmp_path, files) == []


@pytest.mark.parametrize("name, files", [
    ("neither signal", {"pyproject.toml": _PROJECT}),
    ("empty setuptools table", {"pyproject.toml": _PROJECT + "[tool.setuptools]\n"}),
    ("nothing to package (an application's flat-layout workaround)", {"pyproject.toml": _PROJECT + "[tool.setuptools]\npy-modules = []\npackages = []\n"}),
    ("setuptools_scm is another tool", {"pyproject.toml": _PROJECT + '[tool.setuptools_scm]\nversion_file = "v.py"\n'}),
    ("uv says it is no package", {"pyproject.toml": _PROJECT + '[tool.setuptools]\npackages = ["rl_lib"]\n[tool.uv]\npackage = false\n'}),
    ("setup.py in another folder", {"pyproject.toml": _PROJECT, "tools/setup.py": "from setuptools import setup\nsetup()\n"}),
    ("setup.py is a folder", {"pyproject.toml": _PROJECT, "setup.py/keep.txt": "x\n"}),
])
def test_application_pyproject_kept(tmp_path, name, files):
    found = _mlw301(tmp_path, files)
    assert [(p, s) for p, _, s in found] == [("pyproject.toml", MEDIUM)] * 3, name


def test_application_policy_still_flags_a_setuptools_library(tmp_path):
    config = Config(severity=Severity.LOW, root=tmp_path)
    config.options["pin-policy"] = "application"
    found = _mlw301(tmp_path, {"pyproject.toml": _PROJECT + '[tool.setuptools]\npackages = ["rl_lib"]\n'}, config)
    assert [(p, line, s) for p, line, s in found] == [("pyproject.toml", 5, MEDIUM), ("pyproject.toml", 6, MEDIUM), ("pyproject.toml", 9, MEDIUM)]


def test_requirements_file_of_such_a_library_still_pinned(tmp_path):
    files = {"pyproject.toml": _PROJECT + '[tool.setuptools]\npackages = ["rl_lib"]\n', "requirements-deploy.txt": "torch>=2.1\nfastapi\n"}
    found = _mlw301(tmp_path, files)
    assert [(p, s) for p, _, s in found if p.endswith(".txt")] == [("requirements-deploy.txt", MEDIUM)] * 2


def test_requirements_mirroring_such_a_library_is_low(tmp_path):
    """A ``requirements.txt`` that only repeats the dependencies of a library
    setuptools builds without ``[build-system]`` is low like one beside a
    library with a build backend; one more package keeps it medium."""
    pyproject = _PROJECT + '[tool.setuptools]\npackages = ["rl_lib"]\n'
    found = _mlw301(tmp_path, {"pyproject.toml": pyproject, "requirements.txt": "gymnasium\ntorch>=2.1\n"})
    assert [(p, s) for p, _, s in found] == [("requirements.txt", Severity.LOW)] * 2
    found = _mlw301(tmp_path, {"pyproject.toml": pyproject, "requirements.txt": "gymnasium\ntorch>=2.1\nfastapi\n"})
    assert [(p, s) for p, _, s in found] == [("requirements.txt", MEDIUM)] * 3
