"""Values a file imports from the project's own modules.

A serving app often takes its host from another module of its package:
``from .constants import DEFAULT_HOST`` … ``uvicorn.run(app, host=DEFAULT_HOST)``,
or ``settings.host`` where ``class Settings(BaseSettings): host: str =
"0.0.0.0"`` lives in ``settings.py``. A rule that judges the value asks
:func:`project_values` for the module-level constants, the class-field and
``add_argument`` defaults, and the attributes a class's ``__init__`` sets
from a parameter default, of the project modules the file imports from
(``from .m import …``, ``from ..m import …``, ``from pkg import m`` …
``m.HOST``, ``import pkg.m as m``, or ``from pkg.m import …``
where ``pkg`` is the file's own top-level package), one level deep, and,
for a name such a module only re-exports (``from .settings import Settings``
in a package's ``__init__.py``), the module that defines it (up to
:data:`MAX_REEXPORT_HOPS` re-exporting modules).

The other module is read and parsed with ``ast``, never imported or run;
only literal values count (``ast.literal_eval``), constants built from them
(:func:`constant_value`: f-strings, ``+``, ``%`` and ``.format`` of
literals and of the module's constants, also of constants it imports by
name from another project module, through its package's ``__init__``
re-exports: ``ADDRESS = f"{OCTET}:9093"`` with ``from .net import
OCTET``), the values a module-level function returns when every
``return`` gives such a constant (``def all_interfaces(): return "::" if
v6 else "0.0.0.0"``), and the literal default
of a module-level environment look-up (``HOST = os.getenv("HOST",
"0.0.0.0")``), kept apart as such. Every file read is
recorded in ``unit.extra["read_files"]``: the results cache keeps the
file's findings only while those files are unchanged, and the editor
server does not reuse such a judgment.
"""

from __future__ import annotations

import ast
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, FrozenSet, List, Optional, Set, Tuple

from mlwarden.core.values import UNKNOWN, _parsed
from mlwarden.core.gate import own_nodes

#: a module bigger than this is not read for its constants
MAX_MODULE_BYTES = 2_000_000


@dataclass(frozen=True)
class ModuleValues:
    """What one module defines with literal values."""

    #: module-level names assigned exactly once, to a literal
    constants: Dict[str, object] = field(default_factory=dict)
    #: attribute name -> the literal defaults it gets: class fields
    #: (``host: str = "0.0.0.0"``, ``Field("0.0.0.0")``, ``field(default=…)``),
    #: properties that return one (``@property def host(self): return
    #: os.getenv("HOST", "0.0.0.0")``, or a getter's ``default="0.0.0.0"``)
    #: and argparse options (``add_argument("--host", default=…)``)
    attribute_defaults: Dict[str, Tuple[object, ...]] = field(default_factory=dict)
    #: name -> (module, name there, level) for a name the module re-exports
    #: (``from .settings import Settings`` in a package's ``__init__.py``, at
    #: top level or under a top-level ``if``, such as ``if TYPE_CHECKING:``)
    reexports: Dict[str, Tuple[str, str, int]] = field(default_factory=dict)
    #: module-level class name -> its bases, dotted and resolved through the
    #: module's imports (``class L(yaml.SafeLoader)`` -> ``("yaml.SafeLoader",)``)
    class_bases: Dict[str, Tuple[str, ...]] = field(default_factory=dict)
    #: attribute name -> the literals a class's ``__init__`` sets it to from a
    #: parameter default (``def __init__(self, host="0.0.0.0"): self.host =
    #: host``) or directly: for ``self.<attr>`` of a subclass, kept apart from
    #: :attr:`attribute_defaults` (a client class's ``self.host =
    #: "localhost"`` says nothing about a settings object's ``host``)
    init_defaults: Dict[str, Tuple[object, ...]] = field(default_factory=dict)
    #: module-level names assigned once to an environment look-up with a
    #: literal default (``HOST = os.getenv("HOST", "0.0.0.0")``): name ->
    #: (the variable, the default); kept apart from :attr:`constants` (the
    #: value is the default only when the environment does not set it)
    env_defaults: Dict[str, Tuple[str, object]] = field(default_factory=dict)
    #: the module's environment getters: functions that return the
    #: environment's value of one parameter, or another parameter when it is
    #: not set (``def get_env_value(key, default): value = os.getenv(key); if
    #: value is None: return default …``): name -> (key position, key name,
    #: default position, default name). A call ``get_env_value("HOST",
    #: "0.0.0.0")`` then reads like ``os.getenv("HOST", "0.0.0.0")``
    env_getters: Dict[str, Tuple[int, str, int, str]] = field(default_factory=dict)
    #: other files read to judge this one's values (an imported getter's module)
    read: Tuple[str, ...] = ()
    #: module-level function name -> the constants its ``return`` statements
    #: give, when every one gives a constant (both branches of ``a if c else
    #: b`` count); a function with a bare ``return`` is not recorded
    returns: Dict[str, Tuple[object, ...]] = field(default_factory=dict)
    #: local name -> (module, name there, level) of its module-level ``from … import``
    imports: Dict[str, Tuple[str, str, int]] = field(default_factory=dict)
    #: module-level function name -> (variable, default) when every ``return``
    #: gives the environment's value of one variable, or a constant when it
    #: is not set (``return getenv(ENV_HOST) or HOST``, ``return
    #: os.environ.get("HOST", "0.0.0.0")``): the default is what a run
    #: without that variable gets; kept apart from :attr:`returns`
    env_returns: Dict[str, Tuple[str, object]] = field(default_factory=dict)
    #: module-level function name -> the hosts of the ``host:port`` address
    #: it builds and returns (``def get_address(params): host =
    #: params.get(HOST, "0.0.0.0") … if not host: host = "0.0.0.0" … return
    #: f"{host}:{port}"``), when every binding of the host name in it is a
    #: literal or the literal default of a look-up (``.get(key, DEFAULT)``,
    #: ``os.getenv(V, DEFAULT)``): what a call gets when nothing overrides
    #: the default (:func:`_address_returns`)
    address_returns: Dict[str, Tuple[object, ...]] = field(default_factory=dict)


_MEMO: Dict[Tuple[str, int, int], Tuple[ModuleValues, Tuple[Tuple[int, int], ...]]] = {}


def module_values(path: Path) -> Optional[ModuleValues]:
    """The literal values ``path`` defines (None when it cannot be read or
    parsed); memoised on the file's size and modification time."""
    key = _file_key(path)
    if key is None:
        return None
    known = _MEMO.get(key)
    if known is not None and _stamps(known[0].read) == known[1]:
        return known[0]
    try:
        tree = ast.parse(path.read_bytes())
    except (OSError, SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    values = _read(tree, path)
    if len(_MEMO) > 512:
        _MEMO.clear()
    _MEMO[key] = (values, _stamps(values.read))
    return values


def _stamps(paths: Tuple[str, ...]) -> Tuple[Tuple[int, int], ...]:
    """(mtime, size) of the other files a module's values were read with:
    the memo is stale when one of them changed."""
    out = []
    for name in paths:
        try:
            stat = os.stat(name)
        except OSError:
            out.append((-1, -1))
        else:
            out.append((stat.st_mtime_ns, stat.st_size))
    return tuple(out)


def _literal(node: Optional[ast.AST]) -> object:
    if node is None:
        return UNKNOWN
    try:
        return ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, RecursionError, MemoryError):
        return UNKNOWN


