"""Session 14: MLW115 through the MLW101 family's notes, and in-memory round
trips through a same-file transformation.

1. MLW115 (`skops.io.load(..., trusted=...)`) reported every `trusted`
   that is not a reviewed list directly, without the notes with which the
   MLW101 family ranks the same load low: the real loader inside a test
   double's `side_effect` (or a spy the test installs), data this process
   produced, a file the same function just wrote. Trusting every type is no
   worse than `pickle.load` of the same data, so those notes now apply.
2. `s = dumps(obj)`; `s2 = helper(s, ...)`; `loads(s2)` where `helper` is a
   function of the same file that computes its result from its arguments
   alone (no file, network, environment, module global or other function;
   `zipfile.ZipFile` only over an in-memory buffer), and every other
   argument is a literal: low, with the reason (not dropped: the helper's
   code is read, not run).

On BASE (2713917) every "low" case below was reported at medium or high.
Every case goes through ``findings``: fast path == equivalence mode.
"""

from __future__ import annotations

import json

import pytest

from test_noise_optin import findings

from mlwarden.core.finding import Severity

# -- 1. MLW115 through the test-double notes ---------------------------------------------------

SKOPS_LOWERED = {
    # the real loader inside a Mock's side_effect lambda, `trusted` handed by the code under test
    "side-effect-lambda": (
        """
        from unittest import mock
        from skops.io import load

        def test_model_is_cached(card_file):
            spy_loader = mock.Mock(side_effect=lambda path, trusted, _extra: load(path, trusted=trusted))
            with mock.patch("mypkg.cards._load_model", spy_loader):
                card = make_card(card_file)
                card.model()
                card.model()
            assert spy_loader.call_count == 1
        """,
        "side_effect",
    ),
    # patch(..., side_effect=...) with an alias of skops.io
    "patch-side-effect-alias": (
        """
        import skops.io as sk
        from unittest.mock import patch

        def test_reload_counts(tmp_dir):
            with patch("mypkg.store.read_model", side_effect=lambda f, t: sk.load(f, trusted=t)) as m:
                run_twice(tmp_dir)
            assert m.call_count == 2
        """,
        "side_effect",
    ),
    # a spy def nested in the test, installed with monkeypatch, never called by the test
    "installed-spy": (
        """
        import skops.io

        def test_types_forwarded(monkeypatch, model_path):
            seen = []

            def recording_load(file, trusted):
                seen.append(trusted)
                return skops.io.load(file, trusted=trusted)

            monkeypatch.setattr("mypkg.io.skops_load", recording_load)
            open_model(model_path, trusted=["mypkg.Est"])
            assert seen == [["mypkg.Est"]]
        """,
        "spy",
    ),
}


@pytest.mark.parametrize("name", sorted(SKOPS_LOWERED))
def test_skops_double_notes_lower(name):
    code, word = SKOPS_LOWERED[name]
    found = findings(code, "MLW115", filename="tests/test_cards.py")
    assert [s for _, s, _ in found] == [Severity.LOW], found
    assert word in found[0][2], found


SKOPS_KEPT = {
    # a lambda handed to a real call, not a double: the callback may get any file
    "callback-not-a-double": (
        """
        from skops.io import load

        def test_callback(paths):
            process(paths, reader=lambda p, t: load(p, trusted=t))
        """,
        Severity.MEDIUM,
    ),
    # the same double outside a test function
    "double-outside-a-test": (
        """
        from unittest import mock
        from skops.io import load

        def make_loader():
            return mock.Mock(side_effect=lambda path, trusted: load(path, trusted=trusted))
        """,
        Severity.MEDIUM,
    ),
    # a callback the test hands a real function: not a double, even in a test
    "side-effect-of-a-real-call": (
        """
        from skops.io import load

        def test_walk(tree):
            tree.visit(on_file=lambda path, types: load(path, trusted=types))
        """,
        Severity.MEDIUM,
    ),
    # the test itself loads a fixture's file trusting what the file asks for
    "direct-load-in-test": (
        """
        import skops.io as sio

        def test_load(model_file):
            sio.load(model_file, trusted=sio.get_untrusted_types(file=model_file))
        """,
        Severity.HIGH,
    ),
}


def test_skops_file_the_function_just_wrote_is_low():
    # the MLW101 family's "written just before" note: a path from the caller, written on the line before
    code = """
    import skops.io as sio

    def save_and_check(est, path):
        sio.dump(est, path)
        return sio.load(path, trusted=True)
    """
    found = findings(code, "MLW115", filename="pkg/persist.py")
    assert [s for _, s, _ in found] == [Severity.LOW], found
    assert "trusted=True" in found[0][2]


