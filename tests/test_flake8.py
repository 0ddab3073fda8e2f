"""The flake8 plugin, through real `flake8` subprocesses.

flake8 owns selection, `# noqa` and output. Unlike the `mlwarden` CLI it
honours a bare `# noqa` (flake8's own rule, which we cannot change from a
plugin); README.md documents the difference."""

from __future__ import annotations

import pytest

from conftest import run_tool

FMT = "%(path)s:%(row)d:%(col)d:%(code)s"
PICKLE = "import pickle\n\nmodel = pickle.load(open('m.pkl', 'rb'))\n"
HUB = (
    "from transformers import AutoModel\n"
    "m = AutoModel.from_pretrained('my-org/model', trust_remote_code=True)\n"
)


def flake8(cwd, *args, input=None):
    proc = run_tool("flake8", "--format", FMT, *args, cwd=cwd, input=input)
    assert "Traceback" not in proc.stderr, proc.stderr
    found = set()
    for line in proc.stdout.splitlines():
        path, row, col, code = line.rsplit(":", 3)
        found.add((path, int(row), int(col), code))
    return proc.returncode, found


@pytest.fixture
def d(tmp_path):
    return tmp_path


def test_plugin_is_registered():
    from mlwarden import __version__

    proc = run_tool("flake8", "--version")
    assert proc.returncode == 0
    assert f"mlwarden: {__version__}" in proc.stdout


def test_on_files_same_position_as_cli(d, run_cli, monkeypatch):
    (d / "a.py").write_text(PICKLE)
    code, found = flake8(d, "--isolated", "--select", "MLW", "a.py")
    assert code == 1
    assert found == {("a.py", 3, 9, "MLW101")}
    monkeypatch.chdir(d)
    _, out, _ = run_cli("check", "--isolated", "a.py")
    assert out.startswith("a.py:3:9: MLW101 ")


def test_message_text(d):
    (d / "a.py").write_text(PICKLE)
    proc = run_tool("flake8", "--isolated", "--select", "MLW", "a.py", cwd=d)
    assert proc.stdout == (
        "a.py:3:9: MLW101 `pickle.load` runs code embedded in the data; load only trusted files or use a safe "
        "format such as safetensors or JSON\n"
    )


def test_stdin_with_display_name(d):
    code, found = flake8(d, "--isolated", "--select", "MLW", "-", "--stdin-display-name", "x.py", input=PICKLE)
    assert code == 1
    assert found == {("x.py", 3, 9, "MLW101")}


def test_stdin_without_display_name(d):
    code, found = flake8(d, "--isolated", "--select", "MLW", "-", input=PICKLE)
    assert found == {("stdin", 3, 9, "MLW101")}


def test_runs_with_default_selection(d):
    # no --select: flake8's default selection includes plugin codes
    (d / "a.py").write_text(PICKLE)
    _, found = flake8(d, "--isolated", "a.py")
    assert ("a.py", 3, 9, "MLW101") in found


def test_extend_ignore(d):
    (d / "a.py").write_text(PICKLE + "import torch\ntorch.load('x.pt')\n")
    _, found = flake8(d, "--isolated", "--select", "MLW", "a.py")
    assert {c for *_, c in found} == {"MLW101", "MLW102"}
    _, found = flake8(d, "--isolated", "--select", "MLW", "--extend-ignore", "MLW101", "a.py")
    assert found == {("a.py", 5, 1, "MLW102")}


def test_noqa_with_code(d):
    (d / "a.py").write_text("import pickle\npickle.load(f)  # noqa: MLW101\npickle.load(g)  # noqa: E501\n")
    _, found = flake8(d, "--isolated", "--select", "MLW", "a.py")
    assert found == {("a.py", 3, 1, "MLW101")}


def test_bare_noqa_is_honoured_by_flake8_unlike_the_cli(d, run_cli, monkeypatch):
    (d / "a.py").write_text("import pickle\npickle.load(f)  # noqa\n")
    code, found = flake8(d, "--isolated", "--select", "MLW", "a.py")
    assert (code, found) == (0, set())
    monkeypatch.chdir(d)
    code, out, _ = run_cli("check", "--isolated", "a.py")
    assert code == 1 and out.startswith("a.py:2:1: MLW101 ")


def test_disable_noqa(d):
    (d / "a.py").write_text("import pickle\npickle.load(f)  # noqa\n")
    _, found = flake8(d, "--isolated", "--select", "MLW", "--disable-noqa", "a.py")
    assert found == {("a.py", 2, 1, "MLW101")}


def test_unparseable_file_is_e999_only(d):
    (d / "bad.py").write_text("import pickle\ndef f(:\n    pickle.load(x)\n")
    code, found = flake8(d, "--isolated", "--select", "E999,MLW", "bad.py")
    assert code == 1
    assert {c for *_, c in found} == {"E999"}


def test_statement_libcst_rejects_does_not_hide_the_others(d):
    # libcst fails on 5,000 implicitly concatenated strings; CPython does not.
    # libcst sees only the statements a rule can fire in, so the finding stands.
    (d / "cat.py").write_text("import pickle\nx = " + " ".join(['"s"'] * 5000) + "\npickle.load(f)\n")
    code, found = flake8(d, "--isolated", "--select", "MLW", "cat.py")
    assert (code, found) == (1, {("cat.py", 3, 1, "MLW101")})


