"""Statically known values and the UNKNOWN sentinel (no libcst import)."""

from __future__ import annotations

import ast
import re
from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Optional, Tuple


class _Unknown:
    """A value that cannot be determined statically.

    It refuses truth-testing on purpose: a security rule must decide
    explicitly what an unknown value means (see each rule's docs)."""

    _instance = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNKNOWN"

    def __bool__(self) -> bool:
        raise TypeError("UNKNOWN has no truth value; use is_truthy()")


UNKNOWN = _Unknown()


def is_truthy(value: object) -> Optional[bool]:
    """Python truthiness of a resolved value; None when it is UNKNOWN."""
    if value is UNKNOWN:
        return None
    try:
        return bool(value)
    except Exception:
        return None


# ---------------------------------------------------------------------------
# an instance attribute kept from a constructor parameter


def init_attribute_default(rule: object, call: object, value: object) -> Tuple[Optional[str], object, List[ast.expr]]:
    """When ``value`` (an argument of ``call``, in a method of a class) is
    ``self.attr`` and the class's ``__init__`` sets ``self.attr = param``
    once, as a statement of its own body, from a parameter that nothing in
    ``__init__`` rebinds, and nothing else in the file assigns an ``attr``
    attribute (``obj.attr = …``, ``obj.attr += …``, ``setattr(obj, "attr",
    …)``): (the parameter's name, its literal default or None, what the
    file's constructions of the class pass for it, ``Cls(...)`` and a
    subclass's ``super().__init__(...)``); (None, None, []) otherwise.

    Read with ``ast`` from the unit's whole source, so the answer is the
    same on the engine's fast path (a piece of the module) and on the full
    parse."""
    try:
        if type(value).__name__ != "Attribute":
            return None, None, []
        owner = getattr(value, "value", None)
        if type(owner).__name__ != "Name" or getattr(owner, "value", None) != "self":
            return None, None, []
        attr = value.attr.value  # type: ignore[attr-defined]
        query = rule._rt_query(call)  # type: ignore[attr-defined]
        cls = getattr(query, "cls", None) if query is not None else None
        source = getattr(getattr(getattr(rule, "unit", None), "code", None), "source", None)
        if cls is None or not isinstance(source, str):
            return None, None, []
        found = _init_attribute(source, cls.name.value, attr)
        return found if found is not None else (None, None, [])
    except RecursionError:
        raise
    except Exception:  # noqa: BLE001 - no answer, no lowering
        return None, None, []


@lru_cache(maxsize=8)
def _parsed(source: str) -> ast.Module:
    return ast.parse(source)


