from __future__ import annotations

from typing import Any, Optional, Tuple

from mlwarden.core.finding import Severity
from mlwarden.core.lazy import cst
from mlwarden.core.rule import CodeRule, Invalid, Valid
from mlwarden.rules._helpers import follow_constant, keyword_arg, root_words, remove_arg

_LOADS = ("yaml.load", "yaml.load_all")
_ALWAYS = ("yaml.unsafe_load", "yaml.unsafe_load_all", "yaml.full_load", "yaml.full_load_all")
TARGETS = _LOADS + _ALWAYS


def _loader_names(*names: str) -> frozenset:
    return frozenset(f"{module}.{name}" for name in names for module in ("yaml", "yaml.loader", "yaml.cyaml"))


SAFE_LOADERS = _loader_names("SafeLoader", "CSafeLoader", "BaseLoader", "CBaseLoader")
UNSAFE_LOADERS = _loader_names("Loader", "UnsafeLoader", "FullLoader", "CLoader", "CUnsafeLoader", "CFullLoader")

SAFE, UNSAFE, UNKNOWN = "safe", "unsafe", "unknown"


class YamlUnsafeLoad(CodeRule):
    """## What it does
    Flags PyYAML loads that can build arbitrary Python objects:

    - `yaml.load` / `yaml.load_all` without a `Loader` (keyword or second
      positional argument), with `Loader=None`, or with `Loader`, `UnsafeLoader`,
      `FullLoader`, `CLoader`, `CUnsafeLoader` or `CFullLoader`;
    - `yaml.unsafe_load`, `yaml.unsafe_load_all`, `yaml.full_load` and
      `yaml.full_load_all`.

    A `Loader` counts as safe when it resolves by qualified name to
    `SafeLoader`, `CSafeLoader`, `BaseLoader` or `CBaseLoader` (through import
    aliases, `try: from yaml import CSafeLoader as L / except ImportError:
    from yaml import SafeLoader as L`, module-level constants,
    `getattr(yaml, "CSafeLoader", yaml.SafeLoader)`, a conditional expression
    whose both branches are safe), or when it is a class
    defined in the same module whose bases are safe loaders.
    `yaml.safe_load`, `yaml.safe_load_all` and `ruamel.yaml` are not flagged.

    ## Why is this bad?
    The full and unsafe loaders honour tags such as
    `!!python/object/apply:os.system`, so loading a config, a model card or a
    dataset manifest written by someone else runs their code. PyYAML before
    5.1 used the unsafe loader by default, and `FullLoader` had bypasses until
    5.4 (CVE-2020-1747, CVE-2020-14343). YAML configs are everywhere in ML
    projects (training configs, Hydra/OmegaConf files, dataset cards) and are
    routinely downloaded with the model.

    ## Example
    ```python
    import yaml

    with open("config.yaml") as f:
        config = yaml.load(f, Loader=yaml.Loader)
    ```

    ## Use instead
    ```python
    import yaml

    with open("config.yaml") as f:
        config = yaml.safe_load(f)
    ```

    ## Options
    Value policy: a `Loader` that cannot be resolved to a known PyYAML loader
    (a parameter, an attribute, a class imported from another module, an
    opaque `**kwargs`) is reported at medium severity with a message saying it
    cannot be verified.

    ## Fix safety
    `yaml.load(x)`, `yaml.load(x, Loader=<unsafe loader>)` and
    `yaml.full_load(x)` become `yaml.safe_load(x)` (`_all` variants likewise),
    keeping the module alias you used (`y.safe_load`). The fix is marked safe:
    documents that only hold plain data load the same way. No fix is offered
    when the function was imported by name (`from yaml import load`), for
    `unsafe_load` (which states an intent) or for an unverifiable `Loader`.

    ## References
    - [PyYAML: yaml.load(input) deprecation](https://github.com/yaml/pyyaml/wiki/PyYAML-yaml.load(input)-Deprecation)
    - [CVE-2017-18342](https://nvd.nist.gov/vuln/detail/CVE-2017-18342)
    - [CVE-2020-14343](https://nvd.nist.gov/vuln/detail/CVE-2020-14343)
    - [CWE-502: Deserialization of Untrusted Data](https://cwe.mitre.org/data/definitions/502.html)
    - [OWASP ML06:2023 AI Supply Chain Attacks](https://owasp.org/www-project-machine-learning-security-top-10/docs/ML06_2023-AI_Supply_Chain_Attacks)
    """

    id = "MLW106"
    name = "yaml-unsafe-load"
    severity = Severity.HIGH
    cwe = (502,)
    owasp = ("ML06:2023",)
    message = "`yaml.load` without a safe `Loader` can construct arbitrary Python objects and run code; use `yaml.safe_load`"
    triggers = root_words(TARGETS)

    VALID = [
        Valid("import yaml\nyaml.safe_load(f)"),
        Valid("import yaml\nyaml.load(f, Loader=yaml.SafeLoader)"),
        Valid("import yaml\nyaml.load(f, yaml.CSafeLoader)"),
        Valid("import yaml as y\nlist(y.load_all(f, Loader=y.BaseLoader))"),
        Valid("from yaml import load, SafeLoader\nload(f, Loader=SafeLoader)"),
        Valid(
            "try:\n    from yaml import CSafeLoader as Loader\nexcept ImportError:\n    from yaml import SafeLoader as Loader\n"
            "import yaml\nyaml.load(f, Loader=Loader)"
        ),
        Valid("import yaml\nyaml.load(f, Loader=getattr(yaml, 'CSafeLoader', yaml.SafeLoader))"),
        Valid("import yaml\nclass ConfigLoader(yaml.SafeLoader):\n    pass\nyaml.load(f, Loader=ConfigLoader)"),
        Valid("import yaml\nLOADER = yaml.SafeLoader\nyaml.load(f, Loader=LOADER)"),
        Valid("import yaml\nyaml.load(f, Loader=yaml.CSafeLoader if fast else yaml.SafeLoader)"),
        Valid("from ruamel.yaml import YAML\nYAML(typ='safe').load(f)"),
        Valid("from ruamel import yaml\nyaml.load(f)"),
        Valid("import json\njson.load(f)"),
    ]
    INVALID = [
        Invalid("import yaml\nyaml.load(f)", fixed="import yaml\nyaml.safe_load(f)"),
        Invalid("import yaml as y\ncfg = y.load(f, Loader=y.Loader)", fixed="import yaml as y\ncfg = y.safe_load(f)"),
        Invalid("import yaml\nyaml.load(f, yaml.FullLoader)", fixed="import yaml\nyaml.safe_load(f)"),
        Invalid("import yaml\ndocs = list(yaml.load_all(f, Loader=yaml.CLoader))", fixed="import yaml\ndocs = list(yaml.safe_load_all(f))"),
        Invalid("import yaml\nyaml.full_load(text)", fixed="import yaml\nyaml.safe_load(text)"),
        Invalid("import yaml\nyaml.unsafe_load(text)"),
        Invalid("from yaml import load\nload(f)"),
        Invalid("from yaml import unsafe_load_all\nunsafe_load_all(f)"),
        Invalid(
            "try:\n    from yaml import CLoader as Loader\nexcept ImportError:\n    from yaml import Loader\n"
            "import yaml\nyaml.load(f, Loader=Loader)",
            fixed="try:\n    from yaml import CLoader as Loader\nexcept ImportError:\n    from yaml import Loader\n"
            "import yaml\nyaml.safe_load(f)",
        ),
        Invalid("import yaml\nclass MyLoader(yaml.FullLoader):\n    pass\nyaml.load(f, Loader=MyLoader)"),
        Invalid("import yaml\nyaml.load(f, Loader=self.loader)"),
        Invalid("import yaml\nyaml.load(f, Loader=yaml.SafeLoader if safe else yaml.UnsafeLoader)"),
        Invalid("import yaml\nyaml.load(f, **opts)"),
        Invalid("import yaml\nyaml.load(f, **{'Loader': yaml.UnsafeLoader})"),
        Invalid("import yaml\nyaml.load(f, Loader=None)", fixed="import yaml\nyaml.safe_load(f)"),
    ]

    # -- loader classification -------------------------------------------
    def _classify(self, expr: Any, depth: int = 0) -> str:
        if expr is None or depth > 8:
            return UNKNOWN
        expr = follow_constant(self.ctx, expr)
        if isinstance(expr, cst.Name) and expr.value == "None":
            return UNSAFE  # same as omitting it (old PyYAML)
        if isinstance(expr, cst.Call):
            return self._classify_getattr(expr, depth)
        if isinstance(expr, cst.IfExp):  # `yaml.CSafeLoader if fast else yaml.SafeLoader`
            verdicts = {self._classify(expr.body, depth + 1), self._classify(expr.orelse, depth + 1)}
            return UNSAFE if UNSAFE in verdicts else SAFE if verdicts == {SAFE} else UNKNOWN
        names = self.ctx.qualnames(expr)
        if names:
            if names <= SAFE_LOADERS:
                return SAFE
            if names & UNSAFE_LOADERS:
                return UNSAFE
            return UNKNOWN
        if isinstance(expr, cst.Name) and expr.value in self.ctx.constants.classes:
            bases = [self._classify(base.value, depth + 1) for base in self.ctx.constants.classes[expr.value].bases]
            if UNSAFE in bases:
                return UNSAFE
            if SAFE in bases:
                return SAFE
        return UNKNOWN

    def _classify_getattr(self, call: Any, depth: int) -> str:
        """``getattr(yaml, "CSafeLoader", yaml.SafeLoader)``."""
        if not (isinstance(call.func, cst.Name) and call.func.value == "getattr" and not self.ctx.qualnames(call.func)):
            return UNKNOWN
        args = [a for a in call.args if a.keyword is None and not a.star]
        if len(args) not in (2, 3) or len(args) != len(call.args) or self.ctx.qualnames(args[0].value) != {"yaml"}:
            return UNKNOWN
        attr = self.ctx.value(args[1].value)
        if not isinstance(attr, str):
            return UNKNOWN
        verdicts = {SAFE if f"yaml.{attr}" in SAFE_LOADERS else UNSAFE if f"yaml.{attr}" in UNSAFE_LOADERS else UNKNOWN}
        if len(args) == 3:
            verdicts.add(self._classify(args[2].value, depth + 1))
        if UNSAFE in verdicts:
            return UNSAFE
        return SAFE if verdicts == {SAFE} else UNKNOWN

    def _loader_arg(self, node: Any) -> Tuple[Optional[bool], Any, Any]:
        """(present, value, the Arg node written in the call or None)."""
        present, value = self.ctx.keyword(node, "Loader")
        if present is None:
            return None, None, None
        if present:
            return True, value, keyword_arg(node, "Loader")
        positional = [a for a in node.args if a.keyword is None and not a.star]
        if any(a.star == "*" for a in node.args):
            return None, None, None
        if len(positional) >= 2:
            return True, positional[1].value, positional[1]
        return False, None, None

    # -- fix ---------------------------------------------------------------
    def _fix(self, node: Any, target: str, loader_arg: Any) -> Optional[Any]:
        func = node.func
        if not isinstance(func, cst.Attribute) or self.ctx.qualnames(func.value) != {"yaml"}:
            return None  # imported by name: renaming would need an import
        new_name = "safe_load_all" if target.endswith("_all") else "safe_load"
        fixed = node.with_changes(func=func.with_changes(attr=cst.Name(new_name)))
        if loader_arg is not None:
            fixed = remove_arg(fixed, loader_arg)
        return fixed

    def visit_Call(self, node) -> None:
        target = self.ctx.call_to(node, TARGETS)
        if not target:
            return
        short = target.split(".", 1)[1]
        if target in _ALWAYS:
            if short.startswith("unsafe"):
                self.report(node, f"`{target}` constructs arbitrary Python objects and can run code from the document; use `yaml.safe_load`")
                return
            fixed = self._fix(node, target, None)
            self.report(
                node,
                f"`{target}` builds Python objects and its loader has had code-execution bypasses; use `yaml.safe_load`",
                replace=((node, fixed),) if fixed is not None else None,
                fix_safe=True,
                fix_description=f"use yaml.safe_load{'_all' if short.endswith('_all') else ''}",
            )
            return
        present, value, loader_arg = self._loader_arg(node)
        if present is None:
            self.report(
                node,
                f"`{target}` takes its arguments from `*args`/`**kwargs`, so a safe `Loader` cannot be verified; use `yaml.safe_load` or pass `Loader=yaml.SafeLoader`",
                severity=Severity.MEDIUM,
            )
            return
        verdict = self._classify(value) if present else UNSAFE
        if verdict == SAFE:
            return
        if verdict == UNKNOWN:
            self.report(
                node,
                f"`{target}` with a `Loader` that cannot be verified as safe may construct arbitrary Python objects; use `yaml.safe_load` or `Loader=yaml.SafeLoader`",
                severity=Severity.MEDIUM,
            )
            return
        # a Loader hidden in a `**{...}` literal: renaming alone would break the call
        fixed = self._fix(node, target, loader_arg) if not present or loader_arg is not None else None
        what = f"`{target}` without a safe `Loader`" if not present or loader_arg is None else f"`{target}` with an unsafe `Loader`"
        self.report(
            node,
            f"{what} can construct arbitrary Python objects and run code; use `yaml.safe_load`",
            replace=((node, fixed),) if fixed is not None else None,
            fix_safe=True,
            fix_description=f"use yaml.{'safe_load_all' if short.endswith('_all') else 'safe_load'}",
        )
