"""The project's own package runs at the project's own version: keras's own
code, checked in keras's repository, is that keras. The version comes from
``[project]``'s static ``version``, a setuptools ``attr:`` version read as
text from its module, the sdist's ``PKG-INFO``, Poetry, or ``setup.cfg``'s
``[metadata]``; it is one more lower bound (the lowest still wins), and it
counts only for the package of that name."""

from __future__ import annotations

import pytest

from mlwarden.commands.check import check_paths
from mlwarden.core.config import Config
from mlwarden.core.finding import Severity
from mlwarden.core.versions import project_versions

BACKEND = '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n'
LOADER = "import keras\n\ndef restore(path):\n    return keras.models.load_model(path)\n"


def layout(tmp_path, files):
    for name, text in files.items():
        target = tmp_path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    (tmp_path / "keras" / "src").mkdir(parents=True, exist_ok=True)
    (tmp_path / "keras" / "src" / "saving_test.py").write_text(LOADER)
    return tmp_path / "keras" / "src" / "saving_test.py"


def mlw108(path, root):
    results, _ = check_paths([str(path)], Config(select=["MLW108"], severity=Severity.LOW, root=root))
    return [f.severity for r in results for f in r.findings]


SAFE = {
    "static": {"pyproject.toml": BACKEND + '[project]\nname = "keras"\nversion = "3.15.1"\n'},
    "setuptools-attr": {
        "pyproject.toml": BACKEND + '[project]\nname = "Keras"\ndynamic = ["version"]\n[tool.setuptools.dynamic]\nversion = {attr = "keras.src.version.__version__"}\n',
        "keras/src/version.py": '# the version\n__version__ = "3.12.0"\n',
    },
    "attr-in-a-package-init": {
        "pyproject.toml": BACKEND + '[project]\nname = "keras"\ndynamic = ["version"]\n[tool.setuptools.dynamic]\nversion = {attr = "keras.__version__"}\n',
        "src/keras/__init__.py": '__version__: str = "3.11.3"\n',
    },
    "sdist-pkg-info": {
        "pyproject.toml": BACKEND + '[project]\nname = "keras"\ndynamic = ["version"]\n',
        "PKG-INFO": "Metadata-Version: 2.4\nName: keras\nVersion: 3.13.0\n",
    },
    "poetry": {"pyproject.toml": '[tool.poetry]\nname = "keras"\nversion = "3.12.1"\n'},
    "setup-cfg": {"setup.cfg": "[metadata]\nname = keras\nversion = 3.14.0\n"},
}


@pytest.mark.parametrize("files", SAFE.values(), ids=SAFE.keys())
def test_the_project_s_own_keras_is_the_version_it_declares(tmp_path, files):
    path = layout(tmp_path, files)
    assert mlw108(path, tmp_path) == []
    versions = project_versions(Config(root=tmp_path), str(path))
    assert any("the project's own package" in note for note in versions.notes())


UNSAFE = {
    "older-own-version": {"pyproject.toml": BACKEND + '[project]\nname = "keras"\nversion = "3.10.0"\n'},
    "another-package": {"pyproject.toml": BACKEND + '[project]\nname = "keras-extras"\nversion = "9.0.0"\n'},
    "dynamic-unreadable": {"pyproject.toml": BACKEND + '[project]\nname = "keras"\ndynamic = ["version"]\n'},
    "pkg-info-of-another-name": {
        "pyproject.toml": BACKEND + '[project]\nname = "keras"\ndynamic = ["version"]\n',
        "PKG-INFO": "Metadata-Version: 2.4\nName: keras-nightly\nVersion: 3.13.0\n",
    },
    "a-lower-pin-still-wins": {
        "pyproject.toml": BACKEND + '[project]\nname = "keras"\nversion = "3.15.1"\n',
        "requirements.txt": "keras>=3.0\n",
    },
    "broken-toml": {"pyproject.toml": '[project\nname = "keras"\nversion = "3.15.1"\n'},
}


@pytest.mark.parametrize("files", UNSAFE.values(), ids=UNSAFE.keys())
def test_other_projects_and_unknown_versions_keep_the_finding(tmp_path, files):
    path = layout(tmp_path, files)
    assert mlw108(path, tmp_path) == [Severity.MEDIUM]