def _init_attribute(source: str, class_name: str, attr: str) -> Optional[Tuple[str, object, List[ast.expr]]]:
    tree = _parsed(source)
    classes = [n for n in ast.walk(tree) if isinstance(n, ast.ClassDef) and n.name == class_name]
    if len(classes) != 1:
        return None
    init = next((n for n in classes[0].body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.name == "__init__"), None)
    if init is None:
        return None
    kept = [
        s for s in init.body
        if isinstance(s, ast.Assign) and len(s.targets) == 1 and _is_self_attr(s.targets[0], attr) and isinstance(s.value, ast.Name)
    ]
    if len(kept) != 1:
        return None
    param = kept[0].value.id  # type: ignore[attr-defined]
    args = init.args
    positional = [a.arg for a in (*args.posonlyargs, *args.args)]
    defaults: Dict[str, ast.expr] = dict(zip(positional[len(positional) - len(args.defaults):], args.defaults))
    defaults.update((a.arg, d) for a, d in zip(args.kwonlyargs, args.kw_defaults) if d is not None)
    if param not in positional and param not in {a.arg for a in args.kwonlyargs}:
        return None
    for node in ast.walk(init):  # the parameter rebound before (or after) it is kept
        if isinstance(node, ast.Name) and node.id == param and isinstance(node.ctx, (ast.Store, ast.Del)):
            return None
    # every other assignment of an `attr` attribute in the file, whoever's object it is
    for node in ast.walk(tree):
        targets: List[ast.expr] = []
        if isinstance(node, ast.Assign) and node is not kept[0]:
            targets = list(node.targets)
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            targets = [node.target]
        elif isinstance(node, (ast.For, ast.AsyncFor, ast.withitem)):
            targets = [node.target if not isinstance(node, ast.withitem) else node.optional_vars]  # type: ignore[list-item]
        elif isinstance(node, ast.Delete):
            targets = list(node.targets)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "setattr":
            name = node.args[1] if len(node.args) > 1 else None
            if not (isinstance(name, ast.Constant) and isinstance(name.value, str) and name.value != attr):
                return None  # `setattr(obj, "attr", …)` or a name chosen at run time
        for target in targets:
            for part in ast.walk(target) if target is not None else ():
                if isinstance(part, ast.Attribute) and part.attr == attr:
                    return None
    default = defaults.get(param)
    literal = default.value if isinstance(default, ast.Constant) else None
    position = positional.index(param) - 1 if param in positional else None  # `self` is not passed
    subclasses = {
        n.name for n in ast.walk(tree)
        if isinstance(n, ast.ClassDef) and any(isinstance(b, (ast.Name, ast.Attribute)) and (getattr(b, "id", None) or getattr(b, "attr", None)) == class_name for b in n.bases)
    }
    passed: List[ast.expr] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        called = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
        direct = called == class_name
        inherited = (
            called == "__init__" and isinstance(func, ast.Attribute)
            and ((isinstance(func.value, ast.Call) and isinstance(func.value.func, ast.Name) and func.value.func.id == "super")
                 or (isinstance(func.value, (ast.Name, ast.Attribute)) and (getattr(func.value, "id", None) or getattr(func.value, "attr", None)) == class_name))
        )
        if not direct and not (inherited and subclasses):
            continue
        args_ = list(node.args)
        if inherited and not (isinstance(func.value, ast.Call)):
            args_ = args_[1:]  # `Base.__init__(self, …)`
        passed.extend(k.value for k in node.keywords if k.arg == param)
        if position is not None and position >= 0 and not any(isinstance(a, ast.Starred) for a in args_[: position + 1]) and position < len(args_):
            passed.append(args_[position])
    return param, literal, passed


def _is_self_attr(target: ast.expr, attr: str) -> bool:
    return isinstance(target, ast.Attribute) and target.attr == attr and isinstance(target.value, ast.Name) and target.value.id == "self"


# ---------------------------------------------------------------------------
# a path in the package's own directory (its own compiled library)

#: calls whose result is a path rooted where their first argument is
ROOT_FUNCTIONS = frozenset({
    "os.path.join", "os.path.dirname", "os.path.abspath", "os.path.realpath", "os.path.normpath",
    "os.path.expanduser", "os.path.normcase", "os.fspath", "pathlib.Path", "pathlib.PurePath",
    "pathlib.PosixPath", "pathlib.WindowsPath", "Path", "PurePath", "str", "glob.glob", "glob.iglob",
    "sorted", "list", "tuple", "reversed", "iter", "next", "set",
})
#: methods whose result is rooted where their receiver is
ROOT_METHODS = frozenset({
    "resolve", "absolute", "expanduser", "joinpath", "glob", "rglob", "iterdir", "with_suffix", "with_name",
    "with_stem", "replace", "split", "strip", "rstrip", "lstrip", "as_posix", "format", "copy",
})
#: attributes of a path that keep its root
ROOT_ATTRIBUTES = frozenset({"parent", "parents", "stem", "name", "suffix"})
#: calls that name a file inside an installed package
PACKAGE_FILES = frozenset({
    "importlib.resources.files", "importlib.resources.path", "importlib_resources.files", "importlib_resources.path",
    "pkg_resources.resource_filename",
})
_OWN, _NEUTRAL, _OTHER = "own", "neutral", "other"


