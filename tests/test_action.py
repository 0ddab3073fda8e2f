"""The GitHub Action (action.yml): its steps run here as GitHub runs them.

A small runner reads action.yml, evaluates the ``${{ }}`` expressions its
steps use (inputs with their defaults, earlier steps' outputs,
``github.action_path``), runs each ``run:`` step with bash in a temporary git
repository with the environment GitHub sets (``GITHUB_OUTPUT``,
``GITHUB_STEP_SUMMARY``, ``RUNNER_TEMP``), and records what the ``uses:``
upload step would receive. The fast tests stand in for the install step with
this environment's mlwarden; the slow test runs it for real (a fresh venv).

The SARIF tests check what code scanning needs: every location is relative
to the repository root (``%SRCROOT%``, declared in ``originalUriBaseIds``),
names a file that exists there, and notebook findings point at the line of
the ``.ipynb`` JSON that holds the flagged code, with the cell in the message.
"""

from __future__ import annotations

import json
import os
import random
import re
import socket
import subprocess
import sys
from pathlib import Path
from typing import Dict, Optional
from urllib.parse import unquote

import pytest
import yaml

from conftest import ROOT
from model_factory import call, unicode, wrap
from precommit_helpers import _env as clean_env
from precommit_helpers import git, snapshot_repo, write_files

ACTION = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
VENV_BIN = Path(sys.executable).parent

PICKLE_PY = "import pickle\n\n\ndef restore(path):\n    with open(path, 'rb') as f:\n        return pickle.load(f)\n"
CLEAN_PY = "import json\n\nconfig = json.load(open('config.json'))\n"


def fake_hf_token() -> str:
    rng = random.Random(19)
    return "hf_" + "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz") for _ in range(34))


def notebook_json() -> str:
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Fine-tuning"),
        nbformat.v4.new_code_cell("import torch as t\nimport os"),
        nbformat.v4.new_code_cell("model = build()\nstate = t.load('ckpt.pt')\nmodel.load_state_dict(state)"),
        nbformat.v4.new_code_cell(
            "print(os.environ['HF_TOKEN'])",
            outputs=[nbformat.v4.new_output("stream", name="stdout", text=fake_hf_token() + "\n")],
        ),
    ]
    return nbformat.writes(nb)


def project_files() -> Dict[str, object]:
    return {
        "ml/train.py": PICKLE_PY,
        "ml/clean.py": CLEAN_PY,
        "ml/notebooks/Fine tuning.ipynb": notebook_json(),
        "ml/models/classifier.pkl": wrap(call("os", "system", unicode("echo mlwarden-test"))),
        "requirements.txt": "torchtriton==2.0.0\n",
        "docs/readme.md": "nothing to see\n",
    }


def make_repo(path: Path, files: Dict[str, object]) -> Path:
    path.mkdir(parents=True)
    git("init", "-q", "-b", "main", cwd=path)
    write_files(path, files)
    git("add", "-A", cwd=path)
    return path


# ---------------------------------------------------------------------------
# a runner for this composite action

_EXPR = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


