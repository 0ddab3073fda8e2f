"""A load at module level (a script's top level, its ``if __name__ ==
"__main__":`` block, a notebook's cells) of a file that the same file wrote
earlier with a serializer at the same path (issue 14, session 8): an example
or a tutorial that reloads its own training's checkpoint.

Not a round trip (the path may name a file that was there before the write
replaced it, and a user may run a notebook's cells out of order), so the
rules report it, at low severity, saying where the file was written
(:func:`written_note`). What counts, all read with ``ast`` from the unit's
whole source (so the fast path and ``full=True`` agree):

* the load runs at module level (not in a function, class or lambda);
* a write runs earlier in a block that encloses the load (the module body,
  or the body of an ``if``/``with``/``for``/``try`` the load is itself in),
  as a statement of its own: ``torch.save(x, P)``, ``joblib.dump(x, P)``,
  ``pickle.dump(x, open(P, "wb"))``, ``df.to_pickle(P)``, or ``with open(P,
  "wb") as f:`` around ``pickle.dump(x, f)``; a write inside an ``if``,
  loop or ``try`` of its own does not count;
* ``P`` is the same expression as the load's path (``open(P, "rb")`` and a
  handle opened on it in a ``with`` count), built only from literals, names
  and calls (``os.path.join(LOG_DIR, "model.pt")``, ``f"{out}/m.pt"``): no
  attribute or subscript values, which other code can change;
* no name of ``P`` is bound at module level between the write and the load,
  and no function in the file declares it ``global``;
* no other call between the write and the load (at module level) and no
  call inside a function of the file is handed ``P`` (or, for a literal
  path, the same string however it is named), except loads, reads,
  other writes and a few harmless calls (``os.makedirs``, ``print``,
  ``os.path.exists``…): a download or a copy into the path breaks it.
"""

from __future__ import annotations

import ast
from functools import lru_cache
from typing import Dict, List, Mapping, Optional, Sequence, Tuple

from mlwarden.core.asttree import import_aliases

#: function-style writers followed here (their (position, keyword) come from
#: the round-trip table, which the caller passes in: less those that write
#: archives, YAML or directories)
_WRITER_NAMES = (
    "torch.save", "joblib.dump", "pickle.dump", "dill.dump", "cloudpickle.dump", "marshal.dump",
    "numpy.save", "pandas.to_pickle", "skops.io.dump",
)
#: writers into an open handle (``with open(p, "wb") as f: pickle.dump(x, f)``)
_HANDLE_WRITERS = frozenset({"pickle.dump", "dill.dump", "cloudpickle.dump", "marshal.dump", "torch.save", "joblib.dump", "numpy.save"})
#: writers that take only an open handle
_HANDLE_ONLY = frozenset({"pickle.dump", "dill.dump", "cloudpickle.dump", "marshal.dump", "skops.io.dump"})
#: calls that may be handed the path between the write and the load without changing the file
_HARMLESS = frozenset(
    {
        "print", "len", "str", "repr", "os.makedirs", "os.path.exists", "os.path.isfile", "os.path.getsize",
        "os.path.dirname", "os.path.basename", "os.path.join", "os.path.abspath", "os.stat", "pathlib.Path",
        "logging.info", "logging.debug", "logging.warning",
    }
)
_HARMLESS_METHODS = frozenset({"info", "debug", "warning", "exists", "is_file", "stat", "format", "mkdir"})
#: method or function names that only read the file (``torch.load``, ``Path.read_bytes``)
_READS = frozenset({"load", "loads", "read_pickle", "read_bytes", "read_text", "open", "load_state_dict", "read_csv", "read_json"})


