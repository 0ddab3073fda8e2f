"""Session 11b: MLW202 on a bare `load_dataset` name whose words say it is a
loading script (fresh20's simpletransformers shape): low, never dropped;
other bare names and namespaced ids keep their rank. Fast path ==
equivalence mode on every case (the ``findings`` helper)."""

from __future__ import annotations

import json

import pytest

from test_noise_optin import findings

from mlwarden.core.finding import Severity

CASES = {
    "literal-with-builder-kwargs": (
        """
        from datasets import load_dataset
        def passages(path, args):
            return load_dataset("passage_loading_script", data_files=path, with_titles=args.titles, split="train")
        """,
        [Severity.LOW],
    ),
    "module-constant-and-alias": (
        """
        import datasets as hfd
        LOADER = "qa-scripts"
        corpus = hfd.load_dataset(LOADER)
        """,
        [Severity.LOW],
    ),
    "builder-function": (
        """
        from datasets import load_dataset_builder
        b = load_dataset_builder("Script_Wiki")
        """,
        [Severity.LOW],
    ),
    # -- keep their rank
    "bare-canonical-name": (
        """
        from datasets import load_dataset
        ds = load_dataset("ag_news")
        """,
        [Severity.MEDIUM],
    ),
    "word-inside-another-word": (
        """
        from datasets import load_dataset
        ds = load_dataset("transcripts_de")
        """,
        [Severity.MEDIUM],
    ),
    "namespaced-script-name": (
        """
        from datasets import load_dataset
        ds = load_dataset("someone/loading_script")
        """,
        [Severity.MEDIUM],
    ),
    "not-a-datasets-load": (
        """
        from huggingface_hub import snapshot_download
        p = snapshot_download("someone/eval_scripts")
        """,
        [Severity.MEDIUM],
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_bare_script_names(name):
    code, expected = CASES[name]
    assert [s for _, s, _ in findings(code, "MLW202")] == expected


def test_message_says_why():
    (_, _, message), = findings(CASES["literal-with-builder-kwargs"][0], "MLW202")
    assert "local loading script" in message and "un-namespaced" in message


def test_notebook_cell():
    nb = {
        "cells": [
            {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [], "source": "from datasets import load_dataset"},
            {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
             "source": "ds = load_dataset('my_loading_script', data_files='d.jsonl')\nother = load_dataset('squad')"},
        ],
        "metadata": {}, "nbformat": 4, "nbformat_minor": 5,
    }
    found = findings(json.dumps(nb), "MLW202", filename="pkg/explore.ipynb")
    assert [s for _, s, _ in found] == [Severity.LOW, Severity.MEDIUM], found