def test_file_libcst_rejects_where_a_rule_fires_yields_nothing(d):
    # the statement libcst cannot parse is one a rule must see: nothing (flake8 shows no E999, CPython parses it)
    (d / "cat.py").write_text("import pickle\npickle.load(" + " ".join(['"s"'] * 5000) + ")\n")
    code, found = flake8(d, "--isolated", "--select", "MLW", "cat.py")
    assert (code, found) == (0, set())


def test_pyproject_options_reach_the_plugin(d):
    (d / "m.py").write_text(HUB)
    _, found = flake8(d, "--isolated", "--select", "MLW", "m.py")
    assert ("m.py", 2, 5, "MLW201") in found
    (d / "pyproject.toml").write_text('[tool.mlwarden]\ntrusted-models = ["my-org/*"]\n')
    _, found = flake8(d, "--isolated", "--select", "MLW", "m.py")
    assert "MLW201" not in {c for *_, c in found}


def test_pyproject_severity_reaches_the_plugin(d):
    (d / "a.py").write_text(PICKLE)
    (d / "pyproject.toml").write_text('[tool.mlwarden]\nseverity = "critical"\n')
    assert flake8(d, "--isolated", "--select", "MLW", "a.py") == (0, set())


def test_broken_pyproject_does_not_break_flake8(d):
    (d / "a.py").write_text(PICKLE)
    (d / "pyproject.toml").write_text("[tool.mlwarden\n")
    code, found = flake8(d, "--isolated", "--select", "MLW", "a.py")
    assert found == {("a.py", 3, 9, "MLW101")}


def test_parallel_jobs(d):
    for i in range(8):
        (d / f"m{i}.py").write_text(PICKLE)
    _, found = flake8(d, "--isolated", "--select", "MLW", "-j", "2", ".")
    assert found == {(f"./m{i}.py", 3, 9, "MLW101") for i in range(8)}


TORCH = "import torch\n\nstate = torch.load('ckpt.pt')\n"


@pytest.mark.parametrize("saved", [True, False])
def test_unsaved_buffer_uses_its_projects_pins(d, run_cli, monkeypatch, saved):
    """An editor passes an unsaved buffer on stdin with --stdin-display-name:
    the version pins of the display name's project apply, as in the CLI (the
    project requires torch>=2.7, where `torch.load` defaults to weights_only)."""
    project = d / "proj"
    (project / "pkg").mkdir(parents=True)
    (project / "requirements.txt").write_text("torch==2.7.0\n")
    other = d / "other"
    other.mkdir()
    buffer = project / "pkg" / "new.py"
    if saved:
        buffer.write_text(TORCH)
    code, found = flake8(d, "--isolated", "--select", "MLW", "-", "--stdin-display-name", "proj/pkg/new.py", input=TORCH)
    assert (code, found) == (0, set())
    # the same buffer outside the project is flagged
    code, found = flake8(d, "--isolated", "--select", "MLW", "-", "--stdin-display-name", "other/new.py", input=TORCH)
    assert (code, found) == (1, {("other/new.py", 3, 9, "MLW102")})
    # the CLI agrees on the saved file
    buffer.write_text(TORCH)
    monkeypatch.chdir(d)
    assert run_cli("check", "--isolated", "proj/pkg/new.py")[0] == 0


# a key of a made-up provider shape, under a credential name (the keyword
# rule reports it whatever the provider)
SECRET = 'import os\n\nSERVICE_API_KEY = "Zq8Tn3Vb7Lm2Xc9Rw4Ps6Dk1Hf5Gj0Ya8Ue3Io7Wt"\n'
PIP = 'import subprocess, sys\n\nsubprocess.run([sys.executable, "-m", "pip", "install", "--extra-index-url", "https://pkgs.example.org/simple", "trainer"])\n'


@pytest.mark.parametrize("text", [SECRET, PIP], ids=["secret", "pip-in-code"])
def test_python_source_findings_of_file_rules_match_the_cli(d, run_cli, monkeypatch, text):
    # secrets and pip commands in a .py file are Python source: an editor on
    # flake8 shows the same findings, at the same places, as `mlwarden check`
    (d / "a.py").write_text(text)
    monkeypatch.chdir(d)
    _, out, _ = run_cli("check", "--isolated", "--severity", "low", "--format", "json", "a.py")
    import json

    expected = {("a.py", f["line"], f["col"], f["rule_id"]) for f in json.loads(out)["findings"]}
    assert expected and all(code[3:4] in "34" for *_, code in expected), expected
    _, found = flake8(d, "--isolated", "--select", "MLW", "a.py")
    assert found == expected


def test_secret_is_redacted_in_flake8_output(d):
    (d / "a.py").write_text(SECRET)
    proc = run_tool("flake8", "--isolated", "--select", "MLW401", "a.py", cwd=d)
    assert "MLW401" in proc.stdout
    assert "Zq8Tn3Vb7Lm2Xc9Rw4Ps6Dk1Hf5Gj0Ya8Ue3Io7Wt" not in proc.stdout + proc.stderr
