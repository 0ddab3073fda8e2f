"""A keyword carried to a call in a local dict: ``kw = {"weights_only": True}``
… ``torch.load(f, **kw)``.

:func:`keyword_paths` answers, for a call whose ``**name`` argument the
engine cannot see into (``ctx.keyword`` says "cannot tell"), what the
keyword is on each path that reaches the call, from the name's bindings in
the enclosing function and the changes made to the dict between a binding
and the call:

- bindings: a dict display (``{"k": v, **other}``), ``dict(...)`` (a dict
  or name to copy, then keywords), ``other.copy()`` / ``copy.copy(other)``,
  ``a | b``, a conditional expression (each branch is a path), a module
  constant, another local name (followed);
- changes: ``kw["k"] = v``, ``kw.update(k=v)`` / ``kw.update({"k": v})``,
  ``kw.setdefault("k", v)``, ``kw.pop("k")`` / ``del kw["k"]``. A change on
  a straight line before the call applies to every path; one under a
  condition adds a path with it to the paths without it.

Each path ends as ``("set", expr)``, ``("unset", None)`` (the dict
provably lacks the key), ``("default", expr)`` (a dict parameter such as
``**kwargs`` whose missing key the function fills in before the call:
``kwargs.setdefault("k", v)`` or ``if "k" not in kwargs: kwargs["k"] = v``;
the key is ``expr`` unless the caller passed its own, and a change that sets
it outright makes it ``("set", expr)``) or ``("unknown", None)``: a parameter left as it came, a call
result, the dict handed to another function (which may change it), a
change in a nested function or in a loop around the call after it, or
anything else not followed. The caller decides: every path set to a safe
value is safe; an unset path is the keyword omitted; an unknown path keeps
the "cannot tell" answer. Only the innermost enclosing function is read
(the fast path hands libcst that function whole), never module level,
where ``**CONST`` dicts are ``ctx.value``'s already.
"""

from __future__ import annotations

import ast
from typing import Any, List, Optional, Tuple

from mlwarden.core.lazy import cst

Path = Tuple[str, Any]
UNKNOWN_PATH: Path = ("unknown", None)
UNSET: Path = ("unset", None)
#: a dict parameter (``**kwargs``) as the caller passed it: the key may be there or not
CALLER: Path = ("caller", None)
_DEPTH = 5
#: dict methods that read without changing the dict
_READS = frozenset({"get", "keys", "values", "items", "copy", "__contains__", "__getitem__"})
#: calls that read a dict without changing it
_READING_CALLS = frozenset({"len", "list", "sorted", "print", "repr", "str", "bool", "isinstance", "dict", "tuple", "set", "iter"})


def keyword_paths(rule: Any, call: Any, key: str) -> Optional[Tuple[List[Path], str]]:
    """The paths of ``key`` at ``call`` (see the module docs) and the name
    of the ``**`` dict that may carry it, or None when the call has no
    local ``**name`` to follow (or ``key`` is given outright, or more than
    one ``**`` dict may carry it)."""
    from mlwarden.rules._roundtrip import analysis_for

    functions = [n for n in rule._rt_stack() if isinstance(n, cst.FunctionDef)]
    if not functions:
        return None
    starred = [a for a in call.args if a.star == "**"]
    opaque = []
    for arg in starred:
        mapping = rule.ctx.value(arg.value)
        if isinstance(mapping, dict):
            if key in mapping:
                return None
            continue
        opaque.append(arg.value)
    if not opaque or any(not isinstance(o, cst.Name) for o in opaque) or any(a.keyword is not None and a.keyword.value == key for a in call.args):
        return None
    try:
        index = analysis_for(rule.ctx).scope(functions[-1])
        if id(call) not in index.order:
            return None  # a lambda or a nested body: not indexed
        walker = _Walker(rule, index, functions[-1], key)
        # `f(**a, **b)`: a key in both is a TypeError, so at most one dict
        # may carry it; dicts that never do drop out
        carrying = []
        for name in opaque:
            paths = _dedupe(walker.name_paths(name.value, name, 0))
            if any(kind != "unset" for kind, _ in paths):
                carrying.append((paths, name.value))
        if len(carrying) > 1:
            return None
        if not carrying:
            return [UNSET], opaque[0].value
        paths, holder = carrying[0]
        # a caller's dict left as it came is not followed; one whose missing
        # key the function fills in is ("default", value): the value unless
        # the caller passed its own
        return [UNKNOWN_PATH if kind == "caller" else (kind, value) for kind, value in paths], holder
    except RecursionError:
        raise
    except Exception:  # noqa: BLE001 - an analysis problem must never hide a finding
        return None