def written_note(
    source: Optional[str],
    load_line: Optional[int],
    path_code: Optional[str],
    handle: Optional[str],
    writers: Mapping[str, Tuple[int, str]],
) -> Optional[int]:
    """The view line of the write that makes the module-level load at
    ``load_line`` (reading
    the path written ``path_code``, or through the ``with`` handle named
    ``handle``; ``writers`` maps a writer's qualified name to the (position,
    keyword) of its destination) a reload of the file's own output, or None."""
    if not isinstance(source, str) or load_line is None or (path_code is None and handle is None):
        return None
    index = _index(source)
    if index is None:
        return None
    index.writers = {name: writers[name] for name in _WRITER_NAMES if name in writers}
    chain = index.chain(load_line)
    if chain is None:
        return None
    path = _read_path(index, chain, load_line, path_code, handle)
    if path is None or not _plain(path):
        return None
    key = ast.dump(path)
    names = {n.id for n in ast.walk(path) if isinstance(n, ast.Name)} - _callee_names(path)
    if names & index.globals_declared:
        return None
    write_line = None
    for block, stop in chain:
        for stmt in block[:stop]:
            if _writes(index, stmt, key):
                write_line = stmt.lineno
    if write_line is None:
        return None
    # a loop around the load that the write is not in runs its whole body between them
    last = max([load_line] + [
        block[stop].end_lineno or load_line
        for block, stop in chain
        if isinstance(block[stop], (ast.For, ast.AsyncFor, ast.While)) and block[stop].lineno > write_line
    ])
    for name in names:
        if any(write_line < line <= last for line in index.module_bindings.get(name, ())):
            return None
    bare = {ast.dump(ast.Name(id=name, ctx=ast.Load())) for name in names}
    literal = index.literal(path)
    for call, in_function in index.calls:
        if not in_function and not write_line < call.lineno <= last:
            continue
        arguments = _arguments(call)
        handed = [ast.dump(a) for a in arguments]
        same = any(h == key or h in bare for h in handed) or (literal is not None and any(index.literal(a) == literal for a in arguments))
        if same and not _allowed(index, call, key):
            return None
    return write_line


class _Index:
    def __init__(self, tree: ast.Module) -> None:
        self.tree = tree
        self.writers: Dict[str, Tuple[int, str]] = {}
        self.imports: Dict[str, str] = {}
        self.module_bindings: Dict[str, List[int]] = {}
        self.globals_declared: set = set()
        #: module-level ``NAME = "literal"`` (used only for names bound once)
        self.constants: Dict[str, str] = {}
        for stmt in tree.body:
            if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
                if isinstance(stmt.value, ast.Constant) and isinstance(stmt.value.value, str):
                    self.constants[stmt.targets[0].id] = stmt.value.value
        #: (call, inside a function or lambda)
        self.calls: List[Tuple[ast.Call, bool]] = []
        stack: List[Tuple[ast.AST, bool]] = [(tree, False)]
        while stack:
            node, in_function = stack.pop()
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                self.imports.update(import_aliases(node))
            if isinstance(node, ast.Call):
                self.calls.append((node, in_function))
            elif isinstance(node, ast.Global):
                self.globals_declared.update(node.names)
            elif not in_function and isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
                self.module_bindings.setdefault(node.id, []).append(node.lineno)
            elif not in_function and isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                self.module_bindings.setdefault(node.name, []).append(node.lineno)
            elif not in_function and isinstance(node, (ast.Import, ast.ImportFrom)):
                for alias in node.names:
                    self.module_bindings.setdefault((alias.asname or alias.name).split(".")[0], []).append(node.lineno)
            inner = in_function or isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef))
            for child in ast.iter_child_nodes(node):
                stack.append((child, inner))

    def literal(self, expr: ast.expr) -> Optional[str]:
        """The string ``expr`` is: a literal, or a name bound once at module
        level to one (``WEIGHTS = "weights.pt"``); None otherwise."""
        if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
            return expr.value
        if isinstance(expr, ast.Name) and len(self.module_bindings.get(expr.id, ())) == 1:
            return self.constants.get(expr.id)
        return None

    def qualname(self, func: ast.expr) -> str:
        parts: List[str] = []
        while isinstance(func, ast.Attribute):
            parts.append(func.attr)
            func = func.value
        if not isinstance(func, ast.Name):
            return ""
        head = self.imports.get(func.id, func.id)
        return ".".join([head, *reversed(parts)])

    def chain(self, line: int) -> Optional[List[Tuple[Sequence[ast.stmt], int]]]:
        """The blocks from the module down to the statement at ``line``, each
        with the index of the statement the load is in; None when the line
        is inside a function, class or lambda (or in no statement)."""
        out: List[Tuple[Sequence[ast.stmt], int]] = []
        block: Sequence[ast.stmt] = self.tree.body
        while True:
            found = _holding(block, line)
            if found is None:
                return None
            out.append((block, found))
            stmt = block[found]
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                return None
            inner = _inner_block(stmt, line)
            if inner is None:
                if any(isinstance(n, ast.Lambda) and n.lineno <= line <= (n.end_lineno or n.lineno) for n in ast.walk(stmt)):
                    return None
                return out
            block = inner


