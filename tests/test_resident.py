"""The resident process (``mlwarden.resident``): real commands, real sockets.

Every test runs the ``mlwarden`` command as a user's shell does (a new
Python process whose entry is :func:`mlwarden.resident.main`), in its own
socket directory (``XDG_RUNTIME_DIR``), and stops the parent it started.
The promise under test: a command served by the resident parent prints the
same bytes and exits with the same status as the same command in-process,
and anything unsafe or unusual falls back to the in-process run.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT

pytestmark = pytest.mark.skipif(not hasattr(os, "fork") or not hasattr(os, "getuid"), reason="the resident process needs fork and Unix sockets")

DEMO = FIXTURES / "demo"


def _short_runtime_dir() -> Path:
    """A socket path must fit in ~100 bytes; pytest's tmp_path may not."""
    import tempfile

    return Path(tempfile.mkdtemp(prefix="mlwr-"))


def _environment(bin_dir: Path):
    runtime = _short_runtime_dir()
    env = dict(os.environ, XDG_RUNTIME_DIR=str(runtime), MLWARDEN_RESIDENT="1", MLWARDEN_RESIDENT_IDLE="120")
    env.pop("CI", None)
    launcher = bin_dir / "mlwarden-launcher.py"
    launcher.parent.mkdir(exist_ok=True)
    launcher.write_text("import sys\nfrom mlwarden.resident import main\nsys.exit(main())\n")
    return runtime, env, launcher


@pytest.fixture
def resident_env(tmp_path):
    """A socket directory of its own, no parent yet."""
    runtime, env, launcher = _environment(tmp_path / "bin")
    yield env, launcher
    _stop_all(runtime / "mlwarden")
    shutil.rmtree(runtime, ignore_errors=True)


@pytest.fixture(scope="module")
def served_env(tmp_path_factory):
    """One running parent shared by the tests that compare outputs (each
    command is a fresh fork of it anyway)."""
    base = tmp_path_factory.mktemp("resident")
    runtime, env, launcher = _environment(base / "bin")
    _start(launcher, env, base)
    yield env, launcher
    _stop_all(runtime / "mlwarden")
    shutil.rmtree(runtime, ignore_errors=True)


def _stop_all(directory: Path) -> None:
    """Stop every parent a test started (the socket's owner, by status)."""
    if not directory.is_dir():
        return
    from mlwarden.resident import status

    for sock in directory.glob("*.sock"):
        answer = status(str(sock))
        if answer and isinstance(answer.get("pid"), int):
            try:
                os.kill(answer["pid"], signal.SIGTERM)
            except OSError:
                pass


def _run(launcher, env, *args, cwd=None, stdin=None, resident=True):
    env = dict(env, MLWARDEN_RESIDENT="1" if resident else "0")
    done = subprocess.run([sys.executable, str(launcher), *map(str, args)], cwd=cwd, env=env, input=stdin, capture_output=True, timeout=300)
    return done.returncode, done.stdout, done.stderr


def _served(env) -> int:
    """Commands the running parent has served (0 when there is none)."""
    from mlwarden.resident import status

    directory = Path(env["XDG_RUNTIME_DIR"]) / "mlwarden"
    total = 0
    for sock in directory.glob("*.sock") if directory.is_dir() else ():
        answer = status(str(sock))
        total += answer.get("served", 0) if answer else 0
    return total


def _wait_for_parent(env, timeout=60.0) -> None:
    from mlwarden.resident import status

    directory = Path(env["XDG_RUNTIME_DIR"]) / "mlwarden"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if directory.is_dir() and any(status(str(s)) for s in directory.glob("*.sock")):
            return
        time.sleep(0.1)
    raise AssertionError("no resident parent started")


def _start(launcher, env, tmp_path):
    """One in-process run that starts the parent; wait until it answers."""
    (tmp_path / "empty").mkdir(exist_ok=True)
    _run(launcher, env, "check", tmp_path / "empty")
    _wait_for_parent(env)


@pytest.mark.parametrize("args", [
    ("check", "."),
    ("check", ".", "--format", "json", "--severity", "low"),
    ("check", ".", "--format", "sarif"),
    ("check", "--statistics", "."),
    ("check", "no-such-file.py"),
    ("check", "--select", "NOPE1", "."),
    ("rules",),
    ("explain", "MLW102"),
    ("strip", "--check", "."),
])
def test_served_commands_print_the_same_bytes(served_env, tmp_path, args):
    env, launcher = served_env
    project = tmp_path / "demo"
    shutil.copytree(DEMO, project)
    before = _served(env)
    served = _run(launcher, env, *args, cwd=project)
    assert _served(env) == before + 1, "the command was not served by the resident parent"
    in_process = _run(launcher, env, *args, cwd=project, resident=False)
    assert served == in_process
    if args == ("check", "."):
        assert served[0] == 1 and b"MLW" in served[1]


