"""Loads behind an explicit opt-in (shared by the MLW1xx rules and MLW208).

A dangerous call that runs only when the *caller* chose it is the library's
documented, guarded escape hatch, not a default a reviewer must act on:

* ``if not allow_pickle: raise ValueError(...)`` (or ``return``,
  ``continue``, ``break``) earlier in the function, in the call's block or
  an enclosing one, or ``if allow_pickle:`` /
  ``if allow_pickle and path.endswith(".pkl"):`` around the call;
* the negative form for a safe default of ``True``: ``if not verify:``
  around ``ssl._create_unverified_context()``, or the ``else`` of
  ``if verify:``;
* an environment variable the operator sets to opt in, named about the risk,
  in the same places: ``if os.getenv("TFHUB_DISABLE_CERT_VALIDATION") ==
  "true":``, ``if os.environ.get("ALLOW_PICKLE", "").lower() == "1":``,
  ``if "INSECURE_TLS" in os.environ:``, ``if not os.getenv(KEY): raise``.
  A default that opts in (``os.getenv("INSECURE", "1")``) is no opt-in, and
  neither is a comparison with an "unset" word (``== "false"``).

The flag must be a parameter of the enclosing function that nothing in the
function rebinds, whose default is the safe value: ``False`` (or ``None``
with a ``bool`` annotation) for a flag the call needs true, ``True`` for one
it needs false; a parameter without a default counts for a flag the call
needs true when it is annotated ``bool`` or named like one
(``allow_*``, ``trust_*``, ``unsafe``…). A path or an object (``if path:``)
is no flag, and the flag's name must be about the risk (``allow_pickle``,
``trust_remote_code``, ``verify``, ``safe_mode``, ``weights_only``,
``insecure``…): ``if use_cache:`` guards a feature many callers turn on,
not a danger they were warned about. When a call of that function in the same file passes the
opt-in value as a literal (``load(p, allow_pickle=True)``), the project
itself opts in and nothing is lowered.

:func:`parameter_default` answers the second shape: a keyword argument whose
value is a parameter of the enclosing function (``weights_only=
weights_only``) with a literal default, and what the same file's callers
pass for it.

Callers are read with ``ast`` from the unit's whole source, so the answer is
the same whether the engine parsed the whole module or only the piece the
call is in (the fast path).
"""

from __future__ import annotations

import ast
from functools import lru_cache
from typing import Any, Dict, FrozenSet, Iterator, List, Optional, Set, Tuple

from mlwarden.core import lazyre as re
from mlwarden.core.lazy import cst

#: names of flags a caller sets to unlock something, for a parameter without a default
_FLAG_NAME_RE = re.compile(r"(?:^|_)(?:allow|allows|trust|trusted|unsafe|insecure|enable|enabled|dangerous|dangerously|permit)(?:_|$)", re.IGNORECASE)
#: names of flags that are about the risk itself (`allow_pickle`, `trust_remote_code`,
#: `verify`, `safe_mode`, `weights_only`): `use_cache` or `resume` guards a feature
#: many callers turn on, not a danger the caller was warned about
_RISK_NAME_RE = re.compile(
    r"allow|trust|unsafe|insecure|danger|pickl|verif|ssl|tls|cert|secur|safe|weights_only|remote_code|arbitrary|permit",
    re.IGNORECASE,
)
_ABSENT = object()


def opt_in_note(rule: Any, call: Any) -> Optional[str]:
    """A message tail naming the opt-in when ``call`` runs only after the
    caller set a flag parameter to its non-default value, else None."""
    try:
        return _opt_in_note(rule, call)
    except RecursionError:
        raise
    except Exception:  # noqa: BLE001 - an analysis problem must never lower a finding
        return None


def _opt_in_note(rule: Any, call: Any) -> Optional[str]:
    query = rule._rt_query(call)
    if query is None or query.scope.is_module:
        return None
    function = query.scope.scope
    for name, needed in _requirements(query.scope, call, function, rule.ctx):
        if isinstance(name, _Env):
            variable = rule.ctx.value(name.key)
            if needed and isinstance(variable, str) and _RISK_NAME_RE.search(variable):
                return f" (low: it runs only when the environment variable `{variable}` is set to opt in)"
            continue
        param = _param(function, name)
        if param is None or any(b.kind != "param" for b in query.scope.bindings.get(name, ())):
            continue
        default = _default(rule.ctx, param)
        if not _is_flag(param, default, name):
            continue
        if needed and default not in (False, None, _ABSENT):
            continue
        if not needed and default is not True:
            continue
        passed = caller_values(rule, function, query.cls, name)
        if any(isinstance(v, ast.Constant) and bool(v.value) is needed for v in passed):
            continue  # the project opts in itself
        shown = "has no default" if default is _ABSENT else f"defaults to {default}"
        return f" (low: it runs only behind the opt-in `{name}={needed}`, a parameter that {shown})"
    return None


