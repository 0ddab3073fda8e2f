"""A load of a file shipped inside the package itself (rules/_samefile.py,
``shipped_note``): a path built only from the module's own folder
(``__file__``) or the package's resources, joined with literal parts. Low,
with the reason; never dropped. A run-time part, a step out of the module's
folder, a name bound twice, or a download into the path in the same file
keeps the rule's severity. Fast == full on each case."""

from __future__ import annotations

import pytest
from test_roundtrip_written import the_finding as written_finding

from mlwarden.core.finding import Severity

NOTE = " (low: a file shipped inside the package itself, next to this module: as trusted as the package's code)"


def the_finding(code, rule, filename="pkg/assets.py"):
    return written_finding(code, rule, filename, with_cell=True)


LOW = {
    "dirname-constant-and-handle": (
        "MLW101",
        """
        import os
        import pickle

        HERE = os.path.dirname(os.path.abspath(__file__))
        VOCAB = os.path.join(HERE, "assets", "vocab.pkl")

        def vocabulary():
            with open(VOCAB, "rb") as handle:
                return pickle.load(handle)
        """,
    ),
    "pathlib-parent-resolve-alias": (
        "MLW102",
        """
        from pathlib import Path as P
        import torch as th

        def initial_states(task):
            folder = P(__file__).resolve().parent / "init_files"
            return th.load(
                folder / "libero_10.pruned_init",
            )
        """,
    ),
    "importlib-resources-files": (
        "MLW101",
        """
        import pickle
        from importlib.resources import files

        def table():
            return pickle.load(files(__package__).joinpath("data/table.pkl").open("rb"))
        """,
    ),
    "pkg-resources-filename": (
        "MLW105",
        """
        import numpy as np
        import pkg_resources

        LEXICON = pkg_resources.resource_filename(__name__, "lexicon.npy")
        words = np.load(LEXICON, allow_pickle=True)
        """,
    ),
}


@pytest.mark.parametrize("name", sorted(LOW))
def test_a_file_shipped_in_the_package_is_low(name):
    rule, code = LOW[name]
    _line, _cell, severity, message = the_finding(code, rule)
    assert severity is Severity.LOW, message
    assert message.endswith(NOTE), message


KEPT = {
    "run-time-part": (
        "MLW102",
        """
        import os, torch

        HERE = os.path.dirname(__file__)

        def weights(name):
            return torch.load(os.path.join(HERE, name))
        """,
    ),
    "two-folders-up": (
        "MLW102",
        """
        import os, torch

        ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        state = torch.load(os.path.join(ROOT, "checkpoints", "last.pt"))
        """,
    ),
    "parent-of-parent": (
        "MLW102",
        """
        from pathlib import Path
        import torch

        state = torch.load(Path(__file__).parent.parent / "runs" / "last.pt")
        """,
    ),
    "dot-dot-literal": (
        "MLW101",
        """
        import os, pickle

        data = pickle.load(open(os.path.join(os.path.dirname(__file__), "../cache/x.pkl"), "rb"))
        """,
    ),
    "downloaded-into-the-package": (
        "MLW102",
        """
        import os, torch
        from torch.hub import download_url_to_file

        WEIGHTS = os.path.join(os.path.dirname(__file__), "weights.pth")

        def model():
            if not os.path.exists(WEIGHTS):
                download_url_to_file("https://example.org/w.pth", WEIGHTS)
            return torch.load(WEIGHTS)
        """,
    ),
    "rebound-name": (
        "MLW101",
        """
        import os, pickle

        path = os.path.join(os.path.dirname(__file__), "a.pkl")
        path = input("which file? ")
        obj = pickle.load(open(path, "rb"))
        """,
    ),
    "another-package": (
        "MLW101",
        """
        import pickle
        from importlib.resources import files

        def table(package):
            return pickle.load(files(package).joinpath("t.pkl").open("rb"))
        """,
    ),
}


@pytest.mark.parametrize("name", sorted(KEPT))
def test_otherwise_the_severity_stays(name):
    rule, code = KEPT[name]
    _line, _cell, severity, message = the_finding(code, rule)
    assert severity is not Severity.LOW, message
    assert NOTE not in message
