"""Session 15: in-memory round trips through a function of another module of
the same project.

`s = dumps(obj)`; `s2 = helper(s, ...)`; `loads(s2)` was low since session 14
only when `helper` is a function of the same file. Now the helper may be
imported from another module of the project (absolute import of the file's
own top-level package, also from a `tests/` folder without `__init__.py`;
relative import; `module.helper`): the module is parsed with `ast` (never
imported) and the function must pass the same test as a same-file one
(computes its result from its arguments alone). In a `test*` function the
helper's other arguments may also be values the test builds from its own
`pytest.mark.parametrize` values and a nested `def` that reads nothing from
outside (the skops `downgrade_state(data=dumps(est), old_state=old(func))`
shape). Lowered to low with the reason, never dropped.

On BASE (9109fb8) every "low" case below was reported at medium or high.
Every case goes through ``findings``: fast path == equivalence mode.
"""

from __future__ import annotations

import textwrap

import pytest

from mlwarden.core.config import Config
from mlwarden.core.engine import check_source
from mlwarden.core.finding import Severity

HELPERS = {
    "mypkg/__init__.py": "",
    "mypkg/io/__init__.py": "",
    "mypkg/io/_utils.py": "def module_of(obj):\n    return obj.__module__\n",
    # a pure transformation: JSON inside an in-memory zip, rewritten
    "mypkg/io/tests/_helpers.py": """
        import io
        import json
        from zipfile import ZipFile


        def rewrite_schema(*, data, keys, extra, version):
            with ZipFile(io.BytesIO(data), "r") as zf:
                schema = json.loads(zf.read("schema.json"))
            node = schema
            for key in keys[:-1]:
                node = node[key]
            node[keys[-1]] = extra
            schema["protocol"] = version
            out = io.BytesIO()
            with ZipFile(out, "w") as zf:
                zf.writestr("schema.json", json.dumps(schema))
            return out.getbuffer().tobytes()


        def from_disk(*, data, path):
            with open(path, "rb") as fh:
                return data + fh.read()


        def with_header(data, version):
            return make_header(version) + data


        def make_header(version):
            return bytes([0x80, version])
    """,
    "mypkg/codec.py": """
        import pickle
        import zlib
        from urllib.request import urlopen


        def encode_state(obj):
            return pickle.dumps(obj, protocol=4)


        def encode_or_fetch(obj, url=None):
            if url:
                return urlopen(url).read()
            return pickle.dumps(obj)


        def bump_protocol(data, version=4):
            return data.replace(b"\\x80\\x05", bytes([0x80, version]))


        def packed(data, level):
            return zlib.compress(data, level)


        def fetched(data, url):
            import urllib.request
            return urllib.request.urlopen(url).read() + data
    """,
    "mypkg/reexport.py": "from mypkg.codec import bump_protocol\n",
}


def findings(tmp_path, path, code, rule):
    """(line, severity, message) of ``rule`` in ``code`` written at ``path``
    inside a project tree (the helper modules above, a ``pyproject.toml``);
    the fast path and the equivalence mode must agree."""
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'mypkg'\n")
    for name, text in HELPERS.items():
        target = tmp_path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text))
    source = textwrap.dedent(code)
    target = tmp_path / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(source)
    config = Config(select=[rule], severity=Severity.LOW)
    fast = check_source(source, str(target), config=config)
    full = check_source(source, str(target), config=config, full=True)
    assert not fast.errors, fast.errors
    got = sorted((f.line, f.severity, f.message) for f in fast.findings if f.rule_id == rule)
    assert got == sorted((f.line, f.severity, f.message) for f in full.findings if f.rule_id == rule)
    return got


LOWERED = {
    # skops' shape: a test helper module (tests/ without __init__.py), the old state built by a nested def
    "skops-downgrade-parametrized": (
        "mypkg/io/tests/test_old.py",
        "MLW115",
        """
        import numpy as np
        import pytest
        from skops.io import dumps, get_untrusted_types, loads
        from mypkg.io._utils import module_of
        from mypkg.io.tests._helpers import rewrite_schema


        @pytest.mark.parametrize("fn", [np.sqrt, len])
        def test_old_protocol(fn):
            calls = 0

            def old_state(obj, ctx):
                nonlocal calls
                calls += 1
                return {"__class__": obj.__class__.__name__, "__module__": module_of(obj), "fn": obj.__name__}

            blob = dumps(build(fn))
            older = rewrite_schema(data=blob, keys=["a", "b"], extra=old_state(fn, None), version=0)
            restored = loads(older, trusted=get_untrusted_types(data=older))
            assert calls == 1
        """,
        "rewrite_schema",
    ),
    # the literal arguments only, in any code: a relative import of a package module
    "relative-import-pickle": (
        "mypkg/cache.py",
        "MLW101",
        """
        import pickle as pk
        from .codec import bump_protocol

        def copy_state(state):
            raw = pk.dumps(state)
            return pk.loads(bump_protocol(raw, 4))
        """,
        "bump_protocol",
    ),
    # the same, the function renamed at import: looked up by its own name
    "relative-import-renamed": (
        "mypkg/cache.py",
        "MLW101",
        """
        import pickle as pk
        from .codec import bump_protocol as bump

        def copy_state(state):
            raw = pk.dumps(state)
            return pk.loads(bump(raw, 4))
        """,
        "bump_protocol",
    ),
    # `module.function`, the module imported from the package, the data in io.BytesIO
    "module-attribute-bytesio": (
        "tests/test_cache.py",
        "MLW101",
        """
        import io
        import dill
        from mypkg import codec

        def test_roundtrip_packed():
            payload = codec.packed(dill.dumps({"a": 1}), 9)
            dill.load(io.BytesIO(payload))
        """,
        "packed",
    ),
    # a test loads what a project function returns, every `return` a serializer's in-memory result
    "project-dump-helper": (
        "tests/test_state.py",
        "MLW101",
        """
        import pickle
        from mypkg.codec import encode_state

        def test_state_roundtrip():
            state = encode_state({"w": [1, 2]})
            assert pickle.loads(state) == {"w": [1, 2]}
        """,
        "encode_state",
    ),
}


