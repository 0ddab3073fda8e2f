"""MLW301: a requirements file that only repeats the install requirements a
library declares in its own manifest (PEP 621 dependencies and extras,
Poetry dependencies, setup.cfg ``install_requires``/extras) is low, saying
so: pinning it protects nobody, since users of the library resolve from its
metadata. A file with one package the library does not declare, an
application's manifest, a one-package file, or ``pin-policy =
"application"`` keeps medium."""

from __future__ import annotations

import pytest

from mlwarden.commands.check import check_paths
from mlwarden.core.config import Config
from mlwarden.core.finding import Severity

LIBRARY = (
    '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n'
    '[project]\nname = "speechlib"\ndependencies = [\n  "numpy",\n  "Torch>=2.1",\n  "tqdm",\n'
    "  \"triton>=2; platform_machine=='x86_64'\",\n]\n"
    '[project.optional-dependencies]\nserve = ["fastapi>=0.110"]\n'
)
APPLICATION = '[project]\nname = "speechapp"\ndependencies = ["numpy", "torch>=2.1", "tqdm"]\n'
POETRY_LIBRARY = (
    '[build-system]\nrequires = ["poetry-core"]\nbuild-backend = "poetry.core.masonry.api"\n'
    '[tool.poetry]\nname = "speechlib"\nversion = "1.0"\n[tool.poetry.dependencies]\npython = "^3.10"\nnumpy = "^1.26"\ntorch = ">=2.1"\n'
)
SETUP_CFG = "[metadata]\nname = speechlib\n[options]\ninstall_requires =\n    numpy\n    torch>=2.1\n[options.extras_require]\nserve = fastapi\n"


def severities(tmp_path, manifests, requirements, where="requirements.txt", **options):
    for name, text in manifests.items():
        (tmp_path / name).write_text(text)
    req = tmp_path / where
    req.parent.mkdir(parents=True, exist_ok=True)
    req.write_text(requirements)
    config = Config(select=["MLW301"], severity=Severity.LOW, root=tmp_path, options=options)
    results, _ = check_paths([str(req)], config)
    return [(f.line, f.severity) for r in results for f in r.findings], [f.message for r in results for f in r.findings]


@pytest.mark.parametrize(
    "manifests, requirements",
    [
        ({"pyproject.toml": LIBRARY}, "numba\nnumpy\n"),  # numba is not declared
        ({"pyproject.toml": APPLICATION}, "numpy\ntorch\n"),  # an application: its requirements are its deployment
        ({"pyproject.toml": LIBRARY}, "torch\n"),  # one package: too little to call it a copy
        ({"setup.py": "from setuptools import setup\nsetup(install_requires=['numpy', 'torch'])\n"}, "numpy\ntorch\n"),  # setup.py is code: not read
        ({}, "numpy\ntorch\n"),
        ({"pyproject.toml": "[project\nname = broken"}, "numpy\ntorch\n"),  # unreadable manifest
    ],
)
def test_medium_when_the_file_is_not_a_copy_of_a_library_s_requirements(tmp_path, manifests, requirements):
    found, _ = severities(tmp_path, manifests, requirements)
    assert found and {severity for _, severity in found} == {Severity.MEDIUM}


@pytest.mark.parametrize(
    "manifests, requirements, manifest",
    [
        # names compare normalised; markers, extras and ranges may differ from the manifest's
        ({"pyproject.toml": LIBRARY}, "numpy\ntorch\ntqdm\ntriton>=2.0.0;platform_machine==\"x86_64\"\n", "pyproject.toml"),
        ({"pyproject.toml": LIBRARY}, "NumPy>=1.24\ntorch[opt]>=2.0  # cuda wheels\nfastapi\n", "pyproject.toml"),
        ({"pyproject.toml": POETRY_LIBRARY}, "numpy>=1.26\ntorch>=2.1\n", "pyproject.toml"),
        ({"setup.cfg": SETUP_CFG}, "numpy\ntorch>=2.1\nfastapi\n", "setup.cfg"),
    ],
)
def test_low_when_the_file_repeats_the_library_s_own_requirements(tmp_path, manifests, requirements, manifest):
    found, messages = severities(tmp_path, manifests, requirements)
    assert found and {severity for _, severity in found} == {Severity.LOW}
    assert all(f"the library's {manifest} declares" in m for m in messages)
    # the user who wants every requirements file pinned still gets medium
    found, _ = severities(tmp_path, {}, requirements, **{"pin-policy": "application"})
    assert {severity for _, severity in found} == {Severity.MEDIUM}


def test_a_requirements_folder_up_to_two_levels_below_the_library(tmp_path):
    found, _ = severities(tmp_path, {"pyproject.toml": LIBRARY}, "numpy\ntorch\n", where="requirements/runtime.txt")
    assert [s for _, s in found] == [Severity.LOW, Severity.LOW]
    # a nested project (its own manifest, an application) stops the search
    (tmp_path / "tools").mkdir()
    (tmp_path / "tools" / "pyproject.toml").write_text('[project]\nname = "tools"\n')
    found, _ = severities(tmp_path, {}, "numpy\ntorch\n", where="tools/requirements.txt")
    assert [s for _, s in found] == [Severity.MEDIUM, Severity.MEDIUM]


def test_pinned_lines_stay_quiet_and_urls_do_not_count(tmp_path):
    # the exact pin is not a finding at all; the URL line is MLW305's and does not stop the copy
    found, _ = severities(tmp_path, {"pyproject.toml": LIBRARY}, "numpy==1.26.4\ntorch\ntqdm\nhttps://example.org/pkg-1.0.tar.gz\n")
    assert found == [(2, Severity.LOW), (3, Severity.LOW)]
