from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: libcst is imported when a file needs it
    import libcst

import ast
import re
from typing import Any, Optional, Tuple

from packaging.version import Version

from mlwarden.core.context import lower
from mlwarden.core.finding import Severity
from mlwarden.core.lazy import cst
from mlwarden.core.rule import CodeRule, Invalid, Valid
from mlwarden.core.values import UNKNOWN, init_attribute_default, is_truthy, switches_off
from mlwarden.rules._kwdict import caller_keyword_values, keyword_paths
from mlwarden.rules._helpers import add_keyword, assigned_reference, keyword_arg, notebook_json, passed_references
from mlwarden.rules._optin import parameter_default
from mlwarden.rules._roundtrip import KEPT_FOR_DOUBLE_NOTE, RoundTripAware
from mlwarden.rules.mlw101_pickle_load import restricted_pickle_module

TARGETS = ("torch.load", "torch.serialization.load")
#: downloaders that `torch.load` the file with their own `weights_only`
#: argument, whose default is False in every torch version: an omitted one is
#: MLW206's (an unverified download), an explicit opt-out is reported here
URL_LOADERS = ("torch.hub.load_state_dict_from_url", "torch.utils.model_zoo.load_url")
PARTIAL = ("functools.partial",)

#: torch.hub's HASH_REGEX: the SHA-256 prefix in a checkpoint's file name
_TORCH_HASH_RE = re.compile(r"-([a-f0-9]*)\.")
#: hex digits of a digest that pins a file (160 bits: a full commit SHA, as MLW202 requires)
PINNED_DIGEST_HEX = 40

#: torch.load defaults to weights_only=True from this version on
_TORCH_SAFE_DEFAULT = Version("2.6")


