"""Start-up cost: a pre-commit run on files that touch no model-loading code
must not pay for imports it does not need (libcst ~150 ms, nbformat ~70 ms,
detect-secrets and requests, packaging, the model scanner, rule modules that
will not run). Run in a fresh interpreter, as the hook does; the test lists
the modules imported, it does not time anything."""

import json
import os
import subprocess
import sys

import pytest

HEAVY = ("libcst", "nbformat", "detect_secrets", "requests", "urllib3", "packaging", "yaml")

PROBE = """
import json, sys
from mlwarden.cli import main
code = main(sys.argv[1:])
heavy = sorted({m.split(".")[0] for m in sys.modules} & set(json.loads(%r)))
print("HEAVY=" + json.dumps(heavy))
print("MODULES=" + json.dumps(sorted(m for m in sys.modules if m.startswith("mlwarden."))))
print("LIBCST=" + json.dumps(sorted(m for m in sys.modules if m.startswith("libcst."))))
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
    heavy = json.loads(proc.stdout.rsplit("HEAVY=", 1)[1].split("\n", 1)[0])
    return proc.returncode, heavy, proc


def modules(proc):
    return json.loads(proc.stdout.rsplit("MODULES=", 1)[1].split("\n", 1)[0])


def rule_modules_for(kind: str, text: str):
    """The rule modules a clean file of ``kind`` must import: the file rules
    that read every such file (code rules wait for their trigger words, and
    a file rule with a ``text_gate`` for its words in a Python file)."""
    from mlwarden.core.registry import rule_refs

    return sorted(
        f"mlwarden.rules.{r.module}"
        for r in rule_refs()
        if r.kind() == "file" and kind in r.applies_to and r.default_enabled
        and not (kind == "python" and not all(w in text for w in r.text_gate))
    )


@pytest.mark.parametrize("name, text, kind", [
    ("clean.py", CLEAN, "python"),
    ("clean.ipynb", json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
        {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None, "source": ["x = 1\n"]}]}), "notebook"),
])
def test_clean_file_imports_only_the_rules_that_run(tmp_path, name, text, kind):
    (tmp_path / name).write_text(text)
    code, heavy, proc = probe(tmp_path, "check", "--no-cache", name)
    assert code == 0, proc.stderr
    assert heavy == []
    loaded = modules(proc)
    expected = rule_modules_for(kind, text)
    # a rule module may import another one it builds on (core code does not)
    from test_imports import SRC, import_edges

    edges = import_edges(SRC)
    reachable, todo = set(expected), list(expected)
    while todo:
        for target in edges[todo.pop()]:
            if target.startswith("mlwarden.rules.mlw") and target not in reachable:
                reachable.add(target)
                todo.append(target)
    imported = {m for m in loaded if m.startswith("mlwarden.rules.mlw")}
    assert set(expected) <= imported <= reachable
    assert not [m for m in loaded if m.startswith(("mlwarden.artifacts", "mlwarden.core.names", "mlwarden.core.bindings"))]
    assert "mlwarden.commands.strip" not in loaded  # only the command that runs
    if kind == "python":  # the dependency rules wait for `pip` and `install` in a Python file
        assert "mlwarden.rules.mlw301_unpinned_requirement" not in loaded
        assert "mlwarden.sources.dependencies.pip_in_code" not in loaded


@pytest.mark.parametrize("extra", [[], ["--no-cache"], ["--format", "sarif"], ["--format", "json", "--jobs", "2"]])
def test_clean_file_does_not_import_heavy_modules(tmp_path, extra):
    for i in range(5):
        (tmp_path / f"clean{i}.py").write_text(CLEAN)
    code, heavy, proc = probe(tmp_path, "check", *extra, *(f"clean{i}.py" for i in range(5)))
    assert code == 0, proc.stderr
    # JSON and SARIF describe every selected rule, so every rule module is imported (packaging with some)
    assert heavy == ([] if "--format" not in extra else [m for m in heavy if m == "packaging"])


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


LAZY_PROBE = """
import json, sys
from mlwarden.cli import main
code = main(sys.argv[1:])
from mlwarden.core.lazyre import LazyPattern
from mlwarden.secrets import patterns
from mlwarden.core import redact
def compiled(module):
    return sorted(n for n, v in vars(module).items() if isinstance(v, LazyPattern) and "_compiled" in v.__dict__)
