"""What every name in a module is bound to, from its ``ast`` (no libcst).

Built once per file that reaches the rules (:meth:`ModuleFacts.from_ast`), and
shared by the gate (:mod:`mlwarden.core.locate`) and by name resolution
(:class:`mlwarden.core.names.Context`), so both agree on every name.

Bindings
    Every way Python binds a name is recorded in the scope it binds in
    (module, function, lambda, class body, comprehension), as one of

    * ``IMPORT``: ``import torch as t``, ``from torch import load``; the
      qualified names it stands for (canonical spellings, see
      :func:`canonical`);
    * ``ALIAS``: an assignment or a parameter default that is a plain dotted
      name resolving to an import (``load = pickle.load``,
      ``def f(pickle_module=pickle)``): the same qualified names;
    * ``OTHER``: anything else (``yaml = ruamel.yaml.YAML()``, a parameter, a
      loop variable, ``def``/``class``, ``with ... as``, ``except ... as``, a
      relative import).

Resolution (:meth:`ModuleFacts.resolve`) follows Python's scoping: the
innermost function scope that binds the name (class bodies are skipped from
inside their methods; ``global``/``nonlocal`` are honoured), then the module.
Within that scope it is flow-sensitive as far as is sound and cheap:

* only imports (or aliases) bind the name there: their qualified names, wherever
  they are (an import in a ``try`` or a function counts, as before);
* only other bindings: the name is not a module there (``yaml = YAML()``
  shadows nothing; nothing to resolve);
* both: the bindings are grouped by the top-level statement of the scope that
  holds them (a ``try``/``if`` with an import in one branch and an assignment
  in the other is one group). A use directly in that scope sees the last group
  before it; a use from a nested function (which runs later) sees the last
  group of the scope. A group with an import keeps the import meaning (the
  ``try: import yaml / except ImportError: yaml = None`` fallback), a group of
  other bindings shadows it (``import yaml`` ... ``yaml = ruamel.yaml.YAML()``).
  A use before any binding sees all of them (conservative).

Assumed modules
    A well-known module name that is bound nowhere in the file (no import,
    no assignment, no parameter; see :data:`WELL_KNOWN_MODULES`) resolves to
    that module: ``pickle.loads(x)`` in a snippet, a file run with
    ``%run -i``, or a notebook whose import cell does not parse. Any binding of
    the name anywhere in the file wins. :meth:`ModuleFacts.resolve` says when a
    resolution was assumed, so a finding can say so.

Constants
    Names assigned exactly once at the top level of the module
    (``NAME = expr``, ``NAME: T = expr``; an augmented assignment disqualifies
    them), the only names :meth:`mlwarden.core.names.Context.value` follows.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import Dict, FrozenSet, Iterable, List, Optional, Set, Tuple

from mlwarden.core.gate import first_line  # noqa: F401  (re-exported)

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
    # vendored copies of cloudpickle: the same loads under the vendor's name
    ("ray.cloudpickle.", "cloudpickle."),
    ("joblib.externals.cloudpickle.", "cloudpickle."),
    ("pyspark.cloudpickle.", "cloudpickle."),
    ("srsly.cloudpickle.", "cloudpickle."),
)


def canonical(name: str) -> str:
    """Map equivalent import paths onto one spelling."""
    for prefix, repl in _CANONICAL_PREFIXES:
        if name.startswith(prefix):
            return repl + name[len(prefix):]
        if name == prefix[:-1]:
            return repl[:-1]
    return name


#: Well-known modules assumed when their name is used but bound nowhere in
#: the file: spelling -> module. Explicit on purpose: only modules whose
#: conventional name nobody uses for anything else.
WELL_KNOWN_MODULES: Dict[str, str] = {
    "pickle": "pickle",
    "cPickle": "pickle",
    "_pickle": "pickle",
    "cloudpickle": "cloudpickle",
    "dill": "dill",
    "joblib": "joblib",
    "jsonpickle": "jsonpickle",
    "marshal": "marshal",
    "shelve": "shelve",
    "torch": "torch",
    "yaml": "yaml",
    "numpy": "numpy",
    "np": "numpy",
    "pandas": "pandas",
    "pd": "pandas",
    "keras": "keras",
    "tensorflow": "tensorflow",
    "tf": "tensorflow",
    "skops": "skops",
}

#: Well-known names of a module's API assumed when used bare but bound nowhere
#: in the file, and the file star-imports nothing (a ``from m import *`` may
#: bind them): name -> qualified name. PyYAML's loader classes and its
#: full/unsafe loads, which snippets and ``%run -i`` files use without the
#: ``from yaml import ...`` that would bind them. Explicit on purpose: names
#: only PyYAML gives these meanings.
WELL_KNOWN_NAMES: Dict[str, str] = {
    **{name: f"yaml.{name}" for name in (
        "SafeLoader", "CSafeLoader", "BaseLoader", "CBaseLoader",
        "FullLoader", "CFullLoader", "UnsafeLoader", "CUnsafeLoader", "Loader", "CLoader",
        "full_load", "full_load_all", "unsafe_load", "unsafe_load_all",
    )},
}


def assumed_meaning(name: str, star_modules: Iterable[str]) -> Optional[str]:
    """What ``name``, bound nowhere in the file, is taken to be: a well-known
    module, or (when nothing is star-imported) a well-known name."""
    found = WELL_KNOWN_MODULES.get(name)
    if found is None and not star_modules:
        found = WELL_KNOWN_NAMES.get(name)
    return found


#: names a project module re-exports as the module itself (``from
#: .utils.lazy import torch``, ``from ..compat import np``): a relative
#: import of one of them, unrenamed and from a named module, is that module.
#: Names projects also give their own modules
#: (``pickle``, ``yaml``, ``pandas`` wrappers) are left out.
REEXPORTED_MODULES: Dict[str, str] = {
    "torch": "torch",
    "tensorflow": "tensorflow",
    "tf": "tensorflow",
    "numpy": "numpy",
    "np": "numpy",
    "joblib": "joblib",
    "dill": "dill",
    "cloudpickle": "cloudpickle",
}

IMPORT, ALIAS, OTHER = "import", "alias", "other"


def _compat_reexport(module: str, name: str) -> Optional[str]:
    """The library an absolute ``from <module> import <name>`` hands on
    when ``module`` is a project's compatibility module for it: ``name`` is
    one of :data:`REEXPORTED_MODULES` and a part of ``module`` is named for
    that library (``mlagents.torch_utils``, ``towhee.utils.thirdparty.
    dill_util``, ``pkg.compat.np_compat``: a ``_``-separated word equal to
    the name or the library). A package that merely has a submodule of that
    name (``from jax import numpy``, ``from keras.src.backend import
    torch``) is not one; neither is the library itself."""
    library = REEXPORTED_MODULES.get(name)
    if library is None or not module:
        return None
    parts = module.split(".")
    if canonical(parts[0]) == library or parts[0] == name:
        return None
    words = {w for part in parts for w in part.lower().split("_")}
    return library if name in words or library in words else None


@dataclass(frozen=True)
class Binding:
    kind: str  # IMPORT, ALIAS or OTHER
    line: int
    #: index of the top-level statement of its scope that holds it (flow groups)
    group: int
    qualnames: FrozenSet[str] = frozenset()
    #: an ALIAS of an assumed well-known module (``def f(pm=pickle)`` with no ``import pickle``)
    assumed: Optional[str] = None


@dataclass
class Scope:
    kind: str  # "module", "function", "class", "comprehension"
    first: int
    last: int
    parent: Optional["Scope"] = None
    bindings: Dict[str, List[Binding]] = field(default_factory=dict)
    globals: Set[str] = field(default_factory=set)
    nonlocals: Set[str] = field(default_factory=set)
    children: List["Scope"] = field(default_factory=list)
    #: first line of each top-level statement of the scope, in order (flow groups)
    group_lines: List[int] = field(default_factory=list)

    def group_at(self, line: int) -> int:
        """The flow group (top-level statement of this scope) holding ``line``."""
        import bisect

        return max(0, bisect.bisect_right(self.group_lines, line) - 1)


@dataclass(frozen=True)
class Resolution:
    qualnames: FrozenSet[str]
    #: the module that was assumed for an unbound well-known name, or None
    assumed: Optional[str] = None


_NONE = Resolution(frozenset())


class ModuleFacts:
    """Imports, bindings, scopes and constants of one module (see the module docs)."""

    def __init__(self) -> None:
        #: local name -> qualified names, from every import statement (flow-insensitive)
        self.imports: Dict[str, Set[str]] = {}
        #: modules imported with ``*``
        self.star_modules: List[str] = []
        #: every module an import statement names (``import a.b``, ``from a.b import c``: ``a.b``)
        self.imported_modules: Set[str] = set()
        #: local name -> (module, name, level) of each relative ``from`` import
        #: (``from .protocol import pickle``: ("protocol", "pickle", 1)); such a
        #: name has no qualified name, but a rule may read the project module
        self.relative_imports: Dict[str, Set[Tuple[str, str, int]]] = {}
        self.module_scope = Scope("module", 1, 1 << 30)
        #: every name bound anywhere, by any means
        self.bound_anywhere: Set[str] = set()
        #: names whose meaning depends on where they are used: an IMPORT or
        #: ALIAS binding somewhere and an OTHER one somewhere, or a re-bound ALIAS
        self.ambiguous: Set[str] = set()
        #: module-level names assigned exactly once (Context.value follows them)
        self.constants: Set[str] = set()
        #: module-level ``class`` statements by name (the last one wins)
        self.classes: Dict[str, ast.ClassDef] = {}
        #: module-level ``def`` statements by name (the last one wins): pytest
        #: fixtures a test's parameters name
        self.functions: Dict[str, ast.AST] = {}
        #: module-level class name -> (first line, first line of its body, last line)
        self.class_ranges: Dict[str, Tuple[int, int, int]] = {}
        #: name -> value expressions of its module-level assignments (for the gate)
        self.module_assignments: Dict[str, List[ast.expr]] = {}
        self._function_scopes: List[Scope] = []
        #: name -> every meaning its bindings give it (set by finish())
        self._meanings: Dict[str, Resolution] = {}

    # -- building --------------------------------------------------------------
    @classmethod
    def from_ast(cls, tree: ast.Module) -> "ModuleFacts":
        """The facts of ``tree``, built once per tree object (a rule's ast
        gate and the engine's plan ask for the same file's)."""
        known = getattr(tree, "_mlwarden_facts", None)
        if isinstance(known, cls):
            return known
        facts = cls()
        _Collector(facts).module(tree)
        facts.finish()
        try:
            tree._mlwarden_facts = facts  # type: ignore[attr-defined]
        except AttributeError:  # pragma: no cover - a tree without a __dict__
            pass
        return facts

    def finish(self) -> None:
        """Derive the per-name summaries once every binding is recorded."""
        facts = self
        everything: Dict[str, List[Tuple[Scope, Binding]]] = {}
        for scope in facts._all_scopes():
            for name, bindings in scope.bindings.items():
                everything.setdefault(name, []).extend((scope, b) for b in bindings)
        facts.bound_anywhere = set(everything)
        facts._meanings = {}
        facts.ambiguous = set()
        for name, pairs in everything.items():
            bindings = [b for _scope, b in pairs]
            meaningful = [b for b in bindings if b.qualnames]
            facts._meanings[name] = Resolution(frozenset(q for b in meaningful for q in b.qualnames), _assumed_of(meaningful))
            kinds = {b.kind for b in bindings}
            varies = (OTHER in kinds and len(kinds) > 1) or (ALIAS in kinds and len(bindings) > 1)
            # within one flow group of one scope every use sees the same bindings
            if varies and len({(id(scope), b.group) for scope, b in pairs}) > 1:
                facts.ambiguous.add(name)
        facts._function_scopes.sort(key=lambda s: (s.first, -s.last))

    def _all_scopes(self) -> Iterable[Scope]:
        stack = [self.module_scope]
        while stack:
            scope = stack.pop()
            yield scope
            stack.extend(scope.children)

    # -- resolving -------------------------------------------------------------
    def needs_position(self, name: str) -> bool:
        """Whether what ``name`` means depends on where it is used."""
        return name in self.ambiguous

    def scope_at(self, line: Optional[int]) -> Scope:
        """The innermost scope whose lines hold ``line`` (the module if None)."""
        if line is None:
            return self.module_scope
        found = self.module_scope
        stack = list(self.module_scope.children)
        while stack:
            scope = stack.pop()
            if scope.first <= line <= scope.last:
                found = scope
                stack = list(scope.children)
        return found

    def resolve(self, name: str, line: Optional[int] = None) -> Resolution:
        """What ``name`` used at ``line`` (1-based, None: unknown) stands for."""
        if name not in self.bound_anywhere:
            star = frozenset(canonical(f"{m}.{name}") for m in self.star_modules)
            assumed = assumed_meaning(name, self.star_modules)
            if assumed is not None:
                return Resolution(star | {assumed}, assumed)
            return Resolution(star) if star else _NONE
        if name not in self.ambiguous or line is None:
            return self._meanings[name]  # one kind of binding, or no position: every meaning it may have
        return self._resolve_in_scopes(name, line)

    def _resolve_in_scopes(self, name: str, line: Optional[int]) -> Resolution:
        scope = self.scope_at(line)
        deferred = False  # the use runs later than the statements of the scope that binds it
        from_function = False
        while scope is not None:
            if scope.kind == "class" and from_function:
                scope = scope.parent
                continue
            if name in scope.globals:
                scope = self.module_scope
                deferred = deferred or from_function
                continue
            bindings = scope.bindings.get(name)
            if bindings and name not in scope.nonlocals:
                return _verdict(scope, bindings, None if deferred else line)
            if scope.kind in ("function", "comprehension"):
                from_function = True  # class bodies are not visible from here
                deferred = deferred or scope.kind == "function"
            scope = scope.parent
        return _NONE


def _assumed_of(bindings: List[Binding]) -> Optional[str]:
    """The assumed module when every binding with a meaning is an alias of it."""
    modules = {b.assumed for b in bindings}
    return modules.pop() if bindings and len(modules) == 1 and None not in modules else None


def _verdict(scope: Scope, bindings: List[Binding], line: Optional[int]) -> Resolution:
    if all(b.kind != OTHER for b in bindings):
        return Resolution(frozenset(q for b in bindings for q in b.qualnames), _assumed_of([b for b in bindings if b.qualnames]))
    if all(b.kind == OTHER for b in bindings):
        return _NONE
    if line is None:
        group = max(b.group for b in bindings)
    else:
        use_group = scope.group_at(line)
        before = [b for b in bindings if b.group < use_group or (b.group == use_group and b.line < line)]
        if not before:  # a use before any binding: every meaning
            return Resolution(frozenset(q for b in bindings for q in b.qualnames))
        group = max(b.group for b in before)
    chosen = [b for b in bindings if b.group == group]
    return Resolution(frozenset(q for b in chosen for q in b.qualnames), _assumed_of([b for b in chosen if b.qualnames]))


#: calls that import the module named by their literal first argument and
#: return it: ``uvicorn = lazy_import("uvicorn")``, ``yaml =
#: importlib.import_module("yaml")`` (``__import__("a.b")`` returns ``a``)
IMPORT_CALLS = frozenset({"import_module", "lazy_import", "import_optional_dependency", "__import__"})


def _imported_by_call(value: ast.expr) -> Optional[str]:
    if not isinstance(value, ast.Call) or not value.args:
        return None
    func = value.func
    name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None
    first = value.args[0]
    if name not in IMPORT_CALLS or not isinstance(first, ast.Constant) or not isinstance(first.value, str):
        return None
    module = first.value
    if not module or module.startswith(".") or not all(part.isidentifier() for part in module.split(".")):
        return None
    if name == "__import__":
        if len(value.args) > 3 or value.keywords:
            return None  # a fromlist returns the submodule: not followed
        module = module.split(".")[0]
    return module


def returned_module(function: ast.FunctionDef) -> Optional[str]:
    """The module a lazy-import helper returns (``def _import_torch(): try:
    import torch … except ImportError: raise …; return torch``): every
    ``return`` returns one name that the function binds only by importing
    one module (``import torch``, ``import torch as th``), nothing else in
    it (a nested body, ``global``, a loop or ``with`` target, ``del``)
    binds that name, and it is no generator. None otherwise."""
    returned: Set[str] = set()
    modules: Set[str] = set()
    stores: List[str] = []
    for node in ast.walk(function):
        if node is function:
            continue
        if isinstance(node, (ast.Yield, ast.YieldFrom, ast.Global, ast.Nonlocal)):
            return None
        if isinstance(node, ast.Return):
            if not isinstance(node.value, ast.Name):
                return None
            returned.add(node.value.id)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            stores.append(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            stores.append(node.name)
        elif isinstance(node, ast.ImportFrom):
            stores.extend(a.asname or a.name for a in node.names)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                local = alias.asname or alias.name.split(".")[0]
                stores.append("\0import:" + local)
                modules.add(canonical(alias.name if alias.asname else alias.name.split(".")[0]) + "\0" + local)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            stores.append(node.name)
    if len(returned) != 1:
        return None
    (name,) = returned
    if name in stores or name in {a.arg for a in ast.walk(function.args) if isinstance(a, ast.arg)}:
        return None
    found = {m.split("\0")[0] for m in modules if m.split("\0")[1] == name}
    return found.pop() if len(found) == 1 else None


def dotted_parts(expr: ast.AST) -> Optional[List[str]]:
    """``a.b.c`` -> ["a", "b", "c"]; None for anything else."""
    parts: List[str] = []
    while isinstance(expr, ast.Attribute):
        parts.append(expr.attr)
        expr = expr.value
    if isinstance(expr, ast.Name):
        parts.append(expr.id)
        parts.reverse()
        return parts
    return None


class _Collector:
    """One walk of the tree that fills a :class:`ModuleFacts`."""

    def __init__(self, facts: ModuleFacts) -> None:
        self.facts = facts
        #: set by _alias_of: the module assumed for the alias it just resolved
        self.last_assumed: Optional[str] = None
        #: module-level ``def`` statements by name (the last one wins), known
        #: before the walk so a helper defined below its callers is read too
        self.module_defs: Dict[str, ast.AST] = {}
        #: id(def) -> the module it returns, or "" (memo of :func:`returned_module`)
        self._returns: Dict[int, str] = {}

    # -- scopes ------------------------------------------------------------------
    def module(self, tree: ast.Module) -> None:
        scope = self.facts.module_scope
        self.module_defs = {s.name: s for s in tree.body if isinstance(s, ast.FunctionDef)}
        self._body(tree.body, scope, top=True)
        self._constants(tree.body)

    def _body(self, body: List[ast.stmt], scope: Scope, top: bool = False) -> None:
        for stmt in body:
            scope.group_lines.append(first_line(stmt))
            self._stmt(stmt, scope, len(scope.group_lines) - 1, top)

    def _new_scope(self, kind: str, node: ast.AST, parent: Scope) -> Scope:
        scope = Scope(kind, first_line(node), getattr(node, "end_lineno", None) or node.lineno, parent)
        parent.children.append(scope)
        if kind != "class":
            self.facts._function_scopes.append(scope)
        return scope

    def _bind(self, scope: Scope, name: str, kind: str, line: int, group: int, qualnames: Iterable[str] = (), assumed: Optional[str] = None) -> None:
        if name in scope.globals and scope is not self.facts.module_scope:
            scope = self.facts.module_scope
            group = scope.group_at(line)
        scope.bindings.setdefault(name, []).append(Binding(kind, line, group, frozenset(qualnames), assumed))

    # -- statements ----------------------------------------------------------------
    def _stmt(self, stmt: ast.stmt, scope: Scope, group: int, top: bool) -> None:
        kind = type(stmt)
        if kind is ast.Import:
            for alias in stmt.names:
                self.facts.imported_modules.add(alias.name)
                if alias.asname:
                    local, qual = alias.asname, alias.name
                else:
                    local = qual = alias.name.split(".")[0]
                self.facts.imports.setdefault(local, set()).add(canonical(qual))
                self._bind(scope, local, IMPORT, stmt.lineno, group, {canonical(qual)})
            return
        if kind is ast.ImportFrom:
            module = stmt.module or ""
            if module and not stmt.level:
                self.facts.imported_modules.add(module)
            for alias in stmt.names:
                if alias.name == "*":
                    if not stmt.level and module:
                        self.facts.star_modules.append(canonical(module))
                    continue
                local = alias.asname or alias.name
                if stmt.level or not module:  # relative: binds a name we cannot resolve
                    if stmt.level:
                        self.facts.relative_imports.setdefault(local, set()).add((module or "", alias.name, stmt.level))
                    reexported = REEXPORTED_MODULES.get(alias.name) if stmt.level and module and alias.asname is None else None
                    if reexported is not None:
                        # `from .compat import torch`: the project hands on the module (a lazy or optional import)
                        self._bind(scope, local, ALIAS, stmt.lineno, group, {reexported})
                    else:
                        self._bind(scope, local, OTHER, stmt.lineno, group)
                    continue
                qual = canonical(f"{module}.{alias.name}")
                quals = {qual}
                reexported = _compat_reexport(module, alias.name)
                if reexported is not None:
                    # `from mlagents.torch_utils import torch`: a compat module named for the library hands it on
                    quals.add(reexported)
                    self.facts.imported_modules.add(reexported)
                self.facts.imports.setdefault(local, set()).update(quals)
                self._bind(scope, local, IMPORT, stmt.lineno, group, quals)
            return
        if kind in (ast.FunctionDef, ast.AsyncFunctionDef):
            for decorator in stmt.decorator_list:
                self._expr(decorator, scope, group)
            self._arguments_outside(stmt.args, scope, group)
            if stmt.returns is not None:
                self._expr(stmt.returns, scope, group)
            self._bind(scope, stmt.name, OTHER, stmt.lineno, group)
            if top:
                self.facts.functions[stmt.name] = stmt
            inner = self._new_scope("function", stmt, scope)
            self._parameters(stmt.args, inner, scope, group)
            self._body(stmt.body, inner)
            return
        if kind is ast.ClassDef:
            for node in (*stmt.decorator_list, *stmt.bases, *(k.value for k in stmt.keywords)):
                self._expr(node, scope, group)
            self._bind(scope, stmt.name, OTHER, stmt.lineno, group)
            if top:
                self.facts.classes[stmt.name] = stmt
                body_first = first_line(stmt.body[0]) if stmt.body else stmt.lineno + 1
                self.facts.class_ranges[stmt.name] = (first_line(stmt), body_first, stmt.end_lineno or stmt.lineno)
            self._body(stmt.body, self._new_scope("class", stmt, scope))
            return
        if kind is ast.Global:
            scope.globals.update(stmt.names)
            return
        if kind is ast.Nonlocal:
            scope.nonlocals.update(stmt.names)
            return
        if kind is ast.Assign:
            self._expr(stmt.value, scope, group)
            for target in stmt.targets:
                self._target(target, scope, group, stmt.value if len(stmt.targets) == 1 else None)
            if scope is self.facts.module_scope:
                for target in stmt.targets:
                    if isinstance(target, ast.Name):
                        self.facts.module_assignments.setdefault(target.id, []).append(stmt.value)
            return
        if kind is ast.AnnAssign:
            self._expr(stmt.annotation, scope, group)
            if stmt.value is not None:
                self._expr(stmt.value, scope, group)
                self._target(stmt.target, scope, group, stmt.value)
                if scope is self.facts.module_scope and isinstance(stmt.target, ast.Name):
                    self.facts.module_assignments.setdefault(stmt.target.id, []).append(stmt.value)
            elif isinstance(stmt.target, ast.Name):
                pass  # `x: int` binds nothing
            else:
                self._expr(stmt.target, scope, group)
            return
        if kind is ast.AugAssign:
            self._expr(stmt.value, scope, group)
            self._target(stmt.target, scope, group, None)
            return
        if kind in (ast.For, ast.AsyncFor):
            self._expr(stmt.iter, scope, group)
            self._target(stmt.target, scope, group, None)
            self._body_same_scope(stmt.body, scope, group)
            self._body_same_scope(stmt.orelse, scope, group)
            return
        if kind in (ast.With, ast.AsyncWith):
            for item in stmt.items:
                self._expr(item.context_expr, scope, group)
                if item.optional_vars is not None:
                    self._target(item.optional_vars, scope, group, None)
            self._body_same_scope(stmt.body, scope, group)
            return
        if kind in _TRY_TYPES:
            self._body_same_scope(stmt.body, scope, group)
            for handler in stmt.handlers:
                if handler.type is not None:
                    self._expr(handler.type, scope, group)
                if handler.name:
                    self._bind(scope, handler.name, OTHER, handler.lineno, group)
                self._body_same_scope(handler.body, scope, group)
            self._body_same_scope(stmt.orelse, scope, group)
            self._body_same_scope(stmt.finalbody, scope, group)
            return
        if kind in (ast.If, ast.While):
            self._expr(stmt.test, scope, group)
            self._body_same_scope(stmt.body, scope, group)
            self._body_same_scope(stmt.orelse, scope, group)
            return
        if kind is _MATCH:
            self._expr(stmt.subject, scope, group)
            for case in stmt.cases:
                for node in ast.walk(case.pattern):
                    name = getattr(node, "name", None) or getattr(node, "rest", None)
                    if isinstance(name, str) and isinstance(node, _PATTERN_TYPES):
                        self._bind(scope, name, OTHER, node.lineno, group)
                if case.guard is not None:
                    self._expr(case.guard, scope, group)
                self._body_same_scope(case.body, scope, group)
            return
        # return, raise, assert, expression statements, del, type aliases ...
        for child in ast.iter_child_nodes(stmt):
            if isinstance(child, ast.expr):
                self._expr(child, scope, group)

    def _body_same_scope(self, body: List[ast.stmt], scope: Scope, group: int) -> None:
        for stmt in body:
            self._stmt(stmt, scope, group, False)

    # -- bindings in targets and parameters ------------------------------------------
    def _target(self, target: ast.expr, scope: Scope, group: int, value: Optional[ast.expr]) -> None:
        if isinstance(target, ast.Name):
            alias = self._alias_of(value, scope) if value is not None else None
            if alias:
                self._bind(scope, target.id, ALIAS, target.lineno, group, alias, self.last_assumed)
            else:
                self._bind(scope, target.id, OTHER, target.lineno, group)
        elif isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                self._target(element, scope, group, None)
        elif isinstance(target, ast.Starred):
            self._target(target.value, scope, group, None)
        else:  # attribute or subscript targets bind nothing; their parts are uses
            self._expr(target, scope, group)

    def _alias_of(self, value: ast.expr, scope: Scope) -> Optional[Set[str]]:
        """Qualified names of a plain dotted name that resolves through an
        import (or an assumed module) as the tree is walked, or of a module
        imported by a call (:data:`IMPORT_CALLS`); None otherwise."""
        imported = _imported_by_call(value)
        if imported is None and isinstance(value, ast.Call) and isinstance(value.func, ast.Name):
            helper = self.module_defs.get(value.func.id)
            if helper is not None and not any(value.func.id in probe.bindings for probe in self._scopes_up(scope) if probe is not self.facts.module_scope):
                key = id(helper)
                if key not in self._returns:
                    self._returns[key] = returned_module(helper) or ""
                imported = self._returns[key] or None  # `torch = _import_torch()`: a lazy-import helper of this file
        if imported is not None:
            self.last_assumed = None
            self.facts.imported_modules.add(imported)
            return {canonical(imported)}
        parts = dotted_parts(value)
        if not parts:
            return None
        head = parts[0]
        quals: Set[str] = set()
        probe: Optional[Scope] = scope
        while probe is not None:
            for binding in probe.bindings.get(head, ()):
                quals |= binding.qualnames
            probe = probe.parent
        self.last_assumed = None
        assumed = None if quals else assumed_meaning(head, self.facts.star_modules)
        if assumed is not None and not self._bound_so_far(head):
            quals = {assumed}
            self.last_assumed = assumed
        return {canonical(".".join([q, *parts[1:]])) for q in quals} or None

    @staticmethod
    def _scopes_up(scope: Scope) -> Iterable[Scope]:
        probe: Optional[Scope] = scope
        while probe is not None:
            yield probe
            probe = probe.parent

    def _bound_so_far(self, name: str) -> bool:
        stack = [self.facts.module_scope]
        while stack:
            scope = stack.pop()
            if name in scope.bindings:
                return True
            stack.extend(scope.children)
        return False

    def _arguments_outside(self, args: ast.arguments, scope: Scope, group: int) -> None:
        """Defaults and annotations are evaluated where the function is defined."""
        for default in (*args.defaults, *(d for d in args.kw_defaults if d is not None)):
            self._expr(default, scope, group)

    def _parameters(self, args: ast.arguments, inner: Scope, outer: Scope, group: int) -> None:
        positional = [*args.posonlyargs, *args.args]
        defaults: Dict[str, ast.expr] = {}
        for arg, default in zip(positional[len(positional) - len(args.defaults):], args.defaults):
            defaults[arg.arg] = default
        for arg, default in zip(args.kwonlyargs, args.kw_defaults):
            if default is not None:
                defaults[arg.arg] = default
        everything = [*positional, *args.kwonlyargs, *(a for a in (args.vararg, args.kwarg) if a is not None)]
        for arg in everything:
            default = defaults.get(arg.arg)
            alias = self._alias_of(default, outer) if default is not None else None
            if alias:
                self._bind(inner, arg.arg, ALIAS, arg.lineno, 0, alias, self.last_assumed)
            else:
                self._bind(inner, arg.arg, OTHER, arg.lineno, 0)
            if arg.annotation is not None:
                self._expr(arg.annotation, outer, group)

    # -- expressions: lambdas, comprehensions and walrus bind names --------------------
    def _expr(self, expr: ast.AST, scope: Scope, group: int) -> None:
        stack = [expr]
        while stack:
            node = stack.pop()
            kind = type(node)
            if kind is ast.Lambda:
                self._arguments_outside(node.args, scope, group)
                inner = self._new_scope("function", node, scope)
                self._parameters(node.args, inner, scope, group)
                self._expr(node.body, inner, 0)
                continue
            if kind in _COMPREHENSIONS:
                inner = self._new_scope("comprehension", node, scope)
                for generator in node.generators:
                    self._target(generator.target, inner, 0, None)
                for child in ast.iter_child_nodes(node):
                    if type(child) is not ast.comprehension:
                        self._expr(child, inner, 0)
                for generator in node.generators:
                    self._expr(generator.iter, inner, 0)
                    for condition in generator.ifs:
                        self._expr(condition, inner, 0)
                continue
            if kind is ast.NamedExpr:
                target_scope = scope
                while target_scope.kind == "comprehension" and target_scope.parent is not None:
                    target_scope = target_scope.parent
                self._bind(target_scope, node.target.id, OTHER, node.lineno, group if target_scope is scope else target_scope.group_at(node.lineno))
                stack.append(node.value)
                continue
            for name in node._fields:
                value = getattr(node, name, None)
                if isinstance(value, ast.AST):
                    stack.append(value)
                elif type(value) is list:
                    stack.extend(item for item in value if isinstance(item, ast.AST))

    # -- constants -----------------------------------------------------------------------
    def _constants(self, body: List[ast.stmt]) -> None:
        self.facts.constants = set(assigned_once(body))


def assigned_once(body: List[ast.stmt]) -> Dict[str, ast.expr]:
    """Names the statements of ``body`` assign exactly once (an ``=`` or an
    annotated assignment with a value; never augmented), with the value
    assigned (module constants here and in :mod:`mlwarden.core.project`)."""
    counts: Dict[str, int] = {}
    values: Dict[str, ast.expr] = {}
    for stmt in body:
        targets: List[ast.expr] = []
        value: Optional[ast.expr] = None
        if isinstance(stmt, ast.Assign):
            targets, value = list(stmt.targets), stmt.value
        elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
            targets, value = [stmt.target], stmt.value
        elif isinstance(stmt, ast.AugAssign):
            if isinstance(stmt.target, ast.Name):
                counts[stmt.target.id] = counts.get(stmt.target.id, 0) + 2
            continue
        for target in targets:
            if isinstance(target, ast.Name):
                counts[target.id] = counts.get(target.id, 0) + 1
                if value is not None:
                    values[target.id] = value
    return {name: values[name] for name, count in counts.items() if count == 1 and name in values}


_TRY_TYPES = tuple(t for t in (ast.Try, getattr(ast, "TryStar", None)) if t is not None)
_MATCH = getattr(ast, "Match", None)
_PATTERN_TYPES = tuple(t for t in (getattr(ast, "MatchAs", None), getattr(ast, "MatchStar", None), getattr(ast, "MatchMapping", None)) if t is not None)
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)
