"""Session 12: ``weights_only`` carried to ``torch.load`` in a local dict
(``kw = {...}`` / ``kw["weights_only"] = True`` / ``kw.update(...)`` /
``dict(kw, ...)`` / a conditional dict, then ``torch.load(f, **kw)``) is
followed through the function: safe only when every path that reaches the
call sets a true value. Every case is checked fast path == equivalence mode
(the ``findings`` helper); on BASE (128e9ac) each "safe" case was a high
``**kwargs`` finding."""

from __future__ import annotations

import pytest

from test_noise_optin import findings

from mlwarden.core.finding import Severity

SAFE = {
    "copy-then-item": """
        import io
        import torch as T
        def restore(data, **kwargs):
            kwargs = dict(kwargs)
            kwargs["weights_only"] = True
            return T.load(io.BytesIO(data), **kwargs)
        """,
    "display": """
        import torch
        def restore(p):
            opts = {"map_location": "cpu", "weights_only": True}
            return torch.load(p, **opts)
        """,
    "update-keyword": """
        import torch
        def restore(p):
            opts = {"map_location": "cpu"}
            opts.update(weights_only=True)
            return torch.load(p, **opts)
        """,
    "update-dict": """
        import torch
        def restore(p, extra):
            opts = dict(extra)
            opts.update({"weights_only": True})
            return torch.load(p, **opts)
        """,
    "dict-call-keyword": """
        from torch import load
        def restore(p, extra):
            opts = dict(extra, weights_only=True)
            return load(p, **opts)
        """,
    "spread-then-key": """
        import torch
        def restore(p, extra):
            opts = {**extra, "weights_only": True}
            return torch.load(p, **opts)
        """,
    "both-branches-set": """
        import torch
        def restore(p, cpu):
            opts = {"weights_only": True, "map_location": "cpu"} if cpu else {"weights_only": True}
            return torch.load(p, **opts)
        """,
    "setdefault-on-empty": """
        import torch
        def restore(p):
            opts = {}
            opts.setdefault("weights_only", True)
            return torch.load(p, **opts)
        """,
    "method-with-constant": """
        import torch
        SAFE = True
        class Store:
            def restore(self, p):
                kw = {}
                kw["weights_only"] = SAFE
                with open(p, "rb") as fh:
                    return torch.load(fh, **kw)
        """,
    "second-dict-without-it": """
        import torch
        def restore(f, mmap):
            extra = {}
            if mmap:
                extra["mmap"] = True
            return torch.load(f, **{"map_location": "cpu"}, **extra, weights_only=True)
        """,
    "copy-method": """
        import torch
        def restore(p):
            base = {"weights_only": True}
            kw = base.copy()
            kw["map_location"] = "cpu"
            return torch.load(p, **kw)
        """,
}

# name -> (code, message fragment): still reported, at high
KEPT = {
    "conditional-dict-leaves-it-unset": (
        """
        import torch
        def restore(p, new_torch):
            kw = {"weights_only": True} if new_torch else {}
            return torch.load(p, **kw)
        """,
        "on some paths only",
    ),
    "set-under-a-condition": (
        """
        import torch
        def restore(p, strict):
            kw = {}
            if strict:
                kw["weights_only"] = True
            return torch.load(p, **kw)
        """,
        "on some paths only",
    ),
    "false-on-a-path": (
        """
        import torch
        def restore(p, legacy):
            kw = {"weights_only": True}
            if legacy:
                kw["weights_only"] = False
            return torch.load(p, **kw)
        """,
        "holds `False`",
    ),
    "popped-after-set": (
        """
        import torch
        def restore(p):
            kw = {"weights_only": True}
            kw.pop("weights_only")
            return torch.load(p, **kw)
        """,
        "on some paths only",
    ),
    "setdefault-on-unknown": (
        """
        import torch
        def restore(p, opts):
            kw = dict(opts)
            kw.setdefault("weights_only", True)
            return torch.load(p, **kw)
        """,
        "cannot be verified",
    ),
    "spread-after-key": (
        """
        import torch
        def restore(p, extra):
            kw = {"weights_only": True, **extra}
            return torch.load(p, **kw)
        """,
        "cannot be verified",
    ),
    "handed-to-a-function": (
        """
        import torch
        def restore(p):
            kw = {"weights_only": True}
            customise(kw)
            return torch.load(p, **kw)
        """,
        "cannot be verified",
    ),
    "changed-in-a-closure": (
        """
        import torch
        def restore(p):
            kw = {"weights_only": True}
            def legacy():
                kw["weights_only"] = False
            register(legacy)
            return torch.load(p, **kw)
        """,
        "cannot be verified",
    ),
    "changed-after-in-a-loop": (
        """
        import torch
        def restore(paths):
            kw = {"weights_only": True}
            for p in paths:
                yield torch.load(p, **kw)
                kw["weights_only"] = False
        """,
        "cannot be verified",
    ),
    "augmented": (
        """
        import torch
        def restore(p, extra):
            kw = {"weights_only": True}
            kw |= extra
            return torch.load(p, **kw)
        """,
        "cannot be verified",
    ),
    "parameter": (
        """
        import torch
        def restore(p, **kw):
            return torch.load(p, **kw)
        """,
        "cannot be verified",
    ),
    "update-with-unknown": (
        """
        import torch
        def restore(p, extra):
            kw = {"weights_only": True}
            kw.update(extra)
            return torch.load(p, **kw)
        """,
        "cannot be verified",
    ),
    "version-gated-with-a-second-dict": (
        """
        import torch
        def restore(f, map_location, mmap):
            extra = {}
            gate = {"weights_only": True} if torch_at_least("1.13") else {}
            if mmap:
                extra = {"mmap": True}
            return torch.load(f, map_location=map_location, **gate, **extra)
        """,
        "local dict `gate` on some paths only",
    ),
    "two-dicts-may-carry-it": (
        """
        import torch
        def restore(f, opts):
            a = {"weights_only": True}
            b = dict(opts)
            return torch.load(f, **a, **b)
        """,
        "cannot be verified",
    ),
    "parameter-default-true-but-a-caller-passes-false": (
        """
        import torch
        def restore(path, weights_only=True):
            kw = dict(map_location="cpu", weights_only=weights_only)
            return torch.load(path, **kw)
        def legacy(path):
            return restore(path, weights_only=False)
        """,
        "holds `False`",
    ),
    "non-literal-value": (
        """
        import torch
        def restore(p, trust):
            kw = {"weights_only": not trust}
            return torch.load(p, **kw)
        """,
        "holds `False`",
    ),
}