class TorchLoadWithoutWeightsOnly(RoundTripAware, CodeRule):
    """## What it does
    Flags `torch.load` (and `torch.serialization.load`) calls that do not pass
    `weights_only=True`: an explicit `weights_only=False`, an omitted
    `weights_only`, a value that is not a literal `True` (after following
    module-level constants), and `**kwargs` that hide it. The same applies
    to `functools.partial(torch.load, ...)`, and `torch.load` handed over as
    a function (`map(torch.load, paths)`, `loader = torch.load`) is judged as
    a call without `weights_only`.

    `torch.hub.load_state_dict_from_url` and `torch.utils.model_zoo.load_url`
    `torch.load` the file they download with their own `weights_only`
    argument, whose default is `False` in every torch version: an explicit
    `weights_only=False` (or a value that is not a literal `True`) is
    reported here (also given positionally, the seventh argument). An
    omitted one unpickles in full too: without a hash check (or with one
    that is provably off) the call is MLW206's unverified download; with
    `check_hash=True`, or a `check_hash` value that may be true, MLW206 is
    satisfied and the load is reported here (since session 11b), so every
    full-unpickle download is a finding of one of the two rules. How far
    `check_hash=True` lowers an omitted or explicit `weights_only=False` is
    in the severity ladder below.

    A round trip is not flagged: a checkpoint that the same function just
    wrote with `torch.save` to a temporary or literal path, to an
    `io.BytesIO` buffer, or into a `tempfile.NamedTemporaryFile()` then
    loaded from its `.name` (see MLW101).

    `torch.jit.load` and `torch.utils.cpp_extension.load` are other functions
    and are not flagged.

    ## Severity
    High. Low for `weights_only=<name>` where the name is a
    parameter of the enclosing function that defaults to `True` and that
    nothing in the function rebinds, when no call of that function in the
    same file passes `False` or a value that is not a literal `True` (a
    caller's own parameter passed on unchanged, `weights_only=weights_only`,
    counts as its default and what that caller's callers in the file pass,
    up to three calls deep): the message says it is safe unless a caller
    passes `False`. The same for `weights_only=self.<attr>` in a method when
    the class's `__init__` keeps the attribute, in its own body, from such a
    parameter (`self.wo = wo`, `def __init__(self, wo=True)`), nothing in
    the file assigns that attribute otherwise (`obj.wo = …`, `setattr`), and
    no construction of the class in the file (`Cls(...)`, a subclass's
    `super().__init__(...)`) passes another value. The same, with the
    polarity reversed, for the negation of an opt-in flag:
    `weights_only=not unsafe` / `not self._unsafe` where the parameter (or
    the `__init__` parameter the attribute keeps) defaults to `False` and the
    file passes only `False` or `args.<dest>` of an `argparse` `store_true`
    switch (off unless the user passes it). This is the opt-in below with the polarity reversed
    (`def load(p, weights_only=True): torch.load(p, weights_only=weights_only)`
    does what `if not weights_only: torch.load(p)` … `else: torch.load(p,
    weights_only=True)` does), so it gets the same rank; until session 11 it
    was medium. Low, with the
    reason in the message, for a load that runs only behind the caller's
    explicit opt-in (`if not trust_checkpoint: raise ...` before it, or
    `if trust_checkpoint:` around it, on a flag parameter that defaults to
    `False` and that no call in the file sets; see MLW101) and for a file
    the same function has just written with `torch.save` at the same path
    expression (a parameter's path too: `torch.save(w, p)` …
    `torch.load(p)`), on a straight line and with no rebinding of the
    path's names or other use of the path in between; and for a load at
    module level (a script, its `__main__` block, a notebook's later cell)
    of a file the same file saved earlier at the same path or constant, on
    a straight line, the message saying where (see MLW101); and for the
    read side of a load-or-build cache (`if os.path.exists(p):
    torch.load(p)` ... `else: torch.save(x, p)`, see MLW101). Test code is
    not lowered for being a test (a test may load a file it did not write),
    but a test's load of bytes that provably come from a test double, or
    the real `torch.load` called in a double's `side_effect` (and the
    `real = torch.load` kept only for it), is low: MLW101's test-double
    ladder.

    A file downloaded from the Hub at a full commit SHA is medium
    (`torch.load(hf_hub_download("org/x", "model.bin", revision="<40 hex>"))`,
    or a name of the same function bound once to that download; see
    MLW101): it cannot be swapped, and what is left is the pinned pickle.
    A download that is pinned by a digest written in the code is ranked as
    a pinned revision is: `load_state_dict_from_url(URL, check_hash=True,
    weights_only=False)` (or `model_zoo.load_url`, or either with
    `weights_only` omitted) is **medium** when the
    file name torch takes the hash from (the `file_name` argument, or else
    the URL's last segment, `name-<hex>.pth`) is a literal or module
    constant and its hex digest has at least 40 digits (160 bits, the
    strength of the full commit SHA that MLW202 accepts as a revision pin):
    the file cannot be swapped, so the risk left is the pinned pickle
    itself, which still runs whatever its author put in it (a reviewer
    should still ask for `weights_only=True`). It stays **high** when the
    name is chosen at run time (`CATALOG[name]`, a parameter: whoever
    supplies the URL supplies the hash) and when the digest is shorter,
    as torchvision-style names are (8 hex digits, 32 bits: a crafted
    pickle can be padded until its SHA-256 matches in seconds), as a short
    SHA is not a revision pin. A checksum compared with `hashlib` in the
    code before a load is not followed (it is usually checked in another
    function, against a digest read from the URL at run time) and keeps
    the load high.

    ## Why is this bad?
    With `weights_only=False`, `torch.load` is `pickle.load`: a checkpoint can
    run arbitrary code when it is loaded. `weights_only=True` restricts the
    unpickler to tensors, primitive types and allow-listed classes.
    Before PyTorch 2.6 the default was `weights_only=False`; code that omits
    the argument is unsafe wherever an older torch may be installed
    (CVE-2025-32434 also showed that `weights_only=True` itself was
    bypassable before 2.6, so pin `torch>=2.6`).

    ## Example
    ```python
    import torch

    state = torch.load("checkpoint.pt", map_location="cpu")
    ```

    ## Use instead
    ```python
    import torch

    state = torch.load("checkpoint.pt", map_location="cpu", weights_only=True)
    ```
    Better still, save and load weights with safetensors.

    ## Fix safety
    The fix adds `weights_only=True` (or turns `False` into `True`). It is
    **unsafe**: a checkpoint that pickles custom classes will then fail to
    load until those classes are allow-listed with
    `torch.serialization.add_safe_globals`. No fix is offered when
    `pickle_module=` is passed.

    ## Version awareness
    An omitted `weights_only` is not reported when the project guarantees
    torch >= 2.6 (every version its requirements, pyproject or lock files
    allow is >= 2.6, or `assume-versions = {torch = "2.6"}` in
    `[tool.mlwarden]`): the default is then `weights_only=True`. Otherwise
    the message names CVE-2025-32434 and the lowest torch the project allows.
    `weights_only=False`, a custom `pickle_module` (which turns the default
    back to `False`) and `**kwargs` that may hold anything are reported
    whatever the version.

    A `pickle_module` that is a class of the file used as a module whose
    `Unpickler` is the project's **restricted unpickler** (`Unpickler =
    RestrictedUnpickler`, or a nested `class Unpickler(RestrictedUnpickler)`:
    a `pickle.Unpickler` subclass whose `find_class` returns only for a
    literal allow-list and raises otherwise, as MLW101 describes) is
    reported **low** with the reason (since session 16): the checkpoint is
    fully unpickled, but only allow-listed globals can be imported. An
    allow-list built at run time, or a `find_class` that falls back to the
    default lookup, keeps the finding as it was.
    `mlwarden check --verbose` prints the versions it assumed.

    ## Options
    Non-literal values: a `weights_only` held in a module-level constant, or
    in a local name whose bindings that reach the call all assign the same
    literal (`wo = True` … `torch.load(p, weights_only=wo)`; a later `wo =
    False` does not reach it), is followed; any other expression (a
    parameter, an attribute, a name that may be `False` on some path) is
    reported, because it may be `False` at run time.

    `**kw` where `kw` is a dict of the same function (since session 12):
    the rule follows what the function puts in it before the call — a dict
    display (`{"weights_only": True}`, `{**opts, "weights_only": True}`),
    `dict(...)` with keywords or a copy, `.copy()`, `a | b`, a conditional
    expression (each branch a path), and changes on the way:
    `kw["weights_only"] = True`, `kw.update(weights_only=True)` or
    `kw.update({...})`, `kw.setdefault(...)`, `kw.pop(...)`, `del kw[...]`.
    A change on a straight line before the call applies to every path; one
    under a condition adds a path. Then, rank by rank:
    - every path sets a true value: not reported;
    - every path sets a true value or a parameter of the function that
      defaults to `True` and that no call in the file sets otherwise
      (`kw = dict(weights_only=weights_only)`): low, as the same parameter
      passed as a keyword (the ladder above);
    - a path sets `False` or a value that is not a literal `True`: high,
      as an explicit `weights_only=False`;
    - a path leaves it unset (`{"weights_only": True} if new_torch else
      {}`): the omitted case on that path, high, not reported when the
      project guarantees torch >= 2.6 (version awareness below);
    - a `**kwargs` (or dict) parameter whose missing key the function
      fills in with a true value before the call
      (`kwargs.setdefault("weights_only", True)`, or `if "weights_only"
      not in kwargs: kwargs["weights_only"] = True`; since session 12b):
      low, with the reason. The load is safe unless a caller passes its own
      `weights_only=False`, and that opt-out is the caller's decision,
      written at the call; the library's default is the safe one. High
      when a call of the function in the same file passes `weights_only`
      with a value that is not a literal `True` (the opt-out is right
      there). A key set outright (`kwargs["weights_only"] = True` on a
      straight line) is every path set: not reported;
    - `**self.attr` where the class keeps in `attr` a copy of a
      class-level dict literal that sets `"weights_only": True`
      (`self._load_args = deepcopy(self.DEFAULT_LOAD_ARGS)`, `dict(...)`,
      `.copy()`, `{**DEFAULTS, **(load_args or {})}`), then at most
      `.update(...)`s it with one `__init__` parameter, and nothing else in
      the file assigns or changes that attribute (since session 15): low,
      with the reason. The library's default is safe; a full unpickle is a
      user's explicit `weights_only=False` in the arguments they pass,
      often from a config file this rule cannot see, which is why it stays
      visible at low rather than dropped (the same ladder as
      `kwargs.setdefault("weights_only", True)` above). A default without
      the key, or with `False`, stays high;
    - anything not followed on some path (a parameter such as `**kwargs`
      left as it came,
      a call's result, `kw.update(other)`, `kw |= other`, the dict handed
      to another function, a change inside a nested function or after the
      call in a loop around it): high, "cannot be verified", as before.
    With several `**` dicts (`torch.load(f, **a, **b)`), one that never
    holds the key drops out; two that may hold it are not followed. Only
    the enclosing function is read; module-level dicts are followed as
    constants (`**CONST`).

    ## References
    - [PyTorch docs: torch.load](https://pytorch.org/docs/stable/generated/torch.load.html)
    - [CVE-2025-32434](https://nvd.nist.gov/vuln/detail/CVE-2025-32434)
    - [CWE-502: Deserialization of Untrusted Data](https://cwe.mitre.org/data/definitions/502.html)
    - [OWASP ML06:2023 AI Supply Chain Attacks](https://owasp.org/www-project-machine-learning-security-top-10/docs/ML06_2023-AI_Supply_Chain_Attacks)
    """

    id = "MLW102"
    name = "torch-load-without-weights-only"
    severity = Severity.HIGH
    cwe = (502,)
    owasp = ("ML06:2023",)
    message = "`torch.load` without `weights_only=True` can run code from the checkpoint; pass `weights_only=True` or load safetensors"
    triggers = frozenset(TARGETS + URL_LOADERS)  # qualified: see engine.trigger_groups

    VALID = [
        Valid("import torch\ntorch.load(p, weights_only=True)"),
        Valid("import torch\nsd = torch.hub.load_state_dict_from_url(url, check_hash=True, weights_only=True)"),
        Valid("import torch\nSAFE = True\ntorch.load(p, weights_only=SAFE)"),
        Valid("import torch\ndef restore(p):\n    strict = True\n    sd = torch.load(p, weights_only=strict)\n    strict = False\n    return sd"),
        Valid("import torch\ntorch.jit.load(p)"),
        Valid("from torch.utils.cpp_extension import load\nload(name='ext', sources=['a.cpp'])"),
        Valid("import torch\ntorch.load(p, **{'weights_only': True})"),
        Valid("import torch\ntorch.load(p)", options={"assume-versions": {"torch": "2.6"}}),
        Valid("import io, torch\nbuf = io.BytesIO()\ntorch.save(model.state_dict(), buf)\nbuf.seek(0)\nstate = torch.load(buf)"),
        Valid("import torch\ndef test_ckpt(tmp_path):\n    torch.save(sd, tmp_path / 'c.pt')\n    assert torch.load(tmp_path / 'c.pt')"),
        Valid("import functools, torch\nload = functools.partial(torch.load, map_location='cpu', weights_only=True)"),
    ]
    INVALID = [
        Invalid(
            "import torch\ntorch.load(p)",
            fixed="import torch\ntorch.load(p, weights_only=True)",
            unsafe_fix=True,
        ),
        Invalid(
            "import torch as t\nt.load(p, weights_only=False)",
            fixed="import torch as t\nt.load(p, weights_only=True)",
            unsafe_fix=True,
        ),
        Invalid("from torch import load\nload(p, map_location='cpu')",
                fixed="from torch import load\nload(p, map_location='cpu', weights_only=True)", unsafe_fix=True),
        Invalid("import torch.serialization\ntorch.serialization.load(f, weights_only=flag)"),
        Invalid("import torch\nimport pickle\ntorch.load(p, pickle_module=pickle)"),
        Invalid("import torch\ntorch.load(p, **load_kwargs)"),
        Invalid("import torch\nUNSAFE = False\ntorch.load(p, weights_only=UNSAFE)"),
        Invalid("import torch\ndef restore(p, legacy):\n    strict = True\n    if legacy:\n        strict = False\n    return torch.load(p, weights_only=strict)"),
        Invalid("import torch\ntorch.load(p)", options={"assume-versions": {"torch": "2.5.1"}},
                fixed="import torch\ntorch.load(p, weights_only=True)", unsafe_fix=True),
        Invalid("import torch\ntorch.load(p, weights_only=False)", options={"assume-versions": {"torch": "2.7"}},
                fixed="import torch\ntorch.load(p, weights_only=True)", unsafe_fix=True),
        Invalid("from functools import partial\nimport torch\nload = partial(torch.load, map_location='cpu')",
                fixed="from functools import partial\nimport torch\nload = partial(torch.load, map_location='cpu', weights_only=True)",
                unsafe_fix=True),
        Invalid("import torch\nstates = [*map(torch.load, paths)]"),
        Invalid("import torch\ndef restore(path):\n    torch.save(sd, path)\n    return torch.load(path)"),
        Invalid(notebook_json("import torch", "state = torch.load(path, weights_only=False)"), filename="example.ipynb"),
        Invalid(
            "from torch.hub import load_state_dict_from_url as fetch\nsd = fetch(URL, check_hash=True, weights_only=False)",
            fixed="from torch.hub import load_state_dict_from_url as fetch\nsd = fetch(URL, check_hash=True, weights_only=True)",
            unsafe_fix=True,
        ),
        Invalid("import torch.utils.model_zoo as mz\nsd = mz.load_url(url, weights_only=trust)"),
        Invalid(
            "from torch.hub import load_state_dict_from_url\nsd = load_state_dict_from_url(url, check_hash=True)",
            fixed="from torch.hub import load_state_dict_from_url\nsd = load_state_dict_from_url(url, check_hash=True, weights_only=True)",
            unsafe_fix=True,
        ),
    ]

    @classmethod
    def site_gate(cls, node, facts, words) -> bool:
        """A piece can hold a finding only where a load is handed over as a
        function or called without ``weights_only=True`` written in the call
        (which the rule never reports, whatever the torch version)."""
        from mlwarden.core.sites import any_site, literal_true

        return any_site(node, facts, TARGETS + URL_LOADERS, lambda call: not literal_true(call, "weights_only"))

    def visit_Call(self, node: libcst.Call) -> None:
        target = self.ctx.call_to(node, TARGETS)
        if not target and self.ctx.call_to(node, URL_LOADERS):
            self._judge_url_loader(node, self.ctx.call_to(node, URL_LOADERS))
            return
        if not target:
            for value, found in passed_references(self.ctx, node, TARGETS):
                if _is_partial(self.ctx, node) and node.args[0].value is value:
                    self._judge(node, f"functools.partial({found})")  # the partial's keywords are the load's
                else:
                    self._reference(value, found)
            return
        # `torch = _import_torch()` in the function binds the module: not a shadow of it
        if self.round_trip(node, target, check_shadow=not self.ctx.bound_to_module_locally(node.func)):
            return
        self._judge(node, target)

    def visit_Assign(self, node: libcst.Assign) -> None:
        found = assigned_reference(self.ctx, node, TARGETS)
        if found:
            self._reference(node.value, found, kept_for=node)

    def _reference(self, value, target: str, kept_for=None) -> None:
        low = torch_minimum(self.config, self.unit)
        if low is not None and low >= _TORCH_SAFE_DEFAULT:
            return
        message = f"`{target}` handed over as a function loads checkpoints without `weights_only=True`, which can run code from them before torch 2.6; wrap it as `partial({target}, weights_only=True)`"
        if kept_for is not None and self.kept_for_double(kept_for):
            self.report(value, message + KEPT_FOR_DOUBLE_NOTE, severity=Severity.LOW)
            return
        self.report(value, message)

    def _judge_url_loader(self, node, target: str) -> None:
        present, value = self.ctx.keyword(node, "weights_only")
        if present is False:
            value = self.ctx.arg(node, 6)  # load_state_dict_from_url(url, model_dir, map_location, progress, check_hash, file_name, weights_only)
            present = value is not None
        if present is None:
            return  # `**kwargs` that may carry `weights_only=True` (and `check_hash`)
        if not present:
            self._judge_omitted_url_loader(node, target)
            return
        if is_truthy(self.ctx.value(value)):
            return
        direct = keyword_arg(node, "weights_only")
        message = f"`{target}(..., weights_only=False)` unpickles arbitrary code from the downloaded checkpoint; use `weights_only=True`"
        severity = None
        digest, pinned = self._hash_pin(node)
        if pinned:
            severity = lower(self.severity)
            message = (
                f"`{target}(..., weights_only=False)` unpickles the downloaded checkpoint; `check_hash=True` and the "
                f"{len(digest)}-hex SHA-256 in its file name, written in the code, pin the file as a commit SHA pins a revision, "
                "so it cannot be swapped, but the pinned pickle still runs whatever its author put in it; use `weights_only=True`"
            )
        elif digest is not None:
            message = (
                f"`{target}(..., weights_only=False)` unpickles arbitrary code from the downloaded checkpoint; `check_hash=True` "
                f"compares it only with the {len(digest)}-hex prefix in its file name, which a crafted file can match; use `weights_only=True`"
            )
        self.report(
            node,
            message,
            severity=severity,
            replace=((direct.value, cst.Name("True")),) if direct is not None and is_truthy(self.ctx.value(value)) is False else None,
            fix_description="set weights_only=True",
        )

    def _judge_omitted_url_loader(self, node, target: str) -> None:
        """``weights_only`` omitted: torch unpickles the download in full (the
        downloaders' default is ``False`` in every torch version). Without a
        hash check, or with one that is provably off, that is MLW206's
        unverified download; with ``check_hash=True`` (or a value that may be
        true) MLW206 is satisfied, so it is reported here, ranked by the same
        pinning ladder as an explicit ``weights_only=False``."""
        check = self.ctx.arg(node, 4, "check_hash")
        if check is None or self._provably_false(node, check):
            return  # MLW206 reports the unverified download that is unpickled
        digest, pinned = self._hash_pin(node)
        severity = None
        if pinned:
            severity = lower(self.severity)
            message = (
                f"`{target}` unpickles the downloaded checkpoint in full (its `weights_only` defaults to `False` in every "
                f"torch version); `check_hash=True` and the {len(digest)}-hex SHA-256 in its file name, written in the code, "
                "pin the file as a commit SHA pins a revision, but the pinned pickle still runs whatever its author put in it; "
                "pass `weights_only=True`"
            )
        elif digest is not None:
            message = (
                f"`{target}` unpickles arbitrary code from the downloaded checkpoint (its `weights_only` defaults to `False` in "
                f"every torch version); `check_hash=True` compares it only with the {len(digest)}-hex prefix in its file name, "
                "which a crafted file can match; pass `weights_only=True`"
            )
        else:
            message = (
                f"`{target}` unpickles arbitrary code from the downloaded checkpoint (its `weights_only` defaults to `False` in "
                "every torch version); the hash `check_hash` compares it with comes from a file name chosen at run time (or "
                "the check may be off), so it does not pin the file; pass `weights_only=True`"
            )
        self.report(
            node,
            message,
            severity=severity,
            replace=((node, add_keyword(node, "weights_only", "True")),),
            fix_description="add weights_only=True",
        )

    def _provably_false(self, node, expr) -> bool:
        """``expr`` is a false literal, module constant, or the false literal
        default of a parameter of the enclosing function (what MLW206 reads
        as "no hash check")."""
        value = self.ctx.value(expr)
        if value is UNKNOWN:
            name, default, _passed = parameter_default(self, node, expr)
            if name is None or default is None:
                return False
            value = default
        return value is not UNKNOWN and not value

    def _hash_pin(self, node) -> Tuple[Optional[str], bool]:
        """``(digest, pinned)`` of a ``check_hash=True`` download whose file
        name is written in the code (a literal or module constant: the
        ``file_name`` argument, or else the URL's last path segment,
        ``name-<hex>.ext``): the hex digits torch compares the file's SHA-256
        with, and whether they pin the file (at least 40 hex digits, the
        strength of the full commit SHA that pins a Hub revision, MLW202).
        ``(None, False)`` without ``check_hash=True``, or when the name (so
        the digest) is chosen at run time: whoever supplies it supplies the
        hash."""
        if is_truthy(self.ctx.value(self.ctx.arg(node, 4, "check_hash"))) is not True:
            return None, False
        name_expr = self.ctx.arg(node, 5, "file_name")
        if name_expr is not None and not (isinstance(name_expr, cst.Name) and name_expr.value == "None"):
            name = self.ctx.value(name_expr)
        else:
            url = self.ctx.value(self.ctx.arg(node, 0, "url"))
            name = url.split("?", 1)[0].split("#", 1)[0].rsplit("/", 1)[-1] if isinstance(url, str) else None
        if not isinstance(name, str):
            return None, False
        found = _TORCH_HASH_RE.search(name)
        if found is None or not found.group(1):
            return None, False
        digest = found.group(1)
        return digest, len(digest) >= PINNED_DIGEST_HEX

    def _judge(self, node, target: str) -> None:
        present, value = self.ctx.keyword(node, "weights_only")
        module_given, module = self.ctx.keyword(node, "pickle_module")
        if module_given and not (present and is_truthy(self.ctx.value(value))):
            reason = restricted_pickle_module(self, module)
            if reason is not None:
                # darts / mergekit style: a module-like class whose Unpickler allow-lists what it loads
                shown = cst.Module([]).code_for_node(module)
                self.report(
                    node,
                    f"`{target}(..., pickle_module={shown})` unpickles the whole checkpoint, but through a restricted unpickler: {reason} "
                    "and raises for any other global; keep the allow-list to data classes, or use `weights_only=True` or safetensors",
                    severity=Severity.LOW,
                )
                return
        if present is None:
            found = keyword_paths(self, node, "weights_only")
            if found is not None and all(kind != "unknown" for kind, _ in found[0]):
                self._judge_paths(node, target, *found)
                return
            merged = _class_default_args(self, node)
            if merged is not None:
                attr, default, param = merged
                # the class's default dict says weights_only=True; the caller's own arguments are merged over it
                self.report_load(
                    node,
                    target,
                    f"`{target}(..., **self.{attr})` is safe unless a caller passes `weights_only=False`: `self.{attr}` starts from the class default `{default}` "
                    f"(`weights_only=True`) and only `__init__`'s `{param}` is merged over it, so a full unpickle is that caller's explicit opt-out "
                    "(where the object is built: often a config file); keep `weights_only=True` in the default",
                    severity=Severity.LOW,
                )
                return
            self.report_load(node, target, f"`{target}` gets its arguments from `**kwargs`, so `weights_only=True` cannot be verified; pass `weights_only=True` explicitly")
            return
        if present:
            resolved = self.ctx.value(value)
            if resolved is UNKNOWN:
                resolved = self.local_value(value)  # `wo = True` … `torch.load(p, weights_only=wo)` in this function
            truth = is_truthy(resolved)
            if truth:
                return
            direct = keyword_arg(node, "weights_only")
            fix = ((direct.value, cst.Name("True")),) if direct is not None else None
            if truth is None:
                name, default, passed = parameter_default(self, node, value)
                if name is not None and default is True and all(isinstance(v, ast.Constant) and v.value is True for v in passed):
                    # `def load(p, weights_only=True): torch.load(p, weights_only=weights_only)`
                    self.report_load(
                        node,
                        target,
                        f"`{target}(..., weights_only={name})` is safe unless a caller passes False: `{name}` defaults to True and no call in this file passes another value, so a full unpickle needs the caller's explicit opt-in (`{name}=False`); keep `weights_only=True` at every call",
                        severity=Severity.LOW,
                    )
                    return
                name, default, passed = init_attribute_default(self, node, value)
                if name is not None and default is True and all(isinstance(v, ast.Constant) and v.value is True for v in passed):
                    # `self.wo = wo` in `__init__(self, wo=True)` … `torch.load(p, weights_only=self.wo)`: the same ladder
                    self.report_load(
                        node,
                        target,
                        f"`{target}(..., weights_only=self.{value.attr.value})` is safe unless a caller passes False: `__init__` keeps it from its parameter `{name}`, which defaults to True, and nothing in this file passes or assigns another value, so a full unpickle needs the caller's explicit opt-in (`{name}=False`); keep `weights_only=True` at every call",
                        severity=Severity.LOW,
                    )
                    return
                if isinstance(value, cst.UnaryOperation) and isinstance(value.operator, cst.Not):
                    # `weights_only=not unsafe` / `not self._unsafe`: the negation of an opt-in flag that defaults to False
                    flag = value.expression
                    off = switches_off(self)
                    for finder in (parameter_default, init_attribute_default):
                        name, default, passed = finder(self, node, flag)
                        if name is not None and default is False and all(_off(v, off) for v in passed):
                            shown = cst.Module([]).code_for_node(flag)
                            self.report_load(
                                node,
                                target,
                                f"`{target}(..., weights_only=not {shown})` is safe unless a caller opts in: `{name}` defaults to False and this file passes only False or a command-line switch that is off by default, so a full unpickle needs the caller's explicit opt-in (`{name}=True`); keep `weights_only=True` at every call",
                                severity=Severity.LOW,
                            )
                            return
                self.report_load(
                    node,
                    target,
                    f"`{target}` with a `weights_only` value that is not a literal `True` may unpickle arbitrary code; pass `weights_only=True`",
                )
            else:
                self.report_load(
                    node,
                    target,
                    f"`{target}(..., weights_only=False)` unpickles arbitrary code from the checkpoint; use `weights_only=True` or safetensors",
                    replace=fix,
                    fix_description="set weights_only=True",
                )
            return
        if self.ctx.keyword(node, "pickle_module")[0]:
            self.report(node, f"`{target}` with a custom `pickle_module` and no `weights_only=True` can run code from the checkpoint; pass `weights_only=True` or load safetensors")
            return
        low = torch_minimum(self.config, self.unit)
        if low is not None and low >= _TORCH_SAFE_DEFAULT:
            return  # torch >= 2.6 guaranteed: weights_only defaults to True
        allows = f"this project allows torch {low}" if low is not None else "no torch>=2.6 pin was found"
        self.report_load(
            node,
            target,
            f"`{target}` without `weights_only=True` can run code from the checkpoint: before torch 2.6 the default is `False` and `weights_only` can be bypassed (CVE-2025-32434), and {allows}; pass `weights_only=True` and require torch>=2.6",
            replace=((node, add_keyword(node, "weights_only", "True")),),
            fix_description="add weights_only=True",
        )


    def _judge_paths(self, node, target: str, paths, holder: str) -> None:
        """``torch.load(f, **kw)`` where ``kw`` is a dict of this function
        whose ``weights_only`` is known on every path (``_kwdict``): safe when
        every path sets a true value; a path that sets another value is an
        explicit opt-out; a path that leaves it unset is an omitted
        ``weights_only`` (version-aware)."""
        unsafe = False
        opt_out = None  # a parameter that defaults to True and that no call in the file sets otherwise
        filled = False  # `kwargs.setdefault("weights_only", True)`: True unless the caller passes its own
        for kind, value in paths:
            if kind not in ("set", "default"):
                continue
            resolved = self.ctx.value(value)
            if resolved is UNKNOWN:
                resolved = self.local_value(value)
            truth = is_truthy(resolved)
            if truth and kind == "default":
                filled = True
                continue
            if truth:
                continue
            if truth is None and kind == "set":
                name, default, passed = parameter_default(self, node, value)
                if name is not None and default is True and all(isinstance(v, ast.Constant) and v.value is True for v in passed):
                    opt_out = name
                    continue
            unsafe = True
        unset = any(kind == "unset" for kind, _ in paths)
        if filled and not unsafe and not unset:
            passed = caller_keyword_values(self, node, "weights_only")
            chosen = [v for v in (passed or ()) if not (isinstance(v, ast.Constant) and v.value is True)]
            if passed is None or chosen:
                # a call in this file passes its own `weights_only` that is not True: the opt-out is visible here
                self.report_load(
                    node,
                    target,
                    f"`{target}(..., **{holder})` fills in `weights_only=True` only when the caller passes none, and a call of this function in this file passes `weights_only` with a value that is not a literal `True`, which unpickles arbitrary code; pass `weights_only=True` at every call",
                )
                return
            # the library's default is safe; a full unpickle needs a caller's explicit `weights_only=False`
            self.report_load(
                node,
                target,
                f"`{target}(..., **{holder})` is safe unless a caller passes `weights_only=False`: the function fills in `weights_only=True` when the caller's `{holder}` has none, and no call in this file passes another value, so a full unpickle is the caller's explicit opt-out (that call is where to look); keep `weights_only=True` as the default",
                severity=Severity.LOW,
            )
            return
        if not unsafe and not unset and opt_out is None:
            return  # `weights_only=True` on every path that reaches the call
        if not unsafe and not unset:
            self.report_load(
                node,
                target,
                f"`{target}(..., **{holder})` gets `weights_only={opt_out}` from the local dict `{holder}`, which is safe unless a caller passes False: `{opt_out}` defaults to True and no call in this file passes another value, so a full unpickle needs the caller's explicit opt-in (`{opt_out}=False`); keep `weights_only=True` at every call",
                severity=Severity.LOW,
            )
            return
        if unsafe:
            self.report_load(
                node,
                target,
                f"`{target}(..., **{holder})` gets `weights_only` from the local dict `{holder}`, which holds `False` or a value that is not a literal `True` on some path; set `weights_only=True` on every path",
            )
            return
        low = torch_minimum(self.config, self.unit)
        if low is not None and low >= _TORCH_SAFE_DEFAULT:
            return  # the unset paths use torch's default, True from 2.6 on
        allows = f"this project allows torch {low}" if low is not None else "no torch>=2.6 pin was found"
        self.report_load(
            node,
            target,
            f"`{target}(..., **{holder})` gets `weights_only=True` from the local dict `{holder}` on some paths only; on the others `weights_only` is omitted, whose default before torch 2.6 is `False` (CVE-2025-32434), and {allows}; set it on every path and require torch>=2.6",
        )


