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
    import nbformat
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


# ---------------------------------------------------------------------------
# every fixable rule keeps the call's layout (bug: MLW102 --unsafe-fixes on a
# multi-line call moved the arguments and the closing parenthesis)

LAYOUTS = {
    "MLW102": [
        ("import torch\nstate = torch.load(\n    filename, map_location='cpu')\n",
         "import torch\nstate = torch.load(\n    filename, map_location='cpu', weights_only=True)\n"),
        ("import torch\nstate = torch.load(\n    filename,\n    map_location='cpu',\n)\n",
         "import torch\nstate = torch.load(\n    filename,\n    map_location='cpu',\n    weights_only=True,\n)\n"),
        ("import torch\nstate = torch.load(\n    filename,  # the checkpoint\n    map_location='cpu'  # on CPU\n)\n",
         "import torch\nstate = torch.load(\n    filename,  # the checkpoint\n    map_location='cpu',  # on CPU\n    weights_only=True\n)\n"),
        ("import torch\nstate = torch.load(f, weights_only=False,)\n", "import torch\nstate = torch.load(f, weights_only=True,)\n"),
        # inside blocks: the continuation lines keep the block's indentation
        ("import torch\nwith ctx:\n    state = torch.load(\n        filename,\n        map_location='cpu',\n    )\n",
         "import torch\nwith ctx:\n    state = torch.load(\n        filename,\n        map_location='cpu',\n        weights_only=True,\n    )\n"),
        ("import torch\nclass A:\n\tdef f(self):\n\t\treturn torch.load(\n\t\t\tself.p\n\t\t)\n",
         "import torch\nclass A:\n\tdef f(self):\n\t\treturn torch.load(\n\t\t\tself.p,\n\t\t\tweights_only=True\n\t\t)\n"),
    ],
    "MLW105": [
        ("import numpy as np\nd = np.load(\n    path,\n    allow_pickle=True,\n    mmap_mode='r',\n)\n",
         "import numpy as np\nd = np.load(\n    path,\n    mmap_mode='r',\n)\n"),
        ("import numpy as np\nd = np.load(path,  # the file\n            allow_pickle=True)\n",
         "import numpy as np\nd = np.load(path  # the file\n)\n"),
        ("import numpy as np\nd = np.load(\n    path, allow_pickle=True,\n)\n", "import numpy as np\nd = np.load(\n    path,\n)\n"),
    ],
    "MLW106": [
        ("import yaml\ncfg = yaml.load(\n    stream,\n    Loader=yaml.FullLoader,  # old files\n)\n",
         "import yaml\ncfg = yaml.safe_load(\n    stream,  # old files\n)\n"),
        ("import yaml\ncfg = yaml.load(stream,\n                Loader=yaml.Loader)\n", "import yaml\ncfg = yaml.safe_load(stream)\n"),
    ],
    # (a literal path: a load of any path is also reported, unfixably, without a keras>=3.11.3 pin)
    "MLW108": [
        ("import keras\nm = keras.saving.load_model(\n    'm.keras',\n    safe_mode=False,\n    compile=False,\n)\n",
         "import keras\nm = keras.saving.load_model(\n    'm.keras',\n    compile=False,\n)\n"),
        ("import keras\nm = keras.saving.load_model('m.keras',  # from the hub\n                              safe_mode=False)\n",
         "import keras\nm = keras.saving.load_model('m.keras'  # from the hub\n)\n"),
    ],
    "MLW210": [
        ("import tarfile\nwith tarfile.open(p) as tar:\n    tar.extractall(\n        out,  # here\n    )\n",
         "import tarfile\nwith tarfile.open(p) as tar:\n    tar.extractall(\n        out,  # here\n        filter=\"data\",\n    )\n"),
        ("import tarfile\ntarfile.open(p).extractall(out,\n                           numeric_owner=True)\n",
         "import tarfile\ntarfile.open(p).extractall(out,\n                           numeric_owner=True,\n                           filter=\"data\")\n"),
    ],
    "MLW204": [
        ("from transformers import AutoModel\nm = AutoModel.from_pretrained(\n    'org/m',\n    use_safetensors=False,  # old repo\n)\n",
         "from transformers import AutoModel\nm = AutoModel.from_pretrained(\n    'org/m',\n    use_safetensors=True,  # old repo\n)\n"),
    ],
    "MLW207": [
        ("import urllib.request\nurllib.request.urlretrieve(\n    'http://example.com/m.pth',  # mirror\n    'm.pth',\n)\n",
         "import urllib.request\nurllib.request.urlretrieve(\n    'https://example.com/m.pth',  # mirror\n    'm.pth',\n)\n"),
    ],
    "MLW208": [
        ("import requests\nr = requests.get(\n    url,\n    verify=False,  # self-signed\n    timeout=5,\n)\n",
         "import requests\nr = requests.get(\n    url,\n    verify=True,  # self-signed\n    timeout=5,\n)\n"),
    ],
}


def test_every_fixable_rule_has_layout_cases():
    assert set(LAYOUTS) == {r.id for r in FIXABLE}


@pytest.mark.parametrize("rule_id, before, after", [(r, b, a) for r, cases in LAYOUTS.items() for b, a in cases])
def test_fix_keeps_the_call_layout(tmp_path, run_cli, rule_id, before, after):
    path = write(tmp_path / "layout.py", before)
    code, out, err = run_cli("check", "--isolated", "--select", rule_id, "--unsafe-fixes", path)
    assert path.read_text(encoding="utf-8") == after
    assert (code, out.splitlines()[-1], err) == (1, "No findings (1 file checked).", "")  # fixed, nothing left


@pytest.mark.parametrize("rule_id, before, after", [(r, cases[0][0], cases[0][1]) for r, cases in LAYOUTS.items()])
def test_fix_keeps_the_call_layout_in_a_notebook_cell(tmp_path, run_cli, rule_id, before, after):
    """The same fix inside a cell after a magic line: only that cell's source changes."""
    nb = {
        "cells": [
            {"cell_type": "markdown", "metadata": {}, "source": ["# title"]},
            {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
             "source": ("%matplotlib inline\n" + before).splitlines(keepends=True)},
        ],
        "metadata": {"kernelspec": {"name": "python3", "language": "python", "display_name": "Python 3"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path = tmp_path / "layout.ipynb"
    path.write_text(json.dumps(nb, indent=1) + "\n", encoding="utf-8")
    code, out, err = run_cli("check", "--isolated", "--select", rule_id, "--unsafe-fixes", path)
    after_nb = json.loads(path.read_text(encoding="utf-8"))
    assert "".join(after_nb["cells"][1]["source"]) == "%matplotlib inline\n" + after
    assert after_nb["cells"][0] == nb["cells"][0]
    assert (code, out.splitlines()[-1], err) == (1, "No findings (1 file checked).", "")


def test_fix_edits_only_the_changed_text():
    """A fix is the narrowest edit: adding a keyword inserts text and
    replaces nothing, so two fixes in one statement never overlap."""
    from mlwarden.core.engine import check_source

    result = check_source("import torch\nx = torch.load(torch.load(a), map_location=m)\n", rules=[r for r in FIXABLE if r.id == "MLW102"])
    edits = sorted((e.start_line, e.start_col, e.end_line, e.end_col, e.text) for f in result.findings for e in f.fix.edits)
    assert edits == [
        (2, 27, 2, 27, ", weights_only=True"),
        (2, 44, 2, 44, ", weights_only=True"),
    ]
