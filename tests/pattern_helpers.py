"""Every compiled regular expression mlwarden's modules hold (for the tests
that check properties of all of them)."""

from __future__ import annotations

import functools
import importlib
import pkgutil
import re

import mlwarden
from mlwarden.core import lazyre


def all_patterns():
    found = {}

    def walk(value, where, depth=0):
        if isinstance(value, (lazyre.LazyPattern, re.Pattern)):  # a lazy one stays lazy (it compiles on first use)
            found.setdefault(id(value), (where, value))
            return
        if depth > 3:
            return
        if isinstance(value, dict):
            items = list(value.values())
        elif isinstance(value, (list, tuple, set, frozenset)):
            items = list(value)
        elif isinstance(value, type) and value.__module__.startswith("mlwarden"):
            items = list(vars(value).values())
        else:
            return
        for item in items:
            walk(item, where, depth + 1)

    for info in pkgutil.walk_packages(mlwarden.__path__, "mlwarden."):
        if info.name.startswith("mlwarden.server"):
            continue  # the language server needs its optional extra; it defines no pattern of its own
        module = importlib.import_module(info.name)
        for name, value in list(vars(module).items()):
            walk(value, f"{info.name}.{name}")
    return sorted(found.values(), key=lambda item: item[0])


#: the functions of ``re`` that take a pattern as their first argument
_RE_FUNCTIONS = frozenset({"match", "fullmatch", "search", "findall", "finditer", "sub", "subn", "split", "compile"})
_FLAG_NAMES = ("IGNORECASE", "I", "MULTILINE", "M", "DOTALL", "S", "VERBOSE", "X", "ASCII", "A")


@functools.lru_cache(maxsize=None)
def inline_patterns():
    """Patterns written inline in mlwarden's code (``re.fullmatch(r"...",
    text)`` in a function), compiled with the flags named at the call: the
    module-level walk above never sees them."""
    import ast
    from pathlib import Path

    found = []
    # only modules that spell such a call are parsed (about half the text;
    # every xdist worker collects this at start-up)
    call = re.compile(r"\b(?:re|lazyre)\s*\.\s*(?:" + "|".join(sorted(_RE_FUNCTIONS)) + r")\b")
    for path in sorted(Path(mlwarden.__file__).parent.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if call.search(text) is None:
            continue
        tree = ast.parse(text)
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _RE_FUNCTIONS
                    and isinstance(node.func.value, ast.Name) and node.func.value.id in ("re", "lazyre")
                    and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
                continue
            flags = 0
            for argument in list(node.args[1:]) + [k.value for k in node.keywords if k.arg == "flags"]:
                for part in ast.walk(argument):
                    if isinstance(part, ast.Attribute) and part.attr in _FLAG_NAMES:
                        flags |= getattr(re, part.attr)
            where = f"{path.relative_to(Path(mlwarden.__file__).parent.parent)}:{node.lineno}"
            found.append((where, re.compile(node.args[0].value, flags)))
    return found
