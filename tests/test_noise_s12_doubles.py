"""Session 12: two more shapes of a test loading what it made itself, low
(never dropped), and their look-alikes that keep their rank:

- a same-file helper (any name) whose every ``return`` is a serializer's
  in-memory result: ``pickle.loads(_payload())``;
- a spy: a ``def`` nested in a test, installed in place of the loader
  (``monkeypatch.setattr``, a double's ``side_effect=``/``new=``) and never
  called by the test, that runs the real loader on what the code under test
  hands it.

Fast path == equivalence mode on every case (the ``findings`` helper); on
BASE (128e9ac) every lowered case was high."""

from __future__ import annotations

import pytest

from test_noise_optin import findings

from mlwarden.core.finding import Severity

# name -> (code, rule, severities in line order, note fragment or None)
CASES = {
    "helper-returns-dumps": (
        """
        import os
        import pickle as pk

        class Boom:
            def __reduce__(self):
                return (os.system, ("true",))

        def build_evil():
            return pk.dumps(Boom())

        def test_payload_runs():
            pk.loads(build_evil())
        """,
        "MLW101", ["low"], "build_evil()",
    ),
    "helper-every-branch-dumps-bound-name": (
        """
        import io
        import dill
        import cloudpickle

        def blob(kind):
            if kind:
                return cloudpickle.dumps(kind)
            return dill.dumps(None)

        class TestIO:
            def test_reads(self):
                data = blob("a")
                assert dill.load(io.BytesIO(data)) == "a"
        """,
        "MLW101", ["low"], "blob()",
    ),
    "helper-reads-a-file": (
        """
        import pickle

        def _payload():
            with open("saved.pkl", "rb") as fh:
                return fh.read()

        def test_payload():
            pickle.loads(_payload())
        """,
        "MLW101", ["high"], None,
    ),
    "helper-one-return-downloads": (
        """
        import pickle

        def _payload(local):
            if local:
                return pickle.dumps(local)
            return fetch_remote()

        def test_payload():
            pickle.loads(_payload(None))
        """,
        "MLW101", ["high"], None,
    ),
    "helper-outside-a-test": (
        """
        import pickle

        def _payload():
            return pickle.dumps(1)

        def run():
            return pickle.loads(_payload())
        """,
        "MLW101", ["high"], None,
    ),
    "helper-name-rebound": (
        """
        import pickle

        def _payload():
            return pickle.dumps(1)

        _payload = remote_payload_factory()

        def test_payload():
            pickle.loads(_payload())
        """,
        "MLW101", ["high"], None,
    ),
    "spy-monkeypatch-setattr": (
        """
        import torch

        def test_restricted(tmp_path, monkeypatch):
            seen = []
            real_load = torch.load

            def spy(*args, **kwargs):
                seen.append(kwargs.get("weights_only"))
                return real_load(*args, **kwargs)

            monkeypatch.setattr(torch, "load", spy)
            restore(tmp_path / "model.ckpt")
        """,
        "MLW102", ["low", "low"], "spy",
    ),
    "spy-monkeypatch-dotted": (
        """
        import pickle
        import pytest

        def test_restricted(monkeypatch):
            original = pickle.loads

            def recording(data):
                calls.append(len(data))
                return original(data)

            monkeypatch.setattr("pickle.loads", recording)
            restore_all()
        """,
        "MLW101", ["low", "low"], "recording",
    ),
    "spy-mocker-side-effect": (
        """
        import torch

        def test_restricted(mocker):
            keep = torch.load

            def wrapped(path, **kw):
                return keep(path, **kw)

            mocker.patch("torch.load", side_effect=wrapped)
            restore("model.ckpt")
        """,
        "MLW102", ["low", "low"], "wrapped",
    ),
    "spy-also-called-by-the-test": (
        """
        import torch

        def test_restricted(monkeypatch):
            real_load = torch.load

            def spy(*args, **kwargs):
                return real_load(*args, **kwargs)

            monkeypatch.setattr(torch, "load", spy)
            spy(download("https://example.org/x.pt"))
        """,
        "MLW102", ["high", "high"], None,
    ),
    "spy-outside-a-test": (
        """
        import torch

        def install(monkeypatch):
            real_load = torch.load

            def spy(*args, **kwargs):
                return real_load(*args, **kwargs)

            monkeypatch.setattr(torch, "load", spy)
        """,
        "MLW102", ["high", "high"], None,
    ),
    "nested-def-handed-elsewhere": (
        """
        import torch

        def test_cb(monkeypatch):
            def on_file(path):
                return torch.load(path)

            watcher.register(on_file)
        """,
        "MLW102", ["high"], None,
    ),
    "monkeypatch-not-the-fixture": (
        """
        import torch

        def test_x():
            monkeypatch = make_patcher()

            def spy(path):
                return torch.load(path)

            monkeypatch.setattr(torch, "load", spy)
        """,
        "MLW102", ["high"], None,
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_ranked(name):
    import textwrap

    code, rule, expected, note = CASES[name]
    found = findings(textwrap.dedent(code), rule, filename="tests/test_restore.py")
    assert [s.value for _, s, _ in found] == expected, found
    if note is not None:
        assert any(note in m for _, _, m in found), found
    if "low" in expected:
        assert all("(low: " in m for _, s, m in found if s is Severity.LOW), found