def _holding(block: Sequence[ast.stmt], line: int) -> Optional[int]:
    """The index of the statement of ``block`` that spans ``line``, or None."""
    for position, stmt in enumerate(block):
        if stmt.lineno <= line <= (getattr(stmt, "end_lineno", None) or stmt.lineno):
            return position
    return None


def _inner_block(stmt: ast.stmt, line: int) -> Optional[Sequence[ast.stmt]]:
    """The block of compound ``stmt`` that holds ``line`` (None for a simple statement)."""
    blocks: List[Sequence[ast.stmt]] = []
    for field in ("body", "orelse", "finalbody"):
        value = getattr(stmt, field, None)
        if isinstance(value, list) and value and isinstance(value[0], ast.stmt):
            blocks.append(value)
    for handler in getattr(stmt, "handlers", ()) or ():
        blocks.append(handler.body)
    for case in getattr(stmt, "cases", ()) or ():
        blocks.append(case.body)
    for block in blocks:
        if block[0].lineno <= line <= (getattr(block[-1], "end_lineno", None) or block[-1].lineno):
            return block
    return None


@lru_cache(maxsize=8)
def _index(source: str) -> Optional[_Index]:
    from mlwarden.core.asttree import module_ast

    tree = module_ast(source)  # the engine's tree (core/asttree.py): read, never changed
    if tree is None:
        return None
    try:
        return _Index(tree)
    except RecursionError:
        return None


def _plain(path: ast.expr) -> bool:
    """Built from literals, names and calls only (``a.b`` only as a callee)."""
    callees = {id(n) for c in ast.walk(path) if isinstance(c, ast.Call) for n in ast.walk(c.func)}
    for node in ast.walk(path):
        if isinstance(node, (ast.Attribute, ast.Subscript, ast.Starred, ast.NamedExpr, ast.Await, ast.Lambda)) and id(node) not in callees:
            return False
    return isinstance(path, (ast.Constant, ast.Name, ast.JoinedStr, ast.BinOp, ast.Call)) and not (
        isinstance(path, ast.Constant) and not isinstance(path.value, (str, bytes))
    )


def _callee_names(path: ast.expr) -> set:
    return {n.id for c in ast.walk(path) if isinstance(c, ast.Call) for n in ast.walk(c.func) if isinstance(n, ast.Name)}


def _arg(call: ast.Call, position: int, keyword: str) -> Optional[ast.expr]:
    for kw in call.keywords:
        if kw.arg == keyword:
            return kw.value
    if len(call.args) > position and not any(isinstance(a, ast.Starred) for a in call.args[: position + 1]):
        return call.args[position]
    return None


def _mode(index: _Index, call: ast.Call) -> Optional[str]:
    """The mode string of an ``open(path, mode)`` call (``"r"`` when none), or None when not an open."""
    if index.qualname(call.func) not in ("open", "io.open", "builtins.open"):
        return None
    mode = _arg(call, 1, "mode")
    if mode is None:
        return "r"
    return mode.value if isinstance(mode, ast.Constant) and isinstance(mode.value, str) else None


def _opened_for_reading(index: _Index, path: ast.expr) -> Optional[ast.expr]:
    """``P`` of ``open(P, "rb")``; None for anything else."""
    if isinstance(path, ast.Call):
        mode = _mode(index, path)
        if mode is not None and not any(c in mode for c in "wax+"):
            return _arg(path, 0, "file")
    return None


def _handle_path(index: _Index, chain, handle: str, load_line: int) -> Optional[ast.expr]:
    """The path of ``with open(P, "rb") as handle:`` around the load."""
    for block, stop in chain:
        stmt = block[stop]
        if isinstance(stmt, (ast.With, ast.AsyncWith)) and stmt.body and stmt.body[0].lineno <= load_line:
            for item in stmt.items:
                if isinstance(item.optional_vars, ast.Name) and item.optional_vars.id == handle and isinstance(item.context_expr, ast.Call):
                    return _opened_for_reading(index, item.context_expr)
    return None