def parameter_default(rule: Any, call: Any, value: Any) -> Tuple[Optional[str], Any, List[ast.expr]]:
    """When ``value`` (an argument of ``call``) is a parameter of the
    enclosing function that nothing rebinds: (its name, its literal default
    or ``None`` when it has none we can read, what the same file's calls of
    that function pass for it); (None, None, []) otherwise."""
    try:
        if not isinstance(value, cst.Name):
            return None, None, []
        query = rule._rt_query(call)
        if query is None or query.scope.is_module:
            return None, None, []
        function = query.scope.scope
        param = _param(function, value.value)
        if param is None or any(b.kind != "param" for b in query.scope.bindings.get(value.value, ())):
            return None, None, []
        default = _default(rule.ctx, param)
        return value.value, (None if default is _ABSENT else default), caller_values(rule, function, query.cls, value.value)
    except RecursionError:
        raise
    except Exception:  # noqa: BLE001 - no answer, no lowering
        return None, None, []


# ---------------------------------------------------------------------------
# what must hold for the call to run


def _requirements(scope: Any, call: Any, function: Any, ctx: Any) -> Iterator[Tuple[Any, bool]]:
    """(name, truth) pairs: the call runs only when each ``name`` (a
    parameter's name, or an :class:`_Env`) has that truth."""
    child = call
    for node in scope.ancestors(call):
        if node is function:
            return
        if isinstance(node, cst.If):
            if child is node.body:
                yield from _conditions(node.test, True, ctx)
            elif child is node.orelse:
                yield from _conditions(node.test, False, ctx)
        elif isinstance(node, cst.IfExp):
            if child is node.body:
                yield from _conditions(node.test, True, ctx)
            elif child is node.orelse:
                yield from _conditions(node.test, False, ctx)
        elif isinstance(node, (cst.IndentedBlock, cst.Module)) and child in node.body:
            # guards before the call in the same block: `if not flag: raise …`
            # (or return, continue, break: what follows runs only when the guard did not)
            for statement in node.body:
                if statement is child:
                    break
                if isinstance(statement, cst.If) and statement.orelse is None and exits(statement.body):
                    yield from _conditions(statement.test, False, ctx)
        child = node


def exits(block: Any) -> bool:
    """The block always leaves what follows it: it ends in ``return``,
    ``raise``, ``continue`` or ``break``."""
    body = getattr(block, "body", ())
    last = body[-1] if body else None
    small = last.body if isinstance(last, cst.SimpleStatementLine) else body if isinstance(block, cst.SimpleStatementSuite) else ()
    return bool(small) and isinstance(small[-1], (cst.Return, cst.Raise, cst.Continue, cst.Break))


class _Env:
    """A condition on an environment variable: true only when the operator
    set it (``os.getenv(KEY)``, ``os.environ.get(KEY, "").lower() == "1"``,
    ``KEY in os.environ``); ``key`` is the name's expression."""

    def __init__(self, key: Any) -> None:
        self.key = key


#: string methods an opt-in test applies to the variable's value
_NORMALISE = ("lower", "upper", "strip", "casefold")
#: defaults that leave the variable unset in effect
_UNSET = ("", "0", "false", "no", "off", "none")


