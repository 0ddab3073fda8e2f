"""MLW202 ranks an unpinned `.npy`/`.npz` download by how numpy reads it
(benchmarks/NOISE.md, "Session 11"): numpy unpickles the object arrays of
such a file only when the loader passes `allow_pickle=True`. Low when
every visible reader is `numpy.load` without it, high when a visible reader
opts in, medium when the reader is not visible here. Never dropped; fast
path == equivalence mode on every case (the ``findings`` helper)."""

from __future__ import annotations

import json

import pytest

from test_noise_optin import findings

from mlwarden.core.finding import Severity

CASES = {
    # -- low: the only reader is numpy.load without allow_pickle
    "with-block-alias": (
        """
        import numpy as onp
        from huggingface_hub import hf_hub_download as fetch

        def embeddings():
            local = fetch("acme/vectors", filename="table.NPZ")
            with onp.load(local) as table:
                return table["emb"]
        """,
        Severity.LOW,
    ),
    "nested-call-explicit-false": (
        """
        import numpy
        import huggingface_hub as hh

        def get():
            return numpy.load(
                hh.hf_hub_download("acme/vectors", "mean.npy"),
                allow_pickle = False,
            )
        """,
        Severity.LOW,
    ),
    "module-level-nested": (
        """
        from numpy import load
        from huggingface_hub import hf_hub_download
        MEAN = load(hf_hub_download("acme/stats", "mean.npy"), mmap_mode="r")
        """,
        Severity.LOW,
    ),
    "two-readers-constant-false": (
        """
        import numpy as np
        from huggingface_hub import hf_hub_download
        PICKLES = False

        def stats():
            f: str = hf_hub_download("acme/stats", "s.npz")
            a = np.load(f, allow_pickle=PICKLES)["a"]
            b = np.load(file=f)["b"]
            return a, b
        """,
        Severity.LOW,
    ),
    # -- high: a visible reader may unpickle
    "positional-allow-pickle": (
        """
        from numpy import load as read
        from huggingface_hub import hf_hub_download

        def objects():
            path = hf_hub_download("acme/objs", "items.npy")
            return read(path, None, True)
        """,
        Severity.HIGH,
    ),
    "allow-pickle-parameter": (
        """
        import numpy as np
        from huggingface_hub import hf_hub_download

        def objects(trusted):
            path = hf_hub_download("acme/objs", "items.npy")
            return np.load(path, allow_pickle=trusted)
        """,
        Severity.HIGH,
    ),
    "one-safe-one-pickling-reader": (
        """
        import numpy as np
        from huggingface_hub import hf_hub_download

        def objects():
            path = hf_hub_download("acme/objs", "items.npz")
            np.load(path)
            return np.load(path, allow_pickle=True)
        """,
        Severity.HIGH,
    ),
    "kwargs-may-carry-it": (
        """
        import numpy as np
        from huggingface_hub import hf_hub_download

        def objects(**opts):
            return np.load(hf_hub_download("acme/objs", "items.npy"), **opts)
        """,
        Severity.HIGH,
    ),
    # -- medium: the reader is not visible (the file may be unpickled elsewhere)
    "returned": (
        """
        from huggingface_hub import hf_hub_download

        def locate():
            path = hf_hub_download("acme/objs", "items.npy")
            return path
        """,
        Severity.MEDIUM,
    ),
    "also-used-in-a-closure": (
        """
        import pickle
        import numpy as np
        from huggingface_hub import hf_hub_download

        def both():
            path = hf_hub_download("acme/objs", "items.npy")
            first = np.load(path)
            def later():
                return pickle.load(open(path, "rb"))
            return first, later
        """,
        Severity.MEDIUM,
    ),
    "rebound": (
        """
        import numpy as np
        from huggingface_hub import hf_hub_download

        def rebound(other):
            path = hf_hub_download("acme/objs", "items.npy")
            if other:
                path = other
            return np.load(path)
        """,
        Severity.MEDIUM,
    ),
    "other-loader": (
        """
        import joblib
        from huggingface_hub import hf_hub_download

        def est():
            return joblib.load(hf_hub_download("acme/objs", "items.npy"))
        """,
        Severity.MEDIUM,
    ),
    "module-level-name": (
        """
        import numpy as np
        from huggingface_hub import hf_hub_download
        path = hf_hub_download("acme/objs", "items.npy")
        table = np.load(path)
        """,
        Severity.MEDIUM,
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_numpy_download_is_ranked_by_its_reader(name):
    code, severity = CASES[name]
    found = findings(code, "MLW202")
    assert [s for _, s, _ in found] == [severity], found


def test_messages_say_why():
    (_, _, low), = findings(CASES["with-block-alias"][0], "MLW202")
    assert "without `allow_pickle`" in low and "table.NPZ" in low
    (_, _, high), = findings(CASES["positional-allow-pickle"][0], "MLW202")
    assert "with `allow_pickle`" in high
    (_, _, medium), = findings(CASES["returned"][0], "MLW202")
    assert "allow_pickle=True" in medium and "can hold pickled objects" in medium


def test_other_pickle_formats_stay_high():
    code = """
    import numpy as np
    from huggingface_hub import hf_hub_download

    def weights():
        return np.load(hf_hub_download("acme/objs", "weights.pkl"))
    """
    assert [s for _, s, _ in findings(code, "MLW202")] == [Severity.HIGH]


def test_notebook_cells():
    def cell(text):
        return {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [], "source": text}

    nb = {
        "cells": [
            cell("import numpy as np\nfrom huggingface_hub import hf_hub_download"),
            cell("arr = np.load(hf_hub_download('acme/stats', 'mean.npy'))"),
            cell("p = hf_hub_download('acme/objs', 'items.npy')"),
            cell("objs = np.load(p, allow_pickle=True)"),
        ],
        "metadata": {}, "nbformat": 4, "nbformat_minor": 5,
    }
    found = findings(json.dumps(nb), "MLW202", filename="pkg/analysis.ipynb")
    # cell 2: low (nested, safe reader); cell 3: a module-level name whose
    # reader sits in another cell is not followed, so medium (not low)
    assert sorted(s for _, s, _ in found) == sorted([Severity.LOW, Severity.MEDIUM]), found