def test_standard_input_and_output_are_the_commands(served_env, tmp_path):
    """A git clean filter: the notebook comes on stdin, the stripped one goes
    to stdout, through the parent."""
    env, launcher = served_env
    notebook = {
        "cells": [{"cell_type": "code", "execution_count": 3, "id": "c1", "metadata": {}, "outputs": [{"name": "stdout", "output_type": "stream", "text": ["hello\n"]}], "source": ["print('hello')"]}],
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    data = json.dumps(notebook).encode()
    before = _served(env)
    served = _run(launcher, env, "strip", "--stdin", cwd=tmp_path, stdin=data)
    assert _served(env) == before + 1
    assert served == _run(launcher, env, "strip", "--stdin", cwd=tmp_path, stdin=data, resident=False)
    stripped = json.loads(served[1])
    assert stripped["cells"][0]["outputs"] == [] and stripped["cells"][0]["execution_count"] is None


def test_each_command_gets_its_own_directory_environment_and_configuration(served_env, tmp_path):
    """Two projects served by one parent: each run reads its own working
    directory, environment and configuration, nothing of the run before."""
    env, launcher = served_env
    loose = tmp_path / "loose"
    strict = tmp_path / "strict"
    for project in (loose, strict):
        project.mkdir()
        (project / "train.py").write_text("import torch\n\ndef restore(path):\n    return torch.load(path)\n")
    (strict / "pyproject.toml").write_text("[project]\nname = 'strict'\ndependencies = ['torch>=2.6']\n\n[tool.mlwarden]\nignore = ['MLW102']\n")
    before = _served(env)
    results = [_run(launcher, env, "check", ".", cwd=project) for project in (loose, strict, loose)]
    assert _served(env) == before + 3
    assert results[0] == results[2]
    assert b"MLW102" in results[0][1] and b"MLW102" not in results[1][1]
    for project, result in zip((loose, strict), results):
        assert result == _run(launcher, env, "check", ".", cwd=project, resident=False)
    coloured = dict(env, NO_COLOR="1", MLWARDEN_DEBUG="1")
    assert _run(launcher, coloured, "check", ".", cwd=loose) == _run(launcher, coloured, "check", ".", cwd=loose, resident=False)


def test_a_secret_is_redacted_the_same_way(served_env, tmp_path):
    env, launcher = served_env
    project = tmp_path / "p"
    project.mkdir()
    token = "hf_" + "".join("aZ3kQ9pL2mX7vB4nR8tY1wE6uI5oP0sDfG"[i % 34] for i in range(34))
    (project / "settings.py").write_text(f"HF_TOKEN = {token!r}\n")
    served = _run(launcher, env, "check", ".", "--format", "json", cwd=project)
    assert served == _run(launcher, env, "check", ".", "--format", "json", cwd=project, resident=False)
    assert b"MLW4" in served[1] and token.encode() not in served[1] + served[2]


def test_no_parent_without_a_safe_socket_directory(tmp_path):
    """A socket directory others can enter is not used: the command runs
    in-process, correctly, and starts nothing."""
    runtime = _short_runtime_dir()
    (runtime / "mlwarden").mkdir(parents=True)
    os.chmod(runtime / "mlwarden", 0o777)
    env = dict(os.environ, XDG_RUNTIME_DIR=str(runtime), MLWARDEN_RESIDENT="1")
    launcher = tmp_path / "launcher.py"
    launcher.write_text("import sys\nfrom mlwarden.resident import main\nsys.exit(main())\n")
    code, out, _ = _run(launcher, env, "check", DEMO / "train.py")
    assert code == 1 and b"MLW" in out
    time.sleep(1.0)
    assert list((runtime / "mlwarden").iterdir()) == []


def test_switched_off_starts_nothing(resident_env, tmp_path):
    env, launcher = resident_env
    for switch in ({"MLWARDEN_RESIDENT": "0"}, {"MLWARDEN_RESIDENT": "", "CI": "true"}):
        done = subprocess.run([sys.executable, str(launcher), "check", str(DEMO / "train.py")], env=dict(env, **switch), capture_output=True, timeout=300)
        assert done.returncode == 1 and b"MLW" in done.stdout
    time.sleep(1.0)
    directory = Path(env["XDG_RUNTIME_DIR"]) / "mlwarden"
    assert not directory.exists() or not list(directory.glob("*.sock"))


def test_an_idle_parent_exits_and_removes_its_socket(resident_env, tmp_path):
    env, launcher = resident_env
    env = dict(env, MLWARDEN_RESIDENT_IDLE="1")
    _start(launcher, env, tmp_path)
    directory = Path(env["XDG_RUNTIME_DIR"]) / "mlwarden"
    deadline = time.monotonic() + 30
    while list(directory.glob("*.sock")) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not list(directory.glob("*.sock"))


def test_stop_removes_the_sockets(resident_env, tmp_path):
    env, launcher = resident_env
    _start(launcher, env, tmp_path)
    done = subprocess.run([sys.executable, "-m", "mlwarden.resident", "stop"], env=env, capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert done.returncode == 0 and "removed 1 socket" in done.stdout
    assert not list((Path(env["XDG_RUNTIME_DIR"]) / "mlwarden").glob("*.sock"))
    # the next command runs in-process and starts a new parent
    assert _run(launcher, env, "check", DEMO / "train.py")[0] == 1


def test_the_name_changes_with_the_installation(monkeypatch, tmp_path):
    """A changed mlwarden file, another interpreter setting or an installed
    package gives another socket name, so a stale parent is never used."""
    from mlwarden import resident

    package = tmp_path / "mlwarden"
    package.mkdir()
    module = package / "resident.py"
    module.write_text("x = 1\n")
    (package / "engine.py").write_text("y = 2\n")
    site = tmp_path / "site-packages"
    site.mkdir()
    monkeypatch.setattr(resident, "__file__", str(module))
    monkeypatch.setattr(sys, "path", [str(tmp_path / "bin"), str(site)])
    first = resident.key()
    assert resident.key() == first
    (package / "engine.py").write_text("y = 3\n")
    os.utime(package / "engine.py", ns=(1, 1))
    second = resident.key()
    assert second != first
    monkeypatch.setenv("PYTHONIOENCODING", "latin-1")
    third = resident.key()
    assert third != second
    (site / "newpkg").mkdir()
    os.utime(site, ns=(2, 2))
    assert resident.key() != third


def test_console_script_and_module_go_through_the_resident_entry():
    text = (ROOT / "pyproject.toml").read_text()
    assert 'mlwarden = "mlwarden.resident:main"' in text
    assert "from mlwarden.resident import main" in (ROOT / "src" / "mlwarden" / "__main__.py").read_text()


def test_the_client_imports_only_built_in_modules_before_it_is_served():
    """What a served command costs before the parent takes over: nothing
    beyond built-in and frozen modules plus ``socket`` and ``zlib``."""
    code = (
        "import sys; before = set(sys.modules)\n"
        "from mlwarden import resident\n"
        "resident.enabled(['check']); resident.socket_path()\n"
        "import socket, marshal\n"
        "print(sorted(set(sys.modules) - before))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=dict(os.environ, MLWARDEN_RESIDENT="1"))
    added = set(eval(done.stdout))  # noqa: S307 - our own printed list
    heavy = {m for m in added if m.split(".")[0] in {"libcst", "detect_secrets", "nbformat", "argparse", "json", "pathlib", "typing", "requests", "packaging"} or m.startswith("mlwarden.") and m not in ("mlwarden.resident", "mlwarden._version")}
    assert not heavy, heavy


def test_a_served_fix_writes_the_same_files(served_env, tmp_path):
    """`--fix` in the child writes into the command's directory with the
    command's umask: the same bytes and modes as the in-process fix."""
    env, launcher = served_env
    source = "import torch\n\n\ndef restore(path):\n    return torch.load(path, weights_only=False)\n"
    trees = []
    for name, resident in (("served", True), ("in_process", False)):
        project = tmp_path / name
        project.mkdir()
        (project / "pyproject.toml").write_text("[project]\nname = 'p'\ndependencies = ['torch>=2.6']\n")
        (project / "train.py").write_text(source)
        before = _served(env)
        result = _run(launcher, env, "check", "--fix", "--unsafe-fixes", ".", cwd=project, resident=resident)
        assert _served(env) == before + (1 if resident else 0)
        trees.append((result, (project / "train.py").read_bytes(), oct((project / "train.py").stat().st_mode)))
    assert trees[0] == trees[1]
    assert trees[0][1] != source.encode(), "the fix changed nothing: the comparison proves nothing"


def test_ctrl_c_reaches_the_served_command(served_env, tmp_path):
    """The child is in the parent's session, away from the terminal: the
    command passes SIGINT on, and exits as an interrupted command does."""
    env, launcher = served_env
    before = _served(env)
    proc = subprocess.Popen([sys.executable, str(launcher), "strip", "--stdin"], cwd=tmp_path, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 30
    while _served(env) == before and time.monotonic() < deadline:  # the child is reading stdin
        time.sleep(0.05)
    assert _served(env) == before + 1
    time.sleep(0.3)
    proc.send_signal(signal.SIGINT)
    proc.wait(timeout=60)  # standard input stays open: only the signal can end it
    out, err = proc.stdout.read(), proc.stderr.read()
    proc.stdin.close()
    assert proc.returncode == 130, (out, err)
    assert b"interrupted" in err


def test_a_terminated_parent_removes_its_socket(resident_env, tmp_path):
    """`kill` (SIGTERM) leaves no socket that answers nothing."""
    from mlwarden.resident import status

    env, launcher = resident_env
    _start(launcher, env, tmp_path)
    sockets = list((Path(env["XDG_RUNTIME_DIR"]) / "mlwarden").glob("*.sock"))
    assert len(sockets) == 1
    os.kill(status(str(sockets[0]))["pid"], signal.SIGTERM)
    deadline = time.monotonic() + 30
    while sockets[0].exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not sockets[0].exists()
