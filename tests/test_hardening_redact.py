"""No credential is ever printed or stored in full (issue 11).

Unit tests of the one shared function (:mod:`mlwarden.core.redact`), then
real runs on a project with planted tokens: every output format on stdout
and through ``-o``, stderr errors, ``--verbose``, ``--diff``, the results
cache, the baseline and a model file whose pickle global carries a token.
Tokens are built at run time (``fake_token``): none is committed.
"""

from __future__ import annotations

import json
import subprocess

import pytest

from hardening_helpers import clean_env, console, fake_token
from mlwarden.core.finding import Finding, Severity
from mlwarden.core.redact import escape_controls, redact_text, safe_line, safe_text

TOKEN = fake_token("ghp_", seed=11)
HF = fake_token("hf_", 34, seed=12)
PASSWORD = fake_token("", 20, seed=13)


# ---------------------------------------------------------------------------
# the shared function


@pytest.mark.parametrize(
    "text, expected",
    [
        (f"https://user:{TOKEN}@pypi.example.com/simple", "https://user:****@pypi.example.com/simple"),
        (f"git+https://{TOKEN}@github.com/org/repo.git@main", "git+https://****@github.com/org/repo.git@main"),
        (f"hg+https://{PASSWORD}@hg.example.com/r", "hg+https://****@hg.example.com/r"),
        (f"https://:{TOKEN}@host/simple", "https://:****@host/simple"),
        (f"ftp://anon:{PASSWORD}@ftp.example.com/x", "ftp://anon:****@ftp.example.com/x"),
        (f"s3://key:{PASSWORD}@bucket/x", "s3://key:****@bucket/x"),
        # an unencoded @ inside the password: split at the last @, as urllib and pip do
        (f"https://user:p@ss{PASSWORD}@host/x", "https://user:****@host/x"),
        # percent-encoded (a URL inside a query string), once and twice
        (f"?next=https%3A%2F%2Fuser%3A{PASSWORD}%40host%2Fx", "?next=https%3A%2F%2Fuser%3A****%40host%2Fx"),
        (f"https%253A%252F%252F{TOKEN}%2540host", "https%253A%252F%252F****%2540host"),
        (f"https://host/x?token={PASSWORD}&v=1", "https://host/x?token=****&v=1"),
        (f"https://blob.example/x?sv=2020&sig={PASSWORD}", "https://blob.example/x?sv=2020&sig=****"),
        (f"-H 'Authorization: Bearer {PASSWORD}'", "-H 'Authorization: Bearer ****'"),
        # a token used as a user name is masked even with a password beside it
        (f"https://{TOKEN}:x-oauth-basic@github.com/o/r", "https://****:****@github.com/o/r"),
    ],
)
def test_url_credentials_are_masked(text, expected):
    assert redact_text(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "git+ssh://git@github.com/org/repo.git@v1.2",  # the conventional user name
        "ssh://hg@hg.example.com/repo",
        "git+https://github.com/org/repo.git@main",  # @ after the path is a ref
        "https://host:8080/path@v1",
        "pkg @ https://files.example/pkg-1.0.whl#sha256=" + "ab12" * 16,
        "mailto:someone@example.com",
        "revision=0123456789abcdef0123456789abcdef01234567",  # a commit SHA is not a secret
        "TFAutoModelForSequenceClassification and Wav2Vec2ForSequenceClassification",
        "TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD",
        "npm_config_userconfig",
        "BSD-3-Clause-No-Nuclear-License-2014",
        "https://github.com/python/cpython/blob/89aa4694fc8c6d190325ef8ed6ce6a6b8efb3e50/Lib/ast.py#L254",
        "`git+https://…@main` installs whatever the branch points to",
    ],
)
def test_what_is_certainly_not_a_credential_prints_as_is(text):
    assert redact_text(text) == text


@pytest.mark.parametrize("token", [TOKEN, HF, fake_token("sk-proj-", 48, seed=3), fake_token("", 40, seed=4)])
def test_token_shapes_are_masked_with_a_preview(token):
    # MLW602 echoes a pickle global's name: it can carry a token
    out = redact_text(f"pickle global `{token}.system` is not on the allowlist")
    assert token not in out
    assert "****" in out and out.endswith(".system` is not on the allowlist")


def test_every_function_is_idempotent():
    texts = [f"https://u:{TOKEN}@h/x?token={PASSWORD} {HF}\n\x1b[31m::error::x", "plain"]
    for func in (redact_text, escape_controls, safe_text, safe_line):
        for text in texts:
            once = func(text)
            assert func(once) == once


def test_control_characters_are_escaped_visibly():
    assert escape_controls("a\nb\rc\td\x1b[31m\x00\x7f\x9b\u202e\u2028") == "a\\nb\\rc\\td\\x1b[31m\\x00\\x7f\\x9b\\u202e\\u2028"
    assert escape_controls("naïve 日本 path") == "naïve 日本 path"
    assert safe_line("::error file=x::y") == "./::error file=x::y"
    assert safe_line("  ::warning::x") == "./  ::warning::x"


