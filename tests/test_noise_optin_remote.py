"""MLW201 behind an opt-in (rules/_optin.py): a ``trust_remote_code`` dict or
call that runs only after the caller set a flag parameter defaulting to False
is low, with the opt-in named; without a real opt-in, or when the same file
opts in itself, it stays. Fast path == equivalence mode, and the language
server's incremental check follows a caller written in another function."""

from __future__ import annotations

import pytest

from test_noise_optin import one

from mlwarden.core.config import Config
from mlwarden.core.engine import check_source
from mlwarden.core.finding import Severity
from mlwarden.core.incremental import IncrementalCheck
from mlwarden.rules._helpers import notebook_json

LOWERED = {
    "early-return-dict-call": """
        def hub_kwargs(trust_remote_code: bool) -> dict:
            if not trust_remote_code:
                return {}
            return dict(trust_remote_code=True)
        """,
    "raise-then-dict-literal": """
        def loader_options(*, trust_remote_code=False):
            if trust_remote_code is not True:
                raise ValueError(
                    "remote code is off"
                )
            opts = {"revision": None,
                    'trust_remote_code' : True}
            return opts
        """,
    "inside-if-flag": """
        def options(name, allow_remote_code=False):
            out = {"name": name}
            if allow_remote_code and name:
                out["hub"] = {"trust_remote_code": True}
            return out
        """,
    "call-under-the-flag-aliased-import": """
        from transformers import AutoModel as AM

        def build(name, trust_remote_code=False):
            if trust_remote_code:
                return AM.from_pretrained("some-org/model", trust_remote_code=True)
            return AM.from_pretrained("some-org/plain")
        """,
}


@pytest.mark.parametrize("name", sorted(LOWERED))
def test_remote_code_behind_an_opt_in_is_low_and_names_it(name):
    _line, severity, message = one(LOWERED[name], "MLW201")
    assert severity is Severity.LOW
    assert "behind the opt-in `" in message and "=True`" in message


def test_a_flag_without_a_default_is_named_as_such():
    _line, severity, message = one(LOWERED["early-return-dict-call"], "MLW201")
    assert "a parameter that has no default" in message


def test_remote_code_opt_in_in_a_notebook():
    nb = notebook_json(
        "import datasets",
        "def ds_kwargs(trust_remote_code=False):\n    if not trust_remote_code:\n        return {}\n    return dict(trust_remote_code=True)",
    )
    _line, severity, message = one(nb, "MLW201", filename="explore.ipynb")
    assert severity is Severity.LOW and "`trust_remote_code=True`" in message


KEPT = {
    "no-guard": ("def hub_kwargs():\n    return dict(trust_remote_code=True)\n", Severity.MEDIUM),
    "flag-defaults-to-true": (
        "def hub_kwargs(trust_remote_code=True):\n    if not trust_remote_code:\n        return {}\n    return dict(trust_remote_code=True)\n",
        Severity.MEDIUM,
    ),
    "the-file-opts-in-itself": (
        "def hub_kwargs(trust_remote_code=False):\n    if not trust_remote_code:\n        return {}\n    return dict(trust_remote_code=True)\n\n\n"
        "def main(load):\n    return load('org/x', **hub_kwargs(True))\n",
        Severity.MEDIUM,
    ),
    "a-flag-not-about-the-risk": (
        "def hub_kwargs(use_cache=False):\n    if not use_cache:\n        return {}\n    return dict(trust_remote_code=True)\n",
        Severity.MEDIUM,
    ),
    "guard-that-does-not-exit": (
        "def hub_kwargs(trust_remote_code=False):\n    if not trust_remote_code:\n        print('off')\n    return dict(trust_remote_code=True)\n",
        Severity.MEDIUM,
    ),
    "rebound-flag": (
        "def hub_kwargs(trust_remote_code=False):\n    trust_remote_code = True\n    if not trust_remote_code:\n        return {}\n    return dict(trust_remote_code=True)\n",
        Severity.MEDIUM,
    ),
    "module-level-dict": ("KW = {'trust_remote_code': True}\n", Severity.MEDIUM),
    "literal-repo-call-without-guard": (
        "from transformers import AutoModel\n\ndef build(trust_remote_code=False):\n    return AutoModel.from_pretrained('some-org/m', trust_remote_code=True)\n",
        Severity.HIGH,
    ),
}


@pytest.mark.parametrize("name", sorted(KEPT))
def test_without_a_real_opt_in_remote_code_keeps_its_severity(name):
    code, expected = KEPT[name]
    _line, severity, message = one(code, "MLW201")
    assert severity is expected
    assert "behind the opt-in" not in message


def _comparable(result):
    return [(f.rule_id, f.line, f.col, f.severity, f.message) for f in result.findings]


CALLER_ELSEWHERE = [
    # MLW201: a dict behind an opt-in, then another function opts in
    ("def hub_kwargs(trust_remote_code=False):\n    if not trust_remote_code:\n        return {}\n    return dict(trust_remote_code=True)\n\n\n"
     "def main(load):\n    pass\n", 8, "    return load('org/x', **hub_kwargs(trust_remote_code=True))\n", "MLW201"),
    # MLW101: a guarded pickle load, then another function passes the flag positionally
    ("import pickle\n\n\ndef restore(p, allow_pickle=False):\n    if not allow_pickle:\n        raise ValueError(p)\n    with open(p, 'rb') as f:\n        return pickle.load(f)\n\n\n"
     "def cli(p):\n    pass\n", 11, "    return restore(p, True)\n", "MLW101"),
    # two calls deep: the caller forwards its own flag, and a third function sets it
    ("import pickle\n\n\ndef restore(p, allow_pickle=False):\n    if not allow_pickle:\n        raise ValueError(p)\n    with open(p, 'rb') as f:\n        return pickle.load(f)\n\n\n"
     "def middle(p, allow_pickle=False):\n    return restore(p, allow_pickle=allow_pickle)\n\n\ndef top(p):\n    pass\n", 15, "    return middle(p, allow_pickle=True)\n", "MLW101"),
    # a method opted in from another class's method
    ("import pickle\n\n\nclass Store:\n    def read(self, p, allow_pickle=False):\n        if not allow_pickle:\n            raise ValueError(p)\n        return pickle.load(open(p, 'rb'))\n\n\n"
     "class App:\n    def run(self, s, p):\n        pass\n", 12, "        return s.read(p, allow_pickle=True)\n", "MLW101"),
]


@pytest.mark.parametrize("source, at, inserted, rule", CALLER_ELSEWHERE)
def test_the_incremental_check_follows_an_opt_in_written_in_another_function(source, at, inserted, rule):
    config = Config(severity=Severity.LOW)
    incremental = IncrementalCheck()
    lines = source.splitlines(keepends=True)
    edited = "".join(lines[:at] + [inserted] + lines[at:])
    seen = []
    for text in (source, edited, source, edited):
        fresh = check_source(text, "pkg/cross.py", config=config)
        assert _comparable(incremental.check(text, "pkg/cross.py", config=config)) == _comparable(fresh)
        seen.append({f.severity for f in fresh.findings if f.rule_id == rule})
    # the premise: the edit elsewhere moves the verdict (low, then raised)
    assert seen[0] == {Severity.LOW} and seen[1] and Severity.LOW not in seen[1]
