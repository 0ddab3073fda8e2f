"""A pinnable release: one version, lean dependencies, an sdist and a wheel
that `twine check` accepts, and a wheel that installs and runs the demo in a
fresh virtual environment (no flake8, no pre-commit), with the flake8 plugin
working once flake8 is added.

The slow tests build from a copy of the working tree (tracked and untracked,
not ignored, files; see precommit_helpers.snapshot_repo), so nothing is
written into the checkout, and install dependencies from the package index.
"""

from __future__ import annotations

import ast
import functools
import json
import os
import re
import subprocess
import sys
import tarfile
import venv
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT
from precommit_helpers import snapshot_repo

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
#: what `pip install mlwarden` must pull in, and nothing more (README "Dependencies")
CORE = {"libcst", "nbformat", "detect-secrets", "packaging", "pyyaml", "tomli"}
#: the only places that may import an optional extra's packages: the package
#: (relative to src/mlwarden) -> the extra whose requirements it may import
OPTIONAL_PARTS = {"server/": "server", "artifacts/": "models"}
#: optional readers a part may use when present, beside its extra's own:
#: the model scanner falls back to the zstandard package for zstd streams
OPTIONAL_FALLBACKS = {"artifacts/": {"zstandard"}}


def dist_name(requirement: str) -> str:
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    return canonicalize_name(Requirement(requirement).name)


# ---------------------------------------------------------------------------
# fast: metadata


def test_version_has_one_source():
    from packaging.version import Version

    from mlwarden import __version__

    Version(__version__)  # PEP 440
    project = PYPROJECT["project"]
    assert "version" not in project and "version" in project["dynamic"]
    # mlwarden/_version.py: readable by any module without importing the package's API (no import cycle)
    assert PYPROJECT["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "mlwarden._version.__version__"}
    source = ROOT / "src" / "mlwarden" / "_version.py"
    assert re.findall(r"^__version__ = \"([^\"]+)\"$", source.read_text(encoding="utf-8"), flags=re.M) == [__version__]
    # nothing else in the package spells the current version out
    for path in (ROOT / "src" / "mlwarden").rglob("*.py"):
        if path == source:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "__version__" for t in node.targets):
                pytest.fail(f"{path.relative_to(ROOT)}: a second version")


def test_changelog_has_the_current_version():
    from mlwarden import __version__

    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    headings = re.findall(r"^## \[([^\]]+)\] - (.+)$", changelog, flags=re.M)
    assert headings, "CHANGELOG.md has no `## [X.Y.Z] - date` section"
    assert headings[0][0] == __version__
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}|Unreleased", headings[0][1].strip())
    assert f"[{__version__}]: https://github.com/mlwarden/mlwarden/releases/tag/v{__version__}" in changelog


def test_core_dependencies_are_the_minimum():
    core = {dist_name(r) for r in PYPROJECT["project"]["dependencies"]}
    assert core == CORE
    extras = PYPROJECT["project"]["optional-dependencies"]
    assert {dist_name(r) for r in extras["flake8"]} == {"flake8"}
    test = {dist_name(r) for r in extras["test"]}
    assert {"pre-commit", "flake8", "build", "twine", "pytest"} <= test
    assert "setuptools>=77" in PYPROJECT["build-system"]["requires"]


