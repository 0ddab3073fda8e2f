"""Loads behind an explicit opt-in (rules/_optin.py) and ``weights_only``
parameters that default to True: lowered with the reason in the message,
never dropped, and never lowered when the flag's default is the unsafe value
or the same file's callers opt in themselves. Every case is checked in the
fast path and in the equivalence mode (``full=True``)."""

from __future__ import annotations

import textwrap

import pytest

from mlwarden.core.config import Config
from mlwarden.core.engine import check_source
from mlwarden.core.finding import Severity
from mlwarden.rules._helpers import notebook_json


def findings(code, rule, filename="pkg/io.py"):
    """(line, severity, message) of ``rule``'s findings at every severity;
    the fast path and the equivalence mode must agree."""
    source = textwrap.dedent(code) if not code.startswith("{") else code
    config = Config(select=[rule], severity=Severity.LOW)
    fast = check_source(source, filename, config=config)
    full = check_source(source, filename, config=config, full=True)
    assert not fast.errors, fast.errors
    got = sorted((f.line, f.severity, f.message) for f in fast.findings if f.rule_id == rule)
    assert got == sorted((f.line, f.severity, f.message) for f in full.findings if f.rule_id == rule)
    return got


def one(code, rule, filename="pkg/io.py"):
    found = findings(code, rule, filename)
    assert len(found) == 1, found
    return found[0]


# -- opt-in flags: lowered ------------------------------------------------------------------

LOWERED = {
    "guard-raises-before": (
        "MLW101",
        """
        import dill as dl

        def restore(path, *, allow_unsafe_pickle: bool = False):
            '''Read a state file.'''
            if not allow_unsafe_pickle:
                raise PermissionError(
                    "pickles run code; pass allow_unsafe_pickle=True for files you trust"
                )
            with open(path, "rb") as fh:
                return dl.load(fh)
        """,
        "allow_unsafe_pickle=True",
    ),
    "guard-in-an-enclosing-block": (
        "MLW101",
        """
        from pickle import load as unpickle

        class Store:
            def read(self, path, trust_file=False):
                if path.endswith(".pkl"):
                    if not trust_file: raise ValueError("untrusted")
                    for _ in range(1):
                        with open(path, "rb") as fh:
                            return unpickle(fh)
                return None
        """,
        "trust_file=True",
    ),
    "guard-returns-early": (
        "MLW101",
        """
        import cloudpickle

        def maybe_restore(blob, enable_pickle=False):
            if enable_pickle is False:
                return None
            return cloudpickle.loads(blob)
        """,
        "enable_pickle=True",
    ),
    "if-around-with-and": (
        "MLW101",
        """
        import pickle

        def read_cache(path, allow_pickle: "bool" = False, strict=True):
            if (allow_pickle
                    and path.suffix == ".pkl"):
                return pickle.loads(path.read_bytes())
            raise ValueError(path)
        """,
        "allow_pickle=True",
    ),
    "no-default-named-like-a-flag": (
        "MLW101",
        """
        import pickle

        def read_cache(path, allow_pickle):
            if not allow_pickle:
                raise ValueError("set allow_pickle")
            with open(path, "rb") as fh:
                return pickle.load(fh)
        """,
        "allow_pickle=True",
    ),
    "tls-not-verify": (
        "MLW208",
        """
        import ssl as _ssl

        class Transport:
            def __init__(self, host, *, verify: bool = True):
                self.host = host
                if not verify:
                    self.context = _ssl._create_unverified_context()
                else:
                    self.context = _ssl.create_default_context()
        """,
        "verify=False",
    ),
    "tls-else-of-verify": (
        "MLW208",
        """
        import ssl

        def context_for(verify_tls=True):
            if verify_tls:
                return ssl.create_default_context()
            else:
                return ssl._create_unverified_context()
        """,
        "verify_tls=False",
    ),
    "requests-behind-insecure-flag": (
        "MLW208",
        """
        import requests

        def fetch(url, insecure=False):
            if insecure:
                return requests.get(url, verify=False, timeout=5)
            return requests.get(url, timeout=5)
        """,
        "insecure=True",
    ),
}


@pytest.mark.parametrize("name", sorted(LOWERED))
def test_a_load_behind_an_opt_in_is_low_and_names_it(name):
    rule, code, flag = LOWERED[name]
    _line, severity, message = one(code, rule)
    assert severity is Severity.LOW
    assert f"behind the opt-in `{flag}`" in message


def test_the_opt_in_in_a_notebook():
    nb = notebook_json(
        "import pickle",
        "def load_cached(path, allow_pickle=False):\n    if not allow_pickle:\n        raise RuntimeError('no')\n    return pickle.load(open(path, 'rb'))",
    )
    _line, severity, message = one(nb, "MLW101", filename="analysis.ipynb")
    assert severity is Severity.LOW and "`allow_pickle=True`" in message


# -- opt-in flags: kept ---------------------------------------------------------------------