def _literal_or_constant(node: Optional[ast.AST], constants: Dict[str, object]) -> object:
    """A literal, or a name the module assigns once to one (``default=HOST``)."""
    if isinstance(node, ast.Name) and node.id in constants:
        return constants[node.id]
    return _literal(node)


def file_values(unit: Any, tree: Optional[ast.Module]) -> ModuleValues:
    """What the file being checked defines itself (its constants, field,
    property and argparse defaults), read from its ``ast`` with the reader
    used for the project's other modules; memoised on the unit."""
    extra = getattr(unit, "extra", None)
    known = extra.get("file_values") if extra is not None else None
    if known is not None:
        return known
    path = getattr(unit, "path", None)
    values = _read(tree, Path(path) if path is not None else None) if tree is not None else ModuleValues()
    if extra is not None:
        extra["file_values"] = values
        if values.read:
            extra.setdefault("read_files", set()).update(values.read)
    return values


def _field_default(value: ast.AST) -> ast.AST:
    """``Field("0.0.0.0")`` / ``field(default="0.0.0.0")`` -> the default."""
    if isinstance(value, ast.Call):
        for kw in value.keywords:
            if kw.arg == "default":
                return kw.value
        if value.args:
            return value.args[0]
    return value


def _read(tree: ast.Module, path: Optional[Path] = None) -> ModuleValues:
    from mlwarden.core.bindings import assigned_once

    defaults: Dict[str, List[object]] = {}
    init_defaults: Dict[str, List[object]] = {}
    constants: Dict[str, object] = {}
    env_defaults: Dict[str, Tuple[str, object]] = {}
    own = env_getters(tree)
    read: List[str] = []
    if path is not None:
        _imported_getters(tree, path, own, read)
    imported = _imported_names(tree) if path is not None else {}
    guard = str(path) if path is not None else None
    if guard is not None:
        _READING.add(guard)
    try:
        known = _Known(constants, imported, path, read)
        for name, value in assigned_once(tree.body).items():
            found = constant_value(value, known)
            if found is not UNKNOWN:
                constants[name] = found
            else:
                looked_up = env_default(value) or getter_default(value, own)
                if looked_up is not None:
                    env_defaults[name] = looked_up
        returns = _function_returns(tree, known)
        env_returns = _function_env_returns(tree, known, returns)
        address_returns = _address_returns(tree, known)
    finally:
        if guard is not None:
            _READING.discard(guard)
    defines = _tornado_defines(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            for stmt in node.body:
                target = value = None
                if isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
                    target, value = stmt.target, stmt.value
                elif isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
                    target, value = stmt.targets[0], stmt.value
                if isinstance(target, ast.Name) and value is not None:
                    for found in _default_values(_field_default(value), constants, own, known.returned):
                        defaults.setdefault(target.id, []).append(found)
                elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and _is_property(stmt):
                    returned = _property_default(stmt)
                    if returned is not UNKNOWN:
                        defaults.setdefault(stmt.name, []).append(returned)
                elif isinstance(stmt, ast.FunctionDef) and stmt.name == "__init__":
                    for attr, found in _init_defaults(stmt, constants):
                        init_defaults.setdefault(attr, []).append(found)
        elif isinstance(node, ast.Call) and (defines[0] or defines[1]) and _is_tornado_define(node.func, defines) and node.args:
            # tornado.options: define("address", default="") … options.address (an empty address is every interface)
            name = node.args[0]
            default = next((kw.value for kw in node.keywords if kw.arg == "default"), node.args[1] if len(node.args) > 1 else None)
            if isinstance(name, ast.Constant) and isinstance(name.value, str) and default is not None:
                for found in _default_values(default, constants, own, known.returned):
                    defaults.setdefault(name.value.replace("-", "_"), []).append(found)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "add_argument":
            default = next((kw.value for kw in node.keywords if kw.arg == "default"), None)
            dest = _argparse_dest(node)
            if dest:
                for found in _default_values(default, constants, own, known.returned):
                    defaults.setdefault(dest, []).append(found)
    return ModuleValues(
        constants, {k: tuple(v) for k, v in defaults.items()}, _reexports(tree), _class_bases(tree), {k: tuple(v) for k, v in init_defaults.items()},
        env_defaults, own, tuple(dict.fromkeys(read)), returns, imported, env_returns, address_returns,
    )


def _tornado_defines(tree: ast.Module) -> Tuple[FrozenSet[str], FrozenSet[str]]:
    """How the module spells ``tornado.options.define``: (names bound to it,
    ``from tornado.options import define [as d]``; the dotted prefixes
    before ``.define``: ``tornado.options`` for ``import tornado.options``,
    ``options`` for ``from tornado import options``, an ``as`` alias). Read
    only from the module's top-level imports."""
    names: Set[str] = set()
    prefixes: Set[str] = set()
    for stmt in tree.body:
        if isinstance(stmt, ast.ImportFrom) and stmt.level == 0:
            for alias in stmt.names:
                if stmt.module == "tornado.options" and alias.name == "define":
                    names.add(alias.asname or alias.name)
                elif stmt.module == "tornado" and alias.name == "options":
                    prefixes.add(alias.asname or alias.name)
        elif isinstance(stmt, ast.Import):
            for alias in stmt.names:
                if alias.name == "tornado.options":
                    prefixes.add(alias.asname or "tornado.options")
                elif alias.name == "tornado" and alias.asname is None:
                    prefixes.add("tornado.options")
    return frozenset(names), frozenset(prefixes)


def _is_tornado_define(func: ast.AST, defines: Tuple[FrozenSet[str], FrozenSet[str]]) -> bool:
    names, prefixes = defines
    if isinstance(func, ast.Name):
        return func.id in names
    if isinstance(func, ast.Attribute) and func.attr == "define":
        parts: List[str] = []
        node: ast.AST = func.value
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if isinstance(node, ast.Name):
            return ".".join([node.id, *reversed(parts)]) in prefixes
    return False


def _default_values(node: Optional[ast.AST], constants: Dict[str, object], getters: Dict[str, Tuple[int, str, int, str]], returned: Any) -> Tuple[object, ...]:
    """The values a default can take (:func:`_default_value`), or every
    constant a call of a function of the module (or one it imports from the
    project) returns (``default=get_all_interfaces_ip()``); () when unknown."""
    found = _default_value(node, constants, getters)
    if found is not UNKNOWN:
        return (found,)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        return returned(node.func.id)
    return ()


#: the modules whose constants are being read (an import cycle stops here)
_READING: Set[str] = set()


class _Known:
    """Name -> constant for :func:`constant_value` in one module: its own
    constants so far, then a name it imports from a project module
    (``from .net import OCTET``), read from there (through re-exports,
    :data:`MAX_REEXPORT_HOPS`) only when an expression needs it; every file
    read is added to ``read``."""

    def __init__(self, constants: Dict[str, object], imported: Dict[str, Tuple[str, str, int]], path: Optional[Path], read: List[str]) -> None:
        self.constants, self.imported, self.path, self.read = constants, imported, path, read
        self.functions: Dict[str, Tuple[object, ...]] = {}

    def __call__(self, name: str) -> object:
        if name in self.constants:
            return self.constants[name]
        if name in self.imported and self.path is not None:
            module, original, level = self.imported[name]
            return _imported_constant(self.path, module, original, level, self.read, 0)
        return UNKNOWN

    def returned(self, name: str) -> Tuple[object, ...]:
        """What a call of the module's function ``name``, or one it imports
        from the project, returns (every value), () when unknown."""
        if name in self.functions:
            return self.functions[name]
        if name in self.imported and self.path is not None:
            module, original, level = self.imported[name]
            source = module_file(self.path, module, level)
            if source is not None and str(source) not in _READING:
                values = module_values(source)
                if values is not None and original in values.returns:
                    self.read.append(str(source))
                    self.read.extend(values.read)
                    return values.returns[original]
        return ()


def _imported_names(tree: ast.Module) -> Dict[str, Tuple[str, str, int]]:
    """local name -> (module, name there, level) of the module-level
    ``from … import name`` statements (also under a top-level ``if`` or
    ``try``)."""
    found: Dict[str, Tuple[str, str, int]] = {}
    statements: List[ast.stmt] = list(tree.body)
    while statements:
        stmt = statements.pop(0)
        if isinstance(stmt, ast.If):
            statements.extend(stmt.body + stmt.orelse)
        elif isinstance(stmt, ast.Try):
            statements.extend(stmt.body)
        elif isinstance(stmt, ast.ImportFrom) and (stmt.module or stmt.level):
            for alias in stmt.names:
                if alias.name != "*":
                    found.setdefault(alias.asname or alias.name, (stmt.module or "", alias.name, stmt.level or 0))
    return found


def _imported_constant(importer: Path, module: str, name: str, level: int, read: List[str], hops: int) -> object:
    """The constant ``name`` of the project module ``module`` imported from
    ``importer``, following re-exports; UNKNOWN when it is not one."""
    source = module_file(importer, module, level)
    if source is None or str(source) in _READING or os.path.abspath(source) == os.path.abspath(importer):
        return UNKNOWN
    values = module_values(source)
    if values is None:
        return UNKNOWN
    if name in values.constants:
        read.append(str(source))
        read.extend(values.read)
        return values.constants[name]
    if name in values.reexports and hops < MAX_REEXPORT_HOPS:
        target_module, target_name, target_level = values.reexports[name]
        found = _imported_constant(source, target_module, target_name, target_level, read, hops + 1)
        if found is not UNKNOWN:
            read.append(str(source))
        return found
    return UNKNOWN


#: the longest string a constant expression may build
MAX_CONSTANT_CHARS = 10_000


def constant_value(node: Optional[ast.AST], known: Any, depth: int = 0) -> object:
    """The value of a constant expression: a literal, a name ``known``
    gives (a callable: name -> value or UNKNOWN), and f-strings, ``+``,
    ``%`` and ``str.format`` of those (strings and integers only; no
    format spec, no attribute or index in a replacement field). Nothing
    is run but string building; UNKNOWN for anything else."""
    if node is None or depth > 12:
        return UNKNOWN
    literal = _literal(node)
    if literal is not UNKNOWN:
        return literal
    if isinstance(node, ast.Name):
        return known(node.id)
    if isinstance(node, ast.JoinedStr):
        out: List[str] = []
        for part in node.values:
            if isinstance(part, ast.Constant) and isinstance(part.value, str):
                out.append(part.value)
            elif isinstance(part, ast.FormattedValue) and part.format_spec is None and part.conversion in (-1, 115):
                inner = constant_value(part.value, known, depth + 1)
                if not _plain(inner):
                    return UNKNOWN
                out.append(str(inner))
            else:
                return UNKNOWN
        return _bounded("".join(out))
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mod)):
        left = constant_value(node.left, known, depth + 1)
        if left is UNKNOWN:
            return UNKNOWN
        if isinstance(node.op, ast.Add):
            right = constant_value(node.right, known, depth + 1)
            if isinstance(left, str) and isinstance(right, str):
                return _bounded(left + right)
            if _plain(left) and _plain(right) and isinstance(left, int) and isinstance(right, int):
                return left + right
            return UNKNOWN
        if not isinstance(left, str):
            return UNKNOWN
        items = node.right.elts if isinstance(node.right, ast.Tuple) else [node.right]
        values = [constant_value(item, known, depth + 1) for item in items]
        if not all(_plain(v) for v in values):
            return UNKNOWN
        try:
            return _bounded(left % (tuple(values) if isinstance(node.right, ast.Tuple) else values[0]))
        except (TypeError, ValueError, KeyError, OverflowError):
            return UNKNOWN
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        template = constant_value(node.func.value, known, depth + 1)
        if not isinstance(template, str) or any(isinstance(a, ast.Starred) for a in node.args) or any(k.arg is None for k in node.keywords):
            return UNKNOWN
        args = [constant_value(a, known, depth + 1) for a in node.args]
        kwargs = {k.arg: constant_value(k.value, known, depth + 1) for k in node.keywords}
        if not all(_plain(v) for v in (*args, *kwargs.values())) or not _simple_template(template):
            return UNKNOWN
        try:
            return _bounded(template.format(*args, **kwargs))
        except (IndexError, KeyError, ValueError):
            return UNKNOWN
    return UNKNOWN


