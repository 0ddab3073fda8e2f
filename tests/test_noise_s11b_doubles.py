"""Session 11b: loads in a test that provably read bytes from a test double,
or run on a double's behalf, are low (never dropped); anything the test may
have configured, or a double that forwards to real objects, keeps its rank.
Fast path == equivalence mode on every case (the ``findings`` helper)."""

from __future__ import annotations

import pytest

from test_noise_optin import findings

from mlwarden.core.finding import Severity

HEAD = """
import pickle
import torch
import pytest
from unittest import mock
from unittest.mock import MagicMock, create_autospec, patch as p
"""

# name -> (body, rule, severity)
CASES = {
    "mock-attribute-read-back": (
        """
        def test_export_writes_blob():
            sink = mock.Mock()
            export_model(sink)
            restored = pickle.loads(sink.written.getvalue())
        """,
        "MLW101", Severity.LOW,
    ),
    "autospec-method-result": (
        """
        def test_roundtrip():
            store = create_autospec(Store, instance=True)
            store_everything(store)
            obj = torch.load(store.last_blob())
        """,
        "MLW102", Severity.LOW,
    ),
    "patch-target-alias": (
        """
        def test_sends():
            with p("pkg.net.Client") as client:
                broadcast()
            state = pickle.loads(client.return_value.payload)
        """,
        "MLW101", Severity.LOW,
    ),
    "fixture-in-class-yields-named-double": (
        """
        class TestUpload:
            @pytest.fixture
            def api(self):
                fake = MagicMock()
                yield fake

            def test_saved(self, api):
                upload(api)
                net = pickle.loads(api.stored.read())
        """,
        "MLW101", Severity.LOW,
    ),
    "module-fixture-mocker": (
        """
        @pytest.fixture()
        def remote(mocker):
            return mocker.MagicMock()

        def test_pull(remote):
            sync(remote)
            model = torch.load(remote.buffer)
        """,
        "MLW102", Severity.LOW,
    ),
    "side-effect-lambda": (
        """
        def test_kwargs_forwarded(monkeypatch):
            keep = torch.load
            fake = mock.MagicMock(side_effect=lambda *a, **kw: keep(*a))
            monkeypatch.setattr(torch, "load", fake)
            roundtrip()
        """,
        "MLW102", None,  # two findings, both low: checked below
    ),
    # -- keep their rank
    "configured-return-value": (
        """
        def test_reads():
            src = MagicMock()
            src.read.return_value = fetch_remote()
            pickle.loads(src.read())
        """,
        "MLW101", Severity.HIGH,
    ),
    "configure-mock": (
        """
        def test_reads():
            src = MagicMock()
            src.configure_mock(blob=fetch_remote())
            pickle.loads(src.blob)
        """,
        "MLW101", Severity.HIGH,
    ),
    "wraps-real-object": (
        """
        def test_reads():
            src = MagicMock(wraps=RemoteClient())
            pickle.loads(src.fetch())
        """,
        "MLW101", Severity.HIGH,
    ),
    "patch-with-new-object": (
        """
        def test_reads():
            with p("pkg.client", RemoteClient()) as c:
                pickle.loads(c.fetch())
        """,
        "MLW101", Severity.HIGH,
    ),
    "custom-double-class": (
        """
        class FakeApi:
            saved = None
        @pytest.fixture
        def api():
            return FakeApi()
        def test_saved(api):
            upload(api)
            pickle.loads(api.saved)
        """,
        "MLW101", Severity.HIGH,
    ),
    "fixture-configures-double": (
        """
        @pytest.fixture
        def api():
            m = MagicMock()
            m.blob = fetch_remote()
            return m
        def test_saved(api):
            pickle.loads(api.blob)
        """,
        "MLW101", Severity.HIGH,
    ),
    "not-a-test-function": (
        """
        def helper():
            sink = mock.Mock()
            return pickle.loads(sink.written)
        """,
        "MLW101", Severity.HIGH,
    ),
    "side-effect-of-a-real-call": (
        """
        def test_x():
            run(callback=lambda path: torch.load(path))
        """,
        "MLW102", Severity.HIGH,
    ),
    "kept-loader-used-elsewhere": (
        """
        def test_kwargs_forwarded(monkeypatch):
            keep = torch.load
            fake = mock.MagicMock(side_effect=lambda *a, **kw: keep(*a))
            monkeypatch.setattr(torch, "load", fake)
            keep(download())
        """,
        "MLW102", None,
    ),
}


def _found(name):
    body, rule, _ = CASES[name]
    import textwrap

    return findings(HEAD + textwrap.dedent(body), rule, filename="tests/test_io.py")


@pytest.mark.parametrize("name", sorted(n for n in CASES if CASES[n][2] is not None))
def test_one_finding_ranked(name):
    expected = CASES[name][2]
    assert [s for _, s, _ in _found(name)] == [expected]


def test_side_effect_lambda_and_kept_loader_are_low():
    found = _found("side-effect-lambda")
    assert [s for _, s, _ in found] == [Severity.LOW, Severity.LOW], found
    assert "side_effect" in found[0][2] and "side_effect" in found[1][2]


def test_kept_loader_called_directly_stays():
    found = _found("kept-loader-used-elsewhere")
    # the reference is kept for more than the double, and the direct call loads a download
    assert sorted(s.value for _, s, _ in found) == ["high", "high", "low"], found


def test_note_names_the_double():
    (_, _, message), = _found("mock-attribute-read-back")
    assert "test double, `sink`" in message and "never configured" in message
