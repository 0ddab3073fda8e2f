"""Cheap qualified-name and value resolution over a libcst module.

libcst's ``QualifiedNameProvider`` needs full scope analysis, which costs about
8x the parse itself on large ML code bases. A module's imports are few, so we
build an import-alias table once per module and resolve attribute chains
against it:

* ``import torch as t; t.load(p)``        -> ``torch.load``
* ``from torch import load as L; L(p)``   -> ``torch.load``
* ``import torch.serialization``          -> ``torch.serialization.load``
* ``from tensorflow import keras``        -> ``keras.models.load_model``
  (``tensorflow.keras``/``tf_keras`` are canonicalised to ``keras``)

The table is flow-insensitive: an import anywhere in the module (in a function,
in a ``try``) counts. A name that is re-bound by assignment after being
imported keeps its import meaning; this is the documented trade-off for speed.

Values: :func:`Context.value` evaluates literals and follows simple
module-level constants (``NAME = <literal>`` assigned exactly once at the top
level). Anything else is :data:`UNKNOWN`; each rule documents its policy for
unknown values.
"""

from __future__ import annotations

from typing import Dict, FrozenSet, Iterable, List, Optional, Set, Tuple, Union

import libcst as cst

from mlwarden.core.values import UNKNOWN, is_truthy  # noqa: F401  (re-exported)

# Module prefixes that are the same API under another import path.
_CANONICAL_PREFIXES: Tuple[Tuple[str, str], ...] = (
    ("tensorflow.keras.", "keras."),
    ("tensorflow.python.keras.", "keras."),
    ("tf_keras.", "keras."),
    ("keras.src.", "keras."),
    ("_pickle.", "pickle."),
    ("cPickle.", "pickle."),
    ("pickle5.", "pickle."),
    ("sklearn.externals.joblib.", "joblib."),
    ("torch.distributed.distributed_c10d.", "torch.distributed."),
)


def canonical(name: str) -> str:
    """Map equivalent import paths onto one spelling (see module docs)."""
    for prefix, repl in _CANONICAL_PREFIXES:
        if name.startswith(prefix):
            return repl + name[len(prefix):]
        if name == prefix[:-1]:
            return repl[:-1]
    return name


def dotted(expr: cst.BaseExpression) -> Optional[List[str]]:
    """``a.b.c`` -> ["a", "b", "c"]; None for anything that is not a plain chain."""
    parts: List[str] = []
    while isinstance(expr, cst.Attribute):
        parts.append(expr.attr.value)
        expr = expr.value
    if isinstance(expr, cst.Name):
        parts.append(expr.value)
        parts.reverse()
        return parts
    return None


def _attr_chain_text(node: Union[cst.Attribute, cst.Name]) -> str:
    parts = dotted(node)
    return ".".join(parts) if parts else ""


class ImportTable:
    """Local binding -> qualified name, collected from every import statement."""

    def __init__(self) -> None:
        self.aliases: Dict[str, Set[str]] = {}
        self.star_modules: List[str] = []

    def add(self, local: str, qualified: str) -> None:
        self.aliases.setdefault(local, set()).add(canonical(qualified))

    @classmethod
    def from_module(cls, module: cst.Module) -> "ImportTable":
        table = cls()
        collector = _ImportCollector(table)
        module.visit(collector)
        return table

    def resolve_parts(self, parts: List[str]) -> FrozenSet[str]:
        head, rest = parts[0], parts[1:]
        bound = self.aliases.get(head)
        if bound:
            return frozenset(canonical(".".join([q, *rest])) for q in bound)
        if self.star_modules:
            return frozenset(canonical(".".join([m, *parts])) for m in self.star_modules)
        return frozenset()


class _ImportCollector(cst.CSTVisitor):
    def __init__(self, table: ImportTable) -> None:
        super().__init__()
        self.table = table

    def visit_Import(self, node: cst.Import) -> bool:
        for alias in node.names:
            full = _attr_chain_text(alias.name)
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                self.table.add(alias.asname.name.value, full)
            else:
                # `import a.b.c` binds `a`; `a.b.c.x` then resolves through it
                first = full.split(".")[0]
                self.table.add(first, first)
        return False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        if node.relative or node.module is None:
            return False
        module = _attr_chain_text(node.module)
        if isinstance(node.names, cst.ImportStar):
            self.table.star_modules.append(canonical(module))
            return False
        for alias in node.names:
            name = _attr_chain_text(alias.name)
            local = name
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                local = alias.asname.name.value
            self.table.add(local, f"{module}.{name}")
        return False

    # imports never live inside expressions; skip the bulk of the tree quickly
    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> bool:
        return any(isinstance(s, (cst.Import, cst.ImportFrom)) for s in node.body)


