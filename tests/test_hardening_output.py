"""Control characters in file names and messages never reach an output raw (issue 11).

A file named ``x\\n::error file=…::pwned.py`` must not inject a GitHub
workflow command or forge an output line, and an ANSI escape in a name must
not reach the terminal. Checked on every format, on ``-o`` files and on the
one-line errors on stderr.
"""

from __future__ import annotations

import json
import urllib.parse
import os
import re

import pytest

pytestmark = pytest.mark.skipif(os.name != "posix", reason="control characters in file names")

INJECT = "x\n::error file=evil.py,line=1::pwned\x1b[2J\u202e.py"
BAD = "y\n::warning::bad\x1b]0;title\x07.py"
CODE = "import pickle\npickle.load(f)\n"


@pytest.fixture
def d(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text("[tool.mlwarden]\n")
    (tmp_path / INJECT).write_text(CODE)
    (tmp_path / BAD).write_text("def broken(:\n    pickle.load(f)\n")
    return tmp_path


RAW = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _no_raw_controls(text: str, where: str) -> None:
    assert not RAW.search(text), f"{where}: raw control character in {text!r}"


def _only_our_commands(text: str) -> None:
    for line in text.splitlines():
        assert not line.lstrip().startswith("::") or line.startswith(("::error file=", "::warning file=", "::notice file=", "::error::")), line


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github"])
def test_names_cannot_forge_lines_in_any_format(d, run_cli, fmt):
    code, out, err = run_cli("check", "--format", fmt, "--no-cache", ".")
    assert code == 2
    for text, where in ((out, "stdout"), (err, "stderr")):
        _no_raw_controls(text, where)
    # stderr: exactly one line, for the file that does not parse, shown escaped
    assert err.count("\n") == 1 and err.startswith("y\\n::warning::bad\\x1b]0;title\\x07.py: syntax error"), err
    if fmt == "text":
        lines = out.splitlines()
        assert lines[0].startswith("x\\n::error file=evil.py,line=1::pwned\\x1b[2J\\u202e.py:2:1: MLW101 ")
        assert len(lines) == 2  # the finding and the summary: nothing forged
    elif fmt == "github":
        _only_our_commands(out)
        lines = out.splitlines()
        assert len(lines) == 2
        assert lines[0].startswith("::error file=x\\n%3A%3Aerror file=evil.py%2Cline=1%3A%3Apwned\\x1b[2J\\u202e.py,line=2,col=1,title=MLW101 (high)::")
        assert lines[1].startswith("::error::y\\n::warning::bad")  # data: only %, CR and LF are special
    else:  # JSON keeps the real name, escaped as JSON
        doc = json.loads(out)
        if fmt == "json":
            assert doc["findings"][0]["path"] == INJECT
            assert doc["errors"][0].startswith("y\\n::warning::bad")
        else:
            uri = doc["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            # a SARIF URI is percent-encoded: the real name decodes from it, and
            # no control character survives in it
            assert urllib.parse.unquote(uri) == INJECT
            assert uri.isprintable() and "%0A" in uri and "%1B" in uri
        if fmt == "json":
            assert "\\u001b" in out and "\\u202e" in out


def test_output_file_is_escaped_too(d, run_cli):
    code, out, err = run_cli("check", "--no-cache", "-o", "report.txt", ".")
    report = (d / "report.txt").read_text()
    _no_raw_controls(report, "report.txt")
    assert len(report.splitlines()) == 2


def test_strip_errors_and_fixing_lines_are_escaped(d, run_cli):
    (d / "n\x1b[31m\n::error::x.ipynb").write_text("not json")
    code, out, err = run_cli("strip", "n\x1b[31m\n::error::x.ipynb")
    assert code == 2
    assert err == "n\\x1b[31m\\n::error::x.ipynb: cannot parse notebook: invalid JSON at line 1 column 1: Expecting value\n"


def test_a_line_starting_with_a_workflow_command_is_shown_as_a_path(d, run_cli):
    (d / "::error::z.py").write_text(CODE)
    code, out, err = run_cli("check", "--no-cache", "::error::z.py")
    assert out.startswith("./::error::z.py:2:1: MLW101")
