"""A module proxy that imports on first attribute access.

Rule modules write ``from mlwarden.core.lazy import cst`` and use ``cst.Call``
inside methods: the ~150 ms libcst import is then paid only when a file
actually reaches the parser, not by every pre-commit run that touches no
model-loading code.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any, Callable, Optional


class LazyModule:
    def __init__(self, name: str, loader: Optional[Callable[[], ModuleType]] = None) -> None:
        self.__dict__["_name"] = name
        self.__dict__["_module"] = None
        self.__dict__["_loader"] = loader

    def _load(self) -> ModuleType:
        module: Optional[ModuleType] = self.__dict__["_module"]
        if module is None:
            loader = self.__dict__["_loader"]
            module = loader() if loader is not None else importlib.import_module(self.__dict__["_name"])
            self.__dict__["_module"] = module
        return module

    def __getattr__(self, attr: str) -> Any:
        # reached once per name: the value is then an attribute of the proxy
        # (rules read `cst.Name` in their hottest loops)
        value = getattr(self._load(), attr)
        self.__dict__[attr] = value
        return value

    def __repr__(self) -> str:
        return f"<lazy module {self.__dict__['_name']!r}>"


def _libcst() -> ModuleType:
    from mlwarden.core.codecache import load_libcst

    return load_libcst()  # the node classes' generated code from the cache (core/codecache.py)


cst: Any = LazyModule("libcst", _libcst)