def _writes(index: _Index, stmt: ast.stmt, key: str) -> bool:
    """``stmt`` is, on its own, a serializer writing to the path ``key``."""
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
        return _destination(index, stmt.value) == key
    if isinstance(stmt, (ast.With, ast.AsyncWith)):
        handles = set()
        for item in stmt.items:
            if isinstance(item.context_expr, ast.Call) and isinstance(item.optional_vars, ast.Name):
                mode = _mode(index, item.context_expr)
                target = _arg(item.context_expr, 0, "file")
                if mode is not None and any(c in mode for c in "wax") and target is not None and ast.dump(target) == key:
                    handles.add(item.optional_vars.id)
        for inner in stmt.body:
            if handles and isinstance(inner, ast.Expr) and isinstance(inner.value, ast.Call):
                name = index.qualname(inner.value.func)
                if name in _HANDLE_WRITERS and name in index.writers:
                    dest = _arg(inner.value, *index.writers[name])
                    if isinstance(dest, ast.Name) and dest.id in handles:
                        return True
    return False


def _destination(index: _Index, call: ast.Call) -> Optional[str]:
    """The ``ast.dump`` of the path a serializer call writes, or None."""
    name = index.qualname(call.func)
    dest: Optional[ast.expr] = None
    if name in index.writers:
        dest = _arg(call, *index.writers[name])
    elif isinstance(call.func, ast.Attribute) and call.func.attr == "to_pickle" and len(call.args) + len(call.keywords) >= 1:
        dest = _arg(call, 0, "path")
    if dest is None:
        return None
    if name in _HANDLE_ONLY and not isinstance(dest, ast.Call):
        return None  # a handle bound elsewhere: only `open(P, "wb")` here or a `with` around the write is followed
    if isinstance(dest, ast.Call):
        mode = _mode(index, dest)
        if mode is None or not any(c in mode for c in "wax"):
            return None
        dest = _arg(dest, 0, "file")
        if dest is None:
            return None
    return ast.dump(dest)


def _arguments(call: ast.Call) -> List[ast.expr]:
    return [*call.args, *(kw.value for kw in call.keywords)]


def _allowed(index: _Index, call: ast.Call, key: str) -> bool:
    """A call handed the path that cannot have put other bytes there."""
    name = index.qualname(call.func)
    if name in _HARMLESS or _destination(index, call) == key:
        return True
    mode = _mode(index, call)
    if mode is not None:
        return not any(c in mode for c in "wax+")
    last = name.rsplit(".", 1)[-1] if name else (call.func.attr if isinstance(call.func, ast.Attribute) else "")
    return last in _HARMLESS_METHODS or last in _READS


# ---------------------------------------------------------------------------
# the load-or-build cache idiom (issue 14, session 9)


#: exception names whose handler runs when the cache file is missing
_MISSING = frozenset({"FileNotFoundError", "OSError", "IOError", "EnvironmentError", "Exception", "BaseException"})
#: existence checks: functions handed the path, and methods of the path
_EXISTS_FUNCS = frozenset({"os.path.exists", "os.path.isfile", "os.path.lexists"})
_EXISTS_METHODS = frozenset({"exists", "is_file"})