class ActionRun:
    """Runs action.yml's steps as GitHub does, in ``workspace``."""

    def __init__(
        self, workspace: Path, temp: Path, inputs: Dict[str, str], install: Optional[Dict[str, str]] = None, action_path: Path = ROOT
    ):
        self.workspace = workspace
        self.action_path = action_path
        self.temp = temp
        self.temp.mkdir(parents=True, exist_ok=True)
        unknown = set(inputs) - set(ACTION["inputs"])
        assert not unknown, f"inputs not declared in action.yml: {unknown}"
        self.inputs = {name: str(spec.get("default", "")) for name, spec in ACTION["inputs"].items()}
        self.inputs.update(inputs)
        self.outputs: Dict[str, Dict[str, str]] = {}
        if install is not None:  # stand-in for the install step
            self.outputs["install"] = dict(install)
        self.results: Dict[str, subprocess.CompletedProcess] = {}
        self.uploads = []
        self.summary = temp / "step-summary.md"

    def value(self, expr: str) -> str:
        parts = expr.split(".")
        if parts[0] == "inputs" and len(parts) == 2:
            assert parts[1] in self.inputs, f"action.yml uses undeclared input {parts[1]}"
            return self.inputs[parts[1]]
        if parts[0] == "steps" and len(parts) == 4 and parts[2] == "outputs":
            return self.outputs.get(parts[1], {}).get(parts[3], "")
        if expr == "github.action_path":
            return str(self.action_path)
        raise AssertionError(f"the test runner does not know the expression {expr!r}")

    def render(self, text: str) -> str:
        return _EXPR.sub(lambda m: self.value(m.group(1)), str(text))

    def condition(self, text: Optional[str], failed: bool) -> bool:
        """A step's ``if:``: the ``&&`` of comparisons and status functions
        that action.yml uses; without a status function GitHub adds
        ``success()``."""
        if text is None:
            return not failed
        expr = _EXPR.fullmatch(text.strip())
        body = expr.group(1) if expr else text.strip()
        verdict, status = True, False
        for term in (t.strip() for t in body.split("&&")):
            if term in ("always()", "!cancelled()"):
                status = True
                continue
            match = re.fullmatch(r"([\w.-]+)\s*(==|!=)\s*'([^']*)'", term)
            assert match, f"the test runner does not know the condition {term!r}"
            equal = self.value(match.group(1)) == match.group(3)
            verdict = verdict and (equal if match.group(2) == "==" else not equal)
        return verdict and (status or not failed)

    def run(self, skip=("install",)) -> "ActionRun":
        assert ACTION["runs"]["using"] == "composite"
        failed = False
        for step in ACTION["runs"]["steps"]:
            step_id = step.get("id", step.get("name"))
            if step_id in skip:
                assert step_id in self.outputs, f"step {step_id} skipped without stand-in outputs"
                continue
            if not self.condition(step.get("if"), failed):
                continue
            if "uses" in step:
                self.uploads.append({"uses": step["uses"], **{k: self.render(v) for k, v in step.get("with", {}).items()}})
                continue
            assert step.get("shell") == "bash"
            output_file = self.temp / f"output-{step_id}.txt"
            output_file.write_text("")
            env = clean_env()
            env.update({k: self.render(v) for k, v in step.get("env", {}).items()})
            env.update(
                GITHUB_ACTIONS="true",
                GITHUB_ACTION_PATH=str(self.action_path),
                GITHUB_WORKSPACE=str(self.workspace),
                GITHUB_OUTPUT=str(output_file),
                GITHUB_STEP_SUMMARY=str(self.summary),
                RUNNER_TEMP=str(self.temp),
            )
            proc = subprocess.run(
                ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
                cwd=self.workspace, env=env, capture_output=True, text=True, timeout=900,
            )
            self.results[step_id] = proc
            self.outputs[step_id] = dict(
                line.split("=", 1) for line in output_file.read_text(encoding="utf-8").splitlines() if "=" in line
            )
            failed = failed or proc.returncode != 0
        return self

    def sarif(self) -> dict:
        return json.loads(Path(self.outputs["check"]["sarif-file"]).read_text(encoding="utf-8"))


def this_environment() -> Dict[str, str]:
    exe = VENV_BIN / ("mlwarden.exe" if os.name == "nt" else "mlwarden")
    return {"python": sys.executable, "mlwarden": str(exe)}


@pytest.fixture
def repo(tmp_path):
    return make_repo(tmp_path / "work" / "project", project_files())


def run_action(tmp_path, repo, **inputs) -> ActionRun:
    return ActionRun(repo, tmp_path / "runner-temp", inputs, install=this_environment()).run()


# ---------------------------------------------------------------------------
# the action file itself


def test_run_steps_never_interpolate_expressions():
    """``${{ inputs.x }}`` inside a shell command is a script-injection hole."""
    for step in ACTION["runs"]["steps"]:
        if "run" in step:
            assert "${{" not in step["run"], step["name"]
            assert "scripts/action.py" in step["run"], step["name"]