print("STATE=" + json.dumps({
    "stdlib": sorted(m for m in ("hashlib", "_sha2", "_sha256", "shutil", "bz2", "lzma", "logging", "platform") if m in sys.modules),
    "providers": sum("_compiled" in p.__dict__ for ps in patterns.PROVIDER_PATTERNS.values() for p in ps),
    "redact": compiled(redact),
}))
sys.exit(code)
"""


def test_clean_file_compiles_no_secret_format_and_imports_no_openssl(tmp_path):
    """What was made lazy for the one-file hook run stays lazy: a file with
    no secret candidate compiles none of the provider formats (34 regexes)
    or redaction patterns (nothing to redact), and imports neither hashlib
    (OpenSSL) nor shutil (argparse's terminal width; bz2, lzma)."""
    (tmp_path / "clean.py").write_text(CLEAN)
    proc = subprocess.run([sys.executable, "-c", LAZY_PROBE, "check", "--no-cache", "clean.py"], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    state = json.loads(proc.stdout.rsplit("STATE=", 1)[1].split("\n", 1)[0])
    assert state == {"stdlib": [], "providers": 0, "redact": []}


def test_the_lazy_probe_sees_compiled_patterns(tmp_path):
    """The probe above can fail: a file with a token compiles the formats
    and hashes the finding."""
    (tmp_path / "leak.py").write_text('HF = "hf_' + "Tq8mW2zLr5Kv9Ny3Bp6Dc1Gf4Hj7Xs0EaU" + '"\n')
    proc = subprocess.run([sys.executable, "-c", LAZY_PROBE, "check", "--no-cache", "leak.py"], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1, proc.stderr
    state = json.loads(proc.stdout.rsplit("STATE=", 1)[1].split("\n", 1)[0])
    assert state["providers"] > 0 and {"_sha2", "_sha256", "hashlib"} & set(state["stdlib"]) and state["redact"]


@pytest.mark.parametrize("text", ["", "pickle.load(f)", "héllo \ud800 wörld", "x" * 100_000])
def test_finding_hashes_are_hashlibs_sha256(text):
    """core/finding.sha256_hex uses CPython's own SHA-256 module (no OpenSSL
    start-up): the digests are hashlib's, so baselines keep matching."""
    import hashlib

    from mlwarden.core.finding import sha256_hex

    assert sha256_hex(text) == hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def test_a_version_aware_rule_does_not_import_packaging_tags(tmp_path):
    """MLW102 looks for the project's torch pin (core/versions.py); in a
    project without dependency files, normalising package names must not
    import packaging.tags (logging, platform, sysconfig: ~6 ms)."""
    (tmp_path / "model.py").write_text("import torch\nmodel = torch.load('m.pt')\n")
    proc = subprocess.run([sys.executable, "-c", LAZY_PROBE, "check", "--no-cache", "model.py"], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1 and "MLW102" in proc.stdout, proc.stderr
    state = json.loads(proc.stdout.rsplit("STATE=", 1)[1].split("\n", 1)[0])
    assert "logging" not in state["stdlib"] and "platform" not in state["stdlib"]


PINS_PROBE = """
import json, sys
from mlwarden.cli import main
code = main(sys.argv[1:])
print("PARSER=" + json.dumps("packaging.requirements" in sys.modules))
sys.exit(code)
"""


@pytest.mark.parametrize(
    "requirements, reported, parser",
    [
        ("torch>=2.6\nnumpy\n", False, False),  # plain pins: read without packaging.requirements
        ("torch>=2.4\nnumpy\n", True, False),
        ("torch>=2.6 ; python_version >= '3.9'\ntorch>=2.4 ; python_version < '3.9'\n", True, True),  # markers: packaging reads them
    ],
)
def test_project_pins_are_read_without_the_full_requirement_parser_when_plain(tmp_path, requirements, reported, parser):
    """A one-file hook run in a real project reads its torch pin (MLW102's
    verdict depends on it); plain requirement lines must not import
    ``packaging.requirements`` (markers, tags, platform, logging: ~10% of
    the run), and the verdict is the pin's either way."""
    (tmp_path / "requirements.txt").write_text(requirements)
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "demo"\nversion = "1.0"\ndependencies = ["accelerate[torch] >=1.0, <2", "tqdm"]\n')
    (tmp_path / "model.py").write_text("import torch\nmodel = torch.load('m.pt')\n")
    proc = subprocess.run([sys.executable, "-c", PINS_PROBE, "check", "--no-cache", "--severity", "medium", "model.py"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert ("MLW102" in proc.stdout) is reported, proc.stdout + proc.stderr
    assert json.loads(proc.stdout.rsplit("PARSER=", 1)[1].split("\n", 1)[0]) is parser


def test_a_run_that_parses_code_does_not_import_libcsts_parser_entry_points(tmp_path):
    """The engine calls libcst's native parser directly
    (core/codecache.parse_module): the pure-Python tokenizer and
    configuration detection behind ``libcst.parse_module`` stay unimported."""
    (tmp_path / "model.py").write_text("import torch\nmodel = torch.load('m.pt')\n")
    code, heavy, proc = probe(tmp_path, "check", "--no-cache", "model.py")
    assert code == 1 and "MLW102" in proc.stdout and "libcst" in heavy, proc.stderr
    loaded = json.loads(proc.stdout.rsplit("LIBCST=", 1)[1].split("\n", 1)[0])
    assert "libcst._nodes.expression" in loaded
    assert not [m for m in loaded if m.startswith("libcst._parser")], loaded


GC_PROBE = """
import gc, json, sys
sys.argv = ["mlwarden"] + sys.argv[1:]
from mlwarden.resident import main
code = main()
print("GC=" + json.dumps([gc.isenabled(), gc.get_freeze_count() > 0]))
sys.exit(code)
"""


def test_a_check_command_pauses_the_collector_only_until_its_first_file(tmp_path):
    """core/startgc.py: the collector is off while ``mlwarden check`` starts,
    frozen and back on once a file is done; the findings are those of the
    plain in-process run (cli.main, no pause)."""
    (tmp_path / "a.py").write_text("import pickle\nobj = pickle.load(open('x.pkl', 'rb'))\n")
    (tmp_path / "b.py").write_text("import yaml\ncfg = yaml.load(open('c.yml'), Loader=yaml.Loader)\n")
    env = dict(os.environ, MLWARDEN_RESIDENT="0")
    args = ["check", "--no-cache", "--isolated", "--format", "json", "a.py", "b.py"]
    paused = subprocess.run([sys.executable, "-c", GC_PROBE, *args], cwd=tmp_path, capture_output=True, text=True, timeout=120, env=env)
    plain = subprocess.run([sys.executable, "-c", "import sys; from mlwarden.cli import main; sys.exit(main(sys.argv[1:]))", *args],
                           cwd=tmp_path, capture_output=True, text=True, timeout=120, env=env)
    assert json.loads(paused.stdout.rsplit("GC=", 1)[1].split("\n", 1)[0]) == [True, True], paused.stderr
    body = paused.stdout.rsplit("GC=", 1)[0]
    assert paused.returncode == plain.returncode == 1
    assert json.loads(body) == json.loads(plain.stdout) and "MLW101" in body and "MLW106" in body


@pytest.mark.parametrize("name", ["Torch", "torch_vision", "A.B-C__d", "x..y", "NumPy", "a-_.b", "", "Ünï_Code"])
def test_canonical_names_are_packagings(name):
    from packaging.utils import canonicalize_name

    from mlwarden.core.versions import canonicalize_name as ours

    assert ours(name) == canonicalize_name(name)


def test_runner_calls_without_pip_do_not_import_the_requirement_parser(tmp_path):
    """pip-in-code reads calls of `run`, `check_call` … only to find pip
    commands: a file that mentions pip in prose and runs other programs must
    not import the requirement parser (`sources.dependencies.installs`,
    `packaging.requirements`: ~60 ms of a hook run on one such file), while a
    real pip command in the same shape still reports (so the probe can see
    the import)."""
    runs = (
        '"""Run `pip install foo` first."""\n'
        "import subprocess\n\n"
        "def build(cmd, out):\n"
        '    subprocess.run(["git", "clone", out])\n'
        "    subprocess.run(cmd, check=True)\n"
    )
    (tmp_path / "build.py").write_text(runs)
    code, _heavy, proc = probe(tmp_path, "check", "--no-cache", "--select", "MLW3", "build.py")
    assert code == 0, proc.stdout + proc.stderr
    assert "mlwarden.sources.dependencies.installs" not in modules(proc)

    (tmp_path / "build.py").write_text(runs + '    subprocess.run(["pip", "install", "torch"])\n')
    code, _heavy, proc = probe(tmp_path, "check", "--no-cache", "--select", "MLW3", "--severity", "low", "build.py")
    assert code == 1 and "MLW301" in proc.stdout, proc.stdout + proc.stderr
    assert "mlwarden.sources.dependencies.installs" in modules(proc)
