"""Big files that a walk meets do not cost their size in memory.

A repository holds gigabyte checkpoints and JSON datasets. With the results
cache on (the default), every file was read whole to hash it before anything
else: a 400 MB `model.pt` cost 411 MB and 2 s where the scanner alone streams
it in 26 MB. Model files now bypass the results cache, and text files (which
the secrets rules skip past 2 MB) are read no further than that. Measured on
a real run in a child process (peak resident memory, `ru_maxrss`), with sparse
files so the test writes almost nothing to disk.
"""

import os
import subprocess
import sys

import pytest

from mlwarden.sources import READ_AT_MOST
from mlwarden.sources import text as text_kind

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="ru_maxrss in kilobytes and sparse files: Linux")

BIG = 600 * 1024 * 1024
CEILING_MB = 200  # the interpreter, libcst and the rules take ~60-100 MB


def _sparse(path, size):
    with open(path, "wb") as handle:
        handle.truncate(size)


def _peak_mb_of(args, cwd):
    code = (
        "import resource, subprocess, sys\n"
        "done = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
        "print(done.returncode); print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)\n"
        "sys.stdout.write(done.stdout)\n"
    )
    done = subprocess.run([sys.executable, "-c", code, *args], cwd=cwd, capture_output=True, text=True, timeout=600, env=dict(os.environ, MLWARDEN_RESIDENT="0"))
    code, peak, *out = done.stdout.splitlines()
    return int(code), float(peak), "\n".join(out)


@pytest.mark.parametrize("name", ["model.pt", "data.json"])
def test_a_big_file_with_the_cache_on_costs_little_memory(tmp_path, name):
    (tmp_path / "pyproject.toml").write_text("[tool.mlwarden]\n")
    _sparse(tmp_path / name, BIG)
    mlwarden = [sys.executable, "-c", "import sys; from mlwarden.cli import main; sys.exit(main())", "check", "."]
    code, peak, out = _peak_mb_of(mlwarden, tmp_path)
    assert peak < CEILING_MB, f"{peak:.0f} MB for a {BIG >> 20} MB {name}"
    again, _, out_again = _peak_mb_of(mlwarden, tmp_path)  # what the cache kept gives the same report
    uncached, _, out_uncached = _peak_mb_of([*mlwarden, "--no-cache"], tmp_path)
    assert (code, out) == (again, out_again) == (uncached, out_uncached)
    if name == "model.pt":
        assert "model.pt:1:1: MLW603" in out  # it was really scanned


def test_the_read_limit_is_the_text_kinds_own():
    assert READ_AT_MOST["text"] == text_kind.MAX_BYTES + 1


def test_a_generated_module_over_the_limit_is_a_quick_one_line_skip(tmp_path):
    """50 MB of Python: one line, exit 2, no rule reads it (the secrets scan
    of every line took 0.4 s and ~25 MB per MB of code before)."""
    (tmp_path / "pyproject.toml").write_text("[tool.mlwarden]\n")
    # no word any code rule looks for: it used to be "checked" by the secrets scan alone
    (tmp_path / "generated.py").write_text("VOCAB = {}\n" + "VOCAB['w'] = 1\n" * 3_200_000)
    mlwarden = [sys.executable, "-c", "import sys; from mlwarden.cli import main; sys.exit(main())", "check", "."]
    done = subprocess.run(mlwarden, cwd=tmp_path, capture_output=True, text=True, timeout=120, env=dict(os.environ, MLWARDEN_RESIDENT="0"))
    assert done.returncode == 2
    assert done.stderr.startswith("generated.py: not checked: 48.0 MB of Python code is more than the 10 MB"), done.stderr
    code, peak, _ = _peak_mb_of(mlwarden, tmp_path)
    assert code == 2 and peak < CEILING_MB, f"{peak:.0f} MB"
