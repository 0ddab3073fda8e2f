"""Statically known values and the UNKNOWN sentinel (no libcst import)."""

from __future__ import annotations

import ast
from functools import lru_cache
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