@pytest.mark.parametrize("name", sorted(SKOPS_KEPT))
def test_skops_without_a_note_keeps_its_rank(name):
    code, expected = SKOPS_KEPT[name]
    found = findings(code, "MLW115", filename="tests/test_cards.py")
    assert [s for _, s, _ in found] == [expected], found


# -- 2. in-memory round trips through a same-file transformation -------------------------------

TRANSFORM_LOWERED = {
    # skops: a zip rewritten in memory, the schema changed through json; loads trusts what it asks
    "skops-zip-schema": (
        "MLW115",
        """
        import io
        import json
        from zipfile import ZipFile

        import skops.io as sio


        def _to_protocol(blob, version, drop=None):
            with ZipFile(io.BytesIO(blob)) as archive:
                schema = json.loads(archive.read("schema.json"))
            schema["protocol"] = version
            for key in drop or ():
                schema.pop(key, None)
            out = io.BytesIO()
            with ZipFile(out, "w") as archive:
                archive.writestr("schema.json", json.dumps(schema))
            return out.getvalue()


        def test_old_protocol_loads():
            est = Pipeline([("scale", Scaler())]).fit(X, y)
            raw = sio.dumps(est)
            older = _to_protocol(raw, 1, drop=["__id__"])
            back = sio.loads(older, trusted=sio.get_untrusted_types(data=older))
            assert back.steps
        """,
    ),
    # pickle bytes patched with bytes methods; the helper call in place; io.BytesIO around it
    "pickle-bytes-patched-in-place": (
        "MLW101",
        """
        import io
        import pickle as pk


        def set_protocol_byte(data: bytes, proto: int = 2) -> bytes:
            head = bytes([0x80, proto])
            return head + data[2:]


        def test_reads_old_header():
            payload = pk.dumps({"a": 1}, protocol=4)
            loaded = pk.load(io.BytesIO(set_protocol_byte(payload, 3)))
            assert loaded == {"a": 1}
        """,
    ),
    # jsonpickle text with keys renamed by str methods, outside tests too (the argument is the data's origin)
    "jsonpickle-renamed-keys": (
        "MLW114",
        """
        import jsonpickle


        def rename(text, old, new):
            lines = [line.replace('"' + old + '"', '"' + new + '"') for line in text.splitlines()]
            return "\\n".join(lines)


        def migrate(cfg):
            dumped = jsonpickle.encode(cfg)
            renamed = rename(dumped, "lr", "learning_rate")
            return jsonpickle.decode(renamed)
        """,
    ),
    # compression round trip in a helper with a module alias of zlib
    "compressed": (
        "MLW101",
        """
        import pickle
        import zlib as z


        def squeeze(b):
            return z.decompress(z.compress(b, 9))


        def test_squeeze(tmp_path):
            obj = Model(width=3)
            packed = squeeze(pickle.dumps(obj))
            assert pickle.loads(packed).width == 3
        """,
    ),
}


@pytest.mark.parametrize("name", sorted(TRANSFORM_LOWERED))
def test_same_file_transformation_is_low(name):
    rule, code = TRANSFORM_LOWERED[name]
    found = findings(code, rule, filename="tests/test_formats.py")
    assert [s for _, s, _ in found] == [Severity.LOW], found
    assert "a function of this file" in found[0][2], found


