"""`mlwarden strip`: golden X.ipynb / X.ipynb.expected pairs, idempotence,
fidelity, --check, bad input left untouched, the git filter, the hooks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from conftest import ROOT
from mlwarden.fixers.notebook_outputs import StripError, StripOptions, cells_with_outputs, keep_output_for, parse_keys, strip_notebook

GOLDEN = ROOT / "tests" / "golden" / "strip"
PAIRS = sorted(p.name for p in GOLDEN.glob("*.ipynb"))
ARGS = {
    "max_size.ipynb": ["--max-size", "100"],
    "drop_empty_cells.ipynb": ["--drop-empty-cells"],
    "extra_keys.ipynb": [
        "--extra-keys", "metadata.toc metadata.varInspector",
        "--extra-keys", "cell.metadata.jupyter",
        "--keep-metadata-keys", "cell.metadata.collapsed",
    ],
    "keep_count.ipynb": ["--keep-count"],
    "crlf.ipynb": ["--keep-count"],
}
FAKE_HF = "hf_" + "Lm3Qx8Rt2Vw7Zb4Nc9Kd5Fh1Gj6Sp0TyWe"  # built here; random-looking (FAKE markers are filtered as placeholders)


def _copy(name: str, tmp_path: Path) -> Path:
    target = tmp_path / name
    target.write_bytes((GOLDEN / name).read_bytes())
    return target


def test_every_golden_has_an_expected_file():
    assert PAIRS and all((GOLDEN / f"{name}.expected").exists() for name in PAIRS)


@pytest.mark.parametrize("name", PAIRS)
def test_golden(name, tmp_path, run_cli):
    path = _copy(name, tmp_path)
    expected = (GOLDEN / f"{name}.expected").read_bytes()
    changed = expected != path.read_bytes()
    code, out, err = run_cli("strip", *ARGS.get(name, []), path)
    assert err == ""
    assert path.read_bytes() == expected
    assert (code, out) == ((1, f"Fixing {path}\n") if changed else (0, ""))


@pytest.mark.parametrize("name", PAIRS)
def test_stripping_is_idempotent(name, tmp_path, run_cli):
    """Stripping a stripped notebook changes no byte (and writes nothing)."""
    path = tmp_path / name
    path.write_bytes((GOLDEN / f"{name}.expected").read_bytes())
    mtime = os.stat(path).st_mtime_ns
    assert run_cli("strip", *ARGS.get(name, []), path) == (0, "", "")
    assert path.read_bytes() == (GOLDEN / f"{name}.expected").read_bytes()
    assert os.stat(path).st_mtime_ns == mtime


@pytest.mark.parametrize("name", PAIRS)
def test_cell_sources_survive(name):
    """Attachments, widgets, images, non-ASCII: every cell source is identical."""
    before = json.loads((GOLDEN / name).read_text(encoding="utf-8"))
    after = json.loads((GOLDEN / f"{name}.expected").read_text(encoding="utf-8"))

    def sources(nb):
        cells = nb.get("cells") or [c for ws in nb.get("worksheets", []) for c in ws["cells"]]
        return [(c["cell_type"], c.get("source", c.get("input")), c.get("attachments")) for c in cells]

    if "drop_empty" in name:
        assert sources(after) == [s for s in sources(before) if "".join(s[1]).strip()]
    else:
        assert sources(after) == sources(before)
    assert after["nbformat"] == before["nbformat"] and after.get("nbformat_minor") == before.get("nbformat_minor")


def test_rich_notebook_details():
    after = json.loads((GOLDEN / "rich.ipynb.expected").read_text(encoding="utf-8"))
    assert "widgets" not in after["metadata"]
    assert after["cells"][0]["attachments"]["logo.png"]["image/png"].startswith("iVBOR")
    assert "日本語テキスト 🚀" in after["cells"][0]["source"][0]
    assert all(c.get("outputs", []) == [] and c.get("execution_count") is None for c in after["cells"])
    raw = (GOLDEN / "rich.ipynb.expected").read_bytes()
    assert "日本語".encode("utf-8") in raw  # not \u-escaped: the original style is kept


def test_check_writes_nothing(tmp_path, run_cli):
    dirty = _copy("basic.ipynb", tmp_path)
    clean = _copy("clean.ipynb", tmp_path)
    before = dirty.read_bytes()
    assert run_cli("strip", "--check", dirty, clean) == (1, f"Would fix {dirty}\n", "")
    assert dirty.read_bytes() == before
    assert run_cli("strip", "--check", clean) == (0, "", "")


def test_directory_argument_skips_checkpoints(tmp_path, run_cli):
    _copy("basic.ipynb", tmp_path)
    (tmp_path / ".ipynb_checkpoints").mkdir()
    checkpoint = tmp_path / ".ipynb_checkpoints" / "basic-checkpoint.ipynb"
    checkpoint.write_bytes((GOLDEN / "basic.ipynb").read_bytes())
    (tmp_path / "train.py").write_text("import pickle\n")
    code, out, _ = run_cli("strip", tmp_path)
    assert (code, out) == (1, f"Fixing {tmp_path / 'basic.ipynb'}\n")
    assert checkpoint.read_bytes() == (GOLDEN / "basic.ipynb").read_bytes()


# ---------------------------------------------------------------------------
# the pure transform


def test_keep_output_rules():
    assert keep_output_for({"metadata": {"tags": ["keep_output"]}}, False) is True
    assert keep_output_for({"metadata": {"keep_output": True}}, False) is True
    assert keep_output_for({"metadata": {"keep_output": False}}, True) is False
    assert keep_output_for({"metadata": {}}, True) is True
    with pytest.raises(StripError):
        keep_output_for({"metadata": {"keep_output": False, "tags": ["keep_output"]}}, False)


def test_strip_does_not_mutate_input_and_cells_with_outputs():
    nb = json.loads((GOLDEN / "keep_output.ipynb").read_text(encoding="utf-8"))
    snapshot = json.dumps(nb, sort_keys=True)
    stripped = strip_notebook(nb, StripOptions())
    assert json.dumps(nb, sort_keys=True) == snapshot
    assert [len(c["outputs"]) for c in stripped["cells"]] == [1, 1, 0, 0]
    assert cells_with_outputs(nb) == [(2, 1), (3, 1)]
    assert cells_with_outputs(stripped) == []
    assert [len(c["outputs"]) for c in strip_notebook(nb, StripOptions(keep_output=True))["cells"]] == [1, 1, 0, 1]


def test_parse_keys():
    assert parse_keys(["metadata.a cell.metadata.b", "metadata.c,metadata.d"]) == ["metadata.a", "cell.metadata.b", "metadata.c", "metadata.d"]
    with pytest.raises(ValueError):
        parse_keys(["widgets"])


def test_invalid_extra_key_is_a_usage_error(tmp_path, run_cli):
    path = _copy("basic.ipynb", tmp_path)
    code, out, err = run_cli("strip", "--extra-keys", "widgets", path)
    assert code == 2 and out == ""
    assert err == "mlwarden strip: error: invalid key 'widgets': expected metadata.<key> or cell.metadata.<key> (dotted)\n"


# ---------------------------------------------------------------------------
# bad input: one line each, exit 2, file untouched, the others still stripped

BAD = {
    "invalid.ipynb": (b'{"cells": [}', "invalid.ipynb: cannot parse notebook: invalid JSON at line 1 column 12: Expecting value"),
    "not_notebook.ipynb": (b'{"name": "x", "version": "1.0"}', 'not_notebook.ipynb: not a Jupyter notebook: no "nbformat" and no "cells"'),
    "empty.ipynb": (b"", "empty.ipynb: empty file, not a notebook"),
    "v2.ipynb": (b'{"nbformat": 2, "nbformat_minor": 0, "worksheets": []}', "v2.ipynb: unsupported notebook format: nbformat 2 (mlwarden reads nbformat 3 and 4)"),
    "contradiction.ipynb": (
        json.dumps({"cells": [{"cell_type": "code", "execution_count": 1, "id": "a", "source": "x", "outputs": [],
                               "metadata": {"keep_output": False, "tags": ["keep_output"]}}],
                    "metadata": {}, "nbformat": 4, "nbformat_minor": 5}).encode(),
        "contradiction.ipynb: a cell has metadata keep_output: false but the keep_output tag",
    ),
    "bad_cells.ipynb": (b'{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": {"a": 1}}',
                        'bad_cells.ipynb: not a Jupyter notebook: "cells" is not a list'),
}


def test_bad_input_is_left_untouched(tmp_path, run_cli):
    for name, (raw, _msg) in BAD.items():
        (tmp_path / name).write_bytes(raw)
    good = _copy("basic.ipynb", tmp_path)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.name != good.name}
    code, out, err = run_cli("strip", *sorted(tmp_path.iterdir()))
    assert code == 2
    assert out == f"Fixing {good}\n"
    lines = err.splitlines()
    assert len(lines) == len(BAD)
    for name, (_raw, message) in BAD.items():
        assert any(line.startswith(str(tmp_path / message.split(":")[0])) and message.split(": ", 1)[1] in line for line in lines), (name, lines)
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.name != good.name} == before
    assert not [p for p in tmp_path.iterdir() if "mlwarden-tmp" in p.name]


def test_missing_file_and_no_arguments(tmp_path, run_cli):
    assert run_cli("strip", tmp_path / "nope.ipynb") == (2, "", f"{tmp_path / 'nope.ipynb'}: no such file or directory\n")
    code, _out, err = run_cli("strip")
    assert code == 2 and "no notebooks given" in err


def test_source_list_or_string_both_fine(tmp_path, run_cli):
    nb = {"cells": [{"cell_type": "code", "execution_count": 1, "id": "a", "metadata": {}, "source": "x = 1\nprint(x)",
                     "outputs": [{"output_type": "stream", "name": "stdout", "text": "1\n"}]},
                    {"cell_type": "code", "execution_count": 2, "id": "b", "metadata": {}, "source": ["y = 2\n", "y"], "outputs": []}],
          "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    path = tmp_path / "mixed.ipynb"
    path.write_text(json.dumps(nb, indent=1) + "\n")
    assert run_cli("strip", path)[0] == 1
    after = json.loads(path.read_text())
    assert [c["source"] for c in after["cells"]] == ["x = 1\nprint(x)", ["y = 2\n", "y"]]
    assert [c["outputs"] for c in after["cells"]] == [[], []]


@pytest.mark.slow  # a large input: runs in CI and with --run-slow
def test_huge_output_is_stripped(tmp_path, run_cli):
    path = tmp_path / "big.ipynb"
    nb = new_notebook()
    nb.cells = [new_code_cell("show()", execution_count=1, outputs=[new_output("display_data", data={"image/png": "A" * (100 * 1024 * 1024)})])]
    nbformat.write(nb, str(path))
    assert run_cli("strip", path)[:2] == (1, f"Fixing {path}\n")
    assert path.stat().st_size < 1000


# ---------------------------------------------------------------------------
# never strip blindly past a secret


def _nb_with_kept_secret(path: Path) -> Path:
    nb = new_notebook()
    nb.cells = [
        new_code_cell("print(token)", execution_count=1, metadata={"tags": ["keep_output"]},
                      outputs=[new_output("stream", name="stdout", text=f"token is {FAKE_HF}\n")]),
        new_code_cell("print('x')", execution_count=2, outputs=[new_output("stream", name="stdout", text="x\n")]),
    ]
    nbformat.write(nb, str(path))
    return path


def test_kept_output_with_a_secret_fails(tmp_path, run_cli):
    path = _nb_with_kept_secret(tmp_path / "leak.ipynb")
    code, out, err = run_cli("strip", path)
    assert code == 1
    assert out == f"Fixing {path}\n"  # the other cell is still stripped
    assert err.startswith(f"{path}: cell 1: output 1: ")
    assert FAKE_HF not in err and FAKE_HF[:3] + "****" in err
    # already stripped: still fails, in --check mode too
    assert run_cli("strip", "--check", path)[0] == 1
    assert run_cli("strip", path)[0] == 1


# ---------------------------------------------------------------------------
# git clean filter


def _git(*args, cwd):
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid",
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    return subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=True, timeout=120)


def test_stdin_filter_mode(tmp_path):
    raw = (GOLDEN / "basic.ipynb").read_bytes()
    proc = subprocess.run([sys.executable, "-m", "mlwarden", "strip", "--stdin"], input=raw, capture_output=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == (GOLDEN / "basic.ipynb.expected").read_bytes()
    bad = subprocess.run([sys.executable, "-m", "mlwarden", "strip", "--stdin"], input=b"{not json", capture_output=True, timeout=120)
    assert bad.returncode == 2 and bad.stdout == b""
    assert bad.stderr.decode().startswith("<stdin>: cannot parse notebook: invalid JSON")


def test_install_filter_strips_on_add_and_keeps_the_working_copy(tmp_path, monkeypatch, run_cli):
    repo = tmp_path / "repo"
    repo.mkdir()
    _git("init", "-q", "-b", "main", cwd=repo)
    (repo / ".gitattributes").write_text("*.png binary")  # no trailing newline: appended after a newline
    monkeypatch.chdir(repo)
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    code, out, err = run_cli("strip", "--install-filter", "--keep-count")
    assert code == 0, err
    assert (repo / ".gitattributes").read_text() == "*.png binary\n*.ipynb filter=mlwarden-strip\n*.ipynb diff=mlwarden-strip\n"
    clean = _git("config", "filter.mlwarden-strip.clean", cwd=repo).stdout.strip()
    assert clean.endswith("-m mlwarden strip --keep-count --stdin")
    assert _git("config", "filter.mlwarden-strip.required", cwd=repo).stdout.strip() == "true"
    # installing twice changes nothing
    assert run_cli("strip", "--install-filter", "--keep-count")[0] == 0
    assert (repo / ".gitattributes").read_text().count("filter=mlwarden-strip") == 1

    nb = repo / "nb.ipynb"
    nb.write_bytes((GOLDEN / "keep_count.ipynb").read_bytes())
    _git("add", "nb.ipynb", ".gitattributes", cwd=repo)
    staged = _git("show", ":nb.ipynb", cwd=repo).stdout
    assert staged.encode() == (GOLDEN / "keep_count.ipynb.expected").read_bytes()
    assert nb.read_bytes() == (GOLDEN / "keep_count.ipynb").read_bytes()  # outputs stay locally
    assert _git("status", "--porcelain", cwd=repo).stdout.splitlines() == ["A  .gitattributes", "A  nb.ipynb"]

    assert run_cli("strip", "--uninstall-filter")[0] == 0
    assert (repo / ".gitattributes").read_text() == "*.png binary\n"
    assert subprocess.run(["git", "config", "filter.mlwarden-strip.clean"], cwd=repo, capture_output=True).returncode == 1


def test_install_filter_outside_a_repository(tmp_path, monkeypatch, run_cli):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    code, _out, err = run_cli("strip", "--install-filter")
    assert code == 2 and err == "mlwarden strip: error: not inside a git repository\n"


# ---------------------------------------------------------------------------
# pre-commit hooks, for real


def _notebook_text(*cells) -> str:
    nb = new_notebook(metadata={"kernelspec": {"name": "python3", "language": "python", "display_name": "Python 3"}})
    nb.cells = list(cells)
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"c{i}"
    return nbformat.writes(nb) + "\n"


@pytest.mark.slow
def test_check_hook_reads_notebooks(tmp_path):
    from precommit_helpers import try_repo

    text = _notebook_text(new_markdown_cell("x"), new_code_cell("import torch\nstate = torch.load('m.pt')"))
    proc = try_repo(tmp_path, "mlwarden", {"analysis.ipynb": text})
    assert proc.returncode == 1, proc.stdout
    assert "analysis.ipynb:cell 2:2:9: MLW102 " in proc.stdout, proc.stdout


@pytest.mark.slow
def test_strip_hook_fixes_then_passes(tmp_path):
    from precommit_helpers import try_repo

    dirty = (GOLDEN / "basic.ipynb").read_text(encoding="utf-8")
    proc = try_repo(tmp_path, "mlwarden-strip", {"nb.ipynb": dirty})
    assert proc.returncode == 1, proc.stdout
    assert "Fixing nb.ipynb" in proc.stdout and "files were modified by this hook" in proc.stdout
    repo = tmp_path / "repo"
    assert (repo / "nb.ipynb").read_bytes() == (GOLDEN / "basic.ipynb.expected").read_bytes()
    proc = try_repo(tmp_path, "mlwarden-strip", {"nb.ipynb": (repo / "nb.ipynb").read_text(encoding="utf-8")})
    assert proc.returncode == 0, proc.stdout


@pytest.mark.slow
def test_strip_hook_with_partially_staged_notebook(tmp_path):
    """Only the staged version is stripped; the unstaged edit survives."""
    from precommit_helpers import git, try_repo

    repo = tmp_path / "repo"
    repo.mkdir()
    git("init", "-q", "-b", "main", cwd=repo)
    staged = (GOLDEN / "basic.ipynb").read_text(encoding="utf-8")
    (repo / "nb.ipynb").write_text(staged, encoding="utf-8")
    git("add", "nb.ipynb", cwd=repo)
    unstaged = staged.replace('"# Trainingsdaten — Überblick"', '"# Trainingsdaten — Überblick (edited, not staged)"')
    assert unstaged != staged
    (repo / "nb.ipynb").write_text(unstaged, encoding="utf-8")
    proc = try_repo(tmp_path, "mlwarden-strip", {})
    assert proc.returncode == 1, proc.stdout
    assert "Fixing nb.ipynb" in proc.stdout, proc.stdout
    work = (repo / "nb.ipynb").read_text(encoding="utf-8")
    assert "(edited, not staged)" in work  # the unstaged edit is kept
    assert json.loads(work)["cells"][1]["outputs"] == []  # and the stripping applied
    index = git("show", ":nb.ipynb", cwd=repo).stdout
    assert index == staged  # pre-commit leaves the index for the user to re-stage
