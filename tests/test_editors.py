"""A real editor as the client: Neovim's built-in LSP client (headless)
starts ``mlwarden server``, opens a file and shows its diagnostics, as the
README's Neovim section describes. Runs where Neovim is installed (it is on
the project's CI image); pytest-lsp covers the protocol everywhere."""
from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

NVIM = shutil.which("nvim")

SCRIPT = r"""
local client_id = vim.lsp.start_client({ name = "mlwarden", cmd = { vim.env.MLW_PY, "-m", "mlwarden", "server" }, root_dir = vim.fn.getcwd() })
vim.cmd("edit train.py")
vim.lsp.buf_attach_client(0, client_id)
local ok = vim.wait(30000, function() return #vim.diagnostic.get(0) > 0 end, 50)
local out = { ok and "OK" or "TIMEOUT" }
for _, d in ipairs(vim.diagnostic.get(0)) do
  local code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
  table.insert(out, string.format("%d:%d|%s|%s|%s", d.lnum + 1, d.col + 1, tostring(code), d.source or "", d.message))
end
io.stdout:write(table.concat(out, "\n") .. "\n")
vim.lsp.stop_client(client_id)
vim.cmd("qa!")
"""


@pytest.mark.slow
@pytest.mark.skipif(NVIM is None, reason="Neovim is not installed on this machine")
def test_neovim_shows_the_servers_diagnostics(tmp_path):
    (tmp_path / "train.py").write_text('import torch\n\nstate = torch.load("ckpt.pt")\n', encoding="utf-8")
    (tmp_path / "init.lua").write_text(SCRIPT, encoding="utf-8")
    proc = subprocess.run(
        [NVIM, "--headless", "--clean", "-u", str(tmp_path / "init.lua")],
        cwd=tmp_path,
        env={"MLW_PY": sys.executable, "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    lines = proc.stdout.splitlines()
    assert lines and lines[0] == "OK", proc.stdout + proc.stderr
    [diagnostic] = lines[1:]
    where, code, source, message = diagnostic.split("|", 3)
    assert (where, code, source) == ("3:9", "MLW102", "mlwarden")
    assert message.startswith("`torch.load` without `weights_only=True`")
