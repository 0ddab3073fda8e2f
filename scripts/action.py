#!/usr/bin/env python3
"""The steps of the mlwarden GitHub Action (``action.yml``), one subcommand each.

``action.yml`` only calls this script; tests/test_action.py runs the same
steps on a temporary git repository. ``install`` runs on the runner's Python
(standard library only, before mlwarden exists); ``check`` runs on the Python
of the environment ``install`` made and imports mlwarden from it.

``install``
    Creates a virtual environment (``$RUNNER_TEMP/mlwarden-action``) and
    installs mlwarden from the action's own checkout (``$GITHUB_ACTION_PATH``),
    so ``uses: mlwarden/mlwarden@<tag or SHA>`` runs exactly that version.
    Step outputs ``python`` (the environment's interpreter, which runs
    ``check``) and ``mlwarden`` (its console script).

``check``
    Runs ``mlwarden check`` with SARIF output, prints the findings with
    repository-relative paths, writes a job summary and decides the step's
    exit status from the SARIF file and ``fail-on``: 1 when a finding is at or
    above ``fail-on``, 2 when input could not be checked or mlwarden could not
    run, 0 otherwise. Step outputs: ``sarif-file``, ``source-root`` (what the
    SARIF paths are relative to; the upload step's ``checkout_path``),
    ``findings``, ``failing``, ``exit-code``.

Inputs come from ``INPUT_*`` environment variables set by ``action.yml`` (never
interpolated into shell text, so a crafted input cannot inject commands).
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
import venv
from pathlib import Path
from typing import Dict, List, Optional, Sequence

ACTION_ROOT = Path(__file__).resolve().parent.parent


class ActionError(Exception):
    """A problem with the action's inputs or environment (one line, exit 2)."""


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def set_outputs(values: Dict[str, object]) -> None:
    """Append ``name=value`` lines to ``$GITHUB_OUTPUT`` (when set)."""
    target = os.environ.get("GITHUB_OUTPUT")
    if not target:
        return
    with open(target, "a", encoding="utf-8") as handle:
        for name, value in values.items():
            text = str(value)
            if "\n" in text:
                raise ActionError(f"output {name} holds a newline")
            handle.write(f"{name}={text}\n")