def _plain(value: object) -> bool:
    return isinstance(value, (str, int)) and not isinstance(value, bool)


def _bounded(text: str) -> object:
    return text if len(text) <= MAX_CONSTANT_CHARS else UNKNOWN


def _simple_template(template: str) -> bool:
    """Every replacement field of a ``str.format`` template is ``{}``, a
    position or a name, without conversion or format spec."""
    import string

    try:
        fields = list(string.Formatter().parse(template))
    except ValueError:
        return False
    for _text, name, spec, conversion in fields:
        if name is None:
            continue
        if spec or conversion or not (name == "" or name.isdigit() or name.isidentifier()):
            return False
    return True


def _ends_in_return(body: List[ast.stmt]) -> bool:
    """The statements cannot run off their end (an implicit ``return None``):
    the last is a ``return`` or ``raise``, or an ``if`` / ``try`` every
    branch of which ends so."""
    if not body:
        return False
    last = body[-1]
    if isinstance(last, (ast.Return, ast.Raise)):
        return True
    if isinstance(last, ast.If):
        return _ends_in_return(last.body) and _ends_in_return(last.orelse)
    if isinstance(last, ast.Try):
        return (_ends_in_return(last.orelse) or _ends_in_return(last.body)) and all(_ends_in_return(h.body) for h in last.handlers)
    if isinstance(last, (ast.With, ast.AsyncWith)):
        return _ends_in_return(last.body)
    return False


def _function_returns(tree: ast.Module, known: "_Known") -> Dict[str, Tuple[object, ...]]:
    """:attr:`ModuleValues.returns` of the module's functions."""
    found: Dict[str, Tuple[object, ...]] = {}
    for stmt in tree.body:
        if not isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        returns = _plain_returns(stmt)
        values: List[Any] = []
        for node in returns or ():
            branches = [node.value.body, node.value.orelse] if isinstance(node.value, ast.IfExp) else [node.value]
            for branch in branches:
                value = constant_value(branch, known) if branch is not None else UNKNOWN
                if value is UNKNOWN:
                    break
                values.append((branch.lineno, branch.col_offset, value))
            else:
                continue
            values = []  # a return that is not a constant
            break
        values = [v for _line, _col, v in sorted(values, key=lambda t: (t[0], t[1]))]  # in the order of the source
        if values:
            found[stmt.name] = tuple(dict.fromkeys(values)) if all(isinstance(v, (str, int)) for v in values) else tuple(values)
    known.functions.update(found)
    return found