def test_finding_messages_are_redacted_and_escaped_at_construction():
    f = Finding("MLW302", "r.txt", 1, 1, f"`--extra-index-url https://u:{TOKEN}@h`\nnext", Severity.HIGH)
    assert TOKEN not in f.message and "\n" not in f.message
    assert f.with_(line=2).message == f.message


# ---------------------------------------------------------------------------
# real runs on planted tokens


def _pickle_with_global(module: str) -> bytes:
    # protocol 0: GLOBAL module name, EMPTY_TUPLE, REDUCE, STOP (never loaded)
    return b"c" + module.encode() + b"\nsystem\n)R."


@pytest.fixture
def project(tmp_path):
    root = tmp_path / "proj"
    root.mkdir()
    (root / "requirements.txt").write_text(
        f"--extra-index-url https://user:{TOKEN}@pypi.example.com/simple\n"
        f"git+https://{TOKEN}@github.com/org/repo.git@main#egg=repo\n"
        f"pkg @ git+https://:{PASSWORD}@git.example.com/r.git\n"
        f"broken[[ https://u:{PASSWORD}@x\n"  # a parse error that echoes the line
    )
    (root / "download.py").write_text(
        "import urllib.request\n"
        f"urllib.request.urlretrieve('http://u:{PASSWORD}@models.example.com/m.bin', 'm.bin')\n"
    )
    (root / "model.pkl").write_bytes(_pickle_with_global(f"{HF}"))
    return root


SECRETS = (TOKEN, PASSWORD, HF)


def _assert_clean(text: str, where: str) -> None:
    for secret in SECRETS:
        assert secret not in text, f"{where} holds a credential"


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github"])
def test_no_format_prints_a_credential(project, fmt):
    proc = subprocess.run(
        [console("mlwarden"), "check", "--format", fmt, "--severity", "low", "--verbose", "."],
        cwd=project, capture_output=True, text=True, env=clean_env(), timeout=300,
    )
    assert proc.returncode == 2, proc.stderr  # findings and one unparsable line
    _assert_clean(proc.stdout, f"{fmt} stdout")
    _assert_clean(proc.stderr, "stderr")
    assert "cannot parse requirement 'broken[[ https://u:****@x'" in proc.stderr
    for rule in ("MLW302", "MLW304", "MLW207"):
        assert rule in proc.stdout, (rule, proc.stdout)
    if fmt == "json":
        doc = json.loads(proc.stdout)
        texts = [e["text"] for f in doc["findings"] if f["fix"] for e in f["fix"]["edits"]]
        # the MLW207 fix is the narrowest edit (the "s" of https), or a whole URL redacted
        assert texts and all(t == "s" or "https://u:****@models.example.com" in t for t in texts), texts
    # the cache stores findings, fix texts and errors: all redacted
    caches = list((project / ".mlwarden_cache").glob("results-*.json"))
    assert caches
    for cache in caches:
        _assert_clean(cache.read_text(), "the results cache")


def test_output_file_and_cached_rerun_hold_no_credential(project, run_cli, monkeypatch):
    monkeypatch.chdir(project)
    for fmt in ("sarif", "json", "text", "github"):
        for _ in range(2):  # the second run is served from the cache
            code, out, err = run_cli("check", "--format", fmt, "-o", f"report.{fmt}", ".")
            assert code == 2
            _assert_clean(out + err, "console")
            report = (project / f"report.{fmt}").read_text()
            _assert_clean(report, f"-o report.{fmt}")
            assert "MLW302" in report


def test_model_file_global_name_is_redacted(project, run_cli, monkeypatch):
    monkeypatch.chdir(project)
    for args in (("check", "--severity", "low", "model.pkl"), ("scan-model", "model.pkl"), ("scan-model", "--list-globals", "model.pkl")):
        code, out, err = run_cli(*args)
        assert code == 1, err
        assert "MLW60" in out
        _assert_clean(out + err, " ".join(args))


def test_baseline_holds_no_credential(project, run_cli, monkeypatch):
    monkeypatch.chdir(project)
    code, out, err = run_cli("baseline", ".")
    text = (project / ".mlwarden-baseline.json").read_text()
    _assert_clean(text + out + err, "the baseline")
    assert json.loads(text)["findings"]
    code, out, err = run_cli("check", "--baseline", ".mlwarden-baseline.json", ".")
    _assert_clean(out + err, "check --baseline")
    assert "MLW302" not in out


def test_diff_and_fix_print_no_credential(project, run_cli, monkeypatch):
    monkeypatch.chdir(project)
    code, out, err = run_cli("check", "--diff", "--unsafe-fixes", "download.py")
    assert code == 1 and "+urllib.request.urlretrieve('https://u:****@models.example.com" in out
    _assert_clean(out + err, "--diff")
    code, out, err = run_cli("check", "--unsafe-fixes", "download.py")
    _assert_clean(out + err, "--fix")
    # the file itself keeps its real content: only reports are redacted
    assert f"https://u:{PASSWORD}@models.example.com" in (project / "download.py").read_text()
