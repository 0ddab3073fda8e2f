"""Session 12b: two opt-in shapes of the safe-switch keywords.

1. MLW102's parameter-default ladder for the other switches: a switch
   passed as a parameter of the enclosing function whose default is the
   safe setting, that nothing rebinds and that no call in the file sets
   otherwise, is low with the reason (``np.load(f, allow_pickle=unsafe)``
   with ``unsafe=False``; ``load_model(p, safe_mode=safe_mode)`` with
   ``safe_mode=True``). On BASE (7cfc581) each was "cannot be verified":
   high.
2. The ``**kwargs`` default idiom: a ``**kwargs`` (or dict) parameter whose
   missing key the function fills in before the call
   (``kwargs.setdefault("weights_only", True)``, ``if "weights_only" not in
   kwargs: kwargs["weights_only"] = True``) loads safely unless a caller
   passes its own value; low with the reason, high when a call in the file
   passes one that is not ``True``. A key set outright on every path is not
   a finding. On BASE each was the opaque ``**kwargs`` high.

Every case goes through ``findings``: fast path == equivalence mode.
"""

from __future__ import annotations

import textwrap

import pytest

from test_noise_optin import findings

from mlwarden.core.config import Config
from mlwarden.core.engine import check_source
from mlwarden.core.finding import Severity

# -- 1. the parameter-default ladder -------------------------------------------------------

LOW = {
    "numpy-keyword": (
        "MLW105",
        """
        import numpy
        class Reader:
            def read(self, source, enable_unsafe_loading: bool = False):
                return numpy.load(source, allow_pickle=enable_unsafe_loading)
        def main():
            return Reader().read("a.npz")
        """,
    ),
    "numpy-positional-none-default": (
        "MLW105",
        """
        from numpy import load as npload
        def arrays(f, trust=None):
            return npload(f, None, trust)
        """,
    ),
    "numpy-forwarded-default": (
        "MLW105",
        """
        import numpy as np
        def _read(f, allow_pickle=False):
            return np.load(f, allow_pickle=allow_pickle)
        def read_all(paths, allow_pickle=False):
            return [_read(p, allow_pickle=allow_pickle) for p in paths]
        """,
    ),
    "keras-safe-mode": (
        "MLW108",
        """
        from keras.saving import load_model
        def restore(path, *, safe_mode=True, compile=False):
            return load_model(path, compile=compile, safe_mode=safe_mode)
        model = restore("m.keras", safe_mode=True)
        """,
    ),
    "skops-trusted-none": (
        "MLW115",
        """
        import skops.io as sio
        def load_model(path, trusted=None):
            return sio.load(path, trusted=trusted)
        """,
    ),
}

HIGH = {
    "numpy-caller-opts-in": (
        "MLW105",
        """
        import numpy as np
        def read(f, unsafe=False):
            return np.load(f, allow_pickle=unsafe)
        legacy = read("old.npy", unsafe=True)
        """,
    ),
    "numpy-forwarded-caller-opts-in": (
        "MLW105",
        """
        import numpy as np
        def _read(f, allow_pickle=False):
            return np.load(f, allow_pickle=allow_pickle)
        def read_all(paths, allow_pickle=False):
            return [_read(p, allow_pickle=allow_pickle) for p in paths]
        everything = read_all(["a.npy"], allow_pickle=True)
        """,
    ),
    "numpy-default-true": (
        "MLW105",
        """
        import numpy as np
        def read(f, allow_pickle=True):
            return np.load(f, allow_pickle=allow_pickle)
        """,
    ),
    "numpy-no-default": (
        "MLW105",
        """
        import numpy as np
        def read(f, allow_pickle):
            return np.load(f, allow_pickle=allow_pickle)
        """,
    ),
    "numpy-rebound": (
        "MLW105",
        """
        import numpy as np
        import os
        def read(f, allow_pickle=False):
            allow_pickle = allow_pickle or os.environ.get("LEGACY") == "1"
            return np.load(f, allow_pickle=allow_pickle)
        """,
    ),
    "keras-caller-opts-out": (
        "MLW108",
        """
        import keras
        def restore(path, safe_mode=True):
            return keras.models.load_model(path, safe_mode=safe_mode)
        def legacy(path):
            return restore(path, safe_mode=False)
        """,
    ),
}


