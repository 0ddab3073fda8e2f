"""MLW102's ladder for `load_state_dict_from_url(..., check_hash=True,
weights_only=False)` (benchmarks/NOISE.md, "Session 11"): a digest of at
least 40 hex digits in a file name written in the code pins the file as a
commit SHA pins a Hub revision (medium: the pinned pickle still runs
code); a run-time name or a short digest does not (high). Fast path ==
equivalence mode on every case (the ``findings`` helper)."""

from __future__ import annotations

import json

import pytest

from test_noise_optin import findings

from mlwarden.core.finding import Severity

FULL = "9f" * 32          # a 64-hex SHA-256
SHA1_LONG = "0c" * 20     # 40 hex: the length of a commit SHA
SHORT = "5e1d0a7c"        # 8 hex, torchvision-style

CASES = {
    "literal-url-full-digest": (
        f"""
        import torch
        sd = torch.hub.load_state_dict_from_url("https://models.example.net/v2/encoder-{FULL}.pth",
                                               check_hash=True, weights_only=False)
        """,
        Severity.MEDIUM,
    ),
    "constant-url-40-hex-alias": (
        f"""
        from torch.utils import model_zoo as zoo
        WEIGHTS = (
            "https://models.example.net/"
            "decoder-{SHA1_LONG}.pt"
        )
        def build():
            return zoo.load_url(WEIGHTS, map_location="cpu", check_hash=True, weights_only=False)
        """,
        Severity.MEDIUM,
    ),
    "literal-file-name-variable-url": (
        f"""
        from torch.hub import load_state_dict_from_url as grab
        def build(mirror):
            return grab(mirror + "/w.pth", file_name="w-{FULL}.pth", check_hash=True, weights_only=False)
        """,
        Severity.MEDIUM,
    ),
    "all-positional": (
        f"""
        import torch.hub
        sd = torch.hub.load_state_dict_from_url("https://x.example/w.pth", None, "cpu", True, True, "m-{FULL}.pt", False)
        """,
        Severity.MEDIUM,
    ),
    "query-string-after-name": (
        f"""
        import torch
        CHECK = True
        sd = torch.hub.load_state_dict_from_url("https://x.example/m-{FULL}.pth?download=1", check_hash=CHECK, weights_only=False)
        """,
        Severity.MEDIUM,
    ),
    # -- stays high
    "short-prefix": (
        f"""
        import torch
        sd = torch.hub.load_state_dict_from_url("https://x.example/resnet-{SHORT}.pth", check_hash=True, weights_only=False)
        """,
        Severity.HIGH,
    ),
    "39-hex-is-short": (
        f"""
        import torch
        sd = torch.hub.load_state_dict_from_url("https://x.example/m-{SHA1_LONG[:-1]}.pth", check_hash=True, weights_only=False)
        """,
        Severity.HIGH,
    ),
    "run-time-url": (
        f"""
        import torch
        URLS = {{"big": "https://x.example/m-{FULL}.pth"}}
        def get(kind):
            return torch.hub.load_state_dict_from_url(URLS[kind], check_hash=True, weights_only=False)
        """,
        Severity.HIGH,
    ),
    "no-check-hash": (
        f"""
        import torch
        sd = torch.hub.load_state_dict_from_url("https://x.example/m-{FULL}.pth", weights_only=False)
        """,
        Severity.HIGH,
    ),
    "check-hash-parameter": (
        f"""
        import torch
        def get(verify=True):
            return torch.hub.load_state_dict_from_url("https://x.example/m-{FULL}.pth", check_hash=verify, weights_only=False)
        """,
        Severity.HIGH,
    ),
    "upper-case-hex-is-not-torch-s-digest": (
        f"""
        import torch
        sd = torch.hub.load_state_dict_from_url("https://x.example/m-{FULL.upper()}.pth", check_hash=True, weights_only=False)
        """,
        Severity.HIGH,
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_check_hash_pin(name):
    code, severity = CASES[name]
    found = findings(code, "MLW102")
    assert [s for _, s, _ in found] == [severity], found


def test_messages():
    (_, _, pinned), = findings(CASES["literal-url-full-digest"][0], "MLW102")
    assert "64-hex SHA-256" in pinned and "cannot be swapped" in pinned and "weights_only=True" in pinned
    (_, _, short), = findings(CASES["short-prefix"][0], "MLW102")
    assert "8-hex prefix" in short and "crafted file" in short


def test_weights_only_true_is_still_clean():
    code = f"""
    import torch
    sd = torch.hub.load_state_dict_from_url("https://x.example/m-{SHORT}.pth", check_hash=True, weights_only=True)
    """
    assert findings(code, "MLW102") == []


def test_notebook_cell():
    nb = {
        "cells": [
            {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [], "source": "import torch"},
            {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
             "source": f"sd = torch.hub.load_state_dict_from_url('https://x.example/m-{FULL}.pth', check_hash=True, weights_only=False)"},
        ],
        "metadata": {}, "nbformat": 4, "nbformat_minor": 5,
    }
    found = findings(json.dumps(nb), "MLW102", filename="pkg/explore.ipynb")
    assert [s for _, s, _ in found] == [Severity.MEDIUM], found


# -- a Hub file downloaded at a full commit SHA, then deserialized ------------------------

REV = "4e3c2b1a" * 5  # 40 hex

HUB_CASES = {
    "torch-nested-constant-rev": (
        f"""
        import torch
        from huggingface_hub import hf_hub_download
        PIN = "{REV}"
        def weights():
            return torch.load(hf_hub_download("acme/net", "pytorch_model.bin", revision=PIN), map_location="cpu")
        """,
        "MLW102", Severity.MEDIUM,
    ),
    "pickle-through-with-handle": (
        f"""
        import pickle as pk
        import huggingface_hub as hub

        def encoder():
            local = hub.hf_hub_download(repo_id="acme/enc", filename="enc.pkl", revision="{REV}")
            with open(local, "rb") as fh:
                return pk.load(fh)
        """,
        "MLW101", Severity.MEDIUM,
    ),
    "joblib-name": (
        f"""
        import joblib
        from huggingface_hub import hf_hub_download as fetch
        def model():
            path = fetch("acme/clf", "clf.joblib", revision="{REV}")
            return joblib.load(path)
        """,
        "MLW103", Severity.MEDIUM,
    ),
    # -- stays high
    "branch-revision": (
        """
        import torch
        from huggingface_hub import hf_hub_download
        def weights():
            return torch.load(hf_hub_download("acme/net", "pytorch_model.bin", revision="main"))
        """,
        "MLW102", Severity.HIGH,
    ),
    "short-sha": (
        f"""
        import torch
        from huggingface_hub import hf_hub_download
        def weights():
            return torch.load(hf_hub_download("acme/net", "pytorch_model.bin", revision="{REV[:12]}"))
        """,
        "MLW102", Severity.HIGH,
    ),
    "run-time-repo": (
        f"""
        import joblib
        from huggingface_hub import hf_hub_download
        def model(repo):
            return joblib.load(hf_hub_download(repo, "clf.joblib", revision="{REV}"))
        """,
        "MLW103", Severity.HIGH,
    ),
    "rebound-name": (
        f"""
        import joblib
        from huggingface_hub import hf_hub_download
        def model(override=None):
            path = hf_hub_download("acme/clf", "clf.joblib", revision="{REV}")
            if override:
                path = override
            return joblib.load(path)
        """,
        "MLW103", Severity.HIGH,
    ),
    "module-level-name-not-followed": (
        f"""
        import joblib
        from huggingface_hub import hf_hub_download
        path = hf_hub_download("acme/clf", "clf.joblib", revision="{REV}")
        clf = joblib.load(path)
        """,
        "MLW103", Severity.HIGH,
    ),
    "another-downloader": (
        f"""
        import torch
        from huggingface_hub import snapshot_download
        def weights():
            root = snapshot_download("acme/net", revision="{REV}")
            return torch.load(root + "/pytorch_model.bin")
        """,
        "MLW102", Severity.HIGH,
    ),
}


@pytest.mark.parametrize("name", sorted(HUB_CASES))
def test_hub_file_at_a_commit(name):
    code, rule, severity = HUB_CASES[name]
    found = findings(code, rule)
    assert [s for _, s, _ in found] == [severity], found
    if severity is Severity.MEDIUM:
        assert "cannot be swapped" in found[0][2] and REV in found[0][2]


def test_hub_file_at_a_commit_in_a_notebook():
    nb = {
        "cells": [
            {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [], "source": "import torch\nfrom huggingface_hub import hf_hub_download"},
            {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
             "source": f"sd = torch.load(hf_hub_download('acme/net', 'w.bin', revision='{REV}'), weights_only=False)"},
        ],
        "metadata": {}, "nbformat": 4, "nbformat_minor": 5,
    }
    found = findings(json.dumps(nb), "MLW102", filename="pkg/explore.ipynb")
    assert [s for _, s, _ in found] == [Severity.MEDIUM], found
