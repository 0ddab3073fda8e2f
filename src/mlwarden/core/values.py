"""Statically known values and the UNKNOWN sentinel (no libcst import)."""

from __future__ import annotations

import ast
import re
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
