"""Qualified names and values for code rules, over a libcst tree.

libcst's ``QualifiedNameProvider`` needs full scope analysis, which costs about
8x the parse itself on large ML code bases. Instead, the module's bindings are
read once from its ``ast`` (:mod:`mlwarden.core.bindings`: imports, every
other way a name is bound, scopes, constants) and attribute chains resolve
against them:

* ``import torch as t; t.load(p)``        -> ``torch.load``
* ``from torch import load as L; L(p)``   -> ``torch.load``
* ``import torch.serialization``          -> ``torch.serialization.load``
* ``from tensorflow import keras``        -> ``keras.models.load_model``
  (``tensorflow.keras``/``tf_keras`` are canonicalised to ``keras``)
* ``load = pickle.load; load(f)``, ``def f(pm=pickle): pm.load(x)`` -> ``pickle.load``

Shadowing is honoured: a local or module-level assignment shadows an import
(``yaml = ruamel.yaml.YAML()`` makes ``yaml.load(...)`` nothing PyYAML's), a
parameter or loop variable does too, and where a name is bound both ways the
resolution is flow-sensitive as far as is sound and cheap (see
:mod:`mlwarden.core.bindings` for the exact rules). A name whose meaning
depends on where it is used is resolved by position, which is computed only
for such names.

Assumed modules: a well-known module name bound nowhere in the file
(``pickle.loads(x)`` in a snippet) resolves to that module
(:data:`mlwarden.core.bindings.WELL_KNOWN_MODULES`). A rule learns it with
:meth:`Context.assumed`; the engine also adds a note to the message of any
finding whose reported code holds such a name, so rules need not.

The API rules use (backward compatible): :meth:`Context.qualnames`,
:meth:`Context.call_to`, :meth:`Context.value`, :meth:`Context.keyword`,
:meth:`Context.arg`, :meth:`Context.assumed`, ``ctx.imports`` (an
:class:`ImportTable`: every import, flow-insensitive), ``ctx.constants``
and ``ctx.module``.

Values: :meth:`Context.value` evaluates literals and follows simple
module-level constants (``NAME = <literal>`` assigned exactly once at the top
level). Anything else is :data:`UNKNOWN`; each rule documents its policy for
unknown values.
"""

from __future__ import annotations

import ast
from typing import Any, Callable, Dict, FrozenSet, Iterable, List, Mapping, Optional, Set, Tuple

import libcst as cst

from mlwarden.core.bindings import ModuleFacts, canonical  # noqa: F401  (canonical re-exported)
from mlwarden.core.values import UNKNOWN, is_truthy  # noqa: F401  (re-exported)


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


def _head(expr: cst.BaseExpression) -> Optional[cst.Name]:
    while isinstance(expr, cst.Attribute):
        expr = expr.value
    return expr if isinstance(expr, cst.Name) else None


class ImportTable:
    """Local binding -> qualified names, from every import statement
    (flow-insensitive; shadowing is :class:`Context`'s business)."""

    def __init__(self, aliases: Optional[Dict[str, Set[str]]] = None, star_modules: Optional[List[str]] = None) -> None:
        self.aliases: Dict[str, Set[str]] = aliases if aliases is not None else {}
        self.star_modules: List[str] = star_modules if star_modules is not None else []

    def add(self, local: str, qualified: str) -> None:
        self.aliases.setdefault(local, set()).add(canonical(qualified))

    @classmethod
    def from_facts(cls, facts: ModuleFacts) -> "ImportTable":
        return cls(facts.imports, facts.star_modules)

    @classmethod
    def from_module(cls, module: cst.Module) -> "ImportTable":
        return cls.from_facts(ModuleFacts.from_ast(ast.parse(module.code)))

    def resolve_parts(self, parts: List[str]) -> FrozenSet[str]:
        head, rest = parts[0], parts[1:]
        bound = self.aliases.get(head)
        if bound:
            return frozenset(canonical(".".join([q, *rest])) for q in bound)
        if self.star_modules:
            return frozenset(canonical(".".join([m, *parts])) for m in self.star_modules)
        return frozenset()


class Constants:
    """Module-level ``NAME = <expr>`` assigned exactly once (also annotated).

    ``names`` (from :class:`~mlwarden.core.bindings.ModuleFacts`) says which
    names are constants in the whole file: the module given may hold only
    part of it (the engine hands libcst only the code rules can fire on).
    ``classes`` maps every module-level class name to its ``ClassDef`` (one
    parsed from its header alone when the class is not in ``module``)."""

    def __init__(self, module: cst.Module, names: Optional[Set[str]] = None, classes: Optional[Mapping[str, Any]] = None) -> None:
        seen: Dict[str, Optional[cst.BaseExpression]] = {}
        found_classes: Dict[str, cst.ClassDef] = {}
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
                found_classes[stmt.name.value] = stmt
        self.values: Dict[str, cst.BaseExpression] = {
            k: v for k, v in seen.items() if v is not None and (names is None or k in names)
        }
        self.classes: Mapping[str, Any] = found_classes if classes is None else _Classes(found_classes, classes)


class _Classes(Mapping):
    """Module-level classes: the ``ClassDef`` in the checked tree, else one
    parsed on first use from ``class Name(bases):`` alone."""

    def __init__(self, present: Dict[str, Any], headers: Mapping[str, Callable[[], Any]]) -> None:
        self._present = present
        self._headers = headers
        self._parsed: Dict[str, Any] = {}

    def __getitem__(self, name: str) -> Any:
        if name in self._present:
            return self._present[name]
        if name not in self._headers:
            raise KeyError(name)
        if name not in self._parsed:
            self._parsed[name] = self._headers[name]()
        return self._parsed[name]

    def __contains__(self, name: object) -> bool:
        return name in self._present or name in self._headers

    def __iter__(self):
        return iter(set(self._present) | set(self._headers))

    def __len__(self) -> int:
        return len(set(self._present) | set(self._headers))


