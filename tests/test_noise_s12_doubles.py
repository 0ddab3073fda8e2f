"""Session 12: two more shapes of a test loading what it made itself, low
(never dropped), and their look-alikes that keep their rank:

- a same-file helper (any name) whose every ``return`` is a serializer's
  in-memory result: ``pickle.loads(_payload())``;
- a hand-written fake: an instance of a class of the test file (made in
  the test or by a same-file fixture, constant arguments) whose attribute
  holds only what its methods are handed, and that the test hands only to
  calls (the code under test);
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
    "fake-class-fixture-yields-instance": (
        """
        import io
        import pickle
        import pytest

        class FakeStore:
            def __init__(self, url="x"):
                self.url = url
                self.blob = None

            def put(self, *, data, **kwargs):
                if isinstance(data, str):
                    self.blob = open(data, "rb")
                else:
                    self.blob = data
                return self.url

        class TestUpload:
            @pytest.fixture
            def store(self):
                s = FakeStore()
                yield s
                s.blob.close()

            def test_roundtrip(self, store, model):
                Uploader(store, name="m").push(model)
                restored = pickle.loads(store.blob.read())
        """,
        "MLW101", ["low"], "FakeStore",
    ),
    "fake-class-made-in-the-test": (
        """
        import torch

        class Sink:
            saved = None

            def write(self, buf):
                self.saved = buf

        def test_export(model):
            sink = Sink()
            export(model, sink)
            state = torch.load(sink.saved)
        """,
        "MLW102", ["low"], "Sink",
    ),
    "fake-class-test-calls-its-method": (
        """
        import pickle

        class Sink:
            def write(self, buf):
                self.saved = buf

        def test_export():
            sink = Sink()
            sink.write(fetch_remote())
            pickle.loads(sink.saved)
        """,
        "MLW101", ["high"], None,
    ),
    "fake-class-init-stores-an-argument": (
        """
        import pickle
        import pytest

        class Holder:
            def __init__(self, blob=b""):
                self.saved = blob

        @pytest.fixture
        def holder():
            return Holder(b"x")

        def test_read(holder):
            run(holder)
            pickle.loads(holder.saved)
        """,
        "MLW101", ["high"], None,
    ),
    "fake-class-computes-the-attribute": (
        """
        import pickle

        class Sink:
            def write(self, url):
                self.saved = download(url)

        def test_export():
            sink = Sink()
            export(sink)
            pickle.loads(sink.saved)
        """,
        "MLW101", ["high"], None,
    ),
    "fake-class-with-a-base": (
        """
        import pickle

        class Sink(RemoteClient):
            def write(self, buf):
                self.saved = buf

        def test_export():
            sink = Sink()
            export(sink)
            pickle.loads(sink.saved)
        """,
        "MLW101", ["high"], None,
    ),
    "fake-class-attribute-set-by-the-test": (
        """
        import pickle

        class Sink:
            def write(self, buf):
                self.saved = buf

        def test_export():
            sink = Sink()
            sink.saved = fetch_remote()
            pickle.loads(sink.saved)
        """,
        "MLW101", ["high"], None,
    ),
    "fake-made-with-outside-data": (
        """
        import pickle

        class Sink:
            def __init__(self, seed):
                self.seed = seed
            def write(self, buf):
                self.saved = buf

        def test_export():
            sink = Sink(fetch_remote())
            export(sink)
            pickle.loads(sink.saved)
        """,
        "MLW101", ["high"], None,
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
