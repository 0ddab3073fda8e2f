"""No edit is ever lost and what the user owns is kept (issue 11).

Every writer (``strip``, ``check --fix``, ``-o``, ``baseline``) goes through
:mod:`mlwarden.fixers.atomic`. The tests run as root in CI, where
permissions stop nothing; tests of what an ordinary user is refused run
mlwarden with the file-permission capabilities dropped
(``hardening_helpers.run_unprivileged``), after proving that they apply.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import stat
import time
from pathlib import Path

import pytest

from hardening_helpers import console, permissions_apply_check, run_unprivileged

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX links, modes and owners")

GOOD = "import yaml\nyaml.load(f)\n"  # MLW106, safe fix
FIXED = "import yaml\nyaml.safe_load(f)\n"


def notebook(version: int, outputs: bool = True) -> str:
    cell = {
        "cell_type": "code", "execution_count": version if outputs else None, "id": "c1", "metadata": {},
        "outputs": [{"name": "stdout", "output_type": "stream", "text": [f"out {version}\n"]}] if outputs else [],
        "source": [f"print('version {version}')"],
    }
    return json.dumps({"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, indent=1) + "\n"


def version_of(path: Path) -> int:
    source = json.loads(path.read_text())["cells"][0]["source"]
    return int("".join(source).split("version ")[1].rstrip("')"))


@pytest.fixture
def d(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text("[tool.mlwarden]\n")
    return tmp_path


# ---------------------------------------------------------------------------
# a save made while we work is never lost


def test_save_between_read_and_write_is_kept_and_stripped_again(d, run_cli, monkeypatch):
    from mlwarden.commands import strip

    nb = d / "nb.ipynb"
    nb.write_text(notebook(1))
    real = strip.strip_bytes
    calls = []

    def editor_saves_meanwhile(raw, options):
        calls.append(raw)
        if len(calls) == 1:
            tmp = d / ".nb.saving"
            tmp.write_text(notebook(2))
            os.replace(tmp, nb)  # an editor's own atomic save
        return real(raw, options)

    monkeypatch.setattr(strip, "strip_bytes", editor_saves_meanwhile)
    code, out, err = run_cli("strip", "nb.ipynb")
    assert (code, err) == (1, "")
    assert len(calls) == 2  # re-read and stripped again
    assert version_of(nb) == 2 and "out 2" not in nb.read_text()


def test_fix_does_not_overwrite_a_save_made_meanwhile(d, run_cli, monkeypatch):
    from mlwarden.core import fixes

    (d / "a.py").write_text(GOOD)
    real = fixes.fix_unit

    def editor_saves_meanwhile(unit, *args, **kwargs):
        outcome = real(unit, *args, **kwargs)
        (d / "a.py").write_text(GOOD + "x = 1  # saved by the editor\n")
        return outcome

    monkeypatch.setattr(fixes, "fix_unit", editor_saves_meanwhile)
    code, out, err = run_cli("check", "--fix", "--no-cache", "a.py")
    assert code == 2
    assert "a.py: fixes not written: the file changed after it was read" in err
    assert (d / "a.py").read_text() == GOOD + "x = 1  # saved by the editor\n"


def _editor(path: str, saves: int, delay: float) -> None:  # pragma: no cover - child process
    for version in range(1, saves + 1):
        tmp = path + ".saving"
        with open(tmp, "w") as handle:
            handle.write(notebook(version))
        if version % 2:
            os.replace(tmp, path)  # atomic save
        else:
            with open(path, "w") as handle:  # in-place save
                handle.write(notebook(version))
            os.unlink(tmp)
        time.sleep(delay)


def test_real_concurrent_editor_never_loses_a_save(d, run_cli):
    nb = d / "nb.ipynb"
    nb.write_text(notebook(0))
    saves = 150
    ctx = multiprocessing.get_context("spawn")
    editor = ctx.Process(target=_editor, args=(str(nb), saves, 0.002))
    editor.start()
    runs = 0
    try:
        while editor.is_alive():
            code, out, err = run_cli("strip", "nb.ipynb")
            assert "Traceback" not in err
            runs += 1
    finally:
        editor.join(60)
    assert editor.exitcode == 0 and runs > 5
    # the last save is there: as saved, or stripped; never an older version written back over it
    assert version_of(nb) == saves
    code, out, err = run_cli("strip", "nb.ipynb")
    assert version_of(nb) == saves and "out " not in nb.read_text()
    assert not [p.name for p in d.iterdir() if p.name.endswith(".mlwarden-tmp")]


# ---------------------------------------------------------------------------
# links, modes, owners


def test_symlink_stays_a_link_and_its_target_is_written(d, run_cli):
    real = d / "real"
    real.mkdir()
    (real / "nb.ipynb").write_text(notebook(1))
    (real / "a.py").write_text(GOOD)
    os.symlink("real/nb.ipynb", d / "link.ipynb")
    os.symlink("real/a.py", d / "link.py")
    code, out, err = run_cli("strip", "link.ipynb")
    assert code == 1 and os.path.islink(d / "link.ipynb")
    assert "out 1" not in (real / "nb.ipynb").read_text()
    code, out, err = run_cli("check", "--fix", "--no-cache", "link.py")
    assert os.path.islink(d / "link.py") and (real / "a.py").read_text() == FIXED


def test_hard_links_are_refused_with_a_message(d, run_cli):
    (d / "a.py").write_text(GOOD)
    os.link(d / "a.py", d / "b.py")
    (d / "nb.ipynb").write_text(notebook(1))
    os.link(d / "nb.ipynb", d / "nb2.ipynb")
    code, out, err = run_cli("check", "--fix", "--no-cache", "a.py")
    assert code == 2 and "a.py: fixes not written: the file has 2 hard links" in err
    code, out, err = run_cli("strip", "nb.ipynb")
    assert code == 2 and "nb.ipynb: cannot write file: the file has 2 hard links" in err
    assert os.stat(d / "a.py").st_ino == os.stat(d / "b.py").st_ino
    assert (d / "b.py").read_text() == GOOD and (d / "nb2.ipynb").read_text() == notebook(1)


def test_read_only_files_are_left_alone_even_for_root(d, run_cli):
    (d / "a.py").write_text(GOOD)
    (d / "nb.ipynb").write_text(notebook(1))
    for name in ("a.py", "nb.ipynb"):
        (d / name).chmod(0o444)
    code, out, err = run_cli("check", "--fix", "--no-cache", "a.py")
    assert code == 2 and err.startswith("a.py: fixes not written: the file is read-only")
    code, out, err = run_cli("strip", "nb.ipynb")
    assert code == 2 and err == "nb.ipynb: cannot write file: the file is read-only\n"
    assert (d / "a.py").read_text() == GOOD and (d / "nb.ipynb").read_text() == notebook(1)
    assert stat.S_IMODE(os.stat(d / "a.py").st_mode) == 0o444


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="changing an owner needs root (CI runs as root)")
def test_root_keeps_owner_group_and_mode(d, run_cli):
    for name, content in (("a.py", GOOD), ("nb.ipynb", notebook(1))):
        (d / name).write_text(content)
        os.chown(d / name, 65534, 65534)
        (d / name).chmod(0o640)
    run_cli("check", "--fix", "--no-cache", "a.py")
    run_cli("strip", "nb.ipynb")
    assert (d / "a.py").read_text() == FIXED and "out 1" not in (d / "nb.ipynb").read_text()
    for name in ("a.py", "nb.ipynb"):
        st = os.stat(d / name)
        assert (st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode)) == (65534, 65534, 0o640)


def test_read_only_directory_reports_the_write_failure(d, run_cli, tmp_path):
    permissions_apply_check(tmp_path)
    ro = d / "ro"
    ro.mkdir()
    (ro / "a.py").write_text(GOOD)
    ro.chmod(0o555)
    try:
        code, out, err = run_cli("check", "--fix", "--no-cache", "ro/a.py")  # root: refused by the mode bits
        assert code == 2 and "ro/a.py: fixes not written: the directory is read-only" in err
        proc = run_unprivileged([console("mlwarden"), "check", "--fix", "--no-cache", "ro/a.py"], cwd=d)
        assert proc.returncode == 2 and "ro/a.py: fixes not written: the directory is read-only" in proc.stderr
        assert (ro / "a.py").read_text() == GOOD
    finally:
        ro.chmod(0o755)


def test_unreadable_directory_is_reported_with_exit_2(d, tmp_path):
    permissions_apply_check(tmp_path)
    (d / "good.py").write_text(GOOD)
    locked = d / "locked"
    locked.mkdir()
    (locked / "a.py").write_text(GOOD)
    locked.chmod(0)
    try:
        proc = run_unprivileged([console("mlwarden"), "check", "--no-cache", "."], cwd=d)
        assert proc.returncode == 2, proc.stdout + proc.stderr
        assert proc.stderr == "locked: cannot read directory: Permission denied\n"
        assert "good.py:2:1: MLW106" in proc.stdout
        proc = run_unprivileged([console("mlwarden"), "check", "--no-cache", "locked"], cwd=d)
        assert proc.returncode == 2 and proc.stderr == "locked: cannot read directory: Permission denied\n"
    finally:
        locked.chmod(0o755)


def test_unreadable_file_is_reported(d, tmp_path):
    permissions_apply_check(tmp_path)
    (d / "secret.py").write_text(GOOD)
    (d / "secret.py").chmod(0)
    try:
        proc = run_unprivileged([console("mlwarden"), "check", "--no-cache", "secret.py"], cwd=d)
        assert proc.returncode == 2 and proc.stderr == "secret.py: cannot read file: Permission denied\n"
    finally:
        (d / "secret.py").chmod(0o644)


# ---------------------------------------------------------------------------
# reports and baselines


def test_output_file_read_only_is_an_error_and_stream_targets_are_not_replaced(d, run_cli):
    (d / "a.py").write_text(GOOD)
    (d / "report.txt").write_text("old\n")
    (d / "report.txt").chmod(0o444)
    code, out, err = run_cli("check", "-o", "report.txt", "a.py")
    assert code == 2 and err.startswith("mlwarden: error: report.txt: cannot write report: the file is read-only")
    assert (d / "report.txt").read_text() == "old\n"
    os.mkfifo(d / "fifo")
    reader = os.open(d / "fifo", os.O_RDONLY | os.O_NONBLOCK)
    try:
        code, out, err = run_cli("check", "-o", "fifo", "a.py")
        assert code == 1 and stat.S_ISFIFO(os.stat(d / "fifo").st_mode)
        assert b"MLW106" in os.read(reader, 65536)
    finally:
        os.close(reader)


def test_baseline_keeps_its_link(d, run_cli):
    (d / "a.py").write_text(GOOD)
    (d / "store").mkdir()
    (d / "store" / "baseline.json").write_text("{}")
    os.symlink("store/baseline.json", d / ".mlwarden-baseline.json")
    code, out, err = run_cli("baseline", "a.py")
    assert code == 0 and os.path.islink(d / ".mlwarden-baseline.json")
    assert json.loads((d / "store" / "baseline.json").read_text())["findings"]


def test_no_temporary_files_are_left_after_a_refused_write(d, run_cli):
    (d / "a.py").write_text(GOOD)
    (d / "a.py").chmod(0o444)
    run_cli("check", "--fix", "--no-cache", "a.py")
    assert sorted(p.name for p in d.iterdir()) == ["a.py", "pyproject.toml"]


def test_strip_reports_an_unreadable_directory(d, tmp_path):
    permissions_apply_check(tmp_path)
    locked = d / "nbs"
    locked.mkdir()
    (locked / "nb.ipynb").write_text(notebook(1))
    locked.chmod(0)
    try:
        proc = run_unprivileged([console("mlwarden"), "strip", "."], cwd=d)
        assert proc.returncode == 2 and proc.stderr == "nbs: cannot read directory: Permission denied\n"
    finally:
        locked.chmod(0o755)


def test_install_filter_with_a_read_only_gitattributes_is_one_line(d, run_cli):
    import subprocess

    subprocess.run(["git", "init", "-q"], cwd=d, check=True)
    (d / ".gitattributes").write_text("*.bin binary\n")
    (d / ".gitattributes").chmod(0o444)
    code, out, err = run_cli("strip", "--install-filter")
    assert code == 2 and err == ".gitattributes: cannot write file: the file is read-only\n".replace(".gitattributes", str(d / ".gitattributes"))
    assert (d / ".gitattributes").read_text() == "*.bin binary\n"