#: copies of a dict: ``deepcopy(D)``, ``copy.deepcopy(D)``, ``copy(D)``, ``dict(D)``
_COPIES = frozenset({"deepcopy", "copy", "dict"})


def _class_default_args(rule: Any, call: Any) -> Optional[Tuple[str, str, str]]:
    """(attribute, default dict's name, the parameter merged over it) when
    ``call``'s only ``**`` argument is ``self.attr`` and the enclosing class
    keeps in ``attr`` a copy of a class-level dict literal that sets
    ``"weights_only": True`` (``self._load_args = deepcopy(self.DEFAULT_LOAD_ARGS)``,
    ``dict(...)``, ``D.copy()``, ``{**D}``) and then at most updates it with
    one ``__init__`` parameter (``if load_args is not None:
    self._load_args.update(load_args)``, ``{**D, **(load_args or {})}``);
    nothing else in the file may assign or change an attribute of that
    name. Read with ``ast`` from the unit's whole source (the same answer
    on the engine's fast path and on the full parse); None otherwise."""
    stars = [a for a in call.args if a.star == "**"]
    if len(stars) != 1:
        return None
    value = stars[0].value
    if not (isinstance(value, cst.Attribute) and isinstance(value.value, cst.Name) and value.value.value == "self"):
        return None
    attr = value.attr.value
    query = rule._rt_query(call)
    cls = getattr(query, "cls", None) if query is not None else None
    source = getattr(getattr(getattr(rule, "unit", None), "code", None), "source", None)
    if cls is None or not isinstance(source, str):
        return None
    try:
        return _class_default_in(source, cls.name.value, attr)
    except RecursionError:
        raise
    except Exception:  # noqa: BLE001 - no answer: judged as before
        return None