def _plain_returns(function: ast.AST) -> Optional[List[ast.Return]]:
    """The ``return`` statements of a function that is not a generator and
    cannot run off its end (``_ends_in_return``); None otherwise."""
    returns: List[ast.Return] = []
    for node in own_nodes(function):
        if isinstance(node, (ast.Yield, ast.YieldFrom)):
            return None
        if isinstance(node, ast.Return):
            returns.append(node)
    return returns if _ends_in_return(function.body) else None  # type: ignore[attr-defined]


def _function_env_returns(tree: ast.Module, known: "_Known", returns: Dict[str, Tuple[object, ...]]) -> Dict[str, Tuple[str, object]]:
    """:attr:`ModuleValues.env_returns` of the module's functions: every
    ``return`` an environment look-up of the same variable with the same
    constant fallback, and the body cannot run off its end."""
    found: Dict[str, Tuple[str, object]] = {}
    for stmt in tree.body:
        if not isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) or stmt.name in returns:
            continue
        seen: Set[Tuple[str, object]] = set()
        for node in _plain_returns(stmt) or ():
            pair = _env_fallback(node.value, known) if node.value is not None else None
            if pair is None or not isinstance(pair[1], (str, int)):
                seen = set()
                break
            seen.add(pair)
        if len(seen) == 1:
            found[stmt.name] = seen.pop()
    return found


def _address_host(node: ast.AST) -> Optional[str]:
    """The name that stands for the host of a ``host:port`` address built in
    a ``return``: ``f"{host}:{port}"``, ``"%s:%s" % (host, port)``,
    ``"{}:{}".format(host, port)``; None otherwise."""
    if isinstance(node, ast.JoinedStr) and len(node.values) >= 2:
        first, second = node.values[0], node.values[1]
        if (
            isinstance(first, ast.FormattedValue) and isinstance(first.value, ast.Name) and first.format_spec is None
            and isinstance(second, ast.Constant) and isinstance(second.value, str) and second.value.startswith(":")
        ):
            return first.value.id
        return None
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod) and isinstance(node.left, ast.Constant) and isinstance(node.left.value, str):
        right = node.right
        if node.left.value.startswith("%s:") and isinstance(right, ast.Tuple) and right.elts and isinstance(right.elts[0], ast.Name):
            return right.elts[0].id
        return None
    if (
        isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format"
        and isinstance(node.func.value, ast.Constant) and isinstance(node.func.value.value, str)
        and node.func.value.value.startswith(("{}:", "{0}:")) and node.args and isinstance(node.args[0], ast.Name)
    ):
        return node.args[0].id
    return None


def _address_returns(tree: ast.Module, known: "_Known") -> Dict[str, Tuple[object, ...]]:
    """:attr:`ModuleValues.address_returns` of the module's functions: every
    ``return`` builds a ``host:port`` address from the same local name
    (:func:`_address_host`), that name is no parameter, nothing but plain
    assignments binds it (no loop, ``with``, ``global``, augmented or
    unpacking target, nested function), and each assignment gives a
    literal (or a constant of the module) or the literal default of a
    look-up: ``params.get(KEY, "0.0.0.0")``, ``os.getenv("HOST",
    "0.0.0.0")``. The hosts recorded are those literals, in source order."""
    found: Dict[str, Tuple[object, ...]] = {}
    for stmt in tree.body:
        if not isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) or not stmt.body:
            continue
        last = stmt.body[-1]
        if not (isinstance(last, ast.Return) and last.value is not None and _address_host(last.value)):
            continue  # cheap first: the function ends by returning an address
        returns = _plain_returns(stmt)
        if not returns:
            continue
        hosts = {_address_host(r.value) if r.value is not None else None for r in returns}
        if len(hosts) != 1 or None in hosts:
            continue
        host = hosts.pop()
        args = stmt.args
        if host in {a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs]} or host in (getattr(args.vararg, "arg", None), getattr(args.kwarg, "arg", None)):
            continue
        values: List[object] = []
        for node in own_nodes(stmt):
            if isinstance(node, (ast.Global, ast.Nonlocal)) and host in node.names:
                values = []
                break
            if isinstance(node, ast.Name) and node.id == host and isinstance(node.ctx, (ast.Store, ast.Del)):
                parent_ok = False
                for assign in own_nodes(stmt):
                    if isinstance(assign, ast.Assign) and len(assign.targets) == 1 and assign.targets[0] is node:
                        parent_ok = True
                        value = assign.value
                        literal = constant_value(value, known)
                        if literal is UNKNOWN:
                            literal = _lookup_default_literal(value, known)
                        if literal is UNKNOWN:
                            parent_ok = False
                        else:
                            values.append(literal)
                        break
                if not parent_ok:
                    values = []
                    break
        else:
            if values:
                found[stmt.name] = tuple(dict.fromkeys(values))
    return found


def _lookup_default_literal(value: ast.AST, known: Any) -> object:
    """The literal default of ``x.get(key, DEFAULT)`` or ``os.getenv(V,
    DEFAULT)`` / ``os.environ.get(V, DEFAULT)``; UNKNOWN otherwise."""
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and value.func.attr in ("get", "getenv") and len(value.args) == 2 and not value.keywords:
        return constant_value(value.args[1], known)
    return UNKNOWN


def _env_fallback(node: ast.AST, known: Any) -> Optional[Tuple[str, object]]:
    """(variable, constant) of ``getenv(V) or CONST``, ``os.environ.get(V)
    or CONST``, ``os.getenv(V, CONST)`` / ``os.environ.get(V, CONST)``, the
    variable a literal or a constant of the module; None otherwise."""
    fallback: Optional[ast.AST] = None
    if isinstance(node, ast.BoolOp) and isinstance(node.op, ast.Or) and len(node.values) == 2:
        node, fallback = node.values
    lookup = _env_lookup(node)
    if lookup is None:
        return None
    variable, default = constant_value(lookup[0], known), lookup[1]
    if fallback is not None and default is None:
        default = fallback  # getenv(V) or CONST: an empty value falls back too
    elif fallback is not None:
        return None
    value = constant_value(default, known) if default is not None else UNKNOWN
    if not isinstance(variable, str) or value is UNKNOWN:
        return None
    return variable, value


def _default_value(node: Optional[ast.AST], constants: Dict[str, object], getters: Dict[str, Tuple[int, str, int, str]]) -> object:
    """A default as the module gives it: a literal, a constant, or the
    literal default of an environment look-up (``os.getenv("HOST",
    "0.0.0.0")``, or a call of an environment getter ``get_env_value("HOST",
    "0.0.0.0")``), which is what runs when the environment does not set it."""
    found = _literal_or_constant(node, constants)
    if found is not UNKNOWN:
        return found
    looked_up = env_default(node) or getter_default(node, getters)
    return looked_up[1] if looked_up is not None else UNKNOWN


_ENV_CALLS = frozenset({"os.getenv", "os.environ.get", "getenv", "environ.get"})


