"""The README's editor set-up snippets: each parses in its own language and
starts the real command line (``mlwarden server``), which exists.

Most of these editors cannot run on the test machine (see the README for
what was tried); this keeps the snippets from rotting: a stray comma in the
JSON, a TOML table that does not parse, a renamed subcommand."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from typing import List, Tuple

import pytest

from conftest import ROOT

try:
    import tomllib  # type: ignore[import-not-found]
except ImportError:  # Python < 3.11
    import tomli as tomllib  # type: ignore[no-redef]


def editor_snippets() -> List[Tuple[str, str]]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index("### Editor set-up")
    end = text.index("\n## ", start)
    return re.findall(r"```(\w+)\n(.*?)```", text[start:end], re.S)


def _balanced(code: str, pairs: str) -> bool:
    """Brackets balance outside strings (Lua and elisp, which we cannot run)."""
    stack: List[str] = []
    closing = {pairs[i + 1]: pairs[i] for i in range(0, len(pairs), 2)}
    quote = None
    for index, char in enumerate(code):
        if quote:
            if char == quote and code[index - 1] != "\\":
                quote = None
            continue
        if char == '"':
            quote = char
        elif char in pairs[::2]:
            stack.append(char)
        elif char in closing:
            if not stack or stack.pop() != closing[char]:
                return False
    return not stack and quote is None


def test_every_editor_has_a_snippet():
    languages = [lang for lang, _code in editor_snippets()]
    assert languages.count("lua") == 2 and "toml" in languages and "elisp" in languages and languages.count("json") == 2


@pytest.mark.parametrize("lang, code", editor_snippets(), ids=lambda v: v if v in ("lua", "toml", "json", "elisp", "sh") else "")
def test_snippet_parses_and_starts_the_server(lang, code):
    if lang == "toml":  # Helix languages.toml
        data = tomllib.loads(code)
        server = data["language-server"]["mlwarden"]
        assert [server["command"], *server["args"]] == ["mlwarden", "server"]
        assert all("mlwarden" in language["language-servers"] for language in data["language"])
    elif lang == "json":
        data = json.loads(code)
        if "LanguageServerManager" in data:  # jupyterlab-lsp
            spec = data["LanguageServerManager"]["language_servers"]["mlwarden"]
            assert spec["argv"] == ["mlwarden", "server"] and spec["version"] == 2 and "python" in spec["languages"]
        else:  # VS Code settings of a generic LSP client
            assert [data["glspc.server.command"], *data["glspc.server.commandArguments"]] == ["mlwarden", "server"]
            assert "python" in data["glspc.server.languageId"]
    elif lang == "lua":  # Neovim
        assert _balanced(code, "(){}[]")
        assert '{ "mlwarden", "server" }' in code
    elif lang == "elisp":  # Emacs eglot
        assert _balanced(code, "()")
        assert '("mlwarden" "server")' in code
    else:
        pytest.fail(f"a {lang} snippet in the editor section: add a check for it here")


def test_the_command_line_the_snippets_name_exists():
    proc = subprocess.run([sys.executable, "-m", "mlwarden", "server", "--help"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "--debounce" in proc.stdout