def cache_note(
    source: Optional[str],
    load_line: Optional[int],
    path_code: Optional[str],
    handle: Optional[str],
    writers: Mapping[str, Tuple[int, str]],
) -> Optional[int]:
    """The view line of the write that makes the load at ``load_line`` the
    read side of a load-or-build cache, or None. The idiom, in one function
    (or at module level)::

        if os.path.exists(P):          # or P.exists(), isfile; `and` other tests
            x = torch.load(P)
        else:
            x = build()
            torch.save(x, P)

    also with the write after the ``if``, with ``if not exists(P): <build
    and write>`` before the load, or with the load in a ``try`` whose
    handler (``FileNotFoundError``, ``OSError`` …) builds and writes. The
    file was put there by this code (on this or an earlier run): what it
    loads is its own output. What counts:

    * ``P`` is the same expression at the check, the load and the write,
      built from literals, names and calls, or ``self.<attribute>``;
    * a serializer writes ``P`` (:func:`_writes`) on the branch that runs
      when the file is missing (the ``else``, the handler, the ``if not``
      body, or after the guard);
    * every name of ``P`` is bound at most once in the function, before
      the guard (a parameter counts), a ``self`` attribute is not assigned
      in it after the guard starts, and none is declared ``global``;
    * no other call in the function (for a ``self`` attribute: in the
      class) is handed ``P`` except reads, loads, writes and harmless
      calls: a download or a copy into the path keeps the finding.
    """
    site = _load_site(source, load_line, path_code, handle, writers)
    if site is None:
        return None
    index, scope, klass, chain, path = site
    attribute = _self_attribute(path)
    if attribute is None and not _plain(path):
        return None
    key = ast.dump(path)
    guard = _guard(index, chain, load_line, key)
    if guard is None:
        return None
    guard_line, region = guard
    write_line = next((s.lineno for s in _statements(region) if _writes(index, s, key)), None)
    if write_line is None:
        return None
    body = scope.body if isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Module)) else []
    if attribute is not None:
        if isinstance(scope, ast.Module) or klass is None:
            return None
        for node in _own_nodes(body):
            stored = isinstance(node, ast.Attribute) and isinstance(node.ctx, (ast.Store, ast.Del))
            if stored and _self_attribute(node) == attribute and node.lineno >= guard_line:
                return None
        if not _built_paths(index, klass, path):
            return None
        callers: List[ast.AST] = [klass]
        names: set = set()
    else:
        names = {n.id for n in ast.walk(path) if isinstance(n, ast.Name)} - _callee_names(path)
        if names & index.globals_declared:
            return None
        bindings = _scope_bindings(scope) if not isinstance(scope, ast.Module) else index.module_bindings
        for name in names:
            lines = bindings.get(name, [])
            if len(lines) > 1 or any(line >= guard_line for line in lines):
                return None
        callers = [scope]
    bare = {ast.dump(ast.Name(id=name, ctx=ast.Load())) for name in names}
    literal = index.literal(path)
    for caller in callers:
        writes = _write_opens(index, caller, key)
        for node in ast.walk(caller):
            if not isinstance(node, ast.Call) or id(node) in writes:
                continue
            arguments = _arguments(node)
            same = any(ast.dump(a) == key or ast.dump(a) in bare for a in arguments) or (
                literal is not None and any(index.literal(a) == literal for a in arguments)
            )
            if same and not _allowed(index, node, key):
                return None
    return write_line


#: calls that build a path from their arguments (a ``self`` attribute assigned from anything else is not followed)
_PATH_BUILDERS = frozenset(
    {
        "os.path.join", "pathlib.Path", "Path", "str", "os.path.expanduser", "os.path.abspath", "os.path.realpath",
        "os.fspath", "tempfile.mkdtemp", "tempfile.gettempdir", "os.getcwd",
    }
)


def _built_paths(index: _Index, klass: ast.ClassDef, path: ast.expr) -> bool:
    """Every assignment of the attribute ``path`` (``self.x``) in the class
    builds a path from names, literals and path joins (not the result of a
    download or any other call: ``self.x = hf_hub_download(...)`` is not
    followed); augmented, annotated-only and tuple-target assignments are
    not followed either."""
    wanted = _self_attribute(path)
    for node in ast.walk(klass):
        targets: List[ast.expr] = []
        value: Optional[ast.expr] = None
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign):
            if node.value is None:
                continue  # a declaration binds nothing
            targets, value = [node.target], node.value
        elif isinstance(node, ast.AugAssign):
            targets, value = [node.target], None
        elif isinstance(node, (ast.For, ast.AsyncFor, ast.With, ast.AsyncWith, ast.NamedExpr, ast.Delete)):
            targets = [t for t in ast.walk(node) if isinstance(t, ast.Attribute) and isinstance(t.ctx, (ast.Store, ast.Del))]
            if any(_self_attribute(t) == wanted for t in targets):
                return False
            continue
        for target in targets:
            for inner in ast.walk(target):
                if isinstance(inner, ast.Attribute) and _self_attribute(inner) == wanted:
                    if value is None or inner is not target:
                        return False
                    for part in ast.walk(value):
                        if isinstance(part, ast.Call) and index.qualname(part.func) not in _PATH_BUILDERS:
                            return False
    return True


