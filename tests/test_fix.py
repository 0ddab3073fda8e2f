"""`mlwarden check --fix / --unsafe-fixes / --diff` on real files."""

import json
import os

import pytest

from conftest import run_tool
from mlwarden.core.registry import all_rules

FIXABLE = [r for r in all_rules() if r.fixable()]

SOURCE = (
    "import torch\n"
    "import yaml\n"
    "\n"
    "cfg = yaml.load(stream)\n"
    'state = torch.load("model.pt")\n'
)
SAFE_FIXED = SOURCE.replace("yaml.load(stream)", "yaml.safe_load(stream)")
ALL_FIXED = SAFE_FIXED.replace('torch.load("model.pt")', 'torch.load("model.pt", weights_only=True)')


def write(path, text, newline="\n", bom=False):
    data = text.replace("\n", newline).encode("utf-8")
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return path


@pytest.mark.parametrize(
    "rule, case",
    [(r, c) for r in FIXABLE for c in r.INVALID if c.fixed is not None and c.filename.endswith(".py")],
    ids=lambda x: getattr(x, "id", None) or "",
)
def test_cli_applies_each_rules_example_fix(tmp_path, run_cli, rule, case):
    """The CLI turns every fixable INVALID example into its `fixed` code."""
    path = write(tmp_path / "example.py", case.code)
    code, out, err = run_cli("check", "--isolated", "--select", rule.id, "--unsafe-fixes", path)
    assert path.read_text(encoding="utf-8") == case.fixed
    assert f"Fixing {path}" in out
    assert code == 1, err  # a fixer that changed a file exits 1


def test_fix_applies_only_safe_fixes(tmp_path, run_cli):
    path = write(tmp_path / "train.py", SOURCE)
    code, out, err = run_cli("check", "--isolated", "--select", "MLW102,MLW106", "--fix", path)
    assert path.read_text(encoding="utf-8") == SAFE_FIXED
    lines = out.splitlines()
    assert lines[0] == f"Fixing {path}"
    # what is left is reported: the unsafe torch.load fix was not applied
    assert [line.split(": ")[1].split(" ")[0] for line in lines[1:-1]] == ["MLW102"]
    assert lines[-1] == "Found 1 finding (1 file checked). 1 fixable with --fix --unsafe-fixes."
    assert code == 1


def test_unsafe_fixes_apply_everything(tmp_path, run_cli):
    path = write(tmp_path / "train.py", SOURCE)
    code, out, _ = run_cli("check", "--isolated", "--select", "MLW102,MLW106", "--unsafe-fixes", path)
    assert path.read_text(encoding="utf-8") == ALL_FIXED
    assert out == f"Fixing {path}\nNo findings (1 file checked).\n"
    assert code == 1


def test_second_run_changes_nothing(tmp_path, run_cli):
    path = write(tmp_path / "train.py", SOURCE)
    run_cli("check", "--isolated", "--select", "MLW102,MLW106", "--unsafe-fixes", path)
    before = path.read_bytes()
    mtime = os.stat(path).st_mtime_ns
    code, out, _ = run_cli("check", "--isolated", "--select", "MLW102,MLW106", "--unsafe-fixes", path)
    assert (code, out) == (0, "No findings (1 file checked).\n")
    assert path.read_bytes() == before
    assert os.stat(path).st_mtime_ns == mtime  # not rewritten