def _env_read(expr: Any, ctx: Any, compared: Any = None) -> Any:
    """The key of ``os.getenv(KEY)`` / ``os.environ.get(KEY)`` /
    ``os.environ[KEY]`` in ``expr`` (by any import spelling, through
    ``.lower()`` and the like), when its default is no opt-in (none, or an
    'unset' literal other than the ``compared`` one); else None."""
    while isinstance(expr, cst.Call) and isinstance(expr.func, cst.Attribute) and expr.func.attr.value in _NORMALISE and not expr.args:
        expr = expr.func.value
    if isinstance(expr, cst.Subscript) and "os.environ" in ctx.qualnames(expr.value) and len(expr.slice) == 1 and isinstance(expr.slice[0].slice, cst.Index):
        return expr.slice[0].slice.value
    if not isinstance(expr, cst.Call) or not expr.args or len(expr.args) > 2 or any(a.keyword is not None or a.star for a in expr.args):
        return None
    if not ctx.call_to(expr, ("os.getenv", "os.environ.get")):
        return None
    if len(expr.args) == 2:
        default = expr.args[1].value
        text = default.evaluated_value if isinstance(default, cst.SimpleString) else None if isinstance(default, cst.Name) and default.value == "None" else _ABSENT
        if text is _ABSENT or (text is not None and (text.lower() not in _UNSET or text == compared)):
            return None
    return expr.args[0].value


def _conditions(test: Any, truth: bool, ctx: Any) -> Iterator[Tuple[Any, bool]]:
    key = _env_read(test, ctx)
    if key is not None:
        yield _Env(key), truth
        return
    if isinstance(test, cst.Comparison) and len(test.comparisons) == 1:
        target = test.comparisons[0]
        literal = target.comparator.evaluated_value if isinstance(target.comparator, cst.SimpleString) else None
        key = _env_read(test.left, ctx, literal) if isinstance(literal, str) and literal.lower() not in _UNSET else None
        if key is not None and isinstance(target.operator, (cst.Equal, cst.NotEqual)):
            yield _Env(key), truth if isinstance(target.operator, cst.Equal) else not truth
            return
        if isinstance(target.operator, cst.In) and "os.environ" in ctx.qualnames(target.comparator):
            yield _Env(test.left), truth
            return
    if isinstance(test, cst.Name):
        yield test.value, truth
    elif isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        yield from _conditions(test.expression, not truth, ctx)
    elif isinstance(test, cst.BooleanOperation):
        # `a and b` true: both true; `a or b` false: both false
        if (isinstance(test.operator, cst.And) and truth) or (isinstance(test.operator, cst.Or) and not truth):
            yield from _conditions(test.left, truth, ctx)
            yield from _conditions(test.right, truth, ctx)
    elif isinstance(test, cst.Comparison) and isinstance(test.left, cst.Name) and len(test.comparisons) == 1:
        target = test.comparisons[0]
        right = target.comparator
        if isinstance(right, cst.Name) and right.value in ("True", "False"):
            literal = right.value == "True"
            if isinstance(target.operator, (cst.Is, cst.Equal)):
                yield test.left.value, literal if truth else not literal
            elif isinstance(target.operator, (cst.IsNot, cst.NotEqual)):
                yield test.left.value, (not literal) if truth else literal


# ---------------------------------------------------------------------------
# parameters


def _param(function: Any, name: str) -> Any:
    params = function.params
    for p in (*params.posonly_params, *params.params, *params.kwonly_params):
        if p.name.value == name:
            return p
    return None


def _default(ctx: Any, param: Any) -> Any:
    """True, False, None, _ABSENT, or another object for a default we do not read."""
    if param.default is None:
        return _ABSENT
    if isinstance(param.default, cst.Name) and param.default.value in ("True", "False", "None"):
        return {"True": True, "False": False, "None": None}[param.default.value]
    value = ctx.value(param.default)
    return value if value is True or value is False or value is None else object()


def _annotated_bool(param: Any) -> bool:
    annotation = param.annotation.annotation if param.annotation is not None else None
    if annotation is None:
        return False
    text = cst.Module(body=[]).code_for_node(annotation).replace(" ", "")
    return text in ("bool", "Optional[bool]", "typing.Optional[bool]", "bool|None", "None|bool", "Union[bool,None]")


def _is_flag(param: Any, default: Any, name: str) -> bool:
    if not _RISK_NAME_RE.search(name):
        return False
    if default is True or default is False:
        return True
    if _annotated_bool(param):
        return True
    return default is _ABSENT and bool(_FLAG_NAME_RE.search(name))


# ---------------------------------------------------------------------------
# callers in the same file


