from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: libcst is imported when a file needs it
    import libcst

from typing import Any, List, Optional, Tuple

from mlwarden.core.bindings import WELL_KNOWN_NAMES
from mlwarden.core.finding import Severity
from mlwarden.core.lazy import cst
from mlwarden.core.project import project_values
from mlwarden.core.rule import CodeRule, Invalid, Valid
from mlwarden.core.values import UNKNOWN as UNKNOWN_VALUE
from mlwarden.rules._helpers import follow_constant, keyword_arg, notebook_json, remove_arg
from mlwarden.rules._roundtrip import RoundTripAware

_LOADS = ("yaml.load", "yaml.load_all")
_ALWAYS = ("yaml.unsafe_load", "yaml.unsafe_load_all", "yaml.full_load", "yaml.full_load_all")
TARGETS = _LOADS + _ALWAYS


def _loader_names(*names: str) -> frozenset:
    return frozenset(f"{module}.{name}" for name in names for module in ("yaml", "yaml.loader", "yaml.cyaml"))


SAFE_LOADERS = _loader_names("SafeLoader", "CSafeLoader", "BaseLoader", "CBaseLoader")
UNSAFE_LOADERS = _loader_names("Loader", "UnsafeLoader", "CLoader", "CUnsafeLoader")
#: unsafe before PyYAML 5.4 (CVE-2020-1747, CVE-2020-14343); restricted after
FULL_LOADERS = _loader_names("FullLoader", "CFullLoader")
_FULL_SAFE_FROM = "5.4"

SAFE, UNSAFE, FULL, UNKNOWN = "safe", "unsafe", "full", "unknown"

# -- ruamel.yaml ------------------------------------------------------------
#: spellings of ruamel.yaml's import path (``ruamel_yaml`` is conda's, srsly
#: vendors it)
_RUAMEL_PREFIXES = ("ruamel.yaml.main.", "ruamel.yaml.", "ruamel_yaml.main.", "ruamel_yaml.", "srsly.ruamel_yaml.main.", "srsly.ruamel_yaml.")
#: the old module-level API (removed in ruamel.yaml 0.18): load(stream, Loader=None, ...)
#: used UnsafeLoader when no Loader was given
RUAMEL_OLD_LOADS = ("ruamel.yaml.load", "ruamel.yaml.load_all")
RUAMEL_OLD_UNSAFE = ("ruamel.yaml.unsafe_load", "ruamel.yaml.unsafe_load_all")
_RUAMEL_SAFE_LOADERS = frozenset(
    f"ruamel.yaml.{m}{n}"
    for m in ("", "loader.", "cyaml.")
    for n in ("SafeLoader", "CSafeLoader", "BaseLoader", "CBaseLoader", "RoundTripLoader")
)
_RUAMEL_UNSAFE_LOADERS = frozenset(
    f"ruamel.yaml.{m}{n}" for m in ("", "loader.", "cyaml.") for n in ("Loader", "UnsafeLoader", "CLoader", "CUnsafeLoader")
)
RUAMEL_YAML = "ruamel.yaml.YAML"
#: YAML(typ=[...]) picks the first of these found in the list (ruamel's
#: YAML.__init__); only "unsafe" builds the unrestricted Constructor ("full"
#: can only dump, other names are plug-ins)
_TYP_PRECEDENCE = ("rt", "safe", "base", "unsafe", "full", "rtsc")
_RUAMEL_REMOVED_OLD_API = "0.18"


def ruamel_name(name: str) -> str:
    """``srsly.ruamel_yaml.main.YAML`` -> ``ruamel.yaml.YAML``."""
    for prefix in _RUAMEL_PREFIXES:
        if name.startswith(prefix):
            return "ruamel.yaml." + name[len(prefix):]
    return name