def error(message: str) -> None:
    """An error line the GitHub log highlights (plain text elsewhere)."""
    prefix = "::error::" if os.environ.get("GITHUB_ACTIONS") == "true" else "mlwarden action: error: "
    print(prefix + message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"), file=sys.stderr)


def warning(message: str) -> None:
    prefix = "::warning::" if os.environ.get("GITHUB_ACTIONS") == "true" else "mlwarden action: warning: "
    print(prefix + message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"), file=sys.stderr)


# ---------------------------------------------------------------------------
# install


def venv_executable(venv_dir: Path, name: str) -> Path:
    if os.name == "nt":
        return venv_dir / "Scripts" / f"{name}.exe"
    return venv_dir / "bin" / name


def install(source: Path, venv_dir: Path) -> Path:
    """Install mlwarden from ``source`` into a new venv; returns the console script."""
    if sys.version_info < (3, 9):
        raise ActionError(f"mlwarden needs Python >= 3.9; {sys.executable} is {sys.version.split()[0]} (set the `python` input)")
    if not (source / "pyproject.toml").is_file():
        raise ActionError(f"{source}: not an mlwarden checkout (no pyproject.toml)")
    venv.EnvBuilder(with_pip=True, clear=True).create(str(venv_dir))
    python = venv_executable(venv_dir, "python")
    cmd = [str(python), "-m", "pip", "install", "--disable-pip-version-check", "--no-input", str(source)]
    print("+ " + " ".join(shlex.quote(c) for c in cmd), flush=True)
    if subprocess.run(cmd).returncode != 0:
        raise ActionError(f"pip could not install mlwarden from {source}")
    exe = venv_executable(venv_dir, "mlwarden")
    version = subprocess.run([str(exe), "--version"], capture_output=True, text=True)
    if version.returncode != 0:
        raise ActionError(f"{exe} --version failed: {version.stderr.strip() or version.stdout.strip()}")
    print(version.stdout.strip(), flush=True)
    return exe


def cmd_install() -> int:
    source = Path(env("GITHUB_ACTION_PATH") or ACTION_ROOT)
    temp = env("RUNNER_TEMP") or env("TMPDIR") or "/tmp"
    venv_dir = Path(temp) / "mlwarden-action"
    exe = install(source, venv_dir)
    set_outputs({"python": venv_executable(venv_dir, "python"), "mlwarden": exe})
    return 0


# ---------------------------------------------------------------------------
# check


def split_words(text: str, what: str) -> List[str]:
    """Words of an input, shell-quoted like a command line (newlines are spaces)."""
    try:
        return shlex.split(text.replace("\r", " ").replace("\n", " "))
    except ValueError as exc:
        raise ActionError(f"{what}: {exc}") from None


def severities() -> List[str]:
    """mlwarden's severities, lowest first."""
    from mlwarden.core.finding import Severity

    return [s.value for s in sorted(Severity, key=lambda s: s.rank)]


def parse_fail_on(text: str) -> Optional[int]:
    """Rank of the lowest failing severity, or None for ``none``."""
    value = (text or "low").strip().lower()
    choices = severities() + ["none"]
    if value not in choices:
        raise ActionError(f"fail-on: {text!r} is not one of {', '.join(choices)}")
    return None if value == "none" else choices.index(value)


def check_command(mlwarden: str, paths: Sequence[str], args: Sequence[str], baseline: str, sarif: Path) -> List[str]:
    cmd = [mlwarden, "check", *args]
    if baseline:
        cmd += ["--baseline", baseline]
    # last, so that `args` cannot redirect the report the action reads
    cmd += ["--format", "sarif", "--output", str(sarif), "--", *(paths or ["."])]
    return cmd


def result_rank(result: dict) -> int:
    """The rank of a SARIF result's mlwarden severity (0 = low)."""
    names = severities()
    severity = str((result.get("properties") or {}).get("severity", "")).lower()
    if severity in names:
        return names.index(severity)
    # a SARIF level without mlwarden's property: error counts as high
    return names.index({"error": "high", "warning": "medium", "note": "low"}.get(result.get("level", "warning"), "medium"))


def result_line(result: dict) -> str:
    """``path:line:col: RULE message`` from a SARIF result (repository-relative path)."""
    from urllib.parse import unquote

    location = (result.get("locations") or [{}])[0].get("physicalLocation", {})
    uri = unquote(location.get("artifactLocation", {}).get("uri", "?"))
    region = location.get("region", {})
    where = f"{uri}:{region.get('startLine', 1)}" + (f":{region['startColumn']}" if "startColumn" in region else "")
    return f"{where}: {result.get('ruleId', '?')} {result.get('message', {}).get('text', '')}"


def summary_markdown(results: List[dict], failing: int, fail_on: Optional[int], errors: List[str], sarif: Path) -> str:
    names = severities()
    counts = [0] * len(names)
    for result in results:
        counts[result_rank(result)] += 1
    threshold = "never (fail-on: none)" if fail_on is None else f"{names[fail_on]} and above"
    lines = [
        "### mlwarden",
        "",
        f"{len(results)} finding{'s' if len(results) != 1 else ''}; fails on {threshold}: {failing} failing.",
        "",
        "| severity | findings |",
        "|---|---|",
        *(f"| {names[i]} | {counts[i]} |" for i in reversed(range(len(names)))),
        "",
    ]
    if errors:
        lines += [f"{len(errors)} file{'s' if len(errors) != 1 else ''} could not be checked:", ""]
        lines += [f"- `{e}`" for e in errors[:50]] + [""]
    lines.append(f"SARIF report: `{sarif}`")
    return "\n".join(lines) + "\n"


def run_check(
    mlwarden: str,
    paths: Sequence[str],
    args: Sequence[str],
    fail_on: Optional[int],
    baseline: str,
    sarif: Path,
    cwd: Path,
) -> Dict[str, object]:
    """Run mlwarden, read its SARIF report; returns the step outputs."""
    from mlwarden.output.sarif import source_root

    if sarif.exists():
        sarif.unlink()  # a stale report must never be uploaded as this run's
    sarif.parent.mkdir(parents=True, exist_ok=True)
    cmd = check_command(mlwarden, paths, args, baseline, sarif)
    print("+ " + " ".join(shlex.quote(c) for c in cmd), flush=True)
    try:
        proc = subprocess.run(cmd, cwd=str(cwd))
    except OSError as exc:
        raise ActionError(f"cannot run {mlwarden}: {exc.strerror or exc}") from None
    outputs: Dict[str, object] = {"exit-code": proc.returncode, "source-root": source_root(cwd)}
    if proc.returncode not in (0, 1, 2) or not sarif.is_file():
        outputs.update({"sarif-file": "", "findings": 0, "failing": 0, "exit-code": 2})
        error(f"mlwarden check exited with status {proc.returncode} and wrote no report")
        return outputs
    try:
        doc = json.loads(sarif.read_text(encoding="utf-8"))
        run = doc["runs"][0]
        results = list(run.get("results", []))
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        raise ActionError(f"{sarif}: not a SARIF report mlwarden wrote ({exc})") from None
    errors = [
        n.get("message", {}).get("text", "")
        for inv in run.get("invocations", [])
        for n in inv.get("toolExecutionNotifications", [])
        if n.get("level") == "error"
    ]
    for result in results:
        print(result_line(result))
    failing = 0 if fail_on is None else sum(1 for r in results if result_rank(r) >= fail_on)
    status = 2 if (errors or proc.returncode == 2) else (1 if failing else 0)
    outputs.update({"sarif-file": sarif, "findings": len(results), "failing": failing, "exit-code": status})
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary:
        with open(summary, "a", encoding="utf-8") as handle:
            handle.write(summary_markdown(results, failing, fail_on, errors, sarif))
    verdict = {0: "passed", 1: f"{failing} finding{'s' if failing != 1 else ''} at or above fail-on", 2: "input could not be checked"}
    print(f"mlwarden: {len(results)} finding{'s' if len(results) != 1 else ''}; {verdict[status]}", flush=True)
    return outputs


def cmd_check() -> int:
    mlwarden = env("MLWARDEN") or str(venv_executable(Path(sys.prefix), "mlwarden"))
    start = Path.cwd()
    workdir = (start / (env("INPUT_WORKING_DIRECTORY") or ".")).resolve()
    if not workdir.is_dir():
        raise ActionError(f"working-directory: {workdir} is not a directory")
    sarif = Path(os.path.abspath(start / (env("INPUT_SARIF_FILE") or "mlwarden.sarif")))
    fail_on = parse_fail_on(env("INPUT_FAIL_ON", "low"))
    paths = split_words(env("INPUT_PATHS", "."), "paths") or ["."]
    args = split_words(env("INPUT_ARGS"), "args")
    if env("INPUT_UPDATE_DATA").lower() == "true":
        proc = subprocess.run([mlwarden, "update-data"], cwd=str(workdir))
        if proc.returncode != 0:
            warning("mlwarden update-data failed; checking with the bundled malicious-package list")
    outputs = run_check(mlwarden, paths, args, fail_on, env("INPUT_BASELINE"), sarif, workdir)
    set_outputs(outputs)
    return int(outputs["exit-code"])  # type: ignore[arg-type]


def main(argv: Optional[Sequence[str]] = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    commands = {"install": cmd_install, "check": cmd_check}
    if len(argv) != 1 or argv[0] not in commands:
        print(f"usage: action.py {{{','.join(commands)}}}", file=sys.stderr)
        return 2
    try:
        return commands[argv[0]]()
    except ActionError as exc:
        error(str(exc))
        set_outputs({"exit-code": 2})
        return 2


if __name__ == "__main__":
    sys.exit(main())
