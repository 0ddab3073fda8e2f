"""Version-aware rules: the same code is flagged or not depending on the
project's pins (a sibling requirements / pyproject / lock file) and on
`[tool.mlwarden] assume-versions`."""

import pytest

from conftest import run_tool
from mlwarden.commands.check import check_paths
from mlwarden.core.config import Config, load_config
from mlwarden.core.finding import Severity

TORCH_LOAD = "import torch\n\nstate = torch.load('model.pt')\n"


def project(tmp_path, files):
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path


def found(root, select, config=None):
    config = config or Config(select=select, root=root)
    results, _ = check_paths([str(root / "src")], config)
    assert not [e for r in results for e in r.errors]
    return [(f.rule_id, f.line, f.severity.value, f.message) for r in results for f in r.findings]


@pytest.mark.parametrize(
    "files, flagged",
    [
        ({"requirements.txt": "torch>=2.6\n"}, False),
        ({"requirements.txt": "torch==2.7.1\nnumpy\n"}, False),
        ({"requirements.txt": "torch>=2.4,!=2.5.0\n"}, True),
        ({"requirements.txt": "torch\n"}, True),  # a bare name guarantees nothing
        ({}, True),  # no dependency file at all
        ({"pyproject.toml": '[project]\nname = "x"\nversion = "1"\ndependencies = ["torch>=2.6.0"]\n'}, False),
        ({"pyproject.toml": '[project]\nname = "x"\nversion = "1"\ndependencies = ["torch~=2.5"]\n'}, True),
        ({"requirements.txt": "torch>=2.6\n", "requirements-old.txt": "torch==2.3.1\n"}, True),  # either may be installed
    ],
    ids=["req-2.6", "req-pinned-2.7", "req-2.4", "bare-name", "nothing", "pyproject-2.6", "pyproject-2.5", "two-files"],
)
def test_torch_load_default_depends_on_pins(tmp_path, files, flagged):
    root = project(tmp_path, {**files, "src/train.py": TORCH_LOAD, ".git/HEAD": "ref: refs/heads/main\n"})
    got = found(root, ["MLW102"])
    if flagged:
        assert [(rule, line) for rule, line, _, _ in got] == [("MLW102", 3)]
        assert "CVE-2025-32434" in got[0][3]
    else:
        assert got == []


def test_message_names_the_lowest_allowed_torch(tmp_path):
    root = project(tmp_path, {"requirements.txt": "torch>=2.4\n", "src/train.py": TORCH_LOAD, ".git/HEAD": ""})
    (_, _, _, message), = found(root, ["MLW102"])
    assert message == (
        "`torch.load` without `weights_only=True` can run code from the checkpoint: before torch 2.6 the default is "
        "`False` and `weights_only` can be bypassed (CVE-2025-32434), and this project allows torch 2.4; pass "
        "`weights_only=True` and require torch>=2.6"
    )


def test_lock_file_version_counts(tmp_path):
    lock = '[[package]]\nname = "torch"\nversion = "2.5.1"\n'
    root = project(tmp_path, {"uv.lock": lock, "pyproject.toml": '[project]\nname = "x"\nversion = "1"\n', "src/train.py": TORCH_LOAD, ".git/HEAD": ""})
    assert [r for r, *_ in found(root, ["MLW102"])] == ["MLW102"]
    (root / "uv.lock").write_text(lock.replace("2.5.1", "2.6.0"), encoding="utf-8")
    assert found(root, ["MLW102"], Config(select=["MLW102"], root=root)) == []


def test_assume_versions_wins_over_files(tmp_path):
    root = project(
        tmp_path,
        {
            "requirements.txt": "torch>=2.4\n",
            "pyproject.toml": '[tool.mlwarden]\nselect = ["MLW102"]\nassume-versions = {torch = "2.6"}\n',
            "src/train.py": TORCH_LOAD,
            ".git/HEAD": "",
        },
    )
    assert found(root, None, load_config(root / "pyproject.toml")) == []
    (root / "pyproject.toml").write_text('[tool.mlwarden]\nselect = ["MLW102"]\nassume-versions = {torch = "2.5"}\n', encoding="utf-8")
    (root / "requirements.txt").write_text("torch>=2.7\n", encoding="utf-8")
    assert [r for r, *_ in found(root, None, load_config(root / "pyproject.toml"))] == ["MLW102"]


