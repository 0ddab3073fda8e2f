"""The project's own saver writing into a fresh temporary location is a
round trip when its other arguments cannot carry fetched data
(rules/_roundtrip.py, ``writes_to``): literals, or functions and classes the
file itself defines (``save_hyperparameters(train_fn, tmp_path)`` …
``yaml.full_load(open(tmp_path / "hyperparameters.yaml"))``). Anything else
beside the path (a variable, an import, a rebound name) keeps the finding.
Fast == full on each case."""

from __future__ import annotations

import textwrap

import pytest

from mlwarden.core.config import Config
from mlwarden.core.engine import check_source
from mlwarden.core.finding import Severity


def findings(code, rule):
    source = textwrap.dedent(code)
    config = Config(select=[rule], severity=Severity.LOW)
    fast = [(f.line, f.severity) for f in check_source(source, "tests/test_cli.py", config=config).findings]
    full = [(f.line, f.severity) for f in check_source(source, "tests/test_cli.py", config=config, full=True).findings]
    assert fast == full
    return fast


ROUND_TRIPS = {
    "own-function-and-tmp-path": (
        "MLW106",
        """
        import yaml
        from mypkg.utils import save_hyperparameters

        def _train(out_dir, foo: bool = False):
            pass

        def test_saved(tmp_path):
            save_hyperparameters(_train, tmp_path)
            with open(tmp_path / "hyperparameters.yaml", encoding="utf-8") as file:
                assert yaml.full_load(file)["foo"] is False
        """,
    ),
    "literals-and-a-class": (
        "MLW102",
        """
        import torch
        from mypkg import save_state

        class Tiny(torch.nn.Module):
            pass

        def test_state(tmp_path):
            save_state(Tiny, tmp_path, "ckpt", 3, strict=True)
            assert torch.load(tmp_path / "ckpt.pt")
        """,
    ),
}

KEPT = {
    "a-variable-beside-the-path": (
        "MLW102",
        """
        import torch
        from mypkg import save_blob, fetch

        def test_blob(tmp_path):
            blob = fetch("https://example.org/x")
            save_blob(blob, tmp_path)
            assert torch.load(tmp_path / "blob.pt")
        """,
    ),
    "an-imported-function": (
        "MLW102",
        """
        import torch
        from mypkg import save_blob
        from mypkg.remote import downloaded_weights

        def test_blob(tmp_path):
            save_blob(downloaded_weights, tmp_path)
            assert torch.load(tmp_path / "blob.pt")
        """,
    ),
    "a-rebound-function-name": (
        "MLW102",
        """
        import torch
        from mypkg import save_blob, fetch

        def payload():
            pass

        payload = fetch("x")

        def test_blob(tmp_path):
            save_blob(payload, tmp_path)
            assert torch.load(tmp_path / "blob.pt")
        """,
    ),
    "not-a-temporary-path": (
        "MLW102",
        """
        import torch
        from mypkg import save_state

        def _train():
            pass

        def test_state(out_dir):
            save_state(_train, out_dir)
            assert torch.load(out_dir / "ckpt.pt")
        """,
    ),
}


@pytest.mark.parametrize("name", sorted(ROUND_TRIPS))
def test_own_saver_with_inert_arguments_is_a_round_trip(name):
    rule, code = ROUND_TRIPS[name]
    assert findings(code, rule) == []


@pytest.mark.parametrize("name", sorted(KEPT))
def test_otherwise_the_load_is_reported(name):
    rule, code = KEPT[name]
    assert [sev for _line, sev in findings(code, rule)] == [Severity.HIGH]
