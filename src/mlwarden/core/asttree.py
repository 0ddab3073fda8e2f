"""One ``ast`` tree per source text, shared by the analyses that read a
whole module.

The engine parses a file that reaches the rules once with ``ast``; several
rule helpers then needed the whole module's tree too (the opt-in flag
ladder, the round-trip and same-file readers, the context and value
readers), and each parsed the same text again: ~0.12 s per parse of a
5,000-line module such as transformers' ``modeling_utils.py`` on a busy
machine. :func:`module_ast` gives them one tree: the engine's, registered
with :func:`remember`, or one parse remembered for the next caller.

The trees are read, never changed: a caller that edits a tree (line
offsets, a ``NodeTransformer``) parses its own. Only the last
:data:`KEEP` texts are kept, so a long run (or the language server) holds
at most that many trees.
"""

from __future__ import annotations

import ast
from typing import List, Optional, Tuple

#: how many recent (source, tree) pairs are kept
KEEP = 2

_recent: List[Tuple[str, Optional[ast.Module]]] = []


def module_ast(source: str) -> Optional[ast.Module]:
    """The ``ast`` tree of ``source``, or None when it does not parse
    (syntax, null bytes, too deep): shared, never to be modified."""
    for index, (text, tree) in enumerate(_recent):
        if text is source or text == source:
            if index:
                _recent.insert(0, _recent.pop(index))
            return tree
    try:
        tree: Optional[ast.Module] = ast.parse(source)
    except (SyntaxError, ValueError, TypeError, RecursionError, MemoryError):
        tree = None
    remember(source, tree)
    return tree


def remember(source: str, tree: Optional[ast.Module]) -> None:
    """Keep ``tree`` (``ast.parse(source)``, parsed by the caller) for
    :func:`module_ast`."""
    _recent[:] = [(source, tree), *[(text, kept) for text, kept in _recent if text is not source and text != source][: KEEP - 1]]


def unit_ast(unit: object) -> Optional[ast.Module]:
    """The whole file's tree for a rule reading its module: the engine's
    (``unit.extra["ast"]``), else the shared parse of ``unit.code.source``
    (None when it does not parse)."""
    extra = getattr(unit, "extra", None)
    tree = extra.get("ast") if isinstance(extra, dict) else None
    if tree is not None:
        return tree
    source = getattr(getattr(unit, "code", None), "source", None)
    return module_ast(source) if isinstance(source, str) else None


def import_aliases(node: ast.AST) -> List[Tuple[str, str]]:
    """``(local name, dotted name it stands for)`` for each name an
    ``import`` or an absolute ``from … import`` binds: ``import a.b`` binds
    ``a`` to ``a``, ``import a.b as c`` binds ``c`` to ``a.b``, ``from m
    import n as k`` binds ``k`` to ``m.n``. Empty for a relative import and
    for any other node."""
    if isinstance(node, ast.Import):
        out = []
        for alias in node.names:
            head = alias.name.split(".")[0]
            out.append((alias.asname, alias.name) if alias.asname else (head, head))
        return out
    if isinstance(node, ast.ImportFrom) and node.module and not node.level:
        return [(alias.asname or alias.name, f"{node.module}.{alias.name}") for alias in node.names]
    return []