@pytest.mark.parametrize("case", sorted(LOWERED))
def test_lowered(tmp_path, case):
    path, rule, code, helper = LOWERED[case]
    found = findings(tmp_path, path, code, rule)
    assert len(found) == 1, found
    _line, severity, message = found[0]
    assert severity == Severity.LOW, message
    assert f"`{helper}()`, a function of the project's module" in message, message


KEPT = {
    # the helper reads a file: bytes from outside may enter
    "helper-opens-a-file": (
        "mypkg/io/tests/test_disk.py",
        "MLW101",
        """
        import pickle
        from mypkg.io.tests._helpers import from_disk

        def test_disk():
            blob = from_disk(data=pickle.dumps([1]), path="fixture.bin")
            pickle.loads(blob)
        """,
    ),
    # the helper fetches a URL
    "helper-fetches": (
        "mypkg/worker.py",
        "MLW101",
        """
        import pickle
        from mypkg.codec import fetched

        def work(obj):
            return pickle.loads(fetched(pickle.dumps(obj), "https://example.com/x"))
        """,
    ),
    # the helper calls another function (its code is not followed)
    "helper-calls-another-function": (
        "mypkg/io/tests/test_header.py",
        "MLW101",
        """
        import pickle
        from mypkg.io.tests._helpers import with_header

        def test_header():
            pickle.loads(with_header(pickle.dumps(3), 5))
        """,
    ),
    # a function of another project (not this package): not read
    "third-party-helper": (
        "mypkg/io/tests/test_other.py",
        "MLW101",
        """
        import pickle
        from otherlib.codec import bump_protocol

        def test_other():
            pickle.loads(bump_protocol(pickle.dumps(3), 4))
        """,
    ),
    # a re-export: the module binds the name by import, not by `def`
    "re-exported-helper": (
        "mypkg/user.py",
        "MLW101",
        """
        import pickle
        from mypkg.reexport import bump_protocol

        def clone(obj):
            return pickle.loads(bump_protocol(pickle.dumps(obj), 4))
        """,
    ),
    # outside a test, a side argument that is not a literal
    "non-literal-argument-outside-test": (
        "mypkg/loader.py",
        "MLW101",
        """
        import pickle
        from mypkg.codec import packed

        def clone(obj, level):
            return pickle.loads(packed(pickle.dumps(obj), level))
        """,
    ),
    # in a test, a side argument from a fixture (it may read anything)
    "fixture-side-argument": (
        "mypkg/io/tests/test_fixture.py",
        "MLW115",
        """
        from skops.io import dumps, loads
        from mypkg.io.tests._helpers import rewrite_schema

        def test_with_fixture(downloaded_state):
            data = rewrite_schema(data=dumps(model()), keys=["a"], extra=downloaded_state, version=1)
            loads(data, trusted=True)
        """,
    ),
    # in a test, the nested def that builds the side argument reads a file
    "nested-def-reads-a-file": (
        "mypkg/io/tests/test_nested_open.py",
        "MLW115",
        """
        import json
        import pytest
        from skops.io import dumps, loads
        from mypkg.io.tests._helpers import rewrite_schema

        @pytest.mark.parametrize("name", ["a.json"])
        def test_nested(name):
            def old_state(path):
                with open(path) as fh:
                    return json.load(fh)

            data = rewrite_schema(data=dumps(model()), keys=["a"], extra=old_state(name), version=1)
            loads(data, trusted=True)
        """,
    ),
    # a project function that may return fetched bytes instead of a dump
    "project-helper-may-fetch": (
        "tests/test_fetch.py",
        "MLW101",
        """
        import pickle
        from mypkg.codec import encode_or_fetch

        def test_fetch():
            pickle.loads(encode_or_fetch({"w": 1}))
        """,
    ),
    # the same dump helper outside a test function: not followed there
    "project-dump-helper-outside-test": (
        "mypkg/clone.py",
        "MLW101",
        """
        import pickle
        from mypkg.codec import encode_state

        def clone(obj):
            return pickle.loads(encode_state(obj))
        """,
    ),
    # in a test, a parametrize handed to a fixture (`indirect`)
    "indirect-parametrize": (
        "mypkg/io/tests/test_indirect.py",
        "MLW115",
        """
        import pytest
        from skops.io import dumps, loads
        from mypkg.io.tests._helpers import rewrite_schema

        @pytest.mark.parametrize("state", ["remote"], indirect=True)
        def test_indirect(state):
            data = rewrite_schema(data=dumps(model()), keys=["a"], extra=state, version=1)
            loads(data, trusted=True)
        """,
    ),
}


@pytest.mark.parametrize("case", sorted(KEPT))
def test_kept(tmp_path, case):
    path, rule, code = KEPT[case]
    found = findings(tmp_path, path, code, rule)
    assert len(found) == 1, found
    _line, severity, message = found[0]
    assert severity in (Severity.MEDIUM, Severity.HIGH, Severity.CRITICAL), message
    assert "a function of the project's module" not in message
