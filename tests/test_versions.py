"""mlwarden.core.versions: what a project is guaranteed to install."""

import json
import textwrap

import pytest
from packaging.version import Version

from mlwarden.core.config import Config, ConfigError, config_from_mapping
from mlwarden.core.versions import find_project_dir, lower_bound, project_versions


def write(root, name, text):
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def pv_for(root, file="train.py", **config):
    target = write(root, file, "import torch\n")
    cfg = config_from_mapping(config, root=root) if config else Config(root=root)
    return project_versions(cfg, target)


@pytest.mark.parametrize(
    "spec, expected",
    [
        (">=2.6", "2.6"),
        ("==2.5.1", "2.5.1"),
        ("~=2.6", "2.6"),
        ("==2.6.*", "2.6"),
        (">2.5", "2.5"),
        (">=2.4,!=2.5.0", "2.4"),
        (">=2.4,>=2.6", "2.6"),
        ("<3", None),
        ("!=2.5", None),
        ("", None),
        ("===2.7.0", "2.7.0"),
    ],
)
def test_lower_bound(spec, expected):
    found = lower_bound(spec)
    assert (str(found[0]) if found else None) == expected


def test_requirements_range_guarantees_its_minimum(tmp_path):
    write(tmp_path, "requirements.txt", "numpy\ntorch>=2.6  # the safe default\n")
    pv = pv_for(tmp_path)
    assert pv.minimum("torch") == Version("2.6")
    assert pv.at_least("torch", "2.6") is True
    assert pv.at_least("torch", "2.7") is False
    assert pv.minimum("numpy") is None and pv.at_least("numpy", "1.0") is False
    assert pv.notes() == ["torch >=2.6 (requirements.txt:2)"]


def test_unpinned_and_unknown_packages_guarantee_nothing(tmp_path):
    write(tmp_path, "requirements.txt", "torch\n")
    pv = pv_for(tmp_path)
    assert pv.minimum("torch") is None
    assert pv.minimum("keras") is None
    assert not pv.at_least("torch", "2.6")


def test_exact_pin_below(tmp_path):
    write(tmp_path, "requirements.txt", "torch==2.5.1\n")
    pv = pv_for(tmp_path)
    assert pv.minimum("Torch") == Version("2.5.1")
    assert pv.at_least("torch", "2.5") and not pv.at_least("torch", "2.6")


def test_lowest_minimum_across_files_wins(tmp_path):
    write(tmp_path, "requirements.txt", "torch>=2.6\n")
    write(tmp_path, "requirements-legacy.txt", "torch>=2.1,<2.6\n")
    write(tmp_path, "pyproject.toml", '[project]\nname = "app"\ndependencies = ["torch"]\n')
    pv = pv_for(tmp_path)
    assert pv.minimum("torch") == Version("2.1")
    assert pv.notes() == ["torch >=2.1 (requirements-legacy.txt:1)", "torch >=2.6 (requirements.txt:1)"]


def test_includes_and_constraints_are_one_install(tmp_path):
    write(tmp_path, "requirements.txt", "-r base.in\n-c pins.in\ntorch\n")
    write(tmp_path, "base.in", "-r requirements.txt\nkeras>=3.0\n")
    write(tmp_path, "pins.in", "torch==2.7.1\n")
    pv = pv_for(tmp_path)
    assert pv.minimum("torch") == Version("2.7.1")
    assert pv.minimum("keras") == Version("3.0")


def test_markers_are_alternatives(tmp_path):
    write(
        tmp_path,
        "requirements.txt",
        """
        torch>=2.6; sys_platform == "linux"
        torch>=2.2; sys_platform == "darwin"
        """,
    )
    assert pv_for(tmp_path).minimum("torch") == Version("2.2")


def test_pyproject_pep621_extras_groups_and_poetry(tmp_path):
    write(
        tmp_path,
        "pyproject.toml",
        """
        [project]
        name = "app"
        dependencies = ["torch>=2.6", "numpy"]
        [project.optional-dependencies]
        dev = ["numpy>=1.26"]
        [dependency-groups]
        test = ["keras>=3.5"]
        [tool.poetry.dependencies]
        python = "^3.10"
        datasets = "^2.19"
        transformers = {version = "4.46.0", extras = ["torch"]}
        """,
    )
    pv = pv_for(tmp_path)
    assert pv.minimum("torch") == Version("2.6")
    assert pv.minimum("numpy") is None  # without the extra, numpy is unconstrained
    assert pv.minimum("keras") == Version("3.5")  # installed only with the group, then >= 3.5
    assert pv.minimum("datasets") == Version("2.19")
    assert pv.minimum("transformers") == Version("4.46.0")
    assert pv.minimum("python") is None