@pytest.mark.parametrize("name", sorted(LOW))
def test_safe_default_parameter_is_low_with_the_reason(name):
    rule, code = LOW[name]
    found = findings(code, rule)
    assert [s for _, s, _ in found] == [Severity.LOW], found
    assert "unless a caller passes" in found[0][2]
    assert "no call in this file passes another value" in found[0][2]


@pytest.mark.parametrize(
    "code",
    [
        # a caller passes types: the caller's list is what is trusted, the load stays medium
        "import skops.io as sio\ndef load_model(path, trusted=None):\n    return sio.load(path, trusted=trusted)\nm = load_model('m.skops', trusted=sio.get_untrusted_types(file='m.skops'))",
        "import skops.io as sio\ndef load_model(path, trusted):\n    return sio.load(path, trusted=trusted)",
    ],
)
def test_skops_parameter_chosen_by_a_caller_stays_medium(code):
    assert [s for _, s, _ in findings(code, "MLW115")] == [Severity.MEDIUM]


@pytest.mark.parametrize("name", sorted(HIGH))
def test_other_parameters_stay_high(name):
    rule, code = HIGH[name]
    found = findings(code, rule)
    assert [s for _, s, _ in found] == [Severity.HIGH], found
    assert "safe unless" not in found[0][2]


# -- 2. the **kwargs default idiom ---------------------------------------------------------

FILLED = {
    "guard-not-in": """
        import torch
        def load_checkpoint(path, map_location="cpu", **kwargs):
            if "weights_only" not in kwargs:
                kwargs["weights_only"] = True
            return torch.load(path, map_location=map_location, **kwargs)
        """,
    "guard-not-in-keys": """
        import torch as th
        class Loader:
            def __call__(self, f, **load_kw):
                if 'weights_only' not in load_kw.keys():
                    load_kw['weights_only'] = True
                with open(f, "rb") as fh:
                    return th.load(fh, **load_kw)
        """,
    "setdefault": """
        from torch import load
        def restore(p, **kw):
            kw.setdefault("weights_only", True)
            kw.setdefault("map_location", "cpu")
            return load(p, **kw)
        def main():
            return restore("a.pt", map_location="cuda")
        """,
    "setdefault-constant": """
        import torch
        SAFE_LOADS = True
        def restore(p, **kw):
            kw.setdefault("weights_only", SAFE_LOADS)
            return torch.load(p, **kw)
        """,
    "spread-after-key": """
        import torch
        def restore(p, **kwargs):
            opts = {"weights_only": True, **kwargs}
            return torch.load(p, **opts)
        """,
    "copy-then-setdefault": """
        import torch
        def restore(p, **kwargs):
            opts = dict(kwargs)
            opts.setdefault("weights_only", True)
            return torch.load(p, **opts)
        """,
}

UNREPORTED = {
    "set-outright": """
        import torch
        def restore(p, **kwargs):
            kwargs["weights_only"] = True
            return torch.load(p, **kwargs)
        """,
    "update-outright": """
        import torch
        def restore(p, **kwargs):
            kwargs.update(weights_only=True, mmap=True)
            return torch.load(p, **kwargs)
        """,
}

