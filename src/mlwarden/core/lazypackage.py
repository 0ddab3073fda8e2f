"""Import a package's submodules without running its ``__init__`` first.

``import libcst`` runs ``libcst/__init__.py``, which imports every part of
libcst: the node classes the rules read, but also ``libcst.metadata``'s scope,
type-inference (which imports :mod:`subprocess`) and repository providers,
the codemod helpers' dependencies and the batched visitor. A run that reaches
the rules needs the nodes, the parser entry point, the visitors and the
position provider; the rest is ~30 ms of a ~100 ms import, paid by every
pre-commit run that judges one call.

:func:`load` puts a *package module* for ``libcst`` (and ``libcst.metadata``)
into ``sys.modules`` without running its ``__init__``, imports the listed
submodules, and answers every public name of the package on first access
from the module its ``__init__`` imports it from (read, not run, from the
``__init__``'s ``from X import name`` lines). A name the ``__init__`` does
not import that way (``__all__``, a ``try`` block's names) runs the real
``__init__`` into the same module object once; from then on the module is
exactly what ``import libcst`` gives. So the objects are the same classes and
functions either way: ``cst.Call`` is ``libcst._nodes.expression.Call``.

Nothing here reads, compiles or runs anything from the files mlwarden checks:
only the installed package's own ``__init__.py`` is read. Any surprise (a
libcst whose layout moved, a missing file) undoes the partial import and the
caller imports the package plainly.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import sys
from types import ModuleType
from typing import Callable, Dict, Optional, Sequence, Tuple


def load(package: str, subpackages: Sequence[str], submodules: Sequence[str]) -> Optional[ModuleType]:
    """``package`` with only ``submodules`` imported (None, and nothing left
    in ``sys.modules``, when that cannot be done; the caller then imports it
    plainly). ``subpackages`` get the same treatment, parents first."""
    if package in sys.modules:
        return sys.modules[package]
    try:
        top = _package_module(package)
        for name in subpackages:
            module = _package_module(name)
            parent, _, child = name.rpartition(".")
            setattr(sys.modules[parent], child, module)
        for name in submodules:
            importlib.import_module(name)
    except Exception:  # noqa: BLE001 - any surprise: the plain import decides
        _forget(package)
        return None
    return top


def _forget(package: str) -> None:
    for name in [n for n in sys.modules if n == package or n.startswith(package + ".")]:
        del sys.modules[name]


def _package_module(name: str) -> ModuleType:
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None or not spec.origin or spec.submodule_search_locations is None:
        raise ImportError(f"{name} is not a package on disk")
    with open(spec.origin, encoding="utf-8") as handle:
        table = _imported_names(handle.read())
    module = importlib.util.module_from_spec(spec)
    module.__getattr__ = _resolver(module, table, lambda: spec.loader.exec_module(module))  # type: ignore[union-attr]
    sys.modules[name] = module
    return module


def _imported_names(text: str) -> Dict[str, Tuple[str, str]]:
    """``name -> (module, attribute)`` for the top-level absolute
    ``from module import attribute [as name]`` lines of an ``__init__``."""
    table: Dict[str, Tuple[str, str]] = {}
    for node in ast.parse(text).body:
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            for alias in node.names:
                if alias.name != "*":
                    table[alias.asname or alias.name] = (node.module, alias.name)
    return table


def _resolver(module: ModuleType, table: Dict[str, Tuple[str, str]], complete: Callable[[], None]) -> Callable[[str], object]:
    state = {"complete": False}

    def __getattr__(name: str) -> object:
        where = table.get(name)
        if where is not None:
            value = getattr(importlib.import_module(where[0]), where[1])
        elif not name.startswith("__") and _is_submodule(module, name):
            # `from libcst import native`: the submodule, as the plain package gives it
            value = importlib.import_module(f"{module.__name__}.{name}")
        elif not state["complete"]:
            state["complete"] = True
            complete()  # the real __init__, into this module: now the plain import's module
            if name not in vars(module):
                raise AttributeError(f"module {module.__name__!r} has no attribute {name!r}")
            return vars(module)[name]
        else:
            raise AttributeError(f"module {module.__name__!r} has no attribute {name!r}")
        vars(module)[name] = value
        return value

    return __getattr__


def _is_submodule(package: ModuleType, name: str) -> bool:
    return importlib.util.find_spec(f"{package.__name__}.{name}") is not None