def env_getters(tree: ast.Module) -> Dict[str, Tuple[int, str, int, str]]:
    """The module-level functions that are environment getters
    (:attr:`ModuleValues.env_getters`): a parameter is the variable of an
    ``os.getenv`` / ``os.environ.get`` look-up in the body, and another is
    the look-up's default or is returned as is (``if value is None:
    return default``)."""
    found: Dict[str, Tuple[int, str, int, str]] = {}
    for stmt in tree.body:
        if not isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        params = [a.arg for a in (*stmt.args.posonlyargs, *stmt.args.args)]
        keywords = [a.arg for a in stmt.args.kwonlyargs]
        names = set(params) | set(keywords)
        key = default = None
        returned: Set[str] = set()
        for node in own_nodes(stmt):
            if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Name) and node.args[0].id in names:
                parts: List[str] = []
                func: ast.AST = node.func
                while isinstance(func, ast.Attribute):
                    parts.insert(0, func.attr)
                    func = func.value
                if isinstance(func, ast.Name) and ".".join([func.id, *parts]) in _ENV_CALLS:
                    key = node.args[0].id
                    second = node.args[1] if len(node.args) > 1 else next((k.value for k in node.keywords if k.arg == "default"), None)
                    if isinstance(second, ast.Name) and second.id in names:
                        default = second.id
            if isinstance(node, ast.Return) and isinstance(node.value, ast.Name) and node.value.id in names:
                returned.add(node.value.id)
        if key is None:
            continue
        if default is None:
            others = returned - {key}
            default = others.pop() if len(others) == 1 else None
        if default is None or default == key:
            continue
        position = {name: i for i, name in enumerate(params)}
        found[stmt.name] = (position.get(key, -1), key, position.get(default, -1), default)
    return found


def getter_default(node: Optional[ast.AST], getters: Dict[str, Tuple[int, str, int, str]]) -> Optional[Tuple[str, object]]:
    """(variable, literal default) of a call of an environment getter
    (``get_env_value("HOST", "0.0.0.0")``, also by keyword), or None."""
    if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name) or node.func.id not in getters:
        return None
    key_at, key_name, default_at, default_name = getters[node.func.id]

    def argument(at: int, name: str) -> Optional[ast.AST]:
        if 0 <= at < len(node.args) and not any(isinstance(a, ast.Starred) for a in node.args[: at + 1]):
            return node.args[at]
        return next((k.value for k in node.keywords if k.arg == name), None)

    variable, default = _literal(argument(key_at, key_name)), _literal(argument(default_at, default_name))
    if not isinstance(variable, str) or default is UNKNOWN:
        return None
    return variable, default


_GETTERS_MEMO: Dict[Tuple[str, int, int], Dict[str, Tuple[int, str, int, str]]] = {}


def _imported_getters(tree: ast.Module, path: Path, into: Dict[str, Tuple[int, str, int, str]], read: List[str]) -> None:
    """Add to ``into`` the environment getters the module imports by name
    from the project's own modules (``from .utils import get_env_value``),
    read from their module (its own functions only: no further hop); the
    files read go to ``read``."""
    for stmt in tree.body:
        if not isinstance(stmt, ast.ImportFrom) or not stmt.module and not stmt.level:
            continue
        wanted = [a for a in stmt.names if a.name != "*" and (a.asname or a.name) not in into]
        if not wanted or not any("env" in a.name.lower() for a in wanted):
            continue  # a getter is named for what it reads: other imports cost nothing
        source = module_file(path, stmt.module or "", stmt.level or 0)
        if source is None or os.path.abspath(source) == os.path.abspath(path):
            continue
        getters = _getters_of(source)
        if getters is None:
            continue
        read.append(str(source))
        for alias in wanted:
            if alias.name in getters:
                into[alias.asname or alias.name] = getters[alias.name]


def _file_key(path: Path) -> Optional[Tuple[str, int, int]]:
    """(path, mtime, size): the memo key of a module small enough to read, or None."""
    try:
        stat = path.stat()
    except OSError:
        return None
    if stat.st_size > MAX_MODULE_BYTES:
        return None
    return (str(path), stat.st_mtime_ns, stat.st_size)


def _getters_of(path: Path) -> Optional[Dict[str, Tuple[int, str, int, str]]]:
    key = _file_key(path)
    if key is None:
        return None
    known = _GETTERS_MEMO.get(key)
    if known is None:
        try:
            known = env_getters(ast.parse(path.read_bytes()))
        except (OSError, SyntaxError, ValueError, RecursionError, MemoryError):
            return None
        if len(_GETTERS_MEMO) > 512:
            _GETTERS_MEMO.clear()
        _GETTERS_MEMO[key] = known
    return known


#: the environment look-ups whose second argument (or ``default=``) is the default
_ENV_LOOKUPS = frozenset({"os.getenv", "os.environ.get", "getenv", "environ.get"})


def _env_lookup(node: Optional[ast.AST]) -> Optional[Tuple[ast.AST, Optional[ast.AST]]]:
    """(variable, default or None) of an environment look-up call
    (``os.getenv(V, D)``, ``os.environ.get(V, default=D)``, ``getenv`` /
    ``environ.get`` imported from ``os``); None for anything else."""
    if not isinstance(node, ast.Call) or not node.args:
        return None
    parts: List[str] = []
    func: ast.AST = node.func
    while isinstance(func, ast.Attribute):
        parts.insert(0, func.attr)
        func = func.value
    if not isinstance(func, ast.Name) or ".".join([func.id, *parts]) not in _ENV_LOOKUPS:
        return None
    return node.args[0], node.args[1] if len(node.args) > 1 else next((k.value for k in node.keywords if k.arg == "default"), None)


def env_default(value: Optional[ast.AST]) -> Optional[Tuple[str, object]]:
    """(variable, literal default) of ``os.getenv("HOST", "0.0.0.0")`` /
    ``os.environ.get(...)`` (also as ``getenv`` / ``environ.get`` imported
    from ``os``, or with ``default=``); None for anything else."""
    lookup = _env_lookup(value)
    if lookup is None:
        return None
    variable, found = _literal(lookup[0]), _literal(lookup[1])
    if not isinstance(variable, str) or found is UNKNOWN:
        return None
    return variable, found


def _class_bases(tree: ast.Module) -> Dict[str, Tuple[str, ...]]:
    from mlwarden.core.asttree import import_aliases

    imported: Dict[str, str] = dict(pair for stmt in tree.body for pair in import_aliases(stmt))
    found: Dict[str, Tuple[str, ...]] = {}
    for stmt in tree.body:
        if not isinstance(stmt, ast.ClassDef):
            continue
        bases = []
        for base in stmt.bases:
            parts: List[str] = []
            node: ast.AST = base
            while isinstance(node, ast.Attribute):
                parts.insert(0, node.attr)
                node = node.value
            if not isinstance(node, ast.Name):
                break
            head = imported.get(node.id, node.id)
            bases.append(".".join([head, *parts]))
        else:
            found[stmt.name] = tuple(bases)
    return found


def _reexports(tree: ast.Module) -> Dict[str, Tuple[str, str, int]]:
    found: Dict[str, Tuple[str, str, int]] = {}
    statements = list(tree.body)
    while statements:
        stmt = statements.pop(0)
        if isinstance(stmt, ast.If):
            statements.extend(stmt.body + stmt.orelse)
        elif isinstance(stmt, ast.ImportFrom):
            for alias in stmt.names:
                if alias.name != "*":
                    found.setdefault(alias.asname or alias.name, (stmt.module or "", alias.name, stmt.level or 0))
    return found