def test_weights_only_false_is_always_flagged(tmp_path):
    root = project(tmp_path, {"requirements.txt": "torch==2.8.0\n", "src/train.py": "import torch\ntorch.load(p, weights_only=False)\n", ".git/HEAD": ""})
    assert [(r, line) for r, line, *_ in found(root, ["MLW102"])] == [("MLW102", 2)]


def test_pickle_module_is_flagged_on_new_torch(tmp_path):
    root = project(tmp_path, {"requirements.txt": "torch==2.8.0\n", "src/train.py": "import torch, dill\ntorch.load(p, pickle_module=dill)\n", ".git/HEAD": ""})
    assert [(r, line) for r, line, *_ in found(root, ["MLW102"])] == [("MLW102", 2)]


def test_keras_safe_mode_message_depends_on_keras(tmp_path):
    code = "import keras\nm = keras.models.load_model('m.keras', safe_mode=False)\n"
    root = project(tmp_path, {"requirements.txt": "keras>=3.0\n", "src/m.py": code, ".git/HEAD": ""})
    (_, _, _, message), = found(root, ["MLW108"])
    assert message.endswith("(and require keras>=3.11.3: `safe_mode` is bypassable before it)")
    (root / "requirements.txt").write_text("keras==3.11.3\n", encoding="utf-8")
    (_, _, _, message), = found(root, ["MLW108"], Config(select=["MLW108"], root=root))
    assert "3.11.3" not in message


def test_load_dataset_remote_code_is_dead_code_on_datasets_4(tmp_path):
    code = "from datasets import load_dataset\nds = load_dataset('org/data', trust_remote_code=True)\n"
    root = project(tmp_path, {"requirements.txt": "datasets>=4.0\n", "src/d.py": code, ".git/HEAD": ""})
    assert found(root, ["MLW201"]) == []  # low: hidden by a default run
    assert found(root, ["MLW201"], Config(select=["MLW201"], root=root, severity=Severity.LOW)) == [
        (
            "MLW201",
            2,
            "low",
            "`datasets.load_dataset(..., trust_remote_code=True)` is dead code with datasets >= 4, which no longer runs dataset scripts; remove `trust_remote_code`",
        )
    ]
    (root / "requirements.txt").write_text("datasets>=3.6\n", encoding="utf-8")
    ((rule, line, severity, message),) = found(root, ["MLW201"], Config(select=["MLW201"], root=root, severity=Severity.LOW))
    assert (rule, line, severity) == ("MLW201", 2, "high")
    assert "runs Python code from the model repository" in message


def test_verbose_prints_assumed_versions(tmp_path, run_cli, monkeypatch):
    root = project(tmp_path, {"requirements.txt": "torch>=2.6\n", "src/train.py": TORCH_LOAD, ".git/HEAD": ""})
    monkeypatch.chdir(root)
    code, out, _ = run_cli("check", "--isolated", "--select", "MLW102", "--verbose", "src")
    assert code == 0
    assert f"note: assumed version ({root}): torch >=2.6 (requirements.txt:1)" in out.splitlines()


def test_flake8_is_version_aware_too(tmp_path):
    root = project(tmp_path, {"requirements.txt": "torch>=2.6\n", "src/train.py": TORCH_LOAD, ".git/HEAD": ""})
    proc = run_tool("flake8", "--select", "MLW", "src/train.py", cwd=root)
    assert proc.stdout == "" and proc.returncode == 0, proc.stdout + proc.stderr
    (root / "requirements.txt").write_text("torch>=2.5\n", encoding="utf-8")
    proc = run_tool("flake8", "--select", "MLW", "src/train.py", cwd=root)
    assert proc.stdout.startswith("src/train.py:3:9: MLW102 "), proc.stdout + proc.stderr