class Constants:
    """Module-level ``NAME = <expr>`` assigned exactly once (also annotated)."""

    def __init__(self, module: cst.Module) -> None:
        seen: Dict[str, Optional[cst.BaseExpression]] = {}
        self.classes: Dict[str, cst.ClassDef] = {}
        for stmt in module.body:
            if isinstance(stmt, cst.SimpleStatementLine):
                for small in stmt.body:
                    targets: List[cst.BaseExpression] = []
                    value: Optional[cst.BaseExpression] = None
                    if isinstance(small, cst.Assign):
                        targets = [t.target for t in small.targets]
                        value = small.value
                    elif isinstance(small, cst.AnnAssign) and small.value is not None:
                        targets = [small.target]
                        value = small.value
                    elif isinstance(small, cst.AugAssign):
                        targets = [small.target]
                        value = None
                    for target in targets:
                        if isinstance(target, cst.Name):
                            name = target.value
                            seen[name] = None if name in seen else value
            elif isinstance(stmt, cst.ClassDef):
                self.classes[stmt.name.value] = stmt
        self.values: Dict[str, cst.BaseExpression] = {k: v for k, v in seen.items() if v is not None}


class Context:
    """Per-module facts shared by every code rule: imports and constants."""

    def __init__(self, module: cst.Module) -> None:
        self.module = module
        self.imports = ImportTable.from_module(module)
        self.constants = Constants(module)

    # -- names -----------------------------------------------------------
    def qualnames(self, expr: cst.BaseExpression) -> FrozenSet[str]:
        """Every qualified name ``expr`` may refer to (empty if not an import)."""
        parts = dotted(expr)
        if not parts:
            return frozenset()
        return self.imports.resolve_parts(parts)

    def call_to(self, node: cst.Call, targets: Iterable[str]) -> Optional[str]:
        """The first of ``targets`` that ``node`` calls, or None."""
        names = self.qualnames(node.func)
        if not names:
            return None
        for target in targets:
            if target in names:
                return target
        return None

    # -- values ----------------------------------------------------------
    def value(self, expr: Optional[cst.BaseExpression], _depth: int = 0) -> object:
        """Python value of a literal expression, following module constants."""
        if expr is None or _depth > 8:
            return UNKNOWN
        if isinstance(expr, cst.Name):
            if expr.value in ("True", "False", "None"):
                return {"True": True, "False": False, "None": None}[expr.value]
            bound = self.constants.values.get(expr.value)
            if bound is not None and expr.value not in self.imports.aliases:
                return self.value(bound, _depth + 1)
            return UNKNOWN
        if isinstance(expr, (cst.Integer, cst.Float)):
            try:
                return expr.evaluated_value
            except Exception:  # pragma: no cover - malformed literal
                return UNKNOWN
        if isinstance(expr, (cst.SimpleString, cst.ConcatenatedString)):
            try:
                value = expr.evaluated_value
            except Exception:
                return UNKNOWN
            return value if value is not None else UNKNOWN
        if isinstance(expr, cst.UnaryOperation):
            inner = self.value(expr.expression, _depth + 1)
            if inner is UNKNOWN:
                return UNKNOWN
            if isinstance(expr.operator, cst.Not):
                return not inner
            if isinstance(expr.operator, cst.Minus) and isinstance(inner, (int, float)):
                return -inner
            return UNKNOWN
        if isinstance(expr, cst.Dict):
            out = {}
            for element in expr.elements:
                if not isinstance(element, cst.DictElement):
                    return UNKNOWN
                key = self.value(element.key, _depth + 1)
                if key is UNKNOWN or not isinstance(key, (str, int, bool)):
                    return UNKNOWN
                out[key] = element.value  # values stay nodes: rules evaluate what they need
            return out
        if isinstance(expr, cst.Call):
            # dict(a=1, b=True) literal
            if self.qualnames(expr.func) == frozenset() and isinstance(expr.func, cst.Name) and expr.func.value == "dict":
                out = {}
                for arg in expr.args:
                    if arg.keyword is None:
                        return UNKNOWN
                    out[arg.keyword.value] = arg.value
                return out
        return UNKNOWN

    def keyword(self, call: cst.Call, name: str) -> Tuple[bool, Optional[cst.BaseExpression]]:
        """Find keyword ``name`` in a call, looking inside ``**{...}`` literals
        and ``**CONST`` dict constants too.

        Returns ``(present, value_node)``. ``present`` is None-like (False)
        when absent; if the call has a ``**`` argument we cannot see into, the
        answer is ``(None, None)`` — "cannot tell".
        """
        opaque = False
        for arg in call.args:
            if arg.keyword is not None and arg.keyword.value == name:
                return True, arg.value
            if arg.star == "**":
                mapping = self.value(arg.value)
                if isinstance(mapping, dict):
                    if name in mapping:
                        return True, mapping[name]
                else:
                    opaque = True
        if opaque:
            return None, None  # type: ignore[return-value]
        return False, None

    def arg(self, call: cst.Call, position: int, name: Optional[str] = None) -> Optional[cst.BaseExpression]:
        """The argument at ``position`` (positional) or keyword ``name``."""
        if name is not None:
            present, value = self.keyword(call, name)
            if present:
                return value
        index = 0
        for arg in call.args:
            if arg.keyword is not None or arg.star:
                if arg.star == "*":
                    return None  # positions after *args are unknowable
                continue
            if index == position:
                return arg.value
            index += 1
        return None