KEPT = {
    "flag-defaults-to-true": (
        "MLW101",
        """
        import pickle

        def load(path, allow_pickle=True):
            if not allow_pickle:
                raise ValueError("no")
            with open(path, "rb") as fh:
                return pickle.load(fh)
        """,
    ),
    "a-caller-in-the-file-opts-in": (
        "MLW101",
        """
        import pickle

        def load(path, allow_pickle=False):
            if not allow_pickle:
                raise ValueError("no")
            with open(path, "rb") as fh:
                return pickle.load(fh)

        model = load("downloaded.pkl", allow_pickle=True)
        """,
    ),
    "a-caller-opts-in-positionally": (
        "MLW101",
        """
        import pickle

        class Loader:
            def load(self, path, allow_pickle=False):
                if allow_pickle:
                    return pickle.load(open(path, "rb"))

        Loader().load("x.pkl", True)
        """,
    ),
    "the-flag-is-rebound": (
        "MLW101",
        """
        import os, pickle

        def load(path, allow_pickle=False):
            allow_pickle = allow_pickle or os.environ.get("ALLOW") == "1"
            if allow_pickle:
                return pickle.load(open(path, "rb"))
        """,
    ),
    "not-a-flag-but-a-path": (
        "MLW101",
        """
        import pickle

        def load(cache_path=None):
            if cache_path:
                return pickle.load(open(cache_path, "rb"))
        """,
    ),
    "the-guard-does-not-leave": (
        "MLW101",
        """
        import logging, pickle

        def load(path, allow_pickle=False):
            if not allow_pickle:
                logging.warning("loading a pickle")
            return pickle.load(open(path, "rb"))
        """,
    ),
    "the-guard-comes-after": (
        "MLW101",
        """
        import pickle

        def load(path, allow_pickle=False):
            obj = pickle.load(open(path, "rb"))
            if not allow_pickle:
                raise ValueError("too late")
            return obj
        """,
    ),
    "or-does-not-require-the-flag": (
        "MLW101",
        """
        import pickle

        def load(path, allow_pickle=False, legacy=False):
            if allow_pickle or legacy:
                return pickle.load(open(path, "rb"))
        """,
    ),
    "a-feature-flag-is-not-an-opt-in-to-the-risk": (
        "MLW101",
        """
        import pickle

        def features(path, use_cache: bool = False):
            if not use_cache:
                return compute(path)
            with open(path + ".cache", "rb") as fh:
                return pickle.load(fh)
        """,
    ),
    "tls-verify-defaults-to-false": (
        "MLW208",
        """
        import ssl

        def context_for(verify=False):
            if not verify:
                return ssl._create_unverified_context()
        """,
    ),
    "tls-a-caller-passes-false": (
        "MLW208",
        """
        import ssl

        def context_for(verify=True):
            if not verify:
                return ssl._create_unverified_context()

        CTX = context_for(verify=False)
        """,
    ),
}


@pytest.mark.parametrize("name", sorted(KEPT))
def test_without_a_real_opt_in_the_severity_stays(name):
    rule, code = KEPT[name]
    _line, severity, message = one(code, rule)
    assert severity is Severity.HIGH, message
    assert "opt-in" not in message


# -- weights_only=<parameter defaulting to True> -----------------------------------------


def test_weights_only_parameter_defaulting_to_true_is_an_opt_in_so_low():
    # session 11: the same rank as `if not weights_only: torch.load(p)`, which
    # is the opt-in shape (low); until then it was one step lower (medium)
    code = """
    import torch as th

    def load_checkpoint(model, path, device="cpu", weights_only=True):
        state = th.load(path,
                        map_location=device,
                        weights_only=weights_only)
        model.load_state_dict(state)

    def main(model):
        load_checkpoint(model, "ckpt.pt")
        load_checkpoint(model, "ckpt.pt", weights_only=True)
    """
    line, severity, message = one(code, "MLW102")
    assert (line, severity) == (5, Severity.LOW)
    assert "safe unless a caller passes False" in message and "`weights_only=False`" in message


@pytest.mark.parametrize(
    "call",
    [
        'load_checkpoint(model, "ckpt.pt", weights_only=False)',
        'load_checkpoint(model, "ckpt.pt", "cpu", False)',
        'load_checkpoint(model, "ckpt.pt", weights_only=args.trust)',
    ],
)
def test_weights_only_parameter_kept_high_when_a_caller_passes_another_value(call):
    code = f"""
    import torch

    def load_checkpoint(model, path, device="cpu", weights_only=True):
        return torch.load(path, map_location=device, weights_only=weights_only)

    def main(model, args):
        {call}
    """
    _line, severity, message = one(code, "MLW102")
    assert severity is Severity.HIGH
    assert "safe unless" not in message


@pytest.mark.parametrize("default", ["False", "None", "SAFE_LOADING"])
def test_weights_only_parameter_with_another_default_stays_high(default):
    code = f"""
    import torch

    SAFE_LOADING = False

    def load_checkpoint(path, weights_only={default}):
        return torch.load(path, weights_only=weights_only)
    """
    _line, severity, _message = one(code, "MLW102")
    assert severity is Severity.HIGH


