import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
SHARED = ROOT.parent / "shared"

# Bytecode. Where the environment sets PYTHONDONTWRITEBYTECODE (CI images
# and this project's machines do), nothing is ever cached: every run and
# every xdist worker rewrote the asserts of all test modules again (~5 s of
# CPU each), and every `mlwarden`/`flake8` subprocess the tests start
# compiled mlwarden's ~150 modules from source (~0.16 s each). The suite
# writes its bytecode (gitignored `__pycache__`, excluded from the sdist by
# MANIFEST.in); subprocesses keep the environment's setting and read it.
sys.dont_write_bytecode = False

# The resident process (mlwarden.resident) stays off for every command the
# tests start, so none outlives the suite and each run is the in-process one
# the test means; tests/test_resident.py turns it on in its own directories.
os.environ["MLWARDEN_RESIDENT"] = "0"


def run_slow(config) -> bool:
    """Slow tests (real pre-commit runs, large inputs) run in
    CI (the ``CI`` environment variable is set, as ``.ci/run`` and CI services
    do) or with ``--run-slow``; a default local run skips them. ``--skip-slow``
    skips them everywhere."""
    if config.getoption("--skip-slow"):
        return False
    return bool(config.getoption("--run-slow") or os.environ.get("CI"))


def pytest_configure(config):
    if not hasattr(config, "workerinput"):  # once, in the controlling process
        import compileall

        import mlwarden

        compileall.compile_dir(str(Path(mlwarden.__file__).parent), quiet=2)


def pytest_addoption(parser):
    parser.addoption("--run-slow", action="store_true", help="also run the tests marked slow (the default when CI is set)")
    parser.addoption("--skip-slow", action="store_true", help="skip the tests marked slow, even in CI")


def pytest_collection_modifyitems(config, items):
    _apply_local_budget(items)
    if run_slow(config):
        return
    why = "--skip-slow given" if config.getoption("--skip-slow") else "slow: runs in CI or with --run-slow"
    skip = pytest.mark.skip(reason=why)
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)
        elif not in_local_sample(item):
            item.add_marker(pytest.mark.skip(reason="sweep: a default local run keeps a sample; CI and --run-slow run every case"))


def _test_id(item) -> str:
    return item.nodeid.split("[", 1)[0]


def _apply_local_budget(items) -> None:
    """Mark the tests ``local_budget.py`` names (``slow``, or a sweep); a
    name that matches no test of a collected file is an error."""
    from local_budget import SLOW, SWEEP

    collected = {_test_id(item) for item in items} | {item.nodeid for item in items}
    files = {test_id.split("::", 1)[0] for test_id in collected}
    # a file named with a test id (`file::test[param]`) is collected in part
    for arg in items[0].config.args if items else ():
        if "::" in arg:
            files.discard("tests/" + arg.split("::", 1)[0].replace("\\", "/").split("tests/", 1)[-1])
    stale = sorted(key for key in (*SLOW, *SWEEP) if key.split("::", 1)[0] in files and key not in collected)
    if stale:
        raise pytest.UsageError(f"tests/local_budget.py names tests that do not exist (renamed?): {', '.join(stale)}")
    for item in items:
        if _test_id(item) in SLOW or item.nodeid in SLOW:
            item.add_marker(pytest.mark.slow)


def in_local_sample(item) -> bool:
    """Whether a case of a ``@pytest.mark.sweep(every=N)`` test (or one
    ``local_budget.SWEEP`` names) is one a default local run keeps: one in
    N, chosen by a hash of its test id (the same cases on every machine and
    run, independent of the order)."""
    import zlib

    from local_budget import SWEEP

    marker = item.get_closest_marker("sweep")
    every = SWEEP.get(_test_id(item), 1)
    if marker is not None:
        every = max(every, int(marker.kwargs.get("every", marker.args[0] if marker.args else 3)))
    if every <= 1:
        return True
    return zlib.crc32(item.nodeid.encode("utf-8")) % every == 0


@pytest.fixture
def run_cli(capsys):
    """Run `mlwarden ARGS` in-process; returns (exit code, stdout, stderr)."""
    from mlwarden.cli import main

    def run(*args):
        code = main([str(a) for a in args])
        out, err = capsys.readouterr()
        return code, out, err

    return run


def run_tool(*args, cwd=None, input=None, env=None):
    """Run a real executable from this environment's bin directory."""
    exe = Path(sys.executable).parent / args[0]
    cmd = [str(exe) if exe.exists() else (shutil.which(args[0]) or args[0]), *map(str, args[1:])]
    return subprocess.run(cmd, cwd=cwd, input=input, capture_output=True, text=True, env=env, timeout=600)