def parameter_opt_in(rule: Any, call: Any, value: Any, safe: bool) -> Optional[str]:
    """The name of the parameter ``value`` is, when it is a parameter of the
    function enclosing ``call`` that nothing rebinds, whose literal default
    is the safe setting (``safe``: True for ``weights_only``/``safe_mode``,
    False for ``allow_pickle``-style switches, where ``None`` counts as off)
    and that every call of that function in the same file leaves at, or
    passes as, a literal safe value (forwarded parameters followed, see
    ``_optin.caller_values``): the unsafe setting then needs a caller's
    explicit opt-in. None otherwise."""
    from mlwarden.rules._optin import parameter_default

    name, default, passed = parameter_default(rule, call, value)
    if name is None:
        return None

    def is_safe(v: Any) -> bool:
        if safe:
            return v is True
        return v is False or v is None

    if not is_safe(default):
        return None
    if default is None and not _has_default(rule, call, name):
        return None  # no default at all: every caller chooses
    if not all(isinstance(v, ast.Constant) and is_safe(v.value) for v in passed):
        return None
    return name


def _has_default(rule: Any, call: Any, name: str) -> bool:
    query = rule._rt_query(call)
    params = query.scope.scope.params
    return any(p.name.value == name and p.default is not None for p in (*params.posonly_params, *params.params, *params.kwonly_params))


def caller_keyword_values(rule: Any, call: Any, key: str) -> Optional[List[Any]]:
    """What the calls, in the same file, of the function enclosing ``call``
    pass as the keyword ``key`` (``ast`` expressions; forwarded parameters
    followed, see ``_optin.caller_values``); None when the enclosing
    function cannot be read."""
    from mlwarden.rules._optin import caller_values

    try:
        query = rule._rt_query(call)
        if query is None or query.scope.is_module:
            return None
        return caller_values(rule, query.scope.scope, query.cls, key)
    except RecursionError:
        raise
    except Exception:  # noqa: BLE001 - no answer, no lowering
        return None


def _fill(path: Path, filled: Path) -> Path:
    """``path`` after a change made only when the key is absent
    (``setdefault``, ``if "k" not in kw: kw["k"] = v``) whose own result is
    ``filled``: an unset key takes it; a caller's dict becomes "the caller's
    own value if it passed one, else ``filled``'s value"."""
    if path[0] == "unset":
        return filled
    if path[0] == "caller":
        return ("default", filled[1]) if filled[0] == "set" else UNKNOWN_PATH
    return path


def _dedupe(paths: List[Path]) -> List[Path]:
    out: List[Path] = []
    seen = set()
    for kind, value in paths:
        marker = (kind, id(value))
        if marker not in seen:
            seen.add(marker)
            out.append((kind, value))
    return out


def _override(prior: List[Path], later: List[Path]) -> List[Path]:
    """Paths of ``{**prior, **later}``: a set key of ``later`` wins, an unset
    one keeps ``prior``'s; unknown stays unknown."""
    out: List[Path] = []
    for path in later:
        if path[0] == "caller":
            # `{"k": v, **kwargs}`: v unless the caller passes its own
            out.extend(p if p[0] in ("unknown", "default") else CALLER if p[0] == "unset" else ("default", p[1]) for p in prior)
        elif path[0] in ("set", "unknown", "default"):
            out.append(path)
        else:
            out.extend(prior)
    return out


