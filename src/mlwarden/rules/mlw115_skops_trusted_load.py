from __future__ import annotations

from typing import TYPE_CHECKING, Optional

if TYPE_CHECKING:  # annotations only: libcst is imported when a file needs it
    import libcst

from mlwarden.core.finding import Severity
from mlwarden.core.lazy import cst
from mlwarden.core.rule import CodeRule, Invalid, Valid
from mlwarden.rules._kwdict import parameter_opt_in
from mlwarden.rules._roundtrip import RoundTripAware
from mlwarden.core.values import UNKNOWN, is_truthy
from mlwarden.rules._helpers import follow_constant, root_words

TARGETS = ("skops.io.load", "skops.io.loads", "skops.io._persist.load", "skops.io._persist.loads")
UNTRUSTED_TYPES = ("skops.io.get_untrusted_types", "skops.io._persist.get_untrusted_types")
#: load(file, trusted=None) / loads(data, trusted=None)
_POSITION = 1


class SkopsTrustedLoad(RoundTripAware, CodeRule):
    """## What it does
    Flags `skops.io.load` / `skops.io.loads` calls whose `trusted` argument
    trusts more than nothing:

    - `trusted=True` (skops < 0.10 meaning "trust every type"; since 0.10 it
      is an error, so it also marks code written for the old API) — high;
    - `trusted=get_untrusted_types(...)` passed straight through, which
      trusts whatever types the file asks for — high;
    - a non-literal value that cannot be verified — medium; low (since
      session 12b, MLW102's parameter-default ladder) when it is a
      parameter of the enclosing function that defaults to `None` or
      `False`, that nothing rebinds and that no call in the same file sets
      to anything else: trusting types is then the caller's explicit choice;
    - a non-empty list or tuple of type names — low: a reviewed allow-list is
      the intended use, the finding asks you to check that every listed type
      is safe to construct (no `builtins.eval`, `os.system`, `functools.partial`
      of arbitrary callables …).

    `trusted` omitted, `None`, `False` or an empty list is fine.

    A round trip is not flagged: data the same scope produced itself (an
    in-memory dump, a buffer only a serializer wrote into, or a file the
    same function just wrote to a temporary or literal path; see MLW101).

    Every report that trusts more than a listed allow-list (`True`,
    `get_untrusted_types(...)`, a value that cannot be verified) is **low**,
    with the reason, where MLW101 ranks a `pickle.load` of the same data low
    (since session 14): the real loader called from a test double's
    `side_effect` or a spy the test installs (it loads what the code under
    test hands the mocked loader, with the `trusted` value that code
    chose: reported where that code calls it), bytes this code serialized in
    memory and changed only by a same-file function that reads nothing
    from outside, a file the same function has just written, a load behind
    the caller's explicit opt-in. Trusting every type is no worse than
    `pickle.load`, which those cases rank low.

    Since session 15 the function that changes the serialized bytes may
    also be one of **another module of the project** (imported from the
    file's own top-level package, also from a `tests/` folder without
    `__init__.py`, or relatively), read with `ast` from that module (never
    imported) and held to the same test: it computes its result from its
    arguments alone. In a `test*` function its other arguments may also be
    values the test builds from its own `pytest.mark.parametrize` values
    (not `indirect`) and a nested `def` that imports, opens and fetches
    nothing (it may call the project's own functions):
    `older = downgrade_state(data=dumps(est), old_state=old_get_state(func))`;
    `loads(older, trusted=get_untrusted_types(data=older))`. Risk argument:
    the bytes are the test's own dump, changed by project code that reads
    nothing from outside, mixed with values the test writes in its own code;
    no file, download or fixture can add to them. A fixture argument, a
    helper that opens, fetches or calls another function, a re-export and a
    third-party module's function keep the rank. Likewise a test's load of
    what a function of another project module returns when its every
    `return` is a serializer's in-memory result (`return sio.dumps(obj)`),
    as for a function of the test file since session 12.

    ## Why is this bad?
    skops exists to load scikit-learn models without pickle's code execution:
    it refuses any type that is not in its safe defaults or in `trusted`.
    Trusting all types, or trusting the list that the file itself reports,
    makes `skops.io.load` as dangerous as `pickle.load` on a model from a
    hub.

    ## Example
    ```python
    import skops.io as sio

    model = sio.load("model.skops", trusted=sio.get_untrusted_types(file="model.skops"))
    ```

    ## Use instead
    ```python
    import skops.io as sio

    print(sio.get_untrusted_types(file="model.skops"))  # review once
    model = sio.load("model.skops")
    ```
    If the review shows types you expect (your own estimator classes), list
    them explicitly: `trusted=["my_pkg.MyTransformer"]`.

    ## References
    - [skops docs: secure persistence](https://skops.readthedocs.io/en/stable/persistence.html)
    - [CWE-502: Deserialization of Untrusted Data](https://cwe.mitre.org/data/definitions/502.html)
    - [OWASP ML06:2023 AI Supply Chain Attacks](https://owasp.org/www-project-machine-learning-security-top-10/docs/ML06_2023-AI_Supply_Chain_Attacks)
    """

    id = "MLW115"
    name = "skops-trusted-load"
    severity = Severity.HIGH
    cwe = (502,)
    owasp = ("ML06:2023",)
    message = "`skops.io.load(..., trusted=True)` trusts every type in the file and can run code from it; pass a reviewed list of type names"
    triggers = root_words(TARGETS)  # `trusted` only matters inside skops calls

    VALID = [
        Valid("import skops.io as sio\nsio.load('m.skops')"),
        Valid("import skops.io as sio\nsio.load('m.skops', trusted=None)"),
        Valid("import skops.io as sio\nsio.loads(blob, trusted=[])"),
        Valid("import skops.io as sio\nsio.dump(model, 'm.skops')"),
        Valid("import joblib\njoblib.dump(model, 'm', trusted=True)"),
        Valid("import skops.io as sio\nblob = sio.dumps(clf)\nclf2 = sio.loads(blob, trusted=True)"),
    ]
    INVALID = [
        Invalid("import skops.io as sio\nmodel = sio.load('m.skops', trusted=True)"),
        Invalid("from skops.io import load\nload(path, True)"),
        Invalid("from skops.io import loads, get_untrusted_types\nloads(blob, trusted=get_untrusted_types(data=blob))"),
        Invalid("import skops.io as sio\nsio.load(p, trusted=sio.get_untrusted_types(file=p))"),
        Invalid("import skops.io as sio\nsio.load(p, trusted=trusted_types)"),
        Invalid("import skops.io as sio\nsio.load(p, trusted=['my_pkg.MyTransformer'])"),
        Invalid("import skops.io as sio\nsio.load(p, **{'trusted': True})"),
    ]

    def visit_Call(self, node: libcst.Call) -> None:
        target = self.ctx.call_to(node, TARGETS)
        if not target:
            return
        value = self.ctx.arg(node, _POSITION, "trusted")
        if value is None or self.round_trip(node, target):
            return
        expr = follow_constant(self.ctx, value)
        if isinstance(expr, cst.Call) and self.ctx.call_to(expr, UNTRUSTED_TYPES):
            self._report(
                node,
                target,
                f"`{target}` with `trusted=get_untrusted_types(...)` trusts whatever types the file asks for and can run code from it; review the types once and list them explicitly",
            )
            return
        if isinstance(expr, (cst.List, cst.Tuple, cst.Set)):
            if expr.elements:
                self.report(
                    node,
                    f"`{target}` trusts the listed types; make sure none of them can call arbitrary functions, or load without `trusted`",
                    severity=Severity.LOW,
                )
            return
        resolved = self.ctx.value(value)
        if resolved is UNKNOWN:
            opted = parameter_opt_in(self, node, value, safe=False)
            if opted is not None:
                # `def load(p, trusted=None): sio.load(p, trusted=trusted)`: MLW102's ladder
                self.report(
                    node,
                    f"`{target}(..., trusted={opted})` trusts nothing unless a caller passes types: `{opted}` defaults to `None`/`False` and no call in this file passes another value, so trusting types needs the caller's explicit choice; make sure callers pass a reviewed list",
                    severity=Severity.LOW,
                )
                return
            self._report(
                node,
                target,
                f"`{target}` with a `trusted` value that cannot be verified may trust every type in the file; pass a reviewed list of type names",
                severity=Severity.MEDIUM,
            )
            return
        if resolved is True:
            self._report(node, target, f"`{target}(..., trusted=True)` trusts every type in the file and can run code from it; pass a reviewed list of type names")
        elif is_truthy(resolved):
            self._report(
                node,
                target,
                f"`{target}` with a non-list `trusted` value may trust every type in the file; pass a reviewed list of type names",
                severity=Severity.MEDIUM,
            )

    def _report(self, node: libcst.Call, target: str, message: str, severity: Optional[Severity] = None) -> None:
        """Report a load that trusts more than a reviewed list: low, with the
        MLW101 family's note, when that family lowers the same load (a real
        loader inside a test double's `side_effect` or an installed spy, data
        this process serialized and changed only by a same-file function, a
        file the same function just wrote, a load behind the caller's opt-in;
        `load_note`): trusting every type is then no worse than `pickle.load`
        of the same data, which those notes rank low."""
        note = self.load_note(node, target)
        if note:
            self.report(node, message + note, severity=Severity.LOW)
        elif severity is not None:
            self.report(node, message, severity=severity)
        else:
            self.report(node, message)
