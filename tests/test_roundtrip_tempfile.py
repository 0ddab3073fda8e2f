"""Round trips through a temporary file *object* (rules/_roundtrip.py,
``named_handle_written``, ``_mkstemp_path``): ``torch.save(state, tmp)``
into a ``tempfile.NamedTemporaryFile()`` handle, then ``torch.load(
tmp.name)`` in the same function, and ``fd, path = tempfile.mkstemp()``
written and reloaded through ``path``: nobody else can put bytes there, so
there is nothing to report. A name handed to a download, a command line or
an ``open`` for writing, a descriptor written to, or a handle nothing
serialized into keeps the finding. Fast == full on each case."""

from __future__ import annotations

import textwrap

import pytest

from mlwarden.core.config import Config
from mlwarden.core.engine import check_source
from mlwarden.core.finding import Severity
from mlwarden.rules._helpers import notebook_json


def found(code, rule, filename="pkg/speedup.py"):
    source = textwrap.dedent(code) if not code.startswith("{") else code
    config = Config(select=[rule], severity=Severity.LOW)
    fast = check_source(source, filename, config=config)
    full = check_source(source, filename, config=config, full=True)
    assert not fast.errors, fast.errors
    got = sorted((f.line, f.severity) for f in fast.findings if f.rule_id == rule)
    assert got == sorted((f.line, f.severity) for f in full.findings if f.rule_id == rule)
    return got


ROUND_TRIPS = {
    "assigned-handle-closed-then-name": (
        "MLW102",
        """
        import os, tempfile
        import torch

        def restore_after_trace(module):
            ori = tempfile.NamedTemporaryFile(delete=False)
            torch.save(module.state_dict(), ori)
            ori.close()
            try:
                trace(module)
                module.load_state_dict(torch.load(ori.name))
            finally:
                os.unlink(ori.name)
        """,
    ),
    "with-handle-aliases": (
        "MLW102",
        """
        from tempfile import NamedTemporaryFile as NTF
        from torch import save as put, load as get

        def snapshot(sd):
            with NTF(suffix=".pt") as fh:
                put(sd, fh)
                fh.flush()
                return get(
                    fh.name,
                    map_location="cpu",
                )
        """,
    ),
    "pickle-through-open-of-the-name": (
        "MLW101",
        """
        import pickle, tempfile

        def clone(obj):
            with tempfile.NamedTemporaryFile("wb", delete=False) as out:
                pickle.dump(obj, out)
            with open(out.name, "rb") as back:
                return pickle.load(back)
        """,
    ),
    "mkstemp-descriptor-closed": (
        "MLW102",
        """
        import os
        import tempfile
        import torch

        def via_disk(t):
            fd, path = tempfile.mkstemp(suffix=".pt")
            os.close(fd)
            torch.save(t, path)
            return torch.load(path)
        """,
    ),
    "mkstemp-descriptor-unnamed-list-target": (
        "MLW101",
        """
        import pickle
        from tempfile import mkstemp

        def via_disk(obj):
            [_, p] = mkstemp()
            with open(p, "wb") as f:
                pickle.dump(obj, f)
            with open(p, "rb") as f:
                return pickle.load(f)
        """,
    ),
}


@pytest.mark.parametrize("name", sorted(ROUND_TRIPS))
def test_a_round_trip_through_a_temporary_file_object_is_not_reported(name):
    rule, code = ROUND_TRIPS[name]
    assert found(code, rule) == []


def test_a_temporary_file_round_trip_in_a_notebook():
    nb = notebook_json(
        "import tempfile, torch",
        "tmp = tempfile.NamedTemporaryFile(delete=False)\ntorch.save({'w': 1}, tmp)\ntmp.close()\nstate = torch.load(tmp.name)",
    )
    assert found(nb, "MLW102", filename="check.ipynb") == []


KEPT = {
    "name-handed-to-a-download": """
        import tempfile, torch

        def fetch(url, model):
            tmp = tempfile.NamedTemporaryFile(delete=False)
            torch.save(model, tmp)
            urlretrieve(url, tmp.name)
            return torch.load(tmp.name)
        """,
    "name-on-a-command-line": """
        import subprocess, tempfile, torch

        def fetch(url, model):
            with tempfile.NamedTemporaryFile() as tmp:
                torch.save(model, tmp)
                subprocess.run(["curl", "-o", tmp.name, url], check=True)
                return torch.load(tmp.name)
        """,
    "name-opened-for-writing": """
        import tempfile, torch

        def fetch(blob, model):
            with tempfile.NamedTemporaryFile() as tmp:
                torch.save(model, tmp)
                with open(tmp.name, "wb") as out:
                    out.write(blob)
                return torch.load(tmp.name)
        """,
    "handle-written-with-foreign-bytes": """
        import tempfile, torch

        def fetch(blob):
            with tempfile.NamedTemporaryFile() as tmp:
                tmp.write(blob)
                tmp.flush()
                return torch.load(tmp.name)
        """,
    "nothing-serialized-into-the-handle": """
        import tempfile, torch

        def fetch():
            tmp = tempfile.NamedTemporaryFile(delete=False)
            tmp.close()
            return torch.load(tmp.name)
        """,
    "name-kept-in-a-variable": """
        import tempfile, torch

        def fetch(model, url):
            tmp = tempfile.NamedTemporaryFile(delete=False)
            torch.save(model, tmp)
            where = tmp.name
            download(url, where)
            return torch.load(tmp.name)
        """,
    "another-kind-of-handle": """
        import torch

        def fetch(model, src):
            with open(src, "rb+") as tmp:
                torch.save(model, tmp)
                return torch.load(tmp.name)
        """,
    "mkstemp-descriptor-written": """
        import os, tempfile, torch

        def fetch(url, fresh):
            fd, path = tempfile.mkstemp()
            if fresh:
                torch.save({}, path)
            with os.fdopen(fd, "wb") as f:
                f.write(get(url))
            return torch.load(path)
        """,
    "mkstemp-path-downloaded-into": """
        import os, tempfile, torch

        def fetch(url):
            fd, path = tempfile.mkstemp()
            os.close(fd)
            torch.save({}, path)
            urlretrieve(url, path)
            return torch.load(path)
        """,
}


@pytest.mark.parametrize("name", sorted(KEPT))
def test_a_temporary_file_others_may_fill_keeps_the_finding(name):
    got = found(KEPT[name], "MLW102")
    assert len(got) == 1 and got[0][1] in (Severity.HIGH, Severity.MEDIUM, Severity.CRITICAL), got
