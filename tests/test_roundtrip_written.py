"""A file the same function has just written with the matching dump, at the
same path expression built from a parameter (rules/_roundtrip.py,
``written_before``): reported at low severity with the reason, never
dropped; anything that may change what the path names in between, or a
write that may not run, keeps the rule's severity. Fast == full on each."""

from __future__ import annotations

import textwrap

import pytest

from mlwarden.core.config import Config
from mlwarden.core.engine import check_source
from mlwarden.core.finding import Severity
from mlwarden.rules._helpers import notebook_json
from mlwarden.rules._roundtrip import WRITTEN_NOTE


def the_finding(code, rule, filename="pkg/offload.py", with_cell=False):
    """(line, severity, message) of the one ``rule`` finding, the same in
    fast and full mode; with ``with_cell``, (line, cell, severity, message)."""
    source = textwrap.dedent(code) if not code.startswith("{") else code
    config = Config(select=[rule], severity=Severity.LOW)
    fast = check_source(source, filename, config=config)
    full = check_source(source, filename, config=config, full=True)
    assert not fast.errors, fast.errors
    got = [(f.line, f.cell, f.severity, f.message) for f in fast.findings if f.rule_id == rule]
    assert sorted(got) == sorted((f.line, f.cell, f.severity, f.message) for f in full.findings if f.rule_id == rule)
    assert len(got) == 1, got
    return got[0] if with_cell else (got[0][0], *got[0][2:])


LOW = {
    "torch-save-join-of-parameters": (
        "MLW102",
        """
        import os, pickle
        import torch

        def offload(tensor, folder, name):
            target = os.path.join(folder, f"{name}.pt")
            torch.save(tensor, target, pickle_module=pickle)
            # the reload of what was just written
            return torch.load(target, mmap=True, weights_only=False)
        """,
    ),
    "pathlib-division-and-alias": (
        "MLW102",
        """
        from pathlib import Path
        from torch import save as store, load as fetch

        def spill(sd, out_dir):
            dest = Path(out_dir) / "spill.bin"
            store(sd, dest)
            return fetch(dest,
                         map_location="cpu")
        """,
    ),
    "pickle-through-handles": (
        "MLW101",
        """
        import pickle as pk

        def checkpoint(obj, path):
            with open(path, "wb") as out:
                pk.dump(obj, out)
            with open(path, "rb") as back:
                return pk.load(back)
        """,
    ),
    "same-expression-in-place": (
        "MLW102",
        """
        import torch

        class Cache:
            def roundtrip(self, value, root, key):
                torch.save(value, root + "/" + key)
                return torch.load(root + "/" + key)
        """,
    ),
}


@pytest.mark.parametrize("name", sorted(LOW))
def test_a_file_written_just_before_is_low(name):
    rule, code = LOW[name]
    _line, severity, message = the_finding(code, rule)
    assert severity is Severity.LOW
    assert message.endswith(WRITTEN_NOTE)


def test_written_just_before_in_a_notebook():
    nb = notebook_json(
        "import torch",
        "def spill(t, d):\n    p = d + '/t.pt'\n    torch.save(t, p)\n    return torch.load(p)",
    )
    _line, severity, message = the_finding(nb, "MLW102", filename="work.ipynb")
    assert severity is Severity.LOW and message.endswith(WRITTEN_NOTE)


KEPT = {
    "no-write": (
        "MLW102",
        """
        import torch

        def restore(path):
            return torch.load(path)
        """,
    ),
    "write-only-sometimes": (
        "MLW102",
        """
        import torch

        def restore(sd, path, fresh):
            if fresh:
                torch.save(sd, path)
            return torch.load(path)
        """,
    ),
    "path-rebound-in-between": (
        "MLW102",
        """
        import torch

        def restore(sd, path, other):
            torch.save(sd, path)
            path = other
            return torch.load(path)
        """,
    ),
    "another-path": (
        "MLW102",
        """
        import torch

        def restore(sd, path, other):
            torch.save(sd, path)
            return torch.load(other)
        """,
    ),
    "downloaded-over-in-between": (
        "MLW102",
        """
        import torch, urllib.request

        def restore(sd, path, url):
            torch.save(sd, path)
            urllib.request.urlretrieve(url, path)
            return torch.load(path)
        """,
    ),
    "an-attribute-path": (
        "MLW102",
        """
        import torch

        class Trainer:
            def restore(self, sd):
                torch.save(sd, self.path)
                self.sync()
                return torch.load(self.path)
        """,
    ),
    "the-write-comes-after": (
        "MLW102",
        """
        import torch

        def swap(sd, path):
            old = torch.load(path)
            torch.save(sd, path)
            return old
        """,
    ),
    # a module-level reload of the file's own save is low too, with its own
    # note: tests/test_roundtrip_samefile.py
}


@pytest.mark.parametrize("name", sorted(KEPT))
def test_otherwise_the_severity_stays(name):
    rule, code = KEPT[name]
    _line, severity, message = the_finding(code, rule)
    assert severity is Severity.HIGH, message
    assert WRITTEN_NOTE not in message