def _imported_top_levels(path: Path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name.split(".")[0], node.lineno
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module.split(".")[0], node.lineno


def _is_stdlib(name: str) -> bool:
    if hasattr(sys, "stdlib_module_names"):
        return name in sys.stdlib_module_names
    import importlib.util
    import sysconfig

    spec = importlib.util.find_spec(name)
    if spec is None or spec.origin in (None, "built-in", "frozen"):
        return spec is not None
    return Path(spec.origin).resolve().is_relative_to(Path(sysconfig.get_paths()["stdlib"]).resolve())


@functools.lru_cache(maxsize=None)
def _distributions() -> dict:
    """import name -> distribution names, for the installed distributions."""
    from importlib import metadata

    if hasattr(metadata, "packages_distributions"):
        return metadata.packages_distributions()
    out: dict = {}  # Python 3.9
    for d in metadata.distributions():
        for top in (d.read_text("top_level.txt") or "").split():
            out.setdefault(top, []).append(d.metadata["Name"])
    return out


def _distribution_of(name: str) -> str:
    from packaging.utils import canonicalize_name

    found = _distributions().get(name, [])
    return canonicalize_name(found[0]) if found else name


#: standard modules of another Python version than the one running the test
#: (tomllib from 3.11; CPython's SHA-256 module is `_sha2` from 3.12,
#: `_sha256` before: core/finding.py tries both)
OTHER_PYTHONS_STDLIB = frozenset({"tomllib", "_sha2", "_sha256"})


def test_every_import_is_a_core_dependency():
    """mlwarden imports nothing at run time (eagerly or lazily) that a core
    install lacks: no flake8, no pre-commit, no requests."""
    extras = PYPROJECT["project"]["optional-dependencies"]
    bad = []
    for path in sorted((ROOT / "src" / "mlwarden").rglob("*.py")):
        allowed = CORE | {"mlwarden"}
        relative = path.relative_to(ROOT / "src" / "mlwarden").as_posix()
        for prefix, extra in OPTIONAL_PARTS.items():
            if relative.startswith(prefix):
                allowed = allowed | {dist_name(r) for r in extras[extra]} | OPTIONAL_FALLBACKS.get(prefix, set())
        for name, line in _imported_top_levels(path):
            if name == "mlwarden" or name in OTHER_PYTHONS_STDLIB or _is_stdlib(name):
                continue
            dist = _distribution_of(name)
            if dist not in allowed:
                bad.append(f"{path.relative_to(ROOT)}:{line}: {name} ({dist})")
    assert not bad, "imports of packages that are not core dependencies:\n" + "\n".join(bad)


def test_flake8_plugin_module_does_not_import_flake8():
    """The plugin is registered in every install; its module must import
    without flake8 (flake8 imports it, not the other way round)."""
    source = ROOT / "src" / "mlwarden" / "integrations" / "flake8.py"
    assert "flake8" not in {name for name, _ in _imported_top_levels(source)}
    assert PYPROJECT["project"]["entry-points"]["flake8.extension"] == {"MLW": "mlwarden.integrations.flake8:Plugin"}


# ---------------------------------------------------------------------------
# slow: build, check, install, run


@pytest.fixture(scope="module")
def dist(tmp_path_factory):
    """``(sdist, wheel)`` built by ``python -m build`` (the wheel from the sdist)."""
    snapshot, _ = snapshot_repo()
    out = tmp_path_factory.mktemp("dist")
    proc = subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(out), str(snapshot)],
        capture_output=True, text=True, timeout=900,
    )
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
    (sdist,) = out.glob("*.tar.gz")
    (wheel,) = out.glob("*.whl")
    return sdist, wheel


@pytest.fixture(scope="module")
def fresh_venv(tmp_path_factory, dist):
    """A new virtual environment with only the wheel and its dependencies."""
    path = tmp_path_factory.mktemp("fresh-venv")
    venv.EnvBuilder(with_pip=True).create(str(path))
    bin_dir = path / ("Scripts" if os.name == "nt" else "bin")
    proc = subprocess.run(
        [str(bin_dir / "python"), "-m", "pip", "install", "--disable-pip-version-check", str(dist[1])],
        capture_output=True, text=True, timeout=900,
    )
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
    return bin_dir


def run_in(bin_dir: Path, *args, cwd=ROOT, env=None):
    full_env = dict(os.environ)
    full_env.pop("PYTHONPATH", None)
    full_env.update(env or {})
    return subprocess.run([str(bin_dir / args[0]), *map(str, args[1:])], cwd=cwd, capture_output=True, text=True, env=full_env, timeout=600)


