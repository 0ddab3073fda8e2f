from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: libcst is imported when a file needs it
    import libcst

from typing import Any, Iterator, List, Optional, Tuple

from mlwarden.core.finding import Severity
from mlwarden.core.lazy import cst
from mlwarden.core.rule import CodeRule, Invalid, Valid
from mlwarden.core.values import UNKNOWN, is_truthy
from mlwarden.rules._helpers import follow_constant

NO_WEIGHTS_ONLY = "TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD"
FORCE_WEIGHTS_ONLY = "TORCH_FORCE_WEIGHTS_ONLY_LOAD"
#: what torch.serialization accepts as "set"
_TRUE_VALUES = ("1", "y", "yes", "true")

TORCH_LOADS = ("torch.load", "torch.serialization.load")
SAFE_GLOBALS = ("torch.serialization.add_safe_globals", "torch.serialization.safe_globals")
_ENV_SET = ("os.environ.setdefault", "os.putenv")
_ENV_UNSET = ("os.environ.pop", "os.unsetenv")

_DANGEROUS = frozenset(
    {
        "os.system", "os.popen", "os.posix_spawn", "os.posix_spawnp", "os.startfile", "os.remove", "os.unlink",
        "os.rmdir", "os.removedirs", "os.rename", "os.replace", "os.chmod", "os.kill", "os.fork", "os.putenv",
        "posix.system", "nt.system", "builtins.eval", "builtins.exec", "builtins.compile", "builtins.__import__",
        "builtins.getattr", "builtins.setattr", "builtins.delattr", "builtins.open", "builtins.globals",
        "builtins.breakpoint", "importlib.import_module", "importlib.__import__", "pickle.loads", "pickle.load",
        "marshal.loads", "shutil.rmtree", "shutil.move", "types.FunctionType", "types.CodeType", "code.interact",
        "webbrowser.open", "ctypes.CDLL", "torch.load",
    }
)
_DANGEROUS_PREFIXES = ("subprocess.", "os.exec", "os.spawn", "pty.", "runpy.", "commands.", "socket.")
_BUILTINS = frozenset({"eval", "exec", "compile", "__import__", "getattr", "setattr", "delattr", "open", "globals", "breakpoint"})