def test_action_installs_its_own_checkout_and_uploads_with_codeql():
    install, check, upload = ACTION["runs"]["steps"]
    assert install["id"] == "install" and install["run"].split()[-1] == "install"
    assert check["id"] == "check" and check["run"].split()[-1] == "check"
    assert upload["uses"].startswith("github/codeql-action/upload-sarif@v")
    assert set(upload["with"]) == {"sarif_file", "category", "checkout_path"}
    assert set(ACTION["outputs"]) == {"sarif-file", "findings", "failing", "exit-code"}


# ---------------------------------------------------------------------------
# the steps, on a temporary repository


def test_findings_fail_the_step_and_the_sarif_is_uploaded(tmp_path, repo):
    run = run_action(tmp_path, repo, **{"upload-sarif": "true", "category": "ml-security"})
    proc = run.results["check"]
    assert proc.returncode == 1, proc.stdout + proc.stderr
    out = run.outputs["check"]
    assert out["exit-code"] == "1"
    assert Path(out["sarif-file"]) == repo / "mlwarden.sarif"
    assert Path(out["source-root"]) == repo
    # the log lists every finding with its repository-relative path
    assert "ml/train.py:6:16: MLW101 " in proc.stdout
    assert "requirements.txt:1:1: MLW306 " in proc.stdout
    assert "ml/models/classifier.pkl:1:1: MLW601 " in proc.stdout
    assert fake_hf_token() not in proc.stdout + proc.stderr + run.summary.read_text()
    assert [u["uses"].split("@")[0] for u in run.uploads] == ["github/codeql-action/upload-sarif"]
    (upload,) = run.uploads
    assert upload == {
        "uses": ACTION["runs"]["steps"][2]["uses"],
        "sarif_file": out["sarif-file"],
        "category": "ml-security",
        "checkout_path": str(repo),
    }
    summary = run.summary.read_text(encoding="utf-8")
    assert f"{out['findings']} findings; fails on low and above: {out['failing']} failing." in summary
    assert out["findings"] == out["failing"] and int(out["findings"]) >= 5


def test_no_upload_unless_asked(tmp_path, repo):
    run = run_action(tmp_path, repo)
    assert run.results["check"].returncode == 1
    assert run.uploads == []


def test_sarif_locations_resolve_in_the_repository(tmp_path, repo):
    """Run from a subdirectory: code scanning still gets repository-relative paths."""
    run = run_action(tmp_path, repo, **{"working-directory": "ml", "paths": ". ../requirements.txt", "upload-sarif": "true"})
    doc = run.sarif()
    (sarif_run,) = doc["runs"]
    assert "%SRCROOT%" in sarif_run["originalUriBaseIds"]
    checkout = Path(run.uploads[0]["checkout_path"])
    assert checkout == repo
    uris = set()
    for result in sarif_run["results"]:
        location = result["locations"][0]["physicalLocation"]
        artifact = location["artifactLocation"]
        assert artifact["uriBaseId"] == "%SRCROOT%"
        assert not artifact["uri"].startswith(("/", "file:", "..")), artifact
        assert (checkout / unquote(artifact["uri"])).is_file(), artifact
        assert location["region"]["startLine"] >= 1
        uris.add(unquote(artifact["uri"]))
    assert uris == {
        "ml/train.py",
        "ml/notebooks/Fine tuning.ipynb",
        "ml/models/classifier.pkl",
        "requirements.txt",
    }
    # a space in a path is percent-encoded: a SARIF location is a URI
    assert any(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "ml/notebooks/Fine%20tuning.ipynb"
               for r in sarif_run["results"])