def test_same_file_transformation_in_a_notebook():
    cells = [
        "import pickle\n\ndef flip_case(blob):\n    return blob.swapcase()",
        "state = pickle.dumps(config)",
        "flipped = flip_case(state)",
        "restored = pickle.loads(flip_case(flipped))",
    ]
    nb = {
        "cells": [{"cell_type": "code", "metadata": {}, "source": c, "outputs": [], "execution_count": None} for c in cells],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    # `flipped` is not serializer output itself (it is the helper's): only a call on a dump counts
    found = findings(json.dumps(nb), "MLW101", filename="demo.ipynb")
    assert [s for _, s, _ in found] == [Severity.HIGH], found
    cells[3] = "restored = pickle.loads(flip_case(state))"
    nb["cells"][3]["source"] = cells[3]
    found = findings(json.dumps(nb), "MLW101", filename="demo.ipynb")
    assert [s for _, s, _ in found] == [Severity.LOW], found


TRANSFORM_KEPT = {
    # the helper appends bytes it reads from a file
    "helper-reads-a-file": (
        "MLW101",
        """
        import pickle

        def with_trailer(data):
            with open("trailer.bin", "rb") as fh:
                return data + fh.read()

        def test_trailer():
            blob = with_trailer(pickle.dumps([1, 2]))
            pickle.loads(blob)
        """,
        Severity.HIGH,
    ),
    # the helper fetches from the network through an import
    "helper-fetches": (
        "MLW101",
        """
        import pickle
        import urllib.request

        def refresh(data):
            return urllib.request.urlopen("https://example.org/state").read() or data

        def test_refresh():
            pickle.loads(refresh(pickle.dumps(1)))
        """,
        Severity.HIGH,
    ),
    # the helper reads the environment
    "helper-reads-the-environment": (
        "MLW101",
        """
        import os
        import pickle

        def tagged(data):
            return data + os.environ["EXTRA_STATE"].encode()

        def test_tagged():
            pickle.loads(tagged(pickle.dumps(1)))
        """,
        Severity.HIGH,
    ),
    # the helper reaches a function by name (getattr is not a pure builtin)
    "helper-uses-getattr": (
        "MLW101",
        """
        import pickle

        def via(data, name):
            return getattr(data, name)()

        def test_via():
            pickle.loads(via(pickle.dumps(1), "upper"))
        """,
        Severity.HIGH,
    ),
    # the helper calls another function of the file
    "helper-calls-another-function": (
        "MLW101",
        """
        import pickle

        def patch_bytes(data):
            return data + extra_bytes()

        def test_patch():
            pickle.loads(patch_bytes(pickle.dumps(1)))
        """,
        Severity.HIGH,
    ),
    # the helper reads a module global
    "helper-reads-a-global": (
        "MLW101",
        """
        import pickle

        SUFFIX = fetch_suffix()

        def patch_bytes(data):
            return data + SUFFIX

        def test_patch():
            pickle.loads(patch_bytes(pickle.dumps(1)))
        """,
        Severity.HIGH,
    ),
    # another argument is a fixture (anything the test is handed)
    "other-argument-a-parameter": (
        "MLW101",
        """
        import pickle

        def splice(data, extra):
            return data[:-1] + extra

        def test_splice(extra_payload):
            pickle.loads(splice(pickle.dumps(1), extra_payload))
        """,
        Severity.HIGH,
    ),
    # the helper is imported, not this file's
    "imported-helper": (
        "MLW101",
        """
        import pickle
        from tests._utils import downgrade

        def test_downgrade():
            pickle.loads(downgrade(pickle.dumps(1)))
        """,
        Severity.HIGH,
    ),
    # the data handed to the helper was not produced here
    "not-produced": (
        "MLW101",
        """
        import pickle

        def same(data):
            return data[:]

        def test_same(blob_file):
            raw = blob_file.read_bytes()
            pickle.loads(same(raw))
        """,
        Severity.HIGH,
    ),
    # a zip opened from a path, not an in-memory buffer
    "zip-from-a-path": (
        "MLW101",
        """
        import pickle
        import zipfile

        def member(data, name):
            with zipfile.ZipFile("bundle.zip") as zf:
                return zf.read(name) or data

        def test_member():
            pickle.loads(member(pickle.dumps(1), "state.pkl"))
        """,
        Severity.HIGH,
    ),
    # the helper is rebound at module level (which one runs is not this def)
    "helper-rebound": (
        "MLW101",
        """
        import pickle

        def same(data):
            return data

        same = load_patched_helper()

        def test_same():
            pickle.loads(same(pickle.dumps(1)))
        """,
        Severity.HIGH,
    ),
    # a helper with a non-literal default that may read a file
    "non-literal-default": (
        "MLW101",
        """
        import pickle

        def append(data, tail=open("tail.bin", "rb").read()):
            return data + tail

        def test_append():
            pickle.loads(append(pickle.dumps(1)))
        """,
        Severity.HIGH,
    ),
    # the result name is rebound before the load
    "result-rebound": (
        "MLW101",
        """
        import pickle

        def same(data):
            return data

        def test_same(other):
            blob = same(pickle.dumps(1))
            blob = other
            pickle.loads(blob)
        """,
        Severity.HIGH,
    ),
}


@pytest.mark.parametrize("name", sorted(TRANSFORM_KEPT))
def test_transformation_not_provable_keeps_its_rank(name):
    rule, code, expected = TRANSFORM_KEPT[name]
    found = findings(code, rule, filename="tests/test_formats.py")
    assert [s for _, s, _ in found] == [expected], found
    assert "a function of this file" not in found[0][2]