STILL_HIGH = {
    "caller-passes-false": (
        """
        import torch
        def restore(p, **kwargs):
            kwargs.setdefault("weights_only", True)
            return torch.load(p, **kwargs)
        def legacy(p):
            return restore(p, weights_only=False)
        """,
        "a call of this function in this file passes `weights_only`",
    ),
    "caller-passes-a-name": (
        """
        import torch
        def restore(p, **kwargs):
            if "weights_only" not in kwargs:
                kwargs["weights_only"] = True
            return torch.load(p, **kwargs)
        def run(p, args):
            return restore(p, weights_only=args.safe)
        """,
        "a call of this function in this file passes `weights_only`",
    ),
    "default-false": (
        """
        import torch
        def restore(p, **kwargs):
            kwargs.setdefault("weights_only", False)
            return torch.load(p, **kwargs)
        """,
        "holds `False`",
    ),
    "guard-is-conditional": (
        """
        import torch
        def restore(p, strict, **kwargs):
            if strict:
                if "weights_only" not in kwargs:
                    kwargs["weights_only"] = True
            return torch.load(p, **kwargs)
        """,
        "cannot be verified",
    ),
    "guard-checks-another-dict": (
        """
        import torch
        def restore(p, defaults, **kwargs):
            if "weights_only" not in defaults:
                kwargs["weights_only"] = True
            return torch.load(p, **kwargs)
        """,
        "cannot be verified",
    ),
    "dict-parameter": (
        # the caller passes a dict: what is in it is not written at the call
        """
        import torch
        def restore(p, load_kwargs):
            load_kwargs.setdefault("weights_only", True)
            return torch.load(p, **load_kwargs)
        """,
        "cannot be verified",
    ),
    "untouched-kwargs": (
        """
        import torch
        def restore(p, **kwargs):
            return torch.load(p, **kwargs)
        """,
        "cannot be verified",
    ),
}


@pytest.mark.parametrize("name", sorted(FILLED))
def test_filled_in_default_is_the_callers_opt_out(name):
    found = findings(FILLED[name], "MLW102")
    assert [s for _, s, _ in found] == [Severity.LOW], found
    assert "safe unless a caller passes `weights_only=False`" in found[0][2]


@pytest.mark.parametrize("name", sorted(UNREPORTED))
def test_key_set_outright_on_kwargs_is_safe(name):
    assert findings(UNREPORTED[name], "MLW102") == []


@pytest.mark.parametrize("name", sorted(STILL_HIGH))
def test_filled_default_keeps_real_opt_outs_high(name):
    code, fragment = STILL_HIGH[name]
    found = findings(code, "MLW102")
    assert [s for _, s, _ in found] == [Severity.HIGH], found
    assert fragment in found[0][2]


def test_popped_key_is_the_omitted_case_and_version_aware():
    code = textwrap.dedent(
        """
        import torch
        def restore(p, **kwargs):
            kwargs.pop("weights_only", None)
            return torch.load(p, **kwargs)
        """
    )
    assert [s for _, s, _ in findings(code, "MLW102")] == [Severity.HIGH]
    pinned = Config(select=["MLW102"], severity=Severity.LOW, assume_versions={"torch": "2.6"})
    assert [f for f in check_source(code, "pkg/io.py", config=pinned).findings if f.rule_id == "MLW102"] == []


@pytest.mark.parametrize(
    "code, rule, severities",
    [
        # a filled-in unsafe default turns the switch on unless the caller says otherwise
        ("import numpy as np\ndef read(f, **kw):\n    kw.setdefault('allow_pickle', True)\n    return np.load(f, **kw)", "MLW105", [Severity.HIGH]),
        ("import numpy as np\ndef read(f, **kw):\n    if 'allow_pickle' not in kw:\n        kw['allow_pickle'] = False\n    return np.load(f, **kw)", "MLW105", []),
        ("import keras\ndef restore(p, **kw):\n    kw.setdefault('safe_mode', False)\n    return keras.saving.load_model(p, **kw)", "MLW108", [Severity.HIGH]),
        ("import keras\ndef restore(p, **kw):\n    kw['safe_mode'] = False\n    return keras.saving.load_model(p, **kw)", "MLW108", [Severity.HIGH]),
    ],
)
def test_other_switches_follow_the_filled_default(code, rule, severities):
    assert [s for _, s, _ in findings(code, rule)] == severities


def test_notebook_cell_guard():
    from mlwarden.rules._helpers import notebook_json

    nb = notebook_json(
        "import torch",
        "def restore(p, **kw):\n    if 'weights_only' not in kw:\n        kw['weights_only'] = True\n    return torch.load(p, **kw)",
    )
    found = findings(nb, "MLW102", filename="demo.ipynb")
    assert [s for _, s, _ in found] == [Severity.LOW], found
