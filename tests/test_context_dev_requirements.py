"""Development requirement files (``requirements-dev.txt``,
``dev-requirements.txt``, ``requirements/dev.txt``) are in the ``dev``
context when they do not install the project itself (core/context.py): an
unpinned line there (MLW301) is low and an insecure index (MLW303) one step
lower, with the reason in the message. A file that installs the project
(``-e .``, ``.``, ``-r requirements.txt``, the project's own name) keeps
every severity, and MLW302/MLW305 are never lowered there."""

from __future__ import annotations

import pytest

from mlwarden.commands.check import check_paths
from mlwarden.core.config import Config
from mlwarden.core.context import DEV_REASON, is_dev_requirements_path
from mlwarden.core.finding import Severity

PYPROJECT = '[build-system]\nrequires = ["setuptools"]\n\n[project]\nauthors = [{name = "x"}]\nname = "Acme_Trainer"\nversion = "1.0"\n'


def run(tmp_path, files, **config):
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    results, _ = check_paths([str(tmp_path)], Config(root=tmp_path, severity=Severity.LOW, **config))
    assert not [e for r in results for e in r.errors]
    return [
        (r.path.replace(str(tmp_path) + "/", ""), f.line, f.rule_id, f.severity, f.context, f.message)
        for r in results
        for f in r.findings
    ]


@pytest.mark.parametrize(
    "path, expected",
    [
        ("requirements-dev.txt", True),
        ("requirements_dev.txt", True),
        ("dev-requirements.txt", True),
        ("dev_requirements.txt", True),
        ("requirements.dev.txt", True),
        ("requirements-develop.txt", True),
        ("requirements/dev.txt", True),
        ("requirements/development.txt", True),
        ("requirements/dev-gpu.txt", True),
        ("ci/Requirements-DEV.txt", True),
        ("requirements.txt", False),
        ("requirements/devices.txt", False),  # "dev" only as a word
        ("requirements/prod.txt", False),
        ("devtools/requirements.txt", False),
        ("dev.txt", False),  # not a requirements file by name or folder
    ],
)
def test_development_requirement_names(path, expected):
    assert is_dev_requirements_path(path) is expected


def test_unpinned_development_tools_are_low_with_the_reason(tmp_path):
    found = run(tmp_path, {"pyproject.toml": PYPROJECT, "requirements-dev.txt": "# Tests\npytest\nblack >= 24\nmypy==1.11.0\n"})
    rows = [(p, line, rule, sev, ctx) for p, line, rule, sev, ctx, _ in found if rule == "MLW301"]
    assert rows == [
        ("requirements-dev.txt", 2, "MLW301", Severity.LOW, "dev"),
        ("requirements-dev.txt", 3, "MLW301", Severity.LOW, "dev"),
    ]
    assert all(m.endswith(DEV_REASON) for *_, rule, _s, _c, m in found if rule == "MLW301")
    assert "development requirements file" in DEV_REASON


def test_off_switch_keeps_the_rule_severity(tmp_path):
    found = run(tmp_path, {"pyproject.toml": PYPROJECT, "dev-requirements.txt": "pytest\n"}, context=False)
    assert [(rule, sev, ctx) for _, _, rule, sev, ctx, m in found] == [("MLW301", Severity.MEDIUM, "dev")]
    assert not found[0][5].endswith(DEV_REASON)


@pytest.mark.parametrize(
    "first_line",
    [
        "-e .",
        "-e .[dev,test]",
        "--editable=.",
        ".",
        "./",
        "file:.",
        "-e ..",  # requirements/dev.txt installing the root
        "-r ../requirements.txt",
        "-r ../requirements/base.txt",
        "acme-trainer[dev]",  # the project's own name, however spelled
        "ACME.trainer",
    ],
)
def test_a_file_that_installs_the_project_is_not_lowered(tmp_path, first_line):
    files = {
        "pyproject.toml": PYPROJECT,
        "requirements.txt": "numpy==2.1.0\n",
        "requirements/base.txt": "numpy==2.1.0\n",
        "requirements/dev.txt": f"{first_line}\npytest\n",
    }
    found = run(tmp_path, files)
    assert [(line, rule, sev, ctx) for p, line, rule, sev, ctx, _ in found if p == "requirements/dev.txt" and line == 2] == [
        (2, "MLW301", Severity.MEDIUM, None)
    ]


def test_including_a_test_list_still_lowers(tmp_path):
    files = {
        "setup.py": "from setuptools import setup\nsetup(name='acme-trainer', install_requires=['numpy'])\n",
        "requirements-test.txt": "pytest\n",
        "requirements-dev.txt": "-r requirements-test.txt\nruff\n",
    }
    found = run(tmp_path, files)
    assert sorted((p, rule, sev, ctx) for p, _, rule, sev, ctx, _ in found) == [
        ("requirements-dev.txt", "MLW301", Severity.LOW, "dev"),
        ("requirements-test.txt", "MLW301", Severity.LOW, "test"),
    ]


def test_setup_py_name_counts_as_the_project(tmp_path):
    files = {
        "setup.py": "from setuptools import setup\nsetup(\n    name = \"acme-trainer\",\n    install_requires=[],\n)\n",
        "requirements-dev.txt": "acme_trainer\npytest\n",
    }
    found = run(tmp_path, files)
    assert {sev for _, _, rule, sev, _, _ in found if rule == "MLW301"} == {Severity.MEDIUM}


def test_index_rules_in_a_development_file(tmp_path):
    text = (
        "--extra-index-url https://pypi.example.org/simple\n"
        "--index-url http://mirror.example.org/simple\n"
        "https://example.org/wheels/tool-1.0-py3-none-any.whl\n"
        "pytest\n"
    )
    found = run(tmp_path, {"pyproject.toml": PYPROJECT, "requirements-dev.txt": text})
    by_rule = {rule: (sev, m) for _, _, rule, sev, _, m in found}
    assert by_rule["MLW302"][0] is Severity.HIGH  # dependency confusion: never lowered
    assert by_rule["MLW305"][0] is not Severity.LOW and not by_rule["MLW305"][1].endswith(DEV_REASON)
    assert by_rule["MLW303"][0] is Severity.MEDIUM and by_rule["MLW303"][1].endswith(DEV_REASON)  # high -> medium
    assert by_rule["MLW301"][0] is Severity.LOW