def _init_defaults(init: ast.FunctionDef, constants: Dict[str, object]) -> List[Tuple[str, object]]:
    """``self.<attr> = <parameter>`` in ``__init__`` where the parameter's
    default is a literal (or a module constant), and ``self.<attr> =
    <literal>``: the value a default construction gives the attribute
    (``def __init__(self, app, host="0.0.0.0"): self.host = host``)."""
    args = init.args
    params = [*args.posonlyargs, *args.args]
    if not params:
        return []
    me = params[0].arg
    positional = params[len(params) - len(args.defaults):] if args.defaults else []
    param_defaults = {p.arg: d for p, d in zip(positional, args.defaults)}
    param_defaults.update({p.arg: d for p, d in zip(args.kwonlyargs, args.kw_defaults) if d is not None})
    found: List[Tuple[str, object]] = []
    for node in own_nodes(init):
        target = value = None
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            target, value = node.target, node.value
        if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and target.value.id == me and value is not None:
            if isinstance(value, ast.Name) and value.id in param_defaults:
                literal = _literal_or_constant(param_defaults[value.id], constants)
            else:
                literal = _literal(value) if isinstance(value, ast.Constant) else UNKNOWN
            if literal is not UNKNOWN:
                found.append((target.attr, literal))
    return found


def _is_property(function: ast.AST) -> bool:
    for decorator in function.decorator_list:  # type: ignore[attr-defined]
        name = decorator.attr if isinstance(decorator, ast.Attribute) else decorator.id if isinstance(decorator, ast.Name) else ""
        if name in ("property", "cached_property"):
            return True
    return False


def _property_default(function: ast.AST) -> object:
    """The literal every ``return`` of a property gives: a literal, the
    default of ``os.getenv("X", default)`` / ``os.environ.get(...)``, or a
    getter's ``default=`` keyword (``self._env("host", default="0.0.0.0")``);
    UNKNOWN when any return is something else, or they differ."""
    found: List[object] = []
    for node in own_nodes(function):
        if isinstance(node, ast.Return):
            value = node.value
            literal = _literal(value)
            if literal is UNKNOWN and isinstance(value, ast.Call):
                keyword = next((k.value for k in value.keywords if k.arg == "default"), None)
                getter = value.func.attr if isinstance(value.func, ast.Attribute) else value.func.id if isinstance(value.func, ast.Name) else ""
                if keyword is not None:
                    literal = _literal(keyword)
                elif getter in ("getenv", "get") and len(value.args) == 2:
                    literal = _literal(value.args[1])
            if literal is UNKNOWN:
                return UNKNOWN
            found.append(literal)
    if not found or any(v != found[0] or type(v) is not type(found[0]) for v in found):
        return UNKNOWN
    return found[0]


