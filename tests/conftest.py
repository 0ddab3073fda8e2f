import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
SHARED = ROOT.parent / "shared"


def pytest_addoption(parser):
    parser.addoption("--skip-slow", action="store_true", help="skip tests marked slow (pre-commit try-repo, corpora)")


def pytest_collection_modifyitems(config, items):
    if config.getoption("--skip-slow"):
        skip = pytest.mark.skip(reason="--skip-slow given")
        for item in items:
            if "slow" in item.keywords:
                item.add_marker(skip)


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