class Context:
    """Per-module facts shared by every code rule: names, imports, constants.

    ``Context(module)`` reads the bindings from the module's own code. The
    engine passes ``facts`` (from the file's ``ast``), ``line_of`` (a node's
    line in the file, for names whose meaning depends on where they are used)
    and ``classes`` when ``module`` holds only part of the file."""

    def __init__(
        self,
        module: cst.Module,
        facts: Optional[ModuleFacts] = None,
        line_of: Optional[Callable[[Any], Optional[int]]] = None,
        classes: Optional[Mapping[str, Callable[[], Any]]] = None,
    ) -> None:
        self.module = module
        if facts is None:
            facts = ModuleFacts.from_ast(ast.parse(module.code))
            line_of = line_of or _lazy_lines(module)
        self.facts = facts
        self._line_of = line_of
        self.imports = ImportTable.from_facts(facts)
        self.constants = Constants(module, facts.constants, classes)
        #: head ``Name`` nodes resolved through an assumed module (see :meth:`assumed`)
        self.assumed_nodes: Dict[int, Tuple[Any, str, str]] = {}

    # -- names -----------------------------------------------------------
    def _resolution(self, expr: cst.BaseExpression, anywhere: bool = False):
        """What ``expr``'s head name stands for where it is used; with
        ``anywhere``, every meaning it has somewhere in the file (a superset,
        known without the node's position)."""
        head = _head(expr)
        if head is None:
            return None
        line = None
        if not anywhere and self._line_of is not None and self.facts.needs_position(head.value):
            line = self._line_of(head)
        return self.facts.resolve(head.value, line)

    def bound_to_module_locally(self, expr: cst.BaseExpression) -> bool:
        """``expr``'s head name is bound in the function scope where it is
        used, and every such binding makes it a module (an import, or an
        alias the engine resolves: ``torch = _import_torch()`` with a
        lazy-import helper of the file, ``yaml = importlib.import_module("yaml")``):
        the local name is the library, not a shadow of it."""
        from mlwarden.core.bindings import OTHER

        head = _head(expr)
        if head is None or self._line_of is None:
            return False
        line = self._line_of(head)
        if line is None:
            return False
        scope = self.facts.scope_at(line)
        while scope is not None and scope.kind not in ("function", "module"):
            scope = scope.parent
        if scope is None or scope.kind != "function":
            return False
        bindings = scope.bindings.get(head.value)
        return bool(bindings) and head.value not in scope.globals and all(b.kind != OTHER and b.qualnames for b in bindings)

    def qualnames(self, expr: cst.BaseExpression, anywhere: bool = False) -> FrozenSet[str]:
        """Every qualified name ``expr`` may refer to (empty if not a module's).
        ``anywhere``: what it may refer to anywhere in the file, a superset
        that needs no position (for a cheap "can this be X at all")."""
        parts = dotted(expr)
        if not parts:
            return frozenset()
        found = self._resolution(expr, anywhere)
        if anywhere:
            return frozenset(canonical(".".join([q, *parts[1:]])) for q in found.qualnames) if found is not None else frozenset()
        if found is None or not found.qualnames:
            return frozenset()
        if found.assumed is not None:
            head = _head(expr)
            self.assumed_nodes[id(head)] = (head, parts[0], found.assumed)
        rest = parts[1:]
        return frozenset(canonical(".".join([q, *rest])) for q in found.qualnames)

    def assumed(self, expr: cst.BaseExpression) -> Optional[str]:
        """The module ``expr``'s head name was assumed to be (``pickle`` for
        ``pickle.loads`` in a file that binds ``pickle`` nowhere), or None
        when it resolves through the file's own bindings."""
        found = self._resolution(expr)
        return found.assumed if found is not None else None

    def call_to(self, node: cst.Call, targets: Iterable[str]) -> Optional[str]:
        """The first of ``targets`` that ``node`` calls, or None."""
        head = _head(node.func)
        if head is not None and self.facts.needs_position(head.value):
            # a name bound differently in places: its position costs a
            # codegen of the module, needed only if some meaning is a target
            targets = tuple(targets)
            anywhere = self.qualnames(node.func, anywhere=True)
            if not any(target in anywhere for target in targets):
                return None
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


def positions_of(module: cst.Module) -> Callable[[Any], Optional[Any]]:
    """``node -> CodeRange`` for nodes of ``module`` (None for others),
    computed on first use: most files never need a position."""
    box: Dict[str, Any] = {}

    def position(node: Any) -> Optional[Any]:
        if "positions" not in box:
            box["positions"] = _positions(module)
        return box["positions"].get(node)

    return position


def _positions(module: cst.Module) -> Any:
    """PositionProvider's ``node -> CodeRange`` map of ``module``: one
    codegen pass. ``MetadataWrapper.resolve`` would also run an empty batched
    visit of the whole tree first (libcst always visits for the batchable
    providers, none here), which costs as much again; the provider is run
    directly, through the wrapper only if libcst's internals move."""
    from libcst.metadata import MetadataWrapper, PositionProvider

    provider = PositionProvider()
    try:
        provider._gen_impl(module)
        return provider._computed
    except AttributeError:  # pragma: no cover - another libcst
        return MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)


def _lazy_lines(module: cst.Module) -> Callable[[Any], Optional[int]]:
    position = positions_of(module)

    def line_of(node: Any) -> Optional[int]:
        found = position(node)
        return found.start.line if found is not None else None

    return line_of
