"""Severity in every output format, --statistics, the first-run summary and
per-batch totals under pre-commit."""

import json

import pytest

HUB = "from transformers import AutoModel\nm = AutoModel.from_pretrained('stranger/model', trust_remote_code=True)\n"
PICKLE = "import pickle\npickle.loads(b)\n"


@pytest.fixture
def project(tmp_path, monkeypatch):
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_remote.py").write_text(HUB)
    (tmp_path / "serve.py").write_text(HUB + PICKLE.replace("import pickle\n", "import pickle\n\n"))
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PRE_COMMIT", raising=False)
    return tmp_path


def test_sarif_level_and_security_severity_per_result(project, run_cli):
    code, out, _ = run_cli("check", "--isolated", "--severity", "low", "--format", "sarif", ".")
    assert code == 1
    run = json.loads(out)["runs"][0]
    got = sorted(
        (r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], r["ruleId"], r["level"], r["properties"]["security-severity"], r["properties"].get("context"))
        for r in run["results"]
    )
    assert got == [
        ("serve.py", "MLW101", "error", "8.0", None),
        ("serve.py", "MLW201", "error", "8.0", None),
        ("serve.py", "MLW202", "note", "3.0", None),  # a repeat of MLW201's advice at that call (session 18)
        ("tests/test_remote.py", "MLW201", "warning", "5.5", "test"),
        ("tests/test_remote.py", "MLW202", "note", "3.0", "test"),
    ]


def test_json_and_github_carry_severity(project, run_cli):
    _code, out, _ = run_cli("check", "--isolated", "--format", "json", ".")
    got = sorted((f["path"], f["rule_id"], f["severity"], f["context"]) for f in json.loads(out)["findings"])
    assert got == [
        ("serve.py", "MLW101", "high", None),
        ("serve.py", "MLW201", "high", None),
        ("tests/test_remote.py", "MLW201", "medium", "test"),
    ]
    _code, out, _ = run_cli("check", "--isolated", "--format", "github", "tests")
    assert out.startswith("::warning file=tests/test_remote.py,line=2,col=5,title=MLW201 (medium)::`AutoModel.from_pretrained(..., trust_remote_code=True)`")


def test_text_shows_severity_and_what_the_threshold_hides(project, run_cli):
    code, out, _ = run_cli("check", "--isolated", "tests")
    lines = out.splitlines()
    assert code == 1
    assert lines[0].startswith("tests/test_remote.py:2:5: MLW201 [medium] `AutoModel.from_pretrained(..., trust_remote_code=True)`")
    assert lines[1:] == [
        "Found 1 finding (1 file checked).",
        "1 more finding below medium severity is hidden (tests, docs, examples and low-risk calls); `--severity low` shows it.",
    ]
    code, out, _ = run_cli("check", "--isolated", "--severity", "low", "tests")
    assert "hidden" not in out and out.count("\n") == 3


def test_statistics_counts_per_rule_and_context(project, run_cli):
    code, out, _ = run_cli("check", "--isolated", "--severity", "low", "--statistics", ".")
    assert code == 1
    assert out.splitlines() == [
        "Found 5 findings (2 files checked).",
        " count  rule    name                       test      docs       dev   example  tutorial      code",
        "     2  MLW201  trust-remote-code             1         0         0         0         0         1",
        "     2  MLW202  unpinned-hub-revision         1         0         0         0         0         1",
        "     1  MLW101  pickle-load                   0         0         0         0         0         1",
        "     5  total                                 2         0         0         0         0         3",
    ]


def test_first_run_summary_only_when_the_report_is_long(tmp_path, monkeypatch, run_cli):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PRE_COMMIT", raising=False)
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "a.py").write_text("import pickle\n" + "pickle.loads(b)\n" * 45)
    (tmp_path / "b.py").write_text(HUB)
    _code, out, _ = run_cli("check", "--isolated", ".")
    tail = out.splitlines()[-9:]
    assert tail == [
        "Found 46 findings (2 files checked).",
        "",
        "Summary of 46 findings, by rule:",
        "      45  MLW101  pickle-load",
        "       1  MLW201  trust-remote-code",
        "Top directories: src/ (45), ./ (1)",
        "By context: code (46)",
        "To adopt mlwarden on an existing code base, record these findings with `mlwarden baseline` and run "
        "`mlwarden check --baseline .mlwarden-baseline.json` to fail only on new ones; `--statistics` prints the counts only.",
        "1 more finding below medium severity is hidden (tests, docs, examples and low-risk calls); `--severity low` shows it.",
    ]
    _code, out, _ = run_cli("check", "--isolated", "b.py")
    assert "Summary of" not in out and "baseline" not in out


def test_under_pre_commit_totals_are_per_batch(project, run_cli, monkeypatch):
    monkeypatch.setenv("PRE_COMMIT", "1")
    code, out, _ = run_cli("check", "--isolated", "serve.py", "tests/test_remote.py")
    assert code == 1
    assert "Found" not in out
    assert "3 findings in this batch (2 files checked; pre-commit may run mlwarden on several batches)." in out.splitlines()
    assert "2 more findings below medium severity are hidden in this batch" in out
    _code, out, _ = run_cli("check", "--isolated", "--severity", "high", "tests/test_remote.py")
    assert out.splitlines()[0] == "No findings in this batch (1 file checked)."


def test_cache_keeps_severity_and_context(project, run_cli):
    first = run_cli("check", "--isolated", "--severity", "low", "--format", "json", ".")[1]
    second = run_cli("check", "--isolated", "--severity", "low", "--format", "json", ".")[1]  # from the cache
    uncached = run_cli("check", "--isolated", "--severity", "low", "--format", "json", "--no-cache", ".")[1]
    assert json.loads(first)["findings"] == json.loads(second)["findings"] == json.loads(uncached)["findings"]


def test_baseline_records_low_findings_too(project, run_cli):
    code, out, _ = run_cli("baseline", "--isolated", ".")
    assert code == 0 and out.startswith("Wrote 5 findings"), out
    code, out, _ = run_cli("check", "--isolated", "--severity", "low", "--baseline", ".mlwarden-baseline.json", ".")
    assert code == 0, out


def test_top_directories_split_below_the_folders_all_findings_share(tmp_path, run_cli, monkeypatch):
    """A run on one project names its sub-folders, not the project once."""
    monkeypatch.delenv("PRE_COMMIT", raising=False)
    project = tmp_path / "proj-1.0" / "proj"
    for folder, count in (("configs/llama", 30), ("tools", 12)):
        (project / folder).mkdir(parents=True)
        (project / folder / "a.py").write_text("import pickle\n" + "pickle.loads(b)\n" * count)
    (project / "core.py").write_text("import pickle\n" + "pickle.loads(b)\n" * 3)
    _code, out, _ = run_cli("check", "--isolated", str(tmp_path / "proj-1.0"))
    line = next(x for x in out.splitlines() if x.startswith("Top directories: "))
    root = (tmp_path / "proj-1.0" / "proj").as_posix()
    assert line == f"Top directories: {root}/configs/ (30), {root}/tools/ (12), {root}/ (3)"


def test_directories_of_relative_paths():
    from mlwarden.commands.summary import _directories

    assert _directories(["x-1/x/configs/a.py", "x-1/x/configs/b/c.py", "x-1/x/tools/t.py"]) == {"x-1/x/configs/": 2, "x-1/x/tools/": 1}
    assert _directories(["src/a.py", "b.py"]) == {"src/": 1, "./": 1}
    assert _directories(["./src/a.py", "./src/b.py"]) == {"src/": 2}
