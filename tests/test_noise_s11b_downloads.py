"""Session 11b: a hash-checked `load_state_dict_from_url`/`load_url` with
`weights_only` omitted unpickles in full (the downloaders' default is False
in every torch version). MLW206 is satisfied by `check_hash`, so MLW102
reports it, ranked by the pinning ladder of an explicit `weights_only=False`;
without a hash check it stays MLW206's alone (one finding per call). Fast path
== equivalence mode on every case (the ``findings`` helper)."""

from __future__ import annotations

import json

import pytest

from test_noise_optin import findings

from mlwarden.core.finding import Severity

FULL = "3b" * 32        # a 64-hex SHA-256
SHORT = "c0ffee42"      # 8 hex, torchvision-style

# name -> (code, MLW102 severities, MLW206 severities)
CASES = {
    "pinned-literal-digest": (
        f"""
        import torch
        state = torch.hub.load_state_dict_from_url("https://weights.example.org/enc-{FULL}.pt", check_hash=True)
        """,
        [Severity.MEDIUM], [],
    ),
    "pinned-constant-alias-zoo": (
        f"""
        from torch.utils import model_zoo as mz
        CKPT = "https://weights.example.org/dec-{FULL}.pt"
        VERIFY = True
        def restore():
            return mz.load_url(CKPT, map_location="cpu", check_hash=VERIFY)
        """,
        [Severity.MEDIUM], [],
    ),
    "short-digest": (
        f"""
        from torch.hub import load_state_dict_from_url as pull
        state = pull("https://weights.example.org/r50-{SHORT}.pth", progress=False, check_hash=True)
        """,
        [Severity.HIGH], [],
    ),
    "run-time-url": (
        f"""
        import torch
        TABLE = {{"small": "https://weights.example.org/s-{FULL}.pt"}}
        def restore(kind):
            url = TABLE[kind]
            return torch.hub.load_state_dict_from_url(url, check_hash=True)
        """,
        [Severity.HIGH], [],
    ),
    "positional-check-hash": (
        """
        import torch.hub as th
        state = th.load_state_dict_from_url(link, None, "cpu", True, True)
        """,
        [Severity.HIGH], [],
    ),
    "unknown-check-hash-value": (
        """
        import torch
        def restore(url, opts):
            return torch.hub.load_state_dict_from_url(url, check_hash=opts.verify)
        """,
        [Severity.HIGH], [],
    ),
    "check-hash-parameter-default-true": (
        f"""
        import torch
        def restore(verify=True):
            return torch.hub.load_state_dict_from_url("https://weights.example.org/m-{SHORT}.pt", check_hash=verify)
        """,
        [Severity.HIGH], [],
    ),
    # -- MLW206's: no hash check, or one that is provably off (one finding, not two)
    "no-check-hash": (
        """
        import torch
        state = torch.hub.load_state_dict_from_url(url)
        """,
        [], [Severity.HIGH],
    ),
    "check-hash-false-constant": (
        """
        import torch
        CHECK = False
        state = torch.hub.load_state_dict_from_url(url, check_hash=CHECK)
        """,
        [], [Severity.HIGH],
    ),
    "check-hash-parameter-default-false": (
        """
        import torch
        def restore(url, verify=False):
            return torch.hub.load_state_dict_from_url(url, check_hash=verify)
        """,
        [], [Severity.HIGH],
    ),
    # -- no full unpickle, or arguments we cannot see
    "weights-only-true": (
        """
        import torch
        state = torch.hub.load_state_dict_from_url(url, check_hash=True, weights_only=True)
        """,
        [], [],
    ),
    "kwargs": (
        """
        import torch
        state = torch.hub.load_state_dict_from_url(url, check_hash=True, **extra)
        """,
        [], [],
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_omitted_weights_only(name):
    code, mlw102, mlw206 = CASES[name]
    assert [s for _, s, _ in findings(code, "MLW102")] == mlw102
    assert [s for _, s, _ in findings(code, "MLW206")] == mlw206


def test_messages_say_why():
    (_, _, pinned), = findings(CASES["pinned-literal-digest"][0], "MLW102")
    assert "defaults to `False`" in pinned and "64-hex SHA-256" in pinned and "weights_only=True" in pinned
    (_, _, short), = findings(CASES["short-digest"][0], "MLW102")
    assert "8-hex prefix" in short and "crafted file" in short
    (_, _, runtime), = findings(CASES["run-time-url"][0], "MLW102")
    assert "run time" in runtime


def test_notebook_cell():
    nb = {
        "cells": [
            {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [], "source": "from torch import hub"},
            {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
             "source": f"sd = hub.load_state_dict_from_url('https://weights.example.org/m-{SHORT}.pt', check_hash=True)"},
        ],
        "metadata": {}, "nbformat": 4, "nbformat_minor": 5,
    }
    found = findings(json.dumps(nb), "MLW102", filename="pkg/explore.ipynb")
    assert [s for _, s, _ in found] == [Severity.HIGH], found