def own_directory_path(rule: object, call: object, method: str) -> bool:
    """True when the first argument of ``call`` (a libcst call to a loader
    named ``method``) is a path under the package's own install directory:
    built, through path joins, ``dirname``, ``Path(...).parent``, ``glob``,
    list building and the results of the project's own functions, from
    ``__file__`` (or ``pkg.__file__`` / ``__path__``, ``importlib.resources``),
    with nothing else in the root: a parameter, an environment variable, a
    download or an unknown call there makes it False. A file name component
    joined below that root may be anything (``_LIB_DIR / f"{lib}.so"``).
    The loader's own search path variables (``LD_LIBRARY_PATH``,
    ``*_LIBRARY_PATH``) read by a library finder do not count against it.

    Read with ``ast`` from the unit's source and, for the project's own
    modules, their files (recorded as read), so the answer is the same on
    the engine's fast path and on the full parse."""
    try:
        unit = getattr(rule, "unit", None)
        source = getattr(getattr(unit, "code", None), "source", None)
        args = getattr(call, "args", ())
        if not isinstance(source, str) or not args:
            return False
        from mlwarden.core.lazy import cst

        wanted = ast.unparse(ast.parse(cst.Module([]).code_for_node(args[0].value), mode="eval").body)
        tree = _parsed(source)
        sites = []
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and node.args and _called_name(node.func) == method and ast.unparse(node.args[0]) == wanted:
                sites.append(node)
        if not sites:
            return False
        path = getattr(unit, "path", None)
        reader = _OwnPaths(tree, Path(path) if path else None)
        verdict = all(reader.own(site) for site in sites)
        extra = getattr(unit, "extra", None)
        if extra is not None:
            extra["reads_other_lines"] = True
            if reader.read:
                extra.setdefault("read_files", set()).update(reader.read)
        return verdict
    except RecursionError:
        raise
    except Exception:  # noqa: BLE001 - no answer, no lowering
        return False


def _called_name(func: ast.expr) -> Optional[str]:
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None


def _dotted_name(node: ast.expr) -> Optional[str]:
    parts: List[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


class _Scope:
    """A function body (or a module) being read, with what its caller passed."""

    def __init__(self, node: ast.AST, module: "_Module", passed: Optional[Dict[str, Tuple[ast.expr, "_Scope"]]] = None, defaults_apply: bool = False) -> None:
        self.node = node
        self.module = module
        self.passed = passed or {}
        self.defaults_apply = defaults_apply
        self.params: Dict[str, Optional[ast.expr]] = {}
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            a = node.args
            positional = [*a.posonlyargs, *a.args]
            defaults: List[Optional[ast.expr]] = [None] * (len(positional) - len(a.defaults)) + list(a.defaults)
            for arg, default in zip(positional, defaults):
                self.params[arg.arg] = default
            for arg, default in zip(a.kwonlyargs, a.kw_defaults):
                self.params[arg.arg] = default
            for star in (a.vararg, a.kwarg):
                if star is not None:
                    self.params[star.arg] = None
        self._bindings: Optional[Dict[str, List[Tuple[str, ast.expr]]]] = None

    def bindings(self) -> Dict[str, List[Tuple[str, ast.expr]]]:
        """name -> [(how, expression)]: ``=``, ``+=``, a ``for`` target (its
        iterable), ``.append``/``.extend``/``.insert`` of a list; ``other``
        for bindings whose value cannot be read (``with … as``, unpacking)."""
        if self._bindings is None:
            found: Dict[str, List[Tuple[str, ast.expr]]] = {}
            for node in _own_nodes(self.node):
                if isinstance(node, ast.Assign):
                    for target in node.targets:
                        _bind(found, target, node.value)
                elif isinstance(node, (ast.AugAssign, ast.AnnAssign)) and node.value is not None:
                    _bind(found, node.target, node.value)
                elif isinstance(node, (ast.For, ast.AsyncFor)):
                    _bind(found, node.target, node.iter, "for")
                elif isinstance(node, ast.withitem) and node.optional_vars is not None:
                    _bind(found, node.optional_vars, None)
                elif isinstance(node, ast.NamedExpr):
                    _bind(found, node.target, node.value)
                elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name)
                      and node.func.attr in ("append", "extend", "insert") and node.args):
                    found.setdefault(node.func.value.id, []).append(("add", node.args[-1]))
                elif isinstance(node, (ast.Import, ast.ImportFrom)):
                    for alias in node.names:
                        found.setdefault((alias.asname or alias.name).split(".")[0], []).append(("import", node))  # type: ignore[arg-type]
                elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node is not self.node:
                    found.setdefault(node.name, []).append(("def", node))  # type: ignore[arg-type]
            self._bindings = found
        return self._bindings