@pytest.mark.parametrize("name", sorted(SAFE))
def test_every_path_sets_weights_only(name):
    assert findings(SAFE[name], "MLW102") == []


@pytest.mark.parametrize("name", sorted(KEPT))
def test_a_path_without_it_keeps_the_finding(name):
    code, fragment = KEPT[name]
    found = findings(code, "MLW102")
    assert [s for _, s, _ in found] == [Severity.HIGH], found
    assert fragment in found[0][2]


def test_unset_path_is_the_omitted_case_and_version_aware(tmp_path):
    """A path that leaves ``weights_only`` out uses torch's default: none
    when the project guarantees torch>=2.6, as an omitted keyword."""
    from mlwarden.core.config import Config
    from mlwarden.core.engine import check_source
    import textwrap

    code = textwrap.dedent(KEPT["conditional-dict-leaves-it-unset"][0])
    pinned = Config(select=["MLW102"], severity=Severity.LOW, assume_versions={"torch": "2.6"})
    assert [f for f in check_source(code, "pkg/io.py", config=pinned).findings if f.rule_id == "MLW102"] == []
    false_code = textwrap.dedent(KEPT["false-on-a-path"][0])
    assert len([f for f in check_source(false_code, "pkg/io.py", config=pinned).findings if f.rule_id == "MLW102"]) == 1


def test_notebook_cell_function():
    from mlwarden.rules._helpers import notebook_json

    nb = notebook_json("import torch", "def restore(p):\n    kw = {}\n    kw['weights_only'] = True\n    return torch.load(p, **kw)")
    assert findings(nb, "MLW102", filename="demo.ipynb") == []


def test_parameter_default_true_in_the_dict_is_the_parameter_ladder():
    """``dict(weights_only=weights_only)`` with a parameter that defaults to
    True and that no call in the file sets otherwise: low, as the same
    parameter passed as a keyword (``torch.load(p, weights_only=weights_only)``)."""
    carried = findings(
        """
        import torch
        def restore(path, map_location="cpu", weights_only: bool = True, mmap: bool = False):
            kw = dict(map_location=map_location, weights_only=weights_only)
            if mmap:
                kw["mmap"] = True
            return torch.load(path, **kw)
        """,
        "MLW102",
    )
    direct = findings(
        """
        import torch
        def restore(path, map_location="cpu", weights_only: bool = True, mmap: bool = False):
            return torch.load(path, map_location=map_location, weights_only=weights_only)
        """,
        "MLW102",
    )
    assert [s for _, s, _ in carried] == [s for _, s, _ in direct] == [Severity.LOW]
    assert "safe unless a caller passes False" in carried[0][2]


# -- the same following for the other keyword rules: a dict that turns the
# -- unsafe option on is reported as the keyword would be (on BASE: nothing)

@pytest.mark.parametrize(
    "code, rule, count",
    [
        ("import numpy as np\ndef read(f):\n    kw = {'mmap_mode': 'r'}\n    kw['allow_pickle'] = True\n    return np.load(f, **kw)", "MLW105", 1),
        ("import numpy as np\ndef read(f, legacy):\n    kw = {'allow_pickle': True} if legacy else {}\n    return np.load(f, **kw)", "MLW105", 1),
        ("import numpy as np\ndef read(f):\n    kw = {'allow_pickle': False}\n    return np.load(f, **kw)", "MLW105", 0),
        ("import numpy as np\ndef read(f, **kw):\n    return np.load(f, **kw)", "MLW105", 0),
        ("import keras\ndef restore(p, trusted):\n    kw = dict(compile=False)\n    if trusted:\n        kw.update(safe_mode=False)\n    return keras.models.load_model(p, **kw)", "MLW108", 1),
        ("import keras\ndef restore(p):\n    kw = dict(compile=False, safe_mode=True)\n    return keras.models.load_model(p, **kw)", "MLW108", 0),
    ],
)
def test_other_keyword_rules_follow_the_dict(code, rule, count):
    from mlwarden.core.config import Config
    from mlwarden.core.engine import check_source

    found = findings(code, rule)
    pinned = Config(select=[rule], severity=Severity.LOW, assume_versions={"keras": "3.12"})
    if rule == "MLW108":  # without a Keras pin every load_model is reported (version awareness): pin it
        found = [f for f in check_source(code, "pkg/io.py", config=pinned).findings if f.rule_id == rule]
        full = [f for f in check_source(code, "pkg/io.py", config=pinned, full=True).findings if f.rule_id == rule]
        assert [(f.line, f.message) for f in found] == [(f.line, f.message) for f in full]
    assert len(found) == count, found
    if count:
        assert "local dict `kw`" in (found[0][2] if isinstance(found[0], tuple) else found[0].message)