def _walk_calls(node: Any) -> Iterator[Any]:
    """Every Call under ``node``, not entering nested functions or classes."""
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, cst.Call):
            yield current
        for child in current.children:
            if not isinstance(child, (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
                stack.append(child)


class WeightsOnlyBypass(CodeRule):
    """## What it does
    Flags code that switches off `torch.load`'s `weights_only` protection for
    a whole process or after a failure:

    - `TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD` set to a true value from code
      (`os.environ[...] = ...`, `os.environ.setdefault`, `os.putenv`, and
      any dict literal or keyword argument that sets it: `os.environ.update`,
      `os.environ |= {...}`, `env={...}` or `env=dict(os.environ, ...)` for a
      subprocess, `mock.patch.dict`), including when the variable name is
      held in a module-level constant;
    - `TORCH_FORCE_WEIGHTS_ONLY_LOAD` set to a false value, deleted or popped
      (it is the operator's way of forcing safe loads);
    - a `try:` that calls `torch.load(..., weights_only=True)` (or without
      `weights_only`) and an `except` handler that retries with
      `weights_only=False` (or without `weights_only` after an explicit
      `True`);
    - `torch.serialization.add_safe_globals([...])` or `safe_globals([...])`
      allow-listing an obviously dangerous callable (`os.system`,
      `subprocess.*`, `eval`, `exec`, `builtins.getattr`, `importlib.import_module`, …).

    ## Why is this bad?
    Since PyTorch 2.6 `torch.load` defaults to `weights_only=True`, which
    refuses pickles that call arbitrary functions. Each pattern above turns
    that off again: the environment variable makes every `torch.load` in the
    process (including those inside libraries) unpickle arbitrary code; the
    `except` fallback loads exactly the malicious files that the safe loader
    rejected; and allow-listing `os.system` lets a checkpoint call it while
    still passing the "weights only" check.

    ## Example
    ```python
    import torch

    try:
        state = torch.load(path, weights_only=True)
    except Exception:
        state = torch.load(path, weights_only=False)
    ```

    ## Use instead
    ```python
    import torch
    from my_project.config import TrainConfig

    torch.serialization.add_safe_globals([TrainConfig])
    state = torch.load(path, weights_only=True)
    ```
    Allow-list the specific classes your checkpoints contain, or re-save old
    checkpoints once (from a trusted source) as plain state dicts or
    safetensors.

    ## Options
    Value policy: `TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD` set to a value that
    cannot be resolved is reported (it may be true); set to a literal that
    torch does not read as true (`"0"`, `""`) it is not.
    `TORCH_FORCE_WEIGHTS_ONLY_LOAD` is reported only for a literal false
    value or a removal. The fallback pattern is reported on the call in the
    `except` handler. `%env` magics and shell lines in notebooks are rule MLW120.

    ## References
    - [PyTorch docs: torch.load and weights_only](https://pytorch.org/docs/stable/notes/serialization.html#weights-only)
    - [CVE-2025-32434](https://nvd.nist.gov/vuln/detail/CVE-2025-32434)
    - [CWE-502: Deserialization of Untrusted Data](https://cwe.mitre.org/data/definitions/502.html)
    - [OWASP ML06:2023 AI Supply Chain Attacks](https://owasp.org/www-project-machine-learning-security-top-10/docs/ML06_2023-AI_Supply_Chain_Attacks)
    """

    id = "MLW107"
    name = "weights-only-bypass"
    severity = Severity.HIGH
    cwe = (502,)
    owasp = ("ML06:2023",)
    message = "`TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD` turns off `torch.load`'s safe unpickler for the whole process; allow-list the classes you need instead"
    triggers = frozenset({NO_WEIGHTS_ONLY, FORCE_WEIGHTS_ONLY, "add_safe_globals", "safe_globals", "weights_only"})

    VALID = [
        Valid("import os\nos.environ['TORCH_FORCE_WEIGHTS_ONLY_LOAD'] = '1'"),
        Valid("import os\nos.environ['TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD'] = '0'"),
        Valid("import os\nflag = os.environ.get('TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD')"),
        Valid("import os\nos.environ['CUDA_VISIBLE_DEVICES'] = '0'"),
        Valid("import torch\ntry:\n    s = torch.load(p, weights_only=True)\nexcept FileNotFoundError:\n    s = None"),
        Valid("import torch\ntry:\n    s = torch.load(p, weights_only=True)\nexcept RuntimeError:\n    s = torch.load(p2, weights_only=True)"),
        Valid("import torch\nfrom m import Config\ntorch.serialization.add_safe_globals([Config])"),
        Valid("import torch, numpy\nwith torch.serialization.safe_globals([numpy.dtype]):\n    torch.load(p, weights_only=True)"),
    ]
    INVALID = [
        Invalid("import os\nos.environ['TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD'] = '1'"),
        Invalid("from os import environ\nKEY = 'TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD'\nenviron[KEY] = 'true'"),
        Invalid("import os\nos.environ.setdefault('TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD', '1')"),
        Invalid("import os\nos.environ.update({'TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD': '1', 'A': 'b'})"),
        Invalid("import os\nos.environ.update(TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD='1')"),
        Invalid("import os\nos.putenv('TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD', value)"),
        Invalid("import os\nos.environ |= {'TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD': '1'}"),
        Invalid("import os, subprocess\nsubprocess.run(cmd, env={**os.environ, 'TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD': '1'})"),
        Invalid("import os, subprocess\nsubprocess.run(cmd, env=dict(os.environ, TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD='1'))"),
        Invalid("import os\nos.environ['TORCH_FORCE_WEIGHTS_ONLY_LOAD'] = '0'"),
        Invalid("import os\nos.environ.pop('TORCH_FORCE_WEIGHTS_ONLY_LOAD', None)"),
        Invalid("import os\ndel os.environ['TORCH_FORCE_WEIGHTS_ONLY_LOAD']"),
        Invalid(
            "import torch\ntry:\n    sd = torch.load(p, weights_only=True)\nexcept Exception:\n"
            "    sd = torch.load(p, weights_only=False)  # error: MLW107\n"
        ),
        Invalid(
            "import torch as t\ntry:\n    sd = t.load(p)\nexcept pickle.UnpicklingError:\n"
            "    print('retrying')\n    sd = t.load(p, map_location='cpu', weights_only=False)  # error: MLW107\n"
        ),
        Invalid(
            "import torch\ntry:\n    sd = torch.load(p, weights_only=True)\nexcept Exception:\n"
            "    sd = torch.load(p)  # error: MLW107\n"
        ),
        Invalid("import os, torch\ntorch.serialization.add_safe_globals([os.system])"),
        Invalid("import torch, subprocess\ntorch.serialization.add_safe_globals([(subprocess.Popen, 'subprocess.Popen')])"),
        Invalid("from torch.serialization import safe_globals\nwith safe_globals([eval]):  # error: MLW107\n    pass"),
    ]

    # -- environment -------------------------------------------------------
    def _env_verdict(self, key_expr: Any, value_expr: Any, *, removal: bool = False) -> Optional[str]:
        key = self.ctx.value(key_expr) if key_expr is not None else UNKNOWN
        if key not in (NO_WEIGHTS_ONLY, FORCE_WEIGHTS_ONLY):
            return None
        if removal:
            return self._message_removed() if key == FORCE_WEIGHTS_ONLY else None
        value = self.ctx.value(value_expr) if value_expr is not None else UNKNOWN
        is_true = None if value is UNKNOWN else str(value).strip().lower() in _TRUE_VALUES
        if key == NO_WEIGHTS_ONLY and is_true is not False:
            return self.message
        if key == FORCE_WEIGHTS_ONLY and is_true is False:
            return self._message_removed()
        return None

    @staticmethod
    def _message_removed() -> str:
        return f"`{FORCE_WEIGHTS_ONLY}` switched off removes the operator's forced safe `torch.load`; leave it as the environment sets it"

    def _is_environ(self, expr: Any) -> bool:
        return "os.environ" in self.ctx.qualnames(expr)

    @classmethod
    def site_gate(cls, node, facts, words) -> bool:
        """A piece can hold a finding only where it names one of the
        environment variables (in its code or through a constant it uses),
        allow-lists globals, or loads with ``torch.load`` in an ``except``
        handler (the retry); a ``weights_only=True`` argument alone is none
        of these."""
        import ast

        from mlwarden.core.sites import sites

        if NO_WEIGHTS_ONLY in words or FORCE_WEIGHTS_ONLY in words:
            return True
        if sites(node, facts, SAFE_GLOBALS):
            return True
        for sub in ast.walk(node):
            if isinstance(sub, ast.ExceptHandler) and any(sites(stmt, facts, TORCH_LOADS) for stmt in sub.body):
                return True
        return False

    def visit_Assign(self, node: libcst.Assign) -> None:
        for target in node.targets:
            sub = target.target
            if isinstance(sub, cst.Subscript) and self._is_environ(sub.value) and len(sub.slice) == 1:
                index = sub.slice[0].slice
                if isinstance(index, cst.Index):
                    message = self._env_verdict(index.value, node.value)
                    if message:
                        self.report(node, message)
                        return

    def visit_Dict(self, node: libcst.Dict) -> None:
        """Any dict literal that sets the variable: `os.environ.update({...})`,
        `os.environ |= {...}`, `env={...}` for a subprocess, `mock.patch.dict`."""
        for element in node.elements:
            if isinstance(element, cst.DictElement):
                message = self._env_verdict(element.key, element.value)
                if message:
                    self.report(element, message)

    def visit_Del(self, node: libcst.Del) -> None:
        targets, stack = [], [node.target]
        while stack:  # `del a, b` / `del (a, [b, c])`: elements hold `.value`
            item = stack.pop()
            if isinstance(item, (cst.Tuple, cst.List)):
                stack.extend(element.value for element in item.elements)
            else:
                targets.append(item)
        for sub in targets:
            if isinstance(sub, cst.Subscript) and self._is_environ(sub.value) and len(sub.slice) == 1:
                index = sub.slice[0].slice
                if isinstance(index, cst.Index) and self._env_verdict(index.value, None, removal=True):
                    self.report(node, self._message_removed())
                    return

    def visit_Call(self, node: libcst.Call) -> None:
        if self.ctx.call_to(node, _ENV_SET):
            message = self._env_verdict(self.ctx.arg(node, 0, "key"), self.ctx.arg(node, 1, "value"))
            if message:
                self.report(node, message)
        elif self.ctx.call_to(node, _ENV_UNSET):
            if self._env_verdict(self.ctx.arg(node, 0, "key"), None, removal=True):
                self.report(node, self._message_removed())
        else:
            target = self.ctx.call_to(node, SAFE_GLOBALS)
            if target:
                self._check_safe_globals(node, target)
        # the variable as a keyword: `os.environ.update(NAME="1")`, `dict(os.environ, NAME="1")`
        for arg in node.args:
            if arg.keyword is not None and arg.keyword.value in (NO_WEIGHTS_ONLY, FORCE_WEIGHTS_ONLY):
                message = self._env_verdict(cst.SimpleString(repr(arg.keyword.value)), arg.value)
                if message:
                    self.report(arg, message)

    # -- add_safe_globals ----------------------------------------------------
    def _dangerous(self, expr: Any) -> Optional[str]:
        expr = follow_constant(self.ctx, expr)
        if isinstance(expr, cst.Tuple) and expr.elements:  # (callable, "name")
            expr = expr.elements[0].value
        names = self.ctx.qualnames(expr)
        for name in sorted(names):
            if name in _DANGEROUS or name.startswith(_DANGEROUS_PREFIXES):
                return name
        if (
            not names
            and isinstance(expr, cst.Name)
            and expr.value in _BUILTINS
            and expr.value not in self.ctx.constants.values
            and expr.value not in self.ctx.constants.classes
        ):
            return expr.value
        return None

    def _check_safe_globals(self, node: Any, target: str) -> None:
        listed = follow_constant(self.ctx, self.ctx.arg(node, 0, "safe_globals"))
        if not isinstance(listed, (cst.List, cst.Tuple, cst.Set)):
            return
        for element in listed.elements:
            if isinstance(element, cst.StarredElement):
                continue
            name = self._dangerous(element.value)
            if name:
                self.report(
                    node,
                    f"`{target}` allow-lists `{name}`, which lets a checkpoint run code under `weights_only=True`; allow-list only your own data classes",
                )
                return

    # -- try / except fallback ---------------------------------------------
    def _weights_only(self, call: Any) -> Optional[str]:
        """"true", "false", "absent", or None (opaque/unknown)."""
        present, value = self.ctx.keyword(call, "weights_only")
        if present is None:
            return None
        if not present:
            return "absent"
        truth = is_truthy(self.ctx.value(value))
        return None if truth is None else ("true" if truth else "false")

    def _torch_loads(self, node: Any) -> List[Tuple[Any, Optional[str]]]:
        return [(call, self._weights_only(call)) for call in _walk_calls(node) if self.ctx.call_to(call, TORCH_LOADS)]

    def visit_Try(self, node: libcst.Try) -> None:
        self._check_try(node)

    def visit_TryStar(self, node: libcst.TryStar) -> None:
        self._check_try(node)

    def _check_try(self, node: Any) -> None:
        if not node.handlers:
            return
        attempts = {state for _, state in self._torch_loads(node.body)}
        if not attempts & {"true", "absent"}:
            return
        for handler in node.handlers:
            for call, state in self._torch_loads(handler.body):
                if state == "false" or (state == "absent" and "true" in attempts):
                    self.report(
                        call,
                        "`torch.load` retried without `weights_only=True` in an `except` handler loads exactly the files the safe loader rejected; allow-list the needed classes instead",
                    )