def test_weights_only_parameter_rebound_stays_high():
    code = """
    import torch

    def load_checkpoint(path, weights_only=True, legacy=False):
        if legacy:
            weights_only = False
        return torch.load(path, weights_only=weights_only)
    """
    _line, severity, _message = one(code, "MLW102")
    assert severity is Severity.HIGH


def test_weights_only_false_behind_an_opt_in_is_low():
    code = """
    import torch

    def load_full(path, *, trust_checkpoint: bool = False):
        if not trust_checkpoint:
            raise ValueError("a full checkpoint runs code: pass trust_checkpoint=True")
        return torch.load(path, weights_only=False)
    """
    _line, severity, message = one(code, "MLW102")
    assert severity is Severity.LOW and "`trust_checkpoint=True`" in message


def test_weights_only_parameter_in_a_notebook():
    nb = notebook_json(
        "import torch",
        "def restore(p, weights_only=True):\n    return torch.load(p, weights_only=weights_only)",
    )
    _line, severity, message = one(nb, "MLW102", filename="train.ipynb")
    assert severity is Severity.LOW and "safe unless a caller passes False" in message


# -- a parameter forwarded unchanged stands for its default and its callers ---------------

FORWARD = """
import torch

def _read(path, weights_only=True):
    return torch.load(path, map_location="cpu", weights_only=weights_only)

class Model:
    def restore(self, path, *, weights_only: bool = {outer}):
        state = _read(path, weights_only=weights_only)
        return state

def main(m):
    {call}
"""


@pytest.mark.parametrize(
    "outer, call, expected",
    [
        ("True", 'm.restore("a.pt")', Severity.LOW),
        ("True", 'm.restore("a.pt", weights_only=True)', Severity.LOW),
        ("False", 'm.restore("a.pt")', Severity.HIGH),  # the outer default turns it off
        ("True", 'm.restore("a.pt", weights_only=False)', Severity.HIGH),  # a caller of the caller does
        ("True", 'm.restore("a.pt", weights_only=flag)', Severity.HIGH),
    ],
)
def test_a_forwarded_parameter_stands_for_its_default_and_its_callers(outer, call, expected):
    _line, severity, _message = one(FORWARD.format(outer=outer, call=call), "MLW102")
    assert severity is expected


def test_a_forwarded_parameter_that_is_rebound_is_not_followed():
    code = """
    import torch

    def _read(path, weights_only=True):
        return torch.load(path, weights_only=weights_only)

    def restore(path, weights_only=True, legacy=False):
        if legacy:
            weights_only = False
        return _read(path, weights_only=weights_only)
    """
    _line, severity, _message = one(code, "MLW102")
    assert severity is Severity.HIGH


def test_a_forwarded_opt_in_set_by_an_outer_caller_keeps_the_load_high():
    code = """
    import pickle

    def _load(path, allow_pickle=False):
        if not allow_pickle:
            raise ValueError("refusing to unpickle")
        return pickle.load(open(path, "rb"))

    def load_program(path, allow_pickle=False):
        return _load(path, allow_pickle=allow_pickle)

    PROGRAM = load_program("downloaded.pkl", allow_pickle=True)
    """
    _line, severity, _message = one(code, "MLW101")
    assert severity is Severity.HIGH
    lowered = code.replace('PROGRAM = load_program("downloaded.pkl", allow_pickle=True)', 'PROGRAM = load_program("downloaded.pkl")')
    assert one(lowered, "MLW101")[1] is Severity.LOW


def test_forwarding_deeper_than_three_calls_is_not_followed():
    code = """
    import torch

    def f0(p, weights_only=True):
        return torch.load(p, weights_only=weights_only)

    def f1(p, weights_only=True):
        return f0(p, weights_only=weights_only)

    def f2(p, weights_only=True):
        return f1(p, weights_only=weights_only)

    def f3(p, weights_only=True):
        return f2(p, weights_only=weights_only)

    def f4(p, weights_only=True):
        return f3(p, weights_only=weights_only)
    """
    assert one(code, "MLW102")[1] is Severity.HIGH
    assert one(code.split("def f4")[0], "MLW102")[1] is Severity.LOW


def test_a_guard_that_skips_a_loop_iteration():
    code = """
    import pickle

    def read_all(paths, allow_pickle=False):
        out = []
        for p in paths:
            if not allow_pickle:
                continue
            out.append(pickle.load(open(p, "rb")))
        return out
    """
    _line, severity, message = one(code, "MLW101")
    assert severity is Severity.LOW and "`allow_pickle=True`" in message


def test_weights_only_parameter_ranks_as_the_opt_in_it_is_equivalent_to():
    as_parameter = """
    import torch as tt

    def restore_state(src, *, weights_only: bool = True):
        return tt.load(src, "cpu", weights_only=weights_only)
    """
    as_guard = """
    import torch as tt

    def restore_state(src, *, weights_only: bool = True):
        if not weights_only:
            return tt.load(src, "cpu", weights_only=False)
        return tt.load(src, "cpu", weights_only=True)
    """
    assert [s for _, s, _ in findings(as_parameter, "MLW102")] == [s for _, s, _ in findings(as_guard, "MLW102")] == [Severity.LOW]