def caller_values(rule: Any, function: Any, cls: Any, name: str) -> List[ast.expr]:
    """What the calls of ``function`` in the unit's source pass for its
    parameter ``name`` (keyword or positional; ``**kwargs`` passes nothing
    we can read and is left out). A value that is itself a parameter of the
    calling function, forwarded unchanged (``weights_only=weights_only``,
    nothing in that function rebinds it), stands for that parameter's
    default and for what that function's own callers pass (followed up to
    three calls deep; deeper, the name stays as it is: not a literal)."""
    code = getattr(getattr(rule, "unit", None), "code", None)
    source = getattr(code, "source", None)
    if not isinstance(source, str):
        return []
    params = function.params
    positional = [p.name.value for p in (*params.posonly_params, *params.params)]
    method = cls is not None and bool(positional) and positional[0] in ("self", "cls") and not any(
        isinstance(d.decorator, cst.Name) and d.decorator.value == "staticmethod" for d in function.decorators
    )
    callee = function.name.value
    names = frozenset({cls.name.value} if callee == "__init__" and cls is not None else {callee})
    return _passed(_index(source), names, tuple(positional), method, cls is not None, name, 0)


def _passed(index: "_Index", names: FrozenSet[str], positional: Tuple[str, ...], method: bool, in_class: bool, name: str, depth: int) -> List[ast.expr]:
    position = positional.index(name) if name in positional else None
    if position is not None and method:
        position -= 1
    out: List[ast.expr] = []
    for call, caller in index.calls:
        func = call.func
        if in_class:
            called = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) and names != {"__init__"} else None
        else:
            called = func.id if isinstance(func, ast.Name) else None
        if called not in names:
            continue
        values = [k.value for k in call.keywords if k.arg == name]
        if position is not None and position >= 0 and not any(isinstance(a, ast.Starred) for a in call.args[: position + 1]):
            if position < len(call.args):
                values.append(call.args[position])
        for value in values:
            out.extend(_forwarded(index, caller, value, depth))
    return out


def _forwarded(index: "_Index", caller: Any, value: ast.expr, depth: int) -> List[ast.expr]:
    """``value``, or what it stands for when it is a parameter of ``caller``
    passed on unchanged (see :func:`caller_values`)."""
    if not isinstance(value, ast.Name) or caller is None or depth >= 3:
        return [value]
    args = caller.args
    positional = [a.arg for a in (*getattr(args, "posonlyargs", ()), *args.args)]
    every = positional + [a.arg for a in args.kwonlyargs]
    if value.id not in every or value.id in index.rebound.get(id(caller), ()):
        return [value]
    defaults = dict(zip(positional[len(positional) - len(args.defaults):], args.defaults))
    defaults.update((a.arg, d) for a, d in zip(args.kwonlyargs, args.kw_defaults) if d is not None)
    default = defaults.get(value.id)
    if not isinstance(default, ast.Constant):
        return [value]  # no default, or one we do not read: the callers' choice
    outer = index.enclosing_class.get(id(caller))
    method = outer is not None and bool(positional) and positional[0] in ("self", "cls")
    names = frozenset({outer.name} if caller.name == "__init__" and outer is not None else {caller.name})
    return [default, *_passed(index, names, tuple(positional), method, outer is not None, value.id, depth + 1)]


class _Index:
    """The calls of a module with their enclosing function, the names each
    function rebinds, and each function's class (read with ``ast``)."""

    def __init__(self, tree: Optional[ast.Module]) -> None:
        self.calls: List[Tuple[ast.Call, Any]] = []
        self.rebound: Dict[int, Set[str]] = {}
        self.enclosing_class: Dict[int, Any] = {}
        if tree is None:
            return
        stack: List[Tuple[ast.AST, Any, Any]] = [(tree, None, None)]
        while stack:
            node, function, cls = stack.pop()
            if isinstance(node, ast.Call):
                self.calls.append((node, function))
            elif function is not None and isinstance(node, (ast.Name,)) and isinstance(node.ctx, (ast.Store, ast.Del)):
                self.rebound.setdefault(id(function), set()).add(node.id)
            elif function is not None and isinstance(node, (ast.Global, ast.Nonlocal)):
                self.rebound.setdefault(id(function), set()).update(node.names)
            inner_function, inner_class = function, cls
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                inner_function, inner_class = node, None
                self.enclosing_class[id(node)] = cls
            elif isinstance(node, ast.ClassDef):
                inner_function, inner_class = None, node
            for child in ast.iter_child_nodes(node):
                stack.append((child, inner_function, inner_class))


@lru_cache(maxsize=8)
def _index(source: str) -> _Index:
    from mlwarden.core.asttree import module_ast

    return _Index(module_ast(source))
