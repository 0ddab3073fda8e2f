"""A read-only batched walk of a libcst tree, in libcst's own order.

``libcst.visit_batched`` runs the rules' ``visit_*``/``leave_*`` methods
through ``CSTNode.visit``, which rebuilds every node of the tree on the way
back up (a new, validated copy per node, then thrown away: libcst's own
"TODO: provide traversal where children are not replaced"), and calls the
visitor for every whitespace, comma and parenthesis as well. The rules never
change the tree and never look at whitespace nodes, so this walk:

* visits each node's children in the order libcst's
  ``_visit_and_replace_children`` visits them (read once per node class from
  that method's source: the field names it passes to ``visit_required``,
  ``visit_sequence``, ... in order), without building anything;
* calls ``visit_<Type>`` / ``leave_<Type>`` and the attribute hooks
  ``visit_<Type>_<field>`` / ``leave_<Type>_<field>`` exactly where libcst
  calls them (an attribute hook also for a field that is ``None``);
* does not descend into whitespace and operator tokens when no visitor has a
  method for one of those classes (they hold nothing else);
* reads the two conditionals libcst's methods use: ``ImportFrom``'s names
  (a ``*`` or a sequence, the same hooks either way) and an f-string
  expression's format spec (no hook at all when it is None); a class whose
  method branches in any other way is handed to libcst's own ``visit``.

``tests/test_walkcst.py`` compares the whole event sequence (every visit,
leave and attribute hook) with libcst's on real code. If libcst's node
classes ever stop matching (a method whose source cannot be read), the walk
is not used and ``libcst.visit_batched`` runs as before.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, FrozenSet, Iterable, List, Optional, Tuple

#: libcst's helpers that visit one field: (parent, "field", value, visitor)
_HELPERS = frozenset({"visit_required", "visit_optional", "visit_sentinel", "visit_sequence", "visit_body_sequence", "visit_iterable", "visit_body_iterable"})

_ORDERS: Optional[Dict[type, Optional[Tuple[str, ...]]]] = None
_TRIVIA: FrozenSet[type] = frozenset()
_TRIVIA_NAMES: FrozenSet[str] = frozenset()
_BROKEN = False

#: libcst's modules of node classes; whitespace and operator tokens are trivia
_NODE_MODULES = ("libcst._nodes.base", "libcst._nodes.expression", "libcst._nodes.module", "libcst._nodes.op", "libcst._nodes.statement", "libcst._nodes.whitespace")
_TRIVIA_MODULES = ("libcst._nodes.op", "libcst._nodes.whitespace")
_BRACKETS = ("LeftParen", "RightParen", "LeftSquareBracket", "RightSquareBracket", "LeftCurlyBrace", "RightCurlyBrace")


def _field_order(cls: type) -> Optional[Tuple[str, ...]]:
    """The fields ``cls._visit_and_replace_children`` visits, in order, or
    None when the order is not fixed (branches, loops) or not readable."""
    import ast
    import inspect
    import textwrap

    method = None
    for klass in cls.__mro__:
        method = klass.__dict__.get("_visit_and_replace_children")
        if method is not None:
            break
    if method is None:
        return None
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(method)))
    except (OSError, TypeError, SyntaxError, IndentationError):
        return None
    if any(isinstance(n, (ast.If, ast.For, ast.While, ast.Try, ast.comprehension)) for n in ast.walk(tree)):
        return None
    found: List[Tuple[int, int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.IfExp):
            # the two conditional shapes libcst's classes use (``ImportFrom``'s
            # names, an f-string expression's format spec); any other is not fixed
            branch = _conditional_field(node)
            if branch is None:
                return None
            found.append((node.lineno, node.col_offset, branch))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id.startswith("visit"):
            if _in_ifexp(node, tree):
                continue
            field = _helper_field(node)
            if field is None:
                return None
            found.append((node.lineno, node.col_offset, field))
        elif isinstance(node, ast.Attribute) and node.attr == "visit":
            return None  # a child visited directly
    found.sort()
    names = tuple(name for _, _, name in found)
    if len({name.lstrip("?") for name in names}) != len(names):
        return None
    return names


def _helper_field(node: Any) -> Optional[str]:
    """The field a ``visit_*(parent, "field", value, visitor)`` call visits."""
    import ast

    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _HELPERS):
        return None
    if len(node.args) < 2 or not isinstance(node.args[1], ast.Constant) or not isinstance(node.args[1].value, str):
        return None
    return node.args[1].value


def _conditional_field(node: Any) -> Optional[str]:
    """``visit_a(p, "f", …) if c else visit_b(p, "f", …)``: the field, visited
    either way; ``visit_a(p, "f", …) if f is not None else None``: the field
    marked ``?`` (no attribute hook at all when the value is None). None for
    any other conditional."""
    import ast

    body, orelse = _helper_field(node.body), _helper_field(node.orelse)
    if body is not None and body == orelse:
        return body
    test = node.test
    if (
        body is not None
        and isinstance(node.orelse, ast.Constant)
        and node.orelse.value is None
        and isinstance(test, ast.Compare)
        and len(test.ops) == 1
        and isinstance(test.ops[0], ast.IsNot)
        and isinstance(test.comparators[0], ast.Constant)
        and test.comparators[0].value is None
        and isinstance(test.left, ast.Name)
        and test.left.id == body
    ):
        return "?" + body
    return None


def _in_ifexp(call: Any, tree: Any) -> bool:
    import ast

    return any(isinstance(n, ast.IfExp) and (n.body is call or n.orelse is call) for n in ast.walk(tree))


def _node_classes() -> Dict[str, type]:
    """``"module.Class" -> class`` for libcst's concrete node classes,
    including those that inherit their children method (``Comma``, ``Dot``
    and every operator take ``_BaseOneTokenOp``'s)."""
    import importlib
    import inspect

    from libcst._nodes.base import CSTNode

    out: Dict[str, type] = {}
    for module_name in _NODE_MODULES:
        module = importlib.import_module(module_name)
        for name, value in vars(module).items():
            if not (isinstance(value, type) and value.__module__ == module_name and CSTNode in value.__mro__):  # (no ABC issubclass: slow)
                continue
            own = "_visit_and_replace_children" in value.__dict__
            inherited = any("_visit_and_replace_children" in klass.__dict__ for klass in value.__mro__[1 : value.__mro__.index(CSTNode)])
            if own or (inherited and not inspect.isabstract(value)):
                out[f"{module_name}.{name}"] = value
    return out


def compute_orders() -> Dict[str, Optional[Tuple[str, ...]]]:
    """Read from the installed libcst's source (slow: about a second); what
    :data:`mlwarden.core._walkcst_table.ORDERS` holds for its version."""
    return {key: _field_order(cls) for key, cls in sorted(_node_classes().items())}


def libcst_version() -> str:
    try:
        from libcst._version import __version__

        return str(__version__)
    except Exception:  # noqa: BLE001
        return ""


def _prepare() -> None:
    """Use the stored table when it was made from this libcst version; with
    any other version the walk is off (libcst's own visit runs)."""
    global _ORDERS, _TRIVIA, _TRIVIA_NAMES, _BROKEN
    if _ORDERS is not None or _BROKEN:
        return
    from mlwarden.core import _walkcst_table as table

    if libcst_version() != table.LIBCST_VERSION:
        _BROKEN = True
        return
    try:
        classes = _node_classes()
        orders = {classes[key]: fields for key, fields in table.ORDERS.items()}
    except (KeyError, ImportError, AttributeError):
        _BROKEN = True
        return
    trivia = {cls for key, cls in classes.items() if key.rsplit(".", 1)[0] in _TRIVIA_MODULES}
    trivia.update(classes[f"libcst._nodes.expression.{name}"] for name in _BRACKETS if f"libcst._nodes.expression.{name}" in classes)
    _TRIVIA = frozenset(trivia)
    _TRIVIA_NAMES = frozenset(cls.__name__ for cls in trivia)
    _ORDERS = orders


def usable() -> bool:
    _prepare()
    return _ORDERS is not None


def write_table(path: str) -> None:
    """Write :mod:`mlwarden.core._walkcst_table` for the installed libcst."""
    lines = [
        '"""libcst\'s child order per node class (generated by',
        "``python -m mlwarden.core.walkcst --write-table``; see :mod:`mlwarden.core.walkcst`).\n",
        "Made from the libcst version below; with any other version the walk is off.",
        '"""',
        "",
        f"LIBCST_VERSION = {libcst_version()!r}",
        "",
        "ORDERS = {",
    ]
    for key, fields in compute_orders().items():
        lines.append(f"    {key!r}: {fields!r},")
    lines.append("}")
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")


def visit_batched(module: Any, visitors: Iterable[Any]) -> None:
    """``libcst.visit_batched(module, visitors)`` for visitors that only
    read (module docs)."""
    from libcst._batched_visitor import _BatchedCSTVisitor, _get_visitor_methods

    methods = _get_visitor_methods(list(visitors))
    if not usable():
        import libcst

        libcst.visit_batched(module, visitors)
        return
    walk(module, methods, _BatchedCSTVisitor(methods))


def walk(root: Any, methods: Dict[str, List[Callable[[Any], None]]], batched: Any, record: Optional[Callable[..., None]] = None) -> None:
    """Call ``methods`` (``visit_X``/``leave_X``/``visit_X_field`` -> callables)
    over ``root``'s tree in libcst's order. ``record(event, node, field)``, for
    tests, sees every event libcst's visitor would (trivia included)."""
    orders = _ORDERS
    assert orders is not None
    visits: Dict[str, List[Callable[[Any], None]]] = {}
    leaves: Dict[str, List[Callable[[Any], None]]] = {}
    hooked: Dict[Tuple[str, str], Tuple[list, list]] = {}
    typenames = set()
    for name, fns in methods.items():
        kind, _, rest = name.partition("_")
        typename, _, field = rest.partition("_")
        typenames.add(typename)
        if field:
            entry = hooked.setdefault((typename, field), ([], []))
            entry[0 if kind == "visit" else 1].extend(fns)
        elif kind == "visit":
            visits[typename] = fns
        else:
            leaves[typename] = fns
    skip = _TRIVIA if record is None and not (typenames & _TRIVIA_NAMES) else frozenset()
    hooked_types = {t for t, _ in hooked}
    from libcst._nodes.base import CSTNode

    def visit(node: Any) -> None:
        cls = type(node)
        name = cls.__name__
        if record is not None:
            record("visit", node, None)
        for fn in visits.get(name, ()):
            fn(node)
        fields = orders.get(cls)
        if fields is None:  # not fixed (or a class the table does not know)
            # libcst's own order for this node's children (batched, recording through its hooks)
            node._visit_and_replace_children(batched)
        else:
            attrs = name in hooked_types or record is not None
            for field in fields:
                if field[0] == "?":  # visited only when set: no hook at all for None
                    field = field[1:]
                    if getattr(node, field) is None:
                        continue
                hooks = hooked.get((name, field)) if attrs else None
                if record is not None:
                    record("visit_attribute", node, field)
                if hooks:
                    for fn in hooks[0]:
                        fn(node)
                value = getattr(node, field)
                if type(value) is tuple or type(value) is list:
                    for child in value:
                        if type(child) not in skip:
                            visit(child)
                elif isinstance(value, CSTNode) and type(value) not in skip:
                    visit(value)
                if hooks:
                    for fn in hooks[1]:
                        fn(node)
                if record is not None:
                    record("leave_attribute", node, field)
        for fn in leaves.get(name, ()):
            fn(node)
        if record is not None:
            record("leave", node, None)

    visit(root)


def _recorder(base: type, events: List[Tuple[str, int, Optional[str]]]) -> Any:
    """A ``base`` visitor that appends every event it is handed to ``events``."""

    class Recorder(base):  # type: ignore[misc, valid-type]
        def on_visit(self, node: Any) -> bool:
            events.append(("visit", id(node), None))
            return True

        def on_leave(self, original_node: Any) -> None:
            events.append(("leave", id(original_node), None))

        def on_visit_attribute(self, node: Any, attribute: str) -> None:
            events.append(("visit_attribute", id(node), attribute))

        def on_leave_attribute(self, original_node: Any, attribute: str) -> None:
            events.append(("leave_attribute", id(original_node), attribute))

    return Recorder


def libcst_events(root: Any) -> List[Tuple[str, int, Optional[str]]]:
    """libcst's own event sequence over ``root`` (for tests)."""
    from libcst import CSTVisitor

    events: List[Tuple[str, int, Optional[str]]] = []
    root.visit(_recorder(CSTVisitor, events)())
    return events


def walk_events(root: Any) -> List[Tuple[str, int, Optional[str]]]:
    """This walk's event sequence over ``root``, trivia included (for tests);
    the nodes handed to libcst record through its hooks."""
    from libcst._batched_visitor import _BatchedCSTVisitor

    events: List[Tuple[str, int, Optional[str]]] = []
    _prepare()
    walk(root, {}, _recorder(_BatchedCSTVisitor, events)({}), record=lambda event, node, field: events.append((event, id(node), field)))
    return events


def trivia_types() -> FrozenSet[type]:
    _prepare()
    return _TRIVIA


if __name__ == "__main__":  # pragma: no cover - the table's generator
    import os
    import sys

    if sys.argv[1:] != ["--write-table"]:
        sys.exit("usage: python -m mlwarden.core.walkcst --write-table")
    write_table(os.path.join(os.path.dirname(os.path.abspath(__file__)), "_walkcst_table.py"))