def _argparse_dest(call: ast.Call) -> Optional[str]:
    for kw in call.keywords:
        if kw.arg == "dest" and isinstance(kw.value, ast.Constant) and isinstance(kw.value.value, str):
            return kw.value.value
    flags = [a.value for a in call.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
    long = [f for f in flags if f.startswith("--")]
    chosen = long[0] if long else (flags[0] if flags else None)
    return chosen.lstrip("-").replace("-", "_") if chosen else None


def module_file(unit_path: Path, module: str, level: int) -> Optional[Path]:
    """The file of ``module`` imported from ``unit_path`` (``level`` dots),
    when it is the project's own: a relative import, or an absolute one of
    the file's own top-level package. None for anything else."""
    parts = [p for p in module.split(".") if p] if module else []
    if level:
        base = unit_path.parent
        for _ in range(level - 1):
            base = base.parent
    else:
        top: Optional[Path] = None
        directory = unit_path.parent
        while (directory / "__init__.py").is_file():
            top = directory
            if directory.parent == directory:
                break
            directory = directory.parent
        if top is None or not parts or parts[0] != top.name:
            return None
        base = top.parent
    if not parts:
        return None  # `from . import x`: x is a module, not a value
    target = base.joinpath(*parts)
    for candidate in (target.parent / (target.name + ".py"), target / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


@dataclass
class ProjectValues:
    """The values of the project modules one file imports from."""

    #: local name -> the literal it is imported as (``from .c import HOST as H``)
    constants: Dict[str, object] = field(default_factory=dict)
    #: attribute name -> literal defaults, over the imported modules
    attribute_defaults: Dict[str, Tuple[object, ...]] = field(default_factory=dict)
    #: local name -> the dotted bases of the class it is imported as
    class_bases: Dict[str, Tuple[str, ...]] = field(default_factory=dict)
    #: attribute name -> literals the imported modules' ``__init__`` methods set it to
    init_defaults: Dict[str, Tuple[object, ...]] = field(default_factory=dict)
    #: local name of an imported project *module* -> its constants
    #: (``from pkg.core import constants`` … ``constants.DEFAULT_HOST``,
    #: ``from . import settings``, ``import pkg.settings as settings``)
    modules: Dict[str, Dict[str, object]] = field(default_factory=dict)
    #: local name -> (variable, default) of an imported environment look-up
    #: (``from .env import HOST`` with ``HOST = os.getenv("HOST", "0.0.0.0")``
    #: there), and the same for the names of an imported project module
    env_constants: Dict[str, Tuple[str, object]] = field(default_factory=dict)
    module_env: Dict[str, Dict[str, Tuple[str, object]]] = field(default_factory=dict)
    #: local name -> the spec of an imported environment getter (:attr:`ModuleValues.env_getters`)
    env_getters: Dict[str, Tuple[int, str, int, str]] = field(default_factory=dict)
    #: local name -> every constant an imported function returns (:attr:`ModuleValues.returns`)
    returns: Dict[str, Tuple[object, ...]] = field(default_factory=dict)
    #: local name -> (variable, default) of an imported function that returns an
    #: environment look-up with a constant fallback (:attr:`ModuleValues.env_returns`)
    env_returns: Dict[str, Tuple[str, object]] = field(default_factory=dict)
    #: local name -> the default hosts of the address an imported function
    #: returns (:attr:`ModuleValues.address_returns`)
    address_returns: Dict[str, Tuple[object, ...]] = field(default_factory=dict)
    #: the files read
    files: Set[str] = field(default_factory=set)

    def constant(self, name: str) -> object:
        return self.constants.get(name, UNKNOWN)

    def module_constant(self, module: str, name: str) -> object:
        """``module.name`` where ``module`` is the local name of an imported
        project module that assigns ``name`` once, to a literal."""
        return self.modules.get(module, {}).get(name, UNKNOWN)

    def env_constant(self, name: str, module: Optional[str] = None) -> Optional[Tuple[str, object]]:
        """(variable, default) when ``name`` (or ``module.name``) is an
        imported module-level ``os.getenv(variable, default)``; None otherwise."""
        if module is not None:
            return self.module_env.get(module, {}).get(name)
        return self.env_constants.get(name)


def project_values(unit: Any) -> ProjectValues:
    """:class:`ProjectValues` of ``unit`` (a file on disk with code),
    memoised on the unit; records the files read (module docs)."""
    extra = getattr(unit, "extra", None)
    if extra is None:
        return ProjectValues()
    known = extra.get("project_values")
    if known is not None:
        return known
    found = ProjectValues()
    extra["project_values"] = found
    path = getattr(unit, "path", None)
    code = getattr(unit, "code", None)
    if path is None or code is None:
        return found
    path = Path(path)
    if not path.is_file():
        return found  # an unsaved editor buffer: no project position to read from
    tree = extra.get("ast")
    if tree is None:
        try:
            tree = ast.parse(code.source)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return found
    for stmt in tree.body:
        if isinstance(stmt, ast.Import):
            for alias in stmt.names:
                if alias.asname:  # `import pkg.settings as settings`: a project module under a name
                    _take_module(found, path, alias.name, 0, alias.asname)
            continue
        if not isinstance(stmt, ast.ImportFrom) or any(a.name == "*" for a in stmt.names):
            continue
        read = _read_from(found, path, stmt.module or "", stmt.level or 0)
        for alias in stmt.names:
            local = alias.asname or alias.name
            if read is not None and _take(found, read[1], alias.name, local):
                continue
            # `from pkg.core import constants`, `from . import settings`: a submodule, used as `constants.X`
            if _take_module(found, path, f"{stmt.module}.{alias.name}" if stmt.module else alias.name, stmt.level or 0, local):
                continue
            if read is not None:
                _follow_reexport(found, read[0], read[1], alias.name, local, 0)
        if read is not None:
            _add_defaults(found, read[1])
    if found.files:
        extra.setdefault("read_files", set()).update(found.files)
    return found


def _read_from(found: ProjectValues, importer: Path, module: str, level: int) -> Optional[Tuple[Path, ModuleValues]]:
    """The project module ``importer`` imports from (``from <level dots><module>
    import …``) and its values, recorded as read; None when it is not the
    project's, is the importer itself, or cannot be read."""
    source = module_file(importer, module, level)
    if source is None or os.path.abspath(source) == os.path.abspath(importer):
        return None
    values = module_values(source)
    if values is None:
        return None
    found.files.add(str(source))
    found.files.update(values.read)
    return source, values


def _take_module(found: ProjectValues, importer: Path, module: str, level: int, local: str) -> bool:
    """Record the constants of the project module ``module`` under
    ``local``, and its field and option defaults; False when it is not a
    module of the project that can be read."""
    read = _read_from(found, importer, module, level)
    if read is None:
        return False
    found.modules[local] = read[1].constants
    if read[1].env_defaults:
        found.module_env[local] = read[1].env_defaults
    _add_defaults(found, read[1])
    return True


def _take(found: ProjectValues, values: ModuleValues, name: str, local: str) -> bool:
    """Record what ``values`` defines for ``name`` (a constant, a class's
    bases) under ``local``; False when it defines neither."""
    taken = False
    if name in values.constants:
        found.constants[local] = values.constants[name]
        taken = True
    if name in values.class_bases:
        found.class_bases[local] = values.class_bases[name]
        taken = True
    if name in values.env_defaults:
        found.env_constants[local] = values.env_defaults[name]
        taken = True
    if name in values.env_getters:
        found.env_getters[local] = values.env_getters[name]
        taken = True
    if name in values.returns:
        found.returns[local] = values.returns[name]
        taken = True
    if name in values.env_returns:
        found.env_returns[local] = values.env_returns[name]
        taken = True
    if name in values.address_returns:
        found.address_returns[local] = values.address_returns[name]
        taken = True
    return taken


def _add_defaults(found: ProjectValues, values: ModuleValues) -> None:
    for attr, literals in values.attribute_defaults.items():
        found.attribute_defaults[attr] = found.attribute_defaults.get(attr, ()) + literals
    for attr, literals in values.init_defaults.items():
        found.init_defaults[attr] = found.init_defaults.get(attr, ()) + literals


#: how many re-exporting modules are followed (``pkg/__init__.py`` ->
#: ``pkg/args/__init__.py`` -> ``pkg/args/deploy.py``)
MAX_REEXPORT_HOPS = 3


def _follow_reexport(found: ProjectValues, module: Path, values: ModuleValues, name: str, local: str, hops: int) -> None:
    """``name``, imported as ``local`` from ``module``, which only
    re-exports it from another of the project's modules (``from .settings
    import Settings`` in ``__init__.py``): read the module that defines it,
    as if the file had imported from there."""
    if hops >= MAX_REEXPORT_HOPS or name not in values.reexports:
        return
    target_module, target_name, level = values.reexports[name]
    read = _read_from(found, module, target_module, level)
    if read is None:
        return
    source, target = read
    if _take(found, target, target_name, local) and target_name not in target.class_bases:
        return  # a constant: nothing more to read
    _add_defaults(found, target)
    _follow_reexport(found, source, target, target_name, local, hops + 1)


#: at most this many files of a package are looked through for the calls of a class
MAX_PACKAGE_FILES = 2000


def constructor_calls(unit: Any, class_name: str) -> List[Tuple[Path, ast.Call, Optional[ast.AST]]]:
    """(file, call, enclosing function or None) for every call of
    ``class_name`` in the other modules of the unit's top-level package that
    import it from the unit's module (``from .server import Server`` …
    ``Server(host="0.0.0.0")`` in ``cli.py``, ``import … as`` names too).
    A file that does not contain the name is not parsed; the files with
    calls are recorded as read (module docs). Memoised on the unit."""
    path = getattr(unit, "path", None)
    if path is None:
        return []
    return importing_calls(unit, Path(path), class_name)


def importing_calls(unit: Any, path: Path, class_name: str) -> List[Tuple[Path, ast.Call, Optional[ast.AST]]]:
    """:func:`constructor_calls` of the name ``class_name`` defined in the
    project module ``path`` (the unit's own file, or another module whose
    function's callers are followed, :func:`function_callers`)."""
    extra = getattr(unit, "extra", None)
    if extra is None:
        return []
    memo = extra.setdefault("constructor_calls", {})
    key = class_name if str(path) == str(getattr(unit, "path", None)) else (str(path), class_name)
    if key in memo:
        return memo[key]
    found: List[Tuple[Path, ast.Call, Optional[ast.AST]]] = []
    memo[key] = found
    top: Optional[Path] = None
    directory = path.parent
    while path.is_file() and (directory / "__init__.py").is_file():
        top = directory
        if directory.parent == directory:
            break
        directory = directory.parent
    if top is None:
        return found
    me = os.path.abspath(path)
    for index, source in enumerate(sorted(top.rglob("*.py"))):
        if index >= MAX_PACKAGE_FILES:
            break
        if os.path.abspath(source) == me:
            continue
        try:
            if source.stat().st_size > MAX_MODULE_BYTES:
                continue
            text = source.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        if class_name not in text:
            continue
        tree = module_tree(source)  # shared: a caller found here is followed in the same tree
        if tree is None:
            continue
        # the names it is imported as, in the scope that imports it: the module, or a function
        # (`def main(): from .server import serve` binds `serve` in `main` only)
        local: Dict[Optional[ast.AST], Set[str]] = {}
        scan: List[Tuple[ast.AST, Optional[ast.AST]]] = [(tree, None)]
        while scan:
            node, function = scan.pop()
            if isinstance(node, ast.ImportFrom):
                for alias in node.names:
                    if alias.name == class_name:
                        target = module_file(source, node.module or "", node.level or 0)
                        if target is not None and os.path.abspath(target) == me:
                            local.setdefault(function, set()).add(alias.asname or alias.name)
            inner = node if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) else function
            scan.extend((child, inner) for child in ast.iter_child_nodes(node))
        if not local:
            continue
        before = len(found)
        stack: List[Tuple[ast.AST, Optional[ast.AST], FrozenSet[str]]] = [(tree, None, frozenset(local.get(None, ())))]
        while stack:
            node, function, visible = stack.pop()
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in visible:
                found.append((source, node, function))
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                function, visible = node, visible | local.get(node, frozenset())
            stack.extend((child, function, visible) for child in ast.iter_child_nodes(node))
        if len(found) > before:
            extra.setdefault("read_files", set()).add(str(source))
    return found


def attributes_defaulting_to(values: Any, wanted: FrozenSet[object], constructed: bool = False) -> FrozenSet[str]:
    """Attribute names whose every literal default is in ``wanted``; with
    ``constructed``, those an ``__init__`` sets instead (:attr:`ModuleValues.init_defaults`)."""
    found = values.init_defaults if constructed else values.attribute_defaults
    return frozenset(attr for attr, literals in found.items() if literals and all(_hashable_in(v, wanted) for v in literals))


def _hashable_in(value: object, wanted: FrozenSet[object]) -> bool:
    try:
        return value in wanted
    except TypeError:
        return False


_TREES: Dict[Tuple[str, int, int], Optional[ast.Module]] = {}


def module_tree(path: Path) -> Optional[ast.Module]:
    """The ``ast`` of a project module (None when it cannot be read or
    parsed), memoised on the file's size and modification time."""
    key = _file_key(path)
    if key is None:
        return None
    if key not in _TREES:
        try:
            tree: Optional[ast.Module] = ast.parse(path.read_bytes())
        except (OSError, SyntaxError, ValueError, RecursionError, MemoryError):
            tree = None
        if len(_TREES) > 256:
            _TREES.clear()
        _TREES[key] = tree
    return _TREES[key]


def function_callers(unit: Any, path: Path, function: ast.AST) -> List[Tuple[Path, ast.Call, Optional[ast.AST]]]:
    """(file, call, enclosing function) for every call of the module-level
    ``function`` of the project module ``path``: in that module itself
    (by its name; not inside the function) and in the package's modules
    that import it (:func:`importing_calls`); every file with calls is
    recorded as read."""
    name = getattr(function, "name", None)
    tree = module_tree(path)
    if name is None or tree is None:
        return []
    found: List[Tuple[Path, ast.Call, Optional[ast.AST]]] = []
    stack: List[Tuple[ast.AST, Optional[ast.AST]]] = [(tree, None)]
    while stack:
        node, owner = stack.pop()
        if node is function:
            continue
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == name:
            found.append((path, node, owner))
        inner = node if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) else owner
        stack.extend((child, inner) for child in ast.iter_child_nodes(node))
    found.extend(importing_calls(unit, path, name))
    extra = getattr(unit, "extra", None)
    if extra is not None and str(path) != str(getattr(unit, "path", None)):
        extra.setdefault("read_files", set()).add(str(path))
    return found