def typ_verdict(value: object) -> str:
    """SAFE, UNSAFE or UNKNOWN for a resolved ``typ`` value."""
    if value is None:
        return SAFE  # the round-trip loader
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        return UNKNOWN
    for typ in _TYP_PRECEDENCE:
        if typ in value:
            return UNSAFE if typ == "unsafe" else SAFE
    return UNKNOWN  # a plug-in typ


class YamlUnsafeLoad(RoundTripAware, CodeRule):
    """## What it does
    Flags YAML loads that can build arbitrary Python objects.

    PyYAML:

    - `yaml.load` / `yaml.load_all` without a `Loader` (keyword or second
      positional argument), with `Loader=None`, or with `Loader`,
      `UnsafeLoader`, `CLoader` or `CUnsafeLoader`;
    - `yaml.unsafe_load` and `yaml.unsafe_load_all`;
    - `FullLoader`/`CFullLoader`, `yaml.full_load` and `yaml.full_load_all`:
      high unless the project guarantees PyYAML >= 5.4 (before it they had
      code-execution bypasses); from 5.4 on they are reported at low
      severity, because they still build Python objects of any class that is
      already imported.

    A `Loader` counts as safe when it resolves by qualified name to
    `SafeLoader`, `CSafeLoader`, `BaseLoader` or `CBaseLoader` (through import
    aliases, `try: from yaml import CSafeLoader as L / except ImportError:
    from yaml import SafeLoader as L`, module-level constants,
    `getattr(yaml, "CSafeLoader", yaml.SafeLoader)`, a conditional expression
    whose both branches are safe), or when it is a class
    defined in the same module whose bases are safe loaders.

    In a file that binds them nowhere and star-imports nothing (a snippet, a
    file run with `%run -i`), PyYAML's loader class names and its
    `full_load`/`unsafe_load` functions written bare are taken to be
    PyYAML's, as the `yaml` module name is: `yaml.load(f, SafeLoader)` is
    safe, `unsafe_load(f)` is reported with a note saying what was assumed.

    ruamel.yaml:

    - `.load(...)`/`.load_all(...)` on a `YAML(typ=...)` instance whose loader
      is the unsafe one: `typ="unsafe"`, or a list such as
      `typ=["unsafe", "pure"]` (ruamel picks the first of `rt`, `safe`,
      `base`, `unsafe`, … that the list holds, so `["safe", "unsafe"]` is
      safe); `pure=True` changes nothing. The instance may be created inline
      (`YAML(typ="unsafe").load(f)`), bound to a name in the same function or
      module (rebound: the instances that reach the load decide, the least
      safe of them if several may), or to `self.<attr>`/a class attribute.
      Creating such an
      instance only to dump is not flagged. The default (`rt`), `safe` and
      `base` loaders are safe;
    - the old module-level API of ruamel.yaml < 0.18: `ruamel.yaml.load` /
      `load_all` without a safe `Loader` (their default was `UnsafeLoader`)
      and `ruamel.yaml.unsafe_load`. Not reported when the project guarantees
      ruamel.yaml >= 0.18, which removed them.

    A round trip is not flagged: `yaml.unsafe_load(yaml.dump(cfg))`, a
    document dumped into a variable or buffer a few lines above, JSON text
    from `json.dumps`, or a file the same function just wrote (see MLW101).
    `yaml.safe_load` and `yaml.safe_load_all` are never flagged.

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
    With ruamel.yaml, use `YAML()` (round-trip) or `YAML(typ="safe")`.

    ## Options
    Value policy: a `Loader` (or a ruamel `typ`) that cannot be resolved to a
    known loader (a parameter, an attribute, a class imported from another
    module whose bases cannot be read, an opaque `**kwargs`) is reported at
    medium severity with a message saying it cannot be verified. A class
    imported from another module of the same package (`from .io import
    ConfigLoader`, also through a package's re-export) is judged by the bases
    that module gives it (`class ConfigLoader(yaml.SafeLoader)`), read with
    `ast` and never run; the cached result is dropped when that module changes.

    ## Version awareness
    `FullLoader`/`full_load` are high severity unless every PyYAML the project
    allows is >= 5.4 (`assume-versions = {pyyaml = "6.0"}` or a pin), low
    otherwise. The old ruamel.yaml functions are not reported when every
    ruamel.yaml the project allows is >= 0.18.

    ## Fix safety
    `yaml.load(x)`, `yaml.load(x, Loader=<unsafe loader>)` and
    `yaml.full_load(x)` become `yaml.safe_load(x)` (`_all` variants likewise),
    keeping the module alias you used (`y.safe_load`), and an inline
    `YAML(typ="unsafe").load(x)` becomes `YAML(typ="safe").load(x)`. The fix
    is marked safe: documents that only hold plain data load the same way. No
    fix is offered when the function was imported by name (`from yaml import
    load`), for `unsafe_load` (which states an intent), for an unverifiable
    `Loader`, or for a named ruamel instance (it may also dump Python
    objects).

    ## References
    - [PyYAML: yaml.load(input) deprecation](https://github.com/yaml/pyyaml/wiki/PyYAML-yaml.load(input)-Deprecation)
    - [ruamel.yaml: basic usage and `typ`](https://yaml.dev/doc/ruamel.yaml/basicuse)
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
    # PyYAML's loads, qualified (a file that imports yaml only to safe_load or
    # dump never reaches libcst); `ruamel` and `ruamel_yaml` (conda's and
    # srsly's spelling) are guards: a file importing ruamel.yaml is seen whole,
    # since `y.load(f)` on a YAML instance made elsewhere is reported; the
    # bare full/unsafe loads, which a file that binds them nowhere is assumed
    # to call (core/bindings.WELL_KNOWN_NAMES), hold no `yaml` word
    triggers = frozenset(TARGETS) | frozenset({"ruamel", "ruamel_yaml"}) | frozenset(
        name for name, qual in WELL_KNOWN_NAMES.items() if qual in TARGETS
    )

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
        Valid("from ruamel.yaml import YAML\nyaml = YAML()\ncfg = yaml.load(path)"),
        Valid("from ruamel.yaml import YAML\nparser = YAML(typ='unsafe')\nparser = YAML(typ='safe')\ncfg = parser.load(path)"),
        Valid("from ruamel.yaml import YAML\nYAML(typ=['safe', 'unsafe']).load(f)"),
        Valid("from ruamel.yaml import YAML\nyaml = YAML(typ='unsafe', pure=True)\nyaml.dump(config, out)"),
        Valid("from ruamel import yaml\nyaml.load(f)", options={"assume-versions": {"ruamel.yaml": "0.18.6"}}),
        Valid("import ruamel.yaml\nruamel.yaml.load(f, Loader=ruamel.yaml.RoundTripLoader)"),
        Valid("import json\njson.load(f)"),
        Valid("import yaml\nclone = yaml.unsafe_load(yaml.dump(cfg))"),
        Valid("import yaml\ntext = yaml.dump(cfg)\nsame = yaml.full_load(text)"),
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
        Invalid("import yaml\nyaml.full_load(f)", options={"assume-versions": {"pyyaml": "6.0.1"}}, fixed="import yaml\nyaml.safe_load(f)"),
        Invalid("from yaml import CLoader as Loader, load\nload(stream, Loader)"),
        Invalid("from ruamel.yaml import YAML\ndata = YAML(typ='unsafe', pure=True).load(f)",
                fixed="from ruamel.yaml import YAML\ndata = YAML(typ='safe', pure=True).load(f)"),
        Invalid("from ruamel.yaml import YAML\nyaml = YAML(typ=['unsafe', 'pure'])\nfor doc in yaml.load_all(f):  # error: MLW106\n    pass"),
        Invalid("import ruamel.yaml\nclass Config:\n    _yaml = ruamel.yaml.YAML(typ='unsafe')\n    def read(self, f):\n        return self._yaml.load(f)  # error: MLW106"),
        Invalid("from ruamel import yaml\nyaml.load(f)"),
        Invalid("import ruamel.yaml\nruamel.yaml.load(f, Loader=ruamel.yaml.Loader)"),
        Invalid("import ruamel.yaml as ry\nry.unsafe_load(f)"),
        Invalid("import yaml\ntext = yaml.dump(cfg)\ntext = request.body\nyaml.unsafe_load(text)"),
        Invalid(notebook_json("import yaml", "cfg = yaml.load(open('config.yaml'))"), filename="example.ipynb"),
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
            return _worst(self._classify(expr.body, depth + 1), self._classify(expr.orelse, depth + 1))
        names = self.ctx.qualnames(expr)
        if names:
            names = frozenset(ruamel_name(n) for n in names)
            if names <= SAFE_LOADERS | _RUAMEL_SAFE_LOADERS:
                return SAFE
            if names & (UNSAFE_LOADERS | _RUAMEL_UNSAFE_LOADERS):
                return UNSAFE
            if names & FULL_LOADERS:
                return FULL
            return self._project_class(expr)
        if isinstance(expr, cst.Name) and expr.value in self.ctx.constants.classes:
            bases = [self._classify(base.value, depth + 1) for base in self.ctx.constants.classes[expr.value].bases]
            for verdict in (UNSAFE, FULL, SAFE):
                if verdict in bases:
                    return verdict
        return self._project_class(expr)

    def _project_class(self, expr: Any) -> str:
        """`from .io import NoTagsLoader` where that module of the package
        defines `class NoTagsLoader(yaml.SafeLoader)` (read with ast, never
        run): the verdict of its bases."""
        if not isinstance(expr, cst.Name):
            return UNKNOWN
        imported = project_values(self.unit).class_bases.get(expr.value)
        if imported:
            verdicts = [_base_verdict(base) for base in imported]
            for verdict in (UNSAFE, FULL, SAFE):
                if verdict in verdicts:
                    return verdict
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
        name = f"yaml.{attr}"
        verdict = SAFE if name in SAFE_LOADERS else UNSAFE if name in UNSAFE_LOADERS else FULL if name in FULL_LOADERS else UNKNOWN
        if len(args) == 3:
            verdict = _worst(verdict, self._classify(args[2].value, depth + 1))
        return verdict

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

    # -- versions ------------------------------------------------------------
    def _at_least(self, package: str, version: str) -> bool:
        try:
            from mlwarden.core.versions import project_versions

            return project_versions(self.config, self.unit.path).at_least(package, version)
        except Exception:  # a version problem must never hide a finding
            return False

    def _full_severity(self) -> Tuple[Severity, str]:
        """Severity and message tail for FullLoader/full_load."""
        if self._at_least("pyyaml", _FULL_SAFE_FROM):
            return Severity.LOW, "builds Python objects of already-imported classes; use `yaml.safe_load`"
        return Severity.HIGH, "builds Python objects and had code-execution bypasses before PyYAML 5.4 (CVE-2020-14343); use `yaml.safe_load` and require pyyaml>=5.4"

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

    def visit_Call(self, node: libcst.Call) -> None:
        target = self.ctx.call_to(node, TARGETS)
        if target and not self.shadowed(node):
            self._pyyaml(node, target)
            return
        names = frozenset(ruamel_name(n) for n in self.ctx.qualnames(node.func))
        old = next((n for n in RUAMEL_OLD_LOADS + RUAMEL_OLD_UNSAFE if n in names), None)
        if old:
            self._ruamel_old(node, old)
            return
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value in ("load", "load_all"):
            self._ruamel_instance(node, func)

    # -- PyYAML ----------------------------------------------------------------
    def _pyyaml(self, node: Any, target: str) -> None:
        short = target.split(".", 1)[1]
        if target in _ALWAYS:
            if self.round_trip(node, target):
                return
            if short.startswith("unsafe"):
                self.report(node, f"`{target}` constructs arbitrary Python objects and can run code from the document; use `yaml.safe_load`")
                return
            fixed = self._fix(node, target, None)
            severity, tail = self._full_severity()
            self.report(
                node,
                f"`{target}` {tail}",
                severity=severity,
                replace=((node, fixed),) if fixed is not None else None,
                fix_safe=True,
                fix_description=f"use yaml.safe_load{'_all' if short.endswith('_all') else ''}",
            )
            return
        present, value, loader_arg = self._loader_arg(node)
        if present is None:
            if not self.round_trip(node, target):
                self.report(
                    node,
                    f"`{target}` takes its arguments from `*args`/`**kwargs`, so a safe `Loader` cannot be verified; use `yaml.safe_load` or pass `Loader=yaml.SafeLoader`",
                    severity=Severity.MEDIUM,
                )
            return
        verdict = self._classify(value) if present else UNSAFE
        if verdict == SAFE or self.round_trip(node, target):
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
        fix = dict(
            replace=((node, fixed),) if fixed is not None else None,
            fix_safe=True,
            fix_description=f"use yaml.{'safe_load_all' if short.endswith('_all') else 'safe_load'}",
        )
        if verdict == FULL:
            severity, tail = self._full_severity()
            self.report(node, f"`{target}` with `FullLoader` {tail}", severity=severity, **fix)
            return
        what = f"`{target}` without a safe `Loader`" if not present or loader_arg is None else f"`{target}` with an unsafe `Loader`"
        self.report(node, f"{what} can construct arbitrary Python objects and run code; use `yaml.safe_load`", **fix)

    # -- ruamel.yaml -------------------------------------------------------------
    def _ruamel_old(self, node: Any, target: str) -> None:
        if self._at_least("ruamel.yaml", _RUAMEL_REMOVED_OLD_API) or self.round_trip(node, target.replace("ruamel.", "", 1)):
            return
        if target in RUAMEL_OLD_LOADS:
            present, value, _arg = self._loader_arg(node)
            verdict = UNKNOWN if present is None else self._classify(value) if present else UNSAFE
            if verdict == SAFE:
                return
            if verdict == UNKNOWN:
                self.report(
                    node,
                    f"`{target}` with a `Loader` that cannot be verified as safe may construct arbitrary Python objects; use `YAML(typ='safe').load`",
                    severity=Severity.MEDIUM,
                )
                return
        self.report(
            node,
            f"`{target}` (ruamel.yaml < 0.18) uses the unsafe loader and can run code from the document; use `YAML(typ='safe').load` or the default `YAML().load`",
        )

    def _ruamel_instance(self, node: Any, func: Any) -> None:
        if not any(
            n.split(".", 1)[0] in ("ruamel", "ruamel_yaml", "srsly")
            for names in self.ctx.imports.aliases.values()
            for n in names
        ):
            return  # no ruamel import: not a YAML instance
        verdict, construction = self._ruamel_construction(func.value)
        if verdict in (None, SAFE):
            return
        if self.round_trip(node, "yaml.load", self.ctx.arg(node, 0, "stream"), check_shadow=False):
            return
        if verdict == UNKNOWN:
            self.report(
                node,
                f"`YAML(typ=...).{func.attr.value}` with a `typ` that cannot be verified may use the unsafe loader and run code from the document; use `typ='safe'` or the default",
                severity=Severity.MEDIUM,
            )
            return
        fix = None
        if construction is func.value:  # inline: YAML(typ='unsafe').load(x)
            fixed = self._safe_typ(construction)
            if fixed is not None:
                fix = ((construction, fixed),)
        self.report(
            node,
            f"`YAML(typ='unsafe').{func.attr.value}` constructs arbitrary Python objects and can run code from the document; use `YAML(typ='safe')` or the default round-trip loader",
            replace=fix,
            fix_safe=True,
            fix_description="use typ='safe'",
        )

    def _is_yaml_class(self, call: Any) -> bool:
        return isinstance(call, cst.Call) and any(ruamel_name(n) == RUAMEL_YAML for n in self.ctx.qualnames(call.func))

    def _ruamel_construction(self, receiver: Any) -> Tuple[Optional[str], Any]:
        """(verdict, the ``YAML(...)`` call) for the instance ``receiver``
        when we can see how it was made: inline, a name bound in the
        function (or, unbound there, at module level), ``self.<attr>`` or a
        class attribute; several constructions that reach it: the least safe
        decides.
        (None, None) when it is not (only) a ``YAML`` instance."""
        if self._is_yaml_class(receiver):
            return self._typ_of(receiver), receiver
        values: List[Any] = []
        if isinstance(receiver, cst.Name):
            # an import of the same name is shadowed by the assignment
            # (`import yaml` … `yaml = YAML()`): either way it is judged
            values = self.reaching_values(receiver.value, receiver, skip_imports=True)
        elif isinstance(receiver, cst.Attribute) and isinstance(receiver.value, cst.Name):
            values = self._attr_values(receiver.value.value, receiver.attr.value)
        if not values or not all(self._is_yaml_class(v) for v in values):
            return None, None
        verdicts = [self._typ_of(v) for v in values]
        worst = _worst(*verdicts)
        return worst, values[verdicts.index(worst)]

    def _attr_values(self, owner: str, attr: str) -> List[Any]:
        from mlwarden.rules._roundtrip import analysis_for

        classes = [n for n in self._rt_stack() if isinstance(n, cst.ClassDef)]
        if owner in ("self", "cls") and classes:
            cls = classes[-1]
        else:
            cls = self.ctx.constants.classes.get(owner)
            if cls is None:
                return []
        values: List[Any] = list(analysis_for(self.ctx).class_attrs(cls).get(attr, ()))
        for stmt in cls.body.body:
            if isinstance(stmt, cst.SimpleStatementLine):
                for small in stmt.body:
                    if isinstance(small, cst.Assign) and any(
                        isinstance(t.target, cst.Name) and t.target.value == attr for t in small.targets
                    ):
                        values.append(small.value)
                    elif isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name) and small.target.value == attr and small.value is not None:
                        values.append(small.value)
        return values

    def _typ_of(self, call: Any) -> str:
        typ = self.ctx.arg(call, 99, "typ")
        if typ is None:
            present, _ = self.ctx.keyword(call, "typ")
            return UNKNOWN if present is None else SAFE
        if isinstance(typ, (cst.List, cst.Tuple)):
            values = [self.ctx.value(e.value) if isinstance(e, cst.Element) else UNKNOWN for e in typ.elements]
            return typ_verdict(values) if all(isinstance(v, str) for v in values) else UNKNOWN
        value = self.ctx.value(typ)
        return UNKNOWN if value is UNKNOWN_VALUE else typ_verdict(value)

    def _safe_typ(self, call: Any) -> Optional[Any]:
        arg = keyword_arg(call, "typ")
        if arg is None or not isinstance(arg.value, cst.SimpleString):
            return None
        quote = arg.value.value[-1]
        return call.with_changes(
            args=[a.with_changes(value=cst.SimpleString(f"{quote}safe{quote}")) if a is arg else a for a in call.args]
        )


def _base_verdict(dotted: str) -> str:
    """The verdict for a base class named ``dotted`` in another module."""
    name = ruamel_name(dotted)
    if name in SAFE_LOADERS | _RUAMEL_SAFE_LOADERS:
        return SAFE
    if name in UNSAFE_LOADERS | _RUAMEL_UNSAFE_LOADERS:
        return UNSAFE
    if name in FULL_LOADERS:
        return FULL
    return UNKNOWN


def _worst(*verdicts: str) -> str:
    for verdict in (UNSAFE, FULL, UNKNOWN):
        if verdict in verdicts:
            return verdict
    return SAFE
