from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: libcst is imported when a file needs it
    import libcst

from mlwarden.core.finding import Severity
from mlwarden.core.lazy import cst
from mlwarden.core.rule import CodeRule, Invalid, Valid
from mlwarden.rules._roundtrip import RoundTripAware
from mlwarden.core.values import UNKNOWN, is_truthy
from mlwarden.rules._helpers import keyword_arg, remove_keyword
from mlwarden.rules._kwdict import parameter_opt_in

TARGETS = ("numpy.load", "numpy.lib.npyio.load", "numpy.lib._npyio_impl.load", "numpy.lib.format.read_array")
#: numpy.load(file, mmap_mode=None, allow_pickle=False, ...)
_POSITION = 2
#: numpy.lib.format.read_array(fp, allow_pickle=False, ...): the `.npy` reader numpy.load calls
_POSITIONS = {"numpy.lib.format.read_array": 1}


class NumpyLoadAllowPickle(RoundTripAware, CodeRule):
    """## What it does
    Flags `numpy.load` (`np.load`, `from numpy import load`) and the `.npy`
    reader behind it, `numpy.lib.format.read_array`, called with
    `allow_pickle` set to anything that is not known to be false.

    A round trip is not flagged: data the same scope produced itself (an
    in-memory dump, a buffer only a serializer wrote into, or a file the
    same function just wrote to a temporary or literal path; see MLW101).
    Reported at low severity, saying where the file is written, are the
    lowerings of MLW101: a load behind the caller's opt-in, a reload of a
    file the same function or script wrote, and the read side of a
    load-or-build cache.

    ## Severity
    High. Low (since session 12b), with the reason in the message, for
    `allow_pickle=<name>` where the name is a parameter of the enclosing
    function whose default is `False` (or `None`), that nothing in the
    function rebinds, and that no call of the function in the same file
    sets to anything but a false literal (a caller's own parameter passed
    on unchanged counts as its default and what that caller's callers
    pass, up to three calls deep): `def read(f, enable_unsafe_loading=False):
    np.load(f, allow_pickle=enable_unsafe_loading)` unpickles only when a
    caller explicitly opts in, as MLW102's `weights_only=<parameter that
    defaults to True>`. A parameter with no default, a true default, or a
    call in the file that passes `True` (or a value that may be true) keeps
    it high.

    ## Why is this bad?
    With `allow_pickle=True`, `numpy.load` unpickles object arrays stored in
    `.npy`/`.npz` files, so a crafted file runs arbitrary code when loaded
    (CVE-2019-6446 is the reason the default became `False` in NumPy 1.16.3).
    Arrays of numbers, strings and structured dtypes never need pickles.

    ## Example
    ```python
    import numpy as np

    data = np.load("features.npz", allow_pickle=True)
    ```

    ## Use instead
    ```python
    import numpy as np

    data = np.load("features.npz")
    ```
    Store ragged or nested data as several plain arrays, or as JSON/Parquet.

    ## Options
    Value policy: the default (`allow_pickle` omitted) and any value known to
    be false (`False`, `0`, `None`, a module-level constant holding one) are
    fine; a value known to be true is reported; any other expression (a
    parameter, an attribute, a function call) is reported with a message
    saying it **cannot be verified**, because it may be true at run time.
    `allow_pickle` given positionally (third argument) and inside a `**{...}`
    literal or a `**CONSTANT` dict is seen; so is a dict of the same
    function (since session 12: `kw = {...}`, `kw["allow_pickle"] = True`,
    `kw.update(...)`, `dict(...)`, a conditional dict; see MLW102's
    Options), reported when some path sets a true value, and so is a
    `**kwargs` parameter whose missing key the function fills in with a true
    value (`kwargs.setdefault("allow_pickle", True)`); an opaque `**kwargs`
    is not reported (the default is safe).

    ## Fix safety
    The fix removes `allow_pickle=True`. It is **unsafe**: files that really
    contain object arrays will then fail to load with a `ValueError`.

    ## References
    - [NumPy docs: numpy.load](https://numpy.org/doc/stable/reference/generated/numpy.load.html)
    - [CVE-2019-6446](https://nvd.nist.gov/vuln/detail/CVE-2019-6446)
    - [CWE-502: Deserialization of Untrusted Data](https://cwe.mitre.org/data/definitions/502.html)
    - [OWASP ML06:2023 AI Supply Chain Attacks](https://owasp.org/www-project-machine-learning-security-top-10/docs/ML06_2023-AI_Supply_Chain_Attacks)
    """

    id = "MLW105"
    name = "numpy-load-allow-pickle"
    severity = Severity.HIGH
    cwe = (502,)
    owasp = ("ML06:2023",)
    message = "`numpy.load(..., allow_pickle=True)` unpickles object arrays and can run code from the file; remove `allow_pickle=True`"
    triggers = frozenset(TARGETS)  # qualified; a positional allow_pickle needs no keyword word

    VALID = [
        Valid("import numpy as np\nnp.load('x.npy')"),
        Valid("import numpy as np\nnp.load('x.npy', allow_pickle=False)"),
        Valid("import numpy as np\nSAFE = False\nnp.load('x.npy', allow_pickle=SAFE)"),
        Valid("import numpy as np\nnp.load('x.npy', mmap_mode='r')"),
        Valid("import numpy as np\nnp.load('x.npy', **kwargs)"),
        Valid("import numpy as np\nnp.save('x.npy', arr, allow_pickle=True)"),
        Valid("import torch\ntorch.load('x.pt', weights_only=True)"),
        Valid("import numpy as np\ndef test_obj(tmp_path):\n    np.save(tmp_path / 'a.npy', arr, allow_pickle=True)\n    b = np.load(tmp_path / 'a.npy', allow_pickle=True)"),
        Valid("import io\nimport numpy as np\nbuf = io.BytesIO()\nnp.save(buf, arr)\nbuf.seek(0)\nnp.load(buf, allow_pickle=True)"),
        Valid("import numpy\nq = numpy.load(p, allow_pickle=[])"),
        Valid("import numpy as np\narr = np.lib.format.read_array(fh)"),
    ]
    INVALID = [
        Invalid(
            "import numpy as np\ndata = np.load('x.npz', allow_pickle=True)",
            fixed="import numpy as np\ndata = np.load('x.npz')",
            unsafe_fix=True,
        ),
        Invalid(
            "from numpy import load\nload(\n    path,\n    allow_pickle=True,  # error: MLW105\n)",
            fixed="from numpy import load\nload(\n    path,  # error: MLW105\n)",
            unsafe_fix=True,
        ),
        Invalid(
            "import numpy\nALLOW = True\nnumpy.load(f, allow_pickle=ALLOW, encoding='latin1')",
            fixed="import numpy\nALLOW = True\nnumpy.load(f, encoding='latin1')",
            unsafe_fix=True,
        ),
        Invalid("import numpy as np\nnp.load(f, allow_pickle=args.allow_pickle)"),
        Invalid("from numpy.lib import format as npf\nwith open(p, 'rb') as fh:\n    arr = npf.read_array(fh, True)"),
        Invalid("import numpy as np\nnp.load(f, None, True)"),
        Invalid("import numpy as np\nnp.load(f, **{'allow_pickle': True})"),
        Invalid("import numpy as np\ndef read(f, enable_unsafe_loading=False):\n    return np.load(f, allow_pickle=enable_unsafe_loading)"),
        Invalid("import numpy as np\ndef test(param_path):\n    with open(param_path, 'wb') as f:\n        pickle.dump(payload, f)\n    y = np.load(param_path, allow_pickle=True)"),
    ]

    @classmethod
    def site_gate(cls, node, facts, words) -> bool:
        """A piece can hold a finding only where a load passes
        ``allow_pickle`` (by keyword, through ``**``, or by position): an
        omitted one is False."""
        from mlwarden.core.sites import sites

        first = min(_POSITIONS.get(t, _POSITION) for t in TARGETS)
        calls = sites(node, facts, TARGETS)
        return any(len(call.args) > first or any(kw.arg in ("allow_pickle", None) for kw in call.keywords) for call in calls)

    def visit_Call(self, node: libcst.Call) -> None:
        target = self.ctx.call_to(node, TARGETS)
        if not target:
            return
        value = self.ctx.arg(node, _POSITIONS.get(target, _POSITION), "allow_pickle")
        if value is None:
            self._local_dict(node, target)
            return  # omitted (or hidden in opaque **kwargs): the default is False
        truth = is_truthy(self.ctx.value(value))
        if isinstance(value, (cst.List, cst.Tuple, cst.Set, cst.Dict)) and not any(
            isinstance(e, (cst.StarredElement, cst.StarredDictElement)) for e in value.elements
        ):
            truth = bool(value.elements)  # `allow_pickle=[]` is falsy, `[0]` truthy
        if truth is False or self.round_trip(node, target):
            return
        where = keyword_arg(node, "allow_pickle")
        report_at = where if where is not None else node
        if truth is None:
            opted = parameter_opt_in(self, node, value, safe=False)
            if opted is not None:
                # `def load(p, allow_pickle=False): np.load(p, allow_pickle=allow_pickle)`: MLW102's ladder
                self.report_load(
                    node,
                    target,
                    f"`{target}(..., allow_pickle={opted})` is safe unless a caller passes True: `{opted}` defaults to False and no call in this file passes another value, so unpickling object arrays needs the caller's explicit opt-in (`{opted}=True`); keep it off for files you did not write",
                    at=report_at,
                    severity=Severity.LOW,
                )
                return
            self.report(
                report_at,
                f"`{target}` with an `allow_pickle` value that cannot be verified may unpickle object arrays and run code from the file; pass `allow_pickle=False`",
            )
            return
        fixed = remove_keyword(node, "allow_pickle")
        self.report_load(
            node,
            target,
            f"`{target}(..., allow_pickle=True)` unpickles object arrays and can run code from the file; remove `allow_pickle=True`",
            at=report_at,
            replace=((node, fixed),) if fixed is not None else None,
            fix_description="remove allow_pickle=True",
        )

    def _local_dict(self, node, target: str) -> None:
        """``np.load(f, **kw)`` where ``kw``, a dict of the same function,
        holds a true ``allow_pickle`` on some path (``_kwdict``): reported as
        the keyword would be. Paths that are not followed stay unreported,
        as an opaque ``**kwargs`` (the default is False)."""
        from mlwarden.rules._kwdict import keyword_paths

        found = keyword_paths(self, node, "allow_pickle")
        if found is None:
            return
        paths, holder = found
        for kind, value in paths:
            if kind not in ("set", "default"):
                continue  # unknown or unset: the default is False
            resolved = self.ctx.value(value)
            if resolved is UNKNOWN:
                resolved = self.local_value(value)
            if is_truthy(resolved):
                if self.round_trip(node, target):
                    return
                self.report_load(
                    node,
                    target,
                    f"`{target}(..., **{holder})` gets `allow_pickle=True` from the local dict `{holder}`, which unpickles object arrays and can run code from the file; leave `allow_pickle` out",
                )
                return
