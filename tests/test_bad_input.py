"""Bad input is never a traceback: one line `path: reason` on stderr, the other
files are still checked, and the exit code says so (2)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

PICKLE = "import pickle\npickle.load(f)\n"  # MLW101 at 2:1


@pytest.fixture
def d(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text("[tool.mlwarden]\n")
    (tmp_path / "good.py").write_text(PICKLE)
    return tmp_path


def check(run_cli, *paths):
    code, out, err = run_cli("check", *paths)
    assert "Traceback" not in out + err
    findings = {tuple(line.split(": ")[0].rsplit(":", 2)) + (line.split(": ", 1)[1].split()[0],)
                for line in out.splitlines() if ": MLW" in line}
    return code, findings, err


def assert_one_error(code, findings, err, name, reason):
    """good.py was still checked; `name` gave exactly one line naming the reason."""
    assert code == 2
    assert ("good.py", "2", "1", "MLW101") in findings
    assert err.count("\n") == 1, err
    assert err.startswith(f"{name}: "), err
    assert reason in err, err


def test_syntax_error(d, run_cli):
    (d / "broken.py").write_text("import pickle\ndef f(:\n    pickle.load(x)\n")
    code, findings, err = check(run_cli, "broken.py", "good.py")
    assert_one_error(code, findings, err, "broken.py", "syntax error at line 2")


def test_syntax_error_without_trigger_words_is_not_parsed(d, run_cli):
    # the prefilter never parses a file that mentions no rule's words: no error, nothing to report
    (d / "broken.py").write_text("def f(:\n    return 1\n")
    code, findings, err = check(run_cli, "broken.py", "good.py")
    assert (code, err) == (1, "")


def test_invalid_utf8(d, run_cli):
    (d / "latin.py").write_bytes(b"import pickle\nname = 'caf\xe9'\npickle.load(f)\n")
    code, findings, err = check(run_cli, "latin.py", "good.py")
    assert_one_error(code, findings, err, "latin.py", "cannot decode as utf-8: invalid byte 0xe9 at line 2")


def test_unknown_coding_cookie(d, run_cli):
    (d / "odd.py").write_bytes(b"# -*- coding: klingon -*-\nimport pickle\npickle.load(f)\n")
    code, findings, err = check(run_cli, "odd.py", "good.py")
    assert_one_error(code, findings, err, "odd.py", "cannot decode")


def test_binary_file_named_py(d, run_cli):
    (d / "model.py").write_bytes(b"\x80\x04\x95pickle\x00\x00\x8c\x05torch\x94." + bytes(range(256)))
    code, findings, err = check(run_cli, "model.py", "good.py")
    assert_one_error(code, findings, err, "model.py", "binary file")


def test_binary_file_found_by_walk(d, run_cli):
    (d / "model.py").write_bytes(b"\x00" * 100)
    code, findings, err = check(run_cli, ".")
    assert_one_error(code, findings, err, "model.py", "binary file")


def test_empty_file(d, run_cli):
    (d / "empty.py").write_bytes(b"")
    code, findings, err = check(run_cli, "empty.py", "good.py")
    assert (code, err) == (1, "")
    assert findings == {("good.py", "2", "1", "MLW101")}


def test_whitespace_and_comment_only_file(d, run_cli):
    (d / "c.py").write_text("\n\n   \n# pickle.load(f)\n")
    code, findings, err = check(run_cli, "c.py")
    assert (code, findings, err) == (0, set(), "")


def test_nonexistent_path(d, run_cli):
    code, findings, err = check(run_cli, "nope.py", "good.py")
    assert_one_error(code, findings, err, "nope.py", "no such file or directory")


def test_nonexistent_directory(d, run_cli):
    code, findings, err = check(run_cli, "nodir/", "good.py")
    assert_one_error(code, findings, err, "nodir/", "no such file or directory")


def test_directory_named_like_a_file(d, run_cli):
    (d / "pkg.py").mkdir()
    (d / "pkg.py" / "inner.py").write_text(PICKLE)
    # a directory is walked, whatever its name
    code, findings, err = check(run_cli, "pkg.py", "good.py")
    assert (code, err) == (1, "")
    assert findings == {("good.py", "2", "1", "MLW101"), ("pkg.py/inner.py", "2", "1", "MLW101")}


def test_directory_passed_as_file_to_loader(d):
    from mlwarden.core.config import Config
    from mlwarden.core.engine import check_file

    (d / "dir.py").mkdir()
    result = check_file(d / "dir.py", "python", Config().rules(), Config(), "dir.py")
    assert result.errors == ["dir.py: is a directory"]


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_unreadable_file(d, tmp_path):
    # as an ordinary user: root (CI) reads anything; see hardening_helpers.unprivileged
    from hardening_helpers import console, permissions_apply_check, run_unprivileged

    permissions_apply_check(tmp_path)
    path = d / "secret.py"
    path.write_text(PICKLE)
    path.chmod(0)
    try:
        proc = run_unprivileged([console("mlwarden"), "check", "--no-cache", "secret.py", "good.py"], cwd=d)
        assert "Traceback" not in proc.stdout + proc.stderr
        findings = {tuple(line.split(": ")[0].rsplit(":", 2)) + (line.split(": ", 1)[1].split()[0],)
                    for line in proc.stdout.splitlines() if ": MLW" in line}
        assert_one_error(proc.returncode, findings, proc.stderr, "secret.py", "cannot read file: Permission denied")
    finally:
        path.chmod(0o644)


@pytest.mark.skipif(os.name != "posix", reason="symlinks")
def test_symlink_loop(d, run_cli):
    os.symlink("loop_b.py", d / "loop_a.py")
    os.symlink("loop_a.py", d / "loop_b.py")
    code, findings, err = check(run_cli, "loop_a.py", "good.py")
    assert_one_error(code, findings, err, "loop_a.py", "cannot read file")


@pytest.mark.skipif(os.name != "posix", reason="symlinks")
def test_symlink_loops_in_walk_are_not_followed(d, run_cli):
    sub = d / "sub"
    sub.mkdir()
    os.symlink("..", sub / "up")  # a directory loop
    os.symlink("self.py", sub / "self.py")  # a file loop
    os.symlink("missing.py", sub / "dangling.py")
    code, findings, err = check(run_cli, ".")
    # directory symlinks are not followed (no infinite walk); the broken file links are reported
    assert ("good.py", "2", "1", "MLW101") in findings
    assert code == 2
    lines = sorted(err.splitlines())
    assert [line.split(":")[0] for line in lines] == ["sub/dangling.py", "sub/self.py"], err


def test_latin1_coding_cookie(d, run_cli):
    (d / "l1.py").write_bytes("# -*- coding: latin-1 -*-\nimport pickle\ns = 'café'; pickle.load(f)\n".encode("latin-1"))
    code, findings, err = check(run_cli, "l1.py")
    assert (code, err) == (1, "")
    assert findings == {("l1.py", "3", "13", "MLW101")}


def test_utf8_bom(d, run_cli):
    (d / "bom.py").write_bytes(b"\xef\xbb\xbfimport pickle\n\npickle.load(f)\n")
    code, findings, err = check(run_cli, "bom.py")
    assert (code, err) == (1, "")
    assert findings == {("bom.py", "3", "1", "MLW101")}


def test_crlf_line_endings_positions(d, run_cli):
    (d / "crlf.py").write_bytes(b"import pickle\r\n\r\nx = 1\r\ny = 2; pickle.load(f)\r\n")
    code, findings, err = check(run_cli, "crlf.py")
    assert (code, err) == (1, "")
    assert findings == {("crlf.py", "4", "8", "MLW101")}


def test_classic_mac_line_endings(d, run_cli):
    (d / "cr.py").write_bytes(b"import pickle\rx = 1\rpickle.load(f)\r")
    code, findings, err = check(run_cli, "cr.py")
    assert (code, err) == (1, "")
    assert findings == {("cr.py", "3", "1", "MLW101")}


def test_non_ascii_before_finding_columns_in_characters(d, run_cli):
    (d / "u.py").write_text("import pickle\nname = 'ünïcødé'; pickle.load(f)\n", encoding="utf-8")
    code, findings, _ = check(run_cli, "u.py")
    assert findings == {("u.py", "2", "19", "MLW101")}


def test_tabs_and_form_feed(d, run_cli):
    (d / "t.py").write_text("import pickle\n\x0c\nif x:\n\tpickle.load(f)\n")
    code, findings, err = check(run_cli, "t.py")
    assert (code, err) == (1, "")
    assert findings == {("t.py", "4", "2", "MLW101")}


def _table(rows: int) -> str:
    return "TABLE = [\n" + "".join(f"    ({i}, {i * 7 % 1000}, 'row{i}', {i / 3:.3f}),\n" for i in range(rows)) + "]\n"


@pytest.mark.slow  # a large input: runs in CI and with --run-slow
def test_big_generated_file(d, run_cli):
    """5 MB of generated data that mentions no rule's words in code: the word
    prefilter and the ast gate keep libcst away from it (about a second)."""
    path = d / "table.py"
    path.write_text("import json\n" + _table(140_000) + "text = json.dumps(TABLE)  # not pickle.load\n")
    assert path.stat().st_size > 5_000_000
    code, findings, err = check(run_cli, "table.py", "good.py")
    assert (code, err) == (1, "")
    assert findings == {("good.py", "2", "1", "MLW101")}


@pytest.mark.slow
def test_big_generated_file_with_finding(d, run_cli):
    """5 MB that does load a pickle goes through libcst: slow (about 100 s on
    one core, most of it libcst parsing and positions) but correct."""
    path = d / "table.py"
    path.write_text("import pickle\n" + _table(140_000) + "pickle.load(f)\n")
    assert path.stat().st_size > 5_000_000
    code, findings, err = check(run_cli, "table.py")
    assert (code, err) == (1, "")
    assert findings == {("table.py", str(140_004), "1", "MLW101")}


# -- deeply nested code ------------------------------------------------------------------------

DEEP = {
    # checked: deeper than Python's default recursion limit allows libcst to visit
    "elif_800": ("if a == 0:\n    pass\n" + "".join(f"elif a == {i}:\n    pass\n" for i in range(1, 800)), None),
    "plus_1500": ("x = " + "+".join(["a"] * 1500), None),
    "strcat_1000": ("x = " + " + ".join(['"s"'] * 1000), None),
    "neg_1000": ("x = " + "-" * 1000 + "1", None),
    # not checked: one clear line each
    "neg_100k": ("x = " + "-" * 100_000 + "1", "nested too deeply"),
    "paren_100k": ("x = " + "(" * 100_000 + "1" + ")" * 100_000, "too many nested parentheses"),
    "list_100k": ("x = " + "[" * 100_000 + "]" * 100_000, "too many nested parentheses"),
    "plus_50k": ("x = " + "+".join(["a"] * 50_000), "nested more than 2000 levels"),
    "and_100k": ("x = " + " and ".join(["a"] * 100_000), "nested more than 2000 levels"),
    "call_5k": ("x = a" + "(1)" * 5000, "nested more than 2000 levels"),
}


def _deep_file(directory: Path, name: str) -> Path:
    body, _ = DEEP[name]
    path = directory / f"{name}.py"
    path.write_text("import pickle\n" + body + "\npickle.load(f)\n")
    return path


@pytest.mark.parametrize("name", sorted(DEEP))
def test_deeply_nested_in_process(d, run_cli, name):
    path = _deep_file(d, name)
    last = str(len(path.read_text().splitlines()))
    code, findings, err = check(run_cli, path.name, "good.py")
    expected_error = DEEP[name][1]
    if expected_error is None:
        assert (code, err) == (1, "")
        assert findings == {("good.py", "2", "1", "MLW101"), (path.name, last, "1", "MLW101")}
    else:
        assert_one_error(code, findings, err, path.name, expected_error)


def test_deeply_nested_in_subprocess(tmp_path):
    """A native stack overflow kills the process instead of raising: run every
    deep case in one real `mlwarden check` process and check it survives."""
    for name in DEEP:
        _deep_file(tmp_path, name)
    (tmp_path / "good.py").write_text(PICKLE)
    proc = subprocess.run(
        [sys.executable, "-m", "mlwarden", "check", "--isolated", "."],
        cwd=tmp_path, capture_output=True, text=True, timeout=900,
    )
    assert proc.returncode == 2, (proc.returncode, proc.stderr[-2000:])
    assert "Traceback" not in proc.stderr
    errors = {line.split(":")[0] for line in proc.stderr.splitlines()}
    assert errors == {f"{n}.py" for n, (_, e) in DEEP.items() if e is not None}
    flagged = {line.split(":")[0] for line in proc.stdout.splitlines() if ": MLW101 " in line}
    assert flagged == {"good.py"} | {f"{n}.py" for n, (_, e) in DEEP.items() if e is None}


def test_nested_code_does_not_change_recursion_limit(d, run_cli):
    before = sys.getrecursionlimit()
    _deep_file(d, "elif_800")
    check(run_cli, "elif_800.py")
    assert sys.getrecursionlimit() == before


def test_engine_internal_error_is_one_line(d, run_cli, monkeypatch):
    """A bug in a rule is reported for that file, not raised."""
    from mlwarden.rules import mlw101_pickle_load as mod

    def boom(self, node):
        raise ZeroDivisionError("rule bug")

    monkeypatch.setattr(mod.PickleLoad, "visit_Call", boom)
    (d / "x.py").write_text(PICKLE)
    code, out, err = run_cli("check", "--select", "MLW101", "x.py")
    assert code == 2
    assert err == (
        "x.py: internal error in rule MLW101 (ZeroDivisionError: rule bug); "
        "its findings for this file may be missing; please report this\n"
    )
