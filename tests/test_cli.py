"""The `mlwarden` command line, in-process (`run_cli`), plus `python -m mlwarden`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest


PICKLE = "import pickle\n\nmodel = pickle.load(open('m.pkl', 'rb'))\n"
TORCH = "import torch\n\nstate = torch.load('ckpt.pt')\n"
CLEAN = "import json\n\nconfig = json.load(open('c.json'))\n"
MSG101 = "`pickle.load` runs code embedded in the data; load only trusted files or use a safe format such as safetensors or JSON"


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A temporary directory as cwd, isolated from any pyproject.toml above it."""
    root = tmp_path / "proj"
    root.mkdir()
    # a pyproject.toml with [tool.mlwarden] marks the project root: config search stops here
    (root / "pyproject.toml").write_text("[tool.mlwarden]\n")
    monkeypatch.chdir(root)
    return root


def write(root: Path, rel: str, text: str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def finding_lines(out: str):
    return [line for line in out.splitlines() if ": MLW" in line]


def ids_by_path(out: str):
    """{(path, line, id)} from text output."""
    found = set()
    for line in finding_lines(out):
        where, rest = line.split(": ", 1)
        path, row, _col = where.rsplit(":", 2)
        found.add((path, int(row), rest.split()[0]))
    return found


# -- exit codes and text format -------------------------------------------------------------


def test_exit_0_on_clean_file(project, run_cli):
    write(project, "clean.py", CLEAN)
    code, out, err = run_cli("check", "clean.py")
    assert (code, out, err) == (0, "No findings (1 file checked).\n", "")


def test_exit_1_and_exact_text_line(project, run_cli):
    write(project, "train.py", PICKLE)
    code, out, err = run_cli("check", "train.py")
    assert code == 1
    assert err == ""
    assert out == f"train.py:3:9: MLW101 [high] {MSG101}\nFound 1 finding (1 file checked).\n"


def test_exit_2_on_missing_path_other_files_still_checked(project, run_cli):
    write(project, "train.py", PICKLE)
    code, out, err = run_cli("check", "missing.py", "train.py")
    assert code == 2
    assert err == "missing.py: no such file or directory\n"
    assert ids_by_path(out) == {("train.py", 3, "MLW101")}


def test_exit_zero_flag(project, run_cli):
    write(project, "train.py", PICKLE)
    code, out, _ = run_cli("check", "--exit-zero", "train.py")
    assert code == 0
    assert ids_by_path(out) == {("train.py", 3, "MLW101")}


def test_exit_zero_does_not_hide_errors(project, run_cli):
    code, _, err = run_cli("check", "--exit-zero", "missing.py")
    assert code == 2 and err == "missing.py: no such file or directory\n"


def test_no_command_is_usage_error(run_cli):
    code, out, _ = run_cli()
    assert code == 2 and "usage: mlwarden" in out


def test_unknown_option_is_usage_error(run_cli):
    with pytest.raises(SystemExit) as exc:
        run_cli("check", "--no-such-flag")
    assert exc.value.code == 2


def test_version(run_cli, capsys):
    from mlwarden import __version__

    with pytest.raises(SystemExit) as exc:
        run_cli("--version")
    assert exc.value.code == 0
    assert capsys.readouterr().out == f"mlwarden {__version__}\n"


# -- noqa -----------------------------------------------------------------------------------


def test_noqa_with_code_silences(project, run_cli):
    write(project, "a.py", "import pickle\npickle.load(f)  # noqa: MLW101\n")
    assert run_cli("check", "a.py")[0] == 0


def test_noqa_with_prefix_and_other_codes(project, run_cli):
    write(project, "a.py", "import pickle\npickle.load(f)  # noqa: E501,MLW1\npickle.load(g)  # noqa: MLW102\n")
    code, out, _ = run_cli("check", "a.py")
    assert code == 1
    assert ids_by_path(out) == {("a.py", 3, "MLW101")}


def test_bare_noqa_does_not_silence_in_cli(project, run_cli):
    write(project, "a.py", "import pickle\npickle.load(f)  # noqa\n")
    code, out, _ = run_cli("check", "a.py")
    assert code == 1
    assert ids_by_path(out) == {("a.py", 2, "MLW101")}


# -- selection ------------------------------------------------------------------------------


@pytest.fixture
def two_rules(project):
    write(project, "a.py", PICKLE)
    write(project, "b.py", TORCH)
    return project


def test_default_selection(two_rules, run_cli):
    code, out, _ = run_cli("check", ".")
    assert code == 1
    assert ids_by_path(out) == {("a.py", 3, "MLW101"), ("b.py", 3, "MLW102")}


def test_select(two_rules, run_cli):
    code, out, _ = run_cli("check", "--select", "MLW102", ".")
    assert ids_by_path(out) == {("b.py", 3, "MLW102")}
    code, out, _ = run_cli("check", "--select", "mlw101,MLW102", ".")
    assert ids_by_path(out) == {("a.py", 3, "MLW101"), ("b.py", 3, "MLW102")}


def test_ignore(two_rules, run_cli):
    code, out, _ = run_cli("check", "--ignore", "MLW101", ".")
    assert ids_by_path(out) == {("b.py", 3, "MLW102")}


def test_extend_select_adds_to_config_select(two_rules, run_cli):
    (two_rules / "pyproject.toml").write_text('[tool.mlwarden]\nselect = ["MLW101"]\n')
    code, out, _ = run_cli("check", ".")
    assert ids_by_path(out) == {("a.py", 3, "MLW101")}
    code, out, _ = run_cli("check", "--extend-select", "MLW102", ".")
    assert ids_by_path(out) == {("a.py", 3, "MLW101"), ("b.py", 3, "MLW102")}


def test_select_replaces_config_select(two_rules, run_cli):
    (two_rules / "pyproject.toml").write_text('[tool.mlwarden]\nselect = ["MLW101"]\n')
    code, out, _ = run_cli("check", "--select", "MLW102", ".")
    assert ids_by_path(out) == {("b.py", 3, "MLW102")}


@pytest.mark.parametrize("flag", ["--select", "--ignore", "--extend-select"])
def test_unknown_rule_code_on_command_line(project, run_cli, flag):
    write(project, "a.py", PICKLE)
    code, out, err = run_cli("check", flag, "MLW1,XYZ123", "a.py")
    assert code == 2
    assert out == ""
    assert err == f"mlwarden: error: {flag}: unknown rule code 'XYZ123' (see `mlwarden rules`)\n"


def test_severity_threshold(project, run_cli):
    write(project, "a.py", PICKLE)  # MLW101 is high
    assert run_cli("check", "--severity", "high", "a.py")[0] == 1
    code, out, _ = run_cli("check", "--severity", "critical", "a.py")
    assert code == 0 and finding_lines(out) == []


def test_bad_severity_flag(project, run_cli):
    code, out, err = run_cli("check", "--severity", "urgent", "a.py")
    assert code == 2
    assert err == "mlwarden: error: unknown severity 'urgent' (expected one of: critical, high, medium, low)\n"


# -- formats and --output ---------------------------------------------------------------------


def test_format_json(project, run_cli):
    write(project, "a.py", PICKLE)
    code, out, _ = run_cli("check", "--format", "json", "a.py")
    assert code == 1
    doc = json.loads(out)
    assert doc["summary"] == {"findings": 1, "errors": 0, "files_checked": 1}
    (f,) = doc["findings"]
    assert (f["path"], f["line"], f["col"], f["rule_id"], f["rule_name"]) == ("a.py", 3, 9, "MLW101", "pickle-load")
    assert f["severity"] == "high" and f["cwe"] == ["CWE-502"] and f["owasp"] == ["ML06:2023"]
    assert f["message"] == MSG101


def test_format_json_lists_input_errors(project, run_cli):
    code, out, err = run_cli("check", "--format", "json", "missing.py")
    assert code == 2
    assert json.loads(out)["errors"] == ["missing.py: no such file or directory"]
    assert err == "missing.py: no such file or directory\n"


def test_format_github(project, run_cli):
    write(project, "a.py", PICKLE)
    code, out, _ = run_cli("check", "--format", "github", "a.py")
    assert code == 1
    assert out == f"::error file=a.py,line=3,col=9,title=MLW101 (high)::{MSG101}\n"


def test_format_sarif_is_json_with_result(project, run_cli):
    write(project, "a.py", PICKLE)
    code, out, _ = run_cli("check", "--format", "sarif", "a.py")
    assert code == 1
    (result,) = json.loads(out)["runs"][0]["results"]
    assert result["ruleId"] == "MLW101"
    assert result["locations"][0]["physicalLocation"]["region"]["startLine"] == 3


def test_output_file(project, run_cli):
    write(project, "a.py", PICKLE)
    code, out, err = run_cli("check", "--format", "json", "--output", "report/out.json", "a.py")
    # the report directory does not exist: a clear error, not a traceback
    assert code == 2 and out == ""
    assert err.startswith("mlwarden: error: report/out.json: cannot write report: ")
    assert err.count("\n") == 1
    (project / "report").mkdir()
    code, out, err = run_cli("check", "--format", "json", "--output", "report/out.json", "a.py")
    assert (code, out, err) == (1, "", "")
    assert json.loads((project / "report" / "out.json").read_text())["findings"][0]["rule_id"] == "MLW101"


def test_output_file_text(project, run_cli):
    write(project, "a.py", PICKLE)
    code, out, _ = run_cli("check", "-o", "report.txt", "a.py")
    assert code == 1 and out == ""
    assert (project / "report.txt").read_text() == f"a.py:3:9: MLW101 [high] {MSG101}\nFound 1 finding (1 file checked).\n"


# -- configuration ----------------------------------------------------------------------------


def test_config_select_ignore(two_rules, run_cli):
    (two_rules / "pyproject.toml").write_text('[tool.mlwarden]\nignore = ["MLW102"]\n')
    assert ids_by_path(run_cli("check", ".")[1]) == {("a.py", 3, "MLW101")}


def test_config_per_file_ignores(project, run_cli):
    write(project, "tests/test_model.py", PICKLE)
    write(project, "src/model.py", PICKLE)
    (project / "pyproject.toml").write_text('[tool.mlwarden.per-file-ignores]\n"tests/*" = ["MLW101"]\n')
    code, out, _ = run_cli("check", ".")
    assert ids_by_path(out) == {("src/model.py", 3, "MLW101")}


def test_config_per_file_ignores_basename_pattern(project, run_cli):
    write(project, "pkg/conftest.py", PICKLE)
    write(project, "pkg/model.py", PICKLE)
    (project / "pyproject.toml").write_text('[tool.mlwarden]\nper-file-ignores = {"conftest.py" = ["MLW1"]}\n')
    assert ids_by_path(run_cli("check", ".")[1]) == {("pkg/model.py", 3, "MLW101")}


def test_config_severity(project, run_cli):
    write(project, "a.py", PICKLE)
    (project / "pyproject.toml").write_text('[tool.mlwarden]\nseverity = "critical"\n')
    assert run_cli("check", "a.py")[0] == 0
    # the command line wins
    assert run_cli("check", "--severity", "low", "a.py")[0] == 1


def test_config_found_from_subdirectory(project, run_cli, monkeypatch):
    write(project, "src/a.py", PICKLE)
    (project / "pyproject.toml").write_text('[tool.mlwarden]\nignore = ["MLW101"]\n')
    monkeypatch.chdir(project / "src")
    assert run_cli("check", "a.py")[0] == 0


def test_config_flag_and_isolated(project, run_cli, tmp_path):
    write(project, "a.py", PICKLE)
    other = tmp_path / "other.toml"
    other.write_text('[tool.mlwarden]\nignore = ["MLW101"]\n')
    assert run_cli("check", "--config", other, "a.py")[0] == 0
    (project / "pyproject.toml").write_text('[tool.mlwarden]\nignore = ["MLW101"]\n')
    assert run_cli("check", "a.py")[0] == 0
    assert run_cli("check", "--isolated", "a.py")[0] == 1


def test_isolated_ignores_broken_config(project, run_cli):
    write(project, "a.py", PICKLE)
    (project / "pyproject.toml").write_text("[tool.mlwarden\n")
    assert run_cli("check", "a.py")[0] == 2
    assert run_cli("check", "--isolated", "a.py")[0] == 1


BAD_CONFIGS = [
    ("[tool.mlwarden\nselect = 1\n", "invalid TOML: "),
    ('[tool.mlwarden]\nselct = ["MLW1"]\n', "[tool.mlwarden]: unknown option 'selct' (did you mean 'select'?)"),
    ('[tool.mlwarden]\nper_file_ignores = {}\n', "[tool.mlwarden]: unknown option 'per_file_ignores' (did you mean 'per-file-ignores'?)"),
    ('[tool.mlwarden]\nexclude_dirs = ["x"]\n', "[tool.mlwarden]: unknown option 'exclude_dirs' (did you mean 'exclude'?)"),
    ('[tool.mlwarden]\nselect = ["MLW999"]\n', "[tool.mlwarden] select: unknown rule code 'MLW999' (see `mlwarden rules`)"),
    ('[tool.mlwarden]\nignore = ["PICKLE"]\n', "[tool.mlwarden] ignore: unknown rule code 'PICKLE' (see `mlwarden rules`)"),
    ("[tool.mlwarden]\nselect = 101\n", "[tool.mlwarden] select: expected a list of rule codes"),
    ("[tool.mlwarden]\nexclude = 3\n", "[tool.mlwarden] exclude: expected a list of glob patterns"),
    ('[tool.mlwarden]\nseverity = "urgent"\n', "[tool.mlwarden] severity: unknown severity 'urgent'"),
    ("[tool.mlwarden]\nseverity = 3\n", "[tool.mlwarden] severity: expected a string"),
    ('[tool.mlwarden]\nper-file-ignores = ["x"]\n', "[tool.mlwarden] per-file-ignores: expected a table"),
    ('[tool.mlwarden.per-file-ignores]\n"t/*" = ["NOPE1"]\n', "[tool.mlwarden] per-file-ignores 't/*': unknown rule code 'NOPE1'"),
    ('[tool.mlwarden]\nselect = ["MLW1"]\n[tool.mlwarden.select]\n', "invalid TOML: "),
]


@pytest.mark.parametrize("text,expected", BAD_CONFIGS, ids=[e.split(":")[0][:40] for _, e in BAD_CONFIGS])
def test_bad_config_is_one_line_exit_2(project, run_cli, text, expected):
    write(project, "a.py", PICKLE)
    (project / "pyproject.toml").write_text(text)
    code, out, err = run_cli("check", "a.py")
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith(f"mlwarden: error: {project / 'pyproject.toml'}: ")
    assert expected in err, err


def test_config_not_utf8(project, run_cli):
    (project / "pyproject.toml").write_bytes(b"[tool.mlwarden]\nselect = ['\xff']\n")
    code, _, err = run_cli("check", ".")
    assert code == 2 and err.endswith("pyproject.toml: cannot read config: not valid UTF-8\n")


def test_missing_config_flag_file(project, run_cli):
    code, _, err = run_cli("check", "--config", "nope.toml", ".")
    assert code == 2 and err == "mlwarden: error: nope.toml: cannot read config: No such file or directory\n"


# -- directory walking ------------------------------------------------------------------------


def test_walk_skips_vcs_venvs_and_build_dirs(project, run_cli):
    for rel in (".git/hooks/x.py", ".venv/lib/m.py", "venv/m.py", "node_modules/pkg/m.py", "build/lib/m.py",
                "dist/m.py", "__pycache__/m.py", "pkg.egg-info/m.py", ".tox/py/m.py", "site-packages/m.py",
                ".ipynb_checkpoints/m.py"):
        write(project, rel, PICKLE)
    write(project, "src/train.py", PICKLE)
    write(project, "src/notes.txt", PICKLE)  # not a source mlwarden reads
    code, out, _ = run_cli("check", ".")
    assert ids_by_path(out) == {("src/train.py", 3, "MLW101")}


def test_walk_reads_extensionless_script_only_when_named(project, run_cli):
    write(project, "bin/tool", "#!/usr/bin/env python3\n" + PICKLE)
    assert run_cli("check", ".")[0] == 0
    code, out, _ = run_cli("check", "bin/tool")
    assert ids_by_path(out) == {("bin/tool", 4, "MLW101")}


def test_explicit_file_in_default_excluded_dir_is_checked(project, run_cli):
    # pre-commit passes staged files one by one: default excludes apply to walks only
    write(project, "build/gen.py", PICKLE)
    assert ids_by_path(run_cli("check", "build/gen.py")[1]) == {("build/gen.py", 3, "MLW101")}


def test_config_exclude_and_extend_exclude(project, run_cli):
    write(project, "src/a.py", PICKLE)
    write(project, "vendor/b.py", PICKLE)
    write(project, "generated/c.py", PICKLE)
    write(project, "build/d.py", PICKLE)
    (project / "pyproject.toml").write_text('[tool.mlwarden]\nextend-exclude = ["vendor", "generated/*.py"]\n')
    assert ids_by_path(run_cli("check", ".")[1]) == {("src/a.py", 3, "MLW101")}
    # user excludes apply to files named explicitly too (pre-commit)
    assert run_cli("check", "vendor/b.py") == (0, "No findings (0 files checked).\n", "")
    # `exclude` replaces the default list: build/ is walked again
    (project / "pyproject.toml").write_text('[tool.mlwarden]\nexclude = ["vendor"]\n')
    assert ids_by_path(run_cli("check", ".")[1]) == {
        ("src/a.py", 3, "MLW101"), ("generated/c.py", 3, "MLW101"), ("build/d.py", 3, "MLW101"),
    }


def test_walk_order_is_stable_and_sorted(project, run_cli):
    for name in ("b.py", "a.py", "sub/c.py", "A.py"):
        write(project, name, PICKLE)
    _, out, _ = run_cli("check", ".")
    paths = [line.split(":")[0] for line in finding_lines(out)]
    assert paths == sorted(paths)
    assert set(paths) == {"A.py", "a.py", "b.py", "sub/c.py"}


def test_default_path_is_cwd(project, run_cli):
    write(project, "a.py", PICKLE)
    assert ids_by_path(run_cli("check")[1]) == {("a.py", 3, "MLW101")}


# -- rules / explain --------------------------------------------------------------------------


def test_rules_lists_every_rule(run_cli):
    from mlwarden.core.registry import all_rules

    code, out, _ = run_cli("rules")
    assert code == 0
    listed = [line.split()[0] for line in out.splitlines()]
    assert listed == [r.id for r in all_rules()]
    assert out.splitlines()[0].split()[:3] == ["MLW101", "pickle-load", "high"]


def test_rules_json(run_cli):
    code, out, _ = run_cli("rules", "--format", "json")
    rows = {r["id"]: r for r in json.loads(out)}
    assert rows["MLW102"]["name"] == "torch-load-without-weights-only"
    assert rows["MLW102"]["fixable"] is True and rows["MLW102"]["cwe"] == ["CWE-502"]


def test_explain(run_cli):
    code, out, err = run_cli("explain", "MLW102")
    assert code == 0 and err == ""
    assert out.startswith("# MLW102 torch-load-without-weights-only\n")
    for heading in ("## What it does", "## Why is this bad?", "## Example", "## Use instead", "## References"):
        assert heading in out
    # by name and case-insensitively, too
    assert run_cli("explain", "torch-load-without-weights-only")[1] == out
    assert run_cli("explain", "mlw102")[1] == out


def test_explain_unknown_rule(run_cli):
    code, out, err = run_cli("explain", "MLW999")
    assert (code, out) == (2, "")
    assert err == "mlwarden: error: unknown rule 'MLW999' (see `mlwarden rules`)\n"


# -- python -m mlwarden and the console script ---------------------------------------------------


def test_python_dash_m(tmp_path):
    (tmp_path / "a.py").write_text(PICKLE)
    proc = subprocess.run(
        [sys.executable, "-m", "mlwarden", "check", "--isolated", "a.py"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout.splitlines()[0] == f"a.py:3:9: MLW101 [high] {MSG101}"
    assert proc.stderr == ""


def test_python_dash_m_explain_unknown(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "mlwarden", "explain", "NOPE"], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 2
    assert proc.stderr == "mlwarden: error: unknown rule 'NOPE' (see `mlwarden rules`)\n"


def test_output_piped_to_closed_pipe(tmp_path):
    """`mlwarden check | head -1` must not print a BrokenPipeError traceback."""
    for i in range(300):
        (tmp_path / f"m{i:03}.py").write_text(PICKLE)
    proc = subprocess.run(
        f"{sys.executable} -m mlwarden check --isolated . | head -1",
        shell=True, cwd=tmp_path, capture_output=True, text=True, timeout=300,
    )
    assert proc.stdout.startswith("m000.py:3:9: MLW101")
    assert "Traceback" not in proc.stderr and "BrokenPipe" not in proc.stderr, proc.stderr