def test_notebook_findings_point_at_the_json_line_of_the_cell(tmp_path, repo):
    run = run_action(tmp_path, repo)
    doc = run.sarif()
    lines = (repo / "ml/notebooks/Fine tuning.ipynb").read_text(encoding="utf-8").splitlines()
    by_rule = {}
    for result in doc["runs"][0]["results"]:
        artifact = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        if artifact.endswith(".ipynb"):
            by_rule[result["ruleId"]] = result
    assert set(by_rule) >= {"MLW102", "MLW510"}, sorted(by_rule)
    torch_load = by_rule["MLW102"]
    json_line = lines[torch_load["locations"][0]["physicalLocation"]["region"]["startLine"] - 1]
    assert "t.load('ckpt.pt')" in json_line
    assert torch_load["properties"]["cell"] == 3 and torch_load["properties"]["cellLine"] == 2
    assert torch_load["message"]["text"].endswith("(cell 3, line 2)")
    leaked = by_rule["MLW510"]
    json_line = lines[leaked["locations"][0]["physicalLocation"]["region"]["startLine"] - 1]
    assert fake_hf_token() in json_line  # the output line that holds it
    assert fake_hf_token() not in json.dumps(doc)
    assert leaked["message"]["text"].endswith("(cell 4, output 1)")


@pytest.mark.parametrize(
    "fail_on, code",
    [("critical", 1), ("none", 0), ("CRITICAL", 1)],
)
def test_fail_on_threshold(tmp_path, repo, fail_on, code):
    run = run_action(tmp_path, repo, **{"fail-on": fail_on})
    out = run.outputs["check"]
    assert run.results["check"].returncode == code
    assert out["exit-code"] == str(code)
    doc = run.sarif()
    critical = [r for r in doc["runs"][0]["results"] if r["properties"]["severity"] == "critical"]
    assert len(critical) >= 2  # MLW306 and MLW601
    assert out["failing"] == (str(len(critical)) if fail_on.lower() == "critical" else "0")
    # the report still has every finding: fail-on decides the status, not what is shown
    assert int(out["findings"]) > len(critical)


def test_clean_repository_passes(tmp_path):
    repo = make_repo(tmp_path / "clean", {"src/app.py": CLEAN_PY})
    run = run_action(tmp_path, repo, **{"upload-sarif": "true"})
    assert run.results["check"].returncode == 0, run.results["check"].stderr
    assert run.outputs["check"]["findings"] == "0"
    assert run.sarif()["runs"][0]["results"] == []
    assert len(run.uploads) == 1  # an empty report closes fixed alerts


def test_baseline_input_reports_only_new_findings(tmp_path, repo, run_cli, monkeypatch):
    monkeypatch.chdir(repo)
    code, _, err = run_cli("baseline", "--output", ".mlwarden-baseline.json", ".")
    assert code == 0, err
    (repo / "ml" / "new.py").write_text("import joblib\nclf = joblib.load('clf.joblib')\n")
    run = run_action(tmp_path, repo, baseline=".mlwarden-baseline.json")
    proc = run.results["check"]
    assert proc.returncode == 1, proc.stderr
    assert run.outputs["check"]["findings"] == "1"
    assert [r["ruleId"] for r in run.sarif()["runs"][0]["results"]] == ["MLW103"]
    # a missing baseline file is an error, not a silent full report
    run = run_action(tmp_path / "again", repo, baseline="missing.json")
    assert run.results["check"].returncode == 2
    assert "missing.json" in run.results["check"].stdout + run.results["check"].stderr


def test_args_and_quoted_paths(tmp_path, repo):
    run = run_action(
        tmp_path, repo,
        paths='"ml/notebooks/Fine tuning.ipynb"\nml/train.py',
        args="--select MLW102",
    )
    results = run.sarif()["runs"][0]["results"]
    assert [r["ruleId"] for r in results] == ["MLW102"]
    assert run.results["check"].returncode == 1


def test_args_cannot_redirect_the_report(tmp_path, repo):
    run = run_action(tmp_path, repo, args="--format text --output elsewhere.txt")
    assert run.results["check"].returncode == 1
    assert not (repo / "elsewhere.txt").exists()
    assert int(run.outputs["check"]["findings"]) >= 5


def test_stale_report_is_not_uploaded(tmp_path, repo):
    (repo / "mlwarden.sarif").write_text('{"stale": true}')
    run = run_action(tmp_path, repo, args="--no-such-option", **{"upload-sarif": "true"})
    proc = run.results["check"]
    assert proc.returncode == 2
    assert "::error::" in proc.stderr
    assert run.outputs["check"]["sarif-file"] == ""
    assert not (repo / "mlwarden.sarif").exists()
    assert run.uploads == []