class _Walker:
    def __init__(self, rule: Any, index: Any, function: Any, key: str) -> None:
        self.rule = rule
        self.ctx = rule.ctx
        self.index = index
        self.function = function
        self.key = key

    # -- expressions -------------------------------------------------------
    def expr_paths(self, expr: Any, depth: int) -> List[Path]:
        if depth > _DEPTH or expr is None:
            return [UNKNOWN_PATH]
        if isinstance(expr, cst.Name):
            return self.name_paths(expr.value, expr, depth + 1)
        if isinstance(expr, cst.Dict):
            paths: List[Path] = [UNSET]
            for element in expr.elements:
                if isinstance(element, cst.StarredDictElement):
                    paths = _override(paths, self.expr_paths(element.value, depth + 1))
                    continue
                name = self.ctx.value(element.key)
                if not isinstance(name, str):
                    return [UNKNOWN_PATH]
                if name == self.key:
                    paths = [("set", element.value)]
            return paths
        if isinstance(expr, cst.IfExp):
            return self.expr_paths(expr.body, depth + 1) + self.expr_paths(expr.orelse, depth + 1)
        if isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, cst.BitOr):
            return _override(self.expr_paths(expr.left, depth + 1), self.expr_paths(expr.right, depth + 1))
        if isinstance(expr, cst.Call):
            return self.call_paths(expr, depth)
        mapping = self.ctx.value(expr)
        if isinstance(mapping, dict):
            return [("set", mapping[self.key])] if self.key in mapping else [UNSET]
        return [UNKNOWN_PATH]

    def call_paths(self, call: Any, depth: int) -> List[Path]:
        func = call.func
        names = self.ctx.qualnames(func)
        if isinstance(func, cst.Name) and func.value == "dict" and not names and "dict" not in self.index.bindings:
            paths: List[Path] = [UNSET]
            for arg in call.args:
                if arg.star == "**":
                    paths = _override(paths, self.expr_paths(arg.value, depth + 1))
                elif arg.star:
                    return [UNKNOWN_PATH]
                elif arg.keyword is None:
                    if paths != [UNSET]:
                        return [UNKNOWN_PATH]
                    paths = self.expr_paths(arg.value, depth + 1)  # dict(other): a copy
                elif arg.keyword.value == self.key:
                    paths = [("set", arg.value)]
            return paths
        if names & {"copy.copy", "copy.deepcopy"} and len(call.args) == 1 and not call.args[0].star:
            return self.expr_paths(call.args[0].value, depth + 1)
        if isinstance(func, cst.Attribute) and func.attr.value == "copy" and not call.args:
            return self.expr_paths(func.value, depth + 1)
        return [UNKNOWN_PATH]

    # -- names -------------------------------------------------------------
    def name_paths(self, name: str, use: Any, depth: int) -> List[Path]:
        from mlwarden.rules._roundtrip import _reaching

        if depth > _DEPTH:
            return [UNKNOWN_PATH]
        found = self.index.bindings.get(name)
        if not found or name in self.index.declared_global or self._used_in_nested(name):
            return [UNKNOWN_PATH]
        reaching = _reaching(self.index, found, use)
        use_order = self.index.order.get(id(use))
        if use_order is None:
            return [UNKNOWN_PATH]
        out: List[Path] = []
        for binding in reaching:
            if binding.kind == "param" and binding.node is self.function.params.star_kwarg:
                # `def f(p, **kwargs)`: the keywords the caller passes, maybe not this one (a
                # dict parameter is not: what is in the dict is not written at the call)
                paths = [CALLER]
            elif binding.kind != "assign" or not isinstance(binding.node, (cst.Assign, cst.AnnAssign)):
                return [UNKNOWN_PATH]
            else:
                paths = self.expr_paths(binding.value, depth + 1)
            paths = self._changes(name, binding, use, use_order, paths)
            out.extend(paths)
        return out or [UNKNOWN_PATH]

    def _used_in_nested(self, name: str) -> bool:
        """``name`` appears inside a nested function, class or lambda of the
        function: a closure may change the dict at any time."""
        stack = [self.function.body]
        nested = (cst.FunctionDef, cst.ClassDef, cst.Lambda)
        while stack:
            node = stack.pop()
            if isinstance(node, nested):
                if any(isinstance(n, cst.Name) and n.value == name for n in _walk(node)):
                    return True
                continue
            stack.extend(node.children)
        return False

    def _changes(self, name: str, binding: Any, use: Any, use_order: int, paths: List[Path]) -> List[Path]:
        """Apply the changes to ``name`` between ``binding`` and ``use``."""
        start = self.index.order.get(id(binding.node), -1)
        inside = {id(n) for n in _walk(binding.node)}
        loops = [n for n in self.index.ancestors(use) if isinstance(n, (cst.For, cst.While))]
        occurrences = sorted(self.index.names.get(name, ()), key=lambda n: self.index.order.get(id(n), -1))
        for occurrence in occurrences:
            order = self.index.order.get(id(occurrence), -1)
            if id(occurrence) in inside or occurrence is use:
                continue
            after = order > use_order
            in_loop = after and any(id(loop) in {id(a) for a in self.index.ancestors(occurrence)} for loop in loops)
            if order <= start or (after and not in_loop):
                continue
            effect = self._effect(occurrence)
            if effect is None:
                continue  # a read
            if effect == "rebind":
                continue  # another binding: a path of its own (reaching bindings)
            if in_loop:
                return [UNKNOWN_PATH]  # a change after the call, in a loop around it: reaches the next round
            changed = [effect(p) for p in paths]
            statement = self._statement(occurrence)
            guard = self._absent_guard(statement, name) if statement is not None else None
            if guard is not None and self.index.straight_before(guard, use):
                # `if "k" not in kw: kw["k"] = v` before the call: setdefault
                paths = [_fill(p, c) for p, c in zip(paths, changed)]
            elif statement is not None and self.index.straight_before(statement, use):
                paths = changed
            else:
                paths = paths + changed
        return paths

    def _absent_guard(self, statement: Any, name: str) -> Any:
        """The ``if "key" not in name:`` statement whose body (not its
        ``else``) holds ``statement`` directly, or None."""
        block = self.index.parent.get(id(statement))
        guard = self.index.parent.get(id(block)) if block is not None else None
        if not isinstance(guard, cst.If) or guard.body is not block:
            return None
        test = guard.test
        if not isinstance(test, cst.Comparison) or len(test.comparisons) != 1:
            return None
        compared = test.comparisons[0]
        if not isinstance(compared.operator, cst.NotIn) or self.ctx.value(test.left) != self.key:
            return None
        holder = compared.comparator
        if isinstance(holder, cst.Call) and isinstance(holder.func, cst.Attribute) and holder.func.attr.value == "keys" and not holder.args:
            holder = holder.func.value
        return guard if isinstance(holder, cst.Name) and holder.value == name else None

    def _statement(self, node: Any) -> Any:
        current = node
        while current is not None and not isinstance(current, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
            current = self.index.parent.get(id(current))
        return current

    def _effect(self, occurrence: Any) -> Any:
        """What the use ``occurrence`` of the dict's name does to the key:
        None for a read, ``"rebind"`` for a binding, else a function from a
        path to the path after it (one answering unknown for a change not
        followed)."""
        parent = self.index.parent.get(id(occurrence))
        grand = self.index.parent.get(id(parent)) if parent is not None else None
        key = self.key

        def unknown(_path: Path) -> Path:
            return UNKNOWN_PATH

        if isinstance(parent, cst.Attribute) and parent.attr is occurrence:
            return None  # `other.kw`: another object's attribute
        if isinstance(parent, cst.Arg) and parent.keyword is occurrence:
            return None  # `f(kw=...)`: a keyword's name
        if isinstance(parent, cst.AssignTarget) or (isinstance(parent, (cst.AnnAssign, cst.AugAssign)) and parent.target is occurrence):
            return "rebind" if not isinstance(parent, cst.AugAssign) else unknown
        if isinstance(parent, cst.Subscript) and parent.value is occurrence:
            item = self._subscript_key(parent)
            target_of = grand
            if isinstance(target_of, cst.AssignTarget):
                assign = self.index.parent.get(id(target_of))
                if item is None:
                    return unknown
                if item != key:
                    return None
                value = assign.value if isinstance(assign, cst.Assign) else None
                return (lambda _p: ("set", value)) if value is not None else unknown
            if isinstance(target_of, cst.Del) or (isinstance(target_of, (cst.AugAssign, cst.AnnAssign)) and target_of.target is parent):
                if item is None or item == key:
                    return (lambda _p: UNSET) if isinstance(target_of, cst.Del) and item == key else unknown
                return None
            if isinstance(target_of, cst.Element) or isinstance(target_of, cst.StarredElement):
                return unknown  # unpacked into a target list (`kw["k"], x = ...`)
            return None  # a read: kw["k"]
        if isinstance(parent, cst.Attribute) and parent.value is occurrence:
            method = parent.attr.value
            if not (isinstance(grand, cst.Call) and grand.func is parent):
                return None if method in _READS else unknown
            return self._method_effect(method, grand)
        if isinstance(parent, cst.Arg):
            call = grand
            if parent.star == "**":
                return None  # `f(**kw)` copies the dict
            if isinstance(call, cst.Call) and isinstance(call.func, cst.Name) and call.func.value in _READING_CALLS and not self.ctx.qualnames(call.func):
                return None
            return unknown  # handed to a function that may change it
        if isinstance(parent, cst.StarredDictElement):
            return None  # `{**kw}` copies
        if isinstance(parent, (cst.Comparison, cst.ComparisonTarget, cst.If, cst.IfExp, cst.BooleanOperation, cst.UnaryOperation)):
            return None
        return unknown

    def _method_effect(self, method: str, call: Any) -> Any:
        key = self.key

        def unknown(_path: Path) -> Path:
            return UNKNOWN_PATH

        if method in _READS:
            return None
        if method == "update":
            changes: List[Any] = []  # each: ("set", expr) or unknown
            for arg in call.args:
                if arg.keyword is not None:
                    if arg.keyword.value == key:
                        changes.append(("set", arg.value))
                elif arg.star == "**" or arg.star == "" or arg.star is None:
                    mapping = self.ctx.value(arg.value)
                    if isinstance(arg.value, cst.Dict) and not isinstance(mapping, dict):
                        return unknown
                    if isinstance(mapping, dict):
                        if key in mapping:
                            changes.append(("set", mapping[key]))
                    else:
                        return unknown
                else:
                    return unknown
            if not changes:
                return None
            last = changes[-1]
            return lambda _p: last
        if method == "setdefault":
            if len(call.args) < 2 or call.args[0].keyword is not None or call.args[0].star:
                return unknown if len(call.args) >= 1 else None
            item = self.ctx.value(call.args[0].value)
            if not isinstance(item, str):
                return unknown
            if item != key:
                return None
            value = call.args[1].value
            return lambda p: _fill(p, ("set", value))
        if method == "pop":
            if not call.args or call.args[0].keyword is not None or call.args[0].star:
                return unknown
            item = self.ctx.value(call.args[0].value)
            if not isinstance(item, str):
                return unknown
            return (lambda _p: UNSET) if item == key else None
        if method == "clear":
            return lambda _p: UNSET
        return unknown

    def _subscript_key(self, subscript: Any) -> Optional[str]:
        if len(subscript.slice) != 1 or not isinstance(subscript.slice[0].slice, cst.Index):
            return None
        value = self.ctx.value(subscript.slice[0].slice.value)
        return value if isinstance(value, str) else None


def _walk(root: Any):
    stack = [root]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(node.children)
