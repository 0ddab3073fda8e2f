"""Every compiled regular expression mlwarden's modules hold (for the tests
that check properties of all of them)."""

from __future__ import annotations

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
