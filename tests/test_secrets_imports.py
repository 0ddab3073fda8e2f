"""Imports are a cost (issue 12): in a fresh interpreter, a file with no
secret candidate never imports detect-secrets, and ``requests`` is never
imported, even when detect-secrets' own detectors run. Each case runs the
real CLI entry point in a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

_PROBE = r"""
import json, sys
from mlwarden.cli import main
code = main(["check", "--isolated", "--no-cache", "--select", "MLW4,MLW51", "--format", "json", sys.argv[1]])
print(json.dumps({"code": code, "detect_secrets": "detect_secrets" in sys.modules, "requests": "requests" in sys.modules}))
"""


def run_probe(path) -> dict:
    proc = subprocess.run([sys.executable, "-c", _PROBE, str(path)], capture_output=True, text=True, check=False)
    last = proc.stdout.strip().splitlines()[-1]
    return json.loads(last)


def test_clean_file_imports_neither(tmp_path):
    path = tmp_path / "train.py"
    path.write_text("import torch\n\ndef train(model, tokenizer):\n    token_ids = tokenizer('hi')\n    return model(token_ids)\n")
    assert run_probe(path) == {"code": 0, "detect_secrets": False, "requests": False}


def test_provider_token_needs_no_detect_secrets(tmp_path):
    """mlwarden's own formats and the keyword detector are plain regexes."""
    path = tmp_path / "train.py"
    path.write_text('HF_TOKEN = "hf_' + "Qm7Rt2Vw8Zb4Nc9Kd5Fh1Gj6Sp0TyLxWeA" + '"\n')
    assert run_probe(path) == {"code": 1, "detect_secrets": False, "requests": False}


@pytest.mark.parametrize(
    "text",
    [
        'password = "Vq7-rT2m-K9db-x4Lp"\n',  # detect-secrets' keyword detector
        'AWS_KEY_ID = "AKIA' + "QZ3X7RTY2B5NW4MK" + '"\n',  # detect-secrets' AWS detector
    ],
)
def test_detect_secrets_runs_without_requests(tmp_path, text):
    path = tmp_path / "settings.py"
    path.write_text(text)
    assert run_probe(path) == {"code": 1, "detect_secrets": True, "requests": False}


def test_requests_still_importable_after_scanning():
    """The stand-in never stays in sys.modules: user code (or a verifier) in
    the same process gets the real package."""
    code = (
        "import sys\n"
        "from mlwarden.secrets import adapter\n"
        "adapter.scan_lines(['password = \"Vq7-rT2m-K9db-x4Lp\"'], 'x.py')\n"
        "assert 'requests' not in sys.modules\n"
        "import requests\n"
        "print(type(requests.Session).__name__, hasattr(requests, 'get'))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.split() == ["type", "True"]