def _load_site(source: Optional[str], load_line: Optional[int], path_code: Optional[str], handle: Optional[str], writers: Mapping[str, Tuple[int, str]]):
    """(index, scope, class, chain, path read) of the load at ``load_line``
    (see :func:`_scope_chain`; the path through a ``with open(P, "rb") as
    handle`` or ``open(P, "rb")``), or None."""
    if not isinstance(source, str) or load_line is None or (path_code is None and handle is None):
        return None
    index = _index(source)
    if index is None:
        return None
    index.writers = {name: writers[name] for name in _WRITER_NAMES if name in writers}
    found = _scope_chain(index.tree, load_line)
    if found is None:
        return None
    scope, klass, chain = found
    path = _read_path(index, chain, load_line, path_code, handle)
    return None if path is None else (index, scope, klass, chain, path)


def _read_path(index: _Index, chain, load_line: int, path_code: Optional[str], handle: Optional[str]) -> Optional[ast.expr]:
    """The path the load reads: through the ``with open(P, "rb") as
    handle`` around it, or its data argument (``P``, ``open(P, "rb")``)."""
    path: Optional[ast.expr] = None
    if handle is not None:
        path = _handle_path(index, chain, handle, load_line)
    if path is None and path_code is not None:
        try:
            path = ast.parse(path_code.strip(), mode="eval").body
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return None
        path = _opened_for_reading(index, path) or path
    return path


def _write_opens(index: _Index, node: ast.AST, key: str) -> set:
    """ids of the ``open(P, "wb")`` calls that serializer writes of ``key``
    in ``node`` use (``pickle.dump(x, open(P, "wb"))``, ``with open(P,
    "wb") as f: pickle.dump(x, f)``)."""
    out = set()
    for inner in ast.walk(node):
        if isinstance(inner, (ast.With, ast.AsyncWith)) and _writes(index, inner, key):
            out.update(id(item.context_expr) for item in inner.items)
        elif isinstance(inner, ast.Call) and _destination(index, inner) == key:
            out.update(id(a) for a in _arguments(inner) if isinstance(a, ast.Call))
    return out


def _scope_chain(tree: ast.Module, line: int):
    """(innermost function holding ``line`` or the module, the class that
    function is a method of or None, the blocks from the scope's body down
    to the statement at ``line``); None inside a lambda or a class body."""
    scope: ast.AST = tree
    klass: Optional[ast.ClassDef] = None
    chain: List[Tuple[Sequence[ast.stmt], int]] = []
    block: Sequence[ast.stmt] = tree.body
    parent_class: Optional[ast.ClassDef] = None
    while True:
        found = _holding(block, line)
        if found is None:
            return None
        stmt = block[found]
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if any(d.lineno <= line <= (d.end_lineno or d.lineno) for d in stmt.decorator_list) or not stmt.body or line < stmt.body[0].lineno:
                return None
            scope, klass, chain, block, parent_class = stmt, parent_class, [], stmt.body, None
            continue
        if isinstance(stmt, ast.ClassDef):
            if not stmt.body or line < stmt.body[0].lineno:
                return None
            parent_class, block = stmt, stmt.body
            continue
        if parent_class is not None:
            return None  # a statement of a class body
        chain.append((block, found))
        inner = _inner_block(stmt, line)
        if inner is None:
            if any(isinstance(n, ast.Lambda) and n.lineno <= line <= (n.end_lineno or n.lineno) for n in ast.walk(stmt)):
                return None
            return scope, klass, chain
        block = inner


def _self_attribute(path: ast.expr) -> Optional[str]:
    """``x`` of ``self.x`` (one attribute on ``self``), else None."""
    if isinstance(path, ast.Attribute) and isinstance(path.value, ast.Name) and path.value.id == "self":
        return path.attr
    return None


def _checks(index: _Index, test: ast.expr, key: str) -> Optional[bool]:
    """True when ``test`` holds only if the file ``key`` exists (an
    existence check, alone or in an ``and``), False when it holds only if
    it is missing (``not exists(P)``, alone or in an ``or``), else None."""
    if isinstance(test, ast.BoolOp):
        results = [_checks(index, value, key) for value in test.values]
        if isinstance(test.op, ast.And) and True in results:
            return True
        if isinstance(test.op, ast.Or) and False in results:
            return False
        return None
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        inner = _checks(index, test.operand, key)
        return None if inner is None or not _is_exists(index, test.operand, key) else not inner
    return True if _is_exists(index, test, key) else None