@pytest.mark.parametrize(
    "inputs, message",
    [
        ({"fail-on": "severe"}, "fail-on: 'severe' is not one of low, medium, high, critical, none"),
        ({"working-directory": "nowhere"}, "working-directory:"),
        ({"paths": "'unterminated"}, "paths: No closing quotation"),
    ],
)
def test_bad_inputs_are_one_line_errors(tmp_path, repo, inputs, message):
    run = run_action(tmp_path, repo, **inputs)
    proc = run.results["check"]
    assert proc.returncode == 2
    assert message in proc.stderr
    assert "Traceback" not in proc.stderr
    assert run.outputs["check"]["exit-code"] == "2"


def test_unreadable_input_fails_even_with_fail_on_none(tmp_path, repo):
    (repo / "ml" / "broken.ipynb").write_text("{not json")
    run = run_action(tmp_path, repo, **{"fail-on": "none"})
    assert run.results["check"].returncode == 2
    assert "could not be checked" in run.summary.read_text(encoding="utf-8")


@pytest.mark.slow
def test_all_steps_with_a_real_install(tmp_path, repo):
    """The install step too: a fresh venv with mlwarden built from the action's
    checkout (a copy of this working tree, as GitHub checks the action out)."""
    snapshot, _ = snapshot_repo()
    inputs = {"upload-sarif": "true", "python": sys.executable}
    run = ActionRun(repo, tmp_path / "runner-temp", inputs, action_path=snapshot).run(skip=())
    install = run.results["install"]
    assert install.returncode == 0, install.stdout[-3000:] + install.stderr[-3000:]
    venv_dir = tmp_path / "runner-temp" / "mlwarden-action"
    assert Path(run.outputs["install"]["mlwarden"]).parent.parent == venv_dir
    from mlwarden import __version__

    assert f"mlwarden {__version__}" in install.stdout
    proc = run.results["check"]
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "ml/train.py:6:16: MLW101 " in proc.stdout
    assert len(run.uploads) == 1 and Path(run.uploads[0]["sarif_file"]).is_file()


def test_artifact_location_outside_the_repository_is_an_absolute_uri(tmp_path):
    from mlwarden.output.sarif import artifact_location, source_root

    repo = make_repo(tmp_path / "repo", {"a b/x.py": CLEAN_PY})
    (tmp_path / "other.py").write_text(CLEAN_PY)
    sub = repo / "a b"
    assert source_root(sub) == repo
    assert artifact_location("x.py", repo, cwd=sub) == {"uri": "a%20b/x.py", "uriBaseId": "%SRCROOT%"}
    assert artifact_location(str(sub / "x.py"), repo, cwd=tmp_path) == {"uri": "a%20b/x.py", "uriBaseId": "%SRCROOT%"}
    assert artifact_location("../../other.py", repo, cwd=sub) == {"uri": (tmp_path / "other.py").as_uri()}
    # outside any repository, the working directory is the root
    plain = tmp_path / "plain"
    plain.mkdir()
    assert source_root(plain) == plain


def test_update_data_failure_warns_and_checks_with_the_bundled_list(tmp_path, repo, monkeypatch):
    """`update-data: true` runs `mlwarden update-data` first; when the
    download fails (here: a proxy on a closed loopback port, so nothing leaves
    the machine) the step warns and still checks."""
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()
    for name in ("https_proxy", "HTTPS_PROXY"):
        monkeypatch.setenv(name, f"http://127.0.0.1:{port}")
    monkeypatch.delenv("no_proxy", raising=False)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.setenv("MLWARDEN_DATA_DIR", str(tmp_path / "data"))
    run = run_action(tmp_path, repo, **{"update-data": "true"})
    proc = run.results["check"]
    assert "mlwarden: error: https://osv-vulnerabilities.storage.googleapis.com/PyPI/all.zip: " in proc.stderr
    assert "::warning::mlwarden update-data failed; checking with the bundled malicious-package list" in proc.stderr
    assert proc.returncode == 1
    assert "requirements.txt:1:1: MLW306 " in proc.stdout
    assert not (tmp_path / "data").exists()