@pytest.mark.slow
def test_twine_accepts_the_distributions(dist):
    proc = subprocess.run([sys.executable, "-m", "twine", "check", "--strict", *map(str, dist)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.count("PASSED") == 2


@pytest.mark.slow
def test_wheel_contents_and_metadata(dist):
    from mlwarden import __version__

    sdist, wheel = dist
    assert wheel.name == f"mlwarden-{__version__}-py3-none-any.whl"
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        metadata = archive.read(f"mlwarden-{__version__}.dist-info/METADATA").decode()
    for data in ("malicious_packages.toml", "pickle_allowlist.toml"):
        assert f"mlwarden/data/{data}" in names
    rules = {p.name for p in (ROOT / "src" / "mlwarden" / "rules").glob("mlw*.py")}
    assert rules <= {n.rsplit("/", 1)[-1] for n in names if n.startswith("mlwarden/rules/")}
    assert f"mlwarden-{__version__}.dist-info/licenses/LICENSE" in names
    assert not any(n.startswith(("tests/", "fixtures/", "scripts/")) for n in names)
    requires = re.findall(r"^Requires-Dist: (.+)$", metadata, flags=re.M)
    core = {dist_name(r.split(";")[0]) for r in requires if "extra ==" not in r}
    assert core == CORE
    assert any(r.startswith("pre-commit") and 'extra == "test"' in r for r in requires)
    assert any(r.startswith("flake8") and 'extra == "flake8"' in r for r in requires)
    assert re.search(r"^License-Expression: Apache-2.0$", metadata, flags=re.M)
    with tarfile.open(sdist) as archive:
        members = {m.name.split("/", 1)[1] for m in archive.getmembers() if "/" in m.name}
    for needed in ("CHANGELOG.md", "LICENSE", "action.yml", "scripts/action.py", "scripts/build_malicious_data.py",
                   "tests/conftest.py", "tests/golden/demo.txt", "fixtures/demo/train.py", "docs/rules/MLW306.md"):
        assert needed in members, needed


@pytest.mark.slow
def test_fresh_install_runs_the_demo(fresh_venv, tmp_path):
    """The README's first command, from the installed wheel: exits 1 with
    exactly the golden output; the core install has no flake8 and no
    pre-commit, and the data files are found."""
    from mlwarden import __version__

    listed = run_in(fresh_venv, "python", "-m", "pip", "list", "--format", "json")
    installed = {p["name"].lower() for p in json.loads(listed.stdout)}
    assert "mlwarden" in installed
    assert not installed & {"flake8", "pre-commit", "pre_commit"}, installed
    version = run_in(fresh_venv, "mlwarden", "--version")
    assert version.stdout.strip() == f"mlwarden {__version__}"
    # the installed package, not the checkout, answers
    where = run_in(fresh_venv, "python", "-I", "-c", "import mlwarden; print(mlwarden.__file__)", cwd=tmp_path)
    assert Path(where.stdout.strip()).resolve().is_relative_to(fresh_venv.parent.resolve())
    demo = run_in(fresh_venv, "mlwarden", "check", "--no-cache", "fixtures/demo", env={"MLWARDEN_DATA_DIR": str(tmp_path / "data")})
    assert demo.returncode == 1, demo.stderr
    assert demo.stdout == (ROOT / "tests" / "golden" / "demo.txt").read_text(encoding="utf-8")
    assert demo.stderr == ""
    # data files from the wheel: MLW306 and the pickle allowlist
    (tmp_path / "requirements.txt").write_text("torchtriton==2.0.0\n")
    deps = run_in(fresh_venv, "mlwarden", "check", "--no-cache", "--verbose", "requirements.txt", cwd=tmp_path,
                  env={"MLWARDEN_DATA_DIR": str(tmp_path / "data")})
    assert "requirements.txt:1:1: MLW306 [critical] `torchtriton`" in deps.stdout, deps.stdout + deps.stderr
    assert "note: MLW306 malicious-package data: curated list of " in deps.stdout
    model = tmp_path / "model.pkl"
    model.write_bytes(b"\x80\x02cos\nsystem\nq\x00X\x04\x00\x00\x00trueq\x01\x85q\x02Rq\x03.")
    scan = run_in(fresh_venv, "mlwarden", "scan-model", "model.pkl", cwd=tmp_path)
    assert scan.returncode == 1 and "MLW601" in scan.stdout, scan.stdout + scan.stderr


@pytest.mark.slow
def test_fresh_install_explains_rules(fresh_venv, run_cli):
    """`mlwarden explain` needs no docs files: the installed wheel prints
    what this checkout prints."""
    installed = run_in(fresh_venv, "mlwarden", "explain", "MLW102")
    code, here, _ = run_cli("explain", "MLW102")
    assert installed.returncode == 0 == code
    assert "## What it does" in installed.stdout
    assert installed.stdout == here


@pytest.mark.slow
def test_flake8_plugin_works_with_the_flake8_extra(fresh_venv, dist, tmp_path):
    before = run_in(fresh_venv, "python", "-c", "import flake8")
    assert before.returncode != 0  # the core install has no flake8
    add = run_in(fresh_venv, "python", "-m", "pip", "install", "--disable-pip-version-check", f"{dist[1]}[flake8]")
    assert add.returncode == 0, add.stderr[-3000:]
    (tmp_path / "train.py").write_text("import pickle\n\nmodel = pickle.load(open('m.pkl', 'rb'))\n")
    proc = run_in(fresh_venv, "flake8", "--select", "MLW", "train.py", cwd=tmp_path)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert proc.stdout.startswith("train.py:3:9: MLW101 `pickle.load`")
    listed = run_in(fresh_venv, "flake8", "--version")
    assert "mlwarden" in listed.stdout