def module_name_value(path: Path, name: str) -> object:
    """The constant the project module ``path`` binds ``name`` to (its
    own, or one it imports from another project module); UNKNOWN otherwise."""
    values = module_values(path)
    if values is None:
        return UNKNOWN
    if name in values.constants:
        return values.constants[name]
    if name in values.imports:
        module, original, level = values.imports[name]
        return _imported_constant(path, module, original, level, [], 0)
    return UNKNOWN


def module_name_returns(path: Path, name: str) -> Tuple[object, ...]:
    """Every constant a call of ``name`` in the project module ``path``
    returns (its own function, or one it imports from the project); ()
    when unknown."""
    values = module_values(path)
    if values is None:
        return ()
    known = _Known(values.constants, values.imports, path, [])
    known.functions.update(values.returns)
    return known.returned(name)


#: what a project's own unpickling wrapper may hand its argument to
UNPICKLERS = frozenset(
    f"{m}.{f}" for m in ("pickle", "cloudpickle", "dill") for f in ("load", "loads")
)
#: (file key, function) -> the unpickler it calls, or "" (memo of :func:`_unpickler_of`)
_WRAPPERS: Dict[Tuple[Tuple[str, int, int], str], str] = {}
#: (importer's package directory, module, level) -> the module's file (memo of :func:`module_file`)
_MODULE_FILES: Dict[Tuple[str, str, int], Optional[Path]] = {}


def unpickling_wrapper(unit: Any, module: str, function: str, level: int = 0) -> Optional[str]:
    """The unpickler (``"pickle.loads"``) that ``function`` of the project
    module ``module`` (imported from ``unit``'s file with ``level`` dots) hands
    its first parameter to, read from the function's body: a project module
    that wraps pickle (``def loads(x, *, buffers=()): … return
    pickle.loads(x, buffers=buffers)``, dask's ``distributed.protocol.pickle``)
    or re-exports it (``from pickle import loads``, ``loads =
    cloudpickle.loads``). None when the module is not the project's or the
    function does something else with its argument. The module is parsed
    with ``ast`` (never imported), once per run, and recorded as read for the
    results cache."""
    raw = getattr(unit, "path", None)
    if not raw or function not in ("load", "loads"):
        return None
    path = Path(raw)
    key = (str(path.parent), module, level)
    if key not in _MODULE_FILES:
        if len(_MODULE_FILES) > 4096:
            _MODULE_FILES.clear()
        _MODULE_FILES[key] = module_file(path, module, level)
    target = _MODULE_FILES[key]
    if target is None or target.resolve() == path.resolve():
        return None
    found = _unpickler_of(target, function)
    extra = getattr(unit, "extra", None)
    if isinstance(extra, dict):
        extra.setdefault("read_files", set()).add(str(target))
    return found


def _unpickler_of(path: Path, function: str) -> Optional[str]:
    file_key = _file_key(path)
    if file_key is None:
        return None
    memo = (file_key, function)
    if memo not in _WRAPPERS:
        if len(_WRAPPERS) > 1024:
            _WRAPPERS.clear()
        tree = module_tree(path) if file_key[2] <= MAX_MODULE_BYTES else None
        _WRAPPERS[memo] = (_read_unpickler(tree, function) or "") if tree is not None else ""
    return _WRAPPERS[memo] or None


def _read_unpickler(tree: ast.Module, function: str) -> Optional[str]:
    from mlwarden.core.bindings import ModuleFacts, canonical, dotted_parts

    facts = ModuleFacts.from_ast(tree)

    def meaning(expr: ast.AST) -> Optional[str]:
        parts = dotted_parts(expr)
        if not parts:
            return None
        for qual in sorted(facts.imports.get(parts[0], ())):
            name = canonical(".".join([qual, *parts[1:]]))
            if name in UNPICKLERS:
                return name
        return None

    definition: Optional[ast.AST] = None
    for stmt in tree.body:  # the last module-level binding of the name wins
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and stmt.name == function:
            definition = stmt
        elif isinstance(stmt, ast.Assign) and any(isinstance(t, ast.Name) and t.id == function for t in stmt.targets):
            definition = stmt
        elif isinstance(stmt, (ast.Import, ast.ImportFrom)) and any((a.asname or a.name) == function for a in stmt.names):
            definition = stmt
    if isinstance(definition, ast.ImportFrom):
        return meaning(ast.Name(id=function)) if not definition.level else None  # from pickle import loads
    if isinstance(definition, ast.Assign):
        return meaning(definition.value)  # loads = cloudpickle.loads
    if not isinstance(definition, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return None
    params = [a.arg for a in (*definition.args.posonlyargs, *definition.args.args)]
    if not params:
        return None
    first = params[0]
    for node in ast.walk(definition):
        if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Name) and node.args[0].id == first:
            found = meaning(node.func)
            if found is not None:
                return found
    return None


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