def _is_exists(index: _Index, test: ast.expr, key: str) -> bool:
    if not isinstance(test, ast.Call) or test.keywords:
        return False
    func = test.func
    name = index.qualname(func)
    if name in _EXISTS_FUNCS and len(test.args) == 1:
        return ast.dump(test.args[0]) == key
    if isinstance(func, ast.Attribute) and func.attr in _EXISTS_METHODS and not test.args:
        target = func.value
        if isinstance(target, ast.Call) and index.qualname(target.func) in ("pathlib.Path", "Path") and len(target.args) == 1 and not target.keywords:
            target = target.args[0]
        return ast.dump(target) == key
    return False


def _guard(index: _Index, chain, load_line: int, key: str) -> Optional[Tuple[int, List[ast.stmt]]]:
    """(first line of the guard, the statements that run when the file is
    missing) for the load at ``load_line``, or None."""
    for depth, (block, stop) in enumerate(chain):
        stmt = block[stop]
        after = [s for b, p in chain[: depth + 1] for s in b[p + 1:]]
        if isinstance(stmt, ast.If):
            in_body = bool(stmt.body) and stmt.body[0].lineno <= load_line <= (stmt.body[-1].end_lineno or stmt.body[-1].lineno)
            sense = _checks(index, stmt.test, key)
            if in_body and sense is True:
                return stmt.lineno, [*stmt.orelse, *after]
            if not in_body and sense is False:
                return stmt.lineno, [*stmt.body, *after]
        elif isinstance(stmt, ast.Try) and stmt.body and stmt.body[0].lineno <= load_line <= (stmt.body[-1].end_lineno or stmt.body[-1].lineno):
            caught = [h for h in stmt.handlers if h.type is None or _catches_missing(h.type)]
            if caught:
                return stmt.lineno, [*(s for h in caught for s in h.body), *after]
        # `if not exists(P): <build and write>` earlier in this block
        for earlier in block[:stop]:
            if isinstance(earlier, ast.If) and not earlier.orelse and _checks(index, earlier.test, key) is False:
                return earlier.lineno, list(earlier.body)
    return None


def _catches_missing(kind: ast.expr) -> bool:
    kinds = kind.elts if isinstance(kind, ast.Tuple) else [kind]
    return any(isinstance(k, ast.Name) and k.id in _MISSING or isinstance(k, ast.Attribute) and k.attr in _MISSING for k in kinds)


def _statements(block: Sequence[ast.stmt]):
    """Every statement of ``block`` and of the blocks nested in it (not
    into functions or classes)."""
    stack = list(reversed(block))
    while stack:
        stmt = stack.pop()
        yield stmt
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        inner: List[ast.stmt] = []
        for field in ("body", "orelse", "finalbody"):
            value = getattr(stmt, field, None)
            if isinstance(value, list):
                inner.extend(s for s in value if isinstance(s, ast.stmt))
        for handler in getattr(stmt, "handlers", ()) or ():
            inner.extend(handler.body)
        for case in getattr(stmt, "cases", ()) or ():
            inner.extend(case.body)
        stack.extend(reversed(inner))


def _own_nodes(body: Sequence[ast.stmt]):
    """The nodes of ``body``, not descending into nested functions, classes
    and lambdas (which are yielded themselves)."""
    nested = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)
    stack: List[ast.AST] = list(body)
    while stack:
        node = stack.pop()
        yield node
        if not isinstance(node, nested):
            stack.extend(ast.iter_child_nodes(node))


def _scope_bindings(function: ast.AST) -> Dict[str, List[int]]:
    """name -> lines where the function binds it (parameters at the ``def`` line)."""
    out: Dict[str, List[int]] = {}
    args = function.args  # type: ignore[attr-defined]
    for arg in [*args.posonlyargs, *args.args, *args.kwonlyargs, *(a for a in (args.vararg, args.kwarg) if a)]:
        out.setdefault(arg.arg, []).append(function.lineno)
    for node in _own_nodes(function.body):  # type: ignore[attr-defined]
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            out.setdefault(node.id, []).append(node.lineno)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            out.setdefault(node.name, []).append(node.lineno)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                out.setdefault((alias.asname or alias.name).split(".")[0], []).append(node.lineno)
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            for name in node.names:
                out.setdefault(name, []).extend([0, 0])  # never "bound once"
    return out