def test_diff_writes_nothing(tmp_path, run_cli, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = write(tmp_path / "train.py", SOURCE)
    before = path.read_bytes()
    code, out, err = run_cli("check", "--isolated", "--select", "MLW102,MLW106", "--diff", "--unsafe-fixes", "train.py")
    assert path.read_bytes() == before
    assert code == 1
    assert out == (
        "--- a/train.py\n"
        "+++ b/train.py\n"
        "@@ -1,5 +1,5 @@\n"
        " import torch\n"
        " import yaml\n"
        " \n"
        "-cfg = yaml.load(stream)\n"
        '-state = torch.load("model.pt")\n'
        "+cfg = yaml.safe_load(stream)\n"
        '+state = torch.load("model.pt", weights_only=True)\n'
    )
    assert err == "Would fix 2 findings in 1 file.\n"
    # only safe fixes without --unsafe-fixes; nothing at all -> exit 0
    code, out, _ = run_cli("check", "--isolated", "--select", "MLW102", "--diff", "train.py")
    assert (code, out) == (0, "")


@pytest.mark.parametrize("newline", ["\r\n", "\n"])
@pytest.mark.parametrize("bom", [True, False])
def test_newlines_and_bom_are_kept(tmp_path, run_cli, newline, bom):
    path = write(tmp_path / "train.py", SOURCE, newline=newline, bom=bom)
    run_cli("check", "--isolated", "--select", "MLW102,MLW106", "--unsafe-fixes", path)
    expected = ((b"\xef\xbb\xbf" if bom else b"") + ALL_FIXED.replace("\n", newline).encode("utf-8"))
    assert path.read_bytes() == expected


def test_declared_encoding_is_kept(tmp_path, run_cli):
    text = "# -*- coding: latin-1 -*-\nimport torch\nname = 'caf\xe9'\nx = torch.load(name)\n"
    path = tmp_path / "latin.py"
    path.write_bytes(text.encode("latin-1"))
    run_cli("check", "--isolated", "--select", "MLW102", "--unsafe-fixes", path)
    assert path.read_bytes() == text.replace("torch.load(name)", "torch.load(name, weights_only=True)").encode("latin-1")


def test_unparsable_file_is_untouched(tmp_path, run_cli):
    bad = write(tmp_path / "bad.py", "import torch\nx = torch.load(p\n")
    good = write(tmp_path / "good.py", "import yaml\nyaml.load(s)\n")
    before = bad.read_bytes()
    code, out, err = run_cli("check", "--isolated", "--select", "MLW102,MLW106", "--fix", tmp_path)
    assert bad.read_bytes() == before
    assert good.read_text() == "import yaml\nyaml.safe_load(s)\n"  # the other file is still fixed
    assert err == f"{bad}: syntax error at line 2:15: '(' was never closed\n"
    assert code == 2


def test_file_mode_is_kept(tmp_path, run_cli):
    path = write(tmp_path / "train.py", SOURCE)
    os.chmod(path, 0o750)
    run_cli("check", "--isolated", "--select", "MLW106", "--fix", path)
    assert path.read_text() == SAFE_FIXED
    assert os.stat(path).st_mode & 0o777 == 0o750
    assert [p.name for p in tmp_path.iterdir()] == ["train.py"]  # no temp file left behind


def test_trust_remote_code_is_never_removed(tmp_path, run_cli):
    text = "from transformers import AutoModel\nm = AutoModel.from_pretrained('org/m', trust_remote_code=True)\n"
    path = write(tmp_path / "m.py", text)
    code, out, _ = run_cli("check", "--isolated", "--unsafe-fixes", path)
    assert path.read_text() == text
    assert "Fixing" not in out and "MLW201" in out
    assert code == 1


def test_json_output_stays_valid_while_fixing(tmp_path, run_cli):
    path = write(tmp_path / "train.py", SOURCE)
    code, out, err = run_cli("check", "--isolated", "--select", "MLW102,MLW106", "--fix", "--format", "json", path)
    assert err == f"Fixing {path}\n"
    payload = json.loads(out)
    assert payload is not None
    assert path.read_text() == SAFE_FIXED


def test_notebook_fix_changes_only_the_cell(tmp_path, run_cli):
    nbformat = pytest.importorskip("nbformat")
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

    nb = new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [
        new_code_cell("import torch\n!nvidia-smi"),
        new_markdown_cell("Load the *checkpoint*"),
        new_code_cell("state = torch.load('model.pt')\nprint(state.keys())"),
    ]
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"c{i}"
    path = tmp_path / "nb.ipynb"
    nbformat.write(nb, str(path))
    before = path.read_text(encoding="utf-8")
    code, out, _ = run_cli("check", "--isolated", "--select", "MLW102", "--unsafe-fixes", path)
    after = path.read_text(encoding="utf-8")
    assert after == before.replace("torch.load('model.pt')", "torch.load('model.pt', weights_only=True)")
    assert after != before
    nbformat.validate(nbformat.reads(after, as_version=4))
    code, out, _ = run_cli("check", "--isolated", "--select", "MLW102", "--unsafe-fixes", path)
    assert (code, path.read_text(encoding="utf-8")) == (0, after)


def test_flake8_never_fixes(tmp_path):
    path = write(tmp_path / "train.py", SOURCE)
    proc = run_tool("flake8", "--isolated", "--select", "MLW", path)
    assert "MLW106" in proc.stdout and "MLW102" in proc.stdout
    assert path.read_text() == SOURCE
