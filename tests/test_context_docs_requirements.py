"""Documentation-build requirement files are in the ``docs`` context
(core/context.py): by name (``requirements/readthedocs.txt``,
``rtd-requirements.txt``, ``requirements/sphinx.txt``) or because a Read the
Docs configuration installs them. MLW301 is low there and MLW303 one step
lower, as in tests; MLW302 (dependency confusion) keeps its severity."""

from __future__ import annotations

import pytest

from mlwarden.commands.check import check_paths
from mlwarden.core.config import Config
from mlwarden.core.context import lower, path_context
from mlwarden.core.finding import Severity
from mlwarden.core.registry import all_rules


def run(tmp_path, files):
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    results, _ = check_paths([str(tmp_path)], Config(root=tmp_path, severity=Severity.LOW))
    assert not [e for r in results for e in r.errors]
    return {(r.path.replace(str(tmp_path) + "/", ""), f.rule_id): (f.severity, f.context) for r in results for f in r.findings}


@pytest.mark.parametrize(
    "path, expected",
    [
        ("requirements/readthedocs.txt", "docs"),
        ("requirements/rtd.txt", "docs"),
        ("rtd-requirements.txt", "docs"),
        ("requirements-readthedocs.txt", "docs"),
        ("requirements/sphinx.txt", "docs"),
        ("requirements/Docs.txt", "docs"),
        ("requirements/tests.txt", "test"),
        ("requirements/testing.txt", "test"),
        ("requirements/runtime.txt", None),
        ("requirements/mminstall.txt", None),
        ("requirements/threads.txt", None),  # "rtd" and "docs" only as words
        ("requirements-shortcuts.txt", None),
    ],
)
def test_documentation_requirement_names(path, expected):
    assert path_context(path) == expected


RTD = """\
version: 2
build:
  os: ubuntu-22.04
python:
  install:
    - requirements: "build/sphinx-deps.txt"   # the docs' own
    - requirements: requirements.txt
    - method: pip
      path: .
"""


def test_files_a_readthedocs_config_installs_are_docs(tmp_path):
    found = run(
        tmp_path,
        {
            ".readthedocs.yaml": RTD,
            "pyproject.toml": "[project]\nname = 'demo'\n",
            "build/sphinx-deps.txt": "sphinx\n",  # not a requirements path by name...
            "requirements/extra.txt": "furo\n--index-url http://mirror.example/simple\n",
            "requirements.txt": "torch\n",
        },
    )
    # the root requirements.txt is the project's too: not the docs' alone
    assert found[("requirements.txt", "MLW301")] == (Severity.MEDIUM, None)
    # ...and a file that is not checked at all stays unchecked
    assert not any(path == "build/sphinx-deps.txt" for path, _ in found)
    assert found[("requirements/extra.txt", "MLW301")] == (Severity.MEDIUM, None)


def test_a_readthedocs_listed_file_in_a_requirements_folder(tmp_path):
    found = run(
        tmp_path,
        {
            ".readthedocs.yml": "version: 2\npython:\n  install:\n  - requirements: requirements/extra.txt\n",
            "setup.cfg": "[metadata]\nname = demo\n",
            "requirements/extra.txt": "furo\n--index-url http://mirror.example/simple\n",
            "requirements/base.txt": "numpy\n",
        },
    )
    assert found[("requirements/extra.txt", "MLW301")] == (Severity.LOW, "docs")
    mlw303 = next(r for r in all_rules() if r.id == "MLW303")
    assert found[("requirements/extra.txt", "MLW303")] == (lower(mlw303.severity), "docs")
    assert found[("requirements/base.txt", "MLW301")] == (Severity.MEDIUM, None)


def test_a_file_the_packaging_also_reads_is_not_the_docs_alone(tmp_path):
    found = run(
        tmp_path,
        {
            ".readthedocs.yaml": "version: 2\npython:\n  install:\n    - requirements: requirements/base.txt\n",
            "setup.py": "from setuptools import setup\nsetup(install_requires=open('requirements/base.txt').read().split())\n",
            "requirements/base.txt": "numpy\n",
        },
    )
    assert found[("requirements/base.txt", "MLW301")][1] is None


def test_confusion_findings_in_docs_keep_their_severity(tmp_path):
    """MLW302 and MLW305 are not lowered in docs: a documentation build that
    resolves from two indexes or installs an unhashed URL can still install an
    attacker's package, while the unpinned lines of the same file are low."""
    text = "--extra-index-url https://pypi.example.org/simple\ntorch==2.6.0\nhttps://files.example.org/pkg-1.0.tar.gz\nsphinx\n"
    plain = run(tmp_path / "a", {"requirements.txt": text})
    docs = run(tmp_path / "b", {"requirements/readthedocs.txt": text, "docs/requirements.txt": text})
    for rule in ("MLW302", "MLW305"):
        severity, _ = plain[("requirements.txt", rule)]
        assert docs[("requirements/readthedocs.txt", rule)] == (severity, "docs")
        assert docs[("docs/requirements.txt", rule)] == (severity, "docs")
    assert docs[("requirements/readthedocs.txt", "MLW301")] == (Severity.LOW, "docs")
