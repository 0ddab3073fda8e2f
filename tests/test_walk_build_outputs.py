"""``build`` and ``dist`` are skipped as build outputs, never when they are a
package of the project (mmengine's ``mmengine/dist`` holds its distributed
helpers): a security check must not miss source because of a directory name."""

from __future__ import annotations

from pathlib import Path

from mlwarden.core.config import Config, load_config
from mlwarden.core.run import check_paths

LOAD = "import pickle\n\ndef f(b):\n    return pickle.loads(b)\n"


def tree(root: Path) -> None:
    files = {
        "dist/leftover.py": LOAD,  # a build output
        "build/lib/pkg/a.py": LOAD,  # a copy made by setup.py build
        "pkg/__init__.py": "",
        "pkg/dist/__init__.py": "",
        "pkg/dist/comm.py": LOAD,  # a package named dist
        "pkg/build/__init__.py": "",
        "pkg/build/builder.py": LOAD,  # a package named build
        "pkg/Build/notes.py": LOAD,  # another name on a case-sensitive file system
    }
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)


def flagged(root: Path, config: Config) -> set:
    results, _ = check_paths([str(root)], config)
    return {Path(r.path).relative_to(root).as_posix() for r in results if any(f.rule_id == "MLW101" for f in r.findings)}


def test_packages_named_build_or_dist_are_checked_and_build_outputs_are_not(tmp_path):
    tree(tmp_path)
    expected = {"pkg/dist/comm.py", "pkg/build/builder.py"}
    if not (tmp_path / "pkg" / "build").samefile(tmp_path / "pkg" / "Build"):
        expected.add("pkg/Build/notes.py")
    assert flagged(tmp_path, Config(root=tmp_path)) == expected


def test_extend_exclude_still_skips_every_dist(tmp_path):
    tree(tmp_path)
    (tmp_path / "pyproject.toml").write_text('[tool.mlwarden]\nextend-exclude = ["dist"]\n')
    config = load_config(tmp_path / "pyproject.toml", search=False)
    assert "pkg/dist/comm.py" not in flagged(tmp_path, config)
    assert "pkg/build/builder.py" in flagged(tmp_path, config)


def test_your_own_exclude_replaces_the_build_output_default(tmp_path):
    tree(tmp_path)
    (tmp_path / "pyproject.toml").write_text('[tool.mlwarden]\nexclude = [".git"]\n')
    config = load_config(tmp_path / "pyproject.toml", search=False)
    assert {"dist/leftover.py", "build/lib/pkg/a.py", "pkg/dist/comm.py"} <= flagged(tmp_path, config)


def test_a_build_output_named_on_the_command_line_is_checked(tmp_path):
    tree(tmp_path)
    results, _ = check_paths([str(tmp_path / "dist" / "leftover.py")], Config(root=tmp_path))
    assert [f.rule_id for r in results for f in r.findings] == ["MLW101"]