def test_lock_files_are_exact(tmp_path):
    write(tmp_path, "pyproject.toml", '[project]\nname = "app"\ndependencies = ["torch"]\n')
    write(
        tmp_path,
        "uv.lock",
        """
        version = 1

        [[package]]
        name = "torch"
        version = "2.7.0"

        [[package]]
        name = "Keras"
        version = "3.6.0"
        """,
    )
    (tmp_path / "Pipfile.lock").write_text(json.dumps({"default": {"datasets": {"version": "==2.21.0"}}}, indent=4))
    pv = pv_for(tmp_path)
    assert pv.minimum("torch") == Version("2.7.0")
    assert pv.minimum("keras") == Version("3.6.0")
    assert pv.minimum("datasets") == Version("2.21.0")
    assert "torch ==2.7.0 (uv.lock:4)" in pv.notes()


def test_poetry_lock(tmp_path):
    write(tmp_path, "poetry.lock", '[[package]]\nname = "torch"\nversion = "2.3.1"\n')
    assert pv_for(tmp_path).minimum("torch") == Version("2.3.1")


def test_conda_environment(tmp_path):
    write(
        tmp_path,
        "environment.yml",
        """
        name: train
        channels: [pytorch, conda-forge]
        dependencies:
          - python=3.11
          - pytorch=2.6.0
          - pip:
            - keras>=3.4
        """,
    )
    pv = pv_for(tmp_path)
    assert pv.minimum("torch") == Version("2.6.0")
    assert pv.minimum("keras") == Version("3.4")


def test_assume_versions_wins(tmp_path):
    write(tmp_path, "requirements.txt", "torch>=2.0\n")
    pv = pv_for(tmp_path, **{"assume-versions": {"torch": "2.7"}})
    assert pv.at_least("torch", "2.6")
    assert pv.notes()[0] == "torch ==2.7 (assumed: configuration)"


def test_assume_versions_validated():
    with pytest.raises(ConfigError, match=r"assume-versions torch: 'newest' is not a valid version"):
        config_from_mapping({"assume-versions": {"torch": "newest"}})
    with pytest.raises(ConfigError, match="expected a table"):
        config_from_mapping({"assume-versions": ["torch==2.7"]})


def test_nearest_project_directory_wins(tmp_path):
    write(tmp_path, "requirements.txt", "torch>=2.6\n")
    write(tmp_path, "sub/pyproject.toml", '[project]\nname = "sub"\ndependencies = ["torch>=2.1"]\n')
    assert pv_for(tmp_path, "sub/pkg/model.py").minimum("torch") == Version("2.1")
    assert pv_for(tmp_path, "other/model.py").minimum("torch") == Version("2.6")


def test_walk_stops_at_config_root_and_repository_root(tmp_path):
    write(tmp_path, "requirements.txt", "torch>=2.6\n")
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    target = write(tmp_path, "repo/src/train.py", "")
    assert find_project_dir(target, None) is None  # .git stops the walk
    target2 = write(tmp_path, "proj/src/train.py", "")
    assert find_project_dir(target2, tmp_path / "proj") is None
    assert find_project_dir(target2, tmp_path) == tmp_path.resolve()


def test_missing_path_uses_assumptions_only(tmp_path):
    cfg = config_from_mapping({"assume-versions": {"keras": "3.9"}}, root=tmp_path)
    pv = project_versions(cfg, tmp_path / "nope" / "snippet.py")
    assert pv.minimum("keras") == Version("3.9") and pv.minimum("torch") is None


def test_cached_per_config_and_directory(tmp_path):
    write(tmp_path, "requirements.txt", "torch>=2.6\n")
    a = write(tmp_path, "a.py", "")
    b = write(tmp_path, "b.py", "")
    cfg = Config(root=tmp_path)
    assert project_versions(cfg, a) is project_versions(cfg, b)
    assert project_versions(Config(root=tmp_path), a) is not project_versions(cfg, a)


def test_unreadable_file_is_a_note_not_a_crash(tmp_path):
    write(tmp_path, "pyproject.toml", "[project\n")
    write(tmp_path, "requirements.txt", "torch>=2.6\n")
    pv = pv_for(tmp_path)
    assert pv.minimum("torch") == Version("2.6")
    assert any(n.startswith("versions: cannot read pyproject.toml: invalid TOML") for n in pv.notes())
