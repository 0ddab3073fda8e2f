"""Start-up cost: a pre-commit run on files that touch no model-loading code
must not pay for the heavy imports (libcst ~150 ms, nbformat ~70 ms,
detect-secrets). Run in a fresh interpreter, as the hook does."""

import json
import subprocess
import sys

import pytest

HEAVY = ("libcst", "nbformat", "detect_secrets")

PROBE = """
import json, sys
from mlwarden.cli import main
code = main(sys.argv[1:])
heavy = sorted({m.split(".")[0] for m in sys.modules} & set(json.loads(%r)))
print("HEAVY=" + json.dumps(heavy))
sys.exit(code)
""" % json.dumps(HEAVY)

CLEAN = '''"""Training utilities (mentions pickle and torch.load only in prose)."""
import os


def data_dir(root):
    # torch.load is not called here
    return os.path.join(root, "data")
'''


def probe(tmp_path, *args):
    proc = subprocess.run([sys.executable, "-c", PROBE, *args], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    heavy = json.loads(proc.stdout.rsplit("HEAVY=", 1)[1])
    return proc.returncode, heavy, proc


@pytest.mark.parametrize("extra", [[], ["--no-cache"], ["--format", "sarif"], ["--format", "json", "--jobs", "2"]])
def test_clean_file_does_not_import_heavy_modules(tmp_path, extra):
    for i in range(5):
        (tmp_path / f"clean{i}.py").write_text(CLEAN)
    code, heavy, proc = probe(tmp_path, "check", *extra, *(f"clean{i}.py" for i in range(5)))
    assert code == 0, proc.stderr
    assert heavy == []


def test_second_run_from_the_cache_does_not_import_heavy_modules(tmp_path):
    (tmp_path / "model.py").write_text("import torch\nmodel = torch.load('m.pt')\n")
    code, heavy, proc = probe(tmp_path, "check", "model.py")
    assert code == 1 and "libcst" in heavy  # the first run parses it
    code, heavy, proc = probe(tmp_path, "check", "model.py")
    assert code == 1 and "MLW102" in proc.stdout
    assert heavy == []


def test_the_probe_can_see_heavy_imports(tmp_path):
    (tmp_path / "model.py").write_text("import torch\nmodel = torch.load('m.pt')\n")
    code, heavy, proc = probe(tmp_path, "check", "--no-cache", "model.py")
    assert code == 1 and "libcst" in heavy
