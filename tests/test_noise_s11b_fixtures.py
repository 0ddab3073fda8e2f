"""Session 11b: a test that loads the path a same-file pytest fixture
returns right after writing it with a serializer (taken by parameter name,
used only in the load) is low, with the fixture's line; an early return of
another file, a path handed to anything else, or a fixture we cannot read
keeps the rank. Fast path == equivalence mode on every case."""

from __future__ import annotations

import textwrap

import pytest

from test_noise_optin import findings

from mlwarden.core.finding import Severity

HEAD = """
import os
import pickle
import joblib
import pytest
import torch
"""

CASES = {
    "with-open-dump-tmp-path": (
        """
        @pytest.fixture
        def stored(tmp_path):
            obj = {"a": 1}
            dest = tmp_path / "obj.pkl"
            with open(dest, "wb") as out:
                pickle.dump(obj, out)
            return dest

        def test_reload(stored):
            with open(stored, "rb") as fh:
                assert pickle.load(fh)
        """,
        "MLW101", [Severity.LOW],
    ),
    "class-fixture-yield-literal-path": (
        """
        class TestCkpt:
            @pytest.fixture()
            def weights(self):
                where = os.path.join("tests", "data", "tiny.pt")
                torch.save(make(), where)
                yield where

            def test_restore(self, weights):
                sd = torch.load(weights, map_location="cpu")
        """,
        "MLW102", [Severity.LOW],
    ),
    "joblib-keyword-destination": (
        """
        @pytest.fixture
        def model_file(tmp_path):
            target = str(tmp_path / "m.joblib")
            joblib.dump(value=fit(), filename=target)
            return target

        def test_predict(model_file):
            clf = joblib.load(model_file)
        """,
        "MLW103", [Severity.LOW],
    ),
    # -- keep the rank
    "early-return-of-a-kept-file": (
        """
        @pytest.fixture
        def net_path(tmp_path):
            path = "tests/net.pkl"
            if not gpu():
                return path
            with open(path, "wb") as f:
                pickle.dump(train(), f)
            return path

        def test_net(net_path):
            with open(net_path, "rb") as f:
                pickle.load(f)
        """,
        "MLW101", [Severity.HIGH],
    ),
    "test-hands-path-to-another-call": (
        """
        @pytest.fixture
        def stored(tmp_path):
            dest = tmp_path / "obj.pkl"
            torch.save({}, dest)
            return dest

        def test_reload(stored):
            fetch_into(stored)
            torch.load(stored)
        """,
        "MLW102", [Severity.HIGH],
    ),
    "fixture-hands-path-on-after-write": (
        """
        @pytest.fixture
        def stored(tmp_path):
            dest = tmp_path / "obj.pkl"
            torch.save({}, dest)
            overwrite_from_mirror(dest)
            return dest

        def test_reload(stored):
            torch.load(stored)
        """,
        "MLW102", [Severity.HIGH],
    ),
    "fixture-returns-unwritten-path": (
        """
        @pytest.fixture
        def stored(tmp_path):
            dest = tmp_path / "obj.pkl"
            other = tmp_path / "other.pkl"
            torch.save({}, other)
            return dest

        def test_reload(stored):
            torch.load(stored)
        """,
        "MLW102", [Severity.HIGH],
    ),
    "text-mode-is-not-a-write": (
        """
        @pytest.fixture
        def stored(tmp_path):
            dest = tmp_path / "obj.pkl"
            with open(dest, "r") as fh:
                pickle.dump({}, fh)
            return dest

        def test_reload(stored):
            pickle.load(open(stored, "rb"))
        """,
        "MLW101", [Severity.HIGH],
    ),
    "no-fixture-in-this-file": (
        """
        def test_reload(stored_elsewhere):
            pickle.load(open(stored_elsewhere, "rb"))
        """,
        "MLW101", [Severity.HIGH],
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_fixture_written_path(name):
    body, rule, expected = CASES[name]
    found = findings(HEAD + textwrap.dedent(body), rule, filename="tests/test_store.py")
    assert [s for _, s, _ in found] == expected, found


def test_note_names_fixture_writer_and_line():
    body, rule, _ = CASES["with-open-dump-tmp-path"]
    (_, _, message), = findings(HEAD + textwrap.dedent(body), rule, filename="tests/test_store.py")
    # HEAD has 6 lines before the dedented body's leading newline: the `with` is line 12
    assert "fixture `stored`" in message and "`pickle.dump`" in message and "fixture line 12" in message, message