def _class_default_in(source: str, class_name: str, attr: str) -> Optional[Tuple[str, str, str]]:
    from mlwarden.core.values import _parsed

    tree = _parsed(source)
    classes = [n for n in ast.walk(tree) if isinstance(n, ast.ClassDef) and n.name == class_name]
    if len(classes) != 1:
        return None
    cls = classes[0]
    defaults = {}
    for stmt in cls.body:
        target = stmt.targets[0] if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 else stmt.target if isinstance(stmt, ast.AnnAssign) else None
        if isinstance(target, ast.Name) and isinstance(getattr(stmt, "value", None), ast.Dict):
            defaults[target.id] = stmt.value
    init = next((n for n in cls.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.name == "__init__"), None)
    if init is None or not defaults:
        return None
    params = {a.arg for a in (*init.args.posonlyargs, *init.args.args, *init.args.kwonlyargs)}

    def default_of(node: ast.AST) -> Optional[str]:
        # self.D / ClassName.D / D, a class-level dict literal
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in ("self", class_name) and node.attr in defaults:
            return node.attr
        return None

    def copied(node: ast.AST) -> Tuple[Optional[str], Optional[str]]:
        """(default dict, merged parameter or None) of the value kept in the attribute."""
        if isinstance(node, ast.Call) and len(node.args) == 1 and not node.keywords:
            func = node.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "copy" else None
            if name in _COPIES:
                return default_of(node.args[0]), None
        if isinstance(node, ast.Call) and not node.args and not node.keywords and isinstance(node.func, ast.Attribute) and node.func.attr == "copy":
            return default_of(node.func.value), None
        if isinstance(node, ast.Dict) and node.keys and all(k is None for k in node.keys) and 1 <= len(node.values) <= 2:
            first = default_of(node.values[0])
            if len(node.values) == 1:
                return first, None
            second = node.values[1]
            if isinstance(second, ast.BoolOp) and isinstance(second.op, ast.Or) and len(second.values) == 2 and isinstance(second.values[1], ast.Dict) and not second.values[1].keys:
                second = second.values[0]
            if isinstance(second, ast.Name) and second.id in params:
                return first, second.id
        return None, None

    kept = None
    merged: Optional[str] = None
    for node in ast.walk(tree):
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                for part in ast.walk(target):
                    if isinstance(part, ast.Attribute) and part.attr == attr:
                        if kept is not None or not isinstance(node, ast.Assign) or part is not target:
                            return None  # assigned twice, augmented, or an item of it set
                        kept = node
                    elif isinstance(part, ast.Subscript) and isinstance(part.value, ast.Attribute) and part.value.attr == attr:
                        return None  # self.attr["weights_only"] = ...
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Attribute) and node.func.value.attr == attr:
            method = node.func.attr
            if method == "update" and len(node.args) == 1 and not node.keywords and isinstance(node.args[0], ast.Name) and node.args[0].id in params and merged in (None, node.args[0].id):
                merged = node.args[0].id
                continue
            if method in ("get", "copy", "items", "keys", "values"):
                continue
            return None  # setdefault / pop / __setitem__ / update with something else
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "setattr":
            return None
    if kept is None or kept not in ast.walk(init):
        return None
    name, param = copied(kept.value)
    if name is None or (param is not None and merged not in (None, param)):
        return None
    entries = defaults[name]
    flag = next((v for k, v in zip(entries.keys, entries.values) if isinstance(k, ast.Constant) and k.value == "weights_only"), None)
    if not (isinstance(flag, ast.Constant) and flag.value is True) or any(k is None for k in entries.keys):
        return None
    return attr, name, param or merged or "arguments"


def _is_partial(ctx, call) -> bool:
    """``functools.partial(...)``, or a bare ``partial(...)`` that nothing
    else in the file defines (snippets that omit the import)."""
    if ctx.call_to(call, PARTIAL):
        return True
    func = call.func
    return isinstance(func, cst.Name) and func.value == "partial" and not ctx.qualnames(func)


def torch_minimum(config, unit):
    """The lowest torch version the checked file's project allows, or None
    (unknown or no pin). Never raises: a version problem must not hide a
    finding."""
    try:
        from mlwarden.core.versions import project_versions

        return project_versions(config, unit.path).minimum("torch")
    except Exception:
        return None


def _off(value: Any, switches: Any) -> bool:
    """A value passed for an opt-in flag that leaves it off unless the user
    asks: a literal False, or ``args.<dest>`` of a ``store_true`` switch."""
    if isinstance(value, ast.Constant):
        return value.value is False
    return isinstance(value, ast.Attribute) and value.attr in switches