def _bind(found: Dict[str, List[Tuple[str, Optional[ast.expr]]]], target: ast.expr, value: Optional[ast.expr], how: str = "=") -> None:
    if isinstance(target, ast.Name):
        found.setdefault(target.id, []).append((how if value is not None else "other", value))  # type: ignore[arg-type]
    elif isinstance(target, (ast.Tuple, ast.List)):
        for element in target.elts:
            _bind(found, element.value if isinstance(element, ast.Starred) else element, None)


def _own_nodes(scope: ast.AST):
    """The nodes of a function or module body, not those of nested
    functions, classes or lambdas (their names are bound as definitions)."""
    todo = list(ast.iter_child_nodes(scope))
    while todo:
        node = todo.pop()
        yield node
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue
        todo.extend(ast.iter_child_nodes(node))


class _Module:
    def __init__(self, tree: ast.Module, path: Optional[Path]) -> None:
        self.tree = tree
        self.path = path
        self.scope = _Scope(tree, self)
        self.functions = {n.name: n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
        self.parents: Dict[int, ast.AST] = {}
        for node in ast.walk(tree):
            for child in ast.iter_child_nodes(node):
                self.parents[id(child)] = node


class _OwnPaths:
    """Where the path a loader is given comes from (see own_directory_path)."""

    def __init__(self, tree: ast.Module, path: Optional[Path]) -> None:
        self.first = _Module(tree, path)
        self.modules: Dict[str, _Module] = {}
        self.read: List[str] = []
        self.budget = 400

    def own(self, site: ast.Call) -> bool:
        scope = self._enclosing(self.first, site)
        kinds = self.kinds(site.args[0], scope, set(), 0)
        return _OWN in kinds and _OTHER not in kinds

    def _enclosing(self, module: _Module, node: ast.AST) -> _Scope:
        parent = module.parents.get(id(node))
        while parent is not None and not isinstance(parent, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            parent = module.parents.get(id(parent))
        if isinstance(parent, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return _Scope(parent, module)
        return module.scope if parent is None else _Scope(parent, module)

    def kinds(self, e: Optional[ast.expr], scope: _Scope, seen: set, depth: int) -> frozenset:
        self.budget -= 1
        if e is None or self.budget < 0 or depth > 40:
            return frozenset({_OTHER})
        if isinstance(e, ast.Constant):
            return frozenset({_NEUTRAL})
        if isinstance(e, ast.Name):
            return self._name(e.id, scope, seen, depth)
        if isinstance(e, ast.Attribute):
            if e.attr in ("__file__", "__path__"):
                return frozenset({_OWN})
            if e.attr in ROOT_ATTRIBUTES:
                return self.kinds(e.value, scope, seen, depth + 1)
            return frozenset({_OTHER})
        if isinstance(e, ast.Subscript):
            env = _environment_key(e)
            if env is not None:
                return _environment_kind(env)
            return self.kinds(e.value, scope, seen, depth + 1)
        if isinstance(e, ast.BinOp):
            kinds = self.kinds(e.left, scope, seen, depth + 1)
            if isinstance(e.op, ast.Add) and isinstance(e.right, (ast.List, ast.ListComp, ast.Call, ast.Tuple)) and not isinstance(e.right, ast.Constant):
                if not (isinstance(e.right, ast.Call) and _dotted_name(e.right.func) not in ("list", "tuple", "sorted")):
                    kinds = kinds | self.kinds(e.right, scope, seen, depth + 1)  # lists added together
            return kinds
        if isinstance(e, ast.JoinedStr):
            first = e.values[0] if e.values else None
            if isinstance(first, ast.FormattedValue):
                return self.kinds(first.value, scope, seen, depth + 1)
            return frozenset({_OTHER})
        if isinstance(e, (ast.List, ast.Tuple, ast.Set)):
            out: frozenset = frozenset({_NEUTRAL})
            for element in e.elts:
                out |= self.kinds(element.value if isinstance(element, ast.Starred) else element, scope, seen, depth + 1)
            return out
        if isinstance(e, (ast.ListComp, ast.GeneratorExp, ast.SetComp)):
            return self.kinds(e.generators[0].iter, scope, seen, depth + 1)
        if isinstance(e, ast.IfExp):
            return self.kinds(e.body, scope, seen, depth + 1) | self.kinds(e.orelse, scope, seen, depth + 1)
        if isinstance(e, ast.BoolOp):
            out = frozenset()
            for value in e.values:
                out |= self.kinds(value, scope, seen, depth + 1)
            return out
        if isinstance(e, ast.Await):
            return self.kinds(e.value, scope, seen, depth + 1)
        if isinstance(e, ast.Call):
            return self._call(e, scope, seen, depth)
        return frozenset({_OTHER})

    def _call(self, e: ast.Call, scope: _Scope, seen: set, depth: int) -> frozenset:
        name = _dotted_name(e.func)
        env = _environment_key(e)
        if env is not None:
            return _environment_kind(env)
        if name in PACKAGE_FILES:
            return frozenset({_OWN})
        if name in ROOT_FUNCTIONS or (name and name.startswith(("os.path.", "pathlib.")) and name.rsplit(".", 1)[1] in ("join", "dirname", "abspath", "realpath", "Path")):
            if name == "filter" and len(e.args) > 1:
                return self.kinds(e.args[1], scope, seen, depth + 1)
            return self.kinds(e.args[0], scope, seen, depth + 1) if e.args else frozenset({_OTHER})
        if isinstance(e.func, ast.Attribute) and e.func.attr in ROOT_METHODS:
            return self.kinds(e.func.value, scope, seen, depth + 1)
        target = self._function(e.func, scope)
        if target is None:
            return frozenset({_OTHER})
        function, module = target
        key = ("call", id(function))
        if key in seen or depth > 30:
            return frozenset()
        seen = seen | {key}
        callee = _Scope(function, module, _passed(function, e, scope), defaults_apply=True)
        returns = [n for n in _own_nodes(function) if isinstance(n, ast.Return)]
        if not returns:
            return frozenset({_OTHER})
        out = frozenset()
        for ret in returns:
            out |= self.kinds(ret.value, callee, seen, depth + 1) if ret.value is not None else frozenset({_NEUTRAL})
        return out

    def _name(self, name: str, scope: _Scope, seen: set, depth: int) -> frozenset:
        if name == "__file__":
            return frozenset({_OWN})
        key = (id(scope.node), id(scope.passed) if scope.passed else 0, name)
        if key in seen:
            return frozenset()  # a list grown from itself: its other bindings decide
        seen = seen | {key}
        if name in scope.params:
            if name in scope.passed:
                value, caller = scope.passed[name]
                return self.kinds(value, caller, seen, depth + 1)
            if scope.defaults_apply:
                default = scope.params[name]
                return self.kinds(default, scope.module.scope, seen, depth + 1) if default is not None else frozenset({_OTHER})
            return frozenset({_OTHER})  # the loader's own function's parameter: its callers decide
        bound = scope.bindings().get(name)
        if not bound and scope is not scope.module.scope:
            scope = scope.module.scope
            bound = scope.bindings().get(name)
        if not bound:
            return frozenset({_OTHER})
        out = frozenset()
        for how, value in bound:
            if how in ("other", "import", "def"):
                return frozenset({_OTHER})
            out |= self.kinds(value, scope, seen, depth + 1)
        return out

    def _function(self, func: ast.expr, scope: _Scope) -> Optional[Tuple[ast.AST, _Module]]:
        """A function of the project that ``func`` names: one of the same
        module, a method of the enclosing class (``self.f``), or one
        imported from the project's own modules (``from .x import f``,
        ``mod.f`` after ``from pkg import mod``)."""
        module = scope.module
        if isinstance(func, ast.Name):
            if func.id in module.functions and not scope.bindings().get(func.id):
                return module.functions[func.id], module
            return self._imported(module, func.id, None)
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
            if func.value.id in ("self", "cls") and isinstance(scope.node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                owner = module.parents.get(id(scope.node))
                if isinstance(owner, ast.ClassDef):
                    method = next((n for n in owner.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.name == func.attr), None)
                    return (method, module) if method is not None else None
                return None
            return self._imported(module, func.value.id, func.attr)
        return None

    def _imported(self, module: _Module, local: str, attribute: Optional[str]) -> Optional[Tuple[ast.AST, _Module]]:
        if module.path is None:
            return None
        from mlwarden.core.project import module_file

        for stmt in module.tree.body:
            if not isinstance(stmt, ast.ImportFrom) or not (stmt.module or stmt.level):
                continue
            for alias in stmt.names:
                if (alias.asname or alias.name) != local:
                    continue
                if attribute is None:  # `from .x import f`
                    path = module_file(module.path, stmt.module or "", stmt.level or 0)
                    name = alias.name
                else:  # `from . import x` / `from pkg import x`, then `x.f`
                    dotted = f"{stmt.module}.{alias.name}" if stmt.module else alias.name
                    path = module_file(module.path, dotted, stmt.level or 0)
                    name = attribute
                other = self._module(path) if path is not None else None
                if other is not None and name in other.functions:
                    return other.functions[name], other
                return None
        return None

    def _module(self, path: Path) -> Optional[_Module]:
        key = str(path)
        if key not in self.modules:
            from mlwarden.core.project import module_tree

            tree = module_tree(path)
            if tree is None or len(self.modules) > 8:
                return None
            self.modules[key] = _Module(tree, path)
            self.read.append(key)
        return self.modules[key]


def _passed(function: ast.AST, call: ast.Call, caller: _Scope) -> Dict[str, Tuple[ast.expr, _Scope]]:
    a = function.args  # type: ignore[attr-defined]
    positional = [p.arg for p in (*a.posonlyargs, *a.args)]
    if positional[:1] in (["self"], ["cls"]) and isinstance(call.func, ast.Attribute):
        positional = positional[1:]
    passed: Dict[str, Tuple[ast.expr, _Scope]] = {}
    for name, value in zip(positional, call.args):
        if isinstance(value, ast.Starred):
            break
        passed[name] = (value, caller)
    for keyword in call.keywords:
        if keyword.arg is not None:
            passed[keyword.arg] = (keyword.value, caller)
    return passed


def _environment_key(e: ast.expr) -> Optional[str]:
    """The variable's name for ``os.environ[K]``, ``os.environ.get(K)``,
    ``os.getenv(K)`` ("" when the name is not a literal)."""
    if isinstance(e, ast.Subscript) and _dotted_name(e.value) in ("os.environ", "environ"):
        key = e.slice
    elif isinstance(e, ast.Call) and (_dotted_name(e.func) in ("os.getenv", "getenv", "os.environ.get", "environ.get")):
        key = e.args[0] if e.args else None
    else:
        return None
    return key.value if isinstance(key, ast.Constant) and isinstance(key.value, str) else ""


def _environment_kind(name: str) -> frozenset:
    # the dynamic loader's own search path, read by a library finder
    return frozenset({_NEUTRAL}) if name == "PATH" or name.endswith("LIBRARY_PATH") else frozenset({_OTHER})


def switches_off(rule: object) -> frozenset:
    """The ``dest`` of every ``add_argument("--x", action="store_true")`` in
    the unit (no ``default`` other than False, one declaration per dest): a
    command-line switch that is off unless the user passes it."""
    source = getattr(getattr(getattr(rule, "unit", None), "code", None), "source", None)
    if not isinstance(source, str) or "store_true" not in source:
        return frozenset()
    try:
        return _switches_off(source)
    except (SyntaxError, ValueError):
        return frozenset()


@lru_cache(maxsize=8)
def _switches_off(source: str) -> frozenset:
    seen: Dict[str, int] = {}
    off = set()
    for node in ast.walk(_parsed(source)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "add_argument"):
            continue
        keywords = {k.arg: k.value for k in node.keywords if k.arg}
        dest_node = keywords.get("dest")
        if isinstance(dest_node, ast.Constant) and isinstance(dest_node.value, str):
            dest = dest_node.value
        else:
            names = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
            longs = [n for n in names if n.startswith("--")]
            if not (longs or names):
                continue
            dest = (longs or names)[0].lstrip("-").replace("-", "_")
        seen[dest] = seen.get(dest, 0) + 1
        action = keywords.get("action")
        default = keywords.get("default")
        if (isinstance(action, ast.Constant) and action.value == "store_true"
                and (default is None or (isinstance(default, ast.Constant) and default.value is False))):
            off.add(dest)
    return frozenset(d for d in off if seen[d] == 1)


# ---------------------------------------------------------------------------
# where the arguments of a string template land (shared by the readers of
# command lines: MLW707's libcst one and the pip reader's ast one)


class Field:
    """A replacement field of a template: the argument placed there (None
    when none can be), whether the field names the argument itself (not an
    attribute or an index of it), its format spec, its conversion (``r`` /
    ``s`` / ``a`` for ``str.format``, the conversion letter for ``%``), and
    for ``%`` whether it takes its value by a mapping key or has a ``*``
    width or precision."""

    __slots__ = ("value", "plain", "spec", "conversion", "keyed", "starred")

    def __init__(self, value: object, plain: bool = True, spec: str = "", conversion: str = "", keyed: bool = False, starred: bool = False) -> None:
        self.value = value
        self.plain = plain
        self.spec = spec
        self.conversion = conversion
        self.keyed = keyed
        self.starred = starred


def format_fields(template: str, positional: List[object], named: Dict[str, object]) -> Optional[List[object]]:
    """``template.format(*positional, **named)`` as a list of literal texts
    and :class:`Field` values, in order; None when the template does not
    parse. Auto-numbered (``{}``), numbered (``{1}``) and named (``{host}``)
    fields take their argument; a field with an attribute or an index
    (``{0.x}``, ``{cfg[host]}``) is not plain."""
    import string

    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError:
        return None
    out: List[object] = []
    auto = 0
    for literal, field, spec, conversion in parsed:
        out.append(literal)
        if field is None:
            continue
        key = re.split(r"[.\[]", field, 1)[0]
        if key == "":
            value = positional[auto] if auto < len(positional) else None
            auto += 1
        elif key.isdigit():
            value = positional[int(key)] if int(key) < len(positional) else None
        else:
            value = named.get(key)
        out.append(Field(value, key == field, spec or "", conversion or ""))
    return out


#: one printf-style conversion (``%s``, ``%(name)s``, ``%-10d``, ``%%``)
PERCENT_FIELD = re.compile(r"%(?:\(([^)]*)\))?[-#0 +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?([diouxXeEfFgGcrsa%])")


def percent_fields(template: str, values: List[object], mapping: Optional[Dict[str, object]] = None) -> List[object]:
    """``template % values`` (or ``% mapping`` for ``%(name)s`` fields) as a
    list of literal texts and :class:`Field` values, in order; ``%%`` is a
    literal ``%``. Positional fields take the values in turn."""
    out: List[object] = []
    at = 0
    index = 0
    for match in PERCENT_FIELD.finditer(template):
        out.append(template[at:match.start()])
        at = match.end()
        if match.group(2) == "%":
            out.append("%")
            continue
        key = match.group(1)
        if key is not None:
            value = mapping.get(key) if mapping is not None else None
        else:
            value = values[index] if index < len(values) else None
            index += 1
        out.append(Field(value, True, "", match.group(2), key is not None, "*" in match.group(0)))
    out.append(template[at:])
    return out
